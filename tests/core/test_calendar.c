/* test_calendar.c: school days, half-terms, holidays and the calendar's own errors. */
#include "fixtures.h"

#include <stdlib.h>
#include <string.h>

#include "ld_calendar.h"

static void a_year_has_190_pupil_days(void **state)
{
    struct ld_calendar *cal = year_2026();
    assert_int_equal(ld_calendar_school_days(cal), 190);
    assert_int_equal(ld_calendar_term_count(cal), 6);
    size_t first, count, total = 0;
    for (size_t t = 0; t < 6; t++) {
        ld_calendar_term_days(cal, t, &first, &count);
        assert_int_equal(first, total);
        total += count;
    }
    assert_int_equal(total, 190);
    assert_int_equal(ld_calendar_school_day(cal, 0), D("2026-09-03")); /* after two INSET */
    assert_int_equal(ld_calendar_school_day(cal, 189), D("2027-07-21"));
    ld_calendar_destroy(cal);
}

static void which_days_are_school_days(void **state)
{
    struct ld_calendar *cal = year_2026();
    assert_true(ld_calendar_is_school_day(cal, D("2026-09-03")));
    assert_false(ld_calendar_is_school_day(cal, D("2026-09-02"))); /* INSET */
    assert_false(ld_calendar_is_school_day(cal, D("2026-09-05"))); /* Saturday */
    assert_false(ld_calendar_is_school_day(cal, D("2026-10-28"))); /* half-term */
    assert_false(ld_calendar_is_school_day(cal, D("2027-05-03"))); /* bank holiday */
    assert_false(ld_calendar_is_school_day(cal, D("2025-01-01"))); /* before the calendar */
    assert_false(ld_calendar_is_school_day(cal, D("2030-01-01"))); /* after it */
    assert_int_equal(ld_calendar_day_index(cal, D("2026-09-04")), 1);
    assert_int_equal(ld_calendar_day_index(cal, D("2026-09-05")), -1);
    assert_int_equal(ld_calendar_days_upto(cal, D("2026-09-02")), 0);
    assert_int_equal(ld_calendar_days_upto(cal, D("2026-09-03")), 1);
    assert_int_equal(ld_calendar_days_upto(cal, D("2026-09-06")), 2);
    assert_int_equal(ld_calendar_days_upto(cal, D("2031-01-01")), 190);
    ld_calendar_destroy(cal);
}

static void half_term_of_a_date(void **state)
{
    struct ld_calendar *cal = year_2026();
    assert_int_equal(ld_calendar_term_of(cal, D("2026-08-31")), -1);
    assert_int_equal(ld_calendar_term_of(cal, D("2026-09-01")), 0);
    assert_int_equal(ld_calendar_term_of(cal, D("2026-10-28")), 0); /* holiday: the last begun */
    assert_int_equal(ld_calendar_term_of(cal, D("2026-11-02")), 1);
    assert_int_equal(ld_calendar_term_of(cal, D("2027-08-15")), 5);
    struct ld_term t = ld_calendar_term(cal, 2);
    assert_string_equal(t.name, "Spring 1");
    assert_int_equal(t.start, D("2027-01-04"));
    ld_calendar_destroy(cal);
}

static void a_half_term_with_no_school_days(void **state)
{
    /* A "term" over one weekend, and one whose every weekday is closed. */
    struct ld_term terms[3] = {{"A", D("2026-09-07"), D("2026-09-11")},
                               {"B", D("2026-09-12"), D("2026-09-13")},
                               {"C", D("2026-09-14"), D("2026-09-15")}};
    ld_date closed[2] = {D("2026-09-15"), D("2026-09-14")};
    struct ld_calendar *cal;
    assert_int_equal(ld_calendar_create(terms, 3, closed, 2, &cal, NULL), LD_OK);
    size_t first, count;
    ld_calendar_term_days(cal, 1, &first, &count);
    assert_int_equal(count, 0);
    ld_calendar_term_days(cal, 2, &first, &count);
    assert_int_equal(count, 0);
    assert_int_equal(first, 5);
    assert_int_equal(ld_calendar_school_days(cal), 5);
    ld_calendar_destroy(cal);
}

static void an_empty_calendar(void **state)
{
    struct ld_calendar *cal;
    assert_int_equal(ld_calendar_create(NULL, 0, NULL, 0, &cal, NULL), LD_OK);
    assert_int_equal(ld_calendar_school_days(cal), 0);
    assert_int_equal(ld_calendar_day_index(cal, D("2026-09-07")), -1);
    assert_int_equal(ld_calendar_days_upto(cal, D("2026-09-07")), 0);
    assert_int_equal(ld_calendar_term_of(cal, D("2026-09-07")), -1);
    ld_calendar_destroy(cal);
    ld_calendar_destroy(NULL);
}

static void bad_calendars(void **state)
{
    struct ld_calendar *cal = NULL;
    struct ld_calendar_problem why;
    struct ld_term reversed[1] = {{"A", D("2026-09-10"), D("2026-09-01")}};
    assert_int_equal(ld_calendar_create(reversed, 1, NULL, 0, &cal, &why), LD_ERR_INVALID);
    assert_int_equal(why.term, 0);
    assert_string_equal(why.field, "end");

    struct ld_term overlap[2] = {{"A", D("2026-09-01"), D("2026-10-23")},
                                 {"B", D("2026-10-23"), D("2026-12-18")}};
    assert_int_equal(ld_calendar_create(overlap, 2, NULL, 0, &cal, &why), LD_ERR_INVALID);
    assert_int_equal(why.term, 1);
    assert_string_equal(why.field, "start");

    struct ld_term out_of_order[2] = {{"B", D("2026-11-02"), D("2026-12-18")},
                                      {"A", D("2026-09-01"), D("2026-10-23")}};
    assert_int_equal(ld_calendar_create(out_of_order, 2, NULL, 0, &cal, &why), LD_ERR_INVALID);
    assert_int_equal(why.term, 1);

    struct ld_term long_span[2] = {{"A", D("2000-09-01"), D("2000-10-23")},
                                   {"B", D("2030-11-02"), D("2030-12-18")}};
    assert_int_equal(ld_calendar_create(long_span, 2, NULL, 0, &cal, &why), LD_ERR_INVALID);
    assert_string_equal(why.problem, "calendar spans more than 20 years");

    char name[100];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    struct ld_term long_name[1] = {{name, D("2026-09-01"), D("2026-10-23")}};
    assert_int_equal(ld_calendar_create(long_name, 1, NULL, 0, &cal, &why), LD_ERR_INVALID);
    assert_string_equal(why.field, "name");
    assert_null(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_year_has_190_pupil_days),
        cmocka_unit_test(which_days_are_school_days),
        cmocka_unit_test(half_term_of_a_date),
        cmocka_unit_test(a_half_term_with_no_school_days),
        cmocka_unit_test(an_empty_calendar),
        cmocka_unit_test(bad_calendars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
