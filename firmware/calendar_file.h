/* calendar_file.h: the school's half-terms and closed days, read from an INI file of their own. */
#ifndef LD_CALENDAR_FILE_H
#define LD_CALENDAR_FILE_H

#include <stddef.h>

#include "ld_calendar.h"
#include "ld_date.h"
#include "ld_err.h"

/*
 * The file has two sections, both strict like the config file (config.h):
 *
 *   [terms]                              ; name = first day .. last day, in date order
 *   Autumn 1 = 2026-09-03 .. 2026-10-23
 *   [closed]                             ; date = label (the label may be empty)
 *   2026-09-03 = INSET day
 *
 * Terms must be in date order, each ending on or after it starts and starting after the one
 * before it ends; a term longer than LD_CALFILE_TERM_MAX_DAYS is taken for a mistyped year.
 * Closed days may fall anywhere (outside terms they change nothing) but not twice, and not a year
 * or more (LD_CALFILE_CLOSED_MARGIN_DAYS) before the first term or after the last: a mistyped
 * year.
 */
#define LD_CALFILE_MAX_BYTES          65536 /* the whole file */
#define LD_CALFILE_MAX_TERMS          36    /* three school years of half-terms */
#define LD_CALFILE_MAX_CLOSED         400   /* closed days */
#define LD_CALFILE_TERM_MAX_DAYS      182   /* 26 weeks */
#define LD_CALFILE_LABEL_MAX          64    /* bytes of a closed day's label */
#define LD_CALFILE_CLOSED_MARGIN_DAYS 366   /* a closed day this far from every term is refused */

struct ld_calfile_term {
    char name[LD_TERM_NAME_MAX + 1];
    ld_date start, end; /* inclusive */
    unsigned line;      /* where the file gives it */
};

struct ld_calfile_closed {
    ld_date date;
    char label[LD_CALFILE_LABEL_MAX + 1];
    unsigned line;
};

/* A parsed calendar file: terms in file (= date) order, closed days sorted by date. */
struct ld_calendar_file {
    struct ld_calfile_term *terms;
    size_t term_count;
    struct ld_calfile_closed *closed;
    size_t closed_count;
};

/*
 * Reads the calendar file at path into *out. On failure returns LD_ERR_NOT_FOUND or LD_ERR_IO
 * (the file), LD_ERR_INVALID, LD_ERR_RANGE or LD_ERR_DUPLICATE (its content), writes a message
 * naming file:line: section.key into msg and leaves *out empty. On success *out is the
 * caller's, to free with ld_calendar_file_free.
 */
LD_MUST_CHECK ld_err ld_calendar_file_load(const char *path, struct ld_calendar_file *out,
                                           char *msg, size_t msglen);

/* As ld_calendar_file_load, for the NUL-terminated text of a file called name. */
LD_MUST_CHECK ld_err ld_calendar_file_parse_string(const char *text, const char *name,
                                                   struct ld_calendar_file *out, char *msg,
                                                   size_t msglen);

/* Frees what cal holds and zeroes it; accepts NULL. */
void ld_calendar_file_free(struct ld_calendar_file *cal);

/*
 * Builds the core's calendar object from a parsed file called name (for messages). On success
 * *out is the caller's, to free with ld_calendar_destroy; on failure (a rule of the core the
 * file broke) writes "name:line: terms.NAME: problem" into msg and sets *out to NULL.
 */
LD_MUST_CHECK ld_err ld_calendar_file_build(const struct ld_calendar_file *cal, const char *name,
                                            struct ld_calendar **out, char *msg, size_t msglen);

#endif
