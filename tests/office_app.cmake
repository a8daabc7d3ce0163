# The office web application (office/web/, docs/office.md).
# test_office_store: the central store's office records and audit, and the accounts (users.c).
# office_security: latedoor-office on loopback driven with curl: every refusal it owes.
ld_unit_test(NAME test_office_store SOURCES office_app/test_office_store.c
             LIBS ld_office_users PkgConfig::CENTRAL_SQLITE LABELS office_app)
add_test(NAME office_security
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/office_app/security.sh $<TARGET_FILE:latedoor>
          $<TARGET_FILE:latedoor-office> $<TARGET_FILE:gen_store>)
set_tests_properties(office_security PROPERTIES LABELS office_app TIMEOUT 600)
