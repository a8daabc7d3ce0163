/* device_analysis.c: the staff lists' analysis: the attendance core over the store's history. */
#include "device_analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_school.h"
#include "names.h"

static void pupil_name(const struct ld_pupil *p, char out[KIOSK_NAME_MAX])
{
    kiosk_name_display(p->preferred_first[0] ? p->preferred_first : p->legal_first,
                       p->preferred_last[0] ? p->preferred_last : p->legal_last, out,
                       KIOSK_NAME_MAX);
}

struct history_arrival {
    char device[LD_DEVICE_ID_MAX + 1];
    int64_t seq;
    char upn[LD_UPN_LEN + 1];
    int64_t at_ms;
    char reason[KIOSK_REASON_MAX];
    bool voided;
};

struct history_mod {
    enum ld_event_kind kind;
    char device[LD_DEVICE_ID_MAX + 1]; /* the event it refers to */
    int64_t seq;
    char own_device[LD_DEVICE_ID_MAX + 1]; /* its own id, which an un-void refers to */
    int64_t own_seq;
    int64_t fixed_at_ms;
    char reason[KIOSK_REASON_MAX];
};

struct history {
    struct history_arrival *a;
    size_t na, capa;
    struct history_mod *m;
    size_t nm, capm;
};

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 512;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static ld_err collect_history(void *ctx, const struct ld_event *ev)
{
    struct history *h = ctx;
    if (ev->kind == LD_EV_ARRIVAL) {
        if (!grow((void **)&h->a, &h->capa, h->na, sizeof *h->a))
            return LD_ERR_NOMEM;
        struct history_arrival *a = &h->a[h->na++];
        snprintf(a->device, sizeof a->device, "%s", ev->device_id);
        a->seq = ev->seq;
        snprintf(a->upn, sizeof a->upn, "%s", ev->upn);
        a->at_ms = ev->at_ms;
        kiosk_copy(a->reason, sizeof a->reason, ev->reason);
        a->voided = false;
        return LD_OK;
    }
    if (ev->kind == LD_EV_REASON && ld_reason_is_claim(ev->source, ev->staff))
        return LD_OK; /* a claim at the door keeps L or U until staff confirm it */
    if (!grow((void **)&h->m, &h->capm, h->nm, sizeof *h->m))
        return LD_ERR_NOMEM;
    struct history_mod *m = &h->m[h->nm++];
    m->kind = ev->kind;
    snprintf(m->device, sizeof m->device, "%s", ev->ref_device);
    m->seq = ev->ref_seq;
    snprintf(m->own_device, sizeof m->own_device, "%s", ev->device_id);
    m->own_seq = ev->seq;
    m->fixed_at_ms = ev->fixed_at_ms;
    kiosk_copy(m->reason, sizeof m->reason, ev->reason);
    return LD_OK;
}

static int cmp_arrival(const void *x, const void *y)
{
    const struct history_arrival *a = x, *b = y;
    int c = strcmp(a->device, b->device);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

struct school_build {
    struct ld_school *school;
    ld_err err;
};

static ld_err add_pupil_to_school(void *ctx, const struct ld_pupil *p)
{
    struct school_build *b = ctx;
    ld_err err = ld_school_add_pupil(b->school, p->upn, p->class_name, p->family, p->flags);
    if (!err && (p->has_admitted || p->has_left))
        err = ld_school_set_on_roll(b->school, p->upn, p->has_admitted ? &p->admitted : NULL,
                                    p->has_left ? &p->left : NULL);
    return err;
}

/* A pupil's arrivals by school day, for the N marks of `everyone signs in`. */
struct day_seen {
    char (*upns)[LD_UPN_LEN + 1]; /* sorted */
    size_t n, cap, ndays;
    unsigned char *seen; /* [pupil][day] */
};

static ld_err collect_upn(void *ctx, const struct ld_pupil *p)
{
    struct day_seen *s = ctx;
    if (!grow((void **)&s->upns, &s->cap, s->n, sizeof *s->upns))
        return LD_ERR_NOMEM;
    snprintf(s->upns[s->n++], sizeof s->upns[0], "%s", p->upn);
    return LD_OK;
}

static int cmp_upn(const void *x, const void *y)
{
    return strcmp(x, y);
}

/*
 * Everyone signs in: adds an N for the morning of every school day up to today (today once
 * its register has closed) on which a pupil has no arrival at all. A pupil who came in the
 * afternoon is left to the core's rule 3.
 */
static ld_err add_everyone_marks(struct ld_store *store, const struct ld_device *dev,
                                 struct ld_school *school, const struct history *h, ld_date today,
                                 ld_minute minute, char *msg, size_t msglen)
{
    struct day_seen s = {0};
    size_t ndays = ld_calendar_days_upto(dev->cal, today);
    if (ndays && ld_calendar_school_day(dev->cal, ndays - 1) == today &&
        minute <= dev->cfg.sessions.am.register_closes)
        ndays--; /* today's morning is still open */
    ld_err err = ld_store_pupils_foreach(store, NULL, false, collect_upn, &s, msg, msglen);
    if (!err && s.n && ndays && !(s.seen = calloc(s.n * ndays, 1)))
        err = LD_ERR_NOMEM;
    if (err || !s.seen)
        goto out;
    qsort(s.upns, s.n, sizeof *s.upns, cmp_upn);
    for (size_t i = 0; i < h->na; i++) {
        ld_date date;
        ld_minute m;
        const char *hit = bsearch(h->a[i].upn, s.upns, s.n, sizeof *s.upns, cmp_upn);
        if (h->a[i].voided || !hit || ld_clock_to_local(dev->tz, h->a[i].at_ms, &date, &m, NULL))
            continue;
        long d = ld_calendar_day_index(dev->cal, date);
        if (d >= 0 && (size_t)d < ndays)
            s.seen[(size_t)(hit - (const char *)s.upns) / sizeof *s.upns * ndays + (size_t)d] = 1;
    }
    for (size_t p = 0; !err && p < s.n; p++)
        for (size_t d = 0; !err && d < ndays; d++)
            if (!s.seen[p * ndays + d])
                err = ld_school_add_mark(school, s.upns[p], ld_calendar_school_day(dev->cal, d),
                                         LD_AM, LD_CODE_N, -1);
out:
    free(s.upns);
    free(s.seen);
    return err;
}

/* True when the void m is undone: an office un-void is a void whose ref is that void. */
static bool void_undone(const struct history *h, const struct history_mod *m)
{
    for (size_t i = 0; i < h->nm; i++)
        if (h->m[i].kind == LD_EV_VOID && h->m[i].seq == m->own_seq &&
            !strcmp(h->m[i].device, m->own_device))
            return true;
    return false;
}

/* Builds the school of the store's active pupils and every arrival up to the end of today. */
static ld_err build_school(struct ld_store *store, const struct ld_device *dev, ld_date today,
                           ld_minute now, int64_t to_ms, struct ld_school **out, char *msg,
                           size_t msglen)
{
    struct ld_school *school = NULL;
    struct history h = {0};
    ld_err err = ld_school_create(dev->cal, &dev->cfg.sessions, &school);
    if (!err)
        err = ld_school_set_bands(school, dev->cfg.bands, dev->cfg.band_count);
    if (!err)
        err = ld_school_set_rules(school, &dev->cfg.patterns);
    for (size_t i = 0; !err && i < dev->cfg.reason_count; i++)
        err = ld_school_add_reason(school, dev->cfg.reasons[i].name, &dev->cfg.reasons[i].rule);
    struct school_build b = {school, LD_OK};
    if (!err)
        err = ld_store_pupils_foreach(store, NULL, false, add_pupil_to_school, &b, msg, msglen);
    if (!err) {
        struct ld_event_filter f = {.to_ms = to_ms,
                                    .kinds = 1u << LD_EV_ARRIVAL | 1u << LD_EV_REASON |
                                             1u << LD_EV_VOID | 1u << LD_EV_CLOCK_REPAIR};
        err = ld_store_events_foreach(store, &f, collect_history, &h, msg, msglen);
    }
    if (!err) {
        if (h.na) /* never hand qsort a NULL array, even of nothing */
            qsort(h.a, h.na, sizeof *h.a, cmp_arrival);
        for (size_t i = 0; i < h.nm; i++) {
            struct history_arrival key = {.seq = h.m[i].seq};
            snprintf(key.device, sizeof key.device, "%s", h.m[i].device);
            struct history_arrival *a =
                h.na ? bsearch(&key, h.a, h.na, sizeof *h.a, cmp_arrival) : NULL;
            if (!a)
                continue;
            if (h.m[i].kind == LD_EV_VOID)
                a->voided = a->voided || !void_undone(&h, &h.m[i]);
            else if (h.m[i].kind == LD_EV_REASON)
                kiosk_copy(a->reason, sizeof a->reason, h.m[i].reason);
            else if (h.m[i].kind == LD_EV_CLOCK_REPAIR)
                a->at_ms = h.m[i].fixed_at_ms;
        }
        for (size_t i = 0; !err && i < h.na; i++) {
            ld_date date;
            ld_minute minute;
            if (h.a[i].voided || !ld_school_has_pupil(school, h.a[i].upn) ||
                ld_clock_to_local(dev->tz, h.a[i].at_ms, &date, &minute, NULL))
                continue;
            err = ld_school_add_arrival(school, h.a[i].upn, date, minute, h.a[i].reason);
        }
    }
    if (!err && dev->cfg.arrival_mode == LD_ARRIVAL_EVERYONE)
        err = add_everyone_marks(store, dev, school, &h, today, now, msg, msglen);
    free(h.a);
    free(h.m);
    if (err) {
        ld_school_destroy(school);
        if (!msg[0])
            snprintf(msg, msglen, "The attendance history could not be read: %s.", ld_err_str(err));
        return err;
    }
    *out = school;
    return LD_OK;
}

struct speak_rank {
    const struct ld_pupil_result *p;
    size_t group; /* the rank of the family's most pressing member */
};

static int pressing(const struct ld_pupil_result *p)
{
    return (int)p->npatterns * 1000 + p->late_l + p->late_u;
}

static int cmp_rank(const void *x, const void *y)
{
    const struct speak_rank *a = x, *b = y;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    int c = pressing(b->p) - pressing(a->p);
    return c ? c : strcmp(a->p->id, b->p->id);
}

/* Fills s and punctual from the analysis r. */
static void fill_from_result(struct ld_store *store, const struct ld_result *r,
                             struct kiosk_speak_list *s, char punctual[KIOSK_CLASS_MAX])
{
    size_t n = ld_result_pupil_count(r), nr = 0;
    struct speak_rank *rank = calloc(n ? n : 1, sizeof *rank);
    s->n = s->total = 0;
    if (rank) {
        for (size_t i = 0; i < n; i++)
            if (ld_result_pupil(r, i)->npatterns > 0)
                rank[nr++].p = ld_result_pupil(r, i);
        /* Most pressing first, and a family's children together at its most pressing one. */
        for (size_t i = 0; i < nr; i++) {
            rank[i].group = (size_t)(n * 1000 - (size_t)pressing(rank[i].p));
            for (size_t j = 0; j < nr; j++)
                if (rank[i].p->family[0] && strcmp(rank[i].p->family, rank[j].p->family) == 0 &&
                    n * 1000 - (size_t)pressing(rank[j].p) < rank[i].group)
                    rank[i].group = n * 1000 - (size_t)pressing(rank[j].p);
        }
        qsort(rank, nr, sizeof *rank, cmp_rank);
    }
    s->total = nr;
    for (size_t i = 0; i < nr && s->n < KIOSK_LIST_MAX; i++) {
        const struct ld_pupil_result *p = rank[i].p;
        struct kiosk_speak *o = &s->items[s->n++];
        struct ld_pupil pupil;
        memset(o, 0, sizeof *o);
        if (ld_store_pupil_get(store, p->id, &pupil, NULL, 0) == LD_OK) {
            pupil_name(&pupil, o->name);
            if (p->family[0]) {
                char label[LD_NAME_MAX + 16];
                snprintf(label, sizeof label, "%s family",
                         pupil.preferred_last[0] ? pupil.preferred_last : pupil.legal_last);
                kiosk_copy(o->family, sizeof o->family, label);
            }
        } else {
            kiosk_copy(o->name, sizeof o->name, p->id);
        }
        kiosk_copy(o->class_name, sizeof o->class_name, p->class_name);
        for (size_t k = 0; k < p->npatterns && o->nsentences < KIOSK_SENTENCES_MAX; k++)
            kiosk_copy(o->sentences[o->nsentences++], KIOSK_SENTENCE_MAX, p->patterns[k].detail);
    }
    /*
     * A family with several children on the list is one conversation: every child carries the
     * first child's label (siblings may have other surnames) and how many of them there are.
     */
    for (size_t i = 0; i < s->n && i < nr; i++) {
        if (!rank[i].p->family[0])
            continue;
        size_t first = i, children = 0;
        for (size_t j = 0; j < nr; j++) {
            if (strcmp(rank[i].p->family, rank[j].p->family) != 0)
                continue;
            children++;
            if (j < first)
                first = j;
        }
        if (children < 2)
            continue;
        char label[KIOSK_FAMILY_MAX + 32];
        char base[KIOSK_FAMILY_MAX];
        kiosk_copy(base, sizeof base, s->items[first].family);
        char *cut = strstr(base, " family");
        if (cut)
            cut[strlen(" family")] = '\0';
        snprintf(label, sizeof label, "%s: %zu children", base, children);
        kiosk_copy(s->items[i].family, KIOSK_FAMILY_MAX, label);
    }
    free(rank);

    /* The week's most punctual class: only when one class is strictly ahead of the next. */
    punctual[0] = '\0';
    size_t nc = ld_result_class_count(r);
    if (nc >= 2) {
        const struct ld_class_result *a = ld_result_class(r, 0), *b = ld_result_class(r, 1);
        if (a->pupils > 0 && b->pupils > 0 &&
            (long)a->late_sessions * b->pupils < (long)b->late_sessions * a->pupils)
            kiosk_copy(punctual, KIOSK_CLASS_MAX, a->name);
    }
}

void kiosk_school_config(struct ld_store *store, const struct ld_config *file,
                         struct ld_config *out)
{
    char problem[160];
    /* A bad value written at the centre keeps the file's (the door must keep working); the
     * store unread or no memory: the file alone, never half of both. */
    if (ld_device_school_config(store, file, out, problem, sizeof problem))
        *out = *file;
}

ld_err kiosk_analysis_run(struct ld_store *store, const struct ld_device *file_dev, ld_date today,
                          ld_minute minute, int64_t to_ms, struct ld_school **school,
                          struct ld_result **result, char *msg, size_t msglen)
{
    struct ld_as_of when;
    struct ld_device school_dev = *file_dev; /* borrowed pointers; the settings over the file */
    const struct ld_device *dev = &school_dev;
    kiosk_school_config(store, &file_dev->cfg, &school_dev.cfg);
    msg[0] = '\0';
    *result = NULL;
    ld_err err = build_school(store, dev, today, minute, to_ms, school, msg, msglen);
    if (err)
        return err;
    ld_as_of_day(today, &when);
    when.minute = minute;
    /* The device has no MIS marks: only everyone signing in tells it who was there. */
    if (dev->cfg.arrival_mode != LD_ARRIVAL_EVERYONE)
        when.registers_until = LD_NO_REGISTERS;
    if ((err = ld_school_analyse_at(*school, &when, result))) {
        snprintf(msg, msglen, "The attendance history could not be analysed: %s.", ld_err_str(err));
        ld_school_destroy(*school);
        *school = NULL;
    }
    return err;
}

ld_err kiosk_analyse_store(struct ld_store *store, const struct ld_device *dev, ld_date today,
                           ld_minute minute, int64_t to_ms, struct kiosk_speak_list *speak,
                           char punctual[KIOSK_CLASS_MAX], char *msg, size_t msglen)
{
    struct ld_school *school = NULL;
    struct ld_result *r = NULL;
    ld_err err = kiosk_analysis_run(store, dev, today, minute, to_ms, &school, &r, msg, msglen);
    if (err)
        return err;
    fill_from_result(store, r, speak, punctual);
    ld_result_destroy(r);
    ld_school_destroy(school);
    return LD_OK;
}
