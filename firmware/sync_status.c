/* sync_status.c: the sync process's status, in the device store's settings (sync_status.h). */
#include "sync_status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "utf8.h"

/* Writes "device store: setting KEY: WHAT" to msg. */
static void key_msg(char *msg, size_t msglen, const char *key, const char *what)
{
    if (msg && msglen)
        snprintf(msg, msglen, "device store: setting %s: %s", key, what);
}

ld_err ld_sync_number_get(struct ld_store *store, const char *key, int64_t *out, char *msg,
                          size_t msglen)
{
    char buf[32];
    ld_err err = ld_store_setting_get(store, key, buf, sizeof buf, msg, msglen);
    if (err == LD_ERR_NOT_FOUND) {
        *out = 0;
        return LD_OK;
    }
    if (err == LD_ERR_RANGE) {
        key_msg(msg, msglen, key, "too long for a number");
        return LD_ERR_CORRUPT;
    }
    if (err)
        return err;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (buf[0] < '0' || buf[0] > '9' || *end || errno || v < 0) {
        char quoted[48], what[96];
        ld_utf8_quote(quoted, sizeof quoted, buf, strlen(buf), 24);
        snprintf(what, sizeof what, "%s is not a non-negative whole number", quoted);
        key_msg(msg, msglen, key, what);
        return LD_ERR_CORRUPT;
    }
    *out = (int64_t)v;
    return LD_OK;
}

ld_err ld_sync_number_set(struct ld_store *store, const char *key, int64_t v, char *msg,
                          size_t msglen)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return ld_store_setting_set(store, key, buf, msg, msglen);
}

void ld_sync_clean_line(char *out, size_t outlen, const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p && n + 1 < outlen;
         p++)
        out[n++] = (char)(*p < 0x20 || *p == 0x7f ? ' ' : *p);
    /* Do not end in the middle of a character. */
    size_t start = n;
    while (start > 0 && ((unsigned char)out[start - 1] & 0xC0) == 0x80)
        start--;
    if (start > 0) {
        unsigned char lead = (unsigned char)out[start - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (start - 1 + need > n)
            n = start - 1;
    }
    size_t cut = n;
    out[cut] = '\0';
    if (!ld_utf8_valid(out, cut))
        for (size_t i = 0; i < cut; i++)
            if ((unsigned char)out[i] >= 0x80)
                out[i] = '?';
}

/* Writes "UTC_MS TEXT" under key, text cleaned to one line of at most cap - 1 bytes. */
static ld_err stamped_set(struct ld_store *store, const char *key, int64_t ms, const char *text,
                          size_t cap, char *msg, size_t msglen)
{
    char line[LD_SYNC_ERROR_MAX], value[LD_SYNC_ERROR_MAX + 32];
    ld_sync_clean_line(line, cap < sizeof line ? cap : sizeof line, text);
    snprintf(value, sizeof value, "%" PRId64 " %s", ms < 0 ? 0 : ms, line);
    return ld_store_setting_set(store, key, value, msg, msglen);
}

/* Reads "UTC_MS TEXT" from key into *ms and out (0 and "" when not set); LD_ERR_CORRUPT naming
 * the key for anything else. */
static ld_err stamped_get(struct ld_store *store, const char *key, int64_t *ms, char *out,
                          size_t outlen, char *msg, size_t msglen)
{
    char value[LD_SETTING_VALUE_MAX + 1];
    *ms = 0;
    out[0] = '\0';
    ld_err err = ld_store_setting_get(store, key, value, sizeof value, msg, msglen);
    if (err == LD_ERR_NOT_FOUND)
        return LD_OK;
    if (err)
        return err;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || errno || v < 0 || *end != ' ') {
        key_msg(msg, msglen, key, "not \"UTC_MS TEXT\"");
        return LD_ERR_CORRUPT;
    }
    *ms = (int64_t)v;
    ld_sync_clean_line(out, outlen, end + 1);
    return LD_OK;
}

ld_err ld_sync_reader_state_set(struct ld_store *store, int64_t now_ms, const char *state,
                                char *msg, size_t msglen)
{
    return stamped_set(store, LD_KIOSK_KEY_READER, now_ms, state, LD_READER_STATE_MAX, msg, msglen);
}

ld_err ld_sync_status_read(struct ld_store *store, struct ld_sync_status *out, char *msg,
                           size_t msglen)
{
    struct ld_sync_status st = {0};
    ld_err err = ld_sync_number_get(store, LD_SYNC_KEY_PUSH_CURSOR, &st.push_cursor, msg, msglen);
    if (!err)
        err = ld_sync_number_get(store, LD_SYNC_KEY_LAST_SUCCESS, &st.last_success_ms, msg, msglen);
    if (!err)
        err = ld_sync_number_get(store, LD_SYNC_KEY_LAST_ATTEMPT, &st.last_attempt_ms, msg, msglen);
    if (!err) {
        err = ld_store_setting_get(store, LD_SYNC_KEY_LAST_ERROR, st.last_error,
                                   sizeof st.last_error, msg, msglen);
        if (err == LD_ERR_NOT_FOUND || err == LD_ERR_RANGE) {
            st.last_error[0] = '\0';
            err = LD_OK;
        }
    }
    int64_t refused = 0;
    if (!err)
        err = ld_sync_number_get(store, LD_SYNC_KEY_REFUSED, &refused, msg, msglen);
    st.refused = refused != 0 && st.last_error[0];
    if (!err)
        err = stamped_get(store, LD_SYNC_KEY_LAST_FAILURE, &st.last_failure_ms, st.last_failure,
                          sizeof st.last_failure, msg, msglen);
    if (!err)
        err = stamped_get(store, LD_KIOSK_KEY_READER, &st.reader_ms, st.reader, sizeof st.reader,
                          msg, msglen);
    char device[LD_DEVICE_ID_MAX + 1];
    if (!err)
        err = ld_store_device_id(store, device, msg, msglen);
    if (!err) {
        struct ld_event_filter f = {.device_id = device, .after_seq = st.push_cursor};
        err = ld_store_events_count(store, &f, &st.pending, msg, msglen);
    }
    if (err)
        return err;
    st.ever_synced = st.last_success_ms > 0;
    *out = st;
    return LD_OK;
}

ld_err ld_sync_status_set_cursor(struct ld_store *store, int64_t seq, char *msg, size_t msglen)
{
    int64_t now = 0;
    ld_err err = ld_sync_number_get(store, LD_SYNC_KEY_PUSH_CURSOR, &now, msg, msglen);
    if (err)
        return err;
    if (seq < now) {
        if (msg && msglen)
            snprintf(msg, msglen,
                     "sync: the push cursor would move back from %" PRId64 " to %" PRId64
                     ": refused",
                     now, seq);
        return LD_ERR_STATE;
    }
    if (seq == now)
        return LD_OK;
    return ld_sync_number_set(store, LD_SYNC_KEY_PUSH_CURSOR, seq, msg, msglen);
}

ld_err ld_sync_status_success(struct ld_store *store, int64_t now_ms, char *msg, size_t msglen)
{
    ld_err err = ld_sync_number_set(store, LD_SYNC_KEY_LAST_ATTEMPT, now_ms, msg, msglen);
    if (!err)
        err = ld_sync_number_set(store, LD_SYNC_KEY_LAST_SUCCESS, now_ms, msg, msglen);
    if (!err)
        err = ld_store_setting_set(store, LD_SYNC_KEY_LAST_ERROR, "", msg, msglen);
    if (!err)
        err = ld_sync_number_set(store, LD_SYNC_KEY_REFUSED, 0, msg, msglen);
    return err;
}

/* Records a failed round; refused says whether the centre refused this device. */
static ld_err record_failure(struct ld_store *store, int64_t now_ms, const char *error,
                             bool refused, char *msg, size_t msglen)
{
    char line[LD_SYNC_ERROR_MAX];
    ld_sync_clean_line(line, sizeof line, error);
    if (!line[0])
        snprintf(line, sizeof line, "failed, without saying why");
    ld_err err = ld_sync_number_set(store, LD_SYNC_KEY_LAST_ATTEMPT, now_ms, msg, msglen);
    if (!err)
        err = ld_store_setting_set(store, LD_SYNC_KEY_LAST_ERROR, line, msg, msglen);
    if (!err)
        err = ld_sync_number_set(store, LD_SYNC_KEY_REFUSED, refused, msg, msglen);
    if (!err)
        err = stamped_set(store, LD_SYNC_KEY_LAST_FAILURE, now_ms, line, sizeof line, msg, msglen);
    return err;
}

ld_err ld_sync_status_failure(struct ld_store *store, int64_t now_ms, const char *error, char *msg,
                              size_t msglen)
{
    return record_failure(store, now_ms, error, false, msg, msglen);
}

ld_err ld_sync_status_refused(struct ld_store *store, int64_t now_ms, const char *error, char *msg,
                              size_t msglen)
{
    return record_failure(store, now_ms, error, true, msg, msglen);
}
