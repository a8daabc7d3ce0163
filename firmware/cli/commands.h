/*
 * commands.h: the device's subcommands of `latedoor`, one per firmware/cli/cmd_*.c file. The
 * central store's commands live in sync/cli/ (sync_commands.h), the office's in office/cli/, and
 * `latedoor` itself (office/cli/main.c) sits on top of them all.
 */
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
int ld_cmd_staff(int argc, char **argv);
int ld_cmd_store(int argc, char **argv);

/*
 * `roster import FILE --central URL …` sends the parsed roster to the central store. The device
 * commands know nothing of the central store, so the caller hands in the function that does it
 * (sync/cli's ld_cmd_central_roster_import); ld_cmd_roster passes NULL and refuses --central.
 */
struct ld_roster;
typedef int (*ld_roster_central_fn)(const struct ld_roster *roster, int argc, char **argv);
int ld_cmd_roster_with(int argc, char **argv, ld_roster_central_fn central);

#endif
