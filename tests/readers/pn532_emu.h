/* pn532_emu.h: a PN532 on a pseudo-terminal, answering libnfc's pn532_uart driver, for tests. */
#ifndef PN532_EMU_H
#define PN532_EMU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The emulator plays the chip's side of /work/shared/pn532-uart.md on the master of a pty, in a
 * thread of its own, and keeps the slave open in raw mode. libnfc reaches it through a symlink
 * to the slave (the path must not hold ':'): "pn532_uart:<link>". It answers the open and close
 * sequences, registers, RF configuration, SetParameters, InListPassiveTarget and InAutoPoll;
 * a host ACK aborts a pending poll without an answer.
 *
 * Timing: InAutoPoll with no card present is answered `61 00` only when its polling period
 * ends, PollNr x types x Period x 150 ms after it came (never for PollNr 0xFF), as a real chip
 * would; a card present (or presented while the poll waits) is answered at once.
 */

#define PN532_EMU_UID_MAX 10
#define PN532_EMU_ATS_MAX 20

/* A card in the field. */
struct pn532_emu_card {
    uint8_t uid_len; /* 4, 7 or 10 */
    uint8_t uid[PN532_EMU_UID_MAX];
    uint8_t atqa[2]; /* as the chip sends it: 00 04 for a MIFARE Classic 1K */
    uint8_t sak;
    uint8_t ats_len; /* 0: no ISO14443-4; else the ATS with its length byte first */
    uint8_t ats[PN532_EMU_ATS_MAX];
};

/* Counters, for tests to wait on. */
enum pn532_emu_counter {
    PN532_EMU_FRAMES,    /* command frames received (ACKs not counted) */
    PN532_EMU_ACKS,      /* ACK frames from the host: aborts */
    PN532_EMU_OPENS,     /* SAMConfiguration commands: one per nfc_open */
    PN532_EMU_AUTOPOLLS, /* InAutoPoll commands */
    PN532_EMU_REPORTS,   /* times a card was reported to the host */
    PN532_EMU_POLLING,   /* 1 while an InAutoPoll waits for its answer, else 0 */
    PN532_EMU_BAD,       /* frames with bad checksums or unknown commands */
    PN532_EMU_COUNTERS
};

struct pn532_emu;

/*
 * Fills *card from hex ("04A1B2C3", 4, 7 or 10 bytes) with a typical ATQA and SAK for its
 * length (MIFARE Classic 1K, Ultralight, a triple-size UID) and no ATS. Returns false on bad hex.
 */
bool pn532_emu_card_from_hex(const char *hex, struct pn532_emu_card *card);

/* Makes *card a DESFire EV1 with the 7-byte uid (ATQA 03 44, SAK 20, an ATS). */
void pn532_emu_card_desfire(const uint8_t uid[7], struct pn532_emu_card *card);

/*
 * Creates the pty, the symlink link_path to its slave (replacing a symlink already there) and
 * the emulator thread, into *out. Returns 0, or -errno with nothing left behind.
 */
int pn532_emu_start(const char *link_path, struct pn532_emu **out);

/* Stops the thread, closes the pty and removes the symlink. No-op for NULL. */
void pn532_emu_stop(struct pn532_emu *e);

/* Puts card in the field until pn532_emu_remove (held on the reader). */
void pn532_emu_present(struct pn532_emu *e, const struct pn532_emu_card *card);

/* Puts card in the field until it has been reported reads times (at least 1): a tap. */
void pn532_emu_tap(struct pn532_emu *e, const struct pn532_emu_card *card, unsigned reads);

/* Takes the card out of the field. */
void pn532_emu_remove(struct pn532_emu *e);

/*
 * Silent: the chip stops answering, as one that has lost power. A command already acknowledged
 * is never answered; when none is, the next command is still acknowledged (the chip died after
 * its ACK), and nothing after it. Not silent: answers again from the next command.
 */
void pn532_emu_set_silent(struct pn532_emu *e, bool silent);

/* Unplugs: closes the pty (the host's reads fail with EIO) and removes the symlink. */
void pn532_emu_unplug(struct pn532_emu *e);

/* Plugs in again: a new pty behind the same symlink. Returns 0 or -errno. No-op when plugged. */
int pn532_emu_plug(struct pn532_emu *e);

/* Returns a counter's current value. */
unsigned pn532_emu_count(struct pn532_emu *e, enum pn532_emu_counter which);

/* Waits until counter which reaches at_least, for at most timeout_ms; returns whether it did. */
bool pn532_emu_wait(struct pn532_emu *e, enum pn532_emu_counter which, unsigned at_least,
                    int timeout_ms);

#endif
