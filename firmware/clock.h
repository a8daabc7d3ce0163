/* clock.h: wall-clock readings with their health, the school's local time, and time repair. */
#ifndef LD_CLOCK_H
#define LD_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_date.h"
#include "ld_err.h"

/*
 * Instants are UTC integer milliseconds since 1970-01-01T00:00:00Z (int64_t, leap seconds not
 * counted, as CLOCK_REALTIME). The monotonic time is CLOCK_BOOTTIME in milliseconds: it starts
 * near zero at boot, never jumps, and keeps counting through suspend, so two readings of the
 * same boot (same boot id) are exactly that far apart whatever NTP does to the wall clock.
 */

/*
 * How far the wall clock can be trusted. When several apply, a reading carries the most severe
 * one, in this order: BEFORE_BUILD (certainly wrong, by a lot), BEHIND (certainly wrong),
 * UNSYNCED (probably wrong). Shared with the store, hence the guard.
 */
#ifndef LD_CLOCK_STATE_DEFINED
#define LD_CLOCK_STATE_DEFINED
enum ld_clock_state {
    LD_CLOCK_OK = 0,      /* synchronised, after the build date and not behind the last event */
    LD_CLOCK_UNSYNCED,    /* the kernel says the clock is unsynchronised (no NTP yet, no RTC) */
    LD_CLOCK_BEHIND,      /* it reads earlier than the last event recorded */
    LD_CLOCK_BEFORE_BUILD /* it reads earlier than this program was built */
};
#endif

/* Characters of a boot id ("28d95a18-f3f0-423e-8803-af0def8d5fd8"), and its buffer size. */
#define LD_BOOT_ID_LEN  36
#define LD_BOOT_ID_SIZE (LD_BOOT_ID_LEN + 1)

/* Pass as last_event_ms when no event has been recorded yet. */
#define LD_CLOCK_NO_EVENT INT64_MIN

/* The system's time-zone database, used by ld_tz_open. */
#define LD_TZ_ROOT "/usr/share/zoneinfo"

/* One look at the clocks, taken by ld_clock_read. */
struct ld_clock_reading {
    int64_t utc_ms;                /* CLOCK_REALTIME: UTC milliseconds, maybe wrong (see state) */
    int64_t mono_ms;               /* CLOCK_BOOTTIME: milliseconds since boot, through suspend */
    char boot_id[LD_BOOT_ID_SIZE]; /* this boot's id; "" when it could not be read */
    enum ld_clock_state state;     /* how far utc_ms can be trusted */
};

/*
 * Where readings come from: the kernel (ld_clock_system_source) or a test double that can play
 * a Pi booted in 1970 with no RTC. Each function returns LD_OK and fills its out-parameter, or
 * an error with a message naming the place in msg (which may be NULL). ctx is passed to each.
 */
struct ld_clock_source {
    ld_err (*read_realtime)(void *ctx, int64_t *utc_ms, char *msg, size_t msglen);
    ld_err (*read_boottime)(void *ctx, int64_t *mono_ms, char *msg, size_t msglen);
    /* Sets *synced to false when the kernel reports the clock unsynchronised. */
    ld_err (*read_sync_status)(void *ctx, bool *synced, char *msg, size_t msglen);
    /* Writes the 36-character boot id and its terminator. */
    ld_err (*read_boot_id)(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t msglen);
    void *ctx;
    /*
     * Readings earlier than this UTC instant are certainly wrong (LD_CLOCK_BEFORE_BUILD). 0, as
     * in the kernel's source, means this program's build time (ld_clock_build_ms());
     * LD_CLOCK_NO_FLOOR means none: a source whose times are given on purpose (`tap --at`), and
     * tests replaying a fixed school year whatever the date they are built on.
     */
    int64_t floor_ms;
};

#define LD_CLOCK_NO_FLOOR INT64_MIN

/*
 * Returns the source that reads the kernel: clock_gettime(CLOCK_REALTIME and CLOCK_BOOTTIME),
 * ntp_adjtime() (unsynchronised when it returns TIME_ERROR or sets STA_UNSYNC) and
 * /proc/sys/kernel/random/boot_id. The result is a constant; never NULL.
 */
const struct ld_clock_source *ld_clock_system_source(void);

/* Returns the build time in UTC milliseconds (LD_BUILD_EPOCH_MS, fixed when CMake configured). */
int64_t ld_clock_build_ms(void);

/*
 * Returns the health of a wall-clock reading utc_ms: BEFORE_BUILD when it is earlier than
 * build_ms, else BEHIND when it is earlier than last_event_ms (LD_CLOCK_NO_EVENT for none),
 * else UNSYNCED when synced is false, else OK. Pure; ld_clock_read uses it.
 */
enum ld_clock_state ld_clock_assess(int64_t utc_ms, bool synced, int64_t last_event_ms,
                                    int64_t build_ms);

/* How far ahead of the clock a time typed by hand may be: a few minutes of drift, no more. */
#define LD_CLOCK_GIVEN_AHEAD_MS (5 * 60 * 1000)

/*
 * Checks a time given by hand (`latedoor tap --at`) before anything uses it. Returns
 * LD_ERR_RANGE, with msg saying which and by how much, when given_ms is before year_from_ms or
 * not before year_to_ms (the school year of the calendar), or more than LD_CLOCK_GIVEN_AHEAD_MS
 * after now_ms (the system clock). Pure. Such times are never readings of the clock: the store
 * leaves events from the command line out of the clock's floor (ld_store_last_event_ms).
 */
ld_err ld_clock_check_given(int64_t given_ms, int64_t now_ms, int64_t year_from_ms,
                            int64_t year_to_ms, char *msg, size_t msglen) LD_MUST_CHECK;

/*
 * Reads the clocks from src (NULL means the system source) into *out and assesses them against
 * last_event_ms (the UTC time of the last event recorded, or LD_CLOCK_NO_EVENT) and the build
 * time. A bad clock is not an error: the reading is returned with its state, so the arrival
 * can still be recorded and repaired later. A sync status that cannot be read counts as
 * unsynchronised; a boot id that cannot be read is left "" (such a reading cannot be repaired).
 * Returns LD_ERR_CLOCK when the realtime or boot-time clock cannot be read at all, and
 * LD_ERR_INVALID for a NULL out or a source missing a function; *out is then untouched.
 */
ld_err ld_clock_read(const struct ld_clock_source *src, int64_t last_event_ms,
                     struct ld_clock_reading *out, char *msg, size_t msglen) LD_MUST_CHECK;

/*
 * Reads a boot id from the file at path (one line, 8-4-4-4-12 hex digits, as the kernel writes
 * /proc/sys/kernel/random/boot_id) into out, lower-cased. Returns LD_ERR_IO when the file cannot
 * be read and LD_ERR_CORRUPT when it does not hold a boot id; out is then untouched.
 */
ld_err ld_clock_boot_id_from_file(const char *path, char out[LD_BOOT_ID_SIZE], char *msg,
                                  size_t msglen) LD_MUST_CHECK;

/*
 * Computes when an event recorded with a bad clock really happened: good->utc_ms minus the
 * monotonic time elapsed since the event, good->mono_ms - bad_mono_ms, which includes any
 * suspend. good must be a reading taken now with state LD_CLOCK_OK (else LD_ERR_STATE: try
 * again later). Returns LD_ERR_CLOCK when the time cannot be recovered from the monotonic
 * clock (the boot ids differ or are missing, or bad_mono_ms is later than good->mono_ms): the
 * caller flags the event for staff. *utc_ms is written only on LD_OK.
 */
ld_err ld_clock_repair(int64_t bad_mono_ms, const char *bad_boot_id,
                       const struct ld_clock_reading *good, int64_t *utc_ms, char *msg,
                       size_t msglen) LD_MUST_CHECK;

/*
 * Returns a short constant English name of state for logs and the staff screen: "ok",
 * "unsynchronised", "behind last event", "before build date" ("unknown" for anything else).
 */
const char *ld_clock_state_name(enum ld_clock_state state);

/*
 * A time zone read from a TZif file (version 2 or later) of the time-zone database: its
 * transitions, then the POSIX TZ rule in the file's footer for every instant after the last
 * transition (so years past the file's table, such as 2040, still get their summer time).
 * Opaque and immutable once open: any number of threads may use one at once.
 */
struct ld_tz;

/*
 * Opens the zone called name (such as "Europe/London") from LD_TZ_ROOT into *out, which the
 * caller frees with ld_tz_close. Same errors as ld_tz_open_at.
 */
ld_err ld_tz_open(const char *name, struct ld_tz **out, char *msg, size_t msglen) LD_MUST_CHECK;

/*
 * Opens the zone called name from the database under the directory root. Returns
 * LD_ERR_INVALID for a name that is empty, too long, absolute, holds "..", an empty component
 * or a character other than letters, digits and "._+-/"; LD_ERR_NOT_FOUND when there is no
 * such file; LD_ERR_IO when it cannot be read or is not a regular file; LD_ERR_CORRUPT when it
 * is not a well-formed TZif file within our caps; LD_ERR_UNSUPPORTED for a version 1 file or a
 * leap-second ("right/") zone; LD_ERR_NOMEM. *out is written only on LD_OK.
 */
ld_err ld_tz_open_at(const char *root, const char *name, struct ld_tz **out, char *msg,
                     size_t msglen) LD_MUST_CHECK;

/* Frees tz; NULL is allowed and does nothing. */
void ld_tz_close(struct ld_tz *tz);

/* Returns the name tz was opened with ("Europe/London"); valid until ld_tz_close. */
const char *ld_tz_name(const struct ld_tz *tz);

/*
 * Converts the instant utc_ms to the local date, minute of the day and second (0..59, the
 * milliseconds dropped) in tz; any out-pointer may be NULL. Returns LD_ERR_INVALID for a NULL
 * tz and LD_ERR_RANGE when the local date would fall outside the years 1900..9999; the
 * out-parameters are then untouched.
 */
ld_err ld_clock_to_local(const struct ld_tz *tz, int64_t utc_ms, ld_date *date, ld_minute *minute,
                         int *second) LD_MUST_CHECK;

/*
 * Converts a local date, minute of the day (0..1439) and second (0..59) in tz to the instant it
 * names, written to *utc_ms. A local time that does not exist (skipped when the clocks go
 * forward, such as 01:30 on 2026-03-29 in Europe/London) is LD_ERR_INVALID with a message that
 * says so. A local time that happens twice (when the clocks go back, such as 01:30 on 2026-10-25)
 * gives the first occurrence, the earlier instant: 01:30 BST, 00:30 UTC. Also LD_ERR_INVALID for
 * arguments out of range (dates outside 1900..9999); *utc_ms is written only on LD_OK.
 */
ld_err ld_clock_from_local(const struct ld_tz *tz, ld_date date, ld_minute minute, int second,
                           int64_t *utc_ms, char *msg, size_t msglen) LD_MUST_CHECK;

#endif
