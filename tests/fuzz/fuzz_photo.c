/* fuzz_photo.c: libFuzzer target for the pupils' photos: the header reader and the decoder. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "photo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum kiosk_photo_kind kind;
    int w = 0, h = 0;
    bool sized = kiosk_photo_header(data, size, &kind, &w, &h) == LD_OK;
    if (sized && (w <= 0 || h <= 0))
        abort();
    SDL_Surface *s = NULL;
    char msg[256] = "";
    ld_err err = kiosk_photo_decode(data, size, &s, msg, sizeof msg);
    if (err == LD_OK) {
        /* A photo decoded is within the limits and the size its header said. */
        if (!s || !sized || s->w != w || s->h != h || w > KIOSK_PHOTO_MAX_SIDE ||
            h > KIOSK_PHOTO_MAX_SIDE)
            abort();
        SDL_FreeSurface(s);
    } else if (s || !msg[0]) {
        abort();
    }
    return 0;
}
