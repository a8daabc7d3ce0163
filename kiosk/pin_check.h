/*
 * pin_check.h: a staff PIN checked on a worker thread, so that Argon2id (0.15 s here, 1 to 2 s
 * on a Pi) never freezes the screen. One check at a time; the UI owns it from start to finish.
 */
#ifndef KIOSK_PIN_CHECK_H
#define KIOSK_PIN_CHECK_H

#include <stdbool.h>

#include "SDL.h"
#include "ld_err.h"
#include "model.h"

/*
 * A check in flight. The worker touches only check and result, then sets done and posts
 * KIOSK_EV_PIN (events.h) to wake the UI; every other field is the UI thread's.
 */
struct kiosk_pin_job {
    const struct kiosk_backend_ops *ops;
    void *check; /* from ops->pin_begin; NULL when it could not begin (a wrong PIN) */
    enum kiosk_pin_result result;
    SDL_atomic_t done;
    SDL_Thread *thread; /* NULL when the check ran at once (no thread could be made) */
    bool stale;         /* the UI moved on: the result must not unlock anything */
};

/*
 * Starts checking the PIN of staff member staff_id (NULL: anyone's) against be on a worker
 * thread (UI thread). The backend copies what it
 * needs (pin_begin) before this returns, so the caller may wipe pin at once. When no thread can
 * be made the check runs here, synchronously, rather than not at all. Returns LD_ERR_NOMEM
 * when the job cannot be allocated.
 */
ld_err kiosk_pin_job_start(const struct kiosk_backend *be, const char *staff_id, const char *pin,
                           struct kiosk_pin_job **out) LD_MUST_CHECK;

/* Returns true once the worker has a result (never blocks). */
bool kiosk_pin_job_done(struct kiosk_pin_job *job);

/*
 * Waits for the worker, hands the check back to the backend (pin_end, which remembers who
 * unlocked only when apply is true and the PIN was right, and wipes the check), frees the job
 * and returns its result. Accepts a job still running (it waits: at most one Argon2id run).
 */
enum kiosk_pin_result kiosk_pin_job_finish(struct kiosk_pin_job *job,
                                           const struct kiosk_backend *be, bool apply);

/* Checks pin synchronously on this thread (tools, tests and benchmarks; never the UI). */
enum kiosk_pin_result kiosk_pin_verify_now(const struct kiosk_backend *be, const char *staff_id,
                                           const char *pin);

#endif
