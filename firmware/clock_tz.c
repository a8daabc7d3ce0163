/* clock_tz.c: the school's local time from a TZif file of the system's time-zone database. */
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Why not setenv("TZ") + tzset() + localtime_r(): TZ is process-global, and the kiosk's UI,
 * reader and sync threads would all share it; mktime() also guesses across the clock changes.
 * A TZif file is small and documented (RFC 8536), so we read it ourselves, once, into an
 * immutable struct, and convert without touching any global state.
 *
 * Caps (real files are under 4 KiB with under 250 transitions): anything over them is corrupt.
 */
#define TZ_FILE_MAX   (64 * 1024)
#define TZ_TIMES_MAX  2000
#define TZ_TYPES_MAX  256
#define TZ_CHARS_MAX  512
#define TZ_NAME_MAX   255
#define TZ_FOOTER_MAX 128
/* RFC 8536: a UT offset lies in -24:59:59 .. 25:59:59. */
#define TZ_OFF_MIN (-89999)
#define TZ_OFF_MAX 93599
/* POSIX TZ rule times may be -167..167 hours (RFC 8536 section 3.3.1). */
#define TZ_RULE_HOURS_MAX 167
#define TZ_HEADER_LEN     44
#define SECS_PER_DAY      86400

/* One UT offset a zone uses (a TZif "local time type"). */
struct tz_type {
    int32_t utoff; /* seconds east of UTC */
    bool isdst;
};

/* One end of summer time in a POSIX TZ rule: "Jn", "n" or "Mm.w.d", then "/time". */
struct tz_rule {
    char kind;    /* 'J' (1..365, no Feb 29), 'N' (0..365, counting Feb 29) or 'M' */
    int day;      /* J, N: the day number; M: the weekday, 0 Sunday .. 6 Saturday */
    int month;    /* M: 1..12 */
    int week;     /* M: 1..5, 5 meaning the last */
    int32_t secs; /* local time of day of the change, in the time then in force */
};

/* The footer's POSIX TZ string, such as "GMT0BST,M3.5.0/1,M10.5.0". */
struct tz_footer {
    bool present;
    bool has_dst;
    int32_t std_off; /* seconds east of UTC (POSIX writes them west: "EST5" is -5 h) */
    int32_t dst_off;
    struct tz_rule start, end; /* when summer time starts and ends */
};

struct ld_tz {
    char name[TZ_NAME_MAX + 1];
    uint32_t ntimes;
    uint32_t ntypes;
    int64_t times[TZ_TIMES_MAX]; /* transitions, UTC seconds, strictly ascending */
    uint8_t idx[TZ_TIMES_MAX];   /* the type in force from each transition on */
    struct tz_type types[TZ_TYPES_MAX];
    struct tz_footer footer; /* for instants after the last transition */
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

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- the POSIX TZ string in the footer ---- */

/* A cursor over the footer string; parse functions return false on anything malformed. */
struct tzs {
    const char *p;
};

static bool tzs_num(struct tzs *s, int min, int max, int *out)
{
    int v = 0, digits = 0;
    while (*s->p >= '0' && *s->p <= '9') {
        v = v * 10 + (*s->p++ - '0');
        if (++digits > 3)
            return false;
    }
    if (digits == 0 || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A zone abbreviation: three or more letters, or "<" three or more of [A-Za-z0-9+-] ">". */
static bool tzs_name(struct tzs *s)
{
    int n = 0;
    if (*s->p == '<') {
        s->p++;
        while ((*s->p >= 'A' && *s->p <= 'Z') || (*s->p >= 'a' && *s->p <= 'z') ||
               (*s->p >= '0' && *s->p <= '9') || *s->p == '+' || *s->p == '-') {
            s->p++;
            n++;
        }
        if (*s->p != '>')
            return false;
        s->p++;
    } else {
        while ((*s->p >= 'A' && *s->p <= 'Z') || (*s->p >= 'a' && *s->p <= 'z')) {
            s->p++;
            n++;
        }
    }
    return n >= 3;
}

/* "[+-]hh[:mm[:ss]]" with hh up to max_hours, into seconds. */
static bool tzs_time(struct tzs *s, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (*s->p == '+' || *s->p == '-')
        sign = *s->p++ == '-' ? -1 : 1;
    if (!tzs_num(s, 0, max_hours, &h))
        return false;
    if (*s->p == ':') {
        s->p++;
        if (!tzs_num(s, 0, 59, &m))
            return false;
        if (*s->p == ':') {
            s->p++;
            if (!tzs_num(s, 0, 59, &sec))
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
}

/* A POSIX offset is west of UTC ("EST5"); ours are east. */
static bool tzs_offset(struct tzs *s, int32_t *east)
{
    int32_t west;
    if (!tzs_time(s, 24, &west) || -west < TZ_OFF_MIN || -west > TZ_OFF_MAX)
        return false;
    *east = -west;
    return true;
}

static bool tzs_rule(struct tzs *s, struct tz_rule *r)
{
    if (*s->p == 'J') {
        s->p++;
        r->kind = 'J';
        if (!tzs_num(s, 1, 365, &r->day))
            return false;
    } else if (*s->p == 'M') {
        s->p++;
        r->kind = 'M';
        if (!tzs_num(s, 1, 12, &r->month) || *s->p++ != '.' || !tzs_num(s, 1, 5, &r->week) ||
            *s->p++ != '.' || !tzs_num(s, 0, 6, &r->day))
            return false;
    } else {
        r->kind = 'N';
        if (!tzs_num(s, 0, 365, &r->day))
            return false;
    }
    r->secs = 2 * 3600; /* POSIX's default: 02:00 */
    if (*s->p == '/') {
        s->p++;
        if (!tzs_time(s, TZ_RULE_HOURS_MAX, &r->secs))
            return false;
    }
    return true;
}

/*
 * Parses a footer TZ string. A zone with summer time must say when it starts and ends: POSIX
 * leaves a missing rule to the implementation, and zic always writes one, so we refuse it.
 */
static bool parse_footer(const char *str, struct tz_footer *f)
{
    struct tzs s = {str};
    struct tz_footer r = {.present = true};
    if (!tzs_name(&s) || !tzs_offset(&s, &r.std_off))
        return false;
    if (*s.p == '\0') {
        *f = r;
        return true;
    }
    if (!tzs_name(&s))
        return false;
    r.has_dst = true;
    r.dst_off = r.std_off + 3600;
    if (*s.p != ',' && !tzs_offset(&s, &r.dst_off))
        return false;
    if (*s.p++ != ',' || !tzs_rule(&s, &r.start) || *s.p++ != ',' || !tzs_rule(&s, &r.end) ||
        *s.p != '\0')
        return false;
    *f = r;
    return true;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The UTC second at which rule r takes effect in year, given the offset in force before it. */
static int64_t rule_instant(const struct tz_rule *r, int year, int32_t off_before)
{
    ld_date jan1 = ld_date_from_ymd(year, 1, 1);
    ld_date day;
    if (r->kind == 'J') {
        day = jan1 + r->day - 1 + (is_leap(year) && r->day >= 60);
    } else if (r->kind == 'N') {
        day = jan1 + r->day;
    } else {
        ld_date first = ld_date_from_ymd(year, r->month, 1);
        ld_date next = r->month == 12 ? ld_date_from_ymd(year + 1, 1, 1)
                                      : ld_date_from_ymd(year, r->month + 1, 1);
        int first_wd = ((int)ld_date_weekday(first) + 1) % 7; /* to POSIX: Sunday is 0 */
        day = first + (r->day - first_wd + 7) % 7 + (r->week - 1) * 7;
        while (day >= next)
            day -= 7;
    }
    return (int64_t)day * SECS_PER_DAY + r->secs - off_before;
}

/* The offset the footer gives at UTC second t. */
static int32_t footer_offset(const struct tz_footer *f, int64_t t)
{
    if (!f->has_dst)
        return f->std_off;
    int year;
    ld_date_to_ymd((ld_date)floor_div(t + f->std_off, SECS_PER_DAY), &year, NULL, NULL);
    int64_t start = rule_instant(&f->start, year, f->std_off);
    int64_t end = rule_instant(&f->end, year, f->dst_off);
    bool dst = start < end ? (t >= start && t < end)   /* northern: summer inside the year */
                           : !(t >= end && t < start); /* southern: summer across new year */
    return dst ? f->dst_off : f->std_off;
}

/*
 * The offset in force at UTC second t: type 0 before the first transition (RFC 8536), the
 * table up to and at the last transition, the footer after it (or, with an empty footer, the
 * last transition's type, for lack of anything better).
 */
static int32_t offset_at(const struct ld_tz *tz, int64_t t)
{
    if (tz->ntimes == 0)
        return tz->footer.present ? footer_offset(&tz->footer, t) : tz->types[0].utoff;
    if (t < tz->times[0])
        return tz->types[0].utoff;
    if (t > tz->times[tz->ntimes - 1] && tz->footer.present)
        return footer_offset(&tz->footer, t);
    uint32_t lo = 0, hi = tz->ntimes; /* the answer is the last i with times[i] <= t */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tz->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->types[tz->idx[lo]].utoff;
}

/* ---- the TZif file ---- */

/* A bounded cursor over the file's bytes. */
struct cur {
    const uint8_t *p;
    size_t left;
};

static const uint8_t *take(struct cur *c, size_t n)
{
    if (n > c->left)
        return NULL;
    const uint8_t *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The six counts of a TZif header, in file order. */
struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chr;
};

/* Reads and checks a header; *why says what is wrong when it returns an error. */
static ld_err read_header(struct cur *c, char *version, struct tzif_counts *n, const char **why)
{
    const uint8_t *h = take(c, TZ_HEADER_LEN);
    if (!h || memcmp(h, "TZif", 4) != 0) {
        *why = "not a TZif file (no \"TZif\" header)";
        return LD_ERR_CORRUPT;
    }
    *version = (char)h[4];
    if (*version == '\0') {
        *why = "a version 1 TZif file (32-bit times only); version 2 or later is needed";
        return LD_ERR_UNSUPPORTED;
    }
    if (*version < '2' || *version > '4') {
        *why = "an unknown TZif version";
        return LD_ERR_UNSUPPORTED;
    }
    n->isut = be32(h + 20);
    n->isstd = be32(h + 24);
    n->leap = be32(h + 28);
    n->time = be32(h + 32);
    n->type = be32(h + 36);
    n->chr = be32(h + 40);
    if (n->leap != 0) {
        *why = "a zone with leap seconds (\"right/\"), which CLOCK_REALTIME does not count";
        return LD_ERR_UNSUPPORTED;
    }
    if (n->time > TZ_TIMES_MAX || n->type == 0 || n->type > TZ_TYPES_MAX || n->chr == 0 ||
        n->chr > TZ_CHARS_MAX) {
        *why = "a count of transitions, types or abbreviation bytes out of range";
        return LD_ERR_CORRUPT;
    }
    if ((n->isut != 0 && n->isut != n->type) || (n->isstd != 0 && n->isstd != n->type)) {
        *why = "standard/UT indicator counts that do not match the type count";
        return LD_ERR_CORRUPT;
    }
    return LD_OK;
}

/* Parses a whole TZif file of len bytes into tz (whose name is already set). */
static ld_err parse_tzif(const uint8_t *buf, size_t len, struct ld_tz *tz, const char **why)
{
    struct cur c = {buf, len};
    struct tzif_counts n1, n;
    char v1, v2;
    ld_err err;
    const uint8_t *p;

    /* The version 1 block (32-bit times) comes first; we only skip it. */
    if ((err = read_header(&c, &v1, &n1, why)) != LD_OK)
        return err;
    size_t v1_len = (size_t)n1.time * 5 + (size_t)n1.type * 6 + n1.chr + n1.isstd + n1.isut;
    if (!take(&c, v1_len)) {
        *why = "truncated in the version 1 data";
        return LD_ERR_CORRUPT;
    }
    if ((err = read_header(&c, &v2, &n, why)) != LD_OK) {
        if (err == LD_ERR_CORRUPT && c.left == 0)
            *why = "truncated before the version 2 header";
        return err;
    }
    if (v2 != v1) {
        *why = "two headers with different versions";
        return LD_ERR_CORRUPT;
    }

    tz->ntimes = n.time;
    tz->ntypes = n.type;
    if (!(p = take(&c, (size_t)n.time * 8))) {
        *why = "truncated in the transition times";
        return LD_ERR_CORRUPT;
    }
    for (uint32_t i = 0; i < n.time; i++) {
        tz->times[i] = be64(p + 8 * (size_t)i);
        if (i > 0 && tz->times[i] <= tz->times[i - 1]) {
            *why = "transition times not in ascending order";
            return LD_ERR_CORRUPT;
        }
    }
    if (!(p = take(&c, n.time))) {
        *why = "truncated in the transition types";
        return LD_ERR_CORRUPT;
    }
    for (uint32_t i = 0; i < n.time; i++) {
        if (p[i] >= n.type) {
            *why = "a transition to a type that does not exist";
            return LD_ERR_CORRUPT;
        }
        tz->idx[i] = p[i];
    }
    if (!(p = take(&c, (size_t)n.type * 6))) {
        *why = "truncated in the local time types";
        return LD_ERR_CORRUPT;
    }
    for (uint32_t i = 0; i < n.type; i++) {
        const uint8_t *t = p + 6 * (size_t)i;
        int32_t off = (int32_t)be32(t);
        if (off < TZ_OFF_MIN || off > TZ_OFF_MAX || t[4] > 1 || t[5] >= n.chr) {
            *why = "a local time type with a bad offset, DST flag or abbreviation index";
            return LD_ERR_CORRUPT;
        }
        tz->types[i] = (struct tz_type){.utoff = off, .isdst = t[4] == 1};
    }
    if (!(p = take(&c, n.chr)) || p[n.chr - 1] != '\0') {
        *why = "truncated or unterminated abbreviations";
        return LD_ERR_CORRUPT;
    }
    if (!(p = take(&c, (size_t)n.isstd + n.isut))) {
        *why = "truncated in the standard/UT indicators";
        return LD_ERR_CORRUPT;
    }
    for (uint32_t i = 0; i < n.isstd + n.isut; i++) {
        if (p[i] > 1) {
            *why = "a standard/UT indicator that is not 0 or 1";
            return LD_ERR_CORRUPT;
        }
    }

    /* The footer: "\n" TZ-string "\n", and nothing after it. */
    char str[TZ_FOOTER_MAX + 1];
    const uint8_t *nl;
    if (!take(&c, 1) || c.p[-1] != '\n' || !(nl = memchr(c.p, '\n', c.left)) ||
        (size_t)(nl - c.p) > TZ_FOOTER_MAX || (size_t)(nl - c.p) + 1 != c.left) {
        *why = "a missing, overlong or unterminated footer";
        return LD_ERR_CORRUPT;
    }
    memcpy(str, c.p, (size_t)(nl - c.p));
    str[nl - c.p] = '\0';
    if (strlen(str) != (size_t)(nl - c.p) || (str[0] != '\0' && !parse_footer(str, &tz->footer))) {
        *why = "a footer that is not a POSIX TZ string we understand";
        return LD_ERR_CORRUPT;
    }
    /* RFC 8536: the footer must agree with the last transition. */
    if (tz->footer.present && n.time > 0) {
        int64_t last = tz->times[n.time - 1];
        if (footer_offset(&tz->footer, last) != tz->types[tz->idx[n.time - 1]].utoff) {
            *why = "a footer that disagrees with the last transition";
            return LD_ERR_CORRUPT;
        }
    }
    return LD_OK;
}

/* Returns NULL when name is a relative zone name we will look up, else why it is not. */
static const char *bad_name(const char *name)
{
    size_t len = strnlen(name, TZ_NAME_MAX + 1);
    if (len == 0)
        return "is empty";
    if (len > TZ_NAME_MAX)
        return "is too long";
    if (name[0] == '/')
        return "is an absolute path; give a name such as Europe/London";
    if (strstr(name, ".."))
        return "holds \"..\"";
    if (name[len - 1] == '/' || strstr(name, "//"))
        return "has an empty component";
    for (const char *p = name; *p; p++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '+' || ch == '-' || ch == '/'))
            return "holds a character other than letters, digits and ._+-/";
    }
    return NULL;
}

/* Copies up to 64 bytes of untrusted s into out (65 bytes), printable ASCII only. */
static void printable(const char *s, char out[65])
{
    size_t i = 0;
    for (; s[i] && i < 64; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[i] = '\0';
}

/* Reads the whole file at path (at most TZ_FILE_MAX bytes) into buf. */
static ld_err read_file(const char *path, const char *name, uint8_t *buf, size_t *len, char *msg,
                        size_t msglen)
{
    struct stat st;
    ld_err err = LD_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            set_msg(msg, msglen, "time zone \"%s\": no such zone (%s)", name, path);
            return LD_ERR_NOT_FOUND;
        }
        set_msg(msg, msglen, "time zone \"%s\": %s: %s", name, path, strerror(errno));
        return LD_ERR_IO;
    }
    if (fstat(fd, &st) != 0) {
        set_msg(msg, msglen, "time zone \"%s\": %s: %s", name, path, strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        set_msg(msg, msglen, "time zone \"%s\": no such zone (%s is a directory)", name, path);
        err = LD_ERR_NOT_FOUND;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        set_msg(msg, msglen, "time zone \"%s\": %s is not a regular file", name, path);
        err = LD_ERR_IO;
        goto out;
    }
    *len = 0;
    for (;;) {
        /* One byte past the cap is read so that an oversized file is seen, not cut short. */
        ssize_t r = read(fd, buf + *len, TZ_FILE_MAX + 1 - *len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            set_msg(msg, msglen, "time zone \"%s\": %s: %s", name, path, strerror(errno));
            err = LD_ERR_IO;
            goto out;
        }
        if (r == 0)
            break;
        *len += (size_t)r;
        if (*len > TZ_FILE_MAX) {
            set_msg(msg, msglen, "time zone \"%s\": %s: bad TZif file: larger than %d bytes", name,
                    path, TZ_FILE_MAX);
            err = LD_ERR_CORRUPT;
            goto out;
        }
    }
out:
    close(fd);
    return err;
}

ld_err ld_tz_open(const char *name, struct ld_tz **out, char *msg, size_t msglen)
{
    return ld_tz_open_at(LD_TZ_ROOT, name, out, msg, msglen);
}

ld_err ld_tz_open_at(const char *root, const char *name, struct ld_tz **out, char *msg,
                     size_t msglen)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    struct ld_tz *tz = NULL;
    size_t len = 0;
    const char *why = NULL;
    ld_err err;

    if (!root || !name || !out) {
        set_msg(msg, msglen, "time zone: no directory, name or result given");
        return LD_ERR_INVALID;
    }
    if ((why = bad_name(name)) != NULL) {
        char shown[65];
        printable(name, shown);
        set_msg(msg, msglen, "time zone \"%s\": the name %s", shown, why);
        return LD_ERR_INVALID;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", root, name) >= sizeof path) {
        set_msg(msg, msglen, "time zone \"%s\": the path is too long", name);
        return LD_ERR_INVALID;
    }
    buf = malloc(TZ_FILE_MAX + 1);
    tz = calloc(1, sizeof *tz);
    if (!buf || !tz) {
        set_msg(msg, msglen, "time zone \"%s\": out of memory", name);
        err = LD_ERR_NOMEM;
        goto out;
    }
    if ((err = read_file(path, name, buf, &len, msg, msglen)) != LD_OK)
        goto out;
    memcpy(tz->name, name, strlen(name) + 1);
    if ((err = parse_tzif(buf, len, tz, &why)) != LD_OK) {
        set_msg(msg, msglen, "time zone \"%s\": %s: bad TZif file: %s", name, path, why);
        goto out;
    }
    *out = tz;
    tz = NULL;
out:
    free(buf);
    free(tz);
    return err;
}

void ld_tz_close(struct ld_tz *tz)
{
    free(tz);
}

const char *ld_tz_name(const struct ld_tz *tz)
{
    return tz ? tz->name : "";
}

/* ---- conversions ---- */

static ld_date first_day(void)
{
    return ld_date_from_ymd(1900, 1, 1);
}

static ld_date last_day(void)
{
    return ld_date_from_ymd(9999, 12, 31);
}

ld_err ld_clock_to_local(const struct ld_tz *tz, int64_t utc_ms, ld_date *date, ld_minute *minute,
                         int *second)
{
    if (!tz)
        return LD_ERR_INVALID;
    int64_t t = floor_div(utc_ms, 1000);
    /* Checked before adding any offset, so nothing below can overflow. */
    if (t < ((int64_t)first_day() - 2) * SECS_PER_DAY ||
        t > ((int64_t)last_day() + 2) * SECS_PER_DAY)
        return LD_ERR_RANGE;
    int64_t local = t + offset_at(tz, t);
    int64_t day = floor_div(local, SECS_PER_DAY);
    if (day < first_day() || day > last_day())
        return LD_ERR_RANGE;
    int64_t secs = local - day * SECS_PER_DAY;
    if (date)
        *date = (ld_date)day;
    if (minute)
        *minute = (ld_minute)(secs / 60);
    if (second)
        *second = (int)(secs % 60);
    return LD_OK;
}

ld_err ld_clock_from_local(const struct ld_tz *tz, ld_date date, ld_minute minute, int second,
                           int64_t *utc_ms, char *msg, size_t msglen)
{
    char day[LD_DATE_STRLEN];
    bool found = false;
    int64_t best = 0;

    if (!tz || !utc_ms) {
        set_msg(msg, msglen, "local time: no zone or no result given");
        return LD_ERR_INVALID;
    }
    if (date < first_day() || date > last_day() || minute < 0 || minute >= 24 * 60 || second < 0 ||
        second > 59) {
        set_msg(msg, msglen, "local time: date, minute or second out of range");
        return LD_ERR_INVALID;
    }
    int64_t local = (int64_t)date * SECS_PER_DAY + minute * 60 + second;

    /*
     * Every offset the zone can have is one of its types or the footer's two, so trying each
     * as a candidate finds every instant with this local time, exactly: t = local - off is one
     * when the zone's offset at t is off. None means the clocks skipped it; two mean they
     * went back over it, and we take the earlier instant (the first occurrence, summer time).
     */
    for (uint32_t i = 0; i < tz->ntypes + 2; i++) {
        int32_t off;
        if (i < tz->ntypes)
            off = tz->types[i].utoff;
        else if (tz->footer.present && i == tz->ntypes)
            off = tz->footer.std_off;
        else if (tz->footer.has_dst && i == tz->ntypes + 1)
            off = tz->footer.dst_off;
        else
            continue;
        int64_t t = local - off;
        if (offset_at(tz, t) == off && (!found || t < best)) {
            best = t;
            found = true;
        }
    }
    if (!found) {
        ld_date_format(date, day);
        set_msg(msg, msglen,
                "local time %s %02d:%02d:%02d does not exist in %s: the clocks went forward "
                "over it",
                day, minute / 60, minute % 60, second, tz->name);
        return LD_ERR_INVALID;
    }
    *utc_ms = best * 1000;
    return LD_OK;
}
