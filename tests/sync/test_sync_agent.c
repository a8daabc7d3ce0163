/* test_sync_agent.c: the sync agent against the SQLite central store: push, pull, status, faults.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "calendar_file.h"
#include "central.h"
#include "clock.h"
#include "store.h"
#include "sync_status.h"

static char msg[2048];
#define M msg, sizeof msg
#define OK(call)                                                                                   \
    do {                                                                                           \
        ld_err err_ = (call);                                                                      \
        if (err_)                                                                                  \
            print_error("%s:%d: %s\n", __FILE__, __LINE__, msg);                                   \
        assert_int_equal(err_, LD_OK);                                                             \
    } while (0)

/* A fixed clock: no test depends on today's date. */
static int64_t fixed_now(void)
{
    return 1788249600000; /* 2026-09-01T08:00:00Z */
}

struct fx {
    char dir[64];
    char central_path[128], url[160], door_path[128], gate_path[128], cal_path[128];
    struct ld_central *admin;
    struct ld_store *door, *gate;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-sync-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->central_path, sizeof f->central_path, "%s/central.db", f->dir);
    snprintf(f->url, sizeof f->url, "sqlite:%s", f->central_path);
    snprintf(f->door_path, sizeof f->door_path, "%s/door.db", f->dir);
    snprintf(f->gate_path, sizeof f->gate_path, "%s/gate.db", f->dir);
    snprintf(f->cal_path, sizeof f->cal_path, "%s/calendar.ini", f->dir);
    OK(ld_central_open(f->url, NULL, LD_CENTRAL_ADMIN, &f->admin, M));
    OK(ld_central_init(f->admin, NULL, NULL, M));
    OK(ld_central_school_add(f->admin, "hb", "Hollybrook Primary School", M));
    OK(ld_central_school_add(f->admin, "other", "Another School", M));
    struct ld_central_credentials cred;
    OK(ld_central_device_add(f->admin, "hb", "door", &cred, M));
    OK(ld_central_device_add(f->admin, "hb", "gate", &cred, M));
    OK(ld_central_device_add(f->admin, "other", "far", &cred, M));
    OK(ld_store_create(f->door_path, "door", NULL, &f->door, M));
    OK(ld_store_create(f->gate_path, "gate", NULL, &f->gate, M));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    ld_central_close(f->admin);
    ld_store_close(f->door);
    ld_store_close(f->gate);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static struct ld_sync_agent *agent_for(struct fx *f, struct ld_store *store, unsigned batch)
{
    struct ld_sync_config cfg = {
        .url = f->url, .calendar_path = f->cal_path, .batch = batch, .now_ms = fixed_now};
    struct ld_sync_agent *a = NULL;
    OK(ld_sync_agent_new(&cfg, store, &a, M));
    return a;
}

/* Appends n arrivals to store. */
static void tap(struct ld_store *store, int n)
{
    for (int i = 0; i < n; i++) {
        struct ld_event ev = {.kind = LD_EV_ARRIVAL,
                              .at_ms = fixed_now() + i * 1000,
                              .mono_ms = 1000 + i,
                              .clock = LD_CLOCK_OK,
                              .source = LD_SRC_CARD};
        snprintf(ev.upn, sizeof ev.upn, "B%012lld", 200000000000LL + i % 50);
        OK(ld_store_append_event(store, &ev, M));
    }
}

static uint64_t count_of(struct ld_store *store, const char *device)
{
    uint64_t n = 0;
    struct ld_event_filter flt = {.device_id = device};
    OK(ld_store_events_count(store, &flt, &n, M));
    return n;
}

static int64_t central_count(struct fx *f)
{
    int64_t n = -1;
    OK(ld_central_event_count(f->admin, "hb", &n, M));
    return n;
}

static void make_roster(struct ld_roster *r, size_t n)
{
    r->pupils = calloc(n, sizeof *r->pupils);
    assert_non_null(r->pupils);
    r->count = n;
    for (size_t i = 0; i < n; i++) {
        struct ld_roster_pupil *p = &r->pupils[i];
        snprintf(p->upn, sizeof p->upn, "B%012zu", 200000000000 + i);
        snprintf(p->legal_first, sizeof p->legal_first, "Pupil%zu", i);
        snprintf(p->legal_last, sizeof p->legal_last, "Surname");
        snprintf(p->preferred_first, sizeof p->preferred_first, "Pupil%zu", i);
        snprintf(p->preferred_last, sizeof p->preferred_last, "Surname");
        snprintf(p->year, sizeof p->year, "%zu", 1 + i % 6);
        snprintf(p->class_name, sizeof p->class_name, "%zuH", 1 + i % 6);
        p->card.len = 4;
        p->card.bytes[0] = 0x04;
        p->card.bytes[1] = (uint8_t)(i >> 8);
        p->card.bytes[2] = (uint8_t)i;
        p->card.bytes[3] = 0xC4;
    }
}

/* Copies a device event into the next central event of the array ctx points at. */
struct conv {
    struct ld_central_event *ev;
    size_t n;
};

static ld_err collect(void *ctx, const struct ld_event *e)
{
    struct conv *cv = ctx;
    struct ld_central_event *o = &cv->ev[cv->n++];
    snprintf(o->school, sizeof o->school, "hb");
    snprintf(o->device_id, sizeof o->device_id, "%s", e->device_id);
    o->seq = e->seq;
    snprintf(o->uuid, sizeof o->uuid, "%s", e->uuid);
    o->kind = (int)e->kind;
    o->at_ms = e->at_ms;
    o->mono_ms = e->mono_ms;
    o->clock_state = (int)e->clock;
    snprintf(o->upn, sizeof o->upn, "%s", e->upn);
    o->source = (int)e->source;
    return LD_OK;
}

/* ---- tests ---- */

static void push_pull_flow(void **state)
{
    struct fx *f = *state;
    struct ld_roster roster = {0};
    make_roster(&roster, 50);
    roster.pupils[49].has_admitted = true; /* a mid-year joiner: the core's on_roll */
    roster.pupils[49].admitted = ld_date_from_ymd(2026, 11, 16);
    OK(ld_central_put_roster(f->admin, "hb", &roster, NULL, NULL, M));
    ld_roster_free(&roster);
    struct ld_calfile_term terms[1] = {{.name = "Autumn 1",
                                        .start = ld_date_from_ymd(2026, 9, 3),
                                        .end = ld_date_from_ymd(2026, 10, 23)}};
    struct ld_calfile_closed closed[1] = {{.date = ld_date_from_ymd(2026, 9, 3), .label = "INSET"}};
    struct ld_calendar_file cal = {terms, 1, closed, 1};
    OK(ld_central_put_calendar(f->admin, "hb", &cal, NULL, NULL, M));
    struct ld_central_setting set[2] = {{"greeting", "Good morning"}, {"door.name", "Office"}};
    OK(ld_central_put_settings(f->admin, "hb", set, 2, NULL, NULL, M));

    tap(f->door, 25);
    struct ld_sync_agent *door = agent_for(f, f->door, 10), *gate = agent_for(f, f->gate, 10);
    struct ld_sync_report rep;
    OK(ld_sync_round(door, &rep, M));
    assert_int_equal(rep.pushed, 25);
    assert_int_equal(rep.batches, 3);
    assert_int_equal(rep.push_cursor, 25);
    assert_true(rep.roster && rep.calendar && rep.settings);
    assert_int_equal(central_count(f), 25);

    struct ld_sync_status st;
    OK(ld_sync_status_read(f->door, &st, M));
    assert_int_equal(st.push_cursor, 25);
    assert_int_equal(st.pending, 0);
    assert_int_equal(st.last_success_ms, fixed_now());
    assert_string_equal(st.last_error, "");

    /* The roster, the settings and the calendar file arrived. */
    struct ld_pupil p;
    OK(ld_store_pupil_get(f->door, "B200000000049", &p, M));
    assert_true(p.has_admitted);
    assert_int_equal(p.admitted, ld_date_from_ymd(2026, 11, 16));
    assert_false(p.has_left);
    char value[64];
    OK(ld_store_setting_get(f->door, "school.greeting", value, sizeof value, M));
    assert_string_equal(value, "Good morning");
    struct ld_calendar_file back = {0};
    OK(ld_calendar_file_load(f->cal_path, &back, M));
    assert_int_equal(back.term_count, 1);
    assert_string_equal(back.terms[0].name, "Autumn 1");
    assert_string_equal(back.closed[0].label, "INSET");
    ld_calendar_file_free(&back);

    /* The gate gets the door's events; the door does not get its own back. */
    tap(f->gate, 3);
    OK(ld_sync_round(gate, &rep, M));
    assert_int_equal(rep.pushed, 3);
    assert_int_equal(rep.pulled, 25);
    assert_int_equal(rep.pulled_new, 25);
    assert_int_equal(count_of(f->gate, "door"), 25);
    OK(ld_sync_round(door, &rep, M));
    assert_int_equal(rep.pulled, 3);
    assert_false(rep.roster || rep.calendar || rep.settings); /* versions unchanged */
    assert_int_equal(count_of(f->door, "gate"), 3);

    /* A second round with nothing new does nothing. */
    OK(ld_sync_round(door, &rep, M));
    assert_int_equal(rep.pushed + rep.pulled + rep.batches, 0);

    /* A setting removed at the centre goes from the device. */
    OK(ld_central_put_settings(f->admin, "hb", set, 1, NULL, NULL, M));
    OK(ld_sync_round(door, &rep, M));
    assert_true(rep.settings);
    assert_int_equal(ld_store_setting_get(f->door, "school.door.name", value, sizeof value, M),
                     LD_ERR_NOT_FOUND);
    OK(ld_store_setting_get(f->door, "school.greeting", value, sizeof value, M));
    ld_sync_agent_free(door);
    ld_sync_agent_free(gate);
}

static void lost_ack_is_counted_as_duplicates(void **state)
{
    struct fx *f = *state;
    tap(f->door, 5);
    /* The centre committed seq 1..3 but the device never heard (the cursor is still 0). */
    struct ld_central_event ev[3];
    struct ld_event_filter flt = {.device_id = "door", .limit = 3};
    struct conv cv = {ev, 0};
    memset(ev, 0, sizeof ev);
    OK(ld_store_events_foreach(f->door, &flt, collect, &cv, M));
    OK(ld_central_push(f->admin, "door", ev, 3, NULL, M));

    struct ld_sync_agent *a = agent_for(f, f->door, 2);
    struct ld_sync_report rep;
    OK(ld_sync_round(a, &rep, M));
    assert_int_equal(rep.duplicates, 3);
    assert_int_equal(rep.pushed, 2);
    assert_int_equal(rep.push_cursor, 5);
    assert_int_equal(central_count(f), 5);
    ld_sync_agent_free(a);
}

static void reused_seq_refused_cursor_stays(void **state)
{
    struct fx *f = *state;
    tap(f->door, 4);
    /* seq 3 is already at the centre under another UUID: a kiosk restored from an old backup. */
    struct ld_central_event ev = {0};
    struct conv cv = {&ev, 0};
    struct ld_event_filter flt = {.device_id = "door", .after_seq = 2, .limit = 1};
    OK(ld_store_events_foreach(f->door, &flt, collect, &cv, M));
    snprintf(ev.uuid, sizeof ev.uuid, "00000000-0000-4000-8000-000000000003");
    OK(ld_central_push(f->admin, "door", &ev, 1, NULL, M));

    struct ld_sync_agent *a = agent_for(f, f->door, 2);
    struct ld_sync_report rep;
    ld_err err = ld_sync_round(a, &rep, M);
    assert_int_equal(err, LD_ERR_DUPLICATE);
    assert_true(rep.conflict);
    assert_non_null(strstr(msg, "REFUSED"));
    assert_non_null(strstr(msg, "seq 3..4"));
    /* The first batch went; the cursor stopped before the refused one. */
    assert_int_equal(rep.batches, 1);
    struct ld_sync_status st;
    OK(ld_sync_status_read(f->door, &st, M));
    assert_int_equal(st.push_cursor, 2);
    assert_int_equal(st.pending, 2);
    assert_true(st.refused); /* the kiosk says a person must act, not "offline" */
    assert_non_null(strstr(st.last_error, "REFUSED"));
    /* what the kiosk shows says what happened and what to do, whole (not "the network") */
    assert_non_null(strstr(st.last_error, "ask the trust's admin for a new device id"));
    assert_int_equal(st.last_attempt_ms, fixed_now());
    assert_int_equal(st.last_success_ms, 0);
    /* Nothing overwritten: the centre still has its own seq 3. */
    struct ld_central_event got;
    OK(ld_central_event_get(f->admin, "door", 3, &got, M));
    assert_string_equal(got.uuid, "00000000-0000-4000-8000-000000000003");
    assert_int_equal(central_count(f), 3);
    /* Again: still refused, still nothing changed. */
    assert_int_equal(ld_sync_round(a, &rep, M), LD_ERR_DUPLICATE);
    assert_int_equal(central_count(f), 3);
    ld_sync_agent_free(a);
}

/* Issue 12: a record changed in the device's file is not pushed; the agent says which. */
static void damaged_event_is_not_pushed(void **state)
{
    struct fx *f = *state;
    tap(f->door, 4);
    struct ld_event why = {.kind = LD_EV_REASON,
                           .at_ms = fixed_now() + 9000,
                           .clock = LD_CLOCK_OK,
                           .source = LD_SRC_TOUCH,
                           .ref_device = "door",
                           .ref_seq = 2,
                           .reason = "Medical appointment"};
    snprintf(why.upn, sizeof why.upn, "B%012lld", 200000000001LL);
    OK(ld_store_append_event(f->door, &why, M));
    ld_store_close(f->door); /* checkpoints: the row is in the main file */
    f->door = NULL;
    FILE *fp = fopen(f->door_path, "r+b");
    assert_non_null(fp);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, fp);
    char *hit = memmem(buf, n, "Medical appointment", 19);
    assert_non_null(hit);
    assert_int_equal(fseek(fp, hit - buf, SEEK_SET), 0);
    assert_int_equal(fputc('X', fp), 'X');
    assert_int_equal(fclose(fp), 0);
    OK(ld_store_open(f->door_path, NULL, &f->door, M));

    struct ld_sync_agent *a = agent_for(f, f->door, 2);
    struct ld_sync_report rep;
    assert_int_equal(ld_sync_round(a, &rep, M), LD_ERR_CORRUPT);
    assert_non_null(strstr(msg, "event door #5 (reason) fails its checksum"));
    /* What came before it went; the damaged one and nothing after it did. */
    assert_int_equal(central_count(f), 4);
    struct ld_sync_status st;
    OK(ld_sync_status_read(f->door, &st, M));
    assert_int_equal(st.push_cursor, 4);
    ld_sync_agent_free(a);
}

static void unreachable_central_records_error(void **state)
{
    struct fx *f = *state;
    tap(f->door, 2);
    char url[200];
    snprintf(url, sizeof url, "sqlite:%s/missing.db", f->dir);
    struct ld_sync_config cfg = {.url = url, .now_ms = fixed_now};
    struct ld_sync_agent *a = NULL;
    OK(ld_sync_agent_new(&cfg, f->door, &a, M));
    struct ld_sync_report rep;
    assert_int_not_equal(ld_sync_round(a, &rep, M), LD_OK);
    assert_non_null(strstr(msg, "missing.db"));
    struct ld_sync_status st;
    OK(ld_sync_status_read(f->door, &st, M));
    assert_int_equal(st.push_cursor, 0);
    assert_int_equal(st.pending, 2);
    assert_non_null(strstr(st.last_error, "missing.db"));
    /* the kiosk gets the reason first, not the URL the log has (LD_SYNC_ERROR_MAX) */
    assert_int_equal(strncmp(st.last_error, "no store at ", 12), 0);
    ld_sync_agent_free(a);

    /* The same store, the real centre: it catches up. */
    a = agent_for(f, f->door, 0);
    OK(ld_sync_round(a, &rep, M));
    OK(ld_sync_status_read(f->door, &st, M));
    assert_int_equal(st.pending, 0);
    assert_string_equal(st.last_error, "");
    ld_sync_agent_free(a);
}

/* A kiosk's clock after a power cut: 1970, and the kernel says unsynchronised. */
static ld_err clock_1970(void *ctx, int64_t *v, char *m, size_t ml)
{
    (void)ctx, (void)m, (void)ml;
    *v = 60000;
    return LD_OK;
}
static ld_err clock_unsynced(void *ctx, bool *synced, char *m, size_t ml)
{
    (void)ctx, (void)m, (void)ml;
    *synced = false;
    return LD_OK;
}
static ld_err clock_boot(void *ctx, char out[LD_BOOT_ID_SIZE], char *m, size_t ml)
{
    (void)ctx, (void)m, (void)ml;
    snprintf(out, LD_BOOT_ID_SIZE, "28d95a18-f3f0-423e-8803-af0def8d5fd8");
    return LD_OK;
}

/* The door's status as the office reads it. */
static struct ld_central_device_status door_status(struct fx *f)
{
    struct ld_central_device_status all[4];
    size_t n = 0;
    OK(ld_central_statuses(f->admin, "hb", all, 4, &n, M));
    assert_int_equal(n, 2);
    assert_string_equal(all[0].device_id, "door");
    return all[0];
}

/*
 * (Issue 14) Each round reports the device's health to the centre: after a refused push too, so
 * the office sees why; a round that could not reach the centre is reported by the next that
 * can, its failure as the last error; the reader's state and the clock as the kiosk has them.
 */
static void status_reaches_the_office(void **state)
{
    struct fx *f = *state;
    assert_false(door_status(f).reported);
    tap(f->door, 4);
    struct ld_central_event ev = {0};
    struct conv cv = {&ev, 0};
    struct ld_event_filter flt = {.device_id = "door", .after_seq = 2, .limit = 1};
    OK(ld_store_events_foreach(f->door, &flt, collect, &cv, M));
    int64_t third_at = ev.at_ms;
    snprintf(ev.uuid, sizeof ev.uuid, "00000000-0000-4000-8000-000000000003");
    OK(ld_central_push(f->admin, "door", &ev, 1, NULL, M));
    OK(ld_sync_reader_state_set(f->door, fixed_now() - 5000,
                                "error: pn532_uart:/dev/ttyS0: "
                                "no answer",
                                M));

    struct ld_sync_config cfg = {.url = f->url, .batch = 2, .now_ms = fixed_now};
    struct ld_clock_source bad = {.read_realtime = clock_1970,
                                  .read_boottime = clock_1970,
                                  .read_sync_status = clock_unsynced,
                                  .read_boot_id = clock_boot,
                                  .floor_ms = LD_CLOCK_NO_FLOOR};
    cfg.clock = &bad;
    struct ld_sync_agent *a = NULL;
    OK(ld_sync_agent_new(&cfg, f->door, &a, M));
    struct ld_sync_report rep;
    assert_int_equal(ld_sync_round(a, &rep, M), LD_ERR_DUPLICATE);
    assert_true(rep.reported); /* the push was refused; the report still went */
    struct ld_central_device_status st = door_status(f);
    assert_true(st.reported);
    assert_int_equal(st.pending, 2);
    assert_int_equal(st.oldest_pending_ms, third_at);
    assert_int_equal(st.last_sync_ms, 0);
    assert_non_null(strstr(st.last_error, "REFUSED"));
    assert_int_equal(st.last_error_ms, fixed_now());
    assert_int_equal(st.device_ms, 60000);             /* its clock, as wrong as it is */
    assert_int_equal(st.clock_state, LD_CLOCK_BEHIND); /* behind the events it recorded */
    assert_string_equal(st.reader, "error: pn532_uart:/dev/ttyS0: no answer");
    assert_int_equal(st.reader_ms, fixed_now() - 5000);
    assert_true(st.version[0]);
    ld_sync_agent_free(a);

    /* the centre out of reach: nothing reported; back: the failure is reported with the
     * success that followed it */
    struct ld_central_event got;
    OK(ld_central_event_get(f->admin, "door", 3, &got, M));
    char url[200];
    snprintf(url, sizeof url, "sqlite:%s/missing.db", f->dir);
    struct ld_sync_config away = {.url = url, .now_ms = fixed_now};
    OK(ld_sync_agent_new(&away, f->door, &a, M));
    assert_int_not_equal(ld_sync_round(a, &rep, M), LD_OK);
    assert_false(rep.reported);
    ld_sync_agent_free(a);
    assert_non_null(strstr(door_status(f).last_error, "REFUSED"));
    /* the gate: a failed round (as the one above), then a good one; nothing waiting */
    OK(ld_sync_status_failure(f->gate, fixed_now() - 1000, "no store at /x/missing.db", M));
    a = agent_for(f, f->gate, 0);
    OK(ld_sync_round(a, &rep, M));
    assert_true(rep.reported);
    ld_sync_agent_free(a);
    struct ld_central_device_status all[4];
    size_t n = 0;
    OK(ld_central_statuses(f->admin, "hb", all, 4, &n, M));
    assert_string_equal(all[1].device_id, "gate");
    assert_int_equal(all[1].pending, 0);
    assert_int_equal(all[1].oldest_pending_ms, 0);
    assert_int_equal(all[1].last_sync_ms, fixed_now());
    assert_string_equal(all[1].last_error, "no store at /x/missing.db");
    assert_int_equal(all[1].last_error_ms, fixed_now() - 1000);
    assert_non_null(strstr(all[1].reader, "not known"));
}

/* A report that cannot be made fails a round that was otherwise good, and says why. */
static void a_failed_report_fails_the_round(void **state)
{
    struct fx *f = *state;
    tap(f->door, 2);
    OK(ld_store_setting_set(f->door, LD_KIOSK_KEY_READER, "garbled", M));
    struct ld_sync_agent *a = agent_for(f, f->door, 0);
    struct ld_sync_report rep;
    assert_int_equal(ld_sync_round(a, &rep, M), LD_ERR_CORRUPT);
    assert_non_null(strstr(msg, LD_KIOSK_KEY_READER));
    assert_false(rep.reported);
    assert_int_equal(rep.pushed, 2); /* the events went */
    ld_sync_agent_free(a);
    assert_false(door_status(f).reported);
    OK(ld_store_setting_delete(f->door, LD_KIOSK_KEY_READER, M));
    struct ld_sync_status st;
    assert_int_equal(ld_sync_status_read(f->door, &st, M), LD_OK);
    assert_non_null(strstr(st.last_error, LD_KIOSK_KEY_READER)); /* the kiosk is told */
}

/* A device disabled at the centre reports nothing: its round is refused. */
static void disabled_device_reports_nothing(void **state)
{
    struct fx *f = *state;
    OK(ld_central_device_set(f->admin, "door", LD_CENTRAL_DEVICE_DISABLE, NULL, M));
    struct ld_sync_agent *a = agent_for(f, f->door, 0);
    struct ld_sync_report rep;
    assert_int_equal(ld_sync_round(a, &rep, M), LD_ERR_AUTH);
    assert_false(rep.reported);
    ld_sync_agent_free(a);
    assert_false(door_status(f).reported);
}

static void unknown_device_and_config_errors(void **state)
{
    struct fx *f = *state;
    struct ld_store *lone = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/lone.db", f->dir);
    OK(ld_store_create(path, "lone", NULL, &lone, M));
    struct ld_sync_agent *a = agent_for(f, lone, 0);
    assert_int_equal(ld_sync_round(a, NULL, M), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "does not know device \"lone\""));
    struct ld_sync_status st;
    OK(ld_sync_status_read(lone, &st, M));
    assert_int_equal(strncmp(st.last_error, "the central store does not know device", 38), 0);
    ld_sync_agent_free(a);
    ld_store_close(lone);

    struct ld_sync_config cfg = {.url = ""};
    assert_int_equal(ld_sync_agent_new(&cfg, f->door, &a, M), LD_ERR_INVALID);
    assert_string_equal(msg, "sync: central.url: not set: there is nothing to sync with");
    cfg.url = f->url;
    cfg.batch = LD_CENTRAL_BATCH_MAX + 1;
    assert_int_equal(ld_sync_agent_new(&cfg, f->door, &a, M), LD_ERR_INVALID);

    /* A passfile others may read is refused before it is read, and the round says so. */
    char pass[160];
    snprintf(pass, sizeof pass, "%s/central.pass", f->dir);
    FILE *pf = fopen(pass, "w");
    assert_non_null(pf);
    fputs("not-a-real-password\n", pf);
    assert_int_equal(fclose(pf), 0);
    assert_int_equal(chmod(pass, 0644), 0);
    struct ld_sync_config pcfg = {.url = "postgresql://ld_dev_door@127.0.0.1:1/latedoor",
                                  .passfile = pass};
    OK(ld_sync_agent_new(&pcfg, f->door, &a, M));
    assert_int_equal(ld_sync_round(a, NULL, M), LD_ERR_AUTH);
    assert_non_null(strstr(msg, "central.pass"));
    assert_null(strstr(msg, "not-a-real-password"));
    ld_sync_agent_free(a);
}

/* Runs sql on the central SQLite file behind the library's back. */
static void central_sql(struct fx *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->central_path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        print_error("%s\n", err);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
}

/*
 * The door taps three times and pushes; seq 2 is changed at the centre (SET set, past the
 * store's checks); the gate's round skips it, takes the others and names it, why holding why.
 * The two agents go to *door and *gate.
 */
static void gate_skips_damaged_row(struct fx *f, const char *set, const char *why,
                                   struct ld_sync_agent **door, struct ld_sync_agent **gate)
{
    char sql[256];
    tap(f->door, 3);
    *door = agent_for(f, f->door, 0);
    *gate = agent_for(f, f->gate, 0);
    OK(ld_sync_round(*door, NULL, M));
    snprintf(sql, sizeof sql, "DROP TRIGGER events_append_only; UPDATE events SET %s WHERE seq = 2",
             set);
    central_sql(f, sql);
    struct ld_sync_report rep;
    OK(ld_sync_round(*gate, &rep, M));
    assert_int_equal(rep.skipped, 1);
    assert_non_null(strstr(rep.skip_note, "device door, seq 2"));
    assert_non_null(strstr(rep.skip_note, why));
    assert_int_equal(count_of(f->gate, "door"), 2);
}

/*
 * (issue 12) A byte changed in a central row that still reads as a valid event: the gate's pull
 * finds it by its checksum, names it (device, seq, why) and stores nothing of it.
 */
static void a_changed_central_row_is_not_pulled(void **state)
{
    struct ld_sync_agent *door = NULL, *gate = NULL;
    gate_skips_damaged_row(*state, "at_ms = at_ms + 60000", "checksum mismatch", &door, &gate);
    ld_sync_agent_free(door);
    ld_sync_agent_free(gate);
}

static void bad_rows_from_central_change_nothing(void **state)
{
    struct fx *f = *state;
    struct ld_sync_agent *door = NULL, *gate = NULL;
    /* A row damaged at the centre: the gate skips it, takes the others, and says which. */
    gate_skips_damaged_row(f, "upn = 'not-a-upn'", "field upn", &door, &gate);
    char value[LD_SETTING_VALUE_MAX + 1];
    OK(ld_store_setting_get(f->gate, LD_SYNC_KEY_NOTICE, value, sizeof value, M));
    assert_non_null(strstr(value, "1 bad rows of the central log skipped"));
    assert_non_null(strstr(value, "seq 2"));

    /* A calendar that cannot be written as a file without changing its meaning. */
    central_sql(f, "UPDATE events SET upn = 'B200000000001' WHERE seq = 2");
    struct ld_calfile_term terms[1] = {{.name = "Autumn 1",
                                        .start = ld_date_from_ymd(2026, 9, 3),
                                        .end = ld_date_from_ymd(2026, 10, 23)}};
    struct ld_calfile_closed closed[1] = {
        {.date = ld_date_from_ymd(2026, 9, 4), .label = "INSET ;day"}};
    struct ld_calendar_file cal = {terms, 1, closed, 1};
    OK(ld_central_put_calendar(f->admin, "hb", &cal, NULL, NULL, M));
    FILE *cf = fopen(f->cal_path, "w");
    assert_non_null(cf);
    fputs("[terms]\n", cf);
    assert_int_equal(fclose(cf), 0);
    assert_int_equal(ld_sync_round(gate, NULL, M), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "calendar version 1"));
    assert_non_null(strstr(msg, "closed day 2026-09-04"));
    char buf[64] = "";
    cf = fopen(f->cal_path, "r");
    assert_non_null(cf);
    size_t n = fread(buf, 1, sizeof buf - 1, cf);
    fclose(cf);
    buf[n] = '\0';
    assert_string_equal(buf, "[terms]\n"); /* untouched */
    assert_int_equal(
        ld_store_setting_get(f->gate, LD_SYNC_KEY_CALENDAR_VERSION, value, sizeof value, M),
        LD_ERR_NOT_FOUND);
    closed[0].label[5] = '\0'; /* "INSET" */
    OK(ld_central_put_calendar(f->admin, "hb", &cal, NULL, NULL, M));

    /* A setting whose key is too long to keep under "school.": none applied. */
    struct ld_central_setting set[2] = {{"a", "1"}, {"", "2"}};
    memset(set[1].key, 'k', 60);
    OK(ld_central_put_settings(f->admin, "hb", set, 2, NULL, NULL, M));
    assert_int_equal(ld_sync_round(gate, NULL, M), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "setting 2"));
    assert_int_equal(ld_store_setting_get(f->gate, "school.a", value, sizeof value, M),
                     LD_ERR_NOT_FOUND);
    OK(ld_central_put_settings(f->admin, "hb", set, 1, NULL, NULL, M));
    OK(ld_sync_round(gate, NULL, M));
    /* the repaired row was passed already: it stays left out on the gate (docs/sync.md) */
    assert_int_equal(count_of(f->gate, "door"), 2);
    OK(ld_store_setting_get(f->gate, "school.a", value, sizeof value, M));

    /* An empty roster (the centre takes one) is never imported: every pupil would go. */
    struct ld_roster roster = {0};
    make_roster(&roster, 5);
    OK(ld_central_put_roster(f->admin, "hb", &roster, NULL, NULL, M));
    ld_roster_free(&roster);
    OK(ld_sync_round(gate, NULL, M));
    struct ld_roster empty = {0};
    OK(ld_central_put_roster(f->admin, "hb", &empty, NULL, NULL, M));
    assert_int_equal(ld_sync_round(gate, NULL, M), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "roster version 2 of school hb has no pupils"));
    struct ld_pupil p;
    OK(ld_store_pupil_get(f->gate, "B200000000004", &p, M));
    assert_true(p.active);
    ld_sync_agent_free(door);
    ld_sync_agent_free(gate);
}

static int stop_after;
static bool stop_countdown(void *ctx)
{
    (void)ctx;
    return --stop_after <= 0;
}

static void stops_between_batches(void **state)
{
    struct fx *f = *state;
    tap(f->door, 30);
    struct ld_sync_config cfg = {
        .url = f->url, .batch = 10, .now_ms = fixed_now, .should_stop = stop_countdown};
    struct ld_sync_agent *a = NULL;
    OK(ld_sync_agent_new(&cfg, f->door, &a, M));
    stop_after = 1;
    struct ld_sync_report rep;
    OK(ld_sync_round(a, &rep, M));
    assert_true(rep.stopped);
    assert_int_equal(rep.batches, 1);
    assert_int_equal(rep.push_cursor, 10);
    assert_int_equal(central_count(f), 10);
    stop_after = 100;
    OK(ld_sync_round(a, &rep, M));
    assert_int_equal(rep.push_cursor, 30);
    assert_int_equal(central_count(f), 30);
    ld_sync_agent_free(a);
}

static void backoff_grows_bounded_with_jitter(void **state)
{
    (void)state;
    /* No jitter drawn (rnd 0): half the nominal wait; the largest draw: all of it. */
    assert_int_equal(ld_sync_backoff_ms(1, 5, 600, 0), 2500);
    assert_int_equal(ld_sync_backoff_ms(1, 5, 600, 2500), 5000);
    assert_int_equal(ld_sync_backoff_ms(2, 5, 600, 5000), 10000);
    assert_int_equal(ld_sync_backoff_ms(8, 5, 600, 300000), 600000); /* 640 s capped at 600 */
    assert_int_equal(ld_sync_backoff_ms(60, 5, 600, 0), 300000);
    assert_int_equal(ld_sync_backoff_ms(1000, 5, 600, UINT32_MAX) <= 600000, 1);
    for (uint32_t r = 0; r < 100000; r += 997) {
        int64_t ms = ld_sync_backoff_ms(3, 5, 600, r);
        assert_true(ms >= 10000 && ms <= 20000);
    }
}

struct tapper {
    struct fx *f;
    volatile int stop;
    int taps, failures;
    double max_ms;
};

static void *tap_thread(void *arg)
{
    struct tapper *t = arg;
    struct ld_store *s = NULL;
    char m[512];
    if (ld_store_open(t->f->door_path, NULL, &s, m, sizeof m))
        return NULL;
    while (!t->stop) {
        struct ld_event ev = {.kind = LD_EV_ARRIVAL,
                              .at_ms = fixed_now(),
                              .clock = LD_CLOCK_OK,
                              .source = LD_SRC_CARD};
        snprintf(ev.upn, sizeof ev.upn, "B200000000001");
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        ld_err err = ld_store_append_event(s, &ev, m, sizeof m);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        if (ms > t->max_ms)
            t->max_ms = ms;
        if (err)
            t->failures++;
        else
            t->taps++;
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
    ld_store_close(s);
    return NULL;
}

static void taps_go_on_during_a_big_push(void **state)
{
    struct fx *f = *state;
    /* A week of backlog, appended in one go through the store's own API. */
    tap(f->door, 3000);
    struct tapper t = {.f = f};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, tap_thread, &t), 0);
    struct ld_sync_agent *a = agent_for(f, f->door, 250);
    struct ld_sync_report rep;
    OK(ld_sync_round(a, &rep, M));
    t.stop = 1;
    pthread_join(th, NULL);
    /* Every tap during the push committed: none waited out the busy timeout. */
    assert_int_equal(t.failures, 0);
    assert_true(t.taps > 0);
    print_message("taps during a push of %zu events: %d, slowest %.1f ms\n", rep.pushed, t.taps,
                  t.max_ms);
    OK(ld_sync_round(a, &rep, M));
    struct ld_sync_status st;
    OK(ld_sync_status_read(f->door, &st, M));
    assert_int_equal(st.pending, 0);
    assert_int_equal(central_count(f), (int64_t)count_of(f->door, "door"));
    ld_sync_agent_free(a);

    /* The gate takes the whole backlog: pages of 1,000, chunks of 250 to a transaction. */
    struct ld_sync_agent *g = agent_for(f, f->gate, 1000);
    OK(ld_sync_round(g, &rep, M));
    assert_int_equal(rep.pulled, count_of(f->door, "door"));
    assert_int_equal(rep.pulled_new, rep.pulled);
    assert_int_equal(count_of(f->gate, "door"), count_of(f->door, "door"));
    char value[32];
    OK(ld_store_setting_get(f->gate, LD_SYNC_KEY_PULL_CURSOR, value, sizeof value, M));
    assert_int_equal(strtoll(value, NULL, 10), central_count(f));
    OK(ld_sync_round(g, &rep, M));
    assert_int_equal(rep.pulled, 0);
    ld_sync_agent_free(g);
}

static void calendar_written_atomically(void **state)
{
    struct fx *f = *state;
    struct ld_calfile_term terms[1] = {{.name = "Spring 1",
                                        .start = ld_date_from_ymd(2027, 1, 5),
                                        .end = ld_date_from_ymd(2027, 2, 12)}};
    struct ld_calendar_file cal = {terms, 1, NULL, 0};
    OK(ld_sync_write_calendar(f->cal_path, &cal, 7, M));
    struct stat sb;
    assert_int_equal(stat(f->cal_path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    struct ld_calendar_file back = {0};
    OK(ld_calendar_file_load(f->cal_path, &back, M));
    assert_int_equal(back.term_count, 1);
    assert_int_equal(back.terms[0].end, terms[0].end);
    ld_calendar_file_free(&back);
    /* A directory that does not exist: an error naming the file, nothing left behind. */
    char bad[200];
    snprintf(bad, sizeof bad, "%s/no/such/calendar.ini", f->dir);
    assert_int_equal(ld_sync_write_calendar(bad, &cal, 7, M), LD_ERR_IO);
    assert_non_null(strstr(msg, bad));
    /* A term the core refuses (ends before it starts) is not written. */
    terms[0].end = ld_date_from_ymd(2027, 1, 1);
    assert_int_not_equal(ld_sync_write_calendar(f->cal_path, &cal, 8, M), LD_OK);
    OK(ld_calendar_file_load(f->cal_path, &back, M));
    assert_int_equal(back.terms[0].end, ld_date_from_ymd(2027, 2, 12));
    ld_calendar_file_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(push_pull_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(lost_ack_is_counted_as_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(reused_seq_refused_cursor_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(unreachable_central_records_error, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_event_is_not_pushed, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_device_and_config_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_rows_from_central_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_changed_central_row_is_not_pulled, setup, teardown),
        cmocka_unit_test_setup_teardown(stops_between_batches, setup, teardown),
        cmocka_unit_test(backoff_grows_bounded_with_jitter),
        cmocka_unit_test_setup_teardown(taps_go_on_during_a_big_push, setup, teardown),
        cmocka_unit_test_setup_teardown(calendar_written_atomically, setup, teardown),
        cmocka_unit_test_setup_teardown(status_reaches_the_office, setup, teardown),
        cmocka_unit_test_setup_teardown(disabled_device_reports_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_report_fails_the_round, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
