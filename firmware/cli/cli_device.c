/* cli_device.c: --config handling and opening the store, for every device command. */
#include "cli_device.h"

#include <stdio.h>
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
