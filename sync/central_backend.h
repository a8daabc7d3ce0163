/* central_backend.h: what a central-store backend implements, and the checks they share. */
#ifndef LD_CENTRAL_BACKEND_H
#define LD_CENTRAL_BACKEND_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "central.h"

/*
 * central.c is the only caller of these functions. Before it calls one it has checked the
 * role, the schema version and every argument (ids, events, rosters, caps), so a backend only
 * stores and fetches. Backends write their messages without the store's URL (central.c adds it
 * and scrubs any password) and never hold a password after open returns.
 *
 * Rows a backend reads go through the central__row_* decoders below, which refuse NULLs, text
 * over its cap and non-integers with LD_ERR_CORRUPT; central.c then checks their meaning.
 */

/* The three things written at the centre that devices pull by version. */
enum central__part {
    CENTRAL_PART_ROSTER = 0,
    CENTRAL_PART_CALENDAR,
    CENTRAL_PART_SETTINGS,
};

/* Returns "roster", "calendar" or "settings": the part's name in the versions table. */
const char *central__part_name(enum central__part part);

/* A content digest: BLAKE2b-256 as 64 lower-case hex digits. */
#define CENTRAL_DIGEST_HEX 65

struct ld_central_ops {
    const char *name; /* "sqlite", "postgresql" */
    enum ld_central_backend backend;

    /*
     * Connects to target (a path for SQLite, a libpq connection string for PostgreSQL) with
     * password (NULL: none) as role and sets *impl. A PostgreSQL device role is looked up and
     * must be a registered device (LD_ERR_AUTH).
     */
    /* Copies a password written in target itself into out and sets *has (NULL: none can be). */
    ld_err (*url_password)(const char *target, char *out, size_t outlen, bool *has, char *msg,
                           size_t msglen);
    ld_err (*open)(const char *target, const char *password, enum ld_central_role role, void **impl,
                   char *msg, size_t msglen);
    void (*close)(void *impl);
    bool (*uses_tls)(void *impl);
    /* The device a PostgreSQL device role is; "" otherwise. */
    const char *(*login_device)(void *impl);

    /* Migrates to version target (<= LD_CENTRAL_SCHEMA_VERSION) in one transaction. */
    ld_err (*migrate)(void *impl, int target, int *from, int *to, char *msg, size_t msglen);
    ld_err (*schema_version)(void *impl, int *version, char *msg, size_t msglen);

    ld_err (*school_add)(void *impl, const char *id, const char *name, char *msg, size_t msglen);
    /* Lists schools in id order (only id when id is not NULL); LD_ERR_RANGE past cap. */
    ld_err (*schools)(void *impl, const char *id, struct ld_central_school *out, size_t cap,
                      size_t *n, char *msg, size_t msglen);
    ld_err (*device_add)(void *impl, const char *school, const char *name,
                         struct ld_central_credentials *cred, char *msg, size_t msglen);
    /* Disable, enable or (PostgreSQL) rotate device name; rotate fills cred. */
    ld_err (*device_set)(void *impl, const char *name, enum ld_central_device_action action,
                         struct ld_central_credentials *cred, char *msg, size_t msglen);
    ld_err (*device_school)(void *impl, const char *device, char school[LD_CENTRAL_ID_MAX + 1],
                            char *msg, size_t msglen);

    ld_err (*version)(void *impl, const char *school, enum central__part part, int64_t *version,
                      char *msg, size_t msglen);
    /* Replace the part unless its stored digest is digest; bump the version when replaced. */
    ld_err (*put_roster)(void *impl, const char *school, const struct ld_roster *roster,
                         const char *digest, int64_t *version, bool *changed, char *msg,
                         size_t msglen);
    ld_err (*get_roster)(void *impl, const char *school, int64_t since, struct ld_roster *out,
                         int64_t *version, bool *changed, char *msg, size_t msglen);
    ld_err (*put_calendar)(void *impl, const char *school, const struct ld_calendar_file *cal,
                           const char *digest, int64_t *version, bool *changed, char *msg,
                           size_t msglen);
    ld_err (*get_calendar)(void *impl, const char *school, int64_t since,
                           struct ld_calendar_file *out, int64_t *version, bool *changed, char *msg,
                           size_t msglen);
    /* settings arrive sorted by key */
    ld_err (*put_settings)(void *impl, const char *school, const struct ld_central_setting *s,
                           size_t n, const char *digest, int64_t *version, bool *changed, char *msg,
                           size_t msglen);
    ld_err (*get_settings)(void *impl, const char *school, int64_t since,
                           struct ld_central_settings *out, int64_t *version, bool *changed,
                           char *msg, size_t msglen);

    /* ev: checked, all of device and school, seqs strictly increasing, 1 <= n <= BATCH_MAX. */
    ld_err (*push)(void *impl, const char *device, const char *school,
                   const struct ld_central_event *ev, size_t n, struct ld_push_result *res,
                   char *msg, size_t msglen);
    ld_err (*pull)(void *impl, const char *device, const char *school, int64_t after,
                   struct ld_central_event *out, size_t cap, size_t *n, char *msg, size_t msglen);
    ld_err (*event_count)(void *impl, const char *school, int64_t *count, char *msg, size_t msglen);
    ld_err (*event_get)(void *impl, const char *device, int64_t seq, struct ld_central_event *out,
                        char *msg, size_t msglen);

    /* (version 3) marks: checked, none twice, school exists, 1 <= n; upserted in one
     * transaction. get_marks: every mark of school sorted by upn, day, session; LD_ERR_RANGE
     * past LD_CENTRAL_MARKS_MAX. */
    ld_err (*put_marks)(void *impl, const char *school, const struct ld_central_mark *m, size_t n,
                        size_t *added, size_t *replaced, char *msg, size_t msglen);
    ld_err (*get_marks)(void *impl, const char *school, struct ld_central_marks *out, char *msg,
                        size_t msglen);

    /* (version 5, branch office-app) the office application's records and audit log: all
     * arguments checked; orec_put upserts unless only_new (then LD_ERR_DUPLICATE when the key
     * is taken); orecs lists in key order, LD_ERR_RANGE past cap with the first cap; audit_list
     * newest first. */
    ld_err (*orec_put)(void *impl, const struct ld_central_orec *rec, bool only_new, char *msg,
                       size_t msglen);
    ld_err (*orec_get)(void *impl, int kind, const char *key, struct ld_central_orec *out,
                       char *msg, size_t msglen);
    ld_err (*orec_delete)(void *impl, int kind, const char *key, char *msg, size_t msglen);
    ld_err (*orecs)(void *impl, int kind, const char *school, const char *prefix,
                    struct ld_central_orec *out, size_t cap, size_t *n, char *msg, size_t msglen);
    ld_err (*audit_add)(void *impl, const char *school, const char *who, const char *what,
                        int64_t at_ms, char *msg, size_t msglen);
    ld_err (*audit_list)(void *impl, const char *school, struct ld_central_audit *out, size_t cap,
                         size_t *n, char *msg, size_t msglen);

    /* (version 9, branch office-devices) device status: st checked, of device, school the
     * device's; status_put upserts it with received_ms the store's clock. statuses: every
     * device of school by id with its status (CENTRAL_STATUS_COLUMNS), LD_ERR_RANGE past cap. */
    ld_err (*status_put)(void *impl, const struct ld_central_device_status *st, char *msg,
                         size_t msglen);
    ld_err (*statuses)(void *impl, const char *school, struct ld_central_device_status *out,
                       size_t cap, size_t *n, char *msg, size_t msglen);
};

/* What a disabled device is told (%s: the device), by either backend. */
#define DEVICE_DISABLED_MSG                                                                        \
    "device %s is disabled at the central store (latedoor device disable): nothing was sent or "   \
    "taken; the trust's admin can enable it again or register this kiosk anew"

extern const struct ld_central_ops central__sqlite_ops;
extern const struct ld_central_ops central__pg_ops;

/* ---- messages ---- */

/* snprintf into msg when msg is not NULL and msglen > 0; returns err, for `return fail(...)`. */
ld_err central__fail(ld_err err, char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- checks shared by the frontend and the backends ---- */

/* Returns true when s is 1..LD_CENTRAL_ID_MAX bytes of [A-Za-z0-9._-]. */
bool central__id_ok(const char *s);

/* Returns true when s is 36 characters of lower-case hex in the 8-4-4-4-12 form. */
bool central__uuid_ok(const char *s);

/*
 * Checks the NUL-terminated text s as UTF-8 without control characters of at most max bytes
 * (empty allowed unless nonempty). Returns LD_OK, LD_ERR_RANGE or LD_ERR_INVALID with
 * "WHERE: field FIELD: problem" in msg.
 */
ld_err central__text_ok(const char *s, size_t max, bool nonempty, const char *where,
                        const char *field, char *msg, size_t msglen);

/*
 * Checks ev as ld_central_event_check; where ("event 3 (device door seq 7)", "events row
 * global_seq 12") starts the message. When stored is true also wants global_seq >= 1.
 */
ld_err central__event_ok(const struct ld_central_event *ev, bool stored, const char *where,
                         char *msg, size_t msglen);

/* Returns the name of the first field (global_seq aside) where a and b differ, or NULL. */
const char *central__event_diff(const struct ld_central_event *a, const struct ld_central_event *b);

/* Checks a roster (caps, UTF-8, UPN, flags, cards, duplicates); where names the source. */
ld_err central__roster_ok(const struct ld_roster *r, const char *where, char *msg, size_t msglen);

/* Checks a calendar (caps, dates, order, the core's rules); where names the source. */
ld_err central__calendar_ok(const struct ld_calendar_file *cal, const char *where, char *msg,
                            size_t msglen);

/* Checks settings: keys [a-z0-9._-] unique, values; sorted by key when sorted is true. */
ld_err central__settings_ok(const struct ld_central_setting *s, size_t n, bool sorted,
                            const char *where, char *msg, size_t msglen);

/* Content digests: equal exactly when the stored content would be equal. */
void central__roster_digest(const struct ld_roster *r, char hex[CENTRAL_DIGEST_HEX]);
void central__calendar_digest(const struct ld_calendar_file *cal, char hex[CENTRAL_DIGEST_HEX]);
void central__settings_digest(const struct ld_central_setting *s, size_t n,
                              char hex[CENTRAL_DIGEST_HEX]);

/* Fills buf with n random bytes from the kernel; false when it cannot. */
bool central__random(void *buf, size_t n);

/* ---- decoding rows ---- */

/* One row of a result, whatever the backend. */
struct central__row {
    /* Returns the text of column col (NUL-terminated, owned by the row) with its length in
     * *len, or NULL for SQL NULL or a value that is not text. */
    const char *(*text)(void *ctx, int col, size_t *len);
    /* Sets *v to column col; false for NULL or a value that is not a whole number. */
    bool (*integer)(void *ctx, int col, int64_t *v);
    void *ctx;
};

/*
 * Copies text column col into dst (size bytes with the terminator). LD_ERR_CORRUPT with "WHERE:
 * field FIELD: …" for NULL (unless null_ok: then ""), an embedded NUL or text too long.
 */
ld_err central__row_str(const struct central__row *r, int col, char *dst, size_t size, bool null_ok,
                        const char *where, const char *field, char *msg, size_t msglen);

/* Sets *v to integer column col within lo..hi; LD_ERR_CORRUPT as above otherwise. */
ld_err central__row_int(const struct central__row *r, int col, int64_t lo, int64_t hi, int64_t *v,
                        const char *where, const char *field, char *msg, size_t msglen);

/* The columns every backend selects for an event, in the order central__row_event reads them. */
#define CENTRAL_EVENT_COLUMNS                                                                      \
    "global_seq, school_id, device_id, seq, uuid, kind, at_ms, mono_ms, boot_id, clock_state, "    \
    "upn, card, source, staff, reason, ref_device, ref_seq, fixed_at_ms, sum"

/*
 * (version 8, branch central-sum) Writes the checksum of ev's fields to out (ld_event_sum's, so a
 * device's stored sum and the centre's agree) and returns ev->sum when given, else out: the sum
 * a push stores.
 */
const char *central__event_sum(const struct ld_central_event *ev, char out[LD_CENTRAL_SUM_LEN + 1]);

/* Decodes and checks one event row (CENTRAL_EVENT_COLUMNS); LD_ERR_CORRUPT names row and field. */
ld_err central__row_event(const struct central__row *r, struct ld_central_event *ev, char *msg,
                          size_t msglen);

/* (version 8) As central__row_event, but a row without a checksum is taken: for the migration
 * that gives the rows stored before version 8 theirs. */
ld_err central__row_event_unsummed(const struct central__row *r, struct ld_central_event *ev,
                                   char *msg, size_t msglen);

/*
 * For pulls: as central__row_event, but a bad row whose global_seq can be read becomes a marker
 * instead of an error: kind 0, global_seq, device_id and seq as far as they can be read, and in
 * reason why it is bad. The front leaves markers out of what it returns and names them
 * (ld_central_skipped). LD_ERR_CORRUPT only for a row without a readable global_seq.
 */
ld_err central__row_event_or_skip(const struct central__row *r, struct ld_central_event *ev,
                                  char *msg, size_t msglen);

/*
 * The columns of a pupil row: upn, legal_first, legal_last, preferred_first, preferred_last,
 * year, class_name, family, flags, card (NULL: none). Decodes row number index (0-based) into *p
 * (not checked for meaning: central__roster_ok does that for the whole roster).
 */
ld_err central__row_pupil(const struct central__row *r, size_t index, struct ld_roster_pupil *p,
                          char *msg, size_t msglen);

/* A card row: upn, card (upper-case hex). Decodes row number index into upn and *uid. */
ld_err central__row_card(const struct central__row *r, size_t index, char upn[LD_UPN_LEN + 1],
                         struct ld_uid *uid, char *msg, size_t msglen);

/* A term row: name, first day, last day ("YYYY-MM-DD"). */
ld_err central__row_term(const struct central__row *r, size_t index, struct ld_calfile_term *t,
                         char *msg, size_t msglen);

/* A closed-day row: day ("YYYY-MM-DD"), label. */
ld_err central__row_closed(const struct central__row *r, size_t index, struct ld_calfile_closed *d,
                           char *msg, size_t msglen);

/* An MIS mark row: upn, day ("YYYY-MM-DD"), session (0, 1), code, minutes (-1: none). */
ld_err central__row_mark(const struct central__row *r, size_t index, struct ld_central_mark *m,
                         char *msg, size_t msglen);

/* A setting row: key, value. */
ld_err central__row_setting(const struct central__row *r, size_t index,
                            struct ld_central_setting *s, char *msg, size_t msglen);

/* (version 5) The columns of an office record row: kind, key, school_id, value, updated_ms. */
#define CENTRAL_OREC_COLUMNS "kind, key, school_id, value, updated_ms"
/* True when key is a well-formed office record key. */
bool central__orec_key_ok(const char *key);
/* Checks an audit line's school ("" allowed), who and what; LD_ERR_INVALID or LD_ERR_RANGE. */
ld_err central__audit_ok(const char *school, const char *who, const char *what, char *msg,
                         size_t msglen);
ld_err central__row_orec(const struct central__row *r, struct ld_central_orec *out, char *msg,
                         size_t msglen);

/* (version 5) An audit row: seq, at_ms, school_id, who, what. */
#define CENTRAL_AUDIT_COLUMNS "seq, at_ms, school_id, who, what"
ld_err central__row_audit(const struct central__row *r, struct ld_central_audit *out, char *msg,
                          size_t msglen);

/* (version 9) A device and its status: id, school_id, disabled (0, 1), reported (0, 1), then the
 * status's columns, 0 or '' where the device never reported. */
#define CENTRAL_STATUS_COLUMNS                                                                     \
    "device_ms, received_ms, pending, oldest_pending_ms, last_sync_ms, last_error, "               \
    "last_error_ms, clock_state, reader, reader_ms, version"
ld_err central__row_status(const struct central__row *r, struct ld_central_device_status *out,
                           char *msg, size_t msglen);
/* Checks st as ld_central_status_check; where starts the message. */
ld_err central__status_ok(const struct ld_central_device_status *st, const char *where, char *msg,
                          size_t msglen);

#endif
