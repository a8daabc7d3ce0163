/* report_svg.h: the herringbone chart as SVG. */
#ifndef LD_REPORT_SVG_H
#define LD_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "ld_school.h"
#include "report_out.h"

/*
 * Appends h from week first_week on as an SVG element: a row a week labelled "w/c 7 Sep", ten
 * cells Mon am ... Fri pm with the code in each; L amber and U dark red, bold; absences shaded;
 * days that are not school days dashed and empty. standalone adds the XML declaration for an
 * .svg file; title (escaped) is the chart's accessible name.
 */
void ld_report_svg_herringbone(struct ld_buf *b, const struct ld_herringbone *h, size_t first_week,
                               bool standalone, const char *title);

#endif
