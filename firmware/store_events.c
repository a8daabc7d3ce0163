/* store_events.c: the append-only event log: checks, append, foreign events and queries. */
#include "store.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>

#include "upn.h"

/* 9999-12-31T23:59:59.999Z: the last instant the core's dates can name. */
#define MAX_MS INT64_C(253402300799999)

/* The columns of an event, in the order row_to_event reads them. */
#define EVENT_COLS                                                                                 \
    "device_id, seq, uuid, kind, at_ms, mono_ms, boot_id, clock, upn, card, source, staff, "       \
    "reason, ref_device, ref_seq, fixed_at_ms, sum"
#define EVENT_COLS_E                                                                               \
    "e.device_id, e.seq, e.uuid, e.kind, e.at_ms, e.mono_ms, e.boot_id, e.clock, e.upn, e.card, "  \
    "e.source, e.staff, e.reason, e.ref_device, e.ref_seq, e.fixed_at_ms, e.sum"

static const char *const kind_names[] = {
    [LD_EV_ARRIVAL] = "arrival",
    [LD_EV_DEPARTURE] = "departure",
    [LD_EV_RETURN] = "return",
    [LD_EV_REASON] = "reason",
    [LD_EV_VOID] = "void",
    [LD_EV_UNKNOWN_CARD] = "unknown_card",
    [LD_EV_CLOCK_REPAIR] = "clock_repair",
    [LD_EV_PIN_WRONG] = "pin_wrong",
};

/* True when s is a UUID as libuuid writes it: 8-4-4-4-12 lower-case hex digits. */
static bool is_uuid(const char *s, size_t size)
{
    if (strnlen(s, size) != LD_UUID_LEN)
        return false;
    for (int i = 0; i < LD_UUID_LEN; i++) {
        char c = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

/* Refuses a string array that is not NUL-terminated within itself, naming the field. */
static ld_err check_terminated(const char *name, const char *s, size_t size, char *msg,
                               size_t msglen)
{
    if (strnlen(s, size) == size) {
        ld_store__msg(msg, msglen, "event: %s: longer than %zu bytes", name, size - 1);
        return LD_ERR_RANGE;
    }
    return LD_OK;
}

/* What each kind needs: a pupil, a reference, a reason. */
enum need { NO, MAY, MUST };

static ld_err check_need(const char *kind, const char *name, enum need need, bool present,
                         char *msg, size_t msglen)
{
    if (need == MUST && !present) {
        ld_store__msg(msg, msglen, "event: %s: %s events need one", name, kind);
        return LD_ERR_INVALID;
    }
    if (need == NO && present) {
        ld_store__msg(msg, msglen, "event: %s: %s events have none", name, kind);
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

/*
 * Checks every field of ev. With foreign, device_id, seq and uuid must be given; otherwise they
 * are assigned (device_id and seq are ignored, uuid may be "").
 */
static ld_err check_event(const struct ld_event *ev, bool foreign, char *msg, size_t msglen)
{
    ld_err err;
    if (!ev) {
        ld_store__msg(msg, msglen, "event: none given");
        return LD_ERR_INVALID;
    }
    /* Every array first, so no check below can read past one. */
    struct {
        const char *name, *s;
        size_t size;
    } arrays[] = {
        {"device_id", ev->device_id, sizeof ev->device_id},
        {"uuid", ev->uuid, sizeof ev->uuid},
        {"boot_id", ev->boot_id, sizeof ev->boot_id},
        {"upn", ev->upn, sizeof ev->upn},
        {"card", ev->card, sizeof ev->card},
        {"staff", ev->staff, sizeof ev->staff},
        {"reason", ev->reason, sizeof ev->reason},
        {"ref_device", ev->ref_device, sizeof ev->ref_device},
        {"sum", ev->sum, sizeof ev->sum},
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        if (!foreign && i == 0)
            continue;
        err = check_terminated(arrays[i].name, arrays[i].s, arrays[i].size, msg, msglen);
        if (err)
            return err;
    }

    if ((int)ev->kind < LD_EV_ARRIVAL || (int)ev->kind > LD_EV_KIND_MAX) {
        ld_store__msg(msg, msglen, "event: kind: %d is not an event kind", (int)ev->kind);
        return LD_ERR_INVALID;
    }
    const char *kind = kind_names[ev->kind];
    if (foreign) {
        if (!ld_store__is_token(ev->device_id, LD_DEVICE_ID_MAX, "._-")) {
            ld_store__msg(msg, msglen,
                          "event: device_id: must be 1 to %d letters, digits, '.', '_' or '-'",
                          LD_DEVICE_ID_MAX);
            return LD_ERR_INVALID;
        }
        if (ev->seq < 1) {
            ld_store__msg(msg, msglen, "event: seq: %" PRId64 " is not 1 or more", ev->seq);
            return LD_ERR_RANGE;
        }
    }
    if ((foreign || ev->uuid[0]) && !is_uuid(ev->uuid, sizeof ev->uuid)) {
        ld_store__msg(msg, msglen, "event: uuid: not a lower-case 8-4-4-4-12 UUID");
        return LD_ERR_INVALID;
    }
    if (ev->at_ms < 0 || ev->at_ms > MAX_MS) {
        ld_store__msg(msg, msglen, "event: at_ms: %" PRId64 " is outside 1970..9999", ev->at_ms);
        return LD_ERR_RANGE;
    }
    if (ev->mono_ms < 0) {
        ld_store__msg(msg, msglen, "event: mono_ms: %" PRId64 " is negative", ev->mono_ms);
        return LD_ERR_RANGE;
    }
    if (ev->boot_id[0] && !is_uuid(ev->boot_id, sizeof ev->boot_id)) {
        ld_store__msg(msg, msglen, "event: boot_id: not a lower-case 8-4-4-4-12 boot id");
        return LD_ERR_INVALID;
    }
    if ((int)ev->clock < LD_CLOCK_OK || (int)ev->clock > LD_CLOCK_BEFORE_BUILD) {
        ld_store__msg(msg, msglen, "event: clock: %d is not a clock state", (int)ev->clock);
        return LD_ERR_INVALID;
    }
    if ((int)ev->source < LD_SRC_CARD || (int)ev->source > LD_SRC_OFFICE) {
        ld_store__msg(msg, msglen, "event: source: %d is not a source", (int)ev->source);
        return LD_ERR_INVALID;
    }

    enum need upn = MAY, ref = MAY;
    switch (ev->kind) {
    case LD_EV_ARRIVAL:
        upn = MUST;
        ref = NO;
        break;
    case LD_EV_DEPARTURE:
    case LD_EV_RETURN:
        upn = MUST;
        break;
    case LD_EV_REASON:
        upn = MUST;
        ref = MUST;
        break;
    case LD_EV_VOID:
    case LD_EV_CLOCK_REPAIR:
        ref = MUST;
        break;
    case LD_EV_UNKNOWN_CARD:
    case LD_EV_PIN_WRONG:
        upn = NO;
        ref = NO;
        break;
    }
    err = check_need(kind, "upn", upn, ev->upn[0] != '\0', msg, msglen);
    if (!err)
        err = check_need(kind, "ref", ref, ev->ref_device[0] || ev->ref_seq, msg, msglen);
    if (!err)
        err = check_need(kind, "card",
                         ev->kind == LD_EV_UNKNOWN_CARD ? MUST
                         : ev->kind == LD_EV_PIN_WRONG  ? NO
                                                        : MAY,
                         ev->card[0] != '\0', msg, msglen);
    if (!err && ev->kind == LD_EV_REASON && !ev->reason[0]) {
        ld_store__msg(msg, msglen, "event: reason: a reason event needs one");
        err = LD_ERR_INVALID;
    }
    if (err)
        return err;
    if (ev->upn[0] && ld_upn_check(ev->upn, NULL) == LD_UPN_MALFORMED) {
        ld_store__msg(msg, msglen, "event: upn: not a UPN (a letter and 12 characters)");
        return LD_ERR_INVALID;
    }
    if (ev->card[0] && !ld_store__is_uid_hex(ev->card)) {
        ld_store__msg(msg, msglen, "event: card: not a UID in upper-case hex (2 to %d digits)",
                      2 * LD_UID_MAX);
        return LD_ERR_INVALID;
    }
    if (ev->staff[0] && !ld_store__is_token(ev->staff, LD_STAFF_ID_MAX, "._@-")) {
        ld_store__msg(msg, msglen, "event: staff: not a staff id (letters, digits, . _ @ -)");
        return LD_ERR_INVALID;
    }
    err = ld_store__check_text("event", "reason", ev->reason, sizeof ev->reason, LD_REASON_MAX,
                               false, msg, msglen);
    if (err)
        return err;
    if (ev->ref_device[0] || ev->ref_seq) {
        if (!ld_store__is_token(ev->ref_device, LD_DEVICE_ID_MAX, "._-")) {
            ld_store__msg(msg, msglen, "event: ref_device: not a device id");
            return LD_ERR_INVALID;
        }
        if (ev->ref_seq < 1) {
            ld_store__msg(msg, msglen, "event: ref_seq: %" PRId64 " is not 1 or more", ev->ref_seq);
            return LD_ERR_RANGE;
        }
        if (foreign && ev->ref_seq == ev->seq && !strcmp(ev->ref_device, ev->device_id)) {
            ld_store__msg(msg, msglen, "event: ref: the event refers to itself");
            return LD_ERR_INVALID;
        }
    }
    if (ev->kind == LD_EV_CLOCK_REPAIR) {
        if (ev->fixed_at_ms <= 0 || ev->fixed_at_ms > MAX_MS) {
            ld_store__msg(msg, msglen, "event: fixed_at_ms: %" PRId64 " is outside 1970..9999",
                          ev->fixed_at_ms);
            return LD_ERR_RANGE;
        }
    } else if (ev->fixed_at_ms != 0) {
        ld_store__msg(msg, msglen, "event: fixed_at_ms: only a clock_repair event has one");
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

/* Binds every column of ev to ?1..?17 in EVENT_COLS order, with the given key and uuid. */
static int bind_event(sqlite3_stmt *st, const struct ld_event *ev, const char *device_id,
                      int64_t seq, const char *uuid)
{
    int rc = sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, uuid, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 4, (int)ev->kind);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 5, ev->at_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 6, ev->mono_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 7, ev->boot_id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 8, (int)ev->clock);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 9, ev->upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 10, ev->card, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 11, (int)ev->source);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 12, ev->staff, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 13, ev->reason, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 14, ev->ref_device, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 15, ev->ref_seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 16, ev->fixed_at_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 17, ev->sum, -1, SQLITE_STATIC);
    return rc;
}

/* Reads the row at stmt's current position, EVENT_COLS from column 0, into *ev, unchecked. */
static ld_err row_to_event_raw(struct ld_store *store, sqlite3_stmt *st, struct ld_event *ev,
                               char *msg, size_t msglen)
{
    memset(ev, 0, sizeof *ev);
    struct {
        int col;
        char *buf;
        size_t size;
    } text[] = {
        {0, ev->device_id, sizeof ev->device_id},
        {2, ev->uuid, sizeof ev->uuid},
        {6, ev->boot_id, sizeof ev->boot_id},
        {8, ev->upn, sizeof ev->upn},
        {9, ev->card, sizeof ev->card},
        {11, ev->staff, sizeof ev->staff},
        {12, ev->reason, sizeof ev->reason},
        {13, ev->ref_device, sizeof ev->ref_device},
        {16, ev->sum, sizeof ev->sum},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        ld_err err =
            ld_store__column_text(store, st, text[i].col, text[i].buf, text[i].size, msg, msglen);
        if (err)
            return err;
    }
    ev->seq = sqlite3_column_int64(st, 1);
    int kind = sqlite3_column_int(st, 3);
    ev->at_ms = sqlite3_column_int64(st, 4);
    ev->mono_ms = sqlite3_column_int64(st, 5);
    int clock = sqlite3_column_int(st, 7);
    int source = sqlite3_column_int(st, 10);
    ev->ref_seq = sqlite3_column_int64(st, 14);
    ev->fixed_at_ms = sqlite3_column_int64(st, 15);
    if (kind < LD_EV_ARRIVAL || kind > LD_EV_KIND_MAX || clock < LD_CLOCK_OK ||
        clock > LD_CLOCK_BEFORE_BUILD || source < LD_SRC_CARD || source > LD_SRC_OFFICE) {
        ld_store__msg(msg, msglen, "store %s: event %s:%" PRId64 " has a value out of range",
                      ld_store__path(store), ev->device_id, ev->seq);
        return LD_ERR_CORRUPT;
    }
    ev->kind = (enum ld_event_kind)kind;
    ev->clock = (enum ld_clock_state)clock;
    ev->source = (enum ld_source)source;
    return LD_OK;
}

/*
 * Says whether ev's fields still give its stored checksum; when not, writes what is wrong,
 * naming the event, into msg.
 */
static bool sum_matches(struct ld_store *store, const struct ld_event *ev, char *msg, size_t msglen)
{
    char want[LD_EVENT_SUM_LEN + 1];
    ld_event_sum(ev, want);
    if (!strcmp(want, ev->sum))
        return true;
    ld_store__msg(
        msg, msglen,
        "store %s: event %s #%" PRId64 " (%s) fails its checksum: %s; it is not used "
        "(`latedoor store check` lists every such event: restore the store from a "
        "backup, or let sync bring the event back from the central store)",
        ld_store__path(store), ev->device_id, ev->seq,
        ev->kind >= LD_EV_ARRIVAL && ev->kind <= LD_EV_KIND_MAX ? kind_names[ev->kind] : "?",
        ev->sum[0] ? "its fields were changed after it was recorded" : "it has no checksum");
    return false;
}

/* Reads the row at stmt's current position into *ev, refusing one that fails its checksum. */
static ld_err row_to_event(struct ld_store *store, sqlite3_stmt *st, struct ld_event *ev, char *msg,
                           size_t msglen)
{
    ld_err err = row_to_event_raw(store, st, ev, msg, msglen);
    if (!err && !sum_matches(store, ev, msg, msglen))
        err = LD_ERR_CORRUPT;
    return err;
}

/* True when a and b hold the same event, field for field. */
static bool same_event(const struct ld_event *a, const struct ld_event *b)
{
    return !strcmp(a->device_id, b->device_id) && a->seq == b->seq && !strcmp(a->uuid, b->uuid) &&
           a->kind == b->kind && a->at_ms == b->at_ms && a->mono_ms == b->mono_ms &&
           !strcmp(a->boot_id, b->boot_id) && a->clock == b->clock && !strcmp(a->upn, b->upn) &&
           !strcmp(a->card, b->card) && a->source == b->source && !strcmp(a->staff, b->staff) &&
           !strcmp(a->reason, b->reason) && !strcmp(a->ref_device, b->ref_device) &&
           a->ref_seq == b->ref_seq && a->fixed_at_ms == b->fixed_at_ms;
}

/*
 * Looks up the event (device_id, seq) into *found (may be NULL), setting *exists. Runs inside
 * the caller's transaction.
 */
static ld_err find_event(struct ld_store *store, const char *device_id, int64_t seq, bool *exists,
                         struct ld_event *found, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = ld_store__stmt(
        store, LD_STORE__FIND_EVENT,
        "SELECT " EVENT_COLS " FROM events WHERE device_id = ?1 AND seq = ?2", &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *exists = true;
        if (found)
            err = row_to_event(store, st, found, msg, msglen);
    } else if (rc == SQLITE_DONE) {
        *exists = false;
    } else {
        err = ld_store__sqlite_err(store, rc, "look up an event", msg, msglen);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return err;
}

/* Looks up which event holds uuid, if any: *exists, and its key into key (when it exists). */
static ld_err find_uuid(struct ld_store *store, const char *uuid, bool *exists, char *key,
                        size_t keylen, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err =
        ld_store__stmt(store, LD_STORE__FIND_UUID,
                       "SELECT device_id, seq FROM events WHERE uuid = ?1", &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *exists = true;
        const unsigned char *dev = sqlite3_column_text(st, 0);
        snprintf(key, keylen, "%s:%" PRId64, dev ? (const char *)dev : "?",
                 (int64_t)sqlite3_column_int64(st, 1));
    } else if (rc == SQLITE_DONE) {
        *exists = false;
    } else {
        err = ld_store__sqlite_err(store, rc, "look up a UUID", msg, msglen);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return err;
}

/*
 * INSERTs ev under (device_id, seq, uuid) with its checksum, inside the caller's transaction;
 * the checksum goes to sum (may be NULL).
 */
static ld_err insert_event(struct ld_store *store, const struct ld_event *ev, const char *device_id,
                           int64_t seq, const char *uuid, char sum[LD_EVENT_SUM_LEN + 1], char *msg,
                           size_t msglen)
{
    sqlite3_stmt *st = NULL;
    struct ld_event full = *ev;
    snprintf(full.device_id, sizeof full.device_id, "%s", device_id);
    full.seq = seq;
    snprintf(full.uuid, sizeof full.uuid, "%s", uuid);
    ld_event_sum(&full, full.sum);
    ld_err err = ld_store__stmt(store, LD_STORE__INSERT_EVENT,
                                "INSERT INTO events (" EVENT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, "
                                "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                                &st, msg, msglen);
    if (err)
        return err;
    if (sum)
        memcpy(sum, full.sum, sizeof full.sum);
    int rc = bind_event(st, &full, device_id, seq, uuid);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "record the event", msg, msglen);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return err;
}

/* The next seq of device_id: one more than the largest recorded, inside the transaction. */
static ld_err next_seq(struct ld_store *store, const char *device_id, int64_t *seq, char *msg,
                       size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = ld_store__stmt(store, LD_STORE__NEXT_SEQ,
                                "SELECT coalesce(max(seq), 0) + 1 FROM events WHERE device_id = ?1",
                                &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    else
        err = ld_store__sqlite_err(store, rc, "read the last sequence number", msg, msglen);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return err;
}

/* "Already signed in": an arrival of ev->upn in [from_ms, to_ms) stops the append. */
struct arrival_guard {
    int64_t from_ms, to_ms;
    bool already;
    struct ld_event earlier;
    int64_t earlier_ms;
};

static ld_err first_arrival_locked(struct ld_store *store, const char *upn, int64_t from_ms,
                                   int64_t to_ms, struct ld_event *ev, int64_t *effective_ms,
                                   char *msg, size_t msglen);

/*
 * Appends ev as this device's next event; with guard, only when the pupil has no arrival in the
 * guard's range. The check and the insert share one BEGIN IMMEDIATE transaction: a second
 * process waits for the write lock and then sees the first one's arrival.
 */
static ld_err append(struct ld_store *store, struct ld_event *ev, struct arrival_guard *guard,
                     char *msg, size_t msglen)
{
    char uuid[LD_UUID_LEN + 1];
    char key[LD_DEVICE_ID_MAX + 32];
    int64_t seq = 0;
    bool exists = false;

    if (!store) {
        ld_store__msg(msg, msglen, "store: append: no store given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_event(ev, false, msg, msglen);
    if (err)
        return err;
    const char *device = ld_store__device(store);
    if (ev->uuid[0]) {
        memcpy(uuid, ev->uuid, sizeof uuid);
    } else {
        uuid_t u;
        uuid_generate_random(u);
        uuid_unparse_lower(u, uuid);
    }

    err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    if (guard) {
        err = first_arrival_locked(store, ev->upn, guard->from_ms, guard->to_ms, &guard->earlier,
                                   &guard->earlier_ms, msg, msglen);
        if (err == LD_OK) {
            guard->already = true;
            goto out; /* nothing to write: the rollback below ends the read */
        }
        if (err != LD_ERR_NOT_FOUND)
            goto out;
    }
    err = next_seq(store, device, &seq, msg, msglen);
    if (err)
        goto out;
    if (ev->ref_seq) {
        err = find_event(store, ev->ref_device, ev->ref_seq, &exists, NULL, msg, msglen);
        if (err)
            goto out;
        if (!exists) {
            ld_store__msg(msg, msglen, "event: ref: no event %s:%" PRId64 " to refer to",
                          ev->ref_device, ev->ref_seq);
            err = LD_ERR_NOT_FOUND;
            goto out;
        }
    }
    err = find_uuid(store, uuid, &exists, key, sizeof key, msg, msglen);
    if (err)
        goto out;
    if (exists) {
        ld_store__msg(msg, msglen, "event: uuid: %s is already event %s", uuid, key);
        err = LD_ERR_DUPLICATE;
        goto out;
    }
    char sum[LD_EVENT_SUM_LEN + 1];
    err = insert_event(store, ev, device, seq, uuid, sum, msg, msglen);
    if (err)
        goto out;
    /* Durable from here: synchronous=FULL syncs the WAL before COMMIT returns. */
    err = ld_store__commit(store, msg, msglen);
    if (err)
        goto out;
    memcpy(ev->device_id, device, strlen(device) + 1);
    ev->seq = seq;
    memcpy(ev->uuid, uuid, sizeof uuid);
    memcpy(ev->sum, sum, sizeof sum);
out:
    ld_store__rollback(store); /* after a commit there is nothing left to roll back */
    return err;
}

ld_err ld_store_append_event(struct ld_store *store, struct ld_event *ev, char *msg, size_t msglen)
{
    return append(store, ev, NULL, msg, msglen);
}

ld_err ld_store_append_arrival(struct ld_store *store, struct ld_event *ev, int64_t from_ms,
                               int64_t to_ms, bool *already, struct ld_event *earlier,
                               int64_t *earlier_ms, char *msg, size_t msglen)
{
    struct arrival_guard guard = {.from_ms = from_ms, .to_ms = to_ms};
    if (!ev || ev->kind != LD_EV_ARRIVAL || !already || !earlier) {
        ld_store__msg(msg, msglen, "store: append arrival: no arrival or no result given");
        return LD_ERR_INVALID;
    }
    ld_err err = append(store, ev, &guard, msg, msglen);
    if (err)
        return err;
    *already = guard.already;
    if (guard.already) {
        *earlier = guard.earlier;
        if (earlier_ms)
            *earlier_ms = guard.earlier_ms;
    }
    return LD_OK;
}

/*
 * Inserts the checked foreign event ev inside the caller's write transaction, or finds it
 * already here (*inserted false). LD_ERR_DUPLICATE, naming it, when it clashes.
 */
static ld_err insert_foreign_locked(struct ld_store *store, const struct ld_event *ev,
                                    bool *inserted, char *msg, size_t msglen)
{
    struct ld_event old;
    char key[LD_DEVICE_ID_MAX + 32];
    bool exists = false;
    *inserted = false;
    ld_err err = find_event(store, ev->device_id, ev->seq, &exists, &old, msg, msglen);
    if (err)
        return err;
    if (exists) {
        if (strcmp(old.uuid, ev->uuid) != 0) {
            ld_store__msg(msg, msglen, "event %s:%" PRId64 ": already here with UUID %s, not %s",
                          ev->device_id, ev->seq, old.uuid, ev->uuid);
            return LD_ERR_DUPLICATE;
        }
        if (!same_event(&old, ev)) {
            ld_store__msg(msg, msglen,
                          "event %s:%" PRId64 ": already here with UUID %s and other content",
                          ev->device_id, ev->seq, ev->uuid);
            return LD_ERR_DUPLICATE;
        }
        return LD_OK; /* the same event again: nothing to write */
    }
    err = find_uuid(store, ev->uuid, &exists, key, sizeof key, msg, msglen);
    if (err)
        return err;
    if (exists) {
        ld_store__msg(msg, msglen, "event %s:%" PRId64 ": its UUID %s is already event %s",
                      ev->device_id, ev->seq, ev->uuid, key);
        return LD_ERR_DUPLICATE;
    }
    err = insert_event(store, ev, ev->device_id, ev->seq, ev->uuid, NULL, msg, msglen);
    if (!err)
        *inserted = true;
    return err;
}

ld_err ld_store_insert_foreign_event(struct ld_store *store, const struct ld_event *ev,
                                     bool *inserted, char *msg, size_t msglen)
{
    size_t n = 0;
    ld_err err = ld_store_insert_foreign_events(store, ev, 1, &n, msg, msglen);
    if (!err && inserted)
        *inserted = n == 1;
    return err;
}

ld_err ld_store_insert_foreign_events(struct ld_store *store, const struct ld_event *ev, size_t n,
                                      size_t *inserted, char *msg, size_t msglen)
{
    size_t count = 0;
    if (!store || (n && !ev)) {
        ld_store__msg(msg, msglen, "store: insert event: no store or events given");
        return LD_ERR_INVALID;
    }
    if (n > LD_STORE_FOREIGN_BATCH_MAX) {
        ld_store__msg(msg, msglen, "store: insert events: %zu is more than %d at once", n,
                      LD_STORE_FOREIGN_BATCH_MAX);
        return LD_ERR_RANGE;
    }
    /* Every event is checked before the write lock is taken, with its checksum when given. */
    for (size_t i = 0; i < n; i++) {
        ld_err err = check_event(&ev[i], true, msg, msglen);
        if (err)
            return err;
        if (ev[i].sum[0] && !sum_matches(store, &ev[i], msg, msglen)) {
            ld_store__msg(msg, msglen,
                          "event %s #%" PRId64 " (given to store it): its fields do not give its "
                          "checksum: changed on the way or at the central store; nothing stored",
                          ev[i].device_id, ev[i].seq);
            return LD_ERR_CORRUPT;
        }
    }
    if (n == 0) {
        if (inserted)
            *inserted = 0;
        return LD_OK;
    }
    ld_err err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    for (size_t i = 0; !err && i < n; i++) {
        bool one = false;
        err = insert_foreign_locked(store, &ev[i], &one, msg, msglen);
        count += one;
    }
    if (!err)
        err = ld_store__commit(store, msg, msglen);
    ld_store__rollback(store); /* after a commit there is nothing left to roll back */
    if (!err && inserted)
        *inserted = count;
    return err;
}

/* ---- queries ---- */

static ld_err check_filter(const struct ld_event_filter *f, char *msg, size_t msglen)
{
    if (!f)
        return LD_OK;
    if (f->device_id && f->device_id[0] &&
        !ld_store__is_token(f->device_id, LD_DEVICE_ID_MAX, "._-")) {
        ld_store__msg(msg, msglen, "event filter: device_id: not a device id");
        return LD_ERR_INVALID;
    }
    if (f->upn && strnlen(f->upn, LD_UPN_LEN + 1) > LD_UPN_LEN) {
        ld_store__msg(msg, msglen, "event filter: upn: longer than %d bytes", LD_UPN_LEN);
        return LD_ERR_RANGE;
    }
    if (f->after_seq < 0 || f->from_ms < 0 || f->to_ms < 0) {
        ld_store__msg(msg, msglen,
                      "event filter: after_seq, from_ms and to_ms must not be negative");
        return LD_ERR_RANGE;
    }
    unsigned all = 0;
    for (int k = LD_EV_ARRIVAL; k <= LD_EV_KIND_MAX; k++)
        all |= 1u << k;
    if (f->kinds & ~all) {
        ld_store__msg(msg, msglen, "event filter: kinds: 0x%x has bits of no event kind", f->kinds);
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

/* Writes "SELECT what FROM events WHERE ..." for filter f into sql (order and limit optional). */
static void filter_sql(const struct ld_event_filter *f, const char *what, bool order, char *sql,
                       size_t len)
{
    size_t n = (size_t)snprintf(sql, len, "SELECT %s FROM events WHERE 1", what);
#define ADD(...) (n += (size_t)snprintf(sql + n, n < len ? len - n : 0, __VA_ARGS__))
    if (f && f->device_id && f->device_id[0])
        ADD(" AND device_id = ?1");
    if (f && f->after_seq)
        ADD(" AND seq > ?2");
    if (f && f->from_ms)
        ADD(" AND at_ms >= ?3");
    if (f && f->to_ms)
        ADD(" AND at_ms < ?4");
    if (f && f->upn && f->upn[0])
        ADD(" AND upn = ?5");
    if (f && f->kinds)
        ADD(" AND ((1 << kind) & ?6) != 0");
    if (order)
        ADD(f && f->device_id && f->device_id[0] ? " ORDER BY seq"
                                                 : " ORDER BY at_ms, device_id, seq");
    if (order && f && f->limit)
        ADD(" LIMIT ?7");
#undef ADD
}

/* Binds the parameters filter_sql wrote. */
static int bind_filter(sqlite3_stmt *st, const struct ld_event_filter *f, bool order)
{
    int rc = SQLITE_OK;
    if (!f)
        return rc;
    if (f->device_id && f->device_id[0])
        rc = sqlite3_bind_text(st, 1, f->device_id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && f->after_seq)
        rc = sqlite3_bind_int64(st, 2, f->after_seq);
    if (rc == SQLITE_OK && f->from_ms)
        rc = sqlite3_bind_int64(st, 3, f->from_ms);
    if (rc == SQLITE_OK && f->to_ms)
        rc = sqlite3_bind_int64(st, 4, f->to_ms);
    if (rc == SQLITE_OK && f->upn && f->upn[0])
        rc = sqlite3_bind_text(st, 5, f->upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && f->kinds)
        rc = sqlite3_bind_int64(st, 6, (sqlite3_int64)f->kinds);
    if (rc == SQLITE_OK && order && f->limit)
        rc = sqlite3_bind_int64(st, 7, f->limit > INT64_MAX ? INT64_MAX : (int64_t)f->limit);
    return rc;
}

ld_err ld_store_events_foreach(struct ld_store *store, const struct ld_event_filter *filter,
                               ld_store_event_fn fn, void *ctx, char *msg, size_t msglen)
{
    char sql[512];
    sqlite3_stmt *st = NULL;
    struct ld_event ev;

    if (!store || !fn) {
        ld_store__msg(msg, msglen, "store: events: no store or no callback given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_filter(filter, msg, msglen);
    if (err)
        return err;
    filter_sql(filter, EVENT_COLS, true, sql, sizeof sql);
    err = ld_store__prepare(store, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = bind_filter(st, filter, true);
    if (rc != SQLITE_OK) {
        err = ld_store__sqlite_err(store, rc, "list events", msg, msglen);
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = row_to_event(store, st, &ev, msg, msglen);
        if (!err)
            err = fn(ctx, &ev);
        if (err)
            goto out;
    }
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "list events", msg, msglen);
out:
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_events_count(struct ld_store *store, const struct ld_event_filter *filter,
                             uint64_t *count, char *msg, size_t msglen)
{
    char sql[512];
    sqlite3_stmt *st = NULL;

    if (!store || !count) {
        ld_store__msg(msg, msglen, "store: count events: no store or no result given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_filter(filter, msg, msglen);
    if (err)
        return err;
    filter_sql(filter, "count(*)", false, sql, sizeof sql);
    err = ld_store__prepare(store, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = bind_filter(st, filter, false);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *count = (uint64_t)sqlite3_column_int64(st, 0);
    else
        err = ld_store__sqlite_err(store, rc, "count events", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_last_event_ms(struct ld_store *store, int64_t *at_ms, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;

    if (!store || !at_ms) {
        ld_store__msg(msg, msglen, "store: last event: no store or no result given");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__prepare(
        store, "SELECT max(at_ms) FROM events WHERE device_id = ?1 AND clock = 0 AND source != 4",
        &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, ld_store__device(store), -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *at_ms =
            sqlite3_column_type(st, 0) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, 0);
    else
        err = ld_store__sqlite_err(store, rc, "read the last event time", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_first_arrival(struct ld_store *store, const char *upn, int64_t from_ms,
                              int64_t to_ms, struct ld_event *ev, int64_t *effective_ms, char *msg,
                              size_t msglen)
{
    if (!store || !upn || !ev) {
        ld_store__msg(msg, msglen, "store: first arrival: no store, UPN or result given");
        return LD_ERR_INVALID;
    }
    return first_arrival_locked(store, upn, from_ms, to_ms, ev, effective_ms, msg, msglen);
}

/* ld_store_first_arrival, inside the caller's transaction when there is one. */
static ld_err first_arrival_locked(struct ld_store *store, const char *upn, int64_t from_ms,
                                   int64_t to_ms, struct ld_event *ev, int64_t *effective_ms,
                                   char *msg, size_t msglen)
{
    /* A void or clock_repair refers to its target by (ref_device, ref_seq): events_ref. */
    static const char sql[] =
        "SELECT " EVENT_COLS_E ", coalesce((SELECT r.fixed_at_ms FROM events r"
        "  WHERE r.ref_device = e.device_id AND r.ref_seq = e.seq AND r.ref_seq > 0"
        "    AND r.kind = 7 ORDER BY r.at_ms DESC, r.device_id DESC, r.seq DESC LIMIT 1),"
        "  e.at_ms) AS effective"
        " FROM events e"
        " WHERE e.upn = ?1 AND e.kind = 1"
        "  AND NOT EXISTS (SELECT 1 FROM events v WHERE v.ref_device = e.device_id"
        "    AND v.ref_seq = e.seq AND v.ref_seq > 0 AND v.kind = 5)"
        "  AND effective >= ?2 AND effective < ?3"
        " ORDER BY effective, e.device_id, e.seq LIMIT 1";
    sqlite3_stmt *st = NULL;
    struct ld_event found;

    if (strnlen(upn, LD_UPN_LEN + 1) != LD_UPN_LEN || ld_upn_check(upn, NULL) == LD_UPN_MALFORMED) {
        ld_store__msg(msg, msglen, "store: first arrival: upn: not a UPN");
        return LD_ERR_INVALID;
    }
    if (from_ms >= to_ms) {
        ld_store__msg(msg, msglen,
                      "store: first arrival: the range [%" PRId64 ", %" PRId64 ") is empty",
                      from_ms, to_ms);
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__prepare(store, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, from_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 3, to_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        ld_store__msg(msg, msglen, "store: no arrival of %s in that time", upn);
        err = LD_ERR_NOT_FOUND;
    } else if (rc != SQLITE_ROW) {
        err = ld_store__sqlite_err(store, rc, "find the first arrival", msg, msglen);
    } else {
        err = row_to_event(store, st, &found, msg, msglen);
        if (!err) {
            *ev = found;
            if (effective_ms)
                *effective_ms = sqlite3_column_int64(st, 17);
        }
    }
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_check(struct ld_store *store, struct ld_store_check_report *out, char *msg,
                      size_t msglen)
{
    sqlite3_stmt *st = NULL;
    struct ld_store_check_report r = {0};
    struct ld_event ev;
    if (!store || !out) {
        ld_store__msg(msg, msglen, "store: check: no store or no report given");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__prepare(store, "PRAGMA integrity_check(8)", &st, msg, msglen);
    if (err)
        return err;
    int rc;
    size_t used = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (used < sizeof r.integrity - 1)
            used += (size_t)snprintf(r.integrity + used, sizeof r.integrity - used, "%s%s",
                                     used ? "; " : "", t ? (const char *)t : "?");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE)
        return ld_store__sqlite_err(store, rc, "integrity check", msg, msglen);

    /* Every event, in the store's order, each checked; a bad one is counted, not fatal. */
    err = ld_store__prepare(store, "SELECT " EVENT_COLS " FROM events ORDER BY device_id, seq", &st,
                            msg, msglen);
    if (err)
        return err;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char why[512];
        r.events++;
        ld_err e = row_to_event_raw(store, st, &ev, why, sizeof why);
        if (e == LD_ERR_NOMEM)
            err = e;
        else if (e || !sum_matches(store, &ev, why, sizeof why)) {
            if (r.bad < LD_STORE_CHECK_SHOWN)
                snprintf(r.problems[r.bad], sizeof r.problems[0], "%s", why);
            r.bad++;
        }
    }
    if (!err && rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "check the events", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        *out = r;
    return err;
}
