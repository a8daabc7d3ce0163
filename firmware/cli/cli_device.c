/* cli_device.c: --config handling and opening the store, for every device command. */
#include "cli_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

const char *ld_cli_take_config(int *argc, char **argv, int *bad)
{
    *bad = 0;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--config"))
            continue;
        if (i + 1 >= *argc) {
            *bad = 1;
            return NULL;
        }
        const char *path = argv[i + 1];
        memmove(&argv[i], &argv[i + 2], (size_t)(*argc - i - 2 + 1) * sizeof *argv);
        *argc -= 2;
        return path;
    }
    return NULL;
}

int ld_cli_status(ld_err err)
{
    switch (err) {
    case LD_OK:
        return LD_EXIT_OK;
    case LD_ERR_INVALID:
    case LD_ERR_RANGE:
    case LD_ERR_DUPLICATE:
    case LD_ERR_NOT_FOUND:
        return LD_EXIT_USAGE;
    default:
        return LD_EXIT_FAIL;
    }
}

int ld_cli_open(const char *config, struct ld_device *dev, struct ld_store **store)
{
    char msg[512];
    *store = NULL;
    ld_err err = ld_device_load(ld_device_config_path(config), dev, msg, sizeof msg);
    if (!err)
        err = ld_store_open(dev->cfg.store_path, NULL, store, msg, sizeof msg);
    if (!err) {
        /* The device works to the centre's settings over its file's, as the kiosk does. */
        struct ld_config *school = malloc(sizeof *school);
        char problem[256];
        if (!school) {
            snprintf(msg, sizeof msg, "out of memory");
            err = LD_ERR_NOMEM;
        } else if (!(err = ld_device_school_config(*store, &dev->cfg, school, problem,
                                                   sizeof problem))) {
            dev->cfg = *school;
            if (problem[0])
                fprintf(stderr, "latedoor: a setting from the centre was left out: %s\n", problem);
        } else {
            snprintf(msg, sizeof msg, "the centre's settings: %s", ld_err_str(err));
        }
        free(school);
        if (err) {
            ld_store_close(*store);
            *store = NULL;
        }
    }
    if (err) {
        fprintf(stderr, "%s\n", msg);
        if (err == LD_ERR_STATE || err == LD_ERR_NOT_FOUND)
            fprintf(stderr, "(create the store with: latedoor init)\n");
        ld_device_free(dev);
        return err == LD_ERR_INVALID || err == LD_ERR_NOT_FOUND ? LD_EXIT_USAGE : LD_EXIT_FAIL;
    }
    return LD_EXIT_OK;
}

void ld_cli_close(struct ld_device *dev, struct ld_store *store)
{
    ld_store_close(store);
    ld_device_free(dev);
}
