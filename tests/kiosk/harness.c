/* harness.c: the headless kiosk for logic and screenshot tests. */
#include "harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "SDL.h"
#include "SDL_ttf.h"

#include "avatar.h"
#include "events.h"
#include "shot_png.h"
#include "ui.h"

#ifndef KIOSK_SHOT_DIR
#define KIOSK_SHOT_DIR "kiosk-shots"
#endif

void harness_init_sdl(void)
{
    /* Headless and deterministic: no display, no GPU, no sound card. */
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    assert_int_equal(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    assert_int_equal(TTF_Init(), 0);
    assert_int_equal(kiosk_events_init(), LD_OK);
}

void harness_quit_sdl(void)
{
    kiosk_events_drain();
    TTF_Quit();
    SDL_Quit();
}

static uint64_t mono(void *ctx)
{
    return ((struct harness *)ctx)->mono;
}

static void set_clock(struct harness *h, int hour, int minute)
{
    struct kiosk_clock c = {2025, 1, 14, 1, hour, minute, 0};
    kiosk_fake_set_clock(h->fake, &c, false);
}

void harness_restart_app(struct harness *h)
{
    kiosk_app_destroy(h->app);
    struct kiosk_app_config ac = {
        .backend = kiosk_fake_backend(h->fake),
        .ui = h->ui,
        .sound = NULL,
        .mono_ms = mono,
        .mono_ctx = h,
        .greet_ms = h->greet_ms,
    };
    if (h->ops)
        ac.backend.ops = h->ops;
    assert_int_equal(kiosk_app_create(&ac, &h->app), LD_OK);
}

void harness_open(struct harness *h, int w, int hh)
{
    harness_open_in(h, w, hh, LD_TEST_DATA "/../assets");
}

void harness_open_in(struct harness *h, int w, int hh, const char *assets)
{
    memset(h, 0, sizeof *h);
    h->mono = 1000000;
    h->w = w;
    h->h = hh;
    assert_int_equal(kiosk_fake_create(&h->fake), LD_OK);
    set_clock(h, 8, 57);
    char msg[256];
    struct kiosk_ui_config uc = {assets, w, hh, false, true, 133.0f};
    ld_err err = kiosk_ui_create(&uc, &h->ui, msg, sizeof msg);
    if (err)
        fail_msg("kiosk_ui_create: %s", msg);
    assert_int_equal(kiosk_ui_w(h->ui), w);
    assert_int_equal(kiosk_ui_h(h->ui), hh);
    harness_restart_app(h);
}

const char *harness_photo(struct harness *h, const char *name, int w, int hh)
{
    static char path[160];
    struct kiosk_backend be = kiosk_fake_backend(h->fake);
    struct kiosk_pupil_list *l = malloc(sizeof *l);
    char first[KIOSK_NAME_MAX];
    assert_non_null(l);
    snprintf(first, sizeof first, "%.*s", (int)strcspn(name, " "), name);
    assert_int_equal(be.ops->search_pupils(be.impl, first, l), LD_OK);
    size_t i = 0;
    while (i < l->n && strcmp(l->items[i].name, name) != 0)
        i++;
    assert_true(i < l->n);
    if (!h->photo_dir[0]) {
        strcpy(h->photo_dir, "/tmp/ld-kiosk-photos-XXXXXX");
        assert_non_null(mkdtemp(h->photo_dir));
    }
    snprintf(path, sizeof path, "%s/%s.png", h->photo_dir, l->items[i].upn);
    free(l);
    avatar_write(path, w, hh, false);
    kiosk_fake_set_photos_dir(h->fake, h->photo_dir);
    harness_restart_app(h);
    return path;
}

void harness_close(struct harness *h)
{
    if (h->photo_dir[0]) {
        char cmd[96];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->photo_dir);
        assert_int_equal(system(cmd), 0);
    }
    kiosk_app_destroy(h->app);
    kiosk_ui_destroy(h->ui);
    kiosk_fake_destroy(h->fake);
    memset(h, 0, sizeof *h);
}

int harness_setup_800(void **state)
{
    static struct harness h;
    harness_open(&h, 800, 480);
    *state = &h;
    return 0;
}

int harness_teardown(void **state)
{
    harness_close(*state);
    return 0;
}

void harness_staff_login(struct harness *h)
{
    harness_touch(h, "Staff");
    harness_touch(h, "2");
    harness_touch(h, "4");
    harness_touch(h, "6");
    harness_touch(h, "8");
    harness_touch(h, "OK");
    harness_expect(h, "staff", "home");
}

void harness_at(struct harness *h, int hour, int minute)
{
    set_clock(h, hour, minute);
    kiosk_app_tick(h->app);
}

void harness_advance(struct harness *h, uint64_t ms)
{
    /* In steps of a second at most, as the event loop would wake. */
    while (ms > 0) {
        uint64_t step = ms > 1000 ? 1000 : ms;
        h->mono += step;
        ms -= step;
        kiosk_app_tick(h->app);
    }
}

void harness_card(struct harness *h, const char *uid)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = kiosk_events_type();
    ev.user.code = KIOSK_EV_CARD;
    ev.user.data1 = strdup(uid);
    assert_non_null(ev.user.data1);
    kiosk_app_handle(h->app, &ev);
    kiosk_events_release(&ev);
}

void harness_touch(struct harness *h, const char *label)
{
    /* A person reacts to a screen that changed by itself no sooner than its guard allows
     * (KIOSK_GUARD_MS); tests of the guard itself touch through kiosk_app_touch. */
    uint64_t guard = kiosk_app_guard_ms(h->app);
    if (guard)
        harness_advance(h, guard);
    if (!kiosk_app_touch(h->app, label)) {
        const char *view;
        const char *screen = kiosk_app_screen(h->app, &view);
        fail_msg("no button \"%s\" on %s/%s", label, screen, view);
    }
    /* A PIN's OK starts a check on a worker: wait for its result, as a person would. Tests of
     * what happens meanwhile touch through kiosk_app_touch instead. */
    kiosk_app_pin_settle(h->app);
}

void harness_expect(struct harness *h, const char *screen, const char *view)
{
    const char *v;
    const char *s = kiosk_app_screen(h->app, &v);
    if (strcmp(s, screen) != 0 || (view[0] && strcmp(v, view) != 0))
        fail_msg("expected %s/%s, showing %s/%s", screen, view, s, v);
}

static void write_diff(const char *path, const uint8_t *a, const uint8_t *b, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    uint8_t *d = malloc(n * 3);
    if (!d)
        return;
    for (size_t i = 0; i < n; i++) {
        int m = 0;
        for (int c = 0; c < 3; c++) {
            int x = abs(a[i * 3 + c] - b[i * 3 + c]);
            m = x > m ? x : m;
        }
        /* Differences in red over a faint copy of the frame. */
        d[i * 3] = m > 32 ? 255 : (uint8_t)(a[i * 3] / 4);
        d[i * 3 + 1] = (uint8_t)(a[i * 3 + 1] / 4);
        d[i * 3 + 2] = (uint8_t)(a[i * 3 + 2] / 4);
    }
    test_png_write(path, d, w, h);
    free(d);
}

void harness_shot(struct harness *h, const char *name)
{
    char golden[1024], shot[1024], diff[1024];
    snprintf(golden, sizeof golden, "%s/kiosk/golden/%s_%dx%d.png", LD_TEST_DATA, name, h->w, h->h);
    snprintf(shot, sizeof shot, "%s/%s_%dx%d.png", KIOSK_SHOT_DIR, name, h->w, h->h);
    snprintf(diff, sizeof diff, "%s/%s_%dx%d.diff.png", KIOSK_SHOT_DIR, name, h->w, h->h);
    if (mkdir(KIOSK_SHOT_DIR, 0755) != 0 && errno != EEXIST)
        fail_msg("cannot make %s", KIOSK_SHOT_DIR);

    /* Every touch target on every screen, at every size, is at least 9 mm. */
    const char *label;
    int side = kiosk_app_smallest_target(h->app, &label);
    if (side < kiosk_ui_target(h->ui))
        fail_msg("%s: the button \"%s\" is %d px, under 9 mm (%d px)", name, label, side,
                 kiosk_ui_target(h->ui));

    kiosk_app_render(h->app, true, false);
    size_t n = (size_t)h->w * (size_t)h->h;
    uint8_t *rgb = malloc(n * 3);
    assert_non_null(rgb);
    assert_int_equal(kiosk_ui_read_rgb(h->ui, rgb), LD_OK);
    assert_true(test_png_write(shot, rgb, h->w, h->h));

    const char *update = getenv("LD_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        assert_true(test_png_write(golden, rgb, h->w, h->h));
        free(rgb);
        return;
    }
    uint8_t *want = NULL;
    int gw = 0, gh = 0;
    if (!test_png_read(golden, &want, &gw, &gh)) {
        free(rgb);
        fail_msg("no golden %s: look at %s, then run with LD_UPDATE_GOLDEN=1", golden, shot);
    }
    if (gw != h->w || gh != h->h) {
        free(rgb);
        free(want);
        fail_msg("golden %s is %dx%d, not %dx%d", golden, gw, gh, h->w, h->h);
    }
    uint64_t sum = 0;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        int m = 0;
        for (int c = 0; c < 3; c++) {
            int x = abs(rgb[i * 3 + c] - want[i * 3 + c]);
            sum += (uint64_t)x;
            m = x > m ? x : m;
        }
        bad += m > 32;
    }
    double mean = (double)sum / (double)(n * 3), share = 100.0 * (double)bad / (double)n;
    bool ok = mean < 2.0 && share < 0.5;
    if (!ok)
        write_diff(diff, rgb, want, h->w, h->h);
    free(rgb);
    free(want);
    if (!ok)
        fail_msg("%s differs from its golden: mean %.3f, %.3f%% of pixels off (see %s)", name, mean,
                 share, diff);
}
