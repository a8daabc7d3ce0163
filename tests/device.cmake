# Tests of the device layer that ties the areas together (device.c, the tap pipeline, the CLI).
ld_unit_test(NAME test_device SOURCES device/test_device.c LIBS ld_firmware LABELS device)
ld_unit_test(NAME test_tap SOURCES device/test_tap.c LIBS ld_firmware LABELS device TIMEOUT 300)
add_test(NAME cli_end_to_end
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/device/cli_e2e.sh $<TARGET_FILE:latedoor>
          ${PROJECT_SOURCE_DIR}/assets/demo)
set_tests_properties(cli_end_to_end PROPERTIES LABELS device TIMEOUT 120)
ld_unit_test(NAME test_nfc_tap SOURCES device/test_nfc_tap.c LIBS ld_firmware ld_pn532_emu
             LABELS device TIMEOUT 120)
ld_unit_test(NAME test_tap_race SOURCES device/test_tap_race.c LIBS ld_firmware LABELS device
             TIMEOUT 300)
