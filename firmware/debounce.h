/* debounce.h: one card event for a card held on the reader or tapped again within a window. */
#ifndef LD_DEBOUNCE_H
#define LD_DEBOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uid.h"

/* Cards remembered at once: more than a queue at the late door ever taps within a window. */
#define LD_DEBOUNCE_SLOTS      16
#define LD_DEBOUNCE_DEFAULT_MS 5000

/*
 * A small fixed table of the cards seen lately and when each was last seen. Every sighting
 * moves "last seen" on, so a card held on the reader for minutes, seen again at every poll, is
 * one event; it becomes a new event only after window_ms with no sighting at all. Plain data:
 * embed it; its fields are private to debounce.c.
 */
struct ld_debounce {
    int64_t window_ms;
    size_t used;
    struct {
        struct ld_uid uid;
        int64_t last_ms;
    } slots[LD_DEBOUNCE_SLOTS];
};

/* Empties d and sets its window; a negative window_ms selects LD_DEBOUNCE_DEFAULT_MS, and 0
 * makes every sighting an event. */
void ld_debounce_init(struct ld_debounce *d, int64_t window_ms);

/*
 * Records that uid was seen at now_ms (a clock that does not jump) and returns true when this
 * sighting is a new card event: the card was not seen in the last window_ms milliseconds
 * (a gap of exactly window_ms counts as new). A different card is always accepted at once.
 * When all slots are in use the card seen longest ago is forgotten to make room. An empty UID
 * (len 0) is never an event and is not recorded.
 */
bool ld_debounce_accept(struct ld_debounce *d, const struct ld_uid *uid, int64_t now_ms);

#endif
