/* backend.c: choosing the kiosk's backend: the demo's fake, or the device layer. */
#include "backend.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backend_device.h"
#include "backend_fake.h"

static const char *const demo_cards[] = {
    KIOSK_FAKE_CARD_ZOE,     /* F1 */
    KIOSK_FAKE_CARD_LUKASZ,  /* F2 */
    KIOSK_FAKE_CARD_SIOBHAN, /* F3: already arrived */
    "04DEADBEEF0199",        /* F4: nobody's card */
    KIOSK_FAKE_CARD_STAFF,   /* F5 */
    NULL,
};

static ld_err build_fake(struct kiosk_backend_handle *out, char *msg, size_t msglen)
{
    ld_err err = kiosk_fake_create(&out->fake);
    if (err) {
        snprintf(msg, msglen, "Cannot make the demo school: %s", ld_err_str(err));
        return err;
    }
    /* The demo's morning starts at 08:44 today and runs in real time, so the door fills up,
     * goes late at 08:50 and closes its register at 09:20 while you watch. */
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    struct kiosk_clock c = {
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, (tm.tm_wday + 6) % 7, 8, 44, 0};
    kiosk_fake_set_clock(out->fake, &c, true);
    kiosk_fake_set_punctual(out->fake, "4B");
    out->backend = kiosk_fake_backend(out->fake);
    return LD_OK;
}

ld_err kiosk_backend_build(const struct kiosk_backend_options *opt,
                           struct kiosk_backend_handle *out, char *msg, size_t msglen)
{
    memset(out, 0, sizeof *out);
    if (opt->demo_fake)
        return build_fake(out, msg, msglen);
    /* The reader starts later (kiosk_backend_start), once SDL can take its cards. */
    struct kiosk_device_options dopt = {
        .config_path = opt->config_path, .clock_start = opt->clock_start, .no_reader = true};
    ld_err err = kiosk_device_open(&dopt, &out->device);
    if (err) {
        snprintf(msg, msglen, "Cannot open the device: %s", ld_err_str(err));
        return err;
    }
    out->backend = kiosk_device_backend(out->device);
    const char *why = kiosk_device_error(out->device);
    snprintf(msg, msglen, "%s", why ? why : "");
    return LD_OK;
}

void kiosk_backend_start(struct kiosk_backend_handle *h)
{
    if (h->device)
        kiosk_device_start_reader(h->device);
}

void kiosk_backend_release(struct kiosk_backend_handle *h)
{
    kiosk_fake_destroy(h->fake);
    kiosk_device_close(h->device);
    memset(h, 0, sizeof *h);
}

const char *const *kiosk_backend_demo_cards(const struct kiosk_backend_handle *h)
{
    if (h->fake)
        return demo_cards;
    return h->device ? h->device_cards : NULL;
}

void kiosk_backend_set_demo_cards(struct kiosk_backend_handle *h, const char *const *cards)
{
    h->device_cards = cards;
}

bool kiosk_backend_demo_tap(void *handle, const char *uid)
{
    struct kiosk_backend_handle *h = handle;
    if (h->device)
        return kiosk_device_sim_tap(h->device, uid);
    return false;
}
