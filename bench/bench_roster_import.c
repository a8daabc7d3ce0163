/*
 * bench_roster_import.c: `latedoor roster import` of a 2,000-pupil MIS export: parsing the CSV,
 * the first import into an empty store, and a re-import that changes nothing. The baseline,
 * measured in the same run, is a bare SQLite insert of the same 2,000 rows in one transaction
 * with the same pragmas (WAL, synchronous=FULL): the floor for writing them at all.
 * usage: bench_roster_import [DIR [PUPILS]]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "roster.h"
#include "store.h"
#include "upn.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Writes an MIS-style CSV of n fictional pupils with valid UPNs and cards. */
static void write_csv(const char *path, int n)
{
    static const char *first[] = {"Zoë", "Łukasz", "Siobhán", "Amara", "Oliver", "Aisha", "Tomás"};
    static const char *last[] = {"Adams", "Wiśniewski", "O'Neill", "Okafor", "Nguyễn", "Patel"};
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "UPN,Legal Forename,Legal Surname,Preferred Forename,Year,Reg Group,Family ID,"
               "Flags,Card UID\n");
    for (int i = 0; i < n; i++) {
        char upn[14], expected = 'A';
        snprintf(upn, sizeof upn, "A8732%08u", (unsigned)i % 100000000u);
        ld_upn_check(upn, &expected);
        upn[0] = expected;
        fprintf(f, "%s,%s,%s,,%d,%d%c,F%04d,%s,04%08X%04X\n", upn, first[i % 7], last[i % 6],
                1 + i % 6, 1 + i % 6, 'A' + i / 6 % 2, i / 2, i % 17 ? "" : "PP", i, i);
    }
    fclose(f);
}

static void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

/* The baseline: the same rows, one bare INSERT each, one transaction. */
static double bare_insert(const char *path, const struct ld_roster *r)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    check(sqlite3_open(path, &db), db, "open");
    check(sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                       "CREATE TABLE p(upn TEXT PRIMARY KEY, f TEXT, l TEXT, pf TEXT, pl TEXT,"
                       " y TEXT, c TEXT, fam TEXT, flags INT);"
                       "CREATE TABLE k(uid TEXT PRIMARY KEY, upn TEXT);",
                       NULL, NULL, NULL),
          db, "schema");
    double t0 = now_ms();
    check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "begin");
    check(sqlite3_prepare_v2(db, "INSERT INTO p VALUES(?,?,?,?,?,?,?,?,?)", -1, &st, NULL), db,
          "prepare");
    for (size_t i = 0; i < r->count; i++) {
        const struct ld_roster_pupil *p = &r->pupils[i];
        const char *v[8] = {
            p->upn,  p->legal_first, p->legal_last, p->preferred_first, p->preferred_last,
            p->year, p->class_name,  p->family};
        for (int k = 0; k < 8; k++)
            sqlite3_bind_text(st, k + 1, v[k], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 9, (int)p->flags);
        check(sqlite3_step(st), db, "insert");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    check(sqlite3_prepare_v2(db, "INSERT INTO k VALUES(?,?)", -1, &st, NULL), db, "prepare");
    for (size_t i = 0; i < r->count; i++) {
        char hex[LD_UID_HEXLEN];
        ld_uid_format(&r->pupils[i].card, hex);
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, r->pupils[i].upn, -1, SQLITE_STATIC);
        check(sqlite3_step(st), db, "insert card");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
    double t = now_ms() - t0;
    sqlite3_close(db);
    return t;
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int n = argc > 2 ? atoi(argv[2]) : 2000;
    char dir[512], csv[600], db[600], bare[600], cmd[700], msg[512];
    snprintf(dir, sizeof dir, "%s/ld-bench-roster-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    snprintf(csv, sizeof csv, "%s/roster.csv", dir);
    snprintf(db, sizeof db, "%s/device.db", dir);
    snprintf(bare, sizeof bare, "%s/bare.db", dir);
    write_csv(csv, n);

    struct ld_roster roster = {0};
    struct ld_store *store = NULL;
    struct ld_import_summary sum;
    double t0 = now_ms();
    if (ld_roster_parse_csv(csv, &roster, NULL, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double t_parse = now_ms() - t0;
    if (ld_store_create(db, "door-1", NULL, &store, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    t0 = now_ms();
    if (ld_store_import_roster(store, &roster, &sum, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double t_first = now_ms() - t0;
    t0 = now_ms();
    if (ld_store_import_roster(store, &roster, &sum, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double t_again = now_ms() - t0;
    double t_bare = bare_insert(bare, &roster);

    printf("roster import of %d pupils (%zu unchanged on re-import)\n", n, sum.unchanged);
    printf("  parse CSV (libcsv, every check)    %8.1f ms\n", t_parse);
    printf("  first import into an empty store   %8.1f ms\n", t_first);
    printf("  re-import, nothing changed         %8.1f ms\n", t_again);
    printf("  baseline: bare INSERT, same rows   %8.1f ms\n", t_bare);
    printf("  parse + first import               %8.1f ms  (%.1fx the bare insert)\n",
           t_parse + t_first, (t_parse + t_first) / t_bare);
    ld_store_close(store);
    ld_roster_free(&roster);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
