/* test_calendar_file.c: the calendar file: a good year, and each way a calendar can be wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_file.h"

#define FIXTURES LD_TEST_DATA "/config/fixtures"

static char msg[512];

static ld_date D(const char *s)
{
    ld_date d = 0;
    assert_true(ld_date_parse(s, &d));
    return d;
}

static void expect_error(const char *text, ld_err code, const char *want)
{
    struct ld_calendar_file cal;
    memset(&cal, 0x5A, sizeof cal);
    msg[0] = '\0';
    ld_err err = ld_calendar_file_parse_string(text, "calendar.ini", &cal, msg, sizeof msg);
    if (strcmp(msg, want))
        print_error("got  %s\nwant %s\n", msg, want);
    assert_string_equal(msg, want);
    assert_int_equal(err, code);
    /* Nothing is handed over on failure. */
    assert_null(cal.terms);
    assert_null(cal.closed);
    assert_int_equal(cal.term_count, 0);
    assert_int_equal(cal.closed_count, 0);
}

static void good_year(void **state)
{
    struct ld_calendar_file cal;
    ld_err err = ld_calendar_file_load(FIXTURES "/calendar.ini", &cal, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_int_equal(cal.term_count, 6);
    assert_string_equal(cal.terms[0].name, "Autumn 1");
    assert_int_equal(cal.terms[0].start, D("2026-09-03"));
    assert_int_equal(cal.terms[0].end, D("2026-10-23"));
    assert_int_equal(cal.terms[0].line, 3);
    assert_string_equal(cal.terms[5].name, "Summer 2");
    assert_int_equal(cal.terms[5].end, D("2027-07-21"));
    /* Closed days come back in date order whatever the file's order. */
    assert_int_equal(cal.closed_count, 5);
    assert_int_equal(cal.closed[0].date, D("2026-09-03"));
    assert_int_equal(cal.closed[1].date, D("2026-12-25"));
    assert_string_equal(cal.closed[1].label, "Christmas Day");
    assert_int_equal(cal.closed[1].line, 13);
    assert_int_equal(cal.closed[2].date, D("2027-01-04"));
    assert_int_equal(cal.closed[4].date, D("2027-07-21"));

    /* The core accepts what the file accepted. */
    struct ld_calendar *core = NULL;
    err = ld_calendar_file_build(&cal, "calendar.ini", &core, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_non_null(core);
    assert_int_equal(ld_calendar_term_count(core), 6);
    assert_false(ld_calendar_is_school_day(core, D("2026-09-03"))); /* INSET */
    assert_true(ld_calendar_is_school_day(core, D("2026-09-04")));
    assert_false(ld_calendar_is_school_day(core, D("2026-10-26"))); /* half-term */
    ld_calendar_destroy(core);
    ld_calendar_file_free(&cal);
    assert_null(cal.terms);
    ld_calendar_file_free(&cal); /* twice is fine */
    ld_calendar_file_free(NULL);
}

static void forms_that_are_fine(void **state)
{
    struct ld_calendar_file cal;
    const char *text = "\xEF\xBB\xBF[Terms]\r\n  Autumn 1 = 2026-09-03..2026-10-23\r\n"
                       "One day = 2026-11-02 .. 2026-11-02\r\n[closed]\r\n2026-09-04 =\r\n";
    assert_int_equal(ld_calendar_file_parse_string(text, "c.ini", &cal, msg, sizeof msg), LD_OK);
    assert_int_equal(cal.term_count, 2);
    assert_int_equal(cal.terms[1].start, cal.terms[1].end);
    assert_int_equal(cal.closed_count, 1);
    assert_string_equal(cal.closed[0].label, "");
    ld_calendar_file_free(&cal);
}

static void reversed_range(void **state)
{
    expect_error("[terms]\nAutumn 1 = 2026-10-23 .. 2026-09-03\n", LD_ERR_INVALID,
                 "calendar.ini:2: terms.Autumn 1: ends (2026-09-03) before it starts "
                 "(2026-10-23)");
}

static void overlap_and_order(void **state)
{
    expect_error("[terms]\nAutumn 1 = 2026-09-03 .. 2026-10-23\n"
                 "Autumn 2 = 2026-10-20 .. 2026-12-18\n",
                 LD_ERR_INVALID,
                 "calendar.ini:3: terms.Autumn 2: starts 2026-10-20, not after Autumn 1 (line "
                 "2) ends on 2026-10-23: terms go in date order and must not overlap");
    expect_error("[terms]\nAutumn 2 = 2026-11-02 .. 2026-12-18\n"
                 "Autumn 1 = 2026-09-03 .. 2026-10-23\n",
                 LD_ERR_INVALID,
                 "calendar.ini:3: terms.Autumn 1: starts 2026-09-03, not after Autumn 2 (line "
                 "2) ends on 2026-12-18: terms go in date order and must not overlap");
    /* Touching is overlapping: a day belongs to one term. */
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\nB = 2026-10-23 .. 2026-12-18\n",
                 LD_ERR_INVALID,
                 "calendar.ini:3: terms.B: starts 2026-10-23, not after A (line 2) ends on "
                 "2026-10-23: terms go in date order and must not overlap");
}

static void bad_dates(void **state)
{
    expect_error("[terms]\nSpring 1 = 2027-02-30 .. 2027-03-26\n", LD_ERR_INVALID,
                 "calendar.ini:2: terms.Spring 1: not a date (YYYY-MM-DD): \"2027-02-30\"");
    expect_error("[terms]\nSpring 1 = 2027-01-04 .. 2027-3-26\n", LD_ERR_INVALID,
                 "calendar.ini:2: terms.Spring 1: not a date (YYYY-MM-DD): \"2027-3-26\"");
    expect_error("[terms]\nSpring 1 = 2027-01-04 - 2027-03-26\n", LD_ERR_INVALID,
                 "calendar.ini:2: terms.Spring 1: expected \"YYYY-MM-DD .. YYYY-MM-DD\": "
                 "\"2027-01-04 - 2027-03-26\"");
    expect_error("[terms]\nSpring 1 = 2027-01-04 .. \n", LD_ERR_INVALID,
                 "calendar.ini:2: terms.Spring 1: not a date (YYYY-MM-DD): \"\"");
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\n[closed]\n2026-13-01 = Oops\n",
                 LD_ERR_INVALID, "calendar.ini:4: closed.2026-13-01: not a date (YYYY-MM-DD)");
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\n[closed]\n3 Sept 2026 = INSET\n",
                 LD_ERR_INVALID, "calendar.ini:4: closed.3 Sept 2026: not a date (YYYY-MM-DD)");
    /* A closed day a year from the terms is a typo for the year, either way. */
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\n[closed]\n2026-09-03 = INSET\n"
                 "2062-09-04 = INSET\n",
                 LD_ERR_INVALID,
                 "calendar.ini:5: closed.2062-09-04: a year or more from the terms (2026-09-03 "
                 ".. 2026-10-23): is a year wrong?");
    expect_error("[closed]\n1926-09-04 = INSET\n[terms]\nA = 2026-09-03 .. 2026-10-23\n",
                 LD_ERR_INVALID,
                 "calendar.ini:2: closed.1926-09-04: a year or more from the terms (2026-09-03 "
                 ".. 2026-10-23): is a year wrong?");
    /* A whole year in one half-term is a typo for the year. */
    expect_error("[terms]\nAutumn 1 = 2026-09-03 .. 2027-10-23\n", LD_ERR_INVALID,
                 "calendar.ini:2: terms.Autumn 1: 2026-09-03 .. 2027-10-23 is longer than 26 "
                 "weeks: is a year wrong?");
}

static void duplicates_and_caps(void **state)
{
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\n[closed]\n2026-09-03 = INSET\n"
                 "2026-09-03 = Again\n",
                 LD_ERR_DUPLICATE,
                 "calendar.ini:5: closed.2026-09-03: given twice (first on "
                 "line 4)");
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\na = 2026-11-02 .. 2026-12-18\n",
                 LD_ERR_DUPLICATE, "calendar.ini:3: terms.a: given twice (first on line 2)");

    /* 401 closed days. */
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    int n = snprintf(text, cap, "[terms]\nA = 2026-09-03 .. 2026-10-23\n[closed]\n");
    ld_date d = D("2026-01-01");
    for (int i = 0; i <= LD_CALFILE_MAX_CLOSED; i++) {
        char ds[LD_DATE_STRLEN];
        ld_date_format(d + i, ds);
        n += snprintf(text + n, cap - (size_t)n, "%s = closed\n", ds);
    }
    expect_error(text, LD_ERR_RANGE,
                 "calendar.ini:404: closed.2027-02-05: more than 400 closed "
                 "days");

    /* 37 one-week terms. */
    n = snprintf(text, cap, "[terms]\n");
    d = D("2026-01-05");
    for (int i = 0; i <= LD_CALFILE_MAX_TERMS; i++) {
        char a[LD_DATE_STRLEN], b[LD_DATE_STRLEN];
        ld_date_format(d + 14 * i, a);
        ld_date_format(d + 14 * i + 4, b);
        n += snprintf(text + n, cap - (size_t)n, "Term %d = %s .. %s\n", i + 1, a, b);
    }
    expect_error(text, LD_ERR_RANGE, "calendar.ini:38: terms.Term 37: more than 36 terms");
    free(text);

    char name[LD_TERM_NAME_MAX + 2], line[256];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(line, sizeof line, "[terms]\n%s = 2026-09-03 .. 2026-10-23\n", name);
    char want[256];
    snprintf(want, sizeof want, "calendar.ini:2: terms.%s: name longer than 63 bytes", name);
    expect_error(line, LD_ERR_RANGE, want);
    expect_error("[terms]\nA = 2026-09-03 .. 2026-10-23\n[closed]\n2026-09-03 = An INSET day "
                 "with a label far too long to be shown on the screen at the door\n",
                 LD_ERR_RANGE, "calendar.ini:4: closed.2026-09-03: label longer than 64 bytes");
}

static void structure(void **state)
{
    expect_error("", LD_ERR_INVALID, "calendar.ini: no terms: a calendar needs a [terms] section");
    expect_error("[closed]\n2026-09-03 = INSET\n", LD_ERR_INVALID,
                 "calendar.ini: no terms: a calendar needs a [terms] section");
    expect_error("[holidays]\nHalf-term = 2026-10-26 .. 2026-10-30\n", LD_ERR_INVALID,
                 "calendar.ini:2: holidays.Half-term: unknown section [holidays] (a calendar "
                 "has [terms] and [closed])");
    expect_error("Autumn 1 = 2026-09-03 .. 2026-10-23\n", LD_ERR_INVALID,
                 "calendar.ini:1: Autumn 1: outside any [section]");
    expect_error("[terms]\nAutumn 1\n", LD_ERR_INVALID,
                 "calendar.ini:2: expected \"[section]\" or \"key = value\": \"Autumn 1\"");
    expect_error("[terms]\nAut\xE9 = 2026-09-03 .. 2026-10-23\n", LD_ERR_INVALID,
                 "calendar.ini:2: not valid UTF-8");

    struct ld_calendar_file cal;
    assert_int_equal(ld_calendar_file_load(FIXTURES "/missing.ini", &cal, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_null(cal.terms);
    assert_int_equal(ld_calendar_file_parse_string(NULL, NULL, &cal, msg, sizeof msg),
                     LD_ERR_INVALID);
}

static void demo_calendar(void **state)
{
    struct ld_calendar_file cal;
    ld_err err =
        ld_calendar_file_load(LD_TEST_DATA "/../assets/demo/calendar.ini", &cal, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_int_equal(cal.term_count, 6);
    struct ld_calendar *core = NULL;
    assert_int_equal(ld_calendar_file_build(&cal, "calendar.ini", &core, msg, sizeof msg), LD_OK);
    /* The demo year has the 190 pupil days of a real English school year. */
    assert_int_equal(ld_calendar_school_days(core), 190);
    ld_calendar_destroy(core);
    ld_calendar_file_free(&cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_year),      cmocka_unit_test(forms_that_are_fine),
        cmocka_unit_test(reversed_range), cmocka_unit_test(overlap_and_order),
        cmocka_unit_test(bad_dates),      cmocka_unit_test(duplicates_and_caps),
        cmocka_unit_test(structure),      cmocka_unit_test(demo_calendar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
