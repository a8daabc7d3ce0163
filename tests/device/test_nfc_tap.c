/* test_nfc_tap.c: a card on an emulated PN532, through real libnfc, becomes one arrival. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pn532_emu.h"
#include "reader.h"
#include "tap.h"

/* Cards handed over from the reader thread, as the kiosk's SDL user events would be. */
struct queue {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct ld_uid uids[16];
    size_t n;
};

static void on_card(void *ctx, const struct ld_uid *uid, int64_t mono_ms)
{
    struct queue *q = ctx;
    pthread_mutex_lock(&q->lock);
    if (q->n < 16)
        q->uids[q->n++] = *uid;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

/* Takes the next card, waiting at most ms; false when none came. */
static bool next_card(struct queue *q, int ms, struct ld_uid *out)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->lock);
    while (q->n == 0 && pthread_cond_timedwait(&q->cond, &q->lock, &until) == 0)
        ;
    bool got = q->n > 0;
    if (got) {
        *out = q->uids[0];
        memmove(q->uids, q->uids + 1, --q->n * sizeof q->uids[0]);
    }
    pthread_mutex_unlock(&q->lock);
    return got;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static uint64_t count(struct ld_store *store, unsigned kinds)
{
    struct ld_event_filter f = {.kinds = kinds};
    uint64_t n = 0;
    assert_int_equal(ld_store_events_count(store, &f, &n, NULL, 0), LD_OK);
    return n;
}

static void a_tap_becomes_one_arrival(void **state)
{
    char dir[] = "/tmp/ld-nfc-tap-XXXXXX", ini[96], db[96], link[96], conn[128], text[1024];
    char msg[512];
    assert_non_null(mkdtemp(dir));
    snprintf(ini, sizeof ini, "%s/school.ini", dir);
    snprintf(db, sizeof db, "%s/device.db", dir);
    snprintf(link, sizeof link, "%s/pn532", dir);
    snprintf(conn, sizeof conn, "pn532_uart:%s", link);
    snprintf(text, sizeof text,
             "[school]\nname = Hollybrook Primary School\n[device]\nid = door-1\n"
             "[reader]\ndriver = nfc\nconnstring = %s\n"
             "[paths]\ncalendar = %s/../assets/demo/calendar.ini\nstore = %s\n",
             conn, LD_TEST_DATA, db);
    write_file(ini, text);

    struct ld_device dev;
    struct ld_store *store;
    struct ld_roster roster = {0};
    assert_int_equal(ld_device_load(ini, &dev, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_store_create(db, "door-1", NULL, &store, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_roster_parse_csv(LD_TEST_DATA "/../assets/demo/roster.csv", &roster, NULL,
                                         msg, sizeof msg),
                     LD_OK);
    assert_int_equal(ld_store_import_roster(store, &roster, NULL, msg, sizeof msg), LD_OK);
    ld_roster_free(&roster);

    struct pn532_emu *emu;
    assert_int_equal(pn532_emu_start(link, &emu), 0);
    struct ld_reader *reader;
    assert_int_equal(ld_device_reader_create(&dev.cfg, &reader, msg, sizeof msg), LD_OK);
    struct queue q = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    struct ld_reader_thread_config cfg;
    ld_reader_thread_config_default(&cfg);
    cfg.on_card = on_card;
    cfg.ctx = &q;
    cfg.debounce_ms = dev.cfg.debounce_ms;
    struct ld_reader_thread *thread;
    assert_int_equal(ld_reader_thread_create(reader, &cfg, &thread, msg, sizeof msg), LD_OK);

    /* Tomás's 7-byte card, read three times by the chip as it lies on the reader. */
    struct pn532_emu_card card;
    assert_true(pn532_emu_card_from_hex("0426C73B4940C6", &card));
    pn532_emu_tap(emu, &card, 3);
    struct ld_uid uid;
    assert_true(next_card(&q, 15000, &uid));
    struct ld_tap tap = {.store = store, .dev = &dev, .clock = NULL};
    struct ld_tap_result r;
    assert_int_equal(ld_tap_card(&tap, &uid, LD_SRC_CARD, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(r.status, LD_TAP_SIGNED_IN);
    assert_string_equal(r.pupil.upn, "C873214726123");
    assert_true(pn532_emu_wait(emu, PN532_EMU_REPORTS, 3, 15000));
    assert_false(next_card(&q, 1000, &uid)); /* the other two reads were the same tap */

    /* A card nobody holds: kept for enrolment. */
    assert_true(pn532_emu_card_from_hex("04BADCAF", &card));
    pn532_emu_tap(emu, &card, 1);
    assert_true(next_card(&q, 15000, &uid));
    assert_int_equal(ld_tap_card(&tap, &uid, LD_SRC_CARD, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(r.status, LD_TAP_UNKNOWN_CARD);

    ld_reader_thread_destroy(thread);
    pn532_emu_stop(emu);
    assert_int_equal(count(store, 1u << LD_EV_ARRIVAL), 1);
    assert_int_equal(count(store, 1u << LD_EV_UNKNOWN_CARD), 1);
    ld_store_close(store);
    ld_device_free(&dev);
    snprintf(text, sizeof text, "rm -rf '%s'", dir);
    assert_int_equal(system(text), 0);
}

int main(void)
{
    setenv("LIBNFC_AUTO_SCAN", "false", 1);
    setenv("LIBNFC_INTRUSIVE_SCAN", "false", 1);
    const struct CMUnitTest tests[] = {cmocka_unit_test(a_tap_becomes_one_arrival)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
