/* ld_school.c: the engine: records in, one mark per session decided, figures derived. */
#include "ld_school.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ld_flags.h"

struct pupil {
    char id[LD_PUPIL_ID_MAX + 1];
    char class_name[LD_CLASS_NAME_MAX + 1];
    char family[LD_FAMILY_ID_MAX + 1];
    unsigned flags;
    ld_date on_from, on_to; /* on roll from, to (inclusive); INT32_MIN, INT32_MAX when open */
};

struct mark {
    int32_t pupil;
    ld_date date;
    uint8_t session;
    uint8_t code;
    int16_t minutes; /* -1: none given */
};

struct arrival {
    int32_t pupil;
    ld_date date;
    int16_t minute;
    int16_t reason; /* index into reasons, or -1 */
};

struct reason {
    char name[LD_REASON_NAME_MAX + 1];
    struct ld_reason_rule rule;
};

/* Open-addressing hash set of 64-bit keys (UINT64_MAX marks an empty slot). */
struct keyset {
    uint64_t *slots;
    size_t cap, count;
};

/* Open-addressing map from pupil id to pupil index (-1 marks an empty slot). */
struct idmap {
    int32_t *slots;
    size_t cap;
};

struct ld_school {
    const struct ld_calendar *cal;
    struct ld_sessions sessions;
    struct ld_pattern_rules rules;
    struct ld_band bands[LD_BANDS_MAX];
    size_t nbands;
    struct reason reasons[LD_SCHOOL_MAX_REASONS];
    size_t nreasons;
    struct pupil *pupils;
    size_t npupils, pupils_cap;
    struct idmap ids;
    struct mark *marks;
    size_t nmarks, marks_cap;
    struct keyset mark_keys;
    struct arrival *arrivals;
    size_t narrivals, arrivals_cap;
};

struct ld_result {
    const struct ld_school *school;
    ld_date as_of;
    struct ld_as_of when;
    size_t ndays; /* school days on or before as_of */
    size_t npupils;
    struct ld_pupil_result *pupils; /* id order */
    uint8_t *codes;                 /* [pupil (id order)][day][session] */
    int16_t *minutes;
    const struct ld_pupil_result **calls;
    size_t ncalls;
    struct ld_class_result *classes;
    size_t nclasses;
    struct ld_conflict *conflicts;
    size_t nconflicts, conflicts_cap;
};

static uint64_t hash_bytes(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* Grows an array of elements of size elem to hold at least need, doubling. */
static ld_err grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return LD_OK;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return LD_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return LD_OK;
}

static long idmap_find(const struct ld_school *s, const char *id)
{
    if (!s->ids.cap)
        return -1;
    size_t mask = s->ids.cap - 1;
    for (size_t i = hash_bytes(id) & mask;; i = (i + 1) & mask) {
        int32_t v = s->ids.slots[i];
        if (v < 0)
            return -1;
        if (!strcmp(s->pupils[v].id, id))
            return v;
    }
}

static void idmap_put(struct idmap *m, const struct pupil *pupils, int32_t index)
{
    size_t mask = m->cap - 1;
    size_t i = hash_bytes(pupils[index].id) & mask;
    while (m->slots[i] >= 0)
        i = (i + 1) & mask;
    m->slots[i] = index;
}

/* Keeps the map at most half full, rebuilding it when it has to grow. */
static ld_err idmap_reserve(struct ld_school *s, size_t count)
{
    if (count * 2 <= s->ids.cap)
        return LD_OK;
    size_t cap = s->ids.cap ? s->ids.cap * 2 : 256;
    while (count * 2 > cap)
        cap *= 2;
    int32_t *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return LD_ERR_NOMEM;
    free(s->ids.slots);
    s->ids.slots = slots;
    s->ids.cap = cap;
    for (size_t i = 0; i < cap; i++)
        slots[i] = -1;
    for (size_t i = 0; i < s->npupils; i++)
        idmap_put(&s->ids, s->pupils, (int32_t)i);
    return LD_OK;
}

/* Adds key; returns LD_ERR_DUPLICATE when it was already there. */
static ld_err keyset_add(struct keyset *k, uint64_t key)
{
    if ((k->count + 1) * 2 > k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 1024;
        uint64_t *slots = malloc(cap * sizeof *slots);
        if (!slots)
            return LD_ERR_NOMEM;
        for (size_t i = 0; i < cap; i++)
            slots[i] = UINT64_MAX;
        for (size_t i = 0; i < k->cap; i++) {
            if (k->slots[i] == UINT64_MAX)
                continue;
            size_t j = mix64(k->slots[i]) & (cap - 1);
            while (slots[j] != UINT64_MAX)
                j = (j + 1) & (cap - 1);
            slots[j] = k->slots[i];
        }
        free(k->slots);
        k->slots = slots;
        k->cap = cap;
    }
    size_t mask = k->cap - 1;
    size_t i = mix64(key) & mask;
    for (; k->slots[i] != UINT64_MAX; i = (i + 1) & mask)
        if (k->slots[i] == key)
            return LD_ERR_DUPLICATE;
    k->slots[i] = key;
    k->count++;
    return LD_OK;
}

ld_err ld_school_create(const struct ld_calendar *cal, const struct ld_sessions *sessions,
                        struct ld_school **out)
{
    const char *field, *problem;
    if (!cal || !sessions || ld_sessions_check(sessions, &field, &problem))
        return LD_ERR_INVALID;
    struct ld_school *s = calloc(1, sizeof *s);
    if (!s)
        return LD_ERR_NOMEM;
    s->cal = cal;
    s->sessions = *sessions;
    ld_pattern_rules_default(&s->rules);
    s->nbands = sizeof ld_bands_default / sizeof ld_bands_default[0];
    memcpy(s->bands, ld_bands_default, sizeof ld_bands_default);
    *out = s;
    return LD_OK;
}

void ld_school_destroy(struct ld_school *s)
{
    if (!s)
        return;
    free(s->pupils);
    free(s->ids.slots);
    free(s->marks);
    free(s->mark_keys.slots);
    free(s->arrivals);
    free(s);
}

ld_err ld_school_set_rules(struct ld_school *s, const struct ld_pattern_rules *rules)
{
    const char *field;
    if (ld_pattern_rules_check(rules, &field))
        return LD_ERR_INVALID;
    s->rules = *rules;
    return LD_OK;
}

ld_err ld_school_set_bands(struct ld_school *s, const struct ld_band *bands, size_t n)
{
    size_t bad;
    const char *field, *problem;
    if (ld_bands_check(bands, n, &bad, &field, &problem))
        return LD_ERR_INVALID;
    memcpy(s->bands, bands, n * sizeof *bands);
    s->nbands = n;
    return LD_OK;
}

static bool fits(const char *str, size_t max)
{
    return !str || strlen(str) <= max;
}

ld_err ld_school_add_reason(struct ld_school *s, const char *name,
                            const struct ld_reason_rule *rule)
{
    if (!name)
        return LD_ERR_INVALID;
    if (s->narrivals)
        return LD_ERR_STATE;
    if (!fits(name, LD_REASON_NAME_MAX) || s->nreasons == LD_SCHOOL_MAX_REASONS)
        return LD_ERR_RANGE;
    for (size_t i = 0; i < s->nreasons; i++)
        if (!strcmp(s->reasons[i].name, name))
            return LD_ERR_DUPLICATE;
    struct reason *r = &s->reasons[s->nreasons++];
    strcpy(r->name, name);
    r->rule = *rule;
    return LD_OK;
}

ld_err ld_school_add_pupil(struct ld_school *s, const char *id, const char *class_name,
                           const char *family, unsigned flags)
{
    if (!id || !*id)
        return LD_ERR_INVALID;
    if (!fits(id, LD_PUPIL_ID_MAX) || !fits(class_name, LD_CLASS_NAME_MAX) ||
        !fits(family, LD_FAMILY_ID_MAX) || s->npupils == LD_SCHOOL_MAX_PUPILS)
        return LD_ERR_RANGE;
    if (idmap_find(s, id) >= 0)
        return LD_ERR_DUPLICATE;
    ld_err err = grow((void **)&s->pupils, &s->pupils_cap, s->npupils + 1, sizeof *s->pupils);
    if (!err)
        err = idmap_reserve(s, s->npupils + 1);
    if (err)
        return err;
    struct pupil *p = &s->pupils[s->npupils];
    memset(p, 0, sizeof *p);
    strcpy(p->id, id);
    if (class_name)
        strcpy(p->class_name, class_name);
    if (family)
        strcpy(p->family, family);
    p->flags = flags & LD_FLAG_ALL;
    p->on_from = INT32_MIN;
    p->on_to = INT32_MAX;
    idmap_put(&s->ids, s->pupils, (int32_t)s->npupils);
    s->npupils++;
    return LD_OK;
}

ld_err ld_school_set_on_roll(struct ld_school *s, const char *id, const ld_date *from,
                             const ld_date *to)
{
    long p = id ? idmap_find(s, id) : -1;
    if (p < 0)
        return LD_ERR_NOT_FOUND;
    if (from && to && *from > *to)
        return LD_ERR_INVALID;
    s->pupils[p].on_from = from ? *from : INT32_MIN;
    s->pupils[p].on_to = to ? *to : INT32_MAX;
    return LD_OK;
}

bool ld_school_has_pupil(const struct ld_school *s, const char *id)
{
    return id && idmap_find(s, id) >= 0;
}

ld_err ld_school_add_mark(struct ld_school *s, const char *pupil, ld_date date,
                          enum ld_session_id session, enum ld_code code, int minutes)
{
    long p = pupil ? idmap_find(s, pupil) : -1;
    if (p < 0)
        return LD_ERR_NOT_FOUND;
    if (code <= LD_CODE_NONE || code >= LD_CODE_UNKNOWN || minutes < -1 || minutes > 1440 ||
        (session != LD_AM && session != LD_PM) || date < -100000 || date > 3000000)
        return LD_ERR_INVALID;
    if (s->nmarks == LD_SCHOOL_MAX_RECORDS)
        return LD_ERR_RANGE;
    uint64_t key = (uint64_t)p << 32 | (uint64_t)((uint32_t)(date + 100000) << 1 | session);
    ld_err err = keyset_add(&s->mark_keys, key);
    if (!err)
        err = grow((void **)&s->marks, &s->marks_cap, s->nmarks + 1, sizeof *s->marks);
    if (err)
        return err;
    s->marks[s->nmarks++] = (struct mark){
        .pupil = (int32_t)p,
        .date = date,
        .session = (uint8_t)session,
        .code = (uint8_t)code,
        .minutes = (int16_t)minutes,
    };
    return LD_OK;
}

ld_err ld_school_add_arrival(struct ld_school *s, const char *pupil, ld_date date, ld_minute minute,
                             const char *reason)
{
    long p = pupil ? idmap_find(s, pupil) : -1;
    if (p < 0)
        return LD_ERR_NOT_FOUND;
    if (minute < 0 || minute > 1439)
        return LD_ERR_INVALID;
    if (s->narrivals == LD_SCHOOL_MAX_RECORDS)
        return LD_ERR_RANGE;
    int16_t r = -1;
    for (size_t i = 0; reason && *reason && i < s->nreasons; i++) {
        if (!strcmp(s->reasons[i].name, reason)) {
            r = (int16_t)i;
            break;
        }
    }
    ld_err err =
        grow((void **)&s->arrivals, &s->arrivals_cap, s->narrivals + 1, sizeof *s->arrivals);
    if (err)
        return err;
    s->arrivals[s->narrivals++] =
        (struct arrival){.pupil = (int32_t)p, .date = date, .minute = (int16_t)minute, .reason = r};
    return LD_OK;
}

/* Sorts pupil indexes by id (a merge sort: stable, and the core needs no qsort_r). */
static void sort_indexes(int32_t *v, int32_t *tmp, size_t n, const struct pupil *pupils)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_indexes(v, tmp, h, pupils);
    sort_indexes(v + h, tmp, n - h, pupils);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = strcmp(pupils[v[j]].id, pupils[v[i]].id) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* Working arrays of one analysis, indexed [input pupil][day][session]. */
struct grid {
    uint8_t *mark_code;
    int16_t *mark_min;
    int16_t *arr_min; /* earliest arrival minute, -1 none */
    int16_t *arr_reason;
};

static void grid_free(struct grid *g)
{
    free(g->mark_code);
    free(g->mark_min);
    free(g->arr_min);
    free(g->arr_reason);
}

/* Fills the grid with the marks and earliest arrivals of the first ndays school days. */
static ld_err grid_fill(const struct ld_school *s, const struct ld_as_of *when, size_t ndays,
                        struct grid *g)
{
    size_t cells = s->npupils * ndays * 2;
    g->mark_code = calloc(cells ? cells : 1, 1);
    g->mark_min = malloc((cells ? cells : 1) * sizeof *g->mark_min);
    g->arr_min = malloc((cells ? cells : 1) * sizeof *g->arr_min);
    g->arr_reason = malloc((cells ? cells : 1) * sizeof *g->arr_reason);
    if (!g->mark_code || !g->mark_min || !g->arr_min || !g->arr_reason)
        return LD_ERR_NOMEM;
    for (size_t i = 0; i < cells; i++)
        g->arr_min[i] = -1;
    for (size_t i = 0; i < s->nmarks; i++) {
        const struct mark *m = &s->marks[i];
        long d = ld_calendar_day_index(s->cal, m->date);
        if (d < 0 || (size_t)d >= ndays)
            continue;
        size_t c = ((size_t)m->pupil * ndays + (size_t)d) * 2 + m->session;
        g->mark_code[c] = m->code;
        g->mark_min[c] = m->minutes;
    }
    for (size_t i = 0; i < s->narrivals; i++) {
        const struct arrival *a = &s->arrivals[i];
        long d = ld_calendar_day_index(s->cal, a->date);
        if (d < 0 || (size_t)d >= ndays ||
            (a->date == when->date && when->minute != LD_AS_OF_NO_TIME && a->minute > when->minute))
            continue;
        size_t c =
            ((size_t)a->pupil * ndays + (size_t)d) * 2 + ld_session_of(&s->sessions, a->minute);
        /* Strictly earlier replaces: in the same minute the first in input order stays. */
        if (g->arr_min[c] < 0 || a->minute < g->arr_min[c]) {
            g->arr_min[c] = a->minute;
            g->arr_reason[c] = a->reason;
        }
    }
    return LD_OK;
}

/* Rule 2: what the earliest arrival in grid cell c makes of its session. */
static void arrival_mark(const struct ld_school *s, const struct grid *g, size_t c,
                         enum ld_code *code, int *minutes)
{
    struct ld_classification k;
    int r = g->arr_reason[c];
    ld_classify_arrival(&s->sessions, g->arr_min[c], r >= 0 ? &s->reasons[r].rule : NULL, &k);
    *code = k.code;
    *minutes = k.late ? k.minutes_late : 0;
}

/*
 * Decides one session's mark from the grid: Z off roll, then the contract's rules 1 to 4 in
 * order. day is the grid index of the day's am cell (the pm cell follows it); known says that
 * rule 4 may call a session with nothing recorded present (the day is on or before
 * registers_until and the session is not open).
 */
static void decide(const struct ld_school *s, const struct grid *g, size_t day, int session,
                   bool on_roll, bool known, enum ld_code *code, int *minutes)
{
    size_t c = day + (size_t)session;
    *minutes = 0;
    if (!on_roll) {
        *code = LD_CODE_Z;
    } else if (g->mark_code[c] != LD_CODE_NONE) {
        *code = (enum ld_code)g->mark_code[c];
        *minutes = g->mark_min[c] > 0 ? g->mark_min[c] : 0;
    } else if (g->arr_min[c] >= 0) {
        arrival_mark(s, g, c, code, minutes);
    } else if (session == LD_AM && g->arr_min[day + LD_PM] >= 0) {
        *code = LD_CODE_N;
    } else if (known) {
        *code = session == LD_AM ? LD_CODE_PRESENT_AM : LD_CODE_PRESENT_PM;
    } else {
        *code = LD_CODE_UNKNOWN;
    }
}

/* Records a conflict when cell c has both a mark and an arrival that rule 2 marks otherwise. */
static ld_err note_conflict(struct ld_result *r, const struct grid *g, size_t c, const char *id,
                            ld_date date, int session)
{
    enum ld_code code;
    int minutes;
    if (g->mark_code[c] == LD_CODE_NONE || g->arr_min[c] < 0)
        return LD_OK;
    arrival_mark(r->school, g, c, &code, &minutes);
    if (code == (enum ld_code)g->mark_code[c])
        return LD_OK;
    if (grow((void **)&r->conflicts, &r->conflicts_cap, r->nconflicts + 1, sizeof *r->conflicts))
        return LD_ERR_NOMEM;
    r->conflicts[r->nconflicts++] = (struct ld_conflict){
        .pupil = id,
        .date = date,
        .session = (enum ld_session_id)session,
        .mark = (enum ld_code)g->mark_code[c],
        .arrival = g->arr_min[c],
        .arrival_code = code,
        .arrival_minutes = minutes,
    };
    return LD_OK;
}

static int cmp_conflicts(const void *a, const void *b)
{
    const struct ld_conflict *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->session != y->session)
        return (int)x->session - (int)y->session;
    return strcmp(x->pupil, y->pupil);
}

static int cmp_calls(const void *a, const void *b)
{
    const struct ld_pupil_result *x = *(const struct ld_pupil_result *const *)a;
    const struct ld_pupil_result *y = *(const struct ld_pupil_result *const *)b;
    int gx = ld_flags_call_group(x->flags), gy = ld_flags_call_group(y->flags);
    if (gx != gy)
        return gx - gy;
    return strcmp(x->id, y->id);
}

static int cmp_classes(const void *a, const void *b)
{
    const struct ld_class_result *x = a, *y = b;
    /* x.late / x.pupils vs y.late / y.pupils, exactly. */
    long long l = (long long)x->late_sessions * y->pupils;
    long long r = (long long)y->late_sessions * x->pupils;
    if (l != r)
        return l < r ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ld_err build_classes(struct ld_result *r, const int *week_late)
{
    const char **names = malloc((r->npupils ? r->npupils : 1) * sizeof *names);
    ld_err err = LD_ERR_NOMEM;
    if (!names)
        goto out;
    size_t n = 0;
    for (size_t i = 0; i < r->npupils; i++)
        if (r->pupils[i].class_name[0])
            names[n++] = r->pupils[i].class_name;
    qsort(names, n, sizeof *names, cmp_str_ptr);
    r->classes = calloc(n ? n : 1, sizeof *r->classes);
    if (!r->classes)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]))
            r->classes[r->nclasses++].name = names[i];
    for (size_t i = 0; i < r->npupils; i++) {
        const char *cn = r->pupils[i].class_name;
        if (!cn[0])
            continue;
        struct ld_class_result key = {.name = cn};
        struct ld_class_result *c =
            bsearch(&key.name, r->classes, r->nclasses, sizeof *r->classes, cmp_str_ptr);
        c->pupils++;
        c->late_sessions += week_late[i];
    }
    qsort(r->classes, r->nclasses, sizeof *r->classes, cmp_classes);
    err = LD_OK;
out:
    free(names);
    return err;
}

void ld_as_of_day(ld_date date, struct ld_as_of *when)
{
    when->date = date;
    when->minute = LD_AS_OF_NO_TIME;
    when->registers_until = date;
}

ld_err ld_school_analyse(const struct ld_school *s, ld_date as_of, struct ld_result **out)
{
    struct ld_as_of when;
    ld_as_of_day(as_of, &when);
    return ld_school_analyse_at(s, &when, out);
}

/* True when session ses of the day date is still open at the as_of time. */
static bool session_open(const struct ld_school *s, const struct ld_as_of *when, ld_date date,
                         int ses)
{
    const struct ld_session_times *t = ses == LD_AM ? &s->sessions.am : &s->sessions.pm;
    return when->minute != LD_AS_OF_NO_TIME && date == when->date &&
           t->register_closes > when->minute;
}

ld_err ld_school_analyse_at(const struct ld_school *s, const struct ld_as_of *when,
                            struct ld_result **out)
{
    if (when->minute != LD_AS_OF_NO_TIME && (when->minute < 0 || when->minute > 1439))
        return LD_ERR_INVALID;
    ld_date as_of = when->date;
    ld_err err = LD_ERR_NOMEM;
    struct grid g = {0};
    int32_t *order = NULL, *tmp = NULL;
    uint8_t *late_day = NULL, *u_day = NULL;
    int *week_late = NULL;
    struct ld_result *r = calloc(1, sizeof *r);
    if (!r)
        goto out;
    r->school = s;
    r->as_of = as_of;
    r->when = *when;
    r->ndays = ld_calendar_days_upto(s->cal, as_of);
    r->npupils = s->npupils;
    size_t nd = r->ndays, np = s->npupils;
    size_t cells = np * nd * 2;

    err = grid_fill(s, when, nd, &g);
    if (err)
        goto out;
    err = LD_ERR_NOMEM;
    order = malloc((np ? np : 1) * sizeof *order);
    tmp = malloc((np ? np : 1) * sizeof *tmp);
    r->pupils = calloc(np ? np : 1, sizeof *r->pupils);
    r->codes = malloc(cells ? cells : 1);
    r->minutes = malloc((cells ? cells : 1) * sizeof *r->minutes);
    r->calls = malloc((np ? np : 1) * sizeof *r->calls);
    late_day = malloc(nd ? nd : 1);
    u_day = malloc(nd ? nd : 1);
    week_late = calloc(np ? np : 1, sizeof *week_late);
    if (!order || !tmp || !r->pupils || !r->codes || !r->minutes || !r->calls || !late_day ||
        !u_day || !week_late)
        goto out;
    for (size_t i = 0; i < np; i++)
        order[i] = (int32_t)i;
    sort_indexes(order, tmp, np, s->pupils);

    bool today = nd > 0 && ld_calendar_school_day(s->cal, nd - 1) == as_of;
    size_t week_first = ld_calendar_days_upto(s->cal, ld_date_week_start(as_of) - 1);

    for (size_t i = 0; i < np; i++) {
        const struct pupil *p = &s->pupils[order[i]];
        struct ld_pupil_result *pr = &r->pupils[i];
        pr->id = p->id;
        pr->class_name = p->class_name;
        pr->family = p->family;
        pr->flags = p->flags;
        int possible = 0, attended = 0;
        for (size_t d = 0; d < nd; d++) {
            late_day[d] = 0;
            u_day[d] = 0;
            ld_date date = ld_calendar_school_day(s->cal, d);
            bool on_roll = date >= p->on_from && date <= p->on_to;
            for (int ses = 0; ses < 2; ses++) {
                size_t dst = (i * nd + d) * 2 + (size_t)ses;
                size_t src = ((size_t)order[i] * nd + d) * 2;
                bool known = date <= when->registers_until && !session_open(s, when, date, ses);
                enum ld_code code;
                int minutes;
                decide(s, &g, src, ses, on_roll, known, &code, &minutes);
                if (on_roll && note_conflict(r, &g, src + (size_t)ses, p->id, date, ses))
                    goto out;
                r->codes[dst] = (uint8_t)code;
                r->minutes[dst] = (int16_t)minutes;
                pr->unknown += code == LD_CODE_UNKNOWN;
                possible += ld_code_is_possible(code);
                attended += ld_code_is_attended(code);
                if (ld_code_is_late(code)) {
                    late_day[d] = 1;
                    pr->late_minutes += minutes;
                    if (code == LD_CODE_L) {
                        pr->late_l++;
                    } else {
                        pr->late_u++;
                        u_day[d]++;
                    }
                    if (d >= week_first)
                        week_late[i]++;
                }
            }
        }
        ld_attendance_compute(possible, attended, &pr->attendance);
        size_t band;
        pr->has_stage =
            pr->attendance.has_pct && ld_bands_find(s->bands, s->nbands, pr->attendance.pct, &band);
        pr->band = pr->has_stage ? (int)band : -1;
        pr->stage = pr->has_stage ? s->bands[band].stage : 0;
        pr->stage_label = pr->has_stage ? s->bands[band].label : "";
        pr->npatterns =
            ld_patterns_find(&s->rules, s->cal, as_of, late_day, u_day, nd, pr->patterns);
        if (today && r->codes[(i * nd + nd - 1) * 2 + LD_AM] == LD_CODE_N)
            r->calls[r->ncalls++] = pr;
    }
    qsort(r->calls, r->ncalls, sizeof *r->calls, cmp_calls);
    if (r->nconflicts)
        qsort(r->conflicts, r->nconflicts, sizeof *r->conflicts, cmp_conflicts);
    err = build_classes(r, week_late);
    if (err)
        goto out;
    *out = r;
    r = NULL;
out:
    grid_free(&g);
    free(order);
    free(tmp);
    free(late_day);
    free(u_day);
    free(week_late);
    ld_result_destroy(r);
    return err;
}

void ld_result_destroy(struct ld_result *r)
{
    if (!r)
        return;
    free(r->pupils);
    free(r->codes);
    free(r->minutes);
    free(r->calls);
    free(r->classes);
    free(r->conflicts);
    free(r);
}

size_t ld_result_pupil_count(const struct ld_result *r)
{
    return r->npupils;
}

const struct ld_pupil_result *ld_result_pupil(const struct ld_result *r, size_t i)
{
    return &r->pupils[i];
}

long ld_result_find(const struct ld_result *r, const char *id)
{
    size_t lo = 0, hi = r->npupils;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->pupils[mid].id, id);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

bool ld_result_mark(const struct ld_result *r, size_t i, ld_date date, enum ld_session_id session,
                    enum ld_code *code, int *minutes)
{
    long d = ld_calendar_day_index(r->school->cal, date);
    if (i >= r->npupils || d < 0 || (size_t)d >= r->ndays || (session != LD_AM && session != LD_PM))
        return false;
    size_t c = (i * r->ndays + (size_t)d) * 2 + session;
    *code = (enum ld_code)r->codes[c];
    *minutes = r->minutes[c];
    return true;
}

size_t ld_result_call_count(const struct ld_result *r)
{
    return r->ncalls;
}

const struct ld_pupil_result *ld_result_call(const struct ld_result *r, size_t i)
{
    return r->calls[i];
}

size_t ld_result_conflict_count(const struct ld_result *r)
{
    return r->nconflicts;
}

const struct ld_conflict *ld_result_conflict(const struct ld_result *r, size_t i)
{
    return &r->conflicts[i];
}

size_t ld_result_class_count(const struct ld_result *r)
{
    return r->nclasses;
}

const struct ld_class_result *ld_result_class(const struct ld_result *r, size_t i)
{
    return &r->classes[i];
}

ld_err ld_result_herringbone(const struct ld_result *r, size_t i, struct ld_herringbone *out)
{
    const struct ld_calendar *cal = r->school->cal;
    out->weeks = NULL;
    out->nweeks = 0;
    if (i >= r->npupils)
        return LD_ERR_INVALID;
    if (ld_calendar_school_days(cal) == 0)
        return LD_OK;
    ld_date first = ld_date_week_start(ld_calendar_school_day(cal, 0));
    ld_date last = ld_date_week_start(r->as_of);
    if (last < first)
        return LD_OK;
    size_t n = (size_t)(last - first) / 7 + 1;
    struct ld_herringbone_week *w = calloc(n, sizeof *w);
    if (!w)
        return LD_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        w[k].week_start = first + (ld_date)(7 * k);
        for (int day = 0; day < 5; day++) {
            for (int ses = 0; ses < 2; ses++) {
                enum ld_code code = LD_CODE_NONE;
                int minutes;
                if (!ld_result_mark(r, i, w[k].week_start + day, (enum ld_session_id)ses, &code,
                                    &minutes))
                    code = LD_CODE_NONE;
                w[k].cells[day * 2 + ses] = code;
            }
        }
    }
    out->weeks = w;
    out->nweeks = n;
    return LD_OK;
}

void ld_herringbone_free(struct ld_herringbone *h)
{
    if (!h)
        return;
    free(h->weeks);
    h->weeks = NULL;
    h->nweeks = 0;
}
