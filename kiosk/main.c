/* main.c: latedoor-kiosk, the late-door appliance: options, SDL start-up, the event loop. */
#define SDL_MAIN_HANDLED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "SDL.h"
#include "SDL_ttf.h"

#include "backend.h"
#include "events.h"
#include "kiosk_app.h"
#include "sound.h"
#include "ui.h"

#ifndef KIOSK_ASSETS_DIR
#define KIOSK_ASSETS_DIR "assets"
#endif
#ifndef LD_VERSION
#define LD_VERSION "0"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: latedoor-kiosk [--window WxH | --fullscreen] [--assets DIR] [--dpi N]\n"
            "                      [--demo-fake | --config FILE]\n"
            "  --window WxH   run in a window of that size (default 800x480)\n"
            "  --fullscreen   use the whole display at its own size (the appliance)\n"
            "  --assets DIR   where fonts/ is (default $LATEDOOR_ASSETS, else %s)\n"
            "  --dpi N        the display's density when it does not report one\n"
            "  --demo-fake    the fictional demo school in memory; F1-F5 tap cards\n"
            "  --config FILE  the device's school.ini (the device backend)\n",
            KIOSK_ASSETS_DIR);
}

struct options {
    int w, h;
    bool fullscreen;
    const char *assets;
    float dpi;
    struct kiosk_backend_options backend;
};

/* Returns 0, or 2 after printing what was wrong. */
static int parse(int argc, char **argv, struct options *o)
{
    o->w = 800;
    o->h = 480;
    o->assets = getenv("LATEDOOR_ASSETS");
    if (!o->assets || !o->assets[0])
        o->assets = KIOSK_ASSETS_DIR;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--window") == 0 && has_value) {
            char tail;
            if (sscanf(argv[++i], "%dx%d%c", &o->w, &o->h, &tail) != 2 || o->w < 320 ||
                o->h < 240 || o->w > 7680 || o->h > 4320) {
                fprintf(stderr, "latedoor-kiosk: --window wants WxH, 320x240 to 7680x4320\n");
                return 2;
            }
        } else if (strcmp(a, "--fullscreen") == 0) {
            o->fullscreen = true;
        } else if (strcmp(a, "--assets") == 0 && has_value) {
            o->assets = argv[++i];
        } else if (strcmp(a, "--dpi") == 0 && has_value) {
            o->dpi = strtof(argv[++i], NULL);
        } else if (strcmp(a, "--demo-fake") == 0) {
            o->backend.demo_fake = true;
        } else if (strcmp(a, "--config") == 0 && has_value) {
            o->backend.config_path = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("latedoor-kiosk %s\n", LD_VERSION);
            exit(0);
        } else {
            fprintf(stderr, "latedoor-kiosk: unknown or incomplete option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;

    struct kiosk_backend_handle backend = {0};
    struct kiosk_ui *ui = NULL;
    struct kiosk_sound *sound = NULL;
    struct kiosk_app *app = NULL;
    bool sdl = false, ttf = false;
    char msg[512];
    rc = 1;

    if (kiosk_backend_build(&o.backend, &backend, msg, sizeof msg) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: %s\n", msg);
        goto end;
    }
    SDL_SetMainReady();
    /* A kiosk must not blank its screen: children walk up to it all morning. */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "latedoor-kiosk: cannot start SDL: %s\n", SDL_GetError());
        goto end;
    }
    sdl = true;
    if (TTF_Init() != 0) {
        fprintf(stderr, "latedoor-kiosk: cannot start SDL_ttf: %s\n", TTF_GetError());
        goto end;
    }
    ttf = true;
    if (kiosk_events_init() != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: no SDL user event left for the reader\n");
        goto end;
    }
    struct kiosk_ui_config uc = {o.assets, o.w, o.h, o.fullscreen, false, o.dpi};
    if (kiosk_ui_create(&uc, &ui, msg, sizeof msg) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: %s\n", msg);
        goto end;
    }
    sound = kiosk_sound_open();
    struct kiosk_app_config ac = {
        .backend = backend.backend,
        .ui = ui,
        .sound = sound,
        .demo_cards = kiosk_backend_demo_cards(&backend),
    };
    if (kiosk_app_create(&ac, &app) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: out of memory\n");
        goto end;
    }
    SDL_StartTextInput();
    kiosk_app_run(app);
    rc = 0;
end:
    kiosk_app_destroy(app);
    kiosk_sound_close(sound);
    kiosk_ui_destroy(ui);
    kiosk_events_drain();
    if (ttf)
        TTF_Quit();
    if (sdl)
        SDL_Quit();
    kiosk_backend_release(&backend);
    return rc;
}
