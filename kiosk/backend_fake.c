/* backend_fake.c: Hollybrook Primary School in memory, behind struct kiosk_backend_ops. */
#include "backend_fake.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"

#define FAKE_MAX_PUPILS   160
#define FAKE_MAX_ARRIVALS 256
#define FAKE_MAX_UNKNOWN  32

/* One pupil of the fictional roster. Only the fake knows surnames; the UI gets initials. */
struct seed {
    const char *first, *surname, *class_name, *family, *card;
    const char *arrived; /* "HH:MM" already arrived this morning, NULL for not yet */
    const char *reason;  /* the reason given with that arrival */
    bool by_staff;       /* signed in by staff for a parent */
    bool priority;       /* first-day calling: a vulnerable-pupil group */
    const char *patterns[2];
};

static const struct seed named[] = {
    {"Zoë", "Adams", "3B", "Adams family", KIOSK_FAKE_CARD_ZOE, NULL, NULL, false, false, {0}},
    {"Łukasz", "Wiśniewski", "3B", NULL, KIOSK_FAKE_CARD_LUKASZ, NULL, NULL, false, false, {0}},
    {"Amara", "Okafor", "3B", NULL, "04C0FFEE000001", NULL, NULL, false, true, {0}},
    {"Oliver",
     "Bennett",
     "3B",
     "Bennett family",
     NULL,
     "08:57",
     "Traffic",
     false,
     false,
     {"Late on 3 of the last 6 Mondays", "Late on 5 of the last 20 school days"}},
    {"Diễm", "Trần", "3B", NULL, NULL, "09:26", "Medical appointment", true, false, {0}},
    {"Siobhán", "O'Neill", "4B", NULL, KIOSK_FAKE_CARD_SIOBHAN, "08:41", NULL, false, false, {0}},
    {"An",
     "Nguyễn",
     "2B",
     "Nguyễn family",
     NULL,
     NULL,
     NULL,
     false,
     false,
     {"Late on each of the last 3 school days", NULL}},
    {"Tadhg", "Ó Súilleabháin", "2B", NULL, NULL, "09:02", "Overslept", false, false, {0}},
    {"Tomás",
     "Brennan",
     "R",
     "Brennan family",
     NULL,
     "09:31",
     NULL,
     false,
     true,
     {"Arrived after the register closed 2 times in the last 20 school days", NULL}},
    {"Evie",
     "Walsh",
     "3B",
     NULL,
     NULL,
     "08:46",
     NULL,
     false,
     false,
     {"Late on 1 day in the last 20 school days, down from 6 in the 20 before", NULL}},
    {"Zuzana", "Horváthová", "4B", NULL, NULL, NULL, NULL, false, false, {0}},
    {"Björn", "Lindqvist", "2B", NULL, NULL, NULL, NULL, false, true, {0}},
    {"Ewa", "Dąbrowska", "6C", NULL, NULL, "08:53", NULL, false, false, {0}},
    {"Kacper", "Zieliński", "5A", NULL, NULL, NULL, NULL, false, false, {0}},
    {"Róisín", "Doherty", "R", NULL, NULL, NULL, NULL, false, false, {0}},
    {"Ida", "Søndergaard", "1A", NULL, NULL, NULL, NULL, false, false, {0}},
};

/* The rest of the roster is made from these, so every class has a believable size. */
static const char *const more_first[] = {
    "Freya", "Mohammed", "Isla",   "Jakub",  "Chloé", "Harry",  "Aoife",  "Noah",
    "Sofia", "Kwame",    "Ella",   "Dawid",  "Maya",  "Oscar",  "Ayesha", "Finn",
    "Lily",  "Mateus",   "Grace",  "Leo",    "Hana",  "Rhys",   "Priya",  "Callum",
    "Elena", "Ruby",     "Jonas",  "Megan",  "Ahmed", "Chiara", "Daniel", "Ifeoma",
    "Sam",   "Nia",      "Thomas", "Zainab", "Luca",  "Ben",    "Emily",  "Joe"};
static const char *const more_surname[] = {
    "Collins", "Rahman", "Fraser",     "Nowak",     "Martin", "Wilson",   "Byrne",   "Clarke",
    "Rossi",   "Mensah", "Hughes",     "Kowalczyk", "Patel",  "Reid",     "Khan",    "Murphy",
    "Evans",   "Sousa",  "Shaw",       "Thompson",  "Suzuki", "Morgan",   "Sharma",  "MacLeod",
    "Popescu", "Turner", "Kazlauskas", "Price",     "Hassan", "Bianchi",  "Sánchez", "Nwosu",
    "Cooper",  "Owusu",  "Wright",     "Chowdhury", "Conti",  "Fletcher", "Carter",  "King"};
static const char *const class_names[] = {"R",  "1A", "1B", "2A", "2B", "3A", "3B",
                                          "4A", "4B", "5A", "5B", "6A", "6B", "6C"};
#define NCLASSES (sizeof class_names / sizeof class_names[0])

struct pupil {
    char upn[KIOSK_UPN_MAX];
    char first[32], surname[48];
    char class_name[KIOSK_CLASS_MAX];
    char family[KIOSK_FAMILY_MAX];
    char card[KIOSK_UID_MAX];
    bool priority;
    const char *patterns[2];
    int arrival; /* index into arrivals, -1 when not arrived */
    bool away;
    char away_time[KIOSK_TIME_MAX], away_reason[KIOSK_REASON_MAX];
};

struct arrival {
    int pupil;
    char ref[KIOSK_REF_MAX];
    char time[KIOSK_TIME_MAX];
    ld_minute minute;
    enum ld_outcome outcome;
    enum ld_code code;
    char reason[KIOSK_REASON_MAX];
    bool by_staff, by_touch, voided;
    bool claimed; /* reason was claimed at the door and staff have not confirmed it */
};

struct kiosk_fake {
    struct pupil pupils[FAKE_MAX_PUPILS];
    size_t npupils;
    struct arrival arrivals[FAKE_MAX_ARRIVALS];
    size_t narrivals;
    struct kiosk_unknown_card unknown[FAKE_MAX_UNKNOWN];
    size_t nunknown;
    unsigned seq;

    bool clock_set, clock_running;
    struct kiosk_clock clock;
    struct timespec clock_t0;

    struct kiosk_status status;
    bool gate_mode;
    bool staff_lists;
    bool confirm_late_touch;
    char closed_day[KIOSK_CLOSED_MAX]; /* "" on a school day, else what the day is */
    bool no_roster;                    /* lists no class: a kiosk before its roster is imported */
    struct kiosk_pin_lock_state pin_lock; /* as written: it outlives an app's restart */
    char punctual[KIOSK_CLASS_MAX];
    char photos_dir[KIOSK_PATH_MAX];
    char languages[KIOSK_LANGUAGES_MAX][KIOSK_LANGUAGE_MAX];
    size_t language_count;

    ld_err fail_err;
    char fail_msg[KIOSK_DETAIL_MAX];
    char last_error[KIOSK_DETAIL_MAX];
    struct kiosk_fake_log log;
};

/* ---- helpers ---------------------------------------------------------------------------- */

/* Returns true (and arms last_error) when a failure was asked for with kiosk_fake_fail_next. */
static bool failing(struct kiosk_fake *f, ld_err *err)
{
    if (f->fail_err == LD_OK)
        return false;
    *err = f->fail_err;
    kiosk_copy(f->last_error, sizeof f->last_error, f->fail_msg);
    f->fail_err = LD_OK;
    return true;
}

static ld_err fail(struct kiosk_fake *f, ld_err err, const char *msg)
{
    kiosk_copy(f->last_error, sizeof f->last_error, msg);
    return err;
}

static void display_name(const struct pupil *p, char out[KIOSK_NAME_MAX])
{
    kiosk_name_display(p->first, p->surname, out, KIOSK_NAME_MAX);
}

static void read_clock(struct kiosk_fake *f, struct kiosk_clock *out)
{
    if (f->clock_set && !f->clock_running) {
        *out = f->clock;
        return;
    }
    struct tm tm;
    if (f->clock_set) {
        /* The demo's morning runs on from its start in real time; the date stays. */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long s = f->clock.hour * 3600L + f->clock.minute * 60L + f->clock.second +
                 (long)(now.tv_sec - f->clock_t0.tv_sec);
        *out = f->clock;
        out->hour = (int)(s / 3600 % 24);
        out->minute = (int)(s / 60 % 60);
        out->second = (int)(s % 60);
        return;
    }
    time_t t = time(NULL);
    localtime_r(&t, &tm);
    out->year = tm.tm_year + 1900;
    out->month = tm.tm_mon + 1;
    out->day = tm.tm_mday;
    out->weekday = (tm.tm_wday + 6) % 7;
    out->hour = tm.tm_hour;
    out->minute = tm.tm_min;
    out->second = tm.tm_sec;
}

static void clock_hhmm(struct kiosk_fake *f, char out[KIOSK_TIME_MAX], ld_minute *minute)
{
    struct kiosk_clock c;
    read_clock(f, &c);
    kiosk_hhmm(c.hour, c.minute, out);
    *minute = c.hour * 60 + c.minute;
}

/*
 * Marks the arrival a with the core's rules and its reason when staff gave or confirmed it;
 * the fake's one school reason with a code of its own: a medical appointment is M.
 */
static void classify(struct arrival *a)
{
    static const struct ld_reason_rule medical = {LD_CODE_M, LD_CODE_M};
    struct ld_sessions s;
    struct ld_classification c;
    ld_sessions_default(&s);
    bool counts = !a->claimed && strcmp(a->reason, "Medical appointment") == 0;
    ld_classify_arrival(&s, a->minute, counts ? &medical : NULL, &c);
    a->outcome = c.outcome;
    a->code = c.code;
}

static int add_arrival(struct kiosk_fake *f, int pupil, const char *time, ld_minute t,
                       const char *reason, bool by_staff)
{
    if (f->narrivals == FAKE_MAX_ARRIVALS)
        return -1;
    struct arrival *a = &f->arrivals[f->narrivals];
    memset(a, 0, sizeof *a);
    a->pupil = pupil;
    snprintf(a->ref, sizeof a->ref, "door-1:%u", ++f->seq);
    kiosk_copy(a->time, sizeof a->time, time);
    a->minute = t;
    kiosk_copy(a->reason, sizeof a->reason, reason);
    a->by_staff = by_staff;
    classify(a);
    f->pupils[pupil].arrival = (int)f->narrivals;
    return (int)f->narrivals++;
}

static void greeting_of(const struct kiosk_fake *f, int ai, enum kiosk_greet_kind kind,
                        struct kiosk_greeting *g)
{
    const struct arrival *a = &f->arrivals[ai];
    memset(g, 0, sizeof *g);
    g->kind = kind;
    display_name(&f->pupils[a->pupil], g->name);
    kiosk_copy(g->time, sizeof g->time, a->time);
    g->outcome = a->outcome;
    g->ask_reason =
        kind == KIOSK_GREET_ARRIVED && a->outcome != LD_OUTCOME_ON_TIME && a->reason[0] == '\0';
    kiosk_copy(g->reason, sizeof g->reason, a->reason);
    kiosk_copy(g->arrival, sizeof g->arrival, a->ref);
    kiosk_copy(g->family, sizeof g->family, f->pupils[a->pupil].family);
}

static int find_upn(const struct kiosk_fake *f, const char *upn)
{
    for (size_t i = 0; i < f->npupils; i++)
        if (upn && strcmp(f->pupils[i].upn, upn) == 0)
            return (int)i;
    return -1;
}

static int find_ref(const struct kiosk_fake *f, const char *ref)
{
    for (size_t i = 0; i < f->narrivals; i++)
        if (ref && strcmp(f->arrivals[i].ref, ref) == 0)
            return (int)i;
    return -1;
}

/* Signs pupil i in now, or reports the arrival already made. */
static ld_err arrive(struct kiosk_fake *f, int i, const char *reason, bool by_staff, bool touch,
                     struct kiosk_greeting *out)
{
    struct pupil *p = &f->pupils[i];
    char hhmm[KIOSK_TIME_MAX];
    ld_minute t;
    clock_hhmm(f, hhmm, &t);
    if (f->closed_day[0] || t >= FAKE_SCHOOL_ENDS) { /* no school now: told so, nothing marked */
        memset(out, 0, sizeof *out);
        out->kind = KIOSK_GREET_CLOSED;
        if (f->closed_day[0])
            display_name(p, out->name);
        kiosk_copy(out->closed, sizeof out->closed,
                   f->closed_day[0] ? f->closed_day : KIOSK_AFTER_SCHOOL);
        f->log.closed++;
        return LD_OK;
    }
    if (p->arrival >= 0 && !f->arrivals[p->arrival].voided) {
        greeting_of(f, p->arrival, KIOSK_GREET_ALREADY, out);
        return LD_OK;
    }
    int ai = add_arrival(f, i, hhmm, t, reason, by_staff);
    if (ai < 0)
        return fail(f, LD_ERR_FULL, "The fake school's arrival log is full.");
    f->arrivals[ai].by_touch = touch;
    greeting_of(f, ai, KIOSK_GREET_ARRIVED, out);
    if (by_staff)
        out->ask_reason = false;
    return LD_OK;
}

/* ---- the ops ---------------------------------------------------------------------------- */

static const char *fake_last_error(void *impl)
{
    struct kiosk_fake *f = impl;
    return f->last_error[0] ? f->last_error : "No error.";
}

static ld_err fake_settings(void *impl, struct kiosk_settings *out)
{
    struct kiosk_fake *f = impl;
    static const char *const reasons[] = {"Medical appointment",
                                          "Dental appointment",
                                          "Religious observance",
                                          "Overslept",
                                          "Traffic",
                                          "Other"};
    ld_err err;
    if (failing(f, &err))
        return err;
    memset(out, 0, sizeof *out);
    kiosk_copy(out->school_name, sizeof out->school_name, "Hollybrook Primary School");
    out->gate_mode = f->gate_mode;
    out->staff_lists = f->staff_lists;
    out->confirm_late_touch = f->confirm_late_touch;
    kiosk_copy(out->am_closes, sizeof out->am_closes, "09:20");
    static const enum ld_code codes[] = {LD_CODE_M,    LD_CODE_M,    LD_CODE_R,
                                         LD_CODE_NONE, LD_CODE_NONE, LD_CODE_NONE};
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        out->reason_codes[out->reason_count] = codes[i];
        kiosk_copy(out->reasons[out->reason_count++], KIOSK_REASON_MAX, reasons[i]);
    }
    for (size_t i = 0; i < f->language_count; i++)
        kiosk_copy(out->languages[out->language_count++], KIOSK_LANGUAGE_MAX, f->languages[i]);
    out->reason_timeout_s = 20;
    out->staff_idle_lock_s = 60;
    kiosk_copy(out->photos_dir, sizeof out->photos_dir, f->photos_dir);
    return LD_OK;
}

static ld_err fake_now(void *impl, struct kiosk_clock *out)
{
    read_clock(impl, out);
    return LD_OK;
}

static ld_err fake_pin_lock_read(void *impl, struct kiosk_pin_lock_state *out)
{
    struct kiosk_fake *f = impl;
    *out = f->pin_lock;
    return LD_OK;
}

static ld_err fake_pin_lock_write(void *impl, const struct kiosk_pin_lock_state *st)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    f->pin_lock = *st;
    return LD_OK;
}

static ld_err fake_pin_wrong(void *impl, const char *staff_id)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    f->log.pin_wrongs++;
    kiosk_copy(f->log.last_pin_staff, sizeof f->log.last_pin_staff, staff_id ? staff_id : "");
    return LD_OK;
}

static ld_err fake_status(void *impl, struct kiosk_status *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    *out = f->status;
    return LD_OK;
}

static bool fake_punctual(void *impl, char *out, size_t outlen)
{
    struct kiosk_fake *f = impl;
    if (!f->punctual[0])
        return false;
    kiosk_copy(out, outlen, f->punctual);
    return true;
}

static ld_err fake_tap_card(void *impl, const char *uid, struct kiosk_greeting *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    f->log.taps++;
    if (strcmp(uid, KIOSK_FAKE_CARD_STAFF) == 0) {
        memset(out, 0, sizeof *out);
        out->kind = KIOSK_GREET_STAFF;
        kiosk_copy(out->name, sizeof out->name, "Ms Hughes");
        return LD_OK;
    }
    for (size_t i = 0; i < f->npupils; i++)
        if (strcmp(f->pupils[i].card, uid) == 0)
            return arrive(f, (int)i, NULL, false, false, out);

    /* Nobody's card: keep it (once) for enrolment, most recent first. */
    char hhmm[KIOSK_TIME_MAX];
    ld_minute t;
    clock_hhmm(f, hhmm, &t);
    size_t k = 0;
    while (k < f->nunknown && strcmp(f->unknown[k].uid, uid) != 0)
        k++;
    if (k == f->nunknown && f->nunknown < FAKE_MAX_UNKNOWN)
        f->nunknown++;
    if (k == FAKE_MAX_UNKNOWN)
        k--;
    memmove(&f->unknown[1], &f->unknown[0], k * sizeof f->unknown[0]);
    kiosk_copy(f->unknown[0].uid, KIOSK_UID_MAX, uid);
    kiosk_copy(f->unknown[0].time, KIOSK_TIME_MAX, hhmm);
    memset(out, 0, sizeof *out);
    out->kind = KIOSK_GREET_UNKNOWN;
    kiosk_copy(out->uid, sizeof out->uid, uid);
    kiosk_copy(out->time, sizeof out->time, hhmm);
    return LD_OK;
}

static ld_err fake_sign_in(void *impl, const char *upn, const char *reason, bool by_staff,
                           struct kiosk_greeting *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int i = find_upn(f, upn);
    if (i < 0)
        return fail(f, LD_ERR_NOT_FOUND, "That pupil is not on the roster.");
    f->log.sign_ins++;
    kiosk_copy(f->log.last_upn, sizeof f->log.last_upn, upn);
    return arrive(f, i, reason, by_staff, !by_staff, out);
}

static ld_err fake_record_reason(void *impl, const char *ref, const char *reason,
                                 struct kiosk_greeting *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int ai = find_ref(f, ref);
    if (ai < 0)
        return fail(f, LD_ERR_NOT_FOUND, "That arrival is not in the log.");
    f->log.reasons++;
    if (!reason)
        f->log.no_reasons++;
    kiosk_copy(f->log.last_ref, sizeof f->log.last_ref, ref);
    kiosk_copy(f->log.last_reason, sizeof f->log.last_reason, reason);
    kiosk_copy(f->arrivals[ai].reason, sizeof f->arrivals[ai].reason, reason);
    f->arrivals[ai].claimed = reason && !f->arrivals[ai].by_staff; /* told at the door */
    classify(&f->arrivals[ai]);
    greeting_of(f, ai, KIOSK_GREET_ARRIVED, out);
    out->ask_reason = false;
    return LD_OK;
}

static ld_err fake_list_classes(void *impl, struct kiosk_class_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    out->n = out->total = 0;
    for (size_t c = 0; !f->no_roster && c < NCLASSES && c < KIOSK_CLASSES_MAX; c++) {
        struct kiosk_class *k = &out->items[out->n++];
        kiosk_copy(k->name, sizeof k->name, class_names[c]);
        k->pupils = 0;
        for (size_t i = 0; i < f->npupils; i++)
            k->pupils += strcmp(f->pupils[i].class_name, class_names[c]) == 0;
    }
    out->total = out->n;
    return LD_OK;
}

static void add_pupil(const struct kiosk_fake *f, size_t i, struct kiosk_pupil_list *out)
{
    out->total++;
    if (out->n == KIOSK_LIST_MAX)
        return;
    struct kiosk_pupil *p = &out->items[out->n++];
    kiosk_copy(p->upn, sizeof p->upn, f->pupils[i].upn);
    display_name(&f->pupils[i], p->name);
    kiosk_copy(p->class_name, sizeof p->class_name, f->pupils[i].class_name);
}

static ld_err fake_list_pupils(void *impl, const char *class_name, struct kiosk_pupil_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    out->n = out->total = 0;
    for (size_t i = 0; i < f->npupils; i++)
        if (strcmp(f->pupils[i].class_name, class_name) == 0)
            add_pupil(f, i, out);
    return LD_OK;
}

static bool starts_with_folded(const char *s, const char *folded_prefix)
{
    char buf[96];
    kiosk_name_fold(s, buf, sizeof buf);
    return strncmp(buf, folded_prefix, strlen(folded_prefix)) == 0;
}

static ld_err fake_search(void *impl, const char *prefix, struct kiosk_pupil_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    char q[64];
    kiosk_name_fold(prefix, q, sizeof q);
    out->n = out->total = 0;
    if (!q[0])
        return LD_OK;
    for (size_t i = 0; i < f->npupils; i++)
        if (starts_with_folded(f->pupils[i].first, q) ||
            starts_with_folded(f->pupils[i].surname, q))
            add_pupil(f, i, out);
    return LD_OK;
}

/* A PIN check is a copy of the PIN (model.h); nothing of the fake is touched on the worker. */
static ld_err fake_list_staff(void *impl, struct kiosk_staff_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    memset(out, 0, sizeof *out);
    out->n = out->total = 1;
    kiosk_copy(out->items[0].id, sizeof out->items[0].id, KIOSK_FAKE_STAFF_ID);
    kiosk_copy(out->items[0].name, sizeof out->items[0].name, "Ms Hughes");
    return LD_OK;
}

static void *fake_pin_begin(void *impl, const char *staff_id, const char *pin)
{
    (void)impl;
    size_t len = pin ? strlen(pin) : 0;
    if (len == 0 || len > KIOSK_PIN_MAX || (staff_id && strcmp(staff_id, KIOSK_FAKE_STAFF_ID)))
        return NULL;
    char *copy = calloc(1, KIOSK_PIN_MAX + 1);
    if (copy)
        memcpy(copy, pin, len);
    return copy;
}

static enum kiosk_pin_result fake_pin_run(void *check)
{
    return strcmp(check, KIOSK_FAKE_PIN) == 0 ? KIOSK_PIN_OK : KIOSK_PIN_WRONG;
}

static void fake_pin_end(void *impl, void *check, bool apply)
{
    (void)impl;
    (void)apply;
    if (!check)
        return;
    sodium_memzero(check, KIOSK_PIN_MAX + 1);
    free(check);
}

/* Returns true when arrival a comes before b in "most recent first" order. */
static bool more_recent(const struct kiosk_fake *f, int a, int b)
{
    int c = strcmp(f->arrivals[a].time, f->arrivals[b].time);
    return c ? c > 0 : a > b;
}

static ld_err fake_arrivals(void *impl, bool late_only, struct kiosk_arrival_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int idx[FAKE_MAX_ARRIVALS];
    size_t n = 0;
    for (size_t k = 0; k < f->narrivals; k++) {
        const struct arrival *a = &f->arrivals[k];
        if (!a->voided && !(late_only && a->outcome == LD_OUTCOME_ON_TIME))
            idx[n++] = (int)k;
    }
    for (size_t k = 1; k < n; k++) { /* insertion sort: a few hundred at most */
        int v = idx[k];
        size_t j = k;
        for (; j > 0 && more_recent(f, v, idx[j - 1]); j--)
            idx[j] = idx[j - 1];
        idx[j] = v;
    }
    out->n = 0;
    out->total = n;
    for (size_t k = 0; k < n && out->n < KIOSK_LIST_MAX; k++) {
        const struct arrival *a = &f->arrivals[idx[k]];
        struct kiosk_arrival *o = &out->items[out->n++];
        kiosk_copy(o->ref, sizeof o->ref, a->ref);
        display_name(&f->pupils[a->pupil], o->name);
        kiosk_copy(o->class_name, sizeof o->class_name, f->pupils[a->pupil].class_name);
        kiosk_copy(o->time, sizeof o->time, a->time);
        o->outcome = a->outcome;
        kiosk_copy(o->reason, sizeof o->reason, a->reason);
        o->by_staff = a->by_staff;
        o->by_touch = a->by_touch;
        o->code = a->code;
        o->needs_evidence = a->claimed;
    }
    return LD_OK;
}

static ld_err fake_speak_to(void *impl, struct kiosk_speak_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    out->n = out->total = 0;
    for (size_t i = 0; i < f->npupils; i++) {
        const struct pupil *p = &f->pupils[i];
        if (!p->patterns[0])
            continue;
        out->total++;
        if (out->n == KIOSK_LIST_MAX)
            continue;
        struct kiosk_speak *s = &out->items[out->n++];
        memset(s, 0, sizeof *s);
        display_name(p, s->name);
        kiosk_copy(s->class_name, sizeof s->class_name, p->class_name);
        kiosk_copy(s->family, sizeof s->family, p->family);
        for (size_t k = 0; k < 2 && p->patterns[k]; k++)
            kiosk_copy(s->sentences[s->nsentences++], KIOSK_SENTENCE_MAX, p->patterns[k]);
    }
    return LD_OK;
}

static ld_err fake_away_list(void *impl, struct kiosk_away_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    out->n = out->total = 0;
    for (size_t i = 0; i < f->npupils; i++) {
        const struct pupil *p = &f->pupils[i];
        if (!p->away)
            continue;
        out->total++;
        if (out->n == KIOSK_LIST_MAX)
            continue;
        struct kiosk_away *a = &out->items[out->n++];
        kiosk_copy(a->upn, sizeof a->upn, p->upn);
        display_name(p, a->name);
        kiosk_copy(a->class_name, sizeof a->class_name, p->class_name);
        kiosk_copy(a->time, sizeof a->time, p->away_time);
        kiosk_copy(a->reason, sizeof a->reason, p->away_reason);
    }
    return LD_OK;
}

static ld_err fake_sign_out(void *impl, const char *upn, const char *reason)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int i = find_upn(f, upn);
    if (i < 0)
        return fail(f, LD_ERR_NOT_FOUND, "That pupil is not on the roster.");
    if (f->pupils[i].away)
        return fail(f, LD_ERR_STATE, "That pupil is signed out already.");
    ld_minute t;
    f->pupils[i].away = true;
    clock_hhmm(f, f->pupils[i].away_time, &t);
    kiosk_copy(f->pupils[i].away_reason, sizeof f->pupils[i].away_reason, reason);
    f->log.sign_outs++;
    kiosk_copy(f->log.last_upn, sizeof f->log.last_upn, upn);
    return LD_OK;
}

static ld_err fake_sign_back_in(void *impl, const char *upn)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int i = find_upn(f, upn);
    if (i < 0 || !f->pupils[i].away)
        return fail(f, LD_ERR_STATE, "That pupil is not signed out.");
    f->pupils[i].away = false;
    f->log.back_ins++;
    kiosk_copy(f->log.last_upn, sizeof f->log.last_upn, upn);
    return LD_OK;
}

static ld_err fake_void(void *impl, const char *ref)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int ai = find_ref(f, ref);
    if (ai < 0 || f->arrivals[ai].voided)
        return fail(f, LD_ERR_NOT_FOUND, "That arrival is not in the log.");
    f->arrivals[ai].voided = true;
    f->log.voids++;
    return LD_OK;
}

static ld_err fake_confirm_reason(void *impl, const char *ref)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int ai = find_ref(f, ref);
    if (ai < 0 || f->arrivals[ai].voided || !f->arrivals[ai].claimed)
        return fail(f, LD_ERR_STATE, "That arrival has no claimed reason to confirm.");
    f->arrivals[ai].claimed = false;
    classify(&f->arrivals[ai]);
    f->log.confirms++;
    return LD_OK;
}

static ld_err fake_unknown_cards(void *impl, struct kiosk_unknown_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    out->n = out->total = f->nunknown;
    memcpy(out->items, f->unknown, f->nunknown * sizeof f->unknown[0]);
    return LD_OK;
}

static ld_err fake_enrol(void *impl, const char *uid, const char *upn)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    int i = find_upn(f, upn);
    if (i < 0)
        return fail(f, LD_ERR_NOT_FOUND, "That pupil is not on the roster.");
    for (size_t k = 0; k < f->npupils; k++)
        if (strcmp(f->pupils[k].card, uid) == 0)
            return fail(f, LD_ERR_DUPLICATE, "That card belongs to another pupil already.");
    kiosk_copy(f->pupils[i].card, sizeof f->pupils[i].card, uid);
    for (size_t k = 0; k < f->nunknown; k++) {
        if (strcmp(f->unknown[k].uid, uid) == 0) {
            memmove(&f->unknown[k], &f->unknown[k + 1],
                    (f->nunknown - k - 1) * sizeof f->unknown[0]);
            f->nunknown--;
            break;
        }
    }
    f->log.enrols++;
    kiosk_copy(f->log.last_upn, sizeof f->log.last_upn, upn);
    kiosk_copy(f->log.last_uid, sizeof f->log.last_uid, uid);
    return LD_OK;
}

static ld_err fake_not_arrived(void *impl, struct kiosk_absent_list *out)
{
    struct kiosk_fake *f = impl;
    ld_err err;
    if (failing(f, &err))
        return err;
    out->n = out->total = 0;
    out->available_at[0] = '\0';
    out->not_known[0] = '\0'; /* the fake school signs everyone in */
    /* Not before the morning register closes (the default sessions), as the device. */
    struct ld_sessions s;
    struct kiosk_clock c;
    ld_sessions_default(&s);
    read_clock(f, &c);
    if (c.hour * 60 + c.minute <= s.am.register_closes) {
        kiosk_hhmm(s.am.register_closes / 60, s.am.register_closes % 60, out->available_at);
        return LD_OK;
    }
    /* First-day-calling order: the priority groups, then everyone else, each in roster order. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < f->npupils; i++) {
            const struct pupil *p = &f->pupils[i];
            bool here = p->arrival >= 0 && !f->arrivals[p->arrival].voided;
            if (here || p->priority != (pass == 0))
                continue;
            out->total++;
            if (out->n == KIOSK_LIST_MAX)
                continue;
            struct kiosk_absent *a = &out->items[out->n++];
            display_name(p, a->name);
            kiosk_copy(a->class_name, sizeof a->class_name, p->class_name);
            a->priority = p->priority;
        }
    }
    return LD_OK;
}

static const struct kiosk_backend_ops fake_ops = {
    .last_error = fake_last_error,
    .settings = fake_settings,
    .pin_lock_read = fake_pin_lock_read,
    .list_staff = fake_list_staff,
    .pin_lock_write = fake_pin_lock_write,
    .pin_wrong = fake_pin_wrong,
    .now = fake_now,
    .status = fake_status,
    .punctual_class = fake_punctual,
    .tap_card = fake_tap_card,
    .sign_in = fake_sign_in,
    .record_reason = fake_record_reason,
    .list_classes = fake_list_classes,
    .list_pupils = fake_list_pupils,
    .search_pupils = fake_search,
    .pin_begin = fake_pin_begin,
    .pin_run = fake_pin_run,
    .pin_end = fake_pin_end,
    .arrivals_today = fake_arrivals,
    .speak_to = fake_speak_to,
    .away_list = fake_away_list,
    .sign_out = fake_sign_out,
    .sign_back_in = fake_sign_back_in,
    .void_arrival = fake_void,
    .confirm_reason = fake_confirm_reason,
    .unknown_cards = fake_unknown_cards,
    .enrol_card = fake_enrol,
    .not_arrived = fake_not_arrived,
};

/* ---- building the school ---------------------------------------------------------------- */

static struct pupil *new_pupil(struct kiosk_fake *f, const char *first, const char *surname,
                               const char *class_name)
{
    struct pupil *p = &f->pupils[f->npupils];
    memset(p, 0, sizeof *p);
    /* Fictional UPN-shaped ids: a letter and twelve digits. */
    snprintf(p->upn, sizeof p->upn, "F%012llu", 873214700000ULL + f->npupils);
    kiosk_copy(p->first, sizeof p->first, first);
    kiosk_copy(p->surname, sizeof p->surname, surname);
    kiosk_copy(p->class_name, sizeof p->class_name, class_name);
    snprintf(p->card, sizeof p->card, "04%012llX", 0xA10000ULL + f->npupils);
    p->arrival = -1;
    f->npupils++;
    return p;
}

static ld_minute parse_minute(const char *hhmm)
{
    ld_minute m = 0;
    return ld_minute_parse(hhmm, &m) ? m : 0;
}

static void build_school(struct kiosk_fake *f)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        const struct seed *s = &named[i];
        struct pupil *p = new_pupil(f, s->first, s->surname, s->class_name);
        kiosk_copy(p->family, sizeof p->family, s->family);
        if (s->card)
            kiosk_copy(p->card, sizeof p->card, s->card);
        p->priority = s->priority;
        p->patterns[0] = s->patterns[0];
        p->patterns[1] = s->patterns[1];
    }
    /* Fill every class: 3B is the big one the names grid is tested with (28 pupils). */
    static const int sizes[NCLASSES] = {7, 6, 6, 6, 7, 6, 28, 6, 7, 6, 6, 6, 6, 7};
    size_t k = 0;
    for (size_t c = 0; c < NCLASSES; c++) {
        int have = 0;
        for (size_t i = 0; i < f->npupils; i++)
            have += strcmp(f->pupils[i].class_name, class_names[c]) == 0;
        for (; have < sizes[c] && f->npupils < FAKE_MAX_PUPILS; have++, k++) {
            size_t nf = sizeof more_first / sizeof more_first[0];
            size_t ns = sizeof more_surname / sizeof more_surname[0];
            new_pupil(f, more_first[k % nf], more_surname[(k * 7 + k / nf) % ns], class_names[c]);
        }
    }

    /* This morning so far: most of the school came on time, in roster order from 08:40. */
    size_t nnamed = sizeof named / sizeof named[0];
    for (size_t i = nnamed; i < f->npupils; i++) {
        if (i % 9 == 4)
            continue; /* not here yet */
        char t[KIOSK_TIME_MAX];
        ld_minute m = 8 * 60 + 40 + (ld_minute)(i % 10);
        kiosk_hhmm(m / 60, m % 60, t);
        add_arrival(f, (int)i, t, m, NULL, false);
    }
    /* Then the named pupils' arrivals, latest last, so "most recent first" reads naturally. */
    const char *order[] = {"08:41", "08:46", "08:53", "08:57", "09:02", "09:26", "09:31"};
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
        for (size_t i = 0; i < nnamed; i++)
            if (named[i].arrived && strcmp(named[i].arrived, order[o]) == 0)
                add_arrival(f, (int)i, named[i].arrived, parse_minute(named[i].arrived),
                            named[i].reason, named[i].by_staff);

    kiosk_copy(f->unknown[0].uid, KIOSK_UID_MAX, "04DEADBEEF0102");
    kiosk_copy(f->unknown[0].time, KIOSK_TIME_MAX, "08:52");
    f->nunknown = 1;

    /* Freya's dentist: signed out at 10:05 on a normal day; seeded so the list is not empty. */
    for (size_t i = 0; i < f->npupils; i++) {
        if (strcmp(f->pupils[i].first, "Freya") == 0) {
            f->pupils[i].away = true;
            kiosk_copy(f->pupils[i].away_time, KIOSK_TIME_MAX, "10:05");
            kiosk_copy(f->pupils[i].away_reason, KIOSK_REASON_MAX, "Dental appointment");
            break;
        }
    }

    /* Zoë's little brother, not here yet: a family arriving together. Added last, so the
     * rest of the school (and its screenshots) is as it was before him. */
    struct pupil *theo = new_pupil(f, "Theo", "Adams", "R");
    kiosk_copy(theo->family, sizeof theo->family, "Adams family");
    kiosk_copy(theo->card, sizeof theo->card, KIOSK_FAKE_CARD_THEO);
}

ld_err kiosk_fake_create(struct kiosk_fake **out)
{
    struct kiosk_fake *f = calloc(1, sizeof *f);
    if (!f)
        return LD_ERR_NOMEM;
    f->status.reader = KIOSK_READER_OK;
    kiosk_copy(f->status.reader_detail, sizeof f->status.reader_detail, "simulated reader");
    f->status.sync = KIOSK_SYNC_OK;
    kiosk_copy(f->status.last_sync, sizeof f->status.last_sync, "08:45");
    f->status.clock = KIOSK_CLOCK_OK;
    const char *const langs[] = {"pl", "ro", NULL};
    kiosk_fake_set_languages(f, langs);
    build_school(f);
    *out = f;
    return LD_OK;
}

void kiosk_fake_destroy(struct kiosk_fake *fake)
{
    free(fake);
}

struct kiosk_backend kiosk_fake_backend(struct kiosk_fake *fake)
{
    struct kiosk_backend b = {&fake_ops, fake};
    return b;
}

void kiosk_fake_set_clock(struct kiosk_fake *fake, const struct kiosk_clock *clk, bool running)
{
    fake->clock = *clk;
    fake->clock_set = true;
    fake->clock_running = running;
    clock_gettime(CLOCK_MONOTONIC, &fake->clock_t0);
}

void kiosk_fake_set_status(struct kiosk_fake *fake, const struct kiosk_status *status)
{
    fake->status = *status;
}

void kiosk_fake_set_staff_lists(struct kiosk_fake *fake, bool on)
{
    fake->staff_lists = on;
}

void kiosk_fake_set_no_roster(struct kiosk_fake *fake, bool none)
{
    fake->no_roster = none;
}

void kiosk_fake_set_closed_day(struct kiosk_fake *fake, const char *label)
{
    kiosk_copy(fake->closed_day, sizeof fake->closed_day, label ? label : "");
}

void kiosk_fake_set_photos_dir(struct kiosk_fake *fake, const char *dir)
{
    kiosk_copy(fake->photos_dir, sizeof fake->photos_dir, dir);
}

void kiosk_fake_set_confirm_late_touch(struct kiosk_fake *fake, bool on)
{
    fake->confirm_late_touch = on;
}

void kiosk_fake_set_gate_mode(struct kiosk_fake *fake, bool gate)
{
    fake->gate_mode = gate;
}

void kiosk_fake_set_punctual(struct kiosk_fake *fake, const char *class_name)
{
    kiosk_copy(fake->punctual, sizeof fake->punctual, class_name);
}

void kiosk_fake_set_languages(struct kiosk_fake *fake, const char *const *codes)
{
    fake->language_count = 0;
    for (size_t i = 0; codes && codes[i] && i < KIOSK_LANGUAGES_MAX; i++)
        kiosk_copy(fake->languages[fake->language_count++], KIOSK_LANGUAGE_MAX, codes[i]);
}

void kiosk_fake_fail_next(struct kiosk_fake *fake, ld_err err, const char *message)
{
    fake->fail_err = err;
    kiosk_copy(fake->fail_msg, sizeof fake->fail_msg, message);
}

const struct kiosk_fake_log *kiosk_fake_log(const struct kiosk_fake *fake)
{
    return &fake->log;
}
