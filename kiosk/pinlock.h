/* pinlock.h: wrong staff PINs lock the PIN pad, longer each time. Pure, with the clock passed
 * in. */
#ifndef KIOSK_PINLOCK_H
#define KIOSK_PINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define KIOSK_PIN_TRIES 5

/*
 * Five wrong PINs in a row lock the pad for a minute; the next five (with no right PIN in
 * between) for 5 minutes, then 15, then an hour each time: about 120 guesses a day at most
 * instead of 7,200. A right PIN forgets it all.
 */
#define KIOSK_PIN_LOCK_MS 60000

/* Wrong PINs in a row, locks so far, and when a lock ends. Plain data: embed it. */
struct kiosk_pinlock {
    int failures;
    int locks; /* locks since the last right PIN: the next one lasts longer */
    bool locked;
    uint64_t until_ms;
};

/* Clears every failure and lock. */
void kiosk_pinlock_init(struct kiosk_pinlock *p);

/* Returns how long lock number n (1, 2, ...) lasts, in milliseconds: 1, 5, 15, then 60 min. */
uint64_t kiosk_pinlock_duration_ms(int n);

/*
 * Sets the state read back after a restart: failures and locks as saved, and a lock with
 * remaining_ms to run from now_ms (0: not locked).
 */
void kiosk_pinlock_restore(struct kiosk_pinlock *p, int failures, int locks, uint64_t remaining_ms,
                           uint64_t now_ms);

/*
 * Returns true while the pad is locked at now_ms (a monotonic clock), writing the whole seconds
 * left (rounded up) to *seconds_left when it is not NULL. A lock that has run out is cleared
 * here with the failures that caused it; the count of locks stays until a right PIN.
 */
bool kiosk_pinlock_locked(struct kiosk_pinlock *p, uint64_t now_ms, unsigned *seconds_left);

/* Records a wrong PIN at now_ms; returns true when this one locked the pad. */
bool kiosk_pinlock_fail(struct kiosk_pinlock *p, uint64_t now_ms);

/* Records a right PIN: the failures and locks are forgotten. */
void kiosk_pinlock_success(struct kiosk_pinlock *p);

/* Returns the wrong PINs left before the pad locks. */
int kiosk_pinlock_tries_left(const struct kiosk_pinlock *p);

/* Returns the milliseconds the lock has left at now_ms, 0 when unlocked. */
uint64_t kiosk_pinlock_remaining_ms(const struct kiosk_pinlock *p, uint64_t now_ms);

#endif
