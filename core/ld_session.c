/* ld_session.c: session times, the 30-minute rule, and marking an arrival. */
#include "ld_session.h"

void ld_sessions_default(struct ld_sessions *s)
{
    s->am.start = 8 * 60 + 50;
    s->am.register_closes = 9 * 60 + 20;
    s->pm.start = 13 * 60;
    s->pm.register_closes = 13 * 60 + 30;
}

ld_err ld_sessions_check(const struct ld_sessions *s, const char **field, const char **problem)
{
    const struct ld_session_times *t[2] = {&s->am, &s->pm};
    static const char *const closes[2] = {"am.register_closes", "pm.register_closes"};
    static const char *const starts[2] = {"am.start", "pm.start"};
    for (int i = 0; i < 2; i++) {
        if (t[i]->start < 0 || t[i]->start > 1439) {
            *field = starts[i];
            *problem = "not a time of day";
            return LD_ERR_INVALID;
        }
        if (t[i]->register_closes < t[i]->start) {
            *field = closes[i];
            *problem = "before the session start";
            return LD_ERR_INVALID;
        }
        if (t[i]->register_closes - t[i]->start > LD_REGISTER_MAX_OPEN) {
            *field = closes[i];
            *problem = "more than 30 minutes after the session start";
            return LD_ERR_INVALID;
        }
    }
    if (s->pm.start <= s->am.register_closes) {
        *field = "pm.start";
        *problem = "not after the am register closes";
        return LD_ERR_INVALID;
    }
    return LD_OK;
}

enum ld_session_id ld_session_of(const struct ld_sessions *s, ld_minute t)
{
    return t < s->pm.start ? LD_AM : LD_PM;
}

void ld_classify_arrival(const struct ld_sessions *s, ld_minute t,
                         const struct ld_reason_rule *rule, struct ld_classification *out)
{
    enum ld_session_id id = ld_session_of(s, t);
    const struct ld_session_times *st = id == LD_AM ? &s->am : &s->pm;
    out->session = id;
    out->minutes_late = t > st->start ? t - st->start : 0;
    out->late = false;
    if (t <= st->start) {
        out->outcome = LD_OUTCOME_ON_TIME;
        out->code = id == LD_AM ? LD_CODE_PRESENT_AM : LD_CODE_PRESENT_PM;
        return;
    }
    enum ld_code replace;
    if (t <= st->register_closes) {
        out->outcome = LD_OUTCOME_LATE_OPEN;
        out->code = LD_CODE_L;
        replace = rule ? rule->before_close : LD_CODE_NONE;
    } else {
        out->outcome = LD_OUTCOME_LATE_CLOSED;
        out->code = LD_CODE_U;
        replace = rule ? rule->after_close : LD_CODE_NONE;
    }
    if (replace != LD_CODE_NONE)
        out->code = replace;
    out->late = ld_code_is_late(out->code);
}
