/* avatar.h: a drawn face for the photo tests: made here, never a real child's photo. */
#ifndef KIOSK_TEST_AVATAR_H
#define KIOSK_TEST_AVATAR_H

#include <stdbool.h>

#include "SDL.h"

/* Returns a new w x h surface with a cartoon face (a disc, two eyes, a smile) on a coloured
 * ground; the caller frees it. Fails the test when SDL cannot make it. */
SDL_Surface *avatar_draw(int w, int h);

/* Writes avatar_draw(w, h) to path: a JPEG when jpeg, else a PNG. Fails the test on error. */
void avatar_write(const char *path, int w, int h, bool jpeg);

#endif
