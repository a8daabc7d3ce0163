/* test_debounce.c: the debounce table: windows, held cards, alternating cards, a full table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "debounce.h"

static struct ld_uid card(unsigned n)
{
    struct ld_uid u = {.len = 4, .bytes = {0x04, 0xA1, (uint8_t)(n >> 8), (uint8_t)n}};
    return u;
}

static void test_first_sighting_then_duplicate(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    struct ld_uid a = card(1);
    assert_true(ld_debounce_accept(&d, &a, 1000));
    assert_false(ld_debounce_accept(&d, &a, 1001));
    assert_false(ld_debounce_accept(&d, &a, 3000));
}

static void test_window_edge(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    struct ld_uid a = card(1), b = card(2);
    /* One millisecond inside the window: the same tap. */
    assert_true(ld_debounce_accept(&d, &a, 10000));
    assert_false(ld_debounce_accept(&d, &a, 14999));
    /* Exactly the window after the last sighting: a new event. */
    assert_true(ld_debounce_accept(&d, &b, 20000));
    assert_true(ld_debounce_accept(&d, &b, 25000));
    /* The window counts from the last sighting, which the duplicate moved on. */
    assert_true(ld_debounce_accept(&d, &a, 19999));
}

static void test_held_card_is_one_event(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    struct ld_uid a = card(7);
    int events = 0;
    int64_t t;
    /* Seen at every poll, 300 ms apart, for 30 s. */
    for (t = 0; t <= 30000; t += 300)
        events += ld_debounce_accept(&d, &a, t);
    assert_int_equal(events, 1);
    /* Taken away after its last sighting at t - 300, tapped again 5 s later: a new event. */
    assert_true(ld_debounce_accept(&d, &a, t - 300 + 5000));
}

static void test_two_cards_alternating(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    struct ld_uid a = card(1), b = card(2);
    int events_a = 0, events_b = 0;
    /* Two children swapping cards on the reader, each seen every 2 s. */
    for (int64_t t = 0; t < 30000; t += 2000) {
        events_a += ld_debounce_accept(&d, &a, t);
        events_b += ld_debounce_accept(&d, &b, t + 1000);
    }
    assert_int_equal(events_a, 1);
    assert_int_equal(events_b, 1);
}

static void test_different_card_accepted_at_once(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    struct ld_uid a = card(1), b = card(2);
    assert_true(ld_debounce_accept(&d, &a, 0));
    assert_true(ld_debounce_accept(&d, &b, 1));
    /* Same bytes, different length: a different card. */
    struct ld_uid a7 = a;
    a7.len = 7;
    assert_true(ld_debounce_accept(&d, &a7, 2));
}

static void test_table_full_forgets_oldest(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    for (unsigned i = 0; i < LD_DEBOUNCE_SLOTS; i++) {
        struct ld_uid u = card(i);
        assert_true(ld_debounce_accept(&d, &u, i));
    }
    /* One more card than slots: still accepted; card 0, seen longest ago, is forgotten. */
    struct ld_uid extra = card(100);
    assert_true(ld_debounce_accept(&d, &extra, 100));
    struct ld_uid u0 = card(0), u2 = card(2), last = card(LD_DEBOUNCE_SLOTS - 1);
    assert_true(ld_debounce_accept(&d, &u0, 101)); /* forgotten: counts again (evicts card 1) */
    assert_false(ld_debounce_accept(&d, &u2, 102));
    assert_false(ld_debounce_accept(&d, &last, 103));
    assert_false(ld_debounce_accept(&d, &extra, 104));
    /* Many more cards never grow the table. */
    for (unsigned i = 200; i < 1200; i++) {
        struct ld_uid u = card(i);
        assert_true(ld_debounce_accept(&d, &u, 1000 + i));
    }
    assert_int_equal(d.used, LD_DEBOUNCE_SLOTS);
}

static void test_expired_entries_are_reused(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    for (unsigned i = 0; i < LD_DEBOUNCE_SLOTS; i++) {
        struct ld_uid u = card(i);
        assert_true(ld_debounce_accept(&d, &u, 0));
    }
    /* Long after: every card is new again. */
    for (unsigned i = 0; i < LD_DEBOUNCE_SLOTS; i++) {
        struct ld_uid u = card(i);
        assert_true(ld_debounce_accept(&d, &u, 60000));
    }
}

static void test_zero_and_default_windows(void **state)
{
    struct ld_debounce d;
    struct ld_uid a = card(1);
    ld_debounce_init(&d, 0);
    assert_true(ld_debounce_accept(&d, &a, 0));
    assert_true(ld_debounce_accept(&d, &a, 0));
    ld_debounce_init(&d, -1);
    assert_int_equal(d.window_ms, LD_DEBOUNCE_DEFAULT_MS);
    assert_true(ld_debounce_accept(&d, &a, 0));
    assert_false(ld_debounce_accept(&d, &a, LD_DEBOUNCE_DEFAULT_MS - 1));
}

static void test_empty_uid_and_clock_backwards(void **state)
{
    struct ld_debounce d;
    ld_debounce_init(&d, 5000);
    struct ld_uid none = {0};
    assert_false(ld_debounce_accept(&d, &none, 0));
    assert_int_equal(d.used, 0);
    struct ld_uid a = card(1);
    assert_true(ld_debounce_accept(&d, &a, 10000));
    assert_false(ld_debounce_accept(&d, &a, 2000)); /* earlier than the last sighting */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_sighting_then_duplicate),
        cmocka_unit_test(test_window_edge),
        cmocka_unit_test(test_held_card_is_one_event),
        cmocka_unit_test(test_two_cards_alternating),
        cmocka_unit_test(test_different_card_accepted_at_once),
        cmocka_unit_test(test_table_full_forgets_oldest),
        cmocka_unit_test(test_expired_entries_are_reused),
        cmocka_unit_test(test_zero_and_default_windows),
        cmocka_unit_test(test_empty_uid_and_clock_backwards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
