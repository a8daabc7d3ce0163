/* screen_pin.c: the staff PIN pad; five wrong PINs lock it, longer each time (pinlock.h). */
#include "app_priv.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "names.h"
#include "theme.h"

/* Digit keys are ids 0..9; the staff names ID_WHO + their index. */
enum { ID_CLEAR = 20, ID_OK, ID_WHO = 100 };

#define PIN_MIN 4

static void wipe(struct kiosk_app *app)
{
    sodium_memzero(app->pin, sizeof app->pin);
}

static void pin_enter(struct kiosk_app *app)
{
    wipe(app);
    app->pin_msg[0] = '\0';
    /* Who first: a wrong PIN then costs one Argon2id check, not one per member of staff. A
     * kiosk with one staff PIN asks nobody. */
    app->pinwho.chosen = false;
    if (app->be.ops->list_staff(app->be.impl, &app->pinwho.staff) != LD_OK) {
        kiosk_app_fail(app, "The staff list could not be read.");
        return;
    }
    if (app->pinwho.staff.n == 1) {
        app->pinwho.who = app->pinwho.staff.items[0];
        app->pinwho.chosen = true;
    }
}

static void layout_who(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_grid_spec spec = {
        .count = (int)app->pinwho.staff.n,
        .min_cols = 2,
        .max_cols = 4,
        .min_w = kiosk_ui_px(app->ui, 170),
        .min_h = kiosk_ui_target(app->ui),
        .max_h = kiosk_ui_px(app->ui, 90),
        .gap = f->gap,
    };
    struct kiosk_grid g;
    SDL_Rect body = f->body;
    int hint = kiosk_ui_line_h(app->ui, KIOSK_FONT_BODY) + kiosk_ui_px(app->ui, 10);
    body.y += hint;
    body.h -= hint;
    kiosk_grid_fit(body, &spec, &g);
    for (int i = 0; i < (int)app->pinwho.staff.n && i < g.per_page; i++)
        kiosk_app_button(app, kiosk_grid_cell(&g, i), ID_WHO + i, KIOSK_BTN_PRIMARY,
                         KIOSK_ICON_NONE, app->pinwho.staff.items[i].name);
    kiosk_buttons_unify_font(app->ui, &app->buttons, 0);
    kiosk_chrome_footer(app, f, "Cancel", 0, 1);
}

static SDL_Rect keypad_area(const struct kiosk_app *app, const struct kiosk_frame *f)
{
    int w = kiosk_ui_px(app->ui, 360);
    return (SDL_Rect){f->body.x + f->body.w - w, f->body.y, w, f->body.h};
}

static void pin_layout(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    if (!app->pinwho.chosen) {
        layout_who(app, &f);
        return;
    }
    SDL_Rect a = keypad_area(app, &f);
    int gap = kiosk_ui_px(app->ui, 8);
    int kw = (a.w - 2 * gap) / 3, kh = (a.h - 3 * gap) / 4;
    static const char *const labels[12] = {"1", "2", "3", "4",     "5", "6",
                                           "7", "8", "9", "Clear", "0", "OK"};
    for (int i = 0; i < 12; i++) {
        SDL_Rect r = {a.x + (i % 3) * (kw + gap), a.y + (i / 3) * (kh + gap), kw, kh};
        int id = i < 9 ? i + 1 : i == 9 ? ID_CLEAR : i == 10 ? 0 : ID_OK;
        /* OK turns slate while a PIN is checked: it takes no second press meanwhile. While
         * the pad is locked every key is slate: it visibly takes nothing. */
        bool locked = kiosk_pinlock_locked(&app->pinlock, app->now, NULL);
        enum kiosk_button_style style = locked || i == 9 ? KIOSK_BTN_SECONDARY
                                        : i == 11
                                            ? (app->pin_job ? KIOSK_BTN_SECONDARY : KIOSK_BTN_GOOD)
                                            : KIOSK_BTN_KEY;
        kiosk_app_button(app, r, id, style, KIOSK_ICON_NONE, labels[i]);
    }
    kiosk_chrome_footer(app, &f, "Cancel", 0, 1);
}

static void pin_draw(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    if (!app->pinwho.chosen) {
        kiosk_chrome_header(app, &f,
                            app->witness.upn[0] ? "A member of staff signs this child in: who?"
                                                : "Staff: who are you?");
        kiosk_ui_text(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, f.body.x, f.body.y, KIOSK_LEFT,
                      app->pinwho.staff.n ? "Touch your name, or tap your staff card."
                                          : "No staff PIN is set up here: tap your staff card.");
        kiosk_app_draw_buttons(app);
        return;
    }
    char title[2 * KIOSK_NAME_MAX + 48];
    if (app->witness.upn[0])
        snprintf(title, sizeof title, "%s: your PIN signs in %s", app->pinwho.who.name,
                 app->witness.name);
    else
        snprintf(title, sizeof title, "%s: enter your PIN", app->pinwho.who.name);
    kiosk_chrome_header(app, &f, title);
    SDL_Rect a = keypad_area(app, &f);
    SDL_Rect left = {f.body.x, f.body.y, a.x - f.body.x - kiosk_ui_px(ui, 30), f.body.h};

    /* One dot per digit typed, on a light field so the count reads from a step away. */
    SDL_Rect field = {left.x, left.y + kiosk_ui_px(ui, 40), left.w, kiosk_ui_px(ui, 80)};
    kiosk_ui_round(ui, field, kiosk_ui_px(ui, 12), KIOSK_C_PANEL);
    size_t n = strlen(app->pin);
    int d = kiosk_ui_px(ui, 26), gap = kiosk_ui_px(ui, 14);
    int x = field.x + kiosk_ui_px(ui, 24);
    for (size_t i = 0; i < KIOSK_PIN_MAX; i++) {
        SDL_Color c = i < n ? KIOSK_C_TEXT : KIOSK_C_LINE;
        kiosk_ui_icon(ui, KIOSK_ICON_NONE, (SDL_Rect){x, field.y + (field.h - d) / 2, d, d},
                      KIOSK_C_NONE, c);
        x += d + gap;
    }

    unsigned secs;
    char line[96];
    SDL_Rect msg = {left.x, field.y + field.h + kiosk_ui_px(ui, 24), left.w,
                    kiosk_ui_line_h(ui, KIOSK_FONT_BODY_BOLD) * 3};
    int icon = kiosk_ui_line_h(ui, KIOSK_FONT_BODY_BOLD);
    app->pin_locked_shown = kiosk_pinlock_locked(&app->pinlock, app->now, &secs);
    if (app->pin_locked_shown) {
        if (secs > 90)
            snprintf(line, sizeof line, "Too many wrong PINs. Locked: try again in %u min.",
                     (secs + 59) / 60);
        else
            snprintf(line, sizeof line, "Too many wrong PINs. Locked: try again in %u s.", secs);
        kiosk_ui_icon(ui, KIOSK_ICON_OFFICE, (SDL_Rect){msg.x, msg.y, icon, icon}, KIOSK_C_BG,
                      KIOSK_C_WARN);
        msg.x += icon + kiosk_ui_px(ui, 10);
        msg.w -= icon + kiosk_ui_px(ui, 10);
        kiosk_ui_wrap(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_WARN, msg, KIOSK_LEFT, line, true);
    } else if (app->pin_job) {
        kiosk_ui_wrap(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT_DIM, msg, KIOSK_LEFT,
                      "Checking your PIN…", true);
    } else if (app->pin_msg[0]) {
        kiosk_ui_icon(ui, KIOSK_ICON_CROSS, (SDL_Rect){msg.x, msg.y, icon, icon}, KIOSK_C_BG,
                      KIOSK_C_BAD);
        msg.x += icon + kiosk_ui_px(ui, 10);
        msg.w -= icon + kiosk_ui_px(ui, 10);
        kiosk_ui_wrap(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_BAD, msg, KIOSK_LEFT, app->pin_msg, true);
    } else {
        kiosk_ui_wrap(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, msg, KIOSK_LEFT,
                      "Or tap your staff card on the reader.", true);
    }
    kiosk_app_draw_buttons(app);
}

/*
 * Argon2id takes a noticeable moment (0.15 s here, 1 to 2 s on a Pi), so the PIN is checked on
 * a worker thread (pin_check.h) while the loop goes on: the clock ticks, Cancel and the pad's
 * timeout work, and a card tapped meanwhile is recorded and greeted at once (the check is then
 * abandoned). One check at a time: while one is in flight the pad takes no digit and no OK, so
 * no more than KIOSK_PIN_TRIES wrong PINs are ever counted before the lock.
 */
static void submit(struct kiosk_app *app)
{
    if (!app->pinwho.chosen || app->pin_job || kiosk_pinlock_locked(&app->pinlock, app->now, NULL))
        return;
    if (strlen(app->pin) < PIN_MIN) {
        snprintf(app->pin_msg, sizeof app->pin_msg, "A PIN has at least %d digits.", PIN_MIN);
        kiosk_app_redraw(app, false);
        return;
    }
    ld_err err = kiosk_pin_job_start(&app->be, app->pinwho.who.id, app->pin, &app->pin_job);
    wipe(app); /* the backend took its own copy */
    app->pin_msg[0] = '\0';
    if (err) {
        app->pin_job = NULL;
        snprintf(app->pin_msg, sizeof app->pin_msg,
                 "The PIN could not be checked (out of memory). Please try again.");
    }
    kiosk_app_redraw(app, true);
}

/* Keeps the lock in the store, so a restart does not clear it. A failure is logged: the lock
 * in memory still holds until the kiosk restarts. */
static void save_lock(struct kiosk_app *app)
{
    struct kiosk_pin_lock_state st = {
        .failures = app->pinlock.failures,
        .locks = app->pinlock.locks,
        .remaining_ms = (unsigned)kiosk_pinlock_remaining_ms(&app->pinlock, app->now),
    };
    if (app->be.ops->pin_lock_write(app->be.impl, &st) != LD_OK)
        SDL_Log("latedoor-kiosk: the PIN lock could not be kept: %s",
                app->be.ops->last_error(app->be.impl));
}

void kiosk_app_pin_collect(struct kiosk_app *app, bool wait)
{
    struct kiosk_pin_job *job = app->pin_job;
    if (!job || (!wait && !kiosk_pin_job_done(job)))
        return;
    bool stale = job->stale || app->screen != KIOSK_SCR_PIN;
    app->pin_job = NULL;
    enum kiosk_pin_result r = kiosk_pin_job_finish(job, &app->be, !stale);
    /* A wrong PIN counts even when abandoned: leaving the pad must not buy more tries. */
    bool locked_now = r == KIOSK_PIN_WRONG && kiosk_pinlock_fail(&app->pinlock, app->now);
    if (r == KIOSK_PIN_WRONG) {
        save_lock(app);
        /* every wrong attempt is an event the office sees (who was tried, never the PIN) */
        if (app->be.ops->pin_wrong(app->be.impl, app->pinwho.chosen ? app->pinwho.who.id : NULL))
            SDL_Log("latedoor-kiosk: a wrong PIN could not be recorded: %s",
                    app->be.ops->last_error(app->be.impl));
    }
    kiosk_app_redraw(app, true); /* OK is green again */
    if (stale)
        return;
    switch (r) {
    case KIOSK_PIN_OK:
        kiosk_pinlock_success(&app->pinlock);
        save_lock(app);
        kiosk_app_staff_open(app);
        return;
    case KIOSK_PIN_WRONG:
        if (!locked_now)
            snprintf(app->pin_msg, sizeof app->pin_msg, "Wrong PIN. %d %s left.",
                     kiosk_pinlock_tries_left(&app->pinlock),
                     kiosk_pinlock_tries_left(&app->pinlock) == 1 ? "try" : "tries");
        break;
    case KIOSK_PIN_LOCKED:
        snprintf(app->pin_msg, sizeof app->pin_msg,
                 "Staff PINs are locked for now. Please try again later.");
        break;
    }
    kiosk_app_redraw(app, false);
}

static void digit(struct kiosk_app *app, char c)
{
    size_t n = strlen(app->pin);
    if (!app->pinwho.chosen || app->pin_job ||
        kiosk_pinlock_locked(&app->pinlock, app->now, NULL) || n >= KIOSK_PIN_MAX)
        return;
    app->pin[n] = c;
    app->pin[n + 1] = '\0';
    app->pin_msg[0] = '\0';
    kiosk_app_redraw(app, false);
}

static void pin_press(struct kiosk_app *app, int id)
{
    if (id >= ID_WHO && (size_t)(id - ID_WHO) < app->pinwho.staff.n) {
        app->pinwho.who = app->pinwho.staff.items[id - ID_WHO];
        app->pinwho.chosen = true;
        kiosk_app_redraw(app, true);
    } else if (!app->pinwho.chosen && id != KIOSK_ID_BACK) {
        return; /* no digits before a name */
    } else if (id >= 0 && id <= 9) {
        digit(app, (char)('0' + id));
    } else if (id == ID_CLEAR) {
        wipe(app);
        kiosk_app_redraw(app, false);
    } else if (id == ID_OK) {
        submit(app);
    } else if (id == KIOSK_ID_BACK) {
        wipe(app);
        kiosk_app_go(app, KIOSK_SCR_IDLE);
    }
}

static bool pin_event(struct kiosk_app *app, const SDL_Event *ev)
{
    if (ev->type == SDL_TEXTINPUT && ev->text.text[0] >= '0' && ev->text.text[0] <= '9') {
        digit(app, ev->text.text[0]);
        return true;
    }
    if (ev->type == SDL_KEYDOWN &&
        (ev->key.keysym.sym == SDLK_RETURN || ev->key.keysym.sym == SDLK_KP_ENTER)) {
        submit(app);
        return true;
    }
    return false;
}

static void pin_tick(struct kiosk_app *app)
{
    if (app->now - app->last_input >= KIOSK_TOUCH_MS) {
        wipe(app);
        kiosk_app_go(app, KIOSK_SCR_IDLE);
        return;
    }
    /* The countdown, and the frame after it ends. */
    bool locked = kiosk_pinlock_locked(&app->pinlock, app->now, NULL);
    if (locked || app->pin_locked_shown)
        kiosk_app_redraw(app, locked != app->pin_locked_shown); /* the keys' colour changes */
}

/* "checking" while a PIN is checked, for the end-to-end tests, which wait for it to end. */
static const char *pin_view(const struct kiosk_app *app)
{
    return app->pin_job ? "checking" : app->pinwho.chosen ? "" : "who";
}

const struct kiosk_screen kiosk_screen_pin = {
    .name = "pin",
    .view = pin_view,
    .enter = pin_enter,
    .layout = pin_layout,
    .press = pin_press,
    .event = pin_event,
    .draw = pin_draw,
    .tick = pin_tick,
};
