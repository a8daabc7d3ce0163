/* report.c: gathering a school's log, roster, calendar and MIS marks, and running the core. */
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ld_flags.h"
#include "store.h"

#define EVENTS_MAX 20000000 /* events of one school read at once: decades of a large school */

static ld_err fail(ld_err err, char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ld_err fail(ld_err err, char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg && msglen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return err;
}

#define BAD(err, ...) fail(err, msg, msglen, __VA_ARGS__)

void ld_report_short_date(ld_date d, char *buf, size_t len)
{
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, day;
    ld_date_to_ymd(d, &y, &m, &day);
    snprintf(buf, len, "%s %d %s", wd[ld_date_weekday(d)], day, mon[m - 1]);
}

void ld_report_stage_text(const struct ld_pupil_result *p, char *buf, size_t len)
{
    if (p->stage_label && p->stage_label[0])
        snprintf(buf, len, "%s", p->stage_label);
    else
        snprintf(buf, len, "%d", p->stage);
}

void ld_report_registers_text(const struct ld_report *r, char *buf, size_t len)
{
    char d[16];
    if (!r->has_mis_marks) {
        snprintf(buf, len, "no register data yet");
        return;
    }
    ld_report_short_date(r->registers_until, d, sizeof d);
    snprintf(buf, len, "registers known up to %s", d);
}

void ld_report_duration(int minutes, char *buf, size_t len)
{
    if (minutes < 60)
        snprintf(buf, len, "%d min", minutes < 0 ? 0 : minutes);
    else if (minutes % 60 == 0)
        snprintf(buf, len, "%d h", minutes / 60);
    else
        snprintf(buf, len, "%d h %d min", minutes / 60, minutes % 60);
}

/* ---- settings ---- */

static const char *setting(const struct ld_central_settings *s, const char *key)
{
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->items[i].key, key))
            return s->items[i].value;
    return NULL;
}

static ld_err time_setting(const struct ld_central_settings *s, const char *key, ld_minute *out,
                           char *msg, size_t msglen)
{
    const char *v = setting(s, key);
    if (v && !ld_minute_parse(v, out))
        return BAD(LD_ERR_INVALID, "settings: %s: \"%.16s\" is not HH:MM", key, v);
    return LD_OK;
}

static ld_err reason_code(const char *text, const char *key, enum ld_code *out, char *msg,
                          size_t msglen)
{
    if (!strcmp(text, "-")) {
        *out = LD_CODE_NONE;
        return LD_OK;
    }
    if (!ld_code_parse(text, out))
        return BAD(LD_ERR_INVALID, "settings: %s: \"%.8s\" is not an attendance code or -", key,
                   text);
    return LD_OK;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    size_t k = strspn(s, " \t");
    memmove(s, s + k, n - k + 1);
}

/* "Medical appointment = -, M" */
static ld_err parse_reason(const char *key, const char *value, struct ld_config_reason *out,
                           char *msg, size_t msglen)
{
    char buf[LD_CENTRAL_SETTING_VALUE_MAX + 1];
    snprintf(buf, sizeof buf, "%s", value);
    char *eq = strrchr(buf, '=');
    char *comma = eq ? strchr(eq, ',') : NULL;
    if (!eq || !comma)
        return BAD(LD_ERR_INVALID, "settings: %s: not \"name = code, code\"", key);
    *eq = 0;
    *comma = 0;
    char *before = eq + 1, *after = comma + 1;
    trim(buf);
    trim(before);
    trim(after);
    if (!buf[0] || strlen(buf) > LD_CONFIG_REASON_MAX)
        return BAD(LD_ERR_INVALID, "settings: %s: a reason's name is 1 to %d bytes", key,
                   LD_CONFIG_REASON_MAX);
    memset(out, 0, sizeof *out);
    memcpy(out->name, buf, strlen(buf) + 1);
    ld_err err = reason_code(before, key, &out->rule.before_close, msg, msglen);
    if (!err)
        err = reason_code(after, key, &out->rule.after_close, msg, msglen);
    /* the kiosks' own rule (config.c): only codes that fit a child who is at the late door */
    bool first = !ld_config_door_code(out->rule.before_close, false);
    if (!err && (first || !ld_config_door_code(out->rule.after_close, true)))
        err =
            BAD(LD_ERR_INVALID,
                "settings: %s: reason \"%s\": %s makes no sense for a child who arrives late "
                "%s the register closes: use -, %s, M, I, R, J1 or C",
                key, out->name, ld_code_str(first ? out->rule.before_close : out->rule.after_close),
                first ? "before" : "after", first ? "L" : "U");
    return err;
}

/*
 * The school's arrival mode, bands and pattern thresholds, read as the kiosks read them
 * (ld_config_apply_setting, the file's own checks) over the defaults of a school.ini.
 */
static ld_err apply_school_rules(struct ld_report *r, const struct ld_central_settings *s,
                                 char *msg, size_t msglen)
{
    struct ld_config cfg;
    char problem[160];
    ld_config_default(&cfg);
    for (size_t i = 0; i < s->count; i++) {
        ld_err err = ld_config_apply_setting(&cfg, s->items[i].key, s->items[i].value, problem,
                                             sizeof problem);
        if (err == LD_ERR_NOT_FOUND)
            continue; /* not one of these */
        if (err)
            return BAD(err, "settings: %s: %s", s->items[i].key, problem);
    }
    r->everyone_signs_in = cfg.arrival_mode == LD_ARRIVAL_EVERYONE;
    const char *languages = setting(s, "kiosk.languages"); /* checked above as the kiosks do */
    snprintf(r->languages, sizeof r->languages, "%s", languages ? languages : "");
    memcpy(r->bands, cfg.bands, sizeof r->bands);
    r->band_count = cfg.band_count;
    r->patterns = cfg.patterns;
    return LD_OK;
}

static ld_err apply_settings(struct ld_report *r, const struct ld_central_settings *s, char *msg,
                             size_t msglen)
{
    const char *field = NULL, *problem = NULL;
    ld_err err;
    ld_sessions_default(&r->sessions);
    snprintf(r->timezone, sizeof r->timezone, "Europe/London");
    const char *tz = setting(s, "timezone");
    if (tz) {
        if (!tz[0] || strlen(tz) > LD_CONFIG_TZ_MAX)
            return BAD(LD_ERR_INVALID, "settings: timezone: not a zone name");
        snprintf(r->timezone, sizeof r->timezone, "%s", tz);
    }
    if ((err = time_setting(s, "sessions.am_start", &r->sessions.am.start, msg, msglen)) ||
        (err = time_setting(s, "sessions.am_register_closes", &r->sessions.am.register_closes, msg,
                            msglen)) ||
        (err = time_setting(s, "sessions.pm_start", &r->sessions.pm.start, msg, msglen)) ||
        (err = time_setting(s, "sessions.pm_register_closes", &r->sessions.pm.register_closes, msg,
                            msglen)))
        return err;
    if (ld_sessions_check(&r->sessions, &field, &problem))
        return BAD(LD_ERR_INVALID, "settings: sessions.%s: %s", field, problem);
    if ((err = apply_school_rules(r, s, msg, msglen)))
        return err;
    bool any = false;
    for (size_t i = 0; i < s->count; i++) {
        if (strncmp(s->items[i].key, "reason.", 7))
            continue;
        if (!any) {
            r->reason_count = 0;
            any = true;
        }
        if (r->reason_count >= LD_CONFIG_MAX_REASONS)
            return BAD(LD_ERR_RANGE, "settings: more than %d reasons", LD_CONFIG_MAX_REASONS);
        struct ld_config_reason *cr = &r->reasons[r->reason_count];
        if ((err = parse_reason(s->items[i].key, s->items[i].value, cr, msg, msglen)))
            return err;
        for (size_t j = 0; j < r->reason_count; j++)
            if (!strcmp(r->reasons[j].name, cr->name))
                return BAD(LD_ERR_DUPLICATE, "settings: %s: reason \"%s\" given twice",
                           s->items[i].key, cr->name);
        r->reason_count++;
    }
    if (!any) {
        struct ld_config def;
        ld_config_default(&def);
        memcpy(r->reasons, def.reasons, sizeof r->reasons);
        r->reason_count = def.reason_count;
    }
    return LD_OK;
}

ld_err ld_report_check_settings(const struct ld_central_settings *s, char *msg, size_t msglen)
{
    struct ld_report *r = calloc(1, sizeof *r);
    if (!r)
        return BAD(LD_ERR_NOMEM, "settings: out of memory");
    ld_err err = apply_settings(r, s, msg, msglen);
    free(r);
    return err;
}

/* ---- events to arrivals ---- */

struct ref {
    const char *device;
    int64_t seq;
    size_t arrival;
};

static int ref_cmp(const void *a, const void *b)
{
    const struct ref *x = a, *y = b;
    int c = strcmp(x->device, y->device);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct ld_report_arrival *find_ref(struct ld_report *r, const struct ref *refs, size_t n,
                                          const struct ld_central_event *e)
{
    struct ref key = {e->ref_device, e->ref_seq, 0};
    const struct ref *hit = n ? bsearch(&key, refs, n, sizeof *refs, ref_cmp) : NULL;
    return hit ? &r->arrivals[hit->arrival] : NULL;
}

static int arrival_cmp(const void *a, const void *b)
{
    const struct ld_report_arrival *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->minute != y->minute)
        return x->minute < y->minute ? -1 : 1;
    return x->ev->global_seq < y->ev->global_seq ? -1 : x->ev->global_seq > y->ev->global_seq;
}

static const struct ld_reason_rule *rule_of(const struct ld_report *r, const char *reason)
{
    for (size_t i = 0; reason && reason[0] && i < r->reason_count; i++)
        if (!strcmp(r->reasons[i].name, reason))
            return &r->reasons[i].rule;
    return NULL;
}

long ld_report_find_pupil(const struct ld_report *r, const char *upn)
{
    /* the roster is small; a linear scan keeps it in file order */
    for (size_t i = 0; i < r->roster.count; i++)
        if (!strcmp(r->roster.pupils[i].upn, upn))
            return (long)i;
    return -1;
}

static int upn_idx_cmp(const void *a, const void *b, void *ctx)
{
    const struct ld_roster *ro = ctx;
    return strcmp(ro->pupils[*(const size_t *)a].upn, ro->pupils[*(const size_t *)b].upn);
}

static ld_err build_arrivals(struct ld_report *r, const struct ld_tz *tz, char *msg, size_t msglen)
{
    size_t na = 0;
    for (size_t i = 0; i < r->nevents; i++)
        na += r->events[i].kind == LD_CEV_ARRIVAL;
    r->arrivals = calloc(na + 1, sizeof *r->arrivals);
    struct ref *refs = calloc(na + 1, sizeof *refs);
    size_t *by_upn = calloc(r->roster.count + 1, sizeof *by_upn);
    ld_err err = LD_OK;
    if (!r->arrivals || !refs || !by_upn) {
        err = BAD(LD_ERR_NOMEM, "report: out of memory for %zu arrivals", na);
        goto out;
    }
    for (size_t i = 0; i < r->roster.count; i++)
        by_upn[i] = i;
    qsort_r(by_upn, r->roster.count, sizeof *by_upn, upn_idx_cmp, &r->roster);
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ld_central_event *e = &r->events[i];
        if (e->kind != LD_CEV_ARRIVAL)
            continue;
        struct ld_report_arrival *a = &r->arrivals[r->narrivals];
        a->ev = e;
        a->reason = a->first_reason = e->reason;
        a->claim = "";
        a->pupil = -1;
        size_t lo = 0, hi = r->roster.count;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(r->roster.pupils[by_upn[mid]].upn, e->upn);
            if (!c) {
                a->pupil = (long)by_upn[mid];
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        a->touched_seq = e->global_seq;
        refs[r->narrivals] = (struct ref){e->device_id, e->seq, r->narrivals};
        r->narrivals++;
    }
    qsort(refs, r->narrivals, sizeof *refs, ref_cmp);
    /* corrections, in the global order: the last reason given stands */
    int64_t *fixed = calloc(r->narrivals + 1, sizeof *fixed);
    /* what each void names, to find un-voids: a void whose ref is a void undoes that void */
    struct ref *voided = calloc(r->nevents + 1, sizeof *voided);
    size_t nvoided = 0;
    if (!fixed || !voided) {
        free(fixed);
        free(voided);
        err = BAD(LD_ERR_NOMEM, "report: out of memory");
        goto out;
    }
    for (size_t i = 0; i < r->nevents; i++)
        if (r->events[i].kind == LD_CEV_VOID)
            voided[nvoided++] = (struct ref){r->events[i].ref_device, r->events[i].ref_seq, i};
    qsort(voided, nvoided, sizeof *voided, ref_cmp);
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ld_central_event *e = &r->events[i];
        if (e->kind != LD_CEV_REASON && e->kind != LD_CEV_VOID && e->kind != LD_CEV_CLOCK_REPAIR)
            continue;
        struct ld_report_arrival *a = find_ref(r, refs, r->narrivals, e);
        if (!a)
            continue;
        if (e->global_seq > a->touched_seq)
            a->touched_seq = e->global_seq;
        /* a claim of a reason that can change no mark ("Traffic = -, -") is taken as said */
        if (e->kind == LD_CEV_REASON && ld_reason_is_claim(e->source, e->staff) &&
            ld_reason_rule_changes_code(rule_of(r, e->reason))) {
            a->claim = e->reason; /* the mark stays L or U until staff confirm it */
        } else if (e->kind == LD_CEV_REASON) {
            /* staff's reason replaces one given before, or a claim they did not confirm as is */
            if (a->reason[0] || (a->claim[0] && strcmp(a->claim, e->reason) != 0)) {
                a->amended = true;
                if (!a->reason[0])
                    a->first_reason = a->claim;
            } else {
                a->first_reason = e->reason;
            }
            a->claim = "";
            a->reason = e->reason;
            a->reason_ev = e;
        } else if (e->kind == LD_CEV_VOID) {
            struct ref key = {e->device_id, e->seq, 0};
            const struct ref *undo =
                bsearch(&key, voided, nvoided, sizeof *voided, ref_cmp); /* nvoided >= 1 here */
            if (undo) {
                a->unvoid_ev = &r->events[undo->arrival];
                if (a->unvoid_ev->global_seq > a->touched_seq)
                    a->touched_seq = a->unvoid_ev->global_seq;
                continue;
            }
            a->voided = true;
            a->void_ev = e;
        } else {
            a->retime_ev = e->source == LD_CSRC_OFFICE ? e : NULL;
            fixed[a - r->arrivals] = e->fixed_at_ms;
        }
    }
    for (size_t i = 0; !err && i < r->narrivals; i++) {
        struct ld_report_arrival *a = &r->arrivals[i];
        int64_t at = fixed[i] ? fixed[i] : a->ev->at_ms;
        a->clock_repaired = fixed[i] != 0;
        a->clock_unsure = !fixed[i] && a->ev->clock_state != LD_CLOCK_OK;
        if (ld_clock_to_local(tz, at, &a->date, &a->minute, NULL))
            err = BAD(LD_ERR_CORRUPT,
                      "report: events row global_seq %" PRId64 ": field at_ms: not a local time",
                      a->ev->global_seq);
    }
    free(fixed);
    free(voided);
    if (err)
        goto out;
    qsort(r->arrivals, r->narrivals, sizeof *r->arrivals, arrival_cmp);
out:
    free(refs);
    free(by_upn);
    return err;
}

/* ---- the core ---- */

void ld_report_arrivals_of_day(const struct ld_report *r, ld_date day, size_t *first, size_t *end)
{
    size_t lo = 0, hi = r->narrivals;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->arrivals[mid].date < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < r->narrivals && r->arrivals[lo].date == day)
        lo++;
    *end = lo;
}

static int mark_key_cmp(const void *a, const void *b)
{
    const struct ld_central_mark *x = a, *y = b;
    int c = strcmp(x->upn, y->upn);
    if (c)
        return c;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->session - y->session;
}

/* Returns the index of the MIS mark of upn's session, or -1 (r->marks is sorted by the store). */
static long mis_mark_of(const struct ld_report *r, const char *upn, ld_date date, int session)
{
    struct ld_central_mark key = {.date = date, .session = session};
    snprintf(key.upn, sizeof key.upn, "%s", upn);
    const struct ld_central_mark *hit =
        r->marks.count ? bsearch(&key, r->marks.items, r->marks.count, sizeof key, mark_key_cmp)
                       : NULL;
    return hit ? (long)(hit - r->marks.items) : -1;
}

/* True when pupil p is on roll on day (the roster's admission and leaving days). */
static bool on_roll(const struct ld_roster_pupil *p, ld_date day)
{
    return (!p->has_admitted || day >= p->admitted) && (!p->has_left || day <= p->left);
}

bool ld_report_arrival_on_roll(const struct ld_report *r, const struct ld_report_arrival *a)
{
    return a->pupil >= 0 && on_roll(&r->roster.pupils[a->pupil], a->date);
}

/* True when an arrival is after the report's present minute (a report of today). */
static bool after_now(const struct ld_report *r, const struct ld_report_arrival *a)
{
    return a->date > r->as_of ||
           (a->date == r->as_of && r->as_of_minute >= 0 && a->minute > r->as_of_minute);
}

/* Decides which arrival of each pupil's session counts: the earliest that is not voided. */
static ld_err mark_deciding(struct ld_report *r, char *msg, size_t msglen)
{
    ld_date *seen_day = calloc(r->roster.count + 1, sizeof *seen_day);
    unsigned char *seen = calloc(r->roster.count + 1, 1);
    ld_err err = LD_OK;
    if (!seen_day || !seen)
        err = BAD(LD_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; !err && i < r->narrivals; i++) {
        struct ld_report_arrival *a = &r->arrivals[i];
        ld_classify_arrival(&r->sessions, a->minute, rule_of(r, a->reason), &a->cls);
        if (a->voided || a->pupil < 0 || after_now(r, a))
            continue;
        size_t p = (size_t)a->pupil;
        if (seen_day[p] != a->date || !seen[p]) {
            seen_day[p] = a->date;
            seen[p] = 0x80;
        }
        unsigned bit = 1u << a->cls.session;
        a->decides = !(seen[p] & bit);
        seen[p] |= (unsigned char)bit;
    }
    free(seen_day);
    free(seen);
    return err;
}

static int conflict_cmp(const void *a, const void *b, void *ctx)
{
    const struct ld_report_conflict *x = a, *y = b;
    const struct ld_roster *ro = ctx;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->session != y->session)
        return x->session < y->session ? -1 : 1;
    return strcmp(ro->pupils[x->pupil].upn, ro->pupils[y->pupil].upn);
}

/*
 * Gives an MIS late mark without minutes the kiosk's minutes (fill[k] for mark k, -1: none),
 * and finds the sessions the core cannot see disagree: the office voided the only arrival of a
 * session that the MIS has as L or U.
 */
static ld_err find_voided_conflicts(struct ld_report *r, int *fill, char *msg, size_t msglen)
{
    r->conflicts = calloc(r->narrivals + 1, sizeof *r->conflicts);
    if (!r->conflicts)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; i < r->narrivals; i++) {
        const struct ld_report_arrival *a = &r->arrivals[i];
        if (a->pupil < 0 || after_now(r, a) || !ld_calendar_is_school_day(r->cal, a->date) ||
            !(a->decides || a->voided) || !on_roll(&r->roster.pupils[a->pupil], a->date))
            continue;
        const char *upn = r->roster.pupils[a->pupil].upn;
        long k = mis_mark_of(r, upn, a->date, (int)a->cls.session);
        enum ld_code mark;
        if (k < 0 || !ld_code_parse(r->marks.items[k].code, &mark))
            continue;
        if (a->decides) {
            if (r->marks.items[k].minutes < 0 && ld_code_is_late(mark) && a->cls.late)
                fill[k] = a->cls.minutes_late;
            continue;
        }
        /* a voided arrival: a conflict only when nothing else in that session counts */
        bool counted = false, listed = false;
        size_t j = i;
        while (j > 0 && r->arrivals[j - 1].date == a->date)
            j--;
        for (; j < r->narrivals && r->arrivals[j].date == a->date && !counted; j++) {
            const struct ld_report_arrival *b = &r->arrivals[j];
            counted = b->decides && b->pupil == a->pupil && b->cls.session == a->cls.session;
        }
        for (size_t c = 0; c < r->nconflicts && !listed; c++)
            listed = r->conflicts[c].pupil == a->pupil && r->conflicts[c].date == a->date &&
                     r->conflicts[c].session == a->cls.session;
        if (counted || listed || !ld_code_is_late(mark))
            continue;
        r->conflicts[r->nconflicts++] =
            (struct ld_report_conflict){a->pupil, a->date, a->cls.session, mark, a, true};
    }
    return LD_OK;
}

/*
 * Adds the core's conflicts (an MIS mark against the arrival that would decide the session),
 * each with the arrival the office can correct, to the voided ones; sorts them all.
 */
static ld_err core_conflicts(struct ld_report *r, char *msg, size_t msglen)
{
    size_t n = ld_result_conflict_count(r->result);
    struct ld_report_conflict *all =
        realloc(r->conflicts, (r->nconflicts + n + 1) * sizeof *r->conflicts);
    if (!all)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    r->conflicts = all;
    for (size_t k = 0; k < n; k++) {
        const struct ld_conflict *c = ld_result_conflict(r->result, k);
        long p = ld_report_find_pupil(r, c->pupil);
        const struct ld_report_arrival *a = NULL;
        size_t first, end;
        ld_report_arrivals_of_day(r, c->date, &first, &end);
        for (size_t i = first; i < end && !a; i++)
            if (r->arrivals[i].pupil == p && r->arrivals[i].decides &&
                r->arrivals[i].cls.session == c->session)
                a = &r->arrivals[i];
        if (p < 0 || !a)
            continue; /* the core saw an arrival the report did not: cannot happen */
        r->conflicts[r->nconflicts++] =
            (struct ld_report_conflict){p, c->date, c->session, c->mark, a, false};
    }
    qsort_r(r->conflicts, r->nconflicts, sizeof *r->conflicts, conflict_cmp, &r->roster);
    return LD_OK;
}

/*
 * In a school where everyone signs in, a pupil with no arrival on a day past the MIS's
 * registers, once the morning register has closed, is N for that morning (no reason known yet).
 */
static ld_err add_sign_in_marks(struct ld_report *r, char *msg, size_t msglen)
{
    size_t ndays = ld_calendar_days_upto(r->cal, r->as_of);
    unsigned char *arrived = calloc(r->roster.count + 1, 1);
    ld_err err = LD_OK;
    if (!arrived)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    size_t ai = 0;
    for (size_t d = 0; !err && d < ndays; d++) {
        ld_date day = ld_calendar_school_day(r->cal, d);
        memset(arrived, 0, r->roster.count);
        while (ai < r->narrivals && r->arrivals[ai].date < day)
            ai++;
        for (size_t k = ai; k < r->narrivals && r->arrivals[k].date == day; k++)
            if (r->arrivals[k].decides)
                arrived[r->arrivals[k].pupil] = 1;
        if ((r->has_mis_marks && day <= r->registers_until) ||
            (day == r->as_of && r->as_of_minute >= 0 &&
             r->as_of_minute < r->sessions.am.register_closes))
            continue;
        for (size_t p = 0; !err && p < r->roster.count; p++) {
            const char *upn = r->roster.pupils[p].upn;
            if (arrived[p] || !on_roll(&r->roster.pupils[p], day) ||
                mis_mark_of(r, upn, day, LD_AM) >= 0)
                continue;
            if ((err = ld_school_add_mark(r->school, upn, day, LD_AM, LD_CODE_N, -1)))
                err = BAD(err, "report: sign-in mark of %s: %s", upn, ld_err_str(err));
        }
    }
    free(arrived);
    return err;
}

static ld_err run_core(struct ld_report *r, char *msg, size_t msglen)
{
    ld_err err = ld_school_create(r->cal, &r->sessions, &r->school);
    if (err)
        return BAD(err, "report: the core refused the sessions");
    if ((err = ld_school_set_bands(r->school, r->bands, r->band_count)) ||
        (err = ld_school_set_rules(r->school, &r->patterns)))
        return BAD(err, "report: the core refused the school's bands or patterns");
    for (size_t i = 0; i < r->reason_count; i++)
        if ((err = ld_school_add_reason(r->school, r->reasons[i].name, &r->reasons[i].rule)))
            return BAD(err, "report: reason \"%s\": %s", r->reasons[i].name, ld_err_str(err));
    for (size_t i = 0; i < r->roster.count; i++) {
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        if ((err = ld_school_add_pupil(r->school, p->upn, p->class_name, p->family, p->flags)))
            return BAD(err, "report: roster row %zu (%s): %s", i + 1, p->upn, ld_err_str(err));
        /* a pupil who joined mid-year or has left: no session off roll counts */
        if ((p->has_admitted || p->has_left) &&
            (err = ld_school_set_on_roll(r->school, p->upn, p->has_admitted ? &p->admitted : NULL,
                                         p->has_left ? &p->left : NULL)))
            return BAD(err, "report: roster row %zu (%s): days on roll: %s", i + 1, p->upn,
                       ld_err_str(err));
    }
    /* the arrivals in time order; the first of a pupil's session decides its mark */
    if ((err = mark_deciding(r, msg, msglen)))
        return err;
    for (size_t i = 0; i < r->narrivals; i++) {
        const struct ld_report_arrival *a = &r->arrivals[i];
        if (a->voided || a->pupil < 0 || after_now(r, a))
            continue;
        const char *upn = r->roster.pupils[a->pupil].upn;
        if ((err = ld_school_add_arrival(r->school, upn, a->date, a->minute, a->reason)))
            return BAD(err, "report: arrival of %s: %s", upn, ld_err_str(err));
    }
    int *fill = calloc(r->marks.count + 1, sizeof *fill);
    if (!fill)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; i < r->marks.count; i++)
        fill[i] = -1;
    err = find_voided_conflicts(r, fill, msg, msglen);
    for (size_t i = 0; !err && i < r->marks.count; i++) {
        const struct ld_central_mark *m = &r->marks.items[i];
        enum ld_code code;
        if (!ld_school_has_pupil(r->school, m->upn) || !ld_code_parse(m->code, &code))
            continue; /* a pupil who has left the roster */
        if ((err = ld_school_add_mark(r->school, m->upn, m->date, (enum ld_session_id)m->session,
                                      code, m->minutes >= 0 ? m->minutes : fill[i])))
            err = BAD(err, "report: MIS mark %zu (%s): %s", i + 1, m->upn, ld_err_str(err));
    }
    free(fill);
    if (!err && r->everyone_signs_in)
        err = add_sign_in_marks(r, msg, msglen);
    if (err)
        return err;
    /* what is known: the MIS's registers up to their last day; nothing without an import */
    struct ld_as_of when;
    ld_as_of_day(r->as_of, &when);
    when.minute = r->as_of_minute < 0 ? LD_AS_OF_NO_TIME : r->as_of_minute;
    if (r->has_mis_marks)
        when.registers_until = r->registers_until < r->as_of ? r->registers_until : r->as_of;
    else
        when.registers_until = ld_calendar_days_upto(r->cal, r->as_of)
                                   ? ld_calendar_school_day(r->cal, 0) - 1
                                   : r->as_of - 1;
    if ((err = ld_school_analyse_at(r->school, &when, &r->result)))
        return BAD(err, "report: the core could not analyse: %s", ld_err_str(err));
    if ((err = core_conflicts(r, msg, msglen)))
        return err;
    r->result_of_pupil = calloc(r->roster.count + 1, sizeof *r->result_of_pupil);
    if (!r->result_of_pupil)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; i < r->roster.count; i++)
        r->result_of_pupil[i] = ld_result_find(r->result, r->roster.pupils[i].upn);
    /* the calling list only from real evidence: today's MIS marks, or everyone's sign-in */
    bool mis_today = false;
    for (size_t i = 0; i < r->marks.count && !mis_today; i++)
        mis_today = r->marks.items[i].date == r->as_of && r->marks.items[i].session == 0;
    if (mis_today)
        r->call_basis = LD_REPORT_CALLS_MIS;
    else if (r->everyone_signs_in &&
             (r->as_of_minute < 0 || r->as_of_minute >= r->sessions.am.register_closes))
        r->call_basis = LD_REPORT_CALLS_SIGN_IN;
    return LD_OK;
}

const struct ld_pupil_result *ld_report_pupil_result(const struct ld_report *r, size_t i)
{
    if (i >= r->roster.count || r->result_of_pupil[i] < 0)
        return NULL;
    return ld_result_pupil(r->result, (size_t)r->result_of_pupil[i]);
}

bool ld_report_needs_letter(const struct ld_report *r, size_t i)
{
    const struct ld_pupil_result *p = ld_report_pupil_result(r, i);
    if (!p)
        return false;
    bool improving_only = p->npatterns == 1 && p->patterns[0].kind == LD_PAT_IMPROVING;
    return p->npatterns > 0 && !improving_only;
}

bool ld_report_needs_attendance(const struct ld_report *r, size_t i)
{
    const struct ld_pupil_result *p = ld_report_pupil_result(r, i);
    return p && r->has_mis_marks && p->attendance.has_pct &&
           (p->attendance.persistent || (p->has_stage && p->stage >= 1));
}

bool ld_report_needs_action(const struct ld_report *r, size_t i)
{
    return ld_report_needs_letter(r, i) || ld_report_needs_attendance(r, i);
}

enum ld_report_need ld_report_need_of(const struct ld_report *r, size_t i)
{
    const struct ld_pupil_result *p = ld_report_pupil_result(r, i);
    bool attendance = ld_report_needs_attendance(r, i);
    if (attendance && p->attendance.severe)
        return LD_NEED_SEVERE;
    if (attendance && p->attendance.persistent)
        return LD_NEED_PERSISTENT;
    if (ld_report_needs_letter(r, i))
        return p->flags & (LD_FLAG_CP | LD_FLAG_LAC | LD_FLAG_CIN) ? LD_NEED_FLAGGED_PATTERN
                                                                   : LD_NEED_PATTERN;
    return attendance ? LD_NEED_STAGE : LD_NEED_NONE;
}

const char *ld_report_need_text(const struct ld_report *r, size_t i)
{
    const struct ld_pupil_result *p = ld_report_pupil_result(r, i);
    switch (ld_report_need_of(r, i)) {
    case LD_NEED_SEVERE:
        return "severe absence";
    case LD_NEED_PERSISTENT:
        return "persistent absence";
    case LD_NEED_FLAGGED_PATTERN:
        return p->flags & LD_FLAG_CP    ? "child protection plan and a lateness pattern"
               : p->flags & LD_FLAG_LAC ? "looked after and a lateness pattern"
                                        : "child in need and a lateness pattern";
    case LD_NEED_PATTERN:
        return "a lateness pattern";
    case LD_NEED_STAGE:
        return "attendance below the school's first band";
    case LD_NEED_NONE:
        break;
    }
    return "";
}

static int priority_cmp(const void *a, const void *b, void *ctx)
{
    const struct ld_report *r = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    enum ld_report_need ni = ld_report_need_of(r, i), nj = ld_report_need_of(r, j);
    if (ni != nj)
        return ni < nj ? -1 : 1;
    const struct ld_pupil_result *p = ld_report_pupil_result(r, i),
                                 *q = ld_report_pupil_result(r, j);
    bool pk = r->has_mis_marks && p->attendance.has_pct,
         qk = r->has_mis_marks && q->attendance.has_pct;
    int lp = p->late_l + p->late_u, lq = q->late_l + q->late_u;
    /* lateness needs: the most late sessions first; absence needs: the lowest attendance */
    if ((ni == LD_NEED_FLAGGED_PATTERN || ni == LD_NEED_PATTERN) && lp != lq)
        return lp > lq ? -1 : 1;
    if (pk != qk)
        return pk ? -1 : 1;
    if (pk && p->attendance.pct != q->attendance.pct)
        return p->attendance.pct < q->attendance.pct ? -1 : 1;
    if (lp != lq)
        return lp > lq ? -1 : 1;
    const struct ld_roster_pupil *x = &r->roster.pupils[i], *y = &r->roster.pupils[j];
    int c = strcmp(x->preferred_last, y->preferred_last);
    if (!c)
        c = strcmp(x->preferred_first, y->preferred_first);
    return c ? c : strcmp(x->upn, y->upn);
}

void ld_report_priority_order(const struct ld_report *r, size_t *order, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < r->roster.count; i++)
        if (ld_report_need_of(r, i) != LD_NEED_NONE)
            order[(*n)++] = i;
    qsort_r(order, *n, sizeof *order, priority_cmp, (void *)r);
}

size_t ld_report_call_count(const struct ld_report *r)
{
    return r->call_basis == LD_REPORT_CALLS_NONE ? 0 : ld_result_call_count(r->result);
}

void ld_report_call_basis_text(const struct ld_report *r, char *buf, size_t len)
{
    char last[32] = "none imported";
    if (r->has_mis_marks)
        ld_report_short_date(r->registers_until, last, sizeof last);
    const struct ld_session_times *am = &r->sessions.am;
    switch (r->call_basis) {
    case LD_REPORT_CALLS_MIS:
        snprintf(buf, len, "from today's MIS marks");
        break;
    case LD_REPORT_CALLS_SIGN_IN:
        snprintf(buf, len, "everyone signs in: from this morning's sign-ins and MIS marks");
        break;
    case LD_REPORT_CALLS_NONE:
        if (r->everyone_signs_in)
            snprintf(buf, len,
                     "the morning register closes at %02d:%02d: the list is made from the "
                     "sign-ins then; last MIS marks: %s",
                     am->register_closes / 60, am->register_closes % 60, last);
        else
            snprintf(buf, len, "today's register is not in yet; last MIS marks: %s", last);
        break;
    }
}

/* ---- loading ---- */

static ld_err read_events(struct ld_central *c, struct ld_report *r, char *msg, size_t msglen)
{
    size_t cap = 0;
    int64_t after = 0;
    for (;;) {
        if (r->nevents + LD_CENTRAL_PULL_MAX > cap) {
            size_t ncap = cap ? cap * 2 : 4 * LD_CENTRAL_PULL_MAX;
            if (ncap > EVENTS_MAX + LD_CENTRAL_PULL_MAX)
                return BAD(LD_ERR_RANGE, "report: more than %d events", EVENTS_MAX);
            struct ld_central_event *ne = realloc(r->events, ncap * sizeof *ne);
            if (!ne)
                return BAD(LD_ERR_NOMEM, "report: out of memory for %zu events", ncap);
            r->events = ne;
            cap = ncap;
        }
        size_t n = 0;
        ld_err err = ld_central_school_events(c, r->school_id, after, r->events + r->nevents,
                                              LD_CENTRAL_PULL_MAX, &n, msg, msglen);
        if (err)
            return err;
        const struct ld_central_skip *sk = NULL;
        for (size_t i = 0, k = ld_central_skipped(c, &sk); i < k; i++, r->nskipped++)
            if (r->nskipped < LD_CENTRAL_SKIPS_KEPT && i < LD_CENTRAL_SKIPS_KEPT)
                r->skipped[r->nskipped] = sk[i];
        if (n == 0)
            return LD_OK;
        r->nevents += n;
        after = r->events[r->nevents - 1].global_seq;
    }
}

static ld_err pick_school(struct ld_central *c, const char *school, struct ld_report *r, char *msg,
                          size_t msglen)
{
    struct ld_central_school s;
    if (school) {
        ld_err err = ld_central_school_get(c, school, &s, msg, msglen);
        if (err)
            return err;
    } else {
        struct ld_central_school two[2];
        size_t n = 0;
        ld_err err = ld_central_schools(c, two, 2, &n, msg, msglen);
        if (err && err != LD_ERR_RANGE)
            return err;
        if (err || n != 1)
            return BAD(LD_ERR_INVALID, "%s: the store holds %s schools: name one with --school ID",
                       ld_central_display_url(c), n == 0 ? "no" : "several");
        s = two[0];
    }
    snprintf(r->school_id, sizeof r->school_id, "%s", s.id);
    snprintf(r->school_name, sizeof r->school_name, "%s", s.name);
    return LD_OK;
}

/* The last day of the MIS's marks of pupils on the roster: what the school's registers cover. */
static void find_registers_until(struct ld_report *r)
{
    bool on_roster = false;
    for (size_t i = 0; i < r->marks.count; i++) {
        const struct ld_central_mark *m = &r->marks.items[i];
        /* the store sorts marks by UPN: look each pupil up once, not once a mark */
        if (i == 0 || strcmp(m->upn, r->marks.items[i - 1].upn))
            on_roster = ld_report_find_pupil(r, m->upn) >= 0;
        if (!on_roster)
            continue;
        if (!r->has_mis_marks || m->date > r->registers_until)
            r->registers_until = m->date;
        r->has_mis_marks = true;
    }
}

/* Opens the school's time zone from its settings (for "today" and local times). */
static ld_err load_settings(struct ld_central *c, const char *school, struct ld_report *r,
                            struct ld_tz **tz, char *msg, size_t msglen)
{
    struct ld_central_settings settings = {0};
    int64_t v = 0;
    bool changed = false;
    ld_err err = pick_school(c, school, r, msg, msglen);
    if (!err)
        err = ld_central_get_settings(c, r->school_id, 0, &settings, &v, &changed, msg, msglen);
    if (!err)
        err = apply_settings(r, &settings, msg, msglen);
    if (!err)
        err = ld_tz_open(r->timezone, tz, msg, msglen);
    ld_central_settings_free(&settings);
    return err;
}

static ld_err load(struct ld_central *c, const char *school, ld_date day, ld_minute minute,
                   bool now, struct ld_report **out, char *msg, size_t msglen)
{
    struct ld_report *r = calloc(1, sizeof *r);
    struct ld_tz *tz = NULL;
    int64_t v = 0;
    bool changed = false;
    ld_err err;
    if (!r)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    if ((err = load_settings(c, school, r, &tz, msg, msglen)))
        goto out;
    if (now) {
        ld_date today;
        ld_minute m;
        if ((err = ld_clock_to_local(tz, (int64_t)time(NULL) * 1000, &today, &m, NULL))) {
            err = BAD(err, "report: cannot tell today's date");
            goto out;
        }
        if (day > today) {
            char ds[LD_DATE_STRLEN], ts[LD_DATE_STRLEN];
            ld_date_format(day, ds);
            ld_date_format(today, ts);
            err = BAD(LD_ERR_INVALID,
                      "report: %s is in the future (today is %s in %s): a report is of a day "
                      "that has begun",
                      ds, ts, r->timezone);
            goto out;
        }
        /* today: as of this minute; a day in the past: the whole of it */
        minute = day < 0 || day == today ? m : -1;
        if (day < 0)
            day = today;
    }
    if ((err = ld_central_get_calendar(c, r->school_id, 0, &r->calfile, &v, &changed, msg, msglen)))
        goto out;
    if (v == 0) {
        err = BAD(LD_ERR_STATE,
                  "%s: school %s has no calendar at the centre yet (latedoor report setup --config "
                  "school.ini)",
                  ld_central_display_url(c), r->school_id);
        goto out;
    }
    if ((err = ld_calendar_file_build(&r->calfile, "central calendar", &r->cal, msg, msglen)) ||
        (err = ld_central_get_roster(c, r->school_id, 0, &r->roster, &v, &changed, msg, msglen)) ||
        (err = ld_central_get_marks(c, r->school_id, &r->marks, msg, msglen)) ||
        (err = read_events(c, r, msg, msglen)))
        goto out;
    r->as_of = day;
    r->as_of_minute = minute;
    find_registers_until(r);
    if ((err = build_arrivals(r, tz, msg, msglen)) || (err = run_core(r, msg, msglen)))
        goto out;
out:
    ld_tz_close(tz);
    if (err) {
        ld_report_free(r);
        return err;
    }
    *out = r;
    return LD_OK;
}

ld_err ld_report_mis_note(struct ld_central *c, const char *school, const char *device, int64_t seq,
                          char *note, size_t notelen, char *msg, size_t msglen)
{
    struct ld_report *r = calloc(1, sizeof *r);
    struct ld_tz *tz = NULL;
    struct ld_central_event ev;
    ld_date date;
    ld_minute minute;
    ld_err err;
    note[0] = 0;
    if (!r)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    if ((err = load_settings(c, school, r, &tz, msg, msglen)) ||
        (err = ld_central_event_get(c, device, seq, &ev, msg, msglen)) ||
        (err = ld_central_get_marks(c, r->school_id, &r->marks, msg, msglen)))
        goto out;
    if (ld_clock_to_local(tz, ev.at_ms, &date, &minute, NULL)) {
        err = BAD(LD_ERR_CORRUPT, "report: event %s:%" PRId64 ": not a local time", device, seq);
        goto out;
    }
    enum ld_session_id session = ld_session_of(&r->sessions, minute);
    long k = mis_mark_of(r, ev.upn, date, (int)session);
    if (k >= 0) {
        char day[16];
        ld_report_short_date(date, day, sizeof day);
        snprintf(note, notelen, "the MIS has %s for %s %s: change it there too",
                 r->marks.items[k].code, day, session == LD_PM ? "pm" : "am");
    }
out:
    ld_tz_close(tz);
    ld_report_free(r);
    return err;
}

ld_err ld_report_load(struct ld_central *c, const char *school, ld_date as_of,
                      struct ld_report **out, char *msg, size_t msglen)
{
    return load(c, school, as_of, -1, true, out, msg, msglen);
}

ld_err ld_report_load_at(struct ld_central *c, const char *school, ld_date day, ld_minute minute,
                         struct ld_report **out, char *msg, size_t msglen)
{
    if (minute < -1 || minute >= 24 * 60)
        return BAD(LD_ERR_INVALID, "report: minute %d is not a time of day", (int)minute);
    return load(c, school, day, minute, false, out, msg, msglen);
}

void ld_report_free(struct ld_report *r)
{
    if (!r)
        return;
    ld_result_destroy(r->result);
    ld_school_destroy(r->school);
    ld_calendar_destroy(r->cal);
    ld_calendar_file_free(&r->calfile);
    ld_roster_free(&r->roster);
    ld_central_marks_free(&r->marks);
    free(r->events);
    free(r->arrivals);
    free(r->result_of_pupil);
    free(r->conflicts);
    free(r);
}
