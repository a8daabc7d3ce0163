/*
 * kiosk_notify.c: KIOSK runs as systemd would run it (Type=notify, WatchdogSec) and tells a
 * notify socket of ours that it is ready, pings the watchdog from its event loop, and says it
 * is stopping when SIGTERM ends it.   kiosk_notify KIOSK [ARGS...]
 * Prints what it got and exits 0 on success, 1 on a failure (with the reason).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define WANT_PINGS 3
#define BOUND_MS   60000 /* an upper bound for a slow machine or qemu, not a timing check */

static int fail(const char *what)
{
    fprintf(stderr, "FAIL: %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fail("usage: kiosk_notify KIOSK [ARGS...]");
    char dir[] = "/tmp/ld-notify-XXXXXX";
    if (!mkdtemp(dir))
        return fail("mkdtemp");
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s/notify", dir);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
        return fail("notify socket");

    pid_t pid = fork();
    if (pid < 0)
        return fail("fork");
    if (pid == 0) {
        char wpid[32];
        snprintf(wpid, sizeof wpid, "%ld", (long)getpid());
        setenv("NOTIFY_SOCKET", a.sun_path, 1);
        setenv("WATCHDOG_USEC", "400000", 1); /* WatchdogSec=0.4: a ping every 200 ms */
        setenv("WATCHDOG_PID", wpid, 1);
        execv(argv[1], argv + 1);
        _exit(127);
    }

    bool ready = false, stopping = false, termed = false;
    int pings = 0, waited = 0, rc = 1;
    while (waited < BOUND_MS && !stopping) {
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, 100);
        waited += 100;
        if (n > 0) {
            char buf[512];
            ssize_t len = recv(fd, buf, sizeof buf - 1, 0);
            if (len <= 0)
                continue;
            buf[len] = '\0';
            if (strncmp(buf, "READY=1\n", 8) == 0) {
                ready = true;
                printf("# %s\n", strstr(buf, "STATUS=") ? strstr(buf, "STATUS=") : "READY=1");
            } else if (strcmp(buf, "WATCHDOG=1") == 0) {
                if (!ready) {
                    fprintf(stderr, "FAIL: a watchdog ping before READY=1\n");
                    break;
                }
                pings++;
            } else if (strcmp(buf, "STOPPING=1") == 0) {
                stopping = true;
            }
        }
        if (pings >= WANT_PINGS && !termed) {
            kill(pid, SIGTERM);
            termed = true;
        }
        int status;
        if (!stopping && waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "FAIL: the kiosk exited early (status %d)\n", status);
            pid = -1;
            break;
        }
    }
    if (pid > 0) {
        if (!termed)
            kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        if (ready && pings >= WANT_PINGS && stopping && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0)
            rc = 0;
        else
            fprintf(stderr, "FAIL: ready %d, %d pings, stopping %d, exit status %d\n", ready, pings,
                    stopping, status);
    }
    printf("# READY=1 %s, %d watchdog pings, STOPPING=1 %s\n", ready ? "yes" : "no", pings,
           stopping ? "yes" : "no");
    close(fd);
    unlink(a.sun_path);
    rmdir(dir);
    return rc;
}
