/* test_date.c: civil dates, weekdays and the strict parsers. */
#include "fixtures.h"

#include <string.h>

#include "ld_date.h"

static void epoch_and_weekdays(void **state)
{
    assert_int_equal(ld_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(ld_date_weekday(0), LD_THU);
    assert_int_equal(ld_date_weekday(D("2026-11-20")), LD_FRI);
    assert_int_equal(ld_date_weekday(D("2026-11-23")), LD_MON);
    assert_int_equal(ld_date_weekday(D("1969-12-29")), LD_MON); /* before the epoch */
    assert_int_equal(ld_date_week_start(D("2026-09-03")), D("2026-08-31"));
    assert_int_equal(ld_date_week_start(D("2026-09-06")), D("2026-08-31")); /* Sunday */
    assert_int_equal(ld_date_week_start(D("2026-09-07")), D("2026-09-07"));
}

static void round_trip_every_day_of_a_century(void **state)
{
    for (ld_date d = ld_date_from_ymd(1999, 1, 1); d < ld_date_from_ymd(2101, 1, 1); d++) {
        int y, m, day;
        char buf[LD_DATE_STRLEN];
        ld_date_to_ymd(d, &y, &m, &day);
        assert_true(ld_date_valid(y, m, day));
        assert_int_equal(ld_date_from_ymd(y, m, day), d);
        ld_date_format(d, buf);
        ld_date back;
        assert_true(ld_date_parse(buf, &back));
        assert_int_equal(back, d);
    }
}

static void leap_years(void **state)
{
    ld_date d;
    assert_true(ld_date_parse("2028-02-29", &d));
    assert_true(ld_date_parse("2000-02-29", &d));
    assert_false(ld_date_parse("2027-02-29", &d));
    assert_false(ld_date_parse("2100-02-29", &d));
}

static void bad_dates_are_refused(void **state)
{
    const char *bad[] = {
        "",           "2026-1-01", "2026-01-1",   "2026/01/01",  "2026-00-10",  "2026-13-01",
        "2026-04-31", "26-01-01",  "2026-01-01 ", " 2026-01-01", "2026-01-01T", "abcd-ef-gh",
        "1899-12-31", "2026-01-0x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_date d = 42;
        assert_false(ld_date_parse(bad[i], &d));
        assert_int_equal(d, 42); /* untouched */
    }
    assert_false(ld_date_parse(NULL, &(ld_date){0}));
}

static void minutes_of_the_day(void **state)
{
    ld_minute m;
    assert_true(ld_minute_parse("00:00", &m));
    assert_int_equal(m, 0);
    assert_true(ld_minute_parse("23:59", &m));
    assert_int_equal(m, 1439);
    assert_true(ld_minute_parse("08:50", &m));
    assert_int_equal(m, 530);
    const char *bad[] = {"9:7", "24:00", "12:60", "08:5", "0850", "08:50:00", "", "ab:cd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(ld_minute_parse(bad[i], &m));
}

static void date_times(void **state)
{
    ld_date d;
    ld_minute m;
    assert_true(ld_datetime_parse("2026-09-10T09:07", &d, &m));
    assert_int_equal(d, D("2026-09-10"));
    assert_int_equal(m, 9 * 60 + 7);
    assert_true(ld_datetime_parse("2026-09-10T09:07:59", &d, &m)); /* seconds dropped */
    assert_int_equal(m, 9 * 60 + 7);
    const char *bad[] = {"2026-09-10 09:07",   "2026-09-10T9:07",      "2026-09-10T09:07:60",
                         "2026-09-10T09:07:5", "2026-09-10T09:07Z",    "2026-09-31T09:07",
                         "2026-09-10",         "2026-09-10T09:07:00.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(ld_datetime_parse(bad[i], &d, &m));
}

static void weekday_names(void **state)
{
    assert_string_equal(ld_weekday_short(LD_MON), "mon");
    assert_string_equal(ld_weekday_short(LD_FRI), "fri");
    assert_string_equal(ld_weekday_plural(LD_WED), "Wednesdays");
    assert_string_equal(ld_weekday_short((enum ld_weekday)9), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epoch_and_weekdays), cmocka_unit_test(round_trip_every_day_of_a_century),
        cmocka_unit_test(leap_years),         cmocka_unit_test(bad_dates_are_refused),
        cmocka_unit_test(minutes_of_the_day), cmocka_unit_test(date_times),
        cmocka_unit_test(weekday_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
