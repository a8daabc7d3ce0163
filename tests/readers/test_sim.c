/* test_sim.c: the simulated reader over a FIFO and a Unix-domain socket, bad lines included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "recorder.h"

struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-test-sim-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/sim", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_all(int fd, const char *s)
{
    size_t n = strlen(s);
    assert_int_equal(write(fd, s, n), (ssize_t)n);
}

static void test_fifo_through_supervisor(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(mkfifo(f->path, 0600), 0);
    struct ld_reader *r = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_sim_create(f->path, LD_SIM_AUTO, &r, msg, sizeof msg), LD_OK);
    assert_string_equal(ld_reader_name(r), "sim");

    struct recorder rec;
    rec_init(&rec);
    struct ld_reader_thread_config cfg = rec_config(&rec, 5000, 20, 100);
    struct ld_reader_thread *t = NULL;
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, msg, sizeof msg), LD_OK);
    assert_true(rec_wait_state(&rec, LD_READER_OK, 0, 5000) >= 0);
    assert_int_equal(ld_reader_thread_state(t, msg, sizeof msg), LD_READER_OK);

    /* A writer, as the demo's: cards, a bad line, a blank one, an over-long one, a repeat. */
    int w = open(f->path, O_WRONLY);
    assert_true(w >= 0);
    write_all(w, "04A1B2C3\n");
    write_all(w, "zz not a card\n");
    write_all(w, "\n  04:11:22:33:44:55:66 \r\n");
    char longline[300];
    memset(longline, '4', sizeof longline - 2);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    write_all(w, longline);
    write_all(w, "04A1B2C3\n"); /* the same card again at once: debounced */
    write_all(w, "A1B2C3D4");
    write_all(w, "\n"); /* a line in two writes */
    close(w);

    assert_true(rec_wait_cards(&rec, 3, 5000));
    assert_true(rec_wait_errors(&rec, 2, 5000));
    char hex[LD_UID_HEXLEN];
    rec_card_hex(&rec, 0, hex);
    assert_string_equal(hex, "04A1B2C3");
    rec_card_hex(&rec, 1, hex);
    assert_string_equal(hex, "04112233445566");
    rec_card_hex(&rec, 2, hex);
    assert_string_equal(hex, "A1B2C3D4");
    assert_non_null(strstr(rec.last_error, "longer than"));

    /* Writers come and go: the FIFO is still read. */
    w = open(f->path, O_WRONLY);
    assert_true(w >= 0);
    write_all(w, "0A0B0C0D\n");
    close(w);
    assert_true(rec_wait_cards(&rec, 4, 5000));
    assert_int_equal(rec_cards(&rec), 4);

    ld_reader_thread_destroy(t);
    assert_int_equal(rec.states[rec.nstates - 1], LD_READER_STOPPED);
    rec_fini(&rec);
}

static int connect_to(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    size_t n = strlen(path);
    if (n >= sizeof a.sun_path)
        return -1;
    memcpy(a.sun_path, path, n + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        return -1;
    return fd;
}

static void test_socket(void **state)
{
    struct fixture *f = *state;
    struct ld_reader *r = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    struct ld_uid uid;
    char hex[LD_UID_HEXLEN];
    assert_int_equal(ld_reader_sim_create(f->path, LD_SIM_AUTO, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_OK);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);

    int a = connect_to(f->path);
    int b = connect_to(f->path);
    assert_true(a >= 0 && b >= 0);
    write_all(a, "04A1B2C3\n");
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_OK);
    ld_uid_format(&uid, hex);
    assert_string_equal(hex, "04A1B2C3");

    write_all(b, "hello\n");
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "line 1"));
    assert_non_null(strstr(msg, "hello"));

    /* Control bytes are not echoed into the message. */
    write_all(b, "04\x1b[2J\n");
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_ERR_INVALID);
    assert_null(strchr(msg, '\x1b'));

    /* A client that leaves after a last line with no newline. */
    write_all(a, "0A0B0C0D");
    close(a);
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_OK);
    ld_uid_format(&uid, hex);
    assert_string_equal(hex, "0A0B0C0D");

    /* A flood with no newline is cut at the cap, reported once. */
    char big[4096];
    memset(big, 'A', sizeof big);
    assert_int_equal(write(b, big, sizeof big), (ssize_t)sizeof big);
    write_all(b, "\n04A1B2C4\n");
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "longer than"));
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_OK);
    ld_uid_format(&uid, hex);
    assert_string_equal(hex, "04A1B2C4");
    close(b);

    /* Closing removes the socket; destroying after close is fine. */
    ld_reader_close(r);
    assert_int_equal(stat(f->path, &st), -1);
    ld_reader_destroy(r);
}

static void test_wrong_kind_of_path(void **state)
{
    struct fixture *f = *state;
    int fd = open(f->path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    close(fd);
    struct ld_reader *r = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_sim_create(f->path, LD_SIM_AUTO, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "not a socket"));
    ld_reader_destroy(r);
    assert_int_equal(ld_reader_sim_create(f->path, LD_SIM_FIFO, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "not a FIFO"));
    ld_reader_destroy(r);

    char longpath[200];
    memset(longpath, 'x', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(ld_reader_sim_create(longpath, LD_SIM_AUTO, &r, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_null(r);
    assert_int_equal(ld_reader_sim_create("", LD_SIM_AUTO, &r, msg, sizeof msg), LD_ERR_INVALID);
}

struct blocked {
    struct ld_reader *r;
    ld_err err;
};

static void *blocked_read(void *arg)
{
    struct blocked *b = arg;
    struct ld_uid uid;
    char msg[LD_READER_MSG_MAX];
    b->err = ld_reader_read(b->r, &uid, msg, sizeof msg);
    return NULL;
}

static void test_fifo_made_and_interrupted(void **state)
{
    struct fixture *f = *state;
    struct blocked b = {.err = LD_OK};
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_sim_create(f->path, LD_SIM_FIFO, &b.r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(b.r, msg, sizeof msg), LD_OK);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, blocked_read, &b), 0);
    rec_sleep_ms(50);
    ld_reader_interrupt(b.r);
    pthread_join(th, NULL);
    assert_int_equal(b.err, LD_ERR_STATE);
    ld_reader_destroy(b.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fifo_through_supervisor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_kind_of_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_made_and_interrupted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
