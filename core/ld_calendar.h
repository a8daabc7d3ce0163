/* ld_calendar.h: the school year: half-terms, closed days, school days and school weeks. */
#ifndef LD_CALENDAR_H
#define LD_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_date.h"
#include "ld_err.h"

/* Caps that keep a hostile calendar from growing memory without bound. */
#define LD_CALENDAR_MAX_TERMS     128
#define LD_CALENDAR_MAX_SPAN_DAYS 7320 /* about 20 years from the first term to the last */
#define LD_TERM_NAME_MAX          63

/* A half-term as the school writes it: inclusive of both dates. */
struct ld_term {
    const char *name; /* may be NULL; copied */
    ld_date start;
    ld_date end;
};

/* What is wrong with a calendar given to ld_calendar_create. */
struct ld_calendar_problem {
    size_t term;         /* index of the term at fault */
    const char *field;   /* "start", "end" or "name" */
    const char *problem; /* a constant phrase */
};

/*
 * An immutable calendar: a school day is a Monday to Friday inside a term that is not a closed
 * day. Safe to share between threads once created.
 */
struct ld_calendar;

/*
 * Creates a calendar from terms (in date order, each start <= end, each starting after the
 * previous one ends) and closed days (any order, duplicates allowed, days outside terms
 * ignored). On LD_ERR_INVALID fills *why (when not NULL) with the term and field at fault.
 * On success *out becomes the caller's, to free with ld_calendar_destroy.
 */
LD_MUST_CHECK ld_err ld_calendar_create(const struct ld_term *terms, size_t nterms,
                                        const ld_date *closed, size_t nclosed,
                                        struct ld_calendar **out, struct ld_calendar_problem *why);

/* Frees cal; accepts NULL. */
void ld_calendar_destroy(struct ld_calendar *cal);

/* Returns the number of school days in the whole calendar. */
size_t ld_calendar_school_days(const struct ld_calendar *cal);

/* Returns the i-th school day (0-based, in date order); i must be below the count. */
ld_date ld_calendar_school_day(const struct ld_calendar *cal, size_t i);

/* Returns the index of date among the school days, or -1 when it is not a school day. */
long ld_calendar_day_index(const struct ld_calendar *cal, ld_date date);

/* Returns true when date is a school day. */
bool ld_calendar_is_school_day(const struct ld_calendar *cal, ld_date date);

/* Returns how many school days fall on or before date. */
size_t ld_calendar_days_upto(const struct ld_calendar *cal, ld_date date);

/* Returns the number of terms. */
size_t ld_calendar_term_count(const struct ld_calendar *cal);

/* Returns term i (its name is "" when none was given); i must be below the count. */
struct ld_term ld_calendar_term(const struct ld_calendar *cal, size_t i);

/*
 * Returns the index of the half-term containing date or, in a holiday, of the last half-term
 * that started on or before it; -1 when date is before every term.
 */
long ld_calendar_term_of(const struct ld_calendar *cal, ld_date date);

/*
 * Writes the school days of term i as a range of school-day indexes [*first, *first + *count).
 * A term with no school days has *count 0.
 */
void ld_calendar_term_days(const struct ld_calendar *cal, size_t i, size_t *first, size_t *count);

#endif
