/* staff.h: the staff screen's views, shared by screen_staff.c and staff_views.c only. */
#ifndef KIOSK_STAFF_H
#define KIOSK_STAFF_H

#include "app_priv.h"

/* Button ids of the staff screen. */
enum {
    KIOSK_STAFF_TILE = 1, /* + enum kiosk_staff_tile */
    KIOSK_STAFF_LOCK = 40,
    KIOSK_STAFF_SIGN_OUT,
    KIOSK_STAFF_KEEP,
    KIOSK_STAFF_VOID_IT,
    KIOSK_STAFF_ROW = 100,     /* + index in the view's list */
    KIOSK_STAFF_BACK_IN = 500, /* + index in the away list */
};

enum kiosk_staff_tile {
    KIOSK_TILE_LATE,
    KIOSK_TILE_SPEAK,
    KIOSK_TILE_PARENT,
    KIOSK_TILE_AWAY,
    KIOSK_TILE_VOID,
    KIOSK_TILE_ENROL,
    KIOSK_TILE_STATUS,
    KIOSK_TILE_TOUCHED,
    KIOSK_TILE_GATE,
    KIOSK_TILE__COUNT
};

/* Returns the number of pages of the current view's list (1 when it has none). */
size_t kiosk_staff_pages(struct kiosk_app *app, const struct kiosk_frame *f);

/* Lays out and draws the list views: late, speak, away, void, enrol. */
void kiosk_staff_layout_list(struct kiosk_app *app, const struct kiosk_frame *f);
void kiosk_staff_draw_list(struct kiosk_app *app, const struct kiosk_frame *f);

/* Draws the notice (the last action's result) at the top of r; returns its height. */
int kiosk_staff_notice(struct kiosk_app *app, SDL_Rect r);

/* Draws a small outcome icon and its words in r. */
void kiosk_staff_outcome(struct kiosk_app *app, SDL_Rect r, enum ld_outcome o);

/* The height of one row of a list view. */
int kiosk_staff_row_h(const struct kiosk_app *app);

#endif
