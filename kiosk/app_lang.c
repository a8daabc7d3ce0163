/* app_lang.c: the family's language: the catalogues, the language button and its chooser. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "names.h"
#include "theme.h"

void kiosk_app_lang_load(struct kiosk_app *app, const char *assets_dir)
{
    const struct kiosk_settings *s = &app->settings;
    app->lang.problem[0] = '\0';
    for (size_t i = 0; i < s->language_count && app->lang.n < KIOSK_LANGUAGES_MAX; i++) {
        char msg[KIOSK_DETAIL_MAX];
        struct kiosk_lang *l = NULL;
        /* A bad catalogue costs its language only: the door keeps English and the others. */
        if (kiosk_lang_load(assets_dir, s->languages[i], &l, msg, sizeof msg) != LD_OK) {
            fprintf(stderr, "latedoor-kiosk: language %s left out: %s\n", s->languages[i], msg);
            /* staff Status names the file from the assets folder: "lang/pl.txt:4: ..." */
            size_t n = strlen(assets_dir);
            bool inside = !strncmp(msg, assets_dir, n) && msg[n] == '/';
            kiosk_copy(app->lang.problem, sizeof app->lang.problem, inside ? msg + n + 1 : msg);
            continue;
        }
        app->lang.all[app->lang.n++] = l;
    }
}

void kiosk_app_lang_free(struct kiosk_app *app)
{
    for (size_t i = 0; i < app->lang.n; i++)
        kiosk_lang_free(app->lang.all[i]);
    app->lang.n = 0;
}

bool kiosk_app_family(const struct kiosk_app *app)
{
    switch (app->screen) {
    case KIOSK_SCR_IDLE:
    case KIOSK_SCR_GREET:
    case KIOSK_SCR_UNKNOWN:
        return true;
    case KIOSK_SCR_TOUCH:
        return app->pick.purpose == KIOSK_FOR_PUPIL;
    case KIOSK_SCR_REASON:
        return app->reason.purpose == KIOSK_FOR_PUPIL;
    default:
        return false; /* staff mode, the PIN pad and the error screen stay in English */
    }
}

/* The catalogue in use on this screen: NULL for English. */
static const struct kiosk_lang *in_use(const struct kiosk_app *app)
{
    if (!kiosk_app_family(app) || app->lang.current == 0 || app->lang.current > app->lang.n)
        return NULL;
    return app->lang.all[app->lang.current - 1];
}

const char *kiosk_app_say(const struct kiosk_app *app, enum kiosk_str s)
{
    return kiosk_lang_get(in_use(app), s);
}

void kiosk_app_sayf(const struct kiosk_app *app, enum kiosk_str s, char *out, size_t outlen, ...)
{
    va_list ap;
    va_start(ap, outlen);
    kiosk_lang_vformat(in_use(app), s, out, outlen, ap);
    va_end(ap);
}

const char *kiosk_app_reason_label(const struct kiosk_app *app, const char *label)
{
    return kiosk_lang_reason(in_use(app), label);
}

/* The own name of language i (0 English). */
static const char *lang_name(const struct kiosk_app *app, size_t i)
{
    return i == 0 ? "English" : kiosk_lang_name(app->lang.all[i - 1]);
}

/* The button's words: the other languages, each in its own name ("Polski · Română"). */
static void button_label(const struct kiosk_app *app, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i <= app->lang.n && n < outlen; i++)
        if (i != app->lang.current)
            n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? " \u00b7 " : "",
                                  lang_name(app, i));
}

SDL_Rect kiosk_app_lang_rect(const struct kiosk_app *app)
{
    const struct kiosk_button *b = kiosk_buttons_by_id(&app->buttons, KIOSK_ID_LANG);
    return b ? b->r : (SDL_Rect){0, 0, 0, 0};
}

/* Where the button goes: the header's right end (reason, touch), beside Staff (idle), the
 * bottom right corner (greeting, unknown card); its right edge and its top. */
static bool place(const struct kiosk_app *app, int h, int *right, int *top)
{
    struct kiosk_ui *ui = app->ui;
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    const struct kiosk_button *staff = kiosk_buttons_find(&app->buttons, "Staff");
    switch (app->screen) {
    case KIOSK_SCR_IDLE:
        if (!staff)
            return false;
        *right = staff->r.x - kiosk_ui_px(ui, 12);
        *top = staff->r.y + (staff->r.h - h) / 2;
        return true;
    case KIOSK_SCR_GREET:
    case KIOSK_SCR_UNKNOWN:
        *right = kiosk_ui_w(ui) - kiosk_ui_px(ui, 40);
        *top = kiosk_ui_h(ui) - kiosk_ui_px(ui, 14) - h;
        return true;
    default:
        *right = f.header.w - f.margin;
        *top = (f.header.h - h) / 2;
        return true;
    }
}

/* The chooser: one big button per language in its own name, the one in use ticked. */
static void layout_menu(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    kiosk_buttons_clear(&app->buttons);
    kiosk_app_button(app, (SDL_Rect){0, 0, w, h}, KIOSK_ID_LANG_CLOSE, KIOSK_BTN_HIDDEN,
                     KIOSK_ICON_NONE, "Close");
    size_t n = app->lang.n + 1;
    /* One column; two when the school offers more than three languages besides English. */
    int cols = n > 4 ? 2 : 1, rows = (int)(n + (size_t)cols - 1) / cols;
    int gap = kiosk_ui_px(ui, 12), top = kiosk_ui_px(ui, 90);
    int bh = (h - top - kiosk_ui_px(ui, 20) - (rows - 1) * gap) / rows;
    if (bh > kiosk_ui_px(ui, 80))
        bh = kiosk_ui_px(ui, 80);
    if (bh < kiosk_ui_target(ui))
        bh = kiosk_ui_target(ui);
    int bw = kiosk_ui_px(ui, cols == 1 ? 420 : 330);
    int x0 = (w - cols * bw - (cols - 1) * gap) / 2;
    for (size_t i = 0; i < n; i++)
        kiosk_app_button(app,
                         (SDL_Rect){x0 + (int)(i % (size_t)cols) * (bw + gap),
                                    top + (int)(i / (size_t)cols) * (bh + gap), bw, bh},
                         KIOSK_ID_LANG_PICK + (int)i,
                         i == app->lang.current ? KIOSK_BTN_GOOD : KIOSK_BTN_PRIMARY,
                         i == app->lang.current ? KIOSK_ICON_TICK : KIOSK_ICON_NONE,
                         lang_name(app, i));
}

void kiosk_app_lang_layout(struct kiosk_app *app)
{
    if (app->lang.n == 0 || !kiosk_app_family(app)) {
        app->lang.menu = false;
        return;
    }
    if (app->lang.menu) {
        layout_menu(app);
        return;
    }
    struct kiosk_ui *ui = app->ui;
    char label[KIOSK_LABEL_MAX];
    button_label(app, label, sizeof label);
    /* Body type keeps it from crowding the header's question; a full target still. */
    const enum kiosk_font font = KIOSK_FONT_BODY_BOLD;
    int h = kiosk_ui_px(ui, 48); /* as tall as the other small buttons, never below 9 mm */
    if (h < kiosk_ui_target(ui))
        h = kiosk_ui_target(ui);
    int w = kiosk_ui_text_w(ui, font, label) + kiosk_ui_line_h(ui, font) + kiosk_ui_px(ui, 34);
    if (w > kiosk_ui_w(ui) * 2 / 5) /* many languages: the label shrinks, the screen stays */
        w = kiosk_ui_w(ui) * 2 / 5;
    int right, top;
    struct kiosk_button *b = NULL;
    if (place(app, h, &right, &top))
        b = kiosk_app_button(app, (SDL_Rect){right - w, top, w, h}, KIOSK_ID_LANG,
                             KIOSK_BTN_SECONDARY, KIOSK_ICON_LANGUAGE, label);
    if (b)
        b->font = font;
}

void kiosk_app_lang_draw(struct kiosk_app *app)
{
    if (!app->lang.menu)
        return;
    struct kiosk_ui *ui = app->ui;
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    kiosk_ui_fill(ui, (SDL_Rect){0, 0, w, h}, KIOSK_C_BG);
    int icon = kiosk_ui_line_h(ui, KIOSK_FONT_TITLE);
    const char *title = kiosk_app_say(app, KS_CHOOSE_LANGUAGE);
    int tw = kiosk_ui_text_w(ui, KIOSK_FONT_TITLE, title);
    if (tw > w - icon - kiosk_ui_px(ui, 60))
        tw = w - icon - kiosk_ui_px(ui, 60);
    int x = (w - tw - icon - kiosk_ui_px(ui, 12)) / 2, y = kiosk_ui_px(ui, 24);
    kiosk_ui_icon(ui, KIOSK_ICON_LANGUAGE, (SDL_Rect){x, y, icon, icon}, KIOSK_C_TEXT,
                  KIOSK_C_NONE);
    kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                     (SDL_Rect){x + icon + kiosk_ui_px(ui, 12), y, tw, icon}, KIOSK_LEFT, title);
}

bool kiosk_app_lang_press(struct kiosk_app *app, int id)
{
    if (id == KIOSK_ID_LANG) {
        app->lang.menu = true;
    } else if (id == KIOSK_ID_LANG_CLOSE) {
        app->lang.menu = false;
    } else if (id >= KIOSK_ID_LANG_PICK && id <= KIOSK_ID_LANG_PICK + (int)app->lang.n) {
        app->lang.current = (size_t)(id - KIOSK_ID_LANG_PICK);
        app->lang.menu = false;
    } else {
        return false;
    }
    /* The screen's own time starts again: its words may only now be read. */
    app->entered = app->now;
    kiosk_app_redraw(app, true);
    return true;
}

bool kiosk_app_lang_tick(struct kiosk_app *app)
{
    if (!app->lang.menu)
        return false;
    if (app->now - app->last_input >= KIOSK_LANG_MENU_MS)
        kiosk_app_lang_press(app, KIOSK_ID_LANG_CLOSE);
    return true;
}

void kiosk_app_lang_reset(struct kiosk_app *app)
{
    app->lang.current = 0;
    app->lang.menu = false;
}

const char *kiosk_app_lang_problem(const struct kiosk_app *app)
{
    return app->lang.problem;
}

size_t kiosk_app_lang_count(const struct kiosk_app *app)
{
    return app->lang.n;
}
