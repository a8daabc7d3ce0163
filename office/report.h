/* report.h: the office review: the central store's log of one school, run through the core. */
#ifndef LD_REPORT_H
#define LD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "central.h"
#include "config.h"
#include "ld_school.h"

/*
 * What the report reads from the school's central settings (all optional; defaults shown):
 *   timezone                     Europe/London
 *   sessions.am_start            08:50   (and am_register_closes 09:20, pm_start 13:00,
 *                                         pm_register_closes 13:30: the device's [sessions])
 *   reason.N (N = 1..12)         "Medical appointment = -, M": a reason and its codes before
 *                                and after the register closes, as the device's [reasons]
 * A bad setting is an error naming its key.
 */

/* The office's pseudo-device of a school: its corrections are this device's events. */
#define LD_REPORT_OFFICE_PREFIX "office."

/* How an arrival was recorded, as the late log shows it. */
struct ld_report_arrival {
    const struct ld_central_event *ev; /* the arrival event (in the report's event array) */
    long pupil;                        /* index into the roster, -1 when not on it */
    ld_date date;                      /* local date and minute (after any clock repair) */
    ld_minute minute;
    bool clock_repaired;
    bool clock_unsure; /* recorded while the clock was bad and never repaired */
    bool voided;
    const struct ld_central_event *void_ev;   /* the void, when voided */
    const char *reason;                       /* the reason that stands now ("" none) */
    const char *first_reason;                 /* the first reason given ("" none) */
    const struct ld_central_event *reason_ev; /* the event that gave the standing reason */
    bool amended;                             /* the standing reason replaced an earlier one */
    struct ld_classification cls;             /* the mark this arrival alone would get */
    bool decides; /* the earliest counted arrival of its session: its mark is the register's */
};

/* Everything one report is made of. Build it with ld_report_load (or ld_report_build). */
struct ld_report {
    char school_id[LD_CENTRAL_ID_MAX + 1];
    char school_name[LD_CENTRAL_SCHOOL_NAME_MAX + 1];
    ld_date as_of;
    struct ld_sessions sessions;
    struct ld_config_reason reasons[LD_CONFIG_MAX_REASONS];
    size_t reason_count;
    char timezone[LD_CONFIG_TZ_MAX + 1];
    struct ld_roster roster;
    struct ld_calendar_file calfile;
    struct ld_calendar *cal;
    struct ld_central_marks marks;
    struct ld_central_event *events; /* the whole log of the school, in global order */
    size_t nevents;
    struct ld_report_arrival *arrivals; /* by local time */
    size_t narrivals;
    struct ld_school *school;
    struct ld_result *result;
    long *result_of_pupil; /* roster index -> result index */
    bool has_mis_marks;
    /* Bad rows of the log left out (ld_central_skipped), the first LD_CENTRAL_SKIPS_KEPT named. */
    size_t nskipped;
    struct ld_central_skip skipped[LD_CENTRAL_SKIPS_KEPT];
};

/*
 * Reads school (NULL: the store's only school) from the open central store c (as admin): its
 * roster, calendar, settings, MIS marks and every event, then runs the core as of as_of (a
 * negative value: today in the school's time zone). On success *out is the caller's, to free
 * with ld_report_free. Errors name the store, the part and the row.
 */
LD_MUST_CHECK ld_err ld_report_load(struct ld_central *c, const char *school, ld_date as_of,
                                    struct ld_report **out, char *msg, size_t msglen);

/* Frees r; accepts NULL. */
void ld_report_free(struct ld_report *r);

/* Returns the core's result for roster pupil i, or NULL. */
const struct ld_pupil_result *ld_report_pupil_result(const struct ld_report *r, size_t i);

/* Returns the roster index of upn, or -1. */
long ld_report_find_pupil(const struct ld_report *r, const char *upn);

/* Writes "3 h 25 min", "45 min" or "0 min" for minutes into buf (at least 32 bytes). */
void ld_report_duration(int minutes, char *buf, size_t len);

/* The pages (report_html.c). */
struct ld_report_options {
    const char *out_dir;  /* created (mode 0700) when missing */
    const char *template; /* the letter template; NULL: assets/report/letter.html */
};

/*
 * Writes the site into opt->out_dir: index.html, daily.html, weekly.html, action.html,
 * pupils/UPN.html, letters.html and letters/UPN.html, and the CSV files. Files are
 * written mode 0600. Fails naming the file on any write error, and the template's line and
 * column for an unknown placeholder (before anything is written).
 */
LD_MUST_CHECK ld_err ld_report_write(const struct ld_report *r, const struct ld_report_options *opt,
                                     char *msg, size_t msglen);

/* The letter template that ships (assets/report/letter.html), found beside the binary. */
const char *ld_report_default_template(void);

/*
 * True when pupil i needs the office's attention: a pattern of lateness (not only "improving"),
 * or, once MIS marks are imported, persistent absence or an intervention stage of 1 or more.
 */
bool ld_report_needs_action(const struct ld_report *r, size_t i);

/* True when pupil i gets a letter about lateness: a pattern of lateness, not only "improving". */
bool ld_report_needs_letter(const struct ld_report *r, size_t i);

#endif
