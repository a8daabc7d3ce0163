/*
 * test_truth.c: what is not known is never counted as present (issue 11), end to end through
 * the central store (SQLite) and the office's pages: a school with no MIS import, the same
 * school after an import up to Friday, a mid-year joiner, an everyone-signs-in morning.
 * Every figure asserted here is worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar_file.h"
#include "central.h"
#include "clock.h"
#include "office.h"
#include "page_check.h"
#include "report.h"

#define M msg, sizeof msg

#define SCHOOL   "hollybrook"
#define AT(h, m) ((h)*60 + (m))

/*
 * The pupils (fictional). Ada and Ben Cole are one family (F1); Ada has a child-protection
 * plan, Cara is looked after, Eve joined on Mon 16 Nov.
 */
enum { ADA, BEN, CARA, DAN, EVE, FINN, NPUPILS };
static const struct {
    const char *upn, *first, *last, *cls, *family;
    unsigned flags;
} kids[NPUPILS] = {
    {"B300000000001", "Ada", "Cole", "4B", "F1", 1u /* CP */},
    {"B300000000002", "Ben", "Cole", "5A", "F1", 0},
    {"B300000000003", "Cara", "Dunn", "4B", "", 2u /* LAC */},
    {"B300000000004", "Dan", "Ely", "5A", "", 0},
    {"B300000000005", "Eve", "Ford", "4B", "", 0},
    {"B300000000006", "Finn", "Gale", "5A", "", 0},
};

struct fx {
    char dir[64], url[128], out[128];
    struct ld_tz *tz;
    int64_t seq;
    int64_t ada_monday, ben_thursday, dan_friday; /* door-1 seqs of arrivals the test corrects */
};

static ld_date day(int m, int d)
{
    return ld_date_from_ymd(2026, m, d);
}

static struct ld_central *open_admin(const struct fx *f)
{
    return page_open_admin(f->url);
}

/* Fills ev as event seq of device for pupil k: the fields every pushed event shares. */
static void event_of(struct fx *f, struct ld_central_event *ev, const char *device, int k)
{
    memset(ev, 0, sizeof *ev);
    snprintf(ev->school, sizeof ev->school, SCHOOL);
    snprintf(ev->device_id, sizeof ev->device_id, "%s", device);
    ev->seq = ++f->seq;
    snprintf(ev->uuid, sizeof ev->uuid, "7e57c10c-0000-4000-8000-%012u",
             (unsigned)(f->seq % 1000000));
    ev->mono_ms = 1000;
    ev->source = LD_CSRC_CARD;
    snprintf(ev->upn, sizeof ev->upn, "%s", kids[k].upn);
}

/*
 * Fills ev as the reason for the arrival ref_seq of device given at utc: by the child at the
 * door (staff "", a claim) or with staff named.
 */
static void reason_of(struct fx *f, struct ld_central_event *ev, const char *device, int k,
                      int64_t ref_seq, int64_t utc, const char *reason, const char *staff)
{
    event_of(f, ev, device, k);
    ev->kind = LD_CEV_REASON;
    ev->at_ms = utc;
    snprintf(ev->ref_device, sizeof ev->ref_device, "%s", device);
    ev->ref_seq = ref_seq;
    snprintf(ev->reason, sizeof ev->reason, "%s", reason);
    snprintf(ev->staff, sizeof ev->staff, "%s", staff);
}

/*
 * Pushes one arrival of pupil k, with its reason when not NULL: given with staff at the door,
 * as a child's claim alone would leave L or U (issue 15). Returns the arrival's seq.
 */
static int64_t arrive(struct fx *f, struct ld_central *c, const char *device, int k, ld_date d,
                      ld_minute m, const char *reason)
{
    struct ld_central_event ev[2];
    char msg[1024] = "";
    int64_t utc;
    if (ld_clock_from_local(f->tz, d, m, 0, &utc, M))
        fail_msg("%s", msg);
    event_of(f, &ev[0], device, k);
    ev[0].kind = LD_CEV_ARRIVAL;
    ev[0].at_ms = utc;
    if (reason)
        reason_of(f, &ev[1], device, k, ev[0].seq, utc, reason, "s.ahmed");
    if (ld_central_push(c, device, ev, reason ? 2 : 1, NULL, M))
        fail_msg("push: %s", msg);
    return ev[0].seq;
}

static void put_setting(const struct fx *f, const char *key, const char *value)
{
    struct ld_central *c = open_admin(f);
    struct ld_central_settings old = {0};
    struct ld_central_setting s[LD_CENTRAL_SETTINGS_MAX];
    char msg[1024] = "";
    int64_t v;
    bool ch;
    size_t n = 0;
    assert_int_equal(ld_central_get_settings(c, SCHOOL, 0, &old, &v, &ch, M), LD_OK);
    for (size_t i = 0; i < old.count; i++)
        if (strcmp(old.items[i].key, key))
            s[n++] = old.items[i];
    snprintf(s[n].key, sizeof s[n].key, "%s", key);
    snprintf(s[n].value, sizeof s[n].value, "%s", value);
    n++;
    assert_int_equal(ld_central_put_settings(c, SCHOOL, s, n, NULL, NULL, M), LD_OK);
    ld_central_settings_free(&old);
    ld_central_close(c);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char msg[1024] = "";
    struct ld_central_credentials cred;
    struct ld_calendar_file cal = {0};
    struct ld_roster roster = {0};
    int from, to;
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-truth-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->url, sizeof f->url, "sqlite:%s/central.db", f->dir);
    snprintf(f->out, sizeof f->out, "%s/site", f->dir);
    assert_int_equal(ld_tz_open("Europe/London", &f->tz, M), LD_OK);
    struct ld_central *c = NULL;
    if (ld_central_open(f->url, NULL, LD_CENTRAL_ADMIN, &c, M) ||
        ld_central_init(c, &from, &to, M) ||
        ld_central_school_add(c, SCHOOL, "Hollybrook Primary School", M) ||
        ld_calendar_file_load(LD_TEST_DATA "/../assets/demo/calendar.ini", &cal, M) ||
        ld_central_put_calendar(c, SCHOOL, &cal, NULL, NULL, M) ||
        ld_central_device_add(c, SCHOOL, "door-1", &cred, M) ||
        ld_central_device_add(c, SCHOOL, "gate-1", &cred, M))
        fail_msg("setup: %s", msg);
    ld_calendar_file_free(&cal);
    roster.pupils = calloc(NPUPILS, sizeof *roster.pupils);
    roster.count = NPUPILS;
    for (int k = 0; k < NPUPILS; k++) {
        struct ld_roster_pupil *p = &roster.pupils[k];
        snprintf(p->upn, sizeof p->upn, "%s", kids[k].upn);
        snprintf(p->legal_first, sizeof p->legal_first, "%s", kids[k].first);
        snprintf(p->legal_last, sizeof p->legal_last, "%s", kids[k].last);
        snprintf(p->preferred_first, sizeof p->preferred_first, "%s", kids[k].first);
        snprintf(p->preferred_last, sizeof p->preferred_last, "%s", kids[k].last);
        snprintf(p->year, sizeof p->year, "%c", kids[k].cls[0]);
        snprintf(p->class_name, sizeof p->class_name, "%s", kids[k].cls);
        snprintf(p->family, sizeof p->family, "%s", kids[k].family);
        p->flags = kids[k].flags;
    }
    roster.pupils[EVE].has_admitted = true; /* a mid-year joiner */
    roster.pupils[EVE].admitted = day(11, 16);
    if (ld_central_put_roster(c, SCHOOL, &roster, NULL, NULL, M))
        fail_msg("roster: %s", msg);
    ld_roster_free(&roster);
    struct ld_central_setting set[] = {{"reason.1", "Medical appointment = -, M"},
                                       {"reason.2", "Traffic = -, -"},
                                       {"timezone", "Europe/London"}};
    assert_int_equal(ld_central_put_settings(c, SCHOOL, set, 3, NULL, NULL, M), LD_OK);

    /* Ada: after the register closed (09:30, U, 40 min) every day of the week of 16 Nov */
    for (int d = 16; d <= 20; d++)
        arrive(f, c, "door-1", ADA, day(11, d), AT(9, 30), NULL);
    /* ... at 09:02 on Wed 25 Nov (L, 12 min: the MIS has L with no minutes) */
    arrive(f, c, "door-1", ADA, day(11, 25), AT(9, 2), NULL);
    /* ... and at 09:35 this Monday (U, 45 min), amended later to a medical appointment */
    f->ada_monday = arrive(f, c, "door-1", ADA, day(11, 30), AT(9, 35), "Traffic");
    /* Ben: 09:10 (L, 20 min) the same week; 09:05 on Thu 26 Nov, which the office voids */
    for (int d = 16; d <= 20; d++)
        arrive(f, c, "door-1", BEN, day(11, d), AT(9, 10), NULL);
    f->ben_thursday = arrive(f, c, "door-1", BEN, day(11, 26), AT(9, 5), NULL);
    /* Eve: a tap on Fri 13 Nov, before she was on roll (a visit): it counts for nothing */
    arrive(f, c, "door-1", EVE, day(11, 13), AT(9, 10), NULL);
    /* Dan: 09:12 on Fri 27 Nov (L), where the MIS has N */
    f->dan_friday = arrive(f, c, "door-1", DAN, day(11, 27), AT(9, 12), NULL);
    /* Finn: 09:00 (L, 10 min) on 9 to 12 Nov; back from the dentist at 10:30 on 23 and 24 Nov
     * (a medical appointment: M, not late) */
    for (int d = 9; d <= 12; d++)
        arrive(f, c, "door-1", FINN, day(11, d), AT(9, 0), NULL);
    arrive(f, c, "door-1", FINN, day(11, 23), AT(10, 30), "Medical appointment");
    arrive(f, c, "door-1", FINN, day(11, 24), AT(10, 30), "Medical appointment");
    ld_central_close(c);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];
    ld_tz_close(f->tz);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static struct ld_report *load_at(const struct fx *f, ld_date d, ld_minute m)
{
    struct ld_central *c = open_admin(f);
    struct ld_report *r = NULL;
    char msg[1024] = "";
    if (ld_report_load_at(c, NULL, d, m, &r, M))
        fail_msg("report: %s", msg);
    ld_central_close(c);
    struct ld_report_options opt = {.out_dir = f->out};
    if (ld_report_write(r, &opt, M))
        fail_msg("write: %s", msg);
    return r;
}

/* True when text holds a percentage as the pages write one: "94.7 %". */
static bool has_percentage(const char *text)
{
    for (const char *p = text; (p = strstr(p, " %")); p++)
        if (p - text >= 3 && p[-2] == '.' && p[-1] >= '0' && p[-1] <= '9' && p[-3] >= '0' &&
            p[-3] <= '9')
            return true;
    return false;
}

static const struct ld_pupil_result *result_of(const struct ld_report *r, int k)
{
    const struct ld_pupil_result *p =
        ld_report_pupil_result(r, (size_t)ld_report_find_pupil(r, kids[k].upn));
    assert_non_null(p);
    return p;
}

/* The MIS's export up to Fri 27 Nov, imported with the command the office uses. */
static void import_marks(const struct fx *f)
{
    char path[256], cmd[1024], out[4096];
    snprintf(path, sizeof path, "%s/marks.csv", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("UPN,Date,Session,Mark,Minutes Late\r\n", fp);
    /* Cara: unauthorised absence (O) every session from Thu 1 Oct to Fri 27 Nov */
    for (ld_date d = day(10, 1); d <= day(11, 27); d++) {
        if (ld_date_weekday(d) >= LD_SAT || (d > day(10, 23) && d < day(11, 3)))
            continue;
        char ds[LD_DATE_STRLEN];
        ld_date_format(d, ds);
        fprintf(fp, "%s,%s,AM,O,\r\n%s,%s,PM,O,\r\n", kids[CARA].upn, ds, kids[CARA].upn, ds);
    }
    fprintf(fp, "%s,25/11/2026,AM,L,\r\n", kids[ADA].upn); /* the kiosk has 09:02 L 12 */
    fprintf(fp, "%s,26/11/2026,AM,L,\r\n", kids[BEN].upn); /* the office voids the kiosk's */
    fprintf(fp, "%s,2026-11-27,AM,N,\r\n", kids[DAN].upn); /* the kiosk has 09:12 L */
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s/latedoor report import-marks %s --central %s 2>&1", LD_BIN_DIR,
             path, f->url);
    if (page_run(cmd, out, sizeof out) != 0)
        fail_msg("import: %s", out);
    page_must_hold(out, "registers go up to Fri 27 Nov");
}

/*
 * Before any MIS import nothing is known: no percentage anywhere, no one on the calling list
 * (and the page says why), while lateness from the kiosks still counts.
 */
static void no_import_nothing_known(void **state)
{
    struct fx *f = *state;
    struct ld_report *r = load_at(f, day(11, 30), AT(9, 45));
    assert_false(r->has_mis_marks);
    /* Cara never tapped: no session of hers is known */
    assert_int_equal(result_of(r, CARA)->attendance.possible, 0);
    assert_false(result_of(r, CARA)->attendance.has_pct);
    assert_int_equal(ld_report_call_count(r), 0);
    /* Ada's lateness is the kiosks' own: 5 U at 40 min, and this morning's 09:35 U (45 min);
     * 25 Nov is L 12 */
    assert_int_equal(result_of(r, ADA)->late_u, 6);
    assert_int_equal(result_of(r, ADA)->late_l, 1);
    assert_int_equal(result_of(r, ADA)->late_minutes, 5 * 40 + 45 + 12);
    static const char *const pages[] = {"index.html", "action.html", "daily.html", "weekly.html",
                                        "conflicts.html"};
    for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++) {
        char *p = page_slurp(f->out, pages[k]);
        page_must_hold(p, "<span id=\"registers\">no register data yet</span>");
        page_must_hold(p, "as of 2026-11-30 09:45");
        free(p);
    }
    char *action = page_slurp(f->out, "action.html");
    page_must_hold(action, "<span id=\"calls\">0</span>");
    page_must_hold(action, "today&#39;s register is not in yet; last MIS marks: none imported");
    assert_null(strstr(action, "id=\"call-order\""));
    assert_false(has_percentage(action));
    free(action);
    char name[64];
    snprintf(name, sizeof name, "pupils/%s.html", kids[CARA].upn);
    char *page = page_slurp(f->out, name);
    page_must_hold(page, "<td><span class=\"muted\">no register data yet</span></td>");
    free(page);
    ld_report_free(r);
}

/*
 * After an import up to Fri 27 Nov, a Monday report counts what is known and nothing more,
 * lists where the kiosks and the MIS disagree, and puts the neediest first.
 */
static void import_up_to_friday(void **state)
{
    struct fx *f = *state;
    char cmd[1024], out[4096], name[64];
    /* the office voids Ben's Thursday arrival: the MIS still has L, and the office is told */
    snprintf(cmd, sizeof cmd,
             "%s/latedoor report void --event door-1:%lld --staff j.fenwick --central %s 2>&1",
             LD_BIN_DIR, (long long)f->ben_thursday, f->url);
    import_marks(f);
    if (page_run(cmd, out, sizeof out) != 0)
        fail_msg("void: %s", out);
    page_must_hold(out, "the MIS has L for Thu 26 Nov am: change it there too");

    struct ld_report *r = load_at(f, day(11, 30), AT(9, 45));
    assert_true(r->has_mis_marks);
    assert_int_equal(r->registers_until, day(11, 27));
    /*
     * School days to Fri 27 Nov: 3 Sep to 23 Oct (37 days: 1 and 2 Sep are INSET) and 3 to 27
     * Nov (19: 2 Nov is INSET): 56 days, 112 sessions. This Monday is not in the registers:
     * its sessions without an arrival are not known, not present.
     */
    const struct ld_pupil_result *dan = result_of(r, DAN);
    assert_int_equal(dan->attendance.possible, 112); /* not 114 */
    assert_int_equal(dan->attendance.attended, 111); /* the MIS's N on Friday morning */
    assert_int_equal(dan->unknown, 2);
    /* Cara: O from 1 Oct (17 days) and 3 to 27 Nov (19 days): 72 of 112 missed, severe */
    const struct ld_pupil_result *cara = result_of(r, CARA);
    assert_int_equal(cara->attendance.possible, 112);
    assert_int_equal(cara->attendance.attended, 40);
    assert_true(cara->attendance.severe);
    /* Eve joined on Mon 16 Nov: 10 school days to Friday, 20 sessions, all present (no mark
     * within the registers); nothing before, not even the tap on 13 Nov */
    const struct ld_pupil_result *eve = result_of(r, EVE);
    assert_int_equal(eve->attendance.possible, 20);
    assert_int_equal(eve->attendance.attended, 20);
    assert_int_equal(eve->late_l + eve->late_u, 0);
    enum ld_code code;
    int minutes;
    size_t ei = (size_t)ld_result_find(r->result, kids[EVE].upn);
    assert_true(ld_result_mark(r->result, ei, day(11, 13), LD_AM, &code, &minutes));
    assert_int_equal(code, LD_CODE_Z);
    /* Ada's Wednesday: the MIS's L without minutes keeps the kiosk's 12 */
    const struct ld_pupil_result *ada = result_of(r, ADA);
    assert_int_equal(ada->late_minutes, 5 * 40 + 12 + 45);

    /* two conflicts, by date: Ben's voided Thursday, Dan's Friday N against 09:12 L */
    assert_int_equal(r->nconflicts, 2);
    assert_int_equal(r->conflicts[0].date, day(11, 26));
    assert_true(r->conflicts[0].voided);
    assert_int_equal(r->conflicts[0].mark, LD_CODE_L);
    assert_int_equal(r->conflicts[1].date, day(11, 27));
    assert_int_equal(r->conflicts[1].mark, LD_CODE_N);
    assert_int_equal(r->conflicts[1].arrival->cls.code, LD_CODE_L);
    char *conf = page_slurp(f->out, "conflicts.html");
    page_must_hold(conf, "<span id=\"conflicts\">2</span>");
    page_must_hold(conf, "The office voided this arrival, but the MIS still has L");
    page_must_hold(conf,
                   "The kiosk recorded an arrival at 09:12 (L, 22 min late); the MIS has N. If "
                   "the child came then, change the MIS&#39;s N to L");
    free(conf);
    char *csv = page_slurp(f->out, "conflicts.csv");
    assert_int_equal(page_count(csv, "\r\n"), 3);
    snprintf(name, sizeof name, "2026-11-27,AM,%s,Dan Ely,5A,N,L,09:12,door-1,%lld,no,",
             kids[DAN].upn, (long long)f->dan_friday);
    page_must_hold(csv, name);
    free(csv);
    /* the MIS export: Eve's tap of 13 Nov, before she joined, is not sent (no register for
     * her then); her later arrivals would be */
    csv = page_slurp(f->out, "mis-export.csv");
    snprintf(name, sizeof name, "%s,2026-11-13,", kids[EVE].upn);
    if (strstr(csv, name))
        fail_msg("mis-export.csv sends a day before Eve joined:\n%s", csv);
    snprintf(name, sizeof name, "%s,2026-11-", kids[ADA].upn);
    page_must_hold(csv, name);
    free(csv);

    /* every page: what the registers cover; the calling list: no MIS marks for today */
    char *action = page_slurp(f->out, "action.html");
    page_must_hold(action, "<span id=\"registers\">registers known up to Fri 27 Nov</span>");
    page_must_hold(action, "<span id=\"calls\">0</span>");
    page_must_hold(action, "today&#39;s register is not in yet; last MIS marks: Fri 27 Nov");
    /* most urgent: Cara (severe absence), Ada (child protection and lateness), then Ben (6
     * late sessions) before Finn (4) */
    const char *c1 = strstr(action, "<tr class=\"urgent\" data-upn=\"B300000000003\"><td "
                                    "class=\"num\">1</td>");
    const char *c2 = strstr(action, "<tr class=\"urgent\" data-upn=\"B300000000001\"><td "
                                    "class=\"num\">2</td>");
    const char *c3 = strstr(action, "<tr class=\"urgent\" data-upn=\"B300000000002\"><td "
                                    "class=\"num\">3</td>");
    const char *c4 = strstr(action, "<tr class=\"urgent\" data-upn=\"B300000000006\"><td "
                                    "class=\"num\">4</td>");
    if (!c1 || !c2 || !c3 || !c4)
        fprintf(stderr, "%s\n", action);
    if (!c1 || !c2 || !c3 || !c4)
        fail_msg("most urgent not in order: %p %p %p %p", (void *)c1, (void *)c2, (void *)c3,
                 (void *)c4);
    page_must_hold(action, "child protection plan and a lateness pattern");
    /* attendance and lateness are separate lists: Cara (severe) and Ada (6 sessions U of 113
     * possible: 94.7 %, stage 1); Ada, Ben and Finn for lateness */
    page_must_hold(action, "<span id=\"needs-attendance\">2</span>");
    page_must_hold(action, "<span id=\"needs\">3</span>");
    free(action);
    snprintf(name, sizeof name, "pupils/%s.html", kids[DAN].upn);
    char *page = page_slurp(f->out, name);
    page_must_hold(page, "99.1 %");                     /* 111 / 112 */
    page_must_hold(page, "(2 sessions not known yet)"); /* this Monday */
    page_must_hold(page, "registers known up to Fri 27 Nov");
    free(page);

    /* Monday: last week's table beside this week's; 4B and 5A level last week (1 late session
     * for 3 pupils each: Ada's and Ben's MIS L), so both are joint first */
    char *weekly = page_slurp(f->out, "weekly.html");
    page_must_hold(weekly,
                   "Best punctuality last week (Mon 23 Nov to Fri 27 Nov): <strong>5A</strong>"
                   " and <strong>4B</strong>");
    assert_int_equal(page_count(weekly, "<td class=\"num last\">=1</td>"), 2);
    /* this week 5A has none, 4B Ada's U: 5A first, 4B second */
    page_must_hold(weekly, "Best punctuality this week: <strong>5A</strong></p>");
    free(weekly);

    /* letters: Ada and Ben in one letter; Finn's dentist visits are not lateness */
    char *letters = page_slurp(f->out, "letters.html");
    assert_int_equal(page_count(letters, "<section class=\"letter"), 2);
    snprintf(name, sizeof name, "data-upns=\"%s %s\"", kids[ADA].upn, kids[BEN].upn);
    page_must_hold(letters, name);
    page_must_hold(letters, "<strong>Ada Cole and Ben Cole</strong>");
    page_must_hold(letters, "<li>Ben: ");
    free(letters);
    snprintf(name, sizeof name, "letters/%s.html", kids[FINN].upn);
    char *finn = page_slurp(f->out, name);
    page_must_hold(finn, "arrived late\n<strong>4</strong> times");
    page_must_hold(finn, "<strong>40 min</strong>");
    free(finn);
    ld_report_free(r);

    /* a correction where the MIS has no mark still changes the figures: Monday's U becomes M */
    snprintf(cmd, sizeof cmd,
             "%s/latedoor report amend --event door-1:%lld --reason 'Medical appointment' "
             "--staff j.fenwick --central %s 2>&1",
             LD_BIN_DIR, (long long)f->ada_monday, f->url);
    if (page_run(cmd, out, sizeof out) != 0)
        fail_msg("amend: %s", out);
    assert_null(strstr(out, "the MIS has"));
    r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(result_of(r, ADA)->late_u, 5);
    assert_int_equal(result_of(r, ADA)->late_minutes, 5 * 40 + 12);
    ld_report_free(r);

    /* voiding Dan's Friday arrival is told that the MIS has N there */
    snprintf(cmd, sizeof cmd,
             "%s/latedoor report void --event door-1:%lld --staff j.fenwick --central %s 2>&1",
             LD_BIN_DIR, (long long)f->dan_friday, f->url);
    if (page_run(cmd, out, sizeof out) != 0)
        fail_msg("void: %s", out);
    page_must_hold(out, "the MIS has N for Fri 27 Nov am: change it there too");
}

/*
 * Everyone signs in at the gate: once the morning register has closed, a pupil with no arrival
 * is N for the morning, and the calling list holds them in order (looked after before others).
 */
static void everyone_signs_in(void **state)
{
    struct fx *f = *state;
    import_marks(f);
    put_setting(f, "arrival_mode", "everyone signs in");
    struct ld_central *c = open_admin(f);
    arrive(f, c, "gate-1", BEN, day(11, 30), AT(8, 45), NULL);
    arrive(f, c, "gate-1", EVE, day(11, 30), AT(8, 46), NULL);
    arrive(f, c, "gate-1", FINN, day(11, 30), AT(8, 47), NULL);
    ld_central_close(c);
    /* 09:10: the register is still open, nobody is called yet, and the page says when */
    struct ld_report *r = load_at(f, day(11, 30), AT(9, 10));
    assert_int_equal(ld_report_call_count(r), 0);
    char *action = page_slurp(f->out, "action.html");
    page_must_hold(action, "the morning register closes at 09:20");
    free(action);
    ld_report_free(r);
    /* 09:45: Cara (looked after) then Dan; Ada came at 09:35 and is not called */
    r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(r->call_basis, LD_REPORT_CALLS_SIGN_IN);
    assert_int_equal(ld_report_call_count(r), 2);
    assert_string_equal(ld_result_call(r->result, 0)->id, kids[CARA].upn);
    assert_string_equal(ld_result_call(r->result, 1)->id, kids[DAN].upn);
    action = page_slurp(f->out, "action.html");
    page_must_hold(action, "<span id=\"calls\">2</span>");
    const char *cara = strstr(action, "<tr data-upn=\"B300000000003\"><td class=\"num\">1</td>");
    const char *dan = strstr(action, "<tr data-upn=\"B300000000004\"><td class=\"num\">2</td>");
    assert_non_null(cara);
    assert_non_null(dan);
    free(action);
    /* Dan's Monday morning is N (absent), his afternoon not known yet */
    enum ld_code code;
    int minutes;
    size_t di = (size_t)ld_result_find(r->result, kids[DAN].upn);
    assert_true(ld_result_mark(r->result, di, day(11, 30), LD_AM, &code, &minutes));
    assert_int_equal(code, LD_CODE_N);
    ld_report_free(r);
    /* a bad mode is an error naming the setting */
    put_setting(f, "arrival_mode", "sometimes");
    c = open_admin(f);
    char msg[1024] = "";
    assert_int_equal(ld_report_load_at(c, NULL, day(11, 30), AT(9, 45), &r, M), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "arrival_mode"));
    ld_central_close(c);
}

/*
 * The school's arrival mode, bands and pattern thresholds come from its school.ini through
 * `report setup`, the same values the kiosks read: Ada's 94.7 % is "amber" in this school, and
 * Finn's four late days are no pattern where it takes five.
 */
static void school_settings(void **state)
{
    struct fx *f = *state;
    char path[256], cmd[1024], out[4096], msg[1024] = "";
    import_marks(f);
    snprintf(path, sizeof path, "%s/school.ini", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp,
            "[school]\nname = Hollybrook Primary School\narrival_mode = everyone signs in\n"
            "[device]\nid = door-1\n[paths]\ncalendar = %s/../assets/demo/calendar.ini\n"
            "[bands]\n97 = green\n92.5 = amber\n0 = red\n[patterns]\nfrequent_min = 5\nrising_min "
            "= 5\n",
            LD_TEST_DATA);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s/latedoor report setup --config %s --central %s 2>&1", LD_BIN_DIR,
             path, f->url);
    if (page_run(cmd, out, sizeof out) != 0)
        fail_msg("setup: %s", out);
    struct ld_report *r = load_at(f, day(11, 30), AT(9, 45));
    assert_true(r->everyone_signs_in);
    assert_int_equal(r->band_count, 3);
    assert_int_equal(r->patterns.frequent_min, 5);
    const struct ld_pupil_result *ada = result_of(r, ADA);
    assert_true(ada->has_stage);
    assert_string_equal(ada->stage_label, "amber");
    char name[64];
    snprintf(name, sizeof name, "pupils/%s.html", kids[ADA].upn);
    char *page = page_slurp(f->out, name);
    page_must_hold(page, "94.7 % · stage amber");
    free(page);
    /* Finn: late on 4 of the last 20 school days and 4 this half-term, under this school's 5 */
    assert_false(ld_report_needs_letter(r, (size_t)ld_report_find_pupil(r, kids[FINN].upn)));
    ld_report_free(r);
    /* the centre holds them as the kiosks read them */
    struct ld_central *c0 = open_admin(f);
    struct ld_central_settings got = {0};
    int64_t v;
    bool ch, bands = false;
    assert_int_equal(ld_central_get_settings(c0, SCHOOL, 0, &got, &v, &ch, M), LD_OK);
    for (size_t i = 0; i < got.count; i++)
        bands |= !strcmp(got.items[i].key, "bands") &&
                 !strcmp(got.items[i].value, "97 = green; 92.5 = amber; 0 = red");
    assert_true(bands);
    ld_central_settings_free(&got);
    ld_central_close(c0);
    /* a band out of order at the centre is an error naming it */
    put_setting(f, "bands", "97 = green; 98 = amber; 0 = red");
    struct ld_central *c = open_admin(f);
    assert_int_equal(ld_report_load_at(c, NULL, day(11, 30), AT(9, 45), &r, M), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "settings: bands: "));
    assert_non_null(strstr(msg, "list bands from the highest"));
    put_setting(f, "bands", "97 = green; 92.5 = amber; 0 = red");
    put_setting(f, "patterns.window_days", "lots");
    assert_int_equal(ld_report_load_at(c, NULL, day(11, 30), AT(9, 45), &r, M), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "patterns.window_days"));
    ld_central_close(c);
}

/* Time: a report of a day in the future is refused; a minute out of the day too. */
/* The morning mark of the report's arrival of device:seq (fails when it is not there). */
static const struct ld_report_arrival *report_arrival(const struct ld_report *r, int64_t seq)
{
    for (size_t i = 0; i < r->narrivals; i++)
        if (r->arrivals[i].ev->seq == seq)
            return &r->arrivals[i];
    fail_msg("arrival door-1:%lld is not in the report", (long long)seq);
    return NULL;
}

/*
 * A reason the child or parent chose at the door is a claim (issue 15): the office's mark for
 * a medical appointment after close stays U, the page says it needs evidence, and once staff
 * confirm it the school's code, M, stands and the note is gone.
 */
static void claimed_reason_waits_for_staff(void **state)
{
    struct fx *f = *state;
    struct ld_central_event ev;
    char msg[1024] = "";
    int64_t utc;
    assert_int_equal(ld_clock_from_local(f->tz, day(11, 30), AT(10, 30), 0, &utc, M), LD_OK);
    struct ld_central *c = open_admin(f);
    int64_t seq = arrive(f, c, "door-1", EVE, day(11, 30), AT(10, 30), NULL);
    reason_of(f, &ev, "door-1", EVE, seq, utc, "Medical appointment", "");
    if (ld_central_push(c, "door-1", &ev, 1, NULL, M))
        fail_msg("push: %s", msg);
    ld_central_close(c);

    struct ld_report *r = load_at(f, day(11, 30), AT(12, 0));
    const struct ld_report_arrival *a = report_arrival(r, seq);
    assert_int_equal(a->cls.code, LD_CODE_U);
    assert_string_equal(a->claim, "Medical appointment");
    char *page = page_slurp(f->out, "daily.html");
    page_must_hold(page, "claimed at the door: Medical appointment, needs evidence");
    free(page);
    ld_report_free(r);

    c = open_admin(f);
    reason_of(f, &ev, "door-1", EVE, seq, utc + 60000, "Medical appointment", "s.ahmed");
    ev.source = LD_CSRC_STAFF;
    if (ld_central_push(c, "door-1", &ev, 1, NULL, M))
        fail_msg("push: %s", msg);
    ld_central_close(c);
    r = load_at(f, day(11, 30), AT(12, 0));
    a = report_arrival(r, seq);
    assert_int_equal(a->cls.code, LD_CODE_M);
    assert_string_equal(a->claim, "");
    assert_false(a->amended);
    page = page_slurp(f->out, "daily.html");
    assert_null(strstr(page, "needs evidence"));
    free(page);
    ld_report_free(r);

    /* A reason that can change no mark (Traffic = -, -) needs no evidence: taken as said. */
    c = open_admin(f);
    int64_t seq2 = arrive(f, c, "door-1", EVE, day(12, 1), AT(9, 40), NULL);
    assert_int_equal(ld_clock_from_local(f->tz, day(12, 1), AT(9, 40), 0, &utc, M), LD_OK);
    reason_of(f, &ev, "door-1", EVE, seq2, utc, "Traffic", "");
    if (ld_central_push(c, "door-1", &ev, 1, NULL, M))
        fail_msg("push: %s", msg);
    ld_central_close(c);
    r = load_at(f, day(12, 1), AT(12, 0));
    a = report_arrival(r, seq2);
    assert_int_equal(a->cls.code, LD_CODE_U);
    assert_string_equal(a->claim, "");
    assert_string_equal(a->reason, "Traffic");
    page = page_slurp(f->out, "daily.html");
    assert_null(strstr(page, "needs evidence"));
    free(page);
    ld_report_free(r);
}

static void future_refused(void **state)
{
    struct fx *f = *state;
    char cmd[1024], out[4096], msg[1024] = "";
    snprintf(cmd, sizeof cmd, "%s/latedoor report --central %s --out %s --date 2099-01-05 2>&1",
             LD_BIN_DIR, f->url, f->out);
    assert_int_equal(page_run(cmd, out, sizeof out), 2);
    page_must_hold(out, "2099-01-05 is in the future");
    struct ld_central *c = open_admin(f);
    struct ld_report *r = NULL;
    assert_int_equal(ld_report_load_at(c, NULL, day(11, 30), 24 * 60, &r, M), LD_ERR_INVALID);
    assert_null(r);
    ld_central_close(c);
}

/* Runs the latedoor command line (args after `latedoor report`); its status, output in out. */
static int report_cli(const struct fx *f, const char *args, char *out, size_t outlen)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/latedoor report %s --central %s 2>&1", LD_BIN_DIR, args, f->url);
    return page_run(cmd, out, outlen);
}

/*
 * The office's un-void and new time. Ben's 09:05 on Thu 26 Nov (L), voided and un-voided: he has
 * 5 L the week of 16 Nov and this one again, 6. Ada's 09:35 this Monday (U, 45 min) moved to
 * 09:10 (L, 20 min): 5 U and 2 L, 5 * 40 + 20 + 12 minutes.
 */
static void unvoid_and_new_time(void **state)
{
    struct fx *f = *state;
    char args[256], out[4096], msg[1024] = "";
    snprintf(args, sizeof args, "void door-1:%lld --staff j.fenwick --note \"wrong child\"",
             (long long)f->ben_thursday);
    if (report_cli(f, args, out, sizeof out) != 0)
        fail_msg("void: %s", out);
    struct ld_report *r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(result_of(r, BEN)->late_l, 5);
    ld_report_free(r);

    /* un-void: the arrival counts again, and its row says who undid the void */
    snprintf(args, sizeof args, "unvoid door-1:%lld --staff a.okafor", (long long)f->ben_thursday);
    if (report_cli(f, args, out, sizeof out) != 0)
        fail_msg("unvoid: %s", out);
    page_must_hold(out, "un-voided door-1:");
    r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(result_of(r, BEN)->late_l, 6);
    ld_report_free(r);
    r = load_at(f, day(11, 26), -1);
    ld_report_free(r);
    char *daily = page_slurp(f->out, "daily.html");
    page_must_hold(daily, "void undone by a.okafor");
    assert_null(strstr(daily, "<tr class=\"void\""));
    free(daily);
    /* nothing to un-void now; a void again is allowed */
    assert_int_equal(report_cli(f, args, out, sizeof out), 2);
    page_must_hold(out, "is not voided: nothing to un-void");

    /* a new time: 09:35 U becomes 09:10 L */
    r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(result_of(r, ADA)->late_u, 6);
    assert_int_equal(result_of(r, ADA)->late_l, 1);
    ld_report_free(r);
    snprintf(args, sizeof args, "retime door-1:%lld --time 09:10 --staff j.fenwick",
             (long long)f->ada_monday);
    if (report_cli(f, args, out, sizeof out) != 0)
        fail_msg("retime: %s", out);
    page_must_hold(out, "retimed door-1:");
    r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(result_of(r, ADA)->late_u, 5);
    assert_int_equal(result_of(r, ADA)->late_l, 2);
    assert_int_equal(result_of(r, ADA)->late_minutes, 5 * 40 + 20 + 12);
    ld_report_free(r);
    daily = page_slurp(f->out, "daily.html");
    page_must_hold(daily, "time changed by j.fenwick");
    page_must_hold(daily, "<td>09:10</td>");
    free(daily);

    /* refused, each with its reason, changing nothing */
    static const struct {
        const char *args, *says;
    } bad[] = {
        {"--time 9.10", "is not a time of day (HH:MM, 24-hour)"},
        {"--time 25:00", "is not a time of day"},
        {"--time \"2026-11-29 09:10\"", "is not the day of arrival"},
        {"--time 09:10", "is already at 09:10"},
        {"", "--time HH:MM"},
        {"--time 09:10 --note x", "--time HH:MM"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        snprintf(args, sizeof args, "retime door-1:%lld --staff j.fenwick %s",
                 (long long)f->ada_monday, bad[k].args);
        assert_int_equal(report_cli(f, args, out, sizeof out), 2);
        if (!strstr(out, bad[k].says))
            fail_msg("retime %s: %s", bad[k].args, out);
    }
    snprintf(args, sizeof args, "unvoid door-1:%lld --staff j.fenwick --reason x",
             (long long)f->ben_thursday);
    assert_int_equal(report_cli(f, args, out, sizeof out), 2);
    /* the future, as of 09:20 on the day: 09:30 has not happened yet */
    struct ld_central *c = open_admin(f);
    int64_t at_920;
    assert_int_equal(ld_clock_from_local(f->tz, day(11, 30), AT(9, 20), 0, &at_920, M), LD_OK);
    assert_int_equal(ld_office_correct(c, SCHOOL, LD_OFFICE_RETIME, "door-1", f->ada_monday,
                                       "09:30", "j.fenwick", at_920, NULL, M),
                     LD_ERR_INVALID);
    page_must_hold(msg, "2026-11-30 09:30 is in the future");
    /* the check before a confirmation says the same, and a good one records nothing */
    assert_int_equal(ld_office_check(c, SCHOOL, LD_OFFICE_RETIME, "door-1", f->ada_monday, "09:30",
                                     "j.fenwick", at_920, M),
                     LD_ERR_INVALID);
    page_must_hold(msg, "is in the future");
    assert_int_equal(ld_office_check(c, SCHOOL, LD_OFFICE_RETIME, "door-1", f->ada_monday, "09:05",
                                     "j.fenwick", at_920, M),
                     LD_OK);
    /* a voided arrival takes no new time until it is un-voided */
    assert_int_equal(ld_office_correct(c, SCHOOL, LD_OFFICE_VOID, "door-1", f->dan_friday, "",
                                       "j.fenwick", at_920, NULL, M),
                     LD_OK);
    assert_int_equal(ld_office_correct(c, SCHOOL, LD_OFFICE_RETIME, "door-1", f->dan_friday,
                                       "09:00", "j.fenwick", at_920, NULL, M),
                     LD_ERR_INVALID);
    page_must_hold(msg, "voided: un-void it first");
    ld_central_close(c);
    r = load_at(f, day(11, 30), AT(9, 45));
    assert_int_equal(result_of(r, ADA)->late_l, 2); /* still 09:10 */
    assert_int_equal(result_of(r, ADA)->late_minutes, 5 * 40 + 20 + 12);
    ld_report_free(r);
}

/* Runs `latedoor report mis-export` into dir; the CSV it wrote (free it) and what it said. */
static char *mis_export(const struct fx *f, const char *dir, char *out, size_t outlen)
{
    char args[256], name[256];
    snprintf(args, sizeof args, "mis-export --out %s/%s", f->dir, dir);
    if (report_cli(f, args, out, outlen) != 0)
        fail_msg("mis-export: %s", out);
    const char *slash = strrchr(out, '/');
    assert_non_null(slash);
    snprintf(name, sizeof name, "%s", slash + 1);
    name[strcspn(name, "\n")] = '\0';
    assert_int_equal(strncmp(name, "mis-changes-", 12), 0);
    snprintf(args, sizeof args, "%s/%s", f->dir, dir);
    return page_slurp(args, name);
}

/*
 * The MIS export of what changed: the first is everything, the next nothing, then only the
 * sessions corrected since (a void: no late mark; a new time: L instead of U), and a new arrival.
 */
static void mis_export_of_changes(void **state)
{
    struct fx *f = *state;
    char out[4096], args[256], msg[1024] = "";
    char *csv = mis_export(f, "first", out, sizeof out);
    page_must_hold(out, "(the first export: everything)");
    page_must_hold(csv, "UPN,Date,Session,Code,Minutes Late,Reason,Change\r\n");
    /* Ada 7 late sessions, Ben 6, Dan 1, Finn 4 L and 2 M: 20 (Eve's visit is not on roll) */
    page_must_hold(out, "20 sessions");
    assert_int_equal(page_count(csv, ",new\r\n"), 20);
    page_must_hold(csv, "B300000000001,2026-11-30,AM,U,45,Traffic,new\r\n");
    free(csv);
    csv = mis_export(f, "second", out, sizeof out);
    page_must_hold(out, "0 sessions changed since the last export");
    assert_int_equal(page_count(csv, "\r\n"), 1);
    free(csv);

    snprintf(args, sizeof args, "void door-1:%lld --staff j.fenwick", (long long)f->ben_thursday);
    assert_int_equal(report_cli(f, args, out, sizeof out), 0);
    snprintf(args, sizeof args, "retime door-1:%lld --time 09:10 --staff j.fenwick",
             (long long)f->ada_monday);
    assert_int_equal(report_cli(f, args, out, sizeof out), 0);
    struct ld_central *c = open_admin(f);
    arrive(f, c, "gate-1", CARA, day(11, 30), AT(9, 15), NULL);
    arrive(f, c, "gate-1", DAN, day(11, 30), AT(8, 40), NULL); /* on time: nothing to tell */
    int64_t seq = 0, at = 0;
    assert_int_equal(ld_mis_export_last(c, SCHOOL, &seq, &at, M), LD_OK);
    assert_true(seq > 0 && at > 0);
    ld_central_close(c);
    csv = mis_export(f, "third", out, sizeof out);
    page_must_hold(out, "3 sessions changed since the last export");
    assert_int_equal(page_count(csv, "\r\n"), 4);
    page_must_hold(csv, "B300000000002,2026-11-26,AM,,,,no late mark\r\n");
    page_must_hold(csv, "B300000000001,2026-11-30,AM,L,20,Traffic,changed\r\n");
    page_must_hold(csv, "B300000000003,2026-11-30,AM,L,25,,new\r\n");
    free(csv);

    /* a last export that is not one is named, and nothing is written */
    c = open_admin(f);
    struct ld_central_orec rec = {.kind = LD_OREC_MIS_EXPORT, .updated_ms = 1};
    snprintf(rec.key, sizeof rec.key, SCHOOL);
    snprintf(rec.school, sizeof rec.school, SCHOOL);
    snprintf(rec.value, sizeof rec.value, "{\"global_seq\":\"x\"}");
    assert_int_equal(ld_central_orec_put(c, &rec, M), LD_OK);
    ld_central_close(c);
    snprintf(args, sizeof args, "mis-export --out %s/fourth", f->dir);
    assert_int_not_equal(report_cli(f, args, out, sizeof out), 0);
    page_must_hold(out, "not a last export");
    snprintf(args, sizeof args, "%s/fourth", f->dir);
    assert_int_not_equal(access(args, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(no_import_nothing_known, setup, teardown),
        cmocka_unit_test_setup_teardown(import_up_to_friday, setup, teardown),
        cmocka_unit_test_setup_teardown(everyone_signs_in, setup, teardown),
        cmocka_unit_test_setup_teardown(school_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(claimed_reason_waits_for_staff, setup, teardown),
        cmocka_unit_test_setup_teardown(future_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(unvoid_and_new_time, setup, teardown),
        cmocka_unit_test_setup_teardown(mis_export_of_changes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
