/* test_central_unit.c: URLs and redaction, password files, and the event checks; no server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "central.h"

static void redact(const char *in, const char *want)
{
    char out[LD_CENTRAL_URL_MAX];
    ld_central_redact(in, out, sizeof out);
    if (strcmp(out, want))
        fail_msg("redact(%s) = %s, wanted %s", in, out, want);
}

static void urls_are_redacted(void **state)
{
    redact("postgresql://door:s3cret@db.example.org:5432/latedoor",
           "postgresql://door:***@db.example.org:5432/latedoor");
    redact("postgres://door:p%40ss@db/latedoor?sslmode=verify-full",
           "postgres://door:***@db/latedoor?sslmode=verify-full");
    redact("postgresql://door@db/latedoor?password=s3cret&sslmode=require",
           "postgresql://door@db/latedoor?password=***&sslmode=require");
    redact("host=db user=door password=s3cret dbname=latedoor",
           "host=db user=door password=*** dbname=latedoor");
    redact("host=db password = 'a b\\' c' dbname=x", "host=db password = *** dbname=x");
    redact("host=db PASSWORD=x sslpassword=y", "host=db PASSWORD=*** sslpassword=***");
    redact("postgresql://door@db/latedoor", "postgresql://door@db/latedoor");
    redact("postgresql://u:p@h1,u2@h2/db", "postgresql://u:***@h2/db");
    redact("sqlite:/var/lib/latedoor/central.db", "sqlite:/var/lib/latedoor/central.db");
    redact("", "");
    redact("password=", "password=***");
    redact("postgresql://:@", "postgresql://:***@");
    char small[12];
    ld_central_redact("postgresql://u:secretsecret@h", small, sizeof small);
    assert_null(strstr(small, "secret"));
    assert_int_equal(strlen(small), sizeof small - 1);
    ld_central_redact(NULL, small, sizeof small);
    assert_string_equal(small, "");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

/* Nothing listens on port 1 of the loopback: connecting fails at once. */
#define NOWHERE "postgresql://ld_dev_door@127.0.0.1:1/latedoor?connect_timeout=2"

static void password_files_and_urls(void **state)
{
    char dir[] = "/tmp/ld-central-unit-XXXXXX", pf[80], msg[512];
    struct ld_central *c = (struct ld_central *)1;
    assert_non_null(mkdtemp(dir));
    snprintf(pf, sizeof pf, "%s/pass", dir);

    /* loose permissions: refused before anything is read or sent */
    write_file(pf, "Tr0ub4dor&3\n", 0644);
    assert_int_equal(ld_central_open(NOWHERE, pf, LD_CENTRAL_DEVICE, &c, msg, sizeof msg),
                     LD_ERR_AUTH);
    assert_non_null(strstr(msg, "0644"));
    assert_null(strstr(msg, "Tr0ub4dor"));
    assert_null(c);
    /* a private file is read; the server is not there: an I/O error without the password */
    assert_int_equal(chmod(pf, 0600), 0);
    assert_int_equal(ld_central_open(NOWHERE, pf, LD_CENTRAL_DEVICE, &c, msg, sizeof msg),
                     LD_ERR_IO);
    assert_non_null(strstr(msg, "127.0.0.1"));
    assert_null(strstr(msg, "Tr0ub4dor"));
    /* a password in the URL is never shown */
    assert_int_equal(ld_central_open("postgresql://door:Tr0ub4dor@127.0.0.1:1/x?connect_timeout=2",
                                     NULL, LD_CENTRAL_DEVICE, &c, msg, sizeof msg),
                     LD_ERR_IO);
    assert_null(strstr(msg, "Tr0ub4dor"));
    assert_non_null(strstr(msg, "door:***@"));
    /* nor when libpq cannot parse the URL around it */
    assert_int_equal(ld_central_open("postgresql://door:Tr0%zzb4dor@h/x", NULL, LD_CENTRAL_DEVICE,
                                     &c, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_null(strstr(msg, "Tr0"));
    /* both a URL password and a file: which one? refused */
    assert_int_equal(ld_central_open("postgresql://door:x@127.0.0.1:1/x", pf, LD_CENTRAL_DEVICE, &c,
                                     msg, sizeof msg),
                     LD_ERR_INVALID);
    /* a password file means nothing to SQLite */
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/central.db", dir);
    assert_int_equal(ld_central_open(url, pf, LD_CENTRAL_ADMIN, &c, msg, sizeof msg),
                     LD_ERR_INVALID);
    /* an empty or missing password file */
    write_file(pf, "\n", 0600);
    assert_int_equal(ld_central_open(NOWHERE, pf, LD_CENTRAL_DEVICE, &c, msg, sizeof msg),
                     LD_ERR_AUTH);
    unlink(pf);
    assert_int_equal(ld_central_open(NOWHERE, pf, LD_CENTRAL_DEVICE, &c, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    /* a device needs an existing SQLite store; the admin creates it, mode 0600 */
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_DEVICE, &c, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_backend_of(c), LD_CENTRAL_SQLITE);
    assert_false(ld_central_uses_tls(c));
    ld_central_close(c);
    struct stat st;
    snprintf(url, sizeof url, "%s/central.db", dir);
    assert_int_equal(stat(url, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a plain path is SQLite too; a file that is not a database is refused */
    write_file(url, "this is not a database, it is a text file of some length......", 0600);
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg),
                     LD_ERR_CORRUPT);
    assert_int_equal(ld_central_open("sqlite:", NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(ld_central_open("", NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg),
                     LD_ERR_INVALID);
    unlink(url);
    rmdir(dir);
    ld_central_close(NULL);
}

static void good_event(struct ld_central_event *e)
{
    memset(e, 0, sizeof *e);
    snprintf(e->school, sizeof e->school, "hollybrook");
    snprintf(e->device_id, sizeof e->device_id, "door-1");
    e->seq = 7;
    snprintf(e->uuid, sizeof e->uuid, "6f1c2a9e-3b7d-4c1e-9a55-0d2f4e6b8a01");
    e->kind = LD_CEV_ARRIVAL;
    e->at_ms = INT64_C(1788509520000);
    e->mono_ms = 3600000;
    snprintf(e->upn, sizeof e->upn, "H801200001001");
    e->source = LD_CSRC_CARD;
}

struct bad_case {
    const char *field;
    void (*spoil)(struct ld_central_event *e);
    ld_err err;
};

#define SPOIL(name, body)                                                                          \
    static void name(struct ld_central_event *e)                                                   \
    {                                                                                              \
        body;                                                                                      \
    }
SPOIL(bad_school, snprintf(e->school, sizeof e->school, "holly brook"))
SPOIL(bad_device, e->device_id[0] = '\0')
SPOIL(bad_seq, e->seq = 0)
SPOIL(bad_uuid, e->uuid[0] = 'G')
SPOIL(upper_uuid, e->uuid[0] = 'F')
SPOIL(bad_kind, e->kind = LD_CEV_PIN_WRONG + 1)
SPOIL(bad_at, e->at_ms = -1)
SPOIL(bad_mono, e->mono_ms = -5)
SPOIL(bad_boot, snprintf(e->boot_id, sizeof e->boot_id, "not-a-boot-id"))
SPOIL(bad_clock, e->clock_state = 4)
SPOIL(bad_upn, snprintf(e->upn, sizeof e->upn, "h80120000100"))
SPOIL(bad_card, snprintf(e->card, sizeof e->card, "04a2b3c4"))
SPOIL(odd_card, snprintf(e->card, sizeof e->card, "04A2B"))
SPOIL(bad_source, e->source = 0)
SPOIL(ctl_staff, snprintf(e->staff, sizeof e->staff, "Ms\tK"))
SPOIL(bad_utf8, snprintf(e->reason, sizeof e->reason, "caf\xc3"))
SPOIL(unterminated, memset(e->staff, 'x', sizeof e->staff))
SPOIL(half_ref, e->ref_seq = 3)
SPOIL(ref_arrival, (snprintf(e->ref_device, sizeof e->ref_device, "door-1"), e->ref_seq = 3))
SPOIL(no_upn, e->upn[0] = '\0')
SPOIL(fixed_not_repair, e->fixed_at_ms = 5)
SPOIL(reason_no_text, (e->kind = LD_CEV_REASON,
                       snprintf(e->ref_device, sizeof e->ref_device, "door-1"), e->ref_seq = 3))
SPOIL(void_no_ref, e->kind = LD_CEV_VOID)
SPOIL(unknown_with_upn, (e->kind = LD_CEV_UNKNOWN_CARD, snprintf(e->card, sizeof e->card, "04")))
SPOIL(unknown_no_card, (e->kind = LD_CEV_UNKNOWN_CARD, e->upn[0] = '\0'))
SPOIL(pin_with_upn, e->kind = LD_CEV_PIN_WRONG)
SPOIL(pin_with_card,
      (e->kind = LD_CEV_PIN_WRONG, e->upn[0] = '\0', snprintf(e->card, sizeof e->card, "04")))
SPOIL(pin_with_ref, (e->kind = LD_CEV_PIN_WRONG, e->upn[0] = '\0',
                     snprintf(e->ref_device, sizeof e->ref_device, "door-1"), e->ref_seq = 3))
SPOIL(repair_no_time, (e->kind = LD_CEV_CLOCK_REPAIR,
                       snprintf(e->ref_device, sizeof e->ref_device, "door-1"), e->ref_seq = 3))

static void every_bad_field_is_named(void **state)
{
    const struct bad_case cases[] = {
        {"school", bad_school, LD_ERR_INVALID},
        {"device_id", bad_device, LD_ERR_INVALID},
        {"seq", bad_seq, LD_ERR_INVALID},
        {"uuid", bad_uuid, LD_ERR_INVALID},
        {"uuid", upper_uuid, LD_ERR_INVALID},
        {"kind", bad_kind, LD_ERR_INVALID},
        {"at_ms", bad_at, LD_ERR_INVALID},
        {"mono_ms", bad_mono, LD_ERR_INVALID},
        {"boot_id", bad_boot, LD_ERR_INVALID},
        {"clock_state", bad_clock, LD_ERR_INVALID},
        {"upn", bad_upn, LD_ERR_INVALID},
        {"card", bad_card, LD_ERR_INVALID},
        {"card", odd_card, LD_ERR_INVALID},
        {"source", bad_source, LD_ERR_INVALID},
        {"staff", ctl_staff, LD_ERR_INVALID},
        {"reason", bad_utf8, LD_ERR_INVALID},
        {"staff", unterminated, LD_ERR_RANGE},
        {"ref_device", half_ref, LD_ERR_INVALID},
        {"ref_device", ref_arrival, LD_ERR_INVALID},
        {"upn", no_upn, LD_ERR_INVALID},
        {"fixed_at_ms", fixed_not_repair, LD_ERR_INVALID},
        {"reason", reason_no_text, LD_ERR_INVALID},
        {"ref_device", void_no_ref, LD_ERR_INVALID},
        {"upn", unknown_with_upn, LD_ERR_INVALID},
        {"card", unknown_no_card, LD_ERR_INVALID},
        {"upn", pin_with_upn, LD_ERR_INVALID},
        {"card", pin_with_card, LD_ERR_INVALID},
        {"ref_device", pin_with_ref, LD_ERR_INVALID},
        {"fixed_at_ms", repair_no_time, LD_ERR_INVALID},
    };
    struct ld_central_event e;
    char msg[512], want[64];
    good_event(&e);
    assert_int_equal(ld_central_event_check(&e, msg, sizeof msg), LD_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        good_event(&e);
        cases[i].spoil(&e);
        msg[0] = '\0';
        ld_err err = ld_central_event_check(&e, msg, sizeof msg);
        snprintf(want, sizeof want, "field %s", cases[i].field);
        if (err != cases[i].err || !strstr(msg, want))
            fail_msg("case %zu: %s, \"%s\" (wanted %s and \"%s\")", i, ld_err_str(err), msg,
                     ld_err_str(cases[i].err), want);
    }
}

static void every_kind_can_be_valid(void **state)
{
    struct ld_central_event e;
    char msg[256];
    for (int k = LD_CEV_ARRIVAL; k <= LD_CEV_PIN_WRONG; k++) {
        good_event(&e);
        e.kind = k;
        if (k == LD_CEV_PIN_WRONG) { /* whom it was tried for; no pupil, card or reference */
            e.upn[0] = e.card[0] = '\0';
            snprintf(e.staff, sizeof e.staff, "j.bloggs");
        }
        if (k != LD_CEV_ARRIVAL && k != LD_CEV_UNKNOWN_CARD && k != LD_CEV_PIN_WRONG) {
            snprintf(e.ref_device, sizeof e.ref_device, "gate");
            e.ref_seq = 2;
        }
        if (k == LD_CEV_REASON)
            snprintf(e.reason, sizeof e.reason, "Medical appointment");
        if (k == LD_CEV_UNKNOWN_CARD) {
            e.upn[0] = '\0';
            snprintf(e.card, sizeof e.card, "04A2B3C4D5E6F7");
        }
        if (k == LD_CEV_CLOCK_REPAIR)
            e.fixed_at_ms = INT64_C(1788509520000);
        if (ld_central_event_check(&e, msg, sizeof msg) != LD_OK)
            fail_msg("kind %d: %s", k, msg);
    }
    /* the widest legal text, UTF-8 included */
    good_event(&e);
    memset(e.reason, 'r', LD_CENTRAL_REASON_MAX);
    e.reason[LD_CENTRAL_REASON_MAX] = '\0';
    memcpy(e.reason, "\xc3\xa9", 2);
    snprintf(e.boot_id, sizeof e.boot_id, "28d95a18-f3f0-423e-8803-af0def8d5fd8");
    e.clock_state = 3;
    e.at_ms = 0; /* a Pi booted in 1970 */
    assert_int_equal(ld_central_event_check(&e, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_event_check(NULL, msg, sizeof msg), LD_ERR_INVALID);
}

static long g_fs_type;

/* statfs as a file system of type g_fs_type would answer it. */
static int fake_statfs(const char *path, struct statfs *out)
{
    (void)path;
    memset(out, 0, sizeof *out);
    out->f_type = g_fs_type;
    return 0;
}

/* An SQLite store on a network file system is refused, saying why and what to use instead. */
static void sqlite_on_a_network_share_is_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-central-nfs-XXXXXX", url[128], msg[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(url, sizeof url, "sqlite:%s/central.db", dir);
    static const struct {
        long type;
        const char *name;
    } remote[] = {{0x6969, "NFS"}, {0xFF534D42, "CIFS"}, {0xFE534D42, "SMB2"},
                  {0x517B, "SMB"}, {0x01021997, "9p"},   {0x65735546, "FUSE"}};
    ld_central_set_statfs(fake_statfs);
    struct ld_central *c = NULL;
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        g_fs_type = remote[i].type;
        for (int role = LD_CENTRAL_ADMIN; role <= LD_CENTRAL_DEVICE; role++) {
            assert_int_equal(ld_central_open(url, NULL, role, &c, msg, sizeof msg),
                             LD_ERR_UNSUPPORTED);
            assert_null(c);
            assert_non_null(strstr(msg, "network file system"));
            assert_non_null(strstr(msg, remote[i].name));
            assert_non_null(strstr(msg, "local disk"));
            assert_non_null(strstr(msg, "PostgreSQL"));
        }
    }
    char path[128];
    snprintf(path, sizeof path, "%s/central.db", dir);
    assert_int_equal(access(path, F_OK), -1); /* nothing was made there */
    g_fs_type = 0xEF53;                       /* ext4 */
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg), LD_OK);
    ld_central_close(c);
    ld_central_set_statfs(NULL);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/*
 * Whether another process would find a read lock on SQLite's SHARED bytes of the file at path:
 * a WAL-mode connection holds one for as long as it is open. POSIX locks are per process, so
 * the question is asked from a child.
 */
static bool shared_lock_held(const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct flock fl = {
            .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0x40000002, .l_len = 510};
        if (fd < 0 || fcntl(fd, F_GETLK, &fl) != 0)
            _exit(2);
        _exit(fl.l_type == F_UNLCK ? 1 : 0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 2);
    return WEXITSTATUS(status) == 0;
}

/*
 * A second handle on the same SQLite store in one process (the office app's workers, a test)
 * leaves the first one's locks alone: closing any descriptor of a file drops every POSIX lock
 * the process holds on it, so opening must not open and close the file it already has.
 */
static void a_second_handle_keeps_the_first_ones_locks(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-central-locks-XXXXXX", url[160], path[64], msg[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/central.db", dir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    struct ld_central *a = NULL, *b = NULL;
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &a, msg, sizeof msg), LD_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* made for the service user alone */
    int from = 0, to = 0, version = 0;
    assert_int_equal(ld_central_init(a, &from, &to, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_central_schema_version(a, &version, msg, sizeof msg), LD_OK);
    assert_true(shared_lock_held(path));
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &b, msg, sizeof msg), LD_OK);
    assert_true(shared_lock_held(path));
    ld_central_close(b);
    assert_true(shared_lock_held(path)); /* SQLite keeps a closed handle's descriptor for this */
    ld_central_close(a);
    assert_false(shared_lock_held(path));
    /* A link where the store should be is not followed (the admin would write elsewhere). */
    char link[64];
    snprintf(link, sizeof link, "%s/link.db", dir);
    assert_int_equal(symlink(path, link), 0);
    snprintf(url, sizeof url, "sqlite:%s", link);
    assert_int_equal(ld_central_open(url, NULL, LD_CENTRAL_ADMIN, &a, msg, sizeof msg), LD_ERR_IO);
    assert_null(a);
    assert_non_null(strstr(msg, "not a regular file"));
    assert_int_equal(unlink(link), 0);
    char side[160];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* (Version 9) Every field of a device's status report is checked, and a refusal names it. */
static void every_bad_status_field_is_named(void **state)
{
    (void)state;
    struct ld_central_device_status good = {.school = "hb",
                                            .device_id = "door",
                                            .device_ms = 1788505200000,
                                            .pending = 2,
                                            .oldest_pending_ms = 1788505100000,
                                            .last_error = "no route",
                                            .last_error_ms = 1788505000000,
                                            .clock_state = 0,
                                            .reader = "ok",
                                            .version = "0.1.0"};
    char msg[512];
    assert_int_equal(ld_central_status_check(&good, msg, sizeof msg), LD_OK);
    struct ld_central_device_status st;
    const char *fields[] = {
        "school",      "device_id", "device_ms",  "pending", "oldest_pending_ms",
        "clock_state", "version",   "last_error", "reader",  "last_error_ms"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        st = good;
        switch (i) {
        case 0:
            snprintf(st.school, sizeof st.school, "holly brook");
            break;
        case 1:
            st.device_id[0] = '\0';
            break;
        case 2:
            st.device_ms = -1;
            break;
        case 3:
            st.pending = -1;
            break;
        case 4:
            st.oldest_pending_ms = 0;
            break;
        case 5:
            st.clock_state = 4;
            break;
        case 6:
            snprintf(st.version, sizeof st.version, "1.0 beta");
            break;
        case 7:
            snprintf(st.last_error, sizeof st.last_error, "line\tbreak");
            break;
        case 8:
            st.reader[0] = '\0';
            break;
        case 9:
            st.last_error_ms = 0;
            break;
        }
        msg[0] = '\0';
        ld_err err = ld_central_status_check(&st, msg, sizeof msg);
        char want[64];
        snprintf(want, sizeof want, "field %s", fields[i]);
        if (err == LD_OK || !strstr(msg, want))
            fail_msg("%s: %s, \"%s\"", fields[i], ld_err_str(err), msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls_are_redacted),
        cmocka_unit_test(sqlite_on_a_network_share_is_refused),
        cmocka_unit_test(a_second_handle_keeps_the_first_ones_locks),
        cmocka_unit_test(password_files_and_urls),
        cmocka_unit_test(every_bad_field_is_named),
        cmocka_unit_test(every_kind_can_be_valid),
        cmocka_unit_test(every_bad_status_field_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
