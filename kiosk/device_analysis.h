/* device_analysis.h: the staff lists' analysis: the attendance core over the store's history. */
#ifndef KIOSK_DEVICE_ANALYSIS_H
#define KIOSK_DEVICE_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "model.h"
#include "store.h"

/*
 * Builds the core's school (ld_school.h) from store: the active pupils (class, family, flags),
 * the config's reasons and every arrival recorded before to_ms, voided ones left out and the
 * latest reason and clock repair of each applied; analyses it as of today and fills:
 *   speak     the pupils with patterns, most pressing first (patterns, then late sessions), a
 *             family's children together at its most pressing one, each with the core's
 *             sentences and, for a family with several on the list, "Surname: N children"
 *   punctual  this week's most punctual class, "" when no class is strictly ahead of the next
 * Returns an error with a sentence in msg when the store cannot be read or the core refuses.
 */
ld_err kiosk_analyse_store(struct ld_store *store, const struct ld_device *dev, ld_date today,
                           int64_t to_ms, struct kiosk_speak_list *speak,
                           char punctual[KIOSK_CLASS_MAX], char *msg, size_t msglen) LD_MUST_CHECK;

#endif
