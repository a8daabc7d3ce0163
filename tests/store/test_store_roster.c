/* test_store_roster.c: roster imports (all or nothing), pupils, classes, cards and staff. */
#include "helpers.h"

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

/* Fills one roster row; card may be NULL. */
static void row(struct ld_roster_pupil *p, unsigned line, const char *upn, const char *first,
                const char *last, const char *class_name, const char *card)
{
    memset(p, 0, sizeof *p);
    snprintf(p->upn, sizeof p->upn, "%s", upn);
    snprintf(p->legal_first, sizeof p->legal_first, "%s", first);
    snprintf(p->legal_last, sizeof p->legal_last, "%s", last);
    snprintf(p->preferred_first, sizeof p->preferred_first, "%s", first);
    snprintf(p->preferred_last, sizeof p->preferred_last, "%s", last);
    snprintf(p->year, sizeof p->year, "%s", "4");
    snprintf(p->class_name, sizeof p->class_name, "%s", class_name);
    if (card)
        assert_true(ld_uid_parse(card, &p->card));
    p->line = line;
}

static ld_err import(struct fixture *f, struct ld_roster_pupil *rows, size_t n,
                     struct ld_import_summary *sum, char *msg, size_t msglen)
{
    /* These rosters are tiny: a pupil leaving is more than a fifth of them. */
    struct ld_roster r = {.pupils = rows, .count = n};
    return ld_store_import_roster_with(f->s, &r, &(struct ld_import_options){.leavers = true}, sum,
                                       msg, msglen);
}

static void import_ok(struct fixture *f, struct ld_roster_pupil *rows, size_t n,
                      struct ld_import_summary *sum)
{
    char msg[512] = "";
    ld_err err = import(f, rows, n, sum, msg, sizeof msg);
    if (err)
        fail_msg("import: %s (%s)", msg, ld_err_str(err));
}

static void expect_holder(struct fixture *f, const char *card, const char *upn)
{
    struct ld_uid uid;
    struct ld_pupil p;
    char msg[256];
    assert_true(ld_uid_parse(card, &uid));
    ld_err err = ld_store_pupil_by_card(f->s, &uid, &p, msg, sizeof msg);
    if (!upn) {
        assert_int_equal(err, LD_ERR_NOT_FOUND);
        return;
    }
    if (err)
        fail_msg("card %s: %s", card, msg);
    assert_string_equal(p.upn, upn);
}

static void test_import_add_update_deactivate(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_roster_pupil rows[3];
    struct ld_import_summary sum;

    row(&rows[0], 2, T_UPN_A, "Amelia", "Okafor", "4B", "04A2B3C4");
    row(&rows[1], 3, T_UPN_B, "Siobhán", "Ní Bhriain", "RA", NULL);
    row(&rows[2], 4, T_UPN_C, "Tomasz", "Nowak", "4B", "04:11:22:33");
    rows[0].flags = 0x10;
    snprintf(rows[0].preferred_first, sizeof rows[0].preferred_first, "%s", "Millie");
    import_ok(f, rows, 3, &sum);
    assert_int_equal(sum.added, 3);
    assert_int_equal(sum.updated + sum.unchanged + sum.deactivated, 0);
    assert_int_equal(sum.cards, 2);
    expect_holder(f, "04A2B3C4", T_UPN_A);
    expect_holder(f, "04112233", T_UPN_C);

    struct ld_pupil p;
    assert_int_equal(ld_store_pupil_get(f->s, T_UPN_A, &p, msg, sizeof msg), LD_OK);
    assert_string_equal(p.preferred_first, "Millie");
    assert_string_equal(p.legal_first, "Amelia");
    assert_int_equal(p.flags, 0x10);
    assert_true(p.active);

    /* The same roster again changes nothing. */
    import_ok(f, rows, 3, &sum);
    assert_int_equal(sum.unchanged, 3);
    assert_int_equal(sum.added + sum.updated + sum.deactivated + sum.cards_removed, 0);

    /* A moves class, C leaves, D joins, B gets a card. */
    struct ld_roster_pupil next[3];
    next[0] = rows[0];
    snprintf(next[0].class_name, sizeof next[0].class_name, "%s", "5B");
    row(&next[1], 3, T_UPN_B, "Siobhán", "Ní Bhriain", "RA", "04DDEEFF");
    row(&next[2], 4, T_UPN_D, "Dara", "Byrne", "RA", NULL);
    import_ok(f, next, 3, &sum);
    assert_int_equal(sum.added, 1);
    assert_int_equal(sum.updated, 1);
    assert_int_equal(sum.unchanged, 1);
    assert_int_equal(sum.deactivated, 1);
    assert_int_equal(sum.cards, 2);
    assert_int_equal(sum.cards_removed, 0); /* C keeps their card, off the roll */
    expect_holder(f, "04112233", T_UPN_C);
    expect_holder(f, "04DDEEFF", T_UPN_B);
    assert_int_equal(ld_store_pupil_get(f->s, T_UPN_C, &p, msg, sizeof msg), LD_OK);
    assert_false(p.active); /* kept, with its history */

    /* C comes back. */
    struct ld_roster_pupil back[4];
    memcpy(back, next, sizeof next);
    back[3] = rows[2];
    back[3].line = 5;
    import_ok(f, back, 4, &sum);
    assert_int_equal(sum.updated, 1);
    assert_int_equal(sum.unchanged, 3);
    assert_int_equal(ld_store_pupil_get(f->s, T_UPN_C, &p, msg, sizeof msg), LD_OK);
    assert_true(p.active);
    expect_holder(f, "04112233", T_UPN_C);
}

struct names {
    int n;
    char text[8][200];
};

static ld_err collect_pupil(void *ctx, const struct ld_pupil *p)
{
    struct names *c = ctx;
    if (c->n < 8)
        snprintf(c->text[c->n], sizeof c->text[0], "%s %s %s", p->class_name, p->preferred_first,
                 p->preferred_last);
    c->n++;
    return LD_OK;
}

static ld_err collect_class(void *ctx, const char *class_name, unsigned pupils)
{
    struct names *c = ctx;
    if (c->n < 8)
        snprintf(c->text[c->n], sizeof c->text[0], "%s=%u", class_name, pupils);
    c->n++;
    return LD_OK;
}

static void test_class_lists(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_roster_pupil rows[4];
    row(&rows[0], 2, T_UPN_A, "Zoe", "Adams", "4B", NULL);
    row(&rows[1], 3, T_UPN_B, "Amy", "Zhou", "4B", NULL);
    row(&rows[2], 4, T_UPN_C, "Ben", "Adams", "4B", NULL);
    row(&rows[3], 5, T_UPN_D, "Cat", "Evans", "3A", NULL);
    import_ok(f, rows, 4, NULL);

    struct names c = {0};
    assert_int_equal(ld_store_pupils_foreach(f->s, "4B", false, collect_pupil, &c, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.text[0], "4B Ben Adams");
    assert_string_equal(c.text[1], "4B Zoe Adams");
    assert_string_equal(c.text[2], "4B Amy Zhou");

    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_classes_foreach(f->s, collect_class, &c, msg, sizeof msg), LD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.text[0], "3A=1");
    assert_string_equal(c.text[1], "4B=3");

    /* Only D stays: the others are inactive, listed only when asked for. */
    import_ok(f, &rows[3], 1, NULL);
    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_pupils_foreach(f->s, NULL, false, collect_pupil, &c, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(c.n, 1);
    memset(&c, 0, sizeof c);
    assert_int_equal(ld_store_pupils_foreach(f->s, NULL, true, collect_pupil, &c, msg, sizeof msg),
                     LD_OK);
    assert_int_equal(c.n, 4);
}

/* Imports rows expecting want and a message with needle; the store must not change at all. */
static void expect_refused(struct fixture *f, struct ld_roster_pupil *rows, size_t n, ld_err want,
                           const char *needle)
{
    char msg[512] = "";
    struct ld_import_summary sum = {.added = 777};
    uint64_t before = store_dump(f->path);
    ld_err err = import(f, rows, n, &sum, msg, sizeof msg);
    if (err != want)
        fail_msg("import: %s (%s), wanted %s", ld_err_str(err), msg, ld_err_str(want));
    assert_msg_has(msg, needle);
    assert_int_equal(sum.added, 777); /* untouched */
    assert_int_equal(store_dump(f->path), before);
}

static void test_import_refusals_change_nothing(void **state)
{
    struct fixture *f = *state;
    struct ld_roster_pupil rows[3];
    row(&rows[0], 2, T_UPN_A, "Amelia", "Okafor", "4B", "04A2B3C4");
    row(&rows[1], 3, T_UPN_B, "Siobhán", "Ní Bhriain", "RA", NULL);
    row(&rows[2], 4, T_UPN_C, "Tomasz", "Nowak", "4B", NULL);
    import_ok(f, rows, 3, NULL);

    struct ld_roster_pupil bad[3];
    memcpy(bad, rows, sizeof bad);
    snprintf(bad[2].upn, sizeof bad[2].upn, "%s", T_UPN_A);
    expect_refused(f, bad, 3, LD_ERR_DUPLICATE, "line 4: UPN " T_UPN_A ": also on line 2");

    memcpy(bad, rows, sizeof bad);
    assert_true(ld_uid_parse("04A2B3C4", &bad[1].card));
    expect_refused(f, bad, 3, LD_ERR_DUPLICATE, "line 3: card 04A2B3C4: also on line 2");

    memcpy(bad, rows, sizeof bad);
    memset(bad[1].legal_last, 'x', sizeof bad[1].legal_last); /* no terminator */
    expect_refused(f, bad, 3, LD_ERR_RANGE, "line 3: legal_last");

    memcpy(bad, rows, sizeof bad);
    snprintf(bad[2].upn, sizeof bad[2].upn, "%s", "12345");
    expect_refused(f, bad, 3, LD_ERR_INVALID, "line 4: upn");

    memcpy(bad, rows, sizeof bad);
    bad[0].flags = 0x40;
    expect_refused(f, bad, 3, LD_ERR_INVALID, "line 2: flags");

    memcpy(bad, rows, sizeof bad);
    bad[1].class_name[0] = '\0';
    expect_refused(f, bad, 3, LD_ERR_INVALID, "line 3: class");

    memcpy(bad, rows, sizeof bad);
    snprintf(bad[1].family, sizeof bad[1].family, "%s", "a\tb");
    expect_refused(f, bad, 3, LD_ERR_INVALID, "line 3: family");

    /* An empty roster would make the whole school inactive. */
    expect_refused(f, rows, 0, LD_ERR_INVALID, "no pupils");

    /* A staff card. */
    char msg[512] = "";
    struct ld_staff st = {.id = "j.bloggs", .name = "Jo Bloggs", .card = "04CAFE", .role = 1};
    assert_int_equal(ld_store_staff_put(f->s, &st, msg, sizeof msg), LD_OK);
    memcpy(bad, rows, sizeof bad);
    assert_true(ld_uid_parse("04CAFE", &bad[2].card));
    expect_refused(f, bad, 3, LD_ERR_DUPLICATE, "staff member j.bloggs");
}

static void test_import_and_kiosk_cards(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_roster_pupil rows[4];
    struct ld_import_summary sum;
    struct ld_uid k1, k2;
    row(&rows[0], 2, T_UPN_A, "Amelia", "Okafor", "4B", NULL);
    row(&rows[1], 3, T_UPN_B, "Siobhán", "Ní Bhriain", "RA", NULL);
    row(&rows[2], 4, T_UPN_C, "Tomasz", "Nowak", "4B", NULL);
    row(&rows[3], 5, T_UPN_D, "Dara", "Byrne", "RA", NULL);
    import_ok(f, rows, 4, NULL);
    assert_true(ld_uid_parse("04000001", &k1));
    assert_true(ld_uid_parse("04000002", &k2));
    assert_int_equal(ld_store_card_enrol(f->s, &k1, T_UPN_A, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_card_enrol(f->s, &k2, T_UPN_D, msg, sizeof msg), LD_OK);

    /* A roster that does not mention kiosk cards leaves them where they are. */
    import_ok(f, rows, 4, &sum);
    assert_int_equal(sum.cards_removed, 0);
    expect_holder(f, "04000001", T_UPN_A);

    /* The roster gives A's kiosk card to B while A is still on it: refused, naming both. */
    struct ld_roster_pupil clash[4];
    memcpy(clash, rows, sizeof clash);
    clash[1].card = k1;
    expect_refused(f, clash, 4, LD_ERR_DUPLICATE,
                   "line 3: card 04000001 for " T_UPN_B " is enrolled at the kiosk to " T_UPN_A
                   " (line 2)");

    /* D has left: the roster may give D's kiosk card to B. */
    struct ld_roster_pupil moved[3];
    memcpy(moved, rows, sizeof moved);
    moved[1].card = k2;
    import_ok(f, moved, 3, &sum);
    assert_int_equal(sum.cards_moved, 1);
    assert_int_equal(sum.deactivated, 1);
    expect_holder(f, "04000002", T_UPN_B);

    /* A kiosk card the roster then lists for its own holder becomes a roster card. */
    memcpy(moved, rows, sizeof moved);
    moved[0].card = k1;
    import_ok(f, moved, 3, &sum);
    expect_holder(f, "04000001", T_UPN_A);
    assert_int_equal(sum.cards_removed, 1); /* B's roster card from last time is gone */
    expect_holder(f, "04000002", NULL);
    assert_int_equal(raw_int(f->path, "SELECT from_roster FROM cards WHERE uid = '04000001'"), 1);
}

/* Issue 12: a roster that would take more than a fifth of the school off the roll. */
static void test_import_guards_against_mass_leaving(void **state)
{
    struct fixture *f = *state;
    struct ld_roster_pupil rows[10];
    struct ld_import_summary sum;
    char msg[512] = "", upn[16], card[16];
    static const char *const classes[] = {"RA", "1B", "2C"};
    for (int i = 0; i < 10; i++) {
        snprintf(upn, sizeof upn, "A1234567890%02d", i);
        snprintf(card, sizeof card, "040000%02d", i);
        row(&rows[i], (unsigned)i + 2, upn, "Ada", "Lovelace", classes[i % 3], card);
    }
    import_ok(f, rows, 10, NULL);

    /* Two pupils leave (a fifth): fine. Then a file of RA alone: 6 of 8 would leave. */
    struct ld_roster r = {.pupils = rows, .count = 8};
    assert_int_equal(ld_store_import_roster(f->s, &r, &sum, msg, sizeof msg), LD_OK);
    assert_int_equal(sum.deactivated, 2);
    struct ld_roster_pupil ra[3] = {rows[0], rows[3], rows[6]};
    r = (struct ld_roster){.pupils = ra, .count = 3};
    uint64_t before = store_dump(f->path);
    assert_int_equal(ld_store_import_roster(f->s, &r, &sum, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "take 5 of the 8 pupils on the roll off it"));
    assert_non_null(strstr(msg, "1B (3), 2C (2)"));
    assert_non_null(strstr(msg, "--leavers"));
    assert_int_equal(store_dump(f->path), before);

    /* Meant: they leave, and keep their cards (tapped, a card is found, not unknown). */
    assert_int_equal(ld_store_import_roster_with(f->s, &r,
                                                 &(struct ld_import_options){.leavers = true}, &sum,
                                                 msg, sizeof msg),
                     LD_OK);
    assert_int_equal(sum.deactivated, 5);
    assert_int_equal(sum.cards_removed, 0);
    expect_holder(f, "04000001", "A123456789001");
}

static void test_enrol_and_remove(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_roster_pupil rows[2];
    struct ld_uid uid, staff_uid, empty = {0};
    row(&rows[0], 2, T_UPN_A, "Amelia", "Okafor", "4B", "04A2B3C4");
    row(&rows[1], 3, T_UPN_B, "Siobhán", "Ní Bhriain", "RA", NULL);
    import_ok(f, rows, 2, NULL);
    assert_true(ld_uid_parse("04A2B3C4", &uid));
    assert_true(ld_uid_parse("0411", &staff_uid));

    assert_int_equal(ld_store_card_enrol(f->s, &uid, T_UPN_A, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_card_enrol(f->s, &uid, T_UPN_B, msg, sizeof msg), LD_ERR_DUPLICATE);
    assert_msg_has(msg, "pupil " T_UPN_A);
    assert_int_equal(ld_store_card_enrol(f->s, &staff_uid, T_UPN_D, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(ld_store_card_enrol(f->s, &empty, T_UPN_B, msg, sizeof msg), LD_ERR_INVALID);
    struct ld_staff st = {.id = "office", .name = "Office", .card = "0411", .role = 2};
    assert_int_equal(ld_store_staff_put(f->s, &st, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_card_enrol(f->s, &staff_uid, T_UPN_B, msg, sizeof msg),
                     LD_ERR_DUPLICATE);
    assert_msg_has(msg, "staff member office");

    /* A lost card is removed, then anyone may have it. */
    assert_int_equal(ld_store_card_remove(f->s, &uid, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_card_remove(f->s, &uid, msg, sizeof msg), LD_ERR_NOT_FOUND);
    expect_holder(f, "04A2B3C4", NULL);
    assert_int_equal(ld_store_card_enrol(f->s, &uid, T_UPN_B, msg, sizeof msg), LD_OK);
    expect_holder(f, "04A2B3C4", T_UPN_B);

    /* Pupils who have left can no longer be given cards, but are found by their old ones. */
    rows[0].card.len = 0;
    import_ok(f, rows, 1, NULL);
    struct ld_uid other;
    assert_true(ld_uid_parse("0499", &other));
    assert_int_equal(ld_store_card_enrol(f->s, &other, T_UPN_B, msg, sizeof msg), LD_ERR_STATE);
    struct ld_pupil p;
    assert_int_equal(ld_store_pupil_by_card(f->s, &uid, &p, msg, sizeof msg), LD_OK);
    assert_false(p.active);
    assert_int_equal(ld_store_pupil_get(f->s, "A12", &p, msg, sizeof msg), LD_ERR_INVALID);
    assert_int_equal(ld_store_pupil_get(f->s, T_UPN_D, &p, msg, sizeof msg), LD_ERR_NOT_FOUND);
}

#define HASH                                                                                       \
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"

static ld_err count_staff(void *ctx, const struct ld_staff *s)
{
    (*(int *)ctx)++;
    return LD_OK;
}

static void test_staff(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    struct ld_staff st = {.id = "j.bloggs@school.example",
                          .name = "Jo Bloggs",
                          .pin_hash = HASH,
                          .card = "04DEADBEEF",
                          .role = LD_ROLE_STAFF,
                          .active = true};
    struct ld_staff got;
    struct ld_uid uid;
    assert_int_equal(ld_store_staff_put(f->s, &st, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_staff_get(f->s, st.id, &got, msg, sizeof msg), LD_OK);
    assert_string_equal(got.name, "Jo Bloggs");
    assert_string_equal(got.pin_hash, HASH);
    assert_true(got.active);
    assert_true(ld_uid_parse("04deadbeef", &uid));
    assert_int_equal(ld_store_staff_by_card(f->s, &uid, &got, msg, sizeof msg), LD_OK);
    assert_string_equal(got.id, st.id);

    /* Replaced as a whole: new role, no card, no PIN. */
    st.role = LD_ROLE_ADMIN;
    st.card[0] = '\0';
    st.pin_hash[0] = '\0';
    assert_int_equal(ld_store_staff_put(f->s, &st, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_staff_get(f->s, st.id, &got, msg, sizeof msg), LD_OK);
    assert_int_equal(got.role, LD_ROLE_ADMIN);
    assert_string_equal(got.card, "");
    assert_int_equal(ld_store_staff_by_card(f->s, &uid, &got, msg, sizeof msg), LD_ERR_NOT_FOUND);

    /* Checks, each naming the field. */
    struct ld_staff bad = st;
    snprintf(bad.pin_hash, sizeof bad.pin_hash, "%s", "1234");
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_INVALID);
    assert_msg_has(msg, "pin_hash");
    bad = st;
    memset(bad.name, 'n', sizeof bad.name);
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_RANGE);
    assert_msg_has(msg, "name");
    bad = st;
    snprintf(bad.id, sizeof bad.id, "%s", "jo bloggs");
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_INVALID);
    assert_msg_has(msg, "id");
    bad = st;
    bad.role = 0;
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_INVALID);
    assert_msg_has(msg, "role");
    bad = st;
    snprintf(bad.card, sizeof bad.card, "%s", "04dead");
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_INVALID);
    assert_msg_has(msg, "card");

    /* A card another staff member or a pupil holds. */
    struct ld_staff two = {.id = "head", .name = "Head", .card = "04AA", .role = LD_ROLE_ADMIN};
    assert_int_equal(ld_store_staff_put(f->s, &two, msg, sizeof msg), LD_OK);
    bad = st;
    snprintf(bad.card, sizeof bad.card, "%s", "04AA");
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_DUPLICATE);
    struct ld_roster_pupil rows[1];
    row(&rows[0], 2, T_UPN_A, "Amelia", "Okafor", "4B", "04BB");
    import_ok(f, rows, 1, NULL);
    snprintf(bad.card, sizeof bad.card, "%s", "04BB");
    assert_int_equal(ld_store_staff_put(f->s, &bad, msg, sizeof msg), LD_ERR_DUPLICATE);
    assert_msg_has(msg, "pupil");

    int n = 0;
    assert_int_equal(ld_store_staff_foreach(f->s, count_staff, &n, msg, sizeof msg), LD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ld_store_staff_get(f->s, "nobody", &got, msg, sizeof msg), LD_ERR_NOT_FOUND);
}

/* Admission and leaving dates are kept, changed by a new roster, and cleared by one without. */
static void on_roll_dates(void **state)
{
    struct fixture *f = *state;
    struct ld_roster_pupil rows[2];
    struct ld_import_summary sum;
    struct ld_pupil p;
    char msg[256];
    row(&rows[0], 2, "K938212025001", "Zoe", "Ashby", "4B", NULL);
    row(&rows[1], 3, "N938212025002", "Ravi", "Bell", "4B", NULL);
    rows[0].has_admitted = true;
    rows[0].admitted = ld_date_from_ymd(2027, 1, 5);
    rows[1].has_left = true;
    rows[1].left = ld_date_from_ymd(2026, 12, 18);
    import_ok(f, rows, 2, &sum);
    assert_int_equal(ld_store_pupil_get(f->s, "K938212025001", &p, msg, sizeof msg), LD_OK);
    assert_true(p.has_admitted);
    assert_int_equal(p.admitted, ld_date_from_ymd(2027, 1, 5));
    assert_false(p.has_left);
    assert_int_equal(ld_store_pupil_get(f->s, "N938212025002", &p, msg, sizeof msg), LD_OK);
    assert_false(p.has_admitted);
    assert_true(p.has_left);
    assert_int_equal(p.left, ld_date_from_ymd(2026, 12, 18));

    import_ok(f, rows, 2, &sum); /* the same dates: nothing changes */
    assert_int_equal(sum.unchanged, 2);
    rows[0].admitted = ld_date_from_ymd(2027, 1, 6);
    rows[1].has_left = false;
    import_ok(f, rows, 2, &sum);
    assert_int_equal(sum.updated, 2);
    assert_int_equal(ld_store_pupil_get(f->s, "K938212025001", &p, msg, sizeof msg), LD_OK);
    assert_int_equal(p.admitted, ld_date_from_ymd(2027, 1, 6));
    assert_int_equal(ld_store_pupil_get(f->s, "N938212025002", &p, msg, sizeof msg), LD_OK);
    assert_false(p.has_left);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(on_roll_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_add_update_deactivate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_class_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_and_kiosk_cards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enrol_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_guards_against_mass_leaving, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staff, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
