/* widgets.h: touch buttons: a list a screen lays out, then draws and hit-tests. */
#ifndef KIOSK_WIDGETS_H
#define KIOSK_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "SDL.h"

#include "icons.h"
#include "ui.h"

#define KIOSK_BUTTONS_MAX 96
#define KIOSK_LABEL_MAX   96

enum kiosk_button_style {
    KIOSK_BTN_PRIMARY,   /* the main action: blue */
    KIOSK_BTN_SECONDARY, /* other actions: slate */
    KIOSK_BTN_GOOD,      /* yes, sign in: green */
    KIOSK_BTN_DANGER,    /* void: red */
    KIOSK_BTN_KEY,       /* a keypad key: one big character */
    KIOSK_BTN_TILE,      /* a grid cell (names, staff tiles): blue, little padding, big labels */
    KIOSK_BTN_ROW,       /* a list row: label on the left; the screen draws the rest */
    KIOSK_BTN_HIDDEN,    /* a touch area with nothing drawn ("touch anywhere") */
};

struct kiosk_button {
    SDL_Rect r;
    int id;
    enum kiosk_button_style style;
    enum kiosk_icon icon; /* KIOSK_ICON_NONE for none */
    char label[KIOSK_LABEL_MAX];
    char sub[KIOSK_LABEL_MAX]; /* a smaller second line, "" for none */
    int font;                  /* the label's enum kiosk_font, -1 for the style's own */
    int icon_px;               /* the icon's size, 0 for the label's line height */
};

/* A screen's buttons, in drawing order: later buttons lie on top of earlier ones. */
struct kiosk_buttons {
    struct kiosk_button items[KIOSK_BUTTONS_MAX];
    size_t n;
};

/* Empties the list. */
void kiosk_buttons_clear(struct kiosk_buttons *b);

/*
 * Appends a button and returns it (to set sub), or NULL when the list is full. The label is
 * copied (cut at a character boundary).
 */
struct kiosk_button *kiosk_buttons_add(struct kiosk_buttons *b, SDL_Rect r, int id,
                                       enum kiosk_button_style style, enum kiosk_icon icon,
                                       const char *label);

/*
 * Gives the buttons from index first one font for their labels: the largest, from the style's
 * own down, in which nine labels in ten (and their icons) fit their buttons; the rare longer
 * label still shrinks on its own. A grid of names in one size reads calmly, and one long name
 * does not make every other name small.
 */
void kiosk_buttons_unify_font(struct kiosk_ui *ui, struct kiosk_buttons *b, size_t first);

/* Returns the id of the topmost button under (x, y), or -1. */
int kiosk_buttons_hit(const struct kiosk_buttons *b, int x, int y);

/* Returns how many buttons from index first have a label that does not fit them even in the
 * smallest font (it would be cut with an ellipsis): tests check translations with it. */
size_t kiosk_buttons_overflowing(struct kiosk_ui *ui, const struct kiosk_buttons *b, size_t first);

/* Returns the first button whose label is label, or NULL. */
const struct kiosk_button *kiosk_buttons_find(const struct kiosk_buttons *b, const char *label);

/* Returns the button with this id, or NULL. */
const struct kiosk_button *kiosk_buttons_by_id(const struct kiosk_buttons *b, int id);

/* Draws every button; the one with id pressed (-1 for none) as pressed. */
void kiosk_buttons_draw(struct kiosk_ui *ui, const struct kiosk_buttons *b, int pressed);

#endif
