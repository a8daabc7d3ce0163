/* agent.h: the sync agent: this device's events to the central store, the school's back. */
#ifndef LD_SYNC_AGENT_H
#define LD_SYNC_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_err.h"

struct ld_store;
struct ld_clock_source;

/*
 * `latedoor sync` runs rounds. One round, against one device store and one central store:
 *
 *   1. push: this device's own events after the push cursor (sync.push_cursor), in batches of
 *      cfg.batch, each batch ONE central transaction (idempotent on (device, seq)); the cursor
 *      moves (ld_sync_status_set_cursor) only after the central commit. A batch refused because
 *      a seq is stored centrally with another UUID or content (a device restored from an old
 *      backup) is LD_ERR_DUPLICATE: nothing is overwritten anywhere, the cursor stays, and the
 *      report says conflict. Device-store reads are one short snapshot per batch and writes are
 *      one small transaction each: no device-store lock is ever held across a network call, so
 *      taps at the kiosk go on while a week's backlog is sent.
 *   2. pull, each only when its central version moved (versions kept in sync.* settings):
 *      the roster (ld_store_import_roster), the calendar (written atomically to
 *      cfg.calendar_path, the file the kiosk's config names), the settings (as "school.KEY"
 *      settings of the device store); then the other devices' events of the school after the
 *      pull cursor (sync.pull_cursor) into the device store (ld_store_insert_foreign_event).
 *      Everything read from the centre is checked before anything is changed; a bad row is an
 *      error naming it and leaves that part untouched.
 *   3. status: ld_sync_status_success, or ld_sync_status_failure with the round's error.
 *   4. (branch office-devices, issue 14) report: this device's health to the centre
 *      (ld_central_status_put): its clock and the clock's state, events waiting and the oldest's
 *      time, the last good round, the last failed one and why (sync.last_failure), the card
 *      reader's state the kiosk wrote (kiosk.reader_state) and the software's version. Sent
 *      whenever the connection still works, so also after a failed push or pull; a round that
 *      could not connect reports at the next round that can, with that failure as its last
 *      error. A report refused or lost fails an otherwise good round (the status says so).
 *
 * Before the push, the round checks that the centre still holds what this device knows it has:
 * its own event at the push cursor, and the event it last pulled (by UUID) at the pull cursor.
 * A centre restored from a backup lacks them: the push cursor goes back to the last own event
 * the centre has (found by bisection: a device's events reach the centre in seq order, batch by
 * batch), the pull cursor and the part versions to 0, and the round re-sends and re-pulls
 * (rep->went_back, rep->resent; LD_SYNC_KEY_NOTICE says so). Pulled bad rows are left out and
 * named in the notice (rep->skipped).
 *
 * A failed round leaves everything it committed (a batch pushed and its cursor, a part pulled
 * and its version) and nothing half-done: the next round carries on from there.
 */

/* Settings the agent keeps in the device store, besides sync_status.h's. */
#define LD_SYNC_KEY_PULL_CURSOR      "sync.pull_cursor"      /* last global_seq pulled */
#define LD_SYNC_KEY_ROSTER_VERSION   "sync.roster_version"   /* central roster version held */
#define LD_SYNC_KEY_CALENDAR_VERSION "sync.calendar_version" /* central calendar version held */
#define LD_SYNC_KEY_SETTINGS_VERSION "sync.settings_version" /* central settings version held */
/* The UUID of the event at the pull cursor: how a device sees that the centre went back. */
#define LD_SYNC_KEY_PULL_UUID "sync.pull_cursor_uuid"
/* One line: the last thing a technician should know that is not an error (the centre went back,
 * rows skipped as bad), with its UTC time; kept until replaced. */
#define LD_SYNC_KEY_NOTICE "sync.notice"
/* A school setting KEY written at the centre is kept in the device store as "school.KEY". */
#define LD_SYNC_SETTING_PREFIX "school."

/* How the agent runs. Strings are borrowed for the agent's life. */
struct ld_sync_config {
    const char *url;           /* the central store (central.h) */
    const char *passfile;      /* its password file; NULL or "" for none */
    const char *calendar_path; /* where to write the school's calendar; NULL: do not pull it */
    unsigned batch;            /* events per push and per pull page; 0: 1000 */
    int64_t (*now_ms)(void);   /* the wall clock in UTC ms for the status; NULL: the real one */
    /* Asked between batches; true stops the round cleanly (report->stopped). NULL: never. */
    bool (*should_stop)(void *ctx);
    void *stop_ctx;
    /* The device's clock for the status report (clock.h); NULL: the system's. */
    const struct ld_clock_source *clock;
};

/* What a round did. */
struct ld_sync_report {
    size_t pushed;       /* own events new to the central store */
    size_t duplicates;   /* own events it already had (a batch retried after a lost reply) */
    size_t batches;      /* push transactions committed */
    size_t pulled;       /* other devices' events read from the centre */
    size_t pulled_new;   /* of those, new to the device store */
    bool roster;         /* a new roster was imported */
    bool calendar;       /* a new calendar was written */
    bool settings;       /* new settings were written */
    bool conflict;       /* the push was refused: a seq reused with another UUID or content */
    bool stopped;        /* should_stop said stop, between two batches */
    bool went_back;      /* the centre lacked what this device had sent or pulled (a restore):
                            the push cursor went back to what it has, everything pulled again */
    size_t resent;       /* own events sent again because the centre went back */
    size_t skipped;      /* bad rows of the centre's log left out of the pull */
    char skip_note[400]; /* the first of them named: "global_seq 12 (device gate, seq 3): …" */
    int64_t push_cursor; /* after the round */
    bool reported;       /* the device's status reached the centre (step 4) */
};

/*
 * Writes into out the line a technician should read about rep beyond its counts: the centre
 * went back and what was re-sent, bad rows skipped and the first of them; "" when neither.
 */
void ld_sync_describe_notice(const struct ld_sync_report *rep, char *out, size_t outlen);

/* An agent: the configuration and, during a round, the central connection. Opaque. */
struct ld_sync_agent;

/*
 * Makes an agent for store (borrowed; the caller closes it after the agent) into *out. Does not
 * connect: the first round does. LD_ERR_INVALID for a missing URL or a batch over
 * LD_CENTRAL_BATCH_MAX.
 */
LD_MUST_CHECK ld_err ld_sync_agent_new(const struct ld_sync_config *cfg, struct ld_store *store,
                                       struct ld_sync_agent **out, char *msg, size_t msglen);

/* Closes the agent's central connection and frees it; NULL does nothing. */
void ld_sync_agent_free(struct ld_sync_agent *a);

/*
 * Runs one round (above), filling *rep (may be NULL) even on failure, and records the status.
 * Connects first (checking that the central store knows this store's device and, for a
 * PostgreSQL device role, that the role is that device's) and disconnects at the end, so that
 * a connection dropped while idle between rounds never fails a round. Returns the first error, with
 * one line naming the place in msg: LD_ERR_DUPLICATE for a refused push (rep->conflict), LD_ERR_IO
 * for an unreachable server, LD_ERR_AUTH for refused credentials or a passfile others may read,
 * LD_ERR_CORRUPT or LD_ERR_INVALID for bad data from the centre. A push conflict does not stop
 * the pulls of the same round.
 */
LD_MUST_CHECK ld_err ld_sync_round(struct ld_sync_agent *a, struct ld_sync_report *rep, char *msg,
                                   size_t msglen);

/*
 * The wait before retrying after the failures-th failed round in a row (failures >= 1):
 * min_s doubled failures - 1 times, at most max_s, then scaled by a factor in [0.5, 1.0] drawn
 * from rnd (jitter, so that kiosks that lost the server together do not return together).
 * In milliseconds.
 */
int64_t ld_sync_backoff_ms(unsigned failures, unsigned min_s, unsigned max_s, uint32_t rnd);

/*
 * Writes the school's calendar (central.h's form) to path as a calendar file (calendar_file.h),
 * atomically: a temporary file beside it, fsync, rename, fsync of the directory; a power cut
 * leaves the old file or the new one. The text is parsed back first and must give the same
 * terms and closed days and pass the core's rules: LD_ERR_INVALID naming what does not
 * (nothing written). version goes into the file's opening comment.
 */
struct ld_calendar_file;
LD_MUST_CHECK ld_err ld_sync_write_calendar(const char *path, const struct ld_calendar_file *cal,
                                            int64_t version, char *msg, size_t msglen);

#endif
