# The appliance: the kiosk's systemd notifications. The packages, units and upgrade are tested
# by tests/appliance/*.sh from tests/run.sh (they install .debs on the machine: CI only).
ld_unit_test(NAME test_watchdog SOURCES appliance/test_watchdog.c LIBS ld_watchdog
             LABELS appliance TIMEOUT 30)
add_test(NAME appliance_serial_alias
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/appliance/serial_alias.sh
          ${PROJECT_SOURCE_DIR}/packaging/udev/serial-alias)
set_tests_properties(appliance_serial_alias PROPERTIES LABELS appliance TIMEOUT 30)
