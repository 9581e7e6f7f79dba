/* Tests for render/chart: the bar and line chart contexts (geometry, labels
 * cut by code points, no bar or point for a missing score, a handful of
 * names under the axis whatever the width) and the compiled-in partials
 * rendered from them with the page's title block; the trajectory chart's
 * geometry on a hand-computed case, its scales, and its standalone SVG
 * (well-formed XML, no class: every look is an attribute). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <expat.h>
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

/* 1000 kWh on 2026-01-01 (the baseline and the first measurement), 950
 * a year later (365 days), 800 targeted two years later (730 days). In
 * 340 x 150: the plot is x 64-328 (264 px), y 10-128 (118 px). The scale:
 * 800 to 1000, a span of 200, padded by 20 each side: 780-1020. */
static void test_trajectory(void **state)
{
	(void)state;
	chart_tpoint_t m[] = {{"2026-01-01", 1000}, {"2027-01-01", 950}};
	chart_trajectory_t t = {m, 2, "2026-01-01", 1000, "2028-01-01", 800, false, "kWh", "Salles <moins>"};
	value_t *c = chart_trajectory("o1", &t, 340, 150);
	assert_string_equal(get(c, "ylabels.0.text"), "1020\xc2\xa0kWh");
	assert_string_equal(get(c, "ylabels.1.text"), "780\xc2\xa0kWh");
	assert_string_equal(get(c, "xlabels.0.text"), "01/01/2026");
	assert_string_equal(get(c, "xlabels.1.text"), "01/01/2028");
	assert_string_equal(get(c, "xlabels.1.x"), "328");
	/* x: 64 + 365 x 264 / 730 = 196; y: 128 - 220 x 118 / 240 (108.17)
	 * = 20 for 1000, 128 - 170 x 118 / 240 (83.58) = 44 for 950, 128 - 20
	 * x 118 / 240 (9.83) = 118 for 800. */
	assert_string_equal(get(c, "polyline"), "64,20 196,44");
	assert_string_equal(get(c, "points.1.text"), "01/01/2027 : 950\xc2\xa0kWh");
	assert_string_equal(get(c, "trajectory.x1"), "64");
	assert_string_equal(get(c, "trajectory.y1"), "20");
	assert_string_equal(get(c, "trajectory.x2"), "328");
	assert_string_equal(get(c, "trajectory.y2"), "118");
	assert_string_equal(get(c, "target.diamond"), "328,112 334,118 328,124 322,118");
	assert_string_equal(get(c, "label"), "Objectif « Salles <moins> » : cible 800\xc2\xa0kWh au 01/01/2028, depuis "
					     "1000\xc2\xa0kWh au 01/01/2026 ; dernière mesure 950\xc2\xa0kWh au "
					     "01/01/2027 (2 mesures).");
	value_free(c);
	/* From 0 when the minimum is nearer 0 than the span (40-90: 0-95). */
	chart_tpoint_t q[] = {{"2026-06-30", 40}};
	chart_trajectory_t u = {q, 1, NULL, 0, "2027-06-30", 90, false, "", "Q"};
	c = chart_trajectory("o2", &u, 340, 150);
	assert_string_equal(get(c, "ylabels.0.text"), "95");
	assert_string_equal(get(c, "ylabels.1.text"), "0");
	assert_int_equal(value_get(c, "trajectory")->kind, VAL_NULL);
	assert_int_equal(value_get(c, "polyline")->kind, VAL_NULL); /* one point: no line */
	assert_int_equal(count(c, "points"), 1);
	value_free(c);
	/* Yes/no: non at the bottom, oui at the top; a percentage: 0-100. */
	chart_tpoint_t yn[] = {{"2026-03-31", 0}, {"2026-09-30", 1}};
	chart_trajectory_t v = {yn, 2, NULL, 0, "2027-06-30", 1, true, "", "Charte"};
	c = chart_trajectory("o3", &v, 340, 150);
	assert_string_equal(get(c, "ylabels.0.text"), "oui");
	assert_string_equal(get(c, "ylabels.1.text"), "non");
	assert_string_equal(get(c, "points.0.y"), "128");
	assert_string_equal(get(c, "points.1.y"), "10");
	assert_string_equal(get(c, "target.text"), "Cible : oui au 30/06/2027");
	value_free(c);
	chart_trajectory_t w = {yn, 0, "2026-01-01", 40, "2027-01-01", 90.5, false, "%", "P"};
	c = chart_trajectory("o4", &w, 340, 150);
	assert_string_equal(get(c, "ylabels.0.text"), "100\xc2\xa0%");
	assert_string_equal(get(c, "target.text"), "Cible : 90,5\xc2\xa0% au 01/01/2027");
	assert_non_null(strstr(get(c, "label"), "aucune mesure"));
	value_free(c);
}

typedef struct {
	size_t elements, circles, titles;
	bool classes, dashed;
	const char *root;
} svg_count_t;

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	svg_count_t *n = ud;
	if (!n->elements++)
		n->root = strcmp(name, "http://www.w3.org/2000/svg svg") == 0 ? "svg" : "other";
	n->circles += strstr(name, " circle") != NULL;
	n->titles += strstr(name, " title") != NULL;
	for (size_t i = 0; attrs[i]; i += 2) {
		n->classes |= strcmp(attrs[i], "class") == 0;
		n->dashed |= strcmp(attrs[i], "stroke-dasharray") == 0;
	}
}

static void test_trajectory_svg(void **state)
{
	(void)state;
	chart_tpoint_t m[] = {{"2026-01-01", 1000}, {"2026-07-01", 990}, {"2027-01-01", 950}};
	chart_trajectory_t t = {m, 3, "2026-01-01", 1000, "2028-01-01", 800, false, "kWh", "Salles & \"bureaux\""};
	buf_t out = BUF_INIT;
	chart_trajectory_svg("s", &t, 340, 150, &out);
	const char *s = buf_cstr(&out);
	assert_true(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
	assert_non_null(strstr(s, " width=\"340\" height=\"150\""));
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "aria-label=\"Objectif « Salles &amp; &quot;bureaux&quot; » : cible"));
	assert_null(strstr(s, "<style"));
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	svg_count_t n = {0};
	XML_SetUserData(p, &n);
	XML_SetStartElementHandler(p, on_start);
	assert_int_equal(XML_Parse(p, s, (int)out.len, 1), XML_STATUS_OK);
	XML_ParserFree(p);
	assert_string_equal(n.root, "svg");
	assert_int_equal(n.circles, 3);
	assert_int_equal(n.titles, 1 + 3 + 1); /* the chart's, each point's, the target's */
	assert_false(n.classes);
	assert_true(n.dashed);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_partials),
		cmocka_unit_test(test_trajectory),
		cmocka_unit_test(test_trajectory_svg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
