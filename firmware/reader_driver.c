/* reader_driver.c: the driver handle that puts one face on every reader's ops table. */
#include "reader.h"

#include <stdlib.h>

struct ld_reader {
    const struct ld_reader_ops *ops;
    void *impl;
};

ld_err ld_reader_create(const struct ld_reader_ops *ops, void *impl, struct ld_reader **out)
{
    if (!out)
        return LD_ERR_INVALID;
    *out = NULL;
    if (!ops || !ops->name || !ops->open || !ops->read || !ops->close || !ops->interrupt ||
        !ops->destroy)
        return LD_ERR_INVALID;
    struct ld_reader *r = malloc(sizeof *r);
    if (!r)
        return LD_ERR_NOMEM;
    r->ops = ops;
    r->impl = impl;
    *out = r;
    return LD_OK;
}

void ld_reader_destroy(struct ld_reader *reader)
{
    if (!reader)
        return;
    reader->ops->destroy(reader->impl);
    free(reader);
}

const char *ld_reader_name(const struct ld_reader *reader)
{
    return reader->ops->name;
}

ld_err ld_reader_open(struct ld_reader *reader, char *msg, size_t msglen)
{
    return reader->ops->open(reader->impl, msg, msglen);
}

ld_err ld_reader_read(struct ld_reader *reader, struct ld_uid *uid, char *msg, size_t msglen)
{
    return reader->ops->read(reader->impl, uid, msg, msglen);
}

void ld_reader_close(struct ld_reader *reader)
{
    reader->ops->close(reader->impl);
}

void ld_reader_interrupt(struct ld_reader *reader)
{
    reader->ops->interrupt(reader->impl);
}

const char *ld_reader_state_name(enum ld_reader_state state)
{
    switch (state) {
    case LD_READER_STOPPED:
        return "stopped";
    case LD_READER_RECONNECTING:
        return "reconnecting";
    case LD_READER_MISSING:
        return "missing";
    case LD_READER_OK:
        return "ok";
    }
    return "unknown";
}
