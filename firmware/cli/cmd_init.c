/* cmd_init.c: `latedoor init [--config FILE]`: create the device's store, never over one. */
#include <stdio.h>

#include "cli_device.h"
#include "commands.h"

int ld_cmd_init(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    if (bad || argc != 1) {
        fprintf(stderr, "usage: latedoor init [--config FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_device dev;
    struct ld_store *store = NULL;
    char msg[512];
    ld_err err = ld_device_load(ld_device_config_path(config), &dev, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return LD_EXIT_USAGE;
    }
    err = ld_store_create(dev.cfg.store_path, dev.cfg.device_id, NULL, &store, msg, sizeof msg);
    if (err)
        fprintf(stderr, "%s\n", msg);
    else
        printf("created %s for device %s of %s\n", dev.cfg.store_path, dev.cfg.device_id,
               dev.cfg.school_name);
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}
