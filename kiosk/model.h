/* model.h: what the kiosk's screens show, and the backend the UI asks for it. */
#ifndef KIOSK_MODEL_H
#define KIOSK_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_codes.h"
#include "ld_err.h"
#include "ld_session.h"

/*
 * The kiosk UI knows nothing of stores, readers or configuration files. Everything it shows
 * comes through struct kiosk_backend_ops as the plain structs below, and everything it records
 * goes back through the same table. The device layer implements the table over the store, the
 * reader supervisor and the config; kiosk/backend_fake.c implements it in memory for tests and
 * for `latedoor-kiosk --demo-fake`.
 *
 * Privacy is part of the model: a pupil is only ever a display name (preferred first name and
 * the surname's initial, see kiosk_name_display in names.h), so the public screens cannot show
 * more even by mistake. Flags and patterns appear only in the staff lists, which the UI shows
 * after a PIN or a staff card, and there only as the core's sentences.
 *
 * Every string is UTF-8, NUL-terminated, and cut by the backend to its array (at a character
 * boundary). Lists are bounded: n entries are filled, and total says how many there were, so a
 * screen can say "and 40 more".
 */

/* Bytes of each string field, terminator included. */
#define KIOSK_NAME_MAX     64  /* a display name: "Siobhán O." */
#define KIOSK_CLASS_MAX    33  /* a registration group: "3B" (LD_CLASS_NAME_MAX + 1) */
#define KIOSK_UPN_MAX      16  /* a pupil's id (a 13-character UPN) */
#define KIOSK_UID_MAX      21  /* a card UID as upper-case hex (LD_UID_HEXLEN) */
#define KIOSK_REF_MAX      48  /* the backend's reference to an event ("door-1:42") */
#define KIOSK_REASON_MAX   41  /* a reason's name (LD_CONFIG_REASON_MAX + 1) */
#define KIOSK_TIME_MAX     6   /* "HH:MM" */
#define KIOSK_SCHOOL_MAX   65  /* the school's name (LD_CONFIG_NAME_MAX + 1) */
#define KIOSK_FAMILY_MAX   64  /* a family's label for staff: "Adams family" */
#define KIOSK_SENTENCE_MAX 160 /* one pattern sentence from the core */
#define KIOSK_DETAIL_MAX   160 /* a status detail or an error message */
#define KIOSK_PIN_MAX      8   /* digits of a staff PIN */
#define KIOSK_STAFF_ID_MAX 33  /* a staff member's id (LD_STAFF_ID_MAX + 1) */
#define KIOSK_PATH_MAX     256 /* a folder of the device (LD_CONFIG_PATH_MAX + 1) */

/* Caps of the lists. */
#define KIOSK_REASONS_MAX   12  /* reasons offered at the door (LD_CONFIG_MAX_REASONS) */
#define KIOSK_LIST_MAX      256 /* entries of any list */
#define KIOSK_CLASSES_MAX   64  /* registration groups of a school */
#define KIOSK_SENTENCES_MAX 4   /* pattern sentences shown per pupil */
#define KIOSK_LANGUAGES_MAX 6   /* home languages besides English (LD_CONFIG_LANGS_MAX) */
#define KIOSK_LANGUAGE_MAX  4   /* bytes of a language code: "pl" (LD_CONFIG_LANG_MAX + 1) */

/* The school's local wall clock, as the backend reads it. */
struct kiosk_clock {
    int year, month, day;     /* 2025, 1..12, 1..31 */
    int weekday;              /* 0 Monday .. 6 Sunday (enum ld_weekday) */
    int hour, minute, second; /* 0..23, 0..59, 0..59 */
};

/* What the school configured for this kiosk; read once at start. */
struct kiosk_settings {
    char school_name[KIOSK_SCHOOL_MAX];
    bool gate_mode; /* the morning gate: staff also see who has not arrived */
    /* The speak-to and not-arrived lists on this kiosk's staff mode: off by default (they
     * live in the office); on for a gate kiosk set up for staff ([staff] lists_on_kiosk). */
    bool staff_lists;
    /* A touch sign-in after am_closes needs a staff card or PIN ([staff] confirm_late_touch):
     * anyone can touch a name, and an absent child signed in drops off the calling list. */
    bool confirm_late_touch;
    char am_closes[KIOSK_TIME_MAX];                    /* "HH:MM" the morning register closes */
    char reasons[KIOSK_REASONS_MAX][KIOSK_REASON_MAX]; /* offered in this order */
    size_t reason_count;
    /* The code each reason gives once confirmed (after the register closes, else before;
     * LD_CODE_NONE for none): with its name, it picks the reason's pictogram. */
    enum ld_code reason_codes[KIOSK_REASONS_MAX];
    /* The home languages offered on the family-facing screens besides English ([kiosk]
     * languages, or the centre's kiosk.languages): codes of assets/lang/CODE.txt. */
    char languages[KIOSK_LANGUAGES_MAX][KIOSK_LANGUAGE_MAX];
    size_t language_count;
    unsigned reason_timeout_s;  /* the reason screen records "no reason given" after this */
    unsigned staff_idle_lock_s; /* staff screens lock themselves after this long untouched */
    /* The school's folder of pupils' photos by UPN ([kiosk] photos, photo.h), shown on "Is this
     * you?"; "" for none. */
    char photos_dir[KIOSK_PATH_MAX];
};

enum kiosk_reader_state {
    KIOSK_READER_OK,           /* open and polling */
    KIOSK_READER_MISSING,      /* unplugged or not answering: touch still works */
    KIOSK_READER_RECONNECTING, /* lost, being reopened with back-off */
    KIOSK_READER_NONE,         /* configured as touch only */
};

enum kiosk_sync_state {
    KIOSK_SYNC_OK,      /* everything recorded is at the central store */
    KIOSK_SYNC_PENDING, /* events waiting to be sent; the last attempt worked */
    KIOSK_SYNC_OFFLINE, /* the central store cannot be reached; events are kept */
    KIOSK_SYNC_NEVER,   /* this device has never synchronised */
    KIOSK_SYNC_REFUSED, /* the central store refused this kiosk: a person must act */
};

enum kiosk_clock_state {
    KIOSK_CLOCK_OK,      /* the kernel says the clock is synchronised */
    KIOSK_CLOCK_UNSYNCED /* arrivals are still recorded and repaired later */
};

/* The health of the device, shown small on the idle screen and in full to staff. */
struct kiosk_status {
    enum kiosk_reader_state reader;
    char reader_detail[KIOSK_DETAIL_MAX]; /* for staff: "pn532_uart:/dev/ttyS0: no answer" */
    enum kiosk_sync_state sync;
    char last_sync[KIOSK_TIME_MAX]; /* "HH:MM" today, "" when never or not today */
    unsigned pending;               /* events not yet at the central store */
    char sync_detail[256]; /* for staff: why the last round failed, whole (LD_SYNC_ERROR_MAX) */
    enum kiosk_clock_state clock;
    char calendar_detail[KIOSK_DETAIL_MAX]; /* for staff: why the calendar file was not read;
                                               "" when the calendar in use is the file's */
    /* The device store's file is not the one the kiosk opened (deleted, or replaced): what
     * the kiosk writes may be lost. "" when it is. */
    char store_detail[KIOSK_DETAIL_MAX];
    /* Moves on when the school's settings changed (the centre's reached the store): the app
     * reads them again (kiosk_settings) the next time the door is idle. */
    unsigned settings_gen;
};

/* What a tap (or a touch sign-in) turned out to be. */
enum kiosk_greet_kind {
    KIOSK_GREET_ARRIVED, /* a new arrival was recorded (committed) */
    KIOSK_GREET_ALREADY, /* the pupil had already arrived this session: nothing recorded */
    KIOSK_GREET_UNKNOWN, /* a card nobody has: kept for enrolment */
    KIOSK_GREET_STAFF,   /* a staff card: opens staff mode without a PIN */
    KIOSK_GREET_CLOSED,  /* no school now (a closed day, after school): no mark is made */
};

/* Bytes of what a closed time is called ("INSET day", "weekend", "after school"), with NUL. */
#define KIOSK_CLOSED_MAX 65
/* What a tap after sessions.school_ends on a school day is called. */
#define KIOSK_AFTER_SCHOOL "after school"

/* The result of a tap, a touch sign-in or a reason, for the greeting screen. */
struct kiosk_greeting {
    enum kiosk_greet_kind kind;
    char name[KIOSK_NAME_MAX];     /* ARRIVED, ALREADY: the display name; STAFF: the staff's */
    char time[KIOSK_TIME_MAX];     /* ARRIVED: this arrival; ALREADY: the earlier arrival */
    enum ld_outcome outcome;       /* ARRIVED, ALREADY: how the arrival was marked */
    bool ask_reason;               /* ARRIVED: late, so the reason screen follows */
    char reason[KIOSK_REASON_MAX]; /* the reason recorded, "" for none yet */
    char arrival[KIOSK_REF_MAX];   /* ARRIVED: the event to attach a reason to, or to void */
    char uid[KIOSK_UID_MAX];       /* UNKNOWN: the card's UID */
    char closed[KIOSK_CLOSED_MAX]; /* CLOSED: what the day or time is ("INSET day", "after
                                      school" for KIOSK_AFTER_SCHOOL) */
    /* ARRIVED, ALREADY: the roster's family ("" for none), only to offer a sibling the same
     * reason; never shown on the public screen. */
    char family[KIOSK_FAMILY_MAX];
};

/* One pupil as the touch sign-in and the staff pickers show them. */
struct kiosk_pupil {
    char upn[KIOSK_UPN_MAX];
    char name[KIOSK_NAME_MAX];
    char class_name[KIOSK_CLASS_MAX];
};

struct kiosk_pupil_list {
    size_t n, total;
    struct kiosk_pupil items[KIOSK_LIST_MAX];
};

struct kiosk_class {
    char name[KIOSK_CLASS_MAX];
    unsigned pupils;
};

struct kiosk_class_list {
    size_t n, total;
    struct kiosk_class items[KIOSK_CLASSES_MAX];
};

/* One arrival of today, for the staff late list and the list to void from. */
struct kiosk_arrival {
    char ref[KIOSK_REF_MAX]; /* for void_arrival */
    char name[KIOSK_NAME_MAX];
    char class_name[KIOSK_CLASS_MAX];
    char time[KIOSK_TIME_MAX];
    enum ld_outcome outcome;
    char reason[KIOSK_REASON_MAX]; /* "" when none was given */
    bool by_staff;                 /* signed in by staff on a parent's behalf */
    bool by_touch;                 /* signed in by name on the touch screen: anyone could have */
    enum ld_code code;             /* the mark (L, U, M ...): a claimed reason leaves L or U */
    bool needs_evidence;           /* reason is a claim at the door staff have not confirmed */
    bool other_kiosk;              /* recorded by another kiosk: the office corrects it */
};

struct kiosk_arrival_list {
    size_t n, total;
    struct kiosk_arrival items[KIOSK_LIST_MAX];
};

/* A pupil or family staff may want a word with today, with the core's sentences. */
struct kiosk_speak {
    char name[KIOSK_NAME_MAX];
    char class_name[KIOSK_CLASS_MAX];
    char family[KIOSK_FAMILY_MAX]; /* "" when the pupil has no family link */
    char sentences[KIOSK_SENTENCES_MAX][KIOSK_SENTENCE_MAX];
    size_t nsentences;
};

struct kiosk_speak_list {
    size_t n, total;
    struct kiosk_speak items[KIOSK_LIST_MAX];
};

/* A pupil signed out for an appointment and not yet back. */
struct kiosk_away {
    char upn[KIOSK_UPN_MAX];
    char name[KIOSK_NAME_MAX];
    char class_name[KIOSK_CLASS_MAX];
    char time[KIOSK_TIME_MAX]; /* when they left */
    char reason[KIOSK_REASON_MAX];
};

struct kiosk_away_list {
    size_t n, total;
    struct kiosk_away items[KIOSK_LIST_MAX];
};

/* A card tapped today that nobody has, waiting to be enrolled. */
struct kiosk_unknown_card {
    char uid[KIOSK_UID_MAX];
    char time[KIOSK_TIME_MAX]; /* the last tap */
};

struct kiosk_unknown_list {
    size_t n, total;
    struct kiosk_unknown_card items[KIOSK_LIST_MAX];
};

/*
 * A pupil not arrived after the register closed (gate mode), in first-day-calling order. The
 * vulnerable-pupil groups (CP, LAC, CiN, social care) come first and are marked `priority`,
 * never named: the list is shown at a gate where parents pass.
 */
struct kiosk_absent {
    char name[KIOSK_NAME_MAX];
    char class_name[KIOSK_CLASS_MAX];
    bool priority;
};

struct kiosk_absent_list {
    /* "HH:MM" the morning register closes while it is still open (the list is then empty: who
     * has not arrived means nothing yet); "" once it has closed and the list is the day's. */
    char available_at[KIOSK_TIME_MAX];
    /*
     * "" when the list is built from real evidence (everyone signs in at the gate); otherwise
     * why nobody is listed ("Today's register is not in yet: ..."): a child who never came
     * cannot be told from one who came on time when only late pupils tap.
     */
    char not_known[KIOSK_DETAIL_MAX];
    size_t n, total;
    struct kiosk_absent items[KIOSK_LIST_MAX];
};

/* A staff member who may unlock staff mode with a PIN: whom the PIN pad asks first. */
struct kiosk_staff_member {
    char id[KIOSK_STAFF_ID_MAX];
    char name[KIOSK_NAME_MAX]; /* as staff add gave it: "Ms Hughes" */
};

struct kiosk_staff_list {
    size_t n, total;
    struct kiosk_staff_member items[KIOSK_CLASSES_MAX];
};

/* The staff PIN pad's lock as kept across a restart. */
struct kiosk_pin_lock_state {
    int failures;          /* wrong PINs since the last lock or right PIN */
    int locks;             /* locks since the last right PIN: the next one lasts longer */
    unsigned remaining_ms; /* the lock in force has this long to run; 0: none */
};

enum kiosk_pin_result {
    KIOSK_PIN_OK,
    KIOSK_PIN_WRONG,
    KIOSK_PIN_LOCKED, /* the backend refuses every PIN for now */
};

/*
 * What the UI asks of the device. Every function gets the backend's impl first and is called
 * from the UI thread only, one call at a time. Functions returning ld_err return LD_OK or an
 * error after which last_error describes it in a sentence; the UI shows that on its error
 * screen and never exits because of it. Out-structs are the caller's, filled on LD_OK only.
 * No function may block for long: the kiosk is waiting at the door.
 */
struct kiosk_backend_ops {
    /* Returns a sentence about the last failed call ("The store is full."); never NULL. */
    const char *(*last_error)(void *impl);

    /* Fills the configured settings; called once when the kiosk starts. */
    ld_err (*settings)(void *impl, struct kiosk_settings *out);
    /* Reads the school's local wall clock. */
    ld_err (*now)(void *impl, struct kiosk_clock *out);
    /* Reads the device's health. */
    ld_err (*status)(void *impl, struct kiosk_status *out);
    /* Writes this week's most punctual class into out (outlen bytes); false when none. */
    bool (*punctual_class)(void *impl, char *out, size_t outlen);

    /*
     * Records the tap of a card (upper-case hex UID) and fills what it was: an arrival
     * (committed before this returns), an earlier arrival, an unknown card (recorded for
     * enrolment) or a staff card.
     */
    ld_err (*tap_card)(void *impl, const char *uid, struct kiosk_greeting *out);
    /*
     * Signs in the pupil upn as an arrival now, by touch (by_staff false, reason NULL) or by
     * staff on a parent's behalf (by_staff true, reason NULL for none). Fills the greeting
     * (ARRIVED or ALREADY) as tap_card does.
     */
    ld_err (*sign_in)(void *impl, const char *upn, const char *reason, bool by_staff,
                      struct kiosk_greeting *out);
    /*
     * Records the reason for the arrival ref (from a greeting); NULL records "no reason
     * given". Fills the greeting again with the reason and the outcome as the reason left it.
     */
    ld_err (*record_reason)(void *impl, const char *ref, const char *reason,
                            struct kiosk_greeting *out);

    /* Lists the registration groups in display order. */
    ld_err (*list_classes)(void *impl, struct kiosk_class_list *out);
    /* Lists the pupils of a class by display name. */
    ld_err (*list_pupils)(void *impl, const char *class_name, struct kiosk_pupil_list *out);
    /*
     * Lists the pupils whose preferred first name or surname starts with prefix, compared
     * without regard to case or accents ("zoe" finds Zoë), by display name.
     */
    ld_err (*search_pupils)(void *impl, const char *prefix, struct kiosk_pupil_list *out);

    /*
     * A staff PIN is checked in three steps, so that the slow part (Argon2id) runs on a worker
     * thread (pin_check.h) while the UI thread goes on calling the other ops:
     *
     * pin_begin (UI thread) copies pin and everything checking it needs into a new check and
     * returns it: the hash of staff member staff_id only (the PIN pad asks who first, so a
     * wrong PIN costs one Argon2id run however many staff there are), or with staff_id NULL
     * every active staff member's (tools). NULL when it cannot begin (not 1 to KIOSK_PIN_MAX
     * digits, no such staff member with a PIN, the store failed, no memory): the PIN then
     * counts as wrong.
     *
     * pin_run (any thread) runs the comparison. It touches nothing but check: never the
     * backend's state, so it is safe beside any other op.
     *
     * pin_end (UI thread) hands the check back: when apply is true and the PIN was right it
     * remembers who unlocked staff mode; then it wipes (sodium_memzero) and frees check. NULL
     * is accepted. Hashing and any stored lockout are the backend's.
     */
    void *(*pin_begin)(void *impl, const char *staff_id, const char *pin);
    enum kiosk_pin_result (*pin_run)(void *check);
    void (*pin_end)(void *impl, void *check, bool apply);
    /* Lists the active staff who have a PIN, by name. */
    ld_err (*list_staff)(void *impl, struct kiosk_staff_list *out);
    /* Reads the PIN pad's lock as last written (all zero when never written). */
    ld_err (*pin_lock_read)(void *impl, struct kiosk_pin_lock_state *out);
    /* Writes the PIN pad's lock, durably: a restart must not give a guesser fresh tries. */
    ld_err (*pin_lock_write)(void *impl, const struct kiosk_pin_lock_state *st);
    /*
     * Records a wrong staff PIN tried for staff member staff_id (NULL: nobody was chosen) as an
     * event the office sees (issue 15): who was tried, never the PIN nor anything made from it.
     */
    ld_err (*pin_wrong)(void *impl, const char *staff_id);
    /* Lists today's arrivals, most recent first; late_only keeps the L and U ones. */
    ld_err (*arrivals_today)(void *impl, bool late_only, struct kiosk_arrival_list *out);
    /* Lists the pupils and families to speak to today, most pressing first. */
    ld_err (*speak_to)(void *impl, struct kiosk_speak_list *out);
    /* Lists the pupils signed out and not yet back. */
    ld_err (*away_list)(void *impl, struct kiosk_away_list *out);
    /*
     * Confirms the reason claimed at the door for the arrival ref as the staff member in staff
     * mode: a reason event of theirs, so the school's code for that reason now stands.
     */
    ld_err (*confirm_reason)(void *impl, const char *ref);
    /* Signs the pupil out now (an appointment) with a reason (NULL for none). */
    ld_err (*sign_out)(void *impl, const char *upn, const char *reason);
    /* Signs a signed-out pupil back in now. */
    ld_err (*sign_back_in)(void *impl, const char *upn);
    /* Voids the arrival ref (a correction event; nothing is deleted). */
    ld_err (*void_arrival)(void *impl, const char *ref);
    /* Lists today's unknown cards, most recent first. */
    ld_err (*unknown_cards)(void *impl, struct kiosk_unknown_list *out);
    /* Gives the card uid to pupil upn. LD_ERR_DUPLICATE when the card is someone's already. */
    ld_err (*enrol_card)(void *impl, const char *uid, const char *upn);
    /*
     * Gate mode: once the morning register has closed, lists the pupils with no arrival today,
     * in first-day-calling order; before, an empty list with available_at set.
     */
    ld_err (*not_arrived)(void *impl, struct kiosk_absent_list *out);
};

/* A backend: its table and its state. The kiosk borrows both. */
struct kiosk_backend {
    const struct kiosk_backend_ops *ops;
    void *impl;
};

#endif
