/* tap.c: recording arrivals: clock, pupil, "already signed in", durable event, the mark. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* Arrivals a single ld_tap_repair_clock call looks at; the rest wait for the next call. */
#define REPAIR_BATCH 4096

/* Reads the clocks, judged against the last trusted event in the store. */
static ld_err read_clock(const struct ld_tap *tap, struct ld_clock_reading *now, char *msg,
                         size_t msglen)
{
    int64_t last;
    ld_err err = ld_store_last_event_ms(tap->store, &last, msg, msglen);
    if (!err)
        err = ld_clock_read(tap->clock, last, now, msg, msglen);
    return err;
}

/* Fills the time fields of an event from a clock reading. */
static void stamp(struct ld_event *ev, const struct ld_clock_reading *now)
{
    ev->at_ms = now->utc_ms;
    ev->mono_ms = now->mono_ms;
    snprintf(ev->boot_id, sizeof ev->boot_id, "%s", now->boot_id);
    ev->clock = now->state;
}

/* The UTC bounds of the session that the local date and minute fall in. */
static void session_bounds(const struct ld_tap *tap, ld_date date, ld_minute minute, int64_t at_ms,
                           int64_t *from, int64_t *to)
{
    const struct ld_sessions *s = &tap->dev->cfg.sessions;
    ld_minute lo = minute < s->pm.start ? 0 : s->pm.start;
    ld_date hi_date = minute < s->pm.start ? date : date + 1;
    ld_minute hi = minute < s->pm.start ? s->pm.start : 0;
    if (ld_clock_from_local(tap->dev->tz, date, lo, 0, from, NULL, 0))
        *from = at_ms - 12 * 3600 * 1000LL; /* a zone whose midnight does not exist */
    if (ld_clock_from_local(tap->dev->tz, hi_date, hi, 0, to, NULL, 0))
        *to = at_ms + 1;
}

/* Says whether date has no register (weekend, holiday, closed day) and what it is called. */
static bool closed_day(const struct ld_tap *tap, ld_date date, char label[LD_TAP_CLOSED_LABEL_SIZE])
{
    const struct ld_calendar_file *cf = &tap->dev->calfile;
    if (!tap->dev->cal || ld_calendar_is_school_day(tap->dev->cal, date))
        return false;
    const char *what = ld_date_weekday(date) >= LD_SAT ? "weekend" : "holiday";
    for (size_t i = 0; i < cf->closed_count; i++)
        if (cf->closed[i].date == date && cf->closed[i].label[0])
            what = cf->closed[i].label;
    snprintf(label, LD_TAP_CLOSED_LABEL_SIZE, "%s", what);
    return true;
}

/* Works out the local time and the mark of an arrival at at_ms with an optional reason. */
static ld_err mark_of(const struct ld_tap *tap, int64_t at_ms, const char *reason,
                      struct ld_tap_result *out, char *msg, size_t msglen)
{
    ld_err err = ld_clock_to_local(tap->dev->tz, at_ms, &out->date, &out->minute, NULL);
    if (err) {
        snprintf(msg, msglen, "tap: the time %lld ms is outside the calendar's range",
                 (long long)at_ms);
        return err;
    }
    out->at_ms = at_ms;
    out->closed_day = closed_day(tap, out->date, out->closed_label);
    if (out->closed_day) {
        /* No register that day: nothing to mark, the arrival is only kept. */
        out->mark = (struct ld_classification){
            .session = ld_session_of(&tap->dev->cfg.sessions, out->minute), .code = LD_CODE_NONE};
        return LD_OK;
    }
    const struct ld_reason_rule *rule =
        reason && *reason ? ld_config_reason(&tap->dev->cfg, reason) : NULL;
    ld_classify_arrival(&tap->dev->cfg.sessions, out->minute, rule, &out->mark);
    return LD_OK;
}

/* Records pupil's arrival (reason already checked) unless they arrived earlier this session. */
static ld_err arrive(const struct ld_tap *tap, const struct ld_clock_reading *now,
                     const struct ld_pupil *pupil, const struct ld_uid *uid, enum ld_source source,
                     const char *reason, const char *staff, struct ld_tap_result *out, char *msg,
                     size_t msglen)
{
    out->pupil = *pupil;
    out->clock = now->state;
    ld_err err = mark_of(tap, now->utc_ms, reason, out, msg, msglen);
    if (err)
        return err;

    int64_t from, to, earlier_ms = 0;
    struct ld_event earlier;
    bool already = false;
    session_bounds(tap, out->date, out->minute, now->utc_ms, &from, &to);
    struct ld_event ev = {.kind = LD_EV_ARRIVAL, .source = source};
    stamp(&ev, now);
    snprintf(ev.upn, sizeof ev.upn, "%s", pupil->upn);
    if (uid)
        ld_uid_format(uid, ev.card);
    snprintf(ev.reason, sizeof ev.reason, "%s", reason ? reason : "");
    snprintf(ev.staff, sizeof ev.staff, "%s", staff ? staff : "");
    /* "Already signed in" and the insert in one transaction: see ld_store_append_arrival. */
    err = ld_store_append_arrival(tap->store, &ev, from, to, &already, &earlier, &earlier_ms, msg,
                                  msglen);
    if (err)
        return err;
    if (already) {
        out->status = LD_TAP_ALREADY;
        out->event = earlier;
        return mark_of(tap, earlier_ms, earlier.reason, out, msg, msglen);
    }
    out->status = LD_TAP_SIGNED_IN;
    out->event = ev;
    return LD_OK;
}

ld_err ld_tap_check_reason(const struct ld_tap *tap, const char *reason,
                           char canonical[LD_REASON_MAX + 1], char *msg, size_t msglen)
{
    char q[96];
    size_t len = reason ? strnlen(reason, LD_REASON_MAX + 1) : 0;
    if (len == 0) {
        snprintf(msg, msglen, "tap: reason: empty");
        return LD_ERR_INVALID;
    }
    if (len > LD_REASON_MAX) {
        snprintf(msg, msglen, "tap: reason: longer than %d bytes", LD_REASON_MAX);
        return LD_ERR_RANGE;
    }
    if (!ld_utf8_valid(reason, len) || ld_utf8_has_control(reason, len)) {
        snprintf(msg, msglen, "tap: reason %s: not valid UTF-8 or holds a control character",
                 ld_utf8_quote(q, sizeof q, reason, len, 40));
        return LD_ERR_INVALID;
    }
    const struct ld_config *cfg = &tap->dev->cfg;
    const char *found = !strcasecmp(reason, LD_TAP_NO_REASON) ? LD_TAP_NO_REASON : NULL;
    for (size_t i = 0; !found && i < cfg->reason_count && i < LD_CONFIG_MAX_REASONS; i++)
        if (!strcasecmp(cfg->reasons[i].name, reason))
            found = cfg->reasons[i].name;
    if (found) {
        snprintf(canonical, LD_REASON_MAX + 1, "%s", found);
        return LD_OK;
    }
    int n = snprintf(msg, msglen, "tap: reason %s is not one of the school's:",
                     ld_utf8_quote(q, sizeof q, reason, len, 40));
    for (size_t i = 0; i < cfg->reason_count && i < LD_CONFIG_MAX_REASONS; i++)
        if (n >= 0 && (size_t)n < msglen)
            n += snprintf(msg + n, msglen - (size_t)n, "%s \"%s\"", i ? "," : "",
                          cfg->reasons[i].name);
    return LD_ERR_INVALID;
}

ld_err ld_tap_card(const struct ld_tap *tap, const struct ld_uid *uid, enum ld_source source,
                   struct ld_tap_result *out, char *msg, size_t msglen)
{
    struct ld_clock_reading now;
    memset(out, 0, sizeof *out);
    if (!uid || uid->len == 0) {
        snprintf(msg, msglen, "tap: empty card UID");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store_staff_by_card(tap->store, uid, &out->staff, msg, msglen);
    if (err == LD_OK && out->staff.active) {
        out->status = LD_TAP_STAFF_CARD;
        return LD_OK;
    }
    if (err && err != LD_ERR_NOT_FOUND)
        return err;
    if ((err = read_clock(tap, &now, msg, msglen)))
        return err;
    struct ld_pupil pupil;
    err = ld_store_pupil_by_card(tap->store, uid, &pupil, msg, msglen);
    if (err == LD_OK && pupil.active)
        return arrive(tap, &now, &pupil, uid, source, NULL, NULL, out, msg, msglen);
    if (err && err != LD_ERR_NOT_FOUND)
        return err;

    /* Nobody on the roster holds it: keep the UID for enrolment, send the child to the office. */
    struct ld_event ev = {.kind = LD_EV_UNKNOWN_CARD, .source = source};
    stamp(&ev, &now);
    ld_uid_format(uid, ev.card);
    out->clock = now.state;
    if ((err = ld_store_append_event(tap->store, &ev, msg, msglen)))
        return err;
    out->status = LD_TAP_UNKNOWN_CARD;
    out->event = ev;
    out->at_ms = ev.at_ms;
    if (ld_clock_to_local(tap->dev->tz, ev.at_ms, &out->date, &out->minute, NULL))
        out->date = 0;
    return LD_OK;
}

ld_err ld_tap_pupil(const struct ld_tap *tap, const char *upn, enum ld_source source,
                    const char *reason, const char *staff, struct ld_tap_result *out, char *msg,
                    size_t msglen)
{
    struct ld_pupil pupil;
    struct ld_clock_reading now;
    char checked[LD_REASON_MAX + 1] = "";
    memset(out, 0, sizeof *out);
    ld_err err = LD_OK;
    if (reason && *reason)
        err = ld_tap_check_reason(tap, reason, checked, msg, msglen);
    if (!err)
        err = ld_store_pupil_get(tap->store, upn ? upn : "", &pupil, msg, msglen);
    if (err)
        return err;
    if (!pupil.active) {
        snprintf(msg, msglen, "tap: pupil %s is no longer on the roster", pupil.upn);
        return LD_ERR_STATE;
    }
    if ((err = read_clock(tap, &now, msg, msglen)))
        return err;
    return arrive(tap, &now, &pupil, NULL, source, checked, staff, out, msg, msglen);
}

ld_err ld_tap_reason(const struct ld_tap *tap, struct ld_tap_result *result, const char *reason,
                     const char *staff, char *msg, size_t msglen)
{
    struct ld_clock_reading now;
    char checked[LD_REASON_MAX + 1];
    if (result->status != LD_TAP_SIGNED_IN && result->status != LD_TAP_ALREADY) {
        snprintf(msg, msglen, "tap: a reason needs an arrival");
        return LD_ERR_STATE;
    }
    ld_err err = ld_tap_check_reason(tap, reason, checked, msg, msglen);
    if (!err)
        err = read_clock(tap, &now, msg, msglen);
    if (err)
        return err;
    struct ld_event ev = {.kind = LD_EV_REASON, .source = result->event.source};
    stamp(&ev, &now);
    snprintf(ev.upn, sizeof ev.upn, "%s", result->event.upn);
    snprintf(ev.reason, sizeof ev.reason, "%s", checked);
    snprintf(ev.staff, sizeof ev.staff, "%s", staff ? staff : "");
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", result->event.device_id);
    ev.ref_seq = result->event.seq;
    if ((err = ld_store_append_event(tap->store, &ev, msg, msglen)))
        return err;
    return mark_of(tap, result->at_ms, checked, result, msg, msglen);
}

/* What ld_tap_repair_clock gathers before it writes (the walk must not write). */
struct repair_scan {
    const char *device;
    int64_t *repaired_seqs; /* refs of clock_repair events already present */
    size_t nrepaired, cap_repaired;
    struct ld_event *todo;
    size_t ntodo;
};

static ld_err collect_repairs(void *ctx, const struct ld_event *ev)
{
    struct repair_scan *s = ctx;
    if (strcmp(ev->ref_device, s->device))
        return LD_OK;
    if (s->nrepaired == s->cap_repaired) {
        size_t cap = s->cap_repaired ? s->cap_repaired * 2 : 256;
        int64_t *p = realloc(s->repaired_seqs, cap * sizeof *p);
        if (!p)
            return LD_ERR_NOMEM;
        s->repaired_seqs = p;
        s->cap_repaired = cap;
    }
    s->repaired_seqs[s->nrepaired++] = ev->ref_seq;
    return LD_OK;
}

static int cmp_seq(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static ld_err collect_untrusted(void *ctx, const struct ld_event *ev)
{
    struct repair_scan *s = ctx;
    if (ev->clock == LD_CLOCK_OK || s->ntodo == REPAIR_BATCH)
        return LD_OK;
    if (s->nrepaired && bsearch(&ev->seq, s->repaired_seqs, s->nrepaired, sizeof ev->seq, cmp_seq))
        return LD_OK;
    s->todo[s->ntodo++] = *ev;
    return LD_OK;
}

ld_err ld_tap_repair_clock(const struct ld_tap *tap, size_t *repaired, size_t *unrepairable,
                           char *msg, size_t msglen)
{
    char device[LD_DEVICE_ID_MAX + 1];
    struct ld_clock_reading now;
    struct repair_scan scan = {.device = device};
    size_t ok = 0, bad = 0;
    ld_err err = ld_store_device_id(tap->store, device, msg, msglen);
    if (!err)
        err = read_clock(tap, &now, msg, msglen);
    if (err)
        goto out;
    if (now.state != LD_CLOCK_OK) {
        snprintf(msg, msglen, "clock repair: the clock is %s; try again later",
                 ld_clock_state_name(now.state));
        err = LD_ERR_STATE;
        goto out;
    }
    scan.todo = malloc(REPAIR_BATCH * sizeof *scan.todo);
    if (!scan.todo) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    struct ld_event_filter f = {.device_id = device, .kinds = 1u << LD_EV_CLOCK_REPAIR};
    err = ld_store_events_foreach(tap->store, &f, collect_repairs, &scan, msg, msglen);
    if (err)
        goto out;
    if (scan.nrepaired) /* qsort and bsearch want a valid array even when empty */
        qsort(scan.repaired_seqs, scan.nrepaired, sizeof *scan.repaired_seqs, cmp_seq);
    f.kinds =
        1u << LD_EV_ARRIVAL | 1u << LD_EV_DEPARTURE | 1u << LD_EV_RETURN | 1u << LD_EV_UNKNOWN_CARD;
    err = ld_store_events_foreach(tap->store, &f, collect_untrusted, &scan, msg, msglen);
    for (size_t i = 0; !err && i < scan.ntodo; i++) {
        const struct ld_event *bad_ev = &scan.todo[i];
        int64_t fixed;
        if (ld_clock_repair(bad_ev->mono_ms, bad_ev->boot_id, &now, &fixed, NULL, 0)) {
            bad++; /* another boot: the monotonic clock cannot tell; staff must check it */
            continue;
        }
        struct ld_event ev = {.kind = LD_EV_CLOCK_REPAIR,
                              .source = bad_ev->source,
                              .fixed_at_ms = fixed,
                              .ref_seq = bad_ev->seq};
        stamp(&ev, &now);
        snprintf(ev.upn, sizeof ev.upn, "%s", bad_ev->upn);
        snprintf(ev.ref_device, sizeof ev.ref_device, "%s", device);
        if (!(err = ld_store_append_event(tap->store, &ev, msg, msglen)))
            ok++;
    }
out:
    if (repaired)
        *repaired = ok;
    if (unrepairable)
        *unrepairable = bad;
    free(scan.repaired_seqs);
    free(scan.todo);
    return err;
}
