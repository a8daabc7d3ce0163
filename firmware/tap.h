/* tap.h: the one path every arrival takes: a card or a name in, a durable event and a mark out. */
#ifndef LD_TAP_H
#define LD_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "device.h"
#include "ld_err.h"
#include "ld_session.h"
#include "store.h"
#include "uid.h"

/*
 * The kiosk, the `latedoor tap` command and the tests all record arrivals through here, so the
 * rules are applied once: the clock is read and judged (clock.h), the pupil found, "already
 * signed in this session" checked against the log, the arrival appended durably (store.h), and
 * the mark worked out by the core (ld_session.h) for the greeting. An arrival is recorded even
 * when the clock cannot be trusted: the event keeps the clock state, the monotonic time and the
 * boot id, so it can be repaired once the clock is good (ld_tap_repair_clock).
 */

struct ld_tap {
    struct ld_store *store;              /* borrowed */
    const struct ld_device *dev;         /* borrowed: config, calendar, zone */
    const struct ld_clock_source *clock; /* NULL: the system clocks */
};

enum ld_tap_status {
    LD_TAP_SIGNED_IN,    /* an arrival was recorded: event holds it */
    LD_TAP_ALREADY,      /* the pupil arrived earlier this session: nothing recorded */
    LD_TAP_UNKNOWN_CARD, /* nobody on the roster holds the card: an unknown_card event */
    LD_TAP_STAFF_CARD,   /* a staff card: nothing recorded, staff holds who (staff mode) */
};

/* The reason the kiosk records when nobody answers: always accepted, changes no mark. */
#define LD_TAP_NO_REASON "No reason given"

/* Bytes of what a closed day is called ("INSET day", "weekend", "holiday"), with the NUL. */
#define LD_TAP_CLOSED_LABEL_SIZE 65

struct ld_tap_result {
    enum ld_tap_status status;
    /*
     * SIGNED_IN and ALREADY: the arrival's day is not a school day (a weekend, a holiday or a
     * closed day of the calendar, such as an INSET day): the arrival is recorded but there is
     * no register, so mark.code is LD_CODE_NONE; closed_label says what the day is. Always
     * false when the device has no calendar yet.
     */
    bool closed_day;
    char closed_label[LD_TAP_CLOSED_LABEL_SIZE];
    struct ld_pupil pupil;         /* SIGNED_IN and ALREADY */
    struct ld_staff staff;         /* STAFF_CARD */
    struct ld_classification mark; /* SIGNED_IN: this arrival; ALREADY: the earlier one */
    int64_t at_ms;                 /* when (ALREADY: the earlier arrival), UTC ms */
    ld_date date;                  /* at_ms in the school's local time */
    ld_minute minute;
    enum ld_clock_state clock; /* the clock when this tap was read */
    struct ld_event event;     /* the event recorded (SIGNED_IN, UNKNOWN_CARD) */
};

/*
 * Records a card tap: a staff card is reported (LD_TAP_STAFF_CARD) and nothing recorded; a card
 * nobody on the roster holds (or a pupil who has left) becomes an unknown_card event; otherwise
 * the pupil's arrival, unless they already arrived this session. LD_OK means whatever was
 * recorded is committed durably; on error nothing was recorded and msg says why (LD_ERR_FULL
 * for a full disk: show staff).
 */
LD_MUST_CHECK ld_err ld_tap_card(const struct ld_tap *tap, const struct ld_uid *uid,
                                 enum ld_source source, struct ld_tap_result *out, char *msg,
                                 size_t msglen);

/*
 * Records the arrival of the pupil upn by touch or by staff (source), with an optional reason
 * and staff id ("" or NULL for none). The reason is checked (ld_tap_check_reason) before
 * anything is written and stored in the school's spelling. As ld_tap_card otherwise;
 * LD_ERR_NOT_FOUND for an unknown UPN and LD_ERR_STATE for a pupil no longer on the roster.
 */
LD_MUST_CHECK ld_err ld_tap_pupil(const struct ld_tap *tap, const char *upn, enum ld_source source,
                                  const char *reason, const char *staff, struct ld_tap_result *out,
                                  char *msg, size_t msglen);

/*
 * Checks a reason given at the door before anything is recorded: it must be one of the school's
 * reasons (config [reasons]) or LD_TAP_NO_REASON, matched without regard to case, and is
 * written to canonical in the school's spelling. LD_ERR_INVALID for an empty reason, one that
 * is not valid UTF-8 or holds a control character, or one not on the list (msg names the
 * allowed ones); LD_ERR_RANGE for one over LD_REASON_MAX bytes.
 */
LD_MUST_CHECK ld_err ld_tap_check_reason(const struct ld_tap *tap, const char *reason,
                                         char canonical[LD_REASON_MAX + 1], char *msg,
                                         size_t msglen);

/*
 * Records the reason given for an arrival (a reason event referring to it) and updates
 * result->mark to what the school's reason rule makes of it. The reason is checked first as
 * ld_tap_check_reason does (nothing is written when it is refused) and stored in the school's
 * spelling. With result->status LD_TAP_ALREADY it belongs to the earlier arrival.
 */
LD_MUST_CHECK ld_err ld_tap_reason(const struct ld_tap *tap, struct ld_tap_result *result,
                                   const char *reason, const char *staff, char *msg, size_t msglen);

/*
 * Repairs every arrival of this device recorded with an untrusted clock and not yet repaired,
 * when the clock is now good: appends a clock_repair event with the corrected time for each
 * one of the same boot. Writes how many were repaired and how many cannot be (another boot:
 * staff must check them) to *repaired and *unrepairable (either may be NULL). LD_ERR_STATE when
 * the clock is still not trusted: try again later.
 */
LD_MUST_CHECK ld_err ld_tap_repair_clock(const struct ld_tap *tap, size_t *repaired,
                                         size_t *unrepairable, char *msg, size_t msglen);

#endif
