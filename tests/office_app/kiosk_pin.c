/*
 * kiosk_pin.c: a wrong staff PIN tried at a kiosk as its PIN pad does it, through the device
 * backend (kiosk/backend_device.c) with no screen: the PIN checked against the chosen staff
 * member's hash, and, being wrong, recorded (ops->pin_wrong); then one status read, as the
 * kiosk's loop makes, which keeps the reader's state for the sync process.
 * usage: kiosk_pin CONFIG STAFF_ID PIN   (exit 0: recorded as wrong; 1: otherwise)
 */
#include <stdio.h>

#include "backend_device.h"
#include "pin_check.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: kiosk_pin CONFIG STAFF_ID PIN\n");
        return 2;
    }
    struct kiosk_device *d = NULL;
    struct kiosk_device_options o = {.config_path = argv[1], .no_reader = true};
    if (kiosk_device_open(&o, &d) || kiosk_device_error(d)) {
        fprintf(stderr, "kiosk_pin: %s\n", d ? kiosk_device_error(d) : "out of memory");
        kiosk_device_close(d);
        return 1;
    }
    struct kiosk_backend be = kiosk_device_backend(d);
    struct kiosk_status st;
    int rc = 1;
    if (kiosk_pin_verify_now(&be, argv[2], argv[3]) != KIOSK_PIN_WRONG)
        fprintf(stderr, "kiosk_pin: the PIN was not wrong\n");
    else if (be.ops->pin_wrong(be.impl, argv[2]) || be.ops->status(be.impl, &st))
        fprintf(stderr, "kiosk_pin: %s\n", be.ops->last_error(be.impl));
    else
        rc = 0;
    kiosk_device_close(d);
    return rc;
}
