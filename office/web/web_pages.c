/*
 * web_pages.c: latedoor-office's layout, sign-in and sign-out, the routes and who may follow
 * them, the embedded style and script, and the files of a static report (/files/).
 */
#include "web.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char app_css[] =
    "body{margin:0;max-width:none}main,div.page{padding:.3em 1em}div.page main,div.page header"
    "{padding:0}"
    ".bar{display:flex;flex-wrap:wrap;align-items:center;gap:.4em 1em;padding:.5em 1em;"
    "background:#1f3b57;color:#fff}.bar a{color:#fff}.bar form{margin:0}"
    ".bar .who{margin-left:auto}.bar input[type=search]{width:12em;max-width:60vw}"
    "button,input,select,textarea{font:inherit;padding:.3em .5em;max-width:100%;"
    "box-sizing:border-box}textarea{font-family:monospace}"
    ".ok{background:#eef6ee;border-left:4px solid #3a7d3a;padding:.4em .8em}"
    ".err{background:#fbeaea;border-left:4px solid #b3001b;padding:.4em .8em}"
    ".confirm{border:2px solid #1f3b57;padding:.6em 1em;max-width:36em}"
    ".strip span{display:inline-block;margin:.2em .4em .2em 0;padding:.2em .5em;"
    "border-radius:3px;background:#eef}"
    ".strip span.warn,strong.warn{background:#fbeaea;color:#8a0014;font-weight:bold}"
    "@media (max-width:600px){body{font-size:15px}td,th{padding:.2em .3em}"
    ".bar .who{margin-left:0}table{display:block;overflow-x:auto}"
    "#log th:nth-child(8),#log td:nth-child(8){display:none}"
    "#call-log{display:table;width:100%}#call-log thead{display:none}#call-log tr{display:block;"
    "border-bottom:1px solid #bbb;padding:.3em 0}#call-log td{display:inline-block;border:0}"
    "#call-log td:last-child{display:block}"
    "#changes{display:table}#changes td:first-child{overflow-wrap:anywhere}}";

/* Polls the late log's fragment every 2 s and puts it in place when the log has changed. */
static const char app_js[] =
    "(function(){var live=document.getElementById('live');if(!live)return;\n"
    "function poll(){var u=live.getAttribute('data-src')+'&v='+live.getAttribute('data-v');\n"
    "fetch(u,{credentials:'same-origin'}).then(function(r){\n"
    "if(r.status===200){var v=r.headers.get('X-Log-Version');return r.text().then(function(t){\n"
    "live.innerHTML=t;live.setAttribute('data-v',v);});}}).catch(function(){})\n"
    ".then(function(){setTimeout(poll,2000);});}\n"
    "setTimeout(poll,2000);})();\n";

void web_redirect(struct web_req *q, const char *location)
{
    q->status = 303;
    snprintf(q->location, sizeof q->location, "%s", location);
}

void web_csrf_input(struct web_req *q)
{
    ld_buf_printf(&q->body, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->s.csrf);
}

void web_page_open(struct web_req *q, const char *title, const char *school)
{
    struct ld_buf *b = &q->body;
    ld_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    ld_buf_html(b, title);
    ld_buf_puts(b, " — latedoor</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
                   "</head>\n<body>\n<div class=\"bar\"><strong>latedoor</strong>");
    if (q->has_session && school) {
        char base[LD_CENTRAL_ID_MAX + 8];
        snprintf(base, sizeof base, "/s/%s/", school);
        enum ld_user_role role = q->s.user.role;
        if (role == LD_ROLE_OFFICE || role == LD_ROLE_LEAD) {
            static const char *const links[][2] = {
                {"today", "Today"},         {"calls", "Calling list"}, {"action.html", "Action"},
                {"weekly.html", "Classes"}, {"letters", "Letters"},    {"conflicts", "Conflicts"},
                {"summary", "Summary"},     {"devices", "Devices"},    {"settings", "Settings"},
                {"upload", "Uploads"}};
            for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
                ld_buf_printf(b, "<a href=\"%s%s\">%s</a>", base, links[i][0], links[i][1]);
            ld_buf_printf(b,
                          "<form method=\"get\" action=\"%ssearch\" role=\"search\"><input "
                          "type=\"search\" name=\"q\" placeholder=\"Name, UPN or class\" "
                          "aria-label=\"Search for a pupil\"> <button>Search</button></form>",
                          base);
        } else if (role == LD_ROLE_HEAD) {
            ld_buf_printf(b, "<a href=\"%ssummary\">Summary</a>", base);
        } else {
            ld_buf_printf(b,
                          "<a href=\"%sdevices\">Devices</a><a href=\"%ssettings\">Settings</a>"
                          "<a href=\"%supload\">Uploads</a><a href=\"%saudit\">Audit</a>",
                          base, base, base, base);
        }
    }
    if (q->has_session) {
        ld_buf_puts(b, "<form class=\"who\" method=\"post\" action=\"/logout\">");
        ld_buf_html(b, q->s.user.name);
        ld_buf_printf(b, " (%s) ", ld_user_role_name(q->s.user.role));
        web_csrf_input(q);
        ld_buf_puts(b, "<button>Sign out</button></form>");
    }
    ld_buf_puts(b, "</div>\n");
}

void web_page_close(struct web_req *q)
{
    ld_buf_puts(&q->body, "<script src=\"/static/app.js\"></script>\n</body>\n</html>\n");
}

void web_error(struct web_req *q, int status, const char *school, const char *text)
{
    q->body.len = 0;
    q->status = status;
    web_page_open(q, "Sorry", school);
    ld_buf_puts(&q->body, "<main><p class=\"err\">");
    ld_buf_html(&q->body, text);
    ld_buf_puts(&q->body, "</p></main>\n");
    web_page_close(q);
}

/* ---- sign-in ---- */

/* The sign-in form; a pre-sign-in token in a cookie and the form stops cross-site sign-ins. */
static void login_form(struct web_req *q, const char *error)
{
    char token[65];
    const char *had = web_cookie(q, "ld_pre");
    /* keep a token the browser has: another tab's (or the favicon's) visit must not void it */
    if (had && strlen(had) == 64 && strspn(had, "0123456789abcdef") == 64)
        snprintf(token, sizeof token, "%s", had);
    else
        web_random_hex(token);
    snprintf(q->cookie, sizeof q->cookie, "ld_pre=%s; Path=/login; HttpOnly; SameSite=Strict%s",
             token, q->w->tls ? "; Secure" : "");
    web_page_open(q, "Sign in", NULL);
    ld_buf_puts(&q->body, "<main><h1>Sign in</h1>\n");
    if (error) {
        ld_buf_puts(&q->body, "<p class=\"err\" id=\"login-error\">");
        ld_buf_html(&q->body, error);
        ld_buf_puts(&q->body, "</p>\n");
    }
    ld_buf_printf(&q->body,
                  "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"pre\" "
                  "value=\"%s\"><p><label>User name<br><input name=\"user\" id=\"user\" "
                  "autocomplete=\"username\" required></label></p><p><label>Password<br><input "
                  "type=\"password\" name=\"password\" id=\"password\" "
                  "autocomplete=\"current-password\" required></label></p><p><button "
                  "id=\"sign-in\">Sign in</button></p></form></main>\n",
                  token);
    web_page_close(q);
}

static void home(struct web_req *q)
{
    char where[LD_CENTRAL_ID_MAX + 16];
    const struct ld_user *u = &q->s.user;
    if (!u->school[0]) { /* a technician of every school: the first school */
        struct ld_central_school s[1];
        size_t n = 0;
        char msg[256];
        pthread_mutex_lock(&q->w->store_lock);
        ld_err err = ld_central_schools(q->w->c, s, 1, &n, msg, sizeof msg);
        pthread_mutex_unlock(&q->w->store_lock);
        if ((err && err != LD_ERR_RANGE) || n == 0) {
            web_error(q, 404, NULL, "The central store holds no school yet.");
            return;
        }
        snprintf(where, sizeof where, "/s/%s/devices", s[0].id);
    } else {
        snprintf(where, sizeof where, "/s/%s/%s", u->school,
                 u->role == LD_ROLE_HEAD   ? "summary"
                 : u->role == LD_ROLE_TECH ? "devices"
                                           : "today");
    }
    web_redirect(q, where);
}

static void login_post(struct web_req *q)
{
    const char *pre = web_field(q, "pre"), *cookie = web_cookie(q, "ld_pre");
    const char *name = web_field(q, "user"), *password = web_field(q, "password");
    struct ld_user u;
    char msg[512];
    if (!pre || !cookie || strlen(pre) != 64 || strcmp(pre, cookie)) {
        q->status = 403;
        login_form(q, "This form has expired. Please sign in again.");
        return;
    }
    char addr[LD_WEB_ADDR_MAX + 1];
    web_client_address(q, addr);
    /* an address that failed too often is stopped before its try reaches any account */
    if (!web_addr_may_try(q->w, addr, msg, sizeof msg)) {
        q->status = 429;
        login_form(q, msg);
        return;
    }
    pthread_mutex_lock(&q->w->store_lock);
    ld_err err = ld_user_sign_in(q->w->c, name ? name : "", password ? password : "",
                                 web_now_ms(q->w), &u, msg, sizeof msg);
    pthread_mutex_unlock(&q->w->store_lock);
    if (err == LD_ERR_AUTH || err == LD_ERR_BUSY || err == LD_ERR_STATE)
        web_addr_failed(q->w, addr);
    if (err) {
        q->status = err == LD_ERR_BUSY ? 429 : err == LD_ERR_STATE ? 423 : 401;
        if (err != LD_ERR_AUTH && err != LD_ERR_BUSY && err != LD_ERR_STATE) {
            fprintf(stderr, "latedoor-office: sign-in: %s\n", msg);
            snprintf(msg, sizeof msg, "Signing in is not possible just now; try again soon.");
        }
        login_form(q, msg);
        return;
    }
    /* a new session id whatever the browser had: a planted id is never signed in */
    if (q->has_session)
        web_session_end(q);
    if (web_session_create(q, &u, msg, sizeof msg)) {
        fprintf(stderr, "latedoor-office: session: %s\n", msg);
        web_error(q, 503, NULL, "Signing in is not possible just now; try again soon.");
        return;
    }
    home(q);
}

/* ---- files ---- */

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (dot && !strcmp(dot, ".csv"))
        return "text/csv; charset=utf-8";
    if (dot && !strcmp(dot, ".svg"))
        return "image/svg+xml";
    return "application/octet-stream";
}

/* True when path (after "/files/") names a file below the folder: no "..", no hidden part. */
static bool file_path_ok(const char *path)
{
    if (!path[0] || strlen(path) > 200)
        return false;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || (unsigned char)*p < 0x20)
            return false;
    const char *seg = path;
    while (seg) {
        if (seg[0] == '.' || seg[0] == '/' || seg[0] == '\0')
            return false; /* "..", ".hidden", "//", a trailing "/" */
        seg = strchr(seg, '/');
        if (seg)
            seg++;
    }
    return true;
}

static void serve_file(struct web_req *q, const char *path)
{
    char full[PATH_MAX];
    if (!q->w->opt.files_dir) {
        web_error(q, 404, NULL, "No such page.");
        return;
    }
    if (!file_path_ok(path)) {
        web_error(q, 400, NULL, "That is not a file's name.");
        return;
    }
    snprintf(full, sizeof full, "%s/%s", q->w->opt.files_dir, path);
    int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
        if (fd >= 0)
            close(fd);
        web_error(q, 404, NULL, "No such file.");
        return;
    }
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        ld_buf_put(&q->body, chunk, (size_t)n);
    close(fd);
    q->type = type_of(path);
}

/* ---- routes ---- */

/* True unless the browser says the form came from another site: its Origin, when it sends one,
 * must name this server (the CSRF token is the main guard; this is a second one). */
static bool same_origin(const struct web_req *q)
{
    const char *origin = web_header(q, "Origin"), *host = web_header(q, "Host");
    if (!origin)
        return true;
    const char *rest = !strncmp(origin, "https://", 8)  ? origin + 8
                       : !strncmp(origin, "http://", 7) ? origin + 7
                                                        : NULL;
    return rest && host && !strcmp(rest, host);
}

/* True when u may see school: its own, or every school for a technician of none. */
static bool may_see(const struct ld_user *u, const char *school)
{
    return !strcmp(u->school, school) || (u->role == LD_ROLE_TECH && !u->school[0]);
}

void web_route(struct web_req *q)
{
    const char *url = q->url;
    bool post = !strcmp(q->method, "POST");
    if (!strcmp(url, "/static/app.css")) {
        ld_buf_puts(&q->body, ld_report_css());
        ld_buf_puts(&q->body, app_css);
        q->type = "text/css; charset=utf-8";
        return;
    }
    if (!strcmp(url, "/static/app.js")) {
        ld_buf_puts(&q->body, app_js);
        q->type = "text/javascript; charset=utf-8";
        return;
    }
    if (!strcmp(url, "/favicon.ico")) {
        q->status = 404;
        q->type = "text/plain; charset=utf-8";
        return;
    }
    if (!strcmp(url, "/login")) {
        if (post)
            login_post(q);
        else if (q->has_session)
            home(q);
        else
            login_form(q, NULL);
        return;
    }
    if (!q->has_session) {
        web_redirect(q, "/login");
        return;
    }
    if (post && !same_origin(q)) {
        web_error(q, 403, NULL, "This form did not come from this site.");
        return;
    }
    if (post && !web_csrf_ok(q)) {
        web_error(q, 403, NULL,
                  "This form has expired or did not come from this site. Go back, "
                  "reload the page and try again.");
        return;
    }
    if (!strcmp(url, "/logout") && post) {
        web_audit(q, q->s.user.school, "signed out");
        web_session_end(q);
        web_redirect(q, "/login");
        return;
    }
    if (!strcmp(url, "/")) {
        home(q);
        return;
    }
    if (!strncmp(url, "/files/", 7)) {
        if (q->s.user.role == LD_ROLE_OFFICE || q->s.user.role == LD_ROLE_LEAD)
            serve_file(q, url + 7);
        else
            web_error(q, 404, NULL, "No such page.");
        return;
    }
    if (!strncmp(url, "/s/", 3)) {
        const char *slash = strchr(url + 3, '/');
        char school[LD_CENTRAL_ID_MAX + 1];
        size_t n = slash ? (size_t)(slash - (url + 3)) : 0;
        if (slash && n >= 1 && n <= LD_CENTRAL_ID_MAX) {
            memcpy(school, url + 3, n);
            school[n] = '\0';
            /* another school's pages do not exist for this user: the same answer as a typo */
            if (may_see(&q->s.user, school)) {
                web_school(q, school, slash + 1);
                return;
            }
        }
    }
    web_error(q, 404, NULL, "No such page.");
}
