/* reader_thread.c: the supervisor that runs one reader in its own thread, reopens it, debounces. */
#include "reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "debounce.h"

struct ld_reader_thread {
    struct ld_reader *reader;
    struct ld_reader_thread_config cfg;
    struct ld_debounce debounce; /* the thread's alone */
    pthread_t thread;

    pthread_mutex_t mu;  /* guards what follows */
    pthread_cond_t cond; /* on CLOCK_MONOTONIC; signalled by stop */
    bool stop;
    enum ld_reader_state state;
    char detail[LD_READER_MSG_MAX];
};

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ld_reader_thread_config_default(struct ld_reader_thread_config *cfg)
{
    *cfg = (struct ld_reader_thread_config){
        .debounce_ms = LD_DEBOUNCE_DEFAULT_MS,
        .backoff_min_ms = LD_READER_BACKOFF_MIN_MS,
        .backoff_max_ms = LD_READER_BACKOFF_MAX_MS,
    };
}

static bool stopping(struct ld_reader_thread *t)
{
    pthread_mutex_lock(&t->mu);
    bool stop = t->stop;
    pthread_mutex_unlock(&t->mu);
    return stop;
}

/* Records the state and reports it when it changed. Called by the reader's thread only, so the
 * reports keep their order although on_state runs outside the lock. */
static void set_state(struct ld_reader_thread *t, enum ld_reader_state state, const char *detail)
{
    pthread_mutex_lock(&t->mu);
    bool changed = t->state != state;
    t->state = state;
    snprintf(t->detail, sizeof t->detail, "%s", detail);
    pthread_mutex_unlock(&t->mu);
    if (changed && t->cfg.on_state)
        t->cfg.on_state(t->cfg.ctx, state, detail);
}

/* Sleeps ms milliseconds, or less when stop is asked for; never spins. */
static void pause_ms(struct ld_reader_thread *t, int ms)
{
    int64_t deadline = clock_ms(CLOCK_MONOTONIC) + ms;
    struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        if (pthread_cond_timedwait(&t->cond, &t->mu, &ts) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&t->mu);
}

/* The driver's message, or the error's phrase when the driver left none. */
static const char *why(ld_err err, const char *msg)
{
    return msg[0] ? msg : ld_err_str(err);
}

/* Reads cards until the reader is lost (msg says why) or stop is asked for. */
static void read_until_lost(struct ld_reader_thread *t, char *msg, size_t msglen)
{
    for (;;) {
        struct ld_uid uid = {0};
        msg[0] = '\0';
        ld_err err = ld_reader_read(t->reader, &uid, msg, msglen);
        if (stopping(t))
            return;
        if (err == LD_OK) {
            int64_t now = clock_ms(CLOCK_BOOTTIME);
            if (ld_debounce_accept(&t->debounce, &uid, now))
                t->cfg.on_card(t->cfg.ctx, &uid, now);
        } else if (err == LD_ERR_INVALID || err == LD_ERR_RANGE) {
            if (t->cfg.on_error)
                t->cfg.on_error(t->cfg.ctx, err, why(err, msg));
        } else {
            if (!msg[0])
                snprintf(msg, msglen, "%s: %s", ld_reader_name(t->reader), ld_err_str(err));
            return;
        }
    }
}

static void *reader_main(void *arg)
{
    struct ld_reader_thread *t = arg;
    char msg[LD_READER_MSG_MAX];
    int backoff = t->cfg.backoff_min_ms;

    while (!stopping(t)) {
        set_state(t, LD_READER_RECONNECTING, "opening the reader");
        msg[0] = '\0';
        ld_err err = ld_reader_open(t->reader, msg, sizeof msg);
        if (stopping(t))
            break;
        if (err) {
            set_state(t, LD_READER_MISSING, why(err, msg));
            pause_ms(t, backoff);
            backoff = backoff > t->cfg.backoff_max_ms / 2 ? t->cfg.backoff_max_ms : backoff * 2;
            continue;
        }
        set_state(t, LD_READER_OK, ld_reader_name(t->reader));
        read_until_lost(t, msg, sizeof msg);
        ld_reader_close(t->reader);
        if (stopping(t))
            break;
        /* A reader that worked may be back at once (a USB reset): start the back-off again. */
        set_state(t, LD_READER_MISSING, msg);
        backoff = t->cfg.backoff_min_ms;
        pause_ms(t, backoff);
        backoff = backoff > t->cfg.backoff_max_ms / 2 ? t->cfg.backoff_max_ms : backoff * 2;
    }
    set_state(t, LD_READER_STOPPED, "stopped");
    return NULL;
}

ld_err ld_reader_thread_create(struct ld_reader *reader, const struct ld_reader_thread_config *cfg,
                               struct ld_reader_thread **out, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct ld_reader_thread *t = NULL;
    bool mu_ok = false, cond_ok = false;

    if (!out || !reader || !cfg || !cfg->on_card || cfg->debounce_ms < 0 ||
        cfg->backoff_min_ms <= 0 || cfg->backoff_max_ms < cfg->backoff_min_ms) {
        set_msg(msg, msglen,
                "reader thread: need a reader, on_card, debounce_ms >= 0 and "
                "0 < backoff_min_ms <= backoff_max_ms");
        err = LD_ERR_INVALID;
        goto out;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    t->reader = reader;
    t->cfg = *cfg;
    ld_debounce_init(&t->debounce, cfg->debounce_ms);
    t->state = LD_READER_STOPPED;
    snprintf(t->detail, sizeof t->detail, "starting");

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    cond_ok = pthread_cond_init(&t->cond, &ca) == 0;
    pthread_condattr_destroy(&ca);
    mu_ok = pthread_mutex_init(&t->mu, NULL) == 0;
    if (!cond_ok || !mu_ok) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    int rc = pthread_create(&t->thread, NULL, reader_main, t);
    if (rc != 0) {
        set_msg(msg, msglen, "reader thread: pthread_create: %s", strerror(rc));
        err = LD_ERR_IO;
        goto out;
    }

out:
    if (err && t) {
        if (cond_ok)
            pthread_cond_destroy(&t->cond);
        if (mu_ok)
            pthread_mutex_destroy(&t->mu);
        free(t);
        t = NULL;
    }
    if (out)
        *out = t;
    return err;
}

enum ld_reader_state ld_reader_thread_state(struct ld_reader_thread *t, char *detail,
                                            size_t detaillen)
{
    pthread_mutex_lock(&t->mu);
    enum ld_reader_state state = t->state;
    if (detail && detaillen > 0)
        snprintf(detail, detaillen, "%s", t->detail);
    pthread_mutex_unlock(&t->mu);
    return state;
}

void ld_reader_thread_destroy(struct ld_reader_thread *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->mu);
    ld_reader_interrupt(t->reader);
    pthread_join(t->thread, NULL);
    ld_reader_destroy(t->reader);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
