/* sound.h: a distinct short tune for each outcome, generated, played through SDL audio. */
#ifndef KIOSK_SOUND_H
#define KIOSK_SOUND_H

#include <stddef.h>
#include <stdint.h>

enum kiosk_cue {
    KIOSK_CUE_ON_TIME, /* two rising notes, bright */
    KIOSK_CUE_LATE,    /* two level notes: noticed, not alarming */
    KIOSK_CUE_CLOSED,  /* three falling notes: go to the office */
    KIOSK_CUE_UNKNOWN, /* a low note and a higher one: a question */
    KIOSK_CUE_ERROR,   /* a low double buzz */
    KIOSK_CUE_KEY,     /* a soft click for a touch */
    KIOSK_CUE__COUNT
};

/* The sample rate tunes are made at (mono, signed 16-bit). */
#define KIOSK_SOUND_RATE 22050

/*
 * The audio device. A kiosk without one (no card, no driver, headless tests) works silently:
 * kiosk_sound_open then returns a handle that plays nothing.
 */
struct kiosk_sound;

/* Opens the default audio device; never fails for want of one. NULL only when out of memory. */
struct kiosk_sound *kiosk_sound_open(void);

/* Returns a handle that plays nothing (tests). NULL only when out of memory. */
struct kiosk_sound *kiosk_sound_silent(void);

/* Closes the device; accepts NULL. */
void kiosk_sound_close(struct kiosk_sound *s);

/* Queues cue to play now, cutting short whatever was playing; no-op when silent or NULL. */
void kiosk_sound_play(struct kiosk_sound *s, enum kiosk_cue cue);

/*
 * Writes cue's samples at KIOSK_SOUND_RATE into out (max samples at most) and returns how many
 * it wrote. Pure: the tests compare tunes with it.
 */
size_t kiosk_sound_render(enum kiosk_cue cue, int16_t *out, size_t max);

#endif
