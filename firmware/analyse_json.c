/* analyse_json.c: reads the contract's JSON into the core, runs it, writes the results. */
#include "analyse_json.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_calendar.h"
#include "ld_flags.h"
#include "ld_school.h"

/* Everything one run owns, freed in one place. */
struct run {
    char *msg;
    size_t msglen;
    cJSON *doc;
    ld_date as_of;
    struct ld_sessions sessions;
    struct ld_calendar *cal;
    struct ld_school *school;
    struct ld_result *result;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static ld_err
fail(struct run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->msg, run->msglen, fmt, ap);
    va_end(ap);
    return LD_ERR_INVALID;
}

/* Writes s as a JSON string literal into buf, cut short (with "...") past 40 characters. */
static const char *quote(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    buf[k++] = '"';
    for (size_t i = 0; s[i] && k + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 40) {
            memcpy(buf + k, "...", 3);
            k += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            buf[k++] = '\\';
            buf[k++] = (char)c;
        } else if (c < 0x20) {
            k += (size_t)snprintf(buf + k, size - k, "\\u%04x", c);
        } else {
            buf[k++] = (char)c;
        }
    }
    buf[k++] = '"';
    buf[k] = '\0';
    return buf;
}

#define QUOTE_BUF 64

static const cJSON *field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Reads an optional string member: LD_OK with *out NULL when absent. */
static ld_err opt_string(struct run *run, const cJSON *obj, const char *key, const char *path,
                         const char **out)
{
    const cJSON *v = field(obj, key);
    *out = NULL;
    if (!v)
        return LD_OK;
    if (!cJSON_IsString(v))
        return fail(run, "%s%s%s: not a string", path, *path ? "." : "", key);
    *out = v->valuestring;
    return LD_OK;
}

static ld_err req_string(struct run *run, const cJSON *obj, const char *key, const char *path,
                         const char **out)
{
    ld_err err = opt_string(run, obj, key, path, out);
    if (!err && !*out)
        return fail(run, "%s%s%s: missing", path, *path ? "." : "", key);
    return err;
}

static ld_err req_date(struct run *run, const cJSON *obj, const char *key, const char *path,
                       ld_date *out)
{
    const char *s;
    char q[QUOTE_BUF];
    ld_err err = req_string(run, obj, key, path, &s);
    if (err)
        return err;
    if (!ld_date_parse(s, out))
        return fail(run, "%s%s%s: not a date: %s", path, *path ? "." : "", key,
                    quote(s, q, sizeof q));
    return LD_OK;
}

/* Reads an optional whole number from lo to hi; *present says whether it was there. */
static ld_err opt_int(struct run *run, const cJSON *obj, const char *key, const char *path, int lo,
                      int hi, int *out, bool *present)
{
    const cJSON *v = field(obj, key);
    *present = v != NULL;
    if (!v)
        return LD_OK;
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || !(d >= lo && d <= hi) || (double)(int)d != d)
        return fail(run, "%s%s%s: not a whole number from %d to %d", path, *path ? "." : "", key,
                    lo, hi);
    *out = (int)d;
    return LD_OK;
}

static ld_err opt_array(struct run *run, const cJSON *obj, const char *key, const char *path,
                        const cJSON **out)
{
    const cJSON *v = field(obj, key);
    *out = v;
    if (v && !cJSON_IsArray(v))
        return fail(run, "%s%s%s: not an array", path, *path ? "." : "", key);
    return LD_OK;
}

static ld_err opt_object(struct run *run, const cJSON *obj, const char *key, const char *path,
                         const cJSON **out)
{
    const cJSON *v = field(obj, key);
    *out = v;
    if (v && !cJSON_IsObject(v))
        return fail(run, "%s%s%s: not an object", path, *path ? "." : "", key);
    return LD_OK;
}

static ld_err read_sessions(struct run *run)
{
    const cJSON *sessions;
    ld_err err = opt_object(run, run->doc, "sessions", "", &sessions);
    ld_sessions_default(&run->sessions);
    if (err || !sessions)
        return err;
    static const char *const names[2] = {"am", "pm"};
    struct ld_session_times *t[2] = {&run->sessions.am, &run->sessions.pm};
    for (int i = 0; i < 2; i++) {
        const cJSON *s;
        char path[32];
        snprintf(path, sizeof path, "sessions.%s", names[i]);
        if ((err = opt_object(run, sessions, names[i], "sessions", &s)))
            return err;
        if (!s)
            continue;
        static const char *const keys[2] = {"start", "register_closes"};
        ld_minute *dst[2] = {&t[i]->start, &t[i]->register_closes};
        for (int k = 0; k < 2; k++) {
            const char *v;
            char q[QUOTE_BUF];
            if ((err = opt_string(run, s, keys[k], path, &v)))
                return err;
            if (v && !ld_minute_parse(v, dst[k]))
                return fail(run, "%s.%s: not a time: %s", path, keys[k], quote(v, q, sizeof q));
        }
    }
    const char *bad, *problem;
    if (ld_sessions_check(&run->sessions, &bad, &problem))
        return fail(run, "sessions.%s: %s", bad, problem);
    return LD_OK;
}

static ld_err read_calendar(struct run *run)
{
    const cJSON *cal, *terms = NULL, *closed = NULL;
    struct ld_term *tv = NULL;
    ld_date *cv = NULL;
    ld_err err = opt_object(run, run->doc, "calendar", "", &cal);
    if (!err && cal)
        err = opt_array(run, cal, "terms", "calendar", &terms);
    if (!err && cal)
        err = opt_array(run, cal, "closed", "calendar", &closed);
    if (err)
        return err;
    size_t nt = terms ? (size_t)cJSON_GetArraySize(terms) : 0;
    size_t nc = closed ? (size_t)cJSON_GetArraySize(closed) : 0;
    tv = calloc(nt ? nt : 1, sizeof *tv);
    cv = calloc(nc ? nc : 1, sizeof *cv);
    if (!tv || !cv) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, terms)
    {
        char path[48];
        snprintf(path, sizeof path, "calendar.terms[%zu]", i);
        if (!cJSON_IsObject(e)) {
            err = fail(run, "%s: not an object", path);
            goto out;
        }
        if ((err = opt_string(run, e, "name", path, &tv[i].name)) ||
            (err = req_date(run, e, "start", path, &tv[i].start)) ||
            (err = req_date(run, e, "end", path, &tv[i].end)))
            goto out;
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(e, closed)
    {
        char q[QUOTE_BUF];
        if (!cJSON_IsString(e)) {
            err = fail(run, "calendar.closed[%zu]: not a string", i);
            goto out;
        }
        if (!ld_date_parse(e->valuestring, &cv[i])) {
            err = fail(run, "calendar.closed[%zu]: not a date: %s", i,
                       quote(e->valuestring, q, sizeof q));
            goto out;
        }
        i++;
    }
    struct ld_calendar_problem why;
    err = ld_calendar_create(tv, nt, cv, nc, &run->cal, &why);
    if (err == LD_ERR_INVALID)
        err = fail(run, "calendar.terms[%zu].%s: %s", why.term, why.field, why.problem);
out:
    free(tv);
    free(cv);
    return err;
}

static ld_err read_rules(struct run *run)
{
    const cJSON *rules, *bands = NULL, *patterns = NULL;
    ld_err err = opt_object(run, run->doc, "rules", "", &rules);
    if (!err && rules)
        err = opt_array(run, rules, "bands", "rules", &bands);
    if (!err && rules)
        err = opt_object(run, rules, "patterns", "rules", &patterns);
    if (err)
        return err;
    if (bands) {
        struct ld_band bv[LD_BANDS_MAX];
        size_t n = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, bands)
        {
            char path[32];
            snprintf(path, sizeof path, "rules.bands[%zu]", n);
            if (n == LD_BANDS_MAX)
                return fail(run, "rules.bands: more than %d bands", LD_BANDS_MAX);
            if (!cJSON_IsObject(e))
                return fail(run, "%s: not an object", path);
            const cJSON *min = field(e, "min");
            if (!min)
                return fail(run, "%s.min: missing", path);
            if (!cJSON_IsNumber(min) || !(min->valuedouble >= 0 && min->valuedouble <= 100))
                return fail(run, "%s.min: not a percentage from 0 to 100", path);
            bool present;
            if ((err = opt_int(run, e, "stage", path, 0, 99, &bv[n].stage, &present)))
                return err;
            if (!present)
                return fail(run, "%s.stage: missing", path);
            bv[n].min = min->valuedouble;
            n++;
        }
        if (n == 0)
            return fail(run, "rules.bands: empty");
        if (ld_school_set_bands(run->school, bv, n))
            return fail(run, "rules.bands: not a valid band list");
    }
    if (patterns) {
        struct ld_pattern_rules pr;
        ld_pattern_rules_default(&pr);
        const struct {
            const char *key;
            int *dst;
            int min;
        } keys[] = {
            {"window_days", &pr.window_days, 1},
            {"frequent_min", &pr.frequent_min, 1},
            {"weekday_window_days", &pr.weekday_window_days, 1},
            {"weekday_min", &pr.weekday_min, 1},
            {"streak_min", &pr.streak_min, 1},
            {"rising_min", &pr.rising_min, 1},
            {"after_close_min", &pr.after_close_min, 1},
            {"improving_before_min", &pr.improving_before_min, 1},
            {"improving_after_max", &pr.improving_after_max, 0},
        };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            bool present;
            if ((err = opt_int(run, patterns, keys[k].key, "rules.patterns", keys[k].min, 1000,
                               keys[k].dst, &present)))
                return err;
        }
        const char *bad;
        if (ld_pattern_rules_check(&pr, &bad) || ld_school_set_rules(run->school, &pr))
            return fail(run, "rules.patterns.%s: out of range", bad);
    }
    return LD_OK;
}

static ld_err read_code(struct run *run, const cJSON *obj, const char *key, const char *path,
                        enum ld_code *out)
{
    const char *s;
    char q[QUOTE_BUF];
    ld_err err = opt_string(run, obj, key, path, &s);
    *out = LD_CODE_NONE;
    if (err || !s)
        return err;
    if (!ld_code_parse(s, out))
        return fail(run, "%s.%s: not an attendance code: %s", path, key, quote(s, q, sizeof q));
    return LD_OK;
}

static ld_err read_reasons(struct run *run)
{
    const cJSON *reasons, *e;
    ld_err err = opt_object(run, run->doc, "reasons", "", &reasons);
    if (err || !reasons)
        return err;
    cJSON_ArrayForEach(e, reasons)
    {
        char path[96], q[QUOTE_BUF];
        snprintf(path, sizeof path, "reasons.%s", e->string);
        if (!cJSON_IsObject(e))
            return fail(run, "%s: not an object", path);
        struct ld_reason_rule rule;
        if ((err = read_code(run, e, "before_close", path, &rule.before_close)) ||
            (err = read_code(run, e, "after_close", path, &rule.after_close)))
            return err;
        err = ld_school_add_reason(run->school, e->string, &rule);
        if (err == LD_ERR_DUPLICATE)
            return fail(run, "%s: given twice", path);
        if (err == LD_ERR_RANGE)
            return fail(run, "reasons: %s too long, or more than %d reasons",
                        quote(e->string, q, sizeof q), LD_SCHOOL_MAX_REASONS);
        if (err)
            return err;
    }
    return LD_OK;
}

static ld_err read_pupils(struct run *run)
{
    const cJSON *pupils, *e;
    ld_err err = opt_array(run, run->doc, "pupils", "", &pupils);
    if (err || !pupils)
        return err;
    size_t i = 0;
    cJSON_ArrayForEach(e, pupils)
    {
        char path[40], q[QUOTE_BUF];
        snprintf(path, sizeof path, "pupils[%zu]", i++);
        if (!cJSON_IsObject(e))
            return fail(run, "%s: not an object", path);
        const char *id, *cls, *family;
        const cJSON *flags, *f;
        if ((err = req_string(run, e, "id", path, &id)) ||
            (err = opt_string(run, e, "class", path, &cls)) ||
            (err = opt_string(run, e, "family", path, &family)) ||
            (err = opt_array(run, e, "flags", path, &flags)))
            return err;
        unsigned bits = 0;
        size_t k = 0;
        cJSON_ArrayForEach(f, flags)
        {
            unsigned bit;
            if (!cJSON_IsString(f))
                return fail(run, "%s.flags[%zu]: not a string", path, k);
            if (!ld_flag_parse(f->valuestring, &bit))
                return fail(run, "%s.flags[%zu]: not a flag (CP LAC CIN SC PP SEN): %s", path, k,
                            quote(f->valuestring, q, sizeof q));
            bits |= bit;
            k++;
        }
        err = ld_school_add_pupil(run->school, id, cls, family, bits);
        switch (err) {
        case LD_OK:
            break;
        case LD_ERR_INVALID:
            return fail(run, "%s.id: empty", path);
        case LD_ERR_DUPLICATE:
            return fail(run, "%s.id: a second pupil with id %s", path, quote(id, q, sizeof q));
        case LD_ERR_RANGE:
            return fail(
                run, "%s: id over %d bytes, class over %d, family over %d, or over %d pupils", path,
                LD_PUPIL_ID_MAX, LD_CLASS_NAME_MAX, LD_FAMILY_ID_MAX, LD_SCHOOL_MAX_PUPILS);
        default:
            return err;
        }
    }
    return LD_OK;
}

static ld_err no_such_pupil(struct run *run, const char *path, const char *id)
{
    char q[QUOTE_BUF];
    return fail(run, "%s.pupil: no such pupil: %s", path, quote(id, q, sizeof q));
}

static ld_err read_marks(struct run *run)
{
    const cJSON *marks, *e;
    ld_err err = opt_array(run, run->doc, "marks", "", &marks);
    if (err || !marks)
        return err;
    size_t i = 0;
    cJSON_ArrayForEach(e, marks)
    {
        char path[40], q[QUOTE_BUF];
        snprintf(path, sizeof path, "marks[%zu]", i++);
        if (!cJSON_IsObject(e))
            return fail(run, "%s: not an object", path);
        const char *pupil, *session;
        ld_date date;
        enum ld_code code;
        int minutes = -1;
        bool present;
        if ((err = req_string(run, e, "pupil", path, &pupil)) ||
            (err = req_date(run, e, "date", path, &date)) ||
            (err = req_string(run, e, "session", path, &session)))
            return err;
        if (strcmp(session, "am") && strcmp(session, "pm"))
            return fail(run, "%s.session: not \"am\" or \"pm\": %s", path,
                        quote(session, q, sizeof q));
        if ((err = read_code(run, e, "code", path, &code)))
            return err;
        if (code == LD_CODE_NONE)
            return fail(run, "%s.code: missing", path);
        if ((err = opt_int(run, e, "minutes", path, 0, 1440, &minutes, &present)))
            return err;
        enum ld_session_id sid = session[0] == 'a' ? LD_AM : LD_PM;
        err = ld_school_add_mark(run->school, pupil, date, sid, code, present ? minutes : -1);
        if (err == LD_ERR_NOT_FOUND)
            return no_such_pupil(run, path, pupil);
        if (err == LD_ERR_DUPLICATE) {
            char d[LD_DATE_STRLEN];
            ld_date_format(date, d);
            return fail(run, "%s: a second mark for pupil %s on %s %s", path,
                        quote(pupil, q, sizeof q), d, session);
        }
        if (err == LD_ERR_RANGE)
            return fail(run, "marks: more than %d marks", LD_SCHOOL_MAX_RECORDS);
        if (err)
            return err;
    }
    return LD_OK;
}

static ld_err read_arrivals(struct run *run)
{
    const cJSON *arrivals, *e;
    ld_err err = opt_array(run, run->doc, "arrivals", "", &arrivals);
    if (err || !arrivals)
        return err;
    size_t i = 0;
    cJSON_ArrayForEach(e, arrivals)
    {
        char path[40], q[QUOTE_BUF];
        snprintf(path, sizeof path, "arrivals[%zu]", i++);
        if (!cJSON_IsObject(e))
            return fail(run, "%s: not an object", path);
        const char *pupil, *at, *reason;
        ld_date date;
        ld_minute minute;
        if ((err = req_string(run, e, "pupil", path, &pupil)) ||
            (err = req_string(run, e, "at", path, &at)) ||
            (err = opt_string(run, e, "reason", path, &reason)))
            return err;
        if (!ld_datetime_parse(at, &date, &minute))
            return fail(run, "%s.at: not a time: %s", path, quote(at, q, sizeof q));
        err = ld_school_add_arrival(run->school, pupil, date, minute, reason);
        if (err == LD_ERR_NOT_FOUND)
            return no_such_pupil(run, path, pupil);
        if (err == LD_ERR_RANGE)
            return fail(run, "arrivals: more than %d arrivals", LD_SCHOOL_MAX_RECORDS);
        if (err)
            return err;
    }
    return LD_OK;
}

/* Checks herringbone_for before the analysis, so a bad entry is an input error. */
static ld_err check_herringbone_for(struct run *run, const cJSON **list)
{
    const cJSON *e;
    ld_err err = opt_array(run, run->doc, "herringbone_for", "", list);
    if (err || !*list)
        return err;
    size_t i = 0;
    cJSON_ArrayForEach(e, *list)
    {
        char q[QUOTE_BUF];
        if (!cJSON_IsString(e))
            return fail(run, "herringbone_for[%zu]: not a string", i);
        if (!ld_school_has_pupil(run->school, e->valuestring))
            return fail(run, "herringbone_for[%zu]: no such pupil: %s", i,
                        quote(e->valuestring, q, sizeof q));
        i++;
    }
    return LD_OK;
}

/* Adds a number or null. */
static bool add_number_or_null(cJSON *obj, const char *key, bool has, double v)
{
    return has ? cJSON_AddNumberToObject(obj, key, v) != NULL
               : cJSON_AddNullToObject(obj, key) != NULL;
}

static cJSON *pupil_json(const struct ld_pupil_result *p)
{
    cJSON *o = cJSON_CreateObject(), *late, *pats;
    if (!o || !cJSON_AddStringToObject(o, "id", p->id) ||
        !cJSON_AddNumberToObject(o, "possible", p->attendance.possible) ||
        !cJSON_AddNumberToObject(o, "attended", p->attendance.attended) ||
        !add_number_or_null(o, "attendance_pct", p->attendance.has_pct, p->attendance.pct) ||
        !cJSON_AddBoolToObject(o, "persistent", p->attendance.persistent) ||
        !cJSON_AddBoolToObject(o, "severe", p->attendance.severe) ||
        !add_number_or_null(o, "stage", p->has_stage, p->stage) ||
        !(late = cJSON_AddObjectToObject(o, "late")) ||
        !cJSON_AddNumberToObject(late, "L", p->late_l) ||
        !cJSON_AddNumberToObject(late, "U", p->late_u) ||
        !cJSON_AddNumberToObject(late, "minutes", p->late_minutes) ||
        !(pats = cJSON_AddArrayToObject(o, "patterns")))
        goto fail;
    for (size_t k = 0; k < p->npatterns; k++) {
        const struct ld_pattern *pt = &p->patterns[k];
        cJSON *po = cJSON_CreateObject();
        if (!po)
            goto fail;
        cJSON_AddItemToArray(pats, po);
        if (!cJSON_AddStringToObject(po, "kind", ld_pattern_kind_name(pt->kind)))
            goto fail;
        if (pt->kind == LD_PAT_WEEKDAY &&
            !cJSON_AddStringToObject(po, "weekday", ld_weekday_short(pt->weekday)))
            goto fail;
        if (!cJSON_AddNumberToObject(po, "count", pt->count))
            goto fail;
        if ((pt->kind == LD_PAT_RISING || pt->kind == LD_PAT_IMPROVING) &&
            !cJSON_AddNumberToObject(po, "previous", pt->previous))
            goto fail;
        if (!cJSON_AddStringToObject(po, "detail", pt->detail))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *herringbone_json(const struct run *run, const char *id, size_t index)
{
    struct ld_herringbone h;
    cJSON *o = cJSON_CreateObject(), *weeks;
    if (!o || ld_result_herringbone(run->result, index, &h)) {
        cJSON_Delete(o);
        return NULL;
    }
    if (!cJSON_AddStringToObject(o, "pupil", id) || !(weeks = cJSON_AddArrayToObject(o, "weeks")))
        goto fail;
    for (size_t w = 0; w < h.nweeks; w++) {
        char d[LD_DATE_STRLEN];
        cJSON *wo = cJSON_CreateObject(), *cells;
        if (!wo)
            goto fail;
        cJSON_AddItemToArray(weeks, wo);
        ld_date_format(h.weeks[w].week_start, d);
        if (!cJSON_AddStringToObject(wo, "week_start", d) ||
            !(cells = cJSON_AddArrayToObject(wo, "sessions")))
            goto fail;
        for (int c = 0; c < 10; c++) {
            enum ld_code code = h.weeks[w].cells[c];
            cJSON *cell =
                code == LD_CODE_NONE ? cJSON_CreateNull() : cJSON_CreateString(ld_code_str(code));
            if (!cell)
                goto fail;
            cJSON_AddItemToArray(cells, cell);
        }
    }
    ld_herringbone_free(&h);
    return o;
fail:
    ld_herringbone_free(&h);
    cJSON_Delete(o);
    return NULL;
}

static ld_err write_output(struct run *run, const cJSON *hb_for, char **out)
{
    const struct ld_result *r = run->result;
    cJSON *root = cJSON_CreateObject(), *pupils, *calls, *classes, *hbs;
    ld_err err = LD_ERR_NOMEM;
    if (!root || !(pupils = cJSON_AddArrayToObject(root, "pupils")) ||
        !(calls = cJSON_AddArrayToObject(root, "call_order")) ||
        !(classes = cJSON_AddArrayToObject(root, "classes")) ||
        !(hbs = cJSON_AddArrayToObject(root, "herringbones")))
        goto out;
    for (size_t i = 0; i < ld_result_pupil_count(r); i++) {
        cJSON *p = pupil_json(ld_result_pupil(r, i));
        if (!p)
            goto out;
        cJSON_AddItemToArray(pupils, p);
    }
    for (size_t i = 0; i < ld_result_call_count(r); i++) {
        cJSON *s = cJSON_CreateString(ld_result_call(r, i)->id);
        if (!s)
            goto out;
        cJSON_AddItemToArray(calls, s);
    }
    for (size_t i = 0; i < ld_result_class_count(r); i++) {
        const struct ld_class_result *c = ld_result_class(r, i);
        cJSON *co = cJSON_CreateObject();
        if (!co)
            goto out;
        cJSON_AddItemToArray(classes, co);
        if (!cJSON_AddStringToObject(co, "class", c->name) ||
            !cJSON_AddNumberToObject(co, "pupils", c->pupils) ||
            !cJSON_AddNumberToObject(co, "late_sessions", c->late_sessions))
            goto out;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, hb_for)
    {
        long idx = ld_result_find(r, e->valuestring); /* checked before the analysis */
        cJSON *h = idx < 0 ? NULL : herringbone_json(run, e->valuestring, (size_t)idx);
        if (!h)
            goto out;
        cJSON_AddItemToArray(hbs, h);
    }
    *out = cJSON_PrintUnformatted(root);
    err = *out ? LD_OK : LD_ERR_NOMEM;
out:
    cJSON_Delete(root);
    return err;
}

ld_err ld_analyse_json(const char *text, size_t len, char **out, char *msg, size_t msglen)
{
    struct run run = {.msg = msg, .msglen = msglen};
    const cJSON *hb_for = NULL;
    ld_err err;
    *out = NULL;
    if (msglen)
        msg[0] = '\0';
    if (len > LD_ANALYSE_MAX_INPUT) {
        snprintf(msg, msglen, "input: larger than %u bytes", LD_ANALYSE_MAX_INPUT);
        return LD_ERR_RANGE;
    }
    const char *end = NULL;
    /* len + 1 takes in the terminator, so that text after the document is refused. */
    run.doc = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
    if (!run.doc) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        err = fail(&run, "input: not valid JSON (at byte %zu)", at);
        goto out;
    }
    if (!cJSON_IsObject(run.doc)) {
        err = fail(&run, "input: not a JSON object");
        goto out;
    }
    if ((err = req_date(&run, run.doc, "as_of", "", &run.as_of)) || (err = read_sessions(&run)) ||
        (err = read_calendar(&run)))
        goto out;
    err = ld_school_create(run.cal, &run.sessions, &run.school);
    if (err || (err = read_rules(&run)) || (err = read_reasons(&run)) ||
        (err = read_pupils(&run)) || (err = read_marks(&run)) || (err = read_arrivals(&run)) ||
        (err = check_herringbone_for(&run, &hb_for)))
        goto out;
    if ((err = ld_school_analyse(run.school, run.as_of, &run.result)))
        goto out;
    err = write_output(&run, hb_for, out);
out:
    if (err == LD_ERR_NOMEM)
        snprintf(msg, msglen, "input: out of memory");
    ld_result_destroy(run.result);
    ld_school_destroy(run.school);
    ld_calendar_destroy(run.cal);
    cJSON_Delete(run.doc);
    return err;
}
