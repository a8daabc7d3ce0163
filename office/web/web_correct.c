/*
 * web_correct.c: corrections as forms: a new reason, a new time, a void or an un-void, each
 * confirmed before it is saved.
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

/* Opens a correction's form for ev: its CSRF token, the arrival, the action, the first step. */
static void form_open(struct web_req *q, const char *ev, const char *action)
{
    struct ld_buf *b = &q->body;
    ld_buf_puts(b, "<form method=\"post\" action=\"correct\">");
    web_csrf_input(q);
    ld_buf_puts(b, "<input type=\"hidden\" name=\"ev\" value=\"");
    ld_buf_html(b, ev);
    ld_buf_printf(b,
                  "\"><input type=\"hidden\" name=\"action\" value=\"%s\"><input "
                  "type=\"hidden\" name=\"step\" value=\"confirm\">",
                  action);
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
        ld_buf_puts(b, "<h2>Un-void it</h2>\n<p>The void was a mistake: the arrival counts again. "
                       "The void is kept in its history.</p>");
        form_open(q, ev, "unvoid");
        ld_buf_puts(b, "<input name=\"note\" id=\"note\" maxlength=\"200\" placeholder=\"Why "
                       "(optional)\" aria-label=\"Why\"> <button id=\"unvoid\">Next</button>"
                       "</form>\n<p>A voided arrival takes no other correction until it is "
                       "un-voided.</p></main>\n");
        web_page_close(q);
        return;
    }
    ld_buf_puts(b, "<h2>A new reason</h2>\n");
    form_open(q, ev, "amend");
    ld_buf_puts(b, "<select name=\"reason\" id=\"reason\" aria-label=\"Reason\">");
    for (size_t i = 0; i < r->reason_count; i++) {
        ld_buf_puts(b, "<option>");
        ld_buf_html(b, r->reasons[i].name);
        ld_buf_puts(b, "</option>");
    }
    ld_buf_puts(b, "</select> <button id=\"amend\">Next</button></form>\n<h2>Change the "
                   "time</h2>\n<p>When the child really arrived, on the same day (a tap made "
                   "late, or a clock that was wrong).</p>");
    form_open(q, ev, "retime");
    ld_buf_printf(b,
                  "<input type=\"time\" name=\"time\" id=\"time\" required value=\"%02d:%02d\" "
                  "aria-label=\"New time\"> <button id=\"retime\">Next</button></form>\n",
                  a->minute / 60, a->minute % 60);
    ld_buf_puts(b, "<h2>Void it</h2>\n<p>For a tap by mistake or the wrong child: the arrival no "
                   "longer counts. It is kept, struck through.</p>");
    form_open(q, ev, "void");
    ld_buf_puts(b, "<input name=\"note\" id=\"note\" maxlength=\"200\" placeholder=\"Why "
                   "(optional)\" aria-label=\"Why\"> <button id=\"void\">Next</button></form>"
                   "</main>\n");
    web_page_close(q);
}

/* The correction named by a form's action field, or 0 for none. */
static enum ld_office_action action_of(const char *action)
{
    static const char *const names[] = {[LD_OFFICE_AMEND] = "amend",
                                        [LD_OFFICE_VOID] = "void",
                                        [LD_OFFICE_UNVOID] = "unvoid",
                                        [LD_OFFICE_RETIME] = "retime"};
    for (int k = LD_OFFICE_AMEND; action && k <= LD_OFFICE_RETIME; k++)
        if (!strcmp(action, names[k]))
            return (enum ld_office_action)k;
    return 0;
}

/* The confirmation: what the correction will do, and the form that saves it. */
static void confirm_page(struct web_req *q, const char *school, const struct ld_report *r,
                         const struct ld_report_arrival *a, const char *ev,
                         enum ld_office_action act, const char *action, const char *field,
                         const char *text)
{
    struct ld_buf *b = &q->body;
    web_page_open(q, "Confirm the correction", school);
    ld_buf_puts(b, "<main><h1>Check before saving</h1>\n<div class=\"confirm\"><p>");
    arrival_said(b, r, a);
    if (act == LD_OFFICE_AMEND) {
        ld_buf_puts(b, ".</p><p>New reason: <strong id=\"new-reason\">");
        ld_buf_html(b, text);
        ld_buf_puts(b, "</strong> (was ");
        ld_buf_html(b, a->reason[0] ? a->reason : "none");
        ld_buf_puts(b, ").</p>");
    } else if (act == LD_OFFICE_RETIME) {
        ld_buf_puts(b, ".</p><p>New time: <strong id=\"new-time\">");
        ld_buf_html(b, text);
        ld_buf_printf(b, "</strong> (was %02d:%02d), on the same day.</p>", a->minute / 60,
                      a->minute % 60);
    } else {
        ld_buf_puts(b, act == LD_OFFICE_VOID
                           ? ".</p><p><strong>Void this arrival</strong>: it will no longer count."
                           : ".</p><p><strong>Un-void this arrival</strong>: it will count again.");
        if (act == LD_OFFICE_UNVOID && a->void_ev) {
            ld_buf_puts(b, " It was voided");
            if (a->void_ev->staff[0]) {
                ld_buf_puts(b, " by ");
                ld_buf_html(b, a->void_ev->staff);
            }
            if (a->void_ev->reason[0]) {
                ld_buf_puts(b, " (");
                ld_buf_html(b, a->void_ev->reason);
                ld_buf_puts(b, ")");
            }
            ld_buf_puts(b, ".");
        }
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
    ld_buf_printf(b, "\"><input type=\"hidden\" name=\"action\" value=\"%s\">", action);
    ld_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", field);
    ld_buf_html(b, text ? text : "");
    ld_buf_puts(b, "\"><input type=\"hidden\" name=\"step\" value=\"save\"><button "
                   "id=\"save\">Save</button> <a href=\"today\">Cancel</a></form></div>"
                   "</main>\n");
    web_page_close(q);
}

static void correct_post(struct web_req *q, const char *school, const struct ld_report *r,
                         const struct ld_report_arrival *a, const char *ev, const char *device,
                         int64_t seq)
{
    static const char *const done[] = {[LD_OFFICE_AMEND] = "amended",
                                       [LD_OFFICE_VOID] = "voided",
                                       [LD_OFFICE_UNVOID] = "un-voided",
                                       [LD_OFFICE_RETIME] = "retimed"};
    const char *action = web_field(q, "action"), *step = web_field(q, "step");
    enum ld_office_action act = action_of(action);
    const char *field = act == LD_OFFICE_AMEND    ? "reason"
                        : act == LD_OFFICE_RETIME ? "time"
                                                  : "note";
    const char *text = web_field(q, field);
    char msg[512], ds[LD_DATE_STRLEN];
    if (!act) {
        web_error(q, 400, school, "Unknown correction.");
        return;
    }
    if (act == LD_OFFICE_AMEND && !reason_known(r, text)) {
        web_error(q, 400, school, "Choose a reason from the school's list.");
        return;
    }
    if (act == LD_OFFICE_RETIME && (!text || !text[0])) {
        web_error(q, 400, school, "Give the new time (HH:MM).");
        return;
    }
    if (!step || strcmp(step, "save")) {
        /* a correction that would be refused is said now, before the person confirms it */
        pthread_mutex_lock(&q->w->store_lock);
        ld_err err = ld_office_check(q->w->c, school, act, device, seq, text, q->s.user.name,
                                     web_now_ms(q->w), msg, sizeof msg);
        pthread_mutex_unlock(&q->w->store_lock);
        if (err)
            web_error(q, err == LD_ERR_INVALID ? 409 : 500, school, msg);
        else
            confirm_page(q, school, r, a, ev, act, action, field, text);
        return;
    }
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = ld_office_correct(q->w->c, school, act, device, seq, text, q->s.user.name,
                                   web_now_ms(q->w), NULL, msg, sizeof msg);
    pthread_mutex_unlock(&q->w->store_lock);
    if (err) {
        web_error(q, err == LD_ERR_INVALID ? 409 : 500, school, msg);
        return;
    }
    char what[LD_CENTRAL_AUDIT_WHAT_MAX + 1];
    snprintf(what, sizeof what, "%s arrival %s of %s: %.200s", done[act], ev, a->ev->upn,
             text ? text : "");
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
