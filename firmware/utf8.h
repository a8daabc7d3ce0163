/* utf8.h: strict UTF-8 validation and safe quoting of untrusted text for messages. */
#ifndef LD_UTF8_H
#define LD_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Returns true when the len bytes at s are well-formed UTF-8 (RFC 3629): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. NUL bytes count
 * as valid here; s may be NULL when len is 0.
 */
bool ld_utf8_valid(const char *s, size_t len);

/*
 * Returns true when the len bytes at s, which must be valid UTF-8, hold a character that has no
 * place in a name shown on a screen: C0 controls (tab and newline included), DEL, C1 controls,
 * the bidirectional and zero-width formatting marks (U+200B, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), the line and paragraph separators (U+2028, U+2029) and U+FEFF. The
 * zero-width non-joiner and joiner (U+200C, U+200D) are allowed: names are spelt with them.
 */
bool ld_utf8_has_control(const char *s, size_t len);

/*
 * Writes the len bytes at s into buf (buflen bytes, always NUL-terminated when buflen > 0) as a
 * double-quoted string fit for an error message: control characters, quotes, backslashes and
 * bytes that are not valid UTF-8 are escaped (\n, \", \\, \xNN), and text past max_bytes of
 * input is cut at a character boundary and marked with "...". Returns buf.
 */
char *ld_utf8_quote(char *buf, size_t buflen, const char *s, size_t len, size_t max_bytes);

#endif
