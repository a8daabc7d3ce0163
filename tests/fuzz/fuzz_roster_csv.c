/* fuzz_roster_csv.c: libFuzzer target for the MIS roster CSV reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ld_flags.h"
#include "roster.h"
#include "upn.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string of a pupil is terminated, within its cap, valid UTF-8 and free of controls. */
static void check_text(const char *s, size_t size, int may_be_empty)
{
    size_t n = strnlen(s, size);
    if (n == size || (!may_be_empty && n == 0) || !ld_utf8_valid(s, n) || ld_utf8_has_control(s, n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ld_roster r;
    struct ld_roster_warnings w;
    char msg[512];
    msg[0] = '\0';
    ld_err err =
        ld_roster_parse_csv_buffer((const char *)data, size, "fuzz.csv", &r, &w, msg, sizeof msg);
    if (err) {
        /* All or nothing: a message, and nothing handed over. */
        if (!msg[0] || r.pupils || r.count || w.items || w.count)
            abort();
        return 0;
    }
    if (r.count == 0 || r.count > LD_ROSTER_MAX_PUPILS || w.count > LD_ROSTER_MAX_WARNINGS)
        abort();
    for (size_t i = 0; i < r.count; i++) {
        const struct ld_roster_pupil *p = &r.pupils[i];
        if (ld_upn_check(p->upn, NULL) == LD_UPN_MALFORMED || p->card.len > LD_UID_MAX ||
            (p->flags & ~LD_FLAG_ALL) || p->line == 0)
            abort();
        check_text(p->legal_first, sizeof p->legal_first, 0);
        check_text(p->legal_last, sizeof p->legal_last, 0);
        check_text(p->preferred_first, sizeof p->preferred_first, 0);
        check_text(p->preferred_last, sizeof p->preferred_last, 0);
        check_text(p->year, sizeof p->year, 1);
        check_text(p->class_name, sizeof p->class_name, 0);
        check_text(p->family, sizeof p->family, 1);
        if (i > 0 && p->line <= r.pupils[i - 1].line)
            abort();
    }
    /* No two pupils share a UPN or a card (checked in full on small rosters). */
    for (size_t i = 0; r.count <= 300 && i < r.count; i++) {
        for (size_t j = i + 1; j < r.count; j++) {
            const struct ld_roster_pupil *a = &r.pupils[i], *b = &r.pupils[j];
            if (!strcmp(a->upn, b->upn) || (a->card.len && ld_uid_equal(&a->card, &b->card)))
                abort();
        }
    }
    ld_roster_free(&r);
    ld_roster_warnings_free(&w);
    return 0;
}
