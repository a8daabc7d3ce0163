/* central.c: the central store's front: URLs, passwords, roles, and every check in and out. */
#include "central.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central_backend.h"
#include "utf8.h"

struct ld_central {
    const struct ld_central_ops *ops;
    void *impl;
    enum ld_central_role role;
    bool schema_ok; /* the schema was seen at LD_CENTRAL_SCHEMA_VERSION */
    char display[LD_CENTRAL_URL_MAX];
    /* Any password this handle was given, kept only to scrub it out of messages. */
    char secret[LD_CENTRAL_PASSWORD_MAX + 1];
    /* The last device looked up, and its school: devices never change school. */
    char cached_device[LD_CENTRAL_ID_MAX + 1];
    char cached_school[LD_CENTRAL_ID_MAX + 1];
    /* Rows the last pull or school_events call skipped as bad (the first SKIPS_KEPT named). */
    struct ld_central_skip skips[LD_CENTRAL_SKIPS_KEPT];
    size_t nskips;
};

#define BAD(err, ...) central__fail(err, msg, msglen, __VA_ARGS__)

/* ---- redaction ---- */

struct out_buf {
    char *p;
    size_t len, cap;
};

static void put_n(struct out_buf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && o->len + 1 < o->cap; i++)
        o->p[o->len++] = s[i];
    if (o->cap)
        o->p[o->len] = '\0';
}

/* Returns the length of the key "password" or "sslpassword" at s, else 0. */
static size_t password_key(const char *s)
{
    if (!strncasecmp(s, "password", 8))
        return 8;
    if (!strncasecmp(s, "sslpassword", 11))
        return 11;
    return 0;
}

void ld_central_redact(const char *url, char *out, size_t outlen)
{
    struct out_buf o = {out, 0, outlen};
    if (!outlen)
        return;
    out[0] = '\0';
    if (!url)
        return;
    const char *s = url;
    size_t n = strlen(url);
    size_t i = 0;
    /* URI form: hide what follows ':' in the user information, up to the last '@'. */
    const char *sep = strstr(url, "://");
    if (sep && (!strncasecmp(url, "postgresql://", 13) || !strncasecmp(url, "postgres://", 11))) {
        size_t a = (size_t)(sep - url) + 3;
        size_t end = a + strcspn(url + a, "/?#");
        size_t at = end;
        for (size_t k = a; k < end; k++)
            if (url[k] == '@')
                at = k;
        if (at < end) {
            size_t colon = a + strcspn(url + a, ":");
            if (colon < at) {
                put_n(&o, url, colon + 1);
                put_n(&o, "***", 3);
                i = at;
            }
        }
    }
    /* Keyword and query forms: password=VALUE, VALUE quoted ('a b') or up to a blank or '&'. */
    while (i < n) {
        bool boundary = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '?' ||
                        s[i - 1] == '&' || s[i - 1] == '\n';
        size_t k = boundary ? password_key(s + i) : 0;
        if (k) {
            size_t j = i + k;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (j < n && s[j] == '=') {
                j++;
                while (j < n && (s[j] == ' ' || s[j] == '\t'))
                    j++;
                put_n(&o, s + i, j - i);
                put_n(&o, "***", 3);
                if (j < n && s[j] == '\'') {
                    j++;
                    while (j < n && s[j] != '\'') {
                        if (s[j] == '\\' && j + 1 < n)
                            j++;
                        j++;
                    }
                    if (j < n)
                        j++;
                } else {
                    while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '&' && s[j] != '#')
                        j++;
                }
                i = j;
                continue;
            }
        }
        put_n(&o, s + i, 1);
        i++;
    }
}

/* Replaces every copy of the handle's secret in msg with "***". */
static void scrub(const char *secret, char *msg, size_t msglen)
{
    size_t sl = strlen(secret);
    if (!msg || !msglen || !sl)
        return;
    char *tmp = malloc(msglen);
    if (!tmp) {
        /* cannot rewrite it safely: say nothing rather than risk the secret */
        if (strstr(msg, secret))
            snprintf(msg, msglen, "(message withheld: it held a password)");
        return;
    }
    struct out_buf o = {tmp, 0, msglen};
    tmp[0] = '\0';
    for (const char *p = msg; *p;) {
        if (!strncmp(p, secret, sl)) {
            put_n(&o, "***", 3);
            p += sl;
        } else {
            put_n(&o, p++, 1);
        }
    }
    memcpy(msg, tmp, o.len + 1);
    free(tmp);
}

/* Puts "central store URL: " before the message a backend or a check wrote, and scrubs it. */
static ld_err finish(const struct ld_central *c, ld_err err, char *msg, size_t msglen)
{
    if (err == LD_OK || !msg || !msglen)
        return err;
    char *tmp = strdup(msg);
    if (tmp) {
        snprintf(msg, msglen, "central store %s: %s", c->display, tmp);
        free(tmp);
    }
    scrub(c->secret, msg, msglen);
    return err;
}

/* ---- opening ---- */

/* Reads the first line of the password file at path into out, refusing loose permissions. */
static ld_err read_passfile(const char *path, char *out, size_t outlen, char *msg, size_t msglen)
{
    char buf[LD_CENTRAL_PASSWORD_MAX + 4];
    ld_err err = LD_OK;
    struct stat st;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return BAD(errno == ENOENT ? LD_ERR_NOT_FOUND : LD_ERR_IO,
                   "password file %s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        err = BAD(LD_ERR_IO, "password file %s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        err = BAD(LD_ERR_AUTH, "password file %s: not a regular file", path);
        goto out;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        err = BAD(LD_ERR_AUTH,
                  "password file %s: mode %04o lets others read it; it must be 0600 (chmod 600)",
                  path, (unsigned)(st.st_mode & 07777));
        goto out;
    }
    ssize_t got = read(fd, buf, sizeof buf - 1);
    if (got < 0) {
        err = BAD(LD_ERR_IO, "password file %s: %s", path, strerror(errno));
        goto out;
    }
    buf[got] = '\0';
    size_t len = strcspn(buf, "\r\n");
    if (memchr(buf, '\0', (size_t)got) != NULL && strlen(buf) < len)
        len = strlen(buf);
    if (len == (size_t)got && got == (ssize_t)sizeof buf - 1) {
        err = BAD(LD_ERR_RANGE, "password file %s: longer than %d bytes", path,
                  LD_CENTRAL_PASSWORD_MAX);
        goto out;
    }
    if (len == 0) {
        err = BAD(LD_ERR_AUTH, "password file %s: empty first line", path);
        goto out;
    }
    if (len >= outlen) {
        err = BAD(LD_ERR_RANGE, "password file %s: longer than %d bytes", path,
                  LD_CENTRAL_PASSWORD_MAX);
        goto out;
    }
    memcpy(out, buf, len);
    out[len] = '\0';
out:
    sodium_memzero(buf, sizeof buf);
    close(fd);
    return err;
}

/* Picks the backend for url and the target it gets (a path or a connection string). */
static const struct ld_central_ops *classify(const char *url, const char **target)
{
    if (!strncasecmp(url, "postgresql://", 13) || !strncasecmp(url, "postgres://", 11)) {
        *target = url;
        return &central__pg_ops;
    }
    if (!strncmp(url, "sqlite:", 7)) {
        const char *p = url + 7;
        if (!strncmp(p, "//", 2) && p[2] == '/')
            p += 2; /* sqlite:///abs/path */
        *target = p;
        return &central__sqlite_ops;
    }
    /* A libpq keyword string ("host=… dbname=…") has an '=' before any '/'; a path does not. */
    size_t eq = strcspn(url, "=");
    if (url[eq] == '=' && url[0] != '/' && url[0] != '.' && strcspn(url, "/") > eq) {
        *target = url;
        return &central__pg_ops;
    }
    *target = url;
    return &central__sqlite_ops;
}

ld_err ld_central_open(const char *url, const char *passfile, enum ld_central_role role,
                       struct ld_central **out, char *msg, size_t msglen)
{
    ld_err err = LD_OK;
    struct ld_central *c = NULL;
    const char *target = NULL;
    if (!out)
        return BAD(LD_ERR_INVALID, "central store: no handle to fill");
    *out = NULL;
    if (!url || !*url)
        return BAD(LD_ERR_INVALID, "central store: no URL given");
    if (strlen(url) >= LD_CENTRAL_URL_MAX) {
        char shown[64];
        ld_central_redact(url, shown, sizeof shown);
        return BAD(LD_ERR_INVALID, "central store %s...: URL longer than %d bytes", shown,
                   LD_CENTRAL_URL_MAX - 1);
    }
    if (role != LD_CENTRAL_ADMIN && role != LD_CENTRAL_DEVICE)
        return BAD(LD_ERR_INVALID, "central store: unknown role %d", (int)role);
    if (sodium_init() < 0)
        return BAD(LD_ERR_IO, "central store: libsodium cannot start");
    c = calloc(1, sizeof *c);
    if (!c)
        return BAD(LD_ERR_NOMEM, "central store: out of memory");
    c->role = role;
    ld_central_redact(url, c->display, sizeof c->display);
    c->ops = classify(url, &target);
    if (!*target) {
        err = BAD(LD_ERR_INVALID, "no path after \"sqlite:\"");
        goto out;
    }

    bool url_has_password = false;
    if (c->ops->url_password) {
        err = c->ops->url_password(target, c->secret, sizeof c->secret, &url_has_password, msg,
                                   msglen);
        if (err)
            goto out;
    }
    if (passfile) {
        if (c->ops->backend == LD_CENTRAL_SQLITE) {
            err = BAD(LD_ERR_INVALID, "a password file means nothing to an SQLite store");
            goto out;
        }
        if (url_has_password) {
            err = BAD(LD_ERR_INVALID,
                      "the URL holds a password and a password file was given: use one");
            goto out;
        }
        err = read_passfile(passfile, c->secret, sizeof c->secret, msg, msglen);
        if (err)
            goto out;
    }
    err = c->ops->open(target, passfile ? c->secret : NULL, role, &c->impl, msg, msglen);
    if (err)
        goto out;
    if (role == LD_CENTRAL_DEVICE) {
        int version = 0;
        err = c->ops->schema_version(c->impl, &version, msg, msglen);
        if (!err && version != LD_CENTRAL_SCHEMA_VERSION)
            err = version > LD_CENTRAL_SCHEMA_VERSION
                      ? BAD(LD_ERR_UNSUPPORTED,
                            "schema version %d is newer than this build's %d: update latedoor",
                            version, LD_CENTRAL_SCHEMA_VERSION)
                      : BAD(LD_ERR_STATE,
                            "schema version %d, this build needs %d: run `latedoor central "
                            "init` as the admin",
                            version, LD_CENTRAL_SCHEMA_VERSION);
        if (err)
            goto out;
        c->schema_ok = true;
    }
    *out = c;
    c = NULL;
out:
    if (c) {
        finish(c, err, msg, msglen);
        ld_central_close(c);
    }
    return err;
}

void ld_central_close(struct ld_central *c)
{
    if (!c)
        return;
    if (c->impl)
        c->ops->close(c->impl);
    sodium_memzero(c->secret, sizeof c->secret);
    free(c);
}

enum ld_central_backend ld_central_backend_of(const struct ld_central *c)
{
    return c->ops->backend;
}

const char *ld_central_display_url(const struct ld_central *c)
{
    return c->display;
}

bool ld_central_uses_tls(const struct ld_central *c)
{
    return c->ops->uses_tls(c->impl);
}

const char *ld_central_login_device(const struct ld_central *c)
{
    return c->ops->login_device(c->impl);
}

/* Checks the role and the schema before an operation; as_admin: only the admin may call it. */
static void set_counts(size_t *added, size_t *replaced, size_t a, size_t r)
{
    if (added)
        *added = a;
    if (replaced)
        *replaced = r;
}

static ld_err begin(struct ld_central *c, const char *what, bool as_admin, char *msg, size_t msglen)
{
    if (!c)
        return BAD(LD_ERR_INVALID, "central store: no handle");
    if (as_admin && c->role != LD_CENTRAL_ADMIN)
        return finish(c, BAD(LD_ERR_STATE, "%s: only the admin may do this, not a device", what),
                      msg, msglen);
    if (c->schema_ok)
        return LD_OK;
    int version = 0;
    ld_err err = c->ops->schema_version(c->impl, &version, msg, msglen);
    if (!err && version > LD_CENTRAL_SCHEMA_VERSION)
        err = BAD(LD_ERR_UNSUPPORTED, "%s: schema version %d is newer than this build's %d", what,
                  version, LD_CENTRAL_SCHEMA_VERSION);
    else if (!err && version != LD_CENTRAL_SCHEMA_VERSION)
        err = BAD(LD_ERR_STATE,
                  "%s: schema version %d, this build needs %d: run `latedoor central init`", what,
                  version, LD_CENTRAL_SCHEMA_VERSION);
    if (!err)
        c->schema_ok = true;
    return finish(c, err, msg, msglen);
}

static ld_err bad_id(struct ld_central *c, const char *what, const char *field, const char *id,
                     char *msg, size_t msglen)
{
    char q[120];
    if (!id)
        return finish(c, BAD(LD_ERR_INVALID, "%s: no %s given", what, field), msg, msglen);
    ld_utf8_quote(q, sizeof q, id, strnlen(id, 64), 40);
    return finish(c,
                  BAD(LD_ERR_INVALID, "%s: %s %s is not 1..%d of letters, digits, '.', '_', '-'",
                      what, field, q, LD_CENTRAL_ID_MAX),
                  msg, msglen);
}

#define CHECK_ID(what, field, id)                                                                  \
    do {                                                                                           \
        if (!(id) || !central__id_ok(id))                                                          \
            return bad_id(c, what, field, id, msg, msglen);                                        \
    } while (0)

/* ---- schema ---- */

ld_err ld_central_init(struct ld_central *c, int *from, int *to, char *msg, size_t msglen)
{
    int f = 0, t = 0;
    if (!c)
        return BAD(LD_ERR_INVALID, "central store: no handle");
    if (c->role != LD_CENTRAL_ADMIN)
        return finish(c, BAD(LD_ERR_STATE, "init: only the admin may do this, not a device"), msg,
                      msglen);
    ld_err err = c->ops->migrate(c->impl, LD_CENTRAL_SCHEMA_VERSION, &f, &t, msg, msglen);
    if (err)
        return finish(c, err, msg, msglen);
    c->schema_ok = t == LD_CENTRAL_SCHEMA_VERSION;
    if (from)
        *from = f;
    if (to)
        *to = t;
    return LD_OK;
}

ld_err ld_central_schema_version(struct ld_central *c, int *version, char *msg, size_t msglen)
{
    if (!c || !version)
        return BAD(LD_ERR_INVALID, "central store: no handle or no out-parameter");
    return finish(c, c->ops->schema_version(c->impl, version, msg, msglen), msg, msglen);
}

/* ---- schools and devices ---- */

static ld_err school_row_ok(struct ld_central *c, const struct ld_central_school *s, char *msg,
                            size_t msglen)
{
    if (!memchr(s->id, 0, sizeof s->id) || !central__id_ok(s->id))
        return BAD(LD_ERR_CORRUPT, "schools row: field id: not an id");
    ld_err err = central__text_ok(s->name, LD_CENTRAL_SCHOOL_NAME_MAX, true, "schools row", "name",
                                  msg, msglen);
    return err ? LD_ERR_CORRUPT : LD_OK;
}

ld_err ld_central_school_add(struct ld_central *c, const char *id, const char *name, char *msg,
                             size_t msglen)
{
    ld_err err = begin(c, "school add", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("school add", "school id", id);
    if (!name)
        return finish(c, BAD(LD_ERR_INVALID, "school add: no name"), msg, msglen);
    err =
        central__text_ok(name, LD_CENTRAL_SCHOOL_NAME_MAX, true, "school add", "name", msg, msglen);
    if (!err)
        err = c->ops->school_add(c->impl, id, name, msg, msglen);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_school_get(struct ld_central *c, const char *id, struct ld_central_school *out,
                             char *msg, size_t msglen)
{
    ld_err err = begin(c, "school", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("school", "school id", id);
    struct ld_central_school s;
    size_t n = 0;
    err = c->ops->schools(c->impl, id, &s, 1, &n, msg, msglen);
    if (!err && n == 0)
        err = BAD(LD_ERR_NOT_FOUND, "school %s: no such school", id);
    if (!err)
        err = school_row_ok(c, &s, msg, msglen);
    if (!err && out)
        *out = s;
    return finish(c, err, msg, msglen);
}

ld_err ld_central_schools(struct ld_central *c, struct ld_central_school *out, size_t cap,
                          size_t *n, char *msg, size_t msglen)
{
    ld_err err = begin(c, "schools", false, msg, msglen);
    if (err)
        return err;
    if (!n || (cap && !out))
        return finish(c, BAD(LD_ERR_INVALID, "schools: no array"), msg, msglen);
    size_t got = 0;
    err = c->ops->schools(c->impl, NULL, out, cap, &got, msg, msglen);
    for (size_t i = 0; (!err || err == LD_ERR_RANGE) && i < got && i < cap; i++) {
        ld_err e = school_row_ok(c, &out[i], msg, msglen);
        if (e)
            err = e;
    }
    if (!err || err == LD_ERR_RANGE)
        *n = got < cap ? got : cap;
    return finish(c, err, msg, msglen);
}

ld_err ld_central_device_add(struct ld_central *c, const char *school, const char *name,
                             struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    ld_err err = begin(c, "device add", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("device add", "school id", school);
    CHECK_ID("device add", "device name", name);
    if (!cred)
        return finish(c, BAD(LD_ERR_INVALID, "device add: no credentials to fill"), msg, msglen);
    struct ld_central_credentials tmp;
    memset(&tmp, 0, sizeof tmp);
    err = c->ops->device_add(c->impl, school, name, &tmp, msg, msglen);
    if (!err)
        *cred = tmp;
    sodium_memzero(&tmp, sizeof tmp);
    /* The new password is the caller's to show once; it must not leak into a later message. */
    return finish(c, err, msg, msglen);
}

ld_err ld_central_device_set(struct ld_central *c, const char *name,
                             enum ld_central_device_action action,
                             struct ld_central_credentials *cred, char *msg, size_t msglen)
{
    ld_err err = begin(c, "device", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("device", "device name", name);
    if (action < LD_CENTRAL_DEVICE_DISABLE || action > LD_CENTRAL_DEVICE_ROTATE ||
        (action == LD_CENTRAL_DEVICE_ROTATE && !cred))
        return finish(c, BAD(LD_ERR_INVALID, "device %s: unknown action", name), msg, msglen);
    struct ld_central_credentials tmp;
    memset(&tmp, 0, sizeof tmp);
    err = c->ops->device_set(c->impl, name, action, &tmp, msg, msglen);
    if (!err && cred)
        *cred = tmp;
    sodium_memzero(&tmp, sizeof tmp);
    return finish(c, err, msg, msglen);
}

/* Looks up device's school, through the one-entry cache. */
static ld_err device_school(struct ld_central *c, const char *device,
                            char school[LD_CENTRAL_ID_MAX + 1], char *msg, size_t msglen)
{
    if (!strcmp(c->cached_device, device)) {
        memcpy(school, c->cached_school, LD_CENTRAL_ID_MAX + 1);
        return LD_OK;
    }
    char s[LD_CENTRAL_ID_MAX + 1] = "";
    ld_err err = c->ops->device_school(c->impl, device, s, msg, msglen);
    if (err)
        return err;
    if (!central__id_ok(s))
        return BAD(LD_ERR_CORRUPT, "devices row %s: field school_id: not an id", device);
    memcpy(school, s, sizeof s);
    memcpy(c->cached_device, device, strlen(device) + 1);
    memcpy(c->cached_school, s, sizeof s);
    return LD_OK;
}

ld_err ld_central_device_school(struct ld_central *c, const char *device,
                                char school[LD_CENTRAL_ID_MAX + 1], char *msg, size_t msglen)
{
    ld_err err = begin(c, "device", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("device", "device id", device);
    return finish(c, device_school(c, device, school, msg, msglen), msg, msglen);
}

/* ---- roster, calendar, settings ---- */

static ld_err version_of(struct ld_central *c, const char *school, enum central__part part,
                         int64_t *version, char *msg, size_t msglen)
{
    ld_err err = begin(c, central__part_name(part), false, msg, msglen);
    if (err)
        return err;
    CHECK_ID(central__part_name(part), "school id", school);
    if (!version)
        return finish(c, BAD(LD_ERR_INVALID, "no out-parameter"), msg, msglen);
    int64_t v = 0;
    err = c->ops->version(c->impl, school, part, &v, msg, msglen);
    if (!err && v < 0)
        err = BAD(LD_ERR_CORRUPT, "versions row %s/%s: field version: negative", school,
                  central__part_name(part));
    if (!err)
        *version = v;
    return finish(c, err, msg, msglen);
}

ld_err ld_central_roster_version(struct ld_central *c, const char *school, int64_t *version,
                                 char *msg, size_t msglen)
{
    return version_of(c, school, CENTRAL_PART_ROSTER, version, msg, msglen);
}

ld_err ld_central_calendar_version(struct ld_central *c, const char *school, int64_t *version,
                                   char *msg, size_t msglen)
{
    return version_of(c, school, CENTRAL_PART_CALENDAR, version, msg, msglen);
}

ld_err ld_central_settings_version(struct ld_central *c, const char *school, int64_t *version,
                                   char *msg, size_t msglen)
{
    return version_of(c, school, CENTRAL_PART_SETTINGS, version, msg, msglen);
}

static void set_outs(int64_t *version, bool *changed, int64_t v, bool ch)
{
    if (version)
        *version = v;
    if (changed)
        *changed = ch;
}

ld_err ld_central_put_roster(struct ld_central *c, const char *school,
                             const struct ld_roster *roster, int64_t *version, bool *changed,
                             char *msg, size_t msglen)
{
    char digest[CENTRAL_DIGEST_HEX];
    int64_t v = 0;
    bool ch = false;
    ld_err err = begin(c, "roster put", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("roster put", "school id", school);
    if (!roster)
        return finish(c, BAD(LD_ERR_INVALID, "roster put: no roster"), msg, msglen);
    err = central__roster_ok(roster, "roster put: roster", msg, msglen);
    if (err)
        return finish(c, err, msg, msglen);
    central__roster_digest(roster, digest);
    err = c->ops->put_roster(c->impl, school, roster, digest, &v, &ch, msg, msglen);
    if (!err)
        set_outs(version, changed, v, ch);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_get_roster(struct ld_central *c, const char *school, int64_t since_version,
                             struct ld_roster *out, int64_t *version, bool *changed, char *msg,
                             size_t msglen)
{
    struct ld_roster r = {0};
    int64_t v = 0;
    bool ch = false;
    ld_err err = begin(c, "roster", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("roster", "school id", school);
    if (!out || since_version < 0)
        return finish(c, BAD(LD_ERR_INVALID, "roster: no roster to fill or negative version"), msg,
                      msglen);
    err = c->ops->get_roster(c->impl, school, since_version, &r, &v, &ch, msg, msglen);
    if (!err && ch) {
        err = central__roster_ok(&r, "roster: pupils", msg, msglen);
        if (err)
            err = LD_ERR_CORRUPT;
    }
    if (err) {
        ld_roster_free(&r);
        return finish(c, err, msg, msglen);
    }
    *out = r;
    set_outs(version, changed, v, ch);
    return LD_OK;
}

ld_err ld_central_put_calendar(struct ld_central *c, const char *school,
                               const struct ld_calendar_file *cal, int64_t *version, bool *changed,
                               char *msg, size_t msglen)
{
    char digest[CENTRAL_DIGEST_HEX];
    int64_t v = 0;
    bool ch = false;
    ld_err err = begin(c, "calendar put", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("calendar put", "school id", school);
    if (!cal)
        return finish(c, BAD(LD_ERR_INVALID, "calendar put: no calendar"), msg, msglen);
    err = central__calendar_ok(cal, "calendar put: calendar", msg, msglen);
    if (err)
        return finish(c, err, msg, msglen);
    central__calendar_digest(cal, digest);
    err = c->ops->put_calendar(c->impl, school, cal, digest, &v, &ch, msg, msglen);
    if (!err)
        set_outs(version, changed, v, ch);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_get_calendar(struct ld_central *c, const char *school, int64_t since_version,
                               struct ld_calendar_file *out, int64_t *version, bool *changed,
                               char *msg, size_t msglen)
{
    struct ld_calendar_file cal = {0};
    int64_t v = 0;
    bool ch = false;
    ld_err err = begin(c, "calendar", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("calendar", "school id", school);
    if (!out || since_version < 0)
        return finish(c, BAD(LD_ERR_INVALID, "calendar: nothing to fill or negative version"), msg,
                      msglen);
    err = c->ops->get_calendar(c->impl, school, since_version, &cal, &v, &ch, msg, msglen);
    if (!err && ch) {
        err = central__calendar_ok(&cal, "calendar: stored calendar", msg, msglen);
        if (err && err != LD_ERR_NOMEM)
            err = LD_ERR_CORRUPT;
    }
    if (err) {
        ld_calendar_file_free(&cal);
        return finish(c, err, msg, msglen);
    }
    *out = cal;
    set_outs(version, changed, v, ch);
    return LD_OK;
}

static int setting_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ld_central_setting *)a)->key,
                  ((const struct ld_central_setting *)b)->key);
}

ld_err ld_central_put_settings(struct ld_central *c, const char *school,
                               const struct ld_central_setting *settings, size_t n,
                               int64_t *version, bool *changed, char *msg, size_t msglen)
{
    char digest[CENTRAL_DIGEST_HEX];
    struct ld_central_setting *sorted = NULL;
    int64_t v = 0;
    bool ch = false;
    ld_err err = begin(c, "settings put", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("settings put", "school id", school);
    /* check in the caller's order first, so the message numbers the caller's rows */
    err = central__settings_ok(settings, n, false, "settings put", msg, msglen);
    if (err)
        return finish(c, err, msg, msglen);
    sorted = calloc(n + 1, sizeof *sorted);
    if (!sorted)
        return finish(c, BAD(LD_ERR_NOMEM, "settings put: out of memory"), msg, msglen);
    if (n)
        memcpy(sorted, settings, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, setting_cmp);
    err = central__settings_ok(sorted, n, true, "settings put (sorted by key)", msg, msglen);
    if (!err) {
        central__settings_digest(sorted, n, digest);
        err = c->ops->put_settings(c->impl, school, sorted, n, digest, &v, &ch, msg, msglen);
    }
    free(sorted);
    if (!err)
        set_outs(version, changed, v, ch);
    return finish(c, err, msg, msglen);
}

void ld_central_settings_free(struct ld_central_settings *s)
{
    if (!s)
        return;
    free(s->items);
    memset(s, 0, sizeof *s);
}

ld_err ld_central_get_settings(struct ld_central *c, const char *school, int64_t since_version,
                               struct ld_central_settings *out, int64_t *version, bool *changed,
                               char *msg, size_t msglen)
{
    struct ld_central_settings s = {0};
    int64_t v = 0;
    bool ch = false;
    ld_err err = begin(c, "settings", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("settings", "school id", school);
    if (!out || since_version < 0)
        return finish(c, BAD(LD_ERR_INVALID, "settings: nothing to fill or negative version"), msg,
                      msglen);
    err = c->ops->get_settings(c->impl, school, since_version, &s, &v, &ch, msg, msglen);
    if (!err && ch) {
        err =
            central__settings_ok(s.items, s.count, true, "settings: stored settings", msg, msglen);
        if (err)
            err = LD_ERR_CORRUPT;
    }
    if (err) {
        ld_central_settings_free(&s);
        return finish(c, err, msg, msglen);
    }
    *out = s;
    set_outs(version, changed, v, ch);
    return LD_OK;
}

/* ---- events ---- */

ld_err ld_central_event_check(const struct ld_central_event *ev, char *msg, size_t msglen)
{
    if (!ev)
        return BAD(LD_ERR_INVALID, "event: none given");
    return central__event_ok(ev, false, "event", msg, msglen);
}

/*
 * What a kiosk may add (the same rule as the PostgreSQL insert policy, so that the SQLite store's
 * one writer enforces it too and a refusal names the event): never as the office, and a reason,
 * void or clock repair only of its own events. Corrections of another device's events are the
 * office's, which opens the store as the admin.
 */
static ld_err device_may_add(const struct ld_central_event *e, const char *where, char *msg,
                             size_t msglen)
{
    if (e->source == LD_CSRC_OFFICE)
        return BAD(LD_ERR_AUTH, "%s: field source: a kiosk may not add the office's events", where);
    bool correction =
        e->kind == LD_CEV_REASON || e->kind == LD_CEV_VOID || e->kind == LD_CEV_CLOCK_REPAIR;
    if (correction && strcmp(e->ref_device, e->device_id))
        return BAD(LD_ERR_AUTH,
                   "%s: field ref_device: a kiosk may correct only its own events, not device "
                   "%s's (corrections of others come from the office)",
                   where, e->ref_device);
    return LD_OK;
}

ld_err ld_central_push(struct ld_central *c, const char *device, const struct ld_central_event *ev,
                       size_t n, struct ld_push_result *res, char *msg, size_t msglen)
{
    char school[LD_CENTRAL_ID_MAX + 1], where[128];
    struct ld_push_result r = {0};
    ld_err err = begin(c, "push", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("push", "device id", device);
    if (n == 0) {
        if (res)
            *res = r;
        return LD_OK;
    }
    if (!ev)
        return finish(c, BAD(LD_ERR_INVALID, "push: no events"), msg, msglen);
    if (n > LD_CENTRAL_BATCH_MAX)
        return finish(c,
                      BAD(LD_ERR_RANGE, "push: %zu events, more than %d in one batch", n,
                          LD_CENTRAL_BATCH_MAX),
                      msg, msglen);
    for (size_t i = 0; i < n; i++) {
        snprintf(where, sizeof where, "push: event %zu (device %.32s seq %" PRId64 ")", i,
                 memchr(ev[i].device_id, 0, sizeof ev[i].device_id) ? ev[i].device_id : "?",
                 ev[i].seq);
        err = central__event_ok(&ev[i], false, where, msg, msglen);
        if (err)
            return finish(c, err, msg, msglen);
        if (strcmp(ev[i].device_id, device))
            return finish(c,
                          BAD(LD_ERR_INVALID, "%s: field device_id: not the device pushing (%s)",
                              where, device),
                          msg, msglen);
        if (c->role == LD_CENTRAL_DEVICE && (err = device_may_add(&ev[i], where, msg, msglen)))
            return finish(c, err, msg, msglen);
        if (i > 0 && ev[i].seq <= ev[i - 1].seq)
            return finish(c,
                          BAD(LD_ERR_INVALID,
                              "%s: field seq: not above the event before it (%" PRId64
                              "): a batch goes in strictly increasing seq",
                              where, ev[i - 1].seq),
                          msg, msglen);
    }
    err = device_school(c, device, school, msg, msglen);
    if (err)
        return finish(c, err, msg, msglen);
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].school, school))
            return finish(c,
                          BAD(LD_ERR_INVALID,
                              "push: event %zu (device %s seq %" PRId64
                              "): field school: %s is not the device's school %s",
                              i, device, ev[i].seq, ev[i].school, school),
                          msg, msglen);
    err = c->ops->push(c->impl, device, school, ev, n, &r, msg, msglen);
    if (!err && res)
        *res = r;
    return finish(c, err, msg, msglen);
}

size_t ld_central_skipped(const struct ld_central *c, const struct ld_central_skip **out)
{
    *out = c->skips;
    return c->nskips;
}

/* Keeps a skipped row's marker (central__row_event_or_skip) in the handle's list. */
static void note_skip(struct ld_central *c, const struct ld_central_event *e)
{
    if (c->nskips < LD_CENTRAL_SKIPS_KEPT) {
        struct ld_central_skip *k = &c->skips[c->nskips];
        k->global_seq = e->global_seq;
        memcpy(k->device_id, e->device_id, sizeof k->device_id);
        k->seq = e->seq;
        snprintf(k->why, sizeof k->why, "%s", e->reason);
    }
    c->nskips++;
}

/*
 * Reads up to cap events after after_global_seq through the backend's pull (device "" for every
 * device), leaving out bad rows, which are listed in c->skips: a page is filled past them, so
 * that fewer than cap events still means the end, and one bad row never stops a school.
 */
static ld_err pull_good(struct ld_central *c, const char *device, const char *school,
                        int64_t after_global_seq, struct ld_central_event *out, size_t cap,
                        size_t *n, char *msg, size_t msglen)
{
    size_t got = 0;
    int64_t cursor = after_global_seq;
    ld_err err = LD_OK;
    c->nskips = 0;
    while (!err && got < cap) {
        size_t k = 0, ask = cap - got;
        err = c->ops->pull(c->impl, device, school, cursor, out + got, ask, &k, msg, msglen);
        if (err || k == 0)
            break;
        cursor = out[got + k - 1].global_seq;
        size_t kept = got;
        for (size_t i = got; i < got + k; i++) {
            if (out[i].kind == 0)
                note_skip(c, &out[i]);
            else if (kept != i)
                out[kept++] = out[i];
            else
                kept++;
        }
        got = kept;
        if (k < ask)
            break;
    }
    *n = got;
    return err;
}

ld_err ld_central_pull(struct ld_central *c, const char *device, const char *school,
                       int64_t after_global_seq, struct ld_central_event *out, size_t cap,
                       size_t *n, char *msg, size_t msglen)
{
    char own[LD_CENTRAL_ID_MAX + 1];
    size_t got = 0;
    ld_err err = begin(c, "pull", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("pull", "device id", device);
    CHECK_ID("pull", "school id", school);
    if (!out || !n || cap == 0 || after_global_seq < 0)
        return finish(c, BAD(LD_ERR_INVALID, "pull: no room for events or a negative cursor"), msg,
                      msglen);
    if (cap > LD_CENTRAL_PULL_MAX)
        return finish(
            c, BAD(LD_ERR_RANGE, "pull: %zu events asked, more than %d", cap, LD_CENTRAL_PULL_MAX),
            msg, msglen);
    *n = 0;
    err = device_school(c, device, own, msg, msglen);
    if (!err && strcmp(own, school))
        err = BAD(LD_ERR_NOT_FOUND, "pull: device %s is not of school %s", device, school);
    if (!err)
        err = pull_good(c, device, school, after_global_seq, out, cap, &got, msg, msglen);
    /* The rows were checked one by one as they were decoded; here, that they are what was
     * asked for, in order. */
    int64_t last = after_global_seq;
    for (size_t i = 0; !err && i < got; i++) {
        const struct ld_central_event *e = &out[i];
        if (e->global_seq <= last)
            err =
                BAD(LD_ERR_CORRUPT,
                    "pull: events row global_seq %" PRId64 ": field global_seq: not after %" PRId64,
                    e->global_seq, last);
        else if (strcmp(e->school, school))
            err = BAD(LD_ERR_CORRUPT,
                      "pull: events row global_seq %" PRId64 ": field school_id: not school %s",
                      e->global_seq, school);
        else if (!strcmp(e->device_id, device))
            err = BAD(LD_ERR_CORRUPT,
                      "pull: events row global_seq %" PRId64 ": field device_id: the puller's own",
                      e->global_seq);
        last = e->global_seq;
    }
    if (err) {
        memset(out, 0, cap * sizeof *out);
        return finish(c, err, msg, msglen);
    }
    *n = got;
    return LD_OK;
}

ld_err ld_central_event_count(struct ld_central *c, const char *school, int64_t *count, char *msg,
                              size_t msglen)
{
    ld_err err = begin(c, "event count", false, msg, msglen);
    if (err)
        return err;
    if (school)
        CHECK_ID("event count", "school id", school);
    if (!count)
        return finish(c, BAD(LD_ERR_INVALID, "event count: no out-parameter"), msg, msglen);
    return finish(c, c->ops->event_count(c->impl, school, count, msg, msglen), msg, msglen);
}

ld_err ld_central_event_get(struct ld_central *c, const char *device, int64_t seq,
                            struct ld_central_event *out, char *msg, size_t msglen)
{
    struct ld_central_event e;
    ld_err err = begin(c, "event", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("event", "device id", device);
    if (!out || seq < 1)
        return finish(c, BAD(LD_ERR_INVALID, "event: nothing to fill or seq < 1"), msg, msglen);
    err = c->ops->event_get(c->impl, device, seq, &e, msg, msglen);
    if (!err && (strcmp(e.device_id, device) || e.seq != seq))
        err = BAD(LD_ERR_CORRUPT,
                  "events row global_seq %" PRId64 ": asked for device %s seq %" PRId64
                  ", found device %s seq %" PRId64,
                  e.global_seq, device, seq, e.device_id, e.seq);
    if (!err)
        *out = e;
    return finish(c, err, msg, msglen);
}

/* ---- MIS marks and the office's reading of the log (version 3) ---- */

void ld_central_marks_free(struct ld_central_marks *m)
{
    if (!m)
        return;
    free(m->items);
    memset(m, 0, sizeof *m);
}

static int mark_cmp(const void *a, const void *b)
{
    const struct ld_central_mark *x = *(const struct ld_central_mark *const *)a;
    const struct ld_central_mark *y = *(const struct ld_central_mark *const *)b;
    int r = strcmp(x->upn, y->upn);
    if (r)
        return r;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->session != y->session)
        return x->session < y->session ? -1 : 1;
    return x < y ? -1 : x > y;
}

ld_err ld_central_put_marks(struct ld_central *c, const char *school,
                            const struct ld_central_mark *marks, size_t n, size_t *added,
                            size_t *replaced, char *msg, size_t msglen)
{
    char where[64];
    struct ld_central_school sch;
    const struct ld_central_mark **idx = NULL;
    size_t a = 0, r = 0;
    ld_err err = begin(c, "marks put", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("marks put", "school id", school);
    if (n > 0 && !marks)
        return finish(c, BAD(LD_ERR_INVALID, "marks put: no marks"), msg, msglen);
    if (n > LD_CENTRAL_MARKS_BATCH_MAX)
        return finish(c,
                      BAD(LD_ERR_RANGE, "marks put: %zu marks, more than %d in one put", n,
                          LD_CENTRAL_MARKS_BATCH_MAX),
                      msg, msglen);
    for (size_t i = 0; i < n; i++) {
        snprintf(where, sizeof where, "marks put: mark %zu", i);
        if ((err = ld_central_mark_check(&marks[i], where, msg, msglen)))
            return finish(c, err, msg, msglen);
    }
    if (n == 0) {
        set_counts(added, replaced, 0, 0);
        return LD_OK;
    }
    if (!(idx = calloc(n, sizeof *idx)))
        return finish(c, BAD(LD_ERR_NOMEM, "marks put: out of memory"), msg, msglen);
    for (size_t i = 0; i < n; i++)
        idx[i] = &marks[i];
    qsort(idx, n, sizeof *idx, mark_cmp);
    for (size_t i = 1; !err && i < n; i++)
        if (!strcmp(idx[i]->upn, idx[i - 1]->upn) && idx[i]->date == idx[i - 1]->date &&
            idx[i]->session == idx[i - 1]->session) {
            char day[LD_DATE_STRLEN];
            ld_date_format(idx[i]->date, day);
            err = BAD(LD_ERR_DUPLICATE, "marks put: marks %td and %td: both for %s on %s %s",
                      idx[i - 1] - marks, idx[i] - marks, idx[i]->upn, day,
                      idx[i]->session ? "pm" : "am");
        }
    free(idx);
    if (!err)
        err = c->ops->schools(c->impl, school, &sch, 1, &a, msg, msglen);
    if (!err && a == 0)
        err = BAD(LD_ERR_NOT_FOUND, "marks put: no school %s", school);
    a = 0;
    if (!err)
        err = c->ops->put_marks(c->impl, school, marks, n, &a, &r, msg, msglen);
    if (!err)
        set_counts(added, replaced, a, r);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_get_marks(struct ld_central *c, const char *school, struct ld_central_marks *out,
                            char *msg, size_t msglen)
{
    struct ld_central_marks m = {0};
    ld_err err = begin(c, "marks", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("marks", "school id", school);
    if (!out)
        return finish(c, BAD(LD_ERR_INVALID, "marks: nothing to fill"), msg, msglen);
    err = c->ops->get_marks(c->impl, school, &m, msg, msglen);
    /* the rows were checked as they were decoded; here, that they come in order, once each */
    for (size_t i = 1; !err && i < m.count; i++) {
        const struct ld_central_mark *p = &m.items[i - 1], *q = &m.items[i];
        int cmp = strcmp(p->upn, q->upn);
        if (cmp > 0 ||
            (!cmp && (p->date > q->date || (p->date == q->date && p->session >= q->session))))
            err =
                BAD(LD_ERR_CORRUPT, "marks: mis_marks row %zu: not after the row before it", i + 1);
    }
    if (err) {
        ld_central_marks_free(&m);
        return finish(c, err, msg, msglen);
    }
    *out = m;
    return LD_OK;
}

ld_err ld_central_school_events(struct ld_central *c, const char *school, int64_t after_global_seq,
                                struct ld_central_event *out, size_t cap, size_t *n, char *msg,
                                size_t msglen)
{
    size_t got = 0;
    ld_err err = begin(c, "school events", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("school events", "school id", school);
    if (!out || !n || cap == 0 || after_global_seq < 0)
        return finish(c,
                      BAD(LD_ERR_INVALID, "school events: no room for events or a negative cursor"),
                      msg, msglen);
    if (cap > LD_CENTRAL_PULL_MAX)
        return finish(c,
                      BAD(LD_ERR_RANGE, "school events: %zu events asked, more than %d", cap,
                          LD_CENTRAL_PULL_MAX),
                      msg, msglen);
    *n = 0;
    /* no device id is empty, so "every device but none" is every device */
    err = pull_good(c, "", school, after_global_seq, out, cap, &got, msg, msglen);
    int64_t last = after_global_seq;
    for (size_t i = 0; !err && i < got; i++) {
        if (out[i].global_seq <= last)
            err = BAD(LD_ERR_CORRUPT,
                      "school events: events row global_seq %" PRId64
                      ": field global_seq: not after %" PRId64,
                      out[i].global_seq, last);
        else if (strcmp(out[i].school, school))
            err = BAD(LD_ERR_CORRUPT,
                      "school events: events row global_seq %" PRId64
                      ": field school_id: not school %s",
                      out[i].global_seq, school);
        last = out[i].global_seq;
    }
    if (err) {
        memset(out, 0, cap * sizeof *out);
        return finish(c, err, msg, msglen);
    }
    *n = got;
    return LD_OK;
}

/* ---- the office application's records and audit (version 5, branch office-app) ---- */

static ld_err orec_kind_key(struct ld_central *c, const char *what, int kind, const char *key,
                            char *msg, size_t msglen)
{
    if (kind < 1 || kind > LD_OREC_KIND_MAX)
        return finish(c,
                      BAD(LD_ERR_INVALID, "%s: kind %d is not 1..%d", what, kind, LD_OREC_KIND_MAX),
                      msg, msglen);
    if (!central__orec_key_ok(key))
        return finish(c,
                      BAD(LD_ERR_INVALID,
                          "%s: the key is not 1..%d of letters, digits and . _ @ : / -", what,
                          LD_CENTRAL_OREC_KEY_MAX),
                      msg, msglen);
    return LD_OK;
}

/* Checks rec and stores it (only_new: refusing a taken key). */
static ld_err orec_store(struct ld_central *c, const struct ld_central_orec *rec, bool only_new,
                         char *msg, size_t msglen)
{
    ld_err err = begin(c, "office record", true, msg, msglen);
    if (err)
        return err;
    err = ld_central_orec_check(rec, msg, msglen);
    if (!err)
        err = c->ops->orec_put(c->impl, rec, only_new, msg, msglen);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_orec_put(struct ld_central *c, const struct ld_central_orec *rec, char *msg,
                           size_t msglen)
{
    return orec_store(c, rec, false, msg, msglen);
}

ld_err ld_central_orec_add(struct ld_central *c, const struct ld_central_orec *rec, char *msg,
                           size_t msglen)
{
    return orec_store(c, rec, true, msg, msglen);
}

ld_err ld_central_orec_get(struct ld_central *c, int kind, const char *key,
                           struct ld_central_orec *out, char *msg, size_t msglen)
{
    struct ld_central_orec rec;
    ld_err err = begin(c, "office record", true, msg, msglen);
    if (!err)
        err = orec_kind_key(c, "office record", kind, key, msg, msglen);
    if (err)
        return err;
    err = c->ops->orec_get(c->impl, kind, key, &rec, msg, msglen);
    if (!err && (rec.kind != kind || strcmp(rec.key, key)))
        err = BAD(LD_ERR_CORRUPT, "office_records: asked for %d/%s, got another row", kind, key);
    if (!err && out)
        *out = rec;
    return finish(c, err, msg, msglen);
}

ld_err ld_central_orec_delete(struct ld_central *c, int kind, const char *key, char *msg,
                              size_t msglen)
{
    ld_err err = begin(c, "office record", true, msg, msglen);
    if (!err)
        err = orec_kind_key(c, "office record", kind, key, msg, msglen);
    if (err)
        return err;
    return finish(c, c->ops->orec_delete(c->impl, kind, key, msg, msglen), msg, msglen);
}

ld_err ld_central_orecs(struct ld_central *c, int kind, const char *school, const char *prefix,
                        struct ld_central_orec *out, size_t cap, size_t *n, char *msg,
                        size_t msglen)
{
    ld_err err = begin(c, "office records", true, msg, msglen);
    if (err)
        return err;
    if (prefix && prefix[0])
        err = orec_kind_key(c, "office records", kind, prefix, msg, msglen);
    else
        err = orec_kind_key(c, "office records", kind, "x", msg, msglen);
    if (err)
        return err;
    if (school)
        CHECK_ID("office records", "school id", school);
    if (!out || !cap || !n)
        return finish(c, BAD(LD_ERR_INVALID, "office records: nothing to fill"), msg, msglen);
    size_t got = 0;
    err = c->ops->orecs(c->impl, kind, school, prefix && prefix[0] ? prefix : NULL, out, cap, &got,
                        msg, msglen);
    /* the rows were checked as they were decoded; here, that they are the ones asked for */
    size_t plen = prefix ? strlen(prefix) : 0;
    for (size_t i = 0; (!err || err == LD_ERR_RANGE) && i < got; i++)
        if (out[i].kind != kind || (school && strcmp(out[i].school, school)) ||
            strncmp(out[i].key, prefix ? prefix : "", plen) ||
            (i && strcmp(out[i - 1].key, out[i].key) >= 0))
            err =
                BAD(LD_ERR_CORRUPT, "office_records row %d/%s: not one asked for, or out of order",
                    out[i].kind, out[i].key);
    if (!err || err == LD_ERR_RANGE)
        *n = got;
    return finish(c, err, msg, msglen);
}

ld_err ld_central_audit_add(struct ld_central *c, const char *school, const char *who,
                            const char *what, int64_t at_ms, char *msg, size_t msglen)
{
    ld_err err = begin(c, "audit", true, msg, msglen);
    if (err)
        return err;
    err = central__audit_ok(school, who, what, msg, msglen);
    if (!err && at_ms < 0)
        err = BAD(LD_ERR_INVALID, "audit: at_ms: negative");
    if (!err)
        err = c->ops->audit_add(c->impl, school, who, what, at_ms, msg, msglen);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_audit_list(struct ld_central *c, const char *school, struct ld_central_audit *out,
                             size_t cap, size_t *n, char *msg, size_t msglen)
{
    ld_err err = begin(c, "audit", true, msg, msglen);
    if (err)
        return err;
    if (school)
        CHECK_ID("audit", "school id", school);
    if (!out || !cap || !n)
        return finish(c, BAD(LD_ERR_INVALID, "audit: nothing to fill"), msg, msglen);
    size_t got = 0;
    err = c->ops->audit_list(c->impl, school, out, cap, &got, msg, msglen);
    for (size_t i = 0; !err && i < got; i++)
        if ((school && strcmp(out[i].school, school)) || (i && out[i - 1].seq <= out[i].seq))
            err = BAD(LD_ERR_CORRUPT,
                      "office_audit row %" PRId64 ": not one asked for, or out of "
                      "order",
                      out[i].seq);
    if (!err)
        *n = got;
    return finish(c, err, msg, msglen);
}

/* ---- device status (version 9, branch office-devices) ---- */

ld_err ld_central_status_put(struct ld_central *c, const char *device,
                             const struct ld_central_device_status *st, char *msg, size_t msglen)
{
    char school[LD_CENTRAL_ID_MAX + 1] = "";
    ld_err err = begin(c, "device status", false, msg, msglen);
    if (err)
        return err;
    CHECK_ID("device status", "device id", device);
    if ((err = ld_central_status_check(st, msg, msglen)))
        return finish(c, err, msg, msglen);
    const char *login = c->ops->login_device(c->impl);
    /* A device reports for itself only: the same rule as the database's policies, so that the
     * SQLite store's one writer keeps it too and a refusal says why. */
    if (c->role == LD_CENTRAL_DEVICE &&
        (strcmp(st->device_id, device) || (login[0] && strcmp(login, device))))
        return finish(c,
                      BAD(LD_ERR_AUTH,
                          "device status of %s: a device reports only its own status (this is "
                          "device %s)",
                          st->device_id, login[0] ? login : device),
                      msg, msglen);
    if (strcmp(st->device_id, device))
        return finish(c,
                      BAD(LD_ERR_INVALID, "device status: field device_id: %s is not device %s",
                          st->device_id, device),
                      msg, msglen);
    /* Not the cached lookup: a device disabled since this handle opened reports nothing. */
    err = c->ops->device_school(c->impl, device, school, msg, msglen);
    if (!err && strcmp(school, st->school))
        err = BAD(LD_ERR_INVALID, "device status of %s: field school: %s is not its school %s",
                  device, st->school, school);
    if (!err)
        err = c->ops->status_put(c->impl, st, msg, msglen);
    return finish(c, err, msg, msglen);
}

ld_err ld_central_statuses(struct ld_central *c, const char *school,
                           struct ld_central_device_status *out, size_t cap, size_t *n, char *msg,
                           size_t msglen)
{
    ld_err err = begin(c, "device status", true, msg, msglen);
    if (err)
        return err;
    CHECK_ID("device status", "school id", school);
    if (!out || !cap || !n)
        return finish(c, BAD(LD_ERR_INVALID, "device status: nothing to fill"), msg, msglen);
    size_t got = 0;
    err = c->ops->statuses(c->impl, school, out, cap, &got, msg, msglen);
    for (size_t i = 0; (!err || err == LD_ERR_RANGE) && i < got; i++)
        if (strcmp(out[i].school, school) ||
            (i && strcmp(out[i - 1].device_id, out[i].device_id) >= 0))
            err = BAD(LD_ERR_CORRUPT, "device_status row %s: not one asked for, or out of order",
                      out[i].device_id);
    if (!err || err == LD_ERR_RANGE)
        *n = got;
    return finish(c, err, msg, msglen);
}
