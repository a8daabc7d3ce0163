/* avatar.c: a cartoon face drawn pixel by pixel, saved with SDL_image: the photo fixtures. */
#include "avatar.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "SDL_image.h"

/* Returns true when (x, y) lies in the ellipse centred on (cx, cy) with radii rx, ry. */
static bool in_ellipse(int x, int y, int cx, int cy, int rx, int ry)
{
    long dx = x - cx, dy = y - cy;
    return rx > 0 && ry > 0 && dx * dx * ry * ry + dy * dy * rx * rx <= (long)rx * rx * ry * ry;
}

SDL_Surface *avatar_draw(int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    assert_non_null(s);
    int r = (w < h ? w : h) * 2 / 5, cx = w / 2, cy = h / 2;
    for (int y = 0; y < h; y++) {
        Uint8 *row = (Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch;
        for (int x = 0; x < w; x++) {
            /* A ground of blue shading to teal, a yellow face, dark eyes and a smile. */
            Uint8 c[3] = {40, (Uint8)(90 + 100 * y / h), 160};
            if (in_ellipse(x, y, cx, cy, r, r)) {
                c[0] = 250, c[1] = 200, c[2] = 60;
                bool eye = in_ellipse(x, y, cx - r / 3, cy - r / 4, r / 8, r / 6) ||
                           in_ellipse(x, y, cx + r / 3, cy - r / 4, r / 8, r / 6);
                bool smile = in_ellipse(x, y, cx, cy + r / 4, r / 2, r / 3) &&
                             !in_ellipse(x, y, cx, cy + r / 6, r / 2, r / 3);
                if (eye || smile)
                    c[0] = 60, c[1] = 40, c[2] = 30;
            }
            row[x * 3] = c[0], row[x * 3 + 1] = c[1], row[x * 3 + 2] = c[2];
        }
    }
    return s;
}

void avatar_write(const char *path, int w, int h, bool jpeg)
{
    SDL_Surface *s = avatar_draw(w, h);
    int rc = jpeg ? IMG_SaveJPG(s, path, 90) : IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    if (rc != 0)
        fail_msg("avatar %s: %s", path, IMG_GetError());
}
