/* cmd_staff.c: `latedoor staff add|list`: who may open the kiosk's staff mode, by PIN or card. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli_device.h"
#include "commands.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: latedoor staff add ID --name NAME [--card UID] [--admin] [--pin-stdin]\n"
            "                          [--config FILE]\n"
            "       latedoor staff list [--config FILE]\n"
            "  --pin-stdin  read the PIN (4 to 8 digits) from the first line of standard input;\n"
            "               it is stored only as an Argon2id hash (libsodium)\n");
    return LD_EXIT_USAGE;
}

/* Reads the PIN from stdin into pin (9 bytes); false with a message when it is not 4-8 digits. */
static bool read_pin(char pin[9])
{
    char line[64];
    if (!fgets(line, sizeof line, stdin)) {
        fprintf(stderr, "staff: --pin-stdin: no PIN on standard input\n");
        return false;
    }
    line[strcspn(line, "\r\n")] = '\0';
    size_t n = strlen(line);
    bool ok = n >= 4 && n <= 8 && strspn(line, "0123456789") == n;
    if (ok)
        memcpy(pin, line, n + 1);
    else
        fprintf(stderr, "staff: --pin-stdin: a PIN is 4 to 8 digits\n");
    sodium_memzero(line, sizeof line);
    return ok;
}

static int add(int argc, char **argv, const char *config)
{
    struct ld_staff s = {.role = LD_ROLE_STAFF, .active = true};
    bool pin_stdin = false, named = false;
    if (argc < 3 || strlen(argv[2]) > LD_STAFF_ID_MAX)
        return usage();
    snprintf(s.id, sizeof s.id, "%s", argv[2]);
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            if (strlen(argv[++i]) > LD_NAME_MAX) {
                fprintf(stderr, "staff: --name: longer than %d bytes\n", LD_NAME_MAX);
                return LD_EXIT_USAGE;
            }
            snprintf(s.name, sizeof s.name, "%s", argv[i]);
            named = true;
        } else if (strcmp(argv[i], "--card") == 0 && i + 1 < argc) {
            struct ld_uid uid;
            if (!ld_uid_parse(argv[++i], &uid)) {
                fprintf(stderr, "staff: --card: not a card UID in hex: %s\n", argv[i]);
                return LD_EXIT_USAGE;
            }
            ld_uid_format(&uid, s.card);
        } else if (strcmp(argv[i], "--admin") == 0) {
            s.role = LD_ROLE_ADMIN;
        } else if (strcmp(argv[i], "--pin-stdin") == 0) {
            pin_stdin = true;
        } else {
            return usage();
        }
    }
    if (!named)
        return usage();
    if (pin_stdin) {
        char pin[9];
        if (!read_pin(pin))
            return LD_EXIT_USAGE;
        int rc = sodium_init() < 0 ? -1
                                   : crypto_pwhash_str(s.pin_hash, pin, strlen(pin),
                                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                       crypto_pwhash_MEMLIMIT_INTERACTIVE);
        sodium_memzero(pin, sizeof pin);
        if (rc != 0) {
            fprintf(stderr, "staff: cannot hash the PIN (libsodium: out of memory?)\n");
            return LD_EXIT_FAIL;
        }
    }
    struct ld_device dev;
    struct ld_store *store = NULL;
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    char msg[512];
    ld_err err = ld_store_staff_put(store, &s, msg, sizeof msg);
    if (err)
        fprintf(stderr, "%s\n", msg);
    else
        printf("staff %s (%s): %s%s%s\n", s.id, s.name, s.pin_hash[0] ? "PIN set" : "no PIN",
               s.card[0] ? ", card " : "", s.card);
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}

static ld_err print_staff(void *ctx, const struct ld_staff *s)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", s->id, s->name, s->role == LD_ROLE_ADMIN ? "admin" : "staff",
           s->active ? "active" : "inactive", s->pin_hash[0] ? "pin" : "-",
           s->card[0] ? s->card : "-");
    return LD_OK;
}

int ld_cmd_staff(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    if (bad || argc < 2)
        return usage();
    if (strcmp(argv[1], "add") == 0)
        return add(argc, argv, config);
    if (strcmp(argv[1], "list") != 0 || argc != 2)
        return usage();
    struct ld_device dev;
    struct ld_store *store = NULL;
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    char msg[512];
    ld_err err = ld_store_staff_foreach(store, print_staff, NULL, msg, sizeof msg);
    if (err)
        fprintf(stderr, "%s\n", msg);
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}
