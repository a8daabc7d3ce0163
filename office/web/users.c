/* users.c: the office application's people, kept as office records of the central store. */
#include "users.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FAIL(err, ...) (snprintf(msg, msglen, __VA_ARGS__), (err))

static const char *const role_names[] = {NULL, "office", "lead", "head", "technician"};

const char *ld_user_role_name(enum ld_user_role role)
{
    return role >= LD_ROLE_OFFICE && role <= LD_ROLE_TECH ? role_names[role] : "?";
}

bool ld_user_role_parse(const char *s, enum ld_user_role *out)
{
    for (int r = LD_ROLE_OFFICE; s && r <= LD_ROLE_TECH; r++)
        if (!strcmp(s, role_names[r])) {
            *out = (enum ld_user_role)r;
            return true;
        }
    return false;
}

bool ld_user_name_ok(const char *s)
{
    size_t n = s ? strnlen(s, LD_USER_NAME_MAX + 1) : 0;
    if (n == 0 || n > LD_USER_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
            return false;
    return true;
}

int64_t ld_user_backoff_ms(int fails)
{
    if (fails < LD_USER_SLOW_AFTER)
        return 0;
    int64_t ms = 1000;
    for (int i = LD_USER_SLOW_AFTER; i < fails && ms < 60000; i++)
        ms *= 2;
    return ms < 60000 ? ms : 60000;
}

/* Encodes u as the record's JSON value. */
static ld_err encode(const struct ld_user *u, int64_t now_ms, struct ld_central_orec *rec,
                     char *msg, size_t msglen)
{
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    ld_err err = LD_OK;
    if (!o || !cJSON_AddStringToObject(o, "role", ld_user_role_name(u->role)) ||
        !cJSON_AddStringToObject(o, "hash", u->hash) ||
        !cJSON_AddNumberToObject(o, "fails", u->fails) ||
        !cJSON_AddNumberToObject(o, "last_fail_ms", (double)u->last_fail_ms) ||
        !cJSON_AddBoolToObject(o, "locked", u->locked) ||
        !cJSON_AddBoolToObject(o, "disabled", u->disabled) || !(text = cJSON_PrintUnformatted(o)))
        err = FAIL(LD_ERR_NOMEM, "user %s: out of memory", u->name);
    else if (strlen(text) > LD_CENTRAL_OREC_VALUE_MAX)
        err = FAIL(LD_ERR_RANGE, "user %s: record too long", u->name);
    if (!err) {
        memset(rec, 0, sizeof *rec);
        rec->kind = LD_OREC_USER;
        snprintf(rec->key, sizeof rec->key, "%s", u->name);
        snprintf(rec->school, sizeof rec->school, "%s", u->school);
        snprintf(rec->value, sizeof rec->value, "%s", text);
        rec->updated_ms = now_ms;
    }
    cJSON_free(text);
    cJSON_Delete(o);
    return err;
}

/* Decodes a user record; a record that does not hold a user is LD_ERR_CORRUPT naming it. */
static ld_err decode(const struct ld_central_orec *rec, struct ld_user *u, char *msg, size_t msglen)
{
    cJSON *o = cJSON_Parse(rec->value);
    const cJSON *role = cJSON_GetObjectItemCaseSensitive(o, "role");
    const cJSON *hash = cJSON_GetObjectItemCaseSensitive(o, "hash");
    const cJSON *fails = cJSON_GetObjectItemCaseSensitive(o, "fails");
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(o, "last_fail_ms");
    const cJSON *locked = cJSON_GetObjectItemCaseSensitive(o, "locked");
    const cJSON *disabled = cJSON_GetObjectItemCaseSensitive(o, "disabled");
    ld_err err = LD_OK;
    memset(u, 0, sizeof *u);
    if (!cJSON_IsString(role) || !ld_user_role_parse(role->valuestring, &u->role) ||
        !cJSON_IsString(hash) || strlen(hash->valuestring) >= sizeof u->hash ||
        !cJSON_IsNumber(fails) || fails->valuedouble < 0 || fails->valuedouble > 1000 ||
        !cJSON_IsNumber(last) || !cJSON_IsBool(locked) || !cJSON_IsBool(disabled) ||
        !ld_user_name_ok(rec->key))
        err = FAIL(LD_ERR_CORRUPT, "office_records user %.40s: not a user record", rec->key);
    if (!err) {
        snprintf(u->name, sizeof u->name, "%.32s", rec->key);
        snprintf(u->school, sizeof u->school, "%s", rec->school);
        snprintf(u->hash, sizeof u->hash, "%s", hash->valuestring);
        u->fails = (int)fails->valuedouble;
        u->last_fail_ms = (int64_t)last->valuedouble;
        u->locked = cJSON_IsTrue(locked);
        u->disabled = cJSON_IsTrue(disabled);
    }
    cJSON_Delete(o);
    return err;
}

static ld_err save(struct ld_central *c, const struct ld_user *u, bool only_new, int64_t now_ms,
                   char *msg, size_t msglen)
{
    struct ld_central_orec rec;
    ld_err err = encode(u, now_ms, &rec, msg, msglen);
    if (!err)
        err = only_new ? ld_central_orec_add(c, &rec, msg, msglen)
                       : ld_central_orec_put(c, &rec, msg, msglen);
    return err;
}

static ld_err hash_password(const char *password, char out[crypto_pwhash_STRBYTES], char *msg,
                            size_t msglen)
{
    size_t n = password ? strnlen(password, LD_USER_PASSWORD_MAX + 1) : 0;
    if (n < LD_USER_PASSWORD_MIN || n > LD_USER_PASSWORD_MAX)
        return FAIL(LD_ERR_INVALID, "the password must be %d to %d characters long",
                    LD_USER_PASSWORD_MIN, LD_USER_PASSWORD_MAX);
    if (sodium_init() < 0 ||
        crypto_pwhash_str_alg(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
        return FAIL(LD_ERR_NOMEM, "the password could not be hashed (out of memory)");
    return LD_OK;
}

/* Appends "WHAT" to the audit as by, for school. */
static ld_err audit(struct ld_central *c, const char *school, const char *by, int64_t now_ms,
                    const char *what, char *msg, size_t msglen)
{
    return ld_central_audit_add(c, school, by, what, now_ms, msg, msglen);
}

ld_err ld_user_add(struct ld_central *c, const char *name, enum ld_user_role role,
                   const char *school, const char *password, const char *by, int64_t now_ms,
                   char *msg, size_t msglen)
{
    struct ld_user u = {.role = role};
    struct ld_central_school s;
    char what[128];
    ld_err err = LD_OK;
    if (!ld_user_name_ok(name))
        return FAIL(LD_ERR_INVALID,
                    "user name \"%.40s\": 1 to %d letters, digits, . _ @ - (such as j.fenwick)",
                    name ? name : "", LD_USER_NAME_MAX);
    if (role < LD_ROLE_OFFICE || role > LD_ROLE_TECH)
        return FAIL(LD_ERR_INVALID, "user %s: unknown role", name);
    if (!school || (!school[0] && role != LD_ROLE_TECH))
        return FAIL(LD_ERR_INVALID, "user %s: a %s works for one school: name it", name,
                    ld_user_role_name(role));
    if (school[0] && (err = ld_central_school_get(c, school, &s, msg, msglen)))
        return err;
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.school, sizeof u.school, "%s", school);
    if ((err = hash_password(password, u.hash, msg, msglen)) ||
        (err = save(c, &u, true, now_ms, msg, msglen)))
        goto out;
    snprintf(what, sizeof what, "user %s added (%s)", name, ld_user_role_name(role));
    err = audit(c, school, by, now_ms, what, msg, msglen);
out:
    sodium_memzero(u.hash, sizeof u.hash);
    return err;
}

ld_err ld_user_get(struct ld_central *c, const char *name, struct ld_user *out, char *msg,
                   size_t msglen)
{
    struct ld_central_orec rec;
    if (!ld_user_name_ok(name))
        return FAIL(LD_ERR_NOT_FOUND, "no such user");
    ld_err err = ld_central_orec_get(c, LD_OREC_USER, name, &rec, msg, msglen);
    if (!err)
        err = decode(&rec, out, msg, msglen);
    return err;
}

ld_err ld_user_reset(struct ld_central *c, const char *name, const char *password, const char *by,
                     int64_t now_ms, char *msg, size_t msglen)
{
    struct ld_user u;
    char what[128];
    ld_err err = ld_user_get(c, name, &u, msg, msglen);
    if (!err)
        err = hash_password(password, u.hash, msg, msglen);
    if (err)
        return err;
    u.fails = 0;
    u.last_fail_ms = 0;
    u.locked = u.disabled = false;
    snprintf(what, sizeof what, "user %s: password reset, lock cleared", name);
    if (!(err = save(c, &u, false, now_ms, msg, msglen)))
        err = audit(c, u.school, by, now_ms, what, msg, msglen);
    return err;
}

ld_err ld_user_disable(struct ld_central *c, const char *name, const char *by, int64_t now_ms,
                       char *msg, size_t msglen)
{
    struct ld_user u;
    char what[128];
    ld_err err = ld_user_get(c, name, &u, msg, msglen);
    if (err)
        return err;
    u.disabled = true;
    snprintf(what, sizeof what, "user %s disabled", name);
    if (!(err = save(c, &u, false, now_ms, msg, msglen)))
        err = audit(c, u.school, by, now_ms, what, msg, msglen);
    return err;
}

ld_err ld_user_sign_in(struct ld_central *c, const char *name, const char *password, int64_t now_ms,
                       struct ld_user *out, char *msg, size_t msglen)
{
    static const char wrong[] = "That name and password do not match.";
    struct ld_user u;
    char what[160];
    size_t plen = password ? strnlen(password, LD_USER_PASSWORD_MAX + 1) : 0;
    ld_err err = ld_user_get(c, name, &u, msg, msglen);
    if (err == LD_ERR_NOT_FOUND) {
        /* the same work as for a real account, so the time taken does not tell names apart */
        char dummy[crypto_pwhash_STRBYTES];
        (void)hash_password("not-a-password-of-anyone", dummy, msg, msglen);
        return FAIL(LD_ERR_AUTH, "%s", wrong);
    }
    if (err)
        return err;
    if (u.disabled || u.locked)
        return FAIL(LD_ERR_STATE, "This account is %s. Ask your technician to reset it.",
                    u.disabled ? "disabled" : "locked after too many wrong passwords");
    int64_t wait = u.last_fail_ms + ld_user_backoff_ms(u.fails) - now_ms;
    if (wait > 0)
        return FAIL(LD_ERR_BUSY,
                    "Too many wrong passwords: wait %" PRId64 " seconds and try again.",
                    (wait + 999) / 1000);
    bool ok = plen > 0 && plen <= LD_USER_PASSWORD_MAX &&
              crypto_pwhash_str_verify(u.hash, password, plen) == 0;
    if (ok) {
        bool was = u.fails != 0;
        u.fails = 0;
        u.last_fail_ms = 0;
        if ((was && (err = save(c, &u, false, now_ms, msg, msglen))) ||
            (err = audit(c, u.school, u.name, now_ms, "signed in", msg, msglen)))
            return err;
        *out = u;
        return LD_OK;
    }
    u.fails++;
    u.last_fail_ms = now_ms;
    u.locked = u.fails >= LD_USER_LOCK_AFTER;
    snprintf(what, sizeof what, "wrong password (%d in a row)%s", u.fails,
             u.locked ? ": account locked" : "");
    if ((err = save(c, &u, false, now_ms, msg, msglen)) ||
        (err = audit(c, u.school, u.name, now_ms, what, msg, msglen)))
        return err;
    if (u.locked)
        return FAIL(LD_ERR_STATE, "This account is locked after too many wrong passwords. Ask "
                                  "your technician to reset it.");
    return FAIL(LD_ERR_AUTH, "%s", wrong);
}
