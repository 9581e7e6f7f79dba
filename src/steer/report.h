/* report: the management report, one self-contained printable HTML page in
 * French: organisation, date, guide version, score and completion with the
 * formula, bars by theme and by priority (inline SVG, each with its data
 * table), evolution across snapshots (SVG line and table), the top actions
 * of the plan, overdue actions and indicator trends. No external resource,
 * no script; every value is HTML-escaped. Rendered from the templates of
 * themes/report and the charts of themes/charts (docs/theme.md). */
#ifndef SOBRE_REPORT_H
#define SOBRE_REPORT_H

#include <stddef.h>

#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"

typedef struct {
	size_t top_actions; /* plan actions shown (default 10) */
	size_t max_overdue; /* overdue actions listed before "and N more" (default 20) */
	size_t max_indicators; /* indicator trends listed (default 30, most recently measured first) */
} report_options_t;

#define REPORT_OPTIONS_DEFAULT {10, 20, 30}

/* Appends the report to out. */
steer_rc report_html(store_t *s, const report_options_t *opt, buf_t *out, diag_list_t *d);

#endif
