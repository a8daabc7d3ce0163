/* screen_greet.c: the greeting after a tap: name, time and outcome in colour, icon and words. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "theme.h"

/*
 * One friendly greeting for every child, whatever the mark: a five-year-old brought late is not
 * to blame, and the queue behind need not know. L and U are for staff (their lists show them).
 */
static SDL_Color greet_colour(const struct kiosk_app *app)
{
    return app->greeting.kind == KIOSK_GREET_ALREADY || app->greeting.kind == KIOSK_GREET_CLOSED
               ? KIOSK_C_ALREADY
               : KIOSK_C_ON_TIME;
}

static enum kiosk_icon greet_icon(const struct kiosk_app *app)
{
    (void)app;
    return KIOSK_ICON_TICK;
}

/* The big sentence and the smaller one under it, in words a seven-year-old reads. */
static void greet_words(const struct kiosk_app *app, char *head, size_t headlen, char *sub,
                        size_t sublen)
{
    const struct kiosk_greeting *g = &app->greeting;
    bool closed = g->outcome == LD_OUTCOME_LATE_CLOSED;
    const char *h, *u = "";
    if (g->kind == KIOSK_GREET_CLOSED && strcmp(g->closed, KIOSK_AFTER_SCHOOL) == 0) {
        h = kiosk_app_say(app, KS_SCHOOL_FINISHED);
        u = kiosk_app_say(app, KS_ASK_OFFICE);
    } else if (g->kind == KIOSK_GREET_CLOSED) {
        h = kiosk_app_say(app, KS_NO_SCHOOL);
        kiosk_app_sayf(app, KS_NO_NEED, sub, sublen, g->closed); /* the calendar's own words */
    } else if (g->kind == KIOSK_GREET_ALREADY) {
        h = kiosk_app_say(app, KS_ALREADY);
        kiosk_app_sayf(app, KS_ARRIVED_AT, sub, sublen, g->time);
    } else if (app->thanks) {
        /* The reason is the family's business: the queue behind them does not hear it. */
        h = kiosk_app_say(app, KS_THANK_YOU);
        u = kiosk_app_say(app, closed ? KS_GO_OFFICE_NOW : KS_GO_CLASS);
    } else {
        /* The same words for every outcome; only where to go next differs. */
        h = kiosk_app_say(app, app->clock.hour < 12 ? KS_MORNING : KS_AFTERNOON);
        if (g->ask_reason)
            u = kiosk_app_say(app, closed ? KS_NEXT_WHY_OFFICE : KS_NEXT_WHY_CLASS);
        else if (g->outcome == LD_OUTCOME_ON_TIME)
            u = kiosk_app_say(app, KS_GREAT_DAY);
        else
            u = kiosk_app_say(app, closed ? KS_GO_OFFICE : KS_GO_CLASS);
    }
    snprintf(head, headlen, "%s", h);
    if (u[0])
        snprintf(sub, sublen, "%s", u);
}

static void greet_enter(struct kiosk_app *app)
{
    if (app->thanks)
        return;
    kiosk_sound_play(app->sound, KIOSK_CUE_ON_TIME); /* one friendly chime for everyone */
}

enum { ID_ANOTHER = 1 };

/* "Sign in another child": a parent with a second child and no card for them. */
static bool offer_another(const struct kiosk_app *app)
{
    return app->thanks && app->queue.n == 0;
}

static void greet_layout(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    kiosk_app_button(app, (SDL_Rect){0, 0, kiosk_ui_w(ui), kiosk_ui_h(ui)}, KIOSK_ID_ANYWHERE,
                     KIOSK_BTN_HIDDEN, KIOSK_ICON_NONE, "Continue");
    if (offer_another(app)) {
        struct kiosk_frame f;
        kiosk_chrome_frame(app, &f);
        int y = f.footer.y + (f.footer.h - f.button_h) / 2;
        const char *label = kiosk_app_say(app, KS_ANOTHER_CHILD);
        int w = kiosk_ui_text_w(ui, KIOSK_FONT_BUTTON, label) + kiosk_ui_px(ui, 60) +
                kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON);
        kiosk_app_button(app, (SDL_Rect){kiosk_ui_px(ui, 40), y, w, f.button_h}, ID_ANOTHER,
                         KIOSK_BTN_SECONDARY, KIOSK_ICON_NEXT, label);
    }
}

static void greet_draw(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_greeting *g = &app->greeting;
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    SDL_Color bg = greet_colour(app);
    kiosk_ui_clear(ui, bg);

    int m = kiosk_ui_px(ui, 40);
    int icon = kiosk_ui_px(ui, 150);
    int top = kiosk_ui_px(ui, 46);
    kiosk_ui_icon(ui, greet_icon(app), (SDL_Rect){m, top, icon, icon}, bg, KIOSK_C_TEXT);

    int tx = m + icon + kiosk_ui_px(ui, 32);
    SDL_Rect name_box = {tx, top, w - tx - m, kiosk_ui_px(ui, 84)};
    /* after school the card is not even looked up: no name to greet */
    kiosk_ui_text_in(ui, KIOSK_FONT_NAME, KIOSK_C_TEXT, name_box, KIOSK_LEFT,
                     g->name[0] ? g->name : kiosk_app_say(app, KS_HELLO));

    char line[160];
    kiosk_app_sayf(app, KS_SIGNED_IN_AT, line, sizeof line, g->time);
    if (g->kind != KIOSK_GREET_CLOSED) /* no school now: no sign-in to speak of */
        kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                         (SDL_Rect){tx, top + kiosk_ui_px(ui, 88), w - tx - m, kiosk_ui_px(ui, 50)},
                         KIOSK_LEFT, line);

    char head[160], sub[160] = "";
    greet_words(app, head, sizeof head, sub, sizeof sub);
    int y = top + icon + kiosk_ui_px(ui, 34);
    y += kiosk_ui_wrap(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                       (SDL_Rect){m, y, w - 2 * m, kiosk_ui_line_h(ui, KIOSK_FONT_TITLE) * 2},
                       KIOSK_LEFT, head, true);
    y += kiosk_ui_px(ui, 10);
    kiosk_ui_wrap(ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT,
                  (SDL_Rect){m, y, w - 2 * m, kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON) * 2},
                  KIOSK_LEFT, sub, true);

    /* the hint stands above the language button, where there is one */
    SDL_Rect lang = kiosk_app_lang_rect(app);
    int hint_y = lang.w > 0 ? lang.y - kiosk_ui_line_h(ui, KIOSK_FONT_SMALL) - kiosk_ui_px(ui, 4)
                            : h - kiosk_ui_px(ui, 34);
    kiosk_ui_text(ui, KIOSK_FONT_SMALL, KIOSK_C_TEXT, w - m, hint_y, KIOSK_RIGHT,
                  kiosk_app_say(app, KS_CARRY_ON));
    char next[KIOSK_NAME_MAX + 96];
    if (kiosk_chrome_queue_note(app, next, sizeof next))
        kiosk_ui_text(ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT, m, h - kiosk_ui_px(ui, 44), KIOSK_LEFT,
                      next);
    kiosk_app_draw_buttons(app);
}

/* Moves on: to the reason screen when a late arrival owes its reason, else back to idle. */
static void greet_next(struct kiosk_app *app)
{
    if (!app->thanks && app->greeting.kind == KIOSK_GREET_ARRIVED && app->reason.pending)
        kiosk_app_go(app, KIOSK_SCR_REASON);
    else
        kiosk_app_next(app);
}

static void greet_press(struct kiosk_app *app, int id)
{
    if (id == ID_ANOTHER && offer_another(app))
        kiosk_app_pick(app, KIOSK_FOR_PUPIL); /* the sibling's reason stays on offer */
    else
        greet_next(app);
}

static void greet_tick(struct kiosk_app *app)
{
    uint64_t limit = app->thanks ? KIOSK_THANKS_MS
                     : app->reason.pending && app->greeting.kind == KIOSK_GREET_ARRIVED
                         ? KIOSK_GREET_REASON_MS
                         : app->greet_ms;
    if (kiosk_app_elapsed(app) >= limit)
        greet_next(app);
}

static const char *greet_view(const struct kiosk_app *app)
{
    if (app->thanks)
        return "thanks";
    return app->greeting.kind == KIOSK_GREET_ALREADY  ? "already"
           : app->greeting.kind == KIOSK_GREET_CLOSED ? "closed"
                                                      : "arrived";
}

const struct kiosk_screen kiosk_screen_greet = {
    .name = "greet",
    .enter = greet_enter,
    .layout = greet_layout,
    .press = greet_press,
    .draw = greet_draw,
    .tick = greet_tick,
    .view = greet_view,
};
