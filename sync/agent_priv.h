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

/*
 * The pull half of a round (agent.h, step 2): roster, calendar (when calendar_path is not NULL),
 * settings, then other devices' events in pages of cap through buf. Fills rep's pull fields.
 */
ld_err ld_sync__pull(struct ld_central *c, struct ld_store *store, const char *device,
                     const char *school, const char *calendar_path, struct ld_central_event *buf,
                     size_t cap, bool (*should_stop)(void *), void *stop_ctx,
                     struct ld_sync_report *rep, char *msg, size_t msglen);

#endif
