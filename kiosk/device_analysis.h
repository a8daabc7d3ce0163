/* device_analysis.h: the staff lists' analysis: the attendance core over the store's history. */
#ifndef KIOSK_DEVICE_ANALYSIS_H
#define KIOSK_DEVICE_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "ld_school.h"
#include "model.h"
#include "store.h"

/*
 * Builds the core's school (ld_school.h) from store: the active pupils (class, family, flags,
 * admission and leaving dates as on_roll), the config's reasons, bands and pattern thresholds,
 * and every arrival recorded before to_ms, voided ones left out and the latest reason and
 * clock repair of each applied. What the device knows decides registers_until: with
 * `everyone signs in` every school day up to today, and a pupil with no arrival on a day gets
 * an N for its morning once that register has closed (the product's mark, not the core's);
 * with `late door only` no day (the device has no MIS marks), so sessions nobody tapped for
 * are "-", never present. Analyses it as of today at minute (the present minute) and fills:
 *   speak     the pupils with patterns, most pressing first (patterns, then late sessions), a
 *             family's children together at its most pressing one, each with the core's
 *             sentences and, for a family with several on the list, "Surname: N children"
 *   punctual  this week's most punctual class, "" when no class is strictly ahead of the next
 * Returns an error with a sentence in msg when the store cannot be read or the core refuses.
 */
ld_err kiosk_analyse_store(struct ld_store *store, const struct ld_device *dev, ld_date today,
                           ld_minute minute, int64_t to_ms, struct kiosk_speak_list *speak,
                           char punctual[KIOSK_CLASS_MAX], char *msg, size_t msglen) LD_MUST_CHECK;

/*
 * The school's configuration as the kiosk uses it: the file's (file), with the settings
 * written at the centre (the store's `school.KEY`: arrival_mode, bands, patterns.NAME,
 * kiosk.languages, the sessions' times and the reasons, see ld_config_apply_school) over it;
 * a bad one keeps the file's value (or its group's).
 */
void kiosk_school_config(struct ld_store *store, const struct ld_config *file,
                         struct ld_config *out);

/*
 * The analysis kiosk_analyse_store fills its lists from: on success *school and *result are
 * the caller's (destroy the result first). For tests and tools that look at single marks.
 */
ld_err kiosk_analysis_run(struct ld_store *store, const struct ld_device *dev, ld_date today,
                          ld_minute minute, int64_t to_ms, struct ld_school **school,
                          struct ld_result **result, char *msg, size_t msglen) LD_MUST_CHECK;

#endif
