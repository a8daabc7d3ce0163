# Tests of core (see CMakeLists.txt for ld_unit_test).
