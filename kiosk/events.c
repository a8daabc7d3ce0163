/* events.c: posting cards and status changes from other threads as SDL user events. */
#include "events.h"

#include <stdlib.h>
#include <string.h>

/*
 * SDL's event types are process-wide, so the registered one is too. It is written once, before
 * any reader thread starts, and only read after.
 */
static Uint32 event_type;

ld_err kiosk_events_init(void)
{
    if (event_type)
        return LD_OK;
    Uint32 t = SDL_RegisterEvents(1);
    if (t == (Uint32)-1)
        return LD_ERR_RANGE;
    event_type = t;
    return LD_OK;
}

Uint32 kiosk_events_type(void)
{
    return event_type;
}

static bool post(enum kiosk_event_code code, void *data)
{
    if (!event_type)
        return false;
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = event_type;
    ev.user.code = code;
    ev.user.data1 = data;
    return SDL_PushEvent(&ev) == 1;
}

bool kiosk_post_card(const char *uid)
{
    char *copy = strdup(uid);
    if (!copy)
        return false;
    if (!post(KIOSK_EV_CARD, copy)) {
        free(copy);
        return false;
    }
    return true;
}

bool kiosk_post_status(void)
{
    return post(KIOSK_EV_STATUS, NULL);
}

bool kiosk_post_pin(void)
{
    return post(KIOSK_EV_PIN, NULL);
}

void kiosk_events_release(const SDL_Event *ev)
{
    if (event_type && ev->type == event_type && ev->user.code == KIOSK_EV_CARD)
        free(ev->user.data1);
}

void kiosk_events_drain(void)
{
    if (!event_type)
        return;
    SDL_Event ev;
    while (SDL_PeepEvents(&ev, 1, SDL_GETEVENT, event_type, event_type) == 1)
        kiosk_events_release(&ev);
}
