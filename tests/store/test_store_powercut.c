/*
 * test_store_powercut.c: a child appends arrivals and acknowledges each one on a pipe only after
 * ld_store_append_event returned LD_OK; the parent kills it with SIGKILL at random moments, over
 * and over on the same file, then checks that every acknowledged event is there exactly once,
 * with the UUID it was acknowledged with, and that the sequence has no gap.
 *
 * One run in four is killed at a random moment after the fork, so kills land in the open (WAL
 * recovery, the integrity check) too; the others at a random moment after the child says the
 * store is open, so the test does real work however slow the machine or the build.
 *
 * An acknowledgement sent before the COMMIT was durable fails this test: the killed transaction
 * is lost, the next child hands the same seq to a new event, and the parent sees one seq
 * acknowledged twice, or with another UUID.
 */
#include "helpers.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#define KILLS        250
#define MAX_DELAY_MS 30
#define MAX_ACKS     200000

/*
 * What the child writes for each acknowledged event: under PIPE_BUF, so written whole. seq 0
 * says the store is open.
 */
struct ack {
    int64_t seq;
    char uuid[LD_UUID_LEN + 1];
};

static struct ack acks[MAX_ACKS];
static size_t nacks;

/* The child: open, append until killed. Never returns. */
static void child(const char *path, int fd)
{
    char msg[512] = "";
    struct ld_store *s = NULL;
    ld_err err = ld_store_open(path, NULL, &s, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "child: open: %s\n", msg);
        _exit(2);
    }
    struct ack ready;
    memset(&ready, 0, sizeof ready);
    if (write(fd, &ready, sizeof ready) != (ssize_t)sizeof ready)
        _exit(4);
    for (int64_t i = 0;; i++) {
        struct ld_event ev = arrival(i % 2 ? T_UPN_A : T_UPN_B, T_MONDAY_MS + i);
        err = ld_store_append_event(s, &ev, msg, sizeof msg);
        if (err) {
            fprintf(stderr, "child: append: %s\n", msg);
            _exit(3);
        }
        struct ack a;
        memset(&a, 0, sizeof a);
        a.seq = ev.seq;
        memcpy(a.uuid, ev.uuid, sizeof a.uuid);
        if (write(fd, &a, sizeof a) != (ssize_t)sizeof a)
            _exit(4);
    }
}

/* Reads every acknowledgement the dead child left in the pipe. */
static void drain(int fd)
{
    struct ack a;
    for (;;) {
        ssize_t n = read(fd, &a, sizeof a);
        if (n == 0)
            return;
        if (n < 0 && errno == EINTR)
            continue;
        assert_int_equal(n, (ssize_t)sizeof a);
        assert_true(nacks < MAX_ACKS);
        if (a.seq != 0)
            acks[nacks++] = a;
    }
}

static void sleep_ms(unsigned ms, unsigned us_extra)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L + (long)us_extra * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void test_kill_during_appends(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    tdir_make(&d);
    tdir_file(&d, "device.db", path, sizeof path);
    ld_store_close(create_store(path, NULL));
    srand(20260112u);
    nacks = 0;

    int in_open = 0;
    for (int k = 0; k < KILLS; k++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child(path, fds[1]);
        }
        close(fds[1]);
        size_t before = nacks;
        if (k % 4 != 0) {
            struct ack ready;
            ssize_t n = read(fds[0], &ready, sizeof ready);
            assert_true(n == 0 || (n == (ssize_t)sizeof ready && ready.seq == 0));
        }
        sleep_ms((unsigned)(rand() % (MAX_DELAY_MS + 1)), (unsigned)(rand() % 1000));
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail_msg("kill %d: the child ended by itself (status %d): see its message", k,
                     WEXITSTATUS(status));
        drain(fds[0]);
        close(fds[0]);
        in_open += nacks == before;
    }
    /* Enough work was killed mid-flight for this to mean something. */
    if (nacks < 100)
        fail_msg("only %zu appends were acknowledged in %d runs", nacks, KILLS);
    printf("# %d kills, %zu acknowledged appends, %d kills before any acknowledgement\n", KILLS,
           nacks, in_open);

    /* The file is sound. */
    struct ld_store *s = NULL;
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);

    /* Contiguous: seq 1..max, one row each. */
    int64_t count = raw_int(path, "SELECT count(*) FROM events WHERE device_id = 'door-1'");
    int64_t max = raw_int(path, "SELECT max(seq) FROM events WHERE device_id = 'door-1'");
    int64_t min = raw_int(path, "SELECT min(seq) FROM events WHERE device_id = 'door-1'");
    assert_int_equal(min, 1);
    assert_int_equal(count, max);
    assert_int_equal(raw_int(path, "SELECT count(DISTINCT uuid) FROM events"), count);
    if ((int64_t)nacks > count)
        fail_msg("%zu appends acknowledged but only %" PRId64 " stored: acknowledged before "
                 "durable",
                 nacks, count);

    /* Every acknowledgement: a seq never handed out twice, there with the same UUID. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT uuid FROM events WHERE device_id = 'door-1'"
                                        " AND seq = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < nacks; i++) {
        if (i > 0 && acks[i].seq <= acks[i - 1].seq)
            fail_msg("seq %" PRId64 " acknowledged after seq %" PRId64 ": a lost commit",
                     acks[i].seq, acks[i - 1].seq);
        assert_int_equal(sqlite3_bind_int64(st, 1, acks[i].seq), SQLITE_OK);
        if (sqlite3_step(st) != SQLITE_ROW)
            fail_msg("acknowledged seq %" PRId64 " is missing", acks[i].seq);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), acks[i].uuid);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);

    /* And the log carries on from there. */
    struct ld_event ev = arrival(T_UPN_A, T_MONDAY_MS);
    assert_int_equal(append_ok(s, &ev), max + 1);
    ld_store_close(s);
    tdir_remove(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_during_appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
