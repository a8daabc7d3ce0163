/* ld_patterns.c: the six lateness patterns of the contract, evaluated over school days. */
#include "ld_patterns.h"

#include <stdio.h>

void ld_pattern_rules_default(struct ld_pattern_rules *r)
{
    r->window_days = 20;
    r->frequent_min = 4;
    r->weekday_window_days = 30;
    r->weekday_min = 3;
    r->streak_min = 3;
    r->rising_min = 3;
    r->after_close_min = 2;
    r->improving_before_min = 4;
    r->improving_after_max = 1;
}

ld_err ld_pattern_rules_check(const struct ld_pattern_rules *r, const char **field)
{
    const struct {
        const char *name;
        int value, min;
    } v[] = {
        {"window_days", r->window_days, 1},
        {"frequent_min", r->frequent_min, 1},
        {"weekday_window_days", r->weekday_window_days, 1},
        {"weekday_min", r->weekday_min, 1},
        {"streak_min", r->streak_min, 1},
        {"rising_min", r->rising_min, 1},
        {"after_close_min", r->after_close_min, 1},
        {"improving_before_min", r->improving_before_min, 1},
        {"improving_after_max", r->improving_after_max, 0},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (v[i].value < v[i].min || v[i].value > 1000) {
            *field = v[i].name;
            return LD_ERR_INVALID;
        }
    }
    return LD_OK;
}

const char *ld_pattern_kind_name(enum ld_pattern_kind kind)
{
    static const char *const names[] = {"frequent", "weekday",     "streak",
                                        "rising",   "after_close", "improving"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* Sums v[from, to). */
static int sum(const uint8_t *v, size_t from, size_t to)
{
    int s = 0;
    for (size_t i = from; i < to; i++)
        s += v[i] != 0;
    return s;
}

static int sum_values(const uint8_t *v, size_t from, size_t to)
{
    int s = 0;
    for (size_t i = from; i < to; i++)
        s += v[i];
    return s;
}

/* The start index of "the last w school days" of n. */
static size_t window_start(size_t n, int w)
{
    return n > (size_t)w ? n - (size_t)w : 0;
}

static const char *plural(int n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

size_t ld_patterns_find(const struct ld_pattern_rules *r, const struct ld_calendar *cal,
                        ld_date as_of, const uint8_t *late_day, const uint8_t *u_sessions, size_t n,
                        struct ld_pattern out[LD_PATTERNS_MAX])
{
    size_t k = 0;
    size_t w0 = window_start(n, r->window_days);
    int recent = sum(late_day, w0, n);

    if (n > 0 && recent >= r->frequent_min) {
        struct ld_pattern *p = &out[k++];
        *p = (struct ld_pattern){.kind = LD_PAT_FREQUENT, .count = recent};
        snprintf(p->detail, sizeof p->detail, "Late on %d of the last %zu school days", recent,
                 n - w0);
    }

    size_t wd0 = window_start(n, r->weekday_window_days);
    int late_on[5] = {0}, days_on[5] = {0};
    for (size_t i = wd0; i < n; i++) {
        enum ld_weekday wd = ld_date_weekday(ld_calendar_school_day(cal, i));
        if (wd <= LD_FRI) {
            days_on[wd]++;
            late_on[wd] += late_day[i] != 0;
        }
    }
    for (int wd = LD_MON; wd <= LD_FRI; wd++) {
        if (days_on[wd] > 0 && late_on[wd] >= r->weekday_min) {
            struct ld_pattern *p = &out[k++];
            *p = (struct ld_pattern){
                .kind = LD_PAT_WEEKDAY, .weekday = (enum ld_weekday)wd, .count = late_on[wd]};
            snprintf(p->detail, sizeof p->detail, "Late on %d of the last %d %s", late_on[wd],
                     days_on[wd], ld_weekday_plural((enum ld_weekday)wd));
        }
    }

    int streak = 0;
    for (size_t i = n; i > 0 && late_day[i - 1]; i--)
        streak++;
    if (n > 0 && late_day[n - 1] && streak >= r->streak_min) {
        struct ld_pattern *p = &out[k++];
        *p = (struct ld_pattern){.kind = LD_PAT_STREAK, .count = streak};
        snprintf(p->detail, sizeof p->detail, "Late on each of the last %d school days", streak);
    }

    long t = ld_calendar_term_of(cal, as_of);
    if (t > 0) {
        size_t first, count, pfirst, pcount;
        ld_calendar_term_days(cal, (size_t)t, &first, &count);
        ld_calendar_term_days(cal, (size_t)t - 1, &pfirst, &pcount);
        size_t end = first + count < n ? first + count : n;
        int now = first < end ? sum(late_day, first, end) : 0;
        size_t pend = pfirst + pcount < n ? pfirst + pcount : n;
        int before = pfirst < pend ? sum(late_day, pfirst, pend) : 0;
        if (now >= r->rising_min && now >= 2 * before) {
            struct ld_pattern *p = &out[k++];
            *p = (struct ld_pattern){.kind = LD_PAT_RISING, .count = now, .previous = before};
            snprintf(p->detail, sizeof p->detail,
                     "Late on %d %s this half-term, up from %d last half-term", now,
                     plural(now, "day", "days"), before);
        }
    }

    int u = sum_values(u_sessions, w0, n);
    if (n > 0 && u >= r->after_close_min) {
        struct ld_pattern *p = &out[k++];
        *p = (struct ld_pattern){.kind = LD_PAT_AFTER_CLOSE, .count = u};
        snprintf(p->detail, sizeof p->detail,
                 "Arrived after the register closed %d %s in the last %zu school days", u,
                 plural(u, "time", "times"), n - w0);
    }

    size_t b0 = window_start(w0, r->window_days);
    int earlier = sum(late_day, b0, w0);
    if (earlier >= r->improving_before_min && recent <= r->improving_after_max) {
        struct ld_pattern *p = &out[k++];
        *p = (struct ld_pattern){.kind = LD_PAT_IMPROVING, .count = recent, .previous = earlier};
        snprintf(p->detail, sizeof p->detail,
                 "Late on %d %s in the last %zu school days, down from %d in the %zu before",
                 recent, plural(recent, "day", "days"), n - w0, earlier, w0 - b0);
    }
    return k;
}
