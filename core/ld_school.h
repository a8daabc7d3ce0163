/* ld_school.h: the attendance engine: pupils, marks and arrivals in; figures and patterns out. */
#ifndef LD_SCHOOL_H
#define LD_SCHOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_attendance.h"
#include "ld_calendar.h"
#include "ld_codes.h"
#include "ld_date.h"
#include "ld_err.h"
#include "ld_patterns.h"
#include "ld_session.h"

/* Caps on what one school may hold (bytes, without the terminator; counts). */
#define LD_PUPIL_ID_MAX       64
#define LD_CLASS_NAME_MAX     32
#define LD_FAMILY_ID_MAX      64
#define LD_REASON_NAME_MAX    64
#define LD_SCHOOL_MAX_PUPILS  100000
#define LD_SCHOOL_MAX_REASONS 64
#define LD_SCHOOL_MAX_RECORDS 20000000 /* marks, and arrivals, each */

/*
 * A school's rules and records. Build it with the add functions (reasons before arrivals),
 * then analyse it as of any date. Not thread-safe while being built; analysis only reads it.
 */
struct ld_school;

/*
 * Creates a school over cal (borrowed: it must outlive the school) with the given sessions
 * (copied; checked with ld_sessions_check) and the default rules and bands. On success *out
 * becomes the caller's, to free with ld_school_destroy.
 */
LD_MUST_CHECK ld_err ld_school_create(const struct ld_calendar *cal,
                                      const struct ld_sessions *sessions, struct ld_school **out);

/* Frees school; accepts NULL. Results of ld_school_analyse must be destroyed first. */
void ld_school_destroy(struct ld_school *school);

/* Replaces the pattern thresholds (checked with ld_pattern_rules_check). */
LD_MUST_CHECK ld_err ld_school_set_rules(struct ld_school *school,
                                         const struct ld_pattern_rules *rules);

/* Replaces the intervention bands (copied; checked with ld_bands_check). */
LD_MUST_CHECK ld_err ld_school_set_bands(struct ld_school *school, const struct ld_band *bands,
                                         size_t n);

/*
 * Adds a reason whose arrivals take other codes (copied). LD_ERR_DUPLICATE for a name given
 * twice, LD_ERR_STATE once any arrival has been added, LD_ERR_RANGE past the caps.
 */
LD_MUST_CHECK ld_err ld_school_add_reason(struct ld_school *school, const char *name,
                                          const struct ld_reason_rule *rule);

/*
 * Adds a pupil (strings copied; class_name and family may be NULL or "" for none; flags are
 * enum ld_flag bits). LD_ERR_DUPLICATE for an id already added, LD_ERR_INVALID for an empty
 * id, LD_ERR_RANGE for a string over its cap or too many pupils.
 */
LD_MUST_CHECK ld_err ld_school_add_pupil(struct ld_school *school, const char *id,
                                         const char *class_name, const char *family,
                                         unsigned flags);

/*
 * Sets the days a pupil is on roll (analyse contract, version 2: pupils[].on_roll): from its
 * admission day *from to its last day *to, both inclusive; NULL for an open end. On other days
 * every session is Z and the pupil's marks and arrivals are ignored. LD_ERR_NOT_FOUND for an
 * unknown pupil, LD_ERR_INVALID when from is after to. A pupil starts on roll every day.
 */
LD_MUST_CHECK ld_err ld_school_set_on_roll(struct ld_school *school, const char *id,
                                           const ld_date *from, const ld_date *to);

/* Returns true when a pupil with this id has been added. */
bool ld_school_has_pupil(const struct ld_school *school, const char *id);

/*
 * Adds an explicit register mark; minutes is the late minutes, or -1 when none was given.
 * LD_ERR_NOT_FOUND for an unknown pupil, LD_ERR_DUPLICATE for a second mark of the same
 * pupil, day and session (on any day), LD_ERR_INVALID for LD_CODE_NONE or minutes over 1440.
 * Marks on days that are not school days are kept but never count.
 */
LD_MUST_CHECK ld_err ld_school_add_mark(struct ld_school *school, const char *pupil, ld_date date,
                                        enum ld_session_id session, enum ld_code code, int minutes);

/*
 * Adds a late-door arrival at local date and minute with an optional reason (NULL or "" for
 * none; a name with no reason rule changes nothing). LD_ERR_NOT_FOUND for an unknown pupil.
 */
LD_MUST_CHECK ld_err ld_school_add_arrival(struct ld_school *school, const char *pupil,
                                           ld_date date, ld_minute minute, const char *reason);

/* One pupil's figures as of the analysis date. Strings belong to the school. */
struct ld_pupil_result {
    const char *id;
    const char *class_name; /* "" when none */
    const char *family;     /* "" when none */
    unsigned flags;
    struct ld_attendance attendance;
    bool has_stage; /* false when there is no percentage or no band matches */
    int stage;
    int band;                /* the matching band's position in the school's list, or -1 */
    const char *stage_label; /* the band's label ("amber"), "" for a numbered stage or none */
    int unknown;             /* sessions up to as_of that are "-": not known yet */
    int late_l, late_u;      /* sessions marked L and U */
    int late_minutes;        /* minutes late over those sessions */
    size_t npatterns;
    struct ld_pattern patterns[LD_PATTERNS_MAX];
};

struct ld_class_result {
    const char *name;
    int pupils;
    int late_sessions; /* L and U in the school days from Monday to as_of of as_of's week */
};

/*
 * A herringbone: ten cells a week, Mon am ... Fri pm; LD_CODE_NONE for no school day or a day
 * after as_of, LD_CODE_UNKNOWN for a session not known yet.
 */
struct ld_herringbone_week {
    ld_date week_start;
    enum ld_code cells[10];
};

struct ld_herringbone {
    struct ld_herringbone_week *weeks;
    size_t nweeks;
};

/*
 * A session where an explicit mark and the pupil's earliest arrival disagree (the mark wins;
 * someone should put one of them right). Strings belong to the school.
 */
struct ld_conflict {
    const char *pupil;
    ld_date date;
    enum ld_session_id session;
    enum ld_code mark;         /* the explicit mark */
    ld_minute arrival;         /* the earliest arrival in the session */
    enum ld_code arrival_code; /* what rule 2 makes of that arrival */
    int arrival_minutes;       /* its late minutes when arrival_code is L or U, else 0 */
};

/* The analysis of a school as of one date. It borrows the school, which must outlive it. */
struct ld_result;

/* No time in an ld_as_of: the analysis stands at the end of its day. */
#define LD_AS_OF_NO_TIME (-1)

/* A registers_until before every day: no day's full register is known (no MIS marks at all). */
#define LD_NO_REGISTERS INT32_MIN

/*
 * When an analysis stands and what it knows (analyse contract, version 2). Fill it with
 * ld_as_of_day, then set a time or an earlier registers_until.
 */
struct ld_as_of {
    ld_date date; /* nothing after this day counts */
    /*
     * The present minute of date, or LD_AS_OF_NO_TIME. With a time, arrivals after that minute
     * are ignored, and a session of date whose register closes later is open: with no mark and
     * no arrival it is "-", not present.
     */
    ld_minute minute;
    /*
     * The last day whose full registers are known (the day MIS marks were exported up to). On
     * later days a session with no mark and no arrival is "-" (not known), never present: the
     * kiosk, which has no MIS marks, passes the day before today (or today's date in a school
     * where everyone signs in and the product adds N marks).
     */
    ld_date registers_until;
};

/* Fills when for a whole day: no time, registers known up to date (version 1's meaning). */
void ld_as_of_day(ld_date date, struct ld_as_of *when);

/*
 * Decides every pupil's mark for every session of every school day up to when->date (the
 * contract's rules: on_roll, then 1 to 4) and computes the figures, patterns, calling order,
 * conflicts and class table. LD_ERR_INVALID for a minute outside 0..1439 other than
 * LD_AS_OF_NO_TIME. On success *out becomes the caller's, to free with ld_result_destroy.
 */
LD_MUST_CHECK ld_err ld_school_analyse_at(const struct ld_school *school,
                                          const struct ld_as_of *when, struct ld_result **out);

/* ld_school_analyse_at for a whole day with registers known up to it (ld_as_of_day). */
LD_MUST_CHECK ld_err ld_school_analyse(const struct ld_school *school, ld_date as_of,
                                       struct ld_result **out);

/* Frees result; accepts NULL. */
void ld_result_destroy(struct ld_result *result);

/* Returns the number of pupils. */
size_t ld_result_pupil_count(const struct ld_result *r);

/* Returns pupil i in order of id (byte order); i must be below the count. */
const struct ld_pupil_result *ld_result_pupil(const struct ld_result *r, size_t i);

/* Returns the position of the pupil with this id in id order, or -1. */
long ld_result_find(const struct ld_result *r, const char *id);

/*
 * Reads the decided mark of pupil i (id order) for a date and session: true with *code and
 * *minutes (late minutes, 0 when not late) when date is a school day on or before as_of. The
 * code may be Z (not on roll) or LD_CODE_UNKNOWN ("-": not known yet).
 */
bool ld_result_mark(const struct ld_result *r, size_t i, ld_date date, enum ld_session_id session,
                    enum ld_code *code, int *minutes);

/* The first-day-calling list: pupils whose am mark on as_of is N, CP, LAC, CIN, SC, others. */
size_t ld_result_call_count(const struct ld_result *r);
const struct ld_pupil_result *ld_result_call(const struct ld_result *r, size_t i);

/*
 * The conflicts: sessions up to as_of (a school day, the pupil on roll, the arrival not after
 * the as_of time) whose explicit mark differs from what rule 2 makes of the earliest arrival;
 * by date, am before pm, then pupil id.
 */
size_t ld_result_conflict_count(const struct ld_result *r);
const struct ld_conflict *ld_result_conflict(const struct ld_result *r, size_t i);

/* Every class, by late sessions per pupil ascending, then by name. */
size_t ld_result_class_count(const struct ld_result *r);
const struct ld_class_result *ld_result_class(const struct ld_result *r, size_t i);

/*
 * Builds pupil i's herringbone: one row per week from the week of the calendar's first school
 * day to the week of as_of. On success out->weeks is the caller's: free with
 * ld_herringbone_free.
 */
LD_MUST_CHECK ld_err ld_result_herringbone(const struct ld_result *r, size_t i,
                                           struct ld_herringbone *out);

/* Frees the weeks of h and zeroes it; accepts NULL. */
void ld_herringbone_free(struct ld_herringbone *h);

#endif
