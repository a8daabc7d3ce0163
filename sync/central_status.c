/*
 * central_status.c: each kiosk's last report of its health (schema version 9, branch
 * office-devices): its checks and its row decoder, shared by central.c and both backends.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "central_backend.h"

#define BAD(err, ...) central__fail(err, msg, msglen, __VA_ARGS__)

/* 9999-12-31T23:59:59.999Z, the last instant an event may carry too. */
#define STATUS_MAX_MS INT64_C(253402300799999)

/* True when s is 1..LD_CENTRAL_VERSION_MAX bytes of [A-Za-z0-9._+~-]. */
static bool version_ok(const char *s)
{
    size_t n = strnlen(s, LD_CENTRAL_VERSION_MAX + 1);
    if (n == 0 || n > LD_CENTRAL_VERSION_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("._+~-", s[i])))
            return false;
    return true;
}

ld_err central__status_ok(const struct ld_central_device_status *st, const char *where, char *msg,
                          size_t msglen)
{
    struct {
        const char *name;
        int64_t v;
    } times[] = {{"device_ms", st->device_ms},
                 {"oldest_pending_ms", st->oldest_pending_ms},
                 {"last_sync_ms", st->last_sync_ms},
                 {"last_error_ms", st->last_error_ms},
                 {"reader_ms", st->reader_ms}};
    if (!memchr(st->school, 0, sizeof st->school) || !central__id_ok(st->school))
        return BAD(LD_ERR_INVALID, "%s: field school: not a school id", where);
    if (!memchr(st->device_id, 0, sizeof st->device_id) || !central__id_ok(st->device_id))
        return BAD(LD_ERR_INVALID, "%s: field device_id: not a device id", where);
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (times[i].v < 0 || times[i].v > STATUS_MAX_MS)
            return BAD(LD_ERR_INVALID, "%s: field %s: %" PRId64 " is out of range", where,
                       times[i].name, times[i].v);
    if (st->pending < 0)
        return BAD(LD_ERR_INVALID, "%s: field pending: %" PRId64 " is negative", where,
                   st->pending);
    if ((st->pending == 0) != (st->oldest_pending_ms == 0))
        return BAD(LD_ERR_INVALID,
                   "%s: field oldest_pending_ms: set exactly when events are waiting", where);
    if (st->clock_state < 0 || st->clock_state > 3)
        return BAD(LD_ERR_INVALID, "%s: field clock_state: %d is not 0..3", where, st->clock_state);
    if (!memchr(st->version, 0, sizeof st->version) || !version_ok(st->version))
        return BAD(LD_ERR_INVALID, "%s: field version: not 1..%d of letters, digits and . _ + ~ -",
                   where, LD_CENTRAL_VERSION_MAX);
    ld_err err = memchr(st->last_error, 0, sizeof st->last_error)
                     ? central__text_ok(st->last_error, LD_CENTRAL_STATUS_ERROR_MAX, false, where,
                                        "last_error", msg, msglen)
                     : BAD(LD_ERR_RANGE, "%s: field last_error: not terminated", where);
    if (!err)
        err = memchr(st->reader, 0, sizeof st->reader)
                  ? central__text_ok(st->reader, LD_CENTRAL_READER_MAX, true, where, "reader", msg,
                                     msglen)
                  : BAD(LD_ERR_RANGE, "%s: field reader: not terminated", where);
    if (!err && (st->last_error[0] == '\0') != (st->last_error_ms == 0))
        err = BAD(LD_ERR_INVALID, "%s: field last_error_ms: set exactly when there is an error",
                  where);
    return err;
}

ld_err ld_central_status_check(const struct ld_central_device_status *st, char *msg, size_t msglen)
{
    if (!st)
        return BAD(LD_ERR_INVALID, "device status: none given");
    return central__status_ok(st, "device status", msg, msglen);
}

ld_err central__row_status(const struct central__row *r, struct ld_central_device_status *out,
                           char *msg, size_t msglen)
{
    ld_err err;
    int64_t disabled = 0, reported = 0, clock = 0;
    char where[96];
    memset(out, 0, sizeof *out);
    if ((err = central__row_str(r, 0, out->device_id, sizeof out->device_id, false, "devices row",
                                "id", msg, msglen)))
        return err;
    snprintf(where, sizeof where, "device_status row %s", out->device_id);
    if ((err = central__row_str(r, 1, out->school, sizeof out->school, false, where, "school_id",
                                msg, msglen)) ||
        (err = central__row_int(r, 2, 0, 1, &disabled, where, "disabled", msg, msglen)) ||
        (err = central__row_int(r, 3, 0, 1, &reported, where, "reported", msg, msglen)) ||
        (err = central__row_int(r, 4, 0, STATUS_MAX_MS, &out->device_ms, where, "device_ms", msg,
                                msglen)) ||
        (err = central__row_int(r, 5, 0, INT64_MAX, &out->received_ms, where, "received_ms", msg,
                                msglen)) ||
        (err =
             central__row_int(r, 6, 0, INT64_MAX, &out->pending, where, "pending", msg, msglen)) ||
        (err = central__row_int(r, 7, 0, STATUS_MAX_MS, &out->oldest_pending_ms, where,
                                "oldest_pending_ms", msg, msglen)) ||
        (err = central__row_int(r, 8, 0, STATUS_MAX_MS, &out->last_sync_ms, where, "last_sync_ms",
                                msg, msglen)) ||
        (err = central__row_str(r, 9, out->last_error, sizeof out->last_error, false, where,
                                "last_error", msg, msglen)) ||
        (err = central__row_int(r, 10, 0, STATUS_MAX_MS, &out->last_error_ms, where,
                                "last_error_ms", msg, msglen)) ||
        (err = central__row_int(r, 11, 0, 3, &clock, where, "clock_state", msg, msglen)) ||
        (err = central__row_str(r, 12, out->reader, sizeof out->reader, false, where, "reader", msg,
                                msglen)) ||
        (err = central__row_int(r, 13, 0, STATUS_MAX_MS, &out->reader_ms, where, "reader_ms", msg,
                                msglen)) ||
        (err = central__row_str(r, 14, out->version, sizeof out->version, false, where, "version",
                                msg, msglen)))
        return err;
    out->disabled = disabled != 0;
    out->reported = reported != 0;
    out->clock_state = (int)clock;
    if (out->reported)
        err = central__status_ok(out, where, msg, msglen);
    else if (!central__id_ok(out->device_id) || !central__id_ok(out->school))
        err = BAD(LD_ERR_CORRUPT, "%s: not a device id or school id", where);
    return err == LD_OK ? LD_OK : LD_ERR_CORRUPT;
}
