/* ld_codes.c: the code table. */
#include "ld_codes.h"

#include <string.h>

static const struct {
    const char *text;
    enum ld_code_category cat;
} table[LD_CODE__COUNT] = {
    [LD_CODE_NONE] = {"", LD_CAT_NONE},
    [LD_CODE_PRESENT_AM] = {"/", LD_CAT_PRESENT},
    [LD_CODE_PRESENT_PM] = {"\\", LD_CAT_PRESENT},
    [LD_CODE_L] = {"L", LD_CAT_PRESENT},
    [LD_CODE_K] = {"K", LD_CAT_APPROVED},
    [LD_CODE_V] = {"V", LD_CAT_APPROVED},
    [LD_CODE_P] = {"P", LD_CAT_APPROVED},
    [LD_CODE_W] = {"W", LD_CAT_APPROVED},
    [LD_CODE_B] = {"B", LD_CAT_APPROVED},
    [LD_CODE_C] = {"C", LD_CAT_AUTHORISED},
    [LD_CODE_C1] = {"C1", LD_CAT_AUTHORISED},
    [LD_CODE_C2] = {"C2", LD_CAT_AUTHORISED},
    [LD_CODE_E] = {"E", LD_CAT_AUTHORISED},
    [LD_CODE_I] = {"I", LD_CAT_AUTHORISED},
    [LD_CODE_M] = {"M", LD_CAT_AUTHORISED},
    [LD_CODE_J1] = {"J1", LD_CAT_AUTHORISED},
    [LD_CODE_R] = {"R", LD_CAT_AUTHORISED},
    [LD_CODE_S] = {"S", LD_CAT_AUTHORISED},
    [LD_CODE_T] = {"T", LD_CAT_AUTHORISED},
    [LD_CODE_Q] = {"Q", LD_CAT_AUTHORISED},
    [LD_CODE_G] = {"G", LD_CAT_UNAUTHORISED},
    [LD_CODE_N] = {"N", LD_CAT_UNAUTHORISED},
    [LD_CODE_O] = {"O", LD_CAT_UNAUTHORISED},
    [LD_CODE_U] = {"U", LD_CAT_UNAUTHORISED},
    [LD_CODE_D] = {"D", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_X] = {"X", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y1] = {"Y1", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y2] = {"Y2", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y3] = {"Y3", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y4] = {"Y4", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y5] = {"Y5", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y6] = {"Y6", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Y7] = {"Y7", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_Z] = {"Z", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_HASH] = {"#", LD_CAT_NOT_POSSIBLE},
    [LD_CODE_UNKNOWN] = {"-", LD_CAT_NONE},
};

bool ld_code_parse(const char *s, enum ld_code *out)
{
    if (!s || !*s)
        return false;
    for (int c = LD_CODE_NONE + 1; c < LD_CODE_UNKNOWN; c++) {
        if (!strcmp(s, table[c].text)) {
            *out = (enum ld_code)c;
            return true;
        }
    }
    return false;
}

const char *ld_code_str(enum ld_code code)
{
    return (unsigned)code < LD_CODE__COUNT ? table[code].text : "";
}

enum ld_code_category ld_code_category(enum ld_code code)
{
    return (unsigned)code < LD_CODE__COUNT ? table[code].cat : LD_CAT_NONE;
}

bool ld_code_is_possible(enum ld_code code)
{
    enum ld_code_category c = ld_code_category(code);
    return c != LD_CAT_NONE && c != LD_CAT_NOT_POSSIBLE;
}

bool ld_code_is_attended(enum ld_code code)
{
    enum ld_code_category c = ld_code_category(code);
    return c == LD_CAT_PRESENT || c == LD_CAT_APPROVED;
}

bool ld_code_is_late(enum ld_code code)
{
    return code == LD_CODE_L || code == LD_CODE_U;
}
