/* test_lang.c: the language catalogues, the shipped languages, the language button, pictograms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "SDL_ttf.h"
#include "harness.h"
#include "lang.h"
#include "reason_icon.h"

#define ASSETS LD_TEST_DATA "/../assets"
#define PL     "Polski \u00b7 Rom\u00e2n\u0103" /* the language button in English */

static const char *const shipped[] = {"pl", "ro"};

static char msg[512];

/* Parses text as "xx.txt", expecting failure with exactly the message want. */
static void expect_error(const char *text, ld_err code, const char *want)
{
    struct kiosk_lang *l = (struct kiosk_lang *)1;
    assert_int_equal(kiosk_lang_parse(text, strlen(text), "xx.txt", &l, msg, sizeof msg), code);
    assert_null(l);
    assert_string_equal(msg, want);
}

#define HEAD "language = xx\nname = Testish\nstatus = draft\n"

static void test_catalogue_is_read_and_missing_strings_are_english(void **state)
{
    (void)state;
    const char *text = "# a comment\r\n" HEAD "\n"
                       "\"Skip\" = \"Sk\\\"ip\"\n"
                       "  \"Signed in at %s\" = \"In %s\"  \n"
                       "reason \"Overslept\" = \"Slept\"\n";
    struct kiosk_lang *l = NULL;
    assert_int_equal(kiosk_lang_parse(text, strlen(text), "xx.txt", &l, msg, sizeof msg), LD_OK);
    assert_string_equal(kiosk_lang_code(l), "xx");
    assert_string_equal(kiosk_lang_name(l), "Testish");
    assert_true(kiosk_lang_draft(l));
    assert_string_equal(kiosk_lang_get(l, KS_SKIP), "Sk\"ip");
    assert_string_equal(kiosk_lang_get(l, KS_SIGNED_IN_AT), "In %s");
    /* not in the file: English */
    assert_false(kiosk_lang_has(l, KS_THANK_YOU));
    assert_string_equal(kiosk_lang_get(l, KS_THANK_YOU), "Thank you.");
    assert_string_equal(kiosk_lang_reason(l, "overslept"), "Slept");
    assert_string_equal(kiosk_lang_reason(l, "Traffic"), "Traffic");
    char out[64];
    kiosk_lang_format(l, KS_SIGNED_IN_AT, out, sizeof out, "09:05");
    assert_string_equal(out, "In 09:05");
    kiosk_lang_free(l);
    /* no catalogue at all: English */
    assert_string_equal(kiosk_lang_get(NULL, KS_SKIP), "Skip");
    assert_string_equal(kiosk_lang_reason(NULL, "Other"), "Other");
}

static void test_bad_catalogues_name_the_line(void **state)
{
    (void)state;
    expect_error(HEAD "\"Skip please\" = \"x\"\n", LD_ERR_INVALID,
                 "xx.txt:4: \"Skip please\" is not a kiosk string (changed in the code?)");
    expect_error(HEAD "\"Skip\" = \"a\"\n\"Skip\" = \"b\"\n", LD_ERR_INVALID,
                 "xx.txt:5: \"Skip\" given twice");
    expect_error(HEAD "\"Signed in at %s\" = \"In %u\"\n", LD_ERR_INVALID,
                 "xx.txt:4: the translation's placeholders differ from the English \"Signed in "
                 "at %s\" (the same %s and %u, in the same order)");
    expect_error(HEAD "\"Skip\" = \"%n\"\n", LD_ERR_INVALID,
                 "xx.txt:4: the translation's placeholders differ from the English \"Skip\" (the "
                 "same %s and %u, in the same order)");
    expect_error(HEAD "\"Skip\" = \"\"\n", LD_ERR_INVALID, "xx.txt:4: an empty string");
    expect_error(HEAD "\"Skip\" = \"x\n", LD_ERR_INVALID,
                 "xx.txt:4: a string without its closing quote");
    expect_error(HEAD "\"Skip\" \"x\"\n", LD_ERR_INVALID,
                 "xx.txt:4: expected = after the English text");
    expect_error(HEAD "\"Skip\" = \"x\" y\n", LD_ERR_INVALID,
                 "xx.txt:4: something after the translation's closing quote");
    expect_error(HEAD "\"Skip\" = \"\\n\"\n", LD_ERR_INVALID,
                 "xx.txt:4: only \\\" and \\\\ may follow a backslash");
    expect_error(HEAD "\"Skip\" = \"\xC3\x28\"\n", LD_ERR_INVALID,
                 "xx.txt:4: not UTF-8 text, or a control character");
    expect_error(HEAD "\"Skip\" = \"a\x01\"\n", LD_ERR_INVALID,
                 "xx.txt:4: not UTF-8 text, or a control character");
    expect_error("language = xx\nname = X\nstatus = maybe\n", LD_ERR_INVALID,
                 "xx.txt:3: status: draft or reviewed");
    expect_error("language = XX\n", LD_ERR_INVALID,
                 "xx.txt:1: language: not a code of 2 or 3 small letters (\"pl\")");
    expect_error(HEAD "colour = red\n", LD_ERR_INVALID,
                 "xx.txt:4: unknown key \"colour\" (language, name, status)");
    expect_error(HEAD "name = Again\n", LD_ERR_INVALID, "xx.txt:4: name given twice");
    expect_error(HEAD "just words\n", LD_ERR_INVALID,
                 "xx.txt:4: expected key = value, or \"English\" = \"translation\"");
    expect_error(HEAD "reason \"Other\" = \"a\"\nreason \"other\" = \"b\"\n", LD_ERR_INVALID,
                 "xx.txt:5: reason \"other\" given twice");
    expect_error("language = xx\nname = X\n", LD_ERR_INVALID, "xx.txt: no status line");

    char line[KIOSK_LANG_LINE_MAX + 128];
    snprintf(line, sizeof line, HEAD "\"Skip\" = \"%0*d\"\n", KIOSK_LANG_LINE_MAX, 0);
    expect_error(line, LD_ERR_RANGE, "xx.txt:4: a line longer than 512 bytes");
}

/* Every family-facing string has an entry in each shipped language, and each is a draft. */
static void test_shipped_languages_are_complete_drafts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        struct kiosk_lang *l = NULL;
        if (kiosk_lang_load(ASSETS, shipped[i], &l, msg, sizeof msg) != LD_OK)
            fail_msg("%s", msg);
        for (int s = 0; s < KS__COUNT; s++)
            if (!kiosk_lang_has(l, (enum kiosk_str)s))
                fail_msg("%s: no translation of \"%s\"", shipped[i],
                         kiosk_str_english((enum kiosk_str)s));
        assert_true(kiosk_lang_draft(l)); /* nobody native has read them yet */
        kiosk_lang_free(l);
    }
}

/* Decodes the UTF-8 character at *p (known good) and moves past it. */
static Uint32 next_char(const unsigned char **p)
{
    const unsigned char *s = *p;
    Uint32 c = s[0];
    int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if (n)
        c &= 0x3F >> n;
    for (int i = 1; i <= n; i++)
        c = c << 6 | (s[i] & 0x3F);
    *p = s + n + 1;
    return c;
}

/* Fails when font lacks a glyph of text. */
static void covers(TTF_Font *font, const char *which, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        Uint32 c = next_char(&p);
        if (!TTF_GlyphIsProvided32(font, c))
            fail_msg("%s: the font has no U+%04X (in \"%s\")", which, (unsigned)c, text);
    }
}

/* The shipped fonts draw every letter of every shipped language (ą ę ł ń ś ź ż ș ț ă â î ...). */
static void test_the_font_covers_every_shipped_language(void **state)
{
    (void)state;
    assert_int_equal(TTF_Init(), 0);
    static const char *const fonts[] = {ASSETS "/fonts/DejaVuSans.ttf",
                                        ASSETS "/fonts/DejaVuSans-Bold.ttf"};
    for (size_t f = 0; f < 2; f++) {
        TTF_Font *font = TTF_OpenFont(fonts[f], 20);
        assert_non_null(font);
        for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
            struct kiosk_lang *l = NULL;
            assert_int_equal(kiosk_lang_load(ASSETS, shipped[i], &l, msg, sizeof msg), LD_OK);
            covers(font, shipped[i], kiosk_lang_name(l));
            for (int s = 0; s < KS__COUNT; s++)
                covers(font, shipped[i], kiosk_lang_get(l, (enum kiosk_str)s));
            kiosk_lang_free(l);
        }
        TTF_CloseFont(font);
    }
    TTF_Quit();
}

static void test_a_catalogue_must_be_the_language_it_is_named(void **state)
{
    (void)state;
    struct kiosk_lang *l = NULL;
    assert_int_equal(kiosk_lang_load(ASSETS, "zz", &l, msg, sizeof msg), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "/lang/zz.txt: "));
    assert_null(l);
}

static void test_reasons_get_pictograms(void **state)
{
    (void)state;
    assert_int_equal(kiosk_reason_icon("Medical appointment", LD_CODE_M), KIOSK_ICON_MEDICAL);
    assert_int_equal(kiosk_reason_icon("Dental appointment", LD_CODE_M), KIOSK_ICON_TOOTH);
    assert_int_equal(kiosk_reason_icon("Orthodontist", LD_CODE_NONE), KIOSK_ICON_TOOTH);
    assert_int_equal(kiosk_reason_icon("Bus late", LD_CODE_NONE), KIOSK_ICON_BUS);
    assert_int_equal(kiosk_reason_icon("Traffic", LD_CODE_NONE), KIOSK_ICON_CAR);
    assert_int_equal(kiosk_reason_icon("Car broke down", LD_CODE_NONE), KIOSK_ICON_CAR);
    assert_int_equal(kiosk_reason_icon("Snow and ice", LD_CODE_NONE), KIOSK_ICON_WEATHER);
    assert_int_equal(kiosk_reason_icon("Overslept", LD_CODE_NONE), KIOSK_ICON_ALARM);
    assert_int_equal(kiosk_reason_icon("Family reasons", LD_CODE_NONE), KIOSK_ICON_FAMILY);
    assert_int_equal(kiosk_reason_icon("Other", LD_CODE_NONE), KIOSK_ICON_FAMILY);
    assert_int_equal(kiosk_reason_icon("Religious observance", LD_CODE_R), KIOSK_ICON_CALENDAR);
    /* "carer" is not a car; the code decides when the words do not */
    assert_int_equal(kiosk_reason_icon("Young carer duties", LD_CODE_NONE), KIOSK_ICON_FAMILY);
    assert_int_equal(kiosk_reason_icon("Seen by the optician", LD_CODE_M), KIOSK_ICON_MEDICAL);
    assert_int_equal(kiosk_reason_icon("Festival", LD_CODE_NONE), KIOSK_ICON_CALENDAR);
    assert_int_equal(kiosk_reason_icon("Eid", LD_CODE_R), KIOSK_ICON_CALENDAR);
    assert_int_equal(kiosk_reason_icon("Court hearing", LD_CODE_NONE), KIOSK_ICON_BUBBLE);
}

/* ---- the kiosk: the button, the chooser, staff in English, back to English at idle -------- */

static void choose(struct harness *h, const char *button, const char *name)
{
    harness_touch(h, button);
    assert_true(kiosk_app_has_button(h->app, "English"));
    harness_touch(h, name);
}

static void test_the_family_language_lasts_until_idle(void **state)
{
    struct harness *h = *state;
    assert_int_equal(kiosk_app_lang_count(h->app), 2);
    assert_false(kiosk_app_has_button(h->app, "Polski")); /* the chooser is shut */
    choose(h, PL, "Polski");
    assert_true(kiosk_app_has_button(h->app, "English \u00b7 Rom\u00e2n\u0103"));
    harness_at(h, 9, 5);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_advance(h, 3000);
    harness_expect(h, "reason", "late");
    /* the school's reasons in Polish; what is recorded is the school's own words */
    harness_touch(h, "Wizyta u lekarza");
    const struct kiosk_fake_log *log = kiosk_fake_log(h->fake);
    assert_string_equal(log->last_reason, "Medical appointment");
    harness_expect(h, "greet", "thanks");
    harness_advance(h, 3000);
    harness_expect(h, "idle", "");
    /* the next family starts in English */
    assert_true(kiosk_app_has_button(h->app, PL));
}

/* The school's settings moved on at the centre (here its languages): the door takes them the
 * next time it is idle, never under a family's fingers. */
static void test_new_settings_are_taken_when_idle(void **state)
{
    struct harness *h = *state;
    static const char *const ro[] = {"ro", NULL};
    harness_touch(h, "Tap your card or touch here");
    harness_expect(h, "touch", "classes");
    kiosk_fake_set_languages(h->fake, ro);
    struct kiosk_status st = {.settings_gen = 1};
    kiosk_fake_set_status(h->fake, &st);
    harness_advance(h, 10000); /* a status read: the settings moved on */
    assert_true(kiosk_app_has_button(h->app, PL));
    harness_touch(h, "Back");
    harness_expect(h, "idle", "");
    harness_advance(h, 10000);
    assert_false(kiosk_app_has_button(h->app, PL));
    assert_true(kiosk_app_has_button(h->app, "Rom\u00e2n\u0103"));
}

static void test_staff_screens_stay_english(void **state)
{
    struct harness *h = *state;
    choose(h, PL, "Rom\u00e2n\u0103");
    harness_staff_login(h);
    /* the staff screens have no language button, and speak English */
    assert_false(kiosk_app_has_button(h->app, "English \u00b7 Polski"));
    harness_touch(h, "Sign in for a parent");
    harness_expect(h, "touch", "classes");
    assert_true(kiosk_app_has_button(h->app, "Search by name")); /* not "Caută după nume" */
    assert_false(kiosk_app_has_button(h->app, "English \u00b7 Polski"));
}

/* The chooser waits for the parent: the greeting does not move on under it, and it closes
 * itself when left alone. */
static void test_the_chooser_holds_the_screen_then_closes(void **state)
{
    struct harness *h = *state;
    harness_at(h, 9, 5);
    harness_card(h, KIOSK_FAKE_CARD_LUKASZ);
    harness_expect(h, "greet", "arrived");
    harness_touch(h, PL);
    harness_advance(h, 5000);
    harness_expect(h, "greet", "arrived"); /* the greeting would have gone after 3 s */
    assert_true(kiosk_app_has_button(h->app, "Polski"));
    harness_advance(h, 6000);
    assert_false(kiosk_app_has_button(h->app, "Polski")); /* shut, still in English */
    assert_true(kiosk_app_has_button(h->app, PL));
}

/* At 800x480 no word of any shipped language is cut on the family's screens. */
static void test_no_translation_overflows_at_800x480(void **state)
{
    struct harness *h = *state;
    static const char *const names[] = {"English", "Polski", "Rom\u00e2n\u0103"};
    static const char *const medical[] = {"Medical appointment", "Wizyta u lekarza",
                                          "Programare la medic"};
    for (size_t i = 0; i < 3; i++) {
        if (i) { /* a fresh school: nobody has arrived yet */
            harness_close(h);
            harness_open(h, 800, 480);
        }
        harness_at(h, 9, 31);
        unsigned long before = kiosk_ui_cuts(h->ui);
        /* idle and the chooser */
        harness_touch(h, PL);
        kiosk_app_render(h->app, true, false);
        harness_touch(h, names[i]);
        kiosk_app_render(h->app, true, false);
        /* the touch sign-in: classes, names, "Is this you?"; then its timeout */
        harness_touch(h, "Tap your card or touch here");
        kiosk_app_render(h->app, true, false);
        harness_touch(h, "3B");
        kiosk_app_render(h->app, true, false);
        harness_advance(h, 22000); /* the header's countdown beside the language button */
        kiosk_app_render(h->app, true, false);
        harness_touch(h, "Zo\u00eb A.");
        kiosk_app_render(h->app, true, false);
        harness_advance(h, 31000);
        harness_expect(h, "idle", "");
        /* an unknown card */
        if (i)
            choose(h, PL, names[i]);
        harness_card(h, "04DEADBEEF0199");
        harness_expect(h, "unknown", "");
        kiosk_app_render(h->app, true, false);
        harness_advance(h, 10000);
        /* two of a family: greeting, reason, thanks, "same reason" */
        if (i)
            choose(h, PL, names[i]);
        harness_card(h, KIOSK_FAKE_CARD_ZOE);
        harness_card(h, KIOSK_FAKE_CARD_THEO); /* her brother waits his turn */
        kiosk_app_render(h->app, true, false);
        harness_advance(h, 3000);
        harness_expect(h, "reason", "late");
        kiosk_app_render(h->app, true, false);
        harness_touch(h, medical[i]);
        kiosk_app_render(h->app, true, false);
        harness_advance(h, 6000);
        harness_expect(h, "reason", "same");
        kiosk_app_render(h->app, true, false);
        if (kiosk_ui_cuts(h->ui) != before)
            fail_msg("%s: %lu texts cut", names[i], kiosk_ui_cuts(h->ui) - before);
    }
}

/* A scratch assets folder: the real fonts, and lang/ with the files given ("pl.txt", text). */
struct scratch {
    char dir[32], paths[8][96];
    size_t n;
};

static void scratch_file(struct scratch *sc, const char *name, const char *text)
{
    char dir[sizeof sc->dir];
    assert_true(sc->n < sizeof sc->paths / sizeof sc->paths[0]);
    memcpy(dir, sc->dir, sizeof dir); /* not from the struct written into */
    char *path = sc->paths[sc->n++];
    snprintf(path, sizeof sc->paths[0], "%s/lang/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void scratch_open(struct scratch *sc)
{
    char path[96];
    memset(sc, 0, sizeof *sc);
    snprintf(sc->dir, sizeof sc->dir, "/tmp/ld-lang-XXXXXX");
    assert_non_null(mkdtemp(sc->dir));
    snprintf(path, sizeof path, "%s/fonts", sc->dir);
    assert_int_equal(symlink(LD_TEST_DATA "/../assets/fonts", path), 0);
    snprintf(path, sizeof path, "%s/lang", sc->dir);
    assert_int_equal(mkdir(path, 0700), 0);
}

static void scratch_close(struct scratch *sc)
{
    char path[96];
    for (size_t i = 0; i < sc->n; i++)
        unlink(sc->paths[i]);
    snprintf(path, sizeof path, "%s/lang", sc->dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/fonts", sc->dir);
    unlink(path);
    rmdir(sc->dir);
}

/* A catalogue with a mistake is left out with file:line on standard error; the kiosk starts,
 * in English, with the languages that could be read. */
static void test_a_bad_catalogue_leaves_english(void **state)
{
    (void)state;
    struct scratch sc;
    scratch_open(&sc);
    scratch_file(&sc, "pl.txt",
                 "language = pl\nname = Polski\nstatus = draft\n"
                 "\"Skip\" = \"Pomi\xC5\x84 %s\"\n");
    scratch_file(&sc, "ro.txt", "language = ro\nname = Rom\u00e2n\u0103\nstatus = draft\n");

    struct harness h;
    harness_open_in(&h, 800, 480, sc.dir);
    harness_expect(&h, "idle", "");
    assert_int_equal(kiosk_app_lang_count(h.app), 1); /* Română alone */
    const char *problem = kiosk_app_lang_problem(h.app);
    assert_memory_equal(problem, "lang/pl.txt:4: the translation's", 32);
    assert_true(kiosk_app_has_button(h.app, "Rom\u00e2n\u0103"));
    harness_close(&h);
    scratch_close(&sc);
}

/* Six languages besides English: the chooser lays them out in two columns, all on screen. */
static void test_six_languages_fit_the_chooser(void **state)
{
    (void)state;
    static const char *const codes[] = {"pl", "ro", "lt", "pt", "so", "uk", NULL};
    struct scratch sc;
    scratch_open(&sc);
    for (size_t i = 0; codes[i]; i++) {
        char name[16], text[96];
        snprintf(name, sizeof name, "%s.txt", codes[i]);
        snprintf(text, sizeof text, "language = %s\nname = Language %zu\nstatus = draft\n",
                 codes[i], i + 1);
        scratch_file(&sc, name, text);
    }
    struct harness h;
    harness_open_in(&h, 800, 480, sc.dir);
    kiosk_fake_set_languages(h.fake, codes);
    harness_restart_app(&h);
    assert_int_equal(kiosk_app_lang_count(h.app), 6);
    harness_touch(&h, "Language 1 \u00b7 Language 2 \u00b7 Language 3 \u00b7 Language 4 "
                      "\u00b7 Language 5 \u00b7 Language 6");
    SDL_Rect r[7];
    for (size_t i = 0; i < 7; i++) {
        char label[16];
        snprintf(label, sizeof label, i ? "Language %zu" : "English", i);
        assert_true(kiosk_app_button_rect(h.app, label, &r[i]));
        assert_true(r[i].x >= 0 && r[i].y >= 0 && r[i].x + r[i].w <= 800 && r[i].y + r[i].h <= 480);
        assert_true(r[i].h >= 47); /* 9 mm at 133 dpi */
        for (size_t j = 0; j < i; j++)
            assert_false(SDL_HasIntersection(&r[i], &r[j]));
    }
    harness_close(&h);
    scratch_close(&sc);
}

static int group_setup(void **state)
{
    (void)state;
    harness_init_sdl();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    harness_quit_sdl();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_is_read_and_missing_strings_are_english),
        cmocka_unit_test(test_bad_catalogues_name_the_line),
        cmocka_unit_test(test_shipped_languages_are_complete_drafts),
        cmocka_unit_test(test_the_font_covers_every_shipped_language),
        cmocka_unit_test(test_a_catalogue_must_be_the_language_it_is_named),
        cmocka_unit_test(test_reasons_get_pictograms),
        cmocka_unit_test_setup_teardown(test_the_family_language_lasts_until_idle,
                                        harness_setup_800, harness_teardown),
        cmocka_unit_test_setup_teardown(test_new_settings_are_taken_when_idle, harness_setup_800,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(test_staff_screens_stay_english, harness_setup_800,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(test_the_chooser_holds_the_screen_then_closes,
                                        harness_setup_800, harness_teardown),
        cmocka_unit_test_setup_teardown(test_no_translation_overflows_at_800x480, harness_setup_800,
                                        harness_teardown),
        cmocka_unit_test(test_a_bad_catalogue_leaves_english),
        cmocka_unit_test(test_six_languages_fit_the_chooser),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
