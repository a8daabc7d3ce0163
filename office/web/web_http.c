/*
 * web_http.c: latedoor-office's HTTP plumbing on GNU libmicrohttpd: limits on what a client may
 * send, the request's fields and cookies, the response's security headers.
 */
#include "web.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What one connection's request gathers between libmicrohttpd's calls. */
struct pending {
    struct ld_buf in; /* the body so far */
    size_t cap;       /* LD_WEB_FORM_MAX, or LD_WEB_UPLOAD_MAX for an upload */
    bool refused;     /* a response was queued before the body was read */
};

static bool add_field(struct web_req *q, const char *name, size_t nlen, const char *value,
                      size_t vlen);

/* True for a multipart form posted to a school's upload page: the only large bodies taken. */
static bool is_upload(struct MHD_Connection *conn, const char *url)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    size_t n = strlen(url);
    return ct && !strncmp(ct, "multipart/form-data", 19) && !strncmp(url, "/s/", 3) && n > 7 &&
           !strcmp(url + n - 7, "/upload");
}

/* Collects a multipart form's fields, and its "file" into q->upload. */
static enum MHD_Result multipart_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *filename, const char *content_type,
                                       const char *transfer_encoding, const char *data,
                                       uint64_t off, size_t size)
{
    struct web_req *q = cls;
    if (!strcmp(key, "file")) {
        if (filename && !q->upload_name[0])
            snprintf(q->upload_name, sizeof q->upload_name, "%s", filename);
        if (size)
            ld_buf_put(&q->upload, data, size);
        return q->upload.failed ? MHD_NO : MHD_YES;
    }
    if (off > 0 && q->nfields && !strcmp(q->fields[q->nfields - 1].name, key)) {
        /* a field given in several pieces: only short ones are expected */
        return MHD_NO;
    }
    return add_field(q, key, strlen(key), data ? data : "", size) ? MHD_YES : MHD_NO;
}

int64_t web_now_ms(const struct ld_web *w)
{
    if (w->opt.clock_file) {
        FILE *f = fopen(w->opt.clock_file, "r");
        long long v = -1;
        if (f) {
            if (fscanf(f, "%lld", &v) != 1)
                v = -1;
            fclose(f);
        }
        if (v >= 0)
            return (int64_t)v;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void web_random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

const char *web_field(const struct web_req *q, const char *name)
{
    for (size_t i = q->nfields; i-- > 0;)
        if (!strcmp(q->fields[i].name, name))
            return q->fields[i].value;
    return NULL;
}

const char *web_header(const struct web_req *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

const char *web_cookie(const struct web_req *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, name);
}

static bool add_field(struct web_req *q, const char *name, size_t nlen, const char *value,
                      size_t vlen)
{
    if (q->nfields >= LD_WEB_FIELDS_MAX)
        return false;
    char *n = strndup(name, nlen), *v = strndup(value, vlen);
    if (!n || !v) {
        free(n);
        free(v);
        return false;
    }
    q->fields[q->nfields++] = (struct web_field){n, v};
    return true;
}

static enum MHD_Result query_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct web_req *q = cls;
    if (!add_field(q, key, strlen(key), value ? value : "", value ? strlen(value) : 0))
        return MHD_NO;
    return MHD_YES;
}

/* Decodes %XX and '+' in place; false for a malformed escape or a NUL. */
static bool url_decode(char *s, size_t *len)
{
    size_t o = 0;
    for (size_t i = 0; i < *len; i++) {
        if (s[i] == '+') {
            s[o++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= *len + 0 || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2]))
                return false;
            char hex[3] = {s[i + 1], s[i + 2], 0};
            s[o] = (char)strtol(hex, NULL, 16);
            if (!s[o++])
                return false;
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    *len = o;
    return true;
}

/* Parses an application/x-www-form-urlencoded body into q's fields; false when malformed. */
static bool parse_form(struct web_req *q, char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        char *eq = memchr(body + i, '=', end - i);
        size_t nlen = eq ? (size_t)(eq - (body + i)) : end - i;
        size_t vlen = eq ? (size_t)(body + end - eq - 1) : 0;
        char *name = body + i, *value = eq ? eq + 1 : body + end;
        if (nlen && (!url_decode(name, &nlen) || !url_decode(value, &vlen) ||
                     !add_field(q, name, nlen, value, vlen)))
            return false;
        i = end + 1;
    }
    return true;
}

/* Adds the headers every response carries (over TLS, HSTS too). */
static void secure_headers(struct MHD_Response *r, bool tls)
{
    if (tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self' "
                            "'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_text(struct ld_web *w, struct MHD_Connection *conn, unsigned status,
                                 const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    secure_headers(r, w->tls);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void req_free(struct web_req *q)
{
    for (size_t i = 0; i < q->nfields; i++) {
        free(q->fields[i].name);
        free(q->fields[i].value);
    }
    ld_buf_free(&q->body);
    ld_buf_free(&q->upload);
    sodium_memzero(&q->s, sizeof q->s);
}

/* Runs the page for a complete request and queues its response. */
static enum MHD_Result answer(struct ld_web *w, struct MHD_Connection *conn, const char *url,
                              const char *method, struct pending *p)
{
    struct web_req q = {.w = w,
                        .method = method,
                        .url = url,
                        .conn = conn,
                        .status = 200,
                        .type = "text/html; charset=utf-8"};
    enum MHD_Result ret = MHD_NO;
    if (MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_field, &q) < 0) {
        req_free(&q);
        return send_text(w, conn, MHD_HTTP_BAD_REQUEST, "bad query\n");
    }
    if (!strcmp(method, "POST") && is_upload(conn, url)) {
        struct MHD_PostProcessor *pp =
            MHD_create_post_processor(conn, 16 * 1024, multipart_field, &q);
        bool ok = pp && MHD_post_process(pp, p->in.p ? p->in.p : "", p->in.len) == MHD_YES;
        if (pp)
            ok = MHD_destroy_post_processor(pp) == MHD_YES && ok;
        if (!ok) {
            req_free(&q);
            return send_text(w, conn, MHD_HTTP_BAD_REQUEST, "malformed upload\n");
        }
    } else if (!strcmp(method, "POST")) {
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33)) {
            req_free(&q);
            return send_text(w, conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "a form is expected\n");
        }
        if (!parse_form(&q, p->in.p ? p->in.p : "", p->in.len)) {
            req_free(&q);
            return send_text(w, conn, MHD_HTTP_BAD_REQUEST, "malformed form\n");
        }
    }
    web_session_load(&q);
    web_route(&q);
    struct MHD_Response *r = NULL;
    if (q.body.failed) {
        req_free(&q);
        return send_text(w, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    }
    r = MHD_create_response_from_buffer(q.body.len, q.body.p, MHD_RESPMEM_MUST_FREE);
    if (r) {
        q.body = (struct ld_buf){0}; /* the response owns it now */
        secure_headers(r, w->tls);
        MHD_add_response_header(r, "Content-Type", q.type);
        if (q.location[0])
            MHD_add_response_header(r, "Location", q.location);
        if (q.cookie[0])
            MHD_add_response_header(r, "Set-Cookie", q.cookie);
        if (q.download[0]) {
            char cd[96];
            snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", q.download);
            MHD_add_response_header(r, "Content-Disposition", cd);
        }
        if (q.log_version[0])
            MHD_add_response_header(r, "X-Log-Version", q.log_version);
        ret = MHD_queue_response(conn, (unsigned)q.status, r);
        MHD_destroy_response(r);
    }
    req_free(&q);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct ld_web *w = cls;
    struct pending *p = *con_cls;
    if (!p) {
        if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
            return send_text(w, conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
        if (!(p = calloc(1, sizeof *p)))
            return MHD_NO;
        *con_cls = p;
        p->cap = is_upload(conn, url) ? LD_WEB_UPLOAD_MAX : LD_WEB_FORM_MAX;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > p->cap) {
            p->refused = true;
            return send_text(w, conn, MHD_HTTP_CONTENT_TOO_LARGE, "the request is too large\n");
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!p->refused && p->in.len + *upload_data_size > p->cap) {
            p->refused = true;
            *upload_data_size = 0;
            return send_text(w, conn, MHD_HTTP_CONTENT_TOO_LARGE, "the request is too large\n");
        }
        if (!p->refused)
            ld_buf_put(&p->in, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (p->refused)
        return MHD_YES;
    return answer(w, conn, url, method, p);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct pending *p = *con_cls;
    if (p) {
        if (p->in.p)
            sodium_memzero(p->in.p, p->in.len);
        ld_buf_free(&p->in);
        free(p);
        *con_cls = NULL;
    }
}

/* Reads a whole PEM file into a NUL-terminated string; NULL with a message on failure. */
static char *read_pem(const char *path, char *msg, size_t msglen)
{
    FILE *f = fopen(path, "rb");
    char *s = NULL;
    if (!f) {
        snprintf(msg, msglen, "%s: cannot be read", path);
        return NULL;
    }
    struct ld_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        ld_buf_put(&b, chunk, n);
    fclose(f);
    ld_buf_put(&b, "", 1);
    if (b.failed || b.len < 2)
        snprintf(msg, msglen, "%s: empty or unreadable", path);
    else
        s = b.p, b.p = NULL;
    ld_buf_free(&b);
    return s;
}

bool ld_web_start(struct ld_web *w, char *msg, size_t msglen)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)w->opt.port)};
    char *cert = NULL, *key = NULL;
    bool ok = false;
    if (inet_pton(AF_INET, w->opt.listen_host, &sa.sin_addr) != 1) {
        snprintf(msg, msglen, "--listen: %s is not an IPv4 address", w->opt.listen_host);
        return false;
    }
    w->tls = w->opt.tls_cert != NULL;
    if (w->tls && (!(cert = read_pem(w->opt.tls_cert, msg, msglen)) ||
                   !(key = read_pem(w->opt.tls_key, msg, msglen))))
        goto out;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (w->tls)
        flags |= MHD_USE_TLS;
    unsigned threads = w->opt.threads > 0 ? (unsigned)w->opt.threads : 4;
    unsigned timeout = w->opt.timeout_s > 0 ? (unsigned)w->opt.timeout_s : LD_WEB_TIMEOUT_S;
    w->daemon =
        w->tls ? MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, &sa,
                                  MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                                  MHD_OPTION_THREAD_POOL_SIZE, threads,
                                  MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LD_WEB_MEMORY_LIMIT,
                                  MHD_OPTION_CONNECTION_LIMIT, (unsigned)LD_WEB_CONNECTIONS,
                                  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LD_WEB_PER_IP,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_completed, w, MHD_OPTION_END)
               : MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, &sa,
                                  MHD_OPTION_THREAD_POOL_SIZE, threads,
                                  MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LD_WEB_MEMORY_LIMIT,
                                  MHD_OPTION_CONNECTION_LIMIT, (unsigned)LD_WEB_CONNECTIONS,
                                  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LD_WEB_PER_IP,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_completed, w, MHD_OPTION_END);
    if (!w->daemon)
        snprintf(msg, msglen, "cannot listen on %s:%d (in use, or not allowed)", w->opt.listen_host,
                 w->opt.port);
    ok = w->daemon != NULL;
out:
    if (key)
        sodium_memzero(key, strlen(key));
    free(cert);
    free(key);
    return ok;
}

void ld_web_stop(struct ld_web *w)
{
    if (w->daemon)
        MHD_stop_daemon(w->daemon);
    w->daemon = NULL;
}
