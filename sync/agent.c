/* agent.c: one sync round: connect, push own events, pull roster/calendar/settings/events. */
#include "agent.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_priv.h"
#include "central.h"
#include "clock.h"
#include "store.h"
#include "sync_status.h"

#ifndef LD_VERSION
#define LD_VERSION "0"
#endif

struct ld_sync_agent {
    struct ld_sync_config cfg;
    struct ld_store *store;
    struct ld_central *central; /* open during a round only */
    char device[LD_DEVICE_ID_MAX + 1];
    char school[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event *buf; /* cfg.batch events, reused by push and pull */
};

void ld_sync__msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

void ld_sync__prefix(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    char head[256], tail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    snprintf(tail, sizeof tail, "%s", msg);
    snprintf(msg, msglen, "%s: %s", head, tail);
}

static int64_t real_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ld_err ld_sync_agent_new(const struct ld_sync_config *cfg, struct ld_store *store,
                         struct ld_sync_agent **out, char *msg, size_t msglen)
{
    if (!cfg || !store || !out) {
        ld_sync__msg(msg, msglen, "sync: no configuration or store given");
        return LD_ERR_INVALID;
    }
    if (!cfg->url || !cfg->url[0]) {
        ld_sync__msg(msg, msglen, "sync: central.url: not set: there is nothing to sync with");
        return LD_ERR_INVALID;
    }
    if (cfg->batch > LD_CENTRAL_BATCH_MAX || cfg->batch > LD_CENTRAL_PULL_MAX) {
        ld_sync__msg(msg, msglen, "sync: batch: %u is over %d events", cfg->batch,
                     LD_CENTRAL_BATCH_MAX);
        return LD_ERR_INVALID;
    }
    struct ld_sync_agent *a = calloc(1, sizeof *a);
    if (!a) {
        ld_sync__msg(msg, msglen, "sync: out of memory");
        return LD_ERR_NOMEM;
    }
    a->cfg = *cfg;
    if (!a->cfg.batch)
        a->cfg.batch = 1000;
    if (!a->cfg.now_ms)
        a->cfg.now_ms = real_now_ms;
    if (a->cfg.passfile && !a->cfg.passfile[0])
        a->cfg.passfile = NULL;
    a->store = store;
    a->buf = calloc(a->cfg.batch, sizeof *a->buf);
    ld_err err = a->buf ? LD_OK : LD_ERR_NOMEM;
    if (err)
        ld_sync__msg(msg, msglen, "sync: out of memory");
    if (!err)
        err = ld_store_device_id(store, a->device, msg, msglen);
    if (err) {
        ld_sync_agent_free(a);
        return err;
    }
    *out = a;
    return LD_OK;
}

void ld_sync_agent_free(struct ld_sync_agent *a)
{
    if (!a)
        return;
    ld_central_close(a->central);
    free(a->buf);
    free(a);
}

/* Opens the central store as this device and checks that it knows us. */
static ld_err connect(struct ld_sync_agent *a, char *msg, size_t msglen)
{
    if (a->central)
        return LD_OK;
    ld_err err =
        ld_central_open(a->cfg.url, a->cfg.passfile, LD_CENTRAL_DEVICE, &a->central, msg, msglen);
    if (err) {
        a->central = NULL;
        return err;
    }
    const char *login = ld_central_login_device(a->central);
    if (login[0] && strcmp(login, a->device)) {
        ld_sync__msg(msg, msglen,
                     "%s: these credentials are device \"%s\", but this device store is \"%s\": "
                     "check central.url and central.passfile",
                     ld_central_display_url(a->central), login, a->device);
        err = LD_ERR_AUTH;
    }
    if (!err) {
        err = ld_central_device_school(a->central, a->device, a->school, msg, msglen);
        if (err == LD_ERR_NOT_FOUND)
            ld_sync__msg(msg, msglen,
                         "%s: the central store does not know device \"%s\" (register it: "
                         "latedoor device add %s --central URL)",
                         ld_central_display_url(a->central), a->device, a->device);
    }
    if (err) {
        ld_central_close(a->central);
        a->central = NULL;
    }
    return err;
}

static bool stop_now(const struct ld_sync_agent *a)
{
    return a->cfg.should_stop && a->cfg.should_stop(a->cfg.stop_ctx);
}

/* ---- push ---- */

struct collect {
    struct ld_central_event *out;
    size_t n, cap;
    const char *school;
};

static ld_err collect_own(void *ctx, const struct ld_event *ev)
{
    struct collect *c = ctx;
    if (c->n >= c->cap)
        return LD_ERR_RANGE; /* cannot happen: the filter's limit is cap */
    struct ld_central_event *o = &c->out[c->n++];
    memset(o, 0, sizeof *o);
    snprintf(o->school, sizeof o->school, "%s", c->school);
    snprintf(o->device_id, sizeof o->device_id, "%s", ev->device_id);
    o->seq = ev->seq;
    snprintf(o->uuid, sizeof o->uuid, "%s", ev->uuid);
    o->kind = (int)ev->kind;
    o->at_ms = ev->at_ms;
    o->mono_ms = ev->mono_ms;
    snprintf(o->boot_id, sizeof o->boot_id, "%s", ev->boot_id);
    o->clock_state = (int)ev->clock;
    snprintf(o->upn, sizeof o->upn, "%s", ev->upn);
    snprintf(o->card, sizeof o->card, "%s", ev->card);
    o->source = (int)ev->source;
    snprintf(o->staff, sizeof o->staff, "%s", ev->staff);
    snprintf(o->reason, sizeof o->reason, "%s", ev->reason);
    snprintf(o->ref_device, sizeof o->ref_device, "%s", ev->ref_device);
    o->ref_seq = ev->ref_seq;
    o->fixed_at_ms = ev->fixed_at_ms;
    /* The device's stored checksum: the centre refuses the event if the fields no longer match. */
    snprintf(o->sum, sizeof o->sum, "%s", ev->sum);
    return LD_OK;
}

/* ---- a centre that went back (restored from a backup) ---- */

/* Sets *has when the centre holds this device's event seq; any other error is returned. */
static ld_err centre_has(struct ld_sync_agent *a, int64_t seq, bool *has, char *msg, size_t msglen)
{
    struct ld_central_event e;
    ld_err err = ld_central_event_get(a->central, a->device, seq, &e, msg, msglen);
    *has = err == LD_OK;
    return err == LD_ERR_NOT_FOUND ? LD_OK : err;
}

/* Sets *same when the event at global_seq g of the school is the one with uuid. */
static ld_err centre_pulled(struct ld_sync_agent *a, int64_t g, const char *uuid, bool *same,
                            char *msg, size_t msglen)
{
    size_t n = 0;
    ld_err err =
        ld_central_pull(a->central, a->device, a->school, g - 1, a->buf, 1, &n, msg, msglen);
    *same = !err && n == 1 && a->buf[0].global_seq == g && !strcmp(a->buf[0].uuid, uuid);
    return err;
}

/*
 * Checks that the centre still holds this device's event at the push cursor and the event last
 * pulled at the pull cursor. When it does not (restored from a backup), moves the push cursor
 * back to the highest own seq the centre holds (a bisection: the centre holds 1..M of a device's
 * seqs, as batches go in order and whole), the pull cursor and part versions to 0, so that this
 * round sends again what was lost and pulls the school again; *resend_upto is the old cursor.
 */
static ld_err check_centre(struct ld_sync_agent *a, struct ld_sync_report *rep,
                           int64_t *resend_upto, char *msg, size_t msglen)
{
    int64_t push = 0, pull = 0;
    char uuid[64] = "";
    bool has = true, same = true;
    *resend_upto = 0;
    ld_err err = ld_sync_number_get(a->store, LD_SYNC_KEY_PUSH_CURSOR, &push, msg, msglen);
    if (!err)
        err = ld_sync_number_get(a->store, LD_SYNC_KEY_PULL_CURSOR, &pull, msg, msglen);
    if (!err) {
        ld_err e =
            ld_store_setting_get(a->store, LD_SYNC_KEY_PULL_UUID, uuid, sizeof uuid, msg, msglen);
        err = e == LD_ERR_NOT_FOUND ? LD_OK : e;
    }
    if (!err && push > 0)
        err = centre_has(a, push, &has, msg, msglen);
    if (!err && pull > 0 && uuid[0])
        err = centre_pulled(a, pull, uuid, &same, msg, msglen);
    if (err || (has && same))
        return err;
    int64_t lo = 0, hi = push; /* the centre holds seq lo (or lo is 0) and not seq hi */
    while (!err && !has && hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        bool m = false;
        err = centre_has(a, mid, &m, msg, msglen);
        if (m)
            lo = mid;
        else
            hi = mid;
    }
    if (!has && !err) {
        *resend_upto = push;
        err = ld_sync_number_set(a->store, LD_SYNC_KEY_PUSH_CURSOR, lo, msg, msglen);
    }
    const char *const keys[] = {LD_SYNC_KEY_PULL_CURSOR, LD_SYNC_KEY_ROSTER_VERSION,
                                LD_SYNC_KEY_CALENDAR_VERSION, LD_SYNC_KEY_SETTINGS_VERSION};
    for (size_t i = 0; !err && i < sizeof keys / sizeof keys[0]; i++)
        err = ld_sync_number_set(a->store, keys[i], 0, msg, msglen);
    if (!err)
        err = ld_store_setting_delete(a->store, LD_SYNC_KEY_PULL_UUID, msg, msglen);
    if (!err)
        rep->went_back = true;
    return err;
}

void ld_sync_describe_notice(const struct ld_sync_report *rep, char *out, size_t outlen)
{
    int n = 0;
    out[0] = '\0';
    if (rep->went_back)
        n = snprintf(out, outlen,
                     "the central store went back: re-sent %zu events and pulled the school's "
                     "log again (was it restored from a backup?)",
                     rep->resent);
    if (rep->skipped && n >= 0 && (size_t)n < outlen &&
        snprintf(out + n, outlen - (size_t)n,
                 "%s%zu bad rows of the central log skipped (a row written past latedoor's "
                 "checks: ask the trust's admin to remove it), the first: %s",
                 n ? "; " : "", rep->skipped, rep->skip_note) < 0)
        out[n] = '\0'; /* a notice longer than out is cut short, which is fine */
}

/* Records what a technician should know of this round (agent.h, LD_SYNC_KEY_NOTICE). */
static ld_err note_round(struct ld_sync_agent *a, const struct ld_sync_report *rep, char *msg,
                         size_t msglen)
{
    char line[512];
    if (!rep->went_back && !rep->skipped)
        return LD_OK;
    ld_sync_describe_notice(rep, line, sizeof line);
    return ld_store_setting_set(a->store, LD_SYNC_KEY_NOTICE, line, msg, msglen);
}

#ifdef LD_TEST_HOOKS
/*
 * The fault tests' pause point, so that a kill lands mid-push on a fast machine or a slow one.
 * With LD_SYNC_TEST_PAUSE="DIR:N", after the N-th batch of a round is committed (the cursor
 * moved), the agent creates DIR/paused-K (K = 1, 2, … per process) and waits for DIR/resume-K,
 * a stop, or DIR/off (which ends every pause). Only in builds with tests (LD_TEST_HOOKS).
 */
static void test_pause(struct ld_sync_agent *a, size_t batch)
{
    static unsigned pauses;
    const char *spec = getenv("LD_SYNC_TEST_PAUSE");
    const char *colon = spec ? strrchr(spec, ':') : NULL;
    char path[512], off[512];
    if (!colon || strtoul(colon + 1, NULL, 10) != batch)
        return;
    int dl = (int)(colon - spec);
    snprintf(off, sizeof off, "%.*s/off", dl, spec);
    if (access(off, F_OK) == 0)
        return;
    pauses++;
    snprintf(path, sizeof path, "%.*s/paused-%u", dl, spec, pauses);
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%.*s/resume-%u", dl, spec, pauses);
    while (access(path, F_OK) != 0 && access(off, F_OK) != 0 && !stop_now(a)) {
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
    }
}
#else
static void test_pause(struct ld_sync_agent *a, size_t batch)
{
    (void)a;
    (void)batch;
}
#endif

static ld_err push(struct ld_sync_agent *a, struct ld_sync_report *rep, int64_t resend_upto,
                   char *msg, size_t msglen)
{
    int64_t cursor = 0;
    ld_err err = ld_sync_number_get(a->store, LD_SYNC_KEY_PUSH_CURSOR, &cursor, msg, msglen);
    rep->push_cursor = cursor;
    while (!err) {
        /* One short read snapshot of the device store; nothing held across the network. */
        struct collect col = {.out = a->buf, .cap = a->cfg.batch, .school = a->school};
        struct ld_event_filter f = {
            .device_id = a->device, .after_seq = cursor, .limit = a->cfg.batch};
        err = ld_store_events_foreach(a->store, &f, collect_own, &col, msg, msglen);
        if (err || col.n == 0)
            break;
        struct ld_push_result res = {0};
        err = ld_central_push(a->central, a->device, a->buf, col.n, &res, msg, msglen);
        if (err == LD_ERR_DUPLICATE) {
            rep->conflict = true;
            ld_sync__prefix(msg, msglen,
                            "push of seq %" PRId64 "..%" PRId64
                            " REFUSED: the central store holds other events under these "
                            "numbers (this kiosk's store restored from an old backup?). Nothing "
                            "was overwritten and taps are kept here; ask the trust's admin for "
                            "a new device id (docs/sync.md)",
                            a->buf[0].seq, a->buf[col.n - 1].seq);
        }
        if (err)
            break;
        /* Committed centrally: only now does the cursor move. */
        err = ld_sync_status_set_cursor(a->store, a->buf[col.n - 1].seq, msg, msglen);
        if (err)
            break;
        cursor = a->buf[col.n - 1].seq;
        rep->push_cursor = cursor;
        for (size_t i = 0; i < col.n; i++)
            rep->resent += a->buf[i].seq <= resend_upto;
        rep->pushed += res.inserted;
        rep->duplicates += res.duplicates;
        rep->batches++;
        if (col.n < a->cfg.batch)
            break;
        test_pause(a, rep->batches);
        if (stop_now(a)) {
            rep->stopped = true;
            break;
        }
    }
    return err;
}

/* ---- the status report (step 4) ---- */

/* Keeps the first own event after the push cursor: the oldest waiting. */
static ld_err first_waiting(void *ctx, const struct ld_event *ev)
{
    *(int64_t *)ctx = ev->at_ms > 0 ? ev->at_ms : 1; /* a 1970 clock still says "waiting" */
    return LD_OK;
}

/* Sends this device's health to the centre, from what the device store holds now. */
static ld_err report_status(struct ld_sync_agent *a, char *msg, size_t msglen)
{
    struct ld_central_device_status st = {0};
    struct ld_sync_status ss;
    struct ld_clock_reading now;
    int64_t last = 0;
    ld_err err = ld_sync_status_read(a->store, &ss, msg, msglen);
    if (!err && ss.pending) {
        struct ld_event_filter f = {
            .device_id = a->device, .after_seq = ss.push_cursor, .limit = 1};
        err = ld_store_events_foreach(a->store, &f, first_waiting, &st.oldest_pending_ms, msg,
                                      msglen);
    }
    /* the clock judged as the kiosk judges it: against the last event recorded */
    if (!err)
        err = ld_store_last_event_ms(a->store, &last, msg, msglen);
    if (!err)
        err = ld_clock_read(a->cfg.clock, last, &now, msg, msglen);
    if (err)
        return err;
    snprintf(st.school, sizeof st.school, "%s", a->school);
    snprintf(st.device_id, sizeof st.device_id, "%s", a->device);
    st.device_ms = now.utc_ms < 0 ? 0 : now.utc_ms;
    st.clock_state = (int)now.state;
    st.pending = (int64_t)ss.pending;
    if (!st.pending)
        st.oldest_pending_ms = 0;
    st.last_sync_ms = ss.last_success_ms;
    if (ss.last_failure[0]) {
        snprintf(st.last_error, sizeof st.last_error, "%s", ss.last_failure);
        st.last_error_ms = ss.last_failure_ms > 0 ? ss.last_failure_ms : 1;
    }
    snprintf(st.reader, sizeof st.reader, "%s",
             ss.reader[0] ? ss.reader : "not known (the kiosk has not said)");
    st.reader_ms = ss.reader[0] ? ss.reader_ms : 0;
    snprintf(st.version, sizeof st.version, "%s", LD_VERSION);
    return ld_central_status_put(a->central, a->device, &st, msg, msglen);
}

/* ---- round ---- */

/*
 * The part of a round's error the kiosk shows (sync_status.h keeps LD_SYNC_ERROR_MAX bytes):
 * without the "central store URL: " the central store puts first, which the technician has in
 * the log and the config, so that the reason itself is kept whole.
 */
static const char *status_reason(const struct ld_sync_agent *a, const char *msg)
{
    static const char head[] = "central store ";
    char url[LD_CENTRAL_URL_MAX];
    ld_central_redact(a->cfg.url, url, sizeof url); /* as the central store shows it */
    size_t ul = strlen(url);
    if (ul && !strncmp(msg, url, ul) && !strncmp(msg + ul, ": ", 2))
        return msg + ul + 2;
    if (strncmp(msg, head, sizeof head - 1))
        return msg;
    const char *colon = strstr(msg + sizeof head - 1, ": ");
    return colon ? colon + 2 : msg;
}

ld_err ld_sync_round(struct ld_sync_agent *a, struct ld_sync_report *rep, char *msg, size_t msglen)
{
    struct ld_sync_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof *rep);
    if (!a) {
        ld_sync__msg(msg, msglen, "sync: no agent given");
        return LD_ERR_INVALID;
    }
    int64_t resend_upto = 0;
    ld_err err = connect(a, msg, msglen);
    if (!err)
        err = check_centre(a, rep, &resend_upto, msg, msglen);
    if (!err)
        err = push(a, rep, resend_upto, msg, msglen);
    /* A refused push leaves the pulls to do: the kiosk still wants the other door's events. */
    char pull_msg[1024] = "";
    if ((!err || err == LD_ERR_DUPLICATE) && !rep->stopped) {
        ld_err perr = ld_sync__pull(a->central, a->store, a->device, a->school,
                                    a->cfg.calendar_path, a->buf, a->cfg.batch, a->cfg.should_stop,
                                    a->cfg.stop_ctx, rep, pull_msg, sizeof pull_msg);
        if (perr && !err) {
            err = perr;
            ld_sync__msg(msg, msglen, "%s", pull_msg);
        }
    }
    if (err && stop_now(a)) {
        /* interrupted (ld_central_interrupt): not a fault of the network or the centre */
        rep->stopped = true;
        ld_sync__msg(msg, msglen,
                     "stopped during the round by a signal: what was committed stays, the "
                     "next round carries on");
    }
    int64_t now = a->cfg.now_ms();
    char smsg[512];
    ld_err nerr = note_round(a, rep, err ? NULL : msg, msglen);
    if (!err)
        err = nerr;
    /* A conflicting push or refused credentials (a disabled device) wait for a person. */
    bool refused = rep->conflict || err == LD_ERR_AUTH;
    ld_err serr =
        !err      ? ld_sync_status_success(a->store, now, smsg, sizeof smsg)
        : refused ? ld_sync_status_refused(a->store, now, status_reason(a, msg), smsg, sizeof smsg)
                  : ld_sync_status_failure(a->store, now, status_reason(a, msg), smsg, sizeof smsg);
    /* Step 4, whatever the round did, while the connection is there: a failed push is what the
     * office most needs to hear of. */
    if (!serr && a->central && !rep->stopped) {
        char rmsg[1024];
        ld_err rerr = report_status(a, rmsg, sizeof rmsg);
        rep->reported = rerr == LD_OK;
        if (rerr && !err) {
            err = rerr;
            ld_sync__msg(msg, msglen, "%s", rmsg); /* it names "device status" */
            serr = err == LD_ERR_AUTH ? ld_sync_status_refused(a->store, now, status_reason(a, msg),
                                                               smsg, sizeof smsg)
                                      : ld_sync_status_failure(a->store, now, status_reason(a, msg),
                                                               smsg, sizeof smsg);
        }
    }
    /*
     * A connection per round: one idle for a minute between rounds may have been dropped by the
     * server (idle_session_timeout, a restart) or by a NAT on the way, and would make the next
     * round fail and back off for nothing. A new TLS session and login is a few milliseconds.
     */
    ld_central_close(a->central);
    a->central = NULL;
    if (serr && !err) {
        err = serr;
        ld_sync__msg(msg, msglen, "sync: writing the status: %s", smsg);
    }
    return err;
}

int64_t ld_sync_backoff_ms(unsigned failures, unsigned min_s, unsigned max_s, uint32_t rnd)
{
    if (min_s == 0)
        min_s = 1;
    if (max_s < min_s)
        max_s = min_s;
    int64_t d = (int64_t)min_s * 1000;
    for (unsigned i = 1; i < failures && d < (int64_t)max_s * 1000; i++)
        d *= 2;
    if (d > (int64_t)max_s * 1000)
        d = (int64_t)max_s * 1000;
    int64_t half = d / 2;
    return half + (int64_t)(rnd % (uint64_t)(half + 1));
}
