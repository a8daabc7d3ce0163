# Tests of readers (see CMakeLists.txt for ld_unit_test).
# Pure parts (debounce, wedge decoder) and drivers over pipes, FIFOs and sockets run in
# milliseconds. The libnfc tests drive libnfc's real pn532_uart driver against a PN532
# emulated on a pseudo-terminal (readers/pn532_emu.c), which is also built as `pn532-emu` for
# end-to-end tests and the demo (not installed).
find_package(Threads REQUIRED)
add_library(ld_pn532_emu STATIC readers/pn532_emu.c)
target_include_directories(ld_pn532_emu PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/readers)
target_compile_definitions(ld_pn532_emu PRIVATE _GNU_SOURCE)
target_link_libraries(ld_pn532_emu PUBLIC Threads::Threads)

add_executable(pn532-emu readers/pn532_emu_main.c)
target_link_libraries(pn532-emu PRIVATE ld_pn532_emu)
target_compile_definitions(pn532-emu PRIVATE _GNU_SOURCE)
set_target_properties(pn532-emu PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

ld_unit_test(NAME test_reader_debounce SOURCES readers/test_debounce.c LIBS ld_firmware
             LABELS readers TIMEOUT 30)
ld_unit_test(NAME test_reader_wedge SOURCES readers/test_wedge.c LIBS ld_firmware
             LABELS readers TIMEOUT 30)
ld_unit_test(NAME test_reader_sim SOURCES readers/test_sim.c LIBS ld_firmware
             LABELS readers TIMEOUT 30)
ld_unit_test(NAME test_reader_thread SOURCES readers/test_thread.c LIBS ld_firmware
             LABELS readers TIMEOUT 30)
# Taps of 4-, 7- and 10-byte UIDs, a reader unplugged and back, a chip gone silent, shutdown
# during a blocked poll: about 15 s.
ld_unit_test(NAME test_reader_nfc SOURCES readers/test_nfc.c LIBS ld_firmware ld_pn532_emu
             LABELS readers TIMEOUT 120)
# A card held on the reader for 30 s is one arrival: about 33 s (the same source, one test).
ld_unit_test(NAME test_reader_nfc_hold SOURCES readers/test_nfc.c LIBS ld_firmware ld_pn532_emu
             LABELS readers TIMEOUT 150)
target_compile_definitions(test_reader_nfc_hold PRIVATE LD_NFC_HOLD_ONLY)
