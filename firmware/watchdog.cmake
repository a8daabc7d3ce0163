# watchdog: sources and libraries of this area (see CMakeLists.txt).
# sd_notify for the kiosk's systemd unit (READY=1, WATCHDOG=1, STATUS=): libsystemd, which every
# Raspberry Pi OS and Debian system has. A library of its own so the kiosk links it alone.
pkg_check_modules(LIBSYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

add_library(ld_watchdog STATIC ${CMAKE_CURRENT_LIST_DIR}/watchdog.c)
target_include_directories(ld_watchdog PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(ld_watchdog PRIVATE _GNU_SOURCE)
target_link_libraries(ld_watchdog PUBLIC ld_core PRIVATE PkgConfig::LIBSYSTEMD)
