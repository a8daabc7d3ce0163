/* device_calendar.c: the kiosk notices a changed calendar file and swaps the new one in. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "device_priv.h"
#include "names.h"

/* How often the status refresh looks at the file: one stat(2) each time. */
#define CALENDAR_CHECK_MS 3000.0

/* Sets the staff's status detail (the file's name without its directory, to fit the screen)
 * and logs the whole sentence. what starts with the file's path. */
static void set_problem(struct kiosk_device *d, const char *what, bool have_calendar)
{
    const char *suffix = have_calendar ? "old calendar kept"
                                       : "no calendar yet: arrivals still "
                                         "recorded, no speak-to list";
    const char *path = d->dev.cfg.calendar_path, *slash = strrchr(path, '/');
    const char *shown = what;
    if (slash && strncmp(what, path, strlen(path)) == 0)
        shown = what + (slash + 1 - path);
    char line[KIOSK_DETAIL_MAX + 512];
    snprintf(line, sizeof line, "%s (%s)", shown, suffix);
    kiosk_copy(d->calwatch.problem, sizeof d->calwatch.problem, line);
    fprintf(stderr, "latedoor-kiosk: calendar: %s (%s)\n", what, suffix);
}

/* True when st is the file the last look saw (same file, size and times). */
static bool same_file(const struct kiosk_calendar_watch *w, const struct stat *st)
{
    return w->seen && !w->missing && w->st_dev == (unsigned long long)st->st_dev &&
           w->st_ino == (unsigned long long)st->st_ino &&
           w->st_size == (unsigned long long)st->st_size &&
           w->st_mtime_ns == (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec &&
           w->st_ctime_ns == (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

static void remember(struct kiosk_calendar_watch *w, const struct stat *st)
{
    w->seen = true;
    w->missing = false;
    w->st_dev = (unsigned long long)st->st_dev;
    w->st_ino = (unsigned long long)st->st_ino;
    w->st_size = (unsigned long long)st->st_size;
    w->st_mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    w->st_ctime_ns = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

/* Reads and builds the calendar at the config's path; swaps it in only when both succeed. */
static void reload(struct kiosk_device *d)
{
    const char *path = d->dev.cfg.calendar_path;
    struct ld_calendar_file file = {0};
    struct ld_calendar *cal = NULL;
    char msg[512];
    ld_err err = ld_calendar_file_load(path, &file, msg, sizeof msg);
    if (!err)
        err = ld_calendar_file_build(&file, path, &cal, msg, sizeof msg);
    if (err) {
        ld_calendar_file_free(&file);
        set_problem(d, msg, d->dev.cal != NULL);
        return;
    }
    bool had = d->dev.cal != NULL;
    ld_calendar_file_free(&d->dev.calfile);
    ld_calendar_destroy(d->dev.cal);
    d->dev.calfile = file;
    d->dev.cal = cal;
    d->cache_valid = false; /* today's analysis, speak-to and punctual class came from the old */
    d->calwatch.problem[0] = '\0';
    if (had)
        fprintf(stderr,
                "latedoor-kiosk: calendar: %s changed: read again (%zu terms, %zu closed "
                "days)\n",
                path, file.term_count, file.closed_count);
}

void kiosk_device__calendar_check(struct kiosk_device *d, double now_mono_ms)
{
    struct kiosk_calendar_watch *w = &d->calwatch;
    if (d->broken[0] || (w->interval_ms >= 0 && now_mono_ms < w->next_check_ms))
        return;
    w->next_check_ms =
        now_mono_ms + (w->interval_ms > 0 ? (double)w->interval_ms : CALENDAR_CHECK_MS);
    const char *path = d->dev.cfg.calendar_path;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (w->seen && w->missing)
            return; /* still not there: said so already */
        int e = errno;
        w->seen = w->missing = true;
        char line[LD_CONFIG_PATH_MAX + 96];
        snprintf(line, sizeof line, "%s: %s", path,
                 e == ENOENT ? "not there yet (latedoor sync writes it)" : strerror(e));
        set_problem(d, line, d->dev.cal != NULL);
        return;
    }
    if (same_file(w, &st))
        return;
    remember(w, &st);
    reload(d);
}
