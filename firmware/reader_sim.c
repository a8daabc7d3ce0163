/* reader_sim.c: the simulated reader: card UIDs in hex, one per line, from a FIFO or a socket. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SIM_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
#define SIM_CHUNK    256 /* bytes read from a source at once */
#define SIM_ECHO_MAX 24  /* characters of a bad line quoted back */

/* One source of lines: the FIFO, or one client of the socket. */
struct sim_source {
    int fd;
    char in[SIM_CHUNK]; /* read but not yet looked at: in[pos..len) */
    size_t pos, len;
    char line[LD_SIM_LINE_MAX + 1];
    size_t line_len;
    bool too_long; /* the current line passed LD_SIM_LINE_MAX: it is skipped */
    unsigned lineno;
};

struct sim {
    char path[SIM_PATH_MAX + 1];
    enum ld_sim_kind kind;   /* as asked */
    enum ld_sim_kind active; /* FIFO or SOCKET while open */
    int listen_fd;           /* the socket, or -1 */
    bool made_socket;        /* unlink path on close */
    struct sim_source fifo;
    struct sim_source clients[LD_SIM_MAX_CLIENTS];
    int wake; /* eventfd: readable once interrupted */
};

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

static void source_reset(struct sim_source *s, int fd)
{
    s->fd = fd;
    s->pos = s->len = 0;
    s->line_len = 0;
    s->too_long = false;
    s->lineno = 0;
}

static void source_close(struct sim_source *s)
{
    if (s->fd >= 0)
        close(s->fd);
    source_reset(s, -1);
}

static bool sim_interrupted(const struct sim *s)
{
    struct pollfd p = {.fd = s->wake, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

static ld_err open_fifo(struct sim *s, char *msg, size_t msglen)
{
    if (mkfifo(s->path, 0600) != 0 && errno != EEXIST) {
        set_msg(msg, msglen, "sim: mkfifo %s: %s", s->path, strerror(errno));
        return errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO;
    }
    /* Read and write: the FIFO then never reports end of file when its writers come and go,
     * and opening it does not wait for a writer. */
    int fd = open(s->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        set_msg(msg, msglen, "sim: %s: %s", s->path, strerror(errno));
        return LD_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        set_msg(msg, msglen, "sim: %s: not a FIFO", s->path);
        close(fd);
        return LD_ERR_INVALID;
    }
    source_reset(&s->fifo, fd);
    s->active = LD_SIM_FIFO;
    return LD_OK;
}

static ld_err open_socket(struct sim *s, char *msg, size_t msglen)
{
    struct stat st;
    if (lstat(s->path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            set_msg(msg, msglen, "sim: %s exists and is not a socket", s->path);
            return LD_ERR_INVALID;
        }
        unlink(s->path); /* left by a previous run */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_msg(msg, msglen, "sim: socket: %s", strerror(errno));
        return LD_ERR_IO;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    memcpy(addr.sun_path, s->path, strlen(s->path) + 1);
    /* Linux makes the socket file with the mode of the socket: no moment open to others. */
    bool bound = false;
    if (fchmod(fd, 0600) != 0 || !(bound = bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0) ||
        chmod(s->path, 0600) != 0 || listen(fd, LD_SIM_MAX_CLIENTS) != 0) {
        int e = errno;
        set_msg(msg, msglen, "sim: %s: %s", s->path, strerror(e));
        close(fd);
        if (bound)
            unlink(s->path);
        return e == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO;
    }
    s->listen_fd = fd;
    s->made_socket = true;
    s->active = LD_SIM_SOCKET;
    return LD_OK;
}

static ld_err sim_open(void *impl, char *msg, size_t msglen)
{
    struct sim *s = impl;
    if (sim_interrupted(s))
        return LD_ERR_STATE;
    if (s->active != LD_SIM_AUTO)
        return LD_OK;
    enum ld_sim_kind kind = s->kind;
    if (kind == LD_SIM_AUTO) {
        struct stat st;
        kind = stat(s->path, &st) == 0 && S_ISFIFO(st.st_mode) ? LD_SIM_FIFO : LD_SIM_SOCKET;
    }
    return kind == LD_SIM_FIFO ? open_fifo(s, msg, msglen) : open_socket(s, msg, msglen);
}

static void sim_close(void *impl)
{
    struct sim *s = impl;
    source_close(&s->fifo);
    for (size_t i = 0; i < LD_SIM_MAX_CLIENTS; i++)
        source_close(&s->clients[i]);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    s->listen_fd = -1;
    if (s->made_socket)
        unlink(s->path);
    s->made_socket = false;
    s->active = LD_SIM_AUTO;
}

/* Judges one complete line of src. Returns true with *err set when it is a card (LD_OK) or bad
 * (LD_ERR_INVALID), false for a blank line. */
static bool judge_line(struct sim_source *src, struct ld_uid *uid, ld_err *err, char *msg,
                       size_t msglen)
{
    src->lineno++;
    if (src->too_long) {
        set_msg(msg, msglen, "sim: line %u: longer than %d characters", src->lineno,
                LD_SIM_LINE_MAX);
        *err = LD_ERR_INVALID;
        return true;
    }
    char *p = src->line;
    size_t n = src->line_len;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    if (n == 0)
        return false;
    p[n] = '\0';
    if (memchr(p, '\0', n) == NULL && ld_uid_parse(p, uid)) {
        *err = LD_OK;
        return true;
    }
    char echo[SIM_ECHO_MAX + 1];
    size_t e = 0;
    for (size_t i = 0; i < n && e < SIM_ECHO_MAX; i++)
        echo[e++] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
    echo[e] = '\0';
    set_msg(msg, msglen, "sim: line %u: not a card UID in hex: \"%s%s\"", src->lineno, echo,
            n > SIM_ECHO_MAX ? "..." : "");
    *err = LD_ERR_INVALID;
    return true;
}

/* Takes the bytes src holds until a line ends. Returns true with *err when it yields a card or
 * a bad line; false when it needs more bytes. */
static bool take_bytes(struct sim_source *src, struct ld_uid *uid, ld_err *err, char *msg,
                       size_t msglen)
{
    while (src->pos < src->len) {
        char c = src->in[src->pos++];
        if (c != '\n') {
            if (src->line_len < LD_SIM_LINE_MAX)
                src->line[src->line_len++] = c;
            else
                src->too_long = true;
            continue;
        }
        bool got = judge_line(src, uid, err, msg, msglen);
        src->line_len = 0;
        src->too_long = false;
        if (got)
            return true;
    }
    return false;
}

/* Reads what src->fd has. Returns 1 when bytes came, 0 at end of file, -1 on error (errno). */
static int fill(struct sim_source *src)
{
    ssize_t n = read(src->fd, src->in, sizeof src->in);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 1 : -1;
    src->pos = 0;
    src->len = (size_t)n;
    return n > 0;
}

static void accept_client(struct sim *s)
{
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (size_t i = 0; i < LD_SIM_MAX_CLIENTS; i++) {
        if (s->clients[i].fd < 0) {
            source_reset(&s->clients[i], fd);
            return;
        }
    }
    close(fd); /* full: turned away */
}

static ld_err sim_read(void *impl, struct ld_uid *uid, char *msg, size_t msglen)
{
    struct sim *s = impl;
    if (s->active == LD_SIM_AUTO) {
        set_msg(msg, msglen, "sim: not open");
        return LD_ERR_STATE;
    }
    struct sim_source *srcs[1 + LD_SIM_MAX_CLIENTS];
    size_t nsrc = 0;
    if (s->active == LD_SIM_FIFO) {
        srcs[nsrc++] = &s->fifo;
    } else {
        for (size_t i = 0; i < LD_SIM_MAX_CLIENTS; i++)
            srcs[nsrc++] = &s->clients[i];
    }

    for (;;) {
        ld_err err = LD_OK;
        for (size_t i = 0; i < nsrc; i++) {
            if (srcs[i]->fd >= 0 && take_bytes(srcs[i], uid, &err, msg, msglen))
                return err;
        }

        struct pollfd p[2 + LD_SIM_MAX_CLIENTS];
        size_t np = 0;
        p[np++] = (struct pollfd){.fd = s->wake, .events = POLLIN};
        if (s->listen_fd >= 0)
            p[np++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        for (size_t i = 0; i < nsrc; i++)
            p[np++] = (struct pollfd){.fd = srcs[i]->fd, .events = POLLIN}; /* -1: ignored */
        if (poll(p, np, -1) < 0) {
            if (errno == EINTR)
                continue;
            set_msg(msg, msglen, "sim: poll: %s", strerror(errno));
            return LD_ERR_IO;
        }
        if (p[0].revents)
            return LD_ERR_STATE;
        size_t first = 1;
        if (s->listen_fd >= 0) {
            first = 2;
            if (p[1].revents & POLLIN)
                accept_client(s);
        }
        for (size_t i = 0; i < nsrc; i++) {
            struct sim_source *src = srcs[i];
            if (src->fd < 0 || !p[first + i].revents)
                continue;
            int got = fill(src);
            if (got > 0)
                continue;
            if (src == &s->fifo) {
                set_msg(msg, msglen, "sim: %s: %s", s->path,
                        got == 0 ? "end of file" : strerror(errno));
                return LD_ERR_IO;
            }
            /* A client left: a last line without its newline still counts. */
            bool last = src->line_len > 0 || src->too_long;
            bool yield = last && judge_line(src, uid, &err, msg, msglen);
            source_close(src);
            if (yield)
                return err;
        }
    }
}

static void sim_interrupt(void *impl)
{
    struct sim *s = impl;
    uint64_t one = 1;
    /* The counter only grows, so it stays readable: the interrupt is sticky. */
    ssize_t n = write(s->wake, &one, sizeof one);
    (void)n;
}

static void sim_destroy(void *impl)
{
    struct sim *s = impl;
    if (!s)
        return;
    sim_close(s);
    if (s->wake >= 0)
        close(s->wake);
    free(s);
}

static const struct ld_reader_ops sim_ops = {
    .name = "sim",
    .open = sim_open,
    .read = sim_read,
    .close = sim_close,
    .interrupt = sim_interrupt,
    .destroy = sim_destroy,
};

ld_err ld_reader_sim_create(const char *path, enum ld_sim_kind kind, struct ld_reader **out,
                            char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct sim *s = NULL;
    if (!out)
        return LD_ERR_INVALID;
    *out = NULL;
    if (!path || !path[0] || strlen(path) > SIM_PATH_MAX) {
        set_msg(msg, msglen, "sim: needs a path of 1 to %zu bytes", SIM_PATH_MAX);
        err = LD_ERR_INVALID;
        goto out;
    }
    if (kind != LD_SIM_AUTO && kind != LD_SIM_FIFO && kind != LD_SIM_SOCKET) {
        set_msg(msg, msglen, "sim: unknown kind %d", (int)kind);
        err = LD_ERR_INVALID;
        goto out;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    s->kind = kind;
    s->active = LD_SIM_AUTO;
    s->listen_fd = -1;
    source_reset(&s->fifo, -1);
    for (size_t i = 0; i < LD_SIM_MAX_CLIENTS; i++)
        source_reset(&s->clients[i], -1);
    s->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->wake < 0) {
        set_msg(msg, msglen, "sim: eventfd: %s", strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }
    err = ld_reader_create(&sim_ops, s, out);

out:
    if (err && s) {
        if (s->wake >= 0)
            close(s->wake);
        free(s);
    }
    return err;
}
