/* lang.h: the family-facing screens' words in the school's home languages (assets/lang/). */
#ifndef KIOSK_LANG_H
#define KIOSK_LANG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "ld_err.h"

/*
 * Every string a pupil or a family reads at the door has a number here and its English text in
 * lang.c. A language is a catalogue file, assets/lang/CODE.txt, read strictly at start:
 *
 *   # comments start a line with '#'
 *   language = pl
 *   name = Polski                  ; the language's own name, on the language button
 *   status = draft                 ; draft (no native speaker has checked it) or reviewed
 *   "Tap your card or touch here" = "Przyłóż kartę lub dotknij tutaj"
 *   reason "Overslept" = "Zaspaliśmy"   ; a school's reason label, when it is this one
 *
 * An English text that is no kiosk string, a string given twice, a translation whose
 * placeholders (%s, %u) differ from the English one's, bad UTF-8 or control characters, a
 * missing header: the whole file is refused with file:line and the kiosk keeps English. A
 * string the file lacks shows in English. Why not gettext: glibc switches only to a locale
 * generated on the system, and a Pi has en_GB alone.
 *
 * Names of pupils and classes, the school's name and the calendar's words are never
 * translated; staff screens stay in English.
 */
enum kiosk_str {
    KS_TAP_CARD,     /* "Tap your card or touch here" */
    KS_OFFICE_TODAY, /* "Please sign in at the office today" */
    KS_PUNCTUAL,     /* "Most punctual class this week: %s" */
    KS_DATE,         /* "%s %u %s %u": weekday, day, month, year */
    KS_MONDAY,       /* .. KS_SUNDAY in order */
    KS_TUESDAY,
    KS_WEDNESDAY,
    KS_THURSDAY,
    KS_FRIDAY,
    KS_SATURDAY,
    KS_SUNDAY,
    KS_JANUARY, /* .. KS_DECEMBER in order; as written in a date ("14 January") */
    KS_FEBRUARY,
    KS_MARCH,
    KS_APRIL,
    KS_MAY,
    KS_JUNE,
    KS_JULY,
    KS_AUGUST,
    KS_SEPTEMBER,
    KS_OCTOBER,
    KS_NOVEMBER,
    KS_DECEMBER,
    KS_HELLO,           /* "Hello!" */
    KS_SIGNED_IN_AT,    /* "Signed in at %s" */
    KS_MORNING,         /* "Good morning! You're signed in." */
    KS_AFTERNOON,       /* "Good afternoon! You're signed in." */
    KS_GREAT_DAY,       /* "Have a great day." */
    KS_GO_CLASS,        /* "Please go to your class." */
    KS_GO_OFFICE,       /* "Please go to the office." */
    KS_GO_OFFICE_NOW,   /* "Please go to the office now." */
    KS_NEXT_WHY_CLASS,  /* "Next, a grown-up can tell us why. Then off to class." */
    KS_NEXT_WHY_OFFICE, /* "... Then please go to the office." */
    KS_THANK_YOU,       /* "Thank you." */
    KS_ALREADY,         /* "You have already signed in today." */
    KS_ARRIVED_AT,      /* "You arrived at %s. No need to tap again." */
    KS_SCHOOL_FINISHED, /* "School has finished for today." */
    KS_ASK_OFFICE,      /* "No need to sign in now. A grown-up can ask at the office." */
    KS_NO_SCHOOL,       /* "There's no school today." */
    KS_NO_NEED,         /* "No need to sign in (%s)." with the calendar's word */
    KS_CARRY_ON,        /* "Touch the screen to carry on" */
    KS_ANOTHER_CHILD,   /* "Sign in another child" */
    KS_NEXT_ONE,        /* "Next: %s" */
    KS_NEXT_MORE,       /* "Next: %s and %u more" */
    KS_A_NEW_CARD,      /* "a new card" (who waits, when it is an unknown card) */
    KS_UNKNOWN_CARD,    /* "We don't know this card yet." */
    KS_UNKNOWN_FIND,    /* "Find your name to sign in. The office will add your card." */
    KS_CARD_KEPT,       /* "Card ending %s was kept for the office." */
    KS_CARRY_ON_ELSE,   /* "Touch elsewhere to carry on" */
    KS_FIND_MY_NAME,    /* "Find my name instead" */
    KS_WHY_LATE,        /* "Grown-ups: why is %s late today?" */
    KS_SAME_REASON,     /* "Grown-ups: same reason for %s too?" */
    KS_YES_REASON,      /* "Yes: %s" */
    KS_ANOTHER_REASON,  /* "No, another reason" */
    KS_SKIP,            /* "Skip" */
    KS_NO_REASON_IN,    /* "No reason given in %u s" */
    KS_BACK_TO_START,   /* "Back to the start in %u s" */
    KS_BACK,            /* "Back" */
    KS_MORE,            /* "More" */
    KS_BEFORE,          /* "Before" */
    KS_PAGE_OF,         /* "Page %u of %u" */
    KS_TOUCH_CLASS,     /* "Find your name. Touch your class" */
    KS_TOUCH_NAME,      /* "Class %s: touch your name" */
    KS_IS_THIS_YOU,     /* "Is this you?" */
    KS_TYPE_NAME,       /* "Touch the first letter of your name" */
    KS_NEXT_LETTER,     /* "Touch the next letter" */
    KS_NAMES_STARTING,  /* "Names starting %s: touch yours" */
    KS_LETTERS,         /* "Letters" (back from the names found to the letters) */
    KS_SEARCH,          /* "Search by name" */
    KS_YES_SIGN_IN,     /* "Yes, sign me in" */
    KS_NO_GO_BACK,      /* "No, go back" */
    KS_CLASSES,         /* "Classes" */
    KS_DELETE,          /* "Delete" */
    KS_CLASS_OF,        /* "Class %s" */
    KS_NO_NAMES,        /* "No names start like that. Touch Letters to try again." */
    KS_NO_PUPILS,       /* "There are no pupils on this kiosk yet. Please sign in at ..." */
    KS_CHOOSE_LANGUAGE, /* "Choose a language" */
    KS__COUNT
};

/* Languages a school may offer besides English, and the bytes of a code and a name. */
#define KIOSK_LANGS_MAX     6
#define KIOSK_LANG_CODE_MAX 8  /* "pl", with the terminator */
#define KIOSK_LANG_NAME_MAX 32 /* "Polski", with the terminator */
/* Caps on a catalogue: its bytes, one line's, and the school reasons it may name. */
#define KIOSK_LANG_FILE_MAX    65536
#define KIOSK_LANG_LINE_MAX    512
#define KIOSK_LANG_REASONS_MAX 64

/* One loaded catalogue; opaque. */
struct kiosk_lang;

/* Returns the English text of s (its own text for an out-of-range s: ""). */
const char *kiosk_str_english(enum kiosk_str s);

/*
 * Parses the len bytes of text as a catalogue called name (for messages). On success *out is
 * the caller's, to free with kiosk_lang_free. On failure writes "name:line: problem" to msg,
 * leaves *out NULL and returns LD_ERR_INVALID (the content), LD_ERR_RANGE (too long) or
 * LD_ERR_NOMEM.
 */
ld_err kiosk_lang_parse(const char *text, size_t len, const char *name, struct kiosk_lang **out,
                        char *msg, size_t msglen) LD_MUST_CHECK;

/*
 * Reads assets_dir/lang/CODE.txt and parses it, checking that its `language` is code. Errors as
 * kiosk_lang_parse, and LD_ERR_NOT_FOUND or LD_ERR_IO for the file; msg names the file.
 */
ld_err kiosk_lang_load(const char *assets_dir, const char *code, struct kiosk_lang **out, char *msg,
                       size_t msglen) LD_MUST_CHECK;

/* Frees a catalogue; accepts NULL. */
void kiosk_lang_free(struct kiosk_lang *l);

/* The catalogue's code ("pl"), own name ("Polski"), and whether it is still a draft. */
const char *kiosk_lang_code(const struct kiosk_lang *l);
const char *kiosk_lang_name(const struct kiosk_lang *l);
bool kiosk_lang_draft(const struct kiosk_lang *l);

/* Returns true when the catalogue translates s. */
bool kiosk_lang_has(const struct kiosk_lang *l, enum kiosk_str s);

/* Returns s in l, or in English when l is NULL or lacks it. */
const char *kiosk_lang_get(const struct kiosk_lang *l, enum kiosk_str s);

/* Returns the school's reason label in l (matched without regard to ASCII case), or the label
 * itself when l is NULL or does not know it. */
const char *kiosk_lang_reason(const struct kiosk_lang *l, const char *label);

/*
 * Formats s (in l) with its arguments, as snprintf would; the catalogue's placeholders were
 * checked against the English ones when it was read, so the arguments always match.
 */
void kiosk_lang_format(const struct kiosk_lang *l, enum kiosk_str s, char *out, size_t outlen, ...);

/* As kiosk_lang_format, with the arguments in ap. */
void kiosk_lang_vformat(const struct kiosk_lang *l, enum kiosk_str s, char *out, size_t outlen,
                        va_list ap);

#endif
