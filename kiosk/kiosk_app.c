/* kiosk_app.c: the screens' state machine, the timers, and the event loop around them. */
#include "app_priv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "events.h"
#include "names.h"
#include "watchdog.h"

static const struct kiosk_screen *const screens[KIOSK_SCR__COUNT] = {
    [KIOSK_SCR_IDLE] = &kiosk_screen_idle,       [KIOSK_SCR_GREET] = &kiosk_screen_greet,
    [KIOSK_SCR_REASON] = &kiosk_screen_reason,   [KIOSK_SCR_TOUCH] = &kiosk_screen_touch,
    [KIOSK_SCR_UNKNOWN] = &kiosk_screen_unknown, [KIOSK_SCR_PIN] = &kiosk_screen_pin,
    [KIOSK_SCR_STAFF] = &kiosk_screen_staff,     [KIOSK_SCR_GATE] = &kiosk_screen_gate,
    [KIOSK_SCR_ERROR] = &kiosk_screen_error,
};

/* Fills the button list for what shows now: the screen's, then the language button. */
static void layout(struct kiosk_app *app)
{
    kiosk_buttons_clear(&app->buttons);
    screens[app->screen]->layout(app);
    kiosk_app_lang_layout(app);
    app->relayout = false;
}

static uint64_t sdl_mono(void *ctx)
{
    return SDL_GetTicks64();
}

static uint64_t mono_now(const struct kiosk_app *app)
{
    return app->mono(app->mono_ctx);
}

/* Screens that show staff data: they close when staff mode locks. */
static bool staff_screen(const struct kiosk_app *app)
{
    switch (app->screen) {
    case KIOSK_SCR_STAFF:
    case KIOSK_SCR_GATE:
        return true;
    case KIOSK_SCR_TOUCH:
        return app->pick.purpose != KIOSK_FOR_PUPIL;
    case KIOSK_SCR_REASON:
        return app->reason.purpose != KIOSK_FOR_PUPIL;
    default:
        return false;
    }
}

void kiosk_app_redraw(struct kiosk_app *app, bool relayout)
{
    app->dirty = true;
    app->relayout = app->relayout || relayout;
}

void kiosk_app_go(struct kiosk_app *app, enum kiosk_screen_id id)
{
    /* Leaving the PIN pad (Cancel, its timeout, a card, an error) abandons its check. */
    if (app->screen == KIOSK_SCR_PIN && id != KIOSK_SCR_PIN && app->pin_job)
        app->pin_job->stale = true;
    if (id != KIOSK_SCR_TOUCH)
        kiosk_touch_photo_drop(app);
    app->screen = id;
    app->entered = app->now;
    app->staff.revealed = SIZE_MAX; /* a name shown in full stays so only while looked at */
    /* A screen that came by itself takes no touch for a moment: a finger already on its way
     * meant the screen before (the PIN pad's OK landing on "Yes, sign me in"). */
    if (!app->touching)
        app->guard_until = app->now + app->guard_ms;
    /* The door fell quiet: the next child is nobody's brother or sister, and a touch sign-in
     * nobody confirmed is dropped. */
    if (id == KIOSK_SCR_IDLE) {
        kiosk_app_lang_reset(app); /* the next family starts in the school's language */
        kiosk_app_sibling_reason(app, "", "");
        app->witness.upn[0] = '\0';
    }
    app->pressed = -1;
    app->lang.menu = false;
    if (screens[id]->enter)
        screens[id]->enter(app);
    /* enter may itself have moved on (a failed load shows the error screen): keep its choice. */
    kiosk_app_redraw(app, true);
}

bool kiosk_app_private_list(const struct kiosk_app *app)
{
    return app->screen == KIOSK_SCR_GATE ||
           (app->screen == KIOSK_SCR_STAFF && app->staff.view == KIOSK_VIEW_SPEAK);
}

const char *kiosk_app_private_name(const struct kiosk_app *app, size_t i, const char *name,
                                   char *out, size_t outlen)
{
    if (i == app->staff.revealed)
        return kiosk_copy(out, outlen, name);
    return kiosk_name_initials(name, out, outlen);
}

void kiosk_app_reveal(struct kiosk_app *app, size_t i)
{
    app->staff.revealed = app->staff.revealed == i ? SIZE_MAX : i;
    kiosk_app_redraw(app, true);
}

/* How long staff mode stays open untouched: shorter on a sensitive list. */
static uint64_t staff_lock_ms(const struct kiosk_app *app)
{
    uint64_t ms = (uint64_t)app->settings.staff_idle_lock_s * 1000;
    return kiosk_app_private_list(app) && ms > KIOSK_LIST_LOCK_MS ? KIOSK_LIST_LOCK_MS : ms;
}

uint64_t kiosk_app_input_left(const struct kiosk_app *app)
{
    uint64_t limit;
    if (app->screen == KIOSK_SCR_PIN ||
        (app->screen == KIOSK_SCR_TOUCH && app->pick.purpose == KIOSK_FOR_PUPIL))
        limit = KIOSK_TOUCH_MS;
    else if (app->staff.unlocked && staff_screen(app))
        limit = staff_lock_ms(app);
    else
        return UINT64_MAX;
    uint64_t gone = app->now >= app->last_input ? app->now - app->last_input : 0;
    return gone >= limit ? 0 : limit - gone;
}

uint64_t kiosk_app_elapsed(const struct kiosk_app *app)
{
    return app->now >= app->entered ? app->now - app->entered : 0;
}

struct kiosk_button *kiosk_app_button(struct kiosk_app *app, SDL_Rect r, int id,
                                      enum kiosk_button_style style, enum kiosk_icon icon,
                                      const char *label)
{
    return kiosk_buttons_add(&app->buttons, r, id, style, icon, label);
}

void kiosk_app_draw_buttons(struct kiosk_app *app)
{
    kiosk_app_lang_draw(app);
    kiosk_buttons_draw(app->ui, &app->buttons, app->pressed);
}

ld_err kiosk_app_wrote(struct kiosk_app *app, ld_err err)
{
    bool failed = err != LD_OK && err != LD_ERR_INVALID;
    if (failed != app->write_failed && (err == LD_OK || failed)) {
        app->write_failed = failed;
        kiosk_app_redraw(app, true);
    }
    return err;
}

bool kiosk_app_door_closed(const struct kiosk_app *app)
{
    return app->write_failed || app->status.store_detail[0];
}

void kiosk_app_fail(struct kiosk_app *app, const char *title)
{
    const char *detail = app->be.ops->last_error(app->be.impl);
    kiosk_copy(app->error_title, sizeof app->error_title, title);
    kiosk_copy(app->error_detail, sizeof app->error_detail, detail);
    kiosk_chrome_time(app, app->last_error_time);
    snprintf(app->last_error, sizeof app->last_error, "%s %s", title, detail);
    SDL_Log("latedoor-kiosk: %s %s", title, detail);
    kiosk_sound_play(app->sound, KIOSK_CUE_ERROR);
    kiosk_app_go(app, KIOSK_SCR_ERROR);
}

void kiosk_app_settle_reason(struct kiosk_app *app)
{
    struct kiosk_greeting g;
    bool ok = true;
    if (app->reason.pending) {
        app->reason.pending = false;
        ok = kiosk_app_wrote(
                 app, app->be.ops->record_reason(app->be.impl, app->reason.ref, NULL, &g)) == LD_OK;
    }
    for (size_t i = 0; i < app->queue.n; i++) {
        const struct kiosk_greeting *q = &app->queue.items[i];
        if (ok && q->kind == KIOSK_GREET_ARRIVED && q->ask_reason)
            ok = app->be.ops->record_reason(app->be.impl, q->arrival, NULL, &g) == LD_OK;
    }
    app->queue.n = 0;
    if (!ok)
        kiosk_app_fail(app, "The reason could not be saved.");
}

void kiosk_app_sibling_reason(struct kiosk_app *app, const char *family, const char *reason)
{
    kiosk_copy(app->sibling.family, sizeof app->sibling.family, family);
    kiosk_copy(app->sibling.reason, sizeof app->sibling.reason, family[0] ? reason : "");
}

void kiosk_app_next(struct kiosk_app *app)
{
    if (app->queue.n == 0) {
        kiosk_app_go(app, KIOSK_SCR_IDLE);
        return;
    }
    struct kiosk_greeting g = app->queue.items[0];
    app->queue.n--;
    memmove(app->queue.items, app->queue.items + 1, app->queue.n * sizeof app->queue.items[0]);
    kiosk_app_show_greeting(app, &g);
}

void kiosk_app_show_greeting(struct kiosk_app *app, const struct kiosk_greeting *g)
{
    app->greeting = *g;
    app->thanks = false;
    switch (g->kind) {
    case KIOSK_GREET_ARRIVED:
    case KIOSK_GREET_ALREADY:
        if (g->kind == KIOSK_GREET_ARRIVED && g->ask_reason) {
            app->reason.purpose = KIOSK_FOR_PUPIL;
            kiosk_copy(app->reason.ref, sizeof app->reason.ref, g->arrival);
            kiosk_copy(app->reason.name, sizeof app->reason.name, g->name);
            kiosk_copy(app->reason.family, sizeof app->reason.family, g->family);
            app->reason.pending = true;
            /* A brother or sister of the child before: the same reason is offered first. */
            bool sibling = g->family[0] && strcmp(g->family, app->sibling.family) == 0;
            kiosk_copy(app->reason.same, sizeof app->reason.same,
                       sibling ? app->sibling.reason : "");
        }
        kiosk_app_go(app, KIOSK_SCR_GREET);
        break;
    case KIOSK_GREET_CLOSED: /* no school now: told so, nothing to ask */
        kiosk_app_go(app, KIOSK_SCR_GREET);
        break;
    case KIOSK_GREET_UNKNOWN:
        kiosk_app_go(app, KIOSK_SCR_UNKNOWN);
        break;
    case KIOSK_GREET_STAFF:
        kiosk_app_staff_open(app);
        break;
    }
}

/* Staff confirmed a child's touch sign-in after the register closed: it is recorded as theirs,
 * and the child goes on as after any late arrival (a reason, if none was given). */
static void sign_in_witnessed(struct kiosk_app *app)
{
    struct kiosk_greeting g;
    struct kiosk_pupil p = app->witness;
    app->witness.upn[0] = '\0';
    app->staff.unlocked = false; /* the card or PIN confirmed one child, it opened nothing */
    if (kiosk_app_wrote(app, app->be.ops->sign_in(app->be.impl, p.upn, NULL, true, &g)) != LD_OK) {
        kiosk_app_fail(app, "This sign-in could not be recorded.");
        return;
    }
    g.ask_reason = g.kind == KIOSK_GREET_ARRIVED && g.outcome != LD_OUTCOME_ON_TIME && !g.reason[0];
    kiosk_app_show_greeting(app, &g);
}

void kiosk_app_staff_open(struct kiosk_app *app)
{
    if (app->witness.upn[0]) {
        sign_in_witnessed(app);
        return;
    }
    app->staff.unlocked = true;
    app->staff.view = KIOSK_VIEW_HOME;
    app->staff.page = 0;
    app->staff.notice[0] = '\0';
    kiosk_app_go(app, KIOSK_SCR_STAFF);
}

void kiosk_app_staff_lock(struct kiosk_app *app)
{
    app->staff.unlocked = false;
    app->staff.notice[0] = '\0';
    kiosk_app_go(app, KIOSK_SCR_IDLE);
}

void kiosk_app_pick(struct kiosk_app *app, enum kiosk_purpose purpose)
{
    app->pick.purpose = purpose;
    app->pick.step = KIOSK_STEP_CLASSES;
    app->pick.page = 0;
    app->pick.query[0] = '\0';
    app->pick.found.n = app->pick.found.total = 0;
    kiosk_app_go(app, KIOSK_SCR_TOUCH);
}

/* True while a child's turn is not over: a late arrival owes its reason, or others wait. */
static bool door_busy(const struct kiosk_app *app)
{
    return app->reason.pending || app->queue.n > 0;
}

/* A card from the reader thread: whatever shows, the tap is recorded at once. */
static void handle_card(struct kiosk_app *app, const char *uid)
{
    struct kiosk_greeting g;
    if (kiosk_app_wrote(app, app->be.ops->tap_card(app->be.impl, uid, &g)) != LD_OK) {
        kiosk_app_fail(app, "This tap could not be recorded.");
        return;
    }
    /* A family at the door: a brother or sister tapping while the first child gives a reason
     * waits their turn (their arrival is already recorded); nobody's reason is lost. */
    if (g.kind != KIOSK_GREET_STAFF && door_busy(app) && app->queue.n < KIOSK_QUEUE_MAX) {
        app->queue.items[app->queue.n++] = g;
        kiosk_sound_play(app->sound, KIOSK_CUE_ON_TIME);
        kiosk_app_redraw(app, true);
        return;
    }
    kiosk_app_settle_reason(app);
    /* A child's tap ends any staff session left open, and drops a touch sign-in still waiting
     * for staff to confirm it; a staff card opens one (or confirms that sign-in). */
    if (g.kind != KIOSK_GREET_STAFF) {
        app->staff.unlocked = false;
        app->witness.upn[0] = '\0';
    }
    kiosk_app_show_greeting(app, &g);
}

/* The timeouts a backend left at 0 (not set): the kiosk's defaults. */
static void settings_defaults(struct kiosk_settings *s)
{
    if (s->reason_timeout_s == 0)
        s->reason_timeout_s = 20;
    if (s->staff_idle_lock_s == 0)
        s->staff_idle_lock_s = 60;
}

/*
 * Reads the school's settings again, the centre's having changed them: the reasons and times
 * the screens offer follow what the door records. On the idle screen only, never under a
 * family's fingers; a failed read is tried again at the next status.
 */
static void reread_settings(struct kiosk_app *app)
{
    struct kiosk_settings *s = malloc(sizeof *s);
    if (!s || app->be.ops->settings(app->be.impl, s) != LD_OK) {
        free(s);
        return;
    }
    settings_defaults(s);
    bool languages = s->language_count != app->settings.language_count ||
                     memcmp(s->languages, app->settings.languages, sizeof s->languages);
    app->settings = *s;
    free(s);
    app->settings_gen = app->status.settings_gen;
    if (languages) {
        kiosk_app_lang_free(app);
        kiosk_app_lang_load(app, kiosk_ui_assets(app->ui));
    }
    kiosk_app_redraw(app, true);
}

static void refresh_status(struct kiosk_app *app)
{
    struct kiosk_status st;
    if (app->be.ops->status(app->be.impl, &st) != LD_OK) {
        /* Old values would say "Synced" of a kiosk that cannot tell: say unknown, and why. */
        const char *why = app->be.ops->last_error(app->be.impl);
        if (strcmp(why, app->status_error) != 0) {
            kiosk_copy(app->status_error, sizeof app->status_error, why);
            kiosk_app_redraw(app, true);
        }
    } else if (app->status_error[0] || memcmp(&st, &app->status, sizeof st) != 0) {
        app->status = st;
        app->status_error[0] = '\0';
        kiosk_app_redraw(app, true);
    }
    /* The week's most punctual class moves with the arrivals: the idle screen follows it. */
    char punctual[sizeof app->punctual];
    if (!app->be.ops->punctual_class(app->be.impl, punctual, sizeof punctual))
        punctual[0] = '\0';
    if (strcmp(punctual, app->punctual) != 0) {
        memcpy(app->punctual, punctual, sizeof punctual);
        kiosk_app_redraw(app, false);
    }
    if (app->status.settings_gen != app->settings_gen && app->screen == KIOSK_SCR_IDLE)
        reread_settings(app);
    app->status_at = app->now;
}

static void refresh_clock(struct kiosk_app *app)
{
    struct kiosk_clock c;
    if (app->be.ops->now(app->be.impl, &c) != LD_OK)
        return;
    /* The screens show hours and minutes: a new second alone changes nothing on screen. */
    bool changed =
        c.minute != app->clock.minute || c.hour != app->clock.hour || c.day != app->clock.day;
    app->clock = c;
    if (changed)
        kiosk_app_redraw(app, false);
}

ld_err kiosk_app_create(const struct kiosk_app_config *cfg, struct kiosk_app **out)
{
    /* One allocation for everything a screen may list: no allocation after start-up. */
    struct kiosk_app *app = calloc(1, sizeof *app);
    if (!app)
        return LD_ERR_NOMEM;
    app->be = cfg->backend;
    app->ui = cfg->ui;
    app->sound = cfg->sound;
    app->mono = cfg->mono_ms ? cfg->mono_ms : sdl_mono;
    app->mono_ctx = cfg->mono_ctx;
    app->demo_cards = cfg->demo_cards;
    app->demo_tap = cfg->demo_tap;
    app->demo_ctx = cfg->demo_ctx;
    app->guard_ms = cfg->guard_ms ? cfg->guard_ms : KIOSK_GUARD_MS;
    app->greet_ms = cfg->greet_ms ? cfg->greet_ms : KIOSK_GREET_MS;
    app->now = mono_now(app);
    app->last_input = app->now;
    app->pressed = -1;
    app->staff.revealed = SIZE_MAX;
    kiosk_pinlock_init(&app->pinlock);

    /* Defaults for a backend that cannot read its settings: the kiosk still takes taps. */
    kiosk_copy(app->settings.school_name, sizeof app->settings.school_name, "latedoor");
    ld_err err = app->be.ops->settings(app->be.impl, &app->settings);
    settings_defaults(&app->settings);
    kiosk_app_lang_load(app, kiosk_ui_assets(app->ui));
    /* A restart gives a guesser no fresh tries: the PIN pad's lock is read back. */
    struct kiosk_pin_lock_state pl;
    if (!err && app->be.ops->pin_lock_read(app->be.impl, &pl) == LD_OK)
        kiosk_pinlock_restore(&app->pinlock, pl.failures, pl.locks, pl.remaining_ms, app->now);
    refresh_status(app);
    app->settings_gen = app->status.settings_gen; /* the settings just read are these */
    refresh_clock(app);
    kiosk_app_go(app, KIOSK_SCR_IDLE);
    if (err)
        kiosk_app_fail(app, "The kiosk's settings could not be read.");
    app->guard_until = 0; /* nobody can have been reaching for a screen before it first showed */
    *out = app;
    return LD_OK;
}

void kiosk_app_destroy(struct kiosk_app *app)
{
    if (!app)
        return;
    if (app->pin_job) /* waits for the worker: at most one Argon2id run */
        (void)kiosk_pin_job_finish(app->pin_job, &app->be, false);
    sodium_memzero(app->pin, sizeof app->pin);
    kiosk_touch_photo_drop(app);
    kiosk_app_lang_free(app);
    free(app);
}

/* The demo's function keys stand in for a reader; returns true when the key was one. */
static bool demo_key(struct kiosk_app *app, SDL_Keycode key)
{
    if (!app->demo_cards || key < SDLK_F1 || key > SDLK_F12)
        return false;
    for (int i = 0; app->demo_cards[i]; i++) {
        if (i == key - SDLK_F1) {
            if (app->demo_tap)
                app->demo_tap(app->demo_ctx, app->demo_cards[i]);
            else
                handle_card(app, app->demo_cards[i]);
            return true;
        }
    }
    return false;
}

/* Finger down on a button shows it pressed; lifting the finger on the same button acts. */
static void pointer(struct kiosk_app *app, int x, int y, bool down)
{
    if (app->now < app->guard_until) {
        app->pressed = -1; /* neither half of a touch counts while the guard is up */
        return;
    }
    int id = kiosk_buttons_hit(&app->buttons, x, y);
    if (down) {
        app->pressed = id;
        kiosk_app_redraw(app, false);
        return;
    }
    int was = app->pressed;
    app->pressed = -1;
    kiosk_app_redraw(app, false);
    if (id < 0 || id != was)
        return;
    const struct kiosk_button *b = kiosk_buttons_by_id(&app->buttons, id);
    if (b && b->style != KIOSK_BTN_HIDDEN)
        kiosk_sound_play(app->sound, KIOSK_CUE_KEY);
    if (kiosk_app_lang_press(app, id))
        return;
    if (screens[app->screen]->press) {
        app->touching = true;
        screens[app->screen]->press(app, id);
        app->touching = false;
    }
}

void kiosk_app_handle(struct kiosk_app *app, const SDL_Event *ev)
{
    app->now = mono_now(app);
    if (app->relayout)
        layout(app); /* hit-testing needs the buttons of what is on screen now */
    if (ev->type == kiosk_events_type() && ev->type != 0) {
        if (ev->user.code == KIOSK_EV_CARD && ev->user.data1)
            handle_card(app, ev->user.data1);
        else if (ev->user.code == KIOSK_EV_STATUS)
            refresh_status(app);
        else if (ev->user.code == KIOSK_EV_PIN)
            kiosk_app_pin_collect(app, false); /* a stale wake-up finds nothing: harmless */
        return;
    }
    switch (ev->type) {
    case SDL_QUIT:
        app->quit = true;
        return;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        /* Touches arrive here too: SDL turns a finger into the mouse, so FINGER events are
         * ignored rather than handled twice. */
        if (ev->button.button != SDL_BUTTON_LEFT)
            return;
        app->last_input = app->now;
        pointer(app, ev->button.x, ev->button.y, ev->type == SDL_MOUSEBUTTONDOWN);
        return;
    case SDL_MOUSEMOTION:
        if (app->pressed >= 0 &&
            kiosk_buttons_hit(&app->buttons, ev->motion.x, ev->motion.y) != app->pressed) {
            app->pressed = -1; /* slid off: no press */
            kiosk_app_redraw(app, false);
        }
        return;
    case SDL_KEYDOWN:
        app->last_input = app->now;
        if (demo_key(app, ev->key.keysym.sym))
            return;
        if (screens[app->screen]->event)
            screens[app->screen]->event(app, ev);
        return;
    case SDL_TEXTINPUT:
        if (screens[app->screen]->event)
            screens[app->screen]->event(app, ev);
        return;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
            char msg[KIOSK_DETAIL_MAX];
            if (kiosk_ui_resized(app->ui, msg, sizeof msg) != LD_OK)
                SDL_Log("latedoor-kiosk: %s", msg);
            kiosk_app_redraw(app, true);
        }
        return;
    default:
        return;
    }
}

void kiosk_app_tick(struct kiosk_app *app)
{
    app->now = mono_now(app);
    refresh_clock(app);
    kiosk_app_pin_collect(app, false); /* in case its wake-up event was lost */
    if (app->now - app->status_at >= KIOSK_STATUS_MS)
        refresh_status(app);
    /* Staff mode locks itself when left alone, whatever staff screen shows. */
    if (app->staff.unlocked && app->now - app->last_input >= staff_lock_ms(app)) {
        bool showing = staff_screen(app);
        app->staff.unlocked = false;
        if (showing)
            kiosk_app_staff_lock(app);
    }
    if (!kiosk_app_lang_tick(app) && screens[app->screen]->tick)
        screens[app->screen]->tick(app);
    /* The timeout warning counts down once a second. */
    if (kiosk_app_timeout_warning(app) != app->warn_shown)
        kiosk_app_redraw(app, false);
}

bool kiosk_app_render(struct kiosk_app *app, bool force, bool present)
{
    if (!app->dirty && !force)
        return false;
    if (app->relayout)
        layout(app);
    kiosk_ui_begin(app->ui);
    screens[app->screen]->draw(app);
    if (present)
        kiosk_ui_present(app->ui);
    app->dirty = false;
    return true;
}

int kiosk_app_wait_ms(struct kiosk_app *app)
{
    /* The clock's minute must turn over on time; every timeout is coarser than a second. */
    uint64_t now = mono_now(app);
    int ms = 1000 - (int)(now % 1000);
    return ms < 20 ? 20 : ms;
}

void kiosk_app_run(struct kiosk_app *app)
{
    /* systemd's watchdog (firmware/watchdog.h): pinged from this loop, so a hang restarts us. */
    struct ld_watchdog wd;
    char wd_msg[160];
    if (ld_watchdog_init(&wd, wd_msg, sizeof wd_msg) != LD_OK)
        fprintf(stderr, "latedoor-kiosk: %s\n", wd_msg);
    kiosk_app_render(app, true, true);
    if (ld_watchdog_ready(&wd, "showing the kiosk", mono_now(app)) != LD_OK)
        fprintf(stderr, "latedoor-kiosk: cannot notify systemd (NOTIFY_SOCKET)\n");
    while (!app->quit) {
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, kiosk_app_wait_ms(app))) {
            do {
                kiosk_app_handle(app, &ev);
                kiosk_events_release(&ev);
            } while (!app->quit && SDL_PollEvent(&ev));
        }
        kiosk_app_tick(app);
        kiosk_app_render(app, false, true);
        (void)ld_watchdog_kick(&wd, mono_now(app)); /* a failed ping is retried next turn */
    }
    (void)ld_watchdog_stopping(&wd);
}

const char *kiosk_app_screen(struct kiosk_app *app, const char **view)
{
    const struct kiosk_screen *s = screens[app->screen];
    if (view)
        *view = s->view ? s->view(app) : "";
    return s->name;
}

static void ensure_layout(struct kiosk_app *app)
{
    if (app->relayout)
        layout(app);
}

bool kiosk_app_photo_shown(const struct kiosk_app *app)
{
    return app->screen == KIOSK_SCR_TOUCH && app->pick.step == KIOSK_STEP_CONFIRM &&
           app->pick.photo != NULL;
}

bool kiosk_app_has_button(struct kiosk_app *app, const char *label)
{
    ensure_layout(app);
    return kiosk_buttons_find(&app->buttons, label) != NULL;
}

void kiosk_app_touch_at(struct kiosk_app *app, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = x;
    ev.button.y = y;
    kiosk_app_handle(app, &ev);
    ev.type = SDL_MOUSEBUTTONUP;
    kiosk_app_handle(app, &ev);
}

bool kiosk_app_touch(struct kiosk_app *app, const char *label)
{
    ensure_layout(app);
    const struct kiosk_button *b = kiosk_buttons_find(&app->buttons, label);
    if (!b)
        return false;
    SDL_Rect r = b->r;
    kiosk_app_touch_at(app, r.x + r.w / 2, r.y + r.h / 2);
    return true;
}

bool kiosk_app_button_rect(struct kiosk_app *app, const char *label, SDL_Rect *r)
{
    ensure_layout(app);
    const struct kiosk_button *b = kiosk_buttons_find(&app->buttons, label);
    if (b)
        *r = b->r;
    return b != NULL;
}

bool kiosk_app_button_at(struct kiosk_app *app, size_t i, SDL_Rect *r, const char **label)
{
    ensure_layout(app);
    if (i >= app->buttons.n)
        return false;
    *r = app->buttons.items[i].r;
    *label = app->buttons.items[i].label;
    return true;
}

int kiosk_app_smallest_target(struct kiosk_app *app, const char **label)
{
    ensure_layout(app);
    int best = INT_MAX;
    *label = "";
    for (size_t i = 0; i < app->buttons.n; i++) {
        const struct kiosk_button *b = &app->buttons.items[i];
        int side = b->r.w < b->r.h ? b->r.w : b->r.h;
        if (b->style != KIOSK_BTN_HIDDEN && side < best) {
            best = side;
            *label = b->label;
        }
    }
    return best;
}

uint64_t kiosk_app_guard_ms(const struct kiosk_app *app)
{
    return app->guard_until > app->now ? app->guard_until - app->now : 0;
}

unsigned kiosk_app_timeout_warning(const struct kiosk_app *app)
{
    uint64_t left = kiosk_app_input_left(app);
    return left <= KIOSK_WARN_MS ? (unsigned)((left + 999) / 1000) : 0;
}

const char *kiosk_app_status_error(const struct kiosk_app *app)
{
    return app->status_error;
}

size_t kiosk_app_queued(const struct kiosk_app *app)
{
    return app->queue.n;
}

bool kiosk_app_pin_checking(const struct kiosk_app *app)
{
    return app->pin_job != NULL;
}

void kiosk_app_pin_settle(struct kiosk_app *app)
{
    app->now = mono_now(app);
    kiosk_app_pin_collect(app, true);
}

bool kiosk_app_staff_unlocked(const struct kiosk_app *app)
{
    return app->staff.unlocked;
}

const struct kiosk_greeting *kiosk_app_greeting(const struct kiosk_app *app)
{
    return &app->greeting;
}
