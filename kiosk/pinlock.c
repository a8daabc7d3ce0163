/* pinlock.c: counting wrong PINs and timing the lock they cause. */
#include "pinlock.h"

#include <stddef.h>

void kiosk_pinlock_init(struct kiosk_pinlock *p)
{
    p->failures = 0;
    p->locked = false;
    p->until_ms = 0;
}

bool kiosk_pinlock_locked(struct kiosk_pinlock *p, uint64_t now_ms, unsigned *seconds_left)
{
    if (p->locked && now_ms >= p->until_ms)
        kiosk_pinlock_init(p);
    if (seconds_left)
        *seconds_left = p->locked ? (unsigned)((p->until_ms - now_ms + 999) / 1000) : 0;
    return p->locked;
}

bool kiosk_pinlock_fail(struct kiosk_pinlock *p, uint64_t now_ms)
{
    if (kiosk_pinlock_locked(p, now_ms, NULL))
        return false;
    if (++p->failures < KIOSK_PIN_TRIES)
        return false;
    p->locked = true;
    p->until_ms = now_ms + KIOSK_PIN_LOCK_MS;
    return true;
}

void kiosk_pinlock_success(struct kiosk_pinlock *p)
{
    kiosk_pinlock_init(p);
}

int kiosk_pinlock_tries_left(const struct kiosk_pinlock *p)
{
    int left = KIOSK_PIN_TRIES - p->failures;
    return left < 0 ? 0 : left;
}
