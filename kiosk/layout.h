/* layout.h: the kiosk's layout arithmetic: physical sizes, scale and button grids. Pure. */
#ifndef KIOSK_LAYOUT_H
#define KIOSK_LAYOUT_H

#include <stdbool.h>

#include "SDL_rect.h"

/* The smallest touch target, in millimetres: a seven-year-old's fingertip with room to spare. */
#define KIOSK_TARGET_MM 9.0f
/* A young child's finger: the pupils' own targets (classes, names) are at least 14 mm with
 * 3 mm between them, at the display's density (ui.c: SDL's figure, else the 7-inch panel's
 * 133 dpi: an 800x480 panel 154 mm wide). */
#define KIOSK_PUPIL_TARGET_MM 14.0f
#define KIOSK_PUPIL_GAP_MM    3.0f
/*
 * The density assumed when the display does not say or says something absurd: the official
 * 7-inch 800x480 panel is about 133 dpi, and assuming a high density only ever makes targets
 * larger, never smaller.
 */
#define KIOSK_FALLBACK_DPI 133.0f
/* The design size every proportion is drawn for. */
#define KIOSK_DESIGN_W 800
#define KIOSK_DESIGN_H 480

/*
 * Returns the density to lay out with: reported when it is plausible for a touch screen
 * (60 to 600 dpi), otherwise KIOSK_FALLBACK_DPI. A reported value of 0 or less means unknown.
 */
float kiosk_layout_dpi(float reported);

/* Returns the pixels that mm millimetres take at dpi, rounded up. */
int kiosk_layout_mm_px(float dpi, float mm);

/* Returns the smallest touch target in pixels at dpi (KIOSK_TARGET_MM, rounded up). */
int kiosk_layout_min_target(float dpi);

/*
 * Returns the scale of a w x h output against the 800x480 design: the smaller of the two
 * ratios, so a layout drawn for the design fits either way. Never below 0.25.
 */
float kiosk_layout_scale(int w, int h);

/* What a grid of buttons needs. */
struct kiosk_grid_spec {
    int count;        /* buttons to place (over all pages) */
    int min_cols;     /* at least this many columns when count allows; 1 if unsure */
    int max_cols;     /* at most this many columns */
    int min_w, min_h; /* the smallest cell: the touch target and the text it must hold */
    int max_h;        /* cells never grow taller than this (0: no cap) */
    int gap;          /* pixels between cells */
};

/* A fitted grid: cells of cell_w x cell_h from area's top-left, per_page cells a page. */
struct kiosk_grid {
    SDL_Rect area;
    int cols, rows, per_page, pages;
    int cell_w, cell_h, gap;
};

/*
 * Fits spec into area. Chooses the fewest columns (from min_cols) that show every button on
 * one page with cells at least min_w x min_h; when none does, the most columns whose cells are
 * still min_w wide, paged. Cells share the width and, up to max_h, the height; the grid is
 * centred vertically in area. A grid always has at least one cell, even in an area too small
 * (its cells then have the minimum size and may overflow: callers size areas from the same
 * minimums).
 */
void kiosk_grid_fit(SDL_Rect area, const struct kiosk_grid_spec *spec, struct kiosk_grid *out);

/* Returns the rectangle of cell i (0 <= i < per_page) of g. */
SDL_Rect kiosk_grid_cell(const struct kiosk_grid *g, int i);

/* Returns true when the point (x, y) lies inside r. */
bool kiosk_rect_has(SDL_Rect r, int x, int y);

#endif
