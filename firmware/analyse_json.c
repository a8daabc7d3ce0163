/* analyse_json.c: reads the contract's JSON into the core, runs it, writes the results. */
#include "analyse_json.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_calendar.h"
#include "ld_flags.h"
#include "ld_school.h"
#include "utf8.h"

/* The members of the document that latedoor reads; any other member is skipped unread. */
enum top_key {
    K_AS_OF,
    K_REGISTERS_UNTIL,
    K_SESSIONS,
    K_CALENDAR,
    K_RULES,
    K_REASONS,
    K_PUPILS,
    K_MARKS,
    K_ARRIVALS,
    K_HERRINGBONE_FOR,
    K__COUNT
};

static const char *const top_names[K__COUNT] = {
    "as_of",   "registers_until", "sessions", "calendar", "rules",
    "reasons", "pupils",          "marks",    "arrivals", "herringbone_for",
};

/* One JSON value in the input text; len 0: absent. nul: it holds a \u0000 escape. */
struct span {
    size_t off, len;
    bool nul;
};

/*
 * Everything one run owns, freed in one place. The document is never held as one cJSON tree
 * (about 40 times its size): it is checked once by scan_value, then each small section and
 * each element of the big arrays is parsed on its own into piece, read into the core and freed.
 */
struct run {
    char *msg;
    size_t msglen;
    const char *text;
    struct span top[K__COUNT];
    bool any_nul;   /* the document holds a \u0000 somewhere */
    cJSON *piece;   /* the section or array element being read */
    bool piece_nul; /* its text held a \u0000, turned into a 0xFF byte that UTF-8 refuses */
    char *scratch;  /* the text of such a piece, with every \u0000 replaced */
    size_t scratch_cap;
    struct ld_as_of when;
    struct ld_sessions sessions;
    struct ld_calendar *cal;
    struct ld_school *school;
    struct ld_result *result;
    size_t nbands;                   /* bands given in rules.bands, 0: the core's defaults */
    double band_stage[LD_BANDS_MAX]; /* their numeric stages as given, echoed in the output */
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static ld_err
fail(struct run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->msg, run->msglen, fmt, ap);
    va_end(ap);
    return LD_ERR_INVALID;
}

/* Writes s as a quoted string fit for a message, cut short (with "...") past 40 bytes. */
static const char *quote(const char *s, char *buf, size_t size)
{
    return ld_utf8_quote(buf, size, s, strlen(s), 40);
}

#define QUOTE_BUF 200
#define MAX_DEPTH 500 /* below cJSON's own nesting limit, so every checked piece parses */

/* --- checking the text: strict JSON (RFC 8259), positions for the error message --- */

static void skip_ws(const char *t, size_t n, size_t *i)
{
    while (*i < n && (t[*i] == ' ' || t[*i] == '\t' || t[*i] == '\n' || t[*i] == '\r'))
        (*i)++;
}

static int hex4(const char *t, size_t n, size_t i)
{
    int v = 0;
    for (size_t k = i; k < i + 4; k++) {
        if (k >= n)
            return -1;
        char c = t[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Bytes that stand for themselves in a JSON string: all but controls, quote and backslash. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\';
}

/* Checks the string starting at the quote t[*i]; surrogate escapes must pair, as cJSON asks. */
static bool scan_string(const char *t, size_t n, size_t *i, bool *nul)
{
    size_t k = *i + 1; /* a local index: the plain-byte loop stays in registers */
    bool ok = false;
    while (k < n) {
        while (k < n && plain_byte((unsigned char)t[k]))
            k++;
        if (k >= n || t[k] != '\\') {
            ok = k < n && t[k] == '"'; /* else the end, or a control character */
            k += ok;
            break;
        }
        if (++k >= n)
            break;
        char c = t[k];
        if (c != 'u') {
            if (!c || !strchr("\"\\/bfnrt", c))
                break;
            k++;
            continue;
        }
        int v = hex4(t, n, k + 1);
        if (v < 0 || (v >= 0xDC00 && v <= 0xDFFF))
            break;
        k += 5;
        if (v >= 0xD800 && v <= 0xDBFF) {
            if (k + 1 >= n || t[k] != '\\' || t[k + 1] != 'u')
                break;
            int lo = hex4(t, n, k + 2);
            if (lo < 0xDC00 || lo > 0xDFFF)
                break;
            k += 6;
        }
        *nul |= v == 0;
    }
    *i = k;
    return ok;
}

static bool scan_digits(const char *t, size_t n, size_t *i)
{
    size_t from = *i;
    while (*i < n && t[*i] >= '0' && t[*i] <= '9')
        (*i)++;
    return *i > from;
}

static bool scan_number(const char *t, size_t n, size_t *i)
{
    if (*i < n && t[*i] == '-')
        (*i)++;
    if (*i < n && t[*i] == '0')
        (*i)++;
    else if (!scan_digits(t, n, i))
        return false;
    if (*i < n && t[*i] == '.' && (++*i, !scan_digits(t, n, i)))
        return false;
    if (*i < n && (t[*i] == 'e' || t[*i] == 'E')) {
        (*i)++;
        if (*i < n && (t[*i] == '+' || t[*i] == '-'))
            (*i)++;
        if (!scan_digits(t, n, i))
            return false;
    }
    return true;
}

/* Checks one value starting at t[*i] (no white space before it) and moves *i past it. */
static bool scan_value(const char *t, size_t n, size_t *i, int depth, bool *nul)
{
    if (*i >= n || depth > MAX_DEPTH)
        return false;
    char c = t[*i];
    if (c == '"')
        return scan_string(t, n, i, nul);
    if (c == '-' || (c >= '0' && c <= '9'))
        return scan_number(t, n, i);
    const char *word = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
    if (word) {
        size_t wl = strlen(word);
        if (n - *i < wl || memcmp(t + *i, word, wl))
            return false;
        *i += wl;
        return true;
    }
    if (c != '[' && c != '{')
        return false;
    char close = c == '[' ? ']' : '}';
    (*i)++;
    skip_ws(t, n, i);
    if (*i < n && t[*i] == close) {
        (*i)++;
        return true;
    }
    for (;;) {
        if (close == '}') {
            if (*i >= n || t[*i] != '"' || !scan_string(t, n, i, nul))
                return false;
            skip_ws(t, n, i);
            if (*i >= n || t[(*i)++] != ':')
                return false;
            skip_ws(t, n, i);
        }
        if (!scan_value(t, n, i, depth + 1, nul))
            return false;
        skip_ws(t, n, i);
        if (*i >= n)
            return false;
        if (t[*i] == close) {
            (*i)++;
            return true;
        }
        if (t[(*i)++] != ',')
            return false;
        skip_ws(t, n, i);
    }
}

/*
 * Checks the whole document in one pass and notes where each member latedoor reads lies (the
 * first of two with the same name, as cJSON would). Member names are compared as written.
 */
static ld_err scan_document(struct run *run, size_t n)
{
    const char *t = run->text;
    size_t i = 0;
    bool nul = false;
    skip_ws(t, n, &i);
    if (i >= n || t[i] != '{') {
        if (scan_value(t, n, &i, 0, &nul) && (skip_ws(t, n, &i), i == n))
            return fail(run, "input: not a JSON object");
        return fail(run, "input: not valid JSON (at byte %zu)", i);
    }
    i++;
    skip_ws(t, n, &i);
    bool more = true;
    if (i < n && t[i] == '}') {
        i++;
        more = false;
    }
    while (more) {
        size_t key = i + 1;
        if (i >= n || t[i] != '"' || !scan_string(t, n, &i, &nul))
            goto bad;
        size_t keylen = i - 1 - key;
        skip_ws(t, n, &i);
        if (i >= n || t[i++] != ':')
            goto bad;
        skip_ws(t, n, &i);
        size_t from = i;
        bool vnul = false;
        if (!scan_value(t, n, &i, 1, &vnul))
            goto bad;
        nul |= vnul;
        for (int k = 0; k < K__COUNT; k++) {
            if (!run->top[k].len && strlen(top_names[k]) == keylen &&
                !memcmp(t + key, top_names[k], keylen))
                run->top[k] = (struct span){.off = from, .len = i - from, .nul = vnul};
        }
        skip_ws(t, n, &i);
        if (i >= n || (t[i] != ',' && t[i] != '}'))
            goto bad;
        more = t[i++] == ',';
        if (more)
            skip_ws(t, n, &i);
    }
    skip_ws(t, n, &i);
    if (i != n)
        goto bad;
    run->any_nul = nul;
    return LD_OK;
bad:
    return fail(run, "input: not valid JSON (at byte %zu)", i);
}

/* --- reading pieces --- */

/* Parses the text of sp (already checked) into run->piece, freeing the previous piece. */
static ld_err parse_piece(struct run *run, struct span sp)
{
    const char *src = run->text + sp.off;
    size_t n = sp.len;
    cJSON_Delete(run->piece);
    run->piece = NULL;
    run->piece_nul = sp.nul;
    if (sp.nul) {
        if (run->scratch_cap < n) {
            free(run->scratch);
            run->scratch_cap = 0;
            if (!(run->scratch = malloc(n)))
                return LD_ERR_NOMEM;
            run->scratch_cap = n;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (src[i] == '\\' && i + 5 < n && !memcmp(src + i + 1, "u0000", 5)) {
                run->scratch[k++] = (char)0xFF;
                i += 5;
            } else if (src[i] == '\\') {
                run->scratch[k++] = src[i++]; /* an escape: its second byte is never a quote */
                run->scratch[k++] = src[i];
            } else {
                run->scratch[k++] = src[i];
            }
        }
        src = run->scratch;
        n = k;
    }
    run->piece = cJSON_ParseWithLength(src, n);
    return run->piece ? LD_OK : LD_ERR_NOMEM; /* checked text: only memory can fail here */
}

/* Returns why s cannot be used (not UTF-8, or holds a \u0000), or NULL when it can. */
static const char *text_problem(const struct run *run, const char *s)
{
    size_t n = 0;
    while (s[n] && !((unsigned char)s[n] & 0x80))
        n++;
    if (!s[n])
        return NULL; /* ASCII, the usual case */
    n += strlen(s + n);
    if (ld_utf8_valid(s, n))
        return NULL;
    return run->piece_nul && memchr(s, 0xFF, n) ? "contains \\u0000" : "not valid UTF-8";
}

/* Parses top-level member k into *out (NULL when absent); it lives until the next piece. */
static ld_err section(struct run *run, enum top_key k, const cJSON **out)
{
    *out = NULL;
    if (!run->top[k].len)
        return LD_OK;
    ld_err err = parse_piece(run, run->top[k]);
    *out = run->piece;
    return err;
}

/* Writes "name[index]" into buf (at least 48 bytes): one per element, so without printf. */
static void element_path(char *buf, const char *name, size_t index)
{
    char digits[24];
    size_t nd = 0, len = strlen(name);
    do {
        digits[nd++] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    memcpy(buf, name, len);
    buf[len++] = '[';
    while (nd)
        buf[len++] = digits[--nd];
    buf[len++] = ']';
    buf[len] = '\0';
}

/* Walks the elements of a top-level array, one parsed piece at a time. */
struct walker {
    size_t pos, end, index;
};

/* Starts a walk over top-level member k; *present is false when it is absent. */
static ld_err walk_start(struct run *run, enum top_key k, struct walker *w, bool *present)
{
    struct span sp = run->top[k];
    *present = sp.len > 0;
    w->index = 0;
    w->pos = sp.off + 1;
    w->end = sp.off + sp.len;
    if (*present && run->text[sp.off] != '[')
        return fail(run, "%s: not an array", top_names[k]);
    return LD_OK;
}

/*
 * Parses the next element into *elem; *elem NULL at the end of the array. In a document with
 * no \u0000 (the usual case) cJSON parses the element straight from the text and says where
 * it ends, so the text is not scanned twice.
 */
static ld_err walk_next(struct run *run, struct walker *w, const cJSON **elem)
{
    const char *t = run->text;
    *elem = NULL;
    skip_ws(t, w->end, &w->pos);
    if (t[w->pos] == ',')
        w->pos++;
    skip_ws(t, w->end, &w->pos);
    if (t[w->pos] == ']')
        return LD_OK;
    if (!run->any_nul) {
        const char *end = NULL;
        cJSON_Delete(run->piece);
        run->piece_nul = false;
        run->piece = cJSON_ParseWithLengthOpts(t + w->pos, w->end - w->pos, &end, false);
        if (!run->piece)
            return LD_ERR_NOMEM; /* checked text: only memory can fail here */
        w->pos = (size_t)(end - t);
        *elem = run->piece;
        return LD_OK;
    }
    struct span sp = {.off = w->pos};
    (void)scan_value(t, w->end, &w->pos, 1, &sp.nul);
    sp.len = w->pos - sp.off;
    ld_err err = parse_piece(run, sp);
    *elem = run->piece;
    return err;
}

static const cJSON *field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Reads an optional string member: LD_OK with *out NULL when absent. */
static ld_err opt_string(struct run *run, const cJSON *obj, const char *key, const char *path,
                         const char **out)
{
    const cJSON *v = field(obj, key);
    const char *problem;
    *out = NULL;
    if (!v)
        return LD_OK;
    if (!cJSON_IsString(v))
        return fail(run, "%s%s%s: not a string", path, *path ? "." : "", key);
    if ((problem = text_problem(run, v->valuestring)))
        return fail(run, "%s%s%s: %s", path, *path ? "." : "", key, problem);
    *out = v->valuestring;
    return LD_OK;
}

/* Reads a string that is an array element or a member's value; path names it whole. */
static ld_err string_item(struct run *run, const cJSON *v, const char *path, const char **out)
{
    const char *problem;
    if (!cJSON_IsString(v))
        return fail(run, "%s: not a string", path);
    if ((problem = text_problem(run, v->valuestring)))
        return fail(run, "%s: %s", path, problem);
    *out = v->valuestring;
    return LD_OK;
}

static ld_err req_string(struct run *run, const cJSON *obj, const char *key, const char *path,
                         const char **out)
{
    ld_err err = opt_string(run, obj, key, path, out);
    if (!err && !*out)
        return fail(run, "%s%s%s: missing", path, *path ? "." : "", key);
    return err;
}

/* Reads an optional date member; *present says whether it was there. */
static ld_err opt_date(struct run *run, const cJSON *obj, const char *key, const char *path,
                       ld_date *out, bool *present)
{
    const char *s;
    char q[QUOTE_BUF];
    ld_err err = opt_string(run, obj, key, path, &s);
    *present = s != NULL;
    if (err || !s)
        return err;
    if (!ld_date_parse(s, out))
        return fail(run, "%s%s%s: not a date: %s", path, *path ? "." : "", key,
                    quote(s, q, sizeof q));
    return LD_OK;
}

static ld_err req_date(struct run *run, const cJSON *obj, const char *key, const char *path,
                       ld_date *out)
{
    bool present;
    ld_err err = opt_date(run, obj, key, path, out, &present);
    if (!err && !present)
        return fail(run, "%s%s%s: missing", path, *path ? "." : "", key);
    return err;
}

/* Reads an optional whole number from lo to hi; *present says whether it was there. */
static ld_err opt_int(struct run *run, const cJSON *obj, const char *key, const char *path, int lo,
                      int hi, int *out, bool *present)
{
    const cJSON *v = field(obj, key);
    *present = v != NULL;
    if (!v)
        return LD_OK;
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || !(d >= lo && d <= hi) || (double)(int)d != d)
        return fail(run, "%s%s%s: not a whole number from %d to %d", path, *path ? "." : "", key,
                    lo, hi);
    *out = (int)d;
    return LD_OK;
}

static ld_err opt_array(struct run *run, const cJSON *obj, const char *key, const char *path,
                        const cJSON **out)
{
    const cJSON *v = field(obj, key);
    *out = v;
    if (v && !cJSON_IsArray(v))
        return fail(run, "%s%s%s: not an array", path, *path ? "." : "", key);
    return LD_OK;
}

static ld_err opt_object(struct run *run, const cJSON *obj, const char *key, const char *path,
                         const cJSON **out)
{
    const cJSON *v = field(obj, key);
    *out = v;
    if (v && !cJSON_IsObject(v))
        return fail(run, "%s%s%s: not an object", path, *path ? "." : "", key);
    return LD_OK;
}

/* Reads top-level member k as an optional object. */
static ld_err section_object(struct run *run, enum top_key k, const cJSON **out)
{
    ld_err err = section(run, k, out);
    if (!err && *out && !cJSON_IsObject(*out))
        return fail(run, "%s: not an object", top_names[k]);
    return err;
}

/* Reads as_of (a date, or a date and a minute) and registers_until (a date, default as_of's). */
static ld_err read_as_of(struct run *run)
{
    const cJSON *v;
    const char *s;
    char q[QUOTE_BUF];
    ld_err err = section(run, K_AS_OF, &v);
    if (err)
        return err;
    if (!v)
        return fail(run, "as_of: missing");
    if ((err = string_item(run, v, "as_of", &s)))
        return err;
    ld_date date;
    ld_minute minute = LD_AS_OF_NO_TIME;
    if (!ld_date_parse(s, &date) && !ld_datetime_parse(s, &date, &minute))
        return fail(run, "as_of: not a date or a date and time: %s", quote(s, q, sizeof q));
    ld_as_of_day(date, &run->when);
    run->when.minute = minute;
    if ((err = section(run, K_REGISTERS_UNTIL, &v)) || !v)
        return err;
    if ((err = string_item(run, v, "registers_until", &s)))
        return err;
    if (!ld_date_parse(s, &run->when.registers_until))
        return fail(run, "registers_until: not a date: %s", quote(s, q, sizeof q));
    return LD_OK;
}

static ld_err read_sessions(struct run *run)
{
    const cJSON *sessions;
    ld_err err = section_object(run, K_SESSIONS, &sessions);
    ld_sessions_default(&run->sessions);
    if (err || !sessions)
        return err;
    static const char *const names[2] = {"am", "pm"};
    struct ld_session_times *t[2] = {&run->sessions.am, &run->sessions.pm};
    for (int i = 0; i < 2; i++) {
        const cJSON *s;
        char path[32];
        snprintf(path, sizeof path, "sessions.%s", names[i]);
        if ((err = opt_object(run, sessions, names[i], "sessions", &s)))
            return err;
        if (!s)
            continue;
        static const char *const keys[2] = {"start", "register_closes"};
        ld_minute *dst[2] = {&t[i]->start, &t[i]->register_closes};
        for (int k = 0; k < 2; k++) {
            const char *v;
            char q[QUOTE_BUF];
            if ((err = opt_string(run, s, keys[k], path, &v)))
                return err;
            if (v && !ld_minute_parse(v, dst[k]))
                return fail(run, "%s.%s: not a time: %s", path, keys[k], quote(v, q, sizeof q));
        }
    }
    const char *bad, *problem;
    if (ld_sessions_check(&run->sessions, &bad, &problem))
        return fail(run, "sessions.%s: %s", bad, problem);
    return LD_OK;
}

static ld_err read_calendar(struct run *run)
{
    const cJSON *cal, *terms = NULL, *closed = NULL;
    struct ld_term *tv = NULL;
    ld_date *cv = NULL;
    ld_err err = section_object(run, K_CALENDAR, &cal);
    if (!err && cal)
        err = opt_array(run, cal, "terms", "calendar", &terms);
    if (!err && cal)
        err = opt_array(run, cal, "closed", "calendar", &closed);
    if (err)
        return err;
    size_t nt = terms ? (size_t)cJSON_GetArraySize(terms) : 0;
    size_t nc = closed ? (size_t)cJSON_GetArraySize(closed) : 0;
    tv = calloc(nt ? nt : 1, sizeof *tv);
    cv = calloc(nc ? nc : 1, sizeof *cv);
    if (!tv || !cv) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, terms)
    {
        char path[48];
        snprintf(path, sizeof path, "calendar.terms[%zu]", i);
        if (!cJSON_IsObject(e)) {
            err = fail(run, "%s: not an object", path);
            goto out;
        }
        if ((err = opt_string(run, e, "name", path, &tv[i].name)) ||
            (err = req_date(run, e, "start", path, &tv[i].start)) ||
            (err = req_date(run, e, "end", path, &tv[i].end)))
            goto out;
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(e, closed)
    {
        char q[QUOTE_BUF], path[40];
        const char *text;
        snprintf(path, sizeof path, "calendar.closed[%zu]", i);
        if ((err = string_item(run, e, path, &text)))
            goto out;
        if (!ld_date_parse(text, &cv[i])) {
            err = fail(run, "%s: not a date: %s", path, quote(text, q, sizeof q));
            goto out;
        }
        i++;
    }
    struct ld_calendar_problem why;
    err = ld_calendar_create(tv, nt, cv, nc, &run->cal, &why);
    if (err == LD_ERR_INVALID)
        err = fail(run, "calendar.terms[%zu].%s: %s", why.term, why.field, why.problem);
out:
    free(tv);
    free(cv);
    return err;
}

/*
 * Reads band n's stage: a string becomes the band's label, a number is kept as given for the
 * output (the core's number is the stage when it is a whole 0..99, else the band's position).
 */
static ld_err read_stage(struct run *run, const cJSON *band, const char *path, size_t n,
                         struct ld_band *out)
{
    const cJSON *v = field(band, "stage");
    char sub[48];
    const char *label;
    ld_err err;
    memset(out, 0, sizeof *out);
    out->stage = (int)n;
    if (!v)
        return fail(run, "%s.stage: missing", path);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        run->band_stage[n] = d;
        if (d >= 0 && d <= 99 && (double)(int)d == d)
            out->stage = (int)d;
        return LD_OK;
    }
    if (!cJSON_IsString(v))
        return fail(run, "%s.stage: not a string or a number", path);
    snprintf(sub, sizeof sub, "%s.stage", path);
    if ((err = string_item(run, v, sub, &label)))
        return err;
    if (!*label || strlen(label) > LD_BAND_LABEL_MAX)
        return fail(run, "%s: a name of 1 to %d bytes", sub, LD_BAND_LABEL_MAX);
    strcpy(out->label, label);
    return LD_OK;
}

static ld_err read_rules(struct run *run)
{
    const cJSON *rules, *bands = NULL, *patterns = NULL;
    ld_err err = section_object(run, K_RULES, &rules);
    if (!err && rules)
        err = opt_array(run, rules, "bands", "rules", &bands);
    if (!err && rules)
        err = opt_object(run, rules, "patterns", "rules", &patterns);
    if (err)
        return err;
    if (bands) {
        struct ld_band bv[LD_BANDS_MAX];
        size_t n = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, bands)
        {
            char path[32];
            snprintf(path, sizeof path, "rules.bands[%zu]", n);
            if (n == LD_BANDS_MAX)
                return fail(run, "rules.bands: more than %d bands", LD_BANDS_MAX);
            if (!cJSON_IsObject(e))
                return fail(run, "%s: not an object", path);
            const cJSON *min = field(e, "min");
            if (!min)
                return fail(run, "%s.min: missing", path);
            if (!cJSON_IsNumber(min) || !(min->valuedouble >= 0 && min->valuedouble <= 100))
                return fail(run, "%s.min: not a percentage from 0 to 100", path);
            if ((err = read_stage(run, e, path, n, &bv[n])))
                return err;
            bv[n].min = min->valuedouble;
            n++;
        }
        if (n == 0)
            return fail(run, "rules.bands: empty");
        if (ld_school_set_bands(run->school, bv, n))
            return fail(run, "rules.bands: not a valid band list");
        run->nbands = n;
    }
    if (patterns) {
        struct ld_pattern_rules pr;
        ld_pattern_rules_default(&pr);
        const struct {
            const char *key;
            int *dst;
            int min;
        } keys[] = {
            {"window_days", &pr.window_days, 1},
            {"frequent_min", &pr.frequent_min, 1},
            {"weekday_window_days", &pr.weekday_window_days, 1},
            {"weekday_min", &pr.weekday_min, 1},
            {"streak_min", &pr.streak_min, 1},
            {"rising_min", &pr.rising_min, 1},
            {"after_close_min", &pr.after_close_min, 1},
            {"improving_before_min", &pr.improving_before_min, 1},
            {"improving_after_max", &pr.improving_after_max, 0},
        };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            bool present;
            if ((err = opt_int(run, patterns, keys[k].key, "rules.patterns", keys[k].min, 1000,
                               keys[k].dst, &present)))
                return err;
        }
        const char *bad;
        if (ld_pattern_rules_check(&pr, &bad) || ld_school_set_rules(run->school, &pr))
            return fail(run, "rules.patterns.%s: out of range", bad);
    }
    return LD_OK;
}

static ld_err read_code(struct run *run, const cJSON *obj, const char *key, const char *path,
                        enum ld_code *out)
{
    const char *s;
    char q[QUOTE_BUF];
    ld_err err = opt_string(run, obj, key, path, &s);
    *out = LD_CODE_NONE;
    if (err || !s)
        return err;
    if (!ld_code_parse(s, out))
        return fail(run, "%s.%s: not an attendance code: %s", path, key, quote(s, q, sizeof q));
    return LD_OK;
}

static ld_err read_reasons(struct run *run)
{
    const cJSON *reasons, *e;
    ld_err err = section_object(run, K_REASONS, &reasons);
    if (err || !reasons)
        return err;
    cJSON_ArrayForEach(e, reasons)
    {
        char path[96], q[QUOTE_BUF];
        const char *problem = text_problem(run, e->string);
        if (problem)
            return fail(run, "reasons: a reason name %s", problem);
        snprintf(path, sizeof path, "reasons.%s", e->string);
        if (!cJSON_IsObject(e))
            return fail(run, "%s: not an object", path);
        struct ld_reason_rule rule;
        if ((err = read_code(run, e, "before_close", path, &rule.before_close)) ||
            (err = read_code(run, e, "after_close", path, &rule.after_close)))
            return err;
        err = ld_school_add_reason(run->school, e->string, &rule);
        if (err == LD_ERR_DUPLICATE)
            return fail(run, "%s: given twice", path);
        if (err == LD_ERR_RANGE)
            return fail(run, "reasons: %s too long, or more than %d reasons",
                        quote(e->string, q, sizeof q), LD_SCHOOL_MAX_REASONS);
        if (err)
            return err;
    }
    return LD_OK;
}

/* Reads a pupil's optional on_roll range into the core. */
static ld_err read_on_roll(struct run *run, const cJSON *pupil, const char *path, const char *id)
{
    const cJSON *roll;
    char sub[64];
    ld_date from, to;
    bool has_from, has_to;
    ld_err err = opt_object(run, pupil, "on_roll", path, &roll);
    if (err || !roll)
        return err;
    snprintf(sub, sizeof sub, "%s.on_roll", path);
    if ((err = opt_date(run, roll, "from", sub, &from, &has_from)) ||
        (err = opt_date(run, roll, "to", sub, &to, &has_to)))
        return err;
    err = ld_school_set_on_roll(run->school, id, has_from ? &from : NULL, has_to ? &to : NULL);
    if (err == LD_ERR_INVALID)
        return fail(run, "%s: from is after to", sub);
    return err;
}

/* Reads the flags of a pupil into *bits. */
static ld_err read_flags(struct run *run, const cJSON *pupil, const char *path, unsigned *bits)
{
    const cJSON *flags, *f;
    ld_err err = opt_array(run, pupil, "flags", path, &flags);
    size_t k = 0;
    *bits = 0;
    cJSON_ArrayForEach(f, flags)
    {
        char sub[64], q[QUOTE_BUF];
        const char *text = NULL;
        unsigned bit;
        snprintf(sub, sizeof sub, "%s.flags[%zu]", path, k++);
        if ((err = string_item(run, f, sub, &text)))
            return err;
        if (!ld_flag_parse(text, &bit))
            return fail(run, "%s: not a flag (CP LAC CIN SC PP SEN): %s", sub,
                        quote(text, q, sizeof q));
        *bits |= bit;
    }
    return err;
}

static ld_err read_pupils(struct run *run)
{
    struct walker w;
    const cJSON *e;
    bool present;
    ld_err err = walk_start(run, K_PUPILS, &w, &present);
    while (!err && present && !(err = walk_next(run, &w, &e)) && e) {
        char path[48], q[QUOTE_BUF];
        element_path(path, "pupils", w.index++);
        if (!cJSON_IsObject(e))
            return fail(run, "%s: not an object", path);
        const char *id, *cls, *family;
        unsigned bits;
        if ((err = req_string(run, e, "id", path, &id)) ||
            (err = opt_string(run, e, "class", path, &cls)) ||
            (err = opt_string(run, e, "family", path, &family)) ||
            (err = read_flags(run, e, path, &bits)))
            return err;
        err = ld_school_add_pupil(run->school, id, cls, family, bits);
        switch (err) {
        case LD_OK:
            err = read_on_roll(run, e, path, id);
            break;
        case LD_ERR_INVALID:
            return fail(run, "%s.id: empty", path);
        case LD_ERR_DUPLICATE:
            return fail(run, "%s.id: a second pupil with id %s", path, quote(id, q, sizeof q));
        case LD_ERR_RANGE:
            return fail(
                run, "%s: id over %d bytes, class over %d, family over %d, or over %d pupils", path,
                LD_PUPIL_ID_MAX, LD_CLASS_NAME_MAX, LD_FAMILY_ID_MAX, LD_SCHOOL_MAX_PUPILS);
        default:
            return err;
        }
    }
    return err;
}

static ld_err no_such_pupil(struct run *run, const char *path, const char *id)
{
    char q[QUOTE_BUF];
    return fail(run, "%s.pupil: no such pupil: %s", path, quote(id, q, sizeof q));
}

/* Adds one element of marks to the core. */
static ld_err read_mark(struct run *run, const cJSON *e, const char *path)
{
    char q[QUOTE_BUF];
    if (!cJSON_IsObject(e))
        return fail(run, "%s: not an object", path);
    const char *pupil, *session;
    ld_date date;
    enum ld_code code;
    int minutes = -1;
    bool present;
    ld_err err;
    if ((err = req_string(run, e, "pupil", path, &pupil)) ||
        (err = req_date(run, e, "date", path, &date)) ||
        (err = req_string(run, e, "session", path, &session)))
        return err;
    if (strcmp(session, "am") && strcmp(session, "pm"))
        return fail(run, "%s.session: not \"am\" or \"pm\": %s", path, quote(session, q, sizeof q));
    if ((err = read_code(run, e, "code", path, &code)))
        return err;
    if (code == LD_CODE_NONE)
        return fail(run, "%s.code: missing", path);
    if ((err = opt_int(run, e, "minutes", path, 0, 1440, &minutes, &present)))
        return err;
    enum ld_session_id sid = session[0] == 'a' ? LD_AM : LD_PM;
    err = ld_school_add_mark(run->school, pupil, date, sid, code, present ? minutes : -1);
    if (err == LD_ERR_NOT_FOUND)
        return no_such_pupil(run, path, pupil);
    if (err == LD_ERR_DUPLICATE) {
        char d[LD_DATE_STRLEN];
        ld_date_format(date, d);
        return fail(run, "%s: a second mark for pupil %s on %s %s", path, quote(pupil, q, sizeof q),
                    d, session);
    }
    if (err == LD_ERR_RANGE)
        return fail(run, "marks: more than %d marks", LD_SCHOOL_MAX_RECORDS);
    return err;
}

/* Adds one element of arrivals to the core. */
static ld_err read_arrival(struct run *run, const cJSON *e, const char *path)
{
    char q[QUOTE_BUF];
    if (!cJSON_IsObject(e))
        return fail(run, "%s: not an object", path);
    const char *pupil, *at, *reason;
    ld_date date;
    ld_minute minute;
    ld_err err;
    if ((err = req_string(run, e, "pupil", path, &pupil)) ||
        (err = req_string(run, e, "at", path, &at)) ||
        (err = opt_string(run, e, "reason", path, &reason)))
        return err;
    if (!ld_datetime_parse(at, &date, &minute))
        return fail(run, "%s.at: not a time: %s", path, quote(at, q, sizeof q));
    err = ld_school_add_arrival(run->school, pupil, date, minute, reason);
    if (err == LD_ERR_NOT_FOUND)
        return no_such_pupil(run, path, pupil);
    if (err == LD_ERR_RANGE)
        return fail(run, "arrivals: more than %d arrivals", LD_SCHOOL_MAX_RECORDS);
    return err;
}

/* Reads every element of the array k with one of the readers above. */
static ld_err read_records(struct run *run, enum top_key k,
                           ld_err (*read)(struct run *, const cJSON *, const char *))
{
    struct walker w;
    const cJSON *e;
    bool present;
    ld_err err = walk_start(run, k, &w, &present);
    while (!err && present && !(err = walk_next(run, &w, &e)) && e) {
        char path[48];
        element_path(path, top_names[k], w.index++);
        err = read(run, e, path);
    }
    return err;
}

/*
 * Reads entry w->index of herringbone_for (parsed into *e) and finds the pupil: an input error
 * when it is not a string or names no pupil.
 */
static ld_err herringbone_entry(struct run *run, const cJSON *e, size_t index, const char **id)
{
    char path[40], q[QUOTE_BUF];
    snprintf(path, sizeof path, "herringbone_for[%zu]", index);
    ld_err err = string_item(run, e, path, id);
    if (!err && !ld_school_has_pupil(run->school, *id))
        return fail(run, "%s: no such pupil: %s", path, quote(*id, q, sizeof q));
    return err;
}

/* Checks herringbone_for before the analysis, so a bad entry is an input error. */
static ld_err check_herringbone_for(struct run *run)
{
    struct walker w;
    const cJSON *e;
    const char *id = NULL;
    bool present;
    ld_err err = walk_start(run, K_HERRINGBONE_FOR, &w, &present);
    while (!err && present && !(err = walk_next(run, &w, &e)) && e)
        err = herringbone_entry(run, e, w.index++, &id);
    return err;
}

/* Adds a number or null. */
static bool add_number_or_null(cJSON *obj, const char *key, bool has, double v)
{
    return has ? cJSON_AddNumberToObject(obj, key, v) != NULL
               : cJSON_AddNullToObject(obj, key) != NULL;
}

/* Adds a pupil's stage as the bands gave it: a name, a number, or null without a stage. */
static bool add_stage(const struct run *run, cJSON *o, const struct ld_pupil_result *p)
{
    if (!p->has_stage)
        return cJSON_AddNullToObject(o, "stage") != NULL;
    if (p->stage_label[0])
        return cJSON_AddStringToObject(o, "stage", p->stage_label) != NULL;
    double stage = run->nbands ? run->band_stage[p->band] : p->stage;
    return cJSON_AddNumberToObject(o, "stage", stage) != NULL;
}

static cJSON *pupil_json(const struct run *run, const struct ld_pupil_result *p)
{
    cJSON *o = cJSON_CreateObject(), *late, *pats;
    if (!o || !cJSON_AddStringToObject(o, "id", p->id) ||
        !cJSON_AddNumberToObject(o, "possible", p->attendance.possible) ||
        !cJSON_AddNumberToObject(o, "attended", p->attendance.attended) ||
        !add_number_or_null(o, "attendance_pct", p->attendance.has_pct, p->attendance.pct) ||
        !cJSON_AddBoolToObject(o, "persistent", p->attendance.persistent) ||
        !cJSON_AddBoolToObject(o, "severe", p->attendance.severe) || !add_stage(run, o, p) ||
        !cJSON_AddNumberToObject(o, "unknown", p->unknown) ||
        !(late = cJSON_AddObjectToObject(o, "late")) ||
        !cJSON_AddNumberToObject(late, "L", p->late_l) ||
        !cJSON_AddNumberToObject(late, "U", p->late_u) ||
        !cJSON_AddNumberToObject(late, "minutes", p->late_minutes) ||
        !(pats = cJSON_AddArrayToObject(o, "patterns")))
        goto fail;
    for (size_t k = 0; k < p->npatterns; k++) {
        const struct ld_pattern *pt = &p->patterns[k];
        cJSON *po = cJSON_CreateObject();
        if (!po)
            goto fail;
        cJSON_AddItemToArray(pats, po);
        if (!cJSON_AddStringToObject(po, "kind", ld_pattern_kind_name(pt->kind)))
            goto fail;
        if (pt->kind == LD_PAT_WEEKDAY &&
            !cJSON_AddStringToObject(po, "weekday", ld_weekday_short(pt->weekday)))
            goto fail;
        if (!cJSON_AddNumberToObject(po, "count", pt->count))
            goto fail;
        if ((pt->kind == LD_PAT_RISING || pt->kind == LD_PAT_IMPROVING) &&
            !cJSON_AddNumberToObject(po, "previous", pt->previous))
            goto fail;
        if (!cJSON_AddStringToObject(po, "detail", pt->detail))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *herringbone_json(const struct run *run, const char *id, size_t index)
{
    struct ld_herringbone h;
    cJSON *o = cJSON_CreateObject(), *weeks;
    if (!o || ld_result_herringbone(run->result, index, &h)) {
        cJSON_Delete(o);
        return NULL;
    }
    if (!cJSON_AddStringToObject(o, "pupil", id) || !(weeks = cJSON_AddArrayToObject(o, "weeks")))
        goto fail;
    for (size_t w = 0; w < h.nweeks; w++) {
        char d[LD_DATE_STRLEN];
        cJSON *wo = cJSON_CreateObject(), *cells;
        if (!wo)
            goto fail;
        cJSON_AddItemToArray(weeks, wo);
        ld_date_format(h.weeks[w].week_start, d);
        if (!cJSON_AddStringToObject(wo, "week_start", d) ||
            !(cells = cJSON_AddArrayToObject(wo, "sessions")))
            goto fail;
        for (int c = 0; c < 10; c++) {
            enum ld_code code = h.weeks[w].cells[c];
            cJSON *cell =
                code == LD_CODE_NONE ? cJSON_CreateNull() : cJSON_CreateString(ld_code_str(code));
            if (!cell)
                goto fail;
            cJSON_AddItemToArray(cells, cell);
        }
    }
    ld_herringbone_free(&h);
    return o;
fail:
    ld_herringbone_free(&h);
    cJSON_Delete(o);
    return NULL;
}

/* Adds the conflicts between marks and arrivals to the array list. */
static bool conflicts_json(const struct ld_result *r, cJSON *list)
{
    static const char *const names[2] = {"am", "pm"};
    for (size_t i = 0; i < ld_result_conflict_count(r); i++) {
        const struct ld_conflict *c = ld_result_conflict(r, i);
        char d[LD_DATE_STRLEN], at[24];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            return false;
        cJSON_AddItemToArray(list, o);
        ld_date_format(c->date, d);
        snprintf(at, sizeof at, "%02d:%02d", c->arrival / 60, c->arrival % 60);
        if (!cJSON_AddStringToObject(o, "pupil", c->pupil) ||
            !cJSON_AddStringToObject(o, "date", d) ||
            !cJSON_AddStringToObject(o, "session", names[c->session]) ||
            !cJSON_AddStringToObject(o, "mark", ld_code_str(c->mark)) ||
            !cJSON_AddStringToObject(o, "arrival", at) ||
            !cJSON_AddStringToObject(o, "arrival_code", ld_code_str(c->arrival_code)))
            return false;
    }
    return true;
}

/* Adds a herringbone for every entry of herringbone_for, read again one at a time. */
static ld_err herringbones_json(struct run *run, cJSON *list)
{
    struct walker w;
    const cJSON *e;
    const char *id = NULL;
    bool present;
    ld_err err = walk_start(run, K_HERRINGBONE_FOR, &w, &present);
    while (!err && present && !(err = walk_next(run, &w, &e)) && e &&
           !(err = herringbone_entry(run, e, w.index++, &id))) {
        long idx = ld_result_find(run->result, id);
        cJSON *h = idx < 0 ? NULL : herringbone_json(run, id, (size_t)idx);
        if (!h)
            return LD_ERR_NOMEM;
        cJSON_AddItemToArray(list, h);
    }
    return err;
}

static ld_err write_output(struct run *run, char **out)
{
    const struct ld_result *r = run->result;
    cJSON *root = cJSON_CreateObject(), *pupils, *calls, *classes, *hbs, *conflicts;
    ld_err err = LD_ERR_NOMEM;
    if (!root || !(pupils = cJSON_AddArrayToObject(root, "pupils")) ||
        !(calls = cJSON_AddArrayToObject(root, "call_order")) ||
        !(classes = cJSON_AddArrayToObject(root, "classes")) ||
        !(hbs = cJSON_AddArrayToObject(root, "herringbones")) ||
        !(conflicts = cJSON_AddArrayToObject(root, "conflicts")))
        goto out;
    for (size_t i = 0; i < ld_result_pupil_count(r); i++) {
        cJSON *p = pupil_json(run, ld_result_pupil(r, i));
        if (!p)
            goto out;
        cJSON_AddItemToArray(pupils, p);
    }
    for (size_t i = 0; i < ld_result_call_count(r); i++) {
        cJSON *s = cJSON_CreateString(ld_result_call(r, i)->id);
        if (!s)
            goto out;
        cJSON_AddItemToArray(calls, s);
    }
    for (size_t i = 0; i < ld_result_class_count(r); i++) {
        const struct ld_class_result *c = ld_result_class(r, i);
        cJSON *co = cJSON_CreateObject();
        if (!co)
            goto out;
        cJSON_AddItemToArray(classes, co);
        if (!cJSON_AddStringToObject(co, "class", c->name) ||
            !cJSON_AddNumberToObject(co, "pupils", c->pupils) ||
            !cJSON_AddNumberToObject(co, "late_sessions", c->late_sessions))
            goto out;
    }
    if ((err = herringbones_json(run, hbs)))
        goto out;
    err = LD_ERR_NOMEM;
    if (!conflicts_json(r, conflicts))
        goto out;
    *out = cJSON_PrintUnformatted(root);
    err = *out ? LD_OK : LD_ERR_NOMEM;
out:
    cJSON_Delete(root);
    return err;
}

ld_err ld_analyse_json(const char *text, size_t len, char **out, char *msg, size_t msglen)
{
    struct run run = {.msg = msg, .msglen = msglen, .text = text};
    ld_err err;
    *out = NULL;
    if (msglen)
        msg[0] = '\0';
    if (len > LD_ANALYSE_MAX_INPUT) {
        snprintf(msg, msglen, "input: larger than %u bytes", LD_ANALYSE_MAX_INPUT);
        return LD_ERR_RANGE;
    }
    if ((err = scan_document(&run, len)) || (err = read_as_of(&run)) ||
        (err = read_sessions(&run)) || (err = read_calendar(&run)))
        goto out;
    err = ld_school_create(run.cal, &run.sessions, &run.school);
    if (err || (err = read_rules(&run)) || (err = read_reasons(&run)) ||
        (err = read_pupils(&run)) || (err = read_records(&run, K_MARKS, read_mark)) ||
        (err = read_records(&run, K_ARRIVALS, read_arrival)) || (err = check_herringbone_for(&run)))
        goto out;
    cJSON_Delete(run.piece);
    run.piece = NULL;
    if ((err = ld_school_analyse_at(run.school, &run.when, &run.result)))
        goto out;
    err = write_output(&run, out);
out:
    if (err == LD_ERR_NOMEM)
        snprintf(msg, msglen, "input: out of memory");
    ld_result_destroy(run.result);
    ld_school_destroy(run.school);
    ld_calendar_destroy(run.cal);
    cJSON_Delete(run.piece);
    free(run.scratch);
    return err;
}
