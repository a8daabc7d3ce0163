/* demo_main.c: latedoor-kiosk-demo: seeds the demo school's history, and shoots a scripted morning.
 */
#define SDL_MAIN_HANDLED
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "SDL.h"
#include "SDL_ttf.h"

#include "backend_device.h"
#include "demo_seed.h"
#include "events.h"
#include "kiosk_app.h"
#include "ui.h"

/*
 * Used by kiosk/demo.sh only (not installed):
 *   latedoor-kiosk-demo seed CONFIG ROSTER YYYY-MM-DD
 *       writes the staff member and the history up to the day before, prints the demo cards
 *   latedoor-kiosk-demo simtap SOCKET UID
 *       taps UID on the simulated reader listening at SOCKET (end-to-end tests)
 *   latedoor-kiosk-demo shots CONFIG GATE_CONFIG ROSTER ASSETS DIR YYYY-MM-DD
 *       plays a morning on that day with the real UI over the device backend, headless, and
 *       writes a PNG of each step into DIR: the gate from 08:30 (most of the school arrives),
 *       the late door from 08:44, then the gate's list of who has not arrived
 */

static int usage(void)
{
    fprintf(stderr, "usage: latedoor-kiosk-demo seed CONFIG ROSTER YYYY-MM-DD\n"
                    "       latedoor-kiosk-demo shots CONFIG GATE_CONFIG ROSTER ASSETS DIR "
                    "YYYY-MM-DD\n");
    return 2;
}

static int seed(const char *config, const char *roster_path, const char *day)
{
    struct ld_device dev;
    struct ld_store *store = NULL;
    struct ld_roster roster = {0};
    struct kiosk_demo_card cards[KIOSK_DEMO_CARDS];
    char msg[512];
    ld_date today;
    int rc = 1;
    if (!ld_date_parse(day, &today)) {
        fprintf(stderr, "latedoor-kiosk-demo: not a date: %s\n", day);
        return 2;
    }
    if (ld_device_load(config, &dev, msg, sizeof msg) ||
        ld_store_open(dev.cfg.store_path, NULL, &store, msg, sizeof msg) ||
        ld_roster_parse_csv(roster_path, &roster, NULL, msg, sizeof msg) ||
        kiosk_demo_seed(store, &dev, &roster, today, cards, msg, sizeof msg)) {
        fprintf(stderr, "latedoor-kiosk-demo: %s\n", msg);
        goto end;
    }
    for (int i = 0; i < KIOSK_DEMO_CARDS; i++)
        printf("card F%d %s %s\n", i + 1, cards[i].uid, cards[i].who);
    rc = 0;
end:
    ld_roster_free(&roster);
    ld_store_close(store);
    ld_device_free(&dev);
    return rc;
}

/* ---- the scripted morning ------------------------------------------------------------------ */

struct shots {
    const char *dir;
    int n;
    uint64_t mono;
    struct kiosk_demo_clock clock;
    struct kiosk_ui *ui;
    struct kiosk_app *app;
    const struct ld_tz *tz;
    ld_date day;
    const struct ld_roster *roster;
    struct kiosk_backend be;
    bool ok;
};

static uint64_t shots_mono(void *ctx)
{
    return ((struct shots *)ctx)->mono;
}

static bool write_png(const char *path, const uint8_t *rgb, int w, int h)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bool ok = false;
    if (info && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < h; y++)
            png_write_row(png, (png_const_bytep)(rgb + (size_t)y * (size_t)w * 3));
        png_write_end(png, NULL);
        ok = true;
    }
    png_destroy_write_struct(&png, &info);
    return fclose(f) == 0 && ok;
}

static void shoot(struct shots *s, const char *name)
{
    int w = kiosk_ui_w(s->ui), h = kiosk_ui_h(s->ui);
    uint8_t *rgb = malloc((size_t)w * (size_t)h * 3);
    char path[1024];
    kiosk_app_render(s->app, true, false);
    snprintf(path, sizeof path, "%s/%02d-%s.png", s->dir, ++s->n, name);
    if (!rgb || kiosk_ui_read_rgb(s->ui, rgb) || !write_png(path, rgb, w, h)) {
        fprintf(stderr, "latedoor-kiosk-demo: cannot write %s\n", path);
        s->ok = false;
    } else {
        printf("  %s\n", path);
    }
    free(rgb);
}

static void at(struct shots *s, int hour, int minute)
{
    int64_t ms;
    if (ld_clock_from_local(s->tz, s->day, hour * 60 + minute, 0, &ms, NULL, 0) == LD_OK)
        kiosk_demo_clock_set(&s->clock, ms);
    if (s->app)
        kiosk_app_tick(s->app);
}

static void advance(struct shots *s, uint64_t ms)
{
    while (ms > 0) {
        uint64_t step = ms > 1000 ? 1000 : ms;
        s->mono += step;
        ms -= step;
        kiosk_app_tick(s->app);
    }
}

static void card(struct shots *s, const char *uid)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = kiosk_events_type();
    ev.user.code = KIOSK_EV_CARD;
    ev.user.data1 = strdup(uid);
    kiosk_app_handle(s->app, &ev);
    kiosk_events_release(&ev);
}

static void touch(struct shots *s, const char *label)
{
    /* A person reacts no sooner than the input guard after a screen changed by itself. */
    advance(s, kiosk_app_guard_ms(s->app));
    if (!kiosk_app_touch(s->app, label)) {
        const char *view;
        const char *screen = kiosk_app_screen(s->app, &view);
        fprintf(stderr, "latedoor-kiosk-demo: no button \"%s\" on %s/%s\n", label, screen, view);
        s->ok = false;
    }
    kiosk_app_pin_settle(s->app); /* a PIN's OK: its check's result, before the next shot */
}

enum part { GATE_MORNING, DOOR, GATE_LIST };

/* True when the roster's pupil i holds one of the demo's cards (the door's part taps them). */
static bool demo_pupil(const struct shots *s, size_t i, const char *const cards[6])
{
    char hex[LD_UID_HEXLEN];
    ld_uid_format(&s->roster->pupils[i].card, hex);
    for (int k = 0; k < 6; k++)
        if (strcmp(hex, cards[k]) == 0)
            return true;
    return false;
}

/* The gate from 08:30 to 08:42: every pupil but a few (and the demo's) taps in. */
static void gate_morning(struct shots *s, const char *const cards[6])
{
    size_t n = s->roster->count;
    for (size_t i = 0; i < n; i++) {
        if (i % 17 == 5 || demo_pupil(s, i, cards))
            continue;
        char hex[LD_UID_HEXLEN];
        ld_uid_format(&s->roster->pupils[i].card, hex);
        at(s, 8, 30 + (int)(i * 13 / n)); /* 08:30 to 08:42: before the door opens */
        if (s->roster->pupils[i].card.len) {
            card(s, hex);
        } else {
            /* No card yet: staff at the gate sign the child in by name. */
            struct kiosk_greeting g;
            if (s->be.ops->sign_in(s->be.impl, s->roster->pupils[i].upn, NULL, false, &g))
                s->ok = false;
        }
        if (i == n / 2)
            shoot(s, "gate-greeting");
        advance(s, 6000);
    }
}

/* Runs the app of one config through one part of the morning. */
static bool play(struct shots *s, const char *config, enum part part, const char *const cards[6])
{
    struct kiosk_device *dev = NULL;
    struct kiosk_device_options o = {
        .config_path = config, .clock = &s->clock.source, .no_reader = true};
    if (kiosk_device_open(&o, &dev) != LD_OK)
        return false;
    if (kiosk_device_error(dev)) {
        fprintf(stderr, "latedoor-kiosk-demo: %s\n", kiosk_device_error(dev));
        kiosk_device_close(dev);
        return false;
    }
    s->be = kiosk_device_backend(dev);
    struct kiosk_app_config ac = {
        .backend = s->be, .ui = s->ui, .mono_ms = shots_mono, .mono_ctx = s};
    at(s,
       part == GATE_MORNING ? 8
       : part == DOOR       ? 8
                            : 9,
       part == GATE_MORNING ? 29
       : part == DOOR       ? 44
                            : 35);
    if (kiosk_app_create(&ac, &s->app) != LD_OK) {
        kiosk_device_close(dev);
        return false;
    }
    if (part == GATE_MORNING) {
        gate_morning(s, cards);
    } else if (part == DOOR) {
        shoot(s, "idle");
        at(s, 8, 47);
        card(s, cards[0]);
        shoot(s, "greeting-on-time");
        advance(s, 6000);
        at(s, 9, 4);
        card(s, cards[1]);
        shoot(s, "greeting-late");
        advance(s, 3000);
        shoot(s, "reason");
        touch(s, "Traffic");
        shoot(s, "reason-thanks");
        advance(s, 6000);
        at(s, 9, 26);
        card(s, cards[2]);
        shoot(s, "greeting-after-register-closed");
        advance(s, 3000);
        advance(s, 30000); /* nobody answers: "No reason given" is recorded */
        card(s, cards[4]);
        shoot(s, "unknown-card");
        advance(s, 8000);
        card(s, cards[2]);
        shoot(s, "already-signed-in");
        advance(s, 8000);
        at(s, 9, 31);
        touch(s, "Staff");
        for (const char *p = KIOSK_DEMO_PIN; *p; p++) {
            char k[2] = {*p, '\0'};
            touch(s, k);
        }
        shoot(s, "staff-pin");
        touch(s, "OK");
        shoot(s, "staff-home");
        touch(s, "Late today");
        shoot(s, "staff-late-list");
        touch(s, "Staff");
        touch(s, "Status");
        shoot(s, "staff-status");
        touch(s, "Staff");
        touch(s, "Lock now");
    } else {
        card(s, cards[5]);
        shoot(s, "gate-staff-home");
        touch(s, "Not arrived");
        shoot(s, "gate-not-arrived");
        /* The lists that name families live on the gate kiosk set up for staff only. */
        touch(s, "Staff");
        touch(s, "Speak to today");
        shoot(s, "gate-staff-speak-to");
    }
    kiosk_app_destroy(s->app);
    s->app = NULL;
    kiosk_device_close(dev);
    return true;
}

static int shots(const char *config, const char *gate_config, const char *roster_path,
                 const char *assets, const char *dir, const char *day)
{
    struct shots s = {.dir = dir, .mono = 1000000, .ok = true};
    struct ld_device dev;
    struct ld_roster roster = {0};
    char msg[512];
    int rc = 1;
    if (!ld_date_parse(day, &s.day)) {
        fprintf(stderr, "latedoor-kiosk-demo: not a date: %s\n", day);
        return 2;
    }
    if (ld_device_load(config, &dev, msg, sizeof msg)) {
        fprintf(stderr, "latedoor-kiosk-demo: %s\n", msg);
        return 1;
    }
    s.tz = dev.tz;
    if (ld_roster_parse_csv(roster_path, &roster, NULL, msg, sizeof msg)) {
        fprintf(stderr, "latedoor-kiosk-demo: %s\n", msg);
        ld_device_free(&dev);
        return 1;
    }
    s.roster = &roster;
    kiosk_demo_clock_init(&s.clock, 0, false);
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    SDL_SetMainReady();
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0 ||
        kiosk_events_init() != LD_OK) {
        fprintf(stderr, "latedoor-kiosk-demo: cannot start SDL: %s\n", SDL_GetError());
        goto end;
    }
    struct kiosk_ui_config uc = {assets, 800, 480, false, true, 133.0f};
    if (kiosk_ui_create(&uc, &s.ui, msg, sizeof msg) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk-demo: %s\n", msg);
        goto end;
    }
    /* The demo cards: the seed's choice, read back from the roster as seed made it. */
    static const char *const fallback[6] = {
        "", "", "", "", KIOSK_DEMO_UNKNOWN, KIOSK_DEMO_STAFF_CARD};
    const char *cards[6];
    memcpy(cards, fallback, sizeof cards);
    const char *env_cards = getenv("LATEDOOR_DEMO_CARDS");
    static char buf[256];
    snprintf(buf, sizeof buf, "%s", env_cards ? env_cards : "");
    char *save = NULL;
    int i = 0;
    for (char *t = strtok_r(buf, ",", &save); t && i < 6; t = strtok_r(NULL, ",", &save))
        cards[i++] = t;
    if (i < 6) {
        fprintf(stderr, "latedoor-kiosk-demo: LATEDOOR_DEMO_CARDS wants the 6 demo cards\n");
        goto end;
    }
    if (play(&s, gate_config, GATE_MORNING, cards) && play(&s, config, DOOR, cards) &&
        play(&s, gate_config, GATE_LIST, cards) && s.ok)
        rc = 0;
end:
    kiosk_ui_destroy(s.ui);
    kiosk_events_drain();
    TTF_Quit();
    SDL_Quit();
    ld_roster_free(&roster);
    ld_device_free(&dev);
    return rc;
}

/* Writes uid to the simulated reader's socket at path, as a card on it. */
static int simtap(const char *path, const char *uid)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path || !uid[0] || strlen(uid) > 20) {
        fprintf(stderr, "latedoor-kiosk-demo: simtap: bad socket path or UID\n");
        return 2;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    char line[32];
    int n = snprintf(line, sizeof line, "%s\n", uid);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
              write(fd, line, (size_t)n) == n;
    if (!ok)
        fprintf(stderr, "latedoor-kiosk-demo: simtap %s: %s\n", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "seed") == 0)
        return seed(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "simtap") == 0)
        return simtap(argv[2], argv[3]);
    if (argc == 8 && strcmp(argv[1], "shots") == 0)
        return shots(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]);
    return usage();
}
