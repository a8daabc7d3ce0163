/* test_clock.c: clock readings, their health, boot ids and time repair, with a fake kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define BOOT_A  "28d95a18-f3f0-423e-8803-af0def8d5fd8"
#define BOOT_B  "0f4c2a77-93b1-4b0e-a2a5-5d1e6c0a9b21"
#define HOUR_MS (3600 * INT64_C(1000))
#define DAY_MS  (24 * HOUR_MS)

/* ---- a fake kernel ---- */

struct fake {
    int64_t realtime, boottime;
    bool synced;
    const char *boot_id;
    bool fail_realtime, fail_boottime, fail_sync, fail_boot_id;
};

static ld_err fake_realtime(void *ctx, int64_t *ms, char *msg, size_t msglen)
{
    struct fake *f = ctx;
    if (f->fail_realtime) {
        snprintf(msg, msglen, "fake: realtime broken");
        return LD_ERR_IO;
    }
    *ms = f->realtime;
    return LD_OK;
}

static ld_err fake_boottime(void *ctx, int64_t *ms, char *msg, size_t msglen)
{
    struct fake *f = ctx;
    if (f->fail_boottime) {
        snprintf(msg, msglen, "fake: boottime broken");
        return LD_ERR_IO;
    }
    *ms = f->boottime;
    return LD_OK;
}

static ld_err fake_sync(void *ctx, bool *synced, char *msg, size_t msglen)
{
    struct fake *f = ctx;
    if (f->fail_sync)
        return LD_ERR_CLOCK;
    *synced = f->synced;
    return LD_OK;
}

static ld_err fake_boot_id(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t msglen)
{
    struct fake *f = ctx;
    if (f->fail_boot_id)
        return LD_ERR_IO;
    snprintf(out, LD_BOOT_ID_SIZE, "%s", f->boot_id);
    return LD_OK;
}

static struct ld_clock_source fake_source(struct fake *f)
{
    return (struct ld_clock_source){fake_realtime, fake_boottime, fake_sync, fake_boot_id, f, 0};
}

/* A wall-clock time a day after this build: later than the build, so not BEFORE_BUILD. */
static int64_t after_build(void)
{
    return ld_clock_build_ms() + DAY_MS;
}

/* ---- health ---- */

static void build_time_is_plausible(void **state)
{
    int64_t build = ld_clock_build_ms();
    assert_true(build > INT64_C(1735689600000)); /* 2025-01-01 */
    assert_true(build <= (int64_t)time(NULL) * 1000 + DAY_MS);
}

static void a_pi_booted_in_1970_without_rtc(void **state)
{
    struct fake f = {.realtime = 4200, .boottime = 4100, .synced = false, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading r;
    char msg[200] = "";
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEFORE_BUILD);
    assert_int_equal(r.utc_ms, 4200);
    assert_int_equal(r.mono_ms, 4100);
    assert_string_equal(r.boot_id, BOOT_A);
    /* Even synchronised, 1970 is before the build. */
    f.synced = true;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEFORE_BUILD);
}

static void a_source_sets_its_own_floor(void **state)
{
    /* 2026-09-01T00:00Z, before this build: a source may say where certainly-wrong begins. */
    struct fake f = {
        .realtime = INT64_C(1788220800000), .boottime = 9000, .synced = true, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading r;
    src.floor_ms = f.realtime + 1;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEFORE_BUILD);
    src.floor_ms = f.realtime;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_OK);
    /* No floor at all: even 1970 passes this check (the others still apply). */
    src.floor_ms = LD_CLOCK_NO_FLOOR;
    f.realtime = 4200;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_OK);
    assert_int_equal(ld_clock_read(&src, 5000, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEHIND);
    /* 0, the default, is the build time. */
    src.floor_ms = 0;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEFORE_BUILD);
}

/* Issue 12: a time typed by hand must fall in the school year and not run ahead of the clock. */
static void a_given_time_is_checked(void **state)
{
    const int64_t from = 1000000, to = 9000000000, now = 5000000000;
    char msg[160];
    assert_int_equal(ld_clock_check_given(now - 1, now, from, to, msg, sizeof msg), LD_OK);
    assert_int_equal(
        ld_clock_check_given(now + LD_CLOCK_GIVEN_AHEAD_MS, now, from, to, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_clock_check_given(now + 360000, now, from, to, msg, sizeof msg),
                     LD_ERR_RANGE);
    assert_non_null(strstr(msg, "6 minutes ahead"));
    assert_int_equal(ld_clock_check_given(from - 1, now, from, to, msg, sizeof msg), LD_ERR_RANGE);
    assert_non_null(strstr(msg, "outside the school year"));
    assert_int_equal(ld_clock_check_given(to, INT64_MAX, from, to, msg, sizeof msg), LD_ERR_RANGE);
}

static void unsynchronised(void **state)
{
    struct fake f = {
        .realtime = after_build(), .boottime = 9000, .synced = false, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading r;
    assert_int_equal(ld_clock_read(&src, f.realtime - 1, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_UNSYNCED);
    /* A sync status that cannot be read is taken as unsynchronised. */
    f.synced = true;
    f.fail_sync = true;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_UNSYNCED);
}

static void behind_the_last_event(void **state)
{
    struct fake f = {
        .realtime = after_build(), .boottime = 9000, .synced = true, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading r;
    assert_int_equal(ld_clock_read(&src, f.realtime + 1, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEHIND);
    /* The same millisecond as the last event is not behind it. */
    assert_int_equal(ld_clock_read(&src, f.realtime, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_OK);
    /* Behind outranks unsynchronised. */
    f.synced = false;
    assert_int_equal(ld_clock_read(&src, f.realtime + HOUR_MS, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_BEHIND);
}

static void ok(void **state)
{
    struct fake f = {
        .realtime = after_build(), .boottime = 9000, .synced = true, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading r;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, NULL, 0), LD_OK);
    assert_int_equal(r.state, LD_CLOCK_OK);
    assert_int_equal(r.utc_ms, f.realtime);
    assert_int_equal(r.mono_ms, 9000);
    assert_string_equal(r.boot_id, BOOT_A);
}

static void assess_orders_the_states(void **state)
{
    int64_t b = 1000000;
    assert_int_equal(ld_clock_assess(b - 1, false, b + 5, b), LD_CLOCK_BEFORE_BUILD);
    assert_int_equal(ld_clock_assess(b, false, b + 5, b), LD_CLOCK_BEHIND);
    assert_int_equal(ld_clock_assess(b + 5, false, b + 5, b), LD_CLOCK_UNSYNCED);
    assert_int_equal(ld_clock_assess(b + 5, true, b + 5, b), LD_CLOCK_OK);
    assert_int_equal(ld_clock_assess(b, true, LD_CLOCK_NO_EVENT, b), LD_CLOCK_OK);
}

static void source_failures(void **state)
{
    struct fake f = {
        .realtime = after_build(), .boottime = 9000, .synced = true, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading r, untouched;
    char msg[200];
    memset(&r, 0x5a, sizeof r);
    untouched = r;

    f.fail_realtime = true;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_ERR_CLOCK);
    assert_string_equal(msg, "fake: realtime broken");
    assert_memory_equal(&r, &untouched, sizeof r);
    f.fail_realtime = false;

    f.fail_boottime = true;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_ERR_CLOCK);
    assert_string_equal(msg, "fake: boottime broken");
    f.fail_boottime = false;

    f.boottime = -5;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_ERR_CLOCK);
    assert_non_null(strstr(msg, "before boot"));
    assert_memory_equal(&r, &untouched, sizeof r);
    f.boottime = 9000;

    /* A missing or malformed boot id is recorded as "", not a failure. */
    f.fail_boot_id = true;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_OK);
    assert_string_equal(r.boot_id, "");
    f.fail_boot_id = false;
    f.boot_id = "not-a-boot-id";
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_OK);
    assert_string_equal(r.boot_id, "");

    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, NULL, msg, sizeof msg), LD_ERR_INVALID);
    src.read_sync_status = NULL;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &r, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "lacks a function"));
}

static void the_system_source(void **state)
{
    struct ld_clock_reading a, b;
    char msg[200] = "";
    char id[LD_BOOT_ID_SIZE];
    int64_t before = (int64_t)time(NULL) * 1000;
    assert_int_equal(ld_clock_read(NULL, LD_CLOCK_NO_EVENT, &a, msg, sizeof msg), LD_OK);
    assert_int_equal(
        ld_clock_read(ld_clock_system_source(), LD_CLOCK_NO_EVENT, &b, msg, sizeof msg), LD_OK);
    int64_t after = (int64_t)time(NULL) * 1000 + 1000;
    assert_true(a.utc_ms >= before && a.utc_ms <= after);
    assert_true(a.mono_ms > 0 && b.mono_ms >= a.mono_ms);
    assert_int_equal(
        ld_clock_boot_id_from_file("/proc/sys/kernel/random/boot_id", id, msg, sizeof msg), LD_OK);
    assert_string_equal(a.boot_id, id);
    assert_string_equal(b.boot_id, id);
    /* Whatever this machine's NTP says, the state is one of the four. */
    assert_true(a.state >= LD_CLOCK_OK && a.state <= LD_CLOCK_BEFORE_BUILD);
}

/* ---- boot id files ---- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ld-clock-test-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    char path[128];
    snprintf(path, sizeof path, "%s/boot_id", tmpdir);
    unlink(path);
    return rmdir(tmpdir);
}

static ld_err boot_id_of(const char *content, char out[LD_BOOT_ID_SIZE], char *msg, size_t msglen)
{
    char path[128];
    snprintf(path, sizeof path, "%s/boot_id", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(content, f) >= 0);
    assert_int_equal(fclose(f), 0);
    return ld_clock_boot_id_from_file(path, out, msg, msglen);
}

static void boot_id_files(void **state)
{
    char id[LD_BOOT_ID_SIZE] = "untouched";
    char msg[200];
    assert_int_equal(boot_id_of(BOOT_A "\n", id, msg, sizeof msg), LD_OK);
    assert_string_equal(id, BOOT_A);
    assert_int_equal(boot_id_of(BOOT_B, id, msg, sizeof msg), LD_OK);
    assert_string_equal(id, BOOT_B);
    assert_int_equal(boot_id_of("28D95A18-F3F0-423E-8803-AF0DEF8D5FD8\n", id, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(id, BOOT_A); /* lower-cased */

    const char *bad[] = {"",
                         "\n",
                         "28d95a18-f3f0-423e-8803-af0def8d5fd\n",
                         "28d95a18-f3f0-423e-8803-af0def8d5fd8x\n",
                         "28d95a18f3f0-423e-8803-af0def8d5fd8a\n",
                         "28d95a18-f3f0-423e-8803-af0def8d5fg8\n",
                         BOOT_A "\n" BOOT_A "\n",
                         BOOT_A "\r\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(id, "untouched");
        msg[0] = '\0';
        assert_int_equal(boot_id_of(bad[i], id, msg, sizeof msg), LD_ERR_CORRUPT);
        assert_string_equal(id, "untouched");
        assert_non_null(strstr(msg, "not a boot id"));
    }
    assert_int_equal(ld_clock_boot_id_from_file("/nonexistent/boot_id", id, msg, sizeof msg),
                     LD_ERR_IO);
    assert_non_null(strstr(msg, "/nonexistent/boot_id"));
}

/* ---- repair ---- */

static struct ld_clock_reading good_reading(int64_t utc_ms, int64_t mono_ms, const char *boot)
{
    struct ld_clock_reading r = {.utc_ms = utc_ms, .mono_ms = mono_ms, .state = LD_CLOCK_OK};
    snprintf(r.boot_id, sizeof r.boot_id, "%s", boot);
    return r;
}

static void repair_in_the_same_boot(void **state)
{
    int64_t now = INT64_C(1790000000000); /* 2026-09-21 */
    struct ld_clock_reading good = good_reading(now, 70000, BOOT_A);
    int64_t fixed = 0;
    char msg[200];
    assert_int_equal(ld_clock_repair(10000, BOOT_A, &good, &fixed, msg, sizeof msg), LD_OK);
    assert_int_equal(fixed, now - 60000);
    /* An event at this very moment. */
    assert_int_equal(ld_clock_repair(70000, BOOT_A, &good, &fixed, msg, sizeof msg), LD_OK);
    assert_int_equal(fixed, now);
    /* Boot ids compare without regard to case. */
    assert_int_equal(ld_clock_repair(10000, "28D95A18-F3F0-423E-8803-AF0DEF8D5FD8", &good, &fixed,
                                     msg, sizeof msg),
                     LD_OK);
    assert_int_equal(fixed, now - 60000);
}

static void repair_across_a_suspend(void **state)
{
    /* Tapped 1 s after boot; the kiosk then slept 14 h (CLOCK_BOOTTIME counts it) and woke. */
    int64_t mono_event = 1000;
    int64_t mono_now = mono_event + 14 * HOUR_MS + 2500;
    int64_t now = INT64_C(1790000000000);
    struct ld_clock_reading good = good_reading(now, mono_now, BOOT_A);
    int64_t fixed = 0;
    assert_int_equal(ld_clock_repair(mono_event, BOOT_A, &good, &fixed, NULL, 0), LD_OK);
    assert_int_equal(fixed, now - 14 * HOUR_MS - 2500);
}

static void a_whole_day_without_rtc(void **state)
{
    /* Booted in 1970: the tap is recorded as it is, bad clock and all. */
    struct fake f = {.realtime = 63000, .boottime = 61000, .synced = false, .boot_id = BOOT_A};
    struct ld_clock_source src = fake_source(&f);
    struct ld_clock_reading tap, now;
    int64_t fixed = 0;
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &tap, NULL, 0), LD_OK);
    assert_int_equal(tap.state, LD_CLOCK_BEFORE_BUILD);

    /* Not yet synchronised: no repair. */
    assert_int_equal(ld_clock_read(&src, LD_CLOCK_NO_EVENT, &now, NULL, 0), LD_OK);
    assert_int_equal(ld_clock_repair(tap.mono_ms, tap.boot_id, &now, &fixed, NULL, 0),
                     LD_ERR_STATE);

    /* NTP arrives 5 minutes later and steps the clock to the real time. */
    f.boottime += 5 * 60 * 1000;
    f.realtime = after_build();
    f.synced = true;
    assert_int_equal(ld_clock_read(&src, tap.utc_ms, &now, NULL, 0), LD_OK);
    assert_int_equal(now.state, LD_CLOCK_OK);
    assert_int_equal(ld_clock_repair(tap.mono_ms, tap.boot_id, &now, &fixed, NULL, 0), LD_OK);
    assert_int_equal(fixed, after_build() - 5 * 60 * 1000);
}

static void repairs_refused(void **state)
{
    struct ld_clock_reading good = good_reading(INT64_C(1790000000000), 70000, BOOT_A);
    int64_t fixed = 42;
    char msg[300];

    /* Another boot: the monotonic clock restarted, so the gap is unknown. */
    assert_int_equal(ld_clock_repair(10000, BOOT_B, &good, &fixed, msg, sizeof msg), LD_ERR_CLOCK);
    assert_non_null(strstr(msg, "earlier boot"));
    assert_non_null(strstr(msg, BOOT_B));
    assert_int_equal(fixed, 42);

    assert_int_equal(ld_clock_repair(10000, "", &good, &fixed, msg, sizeof msg), LD_ERR_CLOCK);
    assert_non_null(strstr(msg, "no boot id"));
    assert_int_equal(ld_clock_repair(10000, NULL, &good, &fixed, msg, sizeof msg), LD_ERR_CLOCK);

    /* The event's monotonic time is after now, or before boot. */
    assert_int_equal(ld_clock_repair(70001, BOOT_A, &good, &fixed, msg, sizeof msg), LD_ERR_CLOCK);
    assert_non_null(strstr(msg, "70001"));
    assert_int_equal(ld_clock_repair(-1, BOOT_A, &good, &fixed, msg, sizeof msg), LD_ERR_CLOCK);

    /* This boot's id unknown. */
    struct ld_clock_reading noid = good_reading(INT64_C(1790000000000), 70000, "");
    assert_int_equal(ld_clock_repair(10000, BOOT_A, &noid, &fixed, msg, sizeof msg), LD_ERR_CLOCK);

    /* The "good" reading is not good. */
    for (int s = LD_CLOCK_UNSYNCED; s <= LD_CLOCK_BEFORE_BUILD; s++) {
        struct ld_clock_reading bad = good;
        bad.state = (enum ld_clock_state)s;
        assert_int_equal(ld_clock_repair(10000, BOOT_A, &bad, &fixed, msg, sizeof msg),
                         LD_ERR_STATE);
        assert_non_null(strstr(msg, ld_clock_state_name(bad.state)));
    }

    /* Out of range, and missing arguments. */
    struct ld_clock_reading low = good_reading(INT64_MIN + 5, 70000, BOOT_A);
    assert_int_equal(ld_clock_repair(0, BOOT_A, &low, &fixed, msg, sizeof msg), LD_ERR_RANGE);
    assert_int_equal(ld_clock_repair(0, BOOT_A, NULL, &fixed, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_clock_repair(0, BOOT_A, &good, NULL, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(fixed, 42);
}

static void state_names(void **state)
{
    assert_string_equal(ld_clock_state_name(LD_CLOCK_OK), "ok");
    assert_string_equal(ld_clock_state_name(LD_CLOCK_UNSYNCED), "unsynchronised");
    assert_string_equal(ld_clock_state_name(LD_CLOCK_BEHIND), "behind last event");
    assert_string_equal(ld_clock_state_name(LD_CLOCK_BEFORE_BUILD), "before build date");
    assert_string_equal(ld_clock_state_name((enum ld_clock_state)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(build_time_is_plausible),
        cmocka_unit_test(a_pi_booted_in_1970_without_rtc),
        cmocka_unit_test(a_source_sets_its_own_floor),
        cmocka_unit_test(unsynchronised),
        cmocka_unit_test(a_given_time_is_checked),
        cmocka_unit_test(behind_the_last_event),
        cmocka_unit_test(ok),
        cmocka_unit_test(assess_orders_the_states),
        cmocka_unit_test(source_failures),
        cmocka_unit_test(the_system_source),
        cmocka_unit_test_setup_teardown(boot_id_files, make_tmpdir, remove_tmpdir),
        cmocka_unit_test(repair_in_the_same_boot),
        cmocka_unit_test(repair_across_a_suspend),
        cmocka_unit_test(a_whole_day_without_rtc),
        cmocka_unit_test(repairs_refused),
        cmocka_unit_test(state_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
