/* app_priv.h: the app's state, shared by kiosk_app.c, chrome.c and the screen_*.c files only. */
#ifndef KIOSK_APP_PRIV_H
#define KIOSK_APP_PRIV_H

#include "kiosk_app.h"
#include "lang.h"
#include "pin_check.h"
#include "pinlock.h"
#include "screen.h"
#include "widgets.h"

/* How long each screen waits for a touch before it goes back (milliseconds). */
#define KIOSK_GREET_MS        4000  /* a greeting, then idle */
#define KIOSK_GREET_REASON_MS 3000  /* a late greeting, then the reason screen */
#define KIOSK_THANKS_MS       3000  /* "thank you" after a reason */
#define KIOSK_UNKNOWN_MS      10000 /* an unknown card: time to find one's name */
#define KIOSK_TOUCH_MS        30000 /* the touch sign-in and the PIN pad, untouched */
#define KIOSK_ERROR_MS        30000 /* the error screen */
#define KIOSK_STATUS_MS       10000 /* the status is read again this often */
/* Touches are ignored this long after a screen changed by itself (a card, a timeout, a PIN's
 * result): a finger already on its way meant the screen before. */
#define KIOSK_GUARD_MS 700
/* A screen that gives up when left alone says so this long before it does. */
#define KIOSK_WARN_MS 10000
/* The lists that name families and vulnerable children lock themselves sooner. */
#define KIOSK_LIST_LOCK_MS 15000
/* The language chooser closes itself when left this long. */
#define KIOSK_LANG_MENU_MS 10000
/* Arrivals that wait while a child before them gives a reason (a family at the door). */
#define KIOSK_QUEUE_MAX 8

/* Button ids every screen may use; a screen's own ids stay below KIOSK_ID_COMMON. */
enum {
    KIOSK_ID_COMMON = 10000,
    KIOSK_ID_BACK,
    KIOSK_ID_PREV,
    KIOSK_ID_NEXT,
    KIOSK_ID_ANYWHERE,
    KIOSK_ID_LANG,       /* the language button on the family-facing screens */
    KIOSK_ID_LANG_CLOSE, /* a touch beside the chooser's buttons */
    KIOSK_ID_LANG_PICK,  /* + i: language i of the chooser (0 English) */
};

enum kiosk_screen_id {
    KIOSK_SCR_IDLE,
    KIOSK_SCR_GREET,
    KIOSK_SCR_REASON,
    KIOSK_SCR_TOUCH,
    KIOSK_SCR_UNKNOWN,
    KIOSK_SCR_PIN,
    KIOSK_SCR_STAFF,
    KIOSK_SCR_GATE,
    KIOSK_SCR_ERROR,
    KIOSK_SCR__COUNT
};

/* Whom the pupil picker and the reason screen are working for. */
enum kiosk_purpose {
    KIOSK_FOR_PUPIL,    /* a child signing in at the door */
    KIOSK_FOR_PARENT,   /* staff signing a child in on a parent's behalf */
    KIOSK_FOR_SIGN_OUT, /* staff signing a child out for an appointment */
    KIOSK_FOR_ENROL,    /* staff giving an unknown card to a child */
};

enum kiosk_touch_step {
    KIOSK_STEP_CLASSES,
    KIOSK_STEP_NAMES,
    KIOSK_STEP_CONFIRM,
    KIOSK_STEP_KEYPAD, /* the search's letters, a child's 14 mm keys */
    KIOSK_STEP_FOUND,  /* the names that start with the letters typed */
};

enum kiosk_staff_view {
    KIOSK_VIEW_HOME,
    KIOSK_VIEW_LATE,
    KIOSK_VIEW_SPEAK,
    KIOSK_VIEW_AWAY,
    KIOSK_VIEW_VOID,
    KIOSK_VIEW_VOID_CONFIRM,
    KIOSK_VIEW_ENROL,
    KIOSK_VIEW_STATUS,
    KIOSK_VIEW_TOUCHED, /* today's touch sign-ins, for staff to check (void a wrong one) */
};

#define KIOSK_QUERY_MAX 24

struct kiosk_app {
    struct kiosk_backend be;
    struct kiosk_ui *ui;
    struct kiosk_sound *sound;
    kiosk_mono_fn mono;
    void *mono_ctx;
    uint64_t now; /* the monotonic time this turn of the loop started */
    const char *const *demo_cards;
    bool (*demo_tap)(void *ctx, const char *uid);
    void *demo_ctx;

    struct kiosk_settings settings;
    unsigned settings_gen; /* the kiosk_status.settings_gen settings was read at */
    struct kiosk_status status;
    uint64_t status_at;
    /* The last status read failed: what it says is unknown, not the old values. */
    char status_error[KIOSK_DETAIL_MAX]; /* "" when the last read worked */
    /* The last write (a tap, a sign-in, a reason) failed: until one works, the idle screen
     * sends children to the office rather than inviting a tap that may not be kept. */
    bool write_failed;
    struct kiosk_clock clock;
    char punctual[KIOSK_CLASS_MAX]; /* "" for none */

    enum kiosk_screen_id screen;
    uint64_t entered, last_input;
    uint64_t guard_until; /* touches before this are ignored (KIOSK_GUARD_MS) */
    unsigned guard_ms;
    unsigned greet_ms;   /* KIOSK_GREET_MS unless the config says otherwise */
    bool touching;       /* a touch is being handled: the screen it opens is the user's */
    unsigned warn_shown; /* the timeout warning's seconds last drawn, 0 for none */
    bool dirty, relayout;
    struct kiosk_buttons buttons;
    int pressed; /* the button under a finger, -1 for none */
    bool quit;

    struct kiosk_greeting greeting;
    bool thanks; /* the greeting is the "thank you" after a reason */

    struct {
        enum kiosk_purpose purpose;
        enum kiosk_touch_step step;
        size_t page, per_page;
        struct kiosk_class_list classes;
        char class_name[KIOSK_CLASS_MAX];
        struct kiosk_pupil_list pupils;
        struct kiosk_pupil chosen;
        char query[KIOSK_QUERY_MAX];
        struct kiosk_pupil_list found;
        /* The chosen child's photo on "Is this you?" (photo.h); NULL for none. Dropped when
         * the confirmation goes: children's data is held no longer than shown. */
        SDL_Texture *photo;
        int photo_w, photo_h;
        /* Photo failures already logged (each once): hashes of the last few messages. */
        char photo_logged[8][KIOSK_UPN_MAX];
        size_t photo_next;
    } pick;

    struct {
        enum kiosk_purpose purpose;
        char ref[KIOSK_REF_MAX]; /* KIOSK_FOR_PUPIL: the arrival the reason is for */
        char upn[KIOSK_UPN_MAX]; /* the staff purposes: the pupil */
        char name[KIOSK_NAME_MAX];
        bool pending;                  /* a late arrival still owes its reason */
        unsigned shown;                /* the countdown's seconds last drawn */
        char family[KIOSK_FAMILY_MAX]; /* KIOSK_FOR_PUPIL: the child's family, "" for none */
        char same[KIOSK_REASON_MAX];   /* a sibling's reason, offered first; "" for none */
    } reason;

    /* Children who tapped while another gave a reason: greeted in turn, nothing lost. */
    struct {
        struct kiosk_greeting items[KIOSK_QUEUE_MAX];
        size_t n;
    } queue;

    /* The reason the last child gave, offered to a brother or sister who follows. */
    struct {
        char family[KIOSK_FAMILY_MAX];
        char reason[KIOSK_REASON_MAX];
    } sibling;

    struct {
        bool unlocked;
        enum kiosk_staff_view view;
        size_t page, per_page;
        char notice[KIOSK_DETAIL_MAX];
        struct kiosk_arrival_list arrivals;
        size_t touched; /* today's touch sign-ins (the home tile's count) */
        struct kiosk_speak_list speak;
        struct kiosk_away_list away;
        struct kiosk_unknown_list unknown;
        struct kiosk_absent_list absent;
        struct kiosk_arrival voiding;
        size_t revealed; /* the row of a sensitive list shown in full; SIZE_MAX for none */
        char enrol_uid[KIOSK_UID_MAX];
    } staff;

    /* The family's language (lang.h): the school's home languages, read at start. It lasts
     * for one family: the idle screen goes back to English. */
    struct {
        struct kiosk_lang *all[KIOSK_LANGUAGES_MAX];
        size_t n;
        size_t current;                 /* 0 English, else all[current - 1] */
        bool menu;                      /* the chooser is open */
        char problem[KIOSK_DETAIL_MAX]; /* the last catalogue left out, "" for none */
    } lang;

    struct kiosk_pinlock pinlock;
    /* A touch sign-in after the register closed, waiting for a staff card or PIN to confirm
     * it; "" upn for none. */
    struct kiosk_pupil witness;

    /* Who is typing the PIN: asked first, so one staff member's hash is checked. */
    struct {
        struct kiosk_staff_list staff;
        bool chosen;
        struct kiosk_staff_member who;
    } pinwho;
    char pin[KIOSK_PIN_MAX + 1];
    char pin_msg[96];
    struct kiosk_pin_job *pin_job; /* the PIN being checked on the worker; NULL for none */
    bool pin_locked_shown;         /* the last frame showed the lock's countdown */

    /* The error on show, and the last one for the idle screen and staff status. */
    char error_title[96];
    char error_detail[KIOSK_DETAIL_MAX];
    char last_error_time[KIOSK_TIME_MAX];
    char last_error[KIOSK_DETAIL_MAX];
};

/* Shows screen id: its enter runs, and it is laid out and drawn afresh. */
void kiosk_app_go(struct kiosk_app *app, enum kiosk_screen_id id);

/* Asks for a new frame; with relayout, for the buttons to be laid out again first. */
void kiosk_app_redraw(struct kiosk_app *app, bool relayout);

/*
 * Returns milliseconds until the current screen gives up for want of a touch (the touch
 * sign-in, the PIN pad, staff mode's lock), UINT64_MAX when it never does.
 */
uint64_t kiosk_app_input_left(const struct kiosk_app *app);

/*
 * Writes the name of row i of a sensitive list (speak-to, not arrived) as it may show: in
 * full when staff touched that row, else its initials. Returns out.
 */
const char *kiosk_app_private_name(const struct kiosk_app *app, size_t i, const char *name,
                                   char *out, size_t outlen);

/* Shows row i of a sensitive list in full, or hides it again when it was the one shown. */
void kiosk_app_reveal(struct kiosk_app *app, size_t i);

/* Returns true on the screens that show a sensitive list (speak-to, not arrived). */
bool kiosk_app_private_list(const struct kiosk_app *app);

/* Returns milliseconds since the current screen came up. */
uint64_t kiosk_app_elapsed(const struct kiosk_app *app);

/* Notes how a write at the door (a tap, a sign-in, a reason) went: err LD_OK clears the
 * failed-write state, any other error but a refused input (LD_ERR_INVALID) sets it. Returns
 * err. */
ld_err kiosk_app_wrote(struct kiosk_app *app, ld_err err);

/* Returns true when arrivals may not be kept here now (a failed write, the store file lost):
 * the idle screen then says to sign in at the office. */
bool kiosk_app_door_closed(const struct kiosk_app *app);

/* Shows the error screen for a failed backend call: title for everyone, the backend's detail
 * for staff. Plays the error sound and remembers it for the idle screen and staff status. */
void kiosk_app_fail(struct kiosk_app *app, const char *title);

/* Shows what a tap or a sign-in turned out to be: greeting, unknown card or staff mode. */
void kiosk_app_show_greeting(struct kiosk_app *app, const struct kiosk_greeting *g);

/* Records "no reason given" for a late arrival that still owes its reason, if any, and for
 * every queued one. */
void kiosk_app_settle_reason(struct kiosk_app *app);

/* Ends one child's turn: shows the next queued greeting, or the idle screen. */
void kiosk_app_next(struct kiosk_app *app);

/* Remembers the reason a child gave for a sibling who follows ("" family: nobody). */
void kiosk_app_sibling_reason(struct kiosk_app *app, const char *family, const char *reason);

/*
 * Collects the PIN check's result once the worker has it (screen_pin.c), or at once with wait:
 * a right PIN opens staff mode and a wrong one counts towards the lock, unless the check went
 * stale (the PIN pad was left meanwhile): then a wrong one still counts, a right one opens
 * nothing. Does nothing when no check is in flight.
 */
void kiosk_app_pin_collect(struct kiosk_app *app, bool wait);

/* Opens staff mode on its home view. */
void kiosk_app_staff_open(struct kiosk_app *app);

/* Locks staff mode and returns to the idle screen. */
void kiosk_app_staff_lock(struct kiosk_app *app);

/* Opens the pupil picker for purpose (the touch screen's class list). */
void kiosk_app_pick(struct kiosk_app *app, enum kiosk_purpose purpose);

/* Frees the chosen child's photo, if any (screen_touch.c). */
void kiosk_touch_photo_drop(struct kiosk_app *app);

/* Adds a button to the current screen's layout; see kiosk_buttons_add. */
struct kiosk_button *kiosk_app_button(struct kiosk_app *app, SDL_Rect r, int id,
                                      enum kiosk_button_style style, enum kiosk_icon icon,
                                      const char *label);

/* ---- app_lang.c: the family's language ----------------------------------------------------- */

/* Reads the catalogue of each language of the settings from assets_dir/lang/; one that cannot
 * be read is left out (standard error and kiosk_app_lang_problem say why). */
void kiosk_app_lang_load(struct kiosk_app *app, const char *assets_dir);

/* Frees the catalogues. */
void kiosk_app_lang_free(struct kiosk_app *app);

/* Returns true on a screen a pupil or a family reads (idle, greeting, unknown card, the
 * pupil's touch sign-in and reason); staff screens stay in English. */
bool kiosk_app_family(const struct kiosk_app *app);

/* Returns s in the family's language on a family screen, else in English. */
const char *kiosk_app_say(const struct kiosk_app *app, enum kiosk_str s);

/* Formats s as kiosk_app_say chooses it, with its arguments, as snprintf would. */
void kiosk_app_sayf(const struct kiosk_app *app, enum kiosk_str s, char *out, size_t outlen, ...);

/* Returns the school's reason label as the family reads it (the catalogue's, or the label). */
const char *kiosk_app_reason_label(const struct kiosk_app *app, const char *label);

/* Adds the language button (or, while it is open, the chooser instead of the screen's
 * buttons) after the screen's own layout; nothing when the school offers English only. */
void kiosk_app_lang_layout(struct kiosk_app *app);

/* Returns where the language button lies, w 0 when there is none. */
SDL_Rect kiosk_app_lang_rect(const struct kiosk_app *app);

/* Draws the chooser's veil and title over the screen when it is open. */
void kiosk_app_lang_draw(struct kiosk_app *app);

/* Handles a touch of the language button or the chooser; false for any other id. */
bool kiosk_app_lang_press(struct kiosk_app *app, int id);

/* Closes the chooser when left alone; returns true while it is open (the screen's timers
 * wait: a parent reading the languages is not hurried on). */
bool kiosk_app_lang_tick(struct kiosk_app *app);

/* Back to English, the chooser closed: the door fell quiet. */
void kiosk_app_lang_reset(struct kiosk_app *app);

/* ---- chrome.c: what many screens share ---------------------------------------------------- */

/* The regions of a screen with a header and a footer of buttons. */
struct kiosk_frame {
    SDL_Rect header, body, footer;
    int margin, gap, button_h;
};

/* Computes the regions for the output. */
void kiosk_chrome_frame(const struct kiosk_app *app, struct kiosk_frame *f);

/* Fills the background and draws the header: title on the left, the time on the right; in
 * the last KIOSK_WARN_MS before the screen gives up, an amber header that says so instead. */
void kiosk_chrome_header(struct kiosk_app *app, const struct kiosk_frame *f, const char *title);

/* Lays out the footer: a Back button on the left and, when pages > 1, Previous and Next on
 * the right; returns the free part of the footer in between. */
SDL_Rect kiosk_chrome_footer(struct kiosk_app *app, const struct kiosk_frame *f,
                             const char *back_label, size_t page, size_t pages);

/* Draws "Page 2 of 3" centred in r when pages > 1. */
void kiosk_chrome_page_label(struct kiosk_app *app, SDL_Rect r, size_t page, size_t pages);

/* Draws the buttons of the current layout. */
void kiosk_app_draw_buttons(struct kiosk_app *app);

/* Writes "HH:MM" of the backend's clock. */
void kiosk_chrome_time(const struct kiosk_app *app, char out[KIOSK_TIME_MAX]);

/* Writes the backend's date as "Tuesday 14 January 2025", in the family's language. */
void kiosk_chrome_date(const struct kiosk_app *app, char *out, size_t outlen);

/* Draws the status line (reader, sync, clock, last error) in r, left to right. */
void kiosk_chrome_status(struct kiosk_app *app, SDL_Rect r);

/* Writes who waits their turn ("Next: Theo A." or "Next: Theo A. and 2 more") into out;
 * false when nobody waits. */
bool kiosk_chrome_queue_note(const struct kiosk_app *app, char *out, size_t outlen);

/* Returns the colour, icon and words of an outcome for the public screen. */
SDL_Color kiosk_outcome_colour(enum ld_outcome o);
enum kiosk_icon kiosk_outcome_icon(enum ld_outcome o);
const char *
kiosk_outcome_words(enum ld_outcome o); /* "On time", "Late", "After the register closed" */

/* Moves a page index by delta within pages. */
size_t kiosk_page_step(size_t page, int delta, size_t pages);

#endif
