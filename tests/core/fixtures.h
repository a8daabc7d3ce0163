/* fixtures.h: shared fixtures for the core tests: a fictional school year of 190 pupil days. */
#ifndef LD_TEST_CORE_FIXTURES_H
#define LD_TEST_CORE_FIXTURES_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ld_calendar.h"

/* Returns the date for an ISO string, failing the test when it is not one. */
static inline ld_date D(const char *s)
{
    ld_date d = 0;
    assert_true(ld_date_parse(s, &d));
    return d;
}

/*
 * The year 2026-27 of the fictional Hollybrook Primary: six half-terms of 196 weekdays, the May
 * bank holiday (195 days of school) and five INSET days (190 days for pupils).
 */
static inline struct ld_calendar *year_2026(void)
{
    struct ld_term terms[6] = {
        {"Autumn 1", D("2026-09-01"), D("2026-10-23")},
        {"Autumn 2", D("2026-11-02"), D("2026-12-18")},
        {"Spring 1", D("2027-01-04"), D("2027-02-12")},
        {"Spring 2", D("2027-02-22"), D("2027-03-25")},
        {"Summer 1", D("2027-04-12"), D("2027-05-28")},
        {"Summer 2", D("2027-06-07"), D("2027-07-21")},
    };
    ld_date closed[6] = {D("2027-05-03"), D("2026-09-01"), D("2026-09-02"),
                         D("2026-11-02"), D("2027-01-04"), D("2027-06-07")};
    struct ld_calendar *cal = NULL;
    assert_int_equal(ld_calendar_create(terms, 6, closed, 6, &cal, NULL), LD_OK);
    return cal;
}

#endif
