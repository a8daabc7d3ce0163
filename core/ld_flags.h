/* ld_flags.h: the vulnerability and support flags a pupil can carry. */
#ifndef LD_FLAGS_H
#define LD_FLAGS_H

#include <stdbool.h>

/* Bits of a pupil's flag set. The first four give the first-day-calling order, in this order. */
enum ld_flag {
    LD_FLAG_CP = 1u << 0,  /* child-protection plan */
    LD_FLAG_LAC = 1u << 1, /* looked-after child */
    LD_FLAG_CIN = 1u << 2, /* child in need */
    LD_FLAG_SC = 1u << 3,  /* other social-care involvement */
    LD_FLAG_PP = 1u << 4,  /* pupil premium */
    LD_FLAG_SEN = 1u << 5, /* special educational needs */
};
#define LD_FLAG_ALL 0x3fu

/* Parses one flag name ("CP", "LAC", "CIN", "SC", "PP", "SEN"; exact case) into *out. */
bool ld_flag_parse(const char *name, unsigned *out);

/* Returns the name of a single flag bit, or NULL for anything else. */
const char *ld_flag_name(unsigned flag);

/*
 * Returns the first-day-calling group of a flag set: 0 for CP, 1 LAC, 2 CIN, 3 SC and 4 for
 * everyone else. A pupil goes with its first matching flag in that order.
 */
int ld_flags_call_group(unsigned flags);

#endif
