/* cmd_clock.c: `latedoor clock status|repair`: how far the clock is trusted; repair old events. */
#include <stdio.h>
#include <string.h>

#include "cli_device.h"
#include "commands.h"
#include "tap.h"

int ld_cmd_clock(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    if (bad || argc != 2 || (strcmp(argv[1], "status") && strcmp(argv[1], "repair"))) {
        fprintf(stderr, "usage: latedoor clock status|repair [--config FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_device dev;
    struct ld_store *store;
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    char msg[512] = "";
    ld_err err;
    if (!strcmp(argv[1], "status")) {
        int64_t last;
        struct ld_clock_reading now;
        err = ld_store_last_event_ms(store, &last, msg, sizeof msg);
        if (!err)
            err = ld_clock_read(NULL, last, &now, msg, sizeof msg);
        ld_date d;
        ld_minute m;
        int s;
        if (!err && !ld_clock_to_local(dev.tz, now.utc_ms, &d, &m, &s)) {
            char date[LD_DATE_STRLEN];
            ld_date_format(d, date);
            printf("clock %s: %s %02d:%02d:%02d %s, boot %s\n", ld_clock_state_name(now.state),
                   date, m / 60, m % 60, s, ld_tz_name(dev.tz), now.boot_id);
        }
    } else {
        struct ld_tap tap = {.store = store, .dev = &dev, .clock = NULL};
        size_t fixed = 0, lost = 0;
        err = ld_tap_repair_clock(&tap, &fixed, &lost, msg, sizeof msg);
        if (!err) {
            printf("repaired %zu events", fixed);
            if (lost)
                printf("; %zu recorded before a reboot cannot be repaired: check them", lost);
            printf("\n");
        }
    }
    if (err)
        fprintf(stderr, "latedoor clock: %s\n", msg[0] ? msg : ld_err_str(err));
    ld_cli_close(&dev, store);
    return err == LD_ERR_STATE ? LD_EXIT_FAIL : ld_cli_status(err);
}
