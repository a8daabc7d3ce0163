/* pg_info.h: the throwaway PostgreSQL of pg_harness.sh, as the tests and the bench see it. */
#ifndef LD_TEST_PG_INFO_H
#define LD_TEST_PG_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

/* What pg_harness.sh wrote into the file named by $LD_PG_INFO. */
struct ld_pg_info {
    char skip[256]; /* non-empty: no server; the reason */
    char host[64];
    char port[16];
    char socket[256];
    char super[64];
    char super_passfile[256];
    char admin[64];
    char admin_passfile[256];
    char sslrootcert[256]; /* "" when the server has no TLS */
    char other_ca[256];
    char kiosk_ca[256];     /* "" without TLS: signs kiosks' client certificates */
    char kiosk_ca_key[256]; /* its key, for the test to sign with */
};

/*
 * Reads $LD_PG_INFO into *info. Returns 0 on success (info->skip may then be set), -1 with a
 * message in msg when the variable is unset or the file cannot be read.
 */
int ld_pg_info_load(struct ld_pg_info *info, char *msg, size_t msglen);

/* Reads the first line of a password file into out; false when it cannot. */
bool ld_pg_read_password(const char *path, char *out, size_t outlen);

/*
 * Connects to database db as user (superuser or admin of info, or any role with password) over
 * 127.0.0.1 with sslmode=disable; NULL (with a message on stderr) when it fails.
 */
PGconn *ld_pg_connect(const struct ld_pg_info *info, const char *user, const char *password,
                      const char *db);

/* Runs sql on conn; returns the SQLSTATE of the error ("" when it succeeded) in state[6]. */
void ld_pg_exec(PGconn *conn, const char *sql, char state[6]);

/* Writes "postgresql://USER@127.0.0.1:PORT/DB" (and "?"extra when extra is not NULL). */
void ld_pg_url(const struct ld_pg_info *info, const char *user, const char *db, const char *extra,
               char *out, size_t outlen);

#endif
