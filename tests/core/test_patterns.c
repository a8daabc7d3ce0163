/* test_patterns.c: each lateness pattern at its threshold and one short of it. */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_patterns.h"

struct fixture {
    struct ld_calendar *cal;
    struct ld_pattern_rules rules;
    uint8_t late[200];
    uint8_t u[200];
    struct ld_pattern out[LD_PATTERNS_MAX];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->cal = year_2026();
    ld_pattern_rules_default(&f->rules);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ld_calendar_destroy(f->cal);
    free(f);
    return 0;
}

/* Runs the patterns as of school day index last; returns the pattern of kind, or NULL. */
static const struct ld_pattern *run(struct fixture *f, size_t last, enum ld_pattern_kind kind,
                                    size_t *count)
{
    ld_date as_of = ld_calendar_school_day(f->cal, last);
    size_t n = ld_patterns_find(&f->rules, f->cal, as_of, f->late, f->u, last + 1, f->out);
    if (count)
        *count = n;
    for (size_t i = 0; i < n; i++)
        if (f->out[i].kind == kind)
            return &f->out[i];
    return NULL;
}

static void frequent(void **state)
{
    struct fixture *f = *state;
    size_t last = 50;
    f->late[last - 19] = f->late[last - 10] = f->late[last - 5] = 1;
    f->late[last - 20] = 1; /* just outside the window */
    assert_null(run(f, last, LD_PAT_FREQUENT, NULL));
    f->late[last] = 1;
    const struct ld_pattern *p = run(f, last, LD_PAT_FREQUENT, NULL);
    assert_non_null(p);
    assert_int_equal(p->count, 4);
    assert_string_equal(p->detail, "Late on 4 of the last 20 school days");
}

static void frequent_with_fewer_days_than_the_window(void **state)
{
    struct fixture *f = *state;
    f->late[0] = f->late[2] = f->late[3] = f->late[5] = 1;
    const struct ld_pattern *p = run(f, 5, LD_PAT_FREQUENT, NULL);
    assert_non_null(p);
    assert_string_equal(p->detail, "Late on 4 of the last 6 school days");
}

static void same_weekday(void **state)
{
    struct fixture *f = *state;
    size_t last = 80, mondays = 0;
    int marked = 0;
    for (size_t i = last + 1 - 30; i <= last; i++) {
        if (ld_date_weekday(ld_calendar_school_day(f->cal, i)) != LD_MON)
            continue;
        mondays++;
        if (marked < 2) {
            f->late[i] = 1;
            marked++;
        }
    }
    assert_null(run(f, last, LD_PAT_WEEKDAY, NULL));
    for (size_t i = last; i > last - 30; i--) {
        if (ld_date_weekday(ld_calendar_school_day(f->cal, i)) == LD_MON) {
            f->late[i] = 1; /* the third Monday */
            break;
        }
    }
    const struct ld_pattern *p = run(f, last, LD_PAT_WEEKDAY, NULL);
    assert_non_null(p);
    assert_int_equal(p->weekday, LD_MON);
    assert_int_equal(p->count, 3);
    char want[64];
    snprintf(want, sizeof want, "Late on 3 of the last %zu Mondays", mondays);
    assert_string_equal(p->detail, want);
    assert_null(run(f, last, LD_PAT_FREQUENT, NULL)); /* 3 late days: not frequent */
}

static void streak_must_end_today(void **state)
{
    struct fixture *f = *state;
    size_t last = 40;
    f->late[last - 1] = f->late[last - 2] = 1;
    assert_null(run(f, last, LD_PAT_STREAK, NULL));
    f->late[last] = 1;
    const struct ld_pattern *p = run(f, last, LD_PAT_STREAK, NULL);
    assert_non_null(p);
    assert_int_equal(p->count, 3);
    assert_string_equal(p->detail, "Late on each of the last 3 school days");
    f->late[last] = 0;
    f->late[last - 3] = f->late[last - 4] = 1; /* a longer run that ended yesterday */
    assert_null(run(f, last, LD_PAT_STREAK, NULL));
}

static void rising_against_the_previous_half_term(void **state)
{
    struct fixture *f = *state;
    size_t a2_first, a2_count;
    ld_calendar_term_days(f->cal, 1, &a2_first, &a2_count); /* Autumn 2 */
    f->late[5] = 1;                                         /* one late day in Autumn 1 */
    f->late[a2_first] = f->late[a2_first + 1] = 1;
    size_t last = a2_first + 10;
    assert_null(run(f, last, LD_PAT_RISING, NULL));
    f->late[a2_first + 7] = 1; /* 3 >= 3 and 3 >= 2 x 1 */
    const struct ld_pattern *p = run(f, last, LD_PAT_RISING, NULL);
    assert_non_null(p);
    assert_int_equal(p->count, 3);
    assert_int_equal(p->previous, 1);
    f->late[6] = 1; /* 3 < 2 x 2 */
    assert_null(run(f, last, LD_PAT_RISING, NULL));
}

static void rising_never_in_the_first_half_term(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < 10; i++)
        f->late[i] = 1;
    assert_null(run(f, 9, LD_PAT_RISING, NULL));
}

static void rising_in_a_holiday(void **state)
{
    struct fixture *f = *state;
    size_t a1_first, a1_count;
    ld_calendar_term_days(f->cal, 0, &a1_first, &a1_count);
    size_t a2_first, a2_count;
    ld_calendar_term_days(f->cal, 1, &a2_first, &a2_count);
    for (size_t i = a2_first; i < a2_first + 4; i++)
        f->late[i] = 1;
    /* As of the Christmas holiday: the half-term containing it is Autumn 2. */
    size_t n = a2_first + a2_count;
    size_t k = ld_patterns_find(&f->rules, f->cal, D("2026-12-28"), f->late, f->u, n, f->out);
    bool found = false;
    for (size_t i = 0; i < k; i++)
        found |= f->out[i].kind == LD_PAT_RISING && f->out[i].count == 4;
    assert_true(found);
}

static void after_close(void **state)
{
    struct fixture *f = *state;
    size_t last = 60;
    f->late[last - 3] = 1;
    f->u[last - 3] = 1;
    f->late[last - 30] = 1;
    f->u[last - 30] = 2; /* outside the window */
    assert_null(run(f, last, LD_PAT_AFTER_CLOSE, NULL));
    f->late[last] = 1;
    f->u[last] = 2;
    const struct ld_pattern *p = run(f, last, LD_PAT_AFTER_CLOSE, NULL);
    assert_non_null(p);
    assert_int_equal(p->count, 3);
    assert_string_equal(p->detail,
                        "Arrived after the register closed 3 times in the last 20 school days");
}

static void improving(void **state)
{
    struct fixture *f = *state;
    size_t last = 70;
    for (size_t i = last - 39; i < last - 39 + 4; i++)
        f->late[i] = 1; /* 4 in the 20 before the last 20 */
    f->late[last - 2] = 1;
    const struct ld_pattern *p = run(f, last, LD_PAT_IMPROVING, NULL);
    assert_non_null(p);
    assert_int_equal(p->count, 1);
    assert_int_equal(p->previous, 4);
    f->late[last - 3] = 1; /* two late days now: not improving */
    assert_null(run(f, last, LD_PAT_IMPROVING, NULL));
}

static void order_of_the_patterns(void **state)
{
    struct fixture *f = *state;
    size_t a2_first, a2_count;
    ld_calendar_term_days(f->cal, 1, &a2_first, &a2_count);
    size_t last = a2_first + 24;
    for (size_t i = a2_first; i <= last; i++) {
        f->late[i] = 1;
        f->u[i] = 1;
    }
    size_t n;
    run(f, last, LD_PAT_FREQUENT, &n);
    /* frequent, five weekdays, streak, rising, after_close; no improving. */
    assert_int_equal(n, 9);
    assert_int_equal(f->out[0].kind, LD_PAT_FREQUENT);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(f->out[1 + i].kind, LD_PAT_WEEKDAY);
        assert_int_equal(f->out[1 + i].weekday, LD_MON + i);
    }
    assert_int_equal(f->out[6].kind, LD_PAT_STREAK);
    assert_int_equal(f->out[7].kind, LD_PAT_RISING);
    assert_int_equal(f->out[8].kind, LD_PAT_AFTER_CLOSE);
    assert_string_equal(ld_pattern_kind_name(LD_PAT_AFTER_CLOSE), "after_close");
}

static void rules_are_checked(void **state)
{
    struct ld_pattern_rules r;
    const char *field = NULL;
    ld_pattern_rules_default(&r);
    assert_int_equal(ld_pattern_rules_check(&r, &field), LD_OK);
    r.window_days = 0;
    assert_int_equal(ld_pattern_rules_check(&r, &field), LD_ERR_INVALID);
    assert_string_equal(field, "window_days");
    ld_pattern_rules_default(&r);
    r.improving_after_max = 0;
    assert_int_equal(ld_pattern_rules_check(&r, &field), LD_OK);
    r.streak_min = 1001;
    assert_int_equal(ld_pattern_rules_check(&r, &field), LD_ERR_INVALID);
    assert_string_equal(field, "streak_min");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(frequent, setup, teardown),
        cmocka_unit_test_setup_teardown(frequent_with_fewer_days_than_the_window, setup, teardown),
        cmocka_unit_test_setup_teardown(same_weekday, setup, teardown),
        cmocka_unit_test_setup_teardown(streak_must_end_today, setup, teardown),
        cmocka_unit_test_setup_teardown(rising_against_the_previous_half_term, setup, teardown),
        cmocka_unit_test_setup_teardown(rising_never_in_the_first_half_term, setup, teardown),
        cmocka_unit_test_setup_teardown(rising_in_a_holiday, setup, teardown),
        cmocka_unit_test_setup_teardown(after_close, setup, teardown),
        cmocka_unit_test_setup_teardown(improving, setup, teardown),
        cmocka_unit_test_setup_teardown(order_of_the_patterns, setup, teardown),
        cmocka_unit_test(rules_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
