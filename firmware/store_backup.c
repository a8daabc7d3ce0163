/* store_backup.c: a consistent copy of a live store, written beside its target and renamed in. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Pages copied per step: other connections may write between steps. */
#define BACKUP_STEP_PAGES 256
/* How long to sleep before trying again when a step finds the source locked. */
#define BACKUP_RETRY_MS 50

static ld_err backup_err(sqlite3 *dst, int rc, const char *dest, const char *what, char *msg,
                         size_t msglen)
{
    int primary = rc & 0xff;
    ld_store__msg(msg, msglen, "backup %s: %s: %s", dest, what,
                  dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    if (primary == SQLITE_FULL)
        return LD_ERR_FULL;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return LD_ERR_BUSY;
    if (primary == SQLITE_NOMEM)
        return LD_ERR_NOMEM;
    return LD_ERR_IO;
}

/* Runs a pragma on dst that returns one text row, and checks it says want. */
static ld_err dst_pragma(sqlite3 *dst, const char *sql, const char *want, const char *dest,
                         char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    ld_err err = LD_OK;
    int rc = sqlite3_prepare_v2(dst, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        err = backup_err(dst, rc, dest, sql, msg, msglen);
    } else {
        const unsigned char *got = sqlite3_column_text(st, 0);
        if (!got || strcmp((const char *)got, want) != 0) {
            ld_store__msg(msg, msglen, "backup %s: %s: got \"%s\", not \"%s\"", dest, sql,
                          got ? (const char *)got : "", want);
            err = LD_ERR_IO;
        }
    }
    sqlite3_finalize(st);
    return err;
}

/* Copies every page of src into dst, retrying while the source is briefly locked. */
static ld_err copy_pages(sqlite3 *src, sqlite3 *dst, const char *dest, unsigned busy_ms, char *msg,
                         size_t msglen)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b)
        return backup_err(dst, sqlite3_errcode(dst), dest, "start", msg, msglen);
    unsigned waited = 0;
    int rc;
    for (;;) {
        rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
        if (rc == SQLITE_OK)
            continue;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waited < busy_ms) {
            sqlite3_sleep(BACKUP_RETRY_MS);
            waited += BACKUP_RETRY_MS;
            continue;
        }
        break;
    }
    int frc = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return backup_err(dst, rc, dest, "copy", msg, msglen);
    if (frc != SQLITE_OK)
        return backup_err(dst, frc, dest, "finish the copy", msg, msglen);
    return LD_OK;
}

/* Refuses a destination that is the store itself or a database someone has open. */
static ld_err check_dest(struct ld_store *store, const char *dest, char *msg, size_t msglen)
{
    struct stat ds, ss;
    char wal[PATH_MAX];

    if (!dest || !*dest) {
        ld_store__msg(msg, msglen, "backup: no destination given");
        return LD_ERR_INVALID;
    }
    if (strlen(dest) > PATH_MAX - 32) {
        ld_store__msg(msg, msglen, "backup: destination path longer than %d bytes", PATH_MAX - 32);
        return LD_ERR_RANGE;
    }
    if (stat(dest, &ds) == 0 && stat(ld_store__path(store), &ss) == 0 && ds.st_dev == ss.st_dev &&
        ds.st_ino == ss.st_ino) {
        ld_store__msg(msg, msglen, "backup %s: that is the store itself", dest);
        return LD_ERR_INVALID;
    }
    snprintf(wal, sizeof wal, "%s-wal", dest);
    if (access(wal, F_OK) == 0) {
        ld_store__msg(msg, msglen,
                      "backup %s: a -wal file lies beside it, so it is in use or was not closed "
                      "cleanly; choose another destination",
                      dest);
        return LD_ERR_STATE;
    }
    return LD_OK;
}

ld_err ld_store_backup(struct ld_store *store, const char *dest_path, char *msg, size_t msglen)
{
    char tmp[PATH_MAX], journal[PATH_MAX + 16];
    sqlite3 *dst = NULL;
    bool made = false;
    int fd = -1;

    if (!store) {
        ld_store__msg(msg, msglen, "backup: no store given");
        return LD_ERR_INVALID;
    }
    ld_err err = check_dest(store, dest_path, msg, msglen);
    if (err)
        return err;
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dest_path);
    fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0) {
        ld_store__msg(msg, msglen, "backup %s: create a temporary file: %s", dest_path,
                      strerror(errno));
        return errno == ENOSPC ? LD_ERR_FULL : LD_ERR_IO;
    }
    made = true;
    snprintf(journal, sizeof journal, "%s-journal", tmp);
    int crc = close(fd);
    if (crc != 0) {
        ld_store__msg(msg, msglen, "backup %s: close: %s", dest_path, strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }

    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_extended_result_codes(dst, 1);
    if (rc != SQLITE_OK) {
        err = backup_err(dst, rc, dest_path, "open the copy", msg, msglen);
        goto out;
    }
    err = copy_pages(ld_store__db(store), dst, dest_path, LD_STORE_BUSY_TIMEOUT_MS, msg, msglen);
    /* One self-contained file: a plain rollback journal, then a check of what was written. */
    if (!err)
        err = dst_pragma(dst, "PRAGMA journal_mode=DELETE", "delete", dest_path, msg, msglen);
    if (!err)
        err = dst_pragma(dst, "PRAGMA quick_check", "ok", dest_path, msg, msglen);
    if (err)
        goto out;
    rc = sqlite3_close(dst);
    dst = NULL;
    if (rc != SQLITE_OK) {
        err = backup_err(NULL, rc, dest_path, "close the copy", msg, msglen);
        goto out;
    }
    if (chmod(tmp, 0600) != 0) {
        ld_store__msg(msg, msglen, "backup %s: chmod 0600: %s", dest_path, strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }
    err = ld_store__sync_file(tmp, "backup", dest_path, msg, msglen);
    if (err)
        goto out;
    if (rename(tmp, dest_path) != 0) {
        ld_store__msg(msg, msglen, "backup %s: rename: %s", dest_path, strerror(errno));
        err = LD_ERR_IO;
        goto out;
    }
    made = false;
    err = ld_store__sync_dir(dest_path, msg, msglen);
out:
    if (dst)
        (void)sqlite3_close(dst);
    if (made) {
        (void)unlink(tmp);
        (void)unlink(journal);
    }
    return err;
}
