/* pn532_emu_main.c: `pn532-emu LINK`, the PN532 emulator driven by commands on standard input. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pn532_emu.h"

/*
 * For end-to-end tests and the demo: point libnfc at "pn532_uart:LINK" and write commands, one
 * per line. Each is answered "ok" (or "error: ...") on standard output, after "ready LINK".
 *   tap UID [READS]  a card taps: present until reported READS times (1)
 *   hold UID         a card held on the reader until "remove"
 *   desfire UID      hold a 7-byte DESFire (ISO14443-4, with an ATS)
 *   remove           take the card away
 *   unplug | plug    pull the reader out (the pty closes, LINK goes) and put it back
 *   silent | talk    stop answering as a dead chip, and answer again
 *   stats            counters: frames acks opens autopolls reports polling bad
 *   quit             (or end of input, SIGINT, SIGTERM)
 */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static bool parse_uid7(const char *hex, uint8_t uid[7])
{
    struct pn532_emu_card c;
    if (!pn532_emu_card_from_hex(hex, &c) || c.uid_len != 7)
        return false;
    memcpy(uid, c.uid, 7);
    return true;
}

/* Runs one command line; returns false for quit. */
static bool run(struct pn532_emu *e, char *line)
{
    char *save = NULL;
    char *cmd = strtok_r(line, " \t\r\n", &save);
    char *arg = strtok_r(NULL, " \t\r\n", &save);
    char *arg2 = strtok_r(NULL, " \t\r\n", &save);
    struct pn532_emu_card card;

    if (!cmd)
        return true;
    if (strcmp(cmd, "quit") == 0)
        return false;
    if ((strcmp(cmd, "tap") == 0 || strcmp(cmd, "hold") == 0) && arg) {
        if (!pn532_emu_card_from_hex(arg, &card)) {
            printf("error: not a 4, 7 or 10-byte UID in hex: %s\n", arg);
        } else if (cmd[0] == 't') {
            long reads = arg2 ? strtol(arg2, NULL, 10) : 1;
            pn532_emu_tap(e, &card, reads > 0 && reads < 1000 ? (unsigned)reads : 1);
            printf("ok\n");
        } else {
            pn532_emu_present(e, &card);
            printf("ok\n");
        }
    } else if (strcmp(cmd, "desfire") == 0 && arg) {
        uint8_t uid[7];
        if (!parse_uid7(arg, uid)) {
            printf("error: not a 7-byte UID in hex: %s\n", arg);
        } else {
            pn532_emu_card_desfire(uid, &card);
            pn532_emu_present(e, &card);
            printf("ok\n");
        }
    } else if (strcmp(cmd, "remove") == 0) {
        pn532_emu_remove(e);
        printf("ok\n");
    } else if (strcmp(cmd, "unplug") == 0) {
        pn532_emu_unplug(e);
        printf("ok\n");
    } else if (strcmp(cmd, "plug") == 0) {
        int err = pn532_emu_plug(e);
        if (err)
            printf("error: plug: %s\n", strerror(-err));
        else
            printf("ok\n");
    } else if (strcmp(cmd, "silent") == 0 || strcmp(cmd, "talk") == 0) {
        pn532_emu_set_silent(e, cmd[0] == 's');
        printf("ok\n");
    } else if (strcmp(cmd, "stats") == 0) {
        printf("frames %u acks %u opens %u autopolls %u reports %u polling %u bad %u\n",
               pn532_emu_count(e, PN532_EMU_FRAMES), pn532_emu_count(e, PN532_EMU_ACKS),
               pn532_emu_count(e, PN532_EMU_OPENS), pn532_emu_count(e, PN532_EMU_AUTOPOLLS),
               pn532_emu_count(e, PN532_EMU_REPORTS), pn532_emu_count(e, PN532_EMU_POLLING),
               pn532_emu_count(e, PN532_EMU_BAD));
    } else {
        printf("error: unknown command: %s\n", cmd);
    }
    fflush(stdout);
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 2 || strchr(argv[1], ':')) {
        fprintf(stderr, "usage: pn532-emu LINK   (LINK: where to put the pty's symlink; no ':')\n");
        return 2;
    }
    /* No SA_RESTART: a signal ends the blocking read of standard input. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct pn532_emu *e = NULL;
    int err = pn532_emu_start(argv[1], &e);
    if (err) {
        fprintf(stderr, "pn532-emu: %s: %s\n", argv[1], strerror(-err));
        return 1;
    }
    printf("ready %s\n", argv[1]);
    fflush(stdout);

    char line[256];
    while (!stop_signal && fgets(line, sizeof line, stdin)) {
        if (!run(e, line))
            break;
    }
    pn532_emu_stop(e);
    return 0;
}
