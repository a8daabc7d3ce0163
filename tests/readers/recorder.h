/* recorder.h: test helper that records a reader thread's callbacks and waits for them. */
#ifndef LD_TEST_RECORDER_H
#define LD_TEST_RECORDER_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reader.h"

#define REC_MAX 256

struct recorder {
    pthread_mutex_t mu;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    struct ld_uid cards[REC_MAX];
    unsigned ncards;
    enum ld_reader_state states[REC_MAX];
    unsigned nstates;
    unsigned nerrors;
    char last_error[LD_READER_MSG_MAX];
};

static inline int64_t rec_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void rec_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static inline void rec_init(struct recorder *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cond, &ca);
    pthread_condattr_destroy(&ca);
}

static inline void rec_fini(struct recorder *r)
{
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->mu);
}

static inline void rec_on_card(void *ctx, const struct ld_uid *uid, int64_t mono_ms)
{
    struct recorder *r = ctx;
    char hex[LD_UID_HEXLEN];
    ld_uid_format(uid, hex);
    fprintf(stderr, "# card %s at %lld\n", hex, (long long)mono_ms);
    pthread_mutex_lock(&r->mu);
    if (r->ncards < REC_MAX)
        r->cards[r->ncards++] = *uid;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
}

static inline void rec_on_state(void *ctx, enum ld_reader_state state, const char *detail)
{
    struct recorder *r = ctx;
    fprintf(stderr, "# state %s: %s\n", ld_reader_state_name(state), detail);
    pthread_mutex_lock(&r->mu);
    if (r->nstates < REC_MAX)
        r->states[r->nstates++] = state;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
}

static inline void rec_on_error(void *ctx, ld_err err, const char *detail)
{
    struct recorder *r = ctx;
    fprintf(stderr, "# error %s: %s\n", ld_err_str(err), detail);
    pthread_mutex_lock(&r->mu);
    r->nerrors++;
    snprintf(r->last_error, sizeof r->last_error, "%s", detail);
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
}

/* A thread config with the recorder's callbacks and the given debounce and back-off. */
static inline struct ld_reader_thread_config rec_config(struct recorder *r, int64_t debounce_ms,
                                                        int backoff_min_ms, int backoff_max_ms)
{
    struct ld_reader_thread_config cfg;
    ld_reader_thread_config_default(&cfg);
    cfg.on_card = rec_on_card;
    cfg.on_state = rec_on_state;
    cfg.on_error = rec_on_error;
    cfg.ctx = r;
    cfg.debounce_ms = debounce_ms;
    cfg.backoff_min_ms = backoff_min_ms;
    cfg.backoff_max_ms = backoff_max_ms;
    return cfg;
}

/* Waits until *counter >= n (read under the lock); returns whether it got there in time. */
static inline bool rec_wait_count(struct recorder *r, const unsigned *counter, unsigned n,
                                  int timeout_ms)
{
    int64_t deadline = rec_now_ms() + timeout_ms;
    struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
    pthread_mutex_lock(&r->mu);
    while (*counter < n) {
        if (pthread_cond_timedwait(&r->cond, &r->mu, &ts) == ETIMEDOUT)
            break;
    }
    bool ok = *counter >= n;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

static inline bool rec_wait_cards(struct recorder *r, unsigned n, int timeout_ms)
{
    return rec_wait_count(r, &r->ncards, n, timeout_ms);
}

static inline bool rec_wait_errors(struct recorder *r, unsigned n, int timeout_ms)
{
    return rec_wait_count(r, &r->nerrors, n, timeout_ms);
}

/* Waits until state is reported at index from or later; returns its index, or -1. */
static inline int rec_wait_state(struct recorder *r, enum ld_reader_state state, unsigned from,
                                 int timeout_ms)
{
    int64_t deadline = rec_now_ms() + timeout_ms;
    struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
    int found = -1;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        for (unsigned i = from; i < r->nstates && found < 0; i++) {
            if (r->states[i] == state)
                found = (int)i;
        }
        if (found >= 0 || pthread_cond_timedwait(&r->cond, &r->mu, &ts) == ETIMEDOUT)
            break;
    }
    for (unsigned i = from; i < r->nstates && found < 0; i++) {
        if (r->states[i] == state)
            found = (int)i;
    }
    pthread_mutex_unlock(&r->mu);
    return found;
}

static inline unsigned rec_cards(struct recorder *r)
{
    pthread_mutex_lock(&r->mu);
    unsigned n = r->ncards;
    pthread_mutex_unlock(&r->mu);
    return n;
}

static inline unsigned rec_states(struct recorder *r)
{
    pthread_mutex_lock(&r->mu);
    unsigned n = r->nstates;
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* The hex of card i. */
static inline void rec_card_hex(struct recorder *r, unsigned i, char hex[LD_UID_HEXLEN])
{
    pthread_mutex_lock(&r->mu);
    ld_uid_format(&r->cards[i], hex);
    pthread_mutex_unlock(&r->mu);
}

#endif
