/* test_flow.c: the kiosk's state machine and timers, driven by cards, touches and a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "SDL.h"
#include "events.h"
#include "harness.h"

static int setup(void **state)
{
    return harness_setup_800(state);
}

static int teardown(void **state)
{
    return harness_teardown(state);
}

static const struct kiosk_fake_log *fake_log(struct harness *h)
{
    return kiosk_fake_log(h->fake);
}

static void staff_pin(struct harness *h, const char *pin)
{
    for (const char *p = pin; *p; p++) {
        char k[2] = {*p, '\0'};
        harness_touch(h, k);
    }
    harness_touch(h, "OK");
}

/* Staff card at a gate kiosk at 09:25, the sensitive lists on or off. */
static void staff_at_the_gate(struct harness *h, bool lists)
{
    kiosk_fake_set_gate_mode(h->fake, true);
    kiosk_fake_set_staff_lists(h->fake, lists);
    harness_restart_app(h);
    harness_at(h, 9, 25);
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
}

/* A child finds their name by touch and confirms it. */
static void touch_sign_in(struct harness *h, const char *class_name, const char *name)
{
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, class_name);
    harness_touch(h, name);
    harness_touch(h, "Yes, sign me in");
}

/* ---- taps and reasons ------------------------------------------------------------------- */

static void test_on_time_greets_then_idles(void **state)
{
    struct harness *h = *state;
    harness_at(h, 8, 45);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "arrived");
    const struct kiosk_greeting *g = kiosk_app_greeting(h->app);
    assert_string_equal(g->name, "Zoë A.");
    assert_string_equal(g->time, "08:45");
    assert_int_equal(g->outcome, LD_OUTCOME_ON_TIME);
    harness_advance(h, 3999);
    harness_expect(h, "greet", "");
    harness_advance(h, 1);
    harness_expect(h, "idle", "");
    assert_int_equal(fake_log(h)->reasons, 0);
}

static void test_reason_timeout_records_no_reason_given(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 5);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    const struct kiosk_greeting *g = kiosk_app_greeting(h->app);
    assert_int_equal(g->outcome, LD_OUTCOME_LATE_OPEN);
    assert_true(g->ask_reason);
    char ref[KIOSK_REF_MAX];
    strcpy(ref, g->arrival);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
    /* The school's reason_timeout_s is 20: nothing at 19.9 s, "no reason given" at 20 s. */
    harness_advance(h, 19999);
    harness_expect(h, "reason", "late");
    assert_int_equal(fake_log(h)->reasons, 0);
    harness_advance(h, 1);
    harness_expect(h, "idle", "");
    assert_int_equal(fake_log(h)->reasons, 1);
    assert_int_equal(fake_log(h)->no_reasons, 1);
    assert_string_equal(fake_log(h)->last_ref, ref);
}

static void test_reason_chosen_then_thanks(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    assert_int_equal(kiosk_app_greeting(h->app)->outcome, LD_OUTCOME_LATE_CLOSED);
    /* A touch skips the wait. */
    harness_touch(h, "Continue");
    harness_expect(h, "reason", "late");
    assert_true(kiosk_app_has_button(h->app, "Skip"));
    harness_touch(h, "Traffic");
    harness_expect(h, "greet", "thanks");
    assert_string_equal(fake_log(h)->last_reason, "Traffic");
    assert_string_equal(kiosk_app_greeting(h->app)->reason, "Traffic");
    harness_advance(h, 3000);
    harness_expect(h, "idle", "");
    assert_int_equal(fake_log(h)->reasons, 1);
}

/* Today's late list as the fake gives it: the row of name (fails when it is not there). */
static struct kiosk_arrival late_row(struct harness *h, const char *name)
{
    struct kiosk_backend be = kiosk_fake_backend(h->fake);
    struct kiosk_arrival_list *l = malloc(sizeof *l);
    struct kiosk_arrival row;
    assert_non_null(l);
    assert_int_equal(be.ops->arrivals_today(be.impl, true, l), LD_OK);
    size_t i = 0;
    while (i < l->n && strcmp(l->items[i].name, name) != 0)
        i++;
    assert_true(i < l->n);
    row = l->items[i];
    free(l);
    return row;
}

/* How many arrivals today's late list holds (the fake's). */
static size_t late_row_count(struct harness *h)
{
    struct kiosk_backend be = kiosk_fake_backend(h->fake);
    struct kiosk_arrival_list *l = malloc(sizeof *l);
    assert_non_null(l);
    assert_int_equal(be.ops->arrivals_today(be.impl, true, l), LD_OK);
    size_t n = l->total;
    free(l);
    return n;
}

/*
 * A medical appointment chosen at the door after the register closed is a claim (issue 15):
 * the mark stays U and the staff late list says it needs evidence; a staff member confirms it
 * from its row, and then the school's code, M, stands. A row with nothing to confirm is no
 * button.
 */
static void test_claimed_reason_confirmed_by_staff(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_touch(h, "Continue");
    harness_touch(h, "Medical appointment");
    harness_expect(h, "greet", "thanks");
    struct kiosk_arrival row = late_row(h, "Zoë A.");
    assert_int_equal(row.code, LD_CODE_U);
    assert_true(row.needs_evidence);
    harness_advance(h, 3000);
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Late today");
    harness_expect(h, "staff", "late");
    harness_touch(h, "Zoë A.");
    assert_int_equal(fake_log(h)->confirms, 1);
    harness_expect(h, "staff", "late");
    row = late_row(h, "Zoë A.");
    assert_int_equal(row.code, LD_CODE_M);
    assert_false(row.needs_evidence);
    assert_false(kiosk_app_has_button(h->app, "Zoë A.")); /* nothing left to confirm */
}

/*
 * The end-to-end tests' longer greeting (--greet-ms): the closed day's greeting stays until
 * then, and a touch still ends it at once.
 */
static void test_greet_ms_holds_the_greeting(void **state)
{
    struct harness *h = *state;
    h->greet_ms = 60000;
    harness_restart_app(h);
    kiosk_fake_set_closed_day(h->fake, "INSET day");
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "closed");
    harness_advance(h, 59000);
    harness_expect(h, "greet", "closed");
    harness_advance(h, 1000);
    harness_expect(h, "idle", "");
    harness_card(h, KIOSK_FAKE_CARD_THEO);
    harness_expect(h, "greet", "closed");
    harness_touch(h, "Continue");
    harness_expect(h, "idle", "");
}

/*
 * A tap on a closed day is told so, with the day's name, and asks no reason; after the school
 * day ends a tap or a touch sign-in is told school has finished, and nothing is recorded; a
 * staff card still opens staff mode.
 */
static void test_closed_day_and_after_school_tell_the_child(void **state)
{
    struct harness *h = *state;
    kiosk_fake_set_closed_day(h->fake, "INSET day");
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "closed");
    assert_string_equal(kiosk_app_greeting(h->app)->closed, "INSET day");
    assert_int_equal(fake_log(h)->closed, 1);
    harness_advance(h, 5000);
    harness_expect(h, "idle", ""); /* no reason asked */
    kiosk_fake_set_closed_day(h->fake, NULL);
    size_t late = late_row_count(h);
    harness_at(h, 15, 29); /* the last minute of the school day still signs in */
    harness_card(h, KIOSK_FAKE_CARD_THEO);
    harness_expect(h, "greet", "arrived");
    harness_advance(h, 5000);
    harness_touch(h, "Skip");
    harness_expect(h, "idle", "");
    harness_at(h, 15, 45);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_expect(h, "greet", "closed");
    assert_string_equal(kiosk_app_greeting(h->app)->closed, KIOSK_AFTER_SCHOOL);
    harness_advance(h, 5000);
    touch_sign_in(h, "3B", "Zoë A.");
    harness_expect(h, "greet", "closed");
    assert_int_equal(fake_log(h)->closed, 3);
    harness_advance(h, 5000);
    harness_expect(h, "idle", "");
    assert_int_equal(late_row_count(h), late + 1); /* Theo's alone */
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_expect(h, "staff", "home");
}

static void test_skip_records_no_reason(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 10);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_advance(h, 3000);
    harness_touch(h, "Skip");
    harness_expect(h, "idle", "");
    assert_int_equal(fake_log(h)->no_reasons, 1);
}

static void test_next_tap_waits_its_turn(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 6);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
    /* Łukasz taps while Zoë's parent reads the reasons: his arrival is recorded at once, and
     * he waits; nothing is recorded for Zoë meanwhile. */
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    assert_int_equal(fake_log(h)->taps, 2);
    assert_int_equal(fake_log(h)->reasons, 0);
    assert_int_equal(kiosk_app_queued(h->app), 1);
    harness_expect(h, "reason", "late");
    assert_string_equal(kiosk_app_greeting(h->app)->name, "Zoë A.");
    harness_touch(h, "Traffic");
    harness_expect(h, "greet", "thanks");
    assert_false(kiosk_app_has_button(h->app, "Sign in another child")); /* Łukasz is next */
    harness_advance(h, 3000);
    harness_expect(h, "greet", "arrived");
    assert_string_equal(kiosk_app_greeting(h->app)->name, "Łukasz W.");
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late"); /* not Zoë's brother: his own question */
    harness_touch(h, "Overslept");
    assert_int_equal(fake_log(h)->reasons, 2);
    assert_string_equal(fake_log(h)->last_reason, "Overslept");
    assert_int_equal(fake_log(h)->no_reasons, 0);
}

static void test_siblings_keep_both_reasons(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    /* Her brother's card three seconds later, as she reaches the reasons. */
    harness_advance(h, 3000);
    harness_card(h, KIOSK_FAKE_CARD_THEO);
    harness_expect(h, "reason", "late");
    harness_touch(h, "Medical appointment");
    char zoe_ref[KIOSK_REF_MAX];
    strcpy(zoe_ref, fake_log(h)->last_ref);
    harness_advance(h, 3000);
    harness_expect(h, "greet", "arrived");
    assert_string_equal(kiosk_app_greeting(h->app)->name, "Theo A.");
    harness_advance(h, 3000);
    /* The same family: "Same reason for Theo A. too?" */
    harness_expect(h, "reason", "same");
    assert_true(kiosk_app_has_button(h->app, "Yes: Medical appointment"));
    harness_touch(h, "Yes: Medical appointment");
    harness_expect(h, "greet", "thanks");
    assert_int_equal(fake_log(h)->reasons, 2);
    assert_int_equal(fake_log(h)->no_reasons, 0);
    assert_string_equal(fake_log(h)->last_reason, "Medical appointment");
    assert_string_not_equal(fake_log(h)->last_ref, zoe_ref);
}

static void test_sibling_may_give_another_reason(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 10);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_advance(h, 3000);
    harness_touch(h, "Traffic");
    /* No card for Theo today: his parent signs him in from the thank-you screen. */
    harness_touch(h, "Sign in another child");
    harness_expect(h, "touch", "classes");
    harness_touch(h, "R");
    harness_touch(h, "Theo A.");
    harness_touch(h, "Yes, sign me in");
    harness_advance(h, 3000);
    harness_expect(h, "reason", "same");
    harness_touch(h, "No, another reason");
    harness_expect(h, "reason", "late");
    harness_touch(h, "Overslept");
    assert_string_equal(fake_log(h)->last_reason, "Overslept");
    assert_int_equal(fake_log(h)->reasons, 2);
}

static void test_staff_card_settles_the_waiting_reasons(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 6);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_expect(h, "staff", "home");
    assert_int_equal(fake_log(h)->no_reasons, 2);
    assert_int_equal(kiosk_app_queued(h->app), 0);
}

static void test_already_signed_in_is_not_a_second_arrival(void **state)
{
    struct harness *h = *state;
    harness_card(h, KIOSK_FAKE_CARD_SIOBHAN);
    harness_expect(h, "greet", "already");
    assert_string_equal(kiosk_app_greeting(h->app)->time, "08:41");
    harness_at(h, 9, 0);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_advance(h, 5000);
    harness_card(h, KIOSK_FAKE_CARD_ZOE); /* waits while her reason is asked */
    harness_touch(h, "Skip");
    harness_expect(h, "greet", "already");
    assert_string_equal(kiosk_app_greeting(h->app)->time, "09:00");
    assert_int_equal(fake_log(h)->taps, 3);
}

static void test_unknown_card_then_find_my_name(void **state)
{
    struct harness *h = *state;
    harness_at(h, 8, 52);
    harness_card(h, "04DEADBEEF0199");
    harness_expect(h, "unknown", "");
    harness_advance(h, 9999);
    harness_expect(h, "unknown", "");
    harness_touch(h, "Find my name instead");
    harness_expect(h, "touch", "classes");
    harness_touch(h, "3B");
    harness_touch(h, "Zoë A.");
    harness_touch(h, "Yes, sign me in");
    harness_expect(h, "greet", "arrived");
    assert_int_equal(fake_log(h)->sign_ins, 1);
    assert_int_equal(fake_log(h)->taps, 1); /* the card itself was kept for the office */
}

static void test_unknown_card_then_enrol(void **state)
{
    struct harness *h = *state;
    harness_card(h, "04AABBCCDD0011");
    harness_expect(h, "unknown", "");
    harness_advance(h, 10000);
    harness_expect(h, "idle", "");

    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_expect(h, "staff", "home");
    harness_touch(h, "Enrol a card");
    harness_expect(h, "staff", "enrol");
    harness_touch(h, "Card ending 0011");
    harness_expect(h, "touch", "classes");
    harness_touch(h, "2B");
    harness_touch(h, "An N.");
    harness_expect(h, "touch", "confirm");
    harness_touch(h, "Enrol card");
    harness_expect(h, "staff", "enrol");
    assert_int_equal(fake_log(h)->enrols, 1);
    assert_string_equal(fake_log(h)->last_uid, "04AABBCCDD0011");
    assert_false(kiosk_app_has_button(h->app, "Card ending 0011"));
    /* The card now signs An in. */
    harness_card(h, "04AABBCCDD0011");
    harness_expect(h, "greet", "arrived");
    assert_string_equal(kiosk_app_greeting(h->app)->name, "An N.");
    assert_false(kiosk_app_staff_unlocked(h->app));
}

/* ---- touch sign-in ---------------------------------------------------------------------- */

static void test_touch_sign_in(void **state)
{
    struct harness *h = *state;
    harness_at(h, 8, 49);
    harness_touch(h, "Tap your card or touch here");
    harness_expect(h, "touch", "classes");
    harness_touch(h, "3B");
    harness_expect(h, "touch", "names");
    harness_touch(h, "Zoë A.");
    harness_expect(h, "touch", "confirm");
    harness_touch(h, "No, go back");
    harness_expect(h, "touch", "names");
    harness_touch(h, "Zoë A.");
    harness_touch(h, "Yes, sign me in");
    harness_expect(h, "greet", "arrived");
    assert_int_equal(fake_log(h)->sign_ins, 1);
    assert_int_equal(kiosk_app_greeting(h->app)->outcome, LD_OUTCOME_ON_TIME);
}

static void test_touch_sign_ins_are_listed_for_staff(void **state)
{
    struct harness *h = *state;
    harness_at(h, 8, 49);
    touch_sign_in(h, "3B", "Zoë A.");
    harness_touch(h, "Continue");
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ); /* a card: nothing to check */
    harness_touch(h, "Continue");
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Touch sign-ins");
    harness_expect(h, "staff", "touched");
    assert_true(kiosk_app_has_button(h->app, "Zoë A."));
    assert_false(kiosk_app_has_button(h->app, "Łukasz W."));
    /* A wrong one is voided from there. */
    harness_touch(h, "Zoë A.");
    harness_expect(h, "staff", "void-confirm");
}

/* The school asks for a staff card or PIN behind a touch sign-in after the register closes. */
static void test_touch_after_close_needs_staff(void **state)
{
    struct harness *h = *state;
    kiosk_fake_set_confirm_late_touch(h->fake, true);
    harness_restart_app(h);
    harness_at(h, 9, 20); /* still open: anyone's touch, as before */
    touch_sign_in(h, "3B", "Amara O.");
    harness_expect(h, "greet", "arrived");
    assert_int_equal(fake_log(h)->sign_ins, 1);
    harness_advance(h, 3000);
    harness_touch(h, "Skip");
    harness_at(h, 9, 31);
    touch_sign_in(h, "3B", "Zoë A.");
    harness_expect(h, "pin", "");
    assert_int_equal(fake_log(h)->sign_ins, 1); /* nothing yet */
    harness_touch(h, "Cancel");                 /* nobody confirmed it: nothing recorded */
    harness_expect(h, "idle", "");
    assert_int_equal(fake_log(h)->sign_ins, 1);
    /* Nor when a child's card comes meanwhile: a staff card after it confirms nothing. */
    touch_sign_in(h, "3B", "Zoë A.");
    harness_expect(h, "pin", "");
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    assert_int_equal(fake_log(h)->sign_ins, 1);
    harness_expect(h, "staff", "home");
    harness_touch(h, "Lock now");
    touch_sign_in(h, "3B", "Zoë A.");
    staff_pin(h, KIOSK_FAKE_PIN);
    /* Recorded as the staff member's, and the child goes on to the reason; staff mode stays
     * locked. */
    harness_expect(h, "greet", "arrived");
    assert_int_equal(fake_log(h)->sign_ins, 2);
    assert_false(kiosk_app_staff_unlocked(h->app));
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
}

/* Types letters on the search keypad: each gives way to the names found, "Letters" returns. */
static void type_letters(struct harness *h, const char *letters)
{
    for (const char *c = letters; *c; c++) {
        char k[2] = {*c, '\0'};
        harness_expect(h, "touch", "keypad");
        harness_touch(h, k);
        harness_expect(h, "touch", "found");
        if (c[1])
            harness_touch(h, "Letters");
    }
}

static void test_search_keypad_ignores_accents(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "Search by name");
    harness_expect(h, "touch", "keypad");
    type_letters(h, "ZOE");
    assert_true(kiosk_app_has_button(h->app, "Zoë A."));
    harness_touch(h, "Letters");
    harness_touch(h, "Delete");
    harness_touch(h, "Delete");
    harness_touch(h, "Delete");
    harness_expect(h, "touch", "keypad");
    assert_false(kiosk_app_has_button(h->app, "Zoë A."));
    type_letters(h, "LUK");
    harness_touch(h, "Łukasz W.");
    harness_expect(h, "touch", "confirm");
    harness_touch(h, "No, go back");
    harness_expect(h, "touch", "found");
    harness_touch(h, "Letters");
    harness_touch(h, "Classes");
    harness_expect(h, "touch", "classes");
}

/* A letter nobody's name starts with: said, and Letters goes back to try another. */
static void test_search_finds_nobody(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "Search by name");
    type_letters(h, "QX");
    assert_true(kiosk_app_has_button(h->app, "Letters"));
    assert_false(kiosk_app_has_button(h->app, "Zoë A."));
    harness_touch(h, "Letters");
    harness_expect(h, "touch", "keypad");
}

static void test_touch_screen_times_out(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "3B");
    harness_advance(h, 29000);
    harness_expect(h, "touch", "names");
    harness_advance(h, 1000);
    harness_expect(h, "idle", "");
}

/* Every class and name button, and every key of the search keypad, at least 14 mm, with 3 mm
 * between them, for small fingers. With whole every button counts (the keypad fills the
 * screen below its title); else the footer (staff's 9 mm "Back", "More") is left out. */
static void assert_pupil_targets_of(struct harness *h, bool whole)
{
    /* 133 dpi: 14 mm is 73.3 px, 3 mm 15.7 px (rounded up). */
    SDL_Rect r, prev = {0, 0, 0, 0};
    const char *label;
    size_t checked = 0;
    for (size_t i = 0; kiosk_app_button_at(h->app, i, &r, &label); i++) {
        if (strstr(label, " \xc2\xb7 "))
            continue; /* the header's language button ("Polski · Română"): 9 mm, for grown-ups */
        if (!whole && (r.y + r.h > h->h - 90 || r.h > 200))
            continue; /* the footer and hidden areas */
        if (r.w < 74 || r.h < 74)
            fail_msg("%dx%d: \"%s\" is %dx%d", h->w, h->h, label, r.w, r.h);
        if (checked++ && r.y == prev.y) /* the next in a row: 3 mm from the one before */
            assert_true(r.x - (prev.x + prev.w) >= 16);
        else if (checked > 1) /* the first of the next row: 3 mm below */
            assert_true(r.y - (prev.y + prev.h) >= 16);
        prev = r;
    }
    assert_true(checked > 0);
}

static void assert_pupil_targets(struct harness *h)
{
    assert_pupil_targets_of(h, false);
}

static void test_pupil_targets_are_at_least_14_mm(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Tap your card or touch here");
    assert_pupil_targets(h);
    harness_touch(h, "3B");
    assert_pupil_targets(h);
    /* The 28 names of 3B take two pages now: each page as big. */
    assert_true(kiosk_app_has_button(h->app, "Zoë A."));
    harness_touch(h, "More");
    assert_pupil_targets(h);
    assert_true(kiosk_app_has_button(h->app, "Oscar P."));
    harness_touch(h, "Oscar P.");
    harness_expect(h, "touch", "confirm");
}

/* The search keypad's letters too, on the 7-inch panel and the larger screens: all 26 on one
 * screen, in order, with Delete and Back; and the names a letter finds. */
static void test_search_keys_are_at_least_14_mm(void **state)
{
    static const int sizes[][2] = {{800, 480}, {1024, 600}, {1920, 1080}};
    struct harness *h = *state;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        harness_close(h);
        harness_open(h, sizes[s][0], sizes[s][1]);
        harness_touch(h, "Tap your card or touch here");
        harness_touch(h, "Search by name");
        harness_expect(h, "touch", "keypad");
        assert_pupil_targets_of(h, true);
        SDL_Rect r;
        const char *label;
        size_t n = 0, keys = 0;
        for (; kiosk_app_button_at(h->app, n, &r, &label); n++) {
            if (n < 26)
                assert_true(label[0] == 'A' + (int)n && label[1] == '\0');
            keys += strstr(label, " \xc2\xb7 ") == NULL; /* not the language button */
        }
        assert_int_equal(keys, 28);
        assert_true(kiosk_app_has_button(h->app, "Delete"));
        assert_true(kiosk_app_has_button(h->app, "Classes"));
        harness_touch(h, "A");
        harness_expect(h, "touch", "found");
        assert_pupil_targets(h);
    }
}

/* The words a frame draws are kept for the end-to-end tests' screenshots when asked. */
static void test_screen_words_kept_for_screenshots(void **state)
{
    struct harness *h = *state;
    kiosk_app_render(h->app, true, true);
    assert_string_equal(kiosk_ui_text_logged(h->ui), "");
    assert_int_equal(kiosk_ui_log_text(h->ui), LD_OK);
    kiosk_app_render(h->app, true, true);
    assert_non_null(strstr(kiosk_ui_text_logged(h->ui), "Tap your card or touch here\n"));
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    kiosk_app_render(h->app, true, true);
    /* Each frame's own words only. */
    assert_null(strstr(kiosk_ui_text_logged(h->ui), "Tap your card or touch here"));
    assert_non_null(strstr(kiosk_ui_text_logged(h->ui), "Zoë A.\nSigned in at 09:31\n"));
}

/* ---- the pupil's photo on "Is this you?" ------------------------------------------------ */

static int photo_logs;

static void count_photo_logs(void *ud, int category, SDL_LogPriority priority, const char *msg)
{
    (void)ud, (void)category, (void)priority;
    if (strstr(msg, "photo not shown"))
        photo_logs++;
}

/* To the confirmation of name in 3B. */
static void to_confirm(struct harness *h, const char *name)
{
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "3B");
    harness_touch(h, name);
    harness_expect(h, "touch", "confirm");
}

static void test_photo_shows_on_is_this_you_only(void **state)
{
    struct harness *h = *state;
    harness_photo(h, "Zoë A.", 240, 320);
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "3B");
    assert_false(kiosk_app_photo_shown(h->app));
    harness_touch(h, "Zoë A.");
    assert_true(kiosk_app_photo_shown(h->app));
    /* Laid out as without a photo: Yes stays bottom left. */
    assert_true(kiosk_app_has_button(h->app, "Yes, sign me in"));
    harness_touch(h, "No, go back");
    harness_expect(h, "touch", "names");
    assert_false(kiosk_app_photo_shown(h->app));
    /* A child with no photo: the confirmation as before. */
    harness_touch(h, "More");
    harness_touch(h, "Oscar P.");
    harness_expect(h, "touch", "confirm");
    assert_false(kiosk_app_photo_shown(h->app));
    harness_touch(h, "No, go back");
    harness_touch(h, "Classes");
    harness_touch(h, "3B");
    harness_touch(h, "Zoë A.");
    assert_true(kiosk_app_photo_shown(h->app));
    harness_touch(h, "Yes, sign me in");
    harness_expect(h, "greet", "arrived");
    assert_false(kiosk_app_photo_shown(h->app));
}

/* Staff's pickers (here enrolling a card) show no photo: only the child's own "Is this you?". */
static void test_photo_not_on_staff_pickers(void **state)
{
    struct harness *h = *state;
    harness_photo(h, "An N.", 240, 320);
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "2B");
    harness_touch(h, "An N.");
    assert_true(kiosk_app_photo_shown(h->app)); /* the same child, by her own touch */
    harness_touch(h, "No, go back");
    harness_touch(h, "Classes");
    harness_touch(h, "Back");
    harness_card(h, "04DEADBEEF0199");
    harness_touch(h, "Continue");
    harness_touch(h, "Staff");
    staff_pin(h, KIOSK_FAKE_PIN);
    harness_touch(h, "Enrol a card");
    harness_touch(h, "Card ending 0199");
    harness_touch(h, "2B");
    harness_touch(h, "An N.");
    harness_expect(h, "touch", "confirm");
    assert_false(kiosk_app_photo_shown(h->app));
}

static void test_photo_corrupt_falls_back_and_is_logged_once(void **state)
{
    struct harness *h = *state;
    const char *path = harness_photo(h, "Zoë A.", 240, 320);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\x89PNG but not really", f);
    fclose(f);
    SDL_LogOutputFunction old;
    void *old_ud;
    SDL_LogGetOutputFunction(&old, &old_ud);
    SDL_LogSetOutputFunction(count_photo_logs, NULL);
    photo_logs = 0;
    to_confirm(h, "Zoë A.");
    assert_false(kiosk_app_photo_shown(h->app));
    harness_touch(h, "No, go back");
    harness_touch(h, "Zoë A.");
    assert_false(kiosk_app_photo_shown(h->app));
    SDL_LogSetOutputFunction(old, old_ud);
    assert_int_equal(photo_logs, 1);
    /* The child signs in all the same. */
    harness_touch(h, "Yes, sign me in");
    harness_expect(h, "greet", "arrived");
    assert_int_equal(fake_log(h)->sign_ins, 1);
}

/* ---- the input guard -------------------------------------------------------------------- */

static void test_touches_ignored_just_after_a_card(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 5);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_expect(h, "greet", "arrived");
    /* The card changed the screen: a touch within 0.7 s meant the screen before. */
    assert_true(kiosk_app_touch(h->app, "Continue"));
    harness_expect(h, "greet", "arrived");
    harness_advance(h, 699);
    assert_true(kiosk_app_touch(h->app, "Continue"));
    harness_expect(h, "greet", "arrived");
    harness_advance(h, 1);
    assert_int_equal(kiosk_app_guard_ms(h->app), 0);
    assert_true(kiosk_app_touch(h->app, "Continue"));
    harness_expect(h, "reason", "late");
    /* A screen the user's own touch opened takes the next touch at once. */
    assert_int_equal(kiosk_app_guard_ms(h->app), 0);
    assert_true(kiosk_app_touch(h->app, "Traffic"));
    harness_expect(h, "greet", "thanks");
}

static void test_reason_screen_by_timeout_ignores_a_touch_in_flight(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 5);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
    assert_true(kiosk_app_touch(h->app, "Medical appointment"));
    harness_expect(h, "reason", "late");
    assert_int_equal(fake_log(h)->reasons, 0);
}

static void test_pin_timeout_fall_through_is_ignored(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 40);
    harness_touch(h, "Staff");
    harness_touch(h, "2");
    harness_touch(h, "4");
    harness_advance(h, 30000);
    harness_expect(h, "idle", "");
    /* The rest of "2468 OK", tapped as the pad gives up, opens nothing. */
    SDL_Rect r;
    assert_true(kiosk_app_button_rect(h->app, "Tap your card or touch here", &r));
    kiosk_app_touch_at(h->app, r.x + r.w / 2, r.y + r.h / 3);
    harness_advance(h, 300);
    kiosk_app_touch_at(h->app, r.x + r.w / 2, r.y + r.h / 3);
    harness_expect(h, "idle", "");
    assert_int_equal(fake_log(h)->sign_ins, 0);
}

static void test_a_warning_counts_down_before_a_timeout(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Tap your card or touch here");
    harness_touch(h, "3B");
    harness_advance(h, 19999);
    assert_int_equal(kiosk_app_timeout_warning(h->app), 0);
    harness_advance(h, 1);
    assert_int_equal(kiosk_app_timeout_warning(h->app), 10);
    assert_true(kiosk_app_render(h->app, false, false));
    harness_advance(h, 1000);
    assert_int_equal(kiosk_app_timeout_warning(h->app), 9);
    assert_true(kiosk_app_render(h->app, false, false));
    /* A touch anywhere keeps the screen. */
    kiosk_app_touch_at(h->app, 2, h->h / 2);
    assert_int_equal(kiosk_app_timeout_warning(h->app), 0);
    harness_expect(h, "touch", "names");
    /* The PIN pad and staff mode warn too. */
    harness_touch(h, "Classes");
    harness_touch(h, "Back");
    harness_touch(h, "Staff");
    harness_advance(h, 20000);
    assert_int_equal(kiosk_app_timeout_warning(h->app), 10);
}

/* Where the PIN pad's OK was, no other screen has a confirmation, at either size. */
static void yes_is_not_where_ok_was(int w, int hh)
{
    struct harness h;
    harness_open(&h, w, hh);
    harness_touch(&h, "Staff");
    SDL_Rect ok, yes;
    assert_true(kiosk_app_button_rect(h.app, "OK", &ok));
    harness_touch(&h, "Cancel");
    harness_touch(&h, "Tap your card or touch here");
    harness_touch(&h, "3B");
    harness_touch(&h, "Zoë A.");
    assert_true(kiosk_app_button_rect(h.app, "Yes, sign me in", &yes));
    assert_false(SDL_HasIntersection(&ok, &yes));
    harness_close(&h);
}

static void test_confirm_is_not_where_the_pin_ok_was(void **state)
{
    (void)state;
    yes_is_not_where_ok_was(800, 480);
    yes_is_not_where_ok_was(1920, 1080);
}

/* ---- staff ------------------------------------------------------------------------------ */

static void test_five_wrong_pins_lock_for_a_minute(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    harness_expect(h, "pin", "");
    for (int i = 0; i < 5; i++)
        staff_pin(h, "1111");
    /* each wrong PIN an event for the office, naming whom it was tried for (issue 15) */
    assert_int_equal(fake_log(h)->pin_wrongs, 5);
    assert_string_equal(fake_log(h)->last_pin_staff, KIOSK_FAKE_STAFF_ID);
    /* Locked: even the right PIN is refused, and the backend is not asked. */
    staff_pin(h, KIOSK_FAKE_PIN);
    harness_expect(h, "pin", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
    harness_advance(h, 25000);
    staff_pin(h, KIOSK_FAKE_PIN); /* still locked at 25 s (and keeps the pad from timing out) */
    harness_advance(h, 25000);
    staff_pin(h, KIOSK_FAKE_PIN); /* 50 s */
    harness_expect(h, "pin", "");
    harness_advance(h, 10000);
    staff_pin(h, KIOSK_FAKE_PIN); /* 60 s: the lock is over */
    harness_expect(h, "staff", "home");
    assert_true(kiosk_app_staff_unlocked(h->app));
    assert_int_equal(fake_log(h)->pin_wrongs, 5); /* neither the locked tries nor the right one */
}

/* The lock is kept by the backend: a restart neither clears it nor starts the count again. */
static void test_pin_lock_escalates_across_a_restart(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    for (int i = 0; i < 5; i++)
        staff_pin(h, "1111");
    harness_restart_app(h); /* the kiosk restarts during the first lock (a minute) */
    harness_touch(h, "Staff");
    staff_pin(h, KIOSK_FAKE_PIN);
    harness_expect(h, "pin", "");
    harness_advance(h, 60000);
    harness_touch(h, "Staff");
    for (int i = 0; i < 5; i++)
        staff_pin(h, "1111");
    harness_restart_app(h); /* and again during the second (5 minutes) */
    harness_advance(h, 4 * 60000);
    harness_touch(h, "Staff");
    staff_pin(h, KIOSK_FAKE_PIN);
    harness_expect(h, "pin", "");
    harness_advance(h, 60000);
    harness_touch(h, "Staff");
    staff_pin(h, KIOSK_FAKE_PIN);
    harness_expect(h, "staff", "home");
}

/* ---- the PIN checked on a worker thread --------------------------------------------------- */

/* The fake's ops, but its PIN check waits until the test lets it go: in flight for as long as
 * the test likes, so the test can show what the loop does meanwhile. */
static struct kiosk_backend_ops blocking_ops;
static const struct kiosk_backend_ops *fake_ops;
static SDL_sem *pin_gate;
static SDL_atomic_t pin_runs;

static enum kiosk_pin_result blocking_pin_run(void *check)
{
    SDL_AtomicIncRef(&pin_runs);
    SDL_SemWait(pin_gate);
    return fake_ops->pin_run(check);
}

static int setup_blocking(void **state)
{
    static struct harness h;
    harness_open(&h, 800, 480);
    fake_ops = kiosk_fake_backend(h.fake).ops;
    blocking_ops = *fake_ops;
    blocking_ops.pin_run = blocking_pin_run;
    pin_gate = SDL_CreateSemaphore(0);
    assert_non_null(pin_gate);
    SDL_AtomicSet(&pin_runs, 0);
    h.ops = &blocking_ops;
    harness_restart_app(&h);
    *state = &h;
    return 0;
}

static int teardown_blocking(void **state)
{
    SDL_SemPost(pin_gate); /* a check a failed test left waiting ends, and the app with it */
    harness_close(*state);
    SDL_DestroySemaphore(pin_gate);
    return 0;
}

/* Types pin and presses OK without waiting for the check (harness_touch would wait). */
static void start_pin(struct harness *h, const char *pin)
{
    for (const char *p = pin; *p; p++) {
        char k[2] = {*p, '\0'};
        assert_true(kiosk_app_touch(h->app, k));
    }
    assert_true(kiosk_app_touch(h->app, "OK"));
}

static void test_pin_check_leaves_the_screen_alive(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    start_pin(h, KIOSK_FAKE_PIN);
    assert_true(kiosk_app_pin_checking(h->app));
    harness_expect(h, "pin", "checking");
    /* Meanwhile the loop runs: the clock's minute turns and is drawn, the timers tick. */
    assert_true(kiosk_app_render(h->app, false, false));
    harness_at(h, 8, 58);
    harness_advance(h, 2000);
    assert_true(kiosk_app_render(h->app, false, false));
    harness_expect(h, "pin", "checking");
    harness_shot(h, "pin_checking"); /* "Checking your PIN…" with the clock at 08:58 */
    /* The pad takes no digit and no second OK: one check at a time, one try counted. */
    start_pin(h, "1111");
    SDL_SemPost(pin_gate);
    kiosk_app_pin_settle(h->app);
    harness_expect(h, "staff", "home");
    assert_true(kiosk_app_staff_unlocked(h->app));
    assert_int_equal(SDL_AtomicGet(&pin_runs), 1);
    assert_false(kiosk_app_pin_checking(h->app));
}

static void test_pin_result_arrives_as_an_sdl_event(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    start_pin(h, KIOSK_FAKE_PIN);
    SDL_SemPost(pin_gate);
    /* The worker posts KIOSK_EV_PIN; the loop's handling of it applies the result. */
    bool seen = false;
    for (int i = 0; i < 300 && kiosk_app_pin_checking(h->app); i++) {
        SDL_Event ev;
        if (!SDL_WaitEventTimeout(&ev, 100))
            continue;
        seen = seen || (ev.type == kiosk_events_type() && ev.user.code == KIOSK_EV_PIN);
        kiosk_app_handle(h->app, &ev);
        kiosk_events_release(&ev);
    }
    assert_true(seen);
    harness_expect(h, "staff", "home");
    /* Empty the queue as the loop would: SDL's poll sentinel must not stay behind in it. */
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        kiosk_app_handle(h->app, &ev);
        kiosk_events_release(&ev);
    }
}

static void test_card_during_pin_check_is_recorded_first(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    start_pin(h, KIOSK_FAKE_PIN);
    unsigned taps = fake_log(h)->taps;
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "arrived");
    assert_int_equal(fake_log(h)->taps, taps + 1);
    /* The right PIN's result comes too late: the pad was left, so it opens nothing. */
    SDL_SemPost(pin_gate);
    kiosk_app_pin_settle(h->app);
    harness_expect(h, "greet", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
}

static void test_cancel_during_pin_check_ignores_the_result(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    start_pin(h, KIOSK_FAKE_PIN);
    assert_true(kiosk_app_touch(h->app, "Cancel"));
    harness_expect(h, "idle", "");
    SDL_SemPost(pin_gate);
    kiosk_app_pin_settle(h->app);
    harness_expect(h, "idle", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
    /* Back on the pad, a check starts afresh and works. */
    harness_touch(h, "Staff");
    harness_expect(h, "pin", "");
    start_pin(h, KIOSK_FAKE_PIN);
    SDL_SemPost(pin_gate);
    kiosk_app_pin_settle(h->app);
    harness_expect(h, "staff", "home");
}

static void test_abandoned_wrong_pins_still_count(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    for (int i = 0; i < 4; i++) {
        start_pin(h, "1111");
        SDL_SemPost(pin_gate);
        kiosk_app_pin_settle(h->app);
        harness_expect(h, "pin", "");
    }
    /* The fifth wrong PIN, and the pad left by its timeout while it is checked. */
    start_pin(h, "1111");
    harness_advance(h, 30000);
    harness_expect(h, "idle", "");
    SDL_SemPost(pin_gate);
    kiosk_app_pin_settle(h->app);
    /* Locked all the same: even the right PIN is refused, and the backend is not asked. */
    harness_touch(h, "Staff");
    start_pin(h, KIOSK_FAKE_PIN);
    assert_false(kiosk_app_pin_checking(h->app));
    harness_expect(h, "pin", "");
    assert_int_equal(SDL_AtomicGet(&pin_runs), 5);
    harness_advance(h, 60000); /* the lock ends (and the pad times out meanwhile) */
    harness_expect(h, "idle", "");
    harness_touch(h, "Staff");
    start_pin(h, KIOSK_FAKE_PIN);
    SDL_SemPost(pin_gate);
    kiosk_app_pin_settle(h->app);
    harness_expect(h, "staff", "home");
}

static void test_staff_locks_itself_when_idle(void **state)
{
    struct harness *h = *state;
    harness_touch(h, "Staff");
    staff_pin(h, KIOSK_FAKE_PIN);
    harness_expect(h, "staff", "home");
    harness_advance(h, 50000);
    harness_touch(h, "Late today"); /* a touch starts the minute again */
    harness_expect(h, "staff", "late");
    harness_advance(h, 59000);
    harness_expect(h, "staff", "late");
    harness_advance(h, 1000);
    harness_expect(h, "idle", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
    /* The staff button asks for the PIN again. */
    harness_touch(h, "Staff");
    harness_expect(h, "pin", "");
}

static void test_staff_card_and_a_child_tap_lock(void **state)
{
    struct harness *h = *state;
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_expect(h, "staff", "home");
    assert_true(kiosk_app_staff_unlocked(h->app));
    harness_touch(h, "Lock now");
    harness_expect(h, "idle", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
}

static void test_void_a_tap(void **state)
{
    struct harness *h = *state;
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Void a tap");
    harness_touch(h, "Tomás B.");
    harness_expect(h, "staff", "void-confirm");
    harness_touch(h, "Keep it");
    harness_expect(h, "staff", "void");
    assert_int_equal(fake_log(h)->voids, 0);
    harness_touch(h, "Tomás B.");
    harness_touch(h, "Void arrival");
    harness_expect(h, "staff", "void");
    assert_int_equal(fake_log(h)->voids, 1);
    assert_false(kiosk_app_has_button(h->app, "Tomás B."));
}

static void test_sign_out_and_back_in(void **state)
{
    struct harness *h = *state;
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Sign out / back in");
    harness_touch(h, "Sign a pupil out");
    harness_expect(h, "touch", "classes");
    harness_touch(h, "4B");
    harness_touch(h, "Siobhán O.");
    harness_expect(h, "reason", "sign-out");
    harness_touch(h, "Dental appointment");
    harness_expect(h, "staff", "away");
    assert_int_equal(fake_log(h)->sign_outs, 1);
    /* Two away now (Freya and Siobhán): bring Siobhán back; her row is the second. */
    assert_true(kiosk_app_has_button(h->app, "Back in"));
    harness_touch(h, "Back in");
    assert_int_equal(fake_log(h)->back_ins, 1);
    harness_expect(h, "staff", "away");
}

static void test_sign_in_for_a_parent(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 40);
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Sign in for a parent");
    harness_touch(h, "3B");
    harness_touch(h, "Amara O.");
    harness_expect(h, "reason", "parent");
    harness_touch(h, "Medical appointment");
    harness_expect(h, "staff", "home");
    assert_int_equal(fake_log(h)->sign_ins, 1);
    assert_true(fake_log(h)->last_upn[0] != '\0');
}

static void test_gate_mode_lists_not_arrived(void **state)
{
    struct harness *h = *state;
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    assert_false(kiosk_app_has_button(h->app, "Not arrived"));
    kiosk_fake_set_gate_mode(h->fake, true);
    kiosk_fake_set_staff_lists(h->fake, true);
    harness_restart_app(h);
    /* Until the morning register closes (09:20) the list means nothing: none, and no pages. */
    harness_at(h, 9, 20);
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Not arrived");
    harness_expect(h, "gate", "");
    assert_false(kiosk_app_has_button(h->app, "More"));
    /* Left open, the screen shows the list as soon as the register has closed. */
    harness_at(h, 9, 21);
    harness_expect(h, "gate", "");
    assert_true(kiosk_app_has_button(h->app, "More"));
    harness_touch(h, "Staff");
    harness_touch(h, "Not arrived");
    harness_expect(h, "gate", "");
    harness_touch(h, "More");
    harness_touch(h, "Staff");
    harness_expect(h, "staff", "home");
}

/* ---- the sensitive lists ---------------------------------------------------------------- */

static void test_sensitive_lists_absent_by_default(void **state)
{
    struct harness *h = *state;
    staff_at_the_gate(h, false);
    harness_expect(h, "staff", "home");
    assert_true(kiosk_app_has_button(h->app, "Late today"));
    assert_false(kiosk_app_has_button(h->app, "Speak to today"));
    assert_false(kiosk_app_has_button(h->app, "Not arrived"));
}

static void test_lists_show_initials_until_touched(void **state)
{
    struct harness *h = *state;
    staff_at_the_gate(h, true);
    harness_touch(h, "Speak to today");
    assert_true(kiosk_app_has_button(h->app, "O. B."));
    assert_false(kiosk_app_has_button(h->app, "Oliver B."));
    harness_touch(h, "O. B.");
    assert_true(kiosk_app_has_button(h->app, "Oliver B."));
    assert_true(kiosk_app_has_button(h->app, "A. N.")); /* only the one touched */
    harness_touch(h, "Oliver B.");
    assert_true(kiosk_app_has_button(h->app, "O. B."));
    harness_touch(h, "O. B.");
    /* Leaving the list hides the name again. */
    harness_touch(h, "Staff");
    harness_touch(h, "Not arrived");
    harness_expect(h, "gate", "");
    assert_true(kiosk_app_has_button(h->app, "A. O."));
    harness_touch(h, "A. O.");
    assert_true(kiosk_app_has_button(h->app, "Amara O."));
    harness_touch(h, "Staff");
    harness_touch(h, "Speak to today");
    assert_true(kiosk_app_has_button(h->app, "O. B."));
}

static void test_lists_lock_after_15_s(void **state)
{
    struct harness *h = *state;
    staff_at_the_gate(h, true);
    harness_touch(h, "Speak to today");
    harness_advance(h, 14999);
    harness_expect(h, "staff", "speak");
    harness_advance(h, 1);
    harness_expect(h, "idle", "");
    assert_false(kiosk_app_staff_unlocked(h->app));
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Not arrived");
    harness_advance(h, 15000);
    harness_expect(h, "idle", "");
    /* Other staff views keep the school's minute. */
    harness_card(h, KIOSK_FAKE_CARD_STAFF);
    harness_touch(h, "Late today");
    harness_advance(h, 59000);
    harness_expect(h, "staff", "late");
}

/* ---- errors, the reader, the loop ------------------------------------------------------- */

static void test_errors_become_a_screen_and_the_kiosk_goes_on(void **state)
{
    struct harness *h = *state;
    kiosk_fake_fail_next(h->fake, LD_ERR_FULL, "The disk is full.");
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "error", "");
    /* The next tap works, from the error screen itself. */
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "arrived");
    harness_advance(h, 30000);
    harness_expect(h, "idle", "");
    /* A touch flow failing shows the error too. */
    harness_touch(h, "Tap your card or touch here");
    kiosk_fake_fail_next(h->fake, LD_ERR_IO, "The store cannot be read.");
    harness_touch(h, "3B");
    harness_expect(h, "error", "");
    harness_touch(h, "Continue");
    harness_expect(h, "idle", "");
}

static void test_failed_status_read_is_unknown(void **state)
{
    struct harness *h = *state;
    assert_string_equal(kiosk_app_status_error(h->app), "");
    kiosk_fake_fail_next(h->fake, LD_ERR_IO, "sync status: the store is locked");
    harness_advance(h, 10000); /* the status is read again every 10 s */
    assert_string_equal(kiosk_app_status_error(h->app), "sync status: the store is locked");
    harness_expect(h, "idle", ""); /* no error screen for a status read */
    harness_advance(h, 10000);
    assert_string_equal(kiosk_app_status_error(h->app), "");
}

static void test_failed_write_sends_children_to_the_office(void **state)
{
    struct harness *h = *state;
    harness_at(h, 8, 45);
    kiosk_fake_fail_next(h->fake, LD_ERR_IO, "The device store could not be written.");
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "error", "");
    harness_touch(h, "Continue");
    harness_expect(h, "idle", "");
    assert_true(kiosk_app_has_button(h->app, "Please sign in at the office today"));
    assert_false(kiosk_app_has_button(h->app, "Tap your card or touch here"));
    /* Until a write works again. */
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "arrived");
    harness_touch(h, "Continue");
    assert_true(kiosk_app_has_button(h->app, "Tap your card or touch here"));
}

static void test_lost_store_file_sends_children_to_the_office(void **state)
{
    struct harness *h = *state;
    struct kiosk_status st = {.reader = KIOSK_READER_OK,
                              .sync = KIOSK_SYNC_OK,
                              .store_detail = "device.db is gone: restart the kiosk."};
    kiosk_fake_set_status(h->fake, &st);
    harness_advance(h, 10000);
    assert_true(kiosk_app_has_button(h->app, "Please sign in at the office today"));
}

static void test_reader_missing_keeps_touch_working(void **state)
{
    struct harness *h = *state;
    struct kiosk_status st = {.reader = KIOSK_READER_MISSING,
                              .reader_detail = "no answer",
                              .sync = KIOSK_SYNC_OK,
                              .last_sync = "08:45",
                              .clock = KIOSK_CLOCK_OK};
    kiosk_fake_set_status(h->fake, &st);
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = kiosk_events_type();
    ev.user.code = KIOSK_EV_STATUS;
    kiosk_app_handle(h->app, &ev);
    assert_true(kiosk_app_render(h->app, false, false));
    touch_sign_in(h, "3B", "Zoë A.");
    harness_expect(h, "greet", "arrived");
}

static int post_from_thread(void *data)
{
    return kiosk_post_card(KIOSK_FAKE_CARD_ZOE) ? 0 : 1;
}

static void test_cards_arrive_as_sdl_events_from_another_thread(void **state)
{
    struct harness *h = *state;
    SDL_Thread *t = SDL_CreateThread(post_from_thread, "reader", NULL);
    assert_non_null(t);
    int rc = -1;
    SDL_WaitThread(t, &rc);
    assert_int_equal(rc, 0);
    SDL_Event ev;
    bool seen = false;
    while (SDL_PollEvent(&ev)) {
        kiosk_app_handle(h->app, &ev);
        seen = seen || ev.type == kiosk_events_type();
        kiosk_events_release(&ev);
    }
    assert_true(seen);
    harness_expect(h, "greet", "arrived");
}

static void test_redraws_only_on_change(void **state)
{
    struct harness *h = *state;
    assert_true(kiosk_app_render(h->app, false, false));
    assert_false(kiosk_app_render(h->app, false, false));
    /* Seconds pass: the clock shows minutes, so nothing to draw. */
    harness_advance(h, 5000);
    assert_false(kiosk_app_render(h->app, false, false));
    int wait = kiosk_app_wait_ms(h->app);
    assert_true(wait > 0 && wait <= 1000);
    /* The minute turns over: one frame. */
    harness_at(h, 8, 58);
    assert_true(kiosk_app_render(h->app, false, false));
    assert_false(kiosk_app_render(h->app, false, false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_on_time_greets_then_idles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reason_timeout_records_no_reason_given, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reason_chosen_then_thanks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claimed_reason_confirmed_by_staff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_day_and_after_school_tell_the_child, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_greet_ms_holds_the_greeting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skip_records_no_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_tap_waits_its_turn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_siblings_keep_both_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sibling_may_give_another_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staff_card_settles_the_waiting_reasons, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_already_signed_in_is_not_a_second_arrival, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_card_then_find_my_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_card_then_enrol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_touch_sign_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_touch_sign_ins_are_listed_for_staff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_touch_after_close_needs_staff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_keypad_ignores_accents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_finds_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_keys_are_at_least_14_mm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_touch_screen_times_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pupil_targets_are_at_least_14_mm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_words_kept_for_screenshots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_photo_shows_on_is_this_you_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_photo_not_on_staff_pickers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_photo_corrupt_falls_back_and_is_logged_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_touches_ignored_just_after_a_card, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reason_screen_by_timeout_ignores_a_touch_in_flight,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_timeout_fall_through_is_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_warning_counts_down_before_a_timeout, setup,
                                        teardown),
        cmocka_unit_test(test_confirm_is_not_where_the_pin_ok_was),
        cmocka_unit_test_setup_teardown(test_five_wrong_pins_lock_for_a_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_lock_escalates_across_a_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_check_leaves_the_screen_alive, setup_blocking,
                                        teardown_blocking),
        cmocka_unit_test_setup_teardown(test_pin_result_arrives_as_an_sdl_event, setup_blocking,
                                        teardown_blocking),
        cmocka_unit_test_setup_teardown(test_card_during_pin_check_is_recorded_first,
                                        setup_blocking, teardown_blocking),
        cmocka_unit_test_setup_teardown(test_cancel_during_pin_check_ignores_the_result,
                                        setup_blocking, teardown_blocking),
        cmocka_unit_test_setup_teardown(test_abandoned_wrong_pins_still_count, setup_blocking,
                                        teardown_blocking),
        cmocka_unit_test_setup_teardown(test_staff_locks_itself_when_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staff_card_and_a_child_tap_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_void_a_tap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_out_and_back_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_in_for_a_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_mode_lists_not_arrived, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_lists_absent_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_show_initials_until_touched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_lock_after_15_s, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_become_a_screen_and_the_kiosk_goes_on, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_status_read_is_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_sends_children_to_the_office, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lost_store_file_sends_children_to_the_office, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reader_missing_keeps_touch_working, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cards_arrive_as_sdl_events_from_another_thread, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_redraws_only_on_change, setup, teardown),
    };
    harness_init_sdl();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    harness_quit_sdl();
    return rc;
}
