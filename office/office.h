/* office.h: the office's side of the central store: corrections, MIS marks in and out. */
#ifndef LD_OFFICE_H
#define LD_OFFICE_H

#include <stddef.h>
#include <stdint.h>

#include "central.h"
#include "config.h"
#include "roster.h"

/* ---- corrections (office.c) ---- */

enum ld_office_action {
    LD_OFFICE_AMEND = 1, /* a new reason for an arrival */
    LD_OFFICE_VOID,      /* the arrival is to be ignored */
    LD_OFFICE_UNVOID,    /* the voids of the arrival no longer count: a void of each void */
    LD_OFFICE_RETIME,    /* the arrival really happened at another time of its day */
};

/*
 * Records the office's correction of the arrival (ref_device, ref_seq) of school as an event of
 * the school's office pseudo-device "office.SCHOOL" (registered on first use, with no password
 * anyone keeps), source LD_CSRC_OFFICE, by staff (a staff id as the kiosks' stores take them:
 * 1..LD_STAFF_ID_MAX of letters, digits and . _ @ -, such as "j.fenwick"), at now_ms: a reason
 * event (text = the new reason, required), a void (text = an optional note), an un-void (a void
 * whose ref is each void of the arrival that stands, text = an optional note: the void it names
 * no longer counts) or a retime (a clock_repair event whose fixed_at_ms is text, "HH:MM" or
 * "YYYY-MM-DD HH:MM" on the arrival's own day in the school's time zone, not after now_ms). It
 * reaches the kiosks through their normal pull like any other device's event. LD_ERR_NOT_FOUND
 * for no such event, LD_ERR_INVALID when it is not an arrival of school, is already voided (for
 * un-void: is not voided; for amend: has that reason already; for retime: has that time already,
 * or the time is bad, on another day or in the future), or for a bad text or staff name.
 * Fills *made (may be NULL; for an un-void, the last event made). Admin only.
 */
LD_MUST_CHECK ld_err ld_office_correct(struct ld_central *c, const char *school,
                                       enum ld_office_action action, const char *ref_device,
                                       int64_t ref_seq, const char *text, const char *staff,
                                       int64_t now_ms, struct ld_central_event *made, char *msg,
                                       size_t msglen);

/*
 * Checks what ld_office_correct would check, recording nothing: for the confirmation before a
 * correction is saved, so that a refusal (a time in the future, say) is said before, not after.
 */
LD_MUST_CHECK ld_err ld_office_check(struct ld_central *c, const char *school,
                                     enum ld_office_action action, const char *ref_device,
                                     int64_t ref_seq, const char *text, const char *staff,
                                     int64_t now_ms, char *msg, size_t msglen);

/* Writes the office pseudo-device id of school into out; LD_ERR_RANGE when it would be too long. */
LD_MUST_CHECK ld_err ld_office_device(const char *school, char out[LD_CENTRAL_ID_MAX + 1],
                                      char *msg, size_t msglen);

/* ---- the school's rules at the centre (office.c) ---- */

/* The settings ld_office_rules_of makes at most. */
#define LD_OFFICE_RULES_MAX (8 + LD_CONFIG_MAX_REASONS + 9)

/*
 * Writes the settings ld_office_put_rules stores for cfg into s (room for LD_OFFICE_RULES_MAX)
 * and their count to *n: the values the office app's Settings page shows and edits.
 */
LD_MUST_CHECK ld_err ld_office_rules_of(const struct ld_config *cfg, struct ld_central_setting *s,
                                        size_t *n, char *msg, size_t msglen);

/*
 * Writes what the report needs of a device config to school's central settings, keeping any
 * other key: "timezone", "arrival_mode", "sessions.am_start", "sessions.am_register_closes",
 * "sessions.pm_start", "sessions.pm_register_closes", "reason.1" ... "reason.N" ("Medical
 * appointment = -, M"), "bands" ("97 = 0; 92 = amber; 0 = red") and "patterns.window_days" and
 * the other thresholds, as the kiosks read them (ld_config_apply_setting); earlier reason.*
 * keys are replaced. Writes *changed (may be NULL). Admin only.
 */
LD_MUST_CHECK ld_err ld_office_put_rules(struct ld_central *c, const char *school,
                                         const struct ld_config *cfg, bool *changed, char *msg,
                                         size_t msglen);

/* ---- the rules and calendar changed by a technician in the office app (rules_edit.c) ---- */

#define LD_OFFICE_RULE_KEYS 16
/* The settings the office app changes one by one: arrival_mode, the four sessions.* times,
 * bands and the nine patterns.* thresholds (the reasons are "reason.1" ... "reason.N"). */
extern const char *const ld_office_rule_keys[LD_OFFICE_RULE_KEYS];

#define LD_OFFICE_CHANGE_KEY_MAX 80

/* One setting, half-term or closed day that a change makes different: "" for none. */
struct ld_office_change {
    char key[LD_OFFICE_CHANGE_KEY_MAX + 1]; /* "bands", "terms.Autumn 1", "closed.2026-11-11" */
    char before[LD_CENTRAL_SETTING_VALUE_MAX + 1];
    char after[LD_CENTRAL_SETTING_VALUE_MAX + 1];
};

/* What a change makes different, and the version of what it was made on (or, saved, the new). */
struct ld_office_changes {
    struct ld_office_change *items;
    size_t count;
    int64_t version;
};

void ld_office_changes_free(struct ld_office_changes *ch);

/*
 * Makes school's settings with edits (n pairs; keys from ld_office_rule_keys or "reason.N"; when
 * any is a reason, the edits' reasons replace every stored one) over the stored ones, and checks
 * the whole as the report and the kiosks read it (ld_report_check_settings): on a problem returns
 * its error with a message naming the setting, writing nothing. On success *merged (free with
 * ld_central_settings_free) is the whole new list and *ch (ld_office_changes_free) what differs,
 * with the stored version it was made on. Reads only.
 */
LD_MUST_CHECK ld_err ld_office_rules_preview(struct ld_central *c, const char *school,
                                             const struct ld_central_setting *edits, size_t n,
                                             struct ld_central_settings *merged,
                                             struct ld_office_changes *ch, char *msg,
                                             size_t msglen);

/*
 * Checks edits again as ld_office_rules_preview and, when the stored settings are still at
 * version (else LD_ERR_STATE: someone changed them meanwhile), stores the whole in one put (its
 * version goes up: the kiosks pull it at their next sync) and writes one audit line a change as
 * by at now_ms. *ch is what changed (none: nothing written) with the version now. Admin only.
 */
LD_MUST_CHECK ld_err ld_office_rules_save(struct ld_central *c, const char *school,
                                          const struct ld_central_setting *edits, size_t n,
                                          int64_t version, const char *by, int64_t now_ms,
                                          struct ld_office_changes *ch, char *msg, size_t msglen);

struct ld_buf;
/* Appends cal as the text of a calendar file ([terms], then [closed]). */
void ld_office_calendar_text(const struct ld_calendar_file *cal, struct ld_buf *out);

/*
 * As ld_office_rules_preview, for school's calendar given as the text of a calendar file, read
 * by the file's own parser and the core's rules (messages "calendar:LINE: terms.NAME: problem");
 * *out is the parsed calendar (ld_calendar_file_free).
 */
LD_MUST_CHECK ld_err ld_office_calendar_preview(struct ld_central *c, const char *school,
                                                const char *text, struct ld_calendar_file *out,
                                                struct ld_office_changes *ch, char *msg,
                                                size_t msglen);

/* As ld_office_rules_save, for the calendar text. */
LD_MUST_CHECK ld_err ld_office_calendar_save(struct ld_central *c, const char *school,
                                             const char *text, int64_t version, const char *by,
                                             int64_t now_ms, struct ld_office_changes *ch,
                                             char *msg, size_t msglen);

/* ---- MIS marks (mis_import.c) ---- */

#define LD_MIS_FILE_MAX (128u << 20) /* bytes of a marks file */
#define LD_MIS_ROW_MAX  1024         /* bytes of one row */

/*
 * Reads an MIS attendance export (CSV via libcsv, RFC 4180 read strictly, a UTF-8 BOM and CRLF
 * allowed). The header names the columns, found like the roster's (case, blanks, '_' and '-'
 * ignored, any order, unknown ones ignored):
 *   UPN       "UPN", "Unique Pupil Number"
 *   date      "Date": YYYY-MM-DD or DD/MM/YYYY
 *   session   "Session", "AM/PM": AM or PM (any case)
 *   code      "Code", "Mark": a 2024 attendance code as written ("/", "\", "L", "C1", ...)
 *   minutes   "Minutes", "Minutes Late", "Mins Late": whole minutes 0..1440, or empty
 * Every row is checked; the UPN must be on roster (when not NULL); a pupil, date and session
 * given twice is an error naming both lines. All or nothing: on any error returns LD_ERR_INVALID,
 * LD_ERR_RANGE, LD_ERR_DUPLICATE, LD_ERR_NOT_FOUND or LD_ERR_IO with one message naming
 * "file:line:column (Column)" and leaves *out NULL. On success *out (free()) holds *n marks.
 */
LD_MUST_CHECK ld_err ld_mis_marks_parse_csv(const char *path, const struct ld_roster *roster,
                                            struct ld_central_mark **out, size_t *n, char *msg,
                                            size_t msglen);

/* As ld_mis_marks_parse_csv, for len bytes in memory called name. */
LD_MUST_CHECK ld_err ld_mis_marks_parse_buffer(const char *data, size_t len, const char *name,
                                               const struct ld_roster *roster,
                                               struct ld_central_mark **out, size_t *n, char *msg,
                                               size_t msglen);

#endif
