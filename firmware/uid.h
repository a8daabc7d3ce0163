/* uid.h: card UIDs (ISO 14443: 4, 7 or 10 bytes; keyboard-wedge readers: up to 10 bytes). */
#ifndef LD_UID_H
#define LD_UID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LD_UID_MAX 10
/* Upper-case hex of the longest UID plus the terminator. */
#define LD_UID_HEXLEN (2 * LD_UID_MAX + 1)

struct ld_uid {
    uint8_t len; /* 0 means "no card" */
    uint8_t bytes[LD_UID_MAX];
};

/*
 * Parses hex ("04A2B3C4", upper or lower case; ':' or '-' between bytes allowed) of 1 to
 * LD_UID_MAX bytes into *out. Returns false, leaving *out alone, on anything else.
 */
bool ld_uid_parse(const char *hex, struct ld_uid *out);

/*
 * Parses a card number written in decimal (1 to 25 digits, nothing else), as keyboard-wedge
 * readers type them and MIS exports list them ("Card Number" 0012345678), into *out: the
 * number is the UID read as one big-endian integer, given the smallest ISO 14443 length that
 * holds it (4, 7 or 10 bytes). The one canonical form: a card typed by a wedge reader and the
 * same card listed in a roster give the same UID. Returns false, leaving *out alone, for
 * anything else or a number over 80 bits.
 */
bool ld_uid_from_decimal(const char *digits, struct ld_uid *out);

/* Writes the UID as upper-case hex with no separators into buf (LD_UID_HEXLEN bytes). */
void ld_uid_format(const struct ld_uid *uid, char buf[LD_UID_HEXLEN]);

/* Returns true when a and b are the same UID. */
bool ld_uid_equal(const struct ld_uid *a, const struct ld_uid *b);

#endif
