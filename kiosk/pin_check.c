/* pin_check.c: a staff PIN checked on a worker thread, the result posted back as an SDL event. */
#include "pin_check.h"

#include <stdlib.h>

#include "events.h"

static void run(struct kiosk_pin_job *job)
{
    job->result = job->check ? job->ops->pin_run(job->check) : KIOSK_PIN_WRONG;
    SDL_AtomicSet(&job->done, 1);
    /* A lost wake-up only delays the result to the loop's next tick (a second at most). */
    (void)kiosk_post_pin();
}

static int worker(void *data)
{
    run(data);
    return 0;
}

ld_err kiosk_pin_job_start(const struct kiosk_backend *be, const char *staff_id, const char *pin,
                           struct kiosk_pin_job **out)
{
    struct kiosk_pin_job *job = calloc(1, sizeof *job);
    if (!job)
        return LD_ERR_NOMEM;
    job->ops = be->ops;
    job->check = be->ops->pin_begin(be->impl, staff_id, pin);
    job->result = KIOSK_PIN_WRONG;
    job->thread = SDL_CreateThread(worker, "latedoor-pin", job);
    if (!job->thread) {
        SDL_Log("latedoor-kiosk: no thread for the PIN check (%s): checking it here",
                SDL_GetError());
        run(job);
    }
    *out = job;
    return LD_OK;
}

bool kiosk_pin_job_done(struct kiosk_pin_job *job)
{
    return SDL_AtomicGet(&job->done) != 0;
}

enum kiosk_pin_result kiosk_pin_job_finish(struct kiosk_pin_job *job,
                                           const struct kiosk_backend *be, bool apply)
{
    if (job->thread)
        SDL_WaitThread(job->thread, NULL);
    enum kiosk_pin_result r = job->result;
    be->ops->pin_end(be->impl, job->check, apply && r == KIOSK_PIN_OK);
    free(job);
    return r;
}

enum kiosk_pin_result kiosk_pin_verify_now(const struct kiosk_backend *be, const char *staff_id,
                                           const char *pin)
{
    void *check = be->ops->pin_begin(be->impl, staff_id, pin);
    enum kiosk_pin_result r = check ? be->ops->pin_run(check) : KIOSK_PIN_WRONG;
    be->ops->pin_end(be->impl, check, r == KIOSK_PIN_OK);
    return r;
}
