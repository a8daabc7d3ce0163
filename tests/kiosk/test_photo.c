/* test_photo.c: a pupil's photo from the school's folder, and everything else a folder holds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "SDL.h"
#include "avatar.h"
#include "photo.h"

#define UPN "A123456789012"

struct folder {
    char dir[64];
    char msg[512];
};

static int setup(void **state)
{
    static struct folder f;
    strcpy(f.dir, "/tmp/ld-photo-XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    f.msg[0] = '\0';
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct folder *f = *state;
    char cmd[192];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", f->dir, f->dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static const char *path_of(struct folder *f, const char *name)
{
    static char p[160];
    snprintf(p, sizeof p, "%s/%s", f->dir, name);
    return p;
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Reads path whole into a new buffer; *len its size. */
static unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    rewind(fp);
    unsigned char *b = malloc(*len ? *len : 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *len, fp), *len);
    fclose(fp);
    return b;
}

/* Loads UPN's photo; the surface (when any) is checked for size w x h and freed. */
static ld_err load(struct folder *f, int w, int h)
{
    SDL_Surface *s = NULL;
    f->msg[0] = '\0';
    ld_err err = kiosk_photo_load(f->dir, UPN, &s, NULL, 0, f->msg, sizeof f->msg);
    if (err == LD_OK) {
        assert_non_null(s);
        assert_int_equal(s->w, w);
        assert_int_equal(s->h, h);
        SDL_FreeSurface(s);
    } else {
        assert_null(s);
    }
    return err;
}

/* Asserts the last load failed with err, its message naming the file and saying why. */
static void assert_refused(struct folder *f, ld_err want, ld_err got, const char *why)
{
    assert_int_equal(got, want);
    assert_non_null(strstr(f->msg, f->dir));
    assert_non_null(strstr(f->msg, UPN));
    if (!strstr(f->msg, why))
        fail_msg("\"%s\" does not say \"%s\"", f->msg, why);
}

static void test_a_jpeg_loads(void **state)
{
    struct folder *f = *state;
    avatar_write(path_of(f, UPN ".jpg"), 300, 400, true);
    assert_int_equal(load(f, 300, 400), LD_OK);
    char path[KIOSK_PHOTO_PATH_MAX];
    SDL_Surface *s = NULL;
    assert_int_equal(kiosk_photo_load(f->dir, UPN, &s, path, sizeof path, f->msg, sizeof f->msg),
                     LD_OK);
    assert_string_equal(path, path_of(f, UPN ".jpg"));
    SDL_FreeSurface(s);
}

static void test_a_png_loads(void **state)
{
    struct folder *f = *state;
    avatar_write(path_of(f, UPN ".png"), 240, 320, false);
    assert_int_equal(load(f, 240, 320), LD_OK);
    /* The pixels are the avatar's: the face's yellow in the middle. */
    SDL_Surface *s = NULL;
    assert_int_equal(kiosk_photo_load(f->dir, UPN, &s, NULL, 0, f->msg, sizeof f->msg), LD_OK);
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB24, 0);
    assert_non_null(rgb);
    const Uint8 *px = (const Uint8 *)rgb->pixels + 200 * rgb->pitch + 120 * 3;
    assert_int_equal(px[0], 250);
    assert_int_equal(px[1], 200);
    SDL_FreeSurface(rgb);
    SDL_FreeSurface(s);
}

static void test_no_photo_is_not_found_and_not_an_error(void **state)
{
    struct folder *f = *state;
    avatar_write(path_of(f, "B123456789012.png"), 60, 80, false); /* somebody else's */
    assert_int_equal(load(f, 0, 0), LD_ERR_NOT_FOUND);
    assert_string_equal(f->msg, "");
    /* A folder that is not there is the school's mistake, and said. */
    SDL_Surface *s = NULL;
    assert_int_equal(
        kiosk_photo_load("/nonexistent/photos", UPN, &s, NULL, 0, f->msg, sizeof f->msg),
        LD_ERR_IO);
    assert_non_null(strstr(f->msg, "/nonexistent/photos"));
}

static void test_a_corrupt_file_is_refused(void **state)
{
    struct folder *f = *state;
    /* Text named like a photo. */
    write_bytes(path_of(f, UPN ".jpg"), "not a photo at all\n", 19);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "not a PNG or JPEG");
    unlink(path_of(f, UPN ".jpg"));
    /* A real PNG whose image data was damaged: its header and end are right. */
    avatar_write(path_of(f, UPN ".png"), 120, 160, false);
    size_t len;
    unsigned char *b = read_bytes(path_of(f, UPN ".png"), &len);
    for (size_t i = 60; i < len - 40; i += 7)
        b[i] ^= 0x5A;
    write_bytes(path_of(f, UPN ".png"), b, len);
    free(b);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "corrupt");
}

static void test_a_corrupt_jpeg_never_crashes(void **state)
{
    struct folder *f = *state;
    avatar_write(path_of(f, UPN ".jpg"), 120, 160, true);
    size_t len;
    unsigned char *orig = read_bytes(path_of(f, UPN ".jpg"), &len);
    unsigned char *b = malloc(len);
    assert_non_null(b);
    /* Damage every part of it in turn: refused or decoded at the header's size, never a crash
     * (ASan runs this too). */
    for (size_t from = 2; from + 16 < len; from += len / 40) {
        memcpy(b, orig, len);
        for (size_t i = from; i < from + 16; i++)
            b[i] = (unsigned char)(b[i] * 31 + 7);
        SDL_Surface *s = NULL;
        char msg[256];
        ld_err err = kiosk_photo_decode(b, len, &s, msg, sizeof msg);
        if (err == LD_OK) {
            enum kiosk_photo_kind kind;
            int w, h;
            assert_int_equal(kiosk_photo_header(b, len, &kind, &w, &h), LD_OK);
            assert_int_equal(s->w, w);
            assert_int_equal(s->h, h);
            SDL_FreeSurface(s);
        } else {
            assert_null(s);
            assert_true(err == LD_ERR_INVALID || err == LD_ERR_RANGE);
        }
    }
    free(b);
    free(orig);
}

static void test_a_truncated_file_is_refused(void **state)
{
    struct folder *f = *state;
    size_t len;
    avatar_write(path_of(f, UPN ".jpg"), 200, 260, true);
    unsigned char *b = read_bytes(path_of(f, UPN ".jpg"), &len);
    write_bytes(path_of(f, UPN ".jpg"), b, len * 2 / 3);
    free(b);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "cut short");
    unlink(path_of(f, UPN ".jpg"));
    avatar_write(path_of(f, UPN ".png"), 200, 260, false);
    b = read_bytes(path_of(f, UPN ".png"), &len);
    write_bytes(path_of(f, UPN ".png"), b, len - 20);
    free(b);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "cut short");
    /* Cut inside the header: not even a size to read. */
    write_bytes(path_of(f, UPN ".png"), "\x89PNG\r\n\x1a\n\0\0\0\rIH", 15);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "not a PNG or JPEG");
}

/* A PNG of a few dozen bytes whose header claims w x h: a decompression bomb. */
static void write_png_claiming(const char *path, unsigned w, unsigned h)
{
    unsigned char b[57] = {0x89,
                           'P',
                           'N',
                           'G',
                           '\r',
                           '\n',
                           0x1a,
                           '\n',
                           0,
                           0,
                           0,
                           13,
                           'I',
                           'H',
                           'D',
                           'R',
                           (unsigned char)(w >> 24),
                           (unsigned char)(w >> 16),
                           (unsigned char)(w >> 8),
                           (unsigned char)w,
                           (unsigned char)(h >> 24),
                           (unsigned char)(h >> 16),
                           (unsigned char)(h >> 8),
                           (unsigned char)h,
                           8,
                           2,
                           0,
                           0,
                           0};
    /* CRC left zero, an empty IDAT, then IEND: never decoded, refused by its header. */
    static const unsigned char tail[] = {0,   0,   0,   0,   0,    0,    0,    0,   'I', 'D',
                                         'A', 'T', 0,   0,   0,    0,    0,    0,   0,   0,
                                         'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    memcpy(b + 29, tail, sizeof tail);
    write_bytes(path, b, sizeof b);
}

static void test_huge_dimensions_are_refused_before_decoding(void **state)
{
    struct folder *f = *state;
    write_png_claiming(path_of(f, UPN ".png"), 60000, 60000);
    assert_refused(f, LD_ERR_RANGE, load(f, 0, 0), "60000x60000 pixels");
    write_png_claiming(path_of(f, UPN ".png"), KIOSK_PHOTO_MAX_SIDE + 1, 10);
    assert_refused(f, LD_ERR_RANGE, load(f, 0, 0), "over");
    unlink(path_of(f, UPN ".png"));
    /* A JPEG whose frame header says 40000 x 30000. */
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4,    0,    0,
                                         0xFF, 0xC0, 0,    11,   8, 0x75, 0x30, 0x9C,
                                         0x40, 1,    1,    0x11, 0, 0xFF, 0xD9};
    write_bytes(path_of(f, UPN ".jpg"), jpeg, sizeof jpeg);
    assert_refused(f, LD_ERR_RANGE, load(f, 0, 0), "40000x30000");
    /* A real photo of the largest size allowed still loads. */
    avatar_write(path_of(f, UPN ".jpg"), KIOSK_PHOTO_MAX_SIDE, 900, true);
    assert_int_equal(load(f, KIOSK_PHOTO_MAX_SIDE, 900), LD_OK);
}

static void test_a_file_over_the_size_cap_is_refused(void **state)
{
    struct folder *f = *state;
    size_t len = KIOSK_PHOTO_MAX_BYTES + 1;
    unsigned char *b = calloc(1, len);
    assert_non_null(b);
    b[0] = 0xFF, b[1] = 0xD8;
    write_bytes(path_of(f, UPN ".jpg"), b, len);
    free(b);
    assert_refused(f, LD_ERR_RANGE, load(f, 0, 0), "bytes, over");
}

static void test_a_symlink_out_of_the_folder_is_refused(void **state)
{
    struct folder *f = *state;
    char outside[96];
    snprintf(outside, sizeof outside, "%s-outside.png", f->dir);
    avatar_write(outside, 60, 80, false);
    assert_int_equal(symlink(outside, path_of(f, UPN ".png")), 0);
    ld_err err = load(f, 0, 0);
    unlink(outside);
    assert_refused(f, LD_ERR_INVALID, err, "symlink out of the photo folder");
    /* To a file of the folder itself it is followed. */
    unlink(path_of(f, UPN ".png"));
    avatar_write(path_of(f, "export-0001.png"), 60, 80, false);
    assert_int_equal(symlink("export-0001.png", path_of(f, UPN ".png")), 0);
    assert_int_equal(load(f, 60, 80), LD_OK);
    /* Nor through a folder inside it. */
    unlink(path_of(f, UPN ".png"));
    assert_int_equal(mkdir(path_of(f, "sub"), 0700), 0);
    avatar_write(path_of(f, "sub/x.png"), 60, 80, false);
    assert_int_equal(symlink("sub/x.png", path_of(f, UPN ".png")), 0);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "symlink out of the photo folder");
}

static void test_a_directory_or_fifo_named_like_a_photo_is_refused(void **state)
{
    struct folder *f = *state;
    assert_int_equal(mkdir(path_of(f, UPN ".jpg"), 0700), 0);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "not a regular file");
    rmdir(path_of(f, UPN ".jpg"));
    /* A FIFO would block a plain open until a writer came: refused at once. */
    assert_int_equal(mkfifo(path_of(f, UPN ".png"), 0600), 0);
    assert_refused(f, LD_ERR_INVALID, load(f, 0, 0), "not a regular file");
}

static void test_a_folder_open_to_others_is_refused(void **state)
{
    struct folder *f = *state;
    avatar_write(path_of(f, UPN ".png"), 60, 80, false);
    assert_int_equal(chmod(f->dir, 0755), 0);
    assert_int_equal(load(f, 0, 0), LD_ERR_INVALID);
    assert_non_null(strstr(f->msg, f->dir));
    assert_non_null(strstr(f->msg, "open to others (mode 0755; chmod 0700)"));
    assert_int_equal(chmod(f->dir, 0700), 0);
    assert_int_equal(load(f, 60, 80), LD_OK);
}

static void test_a_upn_that_is_not_one_is_refused(void **state)
{
    struct folder *f = *state;
    SDL_Surface *s = NULL;
    static const char *const bad[] = {"", "../etc/passwd", "A1/B", "A12345678901234567", "a b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(kiosk_photo_load(f->dir, bad[i], &s, NULL, 0, f->msg, sizeof f->msg),
                         LD_ERR_INVALID);
        assert_non_null(strstr(f->msg, "not a UPN"));
    }
    assert_null(s);
}

static void test_headers_read_without_decoding(void **state)
{
    enum kiosk_photo_kind kind;
    int w = 0, h = 0;
    /* Markers before the frame (APP0, a fill byte), then SOF2 (progressive). */
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0,    4, 1,    2,
                                         0xFF, 0xFF, 0xC2, 0,    11,   8, 0x01, 0x90,
                                         0x01, 0x2C, 3,    1,    0x11, 0};
    assert_int_equal(kiosk_photo_header(jpeg, sizeof jpeg, &kind, &w, &h), LD_OK);
    assert_int_equal(kind, KIOSK_PHOTO_JPEG);
    assert_int_equal(w, 300);
    assert_int_equal(h, 400);
    /* Every shorter prefix is cut short: refused, never read past its end (ASan). */
    for (size_t n = 0; n < 19; n++) {
        unsigned char *cut = malloc(n ? n : 1);
        memcpy(cut, jpeg, n);
        assert_int_equal(kiosk_photo_header(cut, n, &kind, &w, &h), LD_ERR_INVALID);
        free(cut);
    }
    /* A DHT (C4) is not a frame; scan data before any frame is refused. */
    static const unsigned char dht[] = {0xFF, 0xD8, 0xFF, 0xC4, 0, 2, 0xFF, 0xDA, 0, 2};
    assert_int_equal(kiosk_photo_header(dht, sizeof dht, &kind, &w, &h), LD_ERR_INVALID);
    /* A height of 0 (given later by DNL) leaves nothing to check: refused. */
    static const unsigned char dnl[] = {0xFF, 0xD8, 0xFF, 0xC0, 0, 11,   8, 0,
                                        0,    0x01, 0x2C, 1,    1, 0x11, 0};
    assert_int_equal(kiosk_photo_header(dnl, sizeof dnl, &kind, &w, &h), LD_ERR_INVALID);
    /* A segment whose length runs past the end. */
    static const unsigned char longseg[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x7F, 0xFF, 0, 0};
    assert_int_equal(kiosk_photo_header(longseg, sizeof longseg, &kind, &w, &h), LD_ERR_INVALID);
}

int main(void)
{
    assert_int_equal(SDL_Init(0), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_jpeg_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_png_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_photo_is_not_found_and_not_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_corrupt_file_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_corrupt_jpeg_never_crashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_truncated_file_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_dimensions_are_refused_before_decoding, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_file_over_the_size_cap_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_symlink_out_of_the_folder_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_directory_or_fifo_named_like_a_photo_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_folder_open_to_others_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_upn_that_is_not_one_is_refused, setup, teardown),
        cmocka_unit_test(test_headers_read_without_decoding),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return rc;
}
