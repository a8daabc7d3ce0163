/* fuzz_letter_template.c: libFuzzer target for the letter template's placeholders. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_letter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char msg[512];
    struct ld_letter_template *t = NULL;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    msg[0] = '\0';
    ld_err err = ld_letter_template_parse(text, "fuzz.html", &t, msg, sizeof msg);
    if (err && (!msg[0] || t))
        abort();
    if (!err && !t)
        abort();
    ld_letter_template_free(t);
    free(text);
    return 0;
}
