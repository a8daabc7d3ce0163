/* test_store_events.c: the event log: append, checks on every field, foreign events, queries,
 * and a full disk. */
#include "helpers.h"

#define HOUR_MS INT64_C(3600000)

struct fixture {
    struct tdir dir;
    char path[256];
    struct ld_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tdir_make(&f->dir);
    tdir_file(&f->dir, "device.db", f->path, sizeof f->path);
    f->s = create_store(f->path, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ld_store_close(f->s);
    tdir_remove(&f->dir);
    free(f);
    return 0;
}

/* ---- append ---- */

static void test_append_assigns_seq_and_uuid(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_event a = arrival(T_UPN_A, T_MONDAY_MS);
    struct ld_event b = arrival(T_UPN_B, T_MONDAY_MS + 1000);
    assert_int_equal(ld_store_append_event(f->s, &a, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_append_event(f->s, &b, msg, sizeof msg), LD_OK);
    assert_string_equal(a.device_id, "door-1");
    assert_int_equal(a.seq, 1);
    assert_int_equal(b.seq, 2);
    assert_int_equal(strlen(a.uuid), 36);
    assert_string_not_equal(a.uuid, b.uuid);
    assert_int_equal(a.uuid[14], '4'); /* a random (version 4) UUID */

    /* It is all in the file, read through another connection. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM events WHERE device_id = 'door-1'"), 2);

    /* A caller-given UUID is kept, and may not be reused: a retried append records once. */
    struct ld_event c = arrival(T_UPN_C, T_MONDAY_MS + 2000);
    snprintf(c.uuid, sizeof c.uuid, "%s", "0f4c2a77-93b1-4b0e-a2a5-5d1e6c0a9b21");
    assert_int_equal(ld_store_append_event(f->s, &c, msg, sizeof msg), LD_OK);
    assert_string_equal(c.uuid, "0f4c2a77-93b1-4b0e-a2a5-5d1e6c0a9b21");
    struct ld_event again = arrival(T_UPN_C, T_MONDAY_MS + 2000);
    snprintf(again.uuid, sizeof again.uuid, "%s", c.uuid);
    assert_int_equal(ld_store_append_event(f->s, &again, msg, sizeof msg), LD_ERR_DUPLICATE);
    assert_msg_has(msg, "door-1:3");
    assert_int_equal(again.seq, 0);
    assert_int_equal(count_events(f->s), 3);
}

/* Copies the event read into ctx. */
static ld_err keep_event(void *ctx, const struct ld_event *ev)
{
    *(struct ld_event *)ctx = *ev;
    return LD_OK;
}

static void test_append_corrections_refer_to_events(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_event a = arrival(T_UPN_A, T_MONDAY_MS);
    append_ok(f->s, &a);

    struct ld_event r = arrival(T_UPN_A, T_MONDAY_MS + 5000);
    r.kind = LD_EV_REASON;
    r.source = LD_SRC_TOUCH;
    r.card[0] = '\0';
    snprintf(r.reason, sizeof r.reason, "%s", "Medical appointment");
    snprintf(r.ref_device, sizeof r.ref_device, "%s", "door-1");
    r.ref_seq = a.seq;
    assert_int_equal(append_ok(f->s, &r), 2);

    struct ld_event v = r;
    v.uuid[0] = '\0';
    v.kind = LD_EV_VOID;
    v.source = LD_SRC_STAFF;
    snprintf(v.staff, sizeof v.staff, "%s", "j.bloggs@school.example");
    snprintf(v.reason, sizeof v.reason, "%s", "tapped the wrong card");
    assert_int_equal(append_ok(f->s, &v), 3);

    /* A reference to an event that is not here is refused, and nothing is written. */
    struct ld_event bad = v;
    bad.uuid[0] = '\0';
    bad.ref_seq = 99;
    assert_int_equal(ld_store_append_event(f->s, &bad, msg, sizeof msg), LD_ERR_NOT_FOUND);
    assert_msg_has(msg, "door-1:99");
    snprintf(bad.ref_device, sizeof bad.ref_device, "%s", "gate-1");
    bad.ref_seq = 1;
    assert_int_equal(ld_store_append_event(f->s, &bad, msg, sizeof msg), LD_ERR_NOT_FOUND);

    /* clock_repair carries the corrected time; unknown_card a card and no pupil. */
    struct ld_event c = arrival("", T_MONDAY_MS);
    c.kind = LD_EV_CLOCK_REPAIR;
    snprintf(c.ref_device, sizeof c.ref_device, "%s", "door-1");
    c.ref_seq = 1;
    c.fixed_at_ms = T_MONDAY_MS - 60000;
    assert_int_equal(append_ok(f->s, &c), 4);
    struct ld_event u = arrival("", T_MONDAY_MS);
    u.kind = LD_EV_UNKNOWN_CARD;
    snprintf(u.card, sizeof u.card, "%s", "0499887766");
    assert_int_equal(append_ok(f->s, &u), 5);
    /* (schema 4) a wrong staff PIN: who was tried, by id and name; it is summed like any */
    struct ld_event w = arrival("", T_MONDAY_MS);
    w.kind = LD_EV_PIN_WRONG;
    w.card[0] = '\0';
    w.source = LD_SRC_STAFF;
    snprintf(w.staff, sizeof w.staff, "%s", "j.bloggs");
    snprintf(w.reason, sizeof w.reason, "%s", "Mr Bloggs");
    assert_int_equal(append_ok(f->s, &w), 6);
    struct ld_event back = {0};
    struct ld_event_filter after5 = {.device_id = "door-1", .after_seq = 5};
    assert_int_equal(ld_store_events_foreach(f->s, &after5, keep_event, &back, msg, sizeof msg),
                     LD_OK); /* reading checks the sum */
    assert_int_equal(back.kind, LD_EV_PIN_WRONG);
    assert_string_equal(back.staff, "j.bloggs");
    char sum[LD_EVENT_SUM_LEN + 1];
    ld_event_sum(&back, sum);
    assert_string_equal(back.sum, sum);
    assert_int_equal(count_events(f->s), 6);
}

/* Appends ev expecting want, with a message naming field; checks nothing was written. */
static void expect_bad(struct fixture *f, struct ld_event ev, ld_err want, const char *field)
{
    char msg[512] = "";
    uint64_t before = count_events(f->s);
    struct ld_event copy = ev;
    ld_err err = ld_store_append_event(f->s, &ev, msg, sizeof msg);
    if (err != want)
        fail_msg("field %s: got %s (%s), wanted %s", field, ld_err_str(err), msg, ld_err_str(want));
    assert_msg_has(msg, field);
    assert_memory_equal(&ev, &copy, sizeof ev); /* untouched */
    assert_int_equal(count_events(f->s), before);
}

static void test_append_checks_every_field(void **state)
{
    struct fixture *f = *state;
    struct ld_event good = arrival(T_UPN_A, T_MONDAY_MS);
    struct ld_event ev;

    ev = good;
    ev.kind = 0;
    expect_bad(f, ev, LD_ERR_INVALID, "kind");
    ev.kind = (enum ld_event_kind)(LD_EV_KIND_MAX + 1);
    expect_bad(f, ev, LD_ERR_INVALID, "kind");

    ev = good;
    memset(ev.reason, 'x', sizeof ev.reason); /* no terminator at all */
    expect_bad(f, ev, LD_ERR_RANGE, "reason");
    ev = good;
    memset(ev.reason, 'x', LD_REASON_MAX);
    ev.reason[LD_REASON_MAX] = '\0';
    ld_err ok = ld_store_append_event(f->s, &ev, NULL, 0); /* exactly the cap is fine */
    assert_int_equal(ok, LD_OK);
    ev = good;
    snprintf(ev.reason, sizeof ev.reason, "%s", "late\nagain");
    expect_bad(f, ev, LD_ERR_INVALID, "reason");
    snprintf(ev.reason, sizeof ev.reason, "%s", "\xc3\x28");
    expect_bad(f, ev, LD_ERR_INVALID, "reason");

    ev = good;
    memset(ev.upn, 'A', sizeof ev.upn);
    expect_bad(f, ev, LD_ERR_RANGE, "upn");
    ev = good;
    snprintf(ev.upn, sizeof ev.upn, "%s", "A12345");
    expect_bad(f, ev, LD_ERR_INVALID, "upn");
    ev = good;
    ev.upn[0] = '\0';
    expect_bad(f, ev, LD_ERR_INVALID, "upn"); /* an arrival needs a pupil */

    ev = good;
    snprintf(ev.card, sizeof ev.card, "%s", "04a2b3c4");
    expect_bad(f, ev, LD_ERR_INVALID, "card");
    ev = good;
    snprintf(ev.card, sizeof ev.card, "%s", "04A2B");
    expect_bad(f, ev, LD_ERR_INVALID, "card");
    ev = good;
    memset(ev.card, 'A', sizeof ev.card);
    expect_bad(f, ev, LD_ERR_RANGE, "card");

    ev = good;
    snprintf(ev.staff, sizeof ev.staff, "%s", "j bloggs");
    expect_bad(f, ev, LD_ERR_INVALID, "staff");
    ev = good;
    memset(ev.staff, 'j', sizeof ev.staff);
    expect_bad(f, ev, LD_ERR_RANGE, "staff");

    ev = good;
    snprintf(ev.boot_id, sizeof ev.boot_id, "%s", "not-a-boot-id");
    expect_bad(f, ev, LD_ERR_INVALID, "boot_id");
    ev = good;
    snprintf(ev.uuid, sizeof ev.uuid, "%s", "0F4C2A77-93B1-4B0E-A2A5-5D1E6C0A9B21");
    expect_bad(f, ev, LD_ERR_INVALID, "uuid");

    ev = good;
    ev.at_ms = -1;
    expect_bad(f, ev, LD_ERR_RANGE, "at_ms");
    ev.at_ms = INT64_C(253402300800000);
    expect_bad(f, ev, LD_ERR_RANGE, "at_ms");
    ev = good;
    ev.mono_ms = -5;
    expect_bad(f, ev, LD_ERR_RANGE, "mono_ms");
    ev = good;
    ev.clock = (enum ld_clock_state)4;
    expect_bad(f, ev, LD_ERR_INVALID, "clock");
    ev = good;
    ev.source = 0;
    expect_bad(f, ev, LD_ERR_INVALID, "source");

    /* What each kind needs. */
    ev = good;
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", "door-1");
    ev.ref_seq = 1;
    expect_bad(f, ev, LD_ERR_INVALID, "ref"); /* an arrival refers to nothing */
    ev = good;
    ev.kind = LD_EV_REASON;
    snprintf(ev.reason, sizeof ev.reason, "%s", "Traffic");
    expect_bad(f, ev, LD_ERR_INVALID, "ref");
    ev.ref_seq = 1;
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", "door 1");
    expect_bad(f, ev, LD_ERR_INVALID, "ref_device");
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", "door-1");
    ev.reason[0] = '\0';
    expect_bad(f, ev, LD_ERR_INVALID, "reason");
    ev = good;
    ev.kind = LD_EV_VOID;
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", "door-1");
    ev.ref_seq = -3;
    expect_bad(f, ev, LD_ERR_RANGE, "ref_seq");
    ev = good;
    ev.kind = LD_EV_UNKNOWN_CARD;
    expect_bad(f, ev, LD_ERR_INVALID, "upn");
    ev.upn[0] = '\0';
    ev.card[0] = '\0';
    expect_bad(f, ev, LD_ERR_INVALID, "card");
    /* a wrong staff PIN names who was tried, never a pupil, a card or another event */
    ev = good;
    ev.kind = LD_EV_PIN_WRONG;
    expect_bad(f, ev, LD_ERR_INVALID, "upn");
    ev.upn[0] = '\0';
    expect_bad(f, ev, LD_ERR_INVALID, "card");
    ev.card[0] = '\0';
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", "door-1");
    ev.ref_seq = 1;
    expect_bad(f, ev, LD_ERR_INVALID, "ref");
    ev = good;
    ev.fixed_at_ms = T_MONDAY_MS;
    expect_bad(f, ev, LD_ERR_INVALID, "fixed_at_ms");
    ev = good;
    ev.kind = LD_EV_CLOCK_REPAIR;
    snprintf(ev.ref_device, sizeof ev.ref_device, "%s", "door-1");
    ev.ref_seq = 1;
    expect_bad(f, ev, LD_ERR_RANGE, "fixed_at_ms");

    char msg[128];
    assert_int_equal(ld_store_append_event(f->s, NULL, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_store_append_event(NULL, &good, msg, sizeof msg), LD_ERR_INVALID);
}

/* ---- foreign events ---- */

static struct ld_event foreign(const char *device, int64_t seq, const char *uuid, int64_t at_ms)
{
    struct ld_event ev = arrival(T_UPN_B, at_ms);
    snprintf(ev.device_id, sizeof ev.device_id, "%s", device);
    ev.seq = seq;
    snprintf(ev.uuid, sizeof ev.uuid, "%s", uuid);
    return ev;
}

#define UUID_1 "11111111-1111-4111-8111-111111111111"
#define UUID_2 "22222222-2222-4222-8222-222222222222"
#define UUID_3 "33333333-3333-4333-8333-333333333333"

static void test_foreign_events_batch_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    size_t inserted = 99;
    struct ld_event ev[3] = {
        foreign("gate-1", 1, UUID_1, T_MONDAY_MS - HOUR_MS),
        foreign("gate-1", 2, UUID_2, T_MONDAY_MS - HOUR_MS),
        foreign("gate-1", 3, UUID_3, T_MONDAY_MS - HOUR_MS),
    };
    assert_int_equal(ld_store_insert_foreign_events(f->s, ev, 2, &inserted, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(inserted, 2);
    /* Again with one more: the two already here are no-ops. */
    assert_int_equal(ld_store_insert_foreign_events(f->s, ev, 3, &inserted, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(inserted, 1);
    assert_int_equal(count_events(f->s), 3);

    /* A batch with a clash anywhere changes nothing, not even its good events. */
    struct ld_event more[2] = {
        foreign("gate-1", 4, "44444444-4444-4444-8444-444444444444", T_MONDAY_MS - HOUR_MS),
        foreign("gate-1", 2, UUID_3, T_MONDAY_MS - HOUR_MS)};
    inserted = 99;
    assert_int_equal(ld_store_insert_foreign_events(f->s, more, 2, &inserted, msg, sizeof msg),
                     LD_ERR_DUPLICATE);
    assert_msg_has(msg, "gate-1:2");
    assert_int_equal(inserted, 99);
    assert_int_equal(count_events(f->s), 3);
    /* A bad field anywhere is found before anything is written. */
    more[1] = foreign("gate-1", 5, "55555555-5555-4555-8555-555555555555", T_MONDAY_MS);
    more[1].kind = (enum ld_event_kind)99;
    assert_int_equal(ld_store_insert_foreign_events(f->s, more, 2, NULL, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(count_events(f->s), 3);
    assert_int_equal(ld_store_insert_foreign_events(f->s, more, 0, &inserted, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(inserted, 0);
    assert_int_equal(ld_store_insert_foreign_events(f->s, more, LD_STORE_FOREIGN_BATCH_MAX + 1,
                                                    NULL, msg, sizeof msg),
                     LD_ERR_RANGE);
    assert_int_equal(ld_store_insert_foreign_events(f->s, NULL, 1, NULL, msg, sizeof msg),
                     LD_ERR_INVALID);
}

static void test_foreign_events_idempotent(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    bool inserted = false;

    struct ld_event g = foreign("gate-1", 7, UUID_1, T_MONDAY_MS - HOUR_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &g, &inserted, msg, sizeof msg), LD_OK);
    assert_true(inserted);
    /* The same event again, as a sync that retries would send it: nothing new. */
    assert_int_equal(ld_store_insert_foreign_event(f->s, &g, &inserted, msg, sizeof msg), LD_OK);
    assert_false(inserted);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &g, NULL, msg, sizeof msg), LD_OK);
    assert_int_equal(count_events(f->s), 1);

    /* Another UUID for (gate-1, 7): refused, nothing changed. */
    struct ld_event other = foreign("gate-1", 7, UUID_2, T_MONDAY_MS - HOUR_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &other, &inserted, msg, sizeof msg),
                     LD_ERR_DUPLICATE);
    assert_msg_has(msg, "gate-1:7");
    assert_msg_has(msg, UUID_1);
    /* The same UUID with other content. */
    struct ld_event changed = g;
    changed.at_ms += 1;
    assert_int_equal(ld_store_insert_foreign_event(f->s, &changed, &inserted, msg, sizeof msg),
                     LD_ERR_DUPLICATE);
    assert_msg_has(msg, "other content");
    /* The same UUID under another (device, seq). */
    struct ld_event moved = foreign("gate-1", 8, UUID_1, T_MONDAY_MS - HOUR_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &moved, &inserted, msg, sizeof msg),
                     LD_ERR_DUPLICATE);
    assert_msg_has(msg, "gate-1:7");
    assert_int_equal(count_events(f->s), 1);

    /* Foreign events need their key and UUID; a reference need not be here yet. */
    struct ld_event nokey = foreign("", 1, UUID_3, T_MONDAY_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &nokey, NULL, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_msg_has(msg, "device_id");
    nokey = foreign("gate-1", 0, UUID_3, T_MONDAY_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &nokey, NULL, msg, sizeof msg),
                     LD_ERR_RANGE);
    assert_msg_has(msg, "seq");
    nokey = foreign("gate-1", 9, "", T_MONDAY_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &nokey, NULL, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_msg_has(msg, "uuid");
    struct ld_event v = foreign("office", 3, UUID_3, T_MONDAY_MS);
    v.kind = LD_EV_VOID;
    v.source = LD_SRC_OFFICE;
    snprintf(v.ref_device, sizeof v.ref_device, "%s", "gate-1");
    v.ref_seq = 6;
    assert_int_equal(ld_store_insert_foreign_event(f->s, &v, &inserted, msg, sizeof msg), LD_OK);
    assert_true(inserted);

    /* Our own events, coming back from the central store after a restore: seq carries on. */
    struct ld_event mine =
        foreign("door-1", 41, "44444444-4444-4444-8444-444444444444", T_MONDAY_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &mine, NULL, msg, sizeof msg), LD_OK);
    struct ld_event next = arrival(T_UPN_A, T_MONDAY_MS + 1);
    assert_int_equal(append_ok(f->s, &next), 42);
}

/* ---- queries ---- */

struct collected {
    int n;
    char keys[16][48];
    int stop_after;
};

static ld_err collect(void *ctx, const struct ld_event *ev)
{
    struct collected *c = ctx;
    if (c->stop_after && c->n == c->stop_after)
        return LD_ERR_STATE;
    if (c->n < 16)
        snprintf(c->keys[c->n], sizeof c->keys[0], "%s:%" PRId64, ev->device_id, ev->seq);
    c->n++;
    return LD_OK;
}

static void test_foreach_filters(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    /* door-1:1 A at +0h, door-1:2 B at +2h, door-1:3 reason for 1 at +3h, gate-1:5 A at -1h. */
    struct ld_event a = arrival(T_UPN_A, T_MONDAY_MS);
    append_ok(f->s, &a);
    struct ld_event b = arrival(T_UPN_B, T_MONDAY_MS + 2 * HOUR_MS);
    append_ok(f->s, &b);
    struct ld_event r = arrival(T_UPN_A, T_MONDAY_MS + 3 * HOUR_MS);
    r.kind = LD_EV_REASON;
    snprintf(r.reason, sizeof r.reason, "%s", "Traffic");
    snprintf(r.ref_device, sizeof r.ref_device, "%s", "door-1");
    r.ref_seq = 1;
    append_ok(f->s, &r);
    struct ld_event g = foreign("gate-1", 5, UUID_1, T_MONDAY_MS - HOUR_MS);
    snprintf(g.upn, sizeof g.upn, "%s", T_UPN_A);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &g, NULL, msg, sizeof msg), LD_OK);

    struct collected c = {0};
    assert_int_equal(ld_store_events_foreach(f->s, NULL, collect, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.keys[0], "gate-1:5"); /* by time across devices */
    assert_string_equal(c.keys[3], "door-1:3");

    struct ld_event_filter flt = {.device_id = "door-1", .after_seq = 1};
    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_events_foreach(f->s, &flt, collect, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.keys[0], "door-1:2");
    assert_string_equal(c.keys[1], "door-1:3");

    flt = (struct ld_event_filter){.from_ms = T_MONDAY_MS, .to_ms = T_MONDAY_MS + 3 * HOUR_MS};
    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_events_foreach(f->s, &flt, collect, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(c.n, 2); /* to_ms is not included */

    flt = (struct ld_event_filter){.upn = T_UPN_A, .kinds = 1u << LD_EV_ARRIVAL};
    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_events_foreach(f->s, &flt, collect, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(c.n, 2);
    uint64_t n = 0;
    assert_int_equal(ld_store_events_count(f->s, &flt, &n, msg, sizeof msg), LD_OK);
    assert_int_equal(n, 2);

    flt = (struct ld_event_filter){.limit = 3};
    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_events_foreach(f->s, &flt, collect, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(c.n, 3);

    /* The callback stops the walk with its own error. */
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    assert_int_equal(ld_store_events_foreach(f->s, NULL, collect, &c, msg, sizeof msg),
                     LD_ERR_STATE);
    assert_int_equal(c.n, 2);

    /* Bad filters. */
    flt = (struct ld_event_filter){.kinds = 1u << 9};
    assert_int_equal(ld_store_events_foreach(f->s, &flt, collect, &c, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_msg_has(msg, "kinds");
    flt = (struct ld_event_filter){.device_id = "door 1"};
    assert_int_equal(ld_store_events_count(f->s, &flt, &n, msg, sizeof msg), LD_ERR_INVALID);
    flt = (struct ld_event_filter){.from_ms = -1};
    assert_int_equal(ld_store_events_count(f->s, &flt, &n, msg, sizeof msg), LD_ERR_RANGE);
}

static void test_last_event_ms(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    int64_t last = 0;
    assert_int_equal(ld_store_last_event_ms(f->s, &last, msg, sizeof msg), LD_OK);
    assert_true(last == INT64_MIN);

    struct ld_event a = arrival(T_UPN_A, T_MONDAY_MS);
    append_ok(f->s, &a);
    /* Recorded with an unsynchronised clock far ahead: not trusted, so not counted. */
    struct ld_event u = arrival(T_UPN_B, T_MONDAY_MS + 1000 * HOUR_MS);
    u.clock = LD_CLOCK_UNSYNCED;
    append_ok(f->s, &u);
    /* Another device's events do not say anything about this device's clock. */
    struct ld_event g = foreign("gate-1", 1, UUID_1, T_MONDAY_MS + 2 * HOUR_MS);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &g, NULL, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_last_event_ms(f->s, &last, msg, sizeof msg), LD_OK);
    assert_int_equal(last, T_MONDAY_MS);
}

static void test_first_arrival(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_event got;
    int64_t at = 0;
    const int64_t day0 = T_MONDAY_MS - 8 * HOUR_MS, day1 = day0 + 24 * HOUR_MS;

    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, day0, day1, &got, &at, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    struct ld_event late = arrival(T_UPN_A, T_MONDAY_MS + HOUR_MS);
    append_ok(f->s, &late);
    struct ld_event gate = foreign("gate-1", 3, UUID_1, T_MONDAY_MS - HOUR_MS / 2);
    snprintf(gate.upn, sizeof gate.upn, "%s", T_UPN_A);
    assert_int_equal(ld_store_insert_foreign_event(f->s, &gate, NULL, msg, sizeof msg), LD_OK);
    struct ld_event other = arrival(T_UPN_B, T_MONDAY_MS - HOUR_MS);
    append_ok(f->s, &other);

    /* The earliest of any device. */
    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, day0, day1, &got, &at, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(got.device_id, "gate-1");
    assert_int_equal(at, T_MONDAY_MS - HOUR_MS / 2);

    /* Voided, it no longer counts. */
    struct ld_event v = arrival(T_UPN_A, T_MONDAY_MS + 2 * HOUR_MS);
    v.kind = LD_EV_VOID;
    v.source = LD_SRC_STAFF;
    snprintf(v.ref_device, sizeof v.ref_device, "%s", "gate-1");
    v.ref_seq = 3;
    append_ok(f->s, &v);
    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, day0, day1, &got, &at, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(got.device_id, "door-1");
    assert_int_equal(got.seq, late.seq);

    /* Repaired to yesterday, it falls out of today's range; into it, it counts at the new time. */
    struct ld_event fix = arrival("", T_MONDAY_MS + 3 * HOUR_MS);
    fix.kind = LD_EV_CLOCK_REPAIR;
    snprintf(fix.ref_device, sizeof fix.ref_device, "%s", "door-1");
    fix.ref_seq = late.seq;
    fix.fixed_at_ms = day0 - HOUR_MS;
    append_ok(f->s, &fix);
    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, day0, day1, &got, &at, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, day0 - 24 * HOUR_MS, day0, &got, &at,
                                            msg, sizeof msg),
                     LD_OK);
    assert_int_equal(at, day0 - HOUR_MS);
    assert_int_equal(got.at_ms, T_MONDAY_MS + HOUR_MS); /* the event itself is unchanged */

    assert_int_equal(ld_store_first_arrival(f->s, "A12", day0, day1, &got, &at, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, day1, day0, &got, &at, msg, sizeof msg),
                     LD_ERR_INVALID);
}

/* ---- a full disk ---- */

static ld_err count_event(void *ctx, const struct ld_event *ev)
{
    (*(int *)ctx)++;
    return LD_OK;
}

/* Replaces the first occurrence of from with to (same length) in the file at path. */
static void flip_bytes(const char *path, const char *from, const char *to)
{
    size_t size = 0;
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    size = (size_t)ftell(fp);
    char *buf = malloc(size);
    assert_non_null(buf);
    rewind(fp);
    assert_int_equal(fread(buf, 1, size, fp), size);
    char *hit = memmem(buf, size, from, strlen(from));
    assert_non_null(hit);
    assert_int_equal(fseek(fp, hit - buf, SEEK_SET), 0);
    assert_int_equal(fwrite(to, 1, strlen(to), fp), strlen(to));
    assert_int_equal(fclose(fp), 0);
    free(buf);
}

/* Issue 12: "Medical appointment" became "Xedical appointment" in the file: reported, not used. */
static void test_checksum_finds_a_flipped_byte(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_event ev = arrival(T_UPN_A, T_MONDAY_MS);
    append_ok(f->s, &ev);
    assert_int_equal(strlen(ev.sum), LD_EVENT_SUM_LEN);
    char want[LD_EVENT_SUM_LEN + 1];
    ld_event_sum(&ev, want);
    assert_string_equal(ev.sum, want);
    struct ld_event why = {.kind = LD_EV_REASON, .source = LD_SRC_TOUCH, .ref_seq = ev.seq};
    snprintf(why.upn, sizeof why.upn, "%s", T_UPN_A);
    snprintf(why.ref_device, sizeof why.ref_device, "%s", ev.device_id);
    snprintf(why.reason, sizeof why.reason, "%s", "Medical appointment");
    why.at_ms = T_MONDAY_MS + 1000;
    append_ok(f->s, &why);
    struct ld_store_check_report r;
    assert_int_equal(ld_store_check(f->s, &r, msg, sizeof msg), LD_OK);
    assert_string_equal(r.integrity, "ok");
    assert_int_equal(r.events, 2);
    assert_int_equal(r.bad, 0);
    ld_store_close(f->s); /* checkpoints: the row is in the main file */
    f->s = NULL;

    flip_bytes(f->path, "Medical appointment", "Xedical appointment");
    assert_int_equal(ld_store_open(f->path, NULL, &f->s, msg, sizeof msg), LD_OK);
    struct ld_store_check_report bad;
    assert_int_equal(ld_store_check(f->s, &bad, msg, sizeof msg), LD_OK);
    assert_string_equal(bad.integrity, "ok"); /* SQLite sees nothing wrong */
    assert_int_equal(bad.events, 2);
    assert_int_equal(bad.bad, 1);
    assert_msg_has(bad.problems[0], "event door-1 #2 (reason) fails its checksum");
    int n = 0;
    assert_int_equal(ld_store_events_foreach(f->s, NULL, count_event, &n, msg, sizeof msg),
                     LD_ERR_CORRUPT);
    assert_msg_has(msg, "event door-1 #2 (reason) fails its checksum: its fields were changed");
    /* The arrival itself still reads (its own row is sound). */
    struct ld_event first;
    assert_int_equal(ld_store_first_arrival(f->s, T_UPN_A, T_MONDAY_MS - HOUR_MS,
                                            T_MONDAY_MS + HOUR_MS, &first, NULL, msg, sizeof msg),
                     LD_OK);
}

/* Issue 12: a foreign event whose checksum does not match its fields is refused. */
static void test_foreign_event_with_a_wrong_checksum(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_event ev = foreign("gate-1", 3, UUID_1, T_MONDAY_MS);
    ld_event_sum(&ev, ev.sum);
    struct ld_event changed = ev;
    changed.at_ms += 60000;
    assert_int_equal(ld_store_insert_foreign_event(f->s, &changed, NULL, msg, sizeof msg),
                     LD_ERR_CORRUPT);
    assert_msg_has(msg, "event gate-1 #3");
    assert_int_equal(count_events(f->s), 0);
    bool inserted = false;
    assert_int_equal(ld_store_insert_foreign_event(f->s, &ev, &inserted, msg, sizeof msg), LD_OK);
    assert_true(inserted);
}

static void test_full_disk(void **state)
{
    struct tdir d;
    char path[256], msg[512] = "";
    tdir_make(&d);
    tdir_file(&d, "small.db", path, sizeof path);
    ld_store_close(create_store(path, NULL));
    int64_t start_pages = raw_int(path, "PRAGMA page_count");

    /* A few pages more than the empty store: appends soon meet SQLITE_FULL. */
    struct ld_store_options opt = {.max_bytes = (uint64_t)(start_pages + 6) * 4096};
    struct ld_store *s = NULL;
    assert_int_equal(ld_store_open(path, &opt, &s, msg, sizeof msg), LD_OK);
    int64_t acked = 0;
    ld_err err = LD_OK;
    struct ld_event ev;
    for (int i = 0; i < 100000 && !err; i++) {
        ev = arrival(T_UPN_A, T_MONDAY_MS + i);
        snprintf(ev.reason, sizeof ev.reason, "%0180d", i); /* bulky, to fill pages quickly */
        err = ld_store_append_event(s, &ev, msg, sizeof msg);
        if (!err) {
            assert_int_equal(ev.seq, acked + 1);
            acked = ev.seq;
        }
    }
    assert_int_equal(err, LD_ERR_FULL);
    assert_msg_has(msg, "disk is full");
    assert_true(acked > 10);
    assert_int_equal(ev.seq, 0); /* the refused event got nothing */
    assert_string_equal(ev.uuid, "");

    /* It stays an error, never a silent drop; reads still work. */
    ev = arrival(T_UPN_B, T_MONDAY_MS);
    snprintf(ev.reason, sizeof ev.reason, "%0180d", 1);
    assert_int_equal(ld_store_append_event(s, &ev, msg, sizeof msg), LD_ERR_FULL);
    assert_int_equal(count_events(s), (uint64_t)acked);
    ld_store_close(s);

    /* With room again: intact, every acknowledged event there once, and the log carries on. */
    assert_int_equal(ld_store_open(path, NULL, &s, msg, sizeof msg), LD_OK);
    assert_int_equal(count_events(s), (uint64_t)acked);
    assert_int_equal(raw_int(path, "SELECT max(seq) FROM events"), acked);
    assert_int_equal(raw_int(path, "SELECT count(DISTINCT uuid) FROM events"), acked);
    ev = arrival(T_UPN_B, T_MONDAY_MS);
    assert_int_equal(append_ok(s, &ev), acked + 1);
    ld_store_close(s);
    tdir_remove(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_assigns_seq_and_uuid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_events_batch_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_corrections_refer_to_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_checks_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_events_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreach_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_event_ms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_arrival, setup, teardown),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test_setup_teardown(test_checksum_finds_a_flipped_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_event_with_a_wrong_checksum, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
