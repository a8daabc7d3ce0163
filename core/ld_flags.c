/* ld_flags.c: pupil flags and the first-day-calling groups. */
#include "ld_flags.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
} flags[] = {
    {"CP", LD_FLAG_CP}, {"LAC", LD_FLAG_LAC}, {"CIN", LD_FLAG_CIN},
    {"SC", LD_FLAG_SC}, {"PP", LD_FLAG_PP},   {"SEN", LD_FLAG_SEN},
};

bool ld_flag_parse(const char *name, unsigned *out)
{
    for (size_t i = 0; name && i < sizeof flags / sizeof flags[0]; i++) {
        if (!strcmp(name, flags[i].name)) {
            *out = flags[i].bit;
            return true;
        }
    }
    return false;
}

const char *ld_flag_name(unsigned flag)
{
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (flags[i].bit == flag)
            return flags[i].name;
    return NULL;
}

int ld_flags_call_group(unsigned f)
{
    static const unsigned order[4] = {LD_FLAG_CP, LD_FLAG_LAC, LD_FLAG_CIN, LD_FLAG_SC};
    for (int i = 0; i < 4; i++)
        if (f & order[i])
            return i;
    return 4;
}
