/* office.c: the office's corrections, recorded as events of its own pseudo-device. */
#include "office.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "clock.h"
#include "ld_date.h"
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

#define OFFICE_VOIDS_MAX 16 /* voids of one arrival: each refused while one stands */

/* What the school's log says of one arrival: its reason, time, voids, and the office's last seq. */
struct arrival_state {
    int64_t last_seq; /* the office device's */
    char reason[LD_CENTRAL_REASON_MAX + 1];
    int64_t at_ms; /* as last repaired */
    struct {
        char device[LD_CENTRAL_ID_MAX + 1];
        int64_t seq;
        bool undone; /* an un-void (a void whose ref is this void) names it */
    } voids[OFFICE_VOIDS_MAX];
    size_t nvoids;
};

static bool refers(const struct ld_central_event *e, const char *device, int64_t seq)
{
    return e->ref_seq == seq && !strcmp(e->ref_device, device);
}

/* Folds one event of the school's log into st (the log is read in its global order). */
static ld_err fold(struct arrival_state *st, const char *office,
                   const struct ld_central_event *arrival, const struct ld_central_event *e,
                   char *msg, size_t msglen)
{
    if (!strcmp(e->device_id, office) && e->seq > st->last_seq)
        st->last_seq = e->seq;
    if (e->kind == LD_CEV_VOID)
        for (size_t k = 0; k < st->nvoids; k++)
            if (refers(e, st->voids[k].device, st->voids[k].seq))
                st->voids[k].undone = true;
    if (!refers(e, arrival->device_id, arrival->seq))
        return LD_OK;
    if (e->kind == LD_CEV_VOID) {
        if (st->nvoids == OFFICE_VOIDS_MAX) {
            snprintf(msg, msglen, "office: arrival %s:%" PRId64 " has more than %d voids",
                     arrival->device_id, arrival->seq, OFFICE_VOIDS_MAX);
            return LD_ERR_RANGE;
        }
        snprintf(st->voids[st->nvoids].device, sizeof st->voids[0].device, "%s", e->device_id);
        st->voids[st->nvoids].seq = e->seq;
        st->voids[st->nvoids++].undone = false;
    } else if (e->kind == LD_CEV_REASON) {
        snprintf(st->reason, sizeof st->reason, "%s", e->reason);
    } else if (e->kind == LD_CEV_CLOCK_REPAIR) {
        st->at_ms = e->fixed_at_ms;
    }
    return LD_OK;
}

/* The office device's last seq and the arrival's state, from the school's whole log. */
static ld_err scan(struct ld_central *c, const char *school, const char *office,
                   const struct ld_central_event *arrival, struct arrival_state *st, char *msg,
                   size_t msglen)
{
    struct ld_central_event *page = calloc(LD_CENTRAL_PULL_MAX, sizeof *page);
    int64_t after = 0;
    ld_err err = LD_OK;
    if (!page)
        return LD_ERR_NOMEM;
    memset(st, 0, sizeof *st);
    st->at_ms = arrival->at_ms;
    snprintf(st->reason, sizeof st->reason, "%s", arrival->reason);
    for (;;) {
        size_t n = 0;
        if ((err = ld_central_school_events(c, school, after, page, LD_CENTRAL_PULL_MAX, &n, msg,
                                            msglen)) ||
            n == 0)
            break;
        for (size_t i = 0; !err && i < n; i++)
            err = fold(st, office, arrival, &page[i], msg, msglen);
        if (err)
            break;
        after = page[n - 1].global_seq;
    }
    free(page);
    return err;
}

/* True when a void of the arrival stands (one not undone). */
static bool voided(const struct arrival_state *st)
{
    for (size_t k = 0; k < st->nvoids; k++)
        if (!st->voids[k].undone)
            return true;
    return false;
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

/* Opens the school's time zone, as its central settings name it (Europe/London by default). */
static ld_err school_tz(struct ld_central *c, const char *school, struct ld_tz **tz, char *msg,
                        size_t msglen)
{
    struct ld_central_settings s = {0};
    int64_t v = 0;
    bool changed = false;
    const char *name = "Europe/London";
    ld_err err = ld_central_get_settings(c, school, 0, &s, &v, &changed, msg, msglen);
    for (size_t i = 0; !err && i < s.count; i++)
        if (!strcmp(s.items[i].key, "timezone"))
            name = s.items[i].value;
    if (!err)
        err = ld_tz_open(name, tz, msg, msglen);
    ld_central_settings_free(&s);
    return err;
}

/*
 * Reads the new time of a retime, "HH:MM" or "YYYY-MM-DD HH:MM", as an instant on the day the
 * arrival was made (in the school's time zone), refusing another day, the future and no change.
 */
static ld_err new_time(struct ld_central *c, const char *school,
                       const struct ld_central_event *arrival, const struct arrival_state *st,
                       const char *text, int64_t now_ms, int64_t *out, char *msg, size_t msglen)
{
    struct ld_tz *tz = NULL;
    ld_date day, given;
    ld_minute was;
    int hh = -1, mm = -1, used = 0;
    char ds[LD_DATE_STRLEN], gs[LD_DATE_STRLEN + 8] = "";
    ld_err err = school_tz(c, school, &tz, msg, msglen);
    if (err)
        return err;
    if ((err = ld_clock_to_local(tz, st->at_ms, &day, &was, NULL))) {
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " has no local time",
                 arrival->device_id, arrival->seq);
        goto out;
    }
    ld_date_format(day, ds);
    given = day;
    if (strlen(text) == 16 && text[10] == ' ') { /* "YYYY-MM-DD HH:MM" */
        memcpy(gs, text, 10);
        gs[10] = '\0';
        if (!ld_date_parse(gs, &given)) {
            snprintf(msg, msglen, "office: retime: \"%s\" is not a date (YYYY-MM-DD)", gs);
            err = LD_ERR_INVALID;
            goto out;
        }
        text += 11;
    }
    used = 0;
    if (sscanf(text, "%2d:%2d%n", &hh, &mm, &used) != 2 || text[used] || strlen(text) != 5 ||
        hh > 23 || mm > 59 || hh < 0 || mm < 0) {
        snprintf(msg, msglen, "office: retime: \"%.40s\" is not a time of day (HH:MM, 24-hour)",
                 text);
        err = LD_ERR_INVALID;
        goto out;
    }
    if (given != day) {
        snprintf(msg, msglen,
                 "office: retime: %s is not the day of arrival %s:%" PRId64 " (%s): a new time "
                 "must be on the same day",
                 gs, arrival->device_id, arrival->seq, ds);
        err = LD_ERR_INVALID;
        goto out;
    }
    if ((err = ld_clock_from_local(tz, day, (ld_minute)(hh * 60 + mm), 0, out, msg, msglen)))
        goto out;
    if (*out > now_ms) {
        snprintf(msg, msglen, "office: retime: %s %02d:%02d is in the future", ds, hh, mm);
        err = LD_ERR_INVALID;
    } else if (hh * 60 + mm == was) {
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " is already at %02d:%02d",
                 arrival->device_id, arrival->seq, hh, mm);
        err = LD_ERR_INVALID;
    }
out:
    ld_tz_close(tz);
    return err;
}

/* Checks what a correction of arrival says, given its state; fills *fixed_ms for a retime. */
static ld_err check_action(struct ld_central *c, const char *school, enum ld_office_action action,
                           const struct ld_central_event *arrival, const struct arrival_state *st,
                           const char *text, int64_t now_ms, int64_t *fixed_ms, char *msg,
                           size_t msglen)
{
    const char *dev = arrival->device_id;
    if (action == LD_OFFICE_UNVOID) {
        if (voided(st))
            return LD_OK;
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " is not voided: nothing to un-void",
                 dev, arrival->seq);
        return LD_ERR_INVALID;
    }
    if (voided(st)) {
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " is %s voided%s", dev, arrival->seq,
                 action == LD_OFFICE_VOID ? "already" : "",
                 action == LD_OFFICE_VOID ? "" : ": un-void it first");
        return LD_ERR_INVALID;
    }
    if (action == LD_OFFICE_AMEND && !strcmp(st->reason, text)) {
        snprintf(msg, msglen, "office: arrival %s:%" PRId64 " already has the reason \"%s\"", dev,
                 arrival->seq, st->reason);
        return LD_ERR_INVALID;
    }
    if (action == LD_OFFICE_RETIME)
        return new_time(c, school, arrival, st, text, now_ms, fixed_ms, msg, msglen);
    return LD_OK;
}

/* Everything a correction checks before it is made: the arrival, its state and the new time. */
static ld_err prepare(struct ld_central *c, const char *school, enum ld_office_action action,
                      const char *ref_device, int64_t ref_seq, const char *text, const char *staff,
                      int64_t now_ms, struct ld_central_event *arrival, struct arrival_state *st,
                      int64_t *fixed, char office[LD_CENTRAL_ID_MAX + 1], char *msg, size_t msglen)
{
    ld_err err;
    if (action < LD_OFFICE_AMEND || action > LD_OFFICE_RETIME) {
        snprintf(msg, msglen, "office: unknown correction");
        return LD_ERR_INVALID;
    }
    if ((action == LD_OFFICE_AMEND || action == LD_OFFICE_RETIME) && !text[0]) {
        snprintf(msg, msglen, "office: %s: the new %s is empty",
                 action == LD_OFFICE_AMEND ? "amend" : "retime",
                 action == LD_OFFICE_AMEND ? "reason" : "time");
        return LD_ERR_INVALID;
    }
    if (strlen(text) > LD_CENTRAL_REASON_MAX) {
        snprintf(msg, msglen, "office: the %s is longer than %d bytes",
                 action == LD_OFFICE_AMEND ? "reason" : "note", LD_CENTRAL_REASON_MAX);
        return LD_ERR_RANGE;
    }
    if (!staff || !staff_id_ok(staff)) {
        snprintf(msg, msglen,
                 "office: --staff: \"%.40s\" is not a staff id (1 to %d letters, digits, . _ @ "
                 "-, as the kiosks know staff): who makes the correction must be named",
                 staff ? staff : "", LD_STAFF_ID_MAX);
        return LD_ERR_INVALID;
    }
    if ((err = ld_office_device(school, office, msg, msglen)) ||
        (err = ld_central_event_get(c, ref_device, ref_seq, arrival, msg, msglen)))
        return err;
    if (arrival->kind != LD_CEV_ARRIVAL || strcmp(arrival->school, school)) {
        snprintf(msg, msglen, "office: event %s:%" PRId64 " is not an arrival of school %s",
                 ref_device, ref_seq, school);
        return LD_ERR_INVALID;
    }
    if ((err = scan(c, school, office, arrival, st, msg, msglen)))
        return err;
    return check_action(c, school, action, arrival, st, text, now_ms, fixed, msg, msglen);
}

ld_err ld_office_check(struct ld_central *c, const char *school, enum ld_office_action action,
                       const char *ref_device, int64_t ref_seq, const char *text, const char *staff,
                       int64_t now_ms, char *msg, size_t msglen)
{
    struct ld_central_event arrival;
    struct arrival_state st;
    char office[LD_CENTRAL_ID_MAX + 1];
    int64_t fixed = 0;
    return prepare(c, school, action, ref_device, ref_seq, text ? text : "", staff, now_ms,
                   &arrival, &st, &fixed, office, msg, msglen);
}

ld_err ld_office_correct(struct ld_central *c, const char *school, enum ld_office_action action,
                         const char *ref_device, int64_t ref_seq, const char *text,
                         const char *staff, int64_t now_ms, struct ld_central_event *made,
                         char *msg, size_t msglen)
{
    struct ld_central_event arrival, ev[OFFICE_VOIDS_MAX];
    char office[LD_CENTRAL_ID_MAX + 1];
    struct arrival_state st;
    int64_t fixed = 0;
    size_t n = 0;
    if (!text)
        text = "";
    ld_err err = prepare(c, school, action, ref_device, ref_seq, text, staff, now_ms, &arrival, &st,
                         &fixed, office, msg, msglen);
    if (!err)
        err = ensure_device(c, school, office, msg, msglen);
    if (err)
        return err;
    for (int attempt = 0;; attempt++) {
        n = 0;
        /* an un-void is a void of each void that stands; the others are one event */
        for (size_t k = 0; k < (action == LD_OFFICE_UNVOID ? st.nvoids : 1); k++) {
            if (action == LD_OFFICE_UNVOID && st.voids[k].undone)
                continue;
            struct ld_central_event *e = &ev[n];
            uuid_t u;
            memset(e, 0, sizeof *e);
            snprintf(e->school, sizeof e->school, "%s", school);
            snprintf(e->device_id, sizeof e->device_id, "%s", office);
            e->seq = st.last_seq + 1 + attempt + (int64_t)n;
            uuid_generate_random(u);
            uuid_unparse_lower(u, e->uuid);
            e->kind = action == LD_OFFICE_AMEND    ? LD_CEV_REASON
                      : action == LD_OFFICE_RETIME ? LD_CEV_CLOCK_REPAIR
                                                   : LD_CEV_VOID;
            e->at_ms = now_ms;
            e->source = LD_CSRC_OFFICE;
            snprintf(e->upn, sizeof e->upn, "%s", arrival.upn);
            snprintf(e->ref_device, sizeof e->ref_device, "%s",
                     action == LD_OFFICE_UNVOID ? st.voids[k].device : arrival.device_id);
            e->ref_seq = action == LD_OFFICE_UNVOID ? st.voids[k].seq : arrival.seq;
            e->fixed_at_ms = fixed;
            snprintf(e->staff, sizeof e->staff, "%s", staff);
            if (action != LD_OFFICE_RETIME)
                snprintf(e->reason, sizeof e->reason, "%s", text);
            if ((err = ld_central_event_check(e, msg, msglen)))
                return err;
            n++;
        }
        err = ld_central_push(c, office, ev, n, NULL, msg, msglen);
        if (err != LD_ERR_DUPLICATE || attempt + 1 >= OFFICE_RETRIES)
            break;
    }
    if (!err && made)
        *made = ev[n - 1];
    return err;
}

static bool ours(const char *key)
{
    return !strcmp(key, "timezone") || !strcmp(key, "arrival_mode") ||
           !strncmp(key, "sessions.", 9) || !strncmp(key, "reason.", 7) || !strcmp(key, "bands") ||
           !strncmp(key, "patterns.", 9);
}

#define PATTERN_KEYS 9
/* the last nine of the keys the office app changes one by one */
static const char *const *const pattern_keys = ld_office_rule_keys + LD_OFFICE_RULE_KEYS - 9;

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

ld_err ld_office_rules_of(const struct ld_config *cfg, struct ld_central_setting *s, size_t *np,
                          char *msg, size_t msglen)
{
    size_t n = 0;
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
    *np = n;
    return LD_OK;
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
    size_t n = 0, k = 0;
    s = calloc(old.count + LD_OFFICE_RULES_MAX, sizeof *s);
    if (!s) {
        ld_central_settings_free(&old);
        snprintf(msg, msglen, "office: out of memory");
        return LD_ERR_NOMEM;
    }
    for (size_t i = 0; i < old.count; i++)
        if (!ours(old.items[i].key))
            s[n++] = old.items[i];
    err = ld_office_rules_of(cfg, s + n, &k, msg, msglen);
    if (!err)
        err = ld_central_put_settings(c, school, s, n + k, &v, changed, msg, msglen);
    free(s);
    ld_central_settings_free(&old);
    return err;
}
