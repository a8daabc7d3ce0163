/* screen_staff.c: staff mode: home tiles, status, voiding a tap; it locks itself when idle. */
#include "staff.h"

#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "names.h"
#include "theme.h"

/* Keeps the touch sign-ins of l (in order); returns how many there are. */
static size_t keep_touched(struct kiosk_arrival_list *l)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].by_touch)
            l->items[k++] = l->items[i];
    l->n = l->total = k;
    return k;
}

/* Reads what a view shows (the home view: every count). Returns false after showing an error. */
static bool load(struct kiosk_app *app, enum kiosk_staff_view view)
{
    const struct kiosk_backend_ops *ops = app->be.ops;
    void *be = app->be.impl;
    ld_err err = LD_OK;
    switch (view) {
    case KIOSK_VIEW_HOME:
        err = ops->arrivals_today(be, false, &app->staff.arrivals);
        if (!err)
            app->staff.touched = keep_touched(&app->staff.arrivals);
        if (!err)
            err = ops->arrivals_today(be, true, &app->staff.arrivals);
        if (!err && app->settings.staff_lists)
            err = ops->speak_to(be, &app->staff.speak);
        if (!err)
            err = ops->away_list(be, &app->staff.away);
        if (!err)
            err = ops->unknown_cards(be, &app->staff.unknown);
        if (!err && app->settings.staff_lists && app->settings.gate_mode)
            err = ops->not_arrived(be, &app->staff.absent);
        break;
    case KIOSK_VIEW_LATE:
        err = ops->arrivals_today(be, true, &app->staff.arrivals);
        break;
    case KIOSK_VIEW_VOID:
        err = ops->arrivals_today(be, false, &app->staff.arrivals);
        break;
    case KIOSK_VIEW_TOUCHED:
        err = ops->arrivals_today(be, false, &app->staff.arrivals);
        if (!err)
            keep_touched(&app->staff.arrivals);
        break;
    case KIOSK_VIEW_SPEAK:
        err = ops->speak_to(be, &app->staff.speak);
        break;
    case KIOSK_VIEW_AWAY:
        err = ops->away_list(be, &app->staff.away);
        break;
    case KIOSK_VIEW_ENROL:
        err = ops->unknown_cards(be, &app->staff.unknown);
        break;
    case KIOSK_VIEW_STATUS:
    case KIOSK_VIEW_VOID_CONFIRM:
        break;
    }
    if (err) {
        kiosk_app_fail(app, "Staff information could not be read.");
        return false;
    }
    return true;
}

static void show(struct kiosk_app *app, enum kiosk_staff_view view)
{
    if (!load(app, view))
        return;
    app->staff.view = view;
    app->staff.page = 0;
    app->staff.revealed = SIZE_MAX;
    kiosk_app_redraw(app, true);
}

static void staff_enter(struct kiosk_app *app)
{
    load(app, app->staff.view);
}

static const char *title_of(const struct kiosk_app *app, char *buf, size_t len)
{
    switch (app->staff.view) {
    case KIOSK_VIEW_HOME:
        return "Staff";
    case KIOSK_VIEW_LATE:
        snprintf(buf, len, "Late today: %zu", app->staff.arrivals.total);
        return buf;
    case KIOSK_VIEW_SPEAK:
        snprintf(buf, len, "Speak to today: %zu", app->staff.speak.total);
        return buf;
    case KIOSK_VIEW_AWAY:
        snprintf(buf, len, "Signed out now: %zu", app->staff.away.total);
        return buf;
    case KIOSK_VIEW_VOID:
        return "Void a mistaken tap: choose the arrival";
    case KIOSK_VIEW_TOUCHED:
        snprintf(buf, len, "Touch sign-ins to check: %zu", app->staff.arrivals.total);
        return buf;
    case KIOSK_VIEW_VOID_CONFIRM:
        return "Void this arrival?";
    case KIOSK_VIEW_ENROL:
        return "Enrol a card: choose the card";
    case KIOSK_VIEW_STATUS:
        return "Status";
    }
    return "Staff";
}

static const char *reader_words(enum kiosk_reader_state s)
{
    switch (s) {
    case KIOSK_READER_OK:
        return "Ready";
    case KIOSK_READER_MISSING:
        return "Unplugged or not answering";
    case KIOSK_READER_RECONNECTING:
        return "Reconnecting";
    case KIOSK_READER_NONE:
        break;
    }
    return "None: touch sign-in only";
}

/* ---- home --------------------------------------------------------------------------------- */

static void layout_home(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_tile {
        int tile;
        const char *label;
        char sub[64];
    } tiles[KIOSK_TILE__COUNT];
    int n = 0;
    const struct kiosk_staff_lists {
        size_t late, speak, away, unknown, absent;
    } c = {app->staff.arrivals.total, app->staff.speak.total, app->staff.away.total,
           app->staff.unknown.total, app->staff.absent.total};

    tiles[n] = (struct kiosk_tile){KIOSK_TILE_LATE, "Late today", ""};
    snprintf(tiles[n++].sub, 64, "%zu %s", c.late, c.late == 1 ? "pupil" : "pupils");
    /* Who to speak to and who has not arrived name families and vulnerable children: they
     * live in the office, and show here only where the school set this kiosk up for staff. */
    if (app->settings.staff_lists) {
        tiles[n] = (struct kiosk_tile){KIOSK_TILE_SPEAK, "Speak to today", ""};
        snprintf(tiles[n++].sub, 64, "%zu %s", c.speak, c.speak == 1 ? "pupil" : "pupils");
    }
    if (app->settings.staff_lists && app->settings.gate_mode) {
        tiles[n] = (struct kiosk_tile){KIOSK_TILE_GATE, "Not arrived", ""};
        if (app->staff.absent.available_at[0])
            snprintf(tiles[n++].sub, 64, "After %s", app->staff.absent.available_at);
        else
            snprintf(tiles[n++].sub, 64, "%zu, in calling order", c.absent);
    }
    tiles[n++] = (struct kiosk_tile){KIOSK_TILE_PARENT, "Sign in for a parent", "With a reason"};
    tiles[n] = (struct kiosk_tile){KIOSK_TILE_AWAY, "Sign out / back in", ""};
    snprintf(tiles[n++].sub, 64, "%zu out now", c.away);
    tiles[n++] = (struct kiosk_tile){KIOSK_TILE_VOID, "Void a tap", "A mistaken arrival"};
    tiles[n] = (struct kiosk_tile){KIOSK_TILE_ENROL, "Enrol a card", ""};
    snprintf(tiles[n++].sub, 64, "%zu unknown %s", c.unknown, c.unknown == 1 ? "card" : "cards");
    /* Anyone can touch a name: staff check these (an absent child signed in by a friend would
     * drop off the calling list). */
    tiles[n] = (struct kiosk_tile){KIOSK_TILE_TOUCHED, "Touch sign-ins", ""};
    snprintf(tiles[n++].sub, 64, "%zu to check", app->staff.touched);
    tiles[n] = (struct kiosk_tile){KIOSK_TILE_STATUS, "Status", ""};
    snprintf(tiles[n++].sub, 64, "Reader: %s", reader_words(app->status.reader));

    SDL_Rect body = f->body;
    int top = app->staff.notice[0]
                  ? kiosk_ui_line_h(app->ui, KIOSK_FONT_BODY_BOLD) + kiosk_ui_px(app->ui, 24)
                  : 0;
    body.y += top;
    body.h -= top;
    struct kiosk_grid_spec spec = {
        .count = n,
        .min_cols = 3,
        .max_cols = 4,
        .min_w = kiosk_ui_px(app->ui, 170),
        .min_h = kiosk_ui_target(app->ui),
        .max_h = kiosk_ui_px(app->ui, 140),
        .gap = f->gap,
    };
    struct kiosk_grid g;
    kiosk_grid_fit(body, &spec, &g);
    size_t first_button = app->buttons.n;
    for (int i = 0; i < n && i < g.per_page; i++) {
        struct kiosk_button *b =
            kiosk_app_button(app, kiosk_grid_cell(&g, i), KIOSK_STAFF_TILE + tiles[i].tile,
                             KIOSK_BTN_TILE, KIOSK_ICON_NONE, tiles[i].label);
        if (b)
            kiosk_copy(b->sub, sizeof b->sub, tiles[i].sub);
    }
    kiosk_buttons_unify_font(app->ui, &app->buttons, first_button);

    int y = f->footer.y + (f->footer.h - f->button_h) / 2;
    int lw = kiosk_ui_px(app->ui, 190);
    kiosk_app_button(app, (SDL_Rect){f->margin, y, lw, f->button_h}, KIOSK_STAFF_LOCK,
                     KIOSK_BTN_SECONDARY, KIOSK_ICON_LOCK, "Lock now");
}

static void draw_home(struct kiosk_app *app, const struct kiosk_frame *f)
{
    kiosk_staff_notice(app, f->body);
    kiosk_app_draw_buttons(app);
    char line[96];
    snprintf(line, sizeof line, "Locks itself after %u s untouched",
             app->settings.staff_idle_lock_s);
    const struct kiosk_button *lock = kiosk_buttons_by_id(&app->buttons, KIOSK_STAFF_LOCK);
    if (lock) {
        int x = lock->r.x + lock->r.w + f->gap * 2;
        kiosk_ui_text_in(app->ui, KIOSK_FONT_SMALL, KIOSK_C_TEXT_DIM,
                         (SDL_Rect){x, lock->r.y, f->footer.w - x - f->margin, lock->r.h},
                         KIOSK_RIGHT, line);
    }
}

/* ---- status ------------------------------------------------------------------------------- */

static void status_line(struct kiosk_app *app, SDL_Rect *r, const char *label, bool good,
                        const char *value, const char *detail)
{
    struct kiosk_ui *ui = app->ui;
    int lh = kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON);
    int lw = r->w * 28 / 100;
    kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, (SDL_Rect){r->x, r->y, lw, lh},
                     KIOSK_LEFT, label);
    int x = r->x + lw;
    kiosk_ui_icon(ui, good ? KIOSK_ICON_TICK : KIOSK_ICON_OFFICE,
                  (SDL_Rect){x, r->y + lh / 8, lh * 3 / 4, lh * 3 / 4}, KIOSK_C_BG,
                  good ? KIOSK_C_GOOD : KIOSK_C_WARN);
    x += lh;
    kiosk_ui_text_in(ui, KIOSK_FONT_BUTTON, good ? KIOSK_C_TEXT : KIOSK_C_WARN,
                     (SDL_Rect){x, r->y, r->x + r->w - x, lh}, KIOSK_LEFT, value);
    int used = lh;
    if (detail && detail[0]) {
        /* up to three lines: a reason cut short tells staff nothing */
        int dh = 3 * kiosk_ui_line_h(ui, KIOSK_FONT_SMALL);
        used +=
            kiosk_ui_wrap(ui, KIOSK_FONT_SMALL, KIOSK_C_TEXT_DIM,
                          (SDL_Rect){x, r->y + lh, r->x + r->w - x, dh}, KIOSK_LEFT, detail, true);
    }
    used += kiosk_ui_px(ui, 12);
    r->y += used;
    r->h -= used;
}

static void draw_status(struct kiosk_app *app, const struct kiosk_frame *f)
{
    const struct kiosk_status *st = &app->status;
    SDL_Rect r = f->body;
    r.y += kiosk_ui_px(app->ui, 6);
    char value[128], detail[256 + 32]; /* room for the sync reason, whole */

    if (st->store_detail[0])
        status_line(app, &r, "Store", false, "File lost", st->store_detail);
    if (app->status_error[0]) {
        /* Not the values of the last good read: they may no longer be true. */
        status_line(app, &r, "Status", false, "Unknown: the last read failed", app->status_error);
        goto problem;
    }
    status_line(app, &r, "Card reader", st->reader == KIOSK_READER_OK, reader_words(st->reader),
                st->reader_detail);

    char hhmm[KIOSK_TIME_MAX];
    kiosk_chrome_time(app, hhmm);
    snprintf(value, sizeof value, "%s, %s",
             st->clock == KIOSK_CLOCK_OK ? "Synchronised" : "Not synchronised", hhmm);
    status_line(app, &r, "Clock", st->clock == KIOSK_CLOCK_OK, value,
                st->clock == KIOSK_CLOCK_OK ? ""
                                            : "Arrivals are still recorded and repaired later.");

    switch (st->sync) {
    case KIOSK_SYNC_OK:
        snprintf(value, sizeof value, "Up to date%s%s", st->last_sync[0] ? ", last at " : "",
                 st->last_sync);
        break;
    case KIOSK_SYNC_PENDING:
        snprintf(value, sizeof value, "%u waiting to send", st->pending);
        break;
    case KIOSK_SYNC_OFFLINE:
        snprintf(value, sizeof value, "Offline: %u kept on this kiosk", st->pending);
        break;
    case KIOSK_SYNC_NEVER:
        snprintf(value, sizeof value, "Never synchronised");
        break;
    case KIOSK_SYNC_REFUSED:
        snprintf(value, sizeof value, "Refused by the central store: ask the trust's admin");
        break;
    }
    if (st->sync == KIOSK_SYNC_REFUSED)
        snprintf(detail, sizeof detail, "%s", st->sync_detail); /* the reason, whole */
    else
        snprintf(detail, sizeof detail, "%s%s", st->last_sync[0] ? "Last sync " : "",
                 st->last_sync);
    status_line(app, &r, "Sync", st->sync == KIOSK_SYNC_OK || st->sync == KIOSK_SYNC_PENDING, value,
                st->sync == KIOSK_SYNC_OK ? "" : detail);

    if (st->calendar_detail[0]) /* only when wrong: the screen has room for one more line */
        status_line(app, &r, "Calendar", false, "File not read", st->calendar_detail);
    else if (app->lang.problem[0]) /* kiosk-lang: a home language left out at start */
        status_line(app, &r, "Languages", false, "One left out: English and the others shown",
                    app->lang.problem);

problem:
    if (app->last_error[0])
        snprintf(value, sizeof value, "At %s", app->last_error_time);
    status_line(app, &r, "Last problem", !app->last_error[0], app->last_error[0] ? value : "None",
                app->last_error);

    snprintf(value, sizeof value, "%d \u00d7 %d at %.0f dpi", kiosk_ui_w(app->ui),
             kiosk_ui_h(app->ui), (double)kiosk_ui_dpi(app->ui));
    snprintf(detail, sizeof detail, "Touch targets at least %d px (9 mm)",
             kiosk_ui_target(app->ui));
    status_line(app, &r, "Screen", true, value, detail);
    kiosk_app_draw_buttons(app);
}

/* ---- void confirmation -------------------------------------------------------------------- */

static void layout_confirm(struct kiosk_app *app, const struct kiosk_frame *f)
{
    int h = kiosk_ui_px(app->ui, 84);
    if (h < kiosk_ui_target(app->ui))
        h = kiosk_ui_target(app->ui);
    int w = (f->body.w - f->gap) / 2, y = f->body.y + f->body.h - h;
    kiosk_app_button(app, (SDL_Rect){f->body.x, y, w, h}, KIOSK_STAFF_KEEP, KIOSK_BTN_SECONDARY,
                     KIOSK_ICON_BACK, "Keep it");
    kiosk_app_button(app, (SDL_Rect){f->body.x + w + f->gap, y, w, h}, KIOSK_STAFF_VOID_IT,
                     KIOSK_BTN_DANGER, KIOSK_ICON_CROSS, "Void arrival");
}

static void draw_confirm(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_arrival *a = &app->staff.voiding;
    char line[160];
    snprintf(line, sizeof line, "%s, class %s, arrived at %s (%s).", a->name, a->class_name,
             a->time, kiosk_outcome_words(a->outcome));
    int y = f->body.y + kiosk_ui_px(ui, 10);
    y += kiosk_ui_wrap(
        ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
        (SDL_Rect){f->body.x, y, f->body.w, kiosk_ui_line_h(ui, KIOSK_FONT_TITLE) * 2}, KIOSK_LEFT,
        line, true);
    kiosk_ui_wrap(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM,
                  (SDL_Rect){f->body.x, y + kiosk_ui_px(ui, 12), f->body.w,
                             kiosk_ui_line_h(ui, KIOSK_FONT_BODY) * 3},
                  KIOSK_LEFT,
                  "Nothing is deleted: a correction is added to the log, and the marks are worked "
                  "out again without this arrival.",
                  true);
    kiosk_app_draw_buttons(app);
}

/* ---- the screen --------------------------------------------------------------------------- */

static void staff_layout(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    switch (app->staff.view) {
    case KIOSK_VIEW_HOME:
        layout_home(app, &f);
        break;
    case KIOSK_VIEW_STATUS:
        kiosk_chrome_footer(app, &f, "Staff", 0, 1);
        break;
    case KIOSK_VIEW_VOID_CONFIRM:
        layout_confirm(app, &f);
        break;
    default:
        kiosk_staff_layout_list(app, &f);
        break;
    }
}

static void staff_draw(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    char title[96];
    kiosk_chrome_header(app, &f, title_of(app, title, sizeof title));
    switch (app->staff.view) {
    case KIOSK_VIEW_HOME:
        draw_home(app, &f);
        break;
    case KIOSK_VIEW_STATUS:
        draw_status(app, &f);
        break;
    case KIOSK_VIEW_VOID_CONFIRM:
        draw_confirm(app, &f);
        break;
    default:
        kiosk_staff_draw_list(app, &f);
        break;
    }
}

static void tile(struct kiosk_app *app, int t)
{
    app->staff.notice[0] = '\0';
    switch (t) {
    case KIOSK_TILE_LATE:
        show(app, KIOSK_VIEW_LATE);
        break;
    case KIOSK_TILE_SPEAK:
        show(app, KIOSK_VIEW_SPEAK);
        break;
    case KIOSK_TILE_PARENT:
        kiosk_app_pick(app, KIOSK_FOR_PARENT);
        break;
    case KIOSK_TILE_AWAY:
        show(app, KIOSK_VIEW_AWAY);
        break;
    case KIOSK_TILE_VOID:
        show(app, KIOSK_VIEW_VOID);
        break;
    case KIOSK_TILE_ENROL:
        show(app, KIOSK_VIEW_ENROL);
        break;
    case KIOSK_TILE_STATUS:
        show(app, KIOSK_VIEW_STATUS);
        break;
    case KIOSK_TILE_TOUCHED:
        show(app, KIOSK_VIEW_TOUCHED);
        break;
    case KIOSK_TILE_GATE:
        kiosk_app_go(app, KIOSK_SCR_GATE);
        break;
    default:
        break;
    }
}

/* Confirms the reason claimed at the door for the late list's row i: staff have the evidence. */
static void confirm_claim(struct kiosk_app *app, size_t i)
{
    const struct kiosk_arrival a = app->staff.arrivals.items[i];
    if (app->be.ops->confirm_reason(app->be.impl, a.ref) != LD_OK) {
        kiosk_app_fail(app, "The reason could not be confirmed.");
        return;
    }
    show(app, KIOSK_VIEW_LATE);
    snprintf(app->staff.notice, sizeof app->staff.notice, "Confirmed %s's reason: %s.", a.name,
             a.reason);
}

static void press_row(struct kiosk_app *app, size_t i)
{
    if (app->staff.view == KIOSK_VIEW_LATE && i < app->staff.arrivals.n &&
        app->staff.arrivals.items[i].needs_evidence && !app->staff.arrivals.items[i].other_kiosk) {
        confirm_claim(app, i);
    } else if (app->staff.view == KIOSK_VIEW_SPEAK) {
        kiosk_app_reveal(app, i);
    } else if ((app->staff.view == KIOSK_VIEW_VOID || app->staff.view == KIOSK_VIEW_TOUCHED) &&
               i < app->staff.arrivals.n) {
        app->staff.voiding = app->staff.arrivals.items[i];
        app->staff.view = KIOSK_VIEW_VOID_CONFIRM;
        kiosk_app_redraw(app, true);
    } else if (app->staff.view == KIOSK_VIEW_ENROL && i < app->staff.unknown.n) {
        kiosk_copy(app->staff.enrol_uid, sizeof app->staff.enrol_uid,
                   app->staff.unknown.items[i].uid);
        kiosk_app_pick(app, KIOSK_FOR_ENROL);
    }
}

static void back_in(struct kiosk_app *app, size_t i)
{
    if (i >= app->staff.away.n)
        return;
    struct kiosk_away a = app->staff.away.items[i];
    if (app->be.ops->sign_back_in(app->be.impl, a.upn) != LD_OK) {
        kiosk_app_fail(app, "The return could not be saved.");
        return;
    }
    show(app, KIOSK_VIEW_AWAY);
    snprintf(app->staff.notice, sizeof app->staff.notice, "%s is back in.", a.name);
}

static void void_it(struct kiosk_app *app)
{
    const struct kiosk_arrival a = app->staff.voiding;
    if (app->be.ops->void_arrival(app->be.impl, a.ref) != LD_OK) {
        kiosk_app_fail(app, "The arrival could not be voided.");
        return;
    }
    show(app, KIOSK_VIEW_VOID);
    snprintf(app->staff.notice, sizeof app->staff.notice, "Voided %s's arrival at %s.", a.name,
             a.time);
}

static void staff_press(struct kiosk_app *app, int id)
{
    if (id == KIOSK_STAFF_LOCK) {
        kiosk_app_staff_lock(app);
    } else if (id == KIOSK_ID_BACK) {
        app->staff.notice[0] = '\0';
        show(app, KIOSK_VIEW_HOME);
    } else if (id == KIOSK_ID_PREV || id == KIOSK_ID_NEXT) {
        struct kiosk_frame f;
        kiosk_chrome_frame(app, &f);
        app->staff.page = kiosk_page_step(app->staff.page, id == KIOSK_ID_PREV ? -1 : 1,
                                          kiosk_staff_pages(app, &f));
        app->staff.revealed = SIZE_MAX;
        kiosk_app_redraw(app, true);
    } else if (id == KIOSK_STAFF_SIGN_OUT) {
        app->staff.notice[0] = '\0';
        kiosk_app_pick(app, KIOSK_FOR_SIGN_OUT);
    } else if (id == KIOSK_STAFF_KEEP) {
        show(app, KIOSK_VIEW_VOID);
    } else if (id == KIOSK_STAFF_VOID_IT) {
        void_it(app);
    } else if (id >= KIOSK_STAFF_BACK_IN) {
        back_in(app, (size_t)(id - KIOSK_STAFF_BACK_IN));
    } else if (id >= KIOSK_STAFF_ROW) {
        press_row(app, (size_t)(id - KIOSK_STAFF_ROW));
    } else if (id >= KIOSK_STAFF_TILE && id < KIOSK_STAFF_TILE + KIOSK_TILE__COUNT) {
        tile(app, id - KIOSK_STAFF_TILE);
    }
}

static const char *staff_view(const struct kiosk_app *app)
{
    static const char *const names[] = {
        [KIOSK_VIEW_HOME] = "home",       [KIOSK_VIEW_LATE] = "late",
        [KIOSK_VIEW_SPEAK] = "speak",     [KIOSK_VIEW_AWAY] = "away",
        [KIOSK_VIEW_VOID] = "void",       [KIOSK_VIEW_VOID_CONFIRM] = "void-confirm",
        [KIOSK_VIEW_TOUCHED] = "touched", [KIOSK_VIEW_ENROL] = "enrol",
        [KIOSK_VIEW_STATUS] = "status",
    };
    return names[app->staff.view];
}

const struct kiosk_screen kiosk_screen_staff = {
    .name = "staff",
    .enter = staff_enter,
    .layout = staff_layout,
    .press = staff_press,
    .draw = staff_draw,
    .view = staff_view,
};
