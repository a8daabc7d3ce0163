# Fuzz targets, one ld_fuzz_target() each.
ld_fuzz_target(NAME fuzz_analyse SOURCES fuzz_analyse.c LIBS ld_analyse
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/analyse SECONDS 60
               DICT ${CMAKE_CURRENT_SOURCE_DIR}/analyse.dict)
ld_fuzz_target(NAME fuzz_roster_csv SOURCES fuzz_roster_csv.c LIBS ld_firmware
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/roster SECONDS 60)
ld_fuzz_target(NAME fuzz_config SOURCES fuzz_config.c LIBS ld_firmware
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/config SECONDS 60)
ld_fuzz_target(NAME fuzz_wedge SOURCES ${PROJECT_SOURCE_DIR}/tests/readers/fuzz_wedge.c LIBS ld_firmware CORPUS ${PROJECT_SOURCE_DIR}/tests/readers/corpus-wedge SECONDS 30)
ld_fuzz_target(NAME fuzz_mis_marks SOURCES fuzz_mis_marks.c LIBS ld_report
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/mis_marks SECONDS 60)
ld_fuzz_target(NAME fuzz_letter_template SOURCES fuzz_letter_template.c LIBS ld_report
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/letter SECONDS 30)
# kiosk-door2: the pupils' photos (kiosk/photo.c): any bytes named like a photo.
ld_fuzz_target(NAME fuzz_photo SOURCES fuzz_photo.c LIBS ld_kiosk_ui
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/photo SECONDS 60)
