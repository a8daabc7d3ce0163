/*
 * main.c: `latedoor`, every command but the kiosk and the office web app. It sits on top of the
 * device's commands (firmware/cli/), the central store's (sync/cli/) and the office's (office/cli/)
 * and dispatches to one command per file.
 */
#include <stdio.h>
#include <string.h>

#include "office_commands.h"

#ifndef LD_VERSION
#define LD_VERSION "0.1.0"
#endif

struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"analyse", "run the attendance core on a JSON document (docs/analyse.md)", ld_cmd_analyse},
    {"config", "check the school config, calendar and time zone (config check)", ld_cmd_config},
    {"init", "create this device's store", ld_cmd_init},
    {"roster", "check or import an MIS roster CSV (roster check|import FILE)",
     ld_cmd_roster_central},
    {"tap", "record an arrival as the kiosk does (tap --uid HEX [--at TIME])", ld_cmd_tap},
    {"events", "print the event log (events [--json])", ld_cmd_events},
    {"backup", "copy the store safely while it is in use (backup DEST)", ld_cmd_backup},
    {"clock", "is the clock trusted; repair events recorded while it was not", ld_cmd_clock},
    {"store", "check the store: integrity and every event's checksum (store check)", ld_cmd_store},
    {"central", "the central store: init, setup, school add, schools (docs/central.md)",
     ld_cmd_central},
    {"device", "a kiosk at the central store: add, disable, enable, rotate NAME --central URL",
     ld_cmd_device},
    {"sync", "send events to the central store, bring the school's back (--once|--watch|status)",
     ld_cmd_sync},
    {"report", "the office review: pages, letters, corrections, MIS marks (docs/office.md)",
     ld_cmd_report},
    {"office", "the office web app's accounts (office user add|reset|disable NAME)", ld_cmd_office},
    {"staff", "who may open the kiosk's staff mode (staff add ID --name N --pin-stdin | list)",
     ld_cmd_staff},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: latedoor COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n  --version        print the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LD_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("latedoor %s\n", LD_VERSION);
        return LD_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return LD_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "latedoor: unknown command \"%s\" (try latedoor --help)\n", argv[1]);
    return LD_EXIT_USAGE;
}
