/* school_fixture.h: a school over the 2026-27 calendar for the engine's tests, and helpers. */
#ifndef LD_TEST_SCHOOL_FIXTURE_H
#define LD_TEST_SCHOOL_FIXTURE_H

#include "fixtures.h"

#include <stdlib.h>

#include "ld_school.h"

struct fixture {
    struct ld_calendar *cal;
    struct ld_school *school;
    struct ld_result *r;
};

static inline int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ld_sessions s;
    ld_sessions_default(&s);
    f->cal = year_2026();
    assert_int_equal(ld_school_create(f->cal, &s, &f->school), LD_OK);
    struct ld_reason_rule medical = {LD_CODE_NONE, LD_CODE_M};
    assert_int_equal(ld_school_add_reason(f->school, "medical", &medical), LD_OK);
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    struct fixture *f = *state;
    ld_result_destroy(f->r);
    ld_school_destroy(f->school);
    ld_calendar_destroy(f->cal);
    free(f);
    return 0;
}

static inline void add(struct fixture *f, const char *id, const char *cls, unsigned flags)
{
    assert_int_equal(ld_school_add_pupil(f->school, id, cls, "F1", flags), LD_OK);
}

static inline void arrive(struct fixture *f, const char *id, const char *at, const char *reason)
{
    ld_date d;
    ld_minute m;
    assert_true(ld_datetime_parse(at, &d, &m));
    assert_int_equal(ld_school_add_arrival(f->school, id, d, m, reason), LD_OK);
}

static inline const struct ld_pupil_result *analyse(struct fixture *f, const char *as_of,
                                                    const char *id)
{
    ld_result_destroy(f->r);
    f->r = NULL;
    assert_int_equal(ld_school_analyse(f->school, D(as_of), &f->r), LD_OK);
    long i = ld_result_find(f->r, id);
    assert_true(i >= 0);
    return ld_result_pupil(f->r, (size_t)i);
}

static inline enum ld_code mark(struct fixture *f, const char *id, const char *date, int session,
                                int *minutes)
{
    enum ld_code code = LD_CODE_NONE;
    int m;
    assert_true(ld_result_mark(f->r, (size_t)ld_result_find(f->r, id), D(date),
                               (enum ld_session_id)session, &code, &m));
    if (minutes)
        *minutes = m;
    return code;
}

/*
 * Analyses as of a date or a date and time ("2026-09-10T09:10") with registers known up to
 * registers_until (NULL: as_of's date), into f->r.
 */
static inline void analyse_at(struct fixture *f, const char *as_of, const char *registers_until)
{
    struct ld_as_of when;
    ld_date d;
    ld_minute m = LD_AS_OF_NO_TIME;
    if (!ld_date_parse(as_of, &d))
        assert_true(ld_datetime_parse(as_of, &d, &m));
    ld_as_of_day(d, &when);
    when.minute = m;
    if (registers_until)
        when.registers_until = D(registers_until);
    ld_result_destroy(f->r);
    f->r = NULL;
    assert_int_equal(ld_school_analyse_at(f->school, &when, &f->r), LD_OK);
}

/* Returns the result of pupil id in f->r. */
static inline const struct ld_pupil_result *pupil(struct fixture *f, const char *id)
{
    long i = ld_result_find(f->r, id);
    assert_true(i >= 0);
    return ld_result_pupil(f->r, (size_t)i);
}

#endif
