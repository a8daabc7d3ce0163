/* store.c: opening, creating and closing the device store; errors, transactions, text checks. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "utf8.h"

/* The mode of the store and of its -wal and -shm files: the service user only. */
#define STORE_MODE 0600

struct ld_store {
    sqlite3 *db;
    char *path;
    char device_id[LD_DEVICE_ID_MAX + 1];
    unsigned busy_timeout_ms;
    sqlite3_stmt *cached[LD_STORE__SLOTS]; /* prepared once, reset after each use */
};

void ld_store__msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

struct sqlite3 *ld_store__db(struct ld_store *store)
{
    return store->db;
}

const char *ld_store__path(const struct ld_store *store)
{
    return store->path;
}

const char *ld_store__device(const struct ld_store *store)
{
    return store->device_id;
}

/* Maps a primary SQLite result code to ours. */
static ld_err map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return LD_OK;
    case SQLITE_FULL:
        return LD_ERR_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return LD_ERR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return LD_ERR_CORRUPT;
    case SQLITE_NOMEM:
        return LD_ERR_NOMEM;
    case SQLITE_CONSTRAINT:
        return LD_ERR_INVALID;
    default:
        return LD_ERR_IO;
    }
}

/* Writes the message for rc on db (which may be NULL) at path. */
static ld_err db_err(sqlite3 *db, const char *path, unsigned busy_ms, int rc, const char *what,
                     char *msg, size_t msglen)
{
    ld_err err = map_rc(rc);
    if (err == LD_OK)
        err = LD_ERR_IO; /* a caller met an unexpected "success" code: still a failure */
    /* Opening needs room for the -shm and -wal files: on a full disk that is an I/O error. */
    if (err == LD_ERR_IO && db && sqlite3_system_errno(db) == ENOSPC)
        err = LD_ERR_FULL;
    const char *detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (err) {
    case LD_ERR_FULL:
        ld_store__msg(msg, msglen,
                      "store %s: %s: the disk is full (%s); nothing was written: free space or "
                      "call for help",
                      path, what, detail);
        break;
    case LD_ERR_BUSY:
        ld_store__msg(msg, msglen,
                      "store %s: %s: another process held the store for longer than %u ms (%s)",
                      path, what, busy_ms, detail);
        break;
    default:
        ld_store__msg(msg, msglen, "store %s: %s: %s", path, what, detail);
        break;
    }
    return err;
}

ld_err ld_store__sqlite_err(struct ld_store *store, int rc, const char *what, char *msg,
                            size_t msglen)
{
    return db_err(store->db, store->path, store->busy_timeout_ms, rc, what, msg, msglen);
}

ld_err ld_store__prepare(struct ld_store *store, const char *sql, struct sqlite3_stmt **stmt,
                         char *msg, size_t msglen)
{
    int rc = sqlite3_prepare_v2(store->db, sql, -1, stmt, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*stmt);
        *stmt = NULL;
        return ld_store__sqlite_err(store, rc, "prepare", msg, msglen);
    }
    return LD_OK;
}

ld_err ld_store__stmt(struct ld_store *store, enum ld_store__slot slot, const char *sql,
                      struct sqlite3_stmt **stmt, char *msg, size_t msglen)
{
    if (!store->cached[slot]) {
        ld_err err = ld_store__prepare(store, sql, &store->cached[slot], msg, msglen);
        if (err)
            return err;
    }
    *stmt = store->cached[slot];
    return LD_OK;
}

/* Steps a cached statement that returns no rows, then resets it. */
static ld_err run_cached(struct ld_store *store, enum ld_store__slot slot, const char *sql,
                         const char *what, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = ld_store__stmt(store, slot, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = ld_store__sqlite_err(store, rc, what, msg, msglen);
    sqlite3_reset(st);
    return err;
}

ld_err ld_store__begin(struct ld_store *store, char *msg, size_t msglen)
{
    return run_cached(store, LD_STORE__BEGIN, "BEGIN IMMEDIATE", "begin a write", msg, msglen);
}

ld_err ld_store__commit(struct ld_store *store, char *msg, size_t msglen)
{
    ld_err err = run_cached(store, LD_STORE__COMMIT, "COMMIT", "commit", msg, msglen);
    if (err)
        ld_store__rollback(store);
    return err;
}

void ld_store__rollback(struct ld_store *store)
{
    /* SQLite rolls some errors (SQLITE_FULL, IOERR) back by itself: then there is nothing. */
    if (sqlite3_get_autocommit(store->db))
        return;
    sqlite3_stmt *st = NULL;
    if (ld_store__stmt(store, LD_STORE__ROLLBACK, "ROLLBACK", &st, NULL, 0) == LD_OK) {
        (void)sqlite3_step(st);
        sqlite3_reset(st);
    }
    if (!sqlite3_get_autocommit(store->db))
        (void)sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

ld_err ld_store__check_text(const char *what, const char *name, const char *s, size_t size,
                            size_t cap, bool required, char *msg, size_t msglen)
{
    if (!s) {
        ld_store__msg(msg, msglen, "%s: %s: missing", what, name);
        return LD_ERR_INVALID;
    }
    size_t len = strnlen(s, size);
    if (len == size || len > cap) {
        ld_store__msg(msg, msglen, "%s: %s: longer than %zu bytes", what, name, cap);
        return LD_ERR_RANGE;
    }
    if (required && len == 0) {
        ld_store__msg(msg, msglen, "%s: %s: empty", what, name);
        return LD_ERR_INVALID;
    }
    if (!ld_utf8_valid(s, len)) {
        ld_store__msg(msg, msglen, "%s: %s: not valid UTF-8", what, name);
        return LD_ERR_INVALID;
    }
    if (ld_utf8_has_control(s, len)) {
        ld_store__msg(msg, msglen, "%s: %s: holds a control or formatting character", what, name);
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

bool ld_store__is_token(const char *s, size_t cap, const char *extra)
{
    if (!s)
        return false;
    size_t len = strnlen(s, cap + 1);
    if (len == 0 || len > cap)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c != '\0' && strchr(extra, c));
        if (!ok)
            return false;
    }
    return true;
}

bool ld_store__is_uid_hex(const char *s)
{
    if (!s)
        return false;
    size_t len = strnlen(s, LD_UID_HEXLEN);
    if (len < 2 || len > 2 * LD_UID_MAX || len % 2)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

ld_err ld_store__column_text(struct ld_store *store, struct sqlite3_stmt *stmt, int col, char *buf,
                             size_t size, char *msg, size_t msglen)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    if (!text) {
        if (sqlite3_errcode(store->db) == SQLITE_NOMEM) {
            ld_store__msg(msg, msglen, "store %s: out of memory reading a row", store->path);
            return LD_ERR_NOMEM;
        }
        buf[0] = '\0';
        return LD_OK;
    }
    size_t len = (size_t)sqlite3_column_bytes(stmt, col);
    if (len >= size) {
        ld_store__msg(msg, msglen, "store %s: column %s holds %zu bytes, more than its cap %zu",
                      store->path, sqlite3_column_name(stmt, col), len, size - 1);
        return LD_ERR_CORRUPT;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    return LD_OK;
}

/* ---- opening ---- */

/* Runs a pragma (or any statement) expected to return one text row, copied into out. */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            snprintf(out, outlen, "%s", t ? (const char *)t : "");
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            snprintf(out, outlen, "%s", "");
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Runs a statement expected to return one integer row into *out. */
static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_ERROR;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Sets the handle's connection-level settings (safe on any file, writes nothing). */
static ld_err configure_connection(struct ld_store *store, char *msg, size_t msglen)
{
    sqlite3 *db = store->db;
    int rc = sqlite3_extended_result_codes(db, 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(db, (int)store->busy_timeout_ms);
    /* No checkpoint on close until the file passed its checks: a refused file stays as it was. */
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = ld_store__register_sum(db);
    if (rc != SQLITE_OK)
        return ld_store__sqlite_err(store, rc, "configure the connection", msg, msglen);
    return LD_OK;
}

/* PRAGMA integrity_check (or quick_check), mapping any complaint to LD_ERR_CORRUPT. */
static ld_err check_integrity(struct ld_store *store, bool quick, char *msg, size_t msglen)
{
    char first[256] = "";
    int rc = pragma_text(store->db, quick ? "PRAGMA quick_check(8)" : "PRAGMA integrity_check(8)",
                         first, sizeof first);
    if ((rc & 0xff) == SQLITE_NOTADB) {
        ld_store__msg(msg, msglen,
                      "store %s: not an SQLite database (%s); the file was left untouched: "
                      "restore it from a backup or move it aside",
                      store->path, sqlite3_errmsg(store->db));
        return LD_ERR_CORRUPT;
    }
    if ((rc & 0xff) == SQLITE_CORRUPT) {
        ld_store__msg(msg, msglen,
                      "store %s: damaged (%s); the file was left untouched: restore it from a "
                      "backup or move it aside",
                      store->path, sqlite3_errmsg(store->db));
        return LD_ERR_CORRUPT;
    }
    if (rc != SQLITE_OK)
        return ld_store__sqlite_err(store, rc, "integrity check", msg, msglen);
    if (strcmp(first, "ok") != 0) {
        ld_store__msg(msg, msglen,
                      "store %s: failed its integrity check (%s); the file was left untouched: "
                      "restore it from a backup or move it aside",
                      store->path, first);
        return LD_ERR_CORRUPT;
    }
    return LD_OK;
}

/*
 * Reads the schema version and checks the file is ours. version 0 with no tables is a database
 * never initialised: *empty is set and LD_OK returned.
 */
static ld_err check_identity(struct ld_store *store, int *version, bool *empty, char *msg,
                             size_t msglen)
{
    int64_t uv = 0, app = 0, tables = 0;
    int rc = pragma_int(store->db, "PRAGMA user_version", &uv);
    if (rc == SQLITE_OK)
        rc = pragma_int(store->db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = pragma_int(store->db, "SELECT count(*) FROM sqlite_schema", &tables);
    if (rc != SQLITE_OK)
        return ld_store__sqlite_err(store, rc, "read the schema version", msg, msglen);
    *empty = uv == 0 && tables == 0 && app == 0;
    if (*empty) {
        *version = 0;
        return LD_OK;
    }
    if (app != LD_STORE__APP_ID || uv <= 0) {
        ld_store__msg(msg, msglen,
                      "store %s: not a latedoor store (application id %" PRId64
                      ", schema version %" PRId64 "); the file was left untouched",
                      store->path, app, uv);
        return LD_ERR_UNSUPPORTED;
    }
    if (uv > LD_STORE_SCHEMA_VERSION) {
        ld_store__msg(msg, msglen,
                      "store %s: schema version %" PRId64
                      " is from a newer latedoor (this one knows up to %d); the file was left "
                      "untouched",
                      store->path, uv, LD_STORE_SCHEMA_VERSION);
        return LD_ERR_UNSUPPORTED;
    }
    *version = (int)uv;
    return LD_OK;
}

/* Sets a pragma and checks that it took: journal modes can be refused without an error. */
static ld_err set_pragma(struct ld_store *store, const char *set, const char *get, const char *want,
                         char *msg, size_t msglen)
{
    char got[32] = "";
    int rc = pragma_text(store->db, set, got, sizeof got);
    if (rc == SQLITE_OK && get)
        rc = pragma_text(store->db, get, got, sizeof got);
    if (rc != SQLITE_OK)
        return ld_store__sqlite_err(store, rc, set, msg, msglen);
    if (strcmp(got, want) != 0) {
        ld_store__msg(msg, msglen, "store %s: %s: got \"%s\", not \"%s\"", store->path, set, got,
                      want);
        return LD_ERR_IO;
    }
    return LD_OK;
}

/* WAL, synchronous=FULL, foreign keys, in-memory temporary tables, the size cap. */
static ld_err set_pragmas(struct ld_store *store, const struct ld_store_options *opt, char *msg,
                          size_t msglen)
{
    ld_err err = set_pragma(store, "PRAGMA journal_mode=WAL", NULL, "wal", msg, msglen);
    if (!err)
        err = set_pragma(store, "PRAGMA synchronous=FULL", "PRAGMA synchronous", "2", msg, msglen);
    if (!err)
        err = set_pragma(store, "PRAGMA foreign_keys=ON", "PRAGMA foreign_keys", "1", msg, msglen);
    if (!err)
        err = set_pragma(store, "PRAGMA temp_store=MEMORY", "PRAGMA temp_store", "2", msg, msglen);
    /* Keep the -wal file from staying large after a burst of writes. */
    if (!err)
        err = set_pragma(store, "PRAGMA journal_size_limit=4194304", NULL, "4194304", msg, msglen);
    if (err || !opt || opt->max_bytes == 0)
        return err;

    int64_t page_size = 0, pages = 0;
    int rc = pragma_int(store->db, "PRAGMA page_size", &page_size);
    if (rc != SQLITE_OK || page_size <= 0)
        return ld_store__sqlite_err(store, rc ? rc : SQLITE_ERROR, "read the page size", msg,
                                    msglen);
    uint64_t max_pages = opt->max_bytes / (uint64_t)page_size;
    if (max_pages < 1)
        max_pages = 1;
    if (max_pages > INT32_MAX)
        max_pages = INT32_MAX;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count=%" PRIu64, max_pages);
    rc = pragma_int(store->db, sql, &pages);
    if (rc != SQLITE_OK)
        return ld_store__sqlite_err(store, rc, "set the size cap", msg, msglen);
    return LD_OK;
}

/* Makes path mode 0600 when it exists and is not already (the -wal and -shm files too). */
static ld_err fix_mode(const char *path, char *msg, size_t msglen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return LD_OK;
        ld_store__msg(msg, msglen, "store %s: %s", path, strerror(errno));
        return LD_ERR_IO;
    }
    if ((st.st_mode & 07777) != STORE_MODE && chmod(path, STORE_MODE) != 0) {
        ld_store__msg(msg, msglen, "store %s: chmod 0600: %s", path, strerror(errno));
        return LD_ERR_IO;
    }
    return LD_OK;
}

static ld_err fix_modes(struct ld_store *store, char *msg, size_t msglen)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        if ((size_t)snprintf(path, sizeof path, "%s%s", store->path, suffix[i]) >= sizeof path) {
            ld_store__msg(msg, msglen, "store %s: path too long", store->path);
            return LD_ERR_RANGE;
        }
        ld_err err = fix_mode(path, msg, msglen);
        if (err)
            return err;
    }
    return LD_OK;
}

/* Migrates an older file forward in one write transaction (re-checked under the lock). */
static ld_err migrate(struct ld_store *store, char *msg, size_t msglen)
{
    ld_err err = ld_store__begin(store, msg, msglen);
    if (err)
        return err;
    int64_t uv = 0;
    int rc = pragma_int(store->db, "PRAGMA user_version", &uv);
    if (rc != SQLITE_OK) {
        err = ld_store__sqlite_err(store, rc, "read the schema version", msg, msglen);
        goto out;
    }
    if (uv < LD_STORE_SCHEMA_VERSION) {
        err = ld_store__migrate(store->db, (int)uv, store->path, msg, msglen);
        if (err)
            goto out;
    }
    err = ld_store__commit(store, msg, msglen);
out:
    if (err)
        ld_store__rollback(store);
    return err;
}

/* Reads the one device row. */
static ld_err read_device(struct ld_store *store, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = ld_store__prepare(store, "SELECT device_id FROM device", &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        ld_store__msg(msg, msglen, "store %s: has no device id; the file was left untouched",
                      store->path);
        err = LD_ERR_CORRUPT;
        goto out;
    }
    if (rc != SQLITE_ROW) {
        err = ld_store__sqlite_err(store, rc, "read the device id", msg, msglen);
        goto out;
    }
    err =
        ld_store__column_text(store, st, 0, store->device_id, sizeof store->device_id, msg, msglen);
    if (!err && !ld_store__is_token(store->device_id, LD_DEVICE_ID_MAX, "._-")) {
        ld_store__msg(msg, msglen, "store %s: its device id is malformed", store->path);
        err = LD_ERR_CORRUPT;
    }
out:
    sqlite3_finalize(st);
    return err;
}

/* A new handle for path, with no database yet. */
static ld_err store_new(const char *path, const struct ld_store_options *opt, struct ld_store **out,
                        char *msg, size_t msglen)
{
    struct ld_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        ld_store__msg(msg, msglen, "store %s: out of memory", path);
        return LD_ERR_NOMEM;
    }
    s->busy_timeout_ms =
        opt && opt->busy_timeout_ms ? opt->busy_timeout_ms : LD_STORE_BUSY_TIMEOUT_MS;
    if (s->busy_timeout_ms > INT_MAX)
        s->busy_timeout_ms = INT_MAX;
    *out = s;
    return LD_OK;
}

/* Opens the SQLite connection of s on its existing file. */
static ld_err store_connect(struct ld_store *s, char *msg, size_t msglen)
{
    int rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (!s->db)
            return db_err(NULL, s->path, s->busy_timeout_ms, rc, "open", msg, msglen);
        return ld_store__sqlite_err(s, rc, "open", msg, msglen);
    }
    return configure_connection(s, msg, msglen);
}

static ld_err check_path(const char *path, char *msg, size_t msglen)
{
    if (!path || !*path) {
        ld_store__msg(msg, msglen, "store: no path given");
        return LD_ERR_INVALID;
    }
    if (strlen(path) > PATH_MAX - 16) {
        ld_store__msg(msg, msglen, "store: path longer than %d bytes", PATH_MAX - 16);
        return LD_ERR_RANGE;
    }
    return LD_OK;
}

ld_err ld_store_open(const char *path, const struct ld_store_options *opt, struct ld_store **out,
                     char *msg, size_t msglen)
{
    struct ld_store *s = NULL;
    struct stat st;
    int version = 0;
    bool empty = false;

    ld_err err = check_path(path, msg, msglen);
    if (err)
        return err;
    if (!out) {
        ld_store__msg(msg, msglen, "store %s: no handle to open into", path);
        return LD_ERR_INVALID;
    }
    /*
     * Only stat() here: opening and closing a descriptor of our own on the file would drop every
     * POSIX lock this process holds on it, another handle's included.
     */
    if (stat(path, &st) != 0) {
        ld_store__msg(msg, msglen, "store %s: %s%s", path, strerror(errno),
                      errno == ENOENT ? " (create it with `latedoor init`)" : "");
        return errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        ld_store__msg(msg, msglen, "store %s: not a regular file", path);
        return LD_ERR_INVALID;
    }
    if (st.st_size == 0) {
        ld_store__msg(msg, msglen, "store %s: empty, never initialised (`latedoor init`)", path);
        return LD_ERR_STATE;
    }

    err = store_new(path, opt, &s, msg, msglen);
    if (err)
        return err;
    err = store_connect(s, msg, msglen);
    if (!err && sqlite3_db_readonly(s->db, "main") != 0) {
        ld_store__msg(msg, msglen,
                      "store %s: can only be opened read-only: check the file's owner and mode "
                      "and its directory's",
                      path);
        err = LD_ERR_IO;
    }
    if (!err)
        err = check_integrity(s, opt && opt->quick_check, msg, msglen);
    if (!err)
        err = check_identity(s, &version, &empty, msg, msglen);
    if (!err && empty) {
        ld_store__msg(msg, msglen, "store %s: empty, never initialised (`latedoor init`)", path);
        err = LD_ERR_STATE;
    }
    if (err)
        goto out;

    /* The file is ours and sound: from here on it may be written. */
    if (sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, (int *)NULL) != SQLITE_OK) {
        err = ld_store__sqlite_err(s, SQLITE_ERROR, "configure the connection", msg, msglen);
        goto out;
    }
    err = fix_mode(s->path, msg, msglen);
    if (!err)
        err = set_pragmas(s, opt, msg, msglen);
    if (!err && version < LD_STORE_SCHEMA_VERSION)
        err = migrate(s, msg, msglen);
    if (!err)
        err = read_device(s, msg, msglen);
    if (!err)
        err = fix_modes(s, msg, msglen);
out:
    if (err) {
        ld_store_close(s);
        return err;
    }
    *out = s;
    return LD_OK;
}

ld_err ld_store__sync_dir(const char *path, char *msg, size_t msglen)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        ld_store__msg(msg, msglen, "store %s: open its directory: %s", path, strerror(errno));
        return LD_ERR_IO;
    }
    ld_err err = LD_OK;
    if (fsync(fd) != 0) {
        ld_store__msg(msg, msglen, "store %s: fsync its directory: %s", path, strerror(errno));
        err = LD_ERR_IO;
    }
    close(fd);
    return err;
}

void (*ld_store__create_hook)(enum ld_store__create_step step);

/* Calls the test hook, if any, at step of ld_store_create. */
static void create_step(enum ld_store__create_step step)
{
    if (ld_store__create_hook)
        ld_store__create_hook(step);
}

/*
 * Makes the schema and the device row of a new store, in one transaction, then turns the file
 * to WAL mode. It is built with a rollback journal, so the file holds all of it once closed.
 */
static ld_err initialise(struct ld_store *s, const char *device_id, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    char sql[64];
    struct timespec now;

    ld_err err = set_pragma(s, "PRAGMA synchronous=FULL", "PRAGMA synchronous", "2", msg, msglen);
    if (!err)
        err = ld_store__begin(s, msg, msglen);
    if (err)
        return err;
    err = ld_store__migrate(s->db, 0, s->path, msg, msglen);
    if (err)
        goto out;
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d", LD_STORE__APP_ID);
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err = ld_store__sqlite_err(s, rc, "set the application id", msg, msglen);
        goto out;
    }
    err = ld_store__prepare(s, "INSERT INTO device (one, device_id, created_ms) VALUES (1, ?1, ?2)",
                            &st, msg, msglen);
    if (err)
        goto out;
    clock_gettime(CLOCK_REALTIME, &now);
    rc = sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        err = ld_store__sqlite_err(s, rc, "record the device id", msg, msglen);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    err = ld_store__commit(s, msg, msglen);
    if (!err)
        err = set_pragma(s, "PRAGMA journal_mode=WAL", NULL, "wal", msg, msglen);
out:
    sqlite3_finalize(st);
    if (err)
        ld_store__rollback(s);
    return err;
}

/* Removes path's -wal and -shm files. */
static void remove_companions(const char *path)
{
    char p[PATH_MAX];
    if ((size_t)snprintf(p, sizeof p, "%s-wal", path) < sizeof p)
        (void)unlink(p);
    if ((size_t)snprintf(p, sizeof p, "%s-shm", path) < sizeof p)
        (void)unlink(p);
}

/* Removes path and its -wal and -shm files: a create that failed leaves nothing behind. */
static void remove_files(const char *path)
{
    (void)unlink(path);
    remove_companions(path);
}

/*
 * Looks at what is at path before a create: *half_made when it is a store an interrupted
 * `latedoor init` of an older latedoor left (an empty file, or an SQLite file with no schema
 * and no application id), to be replaced. LD_ERR_DUPLICATE, naming what is there, for anything
 * else: a store, another program's database, a file that is not a database.
 */
static ld_err check_existing(const char *path, bool *half_made, char *msg, size_t msglen)
{
    struct stat st;
    *half_made = false;
    if (stat(path, &st) != 0)
        return LD_OK; /* nothing there */
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        *half_made = true;
        return LD_OK;
    }
    struct ld_store *s = NULL;
    int version = 0;
    bool empty = false;
    ld_err err = S_ISREG(st.st_mode) ? store_new(path, NULL, &s, msg, msglen) : LD_ERR_INVALID;
    if (!err)
        err = store_connect(s, msg, msglen);
    if (!err)
        err = check_identity(s, &version, &empty, msg, msglen);
    ld_store_close(s);
    if (!err && empty) {
        *half_made = true;
        return LD_OK;
    }
    if (err == LD_ERR_NOMEM)
        return err;
    ld_store__msg(msg, msglen, "store %s: already exists%s", path,
                  err ? " (not a store this latedoor can open): move it aside to make a new one"
                      : "");
    return LD_ERR_DUPLICATE;
}

ld_err ld_store__sync_file(const char *path, const char *what, const char *name, char *msg,
                           size_t msglen)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        ld_store__msg(msg, msglen, "%s %s: reopen %s: %s", what, name, path, strerror(errno));
        return LD_ERR_IO;
    }
    ld_err err = LD_OK;
    if (fsync(fd) != 0) {
        ld_store__msg(msg, msglen, "%s %s: fsync: %s", what, name, strerror(errno));
        err = errno == ENOSPC ? LD_ERR_FULL : LD_ERR_IO;
    }
    if (close(fd) != 0 && !err) {
        ld_store__msg(msg, msglen, "%s %s: close: %s", what, name, strerror(errno));
        err = LD_ERR_IO;
    }
    return err;
}

/*
 * Puts the finished temporary store tmp at path: over a half-made store with rename(), else
 * with renameat2(RENAME_NOREPLACE), so a store another `latedoor init` put there meanwhile is
 * never overwritten.
 */
static ld_err put_in_place(const char *tmp, const char *path, bool half_made, char *msg,
                           size_t msglen)
{
    int rc;
    if (half_made) {
        remove_companions(path); /* an old -wal must not be replayed into the new file */
        rc = rename(tmp, path);
    } else {
        rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
    }
    if (rc == 0)
        return LD_OK;
    ld_store__msg(msg, msglen, "store %s: %s", path,
                  errno == EEXIST ? "already exists" : strerror(errno));
    return errno == EEXIST ? LD_ERR_DUPLICATE : LD_ERR_IO;
}

ld_err ld_store_create(const char *path, const char *device_id, const struct ld_store_options *opt,
                       struct ld_store **out, char *msg, size_t msglen)
{
    struct ld_store *s = NULL;
    char tmp[PATH_MAX];
    bool half_made = false, made_tmp = false;

    ld_err err = check_path(path, msg, msglen);
    if (err)
        return err;
    if (!out) {
        ld_store__msg(msg, msglen, "store %s: no handle to open into", path);
        return LD_ERR_INVALID;
    }
    if (!ld_store__is_token(device_id, LD_DEVICE_ID_MAX, "._-")) {
        ld_store__msg(msg, msglen,
                      "store %s: device id: must be 1 to %d letters, digits, '.', '_' or '-'", path,
                      LD_DEVICE_ID_MAX);
        return LD_ERR_INVALID;
    }
    err = check_existing(path, &half_made, msg, msglen);
    if (err)
        return err;

    /*
     * Built whole in a temporary file beside path, synced, then renamed into place: a power cut
     * or a kill leaves either no store (and perhaps a stray path.init-XXXXXX) or a whole one.
     */
    snprintf(tmp, sizeof tmp, "%s.init-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        ld_store__msg(msg, msglen, "store %s: create %s: %s", path, tmp, strerror(errno));
        return errno == ENOSPC ? LD_ERR_FULL : LD_ERR_IO;
    }
    made_tmp = true;
    /* umask may have taken bits away; set exactly 0600 before any data goes in. */
    int rc = fchmod(fd, STORE_MODE);
    int e = errno;
    close(fd);
    if (rc != 0) {
        ld_store__msg(msg, msglen, "store %s: chmod 0600: %s", tmp, strerror(e));
        err = LD_ERR_IO;
        goto out;
    }
    create_step(LD_STORE__CREATE_TEMP_MADE);
    err = store_new(tmp, opt, &s, msg, msglen);
    if (!err)
        err = store_connect(s, msg, msglen);
    if (!err)
        err = initialise(s, device_id, msg, msglen);
    if (err)
        goto out;
    create_step(LD_STORE__CREATE_SCHEMA_MADE);
    ld_store_close(s); /* checkpoints: the temporary file now holds everything */
    s = NULL;
    err = ld_store__sync_file(tmp, "store", path, msg, msglen);
    if (err)
        goto out;
    create_step(LD_STORE__CREATE_SYNCED);
    err = put_in_place(tmp, path, half_made, msg, msglen);
    if (err)
        goto out;
    made_tmp = false;
    create_step(LD_STORE__CREATE_RENAMED);
    err = ld_store__sync_dir(path, msg, msglen);
    if (!err)
        err = ld_store_open(path, opt, out, msg, msglen);
out:
    ld_store_close(s);
    if (made_tmp)
        remove_files(tmp);
    return err;
}

void ld_store_close(struct ld_store *store)
{
    if (!store)
        return;
    for (size_t i = 0; i < LD_STORE__SLOTS; i++)
        sqlite3_finalize(store->cached[i]);
    /* sqlite3_close only fails while statements are open, and every one is finalized above. */
    (void)sqlite3_close(store->db);
    free(store->path);
    free(store);
}

ld_err ld_store_device_id(const struct ld_store *store, char out[LD_DEVICE_ID_MAX + 1], char *msg,
                          size_t msglen)
{
    if (!store || !out) {
        ld_store__msg(msg, msglen, "store: device id: no store or no buffer given");
        return LD_ERR_INVALID;
    }
    memcpy(out, store->device_id, sizeof store->device_id);
    return LD_OK;
}
