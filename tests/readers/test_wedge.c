/* test_wedge.c: the keyboard-wedge decoder, card numbers, and the evdev driver over a pipe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/input.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reader.h"

/* Feeds text as keys gap_ms apart from *t; returns the last result, with the first card. */
static enum ld_wedge_result feed(struct ld_wedge_decoder *d, const char *text, int gap_ms,
                                 int64_t *t, struct ld_uid *uid, int *cards)
{
    enum ld_wedge_result r = LD_WEDGE_MORE;
    char msg[LD_READER_MSG_MAX];
    for (const char *p = text; *p; p++) {
        *t += gap_ms;
        r = ld_wedge_decoder_feed(d, *p, *t, uid, msg, sizeof msg);
        if (r == LD_WEDGE_CARD && cards)
            ++*cards;
    }
    return r;
}

static void assert_uid(const struct ld_uid *uid, const char *hex)
{
    char buf[LD_UID_HEXLEN];
    ld_uid_format(uid, buf);
    assert_string_equal(buf, hex);
}

static void test_burst_is_a_card(void **state)
{
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, NULL);
    struct ld_uid uid = {0};
    int64_t t = 1000;
    assert_int_equal(feed(&d, "04a1b2c3\n", 8, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "04A1B2C3");
    /* Right after, a second card: the decoder was reset. Carriage return ends it too. */
    assert_int_equal(feed(&d, "04112233445566\r", 12, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "04112233445566");
}

static void test_decimal_card_number(void **state)
{
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, NULL);
    struct ld_uid uid = {0};
    int64_t t = 0;
    /* 0012345678 = 0x00BC614E: the 32-bit number, big-endian. */
    assert_int_equal(feed(&d, "0012345678\n", 10, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "00BC614E");
    assert_int_equal(feed(&d, "4294967295\n", 10, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "FFFFFFFF");
    /* Past 32 bits: the next UID length that holds it, 7 bytes. */
    assert_int_equal(feed(&d, "4294967296\n", 10, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "00000100000000");
}

/* A reader that types the 4-byte UID 04A1B2C3 little-endian, as 10 decimal digits. */
static void test_reversed_decimal_reader(void **state)
{
    struct ld_wedge_config cfg = {.format = LD_WEDGE_DECIMAL, .reversed = true};
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, &cfg);
    struct ld_uid uid = {0};
    int64_t t = 0;
    assert_int_equal(feed(&d, "3283263748\n", 10, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "04A1B2C3");
    /* Hex typed last byte first, likewise. */
    cfg = (struct ld_wedge_config){.format = LD_WEDGE_HEX, .reversed = true};
    ld_wedge_decoder_init(&d, &cfg);
    assert_int_equal(feed(&d, "C3B2A104\n", 10, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "04A1B2C3");
}

static void test_number_formats(void **state)
{
    struct ld_uid uid;
    char msg[LD_READER_MSG_MAX];
    assert_int_equal(ld_wedge_number_to_uid("0012345678", LD_WEDGE_HEX, &uid, msg, sizeof msg),
                     LD_OK);
    assert_uid(&uid, "0012345678");
    assert_int_equal(ld_wedge_number_to_uid("04A1B2C3", LD_WEDGE_AUTO, &uid, msg, sizeof msg),
                     LD_OK);
    assert_uid(&uid, "04A1B2C3");
    /* 8 decimal digits in AUTO: hex, as most readers type 4-byte UIDs. */
    assert_int_equal(ld_wedge_number_to_uid("12345678", LD_WEDGE_AUTO, &uid, msg, sizeof msg),
                     LD_OK);
    assert_uid(&uid, "12345678");
    assert_int_equal(ld_wedge_number_to_uid("12345678", LD_WEDGE_DECIMAL, &uid, msg, sizeof msg),
                     LD_OK);
    assert_uid(&uid, "00BC614E");
    /* A 7-byte UID typed in decimal: 0x04112233445566 = 1144738493519206. */
    assert_int_equal(
        ld_wedge_number_to_uid("1144738493519206", LD_WEDGE_DECIMAL, &uid, msg, sizeof msg), LD_OK);
    assert_uid(&uid, "04112233445566");
    /* The largest 10-byte value, 2^80 - 1, and one more. */
    assert_int_equal(ld_wedge_number_to_uid("1208925819614629174706175", LD_WEDGE_DECIMAL, &uid,
                                            msg, sizeof msg),
                     LD_OK);
    assert_uid(&uid, "FFFFFFFFFFFFFFFFFFFF");
    assert_int_equal(ld_wedge_number_to_uid("1208925819614629174706176", LD_WEDGE_DECIMAL, &uid,
                                            msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_non_null(strstr(msg, "too large"));

    struct ld_uid before = {.len = 1, .bytes = {0x42}};
    uid = before;
    assert_int_equal(ld_wedge_number_to_uid("", LD_WEDGE_AUTO, &uid, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(ld_wedge_number_to_uid("04A1B2C", LD_WEDGE_AUTO, &uid, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_non_null(strstr(msg, "odd"));
    assert_int_equal(ld_wedge_number_to_uid("04A1B2C3", LD_WEDGE_DECIMAL, &uid, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(ld_wedge_number_to_uid("04-1B2C3", LD_WEDGE_AUTO, &uid, msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_int_equal(
        ld_wedge_number_to_uid("0011223344556677889900", LD_WEDGE_HEX, &uid, msg, sizeof msg),
        LD_ERR_INVALID);
    assert_int_equal(ld_wedge_number_to_uid("12345678901234567890123456", LD_WEDGE_DECIMAL, &uid,
                                            msg, sizeof msg),
                     LD_ERR_INVALID);
    assert_true(ld_uid_equal(&uid, &before));
}

static void test_person_typing_is_ignored(void **state)
{
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, NULL);
    struct ld_uid uid = {0};
    int cards = 0;
    int64_t t = 0;
    /* The same digits at a person's pace. */
    assert_int_equal(feed(&d, "0012345678\n", 150, &t, &uid, &cards), LD_WEDGE_TYPING);
    /* A fast burst that is too short. */
    assert_int_equal(feed(&d, "1234\n", 10, &t, &uid, &cards), LD_WEDGE_TYPING);
    /* Enter on its own. */
    t += 1000;
    assert_int_equal(feed(&d, "\n", 0, &t, &uid, &cards), LD_WEDGE_TYPING);
    /* A fast burst whose Enter comes late. */
    assert_int_equal(feed(&d, "04A1B2C3", 10, &t, &uid, &cards), LD_WEDGE_MORE);
    t += 200;
    assert_int_equal(feed(&d, "\n", 0, &t, &uid, &cards), LD_WEDGE_TYPING);
    /* A burst with no Enter at all, then a person's slow keys: never a card. */
    assert_int_equal(feed(&d, "04A1B2C3", 10, &t, &uid, &cards), LD_WEDGE_MORE);
    assert_int_equal(feed(&d, "12\n", 400, &t, &uid, &cards), LD_WEDGE_TYPING);
    assert_int_equal(cards, 0);
}

static void test_typing_then_burst(void **state)
{
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, NULL);
    struct ld_uid uid = {0};
    int64_t t = 0;
    /* Someone pressed keys, then a card was read: the burst alone is the card. */
    assert_int_equal(feed(&d, "99", 200, &t, &uid, NULL), LD_WEDGE_MORE);
    t += 500;
    assert_int_equal(feed(&d, "04A1B2C3\n", 9, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "04A1B2C3");
}

static void test_bad_characters(void **state)
{
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, NULL);
    struct ld_uid uid = {0};
    char msg[LD_READER_MSG_MAX] = "";
    int64_t t = 0;
    assert_int_equal(feed(&d, "04A1?2C3\n", 8, &t, &uid, NULL), LD_WEDGE_BAD);
    assert_int_equal(feed(&d, "04A1G2C3\n", 8, &t, &uid, NULL), LD_WEDGE_BAD);
    /* An odd count of hex digits. */
    assert_int_equal(feed(&d, "04A1B2C\n", 8, &t, &uid, NULL), LD_WEDGE_BAD);
    /* The message names the trouble. */
    const char *p = "04x1B2C3";
    for (; *p; p++)
        ld_wedge_decoder_feed(&d, *p, t += 5, &uid, msg, sizeof msg);
    assert_int_equal(ld_wedge_decoder_feed(&d, '\n', t += 5, &uid, msg, sizeof msg), LD_WEDGE_BAD);
    assert_non_null(strstr(msg, "not a digit"));
    /* The decoder recovers for the next card. */
    assert_int_equal(feed(&d, "04A1B2C3\n", 8, &t, &uid, NULL), LD_WEDGE_CARD);
}

static void test_overlong_burst_is_capped(void **state)
{
    struct ld_wedge_decoder d;
    ld_wedge_decoder_init(&d, NULL);
    struct ld_uid uid = {0};
    char msg[LD_READER_MSG_MAX] = "";
    int64_t t = 0;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(ld_wedge_decoder_feed(&d, '7', t += 5, &uid, msg, sizeof msg),
                         LD_WEDGE_MORE);
        assert_true(d.len <= LD_WEDGE_MAX_CHARS);
    }
    assert_int_equal(ld_wedge_decoder_feed(&d, '\n', t += 5, &uid, msg, sizeof msg), LD_WEDGE_BAD);
    assert_non_null(strstr(msg, "longer"));
    assert_int_equal(feed(&d, "04A1B2C3\n", 8, &t, &uid, NULL), LD_WEDGE_CARD);
}

static void test_config_is_clamped(void **state)
{
    struct ld_wedge_decoder d;
    struct ld_wedge_config cfg = {.min_digits = 1000, .max_gap_ms = -5, .format = 99};
    ld_wedge_decoder_init(&d, &cfg);
    assert_int_equal(d.cfg.min_digits, LD_WEDGE_MAX_CHARS);
    assert_int_equal(d.cfg.max_gap_ms, LD_WEDGE_DEFAULT_MAX_GAP_MS);
    assert_int_equal(d.cfg.format, LD_WEDGE_AUTO);
    /* A slower reader: 50 ms between keys, with a wider gap allowed. */
    cfg = (struct ld_wedge_config){.max_gap_ms = 60, .format = LD_WEDGE_DECIMAL};
    ld_wedge_decoder_init(&d, &cfg);
    struct ld_uid uid = {0};
    int64_t t = 0;
    assert_int_equal(feed(&d, "12345678\n", 50, &t, &uid, NULL), LD_WEDGE_CARD);
    assert_uid(&uid, "00BC614E");
}

/* ---- the evdev driver over a pipe ---- */

struct keys {
    unsigned char bytes[4096];
    size_t len;
    int64_t t_ms;
};

static void add_event(struct keys *k, unsigned type, unsigned code, int value)
{
    struct input_event ev;
    memset(&ev, 0, sizeof ev);
    ev.input_event_sec = k->t_ms / 1000;
    ev.input_event_usec = (k->t_ms % 1000) * 1000;
    ev.type = (unsigned short)type;
    ev.code = (unsigned short)code;
    ev.value = value;
    assert_true(k->len + sizeof ev <= sizeof k->bytes);
    memcpy(k->bytes + k->len, &ev, sizeof ev);
    k->len += sizeof ev;
}

static unsigned keycode(char c)
{
    static const unsigned digits[] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4,
                                      KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
    static const unsigned letters[] = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F};
    if (c >= '0' && c <= '9')
        return digits[c - '0'];
    if (c >= 'A' && c <= 'F')
        return letters[c - 'A'];
    if (c == '\n')
        return KEY_ENTER;
    return KEY_X;
}

/* Types text as a keyboard does: press, sync, release, sync for each key, gap_ms apart; letters
 * with Shift held, as many readers send them. */
static void type(struct keys *k, const char *text, int gap_ms)
{
    for (const char *p = text; *p; p++) {
        k->t_ms += gap_ms;
        bool shift = *p >= 'A' && *p <= 'F';
        if (shift)
            add_event(k, EV_KEY, KEY_LEFTSHIFT, 1);
        add_event(k, EV_KEY, keycode(*p), 1);
        add_event(k, EV_SYN, SYN_REPORT, 0);
        add_event(k, EV_KEY, keycode(*p), 0);
        if (shift)
            add_event(k, EV_KEY, KEY_LEFTSHIFT, 0);
        add_event(k, EV_SYN, SYN_REPORT, 0);
    }
}

struct dribble {
    int fd;
    const struct keys *k;
};

/* Writes the events 7 bytes at a time, so records arrive cut in pieces. */
static void *dribble_main(void *arg)
{
    struct dribble *d = arg;
    for (size_t off = 0; off < d->k->len; off += 7) {
        size_t n = d->k->len - off < 7 ? d->k->len - off : 7;
        if (write(d->fd, d->k->bytes + off, n) != (ssize_t)n)
            return NULL; /* the reading side fails the test */
        if (off % 70 == 0)
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    return NULL;
}

static void test_evdev_over_pipe(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct ld_reader_wedge_config cfg = {.fd = p[0]};
    struct ld_reader *r = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_wedge_create(&cfg, &r, msg, sizeof msg), LD_OK);
    assert_string_equal(ld_reader_name(r), "wedge");
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_OK);

    static struct keys k;
    memset(&k, 0, sizeof k);
    k.t_ms = 1700000000000;
    type(&k, "12\n", 180);     /* a person: ignored */
    type(&k, "04A1B2C3\n", 8); /* a card */
    k.t_ms += 2000;
    type(&k, "04X1B2C3\n", 8); /* a garbled burst (X is not a digit) */
    k.t_ms += 2000;
    type(&k, "0012345678\n", 8); /* a decimal card number */
    struct dribble d = {.fd = p[1], .k = &k};
    pthread_t writer;
    assert_int_equal(pthread_create(&writer, NULL, dribble_main, &d), 0);

    struct ld_uid uid = {0};
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_OK);
    assert_uid(&uid, "04A1B2C3");
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_ERR_INVALID);
    assert_non_null(strstr(msg, "not a digit"));
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_OK);
    assert_uid(&uid, "00BC614E");
    pthread_join(writer, NULL);

    /* The writer goes: end of input, and the reader is missing from then on. */
    close(p[1]);
    assert_int_equal(ld_reader_read(r, &uid, msg, sizeof msg), LD_ERR_IO);
    ld_reader_close(r);
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_ERR_NOT_FOUND);
    ld_reader_destroy(r);
    /* The descriptor stays the caller's. */
    assert_int_equal(close(p[0]), 0);
}

struct blocked {
    struct ld_reader *r;
    ld_err err;
};

static void *blocked_read(void *arg)
{
    struct blocked *b = arg;
    struct ld_uid uid;
    char msg[LD_READER_MSG_MAX];
    b->err = ld_reader_read(b->r, &uid, msg, sizeof msg);
    return NULL;
}

static void test_evdev_interrupt(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct ld_reader_wedge_config cfg = {.fd = p[0]};
    struct blocked b = {.err = LD_OK};
    char msg[LD_READER_MSG_MAX];
    assert_int_equal(ld_reader_wedge_create(&cfg, &b.r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(b.r, msg, sizeof msg), LD_OK);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, blocked_read, &b), 0);
    nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
    ld_reader_interrupt(b.r);
    pthread_join(th, NULL);
    assert_int_equal(b.err, LD_ERR_STATE);
    /* Sticky: later calls return at once. */
    assert_int_equal(ld_reader_open(b.r, msg, sizeof msg), LD_ERR_STATE);
    ld_reader_destroy(b.r);
    close(p[0]);
    close(p[1]);
}

static void test_evdev_missing_device(void **state)
{
    struct ld_reader_wedge_config cfg = {.path = "/nonexistent/input/event99", .fd = -1};
    struct ld_reader *r = NULL;
    char msg[LD_READER_MSG_MAX] = "";
    assert_int_equal(ld_reader_wedge_create(&cfg, &r, msg, sizeof msg), LD_OK);
    assert_int_equal(ld_reader_open(r, msg, sizeof msg), LD_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "event99"));
    ld_reader_destroy(r);

    cfg = (struct ld_reader_wedge_config){.fd = -1};
    assert_int_equal(ld_reader_wedge_create(&cfg, &r, msg, sizeof msg), LD_ERR_INVALID);
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_is_a_card),
        cmocka_unit_test(test_decimal_card_number),
        cmocka_unit_test(test_reversed_decimal_reader),
        cmocka_unit_test(test_number_formats),
        cmocka_unit_test(test_person_typing_is_ignored),
        cmocka_unit_test(test_typing_then_burst),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_overlong_burst_is_capped),
        cmocka_unit_test(test_config_is_clamped),
        cmocka_unit_test(test_evdev_over_pipe),
        cmocka_unit_test(test_evdev_interrupt),
        cmocka_unit_test(test_evdev_missing_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
