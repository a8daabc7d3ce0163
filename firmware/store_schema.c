/* store_schema.c: the store's schema, one migration per version, applied in order at open. */
#include "store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * migrations[i] takes a database from version i to version i + 1. A shipped migration is never
 * edited: a change is a new entry, LD_STORE_SCHEMA_VERSION goes up by one, and the schema of the
 * version just shipped goes into tests/store/fixtures/ as schema-vN.sql, with some rows.
 *
 * Version 1. STRICT tables, so a column holds only its declared type; every text column has a
 * byte cap (length(CAST(x AS BLOB))) matching store.h, so even a row written by hand cannot
 * overflow the fixed arrays the store copies into. Events are append-only: triggers refuse
 * UPDATE and DELETE. Pruning events already safe at the central store will come as a later
 * migration that replaces the delete trigger.
 */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE device (\n"
    "    one INTEGER PRIMARY KEY CHECK (one = 1),\n"
    "    device_id TEXT NOT NULL CHECK (length(CAST(device_id AS BLOB)) BETWEEN 1 AND 32),\n"
    "    created_ms INTEGER NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE settings (\n"
    "    key TEXT PRIMARY KEY CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 64),\n"
    "    value TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) <= 1024)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TABLE pupils (\n"
    "    upn TEXT PRIMARY KEY CHECK (length(CAST(upn AS BLOB)) = 13),\n"
    "    legal_first TEXT NOT NULL CHECK (length(CAST(legal_first AS BLOB)) BETWEEN 1 AND 64),\n"
    "    legal_last TEXT NOT NULL CHECK (length(CAST(legal_last AS BLOB)) BETWEEN 1 AND 64),\n"
    "    preferred_first TEXT NOT NULL\n"
    "        CHECK (length(CAST(preferred_first AS BLOB)) BETWEEN 1 AND 64),\n"
    "    preferred_last TEXT NOT NULL\n"
    "        CHECK (length(CAST(preferred_last AS BLOB)) BETWEEN 1 AND 64),\n"
    "    year TEXT NOT NULL CHECK (length(CAST(year AS BLOB)) <= 8),\n"
    "    class_name TEXT NOT NULL CHECK (length(CAST(class_name AS BLOB)) BETWEEN 1 AND 16),\n"
    "    family TEXT NOT NULL CHECK (length(CAST(family AS BLOB)) <= 32),\n"
    "    flags INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 63),\n"
    "    active INTEGER NOT NULL CHECK (active IN (0, 1))\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE INDEX pupils_class ON pupils (active, class_name, preferred_last, preferred_first);\n"
    "CREATE TABLE cards (\n"
    "    uid TEXT PRIMARY KEY CHECK (length(CAST(uid AS BLOB)) BETWEEN 2 AND 20),\n"
    "    upn TEXT NOT NULL REFERENCES pupils (upn),\n"
    "    from_roster INTEGER NOT NULL CHECK (from_roster IN (0, 1))\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE INDEX cards_upn ON cards (upn);\n"
    "CREATE TABLE staff (\n"
    "    id TEXT PRIMARY KEY CHECK (length(CAST(id AS BLOB)) BETWEEN 1 AND 32),\n"
    "    name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 64),\n"
    "    pin_hash TEXT NOT NULL CHECK (length(CAST(pin_hash AS BLOB)) <= 128),\n"
    "    card TEXT UNIQUE CHECK (card IS NULL OR length(CAST(card AS BLOB)) BETWEEN 2 AND 20),\n"
    "    role INTEGER NOT NULL CHECK (role IN (1, 2)),\n"
    "    active INTEGER NOT NULL CHECK (active IN (0, 1))\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TABLE events (\n"
    "    device_id TEXT NOT NULL CHECK (length(CAST(device_id AS BLOB)) BETWEEN 1 AND 32),\n"
    "    seq INTEGER NOT NULL CHECK (seq >= 1),\n"
    "    uuid TEXT NOT NULL UNIQUE CHECK (length(CAST(uuid AS BLOB)) = 36),\n"
    "    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 7),\n"
    "    at_ms INTEGER NOT NULL,\n"
    "    mono_ms INTEGER NOT NULL,\n"
    "    boot_id TEXT NOT NULL CHECK (length(CAST(boot_id AS BLOB)) IN (0, 36)),\n"
    "    clock INTEGER NOT NULL CHECK (clock BETWEEN 0 AND 3),\n"
    "    upn TEXT NOT NULL CHECK (length(CAST(upn AS BLOB)) IN (0, 13)),\n"
    "    card TEXT NOT NULL CHECK (length(CAST(card AS BLOB)) <= 20),\n"
    "    source INTEGER NOT NULL CHECK (source BETWEEN 1 AND 5),\n"
    "    staff TEXT NOT NULL CHECK (length(CAST(staff AS BLOB)) <= 32),\n"
    "    reason TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) <= 200),\n"
    "    ref_device TEXT NOT NULL CHECK (length(CAST(ref_device AS BLOB)) <= 32),\n"
    "    ref_seq INTEGER NOT NULL CHECK (ref_seq >= 0),\n"
    "    fixed_at_ms INTEGER NOT NULL,\n"
    "    PRIMARY KEY (device_id, seq)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE INDEX events_at ON events (at_ms);\n"
    "CREATE INDEX events_upn ON events (upn, kind, at_ms);\n"
    "CREATE INDEX events_clock ON events (device_id, clock, at_ms);\n"
    "CREATE INDEX events_ref ON events (ref_device, ref_seq) WHERE ref_seq > 0;\n"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n",

    /*
     * 1 -> 2, branch device-integrity (issue 12): every event carries its checksum (store.h,
     * ld_event_sum), filled here for the rows already present with the SQL function of the
     * same name that the store registers on its connection. The append-only trigger is lifted
     * for that one UPDATE, inside the migration's transaction, and put back. '' is allowed by
     * the CHECK only because ADD COLUMN needs a default; reading an event with '' reports it.
     */
    "DROP TRIGGER events_no_update;\n"
    "ALTER TABLE events ADD COLUMN sum TEXT NOT NULL DEFAULT ''\n"
    "    CHECK (length(CAST(sum AS BLOB)) IN (0, 64));\n"
    "UPDATE events SET sum = ld_event_sum(device_id, seq, uuid, kind, at_ms, mono_ms, boot_id,\n"
    "    clock, upn, card, source, staff, reason, ref_device, ref_seq, fixed_at_ms);\n"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
    /*
     * Same step: class names up to 40 bytes (MIS exports have "Year 3 - Oak Class"). Only the
     * CHECK's text changes, and every stored row already meets the wider one, so SQLite's
     * documented way for such a change serves: edit the table's SQL in sqlite_schema
     * (writable_schema; ld_store__migrate lifts the defensive flag and bumps schema_version
     * for a step that does this). Unlike a table rebuild it keeps any column another branch
     * adds to pupils.
     */
    "PRAGMA writable_schema=ON;\n"
    "UPDATE sqlite_schema SET sql = replace(sql,\n"
    "    'CHECK (length(CAST(class_name AS BLOB)) BETWEEN 1 AND 16)',\n"
    "    'CHECK (length(CAST(class_name AS BLOB)) BETWEEN 1 AND 40)')\n"
    "    WHERE type = 'table' AND name = 'pupils';\n"
    "PRAGMA writable_schema=OFF;\n",

    /*
     * 2 -> 3 (branch truth-core, issue 11).
     * A pupil's admission and leaving dates from the MIS roster, as days since 1970-01-01
     * (ld_date), NULL when the roster gives none: the core's on_roll range.
     */
    "ALTER TABLE pupils ADD COLUMN admitted INTEGER\n"
    "    CHECK (admitted IS NULL OR admitted BETWEEN -25567 AND 2932896);\n"
    "ALTER TABLE pupils ADD COLUMN leaving INTEGER\n"
    "    CHECK (leaving IS NULL OR leaving BETWEEN -25567 AND 2932896);\n",

    /*
     * 3 -> 4 (branch office-devices, issue 15): event kind 8, a wrong staff PIN (store.h,
     * LD_EV_PIN_WRONG). Only the CHECK's text widens and every stored row meets the wider one,
     * so, as in step 2, the table's SQL is edited in place rather than the log copied.
     */
    "PRAGMA writable_schema=ON;\n"
    "UPDATE sqlite_schema SET sql = replace(sql,\n"
    "    'CHECK (kind BETWEEN 1 AND 7)', 'CHECK (kind BETWEEN 1 AND 8)')\n"
    "    WHERE type = 'table' AND name = 'events';\n"
    "PRAGMA writable_schema=OFF;\n",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == LD_STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* sqlite3_exec callback: counts the rows of PRAGMA foreign_key_check. */
static int count_row(void *ctx, int ncol, char **values, char **names)
{
    (*(int *)ctx)++;
    return 0;
}

/*
 * After a step that edits sqlite_schema by hand, makes every connection read the schema again,
 * as SQLite's documentation asks: schema_version one more than it was.
 */
static int bump_schema_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char sql[64];
    int rc = sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        snprintf(sql, sizeof sql, "PRAGMA schema_version=%lld",
                 (long long)sqlite3_column_int64(st, 0) + 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc;
}

int ld_store__run_migration(struct sqlite3 *db, const char *sql, char **detail)
{
    bool edits_schema = strstr(sql, "writable_schema") != NULL;
    int rc =
        edits_schema ? sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, (int *)NULL) : SQLITE_OK;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, detail);
    if (rc == SQLITE_OK && edits_schema)
        rc = bump_schema_version(db);
    if (edits_schema) /* defensive again, whatever happened */
        (void)sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    return rc;
}

ld_err ld_store__migrate(struct sqlite3 *db, int from, const char *path, char *msg, size_t msglen)
{
    char sql[64];
    char *detail = NULL;
    ld_err err = LD_OK;

    if (from < 0 || from > LD_STORE_SCHEMA_VERSION) {
        ld_store__msg(msg, msglen, "store %s: schema version %d is not one this build knows", path,
                      from);
        return LD_ERR_UNSUPPORTED;
    }
    for (int v = from; v < LD_STORE_SCHEMA_VERSION; v++) {
        int rc = ld_store__run_migration(db, migrations[v], &detail);
        if (rc != SQLITE_OK) {
            ld_store__msg(msg, msglen, "store %s: migrating schema %d to %d: %s", path, v, v + 1,
                          detail ? detail : sqlite3_errstr(rc));
            err = (rc & 0xff) == SQLITE_FULL   ? LD_ERR_FULL
                  : (rc & 0xff) == SQLITE_BUSY ? LD_ERR_BUSY
                                               : LD_ERR_IO;
            goto out;
        }
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", LD_STORE_SCHEMA_VERSION);
    int rc = sqlite3_exec(db, sql, NULL, NULL, &detail);
    int broken = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA foreign_key_check", count_row, &broken, &detail);
    if (rc == SQLITE_OK && broken) {
        ld_store__msg(msg, msglen, "store %s: migrating to schema %d: %d rows break a foreign key",
                      path, LD_STORE_SCHEMA_VERSION, broken);
        err = LD_ERR_CORRUPT;
    } else if (rc != SQLITE_OK) {
        ld_store__msg(msg, msglen, "store %s: migrating to schema %d: %s", path,
                      LD_STORE_SCHEMA_VERSION, detail ? detail : sqlite3_errstr(rc));
        err = (rc & 0xff) == SQLITE_FULL ? LD_ERR_FULL : LD_ERR_IO;
    }
out:
    sqlite3_free(detail);
    return err;
}
