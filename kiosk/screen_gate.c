/* screen_gate.c: gate mode, for staff: who has not arrived today, in first-day-calling order. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "names.h"
#include "theme.h"

static void gate_enter(struct kiosk_app *app)
{
    app->staff.page = 0;
    if (app->be.ops->not_arrived(app->be.impl, &app->staff.absent) != LD_OK)
        kiosk_app_fail(app, "The list of pupils not arrived could not be read.");
}

/* Waiting for the register to close: once the clock passes it, the list comes by itself. */
static void gate_tick(struct kiosk_app *app)
{
    const char *until = app->staff.absent.available_at;
    char now[KIOSK_TIME_MAX];
    if (!until[0])
        return;
    kiosk_hhmm(app->clock.hour, app->clock.minute, now);
    if (strcmp(now, until) > 0) {
        gate_enter(app);
        kiosk_app_redraw(app, true);
    }
}

static int row_h(const struct kiosk_app *app)
{
    return kiosk_ui_px(app->ui, 44);
}

static SDL_Rect rows_area(const struct kiosk_app *app, const struct kiosk_frame *f)
{
    int lead = kiosk_ui_line_h(app->ui, KIOSK_FONT_BODY) + kiosk_ui_px(app->ui, 8);
    return (SDL_Rect){f->body.x, f->body.y + lead, f->body.w, f->body.h - lead};
}

/* Two columns of rows: a long list reads in one glance, and pages stay few. */
static size_t per_column(const struct kiosk_app *app, const struct kiosk_frame *f)
{
    int gap = kiosk_ui_px(app->ui, 6);
    int n = (rows_area(app, f).h + gap) / (row_h(app) + gap);
    return n < 1 ? 1 : (size_t)n;
}

static size_t pages(const struct kiosk_app *app, const struct kiosk_frame *f)
{
    size_t per = 2 * per_column(app, f), n = app->staff.absent.n;
    return n == 0 ? 1 : (n + per - 1) / per;
}

static void gate_layout(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    kiosk_chrome_footer(app, &f, "Staff", app->staff.page, pages(app, &f));
}

static void gate_draw(struct kiosk_app *app)
{
    struct kiosk_ui *ui = app->ui;
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    char title[96];
    if (app->staff.absent.available_at[0])
        snprintf(title, sizeof title, "Not arrived");
    else
        snprintf(title, sizeof title, "Not arrived: %zu", app->staff.absent.total);
    kiosk_chrome_header(app, &f, title);
    kiosk_ui_text(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, f.body.x, f.body.y, KIOSK_LEFT,
                  app->staff.absent.available_at[0]
                      ? "First-day calling starts when the morning register closes."
                      : "No arrival today, in first-day-calling order. Call the starred first.");

    const struct kiosk_absent_list *l = &app->staff.absent;
    SDL_Rect area = rows_area(app, &f);
    if (l->available_at[0]) { /* before the morning register closes the list means nothing */
        char line[96];
        snprintf(line, sizeof line, "Available after the register closes at %s.", l->available_at);
        int top = kiosk_ui_px(ui, 20);
        kiosk_ui_wrap(ui, KIOSK_FONT_TITLE, KIOSK_C_TEXT,
                      (SDL_Rect){area.x, area.y + top, area.w, area.h - top}, KIOSK_LEFT, line,
                      true);
        kiosk_app_draw_buttons(app);
        return;
    }
    if (l->n == 0) {
        if (l->not_known[0]) /* no evidence today: say so, never "everyone" */
            kiosk_ui_wrap(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT,
                          (SDL_Rect){area.x, area.y + kiosk_ui_px(ui, 20), area.w, area.h},
                          KIOSK_LEFT, l->not_known, true);
        else
            kiosk_ui_text(ui, KIOSK_FONT_TITLE, KIOSK_C_GOOD, area.x, area.y + kiosk_ui_px(ui, 20),
                          KIOSK_LEFT, "Everyone has arrived.");
        kiosk_app_draw_buttons(app);
        return;
    }
    size_t per = per_column(app, &f), first = app->staff.page * 2 * per;
    int gap = kiosk_ui_px(ui, 6), cw = (area.w - f.gap) / 2, h = row_h(app);
    for (size_t i = first; i < l->n && i < first + 2 * per; i++) {
        size_t k = i - first;
        SDL_Rect r = {area.x + (int)(k / per) * (cw + f.gap), area.y + (int)(k % per) * (h + gap),
                      cw, h};
        const struct kiosk_absent *a = &l->items[i];
        kiosk_ui_round(ui, r, kiosk_ui_px(ui, 8), KIOSK_C_PANEL);
        int pad = kiosk_ui_px(ui, 10), x = r.x + pad;
        char num[24];
        snprintf(num, sizeof num, "%zu", i + 1);
        int nw = kiosk_ui_px(ui, 44);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, (SDL_Rect){x, r.y, nw, h},
                         KIOSK_RIGHT, num);
        x += nw + pad;
        /* The vulnerable-pupil groups are marked, never named, with a star and a word. */
        int icon = kiosk_ui_line_h(ui, KIOSK_FONT_BODY);
        int cls = kiosk_ui_px(ui, 56), star = kiosk_ui_px(ui, 118);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY_BOLD, KIOSK_C_TEXT,
                         (SDL_Rect){x, r.y, r.x + r.w - x - cls - star - pad, h}, KIOSK_LEFT,
                         a->name);
        kiosk_ui_text_in(ui, KIOSK_FONT_BODY, KIOSK_C_TEXT,
                         (SDL_Rect){r.x + r.w - pad - star - cls, r.y, cls, h}, KIOSK_LEFT,
                         a->class_name);
        if (a->priority) {
            int sx = r.x + r.w - pad - star;
            kiosk_ui_icon(ui, KIOSK_ICON_STAR, (SDL_Rect){sx, r.y + (h - icon) / 2, icon, icon},
                          KIOSK_C_WARN, KIOSK_C_NONE);
            kiosk_ui_text_in(ui, KIOSK_FONT_SMALL_BOLD, KIOSK_C_WARN,
                             (SDL_Rect){sx + icon + kiosk_ui_px(ui, 4), r.y, star - icon, h},
                             KIOSK_LEFT, "Call first");
        }
    }
    kiosk_app_draw_buttons(app);
}

static void gate_press(struct kiosk_app *app, int id)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    if (id == KIOSK_ID_BACK) {
        kiosk_app_staff_open(app);
    } else if (id == KIOSK_ID_PREV || id == KIOSK_ID_NEXT) {
        app->staff.page =
            kiosk_page_step(app->staff.page, id == KIOSK_ID_PREV ? -1 : 1, pages(app, &f));
        kiosk_app_redraw(app, true);
    }
}

const struct kiosk_screen kiosk_screen_gate = {
    .name = "gate",
    .enter = gate_enter,
    .layout = gate_layout,
    .press = gate_press,
    .draw = gate_draw,
    .tick = gate_tick,
};
