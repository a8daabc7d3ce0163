/* ld_err.c: names for the error enum. */
#include "ld_err.h"

const char *ld_err_str(ld_err err)
{
    static const char *const names[LD_ERR__COUNT] = {
        [LD_OK] = "ok",
        [LD_ERR_INVALID] = "invalid input",
        [LD_ERR_NOMEM] = "out of memory",
        [LD_ERR_RANGE] = "over the limit",
        [LD_ERR_NOT_FOUND] = "not found",
        [LD_ERR_DUPLICATE] = "already exists",
        [LD_ERR_IO] = "input/output error",
        [LD_ERR_CORRUPT] = "corrupt file",
        [LD_ERR_FULL] = "disk full",
        [LD_ERR_BUSY] = "busy",
        [LD_ERR_AUTH] = "not authorised",
        [LD_ERR_CLOCK] = "clock not trusted",
        [LD_ERR_STATE] = "not allowed now",
        [LD_ERR_UNSUPPORTED] = "not supported",
    };
    if ((unsigned)err >= LD_ERR__COUNT || !names[err])
        return "unknown error";
    return names[err];
}
