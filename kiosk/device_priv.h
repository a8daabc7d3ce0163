/* device_priv.h: what backend_device.c and device_staff.c share. Not for other modules. */
#ifndef KIOSK_DEVICE_PRIV_H
#define KIOSK_DEVICE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend_device.h"
#include "device.h"
#include "model.h"
#include "store.h"
#include "sync_status.h"
#include "tap.h"

/* The device backend's state (opaque outside backend_device.c and device_staff.c). */
struct kiosk_device {
    struct ld_device dev;      /* dev.cfg: the file's with the centre's settings over it */
    struct ld_config file_cfg; /* the config file's alone */
    unsigned settings_gen;     /* kiosk_status.settings_gen */
    char school_problem[KIOSK_DETAIL_MAX]; /* the centre's first bad setting, as last logged */
    struct ld_store *store;
    struct ld_reader_thread *reader;
    bool reader_started;
    const struct ld_clock_source *clock;
    struct kiosk_demo_clock demo_clock; /* --clock-start */
    struct ld_tap tap;
    bool (*on_card)(const char *uid);
    bool (*on_status)(void);

    char broken[KIOSK_DETAIL_MAX]; /* why the device could not be opened; "" when it was */
    char last_error[KIOSK_DETAIL_MAX];
    char msg[512];
    char staff_id[LD_STAFF_ID_MAX + 1];    /* who unlocked staff mode last (card or PIN) */
    bool clock_was_ok;                     /* the clock's state at the last status read */
    char reader_said[LD_READER_STATE_MAX]; /* the reader's state as last written to the store */
    bool reader_unsaid;                    /* the last try to write it failed (logged once) */
    /* The store file as opened: its loss or replacement is a problem on screen. */
    bool store_seen;
    unsigned long long store_dev, store_ino;

    /* The analysis behind "speak to" and the punctual class, kept until the log or day moves. */
    bool cache_valid;
    ld_date cache_date;
    ld_minute cache_minute;
    uint64_t cache_events;
    struct kiosk_speak_list *speak;
    char punctual[KIOSK_CLASS_MAX];
    double analysis_ms;

    /* The calendar file as last looked at (device_calendar.c). */
    struct kiosk_calendar_watch {
        bool seen;    /* st_* hold the file's identity at the last look */
        bool missing; /* it was not there then */
        unsigned long long st_dev, st_ino, st_size;
        long long st_mtime_ns, st_ctime_ns;
        double next_check_ms;           /* CLOCK_MONOTONIC; 0: at the next status read */
        int interval_ms;                /* < 0: at every status read */
        char problem[KIOSK_DETAIL_MAX]; /* for staff; "" when the calendar in use is the file's */
    } calwatch;
};

/* The local date and minute now, and the UTC bounds of that day. */
struct today {
    ld_date date;
    ld_minute minute;
    int64_t now_ms, from_ms, to_ms;
};

/* Sets last_error to sentence and returns err. */
ld_err kiosk_device__fail(struct kiosk_device *d, ld_err err, const char *sentence);
/* As kiosk_device__fail with the sentence the store or the tap pipeline left in d->msg. */
ld_err kiosk_device__fail_msg(struct kiosk_device *d, ld_err err);
/* LD_ERR_STATE (with the reason) for a device that did not open; clears d->msg otherwise. */
ld_err kiosk_device__check_open(struct kiosk_device *d);
/* The public display name of a pupil ("Zoë A."). */
void kiosk_device__pupil_name(const struct ld_pupil *p, char out[KIOSK_NAME_MAX]);
/* "HH:MM" of a minute of the day. */
void kiosk_device__minute_hhmm(ld_minute m, char out[KIOSK_TIME_MAX]);
/* The UI's reference to an event: "device:seq". */
void kiosk_device__ref_of(const struct ld_event *ev, char out[KIOSK_REF_MAX]);
/* Reads the clocks as the tap pipeline does, judged against the last trusted event. */
ld_err kiosk_device__read_clock(struct kiosk_device *d, struct ld_clock_reading *now);
/* Fills the time fields of an event from a clock reading. */
void kiosk_device__stamp(struct ld_event *ev, const struct ld_clock_reading *now);
/* Reads the clock and works out today's date and bounds. */
ld_err kiosk_device__today(struct kiosk_device *d, struct today *t);
/* Finds the event named by ref ("device:seq"). */
ld_err kiosk_device__find_ref(struct kiosk_device *d, const char *ref, struct ld_event *out);

/*
 * Looks at the calendar file (at most every calwatch.interval_ms) and, when it changed since
 * the last look, reads it into a new calendar and swaps that in if it is valid, dropping the
 * analysis built on the old one; a bad or missing file keeps the old calendar and leaves the
 * reason in calwatch.problem. Cheap when nothing changed: one stat(2). device_calendar.c.
 */
void kiosk_device__calendar_check(struct kiosk_device *d, double now_mono_ms);

/* The staff ops over today's events (device_staff.c); see struct kiosk_backend_ops. */
ld_err kiosk_device__arrivals(void *impl, bool late_only, struct kiosk_arrival_list *out);
ld_err kiosk_device__away_list(void *impl, struct kiosk_away_list *out);
ld_err kiosk_device__sign_out(void *impl, const char *upn, const char *reason);
ld_err kiosk_device__sign_back_in(void *impl, const char *upn);
ld_err kiosk_device__void_arrival(void *impl, const char *ref);
ld_err kiosk_device__confirm_reason(void *impl, const char *ref);
ld_err kiosk_device__unknown_cards(void *impl, struct kiosk_unknown_list *out);
ld_err kiosk_device__enrol(void *impl, const char *uid, const char *upn);
ld_err kiosk_device__not_arrived(void *impl, struct kiosk_absent_list *out);
ld_err kiosk_device__pin_wrong(void *impl, const char *staff_id);

#endif
