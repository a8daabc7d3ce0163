/* mis_import.c: reading the MIS's attendance marks (CSV, via libcsv), strictly, all or nothing. */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ld_codes.h"
#include "office.h"
#include "upn.h"
#include "utf8.h"

#define MAX_COLUMNS 128
#define CELL_MAX    64 /* bytes kept of a cell: every value is far shorter */

enum col { C_UPN, C_DATE, C_SESSION, C_CODE, C_MINUTES, C__COUNT };

static const char *const col_names[C__COUNT] = {"UPN", "Date", "Session", "Code", "Minutes"};
static const char *const aliases[C__COUNT][5] = {
    [C_UPN] = {"upn", "uniquepupilnumber", NULL},
    [C_DATE] = {"date", NULL},
    [C_SESSION] = {"session", "am/pm", "ampm", NULL},
    [C_CODE] = {"code", "mark", "attendancecode", NULL},
    [C_MINUTES] = {"minutes", "minuteslate", "minslate", "mins", NULL},
};

struct parse {
    const char *name;
    const struct ld_roster *roster;
    unsigned line;     /* the line being fed */
    unsigned row_line; /* the line the current row started on */
    size_t row;        /* 0: the header */
    int ncols;         /* cells of the header */
    int cell;          /* cell index in the current row */
    int where[C__COUNT];
    char cells[C__COUNT][CELL_MAX + 1];
    bool too_long[C__COUNT];
    struct ld_central_mark *marks;
    unsigned *lines;
    size_t n, cap;
    ld_err err;
    char *msg;
    size_t msglen;
};

static void failf(struct parse *p, ld_err err, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void failf(struct parse *p, ld_err err, int col, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    if (p->err)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (col >= 0)
        snprintf(p->msg, p->msglen, "%s:%u:%d (%s): %s", p->name, p->row_line, p->where[col] + 1,
                 col_names[col], text);
    else
        snprintf(p->msg, p->msglen, "%s:%u: %s", p->name, p->row_line, text);
    p->err = err;
}

static void norm(const char *s, size_t len, char *out, size_t outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < outlen; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '_' || ch == '-' || ch == '\t')
            continue;
        out[k++] = (char)tolower((unsigned char)ch);
    }
    out[k] = 0;
}

static void on_cell(void *s, size_t len, void *data)
{
    struct parse *p = data;
    if (p->err)
        return;
    if (!ld_utf8_valid(s, len) || ld_utf8_has_control(s, len)) {
        failf(p, LD_ERR_INVALID, -1, "column %d: not UTF-8 text without control characters",
              p->cell + 1);
        return;
    }
    if (p->row == 0) {
        char key[CELL_MAX + 1];
        if (p->cell >= MAX_COLUMNS) {
            failf(p, LD_ERR_RANGE, -1, "more than %d columns", MAX_COLUMNS);
            return;
        }
        norm(s, len, key, sizeof key);
        for (int c = 0; c < C__COUNT; c++)
            for (int a = 0; aliases[c][a]; a++)
                if (!strcmp(key, aliases[c][a])) {
                    if (p->where[c] >= 0) {
                        failf(p, LD_ERR_DUPLICATE, -1, "columns %d and %d are both %s",
                              p->where[c] + 1, p->cell + 1, col_names[c]);
                        return;
                    }
                    p->where[c] = p->cell;
                }
    } else {
        for (int c = 0; c < C__COUNT; c++)
            if (p->where[c] == p->cell) {
                p->too_long[c] = len > CELL_MAX;
                snprintf(p->cells[c], sizeof p->cells[c], "%.*s",
                         (int)(len > CELL_MAX ? CELL_MAX : len), (const char *)s);
            }
    }
    p->cell++;
}

static bool parse_date(const char *s, ld_date *out)
{
    int d, m, y;
    char tail;
    if (ld_date_parse(s, out))
        return true;
    if (strlen(s) == 10 && sscanf(s, "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3 && s[2] == '/' &&
        s[5] == '/' && ld_date_valid(y, m, d)) {
        *out = ld_date_from_ymd(y, m, d);
        return true;
    }
    return false;
}

static bool on_roster(const struct ld_roster *r, const char *upn)
{
    for (size_t i = 0; i < r->count; i++)
        if (!strcmp(r->pupils[i].upn, upn))
            return true;
    return false;
}

static void take_row(struct parse *p)
{
    struct ld_central_mark m = {0};
    char *upn = p->cells[C_UPN];
    for (int c = 0; c < C__COUNT; c++)
        if (p->too_long[c]) {
            failf(p, LD_ERR_RANGE, c, "longer than %d bytes", CELL_MAX);
            return;
        }
    for (char *q = upn; *q; q++)
        *q = (char)toupper((unsigned char)*q);
    if (ld_upn_check(upn, NULL) == LD_UPN_MALFORMED) {
        failf(p, LD_ERR_INVALID, C_UPN, "\"%.20s\" is not a UPN (a letter and 12 digits)", upn);
        return;
    }
    if (p->roster && !on_roster(p->roster, upn)) {
        failf(p, LD_ERR_NOT_FOUND, C_UPN, "%s is not on the school's roster", upn);
        return;
    }
    memcpy(m.upn, upn, LD_UPN_LEN); /* ld_upn_check: exactly 13 characters */
    if (!parse_date(p->cells[C_DATE], &m.date)) {
        failf(p, LD_ERR_INVALID, C_DATE, "\"%.20s\" is not a date (YYYY-MM-DD or DD/MM/YYYY)",
              p->cells[C_DATE]);
        return;
    }
    const char *sess = p->cells[C_SESSION];
    if (!strcasecmp(sess, "am"))
        m.session = 0;
    else if (!strcasecmp(sess, "pm"))
        m.session = 1;
    else {
        failf(p, LD_ERR_INVALID, C_SESSION, "\"%.20s\" is not AM or PM", sess);
        return;
    }
    enum ld_code code;
    if (!ld_code_parse(p->cells[C_CODE], &code)) {
        failf(p, LD_ERR_INVALID, C_CODE, "\"%.20s\" is not an attendance code of the 2024 table",
              p->cells[C_CODE]);
        return;
    }
    memcpy(m.code, p->cells[C_CODE], strlen(p->cells[C_CODE]) + 1); /* a code: 1 or 2 bytes */
    m.minutes = -1;
    const char *mins = p->cells[C_MINUTES];
    if (mins[0]) {
        char *end;
        errno = 0;
        long v = strtol(mins, &end, 10);
        if (!isdigit((unsigned char)mins[0]) || *end || errno || v > 1440) {
            failf(p, LD_ERR_INVALID, C_MINUTES, "\"%.20s\" is not whole minutes from 0 to 1440",
                  mins);
            return;
        }
        m.minutes = (int)v;
    }
    if (p->n >= LD_CENTRAL_MARKS_BATCH_MAX) {
        failf(p, LD_ERR_RANGE, -1, "more than %d marks in one file", LD_CENTRAL_MARKS_BATCH_MAX);
        return;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        struct ld_central_mark *nm = realloc(p->marks, cap * sizeof *nm);
        unsigned *nl = nm ? realloc(p->lines, cap * sizeof *nl) : NULL;
        if (nm)
            p->marks = nm;
        if (!nl) {
            failf(p, LD_ERR_NOMEM, -1, "out of memory");
            return;
        }
        p->lines = nl;
        p->cap = cap;
    }
    p->lines[p->n] = p->row_line;
    p->marks[p->n++] = m;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct parse *p = data;
    if (p->err)
        return;
    if (p->row == 0) {
        p->ncols = p->cell;
        for (int k = 0; k < C__COUNT; k++)
            if (p->where[k] < 0 && k != C_MINUTES) {
                failf(p, LD_ERR_INVALID, -1, "header: no %s column", col_names[k]);
                return;
            }
    } else {
        bool blank = true;
        for (int k = 0; k < C__COUNT; k++)
            blank = blank && !p->cells[k][0];
        if (!blank && p->cell != p->ncols) {
            failf(p, LD_ERR_INVALID, -1, "%d cells where the header has %d", p->cell, p->ncols);
            return;
        }
        if (!blank)
            take_row(p);
    }
    memset(p->cells, 0, sizeof p->cells);
    memset(p->too_long, 0, sizeof p->too_long);
    p->cell = 0;
    p->row++;
    p->row_line = p->line + 1;
}

static int mark_cmp(const void *a, const void *b, void *ctx)
{
    const struct ld_central_mark *m = ctx;
    const struct ld_central_mark *x = &m[*(const size_t *)a], *y = &m[*(const size_t *)b];
    int c = strcmp(x->upn, y->upn);
    if (c)
        return c;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->session != y->session)
        return x->session - y->session;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

ld_err ld_mis_marks_parse_buffer(const char *data, size_t len, const char *name,
                                 const struct ld_roster *roster, struct ld_central_mark **out,
                                 size_t *n, char *msg, size_t msglen)
{
    struct csv_parser cp;
    struct parse p = {
        .name = name, .roster = roster, .line = 1, .row_line = 1, .msg = msg, .msglen = msglen};
    for (int c = 0; c < C__COUNT; c++)
        p.where[c] = -1;
    *out = NULL;
    *n = 0;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(msg, msglen, "%s: out of memory", name);
        return LD_ERR_NOMEM;
    }
    /* fed a line at a time, so that every message can name its line */
    size_t pos = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (!p.err && pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        if (end - pos > LD_MIS_ROW_MAX) {
            p.row_line = p.line;
            failf(&p, LD_ERR_RANGE, -1, "a line longer than %d bytes", LD_MIS_ROW_MAX);
            break;
        }
        if (csv_parse(&cp, data + pos, end - pos, on_cell, on_row, &p) != end - pos && !p.err) {
            failf(&p, LD_ERR_INVALID, -1, "not CSV: %s", csv_strerror(csv_error(&cp)));
            break;
        }
        pos = end;
        p.line++;
    }
    if (!p.err && csv_fini(&cp, on_cell, on_row, &p) != 0)
        failf(&p, LD_ERR_INVALID, -1, "not CSV: %s", csv_strerror(csv_error(&cp)));
    csv_free(&cp);
    if (!p.err && p.row == 0) {
        p.row_line = 1;
        failf(&p, LD_ERR_INVALID, -1, "empty: no header row");
    }
    /* one mark per pupil, date and session */
    if (!p.err && p.n > 1) {
        size_t *idx = calloc(p.n, sizeof *idx);
        if (!idx)
            failf(&p, LD_ERR_NOMEM, -1, "out of memory");
        for (size_t i = 0; idx && i < p.n; i++)
            idx[i] = i;
        if (idx)
            qsort_r(idx, p.n, sizeof *idx, mark_cmp, p.marks);
        for (size_t i = 1; idx && !p.err && i < p.n; i++) {
            const struct ld_central_mark *a = &p.marks[idx[i - 1]], *b = &p.marks[idx[i]];
            if (!strcmp(a->upn, b->upn) && a->date == b->date && a->session == b->session) {
                char ds[LD_DATE_STRLEN];
                ld_date_format(a->date, ds);
                snprintf(msg, msglen, "%s:%u: %s %s %s is given again (first on line %u)", name,
                         p.lines[idx[i]], a->upn, ds, a->session ? "PM" : "AM",
                         p.lines[idx[i - 1]]);
                p.err = LD_ERR_DUPLICATE;
            }
        }
        free(idx);
    }
    free(p.lines);
    if (p.err) {
        free(p.marks);
        return p.err;
    }
    *out = p.marks;
    *n = p.n;
    return LD_OK;
}

ld_err ld_mis_marks_parse_csv(const char *path, const struct ld_roster *roster,
                              struct ld_central_mark **out, size_t *n, char *msg, size_t msglen)
{
    char *text = NULL;
    size_t len = 0;
    ld_err err = ld_config__read_file(path, LD_MIS_FILE_MAX, &text, &len, msg, msglen);
    if (err)
        return err;
    err = ld_mis_marks_parse_buffer(text, len, path, roster, out, n, msg, msglen);
    free(text);
    return err;
}
