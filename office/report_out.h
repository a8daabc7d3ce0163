/* report_out.h: what the report's writers share: a growing text buffer, escaping, files. */
#ifndef LD_REPORT_OUT_H
#define LD_REPORT_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_err.h"

/* A text buffer that grows up to its cap; once anything failed it only remembers that. */
struct ld_buf {
    char *p;
    size_t len, cap;
    bool failed; /* out of memory or over LD_BUF_MAX */
};

#define LD_BUF_MAX (256u << 20) /* one page or file */

void ld_buf_free(struct ld_buf *b);
void ld_buf_put(struct ld_buf *b, const char *s, size_t n);
void ld_buf_puts(struct ld_buf *b, const char *s);
void ld_buf_printf(struct ld_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s with & < > " ' written as entities: safe in HTML text and in quoted attributes. */
void ld_buf_html(struct ld_buf *b, const char *s);

/* Appends s as one CSV cell (RFC 4180: quoted when it holds , " CR or LF; a leading = + - @
 * is prefixed with ' so a spreadsheet never runs it as a formula). */
void ld_buf_csv(struct ld_buf *b, const char *s);

/*
 * Writes b to dir/name (name may hold one subdirectory, created mode 0700) through a temporary
 * file and a rename, mode 0600, so a reader never sees half a page. No fsync: a report is
 * made again in seconds, and thousands of fsyncs would make it take a minute. Fails naming
 * the file.
 */
LD_MUST_CHECK ld_err ld_buf_write_file(const struct ld_buf *b, const char *dir, const char *name,
                                       char *msg, size_t msglen);

/* Creates dir (mode 0700) unless it is a directory already; fails naming it. */
LD_MUST_CHECK ld_err ld_report_mkdir(const char *dir, char *msg, size_t msglen);

#endif
