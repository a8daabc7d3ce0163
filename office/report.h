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
 *   arrival_mode                 "late door only" or "everyone signs in" ([school])
 *   bands                        "97 = 0; 92 = amber; 0 = red": the [bands] lines on one line
 *   patterns.KEY                 the pattern thresholds, as the device's [patterns] (window_days,
 *                                frequent_min, ...); each defaults on its own
 *                                (these three read by ld_config_apply_setting, as the kiosks do)
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
    const struct ld_central_event *unvoid_ev; /* the last un-void of an earlier void, or NULL */
    const struct ld_central_event *retime_ev; /* the office's new time, when it gave the last */
    const char *reason;                       /* the reason that stands now ("" none) */
    const char *first_reason;                 /* the first reason given ("" none) */
    const struct ld_central_event *reason_ev; /* the event that gave the standing reason */
    bool amended;                             /* the standing reason replaced an earlier one */
    const char *claim;                        /* told at the door, unconfirmed ("" none) */
    struct ld_classification cls;             /* the mark this arrival alone would get */
    bool decides; /* the earliest counted arrival of its session: its mark is the register's */
    int64_t touched_seq; /* the highest global_seq of it and every correction of it */
};

/*
 * A session where the MIS's mark and the kiosks disagree (docs/office.md, "Conflicts"): the
 * mark wins in the figures, and the office is told what to change where.
 */
struct ld_report_conflict {
    long pupil; /* roster index */
    ld_date date;
    enum ld_session_id session;
    enum ld_code mark;                       /* the MIS's code */
    const struct ld_report_arrival *arrival; /* the kiosk's arrival that disagrees */
    bool voided; /* the office voided it; the MIS still has a late mark */
};

/* What the first-day calling list is built from (only real evidence). */
enum ld_report_call_basis {
    LD_REPORT_CALLS_NONE = 0, /* today's register is not in yet: nobody is listed */
    LD_REPORT_CALLS_MIS,      /* today's MIS marks */
    LD_REPORT_CALLS_SIGN_IN,  /* everyone signs in, and the morning register has closed */
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
    ld_minute as_of_minute;  /* the present minute of a report of today; -1: the whole day */
    ld_date registers_until; /* the last day of imported MIS marks (when has_mis_marks) */
    bool everyone_signs_in;  /* the school's arrival mode (setting arrival_mode) */
    char languages[LD_CENTRAL_SETTING_VALUE_MAX +
                   1]; /* the home languages set at the centre (kiosk.languages), "" none */
    struct ld_band bands[LD_BANDS_MAX]; /* setting bands: the school's intervention bands */
    size_t band_count;
    struct ld_pattern_rules patterns;     /* settings patterns.*: the school's thresholds */
    struct ld_report_conflict *conflicts; /* by date, session, pupil */
    size_t nconflicts;
    enum ld_report_call_basis call_basis;
    /* Bad rows of the log left out (ld_central_skipped), the first LD_CENTRAL_SKIPS_KEPT named. */
    size_t nskipped;
    struct ld_central_skip skipped[LD_CENTRAL_SKIPS_KEPT];
};

/*
 * Reads school (NULL: the store's only school) from the open central store c (as admin): its
 * roster, calendar, settings, MIS marks and every event, then runs the core as of as_of (a
 * negative value: today in the school's time zone): today as of the present minute, a day in
 * the past as a whole day; a day in the future is refused (LD_ERR_INVALID). Registers are known
 * up to the last day of the MIS marks, and not at all before an import. On success *out is the
 * caller's, to free with ld_report_free. Errors name the store, the part and the row.
 */
/*
 * Reads school settings s as ld_report_load reads them (sessions, reasons, and the arrival mode,
 * bands and thresholds through the kiosks' own ld_config_apply_setting), keeping nothing: LD_OK,
 * or the error ld_report_load would give with its message naming the setting ("settings: KEY:
 * problem"). The office app checks a technician's change with it before storing it.
 */
LD_MUST_CHECK ld_err ld_report_check_settings(const struct ld_central_settings *s, char *msg,
                                              size_t msglen);

LD_MUST_CHECK ld_err ld_report_load(struct ld_central *c, const char *school, ld_date as_of,
                                    struct ld_report **out, char *msg, size_t msglen);

/*
 * As ld_report_load, as of minute (0..1439) of day, or of the whole of day when minute is -1:
 * sessions whose register has not closed by then are open, arrivals after it are left out.
 * ld_report_load takes the present minute for today, the whole day for a day in the past, and
 * refuses a day in the future (LD_ERR_INVALID).
 */
LD_MUST_CHECK ld_err ld_report_load_at(struct ld_central *c, const char *school, ld_date day,
                                       ld_minute minute, struct ld_report **out, char *msg,
                                       size_t msglen);

/*
 * Writes into note (at least 200 bytes) what the MIS holds for the session of the arrival
 * (device, seq) of school, so that an office correction says the MIS must be changed too:
 * "the MIS has L for Mon 30 Nov am: change it there too"; "" when it has no mark for that
 * session. The session is the arrival's as recorded (a clock repair is not looked for).
 */
LD_MUST_CHECK ld_err ld_report_mis_note(struct ld_central *c, const char *school,
                                        const char *device, int64_t seq, char *note, size_t notelen,
                                        char *msg, size_t msglen);

/* Frees r; accepts NULL. */
void ld_report_free(struct ld_report *r);

/* Returns the core's result for roster pupil i, or NULL. */
const struct ld_pupil_result *ld_report_pupil_result(const struct ld_report *r, size_t i);

/* Writes the arrivals of day: r->arrivals[*first .. *end). */
void ld_report_arrivals_of_day(const struct ld_report *r, ld_date day, size_t *first, size_t *end);

/*
 * True when arrival a is of a pupil of the roster who was on roll that day (the roster's
 * admission and leaving days): the MIS has no register for anyone else, so nothing is sent of it.
 */
bool ld_report_arrival_on_roll(const struct ld_report *r, const struct ld_report_arrival *a);

/* Returns the roster index of upn, or -1. */
long ld_report_find_pupil(const struct ld_report *r, const char *upn);

/*
 * The half-term of r's calendar that r->as_of falls in, or the last one begun before it (in a
 * holiday, the one just ended): its first day, its last day up to as_of, its name (r's). False
 * when no half-term has begun. The Classes page ranks the classes over it.
 */
bool ld_report_half_term(const struct ld_report *r, ld_date *first, ld_date *last,
                         const char **name);

/*
 * Writes what the school's registers cover into buf (at least 64 bytes): "registers known up to
 * Fri 27 Nov" after an MIS import, else "no register data yet".
 */
void ld_report_registers_text(const struct ld_report *r, char *buf, size_t len);

/* Writes pupil p's stage as the school names it ("2", "amber") into buf (at least 40 bytes). */
void ld_report_stage_text(const struct ld_pupil_result *p, char *buf, size_t len);

/* Writes "Fri 27 Nov" for d into buf (at least 16 bytes). */
void ld_report_short_date(ld_date d, char *buf, size_t len);

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

/*
 * The letter template that ships: $LATEDOOR_ASSETS/report/letter.html when that is set, the
 * source tree's assets/report/letter.html for a binary run from its build tree, else the
 * installed /usr/share/latedoor/report/letter.html. The path is in static storage.
 */
const char *ld_report_default_template(void);

/*
 * (The office application, branch office-app.) Renders the page name of the site ("index.html",
 * "daily.html", "weekly.html", "action.html", "pupils/UPN.html") into out, without the document's
 * head and navigation, for the office application to wrap, or one of its CSV files
 * ("late-log.csv", "weekly-classes.csv", "action.csv", "mis-export.csv") whole: the same as the
 * static site's,
 * with the late log of day (any date) and a "Correct" link on each of its arrivals. Relative
 * links are the static site's, so the application serves its pages at the same names.
 * LD_ERR_NOT_FOUND for an unknown page or pupil.
 */
struct ld_buf;
/*
 * (The office application.) Appends a table of every arrival of roster pupil i, newest first,
 * voided and amended ones included, as the late log shows them, each with its "Correct" link.
 */
LD_MUST_CHECK ld_err ld_report_pupil_arrivals(const struct ld_report *r, size_t i,
                                              struct ld_buf *out);
/* The pages' style sheet, for the office application to serve. */
const char *ld_report_css(void);
LD_MUST_CHECK ld_err ld_report_page(const struct ld_report *r, const char *name, ld_date day,
                                    struct ld_buf *out, char *msg, size_t msglen);

/*
 * True when pupil i needs the office's attention: a pattern of lateness (not only "improving"),
 * or, once MIS marks are imported, persistent absence or an intervention stage of 1 or more.
 */
bool ld_report_needs_action(const struct ld_report *r, size_t i);

/* True when pupil i gets a letter about lateness: a pattern of lateness, not only "improving". */
bool ld_report_needs_letter(const struct ld_report *r, size_t i);

/* How much pupil i needs the office, most first: the action list's order (docs/office.md). */
enum ld_report_need {
    LD_NEED_NONE = 0,
    LD_NEED_SEVERE,          /* severe absence: missed half or more */
    LD_NEED_PERSISTENT,      /* persistent absence: missed 10 % or more */
    LD_NEED_FLAGGED_PATTERN, /* CP, LAC or CIN, and a pattern of lateness */
    LD_NEED_PATTERN,         /* a pattern of lateness */
    LD_NEED_STAGE,           /* an intervention stage of 1 or more */
};

/* Returns pupil i's most pressing need (absence counts only once MIS marks are imported). */
enum ld_report_need ld_report_need_of(const struct ld_report *r, size_t i);

/* True when pupil i needs attention about attendance: severe, persistent or a stage of 1+. */
bool ld_report_needs_attendance(const struct ld_report *r, size_t i);

/* A short phrase for a need: "severe absence", "child protection and a lateness pattern", ... */
const char *ld_report_need_text(const struct ld_report *r, size_t i);

/*
 * Writes into order (room for the roster's count) the roster indexes of every pupil needing
 * action, most pressing first: by need; within a lateness need more late sessions first, within
 * an absence need lower attendance first; then surname, first name and UPN. Writes *n.
 */
void ld_report_priority_order(const struct ld_report *r, size_t *order, size_t *n);

/* The first-day calling list as the office may act on it: empty without real evidence. */
size_t ld_report_call_count(const struct ld_report *r);

/*
 * Writes what the calling list is built from into buf (at least 160 bytes): "from today's MIS
 * marks", or why nobody is listed: "today's register is not in yet; last MIS marks: Fri 27 Nov".
 */
void ld_report_call_basis_text(const struct ld_report *r, char *buf, size_t len);

/* ---- the MIS export of what changed (mis_export.c) ---- */

/*
 * Reads when school's MIS changes were last exported (the central store's office records, kind
 * LD_OREC_MIS_EXPORT): the last event's global_seq then and the moment; both 0 when never.
 */
LD_MUST_CHECK ld_err ld_mis_export_last(struct ld_central *c, const char *school,
                                        int64_t *global_seq, int64_t *at_ms, char *msg,
                                        size_t msglen);

/* Records that school's MIS changes were exported up to global_seq at at_ms. Admin only. */
LD_MUST_CHECK ld_err ld_mis_export_mark(struct ld_central *c, const char *school,
                                        int64_t global_seq, int64_t at_ms, char *msg,
                                        size_t msglen);

/*
 * Writes to csv the sessions up to r's day that changed after global_seq since: a new late
 * arrival, or any correction (reason, void, un-void, new time) of an arrival. One row a session
 * (UPN, Date, Session, Code, Minutes Late, Reason, Change): the kiosks' mark that stands now
 * ("new" or "changed"), or no code and "no late mark" when none stands any more (the register's
 * own mark is then right). Its number in *rows.
 */
void ld_mis_export_changes(const struct ld_report *r, int64_t since, struct ld_buf *csv,
                           size_t *rows);

/* The global_seq r was read up to: what ld_mis_export_mark records after an export of r. */
int64_t ld_mis_export_upto(const struct ld_report *r);

#endif
