/* store_pupils.c: pupils and their cards: look-ups by UPN and card, class lists, enrolment. */
#include "store.h"

#include <sqlite3.h>
#include <string.h>

#include "upn.h"

#define PUPIL_COLS LD_STORE__PUPIL_COLS

ld_err ld_store__row_to_pupil(struct ld_store *store, struct sqlite3_stmt *st, struct ld_pupil *p,
                              char *msg, size_t msglen)
{
    memset(p, 0, sizeof *p);
    struct {
        char *buf;
        size_t size;
    } text[] = {
        {p->upn, sizeof p->upn},
        {p->legal_first, sizeof p->legal_first},
        {p->legal_last, sizeof p->legal_last},
        {p->preferred_first, sizeof p->preferred_first},
        {p->preferred_last, sizeof p->preferred_last},
        {p->year, sizeof p->year},
        {p->class_name, sizeof p->class_name},
        {p->family, sizeof p->family},
    };
    for (int i = 0; i < (int)(sizeof text / sizeof text[0]); i++) {
        ld_err err = ld_store__column_text(store, st, i, text[i].buf, text[i].size, msg, msglen);
        if (err)
            return err;
    }
    p->flags = (unsigned)sqlite3_column_int(st, 8);
    p->active = sqlite3_column_int(st, 9) != 0;
    p->has_admitted = sqlite3_column_type(st, 10) != SQLITE_NULL;
    p->admitted = (ld_date)sqlite3_column_int(st, 10);
    p->has_left = sqlite3_column_type(st, 11) != SQLITE_NULL;
    p->left = (ld_date)sqlite3_column_int(st, 11);
    return LD_OK;
}

bool ld_store__is_upn(const char *upn)
{
    return upn && strnlen(upn, LD_UPN_LEN + 1) == LD_UPN_LEN &&
           ld_upn_check(upn, NULL) != LD_UPN_MALFORMED;
}

ld_err ld_store__uid_hex(const struct ld_uid *uid, char hex[LD_UID_HEXLEN], char *msg,
                         size_t msglen)
{
    if (!uid || uid->len == 0 || uid->len > LD_UID_MAX) {
        ld_store__msg(msg, msglen, "card: a UID is 1 to %d bytes", LD_UID_MAX);
        return LD_ERR_INVALID;
    }
    ld_uid_format(uid, hex);
    return LD_OK;
}

/* Runs a one-pupil query with text parameter ?1 = key into *out. */
static ld_err get_pupil(struct ld_store *store, const char *sql, const char *key,
                        struct ld_pupil *out, const char *what, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    struct ld_pupil p;
    ld_err err = ld_store__prepare(store, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        err = ld_store__row_to_pupil(store, st, &p, msg, msglen);
        if (!err)
            *out = p;
    } else if (rc == SQLITE_DONE) {
        ld_store__msg(msg, msglen, "store: no pupil %s %s", what, key);
        err = LD_ERR_NOT_FOUND;
    } else {
        err = ld_store__sqlite_err(store, rc, "look up a pupil", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_pupil_get(struct ld_store *store, const char *upn, struct ld_pupil *out, char *msg,
                          size_t msglen)
{
    if (!store || !out || !ld_store__is_upn(upn)) {
        ld_store__msg(msg, msglen, "store: pupil: no store or result given, or upn not a UPN");
        return LD_ERR_INVALID;
    }
    return get_pupil(store, "SELECT " PUPIL_COLS " FROM pupils p WHERE p.upn = ?1", upn, out,
                     "with UPN", msg, msglen);
}

ld_err ld_store_pupil_by_card(struct ld_store *store, const struct ld_uid *uid,
                              struct ld_pupil *out, char *msg, size_t msglen)
{
    char hex[LD_UID_HEXLEN];
    if (!store || !out) {
        ld_store__msg(msg, msglen, "store: pupil by card: no store or no result given");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__uid_hex(uid, hex, msg, msglen);
    if (err)
        return err;
    return get_pupil(store,
                     "SELECT " PUPIL_COLS " FROM cards c JOIN pupils p ON p.upn = c.upn "
                     "WHERE c.uid = ?1",
                     hex, out, "holding card", msg, msglen);
}

ld_err ld_store_pupils_foreach(struct ld_store *store, const char *class_name,
                               bool include_inactive, ld_store_pupil_fn fn, void *ctx, char *msg,
                               size_t msglen)
{
    sqlite3_stmt *st = NULL;
    struct ld_pupil p;

    if (!store || !fn) {
        ld_store__msg(msg, msglen, "store: pupils: no store or no callback given");
        return LD_ERR_INVALID;
    }
    if (class_name && strnlen(class_name, LD_CLASS_MAX + 1) > LD_CLASS_MAX) {
        ld_store__msg(msg, msglen, "store: pupils: class: longer than %d bytes", LD_CLASS_MAX);
        return LD_ERR_RANGE;
    }
    ld_err err = ld_store__prepare(store,
                                   "SELECT " PUPIL_COLS " FROM pupils p"
                                   " WHERE (?1 IS NULL OR p.class_name = ?1) AND (p.active OR ?2)"
                                   " ORDER BY p.class_name, p.preferred_last, p.preferred_first,"
                                   " p.upn",
                                   &st, msg, msglen);
    if (err)
        return err;
    int rc = class_name ? sqlite3_bind_text(st, 1, class_name, -1, SQLITE_STATIC) : SQLITE_OK;
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, include_inactive);
    if (rc != SQLITE_OK) {
        err = ld_store__sqlite_err(store, rc, "list pupils", msg, msglen);
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = ld_store__row_to_pupil(store, st, &p, msg, msglen);
        if (!err)
            err = fn(ctx, &p);
        if (err)
            goto out;
    }
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "list pupils", msg, msglen);
out:
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_classes_foreach(struct ld_store *store, ld_store_class_fn fn, void *ctx, char *msg,
                                size_t msglen)
{
    sqlite3_stmt *st = NULL;
    char name[LD_CLASS_MAX + 1];

    if (!store || !fn) {
        ld_store__msg(msg, msglen, "store: classes: no store or no callback given");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__prepare(store,
                                   "SELECT class_name, count(*) FROM pupils WHERE active = 1"
                                   " GROUP BY class_name ORDER BY class_name",
                                   &st, msg, msglen);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = ld_store__column_text(store, st, 0, name, sizeof name, msg, msglen);
        if (!err)
            err = fn(ctx, name, (unsigned)sqlite3_column_int(st, 1));
        if (err)
            goto out;
    }
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "list classes", msg, msglen);
out:
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store__card_holder(struct ld_store *store, const char *hex, char *kind, char *holder,
                             size_t holderlen, bool *from_roster, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = ld_store__prepare(store,
                                   "SELECT 'p', upn, from_roster FROM cards WHERE uid = ?1"
                                   " UNION ALL SELECT 's', id, 0 FROM staff WHERE card = ?1",
                                   &st, msg, msglen);
    if (err)
        return err;
    *kind = 0;
    *from_roster = false;
    int rc = sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *k = sqlite3_column_text(st, 0);
        *kind = k ? (char)k[0] : '?';
        *from_roster = sqlite3_column_int(st, 2) != 0;
        err = ld_store__column_text(store, st, 1, holder, holderlen, msg, msglen);
    } else if (rc != SQLITE_DONE) {
        err = ld_store__sqlite_err(store, rc, "look up a card", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store__exec2(struct ld_store *store, const char *sql, const char *a, const char *b,
                       int *changes, const char *what, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = ld_store__prepare(store, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = a ? sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) : SQLITE_OK;
    if (rc == SQLITE_OK && b)
        rc = sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, what, msg, msglen);
    else if (changes)
        *changes = sqlite3_changes(ld_store__db(store));
    sqlite3_finalize(st);
    return err;
}

ld_err ld_store_card_enrol(struct ld_store *store, const struct ld_uid *uid, const char *upn,
                           char *msg, size_t msglen)
{
    char hex[LD_UID_HEXLEN];
    char holder[LD_STAFF_ID_MAX + 1];
    char kind = 0;
    bool from_roster = false;
    struct ld_pupil p;

    if (!store || !ld_store__is_upn(upn)) {
        ld_store__msg(msg, msglen, "store: enrol: no store given, or upn not a UPN");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__uid_hex(uid, hex, msg, msglen);
    if (err)
        return err;
    err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    err = ld_store_pupil_get(store, upn, &p, msg, msglen);
    if (err)
        goto out;
    if (!p.active) {
        ld_store__msg(msg, msglen, "store: enrol: pupil %s is no longer on the roster", upn);
        err = LD_ERR_STATE;
        goto out;
    }
    err =
        ld_store__card_holder(store, hex, &kind, holder, sizeof holder, &from_roster, msg, msglen);
    if (err)
        goto out;
    if (kind == 'p' && !strcmp(holder, upn))
        goto out; /* already theirs */
    if (kind) {
        ld_store__msg(msg, msglen, "store: enrol: card %s is already held by %s %s", hex,
                      kind == 'p' ? "pupil" : "staff member", holder);
        err = LD_ERR_DUPLICATE;
        goto out;
    }
    err = ld_store__exec2(store, "INSERT INTO cards (uid, upn, from_roster) VALUES (?1, ?2, 0)",
                          hex, upn, NULL, "enrol a card", msg, msglen);
    if (!err)
        err = ld_store__commit(store, msg, msglen);
out:
    ld_store__rollback(store);
    return err;
}

ld_err ld_store_card_remove(struct ld_store *store, const struct ld_uid *uid, char *msg,
                            size_t msglen)
{
    char hex[LD_UID_HEXLEN];
    int changes = 0;
    if (!store) {
        ld_store__msg(msg, msglen, "store: remove card: no store given");
        return LD_ERR_INVALID;
    }
    ld_err err = ld_store__uid_hex(uid, hex, msg, msglen);
    if (err)
        return err;
    err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    err = ld_store__exec2(store, "DELETE FROM cards WHERE uid = ?1", hex, NULL, &changes,
                          "remove a card", msg, msglen);
    if (!err && changes == 0) {
        ld_store__msg(msg, msglen, "store: remove card: no pupil holds card %s", hex);
        err = LD_ERR_NOT_FOUND;
    }
    if (!err)
        err = ld_store__commit(store, msg, msglen);
    ld_store__rollback(store);
    return err;
}
