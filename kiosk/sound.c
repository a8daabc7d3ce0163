/* sound.c: tunes from sine notes with soft edges, queued to SDL audio; silent without a device. */
#include "sound.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "SDL.h"

struct note {
    float hz;     /* 0 for a rest */
    int ms;       /* length */
    float volume; /* 0..1 */
    bool buzz;    /* odd harmonics: a harsher timbre for errors */
};

/* Each tune ends with a zero-length note. Different in pitch, direction and rhythm. */
static const struct note tunes[KIOSK_CUE__COUNT][5] = {
    [KIOSK_CUE_ON_TIME] = {{523.3f, 110, 0.6f, false}, {784.0f, 240, 0.6f, false}, {0, 0, 0, 0}},
    [KIOSK_CUE_LATE] = {{440.0f, 170, 0.55f, false},
                        {0, 60, 0, false},
                        {440.0f, 220, 0.55f, false},
                        {0, 0, 0, 0}},
    [KIOSK_CUE_CLOSED] = {{784.0f, 150, 0.6f, false},
                          {659.3f, 150, 0.6f, false},
                          {523.3f, 320, 0.6f, false},
                          {0, 0, 0, 0}},
    [KIOSK_CUE_UNKNOWN] = {{261.6f, 170, 0.6f, false}, {440.0f, 280, 0.6f, false}, {0, 0, 0, 0}},
    [KIOSK_CUE_ERROR] = {{150.0f, 180, 0.45f, true},
                         {0, 80, 0, false},
                         {150.0f, 180, 0.45f, true},
                         {0, 0, 0, 0}},
    [KIOSK_CUE_KEY] = {{1200.0f, 25, 0.2f, false}, {0, 0, 0, 0}},
};

struct kiosk_sound {
    SDL_AudioDeviceID dev; /* 0 when silent */
    int16_t buf[KIOSK_SOUND_RATE * 2];
};

size_t kiosk_sound_render(enum kiosk_cue cue, int16_t *out, size_t max)
{
    const double pi = 3.14159265358979323846;
    size_t n = 0;
    if ((int)cue < 0 || cue >= KIOSK_CUE__COUNT)
        return 0;
    for (const struct note *nt = tunes[cue]; nt->ms > 0; nt++) {
        size_t len = (size_t)nt->ms * KIOSK_SOUND_RATE / 1000;
        /* 5 ms in, 40% of the note out: no clicks, and a bell-like fall. */
        double attack = 0.005 * KIOSK_SOUND_RATE, release = 0.4 * (double)len;
        for (size_t i = 0; i < len && n < max; i++, n++) {
            double env = 1.0;
            if (i < attack)
                env = (double)i / attack;
            if ((double)(len - i) < release)
                env *= (double)(len - i) / release;
            double t = (double)i / KIOSK_SOUND_RATE, v = 0;
            if (nt->hz > 0) {
                double ph = 2 * pi * nt->hz * t;
                v = nt->buzz ? sin(ph) + sin(3 * ph) / 3 + sin(5 * ph) / 5
                             : sin(ph) + 0.25 * sin(2 * ph);
            }
            out[n] = (int16_t)lrint(v * env * nt->volume * 0.5 * 32767.0 / 1.3);
        }
    }
    return n;
}

struct kiosk_sound *kiosk_sound_silent(void)
{
    return calloc(1, sizeof(struct kiosk_sound));
}

struct kiosk_sound *kiosk_sound_open(void)
{
    struct kiosk_sound *s = kiosk_sound_silent();
    if (!s)
        return NULL;
    /* Any failure from here on leaves a silent kiosk, which is still a working kiosk. */
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        SDL_Log("latedoor-kiosk: no audio (%s); the kiosk works silently", SDL_GetError());
        return s;
    }
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = KIOSK_SOUND_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (s->dev == 0) {
        SDL_Log("latedoor-kiosk: no audio device (%s); the kiosk works silently", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return s;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return s;
}

void kiosk_sound_close(struct kiosk_sound *s)
{
    if (!s)
        return;
    if (s->dev) {
        SDL_CloseAudioDevice(s->dev);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    free(s);
}

void kiosk_sound_play(struct kiosk_sound *s, enum kiosk_cue cue)
{
    if (!s || !s->dev)
        return;
    size_t n = kiosk_sound_render(cue, s->buf, sizeof s->buf / sizeof s->buf[0]);
    /* A new tap's sound replaces the last one rather than queueing behind it. */
    SDL_ClearQueuedAudio(s->dev);
    if (SDL_QueueAudio(s->dev, s->buf, (Uint32)(n * sizeof s->buf[0])) != 0)
        SDL_Log("latedoor-kiosk: cannot queue a sound: %s", SDL_GetError());
}
