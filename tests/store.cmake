# Tests of store (see CMakeLists.txt for ld_unit_test).
