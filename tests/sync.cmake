# Tests of the sync agent (sync/agent*.c, latedoor sync; see CMakeLists.txt for ld_unit_test).
# test_sync_agent: the agent against the SQLite central store (no server needed).
# sync_faults_*: tests/sync/faults.sh runs `latedoor sync` processes against a central store
# and breaks things: the sync process killed mid-batch (sqlite and pg), PostgreSQL killed with
# SIGKILL mid-batch and restarted, the server stopped for a while, two devices at once. Each
# ends with the central store holding every event exactly once. The PostgreSQL ones run their
# own server through central/pg_harness.sh (skipped without one, failing under CI=true).
find_package(Threads REQUIRED)
pkg_check_modules(SYNC_SQLITE REQUIRED IMPORTED_TARGET sqlite3)
ld_unit_test(NAME test_sync_agent SOURCES sync/test_sync_agent.c
             LIBS ld_sync PkgConfig::SYNC_SQLITE Threads::Threads LABELS sync TIMEOUT 300)

add_executable(sync_tool sync/sync_tool.c)
target_link_libraries(sync_tool PRIVATE ld_sync)
set_target_properties(sync_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

set(LD_SYNC_FAULTS ${CMAKE_CURRENT_SOURCE_DIR}/sync/faults.sh)
foreach(case cli:sqlite kill-sync:sqlite unreachable:sqlite two-devices:sqlite restore:sqlite
             kill-sync:pg kill-pg:pg unreachable:pg two-devices:pg restore:pg sigterm:pg)
  string(REPLACE ":" ";" parts ${case})
  list(GET parts 0 scenario)
  list(GET parts 1 backend)
  string(REPLACE "-" "_" name "sync_faults_${scenario}_${backend}")
  add_test(NAME ${name} COMMAND ${LD_SYNC_FAULTS} $<TARGET_FILE:latedoor> $<TARGET_FILE:sync_tool>
           ${CMAKE_CURRENT_SOURCE_DIR}/central/pg_harness.sh ${scenario} ${backend})
  if(backend STREQUAL "pg")
    set_tests_properties(${name} PROPERTIES LABELS "sync;postgresql" SKIP_RETURN_CODE 77
                         TIMEOUT 300 RUN_SERIAL TRUE)
  else()
    set_tests_properties(${name} PROPERTIES LABELS sync TIMEOUT 300)
  endif()
endforeach()
