# Fuzz targets, one ld_fuzz_target() each.
ld_fuzz_target(NAME fuzz_analyse SOURCES fuzz_analyse.c LIBS ld_analyse
               CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/analyse SECONDS 60
               DICT ${CMAKE_CURRENT_SOURCE_DIR}/analyse.dict)
