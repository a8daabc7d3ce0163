/* agent_pull.c: the pull half of a sync round: roster, calendar, settings, other devices' events.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_priv.h"
#include "calendar_file.h"
#include "roster.h"
#include "store.h"
#include "sync_status.h"
#include "utf8.h"

static ld_err pull_roster(struct ld_central *c, struct ld_store *store, const char *school,
                          struct ld_sync_report *rep, char *msg, size_t msglen)
{
    int64_t have = 0, version = 0;
    bool changed = false;
    struct ld_roster roster = {0};
    ld_err err = ld_sync_number_get(store, LD_SYNC_KEY_ROSTER_VERSION, &have, msg, msglen);
    if (!err)
        err = ld_central_get_roster(c, school, have, &roster, &version, &changed, msg, msglen);
    if (err || !changed || version == 0)
        goto out;
    if (roster.count == 0) {
        ld_sync__msg(msg, msglen,
                     "%s: roster version %" PRId64
                     " of school %s has no pupils: not imported (it would make every pupil "
                     "inactive)",
                     ld_central_display_url(c), version, school);
        err = LD_ERR_INVALID;
        goto out;
    }
    /* The store's messages say "line N": here N is the pupil's place in the central roster. */
    for (size_t i = 0; i < roster.count; i++)
        roster.pupils[i].line = (unsigned)(i + 1);
    /* The office imported it centrally, leavers and all: the device takes it as it is. */
    err = ld_store_import_roster_with(store, &roster, &(struct ld_import_options){.leavers = true},
                                      NULL, msg, msglen);
    if (err) {
        ld_sync__prefix(msg, msglen,
                        "%s: roster version %" PRId64 " of school %s (line = pupil's place in it)",
                        ld_central_display_url(c), version, school);
        goto out;
    }
    /* Imported (one transaction); a crash before this line imports it again: harmless. */
    err = ld_sync_number_set(store, LD_SYNC_KEY_ROSTER_VERSION, version, msg, msglen);
    if (!err)
        rep->roster = true;
out:
    ld_roster_free(&roster);
    return err;
}

static ld_err pull_calendar(struct ld_central *c, struct ld_store *store, const char *school,
                            const char *path, struct ld_sync_report *rep, char *msg, size_t msglen)
{
    int64_t have = 0, version = 0;
    bool changed = false;
    struct ld_calendar_file cal = {0};
    ld_err err = ld_sync_number_get(store, LD_SYNC_KEY_CALENDAR_VERSION, &have, msg, msglen);
    if (!err)
        err = ld_central_get_calendar(c, school, have, &cal, &version, &changed, msg, msglen);
    if (err || !changed || version == 0)
        goto out;
    err = ld_sync_write_calendar(path, &cal, version, msg, msglen);
    if (err) {
        ld_sync__prefix(msg, msglen, "%s: calendar version %" PRId64 " of school %s",
                        ld_central_display_url(c), version, school);
        goto out;
    }
    err = ld_sync_number_set(store, LD_SYNC_KEY_CALENDAR_VERSION, version, msg, msglen);
    if (!err)
        rep->calendar = true;
out:
    ld_calendar_file_free(&cal);
    return err;
}

/* The "school." settings the device store holds, collected before any is changed. */
struct old_keys {
    char (*keys)[LD_SETTING_KEY_MAX + 1];
    size_t n, cap;
};

static ld_err collect_key(void *ctx, const char *key, const char *value)
{
    (void)value;
    struct old_keys *o = ctx;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 32;
        void *p = realloc(o->keys, cap * sizeof *o->keys);
        if (!p)
            return LD_ERR_NOMEM;
        o->keys = p;
        o->cap = cap;
    }
    snprintf(o->keys[o->n++], sizeof o->keys[0], "%s", key);
    return LD_OK;
}

static ld_err pull_settings(struct ld_central *c, struct ld_store *store, const char *school,
                            struct ld_sync_report *rep, char *msg, size_t msglen)
{
    int64_t have = 0, version = 0;
    bool changed = false;
    struct ld_central_settings set = {0};
    struct old_keys old = {0};
    const size_t plen = strlen(LD_SYNC_SETTING_PREFIX);
    ld_err err = ld_sync_number_get(store, LD_SYNC_KEY_SETTINGS_VERSION, &have, msg, msglen);
    if (!err)
        err = ld_central_get_settings(c, school, have, &set, &version, &changed, msg, msglen);
    if (err || !changed || version == 0)
        goto out;
    /* Check every pair before writing any: a bad one changes nothing. */
    for (size_t i = 0; i < set.count; i++) {
        const struct ld_central_setting *s = &set.items[i];
        size_t kn = strnlen(s->key, sizeof s->key), vn = strnlen(s->value, sizeof s->value);
        const char *why = NULL;
        if (kn == 0 || kn == sizeof s->key ||
            strspn(s->key, "abcdefghijklmnopqrstuvwxyz"
                           "0123456789._-") != kn)
            why = "the key is not 1 to 64 of a-z 0-9 . _ -";
        else if (kn + plen > LD_SETTING_KEY_MAX)
            why = "the key is too long to keep on the device (at most 57 bytes)";
        else if (vn > LD_SETTING_VALUE_MAX || vn == sizeof s->value)
            why = "the value is longer than 1024 bytes";
        else if (!ld_utf8_valid(s->value, vn) || ld_utf8_has_control(s->value, vn))
            why = "the value is not UTF-8 text without control characters";
        if (why) {
            ld_sync__msg(msg, msglen,
                         "%s: settings version %" PRId64 " of school %s: setting %zu (\"%.64s\"): "
                         "%s: none applied",
                         ld_central_display_url(c), version, school, i + 1,
                         kn < sizeof s->key ? s->key : "?", why);
            err = LD_ERR_INVALID;
            goto out;
        }
    }
    err = ld_store_settings_foreach(store, LD_SYNC_SETTING_PREFIX, collect_key, &old, msg, msglen);
    if (err == LD_ERR_NOMEM)
        ld_sync__msg(msg, msglen, "sync: out of memory");
    /* Checked above to fit LD_SETTING_KEY_MAX; the array is larger for the compiler's sake. */
    char key[LD_CENTRAL_SETTING_KEY_MAX + 16];
    for (size_t i = 0; !err && i < set.count; i++) {
        snprintf(key, sizeof key, "%s%s", LD_SYNC_SETTING_PREFIX, set.items[i].key);
        err = ld_store_setting_set(store, key, set.items[i].value, msg, msglen);
    }
    /* Settings the centre no longer has. */
    for (size_t i = 0; !err && i < old.n; i++) {
        bool keep = false;
        for (size_t j = 0; !keep && j < set.count; j++)
            keep = !strcmp(old.keys[i] + plen, set.items[j].key);
        if (!keep)
            err = ld_store_setting_delete(store, old.keys[i], msg, msglen);
    }
    /* A crash before this line writes them all again next round: the same values. */
    if (!err)
        err = ld_sync_number_set(store, LD_SYNC_KEY_SETTINGS_VERSION, version, msg, msglen);
    if (!err)
        rep->settings = true;
out:
    free(old.keys);
    ld_central_settings_free(&set);
    return err;
}

/* A central event as the device store keeps it; LD_ERR_CORRUPT when a field cannot fit. */
static ld_err to_device_event(const struct ld_central_event *e, struct ld_event *o, char *msg,
                              size_t msglen)
{
    memset(o, 0, sizeof *o);
    const char *field = NULL;
#define COPY(dst, src)                                                                             \
    if (!field && snprintf(dst, sizeof dst, "%s", src) >= (int)sizeof dst)                         \
    field = #src
    COPY(o->device_id, e->device_id);
    COPY(o->uuid, e->uuid);
    COPY(o->boot_id, e->boot_id);
    COPY(o->upn, e->upn);
    COPY(o->card, e->card);
    COPY(o->staff, e->staff);
    COPY(o->reason, e->reason);
    COPY(o->ref_device, e->ref_device);
#undef COPY
    if (field) {
        ld_sync__msg(msg, msglen, "%s: longer than the device store keeps", field + 3);
        return LD_ERR_CORRUPT;
    }
    o->seq = e->seq;
    o->kind = (enum ld_event_kind)e->kind;
    o->at_ms = e->at_ms;
    o->mono_ms = e->mono_ms;
    o->clock = (enum ld_clock_state)e->clock_state;
    o->source = (enum ld_source)e->source;
    o->ref_seq = e->ref_seq;
    o->fixed_at_ms = e->fixed_at_ms;
    return LD_OK;
}

/*
 * Another device's events go into the device store this many to a transaction: one commit
 * (one fsync) per chunk instead of per event, and a write lock held briefly enough that a tap
 * at the kiosk hardly waits for it.
 */
#define FOREIGN_CHUNK 250

static ld_err pull_events(struct ld_central *c, struct ld_store *store, const char *device,
                          const char *school, struct ld_central_event *buf, size_t cap,
                          bool (*should_stop)(void *), void *stop_ctx, struct ld_sync_report *rep,
                          char *msg, size_t msglen)
{
    int64_t cursor = 0;
    struct ld_event *evs = calloc(FOREIGN_CHUNK, sizeof *evs);
    if (!evs) {
        ld_sync__msg(msg, msglen, "sync: out of memory");
        return LD_ERR_NOMEM;
    }
    ld_err err = ld_sync_number_get(store, LD_SYNC_KEY_PULL_CURSOR, &cursor, msg, msglen);
    while (!err) {
        size_t n = 0;
        err = ld_central_pull(c, device, school, cursor, buf, cap, &n, msg, msglen);
        const struct ld_central_skip *sk = NULL;
        size_t nsk = err ? 0 : ld_central_skipped(c, &sk);
        if (nsk && !rep->skip_note[0])
            snprintf(rep->skip_note, sizeof rep->skip_note,
                     "global_seq %" PRId64 " (device %s, seq %" PRId64 "): %s", sk[0].global_seq,
                     sk[0].device_id, sk[0].seq, sk[0].why);
        rep->skipped += nsk;
        if (err || n == 0)
            break;
        for (size_t start = 0; !err && start < n; start += FOREIGN_CHUNK) {
            size_t k = n - start < FOREIGN_CHUNK ? n - start : FOREIGN_CHUNK;
            int64_t prev = cursor;
            for (size_t i = 0; !err && i < k; i++) {
                const struct ld_central_event *e = &buf[start + i];
                if (e->global_seq <= prev || strcmp(e->school, school) ||
                    !strcmp(e->device_id, device)) {
                    ld_sync__msg(msg, msglen,
                                 "%s: pulled event global_seq %" PRId64 " (device %s, seq %" PRId64
                                 ", school %s): not another device's event of school %s after "
                                 "%" PRId64 ": none of its page taken",
                                 ld_central_display_url(c), e->global_seq, e->device_id, e->seq,
                                 e->school, school, prev);
                    err = LD_ERR_CORRUPT;
                    break;
                }
                prev = e->global_seq;
                err = to_device_event(e, &evs[i], msg, msglen);
                if (err)
                    ld_sync__prefix(msg, msglen,
                                    "%s: pulled event global_seq %" PRId64
                                    " (device %s, seq %" PRId64 ")",
                                    ld_central_display_url(c), e->global_seq, e->device_id, e->seq);
            }
            size_t added = 0;
            if (!err) {
                err = ld_store_insert_foreign_events(store, evs, k, &added, msg, msglen);
                if (err)
                    ld_sync__prefix(msg, msglen,
                                    "%s: pulled events global_seq %" PRId64 "..%" PRId64
                                    ", none taken",
                                    ld_central_display_url(c), buf[start].global_seq,
                                    buf[start + k - 1].global_seq);
            }
            if (err)
                break;
            rep->pulled += k;
            rep->pulled_new += added;
            /* Committed: the cursor follows. A crash in between re-reads events the store
             * already has, which go in again as no-ops. */
            cursor = buf[start + k - 1].global_seq;
            err = ld_sync_number_set(store, LD_SYNC_KEY_PULL_CURSOR, cursor, msg, msglen);
            /* what the centre must still hold at the cursor next round (agent.c) */
            if (!err)
                err = ld_store_setting_set(store, LD_SYNC_KEY_PULL_UUID, buf[start + k - 1].uuid,
                                           msg, msglen);
        }
        if (err || n < cap)
            break;
        if (should_stop && should_stop(stop_ctx)) {
            rep->stopped = true;
            break;
        }
    }
    free(evs);
    return err;
}

ld_err ld_sync__pull(struct ld_central *c, struct ld_store *store, const char *device,
                     const char *school, const char *calendar_path, struct ld_central_event *buf,
                     size_t cap, bool (*should_stop)(void *), void *stop_ctx,
                     struct ld_sync_report *rep, char *msg, size_t msglen)
{
    ld_err err = pull_roster(c, store, school, rep, msg, msglen);
    if (!err && calendar_path)
        err = pull_calendar(c, store, school, calendar_path, rep, msg, msglen);
    if (!err)
        err = pull_settings(c, store, school, rep, msg, msglen);
    if (!err)
        err = pull_events(c, store, device, school, buf, cap, should_stop, stop_ctx, rep, msg,
                          msglen);
    return err;
}
