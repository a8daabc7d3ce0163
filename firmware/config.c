/* config.c: reading the school and device configuration with inih, and checking every value. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ld_codes.h"
#include "utf8.h"

/* How much of an offending value a message quotes. */
#define QUOTE_MAX 60

/* ---- INI plumbing shared with calendar_file.c ---------------------------------------------- */

void ld_config__errf(char *msg, size_t msglen, const char *file, unsigned line, const char *fmt,
                     ...)
{
    if (!msg || msglen == 0)
        return;
    int n =
        line ? snprintf(msg, msglen, "%s:%u: ", file, line) : snprintf(msg, msglen, "%s: ", file);
    if (n < 0 || (size_t)n >= msglen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, msglen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* One pass of inih over a text held in memory, counting lines itself. */
struct ini_run {
    const char *name;
    const char *text, *p, *end;
    unsigned line;
    ld_config__ini_fn fn;
    void *user;
    ld_err err;        /* the first error found by the reader or a handler */
    unsigned err_line; /* its line */
    char *msg;
    size_t msglen;
};

static void run_fail(struct ini_run *run, ld_err err, const char *problem)
{
    run->err = err;
    run->err_line = run->line;
    ld_config__errf(run->msg, run->msglen, run->name, run->line, "%s", problem);
}

/*
 * inih's reader: hands over one line at a time so that run->line is the line inih is working
 * on. Leading blanks are dropped, which turns off inih's continuation lines: an indented
 * `key = value` is then a key of its own, as anyone reading the file would expect. Returns
 * NULL, ending the parse, at the end of the text or on a line that is too long or not text.
 */
static char *read_line(char *str, int num, void *stream)
{
    struct ini_run *run = stream;
    if (run->err || run->p >= run->end)
        return NULL;
    const char *b = run->p;
    const char *nl = memchr(b, '\n', (size_t)(run->end - b));
    size_t len = (size_t)((nl ? nl : run->end) - b);
    run->p = nl ? nl + 1 : run->end;
    run->line++;
    if (len > 0 && b[len - 1] == '\r')
        len--;
    if (run->line == 1 && len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) {
        b += 3;
        len -= 3;
    }
    while (len > 0 && (*b == ' ' || *b == '\t')) {
        b++;
        len--;
    }
    char problem[64];
    if (!ld_utf8_valid(b, len)) {
        run_fail(run, LD_ERR_INVALID, "not valid UTF-8");
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)b[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            run_fail(run, LD_ERR_INVALID, "contains a control character");
            return NULL;
        }
    }
    /* inih also takes "key: value"; we do not, so that "am_start 08:50" is not a key. */
    if (len > 0 && !strchr(";#[", b[0])) {
        const char *eq = memchr(b, '=', len), *colon = memchr(b, ':', len);
        char q[QUOTE_MAX * 4 + 8], text[QUOTE_MAX * 4 + 64];
        if (!eq || (colon && colon < eq)) {
            snprintf(text, sizeof text, "%s: %s",
                     eq ? "a key cannot hold ':'" : "expected \"[section]\" or \"key = value\"",
                     ld_utf8_quote(q, sizeof q, b, len, QUOTE_MAX));
            run_fail(run, LD_ERR_INVALID, text);
            return NULL;
        }
    }
    if (num < 2 || len > (size_t)num - 1) {
        snprintf(problem, sizeof problem, "line longer than %d bytes", num > 1 ? num - 1 : 0);
        run_fail(run, LD_ERR_RANGE, problem);
        return NULL;
    }
    memcpy(str, b, len);
    str[len] = '\0';
    return str;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    struct ini_run *run = user;
    if (run->err)
        return 0;
    /* inih keeps the blanks inside "[ school ]"; a reader would not see them. */
    char sec[64];
    while (*section == ' ' || *section == '\t')
        section++;
    size_t n = strlen(section);
    while (n > 0 && (section[n - 1] == ' ' || section[n - 1] == '\t'))
        n--;
    if (n >= sizeof sec)
        n = sizeof sec - 1;
    memcpy(sec, section, n);
    sec[n] = '\0';

    char problem[384] = "";
    ld_err err =
        run->fn(run->user, sec, key, value ? value : "", run->line, problem, sizeof problem);
    if (err) {
        run->err = err;
        run->err_line = run->line;
        ld_config__errf(run->msg, run->msglen, run->name, run->line, "%s%s%s: %s", sec,
                        sec[0] ? "." : "", key, problem);
        return 0;
    }
    return 1;
}

/* Finds line number `line` of text, writing its start and length (without the newline). */
static void find_line(const char *text, size_t len, unsigned line, const char **start, size_t *n)
{
    const char *p = text, *end = text + len;
    for (unsigned i = 1; i < line && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *start = p;
    *n = (size_t)((nl ? nl : end) - p);
    if (*n > 0 && p[*n - 1] == '\r')
        (*n)--;
}

ld_err ld_config__ini_parse(const char *text, size_t len, const char *name, ld_config__ini_fn fn,
                            void *user, char *msg, size_t msglen)
{
    struct ini_run run = {
        .name = name,
        .text = text,
        .p = text,
        .end = text + len,
        .fn = fn,
        .user = user,
        .msg = msg,
        .msglen = msglen,
    };
    if (msg && msglen)
        msg[0] = '\0';
    int r = ini_parse_stream(read_line, &run, on_value, &run);
    if (r == -2) {
        ld_config__errf(msg, msglen, name, 0, "out of memory");
        return LD_ERR_NOMEM;
    }
    if (r > 0 && (!run.err || (unsigned)r < run.err_line)) {
        const char *s;
        size_t n;
        char q[QUOTE_MAX * 4 + 8];
        find_line(text, len, (unsigned)r, &s, &n);
        ld_config__errf(msg, msglen, name, (unsigned)r,
                        "expected \"[section]\" or \"key = value\": %s",
                        ld_utf8_quote(q, sizeof q, s, n, QUOTE_MAX));
        return LD_ERR_INVALID;
    }
    return run.err;
}

ld_err ld_config__read_file(const char *path, size_t cap, char **text, size_t *len, char *msg,
                            size_t msglen)
{
    ld_err err = LD_OK;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        err = errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO;
        ld_config__errf(msg, msglen, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    buf = malloc(cap + 2);
    if (!buf) {
        err = LD_ERR_NOMEM;
        ld_config__errf(msg, msglen, path, 0, "out of memory");
        goto out;
    }
    n = fread(buf, 1, cap + 1, f);
    if (ferror(f)) {
        err = LD_ERR_IO;
        ld_config__errf(msg, msglen, path, 0, "cannot read: %s", strerror(errno));
        goto out;
    }
    if (n > cap) {
        err = LD_ERR_RANGE;
        ld_config__errf(msg, msglen, path, 0, "larger than %zu bytes", cap);
        goto out;
    }
    if (memchr(buf, '\0', n)) {
        err = LD_ERR_INVALID;
        ld_config__errf(msg, msglen, path, 0, "contains a NUL byte: not a text file");
        goto out;
    }
    buf[n] = '\0';
out:
    if (f)
        fclose(f);
    if (err) {
        free(buf);
        buf = NULL;
        n = 0;
    }
    *text = buf;
    *len = n;
    return err;
}

/* ---- the configuration ---------------------------------------------------------------------- */

enum kind {
    K_NAME,
    K_TZ,
    K_TIME,
    K_UINT,
    K_MODE,
    K_DRIVER,
    K_ID,
    K_CONN,
    K_PATH,
    K_URL,
    K_ARRIVAL,
    K_BOOL,
    K_WEDGE_FORMAT,
    K_LANGS
};

struct key_def {
    const char *section, *key;
    enum kind kind;
    size_t off;       /* of the field in struct ld_config */
    size_t cap;       /* text: the most bytes; K_UINT: the least value */
    unsigned max;     /* K_UINT: the greatest value */
    const char *unit; /* K_UINT: "milliseconds", "seconds" */
};

#define F(field) offsetof(struct ld_config, field)
static const struct key_def keys[] = {
    {"school", "name", K_NAME, F(school_name), LD_CONFIG_NAME_MAX, 0, NULL},
    {"school", "timezone", K_TZ, F(timezone), LD_CONFIG_TZ_MAX, 0, NULL},
    {"school", "arrival_mode", K_ARRIVAL, F(arrival_mode), 0, 0, NULL},
    {"patterns", "window_days", K_UINT, F(patterns.window_days), 1, 1000, "school days"},
    {"patterns", "frequent_min", K_UINT, F(patterns.frequent_min), 1, 1000, "late days"},
    {"patterns", "weekday_window_days", K_UINT, F(patterns.weekday_window_days), 1, 1000,
     "school days"},
    {"patterns", "weekday_min", K_UINT, F(patterns.weekday_min), 1, 1000, "late days"},
    {"patterns", "streak_min", K_UINT, F(patterns.streak_min), 1, 1000, "late days"},
    {"patterns", "rising_min", K_UINT, F(patterns.rising_min), 1, 1000, "late days"},
    {"patterns", "after_close_min", K_UINT, F(patterns.after_close_min), 1, 1000, "sessions"},
    {"patterns", "improving_before_min", K_UINT, F(patterns.improving_before_min), 1, 1000,
     "late days"},
    {"patterns", "improving_after_max", K_UINT, F(patterns.improving_after_max), 0, 1000,
     "late days"},
    {"sessions", "am_start", K_TIME, F(sessions.am.start), 0, 0, NULL},
    {"sessions", "am_register_closes", K_TIME, F(sessions.am.register_closes), 0, 0, NULL},
    {"sessions", "pm_start", K_TIME, F(sessions.pm.start), 0, 0, NULL},
    {"sessions", "pm_register_closes", K_TIME, F(sessions.pm.register_closes), 0, 0, NULL},
    {"sessions", "school_ends", K_TIME, F(school_ends), 0, 0, NULL},
    {"device", "id", K_ID, F(device_id), LD_CONFIG_ID_MAX, 0, NULL},
    {"device", "mode", K_MODE, F(mode), 0, 0, NULL},
    {"device", "debounce_ms", K_UINT, F(debounce_ms), 0, 60000, "milliseconds"},
    {"device", "reason_timeout_s", K_UINT, F(reason_timeout_s), 1, 600, "seconds"},
    {"reader", "driver", K_DRIVER, F(reader), 0, 0, NULL},
    {"reader", "connstring", K_CONN, F(reader_connstring), LD_CONFIG_CONN_MAX, 0, NULL},
    {"reader", "path", K_PATH, F(reader_path), LD_CONFIG_PATH_MAX, 0, NULL},
    /* kiosk-door: how a keyboard-wedge reader types the UID (docs/readers.md). */
    {"reader", "wedge_format", K_WEDGE_FORMAT, F(wedge_format), 0, 0, NULL},
    {"reader", "wedge_reversed", K_BOOL, F(wedge_reversed), 0, 0, NULL},
    {"staff", "idle_lock_s", K_UINT, F(staff_idle_lock_s), 10, 3600, "seconds"},
    /* kiosk-door: the speak-to and not-arrived lists on this kiosk's staff mode (a gate kiosk
     * set up for staff); off keeps them in the office. */
    {"staff", "lists_on_kiosk", K_BOOL, F(staff_lists_on_kiosk), 0, 0, NULL},
    /* kiosk-door: a touch sign-in after the register closes needs a staff card or PIN. */
    {"staff", "confirm_late_touch", K_BOOL, F(staff_confirm_late_touch), 0, 0, NULL},
    /* kiosk-lang: the home languages the family-facing screens offer besides English. */
    {"kiosk", "languages", K_LANGS, F(languages), 0, 0, NULL},
    {"paths", "calendar", K_PATH, F(calendar_path), LD_CONFIG_PATH_MAX, 0, NULL},
    {"paths", "store", K_PATH, F(store_path), LD_CONFIG_PATH_MAX, 0, NULL},
    /* kiosk-door2: the pupils' photos on "Is this you?" (kiosk/photo.h). */
    {"kiosk", "photos", K_PATH, F(kiosk_photos), LD_CONFIG_PATH_MAX, 0, NULL},
    {"central", "url", K_URL, F(central_url), LD_CONFIG_URL_MAX, 0, NULL},
    {"central", "passfile", K_PATH, F(central_passfile), LD_CONFIG_PATH_MAX, 0, NULL},
    {"central", "interval_s", K_UINT, F(sync_interval_s), 1, 86400, "seconds"},
    {"central", "batch", K_UINT, F(sync_batch), 1, 5000, "events"},
    {"central", "retry_min_s", K_UINT, F(sync_retry_min_s), 1, 3600, "seconds"},
    {"central", "retry_max_s", K_UINT, F(sync_retry_max_s), 1, 86400, "seconds"},
};
#undef F
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const sections[] = {"school", "sessions", "reasons", "device",
                                       "reader", "staff",    "paths",   "central",
                                       "bands",  "patterns", "kiosk"};

static const char *const arrival_names[] = {
    [LD_ARRIVAL_LATE_DOOR_ONLY] = "late door only", [LD_ARRIVAL_EVERYONE] = "everyone signs in"};

static const char *const mode_names[] = {
    [LD_MODE_LATE_DOOR] = "late_door", [LD_MODE_GATE] = "gate"};
static const char *const driver_names[] = {[LD_READER_NFC] = "nfc",
                                           [LD_READER_WEDGE] = "wedge",
                                           [LD_READER_SIM] = "sim",
                                           [LD_READER_NONE] = "none"};

static const struct {
    const char *name;
    enum ld_code before, after;
} default_reasons[] = {
    {"Medical appointment", LD_CODE_NONE, LD_CODE_M},
    {"Overslept", LD_CODE_NONE, LD_CODE_NONE},
    {"Traffic", LD_CODE_NONE, LD_CODE_NONE},
    {"Other", LD_CODE_NONE, LD_CODE_NONE},
};

/* The state of one parse: the configuration so far and where each key was set. */
struct cfg_parse {
    struct ld_config cfg;
    unsigned key_line[NKEYS];                    /* 0: not given */
    unsigned reason_line[LD_CONFIG_MAX_REASONS]; /* where each reason was given */
    unsigned band_line[LD_BANDS_MAX];            /* where each band was given */
    const char *base;                            /* directory for relative paths */
    size_t base_len;                             /* 0: leave them relative */
};

void ld_config_default(struct ld_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->timezone, sizeof cfg->timezone, "%s", "Europe/London");
    ld_sessions_default(&cfg->sessions);
    cfg->arrival_mode = LD_ARRIVAL_LATE_DOOR_ONLY;
    cfg->band_count = sizeof ld_bands_default / sizeof ld_bands_default[0];
    memcpy(cfg->bands, ld_bands_default, sizeof ld_bands_default);
    ld_pattern_rules_default(&cfg->patterns);
    cfg->mode = LD_MODE_LATE_DOOR;
    cfg->debounce_ms = 5000;
    cfg->reason_timeout_s = 20;
    cfg->school_ends = 15 * 60 + 30;
    cfg->reader = LD_READER_NFC;
    cfg->staff_idle_lock_s = 60;
    snprintf(cfg->calendar_path, sizeof cfg->calendar_path, "%s", "calendar.ini");
    snprintf(cfg->store_path, sizeof cfg->store_path, "%s", "/var/lib/latedoor/device.db");
    cfg->sync_interval_s = 60;
    cfg->sync_batch = 1000;
    cfg->sync_retry_min_s = 5;
    cfg->sync_retry_max_s = 600;
}

/*
 * Returns true when url carries a password: "scheme://user:secret@host" or a "password=" keyword
 * or query parameter. The config file is not secret; the password belongs in the passfile.
 */
static bool url_has_password(const char *url)
{
    const char *scheme = strstr(url, "://");
    if (scheme) {
        const char *auth = scheme + 3;
        size_t end = strcspn(auth, "/?#");
        const char *at = memchr(auth, '@', end);
        if (at && memchr(auth, ':', (size_t)(at - auth)))
            return true;
    }
    for (const char *p = url; (p = strcasestr(p, "password")) != NULL; p += 8) {
        const char *q = p + 8;
        while (*q == ' ')
            q++;
        bool starts = p == url || strchr(" ?&", p[-1]);
        if (starts && *q == '=')
            return true;
    }
    return false;
}

const char *ld_device_mode_name(enum ld_device_mode mode)
{
    return (unsigned)mode < sizeof mode_names / sizeof mode_names[0] ? mode_names[mode] : "?";
}

const char *ld_arrival_mode_name(enum ld_arrival_mode mode)
{
    return (unsigned)mode < sizeof arrival_names / sizeof arrival_names[0] ? arrival_names[mode]
                                                                           : "?";
}

const char *ld_reader_driver_name(enum ld_reader_driver driver)
{
    return (unsigned)driver < sizeof driver_names / sizeof driver_names[0] ? driver_names[driver]
                                                                           : "?";
}

const struct ld_reason_rule *ld_config_reason(const struct ld_config *cfg, const char *name)
{
    for (size_t i = 0; cfg && name && i < cfg->reason_count && i < LD_CONFIG_MAX_REASONS; i++)
        if (!strcasecmp(cfg->reasons[i].name, name)) /* as the door matches them */
            return &cfg->reasons[i].rule;
    return NULL;
}

/* Writes the quoted value into q (QUOTE_MAX * 4 + 8 bytes) and returns q. */
static const char *quoted(char *q, size_t qlen, const char *value)
{
    return ld_utf8_quote(q, qlen, value, strlen(value), QUOTE_MAX);
}

/* Checks a piece of text: not empty (unless allowed), within cap, no control characters. */
static ld_err check_text(const char *value, size_t cap, bool may_be_empty, char *problem,
                         size_t plen)
{
    size_t n = strlen(value);
    if (n == 0 && !may_be_empty) {
        snprintf(problem, plen, "empty");
        return LD_ERR_INVALID;
    }
    if (n > cap) {
        snprintf(problem, plen, "longer than %zu bytes", cap);
        return LD_ERR_RANGE;
    }
    if (ld_utf8_has_control(value, n)) {
        snprintf(problem, plen, "contains a control character");
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

/*
 * Returns true when tz names a zone file of the system's database: "UTC", or a relative path
 * of letters, digits, '_', '+', '-' and '/' (no "..", no leading, trailing or doubled '/')
 * naming a readable TZif file under $TZDIR or /usr/share/zoneinfo.
 */
static bool tz_exists(const char *tz)
{
    if (!strcmp(tz, "UTC"))
        return true;
    size_t n = strlen(tz);
    if (n == 0 || tz[0] == '/' || tz[n - 1] == '/' || strstr(tz, "..") || strstr(tz, "//"))
        return false;
    for (const char *c = tz; *c; c++) {
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '-' || *c == '/';
        if (!ok)
            return false;
    }
    const char *dir = secure_getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[512];
    int len = snprintf(path, sizeof path, "%s/%s", dir, tz);
    if (len < 0 || (size_t)len >= sizeof path)
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    char magic[4];
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              read(fd, magic, sizeof magic) == (ssize_t)sizeof magic && !memcmp(magic, "TZif", 4);
    close(fd);
    return ok;
}

/* Parses a whole number of at most nine digits, no sign, no blanks. */
static bool parse_uint(const char *s, unsigned *out)
{
    unsigned v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 9)
            return false;
        v = v * 10 + (unsigned)(s[n] - '0');
    }
    if (n == 0)
        return false;
    *out = v;
    return true;
}

/* Makes path absolute against the config file's directory, when there is one. */
static ld_err resolve_path(const struct cfg_parse *cp, const char *path, char *out, size_t outlen,
                           char *problem, size_t plen)
{
    int n;
    if (path[0] == '/' || cp->base_len == 0)
        n = snprintf(out, outlen, "%s", path);
    else if (cp->base[cp->base_len - 1] == '/')
        n = snprintf(out, outlen, "%.*s%s", (int)cp->base_len, cp->base, path);
    else
        n = snprintf(out, outlen, "%.*s/%s", (int)cp->base_len, cp->base, path);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(problem, plen, "longer than %zu bytes once made absolute", outlen - 1);
        return LD_ERR_RANGE;
    }
    return LD_OK;
}

/* Parses one reason code, "-" meaning "no change". */
static bool parse_rule_code(const char *s, size_t n, enum ld_code *out)
{
    char buf[8];
    if (n == 1 && s[0] == '-') {
        *out = LD_CODE_NONE;
        return true;
    }
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return ld_code_parse(buf, out);
}

/* Trims blanks from both ends of s[0..*n), returning the new start. */
static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*n)--;
    }
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

bool ld_config_door_code(enum ld_code code, bool after_close)
{
    /*
     * The child is in school, late: the session is a possible one and they attended part of it.
     * So a reason may keep the door's own mark (L before the register closes, U after) or make
     * it one of the authorised absences that a part-session away can earn with evidence: M
     * (medical or dental appointment), I (illness), R (religious observance), J1 (interview),
     * C (leave the head teacher granted). Never "/" or "\\" (lateness hidden), the approved
     * activities K V P W B (the school arranges those off site, not a claim at the door), the
     * codes set by arrangement (E, C1, C2, S, T, Q), the other unauthorised ones (G, N, O: U is
     * the door's) or a code that makes the session not possible (D, X, Y1-Y7, Z, #).
     */
    switch (code) {
    case LD_CODE_NONE:
    case LD_CODE_M:
    case LD_CODE_I:
    case LD_CODE_R:
    case LD_CODE_J1:
    case LD_CODE_C:
        return true;
    case LD_CODE_L:
        return !after_close;
    case LD_CODE_U:
        return after_close;
    default:
        return false;
    }
}

static ld_err on_reason(struct cfg_parse *cp, const char *key, const char *value, unsigned line,
                        char *problem, size_t plen)
{
    struct ld_config *cfg = &cp->cfg;
    char q[QUOTE_MAX * 4 + 8];
    ld_err err = check_text(key, LD_CONFIG_REASON_MAX, false, problem, plen);
    if (err)
        return err;
    for (size_t i = 0; i < cfg->reason_count; i++) {
        if (!strcasecmp(cfg->reasons[i].name, key)) {
            snprintf(problem, plen, "given twice (first on line %u)", cp->reason_line[i]);
            return LD_ERR_DUPLICATE;
        }
    }
    if (cfg->reason_count == LD_CONFIG_MAX_REASONS) {
        snprintf(problem, plen, "more than %d reasons", LD_CONFIG_MAX_REASONS);
        return LD_ERR_RANGE;
    }
    const char *comma = strchr(value, ',');
    struct ld_reason_rule rule;
    if (!comma || strchr(comma + 1, ',')) {
        snprintf(problem, plen,
                 "expected \"code before the register closes, code after\" (\"-\" for no "
                 "change): %s",
                 quoted(q, sizeof q, value));
        return LD_ERR_INVALID;
    }
    size_t n1 = (size_t)(comma - value), n2 = strlen(comma + 1);
    const char *c1 = trim(value, &n1), *c2 = trim(comma + 1, &n2);
    const char *bad = NULL;
    size_t badn = 0;
    if (!parse_rule_code(c1, n1, &rule.before_close)) {
        bad = c1;
        badn = n1;
    } else if (!parse_rule_code(c2, n2, &rule.after_close)) {
        bad = c2;
        badn = n2;
    }
    if (bad) {
        snprintf(problem, plen, "%s is not an attendance code (or \"-\" for no change)",
                 ld_utf8_quote(q, sizeof q, bad, badn, QUOTE_MAX));
        return LD_ERR_INVALID;
    }
    if (!ld_config_door_code(rule.before_close, false) ||
        !ld_config_door_code(rule.after_close, true)) {
        bool first = !ld_config_door_code(rule.before_close, false);
        snprintf(problem, plen,
                 "%s makes no sense for a child who arrives late %s the register closes: use "
                 "-, %s, M, I, R, J1 or C (docs/config.md)",
                 ld_code_str(first ? rule.before_close : rule.after_close),
                 first ? "before" : "after", first ? "L" : "U");
        return LD_ERR_INVALID;
    }
    struct ld_config_reason *r = &cfg->reasons[cfg->reason_count];
    snprintf(r->name, sizeof r->name, "%s", key);
    r->rule = rule;
    cp->reason_line[cfg->reason_count++] = line;
    return LD_OK;
}

/*
 * Reads one `min = stage` line of [bands]: min a percentage (digits, one '.'), stage a whole
 * number 0 to 99 or a name. The first band of the file replaces the default list.
 */
static ld_err on_band(struct cfg_parse *cp, const char *key, const char *value, unsigned line,
                      char *problem, size_t plen)
{
    struct ld_config *cfg = &cp->cfg;
    char q[QUOTE_MAX * 4 + 8], *end = NULL;
    size_t n = cp->band_line[0] ? cfg->band_count : 0;
    bool digits = key[0] && strspn(key, "0123456789.") == strlen(key);
    double min = digits ? strtod(key, &end) : -1;
    if (!digits || *end || !(min >= 0 && min <= 100)) {
        snprintf(problem, plen, "not a percentage from 0 to 100 (\"97 = 0\", \"90 = amber\")");
        return LD_ERR_INVALID;
    }
    if (n > 0 && min >= cfg->bands[n - 1].min) {
        /* The first band whose min is reached wins: a lower one above a higher hides it. */
        snprintf(problem, plen, "not below the band on line %u: list bands from the highest",
                 cp->band_line[n - 1]);
        return LD_ERR_INVALID;
    }
    if (n == LD_BANDS_MAX) {
        snprintf(problem, plen, "more than %d bands", LD_BANDS_MAX);
        return LD_ERR_RANGE;
    }
    struct ld_band band = {.min = min, .stage = (int)n};
    unsigned stage;
    ld_err err = check_text(value, LD_BAND_LABEL_MAX, false, problem, plen);
    if (err)
        return err;
    if (value[0] >= '0' && value[0] <= '9') {
        if (!parse_uint(value, &stage) || stage > 99) {
            snprintf(problem, plen, "not a stage (a whole number 0 to 99, or a name): %s",
                     quoted(q, sizeof q, value));
            return LD_ERR_INVALID;
        }
        band.stage = (int)stage;
    } else {
        snprintf(band.label, sizeof band.label, "%s", value);
    }
    cfg->bands[n] = band;
    cp->band_line[n] = line;
    cfg->band_count = n + 1;
    return LD_OK;
}

/* Reads "pl, ro" into cfg's languages: codes of 2 or 3 small letters, none twice, not "en"
 * (English is always offered); "" for none. */
static ld_err on_languages(struct ld_config *cfg, const char *value, char *problem, size_t plen)
{
    char codes[LD_CONFIG_LANGS_MAX][LD_CONFIG_LANG_MAX + 1];
    size_t n = 0;
    for (const char *p = value; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, ",");
        size_t t = len;
        while (t > 0 && p[t - 1] == ' ')
            t--;
        bool ok = t >= 2 && t <= LD_CONFIG_LANG_MAX;
        for (size_t i = 0; ok && i < t; i++)
            ok = p[i] >= 'a' && p[i] <= 'z';
        if (!ok) {
            snprintf(problem, plen, "language %zu: not a code of 2 or 3 small letters (\"pl, ro\")",
                     n + 1);
            return LD_ERR_INVALID;
        }
        if (n == LD_CONFIG_LANGS_MAX) {
            snprintf(problem, plen, "more than %d languages", LD_CONFIG_LANGS_MAX);
            return LD_ERR_RANGE;
        }
        memcpy(codes[n], p, t);
        codes[n][t] = '\0';
        if (!strcmp(codes[n], "en")) {
            snprintf(problem, plen, "en: English is always offered; list the others");
            return LD_ERR_INVALID;
        }
        for (size_t i = 0; i < n; i++)
            if (!strcmp(codes[i], codes[n])) {
                snprintf(problem, plen, "%s given twice", codes[n]);
                return LD_ERR_INVALID;
            }
        n++;
        p += len;
        if (*p == ',' && !*(p + 1 + strspn(p + 1, " "))) {
            snprintf(problem, plen, "a comma with no language after it");
            return LD_ERR_INVALID;
        }
        p += *p == ',';
    }
    memcpy(cfg->languages, codes, sizeof codes);
    cfg->language_count = n;
    return LD_OK;
}

static ld_err on_key(const struct key_def *k, struct cfg_parse *cp, const char *value,
                     char *problem, size_t plen)
{
    char *field = (char *)&cp->cfg + k->off;
    char q[QUOTE_MAX * 4 + 8];
    ld_err err = LD_OK;
    switch (k->kind) {
    case K_NAME:
    case K_CONN:
        err = check_text(value, k->cap, k->kind == K_CONN, problem, plen);
        if (!err)
            snprintf(field, k->cap + 1, "%s", value);
        break;
    case K_ID:
        err = check_text(value, k->cap, false, problem, plen);
        if (!err && strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789._-") != strlen(value)) {
            snprintf(problem, plen, "may hold only letters, digits, '.', '_' and '-': %s",
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        }
        if (!err)
            snprintf(field, k->cap + 1, "%s", value);
        break;
    case K_TZ:
        err = check_text(value, k->cap, false, problem, plen);
        if (!err && !tz_exists(value)) {
            snprintf(problem, plen, "not a time zone of the system's database: %s",
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        }
        if (!err)
            snprintf(field, k->cap + 1, "%s", value);
        break;
    case K_TIME: {
        ld_minute m;
        if (!ld_minute_parse(value, &m)) {
            snprintf(problem, plen, "not a time of day (HH:MM, 24-hour clock): %s",
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        } else {
            memcpy(field, &m, sizeof m);
        }
        break;
    }
    case K_UINT: {
        unsigned v;
        if (!parse_uint(value, &v)) {
            snprintf(problem, plen, "not a whole number of %s: %s", k->unit,
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        } else if (v < k->cap || v > k->max) {
            snprintf(problem, plen, "%u is out of range (%zu to %u %s)", v, k->cap, k->max,
                     k->unit);
            err = LD_ERR_RANGE;
        } else {
            memcpy(field, &v, sizeof v);
        }
        break;
    }
    case K_ARRIVAL: {
        size_t i = 0, count = sizeof arrival_names / sizeof arrival_names[0];
        char words[40];
        snprintf(words, sizeof words, "%s", value);
        for (char *c = words; *c; c++)
            *c = *c == '_' ? ' ' : *c;
        while (i < count && strcasecmp(words, arrival_names[i]))
            i++;
        if (i == count) {
            snprintf(problem, plen, "not \"late door only\" or \"everyone signs in\": %s",
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        } else {
            enum ld_arrival_mode mode = (enum ld_arrival_mode)i;
            memcpy(field, &mode, sizeof mode);
        }
        break;
    }
    case K_MODE:
    case K_DRIVER: {
        const char *const *names = k->kind == K_MODE ? mode_names : driver_names;
        size_t count = k->kind == K_MODE ? sizeof mode_names / sizeof mode_names[0]
                                         : sizeof driver_names / sizeof driver_names[0];
        size_t i = 0;
        while (i < count && strcasecmp(value, names[i]))
            i++;
        if (i == count) {
            snprintf(problem, plen, "%s: %s",
                     k->kind == K_MODE ? "not a mode (late_door or gate)"
                                       : "not a reader driver (nfc, wedge, sim or none)",
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        } else if (k->kind == K_MODE) {
            enum ld_device_mode mode = (enum ld_device_mode)i;
            memcpy(field, &mode, sizeof mode);
        } else {
            enum ld_reader_driver drv = (enum ld_reader_driver)i;
            memcpy(field, &drv, sizeof drv);
        }
        break;
    }
    case K_PATH:
        err = check_text(value, k->cap, false, problem, plen);
        if (!err)
            err = resolve_path(cp, value, field, k->cap + 1, problem, plen);
        break;
    case K_WEDGE_FORMAT: {
        static const char *const formats[] = {"auto", "hex", "decimal"}; /* enum ld_wedge_format */
        unsigned i = 0;
        while (i < 3 && strcasecmp(value, formats[i]))
            i++;
        if (i == 3) {
            snprintf(problem, plen, "not a wedge format (auto, hex or decimal): %s",
                     quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        } else {
            memcpy(field, &i, sizeof i);
        }
        break;
    }
    case K_BOOL: {
        bool on =
            !strcasecmp(value, "on") || !strcasecmp(value, "yes") || !strcasecmp(value, "true");
        if (!on && strcasecmp(value, "off") && strcasecmp(value, "no") &&
            strcasecmp(value, "false")) {
            snprintf(problem, plen, "not on or off: %s", quoted(q, sizeof q, value));
            err = LD_ERR_INVALID;
        } else {
            memcpy(field, &on, sizeof on);
        }
        break;
    }
    case K_LANGS:
        err = on_languages(&cp->cfg, value, problem, plen);
        break;
    case K_URL:
        err = check_text(value, k->cap, false, problem, plen);
        if (!err && url_has_password(value)) {
            /* Never quote it: the value holds a password. */
            snprintf(problem, plen,
                     "holds a password: put it in central.passfile (a file of mode 0600) instead");
            err = LD_ERR_INVALID;
        }
        if (!err)
            snprintf(field, k->cap + 1, "%s", value);
        break;
    }
    return err;
}

static ld_err on_config_value(void *user, const char *section, const char *key, const char *value,
                              unsigned line, char *problem, size_t plen)
{
    struct cfg_parse *cp = user;
    if (!section[0]) {
        snprintf(problem, plen, "outside any [section]");
        return LD_ERR_INVALID;
    }
    size_t s = 0;
    while (s < sizeof sections / sizeof sections[0] && strcasecmp(section, sections[s]))
        s++;
    if (s == sizeof sections / sizeof sections[0]) {
        snprintf(problem, plen, "unknown section [%s]", section);
        return LD_ERR_INVALID;
    }
    if (!strcasecmp(section, "reasons"))
        return on_reason(cp, key, value, line, problem, plen);
    if (!strcasecmp(section, "bands"))
        return on_band(cp, key, value, line, problem, plen);
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcasecmp(section, keys[i].section) || strcasecmp(key, keys[i].key))
            continue;
        if (cp->key_line[i]) {
            snprintf(problem, plen, "given twice (first on line %u)", cp->key_line[i]);
            return LD_ERR_DUPLICATE;
        }
        cp->key_line[i] = line;
        return on_key(&keys[i], cp, value, problem, plen);
    }
    snprintf(problem, plen, "unknown key");
    return LD_ERR_INVALID;
}

/* Returns the index of section.key in keys. */
static size_t key_index(const char *section, const char *key)
{
    size_t i = 0;
    while (i < NKEYS && (strcmp(keys[i].section, section) || strcmp(keys[i].key, key)))
        i++;
    return i;
}

/* Checks what only the whole file can tell, and fills the defaults that depend on it. */
static ld_err finish(struct cfg_parse *cp, const char *name, char *msg, size_t msglen)
{
    static const char *const required[][2] = {{"school", "name"}, {"device", "id"}};
    struct ld_config *cfg = &cp->cfg;
    char problem[128];
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (!cp->key_line[key_index(required[i][0], required[i][1])]) {
            ld_config__errf(msg, msglen, name, 0, "%s.%s: required, and not given", required[i][0],
                            required[i][1]);
            return LD_ERR_INVALID;
        }
    }

    const char *field = NULL, *why = NULL;
    if (ld_sessions_check(&cfg->sessions, &field, &why)) {
        /* The core names "am.register_closes"; the file says sessions.am_register_closes. */
        char key[40];
        snprintf(key, sizeof key, "%s", field ? field : "?");
        char *dot = strchr(key, '.');
        if (dot)
            *dot = '_';
        unsigned line = 0;
        char note[24] = "";
        size_t k = key_index("sessions", key);
        if (k < NKEYS) {
            line = cp->key_line[k];
            if (!line) {
                ld_minute m;
                memcpy(&m, (const char *)cfg + keys[k].off, sizeof m);
                snprintf(note, sizeof note, " (default %02d:%02d)", m / 60 % 100, m % 60);
            }
        }
        ld_config__errf(msg, msglen, name, line, "sessions.%s%s: %s", key, note,
                        why ? why : "invalid");
        return LD_ERR_INVALID;
    }

    if (cfg->school_ends <= cfg->sessions.pm.register_closes) {
        size_t k = key_index("sessions", "school_ends");
        ld_config__errf(msg, msglen, name, k < NKEYS ? cp->key_line[k] : 0,
                        "sessions.school_ends: must be after the afternoon register closes "
                        "(%02d:%02d)",
                        cfg->sessions.pm.register_closes / 60,
                        cfg->sessions.pm.register_closes % 60);
        return LD_ERR_INVALID;
    }

    const char *pattern_key;
    if (ld_pattern_rules_check(&cfg->patterns, &pattern_key)) {
        size_t k = key_index("patterns", pattern_key);
        ld_config__errf(msg, msglen, name, k < NKEYS ? cp->key_line[k] : 0,
                        "patterns.%s: out of range", pattern_key);
        return LD_ERR_INVALID;
    }

    if (cfg->reason_count == 0) {
        for (size_t i = 0; i < sizeof default_reasons / sizeof default_reasons[0]; i++) {
            struct ld_config_reason *r = &cfg->reasons[cfg->reason_count++];
            snprintf(r->name, sizeof r->name, "%s", default_reasons[i].name);
            r->rule.before_close = default_reasons[i].before;
            r->rule.after_close = default_reasons[i].after;
        }
    }

    size_t kp = key_index("reader", "path");
    if (!cp->key_line[kp]) {
        if (cfg->reader == LD_READER_SIM)
            snprintf(cfg->reader_path, sizeof cfg->reader_path, "%s", "/run/latedoor/sim.sock");
        else if (cfg->reader == LD_READER_WEDGE) {
            ld_config__errf(msg, msglen, name, cp->key_line[key_index("reader", "driver")],
                            "reader.path: required with the wedge driver (the input device)");
            return LD_ERR_INVALID;
        }
    }

    if (cfg->sync_retry_min_s > cfg->sync_retry_max_s) {
        size_t k = key_index("central", "retry_max_s");
        ld_config__errf(msg, msglen, name,
                        cp->key_line[k] ? cp->key_line[k]
                                        : cp->key_line[key_index("central", "retry_min_s")],
                        "central.retry_max_s: %u is less than central.retry_min_s (%u)",
                        cfg->sync_retry_max_s, cfg->sync_retry_min_s);
        return LD_ERR_INVALID;
    }
    if (cp->key_line[key_index("central", "passfile")] && !cfg->central_url[0]) {
        ld_config__errf(msg, msglen, name, cp->key_line[key_index("central", "passfile")],
                        "central.passfile: given without central.url");
        return LD_ERR_INVALID;
    }

    /* Default paths are relative to the config file's directory too. */
    static const char *const paths[] = {"calendar", "store"};
    for (size_t i = 0; i < 2; i++) {
        size_t k = key_index("paths", paths[i]);
        if (cp->key_line[k])
            continue;
        char *dest = (char *)cfg + keys[k].off;
        char given[LD_CONFIG_PATH_MAX + 1];
        snprintf(given, sizeof given, "%s", dest);
        if (resolve_path(cp, given, dest, keys[k].cap + 1, problem, sizeof problem)) {
            ld_config__errf(msg, msglen, name, 0, "paths.%s (default %s): %s", paths[i], given,
                            problem);
            return LD_ERR_RANGE;
        }
    }
    return LD_OK;
}

ld_err ld_config_apply_setting(struct ld_config *cfg, const char *key, const char *value,
                               char *problem, size_t plen)
{
    ld_err err = LD_ERR_NOT_FOUND;
    struct cfg_parse *cp = calloc(1, sizeof *cp);
    const char *bad;
    if (!cp)
        return LD_ERR_NOMEM;
    cp->cfg = *cfg;
    problem[0] = '\0';
    size_t k = !strcmp(key, "arrival_mode")      ? key_index("school", "arrival_mode")
               : !strncmp(key, "patterns.", 9)   ? key_index("patterns", key + 9)
               : !strcmp(key, "kiosk.languages") ? key_index("kiosk", "languages")
                                                 : NKEYS;
    if (k < NKEYS) {
        err = on_key(&keys[k], cp, value, problem, plen);
    } else if (!strcmp(key, "bands")) {
        /* The file's [bands] lines, one per ';'; line numbers count the bands. */
        char item[LD_BAND_LABEL_MAX + 48];
        const char *p = value;
        err = LD_OK;
        for (unsigned n = 1; !err && *p; n++) {
            size_t len = strcspn(p, ";"), kn, vn;
            const char *eq = memchr(p, '=', len);
            if (!eq || len >= sizeof item) {
                snprintf(problem, plen, "band %u: expected \"min = stage\"", n);
                err = LD_ERR_INVALID;
                break;
            }
            kn = (size_t)(eq - p);
            vn = len - kn - 1;
            const char *kt = trim(p, &kn), *vt = trim(eq + 1, &vn);
            snprintf(item, sizeof item, "%.*s", (int)kn, kt);
            item[kn] = '\0';
            memcpy(item + kn + 1, vt, vn);
            item[kn + 1 + vn] = '\0';
            err = on_band(cp, item, item + kn + 1, n, problem, plen);
            p += len + (p[len] == ';');
        }
        if (!err && !cp->band_line[0]) {
            snprintf(problem, plen, "no bands");
            err = LD_ERR_INVALID;
        }
    }
    if (!err && ld_pattern_rules_check(&cp->cfg.patterns, &bad)) {
        snprintf(problem, plen, "patterns.%s: out of range", bad);
        err = LD_ERR_INVALID;
    }
    if (!err)
        *cfg = cp->cfg;
    free(cp);
    return err;
}

/* Keeps the first problem of ld_config_apply_school: "key: phrase". */
static void first_problem(char *problem, size_t plen, const char *key, const char *phrase)
{
    if (!problem[0])
        snprintf(problem, plen, "%s: %s", key, phrase);
}

/* The sessions' times of settings over cp->cfg, all or none. */
static void school_sessions(struct cfg_parse *cp, const struct ld_config_setting *s, size_t n,
                            char *problem, size_t plen)
{
    struct ld_sessions sessions = cp->cfg.sessions;
    ld_minute school_ends = cp->cfg.school_ends;
    char p[160];
    bool any = false, bad = false;
    for (size_t i = 0; i < n && !bad; i++) {
        if (strncmp(s[i].key, "sessions.", 9))
            continue;
        size_t k = key_index("sessions", s[i].key + 9);
        any = true;
        if (k >= NKEYS) {
            first_problem(problem, plen, s[i].key, "not a session time");
            bad = true;
        } else if (on_key(&keys[k], cp, s[i].value, p, sizeof p)) {
            first_problem(problem, plen, s[i].key, p);
            bad = true;
        }
    }
    const char *field = NULL, *why = NULL;
    if (any && !bad && ld_sessions_check(&cp->cfg.sessions, &field, &why)) {
        snprintf(p, sizeof p, "%s: %s", field ? field : "?", why ? why : "invalid");
        first_problem(problem, plen, "sessions", p);
        bad = true;
    }
    if (any && !bad && cp->cfg.school_ends <= cp->cfg.sessions.pm.register_closes) {
        first_problem(problem, plen, "sessions.school_ends",
                      "must be after the afternoon register closes");
        bad = true;
    }
    if (bad) {
        cp->cfg.sessions = sessions;
        cp->cfg.school_ends = school_ends;
    }
}

/* The number N of a "reason.N" key (1 to 999), or 0 when it is not one. */
static unsigned reason_number(const char *key)
{
    const char *d = key + 7;
    unsigned v = 0;
    if (!*d || *d == '0' || strspn(d, "0123456789") != strlen(d) || strlen(d) > 3)
        return 0;
    while (*d)
        v = v * 10 + (unsigned)(*d++ - '0');
    return v;
}

/* The reasons of settings over cp->cfg as one list in the order of N, all or none. */
static void school_reasons(struct cfg_parse *cp, const struct ld_config_setting *s, size_t n,
                           char *problem, size_t plen)
{
    struct ld_config_reason saved[LD_CONFIG_MAX_REASONS];
    size_t saved_count = cp->cfg.reason_count;
    memcpy(saved, cp->cfg.reasons, sizeof saved);
    cp->cfg.reason_count = 0;
    char p[160], name[LD_CONFIG_REASON_MAX * 2];
    bool any = false, bad = false;
    unsigned last = 0;
    for (;;) { /* the next number up, whatever order the settings come in */
        size_t pick = n;
        for (size_t i = 0; i < n; i++) {
            if (strncmp(s[i].key, "reason.", 7))
                continue;
            unsigned num = reason_number(s[i].key);
            if (!num) {
                first_problem(problem, plen, s[i].key, "not reason.N");
                bad = true;
            } else if (num > last && (pick == n || num < reason_number(s[pick].key))) {
                pick = i;
            }
        }
        if (bad || pick == n)
            break;
        any = true;
        last = reason_number(s[pick].key);
        const char *v = s[pick].value, *eq = strrchr(v, '=');
        size_t nl = eq ? (size_t)(eq - v) : 0;
        const char *nt = trim(v, &nl);
        if (!eq || !nl || nl >= sizeof name) {
            first_problem(problem, plen, s[pick].key, "expected \"Name = before, after\"");
            bad = true;
            break;
        }
        memcpy(name, nt, nl);
        name[nl] = '\0';
        size_t cl = strlen(eq + 1);
        const char *ct = trim(eq + 1, &cl);
        char codes[32];
        snprintf(codes, sizeof codes, "%.*s", (int)cl, ct);
        if (on_reason(cp, name, codes, last, p, sizeof p)) {
            first_problem(problem, plen, s[pick].key, p);
            bad = true;
            break;
        }
    }
    if (bad || !any) {
        memcpy(cp->cfg.reasons, saved, sizeof saved);
        cp->cfg.reason_count = saved_count;
    }
}

ld_err ld_config_apply_school(struct ld_config *cfg, const struct ld_config_setting *settings,
                              size_t n, char *problem, size_t plen)
{
    ld_err err = LD_OK;
    char p[160];
    problem[0] = '\0';
    struct cfg_parse *cp = calloc(1, sizeof *cp);
    if (!cp)
        return LD_ERR_NOMEM;
    cp->cfg = *cfg;
    for (size_t i = 0; i < n && !err; i++) {
        if (!strncmp(settings[i].key, "sessions.", 9) || !strncmp(settings[i].key, "reason.", 7))
            continue;
        ld_err e =
            ld_config_apply_setting(&cp->cfg, settings[i].key, settings[i].value, p, sizeof p);
        if (e == LD_ERR_NOMEM)
            err = e;
        else if (e && e != LD_ERR_NOT_FOUND)
            first_problem(problem, plen, settings[i].key, p);
    }
    if (!err) {
        school_sessions(cp, settings, n, problem, plen);
        school_reasons(cp, settings, n, problem, plen);
        *cfg = cp->cfg;
    }
    free(cp);
    return err;
}

/* Parses len bytes of text called name into *out; *out is written only on success. */
static ld_err parse(const char *text, size_t len, const char *name, struct ld_config *out,
                    char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct cfg_parse *cp = calloc(1, sizeof *cp);
    if (!cp) {
        ld_config__errf(msg, msglen, name, 0, "out of memory");
        err = LD_ERR_NOMEM;
        goto out;
    }
    ld_config_default(&cp->cfg);
    const char *slash = strrchr(name, '/');
    cp->base = name;
    cp->base_len = slash ? (slash == name ? 1 : (size_t)(slash - name)) : 0;
    err = ld_config__ini_parse(text, len, name, on_config_value, cp, msg, msglen);
    if (!err)
        err = finish(cp, name, msg, msglen);
    if (!err)
        *out = cp->cfg;
out:
    free(cp);
    return err;
}

ld_err ld_config_parse_string(const char *text, const char *name, struct ld_config *out, char *msg,
                              size_t msglen)
{
    if (!name)
        name = "(config)";
    if (!text || !out) {
        ld_config__errf(msg, msglen, name, 0, "no text to parse");
        return LD_ERR_INVALID;
    }
    size_t len = strlen(text);
    if (len > LD_CONFIG_FILE_MAX) {
        ld_config__errf(msg, msglen, name, 0, "larger than %d bytes", LD_CONFIG_FILE_MAX);
        return LD_ERR_RANGE;
    }
    return parse(text, len, name, out, msg, msglen);
}

ld_err ld_config_load(const char *path, struct ld_config *out, char *msg, size_t msglen)
{
    char *text = NULL;
    size_t len = 0;
    if (!path || !out) {
        ld_config__errf(msg, msglen, "(config)", 0, "no file to read");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_config__read_file(path, LD_CONFIG_FILE_MAX, &text, &len, msg, msglen);
    if (!err)
        err = parse(text, len, path, out, msg, msglen);
    free(text);
    return err;
}
