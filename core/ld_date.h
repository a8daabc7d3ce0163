/* ld_date.h: civil dates and minutes of the day, with strict parsing. No time zones here. */
#ifndef LD_DATE_H
#define LD_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* A civil (proleptic Gregorian) date as days since 1970-01-01. Day 0 was a Thursday. */
typedef int32_t ld_date;

/* A time of day in whole minutes since local midnight, 0..1439. */
typedef int ld_minute;

enum ld_weekday { LD_MON = 0, LD_TUE, LD_WED, LD_THU, LD_FRI, LD_SAT, LD_SUN };

/* Length of "YYYY-MM-DD" plus the terminator. */
#define LD_DATE_STRLEN 11

/* Returns the date for year/month/day; the caller guarantees a valid date (see ld_date_valid). */
ld_date ld_date_from_ymd(int year, int month, int day);

/* Splits date into year, month (1..12) and day (1..31); any out-pointer may be NULL. */
void ld_date_to_ymd(ld_date date, int *year, int *month, int *day);

/* Returns true when year/month/day names a real date in years 1900..9999. */
bool ld_date_valid(int year, int month, int day);

/* Returns the weekday of date, LD_MON..LD_SUN. */
enum ld_weekday ld_date_weekday(ld_date date);

/* Returns the Monday on or before date. */
ld_date ld_date_week_start(ld_date date);

/*
 * Parses exactly "YYYY-MM-DD" (the whole string, zero-padded, a real date) into *out.
 * Returns false and leaves *out alone on anything else.
 */
bool ld_date_parse(const char *s, ld_date *out);

/* Writes "YYYY-MM-DD" into buf, which holds at least LD_DATE_STRLEN bytes. */
void ld_date_format(ld_date date, char buf[LD_DATE_STRLEN]);

/* Parses exactly "HH:MM" (two digits each, 00:00..23:59) into *out; false on anything else. */
bool ld_minute_parse(const char *s, ld_minute *out);

/*
 * Parses a local civil date-time "YYYY-MM-DDTHH:MM" with optional ":SS" (seconds are dropped).
 * Returns false on anything else.
 */
bool ld_datetime_parse(const char *s, ld_date *date, ld_minute *minute);

/* Returns the lower-case three-letter name of a weekday ("mon"). */
const char *ld_weekday_short(enum ld_weekday wd);

/* Returns the English plural name of a weekday ("Mondays"). */
const char *ld_weekday_plural(enum ld_weekday wd);

#endif
