/*
 * web_settings.c: the Settings page: what the school's kiosks and these pages work to (the
 * sessions, the reasons and what they do, bands and thresholds, the calendar). The office reads
 * it; the technician changes it through two forms (the rules, the calendar), each checked whole
 * by the code the command line and the kiosks read them with, confirmed as a list of changes
 * (old → new), then stored in one put that the kiosks pull at their next sync, and audited.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"

/* Appends pre, text escaped, then post. */
static void html_between(struct ld_buf *b, const char *pre, const char *text, const char *post)
{
    ld_buf_puts(b, pre);
    ld_buf_html(b, text);
    ld_buf_puts(b, post);
}

/* What each setting the form changes is called on the page. */
static const char *const rule_labels[LD_OFFICE_RULE_KEYS] = {
    "Arrival mode",
    "Morning session starts (gates close)",
    "Morning register closes",
    "Afternoon session starts",
    "Afternoon register closes",
    "Attendance bands (min % = stage; highest first)",
    "Home languages at the door besides English (pl, ro; empty: each kiosk's own)",
    "Patterns: window (school days)",
    "Patterns: frequent, late sessions in the window",
    "Patterns: same weekday, window (school days)",
    "Patterns: same weekday, late sessions",
    "Patterns: late days in a row",
    "Patterns: rising, late sessions",
    "Patterns: after the register closes, sessions",
    "Patterns: improving, late sessions before",
    "Patterns: improving, at most after",
};

static bool is_tech(const struct web_req *q)
{
    return q->s.user.role == LD_ROLE_TECH;
}

/* The rules r works to, as the settings ld_office_put_rules would store (n of them). */
static ld_err current_rules(const struct ld_report *r, struct ld_central_setting *s, size_t *n,
                            char *msg, size_t msglen)
{
    struct ld_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) {
        snprintf(msg, msglen, "out of memory");
        return LD_ERR_NOMEM;
    }
    ld_config_default(cfg);
    snprintf(cfg->timezone, sizeof cfg->timezone, "%s", r->timezone);
    cfg->arrival_mode = r->everyone_signs_in ? LD_ARRIVAL_EVERYONE : LD_ARRIVAL_LATE_DOOR_ONLY;
    cfg->sessions = r->sessions;
    memcpy(cfg->reasons, r->reasons, sizeof cfg->reasons);
    cfg->reason_count = r->reason_count;
    memcpy(cfg->bands, r->bands, sizeof cfg->bands);
    cfg->band_count = r->band_count;
    cfg->patterns = r->patterns;
    ld_err err = ld_office_rules_of(cfg, s, n, msg, msglen);
    free(cfg);
    if (!err && r->languages[0]) { /* set at the centre only by this page: not a file's rule */
        snprintf(s[*n].key, sizeof s[*n].key, "kiosk.languages");
        snprintf(s[*n].value, sizeof s[*n].value, "%s", r->languages);
        ++*n;
    }
    return err;
}

static const char *setting_of(const struct ld_central_setting *s, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s[i].key, key))
            return s[i].value;
    return "";
}

/*
 * The edits the request's form gives: each of ld_office_rule_keys it holds, and its reasons
 * (a "reasons" box, one "Name = before, after" a line; or "reason.N" fields, as the confirmation
 * sends them back). False with a message when the reasons are too many or none.
 */
static bool form_edits(const struct web_req *q, struct ld_central_setting *e, size_t *n, char *msg,
                       size_t msglen)
{
    *n = 0;
    for (size_t i = 0; i < LD_OFFICE_RULE_KEYS; i++) {
        const char *v = web_field(q, ld_office_rule_keys[i]);
        if (!v)
            continue;
        if (strlen(v) > LD_CENTRAL_SETTING_VALUE_MAX) {
            snprintf(msg, msglen, "%s: longer than %d bytes", ld_office_rule_keys[i],
                     LD_CENTRAL_SETTING_VALUE_MAX);
            return false;
        }
        snprintf(e[*n].key, sizeof e[*n].key, "%s", ld_office_rule_keys[i]);
        snprintf(e[*n].value, sizeof e[*n].value, "%s", v);
        ++*n;
    }
    size_t reasons = 0;
    const char *box = web_field(q, "reasons");
    for (size_t i = 0; i < q->nfields && !box; i++) {
        if (strncmp(q->fields[i].name, "reason.", 7))
            continue;
        if (reasons++ >= LD_CONFIG_MAX_REASONS)
            break;
        if (strlen(q->fields[i].value) > LD_CENTRAL_SETTING_VALUE_MAX) {
            snprintf(msg, msglen, "reason %zu: longer than %d bytes", reasons,
                     LD_CENTRAL_SETTING_VALUE_MAX);
            return false;
        }
        snprintf(e[*n].key, sizeof e[*n].key, "reason.%zu", reasons);
        snprintf(e[*n].value, sizeof e[*n].value, "%s", q->fields[i].value);
        ++*n;
    }
    for (const char *p = box; p && *p;) {
        size_t len = strcspn(p, "\r\n");
        const char *t = p;
        size_t tl = len;
        while (tl && (*t == ' ' || *t == '\t'))
            t++, tl--;
        while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
            tl--;
        if (tl > LD_CENTRAL_SETTING_VALUE_MAX) {
            snprintf(msg, msglen, "reasons: line %zu is longer than %d bytes", reasons + 1,
                     LD_CENTRAL_SETTING_VALUE_MAX);
            return false;
        }
        if (tl && reasons++ < LD_CONFIG_MAX_REASONS) {
            snprintf(e[*n].key, sizeof e[*n].key, "reason.%zu", reasons);
            snprintf(e[*n].value, sizeof e[*n].value, "%.*s", (int)tl, t);
            ++*n;
        }
        p += len;
        p += strspn(p, "\r\n");
    }
    if (reasons > LD_CONFIG_MAX_REASONS) {
        snprintf(msg, msglen, "reasons: more than %d (the door offers at most %d)",
                 LD_CONFIG_MAX_REASONS, LD_CONFIG_MAX_REASONS);
        return false;
    }
    if (box && !reasons) {
        snprintf(msg, msglen, "reasons: none given: the door needs at least one");
        return false;
    }
    return true;
}

/* The form value of key: the request's (a refused form shown again), else the current one. */
static const char *shown(const struct web_req *q, const char *key, const char *current)
{
    const char *v = web_field(q, key);
    return v ? v : current;
}

/* The technician's form of the rules, filled with cur (or what the refused form held). */
static void rules_form(struct web_req *q, const struct ld_central_setting *cur, size_t ncur)
{
    struct ld_buf *b = &q->body;
    ld_buf_puts(b, "<h2>Change the rules</h2>\n<form method=\"post\" action=\"settings\" "
                   "id=\"rules-form\"><input type=\"hidden\" name=\"what\" value=\"rules\">");
    web_csrf_input(q);
    ld_buf_puts(b, "<table class=\"form\"><tbody>\n");
    for (size_t i = 0; i < LD_OFFICE_RULE_KEYS; i++) {
        const char *key = ld_office_rule_keys[i];
        const char *v = shown(q, key, setting_of(cur, ncur, key));
        ld_buf_printf(b, "<tr><th><label for=\"%s\">%s</label></th><td>", key, rule_labels[i]);
        if (!strcmp(key, "arrival_mode")) {
            ld_buf_printf(b, "<select name=\"%s\" id=\"%s\">", key, key);
            for (int m = LD_ARRIVAL_LATE_DOOR_ONLY; m <= LD_ARRIVAL_EVERYONE; m++) {
                const char *name = ld_arrival_mode_name((enum ld_arrival_mode)m);
                ld_buf_printf(b, "<option%s>%s</option>", strcmp(v, name) ? "" : " selected", name);
            }
            ld_buf_puts(b, "</select>");
        } else {
            ld_buf_printf(b, "<input name=\"%s\" id=\"%s\" size=\"%d\" value=\"", key, key,
                          strcmp(key, "bands") ? 6 : 36);
            ld_buf_html(b, v);
            ld_buf_puts(b, "\">");
        }
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_puts(b,
                "<tr><th><label for=\"reason-lines\">Reasons at the door, one a line: name = code "
                "before the register closes, code after (- keeps L or U)</label></th><td>"
                "<textarea name=\"reasons\" id=\"reason-lines\" rows=\"6\" cols=\"40\">");
    const char *box = web_field(q, "reasons");
    if (box)
        ld_buf_html(b, box);
    for (size_t i = 0; !box && i < ncur; i++)
        if (!strncmp(cur[i].key, "reason.", 7)) {
            ld_buf_html(b, cur[i].value);
            ld_buf_puts(b, "\n");
        }
    ld_buf_puts(b, "</textarea></td></tr>\n</tbody></table><p><button id=\"rules-check\">Check "
                   "the change</button> (nothing is saved before you confirm it)</p></form>\n");
}

/* The technician's form of the calendar: the text of a calendar file. */
static void calendar_form(struct web_req *q, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    ld_buf_puts(b, "<h2>Change the calendar</h2>\n<p>Half-terms in date order (<code>name = "
                   "first day .. last day</code>), then the days the school is closed to pupils "
                   "(<code>date = label</code>: INSET days, bank holidays).</p>\n<form "
                   "method=\"post\" action=\"settings\" id=\"calendar-form\"><input "
                   "type=\"hidden\" name=\"what\" value=\"calendar\">");
    web_csrf_input(q);
    ld_buf_puts(b, "<textarea name=\"calendar\" id=\"calendar\" rows=\"16\" cols=\"50\" "
                   "spellcheck=\"false\">");
    const char *text = web_field(q, "calendar");
    if (text) {
        ld_buf_html(b, text);
    } else {
        struct ld_buf t = {0};
        ld_office_calendar_text(&r->calfile, &t);
        ld_buf_put(&t, "", 1);
        ld_buf_html(b, t.failed ? "" : t.p);
        ld_buf_free(&t);
    }
    ld_buf_puts(b, "</textarea><p><button id=\"calendar-check\">Check the change</button></p>"
                   "</form>\n");
}

static void code_or_keep(struct ld_buf *b, enum ld_code code, const char *keep)
{
    const char *c = ld_code_str(code);
    if (c[0])
        ld_buf_printf(b, "<strong>%s</strong>", c);
    else
        ld_buf_puts(b, keep);
}

/* The settings as the office reads them: sessions, reasons, bands, the calendar. */
static void settings_tables(struct ld_buf *b, const struct ld_report *r)
{
    char a[LD_DATE_STRLEN], z[LD_DATE_STRLEN];
    const struct ld_sessions *ss = &r->sessions;
    ld_buf_printf(b,
                  "<h2>Sessions</h2>\n<table id=\"sessions\"><thead><tr><th></th><th>Register "
                  "starts</th><th>Register closes</th></tr></thead><tbody><tr><th>Morning</th>"
                  "<td>%02d:%02d</td><td>%02d:%02d</td></tr><tr><th>Afternoon</th><td>%02d:%02d"
                  "</td><td>%02d:%02d</td></tr></tbody></table>\n<p>Time zone: ",
                  ss->am.start / 60, ss->am.start % 60, ss->am.register_closes / 60,
                  ss->am.register_closes % 60, ss->pm.start / 60, ss->pm.start % 60,
                  ss->pm.register_closes / 60, ss->pm.register_closes % 60);
    ld_buf_html(b, r->timezone);
    ld_buf_printf(b, ". Arrivals: %s.</p>\n",
                  r->everyone_signs_in ? "everyone signs in" : "late door only");
    ld_buf_puts(b, "<h2>Reasons and what they do</h2>\n<table id=\"reasons\"><thead>"
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
    ld_buf_puts(b, "</tbody></table>\n<h2>Attendance bands</h2>\n<table id=\"bands\"><thead><tr>"
                   "<th>From</th><th>Stage</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->band_count; i++) {
        ld_buf_printf(b, "<tr><td>%g%%</td><td>", r->bands[i].min);
        if (r->bands[i].label[0])
            ld_buf_html(b, r->bands[i].label);
        else
            ld_buf_printf(b, "%d", r->bands[i].stage);
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
    ld_buf_puts(b, "</tbody></table>\n");
}

/* The page: a note (saved, or what was refused), the tables, and for a technician the forms. */
static void settings_page(struct web_req *q, const char *school, const struct ld_report *r,
                          const char *refused)
{
    struct ld_buf *b = &q->body;
    char msg[512];
    size_t ncur = 0;
    struct ld_central_setting *cur = calloc(LD_OFFICE_RULES_MAX, sizeof *cur);
    if (!cur || current_rules(r, cur, &ncur, msg, sizeof msg)) {
        free(cur);
        web_error(q, 500, school, "The settings could not be read.");
        return;
    }
    web_page_open(q, "Settings", school);
    ld_buf_puts(b, "<main><h1>Settings</h1>\n");
    const char *saved = web_field(q, "saved");
    if (refused)
        html_between(b, "<p class=\"err\" id=\"settings-error\">Not saved: ", refused, "</p>\n");
    else if (saved)
        html_between(b, "<p class=\"ok\" id=\"settings-saved\">Saved (", saved,
                     "). The kiosks take it at their next sync.</p>\n");
    ld_buf_printf(b,
                  "<p>What the kiosks and these pages work to, as the central store holds "
                  "it%s.</p>\n",
                  is_tech(q) ? "" : "; your technician changes it");
    settings_tables(b, r);
    if (is_tech(q)) {
        const char *what = web_field(q, "what");
        bool cal_first = what && !strcmp(what, "calendar");
        if (cal_first)
            calendar_form(q, r);
        rules_form(q, cur, ncur);
        if (!cal_first)
            calendar_form(q, r);
    }
    ld_buf_puts(b, "</main>\n");
    web_page_close(q);
    free(cur);
}

/* The confirmation: each change old → new, and the form that saves it (the same fields). */
static void confirm_page(struct web_req *q, const char *school, const char *what,
                         const struct ld_office_changes *ch, const struct ld_central_setting *e,
                         size_t ne)
{
    struct ld_buf *b = &q->body;
    web_page_open(q, "Settings: confirm", school);
    ld_buf_printf(b, "<main><h1>Confirm the change of the %s</h1>\n", what);
    if (!ch->count) {
        ld_buf_puts(b, "<p id=\"no-change\">Nothing would change: this is what is stored "
                       "already. <a href=\"settings\">Back to Settings</a></p></main>\n");
        web_page_close(q);
        return;
    }
    ld_buf_printf(b,
                  "<div class=\"confirm\"><p>%zu change%s, saved for every kiosk of the school "
                  "(they take it at their next sync):</p><table id=\"changes\"><thead><tr>"
                  "<th>What</th><th>Now</th><th>After saving</th></tr></thead><tbody>\n",
                  ch->count, ch->count == 1 ? "" : "s");
    for (size_t i = 0; i < ch->count; i++) {
        ld_buf_puts(b, "<tr><td>");
        ld_buf_html(b, ch->items[i].key);
        ld_buf_puts(b, "</td><td class=\"before\">");
        ld_buf_html(b, ch->items[i].before[0] ? ch->items[i].before : "(none)");
        ld_buf_puts(b, "</td><td class=\"after\">→ ");
        ld_buf_html(b, ch->items[i].after[0] ? ch->items[i].after : "(none)");
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_printf(b,
                  "</tbody></table><form method=\"post\" action=\"settings\"><input "
                  "type=\"hidden\" name=\"what\" value=\"%s\"><input type=\"hidden\" "
                  "name=\"step\" value=\"save\"><input type=\"hidden\" name=\"version\" "
                  "value=\"%" PRId64 "\">",
                  what, ch->version);
    web_csrf_input(q);
    for (size_t i = 0; i < ne; i++) {
        ld_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", e[i].key);
        html_between(b, "", e[i].value, "\">");
    }
    const char *text = web_field(q, "calendar");
    if (text)
        html_between(b, "<textarea name=\"calendar\" hidden>", text, "</textarea>");
    ld_buf_puts(b, "<p><button id=\"save\">Save</button> <a href=\"settings\" "
                   "id=\"cancel\">Cancel</a></p></form></div></main>\n");
    web_page_close(q);
}

/* A POST of either form: the confirmation, or (step=save) the save and back to the page. */
static void settings_post(struct web_req *q, const char *school, const struct ld_report *r)
{
    const char *what = web_field(q, "what"), *step = web_field(q, "step");
    const char *text = web_field(q, "calendar"), *version = web_field(q, "version");
    bool save = step && !strcmp(step, "save"), cal = what && !strcmp(what, "calendar");
    char msg[1024] = "";
    size_t ne = 0;
    struct ld_office_changes ch = {0};
    struct ld_central_settings merged = {0};
    struct ld_calendar_file calf = {0};
    struct ld_central_setting *e = calloc(LD_OFFICE_RULES_MAX, sizeof *e);
    ld_err err = e ? LD_OK : LD_ERR_NOMEM;
    if (!err && (!what || (!cal && strcmp(what, "rules")) || (cal && !text))) {
        snprintf(msg, sizeof msg, "the form is not one of this page's");
        err = LD_ERR_INVALID;
    }
    if (!err && !cal && !form_edits(q, e, &ne, msg, sizeof msg))
        err = LD_ERR_INVALID;
    char *end = NULL;
    long long v = version ? strtoll(version, &end, 10) : -1;
    if (!err && save && (!version || !version[0] || *end || v < 0)) {
        snprintf(msg, sizeof msg, "the form lacks the version it was made on");
        err = LD_ERR_INVALID;
    }
    if (!err) {
        const char *by = q->s.user.name;
        int64_t now = web_now_ms(q->w);
        pthread_mutex_lock(&q->w->store_lock);
        err = cal && save
                  ? ld_office_calendar_save(q->w->c, school, text, v, by, now, &ch, msg, sizeof msg)
              : cal ? ld_office_calendar_preview(q->w->c, school, text, &calf, &ch, msg, sizeof msg)
              : save
                  ? ld_office_rules_save(q->w->c, school, e, ne, v, by, now, &ch, msg, sizeof msg)
                  : ld_office_rules_preview(q->w->c, school, e, ne, &merged, &ch, msg, sizeof msg);
        pthread_mutex_unlock(&q->w->store_lock);
    }
    if (err) {
        /* the form again, as it was sent, with what is wrong; nothing was stored */
        q->status = err == LD_ERR_STATE ? 409 : err == LD_ERR_NOMEM || err == LD_ERR_IO ? 500 : 400;
        settings_page(q, school, r, msg);
    } else if (save) {
        char where[96];
        web_report_stale(q->w, school);
        snprintf(where, sizeof where, "settings?saved=%s+version+%" PRId64,
                 cal ? "calendar" : "rules", ch.version);
        web_redirect(q, where);
    } else {
        confirm_page(q, school, cal ? "calendar" : "rules", &ch, e, ne);
    }
    ld_office_changes_free(&ch);
    ld_central_settings_free(&merged);
    ld_calendar_file_free(&calf);
    free(e);
}

void web_settings(struct web_req *q, const char *school, const struct ld_report *r)
{
    if (!strcmp(q->method, "POST") && is_tech(q))
        settings_post(q, school, r);
    else if (!strcmp(q->method, "POST"))
        web_error(q, 403, school, "Only a technician changes the settings.");
    else
        settings_page(q, school, r, NULL);
}
