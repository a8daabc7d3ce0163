/*
 * web_figures.c: the pages of figures: the summary without names, conflicts with the MIS, the
 * settings and the audit (the devices: web_devices.c).
 */
#include "web.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ld_flags.h"
#include "office.h"

/* ---- the summary: figures only, no names ---- */

#define GROUP_MIN 5 /* fewer pupils than this in a group: its figures are not shown */

/* Late sessions by pupil group; a group of fewer than GROUP_MIN pupils is not shown, so that
 * no figure points at a child. */
static void summary_groups(struct ld_buf *b, const struct ld_report *r)
{
    static const struct {
        const char *name;
        unsigned flags;
    } groups[] = {{"Pupil premium", LD_FLAG_PP},
                  {"Special educational needs", LD_FLAG_SEN},
                  {"Vulnerable (social care, looked after, child in need or protection)",
                   LD_FLAG_CP | LD_FLAG_LAC | LD_FLAG_CIN | LD_FLAG_SC},
                  {"Everyone", 0}};
    ld_buf_puts(b, "<h2>By pupil group</h2>\n<table id=\"groups\"><thead><tr><th>Group</th><th "
                   "class=\"num\">Pupils</th><th class=\"num\">Late (L) a pupil</th><th "
                   "class=\"num\">After the register (U) a pupil</th></tr></thead><tbody>\n");
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        int pupils = 0, l = 0, u = 0;
        for (size_t i = 0; i < r->roster.count; i++) {
            const struct ld_pupil_result *pr = ld_report_pupil_result(r, i);
            if (groups[g].flags && !(r->roster.pupils[i].flags & groups[g].flags))
                continue;
            pupils++;
            l += pr ? pr->late_l : 0;
            u += pr ? pr->late_u : 0;
        }
        ld_buf_printf(b, "<tr><td>%s</td>", groups[g].name);
        if (pupils < GROUP_MIN)
            ld_buf_printf(b, "<td colspan=\"3\">fewer than %d pupils: not shown</td></tr>\n",
                          GROUP_MIN);
        else
            ld_buf_printf(b,
                          "<td class=\"num\">%d</td><td class=\"num\">%.1f</td><td "
                          "class=\"num\">%.1f</td></tr>\n",
                          pupils, (double)l / pupils, (double)u / pupils);
    }
    ld_buf_puts(b, "</tbody></table>\n");
}

/* Late sessions week by week over the year, as bars (an SVG chart with its figures as text). */
static void summary_weeks(struct ld_buf *b, const struct ld_report *r)
{
    enum { WEEKS = 53 };
    int late[WEEKS] = {0}, most = 1;
    if (!r->calfile.term_count)
        return;
    ld_date first = r->calfile.terms[0].start;
    first -= (ld_date)ld_date_weekday(first); /* the Monday of the first week */
    for (size_t i = 0; i < r->narrivals; i++) {
        const struct ld_report_arrival *a = &r->arrivals[i];
        long w = (long)(a->date - first) / 7;
        if (a->voided || !a->decides || !a->cls.late || a->date > r->as_of || w < 0 || w >= WEEKS)
            continue;
        if (++late[w] > most)
            most = late[w];
    }
    long nweeks = (long)(r->as_of - first) / 7 + 1;
    if (nweeks > WEEKS)
        nweeks = WEEKS;
    ld_buf_printf(b,
                  "<h2>Late sessions week by week</h2>\n<svg id=\"weeks\" role=\"img\" "
                  "viewBox=\"0 0 %ld 110\" style=\"width:100%%;max-width:50em;height:auto\">"
                  "<title>Late sessions a week since the year began</title>",
                  nweeks * 12 + 4);
    for (long w = 0; w < nweeks; w++) {
        int h = late[w] * 100 / most;
        char ds[LD_DATE_STRLEN];
        ld_date_format(first + (ld_date)(w * 7), ds);
        ld_buf_printf(b,
                      "<rect x=\"%ld\" y=\"%d\" width=\"10\" height=\"%d\" fill=\"#f0a202\">"
                      "<title>w/c %s: %d</title></rect>",
                      w * 12 + 2, 104 - h, h, ds, late[w]);
    }
    ld_buf_printf(
        b, "</svg>\n<p class=\"note\">The tallest bar is %d late sessions in a week.</p>\n", most);
}

void web_summary(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    size_t first = 0, late_today = 0, arrivals_today = 0, needs = 0;
    for (; first < r->narrivals; first++)
        if (r->arrivals[first].date == r->as_of) {
            const struct ld_report_arrival *a = &r->arrivals[first];
            arrivals_today += !a->voided;
            late_today += !a->voided && a->decides && a->cls.late;
        }
    for (size_t i = 0; i < r->roster.count; i++)
        needs += ld_report_needs_action(r, i);
    web_page_open(q, "Summary", school);
    ld_buf_puts(b, "<main><h1>Summary</h1>\n<p class=\"muted\">");
    ld_buf_html(b, r->school_name);
    ld_buf_printf(b,
                  "</p>\n<table id=\"summary\"><tbody><tr><th>Pupils on roll</th><td "
                  "class=\"num\">%zu</td></tr><tr><th>Arrivals recorded today</th><td "
                  "class=\"num\">%zu</td></tr><tr><th>Late sessions today</th><td "
                  "class=\"num\">%zu</td></tr><tr><th>Pupils needing action</th><td "
                  "class=\"num\">%zu</td></tr></tbody></table>\n",
                  r->roster.count, arrivals_today, late_today, needs);
    /* by year group: pupils, late sessions (L and U) and minutes lost this year */
    ld_buf_puts(b, "<h2>By year group</h2>\n<table id=\"years\"><thead><tr><th>Year</th><th "
                   "class=\"num\">Pupils</th><th class=\"num\">Late (L)</th><th class=\"num\">"
                   "After the register (U)</th><th class=\"num\">Minutes lost</th></tr></thead>"
                   "<tbody>\n");
    bool *done = calloc(r->roster.count + 1, 1);
    for (size_t i = 0; done && i < r->roster.count; i++) {
        if (done[i])
            continue;
        const char *year = r->roster.pupils[i].year;
        int pupils = 0, l = 0, u = 0, minutes = 0;
        for (size_t j = i; j < r->roster.count; j++) {
            const struct ld_pupil_result *pr = ld_report_pupil_result(r, j);
            if (done[j] || strcmp(r->roster.pupils[j].year, year))
                continue;
            done[j] = true;
            pupils++;
            if (pr) {
                l += pr->late_l;
                u += pr->late_u;
                minutes += pr->late_minutes;
            }
        }
        ld_buf_puts(b, "<tr><td>");
        ld_buf_html(b, year[0] ? year : "—");
        ld_buf_printf(b,
                      "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td "
                      "class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n",
                      pupils, l, u, minutes);
    }
    free(done);
    ld_buf_puts(b, "</tbody></table>\n");
    summary_groups(b, r);
    summary_weeks(b, r);
    ld_buf_puts(b, "</main>\n");
    web_page_close(q);
}

/* ---- conflicts: the kiosks against the MIS ---- */

/* The MIS mark of upn, day and session in r's sorted marks, or NULL. */
static const struct ld_central_mark *mis_mark(const struct ld_report *r, const char *upn,
                                              ld_date day, int session)
{
    size_t lo = 0, hi = r->marks.count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct ld_central_mark *m = &r->marks.items[mid];
        int c = strcmp(m->upn, upn);
        if (!c)
            c = m->date < day ? -1 : m->date > day ? 1 : m->session - session;
        if (!c)
            return m;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Every session where a kiosk saw a pupil arrive and the MIS holds another mark, newest first,
 * with what to change where. */
void web_conflicts(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    size_t n = 0;
    web_page_open(q, "Conflicts", school);
    ld_buf_puts(b, "<main><h1>Kiosks against the MIS</h1>\n<p>Sessions where a kiosk saw the "
                   "pupil arrive and the MIS holds another mark. The MIS is the register of "
                   "record: change it there, or correct the kiosk's arrival here.</p>\n");
    if (!r->has_mis_marks)
        ld_buf_puts(b, "<p class=\"muted\">No MIS marks are imported yet: nothing to compare."
                       "</p>\n");
    ld_buf_puts(b, "<div class=\"scroll\"><table id=\"conflicts\"><thead><tr><th>Date</th>"
                   "<th>Session</th><th>Pupil</th><th>Kiosk</th><th>MIS</th><th>What to do</th>"
                   "</tr></thead><tbody>\n");
    for (size_t k = r->narrivals; r->has_mis_marks && k-- > 0;) {
        const struct ld_report_arrival *a = &r->arrivals[k];
        if (a->voided || !a->decides || a->pupil < 0 || a->date > r->as_of)
            continue;
        const struct ld_central_mark *m = mis_mark(r, a->ev->upn, a->date, (int)a->cls.session);
        enum ld_code mis;
        if (!m || !ld_code_parse(m->code, &mis) || mis == a->cls.code)
            continue;
        char ds[LD_DATE_STRLEN];
        ld_date_format(a->date, ds);
        ld_buf_printf(b, "<tr><td>%s</td><td>%s</td><td>", ds, a->cls.session ? "pm" : "am");
        web_pupil_link(b, &r->roster.pupils[a->pupil]);
        ld_buf_printf(b, "</td><td>%s at %02d:%02d</td><td>", ld_code_str(a->cls.code),
                      a->minute / 60, a->minute % 60);
        ld_buf_html(b, m->code);
        ld_buf_printf(b,
                      "</td><td>In the MIS, mark %s (%d minutes late) if the child came in then; "
                      "if the kiosk is wrong, <a href=\"correct?ev=",
                      ld_code_str(a->cls.code), a->cls.minutes_late);
        ld_buf_html(b, a->ev->device_id);
        ld_buf_printf(b, ":%lld\">correct the arrival</a>.</td></tr>\n", (long long)a->ev->seq);
        n++;
    }
    if (!n)
        ld_buf_puts(b, "<tr><td colspan=\"6\">No conflicts.</td></tr>\n");
    ld_buf_puts(b, "</tbody></table></div>\n<h2>To the MIS</h2>\n<p>The kiosks' late marks of "
                   "every session that changed since the last export (new arrivals and "
                   "corrections), to key into the MIS; \"no late mark\" where a mark sent before "
                   "no longer stands.</p><form method=\"post\" action=\"mis-changes.csv\">");
    web_csrf_input(q);
    ld_buf_puts(b, "<button id=\"mis-changes\">Export what changed</button></form></main>\n");
    web_page_close(q);
}

/* ---- the audit ---- */

void web_audit_page(struct web_req *q, const char *school)
{
    struct ld_central_audit *lines = calloc(200, sizeof *lines);
    size_t n = 0;
    char msg[512];
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = lines ? ld_central_audit_list(q->w->c, school, lines, 200, &n, msg, sizeof msg)
                       : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    if (err) {
        free(lines);
        web_error(q, 500, school, "The audit could not be read.");
        return;
    }
    web_page_open(q, "Audit", school);
    ld_buf_puts(&q->body, "<main><h1>Audit</h1>\n<table id=\"audit\"><thead><tr><th>When (UTC)"
                          "</th><th>Who</th><th>What</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        time_t t = (time_t)(lines[i].at_ms / 1000);
        struct tm tm;
        char when[32] = "";
        if (gmtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        ld_buf_printf(&q->body, "<tr><td>%s</td><td>", when);
        ld_buf_html(&q->body, lines[i].who);
        ld_buf_puts(&q->body, "</td><td>");
        ld_buf_html(&q->body, lines[i].what);
        ld_buf_puts(&q->body, "</td></tr>\n");
    }
    ld_buf_puts(&q->body, "</tbody></table></main>\n");
    web_page_close(q);
    free(lines);
}
