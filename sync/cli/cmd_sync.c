/*
 * cmd_sync.c: `latedoor sync [--once | --watch] [--config FILE]`: the sync process. Sends this
 * device's events to the central store and brings back the school's (sync/agent.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "agent.h"
#include "central.h"
#include "sync_commands.h"
#include "config.h"
#include "device.h"
#include "store.h"
#include "sync_status.h"

/* A push refused because this device reuses sequence numbers (restored from an old backup). */
#define SYNC_EXIT_CONFLICT 3

static volatile sig_atomic_t stop_signal;

static void handle_stop(int sig)
{
    stop_signal = sig;
    /* whatever the round waits on at the central store ends now (central.h) */
    ld_central_interrupt();
}

static bool should_stop(void *ctx)
{
    (void)ctx;
    return stop_signal != 0;
}

/* Writes "YYYY-MM-DDTHH:MM:SSZ " for log lines. */
static void stamp(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One line per round: what moved, or that nothing did; the notice (agent.h) on a line of its
 * own to stderr, where a technician looks for what needs attention. */
static void log_round(ld_err err, const struct ld_sync_report *r, const char *msg)
{
    char ts[32], notice[512];
    stamp(ts);
    ld_sync_describe_notice(r, notice, sizeof notice);
    if (notice[0])
        fprintf(stderr, "%s sync: %s\n", ts, notice);
    if (err) {
        fprintf(stderr, "%s sync: %s%s\n", ts, r->conflict ? "CONFLICT: " : "", msg);
        return;
    }
    if (r->pushed || r->duplicates || r->pulled || r->roster || r->calendar || r->settings)
        printf("%s sync: pushed %zu (%zu already there) in %zu batches, pulled %zu (%zu new)%s%s%s;"
               " push cursor %lld\n",
               ts, r->pushed, r->duplicates, r->batches, r->pulled, r->pulled_new,
               r->roster ? ", roster updated" : "", r->calendar ? ", calendar updated" : "",
               r->settings ? ", settings updated" : "", (long long)r->push_cursor);
    else
        printf("%s sync: up to date, nothing to send or bring; push cursor %lld\n", ts,
               (long long)r->push_cursor);
    fflush(stdout);
}

/* Prints a UTC millisecond instant as ISO 8601, or "never". */
static void print_when(const char *label, int64_t ms)
{
    char buf[32] = "never";
    if (ms > 0) {
        time_t t = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    printf("%-14s %s\n", label, buf);
}

/* `latedoor sync status`: what the sync process last did, as the kiosk's staff screen has it. */
static int sync_status(struct ld_store *store, const struct ld_config *cfg)
{
    struct ld_sync_status st;
    char msg[1024], notice[LD_SETTING_VALUE_MAX + 1] = "";
    int64_t pull = 0;
    ld_err err = ld_sync_status_read(store, &st, msg, sizeof msg);
    if (!err)
        err = ld_sync_number_get(store, LD_SYNC_KEY_PULL_CURSOR, &pull, msg, sizeof msg);
    if (!err) {
        ld_err e =
            ld_store_setting_get(store, LD_SYNC_KEY_NOTICE, notice, sizeof notice, msg, sizeof msg);
        err = e == LD_ERR_NOT_FOUND ? LD_OK : e;
    }
    if (err) {
        fprintf(stderr, "%s\n", msg);
        return LD_EXIT_FAIL;
    }
    printf("%-14s %s\n", "central", cfg->central_url[0] ? cfg->central_url : "(none: no sync)");
    print_when("last success", st.last_success_ms);
    print_when("last attempt", st.last_attempt_ms);
    printf("%-14s %s\n", "last error", st.last_error[0] ? st.last_error : "none");
    if (!strncmp(st.last_error, "push of seq", 11) && strstr(st.last_error, "REFUSED"))
        printf("%-14s %s\n", "what to do",
               "the central store holds other events under this kiosk's numbers: this store "
               "was restored from an old backup. Nothing was overwritten and taps are kept "
               "here. Register this kiosk under a new device id (latedoor device add) and "
               "start a new store; docs/sync.md");
    printf("%-14s %llu own events not yet at the centre (push cursor %lld)\n", "pending",
           (unsigned long long)st.pending, (long long)st.push_cursor);
    printf("%-14s %lld\n", "pull cursor", (long long)pull);
    printf("%-14s %s\n", "notice", notice[0] ? notice : "none");
    /* what the status report to the centre carries besides (the office's Devices page) */
    if (st.last_failure[0]) {
        print_when("last failure", st.last_failure_ms);
        printf("%-14s %s\n", "", st.last_failure);
    } else {
        printf("%-14s %s\n", "last failure", "never");
    }
    printf("%-14s %s\n", "card reader",
           st.reader[0] ? st.reader : "not known (the kiosk has not said)");
    return LD_EXIT_OK;
}

/* Sleeps up to ms, in short steps: returns early on a stop signal, or (when wake) new events. */
static void wait_ms(int64_t ms, struct ld_store *store, bool wake)
{
    const int64_t step = 250;
    int64_t checked = 0;
    for (int64_t slept = 0; slept < ms && !stop_signal; slept += step) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = step * 1000000};
        nanosleep(&ts, NULL);
        /* Once a second, is there something new to push? A cheap indexed count. */
        if (wake && slept - checked >= 1000) {
            checked = slept;
            struct ld_sync_status st;
            if (ld_sync_status_read(store, &st, NULL, 0) == LD_OK && st.pending > 0)
                return;
        }
    }
}

static int sync_usage(const char *why)
{
    if (why)
        fprintf(stderr, "latedoor sync: %s\n", why);
    fprintf(stderr, "usage: latedoor sync [--once | --watch] [--config FILE]\n"
                    "       latedoor sync status [--config FILE]\n");
    return LD_EXIT_USAGE;
}

int ld_cmd_sync(int argc, char **argv)
{
    const char *config = NULL;
    bool watch = false, once = false, status = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--once"))
            once = true;
        else if (!strcmp(argv[i], "--watch"))
            watch = true;
        else if (i == 1 && !strcmp(argv[i], "status"))
            status = true;
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else
            return sync_usage(NULL);
    }
    if (once && watch)
        return sync_usage("--once and --watch: choose one (one round, or rounds until stopped)");
    if (status && (once || watch))
        return sync_usage("status takes no --once or --watch");
    /* The config alone: not ld_device_load, which needs the calendar file that a new kiosk
     * gets from its first sync. */
    struct ld_config cfg;
    struct ld_store *store = NULL;
    struct ld_sync_agent *agent = NULL;
    char msg[1024];
    int rc = LD_EXIT_OK;
    const char *path = ld_device_config_path(config);
    ld_err err = ld_config_load(path, &cfg, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = LD_EXIT_USAGE;
        goto out;
    }
    if (!cfg.central_url[0] && !status) {
        fprintf(stderr, "%s: central.url: not set: this device does not sync (docs/sync.md)\n",
                path);
        rc = LD_EXIT_USAGE;
        goto out;
    }
    /* quick_check: a long-running or often-started process need not check every index. */
    struct ld_store_options opt = {.quick_check = true};
    err = ld_store_open(cfg.store_path, &opt, &store, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = err == LD_ERR_NOT_FOUND || err == LD_ERR_STATE ? LD_EXIT_USAGE : LD_EXIT_FAIL;
        goto out;
    }
    if (status) {
        rc = sync_status(store, &cfg);
        goto out;
    }
    struct ld_sync_config sc = {
        .url = cfg.central_url,
        .passfile = cfg.central_passfile,
        .calendar_path = cfg.calendar_path,
        .batch = cfg.sync_batch,
        .should_stop = should_stop,
    };
    err = ld_sync_agent_new(&sc, store, &agent, msg, sizeof msg);
    if (err) {
        fprintf(stderr, "%s\n", msg);
        rc = LD_EXIT_FAIL;
        goto out;
    }

    struct sigaction sa = {0};
    sa.sa_handler = handle_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    unsigned failures = 0;
    do {
        struct ld_sync_report rep;
        err = ld_sync_round(agent, &rep, msg, sizeof msg);
        log_round(err, &rep, msg);
        if (!watch) {
            rc = !err ? LD_EXIT_OK : rep.conflict ? SYNC_EXIT_CONFLICT : LD_EXIT_FAIL;
            break;
        }
        if (!err) {
            failures = 0;
            wait_ms(rep.stopped ? 0 : (int64_t)cfg.sync_interval_s * 1000, store, true);
        } else {
            uint32_t rnd = 0;
            if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
                rnd = (uint32_t)time(NULL);
            failures += failures < 64;
            wait_ms(ld_sync_backoff_ms(failures, cfg.sync_retry_min_s, cfg.sync_retry_max_s, rnd),
                    store, false);
        }
    } while (!stop_signal);
    if (watch && stop_signal) {
        char ts[32];
        stamp(ts);
        printf("%s sync: stopped by signal %d\n", ts, (int)stop_signal);
        rc = LD_EXIT_OK;
    }
out:
    ld_sync_agent_free(agent);
    ld_store_close(store);
    return rc;
}
