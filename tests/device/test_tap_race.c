/* test_tap_race.c: four processes tap one pupil at the same instant: one arrival, three "already".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define ROUNDS    100
#define PROCESSES 4

/* Every process reads the same fixed time: the taps fall in one session whatever the order. */
struct fixed {
    int64_t utc_ms;
};
static ld_err fixed_realtime(void *ctx, int64_t *v, char *msg, size_t n)
{
    *v = ((struct fixed *)ctx)->utc_ms;
    return LD_OK;
}
static ld_err fixed_boottime(void *ctx, int64_t *v, char *msg, size_t n)
{
    *v = 1000000;
    return LD_OK;
}
static ld_err fixed_sync(void *ctx, bool *v, char *msg, size_t n)
{
    *v = true;
    return LD_OK;
}
static ld_err fixed_boot_id(void *ctx, char out[LD_BOOT_ID_SIZE], char *msg, size_t n)
{
    memcpy(out, "28d95a18-f3f0-423e-8803-af0def8d5fd8", LD_BOOT_ID_SIZE);
    return LD_OK;
}

struct world {
    char dir[64], ini[96], db[96];
    char upns[ROUNDS][LD_UPN_LEN + 1];
    int64_t at_ms;
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static ld_err take_upn(void *ctx, const struct ld_pupil *p)
{
    struct world *w = ctx;
    static size_t n;
    if (n < ROUNDS)
        memcpy(w->upns[n++], p->upn, sizeof w->upns[0]);
    return LD_OK;
}

/* A store with the demo roster, and ROUNDS pupils to tap. */
static void make_world(struct world *w)
{
    char msg[512], text[1024];
    struct ld_device dev;
    struct ld_store *store;
    strcpy(w->dir, "/tmp/ld-race-XXXXXX");
    assert_non_null(mkdtemp(w->dir));
    snprintf(w->ini, sizeof w->ini, "%s/school.ini", w->dir);
    snprintf(w->db, sizeof w->db, "%s/device.db", w->dir);
    snprintf(text, sizeof text,
             "[school]\nname = Hollybrook Primary School\n[device]\nid = door-1\n"
             "[reader]\ndriver = none\n[paths]\ncalendar = %s/../assets/demo/calendar.ini\n"
             "store = %s\n",
             LD_TEST_DATA, w->db);
    write_file(w->ini, text);
    assert_int_equal(ld_device_load(w->ini, &dev, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_create(w->db, "door-1", NULL, &store, msg, sizeof msg), LD_OK);
    struct ld_roster roster = {0};
    assert_int_equal(ld_roster_parse_csv(LD_TEST_DATA "/../assets/demo/roster.csv", &roster, NULL,
                                         msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_store_import_roster(store, &roster, NULL, msg, sizeof msg), LD_OK);
    ld_roster_free(&roster);
    assert_int_equal(ld_store_pupils_foreach(store, NULL, false, take_upn, w, msg, sizeof msg),
                     LD_OK);
    ld_date d;
    assert_true(ld_date_parse("2026-11-23", &d));
    assert_int_equal(ld_clock_from_local(dev.tz, d, 9 * 60 + 7, 0, &w->at_ms, msg, sizeof msg),
                     LD_OK);
    ld_store_close(store);
    ld_device_free(&dev);
}

/*
 * One child: opens its own device and store as `latedoor tap` does, says it is ready, waits at
 * the barrier (a read that returns when the parent closes the pipe), taps, and exits with
 * 10 + the status (or 1 on an error).
 */
static int child(const struct world *w, const char *upn, int ready, int barrier)
{
    char msg[512], c = 'r';
    struct ld_device dev;
    struct ld_store *store;
    struct fixed fx = {w->at_ms};
    struct ld_clock_source src = {.read_realtime = fixed_realtime,
                                  .read_boottime = fixed_boottime,
                                  .read_sync_status = fixed_sync,
                                  .read_boot_id = fixed_boot_id,
                                  .ctx = &fx,
                                  .floor_ms = LD_CLOCK_NO_FLOOR};
    if (ld_device_load(w->ini, &dev, msg, sizeof msg) ||
        ld_store_open(w->db, &(struct ld_store_options){.busy_timeout_ms = 30000}, &store, msg,
                      sizeof msg))
        return 1;
    struct ld_tap tap = {.store = store, .dev = &dev, .clock = &src};
    struct ld_tap_result r;
    if (write(ready, &c, 1) != 1 || read(barrier, &c, 1) != 0)
        return 1;
    ld_err err = ld_tap_pupil(&tap, upn, LD_SRC_CLI, NULL, NULL, &r, msg, sizeof msg);
    if (err)
        fprintf(stderr, "child: %s\n", msg);
    ld_store_close(store);
    ld_device_free(&dev);
    return err ? 1 : 10 + (int)r.status;
}

/* One round: PROCESSES children tap upn at once; counts what they were told. */
static void round_of_taps(const struct world *w, const char *upn, int *signed_in, int *already)
{
    int ready[2], barrier[2];
    pid_t pids[PROCESSES];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(barrier), 0);
    for (int i = 0; i < PROCESSES; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(ready[0]);
            close(barrier[1]);
            _exit(child(w, upn, ready[1], barrier[0]));
        }
    }
    close(ready[1]);
    close(barrier[0]);
    char c;
    for (int i = 0; i < PROCESSES; i++) /* every child is open and waiting */
        assert_int_equal(read(ready[0], &c, 1), 1);
    close(barrier[1]); /* releases all four at once */
    close(ready[0]);
    for (int i = 0; i < PROCESSES; i++) {
        int st;
        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_true(WIFEXITED(st));
        int code = WEXITSTATUS(st);
        assert_true(code == 10 + LD_TAP_SIGNED_IN || code == 10 + LD_TAP_ALREADY);
        *signed_in += code == 10 + LD_TAP_SIGNED_IN;
        *already += code == 10 + LD_TAP_ALREADY;
    }
}

static void four_taps_at_once_record_one_arrival(void **state)
{
    struct world w;
    char msg[512];
    make_world(&w);
    for (int i = 0; i < ROUNDS; i++) {
        int signed_in = 0, already = 0;
        round_of_taps(&w, w.upns[i], &signed_in, &already);
        assert_int_equal(signed_in, 1);
        assert_int_equal(already, PROCESSES - 1);
    }
    struct ld_store *store;
    assert_int_equal(ld_store_open(w.db, NULL, &store, msg, sizeof msg), LD_OK);
    for (int i = 0; i < ROUNDS; i++) {
        struct ld_event_filter f = {.upn = w.upns[i], .kinds = 1u << LD_EV_ARRIVAL};
        uint64_t n = 0;
        assert_int_equal(ld_store_events_count(store, &f, &n, msg, sizeof msg), LD_OK);
        assert_int_equal(n, 1);
    }
    ld_store_close(store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w.dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_taps_at_once_record_one_arrival),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
