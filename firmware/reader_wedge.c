/* reader_wedge.c: keyboard-wedge card readers: the burst decoder and the Linux evdev driver. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WEDGE_PATH_MAX    1023
#define WEDGE_MAX_GAP_CAP 10000 /* ms: a larger max_gap_ms would let people type cards in */
/* Events read at once; a card number is some 25 presses and as many releases. */
#define WEDGE_EVENTS_BUF 64

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (!msg || msglen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

static bool is_dec(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_dec(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- card numbers ---- */

ld_err ld_wedge_number_to_uid(const char *digits, enum ld_wedge_format format, struct ld_uid *uid,
                              char *msg, size_t msglen)
{
    if (!digits || !uid) {
        set_msg(msg, msglen, "card number: missing");
        return LD_ERR_INVALID;
    }
    size_t n = strnlen(digits, LD_WEDGE_MAX_CHARS + 1);
    if (n == 0) {
        set_msg(msg, msglen, "card number: empty");
        return LD_ERR_INVALID;
    }
    if (n > LD_WEDGE_MAX_CHARS) {
        set_msg(msg, msglen, "card number: longer than %d digits", LD_WEDGE_MAX_CHARS);
        return LD_ERR_INVALID;
    }
    bool all_dec = true;
    for (size_t i = 0; i < n; i++) {
        if (hex_value(digits[i]) < 0) {
            set_msg(msg, msglen, "card number: character %zu is not a digit", i + 1);
            return LD_ERR_INVALID;
        }
        all_dec = all_dec && is_dec(digits[i]);
    }
    if (format == LD_WEDGE_AUTO)
        format = all_dec && n == 10 ? LD_WEDGE_DECIMAL : LD_WEDGE_HEX;

    struct ld_uid u = {0};
    if (format == LD_WEDGE_DECIMAL) {
        if (!all_dec) {
            set_msg(msg, msglen, "card number: a decimal number has no letters");
            return LD_ERR_INVALID;
        }
        /* The same conversion as a roster's "Card Number" column (uid.h): one canonical UID. */
        if (!ld_uid_from_decimal(digits, &u)) {
            set_msg(msg, msglen, "card number: too large for a %d-byte UID", LD_UID_MAX);
            return LD_ERR_INVALID;
        }
    } else {
        if (n % 2 != 0) {
            set_msg(msg, msglen, "card number: an odd number (%zu) of hex digits", n);
            return LD_ERR_INVALID;
        }
        if (n / 2 > LD_UID_MAX) {
            set_msg(msg, msglen, "card number: more than %d bytes", LD_UID_MAX);
            return LD_ERR_INVALID;
        }
        u.len = (uint8_t)(n / 2);
        for (size_t i = 0; i < u.len; i++)
            u.bytes[i] = (uint8_t)(hex_value(digits[2 * i]) << 4 | hex_value(digits[2 * i + 1]));
    }
    *uid = u;
    return LD_OK;
}

/* ---- the decoder ---- */

static void decoder_reset(struct ld_wedge_decoder *d)
{
    d->len = 0;
    d->overflow = false;
    d->bad_char = false;
    d->started = false;
}

void ld_wedge_decoder_init(struct ld_wedge_decoder *d, const struct ld_wedge_config *cfg)
{
    struct ld_wedge_config c = cfg ? *cfg : (struct ld_wedge_config){0};
    if (c.min_digits <= 0)
        c.min_digits = LD_WEDGE_DEFAULT_MIN;
    if (c.min_digits > LD_WEDGE_MAX_CHARS)
        c.min_digits = LD_WEDGE_MAX_CHARS;
    if (c.max_gap_ms <= 0)
        c.max_gap_ms = LD_WEDGE_DEFAULT_MAX_GAP_MS;
    if (c.max_gap_ms > WEDGE_MAX_GAP_CAP)
        c.max_gap_ms = WEDGE_MAX_GAP_CAP;
    if (c.format != LD_WEDGE_HEX && c.format != LD_WEDGE_DECIMAL)
        c.format = LD_WEDGE_AUTO;
    memset(d, 0, sizeof *d);
    d->cfg = c;
}

/* Judges the burst just ended by Enter. */
static enum ld_wedge_result decoder_judge(struct ld_wedge_decoder *d, struct ld_uid *uid, char *msg,
                                          size_t msglen)
{
    if (d->len < (size_t)d->cfg.min_digits && !d->overflow) {
        set_msg(msg, msglen, "wedge: %zu digits before Enter: typed, not a card", d->len);
        return LD_WEDGE_TYPING;
    }
    if (d->bad_char) {
        set_msg(msg, msglen, "wedge: a burst of keys holds a key that is not a digit");
        return LD_WEDGE_BAD;
    }
    if (d->overflow) {
        set_msg(msg, msglen, "wedge: a burst longer than %d digits", LD_WEDGE_MAX_CHARS);
        return LD_WEDGE_BAD;
    }
    char digits[LD_WEDGE_MAX_CHARS + 1];
    memcpy(digits, d->buf, d->len);
    digits[d->len] = '\0';
    char why[LD_READER_MSG_MAX];
    if (ld_wedge_number_to_uid(digits, d->cfg.format, uid, why, sizeof why) != LD_OK) {
        set_msg(msg, msglen, "wedge: %s", why);
        return LD_WEDGE_BAD;
    }
    return LD_WEDGE_CARD;
}

enum ld_wedge_result ld_wedge_decoder_feed(struct ld_wedge_decoder *d, char c, int64_t ms,
                                           struct ld_uid *uid, char *msg, size_t msglen)
{
    bool enter = c == '\n' || c == '\r';
    if (d->started) {
        /* A slow key (or a clock stepped back) means a person was typing: start again here. */
        int64_t gap = ms - d->last_ms;
        if (gap < 0 || gap > d->cfg.max_gap_ms) {
            size_t had = d->len;
            decoder_reset(d);
            if (enter) {
                set_msg(msg, msglen, "wedge: Enter %lld ms after the last of %zu keys: typed",
                        (long long)gap, had);
                return LD_WEDGE_TYPING;
            }
        }
    }
    if (enter) {
        if (!d->started) {
            set_msg(msg, msglen, "wedge: Enter alone");
            return LD_WEDGE_TYPING;
        }
        enum ld_wedge_result r = decoder_judge(d, uid, msg, msglen);
        decoder_reset(d);
        return r;
    }
    d->started = true;
    d->last_ms = ms;
    if (hex_value(c) < 0)
        d->bad_char = true;
    else if (d->len < LD_WEDGE_MAX_CHARS)
        d->buf[d->len++] = c;
    else
        d->overflow = true;
    return LD_WEDGE_MORE;
}

/* ---- the evdev driver ---- */

struct wedge {
    char path[WEDGE_PATH_MAX + 1];
    int given_fd;   /* the caller's descriptor, or -1 */
    bool given_eof; /* the caller's descriptor reached end of file */
    int fd;         /* the open input, or -1 */
    int wake;       /* eventfd: readable once interrupted */
    struct ld_wedge_config dcfg;
    struct ld_wedge_decoder dec;
    unsigned char buf[WEDGE_EVENTS_BUF * sizeof(struct input_event)];
    size_t have; /* bytes in buf; a partial record waits for the rest */
};

static bool wedge_interrupted(const struct wedge *w)
{
    struct pollfd p = {.fd = w->wake, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* The character a key press stands for: hex digits and Enter as such, modifiers (a reader may
 * press Shift for A-F) as 0 (skipped), every other key as '?'. */
static char key_char(unsigned code)
{
    static const char digit_row[] = "1234567890"; /* KEY_1 .. KEY_0 are consecutive */
    if (code >= KEY_1 && code <= KEY_0)
        return digit_row[code - KEY_1];
    switch (code) {
    case KEY_A:
        return 'A';
    case KEY_B:
        return 'B';
    case KEY_C:
        return 'C';
    case KEY_D:
        return 'D';
    case KEY_E:
        return 'E';
    case KEY_F:
        return 'F';
    case KEY_KP0:
        return '0';
    case KEY_KP1:
        return '1';
    case KEY_KP2:
        return '2';
    case KEY_KP3:
        return '3';
    case KEY_KP4:
        return '4';
    case KEY_KP5:
        return '5';
    case KEY_KP6:
        return '6';
    case KEY_KP7:
        return '7';
    case KEY_KP8:
        return '8';
    case KEY_KP9:
        return '9';
    case KEY_ENTER:
    case KEY_KPENTER:
        return '\n';
    case KEY_LEFTSHIFT:
    case KEY_RIGHTSHIFT:
    case KEY_LEFTCTRL:
    case KEY_RIGHTCTRL:
    case KEY_LEFTALT:
    case KEY_RIGHTALT:
    case KEY_LEFTMETA:
    case KEY_RIGHTMETA:
    case KEY_CAPSLOCK:
    case KEY_NUMLOCK:
        return 0;
    default:
        return '?';
    }
}

static ld_err wedge_open(void *impl, char *msg, size_t msglen)
{
    struct wedge *w = impl;
    if (wedge_interrupted(w))
        return LD_ERR_STATE;
    if (w->fd >= 0)
        return LD_OK;
    ld_wedge_decoder_init(&w->dec, &w->dcfg);
    w->have = 0;

    if (w->given_fd >= 0) {
        if (w->given_eof) {
            set_msg(msg, msglen, "wedge: descriptor %d: end of input", w->given_fd);
            return LD_ERR_NOT_FOUND;
        }
        w->fd = w->given_fd;
        return LD_OK;
    }

    int fd = open(w->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        set_msg(msg, msglen, "wedge: %s: %s", w->path, strerror(e));
        return e == ENOENT || e == ENODEV || e == ENXIO ? LD_ERR_NOT_FOUND : LD_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
        /* A real input device: take its keys from the console and every other reader of it. */
        if (ioctl(fd, EVIOCGRAB, 1) != 0) {
            set_msg(msg, msglen, "wedge: %s: EVIOCGRAB: %s", w->path, strerror(errno));
            close(fd);
            return LD_ERR_IO;
        }
        /* Timestamps that NTP cannot step; on failure realtime stamps only risk one burst. */
        int clk = CLOCK_MONOTONIC;
        (void)ioctl(fd, EVIOCSCLOCKID, &clk);
    }
    w->fd = fd;
    return LD_OK;
}

static void wedge_close(void *impl)
{
    struct wedge *w = impl;
    if (w->fd >= 0 && w->fd != w->given_fd)
        close(w->fd); /* closing releases the grab */
    w->fd = -1;
    w->have = 0;
}

/* Feeds the complete records in w->buf to the decoder until one ends a card or a bad burst. */
static ld_err wedge_decode(struct wedge *w, struct ld_uid *uid, char *msg, size_t msglen,
                           bool *done)
{
    const size_t rec = sizeof(struct input_event);
    size_t off = 0;
    ld_err err = LD_OK;
    *done = false;
    while (!*done && w->have - off >= rec) {
        struct input_event ev;
        memcpy(&ev, w->buf + off, rec);
        off += rec;
        if (ev.type != EV_KEY || ev.value != 1) /* presses only: no releases, no repeats */
            continue;
        char c = key_char(ev.code);
        if (!c)
            continue;
        int64_t ms = (int64_t)ev.input_event_sec * 1000 + (int64_t)ev.input_event_usec / 1000;
        switch (ld_wedge_decoder_feed(&w->dec, c, ms, uid, msg, msglen)) {
        case LD_WEDGE_CARD:
            *done = true;
            break;
        case LD_WEDGE_BAD:
            err = LD_ERR_INVALID;
            *done = true;
            break;
        case LD_WEDGE_MORE:
        case LD_WEDGE_TYPING:
            break;
        }
    }
    memmove(w->buf, w->buf + off, w->have - off);
    w->have -= off;
    return err;
}

static ld_err wedge_read(void *impl, struct ld_uid *uid, char *msg, size_t msglen)
{
    struct wedge *w = impl;
    if (w->fd < 0) {
        set_msg(msg, msglen, "wedge: not open");
        return LD_ERR_STATE;
    }
    for (;;) {
        bool done;
        ld_err err = wedge_decode(w, uid, msg, msglen, &done);
        if (done)
            return err;

        struct pollfd p[2] = {{.fd = w->wake, .events = POLLIN}, {.fd = w->fd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            set_msg(msg, msglen, "wedge: poll: %s", strerror(errno));
            return LD_ERR_IO;
        }
        if (p[0].revents)
            return LD_ERR_STATE;
        if (!p[1].revents)
            continue;
        ssize_t n = read(w->fd, w->buf + w->have, sizeof w->buf - w->have);
        if (n > 0) {
            w->have += (size_t)n;
        } else if (n == 0) {
            if (w->fd == w->given_fd)
                w->given_eof = true;
            set_msg(msg, msglen, "wedge: end of input");
            return LD_ERR_IO;
        } else if (errno != EAGAIN && errno != EINTR) {
            /* ENODEV: the reader was unplugged. */
            set_msg(msg, msglen, "wedge: read: %s", strerror(errno));
            return LD_ERR_IO;
        }
    }
}

static void wedge_interrupt(void *impl)
{
    struct wedge *w = impl;
    uint64_t one = 1;
    /* The counter only grows, so it stays readable: the interrupt is sticky. */
    ssize_t n = write(w->wake, &one, sizeof one);
    (void)n;
}

static void wedge_destroy(void *impl)
{
    struct wedge *w = impl;
    if (!w)
        return;
    wedge_close(w);
    if (w->wake >= 0)
        close(w->wake);
    free(w);
}

static const struct ld_reader_ops wedge_ops = {
    .name = "wedge",
    .open = wedge_open,
    .read = wedge_read,
    .close = wedge_close,
    .interrupt = wedge_interrupt,
    .destroy = wedge_destroy,
};

ld_err ld_reader_wedge_create(const struct ld_reader_wedge_config *cfg, struct ld_reader **out,
                              char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct wedge *w = NULL;
    if (!out)
        return LD_ERR_INVALID;
    *out = NULL;
    if (!cfg || (cfg->fd < 0 && (!cfg->path || !cfg->path[0]))) {
        set_msg(msg, msglen, "wedge: needs an input device path or descriptor");
        err = LD_ERR_INVALID;
        goto out;
    }
    if (cfg->fd < 0 && strlen(cfg->path) > WEDGE_PATH_MAX) {
        set_msg(msg, msglen, "wedge: device path longer than %d bytes", WEDGE_PATH_MAX);
        err = LD_ERR_INVALID;
        goto out;
    }
    w = calloc(1, sizeof *w);
    if (!w) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    w->fd = -1;
    w->given_fd = cfg->fd >= 0 ? cfg->fd : -1;
    w->dcfg = cfg->decoder;
    if (cfg->fd < 0)
        snprintf(w->path, sizeof w->path, "%s", cfg->path);
    w->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->wake < 0) {
        set_msg(msg, msglen, "wedge: eventfd: %s", strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }
    err = ld_reader_create(&wedge_ops, w, out);

out:
    if (err && w) {
        if (w->wake >= 0)
            close(w->wake);
        free(w);
    }
    return err;
}
