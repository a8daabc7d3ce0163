/* utf8.c: a small strict UTF-8 decoder, used to validate every name that comes from outside. */
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * Decodes one character at s (n > 0 bytes available). Returns its length and writes the code
 * point to *cp, or returns 0 when the bytes there are not well-formed UTF-8.
 */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1Fu;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0Fu;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07u;
        min = 0x10000;
    } else {
        return 0; /* a continuation byte, C0/C1 (always overlong) or F5..FF */
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

bool ld_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = decode(p + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/*
 * Controls and the invisible formatting characters that can hide or reorder text. Not the
 * zero-width non-joiner and joiner (U+200C, U+200D): they are part of how names are spelt in
 * Persian, Urdu, Hindi and other scripts.
 */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200B || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0xFEFF;
}

bool ld_utf8_has_control(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = decode(p + i, len - i, &cp);
        if (n == 0) {
            n = 1; /* the caller promised valid UTF-8; stay safe if it was not */
            cp = p[i];
        }
        if (is_control(cp))
            return true;
        i += n;
    }
    return false;
}

char *ld_utf8_quote(char *buf, size_t buflen, const char *s, size_t len, size_t max_bytes)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    if (buflen == 0)
        return buf;
    /* Room is kept for the closing quote, "..." and the terminator. */
    size_t room = buflen > 5 ? buflen - 5 : 0;
    buf[o++] = '"';
    while (i < len && o < room) {
        char esc[8];
        size_t elen = 0;
        uint32_t cp;
        size_t n = decode(p + i, len - i, &cp);
        if (i + (n ? n : 1) > max_bytes)
            break;
        if (n == 0) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\x%02X", p[i]);
            n = 1;
        } else if (cp == '\n') {
            memcpy(esc, "\\n", elen = 2);
        } else if (cp == '\r') {
            memcpy(esc, "\\r", elen = 2);
        } else if (cp == '\t') {
            memcpy(esc, "\\t", elen = 2);
        } else if (cp == '"' || cp == '\\') {
            esc[0] = '\\';
            esc[1] = (char)cp;
            elen = 2;
        } else if (cp < 0x20 || cp == 0x7F) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
        } else if (is_control(cp)) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
        } else {
            memcpy(esc, p + i, n);
            elen = n;
        }
        if (o + elen > room)
            break;
        memcpy(buf + o, esc, elen);
        o += elen;
        i += n;
    }
    if (i < len && o + 3 < buflen) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    if (o + 1 < buflen)
        buf[o++] = '"';
    buf[o < buflen ? o : buflen - 1] = '\0';
    return buf;
}
