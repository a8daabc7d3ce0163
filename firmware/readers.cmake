# readers: sources and libraries of this area (see CMakeLists.txt).
# Card readers behind one ops table (libnfc, keyboard wedge over evdev, simulator), the
# supervisor thread that runs one, and the debounce table.
pkg_check_modules(LIBNFC REQUIRED IMPORTED_TARGET libnfc)
find_package(Threads REQUIRED)

target_sources(ld_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/debounce.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_driver.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_nfc.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_sim.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_thread.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_wedge.c
)
target_link_libraries(ld_firmware PUBLIC PkgConfig::LIBNFC Threads::Threads)
