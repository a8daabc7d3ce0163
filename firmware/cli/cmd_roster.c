/* cmd_roster.c: `latedoor roster check|import FILE.csv`: an MIS roster into the device store. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli_device.h"
#include "commands.h"
#include "roster.h"

static int usage(void)
{
    fprintf(
        stderr,
        "usage: latedoor roster check FILE.csv\n"
        "       latedoor roster import FILE.csv [--leavers] [--config FILE]\n"
        "       latedoor roster import FILE.csv --central URL [--school ID] [--passfile FILE]\n");
    return LD_EXIT_USAGE;
}

/* Reads and checks the whole file; prints the warnings and any error. */
static int parse(const char *path, struct ld_roster *roster)
{
    struct ld_roster_warnings warn = {0};
    char msg[512];
    ld_err err = ld_roster_parse_csv(path, roster, &warn, msg, sizeof msg);
    for (size_t i = 0; i < warn.count; i++)
        fprintf(stderr, "warning: %s\n", warn.items[i].text);
    if (warn.dropped)
        fprintf(stderr, "warning: %zu more warnings not shown\n", warn.dropped);
    ld_roster_warnings_free(&warn);
    if (err)
        fprintf(stderr, "%s\n", msg);
    return ld_cli_status(err);
}

static int import(const char *config, const char *path, const struct ld_roster *roster,
                  bool leavers)
{
    struct ld_import_options opt = {.leavers = leavers};
    struct ld_device dev;
    struct ld_store *store;
    struct ld_import_summary sum;
    char msg[512];
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    ld_err err = ld_store_import_roster_with(store, roster, &opt, &sum, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s: %s\n", path, msg);
        fprintf(stderr, "nothing was imported\n");
    } else {
        printf("%s: %zu pupils: %zu added, %zu updated, %zu unchanged, %zu left (inactive); "
               "%zu cards\n",
               path, roster->count, sum.added, sum.updated, sum.unchanged, sum.deactivated,
               sum.cards);
    }
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}

int ld_cmd_roster(int argc, char **argv)
{
    return ld_cmd_roster_with(argc, argv, NULL);
}

int ld_cmd_roster_with(int argc, char **argv, ld_roster_central_fn central)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    if (!bad && argc >= 5 && !strcmp(argv[1], "import") && !strcmp(argv[3], "--central")) {
        if (!central) {
            fprintf(stderr, "roster import --central: this build has no central store\n");
            return LD_EXIT_USAGE;
        }
        struct ld_roster roster = {0};
        int rc = parse(argv[2], &roster);
        if (rc == LD_EXIT_OK)
            rc = central(&roster, argc - 3, argv + 3);
        ld_roster_free(&roster);
        return rc;
    }
    /* --leavers: this roster really takes many pupils off the roll (the end of a year). */
    bool leavers = argc == 4 && !strcmp(argv[1], "import") && !strcmp(argv[3], "--leavers");
    if (bad || (argc != 3 && !leavers))
        return usage();
    struct ld_roster roster = {0};
    int rc;
    if (!strcmp(argv[1], "check")) {
        rc = parse(argv[2], &roster);
        if (rc == LD_EXIT_OK)
            printf("%s: %zu pupils, every row valid\n", argv[2], roster.count);
    } else if (!strcmp(argv[1], "import")) {
        rc = parse(argv[2], &roster);
        if (rc == LD_EXIT_OK)
            rc = import(config, argv[2], &roster, leavers);
    } else {
        rc = usage();
    }
    ld_roster_free(&roster);
    return rc;
}
