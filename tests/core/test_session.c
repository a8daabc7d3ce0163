/* test_session.c: the 30-minute rule and marking arrivals at the edges of the register. */
#include "fixtures.h"

#include "ld_session.h"

static struct ld_sessions sessions(void)
{
    struct ld_sessions s;
    ld_sessions_default(&s);
    return s;
}

static void defaults_pass_the_rules(void **state)
{
    struct ld_sessions s = sessions();
    const char *field = NULL, *problem = NULL;
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_OK);
    assert_int_equal(s.am.start, 530);
    assert_int_equal(s.am.register_closes, 560);
    assert_int_equal(s.pm.start, 780);
    assert_int_equal(s.pm.register_closes, 810);
}

static void thirty_minutes_at_most(void **state)
{
    const char *field, *problem;
    struct ld_sessions s = sessions();
    s.am.register_closes = s.am.start + 30; /* exactly 30: allowed */
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_OK);
    s.am.register_closes = s.am.start + 31;
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_ERR_INVALID);
    assert_string_equal(field, "am.register_closes");
    s = sessions();
    s.pm.register_closes = s.pm.start + 31;
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_ERR_INVALID);
    assert_string_equal(field, "pm.register_closes");
    s = sessions();
    s.am.register_closes = s.am.start; /* closes as it opens: allowed */
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_OK);
    s.am.register_closes = s.am.start - 1;
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_ERR_INVALID);
    assert_string_equal(problem, "before the session start");
}

static void pm_must_start_after_am_closes(void **state)
{
    const char *field, *problem;
    struct ld_sessions s = sessions();
    s.pm.start = s.am.register_closes;
    s.pm.register_closes = s.pm.start + 10;
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_ERR_INVALID);
    assert_string_equal(field, "pm.start");
    s.pm.start = s.am.register_closes + 1;
    assert_int_equal(ld_sessions_check(&s, &field, &problem), LD_OK);
}

static void arrivals_at_the_edges(void **state)
{
    struct ld_sessions s = sessions();
    struct ld_classification k;

    ld_classify_arrival(&s, 8 * 60 + 30, NULL, &k);
    assert_int_equal(k.code, LD_CODE_PRESENT_AM);
    assert_int_equal(k.outcome, LD_OUTCOME_ON_TIME);
    assert_false(k.late);

    ld_classify_arrival(&s, s.am.start, NULL, &k); /* exactly at the start: on time */
    assert_int_equal(k.code, LD_CODE_PRESENT_AM);
    assert_int_equal(k.minutes_late, 0);
    assert_false(k.late);

    ld_classify_arrival(&s, s.am.start + 1, NULL, &k);
    assert_int_equal(k.code, LD_CODE_L);
    assert_int_equal(k.minutes_late, 1);
    assert_true(k.late);

    ld_classify_arrival(&s, s.am.register_closes, NULL, &k); /* exactly at close: still L */
    assert_int_equal(k.code, LD_CODE_L);
    assert_int_equal(k.outcome, LD_OUTCOME_LATE_OPEN);
    assert_int_equal(k.minutes_late, 30);

    ld_classify_arrival(&s, s.am.register_closes + 1, NULL, &k); /* one minute after: U */
    assert_int_equal(k.code, LD_CODE_U);
    assert_int_equal(k.outcome, LD_OUTCOME_LATE_CLOSED);
    assert_int_equal(k.minutes_late, 31);
    assert_true(k.late);
    assert_int_equal(k.session, LD_AM);

    ld_classify_arrival(&s, s.pm.start - 1, NULL, &k); /* 12:59 is still the morning */
    assert_int_equal(k.session, LD_AM);
    assert_int_equal(k.code, LD_CODE_U);
    assert_int_equal(k.minutes_late, 12 * 60 + 59 - s.am.start);

    ld_classify_arrival(&s, s.pm.start, NULL, &k);
    assert_int_equal(k.session, LD_PM);
    assert_int_equal(k.code, LD_CODE_PRESENT_PM);
    ld_classify_arrival(&s, s.pm.register_closes, NULL, &k);
    assert_int_equal(k.code, LD_CODE_L);
    ld_classify_arrival(&s, s.pm.register_closes + 1, NULL, &k);
    assert_int_equal(k.code, LD_CODE_U);
    assert_int_equal(k.minutes_late, 31);
}

static void reasons_replace_late_codes(void **state)
{
    struct ld_sessions s = sessions();
    struct ld_classification k;
    struct ld_reason_rule medical = {LD_CODE_NONE, LD_CODE_M};
    struct ld_reason_rule both = {LD_CODE_M, LD_CODE_M};

    ld_classify_arrival(&s, s.am.start + 5, &medical, &k); /* no before_close: stays L */
    assert_int_equal(k.code, LD_CODE_L);
    assert_true(k.late);
    ld_classify_arrival(&s, s.am.register_closes + 40, &medical, &k);
    assert_int_equal(k.code, LD_CODE_M);
    assert_false(k.late);
    assert_int_equal(k.outcome, LD_OUTCOME_LATE_CLOSED);
    ld_classify_arrival(&s, s.am.start + 5, &both, &k);
    assert_int_equal(k.code, LD_CODE_M);
    assert_false(k.late);
    ld_classify_arrival(&s, s.am.start - 5, &both, &k); /* on time: reasons change nothing */
    assert_int_equal(k.code, LD_CODE_PRESENT_AM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_pass_the_rules),       cmocka_unit_test(thirty_minutes_at_most),
        cmocka_unit_test(pm_must_start_after_am_closes), cmocka_unit_test(arrivals_at_the_edges),
        cmocka_unit_test(reasons_replace_late_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
