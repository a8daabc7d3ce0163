/* screen.h: a screen is a table of functions the app calls; one file per screen. */
#ifndef KIOSK_SCREEN_H
#define KIOSK_SCREEN_H

#include <stdbool.h>

#include "SDL.h"

struct kiosk_app;

/*
 * What a screen does. The app calls enter when the screen comes up; layout whenever the
 * screen's content or the output changed, to fill the app's button list; press with the id of
 * a touched button; event for anything else (keys), returning true when it used it; draw to
 * paint a frame (buttons included, with kiosk_app_draw_buttons); tick at every turn of the loop
 * for its timers. Any function but draw and layout may be NULL.
 */
struct kiosk_screen {
    const char *name;
    void (*enter)(struct kiosk_app *app);
    void (*layout)(struct kiosk_app *app);
    void (*press)(struct kiosk_app *app, int id);
    bool (*event)(struct kiosk_app *app, const SDL_Event *ev);
    void (*draw)(struct kiosk_app *app);
    void (*tick)(struct kiosk_app *app);
    /* The step or view within the screen, for tests and logs ("names"); NULL for none. */
    const char *(*view)(const struct kiosk_app *app);
};

extern const struct kiosk_screen kiosk_screen_idle;
extern const struct kiosk_screen kiosk_screen_greet;
extern const struct kiosk_screen kiosk_screen_reason;
extern const struct kiosk_screen kiosk_screen_touch;
extern const struct kiosk_screen kiosk_screen_unknown;
extern const struct kiosk_screen kiosk_screen_pin;
extern const struct kiosk_screen kiosk_screen_staff;
extern const struct kiosk_screen kiosk_screen_gate;
extern const struct kiosk_screen kiosk_screen_error;

#endif
