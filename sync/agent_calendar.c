/*
 * agent_calendar.c: the school's calendar from the central store, written as the kiosk's
 * calendar file (the one [paths] calendar names), atomically.
 *
 * Why a file and not the device store: the kiosk and every command already load the calendar
 * from that file (ld_device_load), checked by the same strict reader; writing the file keeps
 * one source of truth on the device. A kiosk reads it when it starts.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_priv.h"
#include "calendar_file.h"
#include "ld_calendar.h"

/* Appends to a growing text; false when out of memory. */
struct text {
    char *s;
    size_t n, cap;
};

static bool addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool addf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return false;
    if (t->n + (size_t)need + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)need;
        char *p = realloc(t->s, cap);
        if (!p)
            return false;
        t->s = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)need;
    return true;
}

/* Writes cal as the text of a calendar file into *t. */
static bool render(const struct ld_calendar_file *cal, int64_t version, struct text *t)
{
    bool ok = addf(t,
                   "; Written by latedoor sync from the central store (calendar version %" PRId64
                   ").\n; Change the calendar at the centre: edits here are overwritten.\n"
                   "[terms]\n",
                   version);
    char a[LD_DATE_STRLEN], b[LD_DATE_STRLEN];
    for (size_t i = 0; ok && i < cal->term_count; i++) {
        ld_date_format(cal->terms[i].start, a);
        ld_date_format(cal->terms[i].end, b);
        ok = addf(t, "%s = %s .. %s\n", cal->terms[i].name, a, b);
    }
    ok = ok && addf(t, "[closed]\n");
    for (size_t i = 0; ok && i < cal->closed_count; i++) {
        ld_date_format(cal->closed[i].date, a);
        ok = addf(t, "%s = %s\n", a, cal->closed[i].label);
    }
    return ok;
}

/* Compares what was parsed back with what was meant; names the first difference. */
static bool same(const struct ld_calendar_file *want, const struct ld_calendar_file *got,
                 char *what, size_t whatlen)
{
    if (want->term_count != got->term_count || want->closed_count != got->closed_count) {
        snprintf(what, whatlen, "the number of terms or closed days");
        return false;
    }
    for (size_t i = 0; i < want->term_count; i++) {
        const struct ld_calfile_term *w = &want->terms[i], *g = &got->terms[i];
        if (strcmp(w->name, g->name) || w->start != g->start || w->end != g->end) {
            snprintf(what, whatlen, "term %zu (\"%.63s\")", i + 1, w->name);
            return false;
        }
    }
    for (size_t i = 0; i < want->closed_count; i++) {
        const struct ld_calfile_closed *w = &want->closed[i], *g = &got->closed[i];
        if (strcmp(w->label, g->label) || w->date != g->date) {
            char d[LD_DATE_STRLEN];
            ld_date_format(w->date, d);
            snprintf(what, whatlen, "closed day %s (\"%.64s\")", d, w->label);
            return false;
        }
    }
    return true;
}

/* Writes len bytes of text to path through a temporary file, fsync and rename. */
static ld_err write_atomic(const char *path, const char *text, size_t len, char *msg, size_t msglen)
{
    char tmp[4096], dir[4096];
    if (snprintf(tmp, sizeof tmp, "%s.sync-XXXXXX", path) >= (int)sizeof tmp ||
        snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
        ld_sync__msg(msg, msglen, "%s: path too long", path);
        return LD_ERR_RANGE;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        ld_sync__msg(msg, msglen, "%s: cannot create a temporary file beside it: %s", path,
                     strerror(errno));
        return errno == ENOSPC ? LD_ERR_FULL : LD_ERR_IO;
    }
    ld_err err = LD_OK;
    const char *what = "write";
    size_t done = 0;
    while (!err && done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            err = errno == ENOSPC ? LD_ERR_FULL : LD_ERR_IO;
        else
            done += (size_t)w;
    }
    /* The calendar is not secret: readable like the config it sits beside. */
    if (!err && fchmod(fd, 0644) != 0) {
        what = "chmod";
        err = LD_ERR_IO;
    }
    if (!err && fsync(fd) != 0) {
        what = "fsync";
        err = LD_ERR_IO;
    }
    int saved = errno;
    if (close(fd) != 0 && !err) {
        what = "close";
        saved = errno;
        err = LD_ERR_IO;
    }
    if (!err && rename(tmp, path) != 0) {
        what = "rename";
        saved = errno;
        err = LD_ERR_IO;
    }
    if (err) {
        ld_sync__msg(msg, msglen, "%s: cannot %s %s: %s", path, what, tmp, strerror(saved));
        unlink(tmp);
        return err;
    }
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        ld_sync__msg(msg, msglen, "%s: written, but its directory could not be synced: %s", path,
                     strerror(errno));
        err = LD_ERR_IO;
    }
    if (dfd >= 0)
        close(dfd);
    return err;
}

ld_err ld_sync_write_calendar(const char *path, const struct ld_calendar_file *cal, int64_t version,
                              char *msg, size_t msglen)
{
    if (!path || !path[0] || !cal) {
        ld_sync__msg(msg, msglen, "calendar: no file or calendar given");
        return LD_ERR_INVALID;
    }
    struct text t = {0};
    struct ld_calendar_file back = {0};
    struct ld_calendar *built = NULL;
    char what[160];
    ld_err err = render(cal, version, &t) ? LD_OK : LD_ERR_NOMEM;
    if (err) {
        ld_sync__msg(msg, msglen, "calendar: out of memory");
        goto out;
    }
    /* Parse it back with the reader the kiosk uses: it must mean exactly the same. */
    err = ld_calendar_file_parse_string(t.s, path, &back, msg, msglen);
    if (!err && !same(cal, &back, what, sizeof what)) {
        ld_sync__msg(msg, msglen,
                     "%s cannot be written as a calendar file: it would read back differently",
                     what);
        err = LD_ERR_INVALID;
    }
    if (!err)
        err = ld_calendar_file_build(&back, path, &built, msg, msglen);
    if (!err)
        err = write_atomic(path, t.s, t.n, msg, msglen);
out:
    ld_calendar_destroy(built);
    ld_calendar_file_free(&back);
    free(t.s);
    return err;
}
