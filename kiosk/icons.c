/* icons.c: icons from signed distance functions, so their edges are smooth at every size. */
#include "icons.h"

#include <math.h>
#include <stdbool.h>

/* Each symbol lives in [-1, 1] squared, y pointing down; distances are in the same units. */
struct v2 {
    float x, y;
};

static float len(struct v2 a)
{
    return sqrtf(a.x * a.x + a.y * a.y);
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static float circle(struct v2 p, float cx, float cy, float r)
{
    return len((struct v2){p.x - cx, p.y - cy}) - r;
}

static float ring(struct v2 p, float cx, float cy, float r, float half_width)
{
    return fabsf(circle(p, cx, cy, r)) - half_width;
}

/* A line from a to b with round ends, r thick on each side. */
static float capsule(struct v2 p, float ax, float ay, float bx, float by, float r)
{
    struct v2 pa = {p.x - ax, p.y - ay}, ba = {bx - ax, by - ay};
    float h = clampf((pa.x * ba.x + pa.y * ba.y) / (ba.x * ba.x + ba.y * ba.y), 0.0f, 1.0f);
    return len((struct v2){pa.x - ba.x * h, pa.y - ba.y * h}) - r;
}

/* A box of half-size hx, hy around (cx, cy) with corners rounded to r. */
static float rbox(struct v2 p, float cx, float cy, float hx, float hy, float r)
{
    float qx = fabsf(p.x - cx) - hx + r, qy = fabsf(p.y - cy) - hy + r;
    float outside = len((struct v2){qx > 0 ? qx : 0, qy > 0 ? qy : 0});
    float inside = fminf(fmaxf(qx, qy), 0.0f);
    return outside + inside - r;
}

/* An arc of radius r around (cx, cy) from angle a0 to a1 (radians, y up), as short capsules. */
static float arc(struct v2 p, float cx, float cy, float r, float a0, float a1, float w)
{
    float d = 1e9f;
    const int steps = 16;
    for (int i = 0; i < steps; i++) {
        float t0 = a0 + (a1 - a0) * (float)i / steps, t1 = a0 + (a1 - a0) * (float)(i + 1) / steps;
        d = fminf(d, capsule(p, cx + r * cosf(t0), cy - r * sinf(t0), cx + r * cosf(t1),
                             cy - r * sinf(t1), w));
    }
    return d;
}

/* A five-pointed star, point up (after Inigo Quilez's sdStar5). */
static float star(struct v2 p, float r, float rf)
{
    const float k1x = 0.809016994f, k1y = -0.587785252f;
    const float k2x = -k1x, k2y = k1y;
    p.y = -p.y;
    p.x = fabsf(p.x);
    float d1 = fmaxf(k1x * p.x + k1y * p.y, 0.0f);
    p.x -= 2 * d1 * k1x;
    p.y -= 2 * d1 * k1y;
    float d2 = fmaxf(k2x * p.x + k2y * p.y, 0.0f);
    p.x -= 2 * d2 * k2x;
    p.y -= 2 * d2 * k2y;
    p.x = fabsf(p.x);
    p.y -= r;
    struct v2 ba = {rf * -k1y - 0.0f, rf * k1x - 1.0f};
    float h = clampf((p.x * ba.x + p.y * ba.y) / (ba.x * ba.x + ba.y * ba.y), 0.0f, r);
    float s = p.y * ba.x - p.x * ba.y;
    return len((struct v2){p.x - ba.x * h, p.y - ba.y * h}) * (s > 0 ? 1.0f : -1.0f);
}

/* A rounded box's outline, half_width thick. */
static float rframe(struct v2 p, float cx, float cy, float hx, float hy, float r, float half_width)
{
    return fabsf(rbox(p, cx, cy, hx, hy, r)) - half_width;
}

/* The pictograms of reasons: plain filled shapes, a few parts each, readable at 40 pixels. */
static float pictogram(enum kiosk_icon icon, struct v2 p)
{
    switch (icon) {
    case KIOSK_ICON_LANGUAGE: {
        float front = fminf(rframe(p, 0.26f, 0.22f, 0.50f, 0.34f, 0.14f, 0.07f),
                            capsule(p, 0.52f, 0.50f, 0.62f, 0.78f, 0.07f));
        float back = fminf(rbox(p, -0.22f, -0.24f, 0.56f, 0.38f, 0.14f),
                           capsule(p, -0.48f, 0.05f, -0.58f, 0.36f, 0.09f));
        /* the back bubble stops short of the front one, so the two read as two */
        back = fmaxf(back, -rbox(p, 0.26f, 0.22f, 0.65f, 0.49f, 0.2f));
        return fminf(front, back);
    }
    case KIOSK_ICON_MEDICAL: {
        float bag = rbox(p, 0, 0.12f, 0.72f, 0.52f, 0.12f);
        float cross =
            fminf(rbox(p, 0, 0.14f, 0.10f, 0.32f, 0.02f), rbox(p, 0, 0.14f, 0.32f, 0.10f, 0.02f));
        float handle = fmaxf(rframe(p, 0, -0.46f, 0.26f, 0.16f, 0.08f, 0.07f), p.y + 0.40f);
        return fminf(fmaxf(bag, -cross), handle);
    }
    case KIOSK_ICON_TOOTH: {
        float crown = rbox(p, 0, -0.22f, 0.56f, 0.40f, 0.30f);
        float roots = fminf(capsule(p, -0.30f, -0.05f, -0.20f, 0.66f, 0.17f),
                            capsule(p, 0.30f, -0.05f, 0.20f, 0.66f, 0.17f));
        float notch = circle(p, 0, -0.70f, 0.16f);
        return fmaxf(fminf(crown, roots), -notch);
    }
    case KIOSK_ICON_BUS: {
        float body = rbox(p, 0, -0.06f, 0.60f, 0.58f, 0.14f);
        float window =
            fmaxf(rbox(p, 0, -0.24f, 0.47f, 0.20f, 0.05f), -rbox(p, 0, -0.24f, 0.04f, 0.3f, 0));
        float lights = fminf(circle(p, -0.36f, 0.28f, 0.08f), circle(p, 0.36f, 0.28f, 0.08f));
        float wheels = fminf(rbox(p, -0.38f, 0.58f, 0.12f, 0.16f, 0.05f),
                             rbox(p, 0.38f, 0.58f, 0.12f, 0.16f, 0.05f));
        return fminf(fmaxf(fmaxf(body, -window), -lights), wheels);
    }
    case KIOSK_ICON_CAR: {
        float body = fminf(rbox(p, 0, 0.14f, 0.78f, 0.20f, 0.10f),
                           rbox(p, -0.06f, -0.16f, 0.44f, 0.24f, 0.16f));
        float window = fmaxf(rbox(p, -0.06f, -0.17f, 0.32f, 0.11f, 0.05f),
                             -rbox(p, -0.06f, -0.17f, 0.035f, 0.2f, 0));
        float arches = fminf(circle(p, -0.44f, 0.36f, 0.25f), circle(p, 0.44f, 0.36f, 0.25f));
        float wheels = fminf(circle(p, -0.44f, 0.36f, 0.17f), circle(p, 0.44f, 0.36f, 0.17f));
        return fminf(fmaxf(fmaxf(body, -window), -arches), wheels);
    }
    case KIOSK_ICON_WEATHER: {
        float cloud = fminf(
            fminf(circle(p, -0.32f, -0.06f, 0.26f), circle(p, 0.04f, -0.22f, 0.36f)),
            fminf(circle(p, 0.40f, -0.04f, 0.24f), rbox(p, 0.03f, 0.06f, 0.62f, 0.16f, 0.16f)));
        float rain = fminf(capsule(p, -0.30f, 0.42f, -0.40f, 0.68f, 0.07f),
                           fminf(capsule(p, 0.02f, 0.42f, -0.08f, 0.68f, 0.07f),
                                 capsule(p, 0.34f, 0.42f, 0.24f, 0.68f, 0.07f)));
        return fminf(cloud, rain);
    }
    case KIOSK_ICON_ALARM: {
        float face = ring(p, 0, 0.10f, 0.50f, 0.09f);
        float hands = fminf(capsule(p, 0, 0.10f, 0, -0.20f, 0.07f),
                            capsule(p, 0, 0.10f, 0.20f, 0.10f, 0.07f));
        float bells =
            fminf(fmaxf(circle(p, -0.48f, -0.52f, 0.24f), -circle(p, -0.26f, -0.30f, 0.24f)),
                  fmaxf(circle(p, 0.48f, -0.52f, 0.24f), -circle(p, 0.26f, -0.30f, 0.24f)));
        float legs = fminf(capsule(p, -0.30f, 0.55f, -0.44f, 0.74f, 0.07f),
                           capsule(p, 0.30f, 0.55f, 0.44f, 0.74f, 0.07f));
        return fminf(fminf(face, hands), fminf(bells, legs));
    }
    case KIOSK_ICON_FAMILY: {
        float adult =
            fminf(circle(p, -0.26f, -0.52f, 0.18f), rbox(p, -0.26f, 0.16f, 0.25f, 0.46f, 0.2f));
        float child =
            fminf(circle(p, 0.38f, -0.10f, 0.14f), rbox(p, 0.38f, 0.38f, 0.19f, 0.30f, 0.15f));
        return fminf(adult, child);
    }
    case KIOSK_ICON_CALENDAR: {
        float page =
            fmaxf(rbox(p, 0, 0.10f, 0.64f, 0.58f, 0.10f), -rbox(p, 0, 0.24f, 0.52f, 0.36f, 0.03f));
        float days = 1e9f;
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
                days = fminf(days,
                             rbox(p, -0.30f + 0.30f * c, 0.10f + 0.26f * r, 0.08f, 0.07f, 0.02f));
        float rings = fminf(capsule(p, -0.32f, -0.66f, -0.32f, -0.40f, 0.07f),
                            capsule(p, 0.32f, -0.66f, 0.32f, -0.40f, 0.07f));
        return fminf(fminf(page, days), rings);
    }
    case KIOSK_ICON_BUBBLE: {
        float bubble = fminf(rbox(p, 0, -0.10f, 0.68f, 0.46f, 0.22f),
                             capsule(p, -0.26f, 0.28f, -0.44f, 0.66f, 0.10f));
        float dots = fminf(circle(p, -0.32f, -0.10f, 0.10f),
                           fminf(circle(p, 0, -0.10f, 0.10f), circle(p, 0.32f, -0.10f, 0.10f)));
        return fmaxf(bubble, -dots);
    }
    default:
        return 1e9f;
    }
}

static float symbol(enum kiosk_icon icon, struct v2 p)
{
    const float w = 0.11f;
    switch (icon) {
    case KIOSK_ICON_TICK:
        return fminf(capsule(p, -0.42f, 0.02f, -0.12f, 0.32f, w),
                     capsule(p, -0.12f, 0.32f, 0.45f, -0.30f, w));
    case KIOSK_ICON_CLOCK:
        return fminf(ring(p, 0, 0, 0.60f, 0.085f),
                     fminf(capsule(p, 0, 0, 0, -0.38f, 0.08f), capsule(p, 0, 0, 0.28f, 0, 0.08f)));
    case KIOSK_ICON_OFFICE:
        return fminf(capsule(p, 0, -0.55f, 0, 0.12f, 0.12f), circle(p, 0, 0.46f, 0.13f));
    case KIOSK_ICON_QUESTION:
        return fminf(fminf(arc(p, 0, -0.22f, 0.30f, 2.6f, -0.9f, w),
                           capsule(p, 0.19f, 0.01f, 0.0f, 0.16f, w)),
                     fminf(capsule(p, 0.0f, 0.16f, 0.0f, 0.24f, w), circle(p, 0, 0.52f, 0.12f)));
    case KIOSK_ICON_CROSS:
        return fminf(capsule(p, -0.38f, -0.38f, 0.38f, 0.38f, w),
                     capsule(p, -0.38f, 0.38f, 0.38f, -0.38f, w));
    case KIOSK_ICON_CARD:
        /* A card with its chip cut out. */
        return fmaxf(rbox(p, 0, 0, 0.62f, 0.42f, 0.10f),
                     -rbox(p, -0.30f, -0.05f, 0.14f, 0.11f, 0.03f));
    case KIOSK_ICON_LOCK: {
        float shackle = fmaxf(ring(p, 0, -0.12f, 0.28f, 0.08f), p.y + 0.12f);
        float legs = fminf(capsule(p, -0.28f, -0.12f, -0.28f, 0.05f, 0.08f),
                           capsule(p, 0.28f, -0.12f, 0.28f, 0.05f, 0.08f));
        float body = fmaxf(rbox(p, 0, 0.28f, 0.44f, 0.30f, 0.06f), -circle(p, 0, 0.25f, 0.08f));
        return fminf(body, fminf(shackle, legs));
    }
    case KIOSK_ICON_BACK:
        return fminf(capsule(p, 0.40f, 0, -0.38f, 0, w),
                     fminf(capsule(p, -0.38f, 0, -0.05f, -0.33f, w),
                           capsule(p, -0.38f, 0, -0.05f, 0.33f, w)));
    case KIOSK_ICON_NEXT:
        return fminf(
            capsule(p, -0.40f, 0, 0.38f, 0, w),
            fminf(capsule(p, 0.38f, 0, 0.05f, -0.33f, w), capsule(p, 0.38f, 0, 0.05f, 0.33f, w)));
    case KIOSK_ICON_STAR:
        return star(p, 0.70f, 0.45f);
    case KIOSK_ICON_SEARCH:
        return fminf(ring(p, -0.12f, -0.12f, 0.32f, 0.09f),
                     capsule(p, 0.14f, 0.14f, 0.45f, 0.45f, 0.11f));
    case KIOSK_ICON_NONE:
    case KIOSK_ICON__COUNT:
        break;
    default:
        return pictogram(icon, p);
    }
    return 1e9f;
}

/* Puts b over a with coverage t, on straight (not premultiplied) colours. */
static void over(float *r, float *g, float *b, float *a, SDL_Color c, float t)
{
    float ca = (c.a / 255.0f) * t;
    float na = ca + *a * (1 - ca);
    if (na <= 0) {
        *r = *g = *b = *a = 0;
        return;
    }
    *r = (c.r * ca + *r * *a * (1 - ca)) / na;
    *g = (c.g * ca + *g * *a * (1 - ca)) / na;
    *b = (c.b * ca + *b * *a * (1 - ca)) / na;
    *a = na;
}

SDL_Surface *kiosk_icon_render(enum kiosk_icon icon, int size, SDL_Color fg, SDL_Color disc)
{
    if (size < 1)
        size = 1;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    bool has_disc = disc.a > 0;
    /* Without a disc the symbol may use the whole square. */
    float k = has_disc ? 1.0f : 0.72f;
    float px = 2.0f / (float)size; /* one pixel in symbol units */
    /* A disc alone is a rounded corner's quarter: it must meet the square's edges exactly. */
    float radius = icon == KIOSK_ICON_NONE ? 1.0f : 0.98f;
    for (int y = 0; y < size; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < size; x++) {
            struct v2 p = {((float)x + 0.5f) * px - 1.0f, ((float)y + 0.5f) * px - 1.0f};
            float r = 0, g = 0, b = 0, a = 0;
            if (has_disc)
                over(&r, &g, &b, &a, disc, clampf(0.5f - circle(p, 0, 0, radius) / px, 0, 1));
            struct v2 q = {p.x * k, p.y * k};
            float d = symbol(icon, q) / k;
            over(&r, &g, &b, &a, fg, clampf(0.5f - d / px, 0, 1));
            row[x] = ((Uint32)(a * 255.0f + 0.5f) << 24) | ((Uint32)(r + 0.5f) << 16) |
                     ((Uint32)(g + 0.5f) << 8) | (Uint32)(b + 0.5f);
        }
    }
    return s;
}
