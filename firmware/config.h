/* config.h: the device and school configuration file (INI, read with inih), strictly checked. */
#ifndef LD_CONFIG_H
#define LD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_attendance.h"
#include "ld_err.h"
#include "ld_patterns.h"
#include "ld_session.h"

/*
 * The file is strict: an unknown section or key, a key given twice, a bad value, a line that
 * is not `key = value` or `[section]`, bytes that are not UTF-8 or are control characters, all
 * reject the whole file with a message naming file:line: section.key. A school appliance that
 * silently ignores a misspelt `am_register_closes` would mark children with the wrong code.
 *
 * Lines may be indented; there are no continuation lines. Comments start a line with ';' or
 * '#', or follow a value after whitespace and ';'. Keys and section names are matched without
 * regard to case; values are taken as written.
 */

/* Caps on every value (bytes of UTF-8, without the terminator). */
#define LD_CONFIG_FILE_MAX    65536 /* the whole file */
#define LD_CONFIG_NAME_MAX    64    /* school.name */
#define LD_CONFIG_TZ_MAX      64    /* school.timezone */
#define LD_CONFIG_ID_MAX      32    /* device.id */
#define LD_CONFIG_CONN_MAX    128   /* reader.connstring */
#define LD_CONFIG_PATH_MAX    255   /* every path, after it is made absolute */
#define LD_CONFIG_REASON_MAX  40    /* a reason's name */
#define LD_CONFIG_MAX_REASONS 12    /* reasons a school may offer at the door */
#define LD_CONFIG_URL_MAX     511   /* central.url (the central store's LD_CENTRAL_URL_MAX - 1) */
#define LD_CONFIG_LANGS_MAX   6     /* kiosk.languages: home languages besides English */
#define LD_CONFIG_LANG_MAX    3     /* a language code: "pl" */

enum ld_device_mode {
    LD_MODE_LATE_DOOR = 0, /* "late_door": the office door after the gates close */
    LD_MODE_GATE,          /* "gate": the morning gate */
};

/* How pupils arrive: the school's choice, which decides what the device knows of a morning. */
enum ld_arrival_mode {
    LD_ARRIVAL_LATE_DOOR_ONLY = 0, /* "late door only": only late pupils tap */
    LD_ARRIVAL_EVERYONE,           /* "everyone signs in": every pupil taps at the gate */
};

enum ld_reader_driver {
    LD_READER_NFC = 0, /* "nfc": libnfc, reader.connstring ("" lets libnfc find the reader) */
    LD_READER_WEDGE,   /* "wedge": a keyboard-wedge reader at reader.path */
    LD_READER_SIM,     /* "sim": the simulator socket at reader.path */
    LD_READER_NONE,    /* "none": touch screen only */
};

/* One reason offered at the door and what it does to the mark. */
struct ld_config_reason {
    char name[LD_CONFIG_REASON_MAX + 1];
    struct ld_reason_rule rule; /* LD_CODE_NONE ("-" in the file): the mark is not changed */
};

/*
 * A whole configuration. Plain data with no pointers: copy it freely, nothing to free.
 * Defaults are listed with each field; school.name and device.id have none and must be given.
 */
struct ld_config {
    char school_name[LD_CONFIG_NAME_MAX + 1]; /* [school] name: required */
    char timezone[LD_CONFIG_TZ_MAX + 1];      /* [school] timezone: "Europe/London" */
    enum ld_arrival_mode arrival_mode;        /* [school] arrival_mode: late door only */
    struct ld_sessions sessions;              /* [sessions]: 08:50-09:20, 13:00-13:30 */
    /* [sessions] school_ends: 15:30 (kiosk-claims, issue 15): from then a tap at the kiosk is
     * told school has finished and no arrival is recorded; after pm_register_closes. */
    ld_minute school_ends;
    /*
     * [bands]: `min = stage` lines, first match wins, in the file's order ("97 = 0" or
     * "97 = green"; a stage is a whole number 0 to 99 or a name of 1 to 31 bytes, whose stage
     * number is then its position). Default: ld_bands_default (97 0, 92 1, 86 2, 0 3).
     */
    struct ld_band bands[LD_BANDS_MAX];
    size_t band_count;
    struct ld_pattern_rules patterns; /* [patterns]: ld_pattern_rules_default, each key alone */
    /* [reasons]: when the file has none, Medical appointment (-, M), Overslept, Traffic and
     * Other (-, -). */
    struct ld_config_reason reasons[LD_CONFIG_MAX_REASONS];
    size_t reason_count;
    char device_id[LD_CONFIG_ID_MAX + 1]; /* [device] id: required; letters, digits . _ - */
    enum ld_device_mode mode;             /* [device] mode: late_door */
    unsigned debounce_ms;                 /* [device] debounce_ms: 5000 (0 to 60000) */
    unsigned reason_timeout_s;            /* [device] reason_timeout_s: 20 (1 to 600) */
    enum ld_reader_driver reader;         /* [reader] driver: nfc */
    char reader_connstring[LD_CONFIG_CONN_MAX + 1]; /* [reader] connstring: "" */
    char reader_path[LD_CONFIG_PATH_MAX + 1];       /* [reader] path: "/run/latedoor/sim.sock"
                                                       for sim, else "" */
    unsigned staff_idle_lock_s;                     /* [staff] idle_lock_s: 60 (10 to 3600) */
    unsigned wedge_format;     /* [reader] wedge_format: auto (0), hex (1), decimal (2) */
    bool wedge_reversed;       /* [reader] wedge_reversed: off (UID bytes typed last first: on) */
    bool staff_lists_on_kiosk; /* [staff] lists_on_kiosk: off (speak-to, not arrived) */
    bool staff_confirm_late_touch; /* [staff] confirm_late_touch: off (on: staff confirm a touch
                                      sign-in after the morning register closes) */
    /* [kiosk] languages: "" (English only). kiosk-lang (issue 15): the home languages the
     * family-facing screens offer besides English, as codes of assets/lang/CODE.txt ("pl, ro"),
     * each 2 or 3 small letters, at most LD_CONFIG_LANGS_MAX, none twice, never "en". */
    char languages[LD_CONFIG_LANGS_MAX][LD_CONFIG_LANG_MAX + 1];
    size_t language_count;
    /* [paths]: relative paths are taken from the config file's directory. */
    char calendar_path[LD_CONFIG_PATH_MAX + 1]; /* calendar: "calendar.ini" */
    char store_path[LD_CONFIG_PATH_MAX + 1];    /* store: "/var/lib/latedoor/device.db" */
    /* [kiosk] photos (kiosk-door2, issue 15): the folder of pupils' photos by UPN shown on "Is
     * this you?"; "" (the default): none. Relative to the config file's directory. */
    char kiosk_photos[LD_CONFIG_PATH_MAX + 1];
    /*
     * [central]: where `latedoor sync` sends this device's events (docs/sync.md). The URL may
     * not hold a password (the config is not secret): the password goes in the passfile, a
     * file of mode 0600 or 0400 that the central store's open checks before reading it.
     */
    char central_url[LD_CONFIG_URL_MAX + 1];       /* url: "" (sync is off) */
    char central_passfile[LD_CONFIG_PATH_MAX + 1]; /* passfile: "" (none) */
    unsigned sync_interval_s;                      /* interval_s: 60 (1 to 86400) */
    unsigned sync_batch;                           /* batch: 1000 events (1 to 5000) */
    unsigned sync_retry_min_s;                     /* retry_min_s: 5 (1 to 3600) */
    unsigned sync_retry_max_s;                     /* retry_max_s: 600 (1 to 86400) */
};

/* Fills cfg with the defaults above; school_name and device_id are left empty. */
void ld_config_default(struct ld_config *cfg);

/*
 * Reads the configuration file at path (at most LD_CONFIG_FILE_MAX bytes) into *out. The time
 * zone must exist in the system's zone database ($TZDIR or /usr/share/zoneinfo) or be "UTC".
 * On failure returns LD_ERR_NOT_FOUND or LD_ERR_IO (the file), LD_ERR_INVALID or LD_ERR_RANGE
 * (its content), writes a message naming file:line: section.key into msg and leaves *out
 * untouched.
 */
LD_MUST_CHECK ld_err ld_config_load(const char *path, struct ld_config *out, char *msg,
                                    size_t msglen);

/*
 * Parses the NUL-terminated text as a configuration file called name (used in messages and,
 * through its directory part, to resolve relative paths; a name without '/' leaves them
 * relative). Otherwise exactly as ld_config_load.
 */
LD_MUST_CHECK ld_err ld_config_parse_string(const char *text, const char *name,
                                            struct ld_config *out, char *msg, size_t msglen);

/*
 * True when a reason may turn a late arrival's mark into code at the door: before the register
 * closes (after_close false) or after. LD_CODE_NONE ("-", no change) always; see config.c.
 */
bool ld_config_door_code(enum ld_code code, bool after_close);

/*
 * Applies one school setting written at the centre (sync brings it to the device store as
 * `school.KEY`; the office reads it from the central store) over cfg, checked as the file's:
 *   arrival_mode         as [school] arrival_mode
 *   patterns.NAME        as [patterns] NAME (the thresholds are checked together after)
 *   bands                the [bands] lines on one line, split by ';': "97 = 0; 90 = amber; 0 = 3"
 *   kiosk.languages      as [kiosk] languages: "pl, ro"
 * Returns LD_ERR_NOT_FOUND for a key that is none of these (other settings are not the
 * config's), LD_ERR_INVALID or LD_ERR_RANGE with a phrase in problem for a bad value; cfg is
 * changed only on success.
 */
LD_MUST_CHECK ld_err ld_config_apply_setting(struct ld_config *cfg, const char *key,
                                             const char *value, char *problem, size_t plen);

/* One setting written at the centre: key without the device store's "school." prefix. */
struct ld_config_setting {
    const char *key, *value;
};

/*
 * Applies a school's settings written at the centre over cfg, as the devices must: each of
 * ld_config_apply_setting's keys on its own; the sessions' times (`sessions.am_start`,
 * `sessions.am_register_closes`, `sessions.pm_start`, `sessions.pm_register_closes`,
 * `sessions.school_ends`, "HH:MM") together, checked as the file's [sessions] are; and the
 * reasons (`reason.N` = "Name = before, after", N from 1) as one list in the order of N, each
 * checked as a [reasons] line, replacing the file's. A bad value leaves out its setting, or its
 * whole group (sessions, reasons): a device never works to half of an old group and half of a
 * new one, and never stops because of the centre. Writes the first problem ("reason.3: ...")
 * into problem ("" for none). Returns LD_ERR_NOMEM, else LD_OK.
 */
LD_MUST_CHECK ld_err ld_config_apply_school(struct ld_config *cfg,
                                            const struct ld_config_setting *settings, size_t n,
                                            char *problem, size_t plen);

/* Returns the rule of the reason called name (any case), or NULL when there is none. */
const struct ld_reason_rule *ld_config_reason(const struct ld_config *cfg, const char *name);

/* Returns the name of a mode as written in the file ("late_door", "gate"); "?" otherwise. */
const char *ld_device_mode_name(enum ld_device_mode mode);

/* Returns the name of an arrival mode as written in the file ("late door only"). */
const char *ld_arrival_mode_name(enum ld_arrival_mode mode);

/* Returns the name of a reader driver as written in the file ("nfc"); "?" otherwise. */
const char *ld_reader_driver_name(enum ld_reader_driver driver);

/*
 * Internals shared by config.c and calendar_file.c (the "config" area). Not for other modules.
 */

/*
 * Called for each `key = value` of an INI text, with the section ("" before any), the 1-based
 * line and a problem buffer. Returns LD_OK, or an error after writing a phrase (no place) into
 * problem: the caller prefixes "file:line: section.key: ".
 */
typedef ld_err (*ld_config__ini_fn)(void *user, const char *section, const char *key,
                                    const char *value, unsigned line, char *problem,
                                    size_t problemlen);

/*
 * Parses len bytes of INI text (a UTF-8 BOM allowed) called name, calling fn for each value
 * and stopping at the first error, which it writes to msg. Lines longer than inih's line
 * buffer, bytes that are not UTF-8, control characters and syntax errors are errors too.
 */
LD_MUST_CHECK ld_err ld_config__ini_parse(const char *text, size_t len, const char *name,
                                          ld_config__ini_fn fn, void *user, char *msg,
                                          size_t msglen);

/*
 * Reads the whole file at path, at most cap bytes and no NUL byte, into a new NUL-terminated
 * buffer *text (the caller frees it) of *len bytes. Writes "path: problem" to msg on failure.
 */
LD_MUST_CHECK ld_err ld_config__read_file(const char *path, size_t cap, char **text, size_t *len,
                                          char *msg, size_t msglen);

/* Writes "file:line: " ("file: " when line is 0) and the formatted text to msg (may be NULL). */
void ld_config__errf(char *msg, size_t msglen, const char *file, unsigned line, const char *fmt,
                     ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif
