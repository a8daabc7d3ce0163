# Tests of readers (see CMakeLists.txt for ld_unit_test).
