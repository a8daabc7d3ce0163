/* roster_csv.c: reading an MIS roster export (CSV, via libcsv) into a checked struct ld_roster. */
#include "roster.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ld_flags.h"
#include "upn.h"
#include "utf8.h"

#define MAX_COLUMNS 256 /* cells of the header row */
#define CELL_MAX    128 /* bytes kept of a cell; every field's cap is below it */
#define HEAD_MAX    48  /* bytes kept of a header cell for messages */
#define QUOTE_MAX   40  /* bytes of a value quoted in a message */
#define CHUNK       65536

enum field {
    F_UPN,
    F_FIRST,
    F_LAST,
    F_PFIRST,
    F_PLAST,
    F_YEAR,
    F_CLASS,
    F_FAMILY,
    F_FLAGS,
    F_CARD,
    F_ADMITTED,
    F_LEFT,
    F__COUNT
};

/* Header spellings, lower case with blanks, '_' and '-' taken out. */
static const char *const a_upn[] = {"upn", "uniquepupilnumber", NULL};
static const char *const a_first[] = {"legalforename",  "forename",  "firstname", "legalfirstname",
                                      "legalforenames", "forenames", NULL};
static const char *const a_last[] = {"legalsurname", "surname", "lastname", "legallastname", NULL};
static const char *const a_pfirst[] = {"preferredforename",  "preferredfirstname", "knownas",
                                       "preferredforenames", "preferredname",      NULL};
/* Of a_first and a_last, the spellings that do not say "legal" (see on_header). */
static const char *const plain_names[] = {"forename", "firstname", "forenames",
                                          "surname",  "lastname",  NULL};
static const char *const a_plast[] = {"preferredsurname", "preferredlastname", NULL};
static const char *const a_year[] = {"year", "yeargroup", "ncyear", NULL};
static const char *const a_class[] = {"reggroup", "registrationgroup", "class",
                                      "form",     "registrationform",  NULL};
static const char *const a_family[] = {"family", "familyid", NULL};
static const char *const a_flags[] = {"flags", "vulnerability", NULL};
static const char *const a_card[] = {"card", "carduid", "cardnumber", NULL};
static const char *const a_admitted[] = {
    "admissiondate", "dateofadmission", "startdate", "entrydate", "dateofentry", "admitted", NULL};
static const char *const a_left[] = {"dateofleaving", "leavingdate", "leavedate", "dateleft",
                                     "enddate",       "left",        NULL};

static const struct {
    const char *what; /* for messages */
    const char *hint; /* the usual spellings, for messages */
    const char *const *aliases;
    size_t cap; /* bytes */
    bool required;
} fields[F__COUNT] = {
    [F_UPN] = {"UPN", "\"UPN\" or \"Unique Pupil Number\"", a_upn, LD_UPN_LEN, true},
    [F_FIRST] = {"legal first name",
                 "\"Legal Forename\", \"Forename\", \"First Name\" or \"Legal First Name\"",
                 a_first, LD_NAME_MAX, true},
    [F_LAST] = {"legal surname", "\"Legal Surname\", \"Surname\" or \"Last Name\"", a_last,
                LD_NAME_MAX, true},
    [F_PFIRST] = {"preferred first name",
                  "\"Preferred Forename\", \"Preferred Name\" or \"Known As\"", a_pfirst,
                  LD_NAME_MAX, false},
    [F_PLAST] = {"preferred surname", "\"Preferred Surname\"", a_plast, LD_NAME_MAX, false},
    [F_YEAR] = {"year group", "\"Year\", \"Year Group\" or \"NC Year\"", a_year, LD_YEAR_MAX,
                false},
    [F_CLASS] = {"registration group",
                 "\"Reg Group\", \"Registration Group\", \"Class\" or \"Form\"", a_class,
                 LD_CLASS_MAX, true},
    [F_FAMILY] = {"family", "\"Family\" or \"Family ID\"", a_family, LD_FAMILY_MAX, false},
    [F_FLAGS] = {"flags", "\"Flags\" or \"Vulnerability\"", a_flags, 64, false},
    [F_CARD] = {"card UID", "\"Card\", \"Card UID\" or \"Card Number\"", a_card, 64, false},
    [F_ADMITTED] = {"admission date", "\"Admission Date\" or \"Start Date\"", a_admitted, 32,
                    false},
    [F_LEFT] = {"leaving date", "\"Date of Leaving\" or \"Leaving Date\"", a_left, 32, false},
};

/* An open-addressing set of pupil indexes (+1; 0 is empty), for finding duplicates. */
struct index {
    uint32_t *slot;
    size_t size; /* a power of two, or 0 */
    size_t used;
};

struct run {
    const char *name;
    struct csv_parser parser;
    bool parser_ready;

    /* Where we are: bytes and physical lines read, and the row being read. */
    size_t bytes;
    unsigned line;
    bool prev_cr;
    bool in_row;
    unsigned row_line;
    size_t row_bytes;

    /* The header. */
    bool have_header;
    size_t ncols;
    signed char col_field[MAX_COLUMNS]; /* field of each column, -1: ignored */
    unsigned field_col[F__COUNT];       /* 1-based column of each field, 0: absent */
    char head[F__COUNT][HEAD_MAX];
    bool plain[F__COUNT];    /* the column found for the field is a plain "First Name" */
    bool stand_in[F__COUNT]; /* a preferred name given by a plain column, until a real one */
    bool card_decimal;       /* the card column is "Card Number": digits are decimal */

    /* The row being read. */
    size_t col;
    bool row_nonempty;
    struct {
        char s[CELL_MAX + 1];
        size_t len; /* the whole cell's length, which may be over CELL_MAX */
    } cell[F__COUNT];

    /* What we produce. */
    struct ld_roster roster;
    size_t alloc;
    struct ld_roster_warnings *warn;
    struct index by_upn, by_card;

    ld_err err;
    char *msg;
    size_t msglen;
};

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void fail(struct run *r, ld_err err, unsigned line, const char *fmt, ...) PRINTF_LIKE(4, 5);
static void fail_cell(struct run *r, ld_err err, enum field f, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* Records the first error of the run as "name:line: text" ("name: text" when line is 0). */
static void fail(struct run *r, ld_err err, unsigned line, const char *fmt, ...)
{
    if (r->err)
        return;
    r->err = err;
    if (!r->msg || r->msglen == 0)
        return;
    int n = line ? snprintf(r->msg, r->msglen, "%s:%u: ", r->name, line)
                 : snprintf(r->msg, r->msglen, "%s: ", r->name);
    if (n < 0 || (size_t)n >= r->msglen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg + n, r->msglen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* As fail, for a cell of the current row: "name:line: column N (Header): ...". */
static void fail_cell(struct run *r, ld_err err, enum field f, const char *fmt, ...)
{
    char text[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fail(r, err, r->row_line, "column %u (%s): %s", r->field_col[f], r->head[f], text);
}

static void warn_cell(struct run *r, enum field f, const char *text)
{
    struct ld_roster_warnings *w = r->warn;
    if (!w)
        return;
    if (w->count == LD_ROSTER_MAX_WARNINGS) {
        w->dropped++;
        return;
    }
    if (!w->items) {
        w->items = calloc(LD_ROSTER_MAX_WARNINGS, sizeof *w->items);
        if (!w->items) {
            fail(r, LD_ERR_NOMEM, 0, "out of memory");
            return;
        }
    }
    struct ld_roster_warning *it = &w->items[w->count++];
    it->line = r->row_line;
    snprintf(it->text, sizeof it->text, "%s:%u: column %u (%s): %s", r->name, r->row_line,
             r->field_col[f], r->head[f], text);
}

/* ---- duplicates ----------------------------------------------------------------------------- */

typedef const void *(*key_fn)(const struct ld_roster_pupil *p, size_t *len);

static const void *upn_key(const struct ld_roster_pupil *p, size_t *len)
{
    *len = strlen(p->upn);
    return p->upn;
}

static const void *card_key(const struct ld_roster_pupil *p, size_t *len)
{
    *len = p->card.len;
    return p->card.bytes;
}

static size_t hash(const void *key, size_t len)
{
    const unsigned char *k = key;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ k[i]) * 16777619u;
    return h;
}

/*
 * Adds pupil i to ix unless an earlier pupil has the same key: then writes that pupil's index
 * to *dup and returns LD_ERR_DUPLICATE.
 */
static ld_err index_add(struct index *ix, const struct ld_roster_pupil *pupils, size_t i,
                        key_fn key, size_t *dup)
{
    if ((ix->used + 1) * 2 > ix->size) {
        size_t size = ix->size ? ix->size * 2 : 1024;
        uint32_t *slot = calloc(size, sizeof *slot);
        if (!slot)
            return LD_ERR_NOMEM;
        for (size_t s = 0; s < ix->size; s++) {
            if (!ix->slot[s])
                continue;
            size_t len;
            const void *k = key(&pupils[ix->slot[s] - 1], &len);
            size_t h = hash(k, len) & (size - 1);
            while (slot[h])
                h = (h + 1) & (size - 1);
            slot[h] = ix->slot[s];
        }
        free(ix->slot);
        ix->slot = slot;
        ix->size = size;
    }
    size_t len;
    const void *k = key(&pupils[i], &len);
    size_t h = hash(k, len) & (ix->size - 1);
    while (ix->slot[h]) {
        size_t olen;
        const void *o = key(&pupils[ix->slot[h] - 1], &olen);
        if (olen == len && !memcmp(o, k, len)) {
            *dup = ix->slot[h] - 1;
            return LD_ERR_DUPLICATE;
        }
        h = (h + 1) & (ix->size - 1);
    }
    ix->slot[h] = (uint32_t)(i + 1);
    ix->used++;
    return LD_OK;
}

/* ---- cells ---------------------------------------------------------------------------------- */

/* Lower-cases ASCII and drops blanks, '_' and '-', for matching header spellings. */
static void normalise_header(const char *s, size_t len, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < outlen; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '_' || c == '-')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[o++] = c;
    }
    out[o] = '\0';
}

static int header_field(const char *cell, size_t len)
{
    char norm[64];
    if (len >= sizeof norm)
        return -1;
    normalise_header(cell, len, norm, sizeof norm);
    for (int f = 0; f < F__COUNT; f++)
        for (const char *const *a = fields[f].aliases; *a; a++)
            if (!strcmp(norm, *a))
                return f;
    return -1;
}

/* Trims ASCII blanks from both ends of s[0..*n), returning the new start. */
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

/* Gives column c (0-based, header text t of n bytes) to field f. */
static void give_column(struct run *r, size_t c, int f, const char *t, size_t n, bool plain)
{
    r->col_field[c] = (signed char)f;
    r->field_col[f] = (unsigned)c + 1;
    r->plain[f] = plain;
    r->stand_in[f] = false;
    snprintf(r->head[f], sizeof r->head[f], "%.*s", (int)n, t);
}

/*
 * Reads header cell c. A file may give both "First Name" and "Legal First Name" (Arbor) or
 * "Surname" and "Legal Surname": the legal column gives the legal name, and the plain one is
 * the name used day to day, so it stands in for the preferred name unless the file has a
 * preferred column too. Any other field given twice is refused, naming both columns.
 */
static void on_header(struct run *r, size_t c, const char *s, size_t len)
{
    char norm[64] = "";
    size_t n = len;
    const char *t = trim(s, &n);
    int f = header_field(t, n);
    r->col_field[c] = -1;
    if (f < 0)
        return;
    if (n < sizeof norm)
        normalise_header(t, n, norm, sizeof norm);
    bool plain = false;
    for (const char *const *a = plain_names; *a; a++)
        plain = plain || !strcmp(norm, *a);
    if (f == F_CARD)
        r->card_decimal = !strcmp(norm, "cardnumber");
    int pref = f == F_FIRST ? F_PFIRST : f == F_LAST ? F_PLAST : -1;
    if (r->field_col[f] && pref >= 0 && plain != r->plain[f]) {
        size_t plain_col = plain ? c : r->field_col[f] - 1;
        char plain_head[HEAD_MAX];
        snprintf(plain_head, sizeof plain_head, "%s", plain ? "" : r->head[f]);
        if (!plain) /* this legal column takes the legal name over */
            give_column(r, c, f, t, n, false);
        r->col_field[plain_col] = -1;
        if (!r->field_col[pref]) {
            if (plain)
                give_column(r, plain_col, pref, t, n, true);
            else
                give_column(r, plain_col, pref, plain_head, strlen(plain_head), true);
            r->stand_in[pref] = true;
        }
        return;
    }
    if (r->field_col[f] && r->stand_in[f]) { /* a real preferred column after a stand-in */
        r->col_field[r->field_col[f] - 1] = -1;
        give_column(r, c, f, t, n, false);
        return;
    }
    if (r->field_col[f]) {
        fail(r, LD_ERR_INVALID, r->row_line,
             "header: column %zu (%.*s) gives the %s, which column %u (%s) gives already", c + 1,
             (int)n, t, fields[f].what, r->field_col[f], r->head[f]);
        return;
    }
    give_column(r, c, f, t, n, plain);
}

static void on_cell(void *data, size_t len, void *user)
{
    struct run *r = user;
    const char *s = data ? data : "";
    if (r->err)
        return;
    size_t c = r->col++;
    if (!r->have_header) {
        if (c >= MAX_COLUMNS) {
            if (c == MAX_COLUMNS)
                fail(r, LD_ERR_RANGE, r->row_line, "header: more than %d columns", MAX_COLUMNS);
            return;
        }
        on_header(r, c, s, len);
        return;
    }
    if (len > 0)
        r->row_nonempty = true;
    if (c >= r->ncols || r->col_field[c] < 0)
        return;
    int f = r->col_field[c];
    memcpy(r->cell[f].s, s, len < CELL_MAX ? len : CELL_MAX);
    r->cell[f].s[len < CELL_MAX ? len : CELL_MAX] = '\0';
    r->cell[f].len = len;
}

static void finish_header(struct run *r)
{
    r->have_header = true;
    r->ncols = r->col;
    bool any = false;
    for (int f = 0; f < F__COUNT; f++)
        any = any || (fields[f].required && r->field_col[f]);
    if (!any) {
        fail(r, LD_ERR_INVALID, r->row_line,
             "the first row must be a header naming the columns: UPN, Forename, Surname, "
             "Reg Group, ...");
        return;
    }
    for (int f = 0; f < F__COUNT; f++) {
        if (fields[f].required && !r->field_col[f]) {
            fail(r, LD_ERR_INVALID, r->row_line, "header: no %s column (a header such as %s)",
                 fields[f].what, fields[f].hint);
            return;
        }
    }
}

/* Checks a text cell (valid UTF-8, no controls) and copies it into out (cap + 1 bytes). */
static bool take_text(struct run *r, enum field f, const char *s, size_t n, char *out)
{
    if (n > fields[f].cap) {
        fail_cell(r, LD_ERR_RANGE, f, "longer than %zu bytes", fields[f].cap);
        return false;
    }
    if (n == 0 && fields[f].required) {
        fail_cell(r, LD_ERR_INVALID, f, "empty, and a pupil needs one");
        return false;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

static bool take_upn(struct run *r, const char *s, size_t n, struct ld_roster_pupil *p)
{
    char q[QUOTE_MAX * 4 + 8];
    if (n == 0) {
        fail_cell(r, LD_ERR_INVALID, F_UPN, "empty, and a pupil needs one");
        return false;
    }
    char upn[LD_UPN_LEN + 1] = "";
    if (n == LD_UPN_LEN) {
        for (size_t i = 0; i < n; i++)
            upn[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
        upn[n] = '\0';
    }
    char want = 0;
    enum ld_upn_status st = n == LD_UPN_LEN ? ld_upn_check(upn, &want) : LD_UPN_MALFORMED;
    if (st == LD_UPN_MALFORMED) {
        fail_cell(r, LD_ERR_INVALID, F_UPN,
                  "not a UPN (a letter and 12 digits, or 11 digits and a letter): %s",
                  ld_utf8_quote(q, sizeof q, s, n, QUOTE_MAX));
        return false;
    }
    if (st == LD_UPN_BAD_CHECK) {
        char text[120];
        snprintf(text, sizeof text, "%s: the check letter should be %c, not %c", upn, want, upn[0]);
        warn_cell(r, F_UPN, text);
    }
    memcpy(p->upn, upn, sizeof p->upn);
    return true;
}

/*
 * The year group as the kiosk keeps it: "Reception" is R and "Nursery" N, as the MIS's own
 * codes; "Year 3", "Yr 3" and "Y3" are 3. Anything else is kept as written (at most 8 bytes).
 */
static bool take_year(struct run *r, const char *s, size_t n, struct ld_roster_pupil *p)
{
    static const struct {
        const char *word, *code;
    } words[] = {{"reception", "R"}, {"rec", "R"}, {"nursery", "N"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (n == strlen(words[i].word) && !strncasecmp(s, words[i].word, n)) {
            snprintf(p->year, sizeof p->year, "%s", words[i].code);
            return true;
        }
    }
    static const char *const prefixes[] = {"year ", "year", "yr ", "yr", "y"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t k = strlen(prefixes[i]);
        if (n > k && n - k <= 2 && !strncasecmp(s, prefixes[i], k) && s[k] >= '0' && s[k] <= '9' &&
            (n - k == 1 || (s[k + 1] >= '0' && s[k + 1] <= '9')))
            return take_text(r, F_YEAR, s + k, n - k, p->year);
    }
    return take_text(r, F_YEAR, s, n, p->year);
}

/* Flags are split by ';', ',' or spaces. */
static bool is_flag_sep(char c)
{
    return c == ';' || c == ',' || c == ' ';
}

static bool take_flags(struct run *r, const char *s, size_t n, struct ld_roster_pupil *p)
{
    size_t i = 0;
    p->flags = 0;
    while (i < n) {
        while (i < n && is_flag_sep(s[i]))
            i++;
        size_t start = i;
        while (i < n && !is_flag_sep(s[i]))
            i++;
        if (i == start)
            break;
        char tok[8];
        unsigned bit = 0;
        size_t len = i - start;
        if (len < sizeof tok) {
            for (size_t k = 0; k < len; k++) {
                char c = s[start + k];
                tok[k] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
            }
            tok[len] = '\0';
        }
        if (len >= sizeof tok || !ld_flag_parse(tok, &bit)) {
            char q[QUOTE_MAX * 4 + 8];
            fail_cell(r, LD_ERR_INVALID, F_FLAGS,
                      "unknown flag %s (known: CP, LAC, CIN, SC, PP, SEN)",
                      ld_utf8_quote(q, sizeof q, s + start, len, QUOTE_MAX));
            return false;
        }
        p->flags |= bit;
    }
    return true;
}

static bool take_card(struct run *r, const char *s, size_t n, struct ld_roster_pupil *p)
{
    char hex[CELL_MAX + 1];
    size_t o = 0;
    p->card.len = 0;
    if (n == 0)
        return true;
    bool digits = true;
    for (size_t i = 0; i < n && o < CELL_MAX; i++) {
        if (s[i] != ' ')
            hex[o++] = s[i];
        digits = digits && (s[i] == ' ' || (s[i] >= '0' && s[i] <= '9'));
    }
    hex[o] = '\0';
    /* "Card Number" 0012345678: decimal, as a keyboard-wedge reader types the same card. */
    if (r->card_decimal && digits) {
        if (ld_uid_from_decimal(hex, &p->card))
            return true;
        char q[QUOTE_MAX * 4 + 8];
        fail_cell(r, LD_ERR_INVALID, F_CARD, "not a card number (decimal, at most 80 bits): %s",
                  ld_utf8_quote(q, sizeof q, s, n, QUOTE_MAX));
        return false;
    }
    if (!ld_uid_parse(hex, &p->card)) {
        char q[QUOTE_MAX * 4 + 8];
        fail_cell(r, LD_ERR_INVALID, F_CARD, "not a card UID (hex, 1 to %d bytes): %s", LD_UID_MAX,
                  ld_utf8_quote(q, sizeof q, s, n, QUOTE_MAX));
        return false;
    }
    return true;
}

/*
 * Reads a date cell: YYYY-MM-DD or DD/MM/YYYY (one-digit day or month too), a time after a
 * blank dropped; empty is no date. The two date columns of the roster.
 */
static bool take_date(struct run *r, enum field f, const char *s, size_t n, bool *has, ld_date *out)
{
    char buf[16], q[QUOTE_MAX * 4 + 8];
    size_t len = 0;
    int d = 0, m = 0, y = 0, k = 0;
    *has = false;
    while (len < n && s[len] != ' ' && s[len] != 'T')
        len++;
    if (len == 0)
        return true;
    if (len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (ld_date_parse(buf, out)) {
            *has = true;
            return true;
        }
        if (sscanf(buf, "%2d/%2d/%4d%n", &d, &m, &y, &k) == 3 && (size_t)k == len && len >= 8 &&
            buf[len - 5] == '/' && ld_date_valid(y, m, d)) {
            *out = ld_date_from_ymd(y, m, d);
            *has = true;
            return true;
        }
    }
    fail_cell(r, LD_ERR_INVALID, f, "not a date (YYYY-MM-DD or DD/MM/YYYY): %s",
              ld_utf8_quote(q, sizeof q, s, n, QUOTE_MAX));
    return false;
}

/* Checks cell f of the current row and writes it into p. */
static bool take_cell(struct run *r, enum field f, struct ld_roster_pupil *p)
{
    if (r->cell[f].len > CELL_MAX) {
        fail_cell(r, LD_ERR_RANGE, f, "longer than %zu bytes", fields[f].cap);
        return false;
    }
    size_t n = r->cell[f].len;
    const char *s = trim(r->cell[f].s, &n);
    if (!ld_utf8_valid(s, n)) {
        fail_cell(r, LD_ERR_INVALID, f, "not valid UTF-8");
        return false;
    }
    if (ld_utf8_has_control(s, n)) {
        char q[QUOTE_MAX * 4 + 8];
        fail_cell(r, LD_ERR_INVALID, f, "contains a control character: %s",
                  ld_utf8_quote(q, sizeof q, s, n, QUOTE_MAX));
        return false;
    }
    switch (f) {
    case F_UPN:
        return take_upn(r, s, n, p);
    case F_FIRST:
        return take_text(r, f, s, n, p->legal_first);
    case F_LAST:
        return take_text(r, f, s, n, p->legal_last);
    case F_PFIRST:
        return take_text(r, f, s, n, p->preferred_first);
    case F_PLAST:
        return take_text(r, f, s, n, p->preferred_last);
    case F_YEAR:
        return take_year(r, s, n, p);
    case F_CLASS:
        return take_text(r, f, s, n, p->class_name);
    case F_FAMILY:
        return take_text(r, f, s, n, p->family);
    case F_FLAGS:
        if (n > fields[f].cap) {
            fail_cell(r, LD_ERR_RANGE, f, "longer than %zu bytes", fields[f].cap);
            return false;
        }
        return take_flags(r, s, n, p);
    case F_CARD:
        if (n > fields[f].cap) {
            fail_cell(r, LD_ERR_RANGE, f, "longer than %zu bytes", fields[f].cap);
            return false;
        }
        return take_card(r, s, n, p);
    case F_ADMITTED:
        return take_date(r, f, s, n, &p->has_admitted, &p->admitted);
    case F_LEFT:
        return take_date(r, f, s, n, &p->has_left, &p->left);
    case F__COUNT:
        break;
    }
    return false;
}

static void finish_row(struct run *r)
{
    if (!r->row_nonempty)
        return; /* a row of empty cells, as spreadsheets leave at the end */
    if (r->col != r->ncols) {
        fail(r, LD_ERR_INVALID, r->row_line,
             "the row has %zu cells and the header %zu: is a comma in a value not quoted?", r->col,
             r->ncols);
        return;
    }
    if (r->roster.count == LD_ROSTER_MAX_PUPILS) {
        fail(r, LD_ERR_RANGE, r->row_line, "more than %d pupils", LD_ROSTER_MAX_PUPILS);
        return;
    }
    if (r->roster.count == r->alloc) {
        size_t n = r->alloc ? r->alloc * 2 : 256;
        if (n > LD_ROSTER_MAX_PUPILS)
            n = LD_ROSTER_MAX_PUPILS;
        void *p = realloc(r->roster.pupils, n * sizeof *r->roster.pupils);
        if (!p) {
            fail(r, LD_ERR_NOMEM, 0, "out of memory");
            return;
        }
        r->roster.pupils = p;
        r->alloc = n;
    }
    struct ld_roster_pupil *p = &r->roster.pupils[r->roster.count];
    memset(p, 0, sizeof *p);
    p->line = r->row_line;
    /* Column order, so that the first bad cell of a row is the one reported. */
    for (size_t c = 0; c < r->ncols && c < MAX_COLUMNS; c++)
        if (r->col_field[c] >= 0 && !take_cell(r, (enum field)r->col_field[c], p))
            return;
    if (p->has_admitted && p->has_left && p->left < p->admitted) {
        fail_cell(r, LD_ERR_INVALID, F_LEFT, "before the admission date");
        return;
    }
    if (!p->preferred_first[0])
        memcpy(p->preferred_first, p->legal_first, sizeof p->preferred_first);
    if (!p->preferred_last[0])
        memcpy(p->preferred_last, p->legal_last, sizeof p->preferred_last);

    size_t i = r->roster.count, dup = 0;
    ld_err err = index_add(&r->by_upn, r->roster.pupils, i, upn_key, &dup);
    if (err == LD_ERR_DUPLICATE) {
        fail_cell(r, err, F_UPN, "%s is also the UPN of the pupil on line %u", p->upn,
                  r->roster.pupils[dup].line);
        return;
    }
    if (!err && p->card.len)
        err = index_add(&r->by_card, r->roster.pupils, i, card_key, &dup);
    if (err == LD_ERR_DUPLICATE) {
        char hex[LD_UID_HEXLEN];
        ld_uid_format(&p->card, hex);
        fail_cell(r, err, F_CARD, "card %s is also given to the pupil on line %u", hex,
                  r->roster.pupils[dup].line);
        return;
    }
    if (err) {
        fail(r, err, 0, "out of memory");
        return;
    }
    r->roster.count++;
}

static void on_row(int term, void *user)
{
    struct run *r = user;
    if (!r->err) {
        if (!r->have_header)
            finish_header(r);
        else
            finish_row(r);
    }
    r->col = 0;
    r->row_nonempty = false;
    for (int f = 0; f < F__COUNT; f++)
        r->cell[f].len = 0;
    r->in_row = false;
}

/* ---- the run -------------------------------------------------------------------------------- */

static ld_err run_begin(struct run *r, const char *name, struct ld_roster_warnings *warn, char *msg,
                        size_t msglen)
{
    memset(r, 0, sizeof *r);
    r->name = name ? name : "(roster)";
    r->line = 1;
    r->warn = warn;
    r->msg = msg;
    r->msglen = msglen;
    if (msg && msglen)
        msg[0] = '\0';
    memset(r->col_field, -1, sizeof r->col_field);
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fail(r, LD_ERR_NOMEM, 0, "cannot start the CSV parser");
        return r->err;
    }
    r->parser_ready = true;
    return LD_OK;
}

/*
 * Says whether b (n bytes, a file's start) is UTF-16, as Excel's "Unicode Text" and some MIS
 * exports save it: a UTF-16 byte order mark, or the NUL of every other byte that ASCII has in
 * UTF-16. 'l' little-endian, 'b' big-endian, 0 neither.
 */
static char utf16_order(const unsigned char *b, size_t n)
{
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (n >= 4 && b[1] == 0 && b[3] == 0)))
        return 'l';
    if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (n >= 4 && b[0] == 0 && b[2] == 0)))
        return 'b';
    return 0;
}

/* Feeds n bytes to libcsv one at a time, so that every row knows the line it starts on. */
static void run_feed(struct run *r, const unsigned char *p, size_t n, bool first)
{
    size_t i = 0;
    char order = first ? utf16_order(p, n) : 0;
    if (order) {
        fail(r, LD_ERR_INVALID, 0,
             "is UTF-16 text (%s), not UTF-8: in Excel use Save As \"CSV UTF-8 (Comma "
             "delimited)\", or convert it with: iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8.csv",
             order == 'l' ? "little-endian" : "big-endian");
        return;
    }
    if (n > LD_ROSTER_FILE_MAX - r->bytes) {
        fail(r, LD_ERR_RANGE, 0, "larger than %u bytes: not a roster", LD_ROSTER_FILE_MAX);
        return;
    }
    r->bytes += n;
    if (first && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    for (; i < n && !r->err; i++) {
        unsigned char c = p[i];
        if (!r->in_row && c != '\r' && c != '\n' && c != ' ' && c != '\t') {
            r->in_row = true;
            r->row_line = r->line;
            r->row_bytes = 0;
        }
        /* The cap leaves room for the line end that closes the row. */
        if (r->in_row && ++r->row_bytes > LD_ROSTER_ROW_MAX &&
            (r->row_bytes > LD_ROSTER_ROW_MAX + 2 || (c != '\r' && c != '\n'))) {
            fail(r, LD_ERR_RANGE, r->row_line, "row longer than %d bytes", LD_ROSTER_ROW_MAX);
            return;
        }
        if (csv_parse(&r->parser, &c, 1, on_cell, on_row, r) != 1 && !r->err) {
            if (csv_error(&r->parser) == CSV_EPARSE)
                fail(r, LD_ERR_INVALID, r->line,
                     "bad quoting: a '\"' inside an unquoted cell, or text after a closing "
                     "quote");
            else
                fail(r, LD_ERR_NOMEM, r->line, "out of memory");
            return;
        }
        if (c == '\r' || (c == '\n' && !r->prev_cr))
            r->line++;
        r->prev_cr = c == '\r';
    }
}

static void run_end(struct run *r)
{
    if (!r->err && csv_fini(&r->parser, on_cell, on_row, r) != 0 && !r->err)
        fail(r, LD_ERR_INVALID, r->row_line,
             "a quoted cell in the row starting here is never closed");
    if (!r->err && !r->have_header)
        fail(r, LD_ERR_INVALID, 0, "empty: no header row");
    if (!r->err && r->roster.count == 0)
        fail(r, LD_ERR_INVALID, 0, "no pupils: the file has a header and no rows");
}

/* Hands over the result on success, frees everything on failure. */
static ld_err run_finish(struct run *r, struct ld_roster *out)
{
    if (r->parser_ready)
        csv_free(&r->parser);
    free(r->by_upn.slot);
    free(r->by_card.slot);
    if (r->err) {
        ld_roster_free(&r->roster);
        ld_roster_warnings_free(r->warn);
    }
    *out = r->roster;
    return r->err;
}

ld_err ld_roster_parse_csv_buffer(const char *data, size_t len, const char *name,
                                  struct ld_roster *out, struct ld_roster_warnings *warn, char *msg,
                                  size_t msglen)
{
    struct run *r = NULL;
    ld_err err = LD_OK;
    if (out)
        memset(out, 0, sizeof *out);
    if (warn)
        memset(warn, 0, sizeof *warn);
    if (!out || (!data && len)) {
        if (msg && msglen)
            snprintf(msg, msglen, "%s: no data", name ? name : "(roster)");
        return LD_ERR_INVALID;
    }
    r = malloc(sizeof *r);
    if (!r) {
        if (msg && msglen)
            snprintf(msg, msglen, "%s: out of memory", name ? name : "(roster)");
        return LD_ERR_NOMEM;
    }
    if (!run_begin(r, name, warn, msg, msglen)) {
        run_feed(r, (const unsigned char *)data, len, true);
        run_end(r);
    }
    err = run_finish(r, out);
    free(r);
    return err;
}

ld_err ld_roster_parse_csv(const char *path, struct ld_roster *out, struct ld_roster_warnings *warn,
                           char *msg, size_t msglen)
{
    struct run *r = NULL;
    unsigned char *buf = NULL;
    FILE *f = NULL;
    ld_err err = LD_OK;
    if (out)
        memset(out, 0, sizeof *out);
    if (warn)
        memset(warn, 0, sizeof *warn);
    if (!path || !out) {
        if (msg && msglen)
            snprintf(msg, msglen, "(roster): no file to read");
        return LD_ERR_INVALID;
    }
    r = malloc(sizeof *r);
    buf = malloc(CHUNK);
    if (!r || !buf) {
        if (msg && msglen)
            snprintf(msg, msglen, "%s: out of memory", path);
        err = LD_ERR_NOMEM;
        goto out;
    }
    if (run_begin(r, path, warn, msg, msglen))
        goto done;
    f = fopen(path, "rb");
    if (!f) {
        fail(r, errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO, 0, "cannot open: %s",
             strerror(errno));
        goto done;
    }
    for (bool first = true; !r->err; first = false) {
        size_t n = fread(buf, 1, CHUNK, f);
        /* UTF-16 is full of NULs: run_feed names it for what it is. */
        if (n > 0 && memchr(buf, '\0', n) && !(first && utf16_order(buf, n))) {
            fail(r, LD_ERR_INVALID, 0, "contains a NUL byte: not a CSV text file");
            break;
        }
        run_feed(r, buf, n, first);
        if (n < CHUNK) {
            if (ferror(f))
                fail(r, LD_ERR_IO, 0, "cannot read: %s", strerror(errno));
            break;
        }
    }
    run_end(r);
done:
    err = run_finish(r, out);
out:
    if (f)
        fclose(f);
    free(buf);
    free(r);
    return err;
}
