/* ld_date.c: civil-date arithmetic (Howard Hinnant's days-from-civil algorithm) and parsers. */
#include "ld_date.h"

#include <stddef.h>

ld_date ld_date_from_ymd(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (ld_date)(era * 146097 + doe - 719468);
}

void ld_date_to_ymd(ld_date date, int *year, int *month, int *day)
{
    int z = date + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    int y = yoe + era * 400 + (m <= 2);
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool ld_date_valid(int year, int month, int day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    int max = mdays[month - 1] + (month == 2 && is_leap(year));
    return day <= max;
}

enum ld_weekday ld_date_weekday(ld_date date)
{
    /* 1970-01-01 was a Thursday (LD_THU == 3). */
    int wd = (int)((date % 7 + 7 + 3) % 7);
    return (enum ld_weekday)wd;
}

ld_date ld_date_week_start(ld_date date)
{
    return date - (ld_date)ld_date_weekday(date);
}

/* Reads exactly n decimal digits at s; returns -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parses "YYYY-MM-DD" at the start of s without looking past it. */
static bool parse_date_prefix(const char *s, ld_date *out)
{
    for (int i = 0; i < 10; i++)
        if (s[i] == '\0')
            return false;
    if (s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || !ld_date_valid(y, m, d))
        return false;
    *out = ld_date_from_ymd(y, m, d);
    return true;
}

/* Parses "HH:MM" at the start of s. */
static bool parse_minute_prefix(const char *s, ld_minute *out)
{
    for (int i = 0; i < 5; i++)
        if (s[i] == '\0')
            return false;
    if (s[2] != ':')
        return false;
    int h = digits(s, 2), m = digits(s + 3, 2);
    if (h < 0 || m < 0 || h > 23 || m > 59)
        return false;
    *out = h * 60 + m;
    return true;
}

bool ld_date_parse(const char *s, ld_date *out)
{
    ld_date d;
    if (!s || !parse_date_prefix(s, &d) || s[10] != '\0')
        return false;
    *out = d;
    return true;
}

void ld_date_format(ld_date date, char buf[LD_DATE_STRLEN])
{
    int y, m, d;
    ld_date_to_ymd(date, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0; /* out of the supported range: keep the buffer bounded */
    int parts[3] = {y, m, d};
    int widths[3] = {4, 2, 2};
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        if (i > 0)
            *p++ = '-';
        for (int w = widths[i] - 1; w >= 0; w--) {
            p[w] = (char)('0' + parts[i] % 10);
            parts[i] /= 10;
        }
        p += widths[i];
    }
    *p = '\0';
}

bool ld_minute_parse(const char *s, ld_minute *out)
{
    ld_minute m;
    if (!s || !parse_minute_prefix(s, &m) || s[5] != '\0')
        return false;
    *out = m;
    return true;
}

bool ld_datetime_parse(const char *s, ld_date *date, ld_minute *minute)
{
    ld_date d;
    ld_minute m;
    if (!s || !parse_date_prefix(s, &d) || s[10] != 'T' || !parse_minute_prefix(s + 11, &m))
        return false;
    const char *rest = s + 16;
    if (*rest == ':') {
        int sec = (rest[1] && rest[2]) ? digits(rest + 1, 2) : -1;
        if (sec < 0 || sec > 59)
            return false;
        rest += 3;
    }
    if (*rest != '\0')
        return false;
    *date = d;
    *minute = m;
    return true;
}

const char *ld_weekday_short(enum ld_weekday wd)
{
    static const char *const n[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    return (unsigned)wd < 7 ? n[wd] : "?";
}

const char *ld_weekday_plural(enum ld_weekday wd)
{
    static const char *const n[7] = {"Mondays", "Tuesdays",  "Wednesdays", "Thursdays",
                                     "Fridays", "Saturdays", "Sundays"};
    return (unsigned)wd < 7 ? n[wd] : "?";
}
