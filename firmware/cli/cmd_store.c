/* cmd_store.c: `latedoor store check`: the whole store's integrity and every event's checksum. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_device.h"
#include "commands.h"

int ld_cmd_store(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    if (bad || argc != 2 || strcmp(argv[1], "check") != 0) {
        fprintf(stderr, "usage: latedoor store check [--config FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_device dev;
    struct ld_store *store;
    int rc = ld_cli_open(config, &dev, &store); /* refuses a file that fails integrity_check */
    if (rc)
        return rc;
    char msg[512];
    struct ld_store_check_report r;
    ld_err err = ld_store_check(store, &r, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "latedoor store check: %s\n", msg);
    } else {
        bool sound = !strcmp(r.integrity, "ok") && r.bad == 0;
        printf("store %s: integrity check: %s; %" PRIu64 " events, %s\n", dev.cfg.store_path,
               r.integrity, r.events,
               r.bad ? "some fail their checksum:" : "every checksum matches");
        for (uint64_t i = 0; i < r.bad && i < LD_STORE_CHECK_SHOWN; i++)
            printf("  %s\n", r.problems[i]);
        if (r.bad > LD_STORE_CHECK_SHOWN)
            printf("  and %" PRIu64 " more\n", r.bad - LD_STORE_CHECK_SHOWN);
        if (r.bad)
            printf("%" PRIu64 " of %" PRIu64 " events fail their checksum\n", r.bad, r.events);
        rc = sound ? LD_EXIT_OK : LD_EXIT_FAIL;
    }
    ld_cli_close(&dev, store);
    return err ? ld_cli_status(err) : rc;
}
