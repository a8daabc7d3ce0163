# Tests of the device layer that ties the areas together (device.c, the tap pipeline, the CLI).
ld_unit_test(NAME test_device SOURCES device/test_device.c LIBS ld_firmware LABELS device)
