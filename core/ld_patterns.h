/* ld_patterns.h: lateness patterns over school days, each with a sentence for staff. */
#ifndef LD_PATTERNS_H
#define LD_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

#include "ld_calendar.h"
#include "ld_date.h"
#include "ld_err.h"

/* The thresholds (analyse-contract.md, "rules.patterns"); see ld_pattern_rules_default. */
struct ld_pattern_rules {
    int window_days;
    int frequent_min;
    int weekday_window_days;
    int weekday_min;
    int streak_min;
    int rising_min;
    int after_close_min;
    int improving_before_min;
    int improving_after_max;
};

/* Fills r with the defaults: 20, 4, 30, 3, 3, 3, 2, 4, 1. */
void ld_pattern_rules_default(struct ld_pattern_rules *r);

/*
 * Checks r: every value from 1 to 1000, but improving_after_max from 0 (a threshold of 0
 * would flag every pupil).
 * On failure returns LD_ERR_INVALID and sets *field to the rule's name.
 */
ld_err ld_pattern_rules_check(const struct ld_pattern_rules *r, const char **field);

enum ld_pattern_kind {
    LD_PAT_FREQUENT,
    LD_PAT_WEEKDAY,
    LD_PAT_STREAK,
    LD_PAT_RISING,
    LD_PAT_AFTER_CLOSE,
    LD_PAT_IMPROVING,
};

#define LD_PATTERN_DETAIL_MAX 96
/* frequent, five weekdays, streak, rising, after_close, improving */
#define LD_PATTERNS_MAX 10

struct ld_pattern {
    enum ld_pattern_kind kind;
    enum ld_weekday weekday; /* LD_PAT_WEEKDAY only */
    int count;               /* late days (U sessions for after_close) */
    int previous;            /* rising and improving: the earlier figure */
    char detail[LD_PATTERN_DETAIL_MAX];
};

/* Returns the contract's name of a kind ("after_close"). */
const char *ld_pattern_kind_name(enum ld_pattern_kind kind);

/*
 * Finds the patterns that hold for one pupil. late_day[i] is nonzero when school day i (of
 * cal) had L or U in either session, u_sessions[i] the number of sessions marked U that day;
 * both cover the n school days on or before as_of (n = ld_calendar_days_upto(cal, as_of)).
 * Writes the patterns in the contract's order into out and returns how many.
 */
size_t ld_patterns_find(const struct ld_pattern_rules *rules, const struct ld_calendar *cal,
                        ld_date as_of, const uint8_t *late_day, const uint8_t *u_sessions, size_t n,
                        struct ld_pattern out[LD_PATTERNS_MAX]);

#endif
