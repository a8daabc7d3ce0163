# Tests of clock (see CMakeLists.txt for ld_unit_test).
# test_clock: readings, health and repair through an injected clock source.
# test_clock_tz: the TZif reader and local-time conversions, against the system's zoneinfo,
# against glibc's localtime_r, and on corrupt files written to a temporary directory.
ld_unit_test(NAME test_clock SOURCES clock/test_clock.c LIBS ld_firmware LABELS clock)
ld_unit_test(NAME test_clock_tz SOURCES clock/test_clock_tz.c LIBS ld_firmware LABELS clock
             TIMEOUT 300)
