/* pinlock.h: five wrong staff PINs lock the PIN pad for a minute. Pure, with the clock passed in.
 */
#ifndef KIOSK_PINLOCK_H
#define KIOSK_PINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define KIOSK_PIN_TRIES   5
#define KIOSK_PIN_LOCK_MS 60000

/* Wrong PINs in a row and when a lock ends. Plain data: embed it; fields are private. */
struct kiosk_pinlock {
    int failures;
    bool locked;
    uint64_t until_ms;
};

/* Clears every failure and lock. */
void kiosk_pinlock_init(struct kiosk_pinlock *p);

/*
 * Returns true while the pad is locked at now_ms (a monotonic clock), writing the whole seconds
 * left (rounded up) to *seconds_left when it is not NULL. A lock that has run out is cleared
 * here, with the failures that caused it.
 */
bool kiosk_pinlock_locked(struct kiosk_pinlock *p, uint64_t now_ms, unsigned *seconds_left);

/* Records a wrong PIN at now_ms; returns true when this one locked the pad. */
bool kiosk_pinlock_fail(struct kiosk_pinlock *p, uint64_t now_ms);

/* Records a right PIN: the failures are forgotten. */
void kiosk_pinlock_success(struct kiosk_pinlock *p);

/* Returns the wrong PINs left before the pad locks. */
int kiosk_pinlock_tries_left(const struct kiosk_pinlock *p);

#endif
