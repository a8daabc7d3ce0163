# Tests of store (see CMakeLists.txt for ld_unit_test).
# test_store_open: create and open, refusals of corrupt, foreign and newer files (left byte for
#   byte untouched), file modes, the busy timeout, settings, backups.
# test_store_schema: every shipped schema version, kept as tests/store/fixtures/schema-vN.sql,
#   migrates to the schema a new store gets and keeps its rows.
# test_store_events: append, checks on every field, foreign events, queries, a full disk.
# test_store_roster: roster imports (all or nothing), class lists, cards, staff.
# test_store_sync_status: the sync process's status keys: cursor, last success, errors, pending.
# test_store_powercut: a child appending arrivals is SIGKILLed at random, 250 times; every
#   acknowledged event must survive, once, with no gap.
foreach(t open schema events roster sync_status)
  ld_unit_test(NAME test_store_${t} SOURCES store/test_store_${t}.c LIBS ld_firmware
               LABELS store)
endforeach()
ld_unit_test(NAME test_store_powercut SOURCES store/test_store_powercut.c LIBS ld_firmware
             LABELS store TIMEOUT 300)
# full_disk.sh: a store on a full disk (a tmpfs in a private mount namespace) says so (issue 12).
add_test(NAME store_full_disk
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/full_disk.sh $<TARGET_FILE:latedoor>
          ${PROJECT_SOURCE_DIR}/assets/demo)
set_tests_properties(store_full_disk PROPERTIES LABELS store TIMEOUT 60 SKIP_RETURN_CODE 77)
