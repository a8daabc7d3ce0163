/*
 * rules_edit.c: the school's settings and calendar changed at the centre by a technician (the
 * office app's Settings page): checked whole by the code that reads them (the report's reader,
 * the kiosks' ld_config_apply_setting, the calendar file's parser and the core's rules), shown as
 * changes before anything is stored, stored in one put (the kiosks pull it by its version) and
 * audited change by change.
 */
#include "office.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_out.h"
#include "utf8.h"

const char *const ld_office_rule_keys[LD_OFFICE_RULE_KEYS] = {
    "arrival_mode",
    "sessions.am_start",
    "sessions.am_register_closes",
    "sessions.pm_start",
    "sessions.pm_register_closes",
    "bands",
    "kiosk.languages", /* "" at the form: not set at the centre (each kiosk's file decides) */
    "patterns.window_days",
    "patterns.frequent_min",
    "patterns.weekday_window_days",
    "patterns.weekday_min",
    "patterns.streak_min",
    "patterns.rising_min",
    "patterns.after_close_min",
    "patterns.improving_before_min",
    "patterns.improving_after_max",
};

#define BAD(err, ...) (snprintf(msg, msglen, __VA_ARGS__), (err))

void ld_office_changes_free(struct ld_office_changes *ch)
{
    if (!ch)
        return;
    free(ch->items);
    memset(ch, 0, sizeof *ch);
}

/* Adds the change of key from before to after ("" for none) to ch, of at most cap. */
static ld_err add_change(struct ld_office_changes *ch, size_t cap, const char *key,
                         const char *before, const char *after, char *msg, size_t msglen)
{
    if (!ch->items && !(ch->items = calloc(cap ? cap : 1, sizeof *ch->items)))
        return BAD(LD_ERR_NOMEM, "settings: out of memory");
    if (ch->count >= cap)
        return BAD(LD_ERR_RANGE, "settings: more than %zu changes at once", cap);
    struct ld_office_change *c = &ch->items[ch->count++];
    snprintf(c->key, sizeof c->key, "%s", key);
    snprintf(c->before, sizeof c->before, "%s", before);
    snprintf(c->after, sizeof c->after, "%s", after);
    return LD_OK;
}

static bool editable(const char *key)
{
    for (size_t i = 0; i < LD_OFFICE_RULE_KEYS; i++)
        if (!strcmp(key, ld_office_rule_keys[i]))
            return true;
    return !strncmp(key, "reason.", 7);
}

static const struct ld_central_setting *find(const struct ld_central_setting *s, size_t n,
                                             const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s[i].key, key))
            return &s[i];
    return NULL;
}

/* An edit that takes a setting away from the centre: the languages left empty (each kiosk's
 * own file then decides; a centre's "" would take every kiosk's languages away). */
static bool unset(const struct ld_central_setting *e)
{
    return !strcmp(e->key, "kiosk.languages") && !e->value[0];
}

/*
 * Makes *out: old with each edit's value (a languages edit left empty takes it away); when any edit
 * is a reason, the edits' reasons replace every stored one (the list is given whole).
 */
static ld_err merge(const struct ld_central_settings *old, const struct ld_central_setting *edits,
                    size_t n, struct ld_central_settings *out, char *msg, size_t msglen)
{
    bool reasons = false;
    for (size_t i = 0; i < n; i++) {
        if (!editable(edits[i].key))
            return BAD(LD_ERR_INVALID, "settings: %s: not a setting changed here", edits[i].key);
        if (find(edits, i, edits[i].key))
            return BAD(LD_ERR_DUPLICATE, "settings: %s: given twice", edits[i].key);
        /* the store takes no other text (central_check.c): said before the confirmation */
        size_t len = strlen(edits[i].value);
        if (!ld_utf8_valid(edits[i].value, len) || ld_utf8_has_control(edits[i].value, len))
            return BAD(LD_ERR_INVALID,
                       "settings: %s: only text, without tabs or other control characters",
                       edits[i].key);
        reasons |= !strncmp(edits[i].key, "reason.", 7);
    }
    if (!(out->items = calloc(old->count + n + 1, sizeof *out->items)))
        return BAD(LD_ERR_NOMEM, "settings: out of memory");
    out->count = 0;
    for (size_t i = 0; i < old->count; i++) {
        const struct ld_central_setting *e = find(edits, n, old->items[i].key);
        if (reasons && !strncmp(old->items[i].key, "reason.", 7))
            continue;
        if (e && unset(e))
            continue;
        out->items[out->count++] = e ? *e : old->items[i];
    }
    for (size_t i = 0; i < n; i++)
        if (!find(out->items, out->count, edits[i].key) && !unset(&edits[i]))
            out->items[out->count++] = edits[i];
    if (out->count > LD_CENTRAL_SETTINGS_MAX)
        return BAD(LD_ERR_RANGE, "settings: more than %d settings", LD_CENTRAL_SETTINGS_MAX);
    return LD_OK;
}

/* Lists what differs between the settings a and b, key by key. */
static ld_err settings_changes(const struct ld_central_settings *a,
                               const struct ld_central_settings *b, struct ld_office_changes *ch,
                               char *msg, size_t msglen)
{
    size_t cap = a->count + b->count;
    ld_err err = LD_OK;
    for (size_t i = 0; !err && i < a->count; i++) {
        const struct ld_central_setting *to = find(b->items, b->count, a->items[i].key);
        if (!to || strcmp(to->value, a->items[i].value))
            err = add_change(ch, cap, a->items[i].key, a->items[i].value, to ? to->value : "", msg,
                             msglen);
    }
    for (size_t i = 0; !err && i < b->count; i++)
        if (!find(a->items, a->count, b->items[i].key))
            err = add_change(ch, cap, b->items[i].key, "", b->items[i].value, msg, msglen);
    return err;
}

ld_err ld_office_rules_preview(struct ld_central *c, const char *school,
                               const struct ld_central_setting *edits, size_t n,
                               struct ld_central_settings *merged, struct ld_office_changes *ch,
                               char *msg, size_t msglen)
{
    struct ld_central_settings old = {0};
    bool changed = false;
    memset(ch, 0, sizeof *ch);
    memset(merged, 0, sizeof *merged);
    ld_err err = ld_central_get_settings(c, school, 0, &old, &ch->version, &changed, msg, msglen);
    if (!err)
        err = merge(&old, edits, n, merged, msg, msglen);
    if (!err)
        err = ld_report_check_settings(merged, msg, msglen);
    if (!err)
        err = settings_changes(&old, merged, ch, msg, msglen);
    ld_central_settings_free(&old);
    if (err) {
        ld_central_settings_free(merged);
        ld_office_changes_free(ch);
    }
    return err;
}

/* Copies s into out (len bytes), cut short on a character's boundary: the audit takes UTF-8. */
static void clip(const char *s, char *out, size_t len)
{
    size_t n = strlen(s);
    if (n >= len) {
        n = len - 1;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] would begin the next character: cut before it */
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Writes one audit line for each change, as by: "WHAT KEY: BEFORE → AFTER (version V)". */
static ld_err audit_changes(struct ld_central *c, const char *school, const char *what,
                            const struct ld_office_changes *ch, int64_t version, const char *by,
                            int64_t now_ms, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    for (size_t i = 0; !err && i < ch->count; i++) {
        char line[LD_CENTRAL_AUDIT_WHAT_MAX + 1], key[81], before[121], after[121];
        const struct ld_office_change *k = &ch->items[i];
        clip(k->key, key, sizeof key);
        clip(k->before[0] ? k->before : "(none)", before, sizeof before);
        clip(k->after[0] ? k->after : "(none)", after, sizeof after);
        snprintf(line, sizeof line, "%s %s: %s → %s (version %" PRId64 ")", what, key, before,
                 after, version);
        err = ld_central_audit_add(c, school, by, line, now_ms, msg, msglen);
    }
    return err;
}

/* LD_ERR_STATE when what's stored version is no longer the one the change was made on. */
static ld_err same_version(const char *what, int64_t was, int64_t now, char *msg, size_t msglen)
{
    if (was == now)
        return LD_OK;
    return BAD(LD_ERR_STATE,
               "The %s changed since this page was made (version %" PRId64 ", now %" PRId64
               "), by someone else or another tab: nothing was saved. Open Settings again and "
               "make the change there.",
               what, was, now);
}

ld_err ld_office_rules_save(struct ld_central *c, const char *school,
                            const struct ld_central_setting *edits, size_t n, int64_t version,
                            const char *by, int64_t now_ms, struct ld_office_changes *ch, char *msg,
                            size_t msglen)
{
    struct ld_central_settings merged = {0};
    int64_t v = 0;
    ld_err err = ld_office_rules_preview(c, school, edits, n, &merged, ch, msg, msglen);
    if (!err)
        err = same_version("settings", version, ch->version, msg, msglen);
    if (!err && ch->count)
        err = ld_central_put_settings(c, school, merged.items, merged.count, &v, NULL, msg, msglen);
    if (!err && ch->count)
        err = audit_changes(c, school, "settings", ch, v, by, now_ms, msg, msglen);
    if (!err)
        ch->version = v ? v : ch->version;
    ld_central_settings_free(&merged);
    if (err)
        ld_office_changes_free(ch);
    return err;
}

/* ---- the calendar ---- */

void ld_office_calendar_text(const struct ld_calendar_file *cal, struct ld_buf *out)
{
    char a[LD_DATE_STRLEN], z[LD_DATE_STRLEN];
    ld_buf_puts(out, "[terms]\n");
    for (size_t i = 0; i < cal->term_count; i++) {
        ld_date_format(cal->terms[i].start, a);
        ld_date_format(cal->terms[i].end, z);
        ld_buf_printf(out, "%s = %s .. %s\n", cal->terms[i].name, a, z);
    }
    ld_buf_puts(out, "\n[closed]\n");
    for (size_t i = 0; i < cal->closed_count; i++) {
        ld_date_format(cal->closed[i].date, a);
        ld_buf_printf(out, "%s = %s\n", a, cal->closed[i].label);
    }
}

static void term_text(const struct ld_calfile_term *t, char *out, size_t len)
{
    char a[LD_DATE_STRLEN], z[LD_DATE_STRLEN];
    ld_date_format(t->start, a);
    ld_date_format(t->end, z);
    snprintf(out, len, "%s .. %s", a, z);
}

/* Lists what differs between calendars a and b: half-terms by name, closed days by date. */
static ld_err calendar_changes(const struct ld_calendar_file *a, const struct ld_calendar_file *b,
                               struct ld_office_changes *ch, char *msg, size_t msglen)
{
    size_t cap = a->term_count + b->term_count + a->closed_count + b->closed_count;
    char key[LD_OFFICE_CHANGE_KEY_MAX + 1], x[32], y[32];
    ld_err err = LD_OK;
    for (int side = 0; side < 2; side++) {
        const struct ld_calendar_file *from = side ? b : a, *to = side ? a : b;
        for (size_t i = 0; !err && i < from->term_count; i++) {
            const struct ld_calfile_term *t = &from->terms[i], *u = NULL;
            for (size_t j = 0; j < to->term_count && !u; j++)
                if (!strcmp(to->terms[j].name, t->name))
                    u = &to->terms[j];
            if (side && u)
                continue; /* seen from a */
            snprintf(key, sizeof key, "terms.%s", t->name);
            term_text(t, x, sizeof x);
            y[0] = '\0';
            if (u)
                term_text(u, y, sizeof y);
            if (!u || strcmp(x, y))
                err = add_change(ch, cap, key, side ? y : x, side ? x : y, msg, msglen);
        }
        for (size_t i = 0; !err && i < from->closed_count; i++) {
            const struct ld_calfile_closed *d = &from->closed[i], *e = NULL;
            for (size_t j = 0; j < to->closed_count && !e; j++)
                if (to->closed[j].date == d->date)
                    e = &to->closed[j];
            if (side && e)
                continue;
            ld_date_format(d->date, x);
            snprintf(key, sizeof key, "closed.%s", x);
            /* a closed day with no label still reads as closed */
            const char *dl = d->label[0] ? d->label : "closed";
            const char *el = !e ? "" : e->label[0] ? e->label : "closed";
            if (!e || strcmp(dl, el))
                err = add_change(ch, cap, key, side ? el : dl, side ? dl : el, msg, msglen);
        }
    }
    return err;
}

ld_err ld_office_calendar_preview(struct ld_central *c, const char *school, const char *text,
                                  struct ld_calendar_file *out, struct ld_office_changes *ch,
                                  char *msg, size_t msglen)
{
    struct ld_calendar_file old = {0};
    struct ld_calendar *built = NULL;
    bool changed = false;
    memset(ch, 0, sizeof *ch);
    /* the calendar file's own parser and the core's rules, as `latedoor report setup` and the
     * kiosks read a calendar.ini; messages name "calendar:LINE: terms.NAME" */
    ld_err err = ld_calendar_file_parse_string(text, "calendar", out, msg, msglen);
    if (!err)
        err = ld_calendar_file_build(out, "calendar", &built, msg, msglen);
    ld_calendar_destroy(built);
    if (!err)
        err = ld_central_get_calendar(c, school, 0, &old, &ch->version, &changed, msg, msglen);
    if (!err)
        err = calendar_changes(&old, out, ch, msg, msglen);
    ld_calendar_file_free(&old);
    if (err) {
        ld_calendar_file_free(out);
        ld_office_changes_free(ch);
    }
    return err;
}

ld_err ld_office_calendar_save(struct ld_central *c, const char *school, const char *text,
                               int64_t version, const char *by, int64_t now_ms,
                               struct ld_office_changes *ch, char *msg, size_t msglen)
{
    struct ld_calendar_file cal = {0};
    int64_t v = 0;
    ld_err err = ld_office_calendar_preview(c, school, text, &cal, ch, msg, msglen);
    if (!err)
        err = same_version("calendar", version, ch->version, msg, msglen);
    if (!err && ch->count)
        err = ld_central_put_calendar(c, school, &cal, &v, NULL, msg, msglen);
    if (!err && ch->count)
        err = audit_changes(c, school, "calendar", ch, v, by, now_ms, msg, msglen);
    if (!err)
        ch->version = v ? v : ch->version;
    ld_calendar_file_free(&cal);
    if (err)
        ld_office_changes_free(ch);
    return err;
}
