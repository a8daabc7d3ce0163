# The appliance: the kiosk's systemd notifications. The packages, units and upgrade are tested
# by tests/appliance/*.sh from tests/run.sh (they install .debs on the machine: CI only).
ld_unit_test(NAME test_watchdog SOURCES appliance/test_watchdog.c LIBS ld_watchdog
             LABELS appliance TIMEOUT 30)
