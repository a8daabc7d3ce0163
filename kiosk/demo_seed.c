/* demo_seed.c: half a term of made-up history for the demo school, the same on every run. */
#include "demo_seed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_device.h"
#include "names.h"
#include "tap.h"

/* What a pupil's history looks like. */
enum story {
    ORDINARY,    /* late now and then */
    OFTEN,       /* late on about two days in five */
    MONDAYS,     /* late on most Mondays */
    STREAK,      /* late on each of the last school days */
    AFTER_CLOSE, /* often after the register closed */
    IMPROVING,   /* often late at first, not lately */
    FAMILY,      /* two children of one family, both often late */
};

static const char *const story_words[] = {
    "usually on time",   "often late",       "late on Mondays",     "late every day lately",
    "often after 09:20", "improving lately", "a family often late",
};

/* Pupils with a story, by their line in the roster (0-based); the rest are ORDINARY. */
static const struct {
    size_t index;
    enum story story;
} stories[] = {{7, OFTEN},    {41, OFTEN},  {131, OFTEN},      {23, MONDAYS},
               {95, MONDAYS}, {59, STREAK}, {77, AFTER_CLOSE}, {113, IMPROVING}};

static const char *const reasons[] = {"Traffic", "Overslept", "Medical appointment", "Other"};

/* One late arrival of a day, before it is recorded. */
struct late {
    size_t pupil;
    ld_minute minute;
    int second;
    int reason; /* index into reasons, -1 for none */
};

static int cmp_late(const void *a, const void *b)
{
    const struct late *x = a, *y = b;
    int tx = x->minute * 60 + x->second, ty = y->minute * 60 + y->second;
    return tx != ty ? (tx > ty) - (tx < ty) : (x->pupil > y->pupil) - (x->pupil < y->pupil);
}

/* splitmix64: small, fast and the same everywhere. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned roll(uint64_t *s, unsigned n)
{
    return (unsigned)(next(s) % n);
}

static enum story story_of(const struct ld_roster *roster, size_t i, size_t fam_a, size_t fam_b)
{
    (void)roster;
    if (i == fam_a || i == fam_b)
        return FAMILY;
    for (size_t k = 0; k < sizeof stories / sizeof stories[0]; k++)
        if (stories[k].index == i)
            return stories[k].story;
    return ORDINARY;
}

/* Per cent chance that a pupil with story s is late on school day `day` of `ndays`. */
static unsigned late_chance(enum story s, ld_date date, size_t day, size_t ndays)
{
    switch (s) {
    case OFTEN:
    case FAMILY:
        return 40;
    case MONDAYS:
        return ld_date_weekday(date) == LD_MON ? 90 : 2;
    case STREAK:
        return day + 5 >= ndays ? 100 : 4;
    case AFTER_CLOSE:
        return 30;
    case IMPROVING:
        return day < ndays / 2 ? 60 : 0;
    case ORDINARY:
        break;
    }
    return 2;
}

static ld_err put_staff(struct ld_store *store, char *msg, size_t msglen)
{
    struct ld_staff s = {.role = LD_ROLE_STAFF, .active = true};
    snprintf(s.id, sizeof s.id, "%s", KIOSK_DEMO_STAFF_ID);
    snprintf(s.name, sizeof s.name, "%s", KIOSK_DEMO_STAFF_NAME);
    snprintf(s.card, sizeof s.card, "%s", KIOSK_DEMO_STAFF_CARD);
    if (sodium_init() < 0 || crypto_pwhash_str(s.pin_hash, KIOSK_DEMO_PIN, strlen(KIOSK_DEMO_PIN),
                                               crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        snprintf(msg, msglen, "demo: cannot hash the demo PIN (libsodium)");
        return LD_ERR_NOMEM;
    }
    return ld_store_staff_put(store, &s, msg, msglen);
}

static void describe(const struct ld_roster_pupil *p, const char *what, struct kiosk_demo_card *c)
{
    char name[KIOSK_NAME_MAX];
    kiosk_name_display(p->preferred_first, p->preferred_last, name, sizeof name);
    ld_uid_format(&p->card, c->uid);
    snprintf(c->upn, sizeof c->upn, "%s", p->upn);
    snprintf(c->who, sizeof c->who, "%s (%s), %s", name, p->class_name, what);
}

ld_err kiosk_demo_seed(struct ld_store *store, const struct ld_device *dev,
                       const struct ld_roster *roster, ld_date today,
                       struct kiosk_demo_card cards[KIOSK_DEMO_CARDS], char *msg, size_t msglen)
{
    if (roster->count < 140) {
        snprintf(msg, msglen, "demo: the demo roster has %zu pupils, not about 200", roster->count);
        return LD_ERR_INVALID;
    }
    /* The first family with two children on the roster, neither with another story. */
    size_t fam_a = SIZE_MAX, fam_b = SIZE_MAX;
    for (size_t i = 0; i < roster->count && fam_b == SIZE_MAX; i++) {
        if (!roster->pupils[i].family[0] || story_of(roster, i, SIZE_MAX, SIZE_MAX) != ORDINARY)
            continue;
        for (size_t j = i + 1; j < roster->count; j++)
            if (strcmp(roster->pupils[i].family, roster->pupils[j].family) == 0 &&
                story_of(roster, j, SIZE_MAX, SIZE_MAX) == ORDINARY) {
                fam_a = i;
                fam_b = j;
                break;
            }
    }
    ld_err err = put_staff(store, msg, msglen);
    if (err)
        return err;

    size_t ndays = 0;
    while (ndays < ld_calendar_school_days(dev->cal) &&
           ld_calendar_school_day(dev->cal, ndays) < today)
        ndays++;
    struct kiosk_demo_clock clock;
    kiosk_demo_clock_init(&clock, 0, false);
    struct ld_tap tap = {.store = store, .dev = dev, .clock = &clock.source};
    uint64_t seed = 20260901;
    const struct ld_sessions *s = &dev->cfg.sessions;
    struct late *lates = calloc(roster->count, sizeof *lates);
    if (!lates)
        return LD_ERR_NOMEM;
    for (size_t day = 0; day < ndays && !err; day++) {
        ld_date date = ld_calendar_school_day(dev->cal, day);
        size_t n = 0;
        for (size_t i = 0; i < roster->count; i++) {
            enum story st = story_of(roster, i, fam_a, fam_b);
            if (roll(&seed, 100) >= late_chance(st, date, day, ndays))
                continue;
            ld_minute open = s->am.register_closes - s->am.start;
            struct late *l = &lates[n++];
            l->pupil = i;
            l->minute = st == AFTER_CLOSE && roll(&seed, 2)
                            ? s->am.register_closes + 1 + (ld_minute)roll(&seed, 25)
                            : s->am.start + 1 + (ld_minute)roll(&seed, (unsigned)open);
            l->second = (int)roll(&seed, 60);
            l->reason = roll(&seed, 100) < 45 ? (int)roll(&seed, 4) : -1;
        }
        /* In time order, as the door saw them: the clock never seems to go backwards. */
        qsort(lates, n, sizeof *lates, cmp_late);
        for (size_t k = 0; k < n && !err; k++) {
            const struct ld_roster_pupil *p = &roster->pupils[lates[k].pupil];
            int64_t at;
            if ((err = ld_clock_from_local(dev->tz, date, lates[k].minute, lates[k].second, &at,
                                           msg, msglen)))
                break;
            kiosk_demo_clock_set(&clock, at);
            struct ld_tap_result r;
            err = p->card.len
                      ? ld_tap_card(&tap, &p->card, LD_SRC_CARD, &r, msg, msglen)
                      : ld_tap_pupil(&tap, p->upn, LD_SRC_TOUCH, NULL, NULL, &r, msg, msglen);
            if (!err && r.status == LD_TAP_SIGNED_IN && lates[k].reason >= 0) {
                kiosk_demo_clock_set(&clock, at); /* the same instant: never "behind" */
                /* The door takes only the school's reasons: one it lacks is no reason. */
                const char *why = reasons[lates[k].reason];
                if (!ld_config_reason(&dev->cfg, why))
                    why = LD_TAP_NO_REASON;
                err = ld_tap_reason(&tap, &r, why, NULL, msg, msglen);
            }
        }
    }
    free(lates);
    if (err)
        return err;

    describe(&roster->pupils[3], story_words[ORDINARY], &cards[0]);
    describe(&roster->pupils[7], story_words[OFTEN], &cards[1]);
    describe(&roster->pupils[23], story_words[MONDAYS], &cards[2]);
    if (fam_a != SIZE_MAX)
        describe(&roster->pupils[fam_a], story_words[FAMILY], &cards[3]);
    else
        describe(&roster->pupils[59], story_words[STREAK], &cards[3]);
    snprintf(cards[4].uid, sizeof cards[4].uid, "%s", KIOSK_DEMO_UNKNOWN);
    snprintf(cards[4].who, sizeof cards[4].who, "a card nobody has");
    cards[4].upn[0] = '\0';
    snprintf(cards[5].uid, sizeof cards[5].uid, "%s", KIOSK_DEMO_STAFF_CARD);
    snprintf(cards[5].who, sizeof cards[5].who, "%s's staff card", KIOSK_DEMO_STAFF_NAME);
    cards[5].upn[0] = '\0';
    return LD_OK;
}
