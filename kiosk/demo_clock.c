/* demo_clock.c: a wall clock that starts where the demo or a test says and runs on (or stays). */
#include <string.h>
#include <time.h>

#include "backend_device.h"

static int64_t mono_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static ld_err demo_realtime(void *ctx, int64_t *utc_ms, char *msg, size_t msglen)
{
    const struct kiosk_demo_clock *c = ctx;
    (void)msg;
    (void)msglen;
    *utc_ms = c->start_ms + (c->running ? mono_now_ms() - c->started_ms : 0);
    return LD_OK;
}

static ld_err demo_boottime(void *ctx, int64_t *mono, char *msg, size_t msglen)
{
    (void)ctx;
    return ld_clock_system_source()->read_boottime(NULL, mono, msg, msglen);
}

static ld_err demo_synced(void *ctx, bool *synced, char *msg, size_t msglen)
{
    const struct kiosk_demo_clock *c = ctx;
    (void)msg;
    (void)msglen;
    *synced = !c->unsynced;
    return LD_OK;
}

static ld_err demo_boot_id(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t msglen)
{
    (void)ctx;
    return ld_clock_system_source()->read_boot_id(NULL, out, msg, msglen);
}

void kiosk_demo_clock_init(struct kiosk_demo_clock *c, int64_t start_ms, bool running)
{
    memset(c, 0, sizeof *c);
    c->source.read_realtime = demo_realtime;
    c->source.read_boottime = demo_boottime;
    c->source.read_sync_status = demo_synced;
    c->source.read_boot_id = demo_boot_id;
    c->source.ctx = c;
    c->source.floor_ms = LD_CLOCK_NO_FLOOR;
    c->running = running;
    kiosk_demo_clock_set(c, start_ms);
}

void kiosk_demo_clock_set(struct kiosk_demo_clock *c, int64_t utc_ms)
{
    c->start_ms = utc_ms;
    c->started_ms = mono_now_ms();
}
