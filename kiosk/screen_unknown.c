/* screen_unknown.c: a card nobody has: a friendly "please see the office"; the UID is kept. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "theme.h"

static void unknown_enter(struct kiosk_app *app)
{
    kiosk_sound_play(app->sound, KIOSK_CUE_UNKNOWN);
}

enum { ID_FIND = 1 };

static void unknown_layout(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    kiosk_app_button(app, (SDL_Rect){0, 0, kiosk_ui_w(ui), kiosk_ui_h(ui)}, KIOSK_ID_ANYWHERE,
                     KIOSK_BTN_HIDDEN, KIOSK_ICON_NONE, "Continue");
    /* Not a dead end: the child signs in by name, so they are not left on the calling list. */
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    const char *label = kiosk_app_say(app, KS_FIND_MY_NAME);
    int w = kiosk_ui_text_w(ui, KIOSK_FONT_BUTTON, label) + kiosk_ui_px(ui, 60) +
            kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON);
    int y = f.footer.y + (f.footer.h - f.button_h) / 2;
    kiosk_app_button(app, (SDL_Rect){kiosk_ui_px(ui, 40), y, w, f.button_h}, ID_FIND,
                     KIOSK_BTN_PRIMARY, KIOSK_ICON_SEARCH, label);
}

static void unknown_draw(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    kiosk_ui_clear(ui, KIOSK_C_UNKNOWN);
    int m = kiosk_ui_px(ui, 40), icon = kiosk_ui_px(ui, 150), top = kiosk_ui_px(ui, 46);
    kiosk_ui_icon(ui, KIOSK_ICON_QUESTION, (SDL_Rect){m, top, icon, icon}, KIOSK_C_UNKNOWN,
                  KIOSK_C_TEXT);
    int tx = m + icon + kiosk_ui_px(ui, 32);
    kiosk_ui_text_in(ui, KIOSK_FONT_NAME, KIOSK_C_TEXT,
                     (SDL_Rect){tx, top, w - tx - m, kiosk_ui_px(ui, 84)}, KIOSK_LEFT,
                     kiosk_app_say(app, KS_HELLO));
    kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                     (SDL_Rect){tx, top + kiosk_ui_px(ui, 88), w - tx - m, kiosk_ui_px(ui, 50)},
                     KIOSK_LEFT, kiosk_app_say(app, KS_UNKNOWN_CARD));

    int y = top + icon + kiosk_ui_px(ui, 34);
    y += kiosk_ui_wrap(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                       (SDL_Rect){m, y, w - 2 * m, kiosk_ui_line_h(ui, KIOSK_FONT_TITLE) * 2},
                       KIOSK_LEFT, kiosk_app_say(app, KS_UNKNOWN_FIND), true);
    /* Only the card's last digits: enough for staff to match it, nothing about a child. */
    const char *uid = app->greeting.uid;
    size_t n = strlen(uid);
    char line[160];
    kiosk_app_sayf(app, KS_CARD_KEPT, line, sizeof line, n > 4 ? uid + n - 4 : uid);
    kiosk_ui_text_in(
        ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT,
        (SDL_Rect){m, y + kiosk_ui_px(ui, 10), w - 2 * m, kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON)},
        KIOSK_LEFT, line);
    SDL_Rect lang = kiosk_app_lang_rect(app);
    int hint_y = lang.w > 0 ? lang.y - kiosk_ui_line_h(ui, KIOSK_FONT_SMALL) - kiosk_ui_px(ui, 4)
                            : h - kiosk_ui_px(ui, 34);
    kiosk_ui_text(ui, KIOSK_FONT_SMALL, KIOSK_C_TEXT, w - m, hint_y, KIOSK_RIGHT,
                  kiosk_app_say(app, KS_CARRY_ON_ELSE));
    kiosk_app_draw_buttons(app);
}

static void unknown_press(struct kiosk_app *app, int id)
{
    if (id == ID_FIND) {
        kiosk_app_pick(app, KIOSK_FOR_PUPIL);
        return;
    }
    kiosk_app_next(app);
}

static void unknown_tick(struct kiosk_app *app)
{
    if (kiosk_app_elapsed(app) >= KIOSK_UNKNOWN_MS)
        kiosk_app_next(app);
}

const struct kiosk_screen kiosk_screen_unknown = {
    .name = "unknown",
    .enter = unknown_enter,
    .layout = unknown_layout,
    .press = unknown_press,
    .draw = unknown_draw,
    .tick = unknown_tick,
};
