/* names.c: first name and initial, accent folding for search, and cutting UTF-8 safely. */
#include "names.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/*
 * Decodes one character at s (n bytes available). Bytes that are not well-formed UTF-8 decode
 * as U+FFFD one byte at a time, so a bad name can never make us read past its end.
 */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0) {
        *cp = 0;
        return 0;
    }
    unsigned char c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static size_t encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool is_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF);
}

/* Upper-cases the Latin letters our rosters hold; anything else is returned unchanged. */
static uint32_t to_upper(uint32_t cp)
{
    if (cp >= 'a' && cp <= 'z')
        return cp - 32;
    if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
        return cp - 0x20;
    if (cp == 0xFF)
        return 0x178;
    /* Latin Extended-A pairs an upper-case letter with the lower-case one after it, with the
     * pairing shifted by one between U+0139 and U+0148 and again from U+0179. */
    if ((cp >= 0x100 && cp <= 0x137 && cp != 0x131) || (cp >= 0x14A && cp <= 0x177))
        return cp & ~1u;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1u) ? cp : cp - 1;
    if (cp == 0x1A1 || cp == 0x1B0) /* Vietnamese ơ, ư */
        return cp - 1;
    if (cp >= 0x1EA0 && cp <= 0x1EF9) /* Latin Extended Additional: Vietnamese */
        return cp & ~1u;
    return cp;
}

/* Base letters of U+00C0..U+00FF and U+0100..U+017F; '\0' for "not a letter to fold". */
static const char latin1_base[64] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
                                    "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";
static const char latin_ext_a_base[129] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Returns the lower-case ASCII base letter of cp, or 0 when it has none. */
static char fold_letter(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return (char)(cp + 32);
    if (cp >= 'a' && cp <= 'z')
        return (char)cp;
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1_base[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F)
        return latin_ext_a_base[cp - 0x100];
    if (cp == 0x1A0 || cp == 0x1A1)
        return 'o';
    if (cp == 0x1AF || cp == 0x1B0)
        return 'u';
    if (cp >= 0x1EA0 && cp <= 0x1EB7)
        return 'a';
    if (cp >= 0x1EB8 && cp <= 0x1EC7)
        return 'e';
    if (cp >= 0x1EC8 && cp <= 0x1ECB)
        return 'i';
    if (cp >= 0x1ECC && cp <= 0x1EE3)
        return 'o';
    if (cp >= 0x1EE4 && cp <= 0x1EF1)
        return 'u';
    if (cp >= 0x1EF2 && cp <= 0x1EF9)
        return 'y';
    return 0;
}

size_t kiosk_utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    size_t at = max;
    /* Step back over continuation bytes to the start of the character that does not fit. */
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
        at--;
    return at;
}

char *kiosk_hhmm(int hour, int minute, char out[6])
{
    unsigned h = (unsigned)(hour % 24 + 24) % 24, m = (unsigned)(minute % 60 + 60) % 60;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
    return out;
}

char *kiosk_copy(char *dst, size_t dstlen, const char *src)
{
    if (dstlen == 0)
        return dst;
    if (!src)
        src = "";
    size_t n = kiosk_utf8_cut(src, dstlen - 1);
    memmove(dst, src, n);
    dst[n] = '\0';
    return dst;
}

/* Returns s without leading ASCII spaces, and through *len its length without trailing ones. */
static const char *trim(const char *s, size_t *len)
{
    if (!s)
        s = "";
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    *len = n;
    return s;
}

/* Writes the surname's initial with its combining accents into out; returns its length. */
static size_t initial_of(const char *surname, char out[32])
{
    size_t n;
    const unsigned char *s = (const unsigned char *)trim(surname, &n);
    size_t i = 0;
    /* Skip what cannot be an initial: spaces, apostrophes, hyphens, full stops. */
    while (i < n && s[i] < 0x80 && !((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
        i++;
    if (i == n)
        return 0;
    uint32_t cp;
    i += decode(s + i, n - i, &cp);
    size_t len = encode(to_upper(cp), out);
    while (i < n) {
        uint32_t mark;
        size_t step = decode(s + i, n - i, &mark);
        if (!is_combining(mark) || len + step > 31)
            break;
        memcpy(out + len, s + i, step);
        len += step;
        i += step;
    }
    out[len] = '\0';
    return len;
}

char *kiosk_name_display(const char *first, const char *surname, char *out, size_t outlen)
{
    if (outlen == 0)
        return out;
    char initial[32];
    size_t ilen = initial_of(surname, initial);
    size_t flen;
    const char *f = trim(first, &flen);

    /* Room for the first name once " X." is reserved, cut at a character boundary. */
    size_t tail = ilen ? ilen + 2 : 0;
    if (tail + 1 > outlen)
        tail = 0;
    size_t room = outlen - 1 - tail;
    if (flen > room) {
        size_t at = room;
        while (at > 0 && ((unsigned char)f[at] & 0xC0) == 0x80)
            at--;
        flen = at;
    }
    memcpy(out, f, flen);
    size_t pos = flen;
    if (tail) {
        if (flen > 0)
            out[pos++] = ' ';
        memcpy(out + pos, initial, ilen);
        pos += ilen;
        out[pos++] = '.';
    }
    out[pos] = '\0';
    return out;
}

char *kiosk_name_fold(const char *s, char *out, size_t outlen)
{
    if (outlen == 0)
        return out;
    if (!s)
        s = "";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, pos = 0;
    while (i < n) {
        uint32_t cp;
        size_t step = decode(p + i, n - i, &cp);
        char base = fold_letter(cp);
        if (base) {
            if (pos + 1 >= outlen)
                break;
            out[pos++] = base;
        } else if (!is_combining(cp)) {
            if (pos + step >= outlen)
                break;
            memcpy(out + pos, p + i, step);
            pos += step;
        }
        i += step;
    }
    out[pos] = '\0';
    return out;
}

/* Returns the length of the UTF-8 character at s with the combining accents after it. */
static size_t letter_len(const char *s)
{
    size_t n = 1;
    while ((s[n] & 0xC0) == 0x80)
        n++;
    /* U+0300..U+036F, the combining diacritics, are 0xCC 0x80 .. 0xCD 0xAF. */
    while (((unsigned char)s[n] == 0xCC && (s[n + 1] & 0xC0) == 0x80) ||
           ((unsigned char)s[n] == 0xCD && (unsigned char)s[n + 1] <= 0xAF &&
            (s[n + 1] & 0xC0) == 0x80))
        n += 2;
    return n;
}

char *kiosk_name_initials(const char *display, char *out, size_t outlen)
{
    char buf[80]; /* a display name is at most 63 bytes (KIOSK_NAME_MAX): it all fits */
    const char *s = display ? display : "";
    while (*s == ' ')
        s++;
    buf[0] = '\0';
    if (*s) {
        size_t n = letter_len(s);
        const char *last = strrchr(s, ' ');
        snprintf(buf, sizeof buf, "%.*s.%s%s", (int)n, s, last ? " " : "", last ? last + 1 : "");
    }
    return kiosk_copy(out, outlen, buf);
}
