/* central_sqlite.c: the central store in one SQLite file, the embedded default. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "central_backend.h"
#include "store.h"

/* PRAGMA application_id of a latedoor central store: "LDCS". */
#define SQ_APPLICATION_ID  0x4C444353
#define SQ_BUSY_TIMEOUT_MS 5000

#define BAD(err, ...) central__fail(err, msg, msglen, __VA_ARGS__)

/*
 * The schema, one script per version; version N is reached by running scripts 1..N. Never edit
 * a script once shipped: add the next one. Every version is kept as a fixture
 * (tests/central/fixtures/v*.sqlite.sql) that the migration test opens. Tables are STRICT, so a
 * value of the wrong type cannot be stored by anyone; lengths are checked in bytes.
 */
static const char *const sq_migrations[LD_CENTRAL_SCHEMA_VERSION] = {
    /* 1: schools, devices, the roster, content versions, the merged event log */
    "CREATE TABLE schools ("
    " id TEXT PRIMARY KEY CHECK (length(CAST(id AS BLOB)) BETWEEN 1 AND 32),"
    " name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 64),"
    " created_ms INTEGER NOT NULL) STRICT;"
    "CREATE TABLE devices ("
    " id TEXT PRIMARY KEY CHECK (length(CAST(id AS BLOB)) BETWEEN 1 AND 32),"
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " role_name TEXT UNIQUE,"
    " created_ms INTEGER NOT NULL) STRICT;"
    "CREATE TABLE pupils ("
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " upn TEXT NOT NULL CHECK (length(CAST(upn AS BLOB)) BETWEEN 1 AND 13),"
    " ord INTEGER NOT NULL,"
    " legal_first TEXT NOT NULL, legal_last TEXT NOT NULL,"
    " preferred_first TEXT NOT NULL, preferred_last TEXT NOT NULL,"
    " year TEXT NOT NULL, class_name TEXT NOT NULL, family TEXT NOT NULL,"
    " flags INTEGER NOT NULL,"
    " PRIMARY KEY (school_id, upn)) STRICT;"
    "CREATE TABLE cards ("
    " school_id TEXT NOT NULL,"
    " card TEXT NOT NULL CHECK (length(CAST(card AS BLOB)) BETWEEN 2 AND 20),"
    " upn TEXT NOT NULL,"
    " PRIMARY KEY (school_id, card),"
    " FOREIGN KEY (school_id, upn) REFERENCES pupils (school_id, upn) ON DELETE CASCADE)"
    " STRICT;"
    "CREATE INDEX cards_pupil ON cards (school_id, upn);"
    "CREATE TABLE versions ("
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " part TEXT NOT NULL CHECK (part IN ('roster', 'calendar', 'settings')),"
    " version INTEGER NOT NULL CHECK (version >= 0),"
    " digest TEXT NOT NULL,"
    " PRIMARY KEY (school_id, part)) STRICT;"
    "CREATE TABLE events ("
    " global_seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " school_id TEXT NOT NULL,"
    " device_id TEXT NOT NULL CHECK (length(CAST(device_id AS BLOB)) BETWEEN 1 AND 32),"
    " seq INTEGER NOT NULL CHECK (seq >= 1),"
    " uuid TEXT NOT NULL CHECK (length(CAST(uuid AS BLOB)) = 36),"
    " kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 7),"
    " at_ms INTEGER NOT NULL, mono_ms INTEGER NOT NULL,"
    " boot_id TEXT NOT NULL CHECK (length(CAST(boot_id AS BLOB)) <= 36),"
    " clock_state INTEGER NOT NULL CHECK (clock_state BETWEEN 0 AND 3),"
    " upn TEXT NOT NULL CHECK (length(CAST(upn AS BLOB)) <= 13),"
    " card TEXT NOT NULL CHECK (length(CAST(card AS BLOB)) <= 20),"
    " source INTEGER NOT NULL CHECK (source BETWEEN 1 AND 5),"
    " staff TEXT NOT NULL CHECK (length(CAST(staff AS BLOB)) <= 64),"
    " reason TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) <= 200),"
    " ref_device TEXT NOT NULL CHECK (length(CAST(ref_device AS BLOB)) <= 32),"
    " ref_seq INTEGER NOT NULL CHECK (ref_seq >= 0),"
    " fixed_at_ms INTEGER NOT NULL,"
    " received_ms INTEGER NOT NULL,"
    " UNIQUE (device_id, seq), UNIQUE (uuid)) STRICT;"
    "CREATE INDEX events_school_order ON events (school_id, global_seq);"
    "CREATE TRIGGER events_append_only BEFORE UPDATE ON events"
    " BEGIN SELECT RAISE(ABORT, 'latedoor events are append-only'); END;",

    /* 2: the calendar and settings written at the centre */
    "CREATE TABLE calendar_terms ("
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " ord INTEGER NOT NULL,"
    " name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 63),"
    " start_day TEXT NOT NULL, end_day TEXT NOT NULL,"
    " PRIMARY KEY (school_id, ord)) STRICT;"
    "CREATE TABLE calendar_closed ("
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " day TEXT NOT NULL,"
    " label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) <= 64),"
    " PRIMARY KEY (school_id, day)) STRICT;"
    "CREATE TABLE settings ("
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 64),"
    " value TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) <= 1024),"
    " PRIMARY KEY (school_id, key)) STRICT;",

    /* 3: register marks imported from the school's MIS */
    "CREATE TABLE mis_marks ("
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " upn TEXT NOT NULL CHECK (length(CAST(upn AS BLOB)) = 13),"
    " day TEXT NOT NULL CHECK (length(CAST(day AS BLOB)) = 10),"
    " session INTEGER NOT NULL CHECK (session IN (0, 1)),"
    " code TEXT NOT NULL CHECK (length(CAST(code AS BLOB)) BETWEEN 1 AND 2),"
    " minutes INTEGER NOT NULL CHECK (minutes BETWEEN -1 AND 1440),"
    " PRIMARY KEY (school_id, upn, day, session)) STRICT;",

    /* 4 (branch truth-core, issue 11): the pupils' admission and leaving
     * dates, "YYYY-MM-DD" or NULL */
    "ALTER TABLE pupils ADD COLUMN admitted TEXT"
    " CHECK (admitted IS NULL OR length(CAST(admitted AS BLOB)) = 10);"
    "ALTER TABLE pupils ADD COLUMN leaving TEXT"
    " CHECK (leaving IS NULL OR length(CAST(leaving AS BLOB)) = 10);",

    /* 5 (branch office-app): the office application's records (users, sessions, call logs,
     * letters) and its append-only audit log */
    "CREATE TABLE office_records ("
    " kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),"
    " key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 128),"
    " school_id TEXT NOT NULL CHECK (length(CAST(school_id AS BLOB)) <= 32),"
    " value TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) <= 2048),"
    " updated_ms INTEGER NOT NULL CHECK (updated_ms >= 0),"
    " PRIMARY KEY (kind, key)) STRICT;"
    "CREATE INDEX office_records_school ON office_records (kind, school_id, key);"
    "CREATE TABLE office_audit ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at_ms INTEGER NOT NULL,"
    " school_id TEXT NOT NULL CHECK (length(CAST(school_id AS BLOB)) <= 32),"
    " who TEXT NOT NULL CHECK (length(CAST(who AS BLOB)) BETWEEN 1 AND 64),"
    " what TEXT NOT NULL CHECK (length(CAST(what AS BLOB)) BETWEEN 1 AND 400)) STRICT;"
    "CREATE INDEX office_audit_school ON office_audit (school_id, seq);"
    "CREATE TRIGGER office_audit_no_update BEFORE UPDATE ON office_audit"
    " BEGIN SELECT RAISE(ABORT, 'latedoor office audit is append-only'); END;"
    "CREATE TRIGGER office_audit_no_delete BEFORE DELETE ON office_audit"
    " BEGIN SELECT RAISE(ABORT, 'latedoor office audit is append-only'); END;",

    /* 6 (branch central-trust, issue 13): a device may be disabled */
    "ALTER TABLE devices ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1));",

    /* 7 (branch office-corrections): office records of kind 5, the last MIS export; SQLite
     * cannot change a CHECK, so the table is made again with its rows */
    "CREATE TABLE office_records_6 ("
    " kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),"
    " key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 128),"
    " school_id TEXT NOT NULL CHECK (length(CAST(school_id AS BLOB)) <= 32),"
    " value TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) <= 2048),"
    " updated_ms INTEGER NOT NULL CHECK (updated_ms >= 0),"
    " PRIMARY KEY (kind, key)) STRICT;"
    "INSERT INTO office_records_6 SELECT kind, key, school_id, value, updated_ms"
    " FROM office_records;"
    "DROP TABLE office_records;"
    "ALTER TABLE office_records_6 RENAME TO office_records;"
    "CREATE INDEX office_records_school ON office_records (kind, school_id, key);",

    /* 8 (branch central-sum, issue 12): every event's checksum, computed for the rows already
     * stored (ld_event_sum, registered for the migration); the append-only trigger is lifted
     * only inside this transaction */
    "ALTER TABLE events ADD COLUMN sum TEXT NOT NULL DEFAULT ''"
    " CHECK (sum = '' OR (length(sum) = 64 AND sum NOT GLOB '*[^0-9a-f]*'));"
    "DROP TRIGGER events_append_only;"
    "UPDATE events SET sum = ld_event_sum(device_id, seq, uuid, kind, at_ms, mono_ms,"
    " boot_id, clock_state, upn, card, source, staff, reason, ref_device, ref_seq, fixed_at_ms);"
    "CREATE TRIGGER events_append_only BEFORE UPDATE ON events"
    " BEGIN SELECT RAISE(ABORT, 'latedoor events are append-only'); END;",

    /*
     * 9 (branch office-devices, issues 14 and 15): event kind 8, a wrong staff PIN (the CHECK's
     * text widened in place, as the device store does: every row meets the wider one, and the
     * log is not copied); each device's last status report, one row per device, written by
     * ld_central_status_put only for the device it names.
     */
    "PRAGMA writable_schema=ON;"
    "UPDATE sqlite_schema SET sql = replace(sql,"
    " 'CHECK (kind BETWEEN 1 AND 7)', 'CHECK (kind BETWEEN 1 AND 8)')"
    " WHERE type = 'table' AND name = 'events';"
    "PRAGMA writable_schema=OFF;"
    "CREATE TABLE device_status ("
    " device_id TEXT PRIMARY KEY REFERENCES devices (id),"
    " school_id TEXT NOT NULL REFERENCES schools (id),"
    " device_ms INTEGER NOT NULL CHECK (device_ms BETWEEN 0 AND 253402300799999),"
    " received_ms INTEGER NOT NULL CHECK (received_ms >= 0),"
    " pending INTEGER NOT NULL CHECK (pending >= 0),"
    " oldest_pending_ms INTEGER NOT NULL CHECK (oldest_pending_ms BETWEEN 0 AND 253402300799999),"
    " last_sync_ms INTEGER NOT NULL CHECK (last_sync_ms BETWEEN 0 AND 253402300799999),"
    " last_error TEXT NOT NULL CHECK (length(CAST(last_error AS BLOB)) <= 255),"
    " last_error_ms INTEGER NOT NULL CHECK (last_error_ms BETWEEN 0 AND 253402300799999),"
    " clock_state INTEGER NOT NULL CHECK (clock_state BETWEEN 0 AND 3),"
    " reader TEXT NOT NULL CHECK (length(CAST(reader AS BLOB)) BETWEEN 1 AND 120),"
    " reader_ms INTEGER NOT NULL CHECK (reader_ms BETWEEN 0 AND 253402300799999),"
    " version TEXT NOT NULL CHECK (length(CAST(version AS BLOB)) BETWEEN 1 AND 32)) STRICT;",
};

struct sq {
    sqlite3 *db;
    enum ld_central_role role;
    char path[PATH_MAX];
    sqlite3_stmt *ins_event; /* kept across pushes */
    sqlite3_stmt *get_event;
};

/* ---- plumbing ---- */

static ld_err map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return LD_ERR_BUSY;
    case SQLITE_FULL:
        return LD_ERR_FULL;
    case SQLITE_NOMEM:
        return LD_ERR_NOMEM;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return LD_ERR_CORRUPT;
    case SQLITE_CONSTRAINT:
        return LD_ERR_INVALID;
    case SQLITE_CANTOPEN:
        return LD_ERR_NOT_FOUND;
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_READONLY:
        return LD_ERR_AUTH;
    default:
        return LD_ERR_IO;
    }
}

static ld_err sq_fail(struct sq *s, int rc, const char *what, char *msg, size_t msglen)
{
    return BAD(map_rc(rc), "%s: %s (SQLite %d)", what, s->db ? sqlite3_errmsg(s->db) : "", rc);
}

static ld_err exec(struct sq *s, const char *sql, const char *what, char *msg, size_t msglen)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? LD_OK : sq_fail(s, rc, what, msg, msglen);
}

static ld_err prep(struct sq *s, const char *sql, sqlite3_stmt **st, char *msg, size_t msglen)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        *st = NULL;
        return sq_fail(s, rc, "prepare", msg, msglen);
    }
    return LD_OK;
}

/* Rolls back the open transaction, if any; used on every error path. */
static void rollback(struct sq *s)
{
    if (!sqlite3_get_autocommit(s->db))
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Binds text (NULL binds SQL NULL) into rc unless rc already failed. */
static int bt(sqlite3_stmt *st, int i, const char *v, int rc)
{
    if (rc != SQLITE_OK)
        return rc;
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bi(sqlite3_stmt *st, int i, int64_t v, int rc)
{
    return rc != SQLITE_OK ? rc : sqlite3_bind_int64(st, i, v);
}

static const char *row_text(void *ctx, int col, size_t *len)
{
    sqlite3_stmt *st = ctx;
    if (sqlite3_column_type(st, col) != SQLITE_TEXT)
        return NULL;
    const char *s = (const char *)sqlite3_column_text(st, col);
    *len = (size_t)sqlite3_column_bytes(st, col);
    return s;
}

static bool row_int(void *ctx, int col, int64_t *v)
{
    sqlite3_stmt *st = ctx;
    if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
        return false;
    *v = sqlite3_column_int64(st, col);
    return true;
}

static struct central__row row_of(sqlite3_stmt *st)
{
    return (struct central__row){row_text, row_int, st};
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- open, close, schema ---- */

/* statfs, or what a test put in its place (ld_central_set_statfs). */
static int (*sq_statfs)(const char *path, struct statfs *out) = statfs;

void ld_central_set_statfs(int (*fn)(const char *path, struct statfs *out))
{
    sq_statfs = fn ? fn : statfs;
}

/* Returns the name of a network or remote file system type, or NULL for a local one. */
static const char *network_fs(long type)
{
    static const struct {
        long magic;
        const char *name;
    } remote[] = {
        {0x6969, "NFS"},
        {0x517B, "SMB"},
        {(long)0xFF534D42, "CIFS"},
        {(long)0xFE534D42, "SMB2"},
        {0x01021997, "9p"},
        {0x65735546, "FUSE (sshfs and the like)"},
        {0x5346414F, "AFS"},
        {0x73757245, "Coda"},
        {0x00C36400, "Ceph"},
        {0x564C, "NCP"},
        {0x01161970, "GFS2"},
        {0x7461636F, "OCFS2"},
    };
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++)
        if ((type & 0xFFFFFFFFL) == (remote[i].magic & 0xFFFFFFFFL))
            return remote[i].name;
    return NULL;
}

/*
 * Refuses a store on a network file system: SQLite's WAL needs shared memory that only one
 * machine's processes share, and network locking is not to be trusted, so two machines would
 * corrupt it. The directory is asked (the file may not exist yet).
 */
static ld_err local_disk(const char *target, char *msg, size_t msglen)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", target);
    const char *dir = dirname(copy);
    struct statfs fs;
    if (sq_statfs(dir, &fs) != 0)
        return BAD(errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO, "cannot inspect %s: %s", dir,
                   strerror(errno));
    const char *name = network_fs((long)fs.f_type);
    if (name)
        return BAD(LD_ERR_UNSUPPORTED,
                   "%s is on a network file system (%s): refused. An SQLite store there is "
                   "corrupted as soon as two machines use it (WAL needs memory shared on one "
                   "machine; network locks are not reliable). Keep the file on the local disk of "
                   "the one machine that runs latedoor, or use PostgreSQL for a store several "
                   "machines reach (docs/central.md)",
                   target, name);
    return LD_OK;
}

static ld_err sq_open(const char *target, const char *password, enum ld_central_role role,
                      void **impl, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct sq *s = calloc(1, sizeof *s);
    if (!s)
        return BAD(LD_ERR_NOMEM, "out of memory");
    if (strlen(target) >= sizeof s->path) {
        err = BAD(LD_ERR_INVALID, "path too long");
        goto out;
    }
    s->role = role;
    if ((err = local_disk(target, msg, msglen)))
        goto out;
    if (role == LD_CENTRAL_ADMIN) {
        struct stat st;
        /* Created here, mode 0600, so the service user alone can read it; SQLite gives its -wal
         * and -shm files the same mode. Only ever a new file (O_EXCL): closing a descriptor of a
         * file this process already has open through SQLite would drop every POSIX lock the
         * process holds on it, and another process could then checkpoint under our feet. */
        int fd = open(target, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            close(fd);
        } else if (errno != EEXIST) {
            err = BAD(errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO, "cannot create %s: %s",
                      target, strerror(errno));
            goto out;
        } else if (lstat(target, &st) != 0) {
            err = BAD(LD_ERR_IO, "cannot open %s: %s", target, strerror(errno));
            goto out;
        } else if (!S_ISREG(st.st_mode)) {
            err = BAD(LD_ERR_IO, "cannot open %s: not a regular file (a link is not followed)",
                      target);
            goto out;
        }
    } else if (access(target, F_OK) != 0) {
        err = BAD(LD_ERR_NOT_FOUND, "no store at %s (the admin creates it: latedoor central init)",
                  target);
        goto out;
    }
    if (!realpath(target, s->path)) {
        err = BAD(LD_ERR_IO, "%s: %s", target, strerror(errno));
        goto out;
    }
    int rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err = sq_fail(s, rc, "open", msg, msglen);
        goto out;
    }
    sqlite3_extended_result_codes(s->db, 1);
    rc = sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
    if (rc != SQLITE_OK) {
        err = sq_fail(s, rc, "busy timeout", msg, msglen);
        goto out;
    }
    /* The first statement reads the header: a file that is not a database fails here. */
    err = exec(s,
               "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;"
               "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
               "open", msg, msglen);
    if (err)
        goto out;
    *impl = s;
    s = NULL;
out:
    if (s) {
        sqlite3_close(s->db);
        free(s);
    }
    return err;
}

static void sq_close(void *impl)
{
    struct sq *s = impl;
    if (!s)
        return;
    sqlite3_finalize(s->ins_event);
    sqlite3_finalize(s->get_event);
    sqlite3_close(s->db);
    free(s);
}

static bool sq_uses_tls(void *impl)
{
    return false;
}

static const char *sq_login_device(void *impl)
{
    return "";
}

static ld_err pragma_int(struct sq *s, const char *sql, int64_t *v, char *msg, size_t msglen)
{
    sqlite3_stmt *st;
    ld_err err = prep(s, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    else
        err = sq_fail(s, rc, sql, msg, msglen);
    sqlite3_finalize(st);
    return err;
}

/* Reads the version, refusing files that belong to something else. */
static ld_err read_version(struct sq *s, int64_t *version, char *msg, size_t msglen)
{
    int64_t app = 0, ver = 0, tables = 0;
    ld_err err = pragma_int(s, "PRAGMA application_id", &app, msg, msglen);
    if (!err)
        err = pragma_int(s, "PRAGMA user_version", &ver, msg, msglen);
    if (!err)
        err = pragma_int(s,
                         "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                         "name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                         &tables, msg, msglen);
    if (err)
        return err;
    if (app != 0 && app != SQ_APPLICATION_ID)
        return BAD(LD_ERR_CORRUPT,
                   "%s belongs to another program (application id 0x%08" PRIx64
                   "): not a latedoor central store",
                   s->path, app);
    if (ver == 0 && tables > 0)
        return BAD(LD_ERR_CORRUPT,
                   "%s holds %" PRId64 " tables but no schema version: not a latedoor central "
                   "store (is it a device store?)",
                   s->path, tables);
    *version = ver;
    return LD_OK;
}

static ld_err sq_schema_version(void *impl, int *version, char *msg, size_t msglen)
{
    int64_t v = 0;
    ld_err err = read_version(impl, &v, msg, msglen);
    if (!err)
        *version = (int)v;
    return err;
}

static ld_err sq_migrate(void *impl, int target, int *from, int *to, char *msg, size_t msglen)
{
    struct sq *s = impl;
    int64_t v = 0;
    char sql[96];
    ld_err err = exec(s, "BEGIN IMMEDIATE", "init", msg, msglen);
    if (err)
        return err;
    err = read_version(s, &v, msg, msglen);
    if (err)
        goto out;
    if (v > LD_CENTRAL_SCHEMA_VERSION) {
        err = BAD(LD_ERR_UNSUPPORTED,
                  "init: schema version %" PRId64 " is newer than this build's %d: refused, "
                  "nothing changed",
                  v, LD_CENTRAL_SCHEMA_VERSION);
        goto out;
    }
    *from = (int)v;
    /* The device store's SQL ld_event_sum (store_sum.c): the events table's columns are the
     * device store's, in the same order, so version 8's sums are the devices'. */
    if (ld_store__register_sum(s->db) != SQLITE_OK) {
        err = sq_fail(s, sqlite3_errcode(s->db), "init: checksum function", msg, msglen);
        goto out;
    }
    for (int64_t next = v + 1; next <= target; next++) {
        int rc = ld_store__run_migration(s->db, sq_migrations[next - 1], NULL);
        if (rc != SQLITE_OK) {
            err = sq_fail(s, rc, "init: migration", msg, msglen);
            goto out;
        }
    }
    if (target > v) {
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d", target,
                 SQ_APPLICATION_ID);
        err = exec(s, sql, "init: version", msg, msglen);
        if (err)
            goto out;
    }
    err = exec(s, "COMMIT", "init: commit", msg, msglen);
    *to = target > v ? target : (int)v;
out:
    if (err)
        rollback(s);
    return err;
}

/* ---- schools and devices ---- */

/* Sets *found to whether the school exists. */
static ld_err school_exists(struct sq *s, const char *school, bool *found, char *msg, size_t msglen)
{
    sqlite3_stmt *st;
    ld_err err = prep(s, "SELECT 1 FROM schools WHERE id = ?", &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 1, school, SQLITE_OK);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        *found = rc == SQLITE_ROW;
    else
        err = sq_fail(s, rc, "school lookup", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_school_add(void *impl, const char *id, const char *name, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    bool found = false;
    ld_err err = exec(s, "BEGIN IMMEDIATE", "school add", msg, msglen);
    if (err)
        return err;
    err = school_exists(s, id, &found, msg, msglen);
    if (!err && found)
        err = BAD(LD_ERR_DUPLICATE, "school add: school %s already exists", id);
    if (!err)
        err = prep(s, "INSERT INTO schools (id, name, created_ms) VALUES (?, ?, ?)", &st, msg,
                   msglen);
    if (!err) {
        int rc = bi(st, 3, now_ms(), bt(st, 2, name, bt(st, 1, id, SQLITE_OK)));
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = sq_fail(s, rc, "school add", msg, msglen);
    }
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "school add: commit", msg, msglen);
    if (err)
        rollback(s);
    return err;
}

static ld_err sq_schools(void *impl, const char *id, struct ld_central_school *out, size_t cap,
                         size_t *n, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st;
    size_t got = 0;
    ld_err err = prep(s,
                      id ? "SELECT id, name FROM schools WHERE id = ?1 ORDER BY id"
                         : "SELECT id, name FROM schools ORDER BY id",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc = id ? bt(st, 1, id, SQLITE_OK) : SQLITE_OK;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        if (got < cap) {
            struct central__row r = row_of(st);
            err = central__row_str(&r, 0, out[got].id, sizeof out[got].id, false, "schools row",
                                   "id", msg, msglen);
            if (!err)
                err = central__row_str(&r, 1, out[got].name, sizeof out[got].name, false,
                                       "schools row", "name", msg, msglen);
            if (err)
                break;
        }
        got++;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "schools", msg, msglen);
    sqlite3_finalize(st);
    if (!err && got > cap)
        err = BAD(LD_ERR_RANGE, "schools: %zu schools, more than %zu", got, cap);
    if (!err || err == LD_ERR_RANGE)
        *n = got < cap ? got : cap;
    return err;
}

static ld_err sq_device_school(void *impl, const char *device, char school[LD_CENTRAL_ID_MAX + 1],
                               char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st;
    ld_err err = prep(s, "SELECT school_id, disabled FROM devices WHERE id = ?", &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 1, device, SQLITE_OK);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct central__row r = row_of(st);
        err = central__row_str(&r, 0, school, LD_CENTRAL_ID_MAX + 1, false, "devices row",
                               "school_id", msg, msglen);
        if (!err && s->role == LD_CENTRAL_DEVICE && sqlite3_column_int(st, 1) != 0)
            err = BAD(LD_ERR_AUTH, DEVICE_DISABLED_MSG, device);
    } else if (rc == SQLITE_DONE) {
        err = BAD(LD_ERR_NOT_FOUND, "device %s: no such device", device);
    } else {
        err = sq_fail(s, rc, "device lookup", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_device_set(void *impl, const char *name, enum ld_central_device_action action,
                            struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    (void)cred;
    if (action == LD_CENTRAL_DEVICE_ROTATE)
        return BAD(LD_ERR_UNSUPPORTED,
                   "device %s: an SQLite store has no passwords to rotate: whoever can open the "
                   "file is trusted (disable the device instead)",
                   name);
    ld_err err = prep(s, "UPDATE devices SET disabled = ? WHERE id = ?", &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 2, name, bi(st, 1, action == LD_CENTRAL_DEVICE_DISABLE, SQLITE_OK));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "device", msg, msglen);
    else if (sqlite3_changes(s->db) == 0)
        err = BAD(LD_ERR_NOT_FOUND, "device %s: no such device", name);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_device_add(void *impl, const char *school, const char *name,
                            struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    bool found = false;
    char other[LD_CENTRAL_ID_MAX + 1];
    ld_err err = exec(s, "BEGIN IMMEDIATE", "device add", msg, msglen);
    if (err)
        return err;
    err = school_exists(s, school, &found, msg, msglen);
    if (!err && !found)
        err =
            BAD(LD_ERR_NOT_FOUND, "device add: no school %s (latedoor central school add)", school);
    if (!err) {
        err = sq_device_school(s, name, other, msg, msglen);
        if (err == LD_OK)
            err = BAD(LD_ERR_DUPLICATE, "device add: device %s already exists (school %s)", name,
                      other);
        else if (err == LD_ERR_NOT_FOUND)
            err = LD_OK;
    }
    if (!err)
        err = prep(s,
                   "INSERT INTO devices (id, school_id, role_name, created_ms) "
                   "VALUES (?, ?, NULL, ?)",
                   &st, msg, msglen);
    if (!err) {
        int rc = bi(st, 3, now_ms(), bt(st, 2, school, bt(st, 1, name, SQLITE_OK)));
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = sq_fail(s, rc, "device add", msg, msglen);
    }
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "device add: commit", msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    snprintf(cred->device_id, sizeof cred->device_id, "%s", name);
    snprintf(cred->school, sizeof cred->school, "%s", school);
    if (snprintf(cred->url, sizeof cred->url, "sqlite:%s", s->path) >= (int)sizeof cred->url)
        return BAD(LD_ERR_RANGE, "device add: the store's path is too long for a URL");
    return LD_OK;
}

/* ---- versions ---- */

/* Reads the version and digest of part (0 and "" before the first put). */
static ld_err read_part(struct sq *s, const char *school, enum central__part part, int64_t *v,
                        char digest[CENTRAL_DIGEST_HEX], char *msg, size_t msglen)
{
    sqlite3_stmt *st;
    bool found = false;
    ld_err err = school_exists(s, school, &found, msg, msglen);
    if (!err && !found)
        err = BAD(LD_ERR_NOT_FOUND, "school %s: no such school", school);
    if (!err)
        err = prep(s, "SELECT version, digest FROM versions WHERE school_id = ? AND part = ?", &st,
                   msg, msglen);
    if (err)
        return err;
    *v = 0;
    if (digest)
        digest[0] = '\0';
    int rc = bt(st, 2, central__part_name(part), bt(st, 1, school, SQLITE_OK));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct central__row r = row_of(st);
        char where[96];
        snprintf(where, sizeof where, "versions row %s/%s", school, central__part_name(part));
        err = central__row_int(&r, 0, 0, INT64_MAX, v, where, "version", msg, msglen);
        if (!err && digest)
            err = central__row_str(&r, 1, digest, CENTRAL_DIGEST_HEX, false, where, "digest", msg,
                                   msglen);
    } else if (rc != SQLITE_DONE) {
        err = sq_fail(s, rc, "version", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_version(void *impl, const char *school, enum central__part part, int64_t *version,
                         char *msg, size_t msglen)
{
    return read_part(impl, school, part, version, NULL, msg, msglen);
}

/*
 * Opens the write transaction of a put and says whether it is needed: *same is true when the
 * stored digest is digest (then the transaction is already committed).
 */
static ld_err put_begin(struct sq *s, const char *school, enum central__part part,
                        const char *digest, int64_t *v, bool *same, char *msg, size_t msglen)
{
    char stored[CENTRAL_DIGEST_HEX];
    ld_err err = exec(s, "BEGIN IMMEDIATE", central__part_name(part), msg, msglen);
    if (err)
        return err;
    err = read_part(s, school, part, v, stored, msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    *same = *v > 0 && !strcmp(stored, digest);
    if (*same) {
        err = exec(s, "COMMIT", "commit", msg, msglen);
        if (err)
            rollback(s);
    }
    return err;
}

/* Deletes the school's rows of table. */
static ld_err delete_school_rows(struct sq *s, const char *table, const char *school, char *msg,
                                 size_t msglen)
{
    char sql[96];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE school_id = ?", table);
    ld_err err = prep(s, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 1, school, SQLITE_OK);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "delete", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

/* Bumps the version, stores the digest and commits. */
static ld_err put_end(struct sq *s, const char *school, enum central__part part, const char *digest,
                      int64_t *v, char *msg, size_t msglen)
{
    sqlite3_stmt *st;
    ld_err err = prep(s,
                      "INSERT INTO versions (school_id, part, version, digest) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT (school_id, part) DO UPDATE SET version = excluded.version,"
                      " digest = excluded.digest",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 4, digest,
                bi(st, 3, *v + 1, bt(st, 2, central__part_name(part), bt(st, 1, school, 0))));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "version", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (!err)
        *v += 1;
    return err;
}

/* ---- roster ---- */

static ld_err sq_put_roster(void *impl, const char *school, const struct ld_roster *roster,
                            const char *digest, int64_t *version, bool *changed, char *msg,
                            size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *pst = NULL, *cst = NULL;
    bool same = false;
    int64_t v = 0;
    ld_err err = put_begin(s, school, CENTRAL_PART_ROSTER, digest, &v, &same, msg, msglen);
    if (err)
        return err;
    if (same) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    err = delete_school_rows(s, "cards", school, msg, msglen);
    if (!err)
        err = delete_school_rows(s, "pupils", school, msg, msglen);
    if (!err)
        err = prep(s,
                   "INSERT INTO pupils (school_id, upn, ord, legal_first, legal_last, "
                   "preferred_first, preferred_last, year, class_name, family, flags, admitted, "
                   "leaving) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &pst, msg, msglen);
    if (!err)
        err =
            prep(s, "INSERT INTO cards (school_id, card, upn) VALUES (?, ?, ?)", &cst, msg, msglen);
    for (size_t i = 0; !err && i < roster->count; i++) {
        const struct ld_roster_pupil *p = &roster->pupils[i];
        int rc = bt(pst, 1, school, SQLITE_OK);
        rc = bt(pst, 2, p->upn, rc);
        rc = bi(pst, 3, (int64_t)i, rc);
        rc = bt(pst, 4, p->legal_first, rc);
        rc = bt(pst, 5, p->legal_last, rc);
        rc = bt(pst, 6, p->preferred_first, rc);
        rc = bt(pst, 7, p->preferred_last, rc);
        rc = bt(pst, 8, p->year, rc);
        rc = bt(pst, 9, p->class_name, rc);
        rc = bt(pst, 10, p->family, rc);
        rc = bi(pst, 11, p->flags, rc);
        char adm[LD_DATE_STRLEN], lv[LD_DATE_STRLEN];
        ld_date_format(p->admitted, adm);
        ld_date_format(p->left, lv);
        rc = bt(pst, 12, p->has_admitted ? adm : NULL, rc);
        rc = bt(pst, 13, p->has_left ? lv : NULL, rc);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(pst);
        if (rc != SQLITE_DONE) {
            err = sq_fail(s, rc, "roster put: pupils", msg, msglen);
            break;
        }
        sqlite3_reset(pst);
        if (!p->card.len)
            continue;
        char hex[LD_UID_HEXLEN];
        ld_uid_format(&p->card, hex);
        rc = bt(cst, 3, p->upn, bt(cst, 2, hex, bt(cst, 1, school, SQLITE_OK)));
        if (rc == SQLITE_OK)
            rc = sqlite3_step(cst);
        if (rc != SQLITE_DONE) {
            err = sq_fail(s, rc, "roster put: cards", msg, msglen);
            break;
        }
        sqlite3_reset(cst);
    }
    sqlite3_finalize(pst);
    sqlite3_finalize(cst);
    if (!err)
        err = put_end(s, school, CENTRAL_PART_ROSTER, digest, &v, msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

/* Counts the school's rows of table into *n. */
static ld_err count_rows(struct sq *s, const char *table, const char *school, int64_t *n, char *msg,
                         size_t msglen)
{
    char sql[96];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE school_id = ?", table);
    ld_err err = prep(s, sql, &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 1, school, SQLITE_OK);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        err = sq_fail(s, rc, "count", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

/*
 * Opens the read transaction of a get and reads the version; *fresh is true when it is
 * since (then the transaction is already closed).
 */
static ld_err get_begin(struct sq *s, const char *school, enum central__part part, int64_t since,
                        int64_t *v, bool *fresh, char *msg, size_t msglen)
{
    ld_err err = exec(s, "BEGIN", central__part_name(part), msg, msglen);
    if (!err)
        err = read_part(s, school, part, v, NULL, msg, msglen);
    if (!err && (*fresh = *v == since))
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (err)
        rollback(s);
    return err;
}

static ld_err sq_get_roster(void *impl, const char *school, int64_t since, struct ld_roster *out,
                            int64_t *version, bool *changed, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    int64_t v = 0, count = 0;
    bool fresh = false;
    size_t got = 0;
    ld_err err = get_begin(s, school, CENTRAL_PART_ROSTER, since, &v, &fresh, msg, msglen);
    if (err)
        return err;
    if (fresh) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    err = count_rows(s, "pupils", school, &count, msg, msglen);
    if (!err && count > LD_ROSTER_MAX_PUPILS)
        err = BAD(LD_ERR_CORRUPT, "pupils: %" PRId64 " rows, more than %d", count,
                  LD_ROSTER_MAX_PUPILS);
    if (!err && count > 0 && !(out->pupils = calloc((size_t)count, sizeof *out->pupils)))
        err = BAD(LD_ERR_NOMEM, "roster: out of memory");
    if (!err)
        err = prep(s,
                   "SELECT p.upn, p.legal_first, p.legal_last, p.preferred_first, "
                   "p.preferred_last, p.year, p.class_name, p.family, p.flags, c.card, "
                   "p.admitted, p.leaving "
                   "FROM pupils p LEFT JOIN cards c ON c.school_id = p.school_id AND c.upn = "
                   "p.upn WHERE p.school_id = ? ORDER BY p.ord, c.card",
                   &st, msg, msglen);
    int rc = err ? SQLITE_OK : bt(st, 1, school, SQLITE_OK);
    while (!err && rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        struct central__row r = row_of(st);
        struct ld_roster_pupil p;
        err = central__row_pupil(&r, got, &p, msg, msglen);
        if (!err && got > 0 && !strcmp(out->pupils[got - 1].upn, p.upn))
            err = BAD(LD_ERR_CORRUPT, "cards: pupil %s has more than one card", p.upn);
        else if (!err && got >= (size_t)count)
            err = BAD(LD_ERR_CORRUPT, "pupils: more rows than counted");
        if (!err)
            out->pupils[got++] = p;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "roster", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (err) {
        rollback(s);
        ld_roster_free(out);
        return err;
    }
    out->count = got;
    *version = v;
    *changed = true;
    return LD_OK;
}

/* ---- calendar ---- */

static ld_err sq_put_calendar(void *impl, const char *school, const struct ld_calendar_file *cal,
                              const char *digest, int64_t *version, bool *changed, char *msg,
                              size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *tst = NULL, *cst = NULL;
    bool same = false;
    int64_t v = 0;
    char d1[LD_DATE_STRLEN], d2[LD_DATE_STRLEN];
    ld_err err = put_begin(s, school, CENTRAL_PART_CALENDAR, digest, &v, &same, msg, msglen);
    if (err)
        return err;
    if (same) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    err = delete_school_rows(s, "calendar_terms", school, msg, msglen);
    if (!err)
        err = delete_school_rows(s, "calendar_closed", school, msg, msglen);
    if (!err)
        err = prep(s,
                   "INSERT INTO calendar_terms (school_id, ord, name, start_day, end_day) "
                   "VALUES (?, ?, ?, ?, ?)",
                   &tst, msg, msglen);
    if (!err)
        err = prep(s, "INSERT INTO calendar_closed (school_id, day, label) VALUES (?, ?, ?)", &cst,
                   msg, msglen);
    for (size_t i = 0; !err && i < cal->term_count; i++) {
        ld_date_format(cal->terms[i].start, d1);
        ld_date_format(cal->terms[i].end, d2);
        int rc = bt(tst, 1, school, SQLITE_OK);
        rc = bi(tst, 2, (int64_t)i, rc);
        rc = bt(tst, 3, cal->terms[i].name, rc);
        rc = bt(tst, 4, d1, rc);
        rc = bt(tst, 5, d2, rc);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(tst);
        if (rc != SQLITE_DONE)
            err = sq_fail(s, rc, "calendar put: terms", msg, msglen);
        sqlite3_reset(tst);
    }
    for (size_t i = 0; !err && i < cal->closed_count; i++) {
        ld_date_format(cal->closed[i].date, d1);
        int rc = bt(cst, 3, cal->closed[i].label, bt(cst, 2, d1, bt(cst, 1, school, SQLITE_OK)));
        if (rc == SQLITE_OK)
            rc = sqlite3_step(cst);
        if (rc != SQLITE_DONE)
            err = sq_fail(s, rc, "calendar put: closed days", msg, msglen);
        sqlite3_reset(cst);
    }
    sqlite3_finalize(tst);
    sqlite3_finalize(cst);
    if (!err)
        err = put_end(s, school, CENTRAL_PART_CALENDAR, digest, &v, msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

static ld_err sq_get_calendar(void *impl, const char *school, int64_t since,
                              struct ld_calendar_file *out, int64_t *version, bool *changed,
                              char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    int64_t v = 0, nt = 0, nc = 0;
    bool fresh = false;
    ld_err err = get_begin(s, school, CENTRAL_PART_CALENDAR, since, &v, &fresh, msg, msglen);
    if (err)
        return err;
    if (fresh) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    err = count_rows(s, "calendar_terms", school, &nt, msg, msglen);
    if (!err)
        err = count_rows(s, "calendar_closed", school, &nc, msg, msglen);
    if (!err && (nt > LD_CALFILE_MAX_TERMS || nc > LD_CALFILE_MAX_CLOSED))
        err = BAD(LD_ERR_CORRUPT,
                  "calendar: %" PRId64 " terms and %" PRId64 " closed days, more than %d and %d",
                  nt, nc, LD_CALFILE_MAX_TERMS, LD_CALFILE_MAX_CLOSED);
    if (!err && (!(out->terms = calloc((size_t)nt + 1, sizeof *out->terms)) ||
                 !(out->closed = calloc((size_t)nc + 1, sizeof *out->closed))))
        err = BAD(LD_ERR_NOMEM, "calendar: out of memory");
    if (!err)
        err = prep(s,
                   "SELECT name, start_day, end_day FROM calendar_terms WHERE school_id = ? "
                   "ORDER BY ord",
                   &st, msg, msglen);
    int rc = err ? SQLITE_OK : bt(st, 1, school, SQLITE_OK);
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        if (out->term_count >= (size_t)nt)
            err = BAD(LD_ERR_CORRUPT, "calendar_terms: more rows than counted");
        else
            err = central__row_term(&r, out->term_count, &out->terms[out->term_count], msg, msglen);
        if (!err)
            out->term_count++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "calendar terms", msg, msglen);
    sqlite3_finalize(st);
    st = NULL;
    if (!err)
        err = prep(s, "SELECT day, label FROM calendar_closed WHERE school_id = ? ORDER BY day",
                   &st, msg, msglen);
    rc = err ? SQLITE_OK : bt(st, 1, school, SQLITE_OK);
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        if (out->closed_count >= (size_t)nc)
            err = BAD(LD_ERR_CORRUPT, "calendar_closed: more rows than counted");
        else
            err = central__row_closed(&r, out->closed_count, &out->closed[out->closed_count], msg,
                                      msglen);
        if (!err)
            out->closed_count++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "calendar closed days", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (err) {
        rollback(s);
        ld_calendar_file_free(out);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

/* ---- settings ---- */

static ld_err sq_put_settings(void *impl, const char *school, const struct ld_central_setting *set,
                              size_t n, const char *digest, int64_t *version, bool *changed,
                              char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    bool same = false;
    int64_t v = 0;
    ld_err err = put_begin(s, school, CENTRAL_PART_SETTINGS, digest, &v, &same, msg, msglen);
    if (err)
        return err;
    if (same) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    err = delete_school_rows(s, "settings", school, msg, msglen);
    if (!err)
        err = prep(s, "INSERT INTO settings (school_id, key, value) VALUES (?, ?, ?)", &st, msg,
                   msglen);
    for (size_t i = 0; !err && i < n; i++) {
        int rc = bt(st, 3, set[i].value, bt(st, 2, set[i].key, bt(st, 1, school, SQLITE_OK)));
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = sq_fail(s, rc, "settings put", msg, msglen);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!err)
        err = put_end(s, school, CENTRAL_PART_SETTINGS, digest, &v, msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

static ld_err sq_get_settings(void *impl, const char *school, int64_t since,
                              struct ld_central_settings *out, int64_t *version, bool *changed,
                              char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    int64_t v = 0, n = 0;
    bool fresh = false;
    ld_err err = get_begin(s, school, CENTRAL_PART_SETTINGS, since, &v, &fresh, msg, msglen);
    if (err)
        return err;
    if (fresh) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    err = count_rows(s, "settings", school, &n, msg, msglen);
    if (!err && n > LD_CENTRAL_SETTINGS_MAX)
        err = BAD(LD_ERR_CORRUPT, "settings: %" PRId64 " rows, more than %d", n,
                  LD_CENTRAL_SETTINGS_MAX);
    if (!err && !(out->items = calloc((size_t)n + 1, sizeof *out->items)))
        err = BAD(LD_ERR_NOMEM, "settings: out of memory");
    if (!err)
        err = prep(s, "SELECT key, value FROM settings WHERE school_id = ? ORDER BY key", &st, msg,
                   msglen);
    int rc = err ? SQLITE_OK : bt(st, 1, school, SQLITE_OK);
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        if (out->count >= (size_t)n)
            err = BAD(LD_ERR_CORRUPT, "settings: more rows than counted");
        else
            err = central__row_setting(&r, out->count, &out->items[out->count], msg, msglen);
        if (!err)
            out->count++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "settings", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (err) {
        rollback(s);
        ld_central_settings_free(out);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

/* ---- events ---- */

/* Reads the event (device, seq) with the kept statement; *found says whether there is one. */
static ld_err get_event(struct sq *s, const char *device, int64_t seq, struct ld_central_event *ev,
                        bool *found, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    if (!s->get_event)
        err =
            prep(s, "SELECT " CENTRAL_EVENT_COLUMNS " FROM events WHERE device_id = ? AND seq = ?",
                 &s->get_event, msg, msglen);
    if (err)
        return err;
    sqlite3_stmt *st = s->get_event;
    int rc = bi(st, 2, seq, bt(st, 1, device, SQLITE_OK));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        struct central__row r = row_of(st);
        err = central__row_event(&r, ev, msg, msglen);
    } else if (rc != SQLITE_DONE) {
        err = sq_fail(s, rc, "event lookup", msg, msglen);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return err;
}

/* Explains why ev was not inserted: a stored twin (duplicate) or a conflict (error). */
static ld_err not_inserted(struct sq *s, const struct ld_central_event *ev, bool *duplicate,
                           char *msg, size_t msglen)
{
    struct ld_central_event old;
    bool found = false;
    ld_err err = get_event(s, ev->device_id, ev->seq, &old, &found, msg, msglen);
    if (err)
        return err;
    if (found) {
        const char *field = central__event_diff(&old, ev);
        if (!field) {
            *duplicate = true;
            return LD_OK;
        }
        return BAD(LD_ERR_DUPLICATE,
                   "push: device %s seq %" PRId64 " is already stored (global_seq %" PRId64
                   ") with uuid %s; this event has uuid %s and differs in field %s: refused, "
                   "nothing overwritten (was the device restored from an old backup?)",
                   ev->device_id, ev->seq, old.global_seq, old.uuid, ev->uuid, field);
    }
    sqlite3_stmt *st;
    err = prep(s, "SELECT device_id, seq FROM events WHERE uuid = ?", &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 1, ev->uuid, SQLITE_OK);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        err = BAD(LD_ERR_DUPLICATE,
                  "push: device %s seq %" PRId64 ": field uuid: %s is already stored as device "
                  "%.32s seq %" PRId64 ": refused, nothing overwritten",
                  ev->device_id, ev->seq, ev->uuid, (const char *)sqlite3_column_text(st, 0),
                  (int64_t)sqlite3_column_int64(st, 1));
    else
        err = sq_fail(s, rc, "push: an event was neither inserted nor found", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_push(void *impl, const char *device, const char *school,
                      const struct ld_central_event *ev, size_t n, struct ld_push_result *res,
                      char *msg, size_t msglen)
{
    struct sq *s = impl;
    struct ld_push_result r = {0};
    int64_t received = now_ms();
    ld_err err = LD_OK;
    if (!s->ins_event)
        err = prep(s,
                   "INSERT INTO events (school_id, device_id, seq, uuid, kind, at_ms, mono_ms, "
                   "boot_id, clock_state, upn, card, source, staff, reason, ref_device, ref_seq, "
                   "fixed_at_ms, received_ms, sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   &s->ins_event, msg, msglen);
    if (err)
        return err;
    /* IMMEDIATE: one writer at a time, so global_seq follows commit order. */
    err = exec(s, "BEGIN IMMEDIATE", "push", msg, msglen);
    if (err)
        return err;
    sqlite3_stmt *st = s->ins_event;
    for (size_t i = 0; !err && i < n; i++) {
        const struct ld_central_event *e = &ev[i];
        int rc = bt(st, 1, school, SQLITE_OK);
        rc = bt(st, 2, device, rc);
        rc = bi(st, 3, e->seq, rc);
        rc = bt(st, 4, e->uuid, rc);
        rc = bi(st, 5, e->kind, rc);
        rc = bi(st, 6, e->at_ms, rc);
        rc = bi(st, 7, e->mono_ms, rc);
        rc = bt(st, 8, e->boot_id, rc);
        rc = bi(st, 9, e->clock_state, rc);
        rc = bt(st, 10, e->upn, rc);
        rc = bt(st, 11, e->card, rc);
        rc = bi(st, 12, e->source, rc);
        rc = bt(st, 13, e->staff, rc);
        rc = bt(st, 14, e->reason, rc);
        rc = bt(st, 15, e->ref_device, rc);
        rc = bi(st, 16, e->ref_seq, rc);
        rc = bi(st, 17, e->fixed_at_ms, rc);
        rc = bi(st, 18, received, rc);
        char sum[LD_CENTRAL_SUM_LEN + 1];
        rc = bt(st, 19, central__event_sum(e, sum), rc);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            err = sq_fail(s, rc, "push", msg, msglen);
            break;
        }
        if (sqlite3_changes(s->db) == 1) {
            r.inserted++;
            r.last_global_seq = sqlite3_last_insert_rowid(s->db);
            continue;
        }
        bool dup = false;
        err = not_inserted(s, e, &dup, msg, msglen);
        if (!err)
            r.duplicates++;
    }
    sqlite3_clear_bindings(st);
    if (!err)
        err = exec(s, "COMMIT", "push: commit", msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    *res = r;
    return LD_OK;
}

static ld_err sq_pull(void *impl, const char *device, const char *school, int64_t after,
                      struct ld_central_event *out, size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st;
    size_t got = 0;
    ld_err err = prep(s,
                      "SELECT " CENTRAL_EVENT_COLUMNS " FROM events WHERE school_id = ? AND "
                      "global_seq > ? AND device_id <> ? ORDER BY global_seq LIMIT ?",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc =
        bi(st, 4, (int64_t)cap, bt(st, 3, device, bi(st, 2, after, bt(st, 1, school, SQLITE_OK))));
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        if (got >= cap) {
            err = BAD(LD_ERR_CORRUPT, "pull: more rows than the limit");
            break;
        }
        err = central__row_event_or_skip(&r, &out[got], msg, msglen);
        if (err)
            break;
        got++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "pull", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        *n = got;
    return err;
}

static ld_err sq_event_count(void *impl, const char *school, int64_t *count, char *msg,
                             size_t msglen)
{
    struct sq *s = impl;
    if (school)
        return count_rows(s, "events", school, count, msg, msglen);
    int64_t v = 0;
    ld_err err = pragma_int(s, "SELECT count(*) FROM events", &v, msg, msglen);
    if (!err)
        *count = v;
    return err;
}

static ld_err sq_event_get(void *impl, const char *device, int64_t seq,
                           struct ld_central_event *out, char *msg, size_t msglen)
{
    bool found = false;
    ld_err err = get_event(impl, device, seq, out, &found, msg, msglen);
    if (!err && !found)
        err = BAD(LD_ERR_NOT_FOUND, "event device %s seq %" PRId64 ": not stored", device, seq);
    return err;
}

/* ---- MIS marks ---- */

static ld_err sq_put_marks(void *impl, const char *school, const struct ld_central_mark *m,
                           size_t n, size_t *added, size_t *replaced, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    int64_t before = 0, after = 0;
    char day[LD_DATE_STRLEN];
    ld_err err = exec(s, "BEGIN IMMEDIATE", "marks put", msg, msglen);
    if (err)
        return err;
    err = count_rows(s, "mis_marks", school, &before, msg, msglen);
    if (!err)
        err = prep(s,
                   "INSERT INTO mis_marks (school_id, upn, day, session, code, minutes)"
                   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (school_id, upn, day, session)"
                   " DO UPDATE SET code = excluded.code, minutes = excluded.minutes",
                   &st, msg, msglen);
    for (size_t i = 0; !err && i < n; i++) {
        ld_date_format(m[i].date, day);
        int rc = bi(st, 6, m[i].minutes,
                    bt(st, 5, m[i].code,
                       bi(st, 4, m[i].session,
                          bt(st, 3, day, bt(st, 2, m[i].upn, bt(st, 1, school, SQLITE_OK))))));
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = sq_fail(s, rc, "marks put", msg, msglen);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!err)
        err = count_rows(s, "mis_marks", school, &after, msg, msglen);
    if (!err)
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (err) {
        rollback(s);
        return err;
    }
    *added = (size_t)(after - before);
    *replaced = n - *added;
    return LD_OK;
}

static ld_err sq_get_marks(void *impl, const char *school, struct ld_central_marks *out, char *msg,
                           size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    ld_err err = exec(s, "BEGIN", "marks", msg, msglen);
    if (err)
        return err;
    err = count_rows(s, "mis_marks", school, &n, msg, msglen);
    if (!err && n > LD_CENTRAL_MARKS_MAX)
        err = BAD(LD_ERR_RANGE, "marks: %" PRId64 " marks, more than %d", n, LD_CENTRAL_MARKS_MAX);
    if (!err && !(out->items = calloc((size_t)n + 1, sizeof *out->items)))
        err = BAD(LD_ERR_NOMEM, "marks: out of memory");
    if (!err)
        err = prep(s,
                   "SELECT upn, day, session, code, minutes FROM mis_marks WHERE school_id = ?"
                   " ORDER BY upn, day, session",
                   &st, msg, msglen);
    int rc = err ? SQLITE_OK : bt(st, 1, school, SQLITE_OK);
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        if (out->count >= (size_t)n)
            err = BAD(LD_ERR_CORRUPT, "marks: more rows than counted");
        else
            err = central__row_mark(&r, out->count, &out->items[out->count], msg, msglen);
        if (!err)
            out->count++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "marks", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        err = exec(s, "COMMIT", "commit", msg, msglen);
    if (err) {
        rollback(s);
        ld_central_marks_free(out);
    }
    return err;
}

/* ---- the office application's records and audit (version 5, branch office-app) ---- */

static ld_err sq_orec_put(void *impl, const struct ld_central_orec *rec, bool only_new, char *msg,
                          size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    ld_err err = prep(s,
                      only_new ? "INSERT INTO office_records (" CENTRAL_OREC_COLUMNS
                                 ") VALUES (?, ?, ?, ?, ?)"
                               : "INSERT INTO office_records (" CENTRAL_OREC_COLUMNS
                                 ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET"
                                 " school_id = excluded.school_id, value = excluded.value,"
                                 " updated_ms = excluded.updated_ms",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc = bi(st, 5, rec->updated_ms,
                bt(st, 4, rec->value,
                   bt(st, 3, rec->school, bt(st, 2, rec->key, bi(st, 1, rec->kind, SQLITE_OK)))));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY && only_new)
        err = BAD(LD_ERR_DUPLICATE, "office record %d/%s: already exists", rec->kind, rec->key);
    else if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "office record", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_orec_get(void *impl, int kind, const char *key, struct ld_central_orec *out,
                          char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    ld_err err = prep(s,
                      "SELECT " CENTRAL_OREC_COLUMNS " FROM office_records"
                      " WHERE kind = ? AND key = ?",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 2, key, bi(st, 1, kind, SQLITE_OK));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct central__row r = row_of(st);
        err = central__row_orec(&r, out, msg, msglen);
    } else if (rc == SQLITE_DONE) {
        err = BAD(LD_ERR_NOT_FOUND, "office record %d/%s: none", kind, key);
    } else {
        err = sq_fail(s, rc, "office record", msg, msglen);
    }
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_orec_delete(void *impl, int kind, const char *key, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    ld_err err = prep(s, "DELETE FROM office_records WHERE kind = ? AND key = ?", &st, msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 2, key, bi(st, 1, kind, SQLITE_OK));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "office record delete", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_orecs(void *impl, int kind, const char *school, const char *prefix,
                       struct ld_central_orec *out, size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    size_t got = 0;
    /* substr rather than LIKE: a key may hold '_', which LIKE takes for a wildcard */
    ld_err err = prep(s,
                      "SELECT " CENTRAL_OREC_COLUMNS " FROM office_records WHERE kind = ?1"
                      " AND (?2 IS NULL OR school_id = ?2)"
                      " AND (?3 IS NULL OR substr(key, 1, length(?3)) = ?3)"
                      " ORDER BY key LIMIT ?4",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc = bi(st, 4, (int64_t)cap + 1,
                bt(st, 3, prefix, bt(st, 2, school, bi(st, 1, kind, SQLITE_OK))));
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (got < cap) {
            struct central__row r = row_of(st);
            err = central__row_orec(&r, &out[got], msg, msglen);
        }
        got++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "office records", msg, msglen);
    sqlite3_finalize(st);
    if (!err && got > cap)
        err = BAD(LD_ERR_RANGE, "office records: more than %zu", cap);
    if (!err || err == LD_ERR_RANGE)
        *n = got < cap ? got : cap;
    return err;
}

static ld_err sq_audit_add(void *impl, const char *school, const char *who, const char *what,
                           int64_t at_ms, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    ld_err err =
        prep(s, "INSERT INTO office_audit (at_ms, school_id, who, what) VALUES (?, ?, ?, ?)", &st,
             msg, msglen);
    if (err)
        return err;
    int rc = bt(st, 4, what, bt(st, 3, who, bt(st, 2, school, bi(st, 1, at_ms, SQLITE_OK))));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "audit", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_audit_list(void *impl, const char *school, struct ld_central_audit *out,
                            size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    size_t got = 0;
    ld_err err = prep(s,
                      "SELECT " CENTRAL_AUDIT_COLUMNS " FROM office_audit"
                      " WHERE ?1 IS NULL OR school_id = ?1 ORDER BY seq DESC LIMIT ?2",
                      &st, msg, msglen);
    if (err)
        return err;
    int rc = bi(st, 2, (int64_t)cap, bt(st, 1, school, SQLITE_OK));
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        err = central__row_audit(&r, &out[got++], msg, msglen);
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "audit", msg, msglen);
    sqlite3_finalize(st);
    if (!err)
        *n = got;
    return err;
}

/* ---- device status (version 9, branch office-devices) ---- */

static ld_err sq_status_put(void *impl, const struct ld_central_device_status *d, char *msg,
                            size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    ld_err err = prep(s,
                      "INSERT INTO device_status (device_id, school_id, " CENTRAL_STATUS_COLUMNS
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                      " ON CONFLICT (device_id) DO UPDATE SET school_id = excluded.school_id,"
                      " device_ms = excluded.device_ms, received_ms = excluded.received_ms,"
                      " pending = excluded.pending, oldest_pending_ms = excluded.oldest_pending_ms,"
                      " last_sync_ms = excluded.last_sync_ms, last_error = excluded.last_error,"
                      " last_error_ms = excluded.last_error_ms,"
                      " clock_state = excluded.clock_state, reader = excluded.reader,"
                      " reader_ms = excluded.reader_ms, version = excluded.version",
                      &st, msg, msglen);
    if (err)
        return err;
    /* the centre's clock, never the device's: how long ago the office last heard from it */
    int rc = bt(st, 2, d->school, bt(st, 1, d->device_id, SQLITE_OK));
    rc = bi(st, 4, now_ms(), bi(st, 3, d->device_ms, rc));
    rc = bi(st, 6, d->oldest_pending_ms, bi(st, 5, d->pending, rc));
    rc = bt(st, 8, d->last_error, bi(st, 7, d->last_sync_ms, rc));
    rc = bi(st, 10, d->clock_state, bi(st, 9, d->last_error_ms, rc));
    rc = bi(st, 12, d->reader_ms, bt(st, 11, d->reader, rc));
    rc = bt(st, 13, d->version, rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        err = sq_fail(s, rc, "device status", msg, msglen);
    sqlite3_finalize(st);
    return err;
}

static ld_err sq_statuses(void *impl, const char *school, struct ld_central_device_status *out,
                          size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct sq *s = impl;
    sqlite3_stmt *st = NULL;
    size_t got = 0;
    ld_err err = prep(
        s,
        "SELECT d.id, d.school_id, d.disabled, s.device_id IS NOT NULL,"
        " coalesce(s.device_ms, 0), coalesce(s.received_ms, 0), coalesce(s.pending, 0),"
        " coalesce(s.oldest_pending_ms, 0), coalesce(s.last_sync_ms, 0),"
        " coalesce(s.last_error, ''), coalesce(s.last_error_ms, 0), coalesce(s.clock_state, 0),"
        " coalesce(s.reader, ''), coalesce(s.reader_ms, 0), coalesce(s.version, '')"
        " FROM devices d LEFT JOIN device_status s ON s.device_id = d.id"
        " WHERE d.school_id = ?1 ORDER BY d.id LIMIT ?2",
        &st, msg, msglen);
    if (err)
        return err;
    int rc = bi(st, 2, (int64_t)cap + 1, bt(st, 1, school, SQLITE_OK));
    while (!err && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct central__row r = row_of(st);
        if (got < cap)
            err = central__row_status(&r, &out[got], msg, msglen);
        got++;
        rc = SQLITE_OK;
    }
    if (!err && rc != SQLITE_DONE)
        err = sq_fail(s, rc, "device status", msg, msglen);
    sqlite3_finalize(st);
    if (!err && got > cap)
        err = BAD(LD_ERR_RANGE, "device status: more than %zu devices", cap);
    if (!err || err == LD_ERR_RANGE)
        *n = got < cap ? got : cap;
    return err;
}

const struct ld_central_ops central__sqlite_ops = {
    .name = "sqlite",
    .backend = LD_CENTRAL_SQLITE,
    .url_password = NULL,
    .open = sq_open,
    .close = sq_close,
    .uses_tls = sq_uses_tls,
    .login_device = sq_login_device,
    .migrate = sq_migrate,
    .schema_version = sq_schema_version,
    .school_add = sq_school_add,
    .schools = sq_schools,
    .device_add = sq_device_add,
    .device_set = sq_device_set,
    .device_school = sq_device_school,
    .version = sq_version,
    .put_roster = sq_put_roster,
    .get_roster = sq_get_roster,
    .put_calendar = sq_put_calendar,
    .get_calendar = sq_get_calendar,
    .put_settings = sq_put_settings,
    .get_settings = sq_get_settings,
    .push = sq_push,
    .pull = sq_pull,
    .event_count = sq_event_count,
    .event_get = sq_event_get,
    .put_marks = sq_put_marks,
    .get_marks = sq_get_marks,
    .orec_put = sq_orec_put,
    .orec_get = sq_orec_get,
    .orec_delete = sq_orec_delete,
    .orecs = sq_orecs,
    .audit_add = sq_audit_add,
    .audit_list = sq_audit_list,
    .status_put = sq_status_put,
    .statuses = sq_statuses,
};
