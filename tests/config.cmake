# Tests of config (see CMakeLists.txt for ld_unit_test).
