/* fuzz_mis_marks.c: libFuzzer target for the MIS attendance marks CSV reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ld_central_mark *m = (void *)1;
    size_t n = 99;
    char msg[512];
    msg[0] = '\0';
    ld_err err = ld_mis_marks_parse_buffer((const char *)data, size, "fuzz.csv", NULL, &m, &n, msg,
                                           sizeof msg);
    if (err) {
        /* all or nothing: a message, and nothing handed over */
        if (!msg[0] || m || n)
            abort();
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char why[256];
        if (ld_central_mark_check(&m[i], "fuzz", why, sizeof why) != LD_OK)
            abort();
        /* no pupil, date and session twice (checked in full on small files) */
        for (size_t j = i + 1; n <= 300 && j < n; j++)
            if (!strcmp(m[i].upn, m[j].upn) && m[i].date == m[j].date &&
                m[i].session == m[j].session)
                abort();
    }
    free(m);
    return 0;
}
