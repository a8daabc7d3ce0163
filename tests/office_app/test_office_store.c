/*
 * test_office_store.c: the office application's records and audit in the central store, and its
 * accounts: Argon2id passwords, the back-off after wrong passwords, the lock after ten. The same
 * cases run on each backend: `test_office_store sqlite` and `test_office_store pg` (the latter
 * against the throwaway server of tests/central/pg_harness.sh, named by $LD_PG_INFO).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "central.h"
#include "office.h"
#include "pg_info.h"
#include "users.h"

struct fx {
    char dir[64], url[256], db[128];
    char pgdb[48]; /* PostgreSQL: this case's database; "" for SQLite */
    struct ld_central *c;
};

static bool g_pg_mode;
static struct ld_pg_info g_pg;
static char g_super_pw[256], g_admin_pw[256];
static unsigned g_counter;

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char msg[512];
    const char *passfile = NULL;
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-office-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/central.db", f->dir);
    snprintf(f->url, sizeof f->url, "sqlite:%s", f->db);
    if (g_pg_mode) {
        char sql[200], st[6];
        snprintf(f->pgdb, sizeof f->pgdb, "ld_office_%x_%u", (unsigned)getpid() & 0xfffff,
                 g_counter++);
        PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, "postgres");
        assert_non_null(s);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", f->pgdb, g_pg.admin);
        ld_pg_exec(s, sql, st);
        assert_string_equal(st, "");
        PQfinish(s);
        ld_pg_url(&g_pg, g_pg.admin, f->pgdb, NULL, f->url, sizeof f->url);
        passfile = g_pg.admin_passfile;
    }
    assert_int_equal(ld_central_open(f->url, passfile, LD_CENTRAL_ADMIN, &f->c, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_central_init(f->c, NULL, NULL, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_school_add(f->c, "hb", "Hollybrook", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_school_add(f->c, "ot", "Other", msg, sizeof msg), LD_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[160];
    ld_central_close(f->c);
    if (f->pgdb[0]) {
        char st[6];
        PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, "postgres");
        assert_non_null(s);
        snprintf(cmd, sizeof cmd, "DROP DATABASE %s WITH (FORCE)", f->pgdb);
        ld_pg_exec(s, cmd, st);
        PQfinish(s);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static struct ld_central_orec rec(int kind, const char *key, const char *school, const char *v)
{
    struct ld_central_orec r = {.kind = kind, .updated_ms = 1000};
    snprintf(r.key, sizeof r.key, "%s", key);
    snprintf(r.school, sizeof r.school, "%s", school);
    snprintf(r.value, sizeof r.value, "%s", v);
    return r;
}

/* Runs sql (tables named without a schema) as the admin behind the store's back; asserts that
 * it succeeds when ok is true and fails otherwise. */
static void raw(struct fx *f, const char *sql, bool ok)
{
    if (f->pgdb[0]) {
        char st[6];
        PGconn *c = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->pgdb);
        assert_non_null(c);
        ld_pg_exec(c, "SET search_path = latedoor", st);
        ld_pg_exec(c, sql, st);
        PQfinish(c);
        assert_int_equal(st[0] == '\0', ok);
        return;
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, ok);
    sqlite3_close(db);
}

static void records_put_get_list(void **state)
{
    struct fx *f = *state;
    char msg[512];
    struct ld_central_orec r = rec(LD_OREC_CALL, "2026-11-20/A1/5", "hb", "{\"x\":1}"), out;
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_orec_get(f->c, LD_OREC_CALL, r.key, &out, msg, sizeof msg), LD_OK);
    assert_string_equal(out.value, "{\"x\":1}");
    assert_string_equal(out.school, "hb");
    /* put replaces; add refuses a taken key and changes nothing */
    r = rec(LD_OREC_CALL, "2026-11-20/A1/5", "hb", "{\"x\":2}");
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_OK);
    r = rec(LD_OREC_CALL, "2026-11-20/A1/5", "hb", "{\"x\":3}");
    assert_int_equal(ld_central_orec_add(f->c, &r, msg, sizeof msg), LD_ERR_DUPLICATE);
    assert_int_equal(ld_central_orec_get(f->c, LD_OREC_CALL, r.key, &out, msg, sizeof msg), LD_OK);
    assert_string_equal(out.value, "{\"x\":2}");
    /* the same key of another kind is another record */
    assert_int_equal(ld_central_orec_get(f->c, LD_OREC_USER, r.key, &out, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);

    /* lists: by kind, school and prefix, in key order; '_' in a prefix is not a wildcard */
    const char *keys[] = {"2026-11-20/B2/1", "2026-11-21/A1/1", "2026-11-2_/A1/1",
                          "2026-11-20/A1/9"};
    for (size_t i = 0; i < 4; i++) {
        r = rec(LD_OREC_CALL, keys[i], "hb", "{}");
        assert_int_equal(ld_central_orec_add(f->c, &r, msg, sizeof msg), LD_OK);
    }
    r = rec(LD_OREC_CALL, "2026-11-20/Z9/1", "ot", "{}");
    assert_int_equal(ld_central_orec_add(f->c, &r, msg, sizeof msg), LD_OK);
    struct ld_central_orec list[8];
    size_t n = 0;
    assert_int_equal(
        ld_central_orecs(f->c, LD_OREC_CALL, "hb", "2026-11-20/", list, 8, &n, msg, sizeof msg),
        LD_OK);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].key, "2026-11-20/A1/5");
    assert_string_equal(list[1].key, "2026-11-20/A1/9");
    assert_string_equal(list[2].key, "2026-11-20/B2/1");
    assert_int_equal(
        ld_central_orecs(f->c, LD_OREC_CALL, "hb", "2026-11-2_", list, 8, &n, msg, sizeof msg),
        LD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ld_central_orecs(f->c, LD_OREC_CALL, NULL, NULL, list, 8, &n, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(n, 6);
    assert_int_equal(ld_central_orecs(f->c, LD_OREC_CALL, NULL, NULL, list, 2, &n, msg, sizeof msg),
                     LD_ERR_RANGE);
    assert_int_equal(n, 2);

    assert_int_equal(ld_central_orec_delete(f->c, LD_OREC_CALL, "2026-11-20/A1/5", msg, sizeof msg),
                     LD_OK);
    assert_int_equal(
        ld_central_orec_get(f->c, LD_OREC_CALL, "2026-11-20/A1/5", &out, msg, sizeof msg),
        LD_ERR_NOT_FOUND);
}

static void records_checked_in_and_out(void **state)
{
    struct fx *f = *state;
    char msg[512];
    struct ld_central_orec r = rec(LD_OREC_USER, "a b", "hb", "{}"), out;
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "key"));
    r = rec(9, "ok", "hb", "{}");
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_ERR_INVALID);
    r = rec(LD_OREC_USER, "ok", "hb", "line\nbreak");
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_ERR_INVALID);
    r = rec(LD_OREC_USER, "ok", "no such!", "{}");
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_ERR_INVALID);
    /* a row written behind the store's back with a bad key is refused when read */
    raw(f, "INSERT INTO office_records VALUES (1, 'bad key', 'hb', '{}', 0)", true);
    struct ld_central_orec list[4];
    size_t n = 0;
    assert_int_equal(ld_central_orecs(f->c, LD_OREC_USER, NULL, NULL, list, 4, &n, msg, sizeof msg),
                     LD_ERR_CORRUPT);
    assert_non_null(strstr(msg, "office_records"));
    (void)out;
}

static void audit_is_append_only(void **state)
{
    struct fx *f = *state;
    char msg[512];
    assert_int_equal(
        ld_central_audit_add(f->c, "hb", "j.fenwick", "signed in", 10, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_audit_add(f->c, "ot", "k.other", "signed in", 11, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(
        ld_central_audit_add(f->c, "hb", "j.fenwick", "voided door:3", 12, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_audit_add(f->c, "hb", "", "nobody", 13, msg, sizeof msg),
                     LD_ERR_INVALID);
    struct ld_central_audit lines[4];
    size_t n = 0;
    assert_int_equal(ld_central_audit_list(f->c, "hb", lines, 4, &n, msg, sizeof msg), LD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(lines[0].what, "voided door:3"); /* newest first */
    assert_int_equal(lines[1].at_ms, 10);
    raw(f, "UPDATE office_audit SET what = 'nothing'", false);
    raw(f, "DELETE FROM office_audit", false);
    assert_int_equal(ld_central_audit_list(f->c, NULL, lines, 4, &n, msg, sizeof msg), LD_OK);
    assert_int_equal(n, 3);
}

static void users_add_and_sign_in(void **state)
{
    struct fx *f = *state;
    char msg[512];
    struct ld_user u;
    assert_int_equal(ld_user_add(f->c, "j.fenwick", LD_ROLE_OFFICE, "hb", "long-enough-1", "t", 0,
                                 msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_user_add(f->c, "j.fenwick", LD_ROLE_HEAD, "hb", "long-enough-2", "t", 0,
                                 msg, sizeof msg),
                     LD_ERR_DUPLICATE);
    assert_int_equal(ld_user_add(f->c, "x", LD_ROLE_OFFICE, "hb", "short", "t", 0, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(
        ld_user_add(f->c, "x", LD_ROLE_OFFICE, "nope", "long-enough-1", "t", 0, msg, sizeof msg),
        LD_ERR_NOT_FOUND);
    assert_int_equal(
        ld_user_add(f->c, "x", LD_ROLE_OFFICE, "", "long-enough-1", "t", 0, msg, sizeof msg),
        LD_ERR_INVALID);
    assert_int_equal(ld_user_add(f->c, "bad name", LD_ROLE_OFFICE, "hb", "long-enough-1", "t", 0,
                                 msg, sizeof msg),
                     LD_ERR_INVALID);
    /* the hash is Argon2id, never the password */
    struct ld_central_orec r;
    assert_int_equal(ld_central_orec_get(f->c, LD_OREC_USER, "j.fenwick", &r, msg, sizeof msg),
                     LD_OK);
    assert_non_null(strstr(r.value, "$argon2id$"));
    assert_null(strstr(r.value, "long-enough-1"));
    assert_int_equal(ld_user_sign_in(f->c, "j.fenwick", "long-enough-1", 1000, &u, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(u.role, LD_ROLE_OFFICE);
    assert_string_equal(u.school, "hb");
    assert_int_equal(ld_user_sign_in(f->c, "nobody", "long-enough-1", 1000, &u, msg, sizeof msg),
                     LD_ERR_AUTH);
}

static void wrong_passwords_slow_then_lock(void **state)
{
    struct fx *f = *state;
    char msg[512];
    struct ld_user u;
    int64_t t = 1000000;
    assert_int_equal(
        ld_user_add(f->c, "v", LD_ROLE_OFFICE, "hb", "long-enough-1", "t", 0, msg, sizeof msg),
        LD_OK);
    for (int i = 1; i <= 3; i++)
        assert_int_equal(ld_user_sign_in(f->c, "v", "wrong-wrong", t, &u, msg, sizeof msg),
                         LD_ERR_AUTH);
    /* too soon: refused before the password is looked at, even the right one */
    assert_int_equal(ld_user_sign_in(f->c, "v", "long-enough-1", t + 999, &u, msg, sizeof msg),
                     LD_ERR_BUSY);
    assert_int_equal(ld_user_sign_in(f->c, "v", "long-enough-1", t + 1000, &u, msg, sizeof msg),
                     LD_OK); /* a good password clears the count */
    for (int i = 1; i <= 9; i++) {
        t += 120000;
        assert_int_equal(ld_user_sign_in(f->c, "v", "wrong-wrong", t, &u, msg, sizeof msg),
                         LD_ERR_AUTH);
    }
    assert_true(ld_user_backoff_ms(9) > ld_user_backoff_ms(4));
    t += 120000;
    assert_int_equal(ld_user_sign_in(f->c, "v", "wrong-wrong", t, &u, msg, sizeof msg),
                     LD_ERR_STATE);
    t += 3600000;
    assert_int_equal(ld_user_sign_in(f->c, "v", "long-enough-1", t, &u, msg, sizeof msg),
                     LD_ERR_STATE);
    assert_int_equal(ld_user_reset(f->c, "v", "another-pass-2", "tech", t, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_user_sign_in(f->c, "v", "another-pass-2", t, &u, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_user_disable(f->c, "v", "tech", t, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_user_sign_in(f->c, "v", "another-pass-2", t, &u, msg, sizeof msg),
                     LD_ERR_STATE);
    /* every sign-in and change is in the audit */
    struct ld_central_audit lines[40];
    size_t n = 0;
    assert_int_equal(ld_central_audit_list(f->c, "hb", lines, 40, &n, msg, sizeof msg), LD_OK);
    assert_string_equal(lines[0].what, "user v disabled");
    bool locked = false;
    for (size_t i = 0; i < n; i++)
        locked |= strstr(lines[i].what, "account locked") != NULL;
    assert_true(locked);
}

/*
 * Version 7 (branch office-corrections) lets a record of kind 5 in (the last MIS export): a
 * store at version 6 with records keeps them through the migration and takes kind 5 after it.
 */
static void records_kept_through_version_7(void **state)
{
    struct fx *f = *state;
    char msg[512];
    int from = 0, to = 0;
    struct ld_central_orec got, r = rec(LD_OREC_USER, "j.fenwick", "hb", "{\"role\":\"office\"}");
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_OK);
    ld_central_close(f->c);
    f->c = NULL;
    /* back to version 6: kind 1..4 only, and no event checksums (version 8, central-sum) */
    if (f->pgdb[0])
        raw(f,
            "ALTER TABLE office_records DROP CONSTRAINT office_records_kind_check, ADD "
            "CONSTRAINT office_records_kind_check CHECK (kind BETWEEN 1 AND 4);"
            "ALTER TABLE events DROP COLUMN sum;"
            "DROP TABLE device_status; DROP FUNCTION device_status_received();" /* version 9 */
            "UPDATE schema_version SET version = 6",
            true);
    else
        raw(f,
            "CREATE TABLE o5 (kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4), key TEXT NOT "
            "NULL, school_id TEXT NOT NULL, value TEXT NOT NULL, updated_ms INTEGER NOT NULL, "
            "PRIMARY KEY (kind, key)) STRICT; INSERT INTO o5 SELECT * FROM office_records;"
            "DROP TABLE office_records; ALTER TABLE o5 RENAME TO office_records;"
            "ALTER TABLE events DROP COLUMN sum;"
            "DROP TABLE device_status;" /* version 9 */
            "PRAGMA user_version = 6",
            true);
    raw(f, "INSERT INTO office_records VALUES (5, 'hb', 'hb', '{}', 1)", false);
    assert_int_equal(ld_central_open(f->url, f->pgdb[0] ? g_pg.admin_passfile : NULL,
                                     LD_CENTRAL_ADMIN, &f->c, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_central_init(f->c, &from, &to, msg, sizeof msg), LD_OK);
    assert_int_equal(from, 6);
    assert_int_equal(to, LD_CENTRAL_SCHEMA_VERSION);
    assert_int_equal(ld_central_orec_get(f->c, LD_OREC_USER, "j.fenwick", &got, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(got.value, "{\"role\":\"office\"}");
    r = rec(LD_OREC_MIS_EXPORT, "hb", "hb", "{\"global_seq\":3,\"at_ms\":4}");
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_OK);
    r.kind = LD_OREC_KIND_MAX + 1;
    assert_int_equal(ld_central_orec_put(f->c, &r, msg, sizeof msg), LD_ERR_INVALID);
}

/* True when the audit of school holds a line by who that is what. */
static bool audited(struct fx *f, const char *school, const char *who, const char *what)
{
    struct ld_central_audit *lines = calloc(64, sizeof *lines);
    size_t n = 0;
    char msg[512];
    bool found = false;
    assert_int_equal(ld_central_audit_list(f->c, school, lines, 64, &n, msg, sizeof msg), LD_OK);
    for (size_t i = 0; i < n; i++)
        found |= !strcmp(lines[i].who, who) && !strcmp(lines[i].what, what);
    free(lines);
    return found;
}

static int64_t version_of(struct fx *f, const char *school, bool calendar)
{
    int64_t v = -1;
    char msg[512];
    assert_int_equal(calendar ? ld_central_calendar_version(f->c, school, &v, msg, sizeof msg)
                              : ld_central_settings_version(f->c, school, &v, msg, sizeof msg),
                     LD_OK);
    return v;
}

/*
 * A technician's change of the rules (rules_edit.c): each bad value refused naming the setting
 * with nothing stored; a good one previewed as its changes, stored in one put (the version the
 * kiosks pull goes up), audited; a save made on an old version refused; the other school's
 * settings untouched.
 */
static void rules_changed_checked_and_audited(void **state)
{
    struct fx *f = *state;
    char msg[1024] = "";
    struct ld_office_changes ch;
    struct ld_central_settings merged;
    static const struct {
        struct ld_central_setting e;
        const char *says;
    } bad[] = {
        {{"sessions.am_register_closes", "08:40"}, "sessions.am.register_closes: before the"},
        {{"sessions.pm_start", "25:00"}, "sessions.pm_start: \"25:00\" is not HH:MM"},
        {{"bands", "90 = 1; 95 = 0"}, "settings: bands:"},
        {{"patterns.window_days", "0"}, "settings: patterns.window_days:"},
        {{"reason.1", "Holiday = -, G"}, "reason \"Holiday\": G makes no sense"},
        {{"timezone", "UTC"}, "settings: timezone: not a setting changed here"},
        {{"reason.1", "Bus\tlate = -, -"}, "settings: reason.1: only text, without tabs"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(
            ld_office_rules_save(f->c, "hb", &bad[i].e, 1, 0, "tech", 1000, &ch, msg, sizeof msg),
            LD_OK);
        if (!strstr(msg, bad[i].says))
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].e.key, msg, bad[i].says);
        assert_int_equal(version_of(f, "hb", false), 0);
    }
    const struct ld_central_setting good[] = {{"sessions.am_register_closes", "09:05"},
                                              {"reason.1", "Dentist = -, M"},
                                              {"reason.2", "Bus late = L, U"}};
    assert_int_equal(ld_office_rules_preview(f->c, "hb", good, 3, &merged, &ch, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ch.count, 3);
    assert_int_equal(ch.version, 0);
    assert_string_equal(ch.items[0].before, "");
    assert_int_equal(merged.count, 3);
    ld_central_settings_free(&merged);
    ld_office_changes_free(&ch);
    assert_int_equal(version_of(f, "hb", false), 0); /* a preview stores nothing */
    assert_int_equal(
        ld_office_rules_save(f->c, "hb", good, 3, 0, "tech", 2000, &ch, msg, sizeof msg), LD_OK);
    assert_int_equal(ch.count, 3);
    assert_int_equal(ch.version, 1);
    ld_office_changes_free(&ch);
    assert_true(audited(f, "hb", "tech",
                        "settings sessions.am_register_closes: (none) → 09:05 (version 1)"));
    assert_true(
        audited(f, "hb", "tech", "settings reason.2: (none) → Bus late = L, U (version 1)"));
    /* a new list of reasons replaces the old one whole */
    const struct ld_central_setting one[] = {{"reason.1", "Dentist = -, M"}};
    assert_int_equal(
        ld_office_rules_save(f->c, "hb", one, 1, 1, "tech", 3000, &ch, msg, sizeof msg), LD_OK);
    assert_int_equal(ch.count, 1);
    assert_string_equal(ch.items[0].key, "reason.2");
    assert_string_equal(ch.items[0].after, "");
    assert_int_equal(ch.version, 2);
    ld_office_changes_free(&ch);
    /* saved on version 1 again (another tab): refused, nothing stored */
    const struct ld_central_setting late[] = {{"sessions.am_register_closes", "09:10"}};
    assert_int_equal(
        ld_office_rules_save(f->c, "hb", late, 1, 1, "tech", 4000, &ch, msg, sizeof msg),
        LD_ERR_STATE);
    assert_non_null(strstr(msg, "version 1, now 2"));
    assert_int_equal(version_of(f, "hb", false), 2);
    /* nothing new: nothing stored, no audit */
    assert_int_equal(
        ld_office_rules_save(f->c, "hb", one, 1, 2, "tech", 5000, &ch, msg, sizeof msg), LD_OK);
    assert_int_equal(ch.count, 0);
    assert_int_equal(version_of(f, "hb", false), 2);
    ld_office_changes_free(&ch);
    /* a long value with letters of two bytes: its audit line is cut on a letter, and stored */
    struct ld_central_setting bands = {"bands", ""};
    size_t len = 0;
    for (int i = 0; i < 12; i++)
        len += (size_t)snprintf(bands.value + len, sizeof bands.value - len, "%s%d = xxée-%d",
                                i ? "; " : "", 99 - i * 9, i);
    assert_int_equal((unsigned char)bands.value[119], 0xC3); /* 120 bytes would split an é */
    assert_int_equal(
        ld_office_rules_save(f->c, "hb", &bands, 1, 2, "tech", 6000, &ch, msg, sizeof msg), LD_OK);
    assert_int_equal(ch.version, 3);
    ld_office_changes_free(&ch);
    assert_int_equal(version_of(f, "ot", false), 0);
}

/* The same for the calendar: the calendar file's parser and the core's rules, one put. */
static void calendar_changed_checked_and_audited(void **state)
{
    struct fx *f = *state;
    char msg[1024] = "";
    struct ld_office_changes ch;
    struct ld_calendar_file cal;
    static const char good[] = "[terms]\nAutumn 1 = 2026-09-01 .. 2026-10-23\n"
                               "Autumn 2 = 2026-11-02 .. 2026-12-18\n[closed]\n"
                               "2026-11-02 = INSET day\n";
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"[terms]\nAutumn 1 = 2026-09-01 .. 2062-10-23\n",
         "calendar:2: terms.Autumn 1: 2026-09-01 .. 2062-10-23 is longer than 26 weeks"},
        {"[terms]\nAutumn 1 = 1926-09-01 .. 2026-10-23\n", "is a year wrong?"},
        {"[terms]\nAutumn 1 = 2026-09-01 .. 2026-10-23\nAutumn 2 = 2026-10-20 .. 2026-12-18\n",
         "calendar:3: terms.Autumn 2: starts 2026-10-20, not after Autumn 1"},
        {"[terms]\nAutumn 2 = 2026-11-02 .. 2026-10-18\n", "ends (2026-10-18) before it starts"},
        {"[closed]\n2026-11-02 = INSET day\n", "no terms"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(
            ld_office_calendar_save(f->c, "hb", bad[i].text, 0, "tech", 1000, &ch, msg, sizeof msg),
            LD_OK);
        if (!strstr(msg, bad[i].says))
            fail_msg("calendar %zu: \"%s\" lacks \"%s\"", i, msg, bad[i].says);
        assert_int_equal(version_of(f, "hb", true), 0);
    }
    assert_int_equal(ld_office_calendar_preview(f->c, "hb", good, &cal, &ch, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ch.count, 3); /* two half-terms and a closed day, all new */
    assert_int_equal(cal.term_count, 2);
    ld_calendar_file_free(&cal);
    ld_office_changes_free(&ch);
    assert_int_equal(
        ld_office_calendar_save(f->c, "hb", good, 0, "tech", 2000, &ch, msg, sizeof msg), LD_OK);
    assert_int_equal(ch.version, 1);
    ld_office_changes_free(&ch);
    assert_true(audited(f, "hb", "tech",
                        "calendar terms.Autumn 2: (none) → 2026-11-02 .. 2026-12-18 (version 1)"));
    /* Autumn 2 ends a week earlier and the INSET day moves */
    static const char moved[] = "[terms]\nAutumn 1 = 2026-09-01 .. 2026-10-23\n"
                                "Autumn 2 = 2026-11-02 .. 2026-12-11\n[closed]\n"
                                "2026-11-03 = INSET day\n";
    assert_int_equal(
        ld_office_calendar_save(f->c, "hb", moved, 1, "tech", 3000, &ch, msg, sizeof msg), LD_OK);
    assert_int_equal(ch.count, 3);
    assert_int_equal(ch.version, 2);
    ld_office_changes_free(&ch);
    assert_true(audited(f, "hb", "tech",
                        "calendar terms.Autumn 2: 2026-11-02 .. 2026-12-18 → 2026-11-02 .. "
                        "2026-12-11 (version 2)"));
    assert_true(
        audited(f, "hb", "tech", "calendar closed.2026-11-02: INSET day → (none) (version 2)"));
    assert_int_equal(
        ld_office_calendar_save(f->c, "hb", good, 1, "tech", 4000, &ch, msg, sizeof msg),
        LD_ERR_STATE);
    int64_t v;
    bool changed;
    assert_int_equal(ld_central_get_calendar(f->c, "hb", 0, &cal, &v, &changed, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(v, 2);
    assert_int_equal(cal.closed_count, 1);
    assert_int_equal(cal.closed[0].date, ld_date_from_ymd(2026, 11, 3));
    ld_calendar_file_free(&cal);
    assert_int_equal(version_of(f, "ot", true), 0);
}

int main(int argc, char **argv)
{
    char msg[512];
    g_pg_mode = argc > 1 && !strcmp(argv[1], "pg");
    if (g_pg_mode) {
        if (ld_pg_info_load(&g_pg, msg, sizeof msg)) {
            fprintf(stderr, "test_office_store: %s\n", msg);
            return 1;
        }
        if (g_pg.skip[0]) {
            const char *ci = getenv("CI");
            fprintf(stderr, "test_office_store: %s\n", g_pg.skip);
            return ci && !strcmp(ci, "true") ? 1 : 77;
        }
        if (!ld_pg_read_password(g_pg.super_passfile, g_super_pw, sizeof g_super_pw) ||
            !ld_pg_read_password(g_pg.admin_passfile, g_admin_pw, sizeof g_admin_pw)) {
            fprintf(stderr, "test_office_store: cannot read the password files\n");
            return 1;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(records_put_get_list, setup, teardown),
        cmocka_unit_test_setup_teardown(records_checked_in_and_out, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_is_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(users_add_and_sign_in, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_passwords_slow_then_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(records_kept_through_version_7, setup, teardown),
        cmocka_unit_test_setup_teardown(rules_changed_checked_and_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(calendar_changed_checked_and_audited, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
