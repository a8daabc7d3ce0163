# clock: sources and libraries of this area (see CMakeLists.txt).
# The wall and boot clocks with their health, time repair, and local time from TZif files.
target_sources(ld_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/clock.c
  ${CMAKE_CURRENT_LIST_DIR}/clock_tz.c
)

# The build time, below which the wall clock is certainly wrong (LD_CLOCK_BEFORE_BUILD). Taken
# when CMake configures; string(TIMESTAMP) honours SOURCE_DATE_EPOCH for reproducible builds.
# Set on clock.c alone so that a reconfigure recompiles one file.
string(TIMESTAMP LD_BUILD_EPOCH_S "%s" UTC)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/clock.c PROPERTIES
  COMPILE_DEFINITIONS "LD_BUILD_EPOCH_MS=${LD_BUILD_EPOCH_S}000")
