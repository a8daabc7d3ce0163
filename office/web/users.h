/* users.h: the office application's people: roles, Argon2id passwords, throttling and locks. */
#ifndef LD_WEB_USERS_H
#define LD_WEB_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "central.h"

/*
 * A user is an office record (LD_OREC_USER) of the central store: the key is the user name, the
 * school the one they work for ("" for a technician of every school), the value a small JSON
 * object with the role, the Argon2id hash (libsodium's crypto_pwhash_str, interactive limits),
 * the count of wrong passwords in a row, when the last one was, and whether the account is
 * locked (ten wrong passwords) or disabled (by a technician). Nothing here keeps a password.
 */

#define LD_USER_NAME_MAX     32 /* a staff id: letters, digits, . _ @ - (the kiosks' staff ids) */
#define LD_USER_PASSWORD_MIN 10 /* bytes */
#define LD_USER_PASSWORD_MAX 128
#define LD_USER_LOCK_AFTER   10 /* wrong passwords in a row lock the account */
#define LD_USER_SLOW_AFTER   3  /* from the third wrong password on, each waits longer */

enum ld_user_role {
    LD_ROLE_OFFICE = 1, /* everything of its school */
    LD_ROLE_LEAD,       /* attendance or safeguarding lead: the office's pages, and the calls */
    LD_ROLE_HEAD,       /* head and governors: the summary only, no names */
    LD_ROLE_TECH,       /* technician: devices, settings, accounts; no pupil's page */
};

struct ld_user {
    char name[LD_USER_NAME_MAX + 1];
    char school[LD_CENTRAL_ID_MAX + 1]; /* "" for a technician of every school */
    enum ld_user_role role;
    char hash[crypto_pwhash_STRBYTES];
    int fails;            /* wrong passwords in a row */
    int64_t last_fail_ms; /* when the last one was */
    bool locked, disabled;
};

/* Returns "office", "lead", "head" or "technician"; parses the same into *out (false: unknown). */
const char *ld_user_role_name(enum ld_user_role role);
bool ld_user_role_parse(const char *s, enum ld_user_role *out);

/* True when s is a well-formed user name. */
bool ld_user_name_ok(const char *s);

/*
 * Adds the user name with role at school ("" only for a technician) and password (checked:
 * LD_USER_PASSWORD_MIN..MAX bytes) in the open store c (admin), and writes "user NAME added
 * (ROLE)" to the audit as by. LD_ERR_DUPLICATE when the name is taken, LD_ERR_NOT_FOUND for an
 * unknown school, LD_ERR_INVALID for a bad name, role or password.
 */
LD_MUST_CHECK ld_err ld_user_add(struct ld_central *c, const char *name, enum ld_user_role role,
                                 const char *school, const char *password, const char *by,
                                 int64_t now_ms, char *msg, size_t msglen);

/* Gives name a new password and clears its lock, wrong-password count and disabling; audited. */
LD_MUST_CHECK ld_err ld_user_reset(struct ld_central *c, const char *name, const char *password,
                                   const char *by, int64_t now_ms, char *msg, size_t msglen);

/* Disables name (its sign-ins fail from now on; its sessions end at their next request). */
LD_MUST_CHECK ld_err ld_user_disable(struct ld_central *c, const char *name, const char *by,
                                     int64_t now_ms, char *msg, size_t msglen);

/* Reads the user name into *out; LD_ERR_NOT_FOUND when there is none. */
LD_MUST_CHECK ld_err ld_user_get(struct ld_central *c, const char *name, struct ld_user *out,
                                 char *msg, size_t msglen);

/* How long a user must wait before the next try after fails wrong passwords in a row (ms). */
int64_t ld_user_backoff_ms(int fails);

/*
 * Checks a sign-in at now_ms and records its outcome (the count, the lock, the audit). On LD_OK
 * *out is the user. Refusals, each with a message fit for the sign-in page (it never says
 * whether the name exists): LD_ERR_AUTH a wrong name or password; LD_ERR_BUSY too soon after
 * the last wrong password (the password is not even checked); LD_ERR_STATE the account is
 * locked or disabled.
 */
LD_MUST_CHECK ld_err ld_user_sign_in(struct ld_central *c, const char *name, const char *password,
                                     int64_t now_ms, struct ld_user *out, char *msg, size_t msglen);

#endif
