/*
 * cmd_office.c: `latedoor office user add|reset|disable`: the office application's accounts
 * (docs/office.md). The password is read from standard input (one line; not echoed on a
 * terminal), never from the command line, where other users could see it.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "central.h"
#include "cli_device.h"
#include "office_commands.h"
#include "users.h"

static const char usage[] =
    "usage: latedoor office user add NAME --role office|lead|head|technician [--school ID]\n"
    "                                 --central URL [--passfile FILE]   (password on stdin)\n"
    "       latedoor office user reset NAME --central URL [--passfile FILE] (password on stdin)\n"
    "       latedoor office user disable NAME --central URL [--passfile FILE]\n";

/* Reads one line of stdin into out without its newline; false when there is none. */
static bool read_password(char *out, size_t outlen)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "Password: ");
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)outlen, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (ok)
        out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

int ld_cmd_office(int argc, char **argv)
{
    const char *central = NULL, *passfile = NULL, *school = "", *role_s = NULL;
    char password[LD_USER_PASSWORD_MAX + 2] = "", msg[1024];
    enum ld_user_role role = LD_ROLE_OFFICE;
    struct ld_central *c = NULL;
    int rc = LD_EXIT_USAGE;
    ld_err err = LD_OK;
    if (argc < 4 || strcmp(argv[1], "user")) {
        fprintf(stderr, "%s", usage);
        return LD_EXIT_USAGE;
    }
    const char *verb = argv[2], *name = argv[3];
    for (int i = 4; i < argc; i++) {
        const char **slot = !strcmp(argv[i], "--central")    ? &central
                            : !strcmp(argv[i], "--passfile") ? &passfile
                            : !strcmp(argv[i], "--school")   ? &school
                            : !strcmp(argv[i], "--role")     ? &role_s
                                                             : NULL;
        if (!slot || i + 1 >= argc) {
            fprintf(stderr, "latedoor office: %s: %s\n%s", argv[i],
                    slot ? "needs a value" : "unknown option", usage);
            return LD_EXIT_USAGE;
        }
        *slot = argv[++i];
    }
    bool add = !strcmp(verb, "add"), reset = !strcmp(verb, "reset");
    if ((!add && !reset && strcmp(verb, "disable")) || !central ||
        (add && (!role_s || !ld_user_role_parse(role_s, &role)))) {
        fprintf(stderr,
                "latedoor office: give add, reset or disable, --central and (to add) a "
                "--role of office, lead, head or technician\n%s",
                usage);
        return LD_EXIT_USAGE;
    }
    if ((add || reset) && !read_password(password, sizeof password)) {
        fprintf(stderr, "latedoor office: no password on standard input\n");
        return LD_EXIT_USAGE;
    }
    int64_t now = (int64_t)time(NULL) * 1000;
    err = ld_central_open(central, passfile, LD_CENTRAL_ADMIN, &c, msg, sizeof msg);
    if (!err && add)
        err = ld_user_add(c, name, role, school, password, "latedoor office", now, msg, sizeof msg);
    else if (!err && reset)
        err = ld_user_reset(c, name, password, "latedoor office", now, msg, sizeof msg);
    else if (!err)
        err = ld_user_disable(c, name, "latedoor office", now, msg, sizeof msg);
    sodium_memzero(password, sizeof password);
    if (err) {
        fprintf(stderr, "latedoor office: %s\n", msg);
        rc = ld_cli_status(err);
    } else {
        printf("user %s %s\n", name, add ? "added" : reset ? "reset" : "disabled");
        rc = LD_EXIT_OK;
    }
    ld_central_close(c);
    return rc;
}
