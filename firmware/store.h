/* store.h: the device store, one SQLite file: pupils, cards, staff, settings, the event log. */
#ifndef LD_STORE_H
#define LD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_err.h"
#include "roster.h"
#include "uid.h"

/*
 * One file holds everything a device knows: its id, settings, the roster (pupils and their
 * cards), staff, and the append-only event log. The kiosk and the sync process open the same
 * file at once: SQLite in WAL mode, synchronous=FULL, a busy timeout, foreign keys on. The file
 * and its -wal and -shm companions are mode 0600 (the service user only).
 *
 * Durability: a function that writes returns LD_OK only after its transaction is committed
 * with synchronous=FULL, so an arrival acknowledged on screen survives a power cut at any
 * instant. A write that fails changes nothing: each is one transaction, rolled back on error.
 * A full disk is LD_ERR_FULL, returned to the caller to show staff; nothing is dropped silently.
 *
 * Every function returns an ld_err and writes one message naming the place into msg (msglen
 * bytes, always NUL-terminated; msg may be NULL) on failure. Out-parameters are written only on
 * LD_OK unless said otherwise. A handle is used by one thread at a time; another thread or
 * process opens its own handle on the same file.
 *
 * The schema is versioned with PRAGMA user_version and migrated forward at open, in one
 * transaction; every version ever shipped is kept as a fixture under tests/store/fixtures/.
 */

/* The schema version this build writes; files of a later version are refused, untouched. */
#define LD_STORE_SCHEMA_VERSION 4

/* Caps on text (bytes of UTF-8, without the terminator). */
#define LD_DEVICE_ID_MAX     32   /* a device id: letters, digits, '.', '_' and '-' (as config) */
#define LD_UUID_LEN          36   /* "8-4-4-4-12" lower-case hex: event UUIDs and boot ids */
#define LD_REASON_MAX        200  /* a reason given or amended, or a staff note on a void */
#define LD_STAFF_ID_MAX      32   /* a staff member's id: letters, digits, '.', '_', '-', '@' */
#define LD_PIN_HASH_MAX      128  /* an Argon2id string (libsodium crypto_pwhash_STRBYTES) */
#define LD_SETTING_KEY_MAX   64   /* a setting's key: lower-case letters, digits, '.', '_', '-' */
#define LD_SETTING_VALUE_MAX 1024 /* a setting's value: UTF-8 text */
#define LD_EVENT_SUM_LEN     64   /* an event's checksum: BLAKE2b-256 as lower-case hex */

/* The default busy timeout: how long a write waits for the other process's transaction. */
#define LD_STORE_BUSY_TIMEOUT_MS 5000

/* An open store. Opaque; from ld_store_open or ld_store_create, freed with ld_store_close. */
struct ld_store;

/* How a store is opened. A NULL options pointer means every default. */
struct ld_store_options {
    unsigned busy_timeout_ms; /* 0: LD_STORE_BUSY_TIMEOUT_MS */
    /*
     * 0: no cap. Otherwise the file may not grow beyond about this many bytes (rounded down to
     * whole pages, never below the file's current size): writes past it fail with LD_ERR_FULL,
     * as on a full disk. Keeps the store from filling the SD card the system runs from.
     */
    uint64_t max_bytes;
    /*
     * false: PRAGMA integrity_check at open. true: PRAGMA quick_check, which skips checking that
     * indexes match their tables: for a process that opens the store often (sync). Either
     * refuses a damaged file.
     */
    bool quick_check;
};

/*
 * Opens the existing store at path into *out, which the caller frees with ld_store_close.
 * Refuses, leaving the file byte for byte untouched: LD_ERR_NOT_FOUND when there is no file,
 * LD_ERR_STATE when it is empty (never initialised: `latedoor init`), LD_ERR_CORRUPT when it is
 * not an SQLite database or fails PRAGMA integrity_check (the message says what was found and
 * to restore a backup), LD_ERR_IO when it can only be opened read-only, LD_ERR_UNSUPPORTED when it
 * is another program's database or was written by a newer latedoor (a later schema version). A file
 * of an older schema version is migrated in one transaction. Also LD_ERR_BUSY when the other
 * process holds the file for longer than the busy timeout, LD_ERR_IO and LD_ERR_NOMEM. Sets the
 * file's mode to 0600. ("Untouched" is the file itself: reading a WAL-mode file makes SQLite
 * create an empty -wal and a -shm index beside it, and those may stay.)
 */
LD_MUST_CHECK ld_err ld_store_open(const char *path, const struct ld_store_options *opt,
                                   struct ld_store **out, char *msg, size_t msglen);

/*
 * Creates a new store at path for the device called device_id and opens it into *out, as
 * ld_store_open. Atomic: the store is built whole in a temporary file beside path (mode 0600),
 * fsynced and renamed into place, and the directory synced, so a power cut or a kill leaves no
 * store or a whole one, never half of one. An existing store is never overwritten:
 * LD_ERR_DUPLICATE when path holds a store, another program's database or any other file. A
 * half-made store that an interrupted create of an older latedoor left (an empty file, or an
 * SQLite file with no schema) is recognised and replaced. LD_ERR_INVALID for a bad device id.
 */
LD_MUST_CHECK ld_err ld_store_create(const char *path, const char *device_id,
                                     const struct ld_store_options *opt, struct ld_store **out,
                                     char *msg, size_t msglen);

/* Closes store and frees it; NULL is allowed and does nothing. */
void ld_store_close(struct ld_store *store);

/* Copies this store's device id (at most LD_DEVICE_ID_MAX bytes) into out. */
LD_MUST_CHECK ld_err ld_store_device_id(const struct ld_store *store,
                                        char out[LD_DEVICE_ID_MAX + 1], char *msg, size_t msglen);

/*
 * Writes a consistent copy of the whole store to dest_path with SQLite's online backup API,
 * while other connections keep working. The copy goes to a temporary file beside dest_path
 * (mode 0600), is checked with PRAGMA quick_check, set to a plain rollback journal (one
 * self-contained file), fsynced, then renamed over dest_path, and the directory is fsynced: a
 * power cut leaves either the old dest_path or the new one, never half of one. Refuses
 * dest_path naming the store itself (LD_ERR_INVALID) or a database in use, one with a -wal
 * file beside it (LD_ERR_STATE). LD_ERR_FULL when the disk fills, LD_ERR_IO otherwise; the
 * temporary file is removed on any error.
 */
LD_MUST_CHECK ld_err ld_store_backup(struct ld_store *store, const char *dest_path, char *msg,
                                     size_t msglen);

/* ---- settings: text values under short keys ---- */

/*
 * Copies the value of the setting key into buf (buflen bytes, NUL-terminated). Returns
 * LD_ERR_NOT_FOUND when the key is not set, LD_ERR_RANGE when buf is too small (buf then holds
 * ""), LD_ERR_INVALID for a malformed key.
 */
LD_MUST_CHECK ld_err ld_store_setting_get(struct ld_store *store, const char *key, char *buf,
                                          size_t buflen, char *msg, size_t msglen);

/*
 * Sets the setting key to value, durably. The key is 1 to LD_SETTING_KEY_MAX bytes of [a-z0-9._-]
 * and the value valid UTF-8 of at most LD_SETTING_VALUE_MAX bytes (LD_ERR_INVALID, LD_ERR_RANGE).
 */
LD_MUST_CHECK ld_err ld_store_setting_set(struct ld_store *store, const char *key,
                                          const char *value, char *msg, size_t msglen);

/* Removes the setting key; removing a key that is not set is LD_OK. */
LD_MUST_CHECK ld_err ld_store_setting_delete(struct ld_store *store, const char *key, char *msg,
                                             size_t msglen);

/* Called for each setting; any value but LD_OK stops the walk and is returned by it. */
typedef ld_err (*ld_store_setting_fn)(void *ctx, const char *key, const char *value);

/*
 * Calls fn(ctx, key, value) for every setting whose key starts with prefix ("" for all), in key
 * order, as one snapshot. key and value are valid during the call only; fn must not write to
 * this store handle (collect first, then write).
 */
LD_MUST_CHECK ld_err ld_store_settings_foreach(struct ld_store *store, const char *prefix,
                                               ld_store_setting_fn fn, void *ctx, char *msg,
                                               size_t msglen);

/* ---- events: the append-only log ---- */

/* What happened. Stored as these numbers: never renumber. */
enum ld_event_kind {
    LD_EV_ARRIVAL = 1,  /* a pupil signed in (card or touch): the event marks are derived from */
    LD_EV_DEPARTURE,    /* a pupil signed out during the day (an appointment) */
    LD_EV_RETURN,       /* a pupil signed back in after a departure */
    LD_EV_REASON,       /* a reason given or amended for the event at ref */
    LD_EV_VOID,         /* a staff correction: the event at ref is to be ignored */
    LD_EV_UNKNOWN_CARD, /* a card nobody holds was tapped */
    LD_EV_CLOCK_REPAIR, /* the event at ref really happened at fixed_at_ms */
    /* (schema 4, branch office-devices, issue 15) a wrong staff PIN at the kiosk: staff is the
     * staff member being tried (their id, "" when not identified), reason their name as the
     * kiosk shows it; never the PIN nor anything derived from it. Marks ignore it. */
    LD_EV_PIN_WRONG,
};
#define LD_EV_KIND_MAX LD_EV_PIN_WRONG

/*
 * How far the wall clock could be trusted when the event was recorded: the same enum as
 * clock.h (whichever header comes first defines it, hence the guard). Stored as these numbers.
 */
#ifndef LD_CLOCK_STATE_DEFINED
#define LD_CLOCK_STATE_DEFINED
enum ld_clock_state {
    LD_CLOCK_OK = 0,      /* synchronised, after the build date and not behind the last event */
    LD_CLOCK_UNSYNCED,    /* the kernel says the clock is unsynchronised (no NTP yet, no RTC) */
    LD_CLOCK_BEHIND,      /* it reads earlier than the last event recorded */
    LD_CLOCK_BEFORE_BUILD /* it reads earlier than this program was built */
};
#endif

/* Where an event came from. Stored as these numbers. */
enum ld_source {
    LD_SRC_CARD = 1, /* a card on the reader */
    LD_SRC_TOUCH,    /* the pupil picked their name on the touch screen */
    LD_SRC_STAFF,    /* staff at the kiosk, on a pupil's or parent's behalf */
    LD_SRC_CLI,      /* the `latedoor` command */
    LD_SRC_OFFICE,   /* the office, through the central store */
};

/*
 * True when a reason event with this source and staff id is a claim made at the door (a pupil's
 * card or touch, no member of staff named): staff lists show it as needing evidence, but the
 * mark stays L or U until staff confirm it with a reason event of their own (issue 15). A
 * reason from staff at the kiosk, the office or the command line is a confirmed one.
 */
static inline bool ld_reason_is_claim(int source, const char *staff)
{
    return (source == LD_SRC_CARD || source == LD_SRC_TOUCH) && !(staff && staff[0]);
}

/*
 * One event, plain data. Strings are NUL-terminated UTF-8 within their arrays; "" means none.
 * What each kind needs (ld_store_append_event refuses anything else with LD_ERR_INVALID):
 *   arrival, departure, return  upn; ref optional for departure and return, else none
 *   reason                      upn, a non-empty reason, ref (the event it belongs to)
 *   void                        ref; upn optional; reason optional (the staff's note)
 *   unknown_card                card, no upn, no ref
 *   clock_repair                ref, fixed_at_ms; upn optional
 *   pin_wrong                   no upn, no card, no ref; staff and reason optional (above)
 * fixed_at_ms is 0 for every kind but clock_repair.
 */
struct ld_event {
    char device_id[LD_DEVICE_ID_MAX + 1]; /* assigned by append: this store's device */
    int64_t seq;                          /* assigned by append: 1, 2, 3 ... per device */
    char uuid[LD_UUID_LEN + 1];           /* assigned by append when "" (lower-case) */
    enum ld_event_kind kind;
    int64_t at_ms;                         /* UTC milliseconds by the wall clock, maybe untrusted */
    int64_t mono_ms;                       /* CLOCK_BOOTTIME milliseconds when recorded, >= 0 */
    char boot_id[LD_UUID_LEN + 1];         /* the boot the event was recorded in; "" if unknown */
    enum ld_clock_state clock;             /* how far at_ms can be trusted */
    char upn[LD_UPN_LEN + 1];              /* the pupil; "" for unknown_card */
    char card[LD_UID_HEXLEN];              /* the card's UID as upper-case hex; "" when none */
    enum ld_source source;                 /* where it came from */
    char staff[LD_STAFF_ID_MAX + 1];       /* who, for staff actions; may be "" */
    char reason[LD_REASON_MAX + 1];        /* may be "" */
    char ref_device[LD_DEVICE_ID_MAX + 1]; /* the event this one refers to, "" when none */
    int64_t ref_seq;                       /* 0 when none */
    int64_t fixed_at_ms;                   /* clock_repair: the corrected UTC time; else 0 */
    /*
     * The event's checksum (ld_event_sum), lower-case hex: assigned by append; read back with
     * the event, and checked. A foreign event may carry one (the central store's copy): it must
     * then match its fields. "" when none.
     */
    char sum[LD_EVENT_SUM_LEN + 1];
};

/*
 * Writes the checksum of ev to out: BLAKE2b-256 (libsodium's crypto_generichash, no key) over a
 * canonical encoding of every field but sum ("latedoor-event-1", then each field in struct
 * order, text as its byte length, ':' and its bytes, numbers in decimal, each ending in a
 * newline), as 64 lower-case hex digits. Not a signature: it finds a record changed by a bad
 * sector, a flipped bit or a hand edit, so that it is reported instead of used.
 */
void ld_event_sum(const struct ld_event *ev, char out[LD_EVENT_SUM_LEN + 1]);

/*
 * The fields ld_event_sum covers, as text and numbers, for a copy of an event kept elsewhere
 * whose text caps differ from struct ld_event's (the central store's row: its staff may be
 * longer): ld_event_sum_fields gives the same checksum as ld_event_sum for the same fields.
 */
struct ld_event_sum_fields {
    const char *device_id;
    int64_t seq;
    const char *uuid;
    int64_t kind, at_ms, mono_ms;
    const char *boot_id;
    int64_t clock;
    const char *upn, *card;
    int64_t source;
    const char *staff, *reason, *ref_device;
    int64_t ref_seq, fixed_at_ms;
};

/* Writes the checksum of the fields f (NUL-terminated text) to out, as ld_event_sum does. */
void ld_event_sum_fields(const struct ld_event_sum_fields *f, char out[LD_EVENT_SUM_LEN + 1]);

/*
 * Appends ev to the log as this device's next event: fills ev->device_id and ev->seq (one
 * more than this device's last), and ev->uuid when it is "" (a caller-given UUID is kept and
 * must be new: LD_ERR_DUPLICATE otherwise, so a retried append cannot record twice). Returns
 * LD_OK only once the event is committed with synchronous=FULL: the arrival may then be
 * acknowledged. Checks every field (LD_ERR_INVALID, or LD_ERR_RANGE for text over its cap, the
 * message naming the field) and that the event at ref exists (LD_ERR_NOT_FOUND). LD_ERR_FULL
 * when the disk is full, LD_ERR_BUSY after the busy timeout. On any error nothing is written
 * and ev is untouched.
 */
LD_MUST_CHECK ld_err ld_store_append_event(struct ld_store *store, struct ld_event *ev, char *msg,
                                           size_t msglen);

/*
 * Appends the arrival ev as ld_store_append_event does, unless the pupil ev->upn already has an
 * arrival in [from_ms, to_ms) as ld_store_first_arrival finds it: then nothing is written,
 * *already is true and the earlier arrival and its time go to *earlier and *earlier_ms (may be
 * NULL). The check and the insert are one write transaction (BEGIN IMMEDIATE), so taps of one
 * pupil by two processes at once record one arrival. *already is false when ev was appended.
 */
LD_MUST_CHECK ld_err ld_store_append_arrival(struct ld_store *store, struct ld_event *ev,
                                             int64_t from_ms, int64_t to_ms, bool *already,
                                             struct ld_event *earlier, int64_t *earlier_ms,
                                             char *msg, size_t msglen);

/*
 * Inserts an event that already has its device id, seq and UUID: another device's, pulled from
 * the central store (or this device's own, after a restore from backup). Idempotent: when the
 * same event (same device id, seq, UUID and content) is already here, returns LD_OK and sets
 * *inserted false (inserted may be NULL). Returns LD_ERR_DUPLICATE, changing nothing, when
 * (device id, seq) is here with another UUID or other content, or the UUID under another
 * (device id, seq). The event at ref need not be present. Otherwise as ld_store_append_event.
 */
LD_MUST_CHECK ld_err ld_store_insert_foreign_event(struct ld_store *store,
                                                   const struct ld_event *ev, bool *inserted,
                                                   char *msg, size_t msglen);

/* The most events ld_store_insert_foreign_events takes at once. */
#define LD_STORE_FOREIGN_BATCH_MAX 5000

/*
 * As ld_store_insert_foreign_event for the n events at ev (at most LD_STORE_FOREIGN_BATCH_MAX,
 * else LD_ERR_RANGE), in ONE transaction, all or nothing: every event is checked before the
 * write lock is taken, and one that clashes (LD_ERR_DUPLICATE, named) leaves the store as it
 * was. Writes the number of events new to the store to *inserted (may be NULL). One commit for
 * the lot: what the sync process uses to take a page of another device's events without an
 * fsync per event; keep n modest (hundreds) so the kiosk's taps wait little for the lock.
 */
LD_MUST_CHECK ld_err ld_store_insert_foreign_events(struct ld_store *store,
                                                    const struct ld_event *ev, size_t n,
                                                    size_t *inserted, char *msg, size_t msglen);

/*
 * Which events to visit. All-zero ({0}) selects every event. Events come in (seq) order when
 * device_id is set, else in (at_ms, device_id, seq) order.
 */
struct ld_event_filter {
    const char *device_id; /* NULL or "": every device */
    int64_t after_seq;     /* only seq > after_seq (use with device_id); 0: from the first */
    int64_t from_ms;       /* only at_ms >= from_ms; 0: from the first (at_ms is never < 0) */
    int64_t to_ms;         /* only at_ms < to_ms; 0: no end */
    const char *upn;       /* NULL or "": every pupil */
    unsigned kinds;        /* bits (1u << LD_EV_...); 0: every kind */
    size_t limit;          /* at most this many; 0: no limit */
};

/* Called for each event; any value but LD_OK stops the walk and is returned by it. */
typedef ld_err (*ld_store_event_fn)(void *ctx, const struct ld_event *ev);

/*
 * Calls fn(ctx, ev) for each event filter selects (NULL: all), in the order described there,
 * as one consistent snapshot. ev is valid during the call only. fn must not write to this
 * store handle. When fn returns an error the walk stops and that error is returned, with msg
 * left as fn left it.
 */
LD_MUST_CHECK ld_err ld_store_events_foreach(struct ld_store *store,
                                             const struct ld_event_filter *filter,
                                             ld_store_event_fn fn, void *ctx, char *msg,
                                             size_t msglen);

/* Counts the events filter selects (NULL: all; limit is ignored) into *count. */
LD_MUST_CHECK ld_err ld_store_events_count(struct ld_store *store,
                                           const struct ld_event_filter *filter, uint64_t *count,
                                           char *msg, size_t msglen);

/*
 * Writes the largest at_ms among this device's events recorded with a trusted clock
 * (LD_CLOCK_OK) to *at_ms, or INT64_MIN (clock.h's LD_CLOCK_NO_EVENT) when there is none: what
 * ld_clock_read compares the wall clock with. Events recorded with a doubtful clock do not
 * count, so one bad reading cannot make every later good one look "behind"; nor do events from
 * the command line (LD_SRC_CLI), whose time may be typed by hand (`tap --at`).
 */
LD_MUST_CHECK ld_err ld_store_last_event_ms(struct ld_store *store, int64_t *at_ms, char *msg,
                                            size_t msglen);

/*
 * Finds the pupil upn's first arrival (of any device) that has not been voided and whose time
 * falls in [from_ms, to_ms): "already signed in this session". An arrival's time is at_ms, or
 * the fixed_at_ms of the latest clock_repair that refers to it. Copies the arrival into *ev and
 * its time into *effective_ms (may be NULL). LD_ERR_NOT_FOUND when there is none.
 */
LD_MUST_CHECK ld_err ld_store_first_arrival(struct ld_store *store, const char *upn,
                                            int64_t from_ms, int64_t to_ms, struct ld_event *ev,
                                            int64_t *effective_ms, char *msg, size_t msglen);

/* Problems a store check keeps the words of; the rest are counted. */
#define LD_STORE_CHECK_SHOWN 8

/* What ld_store_check found. */
struct ld_store_check_report {
    char integrity[256];                      /* PRAGMA integrity_check's words: "ok" when sound */
    uint64_t events;                          /* events read */
    uint64_t bad;                             /* of them, failing their checksum or unreadable */
    char problems[LD_STORE_CHECK_SHOWN][512]; /* the first ones, each naming device and seq */
};

/*
 * Checks the whole store: PRAGMA integrity_check, then every event against its checksum,
 * carrying on past a bad one. LD_OK when the check ran, whatever it found (out says); an
 * error only when it could not run.
 */
LD_MUST_CHECK ld_err ld_store_check(struct ld_store *store, struct ld_store_check_report *out,
                                    char *msg, size_t msglen);

/* ---- pupils and cards ---- */

/* A pupil as the store keeps them (the roster's fields, with the store's caps). */
struct ld_pupil {
    char upn[LD_UPN_LEN + 1];
    char legal_first[LD_NAME_MAX + 1];
    char legal_last[LD_NAME_MAX + 1];
    char preferred_first[LD_NAME_MAX + 1];
    char preferred_last[LD_NAME_MAX + 1];
    char year[LD_YEAR_MAX + 1];
    char class_name[LD_CLASS_MAX + 1];
    char family[LD_FAMILY_MAX + 1]; /* may be "" */
    unsigned flags;                 /* enum ld_flag bits */
    bool active;                    /* false: no longer on the roster; history stays */
    bool has_admitted, has_left;    /* false: the roster gave no such date */
    ld_date admitted, left;         /* on roll from, to (inclusive): the core's on_roll */
};

/* Copies the pupil upn (active or not) into *out; LD_ERR_NOT_FOUND when there is none. */
LD_MUST_CHECK ld_err ld_store_pupil_get(struct ld_store *store, const char *upn,
                                        struct ld_pupil *out, char *msg, size_t msglen);

/*
 * Copies the pupil holding the card uid into *out. A card of a pupil who has left is still
 * found, with out->active false: the caller decides. LD_ERR_NOT_FOUND when nobody holds it
 * (record an unknown_card event), LD_ERR_INVALID for a UID of length 0.
 */
LD_MUST_CHECK ld_err ld_store_pupil_by_card(struct ld_store *store, const struct ld_uid *uid,
                                            struct ld_pupil *out, char *msg, size_t msglen);

/* Called for each pupil; any value but LD_OK stops the walk and is returned by it. */
typedef ld_err (*ld_store_pupil_fn)(void *ctx, const struct ld_pupil *pupil);

/*
 * Calls fn(ctx, pupil) for each active pupil of class_name (NULL: every class), or every pupil
 * when include_inactive, ordered by class, preferred surname, preferred first name and UPN.
 * pupil is valid during the call only; fn must not write to this handle.
 */
LD_MUST_CHECK ld_err ld_store_pupils_foreach(struct ld_store *store, const char *class_name,
                                             bool include_inactive, ld_store_pupil_fn fn, void *ctx,
                                             char *msg, size_t msglen);

/* Called for each class with its number of active pupils. */
typedef ld_err (*ld_store_class_fn)(void *ctx, const char *class_name, unsigned pupils);

/* Calls fn for each class that has active pupils, in name order. Otherwise as above. */
LD_MUST_CHECK ld_err ld_store_classes_foreach(struct ld_store *store, ld_store_class_fn fn,
                                              void *ctx, char *msg, size_t msglen);

/*
 * Enrols the card uid to the active pupil upn at the kiosk. Enrolling a card the pupil already
 * holds is LD_OK. LD_ERR_DUPLICATE when another pupil or a staff member holds it (the message
 * names them), LD_ERR_NOT_FOUND when there is no such pupil, LD_ERR_STATE when the pupil is
 * inactive. A pupil may hold several cards. A roster import keeps kiosk enrolments (see there).
 */
LD_MUST_CHECK ld_err ld_store_card_enrol(struct ld_store *store, const struct ld_uid *uid,
                                         const char *upn, char *msg, size_t msglen);

/* Removes the pupil card uid (a lost card); LD_ERR_NOT_FOUND when no pupil holds it. */
LD_MUST_CHECK ld_err ld_store_card_remove(struct ld_store *store, const struct ld_uid *uid,
                                          char *msg, size_t msglen);

/* What a roster import did. */
struct ld_import_summary {
    size_t added;         /* pupils new to the store */
    size_t updated;       /* pupils whose fields changed, or who came back (active again) */
    size_t unchanged;     /* pupils already as the roster says */
    size_t deactivated;   /* active pupils not in the roster: now inactive, history kept */
    size_t cards;         /* cards the roster gives (all of them, new or not) */
    size_t cards_removed; /* cards of earlier rosters replaced for pupils still on the roll */
    size_t cards_moved;   /* kiosk cards of pupils who left, given by the roster to another */
};

/*
 * Imports roster into the store in ONE transaction, all or nothing; *sum (may be NULL) says
 * what changed. Pupils are upserted by UPN and made active; active pupils not in the roster
 * become inactive (their events and cards stay). Cards: every card the roster lists goes to its
 * pupil; cards of earlier rosters that this one no longer lists are removed; cards enrolled at
 * the kiosk stay with their pupil. A UID the roster gives to pupil B that is enrolled at the
 * kiosk to pupil A, while A is also on the roster, is refused (LD_ERR_DUPLICATE, naming B's
 * line, A and A's line): which child holds the card is for staff to settle (ld_store_card_remove
 * or a corrected roster). When A is not on this roster (has left), the card moves to B.
 * A UID of a staff card is refused. Every row is checked again (caps, UTF-8, UPN form, flags)
 * and duplicates inside the roster (UPN, card) are refused naming both lines. A roster with no
 * pupils is refused (LD_ERR_INVALID): it would make the whole school inactive; so is one that
 * would take more than a fifth of the active pupils off the roll (the message says how many
 * and from which classes) unless opt->leavers says it is meant (ld_store_import_roster_with).
 * Pupils who leave keep their cards (cards_removed counts only the replaced cards of pupils
 * still on the roll). On any error the store is unchanged and the message names the roster
 * line ("line 12: ...").
 */
LD_MUST_CHECK ld_err ld_store_import_roster(struct ld_store *store, const struct ld_roster *roster,
                                            struct ld_import_summary *sum, char *msg,
                                            size_t msglen);

/* How a roster is imported. A NULL options pointer means every default. */
struct ld_import_options {
    bool leavers; /* more than a fifth of the pupils may leave the roll (end of year, a merge) */
};

/* As ld_store_import_roster, with options. */
LD_MUST_CHECK ld_err ld_store_import_roster_with(struct ld_store *store,
                                                 const struct ld_roster *roster,
                                                 const struct ld_import_options *opt,
                                                 struct ld_import_summary *sum, char *msg,
                                                 size_t msglen);

/* ---- staff ---- */

enum ld_staff_role {
    LD_ROLE_STAFF = 1, /* staff views: late list, voids, enrolment */
    LD_ROLE_ADMIN,     /* also settings and staff management */
};

/* A staff member. */
struct ld_staff {
    char id[LD_STAFF_ID_MAX + 1];       /* 1..LD_STAFF_ID_MAX of [A-Za-z0-9._@-] */
    char name[LD_NAME_MAX + 1];         /* shown on the staff screens */
    char pin_hash[LD_PIN_HASH_MAX + 1]; /* "$argon2id$..." from crypto_pwhash_str, or "" */
    char card[LD_UID_HEXLEN];           /* a staff card's UID as upper-case hex, or "" */
    enum ld_staff_role role;
    bool active; /* false: can no longer unlock anything */
};

/*
 * Adds the staff member staff->id or replaces every field of it. The PIN hash is stored as
 * given, never checked here: it must be "" or an "$argon2id$" string of printable ASCII. A card
 * held by a pupil or another staff member is LD_ERR_DUPLICATE.
 */
LD_MUST_CHECK ld_err ld_store_staff_put(struct ld_store *store, const struct ld_staff *staff,
                                        char *msg, size_t msglen);

/* Copies the staff member id into *out; LD_ERR_NOT_FOUND when there is none. */
LD_MUST_CHECK ld_err ld_store_staff_get(struct ld_store *store, const char *id,
                                        struct ld_staff *out, char *msg, size_t msglen);

/* Copies the staff member holding the card uid (active or not) into *out; LD_ERR_NOT_FOUND. */
LD_MUST_CHECK ld_err ld_store_staff_by_card(struct ld_store *store, const struct ld_uid *uid,
                                            struct ld_staff *out, char *msg, size_t msglen);

/* Called for each staff member; any value but LD_OK stops the walk and is returned by it. */
typedef ld_err (*ld_store_staff_fn)(void *ctx, const struct ld_staff *staff);

/* Calls fn for every staff member in id order; staff is valid during the call only. */
LD_MUST_CHECK ld_err ld_store_staff_foreach(struct ld_store *store, ld_store_staff_fn fn, void *ctx,
                                            char *msg, size_t msglen);

/*
 * Internals shared by the store*.c files (the "store" area). Not for other modules.
 */

struct sqlite3;
struct sqlite3_stmt;

/* Writes a printf-style message into msg when msg is not NULL and msglen > 0. */
void ld_store__msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The handle's database connection. */
struct sqlite3 *ld_store__db(struct ld_store *store);

/* The handle's path and device id (valid until ld_store_close). */
const char *ld_store__path(const struct ld_store *store);
const char *ld_store__device(const struct ld_store *store);

/*
 * Maps the SQLite result rc, met while doing what, to an ld_err and writes "store PATH: what:
 * SQLite's message" to msg. SQLITE_FULL is LD_ERR_FULL, BUSY and LOCKED LD_ERR_BUSY, CORRUPT and
 * NOTADB LD_ERR_CORRUPT, NOMEM LD_ERR_NOMEM, CONSTRAINT LD_ERR_INVALID, the rest LD_ERR_IO.
 */
ld_err ld_store__sqlite_err(struct ld_store *store, int rc, const char *what, char *msg,
                            size_t msglen);

/* Statements prepared once per handle and kept: the tap path's. */
enum ld_store__slot {
    LD_STORE__BEGIN,
    LD_STORE__COMMIT,
    LD_STORE__ROLLBACK,
    LD_STORE__NEXT_SEQ,
    LD_STORE__INSERT_EVENT,
    LD_STORE__FIND_EVENT,
    LD_STORE__FIND_UUID,
    LD_STORE__SLOTS
};

/*
 * Sets *stmt to the handle's statement for slot, preparing sql the first time. The caller binds,
 * steps and must sqlite3_reset it before returning (a statement left running holds a read lock).
 */
ld_err ld_store__stmt(struct ld_store *store, enum ld_store__slot slot, const char *sql,
                      struct sqlite3_stmt **stmt, char *msg, size_t msglen);

/* The steps of ld_store_create, for a test hook that interrupts it at one. */
enum ld_store__create_step {
    LD_STORE__CREATE_TEMP_MADE = 1, /* the temporary file exists, empty */
    LD_STORE__CREATE_SCHEMA_MADE,   /* the schema is committed in it (still open) */
    LD_STORE__CREATE_SYNCED,        /* closed and fsynced, not yet renamed */
    LD_STORE__CREATE_RENAMED,       /* renamed into place, directory not yet synced */
};

/* NULL, or called at each step of ld_store_create: tests kill the process there. */
extern void (*ld_store__create_hook)(enum ld_store__create_step step);

/*
 * fsyncs and closes the file at path, before it is renamed into place; a failure is written as
 * "what name: ..." (what "backup" or "store", name the final path). LD_ERR_FULL on ENOSPC.
 */
ld_err ld_store__sync_file(const char *path, const char *what, const char *name, char *msg,
                           size_t msglen);

/* fsyncs the directory holding path, so a file created or renamed there survives a power cut. */
ld_err ld_store__sync_dir(const char *path, char *msg, size_t msglen);

/* Prepares sql into *stmt; the caller finalizes it. */
ld_err ld_store__prepare(struct ld_store *store, const char *sql, struct sqlite3_stmt **stmt,
                         char *msg, size_t msglen);

/* BEGIN IMMEDIATE (takes the write lock, waiting up to the busy timeout). */
ld_err ld_store__begin(struct ld_store *store, char *msg, size_t msglen);

/* COMMIT; on failure the transaction is rolled back and nothing was written. */
ld_err ld_store__commit(struct ld_store *store, char *msg, size_t msglen);

/* Rolls back the open transaction, if any. Used on error paths; never fails loudly. */
void ld_store__rollback(struct ld_store *store);

/*
 * Checks the text field called name in an array of size bytes: NUL-terminated within it, at
 * most cap bytes, valid UTF-8 without control characters, not empty when required. Returns
 * LD_ERR_RANGE (too long) or LD_ERR_INVALID with "what: name: problem" in msg.
 */
ld_err ld_store__check_text(const char *what, const char *name, const char *s, size_t size,
                            size_t cap, bool required, char *msg, size_t msglen);

/* True when s is 1..cap characters of letters, digits and the characters in extra. */
bool ld_store__is_token(const char *s, size_t cap, const char *extra);

/* True when s is upper-case hex of a UID (2 to 2 * LD_UID_MAX digits, an even number). */
bool ld_store__is_uid_hex(const char *s);

/*
 * Copies text column col of stmt into buf (size bytes). A NULL column is "". LD_ERR_CORRUPT
 * when the value does not fit: the schema's checks should have made that impossible.
 */
ld_err ld_store__column_text(struct ld_store *store, struct sqlite3_stmt *stmt, int col, char *buf,
                             size_t size, char *msg, size_t msglen);

/* The columns ld_store__row_to_pupil reads, of pupils aliased p. */
#define LD_STORE__PUPIL_COLS                                                                       \
    "p.upn, p.legal_first, p.legal_last, p.preferred_first, p.preferred_last, p.year, "            \
    "p.class_name, p.family, p.flags, p.active, p.admitted, p.leaving"

/* Reads a row of LD_STORE__PUPIL_COLS at stmt's current position into *p. */
ld_err ld_store__row_to_pupil(struct ld_store *store, struct sqlite3_stmt *stmt, struct ld_pupil *p,
                              char *msg, size_t msglen);

/* True when upn is 13 bytes of the UPN form (a wrong check letter passes, as in a roster). */
bool ld_store__is_upn(const char *upn);

/* Writes uid as upper-case hex into hex; LD_ERR_INVALID for NULL or a length out of 1..10. */
ld_err ld_store__uid_hex(const struct ld_uid *uid, char hex[LD_UID_HEXLEN], char *msg,
                         size_t msglen);

/*
 * Looks up who holds the card hex: *kind 'p' (a pupil, holder gets the UPN), 's' (a staff
 * member, holder gets the id) or 0 (nobody); *from_roster for a pupil's card from a roster.
 */
ld_err ld_store__card_holder(struct ld_store *store, const char *hex, char *kind, char *holder,
                             size_t holderlen, bool *from_roster, char *msg, size_t msglen);

/*
 * Runs sql, binding the text a to ?1 and b to ?2 when not NULL, expecting no rows; writes the
 * rows changed to *changes when not NULL. what names the action in a message.
 */
ld_err ld_store__exec2(struct ld_store *store, const char *sql, const char *a, const char *b,
                       int *changes, const char *what, char *msg, size_t msglen);

/*
 * Schema (store_schema.c): brings the database db, of version *from (its user_version), up to
 * LD_STORE_SCHEMA_VERSION inside the caller's write transaction. Version 0 must be an empty
 * database. LD_ERR_UNSUPPORTED for a version this build does not know.
 */
ld_err ld_store__migrate(struct sqlite3 *db, int from, const char *path, char *msg, size_t msglen);

/*
 * Runs one migration script sql on db (sqlite3_exec, *detail as there). A script that edits the
 * schema's text (PRAGMA writable_schema) runs with SQLite's defensive flag lifted and makes every
 * connection read the schema again after it (schema_version bumped), as SQLite's documentation
 * asks. Returns SQLite's result code. The central store's SQLite migrations use it too.
 */
int ld_store__run_migration(struct sqlite3 *db, const char *sql, char **detail);

/* Registers the SQL function ld_event_sum(16 columns) on db (for the migration that fills it). */
int ld_store__register_sum(struct sqlite3 *db);

/* The application_id every latedoor store carries ("LDst"). */
#define LD_STORE__APP_ID 0x4c447374

#endif
