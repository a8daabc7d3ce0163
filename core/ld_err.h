/* ld_err.h: the one error enum shared by every latedoor module. */
#ifndef LD_ERR_H
#define LD_ERR_H

/*
 * Every fallible latedoor function returns an ld_err. LD_OK is zero and is the only success
 * value, so `if (err)` always means failure. Detail (which field, which line) goes into a
 * message buffer the caller passes, never into the code itself.
 */
typedef enum ld_err {
    LD_OK = 0,
    LD_ERR_INVALID,     /* bad input: a malformed field, a rule broken, an argument out of range */
    LD_ERR_NOMEM,       /* an allocation failed */
    LD_ERR_RANGE,       /* a value or a collection is over its cap */
    LD_ERR_NOT_FOUND,   /* the thing named does not exist */
    LD_ERR_DUPLICATE,   /* the thing already exists (a second mark, a reused card) */
    LD_ERR_IO,          /* a read, write, fsync or device operation failed */
    LD_ERR_CORRUPT,     /* a file failed its integrity check and was left untouched */
    LD_ERR_FULL,        /* the disk is full: nothing was written */
    LD_ERR_BUSY,        /* the resource is locked by another process; try again */
    LD_ERR_AUTH,        /* credentials refused */
    LD_ERR_CLOCK,       /* the clock cannot be trusted for this operation */
    LD_ERR_STATE,       /* the call is not valid in the object's current state */
    LD_ERR_UNSUPPORTED, /* a version, device or feature this build does not know */
    LD_ERR__COUNT
} ld_err;

/* Returns a short, constant English phrase for err ("invalid input"); never NULL. */
const char *ld_err_str(ld_err err);

#if defined(__GNUC__)
#define LD_MUST_CHECK __attribute__((warn_unused_result))
#else
#define LD_MUST_CHECK
#endif

#endif
