/*
 * web_family.c: what the office does with a family: the calling list with its calls logged, and
 * letters printed and sent, each kept in the central store and audited.
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

static const char *const outcomes[][2] = {{"reached", "Reached"},
                                          {"message", "Message left"},
                                          {"no-answer", "No answer"},
                                          {"escalated", "Escalated to the safeguarding lead"}};

/* ---- the calling list ---- */

/* Keys calls and letters "DATE/UPN/MS.RANDOM": two on the same millisecond stay two. */
void web_unique_key(struct ld_central_orec *rec, const char *date, const char *upn, int64_t ms)
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
void web_call_post(struct web_req *q, const char *school, const struct ld_report *r)
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
    web_unique_key(&rec, ds, upn, now);
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
void web_calls_of(struct ld_buf *b, const struct ld_central_orec *recs, size_t n,
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

void web_calls(struct web_req *q, const char *school, const struct ld_report *r)
{
    char ds[LD_DATE_STRLEN], msg[512];
    struct ld_buf *b = &q->body;
    ld_date_format(r->as_of, ds);
    struct ld_central_orec *recs = calloc(LD_WEB_RECORDS_SHOWN, sizeof *recs);
    size_t n = 0;
    char prefix[LD_DATE_STRLEN + 2];
    snprintf(prefix, sizeof prefix, "%s/", ds);
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = recs ? ld_central_orecs(q->w->c, LD_OREC_CALL, school, prefix, recs,
                                         LD_WEB_RECORDS_SHOWN, &n, msg, sizeof msg)
                      : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    if (err && err != LD_ERR_RANGE) {
        free(recs);
        web_error(q, 500, school, recs ? msg : "out of memory");
        return;
    }
    /* only from evidence (today's MIS marks, everyone's sign-in), as the report's page */
    size_t total = ld_report_call_count(r);
    char basis[256];
    ld_report_call_basis_text(r, basis, sizeof basis);
    web_page_open(q, "Calling list", school);
    ld_buf_printf(b,
                  "<main><h1>First-day calling, %s</h1>\n<p>Pupils absent this morning with no "
                  "reason known, in the order to call. Each call is logged for the next person."
                  "</p>\n<p class=\"note\" id=\"call-basis\">%s",
                  ds, total ? "Made " : "Nobody is listed: ");
    ld_buf_html(b, basis);
    ld_buf_puts(b, ".</p>\n<div class=\"scroll\"><table id=\"call-log\"><thead><tr><th>#</th>"
                   "<th>Pupil</th><th>Class</th><th>Flags</th><th>Calls today</th><th>Log a call"
                   "</th></tr></thead><tbody>\n");
    for (size_t k = 0; k < total; k++) {
        const struct ld_pupil_result *c = ld_result_call(r->result, k);
        long i = ld_report_find_pupil(r, c->id);
        if (i < 0)
            continue;
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        char pp[LD_DATE_STRLEN + LD_UPN_LEN + 4];
        ld_buf_printf(b, "<tr data-upn=\"%s\"><td>%zu</td><td>", p->upn, k + 1);
        web_pupil_link(b, p);
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, p->class_name);
        ld_buf_puts(b, "</td><td>");
        for (unsigned bit = 1; bit <= LD_FLAG_SEN; bit <<= 1)
            if (p->flags & bit)
                ld_buf_printf(b, "<span class=\"badge\">%s</span>", ld_flag_name(bit));
        ld_buf_puts(b, "</td><td>");
        snprintf(pp, sizeof pp, "%s/%s/", ds, p->upn);
        web_calls_of(b, recs, n, pp);
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
    web_unique_key(&rec, ds, upn, now);
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
void web_letter_page(struct web_req *q, const char *school, const struct ld_report *r,
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
void web_letters(struct web_req *q, const char *school, const struct ld_report *r)
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
    struct ld_central_orec *recs = calloc(LD_WEB_RECORDS_SHOWN, sizeof *recs);
    size_t n = 0;
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = recs ? ld_central_orecs(q->w->c, LD_OREC_LETTER, school, NULL, recs,
                                         LD_WEB_RECORDS_SHOWN, &n, msg, sizeof msg)
                      : LD_ERR_NOMEM;
    pthread_mutex_unlock(&q->w->store_lock);
    if (err == LD_ERR_RANGE)
        err = LD_OK; /* the first LD_WEB_RECORDS_SHOWN are shown */
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
        web_pupil_link(b, p);
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
