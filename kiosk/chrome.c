/* chrome.c: what many screens share: header, footer, pages, the status line, outcome words. */
#include "app_priv.h"

#include <stdio.h>

#include "names.h"
#include "theme.h"

void kiosk_chrome_frame(const struct kiosk_app *app, struct kiosk_frame *f)
{
    const struct kiosk_ui *ui = app->ui;
    int w = kiosk_ui_w(ui), h = kiosk_ui_h(ui);
    f->margin = kiosk_ui_px(ui, 16);
    f->gap = kiosk_ui_px(ui, 10);
    /* Footer buttons: 62 design pixels, and never below the physical minimum. */
    f->button_h = kiosk_ui_px(ui, 62);
    if (f->button_h < kiosk_ui_target(ui))
        f->button_h = kiosk_ui_target(ui);
    int header_h = kiosk_ui_px(ui, 60);
    int footer_h = f->button_h + 2 * kiosk_ui_px(ui, 10);
    f->header = (SDL_Rect){0, 0, w, header_h};
    f->footer = (SDL_Rect){0, h - footer_h, w, footer_h};
    f->body = (SDL_Rect){f->margin, header_h + f->gap, w - 2 * f->margin,
                         h - header_h - footer_h - f->gap};
}

void kiosk_chrome_time(const struct kiosk_app *app, char out[KIOSK_TIME_MAX])
{
    kiosk_hhmm(app->clock.hour, app->clock.minute, out);
}

void kiosk_chrome_date(const struct kiosk_app *app, char *out, size_t outlen)
{
    const struct kiosk_clock *c = &app->clock;
    const char *day =
        c->weekday >= 0 && c->weekday < 7 ? kiosk_app_say(app, KS_MONDAY + c->weekday) : "";
    const char *month =
        c->month >= 1 && c->month <= 12 ? kiosk_app_say(app, KS_JANUARY + c->month - 1) : "";
    kiosk_app_sayf(app, KS_DATE, out, outlen, day, (unsigned)c->day, month, (unsigned)c->year);
}

void kiosk_chrome_header(struct kiosk_app *app, const struct kiosk_frame *f, const char *title)
{
    struct kiosk_ui *ui = app->ui;
    kiosk_ui_clear(ui, KIOSK_C_BG);
    /* Nobody should be surprised when a screen gives up: its last seconds are counted. */
    app->warn_shown = kiosk_app_timeout_warning(app);
    char right[96];
    if (app->warn_shown)
        kiosk_app_sayf(app, KS_BACK_TO_START, right, sizeof right, app->warn_shown);
    else
        kiosk_chrome_time(app, right);
    kiosk_ui_fill(ui, f->header, app->warn_shown ? KIOSK_C_LATE : KIOSK_C_PANEL);
    /* The language button, where there is one, takes the clock's place (the idle screen has
     * the time), and in the last seconds the warning takes the title's: the three side by side
     * do not fit at 800x480, and the countdown is what matters then. */
    SDL_Rect lang = kiosk_app_lang_rect(app);
    int end = lang.w > 0 ? lang.x - f->gap : f->header.w - f->margin;
    if (lang.w > 0) {
        SDL_Rect box = {f->margin, 0, end - f->margin, f->header.h};
        kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT, box, KIOSK_LEFT,
                         app->warn_shown ? right : title);
        return;
    }
    int tw = kiosk_ui_text_w(ui, KIOSK_FONT_BUTTON, right);
    SDL_Rect time_box = {end - tw, 0, tw, f->header.h};
    kiosk_ui_text_in(ui, KIOSK_FONT_BUTTON, app->warn_shown ? KIOSK_C_TEXT : KIOSK_C_TEXT_DIM,
                     time_box, KIOSK_RIGHT, right);
    SDL_Rect title_box = {f->margin, 0, end - f->margin - tw - (tw ? f->margin : 0), f->header.h};
    kiosk_ui_text_in(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT, title_box, KIOSK_LEFT, title);
}

SDL_Rect kiosk_chrome_footer(struct kiosk_app *app, const struct kiosk_frame *f,
                             const char *back_label, size_t page, size_t pages)
{
    struct kiosk_ui *ui = app->ui;
    int y = f->footer.y + (f->footer.h - f->button_h) / 2;
    int x0 = f->margin, x1 = f->footer.w - f->margin;
    if (back_label) {
        int bw = kiosk_ui_text_w(ui, KIOSK_FONT_BUTTON, back_label) +
                 kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON) + kiosk_ui_px(ui, 44);
        kiosk_app_button(app, (SDL_Rect){x0, y, bw, f->button_h}, KIOSK_ID_BACK,
                         KIOSK_BTN_SECONDARY, KIOSK_ICON_BACK, back_label);
        x0 += bw + f->gap;
    }
    if (pages > 1) {
        /* Each shows only when there is somewhere to go; their places stay put. */
        int pw = kiosk_ui_px(ui, 160);
        if (page + 1 < pages)
            kiosk_app_button(app, (SDL_Rect){x1 - pw, y, pw, f->button_h}, KIOSK_ID_NEXT,
                             KIOSK_BTN_PRIMARY, KIOSK_ICON_NEXT, kiosk_app_say(app, KS_MORE));
        if (page > 0)
            kiosk_app_button(app, (SDL_Rect){x1 - 2 * pw - f->gap, y, pw, f->button_h},
                             KIOSK_ID_PREV, KIOSK_BTN_SECONDARY, KIOSK_ICON_BACK,
                             kiosk_app_say(app, KS_BEFORE));
        x1 -= 2 * pw + 2 * f->gap;
    }
    return (SDL_Rect){x0, y, x1 - x0, f->button_h};
}

void kiosk_chrome_page_label(struct kiosk_app *app, SDL_Rect r, size_t page, size_t pages)
{
    if (pages <= 1)
        return;
    char buf[96];
    kiosk_app_sayf(app, KS_PAGE_OF, buf, sizeof buf, (unsigned)(page + 1), (unsigned)pages);
    kiosk_ui_text_in(app->ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, r, KIOSK_RIGHT, buf);
}

bool kiosk_chrome_queue_note(const struct kiosk_app *app, char *out, size_t outlen)
{
    const char *name = "";
    size_t n = app->queue.n;
    if (n == 0)
        return false;
    /* An unknown card has no name: "a card" says enough. */
    const struct kiosk_greeting *g = &app->queue.items[0];
    name = g->kind == KIOSK_GREET_UNKNOWN ? kiosk_app_say(app, KS_A_NEW_CARD) : g->name;
    if (n == 1)
        kiosk_app_sayf(app, KS_NEXT_ONE, out, outlen, name);
    else
        kiosk_app_sayf(app, KS_NEXT_MORE, out, outlen, name, (unsigned)(n - 1));
    return true;
}

size_t kiosk_page_step(size_t page, int delta, size_t pages)
{
    if (pages == 0)
        return 0;
    if (delta < 0)
        return page == 0 ? 0 : page - 1;
    return page + 1 < pages ? page + 1 : page;
}

/* One item of the status line: a small coloured disc with an icon, then words. */
struct status_item {
    SDL_Color disc, text;
    enum kiosk_icon icon;
    bool bold;
    char words[96];
};

/* Draws item at x if it fits before r's right edge; returns the x after it (x when skipped). */
static int draw_item(struct kiosk_app *app, int x, SDL_Rect r, const struct status_item *it)
{
    struct kiosk_ui *ui = app->ui;
    enum kiosk_font font = it->bold ? KIOSK_FONT_SMALL_BOLD : KIOSK_FONT_SMALL;
    int d = kiosk_ui_line_h(ui, font);
    int w = d + kiosk_ui_px(ui, 6) + kiosk_ui_text_w(ui, font, it->words);
    if (x + w > r.x + r.w)
        return x;
    kiosk_ui_icon(ui, it->icon, (SDL_Rect){x, r.y + (r.h - d) / 2, d, d}, KIOSK_C_BG, it->disc);
    kiosk_ui_text(ui, font, it->text, x + d + kiosk_ui_px(ui, 6), r.y + (r.h - d) / 2, KIOSK_LEFT,
                  it->words);
    return x + w + kiosk_ui_px(ui, 22);
}

static struct status_item item(SDL_Color disc, enum kiosk_icon icon, bool warn, const char *words)
{
    struct status_item it = {disc, warn ? disc : KIOSK_C_TEXT_DIM, icon, warn, ""};
    kiosk_copy(it.words, sizeof it.words, words);
    return it;
}

void kiosk_chrome_status(struct kiosk_app *app, SDL_Rect r)
{
    const struct kiosk_status *st = &app->status;
    struct status_item items[5];
    size_t n = 0;
    char buf[96];

    /* In order of what staff most need to see, so a narrow screen drops the least. */
    if (st->store_detail[0])
        items[n++] = item(KIOSK_C_BAD, KIOSK_ICON_OFFICE, true, "Store file lost");
    if (app->status_error[0]) {
        /* The last read failed: the old reader and sync states would be guesses. */
        items[n++] = item(KIOSK_C_WARN, KIOSK_ICON_QUESTION, true, "Status unknown");
        if (app->last_error[0]) {
            snprintf(buf, sizeof buf, "Problem at %s", app->last_error_time);
            items[n++] = item(KIOSK_C_BAD, KIOSK_ICON_OFFICE, true, buf);
        }
        goto draw;
    }
    switch (st->reader) {
    case KIOSK_READER_OK:
        items[n++] = item(KIOSK_C_GOOD, KIOSK_ICON_TICK, false, "Card reader ready");
        break;
    case KIOSK_READER_MISSING:
        items[n++] = item(KIOSK_C_WARN, KIOSK_ICON_OFFICE, true, "Card reader unplugged");
        break;
    case KIOSK_READER_RECONNECTING:
        items[n++] = item(KIOSK_C_WARN, KIOSK_ICON_CLOCK, true, "Card reader reconnecting");
        break;
    case KIOSK_READER_NONE:
        items[n++] = item(KIOSK_C_TEXT_DIM, KIOSK_ICON_NONE, false, "Touch sign-in");
        break;
    }
    if (st->clock == KIOSK_CLOCK_UNSYNCED)
        items[n++] = item(KIOSK_C_WARN, KIOSK_ICON_CLOCK, true, "Clock not checked");
    if (app->last_error[0]) {
        snprintf(buf, sizeof buf, "Problem at %s", app->last_error_time);
        items[n++] = item(KIOSK_C_BAD, KIOSK_ICON_OFFICE, true, buf);
    }
    switch (st->sync) {
    case KIOSK_SYNC_OK:
        snprintf(buf, sizeof buf, "Synced%s%s", st->last_sync[0] ? " " : "", st->last_sync);
        items[n++] = item(KIOSK_C_GOOD, KIOSK_ICON_TICK, false, buf);
        break;
    case KIOSK_SYNC_PENDING:
        snprintf(buf, sizeof buf, "%u to sync", st->pending);
        items[n++] = item(KIOSK_C_TEXT_DIM, KIOSK_ICON_CLOCK, false, buf);
        break;
    case KIOSK_SYNC_OFFLINE:
        snprintf(buf, sizeof buf, "Offline: %u kept", st->pending);
        items[n++] = item(KIOSK_C_WARN, KIOSK_ICON_OFFICE, true, buf);
        break;
    case KIOSK_SYNC_NEVER:
        items[n++] = item(KIOSK_C_WARN, KIOSK_ICON_OFFICE, true, "Never synced");
        break;
    case KIOSK_SYNC_REFUSED:
        snprintf(buf, sizeof buf, "Sync refused: %u kept", st->pending);
        items[n++] = item(KIOSK_C_BAD, KIOSK_ICON_OFFICE, true, buf);
        break;
    }
draw:;
    int x = r.x;
    for (size_t i = 0; i < n; i++)
        x = draw_item(app, x, r, &items[i]);
}

SDL_Color kiosk_outcome_colour(enum ld_outcome o)
{
    switch (o) {
    case LD_OUTCOME_ON_TIME:
        return KIOSK_C_ON_TIME;
    case LD_OUTCOME_LATE_OPEN:
        return KIOSK_C_LATE;
    case LD_OUTCOME_LATE_CLOSED:
        break;
    }
    return KIOSK_C_CLOSED;
}

enum kiosk_icon kiosk_outcome_icon(enum ld_outcome o)
{
    switch (o) {
    case LD_OUTCOME_ON_TIME:
        return KIOSK_ICON_TICK;
    case LD_OUTCOME_LATE_OPEN:
        return KIOSK_ICON_CLOCK;
    case LD_OUTCOME_LATE_CLOSED:
        break;
    }
    return KIOSK_ICON_OFFICE;
}

const char *kiosk_outcome_words(enum ld_outcome o)
{
    switch (o) {
    case LD_OUTCOME_ON_TIME:
        return "On time";
    case LD_OUTCOME_LATE_OPEN:
        return "Late";
    case LD_OUTCOME_LATE_CLOSED:
        break;
    }
    return "After the register closed";
}
