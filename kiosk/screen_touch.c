/* screen_touch.c: finding a pupil by touch: class, names grid, confirm; or a search keypad. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "names.h"
#include "photo.h"
#include "theme.h"

/* Class and name buttons are ids 0..n-1 (names: within the page). */
enum {
    ID_KEY = 300, /* + index into keys[] */
    ID_SEARCH = 500,
    ID_YES,
    ID_NO,
    ID_DELETE,
    ID_FOUND = 600, /* + index into found */
};

/*
 * The keypad: the alphabet in order, as children learn it, seven to a row (A-G, H-N, O-U,
 * V-Z), each key a child's 14 mm with 3 mm between, then Delete and Back: 28 keys that fill the
 * screen below the title (four rows of 74 px fit 800x480 at 133 dpi, where a QWERTY row of ten
 * would not). A letter gives way to the names that start so; "Letters" comes back to type the
 * next. Names are found by the start of a first name or surname, so "-" and "'" are left to a
 * keyboard.
 */
static const char *const keys[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                   "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
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
        if (app->pick.query[0])
            snprintf(out, outlen, "%s%s_  %s", who, app->pick.query,
                     for_pupil(app) ? kiosk_app_say(app, KS_NEXT_LETTER) : "the next letter");
        else
            snprintf(out, outlen, "%s%s", who,
                     for_pupil(app) ? kiosk_app_say(app, KS_TYPE_NAME)
                                    : "the first letter of a name");
        break;
    case KIOSK_STEP_FOUND:
        if (for_pupil(app)) {
            char starting[96];
            kiosk_app_sayf(app, KS_NAMES_STARTING, starting, sizeof starting, app->pick.query);
            snprintf(out, outlen, "%s%s", who, starting);
        } else {
            snprintf(out, outlen, "%snames starting %s", who, app->pick.query);
        }
        break;
    }
}

static void touch_enter(struct kiosk_app *app)
{
    kiosk_touch_photo_drop(app);
    if (app->be.ops->list_classes(app->be.impl, &app->pick.classes) != LD_OK)
        kiosk_app_fail(app, "The classes could not be read.");
}

void kiosk_touch_photo_drop(struct kiosk_app *app)
{
    if (app->pick.photo)
        SDL_DestroyTexture(app->pick.photo);
    app->pick.photo = NULL;
}

/* Returns true when msg was logged already (then it is not again), else remembers it. A photo
 * folder that cannot be read says so once, not once for every child. */
static bool photo_logged(struct kiosk_app *app, const char *msg)
{
    char key[KIOSK_UPN_MAX];
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *c = msg; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    snprintf(key, sizeof key, "%08x", (unsigned)h);
    size_t n = sizeof app->pick.photo_logged / sizeof app->pick.photo_logged[0];
    for (size_t i = 0; i < n; i++)
        if (strcmp(app->pick.photo_logged[i], key) == 0)
            return true;
    kiosk_copy(app->pick.photo_logged[app->pick.photo_next++ % n], KIOSK_UPN_MAX, key);
    return false;
}

/* Loads the chosen child's photo from the school's folder, when there is one: any failure is
 * logged once, naming the file, and the confirmation shows as it does without a photo. */
static void photo_load(struct kiosk_app *app, const char *upn)
{
    kiosk_touch_photo_drop(app);
    if (!for_pupil(app) || !app->settings.photos_dir[0])
        return;
    SDL_Surface *s = NULL;
    char msg[KIOSK_PHOTO_PATH_MAX + 200];
    ld_err err = kiosk_photo_load(app->settings.photos_dir, upn, &s, NULL, 0, msg, sizeof msg);
    if (err == LD_OK) {
        app->pick.photo = SDL_CreateTextureFromSurface(kiosk_ui_renderer(app->ui), s);
        app->pick.photo_w = s->w;
        app->pick.photo_h = s->h;
        if (!app->pick.photo) {
            snprintf(msg, sizeof msg, "%s/%s: %s", app->settings.photos_dir, upn, SDL_GetError());
            err = LD_ERR_NOMEM;
        }
        SDL_FreeSurface(s);
    }
    if (err != LD_OK && err != LD_ERR_NOT_FOUND && !photo_logged(app, msg))
        SDL_Log("latedoor-kiosk: photo not shown: %s", msg);
}

static void set_step(struct kiosk_app *app, enum kiosk_touch_step step)
{
    if (step != KIOSK_STEP_CONFIRM)
        kiosk_touch_photo_drop(app);
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

/* Lays out list as a grid of names, paged, ids from id_base; the footer's back button says
 * back_label, and "Search by name" follows where it fits when search. */
static void layout_pupils(struct kiosk_app *app, const struct kiosk_frame *f,
                          const struct kiosk_pupil_list *list, int id_base, const char *back_label,
                          bool search)
{
    size_t first_button = app->buttons.n;
    struct kiosk_grid_spec spec = {
        .count = (int)list->n,
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
    for (size_t i = first; i < list->n && i < first + app->pick.per_page; i++)
        kiosk_app_button(app, kiosk_grid_cell(&g, (int)(i - first)), id_base + (int)i,
                         KIOSK_BTN_TILE, KIOSK_ICON_NONE, list->items[i].name);
    kiosk_buttons_unify_font(app->ui, &app->buttons, first_button);
    size_t pages = (list->n + app->pick.per_page - 1) / app->pick.per_page;
    SDL_Rect free = kiosk_chrome_footer(app, f, back_label, app->pick.page, pages);
    int sw = kiosk_ui_px(app->ui, 290);
    if (search && free.w >= sw)
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

/* The letters, Delete and Back in a grid of seven columns over the body and the footer's room:
 * a child's targets; where even that cannot fit four rows (a screen under 480 px), 9 mm ones. */
static void layout_keypad(struct kiosk_app *app, const struct kiosk_frame *f)
{
    SDL_Rect area = {f->body.x, f->body.y, f->body.w,
                     f->footer.y + f->footer.h - kiosk_ui_px(app->ui, 10) - f->body.y};
    struct kiosk_grid_spec spec = {
        .count = NKEYS + 2,
        .min_cols = KEY_COLS,
        .max_cols = KEY_COLS,
        .min_w = kiosk_ui_pupil_target(app->ui),
        .min_h = kiosk_ui_pupil_target(app->ui),
        .max_h = kiosk_ui_px(app->ui, 110),
        .gap = kiosk_ui_pupil_gap(app->ui),
    };
    struct kiosk_grid g;
    kiosk_grid_fit(area, &spec, &g);
    if (g.per_page < spec.count) {
        spec.min_w = spec.min_h = min_target(app, 40);
        spec.gap = f->gap;
        kiosk_grid_fit(area, &spec, &g);
    }
    for (int i = 0; i < NKEYS; i++)
        kiosk_app_button(app, kiosk_grid_cell(&g, i), ID_KEY + i, KIOSK_BTN_KEY, KIOSK_ICON_NONE,
                         keys[i]);
    kiosk_app_button(app, kiosk_grid_cell(&g, NKEYS), ID_DELETE, KIOSK_BTN_SECONDARY,
                     KIOSK_ICON_NONE, kiosk_app_say(app, KS_DELETE));
    kiosk_app_button(app, kiosk_grid_cell(&g, NKEYS + 1), KIOSK_ID_BACK, KIOSK_BTN_SECONDARY,
                     KIOSK_ICON_NONE, kiosk_app_say(app, KS_CLASSES));
    kiosk_buttons_unify_font(app->ui, &app->buttons, (size_t)NKEYS);
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
        layout_pupils(app, &f, &app->pick.pupils, 0, kiosk_app_say(app, KS_CLASSES), true);
        break;
    case KIOSK_STEP_CONFIRM:
        layout_confirm(app, &f);
        break;
    case KIOSK_STEP_KEYPAD:
        layout_keypad(app, &f);
        break;
    case KIOSK_STEP_FOUND:
        layout_pupils(app, &f, &app->pick.found, ID_FOUND, kiosk_app_say(app, KS_LETTERS), false);
        break;
    }
}

/* Draws the chosen child's photo fitted into box (kept in proportion, centred), on a frame;
 * returns the width it took. */
static int draw_photo(struct kiosk_app *app, SDL_Rect box)
{
    struct kiosk_ui *ui = app->ui;
    int pw = app->pick.photo_w, ph = app->pick.photo_h;
    SDL_Rect dst = {box.x, box.y, box.w, box.w * ph / pw};
    if (dst.h > box.h) {
        dst.h = box.h;
        dst.w = box.h * pw / ph;
    }
    dst.x = box.x + (box.w - dst.w) / 2;
    dst.y = box.y + (box.h - dst.h) / 2;
    int edge = kiosk_ui_px(ui, 4);
    kiosk_ui_round(ui, (SDL_Rect){dst.x - edge, dst.y - edge, dst.w + 2 * edge, dst.h + 2 * edge},
                   kiosk_ui_px(ui, 8), KIOSK_C_TEXT);
    SDL_RenderCopy(kiosk_ui_renderer(ui), app->pick.photo, NULL, &dst);
    return dst.w + 2 * edge;
}

static void draw_confirm(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_pupil *p = &app->pick.chosen;
    SDL_Rect text = f->body;
    if (app->pick.photo) {
        /* The photo on the left, above the buttons (laid out the same with or without it);
         * the name and class beside it. */
        int above = f->body.h - min_target(app, 90) - 2 * f->gap;
        int h = above - kiosk_ui_px(ui, 8);
        SDL_Rect box = {f->body.x + kiosk_ui_px(ui, 8), f->body.y + kiosk_ui_px(ui, 8), h * 3 / 4,
                        h - kiosk_ui_px(ui, 8)};
        int used = draw_photo(app, box) + 2 * f->gap;
        text = (SDL_Rect){f->body.x + used, f->body.y + above / 4, f->body.w - used, above};
    }
    int cx = text.x + text.w / 2;
    SDL_Rect name = {text.x, text.y + kiosk_ui_px(ui, 10), text.w, kiosk_ui_px(ui, 84)};
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

static void draw_found(struct kiosk_app *app, const struct kiosk_frame *f)
{
    if (app->pick.found.n == 0)
        kiosk_ui_wrap(app->ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT, f->body, KIOSK_LEFT,
                      kiosk_app_say(app, KS_NO_NAMES), true);
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
    else if (app->pick.step == KIOSK_STEP_FOUND)
        draw_found(app, &f);
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
    photo_load(app, p->upn);
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

/* Finds the names that start with the letters typed; false (the error screen shown) when the
 * search failed. */
static bool search(struct kiosk_app *app)
{
    app->pick.found.n = app->pick.found.total = 0;
    if (app->pick.query[0] &&
        app->be.ops->search_pupils(app->be.impl, app->pick.query, &app->pick.found) != LD_OK) {
        kiosk_app_fail(app, "The search could not be done.");
        return false;
    }
    return true;
}

/* A letter typed: the keypad gives way to the names that start so. */
static void type_key(struct kiosk_app *app, const char *k)
{
    size_t n = strlen(app->pick.query);
    if (n + strlen(k) >= sizeof app->pick.query)
        return;
    memcpy(app->pick.query + n, k, strlen(k) + 1);
    if (search(app))
        set_step(app, KIOSK_STEP_FOUND);
}

/* The last letter taken back: on the names found, fewer letters find more (none: the keypad). */
static void delete_key(struct kiosk_app *app)
{
    size_t n = strlen(app->pick.query);
    if (n > 0)
        app->pick.query[n - 1] = '\0';
    if (!search(app))
        return;
    if (app->pick.step == KIOSK_STEP_FOUND && app->pick.query[0])
        set_step(app, KIOSK_STEP_FOUND);
    else
        set_step(app, KIOSK_STEP_KEYPAD);
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
    case KIOSK_STEP_FOUND:
        set_step(app, KIOSK_STEP_KEYPAD);
        break;
    case KIOSK_STEP_CONFIRM:
        set_step(app, app->pick.query[0] ? KIOSK_STEP_FOUND : KIOSK_STEP_NAMES);
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
        size_t n = app->pick.step == KIOSK_STEP_NAMES   ? app->pick.pupils.n
                   : app->pick.step == KIOSK_STEP_FOUND ? app->pick.found.n
                                                        : app->pick.classes.n;
        size_t per = app->pick.per_page ? app->pick.per_page : 1;
        n_pages = (n + per - 1) / per;
        app->pick.page = kiosk_page_step(app->pick.page, id == KIOSK_ID_PREV ? -1 : 1, n_pages);
        kiosk_app_redraw(app, true);
    } else if (app->pick.step == KIOSK_STEP_FOUND && id >= ID_FOUND &&
               (size_t)(id - ID_FOUND) < app->pick.found.n) {
        chosen(app, &app->pick.found.items[id - ID_FOUND]);
    } else if (id >= ID_KEY && id < ID_KEY + NKEYS) {
        type_key(app, keys[id - ID_KEY]);
    } else if (id == ID_DELETE) {
        delete_key(app);
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
    if (app->pick.step != KIOSK_STEP_KEYPAD && app->pick.step != KIOSK_STEP_FOUND)
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
    static const char *const names[] = {"classes", "names", "confirm", "keypad", "found"};
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
