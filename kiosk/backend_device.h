/* backend_device.h: the kiosk's backend over the device: config, store, tap pipeline, reader. */
#ifndef KIOSK_BACKEND_DEVICE_H
#define KIOSK_BACKEND_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "model.h"

/*
 * struct kiosk_backend_ops over the real device: the config and calendar (device.h), the SQLite
 * store (store.h), the tap pipeline (tap.h), the reader supervisor (reader.h), the clock's health
 * (clock.h), the sync process's status (sync_status.h) and the attendance core (ld_school.h) for
 * the staff lists. See docs/kiosk.md.
 *
 * A kiosk never exits on its own: when the config or the store cannot be loaded,
 * kiosk_device_open still returns a backend, a broken one, whose every call fails with the
 * reason, so the UI shows it to staff on its error screen and keeps taking touches.
 *
 * The calendar is not needed to record arrivals (the sessions mark them): when its file is
 * missing or bad the device opens all the same, records taps, has no speak-to list or punctual
 * class, and says why in kiosk_status.calendar_detail. The status read looks at the file (one
 * stat, at most every 3 s) and reads it again when it changed (`latedoor sync` rewrites it):
 * a valid new calendar replaces the old and drops the analysis built on it; a bad one keeps
 * the old and says why.
 *
 * Threads: every op runs on the UI thread. The reader supervisor runs its own thread and only
 * posts: cards through on_card, state changes through on_state (by default kiosk_post_card and
 * kiosk_post_status, which need kiosk_events_init first).
 */
struct kiosk_device;

struct kiosk_device_options {
    const char *config_path; /* NULL: ld_device_config_path(NULL) */
    /*
     * Where the wall clock comes from; NULL for the system's. Borrowed: must outlive the
     * device. Tests pass a fixed clock; kiosk_device_demo_clock makes the demo's.
     */
    const struct ld_clock_source *clock;
    /*
     * The demo's clock: "YYYY-MM-DDTHH:MM", a local time in the school's zone that the clock
     * reads at start and runs on from in real time (wins over clock). NULL for none.
     */
    const char *clock_start;
    /*
     * Do not start the configured reader yet: kiosk_device_start_reader starts it. The kiosk
     * opens the device before SDL, and a card posted before kiosk_events_init would be lost.
     * Tests that post cards themselves never start it.
     */
    bool no_reader;
    /* Called on the reader's thread with a card's UID in hex; NULL: kiosk_post_card. */
    bool (*on_card)(const char *uid);
    /* Called on the reader's thread when its state changes; NULL: kiosk_post_status. */
    bool (*on_status)(void);
    /*
     * How often (ms) the status read looks whether the calendar file changed: 0 for every 3 s,
     * a negative value for at every status read (tests).
     */
    int calendar_check_ms;
};

/*
 * Opens the device described by opt into *out (the caller frees it with kiosk_device_close) and
 * starts its reader. Returns LD_ERR_NOMEM only; any other failure leaves a broken device whose
 * reason kiosk_device_error returns (and every op reports).
 */
ld_err kiosk_device_open(const struct kiosk_device_options *opt,
                         struct kiosk_device **out) LD_MUST_CHECK;

/*
 * Starts the configured reader's supervisor thread, once (later calls do nothing). A reader
 * that cannot be created is reported on stderr and in the status; touch goes on. No-op for a
 * broken device.
 */
void kiosk_device_start_reader(struct kiosk_device *dev);

/* Stops the reader, closes the store and frees dev; accepts NULL. */
void kiosk_device_close(struct kiosk_device *dev);

/* Returns the backend table over dev (borrowed). */
struct kiosk_backend kiosk_device_backend(struct kiosk_device *dev);

/* Returns why the device could not be opened, or NULL when it was. */
const char *kiosk_device_error(const struct kiosk_device *dev);

/*
 * Sends uid (hex) to the configured simulated reader's socket, as a card on it: the demo's
 * keys go through the reader thread like a real tap. Returns false (with a line on stderr)
 * when the reader is not the simulator or the socket does not answer.
 */
bool kiosk_device_sim_tap(struct kiosk_device *dev, const char *uid);

/*
 * A clock for the demo and the tests: it reads start_ms (UTC) at the moment it is made and runs
 * on in real time from there (running true) or stays there (running false; move it with
 * kiosk_demo_clock_set). Always trusted, with no floor. Plain data: embed it.
 */
struct kiosk_demo_clock {
    struct ld_clock_source source;
    int64_t start_ms;   /* the wall time it started at */
    int64_t started_ms; /* CLOCK_MONOTONIC when it started */
    bool running;
    bool unsynced; /* tests: the kernel says the clock is unsynchronised */
};

/* Makes c read start_ms now and then run on (running) or stay. Use &c->source. */
void kiosk_demo_clock_init(struct kiosk_demo_clock *c, int64_t start_ms, bool running);

/* Moves c to utc_ms (and on from there when running). */
void kiosk_demo_clock_set(struct kiosk_demo_clock *c, int64_t utc_ms);

/* ---- for tests and the benchmark -------------------------------------------------------- */

/* Milliseconds the last analysis for the staff lists took (0 before any). */
double kiosk_device_analysis_ms(const struct kiosk_device *dev);

/* For tests: how many staff hashes a PIN check holds (each costs one Argon2id run). */
size_t kiosk_device_pin_hashes(const void *check);

#endif
