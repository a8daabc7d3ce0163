/* central.h: the central store: every school's merged event log, rosters, calendars, settings. */
#ifndef LD_CENTRAL_H
#define LD_CENTRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar_file.h"
#include "ld_date.h"
#include "ld_err.h"
#include "roster.h"

/*
 * One interface, two backends with the same behaviour (the contract tests in tests/central/ run
 * the same cases against both):
 *   PostgreSQL (libpq)  "postgresql://…", "postgres://…" or a libpq keyword string ("host=…
 *                       dbname=…"): real deployments. Each device logs in as its own role and
 *                       row-level security lets it add only its own events and read only its
 *                       own school (docs/central.md).
 *   SQLite              "sqlite:/path/central.db" or a plain path: the embedded default for a
 *                       single kiosk, the demo and tests. Anyone who can open the file can do
 *                       anything, so the file is created mode 0600.
 *
 * Every function that can fail returns an ld_err and, on failure, writes one line into msg
 * (msglen bytes, always NUL-terminated; msg may be NULL) that starts with the store's URL with
 * any password replaced by "***", and names the table, row and field at fault. No message ever
 * holds a password. Out-parameters are written only on LD_OK unless said otherwise.
 *
 * Everything read from the store is outside input: every row is checked as strictly as what goes
 * in, and a bad row fails the whole call with LD_ERR_CORRUPT, naming the row and the field, with
 * nothing returned. A handle is used by one thread at a time.
 */

/* The schema version this build creates; stores of a later version are refused, untouched. */
#define LD_CENTRAL_SCHEMA_VERSION 9

/* Caps (bytes of UTF-8, without the terminator) and limits. */
#define LD_CENTRAL_ID_MAX            32   /* school and device ids: [A-Za-z0-9._-] */
#define LD_CENTRAL_SCHOOL_NAME_MAX   64   /* a school's name: UTF-8 without control characters */
#define LD_CENTRAL_UUID_LEN          36   /* "8-4-4-4-12" lower-case hex: event UUIDs, boot ids */
#define LD_CENTRAL_STAFF_MAX         64   /* who, for staff actions */
#define LD_CENTRAL_REASON_MAX        200  /* a reason or a staff note (the device store's cap) */
#define LD_CENTRAL_CARD_HEX_MAX      20   /* a card UID, upper-case hex, 1..10 bytes */
#define LD_CENTRAL_SUM_LEN           64   /* an event's checksum, lower-case hex (version 8) */
#define LD_CENTRAL_BATCH_MAX         5000 /* events in one push */
#define LD_CENTRAL_PULL_MAX          5000 /* events in one pull */
#define LD_CENTRAL_URL_MAX           512  /* a store URL */
#define LD_CENTRAL_PASSWORD_MAX      128  /* a password, in a file or a URL */
#define LD_CENTRAL_SETTING_KEY_MAX   64   /* [a-z0-9._-] */
#define LD_CENTRAL_SETTING_VALUE_MAX 1024 /* UTF-8 without control characters */
#define LD_CENTRAL_SETTINGS_MAX      256  /* settings of one school */
#define LD_CENTRAL_SCHOOLS_MAX       1000 /* schools ld_central_schools lists */
#define LD_CENTRAL_MARKS_MAX         2000000 /* MIS marks of one school (about 5,000 pupils a year) */
#define LD_CENTRAL_MARKS_BATCH_MAX   500000 /* MIS marks in one put */

/* An opaque handle on an open central store; from ld_central_open, freed by ld_central_close. */
struct ld_central;

/* Backends plug in through a table of functions (central_backend.h). */
struct ld_central_ops;

enum ld_central_backend {
    LD_CENTRAL_SQLITE = 1,
    LD_CENTRAL_POSTGRES,
};

/* Who opens the store. Only the admin may create schools and devices and write rosters. */
enum ld_central_role {
    LD_CENTRAL_ADMIN = 1, /* `latedoor central init`, `device add`, `roster import --central` */
    LD_CENTRAL_DEVICE,    /* the sync process of one kiosk: push its events, pull the rest */
};

/* Event kinds. Stored as these numbers: never renumber (same as the device store's). */
enum ld_central_kind {
    LD_CEV_ARRIVAL = 1,
    LD_CEV_DEPARTURE,
    LD_CEV_RETURN,
    LD_CEV_REASON,
    LD_CEV_VOID,
    LD_CEV_UNKNOWN_CARD,
    LD_CEV_CLOCK_REPAIR,
    LD_CEV_PIN_WRONG, /* (version 9, branch office-devices) a wrong staff PIN at a kiosk */
};

/* Where an event came from. Stored as these numbers. */
enum ld_central_source {
    LD_CSRC_CARD = 1,
    LD_CSRC_TOUCH,
    LD_CSRC_STAFF,
    LD_CSRC_CLI,
    LD_CSRC_OFFICE,
};

/*
 * One event of the merged log, plain data. Strings are NUL-terminated inside their arrays; ""
 * means none. Checked (ld_central_event_check) going in and coming out:
 *   school, device_id     1..LD_CENTRAL_ID_MAX of [A-Za-z0-9._-]
 *   seq                   >= 1, the device's own sequence number: (device_id, seq) is the
 *                         event's identity, and uuid must never change for it
 *   uuid                  36 characters, lower-case hex 8-4-4-4-12
 *   at_ms, fixed_at_ms    0 .. year 9999 in UTC milliseconds (at_ms may be 1970 when the clock
 *                         was bad: clock_state says so); fixed_at_ms is 0 but for clock_repair
 *   mono_ms               >= 0
 *   boot_id               "" or like uuid
 *   clock_state           0..3 (enum ld_clock_state)
 *   upn                   "" or a well-formed UPN (upn.h; a wrong check letter is allowed, as
 *                         in rosters)
 *   card                  "" or upper-case hex of 1 to 10 bytes
 *   source                1..5 (enum ld_central_source)
 *   staff, reason         UTF-8 without control characters, within their caps
 *   ref_device, ref_seq   both set (the event this one refers to) or "" and 0
 * and per kind (the device store's rules):
 *   arrival               upn; no ref
 *   departure, return     upn; ref optional
 *   reason                upn, a non-empty reason, ref
 *   void                  ref; upn optional
 *   unknown_card          card; no upn, no ref
 *   clock_repair          ref and fixed_at_ms > 0; upn optional
 *   pin_wrong             no upn, no card, no ref; staff (the staff id tried) and reason (their
 *                         name) optional: never the PIN. Marks, reports and exports ignore it
 */
struct ld_central_event {
    int64_t global_seq; /* set by the store on insert: the global order; ignored by push */
    char school[LD_CENTRAL_ID_MAX + 1];
    char device_id[LD_CENTRAL_ID_MAX + 1];
    int64_t seq;
    char uuid[LD_CENTRAL_UUID_LEN + 1];
    int kind;        /* enum ld_central_kind */
    int64_t at_ms;   /* UTC milliseconds by the device's wall clock */
    int64_t mono_ms; /* CLOCK_BOOTTIME milliseconds when recorded */
    char boot_id[LD_CENTRAL_UUID_LEN + 1];
    int clock_state; /* enum ld_clock_state */
    char upn[LD_UPN_LEN + 1];
    char card[LD_CENTRAL_CARD_HEX_MAX + 1];
    int source; /* enum ld_central_source */
    char staff[LD_CENTRAL_STAFF_MAX + 1];
    char reason[LD_CENTRAL_REASON_MAX + 1];
    char ref_device[LD_CENTRAL_ID_MAX + 1];
    int64_t ref_seq;     /* 0: none */
    int64_t fixed_at_ms; /* 0: none */
    /*
     * (version 8, branch central-sum) The event's checksum, ld_event_sum's BLAKE2b of the fields
     * above but global_seq and school, as 64 lower-case hex digits. A push may give it (a
     * device's stored sum, which must then match: a mismatch is refused naming device and seq)
     * or leave it "" (the library computes it: an event made just now, by the office). Every
     * read checks it; a row whose fields no longer match, or without one, is skipped and
     * named, never used.
     */
    char sum[LD_CENTRAL_SUM_LEN + 1];
};

/* What one push did. */
struct ld_push_result {
    size_t inserted;         /* events new to the store */
    size_t duplicates;       /* events already there, identical: nothing done */
    int64_t last_global_seq; /* the largest global_seq given in this push; 0 when none */
};

/* What a kiosk needs to connect, from ld_central_device_add. */
struct ld_central_credentials {
    char device_id[LD_CENTRAL_ID_MAX + 1];
    char school[LD_CENTRAL_ID_MAX + 1];
    /* PostgreSQL: "postgresql://ld_dev_NAME@host:port/db?sslmode=…", with no password.
     * SQLite: "sqlite:/absolute/path". */
    char url[LD_CENTRAL_URL_MAX];
    char user[64];                              /* the device's role; "" for SQLite */
    char password[LD_CENTRAL_PASSWORD_MAX + 1]; /* "" for SQLite; wipe it after use */
    char sslmode[16];                           /* as the admin connection used; "" SQLite */
};

/* A school. */
struct ld_central_school {
    char id[LD_CENTRAL_ID_MAX + 1];
    char name[LD_CENTRAL_SCHOOL_NAME_MAX + 1];
};

/* One setting of a school, written at the centre. */
struct ld_central_setting {
    char key[LD_CENTRAL_SETTING_KEY_MAX + 1];
    char value[LD_CENTRAL_SETTING_VALUE_MAX + 1];
};

/* A school's settings, sorted by key. Owned by the caller; free with ld_central_settings_free. */
struct ld_central_settings {
    struct ld_central_setting *items;
    size_t count;
};

/* Frees what s holds and zeroes it; accepts NULL. */
void ld_central_settings_free(struct ld_central_settings *s);

/* A row of the event log that a pull or ld_central_school_events left out because it is bad. */
struct ld_central_skip {
    int64_t global_seq;
    char device_id[LD_CENTRAL_ID_MAX + 1]; /* as stored, cut and made printable */
    int64_t seq;                           /* as stored; 0 when not a number */
    char why[LD_CENTRAL_REASON_MAX + 1];   /* the check that failed, naming the field */
};
#define LD_CENTRAL_SKIPS_KEPT 16 /* skipped rows named per call; all are counted */

/* ---- opening ---- */

/*
 * Opens the central store named by url as role into *out, which the caller frees with
 * ld_central_close. passfile (may be NULL) names a file whose first line is the password; it
 * must be a regular file with no permissions for group or others (0600 or 0400), else
 * LD_ERR_AUTH and nothing is read. A password may instead be given in a PostgreSQL URL (not
 * both: LD_ERR_INVALID); a password file means nothing to SQLite (LD_ERR_INVALID).
 *
 * PostgreSQL: sslmode is passed through (libpq's default "prefer": TLS when the server offers
 * it); use "verify-full" with sslrootcert in production (docs/central.md). Refused credentials
 * are LD_ERR_AUTH, a server that cannot be reached LD_ERR_IO. A device role must be one made by
 * ld_central_device_add (LD_ERR_AUTH otherwise) and the schema must be at this build's version.
 * SQLite: the admin creates the file (mode 0600) when it does not exist; a device needs it to
 * exist (LD_ERR_NOT_FOUND). A file that is not an SQLite database is LD_ERR_CORRUPT.
 * LD_ERR_INVALID for a URL that is empty, too long or malformed.
 */
LD_MUST_CHECK ld_err ld_central_open(const char *url, const char *passfile,
                                     enum ld_central_role role, struct ld_central **out, char *msg,
                                     size_t msglen);

/*
 * For tests: the statfs the SQLite backend asks whether a store is on a network file system
 * (refused there: LD_ERR_UNSUPPORTED saying why and what to use instead). NULL: the real one.
 */
struct statfs;
void ld_central_set_statfs(int (*fn)(const char *path, struct statfs *out));

/*
 * Ends at once whatever the PostgreSQL connection opened last waits on (connecting, a lock, a
 * slow or vanished server): its call fails with LD_ERR_IO and the server rolls back. Safe to
 * call from a signal handler (`latedoor sync` on SIGTERM); every later connect fails too.
 */
void ld_central_interrupt(void);

/* Closes c, wiping any password it held; NULL is allowed and does nothing. */
void ld_central_close(struct ld_central *c);

/* Returns the backend c talks to. */
enum ld_central_backend ld_central_backend_of(const struct ld_central *c);

/* Returns c's URL with any password replaced by "***"; valid until ld_central_close. */
const char *ld_central_display_url(const struct ld_central *c);

/* Returns true when c's connection is encrypted with TLS (always false for SQLite). */
bool ld_central_uses_tls(const struct ld_central *c);

/*
 * Returns the device id the store knows c by: for a PostgreSQL device role, the device of the
 * role it logged in as; "" otherwise (an admin, or any SQLite handle). Valid until close.
 */
const char *ld_central_login_device(const struct ld_central *c);

/*
 * Writes url into out (outlen bytes, always NUL-terminated) with the password of a URL
 * ("postgresql://user:secret@host" becomes "postgresql://user:***@host") or of a keyword or
 * query parameter ("password=secret", "password='a b'") replaced by "***". Text too long for out
 * is cut. Safe on any input, even a malformed one.
 */
void ld_central_redact(const char *url, char *out, size_t outlen);

/* ---- schema ---- */

/*
 * Creates the schema, or migrates it to LD_CENTRAL_SCHEMA_VERSION, in one transaction that
 * other inits wait for: running it again is harmless. Writes the version found before to *from
 * (0 for an empty store) and the version now to *to (either may be NULL). Refuses, changing
 * nothing: LD_ERR_UNSUPPORTED for a store of a later version; LD_ERR_CORRUPT for a database that
 * holds something else (an SQLite file with other tables or application id; a PostgreSQL schema
 * "latedoor" without a version table). Admin only (LD_ERR_STATE for a device).
 */
LD_MUST_CHECK ld_err ld_central_init(struct ld_central *c, int *from, int *to, char *msg,
                                     size_t msglen);

/* Writes the store's schema version to *version: 0 when it was never initialised. */
LD_MUST_CHECK ld_err ld_central_schema_version(struct ld_central *c, int *version, char *msg,
                                               size_t msglen);

/*
 * Every function below needs the schema at LD_CENTRAL_SCHEMA_VERSION (LD_ERR_STATE otherwise,
 * saying to run `latedoor central init`).
 */

/* ---- schools and devices ---- */

/*
 * Adds the school id called name. LD_ERR_INVALID for a malformed id or name, LD_ERR_DUPLICATE
 * when the id exists. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_school_add(struct ld_central *c, const char *id, const char *name,
                                           char *msg, size_t msglen);

/* Copies the school id into *out; LD_ERR_NOT_FOUND when there is none (or c may not see it). */
LD_MUST_CHECK ld_err ld_central_school_get(struct ld_central *c, const char *id,
                                           struct ld_central_school *out, char *msg, size_t msglen);

/*
 * Copies up to cap schools c can see, in id order, into out and their number into *n.
 * LD_ERR_RANGE when there are more than cap (out then holds the first cap).
 */
LD_MUST_CHECK ld_err ld_central_schools(struct ld_central *c, struct ld_central_school *out,
                                        size_t cap, size_t *n, char *msg, size_t msglen);

/*
 * Registers the kiosk called name (a device id: 1..LD_CENTRAL_ID_MAX of [A-Za-z0-9._-]) with
 * school and fills *cred with what it needs to connect. PostgreSQL: creates the LOGIN role
 * "ld_dev_NAME", member of the group role ld_device that the row-level security policies name,
 * with a new random password (sent to the server only as a SCRAM verifier, so it never appears
 * in the server's logs); the admin needs CREATEROLE. SQLite: records the device; cred->url is
 * the file. LD_ERR_DUPLICATE when the device (or on PostgreSQL the role) exists, LD_ERR_NOT_FOUND
 * for an unknown school, LD_ERR_INVALID for a malformed name. Admin only. The caller wipes
 * cred->password once it is stored.
 */
/* What ld_central_device_set does to a device. */
enum ld_central_device_action {
    LD_CENTRAL_DEVICE_DISABLE = 1, /* refused from its next connection (PostgreSQL: NOLOGIN, its
                                      sessions ended) or its next call (SQLite) */
    LD_CENTRAL_DEVICE_ENABLE,      /* allowed again */
    LD_CENTRAL_DEVICE_ROTATE,      /* PostgreSQL: a new password, the old one refused at once */
};

/*
 * Disables, enables or gives new credentials to device name (after a kiosk is stolen, or its
 * password seen). ROTATE fills *cred (may be NULL otherwise) as ld_central_device_add does, and
 * is LD_ERR_UNSUPPORTED on SQLite (no passwords). LD_ERR_NOT_FOUND for an unknown device. Admin
 * only.
 */
LD_MUST_CHECK ld_err ld_central_device_set(struct ld_central *c, const char *name,
                                           enum ld_central_device_action action,
                                           struct ld_central_credentials *cred, char *msg,
                                           size_t msglen);

LD_MUST_CHECK ld_err ld_central_device_add(struct ld_central *c, const char *school,
                                           const char *name, struct ld_central_credentials *cred,
                                           char *msg, size_t msglen);

/* Copies the school of device into school; LD_ERR_NOT_FOUND when c knows no such device. */
LD_MUST_CHECK ld_err ld_central_device_school(struct ld_central *c, const char *device,
                                              char school[LD_CENTRAL_ID_MAX + 1], char *msg,
                                              size_t msglen);

/* ---- roster, calendar and settings: written at the centre, read by the devices ---- */

/*
 * Each of a school's roster, calendar and settings has a version number: 0 before the first
 * put, raised by one by every put that changes something. A device keeps the version it has and
 * asks for the data only when the number differs.
 */

/*
 * Replaces school's roster (pupils and their cards) with roster in one transaction. Every row is
 * checked first (caps, UTF-8 without control characters, UPN form, flags, card; a duplicate UPN
 * or card is LD_ERR_DUPLICATE naming both rows); on any error nothing changes. When the roster
 * is the same as the stored one, nothing is written and the version stays. Writes the version
 * now to *version and whether it changed to *changed (either may be NULL). Admin only.
 */
LD_MUST_CHECK ld_err ld_central_put_roster(struct ld_central *c, const char *school,
                                           const struct ld_roster *roster, int64_t *version,
                                           bool *changed, char *msg, size_t msglen);

/* Writes the version of school's roster to *version (0: never put). */
LD_MUST_CHECK ld_err ld_central_roster_version(struct ld_central *c, const char *school,
                                               int64_t *version, char *msg, size_t msglen);

/*
 * Reads school's roster into *out (the caller frees it with ld_roster_free) as one snapshot with
 * its version in *version, in the order it was put; each pupil's line is 0. When the version is
 * still since_version, sets *changed false and leaves *out empty; else *changed is true.
 */
LD_MUST_CHECK ld_err ld_central_get_roster(struct ld_central *c, const char *school,
                                           int64_t since_version, struct ld_roster *out,
                                           int64_t *version, bool *changed, char *msg,
                                           size_t msglen);

/*
 * As ld_central_put_roster, for school's calendar: terms in date order, closed days in date
 * order and not twice, names and labels within calendar_file.h's caps, and the core's rules
 * (ld_calendar_file_build). The lines of cal are not stored. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_put_calendar(struct ld_central *c, const char *school,
                                             const struct ld_calendar_file *cal, int64_t *version,
                                             bool *changed, char *msg, size_t msglen);

/* Writes the version of school's calendar to *version (0: never put). */
LD_MUST_CHECK ld_err ld_central_calendar_version(struct ld_central *c, const char *school,
                                                 int64_t *version, char *msg, size_t msglen);

/* As ld_central_get_roster, for the calendar; free *out with ld_calendar_file_free. */
LD_MUST_CHECK ld_err ld_central_get_calendar(struct ld_central *c, const char *school,
                                             int64_t since_version, struct ld_calendar_file *out,
                                             int64_t *version, bool *changed, char *msg,
                                             size_t msglen);

/*
 * As ld_central_put_roster, for school's settings: n (at most LD_CENTRAL_SETTINGS_MAX) pairs in
 * any order, keys unique. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_put_settings(struct ld_central *c, const char *school,
                                             const struct ld_central_setting *settings, size_t n,
                                             int64_t *version, bool *changed, char *msg,
                                             size_t msglen);

/* Writes the version of school's settings to *version (0: never put). */
LD_MUST_CHECK ld_err ld_central_settings_version(struct ld_central *c, const char *school,
                                                 int64_t *version, char *msg, size_t msglen);

/* As ld_central_get_roster, for the settings, sorted by key; free with ld_central_settings_free. */
LD_MUST_CHECK ld_err ld_central_get_settings(struct ld_central *c, const char *school,
                                             int64_t since_version, struct ld_central_settings *out,
                                             int64_t *version, bool *changed, char *msg,
                                             size_t msglen);

/* ---- events ---- */

/*
 * Checks every field of ev as described at struct ld_central_event (global_seq is not looked
 * at). Returns LD_ERR_INVALID, or LD_ERR_RANGE for text over its cap, with a message naming the
 * field; LD_OK when the event may be pushed.
 */
LD_MUST_CHECK ld_err ld_central_event_check(const struct ld_central_event *ev, char *msg,
                                            size_t msglen);

/*
 * Pushes the n events at ev (n <= LD_CENTRAL_BATCH_MAX, else LD_ERR_RANGE; n == 0 does nothing)
 * of device in ONE transaction, all or nothing. Each event must pass ld_central_event_check,
 * have device_id == device and school == the device's school, and seqs must strictly increase
 * (LD_ERR_INVALID naming the index). LD_ERR_NOT_FOUND when the store knows no such device.
 *
 * Idempotent on (device_id, seq): an event already stored with the same UUID and content is
 * counted in res->duplicates and changes nothing, so a batch whose acknowledgement was lost can
 * simply be pushed again. An event whose (device_id, seq) is stored with another UUID or other
 * content (a device restored from an old backup), or whose UUID is stored under another
 * (device_id, seq), is LD_ERR_DUPLICATE naming the device, seq and field: the whole batch is
 * rolled back and nothing stored is ever overwritten.
 *
 * New events get global_seq values larger than any given before to their school, in commit
 * order: a pull that has seen global_seq g never later finds a new event of that school below
 * g. Fills *res (may be NULL) on LD_OK. On PostgreSQL a device role can push only its own events
 * (row-level security): another device's are LD_ERR_AUTH.
 *
 * A device handle (either backend) adds only its own kiosk events: an event with the office's
 * source, or a reason, void or clock repair of another device's event, is LD_ERR_AUTH naming it
 * (PostgreSQL enforces the same in its insert policy, and checks every new row as
 * ld_central_event_check does). The admin, the office's principal, may push corrections of
 * any device's events.
 */
LD_MUST_CHECK ld_err ld_central_push(struct ld_central *c, const char *device,
                                     const struct ld_central_event *ev, size_t n,
                                     struct ld_push_result *res, char *msg, size_t msglen);

/*
 * Writes to *out the rows the last ld_central_pull or ld_central_school_events on c left out
 * (at most LD_CENTRAL_SKIPS_KEPT of them) and returns how many it left out in all.
 */
size_t ld_central_skipped(const struct ld_central *c, const struct ld_central_skip **out);

/*
 * Copies into out (cap entries, 1..LD_CENTRAL_PULL_MAX) the events of school with global_seq
 * greater than after_global_seq that other devices than device recorded, in global_seq order,
 * at most cap of them, and their number into *n (0: nothing new; fewer than cap: the end). The
 * next pull passes the last global_seq returned. device must belong to school (LD_ERR_NOT_FOUND
 * otherwise). Every row is checked; a bad one (a row a superuser wrote past the store's checks)
 * is left out, the page filled past it, and named in ld_central_skipped, so one bad row never
 * stops a school. Rows out of order or of another school fail the call (LD_ERR_CORRUPT).
 */
LD_MUST_CHECK ld_err ld_central_pull(struct ld_central *c, const char *device, const char *school,
                                     int64_t after_global_seq, struct ld_central_event *out,
                                     size_t cap, size_t *n, char *msg, size_t msglen);

/* Writes the number of events of school (NULL: every school c can see) to *count. */
LD_MUST_CHECK ld_err ld_central_event_count(struct ld_central *c, const char *school,
                                            int64_t *count, char *msg, size_t msglen);

/*
 * Copies the event (device, seq) into *out; LD_ERR_NOT_FOUND when the store (as c sees it) has
 * none. Checked like a pulled row.
 */
LD_MUST_CHECK ld_err ld_central_event_get(struct ld_central *c, const char *device, int64_t seq,
                                          struct ld_central_event *out, char *msg, size_t msglen);

/* ---- device status (version 9, branch office-devices): what each kiosk last said ---- */

#define LD_CENTRAL_STATUS_ERROR_MAX 255 /* a device's last error, as its status says it */
#define LD_CENTRAL_READER_MAX       120 /* the reader's state: "ok", "no reader", "missing: …" */
#define LD_CENTRAL_VERSION_MAX      32  /* the software's version: [A-Za-z0-9._+~-] */

/*
 * One kiosk's last report of its health, one row per device, replaced by each report (the sync
 * agent sends one every round). Checked going in and coming out:
 *   school, device_id        ids; school is the device's
 *   device_ms                the device's wall clock when it reported: 0 .. year 9999
 *   received_ms              the centre's clock when the report arrived: set by the store, never
 *                            by the device (ignored by put)
 *   pending                  >= 0, the device's own events not yet at the centre
 *   oldest_pending_ms        the oldest of those (device clock); 0 exactly when pending is 0
 *   last_sync_ms             the device's last good round (device clock); 0: never
 *   last_error               the last round that failed, why (UTF-8 without control
 *                            characters, at most LD_CENTRAL_STATUS_ERROR_MAX bytes); "" none
 *   last_error_ms            when (device clock); 0 exactly when last_error is ""
 *   clock_state              0..3 (enum ld_clock_state) as the device judged its clock
 *   reader                   the card reader's state, 1..LD_CENTRAL_READER_MAX bytes of text
 *   reader_ms                when the reader entered it (device clock); 0: not known
 *   version                  1..LD_CENTRAL_VERSION_MAX of [A-Za-z0-9._+~-]
 * disabled and reported are read only: the device is disabled; it has reported at least once
 * (when false every field but school and device_id is zero).
 */
struct ld_central_device_status {
    char school[LD_CENTRAL_ID_MAX + 1];
    char device_id[LD_CENTRAL_ID_MAX + 1];
    bool disabled, reported;
    int64_t device_ms, received_ms;
    int64_t pending, oldest_pending_ms;
    int64_t last_sync_ms;
    char last_error[LD_CENTRAL_STATUS_ERROR_MAX + 1];
    int64_t last_error_ms;
    int clock_state;
    char reader[LD_CENTRAL_READER_MAX + 1];
    int64_t reader_ms;
    char version[LD_CENTRAL_VERSION_MAX + 1];
};

/* Checks st as described above (not disabled, reported, received_ms); LD_ERR_INVALID naming the
 * field, LD_ERR_RANGE for text over its cap. */
LD_MUST_CHECK ld_err ld_central_status_check(const struct ld_central_device_status *st, char *msg,
                                             size_t msglen);

/*
 * Stores st as device's status, replacing the one before; the store sets received_ms. A device
 * writes only its own row: st->device_id must be device, and on PostgreSQL device must be the
 * device the role logged in as (LD_ERR_AUTH otherwise; the database's policies refuse it too,
 * whatever the client). st->school must be the device's school (LD_ERR_INVALID). A disabled
 * device is refused (LD_ERR_AUTH), an unknown one is LD_ERR_NOT_FOUND. An SQLite store trusts
 * whoever can open its file, as for everything else: there the rule binds latedoor's own writer.
 */
LD_MUST_CHECK ld_err ld_central_status_put(struct ld_central *c, const char *device,
                                           const struct ld_central_device_status *st, char *msg,
                                           size_t msglen);

/*
 * Copies every device of school, by id, with its last status (reported false for a device that
 * never sent one), up to cap, into out and their number into *n; LD_ERR_RANGE past cap (out then
 * holds the first cap). Each row is checked (LD_ERR_CORRUPT naming it). Admin only.
 */
LD_MUST_CHECK ld_err ld_central_statuses(struct ld_central *c, const char *school,
                                         struct ld_central_device_status *out, size_t cap,
                                         size_t *n, char *msg, size_t msglen);

/* ---- MIS marks (version 3): the school's register as its MIS keeps it ---- */

/*
 * One register mark imported from the school's MIS, so that percentages and stages count every
 * session and not only the ones the kiosks saw. Checked going in and coming out:
 *   upn      a well-formed UPN (a wrong check letter is allowed, as in rosters)
 *   date     a date from 1900 to 9999
 *   session  0 (am) or 1 (pm)
 *   code     an attendance code of the 2024 table as written ("L", "C1", "/", "\\", "#")
 *   minutes  late minutes 0..1440, or -1 for none
 */
struct ld_central_mark {
    char upn[LD_UPN_LEN + 1];
    ld_date date;
    int session;
    char code[3];
    int minutes;
};

/* Marks read from the store, by UPN, date and session. Free with ld_central_marks_free. */
struct ld_central_marks {
    struct ld_central_mark *items;
    size_t count;
};

/* Frees what m holds and zeroes it; accepts NULL. */
void ld_central_marks_free(struct ld_central_marks *m);

/*
 * Checks one mark as described at struct ld_central_mark; where ("marks.csv:12") starts the
 * message. LD_ERR_INVALID naming the field, LD_OK when it may be put.
 */
LD_MUST_CHECK ld_err ld_central_mark_check(const struct ld_central_mark *m, const char *where,
                                           char *msg, size_t msglen);

/*
 * Stores the n marks (1..LD_CENTRAL_MARKS_BATCH_MAX; n == 0 does nothing) of school in ONE
 * transaction, all or nothing: a mark for a pupil, date and session already stored replaces it
 * (the MIS is the register of record, so a later export wins). Every mark is checked first
 * (LD_ERR_INVALID naming its index and field; LD_ERR_DUPLICATE for a pupil, date and session
 * given twice in the batch); LD_ERR_NOT_FOUND for an unknown school. Writes how many were new
 * to *added and how many replaced a stored one to *replaced (either may be NULL). Admin only.
 */
LD_MUST_CHECK ld_err ld_central_put_marks(struct ld_central *c, const char *school,
                                          const struct ld_central_mark *marks, size_t n,
                                          size_t *added, size_t *replaced, char *msg,
                                          size_t msglen);

/*
 * Reads every MIS mark of school into *out (the caller frees it), sorted by UPN, date and
 * session; each row is checked (LD_ERR_CORRUPT naming it). LD_ERR_RANGE past
 * LD_CENTRAL_MARKS_MAX. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_get_marks(struct ld_central *c, const char *school,
                                          struct ld_central_marks *out, char *msg, size_t msglen);

/*
 * As ld_central_pull, for the office: the events of school after after_global_seq recorded by
 * EVERY device, its own pseudo-devices included, in global_seq order, at most cap. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_school_events(struct ld_central *c, const char *school,
                                              int64_t after_global_seq,
                                              struct ld_central_event *out, size_t cap, size_t *n,
                                              char *msg, size_t msglen);

/* ---- the office application's records (version 5; branch office-app) ---- */

/*
 * The office application (latedoor-office, docs/office.md) keeps its people, sessions, call logs
 * and printed letters in the central store, so two of its servers behind a load balancer serve
 * the same users, and every sign-in and change in an append-only audit log. No device can read
 * or write any of it (PostgreSQL: no grant to ld_device). Admin only.
 *
 * A record is a key and a value of one kind; the office application decides what its value
 * holds (a small JSON object). Checked going in and coming out:
 *   kind        1..LD_OREC_KIND_MAX
 *   key         1..LD_CENTRAL_OREC_KEY_MAX of [A-Za-z0-9._@:/-]
 *   school      "" (none: a technician of every school) or a school id
 *   value       UTF-8 without control characters, at most LD_CENTRAL_OREC_VALUE_MAX bytes
 *   updated_ms  >= 0
 */
enum ld_orec_kind {
    LD_OREC_USER = 1, /* key: the user name */
    LD_OREC_SESSION,  /* key: the session id (hex) */
    LD_OREC_CALL,     /* key: "YYYY-MM-DD/UPN/ms": one call of the calling list */
    LD_OREC_LETTER,   /* key: "YYYY-MM-DD/UPN/ms": one letter printed or sent */
    /* branch office-corrections: */
    LD_OREC_MIS_EXPORT, /* key: the school id: the last MIS export of changes (office/report.h) */
};
#define LD_OREC_KIND_MAX          5
#define LD_CENTRAL_OREC_KEY_MAX   128
#define LD_CENTRAL_OREC_VALUE_MAX 2048
#define LD_CENTRAL_AUDIT_WHAT_MAX 400 /* the audit's "what": UTF-8 without control characters */

struct ld_central_orec {
    int kind; /* enum ld_orec_kind */
    char key[LD_CENTRAL_OREC_KEY_MAX + 1];
    char school[LD_CENTRAL_ID_MAX + 1];
    char value[LD_CENTRAL_OREC_VALUE_MAX + 1];
    int64_t updated_ms;
};

/* One line of the audit log. */
struct ld_central_audit {
    int64_t seq; /* set by the store: the order of the log */
    int64_t at_ms;
    char school[LD_CENTRAL_ID_MAX + 1]; /* "" when not of one school */
    char who[LD_CENTRAL_STAFF_MAX + 1];
    char what[LD_CENTRAL_AUDIT_WHAT_MAX + 1];
};

/* Checks rec as described above; LD_ERR_INVALID or LD_ERR_RANGE naming the field. */
LD_MUST_CHECK ld_err ld_central_orec_check(const struct ld_central_orec *rec, char *msg,
                                           size_t msglen);

/* Stores rec, replacing the record of its kind and key if there is one. Admin only. */
LD_MUST_CHECK ld_err ld_central_orec_put(struct ld_central *c, const struct ld_central_orec *rec,
                                         char *msg, size_t msglen);

/*
 * Stores rec only when no record of its kind and key exists: LD_ERR_DUPLICATE otherwise, and
 * nothing changes (two servers adding the same user: one wins). Admin only.
 */
LD_MUST_CHECK ld_err ld_central_orec_add(struct ld_central *c, const struct ld_central_orec *rec,
                                         char *msg, size_t msglen);

/* Copies the record kind/key into *out; LD_ERR_NOT_FOUND when there is none. Admin only. */
LD_MUST_CHECK ld_err ld_central_orec_get(struct ld_central *c, int kind, const char *key,
                                         struct ld_central_orec *out, char *msg, size_t msglen);

/* Removes the record kind/key (a session signed out); none there is not an error. Admin only. */
LD_MUST_CHECK ld_err ld_central_orec_delete(struct ld_central *c, int kind, const char *key,
                                            char *msg, size_t msglen);

/*
 * Copies up to cap records of kind whose school is school (NULL: any) and whose key starts with
 * prefix (NULL or "": any), in key order, into out and their number into *n. LD_ERR_RANGE when
 * there are more than cap (out then holds the first cap). Admin only.
 */
LD_MUST_CHECK ld_err ld_central_orecs(struct ld_central *c, int kind, const char *school,
                                      const char *prefix, struct ld_central_orec *out, size_t cap,
                                      size_t *n, char *msg, size_t msglen);

/*
 * Appends a line to the audit log: who (1..LD_CENTRAL_STAFF_MAX, UTF-8 without control
 * characters) did what (likewise, 1..LD_CENTRAL_AUDIT_WHAT_MAX) at at_ms, for school ("" none).
 * The log is append-only for everyone. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_audit_add(struct ld_central *c, const char *school, const char *who,
                                          const char *what, int64_t at_ms, char *msg,
                                          size_t msglen);

/*
 * Copies the newest cap lines of the audit log of school (NULL: every line), newest first, into
 * out and their number into *n. Admin only.
 */
LD_MUST_CHECK ld_err ld_central_audit_list(struct ld_central *c, const char *school,
                                           struct ld_central_audit *out, size_t cap, size_t *n,
                                           char *msg, size_t msglen);

#endif
