/* cli_device.h: what the device commands share: --config, and opening the device's store. */
#ifndef LD_CLI_DEVICE_H
#define LD_CLI_DEVICE_H

#include "device.h"
#include "store.h"

/*
 * Removes "--config FILE" from argv (anywhere after argv[0]) and returns FILE, or NULL when it
 * is absent. *argc is updated. Returns NULL and sets *bad when --config has no value.
 */
const char *ld_cli_take_config(int *argc, char **argv, int *bad);

/*
 * Loads the device (ld_device_load) and opens its store (ld_store_open). Prints one line on
 * stderr and returns an exit status on failure, leaving nothing open; LD_EXIT_OK on success.
 */
int ld_cli_open(const char *config, struct ld_device *dev, struct ld_store **store);

/* Closes what ld_cli_open opened. */
void ld_cli_close(struct ld_device *dev, struct ld_store *store);

/* The exit status for an error from the store or the tap pipeline. */
int ld_cli_status(ld_err err);

#endif
