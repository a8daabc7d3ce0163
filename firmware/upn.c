/* upn.c: UPN format and the DfE modulo-23 check letter. */
#include "upn.h"

#include <string.h>

enum ld_upn_status ld_upn_check(const char *s, char *expected)
{
    static const char letters[] = LD_UPN_LETTERS;
    if (!s || strlen(s) != 13 || s[0] < 'A' || s[0] > 'Z')
        return LD_UPN_MALFORMED;
    unsigned sum = 0;
    for (int i = 1; i < 13; i++) {
        unsigned v;
        if (s[i] >= '0' && s[i] <= '9') {
            v = (unsigned)(s[i] - '0');
        } else if (i == 12 && s[i] >= 'A' && s[i] <= 'Z' && strchr(letters, s[i])) {
            v = (unsigned)(strchr(letters, s[i]) - letters); /* a temporary UPN */
        } else {
            return LD_UPN_MALFORMED;
        }
        sum += v * (unsigned)(i + 1);
    }
    char want = letters[sum % 23];
    if (expected)
        *expected = want;
    return s[0] == want ? LD_UPN_OK : LD_UPN_BAD_CHECK;
}
