/* test_school.c: the engine: how each session's mark is decided, and what is derived from it. */
#include "school_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "ld_flags.h"

static void earliest_arrival_decides(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    arrive(f, "P1", "2026-09-10T09:25", NULL); /* U */
    arrive(f, "P1", "2026-09-10T09:07", NULL); /* L: earlier, decides */
    arrive(f, "P1", "2026-09-10T09:07", "medical");
    const struct ld_pupil_result *p = analyse(f, "2026-09-11", "P1");
    int minutes;
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, &minutes), LD_CODE_L);
    assert_int_equal(minutes, 17);
    assert_int_equal(p->late_l, 1);
    assert_int_equal(p->late_u, 0);
    assert_int_equal(p->late_minutes, 17);
}

static void same_minute_first_in_input_order(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    arrive(f, "P1", "2026-09-10T09:40", "medical"); /* M, first in input order */
    arrive(f, "P1", "2026-09-10T09:40:30", NULL);
    const struct ld_pupil_result *p = analyse(f, "2026-09-11", "P1");
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, NULL), LD_CODE_M);
    assert_int_equal(p->late_u + p->late_l, 0);
    assert_int_equal(p->late_minutes, 0);
    assert_int_equal(p->attendance.attended, p->attendance.possible - 1);
}

static void explicit_mark_wins(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-10"), LD_AM, LD_CODE_L, -1),
                     LD_OK);
    arrive(f, "P1", "2026-09-10T09:40", NULL);
    const struct ld_pupil_result *p = analyse(f, "2026-09-11", "P1");
    int minutes = -1;
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, &minutes), LD_CODE_L);
    assert_int_equal(minutes, 0); /* a mark without minutes counts none */
    assert_int_equal(p->late_l, 1);
    assert_int_equal(p->late_minutes, 0);
}

static void first_arrival_in_the_afternoon_means_n(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", LD_FLAG_PP);
    arrive(f, "P1", "2026-09-10T13:10", NULL);
    const struct ld_pupil_result *p = analyse(f, "2026-09-10", "P1");
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_AM, NULL), LD_CODE_N);
    assert_int_equal(mark(f, "P1", "2026-09-10", LD_PM, NULL), LD_CODE_L);
    assert_int_equal(p->attendance.possible, 12);
    assert_int_equal(p->attendance.attended, 11);
    assert_int_equal(ld_result_call_count(f->r), 1);
    assert_string_equal(ld_result_call(f->r, 0)->id, "P1");
}

static void before_the_first_school_day(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    arrive(f, "P1", "2026-09-03T09:00", NULL); /* after as_of: ignored */
    const struct ld_pupil_result *p = analyse(f, "2026-08-20", "P1");
    assert_int_equal(p->attendance.possible, 0);
    assert_false(p->attendance.has_pct);
    assert_false(p->has_stage);
    assert_false(p->attendance.persistent);
    assert_int_equal(p->npatterns, 0);
    struct ld_herringbone h;
    assert_int_equal(ld_result_herringbone(f->r, 0, &h), LD_OK);
    assert_int_equal(h.nweeks, 0);
    ld_herringbone_free(&h);
}

static void records_outside_school_days_are_ignored(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-05"), LD_AM, LD_CODE_U, 10),
                     LD_OK);
    arrive(f, "P1", "2026-09-02T09:30", NULL); /* INSET */
    arrive(f, "P1", "2026-09-12T09:30", NULL); /* Saturday */
    const struct ld_pupil_result *p = analyse(f, "2026-09-18", "P1");
    assert_int_equal(p->late_u + p->late_l, 0);
    assert_int_equal(p->attendance.possible, p->attendance.attended);
}

static void input_errors(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    assert_int_equal(ld_school_add_pupil(f->school, "P1", "4C", NULL, 0), LD_ERR_DUPLICATE);
    assert_int_equal(ld_school_add_pupil(f->school, "", "4C", NULL, 0), LD_ERR_INVALID);
    char long_id[80];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_int_equal(ld_school_add_pupil(f->school, long_id, "4C", NULL, 0), LD_ERR_RANGE);
    assert_int_equal(ld_school_add_mark(f->school, "P9", D("2026-09-10"), LD_AM, LD_CODE_L, -1),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-10"), LD_AM, LD_CODE_L, -1),
                     LD_OK);
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-10"), LD_AM, LD_CODE_U, -1),
                     LD_ERR_DUPLICATE);
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-06"), LD_AM, LD_CODE_U, -1),
                     LD_OK); /* a Sunday: kept, never counts */
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-06"), LD_AM, LD_CODE_U, -1),
                     LD_ERR_DUPLICATE); /* but still a duplicate */
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-10"), LD_PM, LD_CODE_NONE, -1),
                     LD_ERR_INVALID);
    assert_int_equal(ld_school_add_arrival(f->school, "P9", D("2026-09-10"), 540, NULL),
                     LD_ERR_NOT_FOUND);
    arrive(f, "P1", "2026-09-11T09:00", NULL);
    struct ld_reason_rule rule = {LD_CODE_M, LD_CODE_M};
    assert_int_equal(ld_school_add_reason(f->school, "late reason", &rule), LD_ERR_STATE);
    assert_true(ld_school_has_pupil(f->school, "P1"));
    assert_false(ld_school_has_pupil(f->school, "P2"));
}

static void duplicate_reason(void **state)
{
    struct fixture *f = *state;
    struct ld_reason_rule rule = {LD_CODE_M, LD_CODE_M};
    assert_int_equal(ld_school_add_reason(f->school, "medical", &rule), LD_ERR_DUPLICATE);
}

static void pupils_sorted_by_id_and_calling_order(void **state)
{
    struct fixture *f = *state;
    add(f, "P5", "4B", 0);
    add(f, "P3", "4B", LD_FLAG_SC | LD_FLAG_PP);
    add(f, "P4", "4B", LD_FLAG_CIN);
    add(f, "P1", "4B", LD_FLAG_CP | LD_FLAG_LAC);
    add(f, "P2", "4B", LD_FLAG_LAC);
    add(f, "P0", "4B", 0);
    const char *ids[] = {"P5", "P3", "P4", "P1", "P2", "P0"};
    for (int i = 0; i < 6; i++)
        arrive(f, ids[i], "2026-09-10T13:40", NULL);
    assert_int_equal(ld_school_add_mark(f->school, "P0", D("2026-09-10"), LD_AM, LD_CODE_I, -1),
                     LD_OK);
    analyse(f, "2026-09-10", "P1");
    for (size_t i = 0; i < 6; i++) {
        char want[4] = {'P', (char)('0' + i), 0};
        assert_string_equal(ld_result_pupil(f->r, i)->id, want);
    }
    const char *order[] = {"P1", "P2", "P4", "P3", "P5"};
    assert_int_equal(ld_result_call_count(f->r), 5); /* P0 has an explicit I */
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(ld_result_call(f->r, i)->id, order[i]);
    analyse(f, "2026-09-12", "P1"); /* a Saturday: nobody to call */
    assert_int_equal(ld_result_call_count(f->r), 0);
}

static void punctuality_table_for_the_week(void **state)
{
    struct fixture *f = *state;
    add(f, "A1", "3A", 0);
    add(f, "A2", "3A", 0);
    add(f, "B1", "3B", 0);
    add(f, "C1", "2C", 0);
    add(f, "Z1", NULL, 0);
    arrive(f, "A1", "2026-09-14T09:00", NULL); /* Monday of the week: counts */
    arrive(f, "A2", "2026-09-16T13:05", NULL); /* am N (not late), pm L */
    arrive(f, "B1", "2026-09-11T09:00", NULL); /* the week before: does not count */
    arrive(f, "C1", "2026-09-16T09:30", NULL);
    arrive(f, "C1", "2026-09-17T09:30", NULL); /* after as_of: does not count */
    analyse(f, "2026-09-16", "A1");
    assert_int_equal(ld_result_class_count(f->r), 3);
    const struct ld_class_result *c0 = ld_result_class(f->r, 0), *c1 = ld_result_class(f->r, 1),
                                 *c2 = ld_result_class(f->r, 2);
    assert_string_equal(c0->name, "3B"); /* 0 per pupil */
    assert_int_equal(c0->late_sessions, 0);
    assert_string_equal(c1->name, "2C"); /* 1 per pupil, before 3A by name */
    assert_string_equal(c2->name, "3A"); /* 2 for 2 pupils */
    assert_int_equal(c2->pupils, 2);
    assert_int_equal(c2->late_sessions, 2);
}

static void herringbone_rows(void **state)
{
    struct fixture *f = *state;
    add(f, "P1", "4B", 0);
    arrive(f, "P1", "2026-09-08T09:25", NULL);
    assert_int_equal(ld_school_add_mark(f->school, "P1", D("2026-09-09"), LD_PM, LD_CODE_M, -1),
                     LD_OK);
    analyse(f, "2026-09-16", "P1");
    struct ld_herringbone h;
    assert_int_equal(ld_result_herringbone(f->r, 0, &h), LD_OK);
    assert_int_equal(h.nweeks, 3);
    assert_int_equal(h.weeks[0].week_start, D("2026-08-31"));
    /* Mon to Wed of the first week are not school days (INSET on Tue and Wed). */
    for (int c = 0; c < 6; c++)
        assert_int_equal(h.weeks[0].cells[c], LD_CODE_NONE);
    assert_int_equal(h.weeks[0].cells[6], LD_CODE_PRESENT_AM);
    assert_int_equal(h.weeks[0].cells[7], LD_CODE_PRESENT_PM);
    assert_int_equal(h.weeks[1].cells[2], LD_CODE_U);
    assert_int_equal(h.weeks[1].cells[5], LD_CODE_M);
    assert_int_equal(h.weeks[2].week_start, D("2026-09-14"));
    assert_int_equal(h.weeks[2].cells[5], LD_CODE_PRESENT_PM); /* Wednesday pm: as_of */
    assert_int_equal(h.weeks[2].cells[6], LD_CODE_NONE);       /* Thursday: after as_of */
    ld_herringbone_free(&h);
    assert_int_equal(ld_result_herringbone(f->r, 7, &h), LD_ERR_INVALID);
    ld_herringbone_free(NULL);
}

static void rules_and_bands_are_checked(void **state)
{
    struct fixture *f = *state;
    struct ld_pattern_rules r;
    ld_pattern_rules_default(&r);
    r.window_days = 0;
    assert_int_equal(ld_school_set_rules(f->school, &r), LD_ERR_INVALID);
    struct ld_band b[1] = {{.min = 120, .stage = 0}};
    assert_int_equal(ld_school_set_bands(f->school, b, 1), LD_ERR_INVALID);
    b[0].min = 50;
    assert_int_equal(ld_school_set_bands(f->school, b, 1), LD_OK);
    add(f, "P1", "4B", 0);
    for (int i = 0; i < 6; i++) {
        ld_date d = ld_calendar_school_day(f->cal, (size_t)i);
        assert_int_equal(ld_school_add_mark(f->school, "P1", d, LD_AM, LD_CODE_O, -1), LD_OK);
        assert_int_equal(ld_school_add_mark(f->school, "P1", d, LD_PM, LD_CODE_O, -1), LD_OK);
    }
    const struct ld_pupil_result *p = analyse(f, "2026-09-18", "P1"); /* 6 of 12 days off */
    assert_true(p->attendance.severe);
    assert_true(p->has_stage); /* exactly 50 % */
    assert_int_equal(p->stage, 0);
    ld_school_destroy(NULL);
    ld_result_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(earliest_arrival_decides, setup, teardown),
        cmocka_unit_test_setup_teardown(same_minute_first_in_input_order, setup, teardown),
        cmocka_unit_test_setup_teardown(explicit_mark_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(first_arrival_in_the_afternoon_means_n, setup, teardown),
        cmocka_unit_test_setup_teardown(before_the_first_school_day, setup, teardown),
        cmocka_unit_test_setup_teardown(records_outside_school_days_are_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(input_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(pupils_sorted_by_id_and_calling_order, setup, teardown),
        cmocka_unit_test_setup_teardown(punctuality_table_for_the_week, setup, teardown),
        cmocka_unit_test_setup_teardown(herringbone_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(rules_and_bands_are_checked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
