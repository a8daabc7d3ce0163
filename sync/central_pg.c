/* central_pg.c: the central store on PostgreSQL (libpq), for real deployments. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "central_pg.h"

#define BAD(err, ...) central__fail(err, msg, msglen, __VA_ARGS__)

/* Array parameters grow with a batch or a roster; this caps one of them. */
#define PG_ARRAY_MAX       (64u << 20)
#define PG_CONNECT_TIMEOUT "10"

struct pg {
    PGconn *conn;
    enum ld_central_role role;
    char device[LD_CENTRAL_ID_MAX + 1]; /* a device role's device, else "" */
    bool push_prepared;                 /* the fast push statement is prepared on conn */
};

/* ---- interruption ---- */

/*
 * The socket of the connection opened last, for ld_central_interrupt, which a signal handler
 * calls: shutdown() is async-signal-safe and ends whatever libpq waits on (a lock, a slow
 * server, a network that went away) at once, where a cancel request would need the server to
 * answer. The server sees the connection go and rolls back its transaction.
 */
static volatile sig_atomic_t pg_interrupted;
static volatile sig_atomic_t pg_current_fd = -1;

void ld_central_interrupt(void)
{
    pg_interrupted = 1;
    int fd = pg_current_fd;
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

/* Sets or clears the socket ld_central_interrupt ends, with signals held so that a handler
 * never meets a descriptor being closed (and perhaps reused). */
static void watch_socket(int fd)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pg_current_fd = fd;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Returns CLOCK_MONOTONIC in milliseconds. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Connects without blocking in libpq, so that ld_central_interrupt can end the wait: the
 * connect_timeout in force (the URL's or ours) bounds it. Returns the connection (NULL only when
 * out of memory); its status says how it went, or *why when it was given up (stopped, or out of
 * time).
 */
static PGconn *connect_interruptible(const char *const *keys, const char *const *vals,
                                     const char **why)
{
    *why = NULL;
    PGconn *conn = PQconnectStartParams(keys, vals, 1);
    if (!conn || PQstatus(conn) == CONNECTION_BAD)
        return conn;
    int64_t limit_ms = 10000;
    PQconninfoOption *opts = PQconninfo(conn);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, "connect_timeout") && o->val && atoi(o->val) > 0)
            limit_ms = (int64_t)atoi(o->val) * 1000;
    PQconninfoFree(opts);
    int64_t end = mono_ms() + limit_ms;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        int fd = PQsocket(conn);
        watch_socket(fd);
        struct pollfd pfd = {.fd = fd, .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        int64_t left = end - mono_ms();
        if (pg_interrupted || left <= 0 || fd < 0)
            break;
        int r = poll(&pfd, 1, left > 200 ? 200 : (int)left);
        if (r > 0 || (r < 0 && errno != EINTR))
            st = PQconnectPoll(conn);
    }
    watch_socket(-1);
    if (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED)
        *why = pg_interrupted ? "stopped by a signal" : "no answer within connect_timeout";
    return conn;
}

/* ---- plumbing ---- */

static void quiet_notices(void *arg, const char *message)
{
    /* NOTICEs ("relation exists, skipping") are not errors; errors come back as results. */
}

/* Copies text into out with its line breaks turned into "; " and trailing ones dropped. */
static void one_line(char *out, size_t outlen, const char *text)
{
    size_t j = 0;
    if (!outlen)
        return;
    for (size_t i = 0; text && text[i] && j + 3 < outlen; i++) {
        if (text[i] == '\n') {
            if (text[i + 1] && j > 0) {
                out[j++] = ';';
                out[j++] = ' ';
            }
        } else if (text[i] != '\r') {
            out[j++] = text[i];
        }
    }
    out[j] = '\0';
}

static ld_err map_sqlstate(const char *st)
{
    if (!st)
        return LD_ERR_IO;
    if (!strncmp(st, "28", 2) || !strcmp(st, "42501"))
        return LD_ERR_AUTH;
    if (!strcmp(st, "23505") || !strcmp(st, "42710"))
        return LD_ERR_DUPLICATE;
    if (!strncmp(st, "23", 2) || !strncmp(st, "22", 2))
        return LD_ERR_INVALID;
    if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03") ||
        !strcmp(st, "57014") || !strcmp(st, "53300"))
        return LD_ERR_BUSY;
    if (!strcmp(st, "53100"))
        return LD_ERR_FULL;
    if (!strcmp(st, "53200"))
        return LD_ERR_NOMEM;
    if (!strcmp(st, "42P01") || !strcmp(st, "3F000") || !strcmp(st, "42883"))
        return LD_ERR_STATE; /* no such table, schema or function: not initialised */
    if (!strcmp(st, "XX001") || !strcmp(st, "XX002"))
        return LD_ERR_CORRUPT;
    return LD_ERR_IO;
}

/* Describes a failed result (or a lost connection when res is NULL); returns the ld_err. */
static ld_err pg_fail(struct pg *p, PGresult *res, const char *what, char *msg, size_t msglen)
{
    char line[400];
    if (!res) {
        one_line(line, sizeof line, PQerrorMessage(p->conn));
        return BAD(LD_ERR_IO, "%s: %s", what, line[0] ? line : "no result from the server");
    }
    const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    one_line(line, sizeof line, primary ? primary : PQresultErrorMessage(res));
    ld_err err = map_sqlstate(st);
    if (err == LD_ERR_STATE)
        return BAD(err, "%s: %s (SQLSTATE %s): is the store initialised? (latedoor central init)",
                   what, line, st);
    return BAD(err, "%s: %s (SQLSTATE %s)", what, line, st ? st : "none");
}

/*
 * Runs sql with n text parameters and wants status want; on success *out (when not NULL) gets
 * the result, which the caller clears.
 */
static ld_err run(struct pg *p, const char *sql, int n, const char *const *params,
                  ExecStatusType want, PGresult **out, const char *what, char *msg, size_t msglen)
{
    PGresult *res =
        n ? PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0) : PQexec(p->conn, sql);
    if (!res || PQresultStatus(res) != want) {
        ld_err err = pg_fail(p, res, what, msg, msglen);
        PQclear(res);
        return err;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return LD_OK;
}

static ld_err cmd(struct pg *p, const char *sql, int n, const char *const *params, const char *what,
                  char *msg, size_t msglen)
{
    return run(p, sql, n, params, PGRES_COMMAND_OK, NULL, what, msg, msglen);
}

static ld_err query(struct pg *p, const char *sql, int n, const char *const *params, PGresult **out,
                    const char *what, char *msg, size_t msglen)
{
    return run(p, sql, n, params, PGRES_TUPLES_OK, out, what, msg, msglen);
}

/* Ends the open transaction, if any, without its changes; used on every error path. */
static void rollback(struct pg *p)
{
    PGTransactionStatusType ts = PQtransactionStatus(p->conn);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
        PQclear(PQexec(p->conn, "ROLLBACK"));
}

/*
 * Sets up a new session. A device's queries are all lookups by key (its own seqs, a school's
 * events after a cursor) under the row-level security filter "school_id = …". Until a table has
 * statistics, the planner takes that filter for a selective one and ANDs bitmaps of both
 * indexes, reading every row of the school per lookup; with bitmap scans off it probes the
 * unique key instead. Nothing a device runs gains from a bitmap scan.
 */
static ld_err session_setup(struct pg *p, char *msg, size_t msglen)
{
    PQsetNoticeProcessor(p->conn, quiet_notices, NULL);
    if (p->role != LD_CENTRAL_DEVICE)
        return LD_OK;
    PGresult *res = PQexec(p->conn, "SET enable_bitmapscan = off");
    ld_err err =
        PQresultStatus(res) == PGRES_COMMAND_OK ? LD_OK : pg_fail(p, res, "session", msg, msglen);
    PQclear(res);
    return err;
}

/* Reconnects once when the connection was lost since the last call. */
static ld_err ready(struct pg *p, char *msg, size_t msglen)
{
    if (PQstatus(p->conn) == CONNECTION_OK)
        return LD_OK;
    p->push_prepared = false; /* a new session has no prepared statements */
    PQreset(p->conn);
    if (PQstatus(p->conn) == CONNECTION_OK)
        return session_setup(p, msg, msglen);
    char line[400];
    one_line(line, sizeof line, PQerrorMessage(p->conn));
    return BAD(LD_ERR_IO, "connection lost and cannot be made again: %s", line);
}

struct pg_row {
    PGresult *res;
    int row;
};

static const char *row_text(void *ctx, int col, size_t *len)
{
    struct pg_row *r = ctx;
    if (col >= PQnfields(r->res) || PQgetisnull(r->res, r->row, col))
        return NULL;
    *len = (size_t)PQgetlength(r->res, r->row, col);
    return PQgetvalue(r->res, r->row, col);
}

static bool row_int(void *ctx, int col, int64_t *v)
{
    size_t len = 0;
    const char *s = row_text(ctx, col, &len);
    if (!s || !len || len > 20)
        return false;
    bool neg = s[0] == '-';
    size_t i = neg ? 1 : 0;
    if (i == len)
        return false;
    uint64_t x = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    if (neg ? x > (uint64_t)INT64_MAX + 1 : x > (uint64_t)INT64_MAX)
        return false;
    *v = neg ? (int64_t)(0 - x) : (int64_t)x;
    return true;
}

static struct central__row row_of(struct pg_row *r)
{
    return (struct central__row){row_text, row_int, r};
}

/* ---- array parameters: PostgreSQL's text form, "{"a","b\"c"}" ---- */

struct arr {
    char *p;
    size_t len, cap;
    size_t items;
    bool failed;
};

static void arr_put(struct arr *a, const char *s, size_t n)
{
    if (a->failed)
        return;
    if (a->len + n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap : 256;
        while (cap < a->len + n + 2)
            cap *= 2;
        char *q = cap <= PG_ARRAY_MAX ? realloc(a->p, cap) : NULL;
        if (!q) {
            a->failed = true;
            return;
        }
        a->p = q;
        a->cap = cap;
    }
    memcpy(a->p + a->len, s, n);
    a->len += n;
    a->p[a->len] = '\0';
}

static void arr_sep(struct arr *a)
{
    arr_put(a, a->items++ ? "," : "{", 1);
}

static void arr_text(struct arr *a, const char *s)
{
    arr_sep(a);
    arr_put(a, "\"", 1);
    for (const char *q = s; *q; q++) {
        size_t run = strcspn(q, "\"\\");
        arr_put(a, q, run);
        q += run;
        if (!*q)
            break;
        arr_put(a, "\\", 1);
        arr_put(a, q, 1);
    }
    arr_put(a, "\"", 1);
}

static void arr_int(struct arr *a, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%" PRId64, v);
    arr_sep(a);
    arr_put(a, b, (size_t)n);
}

/* Closes the array and returns its text, or NULL when it could not be built. */
static const char *arr_end(struct arr *a)
{
    if (!a->items)
        arr_put(a, "{", 1);
    arr_put(a, "}", 1);
    return a->failed ? NULL : a->p;
}

static void arrs_free(struct arr *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i].p);
}

/* Closes n arrays into params; false when one could not be built (out of memory or over cap). */
static bool arrs_end(struct arr *a, size_t n, const char **params)
{
    for (size_t i = 0; i < n; i++)
        if (!(params[i] = arr_end(&a[i])))
            return false;
    return true;
}

/* ---- open, close ---- */

static ld_err pg_url_password(const char *target, char *out, size_t outlen, bool *has, char *msg,
                              size_t msglen)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(target, &perr);
    ld_err err = LD_OK;
    *has = false;
    if (!opts) {
        /* libpq's message may quote the string, password and all: do not pass it on. */
        if (perr)
            sodium_memzero(perr, strlen(perr));
        PQfreemem(perr);
        return BAD(LD_ERR_INVALID, "not a valid PostgreSQL URL or connection string");
    }
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (strcmp(o->keyword, "password") || !o->val || !o->val[0])
            continue;
        if (strlen(o->val) >= outlen) {
            err = BAD(LD_ERR_RANGE, "the password in the URL is longer than %d bytes",
                      LD_CENTRAL_PASSWORD_MAX);
        } else {
            memcpy(out, o->val, strlen(o->val) + 1);
            *has = true;
        }
        sodium_memzero(o->val, strlen(o->val));
    }
    PQconninfoFree(opts);
    return err;
}

/* Says whether a failed connection was refused for its credentials. */
static bool refused_credentials(PGconn *conn)
{
    const char *e = PQerrorMessage(conn);
    return PQconnectionNeedsPassword(conn) || strstr(e, "authentication failed") ||
           strstr(e, "no password supplied") || strstr(e, "password") || strstr(e, "SCRAM") ||
           strstr(e, "no pg_hba.conf entry") || strstr(e, "client certificate") ||
           strstr(e, "certificate authentication failed") || strstr(e, "rejects connection");
}

static ld_err pg_open(const char *target, const char *password, enum ld_central_role role,
                      void **impl, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    PGresult *res = NULL;
    char line[400];
    struct pg *p = calloc(1, sizeof *p);
    if (!p)
        return BAD(LD_ERR_NOMEM, "out of memory");
    p->role = role;
    /* Keywords before dbname are defaults the URL may override; password comes after, from the
     * password file (the frontend refuses a URL that holds one as well). */
    const char *keys[] = {"connect_timeout",
                          "client_encoding",
                          "fallback_application_name",
                          "dbname",
                          password ? "password" : NULL,
                          NULL};
    const char *vals[] = {PG_CONNECT_TIMEOUT, "UTF8", "latedoor", target, password, NULL};
    const char *why = NULL;
    p->conn = connect_interruptible(keys, vals, &why);
    if (!p->conn) {
        err = BAD(LD_ERR_NOMEM, "cannot connect: out of memory");
        goto out;
    }
    if (why) {
        err = BAD(LD_ERR_IO, "cannot connect: %s", why);
        goto out;
    }
    if (PQstatus(p->conn) != CONNECTION_OK) {
        one_line(line, sizeof line, PQerrorMessage(p->conn));
        const char *user = PQuser(p->conn) ? PQuser(p->conn) : "?";
        if (strstr(line, "is not permitted to log in"))
            err = BAD(LD_ERR_AUTH, DEVICE_DISABLED_MSG " (%s)",
                      strncmp(user, "ld_dev_", 7) ? user : user + 7, line);
        else
            err = refused_credentials(p->conn) ? BAD(LD_ERR_AUTH, "credentials refused: %s", line)
                                               : BAD(LD_ERR_IO, "cannot connect: %s", line);
        goto out;
    }
    err = session_setup(p, msg, msglen);
    if (err)
        goto out;
    if (role == LD_CENTRAL_DEVICE) {
        err = query(p, "SELECT id FROM latedoor.devices WHERE role_name = current_user", 0, NULL,
                    &res, "device lookup", msg, msglen);
        if (err)
            goto out;
        if (PQntuples(res) != 1) {
            err = BAD(LD_ERR_AUTH, "role %s is not a latedoor device (latedoor device add)",
                      PQuser(p->conn));
            goto out;
        }
        struct pg_row pr = {res, 0};
        struct central__row r = row_of(&pr);
        err = central__row_str(&r, 0, p->device, sizeof p->device, false, "devices row", "id", msg,
                               msglen);
        if (!err && !central__id_ok(p->device))
            err = BAD(LD_ERR_CORRUPT, "devices row: field id: not a device id");
        if (err)
            goto out;
    }
    watch_socket(PQsocket(p->conn));
    *impl = p;
    p = NULL;
out:
    PQclear(res);
    if (p) {
        PQfinish(p->conn);
        free(p);
    }
    return err;
}

static void pg_close(void *impl)
{
    struct pg *p = impl;
    if (!p)
        return;
    if (pg_current_fd == PQsocket(p->conn))
        watch_socket(-1);
    PQfinish(p->conn);
    free(p);
}

static bool pg_uses_tls(void *impl)
{
    struct pg *p = impl;
    return PQsslInUse(p->conn) != 0;
}

static const char *pg_login_device(void *impl)
{
    struct pg *p = impl;
    return p->device;
}

/* ---- schema ---- */

/* Reads the version: 0 without a schema, LD_ERR_CORRUPT for a "latedoor" schema not ours. */
static ld_err read_version(struct pg *p, int *version, char *msg, size_t msglen)
{
    PGresult *res = NULL;
    ld_err err = query(p,
                       "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'latedoor'),"
                       " to_regclass('latedoor.schema_version') IS NOT NULL",
                       0, NULL, &res, "schema version", msg, msglen);
    if (err)
        return err;
    bool schema = !strcmp(PQgetvalue(res, 0, 0), "t");
    bool table = !strcmp(PQgetvalue(res, 0, 1), "t");
    PQclear(res);
    if (!schema) {
        *version = 0;
        return LD_OK;
    }
    if (!table)
        return BAD(LD_ERR_CORRUPT, "schema \"latedoor\" exists but has no schema_version table: "
                                   "not a latedoor central store");
    err = query(p, "SELECT version FROM latedoor.schema_version", 0, NULL, &res, "schema version",
                msg, msglen);
    if (err)
        return err;
    int64_t v = 0;
    struct pg_row pr = {res, 0};
    struct central__row r = row_of(&pr);
    if (PQntuples(res) != 1)
        err = BAD(LD_ERR_CORRUPT, "schema_version: %d rows, not 1", PQntuples(res));
    else
        err = central__row_int(&r, 0, 0, 1000000, &v, "schema_version row", "version", msg, msglen);
    PQclear(res);
    if (!err)
        *version = (int)v;
    return err;
}

static ld_err pg_schema_version(void *impl, int *version, char *msg, size_t msglen)
{
    struct pg *p = impl;
    ld_err err = ready(p, msg, msglen);
    return err ? err : read_version(p, version, msg, msglen);
}

/*
 * (version 8, branch central-sum) Gives every event stored before version 8 its checksum:
 * PostgreSQL cannot compute BLAKE2b, so the rows are read, summed here and written back in one
 * statement, the append-only trigger lifted only inside the migration's transaction. A row that
 * does not decode keeps '' and is skipped and named for its own fault when read.
 */
static ld_err pg_fill_sums(struct pg *p, char *msg, size_t msglen)
{
    PGresult *res = NULL;
    ld_err err = query(p, "SELECT " CENTRAL_EVENT_COLUMNS " FROM latedoor.events WHERE sum = ''", 0,
                       NULL, &res, "init: migration 8: events", msg, msglen);
    if (err)
        return err;
    size_t rows = (size_t)PQntuples(res), used = 0;
    char *list = malloc(rows * 90 + 1);
    if (!list)
        err = BAD(LD_ERR_NOMEM, "init: migration 8: out of memory");
    for (size_t i = 0; !err && i < rows; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        struct ld_central_event ev;
        char sum[LD_CENTRAL_SUM_LEN + 1], why[8];
        if (central__row_event_unsummed(&r, &ev, why, sizeof why) != LD_OK)
            continue;
        used += (size_t)sprintf(list + used, "%s%" PRId64 ":%s", used ? "," : "", ev.global_seq,
                                central__event_sum(&ev, sum));
    }
    PQclear(res);
    if (!err && used) {
        list[used] = '\0';
        const char *params[] = {list};
        err = cmd(p, "ALTER TABLE latedoor.events DISABLE TRIGGER events_append_only", 0, NULL,
                  "init: migration 8", msg, msglen);
        if (!err)
            err = cmd(p,
                      "UPDATE latedoor.events e SET sum = split_part(x, ':', 2)"
                      " FROM unnest(string_to_array($1, ',')) AS x"
                      " WHERE e.global_seq = split_part(x, ':', 1)::bigint",
                      1, params, "init: migration 8: sums", msg, msglen);
        if (!err)
            err = cmd(p, "ALTER TABLE latedoor.events ENABLE TRIGGER events_append_only", 0, NULL,
                      "init: migration 8", msg, msglen);
    }
    free(list);
    return err;
}

static ld_err pg_migrate(void *impl, int target, int *from, int *to, char *msg, size_t msglen)
{
    struct pg *p = impl;
    int v = 0;
    char num[40];
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p, "BEGIN", 0, NULL, "init", msg, msglen);
    if (err)
        return err;
    /* Two inits at once: the second waits here and then finds the work done. */
    err = query(p, "SELECT pg_advisory_xact_lock(hashtext('latedoor.central.init'))", 0, NULL, NULL,
                "init: lock", msg, msglen);
    if (!err)
        err = read_version(p, &v, msg, msglen);
    if (err)
        goto out;
    if (v > LD_CENTRAL_SCHEMA_VERSION) {
        err = BAD(LD_ERR_UNSUPPORTED,
                  "init: schema version %d is newer than this build's %d: refused, nothing "
                  "changed",
                  v, LD_CENTRAL_SCHEMA_VERSION);
        goto out;
    }
    *from = v;
    for (int next = v + 1; next <= target; next++) {
        snprintf(num, sizeof num, "init: migration %d", next);
        err = cmd(p, central__pg_migrations[next - 1], 0, NULL, num, msg, msglen);
        if (!err && next == 8)
            err = pg_fill_sums(p, msg, msglen);
        if (err)
            goto out;
    }
    if (target > v) {
        snprintf(num, sizeof num, "%d", target);
        const char *params[] = {num};
        err = cmd(p, "UPDATE latedoor.schema_version SET version = $1::integer", 1, params,
                  "init: version", msg, msglen);
        if (err)
            goto out;
    }
    err = cmd(p, "COMMIT", 0, NULL, "init: commit", msg, msglen);
    *to = target > v ? target : v;
out:
    if (err)
        rollback(p);
    return err;
}

/* ---- schools and devices ---- */

static ld_err school_exists(struct pg *p, const char *school, bool *found, char *msg, size_t msglen)
{
    PGresult *res = NULL;
    const char *params[] = {school};
    ld_err err = query(p, "SELECT 1 FROM latedoor.schools WHERE id = $1", 1, params, &res,
                       "school lookup", msg, msglen);
    if (!err)
        *found = PQntuples(res) > 0;
    PQclear(res);
    return err;
}

static ld_err pg_school_add(void *impl, const char *id, const char *name, char *msg, size_t msglen)
{
    struct pg *p = impl;
    const char *params[] = {id, name};
    PGresult *res = NULL;
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "INSERT INTO latedoor.schools (id, name) VALUES ($1, $2)"
                    " ON CONFLICT (id) DO NOTHING RETURNING id",
                    2, params, &res, "school add", msg, msglen);
    if (!err && PQntuples(res) == 0)
        err = BAD(LD_ERR_DUPLICATE, "school add: school %s already exists", id);
    PQclear(res);
    return err;
}

static ld_err pg_schools(void *impl, const char *id, struct ld_central_school *out, size_t cap,
                         size_t *n, char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    char limit[24];
    snprintf(limit, sizeof limit, "%zu", cap + 1);
    const char *params[] = {limit, id};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    id ? "SELECT id, name FROM latedoor.schools WHERE id = $2 ORDER BY id"
                         " LIMIT $1::bigint"
                       : "SELECT id, name FROM latedoor.schools ORDER BY id LIMIT $1::bigint",
                    id ? 2 : 1, params, &res, "schools", msg, msglen);
    if (err)
        return err;
    size_t got = (size_t)PQntuples(res);
    for (size_t i = 0; !err && i < got && i < cap; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_str(&r, 0, out[i].id, sizeof out[i].id, false, "schools row", "id", msg,
                               msglen);
        if (!err)
            err = central__row_str(&r, 1, out[i].name, sizeof out[i].name, false, "schools row",
                                   "name", msg, msglen);
    }
    PQclear(res);
    if (!err && got > cap)
        err = BAD(LD_ERR_RANGE, "schools: more than %zu", cap);
    if (!err || err == LD_ERR_RANGE)
        *n = got < cap ? got : cap;
    return err;
}

static ld_err pg_device_school(void *impl, const char *device, char school[LD_CENTRAL_ID_MAX + 1],
                               char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    const char *params[] = {device};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p, "SELECT school_id FROM latedoor.devices WHERE id = $1", 1, params, &res,
                    "device lookup", msg, msglen);
    if (err)
        return err;
    if (PQntuples(res) == 0) {
        err = BAD(LD_ERR_NOT_FOUND, "device %s: no such device%s", device,
                  p->role == LD_CENTRAL_DEVICE ? " that this role may see" : "");
    } else {
        struct pg_row pr = {res, 0};
        struct central__row r = row_of(&pr);
        err = central__row_str(&r, 0, school, LD_CENTRAL_ID_MAX + 1, false, "devices row",
                               "school_id", msg, msglen);
    }
    PQclear(res);
    return err;
}

/* Appends s to out percent-encoded for a URL (RFC 3986 unreserved characters kept). */
static void url_encode(char *out, size_t outlen, const char *s)
{
    size_t j = strlen(out);
    for (; *s && j + 4 < outlen; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            out[j++] = (char)ch;
        } else {
            snprintf(out + j, outlen - j, "%%%02X", ch);
            j += 3;
        }
    }
    out[j] = '\0';
}

/* Writes the URL a kiosk uses: this connection's server and database as user, no password. */
static ld_err device_url(struct pg *p, const char *user, struct ld_central_credentials *cred,
                         char *msg, size_t msglen)
{
    const char *host = PQhost(p->conn), *port = PQport(p->conn), *db = PQdb(p->conn);
    const char *sslmode = "prefer";
    PQconninfoOption *opts = PQconninfo(p->conn);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, "sslmode") && o->val && o->val[0])
            sslmode = o->val;
    snprintf(cred->sslmode, sizeof cred->sslmode, "%s", sslmode);
    PQconninfoFree(opts);
    char *u = cred->url;
    size_t n = sizeof cred->url;
    snprintf(u, n, "postgresql://");
    url_encode(u, n, user);
    if (host && host[0] && host[0] != '/') {
        snprintf(u + strlen(u), n - strlen(u), "@%s", strchr(host, ':') ? "[" : "");
        url_encode(u, n, host);
        if (strchr(host, ':'))
            snprintf(u + strlen(u), n - strlen(u), "]");
    } else {
        snprintf(u + strlen(u), n - strlen(u), "@");
    }
    if (port && port[0])
        snprintf(u + strlen(u), n - strlen(u), ":%s", port);
    snprintf(u + strlen(u), n - strlen(u), "/");
    url_encode(u, n, db ? db : "");
    snprintf(u + strlen(u), n - strlen(u), "?sslmode=%s", cred->sslmode);
    if (host && host[0] == '/') {
        snprintf(u + strlen(u), n - strlen(u), "&host=");
        url_encode(u, n, host);
    }
    if (strlen(u) + 8 >= n)
        return BAD(LD_ERR_RANGE, "device add: the kiosk's URL is longer than %zu bytes", n - 1);
    return LD_OK;
}

/*
 * Makes a random password for role into password (24 bytes, base64url) and its SCRAM verifier
 * into *verifier (PQfreemem it): only the verifier goes to the server (and into its logs, if any).
 */
static ld_err new_password(struct pg *p, const char *role,
                           char password[LD_CENTRAL_PASSWORD_MAX + 1], char **verifier, char *msg,
                           size_t msglen)
{
    unsigned char raw[24];
    if (!central__random(raw, sizeof raw))
        return BAD(LD_ERR_IO, "no random bytes for a password");
    sodium_bin2base64(password, LD_CENTRAL_PASSWORD_MAX + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    *verifier = PQencryptPasswordConn(p->conn, password, role, "scram-sha-256");
    if (!*verifier) {
        char line[300];
        one_line(line, sizeof line, PQerrorMessage(p->conn));
        return BAD(LD_ERR_IO, "cannot make a SCRAM verifier: %s", line);
    }
    return LD_OK;
}

/* Fills what a kiosk needs to connect (device add, device rotate): ids, role, password, URL. */
static ld_err hand_over(struct pg *p, const char *name, const char *school, const char *role,
                        const char password[LD_CENTRAL_PASSWORD_MAX + 1],
                        struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    snprintf(cred->device_id, sizeof cred->device_id, "%s", name);
    snprintf(cred->school, sizeof cred->school, "%s", school);
    snprintf(cred->user, sizeof cred->user, "%s", role);
    memcpy(cred->password, password, sizeof cred->password);
    return device_url(p, role, cred, msg, msglen);
}

/* Wipes and frees a SCRAM verifier (may be NULL) and wipes the clear password beside it. */
static void forget(char *verifier, char password[LD_CENTRAL_PASSWORD_MAX + 1])
{
    if (verifier) {
        sodium_memzero(verifier, strlen(verifier));
        PQfreemem(verifier);
    }
    sodium_memzero(password, LD_CENTRAL_PASSWORD_MAX + 1);
}

static ld_err pg_device_set(void *impl, const char *name, enum ld_central_device_action action,
                            struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    struct pg *p = impl;
    char role[64], school[LD_CENTRAL_ID_MAX + 1];
    char password[LD_CENTRAL_PASSWORD_MAX + 1] = "";
    char *verifier = NULL;
    snprintf(role, sizeof role, "ld_dev_%s", name);
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p, "BEGIN", 0, NULL, "device", msg, msglen);
    if (err)
        return err;
    err = pg_device_school(p, name, school, msg, msglen);
    if (!err && action == LD_CENTRAL_DEVICE_ROTATE)
        err = new_password(p, role, password, &verifier, msg, msglen);
    if (!err) {
        const char *params[] = {name, action == LD_CENTRAL_DEVICE_DISABLE ? "true" : "false",
                                verifier};
        err = query(p, "SELECT latedoor.set_device($1, $2::boolean, $3)", 3, params, NULL,
                    "device (the admin needs CREATEROLE)", msg, msglen);
    }
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "device: commit", msg, msglen);
    if (!err && action == LD_CENTRAL_DEVICE_ROTATE)
        err = hand_over(p, name, school, role, password, cred, msg, msglen);
    if (err)
        rollback(p);
    forget(verifier, password);
    return err;
}

static ld_err pg_device_add(void *impl, const char *school, const char *name,
                            struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    char role[64], other[LD_CENTRAL_ID_MAX + 1];
    char password[LD_CENTRAL_PASSWORD_MAX + 1] = "";
    char *verifier = NULL;
    bool found = false;
    snprintf(role, sizeof role, "ld_dev_%s", name);
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p, "BEGIN", 0, NULL, "device add", msg, msglen);
    if (err)
        return err;
    err = school_exists(p, school, &found, msg, msglen);
    if (!err && !found)
        err =
            BAD(LD_ERR_NOT_FOUND, "device add: no school %s (latedoor central school add)", school);
    if (!err) {
        err = pg_device_school(p, name, other, msg, msglen);
        if (err == LD_OK)
            err = BAD(LD_ERR_DUPLICATE, "device add: device %s already exists (school %s)", name,
                      other);
        else if (err == LD_ERR_NOT_FOUND)
            err = LD_OK;
    }
    if (!err) {
        const char *params[] = {role};
        err = query(p, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, params, &res,
                    "device add: role lookup", msg, msglen);
        if (!err && PQntuples(res) > 0)
            err = BAD(LD_ERR_DUPLICATE,
                      "device add: role %s already exists on the server (left by an earlier "
                      "install? drop it or choose another name)",
                      role);
        PQclear(res);
        res = NULL;
    }
    if (err)
        goto out;
    if ((err = new_password(p, role, password, &verifier, msg, msglen))) {
        goto out;
    }
    const char *params[] = {school, name, role, verifier};
    err = query(p, "SELECT latedoor.add_device($1, $2, $3, $4)", 4, params, NULL,
                "device add (the admin needs CREATEROLE)", msg, msglen);
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "device add: commit", msg, msglen);
    if (err)
        goto out;
    err = hand_over(p, name, school, role, password, cred, msg, msglen);
out:
    if (err)
        rollback(p);
    forget(verifier, password);
    return err;
}

/* ---- versions ---- */

/* Reads the version and digest of part (0 and "" before the first put); lock: FOR UPDATE. */
static ld_err read_part(struct pg *p, const char *school, enum central__part part, bool lock,
                        int64_t *v, char digest[CENTRAL_DIGEST_HEX], char *msg, size_t msglen)
{
    PGresult *res = NULL;
    bool found = false;
    const char *params[] = {school, central__part_name(part)};
    ld_err err = school_exists(p, school, &found, msg, msglen);
    if (!err && !found)
        err = BAD(LD_ERR_NOT_FOUND, "school %s: no such school", school);
    if (!err && lock)
        /* make sure a row exists to lock: two puts then take turns */
        err = cmd(p,
                  "INSERT INTO latedoor.versions (school_id, part, version, digest)"
                  " VALUES ($1, $2, 0, '') ON CONFLICT DO NOTHING",
                  2, params, "version", msg, msglen);
    if (!err)
        err = query(p,
                    lock ? "SELECT version, digest FROM latedoor.versions WHERE school_id = $1"
                           " AND part = $2 FOR UPDATE"
                         : "SELECT version, digest FROM latedoor.versions WHERE school_id = $1"
                           " AND part = $2",
                    2, params, &res, "version", msg, msglen);
    if (err)
        return err;
    *v = 0;
    if (digest)
        digest[0] = '\0';
    if (PQntuples(res) > 0) {
        char where[96];
        struct pg_row pr = {res, 0};
        struct central__row r = row_of(&pr);
        snprintf(where, sizeof where, "versions row %s/%s", school, central__part_name(part));
        err = central__row_int(&r, 0, 0, INT64_MAX, v, where, "version", msg, msglen);
        if (!err && digest)
            err = central__row_str(&r, 1, digest, CENTRAL_DIGEST_HEX, false, where, "digest", msg,
                                   msglen);
    }
    PQclear(res);
    return err;
}

static ld_err pg_version(void *impl, const char *school, enum central__part part, int64_t *version,
                         char *msg, size_t msglen)
{
    struct pg *p = impl;
    ld_err err = ready(p, msg, msglen);
    return err ? err : read_part(p, school, part, false, version, NULL, msg, msglen);
}

/* Opens a put's transaction; *same (and the transaction committed) when digest is stored. */
static ld_err put_begin(struct pg *p, const char *school, enum central__part part,
                        const char *digest, int64_t *v, bool *same, char *msg, size_t msglen)
{
    char stored[CENTRAL_DIGEST_HEX];
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p, "BEGIN", 0, NULL, central__part_name(part), msg, msglen);
    if (!err)
        err = read_part(p, school, part, true, v, stored, msg, msglen);
    if (!err && (*same = *v > 0 && !strcmp(stored, digest)))
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
    if (err)
        rollback(p);
    return err;
}

static ld_err delete_school_rows(struct pg *p, const char *sql, const char *school, char *msg,
                                 size_t msglen)
{
    const char *params[] = {school};
    return cmd(p, sql, 1, params, "delete", msg, msglen);
}

/* Bumps the version to *v + 1, stores digest and commits. */
static ld_err put_end(struct pg *p, const char *school, enum central__part part, const char *digest,
                      int64_t *v, char *msg, size_t msglen)
{
    char next[24];
    snprintf(next, sizeof next, "%" PRId64, *v + 1);
    const char *params[] = {school, central__part_name(part), next, digest};
    ld_err err = cmd(p,
                     "UPDATE latedoor.versions SET version = $3::bigint, digest = $4"
                     " WHERE school_id = $1 AND part = $2",
                     4, params, "version", msg, msglen);
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
    if (!err)
        *v += 1;
    return err;
}

/* Opens a get's snapshot and reads the version; *fresh (snapshot closed) when it is since. */
static ld_err get_begin(struct pg *p, const char *school, enum central__part part, int64_t since,
                        int64_t *v, bool *fresh, char *msg, size_t msglen)
{
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL,
                  central__part_name(part), msg, msglen);
    if (!err)
        err = read_part(p, school, part, false, v, NULL, msg, msglen);
    if (!err && (*fresh = *v == since))
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
    if (err)
        rollback(p);
    return err;
}

/* ---- roster ---- */

enum { PUPIL_ARRAYS = 12 };

static ld_err pg_put_roster(void *impl, const char *school, const struct ld_roster *roster,
                            const char *digest, int64_t *version, bool *changed, char *msg,
                            size_t msglen)
{
    struct pg *p = impl;
    struct arr a[PUPIL_ARRAYS] = {0}, c[2] = {0};
    const char *params[PUPIL_ARRAYS + 1];
    bool same = false;
    int64_t v = 0;
    ld_err err = put_begin(p, school, CENTRAL_PART_ROSTER, digest, &v, &same, msg, msglen);
    if (err)
        return err;
    if (same) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    for (size_t i = 0; i < roster->count; i++) {
        const struct ld_roster_pupil *q = &roster->pupils[i];
        arr_int(&a[0], (int64_t)i);
        arr_text(&a[1], q->upn);
        arr_text(&a[2], q->legal_first);
        arr_text(&a[3], q->legal_last);
        arr_text(&a[4], q->preferred_first);
        arr_text(&a[5], q->preferred_last);
        arr_text(&a[6], q->year);
        arr_text(&a[7], q->class_name);
        arr_text(&a[8], q->family);
        arr_int(&a[9], q->flags);
        char adm[LD_DATE_STRLEN] = "", lv[LD_DATE_STRLEN] = ""; /* "": none, NULL below */
        if (q->has_admitted)
            ld_date_format(q->admitted, adm);
        if (q->has_left)
            ld_date_format(q->left, lv);
        arr_text(&a[10], adm);
        arr_text(&a[11], lv);
        if (q->card.len) {
            char hex[LD_UID_HEXLEN];
            ld_uid_format(&q->card, hex);
            arr_text(&c[0], hex);
            arr_text(&c[1], q->upn);
        }
    }
    params[0] = school;
    if (!arrs_end(a, PUPIL_ARRAYS, params + 1)) {
        err = BAD(LD_ERR_NOMEM, "roster put: out of memory");
        goto out;
    }
    err = delete_school_rows(p, "DELETE FROM latedoor.cards WHERE school_id = $1", school, msg,
                             msglen);
    if (!err)
        err = delete_school_rows(p, "DELETE FROM latedoor.pupils WHERE school_id = $1", school, msg,
                                 msglen);
    if (!err)
        err = cmd(p,
                  "INSERT INTO latedoor.pupils (school_id, ord, upn, legal_first, legal_last,"
                  " preferred_first, preferred_last, year, class_name, family, flags, admitted,"
                  " leaving)"
                  " SELECT $1, u.o, u.upn, u.lf, u.ll, u.pf, u.pl, u.yr, u.cls, u.fam, u.fl,"
                  " NULLIF(u.adm, '')::date, NULLIF(u.lv, '')::date"
                  " FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[],"
                  " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::integer[],"
                  " $12::text[], $13::text[])"
                  " AS u (o, upn, lf, ll, pf, pl, yr, cls, fam, fl, adm, lv)",
                  PUPIL_ARRAYS + 1, params, "roster put: pupils", msg, msglen);
    if (!err && c[0].items) {
        if (!arrs_end(c, 2, params + 1)) {
            err = BAD(LD_ERR_NOMEM, "roster put: out of memory");
            goto out;
        }
        err = cmd(p,
                  "INSERT INTO latedoor.cards (school_id, card, upn)"
                  " SELECT $1, x.card, x.upn FROM unnest($2::text[], $3::text[]) AS x (card, upn)",
                  3, params, "roster put: cards", msg, msglen);
    }
    if (!err)
        err = put_end(p, school, CENTRAL_PART_ROSTER, digest, &v, msg, msglen);
out:
    arrs_free(a, PUPIL_ARRAYS);
    arrs_free(c, 2);
    if (err) {
        rollback(p);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

struct upn_index {
    const char *upn;
    size_t i;
};

static int upn_index_cmp(const void *a, const void *b)
{
    return strcmp(((const struct upn_index *)a)->upn, ((const struct upn_index *)b)->upn);
}

/*
 * Gives each pupil of out its card from the rows of res (upn, card). Pupils and cards are read
 * by two plain queries and joined here: a join in SQL was planned as a nested loop over every
 * card for every pupil while a new roster had no statistics yet.
 */
static ld_err attach_cards(struct ld_roster *out, PGresult *res, char *msg, size_t msglen)
{
    size_t n = (size_t)PQntuples(res);
    ld_err err = LD_OK;
    if (n == 0)
        return LD_OK;
    struct upn_index *idx = calloc(out->count + 1, sizeof *idx);
    if (!idx)
        return BAD(LD_ERR_NOMEM, "roster: out of memory");
    for (size_t i = 0; i < out->count; i++)
        idx[i] = (struct upn_index){out->pupils[i].upn, i};
    qsort(idx, out->count, sizeof *idx, upn_index_cmp);
    for (size_t k = 0; !err && k < n; k++) {
        struct pg_row pr = {res, (int)k};
        struct central__row r = row_of(&pr);
        char upn[LD_UPN_LEN + 1];
        struct ld_uid uid;
        err = central__row_card(&r, k, upn, &uid, msg, msglen);
        if (err)
            break;
        struct upn_index key = {upn, 0};
        struct upn_index *hit = bsearch(&key, idx, out->count, sizeof *idx, upn_index_cmp);
        if (!hit)
            err = BAD(LD_ERR_CORRUPT, "cards row %zu: field upn: %s is not on the roster", k + 1,
                      upn);
        else if (out->pupils[hit->i].card.len)
            err = BAD(LD_ERR_CORRUPT, "cards row %zu: pupil %s has more than one card", k + 1, upn);
        else
            out->pupils[hit->i].card = uid;
    }
    free(idx);
    return err;
}

static ld_err pg_get_roster(void *impl, const char *school, int64_t since, struct ld_roster *out,
                            int64_t *version, bool *changed, char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *pres = NULL, *cres = NULL;
    int64_t v = 0;
    bool fresh = false;
    char limit[24];
    ld_err err = get_begin(p, school, CENTRAL_PART_ROSTER, since, &v, &fresh, msg, msglen);
    if (err)
        return err;
    if (fresh) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    snprintf(limit, sizeof limit, "%d", LD_ROSTER_MAX_PUPILS + 1);
    const char *params[] = {school, limit};
    err = query(p,
                "SELECT upn, legal_first, legal_last, preferred_first, preferred_last, year,"
                " class_name, family, flags, NULL::text, to_char(admitted, 'YYYY-MM-DD'),"
                " to_char(leaving, 'YYYY-MM-DD') FROM latedoor.pupils"
                " WHERE school_id = $1 ORDER BY ord LIMIT $2::bigint",
                2, params, &pres, "roster: pupils", msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT upn, card FROM latedoor.cards WHERE school_id = $1"
                    " LIMIT $2::bigint",
                    2, params, &cres, "roster: cards", msg, msglen);
    if (err)
        goto out;
    size_t n = (size_t)PQntuples(pres);
    if (n > LD_ROSTER_MAX_PUPILS || (size_t)PQntuples(cres) > LD_ROSTER_MAX_PUPILS) {
        err = BAD(LD_ERR_CORRUPT, "pupils or cards: more than %d rows", LD_ROSTER_MAX_PUPILS);
        goto out;
    }
    if (n && !(out->pupils = calloc(n, sizeof *out->pupils))) {
        err = BAD(LD_ERR_NOMEM, "roster: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct pg_row pr = {pres, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_pupil(&r, i, &out->pupils[i], msg, msglen);
        if (err)
            goto out;
        out->count = i + 1;
    }
    err = attach_cards(out, cres, msg, msglen);
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
out:
    PQclear(pres);
    PQclear(cres);
    if (err) {
        rollback(p);
        ld_roster_free(out);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

/* ---- calendar ---- */

static ld_err pg_put_calendar(void *impl, const char *school, const struct ld_calendar_file *cal,
                              const char *digest, int64_t *version, bool *changed, char *msg,
                              size_t msglen)
{
    struct pg *p = impl;
    struct arr t[4] = {0}, d[2] = {0};
    const char *params[5];
    char d1[LD_DATE_STRLEN];
    bool same = false;
    int64_t v = 0;
    ld_err err = put_begin(p, school, CENTRAL_PART_CALENDAR, digest, &v, &same, msg, msglen);
    if (err)
        return err;
    if (same) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    for (size_t i = 0; i < cal->term_count; i++) {
        arr_int(&t[0], (int64_t)i);
        arr_text(&t[1], cal->terms[i].name);
        ld_date_format(cal->terms[i].start, d1);
        arr_text(&t[2], d1);
        ld_date_format(cal->terms[i].end, d1);
        arr_text(&t[3], d1);
    }
    for (size_t i = 0; i < cal->closed_count; i++) {
        ld_date_format(cal->closed[i].date, d1);
        arr_text(&d[0], d1);
        arr_text(&d[1], cal->closed[i].label);
    }
    params[0] = school;
    err = delete_school_rows(p, "DELETE FROM latedoor.calendar_terms WHERE school_id = $1", school,
                             msg, msglen);
    if (!err)
        err = delete_school_rows(p, "DELETE FROM latedoor.calendar_closed WHERE school_id = $1",
                                 school, msg, msglen);
    if (!err && !arrs_end(t, 4, params + 1))
        err = BAD(LD_ERR_NOMEM, "calendar put: out of memory");
    if (!err)
        err = cmd(p,
                  "INSERT INTO latedoor.calendar_terms (school_id, ord, name, start_day, end_day)"
                  " SELECT $1, u.* FROM unnest($2::integer[], $3::text[], $4::date[], $5::date[])"
                  " AS u",
                  5, params, "calendar put: terms", msg, msglen);
    if (!err && !arrs_end(d, 2, params + 1))
        err = BAD(LD_ERR_NOMEM, "calendar put: out of memory");
    if (!err)
        err = cmd(p,
                  "INSERT INTO latedoor.calendar_closed (school_id, day, label)"
                  " SELECT $1, u.* FROM unnest($2::date[], $3::text[]) AS u",
                  3, params, "calendar put: closed days", msg, msglen);
    if (!err)
        err = put_end(p, school, CENTRAL_PART_CALENDAR, digest, &v, msg, msglen);
    arrs_free(t, 4);
    arrs_free(d, 2);
    if (err) {
        rollback(p);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

static ld_err pg_get_calendar(void *impl, const char *school, int64_t since,
                              struct ld_calendar_file *out, int64_t *version, bool *changed,
                              char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *tr = NULL, *cr = NULL;
    int64_t v = 0;
    bool fresh = false;
    char lt[24], lc[24];
    ld_err err = get_begin(p, school, CENTRAL_PART_CALENDAR, since, &v, &fresh, msg, msglen);
    if (err)
        return err;
    if (fresh) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    snprintf(lt, sizeof lt, "%d", LD_CALFILE_MAX_TERMS + 1);
    snprintf(lc, sizeof lc, "%d", LD_CALFILE_MAX_CLOSED + 1);
    const char *pt[] = {school, lt}, *pc[] = {school, lc};
    err = query(p,
                "SELECT name, to_char(start_day, 'YYYY-MM-DD'), to_char(end_day, 'YYYY-MM-DD')"
                " FROM latedoor.calendar_terms WHERE school_id = $1 ORDER BY ord LIMIT $2::bigint",
                2, pt, &tr, "calendar terms", msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT to_char(day, 'YYYY-MM-DD'), label FROM latedoor.calendar_closed"
                    " WHERE school_id = $1 ORDER BY day LIMIT $2::bigint",
                    2, pc, &cr, "calendar closed days", msg, msglen);
    if (err)
        goto out;
    size_t nt = (size_t)PQntuples(tr), nc = (size_t)PQntuples(cr);
    if (nt > LD_CALFILE_MAX_TERMS || nc > LD_CALFILE_MAX_CLOSED) {
        err = BAD(LD_ERR_CORRUPT, "calendar: more than %d terms or %d closed days",
                  LD_CALFILE_MAX_TERMS, LD_CALFILE_MAX_CLOSED);
        goto out;
    }
    out->terms = calloc(nt + 1, sizeof *out->terms);
    out->closed = calloc(nc + 1, sizeof *out->closed);
    if (!out->terms || !out->closed) {
        err = BAD(LD_ERR_NOMEM, "calendar: out of memory");
        goto out;
    }
    for (size_t i = 0; !err && i < nt; i++) {
        struct pg_row pr = {tr, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_term(&r, i, &out->terms[i], msg, msglen);
        out->term_count = err ? i : i + 1;
    }
    for (size_t i = 0; !err && i < nc; i++) {
        struct pg_row pr = {cr, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_closed(&r, i, &out->closed[i], msg, msglen);
        out->closed_count = err ? i : i + 1;
    }
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
out:
    PQclear(tr);
    PQclear(cr);
    if (err) {
        rollback(p);
        ld_calendar_file_free(out);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

/* ---- settings ---- */

static ld_err pg_put_settings(void *impl, const char *school, const struct ld_central_setting *s,
                              size_t n, const char *digest, int64_t *version, bool *changed,
                              char *msg, size_t msglen)
{
    struct pg *p = impl;
    struct arr a[2] = {0};
    const char *params[3];
    bool same = false;
    int64_t v = 0;
    ld_err err = put_begin(p, school, CENTRAL_PART_SETTINGS, digest, &v, &same, msg, msglen);
    if (err)
        return err;
    if (same) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    for (size_t i = 0; i < n; i++) {
        arr_text(&a[0], s[i].key);
        arr_text(&a[1], s[i].value);
    }
    params[0] = school;
    err = delete_school_rows(p, "DELETE FROM latedoor.settings WHERE school_id = $1", school, msg,
                             msglen);
    if (!err && !arrs_end(a, 2, params + 1))
        err = BAD(LD_ERR_NOMEM, "settings put: out of memory");
    if (!err)
        err = cmd(p,
                  "INSERT INTO latedoor.settings (school_id, key, value)"
                  " SELECT $1, u.* FROM unnest($2::text[], $3::text[]) AS u",
                  3, params, "settings put", msg, msglen);
    if (!err)
        err = put_end(p, school, CENTRAL_PART_SETTINGS, digest, &v, msg, msglen);
    arrs_free(a, 2);
    if (err) {
        rollback(p);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

static ld_err pg_get_settings(void *impl, const char *school, int64_t since,
                              struct ld_central_settings *out, int64_t *version, bool *changed,
                              char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    int64_t v = 0;
    bool fresh = false;
    char limit[24];
    ld_err err = get_begin(p, school, CENTRAL_PART_SETTINGS, since, &v, &fresh, msg, msglen);
    if (err)
        return err;
    if (fresh) {
        *version = v;
        *changed = false;
        return LD_OK;
    }
    snprintf(limit, sizeof limit, "%d", LD_CENTRAL_SETTINGS_MAX + 1);
    const char *params[] = {school, limit};
    err = query(p,
                "SELECT key, value FROM latedoor.settings WHERE school_id = $1 ORDER BY key"
                " COLLATE \"C\" LIMIT $2::bigint",
                2, params, &res, "settings", msg, msglen);
    if (err)
        goto out;
    size_t n = (size_t)PQntuples(res);
    if (n > LD_CENTRAL_SETTINGS_MAX) {
        err = BAD(LD_ERR_CORRUPT, "settings: more than %d rows", LD_CENTRAL_SETTINGS_MAX);
        goto out;
    }
    if (!(out->items = calloc(n + 1, sizeof *out->items))) {
        err = BAD(LD_ERR_NOMEM, "settings: out of memory");
        goto out;
    }
    for (size_t i = 0; !err && i < n; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_setting(&r, i, &out->items[i], msg, msglen);
        out->count = err ? i : i + 1;
    }
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
out:
    PQclear(res);
    if (err) {
        rollback(p);
        ld_central_settings_free(out);
        return err;
    }
    *version = v;
    *changed = true;
    return LD_OK;
}

/* ---- events ---- */

/* ---- events ---- */

/*
 * A push sends its batch as one binary array per column (PostgreSQL's array_recv format:
 * header, then each element's length and bytes, big-endian), so the server parses nothing.
 */
enum {
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_TEXT = 25,
    OID_UUID = 2950,
    OID_INT8_ARRAY = 1016,
    OID_INT2_ARRAY = 1005,
    OID_TEXT_ARRAY = 1009,
    OID_UUID_ARRAY = 2951,
};

struct barr {
    unsigned char *p;
    size_t len, cap;
    bool failed;
};

static void barr_put(struct barr *a, const void *src, size_t n)
{
    if (a->failed)
        return;
    if (a->len + n > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < a->len + n)
            cap *= 2;
        unsigned char *q = cap <= PG_ARRAY_MAX ? realloc(a->p, cap) : NULL;
        if (!q) {
            a->failed = true;
            return;
        }
        a->p = q;
        a->cap = cap;
    }
    memcpy(a->p + a->len, src, n);
    a->len += n;
}

static void barr_u32(struct barr *a, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    barr_put(a, b, 4);
}

/* Starts a one-dimensional array of n elements of type oid, without NULLs. */
static void barr_begin(struct barr *a, uint32_t oid, size_t n)
{
    barr_u32(a, 1);           /* dimensions */
    barr_u32(a, 0);           /* no NULLs */
    barr_u32(a, oid);         /* element type */
    barr_u32(a, (uint32_t)n); /* length */
    barr_u32(a, 1);           /* lower bound */
}

static void barr_i64(struct barr *a, int64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
    barr_u32(a, 8);
    barr_put(a, b, 8);
}

static void barr_i16(struct barr *a, int v)
{
    unsigned char b[2] = {(unsigned char)((unsigned)v >> 8), (unsigned char)v};
    barr_u32(a, 2);
    barr_put(a, b, 2);
}

static void barr_text(struct barr *a, const char *s)
{
    size_t n = strlen(s);
    barr_u32(a, (uint32_t)n);
    barr_put(a, s, n);
}

static int hex_digit(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* s is a checked lower-case UUID (central__uuid_ok). */
static void barr_uuid(struct barr *a, const char *s)
{
    unsigned char b[16];
    for (int i = 0, j = 0; i < 16; j++) {
        if (s[j] == '-')
            continue;
        b[i++] = (unsigned char)(hex_digit(s[j]) << 4 | hex_digit(s[j + 1]));
        j++;
    }
    barr_u32(a, 16);
    barr_put(a, b, 16);
}

enum { EVENT_ARRAYS = 16, PUSH_PARAMS = EVENT_ARRAYS + 2 };

/* A batch as parameters: $1 school, $2 device, $3..$18 the columns (version 8: $18 sum). */
struct push_params {
    struct barr a[EVENT_ARRAYS];
    const char *values[PUSH_PARAMS];
    int lengths[PUSH_PARAMS];
    int formats[PUSH_PARAMS];
};

static const Oid push_types[PUSH_PARAMS] = {
    OID_TEXT,       OID_TEXT,       OID_INT8_ARRAY, OID_UUID_ARRAY, OID_INT2_ARRAY, OID_INT8_ARRAY,
    OID_INT8_ARRAY, OID_TEXT_ARRAY, OID_INT2_ARRAY, OID_TEXT_ARRAY, OID_TEXT_ARRAY, OID_INT2_ARRAY,
    OID_TEXT_ARRAY, OID_TEXT_ARRAY, OID_TEXT_ARRAY, OID_INT8_ARRAY, OID_INT8_ARRAY, OID_TEXT_ARRAY,
};

static bool push_params_build(struct push_params *pp, const char *school, const char *device,
                              const struct ld_central_event *ev, size_t n)
{
    static const uint32_t elem[EVENT_ARRAYS] = {
        OID_INT8, OID_UUID, OID_INT2, OID_INT8, OID_INT8, OID_TEXT, OID_INT2, OID_TEXT,
        OID_TEXT, OID_INT2, OID_TEXT, OID_TEXT, OID_TEXT, OID_INT8, OID_INT8, OID_TEXT,
    };
    struct barr *a = pp->a;
    for (int k = 0; k < EVENT_ARRAYS; k++)
        barr_begin(&a[k], elem[k], n);
    for (size_t i = 0; i < n; i++) {
        const struct ld_central_event *e = &ev[i];
        barr_i64(&a[0], e->seq);
        barr_uuid(&a[1], e->uuid);
        barr_i16(&a[2], e->kind);
        barr_i64(&a[3], e->at_ms);
        barr_i64(&a[4], e->mono_ms);
        barr_text(&a[5], e->boot_id);
        barr_i16(&a[6], e->clock_state);
        barr_text(&a[7], e->upn);
        barr_text(&a[8], e->card);
        barr_i16(&a[9], e->source);
        barr_text(&a[10], e->staff);
        barr_text(&a[11], e->reason);
        barr_text(&a[12], e->ref_device);
        barr_i64(&a[13], e->ref_seq);
        barr_i64(&a[14], e->fixed_at_ms);
        char sum[LD_CENTRAL_SUM_LEN + 1];
        barr_text(&a[15], central__event_sum(e, sum));
    }
    pp->values[0] = school;
    pp->values[1] = device;
    for (int k = 0; k < PUSH_PARAMS; k++)
        pp->formats[k] = 0;
    for (int k = 0; k < EVENT_ARRAYS; k++) {
        if (a[k].failed)
            return false;
        pp->values[k + 2] = (const char *)a[k].p;
        pp->lengths[k + 2] = (int)a[k].len;
        pp->formats[k + 2] = 1;
    }
    return true;
}

static void push_params_free(struct push_params *pp)
{
    for (int k = 0; k < EVENT_ARRAYS; k++)
        free(pp->a[k].p);
}

/* The rows of a push, in batch order; received_ms is taken once per statement. */
#define PUSH_ROWS                                                                                  \
    "INSERT INTO latedoor.events (school_id, device_id, seq, uuid, kind, at_ms, mono_ms,"          \
    " boot_id, clock_state, upn, card, source, staff, reason, ref_device, ref_seq, fixed_at_ms,"   \
    " received_ms, sum)"                                                                           \
    " SELECT $1, $2, u.seq, u.uuid, u.kind, u.at_ms, u.mono_ms, u.boot_id, u.clock_state, u.upn,"  \
    " u.card, u.source, u.staff, u.reason, u.ref_device, u.ref_seq, u.fixed_at_ms,"                \
    " (SELECT (extract(epoch FROM now()) * 1000)::bigint), u.sum"                                  \
    " FROM unnest($3::bigint[], $4::uuid[], $5::smallint[], $6::bigint[], $7::bigint[],"           \
    " $8::text[], $9::smallint[], $10::text[], $11::text[], $12::smallint[], $13::text[],"         \
    " $14::text[], $15::text[], $16::bigint[], $17::bigint[], $18::text[]) WITH ORDINALITY AS"     \
    " u (seq, uuid,"                                                                               \
    " kind, at_ms, mono_ms, boot_id, clock_state, upn, card, source, staff, reason, ref_device,"   \
    " ref_seq, fixed_at_ms, sum, ord)"

/*
 * The usual push, optimistic: a plain INSERT (no speculative insertion, no arbiter probes, no
 * look at what is stored: any such query is planned badly under the row-level security filter
 * while the table has no statistics). When a row meets a unique key (a retried batch, a reused
 * UUID) the server refuses the statement, the transaction goes back, and the careful path
 * takes the batch. The server then logs one "duplicate key" ERROR: expected for retries.
 */
#define PUSH_FAST_SQL                                                                              \
    "WITH ins AS (" PUSH_ROWS " ORDER BY u.ord RETURNING global_seq)"                              \
    " SELECT count(*), coalesce(max(global_seq), 0) FROM ins"
#define PUSH_FAST_NAME "latedoor_push_fast"
#define PUSH_LOCK_SQL  "SELECT latedoor.push_lock($1)"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * Explains the events of ev that the INSERT did not take (their seqs in missing[0..m), in
 * order): identical twins are duplicates; anything else is a conflict and an error.
 */
static ld_err check_missing(struct pg *p, const char *device, const struct ld_central_event *ev,
                            size_t n, const int64_t *missing, size_t m, size_t *duplicates,
                            char *msg, size_t msglen)
{
    struct arr seqs = {0};
    PGresult *res = NULL;
    ld_err err = LD_OK;
    for (size_t i = 0; i < m; i++)
        arr_int(&seqs, missing[i]);
    const char *params[] = {device, arr_end(&seqs)};
    if (!params[1]) {
        free(seqs.p);
        return BAD(LD_ERR_NOMEM, "push: out of memory");
    }
    /* One probe of the (device_id, seq) key per seq, whatever the statistics say: LIMIT 1
     * keeps the subquery correlated (flattened, it was planned as a hash of all the device's
     * rows per batch while the table had no statistics). */
    err = query(p,
                "SELECT e.* FROM unnest($2::bigint[]) AS m (seq),"
                " LATERAL (SELECT " CENTRAL_EVENT_COLUMNS " FROM latedoor.events"
                " WHERE device_id = $1 AND seq = m.seq LIMIT 1) AS e ORDER BY e.seq",
                2, params, &res, "push: stored events", msg, msglen);
    free(seqs.p);
    if (err)
        return err;
    size_t rows = (size_t)PQntuples(res), k = 0, j = 0;
    for (size_t i = 0; !err && i < m; i++) {
        while (j < n && ev[j].seq != missing[i])
            j++;
        if (j == n) {
            err = BAD(LD_ERR_STATE, "push: lost track of seq %" PRId64, missing[i]);
            break;
        }
        struct ld_central_event old;
        bool have = false;
        if (k < rows) {
            struct pg_row pr = {res, (int)k};
            struct central__row r = row_of(&pr);
            err = central__row_event(&r, &old, msg, msglen);
            if (err)
                break;
            have = old.seq == missing[i];
            if (have)
                k++;
        }
        if (have) {
            const char *field = central__event_diff(&old, &ev[j]);
            if (field)
                err = BAD(LD_ERR_DUPLICATE,
                          "push: device %s seq %" PRId64 " is already stored (global_seq %" PRId64
                          ") with uuid %s; this event has uuid %s and differs in field %s: "
                          "refused, nothing overwritten (was the device restored from an old "
                          "backup?)",
                          device, ev[j].seq, old.global_seq, old.uuid, ev[j].uuid, field);
            else
                (*duplicates)++;
            continue;
        }
        /* Not stored under (device, seq): its UUID is taken by another event. */
        PGresult *u = NULL;
        const char *up[] = {ev[j].uuid};
        err = query(p, "SELECT device_id, seq FROM latedoor.events WHERE uuid = $1", 1, up, &u,
                    "push: uuid lookup", msg, msglen);
        if (!err && PQntuples(u) > 0)
            err = BAD(LD_ERR_DUPLICATE,
                      "push: device %s seq %" PRId64 ": field uuid: %s is already stored as "
                      "device %.32s seq %.20s: refused, nothing overwritten",
                      device, ev[j].seq, ev[j].uuid, PQgetvalue(u, 0, 0), PQgetvalue(u, 0, 1));
        else if (!err)
            err = BAD(LD_ERR_DUPLICATE,
                      "push: device %s seq %" PRId64 ": field uuid: %s is already stored for an "
                      "event this role cannot see: refused, nothing overwritten",
                      device, ev[j].seq, ev[j].uuid);
        PQclear(u);
    }
    PQclear(res);
    return err;
}

/* Reads one pipelined statement's result (then its terminating NULL); wants status want. */
static ld_err pipe_result(struct pg *p, ExecStatusType want, PGresult **out, const char **state,
                          const char *what, char *msg, size_t msglen)
{
    PGresult *res = PQgetResult(p->conn);
    ld_err err = LD_OK;
    *state = NULL;
    if (!res || PQresultStatus(res) != want) {
        if (res && PQresultStatus(res) == PGRES_PIPELINE_ABORTED)
            err = BAD(LD_ERR_IO, "%s: skipped after an earlier error", what);
        else {
            *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
            if (*state && !strcmp(*state, "23505"))
                *state = "23505"; /* outlives res */
            else
                *state = NULL;
            err = pg_fail(p, res, what, msg, msglen);
        }
    }
    if (res) {
        /* every statement's results end with a NULL */
        PGresult *end = PQgetResult(p->conn);
        PQclear(end);
    }
    if (out && !err)
        *out = res;
    else
        PQclear(res);
    return err;
}

/*
 * The fast push in one round trip: BEGIN, the school's lock, the INSERT and COMMIT go as one
 * pipeline. Sets *done when the batch is stored; leaves it false, with nothing stored and no
 * transaction open, when a unique key was met and the batch needs the careful path.
 */
static ld_err push_fast(struct pg *p, struct push_params *pp, size_t n, bool *done,
                        struct ld_push_result *r, char *msg, size_t msglen)
{
    PGresult *res = NULL;
    const char *state = NULL;
    ld_err err = LD_OK, e;
    *done = false;
    if (!p->push_prepared) {
        res = PQprepare(p->conn, PUSH_FAST_NAME, PUSH_FAST_SQL, PUSH_PARAMS, push_types);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            err = pg_fail(p, res, "push: prepare", msg, msglen);
        PQclear(res);
        res = NULL;
        if (err)
            return err;
        p->push_prepared = true;
    }
    if (!PQenterPipelineMode(p->conn))
        return BAD(LD_ERR_IO, "push: cannot enter pipeline mode");
    bool sent = PQsendQueryParams(p->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) &&
                PQsendQueryParams(p->conn, PUSH_LOCK_SQL, 1, NULL, pp->values, NULL, NULL, 0) &&
                PQsendQueryPrepared(p->conn, PUSH_FAST_NAME, PUSH_PARAMS, pp->values, pp->lengths,
                                    pp->formats, 0) &&
                PQsendQueryParams(p->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
                PQpipelineSync(p->conn);
    if (!sent) {
        char line[300];
        one_line(line, sizeof line, PQerrorMessage(p->conn));
        err = BAD(LD_ERR_IO, "push: %s", line);
        goto out;
    }
    /* msg keeps the first failure; what the pipeline skipped after it goes to later */
    char later[256];
    err = pipe_result(p, PGRES_COMMAND_OK, NULL, &state, "push: begin", msg, msglen);
    e = pipe_result(p, PGRES_TUPLES_OK, NULL, &state, "push: lock", err ? later : msg,
                    err ? sizeof later : msglen);
    err = err ? err : e;
    e = pipe_result(p, PGRES_TUPLES_OK, &res, &state, "push", err ? later : msg,
                    err ? sizeof later : msglen);
    bool unique_met = e && state;
    err = err ? err : e;
    e = pipe_result(p, PGRES_COMMAND_OK, NULL, &state, "push: commit", err ? later : msg,
                    err ? sizeof later : msglen);
    err = err ? err : e;
    PGresult *sync = PQgetResult(p->conn);
    if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC && !err)
        err = BAD(LD_ERR_IO, "push: the pipeline did not end");
    PQclear(sync);
    if (unique_met) {
        /* not done, and not an error: the careful path says which event and why */
        err = LD_OK;
        PQclear(res);
        res = NULL;
        goto out;
    }
    if (err)
        goto out;
    struct pg_row pr = {res, 0};
    struct central__row row = row_of(&pr);
    int64_t count = 0;
    err = central__row_int(&row, 0, 0, INT64_MAX, &count, "push", "count", msg, msglen);
    if (!err)
        err = central__row_int(&row, 1, 0, INT64_MAX, &r->last_global_seq, "push",
                               "max(global_seq)", msg, msglen);
    if (!err && count != (int64_t)n)
        err = BAD(LD_ERR_STATE, "push: %" PRId64 " of %zu events inserted", count, n);
    if (!err) {
        r->inserted = n;
        *done = true;
    }
out:
    PQclear(res);
    if (!PQexitPipelineMode(p->conn) && !err)
        err = BAD(LD_ERR_IO, "push: cannot leave pipeline mode");
    rollback(p);
    return err;
}

/* The careful push: ON CONFLICT DO NOTHING, then every event not inserted is explained. */
static ld_err push_careful(struct pg *p, const char *device, struct push_params *pp,
                           const struct ld_central_event *ev, size_t n, struct ld_push_result *r,
                           char *msg, size_t msglen)
{
    PGresult *ins = NULL;
    int64_t *got = calloc(n, sizeof *got), *missing = calloc(n, sizeof *missing);
    ld_err err = LD_OK;
    if (!got || !missing) {
        err = BAD(LD_ERR_NOMEM, "push: out of memory");
        goto out;
    }
    err = cmd(p, "BEGIN", 0, NULL, "push", msg, msglen);
    if (!err)
        err = query(p, PUSH_LOCK_SQL, 1, pp->values, NULL, "push: lock", msg, msglen);
    if (err)
        goto out;
    ins = PQexecParams(p->conn,
                       PUSH_ROWS " ORDER BY u.ord ON CONFLICT DO NOTHING RETURNING seq, global_seq",
                       EVENT_ARRAYS + 2, push_types, pp->values, pp->lengths, pp->formats, 0);
    if (PQresultStatus(ins) != PGRES_TUPLES_OK) {
        err = pg_fail(p, ins, "push", msg, msglen);
        goto out;
    }
    size_t rows = (size_t)PQntuples(ins), m = 0;
    for (size_t i = 0; i < rows && !err; i++) {
        struct pg_row pr = {ins, (int)i};
        struct central__row row = row_of(&pr);
        int64_t g = 0;
        err = central__row_int(&row, 0, 1, INT64_MAX, &got[i], "push: returned row", "seq", msg,
                               msglen);
        if (!err)
            err = central__row_int(&row, 1, 1, INT64_MAX, &g, "push: returned row", "global_seq",
                                   msg, msglen);
        if (!err && g > r->last_global_seq)
            r->last_global_seq = g;
    }
    if (err)
        goto out;
    r->inserted = rows;
    if (rows < n) {
        qsort(got, rows, sizeof *got, cmp_i64);
        for (size_t i = 0, k = 0; i < n; i++) {
            if (k < rows && got[k] == ev[i].seq)
                k++;
            else
                missing[m++] = ev[i].seq;
        }
        err = check_missing(p, device, ev, n, missing, m, &r->duplicates, msg, msglen);
    }
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "push: commit", msg, msglen);
out:
    PQclear(ins);
    free(got);
    free(missing);
    if (err)
        rollback(p);
    return err;
}

static ld_err pg_push(void *impl, const char *device, const char *school,
                      const struct ld_central_event *ev, size_t n, struct ld_push_result *res,
                      char *msg, size_t msglen)
{
    struct pg *p = impl;
    struct push_params pp;
    struct ld_push_result r = {0};
    bool done = false;
    memset(&pp, 0, sizeof pp);
    ld_err err = ready(p, msg, msglen);
    if (!err && !push_params_build(&pp, school, device, ev, n))
        err = BAD(LD_ERR_NOMEM, "push: out of memory");
    /* One pusher per school at a time (both paths take the school's lock in their
     * transaction): global_seq values are taken inside the lock, which is released only after
     * commit, so they become visible in increasing order. */
    if (!err)
        err = push_fast(p, &pp, n, &done, &r, msg, msglen);
    if (!err && !done) {
        memset(&r, 0, sizeof r);
        err = push_careful(p, device, &pp, ev, n, &r, msg, msglen);
    }
    push_params_free(&pp);
    if (err)
        return err;
    *res = r;
    return LD_OK;
}

static ld_err pg_pull(void *impl, const char *device, const char *school, int64_t after,
                      struct ld_central_event *out, size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    char a[24], l[24];
    snprintf(a, sizeof a, "%" PRId64, after);
    snprintf(l, sizeof l, "%zu", cap);
    const char *params[] = {school, a, device, l};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT " CENTRAL_EVENT_COLUMNS " FROM latedoor.events"
                    " WHERE school_id = $1 AND global_seq > $2::bigint AND device_id <> $3"
                    " ORDER BY global_seq LIMIT $4::bigint",
                    4, params, &res, "pull", msg, msglen);
    if (err)
        return err;
    size_t rows = (size_t)PQntuples(res);
    if (rows > cap)
        err = BAD(LD_ERR_CORRUPT, "pull: more rows than the limit");
    for (size_t i = 0; !err && i < rows; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_event_or_skip(&r, &out[i], msg, msglen);
    }
    PQclear(res);
    if (!err)
        *n = rows;
    return err;
}

static ld_err pg_event_count(void *impl, const char *school, int64_t *count, char *msg,
                             size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    const char *params[] = {school};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    school ? "SELECT count(*) FROM latedoor.events WHERE school_id = $1"
                           : "SELECT count(*) FROM latedoor.events",
                    school ? 1 : 0, params, &res, "event count", msg, msglen);
    if (err)
        return err;
    struct pg_row pr = {res, 0};
    struct central__row r = row_of(&pr);
    err = central__row_int(&r, 0, 0, INT64_MAX, count, "count", "count", msg, msglen);
    PQclear(res);
    return err;
}

static ld_err pg_event_get(void *impl, const char *device, int64_t seq,
                           struct ld_central_event *out, char *msg, size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    char s[24];
    snprintf(s, sizeof s, "%" PRId64, seq);
    const char *params[] = {device, s};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT " CENTRAL_EVENT_COLUMNS " FROM latedoor.events"
                    " WHERE device_id = $1 AND seq = $2::bigint",
                    2, params, &res, "event", msg, msglen);
    if (err)
        return err;
    if (PQntuples(res) == 0) {
        err = BAD(LD_ERR_NOT_FOUND, "event device %s seq %" PRId64 ": not stored", device, seq);
    } else {
        struct pg_row pr = {res, 0};
        struct central__row r = row_of(&pr);
        err = central__row_event(&r, out, msg, msglen);
    }
    PQclear(res);
    return err;
}

/* ---- MIS marks ---- */

static ld_err pg_put_marks(void *impl, const char *school, const struct ld_central_mark *m,
                           size_t n, size_t *added, size_t *replaced, char *msg, size_t msglen)
{
    struct pg *p = impl;
    struct arr a[5] = {0};
    const char *params[6];
    PGresult *res = NULL;
    char day[LD_DATE_STRLEN];
    for (size_t i = 0; i < n; i++) {
        ld_date_format(m[i].date, day);
        arr_text(&a[0], m[i].upn);
        arr_text(&a[1], day);
        arr_int(&a[2], m[i].session);
        arr_text(&a[3], m[i].code);
        arr_int(&a[4], m[i].minutes);
    }
    params[0] = school;
    ld_err err = ready(p, msg, msglen);
    if (!err && !arrs_end(a, 5, params + 1))
        err = BAD(LD_ERR_NOMEM, "marks put: out of memory");
    if (!err)
        err = cmd(p, "BEGIN", 0, NULL, "marks put", msg, msglen);
    /* xmax is 0 exactly for a row this statement inserted rather than updated */
    if (!err)
        err = query(p,
                    "INSERT INTO latedoor.mis_marks (school_id, upn, day, session, code, minutes)"
                    " SELECT $1, u.upn, u.day::date, u.session::smallint, u.code, u.minutes"
                    " FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])"
                    " AS u (upn, day, session, code, minutes)"
                    " ON CONFLICT (school_id, upn, day, session)"
                    " DO UPDATE SET code = excluded.code, minutes = excluded.minutes"
                    " RETURNING (xmax = 0)",
                    6, params, &res, "marks put", msg, msglen);
    size_t ins = 0;
    if (!err) {
        int rows = PQntuples(res);
        for (int i = 0; i < rows; i++)
            ins += PQgetvalue(res, i, 0)[0] == 't';
        if ((size_t)rows != n)
            err = BAD(LD_ERR_IO, "marks put: %d rows stored of %zu", rows, n);
    }
    PQclear(res);
    if (!err)
        err = cmd(p, "COMMIT", 0, NULL, "commit", msg, msglen);
    arrs_free(a, 5);
    if (err) {
        rollback(p);
        return err;
    }
    *added = ins;
    *replaced = n - ins;
    return LD_OK;
}

static ld_err pg_get_marks(void *impl, const char *school, struct ld_central_marks *out, char *msg,
                           size_t msglen)
{
    struct pg *p = impl;
    PGresult *res = NULL;
    char limit[24];
    snprintf(limit, sizeof limit, "%d", LD_CENTRAL_MARKS_MAX + 1);
    const char *params[] = {school, limit};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT upn, to_char(day, 'YYYY-MM-DD'), session, code, minutes"
                    " FROM latedoor.mis_marks WHERE school_id = $1"
                    " ORDER BY upn COLLATE \"C\", day, session LIMIT $2::bigint",
                    2, params, &res, "marks", msg, msglen);
    if (err)
        return err;
    size_t n = (size_t)PQntuples(res);
    if (n > LD_CENTRAL_MARKS_MAX)
        err = BAD(LD_ERR_RANGE, "marks: more than %d marks", LD_CENTRAL_MARKS_MAX);
    if (!err && !(out->items = calloc(n + 1, sizeof *out->items)))
        err = BAD(LD_ERR_NOMEM, "marks: out of memory");
    for (size_t i = 0; !err && i < n; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_mark(&r, i, &out->items[i], msg, msglen);
        out->count = err ? i : i + 1;
    }
    PQclear(res);
    if (err)
        ld_central_marks_free(out);
    return err;
}

/*
 * Decodes the first cap rows of res (asked for with LIMIT cap + 1) with at, row i into item i of
 * out, and clears res; LD_ERR_RANGE naming what when it held more than cap. *n gets the rows
 * kept, on LD_OK and LD_ERR_RANGE.
 */
static ld_err listing(PGresult *res, size_t cap, size_t *n, const char *what,
                      ld_err (*at)(const struct central__row *r, void *out, size_t i, char *msg,
                                   size_t msglen),
                      void *out, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    size_t got = (size_t)PQntuples(res);
    for (size_t i = 0; !err && i < got && i < cap; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        err = at(&r, out, i, msg, msglen);
    }
    PQclear(res);
    if (!err && got > cap)
        err = BAD(LD_ERR_RANGE, "%s: more than %zu", what, cap);
    if (!err || err == LD_ERR_RANGE)
        *n = got < cap ? got : cap;
    return err;
}

static ld_err orec_at(const struct central__row *r, void *out, size_t i, char *msg, size_t msglen)
{
    return central__row_orec(r, &((struct ld_central_orec *)out)[i], msg, msglen);
}

static ld_err status_at(const struct central__row *r, void *out, size_t i, char *msg, size_t msglen)
{
    return central__row_status(r, &((struct ld_central_device_status *)out)[i], msg, msglen);
}

/* ---- the office application's records and audit (version 5, branch office-app) ---- */

static ld_err pg_orec_put(void *impl, const struct ld_central_orec *rec, bool only_new, char *msg,
                          size_t msglen)
{
    struct pg *p = impl;
    char kind[16], at[24];
    snprintf(kind, sizeof kind, "%d", rec->kind);
    snprintf(at, sizeof at, "%" PRId64, rec->updated_ms);
    const char *params[] = {kind, rec->key, rec->school, rec->value, at};
    PGresult *res = NULL;
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    only_new ? "INSERT INTO latedoor.office_records (" CENTRAL_OREC_COLUMNS
                               ") VALUES ($1::smallint, $2, $3, $4, $5::bigint)"
                               " ON CONFLICT (kind, key) DO NOTHING RETURNING 1"
                             : "INSERT INTO latedoor.office_records (" CENTRAL_OREC_COLUMNS
                               ") VALUES ($1::smallint, $2, $3, $4, $5::bigint)"
                               " ON CONFLICT (kind, key) DO UPDATE SET"
                               " school_id = excluded.school_id, value = excluded.value,"
                               " updated_ms = excluded.updated_ms RETURNING 1",
                    5, params, &res, "office record", msg, msglen);
    if (!err && PQntuples(res) != 1)
        err = BAD(LD_ERR_DUPLICATE, "office record %d/%s: already exists", rec->kind, rec->key);
    PQclear(res);
    return err;
}

static ld_err pg_orec_get(void *impl, int kind, const char *key, struct ld_central_orec *out,
                          char *msg, size_t msglen)
{
    struct pg *p = impl;
    char k[16];
    snprintf(k, sizeof k, "%d", kind);
    const char *params[] = {k, key};
    PGresult *res = NULL;
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT " CENTRAL_OREC_COLUMNS " FROM latedoor.office_records"
                    " WHERE kind = $1::smallint AND key = $2",
                    2, params, &res, "office record", msg, msglen);
    if (err)
        return err;
    if (PQntuples(res) == 0) {
        err = BAD(LD_ERR_NOT_FOUND, "office record %d/%s: none", kind, key);
    } else {
        struct pg_row pr = {res, 0};
        struct central__row r = row_of(&pr);
        err = central__row_orec(&r, out, msg, msglen);
    }
    PQclear(res);
    return err;
}

static ld_err pg_orec_delete(void *impl, int kind, const char *key, char *msg, size_t msglen)
{
    struct pg *p = impl;
    char k[16];
    snprintf(k, sizeof k, "%d", kind);
    const char *params[] = {k, key};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p, "DELETE FROM latedoor.office_records WHERE kind = $1::smallint AND key = $2",
                  2, params, "office record delete", msg, msglen);
    return err;
}

static ld_err pg_orecs(void *impl, int kind, const char *school, const char *prefix,
                       struct ld_central_orec *out, size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct pg *p = impl;
    char k[16], limit[24];
    snprintf(k, sizeof k, "%d", kind);
    snprintf(limit, sizeof limit, "%zu", cap + 1);
    const char *params[] = {k, school, prefix, limit};
    PGresult *res = NULL;
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT " CENTRAL_OREC_COLUMNS " FROM latedoor.office_records"
                    " WHERE kind = $1::smallint AND ($2::text IS NULL OR school_id = $2)"
                    " AND ($3::text IS NULL OR left(key, length($3)) = $3)"
                    " ORDER BY key COLLATE \"C\" LIMIT $4::bigint",
                    4, params, &res, "office records", msg, msglen);
    if (err)
        return err;
    return listing(res, cap, n, "office records", orec_at, out, msg, msglen);
}

static ld_err pg_audit_add(void *impl, const char *school, const char *who, const char *what,
                           int64_t at_ms, char *msg, size_t msglen)
{
    struct pg *p = impl;
    char at[24];
    snprintf(at, sizeof at, "%" PRId64, at_ms);
    const char *params[] = {at, school, who, what};
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = cmd(p,
                  "INSERT INTO latedoor.office_audit (at_ms, school_id, who, what)"
                  " VALUES ($1::bigint, $2, $3, $4)",
                  4, params, "audit", msg, msglen);
    return err;
}

static ld_err pg_audit_list(void *impl, const char *school, struct ld_central_audit *out,
                            size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct pg *p = impl;
    char limit[24];
    snprintf(limit, sizeof limit, "%zu", cap);
    const char *params[] = {school, limit};
    PGresult *res = NULL;
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(p,
                    "SELECT " CENTRAL_AUDIT_COLUMNS " FROM latedoor.office_audit"
                    " WHERE $1::text IS NULL OR school_id = $1 ORDER BY seq DESC LIMIT $2::bigint",
                    2, params, &res, "audit", msg, msglen);
    if (err)
        return err;
    size_t got = (size_t)PQntuples(res);
    for (size_t i = 0; !err && i < got && i < cap; i++) {
        struct pg_row pr = {res, (int)i};
        struct central__row r = row_of(&pr);
        err = central__row_audit(&r, &out[i], msg, msglen);
    }
    PQclear(res);
    if (!err)
        *n = got;
    return err;
}

/* ---- device status (version 9, branch office-devices) ---- */

static ld_err pg_status_put(void *impl, const struct ld_central_device_status *d, char *msg,
                            size_t msglen)
{
    struct pg *p = impl;
    char num[8][24];
    const int64_t v[8] = {d->device_ms,     d->pending,     d->oldest_pending_ms, d->last_sync_ms,
                          d->last_error_ms, d->clock_state, d->reader_ms,         0};
    for (size_t i = 0; i < 8; i++)
        snprintf(num[i], sizeof num[i], "%" PRId64, v[i]);
    const char *params[] = {d->device_id,  d->school, num[0], num[7],    num[1], num[2],    num[3],
                            d->last_error, num[4],    num[5], d->reader, num[6], d->version};
    ld_err err = ready(p, msg, msglen);
    /* received_ms is the server's (a trigger sets it): a device cannot say when it was heard */
    if (!err)
        err =
            cmd(p,
                "INSERT INTO latedoor.device_status (device_id, school_id, " CENTRAL_STATUS_COLUMNS
                ") VALUES ($1, $2, $3::bigint, $4::bigint, $5::bigint, $6::bigint, $7::bigint,"
                " $8, $9::bigint, $10::smallint, $11, $12::bigint, $13)"
                " ON CONFLICT (device_id) DO UPDATE SET school_id = excluded.school_id,"
                " device_ms = excluded.device_ms, pending = excluded.pending,"
                " oldest_pending_ms = excluded.oldest_pending_ms,"
                " last_sync_ms = excluded.last_sync_ms, last_error = excluded.last_error,"
                " last_error_ms = excluded.last_error_ms, clock_state = excluded.clock_state,"
                " reader = excluded.reader, reader_ms = excluded.reader_ms,"
                " version = excluded.version",
                13, params, "device status", msg, msglen);
    return err;
}

static ld_err pg_statuses(void *impl, const char *school, struct ld_central_device_status *out,
                          size_t cap, size_t *n, char *msg, size_t msglen)
{
    struct pg *p = impl;
    char limit[24];
    snprintf(limit, sizeof limit, "%zu", cap + 1);
    const char *params[] = {school, limit};
    PGresult *res = NULL;
    ld_err err = ready(p, msg, msglen);
    if (!err)
        err = query(
            p,
            "SELECT d.id, d.school_id, d.disabled::int, (s.device_id IS NOT NULL)::int,"
            " coalesce(s.device_ms, 0), coalesce(s.received_ms, 0), coalesce(s.pending, 0),"
            " coalesce(s.oldest_pending_ms, 0), coalesce(s.last_sync_ms, 0),"
            " coalesce(s.last_error, ''), coalesce(s.last_error_ms, 0),"
            " coalesce(s.clock_state, 0), coalesce(s.reader, ''), coalesce(s.reader_ms, 0),"
            " coalesce(s.version, '')"
            " FROM latedoor.devices d LEFT JOIN latedoor.device_status s ON s.device_id = d.id"
            " WHERE d.school_id = $1 ORDER BY d.id COLLATE \"C\" LIMIT $2::bigint",
            2, params, &res, "device status", msg, msglen);
    if (err)
        return err;
    return listing(res, cap, n, "device status", status_at, out, msg, msglen);
}

const struct ld_central_ops central__pg_ops = {
    .name = "postgresql",
    .backend = LD_CENTRAL_POSTGRES,
    .url_password = pg_url_password,
    .open = pg_open,
    .close = pg_close,
    .uses_tls = pg_uses_tls,
    .login_device = pg_login_device,
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .school_add = pg_school_add,
    .schools = pg_schools,
    .device_add = pg_device_add,
    .device_set = pg_device_set,
    .device_school = pg_device_school,
    .version = pg_version,
    .put_roster = pg_put_roster,
    .get_roster = pg_get_roster,
    .put_calendar = pg_put_calendar,
    .get_calendar = pg_get_calendar,
    .put_settings = pg_put_settings,
    .get_settings = pg_get_settings,
    .push = pg_push,
    .pull = pg_pull,
    .event_count = pg_event_count,
    .event_get = pg_event_get,
    .put_marks = pg_put_marks,
    .get_marks = pg_get_marks,
    .orec_put = pg_orec_put,
    .orec_get = pg_orec_get,
    .orec_delete = pg_orec_delete,
    .orecs = pg_orecs,
    .audit_add = pg_audit_add,
    .audit_list = pg_audit_list,
    .status_put = pg_status_put,
    .statuses = pg_statuses,
};
