/* ld_attendance.h: attendance percentage, persistent and severe absence, intervention stages. */
#ifndef LD_ATTENDANCE_H
#define LD_ATTENDANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_err.h"

struct ld_attendance {
    int possible;    /* possible sessions */
    int attended;    /* sessions present or in approved activity */
    bool has_pct;    /* false when possible is 0: no percentage, no division by zero */
    double pct;      /* 100 * attended / possible, unrounded */
    bool persistent; /* missed 10 % or more of possible sessions */
    bool severe;     /* missed 50 % or more */
};

/* Fills out from the session counts; attended must not exceed possible. */
void ld_attendance_compute(int possible, int attended, struct ld_attendance *out);

/* The longest stage label of a band, in bytes without the terminator. */
#define LD_BAND_LABEL_MAX 31

/*
 * One intervention band: percentages from min up to the previous band's min take stage. A
 * school may name its stages ("amber") instead of numbering them: label is then the stage as
 * the school wrote it, and stage is still a number (callers that sort by stage set it, for
 * example to the band's position); label is "" for a numbered stage.
 */
struct ld_band {
    double min;
    int stage;
    char label[LD_BAND_LABEL_MAX + 1];
};

#define LD_BANDS_MAX 16

/* The default ladder: 97+ stage 0, 92+ stage 1, 86+ stage 2, below that stage 3. */
extern const struct ld_band ld_bands_default[4];

/*
 * Finds the stage for pct: the first band, in the order given, whose min <= pct. Bands given
 * in descending order of min are half-open intervals, so no percentage falls between two.
 * Returns false when no band matches.
 */
bool ld_bands_stage(const struct ld_band *bands, size_t n, double pct, int *stage);

/* Finds the band for pct as ld_bands_stage does, writing its position into *index. */
bool ld_bands_find(const struct ld_band *bands, size_t n, double pct, size_t *index);

/*
 * Checks a band list: 1 to LD_BANDS_MAX bands, each min a finite number from 0 to 100, each
 * stage from 0 to 99, each label NUL-terminated within its array. On failure returns
 * LD_ERR_INVALID with the index and field at fault.
 */
ld_err ld_bands_check(const struct ld_band *bands, size_t n, size_t *bad_index, const char **field,
                      const char **problem);

#endif
