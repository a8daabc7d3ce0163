/* test_utf8_upn.c: the UTF-8 validator, message quoting and the UPN check letter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "upn.h"
#include "utf8.h"

static bool valid(const char *s)
{
    return ld_utf8_valid(s, strlen(s));
}

static void utf8_accepts_well_formed_text(void **state)
{
    assert_true(ld_utf8_valid(NULL, 0));
    assert_true(valid(""));
    assert_true(valid("Zoë Łukasz Siobhán Nguyễn"));
    assert_true(valid("\xC2\x80"));         /* U+0080, the first two-byte character */
    assert_true(valid("\xE0\xA0\x80"));     /* U+0800 */
    assert_true(valid("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    assert_true(valid("\xEE\x80\x80"));     /* U+E000, just above them */
    assert_true(valid("\xF0\x90\x80\x80")); /* U+10000 */
    assert_true(valid("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last character */
    assert_true(ld_utf8_valid("a\0b", 3));  /* NUL is a character; controls are checked apart */
}

static void utf8_rejects_overlongs_surrogates_and_truncation(void **state)
{
    assert_false(valid("\xC0\xAF"));         /* overlong '/' */
    assert_false(valid("\xC1\xBF"));         /* overlong */
    assert_false(valid("\xE0\x80\xAF"));     /* overlong '/' in three bytes */
    assert_false(valid("\xE0\x9F\xBF"));     /* overlong U+07FF */
    assert_false(valid("\xF0\x80\x80\xAF")); /* overlong '/' in four bytes */
    assert_false(valid("\xF0\x8F\xBF\xBF")); /* overlong U+FFFF */
    assert_false(valid("\xED\xA0\x80"));     /* U+D800, a surrogate */
    assert_false(valid("\xED\xBF\xBF"));     /* U+DFFF */
    assert_false(valid("\xF4\x90\x80\x80")); /* U+110000 */
    assert_false(valid("\xF5\x80\x80\x80"));
    assert_false(valid("\xFF"));
    assert_false(valid("\x80"));         /* a lone continuation byte */
    assert_false(valid("Zo\xC3"));       /* truncated at the end */
    assert_false(valid("\xE2\x82"));     /* truncated three-byte */
    assert_false(valid("\xE2\x28\xA1")); /* a bad continuation */
    assert_false(valid("Zo\xEB"));       /* Latin-1 "Zoë" */
}

static void utf8_finds_control_characters(void **state)
{
    const char *ok = "Zoë O'Neill-Smith";
    assert_false(ld_utf8_has_control(ok, strlen(ok)));
    assert_true(ld_utf8_has_control("a\tb", 3));
    assert_true(ld_utf8_has_control("a\nb", 3));
    assert_true(ld_utf8_has_control("a\0b", 3));
    assert_true(ld_utf8_has_control("a\x7f", 2));
    assert_true(ld_utf8_has_control("\xC2\x85", 2));     /* U+0085, a C1 control */
    assert_true(ld_utf8_has_control("\xE2\x80\xAE", 3)); /* U+202E right-to-left override */
    assert_true(ld_utf8_has_control("\xE2\x81\xA6", 3)); /* U+2066 */
    assert_true(ld_utf8_has_control("\xE2\x80\x8B", 3)); /* U+200B zero-width space */
    assert_true(ld_utf8_has_control("\xE2\x80\x8F", 3)); /* U+200F right-to-left mark */
    /* Issue 12: the zero-width non-joiner and joiner spell Persian and Indic names. */
    assert_false(ld_utf8_has_control("\xD9\x85\xD9\x87\xE2\x80\x8C\xD8\xB3\xD8\xA7", 11));
    assert_false(ld_utf8_has_control("\xE2\x80\x8D", 3));
    assert_true(ld_utf8_has_control("\xEF\xBB\xBF", 3));  /* U+FEFF */
    assert_false(ld_utf8_has_control("\xE2\x80\x94", 3)); /* U+2014 em dash is fine */
}

static void utf8_quote_escapes_and_cuts(void **state)
{
    char buf[64];
    assert_string_equal(ld_utf8_quote(buf, sizeof buf, "Zoë", 4, 40), "\"Zoë\"");
    assert_string_equal(ld_utf8_quote(buf, sizeof buf, "a\"b\\c\n", 6, 40), "\"a\\\"b\\\\c\\n\"");
    assert_string_equal(ld_utf8_quote(buf, sizeof buf, "x\xC0\xAFy", 4, 40), "\"x\\xC0\\xAFy\"");
    assert_string_equal(ld_utf8_quote(buf, sizeof buf, "abcdefgh", 8, 4), "\"abcd...\"");
    /* A cut never splits a character: "ë" is two bytes and does not fit in three. */
    assert_string_equal(ld_utf8_quote(buf, sizeof buf, "abëd", 5, 3), "\"ab...\"");
    assert_string_equal(ld_utf8_quote(buf, sizeof buf, "\xE2\x80\xAE", 3, 40), "\"\\u202E\"");
    /* A small buffer is always terminated. */
    char small[8];
    ld_utf8_quote(small, sizeof small, "abcdefghijklmnop", 16, 100);
    assert_true(strlen(small) < sizeof small);
    assert_int_equal(small[0], '"');
    char one[1];
    ld_utf8_quote(one, 1, "abc", 3, 10);
    assert_int_equal(one[0], '\0');
}

static void upn_check_letters(void **state)
{
    char want = 0;
    /* Worked examples: python-stdnum's documented valid UPN, and our own fixtures. */
    assert_int_equal(ld_upn_check("B801200005001", &want), LD_UPN_OK);
    assert_int_equal(want, 'B');
    assert_int_equal(ld_upn_check("A801200005001", &want), LD_UPN_BAD_CHECK);
    assert_int_equal(want, 'B');
    /* 2x2 + 7x4 + 1x9 + 6x10 + 4x12 + 9x13 = 266 = 11 x 23 + 13: the 14th letter, P. */
    assert_int_equal(ld_upn_check("P207000016049", &want), LD_UPN_OK);
    assert_int_equal(ld_upn_check("K938212025001", NULL), LD_UPN_OK);
    /* A temporary UPN ends in a letter, which counts as its place among the 23. */
    assert_int_equal(ld_upn_check("W93821202500A", &want), LD_UPN_OK);
    assert_int_equal(ld_upn_check("W93821202500I", &want), LD_UPN_MALFORMED); /* I unused */
}

static void upn_malformed(void **state)
{
    assert_int_equal(ld_upn_check(NULL, NULL), LD_UPN_MALFORMED);
    assert_int_equal(ld_upn_check("", NULL), LD_UPN_MALFORMED);
    assert_int_equal(ld_upn_check("B80120000500", NULL), LD_UPN_MALFORMED);   /* 12 chars */
    assert_int_equal(ld_upn_check("B8012000050011", NULL), LD_UPN_MALFORMED); /* 14 chars */
    assert_int_equal(ld_upn_check("b801200005001", NULL), LD_UPN_MALFORMED);  /* lower case */
    assert_int_equal(ld_upn_check("1801200005001", NULL), LD_UPN_MALFORMED);
    assert_int_equal(ld_upn_check("X80120000A001", NULL), LD_UPN_MALFORMED); /* letter inside */
    assert_int_equal(ld_upn_check("B80120000500 ", NULL), LD_UPN_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_accepts_well_formed_text),
        cmocka_unit_test(utf8_rejects_overlongs_surrogates_and_truncation),
        cmocka_unit_test(utf8_finds_control_characters),
        cmocka_unit_test(utf8_quote_escapes_and_cuts),
        cmocka_unit_test(upn_check_letters),
        cmocka_unit_test(upn_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
