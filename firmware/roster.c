/* roster.c: ownership of a roster and of the warnings found while reading one. */
#include "roster.h"

#include <stdlib.h>
#include <string.h>

void ld_roster_free(struct ld_roster *roster)
{
    if (!roster)
        return;
    free(roster->pupils);
    memset(roster, 0, sizeof *roster);
}

void ld_roster_warnings_free(struct ld_roster_warnings *w)
{
    if (!w)
        return;
    free(w->items);
    memset(w, 0, sizeof *w);
}
