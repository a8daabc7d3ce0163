/*
 * web_session.c: signed-in sessions, kept in the central store (so two servers share them):
 * the cookie, the idle time-out, the CSRF token of every form, the audit of every change.
 */
#include "web.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COOKIE "ld_session"

/* The store keeps a hash of the id, not the id: reading the table does not give a session. */
static void key_of(const char *id, char key[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
    sodium_bin2hex(key, 65, h, sizeof h);
}

static bool id_ok(const char *id)
{
    if (!id || strlen(id) != 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static ld_err save(struct ld_web *w, const struct web_session *s, char *msg, size_t msglen)
{
    struct ld_central_orec rec = {.kind = LD_OREC_SESSION, .updated_ms = s->seen_ms};
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    ld_err err = LD_ERR_NOMEM;
    key_of(s->id, rec.key);
    snprintf(rec.school, sizeof rec.school, "%s", s->user.school);
    if (o && cJSON_AddStringToObject(o, "user", s->user.name) &&
        cJSON_AddStringToObject(o, "csrf", s->csrf) &&
        cJSON_AddNumberToObject(o, "created_ms", (double)s->created_ms) &&
        cJSON_AddNumberToObject(o, "seen_ms", (double)s->seen_ms) &&
        (text = cJSON_PrintUnformatted(o)) && strlen(text) < sizeof rec.value) {
        snprintf(rec.value, sizeof rec.value, "%s", text);
        pthread_mutex_lock(&w->store_lock);
        err = ld_central_orec_put(w->c, &rec, msg, msglen);
        pthread_mutex_unlock(&w->store_lock);
    } else {
        snprintf(msg, msglen, "session: out of memory");
    }
    cJSON_free(text);
    cJSON_Delete(o);
    return err;
}

/* Forgets the session stored under key; a failure is logged (it ends at its time-out anyway). */
static void forget(struct ld_web *w, const char *key)
{
    char msg[256];
    pthread_mutex_lock(&w->store_lock);
    if (ld_central_orec_delete(w->c, LD_OREC_SESSION, key, msg, sizeof msg))
        fprintf(stderr, "latedoor-office: session: %s\n", msg);
    pthread_mutex_unlock(&w->store_lock);
}

static void set_cookie(struct web_req *q, const char *id, bool end)
{
    snprintf(q->cookie, sizeof q->cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
             end ? "" : id, q->w->tls ? "; Secure" : "", end ? "; Max-Age=0" : "");
}

void web_session_load(struct web_req *q)
{
    struct ld_web *w = q->w;
    const char *id = web_cookie(q, COOKIE);
    struct ld_central_orec rec;
    char key[65], msg[512];
    q->has_session = false;
    if (!id_ok(id))
        return;
    key_of(id, key);
    pthread_mutex_lock(&w->store_lock);
    ld_err err = ld_central_orec_get(w->c, LD_OREC_SESSION, key, &rec, msg, sizeof msg);
    pthread_mutex_unlock(&w->store_lock);
    if (err)
        return;
    cJSON *o = cJSON_Parse(rec.value);
    const cJSON *user = cJSON_GetObjectItemCaseSensitive(o, "user");
    const cJSON *csrf = cJSON_GetObjectItemCaseSensitive(o, "csrf");
    const cJSON *created = cJSON_GetObjectItemCaseSensitive(o, "created_ms");
    const cJSON *seen = cJSON_GetObjectItemCaseSensitive(o, "seen_ms");
    struct web_session s = {0};
    int64_t now = web_now_ms(w);
    bool ok = cJSON_IsString(user) && cJSON_IsString(csrf) && id_ok(csrf->valuestring) &&
              cJSON_IsNumber(created) && cJSON_IsNumber(seen);
    if (ok) {
        snprintf(s.id, sizeof s.id, "%s", id);
        snprintf(s.csrf, sizeof s.csrf, "%s", csrf->valuestring);
        s.created_ms = (int64_t)created->valuedouble;
        s.seen_ms = (int64_t)seen->valuedouble;
        ok = now - s.seen_ms < LD_WEB_IDLE_MS && now - s.created_ms < LD_WEB_SESSION_MAX_MS;
    }
    if (ok) {
        pthread_mutex_lock(&w->store_lock);
        ok = !ld_user_get(w->c, user->valuestring, &s.user, msg, sizeof msg) && !s.user.disabled &&
             !s.user.locked;
        pthread_mutex_unlock(&w->store_lock);
    }
    cJSON_Delete(o);
    if (!ok) {
        /* ended: idle too long, too old, or its user disabled; forget it */
        forget(w, key);
        return;
    }
    /* the store is written at most once a minute a session, not at every page */
    if (now - s.seen_ms > 60 * 1000) {
        s.seen_ms = now;
        (void)save(w, &s, msg, sizeof msg);
    }
    q->s = s;
    q->has_session = true;
}

ld_err web_session_create(struct web_req *q, const struct ld_user *u, char *msg, size_t msglen)
{
    struct web_session s = {.user = *u};
    s.created_ms = s.seen_ms = web_now_ms(q->w);
    web_random_hex(s.id);
    web_random_hex(s.csrf);
    ld_err err = save(q->w, &s, msg, msglen);
    if (!err) {
        set_cookie(q, s.id, false);
        q->s = s;
        q->has_session = true;
    }
    sodium_memzero(&s, sizeof s);
    return err;
}

void web_session_end(struct web_req *q)
{
    char key[65];
    if (q->has_session) {
        key_of(q->s.id, key);
        forget(q->w, key);
    }
    q->has_session = false;
    set_cookie(q, "", true);
}

bool web_csrf_ok(const struct web_req *q)
{
    const char *t = web_field(q, "csrf");
    return q->has_session && t && strlen(t) == 64 && sodium_memcmp(t, q->s.csrf, 64) == 0;
}

void web_audit(struct web_req *q, const char *school, const char *what)
{
    char msg[512];
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = ld_central_audit_add(q->w->c, school, q->has_session ? q->s.user.name : "-", what,
                                      web_now_ms(q->w), msg, sizeof msg);
    pthread_mutex_unlock(&q->w->store_lock);
    if (err)
        fprintf(stderr, "latedoor-office: audit: %s\n", msg);
}
