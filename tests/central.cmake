# Tests of the central store (sync/central*.c; see CMakeLists.txt for ld_unit_test).
# test_central_unit: URLs and redaction, password files, every event check; no server.
# test_central_contract_sqlite / _pg: the same contract cases against each backend.
# test_central_pg_security: what a device's role can and cannot do, wrong passwords, TLS.
#
# The PostgreSQL tests share one throwaway server: central_pg_start runs
# central/pg_harness.sh start (initdb into /tmp as a non-root user, 127.0.0.1 on a free port and
# a private socket, TLS with a test CA when openssl is there) and central_pg_stop stops it and
# removes it, whatever the tests did. Without PostgreSQL the three report "skipped", except with
# CI=true, where they fail.
pkg_check_modules(CENTRAL_PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(CENTRAL_SQLITE REQUIRED IMPORTED_TARGET sqlite3)
find_package(Threads REQUIRED)

set(LD_PG_STATE ${CMAKE_BINARY_DIR}/tests/central_pg)
set(LD_PG_HARNESS ${CMAKE_CURRENT_SOURCE_DIR}/central/pg_harness.sh)

ld_unit_test(NAME test_central_unit SOURCES central/test_central_unit.c LIBS ld_sync
             LABELS central)

foreach(t contract pg_security)
  add_executable(test_central_${t} central/test_central_${t}.c central/pg_info.c)
  target_link_libraries(test_central_${t} PRIVATE ld_sync PkgConfig::CENTRAL_PQ
                        PkgConfig::CENTRAL_SQLITE Threads::Threads PkgConfig::CMOCKA)
  target_include_directories(test_central_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/central)
  target_compile_definitions(test_central_${t} PRIVATE _GNU_SOURCE
    LD_TEST_DATA="${LD_TEST_DATA}" LD_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
  set_target_properties(test_central_${t} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
endforeach()

add_test(NAME test_central_contract_sqlite COMMAND test_central_contract sqlite)
set_tests_properties(test_central_contract_sqlite PROPERTIES TIMEOUT 120 LABELS central)

add_test(NAME central_pg_start COMMAND ${LD_PG_HARNESS} start ${LD_PG_STATE})
add_test(NAME central_pg_stop COMMAND ${LD_PG_HARNESS} stop ${LD_PG_STATE})
set_tests_properties(central_pg_start PROPERTIES FIXTURES_SETUP central_pg SKIP_RETURN_CODE 77
                     TIMEOUT 120 LABELS "central;postgresql")
set_tests_properties(central_pg_stop PROPERTIES FIXTURES_CLEANUP central_pg TIMEOUT 120
                     LABELS "central;postgresql")

add_test(NAME test_central_contract_pg COMMAND test_central_contract pg)
add_test(NAME test_central_pg_security COMMAND test_central_pg_security)
set_tests_properties(test_central_contract_pg test_central_pg_security PROPERTIES
  FIXTURES_REQUIRED central_pg ENVIRONMENT "LD_PG_INFO=${LD_PG_STATE}/pg.info"
  SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS "central;postgresql")

# test_central_cli_*: the `latedoor central` and `device add` commands (sync/cli/cmd_central.c)
# called as main.c calls them, against each backend.
add_executable(test_central_cli central/test_central_cli.c central/pg_info.c)
target_link_libraries(test_central_cli PRIVATE ld_cli_sync PkgConfig::CENTRAL_PQ PkgConfig::CMOCKA)
target_include_directories(test_central_cli PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/central)
target_compile_definitions(test_central_cli PRIVATE _GNU_SOURCE)
set_target_properties(test_central_cli PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME test_central_cli_sqlite COMMAND test_central_cli sqlite)
set_tests_properties(test_central_cli_sqlite PROPERTIES TIMEOUT 120 LABELS central)
add_test(NAME test_central_cli_pg COMMAND test_central_cli pg)
set_tests_properties(test_central_cli_pg PROPERTIES FIXTURES_REQUIRED central_pg
  ENVIRONMENT "LD_PG_INFO=${LD_PG_STATE}/pg.info" SKIP_RETURN_CODE 77 TIMEOUT 120
  LABELS "central;postgresql")
