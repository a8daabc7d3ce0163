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

static void log_round(ld_err err, const struct ld_sync_report *r, const char *msg)
{
    char ts[32];
    stamp(ts);
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
    fflush(stdout);
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

int ld_cmd_sync(int argc, char **argv)
{
    const char *config = NULL;
    bool watch = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--once"))
            watch = false;
        else if (!strcmp(argv[i], "--watch"))
            watch = true;
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else {
            fprintf(stderr, "usage: latedoor sync [--once | --watch] [--config FILE]\n");
            return LD_EXIT_USAGE;
        }
    }
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
    if (!cfg.central_url[0]) {
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
