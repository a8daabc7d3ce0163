/* pinlock.c: counting wrong PINs and timing the lock they cause, longer each time. */
#include "pinlock.h"

#include <stddef.h>

void kiosk_pinlock_init(struct kiosk_pinlock *p)
{
    p->failures = 0;
    p->locks = 0;
    p->locked = false;
    p->until_ms = 0;
}

uint64_t kiosk_pinlock_duration_ms(int n)
{
    static const uint64_t minutes[] = {1, 5, 15, 60};
    int i = n < 1 ? 0 : n > 4 ? 3 : n - 1;
    return minutes[i] * KIOSK_PIN_LOCK_MS;
}

void kiosk_pinlock_restore(struct kiosk_pinlock *p, int failures, int locks, uint64_t remaining_ms,
                           uint64_t now_ms)
{
    kiosk_pinlock_init(p);
    p->failures = failures < 0 ? 0 : failures > KIOSK_PIN_TRIES ? KIOSK_PIN_TRIES : failures;
    p->locks = locks < 0 ? 0 : locks > 1000 ? 1000 : locks;
    /* A saved lock never lasts longer than the longest one: a clock that jumped cannot make
     * the pad unusable for a day. */
    if (remaining_ms > kiosk_pinlock_duration_ms(4))
        remaining_ms = kiosk_pinlock_duration_ms(4);
    if (remaining_ms > 0) {
        p->locked = true;
        p->until_ms = now_ms + remaining_ms;
    }
}

bool kiosk_pinlock_locked(struct kiosk_pinlock *p, uint64_t now_ms, unsigned *seconds_left)
{
    if (p->locked && now_ms >= p->until_ms) {
        p->locked = false;
        p->failures = 0;
        p->until_ms = 0;
    }
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
    p->until_ms = now_ms + kiosk_pinlock_duration_ms(++p->locks);
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

uint64_t kiosk_pinlock_remaining_ms(const struct kiosk_pinlock *p, uint64_t now_ms)
{
    return p->locked && p->until_ms > now_ms ? p->until_ms - now_ms : 0;
}
