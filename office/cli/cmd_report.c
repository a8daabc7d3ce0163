/*
 * cmd_report.c: `latedoor report`: the office's pages, letters and CSV from the central store;
 * `report amend|void|unvoid|retime` (corrections that flow back to the kiosks) and `report
 * import-marks` (the MIS's attendance marks). docs/office.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar_file.h"
#include "central.h"
#include "config.h"
#include "cli_device.h"
#include "office_commands.h"
#include "office.h"
#include "report.h"
#include "report_out.h"

struct opts {
    const char *central, *passfile, *school, *out, *date, *tpl, *event, *reason, *staff, *note,
        *config, *time;
};

static const char usage[] =
    "usage: latedoor report --central URL --out DIR [--date YYYY-MM-DD] [--school ID]\n"
    "                       [--passfile FILE] [--template FILE]\n"
    "       latedoor report amend --event DEVICE:SEQ --reason TEXT --staff NAME --central URL\n"
    "       latedoor report void --event DEVICE:SEQ --staff NAME [--note TEXT] --central URL\n"
    "       latedoor report unvoid --event DEVICE:SEQ --staff NAME [--note TEXT] --central URL\n"
    "       latedoor report retime --event DEVICE:SEQ --time HH:MM --staff NAME --central URL\n"
    "       (the arrival may also follow the command: latedoor report void door-1:42 ...)\n"
    "       latedoor report mis-export --out DIR --central URL [--school ID] [--passfile FILE]\n"
    "       latedoor report import-marks FILE.csv --central URL [--school ID] [--passfile FILE]\n"
    "       latedoor report setup --config school.ini --central URL [--school ID]\n";

static bool parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"--central", offsetof(struct opts, central)},
        {"--passfile", offsetof(struct opts, passfile)},
        {"--school", offsetof(struct opts, school)},
        {"--out", offsetof(struct opts, out)},
        {"--date", offsetof(struct opts, date)},
        {"--template", offsetof(struct opts, tpl)},
        {"--event", offsetof(struct opts, event)},
        {"--reason", offsetof(struct opts, reason)},
        {"--staff", offsetof(struct opts, staff)},
        {"--note", offsetof(struct opts, note)},
        {"--config", offsetof(struct opts, config)},
        {"--time", offsetof(struct opts, time)},
    };
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!strcmp(argv[i], keys[k].key))
                slot = (const char **)((char *)o + keys[k].off);
        if (!slot || i + 1 >= argc) {
            fprintf(stderr, "latedoor report: %s: %s\n%s", argv[i],
                    slot ? "needs a value" : "unknown option", usage);
            return false;
        }
        *slot = argv[++i];
    }
    if (!o->central) {
        fprintf(stderr, "latedoor report: --central URL is required\n%s", usage);
        return false;
    }
    return true;
}

/* Opens the store as the admin and picks the school; NULL (after a message) on failure. */
static struct ld_central *open_school(const struct opts *o, char school[LD_CENTRAL_ID_MAX + 1],
                                      int *rc)
{
    struct ld_central *c = NULL;
    char msg[1024];
    ld_err err = ld_central_open(o->central, o->passfile, LD_CENTRAL_ADMIN, &c, msg, sizeof msg);
    if (!err && o->school) {
        struct ld_central_school s;
        err = ld_central_school_get(c, o->school, &s, msg, sizeof msg);
        if (!err)
            snprintf(school, LD_CENTRAL_ID_MAX + 1, "%s", s.id);
    } else if (!err) {
        struct ld_central_school two[2];
        size_t n = 0;
        err = ld_central_schools(c, two, 2, &n, msg, sizeof msg);
        if ((!err || err == LD_ERR_RANGE) && n != 1) {
            snprintf(msg, sizeof msg, "%s: the store holds %s schools: name one with --school ID",
                     ld_central_display_url(c), n == 0 ? "no" : "several");
            err = LD_ERR_INVALID;
        }
        if (!err)
            snprintf(school, LD_CENTRAL_ID_MAX + 1, "%s", two[0].id);
    }
    if (err) {
        fprintf(stderr, "%s\n", msg);
        ld_central_close(c);
        *rc = ld_cli_status(err);
        return NULL;
    }
    return c;
}

static int run_report(const struct opts *o)
{
    char school[LD_CENTRAL_ID_MAX + 1], msg[1024];
    ld_date as_of = -1;
    int rc = LD_EXIT_OK;
    if (!o->out) {
        fprintf(stderr, "latedoor report: --out DIR is required\n%s", usage);
        return LD_EXIT_USAGE;
    }
    if (o->date && !ld_date_parse(o->date, &as_of)) {
        fprintf(stderr, "latedoor report: --date: \"%s\" is not a date (YYYY-MM-DD)\n", o->date);
        return LD_EXIT_USAGE;
    }
    struct ld_central *c = open_school(o, school, &rc);
    if (!c)
        return rc;
    struct ld_report *r = NULL;
    ld_err err = ld_report_load(c, school, as_of, &r, msg, sizeof msg);
    ld_central_close(c);
    if (!err) {
        struct ld_report_options opt = {.out_dir = o->out, .template = o->tpl};
        err = ld_report_write(r, &opt, msg, sizeof msg);
    }
    if (err) {
        fprintf(stderr, "%s\n", msg);
        ld_report_free(r);
        return ld_cli_status(err);
    }
    size_t needs = 0;
    for (size_t i = 0; i < r->roster.count; i++)
        needs += ld_report_needs_action(r, i);
    char day[LD_DATE_STRLEN], at[32] = "", reg[64];
    ld_date_format(r->as_of, day);
    if (r->as_of_minute >= 0)
        snprintf(at, sizeof at, " %02d:%02d", r->as_of_minute / 60, r->as_of_minute % 60);
    ld_report_registers_text(r, reg, sizeof reg);
    printf("report of %s as of %s%s: %zu pupils, %zu events, %zu needing action, %s: "
           "%s/index.html\n",
           r->school_id, day, at, r->roster.count, r->nevents, needs, reg, o->out);
    for (size_t i = 0; i < r->nskipped && i < LD_CENTRAL_SKIPS_KEPT; i++)
        fprintf(stderr,
                "latedoor report: left out a bad row of the log: global_seq %lld (device %s, "
                "seq %lld): %s\n",
                (long long)r->skipped[i].global_seq, r->skipped[i].device_id,
                (long long)r->skipped[i].seq, r->skipped[i].why);
    if (r->nskipped > LD_CENTRAL_SKIPS_KEPT)
        fprintf(stderr, "latedoor report: and %zu more bad rows left out\n",
                r->nskipped - LD_CENTRAL_SKIPS_KEPT);
    ld_report_free(r);
    return LD_EXIT_OK;
}

static bool parse_event(const char *s, char device[LD_CENTRAL_ID_MAX + 1], int64_t *seq)
{
    const char *colon = s ? strrchr(s, ':') : NULL;
    char *end;
    if (!colon || colon == s || (size_t)(colon - s) > LD_CENTRAL_ID_MAX || !colon[1])
        return false;
    errno = 0;
    long long v = strtoll(colon + 1, &end, 10);
    if (*end || errno || v < 1)
        return false;
    snprintf(device, LD_CENTRAL_ID_MAX + 1, "%.*s", (int)(colon - s), s);
    *seq = v;
    return true;
}

static const char *const verb[] = {[LD_OFFICE_AMEND] = "amend",
                                   [LD_OFFICE_VOID] = "void",
                                   [LD_OFFICE_UNVOID] = "unvoid",
                                   [LD_OFFICE_RETIME] = "retime"};
static const char *const done[] = {[LD_OFFICE_AMEND] = "amended",
                                   [LD_OFFICE_VOID] = "voided",
                                   [LD_OFFICE_UNVOID] = "un-voided",
                                   [LD_OFFICE_RETIME] = "retimed"};

static int run_correct(const struct opts *o, enum ld_office_action action)
{
    char school[LD_CENTRAL_ID_MAX + 1], device[LD_CENTRAL_ID_MAX + 1], msg[1024];
    int64_t seq = 0;
    int rc = LD_EXIT_OK;
    if (!parse_event(o->event, device, &seq)) {
        fprintf(stderr,
                "latedoor report: --event: \"%s\" is not DEVICE:SEQ (as the late log "
                "shows it, e.g. door-1:42)\n",
                o->event ? o->event : "");
        return LD_EXIT_USAGE;
    }
    if (action == LD_OFFICE_AMEND && (!o->reason || o->note || o->time)) {
        fprintf(stderr, "latedoor report amend: --reason TEXT is required (and --note is for "
                        "void)\n");
        return LD_EXIT_USAGE;
    }
    if (action == LD_OFFICE_RETIME && (!o->time || o->reason || o->note)) {
        fprintf(stderr, "latedoor report retime: --time HH:MM (the arrival's new time on its "
                        "own day) is required, and nothing else\n");
        return LD_EXIT_USAGE;
    }
    if ((action == LD_OFFICE_VOID || action == LD_OFFICE_UNVOID) && (o->reason || o->time)) {
        fprintf(stderr, "latedoor report %s: takes --note TEXT, not --reason or --time\n",
                verb[action]);
        return LD_EXIT_USAGE;
    }
    struct ld_central *c = open_school(o, school, &rc);
    if (!c)
        return rc;
    struct ld_central_event made;
    char note[256] = "";
    const char *text = action == LD_OFFICE_AMEND    ? o->reason
                       : action == LD_OFFICE_RETIME ? o->time
                                                    : o->note;
    ld_err err = ld_office_correct(c, school, action, device, seq, text, o->staff,
                                   (int64_t)time(NULL) * 1000, &made, msg, sizeof msg);
    if (!err)
        err = ld_report_mis_note(c, school, device, seq, note, sizeof note, msg, sizeof msg);
    ld_central_close(c);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return ld_cli_status(err);
    }
    printf("%s %s:%" PRId64 ": recorded as %s:%" PRId64 "; the kiosks get it at their next sync\n",
           done[action], device, seq, made.device_id, made.seq);
    if (note[0])
        printf("%s %s:%" PRId64 ": %s\n", done[action], device, seq, note);
    return LD_EXIT_OK;
}

/* `report mis-export`: what changed since the last export, as a dated CSV in --out. */
static int run_mis_export(const struct opts *o)
{
    char school[LD_CENTRAL_ID_MAX + 1], msg[1024], name[64] = "", day[LD_DATE_STRLEN];
    int rc = LD_EXIT_OK;
    int64_t since = 0, since_ms = 0, now_ms = (int64_t)time(NULL) * 1000;
    struct ld_report *r = NULL;
    struct ld_buf csv = {0};
    size_t rows = 0;
    if (!o->out) {
        fprintf(stderr, "latedoor report mis-export: --out DIR is required\n%s", usage);
        return LD_EXIT_USAGE;
    }
    struct ld_central *c = open_school(o, school, &rc);
    if (!c)
        return rc;
    ld_err err = ld_mis_export_last(c, school, &since, &since_ms, msg, sizeof msg);
    if (!err)
        err = ld_report_load(c, school, -1, &r, msg, sizeof msg);
    if (!err) {
        ld_mis_export_changes(r, since, &csv, &rows);
        ld_date_format(r->as_of, day);
        err = ld_report_mkdir(o->out, msg, sizeof msg);
    }
    /* dated to the minute; a second export in the same minute never overwrites the first */
    bool written = false;
    for (int k = 1; !err && !written && k < 100; k++) {
        char path[4096];
        snprintf(name, sizeof name, "mis-changes-%s-%02d%02d%s%.0d.csv", day, r->as_of_minute / 60,
                 r->as_of_minute % 60, k > 1 ? "-" : "", k > 1 ? k : 0);
        snprintf(path, sizeof path, "%s/%s", o->out, name);
        if (access(path, F_OK) == 0)
            continue;
        err = ld_buf_write_file(&csv, o->out, name, msg, sizeof msg);
        written = true;
    }
    if (!err && !written) {
        snprintf(msg, sizeof msg, "latedoor report mis-export: %s: 99 exports this minute already",
                 o->out);
        err = LD_ERR_RANGE;
    }
    /* the moment is kept only once the file is written: a failed export is not lost */
    if (!err)
        err = ld_mis_export_mark(c, school, ld_mis_export_upto(r), now_ms, msg, sizeof msg);
    ld_central_close(c);
    ld_buf_free(&csv);
    ld_report_free(r);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return ld_cli_status(err);
    }
    if (since_ms) {
        time_t t = (time_t)(since_ms / 1000);
        char when[32];
        strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&t));
        printf("%zu sessions changed since the last export (%s): %s/%s\n", rows, when, o->out,
               name);
    } else {
        printf("%zu sessions (the first export: everything): %s/%s\n", rows, o->out, name);
    }
    return LD_EXIT_OK;
}

static int run_import(const char *file, const struct opts *o)
{
    char school[LD_CENTRAL_ID_MAX + 1], msg[1024];
    int rc = LD_EXIT_OK;
    struct ld_central *c = open_school(o, school, &rc);
    if (!c)
        return rc;
    struct ld_roster roster = {0};
    struct ld_central_mark *marks = NULL;
    size_t n = 0, added = 0, replaced = 0;
    int64_t v = 0;
    bool changed = false;
    ld_err err = ld_central_get_roster(c, school, 0, &roster, &v, &changed, msg, sizeof msg);
    if (!err)
        err = ld_mis_marks_parse_csv(file, &roster, &marks, &n, msg, sizeof msg);
    if (!err)
        err = ld_central_put_marks(c, school, marks, n, &added, &replaced, msg, sizeof msg);
    ld_central_close(c);
    ld_roster_free(&roster);
    ld_date until = -1;
    for (size_t i = 0; !err && i < n; i++)
        if (marks[i].date > until)
            until = marks[i].date;
    free(marks);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return ld_cli_status(err);
    }
    char day[16] = "";
    if (n)
        ld_report_short_date(until, day, sizeof day);
    printf("imported %zu marks for %s from %s: %zu new, %zu replaced; this file's registers go up "
           "to %s\n",
           n, school, file, added, replaced, n ? day : "no day");
    return LD_EXIT_OK;
}

/* `report setup`: the calendar and the rules of a device config, written at the centre. */
static int run_setup(const struct opts *o)
{
    char school[LD_CENTRAL_ID_MAX + 1], msg[1024];
    struct ld_config cfg;
    struct ld_calendar_file cal = {0};
    struct ld_calendar *core = NULL;
    bool cal_changed = false, rules_changed = false;
    int rc = LD_EXIT_OK;
    if (!o->config) {
        fprintf(stderr, "latedoor report setup: --config school.ini is required\n%s", usage);
        return LD_EXIT_USAGE;
    }
    ld_err err = ld_config_load(o->config, &cfg, msg, sizeof msg);
    if (!err)
        err = ld_calendar_file_load(cfg.calendar_path, &cal, msg, sizeof msg);
    if (!err)
        err = ld_calendar_file_build(&cal, cfg.calendar_path, &core, msg, sizeof msg);
    ld_calendar_destroy(core);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        ld_calendar_file_free(&cal);
        return ld_cli_status(err);
    }
    struct ld_central *c = open_school(o, school, &rc);
    if (!c) {
        ld_calendar_file_free(&cal);
        return rc;
    }
    err = ld_central_put_calendar(c, school, &cal, NULL, &cal_changed, msg, sizeof msg);
    if (!err)
        err = ld_office_put_rules(c, school, &cfg, &rules_changed, msg, sizeof msg);
    ld_central_close(c);
    ld_calendar_file_free(&cal);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return ld_cli_status(err);
    }
    printf("%s: calendar %s, sessions and %zu reasons %s\n", school,
           cal_changed ? "written" : "unchanged", cfg.reason_count,
           rules_changed ? "written" : "unchanged");
    return LD_EXIT_OK;
}

int ld_cmd_report(int argc, char **argv)
{
    struct opts o = {0};
    if (argc >= 2 && !strcmp(argv[1], "setup")) {
        if (!parse_opts(argc - 2, argv + 2, &o))
            return LD_EXIT_USAGE;
        return run_setup(&o);
    }
    for (int k = LD_OFFICE_AMEND; argc >= 2 && k <= LD_OFFICE_RETIME; k++) {
        if (strcmp(argv[1], verb[k]))
            continue;
        /* the arrival may come first, as the late log shows it: `report void door-1:42` */
        int first = argc >= 3 && argv[2][0] != '-' ? 3 : 2;
        if (!parse_opts(argc - first, argv + first, &o))
            return LD_EXIT_USAGE;
        if (first == 3 && o.event) {
            fprintf(stderr, "latedoor report %s: the arrival is given twice (%s and --event)\n",
                    verb[k], argv[2]);
            return LD_EXIT_USAGE;
        }
        if (first == 3)
            o.event = argv[2];
        return run_correct(&o, (enum ld_office_action)k);
    }
    if (argc >= 2 && !strcmp(argv[1], "mis-export")) {
        if (!parse_opts(argc - 2, argv + 2, &o))
            return LD_EXIT_USAGE;
        return run_mis_export(&o);
    }
    if (argc >= 2 && !strcmp(argv[1], "import-marks")) {
        if (argc < 3 || argv[2][0] == '-') {
            fprintf(stderr, "latedoor report import-marks: which file?\n%s", usage);
            return LD_EXIT_USAGE;
        }
        if (!parse_opts(argc - 3, argv + 3, &o))
            return LD_EXIT_USAGE;
        return run_import(argv[2], &o);
    }
    if (!parse_opts(argc - 1, argv + 1, &o))
        return LD_EXIT_USAGE;
    return run_report(&o);
}
