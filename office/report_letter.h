/* report_letter.h: letters to parents from the school's own template. */
#ifndef LD_REPORT_LETTER_H
#define LD_REPORT_LETTER_H

#include <stddef.h>

#include "ld_err.h"
#include "report.h"

/*
 * A template is a fragment of HTML: the body of one letter, with placeholders {{name}} that are
 * replaced by the pupil's figures, every value escaped (the herringbone and the patterns are
 * HTML made here). Known names:
 *   school_name date pupil_name first_name last_name class year upn late_sessions late_l
 *   late_u minutes_lost attendance stage patterns herringbone
 * Anything else between {{ and }} is an error naming the file, line and column.
 */
#define LD_LETTER_TEMPLATE_MAX (256u << 10)

struct ld_letter_template;

/* Reads and checks the template at path; *out is the caller's (ld_letter_template_free). */
LD_MUST_CHECK ld_err ld_letter_template_load(const char *path, struct ld_letter_template **out,
                                             char *msg, size_t msglen);

/* As ld_letter_template_load, for text in memory called name. */
LD_MUST_CHECK ld_err ld_letter_template_parse(const char *text, const char *name,
                                              struct ld_letter_template **out, char *msg,
                                              size_t msglen);

void ld_letter_template_free(struct ld_letter_template *t);

struct ld_letter_ctx {
    const struct ld_report *r;
    const char *today;   /* YYYY-MM-DD */
    const size_t *order; /* roster indexes in the order letters go out */
};

/*
 * Writes letters.html (every pupil with a pattern of lateness, one A4 page each, page breaks
 * between)
 * and letters/UPN.html (one each) into dir.
 */
LD_MUST_CHECK ld_err ld_letters_write(const struct ld_letter_template *t,
                                      const struct ld_letter_ctx *ctx, const char *dir, char *msg,
                                      size_t msglen);

/*
 * (The office application.) Writes the letter of roster pupil i's family (i first, then its
 * brothers and sisters who need one, in ctx->order or else roster order) as a whole document,
 * the same letter as ld_letters_write makes for that family, into out.
 */
struct ld_buf;
LD_MUST_CHECK ld_err ld_letter_page(const struct ld_letter_template *t,
                                    const struct ld_letter_ctx *ctx, size_t i, struct ld_buf *out,
                                    char *msg, size_t msglen);

#endif
