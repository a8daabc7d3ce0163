/* test_device.c: loading a device's config, calendar and zone together, and making its reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void demo_school_loads(void **state)
{
    struct ld_device dev;
    char msg[256] = "";
    assert_int_equal(
        ld_device_load(LD_TEST_DATA "/../assets/demo/school.ini", &dev, msg, sizeof msg), LD_OK);
    assert_string_equal(dev.cfg.school_name, "Hollybrook Primary School");
    assert_string_equal(ld_tz_name(dev.tz), "Europe/London");
    assert_int_equal(ld_calendar_school_days(dev.cal), 190);
    ld_device_free(&dev);
    ld_device_free(NULL);
}

static void errors_name_the_file_and_leave_nothing(void **state)
{
    char dir[] = "/tmp/ld-device-XXXXXX", ini[64], cal[64], msg[256];
    assert_non_null(mkdtemp(dir));
    snprintf(ini, sizeof ini, "%s/school.ini", dir);
    snprintf(cal, sizeof cal, "%s/calendar.ini", dir);
    struct ld_device dev;

    write_file(ini, "[school]\nname = X\n[device]\nid = d\n");
    assert_int_equal(ld_device_load(ini, &dev, msg, sizeof msg), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "calendar.ini")); /* the calendar file is missing */
    assert_null(dev.cal);
    assert_null(dev.tz);

    write_file(cal, "[terms]\nAutumn 1 = 2026-09-07 .. 2026-09-01\n");
    assert_int_not_equal(ld_device_load(ini, &dev, msg, sizeof msg), LD_OK);
    assert_non_null(strstr(msg, "calendar.ini:2"));

    write_file(cal, "[terms]\nAutumn 1 = 2026-09-01 .. 2026-10-23\n");
    write_file(ini, "[school]\nname = X\ntimezone = Mars/Olympus\n[device]\nid = d\n");
    assert_int_not_equal(ld_device_load(ini, &dev, msg, sizeof msg), LD_OK);
    assert_non_null(strstr(msg, "timezone"));
    ld_device_free(&dev);

    write_file(ini, "[school]\nname = X\n[device]\nid = d\n[reader]\ndriver = none\n");
    assert_int_equal(ld_device_load(ini, &dev, msg, sizeof msg), LD_OK);
    struct ld_reader *r = (struct ld_reader *)1;
    assert_int_equal(ld_device_reader_create(&dev.cfg, &r, msg, sizeof msg), LD_OK);
    assert_null(r); /* touch only */
    ld_device_free(&dev);
    unlink(ini);
    unlink(cal);
    rmdir(dir);
}

static void without_calendar_loads_config_and_zone(void **state)
{
    (void)state;
    char dir[] = "/tmp/ld-device-XXXXXX", ini[64], msg[256] = "";
    assert_non_null(mkdtemp(dir));
    snprintf(ini, sizeof ini, "%s/school.ini", dir);
    struct ld_device dev;
    /* No calendar file (a new kiosk before its first sync): the config and zone load. */
    write_file(ini, "[school]\nname = X\n[device]\nid = d\n");
    assert_int_equal(ld_device_load_without_calendar(ini, &dev, msg, sizeof msg), LD_OK);
    assert_string_equal(dev.cfg.school_name, "X");
    assert_non_null(dev.tz);
    assert_null(dev.cal);
    assert_int_equal(dev.calfile.term_count, 0);
    assert_non_null(strstr(dev.cfg.calendar_path, "calendar.ini"));
    ld_device_free(&dev);
    /* The config's own errors still fail it, naming the file, and leave nothing. */
    write_file(ini, "[school]\nname = X\ntimezone = Mars/Olympus\n[device]\nid = d\n");
    assert_int_not_equal(ld_device_load_without_calendar(ini, &dev, msg, sizeof msg), LD_OK);
    assert_non_null(strstr(msg, "school.ini"));
    assert_non_null(strstr(msg, "timezone"));
    assert_null(dev.tz);
    unlink(ini);
    rmdir(dir);
}

static void config_path_precedence(void **state)
{
    unsetenv("LATEDOOR_CONFIG");
    assert_string_equal(ld_device_config_path(NULL), LD_DEVICE_DEFAULT_CONFIG);
    setenv("LATEDOOR_CONFIG", "/srv/school.ini", 1);
    assert_string_equal(ld_device_config_path(NULL), "/srv/school.ini");
    assert_string_equal(ld_device_config_path("/x.ini"), "/x.ini");
    unsetenv("LATEDOOR_CONFIG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_school_loads),
        cmocka_unit_test(errors_name_the_file_and_leave_nothing),
        cmocka_unit_test(without_calendar_loads_config_and_zone),
        cmocka_unit_test(config_path_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
