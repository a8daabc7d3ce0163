/* debounce.c: the table of recently seen cards behind ld_debounce_accept. */
#include "debounce.h"

void ld_debounce_init(struct ld_debounce *d, int64_t window_ms)
{
    d->window_ms = window_ms < 0 ? LD_DEBOUNCE_DEFAULT_MS : window_ms;
    d->used = 0;
}

bool ld_debounce_accept(struct ld_debounce *d, const struct ld_uid *uid, int64_t now_ms)
{
    if (uid->len == 0 || uid->len > LD_UID_MAX)
        return false;

    for (size_t i = 0; i < d->used; i++) {
        if (!ld_uid_equal(&d->slots[i].uid, uid))
            continue;
        /* A clock read earlier than the last sighting gives a negative gap: still a duplicate. */
        bool fresh = now_ms - d->slots[i].last_ms >= d->window_ms;
        d->slots[i].last_ms = now_ms;
        return fresh;
    }

    size_t slot = d->used;
    if (slot == LD_DEBOUNCE_SLOTS) {
        /* Full: forget the card seen longest ago, which has usually left its window anyway. */
        slot = 0;
        for (size_t i = 1; i < d->used; i++) {
            if (d->slots[i].last_ms < d->slots[slot].last_ms)
                slot = i;
        }
    } else {
        d->used++;
    }
    d->slots[slot].uid = *uid;
    d->slots[slot].last_ms = now_ms;
    return true;
}
