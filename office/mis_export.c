/*
 * mis_export.c: the MIS export of only what changed since the last one: each session whose
 * arrivals or their corrections came in since, with the kiosks' mark that stands now.
 */
#include "report.h"
#include "report_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAD(code, ...) (snprintf(msg, msglen, __VA_ARGS__), (code))

/* The record key of school's last export (schools' ids are record keys as they are). */
static const char *export_key(const char *school)
{
    return school;
}

ld_err ld_mis_export_last(struct ld_central *c, const char *school, int64_t *global_seq,
                          int64_t *at_ms, char *msg, size_t msglen)
{
    struct ld_central_orec rec;
    long long seq = 0, at = 0;
    int used = 0;
    *global_seq = *at_ms = 0;
    ld_err err = ld_central_orec_get(c, LD_OREC_MIS_EXPORT, export_key(school), &rec, msg, msglen);
    if (err == LD_ERR_NOT_FOUND)
        return LD_OK; /* never exported: everything is new */
    if (err)
        return err;
    if (sscanf(rec.value, "{\"global_seq\":%lld,\"at_ms\":%lld}%n", &seq, &at, &used) != 2 ||
        rec.value[used] || seq < 0 || at < 0)
        return BAD(LD_ERR_CORRUPT, "office_records row %d/%s: not a last export: %.80s",
                   LD_OREC_MIS_EXPORT, rec.key, rec.value);
    *global_seq = seq;
    *at_ms = at;
    return LD_OK;
}

ld_err ld_mis_export_mark(struct ld_central *c, const char *school, int64_t global_seq,
                          int64_t at_ms, char *msg, size_t msglen)
{
    struct ld_central_orec rec = {.kind = LD_OREC_MIS_EXPORT, .updated_ms = at_ms};
    snprintf(rec.key, sizeof rec.key, "%s", export_key(school));
    snprintf(rec.school, sizeof rec.school, "%s", school);
    snprintf(rec.value, sizeof rec.value, "{\"global_seq\":%" PRId64 ",\"at_ms\":%" PRId64 "}",
             global_seq, at_ms);
    return ld_central_orec_put(c, &rec, msg, msglen);
}

/* True when arrival a's late mark is the register's: counted, first of its session, not on time. */
static bool stands(const struct ld_report_arrival *a)
{
    return !a->voided && a->decides && a->cls.outcome != LD_OUTCOME_ON_TIME;
}

/* True when a is of the same pupil's same session as b. */
static bool same_session(const struct ld_report_arrival *a, const struct ld_report_arrival *b)
{
    return a->pupil == b->pupil && a->cls.session == b->cls.session && a->date == b->date;
}

/* True when a is news since global_seq: a new late mark, or any correction of an arrival. */
static bool news(const struct ld_report_arrival *a, int64_t since)
{
    return a->touched_seq > since && (stands(a) || a->touched_seq != a->ev->global_seq);
}

void ld_mis_export_changes(const struct ld_report *r, int64_t since, struct ld_buf *csv,
                           size_t *rows)
{
    *rows = 0;
    ld_buf_puts(csv, "UPN,Date,Session,Code,Minutes Late,Reason,Change\r\n");
    for (size_t first = 0, end = 0; first < r->narrivals; first = end) {
        ld_date day = r->arrivals[first].date;
        ld_report_arrivals_of_day(r, day, &first, &end);
        if (day > r->as_of)
            break;
        if (!ld_calendar_is_school_day(r->cal, day))
            continue;
        for (size_t i = first; i < end; i++) {
            const struct ld_report_arrival *a = &r->arrivals[i], *mark = NULL;
            bool told = false;
            if (!ld_report_arrival_on_roll(r, a) || !news(a, since))
                continue;
            /* one row a session: at its first arrival with news, with the mark that stands */
            for (size_t k = first; k < end; k++) {
                const struct ld_report_arrival *b = &r->arrivals[k];
                if (!same_session(a, b))
                    continue;
                told |= k < i && news(b, since);
                if (stands(b))
                    mark = b;
            }
            if (told)
                continue;
            char ds[LD_DATE_STRLEN];
            ld_date_format(day, ds);
            ld_buf_csv(csv, a->ev->upn);
            ld_buf_printf(csv, ",%s,%s,", ds, a->cls.session == LD_PM ? "PM" : "AM");
            if (mark) {
                ld_buf_csv(csv, ld_code_str(mark->cls.code));
                ld_buf_printf(csv, ",%d,", mark->cls.minutes_late);
                ld_buf_csv(csv, mark->reason);
                ld_buf_puts(csv, mark->ev->global_seq > since ? ",new\r\n" : ",changed\r\n");
            } else {
                /* the late mark sent before (if any) no longer stands: the register's own does */
                ld_buf_puts(csv, ",,,no late mark\r\n");
            }
            ++*rows;
        }
    }
}

int64_t ld_mis_export_upto(const struct ld_report *r)
{
    return r->nevents ? r->events[r->nevents - 1].global_seq : 0;
}
