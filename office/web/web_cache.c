/*
 * web_cache.c: each school's report (its roster, calendar, settings, MIS marks and whole log run
 * through the core) is loaded once and shared by every page until the store changes: a new
 * event, roster, calendar or settings, or a minute gone by (MIS marks carry no version).
 */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

#define CHECK_EVERY_MS  1000  /* how often a page asks the store whether anything changed */
#define RELOAD_EVERY_MS 60000 /* and loads it again regardless */

struct web_cache_entry {
    char school[LD_CENTRAL_ID_MAX + 1];
    struct web_report *cur;
    int64_t checked_ms, loaded_ms;
    int64_t versions[3];
    ld_date as_of;
};

static void release(struct web_report *wr)
{
    if (wr && --wr->refs == 0) {
        for (size_t i = 0; i < LD_WEB_PAGES_CACHED; i++)
            free(wr->pages[i].html);
        pthread_mutex_destroy(&wr->lock);
        ld_report_free(wr->r);
        free(wr);
    }
}

ld_err web_report_page(struct web_report *wr, const char *name, ld_date day, struct ld_buf *out,
                       char *msg, size_t msglen)
{
    bool hit = false;
    pthread_mutex_lock(&wr->lock);
    for (size_t i = 0; !hit && i < LD_WEB_PAGES_CACHED; i++) {
        const struct web_page *p = &wr->pages[i];
        if (p->html && p->day == day && !strcmp(p->name, name)) {
            if (p->len)
                ld_buf_put(out, p->html, p->len);
            hit = true;
        }
    }
    pthread_mutex_unlock(&wr->lock);
    if (hit)
        return out->failed ? LD_ERR_NOMEM : LD_OK;
    /* rendered outside the lock: two threads may both render a page the first time */
    struct ld_buf b = {0};
    ld_err err = ld_report_page(wr->r, name, day, &b, msg, msglen);
    if (!err && b.len && strlen(name) < sizeof wr->pages[0].name) {
        ld_buf_put(out, b.p, b.len);
        pthread_mutex_lock(&wr->lock);
        struct web_page *p = &wr->pages[wr->next];
        wr->next = (wr->next + 1) % LD_WEB_PAGES_CACHED;
        free(p->html);
        snprintf(p->name, sizeof p->name, "%s", name);
        p->day = day;
        p->html = b.p;
        p->len = b.len;
        b.p = NULL;
        pthread_mutex_unlock(&wr->lock);
    } else if (!err && b.len) {
        ld_buf_put(out, b.p, b.len);
    }
    ld_buf_free(&b);
    if (!err && out->failed)
        err = LD_ERR_NOMEM;
    return err;
}

/* Today's date in the school's time zone, by the server's (or the test's) clock. */
static ld_err today(struct ld_web *w, const char *school, ld_date *out, ld_minute *minute,
                    char *msg, size_t msglen)
{
    struct ld_central_settings set = {0};
    struct ld_tz *tz = NULL;
    int64_t v = 0;
    bool changed = false;
    const char *zone = "Europe/London";
    ld_err err = ld_central_get_settings(w->c, school, 0, &set, &v, &changed, msg, msglen);
    for (size_t i = 0; !err && i < set.count; i++)
        if (!strcmp(set.items[i].key, "timezone"))
            zone = set.items[i].value;
    if (!err && !(err = ld_tz_open(zone, &tz, msg, msglen)))
        err = ld_clock_to_local(tz, web_now_ms(w), out, minute, NULL);
    ld_tz_close(tz);
    ld_central_settings_free(&set);
    return err;
}

/* Reads the versions and the last event of school; under the store lock. */
static ld_err probe(struct ld_web *w, const char *school, int64_t after, int64_t versions[3],
                    bool *newer, char *msg, size_t msglen)
{
    struct ld_central_event *ev = malloc(sizeof *ev);
    size_t n = 0;
    ld_err err = ev ? LD_OK : LD_ERR_NOMEM;
    if (!err)
        err = ld_central_school_events(w->c, school, after, ev, 1, &n, msg, msglen);
    if (!err)
        err = ld_central_roster_version(w->c, school, &versions[0], msg, msglen);
    if (!err)
        err = ld_central_calendar_version(w->c, school, &versions[1], msg, msglen);
    if (!err)
        err = ld_central_settings_version(w->c, school, &versions[2], msg, msglen);
    if (!err)
        *newer = n > 0;
    free(ev);
    return err;
}

static struct web_cache_entry *entry_of(struct ld_web *w, const char *school)
{
    for (size_t i = 0; i < w->ncache; i++)
        if (!strcmp(w->cache[i].school, school))
            return &w->cache[i];
    if (w->ncache >= LD_WEB_SCHOOLS_MAX)
        return NULL;
    if (!w->cache && !(w->cache = calloc(LD_WEB_SCHOOLS_MAX, sizeof *w->cache)))
        return NULL;
    struct web_cache_entry *e = &w->cache[w->ncache++];
    memset(e, 0, sizeof *e);
    snprintf(e->school, sizeof e->school, "%s", school);
    return e;
}

/* The monotonic clock in ms: how long ago the store was asked, whatever a test's clock says. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct web_report *web_report_get(struct ld_web *w, const char *school, char *msg, size_t msglen)
{
    struct web_report *wr = NULL;
    int64_t now = mono_ms();
    pthread_mutex_lock(&w->cache_lock);
    struct web_cache_entry *e = entry_of(w, school);
    if (!e)
        snprintf(msg, msglen, "too many schools");
    else if (e->cur && now - e->checked_ms < CHECK_EVERY_MS)
        (wr = e->cur)->refs++;
    pthread_mutex_unlock(&w->cache_lock);
    if (wr || !e)
        return wr;

    /* one thread at a time asks the store and, when something changed, loads it again */
    pthread_mutex_lock(&w->store_lock);
    pthread_mutex_lock(&w->cache_lock);
    int64_t after = e->cur ? e->cur->last_seq : 0, old[3];
    memcpy(old, e->versions, sizeof old);
    bool have = e->cur != NULL, fresh = have && now - e->loaded_ms < RELOAD_EVERY_MS;
    pthread_mutex_unlock(&w->cache_lock);
    int64_t versions[3] = {0};
    bool newer = false;
    ld_date as_of = 0;
    ld_minute minute = 0;
    ld_err err = probe(w, school, after, versions, &newer, msg, msglen);
    if (!err)
        err = today(w, school, &as_of, &minute, msg, msglen);
    struct ld_report *r = NULL;
    bool reload = !err && (!have || !fresh || newer || memcmp(old, versions, sizeof old) ||
                           as_of != e->as_of);
    if (reload)
        /* as of the server's clock (--clock-file in the demo and tests), not the machine's */
        err = ld_report_load_at(w->c, school, as_of, minute, &r, msg, msglen);
    pthread_mutex_unlock(&w->store_lock);

    pthread_mutex_lock(&w->cache_lock);
    if (!err && reload) {
        struct web_report *n = calloc(1, sizeof *n);
        if (!n) {
            ld_report_free(r);
            snprintf(msg, msglen, "out of memory");
        } else {
            n->r = r;
            n->refs = 1; /* the cache's */
            pthread_mutex_init(&n->lock, NULL);
            n->last_seq = r->nevents ? r->events[r->nevents - 1].global_seq : 0;
            release(e->cur);
            e->cur = n;
            e->loaded_ms = now;
            e->as_of = as_of;
            memcpy(e->versions, versions, sizeof versions);
        }
    }
    if (!err)
        e->checked_ms = now;
    if (e->cur && !err)
        (wr = e->cur)->refs++;
    pthread_mutex_unlock(&w->cache_lock);
    return wr;
}

void web_report_put(struct ld_web *w, struct web_report *wr)
{
    pthread_mutex_lock(&w->cache_lock);
    release(wr);
    pthread_mutex_unlock(&w->cache_lock);
}

void web_report_stale(struct ld_web *w, const char *school)
{
    pthread_mutex_lock(&w->cache_lock);
    for (size_t i = 0; i < w->ncache; i++)
        if (!strcmp(w->cache[i].school, school))
            w->cache[i].checked_ms = w->cache[i].loaded_ms = INT64_MIN / 2;
    pthread_mutex_unlock(&w->cache_lock);
}

void web_cache_free(struct ld_web *w)
{
    for (size_t i = 0; i < w->ncache; i++)
        release(w->cache[i].cur);
    free(w->cache);
    w->cache = NULL;
    w->ncache = 0;
}
