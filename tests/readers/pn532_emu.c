/* pn532_emu.c: the PN532 emulator: frames, the commands libnfc sends, and the pty it lives on. */
#include "pn532_emu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define RX_MAX         1024 /* bytes buffered from the host; a frame is at most 264 */
#define TX_MAX         300
#define FOREVER        INT64_MAX
#define PERIOD_UNIT_MS 150

enum pending_kind { PENDING_NONE, PENDING_AUTOPOLL, PENDING_LIST };

struct pn532_emu {
    char *link;
    pthread_t thread;
    int wake[2]; /* a pipe that wakes the thread after a control call */

    pthread_mutex_t mu;     /* guards everything below */
    pthread_cond_t changed; /* on CLOCK_MONOTONIC: a counter moved */
    bool quit;
    int master, slave; /* -1 when unplugged */
    uint8_t rx[RX_MAX];
    size_t rx_len;

    bool card_present;
    struct pn532_emu_card card;
    unsigned tap_reads; /* > 0: remove the card after this many more reports */

    bool silent;
    unsigned silent_acks; /* ACKs a silent chip still sends */

    enum pending_kind pending;
    int64_t pending_deadline; /* when `61 00` is due; FOREVER for none */
    uint8_t poll_types[16];
    size_t poll_ntypes;

    uint8_t params;      /* SetParameters flags */
    uint8_t max_passive; /* RFConfiguration item 5, MxRtyPassiveActivation */
    uint8_t regs[65536]; /* register file for ReadRegister/WriteRegister */

    unsigned counters[PN532_EMU_COUNTERS];
};

static const uint8_t ACK[] = {0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00};
static const uint8_t ERROR_FRAME[] = {0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void bump(struct pn532_emu *e, enum pn532_emu_counter c)
{
    e->counters[c]++;
    pthread_cond_broadcast(&e->changed);
}

static void set_polling(struct pn532_emu *e, enum pending_kind kind, int64_t deadline)
{
    e->pending = kind;
    e->pending_deadline = deadline;
    e->counters[PN532_EMU_POLLING] = kind == PENDING_AUTOPOLL;
    pthread_cond_broadcast(&e->changed);
}

static void poke(struct pn532_emu *e)
{
    char c = 1;
    ssize_t n = write(e->wake[1], &c, 1);
    (void)n; /* a full pipe is already a wake-up */
}

/* ---- frames ---- */

static void send_bytes(struct pn532_emu *e, const uint8_t *p, size_t n)
{
    while (e->master >= 0 && n > 0) {
        ssize_t w = write(e->master, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nobody reads the slave: what a real UART would lose too */
        p += w;
        n -= (size_t)w;
    }
}

/* Sends the ACK (when ack) and the response frame D5 code data. */
static void reply(struct pn532_emu *e, bool ack, uint8_t code, const uint8_t *data, size_t n)
{
    uint8_t f[sizeof ACK + TX_MAX];
    size_t len = 0;
    if (ack) {
        memcpy(f, ACK, sizeof ACK);
        len = sizeof ACK;
    }
    uint8_t body_len = (uint8_t)(2 + n);
    f[len++] = 0x00;
    f[len++] = 0x00;
    f[len++] = 0xFF;
    f[len++] = body_len;
    f[len++] = (uint8_t)(0x100 - body_len);
    uint8_t sum = 0xD5 + code;
    f[len++] = 0xD5;
    f[len++] = code;
    for (size_t i = 0; i < n; i++) {
        f[len++] = data[i];
        sum += data[i];
    }
    f[len++] = (uint8_t)(0x100 - sum);
    f[len++] = 0x00;
    send_bytes(e, f, len);
}

/* Writes the target data of the card (Tg ATQA SAK UIDLen UID [ATS]); returns its length. */
static size_t target_data(const struct pn532_emu_card *c, bool with_ats, uint8_t *out)
{
    size_t n = 0;
    out[n++] = 0x01;
    out[n++] = c->atqa[0];
    out[n++] = c->atqa[1];
    out[n++] = c->sak;
    out[n++] = c->uid_len;
    memcpy(out + n, c->uid, c->uid_len);
    n += c->uid_len;
    if (with_ats && c->ats_len > 0) {
        memcpy(out + n, c->ats, c->ats_len);
        n += c->ats_len;
    }
    return n;
}

/* Counts a report of the card, and ends a tap that has been read often enough. */
static void card_reported(struct pn532_emu *e)
{
    bump(e, PN532_EMU_REPORTS);
    if (e->tap_reads > 0 && --e->tap_reads == 0)
        e->card_present = false;
}

/* Answers the pending InAutoPoll with the card, if its types let the chip see it. */
static bool autopoll_card(struct pn532_emu *e)
{
    if (!e->card_present)
        return false;
    for (size_t i = 0; i < e->poll_ntypes; i++) {
        uint8_t type = e->poll_types[i];
        bool iso4 = type == 0x20 && e->card.ats_len > 0;
        if (type != 0x00 && type != 0x10 && !iso4)
            continue;
        uint8_t data[4 + 5 + PN532_EMU_UID_MAX + PN532_EMU_ATS_MAX];
        data[0] = 0x01; /* NbTg */
        data[1] = type;
        size_t tl = target_data(&e->card, iso4, data + 3);
        data[2] = (uint8_t)tl;
        reply(e, false, 0x61, data, 3 + tl);
        set_polling(e, PENDING_NONE, FOREVER);
        card_reported(e);
        return true;
    }
    return false;
}

/* Answers the pending InListPassiveTarget with the card, if there is one. */
static bool list_card(struct pn532_emu *e, bool ack)
{
    if (!e->card_present)
        return false;
    uint8_t data[2 + 5 + PN532_EMU_UID_MAX + PN532_EMU_ATS_MAX];
    data[0] = 0x01;
    size_t tl = target_data(&e->card, (e->params & 0x10) && (e->card.sak & 0x20), data + 1);
    reply(e, ack, 0x4B, data, 1 + tl);
    set_polling(e, PENDING_NONE, FOREVER);
    card_reported(e);
    return true;
}

static void command(struct pn532_emu *e, const uint8_t *body, size_t n)
{
    uint8_t cmd = body[0];
    const uint8_t *d = body + 1;
    size_t dn = n - 1;
    uint8_t out[TX_MAX];
    size_t on = 0;

    bump(e, PN532_EMU_FRAMES);
    if (e->silent) {
        if (e->silent_acks > 0) {
            e->silent_acks--;
            send_bytes(e, ACK, sizeof ACK);
        }
        return;
    }
    /* A new command while a poll waits: the host gave up on it. */
    set_polling(e, PENDING_NONE, FOREVER);

    switch (cmd) {
    case 0x14: /* SAMConfiguration */
        bump(e, PN532_EMU_OPENS);
        reply(e, true, 0x15, NULL, 0);
        return;
    case 0x00: /* Diagnose: echo the test number and its data */
        reply(e, true, 0x01, d, dn);
        return;
    case 0x02: { /* GetFirmwareVersion: PN532 v1.6 */
        static const uint8_t fw[] = {0x32, 0x01, 0x06, 0x07};
        reply(e, true, 0x03, fw, sizeof fw);
        return;
    }
    case 0x12: /* SetParameters */
        if (dn >= 1)
            e->params = d[0];
        reply(e, true, 0x13, NULL, 0);
        return;
    case 0x06: /* ReadRegister: one value per address */
        for (size_t i = 0; i + 1 < dn && on < sizeof out; i += 2)
            out[on++] = e->regs[d[i] << 8 | d[i + 1]];
        reply(e, true, 0x07, out, on);
        return;
    case 0x08: /* WriteRegister: address, value, ... */
        for (size_t i = 0; i + 2 < dn; i += 3)
            e->regs[d[i] << 8 | d[i + 1]] = d[i + 2];
        reply(e, true, 0x09, NULL, 0);
        return;
    case 0x32: /* RFConfiguration */
        if (dn >= 4 && d[0] == 0x05)
            e->max_passive = d[3];
        reply(e, true, 0x33, NULL, 0);
        return;
    case 0x52: /* InRelease */
    case 0x44: /* InDeselect */
    case 0x16: /* PowerDown */
        out[0] = 0x00;
        reply(e, true, (uint8_t)(cmd + 1), out, 1);
        return;
    case 0x4A: /* InListPassiveTarget MaxTg BrTy [data] */
        if (dn >= 2 && d[1] == 0x00 && list_card(e, true))
            return;
        if (e->max_passive == 0xFF) {
            /* Infinite retries: a real chip keeps looking and stays silent. */
            send_bytes(e, ACK, sizeof ACK);
            set_polling(e, PENDING_LIST, FOREVER);
            return;
        }
        out[0] = 0x00;
        reply(e, true, 0x4B, out, 1);
        return;
    case 0x60: { /* InAutoPoll PollNr Period Type... */
        bump(e, PN532_EMU_AUTOPOLLS);
        send_bytes(e, ACK, sizeof ACK);
        if (dn < 3) {
            send_bytes(e, ERROR_FRAME, sizeof ERROR_FRAME);
            bump(e, PN532_EMU_BAD);
            return;
        }
        e->poll_ntypes = dn - 2 < sizeof e->poll_types ? dn - 2 : sizeof e->poll_types;
        memcpy(e->poll_types, d + 2, e->poll_ntypes);
        int64_t deadline = FOREVER;
        if (d[0] != 0xFF)
            deadline = now_ms() + (int64_t)d[0] * (int64_t)e->poll_ntypes * d[1] * PERIOD_UNIT_MS;
        set_polling(e, PENDING_AUTOPOLL, deadline);
        autopoll_card(e);
        return;
    }
    case 0x40: /* InDataExchange */
    case 0x42: /* InCommunicateThru */
        /* Status 01 (timeout). Never bit 0x80: libnfc 1.8.0 calls abort() on it. */
        out[0] = 0x01;
        reply(e, true, (uint8_t)(cmd + 1), out, 1);
        return;
    default:
        send_bytes(e, ACK, sizeof ACK);
        send_bytes(e, ERROR_FRAME, sizeof ERROR_FRAME);
        bump(e, PN532_EMU_BAD);
        return;
    }
}

/* The host's ACK: abort whatever runs, and never answer it. */
static void host_ack(struct pn532_emu *e)
{
    bump(e, PN532_EMU_ACKS);
    if (!e->silent)
        set_polling(e, PENDING_NONE, FOREVER);
}

static void drop_rx(struct pn532_emu *e, size_t n)
{
    memmove(e->rx, e->rx + n, e->rx_len - n);
    e->rx_len -= n;
}

/* Takes every complete frame out of e->rx. */
static void parse_rx(struct pn532_emu *e)
{
    for (;;) {
        /* Skip the wake-up bytes and the preamble up to the start code 00 FF. */
        size_t i = 0;
        while (i + 1 < e->rx_len && !(e->rx[i] == 0x00 && e->rx[i + 1] == 0xFF))
            i++;
        if (i + 1 >= e->rx_len) {
            /* Keep a last 00: it may start the next start code. */
            size_t keep = e->rx_len > 0 && e->rx[e->rx_len - 1] == 0x00 ? 1 : 0;
            drop_rx(e, e->rx_len - keep);
            return;
        }
        drop_rx(e, i);
        if (e->rx_len < 4)
            return;
        uint8_t a = e->rx[2], b = e->rx[3];
        if (a == 0x00 && b == 0xFF) { /* ACK */
            drop_rx(e, 4);
            host_ack(e);
            continue;
        }
        if (a == 0xFF && b == 0x00) { /* NACK: nothing to resend */
            drop_rx(e, 4);
            continue;
        }
        size_t head, len;
        if (a == 0xFF && b == 0xFF) { /* extended frame */
            if (e->rx_len < 7)
                return;
            len = (size_t)e->rx[4] << 8 | e->rx[5];
            if ((uint8_t)(e->rx[4] + e->rx[5] + e->rx[6]) != 0) {
                bump(e, PN532_EMU_BAD);
                drop_rx(e, 2);
                continue;
            }
            head = 7;
        } else {
            if ((uint8_t)(a + b) != 0) {
                bump(e, PN532_EMU_BAD);
                drop_rx(e, 2);
                continue;
            }
            len = a;
            head = 4;
        }
        if (head + len + 1 > RX_MAX) {
            bump(e, PN532_EMU_BAD);
            drop_rx(e, 2);
            continue;
        }
        if (e->rx_len < head + len + 1)
            return;
        const uint8_t *body = e->rx + head;
        uint8_t sum = 0;
        for (size_t k = 0; k <= len; k++)
            sum += body[k]; /* TFI..data and DCS */
        if (len < 2 || body[0] != 0xD4 || sum != 0) {
            bump(e, PN532_EMU_BAD);
            drop_rx(e, head + len + 1);
            continue;
        }
        uint8_t frame[RX_MAX];
        memcpy(frame, body + 1, len - 1);
        drop_rx(e, head + len + 1);
        command(e, frame, len - 1);
    }
}

/* ---- the pty ---- */

static void close_pty(struct pn532_emu *e)
{
    if (e->master >= 0)
        close(e->master);
    if (e->slave >= 0)
        close(e->slave);
    e->master = e->slave = -1;
    e->rx_len = 0;
    set_polling(e, PENDING_NONE, FOREVER);
    unlink(e->link);
}

static int open_pty(struct pn532_emu *e)
{
    int err = 0;
    char name[PATH_MAX];
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    int s = -1;
    if (m < 0)
        return -errno;
    if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, name, sizeof name) != 0) {
        err = -errno;
        goto out;
    }
    /* Our own slave descriptor, in raw mode: without it reads on the master fail with EIO
     * between the host's sessions. */
    s = open(name, O_RDWR | O_NOCTTY);
    if (s < 0) {
        err = -errno;
        goto out;
    }
    struct termios tio;
    if (tcgetattr(s, &tio) != 0) {
        err = -errno;
        goto out;
    }
    cfmakeraw(&tio);
    if (tcsetattr(s, TCSANOW, &tio) != 0 || fcntl(m, F_SETFL, O_NONBLOCK) != 0) {
        err = -errno;
        goto out;
    }
    unlink(e->link);
    if (symlink(name, e->link) != 0) {
        err = -errno;
        goto out;
    }
    e->master = m;
    e->slave = s;
    e->rx_len = 0;
    e->params = 0;
    e->max_passive = 0xFF;
out:
    if (err) {
        if (s >= 0)
            close(s);
        close(m);
    }
    return err;
}

static void *emu_main(void *arg)
{
    struct pn532_emu *e = arg;
    pthread_mutex_lock(&e->mu);
    while (!e->quit) {
        int timeout = -1;
        if (e->pending == PENDING_AUTOPOLL && e->pending_deadline != FOREVER) {
            int64_t left = e->pending_deadline - now_ms();
            timeout = left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p[2] = {{.fd = e->wake[0], .events = POLLIN},
                              {.fd = e->master, .events = POLLIN}};
        pthread_mutex_unlock(&e->mu);
        int rc = poll(p, 2, timeout);
        pthread_mutex_lock(&e->mu);
        if (rc < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            char buf[64];
            ssize_t n = read(e->wake[0], buf, sizeof buf);
            (void)n;
        }
        /* The master may have been closed (unplug) or replaced (plug) while we polled. */
        if (e->master >= 0 && e->master == p[1].fd && (p[1].revents & POLLIN)) {
            ssize_t n = read(e->master, e->rx + e->rx_len, sizeof e->rx - e->rx_len);
            if (n > 0) {
                e->rx_len += (size_t)n;
                parse_rx(e);
                if (e->rx_len == sizeof e->rx)
                    e->rx_len = 0; /* garbage with no start code: drop it */
            }
        }
        if (!e->silent && e->pending == PENDING_AUTOPOLL && !autopoll_card(e) &&
            now_ms() >= e->pending_deadline) {
            static const uint8_t none[] = {0x00};
            reply(e, false, 0x61, none, 1);
            set_polling(e, PENDING_NONE, FOREVER);
        }
        if (!e->silent && e->pending == PENDING_LIST)
            list_card(e, false);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

/* ---- the control API ---- */

int pn532_emu_start(const char *link_path, struct pn532_emu **out)
{
    int err = 0;
    bool mu = false, cond = false;
    *out = NULL;
    struct pn532_emu *e = calloc(1, sizeof *e);
    if (!e)
        return -ENOMEM;
    e->master = e->slave = -1;
    e->wake[0] = e->wake[1] = -1;
    e->pending_deadline = FOREVER;
    e->link = strdup(link_path);
    if (!e->link) {
        err = -ENOMEM;
        goto out;
    }
    if (pipe2(e->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        err = -errno;
        goto out;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    cond = pthread_cond_init(&e->changed, &ca) == 0;
    pthread_condattr_destroy(&ca);
    mu = pthread_mutex_init(&e->mu, NULL) == 0;
    if (!cond || !mu) {
        err = -ENOMEM;
        goto out;
    }
    err = open_pty(e);
    if (err)
        goto out;
    int rc = pthread_create(&e->thread, NULL, emu_main, e);
    if (rc != 0) {
        close_pty(e);
        err = -rc;
        goto out;
    }
    *out = e;
out:
    if (err) {
        if (cond)
            pthread_cond_destroy(&e->changed);
        if (mu)
            pthread_mutex_destroy(&e->mu);
        if (e->wake[0] >= 0)
            close(e->wake[0]);
        if (e->wake[1] >= 0)
            close(e->wake[1]);
        free(e->link);
        free(e);
    }
    return err;
}

void pn532_emu_stop(struct pn532_emu *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->mu);
    e->quit = true;
    pthread_mutex_unlock(&e->mu);
    poke(e);
    pthread_join(e->thread, NULL);
    close_pty(e);
    close(e->wake[0]);
    close(e->wake[1]);
    pthread_cond_destroy(&e->changed);
    pthread_mutex_destroy(&e->mu);
    free(e->link);
    free(e);
}

static void put_card(struct pn532_emu *e, const struct pn532_emu_card *card, unsigned reads)
{
    pthread_mutex_lock(&e->mu);
    e->card = *card;
    e->card_present = true;
    e->tap_reads = reads;
    pthread_mutex_unlock(&e->mu);
    poke(e);
}

void pn532_emu_present(struct pn532_emu *e, const struct pn532_emu_card *card)
{
    put_card(e, card, 0);
}

void pn532_emu_tap(struct pn532_emu *e, const struct pn532_emu_card *card, unsigned reads)
{
    put_card(e, card, reads ? reads : 1);
}

void pn532_emu_remove(struct pn532_emu *e)
{
    pthread_mutex_lock(&e->mu);
    e->card_present = false;
    e->tap_reads = 0;
    pthread_mutex_unlock(&e->mu);
}

void pn532_emu_set_silent(struct pn532_emu *e, bool silent)
{
    pthread_mutex_lock(&e->mu);
    if (silent && !e->silent)
        e->silent_acks = e->pending == PENDING_NONE ? 1 : 0;
    if (!silent)
        set_polling(e, PENDING_NONE, FOREVER);
    e->silent = silent;
    pthread_mutex_unlock(&e->mu);
    poke(e);
}

void pn532_emu_unplug(struct pn532_emu *e)
{
    pthread_mutex_lock(&e->mu);
    close_pty(e);
    pthread_mutex_unlock(&e->mu);
    poke(e);
}

int pn532_emu_plug(struct pn532_emu *e)
{
    int err = 0;
    pthread_mutex_lock(&e->mu);
    if (e->master < 0)
        err = open_pty(e);
    pthread_mutex_unlock(&e->mu);
    poke(e);
    return err;
}

unsigned pn532_emu_count(struct pn532_emu *e, enum pn532_emu_counter which)
{
    pthread_mutex_lock(&e->mu);
    unsigned v = e->counters[which];
    pthread_mutex_unlock(&e->mu);
    return v;
}

bool pn532_emu_wait(struct pn532_emu *e, enum pn532_emu_counter which, unsigned at_least,
                    int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
    pthread_mutex_lock(&e->mu);
    while (e->counters[which] < at_least) {
        if (pthread_cond_timedwait(&e->changed, &e->mu, &ts) == ETIMEDOUT)
            break;
    }
    bool ok = e->counters[which] >= at_least;
    pthread_mutex_unlock(&e->mu);
    return ok;
}

/* ---- cards ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool pn532_emu_card_from_hex(const char *hex, struct pn532_emu_card *card)
{
    struct pn532_emu_card c = {0};
    size_t n = strlen(hex);
    if (n != 8 && n != 14 && n != 20)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        c.uid[c.uid_len++] = (uint8_t)(hi << 4 | lo);
    }
    /* ATQA bits 7-6 give the UID size: single 00, double 01, triple 10. */
    c.atqa[0] = 0x00;
    c.atqa[1] = c.uid_len == 4 ? 0x04 : c.uid_len == 7 ? 0x44 : 0x84;
    c.sak = c.uid_len == 4 ? 0x08 : 0x00;
    *card = c;
    return true;
}

void pn532_emu_card_desfire(const uint8_t uid[7], struct pn532_emu_card *card)
{
    static const uint8_t ats[] = {0x06, 0x75, 0x77, 0x81, 0x02, 0x80};
    struct pn532_emu_card c = {.uid_len = 7, .atqa = {0x03, 0x44}, .sak = 0x20};
    memcpy(c.uid, uid, 7);
    memcpy(c.ats, ats, sizeof ats);
    c.ats_len = sizeof ats;
    *card = c;
}
