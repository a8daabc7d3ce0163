/* staff_views.c: the staff lists: late today, who to speak to, signed out, void, enrol. */
#include "staff.h"

#include <stdio.h>
#include <string.h>

#include "theme.h"

int kiosk_staff_row_h(const struct kiosk_app *app)
{
    int t = kiosk_ui_target(app->ui) + kiosk_ui_px(app->ui, 4), d = kiosk_ui_px(app->ui, 50);
    return t > d ? t : d;
}

int kiosk_staff_notice(struct kiosk_app *app, SDL_Rect r)
{
    if (!app->staff.notice[0])
        return 0;
    struct kiosk_ui *ui = app->ui;
    int h = kiosk_ui_line_h(ui, KIOSK_FONT_BODY_BOLD) + kiosk_ui_px(ui, 16);
    SDL_Rect box = {r.x, r.y, r.w, h};
    kiosk_ui_round(ui, box, kiosk_ui_px(ui, 8), KIOSK_C_ON_TIME);
    int icon = kiosk_ui_line_h(ui, KIOSK_FONT_BODY_BOLD);
    int pad = kiosk_ui_px(ui, 12);
    kiosk_ui_icon(ui, KIOSK_ICON_TICK, (SDL_Rect){box.x + pad, box.y + (h - icon) / 2, icon, icon},
                  KIOSK_C_TEXT, KIOSK_C_NONE);
    kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT,
                     (SDL_Rect){box.x + 2 * pad + icon, box.y, box.w - 3 * pad - icon, h},
                     KIOSK_LEFT, app->staff.notice);
    return h + kiosk_ui_px(ui, 8);
}

static int notice_h(const struct kiosk_app *app)
{
    if (!app->staff.notice[0])
        return 0;
    return kiosk_ui_line_h(app->ui, KIOSK_FONT_BODY_BOLD) + kiosk_ui_px(app->ui, 24);
}

void kiosk_staff_outcome(struct kiosk_app *app, SDL_Rect r, enum ld_outcome o)
{
    struct kiosk_ui *ui = app->ui;
    int icon = kiosk_ui_line_h(ui, KIOSK_FONT_BODY);
    kiosk_ui_icon(ui, kiosk_outcome_icon(o), (SDL_Rect){r.x, r.y + (r.h - icon) / 2, icon, icon},
                  KIOSK_C_TEXT, kiosk_outcome_colour(o));
    int x = r.x + icon + kiosk_ui_px(ui, 8);
    kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT, (SDL_Rect){x, r.y, r.x + r.w - x, r.h},
                     KIOSK_LEFT,
                     o == LD_OUTCOME_LATE_CLOSED ? "After close" : kiosk_outcome_words(o));
}

/* The part of the body under the notice (and, for the late list, its column titles). */
static SDL_Rect rows_area(const struct kiosk_app *app, const struct kiosk_frame *f)
{
    SDL_Rect r = f->body;
    int top = notice_h(app);
    if (app->staff.view == KIOSK_VIEW_LATE)
        top += kiosk_ui_line_h(app->ui, KIOSK_FONT_SMALL_BOLD) + kiosk_ui_px(app->ui, 6);
    r.y += top;
    r.h -= top;
    return r;
}

static size_t list_count(const struct kiosk_app *app)
{
    switch (app->staff.view) {
    case KIOSK_VIEW_LATE:
    case KIOSK_VIEW_VOID:
    case KIOSK_VIEW_TOUCHED:
        return app->staff.arrivals.n;
    case KIOSK_VIEW_SPEAK:
        return app->staff.speak.n;
    case KIOSK_VIEW_AWAY:
        return app->staff.away.n;
    case KIOSK_VIEW_ENROL:
        return app->staff.unknown.n;
    default:
        return 0;
    }
}

static int speak_h(const struct kiosk_app *app, const struct kiosk_speak *s)
{
    int pad = kiosk_ui_px(app->ui, 10);
    return 2 * pad + kiosk_ui_line_h(app->ui, KIOSK_FONT_BUTTON) +
           (int)s->nsentences * kiosk_ui_line_h(app->ui, KIOSK_FONT_BODY);
}

/* Speak-to cards differ in height: pages are packed greedily. Returns the first card of page
 * (page_count when beyond the last) and the number of pages through *pages. */
static size_t speak_first(const struct kiosk_app *app, int area_h, size_t page, size_t *pages)
{
    size_t first_of_page = 0, p = 0, i = 0, want = (size_t)-1;
    int gap = kiosk_ui_px(app->ui, 8), used = 0;
    const struct kiosk_speak_list *l = &app->staff.speak;
    if (page == 0)
        want = 0;
    for (; i < l->n; i++) {
        int h = speak_h(app, &l->items[i]);
        if (used > 0 && used + h > area_h) {
            p++;
            first_of_page = i;
            used = 0;
            if (p == page)
                want = first_of_page;
        }
        used += h + gap;
    }
    if (pages)
        *pages = l->n ? p + 1 : 1;
    return want == (size_t)-1 ? l->n : want;
}

static size_t per_page(const struct kiosk_app *app, const struct kiosk_frame *f)
{
    int gap = kiosk_ui_px(app->ui, 6);
    SDL_Rect r = rows_area(app, f);
    int n = (r.h + gap) / (kiosk_staff_row_h(app) + gap);
    return n < 1 ? 1 : (size_t)n;
}

size_t kiosk_staff_pages(struct kiosk_app *app, const struct kiosk_frame *f)
{
    if (app->staff.view == KIOSK_VIEW_SPEAK) {
        size_t pages;
        speak_first(app, rows_area(app, f).h, 0, &pages);
        return pages;
    }
    size_t n = list_count(app), per = per_page(app, f);
    return n == 0 ? 1 : (n + per - 1) / per;
}

static SDL_Rect row_rect(const struct kiosk_app *app, const struct kiosk_frame *f, size_t k)
{
    int gap = kiosk_ui_px(app->ui, 6), h = kiosk_staff_row_h(app);
    SDL_Rect r = rows_area(app, f);
    return (SDL_Rect){r.x, r.y + (int)k * (h + gap), r.w, h};
}

static const char *back_in_label = "Back in";

/* The cards of the speak-to list on the current page: fills rects (at most max) and returns
 * how many, the first one's index through *first. */
static size_t speak_cards(const struct kiosk_app *app, const struct kiosk_frame *f, size_t *first,
                          SDL_Rect *rects, size_t max)
{
    const struct kiosk_speak_list *l = &app->staff.speak;
    SDL_Rect area = rows_area(app, f);
    *first = speak_first(app, area.h, app->staff.page, NULL);
    int y = area.y, gap = kiosk_ui_px(app->ui, 8);
    size_t n = 0;
    for (size_t i = *first; i < l->n && n < max; i++) {
        int h = speak_h(app, &l->items[i]);
        if (y > area.y && y + h > area.y + area.h)
            break;
        rects[n++] = (SDL_Rect){area.x, y, area.w, h};
        y += h + gap;
    }
    return n;
}

#define SPEAK_PAGE_MAX 32 /* cards on one page: each is at least two lines high */

void kiosk_staff_layout_list(struct kiosk_app *app, const struct kiosk_frame *f)
{
    size_t pages = kiosk_staff_pages(app, f);
    if (app->staff.page >= pages)
        app->staff.page = pages - 1;
    size_t per = per_page(app, f), first = app->staff.page * per;
    app->staff.per_page = per;
    SDL_Rect free = kiosk_chrome_footer(app, f, "Staff", app->staff.page, pages);

    switch (app->staff.view) {
    case KIOSK_VIEW_SPEAK: {
        /* Names show as initials; a touch on a card shows that one in full. */
        SDL_Rect rects[SPEAK_PAGE_MAX];
        size_t top, n = speak_cards(app, f, &top, rects, SPEAK_PAGE_MAX);
        for (size_t k = 0; k < n; k++) {
            char name[KIOSK_NAME_MAX];
            kiosk_app_private_name(app, top + k, app->staff.speak.items[top + k].name, name,
                                   sizeof name);
            kiosk_app_button(app, rects[k], KIOSK_STAFF_ROW + (int)(top + k), KIOSK_BTN_HIDDEN,
                             KIOSK_ICON_NONE, name);
        }
        break;
    }
    case KIOSK_VIEW_LATE: /* a claimed reason is confirmed from its row */
        for (size_t i = first; i < app->staff.arrivals.n && i < first + per; i++)
            if (app->staff.arrivals.items[i].needs_evidence &&
                !app->staff.arrivals.items[i].other_kiosk)
                kiosk_app_button(app, row_rect(app, f, i - first), KIOSK_STAFF_ROW + (int)i,
                                 KIOSK_BTN_HIDDEN, KIOSK_ICON_NONE,
                                 app->staff.arrivals.items[i].name);
        break;
    case KIOSK_VIEW_VOID:
    case KIOSK_VIEW_TOUCHED:
        for (size_t i = first; i < app->staff.arrivals.n && i < first + per; i++)
            kiosk_app_button(app, row_rect(app, f, i - first), KIOSK_STAFF_ROW + (int)i,
                             KIOSK_BTN_ROW, KIOSK_ICON_NONE, app->staff.arrivals.items[i].name);
        break;
    case KIOSK_VIEW_ENROL:
        for (size_t i = first; i < app->staff.unknown.n && i < first + per; i++) {
            const char *uid = app->staff.unknown.items[i].uid;
            size_t n = strlen(uid);
            char label[64];
            snprintf(label, sizeof label, "Card ending %s", n > 4 ? uid + n - 4 : uid);
            kiosk_app_button(app, row_rect(app, f, i - first), KIOSK_STAFF_ROW + (int)i,
                             KIOSK_BTN_ROW, KIOSK_ICON_CARD, label);
        }
        break;
    case KIOSK_VIEW_AWAY: {
        int bw = kiosk_ui_px(app->ui, 160);
        for (size_t i = first; i < app->staff.away.n && i < first + per; i++) {
            SDL_Rect r = row_rect(app, f, i - first);
            kiosk_app_button(app, (SDL_Rect){r.x + r.w - bw, r.y, bw, r.h},
                             KIOSK_STAFF_BACK_IN + (int)i, KIOSK_BTN_GOOD, KIOSK_ICON_TICK,
                             back_in_label);
        }
        int sw = kiosk_ui_px(app->ui, 260);
        if (free.w >= sw)
            kiosk_app_button(app, (SDL_Rect){free.x + free.w - sw, free.y, sw, free.h},
                             KIOSK_STAFF_SIGN_OUT, KIOSK_BTN_PRIMARY, KIOSK_ICON_NEXT,
                             "Sign a pupil out");
        break;
    }
    default:
        break;
    }
}

static void empty(struct kiosk_app *app, const struct kiosk_frame *f, const char *words)
{
    SDL_Rect r = rows_area(app, f);
    kiosk_ui_text_in(app->ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT_DIM,
                     (SDL_Rect){r.x, r.y, r.w, kiosk_ui_px(app->ui, 90)}, KIOSK_LEFT, words);
}

/* Column x positions of the late list, as thousandths of the width. */
static SDL_Rect col(SDL_Rect row, int from, int to)
{
    return (SDL_Rect){row.x + row.w * from / 1000, row.y, row.w * (to - from) / 1000 - row.w / 150,
                      row.h};
}

static void draw_late(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_arrival_list *l = &app->staff.arrivals;
    if (l->n == 0) {
        empty(app, f, "Nobody has been late today.");
        return;
    }
    static const int cols[] = {0, 95, 265, 335, 415, 600, 1000};
    static const char *const titles[] = {"Time", "Name", "Class", "Code", "Mark", "Reason"};
    SDL_Rect area = rows_area(app, f);
    int th = kiosk_ui_line_h(ui, KIOSK_FONT_SMALL_BOLD);
    SDL_Rect head = {area.x + kiosk_ui_px(ui, 12), area.y - th - kiosk_ui_px(ui, 6),
                     area.w - kiosk_ui_px(ui, 24), th};
    for (int c = 0; c < 6; c++)
        kiosk_ui_text_in(ui, KIOSK_FONT_SMALL_BOLD, KIOSK_C_TEXT_DIM,
                         col(head, cols[c], cols[c + 1]), KIOSK_LEFT, titles[c]);
    size_t first = app->staff.page * app->staff.per_page;
    for (size_t i = first; i < l->n && i < first + app->staff.per_page; i++) {
        const struct kiosk_arrival *a = &l->items[i];
        SDL_Rect r = row_rect(app, f, i - first);
        kiosk_ui_round(ui, r, kiosk_ui_px(ui, 8), KIOSK_C_PANEL);
        r.x += kiosk_ui_px(ui, 12);
        r.w -= kiosk_ui_px(ui, 24);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT, col(r, cols[0], cols[1]),
                         KIOSK_LEFT, a->time);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT, col(r, cols[1], cols[2]),
                         KIOSK_LEFT, a->name);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT, col(r, cols[2], cols[3]), KIOSK_LEFT,
                         a->class_name);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT, col(r, cols[3], cols[4]),
                         KIOSK_LEFT, ld_code_str(a->code));
        kiosk_staff_outcome(app, col(r, cols[4], cols[5]), a->outcome);
        char reason[KIOSK_REASON_MAX + 32];
        /* "needs evidence" first, so a narrow screen cuts the reason, not the warning */
        snprintf(reason, sizeof reason, "%s%s%s", a->needs_evidence ? "Needs evidence: " : "",
                 a->reason[0] ? a->reason : "No reason given",
                 a->needs_evidence ? ""
                 : a->by_staff     ? " (staff)"
                 : a->by_touch     ? " (touch)"
                                   : "");
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY,
                         a->needs_evidence ? KIOSK_C_WARN
                         : a->reason[0]    ? KIOSK_C_TEXT
                                           : KIOSK_C_TEXT_DIM,
                         col(r, cols[5], cols[6]), KIOSK_LEFT, reason);
    }
}

static void draw_speak(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_speak_list *l = &app->staff.speak;
    if (l->n == 0) {
        empty(app, f, "No patterns to talk about today.");
        return;
    }
    SDL_Rect rects[SPEAK_PAGE_MAX];
    size_t first, n = speak_cards(app, f, &first, rects, SPEAK_PAGE_MAX);
    int pad = kiosk_ui_px(ui, 10);
    for (size_t k = 0; k < n; k++) {
        size_t i = first + k;
        const struct kiosk_speak *s = &l->items[i];
        SDL_Rect card = rects[k];
        kiosk_ui_round(ui, card, kiosk_ui_px(ui, 10), KIOSK_C_PANEL);
        kiosk_ui_fill(ui, (SDL_Rect){card.x, card.y, kiosk_ui_px(ui, 6), card.h}, KIOSK_C_WARN);
        int x = card.x + kiosk_ui_px(ui, 20), lh = kiosk_ui_line_h(ui, KIOSK_FONT_BUTTON);
        char head[160], name[KIOSK_NAME_MAX];
        bool full = i == app->staff.revealed;
        snprintf(head, sizeof head, "%s  \u00b7  %s",
                 kiosk_app_private_name(app, i, s->name, name, sizeof name), s->class_name);
        int hw =
            kiosk_ui_text(ui, KIOSK_FONT_BUTTON, KIOSK_C_TEXT, x, card.y + pad, KIOSK_LEFT, head);
        /* The family's name is a surname: it shows with the full name only. */
        const char *family = full ? s->family : s->family[0] ? "Family: touch to show" : "";
        if (family[0]) {
            int fx = x + hw + kiosk_ui_px(ui, 24);
            kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_WARN,
                             (SDL_Rect){fx, card.y + pad, card.x + card.w - pad - fx, lh},
                             KIOSK_RIGHT, family);
        }
        int sy = card.y + pad + lh, sl = kiosk_ui_line_h(ui, KIOSK_FONT_BODY);
        for (size_t j = 0; j < s->nsentences; j++, sy += sl)
            kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM,
                             (SDL_Rect){x, sy, card.w - (x - card.x) - pad, sl}, KIOSK_LEFT,
                             s->sentences[j]);
    }
}

static void draw_away(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    const struct kiosk_away_list *l = &app->staff.away;
    if (l->n == 0) {
        empty(app, f, "Nobody is signed out.");
        return;
    }
    size_t first = app->staff.page * app->staff.per_page;
    int bw = kiosk_ui_px(ui, 160);
    for (size_t i = first; i < l->n && i < first + app->staff.per_page; i++) {
        const struct kiosk_away *a = &l->items[i];
        SDL_Rect r = row_rect(app, f, i - first);
        kiosk_ui_round(ui, (SDL_Rect){r.x, r.y, r.w - bw - kiosk_ui_px(ui, 8), r.h},
                       kiosk_ui_px(ui, 8), KIOSK_C_PANEL);
        r.x += kiosk_ui_px(ui, 12);
        r.w -= bw + kiosk_ui_px(ui, 32);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT, col(r, 0, 280), KIOSK_LEFT,
                         a->name);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT, col(r, 280, 350), KIOSK_LEFT,
                         a->class_name);
        char left[32];
        snprintf(left, sizeof left, "Left %s", a->time);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT, col(r, 350, 560), KIOSK_LEFT, left);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, col(r, 560, 1000), KIOSK_LEFT,
                         a->reason[0] ? a->reason : "No reason given");
    }
}

static void draw_rows_right(struct kiosk_app *app, const struct kiosk_frame *f)
{
    struct kiosk_ui *ui = app->ui;
    size_t first = app->staff.page * app->staff.per_page;
    if (app->staff.view == KIOSK_VIEW_VOID || app->staff.view == KIOSK_VIEW_TOUCHED) {
        const struct kiosk_arrival_list *l = &app->staff.arrivals;
        if (l->n == 0)
            empty(app, f,
                  app->staff.view == KIOSK_VIEW_VOID ? "No arrivals today."
                                                     : "No touch sign-ins today.");
        for (size_t i = first; i < l->n && i < first + app->staff.per_page; i++) {
            const struct kiosk_arrival *a = &l->items[i];
            SDL_Rect r = row_rect(app, f, i - first);
            r.w -= kiosk_ui_px(ui, 12);
            kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT, col(r, 330, 420), KIOSK_LEFT,
                             a->class_name);
            kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT, col(r, 420, 540), KIOSK_LEFT,
                             a->time);
            kiosk_staff_outcome(app, col(r, 540, 780), a->outcome);
            if (a->by_touch) /* by name on the screen: anyone could have touched it */
                kiosk_ui_text_in(ui, KIOSK_FONT_SMALL_BOLD, KIOSK_C_WARN, col(r, 780, 920),
                                 KIOSK_LEFT, "Touch");
            kiosk_ui_icon(ui, KIOSK_ICON_CROSS,
                          (SDL_Rect){r.x + r.w - r.h * 6 / 10, r.y + r.h * 2 / 10, r.h * 6 / 10,
                                     r.h * 6 / 10},
                          KIOSK_C_TEXT, KIOSK_C_CLOSED);
        }
    } else if (app->staff.view == KIOSK_VIEW_ENROL) {
        const struct kiosk_unknown_list *l = &app->staff.unknown;
        if (l->n == 0)
            empty(app, f, "No unknown cards today.");
        for (size_t i = first; i < l->n && i < first + app->staff.per_page; i++) {
            SDL_Rect r = row_rect(app, f, i - first);
            char line[64];
            snprintf(line, sizeof line, "Last tapped %s  \u00b7  choose the pupil",
                     l->items[i].time);
            r.w -= kiosk_ui_px(ui, 20);
            kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, col(r, 450, 1000), KIOSK_RIGHT,
                             line);
        }
    }
}

void kiosk_staff_draw_list(struct kiosk_app *app, const struct kiosk_frame *f)
{
    kiosk_staff_notice(app, f->body);
    switch (app->staff.view) {
    case KIOSK_VIEW_LATE:
        draw_late(app, f);
        break;
    case KIOSK_VIEW_SPEAK:
        draw_speak(app, f);
        break;
    case KIOSK_VIEW_AWAY:
        draw_away(app, f);
        break;
    default:
        break;
    }
    kiosk_app_draw_buttons(app);
    draw_rows_right(app, f);
}
