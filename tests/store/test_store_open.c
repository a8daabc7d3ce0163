/* test_store_open.c: creating and opening stores, refusals that leave files untouched, modes,
 * the busy timeout, settings and backups. */
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>

/* ---- create and open ---- */

static void test_create_then_open(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "", id[LD_DEVICE_ID_MAX + 1];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);

    struct ld_store *s = create_store(path, NULL);
    assert_int_equal(ld_store_device_id(s, id, msg, sizeof msg), LD_OK);
    assert_string_equal(id, "door-1");
    ld_store_close(s);

    s = NULL;
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_device_id(s, id, msg, sizeof msg), LD_OK);
    assert_string_equal(id, "door-1");
    assert_int_equal(raw_int(path, "PRAGMA user_version"), LD_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_int(path, "PRAGMA application_id"), LD_STORE__APP_ID);
    ld_store_close(s);
    ld_store_close(NULL);
    tdir_remove(&d);
}

static void test_create_refuses_existing(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    ld_store_close(create_store(path, NULL));
    uint64_t before = file_checksum(path, NULL);

    assert_int_equal(ld_store_create(path, "door-2", NULL, &s, msg, sizeof msg), LD_ERR_DUPLICATE);
    assert_null(s);
    assert_msg_has(msg, "already exists");
    assert_int_equal(file_checksum(path, NULL), before);

    /* A file some other program wrote is not taken over either. */
    char other[256];
    tdir_file(&d, "notes.txt", other, sizeof other);
    FILE *f = fopen(other, "w");
    assert_non_null(f);
    fputs("hello\n", f);
    fclose(f);
    assert_int_equal(ld_store_create(other, "door-2", NULL, &s, msg, sizeof msg), LD_ERR_DUPLICATE);
    tdir_remove(&d);
}

static void test_create_takes_over_empty_file(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    assert_true(fd >= 0);
    close(fd);

    /* An empty file (a power cut during an earlier create) is not yet a store. */
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_ERR_STATE);
    assert_msg_has(msg, "latedoor init");
    assert_int_equal(ld_store_create(path, "door-1", NULL, &s, msg, sizeof msg), LD_OK);
    assert_int_equal(file_mode(path), 0600);
    ld_store_close(s);
    tdir_remove(&d);
}

/* Issue 12: what an interrupted init of an older latedoor left: SQLite's header, no schema. */
static void test_create_replaces_half_made_store(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    struct ld_store *s = NULL;
    sqlite3 *db = NULL;
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 0);

    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_ERR_STATE);
    assert_msg_has(msg, "latedoor init");
    assert_int_equal(ld_store_create(path, "door-1", NULL, &s, msg, sizeof msg), LD_OK);
    char id[LD_DEVICE_ID_MAX + 1];
    assert_int_equal(ld_store_device_id(s, id, msg, sizeof msg), LD_OK);
    assert_string_equal(id, "door-1");
    ld_store_close(s);
    tdir_remove(&d);
}

static enum ld_store__create_step kill_at;

static void kill_hook(enum ld_store__create_step step)
{
    if (step == kill_at)
        raise(SIGKILL);
}

/* Issue 12: init killed at each of its steps leaves no store or a whole one, never half. */
static void test_create_interrupted_at_every_step(void **state)
{
    for (kill_at = LD_STORE__CREATE_TEMP_MADE; kill_at <= LD_STORE__CREATE_RENAMED; kill_at++) {
        struct tdir d;
        char path[256], msg[512] = "";
        struct ld_store *s = NULL;
        tdir_make(&d);
        tdir_file(&d, "device.db", path, sizeof path);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            ld_store__create_hook = kill_hook;
            ld_err err = ld_store_create(path, "door-1", NULL, &s, msg, sizeof msg);
            _exit(err == LD_OK ? 0 : 1);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        ld_err err = ld_store_open(path, NULL, &s, msg, sizeof msg);
        if (kill_at < LD_STORE__CREATE_RENAMED) {
            assert_int_equal(err, LD_ERR_NOT_FOUND); /* no store at all: init again */
            assert_int_equal(ld_store_create(path, "door-1", NULL, &s, msg, sizeof msg), LD_OK);
        } else {
            assert_int_equal(err, LD_OK); /* the whole store */
            ld_store_close(s);
            assert_int_equal(ld_store_create(path, "door-1", NULL, &s, msg, sizeof msg),
                             LD_ERR_DUPLICATE);
            assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
        }
        char id[LD_DEVICE_ID_MAX + 1];
        assert_int_equal(ld_store_device_id(s, id, msg, sizeof msg), LD_OK);
        assert_string_equal(id, "door-1");
        ld_store_close(s);
        tdir_remove(&d);
    }
}

static void test_create_bad_device_id(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    const char *bad[] = {"", "door 1", "door/1", "door-1;", "abcdefghijabcdefghijabcdefghijabc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ld_store_create(path, bad[i], NULL, &s, msg, sizeof msg), LD_ERR_INVALID);
        assert_msg_has(msg, "device id");
        assert_int_equal(access(path, F_OK), -1); /* nothing created */
    }
    /* 32 characters is the cap, and allowed. */
    assert_int_equal(
        ld_store_create(path, "abcdefghijabcdefghijabcdefghij.2", NULL, &s, msg, sizeof msg),
        LD_OK);
    ld_store_close(s);
    tdir_remove(&d);
}

static void test_open_missing(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "nothing.db", path, sizeof path);
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_ERR_NOT_FOUND);
    assert_msg_has(msg, "nothing.db");
    assert_null(s);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(ld_store_open(d.path, NULL, &s, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_store_open(NULL, NULL, &s, msg, sizeof msg), LD_ERR_INVALID);
    tdir_remove(&d);
}

/* Opens path expecting LD_ERR_IO and "read-only", in a child that gave up root if we are root. */
static void open_as_other_user(const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(10);
        char msg[512] = "";
        struct ld_store *s = NULL;
        ld_err err = ld_store_open(path, NULL, &s, msg, sizeof msg);
        if (err != LD_ERR_IO) {
            fprintf(stderr, "open as another user: %s (%s)\n", ld_err_str(err), msg);
            _exit(11);
        }
        _exit(strstr(msg, "read-only") ? 0 : 12);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_open_read_only_file(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    ld_store_close(create_store(path, NULL));
    /* Readable but not writable by whoever opens it: root's file opened by nobody, or 0400. */
    assert_int_equal(chmod(d.path, 0755), 0);
    assert_int_equal(chmod(path, geteuid() == 0 ? 0644 : 0400), 0);
    unsigned mode = file_mode(path);
    uint64_t before = file_checksum(path, NULL);
    open_as_other_user(path);
    assert_int_equal(file_mode(path), mode); /* refused, so not changed either */
    assert_int_equal(file_checksum(path, NULL), before);
    tdir_remove(&d);
}

/* ---- modes ---- */

static void test_modes_0600(void **state)
{
    struct tdir d;
    char path[256], wal[256], shm[256], msg[512] = "";
    struct ld_store *s = NULL;
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    tdir_file(&d, "device.db-wal", wal, sizeof wal);
    tdir_file(&d, "device.db-shm", shm, sizeof shm);

    mode_t old = umask(0);
    s = create_store(path, NULL);
    struct ld_event ev = arrival(T_UPN_A, T_MONDAY_MS);
    append_ok(s, &ev);
    assert_int_equal(file_mode(path), 0600);
    assert_int_equal(file_mode(wal), 0600);
    assert_int_equal(file_mode(shm), 0600);
    ld_store_close(s);

    /* A store someone made readable is closed up again at open. */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
    assert_int_equal(file_mode(path), 0600);
    assert_int_equal(file_mode(wal), 0600);
    ld_store_close(s);
    umask(old);
    tdir_remove(&d);
}

/* ---- refusals that leave the file untouched ---- */

/* Opens path expecting want, and checks the file's bytes did not change. */
static void expect_refused(const char *path, ld_err want, const char *needle)
{
    char msg[512] = "";
    struct ld_store *s = NULL;
    size_t size_before = 0, size_after = 0;
    uint64_t before = file_checksum(path, &size_before);
    ld_err err = ld_store_open(path, NULL, &s, msg, sizeof msg);
    if (err != want)
        fail_msg("open %s: %s (%s), wanted %s", path, ld_err_str(err), msg, ld_err_str(want));
    assert_null(s);
    assert_msg_has(msg, needle);
    assert_msg_has(msg, "left untouched");
    assert_int_equal(file_checksum(path, &size_after), before);
    assert_int_equal(size_after, size_before);
}

/* A store with a few hundred events, closed (checkpointed) so everything is in the main file. */
static void make_full_store(const char *path)
{
    struct ld_store *s = create_store(path, NULL);
    for (int i = 0; i < 300; i++) {
        struct ld_event ev = arrival(i % 2 ? T_UPN_A : T_UPN_B, T_MONDAY_MS + i * 1000);
        snprintf(ev.reason, sizeof ev.reason, "reason number %d, padded to take some room", i);
        append_ok(s, &ev);
    }
    ld_store_close(s);
}

static void test_corrupt_garbage(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "garbage.db", path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint32_t x = 12345;
    for (int i = 0; i < 8192; i++) {
        x = x * 1103515245u + 12345u;
        fputc((int)(x >> 24), f);
    }
    fclose(f);
    expect_refused(path, LD_ERR_CORRUPT, "not an SQLite database");

    /* A short text file is no database either. */
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("device_id=door-1\n", f);
    fclose(f);
    expect_refused(path, LD_ERR_CORRUPT, "garbage.db");
    tdir_remove(&d);
}

static void test_corrupt_truncated(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    make_full_store(path);
    size_t size = 0;
    file_checksum(path, &size);
    assert_true(size > 8 * 4096);
    /* Cut at a page boundary and mid-page: both must be refused. */
    assert_int_equal(truncate(path, (off_t)(size / 2 / 4096 * 4096)), 0);
    expect_refused(path, LD_ERR_CORRUPT, "device.db");
    assert_int_equal(truncate(path, 4096 + 100), 0);
    expect_refused(path, LD_ERR_CORRUPT, "device.db");
    tdir_remove(&d);
}

static void test_corrupt_garbled_pages(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    make_full_store(path);
    size_t size = 0;
    file_checksum(path, &size);
    /* Scribble over the middle of every page after the schema's: b-tree cells turn to noise. */
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    unsigned char junk[64];
    memset(junk, 0xA5, sizeof junk);
    for (size_t off = 12 * 4096; off + 4096 <= size; off += 4096)
        assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)(off + 8)), (ssize_t)sizeof junk);
    close(fd);
    expect_refused(path, LD_ERR_CORRUPT, "restore it from a backup");
    /* The quicker check at open refuses it too. */
    struct ld_store_options quick = {.quick_check = true};
    struct ld_store *s = NULL;
    char msg[512] = "";
    uint64_t before = file_checksum(path, NULL);
    assert_int_equal(ld_store_open(path, &quick, &s, msg, sizeof msg), LD_ERR_CORRUPT);
    assert_int_equal(file_checksum(path, NULL), before);
    tdir_remove(&d);
}

static void test_refuse_newer_schema(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    ld_store_close(create_store(path, NULL));
    raw_exec(path, "PRAGMA user_version=99");
    expect_refused(path, LD_ERR_UNSUPPORTED, "newer latedoor");
    tdir_remove(&d);
}

static void test_refuse_other_database(void **state)
{
    struct tdir d;
    char path[256];
    tdir_make(&d);
    tdir_file(&d, "other.db", path, sizeof path);
    raw_exec(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    expect_refused(path, LD_ERR_UNSUPPORTED, "not a latedoor store");
    /* Another program's database that uses user_version the same way. */
    raw_exec(path, "PRAGMA user_version=1");
    expect_refused(path, LD_ERR_UNSUPPORTED, "not a latedoor store");
    tdir_remove(&d);
}

/* ---- the busy timeout ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Forks a process that takes the store's write lock, says so on a pipe, holds it for hold_ms,
 * then commits and exits. Returns its pid once the lock is held.
 */
static pid_t hold_write_lock(const char *path, int hold_ms)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        sqlite3 *db = NULL;
        int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            _exit(3);
        if (write(fds[1], "L", 1) != 1)
            _exit(4);
        usleep((useconds_t)hold_ms * 1000);
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(db);
        _exit(rc == SQLITE_OK ? 0 : 5);
    }
    close(fds[1]);
    char c = 0;
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    return pid;
}

static void wait_child(pid_t pid)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_busy_timeout(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    ld_store_close(create_store(path, NULL));

    /* A short timeout gives up with LD_ERR_BUSY, after waiting about that long. */
    struct ld_store_options opt = {.busy_timeout_ms = 150};
    struct ld_store *s = NULL;
    assert_int_equal(ld_store_open(path, &opt, &s, msg, sizeof msg), LD_OK);
    pid_t pid = hold_write_lock(path, 1500);
    struct ld_event ev = arrival(T_UPN_A, T_MONDAY_MS);
    int64_t t0 = now_ms();
    assert_int_equal(ld_store_append_event(s, &ev, msg, sizeof msg), LD_ERR_BUSY);
    int64_t waited = now_ms() - t0;
    assert_true(waited >= 120);
    assert_true(waited < 1400);
    assert_msg_has(msg, "150 ms");
    assert_int_equal(ev.seq, 0);
    wait_child(pid);
    assert_int_equal(append_ok(s, &ev), 1); /* and works once the lock is gone */
    ld_store_close(s);

    /* The default (5 s) rides out the other process holding the lock for a moment. */
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
    pid = hold_write_lock(path, 400);
    ev = arrival(T_UPN_A, T_MONDAY_MS + 1000);
    t0 = now_ms();
    assert_int_equal(ld_store_append_event(s, &ev, msg, sizeof msg), LD_OK);
    assert_true(now_ms() - t0 >= 300);
    assert_int_equal(ev.seq, 2);
    wait_child(pid);
    ld_store_close(s);
    tdir_remove(&d);
}

/* ---- settings ---- */

static void test_settings(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "", buf[64];
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    struct ld_store *s = create_store(path, NULL);

    assert_int_equal(ld_store_setting_get(s, "sync.url", buf, sizeof buf, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(
        ld_store_setting_set(s, "sync.url", "https://central.example/", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_get(s, "sync.url", buf, sizeof buf, msg, sizeof msg), LD_OK);
    assert_string_equal(buf, "https://central.example/");
    assert_int_equal(ld_store_setting_set(s, "sync.url", "", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_get(s, "sync.url", buf, sizeof buf, msg, sizeof msg), LD_OK);
    assert_string_equal(buf, "");

    /* Too small a buffer is an error, not a cut value. */
    char small[4];
    assert_int_equal(ld_store_setting_set(s, "school.motto", "Héllo wörld", msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_store_setting_get(s, "school.motto", small, sizeof small, msg, sizeof msg),
                     LD_ERR_RANGE);
    assert_string_equal(small, "");

    /* Caps and checks, each naming what is wrong; nothing is written. */
    char key[LD_SETTING_KEY_MAX + 2], value[LD_SETTING_VALUE_MAX + 2];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    memset(value, 'v', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    assert_int_equal(ld_store_setting_set(s, key, "x", msg, sizeof msg), LD_ERR_RANGE);
    assert_msg_has(msg, "key");
    assert_int_equal(ld_store_setting_set(s, "big", value, msg, sizeof msg), LD_ERR_RANGE);
    assert_msg_has(msg, "value");
    value[LD_SETTING_VALUE_MAX] = '\0';
    assert_int_equal(ld_store_setting_set(s, "big", value, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_set(s, "Upper", "x", msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_store_setting_set(s, "", "x", msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_store_setting_set(s, "bad", "\xff\xfe", msg, sizeof msg), LD_ERR_INVALID);
    assert_msg_has(msg, "UTF-8");

    assert_int_equal(ld_store_setting_delete(s, "sync.url", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_delete(s, "sync.url", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_get(s, "sync.url", buf, sizeof buf, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    ld_store_close(s);
    tdir_remove(&d);
}

/* Collects "key=value;" of every setting visited into the string ctx points at. */
static ld_err join_setting(void *ctx, const char *key, const char *value)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s=%s;", key, value);
    return strcmp(key, "stop.here") ? LD_OK : LD_ERR_STATE;
}

static void test_settings_foreach(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "", got[256] = "";
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    struct ld_store *s = create_store(path, NULL);
    assert_int_equal(ld_store_setting_set(s, "school.b", "2", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_set(s, "school.a", "1", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_set(s, "schoolx", "no", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_set(s, "sync.x", "no", msg, sizeof msg), LD_OK);
    /* Only the prefix, in key order; '.' and '_' are plain characters, not patterns. */
    assert_int_equal(ld_store_settings_foreach(s, "school.", join_setting, got, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(got, "school.a=1;school.b=2;");
    assert_int_equal(ld_store_setting_set(s, "school_a", "no", msg, sizeof msg), LD_OK);
    got[0] = '\0';
    assert_int_equal(ld_store_settings_foreach(s, "school.", join_setting, got, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(got, "school.a=1;school.b=2;");
    got[0] = '\0';
    assert_int_equal(ld_store_settings_foreach(s, "nothing.", join_setting, got, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(got, "");
    /* The function's error stops the walk and comes back. */
    assert_int_equal(ld_store_setting_set(s, "stop.here", "!", msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_setting_set(s, "stop.later", "?", msg, sizeof msg), LD_OK);
    got[0] = '\0';
    assert_int_equal(ld_store_settings_foreach(s, "stop.", join_setting, got, msg, sizeof msg),
                     LD_ERR_STATE);
    assert_string_equal(got, "stop.here=!;");
    assert_int_equal(ld_store_settings_foreach(s, NULL, join_setting, got, msg, sizeof msg),
                     LD_ERR_INVALID);
    ld_store_close(s);
    tdir_remove(&d);
}

/* ---- backup ---- */

static void test_backup(void **state)
{
    struct tdir d;
    char path[256], dest[256], msg[512] = "";
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    tdir_file(&d, "backup.db", dest, sizeof dest);
    struct ld_store *s = create_store(path, NULL);
    for (int i = 0; i < 50; i++) {
        struct ld_event ev = arrival(T_UPN_A, T_MONDAY_MS + i);
        append_ok(s, &ev);
    }
    assert_int_equal(ld_store_setting_set(s, "k", "v", msg, sizeof msg), LD_OK);

    assert_int_equal(ld_store_backup(s, dest, msg, sizeof msg), LD_OK);
    assert_int_equal(file_mode(dest), 0600);
    assert_int_equal(store_dump(dest), store_dump(path));
    /* One self-contained file: a rollback journal in the header (bytes 18 and 19), no -wal. */
    unsigned char hdr[20];
    FILE *f = fopen(dest, "rb");
    assert_non_null(f);
    assert_int_equal(fread(hdr, 1, sizeof hdr, f), sizeof hdr);
    fclose(f);
    assert_int_equal(hdr[18], 1);
    assert_int_equal(hdr[19], 1);

    /* Again over the old copy, with the store moved on: the new copy replaces it. */
    struct ld_event ev = arrival(T_UPN_B, T_MONDAY_MS + 100);
    append_ok(s, &ev);
    assert_int_equal(ld_store_backup(s, dest, msg, sizeof msg), LD_OK);
    assert_int_equal(raw_int(dest, "SELECT count(*) FROM events"), 51);

    /* Refusals. */
    assert_int_equal(ld_store_backup(s, path, msg, sizeof msg), LD_ERR_INVALID);
    assert_msg_has(msg, "store itself");
    char busy[256], busy_wal[256];
    tdir_file(&d, "busy.db", busy, sizeof busy);
    tdir_file(&d, "busy.db-wal", busy_wal, sizeof busy_wal);
    FILE *w = fopen(busy_wal, "w");
    assert_non_null(w);
    fclose(w);
    assert_int_equal(ld_store_backup(s, busy, msg, sizeof msg), LD_ERR_STATE);
    char nodir[256];
    tdir_file(&d, "no/such/dir/backup.db", nodir, sizeof nodir);
    assert_int_equal(ld_store_backup(s, nodir, msg, sizeof msg), LD_ERR_IO);
    ld_store_close(s);

    /* The copy opens as a store of its own, and no temporary file was left behind. */
    assert_int_equal(ld_store_open(dest, NULL, &s, msg, sizeof msg), LD_OK);
    assert_int_equal(count_events(s), 51);
    ld_store_close(s);
    DIR *dir = opendir(d.path);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        assert_null(strstr(e->d_name, ".tmp-"));
    closedir(dir);
    tdir_remove(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_then_open),
        cmocka_unit_test(test_create_refuses_existing),
        cmocka_unit_test(test_create_takes_over_empty_file),
        cmocka_unit_test(test_create_bad_device_id),
        cmocka_unit_test(test_create_replaces_half_made_store),
        cmocka_unit_test(test_create_interrupted_at_every_step),
        cmocka_unit_test(test_open_missing),
        cmocka_unit_test(test_open_read_only_file),
        cmocka_unit_test(test_modes_0600),
        cmocka_unit_test(test_corrupt_garbage),
        cmocka_unit_test(test_corrupt_truncated),
        cmocka_unit_test(test_corrupt_garbled_pages),
        cmocka_unit_test(test_refuse_newer_schema),
        cmocka_unit_test(test_refuse_other_database),
        cmocka_unit_test(test_busy_timeout),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_settings_foreach),
        cmocka_unit_test(test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
