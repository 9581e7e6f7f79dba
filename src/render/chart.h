/* chart: the bar and line charts that both the management report (sobre
 * report, steer/report) and the web app's dashboard draw, so that one edit
 * restyles both: the partials and stylesheet of themes/charts (compiled into
 * the binary) and the contexts they are rendered from. The geometry is
 * computed here in integers (the same figures on every machine); the markup
 * is in the partials, the looks in charts.css. */
#ifndef SOBRE_CHART_H
#define SOBRE_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/value.h"
#include "render/mustache.h"
#include "render/theme.h"

/* Generated from themes/charts by scripts/embed.py: bars.mustache,
 * line.mustache, trajectory.mustache, charts.css. */
extern const theme_file_t chart_theme_files[];

/* Adds the chart partials to r under their names ("bars", "line",
 * "trajectory"). */
void chart_register(mst_registry_t *r);
/* charts.css, NUL-terminated, its length in *len. Borrowed (static). */
const char *chart_css(size_t *len);

/* One bar of the "bars" partial: a score by group. */
typedef struct {
	const char *label; /* cut to label_max code points (with "…") in the SVG */
	long tenths;       /* the score in tenths of a percent (0-1000), -1: none */
	const char *value; /* the score as shown beside the bar ("41,7 %", "—") */
} chart_bar_t;

/* The horizontal layout of a bar chart; rows are 26 px high. */
typedef struct {
	int width;        /* the whole chart */
	int bar_x;        /* where the bars start: the labels' column before */
	int bar_width;    /* a bar at 100 % (the value is written after it) */
	size_t label_max; /* code points of a label before it is cut */
} chart_bars_size_t;

/* The context of the "bars" partial for n bars: id (the SVG title's id is
 * id-t), width, height, bar_x, bar_width, bar_height, value_x and bars
 * (each: label, value, y, text_y, fill: the bar's width, null when the
 * score is 0 or none). Caller frees with value_free. */
value_t *chart_bars(const char *id, const chart_bar_t *bars, size_t n, const chart_bars_size_t *size);

/* One point of the "line" partial: a score at a snapshot. */
typedef struct {
	const char *label; /* the snapshot's name, cut to 16 code points under the axis */
	long tenths;       /* -1: no score (no point: nothing was applicable) */
} chart_point_t;

/* The context of the "line" partial for n points, left to right, in a
 * width x height chart: id, count (n), width, height, plot_left,
 * plot_right, grid (0 to 100 % by 25: y, text_y, percent), labels (x, y,
 * anchor, label), points (x, y, label, value: "41,7 %") and polyline (the
 * points attribute, null when no point has a score). Caller frees with
 * value_free. */
value_t *chart_line(const char *id, const chart_point_t *pts, size_t n, int width, int height);

/* One measurement of an objective's indicator. */
typedef struct {
	const char *date; /* YYYY-MM-DD: the last day of its period */
	double value;
} chart_tpoint_t;

/* An objective's trajectory chart: what was measured against the straight
 * line from the baseline to the target. */
typedef struct {
	const chart_tpoint_t *measures; /* oldest first */
	size_t n;
	const char *baseline_date; /* NULL: no baseline (no trajectory drawn) */
	double baseline;
	const char *deadline;
	double target;
	bool yesno;        /* values are 0 (non) / 1 (oui) */
	const char *unit;  /* "%", "kWh", "" */
	const char *title; /* the objective's name, for the accessible title */
} chart_trajectory_t;

/* The context of the "trajectory" partial in a width x height chart: id,
 * width, height, title, label (what screen readers say: the target, the
 * baseline, the latest measurement), the axes (plot_left, plot_right,
 * plot_top, plot_bottom), ylabels and xlabels (x, y, anchor, text),
 * trajectory (x1, y1, x2, y2; null without a baseline), target (x, y,
 * text), points (x, y, text) and polyline (null under two measurements).
 * Every look is a presentation attribute of the partial, so that the chart
 * needs no stylesheet. Caller frees with value_free. */
value_t *chart_trajectory(const char *id, const chart_trajectory_t *t, int width, int height);
/* The same chart as a standalone SVG document (XML declaration, xmlns,
 * width and height, no stylesheet), for documents; appended to out. */
void chart_trajectory_svg(const char *id, const chart_trajectory_t *t, int width, int height, buf_t *out);

#endif
