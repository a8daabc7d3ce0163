/*
 * central_office.c: the office application's records and audit lines (schema version 5, branch
 * office-app): their checks and their row decoders, shared by central.c and both backends.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "central_backend.h"

#define BAD(err, ...) central__fail(err, msg, msglen, __VA_ARGS__)

/* Returns true when s is 1..LD_CENTRAL_OREC_KEY_MAX bytes of [A-Za-z0-9._@:/-]. */
static bool key_ok(const char *s)
{
    size_t n = strnlen(s, LD_CENTRAL_OREC_KEY_MAX + 1);
    if (n == 0 || n > LD_CENTRAL_OREC_KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("._@:/-", s[i])))
            return false;
    return true;
}

/* Checks rec; where starts the message ("office record" or a row's name). */
static ld_err orec_ok(const struct ld_central_orec *rec, const char *where, char *msg,
                      size_t msglen)
{
    if (rec->kind < 1 || rec->kind > LD_OREC_KIND_MAX)
        return BAD(LD_ERR_INVALID, "%s: field kind: %d is not 1..%d", where, rec->kind,
                   LD_OREC_KIND_MAX);
    if (!key_ok(rec->key))
        return BAD(LD_ERR_INVALID, "%s: field key: not 1..%d of letters, digits and . _ @ : / -",
                   where, LD_CENTRAL_OREC_KEY_MAX);
    if (rec->school[0] && !central__id_ok(rec->school))
        return BAD(LD_ERR_INVALID, "%s: field school: not a school id", where);
    if (rec->updated_ms < 0)
        return BAD(LD_ERR_INVALID, "%s: field updated_ms: negative", where);
    return central__text_ok(rec->value, LD_CENTRAL_OREC_VALUE_MAX, false, where, "value", msg,
                            msglen);
}

ld_err ld_central_orec_check(const struct ld_central_orec *rec, char *msg, size_t msglen)
{
    if (!rec)
        return BAD(LD_ERR_INVALID, "office record: none given");
    return orec_ok(rec, "office record", msg, msglen);
}

bool central__orec_key_ok(const char *key)
{
    return key && key_ok(key);
}

ld_err central__audit_ok(const char *school, const char *who, const char *what, char *msg,
                         size_t msglen)
{
    if (!school || (school[0] && !central__id_ok(school)))
        return BAD(LD_ERR_INVALID, "audit: field school: not a school id");
    if (!who || !what)
        return BAD(LD_ERR_INVALID, "audit: who and what are required");
    ld_err err = central__text_ok(who, LD_CENTRAL_STAFF_MAX, true, "audit", "who", msg, msglen);
    if (!err)
        err = central__text_ok(what, LD_CENTRAL_AUDIT_WHAT_MAX, true, "audit", "what", msg, msglen);
    return err;
}

ld_err central__row_orec(const struct central__row *r, struct ld_central_orec *out, char *msg,
                         size_t msglen)
{
    int64_t kind = 0;
    ld_err err;
    memset(out, 0, sizeof *out);
    if ((err = central__row_int(r, 0, 1, LD_OREC_KIND_MAX, &kind, "office_records row", "kind", msg,
                                msglen)) ||
        (err = central__row_str(r, 1, out->key, sizeof out->key, false, "office_records row", "key",
                                msg, msglen)))
        return err;
    out->kind = (int)kind;
    char where[LD_CENTRAL_OREC_KEY_MAX + 40];
    snprintf(where, sizeof where, "office_records row %d/%s", out->kind, out->key);
    if ((err = central__row_str(r, 2, out->school, sizeof out->school, false, where, "school_id",
                                msg, msglen)) ||
        (err = central__row_str(r, 3, out->value, sizeof out->value, false, where, "value", msg,
                                msglen)) ||
        (err = central__row_int(r, 4, 0, INT64_MAX, &out->updated_ms, where, "updated_ms", msg,
                                msglen)))
        return err;
    err = orec_ok(out, where, msg, msglen);
    return err == LD_OK ? LD_OK : LD_ERR_CORRUPT;
}

ld_err central__row_audit(const struct central__row *r, struct ld_central_audit *out, char *msg,
                          size_t msglen)
{
    ld_err err;
    memset(out, 0, sizeof *out);
    if ((err = central__row_int(r, 0, 1, INT64_MAX, &out->seq, "office_audit row", "seq", msg,
                                msglen)))
        return err;
    char where[64];
    snprintf(where, sizeof where, "office_audit row %" PRId64, out->seq);
    if ((err = central__row_int(r, 1, 0, INT64_MAX, &out->at_ms, where, "at_ms", msg, msglen)) ||
        (err = central__row_str(r, 2, out->school, sizeof out->school, false, where, "school_id",
                                msg, msglen)) ||
        (err =
             central__row_str(r, 3, out->who, sizeof out->who, false, where, "who", msg, msglen)) ||
        (err = central__row_str(r, 4, out->what, sizeof out->what, false, where, "what", msg,
                                msglen)))
        return err;
    err = central__audit_ok(out->school, out->who, out->what, msg, msglen);
    return err == LD_OK ? LD_OK : LD_ERR_CORRUPT;
}
