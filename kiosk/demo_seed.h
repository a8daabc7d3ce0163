/* demo_seed.h: half a term of made-up history for the demo school, the same on every run. */
#ifndef KIOSK_DEMO_SEED_H
#define KIOSK_DEMO_SEED_H

#include <stddef.h>

#include "device.h"
#include "ld_date.h"
#include "roster.h"
#include "store.h"

/* The demo's staff member and PIN (shown in the terminal by kiosk/demo.sh: it is a demo). */
#define KIOSK_DEMO_STAFF_ID   "demo-head"
#define KIOSK_DEMO_STAFF_NAME "Ms Hughes"
#define KIOSK_DEMO_PIN        "2468"
#define KIOSK_DEMO_STAFF_CARD "04C0FFEE5AFF01"
#define KIOSK_DEMO_UNKNOWN    "04DEC0DE0000AA" /* a card nobody has */

/* The cards the demo's keys tap, and who they are. */
struct kiosk_demo_card {
    char uid[LD_UID_HEXLEN];
    char upn[LD_UPN_LEN + 1];
    char who[192]; /* "Tomás B. (3B), often late" */
};

#define KIOSK_DEMO_CARDS 6

/*
 * Writes the demo's history into store (pupils from roster, already imported): the staff member
 * above with the PIN hashed with Argon2id, and arrivals through the tap pipeline on every school
 * day from the calendar's first up to the day before today, with reasons. A few pupils have a
 * story (often late, late on Mondays, a streak up to today, a family whose children are both
 * often late, after the register closes, improving), everyone else is late now and then. The
 * same roster and today give the same events. Fills cards (KIOSK_DEMO_CARDS) for the keys.
 */
LD_MUST_CHECK ld_err kiosk_demo_seed(struct ld_store *store, const struct ld_device *dev,
                                     const struct ld_roster *roster, ld_date today,
                                     struct kiosk_demo_card cards[KIOSK_DEMO_CARDS], char *msg,
                                     size_t msglen);

#endif
