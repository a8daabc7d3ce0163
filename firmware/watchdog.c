/* watchdog.c: READY=1, WATCHDOG=1, STATUS= and STOPPING=1 to systemd through libsystemd. */
#include "watchdog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#define STATUS_MAX 200 /* characters of status kept: systemctl shows one line */

ld_err ld_watchdog_init(struct ld_watchdog *wd, char *msg, size_t msglen)
{
    const char *sock = getenv("NOTIFY_SOCKET");
    memset(wd, 0, sizeof *wd);
    wd->notify = sock && sock[0];

    uint64_t usec = 0;
    int r = sd_watchdog_enabled(0, &usec);
    if (r < 0) {
        if (msg && msglen)
            snprintf(msg, msglen,
                     "WATCHDOG_USEC=\"%.24s\": not a watchdog period in microseconds; running "
                     "without the watchdog",
                     getenv("WATCHDOG_USEC") ? getenv("WATCHDOG_USEC") : "");
        return LD_ERR_INVALID;
    }
    if (r > 0 && wd->notify) {
        /* Half the period, as sd_watchdog_enabled(3) advises; never 0, which means "off". */
        wd->interval_ms = usec / 2000;
        if (wd->interval_ms == 0)
            wd->interval_ms = 1;
    }
    return LD_OK;
}

/* Sends one notification; a missing socket is not an error, a failed send is. */
static ld_err send_state(const struct ld_watchdog *wd, const char *state)
{
    if (!wd->notify)
        return LD_OK;
    return sd_notify(0, state) < 0 ? LD_ERR_IO : LD_OK;
}

/* Writes "STATUS=<status on one line>" into buf. */
static void status_line(char *buf, size_t len, const char *prefix, const char *status)
{
    int n = snprintf(buf, len, "%sSTATUS=%.*s", prefix, STATUS_MAX, status ? status : "");
    if (n < 0)
        buf[0] = '\0';
    size_t start = strlen(prefix);
    for (char *p = buf + start; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

ld_err ld_watchdog_ready(struct ld_watchdog *wd, const char *status, uint64_t now_ms)
{
    char buf[STATUS_MAX + 64];
    status_line(buf, sizeof buf, wd->interval_ms ? "READY=1\nWATCHDOG=1\n" : "READY=1\n", status);
    ld_err err = send_state(wd, buf);
    if (!err)
        wd->last_ms = now_ms;
    return err;
}

bool ld_watchdog_due(const struct ld_watchdog *wd, uint64_t now_ms)
{
    return wd->interval_ms && now_ms - wd->last_ms >= wd->interval_ms;
}

ld_err ld_watchdog_kick(struct ld_watchdog *wd, uint64_t now_ms)
{
    if (!ld_watchdog_due(wd, now_ms))
        return LD_OK;
    ld_err err = send_state(wd, "WATCHDOG=1");
    if (!err)
        wd->last_ms = now_ms;
    return err;
}

ld_err ld_watchdog_status(struct ld_watchdog *wd, const char *status)
{
    char buf[STATUS_MAX + 16];
    status_line(buf, sizeof buf, "", status);
    return send_state(wd, buf);
}

ld_err ld_watchdog_stopping(struct ld_watchdog *wd)
{
    return send_state(wd, "STOPPING=1");
}
