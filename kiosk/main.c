/* main.c: latedoor-kiosk, the late-door appliance: options, SDL start-up, the event loop. */
#define SDL_MAIN_HANDLED
#include <signal.h>
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
            "                      [--demo-fake | --config FILE] [--clock-start LOCAL]\n"
            "                      [--demo-cards UID,UID,...] [--shot-file BASE]\n"
            "  --window WxH   run in a window of that size (default 800x480)\n"
            "  --fullscreen   use the whole display at its own size (the appliance)\n"
            "  --assets DIR   where fonts/ is (default $LATEDOOR_ASSETS, else %s)\n"
            "  --dpi N        the display's density when it does not report one\n"
            "  --demo-fake    the fictional demo school in memory; F1-F5 tap cards\n"
            "  --config FILE  the device's school.ini (default $LATEDOOR_CONFIG, else\n"
            "                 /etc/latedoor/school.ini)\n"
            "  --clock-start YYYY-MM-DDTHH:MM  demo and tests only: the clock starts at this\n"
            "                 school-local time and runs on in real time\n"
            "  --demo-cards L F1, F2, ... tap these cards through the simulated reader\n"
            "  --shot-file BASE  on SIGUSR1 write BASE.bmp (the screen) and BASE.txt (its name\n"
            "                 and buttons), for end-to-end tests\n"
            "  --guard-ms N     touches are ignored N ms after the screen changed by itself\n"
            "  --greet-ms N     a greeting that ends on the idle screen shows N ms (tests)\n"
            "                 (default 700; end-to-end tests widen it to click inside it)\n",
            KIOSK_ASSETS_DIR);
}

struct options {
    int w, h;
    bool fullscreen;
    const char *assets;
    float dpi;
    struct kiosk_backend_options backend;
    char *demo_cards[13];
    const char *shot_file;
    unsigned guard_ms; /* 0: KIOSK_GUARD_MS */
    unsigned greet_ms; /* 0: KIOSK_GREET_MS */
};

/* Splits a comma-separated list of up to 12 UIDs into o->demo_cards; false when bad. */
static bool parse_cards(char *list, struct options *o)
{
    int n = 0;
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == 12 || !t[0] || strspn(t, "0123456789ABCDEFabcdef") != strlen(t))
            return false;
        o->demo_cards[n++] = t;
    }
    o->demo_cards[n] = NULL;
    return n > 0;
}

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
        } else if (strcmp(a, "--clock-start") == 0 && has_value) {
            o->backend.clock_start = argv[++i];
        } else if (strcmp(a, "--demo-cards") == 0 && has_value) {
            if (!parse_cards(argv[++i], o)) {
                fprintf(stderr, "latedoor-kiosk: --demo-cards wants 1 to 12 hex UIDs, "
                                "comma-separated\n");
                return 2;
            }
        } else if (strcmp(a, "--shot-file") == 0 && has_value) {
            o->shot_file = argv[++i];
        } else if (strcmp(a, "--guard-ms") == 0 && has_value) {
            char *end;
            unsigned long ms = strtoul(argv[++i], &end, 10);
            if (*end || ms < 1 || ms > 60000) {
                fprintf(stderr, "latedoor-kiosk: --guard-ms wants 1 to 60000\n");
                return 2;
            }
            o->guard_ms = (unsigned)ms;
        } else if (strcmp(a, "--greet-ms") == 0 && has_value) {
            char *end;
            unsigned long ms = strtoul(argv[++i], &end, 10);
            if (*end || ms < 1 || ms > 600000) {
                fprintf(stderr, "latedoor-kiosk: --greet-ms wants 1 to 600000\n");
                return 2;
            }
            o->greet_ms = (unsigned)ms;
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

static volatile sig_atomic_t shot_wanted;

static void on_usr1(int sig)
{
    (void)sig;
    shot_wanted = 1;
}

/* Writes what shows to BASE.bmp and the screen's name to BASE.txt (for end-to-end tests). */
static void write_shot(struct kiosk_app *app, struct kiosk_ui *ui, const char *base)
{
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    uint8_t *rgb = malloc((size_t)w * (size_t)h * 3);
    char path[1024];
    kiosk_app_render(app, true, true);
    if (rgb && kiosk_ui_read_rgb(ui, rgb) == LD_OK) {
        SDL_Surface *s =
            SDL_CreateRGBSurfaceWithFormatFrom(rgb, w, h, 24, w * 3, SDL_PIXELFORMAT_RGB24);
        snprintf(path, sizeof path, "%s.bmp", base);
        if (!s || SDL_SaveBMP(s, path) != 0)
            SDL_Log("latedoor-kiosk: cannot write %s: %s", path, SDL_GetError());
        SDL_FreeSurface(s);
    }
    free(rgb);
    const char *view = "";
    const char *screen = kiosk_app_screen(app, &view);
    snprintf(path, sizeof path, "%s.txt", base);
    /* Written aside and renamed, so a test never reads half of it. */
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "screen %s %s\n", screen, view[0] ? view : "-");
    /* A test clicks only once the screen takes touches (the guard after a change by itself). */
    if (kiosk_app_guard_ms(app))
        fprintf(f, "guarded\n");
    SDL_Rect r;
    const char *label;
    for (size_t i = 0; kiosk_app_button_at(app, i, &r, &label); i++)
        fprintf(f, "button %d %d %s\n", r.x + r.w / 2, r.y + r.h / 2, label);
    /* And the words on the screen, as drawn (cut with an ellipsis where they did not fit). */
    for (const char *t = kiosk_ui_text_logged(ui); *t;) {
        size_t n = strcspn(t, "\n");
        fprintf(f, "text %.*s\n", (int)n, t);
        t += n + (t[n] == '\n');
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        SDL_Log("latedoor-kiosk: cannot write %s", path);
}

/* kiosk_app_run, with the screenshot hook. */
static void run(struct kiosk_app *app, struct kiosk_ui *ui, const char *shot_file)
{
    if (!shot_file) {
        kiosk_app_run(app);
        return;
    }
    kiosk_app_render(app, true, true);
    for (;;) {
        SDL_Event ev;
        /* A signal does not wake SDL's wait: poll the flag at least 10 times a second. */
        int wait = kiosk_app_wait_ms(app);
        if (SDL_WaitEventTimeout(&ev, wait < 100 ? wait : 100)) {
            bool quit = false;
            do {
                quit = quit || ev.type == SDL_QUIT;
                kiosk_app_handle(app, &ev);
                kiosk_events_release(&ev);
            } while (!quit && SDL_PollEvent(&ev));
            if (quit)
                return;
        }
        kiosk_app_tick(app);
        kiosk_app_render(app, false, true);
        if (shot_wanted) {
            shot_wanted = 0;
            write_shot(app, ui, shot_file);
        }
    }
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;

    /* Before any window shows: a test may ask for a screenshot as soon as it sees one. */
    if (o.shot_file)
        signal(SIGUSR1, on_usr1);
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
    /* A device that did not open still runs: its error screen tells staff why. */
    if (msg[0])
        fprintf(stderr, "latedoor-kiosk: %s\n", msg);
    if (o.demo_cards[0])
        kiosk_backend_set_demo_cards(&backend, (const char *const *)o.demo_cards);
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
    kiosk_backend_start(&backend); /* the reader: its cards now have somewhere to go */
    struct kiosk_ui_config uc = {o.assets, o.w, o.h, o.fullscreen, false, o.dpi};
    if (kiosk_ui_create(&uc, &ui, msg, sizeof msg) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: %s\n", msg);
        goto end;
    }
    if (o.shot_file && kiosk_ui_log_text(ui) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: out of memory\n");
        goto end;
    }
    sound = kiosk_sound_open();
    struct kiosk_app_config ac = {
        .backend = backend.backend,
        .ui = ui,
        .sound = sound,
        .demo_cards = kiosk_backend_demo_cards(&backend),
        .demo_tap = backend.device ? kiosk_backend_demo_tap : NULL,
        .demo_ctx = &backend,
        .guard_ms = o.guard_ms,
        .greet_ms = o.greet_ms,
    };
    if (kiosk_app_create(&ac, &app) != LD_OK) {
        fprintf(stderr, "latedoor-kiosk: out of memory\n");
        goto end;
    }
    SDL_StartTextInput();
    run(app, ui, o.shot_file);
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
