/* events.h: the SDL user event that carries cards and status changes to the UI thread. */
#ifndef KIOSK_EVENTS_H
#define KIOSK_EVENTS_H

#include <stdbool.h>

#include "SDL.h"
#include "ld_err.h"

/* The codes of the kiosk's user event (SDL_UserEvent.code). */
enum kiosk_event_code {
    KIOSK_EV_CARD = 1, /* data1: a malloc'd copy of the card's hex UID, freed by the UI */
    KIOSK_EV_STATUS,   /* the reader, clock or sync state changed: read status again */
    KIOSK_EV_PIN,      /* a PIN check's worker has its result (pin_check.h): collect it */
};

/*
 * Registers the kiosk's event type with SDL. Call once after SDL_Init and before any post.
 * Returns LD_ERR_RANGE when SDL has no user event types left.
 */
ld_err kiosk_events_init(void) LD_MUST_CHECK;

/* Returns the registered event type (0 before kiosk_events_init). */
Uint32 kiosk_events_type(void);

/*
 * Posts a card (upper-case hex UID) to the UI. Safe from any thread, the reader's included.
 * Returns false when the event could not be queued (the card is then dropped: the child taps
 * again, as with any reader).
 */
bool kiosk_post_card(const char *uid);

/* Posts "status changed" to the UI. Safe from any thread. Returns false when not queued. */
bool kiosk_post_status(void);

/* Wakes the UI for a PIN check's result. Safe from any thread. Returns false when not queued. */
bool kiosk_post_pin(void);

/* Frees what a kiosk event carries; other events are left alone. */
void kiosk_events_release(const SDL_Event *ev);

/* Removes the kiosk events still queued, freeing what they carry. Call before SDL_Quit. */
void kiosk_events_drain(void);

#endif
