/* backend.h: the one place where latedoor-kiosk chooses and builds its backend. */
#ifndef KIOSK_BACKEND_H
#define KIOSK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct kiosk_fake;
struct kiosk_device;

/* What main asks for. */
struct kiosk_backend_options {
    bool demo_fake;          /* the fictional school in memory (backend_fake.c) */
    const char *config_path; /* the device's school.ini (NULL: $LATEDOOR_CONFIG, else
                                /etc/latedoor/school.ini) */
    const char *clock_start; /* the demo's clock: local "YYYY-MM-DDTHH:MM", running on */
};

/* A built backend and what must be freed with it. */
struct kiosk_backend_handle {
    struct kiosk_backend backend;
    struct kiosk_fake *fake;         /* the demo's school, or NULL */
    struct kiosk_device *device;     /* the device (backend_device.h), or NULL */
    const char *const *device_cards; /* the demo keys' cards with the device, or NULL */
};

/*
 * Builds the backend the options ask for into *out: the demo's fake, or the device (config,
 * store, reader). A device that cannot be opened is still a backend, a broken one whose calls
 * fail with the reason, so the kiosk shows staff its error screen instead of exiting; then msg
 * holds that reason too and LD_OK is returned. Fails (LD_ERR_NOMEM) only when out of memory.
 */
ld_err kiosk_backend_build(const struct kiosk_backend_options *opt,
                           struct kiosk_backend_handle *out, char *msg,
                           size_t msglen) LD_MUST_CHECK;

/*
 * Starts what feeds the UI on its own: the device's reader thread. Call after SDL_Init and
 * kiosk_events_init, so no card is posted before SDL can queue it. No-op for the fake.
 */
void kiosk_backend_start(struct kiosk_backend_handle *h);

/* Frees what kiosk_backend_build made; accepts a zeroed handle. */
void kiosk_backend_release(struct kiosk_backend_handle *h);

/* Returns the UIDs the demo's function keys tap (NULL-terminated), or NULL for none. */
const char *const *kiosk_backend_demo_cards(const struct kiosk_backend_handle *h);

/*
 * Sets the UIDs the function keys tap with the device backend: F1 the first, and so on
 * (cards is borrowed, NULL-terminated). The device sends them through its simulated reader.
 */
void kiosk_backend_set_demo_cards(struct kiosk_backend_handle *h, const char *const *cards);

/* Taps uid as the demo keys do: straight into the UI (fake) or through the simulated reader
 * (device). Returns false when it could not. */
bool kiosk_backend_demo_tap(void *handle, const char *uid);

#endif
