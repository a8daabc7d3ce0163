/*
 * bench_central_push.c: how fast the central store takes events and hands out a roster.
 *
 * Against a throwaway PostgreSQL (tests/central/pg_harness.sh, with fsync and synchronous_commit
 * on, as a real server; or the one named by $LD_PG_INFO), in one run:
 *   1. push N events (default 100,000) as a device role, through row-level security, in
 *      batches (default 1,000) of one transaction each: events per second;
 *   2. COPY the same rows in one transaction into (a) a bare text table with no index, (b) the
 *      same with three similar indexes, and (c) the baseline the target is measured against: a
 *      table LIKE latedoor.events INCLUDING ALL (same types, identity, default, checks, keys),
 *      and the ratio push / (c) (the target is at least 0.5);
 *   3. time another device pulling those events back in pages of LD_CENTRAL_PULL_MAX;
 *   4. put a 2,000-pupil roster and time a device pulling it (and asking whether it changed);
 *   5. for comparison, the same push into the embedded SQLite store;
 *   6. the target, measured fairly on a shared machine: --runs (default 5) pairs of push and
 *      COPY into the same table shape, each in a fresh database, alternating which goes first;
 *      the median ratio is the figure to quote.
 * Prints figures only; never fails on a slow result. Usage:
 *   bench_central_push [--events N] [--batch N] [--runs N]
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "central.h"
#include "pg_info.h"

#ifndef LD_PG_HARNESS
#define LD_PG_HARNESS "tests/central/pg_harness.sh"
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_central_push: %s: %s\n", what, msg);
    exit(1);
}

#define CHECK(call)                                                                                \
    do {                                                                                           \
        char msg_[1024] = "";                                                                      \
        if ((call) != LD_OK)                                                                       \
            die(#call, msg_);                                                                      \
    } while (0)
#define M msg_, sizeof msg_

/* A day at a big school's doors: mostly arrivals, some sign-outs and returns with reasons. */
static void make_events(struct ld_central_event *ev, size_t n, const char *school,
                        const char *device)
{
    for (size_t i = 0; i < n; i++) {
        struct ld_central_event *e = &ev[i];
        memset(e, 0, sizeof *e);
        snprintf(e->school, sizeof e->school, "%s", school);
        snprintf(e->device_id, sizeof e->device_id, "%s", device);
        e->seq = (int64_t)i + 1;
        snprintf(e->uuid, sizeof e->uuid, "%08x-%04x-4%03x-8%03x-%012llx",
                 (unsigned)(0x5eed0000u + (unsigned)getpid()), (unsigned)(i >> 24) & 0xffff,
                 (unsigned)(i >> 12) & 0xfff, (unsigned)i & 0xfff,
                 (unsigned long long)i & 0xffffffffffffull);
        e->at_ms = INT64_C(1788505200000) + (int64_t)i * 1500;
        e->mono_ms = 60000 + (int64_t)i * 1500;
        snprintf(e->boot_id, sizeof e->boot_id, "28d95a18-f3f0-423e-8803-af0def8d5fd8");
        snprintf(e->upn, sizeof e->upn, "H8012%08zu", i % 2000);
        e->source = LD_CSRC_CARD;
        e->kind = LD_CEV_ARRIVAL;
        snprintf(e->card, sizeof e->card, "04%06zX", i % 2000);
        if (i % 20 == 7) {
            e->kind = LD_CEV_DEPARTURE;
            e->source = LD_CSRC_STAFF;
            snprintf(e->staff, sizeof e->staff, "office.%zu", i % 5);
            snprintf(e->reason, sizeof e->reason, "Dental appointment, back after lunch");
            e->card[0] = '\0';
        }
    }
}

/* Appends s to the COPY text buffer with COPY's escapes. */
static size_t copy_text(char *out, const char *s)
{
    size_t j = 0;
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            out[j++] = '\\';
            out[j++] = '\\';
            break;
        case '\t':
            out[j++] = '\\';
            out[j++] = 't';
            break;
        case '\n':
            out[j++] = '\\';
            out[j++] = 'n';
            break;
        default:
            out[j++] = *s;
        }
    }
    return j;
}

/* COPYs ev into table over conn in one transaction; returns the seconds it took. */
static double copy_rows(PGconn *conn, const char *table, const struct ld_central_event *ev,
                        size_t n)
{
    char sql[512];
    double t0 = now_s();
    PGresult *r = PQexec(conn, "BEGIN");
    PQclear(r);
    snprintf(sql, sizeof sql,
             "COPY %s (school_id, device_id, seq, uuid, kind, at_ms, mono_ms, boot_id, "
             "clock_state, upn, card, source, staff, reason, ref_device, ref_seq, fixed_at_ms) "
             "FROM STDIN",
             table);
    r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN)
        die("COPY", PQresultErrorMessage(r));
    PQclear(r);
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        die("COPY", "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct ld_central_event *e = &ev[i];
        if (cap - len < 2048) {
            if (PQputCopyData(conn, buf, (int)len) != 1)
                die("COPY", PQerrorMessage(conn));
            len = 0;
        }
        char *p = buf + len;
        p += copy_text(p, e->school);
        *p++ = '\t';
        p += copy_text(p, e->device_id);
        p += sprintf(p, "\t%" PRId64 "\t", e->seq);
        p += copy_text(p, e->uuid);
        p += sprintf(p, "\t%d\t%" PRId64 "\t%" PRId64 "\t", e->kind, e->at_ms, e->mono_ms);
        p += copy_text(p, e->boot_id);
        p += sprintf(p, "\t%d\t", e->clock_state);
        p += copy_text(p, e->upn);
        *p++ = '\t';
        p += copy_text(p, e->card);
        p += sprintf(p, "\t%d\t", e->source);
        p += copy_text(p, e->staff);
        *p++ = '\t';
        p += copy_text(p, e->reason);
        *p++ = '\t';
        p += copy_text(p, e->ref_device);
        p += sprintf(p, "\t%" PRId64 "\t%" PRId64 "\n", e->ref_seq, e->fixed_at_ms);
        len = (size_t)(p - buf);
    }
    if ((len && PQputCopyData(conn, buf, (int)len) != 1) || PQputCopyEnd(conn, NULL) != 1)
        die("COPY", PQerrorMessage(conn));
    free(buf);
    while ((r = PQgetResult(conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("COPY", PQresultErrorMessage(r));
        PQclear(r);
    }
    r = PQexec(conn, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("COMMIT", PQresultErrorMessage(r));
    PQclear(r);
    return now_s() - t0;
}

static void exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        die(sql, PQresultErrorMessage(r));
    PQclear(r);
}

static const char *show(PGconn *c, const char *setting, char *buf, size_t len)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SHOW %s", setting);
    PGresult *r = PQexec(c, sql);
    snprintf(buf, len, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    return buf;
}

/* Pushes ev in batches as device over c; returns the seconds it took. */
static double push_all(struct ld_central *c, const char *device, const struct ld_central_event *ev,
                       size_t n, size_t batch)
{
    struct ld_push_result res;
    size_t inserted = 0;
    double t0 = now_s();
    for (size_t i = 0; i < n; i += batch) {
        size_t k = n - i < batch ? n - i : batch;
        CHECK(ld_central_push(c, device, ev + i, k, &res, M));
        inserted += res.inserted;
    }
    double t = now_s() - t0;
    if (inserted != n)
        die("push", "not every event was inserted");
    return t;
}

static void make_roster(struct ld_roster *r, size_t n)
{
    static const char *const first[] = {"Amara", "Ben",  "Chloe", "Dev",  "Ella",
                                        "Finn",  "Gita", "Hugo",  "Isla", "Jun"};
    static const char *const last[] = {"Okafor", "Hughes", "Patel", "Nowak", "Evans",
                                       "Shah",   "Murphy", "Kowal", "Reyes", "Lindqvist"};
    r->pupils = calloc(n, sizeof *r->pupils);
    if (!r->pupils)
        die("roster", "out of memory");
    r->count = n;
    for (size_t i = 0; i < n; i++) {
        struct ld_roster_pupil *p = &r->pupils[i];
        snprintf(p->upn, sizeof p->upn, "H8012%08u", (unsigned)(i % 100000000));
        snprintf(p->legal_first, sizeof p->legal_first, "%s", first[i % 10]);
        snprintf(p->legal_last, sizeof p->legal_last, "%s", last[(i / 10) % 10]);
        snprintf(p->preferred_first, sizeof p->preferred_first, "%s", first[i % 10]);
        snprintf(p->preferred_last, sizeof p->preferred_last, "%s", last[(i / 10) % 10]);
        snprintf(p->year, sizeof p->year, "%u", (unsigned)(i % 7));
        snprintf(p->class_name, sizeof p->class_name, "%u%c", (unsigned)(i % 7),
                 'A' + (int)(i % 3));
        snprintf(p->family, sizeof p->family, "F%u", (unsigned)(i / 2) % 100000u);
        p->flags = i % 9 == 0 ? 0x10u : 0u;
        p->card.len = 4;
        p->card.bytes[0] = 0x04;
        p->card.bytes[1] = (uint8_t)(i >> 16);
        p->card.bytes[2] = (uint8_t)(i >> 8);
        p->card.bytes[3] = (uint8_t)i;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/*
 * The target's measurement, paired and repeated: this machine is shared, so one push and one
 * COPY taken a minute apart can see different loads. Each run makes a fresh database (a new
 * device, empty tables), pushes n events as the device in batches and COPYs the same rows into
 * a table LIKE latedoor.events INCLUDING ALL, alternating which goes first; it prints each run's
 * ratio and the median.
 */
static void paired_runs(const struct ld_pg_info *pg, PGconn *su, const char *admin_pw,
                        struct ld_central_event *ev, size_t n, size_t batch, int runs)
{
    double ratios[16], push_rates[16], copy_rates[16];
    if (runs > 16)
        runs = 16;
    for (int r = 0; r < runs; r++) {
        char db[64], url[512], sql[256], device[LD_CENTRAL_ID_MAX + 1];
        char passfile[] = "/tmp/ld-bench-pass-XXXXXX";
        snprintf(db, sizeof db, "ld_bench_%u_run%d", (unsigned)getpid(), r);
        snprintf(device, sizeof device, "bench-%u-r%d", (unsigned)getpid(), r);
        for (size_t i = 0; i < n; i++)
            snprintf(ev[i].device_id, sizeof ev[i].device_id, "%s", device);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", db, pg->admin);
        exec_ok(su, sql);
        struct ld_central *admin = NULL, *dev = NULL;
        struct ld_central_credentials cred;
        ld_pg_url(pg, pg->admin, db, NULL, url, sizeof url);
        CHECK(ld_central_open(url, pg->admin_passfile, LD_CENTRAL_ADMIN, &admin, M));
        CHECK(ld_central_init(admin, NULL, NULL, M));
        CHECK(ld_central_school_add(admin, "hollybrook", "Hollybrook Primary School", M));
        CHECK(ld_central_device_add(admin, "hollybrook", device, &cred, M));
        int fd = mkstemp(passfile);
        if (fd < 0 || dprintf(fd, "%s\n", cred.password) < 0 || close(fd) != 0)
            die("password file", passfile);
        CHECK(ld_central_open(cred.url, passfile, LD_CENTRAL_DEVICE, &dev, M));
        PGconn *raw = ld_pg_connect(pg, pg->admin, admin_pw, db);
        if (!raw)
            die("connect", "admin");
        exec_ok(raw, "CREATE TABLE public.bench_copy_same (LIKE latedoor.events INCLUDING ALL)");
        double tp, tc;
        if (r % 2 == 0) {
            tp = push_all(dev, device, ev, n, batch);
            tc = copy_rows(raw, "public.bench_copy_same", ev, n);
        } else {
            tc = copy_rows(raw, "public.bench_copy_same", ev, n);
            tp = push_all(dev, device, ev, n, batch);
        }
        push_rates[r] = (double)n / tp;
        copy_rates[r] = (double)n / tc;
        ratios[r] = tc / tp;
        printf("run %d:    %s first: push %.0f events/s, COPY into the same table shape %.0f "
               "rows/s, ratio %.2f\n",
               r + 1, r % 2 == 0 ? "push" : "COPY", push_rates[r], copy_rates[r], ratios[r]);
        PQfinish(raw);
        ld_central_close(dev);
        ld_central_close(admin);
        unlink(passfile);
        explicit_bzero(&cred, sizeof cred);
        snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", db);
        exec_ok(su, sql);
    }
    qsort(ratios, (size_t)runs, sizeof ratios[0], cmp_double);
    qsort(push_rates, (size_t)runs, sizeof push_rates[0], cmp_double);
    qsort(copy_rates, (size_t)runs, sizeof copy_rates[0], cmp_double);
    printf("TARGET:   median of %d paired runs: push %.0f events/s, COPY %.0f rows/s, ratio %.2f "
           "(min %.2f, max %.2f; target >= 0.50)\n",
           runs, push_rates[runs / 2], copy_rates[runs / 2], ratios[runs / 2], ratios[0],
           ratios[runs - 1]);
}

int main(int argc, char **argv)
{
    size_t nevents = 100000, batch = 1000;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--events"))
            nevents = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--batch"))
            batch = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
    }
    if (!nevents || !batch || batch > LD_CENTRAL_BATCH_MAX || runs < 1 || runs > 16) {
        fprintf(stderr, "usage: bench_central_push [--events N] [--batch 1..%d] [--runs 1..16]\n",
                LD_CENTRAL_BATCH_MAX);
        return 2;
    }
    if (!getenv("LD_PG_INFO")) {
        /* start a server of our own, durable like a real one, and run again under it */
        setenv("LD_PG_DURABLE", "1", 1);
        char *args[16] = {(char *)"bash", (char *)LD_PG_HARNESS, (char *)"run", (char *)"--"};
        int k = 4;
        for (int i = 0; i < argc && k < 15; i++)
            args[k++] = argv[i];
        args[k] = NULL;
        execvp("bash", args);
        perror("bench_central_push: cannot run the PostgreSQL harness");
        return 1;
    }
    struct ld_pg_info pg;
    char msg[1024], super_pw[256], admin_pw[256], db[64], url[512], sql[1024];
    if (ld_pg_info_load(&pg, msg, sizeof msg))
        die("LD_PG_INFO", msg);
    if (pg.skip[0])
        die("PostgreSQL", pg.skip);
    if (!ld_pg_read_password(pg.super_passfile, super_pw, sizeof super_pw) ||
        !ld_pg_read_password(pg.admin_passfile, admin_pw, sizeof admin_pw))
        die("harness", "cannot read the password files");
    snprintf(db, sizeof db, "ld_bench_%u", (unsigned)getpid());
    PGconn *su = ld_pg_connect(&pg, pg.super, super_pw, "postgres");
    if (!su)
        die("connect", "superuser");
    snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER %s", db, pg.admin);
    exec_ok(su, sql);

    /* the central store, a school and a device, as in a deployment */
    struct ld_central *admin = NULL, *dev = NULL;
    struct ld_central_credentials cred;
    ld_pg_url(&pg, pg.admin, db, NULL, url, sizeof url);
    CHECK(ld_central_open(url, pg.admin_passfile, LD_CENTRAL_ADMIN, &admin, M));
    CHECK(ld_central_init(admin, NULL, NULL, M));
    CHECK(ld_central_school_add(admin, "hollybrook", "Hollybrook Primary School", M));
    char device[LD_CENTRAL_ID_MAX + 1], passfile[] = "/tmp/ld-bench-pass-XXXXXX";
    snprintf(device, sizeof device, "bench-door-%u", (unsigned)getpid());
    CHECK(ld_central_device_add(admin, "hollybrook", device, &cred, M));
    int fd = mkstemp(passfile);
    if (fd < 0 || dprintf(fd, "%s\n", cred.password) < 0 || close(fd) != 0)
        die("password file", passfile);
    CHECK(ld_central_open(cred.url, passfile, LD_CENTRAL_DEVICE, &dev, M));

    PGconn *raw = ld_pg_connect(&pg, pg.admin, admin_pw, db);
    if (!raw)
        die("connect", "admin");
    char fsync_s[16], sync_s[16];
    show(raw, "fsync", fsync_s, sizeof fsync_s);
    show(raw, "synchronous_commit", sync_s, sizeof sync_s);
    PGresult *vr = PQexec(raw, "SELECT version()");
    printf("server:   %.60s\n", PQresultStatus(vr) == PGRES_TUPLES_OK ? PQgetvalue(vr, 0, 0) : "?");
    PQclear(vr);
    printf("settings: fsync=%s synchronous_commit=%s, client on 127.0.0.1, TLS %s\n", fsync_s,
           sync_s, ld_central_uses_tls(dev) ? "on" : "off");

    struct ld_central_event *ev = calloc(nevents, sizeof *ev);
    if (!ev)
        die("events", "out of memory");
    make_events(ev, nevents, "hollybrook", device);

    /* 1. push, as the device, batch by batch */
    double t_push = push_all(dev, device, ev, nevents, batch);
    double push_rate = (double)nevents / t_push;
    printf("push:     %zu events in batches of %zu (one transaction each, as the device role, "
           "row-level security on): %.2f s, %.0f events/s\n",
           nevents, batch, t_push, push_rate);
    /* a second push of the same: all duplicates (what a retry after a lost ack costs) */
    struct ld_push_result res;
    double t0 = now_s();
    for (size_t i = 0; i < nevents; i += batch)
        CHECK(ld_central_push(dev, device, ev + i, nevents - i < batch ? nevents - i : batch, &res,
                              M));
    double t_dup = now_s() - t0;
    printf("re-push:  the same %zu again, all found duplicate: %.2f s, %.0f events/s\n", nevents,
           t_dup, (double)nevents / t_dup);

    /* 2. raw COPY of the same rows, same server, same run */
    exec_ok(raw, "CREATE TABLE public.bench_copy (school_id text, device_id text, seq bigint,"
                 " uuid text, kind smallint, at_ms bigint, mono_ms bigint, boot_id text,"
                 " clock_state smallint, upn text, card text, source smallint, staff text,"
                 " reason text, ref_device text, ref_seq bigint, fixed_at_ms bigint)");
    double t_copy = copy_rows(raw, "public.bench_copy", ev, nevents);
    double copy_rate = (double)nevents / t_copy;
    printf("COPY:     the same %zu rows into a bare table (no index), one transaction: %.2f s, "
           "%.0f rows/s\n",
           nevents, t_copy, copy_rate);
    printf("          push / bare COPY = %.2f\n", push_rate / copy_rate);
    exec_ok(raw, "CREATE TABLE public.bench_copy_idx (LIKE public.bench_copy);"
                 "CREATE UNIQUE INDEX ON public.bench_copy_idx (device_id, seq);"
                 "CREATE UNIQUE INDEX ON public.bench_copy_idx (uuid);"
                 "CREATE INDEX ON public.bench_copy_idx (school_id, seq)");
    double t_copy_idx = copy_rows(raw, "public.bench_copy_idx", ev, nevents);
    printf("COPY+idx: the same rows into a text-typed table with three similar indexes: %.2f s, "
           "%.0f rows/s; push / that = %.2f\n",
           t_copy_idx, (double)nevents / t_copy_idx, push_rate * t_copy_idx / (double)nevents);
    /*
     * The honest baseline: COPY into a table of exactly the events table's shape (LIKE …
     * INCLUDING ALL: the same column types, the identity that gives global_seq, the default
     * received_ms, every CHECK, NOT NULL, the primary key and both unique keys), in one
     * transaction, as the owner. What it does not have is what the push must do on top and a
     * bulk load would skip: the device role's row-level security, the school's advisory lock,
     * one transaction per batch (one WAL flush each), and the duplicate check.
     */
    exec_ok(raw, "CREATE TABLE public.bench_copy_same (LIKE latedoor.events INCLUDING ALL)");
    double t_copy_same = copy_rows(raw, "public.bench_copy_same", ev, nevents);
    double same_rate = (double)nevents / t_copy_same;
    printf("COPY=:    the same rows into a table LIKE latedoor.events INCLUDING ALL (same types, "
           "identity, default, checks, primary key, both unique keys), one transaction: %.2f s, "
           "%.0f rows/s\n",
           t_copy_same, same_rate);
    printf("ratio:    push / COPY into the same table shape = %.2f (target >= 0.50)\n",
           push_rate / same_rate);

    /* 3. the gate pulls the door's events back, page by page */
    struct ld_central_credentials gcred;
    struct ld_central *gate = NULL;
    char gate_id[LD_CENTRAL_ID_MAX + 1], gate_pass[] = "/tmp/ld-bench-pass-XXXXXX";
    snprintf(gate_id, sizeof gate_id, "bench-gate-%u", (unsigned)getpid());
    CHECK(ld_central_device_add(admin, "hollybrook", gate_id, &gcred, M));
    fd = mkstemp(gate_pass);
    if (fd < 0 || dprintf(fd, "%s\n", gcred.password) < 0 || close(fd) != 0)
        die("password file", gate_pass);
    CHECK(ld_central_open(gcred.url, gate_pass, LD_CENTRAL_DEVICE, &gate, M));
    struct ld_central_event *page = calloc(LD_CENTRAL_PULL_MAX, sizeof *page);
    if (!page)
        die("pull", "out of memory");
    int64_t cursor = 0;
    size_t pulled = 0, got_n = 0;
    t0 = now_s();
    do {
        CHECK(ld_central_pull(gate, gate_id, "hollybrook", cursor, page, LD_CENTRAL_PULL_MAX,
                              &got_n, M));
        if (got_n)
            cursor = page[got_n - 1].global_seq;
        pulled += got_n;
    } while (got_n);
    double t_pull = now_s() - t0;
    printf("pull:     another device takes the %zu events back, %d a page, every row checked: "
           "%.2f s, %.0f events/s\n",
           pulled, LD_CENTRAL_PULL_MAX, t_pull, (double)pulled / t_pull);
    free(page);
    ld_central_close(gate);
    unlink(gate_pass);
    explicit_bzero(&gcred, sizeof gcred);

    /* 4. a 2,000-pupil roster, pulled by the device */
    struct ld_roster roster = {0}, got = {0};
    int64_t version = 0, v = 0;
    bool changed = false;
    make_roster(&roster, 2000);
    t0 = now_s();
    CHECK(ld_central_put_roster(admin, "hollybrook", &roster, &version, &changed, M));
    double t_put = now_s() - t0;
    double pulls[7];
    for (int i = 0; i < 7; i++) {
        t0 = now_s();
        CHECK(ld_central_get_roster(dev, "hollybrook", 0, &got, &v, &changed, M));
        pulls[i] = now_s() - t0;
        if (got.count != 2000 || !changed)
            die("roster", "did not come back whole");
        ld_roster_free(&got);
    }
    qsort(pulls, 7, sizeof pulls[0], cmp_double);
    t0 = now_s();
    CHECK(ld_central_get_roster(dev, "hollybrook", version, &got, &v, &changed, M));
    double t_same = now_s() - t0;
    printf("roster:   put 2,000 pupils (admin): %.1f ms; device pull of all 2,000: median %.1f "
           "ms (min %.1f, max %.1f, 7 runs); \"changed?\" when not: %.2f ms\n",
           t_put * 1e3, pulls[3] * 1e3, pulls[0] * 1e3, pulls[6] * 1e3, t_same * 1e3);

    /* 5. the embedded store, for comparison */
    char sqdir[] = "/tmp/ld-bench-sqlite-XXXXXX", squrl[128];
    if (!mkdtemp(sqdir))
        die("mkdtemp", sqdir);
    snprintf(squrl, sizeof squrl, "sqlite:%s/central.db", sqdir);
    struct ld_central *sq = NULL;
    CHECK(ld_central_open(squrl, NULL, LD_CENTRAL_ADMIN, &sq, M));
    CHECK(ld_central_init(sq, NULL, NULL, M));
    CHECK(ld_central_school_add(sq, "hollybrook", "Hollybrook Primary School", M));
    struct ld_central_credentials sqcred;
    CHECK(ld_central_device_add(sq, "hollybrook", device, &sqcred, M));
    double t_sq = push_all(sq, device, ev, nevents, batch);
    CHECK(ld_central_put_roster(sq, "hollybrook", &roster, &version, &changed, M));
    t0 = now_s();
    CHECK(ld_central_get_roster(sq, "hollybrook", 0, &got, &v, &changed, M));
    double t_sq_roster = now_s() - t0;
    ld_roster_free(&got);
    printf("sqlite:   push %zu events (WAL, synchronous=FULL): %.2f s, %.0f events/s; roster "
           "pull %.1f ms\n",
           nevents, t_sq, (double)nevents / t_sq, t_sq_roster * 1e3);
    ld_central_close(sq);
    snprintf(sql, sizeof sql, "rm -rf %s", sqdir);
    if (system(sql) != 0)
        fprintf(stderr, "bench_central_push: could not remove %s\n", sqdir);

    /* 6. the target, measured in pairs */
    paired_runs(&pg, su, admin_pw, ev, nevents, batch, runs);

    ld_roster_free(&roster);
    free(ev);
    ld_central_close(dev);
    ld_central_close(admin);
    PQfinish(raw);
    unlink(passfile);
    explicit_bzero(&cred, sizeof cred);
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", db);
    exec_ok(su, sql);
    PQfinish(su);
    return 0;
}
