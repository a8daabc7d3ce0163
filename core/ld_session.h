/* ld_session.h: the two daily sessions, their registers, and how an arrival is marked. */
#ifndef LD_SESSION_H
#define LD_SESSION_H

#include <stdbool.h>

#include "ld_codes.h"
#include "ld_date.h"
#include "ld_err.h"

enum ld_session_id { LD_AM = 0, LD_PM = 1 };

/* The 2024 regulations: a register stays open for the same time each session, at most 30 min. */
#define LD_REGISTER_MAX_OPEN 30

struct ld_session_times {
    ld_minute start;           /* the register starts */
    ld_minute register_closes; /* the register closes; start <= closes <= start + 30 */
};

struct ld_sessions {
    struct ld_session_times am, pm;
};

/* Fills s with the defaults: am 08:50 to 09:20, pm 13:00 to 13:30. */
void ld_sessions_default(struct ld_sessions *s);

/*
 * Checks the rules: each register_closes not before its start and at most 30 minutes after
 * it; pm start after am register_closes. On failure returns LD_ERR_INVALID and sets *field
 * ("am.register_closes") and *problem (a phrase) to constant strings.
 */
ld_err ld_sessions_check(const struct ld_sessions *s, const char **field, const char **problem);

/* Returns the session an arrival at minute t belongs to: am before the pm start, else pm. */
enum ld_session_id ld_session_of(const struct ld_sessions *s, ld_minute t);

/* What a reason does to an arrival's mark; LD_CODE_NONE means "no change". */
struct ld_reason_rule {
    enum ld_code before_close; /* replaces L */
    enum ld_code after_close;  /* replaces U */
};

/* True when rule (NULL: a reason the school does not have) can change a late mark at all. */
static inline bool ld_reason_rule_changes_code(const struct ld_reason_rule *rule)
{
    return rule && (rule->before_close != LD_CODE_NONE || rule->after_close != LD_CODE_NONE);
}

enum ld_outcome {
    LD_OUTCOME_ON_TIME,     /* at or before the session start */
    LD_OUTCOME_LATE_OPEN,   /* after the start, register still open: L */
    LD_OUTCOME_LATE_CLOSED, /* after the register closed: U */
};

struct ld_classification {
    enum ld_session_id session;
    enum ld_outcome outcome;
    enum ld_code code; /* "/" "\" L U, or the reason's code */
    int minutes_late;  /* t - start when after the start, else 0 */
    bool late;         /* counts as a late session: the code (a reason's included) is L or U */
};

/*
 * Marks an arrival at local minute t, applying rule (may be NULL) as the contract says: a
 * reason's code replaces L or U; when that code is itself L or U (a U turned into L because
 * the school's minibus was late) the session stays late with the arrival's minutes.
 */
void ld_classify_arrival(const struct ld_sessions *s, ld_minute t,
                         const struct ld_reason_rule *rule, struct ld_classification *out);

#endif
