/* reason_icon.c: which pictogram a reason at the door gets. */
#include "reason_icon.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Words that name each pictogram, looked for at the start of any word of the label ("dent"
 * finds "Dentist"); a word ending in '=' must be whole ("car=" is not "carer"). The first row
 * that matches wins: "Dental appointment" is a tooth before it is an appointment. */
static const struct {
    enum kiosk_icon icon;
    const char *words[10];
} rows[] = {
    {KIOSK_ICON_TOOTH, {"dent", "tooth", "teeth", "orthodont", NULL}},
    {KIOSK_ICON_BUS, {"bus=", "train", "transport", "taxi", "tram", "coach", "ferry", NULL}},
    {KIOSK_ICON_CAR, {"traffic", "car=", "road", "parking", "breakdown", "puncture", "jam=", NULL}},
    {KIOSK_ICON_WEATHER,
     {"weather", "snow", "ice=", "icy=", "rain=", "flood", "storm", "fog=", NULL}},
    {KIOSK_ICON_ALARM, {"overslept", "oversleep", "slept", "sleep", "alarm", "woke", NULL}},
    {KIOSK_ICON_MEDICAL,
     {"medic", "doctor", "gp=", "hospital", "clinic", "appointment", "ill=", "sick", "health",
      NULL}},
    {KIOSK_ICON_CALENDAR, {"religio", "faith", "festival", "eid=", "prayer", "observance", NULL}},
    {KIOSK_ICON_FAMILY,
     {"family", "sibling", "brother", "sister", "parent", "carer", "childcare", "other", NULL}},
};

/* True when word starts a word of label (any case); with a trailing '=', is a whole word. */
static bool starts_a_word(const char *label, const char *word)
{
    size_t n = strlen(word);
    bool whole = n > 0 && word[n - 1] == '=';
    n -= whole;
    for (const char *p = label; *p; p++)
        if ((p == label || !isalnum((unsigned char)p[-1])) && !strncasecmp(p, word, n) &&
            (!whole || !isalnum((unsigned char)p[n])))
            return true;
    return false;
}

enum kiosk_icon kiosk_reason_icon(const char *label, enum ld_code code)
{
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (size_t w = 0; rows[r].words[w]; w++)
            if (starts_a_word(label, rows[r].words[w]))
                return rows[r].icon;
    if (code == LD_CODE_M || code == LD_CODE_I)
        return KIOSK_ICON_MEDICAL;
    if (code == LD_CODE_R)
        return KIOSK_ICON_CALENDAR;
    return KIOSK_ICON_BUBBLE;
}
