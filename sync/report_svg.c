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

/* Fill, text colour and weight of a cell: what a reader must see at a glance comes darkest. */
static void style_of(enum ld_code code, const char **fill, const char **ink, const char **weight)
{
    *ink = "#1a1a1a";
    *weight = "normal";
    switch (code == LD_CODE_NONE ? LD_CAT_NONE : ld_code_category(code)) {
    case LD_CAT_NONE:
        *fill = "#ffffff";
        return;
    case LD_CAT_NOT_POSSIBLE:
        *fill = "#d9d9d9";
        return;
    case LD_CAT_APPROVED:
        *fill = "#dcebf7";
        return;
    case LD_CAT_AUTHORISED:
        *fill = "#c6dbef";
        return;
    case LD_CAT_UNAUTHORISED:
        *fill = "#f4c7c3";
        break;
    case LD_CAT_PRESENT:
        *fill = "#eef6ee";
        break;
    }
    if (code == LD_CODE_L) {
        *fill = "#f0a202";
        *weight = "bold";
    } else if (code == LD_CODE_U) {
        *fill = "#b3001b";
        *ink = "#ffffff";
        *weight = "bold";
    } else if (code == LD_CODE_N || code == LD_CODE_G || code == LD_CODE_O) {
        *weight = "bold";
    }
}

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
    ld_buf_puts(b, "</title>\n");
    for (int d = 0; d < 5; d++) {
        int x = cell_x(2 * d);
        ld_buf_printf(b,
                      "<text x=\"%d\" y=\"12\" text-anchor=\"middle\" font-weight=\"bold\">%s"
                      "</text><text x=\"%d\" y=\"26\" text-anchor=\"middle\" font-size=\"9\">am"
                      "</text><text x=\"%d\" y=\"26\" text-anchor=\"middle\" font-size=\"9\">pm"
                      "</text>\n",
                      x + CELL_W, days[d], x + CELL_W / 2, x + CELL_W + CELL_W / 2);
    }
    for (size_t w = 0; w < weeks; w++) {
        const struct ld_herringbone_week *wk = &h->weeks[first_week + w];
        int y = HEAD_H + (int)w * CELL_H, mo, dd;
        ld_date_to_ymd(wk->week_start, NULL, &mo, &dd);
        ld_buf_printf(b, "<text x=\"2\" y=\"%d\">w/c %d %s</text>\n", y + CELL_H - 5, dd,
                      months[mo - 1]);
        for (int c = 0; c < 10; c++) {
            const char *fill, *ink, *weight;
            enum ld_code code = wk->cells[c];
            style_of(code, &fill, &ink, &weight);
            int x = cell_x(c);
            ld_buf_printf(b,
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                          "stroke=\"#888888\" stroke-width=\"0.5\"%s/>",
                          x, y, CELL_W - 1, CELL_H - 1, fill,
                          code == LD_CODE_NONE ? " stroke-dasharray=\"2 2\"" : "");
            if (code != LD_CODE_NONE) {
                ld_buf_printf(b,
                              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" "
                              "font-weight=\"%s\">",
                              x + CELL_W / 2, y + CELL_H - 5, ink, weight);
                ld_buf_html(b, ld_code_str(code));
                ld_buf_puts(b, "</text>");
            }
            ld_buf_puts(b, "\n");
        }
    }
    ld_buf_puts(b, "</svg>\n");
}
