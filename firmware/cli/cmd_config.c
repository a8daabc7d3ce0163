/* cmd_config.c: `latedoor config check [--config FILE]`: load and show what the device will use. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "device.h"

static void print_minute(const char *label, ld_minute m)
{
    printf("%s%02d:%02d", label, m / 60, m % 60);
}

int ld_cmd_config(int argc, char **argv)
{
    const char *path = NULL;
    if (argc == 4 && !strcmp(argv[1], "check") && !strcmp(argv[2], "--config"))
        path = argv[3];
    else if (argc != 2 || strcmp(argv[1], "check")) {
        fprintf(stderr, "usage: latedoor config check [--config FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_device dev;
    char msg[512];
    path = ld_device_config_path(path);
    if (ld_device_load(path, &dev, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return LD_EXIT_USAGE;
    }
    const struct ld_config *c = &dev.cfg;
    printf("config:    %s\n", dev.config_path);
    printf("school:    %s (%s)\n", c->school_name, ld_tz_name(dev.tz));
    printf("device:    %s, %s, reader %s\n", c->device_id, ld_device_mode_name(c->mode),
           ld_reader_driver_name(c->reader));
    print_minute("sessions:  am ", c->sessions.am.start);
    print_minute("-", c->sessions.am.register_closes);
    print_minute(", pm ", c->sessions.pm.start);
    print_minute("-", c->sessions.pm.register_closes);
    printf(" (start to register close)\n");
    printf("reasons:  ");
    for (size_t i = 0; i < c->reason_count; i++)
        printf(" %s%s", c->reasons[i].name, i + 1 < c->reason_count ? ";" : "\n");
    if (!c->reason_count)
        printf(" none\n");
    size_t nterms = ld_calendar_term_count(dev.cal);
    printf("calendar:  %s: %zu terms, %zu school days", c->calendar_path, nterms,
           ld_calendar_school_days(dev.cal));
    if (nterms) {
        char a[LD_DATE_STRLEN], b[LD_DATE_STRLEN];
        ld_date_format(ld_calendar_term(dev.cal, 0).start, a);
        ld_date_format(ld_calendar_term(dev.cal, nterms - 1).end, b);
        printf(", %s to %s", a, b);
    }
    printf("\nstore:     %s\n", c->store_path);
    ld_device_free(&dev);
    return LD_EXIT_OK;
}
