/* roster.h: a school roster as read from an MIS export, validated, before it reaches a store. */
#ifndef LD_ROSTER_H
#define LD_ROSTER_H

#include <stddef.h>

#include "ld_err.h"
#include "uid.h"

/* Caps on every field that outside input can fill (bytes of UTF-8, without the terminator). */
#define LD_UPN_LEN    13
#define LD_NAME_MAX   64
#define LD_YEAR_MAX   8
#define LD_CLASS_MAX  16
#define LD_FAMILY_MAX 32
/* The most pupils one roster may hold: far above any primary school. */
#define LD_ROSTER_MAX_PUPILS 20000

/* One pupil row, every string NUL-terminated, valid UTF-8 and within its cap. */
struct ld_roster_pupil {
    char upn[LD_UPN_LEN + 1];
    char legal_first[LD_NAME_MAX + 1];
    char legal_last[LD_NAME_MAX + 1];
    char preferred_first[LD_NAME_MAX + 1]; /* the legal first name when the file has none */
    char preferred_last[LD_NAME_MAX + 1];  /* the legal surname when the file has none */
    char year[LD_YEAR_MAX + 1];            /* year group as the MIS writes it: "R", "4" */
    char class_name[LD_CLASS_MAX + 1];     /* registration group */
    char family[LD_FAMILY_MAX + 1];        /* may be empty */
    unsigned flags;                        /* enum ld_flag bits */
    struct ld_uid card;                    /* card.len == 0: no card */
    unsigned line;                         /* line of the file the row came from */
};

/* A whole roster. Owned by the caller; free with ld_roster_free. */
struct ld_roster {
    struct ld_roster_pupil *pupils;
    size_t count;
};

/* Frees the pupils of roster and zeroes it; accepts NULL. */
void ld_roster_free(struct ld_roster *roster);

#endif
