/* layout.c: millimetres to pixels, the design scale and button grids. */
#include "layout.h"

#include <math.h>

float kiosk_layout_dpi(float reported)
{
    /* X11 and some KMS drivers report 0, 96 for everything, or a figure from a bogus EDID;
     * only a plausible figure is trusted. */
    if (!(reported >= 60.0f && reported <= 600.0f))
        return KIOSK_FALLBACK_DPI;
    return reported;
}

int kiosk_layout_mm_px(float dpi, float mm)
{
    return (int)ceilf(mm * dpi / 25.4f - 1e-4f);
}

int kiosk_layout_min_target(float dpi)
{
    return kiosk_layout_mm_px(dpi, KIOSK_TARGET_MM);
}

float kiosk_layout_scale(int w, int h)
{
    float sx = (float)w / KIOSK_DESIGN_W, sy = (float)h / KIOSK_DESIGN_H;
    float s = sx < sy ? sx : sy;
    return s < 0.25f ? 0.25f : s;
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

void kiosk_grid_fit(SDL_Rect area, const struct kiosk_grid_spec *spec, struct kiosk_grid *out)
{
    int count = max_int(spec->count, 1);
    int gap = max_int(spec->gap, 0);
    int min_w = max_int(spec->min_w, 1), min_h = max_int(spec->min_h, 1);
    int max_cols = max_int(spec->max_cols, 1);
    int min_cols = spec->min_cols < 1 ? 1 : spec->min_cols;
    if (min_cols > max_cols)
        min_cols = max_cols;
    if (min_cols > count)
        min_cols = count;

    int rows_fit = max_int((area.h + gap) / (min_h + gap), 1);
    int cols_fit = max_int((area.w + gap) / (min_w + gap), 1);
    if (cols_fit > max_cols)
        cols_fit = max_cols;

    int cols = 0;
    for (int c = min_cols; c <= cols_fit; c++) {
        if ((count + c - 1) / c <= rows_fit) {
            cols = c;
            break;
        }
    }
    if (cols == 0)
        cols = max_int(cols_fit, 1);
    int rows = (count + cols - 1) / cols;
    if (rows > rows_fit)
        rows = rows_fit;

    int cell_w = max_int((area.w - (cols - 1) * gap) / cols, min_w);
    int cell_h = max_int((area.h - (rows - 1) * gap) / rows, min_h);
    if (spec->max_h > 0 && cell_h > spec->max_h)
        cell_h = max_int(spec->max_h, min_h);

    int used_h = rows * cell_h + (rows - 1) * gap;
    out->area = area;
    if (used_h < area.h)
        out->area.y += (area.h - used_h) / 2;
    out->cols = cols;
    out->rows = rows;
    out->per_page = cols * rows;
    out->pages = (count + out->per_page - 1) / out->per_page;
    out->cell_w = cell_w;
    out->cell_h = cell_h;
    out->gap = gap;
}

SDL_Rect kiosk_grid_cell(const struct kiosk_grid *g, int i)
{
    int col = i % g->cols, row = i / g->cols;
    SDL_Rect r = {g->area.x + col * (g->cell_w + g->gap), g->area.y + row * (g->cell_h + g->gap),
                  g->cell_w, g->cell_h};
    return r;
}

bool kiosk_rect_has(SDL_Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}
