/*
 * web_upload.c: the roster and the MIS marks uploaded from the browser. The file goes through
 * the same parsers as the command line (all or nothing, "file:line:column" messages); a good
 * one is shown as a preview and held in memory, for that session only, until the person
 * confirms it; only then is it stored, in one transaction.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"
#include "roster.h"

#define HOLD_MS     (10 * 60 * 1000) /* an upload not confirmed within this is forgotten */
#define PREVIEW_MAX 10               /* rows shown */

enum upload_kind { UP_ROSTER = 1, UP_MARKS };

struct web_upload {
    char token[65];
    char session[65];
    char school[LD_CENTRAL_ID_MAX + 1];
    enum upload_kind kind;
    char name[128];
    char *data;
    size_t len;
    int64_t at_ms;
};

static void drop(struct web_upload *u)
{
    free(u->data);
    memset(u, 0, sizeof *u);
}

void web_uploads_free(struct ld_web *w)
{
    for (size_t i = 0; w->uploads && i < LD_WEB_UPLOADS_HELD; i++)
        drop(&w->uploads[i]);
    free(w->uploads);
    w->uploads = NULL;
}

/* Keeps a copy of q's upload under a new token (written to token); false when it cannot. */
static bool hold(struct web_req *q, const char *school, enum upload_kind kind, char token[65])
{
    struct ld_web *w = q->w;
    int64_t now = web_now_ms(w);
    bool ok = false;
    pthread_mutex_lock(&w->upload_lock);
    if (!w->uploads)
        w->uploads = calloc(LD_WEB_UPLOADS_HELD, sizeof *w->uploads);
    struct web_upload *slot = NULL;
    for (size_t i = 0; w->uploads && i < LD_WEB_UPLOADS_HELD; i++) {
        struct web_upload *u = &w->uploads[i];
        if (u->data && (now - u->at_ms > HOLD_MS || !strcmp(u->session, q->s.id)))
            drop(u); /* too old, or this session's earlier one */
        if (!u->data && !slot)
            slot = u;
    }
    if (slot && (slot->data = malloc(q->upload.len + 1))) {
        memcpy(slot->data, q->upload.p, q->upload.len);
        slot->len = q->upload.len;
        web_random_hex(slot->token);
        snprintf(slot->session, sizeof slot->session, "%s", q->s.id);
        snprintf(slot->school, sizeof slot->school, "%s", school);
        snprintf(slot->name, sizeof slot->name, "%s", q->upload_name);
        slot->kind = kind;
        slot->at_ms = now;
        snprintf(token, 65, "%s", slot->token);
        ok = true;
    }
    pthread_mutex_unlock(&w->upload_lock);
    return ok;
}

/* Takes the upload of token, if it is this session's and school's and not too old. */
static bool take(struct web_req *q, const char *school, const char *token, struct web_upload *out)
{
    struct ld_web *w = q->w;
    bool ok = false;
    pthread_mutex_lock(&w->upload_lock);
    for (size_t i = 0; token && w->uploads && i < LD_WEB_UPLOADS_HELD; i++) {
        struct web_upload *u = &w->uploads[i];
        if (u->data && !strcmp(u->token, token) && !strcmp(u->session, q->s.id) &&
            !strcmp(u->school, school) && web_now_ms(w) - u->at_ms <= HOLD_MS) {
            *out = *u;
            memset(u, 0, sizeof *u); /* the caller owns the data now */
            ok = true;
        }
    }
    pthread_mutex_unlock(&w->upload_lock);
    return ok;
}

/* Parses data as kind; on success *roster or *marks (with *n) are the caller's. */
static ld_err parse(enum upload_kind kind, const char *data, size_t len, const char *name,
                    const struct ld_report *r, struct ld_roster *roster,
                    struct ld_central_mark **marks, size_t *n, char *msg, size_t msglen)
{
    if (kind == UP_ROSTER)
        return ld_roster_parse_csv_buffer(data, len, name, roster, NULL, msg, msglen);
    return ld_mis_marks_parse_buffer(data, len, name, &r->roster, marks, n, msg, msglen);
}

static void form(struct web_req *q, const char *school)
{
    struct ld_buf *b = &q->body;
    static const char *const kinds[][3] = {
        {"roster", "The roster", "the MIS's pupil list (CSV): it replaces the kiosks' roster"},
        {"marks", "MIS marks", "the MIS's attendance marks (CSV: UPN, Date, Session, Code)"}};
    web_page_open(q, "Uploads", school);
    ld_buf_puts(b, "<main><h1>Uploads</h1>\n<p>Choose the file; you will see what it holds "
                   "before anything is stored. A file with one bad line is refused whole, "
                   "naming the line and column.</p>\n");
    for (size_t k = 0; k < 2; k++) {
        ld_buf_printf(b,
                      "<h2>%s</h2>\n<p>%s.</p><form method=\"post\" action=\"upload\" "
                      "enctype=\"multipart/form-data\">",
                      kinds[k][1], kinds[k][2]);
        web_csrf_input(q);
        ld_buf_printf(b,
                      "<input type=\"hidden\" name=\"kind\" value=\"%s\"><input type=\"file\" "
                      "name=\"file\" id=\"file-%s\" accept=\".csv,text/csv\" required> <button "
                      "id=\"preview-%s\">Preview</button></form>\n",
                      kinds[k][0], kinds[k][0], kinds[k][0]);
    }
    ld_buf_puts(b, "</main>\n");
    web_page_close(q);
}

/* The preview: what the file holds, and the button that stores it. */
static void preview(struct web_req *q, const char *school, enum upload_kind kind,
                    const struct ld_roster *roster, const struct ld_central_mark *marks, size_t n,
                    const char *token)
{
    struct ld_buf *b = &q->body;
    size_t count = kind == UP_ROSTER ? roster->count : n;
    web_page_open(q, "Check the upload", school);
    ld_buf_puts(b, "<main><h1>Check before storing</h1>\n<p class=\"ok\" id=\"preview\">");
    ld_buf_html(b, q->upload_name[0] ? q->upload_name : "The file");
    ld_buf_printf(b, " holds <strong>%zu</strong> %s, all good. The first:</p>\n", count,
                  kind == UP_ROSTER ? "pupils" : "marks");
    ld_buf_puts(b, "<div class=\"scroll\"><table id=\"rows\"><tbody>\n");
    for (size_t i = 0; i < count && i < PREVIEW_MAX; i++) {
        ld_buf_puts(b, "<tr><td>");
        if (kind == UP_ROSTER) {
            const struct ld_roster_pupil *p = &roster->pupils[i];
            ld_buf_html(b, p->upn);
            ld_buf_puts(b, "</td><td>");
            ld_buf_html(b, p->preferred_first);
            ld_buf_puts(b, " ");
            ld_buf_html(b, p->preferred_last);
            ld_buf_puts(b, "</td><td>");
            ld_buf_html(b, p->class_name);
        } else {
            char ds[LD_DATE_STRLEN];
            ld_date_format(marks[i].date, ds);
            ld_buf_html(b, marks[i].upn);
            ld_buf_printf(b, "</td><td>%s</td><td>%s</td><td>", ds, marks[i].session ? "PM" : "AM");
            ld_buf_html(b, marks[i].code);
        }
        ld_buf_puts(b, "</td></tr>\n");
    }
    ld_buf_puts(b, "</tbody></table></div>\n<form method=\"post\" action=\"upload\" "
                   "enctype=\"multipart/form-data\">");
    web_csrf_input(q);
    ld_buf_printf(b,
                  "<input type=\"hidden\" name=\"token\" value=\"%s\"><button id=\"store\">Store "
                  "it</button> <a href=\"upload\">Cancel</a></form></main>\n",
                  token);
    web_page_close(q);
}

/* Stores the upload of the form's token. */
static void store(struct web_req *q, const char *school, const struct ld_report *r)
{
    struct web_upload u = {0};
    struct ld_roster roster = {0};
    struct ld_central_mark *marks = NULL;
    size_t n = 0, added = 0, replaced = 0;
    char msg[1024], what[LD_CENTRAL_AUDIT_WHAT_MAX + 1];
    if (!take(q, school, web_field(q, "token"), &u)) {
        web_error(q, 410, school,
                  "This upload has expired or was stored already: choose the file "
                  "again.");
        return;
    }
    ld_err err = parse(u.kind, u.data, u.len, u.name, r, &roster, &marks, &n, msg, sizeof msg);
    if (!err) {
        int64_t version = 0;
        bool changed = false;
        pthread_mutex_lock(&q->w->store_lock);
        err = u.kind == UP_ROSTER ? ld_central_put_roster(q->w->c, school, &roster, &version,
                                                          &changed, msg, sizeof msg)
                                  : ld_central_put_marks(q->w->c, school, marks, n, &added,
                                                         &replaced, msg, sizeof msg);
        pthread_mutex_unlock(&q->w->store_lock);
    }
    if (err) {
        web_error(q, 409, school, msg);
    } else {
        if (u.kind == UP_ROSTER)
            snprintf(what, sizeof what, "uploaded the roster: %zu pupils (%.100s)", roster.count,
                     u.name);
        else
            snprintf(what, sizeof what, "uploaded MIS marks: %zu new, %zu replaced (%.100s)", added,
                     replaced, u.name);
        web_audit(q, school, what);
        web_report_stale(q->w, school);
        web_page_open(q, "Stored", school);
        ld_buf_puts(&q->body, "<main><h1>Stored</h1>\n<p class=\"ok\" id=\"stored\">");
        ld_buf_html(&q->body, what + 9); /* without "uploaded " */
        ld_buf_puts(&q->body, ".</p></main>\n");
        web_page_close(q);
    }
    ld_roster_free(&roster);
    free(marks);
    free(u.data);
}

void web_upload(struct web_req *q, const char *school, const struct ld_report *r)
{
    const char *kind_s = web_field(q, "kind");
    char msg[1024], token[65];
    if (strcmp(q->method, "POST")) {
        form(q, school);
        return;
    }
    if (web_field(q, "token")) {
        store(q, school, r);
        return;
    }
    enum upload_kind kind = kind_s && !strcmp(kind_s, "roster")  ? UP_ROSTER
                            : kind_s && !strcmp(kind_s, "marks") ? UP_MARKS
                                                                 : 0;
    if (!kind || !q->upload.len) {
        web_error(q, 400, school, "Choose a file to upload.");
        return;
    }
    const char *name = q->upload_name[0] ? q->upload_name : "upload.csv";
    struct ld_roster roster = {0};
    struct ld_central_mark *marks = NULL;
    size_t n = 0;
    ld_err err =
        parse(kind, q->upload.p, q->upload.len, name, r, &roster, &marks, &n, msg, sizeof msg);
    if (err) {
        char said[1200];
        snprintf(said, sizeof said, "Nothing was stored: %s", msg);
        web_error(q, 400, school, said);
    } else if (!hold(q, school, kind, token)) {
        web_error(q, 503, school, "Too many uploads are waiting: try again in a few minutes.");
    } else {
        preview(q, school, kind, &roster, marks, n, token);
    }
    ld_roster_free(&roster);
    free(marks);
}
