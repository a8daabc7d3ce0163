/* screen_touch.c: finding a pupil by touch: class, names grid, confirm; or a search keypad. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "names.h"
#include "theme.h"

/* Class and name buttons are ids 0..n-1 (names: within the page). */
enum {
    ID_KEY = 200, /* + index into keys[] */
    ID_SEARCH = 500,
    ID_YES,
    ID_NO,
    ID_DELETE,
    ID_CLEAR,
    ID_FOUND = 600, /* + index into found */
};

/* The keypad: alphabetical, as children learn it, then the marks names contain. */
static const char *const keys[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
                                   "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T",
                                   "U", "V", "W", "X", "Y", "Z", "-", "'"};
#define NKEYS    ((int)(sizeof keys / sizeof keys[0]))
#define KEY_COLS 7

static bool for_pupil(const struct kiosk_app *app)
{
    return app->pick.purpose == KIOSK_FOR_PUPIL;
}

static const char *card_end(const struct kiosk_app *app)
{
    size_t n = strlen(app->staff.enrol_uid);
    return n > 4 ? app->staff.enrol_uid + n - 4 : app->staff.enrol_uid;
}

static void title_of(const struct kiosk_app *app, char *out, size_t outlen)
{
    const char *who = "";
    switch (app->pick.purpose) {
    case KIOSK_FOR_PUPIL:
        break;
    case KIOSK_FOR_PARENT:
        who = "Sign in for a parent: ";
        break;
    case KIOSK_FOR_SIGN_OUT:
        who = "Sign out: ";
        break;
    case KIOSK_FOR_ENROL:
        who = "Enrol a card: ";
        break;
    }
    switch (app->pick.step) {
    case KIOSK_STEP_CLASSES:
        snprintf(out, outlen, "%s%s", who,
                 for_pupil(app) ? kiosk_app_say(app, KS_TOUCH_CLASS) : "choose the class");
        break;
    case KIOSK_STEP_NAMES:
        if (for_pupil(app))
            kiosk_app_sayf(app, KS_TOUCH_NAME, out, outlen, app->pick.class_name);
        else
            snprintf(out, outlen, "%sClass %s: choose the pupil", who, app->pick.class_name);
        break;
    case KIOSK_STEP_CONFIRM:
        snprintf(out, outlen, "%s",
                 app->pick.purpose == KIOSK_FOR_ENROL ? "Enrol this card?"
                                                      : kiosk_app_say(app, KS_IS_THIS_YOU));
        break;
    case KIOSK_STEP_KEYPAD:
        snprintf(out, outlen, "%s%s", who,
                 for_pupil(app) ? kiosk_app_say(app, KS_TYPE_NAME) : "type the start of a name");
        break;
    }
}

static void touch_enter(struct kiosk_app *app)
{
    if (app->be.ops->list_classes(app->be.impl, &app->pick.classes) != LD_OK)
        kiosk_app_fail(app, "The classes could not be read.");
}

static void set_step(struct kiosk_app *app, enum kiosk_touch_step step)
{
    app->pick.step = step;
    app->pick.page = 0;
    kiosk_app_redraw(app, true);
}

static int min_target(const struct kiosk_app *app, float design)
{
    int t = kiosk_ui_target(app->ui), d = kiosk_ui_px(app->ui, design);
    return t > d ? t : d;
}

/* A child's own choice (a class, their name): 14 mm at least, 3 mm apart; staff's 9 mm. */
static int choice_h(const struct kiosk_app *app, float design)
{
    int t = min_target(app, design), p = kiosk_ui_pupil_target(app->ui);
    return for_pupil(app) && p > t ? p : t;
}

static int choice_gap(const struct kiosk_app *app, int gap)
{
    int p = kiosk_ui_pupil_gap(app->ui);
    return for_pupil(app) && p > gap ? p : gap;
}

static void layout_classes(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_grid_spec spec = {
        .count = (int)app->pick.classes.n,
        .min_cols = 4,
        .max_cols = 7,
        .min_w = kiosk_ui_px(app->ui, 96),
        .min_h = choice_h(app, 64),
        .max_h = kiosk_ui_px(app->ui, 110),
        .gap = choice_gap(app, f->gap),
    };
    struct kiosk_grid g;
    kiosk_grid_fit(f->body, &spec, &g);
    app->pick.per_page = (size_t)g.per_page;
    size_t first = app->pick.page * app->pick.per_page;
    for (size_t i = first; i < app->pick.classes.n && i < first + app->pick.per_page; i++)
        kiosk_app_button(app, kiosk_grid_cell(&g, (int)(i - first)), (int)i, KIOSK_BTN_PRIMARY,
                         KIOSK_ICON_NONE, app->pick.classes.items[i].name);
    kiosk_buttons_unify_font(app->ui, &app->buttons, 0);
    size_t pages = (app->pick.classes.n + app->pick.per_page - 1) / app->pick.per_page;
    SDL_Rect free = kiosk_chrome_footer(
        app, f, for_pupil(app) ? kiosk_app_say(app, KS_BACK) : "Staff", app->pick.page, pages);
    int sw = kiosk_ui_px(app->ui, 290);
    kiosk_app_button(app, (SDL_Rect){free.x + free.w - sw, free.y, sw, free.h}, ID_SEARCH,
                     KIOSK_BTN_SECONDARY, KIOSK_ICON_SEARCH, kiosk_app_say(app, KS_SEARCH));
}

static void layout_names(struct kiosk_app *app, const struct kiosk_frame *f)
{
    size_t first_button = app->buttons.n;
    struct kiosk_grid_spec spec = {
        .count = (int)app->pick.pupils.n,
        .min_cols = 3,
        .max_cols = 6,
        .min_w = kiosk_ui_px(app->ui, 140),
        .min_h = choice_h(app, 47),
        .max_h = kiosk_ui_px(app->ui, 90),
        .gap = choice_gap(app, kiosk_ui_px(app->ui, 8)),
    };
    struct kiosk_grid g;
    kiosk_grid_fit(f->body, &spec, &g);
    app->pick.per_page = (size_t)g.per_page;
    size_t first = app->pick.page * app->pick.per_page;
    for (size_t i = first; i < app->pick.pupils.n && i < first + app->pick.per_page; i++)
        kiosk_app_button(app, kiosk_grid_cell(&g, (int)(i - first)), (int)i, KIOSK_BTN_TILE,
                         KIOSK_ICON_NONE, app->pick.pupils.items[i].name);
    kiosk_buttons_unify_font(app->ui, &app->buttons, first_button);
    size_t pages = (app->pick.pupils.n + app->pick.per_page - 1) / app->pick.per_page;
    SDL_Rect free =
        kiosk_chrome_footer(app, f, kiosk_app_say(app, KS_CLASSES), app->pick.page, pages);
    int sw = kiosk_ui_px(app->ui, 290);
    if (free.w >= sw)
        kiosk_app_button(app, (SDL_Rect){free.x + free.w - sw, free.y, sw, free.h}, ID_SEARCH,
                         KIOSK_BTN_SECONDARY, KIOSK_ICON_SEARCH, kiosk_app_say(app, KS_SEARCH));
}

static void layout_confirm(struct kiosk_app *app, const struct kiosk_frame *f)
{
    bool enrol = app->pick.purpose == KIOSK_FOR_ENROL;
    int h = min_target(app, 90);
    int w = (f->body.w - f->gap) / 2;
    int y = f->body.y + f->body.h - h;
    /* Yes on the left: the PIN pad's OK is bottom right, and a finger that went on tapping
     * after the pad timed out must not land on a confirmation. */
    kiosk_app_button(app, (SDL_Rect){f->body.x, y, w, h}, ID_YES, KIOSK_BTN_GOOD, KIOSK_ICON_TICK,
                     enrol ? "Enrol card" : kiosk_app_say(app, KS_YES_SIGN_IN));
    kiosk_app_button(app, (SDL_Rect){f->body.x + w + f->gap, y, w, h}, ID_NO, KIOSK_BTN_SECONDARY,
                     KIOSK_ICON_BACK, enrol ? "Cancel" : kiosk_app_say(app, KS_NO_GO_BACK));
}

/* The keypad's regions: the typed text, the keys, the names found. */
static void keypad_regions(const struct kiosk_app *app, const struct kiosk_frame *f,
                           SDL_Rect *query, SDL_Rect *keys_area, SDL_Rect *found)
{
    int left = f->body.w * 58 / 100;
    int qh = kiosk_ui_px(app->ui, 54);
    *query = (SDL_Rect){f->body.x, f->body.y, left, qh};
    *keys_area = (SDL_Rect){f->body.x, f->body.y + qh + f->gap, left, f->body.h - qh - f->gap};
    *found = (SDL_Rect){f->body.x + left + f->gap * 2, f->body.y, f->body.w - left - f->gap * 2,
                        f->body.h};
}

static void layout_keypad(struct kiosk_app *app, const struct kiosk_frame *f)
{
    SDL_Rect query, area, found;
    keypad_regions(app, f, &query, &area, &found);
    int gap = kiosk_ui_px(app->ui, 6);
    int rows = (NKEYS + KEY_COLS - 1) / KEY_COLS + 1;
    int kw = (area.w - (KEY_COLS - 1) * gap) / KEY_COLS;
    int kh = (area.h - (rows - 1) * gap) / rows;
    for (int i = 0; i < NKEYS; i++) {
        SDL_Rect r = {area.x + (i % KEY_COLS) * (kw + gap), area.y + (i / KEY_COLS) * (kh + gap),
                      kw, kh};
        kiosk_app_button(app, r, ID_KEY + i, KIOSK_BTN_KEY, KIOSK_ICON_NONE, keys[i]);
    }
    int y = area.y + (rows - 1) * (kh + gap);
    int dw = 4 * kw + 3 * gap;
    kiosk_app_button(app, (SDL_Rect){area.x, y, dw, kh}, ID_DELETE, KIOSK_BTN_SECONDARY,
                     KIOSK_ICON_BACK, kiosk_app_say(app, KS_DELETE));
    kiosk_app_button(app, (SDL_Rect){area.x + dw + gap, y, area.w - dw - gap, kh}, ID_CLEAR,
                     KIOSK_BTN_SECONDARY, KIOSK_ICON_NONE, kiosk_app_say(app, KS_CLEAR));

    int rh = min_target(app, 58);
    int shown = (found.h + gap) / (rh + gap);
    if ((size_t)shown < app->pick.found.n)
        shown--; /* room for "and more" */
    for (int i = 0; i < shown && (size_t)i < app->pick.found.n; i++) {
        struct kiosk_button *b = kiosk_app_button(
            app, (SDL_Rect){found.x, found.y + i * (rh + gap), found.w, rh}, ID_FOUND + i,
            KIOSK_BTN_PRIMARY, KIOSK_ICON_NONE, app->pick.found.items[i].name);
        if (b)
            kiosk_app_sayf(app, KS_CLASS_OF, b->sub, sizeof b->sub,
                           app->pick.found.items[i].class_name);
    }
    app->pick.per_page = shown < 0 ? 0 : (size_t)shown;
    kiosk_chrome_footer(app, f, kiosk_app_say(app, KS_CLASSES), 0, 1);
}

static void touch_layout(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    switch (app->pick.step) {
    case KIOSK_STEP_CLASSES:
        layout_classes(app, &f);
        break;
    case KIOSK_STEP_NAMES:
        layout_names(app, &f);
        break;
    case KIOSK_STEP_CONFIRM:
        layout_confirm(app, &f);
        break;
    case KIOSK_STEP_KEYPAD:
        layout_keypad(app, &f);
        break;
    }
}

static void draw_confirm(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_pupil *p = &app->pick.chosen;
    int cx = f->body.x + f->body.w / 2;
    SDL_Rect name = {f->body.x, f->body.y + kiosk_ui_px(ui, 10), f->body.w, kiosk_ui_px(ui, 84)};
    char line[160];
    if (app->pick.purpose == KIOSK_FOR_ENROL) {
        snprintf(line, sizeof line, "Card ending %s will sign in", card_end(app));
        kiosk_ui_text(ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT_DIM, cx, name.y, KIOSK_CENTRE, line);
        name.y += kiosk_ui_px(ui, 36);
    }
    kiosk_ui_text_in(ui, KIOSK_FONT_NAME, KIOSK_C_TEXT, name, KIOSK_CENTRE, p->name);
    kiosk_app_sayf(app, KS_CLASS_OF, line, sizeof line, p->class_name);
    kiosk_ui_text(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT_DIM, cx, name.y + name.h, KIOSK_CENTRE, line);
}

static void draw_keypad(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    SDL_Rect query, area, found;
    keypad_regions(app, f, &query, &area, &found);
    kiosk_ui_round(ui, query, kiosk_ui_px(ui, 10), KIOSK_C_TEXT);
    int pad = kiosk_ui_px(ui, 16);
    SDL_Rect inner = {query.x + pad, query.y, query.w - 2 * pad, query.h};
    if (app->pick.query[0]) {
        char shown[KIOSK_QUERY_MAX + 4];
        snprintf(shown, sizeof shown, "%s_", app->pick.query);
        kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_BG, inner, KIOSK_LEFT, shown);
    } else {
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_RGB(0x4B, 0x55, 0x63), inner, KIOSK_LEFT,
                         kiosk_app_say(app, KS_TOUCH_LETTERS));
    }

    char line[160];
    const char *hint = NULL;
    if (!app->pick.query[0])
        hint = kiosk_app_say(app, KS_NAMES_SHOW);
    else if (app->pick.found.n == 0)
        hint = kiosk_app_say(app, KS_NO_NAMES);
    if (hint)
        kiosk_ui_wrap(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, found, KIOSK_LEFT, hint, true);
    if (app->pick.found.total > app->pick.per_page && app->pick.query[0]) {
        kiosk_app_sayf(app, KS_AND_MORE, line, sizeof line,
                       (unsigned)(app->pick.found.total - app->pick.per_page));
        int lh = kiosk_ui_line_h(ui, KIOSK_FONT_BODY);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM,
                         (SDL_Rect){found.x, found.y + found.h - lh, found.w, lh}, KIOSK_LEFT,
                         line);
    }
}

static void touch_draw(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    char title[160];
    title_of(app, title, sizeof title);
    kiosk_chrome_header(app, &f, title);
    if (app->pick.step == KIOSK_STEP_CLASSES && app->pick.classes.n == 0)
        /* An empty roster is said, not shown as an empty grid. */
        kiosk_ui_wrap(app->ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT, f.body, KIOSK_LEFT,
                      kiosk_app_say(app, KS_NO_PUPILS), true);
    else if (app->pick.step == KIOSK_STEP_CONFIRM)
        draw_confirm(app, &f);
    else if (app->pick.step == KIOSK_STEP_KEYPAD)
        draw_keypad(app, &f);
    kiosk_app_draw_buttons(app);
}

/* A pupil was chosen: confirm it, or go on to the reason for staff purposes. */
static void chosen(struct kiosk_app *app, const struct kiosk_pupil *p)
{
    app->pick.chosen = *p;
    if (app->pick.purpose == KIOSK_FOR_PARENT || app->pick.purpose == KIOSK_FOR_SIGN_OUT) {
        app->reason.purpose = app->pick.purpose;
        kiosk_copy(app->reason.upn, sizeof app->reason.upn, p->upn);
        kiosk_copy(app->reason.name, sizeof app->reason.name, p->name);
        kiosk_app_go(app, KIOSK_SCR_REASON);
        return;
    }
    set_step(app, KIOSK_STEP_CONFIRM);
}

static void confirm_yes(struct kiosk_app *app)
{
    const struct kiosk_pupil *p = &app->pick.chosen;
    if (app->pick.purpose == KIOSK_FOR_ENROL) {
        if (app->be.ops->enrol_card(app->be.impl, app->staff.enrol_uid, p->upn) != LD_OK) {
            kiosk_app_fail(app, "The card could not be enrolled.");
            return;
        }
        snprintf(app->staff.notice, sizeof app->staff.notice, "Card ending %s now signs in %s.",
                 card_end(app), p->name);
        app->staff.view = KIOSK_VIEW_ENROL;
        app->staff.page = 0;
        kiosk_app_go(app, KIOSK_SCR_STAFF);
        return;
    }
    char now[KIOSK_TIME_MAX];
    kiosk_hhmm(app->clock.hour, app->clock.minute, now);
    if (app->settings.confirm_late_touch && app->settings.am_closes[0] &&
        strcmp(now, app->settings.am_closes) > 0) {
        /* After the register closed a touch sign-in needs a member of staff: the PIN pad (or
         * a staff card) confirms it, and it is recorded as theirs. */
        app->witness = *p;
        kiosk_app_go(app, KIOSK_SCR_PIN);
        return;
    }
    struct kiosk_greeting g;
    if (kiosk_app_wrote(app, app->be.ops->sign_in(app->be.impl, p->upn, NULL, false, &g)) !=
        LD_OK) {
        kiosk_app_fail(app, "This sign-in could not be recorded.");
        return;
    }
    kiosk_app_show_greeting(app, &g);
}

static void search(struct kiosk_app *app)
{
    app->pick.found.n = app->pick.found.total = 0;
    if (app->pick.query[0] &&
        app->be.ops->search_pupils(app->be.impl, app->pick.query, &app->pick.found) != LD_OK) {
        kiosk_app_fail(app, "The search could not be done.");
        return;
    }
    kiosk_app_redraw(app, true);
}

static void type_key(struct kiosk_app *app, const char *k)
{
    size_t n = strlen(app->pick.query);
    if (n + strlen(k) >= sizeof app->pick.query)
        return;
    memcpy(app->pick.query + n, k, strlen(k) + 1);
    search(app);
}

static void delete_key(struct kiosk_app *app)
{
    size_t n = strlen(app->pick.query);
    if (n > 0)
        app->pick.query[n - 1] = '\0';
    search(app);
}

static void back(struct kiosk_app *app)
{
    switch (app->pick.step) {
    case KIOSK_STEP_CLASSES:
        if (for_pupil(app))
            kiosk_app_go(app, KIOSK_SCR_IDLE);
        else
            kiosk_app_staff_open(app);
        break;
    case KIOSK_STEP_NAMES:
    case KIOSK_STEP_KEYPAD:
        set_step(app, KIOSK_STEP_CLASSES);
        break;
    case KIOSK_STEP_CONFIRM:
        set_step(app, app->pick.query[0] ? KIOSK_STEP_KEYPAD : KIOSK_STEP_NAMES);
        break;
    }
}

static void touch_press(struct kiosk_app *app, int id)
{
    size_t n_pages;
    if (id == KIOSK_ID_BACK || id == ID_NO) {
        back(app);
    } else if (id == ID_YES) {
        confirm_yes(app);
    } else if (id == ID_SEARCH) {
        app->pick.query[0] = '\0';
        app->pick.found.n = app->pick.found.total = 0;
        set_step(app, KIOSK_STEP_KEYPAD);
    } else if (id == KIOSK_ID_PREV || id == KIOSK_ID_NEXT) {
        size_t n = app->pick.step == KIOSK_STEP_NAMES ? app->pick.pupils.n : app->pick.classes.n;
        size_t per = app->pick.per_page ? app->pick.per_page : 1;
        n_pages = (n + per - 1) / per;
        app->pick.page = kiosk_page_step(app->pick.page, id == KIOSK_ID_PREV ? -1 : 1, n_pages);
        kiosk_app_redraw(app, true);
    } else if (id >= ID_FOUND && (size_t)(id - ID_FOUND) < app->pick.found.n) {
        chosen(app, &app->pick.found.items[id - ID_FOUND]);
    } else if (id >= ID_KEY && id < ID_KEY + NKEYS) {
        type_key(app, keys[id - ID_KEY]);
    } else if (id == ID_DELETE) {
        delete_key(app);
    } else if (id == ID_CLEAR) {
        app->pick.query[0] = '\0';
        search(app);
    } else if (id >= 0 && app->pick.step == KIOSK_STEP_CLASSES &&
               (size_t)id < app->pick.classes.n) {
        kiosk_copy(app->pick.class_name, sizeof app->pick.class_name,
                   app->pick.classes.items[id].name);
        app->pick.query[0] = '\0';
        if (app->be.ops->list_pupils(app->be.impl, app->pick.class_name, &app->pick.pupils) !=
            LD_OK) {
            kiosk_app_fail(app, "The names of this class could not be read.");
            return;
        }
        set_step(app, KIOSK_STEP_NAMES);
    } else if (id >= 0 && app->pick.step == KIOSK_STEP_NAMES && (size_t)id < app->pick.pupils.n) {
        chosen(app, &app->pick.pupils.items[id]);
    }
}

/* Typing on a keyboard works too (a desk kiosk, and end-to-end tests). */
static bool touch_event(struct kiosk_app *app, const SDL_Event *ev)
{
    if (app->pick.step != KIOSK_STEP_KEYPAD)
        return false;
    if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_BACKSPACE) {
        delete_key(app);
        return true;
    }
    if (ev->type == SDL_TEXTINPUT) {
        char c = ev->text.text[0];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if ((c >= 'A' && c <= 'Z') || c == '-' || c == '\'') {
            char k[2] = {c, '\0'};
            type_key(app, k);
            return true;
        }
    }
    return false;
}

static void touch_tick(struct kiosk_app *app)
{
    /* A child who walks away leaves the door ready for the next. Staff use has its own lock. */
    if (for_pupil(app) && app->now - app->last_input >= KIOSK_TOUCH_MS)
        kiosk_app_go(app, KIOSK_SCR_IDLE);
}

static const char *touch_view(const struct kiosk_app *app)
{
    static const char *const names[] = {"classes", "names", "confirm", "keypad"};
    return names[app->pick.step];
}

const struct kiosk_screen kiosk_screen_touch = {
    .name = "touch",
    .enter = touch_enter,
    .layout = touch_layout,
    .press = touch_press,
    .event = touch_event,
    .draw = touch_draw,
    .tick = touch_tick,
    .view = touch_view,
};
