/*
 * sync_tool.c: helpers for tests/sync/faults.sh.
 *   sync_tool fill STORE N        append N arrivals to the device store (as taps would)
 *   sync_tool check URL PASSFILE SCHOOL STORE...
 *       every own event of every STORE is at the central store exactly once with its UUID, the
 *       school holds nothing else, and each STORE holds every other STORE's events
 *   sync_tool pending STORE       print the number of own events not yet pushed
 * Exit 0 when all is well; 1 with one line on stderr otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "central.h"
#include "store.h"
#include "sync_status.h"

static char msg[2048];

static int fail(const char *what)
{
    fprintf(stderr, "sync_tool: %s: %s\n", what, msg);
    return 1;
}

static int fill(const char *path, long n)
{
    struct ld_store *s = NULL;
    if (ld_store_open(path, NULL, &s, msg, sizeof msg))
        return fail(path);
    for (long i = 0; i < n; i++) {
        struct ld_event ev = {.kind = LD_EV_ARRIVAL,
                              .at_ms = 1788249600000 + i * 1000,
                              .mono_ms = i,
                              .clock = LD_CLOCK_OK,
                              .source = LD_SRC_CARD};
        snprintf(ev.upn, sizeof ev.upn, "B%012ld", 200000000000L + i % 200);
        if (ld_store_append_event(s, &ev, msg, sizeof msg)) {
            ld_store_close(s);
            return fail("append");
        }
    }
    ld_store_close(s);
    return 0;
}

struct cmp {
    struct ld_central *c;
    long n, bad;
};

static ld_err check_one(void *ctx, const struct ld_event *ev)
{
    struct cmp *k = ctx;
    struct ld_central_event got;
    char m[1024];
    k->n++;
    ld_err err = ld_central_event_get(k->c, ev->device_id, ev->seq, &got, m, sizeof m);
    if (err || strcmp(got.uuid, ev->uuid)) {
        if (k->bad++ < 5)
            fprintf(stderr, "sync_tool: %s seq %" PRId64 ": %s\n", ev->device_id, ev->seq,
                    err ? m : "another UUID at the centre");
    }
    return LD_OK;
}

static int check(const char *url, const char *passfile, const char *school, int nstores,
                 char **paths)
{
    struct ld_central *c = NULL;
    if (ld_central_open(url, passfile[0] ? passfile : NULL, LD_CENTRAL_ADMIN, &c, msg, sizeof msg))
        return fail(url);
    int rc = 0;
    long total = 0;
    struct ld_store *s[8] = {0};
    char dev[8][LD_DEVICE_ID_MAX + 1];
    uint64_t own[8] = {0};
    for (int i = 0; i < nstores && i < 8; i++) {
        if (ld_store_open(paths[i], NULL, &s[i], msg, sizeof msg) ||
            ld_store_device_id(s[i], dev[i], msg, sizeof msg)) {
            rc = fail(paths[i]);
            goto out;
        }
        struct cmp k = {.c = c};
        struct ld_event_filter f = {.device_id = dev[i]};
        if (ld_store_events_foreach(s[i], &f, check_one, &k, msg, sizeof msg)) {
            rc = fail(paths[i]);
            goto out;
        }
        own[i] = (uint64_t)k.n;
        total += k.n;
        if (k.bad) {
            fprintf(stderr, "sync_tool: %s: %ld of %ld events not at the centre as recorded\n",
                    dev[i], k.bad, k.n);
            rc = 1;
        }
    }
    int64_t central = -1;
    if (ld_central_event_count(c, school, &central, msg, sizeof msg)) {
        rc = fail("count");
        goto out;
    }
    if (central != total) {
        fprintf(stderr, "sync_tool: the centre holds %" PRId64 " events of %s, the devices %ld\n",
                central, school, total);
        rc = 1;
    }
    for (int i = 0; i < nstores && i < 8; i++)
        for (int j = 0; j < nstores && j < 8; j++) {
            if (i == j)
                continue;
            uint64_t n = 0;
            struct ld_event_filter f = {.device_id = dev[j]};
            if (ld_store_events_count(s[i], &f, &n, msg, sizeof msg)) {
                rc = fail(paths[i]);
                goto out;
            }
            if (n != own[j]) {
                fprintf(stderr, "sync_tool: %s holds %" PRIu64 " of %s's %" PRIu64 " events\n",
                        dev[i], n, dev[j], own[j]);
                rc = 1;
            }
        }
    if (!rc)
        printf("sync_tool: %ld events, each at the centre exactly once\n", total);
out:
    for (int i = 0; i < 8; i++)
        ld_store_close(s[i]);
    ld_central_close(c);
    return rc;
}

static int pending(const char *path)
{
    struct ld_store *s = NULL;
    struct ld_sync_status st;
    if (ld_store_open(path, NULL, &s, msg, sizeof msg) ||
        ld_sync_status_read(s, &st, msg, sizeof msg)) {
        ld_store_close(s);
        return fail(path);
    }
    printf("%" PRIu64 " %s\n", st.pending, st.last_error);
    ld_store_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "fill"))
        return fill(argv[2], strtol(argv[3], NULL, 10));
    if (argc >= 6 && !strcmp(argv[1], "check"))
        return check(argv[2], argv[3], argv[4], argc - 5, argv + 5);
    if (argc == 3 && !strcmp(argv[1], "pending"))
        return pending(argv[2]);
    fprintf(stderr, "usage: sync_tool fill STORE N | check URL PASSFILE SCHOOL STORE... | "
                    "pending STORE\n");
    return 2;
}
