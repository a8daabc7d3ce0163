/* device.c: loading a device's config, calendar and zone in one step, and making its reader. */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ld_device_config_path(const char *explicit_path)
{
    if (explicit_path)
        return explicit_path;
    const char *env = getenv("LATEDOOR_CONFIG");
    return env && *env ? env : LD_DEVICE_DEFAULT_CONFIG;
}

ld_err ld_device_load_without_calendar(const char *config_path, struct ld_device *dev, char *msg,
                                       size_t msglen)
{
    memset(dev, 0, sizeof *dev);
    if (strlen(config_path) > LD_CONFIG_PATH_MAX) {
        snprintf(msg, msglen, "%.60s...: path too long", config_path);
        return LD_ERR_RANGE;
    }
    strcpy(dev->config_path, config_path);
    ld_err err = ld_config_load(config_path, &dev->cfg, msg, msglen);
    if (!err) {
        char why[256];
        err = ld_tz_open(dev->cfg.timezone, &dev->tz, why, sizeof why);
        if (err)
            snprintf(msg, msglen, "%s: school.timezone: %s", config_path, why);
    }
    if (err)
        ld_device_free(dev);
    return err;
}

ld_err ld_device_load(const char *config_path, struct ld_device *dev, char *msg, size_t msglen)
{
    ld_err err = ld_device_load_without_calendar(config_path, dev, msg, msglen);
    if (!err)
        err = ld_calendar_file_load(dev->cfg.calendar_path, &dev->calfile, msg, msglen);
    if (!err)
        err = ld_calendar_file_build(&dev->calfile, dev->cfg.calendar_path, &dev->cal, msg, msglen);
    if (err)
        ld_device_free(dev);
    return err;
}

void ld_device_free(struct ld_device *dev)
{
    if (!dev)
        return;
    ld_calendar_file_free(&dev->calfile);
    ld_calendar_destroy(dev->cal);
    ld_tz_close(dev->tz);
    memset(dev, 0, sizeof *dev);
}

ld_err ld_device_reader_create(const struct ld_config *cfg, struct ld_reader **out, char *msg,
                               size_t msglen)
{
    *out = NULL;
    switch (cfg->reader) {
    case LD_READER_NFC: {
        struct ld_reader_nfc_config nfc = {.connstring = cfg->reader_connstring};
        return ld_reader_nfc_create(&nfc, out, msg, msglen);
    }
    case LD_READER_WEDGE: {
        struct ld_reader_wedge_config wedge = {
            .path = cfg->reader_path,
            .fd = -1,
            .decoder = {.format = (enum ld_wedge_format)cfg->wedge_format,
                        .reversed = cfg->wedge_reversed}};
        return ld_reader_wedge_create(&wedge, out, msg, msglen);
    }
    case LD_READER_SIM:
        return ld_reader_sim_create(cfg->reader_path, LD_SIM_AUTO, out, msg, msglen);
    case LD_READER_NONE:
        return LD_OK;
    }
    snprintf(msg, msglen, "reader.driver: unknown driver");
    return LD_ERR_INVALID;
}
