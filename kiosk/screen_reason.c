/* screen_reason.c: why late (or why leaving): big buttons from the school's list, a timeout. */
#include "app_priv.h"

#include <stdio.h>

#include "layout.h"
#include "names.h"
#include "reason_icon.h"
#include "theme.h"

/* Reason buttons are ids 0..reason_count-1. */
enum { ID_NONE = 100, ID_SAME_YES, ID_SAME_NO };

static unsigned seconds_left(const struct kiosk_app *app)
{
    uint64_t limit = (uint64_t)app->settings.reason_timeout_s * 1000, gone = kiosk_app_elapsed(app);
    return gone >= limit ? 0 : (unsigned)((limit - gone + 999) / 1000);
}

static void reason_title(const struct kiosk_app *app, char *out, size_t outlen)
{
    switch (app->reason.purpose) {
    case KIOSK_FOR_PARENT:
        snprintf(out, outlen, "Signing in %s: the reason", app->reason.name);
        break;
    case KIOSK_FOR_SIGN_OUT:
        snprintf(out, outlen, "Signing out %s: the reason", app->reason.name);
        break;
    default:
        /* Asked of the grown-up who brought the child, not of a five-year-old. */
        kiosk_app_sayf(app, app->reason.same[0] ? KS_SAME_REASON : KS_WHY_LATE, out, outlen,
                       app->reason.name);
        break;
    }
}

/* A brother or sister of the child before: their reason, yes or no, in two big buttons. */
static void layout_same(struct kiosk_app *app, const struct kiosk_frame *f)
{
    char yes[KIOSK_LABEL_MAX];
    kiosk_app_sayf(app, KS_YES_REASON, yes, sizeof yes,
                   kiosk_app_reason_label(app, app->reason.same));
    int h = kiosk_ui_px(app->ui, 110), w = (f->body.w - f->gap) / 2;
    int y = f->body.y + (f->body.h - h) / 2;
    kiosk_app_button(app, (SDL_Rect){f->body.x, y, w, h}, ID_SAME_YES, KIOSK_BTN_GOOD,
                     KIOSK_ICON_TICK, yes);
    kiosk_app_button(app, (SDL_Rect){f->body.x + w + f->gap, y, w, h}, ID_SAME_NO,
                     KIOSK_BTN_PRIMARY, KIOSK_ICON_NONE, kiosk_app_say(app, KS_ANOTHER_REASON));
    kiosk_buttons_unify_font(app->ui, &app->buttons, 0);
}

static void reason_layout(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    if (app->reason.purpose == KIOSK_FOR_PUPIL && app->reason.same[0]) {
        layout_same(app, &f);
        return;
    }
    const struct kiosk_settings *s = &app->settings;
    int target = kiosk_ui_target(app->ui);
    struct kiosk_grid_spec spec = {
        .count = (int)s->reason_count,
        .min_cols = 2,
        .max_cols = 3,
        .min_w = kiosk_ui_px(app->ui, 200),
        .min_h = target > kiosk_ui_px(app->ui, 70) ? target : kiosk_ui_px(app->ui, 70),
        .max_h = kiosk_ui_px(app->ui, 120),
        .gap = f.gap,
    };
    struct kiosk_grid g;
    kiosk_grid_fit(f.body, &spec, &g);
    bool pupil = app->reason.purpose == KIOSK_FOR_PUPIL;
    for (int i = 0; i < (int)s->reason_count && i < g.per_page; i++) {
        /* A pictogram beside each reason, for a grown-up who reads little English; the label
         * in the family's language where the catalogue knows the school's words. */
        SDL_Rect cell = kiosk_grid_cell(&g, i);
        struct kiosk_button *b = kiosk_app_button(
            app, cell, i, KIOSK_BTN_PRIMARY, kiosk_reason_icon(s->reasons[i], s->reason_codes[i]),
            kiosk_app_reason_label(app, s->reasons[i]));
        if (b)
            b->icon_px = cell.h * 11 / 20;
    }
    kiosk_buttons_unify_font(app->ui, &app->buttons, 0);

    SDL_Rect free = kiosk_chrome_footer(app, &f, pupil ? NULL : "Staff", 0, 1);
    const char *none = pupil ? kiosk_app_say(app, KS_SKIP) : "No reason given";
    int bw = kiosk_ui_text_w(app->ui, KIOSK_FONT_BUTTON, none) + kiosk_ui_px(app->ui, 60);
    kiosk_app_button(app, (SDL_Rect){free.x + free.w - bw, free.y, bw, free.h}, ID_NONE,
                     KIOSK_BTN_SECONDARY, KIOSK_ICON_NONE, none);
}

static void reason_draw(struct kiosk_app *app)
{
    struct kiosk_frame f;
    kiosk_chrome_frame(app, &f);
    char title[160];
    reason_title(app, title, sizeof title);
    kiosk_chrome_header(app, &f, title);
    if (app->reason.purpose == KIOSK_FOR_PUPIL) {
        /* The countdown, so nobody is surprised when the screen gives up. */
        char line[KIOSK_NAME_MAX + 256], count[96];
        app->reason.shown = seconds_left(app);
        char next[KIOSK_NAME_MAX + 96];
        kiosk_app_sayf(app, KS_NO_REASON_IN, count, sizeof count, app->reason.shown);
        if (kiosk_chrome_queue_note(app, next, sizeof next))
            snprintf(line, sizeof line, "%s  \u00b7  %s", count, next);
        else
            snprintf(line, sizeof line, "%s", count);
        SDL_Rect r = {f.margin, f.footer.y, f.footer.w * 2 / 3, f.footer.h};
        kiosk_ui_text_in(app->ui, KIOSK_FONT_BODY, KIOSK_C_TEXT_DIM, r, KIOSK_LEFT, line);
    }
    kiosk_app_draw_buttons(app);
}

/* Records the choice (NULL: no reason given) for whichever purpose the screen serves. */
static void choose(struct kiosk_app *app, const char *reason)
{
    struct kiosk_greeting g;
    char line[KIOSK_DETAIL_MAX];
    switch (app->reason.purpose) {
    case KIOSK_FOR_PUPIL:
        app->reason.pending = false;
        if (kiosk_app_wrote(app, app->be.ops->record_reason(app->be.impl, app->reason.ref, reason,
                                                            &g)) != LD_OK) {
            kiosk_app_fail(app, "The reason could not be saved.");
            return;
        }
        kiosk_app_sibling_reason(app, reason ? app->reason.family : "", reason);
        if (!reason) {
            kiosk_app_next(app);
            return;
        }
        app->greeting = g;
        app->thanks = true;
        kiosk_app_go(app, KIOSK_SCR_GREET);
        return;
    case KIOSK_FOR_PARENT:
        if (app->be.ops->sign_in(app->be.impl, app->reason.upn, reason, true, &g) != LD_OK) {
            kiosk_app_fail(app, "The sign-in could not be saved.");
            return;
        }
        if (g.kind == KIOSK_GREET_ALREADY)
            snprintf(line, sizeof line, "%s had already arrived at %s.", g.name, g.time);
        else
            snprintf(line, sizeof line, "Signed in %s at %s: %s.", g.name, g.time,
                     kiosk_outcome_words(g.outcome));
        break;
    case KIOSK_FOR_SIGN_OUT:
        if (app->be.ops->sign_out(app->be.impl, app->reason.upn, reason) != LD_OK) {
            kiosk_app_fail(app, "The sign-out could not be saved.");
            return;
        }
        snprintf(line, sizeof line, "Signed out %s.", app->reason.name);
        break;
    case KIOSK_FOR_ENROL:
        return;
    }
    kiosk_copy(app->staff.notice, sizeof app->staff.notice, line);
    app->staff.view = app->reason.purpose == KIOSK_FOR_SIGN_OUT ? KIOSK_VIEW_AWAY : KIOSK_VIEW_HOME;
    app->staff.page = 0;
    kiosk_app_go(app, KIOSK_SCR_STAFF);
}

static void reason_press(struct kiosk_app *app, int id)
{
    if (id == ID_SAME_YES) {
        char same[KIOSK_REASON_MAX];
        kiosk_copy(same, sizeof same, app->reason.same);
        app->reason.same[0] = '\0';
        choose(app, same);
    } else if (id == ID_SAME_NO) {
        app->reason.same[0] = '\0';
        kiosk_app_redraw(app, true);
    } else if (id >= 0 && (size_t)id < app->settings.reason_count)
        choose(app, app->settings.reasons[id]);
    else if (id == ID_NONE)
        choose(app, NULL);
    else if (id == KIOSK_ID_BACK)
        kiosk_app_staff_open(app);
}

static void reason_tick(struct kiosk_app *app)
{
    if (app->reason.purpose != KIOSK_FOR_PUPIL)
        return;
    if (seconds_left(app) == 0) {
        choose(app, NULL);
        return;
    }
    /* The countdown changes once a second: redraw then, not more often. */
    if (seconds_left(app) != app->reason.shown)
        kiosk_app_redraw(app, false);
}

static const char *reason_view(const struct kiosk_app *app)
{
    if (app->reason.purpose == KIOSK_FOR_PUPIL && app->reason.same[0])
        return "same";
    switch (app->reason.purpose) {
    case KIOSK_FOR_PARENT:
        return "parent";
    case KIOSK_FOR_SIGN_OUT:
        return "sign-out";
    default:
        return "late";
    }
}

const struct kiosk_screen kiosk_screen_reason = {
    .name = "reason",
    .layout = reason_layout,
    .press = reason_press,
    .draw = reason_draw,
    .tick = reason_tick,
    .view = reason_view,
};
