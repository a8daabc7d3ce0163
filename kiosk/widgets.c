/* widgets.c: laying out, hit-testing and drawing touch buttons. */
#include "widgets.h"

#include <string.h>

#include "layout.h"
#include "names.h"
#include "theme.h"

void kiosk_buttons_clear(struct kiosk_buttons *b)
{
    b->n = 0;
}

struct kiosk_button *kiosk_buttons_add(struct kiosk_buttons *b, SDL_Rect r, int id,
                                       enum kiosk_button_style style, enum kiosk_icon icon,
                                       const char *label)
{
    if (b->n == KIOSK_BUTTONS_MAX)
        return NULL;
    struct kiosk_button *k = &b->items[b->n++];
    memset(k, 0, sizeof *k);
    k->r = r;
    k->id = id;
    k->style = style;
    k->icon = icon;
    k->font = -1;
    kiosk_copy(k->label, sizeof k->label, label);
    return k;
}

int kiosk_buttons_hit(const struct kiosk_buttons *b, int x, int y)
{
    for (size_t i = b->n; i-- > 0;)
        if (kiosk_rect_has(b->items[i].r, x, y))
            return b->items[i].id;
    return -1;
}

const struct kiosk_button *kiosk_buttons_find(const struct kiosk_buttons *b, const char *label)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->items[i].label, label) == 0)
            return &b->items[i];
    return NULL;
}

const struct kiosk_button *kiosk_buttons_by_id(const struct kiosk_buttons *b, int id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].id == id)
            return &b->items[i];
    return NULL;
}

static SDL_Color fill_of(enum kiosk_button_style style)
{
    switch (style) {
    case KIOSK_BTN_PRIMARY:
    case KIOSK_BTN_TILE:
        return KIOSK_C_PRIMARY;
    case KIOSK_BTN_GOOD:
        return KIOSK_C_ON_TIME;
    case KIOSK_BTN_DANGER:
        return KIOSK_C_CLOSED;
    case KIOSK_BTN_SECONDARY:
    case KIOSK_BTN_KEY:
    case KIOSK_BTN_ROW:
    case KIOSK_BTN_HIDDEN:
        break;
    }
    return KIOSK_C_SECONDARY;
}

static enum kiosk_font base_font(const struct kiosk_button *k)
{
    if (k->font >= 0)
        return (enum kiosk_font)k->font;
    return k->style == KIOSK_BTN_KEY ? KIOSK_FONT_TITLE : KIOSK_FONT_BUTTON;
}

static int pad_of(struct kiosk_ui *ui, const struct kiosk_button *k)
{
    return kiosk_ui_px(ui, k->style == KIOSK_BTN_KEY || k->style == KIOSK_BTN_TILE ? 5 : 12);
}

/* The size of the button's icon in font. */
static int icon_of(struct kiosk_ui *ui, const struct kiosk_button *k, enum kiosk_font font)
{
    return k->icon_px > 0 ? k->icon_px : kiosk_ui_line_h(ui, font);
}

/* The width a label and its icon need in font. */
static int need_w(struct kiosk_ui *ui, const struct kiosk_button *k, enum kiosk_font font)
{
    int w = kiosk_ui_text_w(ui, font, k->label);
    if (k->icon != KIOSK_ICON_NONE && !k->sub[0])
        w += icon_of(ui, k, font) + kiosk_ui_px(ui, 10);
    return w;
}

/* The largest font from the button's own down in which its label fits. */
static enum kiosk_font fit_font(struct kiosk_ui *ui, const struct kiosk_button *k)
{
    enum kiosk_font f = base_font(k);
    int room = k->r.w - 2 * pad_of(ui, k);
    while (need_w(ui, k, f) > room && kiosk_ui_smaller(f) >= 0)
        f = (enum kiosk_font)kiosk_ui_smaller(f);
    return f;
}

size_t kiosk_buttons_overflowing(struct kiosk_ui *ui, const struct kiosk_buttons *b, size_t first)
{
    size_t n = 0;
    for (size_t i = first; i < b->n; i++) {
        const struct kiosk_button *k = &b->items[i];
        if (k->style != KIOSK_BTN_HIDDEN &&
            need_w(ui, k, fit_font(ui, k)) > k->r.w - 2 * pad_of(ui, k))
            n++;
    }
    return n;
}

void kiosk_buttons_unify_font(struct kiosk_ui *ui, struct kiosk_buttons *b, size_t first)
{
    if (first >= b->n)
        return;
    size_t n = b->n - first;
    int f = (int)base_font(&b->items[first]);
    /* Fonts shrink along one chain: the first that nine in ten labels fit in wins. */
    for (; f >= 0; f = kiosk_ui_smaller((enum kiosk_font)f)) {
        size_t fit = 0;
        for (size_t i = first; i < b->n; i++)
            fit += kiosk_ui_line_h(ui, fit_font(ui, &b->items[i])) >=
                   kiosk_ui_line_h(ui, (enum kiosk_font)f);
        if (fit * 10 >= n * 9 || kiosk_ui_smaller((enum kiosk_font)f) < 0)
            break;
    }
    for (size_t i = first; i < b->n; i++)
        b->items[i].font = f;
}

static void draw_one(struct kiosk_ui *ui, const struct kiosk_button *k, bool pressed)
{
    if (k->style == KIOSK_BTN_HIDDEN)
        return;
    SDL_Color fill = pressed ? KIOSK_C_PRESSED : fill_of(k->style);
    kiosk_ui_round(ui, k->r, kiosk_ui_px(ui, 10), fill);

    int pad = pad_of(ui, k);
    SDL_Rect inner = {k->r.x + pad, k->r.y, k->r.w - 2 * pad, k->r.h};
    enum kiosk_align align = k->style == KIOSK_BTN_ROW ? KIOSK_LEFT : KIOSK_CENTRE;
    enum kiosk_font font = fit_font(ui, k);
    if (k->sub[0]) {
        int lh = kiosk_ui_line_h(ui, font), sh = kiosk_ui_line_h(ui, KIOSK_FONT_SMALL);
        int top = k->r.y + (k->r.h - lh - sh) / 2;
        kiosk_ui_text_in(ui, font, KIOSK_C_TEXT, (SDL_Rect){inner.x, top, inner.w, lh}, align,
                         k->label);
        kiosk_ui_text_in(ui, KIOSK_FONT_SMALL, KIOSK_C_TEXT_SUB,
                         (SDL_Rect){inner.x, top + lh, inner.w, sh}, align, k->sub);
        return;
    }
    /* An icon sits left of the label; the two are centred together (rows: on the left). */
    int need = need_w(ui, k, font);
    if (need > inner.w)
        need = inner.w;
    int x = align == KIOSK_CENTRE ? inner.x + (inner.w - need) / 2 : inner.x;
    if (k->icon != KIOSK_ICON_NONE) {
        int icon = icon_of(ui, k, font), gap = kiosk_ui_px(ui, 10);
        kiosk_ui_icon(ui, k->icon, (SDL_Rect){x, k->r.y + (k->r.h - icon) / 2, icon, icon},
                      KIOSK_C_TEXT, KIOSK_C_NONE);
        x += icon + gap;
        need -= icon + gap;
    }
    kiosk_ui_text_in(ui, font, KIOSK_C_TEXT, (SDL_Rect){x, k->r.y, need, k->r.h}, KIOSK_LEFT,
                     k->label);
}

void kiosk_buttons_draw(struct kiosk_ui *ui, const struct kiosk_buttons *b, int pressed)
{
    for (size_t i = 0; i < b->n; i++)
        draw_one(ui, &b->items[i], b->items[i].id == pressed && pressed >= 0);
}
