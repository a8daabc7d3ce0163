/*
 * test_central_cli.c: `latedoor central …`, `latedoor device add …` and `roster import
 * --central`, called as the CLI calls them (sync/cli/cmd_central.c), against an SQLite store
 * and, given "pg", against the harness's PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central.h"
#include "commands.h"
#include "pg_info.h"

int ld_cmd_central(int argc, char **argv);
int ld_cmd_device(int argc, char **argv);
int ld_cmd_central_roster_import(const struct ld_roster *roster, int argc, char **argv);

static bool g_pg_mode;
static struct ld_pg_info g_pg;
static char g_dir[64];
static char g_url[512];
static char g_out[8192];
static char g_db[64];

/* Runs fn(argc, argv) with stdout captured into g_out; returns its exit status. */
static int run(int (*fn)(int, char **), const char *const *args)
{
    char *argv[32];
    int argc = 0;
    for (; args[argc]; argc++)
        argv[argc] = (char *)args[argc];
    argv[argc] = NULL;
    char path[128];
    snprintf(path, sizeof path, "%s/stdout", g_dir);
    fflush(stdout);
    int saved = dup(1);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    int rc = fn(argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(g_out, 1, sizeof g_out - 1, f);
    g_out[n] = '\0';
    fclose(f);
    return rc;
}

#define WITH_PASS(...)                                                                             \
    (g_pg_mode ? (const char *const[]){__VA_ARGS__, "--passfile", g_pg.admin_passfile, NULL}       \
               : (const char *const[]){__VA_ARGS__, NULL})

static void cli_end_to_end(void **state)
{
    char pf[128], device[64];
    snprintf(device, sizeof device, "door-%u", (unsigned)getpid());
    assert_int_equal(run(ld_cmd_central, WITH_PASS("central", "init", g_url)), LD_EXIT_OK);
    char want[64];
    snprintf(want, sizeof want, "schema version %d (was 0)", LD_CENTRAL_SCHEMA_VERSION);
    assert_non_null(strstr(g_out, want));
    assert_int_equal(run(ld_cmd_central, WITH_PASS("central", "init", g_url)), LD_EXIT_OK);
    assert_non_null(strstr(g_out, "up to date"));
    /* no school yet: device add says what to do */
    assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "add", device, "--central", g_url)),
                     LD_EXIT_USAGE);
    assert_int_equal(
        run(ld_cmd_central, WITH_PASS("central", "school", "add", "hollybrook",
                                      "Hollybrook Primary School", "--central", g_url)),
        LD_EXIT_OK);
    assert_int_equal(run(ld_cmd_central, WITH_PASS("central", "schools", "--central", g_url)),
                     LD_EXIT_OK);
    assert_non_null(strstr(g_out, "Hollybrook Primary School"));

    /* the only school is taken; the password goes to a new 0600 file, not the screen */
    snprintf(pf, sizeof pf, "%s/kiosk.pass", g_dir);
    assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "add", device, "--central", g_url,
                                                  "--write-passfile", pf)),
                     LD_EXIT_OK);
    assert_non_null(strstr(g_out, device));
    assert_non_null(strstr(g_out, "url:"));
    struct stat st;
    assert_int_equal(stat(pf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    if (g_pg_mode) {
        char pw[256];
        assert_true(ld_pg_read_password(pf, pw, sizeof pw));
        assert_int_equal(strlen(pw), 32);
        assert_null(strstr(g_out, pw));
        /* the kiosk connects with what was printed */
        char url[512];
        const char *u = strstr(g_out, "url:      ");
        assert_non_null(u);
        snprintf(url, sizeof url, "%.*s", (int)strcspn(u + 10, "\n"), u + 10);
        struct ld_central *c = NULL;
        char msg[512];
        if (ld_central_open(url, pf, LD_CENTRAL_DEVICE, &c, msg, sizeof msg))
            fail_msg("%s", msg);
        assert_string_equal(ld_central_login_device(c), device);
        ld_central_close(c);
    }
    /* disable, enable, rotate (PostgreSQL; SQLite has no passwords) */
    assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "disable", device, "--central", g_url)),
                     LD_EXIT_OK);
    assert_non_null(strstr(g_out, "disabled"));
    assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "enable", device, "--central", g_url)),
                     LD_EXIT_OK);
    assert_int_equal(
        run(ld_cmd_device, WITH_PASS("device", "enable", "nobody", "--central", g_url)),
        LD_EXIT_USAGE);
    char pf2[128];
    snprintf(pf2, sizeof pf2, "%s/kiosk2.pass", g_dir);
    int rot = run(ld_cmd_device, WITH_PASS("device", "rotate", device, "--central", g_url,
                                           "--write-passfile", pf2));
    if (g_pg_mode) {
        assert_int_equal(rot, LD_EXIT_OK);
        assert_non_null(strstr(g_out, "new password"));
        char pw[256], old[256];
        assert_true(ld_pg_read_password(pf2, pw, sizeof pw));
        assert_true(ld_pg_read_password(pf, old, sizeof old));
        assert_string_not_equal(pw, old);
    } else {
        assert_int_not_equal(rot, LD_EXIT_OK);
    }
    /* with verify-full, the URL printed names the CA file the kiosk needs, and works with it */
    if (g_pg_mode && g_pg.sslrootcert[0]) {
        char vf[1200], gate[64];
        snprintf(gate, sizeof gate, "gate-%u", (unsigned)getpid());
        snprintf(vf, sizeof vf, "%s?sslmode=verify-full&sslrootcert=%s", g_url, g_pg.sslrootcert);
        char *at = strstr(vf, "127.0.0.1");
        assert_non_null(at);
        memcpy(at, "localhost", 9); /* the certificate's name, as long as the address */
        snprintf(pf2, sizeof pf2, "%s/gate.pass", g_dir);
        assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "add", gate, "--central", vf,
                                                      "--write-passfile", pf2)),
                         LD_EXIT_OK);
        const char *u = strstr(g_out, "url:      ");
        assert_non_null(u);
        char url[1200];
        snprintf(url, sizeof url, "%.*s", (int)strcspn(u + 10, "\n"), u + 10);
        char *rc = strstr(url, "sslrootcert=/etc/latedoor/central-ca.crt");
        assert_non_null(rc);
        assert_non_null(strstr(url, "sslmode=verify-full"));
        snprintf(rc, sizeof url - (size_t)(rc - url), "sslrootcert=%s", g_pg.sslrootcert);
        struct ld_central *c = NULL;
        char msg[512];
        if (ld_central_open(url, pf2, LD_CENTRAL_DEVICE, &c, msg, sizeof msg))
            fail_msg("%s", msg);
        assert_true(ld_central_uses_tls(c));
        ld_central_close(c);
    }
    /* a second add of the same name, or over an existing file, is refused */
    assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "add", device, "--central", g_url)),
                     LD_EXIT_USAGE);
    assert_int_equal(run(ld_cmd_device, WITH_PASS("device", "add", "gate", "--central", g_url,
                                                  "--write-passfile", pf)),
                     LD_EXIT_FAIL);

    /* roster import --central */
    struct ld_roster_pupil p = {.upn = "H801200001001",
                                .legal_first = "Rosalind",
                                .legal_last = "Achebe",
                                .preferred_first = "Rosa",
                                .preferred_last = "Achebe",
                                .class_name = "3H"};
    struct ld_roster r = {&p, 1};
    const char *const *args = WITH_PASS("--central", g_url, "--school", "hollybrook");
    int argc = 0;
    while (args[argc])
        argc++;
    assert_int_equal(ld_cmd_central_roster_import(&r, argc, (char **)args), LD_EXIT_OK);
    assert_int_equal(ld_cmd_central_roster_import(&r, argc, (char **)args), LD_EXIT_OK);
    /* usage errors */
    assert_int_equal(run(ld_cmd_central, (const char *const[]){"central", "frobnicate", NULL}),
                     LD_EXIT_USAGE);
    assert_int_equal(run(ld_cmd_device, (const char *const[]){"device", "add", NULL}),
                     LD_EXIT_USAGE);
    assert_int_equal(run(ld_cmd_device, (const char *const[]){"device", "add", "x", "--central",
                                                              g_url, "--bogus", "1", NULL}),
                     LD_EXIT_USAGE);
}

/* A small school's embedded store in one command: the file, the school, the first kiosk. */
static void central_setup_for_a_small_school(void **state)
{
    (void)state;
    if (g_pg_mode)
        skip();
    char url[160], msg[512];
    snprintf(url, sizeof url, "sqlite:%s/small.db", g_dir);
    const char *const args[] = {"central", "setup", url, "hb", "Hollybrook Primary School",
                                "door-1",  NULL};
    assert_int_equal(run(ld_cmd_central, args), LD_EXIT_OK);
    assert_non_null(strstr(g_out, "school hb (Hollybrook Primary School), device door-1"));
    assert_non_null(strstr(g_out, "[central]\nurl = sqlite:"));
    struct ld_central *c = NULL;
    char school[LD_CENTRAL_ID_MAX + 1];
    if (ld_central_open(url, NULL, LD_CENTRAL_DEVICE, &c, msg, sizeof msg) ||
        ld_central_device_school(c, "door-1", school, msg, sizeof msg))
        fail_msg("%s", msg);
    assert_string_equal(school, "hb");
    ld_central_close(c);
    /* again: the school is there already, and it says so */
    assert_int_equal(run(ld_cmd_central, args), LD_EXIT_USAGE);
    /* PostgreSQL is set up step by step */
    const char *const pg[] = {"central", "setup", "postgresql://admin@db/latedoor", "hb", "H",
                              "door-1",  NULL};
    assert_int_equal(run(ld_cmd_central, pg), LD_EXIT_USAGE);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(cli_end_to_end),
                                       cmocka_unit_test(central_setup_for_a_small_school)};
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "pg")))
        return 2;
    snprintf(g_dir, sizeof g_dir, "/tmp/ld-central-cli-XXXXXX");
    if (!mkdtemp(g_dir))
        return 1;
    PGconn *s = NULL;
    char super_pw[256], sql[160], st[6];
    if (!strcmp(argv[1], "pg")) {
        char msg[512];
        if (ld_pg_info_load(&g_pg, msg, sizeof msg)) {
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
        if (g_pg.skip[0]) {
            const char *ci = getenv("CI");
            fprintf(stderr, "SKIP: %s\n", g_pg.skip);
            return ci && !strcmp(ci, "true") ? 1 : 77;
        }
        g_pg_mode = true;
        snprintf(g_db, sizeof g_db, "ld_cli_%u", (unsigned)getpid());
        if (!ld_pg_read_password(g_pg.super_passfile, super_pw, sizeof super_pw) ||
            !(s = ld_pg_connect(&g_pg, g_pg.super, super_pw, "postgres")))
            return 1;
        snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", g_db, g_pg.admin);
        ld_pg_exec(s, sql, st);
        if (st[0])
            return 1;
        ld_pg_url(&g_pg, g_pg.admin, g_db, NULL, g_url, sizeof g_url);
    } else {
        snprintf(g_url, sizeof g_url, "%s/central.db", g_dir); /* a plain path */
    }
    int rc = cmocka_run_group_tests_name(
        g_pg_mode ? "central cli: postgresql" : "central cli: sqlite", tests, NULL, NULL);
    if (s) {
        snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", g_db);
        ld_pg_exec(s, sql, st);
        PQfinish(s);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
