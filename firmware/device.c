/* device.c: loading a device's config, calendar and zone in one step, and making its reader. */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

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

/* The centre's settings as the store gives them, copied (the store's strings last one call). */
struct school_settings {
    struct ld_config_setting *items;
    size_t n, cap;
    bool nomem;
};

static ld_err collect_setting(void *ctx, const char *key, const char *value)
{
    struct school_settings *ss = ctx;
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 32;
        struct ld_config_setting *grown = realloc(ss->items, cap * sizeof *grown);
        if (!grown) {
            ss->nomem = true;
            return LD_ERR_NOMEM;
        }
        ss->items = grown;
        ss->cap = cap;
    }
    char *k = strdup(key + strlen("school.")), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        ss->nomem = true;
        return LD_ERR_NOMEM;
    }
    ss->items[ss->n++] = (struct ld_config_setting){k, v};
    return LD_OK;
}

ld_err ld_device_school_config(struct ld_store *store, const struct ld_config *file,
                               struct ld_config *out, char *problem, size_t plen)
{
    struct school_settings ss = {0};
    ld_err err = LD_OK;
    char msg[256];
    *out = *file;
    problem[0] = '\0';
    if (ld_store_settings_foreach(store, "school.", collect_setting, &ss, msg, sizeof msg)) {
        if (ss.nomem)
            err = LD_ERR_NOMEM;
        else
            snprintf(problem, plen, "the centre's settings could not be read: %s", msg);
    } else {
        err = ld_config_apply_school(out, ss.items, ss.n, problem, plen);
        if (err)
            *out = *file;
    }
    for (size_t i = 0; i < ss.n; i++) {
        free((char *)ss.items[i].key);
        free((char *)ss.items[i].value);
    }
    free(ss.items);
    return err;
}
