# The appliance: the kiosk's systemd notifications. The packages, units and upgrade are tested
# by tests/appliance/*.sh from tests/run.sh (they install .debs on the machine: CI only).
ld_unit_test(NAME test_watchdog SOURCES appliance/test_watchdog.c LIBS ld_watchdog
             LABELS appliance TIMEOUT 30)
add_test(NAME appliance_serial_alias
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/appliance/serial_alias.sh
          ${PROJECT_SOURCE_DIR}/packaging/udev/serial-alias)
set_tests_properties(appliance_serial_alias PROPERTIES LABELS appliance TIMEOUT 30)

# The kiosk itself under a notify socket: READY=1, pings from its loop, STOPPING=1 on SIGTERM.
add_executable(kiosk_notify appliance/kiosk_notify.c)
target_compile_definitions(kiosk_notify PRIVATE _GNU_SOURCE)
set_target_properties(kiosk_notify PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME appliance_kiosk_notify
  COMMAND kiosk_notify $<TARGET_FILE:latedoor-kiosk> --demo-fake --window 800x480)
set_tests_properties(appliance_kiosk_notify PROPERTIES LABELS appliance TIMEOUT 180
  ENVIRONMENT "SDL_VIDEODRIVER=dummy;SDL_RENDER_DRIVER=software;SDL_AUDIODRIVER=dummy")
