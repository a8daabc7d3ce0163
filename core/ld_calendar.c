/* ld_calendar.c: school days laid out once, so every question is an array look-up. */
#include "ld_calendar.h"

#include <stdlib.h>
#include <string.h>

struct cal_term {
    char name[LD_TERM_NAME_MAX + 1];
    ld_date start, end;
    size_t first_day, day_count; /* school-day index range */
};

struct ld_calendar {
    struct cal_term *terms;
    size_t nterms;
    ld_date *days; /* school days in date order */
    size_t ndays;
    ld_date origin;    /* first term's start; index_of[d - origin] */
    int32_t *index_of; /* school-day index or -1, for every date of the span */
    size_t span;
};

static int cmp_date(const void *a, const void *b)
{
    ld_date x = *(const ld_date *)a, y = *(const ld_date *)b;
    return (x > y) - (x < y);
}

static ld_err problem(struct ld_calendar_problem *why, size_t term, const char *field,
                      const char *text)
{
    if (why) {
        why->term = term;
        why->field = field;
        why->problem = text;
    }
    return LD_ERR_INVALID;
}

static ld_err check_terms(const struct ld_term *terms, size_t n, struct ld_calendar_problem *why)
{
    if (n > LD_CALENDAR_MAX_TERMS)
        return problem(why, LD_CALENDAR_MAX_TERMS, "start", "too many terms");
    for (size_t i = 0; i < n; i++) {
        if (terms[i].name && strlen(terms[i].name) > LD_TERM_NAME_MAX)
            return problem(why, i, "name", "longer than 63 bytes");
        if (terms[i].end < terms[i].start)
            return problem(why, i, "end", "before the term's start");
        if (i > 0 && terms[i].start <= terms[i - 1].end)
            return problem(why, i, "start", "not after the previous term's end");
        if ((long long)terms[i].end - terms[0].start >= LD_CALENDAR_MAX_SPAN_DAYS)
            return problem(why, i, "end", "calendar spans more than 20 years");
    }
    return LD_OK;
}

ld_err ld_calendar_create(const struct ld_term *terms, size_t nterms, const ld_date *closed,
                          size_t nclosed, struct ld_calendar **out, struct ld_calendar_problem *why)
{
    ld_err err = check_terms(terms, nterms, why);
    if (err)
        return err;

    ld_err result = LD_ERR_NOMEM;
    ld_date *sorted_closed = NULL;
    struct ld_calendar *cal = calloc(1, sizeof *cal);
    if (!cal)
        goto out;
    if (nclosed) {
        sorted_closed = malloc(nclosed * sizeof *sorted_closed);
        if (!sorted_closed)
            goto out;
        memcpy(sorted_closed, closed, nclosed * sizeof *sorted_closed);
        qsort(sorted_closed, nclosed, sizeof *sorted_closed, cmp_date);
    }
    cal->nterms = nterms;
    if (nterms) {
        cal->terms = calloc(nterms, sizeof *cal->terms);
        cal->origin = terms[0].start;
        cal->span = (size_t)(terms[nterms - 1].end - terms[0].start) + 1;
        cal->index_of = malloc(cal->span * sizeof *cal->index_of);
        cal->days = malloc(cal->span * sizeof *cal->days);
        if (!cal->terms || !cal->index_of || !cal->days)
            goto out;
    }
    for (size_t d = 0; d < cal->span; d++)
        cal->index_of[d] = -1;

    for (size_t t = 0; t < nterms; t++) {
        struct cal_term *ct = &cal->terms[t];
        if (terms[t].name)
            strcpy(ct->name, terms[t].name); /* length checked above */
        ct->start = terms[t].start;
        ct->end = terms[t].end;
        ct->first_day = cal->ndays;
        for (ld_date d = ct->start; d <= ct->end; d++) {
            if (ld_date_weekday(d) >= LD_SAT)
                continue;
            if (nclosed && bsearch(&d, sorted_closed, nclosed, sizeof d, cmp_date))
                continue;
            cal->index_of[d - cal->origin] = (int32_t)cal->ndays;
            cal->days[cal->ndays++] = d;
        }
        ct->day_count = cal->ndays - ct->first_day;
    }
    *out = cal;
    cal = NULL;
    result = LD_OK;
out:
    free(sorted_closed);
    ld_calendar_destroy(cal);
    return result;
}

void ld_calendar_destroy(struct ld_calendar *cal)
{
    if (!cal)
        return;
    free(cal->terms);
    free(cal->days);
    free(cal->index_of);
    free(cal);
}

size_t ld_calendar_school_days(const struct ld_calendar *cal)
{
    return cal->ndays;
}

ld_date ld_calendar_school_day(const struct ld_calendar *cal, size_t i)
{
    return cal->days[i];
}

long ld_calendar_day_index(const struct ld_calendar *cal, ld_date date)
{
    if (cal->span == 0 || date < cal->origin || (size_t)(date - cal->origin) >= cal->span)
        return -1;
    return cal->index_of[date - cal->origin];
}

bool ld_calendar_is_school_day(const struct ld_calendar *cal, ld_date date)
{
    return ld_calendar_day_index(cal, date) >= 0;
}

size_t ld_calendar_days_upto(const struct ld_calendar *cal, ld_date date)
{
    size_t lo = 0, hi = cal->ndays; /* first index whose day is after date */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid] <= date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t ld_calendar_term_count(const struct ld_calendar *cal)
{
    return cal->nterms;
}

struct ld_term ld_calendar_term(const struct ld_calendar *cal, size_t i)
{
    struct ld_term t = {cal->terms[i].name, cal->terms[i].start, cal->terms[i].end};
    return t;
}

long ld_calendar_term_of(const struct ld_calendar *cal, ld_date date)
{
    long found = -1;
    for (size_t i = 0; i < cal->nterms && cal->terms[i].start <= date; i++)
        found = (long)i;
    return found;
}

void ld_calendar_term_days(const struct ld_calendar *cal, size_t i, size_t *first, size_t *count)
{
    *first = cal->terms[i].first_day;
    *count = cal->terms[i].day_count;
}
