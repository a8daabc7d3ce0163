/* harness.h: a headless kiosk over the fake school, a clock the test moves, screenshots. */
#ifndef KIOSK_TEST_HARNESS_H
#define KIOSK_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "backend_fake.h"
#include "kiosk_app.h"

/*
 * Every harness runs the real app, screens and renderer on SDL's dummy video driver with the
 * software renderer, so what a test sees is what the appliance draws. The school's clock is
 * fixed at Tuesday 14 January 2025, 08:57:00 until a test moves it, and the monotonic clock
 * moves only when the test says.
 */
struct harness {
    struct kiosk_fake *fake;
    struct kiosk_ui *ui;
    struct kiosk_app *app;
    uint64_t mono;
    int w, h;
    const struct kiosk_backend_ops *ops; /* replaces the fake's ops at the next restart */
    char photo_dir[64];                  /* harness_photo's folder, "" for none */
    unsigned greet_ms;                   /* kiosk_app_config's, at the next restart */
};

/* Starts SDL (dummy video, software rendering, no audio) and SDL_ttf once per process. */
void harness_init_sdl(void);

/* Stops SDL and SDL_ttf. */
void harness_quit_sdl(void);

/* Opens a kiosk of w x h at 133 dpi (the 7-inch panel's density); fails the test on error. */
void harness_open(struct harness *h, int w, int hh);

/* Opens a kiosk as harness_open does, with its fonts and languages from assets. */
void harness_open_in(struct harness *h, int w, int hh, const char *assets);

/* Opens the app again after the test changed the fake (gate mode, status, punctual class). */
void harness_restart_app(struct harness *h);

void harness_close(struct harness *h);

/* cmocka fixtures: a kiosk of 800x480 in a static harness as *state, and its closing. */
int harness_setup_800(void **state);
int harness_teardown(void **state);

/* Opens staff mode from the idle screen with the fake's PIN (2468). */
void harness_staff_login(struct harness *h);

/* Sets the school's clock to today (14 January 2025) at hh:mm and lets the app see it. */
void harness_at(struct harness *h, int hour, int minute);

/* Moves the monotonic clock on by ms and runs the app's timers. */
void harness_advance(struct harness *h, uint64_t ms);

/* Taps a card as the reader thread would: an SDL user event into the app. */
void harness_card(struct harness *h, const char *uid);

/* Touches the button labelled label (first waiting out the input guard after a screen that
 * changed by itself), then waits for a PIN check it started, if any (the
 * result applied); fails the test when the button does not show. */
void harness_touch(struct harness *h, const char *label);

/*
 * Gives the fake pupil called name (a display name, "Zoë A.") a photo, a drawn avatar of w x h
 * in a new folder of mode 0700 that the settings then name (the app restarts), and returns the
 * photo's path. The folder and its files go with harness_close.
 */
const char *harness_photo(struct harness *h, const char *name, int w, int hh);

/* Asserts the screen (and view, "" for any) on show. */
void harness_expect(struct harness *h, const char *screen, const char *view);

/*
 * Renders the current screen and compares it with tests/kiosk/golden/NAME_WxH.png: the mean
 * absolute difference over all channels must stay under 2 and fewer than 0.5% of pixels may
 * differ by more than 32 in a channel. Always writes the frame to the build's kiosk-shots/
 * folder (and a difference image there on failure). With LD_UPDATE_GOLDEN=1 the golden is
 * written instead. Fails the test on a mismatch or a missing golden.
 */
void harness_shot(struct harness *h, const char *name);

#endif
