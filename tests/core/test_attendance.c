/* test_attendance.c: the figures every school quotes, and the intervention bands. */
#include "fixtures.h"

#include <math.h>

#include "ld_attendance.h"
#include "ld_school.h"

static void percentages_and_thresholds(void **state)
{
    struct ld_attendance a;
    ld_attendance_compute(380, 378, &a);
    assert_true(a.has_pct);
    assert_float_equal(a.pct, 99.47, 0.005);
    assert_false(a.persistent);
    ld_attendance_compute(380, 342, &a); /* missed exactly 10 %: persistent */
    assert_true(a.persistent);
    assert_false(a.severe);
    ld_attendance_compute(380, 343, &a);
    assert_false(a.persistent);
    ld_attendance_compute(380, 190, &a); /* missed exactly 50 %: severe */
    assert_true(a.severe);
    ld_attendance_compute(380, 191, &a);
    assert_false(a.severe);
    assert_true(a.persistent);
}

static void no_possible_sessions_no_percentage(void **state)
{
    struct ld_attendance a;
    ld_attendance_compute(0, 0, &a);
    assert_false(a.has_pct);
    assert_false(a.persistent);
    assert_false(a.severe);
}

/* The seed figures, through the whole engine: 1, 10 and 20 days off in a 190-day year. */
static void seed_figures_over_a_year(void **state)
{
    struct ld_calendar *cal = year_2026();
    struct ld_sessions s;
    struct ld_school *school;
    ld_sessions_default(&s);
    assert_int_equal(ld_school_create(cal, &s, &school), LD_OK);
    const char *ids[4] = {"A0", "A1", "A10", "A20"};
    int off[4] = {0, 1, 10, 20};
    for (int p = 0; p < 4; p++) {
        assert_int_equal(ld_school_add_pupil(school, ids[p], "4B", NULL, 0), LD_OK);
        for (int d = 0; d < off[p]; d++) {
            ld_date day = ld_calendar_school_day(cal, (size_t)(10 + d * 3));
            assert_int_equal(ld_school_add_mark(school, ids[p], day, LD_AM, LD_CODE_I, -1), 0);
            assert_int_equal(ld_school_add_mark(school, ids[p], day, LD_PM, LD_CODE_I, -1), 0);
        }
    }
    struct ld_result *r;
    assert_int_equal(ld_school_analyse(school, D("2027-07-21"), &r), LD_OK);
    const double want[4] = {100.0, 99.47, 94.74, 89.47};
    const bool pa[4] = {false, false, false, true};
    const int stage[4] = {0, 0, 1, 2};
    for (int p = 0; p < 4; p++) {
        const struct ld_pupil_result *pr = ld_result_pupil(r, (size_t)ld_result_find(r, ids[p]));
        assert_int_equal(pr->attendance.possible, 380);
        assert_int_equal(pr->attendance.attended, 380 - 2 * off[p]);
        assert_float_equal(pr->attendance.pct, want[p], 0.005);
        assert_int_equal(pr->attendance.persistent, pa[p]);
        assert_true(pr->has_stage);
        assert_int_equal(pr->stage, stage[p]);
    }
    ld_result_destroy(r);
    ld_school_destroy(school);
    ld_calendar_destroy(cal);
}

static void band_boundaries_exactly(void **state)
{
    const struct ld_band *b = ld_bands_default;
    int stage = -1;
    const double at[] = {100, 97, 96.999999, 92, 91.99, 86, 85.999, 0, 50};
    const int want[] = {0, 0, 1, 1, 2, 2, 3, 3, 3};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        assert_true(ld_bands_stage(b, 4, at[i], &stage));
        assert_int_equal(stage, want[i]);
    }
    /* 97 % exactly as the engine computes it: 291 of 300 sessions. */
    struct ld_attendance a;
    ld_attendance_compute(300, 291, &a);
    assert_true(a.pct == 97.0);
    assert_true(ld_bands_stage(b, 4, a.pct, &stage));
    assert_int_equal(stage, 0);
    ld_attendance_compute(50, 46, &a); /* 92 % */
    assert_true(ld_bands_stage(b, 4, a.pct, &stage));
    assert_int_equal(stage, 1);
    ld_attendance_compute(50, 43, &a); /* 86 % */
    assert_true(ld_bands_stage(b, 4, a.pct, &stage));
    assert_int_equal(stage, 2);
}

static void bands_in_the_order_given(void **state)
{
    struct ld_band custom[2] = {{.min = 95, .stage = 0}, {.min = 90, .stage = 5}};
    int stage = -1;
    assert_true(ld_bands_stage(custom, 2, 95, &stage));
    assert_int_equal(stage, 0);
    assert_true(ld_bands_stage(custom, 2, 94.9, &stage));
    assert_int_equal(stage, 5);
    assert_false(ld_bands_stage(custom, 2, 89.9, &stage)); /* below every band */
}

static void bad_bands(void **state)
{
    size_t bad;
    const char *field, *problem;
    struct ld_band b[2] = {{.min = 97, .stage = 0}, {.min = 101, .stage = 1}};
    assert_int_equal(ld_bands_check(b, 2, &bad, &field, &problem), LD_ERR_INVALID);
    assert_int_equal(bad, 1);
    assert_string_equal(field, "min");
    b[1].min = NAN;
    assert_int_equal(ld_bands_check(b, 2, &bad, &field, &problem), LD_ERR_INVALID);
    b[1].min = 0;
    b[1].stage = -1;
    assert_int_equal(ld_bands_check(b, 2, &bad, &field, &problem), LD_ERR_INVALID);
    assert_string_equal(field, "stage");
    b[1].stage = 1;
    assert_int_equal(ld_bands_check(b, 2, &bad, &field, &problem), LD_OK);
    assert_int_equal(ld_bands_check(b, 0, &bad, &field, &problem), LD_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentages_and_thresholds),
        cmocka_unit_test(no_possible_sessions_no_percentage),
        cmocka_unit_test(seed_figures_over_a_year),
        cmocka_unit_test(band_boundaries_exactly),
        cmocka_unit_test(bands_in_the_order_given),
        cmocka_unit_test(bad_bands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
