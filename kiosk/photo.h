/* photo.h: a pupil's photo from the school's folder, by UPN, read and decoded within limits. */
#ifndef KIOSK_PHOTO_H
#define KIOSK_PHOTO_H

#include <stddef.h>

#include "SDL.h"
#include "ld_err.h"

/*
 * The school exports its pupils' photos from the MIS into one folder ([kiosk] photos), one file
 * a pupil named by UPN: "A123456789012.jpg" or ".png" (docs/kiosk.md). Everything in that
 * folder is outside input: a file may be huge, corrupt, cut short, a decompression bomb (a few
 * bytes claiming 60000x60000 pixels), a directory, a device or a symlink to somewhere else.
 * So a photo is read only when it is a regular file in the folder itself (a symlink is followed
 * only to a regular file in the same folder), of at most KIOSK_PHOTO_MAX_BYTES, a PNG or a
 * baseline/progressive JPEG by its first bytes whatever its name says, no more than
 * KIOSK_PHOTO_MAX_SIDE pixels either way by its header (checked before anything is decoded),
 * and complete (a JPEG ends with its EOI marker, a PNG with IEND). Only SDL_image's PNG and JPEG
 * decoders ever see the bytes.
 */

/* The largest photo file read: an MIS export at 600x800 is about 100 KB. */
#define KIOSK_PHOTO_MAX_BYTES (1024 * 1024)
/* The most pixels either way: the screen shows a photo at most about 450 px tall (1080p). */
#define KIOSK_PHOTO_MAX_SIDE 1200
/* Bytes of a photo's path for messages. */
#define KIOSK_PHOTO_PATH_MAX 320

/* What the header of an image says. */
enum kiosk_photo_kind { KIOSK_PHOTO_PNG, KIOSK_PHOTO_JPEG };

/*
 * Reads the kind, width and height of the PNG or JPEG in buf (len bytes) from its header alone,
 * decoding nothing. Returns LD_ERR_INVALID when buf is neither, or its header is cut short or
 * says a width or height of 0.
 */
ld_err kiosk_photo_header(const unsigned char *buf, size_t len, enum kiosk_photo_kind *kind, int *w,
                          int *h) LD_MUST_CHECK;

/*
 * Decodes the photo in buf (len bytes): the header's kind and size are checked against the
 * limits above and the file's end for completeness before SDL_image decodes it, and the decoded
 * size must be the header's. On success *out is a new surface, the caller's to free with
 * SDL_FreeSurface; otherwise LD_ERR_INVALID (not a photo, corrupt, cut short) or LD_ERR_RANGE
 * (too large) with a sentence in msg.
 */
ld_err kiosk_photo_decode(const unsigned char *buf, size_t len, SDL_Surface **out, char *msg,
                          size_t msglen) LD_MUST_CHECK;

/*
 * Loads the photo of pupil upn (letters and digits only, at most 15) from the folder dir:
 * DIR/UPN.jpg, else DIR/UPN.png, within the limits above. Writes the path looked at to path
 * (pathlen bytes, may be NULL). Returns LD_OK with *out the caller's surface; LD_ERR_NOT_FOUND
 * when the pupil has no photo there (nothing to log); otherwise LD_ERR_INVALID (not a regular
 * file in the folder, not a complete PNG or JPEG, a folder others may read), LD_ERR_RANGE (too
 * large), LD_ERR_IO or LD_ERR_NOMEM with a sentence naming the file in msg: the school should
 * hear of it once, and the screen goes on without a photo.
 */
ld_err kiosk_photo_load(const char *dir, const char *upn, SDL_Surface **out, char *path,
                        size_t pathlen, char *msg, size_t msglen) LD_MUST_CHECK;

#endif
