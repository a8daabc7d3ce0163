/* web.h: latedoor-office, the office's web application: what its files share. */
#ifndef LD_WEB_H
#define LD_WEB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "central.h"
#include "report.h"
#include "report_letter.h"
#include "report_out.h"
#include "users.h"

/* Limits on what a client may send (web_http.c); over them the request is refused. */
#define LD_WEB_FORM_MAX       (64u << 10) /* bytes of a form's body */
#define LD_WEB_FIELDS_MAX     64          /* fields of a form */
#define LD_WEB_UPLOAD_MAX     (8u << 20)  /* bytes of an upload (multipart, to .../upload only) */
#define LD_WEB_UPLOADS_HELD   16          /* uploads waiting for their confirmation */
#define LD_WEB_MEMORY_LIMIT   (32u << 10) /* bytes per connection for its headers (MHD) */
#define LD_WEB_TIMEOUT_S      10          /* a client silent this long is cut off */
#define LD_WEB_CONNECTIONS    256
#define LD_WEB_PER_IP         64
#define LD_WEB_IDLE_MS        (30 * 60 * 1000)   /* a session unused this long has ended */
#define LD_WEB_SESSION_MAX_MS (12 * 3600 * 1000) /* and any session after a working day */
#define LD_WEB_SCHOOLS_MAX    64

/* Sign-in failures from one client address, across accounts (web_throttle.c). */
#define LD_WEB_ADDR_MAX          46 /* an IPv6 address as text */
#define LD_WEB_ADDRS_HELD        1024
#define LD_WEB_ADDR_SLOW_AFTER   10 /* failures: each try after waits (1 s, doubling to 60 s) */
#define LD_WEB_ADDR_REFUSE_AFTER 30 /* failures: the address is refused for the window */
#define LD_WEB_ADDR_WINDOW_MS    (15 * 60 * 1000) /* a count is forgotten this long after */

/* How latedoor-office is started (main.c). */
struct ld_web_options {
    const char *central, *passfile;
    const char *listen_host; /* "127.0.0.1" */
    int port;
    const char *tls_cert, *tls_key; /* PEM files; NULL both: plain HTTP (loopback only) */
    const char *files_dir;          /* served under /files/ to signed-in users; NULL: none */
    const char *clock_file;         /* tests: the time in ms since 1970 is read from it */
    int threads;
    int timeout_s;             /* a client silent this long is cut off; 0: LD_WEB_TIMEOUT_S */
    const char *template_path; /* the letter template; NULL: the report's default */
    const char *trusted_proxy; /* the reverse proxy's address: its X-Forwarded-For is believed */
};

struct ld_web;

/* One client address's sign-in failures in a row (web_throttle.c). */
struct web_addr_fails {
    char addr[LD_WEB_ADDR_MAX + 1]; /* "" for a free slot */
    int fails;
    int64_t last_ms;
};

#define LD_WEB_PAGES_CACHED 64 /* rendered pages kept per report */

/* A page of the report, rendered once for a report that never changes. */
struct web_page {
    char name[48];
    ld_date day;
    char *html;
    size_t len;
};

/* One report per school, loaded from the store and kept until its data changes (web_cache.c). */
struct web_report {
    struct ld_report *r;
    int refs;
    int64_t last_seq;     /* the school's last global_seq when it was loaded: the page's version */
    pthread_mutex_t lock; /* of pages */
    struct web_page pages[LD_WEB_PAGES_CACHED];
    size_t next; /* the slot the next page takes, round the ring */
};

/* A signed-in session (web_session.c). */
struct web_session {
    char id[65];
    char csrf[65];
    struct ld_user user;
    int64_t created_ms, seen_ms;
};

/* One form field, decoded. */
struct web_field {
    char *name, *value;
};

/* One request, as the pages see it. */
struct web_req {
    struct ld_web *w;
    const char *method, *url;
    void *conn;                                 /* struct MHD_Connection */
    struct web_field fields[LD_WEB_FIELDS_MAX]; /* the query string's, then the body's */
    size_t nfields;
    bool has_session;
    struct web_session s;
    int status; /* of the response the page builds */
    struct ld_buf body;
    const char *type;
    char location[512];    /* a redirect */
    char cookie[256];      /* a Set-Cookie to send */
    char log_version[48];  /* Today's fragment: the log's version, for its script */
    char download[64];     /* a file to save under this name (Content-Disposition) */
    struct ld_buf upload;  /* the file of a multipart form ("file") */
    char upload_name[128]; /* and its name as the browser gave it */
};

struct ld_web {
    struct ld_web_options opt;
    struct ld_central *c; /* used under store_lock */
    pthread_mutex_t store_lock;
    pthread_mutex_t cache_lock;
    struct web_cache_entry *cache;
    size_t ncache;
    bool tls;
    void *daemon;                      /* struct MHD_Daemon */
    struct ld_letter_template *letter; /* NULL: letters cannot be shown (said on the page) */
    pthread_mutex_t upload_lock;
    struct web_upload *uploads;    /* LD_WEB_UPLOADS_HELD, waiting to be confirmed (web_upload.c) */
    pthread_mutex_t throttle_lock; /* of addr_fails */
    struct web_addr_fails addr_fails[LD_WEB_ADDRS_HELD];
};

/* ---- web_http.c ---- */

/* Starts the server of w (opt filled, store open); false with a message on failure. */
bool ld_web_start(struct ld_web *w, char *msg, size_t msglen);
void ld_web_stop(struct ld_web *w);

/* The value of the form or query field name, or NULL. */
const char *web_field(const struct web_req *q, const char *name);
/* The request header or cookie name, or NULL. */
const char *web_header(const struct web_req *q, const char *name);
const char *web_cookie(const struct web_req *q, const char *name);

/* Milliseconds since 1970: the clock, or the test clock file. */
int64_t web_now_ms(const struct ld_web *w);

/* Fills 32 random bytes as 64 hex digits into out. */
void web_random_hex(char out[65]);

/* ---- web_session.c ---- */

/* Looks up the session of the request's cookie; sets q->has_session and q->s when it is live. */
void web_session_load(struct web_req *q);
/* Makes a new session for u (a new id, never the one the browser sent) and sets its cookie. */
ld_err web_session_create(struct web_req *q, const struct ld_user *u, char *msg, size_t msglen);
/* Ends the request's session. */
void web_session_end(struct web_req *q);
/* True when the form's csrf field is the session's token. */
bool web_csrf_ok(const struct web_req *q);
/* Appends a line to the audit as the signed-in user, under the store lock. */
void web_audit(struct web_req *q, const char *school, const char *what);

/* ---- web_cache.c ---- */

/* The current report of school, loaded or refreshed as needed; release with web_report_put. */
struct web_report *web_report_get(struct ld_web *w, const char *school, char *msg, size_t msglen);
void web_report_put(struct ld_web *w, struct web_report *wr);
/* Appends the report's page name of day (ld_report_page) to out, rendered once per report. */
ld_err web_report_page(struct web_report *wr, const char *name, ld_date day, struct ld_buf *out,
                       char *msg, size_t msglen);
/* Drops the cached report of school, so the next page loads it again (after a change). */
void web_report_stale(struct ld_web *w, const char *school);
void web_cache_free(struct ld_web *w);

/* ---- web_pages.c: the layout, sign-in, routing ---- */

/* Answers the request: fills q->status, q->body, q->type, q->location, q->cookie. */
void web_route(struct web_req *q);

/* Opens a page: head, the school's navigation for the user's role, the search box. school may
 * be NULL (the sign-in page, the chooser). */
void web_page_open(struct web_req *q, const char *title, const char *school);
void web_page_close(struct web_req *q);
/* The hidden CSRF field every form carries. */
void web_csrf_input(struct web_req *q);
/* A page saying what went wrong, with status. */
void web_error(struct web_req *q, int status, const char *school, const char *text);
/* A 303 to location (a path of this server). */
void web_redirect(struct web_req *q, const char *location);

/* ---- web_throttle.c: sign-in failures per client address ---- */

/* The request's client address: the peer's, or X-Forwarded-For's last from the trusted proxy. */
void web_client_address(const struct web_req *q, char out[LD_WEB_ADDR_MAX + 1]);
/* How long an address waits after fails failures in a row (the window once refused). */
int64_t web_addr_backoff_ms(int fails);
/* True when addr may try to sign in now; else false with the message for the sign-in page. */
bool web_addr_may_try(struct ld_web *w, const char *addr, char *msg, size_t msglen);
/* Counts a failed sign-in from addr. */
void web_addr_failed(struct ld_web *w, const char *addr);

/* ---- web_upload.c: the roster and MIS marks uploaded, previewed, then stored ---- */

/* Answers /s/SCHOOL/upload (GET: the form; POST: a preview or the confirmation). */
void web_upload(struct web_req *q, const char *school, const struct ld_report *r);
void web_uploads_free(struct ld_web *w);

/* ---- web_school.c: one school's pages and their routes ---- */

#define LD_WEB_RECORDS_SHOWN 500 /* calls or letters read for a page */

/* Answers /s/SCHOOL/rest for a user allowed to see school. */
void web_school(struct web_req *q, const char *school, const char *rest);
/* Writes p's preferred name, escaped; and a link to p's page with it. */
void web_pupil_name(struct ld_buf *b, const struct ld_roster_pupil *p);
void web_pupil_link(struct ld_buf *b, const struct ld_roster_pupil *p);

/* ---- web_correct.c: corrections (GET the form, POST the confirmation, then the save) ---- */
void web_correct(struct web_req *q, const char *school, const struct ld_report *r);

/* ---- web_family.c: the calling list and letters ---- */
void web_calls(struct web_req *q, const char *school, const struct ld_report *r);
void web_call_post(struct web_req *q, const char *school, const struct ld_report *r);
/* Writes the calls among recs (sorted by key) whose key starts with prefix. */
void web_calls_of(struct ld_buf *b, const struct ld_central_orec *recs, size_t n,
                  const char *prefix);
/* Keys a call or letter "DATE/UPN/MS.RANDOM": two on the same millisecond stay two. */
void web_unique_key(struct ld_central_orec *rec, const char *date, const char *upn, int64_t ms);
void web_letters(struct web_req *q, const char *school, const struct ld_report *r);
void web_letter_page(struct web_req *q, const char *school, const struct ld_report *r,
                     const char *name);

/* ---- web_figures.c: figures without names, conflicts, devices, the audit ---- */
void web_summary(struct web_req *q, const char *school, const struct ld_report *r);
void web_conflicts(struct web_req *q, const char *school, const struct ld_report *r);
/* ---- web_settings.c: the settings, read by the office, changed by the technician ---- */
void web_settings(struct web_req *q, const char *school, const struct ld_report *r);
void web_audit_page(struct web_req *q, const char *school);

/* ---- web_devices.c: each kiosk's last report, quiet ones and wrong clocks said plainly ---- */
void web_devices(struct web_req *q, const char *school, const struct ld_report *r);
/* The school's kiosks as they last reported (not the office's own device), read once a page. */
struct web_kiosks {
    struct ld_central_device_status *all;
    size_t n;
};
/* Reads them into *k (web_kiosks_free); a failure is logged and leaves none. */
ld_err web_kiosks_read(struct web_req *q, const char *school, struct web_kiosks *k);
void web_kiosks_free(struct web_kiosks *k);
/*
 * Today's strip of kiosk states: each kiosk's state now in a few words, its worst first (no
 * word for ten minutes, the card reader, the clock, sync failing, events waiting, else "all
 * well"), times in tz. Returns false, writing nothing, when there is no kiosk in k.
 */
struct ld_tz;
bool web_kiosks_strip(struct web_req *q, const struct web_kiosks *k, const struct ld_tz *tz);
/* A number that moves whenever the strip may read otherwise: a report arrived, a minute passed
 * (a kiosk falls quiet without a word). Part of the live Today's version. */
int64_t web_kiosks_stamp(struct web_req *q, const struct web_kiosks *k);

#endif
