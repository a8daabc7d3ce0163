/* cmd_backup.c: `latedoor backup DEST`: a consistent copy of the store while the kiosk runs. */
#include <stdio.h>

#include "cli_device.h"
#include "commands.h"

int ld_cmd_backup(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    if (bad || argc != 2) {
        fprintf(stderr, "usage: latedoor backup DEST [--config FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_device dev;
    struct ld_store *store;
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    char msg[512];
    ld_err err = ld_store_backup(store, argv[1], msg, sizeof msg);
    if (err)
        fprintf(stderr, "latedoor backup: %s\n", msg);
    else
        printf("backed up %s to %s\n", dev.cfg.store_path, argv[1]);
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}
