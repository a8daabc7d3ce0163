/*
 * cmd_central.c: `latedoor central …` and `latedoor device add …`: the central store's schema,
 * its schools and its devices; and `roster import --central` (ld_cmd_central_roster_import).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "central.h"
#include "cli_device.h"
#include "sync_commands.h"

/* Where docs/deploy.md puts the CA of the central server's certificate on a kiosk. */
#define LD_KIOSK_CA_PATH "/etc/latedoor/central-ca.crt"

/* Options every subcommand here may take after its positional arguments. */
struct opts {
    const char *central;        /* --central URL */
    const char *passfile;       /* --passfile FILE: the password of URL's user */
    const char *school;         /* --school ID */
    const char *write_passfile; /* --write-passfile FILE: where device add puts the password */
};

/* Parses --key value pairs from argv[0..argc) into *o; false (after a message) on anything else. */
static bool parse_opts(int argc, char **argv, struct opts *o, bool allow_school, bool allow_write)
{
    for (int i = 0; i < argc; i++) {
        const char *k = argv[i];
        const char **slot = NULL;
        if (!strcmp(k, "--central"))
            slot = &o->central;
        else if (!strcmp(k, "--passfile"))
            slot = &o->passfile;
        else if (!strcmp(k, "--school") && allow_school)
            slot = &o->school;
        else if (!strcmp(k, "--write-passfile") && allow_write)
            slot = &o->write_passfile;
        if (!slot || i + 1 >= argc) {
            fprintf(stderr, "latedoor: %s: %s\n", k, slot ? "needs a value" : "unknown option");
            return false;
        }
        *slot = argv[++i];
    }
    return true;
}

/* Opens url as the admin, printing any error; NULL on failure with *rc set. */
static struct ld_central *open_admin(const char *url, const char *passfile, int *rc)
{
    struct ld_central *c = NULL;
    char msg[1024];
    ld_err err = ld_central_open(url, passfile, LD_CENTRAL_ADMIN, &c, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        *rc = ld_cli_status(err);
    }
    return c;
}

/* Picks --school, or the only school the store has. */
static ld_err pick_school(struct ld_central *c, const char *given, char out[LD_CENTRAL_ID_MAX + 1],
                          char *msg, size_t msglen)
{
    if (given) {
        snprintf(out, LD_CENTRAL_ID_MAX + 1, "%s", given);
        return LD_OK;
    }
    struct ld_central_school list[2];
    size_t n = 0;
    ld_err err = ld_central_schools(c, list, 2, &n, msg, msglen);
    if (err == LD_ERR_RANGE || (!err && n != 1)) {
        snprintf(msg, msglen, "central store %s: %s: give --school ID", ld_central_display_url(c),
                 n ? "it has several schools" : "it has no school yet");
        return LD_ERR_INVALID;
    }
    if (!err)
        snprintf(out, LD_CENTRAL_ID_MAX + 1, "%s", list[0].id);
    return err;
}

static int central_usage(void)
{
    fprintf(stderr, "usage: latedoor central init URL [--passfile FILE]\n"
                    "       latedoor central setup sqlite:PATH SCHOOL_ID SCHOOL_NAME DEVICE\n"
                    "       latedoor central school add ID NAME --central URL [--passfile FILE]\n"
                    "       latedoor central schools --central URL [--passfile FILE]\n"
                    "URL: postgresql://USER@HOST/DB?sslmode=verify-full&sslrootcert=CA, "
                    "sqlite:/path/central.db or a path (docs/central.md)\n");
    return LD_EXIT_USAGE;
}

static int central_init(int argc, char **argv)
{
    struct opts o = {0};
    int rc = LD_EXIT_OK, from = 0, to = 0;
    char msg[1024];
    if (argc < 1 || argv[0][0] == '-' || !parse_opts(argc - 1, argv + 1, &o, false, false))
        return central_usage();
    struct ld_central *c = open_admin(argv[0], o.passfile, &rc);
    if (!c)
        return rc;
    ld_err err = ld_central_init(c, &from, &to, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
    } else if (from == to) {
        printf("%s: schema version %d, up to date\n", ld_central_display_url(c), to);
    } else {
        printf("%s: schema version %d (was %d)\n", ld_central_display_url(c), to, from);
    }
    ld_central_close(c);
    return rc;
}

static int central_school_add(int argc, char **argv)
{
    struct opts o = {0};
    int rc = LD_EXIT_OK;
    char msg[1024];
    if (argc < 2 || !parse_opts(argc - 2, argv + 2, &o, false, false) || !o.central)
        return central_usage();
    struct ld_central *c = open_admin(o.central, o.passfile, &rc);
    if (!c)
        return rc;
    ld_err err = ld_central_school_add(c, argv[0], argv[1], msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
    } else {
        printf("school %s added: %s\n", argv[0], argv[1]);
    }
    ld_central_close(c);
    return rc;
}

static int central_schools(int argc, char **argv)
{
    struct opts o = {0};
    int rc = LD_EXIT_OK;
    char msg[1024];
    if (!parse_opts(argc, argv, &o, false, false) || !o.central)
        return central_usage();
    struct ld_central *c = open_admin(o.central, o.passfile, &rc);
    if (!c)
        return rc;
    static struct ld_central_school list[LD_CENTRAL_SCHOOLS_MAX];
    size_t n = 0;
    ld_err err = ld_central_schools(c, list, LD_CENTRAL_SCHOOLS_MAX, &n, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
    }
    for (size_t i = 0; !err && i < n; i++)
        printf("%-32s %s\n", list[i].id, list[i].name);
    ld_central_close(c);
    return rc;
}

/*
 * `central setup sqlite:PATH SCHOOL_ID SCHOOL_NAME DEVICE`: a small school's embedded store in
 * one command: the file, its schema, the school and the first kiosk. Each step is the one its own
 * command takes, so running it again after a failure finishes the job or says what exists.
 */
static int central_setup(int argc, char **argv)
{
    int rc = LD_EXIT_OK, from = 0, to = 0;
    char msg[1024];
    struct ld_central_credentials cred;
    memset(&cred, 0, sizeof cred);
    if (argc != 4) {
        fprintf(stderr, "usage: latedoor central setup sqlite:/var/lib/latedoor/central.db "
                        "SCHOOL_ID \"SCHOOL NAME\" DEVICE\n"
                        "Creates an SQLite central store with one school and its first kiosk "
                        "(a small school;\nPostgreSQL: central init, central school add, device "
                        "add: docs/deploy.md).\n");
        return LD_EXIT_USAGE;
    }
    if (strncmp(argv[0], "sqlite:", 7)) {
        fprintf(stderr,
                "latedoor: central setup: %s: only for an SQLite store (sqlite:PATH); a "
                "PostgreSQL store is set up step by step (docs/deploy.md)\n",
                argv[0]);
        return LD_EXIT_USAGE;
    }
    struct ld_central *c = open_admin(argv[0], NULL, &rc);
    if (!c)
        return rc;
    ld_err err = ld_central_init(c, &from, &to, msg, sizeof msg);
    if (!err)
        err = ld_central_school_add(c, argv[1], argv[2], msg, sizeof msg);
    if (!err)
        err = ld_central_device_add(c, argv[1], argv[3], &cred, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
    } else {
        printf("%s: schema version %d, school %s (%s), device %s\n"
               "in school.ini of kiosk %s:\n[device]\nid = %s\n[central]\nurl = %s\n",
               ld_central_display_url(c), to, argv[1], argv[2], argv[3], argv[3], argv[3],
               cred.url);
    }
    ld_central_close(c);
    return rc;
}

int ld_cmd_central(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "setup"))
        return central_setup(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "init"))
        return central_init(argc - 2, argv + 2);
    if (argc >= 3 && !strcmp(argv[1], "school") && !strcmp(argv[2], "add"))
        return central_school_add(argc - 3, argv + 3);
    if (argc >= 2 && !strcmp(argv[1], "schools"))
        return central_schools(argc - 2, argv + 2);
    return central_usage();
}

static int device_usage(void)
{
    fprintf(stderr, "usage: latedoor device add NAME --central URL [--school ID] "
                    "[--passfile FILE] [--write-passfile FILE]\n"
                    "       latedoor device disable|enable NAME --central URL [--passfile FILE]\n"
                    "       latedoor device rotate NAME --central URL [--passfile FILE] "
                    "[--write-passfile FILE]\n"
                    "add registers a kiosk and prints what it needs to connect; disable refuses "
                    "a lost or stolen\nkiosk from its next sync, enable lets it back, rotate "
                    "gives it a new password (PostgreSQL).\nWith --write-passfile the new "
                    "password goes into FILE (created, mode 0600) instead of the screen.\n");
    return LD_EXIT_USAGE;
}

/* Writes the password and a newline to the open file fd and syncs it. */
static bool write_secret(int fd, const char *password)
{
    size_t n = strlen(password);
    return write(fd, password, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
}

/* Appends the CA option a verify-ca or verify-full URL needs on the kiosk (docs/deploy.md). */
static void add_rootcert(struct ld_central_credentials *cred)
{
    if (strncmp(cred->sslmode, "verify-", 7) || strstr(cred->url, "sslrootcert="))
        return;
    size_t n = strlen(cred->url);
    snprintf(cred->url + n, sizeof cred->url - n, "&sslrootcert=%s", LD_KIOSK_CA_PATH);
}

/* `device add NAME …`, or with rotate `device rotate NAME …`: the credentials printed. */
static int device_add(int argc, char **argv, bool rotate)
{
    struct opts o = {0};
    int rc = LD_EXIT_OK, fd = -1;
    char msg[1024], school[LD_CENTRAL_ID_MAX + 1];
    struct ld_central_credentials cred;
    memset(&cred, 0, sizeof cred);
    if (argc < 1 || argv[0][0] == '-' || !parse_opts(argc - 1, argv + 1, &o, !rotate, true) ||
        !o.central)
        return device_usage();
    /* Made first, and exclusively, so a password is never created with nowhere to go. */
    if (o.write_passfile) {
        fd = open(o.write_passfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            fprintf(stderr, "latedoor: %s: cannot create: %s%s\n", o.write_passfile,
                    strerror(errno), errno == EEXIST ? " (it is never overwritten)" : "");
            return LD_EXIT_FAIL;
        }
    }
    struct ld_central *c = open_admin(o.central, o.passfile, &rc);
    if (!c)
        goto out;
    ld_err err = LD_OK;
    if (rotate)
        err = ld_central_device_set(c, argv[0], LD_CENTRAL_DEVICE_ROTATE, &cred, msg, sizeof msg);
    else if (!(err = pick_school(c, o.school, school, msg, sizeof msg)))
        err = ld_central_device_add(c, school, argv[0], &cred, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
        goto out;
    }
    add_rootcert(&cred);
    printf("device:   %s (school %s)%s\n", cred.device_id, cred.school,
           rotate ? ": new password; the old one no longer works" : "");
    printf("url:      %s\n", cred.url);
    if (cred.user[0]) {
        printf("user:     %s\n", cred.user);
        if (fd >= 0) {
            if (!write_secret(fd, cred.password)) {
                fprintf(stderr,
                        "latedoor: %s: cannot write the password (%s): the device exists; "
                        "drop role %s and add it again\n",
                        o.write_passfile, strerror(errno), cred.user);
                rc = LD_EXIT_FAIL;
                goto out;
            }
            printf("password: in %s (mode 0600; give it to the kiosk's sync service only)\n",
                   o.write_passfile);
        } else {
            printf("password: %s\n", cred.password);
            fprintf(stderr, "latedoor: the password is shown once: put it in a file of mode "
                            "0600 on the kiosk, named by passfile in school.ini's [central]\n");
        }
        printf("sslmode:  %s%s\n", cred.sslmode,
               strcmp(cred.sslmode, "verify-full")
                   ? " (use verify-full with sslrootcert in production: docs/central.md)"
                   : " (put the CA that signed the server's certificate at " LD_KIOSK_CA_PATH
                     " on the kiosk)");
    } else if (fd >= 0) {
        printf("password: none (SQLite): %s left empty\n", o.write_passfile);
    }
out:
    if (fd >= 0 && close(fd) != 0 && rc == LD_EXIT_OK)
        rc = LD_EXIT_FAIL;
    if (fd >= 0 && rc != LD_EXIT_OK && !cred.device_id[0])
        unlink(o.write_passfile);
    /* wipe the only copy besides the one just handed over */
    explicit_bzero(&cred, sizeof cred);
    ld_central_close(c);
    return rc;
}

/* `device disable|enable NAME --central URL`. */
static int device_switch(int argc, char **argv, enum ld_central_device_action action)
{
    struct opts o = {0};
    int rc = LD_EXIT_OK;
    char msg[1024];
    if (argc < 1 || argv[0][0] == '-' || !parse_opts(argc - 1, argv + 1, &o, false, false) ||
        !o.central)
        return device_usage();
    struct ld_central *c = open_admin(o.central, o.passfile, &rc);
    if (!c)
        return rc;
    ld_err err = ld_central_device_set(c, argv[0], action, NULL, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
    } else if (action == LD_CENTRAL_DEVICE_DISABLE) {
        printf("device %s disabled: its next sync is refused and any open session was ended. "
               "To bring it back: latedoor device enable %s, and device rotate %s if its "
               "password may have been seen\n",
               argv[0], argv[0], argv[0]);
    } else {
        printf("device %s enabled\n", argv[0]);
    }
    ld_central_close(c);
    return rc;
}

int ld_cmd_device(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "add"))
        return device_add(argc - 2, argv + 2, false);
    if (argc >= 2 && !strcmp(argv[1], "rotate"))
        return device_add(argc - 2, argv + 2, true);
    if (argc >= 2 && !strcmp(argv[1], "disable"))
        return device_switch(argc - 2, argv + 2, LD_CENTRAL_DEVICE_DISABLE);
    if (argc >= 2 && !strcmp(argv[1], "enable"))
        return device_switch(argc - 2, argv + 2, LD_CENTRAL_DEVICE_ENABLE);
    return device_usage();
}

int ld_cmd_central_roster_import(const struct ld_roster *roster, int argc, char **argv)
{
    struct opts o = {0};
    int rc = LD_EXIT_OK;
    char msg[1024], school[LD_CENTRAL_ID_MAX + 1];
    int64_t version = 0;
    bool changed = false;
    if (!parse_opts(argc, argv, &o, true, false) || !o.central) {
        fprintf(stderr, "usage: latedoor roster import FILE.csv --central URL [--school ID] "
                        "[--passfile FILE]\n");
        return LD_EXIT_USAGE;
    }
    struct ld_central *c = open_admin(o.central, o.passfile, &rc);
    if (!c)
        return rc;
    ld_err err = pick_school(c, o.school, school, msg, sizeof msg);
    if (!err)
        err = ld_central_put_roster(c, school, roster, &version, &changed, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = ld_cli_status(err);
    } else {
        printf("%s: school %s: %zu pupils, roster version %lld%s\n", ld_central_display_url(c),
               school, roster->count, (long long)version,
               changed ? "" : " (unchanged: the same roster was already there)");
    }
    ld_central_close(c);
    return rc;
}

int ld_cmd_roster_central(int argc, char **argv)
{
    return ld_cmd_roster_with(argc, argv, ld_cmd_central_roster_import);
}
