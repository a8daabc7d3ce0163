/*
 * bench_report.c: the whole office report for 2,000 pupils and a year of late arrivals, read
 * from an SQLite central store; next to a baseline measured in the same run: the time just to
 * read the school's events out of the store.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central.h"
#include "report.h"
#include "term_gen.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t g_files, g_bytes;

static int tally(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F) {
        g_files++;
        g_bytes += (size_t)st->st_size;
    }
    return 0;
}

/* The second baseline: as many files of the same total size, written plainly (write, rename). */
static double write_files(const char *dir, size_t files, size_t bytes)
{
    size_t each = files ? bytes / files : 0;
    char *buf = malloc(each + 1), path[256], tmp[272];
    memset(buf, 'x', each);
    double t0 = now();
    for (size_t i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/f%zu.html", dir, i);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, buf, each) != (ssize_t)each || close(fd) != 0 ||
            rename(tmp, path) != 0) {
            perror(path);
            exit(1);
        }
    }
    free(buf);
    return now() - t0;
}

int main(int argc, char **argv)
{
    size_t pupils = argc > 1 ? (size_t)atol(argv[1]) : 2000;
    char dir[] = "/tmp/ld-bench-report-XXXXXX", url[128], out[128], msg[1024];
    struct gen_term term;
    if (!mkdtemp(dir))
        return 1;
    snprintf(url, sizeof url, "sqlite:%s/central.db", dir);
    snprintf(out, sizeof out, "%s/site", dir);
    ld_date until = ld_date_from_ymd(2027, 7, 21); /* the last day of the demo year */
    if (gen_term_build(url, NULL, NULL, pupils, until, 42, &term))
        return 1;
    printf("store: %zu pupils, %zu events (%zu arrivals) over the 2026-27 year\n", term.npupils,
           term.nevents, term.narrivals);
    struct ld_central *c = NULL;
    if (ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    /* baseline: read every event out of the store, page by page */
    struct ld_central_event *page = calloc(LD_CENTRAL_PULL_MAX, sizeof *page);
    double t0 = now();
    size_t total = 0, n = 0;
    int64_t after = 0;
    do {
        if (ld_central_school_events(c, "hollybrook", after, page, LD_CENTRAL_PULL_MAX, &n, msg,
                                     sizeof msg)) {
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
        total += n;
        if (n)
            after = page[n - 1].global_seq;
    } while (n);
    double base = now() - t0;
    free(page);

    /* the full report: read, run the core, write every page, letter and CSV */
    t0 = now();
    struct ld_report *r = NULL;
    /* the whole of the year's last day (ld_report_load refuses a day after today) */
    if (ld_report_load_at(c, "hollybrook", until, -1, &r, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double loaded = now() - t0;
    struct ld_report_options opt = {.out_dir = out};
    if (ld_report_write(r, &opt, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double full = now() - t0;
    size_t needs = 0;
    for (size_t i = 0; i < r->roster.count; i++)
        needs += ld_report_needs_action(r, i);
    nftw(out, tally, 16, FTW_PHYS);
    char plain[160];
    snprintf(plain, sizeof plain, "%s/plain", dir);
    mkdir(plain, 0700);
    double io = write_files(plain, g_files, g_bytes);
    printf("baseline 1: read %zu events from the store: %.3f s\n", total, base);
    printf("baseline 2: write %zu files of %.1f MB in all, nothing else: %.3f s\n", g_files,
           g_bytes / 1e6, io);
    printf("report: load + core %.3f s, pages and %zu letters %.3f s, total %.3f s "
           "(%.1f x baseline 1, %.1f x baseline 2; target under 10 s)\n",
           loaded, needs, full - loaded, full, base > 0 ? full / base : 0, io > 0 ? full / io : 0);
    ld_report_free(r);
    ld_central_close(c);
    gen_term_free(&term);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
