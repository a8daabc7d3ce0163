/* office_commands.h: the office's subcommands of `latedoor` (docs/office.md). */
#ifndef LD_CLI_OFFICE_COMMANDS_H
#define LD_CLI_OFFICE_COMMANDS_H

#include "sync_commands.h"

int ld_cmd_report(int argc, char **argv);
/* `latedoor office user add|reset|disable`: the office application's accounts (cmd_office.c). */
int ld_cmd_office(int argc, char **argv);

#endif
