/* pg_info.c: reading pg_harness.sh's pg.info, and plain libpq for tests that go around the API. */
#include "pg_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set(char *dst, size_t size, const char *v)
{
    snprintf(dst, size, "%s", v);
}

int ld_pg_info_load(struct ld_pg_info *info, char *msg, size_t msglen)
{
    memset(info, 0, sizeof *info);
    const char *path = getenv("LD_PG_INFO");
    if (!path || !*path) {
        snprintf(msg, msglen, "LD_PG_INFO is not set: run under tests/central/pg_harness.sh");
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msglen, "%s: cannot read (did central_pg_start run?)", path);
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *k = line, *v = eq + 1;
#define KEY(name)                                                                                  \
    if (!strcmp(k, #name))                                                                         \
    set(info->name, sizeof info->name, v)
        KEY(skip);
        KEY(host);
        KEY(port);
        KEY(socket);
        KEY(super);
        KEY(super_passfile);
        KEY(admin);
        KEY(admin_passfile);
        KEY(sslrootcert);
        KEY(other_ca);
        KEY(kiosk_ca);
        KEY(kiosk_ca_key);
#undef KEY
    }
    fclose(f);
    if (!info->skip[0] && (!info->port[0] || !info->admin_passfile[0])) {
        snprintf(msg, msglen, "%s: incomplete", path);
        return -1;
    }
    return 0;
}

bool ld_pg_read_password(const char *path, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(out, (int)outlen, f) != NULL;
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

PGconn *ld_pg_connect(const struct ld_pg_info *info, const char *user, const char *password,
                      const char *db)
{
    const char *keys[] = {"host", "port", "user", "password", "dbname", "sslmode", NULL};
    const char *vals[] = {info->host, info->port, user, password, db, "disable", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 0);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect as %s to %s: %s", user, db,
                c ? PQerrorMessage(c) : "out of memory\n");
        PQfinish(c);
        return NULL;
    }
    return c;
}

void ld_pg_exec(PGconn *conn, const char *sql, char state[6])
{
    PGresult *r = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(r);
    state[0] = '\0';
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        snprintf(state, 6, "%s", s ? s : "?????");
    }
    PQclear(r);
}

void ld_pg_url(const struct ld_pg_info *info, const char *user, const char *db, const char *extra,
               char *out, size_t outlen)
{
    snprintf(out, outlen, "postgresql://%s@%s:%s/%s%s%s", user, info->host, info->port, db,
             extra ? "?" : "", extra ? extra : "");
}
