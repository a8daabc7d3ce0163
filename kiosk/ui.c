/* ui.c: SDL window and renderer, fonts sized from the screen, cached text and icon textures. */
#include "ui.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "SDL_ttf.h"

#include "layout.h"
#include "names.h"

/* Rendered strings kept between frames: every label of the busiest screen, with room. */
#define TEXT_CACHE 256
#define ICON_CACHE 64
#define TEXT_MAX   512 /* bytes of one string drawn; longer ones are cut */

/* Each font's size in design pixels (of the 800x480 design) and its weight. */
static const struct {
    float px;
    bool bold;
} font_spec[KIOSK_FONT__COUNT] = {
    [KIOSK_FONT_SMALL] = {16, false}, [KIOSK_FONT_SMALL_BOLD] = {16, true},
    [KIOSK_FONT_BODY] = {21, false},  [KIOSK_FONT_BODY_BOLD] = {21, true},
    [KIOSK_FONT_BUTTON] = {25, true}, [KIOSK_FONT_TITLE] = {34, true},
    [KIOSK_FONT_NAME] = {62, true},   [KIOSK_FONT_HUGE] = {128, true},
};

/* The next smaller font of the same weight, for text that does not fit; -1 for none. */
static const int font_smaller[KIOSK_FONT__COUNT] = {
    [KIOSK_FONT_SMALL] = -1,
    [KIOSK_FONT_SMALL_BOLD] = -1,
    [KIOSK_FONT_BODY] = KIOSK_FONT_SMALL,
    [KIOSK_FONT_BODY_BOLD] = KIOSK_FONT_SMALL_BOLD,
    [KIOSK_FONT_BUTTON] = KIOSK_FONT_BODY_BOLD,
    [KIOSK_FONT_TITLE] = KIOSK_FONT_BUTTON,
    [KIOSK_FONT_NAME] = KIOSK_FONT_TITLE,
    [KIOSK_FONT_HUGE] = KIOSK_FONT_NAME,
};

struct text_entry {
    uint32_t hash;
    int font;
    char *text;
    SDL_Texture *tex;
    int w, h;
    uint64_t used;
};

struct icon_entry {
    int icon, size;
    uint32_t fg, disc;
    SDL_Texture *tex;
    uint64_t used;
};

struct kiosk_ui {
    SDL_Window *window;
    SDL_Renderer *renderer;
    char assets[1024]; /* the assets folder: fonts/, lang/ */
    char regular_path[1024], bold_path[1024];
    TTF_Font *fonts[KIOSK_FONT__COUNT];
    int w, h;
    float scale, dpi;
    uint64_t frame;
    unsigned long cuts; /* texts cut with an ellipsis: words that did not fit their place */
    struct text_entry text[TEXT_CACHE];
    struct icon_entry icons[ICON_CACHE];
    /* The text drawn since the frame began, a line each, for --shot-file; NULL when off. */
    char *text_log;
    size_t text_log_len;
};

/* Bytes of the text log: a screen's words, with room to spare. */
#define TEXT_LOG_MAX 16384

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static uint32_t pack(SDL_Color c)
{
    return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

static void flush_caches(struct kiosk_ui *ui)
{
    for (size_t i = 0; i < TEXT_CACHE; i++) {
        if (ui->text[i].tex)
            SDL_DestroyTexture(ui->text[i].tex);
        free(ui->text[i].text);
        memset(&ui->text[i], 0, sizeof ui->text[i]);
    }
    for (size_t i = 0; i < ICON_CACHE; i++) {
        if (ui->icons[i].tex)
            SDL_DestroyTexture(ui->icons[i].tex);
        memset(&ui->icons[i], 0, sizeof ui->icons[i]);
    }
}

static void close_fonts(struct kiosk_ui *ui)
{
    for (int i = 0; i < KIOSK_FONT__COUNT; i++) {
        if (ui->fonts[i])
            TTF_CloseFont(ui->fonts[i]);
        ui->fonts[i] = NULL;
    }
}

static ld_err load_fonts(struct kiosk_ui *ui, char *msg, size_t msglen)
{
    close_fonts(ui);
    for (int i = 0; i < KIOSK_FONT__COUNT; i++) {
        const char *path = font_spec[i].bold ? ui->bold_path : ui->regular_path;
        int px = (int)(font_spec[i].px * ui->scale + 0.5f);
        ui->fonts[i] = TTF_OpenFont(path, px < 6 ? 6 : px);
        if (!ui->fonts[i]) {
            snprintf(msg, msglen, "Cannot open the font %s: %s", path, TTF_GetError());
            close_fonts(ui);
            return LD_ERR_NOT_FOUND;
        }
        /* Light hinting keeps the letter shapes of the design while staying crisp. */
        TTF_SetFontHinting(ui->fonts[i], TTF_HINTING_LIGHT);
    }
    return LD_OK;
}

static ld_err read_size(struct kiosk_ui *ui, bool *changed, char *msg, size_t msglen)
{
    int w, h;
    if (SDL_GetRendererOutputSize(ui->renderer, &w, &h) != 0 || w <= 0 || h <= 0) {
        snprintf(msg, msglen, "Cannot read the screen size: %s", SDL_GetError());
        return LD_ERR_IO;
    }
    *changed = w != ui->w || h != ui->h;
    ui->w = w;
    ui->h = h;
    ui->scale = kiosk_layout_scale(w, h);
    return LD_OK;
}

ld_err kiosk_ui_create(const struct kiosk_ui_config *cfg, struct kiosk_ui **out, char *msg,
                       size_t msglen)
{
    ld_err err = LD_OK;
    struct kiosk_ui *ui = calloc(1, sizeof *ui);
    if (!ui) {
        snprintf(msg, msglen, "Out of memory for the screen.");
        return LD_ERR_NOMEM;
    }
    snprintf(ui->assets, sizeof ui->assets, "%s", cfg->assets_dir);
    snprintf(ui->regular_path, sizeof ui->regular_path, "%s/fonts/DejaVuSans.ttf", cfg->assets_dir);
    snprintf(ui->bold_path, sizeof ui->bold_path, "%s/fonts/DejaVuSans-Bold.ttf", cfg->assets_dir);

    Uint32 flags = cfg->hidden ? SDL_WINDOW_HIDDEN : SDL_WINDOW_SHOWN;
    if (cfg->fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    else
        flags |= SDL_WINDOW_RESIZABLE;
    int w = cfg->width > 0 ? cfg->width : KIOSK_DESIGN_W;
    int h = cfg->height > 0 ? cfg->height : KIOSK_DESIGN_H;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    SDL_DisplayMode mode;
    if (cfg->fullscreen && SDL_GetDesktopDisplayMode(0, &mode) == 0 && mode.w > 0 && mode.h > 0) {
        /*
         * The window itself covers the display: under X with no window manager nobody acts on
         * the fullscreen request, and a window of the design size would be drawn as if it were
         * the display's (the frame cropped, every touch off by the window's offset).
         */
        w = mode.w;
        h = mode.h;
        x = y = 0;
    }
    ui->window = SDL_CreateWindow("latedoor", x, y, w, h, flags);
    if (!ui->window) {
        snprintf(msg, msglen, "Cannot open a window: %s", SDL_GetError());
        err = LD_ERR_IO;
        goto out;
    }
    /*
     * SDL_RENDER_DRIVER, when set, picks the driver; otherwise the first that works. The
     * software renderer presents through the window's framebuffer: keep that a plain one, or
     * SDL loads OpenGL (Mesa's llvmpipe under X11) only to copy it, about 90 MB resident for
     * nothing (bench/bench_kiosk.c). $SDL_FRAMEBUFFER_ACCELERATION still overrides this.
     */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    /* No GPU (a Pi without its KMS driver, a desktop under Xvfb): SDL's software renderer,
     * 19 MB resident where an OpenGL one on llvmpipe took 109. $SDL_RENDER_DRIVER wins. */
    const char *drv = getenv("SDL_RENDER_DRIVER");
    if ((!drv || !drv[0]) && !kiosk_ui_has_gpu("/dev/dri"))
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    ui->renderer = SDL_CreateRenderer(ui->window, -1, 0);
    if (!ui->renderer)
        ui->renderer = SDL_CreateRenderer(ui->window, -1, SDL_RENDERER_SOFTWARE);
    if (!ui->renderer) {
        snprintf(msg, msglen, "Cannot create a renderer: %s", SDL_GetError());
        err = LD_ERR_IO;
        goto out;
    }
    SDL_SetRenderDrawBlendMode(ui->renderer, SDL_BLENDMODE_BLEND);
    if (cfg->fullscreen)
        SDL_ShowCursor(SDL_DISABLE);

    float ddpi = cfg->dpi;
    if (ddpi <= 0) {
        int display = SDL_GetWindowDisplayIndex(ui->window);
        if (display < 0 || SDL_GetDisplayDPI(display, &ddpi, NULL, NULL) != 0)
            ddpi = 0;
    }
    ui->dpi = kiosk_layout_dpi(ddpi);

    bool changed;
    err = read_size(ui, &changed, msg, msglen);
    if (err)
        goto out;
    err = load_fonts(ui, msg, msglen);
out:
    if (err) {
        kiosk_ui_destroy(ui);
        return err;
    }
    *out = ui;
    return LD_OK;
}

void kiosk_ui_destroy(struct kiosk_ui *ui)
{
    if (!ui)
        return;
    flush_caches(ui);
    close_fonts(ui);
    free(ui->text_log);
    if (ui->renderer)
        SDL_DestroyRenderer(ui->renderer);
    if (ui->window)
        SDL_DestroyWindow(ui->window);
    free(ui);
}

ld_err kiosk_ui_resized(struct kiosk_ui *ui, char *msg, size_t msglen)
{
    bool changed;
    ld_err err = read_size(ui, &changed, msg, msglen);
    if (err || !changed)
        return err;
    flush_caches(ui);
    return load_fonts(ui, msg, msglen);
}

const char *kiosk_ui_assets(const struct kiosk_ui *ui)
{
    return ui->assets;
}

unsigned long kiosk_ui_cuts(const struct kiosk_ui *ui)
{
    return ui->cuts;
}

SDL_Renderer *kiosk_ui_renderer(const struct kiosk_ui *ui)
{
    return ui->renderer;
}

SDL_Window *kiosk_ui_window(const struct kiosk_ui *ui)
{
    return ui->window;
}

int kiosk_ui_w(const struct kiosk_ui *ui)
{
    return ui->w;
}

int kiosk_ui_h(const struct kiosk_ui *ui)
{
    return ui->h;
}

int kiosk_ui_px(const struct kiosk_ui *ui, float design_px)
{
    int v = (int)(design_px * ui->scale + 0.5f);
    return design_px > 0 && v < 1 ? 1 : v;
}

int kiosk_ui_target(const struct kiosk_ui *ui)
{
    return kiosk_layout_min_target(ui->dpi);
}

int kiosk_ui_pupil_target(const struct kiosk_ui *ui)
{
    return kiosk_layout_mm_px(ui->dpi, KIOSK_PUPIL_TARGET_MM);
}

int kiosk_ui_pupil_gap(const struct kiosk_ui *ui)
{
    return kiosk_layout_mm_px(ui->dpi, KIOSK_PUPIL_GAP_MM);
}

float kiosk_ui_dpi(const struct kiosk_ui *ui)
{
    return ui->dpi;
}

int kiosk_ui_smaller(enum kiosk_font font)
{
    return font_smaller[font];
}

int kiosk_ui_line_h(const struct kiosk_ui *ui, enum kiosk_font font)
{
    return TTF_FontHeight(ui->fonts[font]);
}

int kiosk_ui_text_w(const struct kiosk_ui *ui, enum kiosk_font font, const char *text)
{
    int w = 0, h = 0;
    if (!text || !text[0])
        return 0;
    if (TTF_SizeUTF8(ui->fonts[font], text, &w, &h) != 0)
        return 0;
    return w;
}

void kiosk_ui_begin(struct kiosk_ui *ui)
{
    ui->frame++;
    if (ui->text_log)
        ui->text_log[ui->text_log_len = 0] = '\0';
}

ld_err kiosk_ui_log_text(struct kiosk_ui *ui)
{
    if (!ui->text_log && !(ui->text_log = calloc(1, TEXT_LOG_MAX)))
        return LD_ERR_NOMEM;
    return LD_OK;
}

const char *kiosk_ui_text_logged(const struct kiosk_ui *ui)
{
    return ui->text_log ? ui->text_log : "";
}

/* Adds text to the log of the frame's words, when it is kept, as far as it has room. */
static void log_text(struct kiosk_ui *ui, const char *text)
{
    size_t n = strlen(text);
    if (!ui->text_log || ui->text_log_len + n + 2 > TEXT_LOG_MAX)
        return;
    memcpy(ui->text_log + ui->text_log_len, text, n);
    ui->text_log_len += n;
    ui->text_log[ui->text_log_len++] = '\n';
    ui->text_log[ui->text_log_len] = '\0';
}

void kiosk_ui_present(struct kiosk_ui *ui)
{
    SDL_RenderPresent(ui->renderer);
}

static void set_colour(struct kiosk_ui *ui, SDL_Color c)
{
    SDL_SetRenderDrawColor(ui->renderer, c.r, c.g, c.b, c.a);
}

void kiosk_ui_clear(struct kiosk_ui *ui, SDL_Color c)
{
    set_colour(ui, c);
    SDL_RenderClear(ui->renderer);
}

void kiosk_ui_fill(struct kiosk_ui *ui, SDL_Rect r, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    set_colour(ui, c);
    SDL_RenderFillRect(ui->renderer, &r);
}

/* Returns the cached texture of an icon, rendering it on first use; NULL when out of memory. */
static SDL_Texture *icon_texture(struct kiosk_ui *ui, enum kiosk_icon icon, int size, SDL_Color fg,
                                 SDL_Color disc)
{
    uint32_t pfg = pack(fg), pdisc = pack(disc);
    size_t victim = 0;
    for (size_t i = 0; i < ICON_CACHE; i++) {
        struct icon_entry *e = &ui->icons[i];
        if (e->tex && e->icon == (int)icon && e->size == size && e->fg == pfg && e->disc == pdisc) {
            e->used = ui->frame;
            return e->tex;
        }
        if (!e->tex || (ui->icons[victim].tex && e->used < ui->icons[victim].used))
            victim = i;
    }
    SDL_Surface *s = kiosk_icon_render(icon, size, fg, disc);
    if (!s)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(ui->renderer, s);
    SDL_FreeSurface(s);
    if (!tex)
        return NULL;
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    struct icon_entry *e = &ui->icons[victim];
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    *e = (struct icon_entry){(int)icon, size, pfg, pdisc, tex, ui->frame};
    return tex;
}

void kiosk_ui_round(struct kiosk_ui *ui, SDL_Rect r, int radius, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    int max = (r.w < r.h ? r.w : r.h) / 2;
    if (radius > max)
        radius = max;
    SDL_Texture *disc = radius > 1
                            ? icon_texture(ui, KIOSK_ICON_NONE, 2 * radius, (SDL_Color){0, 0, 0, 0},
                                           (SDL_Color){255, 255, 255, 255})
                            : NULL;
    if (!disc) {
        kiosk_ui_fill(ui, r, c);
        return;
    }
    /* Four antialiased quarter discs for the corners, three rectangles for the rest. */
    SDL_SetTextureColorMod(disc, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(disc, c.a);
    int d = radius;
    SDL_Rect src[4] = {{0, 0, d, d}, {d, 0, d, d}, {0, d, d, d}, {d, d, d, d}};
    SDL_Rect dst[4] = {{r.x, r.y, d, d},
                       {r.x + r.w - d, r.y, d, d},
                       {r.x, r.y + r.h - d, d, d},
                       {r.x + r.w - d, r.y + r.h - d, d, d}};
    for (int i = 0; i < 4; i++)
        SDL_RenderCopy(ui->renderer, disc, &src[i], &dst[i]);
    kiosk_ui_fill(ui, (SDL_Rect){r.x + d, r.y, r.w - 2 * d, r.h}, c);
    kiosk_ui_fill(ui, (SDL_Rect){r.x, r.y + d, d, r.h - 2 * d}, c);
    kiosk_ui_fill(ui, (SDL_Rect){r.x + r.w - d, r.y + d, d, r.h - 2 * d}, c);
}

void kiosk_ui_icon(struct kiosk_ui *ui, enum kiosk_icon icon, SDL_Rect r, SDL_Color fg,
                   SDL_Color disc)
{
    int size = r.w < r.h ? r.w : r.h;
    if (size <= 0)
        return;
    SDL_Texture *tex = icon_texture(ui, icon, size, fg, disc);
    if (!tex)
        return;
    SDL_SetTextureColorMod(tex, 255, 255, 255);
    SDL_SetTextureAlphaMod(tex, 255);
    SDL_Rect dst = {r.x + (r.w - size) / 2, r.y + (r.h - size) / 2, size, size};
    SDL_RenderCopy(ui->renderer, tex, NULL, &dst);
}

/* Returns the cached white texture of text in font, rendering it on first use. */
static struct text_entry *text_texture(struct kiosk_ui *ui, enum kiosk_font font, const char *text)
{
    uint32_t h = hash_str(text) ^ (uint32_t)font * 0x9E3779B9u;
    size_t victim = 0;
    for (size_t i = 0; i < TEXT_CACHE; i++) {
        struct text_entry *e = &ui->text[i];
        if (e->tex && e->hash == h && e->font == (int)font && strcmp(e->text, text) == 0) {
            e->used = ui->frame;
            return e;
        }
        if (!e->tex || (ui->text[victim].tex && e->used < ui->text[victim].used))
            victim = i;
    }
    /* White, so one texture serves every colour through the colour modulation. */
    SDL_Surface *s = TTF_RenderUTF8_Blended(ui->fonts[font], text, (SDL_Color){255, 255, 255, 255});
    if (!s)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(ui->renderer, s);
    int w = s->w, hh = s->h;
    SDL_FreeSurface(s);
    char *copy = tex ? strdup(text) : NULL;
    if (!copy) {
        if (tex)
            SDL_DestroyTexture(tex);
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    struct text_entry *e = &ui->text[victim];
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    free(e->text);
    *e = (struct text_entry){h, (int)font, copy, tex, w, hh, ui->frame};
    return e;
}

int kiosk_ui_text(struct kiosk_ui *ui, enum kiosk_font font, SDL_Color c, int x, int y,
                  enum kiosk_align align, const char *text)
{
    if (!text || !text[0])
        return 0;
    char buf[TEXT_MAX];
    kiosk_copy(buf, sizeof buf, text);
    struct text_entry *e = text_texture(ui, font, buf);
    if (!e)
        return 0;
    SDL_Rect dst = {x, y, e->w, e->h};
    if (align == KIOSK_CENTRE)
        dst.x = x - e->w / 2;
    else if (align == KIOSK_RIGHT)
        dst.x = x - e->w;
    SDL_SetTextureColorMod(e->tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(e->tex, c.a);
    SDL_RenderCopy(ui->renderer, e->tex, NULL, &dst);
    log_text(ui, buf);
    return e->w;
}

/* Cuts text (in buf) with an ellipsis until it fits width in font, and counts the cut. */
static void ellipsize(struct kiosk_ui *ui, enum kiosk_font font, char *buf, size_t buflen,
                      int width)
{
    char tmp[TEXT_MAX + 4];
    ui->cuts++;
    size_t n = strlen(buf);
    while (n > 0) {
        n = kiosk_utf8_cut(buf, n - 1);
        while (n > 0 && buf[n - 1] == ' ')
            n--;
        memcpy(tmp, buf, n);
        memcpy(tmp + n, "\u2026", sizeof "\u2026");
        if (kiosk_ui_text_w(ui, font, tmp) <= width)
            break;
    }
    kiosk_copy(buf, buflen, n > 0 ? tmp : "\u2026");
}

enum kiosk_font kiosk_ui_text_in(struct kiosk_ui *ui, enum kiosk_font font, SDL_Color c,
                                 SDL_Rect box, enum kiosk_align align, const char *text)
{
    if (!text || !text[0])
        return font;
    char buf[TEXT_MAX];
    kiosk_copy(buf, sizeof buf, text);
    enum kiosk_font f = font;
    while (kiosk_ui_text_w(ui, f, buf) > box.w && font_smaller[f] >= 0)
        f = (enum kiosk_font)font_smaller[f];
    if (kiosk_ui_text_w(ui, f, buf) > box.w)
        ellipsize(ui, f, buf, sizeof buf, box.w);
    int y = box.y + (box.h - kiosk_ui_line_h(ui, f)) / 2;
    int x = align == KIOSK_LEFT ? box.x : align == KIOSK_CENTRE ? box.x + box.w / 2 : box.x + box.w;
    kiosk_ui_text(ui, f, c, x, y, align, buf);
    return f;
}

int kiosk_ui_wrap(struct kiosk_ui *ui, enum kiosk_font font, SDL_Color c, SDL_Rect box,
                  enum kiosk_align align, const char *text, bool draw)
{
    int lh = kiosk_ui_line_h(ui, font), y = 0;
    char line[TEXT_MAX];
    const char *p = text ? text : "";
    int x = align == KIOSK_LEFT ? box.x : align == KIOSK_CENTRE ? box.x + box.w / 2 : box.x + box.w;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        /* Take words while the line still fits; a single long word is cut by ellipsize. */
        size_t taken = 0, fit = 0;
        for (;;) {
            size_t end = taken;
            while (p[end] == ' ')
                end++;
            while (p[end] && p[end] != ' ')
                end++;
            if (end == taken || end >= sizeof line)
                break;
            memcpy(line, p, end);
            line[end] = '\0';
            if (kiosk_ui_text_w(ui, font, line) > box.w && fit > 0)
                break;
            fit = taken = end;
            if (!p[end])
                break;
        }
        if (fit == 0) /* nothing fitted: a very long word */
            fit = strcspn(p, " ");
        if (fit >= sizeof line)
            fit = kiosk_utf8_cut(p, sizeof line - 1);
        memcpy(line, p, fit);
        line[fit] = '\0';
        p += fit;
        bool last = y + 2 * lh > box.h;
        while (*p == ' ')
            p++;
        if (last && *p) {
            /* The box is full: end this line with an ellipsis, whatever was left. */
            size_t ln = strlen(line);
            if (ln + 1 < sizeof line) {
                line[ln++] = ' ';
                kiosk_copy(line + ln, sizeof line - ln, p);
            }
        }
        if (kiosk_ui_text_w(ui, font, line) > box.w)
            ellipsize(ui, font, line, sizeof line, box.w);
        if (draw)
            kiosk_ui_text(ui, font, c, x, box.y + y, align, line);
        y += lh;
        if (last)
            break;
    }
    return y;
}

ld_err kiosk_ui_read_rgb(struct kiosk_ui *ui, uint8_t *rgb)
{
    if (SDL_RenderReadPixels(ui->renderer, NULL, SDL_PIXELFORMAT_RGB24, rgb, ui->w * 3) != 0)
        return LD_ERR_IO;
    return LD_OK;
}

bool kiosk_ui_has_gpu(const char *dri_dir)
{
    bool found = false;
    DIR *d = opendir(dri_dir);
    if (!d)
        return false;
    for (struct dirent *e; !found && (e = readdir(d));)
        found = strncmp(e->d_name, "card", 4) == 0 || strncmp(e->d_name, "renderD", 7) == 0;
    closedir(d);
    return found;
}
