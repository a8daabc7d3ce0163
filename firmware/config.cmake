# config: sources and libraries of this area (see CMakeLists.txt).
# The school/device config and the calendar file (inih), the roster CSV reader (libcsv), and the
# small validators they share (UTF-8, UPN).
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
# libcsv ships no pkg-config file.
find_library(CSV_LIB csv REQUIRED)
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)

target_sources(ld_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/config.c
  ${CMAKE_CURRENT_LIST_DIR}/calendar_file.c
  ${CMAKE_CURRENT_LIST_DIR}/roster.c
  ${CMAKE_CURRENT_LIST_DIR}/roster_csv.c
  ${CMAKE_CURRENT_LIST_DIR}/upn.c
)
target_include_directories(ld_firmware PRIVATE ${CSV_INCLUDE_DIR})
target_link_libraries(ld_firmware PUBLIC PkgConfig::INIH ${CSV_LIB})
