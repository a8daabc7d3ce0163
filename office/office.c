/* office.c: the office's corrections, recorded as events of its own pseudo-device. */
#include "office.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "store.h"

#define OFFICE_RETRIES 3 /* another office pushed the same seq at the same moment */

ld_err ld_office_device(const char *school, char out[LD_CENTRAL_ID_MAX + 1], char *msg,
                        size_t msglen)
{
    int n = snprintf(out, LD_CENTRAL_ID_MAX + 1, "office.%s", school);
    if (n < 0 || n > LD_CENTRAL_ID_MAX) {
        snprintf(msg, msglen,
                 "office: school id %s is too long for its office device \"office.%s\" (%d "
                 "bytes at most)",
                 school, school, LD_CENTRAL_ID_MAX);
        return LD_ERR_RANGE;
    }
    return LD_OK;
}

/* Registers the office device of school unless it exists. */
static ld_err ensure_device(struct ld_central *c, const char *school, const char *id, char *msg,
                            size_t msglen)
{
    char of[LD_CENTRAL_ID_MAX + 1];
    ld_err err = ld_central_device_school(c, id, of, msg, msglen);
    if (!err) {
        if (strcmp(of, school)) {
            snprintf(msg, msglen, "office: device %s belongs to school %s, not %s", id, of, school);
            return LD_ERR_INVALID;
        }
        return LD_OK;
    }
    if (err != LD_ERR_NOT_FOUND)
        return err;
    struct ld_central_credentials cred;
    err = ld_central_device_add(c, school, id, &cred, msg, msglen);
    /* nobody logs in as the office device: its password is thrown away */
    memset(cred.password, 0, sizeof cred.password);
    return err;
}

/* The office device's last seq and the arrival's state, from the school's whole log. */
static ld_err scan(struct ld_central *c, const char *school, const char *office,
                   const struct ld_central_event *arrival, int64_t *last_seq, bool *voided,
                   char *reason, size_t reasonlen, char *msg, size_t msglen)
{
    struct ld_central_event *page = calloc(LD_CENTRAL_PULL_MAX, sizeof *page);
    int64_t after = 0;
    ld_err err = LD_OK;
    if (!page)
        return LD_ERR_NOMEM;
    *last_seq = 0;
    *voided = false;
    snprintf(reason, reasonlen, "%s", arrival->reason);
    for (;;) {
        size_t n = 0;
        if ((err = ld_central_school_events(c, school, after, page, LD_CENTRAL_PULL_MAX, &n, msg,
                                            msglen)) ||
            n == 0)
            break;
        for (size_t i = 0; i < n; i++) {
            const struct ld_central_event *e = &page[i];
            if (!strcmp(e->device_id, office) && e->seq > *last_seq)
                *last_seq = e->seq;
            if (e->ref_seq != arrival->seq || strcmp(e->ref_device, arrival->device_id))
                continue;
            if (e->kind == LD_CEV_VOID)
                *voided = true;
            else if (e->kind == LD_CEV_REASON)
                snprintf(reason, reasonlen, "%s", e->reason);
        }
        after = page[n - 1].global_seq;
    }
    free(page);
    return err;
}

/* The kiosks' stores take a staff id of this form only (store.h), so the office's must be one. */
static bool staff_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LD_STAFF_ID_MAX)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("._@-", *s))
            return false;
    return true;
}

ld_err ld_office_correct(struct ld_central *c, const char *school, enum ld_office_action action,
                         const char *ref_device, int64_t ref_seq, const char *text,
                         const char *staff, int64_t now_ms, struct ld_central_event *made,
                         char *msg, size_t msglen)
{
    struct ld_central_event arrival, ev;
    char office[LD_CENTRAL_ID_MAX + 1], reason[LD_CENTRAL_REASON_MAX + 1];
    int64_t last = 0;
    bool voided = false;
    ld_err err;
    if (action != LD_OFFICE_AMEND && action != LD_OFFICE_VOID) {
        snprintf(msg, msglen, "office: unknown correction");
        return LD_ERR_INVALID;
    }
    if (!text)
        text = "";
    if (action == LD_OFFICE_AMEND && !text[0]) {
        snprintf(msg, msglen, "office: amend: the new reason is empty");
        return LD_ERR_INVALID;
    }
    if (!staff || !staff_id_ok(staff)) {
        snprintf(msg, msglen,
                 "office: --staff: \"%.40s\" is not a staff id (1 to %d letters, digits, . _ @ "
                 "-, as the kiosks know staff): who makes the correction must be named",
                 staff ? staff : "", LD_STAFF_ID_MAX);
        return LD_ERR_INVALID;
    }
    if ((err = ld_office_device(school, office, msg, msglen)) ||
        (err = ld_central_event_get(c, ref_device, ref_seq, &arrival, msg, msglen)))
        return err;
    if (arrival.kind != LD_CEV_ARRIVAL || strcmp(arrival.school, school)) {
        snprintf(msg, msglen, "office: event %s:%" PRId64 " is not an arrival of school %s",
                 ref_device, ref_seq, school);
        return LD_ERR_INVALID;
    }
    if ((err = ensure_device(c, school, office, msg, msglen)) ||
        (err =
             scan(c, school, office, &arrival, &last, &voided, reason, sizeof reason, msg, msglen)))
        return err;
    if (voided) {
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " is already voided", ref_device,
                 ref_seq);
        return LD_ERR_INVALID;
    }
    if (action == LD_OFFICE_AMEND && !strcmp(reason, text)) {
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " already has the reason \"%s\"",
                 ref_device, ref_seq, reason);
        return LD_ERR_INVALID;
    }
    for (int attempt = 0;; attempt++) {
        uuid_t u;
        memset(&ev, 0, sizeof ev);
        snprintf(ev.school, sizeof ev.school, "%s", school);
        snprintf(ev.device_id, sizeof ev.device_id, "%s", office);
        ev.seq = last + 1 + attempt;
        uuid_generate_random(u);
        uuid_unparse_lower(u, ev.uuid);
        ev.kind = action == LD_OFFICE_AMEND ? LD_CEV_REASON : LD_CEV_VOID;
        ev.at_ms = now_ms;
        ev.source = LD_CSRC_OFFICE;
        snprintf(ev.upn, sizeof ev.upn, "%s", arrival.upn);
        snprintf(ev.ref_device, sizeof ev.ref_device, "%s", arrival.device_id);
        ev.ref_seq = arrival.seq;
        if (strlen(text) > LD_CENTRAL_REASON_MAX) {
            snprintf(msg, msglen, "office: the %s is longer than %d bytes",
                     action == LD_OFFICE_AMEND ? "reason" : "note", LD_CENTRAL_REASON_MAX);
            return LD_ERR_RANGE;
        }
        snprintf(ev.staff, sizeof ev.staff, "%s", staff);
        snprintf(ev.reason, sizeof ev.reason, "%s", text);
        if ((err = ld_central_event_check(&ev, msg, msglen)))
            return err;
        err = ld_central_push(c, office, &ev, 1, NULL, msg, msglen);
        if (err != LD_ERR_DUPLICATE || attempt + 1 >= OFFICE_RETRIES)
            break;
    }
    if (!err && made)
        *made = ev;
    return err;
}

static bool ours(const char *key)
{
    return !strcmp(key, "timezone") || !strcmp(key, "arrival_mode") ||
           !strncmp(key, "sessions.", 9) || !strncmp(key, "reason.", 7) || !strcmp(key, "bands") ||
           !strncmp(key, "patterns.", 9);
}

#define PATTERN_KEYS 9
static const char *const pattern_keys[PATTERN_KEYS] = {
    "patterns.window_days",     "patterns.frequent_min",         "patterns.weekday_window_days",
    "patterns.weekday_min",     "patterns.streak_min",           "patterns.rising_min",
    "patterns.after_close_min", "patterns.improving_before_min", "patterns.improving_after_max"};

static void put(struct ld_central_setting *s, size_t *n, const char *key, const char *value)
{
    snprintf(s[*n].key, sizeof s[*n].key, "%s", key);
    snprintf(s[*n].value, sizeof s[*n].value, "%s", value);
    ++*n;
}

static void hhmm(ld_minute m, char out[8])
{
    snprintf(out, 8, "%02d:%02d", (m / 60) % 24, m % 60);
}

ld_err ld_office_put_rules(struct ld_central *c, const char *school, const struct ld_config *cfg,
                           bool *changed, char *msg, size_t msglen)
{
    struct ld_central_settings old = {0};
    struct ld_central_setting *s = NULL;
    int64_t v = 0;
    bool ch = false;
    ld_err err = ld_central_get_settings(c, school, 0, &old, &v, &ch, msg, msglen);
    if (err)
        return err;
    size_t n = 0;
    s = calloc(old.count + 7 + LD_CONFIG_MAX_REASONS + PATTERN_KEYS, sizeof *s);
    if (!s) {
        ld_central_settings_free(&old);
        snprintf(msg, msglen, "office: out of memory");
        return LD_ERR_NOMEM;
    }
    for (size_t i = 0; i < old.count; i++)
        if (!ours(old.items[i].key))
            s[n++] = old.items[i];
    char t[8], key[32], value[LD_CONFIG_REASON_MAX + 16];
    put(s, &n, "timezone", cfg->timezone);
    put(s, &n, "arrival_mode", ld_arrival_mode_name(cfg->arrival_mode));
    hhmm(cfg->sessions.am.start, t);
    put(s, &n, "sessions.am_start", t);
    hhmm(cfg->sessions.am.register_closes, t);
    put(s, &n, "sessions.am_register_closes", t);
    hhmm(cfg->sessions.pm.start, t);
    put(s, &n, "sessions.pm_start", t);
    hhmm(cfg->sessions.pm.register_closes, t);
    put(s, &n, "sessions.pm_register_closes", t);
    for (size_t i = 0; i < cfg->reason_count; i++) {
        const struct ld_config_reason *r = &cfg->reasons[i];
        const char *b =
            r->rule.before_close == LD_CODE_NONE ? "-" : ld_code_str(r->rule.before_close);
        const char *a =
            r->rule.after_close == LD_CODE_NONE ? "-" : ld_code_str(r->rule.after_close);
        snprintf(key, sizeof key, "reason.%zu", i + 1);
        snprintf(value, sizeof value, "%s = %s, %s", r->name, b, a);
        put(s, &n, key, value);
    }
    /* the bands and thresholds the kiosks use, so that the office counts as they do:
     * "bands" is the [bands] lines on one line, as ld_config_apply_setting reads it */
    char bands[LD_BANDS_MAX * (LD_BAND_LABEL_MAX + 16)] = "";
    size_t bl = 0;
    for (size_t i = 0; i < cfg->band_count && bl < sizeof bands; i++) {
        const struct ld_band *b = &cfg->bands[i];
        char stage[LD_BAND_LABEL_MAX + 1];
        if (b->label[0])
            snprintf(stage, sizeof stage, "%s", b->label);
        else
            snprintf(stage, sizeof stage, "%d", b->stage);
        bl += (size_t)snprintf(bands + bl, sizeof bands - bl, "%s%g = %s", i ? "; " : "", b->min,
                               stage);
    }
    if (bl >= LD_CENTRAL_SETTING_VALUE_MAX) {
        ld_central_settings_free(&old);
        free(s);
        snprintf(msg, msglen, "office: the school's bands are longer than a setting (%d bytes)",
                 LD_CENTRAL_SETTING_VALUE_MAX);
        return LD_ERR_RANGE;
    }
    put(s, &n, "bands", bands);
    const struct ld_pattern_rules *p = &cfg->patterns;
    const int values[PATTERN_KEYS] = {
        p->window_days,     p->frequent_min,         p->weekday_window_days,
        p->weekday_min,     p->streak_min,           p->rising_min,
        p->after_close_min, p->improving_before_min, p->improving_after_max};
    for (size_t i = 0; i < PATTERN_KEYS; i++) {
        snprintf(value, sizeof value, "%d", values[i]);
        put(s, &n, pattern_keys[i], value);
    }
    err = ld_central_put_settings(c, school, s, n, &v, changed, msg, msglen);
    free(s);
    ld_central_settings_free(&old);
    return err;
}
