/*
 * web_school.c: one school's pages in latedoor-office and who may open them: Today (the live
 * late log, unknown cards, the kiosks), the report's pages (Action, Classes, a pupil with every
 * arrival and call), search and the CSV downloads; the rest is in web_correct.c,
 * web_family.c, web_figures.c and web_upload.c.
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

/* Writes p's preferred name, escaped. */
void web_pupil_name(struct ld_buf *b, const struct ld_roster_pupil *p)
{
    ld_buf_html(b, p->preferred_first);
    ld_buf_puts(b, " ");
    ld_buf_html(b, p->preferred_last);
}

/* Writes a link to p's page (from a page of the school's folder) with p's name. */
void web_pupil_link(struct ld_buf *b, const struct ld_roster_pupil *p)
{
    ld_buf_puts(b, "<a href=\"pupils/");
    ld_buf_html(b, p->upn);
    ld_buf_puts(b, ".html\">");
    web_pupil_name(b, p);
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
    struct ld_central_orec *recs = calloc(LD_WEB_RECORDS_SHOWN, sizeof *recs);
    size_t n = 0;
    pthread_mutex_lock(&q->w->store_lock);
    err = recs ? ld_central_orecs(q->w->c, LD_OREC_CALL, school, NULL, recs, LD_WEB_RECORDS_SHOWN,
                                  &n, msg, sizeof msg)
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
        web_calls_of(&q->body, &recs[k], 1, prefix);
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

/*
 * The MIS export of what changed since the last one (posted: it moves the school's last export
 * on), as a dated CSV to download; the moment is kept only when the file is made.
 */
static void mis_changes(struct web_req *q, const char *school, const struct ld_report *r)
{
    char msg[512], day[LD_DATE_STRLEN];
    int64_t since = 0, since_ms = 0;
    size_t rows = 0;
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = ld_mis_export_last(q->w->c, school, &since, &since_ms, msg, sizeof msg);
    if (!err) {
        ld_mis_export_changes(r, since, &q->body, &rows);
        err = q->body.failed ? LD_ERR_NOMEM : LD_OK;
        if (err)
            snprintf(msg, sizeof msg, "The export is too large to make.");
    }
    if (!err)
        err = ld_mis_export_mark(q->w->c, school, ld_mis_export_upto(r), web_now_ms(q->w), msg,
                                 sizeof msg);
    pthread_mutex_unlock(&q->w->store_lock);
    if (err) {
        ld_buf_free(&q->body);
        memset(&q->body, 0, sizeof q->body);
        web_error(q, 500, school, msg);
        return;
    }
    /* named by the school's local date and minute of the export */
    struct ld_tz *tz = NULL;
    ld_date date = r->as_of;
    ld_minute minute = 0;
    if (!ld_tz_open(r->timezone, &tz, msg, sizeof msg) &&
        ld_clock_to_local(tz, web_now_ms(q->w), &date, &minute, NULL))
        date = r->as_of;
    ld_tz_close(tz);
    q->type = "text/csv; charset=utf-8";
    ld_date_format(date, day);
    snprintf(q->download, sizeof q->download, "%s-%02d%02d-mis-changes.csv", day, minute / 60,
             minute % 60);
    char what[128];
    snprintf(what, sizeof what, "exported %s: %zu sessions changed", q->download, rows);
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

/* Unknown cards on day, and the kiosks: their state now from their reports, else (none has
 * reported) each one's last event on day (local times via the school's zone). */
static void today_extras(struct web_req *q, const struct web_kiosks *kiosks,
                         const struct ld_report *r, ld_date day)
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
    if (web_kiosks_strip(q, kiosks, tz))
        ndev = 0; /* their reports say more than their events */
    else if (!ndev)
        ld_buf_puts(b, "No kiosk has recorded anything on this day.");
    for (size_t k = 0; k < ndev; k++) {
        ld_date d;
        ld_minute m;
        if (ld_clock_to_local(tz, last[k], &d, &m, NULL))
            continue;
        ld_buf_puts(b, "<span>");
        ld_buf_html(b, dev[k]);
        ld_buf_printf(b, ": %zu events, last %02d:%02d</span>", count[k], m / 60, m % 60);
    }
    ld_buf_puts(b, "</p>\n");
    ld_tz_close(tz);
}

/* The live part of Today: the report's late log of day, then the unknown cards and kiosks. */
static ld_err live_part(struct web_req *q, const struct web_kiosks *kiosks, struct web_report *wr,
                        ld_date day, char *msg, size_t msglen)
{
    ld_err err = web_report_page(wr, "daily.html", day, &q->body, msg, msglen);
    if (!err)
        today_extras(q, kiosks, wr->r, day);
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
    /* the kiosks' reports, read once: the page's version and its strip */
    struct web_kiosks kiosks = {0};
    (void)web_kiosks_read(q, school, &kiosks); /* unread: the strip falls back to the events */
    /* the log's version and the kiosks' (a report arrived, a minute passed) */
    char have[48];
    snprintf(have, sizeof have, "%" PRId64 ".%" PRId64, wr->last_seq, web_kiosks_stamp(q, &kiosks));
    if (frag) {
        const char *v = web_field(q, "v");
        if (v && !strcmp(v, have))
            q->status = 204;
        else if (live_part(q, &kiosks, wr, day, msg, sizeof msg))
            web_error(q, 500, school, msg);
        else
            snprintf(q->log_version, sizeof q->log_version, "%s", have);
        goto out;
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
    ld_buf_printf(&q->body, "<div id=\"live\" data-src=\"today.frag?date=%s\" data-v=\"%s\">", ds,
                  have);
    if (live_part(q, &kiosks, wr, day, msg, sizeof msg)) {
        web_error(q, 500, school, msg);
        goto out;
    }
    ld_buf_puts(&q->body, "</div></div>\n");
    web_page_close(q);
out:
    web_kiosks_free(&kiosks);
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
        web_pupil_link(&q->body, u);
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

/* ---- the routes of a school ---- */

void web_school(struct web_req *q, const char *school, const char *rest)
{
    enum ld_user_role role = q->s.user.role;
    bool post = !strcmp(q->method, "POST");
    bool for_tech = !strcmp(rest, "devices") || !strcmp(rest, "audit") ||
                    !strcmp(rest, "settings") || !strcmp(rest, "upload");
    bool for_head = !strcmp(rest, "summary");
    /* only a technician changes the settings: refused outright, whoever else asks */
    if (post && !strcmp(rest, "settings") && role != LD_ROLE_TECH) {
        web_error(q, 403, school, "Only a technician changes the settings.");
        return;
    }
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
        web_audit_page(q, school);
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
    else if (!strcmp(rest, "mis-changes.csv") && post && sees_names(q))
        mis_changes(q, school, r);
    else if (!strcmp(rest, "search"))
        search(q, school, r);
    else if (!strcmp(rest, "correct"))
        web_correct(q, school, r);
    else if (!strcmp(rest, "calls") && post)
        web_call_post(q, school, r);
    else if (!strcmp(rest, "calls"))
        web_calls(q, school, r);
    else if (!strcmp(rest, "summary"))
        web_summary(q, school, r);
    else if (!strcmp(rest, "letters"))
        web_letters(q, school, r);
    else if (!strncmp(rest, "letters/", 8))
        web_letter_page(q, school, r, rest);
    else if (!strcmp(rest, "devices"))
        web_devices(q, school, r);
    else if (!strcmp(rest, "settings"))
        web_settings(q, school, r);
    else if (!strcmp(rest, "conflicts"))
        web_conflicts(q, school, r);
    else if (!strcmp(rest, "upload") && role != LD_ROLE_LEAD)
        web_upload(q, school, r);
    else
        web_error(q, 404, school, "No such page.");
    web_report_put(q->w, wr);
}
