/* chart: chart contexts. Every figure is an integer computed here, passed
 * as a string, so a template only places what it is given and the SVG is
 * the same on every machine. */
#include "render/chart.h"

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
