/*
 * test_config_school.c: the school's own settings in its file: how pupils arrive, the
 * attendance bands and the lateness pattern thresholds, each checked with file:line errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"

#define HEAD "[school]\nname = Hollybrook Primary School\n[device]\nid = door-1\n"

static char msg[512];

static struct ld_config parse_ok(const char *text)
{
    struct ld_config cfg;
    msg[0] = '\0';
    ld_err err = ld_config_parse_string(text, "school.ini", &cfg, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    return cfg;
}

static void expect_error(const char *text, ld_err code, const char *want)
{
    struct ld_config cfg;
    msg[0] = '\0';
    ld_err err = ld_config_parse_string(text, "school.ini", &cfg, msg, sizeof msg);
    if (strcmp(msg, want))
        print_error("got  %s\nwant %s\n", msg, want);
    assert_string_equal(msg, want);
    assert_int_equal(err, code);
}

static void defaults(void **state)
{
    struct ld_config cfg = parse_ok(HEAD);
    struct ld_pattern_rules def;
    ld_pattern_rules_default(&def);
    assert_int_equal(cfg.arrival_mode, LD_ARRIVAL_LATE_DOOR_ONLY);
    assert_int_equal(cfg.band_count, 4);
    assert_true(cfg.bands[1].min == 92);
    assert_int_equal(cfg.bands[1].stage, 1);
    assert_memory_equal(&cfg.patterns, &def, sizeof def);
    assert_string_equal(ld_arrival_mode_name(cfg.arrival_mode), "late door only");
}

static void arrival_mode(void **state)
{
    struct ld_config cfg = parse_ok(HEAD "[school]\narrival_mode = everyone signs in\n");
    assert_int_equal(cfg.arrival_mode, LD_ARRIVAL_EVERYONE);
    cfg = parse_ok("[school]\nname = H\narrival_mode = Late_Door_Only\n[device]\nid = d\n");
    assert_int_equal(cfg.arrival_mode, LD_ARRIVAL_LATE_DOOR_ONLY);
    expect_error("[school]\nname = H\narrival_mode = everyone\n[device]\nid = d\n", LD_ERR_INVALID,
                 "school.ini:3: school.arrival_mode: not \"late door only\" or \"everyone signs "
                 "in\": \"everyone\"");
}

static void bands(void **state)
{
    struct ld_config cfg =
        parse_ok(HEAD "[bands]\n96.5 = green\n90 = amber\n80 = 2\n0 = red ; the rest\n");
    assert_int_equal(cfg.band_count, 4);
    assert_true(cfg.bands[0].min == 96.5);
    assert_string_equal(cfg.bands[0].label, "green");
    assert_int_equal(cfg.bands[0].stage, 0);
    assert_string_equal(cfg.bands[1].label, "amber");
    assert_int_equal(cfg.bands[1].stage, 1);
    assert_string_equal(cfg.bands[2].label, "");
    assert_int_equal(cfg.bands[2].stage, 2);
    assert_string_equal(cfg.bands[3].label, "red");
    size_t bad;
    const char *field, *problem;
    assert_int_equal(ld_bands_check(cfg.bands, cfg.band_count, &bad, &field, &problem), LD_OK);

    expect_error(HEAD "[bands]\n97 = 0\nninety = 1\n", LD_ERR_INVALID,
                 "school.ini:7: bands.ninety: not a percentage from 0 to 100 (\"97 = 0\", "
                 "\"90 = amber\")");
    expect_error(HEAD "[bands]\n101 = 0\n", LD_ERR_INVALID,
                 "school.ini:6: bands.101: not a percentage from 0 to 100 (\"97 = 0\", "
                 "\"90 = amber\")");
    expect_error(HEAD "[bands]\n90 = 0\n95 = 1\n", LD_ERR_INVALID,
                 "school.ini:7: bands.95: not below the band on line 6: list bands from the "
                 "highest");
    expect_error(HEAD "[bands]\n90 = 120\n", LD_ERR_INVALID,
                 "school.ini:6: bands.90: not a stage (a whole number 0 to 99, or a name): "
                 "\"120\"");
    expect_error(HEAD "[bands]\n90 = \n", LD_ERR_INVALID, "school.ini:6: bands.90: empty");
    expect_error(HEAD "[bands]\n90 = a stage name far longer than thirty-one bytes\n", LD_ERR_RANGE,
                 "school.ini:6: bands.90: longer than 31 bytes");
    char many[1024] = HEAD "[bands]\n";
    for (int i = 0; i < 17; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%d = %d\n", 90 - i, i);
    expect_error(many, LD_ERR_RANGE, "school.ini:22: bands.74: more than 16 bands");
}

static void patterns(void **state)
{
    struct ld_config cfg =
        parse_ok(HEAD "[patterns]\nwindow_days = 10\nfrequent_min = 3\nimproving_after_max = 0\n");
    assert_int_equal(cfg.patterns.window_days, 10);
    assert_int_equal(cfg.patterns.frequent_min, 3);
    assert_int_equal(cfg.patterns.improving_after_max, 0);
    assert_int_equal(cfg.patterns.streak_min, 3); /* the others keep their defaults */
    expect_error(HEAD "[patterns]\nwindow_days = 0\n", LD_ERR_RANGE,
                 "school.ini:6: patterns.window_days: 0 is out of range (1 to 1000 school days)");
    expect_error(HEAD "[patterns]\nstreak_min = three\n", LD_ERR_INVALID,
                 "school.ini:6: patterns.streak_min: not a whole number of late days: \"three\"");
    expect_error(HEAD "[patterns]\nsunny_days = 3\n", LD_ERR_INVALID,
                 "school.ini:6: patterns.sunny_days: unknown key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(arrival_mode),
        cmocka_unit_test(bands),
        cmocka_unit_test(patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
