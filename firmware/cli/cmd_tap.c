/* cmd_tap.c: `latedoor tap`: record an arrival through the same pipeline as the kiosk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_device.h"
#include "commands.h"
#include "tap.h"
#include "upn.h"

/* A clock for --at: the given wall time, trusted; the monotonic clock and boot id are real. */
struct fixed_clock {
    int64_t utc_ms;
};

static ld_err fixed_realtime(void *ctx, int64_t *utc_ms, char *msg, size_t msglen)
{
    *utc_ms = ((struct fixed_clock *)ctx)->utc_ms;
    return LD_OK;
}

static ld_err fixed_synced(void *ctx, bool *synced, char *msg, size_t msglen)
{
    *synced = true;
    return LD_OK;
}

static ld_err system_boottime(void *ctx, int64_t *mono_ms, char *msg, size_t msglen)
{
    return ld_clock_system_source()->read_boottime(NULL, mono_ms, msg, msglen);
}

static ld_err system_boot_id(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t msglen)
{
    return ld_clock_system_source()->read_boot_id(NULL, out, msg, msglen);
}

static const char *outcome(const struct ld_classification *k)
{
    if (!k->late && k->outcome != LD_OUTCOME_ON_TIME)
        return "late, reason accepted";
    switch (k->outcome) {
    case LD_OUTCOME_ON_TIME:
        return "on time";
    case LD_OUTCOME_LATE_OPEN:
        return "late, register still open";
    case LD_OUTCOME_LATE_CLOSED:
        return "late, registers closed: please go to the office";
    }
    return "?";
}

static void print_result(const struct ld_tap_result *r)
{
    char date[LD_DATE_STRLEN];
    ld_date_format(r->date, date);
    const char *trust = r->clock == LD_CLOCK_OK ? "" : " (clock not trusted: time provisional)";
    switch (r->status) {
    case LD_TAP_SIGNED_IN:
    case LD_TAP_ALREADY:
        printf("%s %s %s at %s %02d:%02d: ",
               r->status == LD_TAP_ALREADY ? "already signed in" : "signed in",
               r->pupil.preferred_first, r->pupil.upn, date, r->minute / 60, r->minute % 60);
        if (r->closed_day)
            printf("the school is closed today (%s): arrival recorded, no mark", r->closed_label);
        else
            printf("%s, %s", ld_code_str(r->mark.code), outcome(&r->mark));
        if (!r->closed_day && r->mark.late)
            printf(", %d minute%s late", r->mark.minutes_late,
                   r->mark.minutes_late == 1 ? "" : "s");
        printf(" [%s #%lld]%s\n", r->event.device_id, (long long)r->event.seq, trust);
        break;
    case LD_TAP_UNKNOWN_CARD:
        printf("unknown card %s at %s %02d:%02d: please see the office [%s #%lld]%s\n",
               r->event.card, date, r->minute / 60, r->minute % 60, r->event.device_id,
               (long long)r->event.seq, trust);
        break;
    case LD_TAP_STAFF_CARD:
        printf("staff card of %s (%s): nothing recorded\n", r->staff.name, r->staff.id);
        break;
    }
}

/*
 * Turns --at into UTC ms and refuses a time outside the calendar's school year or more than a
 * few minutes ahead of the system clock: a mistyped year must not be recorded as trusted.
 */
static ld_err given_time(const struct ld_device *dev, const char *at, int64_t *utc_ms, char *msg,
                         size_t msglen)
{
    ld_date d;
    ld_minute m;
    int sec = 0;
    struct timespec now;
    int64_t from = 0, to = 0;
    if (!ld_datetime_parse(at, &d, &m)) {
        snprintf(msg, msglen, "--at: not a local time YYYY-MM-DDTHH:MM[:SS]: \"%.40s\"", at);
        return LD_ERR_INVALID;
    }
    if (strlen(at) == 19)
        sec = atoi(at + 17);
    ld_err err = ld_clock_from_local(dev->tz, d, m, sec, utc_ms, msg, msglen);
    size_t nterms = dev->cal ? ld_calendar_term_count(dev->cal) : 0;
    if (!err && nterms == 0) {
        snprintf(msg, msglen, "--at: the calendar has no terms to check the time against");
        err = LD_ERR_STATE;
    }
    if (!err)
        err = ld_clock_from_local(dev->tz, ld_calendar_term(dev->cal, 0).start, 0, 0, &from, msg,
                                  msglen);
    if (!err)
        err = ld_clock_from_local(dev->tz, ld_calendar_term(dev->cal, nterms - 1).end + 1, 0, 0,
                                  &to, msg, msglen);
    if (err)
        return err;
    clock_gettime(CLOCK_REALTIME, &now);
    err = ld_clock_check_given(*utc_ms, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, from,
                               to, msg, msglen);
    if (err) {
        char first[LD_DATE_STRLEN], last[LD_DATE_STRLEN], why[160];
        ld_date_format(ld_calendar_term(dev->cal, 0).start, first);
        ld_date_format(ld_calendar_term(dev->cal, nterms - 1).end, last);
        snprintf(why, sizeof why, "%s", msg);
        snprintf(msg, msglen, "--at %.40s: %s (%s to %s); nothing was recorded", at, why, first,
                 last);
    }
    return err;
}

/* A UPN typed in lower case is the same pupil: UPNs are upper-case letters and digits. */
static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static int usage(void)
{
    fprintf(stderr, "usage: latedoor tap (--uid HEX | --upn UPN) [--at YYYY-MM-DDTHH:MM[:SS]]\n"
                    "                    [--reason TEXT] [--config FILE]\n");
    return LD_EXIT_USAGE;
}

int ld_cmd_tap(int argc, char **argv)
{
    int bad;
    const char *config = ld_cli_take_config(&argc, argv, &bad);
    const char *uid_hex = NULL, *upn = NULL, *at = NULL, *reason = NULL;
    for (int i = 1; i < argc; i++) {
        const char **dst = !strcmp(argv[i], "--uid")      ? &uid_hex
                           : !strcmp(argv[i], "--upn")    ? &upn
                           : !strcmp(argv[i], "--at")     ? &at
                           : !strcmp(argv[i], "--reason") ? &reason
                                                          : NULL;
        if (!dst || i + 1 >= argc)
            return usage();
        *dst = argv[++i];
    }
    if (bad || !uid_hex == !upn)
        return usage();
    struct ld_uid uid;
    if (uid_hex && !ld_uid_parse(uid_hex, &uid)) {
        fprintf(stderr, "--uid: not a card UID (1 to 10 bytes of hex): \"%.40s\"\n", uid_hex);
        return LD_EXIT_USAGE;
    }
    char upn_buf[LD_UPN_LEN + 1] = "";
    if (upn && strlen(upn) == LD_UPN_LEN) {
        memcpy(upn_buf, upn, sizeof upn_buf);
        upper(upn_buf);
    }
    if (upn) {
        if (ld_upn_check(upn_buf, NULL) == LD_UPN_MALFORMED) {
            fprintf(stderr,
                    "--upn: not a UPN (a letter and 12 letters or digits, as in the roster): "
                    "\"%.40s\"\n",
                    upn);
            return LD_EXIT_USAGE;
        }
    }

    struct ld_device dev;
    struct ld_store *store;
    int rc = ld_cli_open(config, &dev, &store);
    if (rc)
        return rc;
    char msg[512] = "";
    char checked[LD_REASON_MAX + 1] = "";
    struct fixed_clock fixed;
    struct ld_clock_source src = {.read_realtime = fixed_realtime,
                                  .read_boottime = system_boottime,
                                  .read_sync_status = fixed_synced,
                                  .read_boot_id = system_boot_id,
                                  .ctx = &fixed,
                                  .floor_ms = LD_CLOCK_NO_FLOOR};
    struct ld_tap tap = {.store = store, .dev = &dev, .clock = NULL};
    struct ld_tap_result r;
    /* Everything given is checked before anything is recorded. */
    ld_err err = reason ? ld_tap_check_reason(&tap, reason, checked, msg, sizeof msg) : LD_OK;
    if (!err && at) {
        err = given_time(&dev, at, &fixed.utc_ms, msg, sizeof msg);
        tap.clock = &src;
    }
    if (!err)
        err = uid_hex ? ld_tap_card(&tap, &uid, LD_SRC_CLI, &r, msg, sizeof msg)
                      : ld_tap_pupil(&tap, upn_buf, LD_SRC_CLI, NULL, NULL, &r, msg, sizeof msg);
    bool late_reason = !err && reason && r.status == LD_TAP_ALREADY;
    if (!err && reason && (r.status == LD_TAP_SIGNED_IN || late_reason))
        err = ld_tap_reason(&tap, &r, checked, NULL, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "latedoor tap: %s\n", msg);
    } else {
        print_result(&r);
        if (late_reason) /* said, so nobody thinks a second arrival was recorded */
            printf("reason \"%s\" recorded for that earlier arrival [%s #%lld]\n", checked,
                   r.event.device_id, (long long)r.event.seq);
        else if (reason && r.status != LD_TAP_SIGNED_IN)
            printf("reason \"%s\" not recorded: there is no arrival to give it to\n", checked);
    }
    ld_cli_close(&dev, store);
    return ld_cli_status(err);
}
