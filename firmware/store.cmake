# store: sources and libraries of this area (see CMakeLists.txt).
# The device store: one SQLite file (WAL, synchronous=FULL) with the roster, staff, settings and
# the append-only event log; event UUIDs from libuuid.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.37)
pkg_check_modules(UUID REQUIRED IMPORTED_TARGET uuid)
pkg_check_modules(STORE_SODIUM REQUIRED IMPORTED_TARGET libsodium) # event checksums (BLAKE2b)

target_sources(ld_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/store.c
  ${CMAKE_CURRENT_LIST_DIR}/store_schema.c
  ${CMAKE_CURRENT_LIST_DIR}/store_events.c
  ${CMAKE_CURRENT_LIST_DIR}/store_sum.c
  ${CMAKE_CURRENT_LIST_DIR}/store_pupils.c
  ${CMAKE_CURRENT_LIST_DIR}/store_roster.c
  ${CMAKE_CURRENT_LIST_DIR}/store_staff.c
  ${CMAKE_CURRENT_LIST_DIR}/store_settings.c
  ${CMAKE_CURRENT_LIST_DIR}/store_backup.c
  ${CMAKE_CURRENT_LIST_DIR}/sync_status.c
)
target_link_libraries(ld_firmware PUBLIC PkgConfig::SQLITE3 PkgConfig::UUID
                      PkgConfig::STORE_SODIUM)
