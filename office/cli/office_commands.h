/* office_commands.h: the office's subcommands of `latedoor` (docs/office.md). */
#ifndef LD_CLI_OFFICE_COMMANDS_H
#define LD_CLI_OFFICE_COMMANDS_H

#include "sync_commands.h"

int ld_cmd_report(int argc, char **argv);

#endif
