/* analyse_json.h: the attendance core as one JSON document in, one out (analyse-contract.md). */
#ifndef LD_ANALYSE_JSON_H
#define LD_ANALYSE_JSON_H

#include <stddef.h>

#include "ld_err.h"

/* The largest input document accepted, in bytes. */
#define LD_ANALYSE_MAX_INPUT (256u * 1024 * 1024)

/*
 * Runs the contract on the JSON text of len bytes; text[len] must be a NUL. On success
 * returns LD_OK and sets *out to a NUL-terminated JSON document that the caller frees with
 * free(). On bad input returns LD_ERR_INVALID (LD_ERR_RANGE past a cap) and writes one line
 * naming the field and the problem into msg, for example
 * `arrivals[3].at: not a time: "9:7"`; *out is then NULL. LD_ERR_NOMEM when memory runs out.
 */
LD_MUST_CHECK ld_err ld_analyse_json(const char *text, size_t len, char **out, char *msg,
                                     size_t msglen);

#endif
