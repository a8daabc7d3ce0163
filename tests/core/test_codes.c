/* test_codes.c: every code of the 2024 table, its category and what it counts as. */
#include "fixtures.h"

#include "ld_codes.h"
#include "ld_err.h"
#include "ld_flags.h"

static void every_code_in_the_table(void **state)
{
    const struct {
        const char *text;
        enum ld_code_category cat;
    } table[] = {
        {"/", LD_CAT_PRESENT},       {"\\", LD_CAT_PRESENT},      {"L", LD_CAT_PRESENT},
        {"K", LD_CAT_APPROVED},      {"V", LD_CAT_APPROVED},      {"P", LD_CAT_APPROVED},
        {"W", LD_CAT_APPROVED},      {"B", LD_CAT_APPROVED},      {"C", LD_CAT_AUTHORISED},
        {"C1", LD_CAT_AUTHORISED},   {"C2", LD_CAT_AUTHORISED},   {"E", LD_CAT_AUTHORISED},
        {"I", LD_CAT_AUTHORISED},    {"M", LD_CAT_AUTHORISED},    {"J1", LD_CAT_AUTHORISED},
        {"R", LD_CAT_AUTHORISED},    {"S", LD_CAT_AUTHORISED},    {"T", LD_CAT_AUTHORISED},
        {"Q", LD_CAT_AUTHORISED},    {"G", LD_CAT_UNAUTHORISED},  {"N", LD_CAT_UNAUTHORISED},
        {"O", LD_CAT_UNAUTHORISED},  {"U", LD_CAT_UNAUTHORISED},  {"D", LD_CAT_NOT_POSSIBLE},
        {"X", LD_CAT_NOT_POSSIBLE},  {"Y1", LD_CAT_NOT_POSSIBLE}, {"Y2", LD_CAT_NOT_POSSIBLE},
        {"Y3", LD_CAT_NOT_POSSIBLE}, {"Y4", LD_CAT_NOT_POSSIBLE}, {"Y5", LD_CAT_NOT_POSSIBLE},
        {"Y6", LD_CAT_NOT_POSSIBLE}, {"Y7", LD_CAT_NOT_POSSIBLE}, {"Z", LD_CAT_NOT_POSSIBLE},
        {"#", LD_CAT_NOT_POSSIBLE},
    };
    size_t n = sizeof table / sizeof table[0];
    /* The table names every register code once; LD_CODE_UNKNOWN ("-") is not one. */
    assert_int_equal(n, LD_CODE__COUNT - 2);
    for (size_t i = 0; i < n; i++) {
        enum ld_code c;
        assert_true(ld_code_parse(table[i].text, &c));
        assert_string_equal(ld_code_str(c), table[i].text);
        assert_int_equal(ld_code_category(c), table[i].cat);
        bool attended = table[i].cat == LD_CAT_PRESENT || table[i].cat == LD_CAT_APPROVED;
        assert_int_equal(ld_code_is_attended(c), attended);
        assert_int_equal(ld_code_is_possible(c), table[i].cat != LD_CAT_NOT_POSSIBLE);
        assert_int_equal(ld_code_is_late(c), c == LD_CODE_L || c == LD_CODE_U);
    }
}

static void unknown_codes(void **state)
{
    const char *bad[] = {"", "l", "u", "Y8", "Y0", "C3", "J", "J2", "//", "A", " L", "L "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum ld_code c = LD_CODE_NONE;
        assert_false(ld_code_parse(bad[i], &c));
        assert_int_equal(c, LD_CODE_NONE);
    }
    assert_false(ld_code_parse(NULL, &(enum ld_code){0}));
    assert_false(ld_code_is_possible(LD_CODE_NONE));
    assert_false(ld_code_is_attended(LD_CODE_NONE));
    assert_string_equal(ld_code_str((enum ld_code)200), "");
    assert_int_equal(ld_code_category((enum ld_code)200), LD_CAT_NONE);
}

/* "-" (not known) is output only: it never parses and counts as nothing. */
static void not_known_is_no_register_code(void **state)
{
    enum ld_code c = LD_CODE_NONE;
    assert_false(ld_code_parse("-", &c));
    assert_int_equal(c, LD_CODE_NONE);
    assert_string_equal(ld_code_str(LD_CODE_UNKNOWN), "-");
    assert_int_equal(ld_code_category(LD_CODE_UNKNOWN), LD_CAT_NONE);
    assert_false(ld_code_is_possible(LD_CODE_UNKNOWN));
    assert_false(ld_code_is_attended(LD_CODE_UNKNOWN));
    assert_false(ld_code_is_late(LD_CODE_UNKNOWN));
}

static void flags_and_calling_groups(void **state)
{
    unsigned f;
    assert_true(ld_flag_parse("LAC", &f));
    assert_int_equal(f, LD_FLAG_LAC);
    assert_false(ld_flag_parse("lac", &f));
    assert_false(ld_flag_parse("CIN ", &f));
    assert_string_equal(ld_flag_name(LD_FLAG_SEN), "SEN");
    assert_null(ld_flag_name(LD_FLAG_CP | LD_FLAG_PP));
    assert_int_equal(ld_flags_call_group(LD_FLAG_CP | LD_FLAG_SC), 0);
    assert_int_equal(ld_flags_call_group(LD_FLAG_LAC | LD_FLAG_CIN), 1);
    assert_int_equal(ld_flags_call_group(LD_FLAG_CIN), 2);
    assert_int_equal(ld_flags_call_group(LD_FLAG_SC | LD_FLAG_PP), 3);
    assert_int_equal(ld_flags_call_group(LD_FLAG_PP | LD_FLAG_SEN), 4);
    assert_int_equal(ld_flags_call_group(0), 4);
}

static void error_names(void **state)
{
    assert_string_equal(ld_err_str(LD_OK), "ok");
    assert_string_equal(ld_err_str(LD_ERR_FULL), "disk full");
    for (int e = 0; e < LD_ERR__COUNT; e++)
        assert_string_not_equal(ld_err_str((ld_err)e), "unknown error");
    assert_string_equal(ld_err_str((ld_err)999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_in_the_table),
        cmocka_unit_test(unknown_codes),
        cmocka_unit_test(not_known_is_no_register_code),
        cmocka_unit_test(flags_and_calling_groups),
        cmocka_unit_test(error_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
