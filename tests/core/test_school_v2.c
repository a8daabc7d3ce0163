/*
 * test_school_v2.c: the analyse contract's version 2, worked out by hand: an as_of time and
 * open sessions, registers_until and "-", on_roll and Z, conflicts, a reason's L or U keeping
 * the arrival's minutes, named stages, and how rule 3 meets each of them.
 *
 * The calendar is fixtures.h's 2026-27: the first pupil day is Thu 3 Sep, so up to Thu 10 Sep
 * there are 6 school days (3, 4, 7, 8, 9, 10), 12 sessions. Sessions: am 08:50 (register
 * closes 09:20), pm 13:00 (closes 13:30).
 */
#include "school_fixture.h"

#include <string.h>

#include "ld_flags.h"

/* At 09:10 on Thu 10 Sep the am register is open until 09:20, the pm one until 13:30. */
static void a_time_opens_the_sessions_still_to_close(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    add(f, "P2", "4B", 0);
    add(f, "P3", "4B", 0);
    add(f, "P4", "4B", 0);
    arrive(f, "P2", "2026-09-10T09:05", NULL); /* L 15 */
    arrive(f, "P3", "2026-09-10T10:05", NULL); /* after 09:10: ignored */
    arrive(f, "P4", "2026-09-10T09:10", NULL); /* at the minute itself: counts, L 20 */
    analyse_at(f, "2026-09-10T09:10", NULL);

    const struct ld_pupil_result *p = pupil(f, "P1");
    assert_int_equal(mark(f, "P1", "2026-09-09", LD_PM, NULL), LD_CODE_PRESENT_PM);
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_PM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(p->attendance.possible, 10);
    assert_int_equal(p->attendance.attended, 10);
    assert_int_equal(p->unknown, 2);

    p = pupil(f, "P2");
    int minutes;
    assert_int_equal(mark(f, "P2", "2026-09-10", LD_AM, &minutes), LD_CODE_L);
    assert_int_equal(minutes, 15);
    assert_int_equal(p->attendance.possible, 11);
    assert_int_equal(p->attendance.attended, 11);
    assert_int_equal(p->unknown, 1);
    assert_int_equal(p->late_l, 1);

    p = pupil(f, "P3");
    assert_int_equal(mark(f, "P3", "2026-09-10", LD_AM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(p->late_u, 0);
    assert_int_equal(p->unknown, 2);

    assert_int_equal(mark(f, "P4", "2026-09-10", LD_AM, &minutes), LD_CODE_L);
    assert_int_equal(minutes, 20);

    /* At 09:20 the am register has closed (not later than the time): present. */
    analyse_at(f, "2026-09-10T09:20", NULL);
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, NULL), LD_CODE_PRESENT_AM);
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_PM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(pupil(f, "P1")->unknown, 1);

    /* At 13:30 both have closed; P3's 10:05 arrival now counts: U. */
    analyse_at(f, "2026-09-10T13:30", NULL);
    assert_int_equal(pupil(f, "P1")->unknown, 0);
    assert_int_equal(mark(f, "P3", "2026-09-10", LD_AM, NULL), LD_CODE_U);

    /* A time of another day opens nothing. */
    analyse_at(f, "2026-09-12T08:00", NULL); /* a Saturday */
    assert_int_equal(pupil(f, "P1")->unknown, 0);

    struct ld_as_of bad;
    ld_as_of_day(D("2026-09-10"), &bad);
    bad.minute = 1440;
    struct ld_result *r = NULL;
    assert_int_equal(ld_school_analyse_at(f->school, &bad, &r), LD_ERR_INVALID);
    assert_null(r);
}

/* Registers known up to Thu 10 Sep, analysed on Mon 14 Sep: Fri and Mon are not known. */
static void after_registers_until_only_records_decide(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    add(f, "P2", "4B", 0);
    add(f, "P3", "4B", 0);
    add(f, "P5", "4B", LD_FLAG_CP);
    assert_int_equal(ld_school_add_mark(f->school, "P2", D("2026-09-11"), LD_AM, LD_CODE_I, -1),
                     LD_OK);
    arrive(f, "P3", "2026-09-14T09:05", NULL); /* L 15 */
    arrive(f, "P5", "2026-09-14T13:10", NULL); /* rule 3: am N, pm L 10 */
    analyse_at(f, "2026-09-14", "2026-09-10");

    const struct ld_pupil_result *p = pupil(f, "P1");
    assert_int_equal(p->attendance.possible, 12);
    assert_int_equal(p->attendance.attended, 12);
    assert_int_equal(p->unknown, 4);
    assert_true(p->attendance.has_pct);
    assert_true(p->attendance.pct == 100.0);
    assert_int_equal(mark(f, "P1", "2026-09-11", LD_AM, NULL), LD_CODE_UNKNOWN);

    p = pupil(f, "P2"); /* the explicit I decides Friday am */
    assert_int_equal(p->attendance.possible, 13);
    assert_int_equal(p->attendance.attended, 12);
    assert_int_equal(p->unknown, 3);

    p = pupil(f, "P3"); /* the arrival decides Monday am; pm stays unknown */
    assert_int_equal(mark(f, "P3", "2026-09-14", LD_AM, NULL), LD_CODE_L);
    assert_int_equal(mark(f, "P3", "2026-09-14", LD_PM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(p->attendance.possible, 13);
    assert_int_equal(p->unknown, 3);
    assert_int_equal(p->late_minutes, 15);

    /* Rule 3 comes before rule 4: a pm arrival makes the unknown morning N. */
    p = pupil(f, "P5");
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_AM, NULL), LD_CODE_N);
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_PM, NULL), LD_CODE_L);
    assert_int_equal(p->attendance.possible, 14);
    assert_int_equal(p->attendance.attended, 13);
    assert_int_equal(p->unknown, 2);
    assert_int_equal(ld_result_call_count(f->r), 1); /* P1's unknown morning is not N */
    assert_string_equal(ld_result_call(f->r, 0)->id, "P5");

    /* Registers known before the first school day: nothing is known but the records. */
    analyse_at(f, "2026-09-14", "2026-08-31");
    p = pupil(f, "P1");
    assert_int_equal(p->attendance.possible, 0);
    assert_false(p->attendance.has_pct);
    assert_false(p->has_stage);
    assert_int_equal(p->unknown, 16);
}

/* Rule 3 with a time: the pm arrival counts only once the time has passed it. */
static void the_afternoon_arrival_and_the_time(void **state)
{
    struct fixture *f = *state;
    add(f, "P5", "4B", 0);
    arrive(f, "P5", "2026-09-14T13:10", NULL);

    analyse_at(f, "2026-09-14T13:05", "2026-09-11"); /* the device: marks up to Friday */
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_AM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_PM, NULL), LD_CODE_UNKNOWN);
    assert_int_equal(ld_result_call_count(f->r), 0);

    analyse_at(f, "2026-09-14T13:15", "2026-09-11");
    int minutes;
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_AM, NULL), LD_CODE_N);
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_PM, &minutes), LD_CODE_L);
    assert_int_equal(minutes, 10);
    assert_int_equal(ld_result_call_count(f->r), 1);

    /* Registers known today: at 13:05 the closed morning is present, the open pm unknown. */
    analyse_at(f, "2026-09-14T13:05", "2026-09-14");
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_AM, NULL), LD_CODE_PRESENT_AM);
    assert_int_equal(mark(f, "P5", "2026-09-14", LD_PM, NULL), LD_CODE_UNKNOWN);
}

/* A mid-year joiner, a leaver, and rule 3 on the first and the day after the last day. */
static void off_roll_days_are_z(void **state)
{
    struct fixture *f = *state;
    add(f, "P6", "4B", 0);
    add(f, "P7", "4B", 0);
    add(f, "P8", "4B", LD_FLAG_LAC);
    add(f, "P9", "4B", LD_FLAG_CP);
    ld_date wed = D("2026-09-09"), fri = D("2026-09-04"), thu = D("2026-09-10");
    assert_int_equal(ld_school_set_on_roll(f->school, "P6", &wed, NULL), LD_OK);
    assert_int_equal(ld_school_set_on_roll(f->school, "P7", NULL, &fri), LD_OK);
    assert_int_equal(ld_school_set_on_roll(f->school, "P8", &thu, NULL), LD_OK);
    assert_int_equal(ld_school_set_on_roll(f->school, "P9", NULL, &wed), LD_OK);
    assert_int_equal(ld_school_set_on_roll(f->school, "P6", &thu, &wed), LD_ERR_INVALID);
    assert_int_equal(ld_school_set_on_roll(f->school, "PX", &wed, NULL), LD_ERR_NOT_FOUND);
    /* Records off roll are ignored, conflicting or not. */
    assert_int_equal(ld_school_add_mark(f->school, "P6", D("2026-09-08"), LD_AM, LD_CODE_N, -1),
                     LD_OK);
    arrive(f, "P6", "2026-09-08T09:12", NULL);
    arrive(f, "P6", "2026-09-07T09:40", NULL);
    arrive(f, "P8", "2026-09-10T13:10", NULL); /* first day: am N, pm L */
    arrive(f, "P9", "2026-09-10T13:10", NULL); /* the day after the last: Z */
    analyse_at(f, "2026-09-10", NULL);

    const struct ld_pupil_result *p = pupil(f, "P6");
    assert_int_equal(mark(f, "P6", "2026-09-03", LD_AM, NULL), LD_CODE_Z);
    assert_int_equal(mark(f, "P6", "2026-09-08", LD_AM, NULL), LD_CODE_Z);
    assert_int_equal(mark(f, "P6", "2026-09-09", LD_AM, NULL), LD_CODE_PRESENT_AM);
    assert_int_equal(p->attendance.possible, 4);
    assert_int_equal(p->attendance.attended, 4);
    assert_int_equal(p->late_u + p->late_l, 0);
    assert_int_equal(p->unknown, 0);

    p = pupil(f, "P7");
    assert_int_equal(mark(f, "P7", "2026-09-04", LD_PM, NULL), LD_CODE_PRESENT_PM);
    assert_int_equal(mark(f, "P7", "2026-09-07", LD_AM, NULL), LD_CODE_Z);
    assert_int_equal(p->attendance.possible, 4);

    assert_int_equal(mark(f, "P8", "2026-09-10", LD_AM, NULL), LD_CODE_N);
    assert_int_equal(mark(f, "P8", "2026-09-10", LD_PM, NULL), LD_CODE_L);
    assert_int_equal(pupil(f, "P8")->attendance.possible, 2);
    assert_int_equal(mark(f, "P9", "2026-09-10", LD_AM, NULL), LD_CODE_Z);
    assert_int_equal(mark(f, "P9", "2026-09-10", LD_PM, NULL), LD_CODE_Z);
    assert_int_equal(ld_result_call_count(f->r), 1);
    assert_string_equal(ld_result_call(f->r, 0)->id, "P8");
    assert_int_equal(ld_result_conflict_count(f->r), 0);

    struct ld_herringbone h;
    assert_int_equal(ld_result_herringbone(f->r, (size_t)ld_result_find(f->r, "P6"), &h), LD_OK);
    assert_int_equal(h.weeks[0].cells[6], LD_CODE_Z);          /* Thu 3 Sep am */
    assert_int_equal(h.weeks[1].cells[4], LD_CODE_PRESENT_AM); /* Wed 9 Sep am */
    ld_herringbone_free(&h);

    /* An on_roll range with both ends open puts the pupil back on roll every day. */
    assert_int_equal(ld_school_set_on_roll(f->school, "P6", NULL, NULL), LD_OK);
    analyse_at(f, "2026-09-10", NULL);
    assert_int_equal(mark(f, "P6", "2026-09-08", LD_AM, NULL), LD_CODE_N);
    assert_int_equal(ld_result_conflict_count(f->r), 1);
}

/* Marks against arrivals: listed when rule 2 would mark the session otherwise. */
static void conflicts_between_marks_and_arrivals(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    add(f, "P0", "4B", 0);
    add(f, "P2", "4B", 0);
    add(f, "P3", "4B", 0);
    add(f, "P4", "4B", 0);
    struct ld_school *s = f->school;
    assert_int_equal(ld_school_add_mark(s, "P1", D("2026-09-10"), LD_AM, LD_CODE_N, -1), LD_OK);
    assert_int_equal(ld_school_add_mark(s, "P0", D("2026-09-10"), LD_AM, LD_CODE_N, -1), LD_OK);
    assert_int_equal(ld_school_add_mark(s, "P2", D("2026-09-10"), LD_AM, LD_CODE_L, 15), LD_OK);
    assert_int_equal(ld_school_add_mark(s, "P3", D("2026-09-09"), LD_PM, LD_CODE_PRESENT_PM, -1),
                     LD_OK);
    assert_int_equal(ld_school_add_mark(s, "P4", D("2026-09-10"), LD_AM, LD_CODE_M, -1), LD_OK);
    assert_int_equal(ld_school_add_mark(s, "P1", D("2026-09-14"), LD_AM, LD_CODE_N, -1), LD_OK);
    arrive(f, "P1", "2026-09-10T09:12", NULL);      /* L: against N */
    arrive(f, "P1", "2026-09-10T09:30", NULL);      /* not the earliest */
    arrive(f, "P0", "2026-09-10T09:30", NULL);      /* U: against N */
    arrive(f, "P2", "2026-09-10T09:05", NULL);      /* L as marked (minutes are not compared) */
    arrive(f, "P3", "2026-09-09T13:40", NULL);      /* U: against \ */
    arrive(f, "P4", "2026-09-10T09:40", "medical"); /* M as marked */
    arrive(f, "P1", "2026-09-14T09:12", NULL);      /* after as_of */
    analyse_at(f, "2026-09-10", NULL);

    assert_int_equal(ld_result_conflict_count(f->r), 3);
    const struct ld_conflict *c = ld_result_conflict(f->r, 0);
    assert_string_equal(c->pupil, "P3");
    assert_int_equal(c->date, D("2026-09-09"));
    assert_int_equal(c->session, LD_PM);
    assert_int_equal(c->mark, LD_CODE_PRESENT_PM);
    assert_int_equal(c->arrival, 13 * 60 + 40);
    assert_int_equal(c->arrival_code, LD_CODE_U);
    assert_int_equal(c->arrival_minutes, 40);
    c = ld_result_conflict(f->r, 1);
    assert_string_equal(c->pupil, "P0");
    assert_int_equal(c->arrival_code, LD_CODE_U);
    c = ld_result_conflict(f->r, 2);
    assert_string_equal(c->pupil, "P1");
    assert_int_equal(c->date, D("2026-09-10"));
    assert_int_equal(c->session, LD_AM);
    assert_int_equal(c->mark, LD_CODE_N);
    assert_int_equal(c->arrival, 9 * 60 + 12);
    assert_int_equal(c->arrival_code, LD_CODE_L);
    /* The mark still wins. */
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, NULL), LD_CODE_N);

    /* At 09:10 P1's 09:12 and P0's 09:30 arrivals have not happened: no conflict yet. */
    analyse_at(f, "2026-09-10T09:10", NULL);
    assert_int_equal(ld_result_conflict_count(f->r), 1);
    assert_string_equal(ld_result_conflict(f->r, 0)->pupil, "P3");
}

/* A reason that gives L or U keeps the arrival's minutes; any other code drops them. */
static void a_reason_keeps_minutes_only_for_l_and_u(void **state)
{
    struct fixture *f = *state;
    struct ld_reason_rule minibus = {LD_CODE_NONE, LD_CODE_L};
    struct ld_reason_rule no_note = {LD_CODE_U, LD_CODE_NONE};
    assert_int_equal(ld_school_add_reason(f->school, "minibus", &minibus), LD_OK);
    assert_int_equal(ld_school_add_reason(f->school, "no note", &no_note), LD_OK);
    add(f, "P1", "4B", 0);
    arrive(f, "P1", "2026-09-08T09:35", "minibus"); /* U turned into L: L 45 */
    arrive(f, "P1", "2026-09-09T09:10", "no note"); /* L turned into U: U 20 */
    arrive(f, "P1", "2026-09-10T09:35", "medical"); /* M: not late, no minutes */
    const struct ld_pupil_result *p = analyse(f, "2026-09-10", "P1");
    int minutes;
    assert_int_equal(mark(f, "P1", "2026-09-08", LD_AM, &minutes), LD_CODE_L);
    assert_int_equal(minutes, 45);
    assert_int_equal(mark(f, "P1", "2026-09-09", LD_AM, &minutes), LD_CODE_U);
    assert_int_equal(minutes, 20);
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, &minutes), LD_CODE_M);
    assert_int_equal(minutes, 0);
    assert_int_equal(p->late_l, 1);
    assert_int_equal(p->late_u, 1);
    assert_int_equal(p->late_minutes, 65);
}

/* Named stages: the band's label comes back with its position. */
static void named_stages(void **state)
{
    struct fixture *f = *state;
    struct ld_band bands[3] = {{.min = 97, .stage = 0, .label = "green"},
                               {.min = 90, .stage = 1, .label = "amber"},
                               {.min = 0, .stage = 2, .label = "red"}};
    assert_int_equal(ld_school_set_bands(f->school, bands, 3), LD_OK);
    add(f, "P1", "4B", 0);
    add(f, "P2", "4B", 0);
    /* P2: 1 of 12 sessions missed: 91.67 %, amber. */
    assert_int_equal(ld_school_add_mark(f->school, "P2", D("2026-09-08"), LD_AM, LD_CODE_O, -1),
                     LD_OK);
    analyse_at(f, "2026-09-10", NULL);
    assert_string_equal(pupil(f, "P1")->stage_label, "green");
    assert_int_equal(pupil(f, "P1")->band, 0);
    assert_string_equal(pupil(f, "P2")->stage_label, "amber");
    assert_int_equal(pupil(f, "P2")->band, 1);
    assert_int_equal(pupil(f, "P2")->stage, 1);

    /* Without a percentage there is no band. */
    analyse_at(f, "2026-09-10", "2026-09-01");
    assert_false(pupil(f, "P1")->has_stage);
    assert_int_equal(pupil(f, "P1")->band, -1);
    assert_string_equal(pupil(f, "P1")->stage_label, "");

    memset(bands[0].label, 'x', sizeof bands[0].label); /* no terminator */
    assert_int_equal(ld_school_set_bands(f->school, bands, 3), LD_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_time_opens_the_sessions_still_to_close, setup, teardown),
        cmocka_unit_test_setup_teardown(after_registers_until_only_records_decide, setup, teardown),
        cmocka_unit_test_setup_teardown(the_afternoon_arrival_and_the_time, setup, teardown),
        cmocka_unit_test_setup_teardown(off_roll_days_are_z, setup, teardown),
        cmocka_unit_test_setup_teardown(conflicts_between_marks_and_arrivals, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reason_keeps_minutes_only_for_l_and_u, setup, teardown),
        cmocka_unit_test_setup_teardown(named_stages, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
