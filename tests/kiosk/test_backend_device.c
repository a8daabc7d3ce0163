/* test_backend_device.c: the kiosk's device backend on a real store with the demo's history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend_device.h"
#include "demo_seed.h"
#include "device_analysis.h"
#include "pin_check.h"
#include "store.h"
#include "sync_status.h"

/* A school where every pupil taps in at the gate: the gate's list is then evidence. */
#define EVERYONE "[school]\narrival_mode = everyone signs in\n"

/* The demo's Monday (a school day of the 2026-27 calendar), as in kiosk/demo.sh. */
#define DAY "2026-10-12"

struct fixture {
    char dir[64], ini[128], gate_ini[128], db[128], sock[128], cal[128];
    struct kiosk_demo_clock clock;
    struct ld_tz *tz;
    struct kiosk_demo_card cards[KIOSK_DEMO_CARDS];
    struct kiosk_device *dev;
    struct kiosk_backend be;
};

static struct fixture fx;

/* A config over the fixture's store; calendar NULL: the demo's; extra: more sections or "". */
static void write_config_with(const char *path, const char *mode, const char *id,
                              const char *reader, const char *calendar, const char *extra)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "[school]\nname = Hollybrook Primary School\n"
            "[reasons]\nMedical appointment = -, M\nTraffic = -, -\n"
            "[device]\nid = %s\nmode = %s\n"
            "[reader]\n%s\n"
            "[paths]\ncalendar = %s%s\nstore = %s\n%s",
            id, mode, reader, calendar ? "" : LD_TEST_DATA,
            calendar ? calendar : "/../assets/demo/calendar.ini", fx.db, extra);
    assert_int_equal(fclose(f), 0);
}

static void write_config(const char *path, const char *mode, const char *id, const char *reader)
{
    write_config_with(path, mode, id, reader, NULL, "");
}

/* Sets the demo clock to hh:mm on DAY, school time. */
static void at(int hour, int minute)
{
    ld_date d;
    int64_t ms;
    assert_true(ld_date_parse(DAY, &d));
    assert_int_equal(ld_clock_from_local(fx.tz, d, hour * 60 + minute, 0, &ms, NULL, 0), LD_OK);
    kiosk_demo_clock_set(&fx.clock, ms);
}

/* Opens the device of ini, looking at its calendar file every check_ms (< 0: every status). */
static struct kiosk_device *open_device_checking(const char *ini, int check_ms)
{
    struct kiosk_device *d = NULL;
    struct kiosk_device_options o = {.config_path = ini,
                                     .clock = &fx.clock.source,
                                     .no_reader = true,
                                     .calendar_check_ms = check_ms};
    assert_int_equal(kiosk_device_open(&o, &d), LD_OK);
    assert_null(kiosk_device_error(d));
    return d;
}

static struct kiosk_device *open_device(const char *ini)
{
    return open_device_checking(ini, 0);
}

static int group_setup(void **state)
{
    (void)state;
    strcpy(fx.dir, "/tmp/ld-kdev-XXXXXX");
    assert_non_null(mkdtemp(fx.dir));
    snprintf(fx.ini, sizeof fx.ini, "%s/school.ini", fx.dir);
    snprintf(fx.gate_ini, sizeof fx.gate_ini, "%s/gate.ini", fx.dir);
    snprintf(fx.db, sizeof fx.db, "%s/device.db", fx.dir);
    snprintf(fx.sock, sizeof fx.sock, "%s/sim.sock", fx.dir);
    snprintf(fx.cal, sizeof fx.cal, "%s/calendar.ini", fx.dir);
    write_config(fx.ini, "late_door", "door-1", "driver = none");
    write_config_with(fx.gate_ini, "gate", "gate-1", "driver = none", NULL, EVERYONE);
    assert_int_equal(ld_tz_open("Europe/London", &fx.tz, NULL, 0), LD_OK);
    kiosk_demo_clock_init(&fx.clock, 0, false);

    /* The store: the demo roster and its seeded history, as kiosk/demo.sh makes it. */
    char msg[512];
    struct ld_device dev;
    struct ld_store *store = NULL;
    struct ld_roster roster = {0};
    ld_date today;
    assert_true(ld_date_parse(DAY, &today));
    assert_int_equal(ld_device_load(fx.ini, &dev, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_create(fx.db, "door-1", NULL, &store, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_roster_parse_csv(LD_TEST_DATA "/../assets/demo/roster.csv", &roster, NULL,
                                         msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_store_import_roster(store, &roster, NULL, msg, sizeof msg), LD_OK);
    ld_err err = kiosk_demo_seed(store, &dev, &roster, today, fx.cards, msg, sizeof msg);
    if (err)
        fail_msg("seed: %s", msg);
    ld_roster_free(&roster);
    ld_store_close(store);
    ld_device_free(&dev);

    fx.dev = open_device(fx.ini);
    fx.be = kiosk_device_backend(fx.dev);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kiosk_device_close(fx.dev);
    ld_tz_close(fx.tz);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx.dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

#define OPS  (fx.be.ops)
#define IMPL (fx.be.impl)

/* ---- reading the store back -------------------------------------------------------------- */

struct found {
    enum ld_event_kind kind;
    const char *ref; /* "device:seq" the event must refer to, or NULL */
    int count;
    struct ld_event last;
};

static ld_err count_kind(void *ctx, const struct ld_event *ev)
{
    struct found *f = ctx;
    char ref[80];
    snprintf(ref, sizeof ref, "%s:%lld", ev->ref_device, (long long)ev->ref_seq);
    if (ev->kind == f->kind && (!f->ref || strcmp(ref, f->ref) == 0)) {
        f->count++;
        f->last = *ev;
    }
    return LD_OK;
}

/* Counts the store's events of kind (referring to ref when not NULL); the last in *last. */
static int events_of(enum ld_event_kind kind, const char *ref, struct ld_event *last)
{
    struct ld_store *store = NULL;
    struct found f = {.kind = kind, .ref = ref};
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_events_foreach(store, NULL, count_kind, &f, NULL, 0), LD_OK);
    ld_store_close(store);
    if (last)
        *last = f.last;
    return f.count;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_settings_and_clock(void **state)
{
    (void)state;
    struct kiosk_settings s;
    assert_int_equal(OPS->settings(IMPL, &s), LD_OK);
    assert_string_equal(s.school_name, "Hollybrook Primary School");
    assert_false(s.gate_mode);
    assert_int_equal(s.reason_count, 2);
    assert_string_equal(s.reasons[0], "Medical appointment");
    assert_int_equal(s.reason_timeout_s, 20);
    at(8, 44);
    struct kiosk_clock c;
    assert_int_equal(OPS->now(IMPL, &c), LD_OK);
    assert_int_equal(c.year, 2026);
    assert_int_equal(c.month, 10);
    assert_int_equal(c.day, 12);
    assert_int_equal(c.weekday, 0); /* Monday */
    assert_int_equal(c.hour, 8);
    assert_int_equal(c.minute, 44);
}

static void test_taps_greet_and_reason_timeout_is_recorded(void **state)
{
    (void)state;
    struct kiosk_greeting g, g2;
    at(8, 47);
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[0].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    assert_int_equal(g.outcome, LD_OUTCOME_ON_TIME);
    assert_string_equal(g.time, "08:47");
    assert_false(g.ask_reason);
    assert_string_equal(g.name, "Tereza D.");

    at(9, 4);
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[0].uid, &g2), LD_OK);
    assert_int_equal(g2.kind, KIOSK_GREET_ALREADY);
    assert_string_equal(g2.time, "08:47");

    int before = events_of(LD_EV_REASON, NULL, NULL);
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[1].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    assert_int_equal(g.outcome, LD_OUTCOME_LATE_OPEN);
    assert_true(g.ask_reason);
    /* The reason screen timed out: the UI records NULL, the store "No reason given". */
    assert_int_equal(OPS->record_reason(IMPL, g.arrival, NULL, &g2), LD_OK);
    assert_false(g2.ask_reason);
    struct ld_event ev;
    assert_int_equal(events_of(LD_EV_REASON, g.arrival, &ev), 1);
    assert_string_equal(ev.reason, "No reason given");
    assert_int_equal(events_of(LD_EV_REASON, NULL, NULL), before + 1);

    /* A reason for something that is not an arrival, or nothing at all, changes nothing. */
    assert_int_not_equal(OPS->record_reason(IMPL, "door-1:999999", "Traffic", &g2), LD_OK);
    assert_int_not_equal(OPS->record_reason(IMPL, "nonsense", "Traffic", &g2), LD_OK);
    assert_int_equal(events_of(LD_EV_REASON, NULL, NULL), before + 1);
    assert_string_not_equal(OPS->last_error(IMPL), "No error.");
}

/*
 * After sessions.school_ends (15:30 by default) on a school day a child's card or touch is told
 * school has finished and nothing is recorded (it would be an afternoon U); a staff card still
 * opens staff mode.
 */
static void test_after_school_marks_nothing(void **state)
{
    (void)state;
    struct kiosk_greeting g;
    uint64_t before = 0, after = 0;
    struct ld_store *store = NULL;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_events_count(store, NULL, &before, NULL, 0), LD_OK);
    at(15, 30);
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[0].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_CLOSED);
    assert_string_equal(g.closed, KIOSK_AFTER_SCHOOL);
    assert_false(g.ask_reason);
    assert_int_equal(OPS->sign_in(IMPL, fx.cards[0].upn, NULL, false, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_CLOSED);
    assert_int_equal(ld_store_events_count(store, NULL, &after, NULL, 0), LD_OK);
    assert_int_equal(after, before);
    assert_int_equal(OPS->tap_card(IMPL, KIOSK_DEMO_STAFF_CARD, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_STAFF);
    ld_store_close(store);
}

static void test_unknown_card_then_enrol(void **state)
{
    (void)state;
    struct kiosk_greeting g;
    at(9, 10);
    assert_int_equal(OPS->tap_card(IMPL, KIOSK_DEMO_UNKNOWN, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_UNKNOWN);
    assert_string_equal(g.uid, KIOSK_DEMO_UNKNOWN);
    assert_int_equal(OPS->tap_card(IMPL, KIOSK_DEMO_UNKNOWN, &g), LD_OK);
    struct kiosk_unknown_list u;
    assert_int_equal(OPS->unknown_cards(IMPL, &u), LD_OK);
    assert_int_equal(u.n, 1); /* tapped twice, listed once */
    assert_string_equal(u.items[0].uid, KIOSK_DEMO_UNKNOWN);
    assert_string_equal(u.items[0].time, "09:10");

    struct kiosk_pupil_list *p = malloc(sizeof *p);
    assert_int_equal(OPS->search_pupils(IMPL, "tomas", p), LD_OK);
    assert_true(p->n >= 1);
    const char *upn = NULL;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].name, "Tomás C.") == 0)
            upn = p->items[i].upn;
    assert_non_null(upn);
    assert_int_equal(OPS->enrol_card(IMPL, KIOSK_DEMO_UNKNOWN, upn), LD_OK);
    /* Somebody else's card cannot be enrolled again. */
    assert_int_equal(OPS->enrol_card(IMPL, fx.cards[1].uid, upn), LD_ERR_DUPLICATE);
    assert_int_equal(OPS->unknown_cards(IMPL, &u), LD_OK);
    assert_int_equal(u.n, 0);
    assert_int_equal(OPS->tap_card(IMPL, KIOSK_DEMO_UNKNOWN, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    assert_string_equal(g.name, "Tomás C.");
    free(p);
}

static void test_staff_card_and_pins(void **state)
{
    (void)state;
    struct kiosk_greeting g;
    assert_int_equal(OPS->tap_card(IMPL, KIOSK_DEMO_STAFF_CARD, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_STAFF);
    assert_string_equal(g.name, KIOSK_DEMO_STAFF_NAME);
    assert_int_equal(kiosk_pin_verify_now(&fx.be, NULL, KIOSK_DEMO_PIN), KIOSK_PIN_OK);
    assert_int_equal(kiosk_pin_verify_now(&fx.be, NULL, "1357"), KIOSK_PIN_WRONG);
    assert_int_equal(kiosk_pin_verify_now(&fx.be, NULL, ""), KIOSK_PIN_WRONG);
    assert_int_equal(kiosk_pin_verify_now(&fx.be, NULL, "24a8"), KIOSK_PIN_WRONG);
    assert_int_equal(kiosk_pin_verify_now(&fx.be, NULL, "123456789"), KIOSK_PIN_WRONG);
}

/* Argon2id on another thread while this one records taps on the same device: the check holds
 * copies of the hashes and touches neither the store nor the device (TSan-clean). */
static void *run_check(void *check)
{
    static enum kiosk_pin_result r;
    r = OPS->pin_run(check);
    return &r;
}

static void test_pin_checked_beside_taps(void **state)
{
    (void)state;
    void *check = OPS->pin_begin(IMPL, NULL, KIOSK_DEMO_PIN);
    assert_non_null(check);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run_check, check), 0);
    struct kiosk_greeting g;
    /* The staff card sets who unlocked staff mode, as a right PIN's pin_end does. */
    assert_int_equal(OPS->tap_card(IMPL, KIOSK_DEMO_STAFF_CARD, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_STAFF);
    struct kiosk_status st;
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    void *res;
    assert_int_equal(pthread_join(t, &res), 0);
    assert_int_equal(*(enum kiosk_pin_result *)res, KIOSK_PIN_OK);
    OPS->pin_end(IMPL, check, true);

    /* A check that cannot begin counts as wrong, and pin_end takes NULL. */
    assert_null(OPS->pin_begin(IMPL, NULL, "12a4"));
    assert_null(OPS->pin_begin(IMPL, NULL, NULL));
    OPS->pin_end(IMPL, NULL, true);
}

static void test_staff_sign_in_out_back_and_void(void **state)
{
    (void)state;
    struct kiosk_pupil_list *p = malloc(sizeof *p);
    struct kiosk_class_list c;
    assert_int_equal(OPS->list_classes(IMPL, &c), LD_OK);
    assert_true(c.n >= 7);
    assert_int_equal(OPS->list_pupils(IMPL, c.items[1].name, p), LD_OK);
    assert_int_equal(p->n, c.items[1].pupils);
    const char *upn = p->items[0].upn;

    at(9, 40);
    struct kiosk_greeting g;
    assert_int_equal(OPS->sign_in(IMPL, upn, "Traffic", true, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    assert_false(g.ask_reason);
    struct ld_event ev;
    events_of(LD_EV_ARRIVAL, NULL, &ev);
    assert_int_equal(ev.source, LD_SRC_STAFF);
    assert_string_equal(ev.staff, KIOSK_DEMO_STAFF_ID); /* unlocked by PIN above */
    assert_string_equal(ev.reason, "Traffic");

    struct kiosk_arrival_list *l = malloc(sizeof *l);
    assert_int_equal(OPS->arrivals_today(IMPL, false, l), LD_OK);
    assert_string_equal(l->items[0].ref, g.arrival); /* most recent first */
    assert_true(l->items[0].by_staff);
    size_t total = l->total;

    /* Void it: one void event, gone from the list; a second void is refused. */
    assert_int_equal(OPS->void_arrival(IMPL, g.arrival), LD_OK);
    assert_int_equal(events_of(LD_EV_VOID, g.arrival, NULL), 1);
    assert_int_equal(OPS->void_arrival(IMPL, g.arrival), LD_ERR_NOT_FOUND);
    assert_int_equal(events_of(LD_EV_VOID, g.arrival, NULL), 1);
    assert_int_equal(OPS->arrivals_today(IMPL, false, l), LD_OK);
    assert_int_equal(l->total, total - 1);

    /* Another kiosk's arrival is the office's to void: the centre would refuse this one's. */
    struct ld_event gate = {.kind = LD_EV_ARRIVAL,
                            .seq = 1,
                            .at_ms = ev.at_ms,
                            .mono_ms = 1,
                            .clock = LD_CLOCK_OK,
                            .source = LD_SRC_CARD};
    snprintf(gate.device_id, sizeof gate.device_id, "gate-1");
    snprintf(gate.uuid, sizeof gate.uuid, "6a1c7e2e-0b1f-4c55-9a57-4f2d3c9e8b01");
    memcpy(gate.upn, ev.upn, sizeof gate.upn);
    struct ld_store *st = NULL;
    assert_int_equal(ld_store_open(fx.db, NULL, &st, NULL, 0), LD_OK);
    assert_int_equal(ld_store_insert_foreign_events(st, &gate, 1, NULL, NULL, 0), LD_OK);
    ld_store_close(st);
    assert_int_equal(OPS->void_arrival(IMPL, "gate-1:1"), LD_ERR_STATE);
    assert_non_null(strstr(OPS->last_error(IMPL), "office"));
    assert_int_equal(events_of(LD_EV_VOID, "gate-1:1", NULL), 0);
    /* Nor may this kiosk confirm a reason for it (a reason event is a correction too). */
    assert_int_equal(OPS->confirm_reason(IMPL, "gate-1:1"), LD_ERR_STATE);
    assert_non_null(strstr(OPS->last_error(IMPL), "office can confirm"));
    assert_int_equal(events_of(LD_EV_REASON, "gate-1:1", NULL), 0);
    /* The lists say whose it is, so staff mode offers no confirming of it. */
    assert_int_equal(OPS->arrivals_today(IMPL, false, l), LD_OK);
    size_t other = 0, mine = 0;
    for (size_t i = 0; i < l->n; i++) {
        other += l->items[i].other_kiosk && strcmp(l->items[i].ref, "gate-1:1") == 0;
        mine += !l->items[i].other_kiosk;
    }
    assert_int_equal(other, 1);
    assert_true(mine > 0);

    /* Out for the dentist and back. */
    at(10, 5);
    struct kiosk_away_list a;
    assert_int_equal(OPS->sign_out(IMPL, upn, "Dental appointment"), LD_OK);
    assert_int_equal(OPS->sign_out(IMPL, upn, NULL), LD_ERR_STATE);
    assert_int_equal(OPS->away_list(IMPL, &a), LD_OK);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.items[0].upn, upn);
    assert_string_equal(a.items[0].time, "10:05");
    assert_string_equal(a.items[0].reason, "Dental appointment");
    at(11, 20);
    assert_int_equal(OPS->sign_back_in(IMPL, upn), LD_OK);
    assert_int_equal(OPS->sign_back_in(IMPL, upn), LD_ERR_STATE);
    assert_int_equal(OPS->away_list(IMPL, &a), LD_OK);
    assert_int_equal(a.n, 0);
    struct ld_event dep, ret;
    assert_int_equal(events_of(LD_EV_DEPARTURE, NULL, &dep), 1);
    char ref[80];
    snprintf(ref, sizeof ref, "%s:%lld", dep.device_id, (long long)dep.seq);
    assert_int_equal(events_of(LD_EV_RETURN, ref, &ret), 1);
    assert_string_equal(ret.upn, upn);
    free(l);
    free(p);
}

static void test_speak_to_shows_the_cores_patterns(void **state)
{
    (void)state;
    struct kiosk_speak_list *s = malloc(sizeof *s);
    assert_int_equal(OPS->speak_to(IMPL, s), LD_OK);
    assert_true(s->n >= 3);
    /* The seeded "often late" pupil is there with the core's sentence about frequency. */
    bool often = false, family = false;
    for (size_t i = 0; i < s->n; i++) {
        assert_true(s->items[i].nsentences >= 1);
        if (strncmp(fx.cards[1].who, s->items[i].name, strlen(s->items[i].name)) == 0)
            often = strstr(s->items[i].sentences[0], "of the last 20 school days") != NULL;
        /* The seeded family's two children: one conversation, said so on both. */
        family = family || strstr(s->items[i].family, ": 2 children") != NULL;
    }
    assert_true(often);
    assert_true(family);
    /* The answer is cached until the log moves: the second call does no analysis. */
    double first = kiosk_device_analysis_ms(fx.dev);
    assert_true(first > 0);
    print_message("analysis of the store's history: %.1f ms\n", first);
    free(s);
}

static void test_status_follows_sync_and_reader(void **state)
{
    (void)state;
    struct kiosk_status st;
    at(12, 0); /* after the last event so far: a clock behind it would be "not synchronised" */
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.reader, KIOSK_READER_NONE);
    assert_int_equal(st.sync, KIOSK_SYNC_NEVER);
    assert_int_equal(st.clock, KIOSK_CLOCK_OK);
    assert_true(st.pending > 0);

    struct ld_store *store = NULL;
    int64_t now;
    at(12, 5);
    assert_int_equal(fx.clock.source.read_realtime(&fx.clock, &now, NULL, 0), LD_OK);
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_sync_status_success(store, now, NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.sync, KIOSK_SYNC_PENDING);
    assert_string_equal(st.last_sync, "12:05");
    uint64_t mine;
    struct ld_event_filter own = {.device_id = "door-1"};
    assert_int_equal(ld_store_events_count(store, &own, &mine, NULL, 0), LD_OK);
    assert_int_equal(ld_sync_status_set_cursor(store, (int64_t)mine, NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.sync, KIOSK_SYNC_OK);
    assert_int_equal(st.pending, 0);
    assert_int_equal(ld_sync_status_failure(store, now, "central store: no route", NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.sync, KIOSK_SYNC_OFFLINE);
    /* Refused by the centre: not "offline"; staff get the reason whole. */
    const char *why = "push of seq 1..3 REFUSED: the central store holds other events under "
                      "these numbers (this kiosk's store restored from an old backup?). Nothing "
                      "was overwritten and taps are kept here";
    assert_int_equal(ld_sync_status_refused(store, now, why, NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.sync, KIOSK_SYNC_REFUSED);
    assert_string_equal(st.sync_detail, why);
    ld_store_close(store);
}

/* The classes come youngest first (by the roster's year groups): Reception, then Year 1... */
static void test_classes_reception_first(void **state)
{
    (void)state;
    struct kiosk_class_list *l = calloc(1, sizeof *l);
    assert_non_null(l);
    assert_int_equal(OPS->list_classes(IMPL, l), LD_OK);
    assert_true(l->n > 2);
    assert_string_equal(l->items[0].name, "R");
    assert_string_equal(l->items[l->n - 1].name, "6B");
    free(l);
}

/* With 20 staff, a PIN typed after choosing a name is checked against that one hash. */
static void test_pin_checks_one_hash_of_twenty(void **state)
{
    (void)state;
    struct ld_store *store = NULL;
    struct ld_staff head;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_staff_get(store, KIOSK_DEMO_STAFF_ID, &head, NULL, 0), LD_OK);
    for (int i = 0; i < 19; i++) {
        struct ld_staff s = head; /* the same hash: adding them costs no Argon2id run */
        snprintf(s.id, sizeof s.id, "teacher-%02d", i);
        snprintf(s.name, sizeof s.name, "Teacher %02d", i);
        s.card[0] = '\0';
        assert_int_equal(ld_store_staff_put(store, &s, NULL, 0), LD_OK);
    }
    ld_store_close(store);
    struct kiosk_staff_list *l = calloc(1, sizeof *l);
    assert_non_null(l);
    assert_int_equal(OPS->list_staff(IMPL, l), LD_OK);
    assert_true(l->n >= 20);
    free(l);
    void *check = OPS->pin_begin(IMPL, KIOSK_DEMO_STAFF_ID, "1357");
    assert_int_equal(kiosk_device_pin_hashes(check), 1);
    assert_int_equal(OPS->pin_run(check), KIOSK_PIN_WRONG);
    OPS->pin_end(IMPL, check, true);
    check = OPS->pin_begin(IMPL, NULL, "1357"); /* tools: everyone's */
    assert_true(kiosk_device_pin_hashes(check) >= 20);
    OPS->pin_end(IMPL, check, false);
    assert_null(OPS->pin_begin(IMPL, "nobody", "1357"));
    assert_int_equal(kiosk_pin_verify_now(&fx.be, KIOSK_DEMO_STAFF_ID, KIOSK_DEMO_PIN),
                     KIOSK_PIN_OK);
}

/* The PIN pad's lock is kept in the store, as the UTC instant it ends. */
static void test_pin_lock_kept_in_the_store(void **state)
{
    (void)state;
    struct kiosk_pin_lock_state st;
    at(12, 0);
    assert_int_equal(OPS->pin_lock_read(IMPL, &st), LD_OK);
    assert_int_equal(st.failures, 0);
    assert_int_equal(st.locks, 0);
    assert_int_equal(st.remaining_ms, 0);
    st = (struct kiosk_pin_lock_state){.failures = 0, .locks = 2, .remaining_ms = 300000};
    assert_int_equal(OPS->pin_lock_write(IMPL, &st), LD_OK);
    at(12, 2); /* two minutes later, as after a restart */
    assert_int_equal(OPS->pin_lock_read(IMPL, &st), LD_OK);
    assert_int_equal(st.locks, 2);
    assert_int_equal(st.remaining_ms, 180000);
    at(12, 6);
    assert_int_equal(OPS->pin_lock_read(IMPL, &st), LD_OK);
    assert_int_equal(st.remaining_ms, 0);
    assert_int_equal(st.locks, 2); /* the next lock is still the third */
    /* A value that is not the kiosk's is an error naming the setting. */
    struct ld_store *store = NULL;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_setting_set(store, "kiosk.pin_lock", "two 3", NULL, 0), LD_OK);
    assert_int_equal(OPS->pin_lock_read(IMPL, &st), LD_ERR_INVALID);
    assert_non_null(strstr(OPS->last_error(IMPL), "kiosk.pin_lock"));
    assert_int_equal(ld_store_setting_delete(store, "kiosk.pin_lock", NULL, 0), LD_OK);
    ld_store_close(store);
}

/* The store's file deleted (here: moved away) under the running kiosk is a problem on screen;
 * the same file back, it is not. */
static void test_store_file_lost_is_reported(void **state)
{
    (void)state;
    struct kiosk_status st;
    char moved[sizeof fx.db + 8];
    snprintf(moved, sizeof moved, "%s.moved", fx.db);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_string_equal(st.store_detail, "");
    assert_int_equal(rename(fx.db, moved), 0);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_string_equal(st.store_detail, "device.db is gone: restart the kiosk.");
    assert_int_equal(rename(moved, fx.db), 0);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_string_equal(st.store_detail, "");
}

static void test_clock_repaired_when_good_again(void **state)
{
    (void)state;
    struct kiosk_greeting g;
    struct kiosk_status st;
    at(13, 30);
    fx.clock.unsynced = true; /* no network time yet */
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[3].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED); /* recorded all the same */
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.clock, KIOSK_CLOCK_UNSYNCED);
    assert_int_equal(events_of(LD_EV_CLOCK_REPAIR, g.arrival, NULL), 0);
    fx.clock.unsynced = false;
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(st.clock, KIOSK_CLOCK_OK);
    assert_int_equal(events_of(LD_EV_CLOCK_REPAIR, g.arrival, NULL), 1);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_equal(events_of(LD_EV_CLOCK_REPAIR, g.arrival, NULL), 1); /* once */
}

/* Sets the demo clock to hh:mm on another date, school time. */
static void at_on(const char *date, int hour, int minute)
{
    ld_date d;
    int64_t ms;
    assert_true(ld_date_parse(date, &d));
    assert_int_equal(ld_clock_from_local(fx.tz, d, hour * 60 + minute, 0, &ms, NULL, 0), LD_OK);
    kiosk_demo_clock_set(&fx.clock, ms);
}

static void test_punctual_class_of_the_week(void **state)
{
    (void)state;
    /* The next Monday: this week so far is one morning, in which every class but the last has
     * a latecomer. The last class is then the week's most punctual; before any lates, none. */
    char name[KIOSK_CLASS_MAX];
    struct kiosk_class_list c;
    struct kiosk_pupil_list *p = malloc(sizeof *p);
    struct kiosk_greeting g;
    at_on("2026-10-19", 8, 40);
    assert_false(OPS->punctual_class(IMPL, name, sizeof name)); /* all tied at nothing */
    assert_int_equal(OPS->list_classes(IMPL, &c), LD_OK);
    assert_true(c.n >= 3);
    at_on("2026-10-19", 9, 5);
    for (size_t i = 0; i + 1 < c.n; i++) {
        assert_int_equal(OPS->list_pupils(IMPL, c.items[i].name, p), LD_OK);
        assert_int_equal(OPS->sign_in(IMPL, p->items[0].upn, NULL, false, &g), LD_OK);
        assert_int_equal(g.outcome, LD_OUTCOME_LATE_OPEN);
    }
    assert_true(OPS->punctual_class(IMPL, name, sizeof name));
    assert_string_equal(name, c.items[c.n - 1].name);
    free(p);
}

/* ---- gate mode: not arrived, once the morning register has closed ------------------------ */

/* The pupils with a standing arrival today (by name and class: one pupil, two sessions). */
static size_t arrived_today(struct kiosk_backend be)
{
    struct kiosk_arrival_list *a = malloc(sizeof *a);
    assert_non_null(a);
    assert_int_equal(be.ops->arrivals_today(be.impl, false, a), LD_OK);
    assert_true(a->n == a->total);
    size_t distinct = 0;
    for (size_t k = 0; k < a->n; k++) {
        bool again = false;
        for (size_t j = 0; j < k && !again; j++)
            again = strcmp(a->items[j].name, a->items[k].name) == 0 &&
                    strcmp(a->items[j].class_name, a->items[k].class_name) == 0;
        distinct += !again;
    }
    free(a);
    return distinct;
}

/* The list at date hh:mm: checks it is withheld until "until" or (until NULL) given. */
static void expect_not_arrived(struct kiosk_backend be, const char *date, int hour, int minute,
                               const char *until, struct kiosk_absent_list *l)
{
    at_on(date, hour, minute);
    memset(l, 0x5a, sizeof *l); /* every field must be written */
    assert_int_equal(be.ops->not_arrived(be.impl, l), LD_OK);
    if (until) {
        assert_string_equal(l->available_at, until);
        assert_int_equal(l->n, 0);
        assert_int_equal(l->total, 0);
    } else {
        assert_string_equal(l->available_at, "");
        assert_int_equal(l->total, 200 - arrived_today(be));
    }
}

static void test_gate_lists_not_arrived_in_calling_order(void **state)
{
    (void)state;
    struct kiosk_device *gate = open_device(fx.gate_ini);
    struct kiosk_backend be = kiosk_device_backend(gate);
    struct kiosk_settings s;
    assert_int_equal(be.ops->settings(be.impl, &s), LD_OK);
    assert_true(s.gate_mode);
    struct kiosk_absent_list *l = malloc(sizeof *l);
    assert_non_null(l);
    /* DAY is in British Summer Time: 09:20 there is 08:20 UTC. The register (default sessions)
     * is open until 09:20 inclusive; the list comes at 09:21, school time. */
    expect_not_arrived(be, DAY, 8, 30, "09:20", l);
    expect_not_arrived(be, DAY, 9, 20, "09:20", l);
    expect_not_arrived(be, DAY, 9, 21, NULL, l);
    assert_true(l->total < 200);
    /* The priority groups first, then nobody marked priority. */
    size_t i = 0;
    while (i < l->n && l->items[i].priority)
        i++;
    assert_true(i > 0);
    for (; i < l->n; i++)
        assert_false(l->items[i].priority);
    for (size_t k = 0; k < l->n; k++)
        assert_string_not_equal(l->items[k].name, "Tereza D."); /* arrived 08:47 */
    /* In the afternoon it is still the day's list (not the afternoon session's: everyone). */
    expect_not_arrived(be, DAY, 14, 0, NULL, l);
    assert_true(l->total < 200);

    /* A Monday in Greenwich Mean Time with nobody in yet: everyone, from 09:21; one fewer once
     * a child comes in. */
    expect_not_arrived(be, "2026-11-16", 9, 20, "09:20", l);
    expect_not_arrived(be, "2026-11-16", 9, 21, NULL, l);
    assert_int_equal(l->total, 200);
    struct kiosk_greeting g;
    assert_int_equal(be.ops->tap_card(be.impl, fx.cards[2].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    expect_not_arrived(be, "2026-11-16", 9, 22, NULL, l);
    assert_int_equal(l->total, 199);
    kiosk_device_close(gate);

    /* The school's own sessions decide, not the defaults: a register closing at 09:05. */
    char ini[160];
    snprintf(ini, sizeof ini, "%s/gate-early.ini", fx.dir);
    write_config_with(ini, "gate", "gate-2", "driver = none", NULL,
                      EVERYONE "[sessions]\nam_start = 08:40\nam_register_closes = 09:05\n");
    gate = open_device(ini);
    be = kiosk_device_backend(gate);
    expect_not_arrived(be, "2026-11-16", 9, 5, "09:05", l);
    expect_not_arrived(be, "2026-11-16", 9, 6, NULL, l);
    assert_int_equal(l->total, 199);
    kiosk_device_close(gate);
    free(l);
}

/* Late door only (the default): no evidence of who is missing, so nobody is listed, and why. */
static void test_gate_without_evidence_lists_no_one(void **state)
{
    (void)state;
    char ini[160];
    snprintf(ini, sizeof ini, "%s/gate-late.ini", fx.dir);
    write_config_with(ini, "gate", "gate-3", "driver = none", NULL, "");
    struct kiosk_device *gate = open_device(ini);
    struct kiosk_backend be = kiosk_device_backend(gate);
    struct kiosk_absent_list *l = malloc(sizeof *l);
    assert_non_null(l);
    at_on("2026-11-16", 9, 40);
    memset(l, 0x5a, sizeof *l);
    assert_int_equal(be.ops->not_arrived(be.impl, l), LD_OK);
    assert_int_equal(l->n, 0);
    assert_int_equal(l->total, 0);
    assert_string_equal(l->available_at, "");
    assert_non_null(strstr(l->not_known, "Today's register is not in yet"));

    /* The school says everyone signs in, at the centre (sync writes school.KEY): a list. */
    struct ld_store *store = NULL;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(
        ld_store_setting_set(store, "school.arrival_mode", "everyone signs in", NULL, 0), LD_OK);
    assert_int_equal(be.ops->not_arrived(be.impl, l), LD_OK);
    assert_string_equal(l->not_known, "");
    assert_true(l->total > 0);
    assert_int_equal(ld_store_setting_delete(store, "school.arrival_mode", NULL, 0), LD_OK);
    ld_store_close(store);
    kiosk_device_close(gate);
    free(l);
}

/* kiosk-lang: the home languages from the file's [kiosk], then from the centre over it; the
 * reasons' codes for their pictograms. */
static void test_settings_carry_languages_and_reason_codes(void **state)
{
    (void)state;
    char ini[160];
    snprintf(ini, sizeof ini, "%s/lang.ini", fx.dir);
    write_config_with(ini, "late_door", "door-9", "driver = none", NULL,
                      "[kiosk]\nlanguages = pl, ro\n");
    struct kiosk_device *door = open_device(ini);
    struct kiosk_backend be = kiosk_device_backend(door);
    struct kiosk_settings s;
    assert_int_equal(be.ops->settings(be.impl, &s), LD_OK);
    assert_int_equal(s.language_count, 2);
    assert_string_equal(s.languages[0], "pl");
    assert_string_equal(s.languages[1], "ro");
    assert_int_equal(s.reason_codes[0], LD_CODE_M); /* Medical appointment = -, M */
    assert_int_equal(s.reason_codes[1], LD_CODE_NONE);

    struct ld_store *store = NULL;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_setting_set(store, "school.kiosk.languages", "ro", NULL, 0), LD_OK);
    assert_int_equal(be.ops->settings(be.impl, &s), LD_OK);
    assert_int_equal(s.language_count, 1);
    assert_string_equal(s.languages[0], "ro");
    /* a bad one written at the centre keeps the file's */
    assert_int_equal(ld_store_setting_set(store, "school.kiosk.languages", "ro, EN", NULL, 0),
                     LD_OK);
    assert_int_equal(be.ops->settings(be.impl, &s), LD_OK);
    assert_int_equal(s.language_count, 2);
    assert_int_equal(ld_store_setting_delete(store, "school.kiosk.languages", NULL, 0), LD_OK);
    ld_store_close(store);
    kiosk_device_close(door);
}

/*
 * Register times and reasons set in the office reach the door without a restart: sync writes
 * them into the store (school.sessions.*, school.reason.N) and the kiosk's taps, its reason
 * list and its status follow; reasons come in the order of N. A bad value keeps the file's
 * whole group (never half old, half new).
 */
static struct kiosk_arrival late_row(const char *ref);

static void test_centre_sessions_and_reasons_reach_the_door(void **state)
{
    (void)state;
    struct ld_store *store = NULL;
    struct kiosk_status st;
    struct kiosk_settings s;
    struct kiosk_greeting g, g2;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    unsigned gen = st.settings_gen;
    static const char *const set[][2] = {
        {"school.sessions.am_register_closes", "09:05"},
        {"school.reason.1", "Orthodontist = -, M"},
        {"school.reason.10", "Snow = -, -"},
        {"school.reason.2", "Bus late = -, -"},
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        assert_int_equal(ld_store_setting_set(store, set[i][0], set[i][1], NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_not_equal(st.settings_gen, gen);
    assert_int_equal(OPS->settings(IMPL, &s), LD_OK);
    assert_string_equal(s.am_closes, "09:05");
    assert_int_equal(s.reason_count, 3);
    assert_string_equal(s.reasons[0], "Orthodontist");
    assert_string_equal(s.reasons[1], "Bus late");
    assert_string_equal(s.reasons[2], "Snow");
    assert_int_equal(s.reason_codes[0], LD_CODE_M);

    /* 09:10: after the centre's 09:05, so U (the file's 09:20 would say L). */
    at_on("2026-11-24", 9, 10);
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[3].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    assert_int_equal(g.outcome, LD_OUTCOME_LATE_CLOSED);
    assert_int_not_equal(OPS->record_reason(IMPL, g.arrival, "Traffic", &g2), LD_OK);
    /* a reason only the centre knows; one that can change no mark needs no evidence */
    assert_int_equal(OPS->record_reason(IMPL, g.arrival, "Bus late", &g2), LD_OK);
    struct kiosk_arrival row = late_row(g.arrival);
    assert_string_equal(row.reason, "Bus late");
    assert_int_equal(row.code, LD_CODE_U);
    assert_false(row.needs_evidence);
    assert_int_equal(OPS->confirm_reason(IMPL, g.arrival), LD_ERR_STATE);

    /* A register closing before it opens, a reason no door may give: the file's, whole. */
    gen = st.settings_gen;
    assert_int_equal(
        ld_store_setting_set(store, "school.sessions.am_register_closes", "08:30", NULL, 0), LD_OK);
    assert_int_equal(ld_store_setting_set(store, "school.reason.2", "Bus late = U, U", NULL, 0),
                     LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    assert_int_not_equal(st.settings_gen, gen);
    assert_int_equal(OPS->settings(IMPL, &s), LD_OK);
    assert_string_equal(s.am_closes, "09:20");
    assert_string_equal(s.reasons[0], "Medical appointment");
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        assert_int_equal(ld_store_setting_delete(store, set[i][0], NULL, 0), LD_OK);
    assert_int_equal(OPS->status(IMPL, &st), LD_OK);
    ld_store_close(store);
}

/* Re-imports the demo roster, Andrei Ionescu (CP) admitted on admitted (NULL: no date). */
static void import_demo_roster(const char *admitted)
{
    char msg[512];
    struct ld_store *store = NULL;
    struct ld_roster roster = {0};
    assert_int_equal(ld_store_open(fx.db, NULL, &store, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_roster_parse_csv(LD_TEST_DATA "/../assets/demo/roster.csv", &roster, NULL,
                                         msg, sizeof msg),
                     LD_OK);
    for (size_t i = 0; admitted && i < roster.count; i++) {
        if (!strcmp(roster.pupils[i].upn, "V873214722753")) {
            roster.pupils[i].has_admitted = true;
            assert_true(ld_date_parse(admitted, &roster.pupils[i].admitted));
        }
    }
    assert_int_equal(ld_store_import_roster(store, &roster, NULL, msg, sizeof msg), LD_OK);
    ld_roster_free(&roster);
    ld_store_close(store);
}

/* Returns the position of Andrei I. of 4B (the CP child; 1B has another) in l, or -1. */
static long andrei_4b(const struct kiosk_absent_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].name, "Andrei I.") && !strcmp(l->items[i].class_name, "4B"))
            return (long)i;
    return -1;
}

/*
 * Everyone signs in: a child who never tapped is on the list, a CP child in the priority block
 * before everyone else; a mid-year joiner is not missing before the first day on roll.
 */
static void test_gate_everyone_signs_in_calls_in_order(void **state)
{
    (void)state;
    struct kiosk_device *gate = open_device(fx.gate_ini);
    struct kiosk_backend be = kiosk_device_backend(gate);
    struct kiosk_absent_list *l = malloc(sizeof *l);
    assert_non_null(l);
    at_on("2026-11-17", 9, 30); /* a Tuesday nobody has tapped on yet */
    assert_int_equal(be.ops->not_arrived(be.impl, l), LD_OK);
    assert_string_equal(l->not_known, "");
    assert_int_equal(l->total, 200);
    long andrei = andrei_4b(l);
    assert_true(andrei >= 0);
    assert_true(l->items[andrei].priority);
    for (long i = 0; i < andrei; i++)
        assert_true(l->items[i].priority); /* nobody of the general group before him */

    /* Admitted on Wednesday: not on roll on Tuesday, so not missing. */
    import_demo_roster("2026-11-18");
    assert_int_equal(be.ops->not_arrived(be.impl, l), LD_OK);
    assert_int_equal(l->total, 199);
    assert_int_equal(andrei_4b(l), -1);
    at_on("2026-11-18", 9, 30);
    assert_int_equal(be.ops->not_arrived(be.impl, l), LD_OK);
    assert_true(andrei_4b(l) >= 0);
    import_demo_roster(NULL);
    kiosk_device_close(gate);
    free(l);
}

/* The school's pattern thresholds reach the kiosk's analysis. */
static void test_pattern_thresholds_from_the_school_file(void **state)
{
    (void)state;
    char ini[160];
    struct kiosk_speak_list *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    at(12, 0);
    assert_int_equal(OPS->speak_to(IMPL, a), LD_OK);
    snprintf(ini, sizeof ini, "%s/strict.ini", fx.dir);
    write_config_with(ini, "late_door", "door-9", "driver = none", NULL,
                      "[patterns]\nfrequent_min = 1\nafter_close_min = 1\n");
    struct kiosk_device *d = open_device(ini);
    struct kiosk_backend be = kiosk_device_backend(d);
    assert_int_equal(be.ops->speak_to(be.impl, b), LD_OK);
    assert_true(b->total > a->total); /* one late day in twenty is a pattern there */
    kiosk_device_close(d);
    free(a);
    free(b);
}

static ld_date D_(const char *s)
{
    ld_date d = 0;
    assert_true(ld_date_parse(s, &d));
    return d;
}

/* Analyses the store with the config ini as the kiosk does at date hh:mm; returns the result. */
static struct ld_result *device_analysis(const char *ini, const char *date, int hour, int minute,
                                         struct ld_school **school, struct ld_device *dev)
{
    char msg[512];
    struct ld_store *store = NULL;
    ld_date d;
    int64_t to_ms;
    struct ld_result *r = NULL;
    assert_true(ld_date_parse(date, &d));
    assert_int_equal(ld_device_load(ini, dev, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_clock_from_local(fx.tz, d + 1, 0, 0, &to_ms, NULL, 0), LD_OK);
    assert_int_equal(ld_store_open(fx.db, NULL, &store, msg, sizeof msg), LD_OK);
    ld_err err =
        kiosk_analysis_run(store, dev, d, hour * 60 + minute, to_ms, school, &r, msg, sizeof msg);
    if (err)
        fail_msg("%s", msg);
    ld_store_close(store);
    return r;
}

/* Frees what device_analysis gave. */
static void analysis_free(struct ld_result *r, struct ld_school *school, struct ld_device *dev)
{
    ld_result_destroy(r);
    ld_school_destroy(school);
    ld_device_free(dev);
}

static enum ld_code mark_of(const struct ld_result *r, const char *upn, const char *date, int ses)
{
    enum ld_code code = LD_CODE_NONE;
    int minutes;
    long i = ld_result_find(r, upn);
    assert_true(i >= 0);
    assert_true(ld_result_mark(r, (size_t)i, D_(date), (enum ld_session_id)ses, &code, &minutes));
    return code;
}

/* The late list's row for the arrival ref (fails when it is not there). */
static struct kiosk_arrival late_row(const char *ref)
{
    struct kiosk_arrival_list *l = malloc(sizeof *l);
    struct kiosk_arrival row;
    assert_non_null(l);
    assert_int_equal(OPS->arrivals_today(IMPL, true, l), LD_OK);
    size_t i = 0;
    while (i < l->n && strcmp(l->items[i].ref, ref) != 0)
        i++;
    assert_true(i < l->n);
    row = l->items[i];
    free(l);
    return row;
}

/*
 * A reason chosen at the door is a claim (issue 15): after the register closes a medical
 * appointment leaves the mark U, on the staff list ("needs evidence") and in the device's
 * analysis, until staff confirm it; then the school's code for it, M, stands in both. A second
 * confirmation finds nothing to confirm.
 */
static void test_claimed_reason_stays_u_until_confirmed(void **state)
{
    (void)state;
    struct kiosk_greeting g, g2;
    struct ld_school *school = NULL;
    struct ld_device dev;
    at(9, 26);
    assert_int_equal(OPS->tap_card(IMPL, fx.cards[2].uid, &g), LD_OK);
    assert_int_equal(g.outcome, LD_OUTCOME_LATE_CLOSED);
    assert_int_equal(OPS->record_reason(IMPL, g.arrival, "Medical appointment", &g2), LD_OK);
    assert_string_equal(g2.reason, "Medical appointment");
    struct kiosk_arrival row = late_row(g.arrival);
    assert_string_equal(row.reason, "Medical appointment");
    assert_string_equal(row.time, "09:26");
    assert_int_equal(row.code, LD_CODE_U);
    assert_true(row.needs_evidence);
    at(10, 0);
    struct ld_result *r = device_analysis(fx.ini, DAY, 10, 0, &school, &dev);
    assert_int_equal(mark_of(r, fx.cards[2].upn, DAY, LD_AM), LD_CODE_U);
    analysis_free(r, school, &dev);

    assert_int_equal(OPS->confirm_reason(IMPL, g.arrival), LD_OK);
    row = late_row(g.arrival);
    assert_int_equal(row.code, LD_CODE_M);
    assert_false(row.needs_evidence);
    assert_string_equal(row.reason, "Medical appointment");
    r = device_analysis(fx.ini, DAY, 10, 0, &school, &dev);
    assert_int_equal(mark_of(r, fx.cards[2].upn, DAY, LD_AM), LD_CODE_M);
    analysis_free(r, school, &dev);
    assert_int_equal(OPS->confirm_reason(IMPL, g.arrival), LD_ERR_STATE);
}

/*
 * What the device knows: with everyone signing in, a child who never tapped is N for the
 * morning once its register has closed (and not before); with the late door only, a session
 * nobody tapped for is "-", never present.
 */
static void test_device_analysis_knows_only_what_it_saw(void **state)
{
    (void)state;
    const char *andrei = "V873214722753"; /* never taps in these tests */
    struct ld_school *school = NULL;
    struct ld_device dev;
    struct ld_result *r = device_analysis(fx.gate_ini, "2026-11-16", 9, 10, &school, &dev);
    assert_int_equal(mark_of(r, andrei, "2026-11-13", LD_AM), LD_CODE_N);
    assert_int_equal(mark_of(r, andrei, "2026-11-13", LD_PM), LD_CODE_PRESENT_PM);
    assert_int_equal(mark_of(r, andrei, "2026-11-16", LD_AM), LD_CODE_UNKNOWN); /* still open */
    analysis_free(r, school, &dev);

    r = device_analysis(fx.gate_ini, "2026-11-16", 9, 30, &school, &dev);
    assert_int_equal(mark_of(r, andrei, "2026-11-16", LD_AM), LD_CODE_N);
    assert_int_equal(mark_of(r, andrei, "2026-11-16", LD_PM), LD_CODE_UNKNOWN);
    long i = ld_result_find(r, andrei);
    bool called = false;
    for (size_t k = 0; k < ld_result_call_count(r); k++)
        called |= ld_result_call(r, k) == ld_result_pupil(r, (size_t)i);
    assert_true(called);
    analysis_free(r, school, &dev);

    r = device_analysis(fx.ini, "2026-11-16", 9, 30, &school, &dev);
    assert_int_equal(mark_of(r, andrei, "2026-11-13", LD_AM), LD_CODE_UNKNOWN);
    assert_int_equal(mark_of(r, andrei, "2026-11-16", LD_AM), LD_CODE_UNKNOWN);
    assert_int_equal(ld_result_call_count(r), 0);
    assert_false(ld_result_pupil(r, (size_t)ld_result_find(r, andrei))->attendance.has_pct);
    analysis_free(r, school, &dev);
}

/*
 * (Issue 15) A wrong staff PIN is one event: whom it was tried for, by id and name, never the
 * PIN; and the kiosk's own analysis of the day is what it was without it.
 */
static void test_wrong_pin_is_an_event_the_analysis_ignores(void **state)
{
    (void)state;
    struct ld_school *school = NULL, *school0 = NULL;
    struct ld_device dev, dev0;
    struct ld_result *r0 = device_analysis(fx.gate_ini, "2026-11-16", 9, 30, &school0, &dev0);
    size_t n = ld_result_pupil_count(r0), calls = ld_result_call_count(r0);

    int before = events_of(LD_EV_PIN_WRONG, NULL, NULL);
    struct ld_event last;
    at(12, 0);
    assert_int_equal(OPS->pin_wrong(IMPL, KIOSK_DEMO_STAFF_ID), LD_OK);
    assert_int_equal(events_of(LD_EV_PIN_WRONG, NULL, &last), before + 1);
    assert_string_equal(last.staff, KIOSK_DEMO_STAFF_ID);
    assert_true(last.reason[0]); /* the name the pad showed */
    assert_null(strstr(last.reason, KIOSK_DEMO_PIN));
    assert_int_equal(last.source, LD_SRC_STAFF);
    assert_int_equal(OPS->pin_wrong(IMPL, NULL), LD_OK); /* nobody was chosen */
    assert_int_equal(events_of(LD_EV_PIN_WRONG, NULL, &last), before + 2);
    assert_string_equal(last.staff, "");
    assert_string_equal(last.reason, "");

    struct ld_result *r = device_analysis(fx.gate_ini, "2026-11-16", 9, 30, &school, &dev);
    assert_int_equal(ld_result_pupil_count(r), n);
    assert_int_equal(ld_result_call_count(r), calls);
    for (size_t i = 0; i < n; i++) {
        const struct ld_pupil_result *p = ld_result_pupil(r, i), *was = ld_result_pupil(r0, i);
        assert_string_equal(p->id, was->id);
        assert_memory_equal(&p->attendance, &was->attendance, sizeof p->attendance);
        assert_int_equal(p->late_l, was->late_l);
        assert_int_equal(p->late_u, was->late_u);
        assert_int_equal(p->late_minutes, was->late_minutes);
        assert_int_equal(p->unknown, was->unknown);
        assert_int_equal(p->npatterns, was->npatterns);
    }
    analysis_free(r, school, &dev);
    analysis_free(r0, school0, &dev0);
}

/* The reader's state goes into the store when it changes, for the sync process to carry. */
static void test_reader_state_kept_for_the_office(void **state)
{
    (void)state;
    struct kiosk_status st;
    struct ld_sync_status ss;
    struct ld_store *store = NULL;
    at(12, 10);
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_setting_delete(store, LD_KIOSK_KEY_READER, NULL, 0), LD_OK);
    struct kiosk_device *d = open_device(fx.ini); /* a kiosk starting, without a reader */
    struct kiosk_backend be = kiosk_device_backend(d);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_int_equal(ld_sync_status_read(store, &ss, NULL, 0), LD_OK);
    assert_non_null(strstr(ss.reader, "no reader"));
    int64_t first = ss.reader_ms;
    assert_true(first > 0);
    at(12, 20);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK); /* unchanged: not written again */
    assert_int_equal(ld_sync_status_read(store, &ss, NULL, 0), LD_OK);
    assert_int_equal(ss.reader_ms, first);
    kiosk_device_close(d);
    ld_store_close(store);
}

/* A store that will not take the reader's state (its write lock held by another process past the
 * busy timeout) leaves the status as it was: the door goes on; the next status read writes it. */
static void test_reader_state_not_kept_is_no_failure(void **state)
{
    (void)state;
    struct kiosk_status st;
    struct ld_sync_status ss;
    struct ld_store *store = NULL, *other = NULL;
    at(12, 30);
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_setting_delete(store, LD_KIOSK_KEY_READER, NULL, 0), LD_OK);
    struct kiosk_device *d = open_device(fx.ini);
    struct kiosk_backend be = kiosk_device_backend(d);
    assert_int_equal(ld_store_open(fx.db, NULL, &other, NULL, 0), LD_OK);
    assert_int_equal(ld_store__begin(other, NULL, 0), LD_OK); /* the write lock, held */
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    ld_store__rollback(other);
    ld_store_close(other);
    assert_int_equal(ld_sync_status_read(store, &ss, NULL, 0), LD_OK);
    assert_string_equal(ss.reader, "");
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_int_equal(ld_sync_status_read(store, &ss, NULL, 0), LD_OK);
    assert_non_null(strstr(ss.reader, "no reader"));
    kiosk_device_close(d);
    ld_store_close(store);
}

/* ---- the office's un-void and new time, as the kiosk pulls them ------------------------ */

/* Puts one event of another device into the kiosk's store, as a pull does. */
static void pulled(enum ld_event_kind kind, const char *device, int64_t seq, const char *upn,
                   int64_t at_ms, const char *ref_device, int64_t ref_seq, int64_t fixed_at_ms)
{
    char msg[512];
    struct ld_store *store = NULL;
    struct ld_event ev = {.kind = kind,
                          .at_ms = at_ms,
                          .mono_ms = 1000,
                          .clock = LD_CLOCK_OK,
                          .source = strncmp(device, "office.", 7) ? LD_SRC_CARD : LD_SRC_OFFICE,
                          .seq = seq,
                          .ref_seq = ref_seq,
                          .fixed_at_ms = fixed_at_ms};
    snprintf(ev.device_id, sizeof ev.device_id, "%s", device);
    snprintf(ev.uuid, sizeof ev.uuid, "0ff1ce00-0000-4000-8000-%012u",
             (unsigned)(seq % 1000) + (ev.source == LD_SRC_OFFICE ? 8000u : 7000u));
    snprintf(ev.upn, sizeof ev.upn, "%s", upn);
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", ref_device);
    assert_int_equal(ld_store_open(fx.db, NULL, &store, msg, sizeof msg), LD_OK);
    if (ld_store_insert_foreign_event(store, &ev, NULL, msg, sizeof msg))
        fail_msg("insert: %s", msg);
    ld_store_close(store);
}

/* True when the kiosk's list of today's arrivals holds ref ("device:seq"). */
static bool listed_today(const char *ref)
{
    struct kiosk_arrival_list *l = malloc(sizeof *l);
    bool found = false;
    assert_int_equal(OPS->arrivals_today(IMPL, false, l), LD_OK);
    for (size_t i = 0; i < l->n; i++)
        found |= !strcmp(l->items[i].ref, ref);
    free(l);
    return found;
}

static enum ld_code am_mark_on_day(const char *upn)
{
    struct ld_school *school = NULL;
    struct ld_device dev;
    struct ld_result *r = device_analysis(fx.ini, DAY, 12, 0, &school, &dev);
    enum ld_code code = mark_of(r, upn, DAY, LD_AM);
    analysis_free(r, school, &dev);
    return code;
}

/*
 * Another kiosk's 09:25 arrival (U: the register closes at 09:20), voided there; the office's
 * un-void (a void whose ref is that void) brings it back to the list and the analysis; the
 * office's new time, 09:10 (a clock_repair), makes it L.
 */
static void test_office_unvoid_and_new_time_reach_the_kiosk(void **state)
{
    (void)state;
    const char *upn = "V873214722753"; /* Andrei: no arrival of his own on DAY */
    ld_date d;
    int64_t at_925, at_910, at_1100;
    assert_true(ld_date_parse(DAY, &d));
    assert_int_equal(ld_clock_from_local(fx.tz, d, 9 * 60 + 25, 0, &at_925, NULL, 0), LD_OK);
    assert_int_equal(ld_clock_from_local(fx.tz, d, 9 * 60 + 10, 0, &at_910, NULL, 0), LD_OK);
    assert_int_equal(ld_clock_from_local(fx.tz, d, 11 * 60, 0, &at_1100, NULL, 0), LD_OK);
    at(12, 0);
    assert_false(listed_today("door-9:1"));
    pulled(LD_EV_ARRIVAL, "door-9", 1, upn, at_925, "", 0, 0);
    assert_true(listed_today("door-9:1"));
    assert_int_equal(am_mark_on_day(upn), LD_CODE_U);

    pulled(LD_EV_VOID, "door-9", 2, upn, at_925 + 60000, "door-9", 1, 0);
    assert_false(listed_today("door-9:1"));
    assert_int_not_equal(am_mark_on_day(upn), LD_CODE_U);

    pulled(LD_EV_VOID, "office.hollybrook", 1, upn, at_1100, "door-9", 2, 0);
    assert_true(listed_today("door-9:1"));
    assert_int_equal(am_mark_on_day(upn), LD_CODE_U);

    pulled(LD_EV_CLOCK_REPAIR, "office.hollybrook", 2, upn, at_1100 + 60000, "door-9", 1, at_910);
    assert_int_equal(am_mark_on_day(upn), LD_CODE_L);
    struct kiosk_arrival_list *l = malloc(sizeof *l);
    assert_int_equal(OPS->arrivals_today(IMPL, false, l), LD_OK);
    bool at_new_time = false;
    for (size_t i = 0; i < l->n; i++)
        at_new_time |= !strcmp(l->items[i].ref, "door-9:1") && !strcmp(l->items[i].time, "09:10");
    assert_true(at_new_time);
    free(l);
}

/* ---- the calendar file, changed under a running kiosk ----------------------------------- */

/* Replaces the calendar file as `latedoor sync` does: a new file renamed over the old. */
static void write_calendar(const char *text)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", fx.cal);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, fx.cal), 0);
}

/* The demo's calendar file, with extra appended (it ends in [closed]). Free it. */
static char *demo_calendar(const char *extra)
{
    FILE *f = fopen(LD_TEST_DATA "/../assets/demo/calendar.ini", "r");
    assert_non_null(f);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t n = fread(text, 1, 65536 - 256, f);
    assert_true(n > 0 && feof(f));
    fclose(f);
    strcat(text, extra);
    return text;
}

/* The class in a demo card's "who", "Tomás B. (3B), often late": "3B". */
static void card_class(const struct kiosk_demo_card *c, char out[KIOSK_CLASS_MAX])
{
    const char *open = strchr(c->who, '(');
    assert_non_null(open);
    size_t n = strcspn(open + 1, ")");
    assert_true(n < KIOSK_CLASS_MAX);
    memcpy(out, open + 1, n);
    out[n] = '\0';
}

static void test_calendar_change_is_read_without_a_restart(void **state)
{
    (void)state;
    /* The Monday 2026-11-09 (GMT), at 09:05: every class but the last has a latecomer, so the
     * last is the week's most punctual. The card tapped later is a pupil of another class. */
    const char *day = "2026-11-09";
    char *original = demo_calendar("");
    char *closure = demo_calendar("2026-11-09 = Snow day\n");
    write_calendar(original);
    char ini[160];
    snprintf(ini, sizeof ini, "%s/cal.ini", fx.dir);
    write_config_with(ini, "late_door", "door-1", "driver = none", fx.cal, "");
    struct kiosk_device *d = open_device_checking(ini, -1);
    struct kiosk_backend be = kiosk_device_backend(d);
    struct kiosk_status st;
    struct kiosk_greeting g;
    struct kiosk_class_list c;
    struct kiosk_pupil_list *p = malloc(sizeof *p);
    char name[KIOSK_CLASS_MAX], cls[KIOSK_CLASS_MAX];
    assert_int_equal(be.ops->list_classes(be.impl, &c), LD_OK);
    assert_true(c.n >= 3);
    const struct kiosk_demo_card *card = NULL;
    for (size_t k = 0; k < KIOSK_DEMO_CARDS && !card; k++) {
        card_class(&fx.cards[k], cls);
        if (strcmp(cls, c.items[c.n - 1].name) != 0)
            card = &fx.cards[k];
    }
    assert_non_null(card);
    at_on(day, 9, 5);
    for (size_t i = 0; i + 1 < c.n; i++) {
        assert_int_equal(be.ops->list_pupils(be.impl, c.items[i].name, p), LD_OK);
        const char *upn = strcmp(p->items[0].upn, card->upn) ? p->items[0].upn : p->items[1].upn;
        assert_int_equal(be.ops->sign_in(be.impl, upn, NULL, false, &g), LD_OK);
        assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    }
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_string_equal(st.calendar_detail, "");
    assert_true(be.ops->punctual_class(be.impl, name, sizeof name));
    assert_string_equal(name, c.items[c.n - 1].name);

    /* The centre closes the school that day: read at the next status, the day no longer counts
     * (the analysis made with the old calendar is dropped). */
    write_calendar(closure);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_string_equal(st.calendar_detail, "");
    assert_false(be.ops->punctual_class(be.impl, name, sizeof name));
    /* A tap on the closed day is kept (the tap pipeline records it with no mark); the child is
     * told there is no school today, with the calendar's name for the day, and no reason is
     * asked (issue 15: before, the kiosk greeted it as an arrival and asked why "late"). */
    at_on(day, 9, 6);
    uint64_t before = 0, after = 0;
    struct ld_store *store = NULL;
    assert_int_equal(ld_store_open(fx.db, NULL, &store, NULL, 0), LD_OK);
    assert_int_equal(ld_store_events_count(store, NULL, &before, NULL, 0), LD_OK);
    assert_int_equal(be.ops->tap_card(be.impl, card->uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_CLOSED);
    assert_string_equal(g.closed, "Snow day");
    assert_false(g.ask_reason);
    assert_int_equal(ld_store_events_count(store, NULL, &after, NULL, 0), LD_OK);
    assert_int_equal(after, before + 1);
    ld_store_close(store);
    assert_false(be.ops->punctual_class(be.impl, name, sizeof name));
    /* Nor is anyone late on a day with no register: staff's late list is empty (it showed the
     * closed day's taps as U), and the list to void from keeps them with no code. */
    struct kiosk_arrival_list *late = malloc(sizeof *late);
    assert_non_null(late);
    assert_int_equal(be.ops->arrivals_today(be.impl, true, late), LD_OK);
    assert_int_equal(late->n, 0);
    assert_int_equal(be.ops->arrivals_today(be.impl, false, late), LD_OK);
    assert_int_equal(late->n, c.n);
    for (size_t i = 0; i < late->n; i++)
        assert_int_equal(late->items[i].code, LD_CODE_NONE);
    free(late);

    /* A broken file: the calendar read before stays (the day is still closed), and the status
     * names the file, the line and the problem. */
    write_calendar("[terms]\nAutumn 1 = 2026-09-01 .. 2026-13-40\n");
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    print_message("broken calendar: %s\n", st.calendar_detail);
    assert_non_null(strstr(st.calendar_detail, "calendar.ini:2"));
    assert_non_null(strstr(st.calendar_detail, "kept"));
    assert_false(be.ops->punctual_class(be.impl, name, sizeof name));
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK); /* still said, not read again */
    assert_non_null(strstr(st.calendar_detail, "calendar.ini:2"));

    /* Gone (as between a delete and a new copy): still the old one, and said. */
    assert_int_equal(unlink(fx.cal), 0);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_non_null(strstr(st.calendar_detail, "not there"));
    assert_false(be.ops->punctual_class(be.impl, name, sizeof name));

    /* The day open again: the lates count, and the card's class had one already. */
    write_calendar(original);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_string_equal(st.calendar_detail, "");
    assert_true(be.ops->punctual_class(be.impl, name, sizeof name));
    assert_string_equal(name, c.items[c.n - 1].name);
    kiosk_device_close(d);

    /* Looked at only every check_ms: within it a change is not seen (one stat per period). */
    d = open_device_checking(ini, 600000);
    be = kiosk_device_backend(d);
    write_calendar("not a calendar\n");
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_string_equal(st.calendar_detail, "");
    assert_true(be.ops->punctual_class(be.impl, name, sizeof name));
    kiosk_device_close(d);
    write_calendar(original);
    free(p);
    free(original);
    free(closure);
}

static void test_no_calendar_at_start_then_it_comes(void **state)
{
    (void)state;
    /* A new kiosk before its first sync: no calendar file. It opens, records arrivals, has no
     * speak-to list, and says why; once sync writes the file, it reads it. */
    char ini[160], cal[160];
    snprintf(ini, sizeof ini, "%s/new.ini", fx.dir);
    snprintf(cal, sizeof cal, "%s/new-calendar.ini", fx.dir);
    write_config_with(ini, "late_door", "door-1", "driver = none", cal, "");
    struct kiosk_device *d = open_device_checking(ini, -1);
    struct kiosk_backend be = kiosk_device_backend(d);
    struct kiosk_status st;
    struct kiosk_greeting g;
    struct kiosk_speak_list *s = malloc(sizeof *s);
    char name[KIOSK_CLASS_MAX];
    at(12, 30);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    print_message("no calendar: %s\n", st.calendar_detail);
    assert_non_null(strstr(st.calendar_detail, "new-calendar.ini"));
    assert_non_null(strstr(st.calendar_detail, "not there"));
    assert_non_null(strstr(st.calendar_detail, "arrivals still recorded"));
    assert_int_equal(be.ops->speak_to(be.impl, s), LD_OK);
    assert_int_equal(s->n, 0);
    assert_false(be.ops->punctual_class(be.impl, name, sizeof name));
    at_on("2026-11-23", 8, 45);
    assert_int_equal(be.ops->tap_card(be.impl, fx.cards[4].uid, &g), LD_OK);
    assert_int_equal(g.kind, KIOSK_GREET_ARRIVED);
    assert_int_equal(g.outcome, LD_OUTCOME_ON_TIME);

    /* The first sync writes it. */
    char *text = demo_calendar("");
    FILE *f = fopen(cal, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    free(text);
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_string_equal(st.calendar_detail, "");
    assert_int_equal(be.ops->speak_to(be.impl, s), LD_OK);
    assert_true(s->n >= 1);
    free(s);
    kiosk_device_close(d);
}

static void test_broken_config_is_an_error_not_an_exit(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/missing.ini", fx.dir);
    struct kiosk_device *d = NULL;
    struct kiosk_device_options o = {.config_path = path, .no_reader = true};
    assert_int_equal(kiosk_device_open(&o, &d), LD_OK);
    assert_non_null(kiosk_device_error(d));
    assert_non_null(strstr(kiosk_device_error(d), "missing.ini"));
    struct kiosk_backend be = kiosk_device_backend(d);
    struct kiosk_settings s;
    struct kiosk_greeting g;
    struct kiosk_status st;
    struct kiosk_clock c;
    assert_int_not_equal(be.ops->settings(be.impl, &s), LD_OK);
    assert_non_null(strstr(be.ops->last_error(be.impl), "missing.ini"));
    assert_int_not_equal(be.ops->tap_card(be.impl, "04AABBCC", &g), LD_OK);
    assert_int_equal(kiosk_pin_verify_now(&be, NULL, KIOSK_DEMO_PIN), KIOSK_PIN_WRONG);
    /* a wrong PIN cannot be recorded either: said, with the reason (the pad's lock holds) */
    assert_int_equal(be.ops->pin_wrong(be.impl, KIOSK_DEMO_STAFF_ID), LD_ERR_STATE);
    assert_non_null(strstr(be.ops->last_error(be.impl), "missing.ini"));
    assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
    assert_int_equal(st.reader, KIOSK_READER_MISSING);
    assert_int_equal(be.ops->now(be.impl, &c), LD_OK); /* the idle screen still tells the time */
    kiosk_device_close(d);

    /* A store that is not there: also an error, naming it. */
    char ini[160];
    snprintf(ini, sizeof ini, "%s/nostore.ini", fx.dir);
    FILE *f = fopen(ini, "w");
    assert_non_null(f);
    fprintf(f,
            "[school]\nname = X\n[device]\nid = d\n[reader]\ndriver = none\n"
            "[paths]\ncalendar = %s/../assets/demo/calendar.ini\nstore = %s/none.db\n",
            LD_TEST_DATA, fx.dir);
    assert_int_equal(fclose(f), 0);
    o.config_path = ini;
    assert_int_equal(kiosk_device_open(&o, &d), LD_OK);
    assert_non_null(kiosk_device_error(d));
    assert_non_null(strstr(kiosk_device_error(d), "none.db"));
    kiosk_device_close(d);
}

/* ---- the simulated reader, through the supervisor thread, to the posting callback --------- */

static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t seen_cond = PTHREAD_COND_INITIALIZER;
static char seen_uid[32];
static int status_posts;

static bool record_card(const char *uid)
{
    pthread_mutex_lock(&seen_lock);
    snprintf(seen_uid, sizeof seen_uid, "%s", uid);
    pthread_cond_broadcast(&seen_cond);
    pthread_mutex_unlock(&seen_lock);
    return true;
}

static bool record_status(void)
{
    pthread_mutex_lock(&seen_lock);
    status_posts++;
    pthread_cond_broadcast(&seen_cond);
    pthread_mutex_unlock(&seen_lock);
    return true;
}

/* Waits (up to 20 s: a loaded machine) until pred holds; returns whether it did. */
static bool wait_for(bool (*pred)(void))
{
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    end.tv_sec += 20;
    pthread_mutex_lock(&seen_lock);
    bool ok = pred();
    while (!ok && pthread_cond_timedwait(&seen_cond, &seen_lock, &end) == 0)
        ok = pred();
    ok = pred();
    pthread_mutex_unlock(&seen_lock);
    return ok;
}

static bool card_seen(void)
{
    return strcmp(seen_uid, "04A1B2C3D4E5F6") == 0;
}

static bool status_seen(void)
{
    return status_posts > 0;
}

static void test_sim_reader_posts_cards(void **state)
{
    (void)state;
    char ini[160], reader[200];
    snprintf(ini, sizeof ini, "%s/sim.ini", fx.dir);
    snprintf(reader, sizeof reader, "driver = sim\npath = %s", fx.sock);
    write_config(ini, "late_door", "door-1", reader);
    struct kiosk_device *d = NULL;
    struct kiosk_device_options o = {.config_path = ini,
                                     .clock = &fx.clock.source,
                                     .on_card = record_card,
                                     .on_status = record_status};
    assert_int_equal(kiosk_device_open(&o, &d), LD_OK);
    assert_null(kiosk_device_error(d));
    assert_true(wait_for(status_seen));
    /* The demo keys' path: a line on the socket, read by the reader thread, posted. */
    bool sent = false;
    for (int i = 0; i < 200 && !sent; i++) {
        struct kiosk_status st;
        struct kiosk_backend be = kiosk_device_backend(d);
        assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
        if (st.reader == KIOSK_READER_OK)
            sent = kiosk_device_sim_tap(d, "04A1B2C3D4E5F6");
        else
            usleep(100000); /* waiting for the socket to listen, not asserting on time */
    }
    assert_true(sent);
    assert_true(wait_for(card_seen));
    kiosk_device_close(d);
}

static bool missing_seen(void)
{
    return status_posts > 0;
}

static void test_reader_gone_touch_still_works(void **state)
{
    (void)state;
    char ini[160], reader[200];
    snprintf(ini, sizeof ini, "%s/gone.ini", fx.dir);
    snprintf(reader, sizeof reader, "driver = sim\npath = %s/no-such-dir/sim.sock", fx.dir);
    write_config(ini, "late_door", "door-1", reader);
    struct kiosk_device *d = NULL;
    struct kiosk_device_options o = {.config_path = ini,
                                     .clock = &fx.clock.source,
                                     .on_card = record_card,
                                     .on_status = record_status};
    pthread_mutex_lock(&seen_lock);
    status_posts = 0;
    pthread_mutex_unlock(&seen_lock);
    assert_int_equal(kiosk_device_open(&o, &d), LD_OK);
    struct kiosk_backend be = kiosk_device_backend(d);
    struct kiosk_status st = {0};
    /* Each state change posts; wait until the supervisor has given up on this attempt. */
    for (int i = 0; i < 400; i++) {
        assert_true(wait_for(missing_seen));
        assert_int_equal(be.ops->status(be.impl, &st), LD_OK);
        if (st.reader == KIOSK_READER_MISSING)
            break;
        pthread_mutex_lock(&seen_lock);
        status_posts = 0;
        pthread_mutex_unlock(&seen_lock);
    }
    assert_int_equal(st.reader, KIOSK_READER_MISSING);
    assert_non_null(strstr(st.reader_detail, "sim"));
    /* Touch still signs pupils in. */
    struct kiosk_pupil_list *p = malloc(sizeof *p);
    assert_int_equal(be.ops->search_pupils(be.impl, "a", p), LD_OK);
    assert_true(p->n > 0);
    at(13, 5);
    struct kiosk_greeting g;
    assert_int_equal(be.ops->sign_in(be.impl, p->items[p->n - 1].upn, NULL, false, &g), LD_OK);
    assert_true(g.kind == KIOSK_GREET_ARRIVED || g.kind == KIOSK_GREET_ALREADY);
    free(p);
    kiosk_device_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_and_clock),
        cmocka_unit_test(test_taps_greet_and_reason_timeout_is_recorded),
        cmocka_unit_test(test_claimed_reason_stays_u_until_confirmed),
        cmocka_unit_test(test_unknown_card_then_enrol),
        cmocka_unit_test(test_staff_card_and_pins),
        cmocka_unit_test(test_pin_checked_beside_taps),
        cmocka_unit_test(test_staff_sign_in_out_back_and_void),
        cmocka_unit_test(test_speak_to_shows_the_cores_patterns),
        cmocka_unit_test(test_status_follows_sync_and_reader),
        cmocka_unit_test(test_store_file_lost_is_reported),
        cmocka_unit_test(test_pin_lock_kept_in_the_store),
        cmocka_unit_test(test_wrong_pin_is_an_event_the_analysis_ignores),
        cmocka_unit_test(test_reader_state_kept_for_the_office),
        cmocka_unit_test(test_reader_state_not_kept_is_no_failure),
        cmocka_unit_test(test_pin_checks_one_hash_of_twenty),
        cmocka_unit_test(test_classes_reception_first),
        cmocka_unit_test(test_clock_repaired_when_good_again),
        cmocka_unit_test(test_gate_lists_not_arrived_in_calling_order),
        cmocka_unit_test(test_broken_config_is_an_error_not_an_exit),
        cmocka_unit_test(test_punctual_class_of_the_week),
        cmocka_unit_test(test_calendar_change_is_read_without_a_restart),
        cmocka_unit_test(test_no_calendar_at_start_then_it_comes),
        cmocka_unit_test(test_sim_reader_posts_cards),
        cmocka_unit_test(test_reader_gone_touch_still_works),
        cmocka_unit_test(test_gate_without_evidence_lists_no_one),
        cmocka_unit_test(test_gate_everyone_signs_in_calls_in_order),
        cmocka_unit_test(test_pattern_thresholds_from_the_school_file),
        cmocka_unit_test(test_device_analysis_knows_only_what_it_saw),
        cmocka_unit_test(test_after_school_marks_nothing),
        cmocka_unit_test(test_settings_carry_languages_and_reason_codes),
        cmocka_unit_test(test_centre_sessions_and_reasons_reach_the_door),
        /* last: its arrival on DAY would change the others' lists */
        cmocka_unit_test(test_office_unvoid_and_new_time_reach_the_kiosk),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
