/* ld_attendance.c: the figures schools quote, in exact integer arithmetic where it matters. */
#include "ld_attendance.h"

#include <string.h>

const struct ld_band ld_bands_default[4] = {{.min = 97, .stage = 0},
                                            {.min = 92, .stage = 1},
                                            {.min = 86, .stage = 2},
                                            {.min = 0, .stage = 3}};

void ld_attendance_compute(int possible, int attended, struct ld_attendance *out)
{
    out->possible = possible;
    out->attended = attended;
    out->has_pct = possible > 0;
    out->pct = out->has_pct ? 100.0 * attended / possible : 0.0;
    /* Integer comparisons: (possible - attended) / possible >= 0.10 without rounding error. */
    int missed = possible - attended;
    out->persistent = possible > 0 && 10 * (long long)missed >= possible;
    out->severe = possible > 0 && 2 * (long long)missed >= possible;
}

bool ld_bands_find(const struct ld_band *bands, size_t n, double pct, size_t *index)
{
    for (size_t i = 0; i < n; i++) {
        if (bands[i].min <= pct) {
            *index = i;
            return true;
        }
    }
    return false;
}

bool ld_bands_stage(const struct ld_band *bands, size_t n, double pct, int *stage)
{
    size_t i;
    if (!ld_bands_find(bands, n, pct, &i))
        return false;
    *stage = bands[i].stage;
    return true;
}

ld_err ld_bands_check(const struct ld_band *bands, size_t n, size_t *bad_index, const char **field,
                      const char **problem)
{
    *bad_index = 0;
    if (n == 0 || n > LD_BANDS_MAX) {
        *field = NULL;
        *problem = n ? "more than 16 bands" : "no bands";
        return LD_ERR_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        *bad_index = i;
        /* The comparisons are false for NaN, so NaN is refused too. */
        if (!(bands[i].min >= 0.0 && bands[i].min <= 100.0)) {
            *field = "min";
            *problem = "not a percentage from 0 to 100";
            return LD_ERR_INVALID;
        }
        if (bands[i].stage < 0 || bands[i].stage > 99) {
            *field = "stage";
            *problem = "not a stage from 0 to 99";
            return LD_ERR_INVALID;
        }
        if (!memchr(bands[i].label, '\0', sizeof bands[i].label)) {
            *field = "stage";
            *problem = "a stage name over 31 bytes";
            return LD_ERR_INVALID;
        }
    }
    return LD_OK;
}
