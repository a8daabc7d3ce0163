/* report_out.c: the text buffer, HTML and CSV escaping, and safe file writing. */
#include "report_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ld_buf_free(struct ld_buf *b)
{
    if (!b)
        return;
    free(b->p);
    memset(b, 0, sizeof *b);
}

static bool grow(struct ld_buf *b, size_t more)
{
    if (b->failed)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    if (b->len + more + 1 > LD_BUF_MAX) {
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void ld_buf_put(struct ld_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void ld_buf_puts(struct ld_buf *b, const char *s)
{
    ld_buf_put(b, s, strlen(s));
}

void ld_buf_printf(struct ld_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        ld_buf_put(b, small, (size_t)n);
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ld_buf_html(struct ld_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *ent = NULL;
        switch (*s) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        ld_buf_put(b, run, (size_t)(s - run));
        ld_buf_puts(b, ent);
        run = s + 1;
    }
    ld_buf_put(b, run, (size_t)(s - run));
}

void ld_buf_csv(struct ld_buf *b, const char *s)
{
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        ld_buf_puts(b, s);
        return;
    }
    ld_buf_puts(b, formula ? "\"'" : "\"");
    for (; *s; s++) {
        if (*s == '"')
            ld_buf_puts(b, "\"\"");
        else
            ld_buf_put(b, s, 1);
    }
    ld_buf_puts(b, "\"");
}

ld_err ld_report_mkdir(const char *dir, char *msg, size_t msglen)
{
    struct stat st;
    if (mkdir(dir, 0700) == 0)
        return LD_OK;
    if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return LD_OK;
    if (msg && msglen)
        snprintf(msg, msglen, "%s: cannot create the directory: %s", dir,
                 errno == EEXIST ? "a file is in the way" : strerror(errno));
    return LD_ERR_IO;
}

ld_err ld_buf_write_file(const struct ld_buf *b, const char *dir, const char *name, char *msg,
                         size_t msglen)
{
    char path[4096], tmp[4128];
    if (b->failed) {
        if (msg && msglen)
            snprintf(msg, msglen, "%s/%s: out of memory building the file", dir, name);
        return LD_ERR_NOMEM;
    }
    const char *slash = strchr(name, '/');
    if (slash) {
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%.*s", dir, (int)(slash - name), name);
        ld_err err = ld_report_mkdir(sub, msg, msglen);
        if (err)
            return err;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->p + off, b->len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            goto fail_unlink;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0)
        goto fail_unlink;
    return LD_OK;
fail_unlink : {
    int e = errno;
    unlink(tmp);
    errno = e;
}
fail:
    if (msg && msglen)
        snprintf(msg, msglen, "%s: cannot write: %s", path, strerror(errno));
    return errno == ENOSPC ? LD_ERR_FULL : LD_ERR_IO;
}
