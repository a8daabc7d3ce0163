/* screen_idle.c: the waiting screen: school, clock, date, "tap your card", status, recognition. */
#include "app_priv.h"

#include <stdio.h>

#include "theme.h"

enum { ID_STAFF = 1 };

static void idle_enter(struct kiosk_app *app)
{
    /* A fresh look at the week's recognition each time the door falls quiet. */
    if (!app->be.ops->punctual_class(app->be.impl, app->punctual, sizeof app->punctual))
        app->punctual[0] = '\0';
}

/* The bar along the bottom: status on the left, the staff button on the right. */
static SDL_Rect status_bar(const struct kiosk_app *app)
{
    int h = kiosk_ui_px(app->ui, 60);
    if (h < kiosk_ui_target(app->ui) + kiosk_ui_px(app->ui, 8))
        h = kiosk_ui_target(app->ui) + kiosk_ui_px(app->ui, 8);
    return (SDL_Rect){0, kiosk_ui_h(app->ui) - h, kiosk_ui_w(app->ui), h};
}

static SDL_Rect staff_button(const struct kiosk_app *app)
{
    SDL_Rect bar = status_bar(app);
    int m = kiosk_ui_px(app->ui, 6);
    int h = bar.h - 2 * m, w = kiosk_ui_px(app->ui, 130);
    return (SDL_Rect){bar.w - w - kiosk_ui_px(app->ui, 12), bar.y + m, w, h};
}

static void idle_layout(struct kiosk_app *app)
{
    int w = kiosk_ui_w(app->ui), h = kiosk_ui_h(app->ui);
    /* Anywhere on the screen starts the touch sign-in; the staff button lies on top. The
     * touch area's label is for tests (it is not drawn), so it stays in English. */
    kiosk_app_button(app, (SDL_Rect){0, 0, w, h}, KIOSK_ID_ANYWHERE, KIOSK_BTN_HIDDEN,
                     KIOSK_ICON_NONE,
                     kiosk_app_door_closed(app) ? "Please sign in at the office today"
                                                : "Tap your card or touch here");
    kiosk_app_button(app, staff_button(app), ID_STAFF, KIOSK_BTN_SECONDARY, KIOSK_ICON_LOCK,
                     "Staff");
}

static void idle_draw(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    int w = kiosk_ui_w(ui);
    int cx = w / 2;
    kiosk_ui_clear(ui, KIOSK_C_BG);

    kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                     (SDL_Rect){kiosk_ui_px(ui, 20), kiosk_ui_px(ui, 12), w - kiosk_ui_px(ui, 40),
                                kiosk_ui_px(ui, 46)},
                     KIOSK_CENTRE, app->settings.school_name);

    char hhmm[KIOSK_TIME_MAX], date[64];
    kiosk_chrome_time(app, hhmm);
    kiosk_chrome_date(app, date, sizeof date);
    kiosk_ui_text(ui, KIOSK_FONT_HUGE, KIOSK_C_TEXT, cx, kiosk_ui_px(ui, 52), KIOSK_CENTRE, hhmm);
    kiosk_ui_text(ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT_DIM, cx, kiosk_ui_px(ui, 206), KIOSK_CENTRE,
                  date);

    /* The call to action: a card, and the words. The whole screen is the touch target. */
    SDL_Rect cta = {cx - kiosk_ui_px(ui, 310), kiosk_ui_px(ui, 256), kiosk_ui_px(ui, 620),
                    kiosk_ui_px(ui, 84)};
    /* A write failed (until one works) or the store's file is lost: a tap may not be kept,
     * so the door sends children to the office instead of inviting one. */
    bool closed = kiosk_app_door_closed(app);
    SDL_Color fill = app->pressed == KIOSK_ID_ANYWHERE ? KIOSK_C_PRESSED
                     : closed                          ? KIOSK_C_CLOSED
                                                       : KIOSK_C_PRIMARY;
    kiosk_ui_round(ui, cta, kiosk_ui_px(ui, 14), fill);
    int icon = kiosk_ui_px(ui, 52);
    const char *words = kiosk_app_say(app, closed ? KS_OFFICE_TODAY : KS_TAP_CARD);
    int tw = kiosk_ui_text_w(ui, KIOSK_FONT_TITLE, words);
    int gap = kiosk_ui_px(ui, 16);
    int room = cta.w - icon - gap - kiosk_ui_px(ui, 40);
    if (tw > room)
        tw = room;
    int x = cta.x + (cta.w - icon - gap - tw) / 2;
    kiosk_ui_icon(ui, closed ? KIOSK_ICON_OFFICE : KIOSK_ICON_CARD,
                  (SDL_Rect){x, cta.y + (cta.h - icon) / 2, icon, icon}, KIOSK_C_TEXT,
                  KIOSK_C_NONE);
    kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                     (SDL_Rect){x + icon + gap, cta.y, tw, cta.h}, KIOSK_LEFT, words);

    if (app->punctual[0]) {
        char line[96];
        kiosk_app_sayf(app, KS_PUNCTUAL, line, sizeof line, app->punctual);
        int sh = kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON);
        int lw = kiosk_ui_text_w(ui, KIOSK_FONT_BUTTON, line);
        int sx = cx - (lw + sh + kiosk_ui_px(ui, 10)) / 2, sy = kiosk_ui_px(ui, 358);
        kiosk_ui_icon(ui, KIOSK_ICON_STAR, (SDL_Rect){sx, sy, sh, sh}, KIOSK_C_WARN, KIOSK_C_NONE);
        kiosk_ui_text(ui, KIOSK_FONT_BUTTON, KIOSK_C_WARN, sx + sh + kiosk_ui_px(ui, 10), sy,
                      KIOSK_LEFT, line);
    }

    SDL_Rect bar = status_bar(app);
    kiosk_ui_fill(ui, bar, KIOSK_C_PANEL);
    SDL_Rect sb = staff_button(app), lang = kiosk_app_lang_rect(app);
    if (lang.w > 0) /* the status line (for staff) gives way to the language button */
        sb = lang;
    kiosk_chrome_status(app,
                        (SDL_Rect){kiosk_ui_px(ui, 16), bar.y, sb.x - kiosk_ui_px(ui, 28), bar.h});
    kiosk_app_draw_buttons(app);
}

static void idle_press(struct kiosk_app *app, int id)
{
    if (id == ID_STAFF) {
        if (app->staff.unlocked)
            kiosk_app_staff_open(app);
        else
            kiosk_app_go(app, KIOSK_SCR_PIN);
    } else if (id == KIOSK_ID_ANYWHERE) {
        kiosk_app_pick(app, KIOSK_FOR_PUPIL);
    }
}

const struct kiosk_screen kiosk_screen_idle = {
    .name = "idle",
    .enter = idle_enter,
    .layout = idle_layout,
    .press = idle_press,
    .draw = idle_draw,
};
