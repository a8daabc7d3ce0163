# The office report (docs/office.md): pages against the core's own results, corrections, MIS
# marks; and the pages opened in headless Chromium.
add_library(ld_term_gen STATIC report/term_gen.c)
target_link_libraries(ld_term_gen PUBLIC ld_sync ld_firmware ld_core)
target_include_directories(ld_term_gen PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/report)
target_compile_definitions(ld_term_gen PRIVATE LD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

ld_unit_test(NAME test_report SOURCES report/test_report.c report/page_check.c LIBS ld_report ld_term_gen
  LABELS report TIMEOUT 300)
add_dependencies(test_report latedoor)

add_executable(gen_store report/gen_store.c)
target_link_libraries(gen_store PRIVATE ld_term_gen)
set_target_properties(gen_store PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME report_browser
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/report/browser.sh $<TARGET_FILE:latedoor>
          $<TARGET_FILE:gen_store> ${CMAKE_BINARY_DIR}/report-browser)
set_tests_properties(report_browser PROPERTIES LABELS "report;browser" TIMEOUT 600
  SKIP_RETURN_CODE 77)

# The same report from PostgreSQL (the throwaway server of tests/central.cmake) and SQLite.
add_executable(test_report_pg report/test_report_pg.c report/page_check.c central/pg_info.c)
target_link_libraries(test_report_pg PRIVATE ld_report ld_term_gen PkgConfig::CENTRAL_PQ
                      PkgConfig::CMOCKA)
target_include_directories(test_report_pg PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/central)
target_compile_definitions(test_report_pg PRIVATE _GNU_SOURCE)
set_target_properties(test_report_pg PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME test_report_pg COMMAND test_report_pg)
set_tests_properties(test_report_pg PROPERTIES FIXTURES_REQUIRED central_pg
  ENVIRONMENT "LD_PG_INFO=${LD_PG_STATE}/pg.info" SKIP_RETURN_CODE 77 TIMEOUT 300
  LABELS "report;postgresql")

# What is not known is never counted as present (issue 11): a small school by hand, before and
# after an MIS import, a mid-year joiner, an everyone-signs-in morning.
ld_unit_test(NAME test_truth SOURCES report/test_truth.c report/page_check.c LIBS ld_report LABELS report TIMEOUT 120)
add_dependencies(test_truth latedoor)
