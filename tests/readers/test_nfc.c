/* test_nfc.c: the libnfc reader end to end: libnfc's pn532_uart driver against an emulated PN532.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <unistd.h>

#include "debounce.h"
#include "pn532_emu.h"
#include "recorder.h"

/*
 * Built twice: test_reader_nfc runs everything but the 30-second hold, test_reader_nfc_hold
 * (LD_NFC_HOLD_ONLY) runs the hold alone. Every wait has a generous limit; the one timing
 * assertion is the functional requirement that shutdown during a blocked poll takes < 1 s.
 */

#define WAIT_MS 15000

struct fixture {
    char dir[64];
    char link[128];
    char conn[160];
    struct pn532_emu *emu;
    struct recorder rec;
    struct ld_reader_thread *t;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/ld-test-nfc-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->link, sizeof f->link, "%s/pn532", f->dir);
    snprintf(f->conn, sizeof f->conn, "pn532_uart:%s", f->link);
    if (pn532_emu_start(f->link, &f->emu) != 0) {
        rmdir(f->dir);
        free(f);
        return -1;
    }
    rec_init(&f->rec);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ld_reader_thread_destroy(f->t);
    pn532_emu_stop(f->emu);
    rec_fini(&f->rec);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Starts the reader thread on the emulator; poll_nr x period x 150 ms is one empty poll. */
static void start_reader(struct fixture *f, uint8_t poll_nr, uint8_t period)
{
    struct ld_reader_nfc_config nc = {
        .connstring = f->conn, .poll_nr = poll_nr, .period = period, .watchdog_ms = 1000};
    struct ld_reader *r = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_nfc_create(&nc, &r, msg, sizeof msg), LD_OK);
    assert_string_equal(ld_reader_name(r), "nfc");
    struct ld_reader_thread_config cfg = rec_config(
        &f->rec, LD_DEBOUNCE_DEFAULT_MS, LD_READER_BACKOFF_MIN_MS, LD_READER_BACKOFF_MAX_MS);
    assert_int_equal(ld_reader_thread_create(r, &cfg, &f->t, msg, sizeof msg), LD_OK);
}

/* Waits until the reader is polling the chip. */
static void wait_polling(struct fixture *f, unsigned from_state)
{
    assert_true(rec_wait_state(&f->rec, LD_READER_OK, from_state, WAIT_MS) >= 0);
    assert_true(pn532_emu_wait(f->emu, PN532_EMU_POLLING, 1, WAIT_MS));
}

/* Waits until the reader has polled twice more: any card event still to come has come. */
static void wait_two_more_polls(struct fixture *f)
{
    unsigned polls = pn532_emu_count(f->emu, PN532_EMU_AUTOPOLLS);
    assert_true(pn532_emu_wait(f->emu, PN532_EMU_AUTOPOLLS, polls + 2, WAIT_MS));
}

static void assert_card(struct fixture *f, unsigned i, const char *hex)
{
    char got[LD_UID_HEXLEN];
    rec_card_hex(&f->rec, i, got);
    assert_string_equal(got, hex);
}

#ifndef LD_NFC_HOLD_ONLY

/* Taps card (read three times, as a real tap often is) and checks it is one event. */
static void tap_once(struct fixture *f, const struct pn532_emu_card *card, const char *hex)
{
    unsigned cards = rec_cards(&f->rec);
    unsigned reports = pn532_emu_count(f->emu, PN532_EMU_REPORTS);
    pn532_emu_tap(f->emu, card, 3);
    assert_true(rec_wait_cards(&f->rec, cards + 1, WAIT_MS));
    assert_card(f, cards, hex);
    assert_true(pn532_emu_wait(f->emu, PN532_EMU_REPORTS, reports + 3, WAIT_MS));
    wait_two_more_polls(f);
    assert_int_equal(rec_cards(&f->rec), cards + 1);
}

static void test_taps_of_each_uid_size(void **state)
{
    struct fixture *f = *state;
    start_reader(f, 2, 2);
    wait_polling(f, 0);

    struct pn532_emu_card classic, desfire, triple;
    assert_true(pn532_emu_card_from_hex("04A1B2C3", &classic));
    static const uint8_t uid7[7] = {0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
    pn532_emu_card_desfire(uid7, &desfire);
    assert_true(pn532_emu_card_from_hex("0102030405060708090A", &triple));

    tap_once(f, &classic, "04A1B2C3");
    tap_once(f, &desfire, "04112233445566");
    tap_once(f, &triple, "0102030405060708090A");
    assert_int_equal(ld_reader_thread_state(f->t, NULL, 0), LD_READER_OK);
    assert_int_equal(pn532_emu_count(f->emu, PN532_EMU_BAD), 0);
}

static void test_unplugged_and_back(void **state)
{
    struct fixture *f = *state;
    start_reader(f, 2, 2);
    wait_polling(f, 0);
    unsigned from = rec_states(&f->rec);

    pn532_emu_unplug(f->emu);
    int missing = rec_wait_state(&f->rec, LD_READER_MISSING, from, WAIT_MS);
    assert_true(missing >= 0);
    /* It keeps trying by itself while the reader is away. */
    assert_true(rec_wait_state(&f->rec, LD_READER_RECONNECTING, (unsigned)missing, WAIT_MS) >= 0);
    char detail[LD_READER_MSG_MAX];
    enum ld_reader_state now = ld_reader_thread_state(f->t, detail, sizeof detail);
    assert_true(now == LD_READER_MISSING || now == LD_READER_RECONNECTING);

    assert_int_equal(pn532_emu_plug(f->emu), 0);
    wait_polling(f, (unsigned)missing);
    struct pn532_emu_card card;
    assert_true(pn532_emu_card_from_hex("04C0FFEE", &card));
    tap_once(f, &card, "04C0FFEE");
}

static void test_absent_at_start(void **state)
{
    struct fixture *f = *state;
    pn532_emu_unplug(f->emu);
    start_reader(f, 2, 2);
    assert_true(rec_wait_state(&f->rec, LD_READER_MISSING, 0, WAIT_MS) >= 0);
    char detail[LD_READER_MSG_MAX];
    ld_reader_thread_state(f->t, detail, sizeof detail);
    assert_non_null(strstr(detail, f->link));
    assert_int_equal(pn532_emu_plug(f->emu), 0);
    wait_polling(f, 0);
}

static void test_silent_chip_is_reopened(void **state)
{
    struct fixture *f = *state;
    start_reader(f, 2, 2);
    wait_polling(f, 0);
    unsigned from = rec_states(&f->rec);

    /* The chip stops answering mid-poll: the watchdog aborts the poll, which libnfc alone
     * would wait on for ever. */
    pn532_emu_set_silent(f->emu, true);
    int missing = rec_wait_state(&f->rec, LD_READER_MISSING, from, WAIT_MS);
    assert_true(missing >= 0);
    pn532_emu_set_silent(f->emu, false);
    wait_polling(f, (unsigned)missing);
    struct pn532_emu_card card;
    assert_true(pn532_emu_card_from_hex("04BEEF01", &card));
    tap_once(f, &card, "04BEEF01");
}

static void test_shutdown_during_blocked_poll(void **state)
{
    struct fixture *f = *state;
    /* PollNr 0xFF: the chip polls for ever, and libnfc waits for ever, with no card. */
    start_reader(f, 0xFF, 2);
    wait_polling(f, 0);
    rec_sleep_ms(300);
    assert_int_equal(pn532_emu_count(f->emu, PN532_EMU_POLLING), 1);

    int64_t t0 = rec_now_ms();
    ld_reader_thread_destroy(f->t);
    int64_t took = rec_now_ms() - t0;
    f->t = NULL;
    fprintf(stderr, "# shutdown took %lld ms\n", (long long)took);
    assert_true(took < 1000);
    /* libnfc aborted the poll by sending the chip an ACK. */
    assert_true(pn532_emu_count(f->emu, PN532_EMU_ACKS) >= 1);
    assert_int_equal(f->rec.states[f->rec.nstates - 1], LD_READER_STOPPED);
}

static void test_bad_config(void **state)
{
    struct ld_reader *r = (struct ld_reader *)state;
    char msg[LD_READER_MSG_MAX] = "";
    static char huge[2000];
    memset(huge, 'x', sizeof huge - 1);
    struct ld_reader_nfc_config nc = {.connstring = huge};
    assert_int_equal(ld_reader_nfc_create(&nc, &r, msg, sizeof msg), LD_ERR_INVALID);
    assert_null(r);
    nc = (struct ld_reader_nfc_config){.connstring = "pn532_uart:/x", .rescan_ms = -1};
    assert_int_equal(ld_reader_nfc_create(&nc, &r, msg, sizeof msg), LD_ERR_INVALID);
    /* A reader that is never opened is simply freed. */
    nc = (struct ld_reader_nfc_config){.connstring = "pn532_uart:/nonexistent/tty"};
    assert_int_equal(ld_reader_nfc_create(&nc, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_ERR_NOT_FOUND);
    ld_reader_destroy(r);
}

#else

static void test_card_held_30_s_is_one_event(void **state)
{
    struct fixture *f = *state;
    start_reader(f, 2, 2);
    wait_polling(f, 0);
    struct pn532_emu_card card;
    assert_true(pn532_emu_card_from_hex("04A1B2C3", &card));

    unsigned reports = pn532_emu_count(f->emu, PN532_EMU_REPORTS);
    pn532_emu_present(f->emu, &card);
    assert_true(rec_wait_cards(&f->rec, 1, WAIT_MS));
    for (int s = 1; s <= 30; s++) {
        rec_sleep_ms(1000);
        if (s % 10 == 0)
            fprintf(stderr, "# held for %d s: %u reads, %u events\n", s,
                    pn532_emu_count(f->emu, PN532_EMU_REPORTS) - reports, rec_cards(&f->rec));
    }
    pn532_emu_remove(f->emu);
    wait_two_more_polls(f);

    assert_int_equal(rec_cards(&f->rec), 1);
    assert_card(f, 0, "04A1B2C3");
    /* It really was read again and again: the debounce, not a missed card, made it one. */
    assert_true(pn532_emu_count(f->emu, PN532_EMU_REPORTS) - reports >= 20);
}

#endif

int main(void)
{
    /* The connection string names the device; keep libnfc from scanning USB buses as well. */
    setenv("LIBNFC_AUTO_SCAN", "false", 1);
    setenv("LIBNFC_INTRUSIVE_SCAN", "false", 1);
    const struct CMUnitTest tests[] = {
#ifndef LD_NFC_HOLD_ONLY
        cmocka_unit_test_setup_teardown(test_taps_of_each_uid_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unplugged_and_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_at_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silent_chip_is_reopened, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_during_blocked_poll, setup, teardown),
        cmocka_unit_test(test_bad_config),
#else
        cmocka_unit_test_setup_teardown(test_card_held_30_s_is_one_event, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
