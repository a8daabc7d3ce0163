/* test_names.c: public display names (first name and initial), folding for search, cutting UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "names.h"

static void expect_name(const char *first, const char *surname, const char *want)
{
    char out[64];
    assert_string_equal(kiosk_name_display(first, surname, out, sizeof out), want);
}

static void test_first_name_and_initial(void **state)
{
    expect_name("Zoë", "Adams", "Zoë A.");
    expect_name("Łukasz", "Wiśniewski", "Łukasz W.");
    expect_name("Siobhán", "O'Neill", "Siobhán O.");
    expect_name("An", "Nguyễn", "An N.");
    expect_name("Amara", "Okafor", "Amara O.");
}

static void test_initial_keeps_accents_and_upper_cases(void **state)
{
    expect_name("Tadhg", "Ó Súilleabháin", "Tadhg Ó.");
    expect_name("Ewa", "łuczak", "Ewa Ł.");    /* Latin Extended-A, lower case */
    expect_name("Émile", "élise", "Émile É."); /* Latin-1 */
    expect_name("Lan", "đặng", "Lan Đ.");      /* Vietnamese d with stroke */
    expect_name("Mai", "ễ", "Mai Ễ.");         /* Latin Extended Additional */
    expect_name("Jan", "de Vries", "Jan D.");
    /* A decomposed accent (O + combining acute) stays with its letter. */
    expect_name("Aoife", "O\xcc\x81 Briain", "Aoife O\xcc\x81.");
}

static void test_punctuation_and_spaces_skipped(void **state)
{
    expect_name("  Finn ", "  'Hart", "Finn H.");
    expect_name("Ida", "-Søndergaard", "Ida S.");
    expect_name("Cher", "", "Cher");
    expect_name("Cher", NULL, "Cher");
    expect_name(NULL, "Adams", "A.");
    expect_name("", "", "");
}

static void test_long_first_name_is_cut_at_a_character(void **state)
{
    char out[12];
    /* 11 bytes of room: "Łł" pairs are 2 bytes each; the initial " W." needs 3. */
    kiosk_name_display("ŁłŁłŁłŁł", "Wiśniewski", out, sizeof out);
    assert_string_equal(out, "ŁłŁł W.");
    char tiny[3];
    kiosk_name_display("Zoë", "Adams", tiny, sizeof tiny);
    assert_string_equal(tiny, "Zo");
}

static void test_initials(void **state)
{
    char out[64];
    assert_string_equal(kiosk_name_initials("Zoë A.", out, sizeof out), "Z. A.");
    assert_string_equal(kiosk_name_initials("Łukasz W.", out, sizeof out), "Ł. W.");
    assert_string_equal(kiosk_name_initials("Siobhán", out, sizeof out), "S.");
    /* A letter with a combining accent keeps it: E + U+0301. */
    assert_string_equal(kiosk_name_initials("E\xcc\x81mile D.", out, sizeof out), "E\xcc\x81. D.");
    assert_string_equal(kiosk_name_initials("", out, sizeof out), "");
    assert_string_equal(kiosk_name_initials(NULL, out, sizeof out), "");
    assert_string_equal(kiosk_name_initials("Zoë A.", out, 4), "Z. "); /* cut to fit */
}

static void test_fold(void **state)
{
    char out[64];
    assert_string_equal(kiosk_name_fold("Zoë", out, sizeof out), "zoe");
    assert_string_equal(kiosk_name_fold("ŁUKASZ", out, sizeof out), "lukasz");
    assert_string_equal(kiosk_name_fold("Nguyễn", out, sizeof out), "nguyen");
    assert_string_equal(kiosk_name_fold("Ó Súilleabháin", out, sizeof out), "o suilleabhain");
    assert_string_equal(kiosk_name_fold("Søndergaard", out, sizeof out), "sondergaard");
    assert_string_equal(kiosk_name_fold("Dąbrowska", out, sizeof out), "dabrowska");
    assert_string_equal(kiosk_name_fold("Đặng", out, sizeof out), "dang");
    assert_string_equal(kiosk_name_fold("O\xcc\x81", out, sizeof out), "o");
    assert_string_equal(kiosk_name_fold("O'Neill", out, sizeof out), "o'neill");
}

static void test_copy_cuts_at_boundary(void **state)
{
    char out[4];
    assert_string_equal(kiosk_copy(out, sizeof out, "Zoë!"), "Zo"); /* ë would need 2 more */
    assert_string_equal(kiosk_copy(out, sizeof out, NULL), "");
    assert_int_equal(kiosk_utf8_cut("ễa", 2), 0);
    assert_int_equal(kiosk_utf8_cut("ễa", 3), 3);
    assert_int_equal(kiosk_utf8_cut("abc", 10), 3);
}

static void test_invalid_utf8_does_not_overrun(void **state)
{
    char out[64];
    /* A truncated sequence at the end of the surname: one replacement, nothing read beyond. */
    kiosk_name_display("Zoë", "\xc5", out, sizeof out);
    assert_string_equal(out, "Zoë \xef\xbf\xbd.");
    kiosk_name_fold("a\xe1\xbb", out, sizeof out);
    assert_string_equal(out, "a\xe1\xbb");
}

static void test_hhmm(void **state)
{
    char out[6];
    assert_string_equal(kiosk_hhmm(9, 5, out), "09:05");
    assert_string_equal(kiosk_hhmm(23, 59, out), "23:59");
    assert_string_equal(kiosk_hhmm(24, 60, out), "00:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_name_and_initial),
        cmocka_unit_test(test_initial_keeps_accents_and_upper_cases),
        cmocka_unit_test(test_punctuation_and_spaces_skipped),
        cmocka_unit_test(test_long_first_name_is_cut_at_a_character),
        cmocka_unit_test(test_initials),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_copy_cuts_at_boundary),
        cmocka_unit_test(test_invalid_utf8_does_not_overrun),
        cmocka_unit_test(test_hhmm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
