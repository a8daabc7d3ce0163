/* roster.h: a school roster as read from an MIS export, validated, before it reaches a store. */
#ifndef LD_ROSTER_H
#define LD_ROSTER_H

#include <stddef.h>

#include <stdbool.h>

#include "ld_date.h"
#include "ld_err.h"
#include "uid.h"

/* Caps on every field that outside input can fill (bytes of UTF-8, without the terminator). */
#define LD_UPN_LEN    13
#define LD_NAME_MAX   64
#define LD_YEAR_MAX   8
#define LD_CLASS_MAX  40 /* "Year 3 - Oak Class": store schema 2 allows 40 */
#define LD_FAMILY_MAX 32
/* The most pupils one roster may hold: far above any primary school. */
#define LD_ROSTER_MAX_PUPILS 20000

/* One pupil row, every string NUL-terminated, valid UTF-8 and within its cap. */
struct ld_roster_pupil {
    char upn[LD_UPN_LEN + 1];
    char legal_first[LD_NAME_MAX + 1];
    char legal_last[LD_NAME_MAX + 1];
    char preferred_first[LD_NAME_MAX + 1]; /* the legal first name when the file has none */
    char preferred_last[LD_NAME_MAX + 1];  /* the legal surname when the file has none */
    char year[LD_YEAR_MAX + 1];            /* year group as the MIS writes it: "R", "4" */
    char class_name[LD_CLASS_MAX + 1];     /* registration group */
    char family[LD_FAMILY_MAX + 1];        /* may be empty */
    unsigned flags;                        /* enum ld_flag bits */
    struct ld_uid card;                    /* card.len == 0: no card */
    bool has_admitted, has_left;           /* false: the file gives no such date */
    ld_date admitted;                      /* first day on roll (admission) */
    ld_date left;                          /* last day on roll (leaving); not before admitted */
    unsigned line;                         /* line of the file the row came from */
};

/* A whole roster. Owned by the caller; free with ld_roster_free. */
struct ld_roster {
    struct ld_roster_pupil *pupils;
    size_t count;
};

/* Frees the pupils of roster and zeroes it; accepts NULL. */
void ld_roster_free(struct ld_roster *roster);

/*
 * Reading an MIS export (roster_csv.c). The first row is a header; columns are found by name,
 * case, spaces, '_' and '-' ignored, in any order, unknown ones ignored:
 *   UPN            "UPN", "Unique Pupil Number"                                    (required)
 *   legal first    "Legal Forename", "Forename", "First Name", "Legal First Name"   (required)
 *   legal surname  "Legal Surname", "Surname", "Last Name", "Legal Last Name"        (required)
 *   preferred      "Preferred Forename", "Preferred First Name", "Known As"; "Preferred Surname"
 *   year           "Year", "Year Group", "NC Year"
 *   class          "Reg Group", "Registration Group", "Class", "Form"                (required)
 *   family         "Family", "Family ID"
 *   flags          "Flags", "Vulnerability": CP LAC CIN SC PP SEN, any case, split by ';' ','
 *                  or blanks
 *   card           "Card", "Card UID", "Card Number": hex, ':' '-' or ' ' between bytes allowed
 *   admitted       "Admission Date", "Date of Admission", "Start Date", "Entry Date",
 *                  "Date of Entry", "Admitted" (SIMS, Arbor, Bromcom)
 *   left           "Date of Leaving", "Leaving Date", "Leave Date", "Date Left", "End Date",
 *                  "Left" (SIMS, Arbor, Bromcom)
 *                  dates are YYYY-MM-DD or DD/MM/YYYY (a day or month of one digit too, and a
 *                  time after a blank, as spreadsheets add, is dropped); empty: none. A leaving
 *                  date before the admission date is an error.
 * A UPN is a check letter and 12 digits, or 11 digits and a letter (a temporary UPN); lower
 * case is raised. A wrong check letter is a warning, anything else wrong an error.
 * RFC 4180 quoting (read strictly), a UTF-8 BOM and CRLF line ends are accepted; rows that are
 * blank or all empty cells are skipped. Every field kept must be valid UTF-8 without control
 * characters and within its cap; each row must have as many cells as the header.
 */
#define LD_ROSTER_ROW_MAX      4096 /* bytes of a row (quoted line breaks too) besides its end */
#define LD_ROSTER_FILE_MAX     (32u << 20) /* bytes of a whole file: 32 MiB */
#define LD_ROSTER_MAX_WARNINGS 200         /* warnings kept; more are only counted */
#define LD_ROSTER_WARNING_LEN  200         /* bytes of one warning's text */

/* Something worth a look that does not stop the import (a wrong UPN check letter). */
struct ld_roster_warning {
    unsigned line;
    char text[LD_ROSTER_WARNING_LEN]; /* "roster.csv:12: column 1 (UPN): ..." */
};

struct ld_roster_warnings {
    struct ld_roster_warning *items;
    size_t count;   /* kept, at most LD_ROSTER_MAX_WARNINGS */
    size_t dropped; /* found beyond that */
};

/* Frees the warnings of w and zeroes it; accepts NULL. */
void ld_roster_warnings_free(struct ld_roster_warnings *w);

/*
 * Reads the CSV file at path into *out, all or nothing. A malformed UPN, a duplicate UPN or
 * card, a bad cell, a row over LD_ROSTER_ROW_MAX bytes, more than LD_ROSTER_MAX_PUPILS rows or
 * a file over LD_ROSTER_FILE_MAX bytes rejects the whole file: the call returns LD_ERR_INVALID,
 * LD_ERR_RANGE, LD_ERR_DUPLICATE (content), LD_ERR_NOT_FOUND or LD_ERR_IO (the file) or
 * LD_ERR_NOMEM, writes one message naming the place into msg ("roster.csv:1207: column 3 (Legal
 * Surname): not valid UTF-8"; duplicates name both lines) and leaves *out and *warn empty. On
 * success *out holds the pupils in file order and *warn (when not NULL) the warnings; both are the
 * caller's to free.
 */
LD_MUST_CHECK ld_err ld_roster_parse_csv(const char *path, struct ld_roster *out,
                                         struct ld_roster_warnings *warn, char *msg, size_t msglen);

/* As ld_roster_parse_csv, for len bytes of CSV in memory called name (for messages). */
LD_MUST_CHECK ld_err ld_roster_parse_csv_buffer(const char *data, size_t len, const char *name,
                                                struct ld_roster *out,
                                                struct ld_roster_warnings *warn, char *msg,
                                                size_t msglen);

#endif
