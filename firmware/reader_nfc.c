/* reader_nfc.c: the libnfc driver: ISO14443A polling, abort from another thread, a watchdog. */
#include "reader.h"

#include <errno.h>
#include <nfc/nfc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * How a poll runs. nfc_initiator_poll_target blocks in libnfc until the chip answers (on a
 * PN532 it is one InAutoPoll command with no host timeout), so two things end it early from the
 * outside, both with nfc_abort_command from this driver's watchdog thread:
 *   - interrupt (shutdown): the abort makes the poll return NFC_EOPABORTED at once;
 *   - the watchdog: a chip that has lost power behind a live UART never answers. When a poll
 *     outlasts its own period (poll_nr x period x 150 ms) by watchdog_ms, it is aborted and the
 *     reader reported lost, so the supervisor reopens it.
 * libnfc's abort can be lost when it lands just before the driver starts waiting for the reply
 * (it swaps the wake-up pipe under the waiting thread), so the watchdog repeats it every
 * ABORT_RETRY_MS until the poll returns. What libnfc cannot abort at all is the wait for the
 * chip's ACK of a new command (no timeout, no abort descriptor): a chip dying in the few
 * microseconds between a reply and the next ACK would hang the poll. nfc_open of a device that
 * takes the bytes but never answers is not abortable either and gives up after about 1.5 s.
 * The PC/SC drivers (acr122_pcsc, pcsc) have no abort: there a stop waits for the end of the
 * poll period, about 3 s with the defaults.
 *
 * Cards: after a card is read the target is deselected and the RF field switched off for
 * rescan_ms, which resets every card in the field, so a card held on the reader is read again
 * at the next poll and the supervisor's debounce (not a presence check, which on ISO14443-4
 * cards can make libnfc 1.8.0 call abort()) decides that it is the same arrival.
 * Automatic ISO14443-4 activation (RATS) is switched off: only the UID is wanted.
 */

#define ABORT_RETRY_MS  100
#define CARD_ERRORS_MAX 3 /* card-level errors in a row before the reader counts as lost */

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

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits on cond until deadline_ms (CLOCK_MONOTONIC), or indefinitely when it is negative. */
static void wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t deadline_ms)
{
    if (deadline_ms < 0) {
        pthread_cond_wait(cond, mu);
        return;
    }
    struct timespec ts = {.tv_sec = deadline_ms / 1000, .tv_nsec = (deadline_ms % 1000) * 1000000};
    pthread_cond_timedwait(cond, mu, &ts);
}

/* libnfc's error codes in words; nfc_strerror reads the device's last error, which an abort
 * from another thread resets. */
static const char *nfc_code_str(int code)
{
    switch (code) {
    case NFC_EIO:
        return "input/output error";
    case NFC_EINVARG:
        return "invalid argument";
    case NFC_EDEVNOTSUPP:
        return "not supported by the device";
    case NFC_ENOTSUCHDEV:
        return "no such device";
    case NFC_EOVFLOW:
        return "buffer overflow";
    case NFC_ETIMEOUT:
        return "timeout";
    case NFC_EOPABORTED:
        return "operation aborted";
    case NFC_ENOTIMPL:
        return "not implemented";
    case NFC_ETGRELEASED:
        return "target released";
    case NFC_ERFTRANS:
        return "RF transmission error";
    case NFC_EMFCAUTHFAIL:
        return "MIFARE authentication failed";
    case NFC_ESOFT:
        return "software error";
    case NFC_ECHIP:
        return "chip error";
    default:
        return "unknown error";
    }
}

/* ---- one libnfc context for the process ---- */

/*
 * libnfc 1.8.0 keeps its driver list in a process-wide variable that nfc_init fills and nfc_exit
 * frees, whatever context they are given. One counted context shared by every reader keeps one
 * reader's nfc_exit from freeing the list under another's nfc_open.
 */
static pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
static nfc_context *shared_ctx;
static unsigned shared_users;

static nfc_context *context_get(void)
{
    pthread_mutex_lock(&shared_mu);
    if (!shared_ctx)
        nfc_init(&shared_ctx);
    if (shared_ctx)
        shared_users++;
    nfc_context *ctx = shared_ctx;
    pthread_mutex_unlock(&shared_mu);
    return ctx;
}

static void context_put(void)
{
    pthread_mutex_lock(&shared_mu);
    if (shared_users > 0 && --shared_users == 0) {
        nfc_exit(shared_ctx);
        shared_ctx = NULL;
    }
    pthread_mutex_unlock(&shared_mu);
}

/* ---- the driver ---- */

struct nfc_reader {
    nfc_connstring connstring; /* "" for libnfc's choice */
    uint8_t poll_nr, period;
    int rescan_ms, watchdog_ms;
    nfc_context *ctx;
    int64_t field_off_until; /* > 0: the field is off after a card until then */
    int card_errors;         /* card-level poll errors in a row */

    pthread_t watchdog;
    pthread_mutex_t mu;  /* guards what follows */
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    nfc_device *dev;     /* the watchdog uses it only while in_poll */
    bool quit;           /* the watchdog thread is to end */
    bool interrupted;
    bool in_poll;       /* the reading thread is inside nfc_initiator_poll_target */
    bool fired;         /* the watchdog aborted the current poll */
    int64_t deadline;   /* when the current poll counts as hung; -1: never */
    int64_t next_abort; /* when to repeat an abort that has not taken yet */
};

static void *watchdog_main(void *arg)
{
    struct nfc_reader *n = arg;
    pthread_mutex_lock(&n->mu);
    while (!n->quit) {
        int64_t now = mono_ms();
        int64_t wake = -1;
        if (n->in_poll && (n->interrupted || (n->deadline >= 0 && now >= n->deadline))) {
            if (!n->interrupted)
                n->fired = true;
            if (now >= n->next_abort) {
                /* Under the lock: the reading thread cannot close dev meanwhile. */
                nfc_abort_command(n->dev);
                n->next_abort = now + ABORT_RETRY_MS;
            }
            wake = n->next_abort;
        } else if (n->in_poll) {
            wake = n->deadline;
        }
        wait_until(&n->cond, &n->mu, wake);
    }
    pthread_mutex_unlock(&n->mu);
    return NULL;
}

static bool is_interrupted(struct nfc_reader *n)
{
    pthread_mutex_lock(&n->mu);
    bool intr = n->interrupted;
    pthread_mutex_unlock(&n->mu);
    return intr;
}

static const char *conn_name(const struct nfc_reader *n)
{
    return n->connstring[0] ? n->connstring : "libnfc's default reader";
}

static void nfc_reader_close(void *impl)
{
    struct nfc_reader *n = impl;
    pthread_mutex_lock(&n->mu);
    nfc_device *dev = n->dev;
    n->dev = NULL;
    pthread_mutex_unlock(&n->mu);
    /* Sends InRelease, RF off and PowerDown; each times out quickly on a dead chip. */
    nfc_close(dev);
}

static ld_err nfc_reader_open(void *impl, char *msg, size_t msglen)
{
    struct nfc_reader *n = impl;
    if (is_interrupted(n))
        return LD_ERR_STATE;
    if (n->dev)
        return LD_OK;

    nfc_device *dev = nfc_open(n->ctx, n->connstring[0] ? n->connstring : NULL);
    if (!dev) {
        set_msg(msg, msglen, "nfc: %s: cannot open (absent, in use or not answering)",
                conn_name(n));
        return LD_ERR_NOT_FOUND;
    }
    int res = nfc_initiator_init(dev);
    if (res >= 0)
        res = nfc_device_set_property_bool(dev, NP_AUTO_ISO14443_4, false);
    if (res < 0) {
        set_msg(msg, msglen, "nfc: %s: initiator setup: %s", conn_name(n), nfc_code_str(res));
        nfc_close(dev);
        return LD_ERR_IO;
    }
    pthread_mutex_lock(&n->mu);
    n->dev = dev;
    pthread_mutex_unlock(&n->mu);
    n->field_off_until = 0;
    n->card_errors = 0;
    return LD_OK;
}

/* Waits out the RF pause after a card, then switches the field back on. */
static ld_err field_back_on(struct nfc_reader *n, char *msg, size_t msglen)
{
    pthread_mutex_lock(&n->mu);
    while (!n->interrupted && mono_ms() < n->field_off_until)
        wait_until(&n->cond, &n->mu, n->field_off_until);
    bool intr = n->interrupted;
    pthread_mutex_unlock(&n->mu);
    if (intr)
        return LD_ERR_STATE;
    n->field_off_until = 0;
    int res = nfc_device_set_property_bool(n->dev, NP_ACTIVATE_FIELD, true);
    if (res < 0) {
        set_msg(msg, msglen, "nfc: %s: RF field on: %s", conn_name(n), nfc_code_str(res));
        return LD_ERR_IO;
    }
    return LD_OK;
}

/* Takes the UID of a target found by a poll, then resets the field for the next poll. */
static ld_err take_card(struct nfc_reader *n, const nfc_target *t, struct ld_uid *uid, char *msg,
                        size_t msglen)
{
    ld_err err = LD_OK;
    size_t len = t->nti.nai.szUidLen;
    if (t->nm.nmt != NMT_ISO14443A || len == 0 || len > LD_UID_MAX) {
        set_msg(msg, msglen, "nfc: %s: a card with an unusable UID (type %d, %zu bytes)",
                conn_name(n), (int)t->nm.nmt, len);
        err = LD_ERR_INVALID;
    } else {
        uid->len = (uint8_t)len;
        memcpy(uid->bytes, t->nti.nai.abtUid, len);
    }
    /* Errors here show up again, and are reported, when the field is switched back on. */
    (void)nfc_initiator_deselect_target(n->dev);
    (void)nfc_device_set_property_bool(n->dev, NP_ACTIVATE_FIELD, false);
    n->field_off_until = mono_ms() + n->rescan_ms;
    return err;
}

static ld_err nfc_reader_read(void *impl, struct ld_uid *uid, char *msg, size_t msglen)
{
    struct nfc_reader *n = impl;
    const nfc_modulation mod = {.nmt = NMT_ISO14443A, .nbr = NBR_106};
    if (!n->dev) {
        set_msg(msg, msglen, "nfc: not open");
        return LD_ERR_STATE;
    }
    for (;;) {
        if (n->field_off_until > 0) {
            ld_err err = field_back_on(n, msg, msglen);
            if (err)
                return err;
        }

        pthread_mutex_lock(&n->mu);
        if (n->interrupted) {
            pthread_mutex_unlock(&n->mu);
            return LD_ERR_STATE;
        }
        n->in_poll = true;
        n->fired = false;
        n->next_abort = 0;
        n->deadline = n->poll_nr == 0xFF
                          ? -1
                          : mono_ms() + (int64_t)n->poll_nr * n->period * 150 + n->watchdog_ms;
        pthread_cond_broadcast(&n->cond);
        pthread_mutex_unlock(&n->mu);

        nfc_target target;
        memset(&target, 0, sizeof target);
        int res = nfc_initiator_poll_target(n->dev, &mod, 1, n->poll_nr, n->period, &target);

        pthread_mutex_lock(&n->mu);
        n->in_poll = false;
        bool fired = n->fired, intr = n->interrupted;
        pthread_mutex_unlock(&n->mu);

        if (intr)
            return LD_ERR_STATE;
        if (res > 0) {
            n->card_errors = 0;
            return take_card(n, &target, uid, msg, msglen);
        }
        if (res == 0) { /* the poll period ended with no card */
            n->card_errors = 0;
            continue;
        }
        if (res == NFC_EOPABORTED) {
            if (!fired)
                continue; /* a repeated abort that arrived after its poll had ended */
            set_msg(msg, msglen, "nfc: %s: no answer for %d ms", conn_name(n),
                    n->poll_nr * n->period * 150 + n->watchdog_ms);
            return LD_ERR_IO;
        }
        bool card_level = res == NFC_ETGRELEASED || res == NFC_ERFTRANS ||
                          res == NFC_EMFCAUTHFAIL || res == NFC_ECHIP;
        if (card_level && ++n->card_errors < CARD_ERRORS_MAX)
            continue; /* a card pulled away mid-read */
        set_msg(msg, msglen, "nfc: %s: poll: %s", conn_name(n), nfc_code_str(res));
        return LD_ERR_IO;
    }
}

static void nfc_reader_interrupt(void *impl)
{
    struct nfc_reader *n = impl;
    pthread_mutex_lock(&n->mu);
    n->interrupted = true;
    pthread_cond_broadcast(&n->cond);
    pthread_mutex_unlock(&n->mu);
}

static void nfc_reader_destroy(void *impl)
{
    struct nfc_reader *n = impl;
    if (!n)
        return;
    pthread_mutex_lock(&n->mu);
    n->quit = true;
    pthread_cond_broadcast(&n->cond);
    pthread_mutex_unlock(&n->mu);
    pthread_join(n->watchdog, NULL);
    nfc_reader_close(n);
    context_put();
    pthread_cond_destroy(&n->cond);
    pthread_mutex_destroy(&n->mu);
    free(n);
}

static const struct ld_reader_ops nfc_ops = {
    .name = "nfc",
    .open = nfc_reader_open,
    .read = nfc_reader_read,
    .close = nfc_reader_close,
    .interrupt = nfc_reader_interrupt,
    .destroy = nfc_reader_destroy,
};

ld_err ld_reader_nfc_create(const struct ld_reader_nfc_config *cfg, struct ld_reader **out,
                            char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct nfc_reader *n = NULL;
    bool mu_ok = false, cond_ok = false, thread_ok = false;
    struct ld_reader_nfc_config c = cfg ? *cfg : (struct ld_reader_nfc_config){0};

    if (!out)
        return LD_ERR_INVALID;
    *out = NULL;
    if (c.connstring && strlen(c.connstring) >= sizeof(nfc_connstring)) {
        set_msg(msg, msglen, "nfc: connection string longer than %zu bytes",
                sizeof(nfc_connstring) - 1);
        err = LD_ERR_INVALID;
        goto out;
    }
    if (c.rescan_ms < 0 || c.watchdog_ms < 0) {
        set_msg(msg, msglen, "nfc: rescan_ms and watchdog_ms must not be negative");
        err = LD_ERR_INVALID;
        goto out;
    }
    n = calloc(1, sizeof *n);
    if (!n) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    snprintf(n->connstring, sizeof n->connstring, "%s", c.connstring ? c.connstring : "");
    n->poll_nr = c.poll_nr ? c.poll_nr : LD_NFC_DEFAULT_POLL_NR;
    n->period = c.period ? c.period : LD_NFC_DEFAULT_PERIOD;
    n->rescan_ms = c.rescan_ms ? c.rescan_ms : LD_NFC_DEFAULT_RESCAN_MS;
    n->watchdog_ms = c.watchdog_ms ? c.watchdog_ms : LD_NFC_DEFAULT_WATCHDOG_MS;
    n->deadline = -1;

    n->ctx = context_get();
    if (!n->ctx) {
        set_msg(msg, msglen, "nfc: nfc_init failed");
        err = LD_ERR_NOMEM;
        goto out;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    cond_ok = pthread_cond_init(&n->cond, &ca) == 0;
    pthread_condattr_destroy(&ca);
    mu_ok = pthread_mutex_init(&n->mu, NULL) == 0;
    if (!cond_ok || !mu_ok) {
        err = LD_ERR_NOMEM;
        goto out;
    }
    int rc = pthread_create(&n->watchdog, NULL, watchdog_main, n);
    if (rc != 0) {
        set_msg(msg, msglen, "nfc: pthread_create: %s", strerror(rc));
        err = LD_ERR_IO;
        goto out;
    }
    thread_ok = true;
    err = ld_reader_create(&nfc_ops, n, out);

out:
    if (err && n) {
        if (thread_ok) {
            nfc_reader_destroy(n);
        } else {
            if (cond_ok)
                pthread_cond_destroy(&n->cond);
            if (mu_ok)
                pthread_mutex_destroy(&n->mu);
            if (n->ctx)
                context_put();
            free(n);
        }
    }
    return err;
}
