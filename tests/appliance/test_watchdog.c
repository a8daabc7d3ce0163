/* test_watchdog.c: the kiosk's notifications to systemd, read from a notify socket of our own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "watchdog.h"

/* A datagram socket standing in for systemd's notify socket. */
struct notify_sock {
    char dir[64];
    char path[108];
    int fd;
};

static void sock_open(struct notify_sock *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/ld-wd-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof s->path, "%s/notify", s->dir);
    s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", s->path);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
}

static void sock_close(struct notify_sock *s)
{
    close(s->fd);
    unlink(s->path);
    rmdir(s->dir);
}

/* The next datagram, or "" when none is waiting. */
static const char *sock_next(struct notify_sock *s)
{
    static char buf[512];
    ssize_t n = recv(s->fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n < 0) {
        assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
        n = 0;
    }
    buf[n] = '\0';
    return buf;
}

/* The environment systemd gives a Type=notify service with WatchdogSec. */
static void set_env(const char *sock, const char *usec, long pid)
{
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    if (sock)
        setenv("NOTIFY_SOCKET", sock, 1);
    if (usec)
        setenv("WATCHDOG_USEC", usec, 1);
    if (pid) {
        char p[32];
        snprintf(p, sizeof p, "%ld", pid);
        setenv("WATCHDOG_PID", p, 1);
    }
}

static void outside_systemd_everything_is_quiet(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(NULL, "30000000", (long)getpid());
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    assert_false(wd.notify);
    assert_int_equal(wd.interval_ms, 0);
    assert_int_equal(ld_watchdog_ready(&wd, "idle", 0), LD_OK);
    assert_false(ld_watchdog_due(&wd, 1000000));
    assert_int_equal(ld_watchdog_kick(&wd, 1000000), LD_OK);
    assert_int_equal(ld_watchdog_status(&wd, "x"), LD_OK);
    assert_int_equal(ld_watchdog_stopping(&wd), LD_OK);
    assert_string_equal(sock_next(&s), "");
    sock_close(&s);
}

static void ready_then_pings_at_half_the_period(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(s.path, "30000000", (long)getpid()); /* WatchdogSec=30 */
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    assert_true(wd.notify);
    assert_int_equal(wd.interval_ms, 15000);

    assert_int_equal(ld_watchdog_ready(&wd, "Hollybrook: idle", 5000), LD_OK);
    assert_string_equal(sock_next(&s), "READY=1\nWATCHDOG=1\nSTATUS=Hollybrook: idle");

    /* Each turn of the loop kicks; only one kick per half period reaches systemd. */
    assert_false(ld_watchdog_due(&wd, 19999));
    assert_int_equal(ld_watchdog_kick(&wd, 19999), LD_OK);
    assert_string_equal(sock_next(&s), "");
    assert_true(ld_watchdog_due(&wd, 20000));
    assert_int_equal(ld_watchdog_kick(&wd, 20000), LD_OK);
    assert_string_equal(sock_next(&s), "WATCHDOG=1");
    assert_int_equal(ld_watchdog_kick(&wd, 20001), LD_OK);
    assert_string_equal(sock_next(&s), "");
    assert_int_equal(ld_watchdog_kick(&wd, 36000), LD_OK);
    assert_string_equal(sock_next(&s), "WATCHDOG=1");

    assert_int_equal(ld_watchdog_stopping(&wd), LD_OK);
    assert_string_equal(sock_next(&s), "STOPPING=1");
    sock_close(&s);
}

static void notify_without_watchdog(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(s.path, NULL, 0); /* Type=notify, no WatchdogSec */
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    assert_int_equal(wd.interval_ms, 0);
    assert_int_equal(ld_watchdog_ready(&wd, "idle", 0), LD_OK);
    assert_string_equal(sock_next(&s), "READY=1\nSTATUS=idle");
    assert_int_equal(ld_watchdog_kick(&wd, 1000000), LD_OK);
    assert_string_equal(sock_next(&s), "");
    sock_close(&s);
}

static void a_watchdog_for_another_process_is_not_ours(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(s.path, "30000000", (long)getpid() + 1);
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    assert_int_equal(wd.interval_ms, 0);
    sock_close(&s);
}

static void a_bad_period_is_named_and_turns_the_watchdog_off(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(s.path, "thirty", (long)getpid());
    struct ld_watchdog wd;
    char msg[160] = "";
    assert_int_equal(ld_watchdog_init(&wd, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "WATCHDOG_USEC=\"thirty\""));
    assert_int_equal(wd.interval_ms, 0);
    /* Still usable: READY goes out, no pings are due. */
    assert_int_equal(ld_watchdog_ready(&wd, "idle", 0), LD_OK);
    assert_string_equal(sock_next(&s), "READY=1\nSTATUS=idle");
    assert_false(ld_watchdog_due(&wd, 1000000));
    sock_close(&s);
}

static void status_is_one_line_and_bounded(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(s.path, NULL, 0);
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    assert_int_equal(ld_watchdog_status(&wd, "reader missing\nREADY=1\rnow"), LD_OK);
    assert_string_equal(sock_next(&s), "STATUS=reader missing READY=1 now");

    char longer[400];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(ld_watchdog_status(&wd, longer), LD_OK);
    const char *got = sock_next(&s);
    assert_int_equal(strlen(got), strlen("STATUS=") + 200);
    sock_close(&s);
}

static void a_vanished_socket_is_an_io_error(void **state)
{
    struct notify_sock s;
    sock_open(&s);
    set_env(s.path, "2000000", (long)getpid());
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    sock_close(&s); /* systemd's socket is gone */
    assert_int_equal(ld_watchdog_ready(&wd, "idle", 100), LD_ERR_IO);
    assert_int_equal(wd.last_ms, 0);
    /* A failed ping is tried again on the next turn of the loop. */
    assert_int_equal(ld_watchdog_kick(&wd, 1000), LD_ERR_IO);
    assert_true(ld_watchdog_due(&wd, 1001));
    assert_int_equal(ld_watchdog_stopping(&wd), LD_ERR_IO);
}

static void abstract_sockets_work_too(void **state)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    char name[64];
    snprintf(name, sizeof name, "latedoor-wd-test-%ld", (long)getpid());
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    memcpy(a.sun_path + 1, name, strlen(name));
    assert_int_equal(bind(fd, (struct sockaddr *)&a,
                          (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))),
                     0);
    char env[80];
    snprintf(env, sizeof env, "@%s", name);
    set_env(env, NULL, 0);
    struct ld_watchdog wd;
    assert_int_equal(ld_watchdog_init(&wd, NULL, 0), LD_OK);
    assert_int_equal(ld_watchdog_ready(&wd, "up", 0), LD_OK);
    char buf[64];
    ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "READY=1\nSTATUS=up");
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outside_systemd_everything_is_quiet),
        cmocka_unit_test(ready_then_pings_at_half_the_period),
        cmocka_unit_test(notify_without_watchdog),
        cmocka_unit_test(a_watchdog_for_another_process_is_not_ours),
        cmocka_unit_test(a_bad_period_is_named_and_turns_the_watchdog_off),
        cmocka_unit_test(status_is_one_line_and_bounded),
        cmocka_unit_test(a_vanished_socket_is_an_io_error),
        cmocka_unit_test(abstract_sockets_work_too),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
