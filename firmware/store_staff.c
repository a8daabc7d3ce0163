/* store_staff.c: staff members, their PIN hashes (stored only, never checked here) and cards. */
#include "store.h"

#include <sqlite3.h>
#include <string.h>

#define STAFF_COLS "id, name, pin_hash, card, role, active"

/* libsodium's crypto_pwhash_str() output for Argon2id begins with this. */
#define ARGON2ID_PREFIX "$argon2id$"

static ld_err check_staff(const struct ld_staff *s, char *msg, size_t msglen)
{
    if (!s) {
        ld_store__msg(msg, msglen, "staff: none given");
        return LD_ERR_INVALID;
    }
    if (strnlen(s->id, sizeof s->id) == sizeof s->id) {
        ld_store__msg(msg, msglen, "staff: id: longer than %d bytes", LD_STAFF_ID_MAX);
        return LD_ERR_RANGE;
    }
    if (!ld_store__is_token(s->id, LD_STAFF_ID_MAX, "._@-")) {
        ld_store__msg(msg, msglen,
                      "staff: id: must be 1 to %d letters, digits, '.', '_', '@' or "
                      "'-'",
                      LD_STAFF_ID_MAX);
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__check_text("staff", "name", s->name, sizeof s->name, LD_NAME_MAX, true,
                                      msg, msglen);
    if (err)
        return err;
    size_t hash_len = strnlen(s->pin_hash, sizeof s->pin_hash);
    if (hash_len == sizeof s->pin_hash) {
        ld_store__msg(msg, msglen, "staff: pin_hash: longer than %d bytes", LD_PIN_HASH_MAX);
        return LD_ERR_RANGE;
    }
    if (hash_len) {
        bool ok = !strncmp(s->pin_hash, ARGON2ID_PREFIX, strlen(ARGON2ID_PREFIX));
        for (size_t i = 0; ok && i < hash_len; i++)
            ok = s->pin_hash[i] > ' ' && s->pin_hash[i] < 0x7f;
        if (!ok) {
            ld_store__msg(msg, msglen,
                          "staff: pin_hash: not an Argon2id hash string (\"$argon2id$...\")");
            return LD_ERR_INVALID;
        }
    }
    if (strnlen(s->card, sizeof s->card) == sizeof s->card) {
        ld_store__msg(msg, msglen, "staff: card: longer than %d bytes", LD_UID_HEXLEN - 1);
        return LD_ERR_RANGE;
    }
    if (s->card[0] && !ld_store__is_uid_hex(s->card)) {
        ld_store__msg(msg, msglen, "staff: card: not a UID in upper-case hex (2 to %d digits)",
                      2 * LD_UID_MAX);
        return LD_ERR_INVALID;
    }
    if (s->role != LD_ROLE_STAFF && s->role != LD_ROLE_ADMIN) {
        ld_store__msg(msg, msglen, "staff: role: %d is not a role", (int)s->role);
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

static ld_err row_to_staff(struct ld_store *store, sqlite3_stmt *st, struct ld_staff *s, char *msg,
                           size_t msglen)
{
    memset(s, 0, sizeof *s);
    ld_err err = ld_store__column_text(store, st, 0, s->id, sizeof s->id, msg, msglen);
    if (!err)
        err = ld_store__column_text(store, st, 1, s->name, sizeof s->name, msg, msglen);
    if (!err)
        err = ld_store__column_text(store, st, 2, s->pin_hash, sizeof s->pin_hash, msg, msglen);
    if (!err)
        err = ld_store__column_text(store, st, 3, s->card, sizeof s->card, msg, msglen);
    if (err)
        return err;
    int role = sqlite3_column_int(st, 4);
    if (role != LD_ROLE_STAFF && role != LD_ROLE_ADMIN) {
        ld_store__msg(msg, msglen, "store %s: staff %s has role %d", ld_store__path(store), s->id,
                      role);
        return LD_ERR_CORRUPT;
    }
    s->role = (enum ld_staff_role)role;
    s->active = sqlite3_column_int(st, 5) != 0;
    return LD_OK;
}

ld_err ld_store_staff_put(struct ld_store *store, const struct ld_staff *staff, char *msg,
                          size_t msglen)
{
    char holder[LD_STAFF_ID_MAX + 1];
    char kind = 0;
    bool from_roster = false;
    sqlite3_stmt *st = NULL;

    if (!store) {
        ld_store__msg(msg, msglen, "staff: no store given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_staff(staff, msg, msglen);
    if (err)
        return err;
    err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    if (staff->card[0]) {
        err = ld_store__card_holder(store, staff->card, &kind, holder, sizeof holder, &from_roster,
                                    msg, msglen);
        if (err)
            goto out;
        if (kind == 'p' || (kind == 's' && strcmp(holder, staff->id) != 0)) {
            ld_store__msg(msg, msglen, "staff %s: card %s is already held by %s %s", staff->id,
                          staff->card, kind == 'p' ? "pupil" : "staff member", holder);
            err = LD_ERR_DUPLICATE;
            goto out;
        }
    }
    err = ld_store__prepare(store,
                            "INSERT INTO staff (" STAFF_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                            " ON CONFLICT (id) DO UPDATE SET name = ?2, pin_hash = ?3,"
                            " card = ?4, role = ?5, active = ?6",
                            &st, msg, msglen);
    if (err)
        goto out;
    int rc = sqlite3_bind_text(st, 1, staff->id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, staff->name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, staff->pin_hash, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = staff->card[0] ? sqlite3_bind_text(st, 4, staff->card, -1, SQLITE_STATIC)
                            : sqlite3_bind_null(st, 4);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 5, (int)staff->role);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 6, staff->active);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        err = ld_store__sqlite_err(store, rc, "store a staff member", msg, msglen);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    err = ld_store__commit(store, msg, msglen);
out:
    sqlite3_finalize(st);
    ld_store__rollback(store);
    return err;
}

/* Runs a one-staff query with text parameter ?1 = key into *out. */
static ld_err get_staff(struct ld_store *store, const char *sql, const char *key,
                        struct ld_staff *out, const char *what, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    struct ld_staff s;
    ld_err err = ld_store__prepare(store, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        err = row_to_staff(store, st, &s, msg, msglen);
        if (!err)
            *out = s;
    } else if (rc == SQLITE_DONE) {
        ld_store__msg(msg, msglen, "store: no staff member %s %s", what, key);
        err = LD_ERR_NOT_FOUND;
    } else {
        err = ld_store__sqlite_err(store, rc, "look up a staff member", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_staff_get(struct ld_store *store, const char *id, struct ld_staff *out, char *msg,
                          size_t msglen)
{
    if (!store || !out || !ld_store__is_token(id, LD_STAFF_ID_MAX, "._@-")) {
        ld_store__msg(msg, msglen, "staff: no store or result given, or not a staff id");
        return LD_ERR_INVALID;
    }
    return get_staff(store, "SELECT " STAFF_COLS " FROM staff WHERE id = ?1", id, out, "with id",
                     msg, msglen);
}

ld_err ld_store_staff_by_card(struct ld_store *store, const struct ld_uid *uid,
                              struct ld_staff *out, char *msg, size_t msglen)
{
    char hex[LD_UID_HEXLEN];
    if (!store || !out) {
        ld_store__msg(msg, msglen, "staff by card: no store or no result given");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__uid_hex(uid, hex, msg, msglen);
    if (err)
        return err;
    return get_staff(store, "SELECT " STAFF_COLS " FROM staff WHERE card = ?1", hex, out,
                     "holding card", msg, msglen);
}

ld_err ld_store_staff_foreach(struct ld_store *store, ld_store_staff_fn fn, void *ctx, char *msg,
                              size_t msglen)
{
    sqlite3_stmt *st = NULL;
    struct ld_staff s;

    if (!store || !fn) {
        ld_store__msg(msg, msglen, "staff: no store or no callback given");
        return LD_ERR_INVALID;
    }
    ld_err err =
        ld_store__prepare(store, "SELECT " STAFF_COLS " FROM staff ORDER BY id", &st, msg, msglen);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = row_to_staff(store, st, &s, msg, msglen);
        if (!err)
            err = fn(ctx, &s);
        if (err)
            goto out;
    }
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "list staff", msg, msglen);
out:
    sqlite3_finalize(st);
    return err;
}
