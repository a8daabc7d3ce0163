/* agent_priv.h: what agent.c, agent_pull.c and agent_calendar.c share. Not for other modules. */
#ifndef LD_SYNC_AGENT_PRIV_H
#define LD_SYNC_AGENT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent.h"
#include "central.h"

/* Writes a printf-style message into msg (may be NULL). */
void ld_sync__msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts "PREFIX: " before what msg holds. */
void ld_sync__prefix(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads the setting key as a non-negative number (0 when unset); LD_ERR_CORRUPT naming it. */
ld_err ld_sync__read_number(struct ld_store *store, const char *key, int64_t *out, char *msg,
                            size_t msglen);

/* Writes v as the setting key. */
ld_err ld_sync__write_number(struct ld_store *store, const char *key, int64_t v, char *msg,
                             size_t msglen);

/*
 * The pull half of a round (agent.h, step 2): roster, calendar (when calendar_path is not NULL),
 * settings, then other devices' events in pages of cap through buf. Fills rep's pull fields.
 */
ld_err ld_sync__pull(struct ld_central *c, struct ld_store *store, const char *device,
                     const char *school, const char *calendar_path, struct ld_central_event *buf,
                     size_t cap, bool (*should_stop)(void *), void *stop_ctx,
                     struct ld_sync_report *rep, char *msg, size_t msglen);

#endif
