# The office web application (office/web/, docs/office.md).
# test_office_store: the central store's office records and audit, the accounts (users.c), and
# the technician's changes of the rules and calendar (office/rules_edit.c).
# office_security: latedoor-office on loopback driven with curl: every refusal it owes.
# (test_office_store_sqlite and _pg: the same cases on each backend; _pg on the throwaway
# PostgreSQL of tests/central.cmake.)
add_executable(test_office_store office_app/test_office_store.c central/pg_info.c)
target_link_libraries(test_office_store PRIVATE ld_office_users ld_report PkgConfig::CENTRAL_SQLITE
                      PkgConfig::CENTRAL_PQ PkgConfig::CMOCKA)
target_include_directories(test_office_store PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/central)
target_compile_definitions(test_office_store PRIVATE _GNU_SOURCE)
set_target_properties(test_office_store PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME test_office_store_sqlite COMMAND test_office_store sqlite)
set_tests_properties(test_office_store_sqlite PROPERTIES TIMEOUT 120 LABELS office_app)
add_test(NAME test_office_store_pg COMMAND test_office_store pg)
set_tests_properties(test_office_store_pg PROPERTIES FIXTURES_REQUIRED central_pg
  ENVIRONMENT "LD_PG_INFO=${LD_PG_STATE}/pg.info" SKIP_RETURN_CODE 77 TIMEOUT 300
  LABELS "office_app;postgresql")
add_test(NAME office_security
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/office_app/security.sh $<TARGET_FILE:latedoor>
          $<TARGET_FILE:latedoor-office> $<TARGET_FILE:gen_store>)
set_tests_properties(office_security PROPERTIES LABELS office_app TIMEOUT 600)
# office_settings: the technician's Settings page driven with curl, through to a kiosk's sync.
add_test(NAME office_settings
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/office_app/settings.sh $<TARGET_FILE:latedoor>
          $<TARGET_FILE:latedoor-office> $<TARGET_FILE:gen_store>)
set_tests_properties(office_settings PROPERTIES LABELS office_app TIMEOUT 600)
# office_browser: latedoor-office in headless Chromium through selenium (office_app/browser.py);
# screenshots at 1366x768 and 390x844 are kept in build/office-browser/.
add_test(NAME office_browser
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/office_app/browser.sh $<TARGET_FILE:latedoor>
          $<TARGET_FILE:latedoor-office> $<TARGET_FILE:gen_store> ${CMAKE_BINARY_DIR}/office-browser)
set_tests_properties(office_browser PROPERTIES LABELS "office_app;browser" TIMEOUT 600
  SKIP_RETURN_CODE 77)
# office_devices: a wrong staff PIN at a kiosk (through the device backend: kiosk_pin), `latedoor
# sync`, and the office's Devices page showing it with the kiosk's status (office_app/devices.sh).
add_executable(kiosk_pin office_app/kiosk_pin.c)
target_link_libraries(kiosk_pin PRIVATE ld_kiosk_device)
set_target_properties(kiosk_pin PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME office_devices
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/office_app/devices.sh $<TARGET_FILE:latedoor>
          $<TARGET_FILE:latedoor-office> $<TARGET_FILE:gen_store> $<TARGET_FILE:kiosk_pin>)
set_tests_properties(office_devices PROPERTIES LABELS office_app TIMEOUT 300
  ENVIRONMENT "SDL_VIDEODRIVER=dummy;SDL_AUDIODRIVER=dummy")
