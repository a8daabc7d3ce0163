/* test_clock_tz.c: local time from TZif files: the clock changes, far zones, corrupt files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define MIN_MS  (60 * INT64_C(1000))
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS  (24 * HOUR_MS)

/* ---- helpers ---- */

static ld_date D(const char *s)
{
    ld_date d = 0;
    assert_true(ld_date_parse(s, &d));
    return d;
}

/* The instant of a UTC date and time. */
static int64_t utc(const char *date, int h, int m)
{
    return (int64_t)D(date) * DAY_MS + h * HOUR_MS + m * MIN_MS;
}

static struct ld_tz *zone(const char *name)
{
    struct ld_tz *tz = NULL;
    char msg[300] = "";
    ld_err err = ld_tz_open(name, &tz, msg, sizeof msg);
    if (err != LD_OK)
        fail_msg("%s: %s", name, msg);
    assert_string_equal(ld_tz_name(tz), name);
    return tz;
}

/* The instant of a local date and hh:mm in tz, which must exist. */
static int64_t local(const struct ld_tz *tz, const char *date, int h, int m)
{
    int64_t ms = 0;
    char msg[300] = "";
    ld_err err = ld_clock_from_local(tz, D(date), h * 60 + m, 0, &ms, msg, sizeof msg);
    if (err != LD_OK)
        fail_msg("%s %02d:%02d: %s", date, h, m, msg);
    return ms;
}

/* Asserts that utc_ms is the local date and hh:mm:ss in tz. */
static void assert_local(const struct ld_tz *tz, int64_t utc_ms, const char *date, int h, int m,
                         int s)
{
    ld_date d = -1;
    ld_minute min = -1;
    int sec = -1;
    assert_int_equal(ld_clock_to_local(tz, utc_ms, &d, &min, &sec), LD_OK);
    assert_int_equal(d, D(date));
    assert_int_equal(min, h * 60 + m);
    assert_int_equal(sec, s);
}

/* ---- Europe/London ---- */

static void london_either_side_of_the_clock_changes(void **state)
{
    struct ld_tz *tz = zone("Europe/London");
    /* date, the UTC offset in hours that day */
    struct {
        const char *date;
        int off;
    } days[] = {{"2026-03-27", 0}, {"2026-03-30", 1}, {"2026-10-23", 1}, {"2026-10-26", 0}};
    int minutes[] = {8 * 60 + 59, 9 * 60 + 1};
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 2; j++) {
            int h = minutes[j] / 60, m = minutes[j] % 60;
            int64_t ms = local(tz, days[i].date, h, m);
            assert_int_equal(ms, utc(days[i].date, h - days[i].off, m));
            assert_local(tz, ms, days[i].date, h, m, 0);
        }
    }
    /* Spelled out: Monday 2026-03-30 09:01 BST is 08:01 UTC. */
    assert_int_equal(local(tz, "2026-03-30", 9, 1), utc("2026-03-30", 8, 1));
    assert_int_equal(local(tz, "2026-03-27", 8, 59), utc("2026-03-27", 8, 59));
    ld_tz_close(tz);
}

static void london_spring_forward_gap(void **state)
{
    struct ld_tz *tz = zone("Europe/London");
    int64_t ms = 42;
    char msg[300] = "";
    /* At 01:00 GMT the clocks went to 02:00 BST: 01:00 .. 01:59:59 never happened. */
    assert_int_equal(ld_clock_from_local(tz, D("2026-03-29"), 90, 0, &ms, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(ms, 42);
    assert_non_null(strstr(msg, "2026-03-29 01:30:00 does not exist in Europe/London"));
    assert_non_null(strstr(msg, "clocks went forward"));
    assert_int_equal(ld_clock_from_local(tz, D("2026-03-29"), 60, 0, &ms, NULL, 0), LD_ERR_INVALID);
    assert_int_equal(ld_clock_from_local(tz, D("2026-03-29"), 119, 59, &ms, NULL, 0),
                     LD_ERR_INVALID);
    assert_int_equal(local(tz, "2026-03-29", 0, 59), utc("2026-03-29", 0, 59));
    assert_int_equal(local(tz, "2026-03-29", 2, 0), utc("2026-03-29", 1, 0));
    /* The instants either side of the change. */
    assert_local(tz, utc("2026-03-29", 1, 0) - 1000, "2026-03-29", 0, 59, 59);
    assert_local(tz, utc("2026-03-29", 1, 0), "2026-03-29", 2, 0, 0);
    ld_tz_close(tz);
}

static void london_autumn_ambiguity_takes_bst(void **state)
{
    struct ld_tz *tz = zone("Europe/London");
    /* 01:30 happened twice: 00:30 UTC (BST) and 01:30 UTC (GMT). The first is chosen. */
    assert_int_equal(local(tz, "2026-10-25", 1, 30), utc("2026-10-25", 0, 30));
    assert_int_equal(local(tz, "2026-10-25", 1, 0), utc("2026-10-25", 0, 0));
    assert_int_equal(local(tz, "2026-10-25", 0, 59), utc("2026-10-24", 23, 59));
    assert_int_equal(local(tz, "2026-10-25", 2, 0), utc("2026-10-25", 2, 0));
    /* Both instants read as 01:30 locally. */
    assert_local(tz, utc("2026-10-25", 0, 30), "2026-10-25", 1, 30, 0);
    assert_local(tz, utc("2026-10-25", 1, 30), "2026-10-25", 1, 30, 0);
    assert_local(tz, utc("2026-10-25", 1, 0) - 1000, "2026-10-25", 1, 59, 59);
    assert_local(tz, utc("2026-10-25", 1, 0), "2026-10-25", 1, 0, 0);
    ld_tz_close(tz);
}

static void london_beyond_the_table(void **state)
{
    struct ld_tz *tz = zone("Europe/London");
    /* Fat files list transitions to 2037; the footer's rule covers the years after. */
    assert_local(tz, utc("2040-07-02", 8, 0), "2040-07-02", 9, 0, 0);
    assert_local(tz, utc("2040-01-06", 8, 0), "2040-01-06", 8, 0, 0);
    assert_int_equal(local(tz, "2040-07-02", 8, 55), utc("2040-07-02", 7, 55));
    /* 2040's changes: Sunday 25 March and Sunday 28 October, at 01:00 UTC. */
    assert_local(tz, utc("2040-03-25", 1, 0) - 1000, "2040-03-25", 0, 59, 59);
    assert_local(tz, utc("2040-03-25", 1, 0), "2040-03-25", 2, 0, 0);
    assert_local(tz, utc("2040-10-28", 1, 0) - 1000, "2040-10-28", 1, 59, 59);
    assert_local(tz, utc("2040-10-28", 1, 0), "2040-10-28", 1, 0, 0);
    assert_int_equal(ld_clock_from_local(tz, D("2040-03-25"), 90, 0, &(int64_t){0}, NULL, 0),
                     LD_ERR_INVALID);
    assert_int_equal(local(tz, "2040-10-28", 1, 30), utc("2040-10-28", 0, 30));
    assert_local(tz, utc("2123-07-01", 12, 0), "2123-07-01", 13, 0, 0);
    ld_tz_close(tz);
}

static void milliseconds_and_times_before_1970(void **state)
{
    struct ld_tz *tz = zone("Europe/London");
    assert_local(tz, utc("2026-01-05", 8, 59) + 59999, "2026-01-05", 8, 59, 59);
    /* Rounded down, before the epoch too. */
    assert_local(tz, -1, "1970-01-01", 0, 59, 59); /* the UK kept BST all year, 1968-71 */
    assert_local(tz, utc("1950-01-01", 0, 0) - 1, "1949-12-31", 23, 59, 59);
    /* Range. */
    ld_date d = 7;
    assert_int_equal(ld_clock_to_local(tz, INT64_MAX, &d, NULL, NULL), LD_ERR_RANGE);
    assert_int_equal(ld_clock_to_local(tz, INT64_MIN, &d, NULL, NULL), LD_ERR_RANGE);
    assert_int_equal(ld_clock_to_local(tz, ld_date_from_ymd(1899, 12, 31) * DAY_MS, &d, NULL, NULL),
                     LD_ERR_RANGE);
    assert_int_equal(d, 7);
    assert_int_equal(ld_clock_to_local(NULL, 0, &d, NULL, NULL), LD_ERR_INVALID);
    assert_int_equal(ld_clock_to_local(tz, 0, NULL, NULL, NULL), LD_OK);
    ld_tz_close(tz);
}

static void bad_local_arguments(void **state)
{
    struct ld_tz *tz = zone("Europe/London");
    int64_t ms = 42;
    char msg[300];
    ld_date day = D("2026-03-30");
    assert_int_equal(ld_clock_from_local(tz, day, 1440, 0, &ms, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "out of range"));
    assert_int_equal(ld_clock_from_local(tz, day, -1, 0, &ms, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_clock_from_local(tz, day, 0, 60, &ms, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_clock_from_local(tz, day, 0, -1, &ms, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(
        ld_clock_from_local(tz, ld_date_from_ymd(1899, 12, 31), 0, 0, &ms, msg, sizeof msg),
        LD_ERR_INVALID);
    assert_int_equal(
        ld_clock_from_local(tz, ld_date_from_ymd(10000, 1, 1), 0, 0, &ms, msg, sizeof msg),
        LD_ERR_INVALID);
    assert_int_equal(ld_clock_from_local(NULL, day, 0, 0, &ms, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_clock_from_local(tz, day, 0, 0, NULL, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ms, 42);
    ld_tz_close(tz);
}

/* ---- other zones ---- */

static void utc_has_no_changes(void **state)
{
    struct ld_tz *tz = zone("UTC");
    assert_local(tz, 0, "1970-01-01", 0, 0, 0);
    assert_local(tz, utc("2026-07-01", 9, 1), "2026-07-01", 9, 1, 0);
    const char *dates[] = {"2026-03-29", "2026-10-25", "2040-07-01", "1900-01-01", "9999-12-31"};
    for (size_t i = 0; i < 5; i++) {
        for (int m = 0; m < 1440; m += 7)
            assert_int_equal(local(tz, dates[i], m / 60, m % 60), utc(dates[i], m / 60, m % 60));
    }
    ld_tz_close(tz);
}

static void sydney_summer_is_in_january(void **state)
{
    struct ld_tz *tz = zone("Australia/Sydney");
    /* AEDT (+11) in January, AEST (+10) in July. */
    assert_int_equal(local(tz, "2026-01-15", 9, 0), utc("2026-01-14", 22, 0));
    assert_int_equal(local(tz, "2026-07-15", 9, 0), utc("2026-07-14", 23, 0));
    assert_local(tz, utc("2026-01-14", 22, 0), "2026-01-15", 9, 0, 0);
    /* Sunday 2026-10-04: 02:00 AEST became 03:00 AEDT. */
    assert_int_equal(ld_clock_from_local(tz, D("2026-10-04"), 150, 0, &(int64_t){0}, NULL, 0),
                     LD_ERR_INVALID);
    /* Sunday 2026-04-05: 03:00 AEDT became 02:00 AEST; 02:30 AEDT comes first. */
    assert_int_equal(local(tz, "2026-04-05", 2, 30), utc("2026-04-04", 15, 30));
    /* Past the table, the footer still knows which half of the year is summer. */
    assert_local(tz, utc("2040-01-15", 0, 0), "2040-01-15", 11, 0, 0);
    assert_local(tz, utc("2040-07-15", 0, 0), "2040-07-15", 10, 0, 0);
    ld_tz_close(tz);
}

static void zones_with_odd_rules(void **state)
{
    /* Dublin: winter is its "summer time" (negative DST), and so is its footer. */
    struct ld_tz *tz = zone("Europe/Dublin");
    assert_local(tz, utc("2040-07-02", 8, 0), "2040-07-02", 9, 0, 0);
    assert_local(tz, utc("2040-01-06", 8, 0), "2040-01-06", 8, 0, 0);
    ld_tz_close(tz);
    /* Kolkata: half an hour, no DST. Chatham: 12:45 and 13:45. Lord Howe: DST of 30 minutes. */
    tz = zone("Asia/Kolkata");
    assert_local(tz, utc("2026-03-29", 3, 29), "2026-03-29", 8, 59, 0);
    ld_tz_close(tz);
    tz = zone("Pacific/Chatham");
    assert_local(tz, utc("2040-07-01", 0, 0), "2040-07-01", 12, 45, 0);
    assert_local(tz, utc("2040-01-01", 0, 0), "2040-01-01", 13, 45, 0);
    ld_tz_close(tz);
    tz = zone("Australia/Lord_Howe");
    assert_local(tz, utc("2040-07-01", 0, 0), "2040-07-01", 10, 30, 0);
    assert_local(tz, utc("2040-01-01", 0, 0), "2040-01-01", 11, 0, 0);
    ld_tz_close(tz);
}

/* ---- against glibc ---- */

/* Sets the process's TZ (this test is single-threaded) and returns glibc's local time of t. */
static void glibc_local(int64_t t, ld_date *d, ld_minute *m, int *s)
{
    time_t tt = (time_t)t;
    struct tm tm;
    assert_non_null(localtime_r(&tt, &tm));
    *d = ld_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    *m = tm.tm_hour * 60 + tm.tm_min;
    *s = tm.tm_sec;
}

/*
 * Compares to_local with glibc at every step seconds from..to, and checks that from_local
 * gives back the instant, or (for a repeated local time) an earlier one that reads the same.
 */
static void compare_with_glibc(const struct ld_tz *tz, const char *tzenv, int64_t from, int64_t to,
                               int64_t step)
{
    setenv("TZ", tzenv, 1);
    tzset();
    for (int64_t t = from; t < to; t += step) {
        ld_date gd, d;
        ld_minute gm, m;
        int gs, s;
        glibc_local(t, &gd, &gm, &gs);
        assert_int_equal(ld_clock_to_local(tz, t * 1000, &d, &m, &s), LD_OK);
        if (d != gd || m != gm || s != gs) {
            char a[LD_DATE_STRLEN], b[LD_DATE_STRLEN];
            ld_date_format(d, a);
            ld_date_format(gd, b);
            fail_msg("%s at %lld: ours %s %02d:%02d:%02d, glibc %s %02d:%02d:%02d", tzenv,
                     (long long)t, a, m / 60, m % 60, s, b, gm / 60, gm % 60, gs);
        }
        int64_t back = 0;
        char msg[300] = "";
        if (ld_clock_from_local(tz, d, m, s, &back, msg, sizeof msg) != LD_OK)
            fail_msg("%s at %lld: %s", tzenv, (long long)t, msg);
        assert_true(back <= t * 1000);
        if (back != t * 1000) {
            ld_date d2;
            ld_minute m2;
            int s2;
            assert_int_equal(ld_clock_to_local(tz, back, &d2, &m2, &s2), LD_OK);
            assert_true(d2 == d && m2 == m && s2 == s);
        }
    }
    unsetenv("TZ");
    tzset();
}

static void agrees_with_glibc(void **state)
{
    const char *zones[] = {"Europe/London",     "Australia/Sydney",    "America/New_York",
                           "Europe/Dublin",     "Pacific/Chatham",     "America/St_Johns",
                           "Africa/Casablanca", "Australia/Lord_Howe", "Antarctica/Troll",
                           "America/Nuuk",      "Pacific/Apia",        "UTC"};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        struct ld_tz *tz = zone(zones[i]);
        /* An odd step lands on every minute and second over the years. */
        compare_with_glibc(tz, zones[i], -2177452800 /* 1901 */, 4102444800 /* 2100 */,
                           3 * 3600 + 7 * 60 + 11);
        /* Close around the clock changes of recent and coming years. */
        compare_with_glibc(tz, zones[i], 1735689600 /* 2025 */, 1893456000 /* 2030 */, 599);
        ld_tz_close(tz);
    }
}

/* Every zone file of the system opens (but leap-second ones) and agrees with glibc. */
static int zones_seen;

static int visit_zone(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    const char *name = path + strlen(LD_TZ_ROOT) + 1;
    char magic[5] = "";
    if (type != FTW_F)
        return 0;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    if (n != 4 || memcmp(magic, "TZif", 4) != 0)
        return 0; /* zone.tab, tzdata.zi and such */
    struct ld_tz *tz = NULL;
    char msg[300] = "";
    ld_err err = ld_tz_open(name, &tz, msg, sizeof msg);
    if (strncmp(name, "right/", 6) == 0) {
        assert_int_equal(err, LD_ERR_UNSUPPORTED);
        assert_non_null(strstr(msg, "leap seconds"));
        return 0;
    }
    if (err != LD_OK)
        fail_msg("%s: %s", name, msg);
    compare_with_glibc(tz, name, -2177452800, 4102444800, 29 * 86400 + 3607);
    ld_tz_close(tz);
    zones_seen++;
    return 0;
}

static void every_system_zone(void **state)
{
    zones_seen = 0;
    assert_int_equal(nftw(LD_TZ_ROOT, visit_zone, 16, 0), 0);
    assert_true(zones_seen > 300);
}

/* ---- TZif files of our own, in a temporary directory ---- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ld-tz-test-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    DIR *dir = opendir(tmpdir);
    struct dirent *e;
    char path[512];
    if (!dir)
        return -1;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        unlink(path);
    }
    closedir(dir);
    return rmdir(tmpdir);
}

static void write_zone(const char *name, const void *bytes, size_t len)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Opens tmpdir/name, expecting err and (when not NULL) a message containing what. */
static struct ld_tz *open_test_zone(const char *name, ld_err expected, const char *what)
{
    struct ld_tz *tz = NULL;
    char msg[400] = "";
    ld_err err = ld_tz_open_at(tmpdir, name, &tz, msg, sizeof msg);
    if (err != expected)
        fail_msg("%s: expected %s, got %s: %s", name, ld_err_str(expected), ld_err_str(err), msg);
    if (what && !strstr(msg, what))
        fail_msg("%s: message \"%s\" lacks \"%s\"", name, msg, what);
    if (err != LD_OK)
        assert_null(tz);
    return tz;
}

/* What goes into a TZif file we build. */
struct spec {
    char version; /* '\0' writes a version 1 file alone */
    uint32_t ntimes;
    const int64_t *times;
    const uint8_t *idx;
    uint32_t ntypes;
    const int32_t *offs;
    const uint8_t *isdst;
    uint32_t leapcnt;
    const char *footer;  /* between the two newlines; NULL for no footer at all */
    const char *trailer; /* bytes after the footer, or NULL */
};

struct out {
    uint8_t b[8192];
    size_t n;
};

static void put(struct out *o, const void *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL then */
    assert_true(o->n + n <= sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put32(struct out *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(o, b, 4);
}

static void put64(struct out *o, int64_t v)
{
    put32(o, (uint32_t)((uint64_t)v >> 32));
    put32(o, (uint32_t)v);
}

static void put_header(struct out *o, char version, uint32_t leap, uint32_t time, uint32_t type,
                       uint32_t chr)
{
    uint8_t reserved[15] = {0};
    put(o, "TZif", 4);
    put(o, &version, 1);
    put(o, reserved, 15);
    put32(o, 0); /* isutcnt */
    put32(o, 0); /* isstdcnt */
    put32(o, leap);
    put32(o, time);
    put32(o, type);
    put32(o, chr);
}

static void put_types(struct out *o, const struct spec *s)
{
    for (uint32_t i = 0; i < s->ntypes; i++) {
        uint8_t tail[2] = {s->isdst ? s->isdst[i] : 0, 0};
        put32(o, (uint32_t)s->offs[i]);
        put(o, tail, 2);
    }
    put(o, "ZZZ", 4);
}

/* Builds the file; *v2_header gets the offset of the second header. */
static void build(const struct spec *s, struct out *o, size_t *v2_header)
{
    o->n = 0;
    if (s->version == '\0') {
        put_header(o, '\0', s->leapcnt, s->ntimes, s->ntypes, 4);
        for (uint32_t i = 0; i < s->ntimes; i++)
            put32(o, (uint32_t)s->times[i]);
        put(o, s->idx, s->ntimes);
        put_types(o, s);
        return;
    }
    /* A minimal version 1 block, as zic -b slim writes. */
    put_header(o, s->version, 0, 0, 1, 4);
    put32(o, 0);
    put(o, "\0\0", 2);
    put(o, "ZZZ", 4);
    if (v2_header)
        *v2_header = o->n;
    put_header(o, s->version, s->leapcnt, s->ntimes, s->ntypes, 4);
    for (uint32_t i = 0; i < s->ntimes; i++)
        put64(o, s->times[i]);
    put(o, s->idx, s->ntimes);
    put_types(o, s);
    for (uint32_t i = 0; i < s->leapcnt; i++) {
        put64(o, 78796800 + i);
        put32(o, i + 1);
    }
    if (s->footer) {
        put(o, "\n", 1);
        put(o, s->footer, strlen(s->footer));
        put(o, "\n", 1);
    }
    if (s->trailer)
        put(o, s->trailer, strlen(s->trailer));
}

static void write_spec(const char *name, const struct spec *s)
{
    struct out o;
    build(s, &o, NULL);
    write_zone(name, o.b, o.n);
}

/* A zone of one type and a footer alone, like a slim TZif file of a zone without history. */
static void write_footer_zone(const char *name, const char *footer)
{
    static const int32_t offs[] = {0};
    struct spec s = {.version = '2', .ntypes = 1, .offs = offs, .footer = footer};
    write_spec(name, &s);
}

static void slim_london_agrees_with_the_fat_one(void **state)
{
    /* A slim file: the LMT-to-GMT change of 1847, then the footer's rule for ever. */
    static const int64_t times[] = {-3852662325};
    static const uint8_t idx[] = {1};
    static const int32_t offs[] = {-75, 0, 3600};
    static const uint8_t isdst[] = {0, 0, 1};
    struct spec s = {.version = '2',
                     .ntimes = 1,
                     .times = times,
                     .idx = idx,
                     .ntypes = 3,
                     .offs = offs,
                     .isdst = isdst,
                     .footer = "GMT0BST,M3.5.0/1,M10.5.0"};
    write_spec("SlimLondon", &s);
    struct ld_tz *slim = open_test_zone("SlimLondon", LD_OK, NULL);
    struct ld_tz *fat = zone("Europe/London");
    /* Every half hour from 1997 (the current rule) to 2038 (past the fat table). */
    for (int64_t t = 852076800; t < 2177452800; t += 1800) {
        ld_date d1, d2;
        ld_minute m1, m2;
        int s1, s2;
        assert_int_equal(ld_clock_to_local(slim, t * 1000, &d1, &m1, &s1), LD_OK);
        assert_int_equal(ld_clock_to_local(fat, t * 1000, &d2, &m2, &s2), LD_OK);
        assert_true(d1 == d2 && m1 == m2 && s1 == s2);
    }
    /* The school days of 2026 through the footer alone. */
    assert_int_equal(local(slim, "2026-03-30", 9, 1), utc("2026-03-30", 8, 1));
    assert_int_equal(local(slim, "2026-03-27", 8, 59), utc("2026-03-27", 8, 59));
    assert_int_equal(local(slim, "2026-10-23", 9, 1), utc("2026-10-23", 8, 1));
    assert_int_equal(local(slim, "2026-10-26", 8, 59), utc("2026-10-26", 8, 59));
    assert_int_equal(ld_clock_from_local(slim, D("2026-03-29"), 90, 0, &(int64_t){0}, NULL, 0),
                     LD_ERR_INVALID);
    assert_int_equal(local(slim, "2026-10-25", 1, 30), utc("2026-10-25", 0, 30));
    ld_tz_close(slim);
    ld_tz_close(fat);
}

static void footer_rules_agree_with_glibc(void **state)
{
    /* Each TZ string is written as the footer of a file with no transitions at all. */
    const char *footers[] = {
        "GMT0BST,M3.5.0/1,M10.5.0",
        "AEST-10AEDT,M10.1.0,M4.1.0/3",
        "EST5EDT,M3.2.0,M11.1.0",
        "IST-1GMT0,M10.5.0,M3.5.0/1", /* negative DST */
        "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
        "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", /* negative rule time */
        "<-03>3<-02>,M3.2.0/-2,M11.1.0/-1",
        "<+0330>-3:30<+0430>,J79/24,J263/24", /* Julian days, no Feb 29 */
        "XXX3YYY,59/12,300",                  /* zero-based days, counting Feb 29 */
        "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
        "<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",
        "NST3:30NDT,M3.2.0,M11.1.0",
        "<-04>4<-03>,M9.1.6/24,M4.1.6/24", /* 24:00 on a Saturday */
        "PST8PDT,M3.2.0/2:00:00,M11.1.0/2:00:00",
        "<+0530>-5:30",
        "UTC0",
    };
    for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "Footer%zu", i);
        write_footer_zone(name, footers[i]);
        struct ld_tz *tz = open_test_zone(name, LD_OK, NULL);
        compare_with_glibc(tz, footers[i], 0, 4102444800, 6 * 3600 + 7 * 60 + 13);
        compare_with_glibc(tz, footers[i], 1767225600, 1830297600, 907); /* 2026-27 closely */
        ld_tz_close(tz);
    }
}

static void an_empty_footer_keeps_the_last_offset(void **state)
{
    static const int64_t times[] = {0, 1000000};
    static const uint8_t idx[] = {1, 2};
    static const int32_t offs[] = {0, 3600, 7200};
    struct spec s = {.version = '3',
                     .ntimes = 2,
                     .times = times,
                     .idx = idx,
                     .ntypes = 3,
                     .offs = offs,
                     .footer = ""};
    write_spec("NoFooter", &s);
    struct ld_tz *tz = open_test_zone("NoFooter", LD_OK, NULL);
    assert_local(tz, -1000, "1969-12-31", 23, 59, 59);
    assert_local(tz, 0, "1970-01-01", 1, 0, 0);
    assert_local(tz, utc("2040-07-01", 0, 0), "2040-07-01", 2, 0, 0);
    ld_tz_close(tz);
}

static void bad_zone_names(void **state)
{
    struct {
        const char *name;
        ld_err err;
        const char *what;
    } cases[] = {
        {"../etc/passwd", LD_ERR_INVALID, "\"..\""},
        {"Europe/../../etc/passwd", LD_ERR_INVALID, "\"..\""},
        {"/etc/localtime", LD_ERR_INVALID, "absolute"},
        {"", LD_ERR_INVALID, "empty"},
        {"Europe//London", LD_ERR_INVALID, "empty component"},
        {"Europe/London/", LD_ERR_INVALID, "empty component"},
        {"Europe/London\n", LD_ERR_INVALID, "character"},
        {"Europe/Lon don", LD_ERR_INVALID, "character"},
        {"Nowhere/City", LD_ERR_NOT_FOUND, "no such zone"},
        {"Europe", LD_ERR_NOT_FOUND, "directory"},
        {"Europe/London/x", LD_ERR_NOT_FOUND, "no such zone"},
        {"zone.tab", LD_ERR_CORRUPT, "bad TZif file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ld_tz *tz = (struct ld_tz *)&cases; /* must stay untouched on failure */
        char msg[300] = "";
        ld_err err = ld_tz_open(cases[i].name, &tz, msg, sizeof msg);
        if (err != cases[i].err || !strstr(msg, cases[i].what))
            fail_msg("\"%s\": %s: %s", cases[i].name, ld_err_str(err), msg);
        assert_ptr_equal(tz, (struct ld_tz *)&cases);
        assert_non_null(strstr(msg, "time zone \""));
    }
    char long_name[400];
    memset(long_name, 'A', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    struct ld_tz *tz = NULL;
    char msg[300];
    assert_int_equal(ld_tz_open(long_name, &tz, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "too long"));
    assert_int_equal(ld_tz_open_at("/nonexistent", "Europe/London", &tz, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(ld_tz_open(NULL, &tz, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_tz_open("UTC", NULL, msg, sizeof msg), LD_ERR_INVALID);
    assert_null(tz);
    ld_tz_close(NULL);
}

static void corrupt_files(void **state)
{
    static const int64_t times[] = {1000, 2000, 3000};
    static const int64_t backwards[] = {1000, 3000, 2000};
    static const int64_t same[] = {1000, 2000, 2000};
    static const uint8_t idx[] = {0, 1, 0};
    static const uint8_t bad_idx[] = {0, 2, 0};
    static const int32_t offs[] = {0, 3600};
    static const int32_t far_offs[] = {0, 100000};
    static const uint8_t isdst[] = {0, 1};
    static const uint8_t bad_isdst[] = {0, 2};
    const struct spec good = {.version = '2',
                              .ntimes = 3,
                              .times = times,
                              .idx = idx,
                              .ntypes = 2,
                              .offs = offs,
                              .isdst = isdst,
                              .footer = "GMT0"};
    struct {
        const char *name;
        struct spec s;
        ld_err err;
        const char *what;
    } cases[] = {
        {"Good", good, LD_OK, NULL},
        {"Version1",
         {.version = '\0', .ntimes = 3, .times = times, .idx = idx, .ntypes = 2, .offs = offs},
         LD_ERR_UNSUPPORTED,
         "version 1"},
        {"Version9",
         {.version = '9', .ntypes = 2, .offs = offs, .footer = ""},
         LD_ERR_UNSUPPORTED,
         "unknown TZif version"},
        {"LeapSeconds",
         {.version = '2', .ntypes = 1, .offs = offs, .leapcnt = 2, .footer = "GMT0"},
         LD_ERR_UNSUPPORTED,
         "leap seconds"},
        {"Backwards",
         {.version = '2',
          .ntimes = 3,
          .times = backwards,
          .idx = idx,
          .ntypes = 2,
          .offs = offs,
          .footer = "GMT0"},
         LD_ERR_CORRUPT,
         "ascending"},
        {"SameTime",
         {.version = '2',
          .ntimes = 3,
          .times = same,
          .idx = idx,
          .ntypes = 2,
          .offs = offs,
          .footer = "GMT0"},
         LD_ERR_CORRUPT,
         "ascending"},
        {"BadIndex",
         {.version = '2',
          .ntimes = 3,
          .times = times,
          .idx = bad_idx,
          .ntypes = 2,
          .offs = offs,
          .footer = "GMT0"},
         LD_ERR_CORRUPT,
         "type that does not exist"},
        {"FarOffset",
         {.version = '2',
          .ntimes = 3,
          .times = times,
          .idx = idx,
          .ntypes = 2,
          .offs = far_offs,
          .footer = "GMT0"},
         LD_ERR_CORRUPT,
         "bad offset"},
        {"BadDst",
         {.version = '2',
          .ntimes = 3,
          .times = times,
          .idx = idx,
          .ntypes = 2,
          .offs = offs,
          .isdst = bad_isdst,
          .footer = "GMT0"},
         LD_ERR_CORRUPT,
         "DST flag"},
        {"NoTypes", {.version = '2', .footer = "GMT0"}, LD_ERR_CORRUPT, "out of range"},
        {"NoFooter", {.version = '2', .ntypes = 1, .offs = offs}, LD_ERR_CORRUPT, "footer"},
        {"Trailer",
         {.version = '2', .ntypes = 1, .offs = offs, .footer = "GMT0", .trailer = "junk"},
         LD_ERR_CORRUPT,
         "footer"},
        {"Disagrees",
         {.version = '2',
          .ntimes = 3,
          .times = times,
          .idx = idx,
          .ntypes = 2,
          .offs = offs,
          .footer = "EST5"},
         LD_ERR_CORRUPT,
         "disagrees"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_spec(cases[i].name, &cases[i].s);
        ld_tz_close(open_test_zone(cases[i].name, cases[i].err, cases[i].what));
    }

    /* Footers that are not POSIX TZ strings, or that we refuse. */
    const char *footers[] = {"GMT",
                             "G0",
                             "GMT0BST",
                             "GMT0BST,M3.5.0/1",
                             "GMT0BST,M13.5.0,M10.5.0",
                             "GMT0BST,M3.5.0/1,M10.5.0x",
                             "GMT25",
                             "GMT0BST,M3.6.0,M10.5.0",
                             "GMT0BST,M3.5.7,M10.5.0",
                             "GMT0BST,J0,J100",
                             "GMT0BST,366,1",
                             "GMT0BST,M3.5.0/168,M10.5.0",
                             "<GMT0",
                             "<G>0",
                             "GMT0:60",
                             "GMT0BST-26,M3.5.0,M10.5.0",
                             "GMT0BST,M3..0,M10.5.0",
                             "GMT 0"};
    for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "BadFooter%zu", i);
        write_footer_zone(name, footers[i]);
        ld_tz_close(open_test_zone(name, LD_ERR_CORRUPT, "not a POSIX TZ string"));
    }
    char long_footer[200];
    memset(long_footer, 'A', sizeof long_footer - 1);
    long_footer[sizeof long_footer - 1] = '\0';
    write_footer_zone("LongFooter", long_footer);
    ld_tz_close(open_test_zone("LongFooter", LD_ERR_CORRUPT, "overlong"));

    /* Counts far beyond the file, and an empty or oversized file. */
    struct out o;
    size_t v2 = 0;
    build(&good, &o, &v2);
    o.b[v2 + 32] = 0xff; /* timecnt's top byte */
    write_zone("HugeCount", o.b, o.n);
    ld_tz_close(open_test_zone("HugeCount", LD_ERR_CORRUPT, "count"));
    build(&good, &o, &v2);
    o.b[v2 + 35] = 0x7f; /* 127 transitions: within the caps, beyond the file */
    write_zone("BigCount", o.b, o.n);
    ld_tz_close(open_test_zone("BigCount", LD_ERR_CORRUPT, "truncated"));
    write_zone("Empty", "", 0);
    ld_tz_close(open_test_zone("Empty", LD_ERR_CORRUPT, "not a TZif file"));
    write_zone("Text", "hello, world\n", 13);
    ld_tz_close(open_test_zone("Text", LD_ERR_CORRUPT, "not a TZif file"));
    static uint8_t big[70000];
    build(&good, &o, NULL);
    memcpy(big, o.b, o.n);
    write_zone("Oversized", big, sizeof big);
    ld_tz_close(open_test_zone("Oversized", LD_ERR_CORRUPT, "larger than"));
}

/* Reads the system's Europe/London into buf. */
static size_t read_london(uint8_t *buf, size_t cap)
{
    FILE *f = fopen(LD_TZ_ROOT "/Europe/London", "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    assert_true(n > 100 && n < cap);
    return n;
}

static void every_truncation_of_london_is_refused(void **state)
{
    static uint8_t buf[16384];
    size_t n = read_london(buf, sizeof buf);
    write_zone("London", buf, n);
    ld_tz_close(open_test_zone("London", LD_OK, NULL));
    for (size_t len = 0; len < n; len++) {
        write_zone("Cut", buf, len);
        struct ld_tz *tz = NULL;
        char msg[400] = "";
        ld_err err = ld_tz_open_at(tmpdir, "Cut", &tz, msg, sizeof msg);
        if (err != LD_ERR_CORRUPT)
            fail_msg("cut at %zu of %zu: %s: %s", len, n, ld_err_str(err), msg);
        assert_non_null(strstr(msg, "bad TZif file"));
    }
}

static void damaged_bytes_never_crash(void **state)
{
    static uint8_t buf[16384];
    size_t n = read_london(buf, sizeof buf);
    int refused = 0;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            uint8_t saved = buf[i];
            buf[i] = k == 0 ? (uint8_t)(saved ^ 0xff) : (uint8_t)(saved + 1);
            write_zone("Damaged", buf, n);
            buf[i] = saved;
            struct ld_tz *tz = NULL;
            ld_err err = ld_tz_open_at(tmpdir, "Damaged", &tz, NULL, 0);
            if (err != LD_OK) {
                refused++;
                continue;
            }
            /* A file that still parses must still convert without harm. */
            for (int64_t t = -3000000000; t < 5000000000; t += 86400 * 97 + 3601) {
                ld_date d;
                ld_minute m;
                int s;
                int64_t back;
                if (ld_clock_to_local(tz, t * 1000, &d, &m, &s) != LD_OK)
                    continue;
                ld_err err2 = ld_clock_from_local(tz, d, m, s, &back, NULL, 0);
                assert_true(err2 == LD_OK || err2 == LD_ERR_INVALID);
            }
            ld_tz_close(tz);
        }
    }
    assert_true(refused > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(london_either_side_of_the_clock_changes),
        cmocka_unit_test(london_spring_forward_gap),
        cmocka_unit_test(london_autumn_ambiguity_takes_bst),
        cmocka_unit_test(london_beyond_the_table),
        cmocka_unit_test(milliseconds_and_times_before_1970),
        cmocka_unit_test(bad_local_arguments),
        cmocka_unit_test(utc_has_no_changes),
        cmocka_unit_test(sydney_summer_is_in_january),
        cmocka_unit_test(zones_with_odd_rules),
        cmocka_unit_test(agrees_with_glibc),
        cmocka_unit_test(every_system_zone),
        cmocka_unit_test(bad_zone_names),
        cmocka_unit_test_setup_teardown(slim_london_agrees_with_the_fat_one, make_tmpdir,
                                        remove_tmpdir),
        cmocka_unit_test_setup_teardown(footer_rules_agree_with_glibc, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(an_empty_footer_keeps_the_last_offset, make_tmpdir,
                                        remove_tmpdir),
        cmocka_unit_test_setup_teardown(corrupt_files, make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(every_truncation_of_london_is_refused, make_tmpdir,
                                        remove_tmpdir),
        cmocka_unit_test_setup_teardown(damaged_bytes_never_crash, make_tmpdir, remove_tmpdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
