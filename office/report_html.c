/* report_html.c: the office's pages: index, daily late log, weekly view, action, pupils. */
#include "report.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_flags.h"
#include "report_letter.h"
#include "report_out.h"
#include "report_svg.h"

#ifndef LD_REPORT_ASSETS_INSTALLED
#define LD_REPORT_ASSETS_INSTALLED "/usr/share/latedoor"
#endif

/*
 * A binary run from the build tree it was built in takes the source tree's assets; an installed
 * one never looks there (a build path such as /tmp/... on the school's server is not ours).
 */
static bool running_from_build_tree(void)
{
#if defined(LD_REPORT_BUILD_DIR) && defined(LD_REPORT_ASSETS_SOURCE)
    char exe[PATH_MAX], build[PATH_MAX];
    if (!realpath("/proc/self/exe", exe) || !realpath(LD_REPORT_BUILD_DIR, build))
        return false;
    size_t n = strlen(build);
    return strncmp(exe, build, n) == 0 && exe[n] == '/';
#else
    return false;
#endif
}

const char *ld_report_default_template(void)
{
    static char path[PATH_MAX];
    const char *assets = getenv("LATEDOOR_ASSETS");
    if (!assets || !assets[0])
        assets = LD_REPORT_ASSETS_INSTALLED;
#ifdef LD_REPORT_ASSETS_SOURCE
    if (!getenv("LATEDOOR_ASSETS") && running_from_build_tree())
        assets = LD_REPORT_ASSETS_SOURCE;
#endif
    snprintf(path, sizeof path, "%s/report/letter.html", assets);
    return path;
}

static const char css[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:14px;color:#1a1a1a;margin:1.5em;"
    "max-width:70em}"
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin-top:1.5em}"
    "nav{margin:.5em 0 1em;padding:.4em 0;border-bottom:1px solid #ccc}nav a{margin-right:1em}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:.25em .5em;"
    "text-align:left;vertical-align:top}th{background:#f0f0f0}"
    "td.num,th.num{text-align:right}"
    ".L{background:#f0a202;font-weight:bold}.U{background:#b3001b;color:#fff;font-weight:bold}"
    ".void td{color:#777}.note{color:#555;font-size:.9em}"
    ".badge{display:inline-block;padding:0 .4em;border-radius:3px;background:#eee;"
    "font-size:.85em;margin-right:.3em}.pa{background:#f4c7c3}.sa{background:#b3001b;color:#fff}"
    ".family{border:1px solid #ccc;padding:.3em .8em;margin:.8em 0;break-inside:avoid}"
    ".muted{color:#666}ul.patterns{margin:.2em 0;padding-left:1.2em}"
    "svg.herringbone{width:42em;max-width:100%;height:auto}"
    ".winner{font-size:1.1em;padding:.4em .8em;background:#eef6ee;border-left:4px solid #3a7d3a}"
    ".family table{width:100%;table-layout:fixed}"
    "del{color:#a00}ins{text-decoration:none;font-weight:bold}"
    "@media print{nav,.noprint{display:none}body{margin:0;font-size:11pt}"
    "a{color:inherit;text-decoration:none}table{page-break-inside:auto}"
    "tr{page-break-inside:avoid}}"
    "@page{size:A4;margin:12mm}";

const char *ld_report_css(void)
{
    return css;
}

struct site {
    const struct ld_report *r;
    const char *dir;
    char today[LD_DATE_STRLEN];
    size_t *by_pupil;     /* arrival indexes grouped by pupil (counting sort), time order */
    size_t *pupil_first;  /* by_pupil[pupil_first[p] .. pupil_first[p + 1]) */
    size_t *roster_order; /* roster indexes by surname, first name, UPN */
    char *msg;
    size_t msglen;
    ld_date day;        /* the late log's day: as_of, or another for the office app */
    struct ld_buf *mem; /* the office app (ld_report_page): the page goes here, no file */
    const char *want;   /* and only the page or CSV file of this name */
};

static const char *source_name(int source)
{
    switch (source) {
    case LD_CSRC_CARD:
        return "card";
    case LD_CSRC_TOUCH:
        return "touch screen";
    case LD_CSRC_STAFF:
        return "staff";
    case LD_CSRC_CLI:
        return "command line";
    case LD_CSRC_OFFICE:
        return "office";
    default:
        return "?";
    }
}

static void page_begin(struct ld_buf *b, const struct site *s, const char *title, const char *up)
{
    if (s->mem) /* the office app wraps the page in its own head and navigation */
        goto header;
    ld_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    ld_buf_html(b, title);
    ld_buf_puts(b, " — ");
    ld_buf_html(b, s->r->school_name);
    ld_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<nav>", css);
    static const char *const links[][2] = {{"index.html", "Summary"},
                                           {"daily.html", "Late log"},
                                           {"weekly.html", "Classes this week"},
                                           {"action.html", "Needing action"},
                                           {"conflicts.html", "Kiosks and MIS"},
                                           {"letters.html", "Letters"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        ld_buf_printf(b, "<a href=\"%s%s\">%s</a>", up, links[i][0], links[i][1]);
    ld_buf_puts(b, "</nav>\n");
header:
    ld_buf_puts(b, "<header><h1>");
    ld_buf_html(b, title);
    ld_buf_puts(b, "</h1><p class=\"muted\">");
    ld_buf_html(b, s->r->school_name);
    char reg[64];
    ld_report_registers_text(s->r, reg, sizeof reg);
    ld_buf_printf(b, " · as of %s", s->today);
    if (s->r->as_of_minute >= 0)
        ld_buf_printf(b, " %02d:%02d", s->r->as_of_minute / 60, s->r->as_of_minute % 60);
    ld_buf_printf(b, " · <span id=\"registers\">%s</span></p></header>\n<main>\n", reg);
}

/* Writes a finished page or CSV file; for the office app, keeps the page and skips the CSV. */
static ld_err site_file(const struct site *s, const struct ld_buf *b, const char *name)
{
    if (!s->mem)
        return ld_buf_write_file(b, s->dir, name, s->msg, s->msglen);
    if (!strcmp(name, s->want))
        ld_buf_put(s->mem, b->p, b->len);
    return s->mem->failed ? LD_ERR_NOMEM : LD_OK;
}

static ld_err page_end(struct ld_buf *b, const struct site *s, const char *name)
{
    ld_buf_puts(b, s->mem ? "</main>\n" : "</main>\n</body>\n</html>\n");
    return site_file(s, b, name);
}

static const struct ld_roster_pupil *pupil_of(const struct site *s, long i)
{
    return i >= 0 ? &s->r->roster.pupils[i] : NULL;
}

static void pupil_name(struct ld_buf *b, const struct ld_roster_pupil *p)
{
    ld_buf_html(b, p->preferred_first);
    ld_buf_puts(b, " ");
    ld_buf_html(b, p->preferred_last);
}

static void pupil_link(struct ld_buf *b, const struct ld_roster_pupil *p, const char *up)
{
    ld_buf_printf(b, "<a href=\"%spupils/", up);
    ld_buf_html(b, p->upn);
    ld_buf_puts(b, ".html\">");
    pupil_name(b, p);
    ld_buf_puts(b, "</a>");
}

static void mark_cell(struct ld_buf *b, enum ld_code code)
{
    const char *c = ld_code_str(code);
    ld_buf_printf(b, "<td class=\"%s\">", code == LD_CODE_L ? "L" : code == LD_CODE_U ? "U" : "");
    ld_buf_html(b, c[0] ? c : "—");
    ld_buf_puts(b, "</td>");
}

static void flags_text(struct ld_buf *b, unsigned flags)
{
    for (unsigned bit = 1; bit <= LD_FLAG_SEN; bit <<= 1)
        if (flags & bit)
            ld_buf_printf(b, "<span class=\"badge\">%s</span>", ld_flag_name(bit));
}

static void pct_text(struct ld_buf *b, const struct ld_report *r, const struct ld_pupil_result *p)
{
    if (!r->has_mis_marks) {
        ld_buf_puts(b, "<span class=\"muted\">no register data yet</span>");
        return;
    }
    if (!p->attendance.has_pct) {
        ld_buf_puts(b, "<span class=\"muted\">not known yet</span>");
        return;
    }
    ld_buf_printf(b, "%.1f %%", p->attendance.pct);
    if (p->has_stage) {
        char st[48];
        ld_report_stage_text(p, st, sizeof st);
        ld_buf_puts(b, " · stage ");
        ld_buf_html(b, st);
    }
    if (p->attendance.severe)
        ld_buf_puts(b, " <span class=\"badge sa\">severe absence</span>");
    else if (p->attendance.persistent)
        ld_buf_puts(b, " <span class=\"badge pa\">persistent absence</span>");
}

static void patterns_list(struct ld_buf *b, const struct ld_pupil_result *p)
{
    if (!p->npatterns) {
        ld_buf_puts(b, "<span class=\"muted\">none</span>");
        return;
    }
    ld_buf_puts(b, "<ul class=\"patterns\">");
    for (size_t k = 0; k < p->npatterns; k++) {
        ld_buf_printf(b, "<li data-kind=\"%s\">", ld_pattern_kind_name(p->patterns[k].kind));
        ld_buf_html(b, p->patterns[k].detail);
        ld_buf_puts(b, "</li>");
    }
    ld_buf_puts(b, "</ul>");
}

/* ---- the daily late log ---- */

/* Writes what a correction did, by whom and with its note ("voided by j.fenwick: twice"). */
static void staff_note(struct ld_buf *b, const char *what, const struct ld_central_event *e)
{
    ld_buf_puts(b, what);
    if (e->staff[0]) {
        ld_buf_puts(b, " by ");
        ld_buf_html(b, e->staff);
    }
    if (e->reason[0]) {
        ld_buf_puts(b, ": ");
        ld_buf_html(b, e->reason);
    }
}

static void arrival_row(struct ld_buf *b, const struct site *s, const struct ld_report_arrival *a,
                        const char *up)
{
    const struct ld_roster_pupil *p = pupil_of(s, a->pupil);
    char dur[32];
    ld_buf_printf(b, "<tr%s data-device=\"", a->voided ? " class=\"void\"" : "");
    ld_buf_html(b, a->ev->device_id);
    ld_buf_printf(b, "\" data-seq=\"%lld\"><td>%s%02d:%02d%s</td><td>", (long long)a->ev->seq,
                  a->voided ? "<del>" : "", a->minute / 60, a->minute % 60,
                  a->voided ? "</del>" : "");
    if (p)
        pupil_link(b, p, up);
    else {
        ld_buf_puts(b, "not on the roster: ");
        ld_buf_html(b, a->ev->upn);
    }
    ld_buf_puts(b, "</td><td>");
    if (p)
        ld_buf_html(b, p->class_name);
    ld_buf_puts(b, "</td>");
    if (a->voided)
        ld_buf_printf(b, "<td><del>%s</del></td>", ld_code_str(a->cls.code));
    else
        mark_cell(b, a->cls.code);
    ld_report_duration(a->cls.minutes_late, dur, sizeof dur);
    ld_buf_printf(b, "<td class=\"num\">%d</td><td>", a->cls.minutes_late);
    bool office = a->reason_ev && a->reason_ev->source == LD_CSRC_OFFICE;
    if (a->amended) {
        ld_buf_puts(b, "<del>");
        ld_buf_html(b, a->first_reason);
        ld_buf_puts(b, "</del> <ins>");
        ld_buf_html(b, a->reason);
        ld_buf_puts(b, "</ins>");
    } else {
        ld_buf_html(b, a->reason);
    }
    /* who changed or gave a reason after the arrival, when it was not the child at the door */
    if (a->amended || office) {
        ld_buf_printf(b, "<br><span class=\"note\">%s", a->amended ? "amended" : "given");
        if (a->reason_ev->staff[0]) {
            ld_buf_puts(b, " by ");
            ld_buf_html(b, a->reason_ev->staff);
        }
        ld_buf_puts(b, office ? " (office)</span>" : "</span>");
    }
    if (a->claim[0]) { /* told at the door; the mark waits for evidence (issue 15) */
        ld_buf_puts(b, "<br><span class=\"note\">claimed at the door: ");
        ld_buf_html(b, a->claim);
        ld_buf_puts(b, ", needs evidence</span>");
    }
    ld_buf_puts(b, "</td><td>");
    if (s->mem) { /* the office app corrects an arrival from its row */
        ld_buf_printf(b, "<a class=\"correct\" href=\"%scorrect?ev=", up);
        ld_buf_html(b, a->ev->device_id);
        ld_buf_printf(b, ":%lld\">Correct</a> ", (long long)a->ev->seq);
    }
    ld_buf_html(b, a->ev->device_id);
    ld_buf_printf(b, ":%lld</td><td>%s", (long long)a->ev->seq, source_name(a->ev->source));
    if (a->ev->staff[0]) {
        ld_buf_puts(b, " (");
        ld_buf_html(b, a->ev->staff);
        ld_buf_puts(b, ")");
    }
    ld_buf_puts(b, "</td><td class=\"note\">");
    if (a->voided)
        staff_note(b, "voided", a->void_ev);
    else if (!a->decides) {
        ld_buf_puts(b, "already signed in this session: not counted");
    }
    if (!a->voided && a->unvoid_ev)
        staff_note(b, " void undone", a->unvoid_ev);
    if (a->retime_ev)
        staff_note(b, " time changed", a->retime_ev);
    else if (a->clock_repaired)
        ld_buf_puts(b, " time corrected after a clock fault");
    if (a->clock_unsure)
        ld_buf_puts(b, " clock was not trusted: check the time");
    ld_buf_puts(b, "</td></tr>\n");
}

static ld_err write_daily(const struct site *s)
{
    const struct ld_report *r = s->r;
    struct ld_buf b = {0}, csv = {0};
    size_t first, end, late = 0, voided = 0;
    ld_report_arrivals_of_day(r, s->day, &first, &end);
    for (size_t i = first; i < end; i++) {
        voided += r->arrivals[i].voided;
        late += !r->arrivals[i].voided && r->arrivals[i].decides && r->arrivals[i].cls.late;
    }
    page_begin(&b, s, "Late log", "");
    ld_buf_printf(&b,
                  "<p><span id=\"arrivals\">%zu</span> arrivals recorded today, "
                  "<span id=\"late\">%zu</span> late sessions, <span id=\"voided\">%zu</span> "
                  "voided. <a href=\"late-log.csv\">CSV</a></p>\n",
                  end - first, late, voided);
    ld_buf_puts(&b,
                "<table id=\"log\"><thead><tr><th>Time</th><th>Pupil</th><th>Class</th>"
                "<th>Mark</th><th class=\"num\">Minutes late</th><th>Reason</th>"
                "<th>Device:number</th><th>Signed in by</th><th>Note</th></tr></thead><tbody>\n");
    ld_buf_puts(&csv, "Time,UPN,Pupil,Class,Mark,Minutes Late,Reason,Device,Seq,Signed In By,"
                      "Voided\r\n");
    for (size_t i = first; i < end; i++) {
        const struct ld_report_arrival *a = &r->arrivals[i];
        const struct ld_roster_pupil *p = pupil_of(s, a->pupil);
        arrival_row(&b, s, a, "");
        char name[2 * LD_NAME_MAX + 2];
        snprintf(name, sizeof name, "%s %s", p ? p->preferred_first : "",
                 p ? p->preferred_last : "");
        ld_buf_printf(&csv, "%02d:%02d,", a->minute / 60, a->minute % 60);
        ld_buf_csv(&csv, a->ev->upn);
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, p ? name : "");
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, p ? p->class_name : "");
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, ld_code_str(a->cls.code));
        ld_buf_printf(&csv, ",%d,", a->cls.minutes_late);
        ld_buf_csv(&csv, a->reason);
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, a->ev->device_id);
        ld_buf_printf(&csv, ",%lld,%s,%s\r\n", (long long)a->ev->seq, source_name(a->ev->source),
                      a->voided ? "yes" : "no");
    }
    if (end == first)
        ld_buf_puts(&b, "<tr><td colspan=\"9\">No arrivals recorded today.</td></tr>\n");
    ld_buf_puts(&b, "</tbody></table>\n<p class=\"note\">A voided arrival is struck through and "
                    "does not count; an amended reason shows the old one struck through. ");
    ld_buf_puts(&b, s->mem ? "To correct one, press Correct on its row.</p>\n"
                           : "To correct one, name its device and number: <code>latedoor report "
                             "amend --event DEVICE:SEQ ...</code> (docs/office.md).</p>\n");
    ld_err err = page_end(&b, s, "daily.html");
    if (!err)
        err = site_file(s, &csv, "late-log.csv");
    ld_buf_free(&b);
    ld_buf_free(&csv);
    return err;
}

/* ---- the week by class ---- */

/* The periods the Classes page ranks the classes over. */
enum { P_THIS, P_LAST, P_HALF, PERIODS };

/* One class's late sessions over one period, and its place. */
struct class_period {
    int late, minutes;
    size_t place; /* 1 + classes with fewer late sessions per pupil */
    bool joint;   /* another class has the same place */
};

struct class_week {
    const char *name;
    int pupils;
    struct class_period p[PERIODS]; /* this week, the last full week, the half-term so far */
};

/* Adds pupil i's L and U sessions from first to last (school days only) to *late and *minutes. */
static void late_between(const struct ld_result *res, size_t i, ld_date first, ld_date last,
                         struct class_period *cp)
{
    for (ld_date d = first; d <= last; d++)
        for (int sess = 0; sess < 2; sess++) {
            enum ld_code code;
            int m;
            if (ld_result_mark(res, i, d, (enum ld_session_id)sess, &code, &m) &&
                ld_code_is_late(code)) {
                cp->late++;
                cp->minutes += m;
            }
        }
}

/* Compares late sessions per pupil of two classes without dividing. */
static int per_pupil_cmp(int late_a, int pupils_a, int late_b, int pupils_b)
{
    long x = (long)late_a * pupils_b, y = (long)late_b * pupils_a;
    return x < y ? -1 : x > y;
}

/* Places over period k, with joint places where classes have the same late sessions per pupil. */
static void class_places(struct class_week *cw, size_t nc, int k)
{
    for (size_t c = 0; c < nc; c++) {
        size_t place = 1;
        bool joint = false;
        for (size_t o = 0; o < nc; o++) {
            if (o == c)
                continue;
            int cmp = per_pupil_cmp(cw[o].p[k].late, cw[o].pupils, cw[c].p[k].late, cw[c].pupils);
            place += cmp < 0;
            joint |= cmp == 0;
        }
        cw[c].p[k].place = place;
        cw[c].p[k].joint = joint;
    }
}

/* "Best punctuality ...: 4B and 5A", every class in first place over period k. */
static void winner_line(struct ld_buf *b, const struct class_week *cw, size_t nc, int k,
                        const char *when)
{
    static const char *const id[PERIODS] = {"this", "last", "half"};
    bool any = false;
    ld_buf_printf(b, "<p class=\"winner\" id=\"winner-%s\">Best punctuality %s: ", id[k], when);
    for (size_t c = 0; c < nc; c++) {
        if (cw[c].p[k].place != 1)
            continue;
        ld_buf_puts(b, any ? " and <strong>" : "<strong>");
        ld_buf_html(b, cw[c].name);
        ld_buf_puts(b, "</strong>");
        any = true;
    }
    ld_buf_puts(b, "</p>\n");
}

/*
 * The half-term of the calendar that as_of falls in, or the last one before it (a report made in
 * a holiday ranks the half-term just ended), from its first day to as_of at the latest; false
 * when the calendar has none started yet.
 */
bool ld_report_half_term(const struct ld_report *r, ld_date *first, ld_date *last,
                         const char **name)
{
    const struct ld_calfile_term *t = NULL;
    for (size_t i = 0; i < r->calfile.term_count; i++)
        if (r->calfile.terms[i].start <= r->as_of)
            t = &r->calfile.terms[i];
    if (!t)
        return false;
    *first = t->start;
    *last = t->end < r->as_of ? t->end : r->as_of;
    *name = t->name;
    return true;
}

/* Writes class c's place, late sessions and per pupil over period k as cells (and CSV fields). */
static void period_cells(struct ld_buf *b, struct ld_buf *csv, const struct class_week *c, int k,
                         const char *cls)
{
    const struct class_period *p = &c->p[k];
    double per = c->pupils ? (double)p->late / c->pupils : 0;
    ld_buf_printf(b,
                  "<td class=\"num %s\">%s%zu</td><td class=\"num %s-late\">%d</td>"
                  "<td class=\"num\">%.2f</td>",
                  cls, p->joint ? "=" : "", p->place, cls, p->late, per);
    ld_buf_printf(csv, ",%s%zu,%d,%.2f", p->joint ? "=" : "", p->place, p->late, per);
}

static ld_err write_weekly(const struct site *s)
{
    const struct ld_report *r = s->r;
    size_t nc = ld_result_class_count(r->result);
    struct class_week *cw = calloc(nc + 1, sizeof *cw);
    struct ld_buf b = {0}, csv = {0};
    if (!cw) {
        snprintf(s->msg, s->msglen, "report: out of memory");
        return LD_ERR_NOMEM;
    }
    for (size_t c = 0; c < nc; c++)
        cw[c].name = ld_result_class(r->result, c)->name;
    ld_date monday = ld_date_week_start(r->as_of);
    /* on a Monday the week has barely begun: assembly wants last week's table beside it */
    bool show_last = ld_date_weekday(r->as_of) == LD_MON;
    ld_date half_first = 0, half_last = 0;
    const char *half_name = "";
    bool show_half = ld_report_half_term(r, &half_first, &half_last, &half_name);
    for (size_t i = 0; i < ld_result_pupil_count(r->result); i++) {
        const struct ld_pupil_result *p = ld_result_pupil(r->result, i);
        size_t c = 0;
        while (c < nc && strcmp(cw[c].name, p->class_name))
            c++;
        if (c == nc)
            continue;
        cw[c].pupils++;
        late_between(r->result, i, monday, r->as_of, &cw[c].p[P_THIS]);
        if (show_last)
            late_between(r->result, i, monday - 7, monday - 3, &cw[c].p[P_LAST]);
        if (show_half)
            late_between(r->result, i, half_first, half_last, &cw[c].p[P_HALF]);
    }
    for (int k = 0; k < PERIODS; k++)
        class_places(cw, nc, k);
    char monday_s[LD_DATE_STRLEN], dur[32], from[16], to[16], when[LD_TERM_NAME_MAX + 64];
    ld_date_format(monday, monday_s);
    ld_report_short_date(monday - 7, from, sizeof from);
    ld_report_short_date(monday - 3, to, sizeof to);
    page_begin(&b, s, "Classes this week", "");
    ld_buf_printf(&b,
                  "<p>School days from Monday %s to %s. The punctuality table puts the class "
                  "with the fewest late sessions per pupil first: read it out in assembly. "
                  "Classes level with each other share a place (=2). "
                  "<a href=\"weekly-classes.csv\">CSV</a></p>\n",
                  monday_s, s->today);
    if (nc > 0 && show_last) {
        snprintf(when, sizeof when, "last week (%s to %s)", from, to);
        winner_line(&b, cw, nc, P_LAST, when);
    }
    if (nc > 0)
        winner_line(&b, cw, nc, P_THIS, "this week");
    if (nc > 0 && show_half) {
        ld_report_short_date(half_first, from, sizeof from);
        ld_report_short_date(half_last, to, sizeof to);
        ld_buf_puts(&b, "<p id=\"half-term\">The half-term so far: ");
        ld_buf_html(&b, half_name);
        ld_buf_printf(&b, ", %s to %s (closed days do not count).</p>\n", from, to);
        winner_line(&b, cw, nc, P_HALF, "this half-term");
    }
    ld_buf_puts(&b, "<table id=\"classes\"><thead><tr><th class=\"num\">Place</th><th>Class</th>"
                    "<th class=\"num\">Pupils</th><th class=\"num\">Late sessions</th>"
                    "<th class=\"num\">Per pupil</th><th class=\"num\">Minutes lost</th>");
    if (show_last)
        ld_buf_printf(&b, "<th class=\"num\">Last week's place</th><th class=\"num\">Last week's "
                          "late sessions</th><th class=\"num\">Per pupil</th>");
    if (show_half)
        ld_buf_printf(&b, "<th class=\"num\">Half-term place</th><th class=\"num\">Half-term "
                          "late sessions</th><th class=\"num\">Per pupil</th>");
    ld_buf_puts(&b, "</tr></thead><tbody>\n");
    ld_buf_puts(&csv, "Place,Class,Pupils,Late Sessions,Late Sessions Per Pupil,Minutes Lost");
    if (show_last)
        ld_buf_puts(&csv, ",Last Week Place,Last Week Late Sessions,Last Week Per Pupil");
    if (show_half)
        ld_buf_puts(&csv, ",Half-Term Place,Half-Term Late Sessions,Half-Term Per Pupil");
    ld_buf_puts(&csv, "\r\n");
    for (size_t c = 0; c < nc; c++) {
        const struct class_period *t = &cw[c].p[P_THIS];
        double per = cw[c].pupils ? (double)t->late / cw[c].pupils : 0;
        ld_report_duration(t->minutes, dur, sizeof dur);
        ld_buf_printf(&b, "<tr><td class=\"num\">%s%zu</td><td>", t->joint ? "=" : "", t->place);
        ld_buf_html(&b, cw[c].name);
        ld_buf_printf(&b,
                      "</td><td class=\"num\">%d</td><td class=\"num late\">%d</td>"
                      "<td class=\"num\">%.2f</td><td class=\"num\" data-minutes=\"%d\">%s</td>",
                      cw[c].pupils, t->late, per, t->minutes, dur);
        ld_buf_printf(&csv, "%s%zu,", t->joint ? "=" : "", t->place);
        ld_buf_csv(&csv, cw[c].name);
        ld_buf_printf(&csv, ",%d,%d,%.2f,%d", cw[c].pupils, t->late, per, t->minutes);
        if (show_last)
            period_cells(&b, &csv, &cw[c], P_LAST, "last");
        if (show_half)
            period_cells(&b, &csv, &cw[c], P_HALF, "half");
        ld_buf_puts(&b, "</tr>\n");
        ld_buf_puts(&csv, "\r\n");
    }
    ld_buf_puts(&b, "</tbody></table>\n");
    free(cw);
    ld_err err = page_end(&b, s, "weekly.html");
    if (!err)
        err = site_file(s, &csv, "weekly-classes.csv");
    ld_buf_free(&b);
    ld_buf_free(&csv);
    return err;
}

/* ---- pupils needing action ---- */

static int by_name(const void *a, const void *b, void *ctx)
{
    const struct ld_roster *ro = ctx;
    const struct ld_roster_pupil *x = &ro->pupils[*(const size_t *)a];
    const struct ld_roster_pupil *y = &ro->pupils[*(const size_t *)b];
    int c = strcmp(x->preferred_last, y->preferred_last);
    if (!c)
        c = strcmp(x->preferred_first, y->preferred_first);
    return c ? c : strcmp(x->upn, y->upn);
}

static void action_row(struct ld_buf *b, const struct site *s, size_t i, bool needs)
{
    const struct ld_report *r = s->r;
    const struct ld_roster_pupil *p = &r->roster.pupils[i];
    const struct ld_pupil_result *pr = ld_report_pupil_result(r, i);
    char dur[32];
    ld_report_duration(pr->late_minutes, dur, sizeof dur);
    ld_buf_printf(b, "<tr class=\"%s\" data-upn=\"", needs ? "needs" : "sibling");
    ld_buf_html(b, p->upn);
    ld_buf_puts(b, "\"><td>");
    pupil_link(b, p, "");
    if (!needs)
        ld_buf_puts(b, " <span class=\"note\">(sibling)</span>");
    ld_buf_puts(b, "</td><td>");
    ld_buf_html(b, p->class_name);
    ld_buf_puts(b, "</td><td>");
    flags_text(b, p->flags);
    ld_buf_printf(b,
                  "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%s"
                  "</td><td>",
                  pr->late_l, pr->late_u, dur);
    patterns_list(b, pr);
    ld_buf_puts(b, "</td><td>");
    pct_text(b, r, pr);
    ld_buf_puts(b, "</td></tr>\n");
}

#define URGENT_MAX 10 /* pupils in the "most urgent" block at the top of the action page */

/* The first-day calling list: only from today's MIS marks or everyone's sign-in. */
static void calls_section(struct ld_buf *b, const struct site *s)
{
    const struct ld_report *r = s->r;
    size_t calls = ld_report_call_count(r);
    char basis[256];
    ld_report_call_basis_text(r, basis, sizeof basis);
    ld_buf_printf(b,
                  "<h2>First-day calling today</h2>\n<p>Pupils absent this morning with no "
                  "reason known, in the order to call: child protection, looked after, child in "
                  "need, other social care, then everyone else. <span id=\"calls\">%zu</span> "
                  "to call.</p>\n<p id=\"call-basis\" class=\"%s\">",
                  calls, r->call_basis == LD_REPORT_CALLS_NONE ? "winner" : "note");
    ld_buf_html(b, r->call_basis == LD_REPORT_CALLS_NONE ? "Nobody is listed: " : "Made ");
    ld_buf_html(b, basis);
    ld_buf_puts(b, ".</p>\n");
    if (!calls)
        return;
    ld_buf_puts(b, "<table id=\"call-order\"><thead><tr><th class=\"num\">Order</th>"
                   "<th>Pupil</th><th>Class</th><th>Flags</th></tr></thead><tbody>\n");
    for (size_t k = 0; k < calls; k++) {
        const struct ld_pupil_result *c = ld_result_call(r->result, k);
        long i = ld_report_find_pupil(r, c->id);
        ld_buf_printf(b, "<tr data-upn=\"%s\"><td class=\"num\">%zu</td><td>", c->id, k + 1);
        if (i >= 0)
            pupil_link(b, &r->roster.pupils[i], "");
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, c->class_name);
        ld_buf_puts(b, "</td><td>");
        flags_text(b, c->flags);
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_puts(b, "</tbody></table>\n");
}

/* The few pupils to act on first, one line each. */
static void urgent_section(struct ld_buf *b, const struct site *s, const size_t *order, size_t n)
{
    const struct ld_report *r = s->r;
    ld_buf_printf(b,
                  "<h2>Most urgent</h2>\n<p>The %zu pupils who need the office most, in "
                  "order: severe absence, persistent absence, a child with a child protection "
                  "plan, looked after or in need with a pattern of lateness, other patterns "
                  "of lateness, then intervention stages.</p>\n",
                  n < URGENT_MAX ? n : URGENT_MAX);
    if (!n) {
        ld_buf_puts(b, "<p>Nobody at the moment.</p>\n");
        return;
    }
    ld_buf_puts(b, "<table id=\"urgent\"><thead><tr><th class=\"num\">#</th><th>Pupil</th>"
                   "<th>Class</th><th>Flags</th><th>Why</th><th>Attendance</th></tr></thead>"
                   "<tbody>\n");
    for (size_t k = 0; k < n && k < URGENT_MAX; k++) {
        size_t i = order[k];
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        ld_buf_printf(b, "<tr class=\"urgent\" data-upn=\"%s\"><td class=\"num\">%zu</td><td>",
                      p->upn, k + 1);
        pupil_link(b, p, "");
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, p->class_name);
        ld_buf_puts(b, "</td><td>");
        flags_text(b, p->flags);
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, ld_report_need_text(r, i));
        ld_buf_puts(b, "</td><td>");
        pct_text(b, r, ld_report_pupil_result(r, i));
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_puts(b, "</tbody></table>\n");
}

/* One CSV row of the action list. */
static void action_csv_row(struct ld_buf *csv, const struct ld_report *r, size_t j,
                           const char *list)
{
    const struct ld_roster_pupil *p = &r->roster.pupils[j];
    const struct ld_pupil_result *pr = ld_report_pupil_result(r, j);
    char name[2 * LD_NAME_MAX + 2];
    snprintf(name, sizeof name, "%s %s", p->preferred_first, p->preferred_last);
    ld_buf_printf(csv, "%s,", list);
    ld_buf_csv(csv, ld_report_need_text(r, j));
    ld_buf_puts(csv, ",");
    ld_buf_csv(csv, p->upn);
    ld_buf_puts(csv, ",");
    ld_buf_csv(csv, name);
    ld_buf_puts(csv, ",");
    ld_buf_csv(csv, p->class_name);
    ld_buf_puts(csv, ",");
    ld_buf_csv(csv, p->family);
    ld_buf_printf(csv, ",%d,%d,%d,", pr->late_l, pr->late_u, pr->late_minutes);
    if (r->has_mis_marks && pr->attendance.has_pct)
        ld_buf_printf(csv, "%.1f", pr->attendance.pct);
    ld_buf_puts(csv, ",");
    if (r->has_mis_marks && pr->has_stage) {
        char st[48];
        ld_report_stage_text(pr, st, sizeof st);
        ld_buf_csv(csv, st);
    }
    ld_buf_printf(csv, ",%s,%s,", r->has_mis_marks && pr->attendance.persistent ? "yes" : "no",
                  r->has_mis_marks && pr->attendance.severe ? "yes" : "no");
    struct ld_buf pat = {0};
    for (size_t q = 0; q < pr->npatterns; q++) {
        if (q)
            ld_buf_puts(&pat, "; ");
        ld_buf_puts(&pat, pr->patterns[q].detail);
    }
    ld_buf_csv(csv, pat.p ? pat.p : "");
    ld_buf_free(&pat);
    ld_buf_puts(csv, "\r\n");
}

/*
 * One list of the action page (attendance or lateness): families in the order of their most
 * pressing member, brothers and sisters in one box so a family is spoken to once.
 */
static void family_list(struct ld_buf *b, struct ld_buf *csv, const struct site *s,
                        const size_t *order, size_t n, bool attendance, bool *done)
{
    const struct ld_report *r = s->r;
    size_t groups = 0;
    memset(done, 0, r->roster.count);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        bool in = attendance ? ld_report_needs_attendance(r, i) : ld_report_needs_letter(r, i);
        if (done[i] || !in)
            continue;
        const char *fam = r->roster.pupils[i].family;
        groups++;
        ld_buf_puts(b, "<section class=\"family\"><h3>");
        if (fam[0]) {
            ld_buf_html(b, r->roster.pupils[i].preferred_last);
            ld_buf_puts(b, " family <span class=\"note\">(");
            ld_buf_html(b, fam);
            ld_buf_puts(b, ")</span>");
        } else {
            pupil_name(b, &r->roster.pupils[i]);
        }
        ld_buf_puts(
            b,
            "</h3><table><colgroup><col style=\"width:16%\"><col style=\"width:6%\">"
            "<col style=\"width:8%\"><col style=\"width:5%\"><col style=\"width:5%\">"
            "<col style=\"width:10%\"><col style=\"width:32%\"><col "
            "style=\"width:18%\"></colgroup><thead><tr><th>Pupil</th><th>Class</th><th>Flags</th>"
            "<th class=\"num\">L</th><th class=\"num\">U</th><th class=\"num\">"
            "Minutes lost</th><th>Patterns</th><th>Attendance</th></tr></thead>"
            "<tbody>\n");
        /* the pupil first, then the family's others by surname */
        for (size_t k2 = 0; k2 <= r->roster.count; k2++) {
            size_t j = k2 == 0 ? i : s->roster_order[k2 - 1];
            if (done[j] || (j != i && (!fam[0] || strcmp(r->roster.pupils[j].family, fam))))
                continue;
            done[j] = true;
            bool needs =
                attendance ? ld_report_needs_attendance(r, j) : ld_report_needs_letter(r, j);
            action_row(b, s, j, needs);
            if (needs)
                action_csv_row(csv, r, j, attendance ? "attendance" : "lateness");
        }
        ld_buf_puts(b, "</tbody></table></section>\n");
    }
    if (!groups)
        ld_buf_puts(b, "<p>Nobody at the moment.</p>\n");
}

static ld_err write_action(const struct site *s)
{
    const struct ld_report *r = s->r;
    struct ld_buf b = {0}, csv = {0};
    size_t n = r->roster.count, nneed = 0, natt = 0, nlate = 0;
    bool *done = calloc(n + 1, 1);
    size_t *order = calloc(n + 1, sizeof *order);
    if (!done || !order) {
        free(done);
        free(order);
        snprintf(s->msg, s->msglen, "report: out of memory");
        return LD_ERR_NOMEM;
    }
    ld_report_priority_order(r, order, &nneed);
    for (size_t k = 0; k < nneed; k++) {
        natt += ld_report_needs_attendance(r, order[k]);
        nlate += ld_report_needs_letter(r, order[k]);
    }
    page_begin(&b, s, "Pupils needing action", "");
    calls_section(&b, s);
    if (r->nconflicts)
        ld_buf_printf(&b,
                      "<p class=\"winner\"><a href=\"conflicts.html\"><span id=\"conflicts\">%zu"
                      "</span> sessions where the kiosks and the MIS disagree</a>: put one of "
                      "them right.</p>\n",
                      r->nconflicts);
    urgent_section(&b, s, order, nneed);
    ld_buf_puts(&csv, "List,Need,UPN,Pupil,Class,Family,Late L,Late U,Minutes Lost,Attendance %,"
                      "Stage,Persistent,Severe,Patterns\r\n");
    ld_buf_printf(&b,
                  "<h2>Attendance</h2>\n<p><span id=\"needs-attendance\">%zu</span> pupils with "
                  "severe or persistent absence (90 %% or less) or at an intervention stage, "
                  "most absent first. %s <a href=\"action.csv\">CSV</a></p>\n",
                  natt,
                  r->has_mis_marks ? ""
                                   : "No register data yet: import the MIS marks for "
                                     "attendance and stages.");
    family_list(&b, &csv, s, order, nneed, true, done);
    ld_buf_printf(&b,
                  "<h2>Lateness</h2>\n<p><span id=\"needs\">%zu</span> pupils with a pattern of "
                  "lateness, a vulnerable child first. Brothers and sisters are shown "
                  "together.</p>\n",
                  nlate);
    family_list(&b, &csv, s, order, nneed, false, done);
    free(done);
    free(order);
    ld_err err = page_end(&b, s, "action.html");
    if (!err)
        err = site_file(s, &csv, "action.csv");
    ld_buf_free(&b);
    ld_buf_free(&csv);
    return err;
}

/* ---- one page a pupil ---- */

static ld_err write_pupil(const struct site *s, size_t i, struct ld_buf *b)
{
    const struct ld_report *r = s->r;
    const struct ld_roster_pupil *p = &r->roster.pupils[i];
    const struct ld_pupil_result *pr = ld_report_pupil_result(r, i);
    struct ld_herringbone h = {0};
    char title[3 * LD_NAME_MAX], dur[32], name[LD_UPN_LEN + 16];
    ld_err err = ld_result_herringbone(r->result, (size_t)r->result_of_pupil[i], &h);
    if (err) {
        snprintf(s->msg, s->msglen, "report: herringbone of %s: %s", p->upn, ld_err_str(err));
        return err;
    }
    b->len = 0;
    snprintf(title, sizeof title, "%s %s", p->preferred_first, p->preferred_last);
    page_begin(b, s, title, "../");
    ld_report_duration(pr->late_minutes, dur, sizeof dur);
    ld_buf_puts(b, "<p>Class ");
    ld_buf_html(b, p->class_name);
    ld_buf_puts(b, " · Year ");
    ld_buf_html(b, p->year);
    ld_buf_puts(b, " · UPN ");
    ld_buf_html(b, p->upn);
    ld_buf_puts(b, " ");
    flags_text(b, p->flags);
    ld_buf_printf(b,
                  "</p>\n<table><tbody><tr><th>Late sessions (L)</th><td class=\"num\" "
                  "id=\"late-l\">%d</td></tr><tr><th>After the register closed (U)</th>"
                  "<td class=\"num\" id=\"late-u\">%d</td></tr><tr><th>Minutes lost this year"
                  "</th><td class=\"num\" id=\"minutes\" data-minutes=\"%d\">%s</td></tr>"
                  "<tr><th>Attendance</th><td>",
                  pr->late_l, pr->late_u, pr->late_minutes, dur);
    pct_text(b, r, pr);
    /* sessions after the registers' last day with no mark and no arrival: not counted */
    if (r->has_mis_marks && pr->unknown > 0)
        ld_buf_printf(b, " <span class=\"note\" id=\"unknown\">(%d sessions not known yet)</span>",
                      pr->unknown);
    ld_buf_puts(b, "</td></tr><tr><th>Patterns</th><td>");
    patterns_list(b, pr);
    ld_buf_puts(b, "</td></tr></tbody></table>\n<h2>Register marks, week by week</h2>\n");
    ld_report_svg_herringbone(b, &h, 0, false, title);
    ld_herringbone_free(&h);

    /* late history: every L and U session, with the arrival that decided it */
    ld_buf_puts(b, "<h2>Late history</h2>\n<table id=\"history\"><thead><tr><th>Date</th>"
                   "<th>Session</th><th>Arrived</th><th>Mark</th><th class=\"num\">Minutes late"
                   "</th><th>Reason</th></tr></thead><tbody>\n");
    size_t rows = 0, ai = s->pupil_first[i], aend = s->pupil_first[i + 1];
    size_t ri = (size_t)r->result_of_pupil[i];
    size_t ndays = ld_calendar_days_upto(r->cal, r->as_of);
    for (size_t d = 0; d < ndays; d++) {
        ld_date day = ld_calendar_school_day(r->cal, d);
        for (int sess = 0; sess < 2; sess++) {
            enum ld_code code;
            int minutes;
            if (!ld_result_mark(r->result, ri, day, (enum ld_session_id)sess, &code, &minutes) ||
                !ld_code_is_late(code))
                continue;
            const struct ld_report_arrival *dec = NULL;
            while (ai < aend && r->arrivals[s->by_pupil[ai]].date < day)
                ai++;
            for (size_t k = ai; k < aend && r->arrivals[s->by_pupil[k]].date == day; k++) {
                const struct ld_report_arrival *a = &r->arrivals[s->by_pupil[k]];
                if (a->decides && (int)a->cls.session == sess)
                    dec = a;
            }
            char ds[LD_DATE_STRLEN];
            ld_date_format(day, ds);
            static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
            ld_buf_printf(b, "<tr><td>%s %s</td><td>%s</td><td>", wd[ld_date_weekday(day)], ds,
                          sess ? "pm" : "am");
            if (dec)
                ld_buf_printf(b, "%02d:%02d", dec->minute / 60, dec->minute % 60);
            else
                ld_buf_puts(b, "<span class=\"note\">MIS mark</span>");
            ld_buf_puts(b, "</td>");
            mark_cell(b, code);
            ld_buf_printf(b, "<td class=\"num\">%d</td><td>", minutes);
            if (dec)
                ld_buf_html(b, dec->reason);
            ld_buf_puts(b, "</td></tr>\n");
            rows++;
        }
    }
    if (!rows)
        ld_buf_puts(b, "<tr><td colspan=\"6\">Never late this year.</td></tr>\n");
    ld_buf_puts(b, "</tbody></table>\n");
    snprintf(name, sizeof name, "pupils/%s.html", p->upn);
    return page_end(b, s, name);
}

/* ---- the summary ---- */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ld_err write_index(const struct site *s)
{
    const struct ld_report *r = s->r;
    struct ld_buf b = {0};
    size_t first, end, late = 0, needs = 0;
    ld_report_arrivals_of_day(r, r->as_of, &first, &end);
    for (size_t i = first; i < end; i++)
        late += !r->arrivals[i].voided && r->arrivals[i].decides && r->arrivals[i].cls.late;
    for (size_t i = 0; i < r->roster.count; i++)
        needs += ld_report_needs_action(r, i);
    page_begin(&b, s, "Office review", "");
    ld_buf_printf(&b,
                  "<ul><li><a href=\"daily.html\">Late log</a>: %zu arrivals today, %zu late "
                  "sessions</li><li><a href=\"weekly.html\">Classes this week</a>: the "
                  "punctuality table</li><li><a href=\"action.html\">Needing action</a>: %zu "
                  "pupils; %zu to call this morning</li><li><a href=\"conflicts.html\">Kiosks "
                  "and MIS</a>: %zu sessions where they disagree</li><li><a "
                  "href=\"letters.html\">Letters to parents</a>, ready to print</li></ul>\n",
                  end - first, late, needs, ld_report_call_count(r), r->nconflicts);
    ld_buf_printf(&b,
                  "<p>%zu pupils on the roster, %zu events in the log. %s</p>\n<h2>Files</h2>\n"
                  "<ul><li><a href=\"late-log.csv\">late-log.csv</a></li><li><a "
                  "href=\"weekly-classes.csv\">weekly-classes.csv</a></li><li><a "
                  "href=\"action.csv\">action.csv</a></li><li><a href=\"conflicts.csv\">"
                  "conflicts.csv</a></li><li><a href=\"mis-export.csv\">"
                  "mis-export.csv</a>: the kiosks' late marks, to key into the MIS</li></ul>\n",
                  r->roster.count, r->nevents,
                  r->has_mis_marks
                      ? "Attendance counts the MIS's marks up to the last day imported; a later "
                        "session the kiosks did not see is not known, never counted as present."
                      : "No register data yet: import the MIS marks (latedoor report "
                        "import-marks) for attendance and stages.");
    /* every pupil, class by class (the core's classes, by name), by surname within a class */
    size_t nc = ld_result_class_count(r->result);
    const char **classes = calloc(nc + 1, sizeof *classes);
    if (!classes) {
        ld_buf_free(&b);
        snprintf(s->msg, s->msglen, "report: out of memory");
        return LD_ERR_NOMEM;
    }
    for (size_t c = 0; c < nc; c++)
        classes[c] = ld_result_class(r->result, c)->name;
    qsort(classes, nc, sizeof *classes, str_cmp);
    ld_buf_puts(&b, "<h2>Pupils by class</h2>\n<table class=\"noprint\" id=\"pupils\"><tbody>\n");
    for (size_t c = 0; c < nc; c++) {
        ld_buf_puts(&b, "<tr><th>");
        ld_buf_html(&b, classes[c][0] ? classes[c] : "no class");
        ld_buf_puts(&b, "</th><td>");
        bool lead = true;
        for (size_t k = 0; k < r->roster.count; k++) {
            const struct ld_roster_pupil *p = &r->roster.pupils[s->roster_order[k]];
            if (strcmp(p->class_name, classes[c]))
                continue;
            if (!lead)
                ld_buf_puts(&b, " · ");
            lead = false;
            pupil_link(&b, p, "");
        }
        ld_buf_puts(&b, "</td></tr>\n");
    }
    ld_buf_puts(&b, "</tbody></table>\n");
    free(classes);
    ld_err err = page_end(&b, s, "index.html");
    ld_buf_free(&b);
    return err;
}

/* ---- where the kiosks and the MIS disagree ---- */

/* What the office should change, and where, for one conflict (plain text). */
static void conflict_advice(struct ld_buf *b, const struct ld_report_conflict *c)
{
    const struct ld_report_arrival *a = c->arrival;
    const char *mark = ld_code_str(c->mark), *kiosk = ld_code_str(a->cls.code);
    if (c->voided) {
        ld_buf_printf(b,
                      "The office voided this arrival, but the MIS still has %s: change the "
                      "MIS's mark for this session.",
                      mark);
        return;
    }
    ld_buf_printf(b, "The kiosk recorded an arrival at %02d:%02d (%s", a->minute / 60,
                  a->minute % 60, kiosk);
    if (a->cls.late)
        ld_buf_printf(b, ", %d min late", a->cls.minutes_late);
    ld_buf_printf(b,
                  "); the MIS has %s. If the child came then, change the MIS's %s to %s; if "
                  "the arrival is wrong, correct it here: latedoor report void --event "
                  "%s:%lld (or amend its reason).",
                  mark, mark, kiosk, a->ev->device_id, (long long)a->ev->seq);
}

static ld_err write_conflicts(const struct site *s)
{
    const struct ld_report *r = s->r;
    struct ld_buf b = {0}, csv = {0}, adv = {0};
    page_begin(&b, s, "Kiosks and MIS disagree", "");
    ld_buf_printf(&b,
                  "<p><span id=\"conflicts\">%zu</span> sessions where an MIS mark and the "
                  "kiosks disagree. The MIS mark counts in every figure until one of them is "
                  "put right: change the MIS, or correct the arrival here. "
                  "<a href=\"conflicts.csv\">CSV</a></p>\n",
                  r->nconflicts);
    ld_buf_puts(&b, "<table id=\"conflict-list\"><thead><tr><th>Date</th><th>Session</th>"
                    "<th>Pupil</th><th>Class</th><th>MIS</th><th>Kiosk</th><th>Device:number"
                    "</th><th>What to change where</th></tr></thead><tbody>\n");
    ld_buf_puts(&csv, "Date,Session,UPN,Pupil,Class,MIS Mark,Kiosk Mark,Arrived,Device,Seq,"
                      "Voided,What To Change\r\n");
    for (size_t k = 0; k < r->nconflicts; k++) {
        const struct ld_report_conflict *c = &r->conflicts[k];
        const struct ld_report_arrival *a = c->arrival;
        const struct ld_roster_pupil *p = &r->roster.pupils[c->pupil];
        char ds[LD_DATE_STRLEN], day[16], name[2 * LD_NAME_MAX + 2];
        ld_date_format(c->date, ds);
        ld_report_short_date(c->date, day, sizeof day);
        snprintf(name, sizeof name, "%s %s", p->preferred_first, p->preferred_last);
        adv.len = 0;
        conflict_advice(&adv, c);
        ld_buf_printf(&b, "<tr data-upn=\"%s\" data-date=\"%s\"><td>%s</td><td>%s</td><td>", p->upn,
                      ds, day, c->session ? "pm" : "am");
        pupil_link(&b, p, "");
        ld_buf_puts(&b, "</td><td>");
        ld_buf_html(&b, p->class_name);
        ld_buf_puts(&b, "</td>");
        mark_cell(&b, c->mark);
        ld_buf_printf(&b, "<td>%s%02d:%02d %s%s</td><td>", c->voided ? "<del>" : "", a->minute / 60,
                      a->minute % 60, ld_code_str(a->cls.code), c->voided ? "</del> voided" : "");
        ld_buf_html(&b, a->ev->device_id);
        ld_buf_printf(&b, ":%lld</td><td>", (long long)a->ev->seq);
        ld_buf_html(&b, adv.p);
        ld_buf_puts(&b, "</td></tr>\n");
        ld_buf_printf(&csv, "%s,%s,%s,", ds, c->session ? "PM" : "AM", p->upn);
        ld_buf_csv(&csv, name);
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, p->class_name);
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, ld_code_str(c->mark));
        ld_buf_puts(&csv, ",");
        ld_buf_csv(&csv, ld_code_str(a->cls.code));
        ld_buf_printf(&csv, ",%02d:%02d,", a->minute / 60, a->minute % 60);
        ld_buf_csv(&csv, a->ev->device_id);
        ld_buf_printf(&csv, ",%lld,%s,", (long long)a->ev->seq, c->voided ? "yes" : "no");
        ld_buf_csv(&csv, adv.p);
        ld_buf_puts(&csv, "\r\n");
    }
    if (!r->nconflicts)
        ld_buf_puts(&b, "<tr><td colspan=\"8\">None: the kiosks and the MIS agree.</td></tr>\n");
    ld_buf_puts(&b, "</tbody></table>\n");
    ld_err err = page_end(&b, s, "conflicts.html");
    if (!err)
        err = ld_buf_write_file(&csv, s->dir, "conflicts.csv", s->msg, s->msglen);
    ld_buf_free(&b);
    ld_buf_free(&csv);
    ld_buf_free(&adv);
    return err;
}

/* ---- the MIS export ---- */

static ld_err write_mis_export(const struct site *s)
{
    const struct ld_report *r = s->r;
    struct ld_buf csv = {0};
    ld_buf_puts(&csv, "UPN,Date,Session,Code,Minutes Late,Reason\r\n");
    for (size_t i = 0; i < r->narrivals; i++) {
        const struct ld_report_arrival *a = &r->arrivals[i];
        if (a->date > r->as_of)
            break;
        if (a->voided || !a->decides || !ld_report_arrival_on_roll(r, a) ||
            a->cls.outcome == LD_OUTCOME_ON_TIME || !ld_calendar_is_school_day(r->cal, a->date))
            continue;
        char ds[LD_DATE_STRLEN];
        ld_date_format(a->date, ds);
        ld_buf_csv(&csv, a->ev->upn);
        ld_buf_printf(&csv, ",%s,%s,", ds, a->cls.session ? "PM" : "AM");
        ld_buf_csv(&csv, ld_code_str(a->cls.code));
        ld_buf_printf(&csv, ",%d,", a->cls.minutes_late);
        ld_buf_csv(&csv, a->reason);
        ld_buf_puts(&csv, "\r\n");
    }
    ld_err err = site_file(s, &csv, "mis-export.csv");
    ld_buf_free(&csv);
    return err;
}

/* ---- the whole site ---- */

/* Fills s's indexes: arrivals grouped by pupil, the roster by name (freed by site_free). */
static ld_err site_init(struct site *s)
{
    const struct ld_report *r = s->r;
    size_t n = r->roster.count;
    ld_date_format(r->as_of, s->today);
    s->by_pupil = calloc(r->narrivals + 1, sizeof *s->by_pupil);
    s->pupil_first = calloc(n + 2, sizeof *s->pupil_first);
    s->roster_order = calloc(n + 1, sizeof *s->roster_order);
    if (!s->by_pupil || !s->pupil_first || !s->roster_order) {
        snprintf(s->msg, s->msglen, "report: out of memory");
        return LD_ERR_NOMEM;
    }
    for (size_t i = 0; i < r->narrivals; i++)
        if (r->arrivals[i].pupil >= 0)
            s->pupil_first[r->arrivals[i].pupil + 2]++;
    for (size_t p = 2; p < n + 2; p++)
        s->pupil_first[p] += s->pupil_first[p - 1];
    for (size_t i = 0; i < r->narrivals; i++)
        if (r->arrivals[i].pupil >= 0)
            s->by_pupil[s->pupil_first[r->arrivals[i].pupil + 1]++] = i;
    for (size_t i = 0; i < n; i++)
        s->roster_order[i] = i;
    qsort_r(s->roster_order, n, sizeof *s->roster_order, by_name, (void *)&r->roster);
    return LD_OK;
}

static void site_free(struct site *s)
{
    free(s->by_pupil);
    free(s->pupil_first);
    free(s->roster_order);
}

ld_err ld_report_write(const struct ld_report *r, const struct ld_report_options *opt, char *msg,
                       size_t msglen)
{
    struct site s = {.r = r, .dir = opt->out_dir, .msg = msg, .msglen = msglen, .day = r->as_of};
    struct ld_letter_template *tpl = NULL;
    struct ld_buf b = {0};
    size_t n = r->roster.count;
    ld_err err = ld_letter_template_load(
        opt->template ? opt->template : ld_report_default_template(), &tpl, msg, msglen);
    if (err)
        return err;
    if ((err = site_init(&s)))
        goto out;

    if ((err = ld_report_mkdir(opt->out_dir, msg, msglen)) || (err = write_index(&s)) ||
        (err = write_daily(&s)) || (err = write_weekly(&s)) || (err = write_action(&s)) ||
        (err = write_conflicts(&s)) || (err = write_mis_export(&s)))
        goto out;
    for (size_t i = 0; !err && i < n; i++)
        if (r->result_of_pupil[i] >= 0)
            err = write_pupil(&s, i, &b);
    if (!err) {
        struct ld_letter_ctx lc = {.r = r, .today = s.today, .order = s.roster_order};
        err = ld_letters_write(tpl, &lc, opt->out_dir, msg, msglen);
    }
out:
    ld_buf_free(&b);
    ld_letter_template_free(tpl);
    site_free(&s);
    return err;
}

/* ---- one page in memory, for the office application (branch office-app) ---- */

ld_err ld_report_page(const struct ld_report *r, const char *name, ld_date day, struct ld_buf *out,
                      char *msg, size_t msglen)
{
    struct site s = {.r = r, .msg = msg, .msglen = msglen, .day = day, .mem = out, .want = name};
    struct ld_buf b = {0};
    ld_err err = site_init(&s);
    if (err)
        goto out;
    if (!strcmp(name, "index.html"))
        err = write_index(&s);
    else if (!strcmp(name, "daily.html") || !strcmp(name, "late-log.csv"))
        err = write_daily(&s);
    else if (!strcmp(name, "weekly.html") || !strcmp(name, "weekly-classes.csv"))
        err = write_weekly(&s);
    else if (!strcmp(name, "action.html") || !strcmp(name, "action.csv"))
        err = write_action(&s);
    else if (!strcmp(name, "mis-export.csv"))
        err = write_mis_export(&s);
    else if (!strncmp(name, "pupils/", 7) && strlen(name) == 7 + LD_UPN_LEN + 5 &&
             !strcmp(name + 7 + LD_UPN_LEN, ".html")) {
        char upn[LD_UPN_LEN + 1];
        memcpy(upn, name + 7, LD_UPN_LEN);
        upn[LD_UPN_LEN] = '\0';
        long i = ld_report_find_pupil(r, upn);
        if (i < 0 || r->result_of_pupil[i] < 0) {
            snprintf(msg, msglen, "report: no pupil %s", upn);
            err = LD_ERR_NOT_FOUND;
        } else {
            err = write_pupil(&s, (size_t)i, &b);
        }
    } else {
        snprintf(msg, msglen, "report: no page %.60s", name);
        err = LD_ERR_NOT_FOUND;
    }
out:
    ld_buf_free(&b);
    site_free(&s);
    return err;
}

ld_err ld_report_pupil_arrivals(const struct ld_report *r, size_t i, struct ld_buf *out)
{
    struct site s = {.r = r, .day = r->as_of, .mem = out};
    size_t n = 0;
    ld_buf_puts(out,
                "<table id=\"arrivals\"><thead><tr><th>Time</th><th>Pupil</th><th>Class</th>"
                "<th>Mark</th><th class=\"num\">Minutes late</th><th>Reason</th>"
                "<th>Device:number</th><th>Signed in by</th><th>Note</th></tr></thead><tbody>\n");
    for (size_t k = r->narrivals; k-- > 0;) {
        const struct ld_report_arrival *a = &r->arrivals[k];
        if (a->pupil != (long)i)
            continue;
        char ds[LD_DATE_STRLEN];
        ld_date_format(a->date, ds);
        ld_buf_printf(out, "<tr><td colspan=\"9\" class=\"note\">%s</td></tr>\n", ds);
        arrival_row(out, &s, a, "../");
        n++;
    }
    if (!n)
        ld_buf_puts(out, "<tr><td colspan=\"9\">No arrival recorded.</td></tr>\n");
    ld_buf_puts(out, "</tbody></table>\n");
    return out->failed ? LD_ERR_NOMEM : LD_OK;
}
