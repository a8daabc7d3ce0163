/* term_gen.c: a deterministic term of late arrivals for a fictional school. */
#include "term_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_file.h"
#include "clock.h"
#include "ld_calendar.h"
#include "roster.h"

#ifndef LD_SOURCE_DIR
#define LD_SOURCE_DIR LD_TEST_DATA "/.."
#endif

static uint64_t rnd(uint64_t *s)
{
    /* splitmix64: small, fast and the same everywhere */
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, unsigned n)
{
    return (unsigned)(rnd(s) % n);
}

static void synth_roster(struct ld_roster *r, size_t n)
{
    static const char *const first[] = {"Amara", "Ben",  "Chloe", "Dev",  "Ella", "Finn",
                                        "Grace", "Hari", "Isla",  "Jack", "Kemi", "Leo"};
    static const char *const last[] = {"Okafor", "Hughes", "Patel", "Nowak", "Evans",
                                       "Shah",   "Byrne",  "Lewis", "Moss",  "Quinn"};
    r->pupils = calloc(n, sizeof *r->pupils);
    r->count = n;
    for (size_t i = 0; i < n; i++) {
        struct ld_roster_pupil *p = &r->pupils[i];
        snprintf(p->upn, sizeof p->upn, "B%012zu", 300000000000 + i);
        snprintf(p->legal_first, sizeof p->legal_first, "%s", first[i % 12]);
        snprintf(p->legal_last, sizeof p->legal_last, "%s", last[(i / 12) % 10]);
        memcpy(p->preferred_first, p->legal_first, sizeof p->legal_first);
        memcpy(p->preferred_last, p->legal_last, sizeof p->legal_last);
        snprintf(p->year, sizeof p->year, "%zu", 1 + i % 6);
        snprintf(p->class_name, sizeof p->class_name, "%zu%c", 1 + i % 6, "ABCDE"[(i / 6) % 5]);
        if (i % 4 == 0)
            snprintf(p->family, sizeof p->family, "F%zu", i / 8);
        p->flags = i % 37 == 0 ? 1u : i % 23 == 0 ? 2u : 0u;
    }
}

static int fail(const char *what, const char *msg)
{
    fprintf(stderr, "term_gen: %s: %s\n", what, msg);
    return -1;
}

static const char *const reasons[] = {"Traffic", "Overslept", "Medical appointment", "Other"};

int gen_term_build(const char *url, const char *passfile, const char *tag, size_t pupils,
                   ld_date until, uint64_t seed, struct gen_term *out)
{
    char msg[1024];
    struct ld_central *c = NULL;
    struct ld_roster roster = {0};
    struct ld_calendar_file cal = {0};
    struct ld_calendar *core_cal = NULL;
    struct ld_tz *tz = NULL;
    struct ld_central_credentials cred;
    struct ld_central_event *batch = NULL;
    int rc = -1, from, to;
    memset(out, 0, sizeof *out);
    if (tag && tag[0]) {
        snprintf(out->school, sizeof out->school, "hb-%.20s", tag);
        snprintf(out->door, sizeof out->door, "door-%.20s", tag);
        snprintf(out->gate, sizeof out->gate, "gate-%.20s", tag);
    } else {
        snprintf(out->school, sizeof out->school, "hollybrook");
        snprintf(out->door, sizeof out->door, "door-1");
        snprintf(out->gate, sizeof out->gate, "gate-1");
    }
    const char *school = out->school;
    if (ld_central_open(url, passfile, LD_CENTRAL_ADMIN, &c, msg, sizeof msg) ||
        ld_central_init(c, &from, &to, msg, sizeof msg) ||
        ld_central_school_add(c, school, "Hollybrook Primary School", msg, sizeof msg)) {
        ld_central_close(c);
        return fail("store", msg);
    }
    if (pupils == 0) {
        if (ld_roster_parse_csv(LD_SOURCE_DIR "/assets/demo/roster.csv", &roster, NULL, msg,
                                sizeof msg)) {
            fail("roster", msg);
            goto out;
        }
    } else {
        synth_roster(&roster, pupils);
    }
    snprintf(roster.pupils[3].preferred_first, sizeof roster.pupils[3].preferred_first,
             "<script>alert(1)</script>");
    if (ld_calendar_file_load(LD_SOURCE_DIR "/assets/demo/calendar.ini", &cal, msg, sizeof msg) ||
        ld_calendar_file_build(&cal, "calendar", &core_cal, msg, sizeof msg) ||
        ld_central_put_roster(c, school, &roster, NULL, NULL, msg, sizeof msg) ||
        ld_central_put_calendar(c, school, &cal, NULL, NULL, msg, sizeof msg) ||
        ld_central_device_add(c, school, out->door, &cred, msg, sizeof msg) ||
        ld_central_device_add(c, school, out->gate, &cred, msg, sizeof msg) ||
        ld_tz_open("Europe/London", &tz, msg, sizeof msg)) {
        fail("setup", msg);
        goto out;
    }
    struct ld_central_setting set[] = {
        {"reason.1", "Medical appointment = -, M"},
        {"reason.2", "Overslept = -, -"},
        {"reason.3", "Traffic = -, -"},
        {"reason.4", "Other = -, -"},
        {"timezone", "Europe/London"},
    };
    if (ld_central_put_settings(c, school, set, sizeof set / sizeof set[0], NULL, NULL, msg,
                                sizeof msg)) {
        fail("settings", msg);
        goto out;
    }
    size_t cap = 1024;
    out->arrivals = malloc(cap * sizeof *out->arrivals);
    batch = calloc(LD_CENTRAL_BATCH_MAX, sizeof *batch);
    uint64_t st = seed;
    int64_t seqs[2] = {0, 0};
    size_t days = ld_calendar_days_upto(core_cal, until);
    for (size_t d = 0; d < days; d++) {
        ld_date day = ld_calendar_school_day(core_cal, d);
        size_t nb[2] = {0, 0};
        struct ld_central_event *dev_batch[2] = {batch, batch + LD_CENTRAL_BATCH_MAX / 2};
        for (size_t i = 0; i < roster.count; i++) {
            /* a tenth of pupils are late often, more so on Mondays; the rest now and then */
            unsigned odds = i % 10 == 7 ? 35 : 3;
            if (ld_date_weekday(day) == LD_MON && i % 10 == 7)
                odds = 70;
            if (below(&st, 100) >= odds)
                continue;
            int dev = i % 3 == 0; /* gate-1 for a third of them */
            ld_minute m;
            if (below(&st, 20) == 0)
                m = 13 * 60 + 1 + (ld_minute)below(&st, 40); /* missed the morning */
            else
                m = 8 * 60 + 51 + (ld_minute)below(&st, 50);
            int64_t utc;
            if (ld_clock_from_local(tz, day, m, (int)below(&st, 60), &utc, msg, sizeof msg)) {
                fail("time", msg);
                goto out;
            }
            struct ld_central_event *e = &dev_batch[dev][nb[dev]++];
            memset(e, 0, sizeof *e);
            snprintf(e->school, sizeof e->school, "%s", school);
            snprintf(e->device_id, sizeof e->device_id, "%s", dev ? out->gate : out->door);
            e->seq = ++seqs[dev];
            snprintf(e->uuid, sizeof e->uuid, "%08x-0000-4000-8000-%012llx", 0x10000000u + dev,
                     (unsigned long long)e->seq);
            e->kind = LD_CEV_ARRIVAL;
            e->at_ms = utc;
            e->mono_ms = 1000;
            snprintf(e->upn, sizeof e->upn, "%s", roster.pupils[i].upn);
            e->source = (int)(1 + below(&st, 3));
            if (e->source == LD_CSRC_STAFF)
                snprintf(e->staff, sizeof e->staff, "s.ahmed");
            if (out->narrivals == cap) {
                cap *= 2;
                out->arrivals = realloc(out->arrivals, cap * sizeof *out->arrivals);
            }
            struct gen_arrival *g = &out->arrivals[out->narrivals++];
            memset(g, 0, sizeof *g);
            memcpy(g->upn, e->upn, sizeof g->upn);
            memcpy(g->device, e->device_id, sizeof g->device);
            g->seq = e->seq;
            g->date = day;
            g->minute = m;
            /* a reason as its own event, as the kiosk records it */
            if (below(&st, 2) == 0) {
                const char *why = reasons[below(&st, 4)];
                /* a child's or parent's reason is a claim that leaves the mark (issue 15);
                 * staff's counts */
                if (e->source == LD_CSRC_STAFF)
                    snprintf(g->reason, sizeof g->reason, "%s", why);
                struct ld_central_event *r = &dev_batch[dev][nb[dev]++];
                *r = *e;
                r->seq = ++seqs[dev];
                snprintf(r->uuid, sizeof r->uuid, "%08x-0000-4000-8000-%012llx", 0x10000000u + dev,
                         (unsigned long long)r->seq);
                r->kind = LD_CEV_REASON;
                r->ref_seq = e->seq;
                snprintf(r->ref_device, sizeof r->ref_device, "%s", e->device_id);
                snprintf(r->reason, sizeof r->reason, "%s", why);
            }
            if (nb[dev] + 2 >= LD_CENTRAL_BATCH_MAX / 2) {
                fail("generator", "too many events in a day");
                goto out;
            }
        }
        for (int dev = 0; dev < 2; dev++) {
            if (!nb[dev])
                continue;
            if (ld_central_push(c, dev ? out->gate : out->door, dev_batch[dev], nb[dev], NULL, msg,
                                sizeof msg)) {
                fail("push", msg);
                goto out;
            }
            out->nevents += nb[dev];
        }
    }
    out->npupils = roster.count;
    rc = 0;
out:
    free(batch);
    ld_tz_close(tz);
    ld_calendar_destroy(core_cal);
    ld_calendar_file_free(&cal);
    ld_roster_free(&roster);
    ld_central_close(c);
    if (rc)
        gen_term_free(out);
    return rc;
}

void gen_term_free(struct gen_term *t)
{
    free(t->arrivals);
    memset(t, 0, sizeof *t);
}
