/*
 * web_school.c: one school's pages in latedoor-office: Today (the live late log, unknown cards,
 * the kiosks), the report's pages (Action, Classes, a pupil), search, corrections as forms, the
 * calling list with its calls, the summary without names, devices and the audit.
 */
#include "web.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ld_flags.h"
#include "office.h"

#define SEARCH_MAX 50
#define CALLS_MAX  500

static const char *const outcomes[][2] = {{"reached", "Reached"},
                                          {"message", "Message left"},
                                          {"no-answer", "No answer"},
                                          {"escalated", "Escalated to the safeguarding lead"}};

/* Writes p's preferred name, escaped. */
static void pupil_name(struct ld_buf *b, const struct ld_roster_pupil *p)
{
    ld_buf_html(b, p->preferred_first);
    ld_buf_puts(b, " ");
    ld_buf_html(b, p->preferred_last);
}

/* Writes a link to p's page (from a page of the school's folder) with p's name. */
static void pupil_link(struct ld_buf *b, const struct ld_roster_pupil *p)
{
    ld_buf_puts(b, "<a href=\"pupils/");
    ld_buf_html(b, p->upn);
    ld_buf_puts(b, ".html\">");
    pupil_name(b, p);
    ld_buf_puts(b, "</a>");
}

static bool sees_names(const struct web_req *q)
{
    return q->s.user.role == LD_ROLE_OFFICE || q->s.user.role == LD_ROLE_LEAD;
}

/* Runs the report's page name into the body, wrapped in this application's layout. */
static void report_page(struct web_req *q, const char *school, struct web_report *wr,
                        const char *name, const char *title, ld_date day)
{
    char msg[512];
    web_page_open(q, title, school);
    ld_err err = web_report_page(wr, name, day, &q->body, msg, sizeof msg);
    if (err == LD_ERR_NOT_FOUND)
        web_error(q, 404, school, "No such page or pupil.");
    else if (err)
        web_error(q, 500, school, msg);
    else
        web_page_close(q);
}

static void calls_of(struct ld_buf *b, const struct ld_central_orec *recs, size_t n,
                     const char *prefix);

/* A pupil's page: the report's, then every arrival with its corrections, then the calls. */
static void pupil_page(struct web_req *q, const char *school, struct web_report *wr,
                       const char *name)
{
    const struct ld_report *r = wr->r;
    char upn[LD_UPN_LEN + 1] = "", msg[512];
    snprintf(upn, sizeof upn, "%.*s", LD_UPN_LEN, name + 7);
    long i = ld_report_find_pupil(r, upn);
    web_page_open(q, "Pupil", school);
    ld_err err =
        i < 0 ? LD_ERR_NOT_FOUND : web_report_page(wr, name, r->as_of, &q->body, msg, sizeof msg);
    if (err == LD_ERR_NOT_FOUND) {
        web_error(q, 404, school, "No such page or pupil.");
        return;
    }
    if (err) {
        web_error(q, 500, school, msg);
        return;
    }
    ld_buf_puts(&q->body, "<div class=\"page\"><h2>Every arrival, with its corrections</h2>\n"
                          "<div class=\"scroll\">");
    if (ld_report_pupil_arrivals(r, (size_t)i, &q->body)) {
        web_error(q, 500, school, "out of memory");
        return;
    }
    ld_buf_puts(&q->body, "</div>\n<h2>Calls to the family</h2>\n<p id=\"pupil-calls\">");
    struct ld_central_orec *recs = calloc(CALLS_MAX, sizeof *recs);
    size_t n = 0;
    pthread_mutex_lock(&q->w->store_lock);
    err = recs ? ld_central_orecs(q->w->c, LD_OREC_CALL, school, NULL, recs, CALLS_MAX, &n, msg,
                                  sizeof msg)
               : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    size_t shown = 0;
    for (size_t k = 0; (!err || err == LD_ERR_RANGE) && k < n; k++) {
        const char *slash = strchr(recs[k].key, '/');
        if (!slash || strncmp(slash + 1, upn, LD_UPN_LEN) || slash[1 + LD_UPN_LEN] != '/')
            continue;
        ld_buf_printf(&q->body, "%s%.10s: ", shown++ ? "<br>" : "", recs[k].key);
        char prefix[LD_CENTRAL_OREC_KEY_MAX + 1];
        snprintf(prefix, sizeof prefix, "%s", recs[k].key);
        calls_of(&q->body, &recs[k], 1, prefix);
    }
    if (!shown)
        ld_buf_puts(&q->body, "No call logged.");
    ld_buf_puts(&q->body, "</p></div>\n");
    free(recs);
    web_page_close(q);
}

/* A CSV file of the report (the late log of the request's day), to download. */
static void report_csv(struct web_req *q, const char *school, const struct ld_report *r,
                       const char *name)
{
    char msg[512];
    ld_date day = r->as_of;
    const char *d = web_field(q, "date");
    if (d && d[0] && !ld_date_parse(d, &day)) {
        web_error(q, 400, school, "That is not a date (YYYY-MM-DD).");
        return;
    }
    if (ld_report_page(r, name, day, &q->body, msg, sizeof msg)) {
        web_error(q, 500, school, msg);
        return;
    }
    q->type = "text/csv; charset=utf-8";
    ld_date_format(day, q->download);
    snprintf(q->download + strlen(q->download), sizeof q->download - strlen(q->download), "-%s",
             name);
    char what[96];
    snprintf(what, sizeof what, "exported %s", q->download);
    web_audit(q, school, what);
}

/* The day of the request's date field, or the report's day; false for a malformed one. */
static bool day_of(const struct web_req *q, const struct ld_report *r, ld_date *day)
{
    const char *d = web_field(q, "date");
    *day = r->as_of;
    return !d || !d[0] || ld_date_parse(d, day);
}

/* ---- Today ---- */

/* Unknown cards and each kiosk's last event on day (local times via the school's zone). */
static void today_extras(struct web_req *q, const struct ld_report *r, ld_date day)
{
    struct ld_tz *tz = NULL;
    char msg[256];
    int64_t from = 0, to = 0;
    if (ld_tz_open(r->timezone, &tz, msg, sizeof msg) ||
        ld_clock_from_local(tz, day, 0, 0, &from, msg, sizeof msg) ||
        ld_clock_from_local(tz, day + 1, 0, 0, &to, msg, sizeof msg)) {
        ld_tz_close(tz);
        return;
    }
    struct ld_buf *b = &q->body;
    size_t unknown = 0;
    ld_buf_puts(b, "<h2>Unknown cards</h2>\n<ul id=\"unknown\">");
    /* kiosks: the last event each device recorded on the day, in the order first seen */
    const char *dev[32];
    int64_t last[32];
    size_t count[32], ndev = 0;
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ld_central_event *e = &r->events[i];
        if (e->at_ms < from || e->at_ms >= to)
            continue;
        if (e->kind == LD_CEV_UNKNOWN_CARD) {
            ld_date d;
            ld_minute m;
            if (!ld_clock_to_local(tz, e->at_ms, &d, &m, NULL)) {
                ld_buf_printf(b, "<li>%02d:%02d card ", m / 60, m % 60);
                ld_buf_html(b, e->card);
                ld_buf_puts(b, " at ");
                ld_buf_html(b, e->device_id);
                ld_buf_puts(b, "</li>");
                unknown++;
            }
        }
        if (e->source == LD_CSRC_OFFICE)
            continue;
        size_t k = 0;
        while (k < ndev && strcmp(dev[k], e->device_id))
            k++;
        if (k == ndev && ndev < 32) {
            dev[ndev] = e->device_id;
            count[ndev] = 0;
            ndev++;
        }
        if (k < ndev) {
            last[k] = e->at_ms;
            count[k]++;
        }
    }
    if (!unknown)
        ld_buf_puts(b, "<li>None.</li>");
    ld_buf_puts(b, "</ul>\n<h2>Kiosks</h2>\n<p class=\"strip\" id=\"kiosks\">");
    for (size_t k = 0; k < ndev; k++) {
        ld_date d;
        ld_minute m;
        if (ld_clock_to_local(tz, last[k], &d, &m, NULL))
            continue;
        ld_buf_puts(b, "<span>");
        ld_buf_html(b, dev[k]);
        ld_buf_printf(b, ": %zu events, last %02d:%02d</span>", count[k], m / 60, m % 60);
    }
    if (!ndev)
        ld_buf_puts(b, "No kiosk has recorded anything on this day.");
    ld_buf_puts(b, "</p>\n");
    ld_tz_close(tz);
}

/* The live part of Today: the report's late log of day, then the unknown cards and kiosks. */
static ld_err live_part(struct web_req *q, struct web_report *wr, ld_date day, char *msg,
                        size_t msglen)
{
    ld_err err = web_report_page(wr, "daily.html", day, &q->body, msg, msglen);
    if (!err)
        today_extras(q, wr->r, day);
    return err;
}

static void today(struct web_req *q, const char *school, struct web_report *wr, bool frag)
{
    const struct ld_report *r = wr->r;
    ld_date day;
    char ds[LD_DATE_STRLEN], prev[LD_DATE_STRLEN], next[LD_DATE_STRLEN], msg[512];
    if (!day_of(q, r, &day)) {
        web_error(q, 400, school, "That is not a date (YYYY-MM-DD).");
        return;
    }
    ld_date_format(day, ds);
    if (frag) {
        const char *v = web_field(q, "v");
        char have[24];
        snprintf(have, sizeof have, "%" PRId64, wr->last_seq);
        if (v && !strcmp(v, have)) {
            q->status = 204;
            return;
        }
        if (live_part(q, wr, day, msg, sizeof msg)) {
            web_error(q, 500, school, msg);
            return;
        }
        snprintf(q->log_version, sizeof q->log_version, "%" PRId64, wr->last_seq);
        return;
    }
    ld_date_format(day - 1, prev);
    ld_date_format(day + 1, next);
    web_page_open(q, "Today", school);
    ld_buf_printf(&q->body,
                  "<div class=\"page\"><form method=\"get\" action=\"today\" class=\"noprint\"><a "
                  "href=\"today?date=%s\" id=\"prev-day\">← %s</a> <input type=\"date\" "
                  "name=\"date\" value=\"%s\" aria-label=\"Date\"> <button>Go</button> <a "
                  "href=\"today?date=%s\" id=\"next-day\">%s →</a></form>\n",
                  prev, prev, ds, next, next);
    ld_buf_printf(&q->body,
                  "<div id=\"live\" data-src=\"today.frag?date=%s\" data-v=\"%" PRId64 "\">", ds,
                  wr->last_seq);
    if (live_part(q, wr, day, msg, sizeof msg)) {
        web_error(q, 500, school, msg);
        return;
    }
    ld_buf_puts(&q->body, "</div></div>\n");
    web_page_close(q);
}

/* ---- search ---- */

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return true;
    return n == 0;
}

static void search(struct web_req *q, const char *school, const struct ld_report *r)
{
    const char *text = web_field(q, "q");
    char t[80];
    snprintf(t, sizeof t, "%s", text ? text : "");
    /* trim: a name copied with a space around it still finds the pupil */
    char *p = t;
    while (isspace((unsigned char)*p))
        p++;
    for (size_t n = strlen(p); n && isspace((unsigned char)p[n - 1]); n--)
        p[n - 1] = '\0';
    web_page_open(q, "Search", school);
    ld_buf_puts(&q->body, "<main><h1>Search</h1>\n<p>Pupils matching “");
    ld_buf_html(&q->body, p);
    ld_buf_puts(&q->body, "”:</p>\n<ul id=\"results\">");
    size_t found = 0;
    for (size_t i = 0; p[0] && i < r->roster.count && found < SEARCH_MAX; i++) {
        const struct ld_roster_pupil *u = &r->roster.pupils[i];
        char full[2 * LD_NAME_MAX + 2], legal[2 * LD_NAME_MAX + 2];
        snprintf(full, sizeof full, "%s %s", u->preferred_first, u->preferred_last);
        snprintf(legal, sizeof legal, "%s %s", u->legal_first, u->legal_last);
        if (!contains_ci(full, p) && !contains_ci(legal, p) && strcasecmp(u->upn, p) &&
            strcasecmp(u->class_name, p))
            continue;
        ld_buf_puts(&q->body, "<li>");
        pupil_link(&q->body, u);
        ld_buf_puts(&q->body, " · ");
        ld_buf_html(&q->body, u->class_name);
        ld_buf_puts(&q->body, "</li>");
        found++;
    }
    if (!found)
        ld_buf_puts(&q->body, "<li>No pupil matches.</li>");
    ld_buf_puts(&q->body, "</ul></main>\n");
    web_page_close(q);
}

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
        pupil_name(b, p);
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

static void correct(struct web_req *q, const char *school, const struct ld_report *r)
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

/* ---- the calling list ---- */

/* Keys calls and letters "DATE/UPN/MS.RANDOM": two on the same millisecond stay two. */
static void unique_key(struct ld_central_orec *rec, const char *date, const char *upn, int64_t ms)
{
    char rnd[65];
    web_random_hex(rnd);
    snprintf(rec->key, sizeof rec->key, "%s/%s/%" PRId64 ".%.8s", date, upn, ms, rnd);
}

static const char *outcome_name(const char *key)
{
    for (size_t i = 0; key && i < sizeof outcomes / sizeof outcomes[0]; i++)
        if (!strcmp(outcomes[i][0], key))
            return outcomes[i][1];
    return NULL;
}

/* Saves a call to the pupil of the form's upn on the report's day. */
static void call_post(struct web_req *q, const char *school, const struct ld_report *r)
{
    const char *upn = web_field(q, "upn"), *outcome = web_field(q, "outcome");
    const char *note = web_field(q, "note");
    char msg[512], ds[LD_DATE_STRLEN];
    if (!upn || ld_report_find_pupil(r, upn) < 0 || !outcome_name(outcome)) {
        web_error(q, 400, school, "Choose the pupil and what happened.");
        return;
    }
    if (note && strlen(note) > 300) {
        web_error(q, 400, school, "The note is longer than 300 characters.");
        return;
    }
    int64_t now = web_now_ms(q->w);
    struct ld_central_orec rec = {.kind = LD_OREC_CALL, .updated_ms = now};
    ld_date_format(r->as_of, ds);
    unique_key(&rec, ds, upn, now);
    snprintf(rec.school, sizeof rec.school, "%s", school);
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    if (o && cJSON_AddStringToObject(o, "by", q->s.user.name) &&
        cJSON_AddStringToObject(o, "outcome", outcome) &&
        cJSON_AddStringToObject(o, "note", note ? note : "") &&
        (text = cJSON_PrintUnformatted(o)) && strlen(text) < sizeof rec.value)
        snprintf(rec.value, sizeof rec.value, "%s", text);
    cJSON_free(text);
    cJSON_Delete(o);
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = rec.value[0] ? ld_central_orec_add(q->w->c, &rec, msg, sizeof msg) : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    if (err) {
        web_error(q, 500, school, rec.value[0] ? msg : "The call could not be saved.");
        return;
    }
    char what[128];
    snprintf(what, sizeof what, "call to the family of %s: %s", upn, outcome);
    web_audit(q, school, what);
    web_redirect(q, "calls");
}

/* Writes the calls logged today for upn (recs sorted by key: by pupil, then time). */
static void calls_of(struct ld_buf *b, const struct ld_central_orec *recs, size_t n,
                     const char *prefix)
{
    size_t plen = strlen(prefix), shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(recs[i].key, prefix, plen))
            continue;
        cJSON *o = cJSON_Parse(recs[i].value);
        const cJSON *by = cJSON_GetObjectItemCaseSensitive(o, "by");
        const cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "outcome");
        const cJSON *note = cJSON_GetObjectItemCaseSensitive(o, "note");
        const char *said = cJSON_IsString(out) ? outcome_name(out->valuestring) : NULL;
        if (said && cJSON_IsString(by) && cJSON_IsString(note)) {
            ld_buf_puts(b, shown++ ? "<br>" : "<span class=\"call\">");
            ld_buf_html(b, said);
            ld_buf_puts(b, " — ");
            ld_buf_html(b, by->valuestring);
            if (note->valuestring[0]) {
                ld_buf_puts(b, ": ");
                ld_buf_html(b, note->valuestring);
            }
        }
        cJSON_Delete(o);
    }
    ld_buf_puts(b, shown ? "</span>" : "<span class=\"muted\">not called yet</span>");
}

static void calls(struct web_req *q, const char *school, const struct ld_report *r)
{
    char ds[LD_DATE_STRLEN], msg[512];
    struct ld_buf *b = &q->body;
    ld_date_format(r->as_of, ds);
    struct ld_central_orec *recs = calloc(CALLS_MAX, sizeof *recs);
    size_t n = 0;
    char prefix[LD_DATE_STRLEN + 2];
    snprintf(prefix, sizeof prefix, "%s/", ds);
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = recs ? ld_central_orecs(q->w->c, LD_OREC_CALL, school, prefix, recs, CALLS_MAX, &n,
                                         msg, sizeof msg)
                      : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    if (err && err != LD_ERR_RANGE) {
        free(recs);
        web_error(q, 500, school, recs ? msg : "out of memory");
        return;
    }
    size_t total = ld_result_call_count(r->result);
    web_page_open(q, "Calling list", school);
    ld_buf_printf(b,
                  "<main><h1>First-day calling, %s</h1>\n<p>Pupils absent this morning with no "
                  "reason known, in the order to call. Each call is logged for the next person."
                  "</p>\n<div class=\"scroll\"><table id=\"calls\"><thead><tr><th>#</th>"
                  "<th>Pupil</th><th>Class</th><th>Flags</th><th>Calls today</th><th>Log a call"
                  "</th></tr></thead><tbody>\n",
                  ds);
    for (size_t k = 0; k < total; k++) {
        const struct ld_pupil_result *c = ld_result_call(r->result, k);
        long i = ld_report_find_pupil(r, c->id);
        if (i < 0)
            continue;
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        char pp[LD_DATE_STRLEN + LD_UPN_LEN + 4];
        ld_buf_printf(b, "<tr data-upn=\"%s\"><td>%zu</td><td>", p->upn, k + 1);
        pupil_link(b, p);
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, p->class_name);
        ld_buf_puts(b, "</td><td>");
        for (unsigned bit = 1; bit <= LD_FLAG_SEN; bit <<= 1)
            if (p->flags & bit)
                ld_buf_printf(b, "<span class=\"badge\">%s</span>", ld_flag_name(bit));
        ld_buf_puts(b, "</td><td>");
        snprintf(pp, sizeof pp, "%s/%s/", ds, p->upn);
        calls_of(b, recs, n, pp);
        ld_buf_puts(b, "</td><td><form method=\"post\" action=\"calls\">");
        web_csrf_input(q);
        ld_buf_printf(b,
                      "<input type=\"hidden\" name=\"upn\" value=\"%s\"><select "
                      "name=\"outcome\" aria-label=\"Outcome\">",
                      p->upn);
        for (size_t o = 0; o < sizeof outcomes / sizeof outcomes[0]; o++)
            ld_buf_printf(b, "<option value=\"%s\">%s</option>", outcomes[o][0], outcomes[o][1]);
        ld_buf_puts(b, "</select> <input name=\"note\" maxlength=\"300\" placeholder=\"Note\" "
                       "aria-label=\"Note\"> <button>Log</button></form></td></tr>\n");
    }
    if (!total)
        ld_buf_puts(b, "<tr><td colspan=\"6\">Nobody to call.</td></tr>\n");
    ld_buf_puts(b, "</tbody></table></div></main>\n");
    web_page_close(q);
    free(recs);
}

/* ---- letters ---- */

/* Logs that the letter of upn was printed or sent, as an office record and in the audit. */
static ld_err letter_log(struct web_req *q, const char *school, const char *upn, const char *what)
{
    char msg[512], ds[LD_DATE_STRLEN], line[128];
    int64_t now = web_now_ms(q->w);
    struct ld_central_orec rec = {.kind = LD_OREC_LETTER, .updated_ms = now};
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    strftime(ds, sizeof ds, "%Y-%m-%d", gmtime_r(&t, &tm) ? &tm : &(struct tm){0});
    unique_key(&rec, ds, upn, now);
    snprintf(rec.school, sizeof rec.school, "%s", school);
    snprintf(rec.value, sizeof rec.value, "{\"by\":\"%s\",\"what\":\"%s\"}", q->s.user.name, what);
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = ld_central_orec_add(q->w->c, &rec, msg, sizeof msg);
    pthread_mutex_unlock(&q->w->store_lock);
    if (err) {
        fprintf(stderr, "latedoor-office: letter: %s\n", msg);
        return err;
    }
    snprintf(line, sizeof line, "letter to the family of %s %s", upn, what);
    web_audit(q, school, line);
    return LD_OK;
}

/* One family's letter, as a whole A4 document to print; opening it is logged. */
static void letter_page(struct web_req *q, const char *school, const struct ld_report *r,
                        const char *name)
{
    char upn[LD_UPN_LEN + 1] = "", msg[512], today[LD_DATE_STRLEN];
    long i = -1;
    if (strlen(name) == 8 + LD_UPN_LEN + 5 && !strcmp(name + 8 + LD_UPN_LEN, ".html")) {
        snprintf(upn, sizeof upn, "%.*s", LD_UPN_LEN, name + 8);
        i = ld_report_find_pupil(r, upn);
    }
    if (i < 0 || !ld_report_needs_letter(r, (size_t)i)) {
        web_error(q, 404, school, "No letter for this pupil.");
        return;
    }
    if (!q->w->letter) {
        web_error(q, 503, school, "The letter template could not be read: ask your technician.");
        return;
    }
    ld_date_format(r->as_of, today);
    struct ld_letter_ctx ctx = {.r = r, .today = today};
    if (ld_letter_page(q->w->letter, &ctx, (size_t)i, &q->body, msg, sizeof msg) ||
        letter_log(q, school, upn, "printed")) {
        web_error(q, 500, school, "The letter could not be made.");
        return;
    }
}

/* The families to write to, each with what was done with its letter. */
static void letters(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    char msg[512];
    if (!strcmp(q->method, "POST")) {
        const char *upn = web_field(q, "upn");
        long i = upn ? ld_report_find_pupil(r, upn) : -1;
        if (i < 0 || !ld_report_needs_letter(r, (size_t)i)) {
            web_error(q, 400, school, "No letter for this pupil.");
            return;
        }
        if (letter_log(q, school, upn, "marked sent"))
            web_error(q, 500, school, "It could not be saved.");
        else
            web_redirect(q, "letters");
        return;
    }
    struct ld_central_orec *recs = calloc(CALLS_MAX, sizeof *recs);
    size_t n = 0;
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = recs ? ld_central_orecs(q->w->c, LD_OREC_LETTER, school, NULL, recs, CALLS_MAX, &n,
                                         msg, sizeof msg)
                      : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    if (err == LD_ERR_RANGE)
        err = LD_OK; /* the first CALLS_MAX are shown */
    web_page_open(q, "Letters", school);
    ld_buf_puts(b, "<main><h1>Letters to parents</h1>\n<p>One A4 letter a family with a pattern of "
                   "lateness. <strong>Print</strong> opens it to print (logged); "
                   "<strong>Sent</strong> records that it went.</p>\n<div class=\"scroll\">"
                   "<table id=\"letters\"><thead><tr><th>Pupil</th><th>Class</th><th>Done</th>"
                   "<th></th></tr></thead><tbody>\n");
    size_t shown = 0;
    for (size_t i = 0; !err && i < r->roster.count; i++) {
        if (!ld_report_needs_letter(r, i))
            continue;
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        ld_buf_printf(b, "<tr data-upn=\"%s\"><td>", p->upn);
        pupil_link(b, p);
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, p->class_name);
        ld_buf_puts(b, "</td><td>");
        size_t done = 0;
        for (size_t k = 0; k < n; k++) {
            const char *slash = strchr(recs[k].key, '/');
            if (!slash || strncmp(slash + 1, p->upn, LD_UPN_LEN))
                continue;
            cJSON *o = cJSON_Parse(recs[k].value);
            const cJSON *by = cJSON_GetObjectItemCaseSensitive(o, "by");
            const cJSON *what = cJSON_GetObjectItemCaseSensitive(o, "what");
            if (cJSON_IsString(by) && cJSON_IsString(what)) {
                ld_buf_printf(b, "%s%.10s ", done++ ? "<br>" : "", recs[k].key);
                ld_buf_html(b, what->valuestring);
                ld_buf_puts(b, " by ");
                ld_buf_html(b, by->valuestring);
            }
            cJSON_Delete(o);
        }
        ld_buf_printf(b,
                      "</td><td><a class=\"print\" href=\"letters/%s.html\" "
                      "target=\"_blank\">Print</a> <form method=\"post\" action=\"letters\" "
                      "style=\"display:inline\">",
                      p->upn);
        web_csrf_input(q);
        ld_buf_printf(b,
                      "<input type=\"hidden\" name=\"upn\" value=\"%s\"><button>Sent"
                      "</button></form></td></tr>\n",
                      p->upn);
        shown++;
    }
    if (!shown)
        ld_buf_puts(b, "<tr><td colspan=\"4\">No letters to send.</td></tr>\n");
    ld_buf_puts(b, "</tbody></table></div></main>\n");
    web_page_close(q);
    free(recs);
}

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

static void summary(struct web_req *q, const char *school, const struct ld_report *r)
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
static void conflicts(struct web_req *q, const char *school, const struct ld_report *r)
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
        pupil_link(b, &r->roster.pupils[a->pupil]);
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
    ld_buf_puts(b, "</tbody></table></div></main>\n");
    web_page_close(q);
}

/* ---- settings: what the school's kiosks and pages work to ---- */

static void code_or_keep(struct ld_buf *b, enum ld_code code, const char *keep)
{
    const char *c = ld_code_str(code);
    if (c[0])
        ld_buf_printf(b, "<strong>%s</strong>", c);
    else
        ld_buf_puts(b, keep);
}

static void settings(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    char a[LD_DATE_STRLEN], z[LD_DATE_STRLEN];
    const struct ld_sessions *ss = &r->sessions;
    web_page_open(q, "Settings", school);
    ld_buf_puts(b, "<main><h1>Settings</h1>\n<p>What the kiosks and these pages work to, as the "
                   "central store holds it; your technician changes it.</p>\n");
    ld_buf_printf(b,
                  "<h2>Sessions</h2>\n<table id=\"sessions\"><thead><tr><th></th><th>Register "
                  "starts</th><th>Register closes</th></tr></thead><tbody><tr><th>Morning</th>"
                  "<td>%02d:%02d</td><td>%02d:%02d</td></tr><tr><th>Afternoon</th><td>%02d:%02d"
                  "</td><td>%02d:%02d</td></tr></tbody></table>\n<p>Time zone: ",
                  ss->am.start / 60, ss->am.start % 60, ss->am.register_closes / 60,
                  ss->am.register_closes % 60, ss->pm.start / 60, ss->pm.start % 60,
                  ss->pm.register_closes / 60, ss->pm.register_closes % 60);
    ld_buf_html(b, r->timezone);
    ld_buf_puts(b, ".</p>\n<h2>Reasons and what they do</h2>\n<table id=\"reasons\"><thead>"
                   "<tr><th>Reason</th><th>Before the register closes</th><th>After it closes"
                   "</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->reason_count; i++) {
        ld_buf_puts(b, "<tr><td>");
        ld_buf_html(b, r->reasons[i].name);
        ld_buf_puts(b, "</td><td>");
        code_or_keep(b, r->reasons[i].rule.before_close, "L (kept)");
        ld_buf_puts(b, "</td><td>");
        code_or_keep(b, r->reasons[i].rule.after_close, "U (kept)");
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_puts(b, "</tbody></table>\n<h2>Calendar</h2>\n<table id=\"terms\"><thead><tr><th>"
                   "Half-term</th><th>From</th><th>To</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->calfile.term_count; i++) {
        ld_date_format(r->calfile.terms[i].start, a);
        ld_date_format(r->calfile.terms[i].end, z);
        ld_buf_puts(b, "<tr><td>");
        ld_buf_html(b, r->calfile.terms[i].name);
        ld_buf_printf(b, "</td><td>%s</td><td>%s</td></tr>\n", a, z);
    }
    ld_buf_puts(b, "</tbody></table>\n<table id=\"closed\"><thead><tr><th>Closed</th><th>"
                   "</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->calfile.closed_count; i++) {
        ld_date_format(r->calfile.closed[i].date, a);
        ld_buf_printf(b, "<tr><td>%s</td><td>", a);
        ld_buf_html(b, r->calfile.closed[i].label);
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_puts(b, "</tbody></table></main>\n");
    web_page_close(q);
}

/* ---- devices and the audit ---- */

static void devices(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    web_page_open(q, "Devices", school);
    ld_buf_puts(b, "<main><h1>Devices</h1>\n<table id=\"devices\"><thead><tr><th>Device</th>"
                   "<th class=\"num\">Events</th><th>Last event (UTC)</th><th>Clock</th></tr>"
                   "</thead><tbody>\n");
    bool *done = calloc(r->nevents + 1, 1);
    for (size_t i = 0; done && i < r->nevents; i++) {
        if (done[i])
            continue;
        const char *dev = r->events[i].device_id;
        size_t n = 0, bad_clock = 0;
        int64_t last = 0;
        for (size_t j = i; j < r->nevents; j++) {
            if (done[j] || strcmp(r->events[j].device_id, dev))
                continue;
            done[j] = true;
            n++;
            last = r->events[j].at_ms > last ? r->events[j].at_ms : last;
            bad_clock += r->events[j].clock_state != 0;
        }
        time_t t = (time_t)(last / 1000);
        struct tm tm;
        char when[32] = "";
        if (gmtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        ld_buf_puts(b, "<tr><td>");
        ld_buf_html(b, dev);
        ld_buf_printf(b, "</td><td class=\"num\">%zu</td><td>%s</td><td>%s</td></tr>\n", n, when,
                      bad_clock ? "some events with an untrusted clock" : "good");
    }
    free(done);
    ld_buf_puts(b, "</tbody></table></main>\n");
    web_page_close(q);
}

static void audit_page(struct web_req *q, const char *school)
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

/* ---- the routes of a school ---- */

void web_school(struct web_req *q, const char *school, const char *rest)
{
    enum ld_user_role role = q->s.user.role;
    bool post = !strcmp(q->method, "POST");
    bool for_tech = !strcmp(rest, "devices") || !strcmp(rest, "audit") ||
                    !strcmp(rest, "settings") || !strcmp(rest, "upload");
    bool for_head = !strcmp(rest, "summary");
    /* who may open what: a head the summary only, a technician no pupil's page */
    if ((role == LD_ROLE_HEAD && !for_head) || (role == LD_ROLE_TECH && !for_tech)) {
        web_error(q, 404, school, "No such page.");
        return;
    }
    if (!strcmp(rest, "audit") && role != LD_ROLE_TECH) {
        web_error(q, 404, school, "No such page.");
        return;
    }
    if (!strcmp(rest, "audit")) {
        audit_page(q, school);
        return;
    }
    char msg[512];
    struct web_report *wr = web_report_get(q->w, school, msg, sizeof msg);
    if (!wr) {
        fprintf(stderr, "latedoor-office: %s\n", msg);
        web_error(q, 503, school, msg);
        return;
    }
    const struct ld_report *r = wr->r;
    if (!strcmp(rest, "today") || !strcmp(rest, "daily.html"))
        today(q, school, wr, false);
    else if (!strcmp(rest, "today.frag"))
        today(q, school, wr, true);
    else if (!strcmp(rest, "action.html"))
        report_page(q, school, wr, "action.html", "Action", r->as_of);
    else if (!strcmp(rest, "weekly.html"))
        report_page(q, school, wr, "weekly.html", "Classes", r->as_of);
    else if (!strcmp(rest, "index.html"))
        report_page(q, school, wr, "index.html", "Pupils", r->as_of);
    else if (!strncmp(rest, "pupils/", 7) && sees_names(q))
        pupil_page(q, school, wr, rest);
    else if (!strcmp(rest, "late-log.csv") || !strcmp(rest, "action.csv") ||
             !strcmp(rest, "weekly-classes.csv") || !strcmp(rest, "mis-export.csv"))
        report_csv(q, school, r, rest);
    else if (!strcmp(rest, "search"))
        search(q, school, r);
    else if (!strcmp(rest, "correct"))
        correct(q, school, r);
    else if (!strcmp(rest, "calls") && post)
        call_post(q, school, r);
    else if (!strcmp(rest, "calls"))
        calls(q, school, r);
    else if (!strcmp(rest, "summary"))
        summary(q, school, r);
    else if (!strcmp(rest, "letters"))
        letters(q, school, r);
    else if (!strncmp(rest, "letters/", 8))
        letter_page(q, school, r, rest);
    else if (!strcmp(rest, "devices"))
        devices(q, school, r);
    else if (!strcmp(rest, "settings"))
        settings(q, school, r);
    else if (!strcmp(rest, "conflicts"))
        conflicts(q, school, r);
    else if (!strcmp(rest, "upload") && role != LD_ROLE_LEAD)
        web_upload(q, school, r);
    else
        web_error(q, 404, school, "No such page.");
    web_report_put(q->w, wr);
}
