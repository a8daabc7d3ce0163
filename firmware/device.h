/* device.h: what every command and the kiosk load about this device: config, calendar, zone. */
#ifndef LD_DEVICE_H
#define LD_DEVICE_H

#include <stddef.h>

#include "calendar_file.h"
#include "clock.h"
#include "config.h"
#include "ld_calendar.h"
#include "ld_err.h"
#include "reader.h"

/* Where the config is looked for when no --config is given and LATEDOOR_CONFIG is not set. */
#define LD_DEVICE_DEFAULT_CONFIG "/etc/latedoor/school.ini"

/* The device's settings, loaded and checked together. Plain struct; free with ld_device_free. */
struct ld_device {
    char config_path[LD_CONFIG_PATH_MAX + 1];
    struct ld_config cfg;
    struct ld_calendar_file calfile;
    struct ld_calendar *cal; /* the core's calendar built from calfile */
    struct ld_tz *tz;        /* the school's time zone */
};

/*
 * Returns the config path to use: explicit when not NULL, else $LATEDOOR_CONFIG when set and
 * not empty, else LD_DEVICE_DEFAULT_CONFIG.
 */
const char *ld_device_config_path(const char *explicit_path);

/*
 * Loads the config at config_path, the calendar it names and its time zone into *dev. On
 * failure writes one message naming the file, line and key into msg and leaves *dev empty
 * (safe to pass to ld_device_free).
 */
LD_MUST_CHECK ld_err ld_device_load(const char *config_path, struct ld_device *dev, char *msg,
                                    size_t msglen);

/*
 * As ld_device_load without the calendar: the config and the zone, dev->cal NULL and
 * dev->calfile empty. The kiosk uses it to start (and record arrivals) before `latedoor sync`
 * has written the calendar file, and loads the calendar itself when the file appears.
 */
LD_MUST_CHECK ld_err ld_device_load_without_calendar(const char *config_path, struct ld_device *dev,
                                                     char *msg, size_t msglen);

/* Frees what dev holds and zeroes it; accepts NULL. */
void ld_device_free(struct ld_device *dev);

struct ld_store;

/*
 * The school's config as this device works to it: file, with the settings the centre wrote
 * (sync keeps them in store as `school.KEY`) over it by ld_config_apply_school. When the store
 * cannot be read, the file's alone, never half of both. problem gets the first bad setting
 * ("" for none). Returns LD_ERR_NOMEM, else LD_OK with *out written.
 */
LD_MUST_CHECK ld_err ld_device_school_config(struct ld_store *store, const struct ld_config *file,
                                             struct ld_config *out, char *problem, size_t plen);

/*
 * Creates the reader driver the config names (nfc, wedge or sim). For driver "none" returns
 * LD_OK with *out NULL: the kiosk then works by touch alone. On success *out is the caller's.
 */
LD_MUST_CHECK ld_err ld_device_reader_create(const struct ld_config *cfg, struct ld_reader **out,
                                             char *msg, size_t msglen);

#endif
