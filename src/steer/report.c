/* report: the report's context and its rendering. report_html gathers the
 * figures; the rest of this file turns them into a value_t tree for the
 * templates of themes/report (compiled in), which share their charts with
 * the web app's dashboard (render/chart). Values are formatted here (dates
 * and percentages in French); the page's fixed text is in the templates
 * (but for the name of today's point on the line chart), and Mustache
 * escapes every value but the embedded stylesheets. */
#include "steer/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/value.h"
#include "render/chart.h"
#include "render/mustache.h"
#include "render/theme.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/objective.h"
#include "steer/perimeter.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/snapshot.h"
#include "util/frdate.h"
#include "util/xalloc.h"

/* Generated from themes/report by scripts/embed.py. */
extern const theme_file_t report_theme_files[];

#define NBSP "\xc2\xa0"

/* What report_html gathered, lent to the context builders. */
typedef struct {
	const char *org, *guide_title, *guide_version, *today, *due_label;
	size_t due; /* indicators to measure */
	const score_t *all, *themes, *prios;
	const plan_t *plan;
	const snapshot_list_t *snaps;
	const indicator_list_t *measured, *every;
	const objective_list_t *objectives;
	const unsigned *weights;
	const report_options_t *opt;
} facts_t;

/* --- context helpers: a NULL string becomes null, so that a section on it
 * is skipped and a lookup stops there instead of finding an outer value of
 * the same name. */

static void put_str(value_t *m, const char *key, const char *s)
{
	value_map_set(m, key, s ? value_cstring(s) : value_null());
}

static void put_buf(value_t *m, const char *key, buf_t *b)
{
	put_str(m, key, buf_cstr(b));
	buf_reset(b);
}

static void put_bool(value_t *m, const char *key, bool b)
{
	value_map_set(m, key, value_bool(b));
}

/* "41,7 %" or "—". */
static void pct(buf_t *out, uint64_t num, uint64_t den)
{
	score_format(num, den, ',', out);
	if (den)
		buf_puts(out, NBSP "%");
}

static void put_pct(value_t *m, const char *key, uint64_t num, uint64_t den)
{
	buf_t b = BUF_INIT;
	pct(&b, num, den);
	put_buf(m, key, &b);
	buf_free(&b);
}

static void put_date(value_t *m, const char *key, const char *iso)
{
	buf_t b = BUF_INIT;
	frdate_date(iso, &b);
	put_buf(m, key, &b);
	buf_free(&b);
}

/* --- scores by theme and by priority: the bars and their table ------------ */

/* The report is read on paper: its bars take the page's width. */
static const chart_bars_size_t bars_size = {720, 300, 330, 44};

/* How many items of t have a status of this kind: done (full credit),
 * in progress (some credit, not full), not applicable. */
enum { DONE, IN_PROGRESS, NOT_APPLICABLE };
static long long count_kind(const profile_t *p, const score_tally_t *t, int kind)
{
	long long n = 0;
	for (size_t i = 0; i < p->nstatuses; i++) {
		status_t st = (status_t)i;
		bool in = kind == DONE ? status_done(p, st)
			: kind == IN_PROGRESS ? status_credit(p, st) > 0 && !status_done(p, st)
					      : status_not_applicable(p, st);
		if (in)
			n += (long long)t->by_status[i];
	}
	return n;
}

static value_t *scores_ctx(const char *id, const score_t *sc, bool theme)
{
	value_t *c = value_map();
	value_t *rows = value_put_list(c, "rows");
	chart_bar_t *bars = xcalloc(sc->ngroups + 1, sizeof *bars);
	char **labels = xcalloc(sc->ngroups + 1, sizeof *labels);
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < sc->ngroups; i++) {
		const score_group_t *g = &sc->groups[i];
		value_t *row = value_push_map(rows);
		if (theme)
			buf_printf(&b, "%s %s", g->key, g->label);
		else
			buf_puts(&b, g->label);
		labels[i] = buf_detach(&b);
		put_str(row, "label", labels[i]);
		put_pct(row, "score", g->t.num, g->t.den);
		value_put_int(row, "assessed", (long long)g->t.assessed);
		value_put_int(row, "total", (long long)g->t.total);
		value_put_int(row, "done", count_kind(sc->profile, &g->t, DONE));
		value_put_int(row, "in_progress", count_kind(sc->profile, &g->t, IN_PROGRESS));
		value_put_int(row, "not_applicable", count_kind(sc->profile, &g->t, NOT_APPLICABLE));
		bars[i].label = labels[i];
		bars[i].tenths = score_tenths(g->t.num, g->t.den);
		bars[i].value = value_str(value_get(row, "score"));
	}
	value_map_set(c, "chart", chart_bars(id, bars, sc->ngroups, &bars_size));
	for (size_t i = 0; i < sc->ngroups; i++)
		free(labels[i]);
	free(labels);
	free(bars);
	buf_free(&b);
	return c;
}

/* --- evolution -------------------------------------------------------------- */

static void evolution_ctx(value_t *ctx, const snapshot_list_t *l, const score_t *now)
{
	value_t *rows = value_put_list(ctx, "snapshots");
	for (size_t i = 0; i < l->len; i++) {
		const snapshot_info_t *x = &l->items[i];
		value_t *row = value_push_map(rows);
		put_str(row, "name", x->name);
		put_date(row, "date", x->created_at);
		put_str(row, "guide_version", x->guide_version);
		put_pct(row, "score", x->num, x->den);
		put_pct(row, "completion", x->assessed, x->total);
	}
	if (!l->len) {
		value_map_set(ctx, "evolution_chart", value_null());
		return;
	}
	/* The snapshots, then today. */
	chart_point_t *pts = xcalloc(l->len + 1, sizeof *pts);
	for (size_t i = 0; i < l->len; i++)
		pts[i] = (chart_point_t){l->items[i].name, score_tenths(l->items[i].num, l->items[i].den)};
	pts[l->len] = (chart_point_t){"Aujourd’hui", score_tenths(now->overall.num, now->overall.den)};
	value_map_set(ctx, "evolution_chart", chart_line("evo", pts, l->len + 1, 720, 260));
	free(pts);
}

/* --- actions ------------------------------------------------------------------ */

/* The actions of p (the overdue ones only, or all), at most max of them;
 * null when there is none. */
static value_t *actions_ctx(const plan_t *p, bool overdue_only, size_t max)
{
	if (!(overdue_only ? p->overdue : p->len))
		return value_null();
	value_t *c = value_map();
	value_t *rows = value_put_list(c, "rows");
	size_t shown = 0, total = 0;
	for (size_t i = 0; i < p->len; i++) {
		const plan_item_t *x = &p->items[i];
		if (overdue_only && !x->overdue)
			continue;
		total++;
		if (shown == max)
			continue;
		shown++;
		value_t *row = value_push_map(rows);
		value_put_int(row, "rank", (long long)i + 1);
		put_str(row, "idbp", x->idbp);
		put_str(row, "title", x->title);
		put_bool(row, "is_new", x->is_new);
		put_str(row, "priority", x->priority);
		put_str(row, "difficulty", x->difficulty);
		put_str(row, "status", status_name(x->profile, x->status));
		if (x->due)
			put_date(row, "due", x->due);
		else
			put_str(row, "due", NULL);
		put_bool(row, "overdue", x->overdue);
		put_str(row, "pilot", x->pilot);
		put_str(row, "owner", x->owner);
	}
	if (total > shown)
		value_put_int(c, "more", (long long)(total - shown));
	else
		put_str(c, "more", NULL);
	put_bool(c, "more_plural", total - shown > 1);
	return c;
}

/* --- indicators --------------------------------------------------------------- */

/* Whether a numeric or yes/no indicator moved between its last two values,
 * and the right way when it has a direction; null when that cannot be said. */
static value_t *trend_ctx(const indicator_t *x)
{
	if (x->nmeasures < 2 || x->type == IND_TEXT)
		return value_null();
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
	if (!na || !nb)
		return value_null();
	int dir = b > a ? 1 : b < a ? -1 : 0;
	bool judged = dir && x->direction, good = judged && (dir > 0) == (strcmp(x->direction, "up") == 0);
	value_t *t = value_map();
	put_bool(t, "rising", dir > 0);
	put_bool(t, "falling", dir < 0);
	put_bool(t, "steady", dir == 0);
	put_bool(t, "favourable", judged && good);
	put_bool(t, "unfavourable", judged && !good);
	return t;
}

/* A value as read: decimal comma, and its unit. */
static void value_with_unit(buf_t *out, const indicator_t *x, const char *v)
{
	if (x->type == IND_PERCENT || x->type == IND_QUANTITY) {
		for (const char *p = v; *p; p++)
			buf_putc(out, *p == '.' ? ',' : *p);
		if (x->type == IND_PERCENT)
			buf_puts(out, NBSP "%");
		else if (x->unit && *x->unit)
			buf_printf(out, NBSP "%s", x->unit);
		return;
	}
	buf_puts(out, v);
}

static int cmp_recent(const void *a, const void *b)
{
	const indicator_t *x = a, *y = b;
	int c = strcmp(y->measures[0].end, x->measures[0].end);
	return c;
}

static value_t *indicators_ctx(const indicator_list_t *l, size_t due, size_t total, const char *due_label,
			       size_t max)
{
	value_t *c = value_map();
	value_put_int(c, "tracked", (long long)total);
	put_bool(c, "tracked_plural", total > 1);
	value_put_int(c, "measured", (long long)l->len);
	put_bool(c, "measured_plural", l->len > 1);
	value_put_int(c, "due", (long long)due);
	put_bool(c, "due_plural", due > 1);
	put_str(c, "quarter", due_label);
	if (!l->len) {
		value_map_set(c, "trends", value_null());
		return c;
	}
	/* Most recently measured first: what moved lately. */
	indicator_t *sorted = xcalloc(l->len, sizeof *sorted);
	memcpy(sorted, l->items, l->len * sizeof *sorted);
	qsort(sorted, l->len, sizeof *sorted, cmp_recent);
	value_t *trends = value_map();
	value_map_set(c, "trends", trends);
	value_t *rows = value_put_list(trends, "rows");
	size_t n = l->len < max ? l->len : max;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const indicator_t *x = &sorted[i];
		value_t *row = value_push_map(rows);
		put_str(row, "idbp", x->idbp);
		put_str(row, "name", x->name);
		value_t *ms = value_put_list(row, "measures");
		for (size_t j = 0; j < x->nmeasures; j++) {
			value_t *m = value_push_map(ms);
			put_bool(m, "first", j == 0);
			put_str(m, "period", x->measures[j].period);
			value_with_unit(&b, x, x->measures[j].value);
			put_buf(m, "value", &b);
		}
		value_map_set(row, "trend", trend_ctx(x));
		if (x->target) {
			value_with_unit(&b, x, x->target);
			put_buf(row, "target", &b);
		} else {
			put_str(row, "target", NULL);
		}
		if (x->target_date)
			put_date(row, "target_date", x->target_date);
		else
			put_str(row, "target_date", NULL);
	}
	if (l->len > n)
		value_put_int(trends, "more", (long long)(l->len - n));
	else
		put_str(trends, "more", NULL);
	put_bool(trends, "more_plural", l->len - n > 1);
	buf_free(&b);
	free(sorted);
	return c;
}

/* --- the page ------------------------------------------------------------------- */

/* The words the page uses for the référentiel's items: the guide's
 * "bonnes pratiques, réalisées, concernées", any other's "critères,
 * validés, applicables" (the RGESN's words). */
/* How many objectives the report draws: the table has them all, and the
 * page stays printable. */
#define REPORT_OBJECTIVE_CHARTS 6

/* The objectives: counts by state, a row each (name, perimeter, target,
 * deadline, latest, state with its gap), the first few charts. Null when
 * there is none. */
static value_t *objectives_ctx(const objective_list_t *l)
{
	if (!l->len)
		return value_null();
	value_t *c = value_map();
	size_t counts[OBJ_NSTATES] = {0};
	for (size_t i = 0; i < l->len; i++)
		counts[l->items[i].eval.state]++;
	value_t *sts = value_put_list(c, "states");
	for (int s = 0; s < OBJ_NSTATES; s++) {
		value_t *m = value_push_map(sts);
		put_str(m, "name", objective_state_name((objective_state_t)s));
		value_put_int(m, "count", (long long)counts[s]);
		put_bool(m, "last", s == OBJ_NSTATES - 1);
	}
	value_put_int(c, "count", (long long)l->len);
	value_t *rows = value_put_list(c, "rows"), *charts = value_put_list(c, "charts");
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < l->len; i++) {
		const objective_t *o = &l->items[i];
		value_t *row = value_push_map(rows);
		put_str(row, "name", o->name);
		put_str(row, "perimeter", o->perimeter);
		objective_value_fr(o, o->target, &b);
		put_buf(row, "target", &b);
		put_date(row, "deadline", o->deadline);
		objective_value_fr(o, o->latest, &b);
		if (o->latest_period)
			buf_printf(&b, " (%s)", o->latest_period);
		put_buf(row, "latest", &b);
		objective_state_fr(o, &b);
		put_buf(row, "state", &b);
		put_bool(row, "late", o->eval.state == OBJ_LATE);
		if (i < REPORT_OBJECTIVE_CHARTS) {
			chart_trajectory_t t;
			chart_tpoint_t *pts = NULL;
			objective_chart(o, &t, &pts);
			buf_printf(&b, "obj-%zu", i + 1);
			value_list_push(charts, chart_trajectory(buf_cstr(&b), &t, 340, 140));
			buf_reset(&b);
			free(pts);
		}
	}
	buf_free(&b);
	value_put_int(c, "more", l->len > REPORT_OBJECTIVE_CHARTS ? (long long)(l->len - REPORT_OBJECTIVE_CHARTS) : 0);
	put_bool(c, "has_more", l->len > REPORT_OBJECTIVE_CHARTS);
	return c;
}

static void put_words(value_t *c, const profile_t *p)
{
	bool guide = strcmp(p->id, "gbpnr") == 0;
	value_t *w = value_map();
	put_str(w, "source", guide ? "Guide de référence" : "Référentiel");
	put_str(w, "one", guide ? "Bonne pratique" : "Critère");
	put_str(w, "Many", guide ? "Bonnes pratiques" : "Critères");
	put_str(w, "many", guide ? "bonnes pratiques" : "critères");
	put_str(w, "assessed", guide ? "évaluées" : "évalués");
	put_str(w, "applicable", guide ? "concernées" : "applicables");
	put_str(w, "done", guide ? "réalisées" : "validés");
	put_str(w, "Done", guide ? "Réalisées" : "Validés");
	put_str(w, "Na", guide ? "Non concernées" : "Non applicables");
	put_str(w, "All", guide ? "Toutes" : "Tous");
	value_map_set(c, "words", w);
}

static value_t *report_ctx(const facts_t *f)
{
	value_t *c = value_map();
	put_words(c, f->all->profile);
	size_t len;
	const char *css = chart_css(&len);
	value_map_set(c, "charts_css", value_string_ref(css, len));
	for (const theme_file_t *t = report_theme_files; t->name; t++)
		if (strcmp(t->name, "report.css") == 0)
			value_map_set(c, "report_css", value_string_ref(t->data, t->size));
	put_str(c, "org", f->org);
	put_date(c, "date", f->today);
	put_str(c, "guide_title", f->guide_title && *f->guide_title ? f->guide_title : NULL);
	put_str(c, "guide_version", f->guide_version);
	value_put_int(c, "practices", (long long)f->all->overall.total);

	put_pct(c, "score", f->all->overall.num, f->all->overall.den);
	put_pct(c, "completion", f->all->overall.assessed, f->all->overall.total);
	value_put_int(c, "assessed", (long long)f->all->overall.assessed);
	value_put_int(c, "total", (long long)f->all->overall.total);
	value_put_int(c, "actions_left", (long long)f->plan->len);
	value_put_int(c, "actions_overdue", (long long)f->plan->overdue);
	const profile_t *prof = f->all->profile;
	status_t order[PROFILE_MAX_STATUSES];
	size_t nst = status_display_order(prof, order);
	value_t *sts = value_put_list(c, "statuses");
	for (size_t i = 0; i < nst; i++) {
		value_t *row = value_push_map(sts);
		put_str(row, "name", status_name(prof, order[i]));
		value_put_int(row, "count", (long long)f->all->overall.by_status[order[i]]);
	}
	buf_t b = BUF_INIT;
	score_formula_fr(prof, f->weights, &b);
	put_buf(c, "formula", &b);
	buf_free(&b);

	value_map_set(c, "by_theme", scores_ctx("bars-theme", f->themes, true));
	value_map_set(c, "by_priority", scores_ctx("bars-priority", f->prios, false));
	evolution_ctx(c, f->snaps, f->all);
	value_map_set(c, "next_actions", actions_ctx(f->plan, false, f->opt->top_actions));
	value_map_set(c, "overdue_actions", actions_ctx(f->plan, true, f->opt->max_overdue));
	value_map_set(c, "indicators",
		      indicators_ctx(f->measured, f->due, f->every->len, f->due_label, f->opt->max_indicators));
	value_map_set(c, "objectives", objectives_ctx(f->objectives));
	return c;
}

/* Renders the report's page from its templates and the chart partials. A
 * failure can only be a broken template compiled in or a rendering limit:
 * reported as a failure to produce the report (STEER_IO), with the
 * template's diagnostic. */
static steer_rc render(const facts_t *f, buf_t *out, diag_list_t *d)
{
	mst_registry_t *reg = mst_registry_new(d);
	for (const theme_file_t *t = report_theme_files; t->name; t++) {
		size_t n = strlen(t->name);
		if (n > 9 && strcmp(t->name + n - 9, ".mustache") == 0) {
			char *name = xstrndup(t->name, n - 9);
			mst_registry_add(reg, name, t->name, t->data, t->size);
			free(name);
		}
	}
	chart_register(reg);
	value_t *ctx = report_ctx(f);
	const mst_t *page = mst_registry_get(reg, "report", 6);
	steer_rc rc = STEER_OK;
	if (!page || mst_render(page, ctx, mst_registry_lookup, reg, out, d) != 0) {
		if (!page)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, "report", "the report's template is missing or invalid");
		rc = STEER_IO;
	}
	value_free(ctx);
	mst_registry_free(reg);
	return rc;
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
	objective_list_t objectives;
	unsigned w[PROFILE_MAX_PRIORITIES];
	memset(&items, 0, sizeof items);
	memset(&all, 0, sizeof all);
	memset(&themes, 0, sizeof themes);
	memset(&prios, 0, sizeof prios);
	memset(&plan, 0, sizeof plan);
	memset(&snaps, 0, sizeof snaps);
	memset(&measured, 0, sizeof measured);
	memset(&every, 0, sizeof every);
	memset(&objectives, 0, sizeof objectives);
	if (!opt)
		opt = &defaults;
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)) ||
	    (rc = store_current_version(s, &version, &gversion, d)) || (rc = score_weights(s, w, d)) ||
	    (rc = score_load(s, &items, d)) || (rc = plan_build(s, PLAN_ACTIONS, NULL, &plan, d)) ||
	    (rc = snapshot_list(s, &snaps, d)) || (rc = indicator_measured(s, 4, &measured, d)) ||
	    (rc = indicator_list(s, NULL, 0, &every, d)) || (rc = objective_list(s, false, &objectives, d)))
		goto cleanup;
	score_items(items.items, items.len, store_profile(s), w, SCORE_BY_NONE, &all);
	score_items(items.items, items.len, store_profile(s), w, SCORE_BY_THEME, &themes);
	score_items(items.items, items.len, store_profile(s), w, SCORE_BY_PRIORITY, &prios);
	org = store_meta(s, "org");
	if (store_perimeter(s) != 1) {
		/* A perimeter's report names it after the organisation. */
		char *pname = NULL, *gname = NULL;
		if ((rc = perimeter_scope_names(s, &pname, &gname, d)))
			goto cleanup;
		buf_t b = BUF_INIT;
		buf_printf(&b, "%s — %s", org ? org : "", pname ? pname : "");
		free(org);
		org = buf_detach(&b);
		free(pname);
		free(gname);
	}
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

	const facts_t facts = {.org = org, .guide_title = gtitle, .guide_version = gversion, .today = today,
			       .due_label = due_label, .due = due, .all = &all, .themes = &themes, .prios = &prios,
			       .plan = &plan, .snaps = &snaps, .measured = &measured, .every = &every,
			       .objectives = &objectives, .weights = w,
			       .opt = opt};
	rc = render(&facts, out, d);
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
	objective_list_free(&objectives);
	return rc;
}
