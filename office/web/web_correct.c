/* web_correct.c: corrections as forms: a new reason or a void, confirmed before it is saved. */
#include "web.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ld_flags.h"
#include "office.h"

/* ---- corrections ---- */

/* Finds the arrival ev ("DEVICE:SEQ") in r; NULL when there is none. */
static const struct ld_report_arrival *arrival_of(const struct ld_report *r, const char *ev,
                                                  char device[LD_CENTRAL_ID_MAX + 1], int64_t *seq)
{
    const char *colon = ev ? strrchr(ev, ':') : NULL;
    if (!colon || colon == ev || (size_t)(colon - ev) > LD_CENTRAL_ID_MAX)
        return NULL;
    memcpy(device, ev, (size_t)(colon - ev));
    device[colon - ev] = '\0';
    char *end = NULL;
    long long s = strtoll(colon + 1, &end, 10);
    if (!colon[1] || *end || s < 1)
        return NULL;
    *seq = s;
    for (size_t i = 0; i < r->narrivals; i++)
        if (r->arrivals[i].ev->seq == s && !strcmp(r->arrivals[i].ev->device_id, device))
            return &r->arrivals[i];
    return NULL;
}

static bool reason_known(const struct ld_report *r, const char *reason)
{
    for (size_t i = 0; reason && i < r->reason_count; i++)
        if (!strcmp(r->reasons[i].name, reason))
            return true;
    return false;
}

/* Pupil, date and time of a, as the confirmation names them. */
static void arrival_said(struct ld_buf *b, const struct ld_report *r,
                         const struct ld_report_arrival *a)
{
    char ds[LD_DATE_STRLEN];
    ld_date_format(a->date, ds);
    ld_buf_puts(b, "<strong id=\"who\">");
    if (a->pupil >= 0) {
        const struct ld_roster_pupil *p = &r->roster.pupils[a->pupil];
        web_pupil_name(b, p);
        ld_buf_puts(b, "</strong> (");
        ld_buf_html(b, p->class_name);
        ld_buf_puts(b, ")");
    } else {
        ld_buf_html(b, a->ev->upn);
        ld_buf_puts(b, "</strong>");
    }
    ld_buf_printf(b, ", arrived <strong id=\"when\">%s at %02d:%02d</strong>", ds, a->minute / 60,
                  a->minute % 60);
}

static void correct_form(struct web_req *q, const char *school, const struct ld_report *r,
                         const struct ld_report_arrival *a, const char *ev)
{
    struct ld_buf *b = &q->body;
    web_page_open(q, "Correct an arrival", school);
    ld_buf_puts(b, "<main><h1>Correct an arrival</h1>\n<p>");
    arrival_said(b, r, a);
    ld_buf_puts(b, ". Reason now: ");
    ld_buf_html(b, a->reason[0] ? a->reason : "none");
    ld_buf_puts(b, a->voided ? ". <strong>Voided.</strong></p>\n" : ".</p>\n");
    if (a->voided) {
        ld_buf_puts(b, "<p>A voided arrival cannot be corrected again here.</p></main>\n");
        web_page_close(q);
        return;
    }
    ld_buf_puts(b, "<h2>A new reason</h2>\n<form method=\"post\" action=\"correct\">");
    web_csrf_input(q);
    ld_buf_puts(b, "<input type=\"hidden\" name=\"ev\" value=\"");
    ld_buf_html(b, ev);
    ld_buf_puts(b, "\"><input type=\"hidden\" name=\"action\" value=\"amend\"><input "
                   "type=\"hidden\" name=\"step\" value=\"confirm\"><select name=\"reason\" "
                   "id=\"reason\" aria-label=\"Reason\">");
    for (size_t i = 0; i < r->reason_count; i++) {
        ld_buf_puts(b, "<option>");
        ld_buf_html(b, r->reasons[i].name);
        ld_buf_puts(b, "</option>");
    }
    ld_buf_puts(b, "</select> <button id=\"amend\">Next</button></form>\n<h2>Void it</h2>\n<p>"
                   "For a tap by mistake or the wrong child: the arrival no longer counts. It is "
                   "kept, struck through.</p><form method=\"post\" action=\"correct\">");
    web_csrf_input(q);
    ld_buf_puts(b, "<input type=\"hidden\" name=\"ev\" value=\"");
    ld_buf_html(b, ev);
    ld_buf_puts(b, "\"><input type=\"hidden\" name=\"action\" value=\"void\"><input "
                   "type=\"hidden\" name=\"step\" value=\"confirm\"><input name=\"note\" "
                   "id=\"note\" maxlength=\"200\" placeholder=\"Why (optional)\" "
                   "aria-label=\"Why\"> <button id=\"void\">Next</button></form></main>\n");
    web_page_close(q);
}

static void correct_post(struct web_req *q, const char *school, const struct ld_report *r,
                         const struct ld_report_arrival *a, const char *ev, const char *device,
                         int64_t seq)
{
    const char *action = web_field(q, "action"), *step = web_field(q, "step");
    const char *text = web_field(q, "reason");
    bool amend = action && !strcmp(action, "amend");
    struct ld_buf *b = &q->body;
    char msg[512], ds[LD_DATE_STRLEN];
    if (!amend && !(action && !strcmp(action, "void"))) {
        web_error(q, 400, school, "Unknown correction.");
        return;
    }
    if (!amend)
        text = web_field(q, "note");
    if (amend && !reason_known(r, text)) {
        web_error(q, 400, school, "Choose a reason from the school's list.");
        return;
    }
    if (!step || strcmp(step, "save")) {
        web_page_open(q, "Confirm the correction", school);
        ld_buf_puts(b, "<main><h1>Check before saving</h1>\n<div class=\"confirm\"><p>");
        arrival_said(b, r, a);
        if (amend) {
            ld_buf_puts(b, ".</p><p>New reason: <strong id=\"new-reason\">");
            ld_buf_html(b, text);
            ld_buf_puts(b, "</strong> (was ");
            ld_buf_html(b, a->reason[0] ? a->reason : "none");
            ld_buf_puts(b, ").</p>");
        } else {
            ld_buf_puts(b, ".</p><p><strong>Void this arrival</strong>: it will no longer count.");
            if (text && text[0]) {
                ld_buf_puts(b, " Note: ");
                ld_buf_html(b, text);
            }
            ld_buf_puts(b, "</p>");
        }
        ld_buf_puts(b, "<form method=\"post\" action=\"correct\">");
        web_csrf_input(q);
        ld_buf_puts(b, "<input type=\"hidden\" name=\"ev\" value=\"");
        ld_buf_html(b, ev);
        ld_buf_printf(b, "\"><input type=\"hidden\" name=\"action\" value=\"%s\">",
                      amend ? "amend" : "void");
        ld_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", amend ? "reason" : "note");
        ld_buf_html(b, text ? text : "");
        ld_buf_puts(b, "\"><input type=\"hidden\" name=\"step\" value=\"save\"><button "
                       "id=\"save\">Save</button> <a href=\"today\">Cancel</a></form></div>"
                       "</main>\n");
        web_page_close(q);
        return;
    }
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err =
        ld_office_correct(q->w->c, school, amend ? LD_OFFICE_AMEND : LD_OFFICE_VOID, device, seq,
                          text, q->s.user.name, web_now_ms(q->w), NULL, msg, sizeof msg);
    pthread_mutex_unlock(&q->w->store_lock);
    if (err) {
        web_error(q, err == LD_ERR_INVALID ? 409 : 500, school, msg);
        return;
    }
    char what[LD_CENTRAL_AUDIT_WHAT_MAX + 1];
    snprintf(what, sizeof what, "%s arrival %s of %s: %.200s", amend ? "amended" : "voided", ev,
             a->ev->upn, text ? text : "");
    web_audit(q, school, what);
    web_report_stale(q->w, school);
    ld_date_format(a->date, ds);
    char where[64];
    snprintf(where, sizeof where, "today?date=%s", ds);
    web_redirect(q, where);
}

void web_correct(struct web_req *q, const char *school, const struct ld_report *r)
{
    const char *ev = web_field(q, "ev");
    char device[LD_CENTRAL_ID_MAX + 1];
    int64_t seq = 0;
    const struct ld_report_arrival *a = arrival_of(r, ev, device, &seq);
    if (!a) {
        web_error(q, 404, school, "No such arrival at this school.");
        return;
    }
    if (!strcmp(q->method, "POST"))
        correct_post(q, school, r, a, ev, device, seq);
    else
        correct_form(q, school, r, a, ev);
}
