# Tests of contract (see CMakeLists.txt for ld_unit_test).
