/*
 * test_central_contract.c: the central store's contract. The same cases run against each
 * backend: `test_central_contract sqlite` and `test_central_contract pg` (the latter against the
 * throwaway server of pg_harness.sh, named by $LD_PG_INFO). Each case gets a fresh, empty store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central.h"
#include "pg_info.h"
#include "store.h"

/* ---- the two backends, as the fixture sees them ---- */

struct fx;

struct backend {
    const char *name;
    const char *prefix; /* of table names in raw SQL */
    int (*make)(struct fx *f);
    void (*drop)(struct fx *f);
    void (*raw)(struct fx *f, const char *sql); /* as the admin; asserts success */
    const char *fixture_v1;                     /* path of the version-1 store */
    const char *fixture_v2;                     /* path of the version-2 store */
    const char *set_version_99;                 /* SQL pretending a newer latedoor wrote it */
    const char *foreign;                        /* SQL making the empty store somebody else's */
};

#define MAX_DEVICES 6

struct fx {
    const struct backend *be;
    char dir[64];
    char url[512];
    char passfile[300]; /* "" for none */
    char db[64];        /* PostgreSQL: this case's database */
    char tag[16];       /* makes device names unique in the server's cluster-wide roles */
    struct ld_central *c;
    struct ld_central *dev[MAX_DEVICES];
    size_t ndev;
    PGconn *raw_pg;
    char last_url[LD_CENTRAL_URL_MAX]; /* the last device added: its URL and password file */
    char last_pass[400];
};

static const struct backend *g_be;
static struct ld_pg_info g_pg;
static char g_super_pw[256], g_admin_pw[256];
static unsigned g_counter;

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* SQLite: a file in the case's temporary directory. */
static int sq_make(struct fx *f)
{
    snprintf(f->url, sizeof f->url, "sqlite:%s/central.db", f->dir);
    return 0;
}

static void sq_drop(struct fx *f)
{
    char path[300];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/central.db%s", f->dir, suffix[i]);
        unlink(path);
    }
}

static void sq_raw(struct fx *f, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &db), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("raw SQL failed: %s", err ? err : "?");
    sqlite3_close(db);
}

static const struct backend sqlite_backend = {
    .name = "sqlite",
    .prefix = "",
    .make = sq_make,
    .drop = sq_drop,
    .raw = sq_raw,
    .fixture_v1 = LD_TEST_DATA "/central/fixtures/v1.sqlite.sql",
    .fixture_v2 = LD_TEST_DATA "/central/fixtures/v2.sqlite.sql",
    .set_version_99 = "PRAGMA user_version = 99",
    .foreign = "CREATE TABLE accounts (id INTEGER PRIMARY KEY)",
};

static PGconn *super_conn(const char *db)
{
    PGconn *c = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, db);
    assert_non_null(c);
    return c;
}

/* PostgreSQL: a database of its own, owned by the (non-superuser) admin role. */
static int pg_make(struct fx *f)
{
    char sql[200], state[6];
    snprintf(f->db, sizeof f->db, "ld_t_%s", f->tag);
    PGconn *s = super_conn("postgres");
    snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", f->db, g_pg.admin);
    ld_pg_exec(s, sql, state);
    PQfinish(s);
    if (state[0])
        fail_msg("CREATE DATABASE failed: %s", state);
    ld_pg_url(&g_pg, g_pg.admin, f->db, NULL, f->url, sizeof f->url);
    snprintf(f->passfile, sizeof f->passfile, "%s", g_pg.admin_passfile);
    return 0;
}

static void pg_drop(struct fx *f)
{
    char sql[200], state[6];
    PQfinish(f->raw_pg);
    f->raw_pg = NULL;
    PGconn *s = super_conn("postgres");
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", f->db);
    ld_pg_exec(s, sql, state);
    PQfinish(s);
}

static void pg_raw(struct fx *f, const char *sql)
{
    if (!f->raw_pg)
        f->raw_pg = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
    assert_non_null(f->raw_pg);
    PGresult *r = PQexec(f->raw_pg, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("raw SQL failed: %s", PQresultErrorMessage(r));
    PQclear(r);
}

static const struct backend pg_backend = {
    .name = "pg",
    .prefix = "latedoor.",
    .make = pg_make,
    .drop = pg_drop,
    .raw = pg_raw,
    .fixture_v1 = LD_TEST_DATA "/central/fixtures/v1.pg.sql",
    .fixture_v2 = LD_TEST_DATA "/central/fixtures/v2.pg.sql",
    .set_version_99 = "UPDATE latedoor.schema_version SET version = 99",
    .foreign = "CREATE SCHEMA latedoor; CREATE TABLE latedoor.accounts (id int)",
};

/* ---- fixture ---- */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->be = g_be;
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-central-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->tag, sizeof f->tag, "%x_%u", (unsigned)getpid() & 0xfffff, ++g_counter);
    assert_int_equal(f->be->make(f), 0);
    char msg[512] = "";
    ld_err err = ld_central_open(f->url, f->passfile[0] ? f->passfile : NULL, LD_CENTRAL_ADMIN,
                                 &f->c, msg, sizeof msg);
    if (err)
        fail_msg("open: %s", msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    for (size_t i = 0; i < f->ndev; i++)
        ld_central_close(f->dev[i]);
    ld_central_close(f->c);
    f->be->drop(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

#define OK(call)                                                                                   \
    do {                                                                                           \
        char msg_[1024] = "";                                                                      \
        ld_err err_ = (call);                                                                      \
        if (err_ != LD_OK)                                                                         \
            fail_msg("%s: %s (%s)", #call, msg_, ld_err_str(err_));                                \
    } while (0)
/* The calls below take `msg, sizeof msg`: OK() gives each its own buffer. */
#define M msg_, sizeof msg_

/* Expects call to fail with err and its message to hold every given substring. */
static void expect_fail(ld_err got, ld_err want, const char *msg, const char *const *subs)
{
    if (got != want)
        fail_msg("wanted %s, got %s: %s", ld_err_str(want), ld_err_str(got), msg);
    for (; subs && *subs; subs++)
        if (!strstr(msg, *subs))
            fail_msg("message lacks \"%s\": %s", *subs, msg);
}
#define FAILS(want, call, ...)                                                                     \
    do {                                                                                           \
        char msg_[1024] = "";                                                                      \
        const char *subs_[] = {__VA_ARGS__, NULL};                                                 \
        expect_fail((call), (want), msg_, subs_);                                                  \
    } while (0)

static void init_store(struct fx *f)
{
    int from = -1, to = -1;
    OK(ld_central_init(f->c, &from, &to, M));
    assert_int_equal(to, LD_CENTRAL_SCHEMA_VERSION);
}

static void name_device(const struct fx *f, const char *base, char out[LD_CENTRAL_ID_MAX + 1])
{
    snprintf(out, LD_CENTRAL_ID_MAX + 1, "%s-%s", base, f->tag);
}

/* Registers device base (made unique) with school and opens a handle as that device. */
static struct ld_central *add_device(struct fx *f, const char *school, const char *base,
                                     char id[LD_CENTRAL_ID_MAX + 1])
{
    struct ld_central_credentials cred;
    name_device(f, base, id);
    OK(ld_central_device_add(f->c, school, id, &cred, M));
    assert_string_equal(cred.device_id, id);
    assert_string_equal(cred.school, school);
    char passfile[400] = "";
    if (cred.password[0]) {
        snprintf(passfile, sizeof passfile, "%s/%s.pass", f->dir, id);
        FILE *pf = fopen(passfile, "w");
        assert_non_null(pf);
        assert_int_equal(chmod(passfile, 0600), 0);
        fprintf(pf, "%s\n", cred.password);
        assert_int_equal(fclose(pf), 0);
    }
    struct ld_central *d = NULL;
    OK(ld_central_open(cred.url, passfile[0] ? passfile : NULL, LD_CENTRAL_DEVICE, &d, M));
    snprintf(f->last_url, sizeof f->last_url, "%s", cred.url);
    snprintf(f->last_pass, sizeof f->last_pass, "%s", passfile);
    assert_true(f->ndev < MAX_DEVICES);
    f->dev[f->ndev++] = d;
    return d;
}

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* A valid arrival of device at seq, with a UUID that depends on both. */
static void make_event(struct ld_central_event *e, const char *school, const char *device,
                       int64_t seq)
{
    memset(e, 0, sizeof *e);
    snprintf(e->school, sizeof e->school, "%s", school);
    snprintf(e->device_id, sizeof e->device_id, "%s", device);
    e->seq = seq;
    snprintf(e->uuid, sizeof e->uuid, "%08x-0000-4000-8000-%012" PRIx64, fnv(device),
             (uint64_t)seq);
    e->kind = LD_CEV_ARRIVAL;
    e->at_ms = INT64_C(1788505200000) + seq * 60000; /* 2026-09-04 */
    e->mono_ms = 120000 + seq;
    snprintf(e->boot_id, sizeof e->boot_id, "28d95a18-f3f0-423e-8803-af0def8d5fd8");
    e->clock_state = 0;
    snprintf(e->upn, sizeof e->upn, "A%012" PRId64, 100000000000 + seq % 7);
    snprintf(e->card, sizeof e->card, "04A2B3C4");
    e->source = LD_CSRC_CARD;
}

static void make_events(struct ld_central_event *e, size_t n, const char *school,
                        const char *device, int64_t first_seq)
{
    for (size_t i = 0; i < n; i++)
        make_event(&e[i], school, device, first_seq + (int64_t)i);
}

static int64_t count_events(struct fx *f, const char *school)
{
    int64_t n = -1;
    OK(ld_central_event_count(f->c, school, &n, M));
    return n;
}

/* A small fictional roster: n pupils, every other one with a card. */
static void make_roster(struct ld_roster *r, size_t n)
{
    static const char *const first[] = {"Amara", "Ben", "Chloe", "Dev", "Ella", "Finn"};
    static const char *const last[] = {"Okafor", "Hughes", "Patel", "Nowak", "Evans", "Shah"};
    r->pupils = calloc(n, sizeof *r->pupils);
    assert_non_null(r->pupils);
    r->count = n;
    for (size_t i = 0; i < n; i++) {
        struct ld_roster_pupil *p = &r->pupils[i];
        snprintf(p->upn, sizeof p->upn, "B%012zu", 200000000000 + i);
        snprintf(p->legal_first, sizeof p->legal_first, "%s", first[i % 6]);
        snprintf(p->legal_last, sizeof p->legal_last, "%s", last[(i / 6) % 6]);
        snprintf(p->preferred_first, sizeof p->preferred_first, "%s", first[i % 6]);
        snprintf(p->preferred_last, sizeof p->preferred_last, "%s", last[(i / 6) % 6]);
        snprintf(p->year, sizeof p->year, "%zu", 1 + i % 6);
        snprintf(p->class_name, sizeof p->class_name, "%zu%c", 1 + i % 6, i % 2 ? 'H' : 'O');
        if (i % 3 == 0)
            snprintf(p->family, sizeof p->family, "F%u", (unsigned)(i / 3) % 1000u);
        p->flags = (unsigned)(i % 4 == 0 ? 0x10 : 0);
        /* Some pupils joined mid-year, some have left (the core's on_roll). */
        p->has_admitted = i % 5 == 1;
        p->admitted = ld_date_from_ymd(2026, 11, 2 + (int)(i % 7));
        p->has_left = i % 7 == 3;
        p->left = ld_date_from_ymd(2027, 2, 12);
        if (i % 2 == 0) {
            p->card.len = 4;
            p->card.bytes[0] = 0x04;
            p->card.bytes[1] = (uint8_t)(i >> 8);
            p->card.bytes[2] = (uint8_t)i;
            p->card.bytes[3] = 0xC4;
        }
    }
}

static void assert_roster_equal(const struct ld_roster *a, const struct ld_roster *b)
{
    assert_int_equal(a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        const struct ld_roster_pupil *x = &a->pupils[i], *y = &b->pupils[i];
        assert_string_equal(x->upn, y->upn);
        assert_string_equal(x->legal_first, y->legal_first);
        assert_string_equal(x->legal_last, y->legal_last);
        assert_string_equal(x->preferred_first, y->preferred_first);
        assert_string_equal(x->preferred_last, y->preferred_last);
        assert_string_equal(x->year, y->year);
        assert_string_equal(x->class_name, y->class_name);
        assert_string_equal(x->family, y->family);
        assert_int_equal(x->flags, y->flags);
        assert_true(ld_uid_equal(&x->card, &y->card));
        assert_int_equal(x->has_admitted, y->has_admitted);
        assert_int_equal(x->has_left, y->has_left);
        if (x->has_admitted)
            assert_int_equal(x->admitted, y->admitted);
        if (x->has_left)
            assert_int_equal(x->left, y->left);
    }
}

/* ---- schema ---- */

static void init_creates_and_is_idempotent(void **state)
{
    struct fx *f = *state;
    int v = -1, from = -1, to = -1;
    OK(ld_central_schema_version(f->c, &v, M));
    assert_int_equal(v, 0);
    FAILS(LD_ERR_STATE, ld_central_school_add(f->c, "hollybrook", "Hollybrook", M), "central init");
    OK(ld_central_init(f->c, &from, &to, M));
    assert_int_equal(from, 0);
    assert_int_equal(to, LD_CENTRAL_SCHEMA_VERSION);
    OK(ld_central_init(f->c, &from, &to, M));
    assert_int_equal(from, LD_CENTRAL_SCHEMA_VERSION);
    assert_int_equal(to, LD_CENTRAL_SCHEMA_VERSION);
    OK(ld_central_schema_version(f->c, &v, M));
    assert_int_equal(v, LD_CENTRAL_SCHEMA_VERSION);
    /* a second handle sees the same */
    struct ld_central *c2 = NULL;
    OK(ld_central_open(f->url, f->passfile[0] ? f->passfile : NULL, LD_CENTRAL_ADMIN, &c2, M));
    OK(ld_central_init(c2, &from, &to, M));
    assert_int_equal(from, LD_CENTRAL_SCHEMA_VERSION);
    ld_central_close(c2);
}

/* Runs sql on the store as its admin, the append-only trigger lifted: a row changed behind
 * latedoor's back (a bad sector, a hand edit). */
static void rewrite_row(struct fx *f, const char *set, const char *device, int64_t seq)
{
    char sql[512];
    if (f->be == &sqlite_backend)
        snprintf(sql, sizeof sql,
                 "DROP TRIGGER IF EXISTS events_append_only; UPDATE events SET %s WHERE device_id "
                 "= '%s' "
                 "AND seq = %" PRId64,
                 set, device, seq);
    else
        snprintf(sql, sizeof sql,
                 "ALTER TABLE latedoor.events DISABLE TRIGGER events_append_only;"
                 "UPDATE latedoor.events SET %s WHERE device_id = '%s' AND seq = %" PRId64 ";"
                 "ALTER TABLE latedoor.events ENABLE TRIGGER events_append_only",
                 set, device, seq);
    f->be->raw(f, sql);
}

/* The device store's checksum of e's fields (ld_event_sum): what a kiosk sends with it. */
static void device_sum(const struct ld_central_event *e, char out[LD_EVENT_SUM_LEN + 1])
{
    struct ld_event d;
    memset(&d, 0, sizeof d);
    snprintf(d.device_id, sizeof d.device_id, "%s", e->device_id);
    d.seq = e->seq;
    snprintf(d.uuid, sizeof d.uuid, "%s", e->uuid);
    d.kind = (enum ld_event_kind)e->kind;
    d.at_ms = e->at_ms;
    d.mono_ms = e->mono_ms;
    snprintf(d.boot_id, sizeof d.boot_id, "%s", e->boot_id);
    d.clock = (enum ld_clock_state)e->clock_state;
    snprintf(d.upn, sizeof d.upn, "%s", e->upn);
    snprintf(d.card, sizeof d.card, "%s", e->card);
    d.source = (enum ld_source)e->source;
    snprintf(d.staff, sizeof d.staff, "%.*s", (int)sizeof d.staff - 1, e->staff);
    snprintf(d.reason, sizeof d.reason, "%s", e->reason);
    snprintf(d.ref_device, sizeof d.ref_device, "%s", e->ref_device);
    d.ref_seq = e->ref_seq;
    d.fixed_at_ms = e->fixed_at_ms;
    ld_event_sum(&d, out);
}

static void v1_fixture_migrates(void **state)
{
    struct fx *f = *state;
    char *sql = read_text(f->be->fixture_v1);
    f->be->raw(f, sql);
    free(sql);
    int v = -1, from = -1, to = -1;
    OK(ld_central_schema_version(f->c, &v, M));
    assert_int_equal(v, 1);
    FAILS(LD_ERR_STATE, ld_central_event_count(f->c, NULL, &(int64_t){0}, M), "version 1");
    OK(ld_central_init(f->c, &from, &to, M));
    assert_int_equal(from, 1);
    assert_int_equal(to, LD_CENTRAL_SCHEMA_VERSION);

    /* what version 1 held is all there */
    struct ld_central_school s;
    OK(ld_central_school_get(f->c, "hollybrook", &s, M));
    assert_string_equal(s.name, "Hollybrook Primary School");
    assert_int_equal(count_events(f, "hollybrook"), 3);
    char school[LD_CENTRAL_ID_MAX + 1];
    OK(ld_central_device_school(f->c, "fixture-gate", school, M));
    assert_string_equal(school, "hollybrook");
    struct ld_roster r = {0};
    int64_t ver = 0;
    bool changed = false;
    OK(ld_central_get_roster(f->c, "hollybrook", 0, &r, &ver, &changed, M));
    assert_true(changed);
    assert_int_equal(ver, 1);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.pupils[0].upn, "H801200001001");
    assert_string_equal(r.pupils[0].preferred_first, "Rosa");
    assert_int_equal(r.pupils[0].card.len, 4);
    assert_int_equal(r.pupils[1].card.len, 0);
    ld_roster_free(&r);
    struct ld_central_event got[10];
    size_t n = 0;
    OK(ld_central_pull(f->c, "fixture-gate", "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 2);
    assert_string_equal(got[0].device_id, "fixture-door");
    assert_int_equal(got[0].seq, 1);
    assert_string_equal(got[1].reason, "Medical appointment");
    /* version 8 summed the rows it found: the device store's checksum of the same fields */
    char fsum[LD_EVENT_SUM_LEN + 1];
    device_sum(&got[1], fsum);
    assert_string_equal(got[1].sum, fsum);

    /* and version 2's tables work */
    struct ld_calfile_term term = {.name = "Autumn 1"};
    term.start = ld_date_from_ymd(2026, 9, 3);
    term.end = ld_date_from_ymd(2026, 10, 23);
    struct ld_calendar_file cal = {.terms = &term, .term_count = 1};
    OK(ld_central_put_calendar(f->c, "hollybrook", &cal, &ver, &changed, M));
    assert_int_equal(ver, 1);
    /* the old events keep their order; new ones go after */
    struct ld_central_event e;
    make_event(&e, "hollybrook", "fixture-door", 3);
    struct ld_push_result res;
    OK(ld_central_push(f->c, "fixture-door", &e, 1, &res, M));
    assert_true(res.last_global_seq > got[1].global_seq);
}

static void v2_fixture_migrates(void **state)
{
    struct fx *f = *state;
    char *sql = read_text(f->be->fixture_v2);
    f->be->raw(f, sql);
    free(sql);
    int v = -1, from = -1, to = -1;
    OK(ld_central_schema_version(f->c, &v, M));
    assert_int_equal(v, 2);
    FAILS(LD_ERR_STATE, ld_central_get_marks(f->c, "hollybrook", &(struct ld_central_marks){0}, M),
          "version 2");
    OK(ld_central_init(f->c, &from, &to, M));
    assert_int_equal(from, 2);
    assert_int_equal(to, LD_CENTRAL_SCHEMA_VERSION);

    /* what version 2 held is all there */
    assert_int_equal(count_events(f, "hollybrook"), 3);
    struct ld_calendar_file cal = {0};
    int64_t ver = 0;
    bool changed = false;
    OK(ld_central_get_calendar(f->c, "hollybrook", 0, &cal, &ver, &changed, M));
    assert_int_equal(ver, 1);
    assert_int_equal(cal.term_count, 1);
    assert_string_equal(cal.terms[0].name, "Autumn 1");
    assert_int_equal(cal.closed_count, 1);
    ld_calendar_file_free(&cal);
    struct ld_central_settings set = {0};
    OK(ld_central_get_settings(f->c, "hollybrook", 0, &set, &ver, &changed, M));
    assert_int_equal(set.count, 1);
    assert_string_equal(set.items[0].value, "Europe/London");
    ld_central_settings_free(&set);

    /* and version 3's marks work */
    struct ld_central_mark m = {.upn = "H801200001001", .session = 0, .code = "I", .minutes = -1};
    m.date = ld_date_from_ymd(2026, 9, 7);
    size_t added = 0;
    OK(ld_central_put_marks(f->c, "hollybrook", &m, 1, &added, NULL, M));
    assert_int_equal(added, 1);
    struct ld_central_marks got = {0};
    OK(ld_central_get_marks(f->c, "hollybrook", &got, M));
    assert_int_equal(got.count, 1);
    ld_central_marks_free(&got);
}

static void newer_or_foreign_store_refused(void **state)
{
    struct fx *f = *state;
    int from, to;
    /* somebody else's database: nothing is added to it */
    f->be->raw(f, f->be->foreign);
    FAILS(LD_ERR_CORRUPT, ld_central_init(f->c, &from, &to, M), "not a latedoor central store");
    /* a store written by a newer latedoor */
    f->be->drop(f);
    ld_central_close(f->c);
    f->c = NULL;
    assert_int_equal(f->be->make(f), 0);
    OK(ld_central_open(f->url, f->passfile[0] ? f->passfile : NULL, LD_CENTRAL_ADMIN, &f->c, M));
    init_store(f);
    f->be->raw(f, f->be->set_version_99);
    struct ld_central *c2 = NULL;
    OK(ld_central_open(f->url, f->passfile[0] ? f->passfile : NULL, LD_CENTRAL_ADMIN, &c2, M));
    FAILS(LD_ERR_UNSUPPORTED, ld_central_init(c2, &from, &to, M), "newer");
    FAILS(LD_ERR_UNSUPPORTED, ld_central_school_add(c2, "x", "X", M), "newer");
    ld_central_close(c2);
}

/* ---- schools and devices ---- */

static void schools(void **state)
{
    struct fx *f = *state;
    init_store(f);
    OK(ld_central_school_add(f->c, "oakfield", "Oakfield Primary School", M));
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    FAILS(LD_ERR_DUPLICATE, ld_central_school_add(f->c, "oakfield", "Again", M), "oakfield");
    FAILS(LD_ERR_INVALID, ld_central_school_add(f->c, "no spaces", "X", M), "school id");
    FAILS(LD_ERR_INVALID, ld_central_school_add(f->c, "x", "Bad\x01name", M), "control");
    FAILS(LD_ERR_RANGE,
          ld_central_school_add(f->c, "x",
                                "A name much longer than sixty-four bytes, which is "
                                "the cap for a school",
                                M),
          "longer");
    FAILS(LD_ERR_NOT_FOUND,
          ld_central_school_get(f->c, "elmwood", &(struct ld_central_school){0}, M), "elmwood");
    struct ld_central_school list[4];
    size_t n = 0;
    OK(ld_central_schools(f->c, list, 4, &n, M));
    assert_int_equal(n, 2);
    assert_string_equal(list[0].id, "hollybrook");
    assert_string_equal(list[1].name, "Oakfield Primary School");
    FAILS(LD_ERR_RANGE, ld_central_schools(f->c, list, 1, &n, M), "more than");
}

static void devices(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], school[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_credentials cred;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);

    name_device(f, "gate", school);
    OK(ld_central_device_add(f->c, "hollybrook", school, &cred, M));
    if (f->be == &pg_backend) {
        char user[80];
        snprintf(user, sizeof user, "ld_dev_%s", school);
        assert_string_equal(cred.user, user);
        assert_int_equal(strlen(cred.password), 32);
        assert_null(strstr(cred.url, cred.password));
        assert_non_null(strstr(cred.url, user));
        assert_non_null(strstr(cred.url, "sslmode="));
        assert_true(cred.sslmode[0] != '\0');
        assert_string_equal(ld_central_login_device(d), door);
    } else {
        assert_int_equal(strncmp(cred.url, "sqlite:/", 8), 0);
        assert_string_equal(cred.password, "");
        assert_string_equal(ld_central_login_device(d), "");
    }
    FAILS(LD_ERR_DUPLICATE, ld_central_device_add(f->c, "hollybrook", door, &cred, M), door);
    FAILS(LD_ERR_NOT_FOUND, ld_central_device_add(f->c, "elmwood", "x1", &cred, M), "elmwood");
    FAILS(LD_ERR_INVALID, ld_central_device_add(f->c, "hollybrook", "a/b", &cred, M),
          "device name");
    OK(ld_central_device_school(f->c, door, school, M));
    assert_string_equal(school, "hollybrook");
    OK(ld_central_device_school(d, door, school, M));
    assert_string_equal(school, "hollybrook");
    FAILS(LD_ERR_NOT_FOUND, ld_central_device_school(f->c, "nobody", school, M), "nobody");
    /* a device is not the admin */
    FAILS(LD_ERR_STATE, ld_central_school_add(d, "x", "X", M), "only the admin");
    FAILS(LD_ERR_STATE, ld_central_device_add(d, "hollybrook", "x2", &cred, M), "only the admin");
    int from, to;
    FAILS(LD_ERR_STATE, ld_central_init(d, &from, &to, M), "only the admin");
}

/* ---- roster, calendar, settings ---- */

static void roster_versions(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1];
    struct ld_roster r = {0}, got = {0};
    int64_t v = -1;
    bool changed = false;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    OK(ld_central_roster_version(d, "hollybrook", &v, M));
    assert_int_equal(v, 0);
    OK(ld_central_get_roster(d, "hollybrook", 0, &got, &v, &changed, M));
    assert_false(changed);

    make_roster(&r, 40);
    snprintf(r.pupils[3].preferred_first, sizeof r.pupils[3].preferred_first, "Zoë");
    snprintf(r.pupils[4].legal_last, sizeof r.pupils[4].legal_last, "O'Brien \"Jr\" \\");
    OK(ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M));
    assert_int_equal(v, 1);
    assert_true(changed);
    OK(ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M));
    assert_int_equal(v, 1);
    assert_false(changed);

    OK(ld_central_get_roster(d, "hollybrook", 0, &got, &v, &changed, M));
    assert_true(changed);
    assert_int_equal(v, 1);
    assert_roster_equal(&r, &got);
    assert_int_equal(got.pupils[0].line, 0);
    ld_roster_free(&got);
    OK(ld_central_get_roster(d, "hollybrook", 1, &got, &v, &changed, M));
    assert_false(changed);
    assert_int_equal(got.count, 0);

    snprintf(r.pupils[7].class_name, sizeof r.pupils[7].class_name, "6X");
    r.pupils[9].card.len = 0;
    OK(ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M));
    assert_int_equal(v, 2);
    assert_true(changed);
    OK(ld_central_get_roster(d, "hollybrook", 1, &got, &v, &changed, M));
    assert_true(changed);
    assert_int_equal(v, 2);
    assert_roster_equal(&r, &got);
    ld_roster_free(&got);

    /* refused rosters change nothing */
    snprintf(r.pupils[5].upn, sizeof r.pupils[5].upn, "%s", r.pupils[2].upn);
    FAILS(LD_ERR_DUPLICATE, ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M), "row 6",
          "row 3");
    snprintf(r.pupils[5].upn, sizeof r.pupils[5].upn, "B999999999999");
    r.pupils[8].card = r.pupils[0].card;
    FAILS(LD_ERR_DUPLICATE, ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M), "card");
    r.pupils[8].card.len = 0;
    r.pupils[3].has_admitted = true; /* pupil 4 left on 2027-02-12 */
    r.pupils[3].admitted = ld_date_from_ymd(2027, 3, 1);
    FAILS(LD_ERR_INVALID, ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M), "row 4",
          "before the admission date");
    r.pupils[3].has_admitted = false;
    snprintf(r.pupils[1].upn, sizeof r.pupils[1].upn, "12345");
    FAILS(LD_ERR_INVALID, ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M), "row 2",
          "upn");
    FAILS(LD_ERR_NOT_FOUND,
          ld_central_put_roster(f->c, "elmwood", &(struct ld_roster){0}, &v, &changed, M),
          "elmwood");
    FAILS(LD_ERR_STATE, ld_central_put_roster(d, "hollybrook", &r, &v, &changed, M),
          "only the admin");
    OK(ld_central_roster_version(f->c, "hollybrook", &v, M));
    assert_int_equal(v, 2);
    /* an empty roster is a roster */
    OK(ld_central_put_roster(f->c, "hollybrook", &(struct ld_roster){0}, &v, &changed, M));
    assert_int_equal(v, 3);
    OK(ld_central_get_roster(d, "hollybrook", 2, &got, &v, &changed, M));
    assert_true(changed);
    assert_int_equal(got.count, 0);
    ld_roster_free(&r);
}

static void calendar_and_settings_versions(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1];
    int64_t v = -1;
    bool changed = false;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);

    struct ld_calfile_term terms[2] = {
        {.name = "Autumn 1",
         .start = ld_date_from_ymd(2026, 9, 3),
         .end = ld_date_from_ymd(2026, 10, 23)},
        {.name = "Autumn 2",
         .start = ld_date_from_ymd(2026, 11, 2),
         .end = ld_date_from_ymd(2026, 12, 18)},
    };
    struct ld_calfile_closed closed[2] = {
        {.date = ld_date_from_ymd(2026, 9, 3), .label = "INSET day"},
        {.date = ld_date_from_ymd(2026, 11, 2), .label = ""},
    };
    struct ld_calendar_file cal = {terms, 2, closed, 2}, got = {0};
    OK(ld_central_put_calendar(f->c, "hollybrook", &cal, &v, &changed, M));
    assert_int_equal(v, 1);
    assert_true(changed);
    OK(ld_central_put_calendar(f->c, "hollybrook", &cal, &v, &changed, M));
    assert_false(changed);
    OK(ld_central_get_calendar(d, "hollybrook", 0, &got, &v, &changed, M));
    assert_true(changed);
    assert_int_equal(got.term_count, 2);
    assert_string_equal(got.terms[1].name, "Autumn 2");
    assert_int_equal(got.terms[1].end, terms[1].end);
    assert_int_equal(got.closed_count, 2);
    assert_string_equal(got.closed[0].label, "INSET day");
    assert_int_equal(got.closed[1].date, closed[1].date);
    ld_calendar_file_free(&got);
    OK(ld_central_get_calendar(d, "hollybrook", 1, &got, &v, &changed, M));
    assert_false(changed);
    /* overlapping terms are the core's business, and refused here */
    terms[1].start = ld_date_from_ymd(2026, 10, 20);
    FAILS(LD_ERR_INVALID, ld_central_put_calendar(f->c, "hollybrook", &cal, &v, &changed, M),
          "term 2");
    closed[1].date = closed[0].date;
    terms[1].start = ld_date_from_ymd(2026, 11, 2);
    FAILS(LD_ERR_DUPLICATE, ld_central_put_calendar(f->c, "hollybrook", &cal, &v, &changed, M),
          "closed day 2");
    OK(ld_central_calendar_version(d, "hollybrook", &v, M));
    assert_int_equal(v, 1);

    struct ld_central_setting s[3] = {
        {"welcome.text", "Good morning! Please tap your card."},
        {"debounce_ms", "5000"},
        {"late.reasons", "Medical appointment;Overslept;Traffic"},
    };
    struct ld_central_settings gs = {0};
    OK(ld_central_put_settings(f->c, "hollybrook", s, 3, &v, &changed, M));
    assert_int_equal(v, 1);
    OK(ld_central_put_settings(f->c, "hollybrook", s, 3, &v, &changed, M));
    assert_false(changed);
    OK(ld_central_get_settings(d, "hollybrook", 0, &gs, &v, &changed, M));
    assert_true(changed);
    assert_int_equal(gs.count, 3);
    assert_string_equal(gs.items[0].key, "debounce_ms");
    assert_string_equal(gs.items[2].value, "Good morning! Please tap your card.");
    ld_central_settings_free(&gs);
    snprintf(s[0].value, sizeof s[0].value, "Hello");
    OK(ld_central_put_settings(f->c, "hollybrook", s, 3, &v, &changed, M));
    assert_int_equal(v, 2);
    snprintf(s[1].key, sizeof s[1].key, "late.reasons");
    FAILS(LD_ERR_DUPLICATE, ld_central_put_settings(f->c, "hollybrook", s, 3, &v, &changed, M),
          "late.reasons");
    snprintf(s[1].key, sizeof s[1].key, "Bad Key");
    FAILS(LD_ERR_INVALID, ld_central_put_settings(f->c, "hollybrook", s, 3, &v, &changed, M),
          "setting 2", "key");
    OK(ld_central_settings_version(d, "hollybrook", &v, M));
    assert_int_equal(v, 2);
}

/* ---- events ---- */

static void push_is_idempotent(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[15], got;
    struct ld_push_result res;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    make_events(ev, 15, "hollybrook", door, 1);
    snprintf(ev[2].reason, sizeof ev[2].reason, "Dentist – back at 10:15 \"ok\" \\ n");

    OK(ld_central_push(d, door, ev, 10, &res, M));
    assert_int_equal(res.inserted, 10);
    assert_int_equal(res.duplicates, 0);
    assert_true(res.last_global_seq > 0);
    int64_t last = res.last_global_seq;
    OK(ld_central_event_get(d, door, 3, &got, M));
    int64_t g3 = got.global_seq;
    assert_string_equal(got.reason, ev[2].reason);

    /* the acknowledgement was lost: the same batch again */
    OK(ld_central_push(d, door, ev, 10, &res, M));
    assert_int_equal(res.inserted, 0);
    assert_int_equal(res.duplicates, 10);
    assert_int_equal(res.last_global_seq, 0);
    assert_int_equal(count_events(f, "hollybrook"), 10);

    /* overlapping: half old, half new */
    OK(ld_central_push(d, door, ev + 5, 10, &res, M));
    assert_int_equal(res.inserted, 5);
    assert_int_equal(res.duplicates, 5);
    assert_true(res.last_global_seq > last);
    assert_int_equal(count_events(f, "hollybrook"), 15);
    OK(ld_central_event_get(f->c, door, 3, &got, M));
    assert_int_equal(got.global_seq, g3);
    assert_null(NULL);
    OK(ld_central_push(d, door, ev, 0, &res, M));
    assert_int_equal(res.inserted, 0);
}

static void push_conflict_refused_nothing_overwritten(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], seq3[32];
    struct ld_central_event ev[6], got;
    struct ld_push_result res;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    make_events(ev, 6, "hollybrook", door, 1);
    OK(ld_central_push(d, door, ev, 5, &res, M));
    OK(ld_central_event_get(d, door, 3, &got, M));
    struct ld_central_event before = got;

    /* the device was restored from an old backup: seq 3 again, another event */
    struct ld_central_event batch[2] = {ev[2], ev[5]};
    batch[0].uuid[35] = batch[0].uuid[35] == '0' ? '1' : '0';
    batch[0].kind = LD_CEV_DEPARTURE;
    snprintf(seq3, sizeof seq3, "seq 3");
    FAILS(LD_ERR_DUPLICATE, ld_central_push(d, door, batch, 2, &res, M), door, seq3,
          "nothing overwritten", before.uuid);
    assert_int_equal(count_events(f, "hollybrook"), 5); /* seq 6 went back with the batch */
    OK(ld_central_event_get(d, door, 3, &got, M));
    assert_string_equal(got.uuid, before.uuid);
    assert_int_equal(got.kind, LD_CEV_ARRIVAL);
    assert_int_equal(got.global_seq, before.global_seq);

    /* same UUID, changed content: also refused, naming the field */
    batch[0] = ev[2];
    snprintf(batch[0].reason, sizeof batch[0].reason, "changed");
    FAILS(LD_ERR_DUPLICATE, ld_central_push(d, door, batch, 2, &res, M), seq3, "reason");
    /* a UUID already used by another event */
    batch[0] = ev[5];
    batch[0].seq = 7;
    snprintf(batch[0].uuid, sizeof batch[0].uuid, "%s", ev[0].uuid);
    FAILS(LD_ERR_DUPLICATE, ld_central_push(d, door, batch, 1, &res, M), "uuid", ev[0].uuid);
    assert_int_equal(count_events(f, "hollybrook"), 5);
    /* after all that, the real seq 6 still goes in */
    OK(ld_central_push(d, door, &ev[5], 1, &res, M));
    assert_int_equal(res.inserted, 1);
}

static void push_checks_every_event(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[3];
    struct ld_push_result res;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->c, "oakfield", "Oakfield Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    add_device(f, "oakfield", "gate", gate);

    make_events(ev, 3, "hollybrook", door, 1);
    ev[1].kind = 9;
    FAILS(LD_ERR_INVALID, ld_central_push(d, door, ev, 3, &res, M), "event 1", "kind");
    make_events(ev, 3, "hollybrook", door, 1);
    ev[2].seq = 2;
    FAILS(LD_ERR_INVALID, ld_central_push(d, door, ev, 3, &res, M), "event 2", "seq");
    make_events(ev, 3, "hollybrook", door, 1);
    snprintf(ev[0].device_id, sizeof ev[0].device_id, "%s", gate);
    FAILS(LD_ERR_INVALID, ld_central_push(d, door, ev, 3, &res, M), "device_id");
    make_events(ev, 3, "oakfield", door, 1);
    FAILS(LD_ERR_INVALID, ld_central_push(d, door, ev, 3, &res, M), "school", "oakfield");
    make_events(ev, 3, "hollybrook", door, 1);
    snprintf(ev[0].upn, sizeof ev[0].upn, "not-a-upn");
    FAILS(LD_ERR_INVALID, ld_central_push(d, door, ev, 3, &res, M), "upn");
    make_events(ev, 3, "hollybrook", "nobody", 1);
    FAILS(LD_ERR_NOT_FOUND, ld_central_push(f->c, "nobody", ev, 3, &res, M), "nobody");
    FAILS(LD_ERR_RANGE, ld_central_push(d, door, ev, LD_CENTRAL_BATCH_MAX + 1, &res, M),
          "more than");
    assert_int_equal(count_events(f, NULL), 0);
}

static void pull_merges_other_devices_in_global_order(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1], oak[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[5], got[20];
    struct ld_push_result res;
    size_t n = 0;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->c, "oakfield", "Oakfield Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    struct ld_central *o = add_device(f, "oakfield", "oakgate", oak);

    make_events(ev, 3, "hollybrook", door, 1);
    OK(ld_central_push(d, door, ev, 3, &res, M));
    make_events(ev, 2, "hollybrook", gate, 1);
    OK(ld_central_push(g, gate, ev, 2, &res, M));
    make_events(ev, 2, "hollybrook", door, 4);
    OK(ld_central_push(d, door, ev, 2, &res, M));
    make_events(ev, 2, "oakfield", oak, 1);
    OK(ld_central_push(o, oak, ev, 2, &res, M));

    /* the gate sees the door's five, in the order they were committed */
    OK(ld_central_pull(g, gate, "hollybrook", 0, got, 20, &n, M));
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(got[i].device_id, door);
        assert_int_equal(got[i].seq, (int64_t)i + 1);
        assert_string_equal(got[i].school, "hollybrook");
        if (i)
            assert_true(got[i].global_seq > got[i - 1].global_seq);
    }
    /* the door sees the gate's two; paging with a cursor gives the same */
    OK(ld_central_pull(d, door, "hollybrook", 0, got, 1, &n, M));
    assert_int_equal(n, 1);
    assert_string_equal(got[0].device_id, gate);
    int64_t cursor = got[0].global_seq;
    OK(ld_central_pull(d, door, "hollybrook", cursor, got, 20, &n, M));
    assert_int_equal(n, 1);
    assert_int_equal(got[0].seq, 2);
    OK(ld_central_pull(d, door, "hollybrook", got[0].global_seq, got, 20, &n, M));
    assert_int_equal(n, 0);
    /* another school's device sees none of it, and may not ask for it */
    OK(ld_central_pull(o, oak, "oakfield", 0, got, 20, &n, M));
    assert_int_equal(n, 0);
    FAILS(LD_ERR_NOT_FOUND, ld_central_pull(f->c, oak, "hollybrook", 0, got, 20, &n, M), oak);
    FAILS(LD_ERR_RANGE,
          ld_central_pull(d, door, "hollybrook", 0, got, LD_CENTRAL_PULL_MAX + 1, &n, M),
          "more than");
    assert_int_equal(count_events(f, "hollybrook"), 7);
    assert_int_equal(count_events(f, "oakfield"), 2);
}

/* Two devices push while a third pulls: the puller must end up with every event, once. */
struct pusher {
    struct ld_central *c;
    char device[LD_CENTRAL_ID_MAX + 1];
    int failed;
    int finished; /* read by the puller: __atomic */
    char msg[512];
};

enum { RACE_BATCHES = 40, RACE_BATCH = 25 };

static void *push_loop(void *arg)
{
    struct pusher *p = arg;
    struct ld_central_event ev[RACE_BATCH];
    struct ld_push_result res;
    for (int b = 0; b < RACE_BATCHES && !p->failed; b++) {
        make_events(ev, RACE_BATCH, "hollybrook", p->device, 1 + (int64_t)b * RACE_BATCH);
        for (int tries = 0;; tries++) {
            ld_err err =
                ld_central_push(p->c, p->device, ev, RACE_BATCH, &res, p->msg, sizeof p->msg);
            if (err == LD_OK)
                break;
            if (err != LD_ERR_BUSY || tries > 50) {
                p->failed = 1;
                break;
            }
        }
    }
    __atomic_store_n(&p->finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void pull_never_skips_under_concurrent_pushes(void **state)
{
    struct fx *f = *state;
    struct pusher p[2] = {0};
    char reader[LD_CENTRAL_ID_MAX + 1];
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    p[0].c = add_device(f, "hollybrook", "door", p[0].device);
    p[1].c = add_device(f, "hollybrook", "gate", p[1].device);
    struct ld_central *r = add_device(f, "hollybrook", "office", reader);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, push_loop, &p[i]), 0);
    const size_t total = 2 * RACE_BATCHES * RACE_BATCH;
    char *seen = calloc(2 * (total + 1), 1);
    assert_non_null(seen);
    struct ld_central_event got[7];
    int64_t cursor = 0;
    size_t pulled = 0, n = 0;
    /* pull in small pages while the pushes run, then drain: once both are done, an empty pull
     * means the puller has everything it will ever get */
    for (;;) {
        bool done = __atomic_load_n(&p[0].finished, __ATOMIC_ACQUIRE) &&
                    __atomic_load_n(&p[1].finished, __ATOMIC_ACQUIRE);
        char msg[512] = "";
        ld_err err = ld_central_pull(r, reader, "hollybrook", cursor, got, 7, &n, msg, sizeof msg);
        if (err == LD_ERR_BUSY)
            continue;
        if (err)
            fail_msg("pull: %s", msg);
        for (size_t i = 0; i < n; i++) {
            int who = strcmp(got[i].device_id, p[0].device) == 0 ? 0 : 1;
            size_t k = (size_t)who * (total / 2) + (size_t)(got[i].seq - 1);
            assert_true(got[i].seq >= 1 && (size_t)got[i].seq <= total / 2);
            assert_false(seen[k]);
            seen[k] = 1;
            cursor = got[i].global_seq;
            pulled++;
        }
        if (n == 0 && done)
            break;
        if (n == 0)
            usleep(200);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        if (p[i].failed)
            fail_msg("pusher %d: %s", i, p[i].msg);
    }
    assert_int_equal(pulled, total);
    free(seen);
}

static void bad_rows_from_the_store_are_refused(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1], sql[1024];
    struct ld_central_event ev[2], got[10];
    struct ld_push_result res;
    size_t n = 99;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    make_events(ev, 2, "hollybrook", gate, 1);
    OK(ld_central_push(g, gate, ev, 2, &res, M));
    /* someone wrote a row behind latedoor's back: a UPN that is not one */
    const char *pre = f->be->prefix;
    snprintf(sql, sizeof sql,
             "INSERT INTO %sevents (school_id, device_id, seq, uuid, kind, at_ms, mono_ms, "
             "boot_id, clock_state, upn, card, source, staff, reason, ref_device, ref_seq, "
             "fixed_at_ms, received_ms) VALUES ('hollybrook', '%s', 3, "
             "'0badc0de-0000-4000-8000-000000000003', 1, 1788505200000, 1, '', 0, 'not-a-upn', "
             "'', 1, '', '', '', 0, 0, 0)",
             pre, gate);
    if (!strcmp(f->be->name, "pg")) /* the store's own check would refuse it: gone first */
        f->be->raw(f, "ALTER TABLE latedoor.events DROP CONSTRAINT events_valid");
    f->be->raw(f, sql);
    make_events(ev, 2, "hollybrook", gate, 4);
    OK(ld_central_push(g, gate, ev, 2, &res, M));
    /* the bad row is left out and named; the rows after it still come, one page or several */
    const struct ld_central_skip *sk = NULL;
    OK(ld_central_pull(d, door, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 4);
    assert_int_equal(got[1].seq, 2);
    assert_int_equal(got[2].seq, 4);
    assert_int_equal(ld_central_skipped(d, &sk), 1);
    assert_string_equal(sk[0].device_id, gate);
    assert_int_equal(sk[0].seq, 3);
    assert_int_equal(sk[0].global_seq, 3);
    assert_non_null(strstr(sk[0].why, "field upn"));
    OK(ld_central_pull(d, door, "hollybrook", 0, got, 2, &n, M));
    assert_int_equal(n, 2);
    assert_int_equal(ld_central_skipped(d, &sk), 0);
    OK(ld_central_pull(d, door, "hollybrook", got[1].global_seq, got, 1, &n, M));
    assert_int_equal(n, 1);
    assert_int_equal(got[0].seq, 4);
    assert_int_equal(ld_central_skipped(d, &sk), 1);
    /* the office's reading of the log too */
    OK(ld_central_school_events(f->c, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 4);
    assert_int_equal(ld_central_skipped(f->c, &sk), 1);
    assert_int_equal(sk[0].seq, 3);
    FAILS(LD_ERR_CORRUPT, ld_central_event_get(d, gate, 3, &got[0], M), "upn");

    /* a pupil row with flags no roster can have */
    struct ld_roster r = {0}, out = {0};
    int64_t v;
    bool changed;
    make_roster(&r, 3);
    OK(ld_central_put_roster(f->c, "hollybrook", &r, &v, &changed, M));
    snprintf(sql, sizeof sql, "UPDATE %spupils SET flags = 999 WHERE upn = '%s'", pre,
             r.pupils[1].upn);
    f->be->raw(f, sql);
    FAILS(LD_ERR_CORRUPT, ld_central_get_roster(d, "hollybrook", 0, &out, &v, &changed, M),
          "pupils row 2", "flags");
    assert_int_equal(out.count, 0);
    assert_null(out.pupils);
    /* and a setting with a control character */
    struct ld_central_setting s = {"welcome.text", "Hi"};
    struct ld_central_settings gs = {0};
    OK(ld_central_put_settings(f->c, "hollybrook", &s, 1, &v, &changed, M));
    snprintf(sql, sizeof sql, "UPDATE %ssettings SET value = 'Hi' || %s(7)", pre,
             f->be == &pg_backend ? "chr" : "char");
    f->be->raw(f, sql);
    FAILS(LD_ERR_CORRUPT, ld_central_get_settings(d, "hollybrook", 0, &gs, &v, &changed, M),
          "value", "control");
    assert_null(gs.items);
    ld_roster_free(&r);
}

/* ---- version 3: MIS marks and the office's reading of the whole log ---- */

static void make_mark(struct ld_central_mark *m, const char *upn, int day, int session,
                      const char *code, int minutes)
{
    memset(m, 0, sizeof *m);
    snprintf(m->upn, sizeof m->upn, "%s", upn);
    m->date = ld_date_from_ymd(2026, 9, day);
    m->session = session;
    snprintf(m->code, sizeof m->code, "%s", code);
    m->minutes = minutes;
}

static void mis_marks_put_get_replace(void **state)
{
    struct fx *f = *state;
    struct ld_central_mark m[4];
    struct ld_central_marks got = {0};
    size_t added = 9, replaced = 9;
    char door[LD_CENTRAL_ID_MAX + 1];
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->c, "oakfield", "Oakfield Primary School", M));
    make_mark(&m[0], "B200000000001", 8, 1, "I", -1);
    make_mark(&m[1], "B200000000000", 9, 0, "L", 12);
    make_mark(&m[2], "B200000000000", 8, 1, "C1", -1);
    OK(ld_central_put_marks(f->c, "hollybrook", m, 3, &added, &replaced, M));
    assert_int_equal(added, 3);
    assert_int_equal(replaced, 0);
    OK(ld_central_get_marks(f->c, "hollybrook", &got, M));
    assert_int_equal(got.count, 3);
    /* sorted by UPN, date, session */
    assert_string_equal(got.items[0].upn, "B200000000000");
    assert_string_equal(got.items[0].code, "C1");
    assert_int_equal(got.items[0].session, 1);
    assert_int_equal(got.items[0].minutes, -1);
    assert_string_equal(got.items[1].code, "L");
    assert_int_equal(got.items[1].minutes, 12);
    assert_int_equal(got.items[1].date, ld_date_from_ymd(2026, 9, 9));
    assert_string_equal(got.items[2].upn, "B200000000001");
    ld_central_marks_free(&got);

    /* a later import replaces a mark and adds another */
    make_mark(&m[0], "B200000000000", 9, 0, "U", 41);
    make_mark(&m[1], "B200000000000", 10, 0, "/", -1);
    OK(ld_central_put_marks(f->c, "hollybrook", m, 2, &added, &replaced, M));
    assert_int_equal(added, 1);
    assert_int_equal(replaced, 1);
    OK(ld_central_get_marks(f->c, "hollybrook", &got, M));
    assert_int_equal(got.count, 4);
    assert_string_equal(got.items[1].code, "U");
    assert_int_equal(got.items[1].minutes, 41);
    ld_central_marks_free(&got);
    OK(ld_central_get_marks(f->c, "oakfield", &got, M));
    assert_int_equal(got.count, 0);
    ld_central_marks_free(&got);

    /* all or nothing: one bad mark, a mark twice or an unknown school changes nothing */
    make_mark(&m[0], "B200000000002", 11, 0, "L", 5);
    make_mark(&m[1], "B200000000002", 11, 1, "ZZ", -1);
    FAILS(LD_ERR_INVALID, ld_central_put_marks(f->c, "hollybrook", m, 2, NULL, NULL, M), "mark 1",
          "field code");
    make_mark(&m[1], "B20000000000", 11, 1, "L", -1);
    FAILS(LD_ERR_INVALID, ld_central_put_marks(f->c, "hollybrook", m, 2, NULL, NULL, M), "mark 1",
          "field upn");
    make_mark(&m[1], "B200000000002", 11, 2, "L", -1);
    FAILS(LD_ERR_INVALID, ld_central_put_marks(f->c, "hollybrook", m, 2, NULL, NULL, M),
          "field session");
    make_mark(&m[1], "B200000000002", 11, 1, "L", 1441);
    FAILS(LD_ERR_INVALID, ld_central_put_marks(f->c, "hollybrook", m, 2, NULL, NULL, M),
          "field minutes");
    make_mark(&m[1], "B200000000002", 11, 0, "U", 30);
    FAILS(LD_ERR_DUPLICATE, ld_central_put_marks(f->c, "hollybrook", m, 2, NULL, NULL, M),
          "marks 0 and 1", "2026-09-11 am");
    make_mark(&m[1], "B200000000002", 11, 1, "L", 3);
    FAILS(LD_ERR_NOT_FOUND, ld_central_put_marks(f->c, "nowhere", m, 2, NULL, NULL, M), "nowhere");
    OK(ld_central_get_marks(f->c, "hollybrook", &got, M));
    assert_int_equal(got.count, 4);
    ld_central_marks_free(&got);

    /* the office's only: a device may neither write nor read them */
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    FAILS(LD_ERR_STATE, ld_central_put_marks(d, "hollybrook", m, 2, NULL, NULL, M), "admin");
    FAILS(LD_ERR_STATE, ld_central_get_marks(d, "hollybrook", &got, M), "admin");
}

static void school_events_reads_every_device(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1], oak[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[3], got[10];
    struct ld_push_result res;
    size_t n = 0;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->c, "oakfield", "Oakfield Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    struct ld_central *o = add_device(f, "oakfield", "oakgate", oak);
    make_events(ev, 2, "hollybrook", door, 1);
    OK(ld_central_push(d, door, ev, 2, &res, M));
    make_events(ev, 3, "oakfield", oak, 1);
    OK(ld_central_push(o, oak, ev, 3, &res, M));
    make_events(ev, 1, "hollybrook", gate, 1);
    OK(ld_central_push(g, gate, ev, 1, &res, M));

    OK(ld_central_school_events(f->c, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 3);
    assert_string_equal(got[0].device_id, door);
    assert_string_equal(got[1].device_id, door);
    assert_string_equal(got[2].device_id, gate);
    assert_true(got[0].global_seq < got[1].global_seq && got[1].global_seq < got[2].global_seq);
    /* paging by the cursor */
    OK(ld_central_school_events(f->c, "hollybrook", got[0].global_seq, got, 1, &n, M));
    assert_int_equal(n, 1);
    assert_string_equal(got[0].device_id, door);
    assert_int_equal(got[0].seq, 2);
    FAILS(LD_ERR_RANGE,
          ld_central_school_events(f->c, "hollybrook", 0, got, LD_CENTRAL_PULL_MAX + 1, &n, M),
          "more than");
    FAILS(LD_ERR_STATE, ld_central_school_events(d, "hollybrook", 0, got, 10, &n, M), "admin");
}

/*
 * (version 8, issue 12) Every event carries the device's checksum: a push whose sum is not its
 * fields' is refused naming device and seq; a row changed in the store is skipped and named by
 * every read (pull, the office's reading, a single get), never used.
 */
static void a_changed_row_is_caught_by_its_checksum(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1], sum[LD_EVENT_SUM_LEN + 1];
    struct ld_central_event ev[3], got[10];
    struct ld_push_result res;
    size_t n = 0;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    make_events(ev, 3, "hollybrook", gate, 1);
    ev[0].reason[0] = '\0';
    device_sum(&ev[0], ev[0].sum); /* a kiosk's stored sum; ev[1] and ev[2] the library's */

    /* a sum that is not the fields': one changed after it was summed */
    struct ld_central_event bad = ev[0];
    bad.at_ms += 60000;
    FAILS(LD_ERR_CORRUPT, ld_central_push(g, gate, &bad, 1, &res, M), gate, "seq 1", "field sum",
          "checksum mismatch");
    assert_int_equal(count_events(f, "hollybrook"), 0);
    OK(ld_central_push(g, gate, ev, 3, &res, M));
    assert_int_equal(res.inserted, 3);
    OK(ld_central_event_get(d, gate, 2, &got[0], M));
    device_sum(&ev[1], sum);
    assert_string_equal(got[0].sum, sum); /* the centre's sum is the device's */

    /* one minute added to seq 2 behind latedoor's back: still a valid row, but not the same */
    rewrite_row(f, "at_ms = at_ms + 60000", gate, 2);
    const struct ld_central_skip *sk = NULL;
    OK(ld_central_pull(d, door, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 2);
    assert_int_equal(got[0].seq, 1);
    assert_int_equal(got[1].seq, 3);
    assert_int_equal(ld_central_skipped(d, &sk), 1);
    assert_string_equal(sk[0].device_id, gate);
    assert_int_equal(sk[0].seq, 2);
    assert_non_null(strstr(sk[0].why, "checksum mismatch"));
    OK(ld_central_school_events(f->c, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 2);
    assert_int_equal(ld_central_skipped(f->c, &sk), 1);
    assert_int_equal(sk[0].seq, 2);
    FAILS(LD_ERR_CORRUPT, ld_central_event_get(d, gate, 2, &got[0], M), "seq 2", "sum");

    /* a row whose sum was taken away is not trusted either */
    rewrite_row(f, "sum = ''", gate, 3);
    OK(ld_central_pull(d, door, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 1);
    assert_int_equal(ld_central_skipped(d, &sk), 2);
    assert_int_equal(sk[1].seq, 3);
    assert_non_null(strstr(sk[1].why, "field sum: none"));
}

static void events_are_append_only(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], sql[256];
    struct ld_central_event ev[1];
    struct ld_push_result res;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    make_events(ev, 1, "hollybrook", door, 1);
    OK(ld_central_push(d, door, ev, 1, &res, M));
    /* even the admin cannot rewrite history */
    if (f->be == &sqlite_backend) {
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &db), SQLITE_OK);
        snprintf(sql, sizeof sql, "UPDATE events SET reason = 'x'");
        assert_int_not_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
        sqlite3_close(db);
    } else {
        PGconn *a = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
        char st[6];
        assert_non_null(a);
        ld_pg_exec(a, "UPDATE latedoor.events SET reason = 'x'", st);
        assert_string_equal(st, "42501");
        PQfinish(a);
    }
}

/* What a kiosk may add, by either backend: only its own kiosk events (issue 13). */
static void a_kiosk_adds_only_its_own_kiosk_events(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[3];
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    make_events(ev, 2, "hollybrook", gate, 1);
    OK(ld_central_push(g, gate, ev, 2, NULL, M));
    int64_t before = count_events(f, "hollybrook");
    static const int kinds[] = {LD_CEV_VOID, LD_CEV_REASON, LD_CEV_CLOCK_REPAIR};
    for (size_t k = 0; k < 3; k++) {
        make_events(ev, 1, "hollybrook", door, 1);
        ev[0].kind = kinds[k];
        ev[0].source = LD_CSRC_STAFF;
        snprintf(ev[0].reason, sizeof ev[0].reason, "Doctor");
        snprintf(ev[0].ref_device, sizeof ev[0].ref_device, "%s", gate);
        ev[0].ref_seq = 1;
        ev[0].fixed_at_ms = kinds[k] == LD_CEV_CLOCK_REPAIR ? ev[0].at_ms : 0;
        FAILS(LD_ERR_AUTH, ld_central_push(d, door, ev, 1, NULL, M), "field ref_device",
              "only its own events");
    }
    make_events(ev, 1, "hollybrook", door, 1);
    ev[0].source = LD_CSRC_OFFICE;
    FAILS(LD_ERR_AUTH, ld_central_push(d, door, ev, 1, NULL, M), "field source", "office");
    assert_int_equal(count_events(f, "hollybrook"), before);
    /* its own corrections go in; the admin (the office) corrects anyone's */
    make_events(ev, 2, "hollybrook", door, 1);
    ev[1].kind = LD_CEV_VOID;
    ev[1].source = LD_CSRC_STAFF;
    snprintf(ev[1].ref_device, sizeof ev[1].ref_device, "%s", door);
    ev[1].ref_seq = 1;
    OK(ld_central_push(d, door, ev, 2, NULL, M));
    snprintf(ev[1].ref_device, sizeof ev[1].ref_device, "%s", gate);
    make_event(&ev[0], "hollybrook", gate, 3);
    ev[0].kind = LD_CEV_VOID;
    ev[0].source = LD_CSRC_OFFICE;
    snprintf(ev[0].ref_device, sizeof ev[0].ref_device, "%s", door);
    ev[0].ref_seq = 1;
    OK(ld_central_push(f->c, gate, ev, 1, NULL, M));
}

/* A disabled device is refused at its next connection or call, on either backend. */
static void a_disabled_device_is_refused(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[1];
    char msg[1024];
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    add_device(f, "hollybrook", "door", door);
    const char *pass = f->last_pass[0] ? f->last_pass : NULL;
    OK(ld_central_device_set(f->c, door, LD_CENTRAL_DEVICE_DISABLE, NULL, M));
    struct ld_central *d = NULL;
    ld_err err = ld_central_open(f->last_url, pass, LD_CENTRAL_DEVICE, &d, msg, sizeof msg);
    make_events(ev, 1, "hollybrook", door, 1);
    if (!err)
        err = ld_central_push(d, door, ev, 1, NULL, msg, sizeof msg);
    ld_central_close(d);
    d = NULL;
    assert_int_equal(err, LD_ERR_AUTH);
    assert_non_null(strstr(msg, "is disabled at the central store"));
    assert_int_equal(count_events(f, "hollybrook"), 0);
    OK(ld_central_device_set(f->c, door, LD_CENTRAL_DEVICE_ENABLE, NULL, M));
    OK(ld_central_open(f->last_url, pass, LD_CENTRAL_DEVICE, &d, M));
    OK(ld_central_push(d, door, ev, 1, NULL, M));
    ld_central_close(d);
    FAILS(LD_ERR_NOT_FOUND,
          ld_central_device_set(f->c, "nobody", LD_CENTRAL_DEVICE_DISABLE, NULL, M), "nobody");
    if (ld_central_backend_of(f->c) == LD_CENTRAL_SQLITE) {
        struct ld_central_credentials cred;
        FAILS(LD_ERR_UNSUPPORTED,
              ld_central_device_set(f->c, door, LD_CENTRAL_DEVICE_ROTATE, &cred, M),
              "no passwords");
    }
}

/* (Version 9, issue 15) A wrong staff PIN goes in from its own kiosk and out to the others. */
static void wrong_pin_events_go_through(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_event ev[2], got[4];
    size_t n = 0;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    make_events(ev, 2, "hollybrook", door, 1);
    ev[1].kind = LD_CEV_PIN_WRONG;
    ev[1].upn[0] = ev[1].card[0] = '\0';
    ev[1].source = LD_CSRC_STAFF;
    snprintf(ev[1].staff, sizeof ev[1].staff, "j.bloggs");
    snprintf(ev[1].reason, sizeof ev[1].reason, "Mr Bloggs");
    OK(ld_central_push(d, door, ev, 2, NULL, M));
    OK(ld_central_pull(g, gate, "hollybrook", 0, got, 4, &n, M));
    assert_int_equal(n, 2);
    assert_int_equal(got[1].kind, LD_CEV_PIN_WRONG);
    assert_string_equal(got[1].staff, "j.bloggs");
    assert_string_equal(got[1].reason, "Mr Bloggs");
    /* one naming a pupil is refused before it reaches the store */
    make_events(ev, 1, "hollybrook", door, 3);
    ev[0].kind = LD_CEV_PIN_WRONG;
    ev[0].card[0] = '\0';
    FAILS(LD_ERR_INVALID, ld_central_push(d, door, ev, 1, NULL, M), "field upn");
    assert_int_equal(count_events(f, "hollybrook"), 2);
}

/* A status as a device would send it. */
static void make_status(struct ld_central_device_status *st, const char *school, const char *device,
                        int64_t pending)
{
    memset(st, 0, sizeof *st);
    snprintf(st->school, sizeof st->school, "%s", school);
    snprintf(st->device_id, sizeof st->device_id, "%s", device);
    st->device_ms = INT64_C(1788505200000);
    st->pending = pending;
    st->oldest_pending_ms = pending ? st->device_ms - 60000 : 0;
    st->last_sync_ms = st->device_ms - 120000;
    snprintf(st->last_error, sizeof st->last_error, "could not reach the central store");
    st->last_error_ms = st->device_ms - 180000;
    st->clock_state = 1;
    snprintf(st->reader, sizeof st->reader, "missing: pn532_uart:/dev/ttyS0: no answer");
    st->reader_ms = st->device_ms - 240000;
    snprintf(st->version, sizeof st->version, "0.1.0");
}

/* Returns the status row of device as the admin reads it (reported false when none). */
static struct ld_central_device_status status_of(struct fx *f, const char *device)
{
    struct ld_central_device_status all[MAX_DEVICES], none = {0};
    size_t n = 0;
    OK(ld_central_statuses(f->c, "hollybrook", all, MAX_DEVICES, &n, M));
    for (size_t i = 0; i < n; i++)
        if (!strcmp(all[i].device_id, device))
            return all[i];
    fail_msg("device %s not listed", device);
    return none;
}

/*
 * (Version 9, issue 14) Each device's status: one row, replaced by each report, received_ms the
 * centre's; a device writes only its own; one that never reported is listed as such.
 */
static void device_status_one_row_each_own_only(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1], hall[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_device_status st;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->c, "oakfield", "Oakfield Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    struct ld_central *g = add_device(f, "hollybrook", "gate", gate);
    add_device(f, "hollybrook", "hall", hall);
    make_status(&st, "hollybrook", door, 3);
    OK(ld_central_status_put(d, door, &st, M));
    make_status(&st, "hollybrook", gate, 0);
    st.received_ms = 5; /* the device's word on when it was heard counts for nothing */
    OK(ld_central_status_put(g, gate, &st, M));
    struct ld_central_device_status a = status_of(f, door), b = status_of(f, gate);
    assert_true(a.reported);
    assert_int_equal(a.pending, 3);
    assert_int_equal(a.clock_state, 1);
    assert_string_equal(a.reader, "missing: pn532_uart:/dev/ttyS0: no answer");
    assert_string_equal(a.last_error, "could not reach the central store");
    assert_string_equal(a.version, "0.1.0");
    assert_true(a.received_ms > INT64_C(1760000000000)); /* the centre's clock, not 5 */
    assert_true(b.received_ms > INT64_C(1760000000000));
    assert_false(status_of(f, hall).reported);
    /* replaced, not added to */
    make_status(&st, "hollybrook", door, 0);
    st.last_error[0] = '\0';
    st.last_error_ms = 0;
    OK(ld_central_status_put(d, door, &st, M));
    a = status_of(f, door);
    assert_int_equal(a.pending, 0);
    assert_string_equal(a.last_error, "");

    /* the door's credentials cannot write or overwrite the gate's row */
    make_status(&st, "hollybrook", gate, 99);
    FAILS(LD_ERR_AUTH, ld_central_status_put(d, door, &st, M), "only its own status");
    if (ld_central_backend_of(f->c) == LD_CENTRAL_POSTGRES)
        FAILS(LD_ERR_AUTH, ld_central_status_put(d, gate, &st, M), "only its own status");
    assert_int_equal(status_of(f, gate).pending, 0);
    assert_int_equal(status_of(f, gate).received_ms, b.received_ms);
    /* nor its own under another school; nor a bad one */
    make_status(&st, "oakfield", door, 1);
    FAILS(LD_ERR_INVALID, ld_central_status_put(d, door, &st, M), "field school");
    make_status(&st, "hollybrook", door, 1);
    st.oldest_pending_ms = 0;
    FAILS(LD_ERR_INVALID, ld_central_status_put(d, door, &st, M), "field oldest_pending_ms");
    assert_int_equal(status_of(f, door).pending, 0);
    /* only the admin lists them */
    struct ld_central_device_status all[2];
    size_t n = 0;
    FAILS(LD_ERR_STATE, ld_central_statuses(d, "hollybrook", all, 2, &n, M), "only the admin");
    FAILS(LD_ERR_RANGE, ld_central_statuses(f->c, "hollybrook", all, 2, &n, M), "more than 2");
}

/* (Version 9) A disabled device reports nothing, on either backend. */
static void a_disabled_device_cannot_report(void **state)
{
    struct fx *f = *state;
    char door[LD_CENTRAL_ID_MAX + 1], msg[1024] = "";
    struct ld_central_device_status st;
    init_store(f);
    OK(ld_central_school_add(f->c, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central *d = add_device(f, "hollybrook", "door", door);
    const char *pass = f->last_pass[0] ? f->last_pass : NULL;
    make_status(&st, "hollybrook", door, 1);
    OK(ld_central_status_put(d, door, &st, M));
    int64_t heard = status_of(f, door).received_ms;
    OK(ld_central_device_set(f->c, door, LD_CENTRAL_DEVICE_DISABLE, NULL, M));
    assert_true(status_of(f, door).disabled);
    /* the handle opened before (SQLite: refused at the call; PostgreSQL: its session ended) */
    st.pending = 2;
    ld_err err = ld_central_status_put(d, door, &st, msg, sizeof msg);
    assert_true(err == LD_ERR_AUTH || err == LD_ERR_IO);
    struct ld_central *again = NULL;
    err = ld_central_open(f->last_url, pass, LD_CENTRAL_DEVICE, &again, msg, sizeof msg);
    if (!err)
        err = ld_central_status_put(again, door, &st, msg, sizeof msg);
    ld_central_close(again);
    assert_int_equal(err, LD_ERR_AUTH);
    assert_non_null(strstr(msg, "is disabled at the central store"));
    assert_int_equal(status_of(f, door).pending, 1);
    assert_int_equal(status_of(f, door).received_ms, heard);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(init_creates_and_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(v1_fixture_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(v2_fixture_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_or_foreign_store_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(schools, setup, teardown),
        cmocka_unit_test_setup_teardown(devices, setup, teardown),
        cmocka_unit_test_setup_teardown(roster_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(calendar_and_settings_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(push_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(push_conflict_refused_nothing_overwritten, setup, teardown),
        cmocka_unit_test_setup_teardown(push_checks_every_event, setup, teardown),
        cmocka_unit_test_setup_teardown(pull_merges_other_devices_in_global_order, setup, teardown),
        cmocka_unit_test_setup_teardown(pull_never_skips_under_concurrent_pushes, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_rows_from_the_store_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_changed_row_is_caught_by_its_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(events_are_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(mis_marks_put_get_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(school_events_reads_every_device, setup, teardown),
        cmocka_unit_test_setup_teardown(a_kiosk_adds_only_its_own_kiosk_events, setup, teardown),
        cmocka_unit_test_setup_teardown(a_disabled_device_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_pin_events_go_through, setup, teardown),
        cmocka_unit_test_setup_teardown(device_status_one_row_each_own_only, setup, teardown),
        cmocka_unit_test_setup_teardown(a_disabled_device_cannot_report, setup, teardown),
    };
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "pg"))) {
        fprintf(stderr, "usage: %s sqlite|pg\n", argv[0]);
        return 2;
    }
    if (!strcmp(argv[1], "sqlite")) {
        g_be = &sqlite_backend;
        return cmocka_run_group_tests_name("central contract: sqlite", tests, NULL, NULL);
    }
    char msg[512];
    if (ld_pg_info_load(&g_pg, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    if (g_pg.skip[0]) {
        const char *ci = getenv("CI");
        fprintf(stderr, "%s: %s\n", ci && !strcmp(ci, "true") ? "FAIL" : "SKIP", g_pg.skip);
        return ci && !strcmp(ci, "true") ? 1 : 77;
    }
    if (!ld_pg_read_password(g_pg.super_passfile, g_super_pw, sizeof g_super_pw) ||
        !ld_pg_read_password(g_pg.admin_passfile, g_admin_pw, sizeof g_admin_pw)) {
        fprintf(stderr, "cannot read the harness's password files\n");
        return 1;
    }
    g_be = &pg_backend;
    return cmocka_run_group_tests_name("central contract: postgresql", tests, NULL, NULL);
}
