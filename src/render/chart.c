/* chart: chart contexts. Every figure is an integer computed here, passed
 * as a string, so a template only places what it is given and the SVG is
 * the same on every machine. */
#include "render/chart.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

#define NBSP "\xc2\xa0"

void chart_register(mst_registry_t *r)
{
	for (const theme_file_t *f = chart_theme_files; f->name; f++) {
		size_t n = strlen(f->name);
		if (n > 9 && strcmp(f->name + n - 9, ".mustache") == 0) {
			char *name = xstrndup(f->name, n - 9);
			mst_registry_add(r, name, f->name, f->data, f->size);
			free(name);
		}
	}
}

const char *chart_css(size_t *len)
{
	for (const theme_file_t *f = chart_theme_files; f->name; f++)
		if (strcmp(f->name, "charts.css") == 0) {
			*len = f->size;
			return f->data;
		}
	*len = 0;
	return "";
}

static void put_str(value_t *m, const char *key, const char *s)
{
	value_map_set(m, key, value_cstring(s));
}

/* At most max code points of s, the last one an ellipsis when cut: labels
 * in an SVG do not wrap, and the table beside the chart has them whole. */
static void put_cut(value_t *m, const char *key, const char *s, size_t max)
{
	size_t len = strlen(s);
	if (!max || utf8_length(s, len) <= max) {
		put_str(m, key, s);
		return;
	}
	size_t k = 0, cps = 0;
	while (k < len && cps < max - 1) {
		uint32_t cp;
		k += utf8_decode(s + k, len - k, &cp);
		cps++;
	}
	buf_t b = BUF_INIT;
	buf_put(&b, s, k);
	buf_puts(&b, "…");
	size_t blen = b.len;
	value_map_set(m, key, value_string_own(buf_detach(&b), blen));
}

value_t *chart_bars(const char *id, const chart_bar_t *bars, size_t n, const chart_bars_size_t *size)
{
	/* A 26 px row: an 18 px bar 3 px below the row's top, its text on the
	 * same baseline as the label's. */
	const long row = 26, top = 5;
	value_t *c = value_map();
	put_str(c, "id", id);
	value_put_int(c, "width", size->width);
	value_put_int(c, "height", row * (long)n + 2 * top);
	value_put_int(c, "bar_x", size->bar_x);
	value_put_int(c, "bar_width", size->bar_width);
	value_put_int(c, "bar_height", 18);
	value_put_int(c, "value_x", size->bar_x + size->bar_width + 8);
	value_t *list = value_put_list(c, "bars");
	for (size_t i = 0; i < n; i++) {
		value_t *b = value_push_map(list);
		long y = top + row * (long)i;
		put_cut(b, "label", bars[i].label, size->label_max);
		put_str(b, "value", bars[i].value);
		value_put_int(b, "y", y + 3);
		value_put_int(b, "text_y", y + 16);
		if (bars[i].tenths > 0)
			value_put_int(b, "fill", bars[i].tenths * size->bar_width / 1000);
		else
			value_map_set(b, "fill", value_null());
	}
	return c;
}

value_t *chart_line(const char *id, const chart_point_t *pts, size_t n, int width, int height)
{
	const long left = 48, right = 20, top = 12, bottom = 40;
	const long pw = width - left - right, ph = height - top - bottom;
	value_t *c = value_map();
	put_str(c, "id", id);
	value_put_int(c, "count", (long)n);
	value_put_int(c, "width", width);
	value_put_int(c, "height", height);
	value_put_int(c, "plot_left", left);
	value_put_int(c, "plot_right", width - right);
	value_t *grid = value_put_list(c, "grid");
	for (long g = 0; g <= 4; g++) {
		value_t *m = value_push_map(grid);
		long y = top + ph - g * ph / 4;
		value_put_int(m, "y", y);
		value_put_int(m, "text_y", y + 4);
		value_put_int(m, "percent", g * 25);
	}
	value_t *labels = value_put_list(c, "labels"), *points = value_put_list(c, "points");
	/* Label a handful of points, one per 110 px (a 16-character name), so
	 * that names do not overlap. */
	size_t slots = pw > 0 ? (size_t)(pw / 110) + 1 : 1, every = n > slots ? (n + slots - 1) / slots : 1;
	buf_t poly = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		long x = left + (n > 1 ? (long)i * pw / (long)(n - 1) : pw / 2);
		if (i % every == 0 || i == n - 1) {
			value_t *m = value_push_map(labels);
			value_put_int(m, "x", x);
			value_put_int(m, "y", height - 18);
			put_str(m, "anchor", i == 0 && n > 1 ? "start" : i == n - 1 && n > 1 ? "end" : "middle");
			put_cut(m, "label", pts[i].label, 16);
		}
		if (pts[i].tenths < 0)
			continue;
		long y = top + ph - pts[i].tenths * ph / 1000;
		buf_printf(&poly, "%s%ld,%ld", poly.len ? " " : "", x, y);
		value_t *m = value_push_map(points);
		value_put_int(m, "x", x);
		value_put_int(m, "y", y);
		put_str(m, "label", pts[i].label);
		char v[32];
		snprintf(v, sizeof v, "%ld,%ld" NBSP "%%", pts[i].tenths / 10, pts[i].tenths % 10);
		put_str(m, "value", v);
	}
	size_t plen = poly.len;
	value_map_set(c, "polyline", plen ? value_string_own(buf_detach(&poly), plen) : value_null());
	buf_free(&poly);
	return c;
}

/* --- trajectory ------------------------------------------------------------ */

/* Days since 1970-01-01 of "YYYY-MM-DD" (the proleptic Gregorian
 * calendar), or LONG_MIN when it is not a date. */
static long day_number(const char *s)
{
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return LONG_MIN;
	long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10), d = strtol(s + 8, NULL, 10);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return LONG_MIN;
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* A value as the chart writes it: "non"/"oui", or at most two decimals
 * with a decimal comma and the unit after a no-break space. */
static void value_text(const chart_trajectory_t *t, double v, buf_t *out)
{
	if (t->yesno) {
		buf_puts(out, v >= 0.5 ? "oui" : "non");
		return;
	}
	char num[48];
	snprintf(num, sizeof num, "%.2f", v);
	char *dot = strchr(num, '.');
	if (dot) {
		char *e = num + strlen(num);
		while (e > dot && (e[-1] == '0' || e[-1] == '.'))
			*--e = '\0';
		if ((dot = strchr(num, '.')))
			*dot = ',';
	}
	buf_puts(out, strcmp(num, "-0") == 0 ? "0" : num);
	if (t->unit && *t->unit)
		buf_printf(out, NBSP "%s", t->unit);
}

/* "2027-12-31" as "31/12/2027". */
static void date_text(const char *iso, buf_t *out)
{
	if (!iso)
		return;
	if (strlen(iso) >= 10)
		buf_printf(out, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		buf_puts(out, iso);
}

/* The value scale: 0-100 for a percentage, 0-1 for yes/no; for a
 * quantity, from a tenth of the values' span under their minimum (from 0
 * when the minimum is nearer 0 than that span, never under 0 for positive
 * values) to a tenth over their maximum, whole when the span allows. */
static void value_scale(const chart_trajectory_t *t, double *lo, double *hi)
{
	bool percent = t->unit && strcmp(t->unit, "%") == 0;
	if (t->yesno || percent) {
		*lo = 0;
		*hi = t->yesno ? 1 : 100;
		return;
	}
	double mn = t->target;
	double mx = mn;
	for (size_t i = 0; i < t->n; i++) {
		mn = t->measures[i].value < mn ? t->measures[i].value : mn;
		mx = t->measures[i].value > mx ? t->measures[i].value : mx;
	}
	if (t->baseline_date) {
		mn = t->baseline < mn ? t->baseline : mn;
		mx = t->baseline > mx ? t->baseline : mx;
	}
	double span = mx - mn;
	if (span <= 0)
		span = mx > 0 ? mx : mx < 0 ? -mx : 1;
	*lo = mn - span / 10;
	*hi = mx + span / 10;
	if (mn >= 0 && (*lo < 0 || mn <= span))
		*lo = 0;
	if (span >= 10) {
		*lo = floor(*lo);
		*hi = ceil(*hi);
	}
}

typedef struct {
	long left, right, top, bottom; /* the plot area */
	long d0, d1;                   /* first and last day */
	double lo, hi;                 /* the value scale */
} tgeom_t;

static long tx(const tgeom_t *g, long day)
{
	if (g->d1 <= g->d0)
		return (g->left + g->right) / 2;
	return g->left + (day - g->d0) * (g->right - g->left) / (g->d1 - g->d0);
}

static long ty(const tgeom_t *g, double v)
{
	long y = g->bottom - lround((v - g->lo) * (double)(g->bottom - g->top) / (g->hi - g->lo));
	return y < g->top ? g->top : y > g->bottom ? g->bottom : y;
}

static void put_label(value_t *list, long x, long y, const char *anchor, const char *text)
{
	value_t *m = value_push_map(list);
	value_put_int(m, "x", x);
	value_put_int(m, "y", y);
	put_str(m, "anchor", anchor);
	put_str(m, "text", text);
}

/* The chart's date that falls on day (the deadline, the baseline's or a
 * measurement's), for the axis' first and last labels. */
static const char *date_at(const chart_trajectory_t *t, long day)
{
	if (t->baseline_date && day_number(t->baseline_date) == day)
		return t->baseline_date;
	for (size_t i = 0; i < t->n; i++)
		if (day_number(t->measures[i].date) == day)
			return t->measures[i].date;
	return t->deadline ? t->deadline : "";
}

/* What screen readers say of the chart, and its title's tooltip. */
static void trajectory_summary(const chart_trajectory_t *t, buf_t *out)
{
	buf_printf(out, "Objectif « %s » : cible ", t->title ? t->title : "");
	value_text(t, t->target, out);
	buf_puts(out, " au ");
	date_text(t->deadline, out);
	if (t->baseline_date) {
		buf_puts(out, ", depuis ");
		value_text(t, t->baseline, out);
		buf_puts(out, " au ");
		date_text(t->baseline_date, out);
	}
	if (t->n) {
		buf_puts(out, " ; dernière mesure ");
		value_text(t, t->measures[t->n - 1].value, out);
		buf_puts(out, " au ");
		date_text(t->measures[t->n - 1].date, out);
		buf_printf(out, " (%zu mesure%s).", t->n, t->n > 1 ? "s" : "");
	} else {
		buf_puts(out, " ; aucune mesure.");
	}
}

value_t *chart_trajectory(const char *id, const chart_trajectory_t *t, int width, int height)
{
	/* Room for "1 075 kWh" left of the plot and the dates under it. */
	tgeom_t g = {.left = 64, .right = width - 12, .top = 10, .bottom = height - 22};
	long deadline = day_number(t->deadline), base = t->baseline_date ? day_number(t->baseline_date) : LONG_MIN;
	g.d0 = LONG_MAX;
	g.d1 = LONG_MIN;
	long days[3] = {deadline, base, LONG_MIN};
	for (size_t i = 0; i < t->n + 2; i++) {
		long d = i < 2 ? days[i] : day_number(t->measures[i - 2].date);
		if (d == LONG_MIN)
			continue;
		g.d0 = d < g.d0 ? d : g.d0;
		g.d1 = d > g.d1 ? d : g.d1;
	}
	if (g.d1 == LONG_MIN)
		g.d0 = g.d1 = 0;
	value_scale(t, &g.lo, &g.hi);
	value_t *c = value_map();
	buf_t b = BUF_INIT;
	put_str(c, "id", id);
	value_put_int(c, "width", width);
	value_put_int(c, "height", height);
	value_put_int(c, "plot_left", g.left);
	value_put_int(c, "plot_right", g.right);
	value_put_int(c, "plot_top", g.top);
	value_put_int(c, "plot_bottom", g.bottom);
	buf_printf(&b, "Trajectoire de l'objectif « %s »", t->title ? t->title : "");
	put_str(c, "title", buf_cstr(&b));
	buf_reset(&b);
	trajectory_summary(t, &b);
	put_str(c, "label", buf_cstr(&b));
	value_t *yl = value_put_list(c, "ylabels"), *xl = value_put_list(c, "xlabels");
	buf_reset(&b);
	value_text(t, g.hi, &b);
	put_label(yl, g.left - 4, g.top + 8, "end", buf_cstr(&b));
	buf_reset(&b);
	value_text(t, g.lo, &b);
	put_label(yl, g.left - 4, g.bottom, "end", buf_cstr(&b));
	buf_reset(&b);
	date_text(date_at(t, g.d0), &b);
	put_label(xl, g.left, height - 6, g.d1 > g.d0 ? "start" : "middle", buf_cstr(&b));
	if (g.d1 > g.d0) {
		buf_reset(&b);
		date_text(date_at(t, g.d1), &b);
		put_label(xl, g.right, height - 6, "end", buf_cstr(&b));
	}
	long dx = tx(&g, deadline == LONG_MIN ? g.d1 : deadline), dy = ty(&g, t->target);
	if (base != LONG_MIN) {
		value_t *tr = value_map();
		value_put_int(tr, "x1", tx(&g, base));
		value_put_int(tr, "y1", ty(&g, t->baseline));
		value_put_int(tr, "x2", dx);
		value_put_int(tr, "y2", dy);
		value_map_set(c, "trajectory", tr);
	} else {
		value_map_set(c, "trajectory", value_null());
	}
	value_t *tg = value_map();
	value_put_int(tg, "x", dx);
	value_put_int(tg, "y", dy);
	buf_reset(&b);
	buf_printf(&b, "%ld,%ld %ld,%ld %ld,%ld %ld,%ld", dx, dy - 6, dx + 6, dy, dx, dy + 6, dx - 6, dy);
	put_str(tg, "diamond", buf_cstr(&b));
	buf_reset(&b);
	buf_puts(&b, "Cible : ");
	value_text(t, t->target, &b);
	buf_puts(&b, " au ");
	date_text(t->deadline, &b);
	put_str(tg, "text", buf_cstr(&b));
	value_map_set(c, "target", tg);
	value_t *pts = value_put_list(c, "points");
	buf_t poly = BUF_INIT;
	for (size_t i = 0; i < t->n; i++) {
		long d = day_number(t->measures[i].date);
		if (d == LONG_MIN)
			continue;
		long x = tx(&g, d), y = ty(&g, t->measures[i].value);
		buf_printf(&poly, "%s%ld,%ld", poly.len ? " " : "", x, y);
		value_t *m = value_push_map(pts);
		value_put_int(m, "x", x);
		value_put_int(m, "y", y);
		buf_reset(&b);
		date_text(t->measures[i].date, &b);
		buf_puts(&b, " : ");
		value_text(t, t->measures[i].value, &b);
		put_str(m, "text", buf_cstr(&b));
	}
	size_t plen = poly.len;
	value_map_set(c, "polyline", t->n > 1 && plen ? value_string_own(buf_detach(&poly), plen) : value_null());
	buf_free(&poly);
	buf_free(&b);
	return c;
}

void chart_trajectory_svg(const char *id, const chart_trajectory_t *t, int width, int height, buf_t *out)
{
	diag_list_t d = DIAG_LIST_INIT;
	mst_registry_t *r = mst_registry_new(&d);
	chart_register(r);
	value_t *c = chart_trajectory(id, t, width, height);
	const mst_t *tpl = mst_registry_get(r, "trajectory", 10);
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	/* The partial is compiled into the binary and the unit tests render
	 * it: neither a lookup nor a render can fail but by a build bug. */
	if (tpl)
		mst_render(tpl, c, mst_registry_lookup, r, out, NULL);
	value_free(c);
	mst_registry_free(r);
	diag_list_free(&d);
}
