# Tests of the attendance core: one cmocka binary per module.
foreach(t date codes session calendar attendance patterns school school_v2)
  ld_unit_test(NAME test_core_${t} SOURCES core/test_${t}.c LIBS ld_core LABELS core)
endforeach()

# The core links libc alone (the build checks that) and calls none of its I/O functions.
if(TARGET ld_core_libc_only)
  add_test(NAME core_uses_no_io
    COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:ld_core_libc_only>
            -P ${CMAKE_CURRENT_SOURCE_DIR}/core/check_symbols.cmake)
  set_tests_properties(core_uses_no_io PROPERTIES LABELS core)
endif()
