/* pilotage_lists: the web app's two pages read most, the dashboard and the
 * practices list. Their bodies are kept while the database is unchanged
 * (rq_render_kept); each is made from the steer modules inside the
 * request's transaction, like the other pages (pilotage_pages.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"
#include "steer/indicator.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/snapshot.h"
#include "util/xalloc.h"
#include "web/pilotage_internal.h"

/* --- dashboard -------------------------------------------------------------- */

/* A score by group for the "scores" figure: the report's bar chart (the
 * "bars" partial, narrower: labels cut to 16 characters), then a table. */
static value_t *bars_ctx(const score_t *sc, const char *id, const char *caption, const char *head)
{
	static const chart_bars_size_t size = {420, 120, 250, 16};
	value_t *b = value_map();
	ctx_str(b, "caption", caption);
	ctx_str(b, "head", head);
	value_t *rows = value_put_list(b, "rows");
	chart_bar_t *bars = xcalloc(sc->ngroups + 1, sizeof *bars);
	buf_t v = BUF_INIT;
	for (size_t i = 0; i < sc->ngroups; i++) {
		const score_group_t *g = &sc->groups[i];
		value_t *row = value_push_map(rows);
		score_format(g->t.num, g->t.den, ',', &v);
		ctx_str(row, "label", g->label);
		ctx_str(row, "value", buf_cstr(&v));
		value_put_int(row, "assessed", (long long)g->t.assessed);
		value_put_int(row, "total", (long long)g->t.total);
		buf_reset(&v);
		bars[i] = (chart_bar_t){g->label, score_tenths(g->t.num, g->t.den), value_str(value_get(row, "value"))};
	}
	value_map_set(b, "chart", chart_bars(id, bars, sc->ngroups, &size));
	buf_free(&v);
	free(bars);
	return b;
}

/* How many indicators of one theme the dashboard lists before folding the
 * rest: on a large guide, the whole list would bury the page. */
#define DUE_SHOWN 10

/* The indicators waiting for a measurement, theme by theme in guide order
 * (a practice's id starts with its theme's, which check enforces), the ones
 * past DUE_SHOWN in each theme folded. Returns how many there are. */
static size_t due_by_theme(value_t *ctx, const score_t *themes, const indicator_list_t *inds)
{
	value_t *groups = value_put_list(ctx, "due_themes");
	size_t total = 0;
	for (size_t t = 0; t < themes->ngroups; t++) {
		const char *id = themes->groups[t].key;
		size_t idlen = strlen(id), n = 0;
		value_t *g = NULL, *shown = NULL, *more = NULL;
		for (size_t i = 0; i < inds->len; i++) {
			const indicator_t *x = &inds->items[i];
			if (!x->due || x->archived || strncmp(x->idbp, id, idlen) != 0)
				continue;
			if (!g) {
				g = value_push_map(groups);
				ctx_str(g, "theme", themes->groups[t].label);
				shown = value_put_list(g, "shown");
				more = value_put_list(g, "more");
			}
			value_t *row = value_push_map(n < DUE_SHOWN ? shown : more);
			ctx_str(row, "idbp", x->idbp);
			ctx_str(row, "name", x->name);
			n++;
		}
		if (g) {
			value_put_int(g, "count", (long long)n);
			ctx_bool(g, "has_more", n > DUE_SHOWN);
			value_put_int(g, "nmore", n > DUE_SHOWN ? (long long)(n - DUE_SHOWN) : 0);
		}
		total += n;
	}
	return total;
}

/* The dashboard's body into out: everything but the layout. Its context
 * holds the data and can_snapshot, the only value of the user it shows.
 * Returns 0, -1 when a read failed (r->d says why) or -2 when the template
 * did (a bug). */
static int dashboard_body(rq_t *r, buf_t *out)
{
	int rc = 0;
	score_t by_theme, by_prio;
	snapshot_list_t snaps;
	plan_t plan;
	indicator_list_t inds;
	memset(&by_theme, 0, sizeof by_theme);
	memset(&by_prio, 0, sizeof by_prio);
	memset(&snaps, 0, sizeof snaps);
	memset(&plan, 0, sizeof plan);
	memset(&inds, 0, sizeof inds);
	score_items_t items;
	unsigned weights[PROFILE_MAX_PRIORITIES];
	memset(&items, 0, sizeof items);
	/* The practices are read once for both groupings. */
	if (score_load(r->s, &items, &r->d) || score_weights(r->s, weights, &r->d) ||
	    snapshot_list(r->s, &snaps, &r->d) || plan_build(r->s, PLAN_ACTIONS, NULL, &plan, &r->d) ||
	    indicator_list(r->s, NULL, 1, &inds, &r->d)) {
		score_items_free(&items);
		rc = -1;
		goto cleanup;
	}
	score_items(items.items, items.len, store_profile(r->s), weights, SCORE_BY_THEME, &by_theme);
	score_items(items.items, items.len, store_profile(r->s), weights, SCORE_BY_PRIORITY, &by_prio);
	score_items_free(&items);
	value_t *ctx = value_map();
	ctx_bool(ctx, "can_snapshot", account_may_snapshot(&r->user));
	buf_t v = BUF_INIT;
	score_format(by_theme.overall.num, by_theme.overall.den, ',', &v);
	ctx_str(ctx, "score", buf_cstr(&v));
	buf_reset(&v);
	score_format(by_theme.overall.assessed, by_theme.overall.total, ',', &v);
	ctx_str(ctx, "completion", buf_cstr(&v));
	value_put_int(ctx, "assessed", (long long)by_theme.overall.assessed);
	value_put_int(ctx, "total", (long long)by_theme.overall.total);
	value_map_set(ctx, "by_theme", bars_ctx(&by_theme, "themes", "Score par thématique", "Thématique"));
	value_map_set(ctx, "by_priority", bars_ctx(&by_prio, "priorities", "Score par priorité", "Priorité"));
	value_t *trend = value_put_list(ctx, "trend");
	chart_point_t *pts = xcalloc(snaps.len + 1, sizeof *pts);
	for (size_t i = 0; i < snaps.len; i++) {
		const snapshot_info_t *x = &snaps.items[i];
		value_t *row = value_push_map(trend);
		buf_reset(&v);
		score_format(x->num, x->den, ',', &v);
		ctx_str(row, "name", x->name);
		ctx_str(row, "value", buf_cstr(&v));
		char date[11] = "";
		snprintf(date, sizeof date, "%.10s", x->created_at ? x->created_at : "");
		ctx_str(row, "date", date);
		pts[i] = (chart_point_t){x->name, score_tenths(x->num, x->den)};
	}
	value_map_set(ctx, "trend_chart", chart_line("trend", pts, snaps.len, 420, 200));
	free(pts);
	ctx_bool(ctx, "has_trend", snaps.len > 0);
	value_t *overdue = value_put_list(ctx, "overdue");
	for (size_t i = 0; i < plan.len; i++) {
		const plan_item_t *x = &plan.items[i];
		if (!x->overdue)
			continue;
		value_t *row = value_push_map(overdue);
		ctx_str(row, "idbp", x->idbp);
		ctx_str(row, "title", x->title);
		ctx_str(row, "due", x->due);
		ctx_str(row, "pilot", x->pilot);
	}
	ctx_bool(ctx, "has_overdue", plan.overdue > 0);
	value_put_int(ctx, "noverdue", (long long)plan.overdue);
	size_t ndue = due_by_theme(ctx, &by_theme, &inds);
	ctx_bool(ctx, "has_due", ndue > 0);
	value_put_int(ctx, "ndue", (long long)ndue);
	buf_free(&v);
	if (pilotage_objectives_block(r, ctx)) {
		value_free(ctx);
		rc = -1;
		goto cleanup;
	}
	if (rq_render_part(r, "dashboard_body", ctx, out))
		rc = -2;
cleanup:
	score_free(&by_theme);
	score_free(&by_prio);
	snapshot_list_free(&snaps);
	plan_free(&plan);
	indicator_list_free(&inds);
	return rc;
}

/* The dashboard is the page read most and the costliest to compute (every
 * score, the plan, the indicators waiting for a value): its body is kept
 * while the database is unchanged. Of the user it shows only whether they
 * may take snapshots. */
void pg_dashboard(rq_t *r)
{
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_dashboard", true);
	rq_render_kept(r, "dashboard", ctx, dashboard_body, account_may_snapshot(&r->user) ? "snapshot" : "");
}

/* --- practices ---------------------------------------------------------------- */

/* Adds a filter select with the distinct values of one column, in order of
 * first appearance (the guide's order). */
static void add_filter(value_t *filters, const char *name, const char *label, const plan_t *plan,
		       const char *(*get)(const plan_t *, const plan_item_t *), const char *selected)
{
	value_t *f = value_push_map(filters);
	ctx_str(f, "name", name);
	ctx_str(f, "label", label);
	value_t *opts = value_put_list(f, "options");
	const char **seen = xcalloc(plan->len + PROFILE_MAX_STATUSES + 1, sizeof *seen);
	size_t nseen = 0;
	if (strcmp(name, "statut") == 0)
		for (size_t s = 0; s < plan->profile->nstatuses; s++)
			seen[nseen++] = status_name(plan->profile, (status_t)s);
	else
		for (size_t i = 0; i < plan->len; i++) {
			const char *v = get(plan, &plan->items[i]);
			if (!v || !*v)
				continue;
			bool dup = false;
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = strcmp(seen[j], v) == 0;
			if (!dup)
				seen[nseen++] = v;
		}
	for (size_t j = 0; j < nseen; j++) {
		value_t *o = value_push_map(opts);
		ctx_str(o, "value", seen[j]);
		ctx_bool(o, "selected", selected && strcmp(selected, seen[j]) == 0);
	}
	free(seen);
}

static const char *get_theme(const plan_t *p, const plan_item_t *x) { (void)p; return x->theme_title; }
static const char *get_priority(const plan_t *p, const plan_item_t *x) { (void)p; return x->priority; }
static const char *get_difficulty(const plan_t *p, const plan_item_t *x) { (void)p; return x->difficulty; }
static const char *get_status(const plan_t *p, const plan_item_t *x) { return status_name(p->profile, x->status); }
static const char *get_pilot(const plan_t *p, const plan_item_t *x) { (void)p; return x->pilot; }

static bool matches(const char *want, const char *have)
{
	return !want || !*want || (have && strcmp(want, have) == 0);
}

/* The list's body: the filters (each option from the data), the rows. */
static int practices_body(rq_t *r, buf_t *out)
{
	plan_t plan;
	if (plan_build(r->s, PLAN_ALL, NULL, &plan, &r->d))
		return -1;
	const http_params_t *q = &r->req->query;
	const char *f_theme = http_param(q, "thematique"), *f_prio = http_param(q, "priorite"),
		   *f_diff = http_param(q, "difficulte"), *f_status = http_param(q, "statut"),
		   *f_pilot = http_param(q, "pilote");
	value_t *ctx = value_map();
	value_t *filters = value_put_list(ctx, "filters");
	add_filter(filters, "thematique", "Thématique", &plan, get_theme, f_theme);
	add_filter(filters, "priorite", "Priorité", &plan, get_priority, f_prio);
	add_filter(filters, "difficulte", "Difficulté", &plan, get_difficulty, f_diff);
	add_filter(filters, "statut", "Statut", &plan, get_status, f_status);
	add_filter(filters, "pilote", "Pilote", &plan, get_pilot, f_pilot);
	value_t *rows = value_put_list(ctx, "rows");
	size_t count = 0;
	buf_t slug = BUF_INIT;
	for (size_t i = 0; i < plan.len; i++) {
		const plan_item_t *x = &plan.items[i];
		if (!matches(f_theme, x->theme_title) || !matches(f_prio, x->priority) ||
		    !matches(f_diff, x->difficulty) || !matches(f_status, status_name(plan.profile, x->status)) ||
		    !matches(f_pilot, x->pilot))
			continue;
		value_t *row = value_push_map(rows);
		ctx_str(row, "idbp", x->idbp);
		ctx_str(row, "title", x->title);
		ctx_str(row, "priority", x->priority);
		ctx_str(row, "difficulty", x->difficulty);
		ctx_str(row, "status", status_name(plan.profile, x->status));
		buf_reset(&slug);
		status_slug(plan.profile, x->status, &slug);
		ctx_str(row, "status_class", buf_cstr(&slug));
		ctx_str(row, "pilot", x->pilot);
		ctx_str(row, "due", x->due);
		ctx_bool(row, "overdue", x->overdue);
		count++;
	}
	value_put_int(ctx, "count", (long long)count);
	value_put_int(ctx, "total", (long long)plan.len);
	buf_free(&slug);
	plan_free(&plan);
	return rq_render_part(r, "practices_body", ctx, out) ? -2 : 0;
}

/* Read as often as the dashboard, and its body costs several times the
 * layout: kept too (the filters are in the query, part of the key). */
void pg_practices(rq_t *r)
{
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_practices", true);
	rq_render_kept(r, "practices", ctx, practices_body, "");
}
