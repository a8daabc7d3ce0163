/* ld_codes.h: the 2024 attendance codes and what each counts as. */
#ifndef LD_CODES_H
#define LD_CODES_H

#include <stdbool.h>

/* Every register code of the 2024 regulations. LD_CODE_NONE means "no mark". */
enum ld_code {
    LD_CODE_NONE = 0,
    /* present */
    LD_CODE_PRESENT_AM, /* "/" */
    LD_CODE_PRESENT_PM, /* "\" */
    LD_CODE_L,
    /* approved educational activity */
    LD_CODE_K,
    LD_CODE_V,
    LD_CODE_P,
    LD_CODE_W,
    LD_CODE_B,
    /* authorised absence */
    LD_CODE_C,
    LD_CODE_C1,
    LD_CODE_C2,
    LD_CODE_E,
    LD_CODE_I,
    LD_CODE_M,
    LD_CODE_J1,
    LD_CODE_R,
    LD_CODE_S,
    LD_CODE_T,
    LD_CODE_Q,
    /* unauthorised absence */
    LD_CODE_G,
    LD_CODE_N,
    LD_CODE_O,
    LD_CODE_U,
    /* not a possible session */
    LD_CODE_D,
    LD_CODE_X,
    LD_CODE_Y1,
    LD_CODE_Y2,
    LD_CODE_Y3,
    LD_CODE_Y4,
    LD_CODE_Y5,
    LD_CODE_Y6,
    LD_CODE_Y7,
    LD_CODE_Z,
    LD_CODE_HASH,
    /*
     * "-": not known (analyse contract, version 2): a session after the last day of known
     * registers, or still open, with no mark and no arrival. Never a register mark: it does not
     * parse, is not accepted as a mark, and is neither possible, attended nor late. Its
     * category is LD_CAT_NONE.
     */
    LD_CODE_UNKNOWN,
    LD_CODE__COUNT
};

enum ld_code_category {
    LD_CAT_NONE = 0,
    LD_CAT_PRESENT,
    LD_CAT_APPROVED,
    LD_CAT_AUTHORISED,
    LD_CAT_UNAUTHORISED,
    LD_CAT_NOT_POSSIBLE,
};

/*
 * Parses a register code exactly as written in the table ("L", "C1", "/", "\", "#") into *out.
 * "-" (LD_CODE_UNKNOWN) is not a register code and does not parse.
 */
bool ld_code_parse(const char *s, enum ld_code *out);

/* Returns the code as written ("C1", "-"); "" for LD_CODE_NONE or an out-of-range value. */
const char *ld_code_str(enum ld_code code);

/* Returns the category of code; LD_CAT_NONE for LD_CODE_NONE or an out-of-range value. */
enum ld_code_category ld_code_category(enum ld_code code);

/* True when the session counts as a possible session (every category but not-possible). */
bool ld_code_is_possible(enum ld_code code);

/* True when the session counts as attended (present or approved educational activity). */
bool ld_code_is_attended(enum ld_code code);

/* True for the late codes L and U, the ones that count in lateness figures. */
bool ld_code_is_late(enum ld_code code);

#endif
