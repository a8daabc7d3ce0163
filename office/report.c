/* report.c: gathering a school's log, roster, calendar and MIS marks, and running the core. */
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

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
    return err ? err : reason_code(after, key, &out->rule.after_close, msg, msglen);
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
        refs[r->narrivals] = (struct ref){e->device_id, e->seq, r->narrivals};
        r->narrivals++;
    }
    qsort(refs, r->narrivals, sizeof *refs, ref_cmp);
    /* corrections, in the global order: the last reason given stands */
    int64_t *fixed = calloc(r->narrivals + 1, sizeof *fixed);
    if (!fixed) {
        err = BAD(LD_ERR_NOMEM, "report: out of memory");
        goto out;
    }
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ld_central_event *e = &r->events[i];
        if (e->kind != LD_CEV_REASON && e->kind != LD_CEV_VOID && e->kind != LD_CEV_CLOCK_REPAIR)
            continue;
        struct ld_report_arrival *a = find_ref(r, refs, r->narrivals, e);
        if (!a)
            continue;
        if (e->kind == LD_CEV_REASON) {
            if (a->reason[0])
                a->amended = true;
            else
                a->first_reason = e->reason;
            a->reason = e->reason;
            a->reason_ev = e;
        } else if (e->kind == LD_CEV_VOID) {
            a->voided = true;
            a->void_ev = e;
        } else {
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
    if (err)
        goto out;
    qsort(r->arrivals, r->narrivals, sizeof *r->arrivals, arrival_cmp);
out:
    free(refs);
    free(by_upn);
    return err;
}

/* ---- the core ---- */

static ld_err run_core(struct ld_report *r, char *msg, size_t msglen)
{
    ld_err err = ld_school_create(r->cal, &r->sessions, &r->school);
    if (err)
        return BAD(err, "report: the core refused the sessions");
    for (size_t i = 0; i < r->reason_count; i++)
        if ((err = ld_school_add_reason(r->school, r->reasons[i].name, &r->reasons[i].rule)))
            return BAD(err, "report: reason \"%s\": %s", r->reasons[i].name, ld_err_str(err));
    for (size_t i = 0; i < r->roster.count; i++) {
        const struct ld_roster_pupil *p = &r->roster.pupils[i];
        if ((err = ld_school_add_pupil(r->school, p->upn, p->class_name, p->family, p->flags)))
            return BAD(err, "report: roster row %zu (%s): %s", i + 1, p->upn, ld_err_str(err));
    }
    for (size_t i = 0; i < r->marks.count; i++) {
        const struct ld_central_mark *m = &r->marks.items[i];
        enum ld_code code;
        if (!ld_school_has_pupil(r->school, m->upn) || !ld_code_parse(m->code, &code))
            continue; /* a pupil who has left the roster */
        if ((err = ld_school_add_mark(r->school, m->upn, m->date, (enum ld_session_id)m->session,
                                      code, m->minutes)))
            return BAD(err, "report: MIS mark %zu (%s): %s", i + 1, m->upn, ld_err_str(err));
        r->has_mis_marks = true;
    }
    /* the arrivals in time order; the first of a pupil's session decides its mark */
    ld_date *seen_day = calloc(r->roster.count + 1, sizeof *seen_day);
    unsigned char *seen = calloc(r->roster.count + 1, 1);
    if (!seen_day || !seen)
        err = BAD(LD_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; !err && i < r->narrivals; i++) {
        struct ld_report_arrival *a = &r->arrivals[i];
        ld_classify_arrival(&r->sessions, a->minute, rule_of(r, a->reason), &a->cls);
        if (a->voided || a->pupil < 0)
            continue;
        const char *upn = r->roster.pupils[a->pupil].upn;
        if ((err = ld_school_add_arrival(r->school, upn, a->date, a->minute, a->reason))) {
            err = BAD(err, "report: arrival of %s: %s", upn, ld_err_str(err));
            break;
        }
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
    if (err)
        return err;
    if ((err = ld_school_analyse(r->school, r->as_of, &r->result)))
        return BAD(err, "report: the core could not analyse: %s", ld_err_str(err));
    r->result_of_pupil = calloc(r->roster.count + 1, sizeof *r->result_of_pupil);
    if (!r->result_of_pupil)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    for (size_t i = 0; i < r->roster.count; i++)
        r->result_of_pupil[i] = ld_result_find(r->result, r->roster.pupils[i].upn);
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

bool ld_report_needs_action(const struct ld_report *r, size_t i)
{
    const struct ld_pupil_result *p = ld_report_pupil_result(r, i);
    if (!p)
        return false;
    return ld_report_needs_letter(r, i) ||
           (r->has_mis_marks && (p->attendance.persistent || (p->has_stage && p->stage >= 1)));
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

ld_err ld_report_load(struct ld_central *c, const char *school, ld_date as_of,
                      struct ld_report **out, char *msg, size_t msglen)
{
    struct ld_report *r = calloc(1, sizeof *r);
    struct ld_central_settings settings = {0};
    struct ld_tz *tz = NULL;
    int64_t v = 0;
    bool changed = false;
    ld_err err;
    if (!r)
        return BAD(LD_ERR_NOMEM, "report: out of memory");
    if ((err = pick_school(c, school, r, msg, msglen)) ||
        (err = ld_central_get_settings(c, r->school_id, 0, &settings, &v, &changed, msg, msglen)))
        goto out;
    if ((err = apply_settings(r, &settings, msg, msglen)))
        goto out;
    if ((err = ld_tz_open(r->timezone, &tz, msg, msglen)))
        goto out;
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
    if (as_of < 0) {
        ld_minute m;
        if ((err = ld_clock_to_local(tz, (int64_t)time(NULL) * 1000, &as_of, &m, NULL))) {
            err = BAD(err, "report: cannot tell today's date");
            goto out;
        }
    }
    r->as_of = as_of;
    if ((err = build_arrivals(r, tz, msg, msglen)) || (err = run_core(r, msg, msglen)))
        goto out;
out:
    ld_tz_close(tz);
    ld_central_settings_free(&settings);
    if (err) {
        ld_report_free(r);
        return err;
    }
    *out = r;
    return LD_OK;
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
    free(r);
}
