/* Tests for render/chart: the bar and line chart contexts (geometry, labels
 * cut by code points, no bar or point for a missing score, a handful of
 * names under the axis whatever the width) and the compiled-in partials
 * rendered from them with the page's title block. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "render/chart.h"

/* "bars.1.fill": map keys and list indexes. */
static const value_t *node(const value_t *v, const char *path)
{
	while (v && *path) {
		size_t n = strcspn(path, ".");
		if (v->kind == VAL_LIST) {
			size_t i = (size_t)strtoul(path, NULL, 10);
			v = i < v->u.list.len ? v->u.list.items[i] : NULL;
		} else {
			v = value_getn(v, path, n);
		}
		path += n + (path[n] == '.');
	}
	return v;
}

static const char *get(const value_t *m, const char *path)
{
	return value_str(node(m, path));
}

static void test_bars(void **state)
{
	(void)state;
	/* 44 code points (two of them two bytes long), then 45. */
	const char *fits = "é23456789012345678901234567890123456789012é4";
	const char *cut = "é234567890123456789012345678901234567890123é5";
	chart_bar_t bars[] = {{fits, 417, "41,7 %"}, {cut, 0, "0,0 %"}, {"c", -1, "—"}};
	static const chart_bars_size_t size = {720, 300, 330, 44};
	value_t *c = chart_bars("b", bars, 3, &size);
	assert_string_equal(get(c, "height"), "88");
	assert_string_equal(get(c, "value_x"), "638");
	assert_string_equal(get(c, "bars.0.label"), fits);
	assert_string_equal(get(c, "bars.1.label"), "é234567890123456789012345678901234567890123…");
	assert_string_equal(get(c, "bars.0.fill"), "137"); /* 417 * 330 / 1000 */
	assert_int_equal(node(c, "bars.1.fill")->kind, VAL_NULL);
	assert_int_equal(node(c, "bars.2.fill")->kind, VAL_NULL);
	assert_string_equal(get(c, "bars.2.y"), "60");
	assert_string_equal(get(c, "bars.2.text_y"), "73");
	assert_string_equal(get(c, "bars.2.value"), "—");
	value_free(c);
}

static size_t count(const value_t *c, const char *key)
{
	const value_t *l = value_get(c, key);
	return l && l->kind == VAL_LIST ? l->u.list.len : 0;
}

static void test_line(void **state)
{
	(void)state;
	chart_point_t pts[9];
	for (size_t i = 0; i < 9; i++)
		pts[i] = (chart_point_t){"une période au nom très long", i == 4 ? -1 : (long)i * 100};
	/* Six names at most at 720 px, four at 420: every second, every third
	 * point, and always the last. */
	value_t *c = chart_line("l", pts, 9, 720, 260);
	assert_int_equal(count(c, "labels"), 5);
	assert_string_equal(get(c, "labels.0.anchor"), "start");
	assert_string_equal(get(c, "labels.4.anchor"), "end");
	assert_string_equal(get(c, "labels.1.label"), "une période au …");
	assert_string_equal(get(c, "count"), "9");
	assert_int_equal(count(c, "points"), 8); /* no point without a score */
	assert_string_equal(get(c, "points.1.value"), "10,0\xc2\xa0%");
	assert_string_equal(get(c, "points.1.label"), "une période au nom très long");
	assert_string_equal(get(c, "grid.4.percent"), "100");
	assert_string_equal(get(c, "grid.4.y"), "12");
	assert_string_equal(get(c, "grid.0.y"), "220");
	value_free(c);
	c = chart_line("l", pts, 9, 420, 200);
	assert_int_equal(count(c, "labels"), 4);
	value_free(c);
	/* One point: in the middle; no score at all: no line. */
	pts[0].tenths = -1;
	c = chart_line("l", pts, 1, 720, 260);
	assert_string_equal(get(c, "labels.0.x"), "374");
	assert_string_equal(get(c, "labels.0.anchor"), "middle");
	assert_int_equal(count(c, "points"), 0);
	assert_int_equal(value_get(c, "polyline")->kind, VAL_NULL);
	value_free(c);
}

static void test_partials(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	mst_registry_t *r = mst_registry_new(&d);
	chart_register(r);
	static const char page[] = "{{#b}}{{<bars}}{{$title}}Barres <&>{{/title}}{{/bars}}{{/b}}"
				   "{{#l}}{{<line}}{{$title}}{{count}} relevés{{/title}}{{/line}}{{/l}}";
	mst_registry_add(r, "page", NULL, page, sizeof page - 1);
	chart_bar_t bars[] = {{"a <b>", 500, "50 %"}, {"c", 0, "0 %"}};
	static const chart_bars_size_t size = {420, 120, 250, 16};
	chart_point_t pts[] = {{"T1", 100}, {"T2", 200}};
	value_t *ctx = value_map();
	value_map_set(ctx, "b", chart_bars("x", bars, 2, &size));
	value_map_set(ctx, "l", chart_line("y", pts, 2, 420, 200));
	buf_t out = BUF_INIT;
	const mst_t *t = mst_registry_get(r, "page", 4);
	assert_non_null(t);
	assert_int_equal(mst_render(t, ctx, mst_registry_lookup, r, &out, &d), 0);
	assert_int_equal(d.len, 0);
	const char *s = buf_cstr(&out);
	assert_non_null(strstr(s, "<title id=\"x-t\">Barres <&></title>"));
	assert_non_null(strstr(s, ">a &lt;b&gt;</text>"));
	assert_non_null(strstr(s, "<rect class=\"bar-fg\" x=\"120\" y=\"8\" width=\"125\" height=\"18\"/>"));
	assert_null(strstr(s, "y=\"34\" width=\"0\"")); /* no empty bar for 0 % */
	assert_non_null(strstr(s, "<title id=\"y-t\">2 relevés</title>"));
	assert_non_null(strstr(s, "<polyline class=\"trend-line\" points=\""));
	size_t len;
	assert_non_null(strstr(chart_css(&len), ".bar-fg"));
	assert_int_equal(len, strlen(chart_css(&len)));
	buf_free(&out);
	value_free(ctx);
	mst_registry_free(r);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_partials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
