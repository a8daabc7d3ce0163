# Contract tests of `latedoor analyse` (../shared/analyse-contract.md): every case under
# contract/cases with a hand-worked NAME.expected.json, and every input error under
# contract/errors, listed with the field its one-line message must name.
add_executable(contract_check contract/contract_check.c)
target_link_libraries(contract_check PRIVATE PkgConfig::CJSON m)
target_compile_definitions(contract_check PRIVATE _GNU_SOURCE)
set_target_properties(contract_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

file(GLOB contract_cases CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/contract/cases/*.expected.json)
foreach(expected ${contract_cases})
  string(REPLACE ".expected.json" ".json" input ${expected})
  get_filename_component(name ${input} NAME_WE)
  add_test(NAME contract_${name}
    COMMAND contract_check ok $<TARGET_FILE:latedoor> ${input} ${expected})
  set_tests_properties(contract_${name} PROPERTIES LABELS contract)
endforeach()

file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/contract/errors/expected.txt error_lines REGEX "^[^#]")
foreach(line ${error_lines})
  string(REGEX MATCH "^([^ \t]+)[ \t]+(.+)$" _ "${line}")
  set(name ${CMAKE_MATCH_1})
  set(prefix ${CMAKE_MATCH_2})
  add_test(NAME contract_error_${name}
    COMMAND contract_check error $<TARGET_FILE:latedoor>
            ${CMAKE_CURRENT_SOURCE_DIR}/contract/errors/${name}.json ${prefix})
  set_tests_properties(contract_error_${name} PROPERTIES LABELS contract)
endforeach()
