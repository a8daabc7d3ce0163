/*
 * test_central_pg_security.c: what a device's PostgreSQL credentials can and cannot do, wrong
 * passwords, password files, and TLS. Goes around the API with plain libpq where the point is
 * that the server itself refuses (row-level security, grants), not our checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central.h"
#include "pg_info.h"

static struct ld_pg_info g_pg;
static char g_super_pw[256], g_admin_pw[256];

/* One database with two schools: hollybrook (devices door, gate) and oakfield (device spy). */
struct fx {
    char dir[64];
    char db[64];
    char admin_url[512];
    struct ld_central *admin;
    struct ld_central_credentials door, gate, spy;
    char door_pass[128];
    PGconn *door_sql; /* plain libpq as the door's role */
};

static void write_secret(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(chmod(path, mode), 0);
    fprintf(f, "%s\n", text);
    assert_int_equal(fclose(f), 0);
}

#define OK(call)                                                                                   \
    do {                                                                                           \
        char msg_[1024] = "";                                                                      \
        ld_err err_ = (call);                                                                      \
        if (err_ != LD_OK)                                                                         \
            fail_msg("%s: %s (%s)", #call, msg_, ld_err_str(err_));                                \
    } while (0)
#define M msg_, sizeof msg_

static void make_events(struct ld_central_event *e, size_t n, const char *school,
                        const char *device, unsigned tag)
{
    for (size_t i = 0; i < n; i++) {
        memset(&e[i], 0, sizeof e[i]);
        snprintf(e[i].school, sizeof e[i].school, "%s", school);
        snprintf(e[i].device_id, sizeof e[i].device_id, "%s", device);
        e[i].seq = (int64_t)i + 1;
        snprintf(e[i].uuid, sizeof e[i].uuid, "%08x-1111-4000-8000-%012x", tag,
                 (unsigned)(i + 1) & 0xffffffu);
        e[i].kind = LD_CEV_ARRIVAL;
        e[i].at_ms = INT64_C(1788509520000) + (int64_t)i;
        snprintf(e[i].upn, sizeof e[i].upn, "H80120000100%u", (unsigned)(i % 10));
        e[i].source = LD_CSRC_TOUCH;
    }
}

/* Connects with libpq exactly as a kiosk's sync does: its URL from device add, its password. */
static PGconn *connect_as_device(const struct ld_central_credentials *cred)
{
    const char *keys[] = {"dbname", "password", NULL};
    const char *vals[] = {cred->url, cred->password, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot connect as %s: %s", cred->user, PQerrorMessage(c));
    return c;
}

static int setup(void **state)
{
    static unsigned counter;
    char sql[200], st[6];
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-central-sec-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    unsigned tag = ((unsigned)getpid() & 0xfffff) * 100 + ++counter;
    snprintf(f->db, sizeof f->db, "ld_s_%u", tag);
    PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, "postgres");
    assert_non_null(s);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", f->db, g_pg.admin);
    ld_pg_exec(s, sql, st);
    assert_string_equal(st, "");
    PQfinish(s);

    ld_pg_url(&g_pg, g_pg.admin, f->db, NULL, f->admin_url, sizeof f->admin_url);
    OK(ld_central_open(f->admin_url, g_pg.admin_passfile, LD_CENTRAL_ADMIN, &f->admin, M));
    OK(ld_central_init(f->admin, NULL, NULL, M));
    OK(ld_central_school_add(f->admin, "hollybrook", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->admin, "oakfield", "Oakfield Primary School", M));
    char name[LD_CENTRAL_ID_MAX + 1];
    snprintf(name, sizeof name, "door-%u", tag);
    OK(ld_central_device_add(f->admin, "hollybrook", name, &f->door, M));
    snprintf(name, sizeof name, "gate-%u", tag);
    OK(ld_central_device_add(f->admin, "hollybrook", name, &f->gate, M));
    snprintf(name, sizeof name, "spy-%u", tag);
    OK(ld_central_device_add(f->admin, "oakfield", name, &f->spy, M));
    snprintf(f->door_pass, sizeof f->door_pass, "%s/door.pass", f->dir);
    write_secret(f->door_pass, f->door.password, 0600);

    /* both schools have pupils and events */
    struct ld_roster r = {0};
    struct ld_roster_pupil p[2] = {
        {.upn = "H801200001001",
         .legal_first = "Rosalind",
         .legal_last = "Achebe",
         .class_name = "3H"},
        {.upn = "J801200001002",
         .legal_first = "Tomasz",
         .legal_last = "Lindqvist",
         .class_name = "RB"},
    };
    r.pupils = p;
    r.count = 2;
    OK(ld_central_put_roster(f->admin, "hollybrook", &r, NULL, NULL, M));
    r.count = 1;
    snprintf(p[0].upn, sizeof p[0].upn, "K801200009009");
    OK(ld_central_put_roster(f->admin, "oakfield", &r, NULL, NULL, M));
    struct ld_central_event ev[3];
    make_events(ev, 3, "oakfield", f->spy.device_id, tag);
    OK(ld_central_push(f->admin, f->spy.device_id, ev, 3, NULL, M));
    make_events(ev, 2, "hollybrook", f->gate.device_id, tag + 1);
    OK(ld_central_push(f->admin, f->gate.device_id, ev, 2, NULL, M));

    f->door_sql = connect_as_device(&f->door);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char sql[200], st[6], cmd[128];
    PQfinish(f->door_sql);
    ld_central_close(f->admin);
    PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, "postgres");
    assert_non_null(s);
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", f->db);
    ld_pg_exec(s, sql, st);
    PQfinish(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Runs sql as the door's role and wants SQLSTATE want ("" for success). */
static void door_sql(struct fx *f, const char *sql, const char *want)
{
    char st[6];
    ld_pg_exec(f->door_sql, sql, st);
    if (strcmp(st, want))
        fail_msg("%s: SQLSTATE \"%s\", wanted \"%s\"", sql, st, want);
}

/* Returns the single integer sql gives as the door's role. */
static long door_count(struct fx *f, const char *sql)
{
    PGresult *r = PQexec(f->door_sql, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

static struct ld_central *open_door(struct fx *f)
{
    struct ld_central *d = NULL;
    OK(ld_central_open(f->door.url, f->door_pass, LD_CENTRAL_DEVICE, &d, M));
    return d;
}

static void device_cannot_insert_others_events(void **state)
{
    struct fx *f = *state;
    char sql[1024];
    const char *cols = "school_id, device_id, seq, uuid, kind, at_ms, mono_ms, boot_id, "
                       "clock_state, upn, card, source, staff, reason, ref_device, ref_seq, "
                       "fixed_at_ms";
    /* its own event goes in */
    snprintf(sql, sizeof sql,
             "INSERT INTO latedoor.events (%s) VALUES ('hollybrook', '%s', 1, "
             "'aaaaaaaa-0000-4000-8000-000000000001', 1, 0, 0, '', 0, 'H801200001001', '', 2, "
             "'', '', '', 0, 0)",
             cols, f->door.device_id);
    door_sql(f, sql, "");
    /* another device's of the same school, or its own under another school: refused */
    snprintf(sql, sizeof sql,
             "INSERT INTO latedoor.events (%s) VALUES ('hollybrook', '%s', 99, "
             "'aaaaaaaa-0000-4000-8000-000000000002', 1, 0, 0, '', 0, 'H801200001001', '', 2, "
             "'', '', '', 0, 0)",
             cols, f->gate.device_id);
    door_sql(f, sql, "42501");
    snprintf(sql, sizeof sql,
             "INSERT INTO latedoor.events (%s) VALUES ('oakfield', '%s', 2, "
             "'aaaaaaaa-0000-4000-8000-000000000003', 1, 0, 0, '', 0, 'H801200001001', '', 2, "
             "'', '', '', 0, 0)",
             cols, f->door.device_id);
    door_sql(f, sql, "42501");
    /* through the API: the other device is not even visible to this role */
    struct ld_central *d = open_door(f);
    struct ld_central_event ev[1];
    char msg[512];
    make_events(ev, 1, "hollybrook", f->gate.device_id, 0xabc);
    ev[0].seq = 100;
    assert_int_equal(ld_central_push(d, f->gate.device_id, ev, 1, NULL, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_string_equal(ld_central_login_device(d), f->door.device_id);
    ld_central_close(d);
    long n = 0;
    PGconn *a = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
    PGresult *r = PQexec(a, "SELECT count(*) FROM latedoor.events WHERE seq >= 99");
    n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(a);
    assert_int_equal(n, 0);
}

/* An INSERT of device's status row for school as the door, with received_ms given as 5. */
static void status_insert(char *sql, size_t len, const char *school, const char *device,
                          const char *conflict)
{
    snprintf(sql, len,
             "INSERT INTO latedoor.device_status (device_id, school_id, device_ms, received_ms,"
             " pending, oldest_pending_ms, last_sync_ms, last_error, last_error_ms, clock_state,"
             " reader, reader_ms, version) VALUES ('%s', '%s', 1, 5, 0, 0, 0, '', 0, 0, 'ok', 0,"
             " '0.1.0')%s",
             device, school, conflict);
}

/* Returns the single integer sql gives as the admin. */
static long admin_count(struct fx *f, const char *sql)
{
    PGconn *a = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
    PGresult *r = PQexec(a, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(a);
    return n;
}

/*
 * (Version 9, issue 14) The database itself keeps a device to its own status row: it cannot
 * insert, update or upsert over another device's, nor its own under another school, nor delete;
 * received_ms is the server's whatever it sends; a device disabled while its session is open
 * writes nothing more.
 */
static void device_writes_only_its_own_status(void **state)
{
    struct fx *f = *state;
    char sql[1024], q[256];
    const char *upsert = " ON CONFLICT (device_id) DO UPDATE SET pending = 7";
    struct ld_central_device_status st = {0};
    snprintf(st.school, sizeof st.school, "hollybrook");
    snprintf(st.device_id, sizeof st.device_id, "%s", f->gate.device_id);
    st.device_ms = 1;
    snprintf(st.reader, sizeof st.reader, "ok");
    snprintf(st.version, sizeof st.version, "0.1.0");
    OK(ld_central_status_put(f->admin, f->gate.device_id, &st, M)); /* the gate's row exists */

    status_insert(sql, sizeof sql, "hollybrook", f->door.device_id, "");
    door_sql(f, sql, "");
    assert_true(door_count(f, "SELECT received_ms FROM latedoor.device_status") > 1700000000000);
    status_insert(sql, sizeof sql, "hollybrook", f->gate.device_id, "");
    door_sql(f, sql, "42501");
    status_insert(sql, sizeof sql, "hollybrook", f->gate.device_id, upsert);
    door_sql(f, sql, "42501");
    status_insert(sql, sizeof sql, "oakfield", f->door.device_id, upsert);
    door_sql(f, sql, "42501");
    snprintf(sql, sizeof sql,
             "UPDATE latedoor.device_status SET pending = 9 WHERE device_id = '%s'",
             f->gate.device_id);
    door_sql(f, sql, ""); /* sees no such row: nothing changes */
    snprintf(sql, sizeof sql,
             "UPDATE latedoor.device_status SET device_id = '%s' WHERE device_id = '%s'",
             f->gate.device_id, f->door.device_id);
    door_sql(f, sql, "42501");
    door_sql(f, "DELETE FROM latedoor.device_status", "42501");
    /* it reads its own row only */
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.device_status"), 1);
    snprintf(q, sizeof q, "SELECT pending FROM latedoor.device_status WHERE device_id = '%s'",
             f->gate.device_id);
    assert_int_equal(admin_count(f, q), 0);
    /* disabled with its session still open (the flag alone, as in the moment before the
     * session is ended): its own row is closed to it too */
    PGconn *a = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
    char st_[6];
    snprintf(sql, sizeof sql, "UPDATE latedoor.devices SET disabled = true WHERE id = '%s'",
             f->door.device_id);
    ld_pg_exec(a, sql, st_);
    assert_string_equal(st_, "");
    PQfinish(a);
    status_insert(sql, sizeof sql, "hollybrook", f->door.device_id, upsert);
    door_sql(f, sql, "42501");
    snprintf(q, sizeof q, "SELECT pending FROM latedoor.device_status WHERE device_id = '%s'",
             f->door.device_id);
    assert_int_equal(admin_count(f, q), 0);
}

static void device_cannot_update_or_delete_events(void **state)
{
    struct fx *f = *state;
    door_sql(f, "UPDATE latedoor.events SET reason = 'x'", "42501");
    door_sql(f, "DELETE FROM latedoor.events", "42501");
    door_sql(f, "TRUNCATE latedoor.events", "42501");
    door_sql(f, "DELETE FROM latedoor.pupils", "42501");
    door_sql(f, "UPDATE latedoor.schema_version SET version = 1", "42501");
    door_sql(f,
             "INSERT INTO latedoor.pupils (school_id, upn, ord, legal_first, legal_last, "
             "preferred_first, preferred_last, year, class_name, family, flags) VALUES "
             "('hollybrook', 'Z801200001001', 9, 'A', 'B', 'A', 'B', '1', '1A', '', 0)",
             "42501");
    door_sql(f, "INSERT INTO latedoor.devices (id, school_id) VALUES ('evil', 'hollybrook')",
             "42501");
    door_sql(f, "SELECT latedoor.add_device('hollybrook', 'evil', 'evil', 'x')", "42501");
    door_sql(f, "CREATE TABLE latedoor.x (i int)", "42501");
    /* and the API will not let a device write at the centre */
    struct ld_central *d = open_door(f);
    char msg[512];
    assert_int_equal(
        ld_central_put_roster(d, "hollybrook", &(struct ld_roster){0}, NULL, NULL, msg, sizeof msg),
        LD_ERR_STATE);
    ld_central_close(d);
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.events"), 2);
}

static void device_reads_only_its_own_school(void **state)
{
    struct fx *f = *state;
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.pupils"), 2);
    assert_int_equal(
        door_count(f, "SELECT count(*) FROM latedoor.pupils WHERE school_id = 'oakfield'"), 0);
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.schools"), 1);
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.devices"), 1);
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.versions"), 1);
    assert_int_equal(door_count(f, "SELECT count(*) FROM latedoor.events"), 2); /* the gate's */
    assert_int_equal(
        door_count(f, "SELECT count(*) FROM latedoor.events WHERE school_id = 'oakfield'"), 0);
    struct ld_central *d = open_door(f);
    struct ld_roster r = {0};
    struct ld_central_event got[10];
    size_t n = 0;
    int64_t v = 0, count = 0;
    bool changed = false;
    char msg[512];
    OK(ld_central_get_roster(d, "hollybrook", 0, &r, &v, &changed, M));
    assert_int_equal(r.count, 2);
    ld_roster_free(&r);
    assert_int_equal(ld_central_get_roster(d, "oakfield", 0, &r, &v, &changed, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(
        ld_central_pull(d, f->door.device_id, "oakfield", 0, got, 10, &n, msg, sizeof msg),
        LD_ERR_NOT_FOUND);
    OK(ld_central_pull(d, f->door.device_id, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 2);
    OK(ld_central_event_count(d, NULL, &count, M));
    assert_int_equal(count, 2);
    struct ld_central_school list[4];
    OK(ld_central_schools(d, list, 4, &n, M));
    assert_int_equal(n, 1);
    ld_central_close(d);
}

static void wrong_password_fails_clearly(void **state)
{
    struct fx *f = *state;
    char pf[128], msg[1024];
    struct ld_central *d = (struct ld_central *)1;
    snprintf(pf, sizeof pf, "%s/wrong.pass", f->dir);
    write_secret(pf, "Wr0ngHorseBatteryStaple", 0600);
    assert_int_equal(ld_central_open(f->door.url, pf, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_null(d);
    assert_non_null(strstr(msg, "credentials refused"));
    assert_non_null(strstr(msg, "password authentication failed"));
    assert_non_null(strstr(msg, f->door.user));
    assert_null(strstr(msg, "Wr0ngHorse"));
    assert_null(strstr(msg, f->door.password));
    /* the same with the password in the URL: shown redacted */
    char url[700];
    ld_pg_url(&g_pg, f->door.user, f->db, NULL, url, sizeof url);
    char *at = strchr(url + strlen("postgresql://"), '@');
    char with[800];
    snprintf(with, sizeof with, "%.*s:Wr0ngHorse%s", (int)(at - url), url, at);
    assert_int_equal(ld_central_open(with, NULL, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_null(strstr(msg, "Wr0ngHorse"));
    assert_non_null(strstr(msg, ":***@"));
    /* a password file others can read is refused before it is used */
    write_secret(pf, f->door.password, 0640);
    assert_int_equal(ld_central_open(f->door.url, pf, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_non_null(strstr(msg, "0640"));
    /* the admin's credentials are not a device's */
    assert_int_equal(
        ld_central_open(f->admin_url, g_pg.admin_passfile, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
        LD_ERR_AUTH);
    assert_non_null(strstr(msg, "not a latedoor device"));
    /* and the right one works */
    d = open_door(f);
    ld_central_close(d);
}

static void tls_is_honoured(void **state)
{
    struct fx *f = *state;
    if (!g_pg.sslrootcert[0]) {
        /* openssl comes with the postgresql package (postgresql-common, ssl-cert) */
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true"))
            fail_msg("the test server has no TLS (no openssl?): TLS is not tested");
        print_message("no openssl: the test server has no TLS, nothing to check\n");
        skip();
    }
    char url[900], extra[600], msg[1024];
    struct ld_central *d = NULL;
    /* the kiosk's URL from device add (sslmode as the admin's, libpq's default "prefer") */
    d = open_door(f);
    assert_true(ld_central_uses_tls(d));
    ld_central_close(d);
    /* verify-full against the right CA, by host name */
    snprintf(extra, sizeof extra, "sslmode=verify-full&sslrootcert=%s", g_pg.sslrootcert);
    snprintf(url, sizeof url, "postgresql://%s@localhost:%s/%s?%s", f->door.user, g_pg.port, f->db,
             extra);
    OK(ld_central_open(url, f->door_pass, LD_CENTRAL_DEVICE, &d, M));
    assert_true(ld_central_uses_tls(d));
    ld_central_close(d);
    /* a server whose certificate another CA signed is refused */
    snprintf(url, sizeof url, "postgresql://%s@localhost:%s/%s?sslmode=verify-full&sslrootcert=%s",
             f->door.user, g_pg.port, f->db, g_pg.other_ca);
    assert_int_equal(ld_central_open(url, f->door_pass, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
                     LD_ERR_IO);
    assert_non_null(strstr(msg, "certificate"));
    /* sslmode=disable is honoured too */
    snprintf(url, sizeof url, "postgresql://%s@127.0.0.1:%s/%s?sslmode=disable", f->door.user,
             g_pg.port, f->db);
    OK(ld_central_open(url, f->door_pass, LD_CENTRAL_DEVICE, &d, M));
    assert_false(ld_central_uses_tls(d));
    ld_central_close(d);
    /* and over the private socket, where TLS does not apply */
    snprintf(url, sizeof url, "host=%s port=%s user=%s dbname=%s", g_pg.socket, g_pg.port,
             f->door.user, f->db);
    OK(ld_central_open(url, f->door_pass, LD_CENTRAL_DEVICE, &d, M));
    ld_central_close(d);
}

/* ---- the attacks of issue 13, each as the door's role, connected as the door connects ---- */

#define EVENT_COLS                                                                                 \
    "school_id, device_id, seq, uuid, kind, at_ms, mono_ms, boot_id, clock_state, upn, card, "     \
    "source, staff, reason, ref_device, ref_seq, fixed_at_ms"

/*
 * Runs, as the door, an INSERT of one event of the door with seq, kind, source, ref and
 * fixed_at_ms as given (upn and reason filled as the kind needs), and wants SQLSTATE want.
 */
static void door_inserts(struct fx *f, int seq, int kind, int source, const char *ref_device,
                         int ref_seq, const char *boot_id, const char *want)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO latedoor.events (" EVENT_COLS ") VALUES ('hollybrook', '%s', %d, "
             "'bbbbbbbb-0000-4000-8000-%012d', %d, 1788509520000, 5, '%s', 0, 'H801200001001', "
             "'', %d, 'Mrs Example', '%s', '%s', %d, %s)",
             f->door.device_id, seq, seq, kind, boot_id, source, kind == 4 ? "Doctor" : "",
             ref_device, ref_seq, kind == 7 ? "1788509580000" : "0");
    door_sql(f, sql, want);
}

/* The school's whole log as the office reads it: count and a digest of every UUID in order. */
static void office_view(struct fx *f, size_t *n, char *digest, size_t len)
{
    static struct ld_central_event page[LD_CENTRAL_PULL_MAX];
    int64_t after = 0;
    size_t got = 0;
    unsigned long h = 5381;
    *n = 0;
    do {
        OK(ld_central_school_events(f->admin, "hollybrook", after, page, LD_CENTRAL_PULL_MAX, &got,
                                    M));
        for (size_t i = 0; i < got; i++)
            for (const char *c = page[i].uuid; *c; c++)
                h = h * 33 + (unsigned char)*c;
        *n += got;
        if (got)
            after = page[got - 1].global_seq;
    } while (got == LD_CENTRAL_PULL_MAX);
    snprintf(digest, len, "%lx", h);
}

static void device_cannot_act_as_the_office(void **state)
{
    struct fx *f = *state;
    char before[32], after[32];
    size_t n0 = 0, n1 = 0;
    office_view(f, &n0, before, sizeof before);
    /* the gate's arrival seq 1: voided, given a new reason, its time repaired, by the door */
    const char *gate = f->gate.device_id;
    door_inserts(f, 1, LD_CEV_VOID, LD_CSRC_OFFICE, gate, 1, "", "42501");
    door_inserts(f, 2, LD_CEV_VOID, LD_CSRC_STAFF, gate, 1, "", "42501");
    door_inserts(f, 3, LD_CEV_REASON, LD_CSRC_STAFF, gate, 1, "", "42501");
    door_inserts(f, 4, LD_CEV_CLOCK_REPAIR, LD_CSRC_CLI, gate, 1, "", "42501");
    /* an office sign-in under the door's own name */
    door_inserts(f, 5, LD_CEV_ARRIVAL, LD_CSRC_OFFICE, "", 0, "", "42501");
    office_view(f, &n1, after, sizeof after);
    assert_int_equal(n1, n0);
    assert_string_equal(after, before);
    /* the same through latedoor as the door: refused before the server, naming why */
    struct ld_central *d = open_door(f);
    struct ld_central_event ev[1];
    char msg[512];
    make_events(ev, 1, "hollybrook", f->door.device_id, 0xdd);
    ev[0].kind = LD_CEV_VOID;
    snprintf(ev[0].ref_device, sizeof ev[0].ref_device, "%s", gate);
    ev[0].ref_seq = 1;
    assert_int_equal(ld_central_push(d, f->door.device_id, ev, 1, NULL, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_non_null(strstr(msg, "only its own events"));
    ld_central_close(d);
    /* what a kiosk does do still goes in: its arrival, a reason, a void and a clock repair of
     * it, a return after another door's departure */
    door_inserts(f, 10, LD_CEV_ARRIVAL, LD_CSRC_CARD, "", 0, "", "");
    door_inserts(f, 11, LD_CEV_REASON, LD_CSRC_TOUCH, f->door.device_id, 10, "", "");
    door_inserts(f, 12, LD_CEV_VOID, LD_CSRC_STAFF, f->door.device_id, 10, "", "");
    door_inserts(f, 13, LD_CEV_CLOCK_REPAIR, LD_CSRC_CLI, f->door.device_id, 10, "", "");
    door_inserts(f, 14, LD_CEV_RETURN, LD_CSRC_STAFF, gate, 2, "", "");
    /* and the office (the admin role) may correct anyone's */
    make_events(ev, 1, "hollybrook", gate, 0xee);
    ev[0].seq = 3;
    ev[0].kind = LD_CEV_VOID;
    ev[0].source = LD_CSRC_OFFICE;
    snprintf(ev[0].ref_device, sizeof ev[0].ref_device, "%s", gate);
    ev[0].ref_seq = 1;
    OK(ld_central_push(f->admin, gate, ev, 1, NULL, M));
}

static void bad_rows_are_refused_then_skipped(void **state)
{
    struct fx *f = *state;
    /* the centre checks what latedoor's reader checks, for the device and the admin alike */
    door_inserts(f, 1, LD_CEV_ARRIVAL, LD_CSRC_CARD, "", 0, "x", "23514");
    door_inserts(f, 1, LD_CEV_ARRIVAL, LD_CSRC_CARD, "", 0, "ABCDEF", "23514");
    door_inserts(f, 1, LD_CEV_UNKNOWN_CARD, LD_CSRC_CARD, "", 0, "", "23514"); /* with a pupil */
    PGconn *a = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
    char st[6], sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO latedoor.events (" EVENT_COLS ") VALUES ('hollybrook', '%s', 7, "
             "'cccccccc-0000-4000-8000-000000000007', 1, 1788509520000, 5, 'x', 0, "
             "'H801200001001', '', 1, '', '', '', 0, 0)",
             f->gate.device_id);
    ld_pg_exec(a, sql, st);
    assert_string_equal(st, "23514");
    /* a row that got in anyway (a superuser without the check): skipped, named, and the rest
     * of the school still flows to the kiosks and the office */
    PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, f->db);
    ld_pg_exec(s, "ALTER TABLE latedoor.events DROP CONSTRAINT events_valid", st);
    assert_string_equal(st, "");
    snprintf(sql, sizeof sql,
             "INSERT INTO latedoor.events (" EVENT_COLS ") VALUES ('hollybrook', '%s', 3, "
             "'cccccccc-0000-4000-8000-000000000003', 1, 1788509520000, 5, 'x', 0, "
             "'H801200001001', '', 1, '', '', '', 0, 0)",
             f->gate.device_id);
    ld_pg_exec(s, sql, st);
    assert_string_equal(st, "");
    PQfinish(s);
    PQfinish(a);
    struct ld_central_event ev[4], got[10];
    make_events(ev, 4, "hollybrook", f->gate.device_id, 0x77);
    OK(ld_central_push(f->admin, f->gate.device_id, ev + 3, 1, NULL, M)); /* seq 4, after it */
    struct ld_central *d = open_door(f);
    size_t n = 0;
    const struct ld_central_skip *sk = NULL;
    OK(ld_central_pull(d, f->door.device_id, "hollybrook", 0, got, 10, &n, M));
    assert_int_equal(n, 3);
    assert_int_equal(got[2].seq, 4);
    assert_int_equal(ld_central_skipped(d, &sk), 1);
    assert_string_equal(sk[0].device_id, f->gate.device_id);
    assert_int_equal(sk[0].seq, 3);
    assert_non_null(strstr(sk[0].why, "field boot_id"));
    ld_central_close(d);
    char digest[32];
    office_view(f, &n, digest, sizeof digest);
    assert_int_equal(n, 3);
}

/* Sends sql on the door's own connection without waiting for it (a statement left running). */
static void door_send(struct fx *f, const char *sql)
{
    if (!PQsendQuery(f->door_sql, sql))
        fail_msg("%s: %s", sql, PQerrorMessage(f->door_sql));
}

/*
 * The gate pushes one event with the server's statement_timeout at 5 s for its session: the
 * push succeeds only if it finished within 5 s, whatever the door holds.
 */
static void gate_pushes_within_5s(struct fx *f, int64_t seq)
{
    char url[900], pf[128];
    snprintf(url, sizeof url, "%s&options=-c%%20statement_timeout%%3D5000", f->gate.url);
    snprintf(pf, sizeof pf, "%s/gate.pass", f->dir);
    unlink(pf);
    write_secret(pf, f->gate.password, 0600);
    struct ld_central *g = NULL;
    OK(ld_central_open(url, pf, LD_CENTRAL_DEVICE, &g, M));
    struct ld_central_event ev[1];
    make_events(ev, 1, "hollybrook", f->gate.device_id, 0x5500 + (unsigned)seq);
    ev[0].seq = seq;
    struct ld_push_result r = {0};
    OK(ld_central_push(g, f->gate.device_id, ev, 1, &r, M));
    assert_int_equal(r.inserted, 1);
    ld_central_close(g);
}

/* The door's session was ended by the server: its next statement fails. */
static void door_was_ended(struct fx *f)
{
    PGresult *r;
    while ((r = PQgetResult(f->door_sql)))
        PQclear(r);
    r = PQexec(f->door_sql, "SELECT 1");
    assert_int_not_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    PQfinish(f->door_sql);
    f->door_sql = connect_as_device(&f->door);
}

static void device_cannot_stall_other_pushes(void **state)
{
    struct fx *f = *state;
    /* first the door lifts every limit it can: its role's defaults and its session's */
    door_sql(f, "ALTER ROLE CURRENT_USER SET idle_in_transaction_session_timeout = 0", "");
    door_sql(f, "ALTER ROLE CURRENT_USER SET statement_timeout = 0", "");
    door_sql(f, "SET idle_in_transaction_session_timeout = 0", "");
    door_sql(f, "SET statement_timeout = 0", "");
    door_sql(f, "SET lock_timeout = 0", "");
    /* it may not lock the log against inserts */
    door_sql(f, "BEGIN", "");
    door_sql(f, "LOCK TABLE latedoor.events IN SHARE MODE", "42501");
    door_sql(f, "ROLLBACK", "");
    /* 1: the school's push lock, held in a transaction left idle */
    door_sql(f, "BEGIN", "");
    door_sql(f, "SELECT latedoor.push_lock('hollybrook')", "");
    gate_pushes_within_5s(f, 3);
    door_was_ended(f);
    /* 2: the same lock taken directly, for the session, outside any transaction */
    door_sql(f, "SELECT pg_advisory_lock(hashtext('latedoor.events'), hashtext('hollybrook'))", "");
    gate_pushes_within_5s(f, 4);
    door_was_ended(f);
    /* 3: held by a statement that keeps running */
    door_sql(f, "SET statement_timeout = 0", "");
    door_send(f,
              "SELECT pg_advisory_xact_lock(hashtext('latedoor.events'), hashtext('hollybrook')),"
              " pg_sleep(60)");
    gate_pushes_within_5s(f, 5);
    door_was_ended(f);
    /* a holder that is not a device (the admin) is waited for, and a push that gives up says
     * where it waited, not what the pipeline skipped after */
    PGconn *a = ld_pg_connect(&g_pg, g_pg.admin, g_admin_pw, f->db);
    char st[6], url[900], pf[128], msg[1024];
    ld_pg_exec(a, "SELECT pg_advisory_lock(hashtext('latedoor.events'), hashtext('hollybrook'))",
               st);
    assert_string_equal(st, "");
    snprintf(url, sizeof url, "%s&options=-c%%20statement_timeout%%3D1000", f->gate.url);
    snprintf(pf, sizeof pf, "%s/gate.pass", f->dir);
    struct ld_central *g = NULL;
    OK(ld_central_open(url, pf, LD_CENTRAL_DEVICE, &g, M));
    struct ld_central_event one[1];
    make_events(one, 1, "hollybrook", f->gate.device_id, 0x5600);
    one[0].seq = 6;
    assert_int_not_equal(ld_central_push(g, f->gate.device_id, one, 1, NULL, msg, sizeof msg),
                         LD_OK);
    assert_non_null(strstr(msg, "push: lock"));
    assert_non_null(strstr(msg, "statement timeout"));
    ld_central_close(g);
    PQfinish(a);
    /* the door's own pushes work as before */
    struct ld_central *d = open_door(f);
    struct ld_central_event ev[2];
    make_events(ev, 2, "hollybrook", f->door.device_id, 0x66);
    OK(ld_central_push(d, f->door.device_id, ev, 2, NULL, M));
    ld_central_close(d);
}

static void stolen_device_is_disabled_and_rotated(void **state)
{
    struct fx *f = *state;
    char msg[1024];
    struct ld_central *d = NULL;
    /* the thief changes the kiosk's password: PostgreSQL lets any role change its own */
    door_sql(f, "ALTER ROLE CURRENT_USER PASSWORD 'stolen-and-changed'", "");
    /* the admin disables the device: its open session ends, its next sync is refused */
    OK(ld_central_device_set(f->admin, f->door.device_id, LD_CENTRAL_DEVICE_DISABLE, NULL, M));
    PGresult *r = PQexec(f->door_sql, "SELECT 1");
    assert_int_not_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    char pf[128];
    snprintf(pf, sizeof pf, "%s/thief.pass", f->dir);
    write_secret(pf, "stolen-and-changed", 0600);
    assert_int_equal(ld_central_open(f->door.url, pf, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_non_null(strstr(msg, "is disabled at the central store"));
    assert_null(strstr(msg, "stolen-and-changed"));
    /* the other kiosk of the school is not touched */
    gate_pushes_within_5s(f, 3);
    /* rotate and enable: the thief's password no longer works, the new one does */
    struct ld_central_credentials cred;
    OK(ld_central_device_set(f->admin, f->door.device_id, LD_CENTRAL_DEVICE_ROTATE, &cred, M));
    OK(ld_central_device_set(f->admin, f->door.device_id, LD_CENTRAL_DEVICE_ENABLE, NULL, M));
    assert_int_equal(ld_central_open(f->door.url, pf, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_non_null(strstr(msg, "password authentication failed"));
    assert_string_not_equal(cred.password, f->door.password);
    write_secret(f->door_pass, cred.password, 0600);
    d = open_door(f);
    ld_central_close(d);
    /* a device may not disable or rotate anyone, and an unknown device is named */
    d = open_door(f);
    assert_int_equal(ld_central_device_set(d, f->gate.device_id, LD_CENTRAL_DEVICE_DISABLE, NULL,
                                           msg, sizeof msg),
                     LD_ERR_STATE);
    ld_central_close(d);
    assert_int_equal(
        ld_central_device_set(f->admin, "nobody", LD_CENTRAL_DEVICE_DISABLE, NULL, msg, sizeof msg),
        LD_ERR_NOT_FOUND);
    explicit_bzero(&cred, sizeof cred);
}

/* Runs a shell command line built like printf; fails the test when it fails. */
static void shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void shell(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("failed: %s", cmd);
}

/* A kiosk on a client certificate (pg_hba "cert"): no password to use, change or steal. */
static void kiosk_logs_in_by_client_certificate(void **state)
{
    struct fx *f = *state;
    if (!g_pg.kiosk_ca[0]) {
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true"))
            fail_msg("the test server has no TLS (no openssl?): certificates are not tested");
        skip();
    }
    char st[6], sql[200], url[1200], msg[1024];
    PGconn *s = ld_pg_connect(&g_pg, g_pg.super, g_super_pw, f->db);
    assert_non_null(s);
    snprintf(sql, sizeof sql, "GRANT ld_cert_login TO \"%s\"", f->door.user);
    ld_pg_exec(s, sql, st);
    assert_string_equal(st, "");
    PQfinish(s);
    /* the kiosk's key and a certificate naming its role, signed by the trust's kiosk CA; and
     * one the thief made for itself */
    const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    shell("cd %s && openssl req -new %s -subj /CN=%s -keyout door.key -out door.csr "
          ">/dev/null 2>&1 && openssl x509 -req -in door.csr -CA %s -CAkey %s -set_serial 7 "
          "-days 1 -out door.crt >/dev/null 2>&1 && openssl req -x509 %s -subj /CN=%s -days 1 "
          "-keyout self.key -out self.crt >/dev/null 2>&1 && chmod 600 door.key self.key",
          f->dir, ec, f->door.user, g_pg.kiosk_ca, g_pg.kiosk_ca_key, ec, f->door.user);
    snprintf(url, sizeof url, "%s&sslcert=%s/door.crt&sslkey=%s/door.key", f->door.url, f->dir,
             f->dir);
    struct ld_central *d = NULL;
    OK(ld_central_open(url, NULL, LD_CENTRAL_DEVICE, &d, M));
    assert_string_equal(ld_central_login_device(d), f->door.device_id);
    assert_true(ld_central_uses_tls(d));
    struct ld_central_event ev[1];
    make_events(ev, 1, "hollybrook", f->door.device_id, 0x99);
    OK(ld_central_push(d, f->door.device_id, ev, 1, NULL, M));
    ld_central_close(d);
    /* its password, even the right one, no longer opens the door; nor a certificate of its own */
    assert_int_equal(
        ld_central_open(f->door.url, f->door_pass, LD_CENTRAL_DEVICE, &d, msg, sizeof msg),
        LD_ERR_AUTH);
    assert_non_null(strstr(msg, "certificate"));
    snprintf(url, sizeof url, "%s&sslcert=%s/self.crt&sslkey=%s/self.key", f->door.url, f->dir,
             f->dir);
    assert_int_not_equal(ld_central_open(url, NULL, LD_CENTRAL_DEVICE, &d, msg, sizeof msg), LD_OK);
    if (!strstr(msg, "certificate") && !strstr(msg, "alert"))
        fail_msg("self-signed: %s", msg);
    assert_null(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(device_cannot_insert_others_events, setup, teardown),
        cmocka_unit_test_setup_teardown(device_writes_only_its_own_status, setup, teardown),
        cmocka_unit_test_setup_teardown(device_cannot_update_or_delete_events, setup, teardown),
        cmocka_unit_test_setup_teardown(device_reads_only_its_own_school, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_password_fails_clearly, setup, teardown),
        cmocka_unit_test_setup_teardown(tls_is_honoured, setup, teardown),
        cmocka_unit_test_setup_teardown(device_cannot_act_as_the_office, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_rows_are_refused_then_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(device_cannot_stall_other_pushes, setup, teardown),
        cmocka_unit_test_setup_teardown(stolen_device_is_disabled_and_rotated, setup, teardown),
        cmocka_unit_test_setup_teardown(kiosk_logs_in_by_client_certificate, setup, teardown),
    };
    char msg[512];
    if (ld_pg_info_load(&g_pg, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    if (g_pg.skip[0]) {
        const char *ci = getenv("CI");
        bool in_ci = ci && !strcmp(ci, "true");
        fprintf(stderr, "%s: %s\n", in_ci ? "FAIL" : "SKIP", g_pg.skip);
        return in_ci ? 1 : 77;
    }
    if (!ld_pg_read_password(g_pg.super_passfile, g_super_pw, sizeof g_super_pw) ||
        !ld_pg_read_password(g_pg.admin_passfile, g_admin_pw, sizeof g_admin_pw)) {
        fprintf(stderr, "cannot read the harness's password files\n");
        return 1;
    }
    return cmocka_run_group_tests_name("central: postgresql security", tests, NULL, NULL);
}
