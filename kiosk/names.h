/* names.h: display names for the public screen, and UTF-8 helpers for names and labels. */
#ifndef KIOSK_NAMES_H
#define KIOSK_NAMES_H

#include <stddef.h>

/*
 * Writes a pupil's public display name into out (outlen bytes, always terminated when outlen
 * is not 0): the preferred first name, a space, the surname's initial and a full stop
 * ("Łukasz W."). Leading and trailing spaces are dropped. The initial is the surname's first
 * letter, upper-cased for Latin letters, with any combining accents that follow it, after
 * skipping spaces and punctuation ("Ó Súilleabháin" gives "Ó", "'t Hart" gives "T"). A first
 * name too long for out is cut at a character boundary so the initial still fits; an empty
 * surname gives the first name alone. Either argument may be NULL. Returns out.
 */
char *kiosk_name_display(const char *first, const char *surname, char *out, size_t outlen);

/*
 * Writes the initials of a display name into out (outlen bytes, always terminated when outlen
 * is not 0): the first letter of the first name, with its accents, a full stop, and the
 * surname's initial as the display name has it ("Zoë A." gives "Z. A.", "Siobhán" alone "S.").
 * For lists staff read where others may look on. Returns out.
 */
char *kiosk_name_initials(const char *display, char *out, size_t outlen);

/*
 * Writes s folded for searching into out (outlen bytes, always terminated when outlen is not
 * 0): ASCII letters lower-cased, Latin letters with accents (Latin-1, Latin Extended-A and
 * the Vietnamese letters) reduced to their lower-case base letter, combining accents dropped,
 * everything else kept. "Zoë" and "ZOE" both fold to "zoe". Returns out.
 */
char *kiosk_name_fold(const char *s, char *out, size_t outlen);

/* Writes "HH:MM" for hour and minute (taken modulo 24 and 60) into out. Returns out. */
char *kiosk_hhmm(int hour, int minute, char out[6]);

/*
 * Copies src (NULL for "") into dst (dstlen bytes, always terminated when dstlen is not 0),
 * cut at a UTF-8 character boundary when it does not fit. Returns dst.
 */
char *kiosk_copy(char *dst, size_t dstlen, const char *src);

/*
 * Returns the length of the longest prefix of s, at most max bytes, that ends at a UTF-8
 * character boundary (a combining accent counts as its own character here).
 */
size_t kiosk_utf8_cut(const char *s, size_t max);

#endif
