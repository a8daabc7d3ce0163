/* backend.h: the one place where latedoor-kiosk chooses and builds its backend. */
#ifndef KIOSK_BACKEND_H
#define KIOSK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct kiosk_fake;

/* What main asks for. */
struct kiosk_backend_options {
    bool demo_fake;          /* the fictional school in memory (backend_fake.c) */
    const char *config_path; /* the device's school.ini, for the device backend */
};

/* A built backend and what must be freed with it. */
struct kiosk_backend_handle {
    struct kiosk_backend backend;
    struct kiosk_fake *fake; /* the demo's school, or NULL */
    /* The device backend adds its own state here (store, reader supervisor, config). */
};

/*
 * Builds the backend the options ask for into *out. This is the seam where the device layer
 * plugs in: today only the demo's fake exists, and asking for the device backend returns
 * LD_ERR_UNSUPPORTED with a message. On failure writes a sentence to msg.
 */
ld_err kiosk_backend_build(const struct kiosk_backend_options *opt,
                           struct kiosk_backend_handle *out, char *msg,
                           size_t msglen) LD_MUST_CHECK;

/* Frees what kiosk_backend_build made; accepts a zeroed handle. */
void kiosk_backend_release(struct kiosk_backend_handle *h);

/* Returns the UIDs the demo's function keys tap (NULL-terminated), or NULL for none. */
const char *const *kiosk_backend_demo_cards(const struct kiosk_backend_handle *h);

#endif
