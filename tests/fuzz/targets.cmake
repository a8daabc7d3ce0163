# Fuzz targets, one ld_fuzz_target() each.
