/* watchdog.h: tells systemd that the kiosk is up and that its event loop is alive (sd_notify). */
#ifndef LD_WATCHDOG_H
#define LD_WATCHDOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_err.h"

/*
 * The kiosk's unit (packaging/latedoor-kiosk.service) is Type=notify with WatchdogSec: systemd
 * waits for READY=1 before it calls the kiosk started, and restarts it when no WATCHDOG=1
 * arrives for WatchdogSec. The pings come from the event loop itself, never from a thread of
 * their own, so a loop that hangs (a stuck driver, a deadlock) stops them and gets restarted.
 *
 * Outside systemd (no $NOTIFY_SOCKET) every call does nothing and returns LD_OK: the same
 * binary runs by hand, in the demo and in the tests. The messages go through libsystemd's
 * sd_notify(), which knows the socket's forms (path, abstract, vsock) and checks $WATCHDOG_PID.
 */
struct ld_watchdog {
    bool notify;          /* systemd listens ($NOTIFY_SOCKET is set) */
    uint64_t interval_ms; /* ping at least this often; 0 when no watchdog is asked for */
    uint64_t last_ms;     /* caller's monotonic time of the last ping */
};

/*
 * Reads the environment systemd gives a service ($NOTIFY_SOCKET, $WATCHDOG_USEC and
 * $WATCHDOG_PID) into *wd, and pings at half the watchdog period. A $WATCHDOG_USEC that is not
 * a number is LD_ERR_INVALID with a message naming it; *wd is still usable then (no watchdog),
 * so a caller may report the error and carry on.
 */
ld_err ld_watchdog_init(struct ld_watchdog *wd, char *msg, size_t msglen) LD_MUST_CHECK;

/*
 * Tells systemd the service is ready (READY=1), with a one-line status, and counts as a ping
 * at now_ms. LD_ERR_IO when the message could not be sent.
 */
ld_err ld_watchdog_ready(struct ld_watchdog *wd, const char *status, uint64_t now_ms);

/* True when a watchdog is asked for and the last ping is at least interval_ms before now_ms. */
bool ld_watchdog_due(const struct ld_watchdog *wd, uint64_t now_ms);

/*
 * Sends WATCHDOG=1 when one is due at now_ms, else nothing: cheap enough for every turn of an
 * event loop. LD_ERR_IO when the message could not be sent (the next call tries again).
 */
ld_err ld_watchdog_kick(struct ld_watchdog *wd, uint64_t now_ms);

/* Sets the one-line status `systemctl status` shows; line breaks become spaces. */
ld_err ld_watchdog_status(struct ld_watchdog *wd, const char *status);

/* Tells systemd the service is stopping on purpose (STOPPING=1). */
ld_err ld_watchdog_stopping(struct ld_watchdog *wd);

#endif
