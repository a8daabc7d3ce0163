/* test_store_schema.c: every schema version ever shipped, kept as a fixture, migrates cleanly. */
#include "helpers.h"

#define FIXTURES LD_TEST_DATA "/store/fixtures"

/* Reads the whole fixture file for schema version v into a new string. */
static char *read_fixture(int v)
{
    char path[512];
    snprintf(path, sizeof path, "%s/schema-v%d.sql", FIXTURES, v);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("no fixture %s: every shipped schema version needs one", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Writes the fixture for version v into a new database at path, as that version left it. */
static void load_fixture(int v, const char *path)
{
    char *sql = read_fixture(v);
    sqlite3 *db = NULL;
    char *err = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("schema-v%d.sql: %s", v, err ? err : "?");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    free(sql);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), v);
}

/* Appends the schema of path (every object, its SQL with white space squeezed) to out. */
static void schema_text(const char *path, char *out, size_t outlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT type, name, tbl_name, coalesce(sql, '')"
                                        " FROM sqlite_schema ORDER BY type, name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < 4; c++) {
            const char *t = (const char *)sqlite3_column_text(st, c);
            bool space = false;
            for (; *t; t++) {
                if (*t == ' ' || *t == '\n' || *t == '\t') {
                    space = true;
                    continue;
                }
                if (space && n + 1 < outlen)
                    out[n++] = ' ';
                space = false;
                if (n + 1 < outlen)
                    out[n++] = *t;
            }
            if (n + 1 < outlen)
                out[n++] = '|';
        }
        if (n + 1 < outlen)
            out[n++] = '\n';
    }
    assert_true(n + 1 < outlen);
    out[n] = '\0';
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_every_version_has_a_fixture(void **state)
{
    for (int v = 1; v <= LD_STORE_SCHEMA_VERSION; v++)
        free(read_fixture(v));
}

/* Every fixture, opened and migrated, has exactly the schema a new store gets. */
static void test_migrated_schema_matches_new(void **state)
{
    struct tdir d;
    char fresh[256], old[256], msg[512] = "";
    static char want[32768], got[32768];
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "fresh.db", fresh, sizeof fresh);
    ld_store_close(create_store(fresh, NULL));
    schema_text(fresh, want, sizeof want);

    for (int v = 1; v <= LD_STORE_SCHEMA_VERSION; v++) {
        snprintf(old, sizeof old, "%s/v%d.db", d.path, v);
        load_fixture(v, old);
        if (ld_store_open(old, NULL, &s, msg, sizeof msg) != LD_OK)
            fail_msg("schema-v%d.sql: %s", v, msg);
        ld_store_close(s);
        assert_int_equal(raw_int(old, "PRAGMA user_version"), LD_STORE_SCHEMA_VERSION);
        assert_int_equal(raw_int(old, "PRAGMA application_id"), LD_STORE__APP_ID);
        schema_text(old, got, sizeof got);
        assert_string_equal(got, want);
    }
    tdir_remove(&d);
}

static ld_err count_event(void *ctx, const struct ld_event *ev)
{
    (*(int *)ctx)++;
    return LD_OK;
}

/* The rows of version 1 are all there, and the store carries on from them. */
static void test_v1_rows_survive(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "", buf[128];
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "v1.db", path, sizeof path);
    load_fixture(1, path);
    uint64_t before = store_dump(path);
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);

    char id[LD_DEVICE_ID_MAX + 1];
    assert_int_equal(ld_store_device_id(s, id, msg, sizeof msg), LD_OK);
    assert_string_equal(id, "door-1");
    assert_int_equal(ld_store_setting_get(s, "sync.url", buf, sizeof buf, msg, sizeof msg), LD_OK);
    assert_string_equal(buf, "https://central.example/latedoor");

    struct ld_pupil p;
    assert_int_equal(ld_store_pupil_get(s, T_UPN_A, &p, msg, sizeof msg), LD_OK);
    assert_string_equal(p.preferred_first, "Millie");
    assert_string_equal(p.class_name, "4B");
    assert_int_equal(p.flags, 16);
    assert_true(p.active);
    assert_int_equal(ld_store_pupil_get(s, T_UPN_B, &p, msg, sizeof msg), LD_OK);
    assert_string_equal(p.legal_last, "Ní Bhriain");
    assert_int_equal(ld_store_pupil_get(s, T_UPN_C, &p, msg, sizeof msg), LD_OK);
    assert_false(p.active);
    struct ld_uid uid;
    assert_true(ld_uid_parse("04112233445566", &uid));
    assert_int_equal(ld_store_pupil_by_card(s, &uid, &p, msg, sizeof msg), LD_OK);
    assert_string_equal(p.upn, T_UPN_B);

    struct ld_staff staff;
    assert_int_equal(ld_store_staff_get(s, "j.bloggs", &staff, msg, sizeof msg), LD_OK);
    assert_int_equal(staff.role, LD_ROLE_ADMIN);
    assert_string_equal(staff.card, "04DEADBEEF");

    int n = 0;
    assert_int_equal(ld_store_events_foreach(s, NULL, count_event, &n, msg, sizeof msg), LD_OK);
    assert_int_equal(n, 5);
    struct ld_event ev;
    int64_t at = 0;
    assert_int_equal(ld_store_first_arrival(s, T_UPN_A, T_MONDAY_MS - 3600000,
                                            T_MONDAY_MS + 3600000, &ev, &at, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(ev.uuid, "9b2f6c1e-4a7d-4c0b-8a57-0d3c5e2f1a01");
    /* B's arrival at the gate was voided at the door. */
    assert_int_equal(ld_store_first_arrival(s, T_UPN_B, T_MONDAY_MS - 3600000,
                                            T_MONDAY_MS + 3600000, &ev, &at, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);

    ld_store_close(s);
    assert_int_equal(store_dump(path), before);

    /* This device's sequence carries on after the last one in the file. */
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
    ev = arrival(T_UPN_A, T_MONDAY_MS + 86400000);
    assert_int_equal(append_ok(s, &ev), 4 + 1);
    ld_store_close(s);
    tdir_remove(&d);
}

/* Events are append-only even to someone with the sqlite3 shell. */
static void test_events_append_only(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    struct ld_store *s = create_store(path, NULL);
    struct ld_event ev = arrival(T_UPN_A, T_MONDAY_MS);
    append_ok(s, &ev);
    ld_store_close(s);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE events SET at_ms = 0", NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_string_equal(sqlite3_errmsg(db), "events are append-only");
    assert_int_equal(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL), SQLITE_CONSTRAINT);
    /* STRICT: a column holds its own type only. */
    assert_int_equal(sqlite3_exec(db, "INSERT INTO staff VALUES ('x', 'X', '', NULL, 'admin', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_non_null(strstr(sqlite3_errmsg(db), "cannot store TEXT value in INTEGER column"));
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 1);
    tdir_remove(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_version_has_a_fixture),
        cmocka_unit_test(test_migrated_schema_matches_new),
        cmocka_unit_test(test_v1_rows_survive),
        cmocka_unit_test(test_events_append_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
