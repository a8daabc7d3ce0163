/* uid.c: parsing and printing card UIDs. */
#include "uid.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Digits of the longest decimal card number: 25 digits hold any 80-bit (10-byte) value. */
#define DECIMAL_MAX 25

bool ld_uid_from_decimal(const char *digits, struct ld_uid *out)
{
    uint8_t be[LD_UID_MAX] = {0}; /* the number, big-endian */
    size_t n = digits ? strnlen(digits, DECIMAL_MAX + 1) : 0;
    if (n == 0 || n > DECIMAL_MAX)
        return false;
    for (size_t k = 0; k < n; k++) {
        if (digits[k] < '0' || digits[k] > '9')
            return false;
        unsigned carry = (unsigned)(digits[k] - '0');
        for (int i = LD_UID_MAX - 1; i >= 0; i--) {
            unsigned v = be[i] * 10u + carry;
            be[i] = (uint8_t)(v & 0xff);
            carry = v >> 8;
        }
        if (carry)
            return false;
    }
    size_t lead = 0;
    while (lead < LD_UID_MAX && be[lead] == 0)
        lead++;
    size_t need = LD_UID_MAX - lead;
    struct ld_uid u = {.len = need <= 4 ? 4 : need <= 7 ? 7 : 10};
    memcpy(u.bytes, be + LD_UID_MAX - u.len, u.len);
    *out = u;
    return true;
}

bool ld_uid_parse(const char *hex, struct ld_uid *out)
{
    struct ld_uid u = {0};
    const char *p = hex;
    if (!p)
        return false;
    while (*p) {
        if (u.len > 0 && (*p == ':' || *p == '-'))
            p++;
        int hi = hexval(p[0]);
        int lo = hi < 0 ? -1 : hexval(p[1]);
        if (lo < 0 || u.len == LD_UID_MAX)
            return false;
        u.bytes[u.len++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    if (u.len == 0)
        return false;
    *out = u;
    return true;
}

void ld_uid_format(const struct ld_uid *uid, char buf[LD_UID_HEXLEN])
{
    static const char digits[] = "0123456789ABCDEF";
    size_t n = uid->len <= LD_UID_MAX ? uid->len : LD_UID_MAX;
    for (size_t i = 0; i < n; i++) {
        buf[2 * i] = digits[uid->bytes[i] >> 4];
        buf[2 * i + 1] = digits[uid->bytes[i] & 15];
    }
    buf[2 * n] = '\0';
}

bool ld_uid_equal(const struct ld_uid *a, const struct ld_uid *b)
{
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}
