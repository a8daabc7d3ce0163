/* ui.h: the window, renderer, fonts and drawing primitives every screen draws with. */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "SDL.h"
#include "ld_err.h"

#include "icons.h"

/*
 * One window (or the whole screen) and its renderer, the fonts loaded at sizes derived from
 * the output's height, and a cache of rendered text and icon textures. Everything is sized in
 * design pixels of an 800x480 screen (kiosk_ui_px scales them) and checked against a physical
 * minimum touch target (kiosk_ui_target). All functions run on the UI thread.
 */
struct kiosk_ui;

/* Type sizes, from small print to the idle clock. Bold unless named otherwise. */
enum kiosk_font {
    KIOSK_FONT_SMALL,      /* regular: status lines, hints */
    KIOSK_FONT_SMALL_BOLD, /* status words that matter */
    KIOSK_FONT_BODY,       /* regular: sentences */
    KIOSK_FONT_BODY_BOLD,  /* list names */
    KIOSK_FONT_BUTTON,     /* button labels */
    KIOSK_FONT_TITLE,      /* screen titles, outcome words */
    KIOSK_FONT_NAME,       /* the pupil's name on the greeting */
    KIOSK_FONT_HUGE,       /* the idle clock */
    KIOSK_FONT__COUNT
};

enum kiosk_align { KIOSK_LEFT, KIOSK_CENTRE, KIOSK_RIGHT };

struct kiosk_ui_config {
    const char *assets_dir; /* holds fonts/DejaVuSans.ttf and fonts/DejaVuSans-Bold.ttf */
    int width, height;      /* the window's size; ignored when fullscreen */
    bool fullscreen;        /* the whole display at its own size (the appliance) */
    bool hidden;            /* no window shown: headless tests */
    float dpi;              /* the display's density, 0 to ask SDL (then a fallback) */
};

/*
 * Opens the window and renderer and loads the fonts. SDL's video subsystem and SDL_ttf must
 * be initialised. The renderer is the one SDL_RENDER_DRIVER names, else the first that works,
 * else software. On failure writes a sentence to msg and returns LD_ERR_IO (a window or
 * renderer could not be made), LD_ERR_NOT_FOUND (a font is missing) or LD_ERR_NOMEM; on
 * success *out is the caller's, to free with kiosk_ui_destroy.
 */
ld_err kiosk_ui_create(const struct kiosk_ui_config *cfg, struct kiosk_ui **out, char *msg,
                       size_t msglen) LD_MUST_CHECK;

/*
 * Returns true when dri_dir ("/dev/dri") holds a GPU's device node (card* or renderD*). Without
 * one, SDL's accelerated renderers run on Mesa's software rasteriser at five times the memory
 * of SDL's own software renderer, which kiosk_ui_create then picks.
 */
bool kiosk_ui_has_gpu(const char *dri_dir);

/* Frees the caches, fonts, renderer and window; accepts NULL. */
void kiosk_ui_destroy(struct kiosk_ui *ui);

/*
 * Reads the output size again after the window changed and, when it did, reloads the fonts at
 * the new sizes and empties the caches. Returns LD_OK, or an error after writing msg.
 */
ld_err kiosk_ui_resized(struct kiosk_ui *ui, char *msg, size_t msglen) LD_MUST_CHECK;

/* Returns the assets folder the fonts came from (the kiosk's other assets are beside them). */
const char *kiosk_ui_assets(const struct kiosk_ui *ui);

/* Returns how many texts were cut with an ellipsis since the ui was made (a label, title or
 * sentence that did not fit its place even in the smallest font): tests check that no
 * translation overflows. */
unsigned long kiosk_ui_cuts(const struct kiosk_ui *ui);

SDL_Renderer *kiosk_ui_renderer(const struct kiosk_ui *ui);
SDL_Window *kiosk_ui_window(const struct kiosk_ui *ui);

/* Returns the output's width and height in pixels. */
int kiosk_ui_w(const struct kiosk_ui *ui);
int kiosk_ui_h(const struct kiosk_ui *ui);

/* Returns design pixels (of the 800x480 design) scaled to this output, at least 1 when > 0. */
int kiosk_ui_px(const struct kiosk_ui *ui, float design_px);

/* Returns the smallest touch target in pixels (9 mm at the display's density). */
int kiosk_ui_target(const struct kiosk_ui *ui);

/* Returns the smallest target for a child's own choice (14 mm), and the gap between two
 * (3 mm), in pixels at the display's density. */
int kiosk_ui_pupil_target(const struct kiosk_ui *ui);
int kiosk_ui_pupil_gap(const struct kiosk_ui *ui);

/* Returns the density laid out with, in dots per inch. */
float kiosk_ui_dpi(const struct kiosk_ui *ui);

/* Returns the next smaller font of the same weight, or -1 when font is the smallest. */
int kiosk_ui_smaller(enum kiosk_font font);

/* Returns the height of a line of font, in pixels. */
int kiosk_ui_line_h(const struct kiosk_ui *ui, enum kiosk_font font);

/* Returns the width text would take in font, in pixels (0 for an empty string). */
int kiosk_ui_text_w(const struct kiosk_ui *ui, enum kiosk_font font, const char *text);

/* Starts a frame: ages the caches. Call before drawing anything of a frame. */
void kiosk_ui_begin(struct kiosk_ui *ui);

/*
 * Keeps, from now on, the text each frame draws (from kiosk_ui_begin), a line each, for the
 * screenshots end-to-end tests read (--shot-file). Returns LD_OK or LD_ERR_NOMEM.
 */
ld_err kiosk_ui_log_text(struct kiosk_ui *ui) LD_MUST_CHECK;

/* Returns the text the frame drew so far, a line each; "" when it is not kept. */
const char *kiosk_ui_text_logged(const struct kiosk_ui *ui);

/* Shows what was drawn. */
void kiosk_ui_present(struct kiosk_ui *ui);

/* Fills the whole output with colour c. */
void kiosk_ui_clear(struct kiosk_ui *ui, SDL_Color c);

/* Fills r with colour c (alpha blended). */
void kiosk_ui_fill(struct kiosk_ui *ui, SDL_Rect r, SDL_Color c);

/* Fills r with colour c and corners rounded to radius pixels, antialiased. */
void kiosk_ui_round(struct kiosk_ui *ui, SDL_Rect r, int radius, SDL_Color c);

/* Draws icon in the square r: fg symbol over a disc of colour disc (alpha 0 for no disc). */
void kiosk_ui_icon(struct kiosk_ui *ui, enum kiosk_icon icon, SDL_Rect r, SDL_Color fg,
                   SDL_Color disc);

/*
 * Draws text in font and colour c with its top at y: starting at x (KIOSK_LEFT), centred on x
 * or ending at x. Returns the width drawn.
 */
int kiosk_ui_text(struct kiosk_ui *ui, enum kiosk_font font, SDL_Color c, int x, int y,
                  enum kiosk_align align, const char *text);

/*
 * Draws text on one line inside box, centred vertically and aligned horizontally. When it is
 * too wide the next smaller font of the same weight is tried, down to the small print, and
 * then the text is cut with an ellipsis: nothing is ever clipped mid-letter. Returns the font
 * used.
 */
enum kiosk_font kiosk_ui_text_in(struct kiosk_ui *ui, enum kiosk_font font, SDL_Color c,
                                 SDL_Rect box, enum kiosk_align align, const char *text);

/*
 * Draws text wrapped at spaces into lines no wider than box.w, from box's top, stopping at the
 * last line that fits box.h (that line ends with an ellipsis when text goes on). With draw
 * false only measures. Returns the height used.
 */
int kiosk_ui_wrap(struct kiosk_ui *ui, enum kiosk_font font, SDL_Color c, SDL_Rect box,
                  enum kiosk_align align, const char *text, bool draw);

/*
 * Reads the frame drawn so far (before kiosk_ui_present) as packed RGB, 3 bytes a pixel,
 * rows top to bottom, into rgb (kiosk_ui_w * kiosk_ui_h * 3 bytes). For screenshots.
 */
ld_err kiosk_ui_read_rgb(struct kiosk_ui *ui, uint8_t *rgb) LD_MUST_CHECK;

#endif
