/*
 * sync_commands.h: the subcommands of `latedoor` that speak to the central store: `central`,
 * `device`, `sync`, and `roster` with its `import --central`. They build on the device's
 * commands (firmware/cli/commands.h) and share their exit statuses.
 */
#ifndef LD_CLI_SYNC_COMMANDS_H
#define LD_CLI_SYNC_COMMANDS_H

#include "commands.h"

int ld_cmd_central(int argc, char **argv);
int ld_cmd_device(int argc, char **argv);
int ld_cmd_sync(int argc, char **argv);

/* `roster check|import FILE`, and `roster import FILE --central URL …` to the central store. */
int ld_cmd_roster_central(int argc, char **argv);

/* Sends a parsed roster to the central store; argv starts at "--central". */
int ld_cmd_central_roster_import(const struct ld_roster *roster, int argc, char **argv);

#endif
