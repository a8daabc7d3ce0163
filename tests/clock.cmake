# Tests of clock (see CMakeLists.txt for ld_unit_test).
