/* report: the HTML report, written directly with escaping helpers (every
 * piece of data goes through esc(); only fixed markup is written raw). The
 * charts are SVG with a title, followed by the same figures as a table, so
 * screen readers and printouts lose nothing. */
#include "steer/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/snapshot.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define NBSP "\xc2\xa0"

static void esc(buf_t *out, const char *s)
{
	if (s)
		buf_put_html(out, s, strlen(s));
}

/* "41,7 %" or "—". */
static void pct(buf_t *out, uint64_t num, uint64_t den)
{
	score_format(num, den, ',', out);
	if (den)
		buf_puts(out, NBSP "%");
}

/* "2026-03-15" -> "15 mars 2026"; other text as is. */
static void date_fr(buf_t *out, const char *iso)
{
	static const char *const months[12] = {"janvier", "février", "mars", "avril", "mai", "juin",
					       "juillet", "août", "septembre", "octobre", "novembre", "décembre"};
	int y = iso ? input_digits(iso, 4) : -1, m = -1, d = -1;
	if (y >= 0 && iso[4] == '-' && iso[7] == '-') {
		m = input_digits(iso + 5, 2);
		d = input_digits(iso + 8, 2);
	}
	if (m >= 1 && m <= 12 && d >= 1 && d <= 31)
		buf_printf(out, "%d%s %s %d", d, d == 1 ? "er" : "", months[m - 1], y);
	else
		esc(out, iso);
}

/* At most max code points of s, with an ellipsis when cut (chart labels). */
static void esc_cut(buf_t *out, const char *s, size_t max)
{
	size_t len = strlen(s);
	if (utf8_length(s, len) <= max) {
		esc(out, s);
		return;
	}
	size_t k = 0, cps = 0;
	while (k < len && cps < max - 1) {
		uint32_t cp;
		k += utf8_decode(s + k, len - k, &cp);
		cps++;
	}
	buf_put_html(out, s, k);
	buf_puts(out, "…");
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Marianne',Arial,sans-serif;color:#1e1e1e;"
	"max-width:60rem;margin:0 auto;padding:1.5rem;line-height:1.45}"
	"h1{font-size:1.7rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #000091;"
	"padding-bottom:.2rem}h3{font-size:1.05rem}"
	".org{font-size:1.2rem;margin:0 0 .5rem}"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0}dl.meta dt{font-weight:600}"
	"dl.meta dd{margin:0}"
	".kpi{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}.kpi div{border:1px solid #ccc;border-radius:4px;"
	"padding:.6rem 1rem;min-width:10rem}.kpi strong{display:block;font-size:1.8rem;color:#000091}"
	"table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}"
	"th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}"
	"th{background:#f0f0f6}td.n,th.n{text-align:right;white-space:nowrap}"
	"caption{text-align:left;font-weight:600;padding:.2rem 0}"
	".formula{font-size:.88rem;background:#f6f6f6;border-left:4px solid #000091;padding:.5rem .8rem}"
	".late{color:#b60000;font-weight:600}.up{color:#18753c}.down{color:#b60000}"
	"svg{display:block;max-width:100%;height:auto;margin:.5rem 0}svg text{font-size:12px;fill:#1e1e1e}"
	"svg .bg{fill:#e5e5f4}svg .fg{fill:#000091}svg .grid{stroke:#ddd}svg .line{fill:none;stroke:#000091;"
	"stroke-width:2}svg .pt{fill:#000091}"
	"footer{margin-top:2rem;font-size:.85rem;color:#555}"
	"@media print{body{max-width:none;padding:0;font-size:10.5pt}h2{break-after:avoid}"
	"table,svg,.kpi{break-inside:avoid}a{color:inherit;text-decoration:none}}"
	"@page{margin:1.5cm}";

static void bar_chart(buf_t *out, const char *id, const char *title, const score_t *sc, bool theme)
{
	/* Integer geometry: label column, bar column, value column. */
	const int w = 720, lx = 300, bw = 330, rh = 26;
	int h = rh * (int)sc->ngroups + 10;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"%s-t\" "
			"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"><title id=\"%s-t\">",
		   id, w, h, w, h, id);
	esc(out, title);
	buf_puts(out, "</title>");
	for (size_t i = 0; i < sc->ngroups; i++) {
		const score_group_t *g = &sc->groups[i];
		int y = 5 + rh * (int)i;
		long t = score_tenths(g->t.num, g->t.den);
		buf_printf(out, "<text x=\"0\" y=\"%d\">", y + 16);
		buf_t label = BUF_INIT;
		if (theme)
			buf_printf(&label, "%s %s", g->key, g->label);
		else
			buf_puts(&label, g->label);
		esc_cut(out, buf_cstr(&label), 44);
		buf_free(&label);
		buf_printf(out, "</text><rect class=\"bg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\"/>", lx, y + 3, bw);
		if (t > 0)
			buf_printf(out, "<rect class=\"fg\" x=\"%d\" y=\"%d\" width=\"%ld\" height=\"18\"/>", lx, y + 3,
				   t * bw / 1000);
		buf_printf(out, "<text x=\"%d\" y=\"%d\">", lx + bw + 8, y + 16);
		pct(out, g->t.num, g->t.den);
		buf_puts(out, "</text>");
	}
	buf_puts(out, "</svg>\n");
}

static void score_table(buf_t *out, const char *caption, const char *head, const score_t *sc, bool theme)
{
	buf_puts(out, "<table><caption>");
	esc(out, caption);
	buf_puts(out, "</caption><thead><tr><th scope=\"col\">");
	esc(out, head);
	buf_puts(out, "</th><th scope=\"col\" class=\"n\">Score</th><th scope=\"col\" class=\"n\">Évaluées</th>"
		      "<th scope=\"col\" class=\"n\">Réalisées</th><th scope=\"col\" class=\"n\">En cours</th>"
		      "<th scope=\"col\" class=\"n\">Non concernées</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < sc->ngroups; i++) {
		const score_group_t *g = &sc->groups[i];
		buf_puts(out, "<tr><th scope=\"row\">");
		if (theme) {
			esc(out, g->key);
			buf_putc(out, ' ');
		}
		esc(out, g->label);
		buf_puts(out, "</th><td class=\"n\">");
		pct(out, g->t.num, g->t.den);
		buf_printf(out, "</td><td class=\"n\">%zu / %zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
				"<td class=\"n\">%zu</td></tr>\n",
			   g->t.assessed, g->t.total, g->t.by_status[STATUS_DONE], g->t.by_status[STATUS_IN_PROGRESS],
			   g->t.by_status[STATUS_NOT_APPLICABLE]);
	}
	buf_puts(out, "</tbody></table>\n");
}

typedef struct {
	const char *label, *date;
	long tenths; /* -1: no score */
} point_t;

static void line_chart(buf_t *out, const point_t *pts, size_t n)
{
	const int w = 720, h = 260, left = 48, right = 20, top = 12, bottom = 40;
	const int pw = w - left - right, ph = h - top - bottom;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"evo-t\" "
			"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"><title id=\"evo-t\">Évolution du score sur "
			"%zu relevés</title>",
		   w, h, w, h, n);
	for (int g = 0; g <= 4; g++) {
		int y = top + ph - g * ph / 4;
		buf_printf(out, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
				"<text x=\"0\" y=\"%d\">%d" NBSP "%%</text>",
			   left, y, w - right, y, y + 4, g * 25);
	}
	/* Label a handful of points so names never overlap. */
	size_t every = n > 6 ? (n + 5) / 6 : 1;
	buf_t poly = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		int x = left + (n > 1 ? (int)((long)i * pw / (long)(n - 1)) : pw / 2);
		if (i % every == 0 || i == n - 1) {
			buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">", x, h - 18,
				   i == 0 && n > 1 ? "start" : i == n - 1 && n > 1 ? "end" : "middle");
			esc_cut(out, pts[i].label, 16);
			buf_puts(out, "</text>");
		}
		if (pts[i].tenths < 0)
			continue;
		int y = top + ph - (int)(pts[i].tenths * ph / 1000);
		buf_printf(&poly, "%s%d,%d", poly.len ? " " : "", x, y);
		buf_printf(out, "<circle class=\"pt\" cx=\"%d\" cy=\"%d\" r=\"3.5\"><title>", x, y);
		esc(out, pts[i].label);
		buf_printf(out, " : %ld,%ld" NBSP "%%</title></circle>", pts[i].tenths / 10, pts[i].tenths % 10);
	}
	if (poly.len)
		buf_printf(out, "<polyline class=\"line\" points=\"%s\"/>", buf_cstr(&poly));
	buf_free(&poly);
	buf_puts(out, "</svg>\n");
}

static void evolution(buf_t *out, const snapshot_list_t *l, const score_t *now, const char *today)
{
	buf_puts(out, "<section aria-labelledby=\"evolution\"><h2 id=\"evolution\">Évolution</h2>\n");
	if (!l->len)
		buf_puts(out, "<p>Aucun relevé (snapshot) n’a encore été enregistré : créez-en un à chaque fin de "
			      "période avec <code>sobre snapshot create \"T1 2026\"</code>.</p>\n");
	point_t *pts = xcalloc(l->len + 2, sizeof *pts);
	for (size_t i = 0; i < l->len; i++)
		pts[i] = (point_t){l->items[i].name, l->items[i].created_at, score_tenths(l->items[i].num, l->items[i].den)};
	pts[l->len] = (point_t){"Aujourd’hui", today, score_tenths(now->overall.num, now->overall.den)};
	size_t n = l->len + 1;
	if (l->len)
		line_chart(out, pts, n);
	buf_puts(out, "<table><caption>Score à chaque relevé</caption><thead><tr><th scope=\"col\">Relevé</th>"
		      "<th scope=\"col\">Date</th><th scope=\"col\">Version du guide</th><th scope=\"col\" class=\"n\">Score</th>"
		      "<th scope=\"col\" class=\"n\">Avancement</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < l->len; i++) {
		const snapshot_info_t *x = &l->items[i];
		buf_puts(out, "<tr><th scope=\"row\">");
		esc(out, x->name);
		buf_puts(out, "</th><td>");
		date_fr(out, x->created_at);
		buf_puts(out, "</td><td>");
		esc(out, x->guide_version);
		buf_puts(out, "</td><td class=\"n\">");
		pct(out, x->num, x->den);
		buf_puts(out, "</td><td class=\"n\">");
		pct(out, x->assessed, x->total);
		buf_puts(out, "</td></tr>\n");
	}
	buf_puts(out, "<tr><th scope=\"row\">Aujourd’hui</th><td>");
	date_fr(out, today);
	buf_puts(out, "</td><td></td><td class=\"n\">");
	pct(out, now->overall.num, now->overall.den);
	buf_puts(out, "</td><td class=\"n\">");
	pct(out, now->overall.assessed, now->overall.total);
	buf_puts(out, "</td></tr>\n</tbody></table>\n</section>\n");
	free(pts);
}

static void action_row(buf_t *out, size_t rank, const plan_item_t *x)
{
	buf_printf(out, "<tr><td class=\"n\">%zu</td><td>", rank);
	esc(out, x->idbp);
	buf_puts(out, "</td><td>");
	esc(out, x->title);
	if (x->is_new)
		buf_puts(out, " <em>(nouvelle)</em>");
	buf_puts(out, "</td><td>");
	esc(out, x->priority);
	buf_puts(out, "</td><td>");
	esc(out, x->difficulty);
	buf_puts(out, "</td><td>");
	esc(out, status_name(x->status));
	buf_puts(out, "</td><td>");
	if (x->due) {
		if (x->overdue)
			buf_puts(out, "<span class=\"late\">");
		date_fr(out, x->due);
		if (x->overdue)
			buf_puts(out, " (en retard)</span>");
	} else {
		buf_puts(out, "—");
	}
	buf_puts(out, "</td><td>");
	esc(out, x->pilot ? x->pilot : "—");
	if (x->owner) {
		buf_puts(out, "<br>");
		esc(out, x->owner);
	}
	buf_puts(out, "</td></tr>\n");
}

static void actions_table(buf_t *out, const char *caption, const plan_t *p, bool overdue_only, size_t max)
{
	buf_puts(out, "<table><caption>");
	esc(out, caption);
	buf_puts(out, "</caption><thead><tr><th scope=\"col\" class=\"n\">Rang</th><th scope=\"col\">Id</th>"
		      "<th scope=\"col\">Bonne pratique</th><th scope=\"col\">Priorité</th><th scope=\"col\">Difficulté</th>"
		      "<th scope=\"col\">Statut</th><th scope=\"col\">Échéance</th><th scope=\"col\">Pilote</th></tr></thead><tbody>\n");
	size_t shown = 0, total = 0;
	for (size_t i = 0; i < p->len; i++) {
		if (overdue_only && !p->items[i].overdue)
			continue;
		total++;
		if (shown < max) {
			action_row(out, i + 1, &p->items[i]);
			shown++;
		}
	}
	buf_puts(out, "</tbody></table>\n");
	if (total > shown)
		buf_printf(out, "<p>… et %zu autre%s (liste complète : <code>sobre plan</code>).</p>\n", total - shown,
			   total - shown > 1 ? "s" : "");
}

/* Whether a numeric indicator moved the right way between its last two
 * values: "en hausse" / "en baisse" / "stable", and favourable or not when
 * a direction is set. */
static void trend(buf_t *out, const indicator_t *x)
{
	if (x->nmeasures < 2 || x->type == IND_TEXT) {
		buf_puts(out, "—");
		return;
	}
	double a, b;
	char ca[64], cb[64];
	bool na, nb;
	if (x->type == IND_YESNO) {
		a = strcmp(x->measures[1].value, "oui") == 0;
		b = strcmp(x->measures[0].value, "oui") == 0;
		na = nb = true;
	} else {
		na = input_number(x->measures[1].value, ca, sizeof ca, &a);
		nb = input_number(x->measures[0].value, cb, sizeof cb, &b);
	}
	if (!na || !nb) {
		buf_puts(out, "—");
		return;
	}
	int dir = b > a ? 1 : b < a ? -1 : 0;
	const char *word = dir > 0 ? "↗ en hausse" : dir < 0 ? "↘ en baisse" : "→ stable";
	if (dir && x->direction) {
		bool good = (dir > 0) == (strcmp(x->direction, "up") == 0);
		buf_printf(out, "<span class=\"%s\">%s (%s)</span>", good ? "up" : "down", word, good ? "favorable" : "défavorable");
	} else {
		buf_puts(out, word);
	}
}

static void value_with_unit(buf_t *out, const indicator_t *x, const char *v)
{
	if (x->type == IND_PERCENT) {
		buf_t t = BUF_INIT;
		for (const char *p = v; *p; p++)
			buf_putc(&t, *p == '.' ? ',' : *p);
		esc(out, buf_cstr(&t));
		buf_puts(out, NBSP "%");
		buf_free(&t);
		return;
	}
	if (x->type == IND_QUANTITY) {
		for (const char *p = v; *p; p++)
			buf_putc(out, *p == '.' ? ',' : *p);
		if (x->unit && *x->unit) {
			buf_puts(out, NBSP);
			esc(out, x->unit);
		}
		return;
	}
	esc(out, v);
}

static int cmp_recent(const void *a, const void *b)
{
	const indicator_t *x = a, *y = b;
	int c = strcmp(y->measures[0].end, x->measures[0].end);
	return c;
}

static void indicators(buf_t *out, indicator_list_t *l, size_t due, size_t total, const char *due_label, size_t max)
{
	buf_puts(out, "<section aria-labelledby=\"indicateurs\"><h2 id=\"indicateurs\">Indicateurs</h2>\n");
	buf_printf(out, "<p>%zu indicateur%s suivi%s, dont %zu mesuré%s. %zu indicateur%s sans mesure couvrant le "
			"trimestre ",
		   total, total > 1 ? "s" : "", total > 1 ? "s" : "", l->len, l->len > 1 ? "s" : "", due,
		   due > 1 ? "s" : "");
	esc(out, due_label);
	buf_puts(out, " ou après (à mesurer).</p>\n");
	if (!l->len) {
		buf_puts(out, "</section>\n");
		return;
	}
	/* Most recently measured first: what moved lately. */
	indicator_t *sorted = xcalloc(l->len, sizeof *sorted);
	memcpy(sorted, l->items, l->len * sizeof *sorted);
	qsort(sorted, l->len, sizeof *sorted, cmp_recent);
	buf_puts(out, "<table><caption>Tendances des indicateurs mesurés</caption><thead><tr>"
		      "<th scope=\"col\">Bonne pratique</th><th scope=\"col\">Indicateur</th>"
		      "<th scope=\"col\">Dernières valeurs</th><th scope=\"col\">Tendance</th>"
		      "<th scope=\"col\">Objectif</th></tr></thead><tbody>\n");
	size_t n = l->len < max ? l->len : max;
	for (size_t i = 0; i < n; i++) {
		const indicator_t *x = &sorted[i];
		buf_puts(out, "<tr><td>");
		esc(out, x->idbp);
		buf_puts(out, "</td><td>");
		esc(out, x->name);
		buf_puts(out, "</td><td>");
		for (size_t j = 0; j < x->nmeasures; j++) {
			if (j)
				buf_puts(out, "<br>");
			esc(out, x->measures[j].period);
			buf_puts(out, NBSP ":" NBSP);
			value_with_unit(out, x, x->measures[j].value);
		}
		buf_puts(out, "</td><td>");
		trend(out, x);
		buf_puts(out, "</td><td>");
		if (x->target) {
			value_with_unit(out, x, x->target);
			if (x->target_date) {
				buf_puts(out, " au ");
				date_fr(out, x->target_date);
			}
		} else {
			buf_puts(out, "—");
		}
		buf_puts(out, "</td></tr>\n");
	}
	buf_puts(out, "</tbody></table>\n");
	if (l->len > n)
		buf_printf(out, "<p>… et %zu autres indicateurs mesurés (liste : <code>sobre indicators</code>).</p>\n",
			   l->len - n);
	free(sorted);
	buf_puts(out, "</section>\n");
}

steer_rc report_html(store_t *s, const report_options_t *opt, buf_t *out, diag_list_t *d)
{
	static const report_options_t defaults = REPORT_OPTIONS_DEFAULT;
	steer_rc rc;
	long long version;
	char today[11], since[11], due_label[11];
	char *org = NULL, *gversion = NULL, *gtitle = NULL;
	score_items_t items;
	score_t all, themes, prios;
	plan_t plan;
	snapshot_list_t snaps;
	indicator_list_t measured, every;
	unsigned w[STORE_NPRIORITIES];
	memset(&items, 0, sizeof items);
	memset(&all, 0, sizeof all);
	memset(&themes, 0, sizeof themes);
	memset(&prios, 0, sizeof prios);
	memset(&plan, 0, sizeof plan);
	memset(&snaps, 0, sizeof snaps);
	memset(&measured, 0, sizeof measured);
	memset(&every, 0, sizeof every);
	if (!opt)
		opt = &defaults;
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)) ||
	    (rc = store_current_version(s, &version, &gversion, d)) || (rc = store_weights(s, w, d)) ||
	    (rc = score_load(s, &items, d)) || (rc = plan_build(s, PLAN_ACTIONS, NULL, &plan, d)) ||
	    (rc = snapshot_list(s, &snaps, d)) || (rc = indicator_measured(s, 4, &measured, d)) ||
	    (rc = indicator_list(s, NULL, 0, &every, d)))
		goto cleanup;
	score_items(items.items, items.len, w, SCORE_BY_NONE, &all);
	score_items(items.items, items.len, w, SCORE_BY_THEME, &themes);
	score_items(items.items, items.len, w, SCORE_BY_PRIORITY, &prios);
	org = store_meta(s, "org");
	store_query_t *q = store_query(s, "SELECT title FROM guide_version WHERE id = ?");
	store_bind_int(q, 1, version);
	if (store_next(q))
		gtitle = store_col_dup(q, 0);
	if ((rc = store_end(q, d, "reading the guide version")))
		goto cleanup;
	store_today(s, today);
	indicator_due_since(today, since, due_label);
	size_t due = 0;
	for (size_t i = 0; i < every.len; i++)
		due += every.items[i].due;

	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Pilotage du "
		      "numérique responsable");
	if (org) {
		buf_puts(out, " — ");
		esc(out, org);
	}
	buf_puts(out, " — ");
	date_fr(out, today);
	buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>Pilotage du numérique responsable</h1>\n",
		   css);
	if (org) {
		buf_puts(out, "<p class=\"org\">");
		esc(out, org);
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "<dl class=\"meta\"><dt>Date du rapport</dt><dd>");
	date_fr(out, today);
	buf_puts(out, "</dd><dt>Guide de référence</dt><dd>");
	if (gtitle && *gtitle) {
		esc(out, gtitle);
		buf_puts(out, ", ");
	}
	buf_puts(out, "version ");
	esc(out, gversion);
	buf_printf(out, " (%zu bonnes pratiques)</dd></dl>\n</header>\n<main>\n", all.overall.total);

	/* Synthesis. */
	buf_puts(out, "<section aria-labelledby=\"synthese\"><h2 id=\"synthese\">Synthèse</h2>\n<div class=\"kpi\">"
		      "<div>Score pondéré<strong>");
	pct(out, all.overall.num, all.overall.den);
	buf_puts(out, "</strong></div><div>Avancement de l’évaluation<strong>");
	pct(out, all.overall.assessed, all.overall.total);
	buf_printf(out, "</strong>%zu / %zu bonnes pratiques évaluées</div><div>Actions restantes<strong>%zu</strong>"
			"dont %zu en retard</div></div>\n",
		   all.overall.assessed, all.overall.total, plan.len, plan.overdue);
	buf_puts(out, "<table><caption>Bonnes pratiques par statut</caption><thead><tr><th scope=\"col\">Statut</th>"
		      "<th scope=\"col\" class=\"n\">Nombre</th></tr></thead><tbody>\n");
	static const status_t order[STATUS_COUNT] = {STATUS_DONE, STATUS_IN_PROGRESS, STATUS_PLANNED,
						     STATUS_NOT_ENGAGED, STATUS_NOT_ASSESSED, STATUS_NOT_APPLICABLE};
	for (int i = 0; i < STATUS_COUNT; i++) {
		buf_puts(out, "<tr><th scope=\"row\">");
		esc(out, status_name(order[i]));
		buf_printf(out, "</th><td class=\"n\">%zu</td></tr>\n", all.overall.by_status[order[i]]);
	}
	buf_puts(out, "</tbody></table>\n<p class=\"formula\"><strong>Formule.</strong> ");
	buf_t f = BUF_INIT;
	score_formula_fr(w, &f);
	esc(out, buf_cstr(&f));
	buf_free(&f);
	buf_puts(out, "</p>\n</section>\n");

	buf_puts(out, "<section aria-labelledby=\"themes\"><h2 id=\"themes\">Score par thématique</h2>\n");
	bar_chart(out, "bars-theme", "Score par thématique (barres horizontales ; données dans le tableau suivant)",
		  &themes, true);
	score_table(out, "Score par thématique", "Thématique", &themes, true);
	buf_puts(out, "</section>\n<section aria-labelledby=\"priorites\"><h2 id=\"priorites\">Score par priorité</h2>\n");
	bar_chart(out, "bars-priority", "Score par priorité (barres horizontales ; données dans le tableau suivant)",
		  &prios, false);
	score_table(out, "Score par priorité", "Priorité", &prios, false);
	buf_puts(out, "</section>\n");

	evolution(out, &snaps, &all, today);

	buf_puts(out, "<section aria-labelledby=\"actions\"><h2 id=\"actions\">Actions prioritaires</h2>\n"
		      "<p>Bonnes pratiques concernées et pas encore réalisées : les prioritaires d’abord, puis les plus "
		      "faciles (gains rapides), puis par échéance.</p>\n");
	if (plan.len)
		actions_table(out, "Prochaines actions", &plan, false, opt->top_actions);
	else
		buf_puts(out, "<p>Toutes les bonnes pratiques concernées sont réalisées.</p>\n");
	buf_puts(out, "</section>\n<section aria-labelledby=\"retards\"><h2 id=\"retards\">Actions en retard</h2>\n");
	if (plan.overdue)
		actions_table(out, "Actions dont l’échéance est dépassée", &plan, true, opt->max_overdue);
	else
		buf_puts(out, "<p>Aucune action en retard.</p>\n");
	buf_puts(out, "</section>\n");

	indicators(out, &measured, due, every.len, due_label, opt->max_indicators);

	buf_puts(out, "</main>\n<footer><p>Rapport produit par sobre le ");
	date_fr(out, today);
	buf_puts(out, " à partir de la base de pilotage. Les scores sont calculés en nombres entiers et arrondis au "
		      "dixième (au plus proche, la moitié vers le haut) ; la méthode est décrite dans docs/scoring.md.</p>"
		      "</footer>\n</body>\n</html>\n");
cleanup:
	free(org);
	free(gversion);
	free(gtitle);
	score_items_free(&items);
	score_free(&all);
	score_free(&themes);
	score_free(&prios);
	plan_free(&plan);
	snapshot_list_free(&snaps);
	indicator_list_free(&measured);
	indicator_list_free(&every);
	return rc;
}
