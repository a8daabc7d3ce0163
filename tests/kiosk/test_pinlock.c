/* test_pinlock.c: five wrong PINs lock the pad, longer each time, on an injected clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pinlock.h"

static void test_five_wrong_lock_for_a_minute(void **state)
{
    struct kiosk_pinlock p;
    kiosk_pinlock_init(&p);
    uint64_t t = 5000;
    for (int i = 0; i < 4; i++) {
        assert_false(kiosk_pinlock_fail(&p, t += 1000));
        assert_false(kiosk_pinlock_locked(&p, t, NULL));
        assert_int_equal(kiosk_pinlock_tries_left(&p), 4 - i);
    }
    assert_true(kiosk_pinlock_fail(&p, t += 1000));
    unsigned left;
    assert_true(kiosk_pinlock_locked(&p, t, &left));
    assert_int_equal(left, 60);
    assert_true(kiosk_pinlock_locked(&p, t + 59001, &left));
    assert_int_equal(left, 1);
    /* Wrong PINs while locked neither count nor extend the lock. */
    assert_false(kiosk_pinlock_fail(&p, t + 30000));
    assert_true(kiosk_pinlock_locked(&p, t + 59999, NULL));
    assert_false(kiosk_pinlock_locked(&p, t + 60000, &left));
    assert_int_equal(left, 0);
    assert_int_equal(kiosk_pinlock_tries_left(&p), 5);
}

/* Five wrong, a lock, and again: 1, 5, 15, 60, 60 minutes. */
static void test_locks_escalate(void **state)
{
    struct kiosk_pinlock p;
    kiosk_pinlock_init(&p);
    uint64_t t = 1000;
    const unsigned minutes[] = {1, 5, 15, 60, 60};
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 4; i++)
            assert_false(kiosk_pinlock_fail(&p, t));
        assert_true(kiosk_pinlock_fail(&p, t));
        unsigned left;
        assert_true(kiosk_pinlock_locked(&p, t, &left));
        assert_int_equal(left, minutes[round] * 60);
        t += (uint64_t)minutes[round] * 60000;
        assert_false(kiosk_pinlock_locked(&p, t, NULL));
    }
    /* A right PIN starts again at a minute. */
    kiosk_pinlock_success(&p);
    for (int i = 0; i < 5; i++)
        kiosk_pinlock_fail(&p, t);
    assert_int_equal(kiosk_pinlock_remaining_ms(&p, t), 60000);
}

/* What a restart reads back: the lock goes on where it was, and the next one is longer. */
static void test_restore_after_a_restart(void **state)
{
    struct kiosk_pinlock p;
    kiosk_pinlock_restore(&p, 0, 2, 200000, 50);
    assert_true(kiosk_pinlock_locked(&p, 50 + 199999, NULL));
    assert_false(kiosk_pinlock_locked(&p, 50 + 200000, NULL));
    for (int i = 0; i < 5; i++)
        kiosk_pinlock_fail(&p, 300000);
    assert_int_equal(kiosk_pinlock_remaining_ms(&p, 300000), 15 * 60000); /* the third lock */
    /* Nonsense read back is kept within bounds. */
    kiosk_pinlock_restore(&p, 99, -3, 86400000ULL, 0);
    assert_int_equal(kiosk_pinlock_tries_left(&p), 0);
    assert_int_equal(kiosk_pinlock_remaining_ms(&p, 0), 60 * 60000);
}

static void test_right_pin_forgets_failures(void **state)
{
    struct kiosk_pinlock p;
    kiosk_pinlock_init(&p);
    for (int i = 0; i < 4; i++)
        kiosk_pinlock_fail(&p, 1000);
    kiosk_pinlock_success(&p);
    assert_int_equal(kiosk_pinlock_tries_left(&p), 5);
    for (int i = 0; i < 4; i++)
        assert_false(kiosk_pinlock_fail(&p, 2000));
    assert_false(kiosk_pinlock_locked(&p, 2000, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_five_wrong_lock_for_a_minute),
        cmocka_unit_test(test_locks_escalate),
        cmocka_unit_test(test_restore_after_a_restart),
        cmocka_unit_test(test_right_pin_forgets_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
