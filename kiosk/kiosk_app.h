/* kiosk_app.h: the kiosk's screens, their state machine, timers and event loop. */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "SDL.h"

#include "model.h"
#include "sound.h"
#include "ui.h"

/*
 * The application: which screen shows, what it shows, its timers, and the loop that feeds it
 * SDL events. It never exits because of an error: a failed backend call becomes the error
 * screen (and a line on the idle screen and in staff status), and touch keeps working
 * whatever the reader does. It quits only on SDL_QUIT (a signal, or closing the window).
 */
struct kiosk_app;

/* A monotonic clock in milliseconds; injected so tests can move time on. */
typedef uint64_t (*kiosk_mono_fn)(void *ctx);

struct kiosk_app_config {
    struct kiosk_backend backend; /* borrowed: must outlive the app */
    struct kiosk_ui *ui;          /* borrowed */
    struct kiosk_sound *sound;    /* borrowed; NULL for silence */
    kiosk_mono_fn mono_ms;        /* NULL for SDL_GetTicks64 */
    void *mono_ctx;
    /* The demo's stand-in for a reader: F1, F2, ... tap these UIDs (NULL-terminated); NULL
     * for none, as on the appliance. */
    const char *const *demo_cards;
    /* When set, a demo key calls this instead of tapping the card itself: the device sends it
     * through its simulated reader, so it arrives as a real tap does. */
    bool (*demo_tap)(void *ctx, const char *uid);
    void *demo_ctx;
    /* Touches are ignored this long after the screen changed by itself; 0 for KIOSK_GUARD_MS
     * (700 ms). End-to-end tests widen it so their clicks land inside it whatever the load. */
    unsigned guard_ms;
    /* A greeting that ends on the idle screen shows this long; 0 for KIOSK_GREET_MS (4 s).
     * End-to-end tests lengthen it so a loaded machine cannot miss it (a touch still ends it). */
    unsigned greet_ms;
};

/*
 * Creates the app on the idle screen, reading the settings, status and clock from the
 * backend (a failure there shows the error screen; defaults stand in for the settings).
 * Returns LD_ERR_NOMEM or LD_OK with *out the caller's, to free with kiosk_app_destroy.
 */
ld_err kiosk_app_create(const struct kiosk_app_config *cfg, struct kiosk_app **out) LD_MUST_CHECK;

/* Frees the app; accepts NULL. */
void kiosk_app_destroy(struct kiosk_app *app);

/* Handles one SDL event: touch and mouse, keys, window changes and the kiosk's own events. */
void kiosk_app_handle(struct kiosk_app *app, const SDL_Event *ev);

/* Runs the timers (timeouts, staff lock, the clock on the idle screen) at the current time. */
void kiosk_app_tick(struct kiosk_app *app);

/*
 * Draws the current screen when something changed since the last frame, or always when force
 * is true, and presents it when present is true. Returns true when it drew.
 */
bool kiosk_app_render(struct kiosk_app *app, bool force, bool present);

/* Returns how long the loop may sleep before the next timer is due, in milliseconds. */
int kiosk_app_wait_ms(struct kiosk_app *app);

/* Runs the event loop until SDL_QUIT. */
void kiosk_app_run(struct kiosk_app *app);

/* ---- for tests: what shows, and touching it ----------------------------------------------- */

/* Returns the current screen's name ("idle", "greet", "reason", "touch", "unknown", "pin",
 * "staff", "gate", "error") and through *view its step or view ("names"), "" when none. */
const char *kiosk_app_screen(struct kiosk_app *app, const char **view);

/* Returns how many home languages besides English were read, and the last catalogue problem
 * ("file:line: problem"; "" for none). */
size_t kiosk_app_lang_count(const struct kiosk_app *app);
const char *kiosk_app_lang_problem(const struct kiosk_app *app);

/* Returns true when a button labelled label shows now. */
bool kiosk_app_has_button(struct kiosk_app *app, const char *label);

/* Touches the middle of the button labelled label (a press and a release through
 * kiosk_app_handle). Returns false when no such button shows. */
bool kiosk_app_touch(struct kiosk_app *app, const char *label);

/* Writes the rectangle of the button labelled label into *r; false when none shows. */
bool kiosk_app_button_rect(struct kiosk_app *app, const char *label, SDL_Rect *r);

/*
 * Returns the smaller side, in pixels, of the smallest touch target showing (hidden
 * "touch anywhere" areas aside), writing its label to *label; INT_MAX when there is none.
 */
int kiosk_app_smallest_target(struct kiosk_app *app, const char **label);

/*
 * Writes the rectangle and label of the i-th button showing now; false when i is past the last.
 * For end-to-end tests, which click where a button is.
 */
bool kiosk_app_button_at(struct kiosk_app *app, size_t i, SDL_Rect *r, const char **label);

/* Touches the point (x, y) of the output. */
void kiosk_app_touch_at(struct kiosk_app *app, int x, int y);

/* Returns how many more milliseconds touches are ignored after the screen changed by itself
 * (a card, a timeout, a PIN's result), 0 when they are taken. */
uint64_t kiosk_app_guard_ms(const struct kiosk_app *app);

/* Returns the seconds the timeout warning counts down now ("Back to the start in N s"), 0 while
 * the screen is not about to give up. */
unsigned kiosk_app_timeout_warning(const struct kiosk_app *app);

/* Returns why the last status read failed ("" when it worked): the status is then unknown. */
const char *kiosk_app_status_error(const struct kiosk_app *app);

/* Returns how many children's greetings wait their turn (a family at the door). */
size_t kiosk_app_queued(const struct kiosk_app *app);

/* Returns true while staff mode is unlocked. */
bool kiosk_app_staff_unlocked(const struct kiosk_app *app);

/* Returns true while a staff PIN is being checked on the worker thread. */
bool kiosk_app_pin_checking(const struct kiosk_app *app);

/* Waits for the PIN check in flight, if any, and applies its result as the loop would. */
void kiosk_app_pin_settle(struct kiosk_app *app);

/* Returns true while "Is this you?" shows the chosen child's photo. */
bool kiosk_app_photo_shown(const struct kiosk_app *app);

/* Returns the greeting on show (or last shown). */
const struct kiosk_greeting *kiosk_app_greeting(const struct kiosk_app *app);

#endif
