/* shot_png.h: reading and writing RGB screenshots as PNG files (libpng's simplified API). */
#ifndef KIOSK_TEST_SHOT_PNG_H
#define KIOSK_TEST_SHOT_PNG_H

#include <stdbool.h>
#include <stdint.h>

/* Writes w x h packed RGB pixels to path. Returns false (with a message on stderr) on failure. */
bool test_png_write(const char *path, const uint8_t *rgb, int w, int h);

/*
 * Reads path as packed RGB into *rgb (malloc'd: the caller frees it) and its size into *w and
 * *h. Returns false when the file is missing or not a PNG; *rgb is then NULL.
 */
bool test_png_read(const char *path, uint8_t **rgb, int *w, int *h);

#endif
