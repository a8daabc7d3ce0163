/* calendar_file.c: reading and checking the half-terms and closed days of a calendar file. */
#include "calendar_file.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "utf8.h"

#define QUOTE_MAX 60

struct cal_parse {
    struct ld_calendar_file cal;
    size_t closed_alloc;
};

void ld_calendar_file_free(struct ld_calendar_file *cal)
{
    if (!cal)
        return;
    free(cal->terms);
    free(cal->closed);
    memset(cal, 0, sizeof *cal);
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

/* Parses the n bytes at s as exactly "YYYY-MM-DD". */
static bool parse_date_n(const char *s, size_t n, ld_date *out)
{
    char buf[LD_DATE_STRLEN];
    if (n != LD_DATE_STRLEN - 1)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return ld_date_parse(buf, out);
}

static ld_err on_term(struct cal_parse *cp, const char *key, const char *value, unsigned line,
                      char *problem, size_t plen)
{
    struct ld_calendar_file *cal = &cp->cal;
    char q[QUOTE_MAX * 4 + 8], d1[LD_DATE_STRLEN], d2[LD_DATE_STRLEN];
    size_t klen = strlen(key);
    if (klen == 0) {
        snprintf(problem, plen, "a term needs a name");
        return LD_ERR_INVALID;
    }
    if (klen > LD_TERM_NAME_MAX) {
        snprintf(problem, plen, "name longer than %d bytes", LD_TERM_NAME_MAX);
        return LD_ERR_RANGE;
    }
    if (ld_utf8_has_control(key, klen)) {
        snprintf(problem, plen, "name contains a control character");
        return LD_ERR_INVALID;
    }
    for (size_t i = 0; i < cal->term_count; i++) {
        if (!strcasecmp(cal->terms[i].name, key)) {
            snprintf(problem, plen, "given twice (first on line %u)", cal->terms[i].line);
            return LD_ERR_DUPLICATE;
        }
    }
    if (cal->term_count == LD_CALFILE_MAX_TERMS) {
        snprintf(problem, plen, "more than %d terms", LD_CALFILE_MAX_TERMS);
        return LD_ERR_RANGE;
    }
    const char *dots = strstr(value, "..");
    if (!dots) {
        snprintf(problem, plen, "expected \"YYYY-MM-DD .. YYYY-MM-DD\": %s",
                 ld_utf8_quote(q, sizeof q, value, strlen(value), QUOTE_MAX));
        return LD_ERR_INVALID;
    }
    size_t n1 = (size_t)(dots - value), n2 = strlen(dots + 2);
    const char *s1 = trim(value, &n1), *s2 = trim(dots + 2, &n2);
    ld_date start, end;
    const char *bad = NULL;
    size_t badn = 0;
    if (!parse_date_n(s1, n1, &start)) {
        bad = s1;
        badn = n1;
    } else if (!parse_date_n(s2, n2, &end)) {
        bad = s2;
        badn = n2;
    }
    if (bad) {
        snprintf(problem, plen, "not a date (YYYY-MM-DD): %s",
                 ld_utf8_quote(q, sizeof q, bad, badn, QUOTE_MAX));
        return LD_ERR_INVALID;
    }
    ld_date_format(start, d1);
    ld_date_format(end, d2);
    if (end < start) {
        snprintf(problem, plen, "ends (%s) before it starts (%s)", d2, d1);
        return LD_ERR_INVALID;
    }
    if (end - start + 1 > LD_CALFILE_TERM_MAX_DAYS) {
        snprintf(problem, plen, "%s .. %s is longer than %d weeks: is a year wrong?", d1, d2,
                 LD_CALFILE_TERM_MAX_DAYS / 7);
        return LD_ERR_INVALID;
    }
    if (cal->term_count > 0) {
        const struct ld_calfile_term *prev = &cal->terms[cal->term_count - 1];
        if (start <= prev->end) {
            char pe[LD_DATE_STRLEN];
            ld_date_format(prev->end, pe);
            snprintf(problem, plen,
                     "starts %s, not after %s (line %u) ends on %s: terms go in date order and "
                     "must not overlap",
                     d1, prev->name, prev->line, pe);
            return LD_ERR_INVALID;
        }
        if (end - cal->terms[0].start >= LD_CALENDAR_MAX_SPAN_DAYS) {
            snprintf(problem, plen, "the terms span more than %d days", LD_CALENDAR_MAX_SPAN_DAYS);
            return LD_ERR_RANGE;
        }
    }
    if (!cal->terms) {
        cal->terms = calloc(LD_CALFILE_MAX_TERMS, sizeof *cal->terms);
        if (!cal->terms) {
            snprintf(problem, plen, "out of memory");
            return LD_ERR_NOMEM;
        }
    }
    struct ld_calfile_term *t = &cal->terms[cal->term_count++];
    snprintf(t->name, sizeof t->name, "%s", key);
    t->start = start;
    t->end = end;
    t->line = line;
    return LD_OK;
}

static ld_err on_closed(struct cal_parse *cp, const char *key, const char *value, unsigned line,
                        char *problem, size_t plen)
{
    struct ld_calendar_file *cal = &cp->cal;
    char q[QUOTE_MAX * 4 + 8];
    ld_date date;
    if (!ld_date_parse(key, &date)) {
        snprintf(problem, plen, "not a date (YYYY-MM-DD)");
        return LD_ERR_INVALID;
    }
    size_t vlen = strlen(value);
    if (vlen > LD_CALFILE_LABEL_MAX) {
        snprintf(problem, plen, "label longer than %d bytes", LD_CALFILE_LABEL_MAX);
        return LD_ERR_RANGE;
    }
    if (ld_utf8_has_control(value, vlen)) {
        snprintf(problem, plen, "label contains a control character: %s",
                 ld_utf8_quote(q, sizeof q, value, vlen, QUOTE_MAX));
        return LD_ERR_INVALID;
    }
    for (size_t i = 0; i < cal->closed_count; i++) {
        if (cal->closed[i].date == date) {
            snprintf(problem, plen, "given twice (first on line %u)", cal->closed[i].line);
            return LD_ERR_DUPLICATE;
        }
    }
    if (cal->closed_count == LD_CALFILE_MAX_CLOSED) {
        snprintf(problem, plen, "more than %d closed days", LD_CALFILE_MAX_CLOSED);
        return LD_ERR_RANGE;
    }
    if (cal->closed_count == cp->closed_alloc) {
        size_t n = cp->closed_alloc ? cp->closed_alloc * 2 : 16;
        if (n > LD_CALFILE_MAX_CLOSED)
            n = LD_CALFILE_MAX_CLOSED;
        void *p = realloc(cal->closed, n * sizeof *cal->closed);
        if (!p) {
            snprintf(problem, plen, "out of memory");
            return LD_ERR_NOMEM;
        }
        cal->closed = p;
        cp->closed_alloc = n;
    }
    struct ld_calfile_closed *c = &cal->closed[cal->closed_count++];
    memset(c, 0, sizeof *c);
    c->date = date;
    snprintf(c->label, sizeof c->label, "%s", value);
    c->line = line;
    return LD_OK;
}

static ld_err on_value(void *user, const char *section, const char *key, const char *value,
                       unsigned line, char *problem, size_t plen)
{
    struct cal_parse *cp = user;
    if (!section[0]) {
        snprintf(problem, plen, "outside any [section]");
        return LD_ERR_INVALID;
    }
    if (!strcasecmp(section, "terms"))
        return on_term(cp, key, value, line, problem, plen);
    if (!strcasecmp(section, "closed"))
        return on_closed(cp, key, value, line, problem, plen);
    snprintf(problem, plen, "unknown section [%s] (a calendar has [terms] and [closed])", section);
    return LD_ERR_INVALID;
}

static int by_date(const void *a, const void *b)
{
    const struct ld_calfile_closed *x = a, *y = b;
    return (x->date > y->date) - (x->date < y->date);
}

/* Parses len bytes of text called name into *out, which is left empty on failure. */
static ld_err parse(const char *text, size_t len, const char *name, struct ld_calendar_file *out,
                    char *msg, size_t msglen)
{
    struct cal_parse cp = {0};
    ld_err err = ld_config__ini_parse(text, len, name, on_value, &cp, msg, msglen);
    if (err)
        goto out;
    if (cp.cal.term_count == 0) {
        ld_config__errf(msg, msglen, name, 0, "no terms: a calendar needs a [terms] section");
        err = LD_ERR_INVALID;
        goto out;
    }
    /* a closed day a year from every term is a mistyped year (2062 for 2026, 1926) */
    for (size_t i = 0; i < cp.cal.closed_count; i++) {
        const struct ld_calfile_closed *d = &cp.cal.closed[i];
        ld_date first = cp.cal.terms[0].start, last = cp.cal.terms[cp.cal.term_count - 1].end;
        if (d->date > first - LD_CALFILE_CLOSED_MARGIN_DAYS &&
            d->date < last + LD_CALFILE_CLOSED_MARGIN_DAYS)
            continue;
        char ds[LD_DATE_STRLEN], a[LD_DATE_STRLEN], z[LD_DATE_STRLEN];
        ld_date_format(d->date, ds);
        ld_date_format(first, a);
        ld_date_format(last, z);
        ld_config__errf(msg, msglen, name, d->line,
                        "closed.%s: a year or more from the terms (%s .. %s): is a year wrong?", ds,
                        a, z);
        err = LD_ERR_INVALID;
        goto out;
    }
    if (cp.cal.closed_count > 1)
        qsort(cp.cal.closed, cp.cal.closed_count, sizeof *cp.cal.closed, by_date);
out:
    if (err)
        ld_calendar_file_free(&cp.cal);
    *out = cp.cal;
    return err;
}

ld_err ld_calendar_file_parse_string(const char *text, const char *name,
                                     struct ld_calendar_file *out, char *msg, size_t msglen)
{
    if (!name)
        name = "(calendar)";
    if (out)
        memset(out, 0, sizeof *out);
    if (!text || !out) {
        ld_config__errf(msg, msglen, name, 0, "no text to parse");
        return LD_ERR_INVALID;
    }
    size_t len = strlen(text);
    if (len > LD_CALFILE_MAX_BYTES) {
        ld_config__errf(msg, msglen, name, 0, "larger than %d bytes", LD_CALFILE_MAX_BYTES);
        return LD_ERR_RANGE;
    }
    return parse(text, len, name, out, msg, msglen);
}

ld_err ld_calendar_file_load(const char *path, struct ld_calendar_file *out, char *msg,
                             size_t msglen)
{
    char *text = NULL;
    size_t len = 0;
    if (out)
        memset(out, 0, sizeof *out);
    if (!path || !out) {
        ld_config__errf(msg, msglen, "(calendar)", 0, "no file to read");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_config__read_file(path, LD_CALFILE_MAX_BYTES, &text, &len, msg, msglen);
    if (!err)
        err = parse(text, len, path, out, msg, msglen);
    free(text);
    return err;
}

ld_err ld_calendar_file_build(const struct ld_calendar_file *cal, const char *name,
                              struct ld_calendar **out, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct ld_term *terms = NULL;
    ld_date *closed = NULL;
    if (!name)
        name = "(calendar)";
    *out = NULL;
    terms = calloc(cal->term_count ? cal->term_count : 1, sizeof *terms);
    closed = calloc(cal->closed_count ? cal->closed_count : 1, sizeof *closed);
    if (!terms || !closed) {
        ld_config__errf(msg, msglen, name, 0, "out of memory");
        err = LD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < cal->term_count; i++) {
        terms[i].name = cal->terms[i].name;
        terms[i].start = cal->terms[i].start;
        terms[i].end = cal->terms[i].end;
    }
    for (size_t i = 0; i < cal->closed_count; i++)
        closed[i] = cal->closed[i].date;
    struct ld_calendar_problem why = {0};
    err = ld_calendar_create(terms, cal->term_count, closed, cal->closed_count, out, &why);
    if (err) {
        *out = NULL;
        if (err == LD_ERR_INVALID && why.term < cal->term_count)
            ld_config__errf(msg, msglen, name, cal->terms[why.term].line, "terms.%s: %s: %s",
                            cal->terms[why.term].name, why.field ? why.field : "?",
                            why.problem ? why.problem : "invalid");
        else
            ld_config__errf(msg, msglen, name, 0, "cannot build the calendar: %s", ld_err_str(err));
    }
out:
    free(terms);
    free(closed);
    return err;
}
