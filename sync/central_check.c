/* central_check.c: the checks every event, roster, calendar and setting passes in and out. */
#include "central_backend.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ld_calendar.h"
#include "ld_codes.h"
#include "ld_flags.h"
#include "store.h"
#include "upn.h"
#include "utf8.h"

/* 9999-12-31T23:59:59.999Z: the last instant a date of the core can name. */
#define CENTRAL_MAX_MS INT64_C(253402300799999)

ld_err central__fail(ld_err err, char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg && msglen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return err;
}

const char *central__part_name(enum central__part part)
{
    switch (part) {
    case CENTRAL_PART_ROSTER:
        return "roster";
    case CENTRAL_PART_CALENDAR:
        return "calendar";
    case CENTRAL_PART_SETTINGS:
        return "settings";
    }
    return "?";
}

bool central__id_ok(const char *s)
{
    size_t n = strnlen(s, LD_CENTRAL_ID_MAX + 1);
    if (n == 0 || n > LD_CENTRAL_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

bool central__uuid_ok(const char *s)
{
    if (strnlen(s, LD_CENTRAL_UUID_LEN + 1) != LD_CENTRAL_UUID_LEN)
        return false;
    for (int i = 0; i < LD_CENTRAL_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char ch = s[i];
        if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return false;
    }
    return true;
}

ld_err central__text_ok(const char *s, size_t max, bool nonempty, const char *where,
                        const char *field, char *msg, size_t msglen)
{
    size_t n = strnlen(s, max + 1);
    if (n > max)
        return central__fail(LD_ERR_RANGE, msg, msglen, "%s: field %s: longer than %zu bytes",
                             where, field, max);
    if (nonempty && n == 0)
        return central__fail(LD_ERR_INVALID, msg, msglen, "%s: field %s: empty", where, field);
    if (!ld_utf8_valid(s, n))
        return central__fail(LD_ERR_INVALID, msg, msglen, "%s: field %s: not valid UTF-8", where,
                             field);
    if (ld_utf8_has_control(s, n))
        return central__fail(LD_ERR_INVALID, msg, msglen, "%s: field %s: holds a control character",
                             where, field);
    return LD_OK;
}

/* Returns true when the array of size bytes at s holds a terminator. */
static bool terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Returns true when s is "" or the upper-case hex of a card UID of 1..LD_UID_MAX bytes. */
static bool card_ok(const char *s)
{
    if (!*s)
        return true;
    struct ld_uid uid;
    char back[LD_UID_HEXLEN];
    if (!ld_uid_parse(s, &uid))
        return false;
    ld_uid_format(&uid, back);
    return strcmp(back, s) == 0;
}

/* Returns a quoted copy of s for a message (ids, UUIDs, UPNs: never names). */
static const char *quoted(char *buf, size_t len, const char *s, size_t size)
{
    return ld_utf8_quote(buf, len, s, strnlen(s, size), 40);
}

#define BAD(err, ...) central__fail(err, msg, msglen, __VA_ARGS__)

ld_err central__event_ok(const struct ld_central_event *ev, bool stored, const char *where,
                         char *msg, size_t msglen)
{
    char q[200];
    struct {
        const char *s;
        size_t size;
        const char *name;
    } strs[] = {
        {ev->school, sizeof ev->school, "school"},
        {ev->device_id, sizeof ev->device_id, "device_id"},
        {ev->uuid, sizeof ev->uuid, "uuid"},
        {ev->boot_id, sizeof ev->boot_id, "boot_id"},
        {ev->upn, sizeof ev->upn, "upn"},
        {ev->card, sizeof ev->card, "card"},
        {ev->staff, sizeof ev->staff, "staff"},
        {ev->reason, sizeof ev->reason, "reason"},
        {ev->ref_device, sizeof ev->ref_device, "ref_device"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (!terminated(strs[i].s, strs[i].size))
            return BAD(LD_ERR_RANGE, "%s: field %s: not terminated within %zu bytes", where,
                       strs[i].name, strs[i].size);

    if (stored && ev->global_seq < 1)
        return BAD(LD_ERR_INVALID, "%s: field global_seq: %" PRId64 " is not >= 1", where,
                   ev->global_seq);
    if (!central__id_ok(ev->school))
        return BAD(LD_ERR_INVALID, "%s: field school: %s is not an id", where,
                   quoted(q, sizeof q, ev->school, sizeof ev->school));
    if (!central__id_ok(ev->device_id))
        return BAD(LD_ERR_INVALID, "%s: field device_id: %s is not a device id", where,
                   quoted(q, sizeof q, ev->device_id, sizeof ev->device_id));
    if (ev->seq < 1)
        return BAD(LD_ERR_INVALID, "%s: field seq: %" PRId64 " is not >= 1", where, ev->seq);
    if (!central__uuid_ok(ev->uuid))
        return BAD(LD_ERR_INVALID, "%s: field uuid: %s is not a lower-case UUID", where,
                   quoted(q, sizeof q, ev->uuid, sizeof ev->uuid));
    if (ev->kind < LD_CEV_ARRIVAL || ev->kind > LD_CEV_PIN_WRONG)
        return BAD(LD_ERR_INVALID, "%s: field kind: %d is not 1..%d", where, ev->kind,
                   LD_CEV_PIN_WRONG);
    if (ev->at_ms < 0 || ev->at_ms > CENTRAL_MAX_MS)
        return BAD(LD_ERR_INVALID, "%s: field at_ms: %" PRId64 " is out of range", where,
                   ev->at_ms);
    if (ev->mono_ms < 0)
        return BAD(LD_ERR_INVALID, "%s: field mono_ms: %" PRId64 " is negative", where,
                   ev->mono_ms);
    if (ev->boot_id[0] && !central__uuid_ok(ev->boot_id))
        return BAD(LD_ERR_INVALID, "%s: field boot_id: %s is not a lower-case boot id", where,
                   quoted(q, sizeof q, ev->boot_id, sizeof ev->boot_id));
    if (ev->clock_state < 0 || ev->clock_state > 3)
        return BAD(LD_ERR_INVALID, "%s: field clock_state: %d is not 0..3", where, ev->clock_state);
    if (ev->upn[0] && ld_upn_check(ev->upn, NULL) == LD_UPN_MALFORMED)
        return BAD(LD_ERR_INVALID, "%s: field upn: %s is not a UPN", where,
                   quoted(q, sizeof q, ev->upn, sizeof ev->upn));
    if (!card_ok(ev->card))
        return BAD(LD_ERR_INVALID, "%s: field card: %s is not upper-case hex of 1 to %d bytes",
                   where, quoted(q, sizeof q, ev->card, sizeof ev->card), LD_UID_MAX);
    if (ev->source < LD_CSRC_CARD || ev->source > LD_CSRC_OFFICE)
        return BAD(LD_ERR_INVALID, "%s: field source: %d is not 1..5", where, ev->source);
    ld_err err =
        central__text_ok(ev->staff, LD_CENTRAL_STAFF_MAX, false, where, "staff", msg, msglen);
    if (!err)
        err = central__text_ok(ev->reason, LD_CENTRAL_REASON_MAX, false, where, "reason", msg,
                               msglen);
    if (err)
        return err;
    bool has_ref = ev->ref_device[0] || ev->ref_seq != 0;
    if (has_ref && !central__id_ok(ev->ref_device))
        return BAD(LD_ERR_INVALID, "%s: field ref_device: %s is not a device id", where,
                   quoted(q, sizeof q, ev->ref_device, sizeof ev->ref_device));
    if (has_ref && ev->ref_seq < 1)
        return BAD(LD_ERR_INVALID, "%s: field ref_seq: %" PRId64 " is not >= 1", where,
                   ev->ref_seq);
    if (ev->fixed_at_ms < 0 || ev->fixed_at_ms > CENTRAL_MAX_MS)
        return BAD(LD_ERR_INVALID, "%s: field fixed_at_ms: %" PRId64 " is out of range", where,
                   ev->fixed_at_ms);

    /* (version 8) A given checksum must be the fields' own: else the record was changed. */
    char sum[LD_CENTRAL_SUM_LEN + 1];
    if (!terminated(ev->sum, sizeof ev->sum))
        return BAD(LD_ERR_RANGE, "%s: field sum: not terminated within %zu bytes", where,
                   sizeof ev->sum);
    (void)central__event_sum(ev, sum);
    if (ev->sum[0] && strcmp(ev->sum, sum) != 0)
        return BAD(LD_ERR_CORRUPT,
                   "%s: field sum: checksum mismatch (%.12s… given, the fields give %.12s…): "
                   "the record was changed since it was summed; not used",
                   where, ev->sum, sum);

    /* What each kind needs: the device store's rules (store.h), so nothing it records is stuck. */
    bool upn = ev->upn[0] != '\0';
    switch (ev->kind) {
    case LD_CEV_ARRIVAL:
    case LD_CEV_DEPARTURE:
    case LD_CEV_RETURN:
        if (!upn)
            return BAD(LD_ERR_INVALID, "%s: field upn: kind %d needs a pupil", where, ev->kind);
        if (has_ref && ev->kind == LD_CEV_ARRIVAL)
            return BAD(LD_ERR_INVALID, "%s: field ref_device: an arrival refers to nothing", where);
        break;
    case LD_CEV_REASON:
        if (!upn)
            return BAD(LD_ERR_INVALID, "%s: field upn: a reason needs a pupil", where);
        if (!ev->reason[0])
            return BAD(LD_ERR_INVALID, "%s: field reason: a reason event needs a reason", where);
        if (!has_ref)
            return BAD(LD_ERR_INVALID, "%s: field ref_device: a reason needs the event it is for",
                       where);
        break;
    case LD_CEV_VOID:
        if (!has_ref)
            return BAD(LD_ERR_INVALID, "%s: field ref_device: a void needs the event it voids",
                       where);
        break;
    case LD_CEV_PIN_WRONG:
        if (upn || ev->card[0] || has_ref)
            return BAD(LD_ERR_INVALID, "%s: field %s: a wrong PIN has no pupil, card or reference",
                       where,
                       upn           ? "upn"
                       : ev->card[0] ? "card"
                                     : "ref_device");
        break;
    case LD_CEV_UNKNOWN_CARD:
        if (!ev->card[0])
            return BAD(LD_ERR_INVALID, "%s: field card: an unknown card needs its UID", where);
        if (upn)
            return BAD(LD_ERR_INVALID, "%s: field upn: an unknown card has no pupil", where);
        if (has_ref)
            return BAD(LD_ERR_INVALID, "%s: field ref_device: an unknown card refers to nothing",
                       where);
        break;
    case LD_CEV_CLOCK_REPAIR:
        if (!has_ref)
            return BAD(LD_ERR_INVALID,
                       "%s: field ref_device: a clock repair needs the event it repairs", where);
        if (ev->fixed_at_ms <= 0)
            return BAD(LD_ERR_INVALID, "%s: field fixed_at_ms: a clock repair needs the time",
                       where);
        break;
    }
    if (ev->kind != LD_CEV_CLOCK_REPAIR && ev->fixed_at_ms != 0)
        return BAD(LD_ERR_INVALID, "%s: field fixed_at_ms: only a clock repair has one", where);
    return LD_OK;
}

const char *central__event_diff(const struct ld_central_event *a, const struct ld_central_event *b)
{
#define STR(f)                                                                                     \
    if (strcmp(a->f, b->f))                                                                        \
    return #f
#define NUM(f)                                                                                     \
    if (a->f != b->f)                                                                              \
    return #f
    STR(uuid);
    STR(school);
    STR(device_id);
    NUM(seq);
    NUM(kind);
    NUM(at_ms);
    NUM(mono_ms);
    STR(boot_id);
    NUM(clock_state);
    STR(upn);
    STR(card);
    NUM(source);
    STR(staff);
    STR(reason);
    STR(ref_device);
    NUM(ref_seq);
    NUM(fixed_at_ms);
#undef STR
#undef NUM
    return NULL;
}

/* ---- rosters ---- */

struct key_index {
    char key[LD_UID_HEXLEN > LD_UPN_LEN + 1 ? LD_UID_HEXLEN : LD_UPN_LEN + 1];
    size_t index;
};

static int key_index_cmp(const void *a, const void *b)
{
    const struct key_index *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Describes row i of r for a message: "WHERE row 3 (line 12)". */
static const char *pupil_where(char *buf, size_t len, const char *where, const struct ld_roster *r,
                               size_t i)
{
    if (r->pupils[i].line)
        snprintf(buf, len, "%s row %zu (line %u)", where, i + 1, r->pupils[i].line);
    else
        snprintf(buf, len, "%s row %zu", where, i + 1);
    return buf;
}

/* Finds a repeated key among n entries; writes the two rows' indexes. */
static bool find_repeat(struct key_index *k, size_t n, size_t *first, size_t *second)
{
    qsort(k, n, sizeof *k, key_index_cmp);
    for (size_t i = 1; i < n; i++) {
        if (!strcmp(k[i - 1].key, k[i].key)) {
            *first = k[i - 1].index;
            *second = k[i].index;
            return true;
        }
    }
    return false;
}

ld_err central__roster_ok(const struct ld_roster *r, const char *where, char *msg, size_t msglen)
{
    char w[160], q[80];
    ld_err err = LD_OK;
    struct key_index *keys = NULL;
    if (r->count > LD_ROSTER_MAX_PUPILS)
        return BAD(LD_ERR_RANGE, "%s: %zu pupils, more than %d", where, r->count,
                   LD_ROSTER_MAX_PUPILS);
    if (r->count && !r->pupils)
        return BAD(LD_ERR_INVALID, "%s: no pupil array", where);
    for (size_t i = 0; i < r->count; i++) {
        const struct ld_roster_pupil *p = &r->pupils[i];
        pupil_where(w, sizeof w, where, r, i);
        struct {
            const char *s;
            size_t size, max;
            bool nonempty;
            const char *name;
        } f[] = {
            {p->upn, sizeof p->upn, LD_UPN_LEN, true, "upn"},
            {p->legal_first, sizeof p->legal_first, LD_NAME_MAX, true, "legal_first"},
            {p->legal_last, sizeof p->legal_last, LD_NAME_MAX, true, "legal_last"},
            {p->preferred_first, sizeof p->preferred_first, LD_NAME_MAX, false, "preferred_first"},
            {p->preferred_last, sizeof p->preferred_last, LD_NAME_MAX, false, "preferred_last"},
            {p->year, sizeof p->year, LD_YEAR_MAX, false, "year"},
            {p->class_name, sizeof p->class_name, LD_CLASS_MAX, true, "class_name"},
            {p->family, sizeof p->family, LD_FAMILY_MAX, false, "family"},
        };
        for (size_t j = 0; j < sizeof f / sizeof f[0]; j++) {
            if (!terminated(f[j].s, f[j].size))
                return BAD(LD_ERR_RANGE, "%s: field %s: not terminated", w, f[j].name);
            err = central__text_ok(f[j].s, f[j].max, f[j].nonempty, w, f[j].name, msg, msglen);
            if (err)
                return err;
        }
        if (ld_upn_check(p->upn, NULL) == LD_UPN_MALFORMED)
            return BAD(LD_ERR_INVALID, "%s: field upn: %s is not a UPN", w,
                       quoted(q, sizeof q, p->upn, sizeof p->upn));
        if (p->flags & ~(unsigned)LD_FLAG_ALL)
            return BAD(LD_ERR_INVALID, "%s: field flags: unknown bits 0x%x", w,
                       p->flags & ~(unsigned)LD_FLAG_ALL);
        if (p->card.len > LD_UID_MAX)
            return BAD(LD_ERR_INVALID, "%s: field card: %u bytes, more than %d", w, p->card.len,
                       LD_UID_MAX);
        if (p->has_admitted && p->has_left && p->left < p->admitted)
            return BAD(LD_ERR_INVALID, "%s: field left: before the admission date", w);
    }
    if (r->count < 2)
        return LD_OK;
    keys = calloc(r->count, sizeof *keys);
    if (!keys)
        return BAD(LD_ERR_NOMEM, "%s: out of memory", where);
    size_t a, b, n = 0;
    for (size_t i = 0; i < r->count; i++) {
        memcpy(keys[i].key, r->pupils[i].upn, sizeof r->pupils[i].upn);
        keys[i].index = i;
    }
    if (find_repeat(keys, r->count, &a, &b)) {
        pupil_where(w, sizeof w, where, r, b);
        err = BAD(LD_ERR_DUPLICATE, "%s: field upn: %s is also row %zu", w,
                  quoted(q, sizeof q, r->pupils[b].upn, sizeof r->pupils[b].upn), a + 1);
        goto out;
    }
    for (size_t i = 0; i < r->count; i++) {
        if (!r->pupils[i].card.len)
            continue;
        ld_uid_format(&r->pupils[i].card, keys[n].key);
        keys[n++].index = i;
    }
    if (find_repeat(keys, n, &a, &b)) {
        char hex[LD_UID_HEXLEN];
        pupil_where(w, sizeof w, where, r, b);
        ld_uid_format(&r->pupils[b].card, hex);
        err = BAD(LD_ERR_DUPLICATE, "%s: field card: %s is also row %zu's", w, hex, a + 1);
    }
out:
    free(keys);
    return err;
}

/* ---- calendars ---- */

static bool date_ok(ld_date d)
{
    int y, m, day;
    if (d < -25567 || d > 2932896) /* 1900-01-01 .. 9999-12-31 */
        return false;
    ld_date_to_ymd(d, &y, &m, &day);
    return ld_date_valid(y, m, day);
}

ld_err central__calendar_ok(const struct ld_calendar_file *cal, const char *where, char *msg,
                            size_t msglen)
{
    char w[160], d1[LD_DATE_STRLEN];
    ld_err err;
    if (cal->term_count > LD_CALFILE_MAX_TERMS)
        return BAD(LD_ERR_RANGE, "%s: %zu terms, more than %d", where, cal->term_count,
                   LD_CALFILE_MAX_TERMS);
    if (cal->closed_count > LD_CALFILE_MAX_CLOSED)
        return BAD(LD_ERR_RANGE, "%s: %zu closed days, more than %d", where, cal->closed_count,
                   LD_CALFILE_MAX_CLOSED);
    if ((cal->term_count && !cal->terms) || (cal->closed_count && !cal->closed))
        return BAD(LD_ERR_INVALID, "%s: missing array", where);
    for (size_t i = 0; i < cal->term_count; i++) {
        const struct ld_calfile_term *t = &cal->terms[i];
        snprintf(w, sizeof w, "%s term %zu", where, i + 1);
        if (!terminated(t->name, sizeof t->name))
            return BAD(LD_ERR_RANGE, "%s: field name: not terminated", w);
        err = central__text_ok(t->name, LD_TERM_NAME_MAX, true, w, "name", msg, msglen);
        if (err)
            return err;
        if (!date_ok(t->start))
            return BAD(LD_ERR_INVALID, "%s: field start: not a date of 1900..9999", w);
        if (!date_ok(t->end))
            return BAD(LD_ERR_INVALID, "%s: field end: not a date of 1900..9999", w);
        if (t->end < t->start)
            return BAD(LD_ERR_INVALID, "%s: field end: before the start", w);
        if (t->end - t->start + 1 > LD_CALFILE_TERM_MAX_DAYS)
            return BAD(LD_ERR_INVALID, "%s: field end: longer than %d days", w,
                       LD_CALFILE_TERM_MAX_DAYS);
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp(cal->terms[j].name, t->name))
                return BAD(LD_ERR_DUPLICATE, "%s: field name: also term %zu's", w, j + 1);
    }
    for (size_t i = 0; i < cal->closed_count; i++) {
        const struct ld_calfile_closed *d = &cal->closed[i];
        snprintf(w, sizeof w, "%s closed day %zu", where, i + 1);
        if (!terminated(d->label, sizeof d->label))
            return BAD(LD_ERR_RANGE, "%s: field label: not terminated", w);
        err = central__text_ok(d->label, LD_CALFILE_LABEL_MAX, false, w, "label", msg, msglen);
        if (err)
            return err;
        if (!date_ok(d->date))
            return BAD(LD_ERR_INVALID, "%s: field date: not a date of 1900..9999", w);
        if (i > 0 && d->date <= cal->closed[i - 1].date) {
            ld_date_format(d->date, d1);
            return BAD(d->date == cal->closed[i - 1].date ? LD_ERR_DUPLICATE : LD_ERR_INVALID,
                       "%s: field date: %s is not after the closed day before it", w, d1);
        }
    }
    /* The core's own rules (order, overlap, span), so a device never gets a calendar it cannot
     * build. */
    struct ld_term *terms = calloc(cal->term_count + 1, sizeof *terms);
    ld_date *closed = calloc(cal->closed_count + 1, sizeof *closed);
    struct ld_calendar *built = NULL;
    struct ld_calendar_problem why = {0};
    if (!terms || !closed) {
        err = BAD(LD_ERR_NOMEM, "%s: out of memory", where);
        goto out;
    }
    for (size_t i = 0; i < cal->term_count; i++)
        terms[i] = (struct ld_term){cal->terms[i].name, cal->terms[i].start, cal->terms[i].end};
    for (size_t i = 0; i < cal->closed_count; i++)
        closed[i] = cal->closed[i].date;
    err = ld_calendar_create(terms, cal->term_count, closed, cal->closed_count, &built, &why);
    if (err == LD_ERR_INVALID && why.term < cal->term_count)
        BAD(err, "%s term %zu: field %s: %s", where, why.term + 1, why.field ? why.field : "?",
            why.problem ? why.problem : "invalid");
    else if (err)
        BAD(err, "%s: the calendar cannot be built: %s", where, ld_err_str(err));
out:
    ld_calendar_destroy(built);
    free(terms);
    free(closed);
    return err;
}

/* ---- settings ---- */

static bool key_ok(const char *s)
{
    size_t n = strnlen(s, LD_CENTRAL_SETTING_KEY_MAX + 1);
    if (n == 0 || n > LD_CENTRAL_SETTING_KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return false;
    }
    return true;
}

ld_err central__settings_ok(const struct ld_central_setting *s, size_t n, bool sorted,
                            const char *where, char *msg, size_t msglen)
{
    char w[160], q[120];
    if (n > LD_CENTRAL_SETTINGS_MAX)
        return BAD(LD_ERR_RANGE, "%s: %zu settings, more than %d", where, n,
                   LD_CENTRAL_SETTINGS_MAX);
    if (n && !s)
        return BAD(LD_ERR_INVALID, "%s: no settings array", where);
    for (size_t i = 0; i < n; i++) {
        snprintf(w, sizeof w, "%s setting %zu", where, i + 1);
        if (!terminated(s[i].key, sizeof s[i].key) || !terminated(s[i].value, sizeof s[i].value))
            return BAD(LD_ERR_RANGE, "%s: not terminated", w);
        if (!key_ok(s[i].key))
            return BAD(LD_ERR_INVALID, "%s: field key: %s is not 1..%d of [a-z0-9._-]", w,
                       quoted(q, sizeof q, s[i].key, sizeof s[i].key), LD_CENTRAL_SETTING_KEY_MAX);
        ld_err err = central__text_ok(s[i].value, LD_CENTRAL_SETTING_VALUE_MAX, false, w, "value",
                                      msg, msglen);
        if (err)
            return err;
        if (sorted && i > 0 && strcmp(s[i - 1].key, s[i].key) >= 0)
            return BAD(strcmp(s[i - 1].key, s[i].key) ? LD_ERR_INVALID : LD_ERR_DUPLICATE,
                       "%s: field key: %s is not after the key before it", w,
                       quoted(q, sizeof q, s[i].key, sizeof s[i].key));
    }
    return LD_OK;
}

/* ---- digests ---- */

static void feed_str(crypto_generichash_state *h, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);
    unsigned char len[4] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                            (unsigned char)(n >> 24)};
    crypto_generichash_update(h, len, sizeof len);
    crypto_generichash_update(h, (const unsigned char *)s, n);
}

static void feed_int(crypto_generichash_state *h, int64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)v >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void finish(crypto_generichash_state *h, char hex[CENTRAL_DIGEST_HEX])
{
    unsigned char out[32];
    crypto_generichash_final(h, out, sizeof out);
    sodium_bin2hex(hex, CENTRAL_DIGEST_HEX, out, sizeof out);
}

void central__roster_digest(const struct ld_roster *r, char hex[CENTRAL_DIGEST_HEX])
{
    crypto_generichash_state h;
    char card[LD_UID_HEXLEN];
    crypto_generichash_init(&h, NULL, 0, 32);
    feed_str(&h, "latedoor roster 1");
    feed_int(&h, (int64_t)r->count);
    for (size_t i = 0; i < r->count; i++) {
        const struct ld_roster_pupil *p = &r->pupils[i];
        feed_str(&h, p->upn);
        feed_str(&h, p->legal_first);
        feed_str(&h, p->legal_last);
        feed_str(&h, p->preferred_first);
        feed_str(&h, p->preferred_last);
        feed_str(&h, p->year);
        feed_str(&h, p->class_name);
        feed_str(&h, p->family);
        feed_int(&h, p->flags);
        ld_uid_format(&p->card, card);
        feed_str(&h, p->card.len ? card : "");
        /* Only when given, so that a roster without dates keeps the digest it always had. */
        if (p->has_admitted || p->has_left) {
            feed_str(&h, "on roll");
            feed_int(&h, p->has_admitted ? p->admitted : INT64_MIN);
            feed_int(&h, p->has_left ? p->left : INT64_MAX);
        }
    }
    finish(&h, hex);
}

void central__calendar_digest(const struct ld_calendar_file *cal, char hex[CENTRAL_DIGEST_HEX])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    feed_str(&h, "latedoor calendar 1");
    feed_int(&h, (int64_t)cal->term_count);
    for (size_t i = 0; i < cal->term_count; i++) {
        feed_str(&h, cal->terms[i].name);
        feed_int(&h, cal->terms[i].start);
        feed_int(&h, cal->terms[i].end);
    }
    feed_int(&h, (int64_t)cal->closed_count);
    for (size_t i = 0; i < cal->closed_count; i++) {
        feed_int(&h, cal->closed[i].date);
        feed_str(&h, cal->closed[i].label);
    }
    finish(&h, hex);
}

void central__settings_digest(const struct ld_central_setting *s, size_t n,
                              char hex[CENTRAL_DIGEST_HEX])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    feed_str(&h, "latedoor settings 1");
    feed_int(&h, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        feed_str(&h, s[i].key);
        feed_str(&h, s[i].value);
    }
    finish(&h, hex);
}

bool central__random(void *buf, size_t n)
{
    if (sodium_init() < 0)
        return false;
    randombytes_buf(buf, n);
    return true;
}

/* ---- rows ---- */

ld_err central__row_str(const struct central__row *r, int col, char *dst, size_t size, bool null_ok,
                        const char *where, const char *field, char *msg, size_t msglen)
{
    size_t len = 0;
    const char *s = r->text(r->ctx, col, &len);
    if (!s) {
        if (null_ok) {
            dst[0] = '\0';
            return LD_OK;
        }
        return BAD(LD_ERR_CORRUPT, "%s: field %s: NULL or not text", where, field);
    }
    if (len >= size)
        return BAD(LD_ERR_CORRUPT, "%s: field %s: %zu bytes, more than %zu", where, field, len,
                   size - 1);
    if (strlen(s) != len)
        return BAD(LD_ERR_CORRUPT, "%s: field %s: holds a NUL byte", where, field);
    memcpy(dst, s, len + 1);
    return LD_OK;
}

ld_err central__row_int(const struct central__row *r, int col, int64_t lo, int64_t hi, int64_t *v,
                        const char *where, const char *field, char *msg, size_t msglen)
{
    int64_t x;
    if (!r->integer(r->ctx, col, &x))
        return BAD(LD_ERR_CORRUPT, "%s: field %s: NULL or not a whole number", where, field);
    if (x < lo || x > hi)
        return BAD(LD_ERR_CORRUPT, "%s: field %s: %" PRId64 " is out of range", where, field, x);
    *v = x;
    return LD_OK;
}

const char *central__event_sum(const struct ld_central_event *ev, char out[LD_CENTRAL_SUM_LEN + 1])
{
    const struct ld_event_sum_fields f = {
        .device_id = ev->device_id,
        .seq = ev->seq,
        .uuid = ev->uuid,
        .kind = ev->kind,
        .at_ms = ev->at_ms,
        .mono_ms = ev->mono_ms,
        .boot_id = ev->boot_id,
        .clock = ev->clock_state,
        .upn = ev->upn,
        .card = ev->card,
        .source = ev->source,
        .staff = ev->staff,
        .reason = ev->reason,
        .ref_device = ev->ref_device,
        .ref_seq = ev->ref_seq,
        .fixed_at_ms = ev->fixed_at_ms,
    };
    ld_event_sum_fields(&f, out);
    return ev->sum[0] ? ev->sum : out;
}

/* Decodes and checks an event row; need_sum: a row without a checksum is refused too. */
static ld_err row_event(const struct central__row *r, struct ld_central_event *ev, bool need_sum,
                        char *msg, size_t msglen)
{
    char where[96];
    int64_t v = 0;
    ld_err err;
    memset(ev, 0, sizeof *ev);
    if (!r->integer(r->ctx, 0, &ev->global_seq))
        return BAD(LD_ERR_CORRUPT, "events row: field global_seq: NULL or not a whole number");
    snprintf(where, sizeof where, "events row global_seq %" PRId64, ev->global_seq);
#define S(col, f, name)                                                                            \
    if ((err = central__row_str(r, col, ev->f, sizeof ev->f, false, where, name, msg, msglen)))    \
    return err
#define I(col, f, name, lo, hi)                                                                    \
    if ((err = central__row_int(r, col, lo, hi, &v, where, name, msg, msglen)))                    \
        return err;                                                                                \
    ev->f = v
    S(1, school, "school_id");
    S(2, device_id, "device_id");
    I(3, seq, "seq", INT64_MIN, INT64_MAX);
    S(4, uuid, "uuid");
    I(5, kind, "kind", INT32_MIN, INT32_MAX);
    I(6, at_ms, "at_ms", INT64_MIN, INT64_MAX);
    I(7, mono_ms, "mono_ms", INT64_MIN, INT64_MAX);
    S(8, boot_id, "boot_id");
    I(9, clock_state, "clock_state", INT32_MIN, INT32_MAX);
    S(10, upn, "upn");
    S(11, card, "card");
    I(12, source, "source", INT32_MIN, INT32_MAX);
    S(13, staff, "staff");
    S(14, reason, "reason");
    S(15, ref_device, "ref_device");
    I(16, ref_seq, "ref_seq", INT64_MIN, INT64_MAX);
    I(17, fixed_at_ms, "fixed_at_ms", INT64_MIN, INT64_MAX);
    S(18, sum, "sum");
#undef S
#undef I
    /* global_seq and the device are named so the office can find the row. */
    char full[200];
    snprintf(full, sizeof full, "%s (device %s seq %" PRId64 ")", where, ev->device_id, ev->seq);
    err = central__event_ok(ev, true, full, msg, msglen);
    if (!err && need_sum && !ev->sum[0])
        err = BAD(LD_ERR_CORRUPT,
                  "%s: field sum: none (every row has one since version 8): the record was "
                  "written past latedoor's checks; not used",
                  full);
    return err == LD_OK ? LD_OK : LD_ERR_CORRUPT;
}

ld_err central__row_event(const struct central__row *r, struct ld_central_event *ev, char *msg,
                          size_t msglen)
{
    return row_event(r, ev, true, msg, msglen);
}

ld_err central__row_event_unsummed(const struct central__row *r, struct ld_central_event *ev,
                                   char *msg, size_t msglen)
{
    return row_event(r, ev, false, msg, msglen);
}

ld_err central__row_event_or_skip(const struct central__row *r, struct ld_central_event *ev,
                                  char *msg, size_t msglen)
{
    char why[LD_CENTRAL_REASON_MAX + 1] = "";
    ld_err err = central__row_event(r, ev, why, sizeof why);
    if (err != LD_ERR_CORRUPT)
        return err;
    int64_t g = 0, seq = 0;
    if (!r->integer(r->ctx, 0, &g) || g < 1)
        return central__fail(LD_ERR_CORRUPT, msg, msglen, "%s", why);
    memset(ev, 0, sizeof *ev);
    ev->global_seq = g;
    if (r->integer(r->ctx, 3, &seq))
        ev->seq = seq;
    size_t len = 0;
    const char *dev = r->text(r->ctx, 2, &len);
    for (size_t i = 0, j = 0; dev && i < len && j < LD_CENTRAL_ID_MAX; i++) {
        unsigned char ch = (unsigned char)dev[i];
        ev->device_id[j++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    /* A printable copy: the message may quote the bad field. */
    for (size_t i = 0, j = 0; why[i] && j < LD_CENTRAL_REASON_MAX; i++) {
        unsigned char ch = (unsigned char)why[i];
        ev->reason[j++] = ch >= 0x20 ? (char)ch : '?';
    }
    return LD_OK;
}

ld_err central__row_pupil(const struct central__row *r, size_t index, struct ld_roster_pupil *p,
                          char *msg, size_t msglen)
{
    char where[64], card[LD_UID_HEXLEN + 8];
    int64_t flags = 0;
    ld_err err;
    memset(p, 0, sizeof *p);
    snprintf(where, sizeof where, "pupils row %zu", index + 1);
#define S(col, f, name)                                                                            \
    if ((err = central__row_str(r, col, p->f, sizeof p->f, false, where, name, msg, msglen)))      \
    return err
    S(0, upn, "upn");
    snprintf(where, sizeof where, "pupils row %zu (UPN %s)", index + 1, p->upn);
    S(1, legal_first, "legal_first");
    S(2, legal_last, "legal_last");
    S(3, preferred_first, "preferred_first");
    S(4, preferred_last, "preferred_last");
    S(5, year, "year");
    S(6, class_name, "class_name");
    S(7, family, "family");
#undef S
    if ((err = central__row_int(r, 8, 0, LD_FLAG_ALL, &flags, where, "flags", msg, msglen)))
        return err;
    p->flags = (unsigned)flags;
    if ((err = central__row_str(r, 9, card, sizeof card, true, where, "card", msg, msglen)))
        return err;
    if (card[0] && (!card_ok(card) || !ld_uid_parse(card, &p->card)))
        return BAD(LD_ERR_CORRUPT, "%s: field card: not upper-case hex of 1 to %d bytes", where,
                   LD_UID_MAX);
    static const char *const names[2] = {"admitted", "leaving"};
    bool *has[2] = {&p->has_admitted, &p->has_left};
    ld_date *day[2] = {&p->admitted, &p->left};
    for (int k = 0; k < 2; k++) {
        char text[LD_DATE_STRLEN + 8];
        if ((err = central__row_str(r, 10 + k, text, sizeof text, true, where, names[k], msg,
                                    msglen)))
            return err;
        *has[k] = text[0] != '\0';
        if (*has[k] && !ld_date_parse(text, day[k]))
            return BAD(LD_ERR_CORRUPT, "%s: field %s: not a date", where, names[k]);
    }
    return LD_OK;
}

ld_err central__row_card(const struct central__row *r, size_t index, char upn[LD_UPN_LEN + 1],
                         struct ld_uid *uid, char *msg, size_t msglen)
{
    char where[64], card[LD_UID_HEXLEN + 8];
    ld_err err;
    snprintf(where, sizeof where, "cards row %zu", index + 1);
    if ((err = central__row_str(r, 0, upn, LD_UPN_LEN + 1, false, where, "upn", msg, msglen)) ||
        (err = central__row_str(r, 1, card, sizeof card, false, where, "card", msg, msglen)))
        return err;
    if (!card[0] || !card_ok(card) || !ld_uid_parse(card, uid))
        return BAD(LD_ERR_CORRUPT, "%s: field card: not upper-case hex of 1 to %d bytes", where,
                   LD_UID_MAX);
    return LD_OK;
}

static ld_err row_date(const struct central__row *r, int col, ld_date *d, const char *where,
                       const char *field, char *msg, size_t msglen)
{
    char buf[LD_DATE_STRLEN];
    ld_err err = central__row_str(r, col, buf, sizeof buf, false, where, field, msg, msglen);
    if (err)
        return err;
    if (!ld_date_parse(buf, d))
        return BAD(LD_ERR_CORRUPT, "%s: field %s: not a YYYY-MM-DD date", where, field);
    return LD_OK;
}

ld_err central__row_term(const struct central__row *r, size_t index, struct ld_calfile_term *t,
                         char *msg, size_t msglen)
{
    char where[64];
    ld_err err;
    memset(t, 0, sizeof *t);
    snprintf(where, sizeof where, "calendar_terms row %zu", index + 1);
    if ((err =
             central__row_str(r, 0, t->name, sizeof t->name, false, where, "name", msg, msglen)) ||
        (err = row_date(r, 1, &t->start, where, "start_day", msg, msglen)) ||
        (err = row_date(r, 2, &t->end, where, "end_day", msg, msglen)))
        return err;
    return LD_OK;
}

ld_err central__row_closed(const struct central__row *r, size_t index, struct ld_calfile_closed *d,
                           char *msg, size_t msglen)
{
    char where[64];
    ld_err err;
    memset(d, 0, sizeof *d);
    snprintf(where, sizeof where, "calendar_closed row %zu", index + 1);
    if ((err = row_date(r, 0, &d->date, where, "day", msg, msglen)) ||
        (err =
             central__row_str(r, 1, d->label, sizeof d->label, false, where, "label", msg, msglen)))
        return err;
    return LD_OK;
}

ld_err central__row_setting(const struct central__row *r, size_t index,
                            struct ld_central_setting *s, char *msg, size_t msglen)
{
    char where[64];
    ld_err err;
    memset(s, 0, sizeof *s);
    snprintf(where, sizeof where, "settings row %zu", index + 1);
    if ((err = central__row_str(r, 0, s->key, sizeof s->key, false, where, "key", msg, msglen)) ||
        (err =
             central__row_str(r, 1, s->value, sizeof s->value, false, where, "value", msg, msglen)))
        return err;
    return LD_OK;
}

ld_err central__row_mark(const struct central__row *r, size_t index, struct ld_central_mark *m,
                         char *msg, size_t msglen)
{
    char where[64];
    int64_t session = 0, minutes = 0;
    ld_err err;
    memset(m, 0, sizeof *m);
    snprintf(where, sizeof where, "mis_marks row %zu", index + 1);
    if ((err = central__row_str(r, 0, m->upn, sizeof m->upn, false, where, "upn", msg, msglen)) ||
        (err = row_date(r, 1, &m->date, where, "day", msg, msglen)) ||
        (err = central__row_int(r, 2, 0, 1, &session, where, "session", msg, msglen)) ||
        (err =
             central__row_str(r, 3, m->code, sizeof m->code, false, where, "code", msg, msglen)) ||
        (err = central__row_int(r, 4, -1, 1440, &minutes, where, "minutes", msg, msglen)))
        return err;
    m->session = (int)session;
    m->minutes = (int)minutes;
    return ld_central_mark_check(m, where, msg, msglen) ? LD_ERR_CORRUPT : LD_OK;
}

ld_err ld_central_mark_check(const struct ld_central_mark *m, const char *where, char *msg,
                             size_t msglen)
{
    enum ld_code code;
    int y, mo, d;
    if (!m)
        return BAD(LD_ERR_INVALID, "%s: no mark", where);
    if (!memchr(m->upn, 0, sizeof m->upn) || ld_upn_check(m->upn, NULL) == LD_UPN_MALFORMED)
        return BAD(LD_ERR_INVALID, "%s: field upn: not a UPN (a letter and 12 digits)", where);
    ld_date_to_ymd(m->date, &y, &mo, &d);
    if (!ld_date_valid(y, mo, d))
        return BAD(LD_ERR_INVALID, "%s: field date: not a date from 1900 to 9999", where);
    if (m->session != 0 && m->session != 1)
        return BAD(LD_ERR_INVALID, "%s: field session: not 0 (am) or 1 (pm)", where);
    if (!memchr(m->code, 0, sizeof m->code) || !ld_code_parse(m->code, &code))
        return BAD(LD_ERR_INVALID, "%s: field code: not an attendance code of the 2024 table",
                   where);
    if (m->minutes < -1 || m->minutes > 1440)
        return BAD(LD_ERR_INVALID, "%s: field minutes: not 0 to 1440", where);
    return LD_OK;
}
