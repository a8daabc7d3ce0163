/* device_staff.c: the staff lists and corrections over today's events in the device store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_analysis.h"
#include "device_priv.h"
#include "ld_flags.h"
#include "names.h"

/* Events of one day the staff lists look at: far more than any school door sees. */
#define DAY_EVENTS_MAX 20000

/* ---- today's events ----------------------------------------------------------------------- */

struct day {
    struct ld_event *ev;
    size_t n, cap;
    bool truncated;
};

static ld_err collect_day(void *ctx, const struct ld_event *ev)
{
    struct day *day = ctx;
    if (day->n == day->cap) {
        if (day->cap == DAY_EVENTS_MAX) {
            day->truncated = true;
            return LD_OK;
        }
        size_t cap = day->cap ? day->cap * 2 : 256;
        if (cap > DAY_EVENTS_MAX)
            cap = DAY_EVENTS_MAX;
        struct ld_event *grown = realloc(day->ev, cap * sizeof *grown);
        if (!grown)
            return LD_ERR_NOMEM;
        day->ev = grown;
        day->cap = cap;
    }
    day->ev[day->n++] = *ev;
    return LD_OK;
}

/* Reads today's events (of every device), in time order, into *day (free day->ev). */
static ld_err load_day(struct kiosk_device *d, const struct today *t, struct day *day)
{
    memset(day, 0, sizeof *day);
    struct ld_event_filter f = {.from_ms = t->from_ms, .to_ms = t->to_ms};
    ld_err err = ld_store_events_foreach(d->store, &f, collect_day, day, d->msg, sizeof d->msg);
    if (err) {
        free(day->ev);
        day->ev = NULL;
        return err == LD_ERR_NOMEM
                   ? kiosk_device__fail(d, err, "Out of memory reading today's events.")
                   : kiosk_device__fail_msg(d, err);
    }
    return LD_OK;
}

/* Checks the device is open and loads today's events: the start of every list below. */
static ld_err open_today(struct kiosk_device *d, struct today *t, struct day *day)
{
    ld_err err = kiosk_device__check_open(d);
    if (!err)
        err = kiosk_device__today(d, t);
    if (!err)
        err = load_day(d, t, day);
    return err;
}

static bool refers_to(const struct ld_event *e, const struct ld_event *target)
{
    return e->ref_seq == target->seq && strcmp(e->ref_device, target->device_id) == 0;
}

/* True when a void of target stands: one that no later void (the office's un-void) names. */
static bool is_voided(const struct day *day, const struct ld_event *target)
{
    for (size_t i = 0; i < day->n; i++) {
        if (day->ev[i].kind != LD_EV_VOID || !refers_to(&day->ev[i], target))
            continue;
        bool undone = false;
        for (size_t k = 0; k < day->n && !undone; k++)
            undone = day->ev[k].kind == LD_EV_VOID && refers_to(&day->ev[k], &day->ev[i]);
        if (!undone)
            return true;
    }
    return false;
}

/*
 * The reason given last for target (a reason event referring to it, else its own) into *said,
 * and the last one staff gave or confirmed, the one the code follows, into *confirmed. A claim
 * at the door since the last confirmed reason is what needs evidence; a claim that can change
 * no mark ("Traffic = -, -") is taken as said.
 */
static void reason_of(const struct ld_config *cfg, const struct day *day,
                      const struct ld_event *target, const char **said, const char **confirmed)
{
    *said = *confirmed = target->reason;
    for (size_t i = 0; i < day->n; i++) {
        const struct ld_event *e = &day->ev[i];
        if (e->kind != LD_EV_REASON || !refers_to(e, target))
            continue;
        *said = e->reason;
        if (!ld_reason_is_claim(e->source, e->staff) ||
            !ld_reason_rule_changes_code(ld_config_reason(cfg, e->reason)))
            *confirmed = e->reason;
    }
}

/* True when the reason said last is a claim that differs from the one staff confirmed. */
static bool needs_evidence(const char *said, const char *confirmed)
{
    return said != confirmed && strcmp(said, confirmed) != 0;
}

/* The arrival's time, as repaired when its clock was bad. */
static int64_t effective_ms(const struct day *day, const struct ld_event *target)
{
    int64_t at = target->at_ms;
    for (size_t i = 0; i < day->n; i++)
        if (day->ev[i].kind == LD_EV_CLOCK_REPAIR && refers_to(&day->ev[i], target))
            at = day->ev[i].fixed_at_ms;
    return at;
}

/* True when an earlier arrival of the same pupil in the same session stands (door and gate). */
static bool counted_before(struct kiosk_device *d, const struct day *day, size_t k,
                           enum ld_session_id session)
{
    const struct ld_event *a = &day->ev[k];
    for (size_t i = 0; i < k; i++) {
        const struct ld_event *e = &day->ev[i];
        ld_minute m;
        if (e->kind != LD_EV_ARRIVAL || strcmp(e->upn, a->upn) != 0 || is_voided(day, e) ||
            ld_clock_to_local(d->dev.tz, effective_ms(day, e), NULL, &m, NULL))
            continue;
        if (ld_session_of(&d->dev.cfg.sessions, m) == session)
            return true;
    }
    return false;
}

ld_err kiosk_device__arrivals(void *impl, bool late_only, struct kiosk_arrival_list *out)
{
    struct kiosk_device *d = impl;
    struct today t;
    struct day day;
    char own[LD_DEVICE_ID_MAX + 1];
    ld_err err = ld_store_device_id(d->store, own, d->msg, sizeof d->msg);
    if (err)
        return kiosk_device__fail_msg(d, err);
    if ((err = open_today(d, &t, &day)))
        return err;
    /* A day with no register (a weekend, a holiday, a closed day of the calendar): the tap
     * pipeline keeps its taps with no mark, so nobody is late (they showed as U). */
    bool no_register = d->dev.cal && !ld_calendar_is_school_day(d->dev.cal, t.date);
    out->n = out->total = 0;
    for (size_t k = day.n; k-- > 0;) {
        const struct ld_event *e = &day.ev[k];
        ld_minute m;
        if (e->kind != LD_EV_ARRIVAL || is_voided(&day, e) ||
            ld_clock_to_local(d->dev.tz, effective_ms(&day, e), NULL, &m, NULL))
            continue;
        enum ld_session_id session = ld_session_of(&d->dev.cfg.sessions, m);
        if (counted_before(d, &day, k, session))
            continue;
        const char *reason, *confirmed;
        reason_of(&d->dev.cfg, &day, e, &reason, &confirmed);
        struct ld_classification c;
        ld_classify_arrival(&d->dev.cfg.sessions, m, ld_config_reason(&d->dev.cfg, confirmed), &c);
        if (no_register) {
            c.outcome = LD_OUTCOME_ON_TIME;
            c.code = LD_CODE_NONE;
        }
        if (late_only && c.outcome == LD_OUTCOME_ON_TIME)
            continue;
        out->total++;
        if (out->n == KIOSK_LIST_MAX)
            continue;
        struct kiosk_arrival *o = &out->items[out->n++];
        struct ld_pupil p;
        memset(o, 0, sizeof *o);
        kiosk_device__ref_of(e, o->ref);
        if (ld_store_pupil_get(d->store, e->upn, &p, NULL, 0) == LD_OK) {
            kiosk_device__pupil_name(&p, o->name);
            kiosk_copy(o->class_name, sizeof o->class_name, p.class_name);
        } else {
            kiosk_copy(o->name, sizeof o->name, e->upn);
        }
        kiosk_device__minute_hhmm(m, o->time);
        o->outcome = c.outcome;
        kiosk_copy(o->reason, sizeof o->reason, reason);
        o->by_staff = e->source == LD_SRC_STAFF;
        o->by_touch = e->source == LD_SRC_TOUCH;
        o->code = c.code;
        o->needs_evidence = needs_evidence(reason, confirmed);
        o->other_kiosk = strcmp(e->device_id, own) != 0;
    }
    free(day.ev);
    return LD_OK;
}

/* The departure of upn today that has no return after it, or -1. */
static long open_departure(const struct day *day, const char *upn)
{
    long open = -1;
    for (size_t i = 0; i < day->n; i++) {
        const struct ld_event *e = &day->ev[i];
        if (strcmp(e->upn, upn) != 0 || is_voided(day, e))
            continue;
        if (e->kind == LD_EV_DEPARTURE)
            open = (long)i;
        else if (e->kind == LD_EV_RETURN)
            open = -1;
    }
    return open;
}

ld_err kiosk_device__away_list(void *impl, struct kiosk_away_list *out)
{
    struct kiosk_device *d = impl;
    struct today t;
    struct day day;
    ld_err err = open_today(d, &t, &day);
    if (err)
        return err;
    out->n = out->total = 0;
    for (size_t i = 0; i < day.n; i++) {
        const struct ld_event *e = &day.ev[i];
        ld_minute m;
        if (e->kind != LD_EV_DEPARTURE || open_departure(&day, e->upn) != (long)i ||
            ld_clock_to_local(d->dev.tz, effective_ms(&day, e), NULL, &m, NULL))
            continue;
        out->total++;
        if (out->n == KIOSK_LIST_MAX)
            continue;
        struct kiosk_away *o = &out->items[out->n++];
        struct ld_pupil p;
        memset(o, 0, sizeof *o);
        kiosk_copy(o->upn, sizeof o->upn, e->upn);
        if (ld_store_pupil_get(d->store, e->upn, &p, NULL, 0) == LD_OK) {
            kiosk_device__pupil_name(&p, o->name);
            kiosk_copy(o->class_name, sizeof o->class_name, p.class_name);
        }
        kiosk_device__minute_hhmm(m, o->time);
        kiosk_copy(o->reason, sizeof o->reason, e->reason);
    }
    free(day.ev);
    return LD_OK;
}

/* Appends a staff event of kind for upn (ref may be NULL) stamped now. */
static ld_err append_staff_event(struct kiosk_device *d, enum ld_event_kind kind, const char *upn,
                                 const char *reason, const struct ld_event *ref)
{
    struct ld_clock_reading now;
    ld_err err = kiosk_device__read_clock(d, &now);
    if (err)
        return kiosk_device__fail_msg(d, err);
    struct ld_event ev = {.kind = kind, .source = LD_SRC_STAFF};
    kiosk_device__stamp(&ev, &now);
    snprintf(ev.upn, sizeof ev.upn, "%s", upn ? upn : "");
    snprintf(ev.staff, sizeof ev.staff, "%s", d->staff_id);
    if (reason && strlen(reason) > LD_REASON_MAX)
        return kiosk_device__fail(d, LD_ERR_RANGE, "That reason is too long.");
    snprintf(ev.reason, sizeof ev.reason, "%s", reason ? reason : "");
    if (ref) {
        snprintf(ev.ref_device, sizeof ev.ref_device, "%s", ref->device_id);
        ev.ref_seq = ref->seq;
    }
    if ((err = ld_store_append_event(d->store, &ev, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    return LD_OK;
}

ld_err kiosk_device__pin_wrong(void *impl, const char *staff_id)
{
    struct kiosk_device *d = impl;
    struct ld_clock_reading now;
    struct ld_staff who = {0};
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    if ((err = kiosk_device__read_clock(d, &now)))
        return kiosk_device__fail_msg(d, err);
    /* Who was tried, by id and by the name the pad showed, so the office need not look it up;
     * an id the store no longer knows is still recorded. Never the PIN. */
    if (staff_id && staff_id[0] &&
        ld_store_staff_get(d->store, staff_id, &who, d->msg, sizeof d->msg) != LD_OK)
        who.name[0] = '\0';
    struct ld_event ev = {.kind = LD_EV_PIN_WRONG, .source = LD_SRC_STAFF};
    kiosk_device__stamp(&ev, &now);
    snprintf(ev.staff, sizeof ev.staff, "%s", staff_id ? staff_id : "");
    snprintf(ev.reason, sizeof ev.reason, "%s", who.name);
    if ((err = ld_store_append_event(d->store, &ev, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    return LD_OK;
}

ld_err kiosk_device__sign_out(void *impl, const char *upn, const char *reason)
{
    struct kiosk_device *d = impl;
    struct today t;
    struct day day;
    struct ld_pupil p;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    if ((err = ld_store_pupil_get(d->store, upn ? upn : "", &p, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    if (!p.active)
        return kiosk_device__fail(d, LD_ERR_STATE, "That pupil is no longer on the roster.");
    if ((err = kiosk_device__today(d, &t)) || (err = load_day(d, &t, &day)))
        return err;
    bool away = open_departure(&day, p.upn) >= 0;
    free(day.ev);
    if (away)
        return kiosk_device__fail(d, LD_ERR_STATE, "That pupil is signed out already.");
    return append_staff_event(d, LD_EV_DEPARTURE, p.upn, reason, NULL);
}

ld_err kiosk_device__sign_back_in(void *impl, const char *upn)
{
    struct kiosk_device *d = impl;
    struct today t;
    struct day day;
    ld_err err = open_today(d, &t, &day);
    if (err)
        return err;
    long k = open_departure(&day, upn ? upn : "");
    struct ld_event dep;
    if (k >= 0)
        dep = day.ev[k];
    free(day.ev);
    if (k < 0)
        return kiosk_device__fail(d, LD_ERR_STATE, "That pupil is not signed out.");
    return append_staff_event(d, LD_EV_RETURN, dep.upn, NULL, &dep);
}

/*
 * Finds this kiosk's own arrival ref into *target and loads today's events into *day (the
 * caller frees day->ev); not_arrival is the sentence when ref names another kind of event,
 * not_own when another kiosk recorded it.
 */
static ld_err arrival_and_day(struct kiosk_device *d, const char *ref, const char *not_arrival,
                              const char *not_own, struct ld_event *target, struct day *day)
{
    struct today t;
    char own[LD_DEVICE_ID_MAX + 1];
    ld_err err = kiosk_device__check_open(d);
    if (!err)
        err = kiosk_device__find_ref(d, ref, target);
    if (err)
        return err;
    if (target->kind != LD_EV_ARRIVAL)
        return kiosk_device__fail(d, LD_ERR_INVALID, not_arrival);
    /* The central store takes a kiosk's corrections of its own events only (docs/central.md). */
    if ((err = ld_store_device_id(d->store, own, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    if (strcmp(target->device_id, own))
        return kiosk_device__fail(d, LD_ERR_STATE, not_own);
    if ((err = kiosk_device__today(d, &t)))
        return err;
    return load_day(d, &t, day);
}

ld_err kiosk_device__void_arrival(void *impl, const char *ref)
{
    struct kiosk_device *d = impl;
    struct ld_event target;
    struct day day;
    ld_err err = arrival_and_day(d, ref, "Only an arrival can be voided here.",
                                 "Another kiosk recorded that arrival: the office can void it.",
                                 &target, &day);
    if (err)
        return err;
    bool voided = is_voided(&day, &target);
    free(day.ev);
    if (voided)
        return kiosk_device__fail(d, LD_ERR_NOT_FOUND, "That arrival was voided already.");
    return append_staff_event(d, LD_EV_VOID, target.upn, "Voided at the kiosk", &target);
}

ld_err kiosk_device__confirm_reason(void *impl, const char *ref)
{
    struct kiosk_device *d = impl;
    struct ld_event target;
    struct day day;
    const char *said, *confirmed;
    char claim[LD_REASON_MAX + 1];
    ld_err err = arrival_and_day(
        d, ref, "Only an arrival's reason can be confirmed.",
        "Another kiosk recorded that arrival: the office can confirm its reason.", &target, &day);
    if (err)
        return err;
    reason_of(&d->dev.cfg, &day, &target, &said, &confirmed);
    bool open = needs_evidence(said, confirmed) && !is_voided(&day, &target);
    snprintf(claim, sizeof claim, "%s", said);
    free(day.ev);
    if (!open)
        return kiosk_device__fail(d, LD_ERR_STATE,
                                  "That arrival has no claimed reason to confirm.");
    return append_staff_event(d, LD_EV_REASON, target.upn, claim, &target);
}

ld_err kiosk_device__unknown_cards(void *impl, struct kiosk_unknown_list *out)
{
    struct kiosk_device *d = impl;
    struct today t;
    struct day day;
    ld_err err = open_today(d, &t, &day);
    if (err)
        return err;
    out->n = out->total = 0;
    for (size_t k = day.n; k-- > 0;) {
        const struct ld_event *e = &day.ev[k];
        if (e->kind != LD_EV_UNKNOWN_CARD)
            continue;
        bool seen = false;
        for (size_t j = k + 1; j < day.n && !seen; j++)
            seen = day.ev[j].kind == LD_EV_UNKNOWN_CARD && strcmp(day.ev[j].card, e->card) == 0;
        struct ld_uid u;
        struct ld_pupil p;
        struct ld_staff s;
        if (seen || !ld_uid_parse(e->card, &u) ||
            ld_store_pupil_by_card(d->store, &u, &p, NULL, 0) == LD_OK ||
            ld_store_staff_by_card(d->store, &u, &s, NULL, 0) == LD_OK)
            continue; /* listed already, or enrolled since */
        ld_minute m;
        out->total++;
        if (out->n == KIOSK_LIST_MAX)
            continue;
        struct kiosk_unknown_card *o = &out->items[out->n++];
        kiosk_copy(o->uid, sizeof o->uid, e->card);
        if (ld_clock_to_local(d->dev.tz, e->at_ms, NULL, &m, NULL))
            m = 0;
        kiosk_device__minute_hhmm(m, o->time);
    }
    free(day.ev);
    return LD_OK;
}

ld_err kiosk_device__enrol(void *impl, const char *uid, const char *upn)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    struct ld_uid u;
    if (!ld_uid_parse(uid ? uid : "", &u))
        return kiosk_device__fail(d, LD_ERR_INVALID, "That is not a card number.");
    if ((err = ld_store_card_enrol(d->store, &u, upn ? upn : "", d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    return LD_OK;
}

struct absent_walk {
    struct kiosk_device *d;
    const struct day *day;
    ld_date today;
    int group; /* the first-day-calling group this pass lists */
    struct kiosk_absent_list *out;
};

static ld_err add_absent(void *ctx, const struct ld_pupil *p)
{
    struct absent_walk *w = ctx;
    int group = ld_flags_call_group(p->flags);
    if (group != w->group || (p->has_admitted && w->today < p->admitted) ||
        (p->has_left && w->today > p->left))
        return LD_OK; /* not on roll today: a joiner before the first day, a leaver after */
    for (size_t i = 0; i < w->day->n; i++) {
        const struct ld_event *e = &w->day->ev[i];
        if (e->kind == LD_EV_ARRIVAL && strcmp(e->upn, p->upn) == 0 && !is_voided(w->day, e))
            return LD_OK; /* here (today's events only: load_day) */
    }
    w->out->total++;
    if (w->out->n == KIOSK_LIST_MAX)
        return LD_OK;
    struct kiosk_absent *o = &w->out->items[w->out->n++];
    memset(o, 0, sizeof *o);
    kiosk_device__pupil_name(p, o->name);
    kiosk_copy(o->class_name, sizeof o->class_name, p->class_name);
    o->priority = group < 4;
    return LD_OK;
}

ld_err kiosk_device__not_arrived(void *impl, struct kiosk_absent_list *out)
{
    struct kiosk_device *d = impl;
    struct today t;
    struct day day;
    ld_err err = kiosk_device__check_open(d);
    if (!err)
        err = kiosk_device__today(d, &t);
    if (err)
        return err;
    out->n = out->total = 0;
    out->available_at[0] = '\0';
    out->not_known[0] = '\0';
    /*
     * Only real evidence makes the list. When only late pupils tap, a child who never came
     * looks the same as one who came on time, and the device has no MIS register: it says so
     * and lists no one rather than a wrong list.
     */
    struct ld_config cfg;
    kiosk_school_config(d->store, &d->dev.cfg, &cfg);
    if (cfg.arrival_mode != LD_ARRIVAL_EVERYONE) {
        kiosk_copy(out->not_known, sizeof out->not_known,
                   "Today's register is not in yet: only late pupils tap here, so who is missing "
                   "is not known. Check the register in the office.");
        return LD_OK;
    }
    /* First-day calling starts when the morning register closes ([sessions] am.register_closes;
     * an arrival at that minute is still L): before, a child not yet here may still come in.
     * After, it is about the day: a child who came in for the afternoon has arrived. */
    ld_minute closes = d->dev.cfg.sessions.am.register_closes;
    if (t.minute <= closes) {
        kiosk_device__minute_hhmm(closes, out->available_at);
        return LD_OK;
    }
    if ((err = load_day(d, &t, &day)))
        return err;
    struct absent_walk w = {d, &day, t.date, 0, out};
    /* First-day calling: CP, LAC, CiN, other social care, then everyone (ld_flags.h). */
    for (w.group = 0; !err && w.group <= 4; w.group++)
        err = ld_store_pupils_foreach(d->store, NULL, false, add_absent, &w, d->msg, sizeof d->msg);
    free(day.ev);
    return err ? kiosk_device__fail_msg(d, err) : LD_OK;
}
