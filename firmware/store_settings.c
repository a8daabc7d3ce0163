/* store_settings.c: the device's key/value settings, text under short keys. */
#include "store.h"

#include <sqlite3.h>
#include <string.h>

#include "utf8.h"

static ld_err check_key(const char *key, char *msg, size_t msglen)
{
    if (!key) {
        ld_store__msg(msg, msglen, "setting: no key given");
        return LD_ERR_INVALID;
    }
    size_t len = strnlen(key, LD_SETTING_KEY_MAX + 1);
    if (len > LD_SETTING_KEY_MAX) {
        ld_store__msg(msg, msglen, "setting: key: longer than %d bytes", LD_SETTING_KEY_MAX);
        return LD_ERR_RANGE;
    }
    for (size_t i = 0; i < len; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-')) {
            ld_store__msg(msg, msglen, "setting: key: only a-z, 0-9, '.', '_' and '-' allowed");
            return LD_ERR_INVALID;
        }
    }
    if (len == 0) {
        ld_store__msg(msg, msglen, "setting: key: empty");
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

ld_err ld_store_setting_get(struct ld_store *store, const char *key, char *buf, size_t buflen,
                            char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    if (!store || !buf || buflen == 0) {
        ld_store__msg(msg, msglen, "setting: no store or no buffer given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_key(key, msg, msglen);
    if (err)
        return err;
    err = ld_store__prepare(store, "SELECT value FROM settings WHERE key = ?1", &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        err = ld_store__column_text(store, st, 0, buf, buflen, msg, msglen);
        if (err == LD_ERR_CORRUPT) {
            ld_store__msg(msg, msglen, "setting %s: the value is longer than the %zu bytes given",
                          key, buflen - 1);
            buf[0] = '\0';
            err = LD_ERR_RANGE;
        }
    } else if (rc == SQLITE_DONE) {
        ld_store__msg(msg, msglen, "setting %s: not set", key);
        err = LD_ERR_NOT_FOUND;
    } else {
        err = ld_store__sqlite_err(store, rc, "read a setting", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

/* Runs one write (key, value) in its own durable transaction. */
static ld_err write_setting(struct ld_store *store, const char *sql, const char *key,
                            const char *value, char *msg, size_t msglen)
{
    ld_err err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    err = ld_store__exec2(store, sql, key, value, NULL, "write a setting", msg, msglen);
    if (!err)
        err = ld_store__commit(store, msg, msglen);
    ld_store__rollback(store);
    return err;
}

ld_err ld_store_setting_set(struct ld_store *store, const char *key, const char *value, char *msg,
                            size_t msglen)
{
    if (!store || !value) {
        ld_store__msg(msg, msglen, "setting: no store or no value given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_key(key, msg, msglen);
    if (err)
        return err;
    size_t len = strnlen(value, LD_SETTING_VALUE_MAX + 1);
    if (len > LD_SETTING_VALUE_MAX) {
        ld_store__msg(msg, msglen, "setting %s: value: longer than %d bytes", key,
                      LD_SETTING_VALUE_MAX);
        return LD_ERR_RANGE;
    }
    if (!ld_utf8_valid(value, len)) {
        ld_store__msg(msg, msglen, "setting %s: value: not valid UTF-8", key);
        return LD_ERR_INVALID;
    }
    return write_setting(store,
                         "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                         " ON CONFLICT (key) DO UPDATE SET value = ?2",
                         key, value, msg, msglen);
}

ld_err ld_store_setting_delete(struct ld_store *store, const char *key, char *msg, size_t msglen)
{
    if (!store) {
        ld_store__msg(msg, msglen, "setting: no store given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_key(key, msg, msglen);
    if (err)
        return err;
    return write_setting(store, "DELETE FROM settings WHERE key = ?1", key, NULL, msg, msglen);
}

ld_err ld_store_settings_foreach(struct ld_store *store, const char *prefix, ld_store_setting_fn fn,
                                 void *ctx, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    if (!store || !prefix || !fn) {
        ld_store__msg(msg, msglen, "setting: no store, prefix or function given");
        return LD_ERR_INVALID;
    }
    /* substr() rather than LIKE: '_' and '%' in a key are plain characters here. */
    ld_err err = ld_store__prepare(store,
                                   "SELECT key, value FROM settings"
                                   " WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
                                   &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    char key[LD_SETTING_KEY_MAX + 1], value[LD_SETTING_VALUE_MAX + 1];
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = ld_store__column_text(store, st, 0, key, sizeof key, msg, msglen);
        if (!err)
            err = ld_store__column_text(store, st, 1, value, sizeof value, msg, msglen);
        if (!err)
            err = fn(ctx, key, value);
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, "reading settings", msg, msglen);
    sqlite3_finalize(st);
    return err;
}
