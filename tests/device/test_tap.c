/* test_tap.c: the tap pipeline on a real store: marks, BST, duplicates, unknown cards, repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

/* A clock the test sets: wall time, sync flag, monotonic time and boot id. */
struct fake_clock {
    int64_t utc_ms, mono_ms;
    bool synced;
    char boot_id[LD_BOOT_ID_SIZE];
};

static ld_err fake_realtime(void *ctx, int64_t *v, char *msg, size_t n)
{
    *v = ((struct fake_clock *)ctx)->utc_ms;
    return LD_OK;
}
static ld_err fake_boottime(void *ctx, int64_t *v, char *msg, size_t n)
{
    *v = ((struct fake_clock *)ctx)->mono_ms;
    return LD_OK;
}
static ld_err fake_sync(void *ctx, bool *v, char *msg, size_t n)
{
    *v = ((struct fake_clock *)ctx)->synced;
    return LD_OK;
}
static ld_err fake_boot_id(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t n)
{
    memcpy(out, ((struct fake_clock *)ctx)->boot_id, LD_BOOT_ID_SIZE);
    return LD_OK;
}

struct fixture {
    char dir[64], ini[96], db[96];
    struct ld_device dev;
    struct ld_store *store;
    struct fake_clock clock;
    struct ld_clock_source src;
    struct ld_tap tap;
    char msg[512];
};

/* The demo pupil Tomás Brennan (class R) and his card, from assets/demo/roster.csv. */
#define TOMAS_UPN  "C873214726123"
#define TOMAS_CARD "0426C73B4940C6"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/ld-tap-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->ini, sizeof f->ini, "%s/school.ini", f->dir);
    snprintf(f->db, sizeof f->db, "%s/device.db", f->dir);
    char text[1024];
    snprintf(text, sizeof text,
             "[school]\nname = Hollybrook Primary School\n[device]\nid = door-1\n"
             "[reasons]\nMedical appointment = -, M\nOverslept = -, -\n"
             "[reader]\ndriver = none\n[paths]\ncalendar = %s/../assets/demo/calendar.ini\n"
             "store = %s\n",
             LD_TEST_DATA, f->db);
    write_file(f->ini, text);
    assert_int_equal(ld_device_load(f->ini, &f->dev, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_store_create(f->db, "door-1", NULL, &f->store, f->msg, sizeof f->msg),
                     LD_OK);
    struct ld_roster roster = {0};
    assert_int_equal(ld_roster_parse_csv(LD_TEST_DATA "/../assets/demo/roster.csv", &roster, NULL,
                                         f->msg, sizeof f->msg),
                     LD_OK);
    assert_int_equal(ld_store_import_roster(f->store, &roster, NULL, f->msg, sizeof f->msg), LD_OK);
    ld_roster_free(&roster);
    f->clock = (struct fake_clock){.mono_ms = 1000000, .synced = true};
    strcpy(f->clock.boot_id, "28d95a18-f3f0-423e-8803-af0def8d5fd8");
    /* The demo calendar's year whenever this test is built: the floor is 1 August 2026. */
    f->src = (struct ld_clock_source){.read_realtime = fake_realtime,
                                      .read_boottime = fake_boottime,
                                      .read_sync_status = fake_sync,
                                      .read_boot_id = fake_boot_id,
                                      .ctx = &f->clock,
                                      .floor_ms = INT64_C(1785542400000)};
    f->tap = (struct ld_tap){.store = f->store, .dev = &f->dev, .clock = &f->src};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ld_store_close(f->store);
    ld_device_free(&f->dev);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Loads the device again with the calendar text instead of the demo's (same school.ini). */
static void use_calendar(struct fixture *f, const char *calendar)
{
    char cal[128], ini[128], text[1024];
    snprintf(cal, sizeof cal, "%s/calendar.ini", f->dir);
    snprintf(ini, sizeof ini, "%s/school2.ini", f->dir);
    write_file(cal, calendar);
    snprintf(text, sizeof text,
             "[school]\nname = Hollybrook Primary School\n[device]\nid = door-1\n"
             "[reasons]\nMedical appointment = -, M\nOverslept = -, -\n"
             "[reader]\ndriver = none\n[paths]\ncalendar = %s\nstore = %s\n",
             cal, f->db);
    write_file(ini, text);
    ld_device_free(&f->dev);
    assert_int_equal(ld_device_load(ini, &f->dev, f->msg, sizeof f->msg), LD_OK);
}

/* Sets the fake clock to a local time in Europe/London ("2026-11-23T09:07"). */
static void at_local(struct fixture *f, const char *when)
{
    ld_date d;
    ld_minute m;
    assert_true(ld_datetime_parse(when, &d, &m));
    assert_int_equal(ld_clock_from_local(f->dev.tz, d, m, 0, &f->clock.utc_ms, NULL, 0), LD_OK);
    f->clock.mono_ms += 60000;
}

static uint64_t count_events(struct fixture *f, unsigned kinds)
{
    struct ld_event_filter filter = {.kinds = kinds};
    uint64_t n = 0;
    assert_int_equal(ld_store_events_count(f->store, &filter, &n, f->msg, sizeof f->msg), LD_OK);
    return n;
}

static void tap_card(struct fixture *f, const char *hex, struct ld_tap_result *r)
{
    struct ld_uid uid;
    assert_true(ld_uid_parse(hex, &uid));
    assert_int_equal(ld_tap_card(&f->tap, &uid, LD_SRC_CARD, r, f->msg, sizeof f->msg), LD_OK);
}

static void late_tap_then_already_signed_in(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    at_local(f, "2026-11-23T09:07");
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_SIGNED_IN);
    assert_string_equal(r.pupil.upn, TOMAS_UPN);
    assert_int_equal(r.mark.code, LD_CODE_L);
    assert_int_equal(r.mark.minutes_late, 17);
    assert_int_equal(r.event.seq, 1);
    assert_string_equal(r.event.card, TOMAS_CARD);
    assert_int_equal(r.clock, LD_CLOCK_OK);

    at_local(f, "2026-11-23T10:30"); /* later that morning */
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_ALREADY);
    assert_int_equal(r.minute, 9 * 60 + 7); /* the earlier time */
    assert_int_equal(count_events(f, 1u << LD_EV_ARRIVAL), 1);

    at_local(f, "2026-11-23T13:10"); /* the afternoon is another session */
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_SIGNED_IN);
    assert_int_equal(r.mark.session, LD_PM);
    at_local(f, "2026-11-24T09:25"); /* the next day */
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_SIGNED_IN);
    assert_int_equal(r.mark.code, LD_CODE_U);
    assert_int_equal(count_events(f, 1u << LD_EV_ARRIVAL), 3);
}

/* 08:59 and 09:01 local on days either side of both clock changes of 2026. */
static void either_side_of_the_clock_changes(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *day;
        int utc_offset_h; /* local = UTC + offset */
    } days[] = {{"2026-03-27", 0}, {"2026-03-30", 1}, {"2026-10-23", 1}, {"2026-10-26", 0}};
    /* School days on both sides of both changes (the demo year has holidays there). */
    use_calendar(f, "[terms]\nSpring = 2026-03-02 .. 2026-04-03\nSummer = 2026-06-01 .. "
                    "2026-06-05\nAutumn = 2026-10-19 .. 2026-12-18\n");
    for (size_t i = 0; i < 4; i++) {
        char when[32];
        struct ld_tap_result r;
        snprintf(when, sizeof when, "%sT08:59", days[i].day);
        at_local(f, when);
        assert_int_equal(
            ld_tap_pupil(&f->tap, TOMAS_UPN, LD_SRC_TOUCH, NULL, NULL, &r, f->msg, sizeof f->msg),
            LD_OK);
        assert_int_equal(r.status, LD_TAP_SIGNED_IN);
        assert_int_equal(r.minute, 8 * 60 + 59);
        assert_int_equal(r.mark.code, LD_CODE_L); /* the register starts at 08:50 */
        assert_int_equal(r.mark.minutes_late, 9);
        /* The instant stored is UTC: 08:59 local is 07:59 UTC in summer time. */
        ld_date d;
        assert_true(ld_date_parse(days[i].day, &d));
        int64_t want = ((int64_t)d * 86400 + (8 * 60 + 59 - days[i].utc_offset_h * 60) * 60) * 1000;
        assert_int_equal(r.event.at_ms, want);

        snprintf(when, sizeof when, "%sT13:01", days[i].day);
        at_local(f, when);
        assert_int_equal(
            ld_tap_pupil(&f->tap, TOMAS_UPN, LD_SRC_TOUCH, NULL, NULL, &r, f->msg, sizeof f->msg),
            LD_OK);
        assert_int_equal(r.mark.code, LD_CODE_L);
        assert_int_equal(r.mark.minutes_late, 1);
    }
    /* And the register edge itself, one winter and one summer day. */
    struct ld_tap_result r;
    at_local(f, "2026-06-01T09:20");
    assert_int_equal(
        ld_tap_pupil(&f->tap, TOMAS_UPN, LD_SRC_TOUCH, NULL, NULL, &r, f->msg, sizeof f->msg),
        LD_OK);
    assert_int_equal(r.mark.code, LD_CODE_L);
    at_local(f, "2026-12-01T09:21");
    assert_int_equal(
        ld_tap_pupil(&f->tap, TOMAS_UPN, LD_SRC_TOUCH, NULL, NULL, &r, f->msg, sizeof f->msg),
        LD_OK);
    assert_int_equal(r.mark.code, LD_CODE_U);
}

static void unknown_card_is_kept_for_enrolment(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    at_local(f, "2026-11-23T09:02");
    tap_card(f, "04:de:ad:be:ef:00:01", &r);
    assert_int_equal(r.status, LD_TAP_UNKNOWN_CARD);
    assert_string_equal(r.event.card, "04DEADBEEF0001");
    assert_int_equal(count_events(f, 1u << LD_EV_UNKNOWN_CARD), 1);
    assert_int_equal(count_events(f, 1u << LD_EV_ARRIVAL), 0);
}

static void staff_card_records_nothing(void **state)
{
    struct fixture *f = *state;
    struct ld_staff s = {.id = "jsmith",
                         .name = "Ms Smith",
                         .card = "A1B2C3D4",
                         .role = LD_ROLE_STAFF,
                         .active = true};
    assert_int_equal(ld_store_staff_put(f->store, &s, f->msg, sizeof f->msg), LD_OK);
    struct ld_tap_result r;
    at_local(f, "2026-11-23T09:02");
    tap_card(f, "A1B2C3D4", &r);
    assert_int_equal(r.status, LD_TAP_STAFF_CARD);
    assert_string_equal(r.staff.id, "jsmith");
    assert_int_equal(count_events(f, 0), 0);
}

/* Issue 12: a refused reason records nothing; reasons are the school's, in any case. */
static void reasons_are_checked_before_anything_is_written(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    char long_reason[LD_REASON_MAX + 2];
    memset(long_reason, 'x', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    const char *bad[] = {long_reason, "\x1b[31mOverslept", "Over\xffslept", "Dentist"};
    at_local(f, "2026-11-23T09:12");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_err err =
            ld_tap_pupil(&f->tap, TOMAS_UPN, LD_SRC_TOUCH, bad[i], NULL, &r, f->msg, sizeof f->msg);
        assert_true(err == LD_ERR_INVALID || err == LD_ERR_RANGE);
        assert_int_equal(count_events(f, 0), 0);
    }
    assert_non_null(strstr(f->msg, "\"Medical appointment\", \"Overslept\""));

    /* Any case; the school's spelling is what is stored; "No reason given" is always there. */
    assert_int_equal(ld_tap_pupil(&f->tap, TOMAS_UPN, LD_SRC_TOUCH, "OVERSLEPT", NULL, &r, f->msg,
                                  sizeof f->msg),
                     LD_OK);
    assert_string_equal(r.event.reason, "Overslept");
    assert_int_equal(ld_tap_reason(&f->tap, &r, "", NULL, f->msg, sizeof f->msg), LD_ERR_INVALID);
    assert_int_equal(ld_tap_reason(&f->tap, &r, "Dentist", NULL, f->msg, sizeof f->msg),
                     LD_ERR_INVALID);
    assert_int_equal(count_events(f, 0), 1);
    assert_int_equal(ld_tap_reason(&f->tap, &r, "no reason GIVEN", NULL, f->msg, sizeof f->msg),
                     LD_OK);
    assert_int_equal(count_events(f, 1u << LD_EV_REASON), 1);
}

/* Issue 12: an event typed on the command line in 2062 does not poison the clock. */
static void command_line_times_do_not_move_the_floor(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    struct ld_event ev = {.kind = LD_EV_ARRIVAL, .source = LD_SRC_CLI, .upn = "A123456789012"};
    ev.at_ms = INT64_C(2931500000000); /* 2062 */
    assert_int_equal(ld_store_append_event(f->store, &ev, f->msg, sizeof f->msg), LD_OK);
    at_local(f, "2026-11-23T09:07");
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_SIGNED_IN);
    assert_int_equal(r.clock, LD_CLOCK_OK);
    size_t fixed = 9, bad = 9;
    assert_int_equal(ld_tap_repair_clock(&f->tap, &fixed, &bad, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(fixed + bad, 0);
}

/* Issue 12: an INSET day, a holiday, a weekend: the arrival is kept and nothing is marked. */
static void closed_days_record_without_a_mark(void **state)
{
    struct fixture *f = *state;
    static const char *const when[] = {"2026-11-02T09:30", "2026-10-28T09:30", "2026-11-21T09:30"};
    static const char *const label[] = {"INSET day", "holiday", "weekend"};
    for (size_t i = 0; i < 3; i++) {
        struct ld_tap_result r;
        at_local(f, when[i]);
        tap_card(f, TOMAS_CARD, &r);
        assert_int_equal(r.status, LD_TAP_SIGNED_IN);
        assert_true(r.closed_day);
        assert_string_equal(r.closed_label, label[i]);
        assert_int_equal(r.mark.code, LD_CODE_NONE);
        assert_false(r.mark.late);
    }
    assert_int_equal(count_events(f, 1u << LD_EV_ARRIVAL), 3);
    struct ld_tap_result r;
    at_local(f, "2026-11-23T09:30");
    tap_card(f, TOMAS_CARD, &r);
    assert_false(r.closed_day);
    assert_int_equal(r.mark.code, LD_CODE_U);
}

static void reason_changes_the_mark(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    at_local(f, "2026-11-23T10:15");
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.mark.code, LD_CODE_U);
    assert_int_equal(ld_tap_reason(&f->tap, &r, "Medical appointment", NULL, f->msg, sizeof f->msg),
                     LD_OK);
    assert_int_equal(r.mark.code, LD_CODE_M);
    assert_false(r.mark.late);
    assert_int_equal(count_events(f, 1u << LD_EV_REASON), 1);
    assert_int_equal(ld_tap_reason(&f->tap, &r, "", NULL, f->msg, sizeof f->msg), LD_ERR_INVALID);
    assert_int_equal(ld_tap_reason(&f->tap, &r, "Overslept", NULL, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(r.mark.code, LD_CODE_U); /* "-, -": the mark stands */
}

static void bad_clock_is_recorded_then_repaired(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    /* A Pi after a power cut: no NTP yet, the clock reads a day in 1970. */
    f->clock.synced = false;
    f->clock.utc_ms = 3600 * 1000;
    f->clock.mono_ms = 5000;
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_SIGNED_IN);
    assert_int_equal(r.clock, LD_CLOCK_BEFORE_BUILD);
    assert_int_equal(r.event.clock, LD_CLOCK_BEFORE_BUILD);
    size_t fixed = 9, lost = 9;
    assert_int_equal(ld_tap_repair_clock(&f->tap, &fixed, &lost, f->msg, sizeof f->msg),
                     LD_ERR_STATE); /* still untrusted */

    /* NTP arrives 90 s of uptime later: 09:12 local. The tap was at 09:10:30. */
    f->clock.synced = true;
    at_local(f, "2026-11-23T09:12");
    f->clock.mono_ms = 5000 + 90000;
    assert_int_equal(ld_tap_repair_clock(&f->tap, &fixed, &lost, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(fixed, 1);
    assert_int_equal(lost, 0);
    assert_int_equal(count_events(f, 1u << LD_EV_CLOCK_REPAIR), 1);
    /* Twice is harmless: it is repaired already. */
    assert_int_equal(ld_tap_repair_clock(&f->tap, &fixed, &lost, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(fixed, 0);
    /* The repaired arrival now counts: another tap that morning is "already signed in". */
    at_local(f, "2026-11-23T09:30");
    tap_card(f, TOMAS_CARD, &r);
    assert_int_equal(r.status, LD_TAP_ALREADY);
    assert_int_equal(r.minute, 9 * 60 + 10);
}

static void other_boot_cannot_be_repaired(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    f->clock.synced = false;
    f->clock.utc_ms = 3600 * 1000;
    tap_card(f, TOMAS_CARD, &r);
    strcpy(f->clock.boot_id, "11111111-2222-3333-4444-555555555555"); /* rebooted since */
    f->clock.synced = true;
    at_local(f, "2026-11-23T09:12");
    size_t fixed, lost;
    assert_int_equal(ld_tap_repair_clock(&f->tap, &fixed, &lost, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(fixed, 0);
    assert_int_equal(lost, 1);
}

static void errors_record_nothing(void **state)
{
    struct fixture *f = *state;
    struct ld_tap_result r;
    struct ld_uid empty = {0};
    at_local(f, "2026-11-23T09:02");
    assert_int_equal(ld_tap_card(&f->tap, &empty, LD_SRC_CARD, &r, f->msg, sizeof f->msg),
                     LD_ERR_INVALID);
    assert_int_equal(
        ld_tap_pupil(&f->tap, "A000000000000", LD_SRC_TOUCH, NULL, NULL, &r, f->msg, sizeof f->msg),
        LD_ERR_NOT_FOUND);
    assert_int_equal(count_events(f, 0), 0);
}

static void full_disk_is_an_error_not_a_lost_arrival(void **state)
{
    struct fixture *f = *state;
    ld_store_close(f->store);
    struct ld_store_options opt = {.max_bytes = 1}; /* no room to grow at all */
    assert_int_equal(ld_store_open(f->db, &opt, &f->store, f->msg, sizeof f->msg), LD_OK);
    f->tap.store = f->store;
    struct ld_tap_result r;
    int full = 0;
    at_local(f, "2026-11-23T09:02");
    for (int i = 0; i < 5000 && !full; i++) {
        /* Unknown cards always write an event: each tap needs room. */
        struct ld_uid uid = {.len = 4,
                             .bytes = {0x09, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
        ld_err err = ld_tap_card(&f->tap, &uid, LD_SRC_CARD, &r, f->msg, sizeof f->msg);
        if (err == LD_ERR_FULL)
            full = 1;
        else
            assert_int_equal(err, LD_OK);
    }
    assert_true(full);
}

int main(void)
{
    setenv("TZ", "UTC", 1); /* nothing may depend on the process's own zone */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(late_tap_then_already_signed_in, setup, teardown),
        cmocka_unit_test_setup_teardown(either_side_of_the_clock_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_card_is_kept_for_enrolment, setup, teardown),
        cmocka_unit_test_setup_teardown(staff_card_records_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(reason_changes_the_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(reasons_are_checked_before_anything_is_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(command_line_times_do_not_move_the_floor, setup, teardown),
        cmocka_unit_test_setup_teardown(closed_days_record_without_a_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_clock_is_recorded_then_repaired, setup, teardown),
        cmocka_unit_test_setup_teardown(other_boot_cannot_be_repaired, setup, teardown),
        cmocka_unit_test_setup_teardown(errors_record_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(full_disk_is_an_error_not_a_lost_arrival, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
