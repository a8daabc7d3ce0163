/* upn.h: the DfE Unique Pupil Number: its format and its check letter. */
#ifndef LD_UPN_H
#define LD_UPN_H

#include <stdbool.h>

/* The 23 check letters in order of value: I, O and S are never used. */
#define LD_UPN_LETTERS "ABCDEFGHJKLMNPQRTUVWXYZ"

enum ld_upn_status {
    LD_UPN_OK,        /* well formed, and the check letter is right */
    LD_UPN_MALFORMED, /* not 13 characters of the form below */
    LD_UPN_BAD_CHECK, /* well formed, but the first letter is not the check letter */
};

/*
 * Checks the NUL-terminated string s as a UPN: a letter A-Z followed by 12 digits (permanent),
 * or by 11 digits and a letter of LD_UPN_LETTERS (temporary). Upper case only. When the form is
 * right, writes the expected check letter to *expected (when not NULL): the characters 2 to 13
 * weighted 2 to 13 (a temporary UPN's last letter counting as its place in LD_UPN_LETTERS),
 * summed, modulo 23, as a letter of LD_UPN_LETTERS.
 */
enum ld_upn_status ld_upn_check(const char *s, char *expected);

#endif
