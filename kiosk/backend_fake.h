/* backend_fake.h: an in-memory backend with a fictional school, for tests and the demo. */
#ifndef KIOSK_BACKEND_FAKE_H
#define KIOSK_BACKEND_FAKE_H

#include <stdbool.h>

#include "model.h"

/*
 * Hollybrook Primary School, invented: fourteen classes, about a hundred pupils with names
 * from many Latin scripts (Zoë Adams, Łukasz Wiśniewski, Siobhán O'Neill, Nguyễn Văn An,
 * Diễm Trần), a morning of arrivals already recorded, pupils and families with patterns, an
 * unknown card. Arrivals are marked by the core (ld_classify_arrival) with the default
 * sessions, 08:50 to 09:20, at the fake's clock.
 *
 * Cards the tests and the demo use: KIOSK_FAKE_CARD_ZOE (Zoë Adams, 3B), KIOSK_FAKE_CARD_LUKASZ
 * (Łukasz Wiśniewski, 3B), KIOSK_FAKE_CARD_SIOBHAN (Siobhán O'Neill, 4B, already arrived),
 * KIOSK_FAKE_CARD_THEO (Theo Adams, R, Zoë's brother), KIOSK_FAKE_CARD_STAFF (a staff card);
 * any other UID is unknown. The staff PIN is
 * KIOSK_FAKE_PIN.
 */
#define KIOSK_FAKE_CARD_ZOE     "04A1B2C3D4E5F6"
#define KIOSK_FAKE_CARD_LUKASZ  "0A1B2C3D"
#define KIOSK_FAKE_CARD_SIOBHAN "11223344"
#define KIOSK_FAKE_CARD_STAFF   "5AFF0001"
#define KIOSK_FAKE_CARD_THEO    "0E5F6071" /* Theo Adams, R: Zoë's brother */
#define KIOSK_FAKE_PIN          "2468"
#define KIOSK_FAKE_STAFF_ID     "staff-hughes" /* the one staff member with a PIN */

struct kiosk_fake;

/* What the fake was asked to record, for tests to check. */
struct kiosk_fake_log {
    unsigned taps, sign_ins, reasons, no_reasons, sign_outs, back_ins, voids, enrols, confirms;
    unsigned closed; /* taps and sign-ins on a closed day or after school: nothing recorded */
    char last_ref[KIOSK_REF_MAX];            /* the arrival the last reason went to */
    char last_reason[KIOSK_REASON_MAX];      /* "" after "no reason given" */
    char last_upn[KIOSK_UPN_MAX];            /* the pupil of the last sign-in, out, back or enrol */
    char last_uid[KIOSK_UID_MAX];            /* the card of the last enrolment */
    unsigned pin_wrongs;                     /* wrong staff PINs recorded (pin_wrong) */
    char last_pin_staff[KIOSK_STAFF_ID_MAX]; /* whom the last wrong PIN was tried for */
};

/* Creates the fake school in *out (the caller's, to free with kiosk_fake_destroy). */
ld_err kiosk_fake_create(struct kiosk_fake **out) LD_MUST_CHECK;

/* Frees the fake; accepts NULL. */
void kiosk_fake_destroy(struct kiosk_fake *fake);

/* Returns the backend over fake, which must outlive every use of it. */
struct kiosk_backend kiosk_fake_backend(struct kiosk_fake *fake);

/*
 * Sets the school's clock to clk. running false stops it there (tests and screenshots);
 * true lets it run on from clk in real time (the demo). Until this is called the fake reads
 * the system's local time.
 */
void kiosk_fake_set_clock(struct kiosk_fake *fake, const struct kiosk_clock *clk, bool running);

/* Replaces the status the fake reports. It starts with everything healthy. */
void kiosk_fake_set_status(struct kiosk_fake *fake, const struct kiosk_status *status);

/* Turns gate mode on or off in the settings the fake reports. */
void kiosk_fake_set_gate_mode(struct kiosk_fake *fake, bool gate);

/* Turns the speak-to and not-arrived lists on or off in the settings (off at creation). */
void kiosk_fake_set_staff_lists(struct kiosk_fake *fake, bool on);

/* Makes the class list empty, as before a roster is imported (none: true). */
void kiosk_fake_set_no_roster(struct kiosk_fake *fake, bool none);

/* Makes today a closed day called label ("INSET day"; "" or NULL: a school day again). */
void kiosk_fake_set_closed_day(struct kiosk_fake *fake, const char *label);

/* The fake school's day ends at 15:30 (sessions.school_ends): a tap after it marks nothing. */
#define FAKE_SCHOOL_ENDS (15 * 60 + 30)

/* Turns on or off staff confirming a touch sign-in after the register closes (off at first). */
void kiosk_fake_set_confirm_late_touch(struct kiosk_fake *fake, bool on);

/* Sets the folder of pupils' photos the settings give ("" for none; restart the app). */
void kiosk_fake_set_photos_dir(struct kiosk_fake *fake, const char *dir);

/* Sets this week's most punctual class; NULL for none. */
void kiosk_fake_set_punctual(struct kiosk_fake *fake, const char *class_name);

/* Sets the home languages the settings offer besides English (a NULL-terminated list of
 * codes; NULL for English only). Polish and Romanian at creation. */
void kiosk_fake_set_languages(struct kiosk_fake *fake, const char *const *codes);

/* Makes the next call that can fail return err, with message as its last_error. */
void kiosk_fake_fail_next(struct kiosk_fake *fake, ld_err err, const char *message);

/* Returns what the fake has recorded so far. */
const struct kiosk_fake_log *kiosk_fake_log(const struct kiosk_fake *fake);

#endif
