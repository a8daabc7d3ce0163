/* photo.c: a pupil's photo: the folder's file checked, its header read, then SDL_image. */
#include "photo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "SDL_image.h"

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* A PNG: the signature, then IHDR first with its width and height. */
static ld_err png_header(const unsigned char *buf, size_t len, int *w, int *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len < 24 || memcmp(buf, sig, 8) != 0 || memcmp(buf + 12, "IHDR", 4) != 0)
        return LD_ERR_INVALID;
    unsigned long pw = be32(buf + 16), ph = be32(buf + 20);
    if (pw == 0 || ph == 0 || pw > INT_MAX || ph > INT_MAX)
        return LD_ERR_INVALID;
    *w = (int)pw;
    *h = (int)ph;
    return LD_OK;
}

/* Start-of-frame markers: C0 to CF but DHT (C4), JPG (C8) and DAC (CC). */
static int is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* A JPEG: SOI, then marker segments up to the first start of frame, which holds the size. */
static ld_err jpeg_header(const unsigned char *buf, size_t len, int *w, int *h)
{
    if (len < 4 || buf[0] != 0xFF || buf[1] != 0xD8)
        return LD_ERR_INVALID;
    size_t i = 2;
    while (i + 1 < len) {
        if (buf[i] != 0xFF)
            return LD_ERR_INVALID;
        while (i + 1 < len && buf[i + 1] == 0xFF) /* fill bytes */
            i++;
        if (i + 1 >= len)
            break;
        unsigned m = buf[i + 1];
        i += 2;
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) /* markers with no segment */
            continue;
        if (m == 0xD8 || m == 0xD9 || m == 0xDA || i + 2 > len)
            return LD_ERR_INVALID; /* image data or the end before any frame */
        unsigned seg = be16(buf + i);
        if (seg < 2 || i + seg > len)
            return LD_ERR_INVALID;
        if (is_sof(m)) {
            if (seg < 7)
                return LD_ERR_INVALID;
            *h = (int)be16(buf + i + 3);
            *w = (int)be16(buf + i + 5);
            /* A height of 0 is given later (DNL): no size to check before decoding. */
            return *w > 0 && *h > 0 ? LD_OK : LD_ERR_INVALID;
        }
        i += seg;
    }
    return LD_ERR_INVALID;
}

ld_err kiosk_photo_header(const unsigned char *buf, size_t len, enum kiosk_photo_kind *kind, int *w,
                          int *h)
{
    if (png_header(buf, len, w, h) == LD_OK) {
        *kind = KIOSK_PHOTO_PNG;
        return LD_OK;
    }
    if (jpeg_header(buf, len, w, h) == LD_OK) {
        *kind = KIOSK_PHOTO_JPEG;
        return LD_OK;
    }
    return LD_ERR_INVALID;
}

/* Returns true when the file's last bytes are its format's end: a JPEG's EOI marker (within
 * a little padding), a PNG's IEND chunk. A file cut short would decode as half grey. */
static bool complete(const unsigned char *buf, size_t len, enum kiosk_photo_kind kind)
{
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    if (kind == KIOSK_PHOTO_PNG)
        return len >= 12 && memcmp(buf + len - 12, iend, 12) == 0;
    size_t from = len > 64 ? len - 64 : 0;
    for (size_t i = len; i-- > from + 1;)
        if (buf[i - 1] == 0xFF && buf[i] == 0xD9)
            return true;
    return false;
}

ld_err kiosk_photo_decode(const unsigned char *buf, size_t len, SDL_Surface **out, char *msg,
                          size_t msglen)
{
    enum kiosk_photo_kind kind;
    int w = 0, h = 0;
    ld_err err = LD_OK;
    SDL_Surface *s = NULL;
    if (len > KIOSK_PHOTO_MAX_BYTES) {
        snprintf(msg, msglen, "%zu bytes, over the %d allowed", len, KIOSK_PHOTO_MAX_BYTES);
        err = LD_ERR_RANGE;
        goto out;
    }
    if (kiosk_photo_header(buf, len, &kind, &w, &h) != LD_OK) {
        snprintf(msg, msglen, "not a PNG or JPEG image");
        err = LD_ERR_INVALID;
        goto out;
    }
    if (w > KIOSK_PHOTO_MAX_SIDE || h > KIOSK_PHOTO_MAX_SIDE) {
        snprintf(msg, msglen, "%dx%d pixels, over %dx%d", w, h, KIOSK_PHOTO_MAX_SIDE,
                 KIOSK_PHOTO_MAX_SIDE);
        err = LD_ERR_RANGE;
        goto out;
    }
    if (!complete(buf, len, kind)) {
        snprintf(msg, msglen, "the %s is cut short", kind == KIOSK_PHOTO_PNG ? "PNG" : "JPEG");
        err = LD_ERR_INVALID;
        goto out;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(buf, (int)len);
    if (!rw) {
        snprintf(msg, msglen, "%s", SDL_GetError());
        err = LD_ERR_NOMEM;
        goto out;
    }
    /* Only the decoder the header named: nothing else of SDL_image sees outside bytes. */
    s = kind == KIOSK_PHOTO_PNG ? IMG_LoadPNG_RW(rw) : IMG_LoadJPG_RW(rw);
    SDL_RWclose(rw);
    if (!s) {
        snprintf(msg, msglen, "corrupt: %s", IMG_GetError());
        err = LD_ERR_INVALID;
        goto out;
    }
    if (s->w != w || s->h != h) {
        snprintf(msg, msglen, "decoded as %dx%d where its header says %dx%d", s->w, s->h, w, h);
        err = LD_ERR_INVALID;
        goto out;
    }
    *out = s;
    s = NULL;
out:
    SDL_FreeSurface(s);
    return err;
}

static bool upn_ok(const char *upn)
{
    size_t n = strlen(upn);
    if (n == 0 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = upn[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

/*
 * Opens name in the folder dfd (real path real) for reading, refusing anything but a regular
 * file there or a symlink to a regular file directly in the same folder. LD_ERR_NOT_FOUND when
 * there is no such name.
 */
static ld_err open_in(int dfd, const char *real, const char *name, int *fd, char *msg,
                      size_t msglen)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        snprintf(msg, msglen, "%s", strerror(errno));
        return errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO;
    }
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    if (S_ISLNK(st.st_mode)) {
        /* A symlink is followed only to a file of the folder itself ("photo.jpg" made by an
         * export tool): the folder's permissions are what keep the photos private. */
        char target[PATH_MAX], where[PATH_MAX + 48];
        int n = snprintf(where, sizeof where, "%s/%s", real, name);
        const char *slash = n > 0 && (size_t)n < sizeof where && realpath(where, target)
                                ? strrchr(target, '/')
                                : NULL;
        if (!slash || (size_t)(slash - target) != strlen(real) ||
            strncmp(target, real, strlen(real)) != 0) {
            snprintf(msg, msglen, "a symlink out of the photo folder");
            return LD_ERR_INVALID;
        }
        name = slash + 1;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(msg, msglen, "%s", strerror(errno));
            return LD_ERR_IO;
        }
    }
    /* Nothing but a regular file is opened at all: opening a device can do something. */
    if (!S_ISREG(st.st_mode)) {
        snprintf(msg, msglen, "not a regular file");
        return LD_ERR_INVALID;
    }
    *fd = openat(dfd, name, flags | O_NOFOLLOW);
    if (*fd < 0) {
        snprintf(msg, msglen, "%s", strerror(errno));
        return LD_ERR_IO;
    }
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, msglen, "not a regular file");
        close(*fd);
        *fd = -1;
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

/* Reads the whole of fd into a new buffer of at most KIOSK_PHOTO_MAX_BYTES. */
static ld_err read_all(int fd, unsigned char **buf, size_t *len, char *msg, size_t msglen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(msg, msglen, "%s", strerror(errno));
        return LD_ERR_IO;
    }
    if (st.st_size > KIOSK_PHOTO_MAX_BYTES) {
        snprintf(msg, msglen, "%lld bytes, over the %d allowed", (long long)st.st_size,
                 KIOSK_PHOTO_MAX_BYTES);
        return LD_ERR_RANGE;
    }
    /* One byte more than the size said: a file that grew meanwhile is read to the cap only. */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    unsigned char *b = malloc(cap);
    if (!b) {
        snprintf(msg, msglen, "out of memory");
        return LD_ERR_NOMEM;
    }
    for (;;) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(msg, msglen, "%s", strerror(errno));
            free(b);
            return LD_ERR_IO;
        }
        if (r == 0 || (n += (size_t)r) == cap)
            break;
    }
    *buf = b;
    *len = n;
    return LD_OK;
}

ld_err kiosk_photo_load(const char *dir, const char *upn, SDL_Surface **out, char *path,
                        size_t pathlen, char *msg, size_t msglen)
{
    static const char *const exts[] = {"jpg", "png"};
    char name[32], why[160] = "", real[PATH_MAX], shown[KIOSK_PHOTO_PATH_MAX];
    int dfd = -1, fd = -1;
    unsigned char *buf = NULL;
    size_t len = 0;
    ld_err err = LD_ERR_NOT_FOUND;
    snprintf(shown, sizeof shown, "%s", dir);
    if (!upn_ok(upn)) {
        snprintf(why, sizeof why, "not a UPN: \"%.20s\"", upn);
        err = LD_ERR_INVALID;
        goto out;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (dfd < 0 || fstat(dfd, &st) != 0 || !realpath(dir, real)) {
        snprintf(why, sizeof why, "the photo folder: %s", strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }
    if (st.st_mode & 0077) {
        snprintf(why, sizeof why, "the photo folder is open to others (mode %04o; chmod 0700)",
                 (unsigned)(st.st_mode & 07777));
        err = LD_ERR_INVALID;
        goto out;
    }
    for (size_t i = 0; i < sizeof exts / sizeof exts[0] && err == LD_ERR_NOT_FOUND; i++) {
        snprintf(name, sizeof name, "%s.%s", upn, exts[i]);
        snprintf(shown, sizeof shown, "%s/%s", dir, name);
        err = open_in(dfd, real, name, &fd, why, sizeof why);
    }
    if (err == LD_OK)
        err = read_all(fd, &buf, &len, why, sizeof why);
    if (err == LD_OK)
        err = kiosk_photo_decode(buf, len, out, why, sizeof why);
out:
    if (path)
        snprintf(path, pathlen, "%s", shown);
    if (err != LD_OK && err != LD_ERR_NOT_FOUND)
        snprintf(msg, msglen, "%s: %s", shown, why);
    free(buf);
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    return err;
}
