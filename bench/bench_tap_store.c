/*
 * bench_tap_store.c: tap to durable commit. Times ld_store_append_event (check the event, BEGIN
 * IMMEDIATE, next seq, UUID, INSERT into the log and its indexes, COMMIT with synchronous=FULL)
 * against the floor any SQLite log pays: a bare INSERT of the same row into a table with the
 * same primary key, in autocommit, with the same pragmas (WAL, synchronous=FULL), in the same
 * run and the same directory. Blocks of the two alternate so that both meet the same disk.
 *
 * usage: bench_tap_store [DIR [N]]   (DIR defaults to $TMPDIR or /tmp, N to 2000)
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define BLOCK  100 /* appends of one kind before switching to the other */
#define WARMUP 20  /* first appends of each kind not counted (the -wal file is created) */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_tap_store: %s: %s\n", what, detail);
    exit(1);
}

static void sql(sqlite3 *db, const char *text)
{
    char *err = NULL;
    if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
        die(text, err ? err : "?");
}

static struct ld_event tap(int i)
{
    struct ld_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = LD_EV_ARRIVAL;
    ev.at_ms = INT64_C(1768208100000) + i * 1000;
    ev.mono_ms = 1000 + i;
    snprintf(ev.boot_id, sizeof ev.boot_id, "%s", "28d95a18-f3f0-423e-8803-af0def8d5fd8");
    snprintf(ev.upn, sizeof ev.upn, "A%012d", i % 400);
    snprintf(ev.card, sizeof ev.card, "04%06X", i % 400);
    ev.source = LD_SRC_CARD;
    return ev;
}

/* The bare baseline: one prepared INSERT of the same row, in autocommit. */
struct bare {
    sqlite3 *db;
    sqlite3_stmt *ins;
};

static void bare_open(struct bare *b, const char *path)
{
    if (sqlite3_open(path, &b->db) != SQLITE_OK)
        die(path, sqlite3_errmsg(b->db));
    sql(b->db, "PRAGMA journal_mode=WAL");
    sql(b->db, "PRAGMA synchronous=FULL");
    sql(b->db, "CREATE TABLE events (device_id TEXT NOT NULL, seq INTEGER NOT NULL,"
               " uuid TEXT NOT NULL, kind INTEGER NOT NULL, at_ms INTEGER NOT NULL,"
               " mono_ms INTEGER NOT NULL, boot_id TEXT NOT NULL, clock INTEGER NOT NULL,"
               " upn TEXT NOT NULL, card TEXT NOT NULL, source INTEGER NOT NULL,"
               " staff TEXT NOT NULL, reason TEXT NOT NULL, ref_device TEXT NOT NULL,"
               " ref_seq INTEGER NOT NULL, fixed_at_ms INTEGER NOT NULL,"
               " PRIMARY KEY (device_id, seq)) WITHOUT ROWID");
    if (sqlite3_prepare_v2(b->db,
                           "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                           " ?11, '', '', '', 0, 0)",
                           -1, &b->ins, NULL) != SQLITE_OK)
        die("prepare", sqlite3_errmsg(b->db));
}

static void bare_insert(struct bare *b, const struct ld_event *ev, int64_t seq, const char *uuid)
{
    sqlite3_stmt *st = b->ins;
    int rc = sqlite3_bind_text(st, 1, "door-1", -1, SQLITE_STATIC);
    rc |= sqlite3_bind_int64(st, 2, seq);
    rc |= sqlite3_bind_text(st, 3, uuid, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_int(st, 4, (int)ev->kind);
    rc |= sqlite3_bind_int64(st, 5, ev->at_ms);
    rc |= sqlite3_bind_int64(st, 6, ev->mono_ms);
    rc |= sqlite3_bind_text(st, 7, ev->boot_id, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_int(st, 8, (int)ev->clock);
    rc |= sqlite3_bind_text(st, 9, ev->upn, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_text(st, 10, ev->card, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_int(st, 11, (int)ev->source);
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
        die("bare insert", sqlite3_errmsg(b->db));
    sqlite3_reset(st);
}

static void report(const char *name, double *t, int n, double *median, double *p99)
{
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += t[i];
    *median = t[n / 2];
    *p99 = t[(int)((double)n * 0.99)];
    printf("%-24s %8d %10.1f %10.1f %10.1f %10.1f\n", name, n, *median, *p99, sum / n, t[n - 1]);
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : getenv("TMPDIR");
    int n = argc > 2 ? atoi(argv[2]) : 2000;
    char dir[512], store_path[600], bare_path[600], msg[512];
    if (!base || !*base)
        base = "/tmp";
    if (n < 200)
        n = 200;
    snprintf(dir, sizeof dir, "%s/bench-tap-XXXXXX", base);
    if (!mkdtemp(dir))
        die(dir, "mkdtemp failed");
    snprintf(store_path, sizeof store_path, "%s/device.db", dir);
    snprintf(bare_path, sizeof bare_path, "%s/bare.db", dir);

    struct ld_store *s = NULL;
    if (ld_store_create(store_path, "door-1", NULL, &s, msg, sizeof msg))
        die("create", msg);
    struct bare b;
    bare_open(&b, bare_path);

    double *ts = calloc((size_t)n, sizeof *ts), *tb = calloc((size_t)n, sizeof *tb);
    if (!ts || !tb)
        die("calloc", "out of memory");
    int ns = 0, nb = 0, is = 0, ib = 0;
    while (ns < n || nb < n) {
        for (int k = 0; k < BLOCK && ns < n; k++, is++) {
            struct ld_event ev = tap(is);
            double t0 = now_us();
            if (ld_store_append_event(s, &ev, msg, sizeof msg))
                die("append", msg);
            double dt = now_us() - t0;
            if (is >= WARMUP)
                ts[ns++] = dt;
        }
        for (int k = 0; k < BLOCK && nb < n; k++, ib++) {
            struct ld_event ev = tap(ib);
            char uuid[40];
            snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", ib);
            double t0 = now_us();
            bare_insert(&b, &ev, ib + 1, uuid);
            double dt = now_us() - t0;
            if (ib >= WARMUP)
                tb[nb++] = dt;
        }
    }

    printf("latedoor tap to durable commit: WAL, synchronous=FULL, in %s\n", dir);
    printf("%-24s %8s %10s %10s %10s %10s\n", "", "appends", "median us", "p99 us", "mean us",
           "max us");
    double sm, sp, bm, bp;
    report("ld_store_append_event", ts, n, &sm, &sp);
    report("bare sqlite3 INSERT", tb, n, &bm, &bp);
    printf("ratio store/bare: median %.2fx, p99 %.2fx (target: within 1.5x)\n", sm / bm, sp / bp);

    free(ts);
    free(tb);
    sqlite3_finalize(b.ins);
    sqlite3_close(b.db);
    ld_store_close(s);
    const char *files[] = {"device.db", "device.db-wal", "device.db-shm",
                           "bare.db",   "bare.db-wal",   "bare.db-shm"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}
