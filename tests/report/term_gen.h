/* term_gen.h: a generated term of a fictional school, written into a central store for tests. */
#ifndef LD_TERM_GEN_H
#define LD_TERM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "central.h"
#include "ld_date.h"

/* One arrival the generator recorded: the truth the tests check the report against. */
struct gen_arrival {
    char upn[LD_UPN_LEN + 1];
    char device[LD_CENTRAL_ID_MAX + 1];
    int64_t seq;
    ld_date date;
    ld_minute minute;
    char reason[64];
};

struct gen_term {
    char school[LD_CENTRAL_ID_MAX + 1];
    char door[LD_CENTRAL_ID_MAX + 1], gate[LD_CENTRAL_ID_MAX + 1];
    struct gen_arrival *arrivals; /* in time order */
    size_t narrivals;
    size_t nevents;
    size_t npupils;
};

/*
 * Creates the central store at url (passfile may be NULL) holding school "hollybrook": the
 * demo calendar, a roster (the demo's 200 pupils when pupils is 0, else that many fictional
 * ones), two devices (door-1, gate-1) and late arrivals with reasons from the first school day
 * to until, drawn from seed. With a tag (PostgreSQL roles are shared by a whole server) the
 * school is "hb-TAG" and the devices "door-TAG" and "gate-TAG". Pupil 3 of the roster is
 * renamed "<script>alert(1)</script>". Returns 0, or -1 after printing why.
 */
int gen_term_build(const char *url, const char *passfile, const char *tag, size_t pupils,
                   ld_date until, uint64_t seed, struct gen_term *out);

void gen_term_free(struct gen_term *t);

#endif
