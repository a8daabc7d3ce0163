/* backend_device.c: struct kiosk_backend_ops over the config, store, tap pipeline and reader. */
#include "backend_device.h"
#include "device_priv.h"
#include "device_analysis.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "device_analysis.h"
#include "events.h"
#include "names.h"
#include "store.h"
#include "sync_status.h"
#include "tap.h"

/* Staff members whose PINs are tried. */
#define STAFF_MAX 64
/* The text recorded when the reason screen times out (docs/config.md: reason_timeout_s). */
#define NO_REASON_GIVEN "No reason given"

/* ---- small helpers ------------------------------------------------------------------------ */

ld_err kiosk_device__fail(struct kiosk_device *d, ld_err err, const char *sentence)
{
    kiosk_copy(d->last_error, sizeof d->last_error, sentence);
    return err;
}

/* Reports a failure whose detail the store or tap wrote into d->msg. */
ld_err kiosk_device__fail_msg(struct kiosk_device *d, ld_err err)
{
    return kiosk_device__fail(d, err, d->msg[0] ? d->msg : ld_err_str(err));
}

ld_err kiosk_device__check_open(struct kiosk_device *d)
{
    if (d->broken[0])
        return kiosk_device__fail(d, LD_ERR_STATE, d->broken);
    d->msg[0] = '\0';
    return LD_OK;
}

static double mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

void kiosk_device__pupil_name(const struct ld_pupil *p, char out[KIOSK_NAME_MAX])
{
    kiosk_name_display(p->preferred_first[0] ? p->preferred_first : p->legal_first,
                       p->preferred_last[0] ? p->preferred_last : p->legal_last, out,
                       KIOSK_NAME_MAX);
}

void kiosk_device__minute_hhmm(ld_minute m, char out[KIOSK_TIME_MAX])
{
    kiosk_hhmm(m / 60, m % 60, out);
}

void kiosk_device__ref_of(const struct ld_event *ev, char out[KIOSK_REF_MAX])
{
    snprintf(out, KIOSK_REF_MAX, "%s:%lld", ev->device_id, (long long)ev->seq);
}

/* Splits "device:seq" into its parts; false when it is not one. */
static bool parse_ref(const char *ref, char device[LD_DEVICE_ID_MAX + 1], int64_t *seq)
{
    const char *colon = ref ? strrchr(ref, ':') : NULL;
    if (!colon || colon == ref || (size_t)(colon - ref) > LD_DEVICE_ID_MAX)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || v <= 0)
        return false;
    memcpy(device, ref, (size_t)(colon - ref));
    device[colon - ref] = '\0';
    *seq = v;
    return true;
}

/* Reads the clocks as the tap pipeline does, judged against the last trusted event. */
ld_err kiosk_device__read_clock(struct kiosk_device *d, struct ld_clock_reading *now)
{
    int64_t last;
    ld_err err = ld_store_last_event_ms(d->store, &last, d->msg, sizeof d->msg);
    if (!err)
        err = ld_clock_read(d->clock, last, now, d->msg, sizeof d->msg);
    return err;
}

void kiosk_device__stamp(struct ld_event *ev, const struct ld_clock_reading *now)
{
    ev->at_ms = now->utc_ms;
    ev->mono_ms = now->mono_ms;
    snprintf(ev->boot_id, sizeof ev->boot_id, "%s", now->boot_id);
    ev->clock = now->state;
}

ld_err kiosk_device__today(struct kiosk_device *d, struct today *t)
{
    struct ld_clock_reading now;
    ld_err err = kiosk_device__read_clock(d, &now);
    if (err)
        return kiosk_device__fail_msg(d, err);
    t->now_ms = now.utc_ms;
    if (ld_clock_to_local(d->dev.tz, now.utc_ms, &t->date, &t->minute, NULL))
        return kiosk_device__fail(d, LD_ERR_RANGE,
                                  "The clock reads a time outside the calendar's range.");
    if (ld_clock_from_local(d->dev.tz, t->date, 0, 0, &t->from_ms, NULL, 0))
        t->from_ms = now.utc_ms - (int64_t)t->minute * 60000 - 3600000;
    if (ld_clock_from_local(d->dev.tz, t->date + 1, 0, 0, &t->to_ms, NULL, 0))
        t->to_ms = t->from_ms + 25 * 3600000LL;
    return LD_OK;
}

/* ---- greetings ---------------------------------------------------------------------------- */

static void greeting_of(struct kiosk_device *d, const struct ld_tap_result *r,
                        struct kiosk_greeting *g)
{
    memset(g, 0, sizeof *g);
    switch (r->status) {
    case LD_TAP_SIGNED_IN:
    case LD_TAP_ALREADY:
        g->kind = r->status == LD_TAP_SIGNED_IN ? KIOSK_GREET_ARRIVED : KIOSK_GREET_ALREADY;
        kiosk_device__pupil_name(&r->pupil, g->name);
        if (r->closed_day) { /* kept, but no register today: told so, no mark, no reason */
            g->kind = KIOSK_GREET_CLOSED;
            kiosk_copy(g->closed, sizeof g->closed, r->closed_label);
            break;
        }
        kiosk_device__minute_hhmm(r->minute, g->time);
        g->outcome = r->mark.outcome;
        kiosk_copy(g->reason, sizeof g->reason, r->event.reason);
        g->ask_reason = r->status == LD_TAP_SIGNED_IN && r->mark.outcome != LD_OUTCOME_ON_TIME &&
                        !r->event.reason[0];
        kiosk_device__ref_of(&r->event, g->arrival);
        kiosk_copy(g->family, sizeof g->family, r->pupil.family);
        break;
    case LD_TAP_UNKNOWN_CARD:
        g->kind = KIOSK_GREET_UNKNOWN;
        kiosk_copy(g->uid, sizeof g->uid, r->event.card);
        kiosk_device__minute_hhmm(r->minute, g->time);
        break;
    case LD_TAP_STAFF_CARD:
        g->kind = KIOSK_GREET_STAFF;
        kiosk_copy(g->name, sizeof g->name, r->staff.name);
        snprintf(d->staff_id, sizeof d->staff_id, "%s", r->staff.id);
        break;
    }
}

/* ---- ops: settings, clock, status --------------------------------------------------------- */

static const char *dev_last_error(void *impl)
{
    struct kiosk_device *d = impl;
    return d->last_error[0] ? d->last_error : "No error.";
}

static void school_refresh(struct kiosk_device *d);

static ld_err dev_settings(void *impl, struct kiosk_settings *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    school_refresh(d); /* the centre's settings as they are now */
    const struct ld_config *c = &d->dev.cfg;
    memset(out, 0, sizeof *out);
    kiosk_copy(out->school_name, sizeof out->school_name, c->school_name);
    out->gate_mode = c->mode == LD_MODE_GATE;
    out->staff_lists = c->staff_lists_on_kiosk;
    out->confirm_late_touch = c->staff_confirm_late_touch;
    kiosk_device__minute_hhmm(c->sessions.am.register_closes, out->am_closes);
    for (size_t i = 0; i < c->reason_count && i < KIOSK_REASONS_MAX; i++) {
        const struct ld_reason_rule *r = &c->reasons[i].rule;
        out->reason_codes[out->reason_count] =
            r->after_close != LD_CODE_NONE ? r->after_close : r->before_close;
        kiosk_copy(out->reasons[out->reason_count++], KIOSK_REASON_MAX, c->reasons[i].name);
    }
    /* dev.cfg has the centre's settings over the file's (school_refresh): kiosk.languages too. */
    for (size_t i = 0; i < c->language_count && i < KIOSK_LANGUAGES_MAX; i++)
        kiosk_copy(out->languages[out->language_count++], KIOSK_LANGUAGE_MAX, c->languages[i]);
    out->reason_timeout_s = c->reason_timeout_s;
    out->staff_idle_lock_s = c->staff_idle_lock_s;
    kiosk_copy(out->photos_dir, sizeof out->photos_dir, c->kiosk_photos);
    return LD_OK;
}

static ld_err dev_now(void *impl, struct kiosk_clock *out)
{
    struct kiosk_device *d = impl;
    ld_date date;
    ld_minute minute;
    int second;
    int64_t utc_ms;
    if (d->broken[0] || !d->dev.tz) {
        /* No zone loaded: the system's local time, so the idle screen still tells the time. */
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        *out =
            (struct kiosk_clock){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, (tm.tm_wday + 6) % 7,
                                 tm.tm_hour,        tm.tm_min,     tm.tm_sec};
        return LD_OK;
    }
    const struct ld_clock_source *src = d->clock ? d->clock : ld_clock_system_source();
    ld_err err = src->read_realtime(src->ctx, &utc_ms, d->msg, sizeof d->msg);
    if (err)
        return kiosk_device__fail_msg(d, err);
    if (ld_clock_to_local(d->dev.tz, utc_ms, &date, &minute, &second))
        return kiosk_device__fail(d, LD_ERR_RANGE,
                                  "The clock reads a time outside the calendar's range.");
    ld_date_to_ymd(date, &out->year, &out->month, &out->day);
    out->weekday = (int)ld_date_weekday(date);
    out->hour = minute / 60;
    out->minute = minute % 60;
    out->second = second;
    return LD_OK;
}

static enum kiosk_reader_state reader_state(enum ld_reader_state s)
{
    switch (s) {
    case LD_READER_OK:
        return KIOSK_READER_OK;
    case LD_READER_RECONNECTING:
        return KIOSK_READER_RECONNECTING;
    case LD_READER_MISSING:
    case LD_READER_STOPPED:
        break;
    }
    return KIOSK_READER_MISSING;
}

/*
 * Looks at the store's file (one stat): deleted or replaced under the running kiosk, SQLite
 * would go on writing to the file it holds open, which nobody will read again. Writes why into
 * out, "" when it is the file the kiosk opened.
 */
static void store_check(const struct kiosk_device *d, char *out, size_t outlen)
{
    struct stat sb;
    const char *path = d->dev.cfg.store_path;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    out[0] = '\0';
    if (!d->store_seen)
        return;
    if (stat(path, &sb) != 0)
        snprintf(out, outlen, "%.60s %s: restart the kiosk.", base,
                 errno == ENOENT ? "is gone" : "cannot be seen");
    else if ((unsigned long long)sb.st_dev != d->store_dev ||
             (unsigned long long)sb.st_ino != d->store_ino)
        snprintf(out, outlen, "%.60s was replaced: restart the kiosk.", base);
}

/*
 * Writes the reader's state into the store's settings (kiosk.reader_state) when it changed since
 * it was last written, for the sync process to carry to the office's Devices page. A failed
 * write is logged once and tried again at each status read: the door goes on either way.
 */
static void say_reader(struct kiosk_device *d, const struct kiosk_status *st, int64_t now_ms)
{
    char full[KIOSK_DETAIL_MAX + 32], state[LD_READER_STATE_MAX];
    switch (st->reader) {
    case KIOSK_READER_OK:
        snprintf(full, sizeof full, "ok");
        break;
    case KIOSK_READER_NONE:
        snprintf(full, sizeof full, "no reader: %s", st->reader_detail);
        break;
    case KIOSK_READER_RECONNECTING:
        snprintf(full, sizeof full, "reconnecting: %s", st->reader_detail);
        break;
    default:
        snprintf(full, sizeof full, "error: %s", st->reader_detail);
        break;
    }
    ld_sync_clean_line(state, sizeof state, full);
    if (!strcmp(state, d->reader_said))
        return;
    char m[256];
    if (ld_sync_reader_state_set(d->store, now_ms, state, m, sizeof m) != LD_OK) {
        if (!d->reader_unsaid) /* once, not at every status read while the store refuses */
            fprintf(stderr, "latedoor-kiosk: the reader's state could not be kept: %s\n", m);
        d->reader_unsaid = true;
        return;
    }
    d->reader_unsaid = false;
    snprintf(d->reader_said, sizeof d->reader_said, "%s", state);
}

/* True when what the app shows of the school (sessions, reasons, languages) differs. */
static bool school_changed(const struct ld_config *a, const struct ld_config *b)
{
    if (memcmp(&a->sessions, &b->sessions, sizeof a->sessions) ||
        a->school_ends != b->school_ends || a->reason_count != b->reason_count ||
        a->language_count != b->language_count)
        return true;
    for (size_t i = 0; i < a->reason_count; i++)
        if (strcmp(a->reasons[i].name, b->reasons[i].name) ||
            a->reasons[i].rule.before_close != b->reasons[i].rule.before_close ||
            a->reasons[i].rule.after_close != b->reasons[i].rule.after_close)
            return true;
    for (size_t i = 0; i < a->language_count; i++)
        if (strcmp(a->languages[i], b->languages[i]))
            return true;
    return false;
}

/*
 * Puts the centre's settings (sync keeps them in the store) over the file's into dev.cfg, which
 * the taps, reasons and staff lists work to: register times and reasons set in the office reach
 * the door without a restart. A bad setting is logged once and left out (its whole group).
 */
static void school_refresh(struct kiosk_device *d)
{
    struct ld_config *next = malloc(sizeof *next);
    char problem[KIOSK_DETAIL_MAX];
    if (!next || ld_device_school_config(d->store, &d->file_cfg, next, problem, sizeof problem)) {
        free(next);
        return; /* out of memory: what the door works to now stands */
    }
    if (school_changed(next, &d->dev.cfg))
        d->settings_gen++;
    d->dev.cfg = *next;
    if (strcmp(problem, d->school_problem)) {
        if (problem[0])
            fprintf(stderr, "latedoor-kiosk: a setting from the centre was left out: %s\n",
                    problem);
        snprintf(d->school_problem, sizeof d->school_problem, "%s", problem);
    }
    free(next);
}

static ld_err dev_status(void *impl, struct kiosk_status *out)
{
    struct kiosk_device *d = impl;
    memset(out, 0, sizeof *out);
    if (d->broken[0]) {
        out->reader = KIOSK_READER_MISSING;
        snprintf(out->reader_detail, sizeof out->reader_detail,
                 "not started: the device did "
                 "not open");
        out->sync = KIOSK_SYNC_NEVER;
        out->clock = KIOSK_CLOCK_OK;
        return LD_OK;
    }
    if (d->reader) {
        char detail[LD_READER_MSG_MAX];
        out->reader = reader_state(ld_reader_thread_state(d->reader, detail, sizeof detail));
        char line[KIOSK_DETAIL_MAX + LD_READER_MSG_MAX];
        snprintf(line, sizeof line, "%s: %s", ld_reader_driver_name(d->dev.cfg.reader),
                 detail[0] ? detail : "no detail");
        kiosk_copy(out->reader_detail, sizeof out->reader_detail, line);
    } else {
        out->reader = KIOSK_READER_NONE;
        snprintf(out->reader_detail, sizeof out->reader_detail, "%s",
                 d->dev.cfg.reader == LD_READER_NONE ? "touch only (reader.driver = none)"
                                                     : "reader not started");
    }

    struct ld_clock_reading now;
    ld_err err = kiosk_device__read_clock(d, &now);
    if (err)
        return kiosk_device__fail_msg(d, err);
    say_reader(d, out, now.utc_ms);
    out->clock = now.state == LD_CLOCK_OK ? KIOSK_CLOCK_OK : KIOSK_CLOCK_UNSYNCED;
    if (now.state == LD_CLOCK_OK && !d->clock_was_ok) {
        /* The clock is good again (or the kiosk just started): repair what it recorded while it
         * was not. Failing here is not the status's failure: the next good read tries again. */
        size_t repaired = 0, lost = 0;
        char m[256];
        if (ld_tap_repair_clock(&d->tap, &repaired, &lost, m, sizeof m) == LD_OK) {
            if (repaired || lost)
                fprintf(stderr,
                        "latedoor-kiosk: clock repaired %zu arrival(s), %zu from another "
                        "boot for staff to check\n",
                        repaired, lost);
        } else {
            now.state = LD_CLOCK_UNSYNCED; /* try again at the next status read */
        }
    }
    d->clock_was_ok = now.state == LD_CLOCK_OK;

    kiosk_device__calendar_check(d, mono_ms());
    kiosk_copy(out->calendar_detail, sizeof out->calendar_detail, d->calwatch.problem);
    school_refresh(d);
    out->settings_gen = d->settings_gen;
    store_check(d, out->store_detail, sizeof out->store_detail);

    struct ld_sync_status s;
    if ((err = ld_sync_status_read(d->store, &s, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    out->pending = s.pending > 999999 ? 999999u : (unsigned)s.pending;
    kiosk_copy(out->sync_detail, sizeof out->sync_detail, s.last_error);
    if (s.refused)
        out->sync = KIOSK_SYNC_REFUSED;
    else if (!s.ever_synced)
        out->sync = KIOSK_SYNC_NEVER;
    else if (s.last_error[0])
        out->sync = KIOSK_SYNC_OFFLINE;
    else if (s.pending > 0)
        out->sync = KIOSK_SYNC_PENDING;
    else
        out->sync = KIOSK_SYNC_OK;
    ld_date now_date, sync_date;
    ld_minute sync_min;
    if (s.ever_synced && !ld_clock_to_local(d->dev.tz, now.utc_ms, &now_date, NULL, NULL) &&
        !ld_clock_to_local(d->dev.tz, s.last_success_ms, &sync_date, &sync_min, NULL) &&
        sync_date == now_date)
        kiosk_device__minute_hhmm(sync_min, out->last_sync);
    return LD_OK;
}

/* Brings the analysis up to date: again only when the day or the number of events changed. */
static ld_err refresh_analysis(struct kiosk_device *d)
{
    struct today t;
    uint64_t count;
    ld_err err = kiosk_device__today(d, &t);
    if (err)
        return err;
    if ((err = ld_store_events_count(d->store, NULL, &count, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    /* The present minute is the analysis's as_of time: a register closing changes it. */
    if (d->cache_valid && d->cache_date == t.date && d->cache_minute == t.minute &&
        d->cache_events == count)
        return LD_OK;
    if (!d->dev.cal) { /* no calendar file yet: no school days to judge by (the status says) */
        memset(d->speak, 0, sizeof *d->speak);
        d->punctual[0] = '\0';
        return LD_OK;
    }
    double t0 = mono_ms();
    if ((err = kiosk_analyse_store(d->store, &d->dev, t.date, t.minute, t.to_ms, d->speak,
                                   d->punctual, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    d->cache_valid = true;
    d->cache_date = t.date;
    d->cache_minute = t.minute;
    d->cache_events = count;
    d->analysis_ms = mono_ms() - t0;
    return LD_OK;
}

static bool dev_punctual(void *impl, char *out, size_t outlen)
{
    struct kiosk_device *d = impl;
    if (kiosk_device__check_open(d) || refresh_analysis(d) || !d->punctual[0])
        return false;
    kiosk_copy(out, outlen, d->punctual);
    return true;
}

static ld_err dev_speak_to(void *impl, struct kiosk_speak_list *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (!err)
        err = refresh_analysis(d);
    if (err)
        return err;
    *out = *d->speak;
    return LD_OK;
}

/* ---- ops: the PIN pad's lock, in the store's settings -------------------------------------- */

#define PIN_LOCK_KEY "kiosk.pin_lock" /* "FAILURES LOCKS UNTIL_UTC_MS" */

static ld_err dev_pin_lock_read(void *impl, struct kiosk_pin_lock_state *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    char value[64], tail;
    memset(out, 0, sizeof *out);
    err = ld_store_setting_get(d->store, PIN_LOCK_KEY, value, sizeof value, d->msg, sizeof d->msg);
    if (err == LD_ERR_NOT_FOUND)
        return LD_OK;
    if (err)
        return kiosk_device__fail_msg(d, err);
    int failures, locks;
    long long until;
    if (sscanf(value, "%d %d %lld%c", &failures, &locks, &until, &tail) != 3 || failures < 0 ||
        locks < 0) {
        snprintf(d->msg, sizeof d->msg,
                 "store setting %s: not \"FAILURES LOCKS UNTIL_MS\": \"%.40s\"", PIN_LOCK_KEY,
                 value);
        return kiosk_device__fail_msg(d, LD_ERR_INVALID);
    }
    struct ld_clock_reading now;
    if ((err = kiosk_device__read_clock(d, &now)))
        return kiosk_device__fail_msg(d, err);
    out->failures = failures;
    out->locks = locks;
    if (until > now.utc_ms)
        out->remaining_ms =
            until - now.utc_ms > 3600000 ? 3600000u : (unsigned)(until - now.utc_ms);
    return LD_OK;
}

static ld_err dev_pin_lock_write(void *impl, const struct kiosk_pin_lock_state *st)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    struct ld_clock_reading now;
    if ((err = kiosk_device__read_clock(d, &now)))
        return kiosk_device__fail_msg(d, err);
    char value[64];
    snprintf(value, sizeof value, "%d %d %lld", st->failures, st->locks,
             st->remaining_ms ? (long long)now.utc_ms + st->remaining_ms : 0LL);
    if ((err = ld_store_setting_set(d->store, PIN_LOCK_KEY, value, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    return LD_OK;
}

/* ---- ops: taps, sign-in, reasons ---------------------------------------------------------- */

/*
 * True when it is after sessions.school_ends on a school day: a pupil's tap then records
 * nothing (it would make an afternoon U). A closed day is the tap pipeline's to say.
 */
static bool after_school(struct kiosk_device *d)
{
    struct today t;
    return d->dev.cal && kiosk_device__today(d, &t) == LD_OK &&
           t.minute >= d->dev.cfg.school_ends && ld_calendar_is_school_day(d->dev.cal, t.date);
}

/* Fills g as the greeting for a tap after school: nothing was recorded. */
static void after_school_greeting(struct kiosk_greeting *g)
{
    memset(g, 0, sizeof *g);
    g->kind = KIOSK_GREET_CLOSED;
    kiosk_copy(g->closed, sizeof g->closed, KIOSK_AFTER_SCHOOL);
}

static ld_err dev_tap_card(void *impl, const char *uid, struct kiosk_greeting *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    struct ld_uid u;
    if (!ld_uid_parse(uid ? uid : "", &u)) {
        char line[KIOSK_DETAIL_MAX];
        snprintf(line, sizeof line, "The reader gave a card number that is not a UID: \"%.40s\".",
                 uid ? uid : "");
        return kiosk_device__fail(d, LD_ERR_INVALID, line);
    }
    struct ld_staff staff;
    if (after_school(d) &&
        (err = ld_store_staff_by_card(d->store, &u, &staff, d->msg, sizeof d->msg)) != LD_OK) {
        if (err != LD_ERR_NOT_FOUND) /* a staff card still opens staff mode */
            return kiosk_device__fail_msg(d, err);
        after_school_greeting(out);
        return LD_OK;
    }
    struct ld_tap_result r;
    if ((err = ld_tap_card(&d->tap, &u, LD_SRC_CARD, &r, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    greeting_of(d, &r, out);
    return LD_OK;
}

static ld_err dev_sign_in(void *impl, const char *upn, const char *reason, bool by_staff,
                          struct kiosk_greeting *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    if (after_school(d)) {
        after_school_greeting(out);
        return LD_OK;
    }
    struct ld_tap_result r;
    err = ld_tap_pupil(&d->tap, upn, by_staff ? LD_SRC_STAFF : LD_SRC_TOUCH, reason,
                       by_staff ? d->staff_id : NULL, &r, d->msg, sizeof d->msg);
    if (err)
        return kiosk_device__fail_msg(d, err);
    greeting_of(d, &r, out);
    if (by_staff)
        out->ask_reason = false;
    return LD_OK;
}

struct find_event {
    int64_t seq;
    bool found;
    struct ld_event ev;
};

static ld_err find_event_cb(void *ctx, const struct ld_event *ev)
{
    struct find_event *f = ctx;
    if (ev->seq == f->seq) {
        f->ev = *ev;
        f->found = true;
    }
    return LD_OK;
}

/* Finds the event named by ref ("device:seq"). */
ld_err kiosk_device__find_ref(struct kiosk_device *d, const char *ref, struct ld_event *out)
{
    char device[LD_DEVICE_ID_MAX + 1];
    struct find_event f = {0};
    if (!parse_ref(ref, device, &f.seq))
        return kiosk_device__fail(d, LD_ERR_INVALID, "That is not a reference to an event.");
    struct ld_event_filter filter = {.device_id = device, .after_seq = f.seq - 1, .limit = 1};
    ld_err err =
        ld_store_events_foreach(d->store, &filter, find_event_cb, &f, d->msg, sizeof d->msg);
    if (err)
        return kiosk_device__fail_msg(d, err);
    if (!f.found)
        return kiosk_device__fail(d, LD_ERR_NOT_FOUND, "That event is not in the log.");
    *out = f.ev;
    return LD_OK;
}

static ld_err dev_record_reason(void *impl, const char *ref, const char *reason,
                                struct kiosk_greeting *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    struct ld_tap_result r;
    memset(&r, 0, sizeof r);
    if ((err = kiosk_device__find_ref(d, ref, &r.event)))
        return err;
    if (r.event.kind != LD_EV_ARRIVAL)
        return kiosk_device__fail(d, LD_ERR_INVALID, "A reason can only be given for an arrival.");
    if ((err = ld_store_pupil_get(d->store, r.event.upn, &r.pupil, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    r.status = LD_TAP_SIGNED_IN;
    r.at_ms = r.event.at_ms;
    const char *text = reason && *reason ? reason : NO_REASON_GIVEN;
    if ((err = ld_tap_reason(&d->tap, &r, text, NULL, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    kiosk_copy(r.event.reason, sizeof r.event.reason, text);
    greeting_of(d, &r, out);
    out->ask_reason = false;
    return LD_OK;
}

/* ---- ops: pupils -------------------------------------------------------------------------- */

static ld_err add_class(void *ctx, const char *name, unsigned pupils)
{
    struct kiosk_class_list *out = ctx;
    out->total++;
    if (out->n < KIOSK_CLASSES_MAX) {
        kiosk_copy(out->items[out->n].name, KIOSK_CLASS_MAX, name);
        out->items[out->n++].pupils = pupils;
    }
    return LD_OK;
}

/* Where a year group comes in school order: nursery, Reception, then Years 1 to 13. */
static int year_rank(const char *year)
{
    if (!strcasecmp(year, "N") || !strncasecmp(year, "Nurs", 4))
        return -1;
    if (!strcasecmp(year, "R") || !strcasecmp(year, "YR") || !strncasecmp(year, "Rec", 3))
        return 0;
    const char *p = year[0] == 'Y' || year[0] == 'y' ? year + 1 : year;
    int n = atoi(p);
    return n > 0 ? n : 99;
}

struct class_years {
    struct kiosk_class_list *out;
    int rank[KIOSK_CLASSES_MAX]; /* the youngest year group in each class */
};

static ld_err note_year(void *ctx, const struct ld_pupil *p)
{
    struct class_years *cy = ctx;
    for (size_t i = 0; i < cy->out->n; i++) {
        if (strcmp(cy->out->items[i].name, p->class_name) == 0) {
            int r = year_rank(p->year);
            if (r < cy->rank[i])
                cy->rank[i] = r;
            break;
        }
    }
    return LD_OK;
}

static ld_err dev_list_classes(void *impl, struct kiosk_class_list *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    out->n = out->total = 0;
    if ((err = ld_store_classes_foreach(d->store, add_class, out, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    /* The youngest first, as a school lists them (Reception was last, after "6C"); each class
     * named as the school writes it. A stable insertion sort: name order within a year. */
    struct class_years cy = {.out = out};
    for (size_t i = 0; i < KIOSK_CLASSES_MAX; i++)
        cy.rank[i] = 100;
    if ((err =
             ld_store_pupils_foreach(d->store, NULL, false, note_year, &cy, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    for (size_t i = 1; i < out->n; i++) {
        struct kiosk_class c = out->items[i];
        int r = cy.rank[i];
        size_t j = i;
        for (; j > 0 && cy.rank[j - 1] > r; j--) {
            out->items[j] = out->items[j - 1];
            cy.rank[j] = cy.rank[j - 1];
        }
        out->items[j] = c;
        cy.rank[j] = r;
    }
    return LD_OK;
}

struct pupil_walk {
    struct kiosk_pupil_list *out;
    char prefix[64]; /* folded; "" lists everyone */
};

static bool starts_folded(const char *s, const char *folded)
{
    char buf[128];
    kiosk_name_fold(s, buf, sizeof buf);
    return strncmp(buf, folded, strlen(folded)) == 0;
}

static ld_err add_listed_pupil(void *ctx, const struct ld_pupil *p)
{
    struct pupil_walk *w = ctx;
    if (w->prefix[0]) {
        const char *first = p->preferred_first[0] ? p->preferred_first : p->legal_first;
        const char *last = p->preferred_last[0] ? p->preferred_last : p->legal_last;
        if (!starts_folded(first, w->prefix) && !starts_folded(last, w->prefix))
            return LD_OK;
    }
    w->out->total++;
    if (w->out->n == KIOSK_LIST_MAX)
        return LD_OK;
    struct kiosk_pupil *o = &w->out->items[w->out->n++];
    kiosk_copy(o->upn, sizeof o->upn, p->upn);
    kiosk_device__pupil_name(p, o->name);
    kiosk_copy(o->class_name, sizeof o->class_name, p->class_name);
    return LD_OK;
}

static int cmp_pupil_name(const void *x, const void *y)
{
    const struct kiosk_pupil *a = x, *b = y;
    char fa[KIOSK_NAME_MAX * 2], fb[KIOSK_NAME_MAX * 2];
    kiosk_name_fold(a->name, fa, sizeof fa);
    kiosk_name_fold(b->name, fb, sizeof fb);
    int c = strcmp(fa, fb);
    return c ? c : strcmp(a->upn, b->upn);
}

static ld_err list_pupils(struct kiosk_device *d, const char *class_name, const char *prefix,
                          struct kiosk_pupil_list *out)
{
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    struct pupil_walk w = {.out = out};
    out->n = out->total = 0;
    if (prefix) {
        kiosk_name_fold(prefix, w.prefix, sizeof w.prefix);
        if (!w.prefix[0])
            return LD_OK;
    }
    if ((err = ld_store_pupils_foreach(d->store, class_name, false, add_listed_pupil, &w, d->msg,
                                       sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    qsort(out->items, out->n, sizeof out->items[0], cmp_pupil_name);
    return LD_OK;
}

static ld_err dev_list_pupils(void *impl, const char *class_name, struct kiosk_pupil_list *out)
{
    if (!class_name || !*class_name)
        return kiosk_device__fail(impl, LD_ERR_INVALID, "No class was chosen.");
    return list_pupils(impl, class_name, NULL, out);
}

static ld_err dev_search(void *impl, const char *prefix, struct kiosk_pupil_list *out)
{
    return list_pupils(impl, NULL, prefix ? prefix : "", out);
}

/* ---- ops: staff --------------------------------------------------------------------------- */

/* A PIN check (model.h): the PIN and the active staff's hashes, copied out of the store on the
 * UI thread, so the worker's Argon2id runs touch neither the store's connection nor d. */
struct pin_check {
    struct ld_staff s[STAFF_MAX];
    size_t n;
    char pin[KIOSK_PIN_MAX + 1];
    size_t len;
    size_t match; /* the index of the staff member whose PIN it is; n for none */
};

static ld_err collect_pin(void *ctx, const struct ld_staff *staff)
{
    struct pin_check *p = ctx;
    if (staff->active && staff->pin_hash[0] && p->n < STAFF_MAX)
        p->s[p->n++] = *staff;
    return LD_OK;
}

static void pin_free(struct pin_check *p)
{
    sodium_memzero(p, sizeof *p);
    free(p);
}

static ld_err collect_staff(void *ctx, const struct ld_staff *staff)
{
    struct kiosk_staff_list *l = ctx;
    if (!staff->active || !staff->pin_hash[0])
        return LD_OK;
    l->total++;
    if (l->n < sizeof l->items / sizeof l->items[0]) {
        kiosk_copy(l->items[l->n].id, sizeof l->items[l->n].id, staff->id);
        kiosk_copy(l->items[l->n].name, sizeof l->items[l->n].name, staff->name);
        l->n++;
    }
    return LD_OK;
}

static int cmp_staff_name(const void *a, const void *b)
{
    return strcmp(((const struct kiosk_staff_member *)a)->name,
                  ((const struct kiosk_staff_member *)b)->name);
}

static ld_err dev_list_staff(void *impl, struct kiosk_staff_list *out)
{
    struct kiosk_device *d = impl;
    ld_err err = kiosk_device__check_open(d);
    if (err)
        return err;
    out->n = out->total = 0;
    if ((err = ld_store_staff_foreach(d->store, collect_staff, out, d->msg, sizeof d->msg)))
        return kiosk_device__fail_msg(d, err);
    qsort(out->items, out->n, sizeof out->items[0], cmp_staff_name);
    return LD_OK;
}

size_t kiosk_device_pin_hashes(const void *check)
{
    return check ? ((const struct pin_check *)check)->n : 0;
}

static void *dev_pin_begin(void *impl, const char *staff_id, const char *pin)
{
    struct kiosk_device *d = impl;
    size_t len = pin ? strlen(pin) : 0;
    if (kiosk_device__check_open(d) || len == 0 || len > KIOSK_PIN_MAX ||
        strspn(pin, "0123456789") != len)
        return NULL;
    struct pin_check *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    /* The staff member said who they are: their hash alone is checked. */
    struct ld_staff one;
    ld_err err = staff_id ? ld_store_staff_get(d->store, staff_id, &one, d->msg, sizeof d->msg)
                          : ld_store_staff_foreach(d->store, collect_pin, p, d->msg, sizeof d->msg);
    if (staff_id && err == LD_OK)
        (void)collect_pin(p, &one);
    if (err != LD_OK || p->n == 0) {
        if (err != LD_OK && err != LD_ERR_NOT_FOUND)
            SDL_Log("latedoor-kiosk: the staff PINs could not be read: %s", d->msg);
        pin_free(p);
        return NULL;
    }
    memcpy(p->pin, pin, len);
    p->len = len;
    p->match = p->n;
    return p;
}

static enum kiosk_pin_result dev_pin_run(void *check)
{
    struct pin_check *p = check;
    for (size_t i = 0; i < p->n; i++) {
        if (crypto_pwhash_str_verify(p->s[i].pin_hash, p->pin, p->len) == 0) {
            p->match = i;
            return KIOSK_PIN_OK;
        }
    }
    return KIOSK_PIN_WRONG;
}

static void dev_pin_end(void *impl, void *check, bool apply)
{
    struct kiosk_device *d = impl;
    struct pin_check *p = check;
    if (!p)
        return;
    if (apply && p->match < p->n)
        snprintf(d->staff_id, sizeof d->staff_id, "%s", p->s[p->match].id);
    pin_free(p);
}

static const struct kiosk_backend_ops device_ops = {
    .last_error = dev_last_error,
    .settings = dev_settings,
    .pin_lock_read = dev_pin_lock_read,
    .list_staff = dev_list_staff,
    .pin_lock_write = dev_pin_lock_write,
    .pin_wrong = kiosk_device__pin_wrong,
    .now = dev_now,
    .status = dev_status,
    .punctual_class = dev_punctual,
    .tap_card = dev_tap_card,
    .sign_in = dev_sign_in,
    .record_reason = dev_record_reason,
    .list_classes = dev_list_classes,
    .list_pupils = dev_list_pupils,
    .search_pupils = dev_search,
    .pin_begin = dev_pin_begin,
    .pin_run = dev_pin_run,
    .pin_end = dev_pin_end,
    .arrivals_today = kiosk_device__arrivals,
    .speak_to = dev_speak_to,
    .away_list = kiosk_device__away_list,
    .sign_out = kiosk_device__sign_out,
    .sign_back_in = kiosk_device__sign_back_in,
    .void_arrival = kiosk_device__void_arrival,
    .confirm_reason = kiosk_device__confirm_reason,
    .unknown_cards = kiosk_device__unknown_cards,
    .enrol_card = kiosk_device__enrol,
    .not_arrived = kiosk_device__not_arrived,
};

/* ---- the reader --------------------------------------------------------------------------- */

static void handle_card(void *ctx, const struct ld_uid *uid, int64_t mono)
{
    struct kiosk_device *d = ctx;
    char hex[LD_UID_HEXLEN];
    (void)mono;
    ld_uid_format(uid, hex);
    if (!d->on_card(hex))
        fprintf(stderr, "latedoor-kiosk: a card could not be passed to the screen (SDL's "
                        "queue is full or not ready): it is dropped, the child taps again\n");
}

static void handle_state(void *ctx, enum ld_reader_state state, const char *detail)
{
    struct kiosk_device *d = ctx;
    fprintf(stderr, "latedoor-kiosk: reader %s: %s\n", ld_reader_state_name(state),
            detail ? detail : "");
    d->on_status();
}

void kiosk_device_start_reader(struct kiosk_device *d)
{
    if (d->broken[0] || d->reader_started)
        return;
    d->reader_started = true;
    struct ld_reader *reader = NULL;
    ld_err err = ld_device_reader_create(&d->dev.cfg, &reader, d->msg, sizeof d->msg);
    if (err) {
        /* Touch keeps working: the status line tells staff why there is no reader. */
        fprintf(stderr, "latedoor-kiosk: reader: %s\n", d->msg);
        return;
    }
    if (!reader)
        return; /* driver = none */
    struct ld_reader_thread_config rc;
    ld_reader_thread_config_default(&rc);
    rc.on_card = handle_card;
    rc.on_state = handle_state;
    rc.ctx = d;
    rc.debounce_ms = d->dev.cfg.debounce_ms;
    if ((err = ld_reader_thread_create(reader, &rc, &d->reader, d->msg, sizeof d->msg))) {
        fprintf(stderr, "latedoor-kiosk: reader: %s\n", d->msg);
        ld_reader_destroy(reader);
        d->reader = NULL;
    }
}

/* ---- opening and closing ------------------------------------------------------------------ */

static bool post_card(const char *uid)
{
    return kiosk_post_card(uid);
}

static bool post_status(void)
{
    return kiosk_post_status();
}

ld_err kiosk_device_open(const struct kiosk_device_options *opt, struct kiosk_device **out)
{
    struct kiosk_device *d = calloc(1, sizeof *d);
    if (!d)
        return LD_ERR_NOMEM;
    d->speak = calloc(1, sizeof *d->speak);
    if (!d->speak) {
        free(d);
        return LD_ERR_NOMEM;
    }
    d->clock = opt->clock;
    d->on_card = opt->on_card ? opt->on_card : post_card;
    d->on_status = opt->on_status ? opt->on_status : post_status;
    *out = d;

    char msg[KIOSK_DETAIL_MAX];
    const char *path = ld_device_config_path(opt->config_path);
    if (sodium_init() < 0) {
        snprintf(d->broken, sizeof d->broken,
                 "libsodium could not start: staff PINs cannot be "
                 "checked.");
        return LD_OK;
    }
    /* The calendar apart: a new kiosk starts before its first sync has written it. */
    if (ld_device_load_without_calendar(path, &d->dev, msg, sizeof msg)) {
        snprintf(d->broken, sizeof d->broken, "%s", msg);
        return LD_OK;
    }
    d->calwatch.interval_ms = opt->calendar_check_ms;
    kiosk_device__calendar_check(d, mono_ms());
    if (ld_store_open(d->dev.cfg.store_path, NULL, &d->store, msg, sizeof msg)) {
        snprintf(d->broken, sizeof d->broken, "%s", msg);
        return LD_OK;
    }
    struct stat sb;
    if (stat(d->dev.cfg.store_path, &sb) == 0) {
        d->store_seen = true;
        d->store_dev = (unsigned long long)sb.st_dev;
        d->store_ino = (unsigned long long)sb.st_ino;
    }
    if (opt->clock_start) {
        ld_date date;
        ld_minute minute;
        int64_t start;
        if (!ld_datetime_parse(opt->clock_start, &date, &minute) ||
            ld_clock_from_local(d->dev.tz, date, minute, 0, &start, msg, sizeof msg)) {
            snprintf(d->broken, sizeof d->broken,
                     "--clock-start %s: not a local time YYYY-MM-DDTHH:MM", opt->clock_start);
            return LD_OK;
        }
        kiosk_demo_clock_init(&d->demo_clock, start, true);
        d->clock = &d->demo_clock.source;
    }
    d->file_cfg = d->dev.cfg;
    school_refresh(d);
    d->tap = (struct ld_tap){.store = d->store, .dev = &d->dev, .clock = d->clock};
    if (!opt->no_reader)
        kiosk_device_start_reader(d);
    return LD_OK;
}

void kiosk_device_close(struct kiosk_device *d)
{
    if (!d)
        return;
    ld_reader_thread_destroy(d->reader);
    ld_store_close(d->store);
    ld_device_free(&d->dev);
    free(d->speak);
    free(d);
}

struct kiosk_backend kiosk_device_backend(struct kiosk_device *d)
{
    struct kiosk_backend b = {&device_ops, d};
    return b;
}

const char *kiosk_device_error(const struct kiosk_device *d)
{
    return d->broken[0] ? d->broken : NULL;
}

double kiosk_device_analysis_ms(const struct kiosk_device *d)
{
    return d->analysis_ms;
}

bool kiosk_device_sim_tap(struct kiosk_device *d, const char *uid)
{
    if (d->broken[0] || d->dev.cfg.reader != LD_READER_SIM) {
        fprintf(stderr, "latedoor-kiosk: the demo keys need reader.driver = sim\n");
        return false;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(d->dev.cfg.reader_path) >= sizeof sa.sun_path)
        return false;
    memcpy(sa.sun_path, d->dev.cfg.reader_path, strlen(d->dev.cfg.reader_path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    char line[LD_SIM_LINE_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", uid);
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && n > 0 &&
              write(fd, line, (size_t)n) == n;
    if (!ok)
        fprintf(stderr, "latedoor-kiosk: the simulated reader at %s: %s\n", d->dev.cfg.reader_path,
                strerror(errno));
    close(fd);
    return ok;
}
