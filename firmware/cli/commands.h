/* commands.h: the subcommands of `latedoor`, one per cli/cmd_*.c file. */
#ifndef LD_CLI_COMMANDS_H
#define LD_CLI_COMMANDS_H

/* Exit statuses every command uses. */
enum { LD_EXIT_OK = 0, LD_EXIT_FAIL = 1, LD_EXIT_USAGE = 2 };

/*
 * Each command gets argv with argv[0] set to its own name ("analyse") and returns an exit
 * status. Commands print errors on stderr as one line naming the place, and nothing on stdout
 * when they fail.
 */
int ld_cmd_analyse(int argc, char **argv);
int ld_cmd_config(int argc, char **argv);
int ld_cmd_init(int argc, char **argv);
int ld_cmd_roster(int argc, char **argv);
int ld_cmd_tap(int argc, char **argv);
int ld_cmd_events(int argc, char **argv);
int ld_cmd_backup(int argc, char **argv);
int ld_cmd_clock(int argc, char **argv);
int ld_cmd_central(int argc, char **argv);
int ld_cmd_device(int argc, char **argv);
int ld_cmd_sync(int argc, char **argv);
int ld_cmd_report(int argc, char **argv);
int ld_cmd_staff(int argc, char **argv);

/* `roster import FILE --central URL …`: the roster goes to the central store (cmd_central.c). */
struct ld_roster;
int ld_cmd_central_roster_import(const struct ld_roster *roster, int argc, char **argv);

#endif
