/* report_letter.c: the letter template, and letters to parents one A4 page each. */
#include "report_letter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "report_out.h"
#include "report_svg.h"
#include "utf8.h"

#define LETTER_WEEKS 8 /* weeks of herringbone on a letter: the last half-term, about */

enum field {
    F_TEXT = 0,
    F_SCHOOL,
    F_DATE,
    F_PUPIL,
    F_FIRST,
    F_LAST,
    F_CLASS,
    F_YEAR,
    F_UPN,
    F_LATE,
    F_LATE_L,
    F_LATE_U,
    F_MINUTES,
    F_ATTENDANCE,
    F_STAGE,
    F_PATTERNS,
    F_HERRINGBONE,
    F__COUNT
};

static const char *const names[F__COUNT] = {
    [F_SCHOOL] = "school_name",
    [F_DATE] = "date",
    [F_PUPIL] = "pupil_name",
    [F_FIRST] = "first_name",
    [F_LAST] = "last_name",
    [F_CLASS] = "class",
    [F_YEAR] = "year",
    [F_UPN] = "upn",
    [F_LATE] = "late_sessions",
    [F_LATE_L] = "late_l",
    [F_LATE_U] = "late_u",
    [F_MINUTES] = "minutes_lost",
    [F_ATTENDANCE] = "attendance",
    [F_STAGE] = "stage",
    [F_PATTERNS] = "patterns",
    [F_HERRINGBONE] = "herringbone",
};

struct seg {
    enum field field;
    size_t off, len; /* F_TEXT: the text's place in t->text */
};

struct ld_letter_template {
    char *text;
    struct seg *segs;
    size_t nsegs;
};

void ld_letter_template_free(struct ld_letter_template *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->segs);
    free(t);
}

static void where(const char *text, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            ++*col;
        }
    }
}

ld_err ld_letter_template_parse(const char *text, const char *name, struct ld_letter_template **out,
                                char *msg, size_t msglen)
{
    struct ld_letter_template *t = calloc(1, sizeof *t);
    size_t len = strlen(text), cap = 16;
    unsigned line, col;
    if (!t || !(t->text = strdup(text)) || !(t->segs = calloc(cap, sizeof *t->segs))) {
        ld_letter_template_free(t);
        snprintf(msg, msglen, "%s: out of memory", name);
        return LD_ERR_NOMEM;
    }
    if (!ld_utf8_valid(text, len)) {
        ld_letter_template_free(t);
        snprintf(msg, msglen, "%s: not valid UTF-8", name);
        return LD_ERR_INVALID;
    }
    size_t pos = 0;
    while (pos <= len) {
        const char *open = strstr(text + pos, "{{");
        size_t stop = open ? (size_t)(open - text) : len;
        if (t->nsegs + 2 >= cap) {
            struct seg *ns = realloc(t->segs, 2 * cap * sizeof *ns);
            if (!ns) {
                ld_letter_template_free(t);
                snprintf(msg, msglen, "%s: out of memory", name);
                return LD_ERR_NOMEM;
            }
            t->segs = ns;
            cap *= 2;
        }
        if (stop > pos)
            t->segs[t->nsegs++] = (struct seg){F_TEXT, pos, stop - pos};
        if (!open)
            break;
        const char *close = strstr(open + 2, "}}");
        const char *nl = strchr(open + 2, '\n');
        if (!close || (nl && nl < close) || close - open > 40) {
            where(text, stop, &line, &col);
            ld_letter_template_free(t);
            snprintf(msg, msglen, "%s:%u:%u: a placeholder \"{{\" without its \"}}\"", name, line,
                     col);
            return LD_ERR_INVALID;
        }
        char key[48];
        size_t klen = (size_t)(close - open - 2);
        snprintf(key, sizeof key, "%.*s", (int)klen, open + 2);
        /* blanks inside the braces are allowed: {{ pupil_name }} */
        char *k = key;
        while (*k == ' ')
            k++;
        size_t kl = strlen(k);
        while (kl && k[kl - 1] == ' ')
            k[--kl] = 0;
        enum field f = F_TEXT;
        for (int i = 1; i < F__COUNT; i++)
            if (!strcmp(names[i], k))
                f = (enum field)i;
        if (f == F_TEXT) {
            where(text, stop, &line, &col);
            ld_letter_template_free(t);
            snprintf(msg, msglen,
                     "%s:%u:%u: unknown placeholder {{%.40s}} (known: school_name, date, "
                     "pupil_name, first_name, last_name, class, year, upn, late_sessions, late_l, "
                     "late_u, minutes_lost, attendance, stage, patterns, herringbone)",
                     name, line, col, k);
            return LD_ERR_INVALID;
        }
        t->segs[t->nsegs++] = (struct seg){f, 0, 0};
        pos = (size_t)(close - text) + 2;
    }
    *out = t;
    return LD_OK;
}

ld_err ld_letter_template_load(const char *path, struct ld_letter_template **out, char *msg,
                               size_t msglen)
{
    char *text = NULL;
    size_t len = 0;
    ld_err err = ld_config__read_file(path, LD_LETTER_TEMPLATE_MAX, &text, &len, msg, msglen);
    if (err)
        return err;
    err = ld_letter_template_parse(text, path, out, msg, msglen);
    free(text);
    return err;
}

static void long_date(const char *iso, char *out, size_t len)
{
    static const char *const months[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
    ld_date d;
    int y, m, day;
    if (!ld_date_parse(iso, &d)) {
        snprintf(out, len, "%s", iso);
        return;
    }
    ld_date_to_ymd(d, &y, &m, &day);
    snprintf(out, len, "%d %s %d", day, months[m - 1], y);
}

#define FAMILY_MAX 16 /* children of one family on one letter */

/* The children one letter is about: a pupil, or brothers and sisters (roster indexes). */
struct family {
    size_t kids[FAMILY_MAX];
    size_t n;
};

/* Writes " and " or ", " before the k-th of n values. */
static void joiner(struct ld_buf *b, size_t k, size_t n)
{
    if (k > 0)
        ld_buf_puts(b, k + 1 == n ? " and " : ", ");
}

/* Writes a figure of one child; for a family, each child's with their first name. */
static void per_child(struct ld_buf *b, const struct ld_letter_ctx *ctx, const struct family *f,
                      enum field field)
{
    const struct ld_report *r = ctx->r;
    char tmp[64];
    for (size_t k = 0; k < f->n; k++) {
        const struct ld_roster_pupil *p = &r->roster.pupils[f->kids[k]];
        const struct ld_pupil_result *pr = ld_report_pupil_result(r, f->kids[k]);
        joiner(b, k, f->n);
        switch (field) {
        case F_LATE:
            snprintf(tmp, sizeof tmp, "%d", pr->late_l + pr->late_u);
            break;
        case F_LATE_L:
            snprintf(tmp, sizeof tmp, "%d", pr->late_l);
            break;
        case F_LATE_U:
            snprintf(tmp, sizeof tmp, "%d", pr->late_u);
            break;
        case F_MINUTES:
            ld_report_duration(pr->late_minutes, tmp, sizeof tmp);
            break;
        case F_ATTENDANCE:
            if (r->has_mis_marks && pr->attendance.has_pct)
                snprintf(tmp, sizeof tmp, "%.1f %%", pr->attendance.pct);
            else
                snprintf(tmp, sizeof tmp, "not yet known");
            break;
        default: /* F_STAGE */
            if (r->has_mis_marks && pr->has_stage)
                ld_report_stage_text(pr, tmp, sizeof tmp);
            else
                snprintf(tmp, sizeof tmp, "not yet known");
            break;
        }
        ld_buf_html(b, tmp);
        if (f->n > 1) {
            ld_buf_puts(b, " (");
            ld_buf_html(b, p->preferred_first);
            ld_buf_puts(b, ")");
        }
    }
}

/* Writes a name-like field of every child, joined: "Amara and Ben", "3B and 5A". */
static void names_of(struct ld_buf *b, const struct ld_report *r, const struct family *f,
                     enum field field)
{
    for (size_t k = 0; k < f->n; k++) {
        const struct ld_roster_pupil *p = &r->roster.pupils[f->kids[k]];
        joiner(b, k, f->n);
        if (field == F_PUPIL || field == F_FIRST)
            ld_buf_html(b, p->preferred_first);
        if (field == F_PUPIL) {
            ld_buf_puts(b, " ");
            ld_buf_html(b, p->preferred_last);
        }
        if (field == F_CLASS)
            ld_buf_html(b, p->class_name);
        if (field == F_YEAR)
            ld_buf_html(b, p->year);
        if (field == F_UPN)
            ld_buf_html(b, p->upn);
    }
}

static ld_err herringbones(struct ld_buf *b, const struct ld_letter_ctx *ctx,
                           const struct family *f, char *msg, size_t msglen)
{
    const struct ld_report *r = ctx->r;
    /* a family's charts are shorter, so the letter stays on one page */
    size_t weeks = f->n > 1 ? LETTER_WEEKS / 2 : LETTER_WEEKS;
    char tmp[3 * LD_NAME_MAX];
    for (size_t k = 0; k < f->n; k++) {
        size_t i = f->kids[k];
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        struct ld_herringbone h = {0};
        ld_err err = ld_result_herringbone(r->result, (size_t)r->result_of_pupil[i], &h);
        if (err) {
            snprintf(msg, msglen, "letters: herringbone of %s: %s", p->upn, ld_err_str(err));
            return err;
        }
        if (f->n > 1) {
            ld_buf_puts(b, "<p class=\"child\">");
            ld_buf_html(b, p->preferred_first);
            ld_buf_puts(b, "</p>");
        }
        snprintf(tmp, sizeof tmp, "Register marks of %s %s", p->preferred_first, p->preferred_last);
        ld_report_svg_herringbone(b, &h, h.nweeks > weeks ? h.nweeks - weeks : 0, false, tmp);
        ld_herringbone_free(&h);
    }
    return LD_OK;
}

static ld_err render(const struct ld_letter_template *t, const struct ld_letter_ctx *ctx,
                     const struct family *f, struct ld_buf *b, char *msg, size_t msglen)
{
    const struct ld_report *r = ctx->r;
    const struct ld_roster_pupil *first = &r->roster.pupils[f->kids[0]];
    char tmp[3 * LD_NAME_MAX];
    ld_buf_printf(b, "<section class=\"letter%s\" data-upn=\"%s\" data-upns=\"",
                  f->n > 1 ? " family" : "", first->upn);
    for (size_t k = 0; k < f->n; k++)
        ld_buf_printf(b, "%s%s", k ? " " : "", r->roster.pupils[f->kids[k]].upn);
    ld_buf_puts(b, "\">\n");
    for (size_t k = 0; k < t->nsegs; k++) {
        const struct seg *sg = &t->segs[k];
        switch (sg->field) {
        case F_TEXT:
            ld_buf_put(b, t->text + sg->off, sg->len);
            break;
        case F_SCHOOL:
            ld_buf_html(b, r->school_name);
            break;
        case F_DATE:
            long_date(ctx->today, tmp, sizeof tmp);
            ld_buf_html(b, tmp);
            break;
        case F_LAST:
            ld_buf_html(b, first->preferred_last);
            break;
        case F_PUPIL:
        case F_FIRST:
        case F_CLASS:
        case F_YEAR:
        case F_UPN:
            names_of(b, r, f, sg->field);
            break;
        case F_LATE:
        case F_LATE_L:
        case F_LATE_U:
        case F_MINUTES:
        case F_ATTENDANCE:
        case F_STAGE:
            per_child(b, ctx, f, sg->field);
            if (sg->field == F_ATTENDANCE && r->has_mis_marks) {
                ld_report_short_date(r->registers_until, tmp, sizeof tmp);
                ld_buf_puts(b, " (registers up to ");
                ld_buf_html(b, tmp);
                ld_buf_puts(b, ")");
            }
            break;
        case F_PATTERNS:
            ld_buf_puts(b, "<ul class=\"patterns\">");
            for (size_t c = 0; c < f->n; c++) {
                const struct ld_pupil_result *pr = ld_report_pupil_result(r, f->kids[c]);
                for (size_t q = 0; q < pr->npatterns; q++) {
                    ld_buf_puts(b, "<li>");
                    if (f->n > 1) {
                        ld_buf_html(b, r->roster.pupils[f->kids[c]].preferred_first);
                        ld_buf_puts(b, ": ");
                    }
                    ld_buf_html(b, pr->patterns[q].detail);
                    ld_buf_puts(b, "</li>");
                }
            }
            ld_buf_puts(b, "</ul>");
            break;
        case F_HERRINGBONE: {
            ld_err err = herringbones(b, ctx, f, msg, msglen);
            if (err)
                return err;
            break;
        }
        case F__COUNT:
            break;
        }
    }
    ld_buf_puts(b, "</section>\n");
    return LD_OK;
}

static const char letter_css[] =
    "@page{size:A4;margin:18mm 18mm 15mm}"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;color:#000;margin:0}"
    "@media screen{body{background:#ddd}.letter{background:#fff;width:174mm;min-height:264mm;"
    "margin:1em auto;padding:18mm;box-shadow:0 0 4px #888}}"
    ".letter{break-after:page;page-break-after:always;overflow:hidden}"
    ".letter:last-of-type{break-after:auto;page-break-after:auto}"
    ".letter svg.herringbone{width:125mm;max-width:100%;height:auto;display:block;"
    "margin:.3em 0}"
    ".letter.family svg.herringbone{width:100mm}.letter p.child{margin:.4em 0 0;"
    "font-weight:bold}"
    "ul.patterns{margin:.3em 0}";

static void letters_head(struct ld_buf *b, const struct ld_report *r, const char *title)
{
    ld_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<title>");
    ld_buf_html(b, title);
    ld_buf_puts(b, " — ");
    ld_buf_html(b, r->school_name);
    ld_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", letter_css);
}

ld_err ld_letters_write(const struct ld_letter_template *t, const struct ld_letter_ctx *ctx,
                        const char *dir, char *msg, size_t msglen)
{
    const struct ld_report *r = ctx->r;
    struct ld_buf all = {0}, one = {0};
    size_t count = 0;
    bool *done = calloc(r->roster.count + 1, 1);
    ld_err err = LD_OK;
    if (!done) {
        snprintf(msg, msglen, "letters: out of memory");
        return LD_ERR_NOMEM;
    }
    letters_head(&all, r, "Letters to parents");
    /* one letter a family: brothers and sisters with a pattern of lateness on the same page */
    for (size_t k = 0; !err && k < r->roster.count; k++) {
        size_t i = ctx->order[k];
        if (done[i] || !ld_report_needs_letter(r, i))
            continue;
        const char *fam = r->roster.pupils[i].family;
        struct family f = {.n = 0};
        for (size_t k2 = k; k2 < r->roster.count && f.n < FAMILY_MAX; k2++) {
            size_t j = ctx->order[k2];
            if (done[j] || !ld_report_needs_letter(r, j) ||
                (j != i && (!fam[0] || strcmp(r->roster.pupils[j].family, fam))))
                continue;
            done[j] = true;
            f.kids[f.n++] = j;
        }
        char name[64];
        one.len = 0;
        letters_head(&one, r, "Letter");
        if ((err = render(t, ctx, &f, &all, msg, msglen)) ||
            (err = render(t, ctx, &f, &one, msg, msglen)))
            break;
        ld_buf_puts(&one, "</body>\n</html>\n");
        snprintf(name, sizeof name, "letters/%s.html", r->roster.pupils[i].upn);
        err = ld_buf_write_file(&one, dir, name, msg, msglen);
        count++;
    }
    if (!err && count == 0)
        ld_buf_puts(&all, "<p>No letters to send.</p>\n");
    ld_buf_puts(&all, "</body>\n</html>\n");
    if (!err)
        err = ld_buf_write_file(&all, dir, "letters.html", msg, msglen);
    ld_buf_free(&all);
    ld_buf_free(&one);
    free(done);
    return err;
}
