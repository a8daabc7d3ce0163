/* test_thread.c: the supervisor with a scripted driver: states, back-off, debounce, stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "recorder.h"

/* What the scripted driver does at each call, in order; after the script, reads block. */
enum step { OPEN_FAIL, OPEN_OK, READ_CARD_A, READ_CARD_B, READ_BAD, READ_LOST };

struct fake {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    const enum step *opens, *reads;
    size_t nopens, nreads, open_at, read_at;
    bool interrupted, is_open;
    unsigned closes;
};

static ld_err fake_open(void *impl, char *msg, size_t msglen)
{
    struct fake *f = impl;
    pthread_mutex_lock(&f->mu);
    ld_err err = LD_OK;
    if (f->interrupted)
        err = LD_ERR_STATE;
    else if (f->open_at < f->nopens && f->opens[f->open_at++] == OPEN_FAIL)
        err = LD_ERR_NOT_FOUND;
    if (err == LD_ERR_NOT_FOUND)
        snprintf(msg, msglen, "fake: not plugged in");
    f->is_open = err == LD_OK;
    pthread_mutex_unlock(&f->mu);
    return err;
}

static ld_err fake_read(void *impl, struct ld_uid *uid, char *msg, size_t msglen)
{
    struct fake *f = impl;
    ld_err err = LD_OK;
    pthread_mutex_lock(&f->mu);
    while (!f->interrupted && f->read_at >= f->nreads)
        pthread_cond_wait(&f->cond, &f->mu);
    if (f->interrupted) {
        err = LD_ERR_STATE;
    } else {
        switch (f->reads[f->read_at++]) {
        case READ_CARD_A:
            (void)ld_uid_parse("04A1B2C3", uid); /* no cmocka asserts off the main thread */
            break;
        case READ_CARD_B:
            (void)ld_uid_parse("04112233445566", uid);
            break;
        case READ_BAD:
            snprintf(msg, msglen, "fake: garbled");
            err = LD_ERR_INVALID;
            break;
        default:
            snprintf(msg, msglen, "fake: unplugged");
            err = LD_ERR_IO;
            break;
        }
    }
    pthread_mutex_unlock(&f->mu);
    return err;
}

static void fake_close(void *impl)
{
    struct fake *f = impl;
    pthread_mutex_lock(&f->mu);
    if (f->is_open)
        f->closes++;
    f->is_open = false;
    pthread_mutex_unlock(&f->mu);
}

static void fake_interrupt(void *impl)
{
    struct fake *f = impl;
    pthread_mutex_lock(&f->mu);
    f->interrupted = true;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->mu);
}

static void fake_destroy(void *impl)
{
    struct fake *f = impl;
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

static const struct ld_reader_ops fake_ops = {
    .name = "fake",
    .open = fake_open,
    .read = fake_read,
    .close = fake_close,
    .interrupt = fake_interrupt,
    .destroy = fake_destroy,
};

static struct ld_reader *fake_reader(const enum step *opens, size_t nopens, const enum step *reads,
                                     size_t nreads, struct fake **fp)
{
    struct fake *f = calloc(1, sizeof *f);
    assert_non_null(f);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cond, NULL);
    f->opens = opens;
    f->nopens = nopens;
    f->reads = reads;
    f->nreads = nreads;
    struct ld_reader *r = NULL;
    assert_int_equal(ld_reader_create(&fake_ops, f, &r), LD_OK);
    if (fp)
        *fp = f;
    return r;
}

static void test_states_backoff_and_debounce(void **state)
{
    static const enum step opens[] = {OPEN_FAIL, OPEN_FAIL, OPEN_OK, OPEN_OK};
    static const enum step reads[] = {READ_CARD_A, READ_CARD_A, READ_BAD, READ_CARD_B, READ_LOST};
    struct fake *f;
    struct ld_reader *r = fake_reader(opens, 4, reads, 5, &f);
    struct recorder rec;
    rec_init(&rec);
    struct ld_reader_thread_config cfg = rec_config(&rec, 5000, 10, 40);
    struct ld_reader_thread *t = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, msg, sizeof msg), LD_OK);

    /* Two failed opens, a good one, a loss, and a good one again. */
    int first_ok = rec_wait_state(&rec, LD_READER_OK, 0, 5000);
    assert_true(first_ok >= 0);
    assert_true(rec_wait_state(&rec, LD_READER_OK, (unsigned)first_ok + 1, 5000) >= 0);
    assert_true(rec_wait_cards(&rec, 2, 5000));
    assert_true(rec_wait_errors(&rec, 1, 5000));
    assert_int_equal(ld_reader_thread_state(t, msg, sizeof msg), LD_READER_OK);
    assert_string_equal(msg, "fake");

    static const enum ld_reader_state expect[] = {
        LD_READER_RECONNECTING, LD_READER_MISSING,      LD_READER_RECONNECTING,
        LD_READER_MISSING,      LD_READER_RECONNECTING, LD_READER_OK,
        LD_READER_MISSING,      LD_READER_RECONNECTING, LD_READER_OK,
    };
    assert_int_equal(rec_states(&rec), 9);
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(rec.states[i], expect[i]);
    /* Card A twice in a row is one event; B is another. */
    assert_int_equal(rec_cards(&rec), 2);
    char hex[LD_UID_HEXLEN];
    rec_card_hex(&rec, 0, hex);
    assert_string_equal(hex, "04A1B2C3");
    rec_card_hex(&rec, 1, hex);
    assert_string_equal(hex, "04112233445566");
    assert_string_equal(rec.last_error, "fake: garbled");

    /* The reader is blocked in read: stop interrupts it, closes it and reports "stopped". */
    ld_reader_thread_destroy(t);
    assert_int_equal(rec.nstates, 10);
    assert_int_equal(rec.states[9], LD_READER_STOPPED);
    rec_fini(&rec);
}

static void test_no_debounce(void **state)
{
    static const enum step reads[] = {READ_CARD_A, READ_CARD_A, READ_CARD_A};
    struct ld_reader *r = fake_reader(NULL, 0, reads, 3, NULL);
    struct recorder rec;
    rec_init(&rec);
    struct ld_reader_thread_config cfg = rec_config(&rec, 0, 10, 40);
    struct ld_reader_thread *t = NULL;
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, NULL, 0), LD_OK);
    assert_true(rec_wait_cards(&rec, 3, 5000));
    ld_reader_thread_destroy(t);
    rec_fini(&rec);
}

static void test_missing_reader_stops_at_once(void **state)
{
    /* A reader that never opens: stop during the back-off wait. */
    static const enum step opens[] = {OPEN_FAIL, OPEN_FAIL, OPEN_FAIL, OPEN_FAIL,
                                      OPEN_FAIL, OPEN_FAIL, OPEN_FAIL, OPEN_FAIL};
    struct ld_reader *r = fake_reader(opens, 8, NULL, 0, NULL);
    struct recorder rec;
    rec_init(&rec);
    struct ld_reader_thread_config cfg = rec_config(&rec, 5000, 60000, 60000);
    struct ld_reader_thread *t = NULL;
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, NULL, 0), LD_OK);
    assert_true(rec_wait_state(&rec, LD_READER_MISSING, 0, 5000) >= 0);
    char detail[LD_READER_MSG_MAX];
    assert_int_equal(ld_reader_thread_state(t, detail, sizeof detail), LD_READER_MISSING);
    assert_string_equal(detail, "fake: not plugged in");
    ld_reader_thread_destroy(t); /* would hang for a minute if the wait were not woken */
    rec_fini(&rec);
}

static void test_bad_arguments(void **state)
{
    struct ld_reader *r = fake_reader(NULL, 0, NULL, 0, NULL);
    struct recorder rec;
    rec_init(&rec);
    struct ld_reader_thread *t = (struct ld_reader_thread *)&rec;
    char msg[LD_READER_MSG_MAX] = "";

    struct ld_reader_thread_config cfg = rec_config(&rec, 5000, 10, 40);
    cfg.on_card = NULL;
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, msg, sizeof msg), LD_ERR_INVALID);
    assert_null(t);
    cfg = rec_config(&rec, -1, 10, 40);
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, msg, sizeof msg), LD_ERR_INVALID);
    cfg = rec_config(&rec, 5000, 100, 10);
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, msg, sizeof msg), LD_ERR_INVALID);
    cfg = rec_config(&rec, 5000, 0, 10);
    assert_int_equal(ld_reader_thread_create(r, &cfg, &t, msg, sizeof msg), LD_ERR_INVALID);
    /* On error the reader stayed ours. */
    ld_reader_destroy(r);
    ld_reader_thread_destroy(NULL);
    ld_reader_destroy(NULL);

    struct ld_reader_ops half = fake_ops;
    half.interrupt = NULL;
    assert_int_equal(ld_reader_create(&half, NULL, &r), LD_ERR_INVALID);
    assert_null(r);
    assert_string_equal(ld_reader_state_name(LD_READER_MISSING), "missing");
    assert_string_equal(ld_reader_state_name((enum ld_reader_state)42), "unknown");
    rec_fini(&rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states_backoff_and_debounce),
        cmocka_unit_test(test_no_debounce),
        cmocka_unit_test(test_missing_reader_stops_at_once),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
