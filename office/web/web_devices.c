/*
 * web_devices.c: the Devices page (issues 14 and 15): each kiosk's last report to the centre
 * (last sync, events waiting, clock, card reader, last error), said plainly when it has gone
 * quiet or its clock is wrong, and the wrong staff PINs tried at it today.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "office.h"

/* A kiosk reports every round (a minute by default): ten minutes without a word is news. */
#define QUIET_MS (10 * 60 * 1000)
/* A kiosk's clock further than this from the centre's when it reported is wrong. */
#define CLOCK_OFF_MS (2 * 60 * 1000)
#define DEVICES_MAX  64

/* The school's local time of ms: "08:12" on day today, "Mon 14 Dec 08:12" on another. */
static void when(const struct ld_tz *tz, int64_t ms, ld_date today, char *out, size_t outlen)
{
    ld_date d;
    ld_minute m;
    if (!tz || ld_clock_to_local(tz, ms, &d, &m, NULL)) {
        snprintf(out, outlen, "?");
        return;
    }
    if (d == today) {
        snprintf(out, outlen, "%02d:%02d", m / 60, m % 60);
        return;
    }
    char day[32];
    ld_report_short_date(d, day, sizeof day);
    snprintf(out, outlen, "%s %02d:%02d", day, m / 60, m % 60);
}

/* True when the kiosk's clock was further than CLOCK_OFF_MS from the centre's as it reported. */
static bool clock_off(const struct ld_central_device_status *s)
{
    int64_t off = s->device_ms - s->received_ms;
    return off > CLOCK_OFF_MS || off < -CLOCK_OFF_MS;
}

/* Wrong staff PINs at one kiosk today: how many, and the last one. */
struct pins {
    size_t n;
    const struct ld_central_event *last;
};

static struct pins pins_today(const struct ld_report *r, const char *device, int64_t from,
                              int64_t to)
{
    struct pins p = {0};
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ld_central_event *e = &r->events[i];
        if (e->kind != LD_CEV_PIN_WRONG || strcmp(e->device_id, device) || e->at_ms < from ||
            e->at_ms >= to)
            continue;
        p.n++;
        if (!p.last || e->at_ms >= p.last->at_ms)
            p.last = e;
    }
    return p;
}

/* One kiosk's row. */
static void device_row(struct ld_buf *b, const struct ld_central_device_status *s,
                       const struct ld_report *r, const struct ld_tz *tz, int64_t now,
                       ld_date today, int64_t from, int64_t to)
{
    char t1[48], t2[48];
    ld_buf_puts(b, "<tr><td>");
    ld_buf_html(b, s->device_id);
    ld_buf_puts(b, "</td><td class=\"heard\">");
    if (s->disabled)
        ld_buf_puts(b, "<strong>Disabled</strong> (shut out at the central store). ");
    if (!s->reported) {
        ld_buf_puts(b, "<strong>No report yet</strong></td><td colspan=\"6\"></td>");
    } else {
        when(tz, s->received_ms, today, t1, sizeof t1);
        if (now - s->received_ms > QUIET_MS)
            ld_buf_printf(b, "<strong class=\"warn\">No word since %s</strong>", t1);
        else
            ld_buf_printf(b, "%s", t1);
        ld_buf_puts(b, "</td><td>");
        if (s->last_sync_ms) {
            when(tz, s->last_sync_ms, today, t1, sizeof t1);
            ld_buf_printf(b, "%s", t1);
        } else {
            ld_buf_puts(b, "Never");
        }
        ld_buf_puts(b, "</td><td>");
        if (s->pending) {
            when(tz, s->oldest_pending_ms, today, t1, sizeof t1);
            ld_buf_printf(b, "%" PRId64 " waiting, the oldest from %s", s->pending, t1);
        } else {
            ld_buf_puts(b, "None");
        }
        ld_buf_puts(b, "</td><td class=\"clock\">");
        when(tz, s->device_ms, today, t1, sizeof t1);
        when(tz, s->received_ms, today, t2, sizeof t2);
        if (s->clock_state != 0)
            ld_buf_printf(b,
                          "<strong class=\"warn\">Not trusted</strong> (%s): it said %s when it "
                          "was %s",
                          ld_clock_state_name((enum ld_clock_state)s->clock_state), t1, t2);
        else if (clock_off(s))
            ld_buf_printf(b, "<strong class=\"warn\">Wrong</strong>: it said %s when it was %s", t1,
                          t2);
        else
            ld_buf_puts(b, "Good");
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, s->reader);
        if (s->reader_ms) {
            when(tz, s->reader_ms, today, t1, sizeof t1);
            ld_buf_printf(b, " (since %s)", t1);
        }
        ld_buf_puts(b, "</td><td>");
        if (s->last_error[0]) {
            when(tz, s->last_error_ms, today, t1, sizeof t1);
            ld_buf_printf(b, "%s: ", t1);
            ld_buf_html(b, s->last_error);
        } else {
            ld_buf_puts(b, "None");
        }
        ld_buf_puts(b, "</td><td>");
        ld_buf_html(b, s->version);
        ld_buf_puts(b, "</td>");
    }
    struct pins p = pins_today(r, s->device_id, from, to);
    ld_buf_printf(b, "<td class=\"pins\">%zu", p.n);
    if (p.last) {
        when(tz, p.last->at_ms, today, t1, sizeof t1);
        ld_buf_printf(b, ", the last at %s for ", t1);
        if (p.last->reason[0] || p.last->staff[0])
            ld_buf_html(b, p.last->reason[0] ? p.last->reason : p.last->staff);
        else
            ld_buf_puts(b, "nobody chosen");
    }
    ld_buf_puts(b, "</td></tr>\n");
}

ld_err web_kiosks_read(struct web_req *q, const char *school, struct web_kiosks *k)
{
    char msg[512], office[LD_CENTRAL_ID_MAX + 1] = "";
    k->n = 0;
    ld_err err = (k->all = calloc(DEVICES_MAX, sizeof *k->all)) ? LD_OK : LD_ERR_NOMEM;
    if (!err) {
        pthread_mutex_lock(&q->w->store_lock);
        err = ld_central_statuses(q->w->c, school, k->all, DEVICES_MAX, &k->n, msg, sizeof msg);
        pthread_mutex_unlock(&q->w->store_lock);
    } else {
        snprintf(msg, sizeof msg, "out of memory");
    }
    if (err == LD_ERR_RANGE)
        err = LD_OK; /* the first DEVICES_MAX */
    if (err) {
        fprintf(stderr, "latedoor-office: devices of %s: %s\n", school, msg);
        k->n = 0;
        return err;
    }
    if (ld_office_device(school, office, msg, sizeof msg))
        office[0] = '\0'; /* no office device can have been made for it */
    size_t kept = 0;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->all[i].device_id, office)) /* the office's own corrections: not a kiosk */
            k->all[kept++] = k->all[i];
    k->n = kept;
    return LD_OK;
}

void web_kiosks_free(struct web_kiosks *k)
{
    free(k->all);
    k->all = NULL;
    k->n = 0;
}

void web_devices(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct ld_buf *b = &q->body;
    struct web_kiosks k = {0};
    struct ld_tz *tz = NULL;
    char msg[512];
    ld_date today = 0;
    ld_minute minute;
    int64_t now = web_now_ms(q->w), from = 0, to = 0;
    ld_err err = web_kiosks_read(q, school, &k);
    if (!err && (err = ld_tz_open(r->timezone, &tz, msg, sizeof msg)))
        fprintf(stderr, "latedoor-office: devices of %s: %s\n", school, msg);
    if (!err && (ld_clock_to_local(tz, now, &today, &minute, NULL) ||
                 ld_clock_from_local(tz, today, 0, 0, &from, msg, sizeof msg) ||
                 ld_clock_from_local(tz, today + 1, 0, 0, &to, msg, sizeof msg))) {
        fprintf(stderr, "latedoor-office: devices of %s: %s\n", school, msg);
        err = LD_ERR_RANGE;
    }
    if (err) {
        web_error(q, 500, school, "The devices could not be read.");
        goto out;
    }
    web_page_open(q, "Devices", school);
    ld_buf_puts(b, "<main><h1>Devices</h1>\n<p>What each kiosk said when it last reached the "
                   "central store (it does so every round of its sync, about once a minute), in "
                   "the school's time. A kiosk silent for ten minutes, or whose clock is wrong, "
                   "is marked.</p>\n<table id=\"devices\"><thead><tr><th>Kiosk</th><th>Last "
                   "heard from</th><th>Last sync</th><th>Events waiting</th><th>Clock</th><th>Card "
                   "reader</th><th>Last error</th><th>Version</th><th>Wrong staff PINs "
                   "today</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < k.n; i++)
        device_row(b, &k.all[i], r, tz, now, today, from, to);
    ld_buf_puts(b, "</tbody></table></main>\n");
    web_page_close(q);
out:
    ld_tz_close(tz);
    web_kiosks_free(&k);
}

int64_t web_kiosks_stamp(struct web_req *q, const struct web_kiosks *k)
{
    int64_t latest = 0;
    for (size_t i = 0; i < k->n; i++)
        latest = k->all[i].received_ms > latest ? k->all[i].received_ms : latest;
    return web_now_ms(q->w) / 60000 + latest;
}

bool web_kiosks_strip(struct web_req *q, const struct web_kiosks *k, const struct ld_tz *tz)
{
    struct ld_buf *b = &q->body;
    int64_t now = web_now_ms(q->w);
    ld_date today = 0;
    ld_minute minute;
    if (!k->n || ld_clock_to_local(tz, now, &today, &minute, NULL))
        return false;
    char t[48], state[LD_CENTRAL_READER_MAX + 64];
    for (size_t i = 0; i < k->n; i++) {
        const struct ld_central_device_status *s = &k->all[i];
        bool warn = true;
        if (s->disabled) {
            snprintf(state, sizeof state, "disabled");
        } else if (!s->reported) {
            snprintf(state, sizeof state, "no report yet");
        } else if (now - s->received_ms > QUIET_MS) {
            when(tz, s->received_ms, today, t, sizeof t);
            snprintf(state, sizeof state, "no word since %s", t);
        } else if (strncmp(s->reader, "ok", 2)) {
            snprintf(state, sizeof state, "card reader: %s", s->reader);
        } else if (s->clock_state != 0 || clock_off(s)) {
            snprintf(state, sizeof state, "clock wrong");
        } else if (s->last_error[0] && s->last_error_ms > s->last_sync_ms) {
            snprintf(state, sizeof state, "sync failing");
        } else {
            warn = false;
            if (s->pending)
                snprintf(state, sizeof state, "%" PRId64 " event%s waiting", s->pending,
                         s->pending == 1 ? "" : "s");
            else
                snprintf(state, sizeof state, "all well");
        }
        ld_buf_puts(b, warn ? "<span class=\"warn\">" : "<span>");
        ld_buf_html(b, s->device_id);
        ld_buf_puts(b, ": ");
        ld_buf_html(b, state);
        ld_buf_puts(b, "</span>");
    }
    return true;
}
