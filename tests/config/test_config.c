/*
 * test_config.c: the school and device config file: a good file, defaults, and every error;
 * the school's arrival mode, attendance bands and pattern thresholds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define FIXTURES LD_TEST_DATA "/config/fixtures"

/* The smallest valid file: everything else has a default. */
#define HEAD "[school]\nname = Hollybrook Primary School\n[device]\nid = door-1\n"

static char msg[512];

/* Parses text as "school.ini", expecting failure with exactly the message want. */
static void expect_error(const char *text, ld_err code, const char *want)
{
    struct ld_config cfg;
    memset(&cfg, 0x5A, sizeof cfg);
    struct ld_config before = cfg;
    msg[0] = '\0';
    ld_err err = ld_config_parse_string(text, "school.ini", &cfg, msg, sizeof msg);
    if (strcmp(msg, want))
        print_error("got  %s\nwant %s\n", msg, want);
    assert_string_equal(msg, want);
    assert_int_equal(err, code);
    assert_memory_equal(&cfg, &before, sizeof cfg); /* nothing changed on failure */
}

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

static int use_fixture_zones(void **state)
{
    /* Hermetic: the zones the tests name come from the fixtures, not the build machine. */
    return setenv("TZDIR", FIXTURES "/zoneinfo", 1);
}

static void good_file(void **state)
{
    struct ld_config cfg;
    ld_err err = ld_config_load(FIXTURES "/school.ini", &cfg, msg, sizeof msg);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_string_equal(cfg.school_name, "Hollybrook Primary School");
    assert_string_equal(cfg.timezone, "Europe/London");
    assert_int_equal(cfg.sessions.am.start, 8 * 60 + 50);
    assert_int_equal(cfg.sessions.am.register_closes, 9 * 60 + 20);
    assert_int_equal(cfg.sessions.pm.start, 13 * 60);
    assert_int_equal(cfg.sessions.pm.register_closes, 13 * 60 + 30);
    assert_int_equal(cfg.reason_count, 4);
    assert_string_equal(cfg.reasons[0].name, "Medical appointment");
    assert_int_equal(cfg.reasons[0].rule.before_close, LD_CODE_NONE);
    assert_int_equal(cfg.reasons[0].rule.after_close, LD_CODE_M);
    assert_string_equal(cfg.reasons[3].name, "Religious observance");
    assert_int_equal(cfg.reasons[3].rule.before_close, LD_CODE_R);
    assert_string_equal(cfg.device_id, "door-1");
    assert_int_equal(cfg.mode, LD_MODE_LATE_DOOR);
    assert_int_equal(cfg.debounce_ms, 4000);
    assert_int_equal(cfg.reason_timeout_s, 30);
    assert_int_equal(cfg.reader, LD_READER_SIM);
    assert_string_equal(cfg.reader_connstring, "pn532_uart:/dev/ttyS0");
    assert_string_equal(cfg.reader_path, "/run/latedoor/sim.sock");
    assert_int_equal(cfg.staff_idle_lock_s, 90);
    assert_string_equal(cfg.calendar_path, FIXTURES "/calendar.ini");
    assert_string_equal(cfg.store_path, "/var/lib/latedoor/device.db");

    const struct ld_reason_rule *rule = ld_config_reason(&cfg, "Medical appointment");
    assert_non_null(rule);
    assert_int_equal(rule->after_close, LD_CODE_M);
    assert_ptr_equal(ld_config_reason(&cfg, "medical APPOINTMENT"), rule); /* any case */
    assert_null(ld_config_reason(&cfg, "Dentist"));
    assert_null(ld_config_reason(NULL, "Traffic"));
}

static void defaults_fill_the_rest(void **state)
{
    struct ld_config cfg = parse_ok(HEAD);
    struct ld_config def;
    ld_config_default(&def);
    assert_string_equal(cfg.school_name, "Hollybrook Primary School");
    assert_string_equal(cfg.device_id, "door-1");
    assert_string_equal(cfg.timezone, "Europe/London");
    assert_memory_equal(&cfg.sessions, &def.sessions, sizeof def.sessions);
    assert_int_equal(cfg.reason_count, 4);
    assert_string_equal(cfg.reasons[0].name, "Medical appointment");
    assert_int_equal(cfg.reasons[0].rule.after_close, LD_CODE_M);
    assert_string_equal(cfg.reasons[3].name, "Other");
    assert_int_equal(cfg.mode, LD_MODE_LATE_DOOR);
    assert_int_equal(cfg.debounce_ms, 5000);
    assert_int_equal(cfg.reason_timeout_s, 20);
    assert_int_equal(cfg.reader, LD_READER_NFC);
    assert_string_equal(cfg.reader_connstring, "");
    assert_string_equal(cfg.reader_path, "");
    assert_int_equal(cfg.staff_idle_lock_s, 60);
    assert_string_equal(cfg.calendar_path, "calendar.ini"); /* the name has no directory */
    assert_string_equal(cfg.store_path, "/var/lib/latedoor/device.db");
    assert_string_equal(ld_device_mode_name(cfg.mode), "late_door");
    assert_string_equal(ld_reader_driver_name(cfg.reader), "nfc");
    assert_string_equal(ld_device_mode_name((enum ld_device_mode)7), "?");
}

static void paths_are_relative_to_the_file(void **state)
{
    struct ld_config cfg;
    const char *text = HEAD "[paths]\ncalendar = cal/2026.ini\nstore = data/device.db\n";
    assert_int_equal(
        ld_config_parse_string(text, "/etc/latedoor/school.ini", &cfg, msg, sizeof msg), LD_OK);
    assert_string_equal(cfg.calendar_path, "/etc/latedoor/cal/2026.ini");
    assert_string_equal(cfg.store_path, "/etc/latedoor/data/device.db");
    assert_int_equal(ld_config_parse_string(HEAD, "/school.ini", &cfg, msg, sizeof msg), LD_OK);
    assert_string_equal(cfg.calendar_path, "/calendar.ini");
    assert_int_equal(ld_config_parse_string(HEAD, "conf/school.ini", &cfg, msg, sizeof msg), LD_OK);
    assert_string_equal(cfg.calendar_path, "conf/calendar.ini");
    /* kiosk-door2: the pupils' photo folder, none by default, relative to the file too. */
    assert_string_equal(cfg.kiosk_photos, "");
    assert_int_equal(ld_config_parse_string(HEAD "[kiosk]\nphotos = photos\n",
                                            "/etc/latedoor/school.ini", &cfg, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(cfg.kiosk_photos, "/etc/latedoor/photos");
    assert_int_equal(ld_config_parse_string(HEAD "[kiosk]\nphotos = /var/lib/latedoor/photos\n",
                                            "/etc/latedoor/school.ini", &cfg, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(cfg.kiosk_photos, "/var/lib/latedoor/photos");
    expect_error(HEAD "[kiosk]\npictures = x\n", LD_ERR_INVALID,
                 "school.ini:6: kiosk.pictures: unknown key");
}

static void gate_mode_and_drivers(void **state)
{
    struct ld_config cfg = parse_ok(HEAD "mode = Gate\n[reader]\ndriver = none\n");
    assert_int_equal(cfg.mode, LD_MODE_GATE);
    assert_int_equal(cfg.reader, LD_READER_NONE);
    cfg = parse_ok(HEAD "[reader]\ndriver = wedge\npath = /dev/input/by-id/usb-reader\n");
    assert_int_equal(cfg.reader, LD_READER_WEDGE);
    assert_string_equal(cfg.reader_path, "/dev/input/by-id/usb-reader");
    cfg = parse_ok(HEAD "[reader]\ndriver = sim\n");
    assert_string_equal(cfg.reader_path, "/run/latedoor/sim.sock");
    expect_error(HEAD "[reader]\ndriver = wedge\n", LD_ERR_INVALID,
                 "school.ini:6: reader.path: required with the wedge driver (the input device)");
    expect_error(HEAD "mode = door\n", LD_ERR_INVALID,
                 "school.ini:5: device.mode: not a mode (late_door or gate): \"door\"");
    expect_error(HEAD "[reader]\ndriver = usb\n", LD_ERR_INVALID,
                 "school.ini:6: reader.driver: not a reader driver (nfc, wedge, sim or none): "
                 "\"usb\"");
}

static void bad_time(void **state)
{
    expect_error(HEAD "[sessions]\nam_start = 8:50\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.am_start: not a time of day (HH:MM, 24-hour clock): "
                 "\"8:50\"");
    expect_error(HEAD "[sessions]\npm_start = 25:00\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.pm_start: not a time of day (HH:MM, 24-hour clock): "
                 "\"25:00\"");
    expect_error(HEAD "[sessions]\npm_register_closes = 1:30pm\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.pm_register_closes: not a time of day (HH:MM, 24-hour "
                 "clock): \"1:30pm\"");
}

static void register_open_31_minutes(void **state)
{
    expect_error(HEAD "[sessions]\nam_start = 08:50\nam_register_closes = 09:21\n", LD_ERR_INVALID,
                 "school.ini:7: sessions.am_register_closes: more than 30 minutes after the "
                 "session start");
    /* Exactly 30 is the law's limit and allowed. */
    struct ld_config cfg = parse_ok(HEAD "[sessions]\nam_start = 08:45\nam_register_closes = "
                                         "09:15\n");
    assert_int_equal(cfg.sessions.am.register_closes, 9 * 60 + 15);
    expect_error(HEAD "[sessions]\npm_register_closes = 12:55\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.pm_register_closes: before the session start");
    /* A start moved without its close: the message says the close is the default. */
    expect_error(HEAD "[sessions]\npm_start = 12:00\n", LD_ERR_INVALID,
                 "school.ini: sessions.pm_register_closes (default 13:30): more than 30 "
                 "minutes after the session start");
}

static void pm_before_am_closes(void **state)
{
    expect_error(HEAD "[sessions]\nam_register_closes = 09:20\npm_start = 09:10\n"
                      "pm_register_closes = 09:30\n",
                 LD_ERR_INVALID,
                 "school.ini:7: sessions.pm_start: not after the am register closes");
}

/* sessions.school_ends (kiosk-claims, issue 15): 15:30 by default, after the pm register. */
static void school_ends(void **state)
{
    struct ld_config cfg = parse_ok(HEAD);
    assert_int_equal(cfg.school_ends, 15 * 60 + 30);
    cfg = parse_ok(HEAD "[sessions]\nschool_ends = 15:10\n");
    assert_int_equal(cfg.school_ends, 15 * 60 + 10);
    expect_error(HEAD "[sessions]\nschool_ends = 13:30\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.school_ends: must be after the afternoon register "
                 "closes (13:30)");
    expect_error(HEAD "[sessions]\nschool_ends = 3pm\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.school_ends: not a time of day (HH:MM, 24-hour clock): "
                 "\"3pm\"");
}

static void reasons(void **state)
{
    struct ld_config cfg = parse_ok(HEAD "[reasons]\nDentist = L, M\nBus late=-,-\n");
    assert_int_equal(cfg.reason_count, 2);
    assert_string_equal(cfg.reasons[1].name, "Bus late");
    assert_int_equal(cfg.reasons[0].rule.before_close, LD_CODE_L);
    assert_int_equal(cfg.reasons[1].rule.after_close, LD_CODE_NONE);
    expect_error(HEAD "[reasons]\nTraffic = -, Q9\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Traffic: \"Q9\" is not an attendance code (or \"-\" "
                 "for no change)");
    expect_error(HEAD "[reasons]\nTraffic = m, -\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Traffic: \"m\" is not an attendance code (or \"-\" "
                 "for no change)");
    expect_error(HEAD "[reasons]\nTraffic = M\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Traffic: expected \"code before the register closes, "
                 "code after\" (\"-\" for no change): \"M\"");
    expect_error(HEAD "[reasons]\nTraffic = -, , M\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Traffic: expected \"code before the register closes, "
                 "code after\" (\"-\" for no change): \"-, , M\"");
    expect_error(HEAD "[reasons]\nTraffic = , M\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Traffic: \"\" is not an attendance code (or \"-\" for "
                 "no change)");
    expect_error(HEAD "[reasons]\nTraffic = -, -\ntraffic = -, M\n", LD_ERR_DUPLICATE,
                 "school.ini:7: reasons.traffic: given twice (first on line 6)");
    /* Issue 12: only codes that make sense for a child at the late door. */
    expect_error(HEAD "[reasons]\nClosure = -, #\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Closure: # makes no sense for a child who arrives late "
                 "after the register closes: use -, U, M, I, R, J1 or C (docs/config.md)");
    expect_error(HEAD "[reasons]\nToo young = X, -\n", LD_ERR_INVALID,
                 "school.ini:6: reasons.Too young: X makes no sense for a child who arrives late "
                 "before the register closes: use -, L, M, I, R, J1 or C (docs/config.md)");
    static const char *const refused[] = {"/", "\\", "U", "N",  "G", "O",  "K",
                                          "B", "D",  "Z", "Y1", "E", "C2", "Q"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s[reasons]\nX = %s, -\n", HEAD, refused[i]);
        struct ld_config c;
        char why[256];
        assert_int_equal(ld_config_parse_string(text, "school.ini", &c, why, sizeof why),
                         LD_ERR_INVALID);
    }
    cfg = parse_ok(HEAD "[reasons]\nIll = I, I\nMosque = R, R\nInterview = J1, J1\n"
                        "Leave = C, C\nStill late = L, U\n");
    assert_int_equal(cfg.reason_count, 5);
}

static void too_many_reasons(void **state)
{
    char text[1024];
    int n = snprintf(text, sizeof text, "%s[reasons]\n", HEAD);
    for (int i = 1; i <= LD_CONFIG_MAX_REASONS + 1; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "Reason %d = -, -\n", i);
    expect_error(text, LD_ERR_RANGE, "school.ini:18: reasons.Reason 13: more than 12 reasons");
}

static void bad_timezone(void **state)
{
    struct ld_config cfg = parse_ok(HEAD "[school]\ntimezone = UTC\n");
    assert_string_equal(cfg.timezone, "UTC");
    cfg = parse_ok(HEAD "[school]\ntimezone = Etc/UTC\n");
    assert_string_equal(cfg.timezone, "Etc/UTC");
    static const char *const bad[] = {
        "Europe/Londn",
        "../../../etc/passwd",
        "Europe/../Europe/London",
        "/etc/localtime",
        "Europe",
        "Europe/",
        "Europe//London",
        "Europe/Fake",
        "Europe/London ;x",
        "Europe\\London",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], want[256];
        snprintf(text, sizeof text, HEAD "[school]\ntimezone = %s\n", bad[i]);
        /* inih cuts an inline comment: "Europe/London ;x" is Europe/London, which is fine. */
        if (strstr(bad[i], ";")) {
            parse_ok(text);
            continue;
        }
        snprintf(want, sizeof want,
                 "school.ini:6: school.timezone: not a time zone of the system's database: "
                 "\"%s\"",
                 !strcmp(bad[i], "Europe\\London") ? "Europe\\\\London" : bad[i]);
        expect_error(text, LD_ERR_INVALID, want);
    }
}

static void unknown_keys_and_sections(void **state)
{
    expect_error(HEAD "colour = blue\n", LD_ERR_INVALID,
                 "school.ini:5: device.colour: unknown key");
    expect_error(HEAD "[sessions]\nam_register_close = 09:20\n", LD_ERR_INVALID,
                 "school.ini:6: sessions.am_register_close: unknown key");
    expect_error(HEAD "[session]\nam_start = 08:50\n", LD_ERR_INVALID,
                 "school.ini:6: session.am_start: unknown section [session]");
    expect_error("name = Hollybrook\n", LD_ERR_INVALID,
                 "school.ini:1: name: outside any [section]");
    /* Case and blanks inside the brackets do not matter; keys are matched without case too. */
    struct ld_config cfg = parse_ok("[ School ]\nNAME = Hollybrook\n[DEVICE]\nId = gate-2\n");
    assert_string_equal(cfg.device_id, "gate-2");
    expect_error(HEAD "[device]\nid = door-2\n", LD_ERR_DUPLICATE,
                 "school.ini:6: device.id: given twice (first on line 4)");
}

static void over_long_values(void **state)
{
    char text[1024], name[LD_CONFIG_NAME_MAX + 2];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(text, sizeof text, "[school]\nname = %s\n[device]\nid = door-1\n", name);
    expect_error(text, LD_ERR_RANGE, "school.ini:2: school.name: longer than 64 bytes");
    name[LD_CONFIG_NAME_MAX] = '\0'; /* exactly 64: fine */
    snprintf(text, sizeof text, "[school]\nname = %s\n[device]\nid = door-1\n", name);
    assert_int_equal(strlen(parse_ok(text).school_name), LD_CONFIG_NAME_MAX);

    expect_error("[school]\nname = H\n[device]\nid = door-1-with-a-name-far-too-long-for-it\n",
                 LD_ERR_RANGE, "school.ini:4: device.id: longer than 32 bytes");
    expect_error("[school]\nname = H\n[device]\nid = door 1\n", LD_ERR_INVALID,
                 "school.ini:4: device.id: may hold only letters, digits, '.', '_' and '-': "
                 "\"door 1\"");
    expect_error(HEAD "[reasons]\nA reason with a name too long for the screen = -, M\n",
                 LD_ERR_RANGE,
                 "school.ini:6: reasons.A reason with a name too long for the screen: longer "
                 "than 40 bytes");

    /* inih reads lines into a buffer of 200 bytes; a longer line is refused, not cut. */
    char line[300];
    memset(line, 'y', sizeof line);
    snprintf(text, sizeof text, HEAD "[reader]\nconnstring = %.*s\n", 190, line);
    expect_error(text, LD_ERR_RANGE, "school.ini:6: line longer than 199 bytes");

    /* A relative path that grows past the cap once joined to the file's directory. */
    char dir[300];
    memset(dir, 'd', 250);
    memcpy(dir + 250, "/school.ini", 12);
    struct ld_config cfg;
    assert_int_equal(ld_config_parse_string(HEAD "[paths]\ncalendar = calendars/2026-27.ini\n", dir,
                                            &cfg, msg, sizeof msg),
                     LD_ERR_RANGE);
    assert_non_null(strstr(msg, ":6: paths.calendar: longer than 255 bytes once made absolute"));
}

static void bad_number(void **state)
{
    expect_error(HEAD "debounce_ms = 5s\n", LD_ERR_INVALID,
                 "school.ini:5: device.debounce_ms: not a whole number of milliseconds: \"5s\"");
    expect_error(HEAD "debounce_ms = -1\n", LD_ERR_INVALID,
                 "school.ini:5: device.debounce_ms: not a whole number of milliseconds: \"-1\"");
    expect_error(HEAD "debounce_ms =\n", LD_ERR_INVALID,
                 "school.ini:5: device.debounce_ms: not a whole number of milliseconds: \"\"");
    expect_error(HEAD "debounce_ms = 1e3\n", LD_ERR_INVALID,
                 "school.ini:5: device.debounce_ms: not a whole number of milliseconds: \"1e3\"");
    expect_error(HEAD "debounce_ms = 99999999999\n", LD_ERR_INVALID,
                 "school.ini:5: device.debounce_ms: not a whole number of milliseconds: "
                 "\"99999999999\"");
    expect_error(HEAD "debounce_ms = 60001\n", LD_ERR_RANGE,
                 "school.ini:5: device.debounce_ms: 60001 is out of range (0 to 60000 "
                 "milliseconds)");
    expect_error(HEAD "reason_timeout_s = 0\n", LD_ERR_RANGE,
                 "school.ini:5: device.reason_timeout_s: 0 is out of range (1 to 600 seconds)");
    expect_error(HEAD "[staff]\nidle_lock_s = 5\n", LD_ERR_RANGE,
                 "school.ini:6: staff.idle_lock_s: 5 is out of range (10 to 3600 seconds)");
    assert_int_equal(parse_ok(HEAD "debounce_ms = 0\n").debounce_ms, 0);
    /* kiosk-door: the staff lists on the kiosk, off unless the school says on. */
    assert_false(parse_ok(HEAD).staff_lists_on_kiosk);
    assert_true(parse_ok(HEAD "[staff]\nlists_on_kiosk = on\n").staff_lists_on_kiosk);
    assert_true(parse_ok(HEAD "[staff]\nlists_on_kiosk = Yes\n").staff_lists_on_kiosk);
    assert_false(parse_ok(HEAD "[staff]\nlists_on_kiosk = off\n").staff_lists_on_kiosk);
    assert_false(parse_ok(HEAD).staff_confirm_late_touch);
    assert_true(parse_ok(HEAD "[staff]\nconfirm_late_touch = on\n").staff_confirm_late_touch);
    /* kiosk-door: how a wedge reader types the UID. */
    assert_int_equal(parse_ok(HEAD).wedge_format, 0);
    assert_int_equal(parse_ok(HEAD "[reader]\nwedge_format = decimal\n").wedge_format, 2);
    assert_true(parse_ok(HEAD "[reader]\nwedge_reversed = on\n").wedge_reversed);
    expect_error(HEAD "[reader]\nwedge_format = octal\n", LD_ERR_INVALID,
                 "school.ini:6: reader.wedge_format: not a wedge format (auto, hex or decimal): "
                 "\"octal\"");
    expect_error(HEAD "[staff]\nlists_on_kiosk = 2\n", LD_ERR_INVALID,
                 "school.ini:6: staff.lists_on_kiosk: not on or off: \"2\"");
}

static void syntax_and_bytes(void **state)
{
    expect_error(HEAD "[sessions]\nam_start 08:50\n", LD_ERR_INVALID,
                 "school.ini:6: expected \"[section]\" or \"key = value\": \"am_start 08:50\"");
    expect_error(HEAD "[reasons]\nMedical: dentist = -, M\n", LD_ERR_INVALID,
                 "school.ini:6: a key cannot hold ':': \"Medical: dentist = -, M\"");
    expect_error(HEAD "[sessions\nam_start = 08:50\n", LD_ERR_INVALID,
                 "school.ini:5: expected \"[section]\" or \"key = value\": \"[sessions\"");
    /* The earlier of a syntax error and a bad value is the one reported. */
    expect_error(HEAD "oops\ndebounce_ms = 5s\n", LD_ERR_INVALID,
                 "school.ini:5: expected \"[section]\" or \"key = value\": \"oops\"");
    expect_error(HEAD "debounce_ms = 5s\noops\n", LD_ERR_INVALID,
                 "school.ini:5: device.debounce_ms: not a whole number of milliseconds: \"5s\"");
    expect_error("[school]\nname = Holl\xC3\xBF\xFF\n[device]\nid = door-1\n", LD_ERR_INVALID,
                 "school.ini:2: not valid UTF-8");
    expect_error("[school]\nname = Hollybrook\x01\n", LD_ERR_INVALID,
                 "school.ini:2: contains a control character");
    expect_error("[school]\nname = Holly\tbrook\n[device]\nid = door-1\n", LD_ERR_INVALID,
                 "school.ini:2: school.name: contains a control character");
    expect_error("[school]\nname =\n[device]\nid = door-1\n", LD_ERR_INVALID,
                 "school.ini:2: school.name: empty");
    /* A BOM, CRLF, comments and indentation are all fine; indented lines are keys of their own. */
    struct ld_config cfg = parse_ok("\xEF\xBB\xBF; a comment\r\n# another\r\n[school]\r\n"
                                    "  name = Hollybrook ; trailing comment\r\n"
                                    "  timezone = UTC\r\n[device]\r\n\tid = door-1\r\n");
    assert_string_equal(cfg.school_name, "Hollybrook");
    assert_string_equal(cfg.timezone, "UTC");
    assert_string_equal(cfg.device_id, "door-1");
    /* Zoë's school keeps its UTF-8 name. */
    cfg = parse_ok("[school]\nname = École Zoë Primary\n[device]\nid = d\n");
    assert_string_equal(cfg.school_name, "École Zoë Primary");
}

static void required_keys(void **state)
{
    expect_error("[device]\nid = door-1\n", LD_ERR_INVALID,
                 "school.ini: school.name: required, and not given");
    expect_error("[school]\nname = Hollybrook\n", LD_ERR_INVALID,
                 "school.ini: device.id: required, and not given");
    expect_error("", LD_ERR_INVALID, "school.ini: school.name: required, and not given");
}

static void file_errors(void **state)
{
    struct ld_config cfg;
    assert_int_equal(ld_config_load(FIXTURES "/no-such.ini", &cfg, msg, sizeof msg),
                     LD_ERR_NOT_FOUND);
    assert_string_equal(msg, FIXTURES "/no-such.ini: cannot open: No such file or directory");
    assert_int_equal(ld_config_load(FIXTURES, &cfg, msg, sizeof msg), LD_ERR_IO);

    char path[] = "/tmp/ld-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(HEAD, f);
    for (int i = 0; i < LD_CONFIG_FILE_MAX / 10; i++)
        fputs(";comment.\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(ld_config_load(path, &cfg, msg, sizeof msg), LD_ERR_RANGE);
    assert_non_null(strstr(msg, ": larger than 65536 bytes"));

    f = fopen(path, "w");
    assert_non_null(f);
    fwrite(HEAD "\0x", 1, sizeof HEAD + 1, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(ld_config_load(path, &cfg, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, ": contains a NUL byte: not a text file"));
    unlink(path);

    assert_int_equal(ld_config_parse_string(NULL, "x.ini", &cfg, msg, sizeof msg), LD_ERR_INVALID);
    /* A message buffer of any size, even none, is fine. */
    assert_int_equal(ld_config_parse_string("[x]\ny=1\n", "school.ini", &cfg, NULL, 0),
                     LD_ERR_INVALID);
    char tiny[8];
    assert_int_equal(ld_config_parse_string("[x]\ny=1\n", "school.ini", &cfg, tiny, sizeof tiny),
                     LD_ERR_INVALID);
    assert_string_equal(tiny, "school.");
}

static void central_section(void **state)
{
    /* Defaults: sync off, with the usual intervals. */
    struct ld_config cfg = parse_ok(HEAD);
    assert_string_equal(cfg.central_url, "");
    assert_string_equal(cfg.central_passfile, "");
    assert_int_equal(cfg.sync_interval_s, 60);
    assert_int_equal(cfg.sync_batch, 1000);
    assert_int_equal(cfg.sync_retry_min_s, 5);
    assert_int_equal(cfg.sync_retry_max_s, 600);

    cfg = parse_ok(HEAD "[central]\n"
                        "url = postgresql://ld_dev_door-1@central.example:5432/latedoor"
                        "?sslmode=verify-full\n"
                        "passfile = secrets/central.pass\ninterval_s = 30\nbatch = 500\n"
                        "retry_min_s = 2\nretry_max_s = 120\n");
    assert_string_equal(
        cfg.central_url,
        "postgresql://ld_dev_door-1@central.example:5432/latedoor?sslmode=verify-full");
    assert_string_equal(cfg.central_passfile, "secrets/central.pass"); /* no directory: as given */
    assert_int_equal(cfg.sync_interval_s, 30);
    assert_int_equal(cfg.sync_batch, 500);
    assert_int_equal(cfg.sync_retry_min_s, 2);
    assert_int_equal(cfg.sync_retry_max_s, 120);
    cfg = parse_ok(HEAD "[central]\nurl = sqlite:/var/lib/latedoor/central.db\n");
    assert_string_equal(cfg.central_url, "sqlite:/var/lib/latedoor/central.db");

    /* A relative passfile is taken from the config file's directory. */
    assert_int_equal(ld_config_parse_string(HEAD "[central]\nurl = sqlite:/c.db\npassfile = p\n",
                                            "/etc/latedoor/school.ini", &cfg, msg, sizeof msg),
                     LD_OK);
    assert_string_equal(cfg.central_passfile, "/etc/latedoor/p");

    /* A password in the URL is refused without being quoted back. */
    expect_error(HEAD "[central]\nurl = postgresql://ld_dev_x:s3cret@host/db\n", LD_ERR_INVALID,
                 "school.ini:6: central.url: holds a password: put it in central.passfile (a "
                 "file of mode 0600) instead");
    expect_error(HEAD "[central]\nurl = host=db user=x password=s3cret\n", LD_ERR_INVALID,
                 "school.ini:6: central.url: holds a password: put it in central.passfile (a "
                 "file of mode 0600) instead");
    expect_error(HEAD "[central]\nurl = postgresql://x@host/db?sslmode=require&password=s3\n",
                 LD_ERR_INVALID,
                 "school.ini:6: central.url: holds a password: put it in central.passfile (a "
                 "file of mode 0600) instead");
    /* "@" in a query, or a user without a password, is no password. */
    cfg =
        parse_ok(HEAD "[central]\nurl = postgresql://ld_dev_x@host:5432/db?application_name=a@b\n");
    assert_string_equal(cfg.central_url, "postgresql://ld_dev_x@host:5432/db?application_name=a@b");

    expect_error(HEAD "[central]\nurl =\n", LD_ERR_INVALID, "school.ini:6: central.url: empty");
    expect_error(HEAD "[central]\ninterval_s = 0\n", LD_ERR_RANGE,
                 "school.ini:6: central.interval_s: 0 is out of range (1 to 86400 seconds)");
    expect_error(HEAD "[central]\nbatch = 5001\n", LD_ERR_RANGE,
                 "school.ini:6: central.batch: 5001 is out of range (1 to 5000 events)");
    expect_error(HEAD "[central]\nretry_min_s = 60\nretry_max_s = 30\n", LD_ERR_INVALID,
                 "school.ini:7: central.retry_max_s: 30 is less than central.retry_min_s (60)");
    expect_error(HEAD "[central]\nretry_min_s = 700\n", LD_ERR_INVALID,
                 "school.ini:6: central.retry_max_s: 600 is less than central.retry_min_s (700)");
    expect_error(HEAD "[central]\npassfile = /etc/latedoor/central.pass\n", LD_ERR_INVALID,
                 "school.ini:6: central.passfile: given without central.url");
    expect_error(HEAD "[central]\nurl = sqlite:/a.db\nurl = sqlite:/b.db\n", LD_ERR_DUPLICATE,
                 "school.ini:7: central.url: given twice (first on line 6)");
    expect_error(HEAD "[central]\nuser = x\n", LD_ERR_INVALID,
                 "school.ini:6: central.user: unknown key");
    char text[1024];
    char url[600];
    memset(url, 'a', sizeof url - 1);
    url[sizeof url - 1] = '\0';
    snprintf(text, sizeof text, HEAD "[central]\nurl = %s\n", url);
    /* inih's line buffer is the real cap on a URL: about 190 bytes. */
    expect_error(text, LD_ERR_RANGE, "school.ini:6: line longer than 199 bytes");
}

static void demo_school(void **state)
{
    struct ld_config cfg;
    unsetenv("TZDIR");
    if (access("/usr/share/zoneinfo/Europe/London", R_OK) != 0)
        skip();
    ld_err err = ld_config_load(LD_TEST_DATA "/../assets/demo/school.ini", &cfg, msg, sizeof msg);
    setenv("TZDIR", FIXTURES "/zoneinfo", 1);
    if (err)
        print_error("%s\n", msg);
    assert_int_equal(err, LD_OK);
    assert_string_equal(cfg.timezone, "Europe/London");
    assert_non_null(strstr(cfg.calendar_path, "assets/demo/calendar.ini"));
}

/* ---- the school's own settings: arrival mode, bands, pattern thresholds ---- */

static void school_defaults(void **state)
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

/*
 * A school's settings as a device takes them from the centre: single settings one by one, the
 * sessions together and the reasons as one list in the order of N; a bad value leaves out its
 * setting or its whole group, named in problem.
 */
static void school_settings_as_groups(void **state)
{
    (void)state;
    struct ld_config cfg = parse_ok(HEAD), file = cfg;
    char problem[160];
    const struct ld_config_setting good[] = {
        {"arrival_mode", "everyone signs in"},
        {"reason.10", "Snow = -, -"},
        {"reason.1", "Orthodontist = -, M"},
        {"reason.2", "Bus = late = L, U"}, /* a name with "=": the codes follow the last one */
        {"sessions.am_register_closes", "09:05"},
        {"sessions.pm_start", "13:10"},
        {"sessions.pm_register_closes", "13:40"},
    };
    assert_int_equal(ld_config_apply_school(&cfg, good, 7, problem, sizeof problem), LD_OK);
    assert_string_equal(problem, "");
    assert_int_equal(cfg.arrival_mode, LD_ARRIVAL_EVERYONE);
    assert_int_equal(cfg.sessions.am.register_closes, 9 * 60 + 5);
    assert_int_equal(cfg.sessions.pm.start, 13 * 60 + 10);
    assert_int_equal(cfg.sessions.am.start, file.sessions.am.start); /* not given: the file's */
    assert_int_equal(cfg.reason_count, 3);
    assert_string_equal(cfg.reasons[0].name, "Orthodontist");
    assert_int_equal(cfg.reasons[0].rule.after_close, LD_CODE_M);
    assert_string_equal(cfg.reasons[1].name, "Bus = late");
    assert_string_equal(cfg.reasons[2].name, "Snow");

    /* One bad time: none of the sessions; one bad reason: none of the list; the rest stand. */
    const struct ld_config_setting bad[] = {
        {"arrival_mode", "everyone signs in"},    {"reason.1", "Orthodontist = -, M"},
        {"reason.2", "Bus late = U, U"},          {"sessions.am_start", "09:00"},
        {"sessions.am_register_closes", "08:55"},
    };
    cfg = file;
    assert_int_equal(ld_config_apply_school(&cfg, bad, 5, problem, sizeof problem), LD_OK);
    assert_non_null(strstr(problem, "sessions"));
    assert_int_equal(cfg.arrival_mode, LD_ARRIVAL_EVERYONE);
    assert_memory_equal(&cfg.sessions, &file.sessions, sizeof cfg.sessions);
    assert_int_equal(cfg.reason_count, file.reason_count);
    assert_string_equal(cfg.reasons[0].name, file.reasons[0].name);
    const struct ld_config_setting bad_reason[] = {{"reason.1", "Orthodontist = -, M"},
                                                   {"reason.2", "Bus late = U, U"}};
    assert_int_equal(ld_config_apply_school(&cfg, bad_reason, 2, problem, sizeof problem), LD_OK);
    assert_non_null(strstr(problem, "reason.2: U makes no sense"));
    assert_int_equal(cfg.reason_count, file.reason_count);
    const struct ld_config_setting odd[][1] = {{{"reason.x", "A = -, -"}},
                                               {{"reason.1", "no codes"}},
                                               {{"sessions.lunch", "12:00"}},
                                               {{"sessions.am_start", "9am"}},
                                               {{"bands", "90"}}};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        cfg = file;
        assert_int_equal(ld_config_apply_school(&cfg, odd[i], 1, problem, sizeof problem), LD_OK);
        if (strncmp(problem, odd[i][0].key, strlen(odd[i][0].key)))
            fail_msg("%s: problem \"%s\"", odd[i][0].key, problem);
        assert_memory_equal(&cfg, &file, sizeof cfg);
    }
}

/* The same settings written at the centre (the store's school.KEY), checked as the file's. */
static void settings_from_the_centre(void **state)
{
    struct ld_config cfg = parse_ok(HEAD), before;
    char problem[160];
    assert_int_equal(
        ld_config_apply_setting(&cfg, "arrival_mode", "everyone signs in", problem, sizeof problem),
        LD_OK);
    assert_int_equal(cfg.arrival_mode, LD_ARRIVAL_EVERYONE);
    assert_int_equal(
        ld_config_apply_setting(&cfg, "patterns.window_days", "15", problem, sizeof problem),
        LD_OK);
    assert_int_equal(cfg.patterns.window_days, 15);
    assert_int_equal(ld_config_apply_setting(&cfg, "bands", "96 = green; 90 = amber;0=red", problem,
                                             sizeof problem),
                     LD_OK);
    assert_int_equal(cfg.band_count, 3);
    assert_string_equal(cfg.bands[1].label, "amber");
    assert_true(cfg.bands[2].min == 0);

    before = cfg;
    assert_int_equal(ld_config_apply_setting(&cfg, "greeting", "Hello", problem, sizeof problem),
                     LD_ERR_NOT_FOUND);
    assert_int_equal(
        ld_config_apply_setting(&cfg, "arrival_mode", "sometimes", problem, sizeof problem),
        LD_ERR_INVALID);
    assert_int_equal(
        ld_config_apply_setting(&cfg, "patterns.window_days", "0", problem, sizeof problem),
        LD_ERR_RANGE);
    assert_int_equal(
        ld_config_apply_setting(&cfg, "bands", "90 = 1; 95 = 0", problem, sizeof problem),
        LD_ERR_INVALID);
    assert_non_null(strstr(problem, "not below"));
    assert_int_equal(ld_config_apply_setting(&cfg, "bands", "90", problem, sizeof problem),
                     LD_ERR_INVALID);
    assert_string_equal(problem, "band 1: expected \"min = stage\"");
    assert_int_equal(ld_config_apply_setting(&cfg, "bands", "", problem, sizeof problem),
                     LD_ERR_INVALID);
    assert_memory_equal(&cfg, &before, sizeof cfg); /* nothing changed by a bad one */
}

/* kiosk-lang: the home languages offered at the door besides English. */
static void languages(void **state)
{
    (void)state;
    struct ld_config cfg = parse_ok(HEAD);
    assert_int_equal(cfg.language_count, 0); /* English only by default */
    cfg = parse_ok(HEAD "[kiosk]\nlanguages = pl, ro\n");
    assert_int_equal(cfg.language_count, 2);
    assert_string_equal(cfg.languages[0], "pl");
    assert_string_equal(cfg.languages[1], "ro");
    expect_error(HEAD "[kiosk]\nlanguages = pl, PL\n", LD_ERR_INVALID,
                 "school.ini:6: kiosk.languages: language 2: not a code of 2 or 3 small letters "
                 "(\"pl, ro\")");
    expect_error(HEAD "[kiosk]\nlanguages = pl, pl\n", LD_ERR_INVALID,
                 "school.ini:6: kiosk.languages: pl given twice");
    expect_error(HEAD "[kiosk]\nlanguages = en, pl\n", LD_ERR_INVALID,
                 "school.ini:6: kiosk.languages: en: English is always offered; list the others");
    expect_error(HEAD "[kiosk]\nlanguages = pl,\n", LD_ERR_INVALID,
                 "school.ini:6: kiosk.languages: a comma with no language after it");
    expect_error(HEAD "[kiosk]\nlanguages = pl, ro, uk, pa, ur, so, lt\n", LD_ERR_RANGE,
                 "school.ini:6: kiosk.languages: more than 6 languages");

    /* The same written at the centre; a bad one changes nothing. */
    char problem[160];
    assert_int_equal(
        ld_config_apply_setting(&cfg, "kiosk.languages", "ro", problem, sizeof problem), LD_OK);
    assert_int_equal(cfg.language_count, 1);
    assert_string_equal(cfg.languages[0], "ro");
    struct ld_config before = cfg;
    assert_int_equal(
        ld_config_apply_setting(&cfg, "kiosk.languages", "ro, r0", problem, sizeof problem),
        LD_ERR_INVALID);
    assert_memory_equal(&cfg, &before, sizeof cfg);
    assert_int_equal(ld_config_apply_setting(&cfg, "kiosk.languages", "", problem, sizeof problem),
                     LD_OK);
    assert_int_equal(cfg.language_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_file),
        cmocka_unit_test(defaults_fill_the_rest),
        cmocka_unit_test(paths_are_relative_to_the_file),
        cmocka_unit_test(gate_mode_and_drivers),
        cmocka_unit_test(bad_time),
        cmocka_unit_test(register_open_31_minutes),
        cmocka_unit_test(pm_before_am_closes),
        cmocka_unit_test(school_ends),
        cmocka_unit_test(reasons),
        cmocka_unit_test(too_many_reasons),
        cmocka_unit_test(bad_timezone),
        cmocka_unit_test(unknown_keys_and_sections),
        cmocka_unit_test(over_long_values),
        cmocka_unit_test(bad_number),
        cmocka_unit_test(syntax_and_bytes),
        cmocka_unit_test(required_keys),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(central_section),
        cmocka_unit_test(demo_school),
        cmocka_unit_test(school_defaults),
        cmocka_unit_test(arrival_mode),
        cmocka_unit_test(bands),
        cmocka_unit_test(patterns),
        cmocka_unit_test(settings_from_the_centre),
        cmocka_unit_test(school_settings_as_groups),
        cmocka_unit_test(languages),
    };
    return cmocka_run_group_tests(tests, use_fixture_zones, NULL);
}
