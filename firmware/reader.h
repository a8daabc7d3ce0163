/* reader.h: card readers (libnfc, keyboard wedge, simulator) and the thread that runs one. */
#ifndef LD_READER_H
#define LD_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_err.h"
#include "uid.h"

/*
 * Reading in this file's order:
 *   1. struct ld_reader_ops: what a driver does (open, read, close, interrupt, destroy);
 *   2. struct ld_reader: one driver instance, made by ld_reader_nfc_create,
 *      ld_reader_wedge_create or ld_reader_sim_create (or ld_reader_create for your own ops);
 *   3. struct ld_reader_thread: the supervisor. It owns one reader, runs it in its own pthread,
 *      reopens it with back-off when it vanishes, debounces cards (debounce.h) and reports
 *      cards and state changes through callbacks.
 * The keyboard-wedge decoder in the middle is pure and usable on its own.
 */

/* Bytes of every detail message a reader hands out, terminator included. */
#define LD_READER_MSG_MAX 160

/* ---------------------------------------------------------------------------------------- */
/* Drivers                                                                                  */
/* ---------------------------------------------------------------------------------------- */

/*
 * What a driver does. impl is the driver's own state. Every function but interrupt is called
 * from one thread at a time (the supervisor's); interrupt may be called from any thread at any
 * time, including while open or read is blocked in that other thread.
 */
struct ld_reader_ops {
    const char *name; /* "nfc", "wedge", "sim": for messages */
    /*
     * Opens the device. Returns LD_OK, LD_ERR_NOT_FOUND or LD_ERR_IO when the device is absent
     * or not answering (the supervisor tries again with back-off), LD_ERR_STATE once
     * interrupted, or another error for a configuration that can never work.
     */
    ld_err (*open)(void *impl, char *msg, size_t msglen);
    /*
     * Blocks until a card is read and returns LD_OK with *uid filled (1 to LD_UID_MAX bytes).
     * Returns LD_ERR_INVALID or LD_ERR_RANGE for bad input that was skipped (the device stays
     * open: call read again), LD_ERR_STATE once interrupted, and LD_ERR_IO (or any other
     * error) when the device is lost: the caller then closes it and opens it again.
     */
    ld_err (*read)(void *impl, struct ld_uid *uid, char *msg, size_t msglen);
    /* Closes the device if it is open; safe to call when it is not. */
    void (*close)(void *impl);
    /*
     * Makes a blocked open or read return LD_ERR_STATE soon (well within a second), and every
     * later one at once. Sticky: an interrupted driver is spent and can only be destroyed.
     */
    void (*interrupt)(void *impl);
    /* Closes the device if open and frees impl. */
    void (*destroy)(void *impl);
};

/* One driver instance: an ops table and its state. Opaque. */
struct ld_reader;

/*
 * Wraps a driver's ops and impl into a reader in *out. On LD_OK the reader owns impl (it is
 * passed to ops->destroy by ld_reader_destroy); on error (LD_ERR_INVALID for a NULL or
 * incomplete ops table, LD_ERR_NOMEM) impl is left to the caller. ops must outlive the reader.
 */
ld_err ld_reader_create(const struct ld_reader_ops *ops, void *impl,
                        struct ld_reader **out) LD_MUST_CHECK;

/* Destroys the reader and its driver, closing the device if open. No-op for NULL. */
void ld_reader_destroy(struct ld_reader *reader);

/* Returns the driver's name ("nfc"); never NULL. */
const char *ld_reader_name(const struct ld_reader *reader);

/* Calls the driver's open; see struct ld_reader_ops. */
ld_err ld_reader_open(struct ld_reader *reader, char *msg, size_t msglen) LD_MUST_CHECK;

/* Calls the driver's read; see struct ld_reader_ops. */
ld_err ld_reader_read(struct ld_reader *reader, struct ld_uid *uid, char *msg,
                      size_t msglen) LD_MUST_CHECK;

/* Calls the driver's close; see struct ld_reader_ops. */
void ld_reader_close(struct ld_reader *reader);

/* Calls the driver's interrupt from any thread; see struct ld_reader_ops. */
void ld_reader_interrupt(struct ld_reader *reader);

/* ---- libnfc (reader_nfc.c) ---- */

/* Defaults of struct ld_reader_nfc_config, chosen for a PN532 (see reader_nfc.c). */
#define LD_NFC_DEFAULT_POLL_NR     10   /* polls per InAutoPoll command */
#define LD_NFC_DEFAULT_PERIOD      2    /* 150 ms units between polls: one command ~3 s */
#define LD_NFC_DEFAULT_RESCAN_MS   250  /* RF field off after a card, before polling again */
#define LD_NFC_DEFAULT_WATCHDOG_MS 2000 /* grace after a poll's period before "not answering" */

/*
 * Settings of the libnfc driver. Zero in a numeric field selects its default. poll_nr 0xFF
 * polls forever within one command (the watchdog is then off: only an I/O error or an
 * interrupt ends the poll).
 */
struct ld_reader_nfc_config {
    const char *connstring; /* "pn532_uart:/dev/ttyS0", "pn532_i2c:/dev/i2c-1", "acr122_usb",
                               ...; NULL or "" lets libnfc choose (LIBNFC_DEFAULT_DEVICE,
                               libnfc.conf, then a scan). Copied; at most 1023 bytes. */
    uint8_t poll_nr;
    uint8_t period;
    int rescan_ms;
    int watchdog_ms;
};

/*
 * Creates a libnfc reader polling ISO14443A at 106 kbps (4-, 7- and 10-byte UIDs) into *out.
 * Nothing is opened yet. Returns LD_ERR_INVALID for a connstring that is too long or negative
 * times, LD_ERR_NOMEM, or LD_ERR_IO when libnfc or a thread cannot start; *out is then NULL.
 */
ld_err ld_reader_nfc_create(const struct ld_reader_nfc_config *cfg, struct ld_reader **out,
                            char *msg, size_t msglen) LD_MUST_CHECK;

/* ---- keyboard-wedge decoder (reader_wedge.c, pure) ---- */

/*
 * A keyboard-wedge reader types a card number and Enter in a burst: keys a few milliseconds
 * apart. A person types slower, and a person's keys are ignored. The decoder is fed one key at
 * a time with its time in milliseconds; keys other than hex digits and Enter arrive as any
 * other character (the evdev driver uses '?').
 *
 * A burst is accepted when it is at least min_digits digits, every gap between its keys
 * (Enter included) is at most max_gap_ms, and it ends with Enter ('\n' or '\r'). A gap longer
 * than max_gap_ms starts a new burst at the key after it. A burst of reader speed that holds a
 * non-digit, more than LD_WEDGE_MAX_CHARS characters, or a number that cannot be a UID is
 * reported as bad; anything slower, or shorter than min_digits, as typing.
 *
 * Card numbers become UIDs as follows (ld_wedge_number_to_uid):
 *   LD_WEDGE_HEX      an even count of hex digits, read as bytes left to right ("04A1B2C3").
 *   LD_WEDGE_DECIMAL  a decimal number of at most 25 digits, written big-endian in the
 *                     smallest ISO 14443 UID length it fits: 4, 7 or 10 bytes
 *                     ("0012345678" = 12345678 = 0x00BC614E -> UID 00BC614E).
 *   LD_WEDGE_AUTO     hex when the number holds a letter A-F or does not have exactly 10
 *                     digits; exactly 10 decimal digits are the common "10-digit card number"
 *                     and read as LD_WEDGE_DECIMAL.
 * The same number always gives the same UID, so a card enrolled and tapped through the same
 * kind of reader matches. It matches the UID an NFC reader sees only when the wedge types the
 * UID's bytes in order (some types them reversed: set such a reader to hex output).
 */
#define LD_WEDGE_MAX_CHARS          25 /* longest burst accepted: 25 decimal digits = 10 bytes */
#define LD_WEDGE_DEFAULT_MIN        6
#define LD_WEDGE_DEFAULT_MAX_GAP_MS 30

enum ld_wedge_format {
    LD_WEDGE_AUTO = 0,
    LD_WEDGE_HEX,
    LD_WEDGE_DECIMAL,
};

/* Decoder settings; zero in a numeric field selects its default. */
struct ld_wedge_config {
    int min_digits; /* LD_WEDGE_DEFAULT_MIN; at most LD_WEDGE_MAX_CHARS */
    int max_gap_ms; /* LD_WEDGE_DEFAULT_MAX_GAP_MS */
    enum ld_wedge_format format;
    /* The reader types the UID's bytes last first (many type a 4-byte UID little-endian as 10
     * decimal digits): the bytes read are reversed back into the card's order. */
    bool reversed;
};

/* What one key did. */
enum ld_wedge_result {
    LD_WEDGE_MORE = 0, /* the key was taken in; keep feeding */
    LD_WEDGE_CARD,     /* Enter ended a good burst: *uid is filled */
    LD_WEDGE_TYPING,   /* Enter ended keys typed by a person (slow or short): ignored */
    LD_WEDGE_BAD,      /* Enter ended a reader-speed burst that is no card number: see msg */
};

/* A decoder's state. Plain data: embed it; its fields are private to reader_wedge.c. */
struct ld_wedge_decoder {
    struct ld_wedge_config cfg;
    char buf[LD_WEDGE_MAX_CHARS];
    size_t len;      /* characters in buf */
    bool overflow;   /* more than LD_WEDGE_MAX_CHARS characters in this burst */
    bool bad_char;   /* a key other than a hex digit in this burst */
    bool started;    /* a key has been seen since the last Enter */
    int64_t last_ms; /* time of the last key */
};

/* Resets d with cfg (NULL: all defaults); out-of-range values are clamped to their limits. */
void ld_wedge_decoder_init(struct ld_wedge_decoder *d, const struct ld_wedge_config *cfg);

/*
 * Feeds one key c typed at time ms (milliseconds on any clock that does not jump) and returns
 * what it did. *uid is written only for LD_WEDGE_CARD; msg only for LD_WEDGE_BAD and
 * LD_WEDGE_TYPING. Memory is bounded: a longer burst is cut at LD_WEDGE_MAX_CHARS.
 */
enum ld_wedge_result ld_wedge_decoder_feed(struct ld_wedge_decoder *d, char c, int64_t ms,
                                           struct ld_uid *uid, char *msg, size_t msglen);

/*
 * Converts a card number (digits only, no separators; as a wedge reader types it) into *uid
 * with the rules above. Returns LD_OK, or LD_ERR_INVALID with msg saying why; *uid is then
 * untouched. Also suits a number printed on a card and entered by staff.
 */
ld_err ld_wedge_number_to_uid(const char *digits, enum ld_wedge_format format, struct ld_uid *uid,
                              char *msg, size_t msglen) LD_MUST_CHECK;

/* ---- keyboard-wedge driver over Linux evdev (reader_wedge.c) ---- */

/*
 * Where the key events come from: an input device path (/dev/input/by-id/...-event-kbd is
 * stable across replugging), opened on each open and grabbed with EVIOCGRAB so the keys do not
 * reach the rest of the system; or an already open descriptor (fd >= 0, then path is ignored),
 * which stays the caller's: it is never closed and, once it reaches end of file, open reports
 * the reader missing. Either carries struct input_event records (EV_KEY presses are decoded;
 * the rest is skipped).
 */
struct ld_reader_wedge_config {
    const char *path; /* copied; at most 1023 bytes */
    int fd;           /* -1 to use path */
    struct ld_wedge_config decoder;
};

/* Creates a keyboard-wedge reader into *out. LD_ERR_INVALID without a path or fd; LD_ERR_NOMEM. */
ld_err ld_reader_wedge_create(const struct ld_reader_wedge_config *cfg, struct ld_reader **out,
                              char *msg, size_t msglen) LD_MUST_CHECK;

/* ---- simulator (reader_sim.c) ---- */

/* The longest line the simulator takes, without its newline; longer lines are skipped. */
#define LD_SIM_LINE_MAX 64
/* Clients the socket simulator serves at once; more are turned away. */
#define LD_SIM_MAX_CLIENTS 4

enum ld_sim_kind {
    LD_SIM_AUTO = 0, /* a FIFO if path is one, else a Unix-domain socket */
    LD_SIM_FIFO,     /* a FIFO at path, made (mode 0600) when missing */
    LD_SIM_SOCKET,   /* a listening stream socket at path (mode 0600; a stale one is replaced) */
};

/*
 * Creates a simulated reader into *out. It reads card UIDs in hex, one per line
 * ("04A1B2C3\n"; see ld_uid_parse), from a FIFO or from clients of a Unix-domain socket at
 * path. Blank lines are skipped; a bad or over-long line is reported by read as
 * LD_ERR_INVALID. Returns LD_ERR_INVALID for a missing or over-long path (at most 107 bytes,
 * the limit of a socket address); LD_ERR_NOMEM.
 */
ld_err ld_reader_sim_create(const char *path, enum ld_sim_kind kind, struct ld_reader **out,
                            char *msg, size_t msglen) LD_MUST_CHECK;

/* ---------------------------------------------------------------------------------------- */
/* The supervisor (reader_thread.c)                                                          */
/* ---------------------------------------------------------------------------------------- */

enum ld_reader_state {
    LD_READER_STOPPED = 0,  /* the thread is not running */
    LD_READER_RECONNECTING, /* not open; an attempt to open it is under way */
    LD_READER_MISSING,      /* not open; the last attempt failed or the reader was lost, and
                               the next attempt waits for its back-off */
    LD_READER_OK,           /* open and reading */
};

/* Returns "stopped", "reconnecting", "missing" or "ok" ("unknown" otherwise); never NULL. */
const char *ld_reader_state_name(enum ld_reader_state state);

/*
 * Callbacks run on the reader's thread, one at a time, never under a lock of the reader's: they
 * should be quick (post an SDL event, signal a condition) and must not destroy the thread.
 */
struct ld_reader_thread_config {
    /* A card accepted by the debounce, with the CLOCK_BOOTTIME milliseconds it was read at
     * (the mono_ms of clock.h). Required. */
    void (*on_card)(void *ctx, const struct ld_uid *uid, int64_t mono_ms);
    /* The state changed; detail says why ("pn532_uart:/dev/ttyS0: cannot open"). Optional. */
    void (*on_state)(void *ctx, enum ld_reader_state state, const char *detail);
    /* The driver skipped bad input (a bad simulator line, a garbled burst). Optional. */
    void (*on_error)(void *ctx, ld_err err, const char *detail);
    void *ctx;
    int64_t debounce_ms; /* the same card within this window is one event; 0: no debounce */
    int backoff_min_ms;  /* first wait before reopening a lost reader */
    int backoff_max_ms;  /* the wait doubles up to this */
};

#define LD_READER_BACKOFF_MIN_MS 250
#define LD_READER_BACKOFF_MAX_MS 8000

/* Fills cfg with no callbacks, a 5 s debounce (LD_DEBOUNCE_DEFAULT_MS) and a back-off of
 * 250 ms doubling to 8 s. */
void ld_reader_thread_config_default(struct ld_reader_thread_config *cfg);

/* A running supervisor. Opaque. */
struct ld_reader_thread;

/*
 * Starts a thread that opens reader, reads cards from it and reports them through cfg (copied),
 * into *out. The thread reopens a lost reader by itself, waiting backoff_min_ms after a loss and
 * doubling the wait after each failed attempt up to backoff_max_ms. On LD_OK the thread owns
 * reader; on error (LD_ERR_INVALID for a missing on_card, a negative time or min > max;
 * LD_ERR_NOMEM; LD_ERR_IO when the thread cannot start) reader stays the caller's.
 */
ld_err ld_reader_thread_create(struct ld_reader *reader, const struct ld_reader_thread_config *cfg,
                               struct ld_reader_thread **out, char *msg,
                               size_t msglen) LD_MUST_CHECK;

/*
 * Returns the reader's current state and, when detail is not NULL, copies the reason for it
 * into detail (truncated to detaillen). Safe from any thread.
 */
enum ld_reader_state ld_reader_thread_state(struct ld_reader_thread *t, char *detail,
                                            size_t detaillen);

/*
 * Stops the thread, joins it and destroys it with its reader. A blocked read is interrupted
 * (for libnfc with nfc_abort_command), so this returns well within a second; the few libnfc
 * calls that cannot be interrupted are listed in reader_nfc.c (at worst about 1.5 s). on_state
 * may run one last time, with LD_READER_STOPPED, before this returns. No-op for NULL.
 */
void ld_reader_thread_destroy(struct ld_reader_thread *t);

#endif
