/* reason_icon.h: the pictogram of a school's reason, from its words and its code. */
#ifndef KIOSK_REASON_ICON_H
#define KIOSK_REASON_ICON_H

#include "icons.h"
#include "ld_codes.h"

/*
 * Returns the pictogram for the reason called label (the school's English words) that gives
 * code once confirmed (LD_CODE_NONE for none). Words are looked for at the start of a word,
 * without regard to case: "Dental appointment" a tooth, "Bus late" a bus, "Traffic" a car,
 * "Snow" the weather, "Overslept" an alarm clock, "Family" or "Other" a grown-up and a child,
 * "Religious observance" a calendar; failing the words, code M or I a doctor's bag and R a
 * calendar; failing both, a neutral speech bubble. Never KIOSK_ICON_NONE.
 */
enum kiosk_icon kiosk_reason_icon(const char *label, enum ld_code code);

#endif
