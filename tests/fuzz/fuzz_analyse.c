/*
 * fuzz_analyse.c: libFuzzer target for the JSON input of `latedoor analyse` (version 2: its
 * corpus and dictionary hold as_of times, registers_until, on_roll, named stages, escapes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyse_json.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *out = NULL, msg[512];
    ld_err err = ld_analyse_json(text, size, &out, msg, sizeof msg);
    /* Every failure leaves a message and no output; every success leaves output. */
    if ((err == LD_OK) != (out != NULL) || (err && err != LD_ERR_NOMEM && !msg[0]))
        abort();
    /* Text that is not UTF-8, or a \u0000, is refused, never copied to the output. */
    if (out && !ld_utf8_valid(out, strlen(out)))
        abort();
    free(out);
    free(text);
    return 0;
}
