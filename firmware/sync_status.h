/* sync_status.h: what the sync process last did, kept in the device store for the kiosk. */
#ifndef LD_SYNC_STATUS_H
#define LD_SYNC_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_err.h"

struct ld_store;

/*
 * `latedoor sync` and `latedoor-kiosk` are separate processes sharing the device store
 * (design.md). The sync process records what it did in the store's settings under these keys,
 * and the kiosk reads them to show staff whether the central store has everything:
 *
 *   sync.push_cursor      the highest sequence number of this device's own events that the
 *                         central store has committed (decimal); moved only after that commit
 *   sync.last_success_ms  UTC milliseconds of the last round that pushed and pulled without error
 *   sync.last_attempt_ms  UTC milliseconds of the last round tried
 *   sync.last_error       one line saying why the last round failed; "" after a success
 *   sync.refused          1 when the central store refused this device (its push conflicts
 *                         with what the centre holds, or the device is disabled or its
 *                         credentials are refused): a person must act, waiting will not help;
 *                         0 or absent otherwise
 *
 * The sync process may keep other keys of its own under "sync.".
 */
#define LD_SYNC_KEY_PUSH_CURSOR  "sync.push_cursor"
#define LD_SYNC_KEY_LAST_SUCCESS "sync.last_success_ms"
#define LD_SYNC_KEY_LAST_ATTEMPT "sync.last_attempt_ms"
#define LD_SYNC_KEY_LAST_ERROR   "sync.last_error"
#define LD_SYNC_KEY_REFUSED      "sync.refused"

#define LD_SYNC_ERROR_MAX 256 /* bytes of last_error kept, terminator included */

/*
 * (branch office-devices, issue 14) Two more keys, each "UTC_MS TEXT", for the status report the
 * sync process sends the centre every round (sync/agent.h), which the office's Devices page
 * shows:
 *   sync.last_failure     the last round that failed and why (the sync process writes it with
 *                         sync.last_error, and a success does not clear it: the office hears
 *                         of a failure at the next round that reaches it)
 *   kiosk.reader_state    the card reader's state as the kiosk last saw it change ("ok", "no
 *                         reader", "missing: …"), written by the kiosk, since UTC_MS
 */
#define LD_SYNC_KEY_LAST_FAILURE "sync.last_failure"
#define LD_KIOSK_KEY_READER      "kiosk.reader_state"
#define LD_READER_STATE_MAX      121 /* bytes of the reader's state kept, terminator included */

struct ld_sync_status {
    bool ever_synced;        /* a round has succeeded at least once */
    int64_t last_success_ms; /* 0 when never */
    int64_t last_attempt_ms; /* 0 when never */
    char last_error[LD_SYNC_ERROR_MAX];
    bool refused;            /* the last round was refused by the centre (sync.refused) */
    int64_t push_cursor;     /* 0: nothing confirmed yet */
    uint64_t pending;        /* this device's events after push_cursor */
    int64_t last_failure_ms; /* sync.last_failure: 0 when no round ever failed */
    char last_failure[LD_SYNC_ERROR_MAX];
    int64_t reader_ms; /* kiosk.reader_state: 0 and "" when the kiosk never wrote it */
    char reader[LD_READER_STATE_MAX];
};

/*
 * Copies text into out (outlen >= 1 bytes) as one line of valid UTF-8: control characters become
 * spaces and it is cut at a character boundary.
 */
void ld_sync_clean_line(char *out, size_t outlen, const char *text);

/*
 * Records the card reader's state (kiosk.reader_state) as state, cleaned and cut to
 * LD_READER_STATE_MAX - 1 bytes, since now_ms. The kiosk calls it when the state changes.
 */
LD_MUST_CHECK ld_err ld_sync_reader_state_set(struct ld_store *store, int64_t now_ms,
                                              const char *state, char *msg, size_t msglen);

/*
 * Reads the setting key as a non-negative decimal number into *out: 0 when the key is not set,
 * LD_ERR_CORRUPT with a message naming the key when it holds anything else. For the sync
 * process's own "sync." keys as well as the ones above.
 */
LD_MUST_CHECK ld_err ld_sync_number_get(struct ld_store *store, const char *key, int64_t *out,
                                        char *msg, size_t msglen);

/* Sets the setting key to the decimal number v, durably. */
LD_MUST_CHECK ld_err ld_sync_number_set(struct ld_store *store, const char *key, int64_t v,
                                        char *msg, size_t msglen);

/*
 * Reads the status into *out, counting this device's events not yet at the central store. A
 * store nobody has synchronised reads as all zero with pending = every event of this device. A
 * key holding something that is not a non-negative decimal number is LD_ERR_CORRUPT with a
 * message naming the key; *out is then untouched.
 */
LD_MUST_CHECK ld_err ld_sync_status_read(struct ld_store *store, struct ld_sync_status *out,
                                         char *msg, size_t msglen);

/*
 * Records that the central store has committed this device's events up to seq. The cursor
 * never moves backwards: a seq below the stored one is LD_ERR_STATE and changes nothing.
 */
LD_MUST_CHECK ld_err ld_sync_status_set_cursor(struct ld_store *store, int64_t seq, char *msg,
                                               size_t msglen);

/* Records a round that succeeded at now_ms: last success and attempt, and no error. */
LD_MUST_CHECK ld_err ld_sync_status_success(struct ld_store *store, int64_t now_ms, char *msg,
                                            size_t msglen);

/*
 * Records a round that failed at now_ms with the sentence error (cut to LD_SYNC_ERROR_MAX - 1
 * bytes at a character boundary; control characters become spaces). Last success is kept.
 */
LD_MUST_CHECK ld_err ld_sync_status_failure(struct ld_store *store, int64_t now_ms,
                                            const char *error, char *msg, size_t msglen);

/*
 * As ld_sync_status_failure, for a round the central store refused (a conflicting push, a
 * disabled device, refused credentials): the kiosk then says a person must act instead of
 * "offline". The next success or ordinary failure clears it.
 */
LD_MUST_CHECK ld_err ld_sync_status_refused(struct ld_store *store, int64_t now_ms,
                                            const char *error, char *msg, size_t msglen);

#endif
