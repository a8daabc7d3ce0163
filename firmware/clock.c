/* clock.c: reading the kernel's clocks, judging whether they can be trusted, repairing times. */
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

/* Set on this file alone by firmware/clock.cmake, from the time CMake configured the build. */
#ifndef LD_BUILD_EPOCH_MS
#error "LD_BUILD_EPOCH_MS (the build time in UTC milliseconds) must come from firmware/clock.cmake"
#endif

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
/* A boot id file holds 37 bytes; anything much longer is not one. */
#define BOOT_ID_FILE_MAX 64

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

/* Milliseconds of a timespec, rounded down (tv_nsec is never negative). */
static int64_t timespec_ms(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

static ld_err sys_read_clock(clockid_t id, const char *id_name, int64_t *ms, char *msg,
                             size_t msglen)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) {
        set_msg(msg, msglen, "clock: clock_gettime(%s): %s", id_name, strerror(errno));
        return LD_ERR_CLOCK;
    }
    *ms = timespec_ms(&ts);
    return LD_OK;
}

static ld_err sys_read_realtime(void *ctx, int64_t *utc_ms, char *msg, size_t msglen)
{
    return sys_read_clock(CLOCK_REALTIME, "CLOCK_REALTIME", utc_ms, msg, msglen);
}

static ld_err sys_read_boottime(void *ctx, int64_t *mono_ms, char *msg, size_t msglen)
{
    return sys_read_clock(CLOCK_BOOTTIME, "CLOCK_BOOTTIME", mono_ms, msg, msglen);
}

static ld_err sys_read_sync_status(void *ctx, bool *synced, char *msg, size_t msglen)
{
    /* modes = 0 only reads the kernel's NTP state, which needs no privilege. */
    struct timex tx = {0};
    int rc = ntp_adjtime(&tx);
    if (rc == -1) {
        set_msg(msg, msglen, "clock: ntp_adjtime: %s", strerror(errno));
        return LD_ERR_CLOCK;
    }
    *synced = rc != TIME_ERROR && !(tx.status & STA_UNSYNC);
    return LD_OK;
}

static ld_err sys_read_boot_id(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t msglen)
{
    return ld_clock_boot_id_from_file(BOOT_ID_PATH, out, msg, msglen);
}

const struct ld_clock_source *ld_clock_system_source(void)
{
    static const struct ld_clock_source sys = {
        .read_realtime = sys_read_realtime,
        .read_boottime = sys_read_boottime,
        .read_sync_status = sys_read_sync_status,
        .read_boot_id = sys_read_boot_id,
        .ctx = NULL,
    };
    return &sys;
}

int64_t ld_clock_build_ms(void)
{
    return (int64_t)LD_BUILD_EPOCH_MS;
}

ld_err ld_clock_check_given(int64_t given_ms, int64_t now_ms, int64_t year_from_ms,
                            int64_t year_to_ms, char *msg, size_t msglen)
{
    if (given_ms < year_from_ms || given_ms >= year_to_ms) {
        set_msg(msg, msglen, "the time is outside the school year of the calendar");
        return LD_ERR_RANGE;
    }
    if (now_ms < INT64_MAX - LD_CLOCK_GIVEN_AHEAD_MS &&
        given_ms > now_ms + LD_CLOCK_GIVEN_AHEAD_MS) {
        int64_t minutes = (given_ms - now_ms) / 60000;
        set_msg(msg, msglen,
                "the time is %" PRId64 " minute%s ahead of this device's clock (at most %d "
                "allowed)",
                minutes, minutes == 1 ? "" : "s", LD_CLOCK_GIVEN_AHEAD_MS / 60000);
        return LD_ERR_RANGE;
    }
    return LD_OK;
}

enum ld_clock_state ld_clock_assess(int64_t utc_ms, bool synced, int64_t last_event_ms,
                                    int64_t build_ms)
{
    if (utc_ms < build_ms)
        return LD_CLOCK_BEFORE_BUILD;
    if (last_event_ms != LD_CLOCK_NO_EVENT && utc_ms < last_event_ms)
        return LD_CLOCK_BEHIND;
    if (!synced)
        return LD_CLOCK_UNSYNCED;
    return LD_CLOCK_OK;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* True when s begins with a boot id: 8-4-4-4-12 hex digits. */
static bool starts_with_boot_id(const char *s)
{
    for (int i = 0; i < LD_BOOT_ID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

/* True when s is exactly a boot id. */
static bool is_boot_id(const char *s)
{
    return s && strnlen(s, LD_BOOT_ID_SIZE) == LD_BOOT_ID_LEN && starts_with_boot_id(s);
}

ld_err ld_clock_boot_id_from_file(const char *path, char out[LD_BOOT_ID_SIZE], char *msg,
                                  size_t msglen)
{
    char buf[BOOT_ID_FILE_MAX + 1];
    size_t len = 0;
    ld_err err = LD_OK;
    int fd = -1;

    if (!path || !out) {
        set_msg(msg, msglen, "clock: boot id: no file or no buffer given");
        return LD_ERR_INVALID;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_msg(msg, msglen, "clock: %s: %s", path, strerror(errno));
        return LD_ERR_IO;
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            set_msg(msg, msglen, "clock: %s: %s", path, strerror(errno));
            err = LD_ERR_IO;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == sizeof buf - 1)
            break;
    }
    buf[len] = '\0';
    if (len > LD_BOOT_ID_LEN + 1 || len < LD_BOOT_ID_LEN || !starts_with_boot_id(buf) ||
        (len == LD_BOOT_ID_LEN + 1 && buf[LD_BOOT_ID_LEN] != '\n')) {
        set_msg(msg, msglen, "clock: %s: not a boot id (8-4-4-4-12 hex digits on one line)", path);
        err = LD_ERR_CORRUPT;
        goto out;
    }
    for (int i = 0; i < LD_BOOT_ID_LEN; i++)
        out[i] = (buf[i] >= 'A' && buf[i] <= 'F') ? (char)(buf[i] - 'A' + 'a') : buf[i];
    out[LD_BOOT_ID_LEN] = '\0';
out:
    close(fd);
    return err;
}

ld_err ld_clock_read(const struct ld_clock_source *src, int64_t last_event_ms,
                     struct ld_clock_reading *out, char *msg, size_t msglen)
{
    struct ld_clock_reading r = {0};
    bool synced = false;

    if (!out) {
        set_msg(msg, msglen, "clock: no reading to fill");
        return LD_ERR_INVALID;
    }
    if (!src)
        src = ld_clock_system_source();
    if (!src->read_realtime || !src->read_boottime || !src->read_sync_status ||
        !src->read_boot_id) {
        set_msg(msg, msglen, "clock: the clock source lacks a function");
        return LD_ERR_INVALID;
    }
    /* The two clocks are read back to back: a repair relies on them describing one instant. */
    if (src->read_boottime(src->ctx, &r.mono_ms, msg, msglen) != LD_OK)
        return LD_ERR_CLOCK;
    if (src->read_realtime(src->ctx, &r.utc_ms, msg, msglen) != LD_OK)
        return LD_ERR_CLOCK;
    if (r.mono_ms < 0) {
        set_msg(msg, msglen, "clock: the boot-time clock reads %" PRId64 " ms, before boot",
                r.mono_ms);
        return LD_ERR_CLOCK;
    }
    /* Neither failure below may stop an arrival being recorded; both make the reading worse. */
    if (src->read_sync_status(src->ctx, &synced, NULL, 0) != LD_OK)
        synced = false;
    if (src->read_boot_id(src->ctx, r.boot_id, NULL, 0) != LD_OK)
        r.boot_id[0] = '\0';
    r.boot_id[LD_BOOT_ID_LEN] = '\0';
    if (!is_boot_id(r.boot_id))
        r.boot_id[0] = '\0';
    int64_t floor_ms = src->floor_ms ? src->floor_ms : ld_clock_build_ms();
    r.state = ld_clock_assess(r.utc_ms, synced, last_event_ms, floor_ms);
    *out = r;
    return LD_OK;
}

ld_err ld_clock_repair(int64_t bad_mono_ms, const char *bad_boot_id,
                       const struct ld_clock_reading *good, int64_t *utc_ms, char *msg,
                       size_t msglen)
{
    int64_t elapsed, fixed;

    if (!good || !utc_ms) {
        set_msg(msg, msglen, "clock repair: no reading or no result given");
        return LD_ERR_INVALID;
    }
    if (good->state != LD_CLOCK_OK) {
        set_msg(msg, msglen, "clock repair: the clock is still not good (%s)",
                ld_clock_state_name(good->state));
        return LD_ERR_STATE;
    }
    if (!is_boot_id(bad_boot_id)) {
        set_msg(msg, msglen,
                "clock repair: the event has no boot id, so its time cannot be recovered");
        return LD_ERR_CLOCK;
    }
    if (!is_boot_id(good->boot_id)) {
        set_msg(msg, msglen,
                "clock repair: this boot's id is unknown, so the event's time cannot be recovered");
        return LD_ERR_CLOCK;
    }
    if (strcasecmp(bad_boot_id, good->boot_id) != 0) {
        set_msg(msg, msglen,
                "clock repair: the event was recorded in an earlier boot (%s, now %s), so its "
                "time cannot be recovered from the monotonic clock",
                bad_boot_id, good->boot_id);
        return LD_ERR_CLOCK;
    }
    if (bad_mono_ms < 0 || bad_mono_ms > good->mono_ms) {
        set_msg(msg, msglen,
                "clock repair: the event's monotonic time %" PRId64 " ms is not between boot "
                "and now (%" PRId64 " ms)",
                bad_mono_ms, good->mono_ms);
        return LD_ERR_CLOCK;
    }
    elapsed = good->mono_ms - bad_mono_ms;
    if (__builtin_sub_overflow(good->utc_ms, elapsed, &fixed)) {
        set_msg(msg, msglen, "clock repair: the corrected time is out of range");
        return LD_ERR_RANGE;
    }
    *utc_ms = fixed;
    return LD_OK;
}

const char *ld_clock_state_name(enum ld_clock_state state)
{
    switch (state) {
    case LD_CLOCK_OK:
        return "ok";
    case LD_CLOCK_UNSYNCED:
        return "unsynchronised";
    case LD_CLOCK_BEHIND:
        return "behind last event";
    case LD_CLOCK_BEFORE_BUILD:
        return "before build date";
    }
    return "unknown";
}
