/* report_svg.c: the herringbone chart: one row a week, ten sessions, L and U standing out. */
#include "report_svg.h"

#include <stdio.h>
#include <string.h>

#define LABEL_W 78
#define CELL_W  30
#define CELL_H  18
#define DAY_GAP 6
#define HEAD_H  30

static const char *const days[5] = {"Mon", "Tue", "Wed", "Thu", "Fri"};
static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/*
 * The classes of a cell's box and of its text (styled once per chart by the <style> below):
 * what a reader must see at a glance comes darkest.
 */
static void style_of(enum ld_code code, const char **box, const char **text)
{
    *box = "n";
    *text = NULL;
    switch (code == LD_CODE_NONE ? LD_CAT_NONE : ld_code_category(code)) {
    case LD_CAT_NONE:
        *box = "n";
        return;
    case LD_CAT_NOT_POSSIBLE:
        *box = "x";
        return;
    case LD_CAT_APPROVED:
        *box = "a";
        return;
    case LD_CAT_AUTHORISED:
        *box = "b";
        return;
    case LD_CAT_UNAUTHORISED:
        *box = "u";
        break;
    case LD_CAT_PRESENT:
        *box = "p";
        break;
    }
    if (code == LD_CODE_UNKNOWN) {
        *box = "q"; /* not known yet: neither present nor absent */
    } else if (code == LD_CODE_L) {
        *box = "L";
        *text = "k";
    } else if (code == LD_CODE_U) {
        *box = "U";
        *text = "w";
    } else if (code == LD_CODE_N || code == LD_CODE_G || code == LD_CODE_O) {
        *text = "k";
    }
}

/* One style sheet per chart, so that an .svg file stands alone; rules name svg.herringbone so
 * that they never touch the page around an inline chart. */
static const char chart_css[] =
    "svg.herringbone text{text-anchor:middle;fill:#1a1a1a}"
    "svg.herringbone text.l{text-anchor:start}svg.herringbone text.h{font-weight:bold}"
    "svg.herringbone text.s{font-size:9px}"
    "svg.herringbone rect{stroke:#888;stroke-width:.5}"
    "svg.herringbone rect.n{fill:#fff;stroke-dasharray:2 2}svg.herringbone rect.x{fill:#d9d9d9}"
    "svg.herringbone rect.q{fill:#f7f7f7;stroke-dasharray:1 2}"
    "svg.herringbone rect.a{fill:#dcebf7}svg.herringbone rect.b{fill:#c6dbef}"
    "svg.herringbone rect.u{fill:#f4c7c3}svg.herringbone rect.p{fill:#eef6ee}"
    "svg.herringbone rect.L{fill:#f0a202}svg.herringbone rect.U{fill:#b3001b}"
    "svg.herringbone text.k{font-weight:bold}svg.herringbone text.w{fill:#fff;font-weight:bold}";

static int cell_x(int c)
{
    return LABEL_W + c * CELL_W + (c / 2) * DAY_GAP;
}

void ld_report_svg_herringbone(struct ld_buf *b, const struct ld_herringbone *h, size_t first_week,
                               bool standalone, const char *title)
{
    size_t weeks = first_week < h->nweeks ? h->nweeks - first_week : 0;
    int width = cell_x(10) + 4, height = HEAD_H + (int)weeks * CELL_H + 4;
    if (standalone)
        ld_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    ld_buf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"herringbone\" width=\"%d\" "
                  "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
                  "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n<title>",
                  width, height, width, height);
    ld_buf_html(b, title);
    ld_buf_printf(b, "</title>\n<style>%s</style>\n", chart_css);
    for (int d = 0; d < 5; d++) {
        int x = cell_x(2 * d);
        ld_buf_printf(b,
                      "<text x=\"%d\" y=\"12\" class=\"h\">%s</text><text x=\"%d\" y=\"26\" "
                      "class=\"s\">am</text><text x=\"%d\" y=\"26\" class=\"s\">pm</text>\n",
                      x + CELL_W, days[d], x + CELL_W / 2, x + CELL_W + CELL_W / 2);
    }
    for (size_t w = 0; w < weeks; w++) {
        const struct ld_herringbone_week *wk = &h->weeks[first_week + w];
        int y = HEAD_H + (int)w * CELL_H, mo, dd;
        ld_date_to_ymd(wk->week_start, NULL, &mo, &dd);
        ld_buf_printf(b,
                      "<g transform=\"translate(0,%d)\"><text x=\"2\" y=\"%d\" class=\"l\">w/c "
                      "%d %s</text>",
                      y, CELL_H - 5, dd, months[mo - 1]);
        for (int c = 0; c < 10; c++) {
            const char *box, *text;
            enum ld_code code = wk->cells[c];
            style_of(code, &box, &text);
            int x = cell_x(c);
            ld_buf_printf(b, "<rect x=\"%d\" width=\"%d\" height=\"%d\" class=\"%s\"/>", x,
                          CELL_W - 1, CELL_H - 1, box);
            if (code != LD_CODE_NONE) {
                ld_buf_printf(b, "<text x=\"%d\" y=\"%d\"%s%s%s>", x + CELL_W / 2, CELL_H - 5,
                              text ? " class=\"" : "", text ? text : "", text ? "\"" : "");
                ld_buf_html(b, ld_code_str(code));
                ld_buf_puts(b, "</text>");
            }
        }
        ld_buf_puts(b, "</g>\n");
    }
    ld_buf_puts(b, "</svg>\n");
}
