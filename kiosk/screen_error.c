/* screen_error.c: a failure, told plainly: a line for the child, the detail for staff. */
#include "app_priv.h"

#include "theme.h"

static void error_layout(struct kiosk_app *app)
{
    kiosk_app_button(app, (SDL_Rect){0, 0, kiosk_ui_w(app->ui), kiosk_ui_h(app->ui)},
                     KIOSK_ID_ANYWHERE, KIOSK_BTN_HIDDEN, KIOSK_ICON_NONE, "Continue");
}

static void error_draw(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    kiosk_ui_clear(ui, KIOSK_C_BG);
    int m = kiosk_ui_px(ui, 40), icon = kiosk_ui_px(ui, 130), top = kiosk_ui_px(ui, 40);
    kiosk_ui_icon(ui, KIOSK_ICON_OFFICE, (SDL_Rect){m, top, icon, icon}, KIOSK_C_TEXT,
                  KIOSK_C_CLOSED);
    int tx = m + icon + kiosk_ui_px(ui, 30);
    kiosk_ui_text_in(ui, KIOSK_FONT_NAME, KIOSK_C_TEXT,
                     (SDL_Rect){tx, top, w - tx - m, kiosk_ui_px(ui, 74)}, KIOSK_LEFT,
                     "Something went wrong");
    kiosk_ui_wrap(ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT,
                  (SDL_Rect){tx, top + kiosk_ui_px(ui, 78), w - tx - m,
                             kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON) * 2},
                  KIOSK_LEFT, "Please ask a member of staff to help.", true);

    /* The part for staff: what failed, in the backend's words. */
    SDL_Rect card = {m, top + icon + kiosk_ui_px(ui, 30), w - 2 * m, kiosk_ui_px(ui, 150)};
    kiosk_ui_round(ui, card, kiosk_ui_px(ui, 12), KIOSK_C_PANEL);
    kiosk_ui_fill(ui, (SDL_Rect){card.x, card.y, kiosk_ui_px(ui, 8), card.h}, KIOSK_C_CLOSED);
    int p = kiosk_ui_px(ui, 24);
    kiosk_ui_text(ui, KIOSK_FONT_SMALL_BOLD, KIOSK_C_BAD, card.x + p, card.y + kiosk_ui_px(ui, 14),
                  KIOSK_LEFT, "For staff");
    kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT,
                     (SDL_Rect){card.x + p, card.y + kiosk_ui_px(ui, 38), card.w - 2 * p,
                                kiosk_ui_line_h(ui, KIOSK_FONT_BODY_BOLD)},
                     KIOSK_LEFT, app->error_title);
    kiosk_ui_wrap(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM,
                  (SDL_Rect){card.x + p, card.y + kiosk_ui_px(ui, 70), card.w - 2 * p,
                             kiosk_ui_line_h(ui, KIOSK_FONT_BODY) * 2},
                  KIOSK_LEFT, app->error_detail, true);
    kiosk_ui_text(ui, KIOSK_FONT_SMALL, KIOSK_C_TEXT_DIM, w - m, h - kiosk_ui_px(ui, 34),
                  KIOSK_RIGHT, "Touch the screen to carry on. Cards still work.");
    kiosk_app_draw_buttons(app);
}

static void error_press(struct kiosk_app *app, int id)
{
    kiosk_app_next(app);
}

static void error_tick(struct kiosk_app *app)
{
    if (kiosk_app_elapsed(app) >= KIOSK_ERROR_MS)
        kiosk_app_next(app);
}

const struct kiosk_screen kiosk_screen_error = {
    .name = "error",
    .layout = error_layout,
    .press = error_press,
    .draw = error_draw,
    .tick = error_tick,
};
