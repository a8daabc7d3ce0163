/* helpers.h: what the store's tests share: temporary directories, checksums, events, dumps. */
#ifndef LD_TEST_STORE_HELPERS_H
#define LD_TEST_STORE_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define T_UPN_A "A123456789012" /* well formed; check letters are not the store's business */
#define T_UPN_B "B123456789012"
#define T_UPN_C "C123456789012"
#define T_UPN_D "D123456789012"
#define T_BOOT  "28d95a18-f3f0-423e-8803-af0def8d5fd8"
/* 2026-01-12 (a Monday) 08:55 UTC. */
#define T_MONDAY_MS INT64_C(1768208100000)

/* A fresh private directory for one test, and paths in it. */
struct tdir {
    char path[128];
};

static inline void tdir_make(struct tdir *d)
{
    const char *base = getenv("TMPDIR");
    snprintf(d->path, sizeof d->path, "%s/ld-store-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(d->path));
}

static inline void tdir_file(const struct tdir *d, const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/%s", d->path, name);
}

/* Removes the directory and every file in it (tests make no subdirectories). */
static inline void tdir_remove(struct tdir *d)
{
    DIR *dir = opendir(d->path);
    if (!dir)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
        unlink(p);
    }
    closedir(dir);
    rmdir(d->path);
}

/* FNV-1a over the bytes of a file; the size goes to *size when not NULL. */
static inline uint64_t file_checksum(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint64_t h = UINT64_C(14695981039346656037);
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        h = (h ^ (uint64_t)(unsigned char)c) * UINT64_C(1099511628211);
        n++;
    }
    fclose(f);
    if (size)
        *size = n;
    return h;
}

static inline uint64_t fnv_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (uint64_t)(unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

/*
 * A checksum of the logical content of every table of the store at path, read through a
 * connection of its own: two stores with the same rows have the same checksum.
 */
static inline uint64_t store_dump(const char *path)
{
    static const char *const tables[] = {
        "SELECT quote(device_id) FROM device",
        "SELECT quote(key) || quote(value) FROM settings ORDER BY key",
        "SELECT quote(upn) || quote(legal_first) || quote(legal_last) || quote(preferred_first)"
        " || quote(preferred_last) || quote(year) || quote(class_name) || quote(family)"
        " || quote(flags) || quote(active) FROM pupils ORDER BY upn",
        "SELECT quote(uid) || quote(upn) || quote(from_roster) FROM cards ORDER BY uid",
        "SELECT quote(id) || quote(name) || quote(pin_hash) || quote(card) || quote(role)"
        " || quote(active) FROM staff ORDER BY id",
        "SELECT quote(device_id) || quote(seq) || quote(uuid) || quote(kind) || quote(at_ms)"
        " || quote(upn) || quote(reason) || quote(ref_seq) FROM events ORDER BY device_id, seq",
    };
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, tables[t], -1, &st, NULL), SQLITE_OK);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            h = fnv_str(h, (const char *)sqlite3_column_text(st, 0));
            h = fnv_str(h, "\n");
        }
        assert_int_equal(rc, SQLITE_DONE);
        sqlite3_finalize(st);
        h = fnv_str(h, "--\n");
    }
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return h;
}

/* Runs one statement on the file at path through a connection of its own. */
static inline void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
    sqlite3_free(err);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Returns the first column of the first row of sql, run on path, as an integer. */
static inline int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return v;
}

/* Returns the mode bits of path. */
static inline unsigned file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (unsigned)(st.st_mode & 07777);
}

/* An arrival of upn at at_ms, with a good clock, by card. */
static inline struct ld_event arrival(const char *upn, int64_t at_ms)
{
    struct ld_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = LD_EV_ARRIVAL;
    ev.at_ms = at_ms;
    ev.mono_ms = 123456;
    snprintf(ev.boot_id, sizeof ev.boot_id, "%s", T_BOOT);
    ev.clock = LD_CLOCK_OK;
    snprintf(ev.upn, sizeof ev.upn, "%s", upn);
    snprintf(ev.card, sizeof ev.card, "%s", "04A2B3C4");
    ev.source = LD_SRC_CARD;
    return ev;
}

/* Creates a store for device "door-1" at path, asserting success. */
static inline struct ld_store *create_store(const char *path, const struct ld_store_options *opt)
{
    struct ld_store *s = NULL;
    char msg[512] = "";
    ld_err err = ld_store_create(path, "door-1", opt, &s, msg, sizeof msg);
    if (err)
        fail_msg("create %s: %s", path, msg);
    return s;
}

/* Appends ev, asserting success, and returns its seq. */
static inline int64_t append_ok(struct ld_store *s, struct ld_event *ev)
{
    char msg[512] = "";
    ld_err err = ld_store_append_event(s, ev, msg, sizeof msg);
    if (err)
        fail_msg("append: %s (%s)", msg, ld_err_str(err));
    return ev->seq;
}

/* Counts every event of the store. */
static inline uint64_t count_events(struct ld_store *s)
{
    uint64_t n = 0;
    char msg[256];
    assert_int_equal(ld_store_events_count(s, NULL, &n, msg, sizeof msg), LD_OK);
    return n;
}

/* Asserts that msg mentions needle. */
#define assert_msg_has(msg, needle)                                                                \
    do {                                                                                           \
        if (!strstr((msg), (needle)))                                                              \
            fail_msg("message \"%s\" does not mention \"%s\"", (msg), (needle));                   \
    } while (0)

#endif
