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
