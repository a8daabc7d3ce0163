/* shot_png.c: PNG files through libpng's simplified API, RGB only. */
#include "shot_png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool test_png_write(const char *path, const uint8_t *rgb, int w, int h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&img, path, 0, rgb, w * 3, NULL)) {
        fprintf(stderr, "cannot write %s: %s\n", path, img.message);
        return false;
    }
    return true;
}

bool test_png_read(const char *path, uint8_t **rgb, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    *rgb = NULL;
    if (!png_image_begin_read_from_file(&img, path))
        return false;
    img.format = PNG_FORMAT_RGB;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf) {
        png_image_free(&img);
        return false;
    }
    if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        return false;
    }
    *rgb = buf;
    *w = (int)img.width;
    *h = (int)img.height;
    return true;
}
