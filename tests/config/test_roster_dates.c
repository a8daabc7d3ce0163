/*
 * test_roster_dates.c: admission and leaving dates in MIS roster exports (SIMS, Arbor and
 * Bromcom spellings; ISO and DD/MM/YYYY), the on_roll range the core is given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "roster.h"

static char msg[512];

static ld_err parse(const char *csv, struct ld_roster *r)
{
    msg[0] = '\0';
    return ld_roster_parse_csv_buffer(csv, strlen(csv), "roster.csv", r, NULL, msg, sizeof msg);
}

static ld_date date(int y, int m, int d)
{
    return ld_date_from_ymd(y, m, d);
}

/* SIMS: "Admission Date" and "Date of Leaving", DD/MM/YYYY as SIMS writes them. */
static void sims_spellings(void **state)
{
    struct ld_roster r;
    const char *csv = "UPN,Legal Forename,Legal Surname,Reg Group,Admission Date,Date of Leaving\n"
                      "K938212025001,Zoe,Ashby,4B,01/09/2022,\n"
                      "N938212025002,Ravi,Bell,4B,5/1/2027,21/07/2027\n"
                      "E938212025003,Amy,Cole,4B,,\n";
    assert_int_equal(parse(csv, &r), LD_OK);
    assert_true(r.pupils[0].has_admitted);
    assert_int_equal(r.pupils[0].admitted, date(2022, 9, 1));
    assert_false(r.pupils[0].has_left);
    assert_int_equal(r.pupils[1].admitted, date(2027, 1, 5));
    assert_true(r.pupils[1].has_left);
    assert_int_equal(r.pupils[1].left, date(2027, 7, 21));
    assert_false(r.pupils[2].has_admitted);
    assert_false(r.pupils[2].has_left);
    ld_roster_free(&r);
}

/* Arbor: "Start Date" / "Leaving Date" in ISO; "Date of Admission" too; a time is dropped. */
static void arbor_spellings(void **state)
{
    struct ld_roster r;
    assert_int_equal(parse("UPN,First Name,Last Name,Registration Form,Start Date,Leaving Date\n"
                           "K938212025001,Zoe,Ashby,4B,2026-11-16,2027-03-31 00:00\n",
                           &r),
                     LD_OK);
    assert_int_equal(r.pupils[0].admitted, date(2026, 11, 16));
    assert_int_equal(r.pupils[0].left, date(2027, 3, 31));
    ld_roster_free(&r);
    assert_int_equal(parse("UPN,Forename,Surname,Class,Date of Admission\n"
                           "K938212025001,Zoe,Ashby,4B,2026-11-16T00:00:00\n",
                           &r),
                     LD_OK);
    assert_int_equal(r.pupils[0].admitted, date(2026, 11, 16));
    ld_roster_free(&r);
}

/* Bromcom: "Admission Date" / "Leaving Date", any case and spacing. */
static void bromcom_spellings(void **state)
{
    struct ld_roster r;
    assert_int_equal(parse("UPN,Forename,Surname,Reg Group,ADMISSION_DATE,leaving-date\n"
                           "K938212025001,Zoe,Ashby,4B,02/09/2026,18/12/2026\n",
                           &r),
                     LD_OK);
    assert_int_equal(r.pupils[0].admitted, date(2026, 9, 2));
    assert_int_equal(r.pupils[0].left, date(2026, 12, 18));
    ld_roster_free(&r);
}

/* A bad date is an error naming file, line and column; nothing is handed over. */
static void bad_dates(void **state)
{
    struct ld_roster r;
    const char *head = "UPN,Forename,Surname,Reg Group,Admission Date,Leaving Date\n"
                       "K938212025001,Zoe,Ashby,4B,,\n";
    static const struct {
        const char *row, *want;
    } cases[] = {
        {"N938212025002,Ravi,Bell,4B,31/02/2027,",
         "roster.csv:3: column 5 (Admission Date): not a date (YYYY-MM-DD or DD/MM/YYYY): "
         "\"31/02/2027\""},
        {"N938212025002,Ravi,Bell,4B,2027-1-5,",
         "roster.csv:3: column 5 (Admission Date): not a date (YYYY-MM-DD or DD/MM/YYYY): "
         "\"2027-1-5\""},
        {"N938212025002,Ravi,Bell,4B,,05/01/27",
         "roster.csv:3: column 6 (Leaving Date): not a date (YYYY-MM-DD or DD/MM/YYYY): "
         "\"05/01/27\""},
        {"N938212025002,Ravi,Bell,4B,,next week",
         "roster.csv:3: column 6 (Leaving Date): not a date (YYYY-MM-DD or DD/MM/YYYY): "
         "\"next week\""},
        {"N938212025002,Ravi,Bell,4B,2027-01-05,2027-01-04",
         "roster.csv:3: column 6 (Leaving Date): before the admission date"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv, "%s%s\n", head, cases[i].row);
        assert_int_equal(parse(csv, &r), LD_ERR_INVALID);
        assert_string_equal(msg, cases[i].want);
        assert_null(r.pupils);
    }
    /* The same day for both is one day on roll. */
    assert_int_equal(parse("UPN,Forename,Surname,Reg Group,Leaving Date,Admission Date\n"
                           "K938212025001,Zoe,Ashby,4B,2027-01-05,05/01/2027\n",
                           &r),
                     LD_OK);
    assert_int_equal(r.pupils[0].left, r.pupils[0].admitted);
    ld_roster_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sims_spellings),
        cmocka_unit_test(arbor_spellings),
        cmocka_unit_test(bromcom_spellings),
        cmocka_unit_test(bad_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
