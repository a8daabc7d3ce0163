/* icons.h: the kiosk's symbols, drawn as shapes (never fonts) so they read at any size. */
#ifndef KIOSK_ICONS_H
#define KIOSK_ICONS_H

#include "SDL.h"

/*
 * Every outcome on the public screen is colour, icon and words together, so a colour-blind
 * child or parent is never left with colour alone: a tick for on time, a clock for late with
 * the register open, an exclamation mark for "go to the office", a question mark for a card
 * nobody knows.
 */
enum kiosk_icon {
    KIOSK_ICON_NONE,     /* the disc alone: status dots */
    KIOSK_ICON_TICK,     /* on time, done, yes */
    KIOSK_ICON_CLOCK,    /* late, register still open */
    KIOSK_ICON_OFFICE,   /* an exclamation mark: register closed, see the office, errors */
    KIOSK_ICON_QUESTION, /* unknown card */
    KIOSK_ICON_CROSS,    /* void, cancel */
    KIOSK_ICON_CARD,     /* tap your card */
    KIOSK_ICON_LOCK,     /* staff */
    KIOSK_ICON_BACK,     /* an arrow left */
    KIOSK_ICON_NEXT,     /* an arrow right */
    KIOSK_ICON_STAR,     /* recognition */
    KIOSK_ICON_SEARCH,   /* a magnifier: the search keypad */
    KIOSK_ICON_LANGUAGE, /* two speech bubbles: the language button */
    /* Pictograms of the reasons at the door (kiosk_reason_icon), for a parent who reads little
     * English: */
    KIOSK_ICON_MEDICAL,  /* a doctor's bag with a cross: medical appointment, illness */
    KIOSK_ICON_TOOTH,    /* dental appointment */
    KIOSK_ICON_BUS,      /* a bus from the front: transport */
    KIOSK_ICON_CAR,      /* a car from the side: traffic */
    KIOSK_ICON_WEATHER,  /* a cloud with rain: weather */
    KIOSK_ICON_ALARM,    /* an alarm clock: overslept */
    KIOSK_ICON_FAMILY,   /* a grown-up and a child: family, other */
    KIOSK_ICON_CALENDAR, /* a calendar page: religious observance, a day set apart */
    KIOSK_ICON_BUBBLE,   /* a speech bubble with three dots: any other reason */
    KIOSK_ICON__COUNT
};

/*
 * Renders icon into a new size x size ARGB8888 surface, antialiased: the symbol in fg over a
 * disc of colour disc, or on transparency (and drawn larger) when disc.a is 0. Returns NULL
 * when the surface cannot be allocated; the caller frees it with SDL_FreeSurface.
 */
SDL_Surface *kiosk_icon_render(enum kiosk_icon icon, int size, SDL_Color fg, SDL_Color disc);

#endif
