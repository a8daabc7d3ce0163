/* test_store_sync_status.c: the sync process's status in the device store (sync_status.h). */
#include "helpers.h"

#include "sync_status.h"

struct fx {
    struct tdir dir;
    char path[256];
    struct ld_store *s;
    char msg[512];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    tdir_make(&f->dir);
    tdir_file(&f->dir, "device.db", f->path, sizeof f->path);
    f->s = create_store(f->path, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    ld_store_close(f->s);
    tdir_remove(&f->dir);
    free(f);
    return 0;
}

static struct ld_sync_status read_ok(struct fx *f)
{
    struct ld_sync_status st;
    ld_err err = ld_sync_status_read(f->s, &st, f->msg, sizeof f->msg);
    if (err)
        fail_msg("read: %s", f->msg);
    return st;
}

static void never_synced(void **state)
{
    struct fx *f = *state;
    struct ld_event a = arrival(T_UPN_A, T_MONDAY_MS), b = arrival(T_UPN_B, T_MONDAY_MS + 1000);
    append_ok(f->s, &a);
    append_ok(f->s, &b);
    struct ld_sync_status st = read_ok(f);
    assert_false(st.ever_synced);
    assert_int_equal(st.last_success_ms, 0);
    assert_int_equal(st.last_attempt_ms, 0);
    assert_string_equal(st.last_error, "");
    assert_int_equal(st.push_cursor, 0);
    assert_int_equal(st.pending, 2);
}

static void a_round_then_a_failure(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 3; i++) {
        struct ld_event a = arrival(T_UPN_A, T_MONDAY_MS + i * 60000);
        append_ok(f->s, &a);
    }
    assert_int_equal(ld_sync_status_set_cursor(f->s, 2, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_sync_status_success(f->s, T_MONDAY_MS + 5000, f->msg, sizeof f->msg),
                     LD_OK);
    struct ld_sync_status st = read_ok(f);
    assert_true(st.ever_synced);
    assert_int_equal(st.push_cursor, 2);
    assert_int_equal(st.pending, 1);
    assert_int_equal(st.last_success_ms, T_MONDAY_MS + 5000);
    assert_int_equal(st.last_attempt_ms, T_MONDAY_MS + 5000);

    /* A failure keeps the last success, records the attempt, and makes the error one line. */
    assert_int_equal(ld_sync_status_failure(f->s, T_MONDAY_MS + 9000,
                                            "could not connect to server:\n\tConnection refused",
                                            f->msg, sizeof f->msg),
                     LD_OK);
    st = read_ok(f);
    assert_int_equal(st.last_success_ms, T_MONDAY_MS + 5000);
    assert_int_equal(st.last_attempt_ms, T_MONDAY_MS + 9000);
    assert_string_equal(st.last_error, "could not connect to server:  Connection refused");

    assert_false(st.refused);

    /* A refusal by the centre is kept as such; an ordinary failure after it clears it. */
    assert_int_equal(ld_sync_status_refused(f->s, T_MONDAY_MS + 10000,
                                            "device door-1 is disabled at the central store",
                                            f->msg, sizeof f->msg),
                     LD_OK);
    st = read_ok(f);
    assert_true(st.refused);
    assert_string_equal(st.last_error, "device door-1 is disabled at the central store");
    assert_int_equal(
        ld_sync_status_failure(f->s, T_MONDAY_MS + 11000, "no route", f->msg, sizeof f->msg),
        LD_OK);
    assert_false(read_ok(f).refused);
    assert_int_equal(
        ld_sync_status_refused(f->s, T_MONDAY_MS + 12000, "push REFUSED", f->msg, sizeof f->msg),
        LD_OK);

    /* Success clears the error, and the refusal. */
    assert_int_equal(ld_sync_status_set_cursor(f->s, 3, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_sync_status_success(f->s, T_MONDAY_MS + 20000, f->msg, sizeof f->msg),
                     LD_OK);
    st = read_ok(f);
    assert_string_equal(st.last_error, "");
    assert_false(st.refused);
    assert_int_equal(st.pending, 0);
}

static void cursor_never_moves_back(void **state)
{
    struct fx *f = *state;
    assert_int_equal(ld_sync_status_set_cursor(f->s, 7, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_sync_status_set_cursor(f->s, 7, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_sync_status_set_cursor(f->s, 6, f->msg, sizeof f->msg), LD_ERR_STATE);
    assert_msg_has(f->msg, "from 7 to 6");
    assert_int_equal(read_ok(f).push_cursor, 7);
}

static void long_and_odd_errors_are_kept_safely(void **state)
{
    struct fx *f = *state;
    /* 300 bytes of "é" (2 bytes each): cut to at most 255 bytes, never mid-character. */
    char big[601] = "";
    for (int i = 0; i < 300; i++)
        strcat(big, "\xc3\xa9");
    assert_int_equal(ld_sync_status_failure(f->s, 1, big, f->msg, sizeof f->msg), LD_OK);
    struct ld_sync_status st = read_ok(f);
    assert_int_equal(strlen(st.last_error), 254);
    /* Bytes that are not UTF-8 (a server's message in Latin-1) become '?'. */
    assert_int_equal(ld_sync_status_failure(f->s, 2, "caf\xe9 down", f->msg, sizeof f->msg), LD_OK);
    assert_string_equal(read_ok(f).last_error, "caf? down");
    /* No sentence at all still says something. */
    assert_int_equal(ld_sync_status_failure(f->s, 3, "", f->msg, sizeof f->msg), LD_OK);
    assert_string_equal(read_ok(f).last_error, "failed, without saying why");
}

static void corrupt_values_are_named(void **state)
{
    struct fx *f = *state;
    const char *bad[] = {"-1", "12x", "", " 5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(
            ld_store_setting_set(f->s, LD_SYNC_KEY_LAST_SUCCESS, bad[i], f->msg, sizeof f->msg),
            LD_OK);
        struct ld_sync_status st = {.pending = 42};
        assert_int_equal(ld_sync_status_read(f->s, &st, f->msg, sizeof f->msg), LD_ERR_CORRUPT);
        assert_msg_has(f->msg, LD_SYNC_KEY_LAST_SUCCESS);
        assert_int_equal(st.pending, 42); /* untouched */
    }
    /* A bad cursor refuses to move, too. */
    assert_int_equal(
        ld_store_setting_set(f->s, LD_SYNC_KEY_PUSH_CURSOR, "seven", f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_sync_status_set_cursor(f->s, 8, f->msg, sizeof f->msg), LD_ERR_CORRUPT);
    assert_msg_has(f->msg, LD_SYNC_KEY_PUSH_CURSOR);
}

/* (Issue 14) The last failure outlives the success after it; the reader's state is kept with
 * its time, cleaned to one line; a value not of the form is named. */
static void last_failure_and_reader_state(void **state)
{
    struct fx *f = *state;
    assert_int_equal(read_ok(f).last_failure_ms, 0);
    assert_string_equal(read_ok(f).reader, "");
    assert_int_equal(
        ld_sync_status_failure(f->s, 5000, "no route to the centre", f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(ld_sync_status_success(f->s, 6000, f->msg, sizeof f->msg), LD_OK);
    struct ld_sync_status st = read_ok(f);
    assert_string_equal(st.last_error, "");
    assert_string_equal(st.last_failure, "no route to the centre");
    assert_int_equal(st.last_failure_ms, 5000);
    assert_int_equal(
        ld_sync_reader_state_set(f->s, 7000, "error: pn532\n gone", f->msg, sizeof f->msg), LD_OK);
    st = read_ok(f);
    assert_string_equal(st.reader, "error: pn532  gone");
    assert_int_equal(st.reader_ms, 7000);
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(ld_sync_reader_state_set(f->s, 8000, big, f->msg, sizeof f->msg), LD_OK);
    assert_int_equal(strlen(read_ok(f).reader), LD_READER_STATE_MAX - 1);
    const char *bad[] = {"ok", "-5 ok", "12", "7x ok"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(
            ld_store_setting_set(f->s, LD_KIOSK_KEY_READER, bad[i], f->msg, sizeof f->msg), LD_OK);
        assert_int_equal(ld_sync_status_read(f->s, &st, f->msg, sizeof f->msg), LD_ERR_CORRUPT);
        assert_msg_has(f->msg, LD_KIOSK_KEY_READER);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(never_synced, setup, teardown),
        cmocka_unit_test_setup_teardown(a_round_then_a_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(cursor_never_moves_back, setup, teardown),
        cmocka_unit_test_setup_teardown(long_and_odd_errors_are_kept_safely, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_values_are_named, setup, teardown),
        cmocka_unit_test_setup_teardown(last_failure_and_reader_state, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
