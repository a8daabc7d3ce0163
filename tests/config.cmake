# Tests of config (see CMakeLists.txt for ld_unit_test).
# The config file, the calendar file, the roster CSV reader and their validators.
foreach(t config calendar_file roster_csv roster_dates utf8_upn)
  ld_unit_test(NAME test_config_${t} SOURCES config/test_${t}.c LIBS ld_firmware LABELS config)
endforeach()
