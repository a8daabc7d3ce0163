/* test_screens.c: every screen at 800x480 and 1920x1080, compared with reviewed golden PNGs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

/* Each case drives a fresh kiosk to its screen through the same events a user makes. */
struct shot_case {
    const char *name;
    void (*drive)(struct harness *h);
};

static void staff_login(struct harness *h)
{
    harness_staff_login(h);
}

static void d_idle(struct harness *h)
{
    kiosk_fake_set_punctual(h->fake, "4B");
    harness_restart_app(h);
    harness_expect(h, "idle", "");
}

static void d_idle_reader_missing(struct harness *h)
{
    struct kiosk_status st = {.reader = KIOSK_READER_MISSING,
                              .reader_detail = "pn532_uart:/dev/ttyS0: no answer",
                              .sync = KIOSK_SYNC_OFFLINE,
                              .last_sync = "08:45",
                              .pending = 12,
                              .clock = KIOSK_CLOCK_UNSYNCED};
    kiosk_fake_set_status(h->fake, &st);
    harness_restart_app(h);
}

/* The status could not be read: "Status unknown", not the last good values. */
static void d_idle_status_unknown(struct harness *h)
{
    kiosk_fake_fail_next(h->fake, LD_ERR_IO, "sync status: the store is locked");
    harness_advance(h, 10000);
}

/* The store's file was deleted: the door sends children to the office, staff see why. */
static void d_idle_store_lost(struct harness *h)
{
    struct kiosk_status st = {.reader = KIOSK_READER_OK,
                              .sync = KIOSK_SYNC_OK,
                              .last_sync = "08:45",
                              .store_detail = "device.db is gone: restart the kiosk."};
    kiosk_fake_set_status(h->fake, &st);
    harness_restart_app(h);
}

static void d_greet_on_time(struct harness *h)
{
    harness_at(h, 8, 47);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "arrived");
}

static void d_greet_late(struct harness *h)
{
    harness_at(h, 9, 5);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_expect(h, "greet", "arrived");
}

static void d_greet_closed(struct harness *h)
{
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "arrived");
}

/* A tap on an INSET day: told so, no mark, no reason. */
static void d_greet_closed_day(struct harness *h)
{
    kiosk_fake_set_closed_day(h->fake, "INSET day");
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "closed");
}

/* A tap after the school day has ended: nothing recorded. */
static void d_greet_after_school(struct harness *h)
{
    harness_at(h, 15, 45);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "greet", "closed");
}

static void d_greet_already(struct harness *h)
{
    harness_card(h, KIOSK_FAKE_CARD_SIOBHAN);
    harness_expect(h, "greet", "already");
}

static void d_reason(struct harness *h)
{
    d_greet_late(h);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
}

/* Zoë taps while Łukasz's reason is asked: she waits her turn, and the footer says so. */
static void d_reason_queued(struct harness *h)
{
    d_reason(h);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "reason", "late");
}

/* Zoë's brother after her: her reason offered first. */
static void d_reason_same(struct harness *h)
{
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_advance(h, 3000);
    harness_card(h, KIOSK_FAKE_CARD_THEO);
    harness_touch(h, "Medical appointment");
    harness_advance(h, 6000);
    harness_expect(h, "reason", "same");
}

static void d_thanks(struct harness *h)
{
    d_reason(h);
    harness_touch(h, "Medical appointment");
    harness_expect(h, "greet", "thanks");
}

static void d_touch_classes(struct harness *h)
{
    harness_touch(h, "Tap your card or touch here");
    harness_expect(h, "touch", "classes");
}

static void d_touch_names(struct harness *h)
{
    d_touch_classes(h);
    harness_touch(h, "3B");
    harness_expect(h, "touch", "names");
}

static void d_touch_confirm(struct harness *h)
{
    d_touch_names(h);
    harness_touch(h, "Zoë A.");
    harness_expect(h, "touch", "confirm");
}

/* The school's photo of the child (a drawn avatar here) beside the name. */
static void d_touch_confirm_photo(struct harness *h)
{
    harness_photo(h, "Zoë A.", 300, 400);
    d_touch_confirm(h);
}

/* No roster yet: said in words, not an empty grid. */
static void d_touch_empty_roster(struct harness *h)
{
    kiosk_fake_set_no_roster(h->fake, true);
    d_touch_classes(h);
}

/* Left alone for 22 s: the header counts down the last ten seconds before idle. */
static void d_touch_warning(struct harness *h)
{
    d_touch_names(h);
    harness_advance(h, 22000);
    harness_expect(h, "touch", "names");
}

/* The search keypad after an L, for the next letter: 14 mm keys in alphabetical order. */
static void d_touch_keypad(struct harness *h)
{
    d_touch_classes(h);
    harness_touch(h, "Search by name");
    harness_touch(h, "L");
    harness_touch(h, "Letters");
    harness_expect(h, "touch", "keypad");
}

/* The names that start with "LU". */
static void d_touch_found(struct harness *h)
{
    d_touch_keypad(h);
    harness_touch(h, "U");
    harness_expect(h, "touch", "found");
}

static void d_unknown(struct harness *h)
{
    harness_card(h, "04DEADBEEF0199");
    harness_expect(h, "unknown", "");
}

static void d_pin(struct harness *h)
{
    harness_touch(h, "Staff");
    harness_touch(h, "1");
    harness_touch(h, "2");
    harness_expect(h, "pin", "");
}

/* After the register closed, the school asks staff to confirm a touch sign-in. */
static void d_pin_witness(struct harness *h)
{
    kiosk_fake_set_confirm_late_touch(h->fake, true);
    harness_restart_app(h);
    harness_at(h, 9, 31);
    d_touch_confirm(h);
    harness_touch(h, "Yes, sign me in");
    harness_expect(h, "pin", "");
}

static void d_pin_locked(struct harness *h)
{
    harness_touch(h, "Staff");
    for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 4; k++)
            harness_touch(h, "1");
        harness_touch(h, "OK");
    }
    harness_advance(h, 8000);
    harness_expect(h, "pin", "");
}

static void d_staff_home(struct harness *h)
{
    staff_login(h);
}

static void d_staff_late(struct harness *h)
{
    /* a medical appointment claimed at the door after close: U, needs evidence */
    harness_at(h, 9, 31);
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_touch(h, "Continue");
    harness_touch(h, "Medical appointment");
    harness_advance(h, 3000);
    staff_login(h);
    harness_touch(h, "Late today");
    harness_expect(h, "staff", "late");
}

/* A gate kiosk the school set up for staff: the speak-to and not-arrived lists on. */
static void lists_on(struct harness *h, bool gate)
{
    kiosk_fake_set_staff_lists(h->fake, true);
    kiosk_fake_set_gate_mode(h->fake, gate);
    harness_restart_app(h);
}

static void d_staff_home_lists(struct harness *h)
{
    lists_on(h, true);
    harness_at(h, 9, 25);
    staff_login(h);
}

/* Two children signed in by name this morning, for staff to check. */
static void d_staff_touched(struct harness *h)
{
    harness_at(h, 8, 49);
    const char *who[] = {"Zoë A.", "Amara O."};
    for (int i = 0; i < 2; i++) {
        harness_touch(h, "Tap your card or touch here");
        harness_touch(h, "3B");
        harness_touch(h, who[i]);
        harness_touch(h, "Yes, sign me in");
        harness_touch(h, "Continue");
    }
    harness_at(h, 9, 2);
    staff_login(h);
    harness_touch(h, "Touch sign-ins");
    harness_expect(h, "staff", "touched");
}

static void d_staff_speak(struct harness *h)
{
    lists_on(h, false);
    staff_login(h);
    harness_touch(h, "Speak to today");
    harness_expect(h, "staff", "speak");
}

static void d_staff_speak_revealed(struct harness *h)
{
    d_staff_speak(h);
    harness_touch(h, "O. B.");
}

static void d_staff_away(struct harness *h)
{
    staff_login(h);
    harness_touch(h, "Sign out / back in");
    harness_expect(h, "staff", "away");
}

static void d_staff_sign_out_reason(struct harness *h)
{
    d_staff_away(h);
    harness_touch(h, "Sign a pupil out");
    harness_touch(h, "3B");
    harness_touch(h, "Łukasz W.");
    harness_expect(h, "reason", "sign-out");
}

static void d_staff_void(struct harness *h)
{
    staff_login(h);
    harness_touch(h, "Void a tap");
    harness_expect(h, "staff", "void");
}

static void d_staff_void_confirm(struct harness *h)
{
    d_staff_void(h);
    harness_touch(h, "Tomás B.");
    harness_expect(h, "staff", "void-confirm");
}

static void d_staff_enrol(struct harness *h)
{
    harness_card(h, "04DEADBEEF0199");
    harness_touch(h, "Continue");
    staff_login(h);
    harness_touch(h, "Enrol a card");
    harness_expect(h, "staff", "enrol");
}

static void d_staff_enrol_confirm(struct harness *h)
{
    d_staff_enrol(h);
    harness_touch(h, "Card ending 0199");
    harness_touch(h, "2B");
    harness_touch(h, "An N.");
    harness_expect(h, "touch", "confirm");
}

static void d_staff_status(struct harness *h)
{
    d_idle_reader_missing(h);
    staff_login(h);
    harness_touch(h, "Status");
    harness_expect(h, "staff", "status");
}

/* The calendar file the sync wrote could not be read: the status says so, under the rest. */
static void d_staff_status_calendar(struct harness *h)
{
    struct kiosk_status st = {.reader = KIOSK_READER_OK,
                              .reader_detail = "pn532_uart:/dev/ttyS0: ok",
                              .sync = KIOSK_SYNC_OK,
                              .last_sync = "08:45",
                              .clock = KIOSK_CLOCK_OK,
                              .calendar_detail =
                                  "calendar.ini:7: terms.Autumn 2: not a date (YYYY-MM-DD): "
                                  "\"2026-11-31\" (old calendar kept)"};
    kiosk_fake_set_status(h->fake, &st);
    harness_restart_app(h);
    staff_login(h);
    harness_touch(h, "Status");
    harness_expect(h, "staff", "status");
}

/* kiosk-lang: a school language whose catalogue is not there: named on Status. */
static void d_staff_status_language(struct harness *h)
{
    const char *const langs[] = {"pl", "xx", NULL};
    kiosk_fake_set_languages(h->fake, langs);
    harness_restart_app(h);
    staff_login(h);
    harness_touch(h, "Status");
    harness_expect(h, "staff", "status");
}

static void d_staff_status_store_lost(struct harness *h)
{
    d_idle_store_lost(h);
    staff_login(h);
    harness_touch(h, "Status");
    harness_expect(h, "staff", "status");
}

/* The central store refused this kiosk: the idle strip and the status say a person must act. */
static void d_staff_status_refused(struct harness *h)
{
    struct kiosk_status st = {.reader = KIOSK_READER_OK,
                              .reader_detail = "pn532_uart:/dev/ttyS0: ok",
                              .sync = KIOSK_SYNC_REFUSED,
                              .last_sync = "08:45",
                              .pending = 3,
                              .clock = KIOSK_CLOCK_OK,
                              .sync_detail = "device door-1 is disabled at the central store "
                                             "(latedoor device disable): nothing was sent or "
                                             "taken; the trust's admin can enable it again"};
    kiosk_fake_set_status(h->fake, &st);
    harness_restart_app(h);
    staff_login(h);
    harness_touch(h, "Status");
    harness_expect(h, "staff", "status");
}

static void d_staff_parent(struct harness *h)
{
    staff_login(h);
    harness_touch(h, "Sign in for a parent");
    harness_touch(h, "3B");
    harness_touch(h, "Amara O.");
    harness_expect(h, "reason", "parent");
}

static void d_gate(struct harness *h)
{
    lists_on(h, true);
    harness_at(h, 9, 25);
    staff_login(h);
    harness_touch(h, "Not arrived");
    harness_expect(h, "gate", "");
}

static void d_gate_before_close(struct harness *h)
{
    lists_on(h, true);
    harness_at(h, 9, 10);
    staff_login(h);
    harness_touch(h, "Not arrived");
    harness_expect(h, "gate", "");
}

static void d_error(struct harness *h)
{
    kiosk_fake_fail_next(h->fake, LD_ERR_FULL,
                         "The device store's disk is full: nothing was written.");
    harness_card(h, KIOSK_FAKE_CARD_ZOE);
    harness_expect(h, "error", "");
}

/* ---- kiosk-lang: the family's language ---------------------------------------------------- */

/* Picks a language on the idle screen: the language button, then the language's own name. */
static void pick_language(struct harness *h, const char *others, const char *name)
{
    harness_touch(h, others);
    harness_expect(h, "idle", "");
    harness_touch(h, name);
}

static void d_lang_menu(struct harness *h)
{
    harness_touch(h, "Polski \u00b7 Rom\u00e2n\u0103");
}

static void d_idle_pl(struct harness *h)
{
    kiosk_fake_set_punctual(h->fake, "4B");
    harness_restart_app(h);
    pick_language(h, "Polski \u00b7 Rom\u00e2n\u0103", "Polski");
}

static void d_idle_ro(struct harness *h)
{
    kiosk_fake_set_punctual(h->fake, "4B");
    harness_restart_app(h);
    pick_language(h, "Polski \u00b7 Rom\u00e2n\u0103", "Rom\u00e2n\u0103");
}

static void d_greet_late_pl(struct harness *h)
{
    d_idle_pl(h);
    d_greet_late(h);
}

static void d_greet_late_ro(struct harness *h)
{
    d_idle_ro(h);
    d_greet_late(h);
}

static void d_reason_pl(struct harness *h)
{
    d_greet_late_pl(h);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
}

static void d_reason_ro(struct harness *h)
{
    d_greet_late_ro(h);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
}

static void d_thanks_pl(struct harness *h)
{
    d_reason_pl(h);
    harness_touch(h, "Wizyta u lekarza");
    harness_expect(h, "greet", "thanks");
}

static void d_thanks_ro(struct harness *h)
{
    d_reason_ro(h);
    harness_touch(h, "Programare la medic");
    harness_expect(h, "greet", "thanks");
}

static void d_touch_classes_pl(struct harness *h)
{
    d_idle_pl(h);
    d_touch_classes(h);
}

static void d_touch_classes_ro(struct harness *h)
{
    d_idle_ro(h);
    d_touch_classes(h);
}

static void d_touch_warning_pl(struct harness *h)
{
    d_idle_pl(h);
    d_touch_warning(h);
}

static void d_unknown_pl(struct harness *h)
{
    d_idle_pl(h);
    d_unknown(h);
}

static void d_unknown_ro(struct harness *h)
{
    d_idle_ro(h);
    d_unknown(h);
}

static const struct shot_case cases[] = {
    {"idle", d_idle},
    {"idle_reader_missing", d_idle_reader_missing},
    {"idle_status_unknown", d_idle_status_unknown},
    {"idle_store_lost", d_idle_store_lost},
    {"greet_on_time", d_greet_on_time},
    {"greet_late_open", d_greet_late},
    {"greet_late_closed", d_greet_closed},
    {"greet_already", d_greet_already},
    {"greet_closed_day", d_greet_closed_day},
    {"greet_after_school", d_greet_after_school},
    {"reason", d_reason},
    {"reason_thanks", d_thanks},
    {"reason_queued", d_reason_queued},
    {"reason_same", d_reason_same},
    {"touch_classes", d_touch_classes},
    {"touch_names", d_touch_names},
    {"touch_confirm", d_touch_confirm},
    {"touch_confirm_photo", d_touch_confirm_photo},
    {"touch_timeout_warning", d_touch_warning},
    {"touch_empty_roster", d_touch_empty_roster},
    {"touch_keypad", d_touch_keypad},
    {"touch_found", d_touch_found},
    {"unknown_card", d_unknown},
    {"pin", d_pin},
    {"pin_locked", d_pin_locked},
    {"pin_witness", d_pin_witness},
    {"staff_home", d_staff_home},
    {"staff_late", d_staff_late},
    {"staff_home_lists", d_staff_home_lists},
    {"staff_speak", d_staff_speak},
    {"staff_touched", d_staff_touched},
    {"staff_speak_revealed", d_staff_speak_revealed},
    {"staff_signed_out", d_staff_away},
    {"staff_sign_out_reason", d_staff_sign_out_reason},
    {"staff_parent_reason", d_staff_parent},
    {"staff_void", d_staff_void},
    {"staff_void_confirm", d_staff_void_confirm},
    {"staff_enrol", d_staff_enrol},
    {"staff_enrol_confirm", d_staff_enrol_confirm},
    {"staff_status", d_staff_status},
    {"staff_status_calendar", d_staff_status_calendar},
    {"staff_status_store_lost", d_staff_status_store_lost},
    {"staff_status_language", d_staff_status_language},
    {"staff_status_refused", d_staff_status_refused},
    {"gate_not_arrived", d_gate},
    {"gate_before_close", d_gate_before_close},
    {"error", d_error},
    {"lang_menu", d_lang_menu},
    {"idle_pl", d_idle_pl},
    {"idle_ro", d_idle_ro},
    {"greet_late_open_pl", d_greet_late_pl},
    {"greet_late_open_ro", d_greet_late_ro},
    {"reason_pl", d_reason_pl},
    {"reason_ro", d_reason_ro},
    {"reason_thanks_pl", d_thanks_pl},
    {"reason_thanks_ro", d_thanks_ro},
    {"touch_classes_pl", d_touch_classes_pl},
    {"touch_classes_ro", d_touch_classes_ro},
    {"touch_timeout_warning_pl", d_touch_warning_pl},
    {"unknown_card_pl", d_unknown_pl},
    {"unknown_card_ro", d_unknown_ro},
};
#define NCASES (sizeof cases / sizeof cases[0])

static const int sizes[][2] = {{800, 480}, {1920, 1080}};
#define NSIZES (sizeof sizes / sizeof sizes[0])

struct run {
    const struct shot_case *c;
    int w, h;
    struct harness harness;
};

/* The harness opens and closes around each case, so a failed case leaks nothing. */
static int open_case(void **state)
{
    struct run *r = *state;
    harness_open(&r->harness, r->w, r->h);
    return 0;
}

static int close_case(void **state)
{
    struct run *r = *state;
    harness_close(&r->harness);
    return 0;
}

static void run_case(void **state)
{
    struct run *r = *state;
    r->c->drive(&r->harness);
    harness_shot(&r->harness, r->c->name);
}

static int group_setup(void **state)
{
    harness_init_sdl();
    return 0;
}

static int group_teardown(void **state)
{
    harness_quit_sdl();
    return 0;
}

int main(void)
{
    static struct run runs[NCASES * NSIZES];
    static char names[NCASES * NSIZES][96];
    static struct CMUnitTest tests[NCASES * NSIZES];
    size_t n = 0;
    for (size_t s = 0; s < NSIZES; s++) {
        for (size_t i = 0; i < NCASES; i++, n++) {
            runs[n] = (struct run){&cases[i], sizes[s][0], sizes[s][1], {0}};
            snprintf(names[n], sizeof names[n], "%s_%dx%d", cases[i].name, sizes[s][0],
                     sizes[s][1]);
            tests[n] = (struct CMUnitTest){names[n], run_case, open_case, close_case, &runs[n]};
        }
    }
    return _cmocka_run_group_tests("kiosk_screens", tests, n, group_setup, group_teardown);
}
