/* jsonout: the writers, in the order of docs/api.md's "Objects". */
#include "steer/jsonout.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "steer/strategy.h"

/* --- values ------------------------------------------------------------- */

static void key_str(jsonw_t *w, const char *key, const char *value)
{
	jsonw_key(w, key);
	jsonw_str(w, value);
}

static void key_num(jsonw_t *w, const char *key, double value)
{
	jsonw_key(w, key);
	jsonw_num(w, value);
}

static void key_bool(jsonw_t *w, const char *key, bool value)
{
	jsonw_key(w, key);
	jsonw_bool(w, value);
}

static void key_strings(jsonw_t *w, const char *key, char *const *items, size_t n)
{
	jsonw_key(w, key);
	jsonw_array(w);
	for (size_t i = 0; i < n; i++)
		jsonw_str(w, items[i]);
	jsonw_end(w, ']');
}

/* A percentage of num/den with one decimal, rounded once in integers as
 * everywhere (score_tenths); null when den is 0. */
static void key_percent(jsonw_t *w, const char *key, uint64_t num, uint64_t den)
{
	long t = score_tenths(num, den);
	jsonw_key(w, key);
	if (t < 0)
		jsonw_str(w, NULL);
	else
		jsonw_decimal(w, t, 1);
}

/* The change of a percentage in points, from the rounded values (what a
 * reader of both figures computes); null when either has none. */
static void key_change(jsonw_t *w, const char *key, uint64_t an, uint64_t ad, uint64_t bn, uint64_t bd)
{
	long a = score_tenths(an, ad), b = score_tenths(bn, bd);
	jsonw_key(w, key);
	if (a < 0 || b < 0)
		jsonw_str(w, NULL);
	else
		jsonw_decimal(w, (long long)b - a, 1);
}

/* The weights by priority name, as decimals (the RGESN's Recommandé 1.25). */
static void key_weights(jsonw_t *w, const profile_t *p, const unsigned weights[PROFILE_MAX_PRIORITIES])
{
	jsonw_key(w, "weights");
	jsonw_object(w);
	for (size_t i = 0; i < p->npriorities; i++) {
		jsonw_key(w, p->priorities[i].name);
		if (p->weight_den <= 1) {
			jsonw_num(w, weights[i]);
		} else {
			/* weight_den divides 1000 (profile.h): thousandths are exact;
			 * written with the decimals they need (1.5, 1.25). */
			long long th = (long long)weights[i] * (1000 / p->weight_den);
			int places = 3;
			while (places > 0 && th % 10 == 0) {
				th /= 10;
				places--;
			}
			jsonw_decimal(w, th, places);
		}
	}
	jsonw_end(w, '}');
}

/* The members naming a practice, first in every object about one. */
static void practice_fields(jsonw_t *w, const char *idbp, const char *title, const char *theme_id,
			    const char *theme_title, const char *priority, const char *difficulty)
{
	key_str(w, "id", idbp);
	key_str(w, "title", title);
	key_str(w, "theme", theme_id);
	key_str(w, "theme_title", theme_title);
	key_str(w, "priority", priority);
	key_str(w, "difficulty", difficulty);
}

/* --- practice, assessment ------------------------------------------------ */

/* The item's text sections, kept as a JSON array in the database. */
static void key_sections(jsonw_t *w, const char *json)
{
	json_t *a = json_loads(json ? json : "[]", 0, NULL);
	jsonw_key(w, "sections");
	jsonw_array(w);
	for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		const json_t *x = json_array_get(a, i);
		jsonw_object(w);
		key_str(w, "key", json_string_value(json_object_get(x, "key")));
		key_str(w, "title", json_string_value(json_object_get(x, "title")));
		key_str(w, "text", json_string_value(json_object_get(x, "text")));
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	json_decref(a);
}

static void practice_members(jsonw_t *w, const catalog_practice_t *p, const char *guide_version)
{
	practice_fields(w, p->idbp, p->title, p->theme_id, p->theme_title, p->priority, p->difficulty);
	key_strings(w, "who", p->who, p->nwho);
	key_str(w, "guide_version", guide_version);
	key_sections(w, p->sections);
	key_str(w, "applicability", p->applicability ? p->applicability : "");
	key_bool(w, "always_applicable", p->always_applicable);
}

void jsonout_practice(jsonw_t *w, const catalog_practice_t *p, const char *guide_version)
{
	jsonw_object(w);
	practice_members(w, p, guide_version);
	jsonw_end(w, '}');
}

/* budget (euros) and staff_days as exact decimals, null when unset. */
static void key_means(jsonw_t *w, long long budget, long long staff)
{
	jsonw_key(w, "budget");
	if (budget >= 0)
		jsonw_decimal(w, budget, 2);
	else
		jsonw_str(w, NULL);
	jsonw_key(w, "staff_days");
	if (staff >= 0)
		jsonw_decimal(w, staff, 2);
	else
		jsonw_str(w, NULL);
}

void jsonout_assessment_fields(jsonw_t *w, const jsonout_assessment_t *a)
{
	const plan_item_t *x = a->item;
	practice_fields(w, x->idbp, x->title, x->theme_id, x->theme_title, x->priority, x->difficulty);
	key_str(w, "status", status_name(x->profile, x->status));
	key_str(w, "pilot", x->pilot);
	key_str(w, "owner", x->owner);
	key_str(w, "due", x->due);
	key_bool(w, "overdue", x->overdue);
	key_bool(w, "new", x->is_new);
	key_bool(w, "review", x->review);
	key_bool(w, "archived", a->archived);
	key_str(w, "comment", x->comment);
	key_means(w, x->budget, x->staff);
	key_strings(w, "evidence", a->evidence, a->nevidence);
}

void jsonout_assessment(jsonw_t *w, const jsonout_assessment_t *a)
{
	jsonw_object(w);
	jsonout_assessment_fields(w, a);
	jsonw_end(w, '}');
}

void jsonout_assessment_of(const assessment_t *a, plan_item_t *row, jsonout_assessment_t *out)
{
	memset(row, 0, sizeof *row);
	row->idbp = a->idbp;
	row->title = a->title;
	row->theme_id = a->theme_id;
	row->theme_title = a->theme_title;
	row->priority = a->priority;
	row->difficulty = a->difficulty;
	row->pilot = a->pilot;
	row->owner = a->owner;
	row->due = a->due;
	row->comment = a->comment;
	row->profile = a->profile;
	row->status = a->status;
	row->overdue = a->overdue;
	row->is_new = a->is_new;
	row->review = a->review;
	row->budget = a->budget;
	row->staff = a->staff;
	out->item = row;
	out->archived = a->archived;
	out->evidence = a->evidence;
	out->nevidence = a->nevidence;
}

/* --- indicator, measurement ------------------------------------------------ */

void jsonout_measurement(jsonw_t *w, const measurement_t *m)
{
	jsonw_object(w);
	key_str(w, "period", m->period);
	key_str(w, "start", m->start);
	key_str(w, "end", m->end);
	key_str(w, "value", m->value);
	key_str(w, "source", m->source);
	key_str(w, "comment", m->comment);
	key_str(w, "recorded_at", m->recorded_at);
	key_str(w, "recorded_by", m->recorded_by);
	jsonw_end(w, '}');
}

void jsonout_indicator(jsonw_t *w, const indicator_t *x)
{
	jsonw_object(w);
	key_str(w, "practice", x->idbp);
	key_num(w, "num", x->num);
	key_str(w, "name", x->name);
	key_str(w, "type", indicator_type_name(x->type));
	key_str(w, "unit", x->unit);
	key_str(w, "target", x->target);
	key_str(w, "target_date", x->target_date);
	key_str(w, "direction", x->direction);
	key_bool(w, "custom", x->custom);
	key_bool(w, "footprint", x->footprint);
	key_bool(w, "archived", x->archived);
	key_bool(w, "due", x->due);
	jsonw_key(w, "measures");
	jsonw_array(w);
	for (size_t i = 0; i < x->nmeasures; i++)
		jsonout_measurement(w, &x->measures[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

/* --- plan ------------------------------------------------------------------ */

void jsonout_plan_item(jsonw_t *w, const plan_item_t *x, size_t rank)
{
	jsonw_object(w);
	key_num(w, "rank", (double)rank);
	practice_fields(w, x->idbp, x->title, x->theme_id, x->theme_title, x->priority, x->difficulty);
	key_str(w, "status", status_name(x->profile, x->status));
	key_str(w, "pilot", x->pilot);
	key_str(w, "owner", x->owner);
	key_str(w, "due", x->due);
	key_bool(w, "overdue", x->overdue);
	key_bool(w, "new", x->is_new);
	key_means(w, x->budget, x->staff);
	jsonw_end(w, '}');
}

static void means_object(jsonw_t *w, const char *keyname, const plan_means_t *m)
{
	jsonw_object(w);
	if (keyname) {
		key_str(w, keyname, m->key);
		if (strcmp(keyname, "theme") == 0)
			key_str(w, "theme_title", m->label);
	}
	key_num(w, "actions", (double)m->actions);
	key_means(w, m->budget, m->staff);
	jsonw_end(w, '}');
}

void jsonout_plan_means(jsonw_t *w, const plan_totals_t *t)
{
	jsonw_object(w);
	key_means(w, t->all.budget, t->all.staff);
	jsonw_key(w, "by_theme");
	jsonw_array(w);
	for (size_t i = 0; i < t->nthemes; i++)
		means_object(w, "theme", &t->themes[i]);
	jsonw_end(w, ']');
	jsonw_key(w, "by_pilot");
	jsonw_array(w);
	for (size_t i = 0; i < t->npilots; i++)
		means_object(w, "pilot", &t->pilots[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_plan(jsonw_t *w, const plan_t *p, size_t limit)
{
	size_t n = limit && limit < p->len ? limit : p->len;
	jsonw_object(w);
	jsonw_key(w, "actions");
	jsonw_array(w);
	for (size_t i = 0; i < n; i++)
		jsonout_plan_item(w, &p->items[i], i + 1);
	jsonw_end(w, ']');
	key_num(w, "total", (double)p->len);
	key_num(w, "overdue", (double)p->overdue);
	plan_totals_t t;
	plan_totals(p, &t);
	jsonw_key(w, "means");
	jsonout_plan_means(w, &t);
	plan_totals_free(&t);
	jsonw_end(w, '}');
}

/* --- score ----------------------------------------------------------------- */

/* The figures of a set of practices: the score and its exact fraction,
 * completion, counts. JSON numbers are doubles, which cannot hold 56.3:
 * score and completion are written from integers (jsonw_decimal), and the
 * exact fraction is there to compare. */
static void tally_members(jsonw_t *w, const profile_t *p, const score_tally_t *t)
{
	key_percent(w, "score", t->num, t->den);
	key_num(w, "score_num", (double)t->num);
	key_num(w, "score_den", (double)t->den);
	key_percent(w, "completion", t->assessed, t->total);
	key_num(w, "assessed", (double)t->assessed);
	key_num(w, "total", (double)t->total);
	key_num(w, "applicable", (double)t->applicable);
	jsonw_key(w, "statuses");
	jsonw_object(w);
	for (size_t i = 0; i < p->nstatuses; i++)
		key_num(w, status_name(p, (status_t)i), (double)t->by_status[i]);
	jsonw_end(w, '}');
}

void jsonout_score_group(jsonw_t *w, const profile_t *p, const score_group_t *g)
{
	jsonw_object(w);
	key_str(w, "key", g->key);
	key_str(w, "label", g->label);
	tally_members(w, p, &g->t);
	jsonw_end(w, '}');
}

static const char *by_key(score_by_t by)
{
	switch (by) {
	case SCORE_BY_THEME: return "by_theme";
	case SCORE_BY_PRIORITY: return "by_priority";
	case SCORE_BY_PILOT: return "by_pilot";
	case SCORE_BY_NONE: break;
	}
	return NULL;
}

void jsonout_score(jsonw_t *w, const score_t *const *scores, size_t n)
{
	jsonw_object(w);
	if (n) {
		tally_members(w, scores[0]->profile, &scores[0]->overall);
		key_weights(w, scores[0]->profile, scores[0]->weights);
	}
	for (size_t k = 0; k < n; k++) {
		const char *key = by_key(scores[k]->by);
		if (!key)
			continue;
		jsonw_key(w, key);
		jsonw_array(w);
		for (size_t i = 0; i < scores[k]->ngroups; i++)
			jsonout_score_group(w, scores[k]->profile, &scores[k]->groups[i]);
		jsonw_end(w, ']');
	}
	jsonw_end(w, '}');
}

/* --- snapshot -------------------------------------------------------------- */

void jsonout_snapshot(jsonw_t *w, const snapshot_info_t *x)
{
	jsonw_object(w);
	key_str(w, "name", x->name);
	key_str(w, "created_at", x->created_at);
	key_str(w, "created_by", x->created_by);
	key_str(w, "guide_version", x->guide_version);
	key_weights(w, x->profile, x->weights);
	key_percent(w, "score", x->num, x->den);
	key_num(w, "score_num", (double)x->num);
	key_num(w, "score_den", (double)x->den);
	key_percent(w, "completion", x->assessed, x->total);
	key_num(w, "assessed", (double)x->assessed);
	key_num(w, "total", (double)x->total);
	jsonw_end(w, '}');
}

static void tally_or_null(jsonw_t *w, const char *key, const profile_t *p, const score_group_t *g)
{
	jsonw_key(w, key);
	if (!g) {
		jsonw_str(w, NULL);
		return;
	}
	jsonw_object(w);
	tally_members(w, p, &g->t);
	jsonw_end(w, '}');
}

/* Every group of either side, in the later side's order, then the earlier
 * side's leftovers (a theme the upgrade removed). */
static void group_changes(jsonw_t *w, const char *key, const score_t *a, const score_t *b)
{
	jsonw_key(w, key);
	jsonw_array(w);
	for (int side = 0; side < 2; side++) {
		const score_t *x = side ? a : b, *y = side ? b : a;
		for (size_t i = 0; i < x->ngroups; i++) {
			const score_group_t *g = &x->groups[i], *h = NULL;
			for (size_t j = 0; j < y->ngroups && !h; j++)
				if (strcmp(y->groups[j].key, g->key) == 0)
					h = &y->groups[j];
			if (side && h)
				continue;
			const score_group_t *ga = side ? g : h, *gb = side ? h : g;
			jsonw_object(w);
			key_str(w, "key", g->key);
			key_str(w, "label", g->label);
			tally_or_null(w, "from", a->profile, ga);
			tally_or_null(w, "to", b->profile, gb);
			if (ga && gb)
				key_change(w, "score_change", ga->t.num, ga->t.den, gb->t.num, gb->t.den);
			else
				key_str(w, "score_change", NULL);
			jsonw_end(w, '}');
		}
	}
	jsonw_end(w, ']');
}

void jsonout_snapshot_diff(jsonw_t *w, const snapshot_diff_t *x)
{
	static const char *const kinds[] = {"up", "down", "other", "added", "removed"};
	const snapshot_info_t *a = &x->a.info, *b = &x->b.info;
	jsonw_object(w);
	jsonw_key(w, "from");
	jsonout_snapshot(w, a);
	jsonw_key(w, "to");
	jsonout_snapshot(w, b);
	key_change(w, "score_change", a->num, a->den, b->num, b->den);
	key_change(w, "completion_change", a->assessed, a->total, b->assessed, b->total);
	group_changes(w, "by_theme", &x->a_theme, &x->b_theme);
	group_changes(w, "by_priority", &x->a_priority, &x->b_priority);
	jsonw_key(w, "moves");
	jsonw_array(w);
	for (size_t i = 0; i < x->nmoves; i++) {
		const snapshot_move_t *m = &x->moves[i];
		const snapshot_item_t *it = m->b ? m->b : m->a;
		jsonw_object(w);
		key_str(w, "kind", kinds[m->kind]);
		key_str(w, "id", it->idbp);
		key_str(w, "title", it->title);
		key_str(w, "theme", it->theme_id);
		key_str(w, "theme_title", it->theme_title);
		key_str(w, "priority", it->priority);
		key_str(w, "pilot", it->pilot);
		key_str(w, "from", m->a ? status_name(x->b.info.profile, m->a->status) : NULL);
		key_str(w, "to", m->b ? status_name(x->b.info.profile, m->b->status) : NULL);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	key_num(w, "up", (double)x->up);
	key_num(w, "down", (double)x->down);
	jsonw_end(w, '}');
}

/* --- history, guide versions, guide diff ------------------------------------ */

void jsonout_history_entry(jsonw_t *w, const history_entry_t *e)
{
	jsonw_object(w);
	key_str(w, "at", e->at);
	key_str(w, "actor", e->actor);
	key_str(w, "practice", e->idbp);
	key_str(w, "field", e->field);
	key_str(w, "old_value", e->old_value);
	key_str(w, "new_value", e->new_value);
	jsonw_end(w, '}');
}

void jsonout_guide_version(jsonw_t *w, const catalog_version_t *v)
{
	jsonw_object(w);
	key_str(w, "guide", v->guide);
	key_str(w, "version", v->version);
	key_str(w, "title", v->title);
	key_str(w, "source", v->source);
	key_str(w, "imported_at", v->imported_at);
	key_str(w, "imported_by", v->imported_by);
	key_num(w, "practices", (double)v->practices);
	key_bool(w, "current", v->current);
	jsonw_end(w, '}');
}

static bool contains(char *const *items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], s) == 0)
			return true;
	return false;
}

static void change_pair(jsonw_t *w, const char *key, const char *a, const char *b)
{
	jsonw_key(w, key);
	jsonw_object(w);
	key_str(w, "old", a);
	key_str(w, "new", b);
	jsonw_end(w, '}');
}

static void change_list(jsonw_t *w, const char *key, char *const *a, size_t na, char *const *b, size_t nb)
{
	jsonw_key(w, key);
	jsonw_object(w);
	jsonw_key(w, "added");
	jsonw_array(w);
	for (size_t i = 0; i < nb; i++)
		if (!contains(a, na, b[i]))
			jsonw_str(w, b[i]);
	jsonw_end(w, ']');
	jsonw_key(w, "removed");
	jsonw_array(w);
	for (size_t i = 0; i < na; i++)
		if (!contains(b, nb, a[i]))
			jsonw_str(w, a[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_guide_diff(jsonw_t *w, const catalog_t *old_c, const catalog_t *new_c, const catalog_diff_t *diff)
{
	static const char *const keys[3] = {"added", "removed", "changed"};
	jsonw_object(w);
	key_str(w, "from", old_c->version);
	key_str(w, "to", new_c->version);
	for (int kind = 0; kind < 3; kind++) {
		jsonw_key(w, keys[kind]);
		jsonw_array(w);
		for (size_t i = 0; i < diff->len; i++) {
			const catalog_delta_t *x = &diff->items[i];
			int k = !x->old ? 0 : !x->new_ ? 1 : 2;
			if (k != kind)
				continue;
			/* A removed practice as the old version wrote it, the others
			 * as the new one does. */
			if (kind != 2) {
				jsonout_practice(w, catalog_delta_practice(x), x->new_ ? new_c->version : old_c->version);
				continue;
			}
			jsonw_object(w);
			practice_members(w, x->new_, new_c->version);
			jsonw_key(w, "changes");
			jsonw_object(w);
			if (x->changes & CATALOG_TITLE)
				change_pair(w, "title", x->old->title, x->new_->title);
			if (x->changes & CATALOG_THEME)
				change_pair(w, "theme", x->old->theme_id, x->new_->theme_id);
			if (x->changes & CATALOG_PRIORITY)
				change_pair(w, "priority", x->old->priority, x->new_->priority);
			if (x->changes & CATALOG_DIFFICULTY)
				change_pair(w, "difficulty", x->old->difficulty, x->new_->difficulty);
			if (x->changes & CATALOG_WHO)
				change_list(w, "who", x->old->who, x->old->nwho, x->new_->who, x->new_->nwho);
			if (x->changes & CATALOG_INDICATORS)
				change_list(w, "indicators", x->old->indicators, x->old->nindicators, x->new_->indicators,
					    x->new_->nindicators);
			jsonw_end(w, '}');
			jsonw_end(w, '}');
		}
		jsonw_end(w, ']');
	}
	jsonw_end(w, '}');
}

/* --- the CLI's documents ------------------------------------------------------ */

void jsonout_show(jsonw_t *w, const assessment_t *a, const indicator_list_t *inds)
{
	catalog_practice_t p;
	plan_item_t row;
	jsonout_assessment_t view;
	memset(&p, 0, sizeof p);
	p.idbp = a->idbp;
	p.title = a->title;
	p.theme_id = a->theme_id;
	p.theme_title = a->theme_title;
	p.priority = a->priority;
	p.difficulty = a->difficulty;
	p.who = a->who;
	p.nwho = a->nwho;
	p.sections = a->sections;
	p.applicability = a->applicability;
	p.always_applicable = a->always_applicable;
	jsonout_assessment_of(a, &row, &view);
	jsonw_object(w);
	jsonw_key(w, "practice");
	jsonout_practice(w, &p, a->guide_version);
	jsonw_key(w, "assessment");
	jsonout_assessment(w, &view);
	/* The assessment's row version, beside it so that the assessment object
	 * keeps one shape everywhere: what a script gives sobre assess
	 * --if-version. */
	jsonw_key(w, "version");
	jsonw_num(w, (double)a->version);
	jsonw_key(w, "indicators");
	jsonw_array(w);
	for (size_t i = 0; i < inds->len; i++)
		jsonout_indicator(w, &inds->items[i]);
	jsonw_end(w, ']');
	jsonw_key(w, "history");
	jsonw_array(w);
	for (size_t i = 0; i < a->history.len; i++)
		jsonout_history_entry(w, &a->history.items[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_indicators(jsonw_t *w, const indicator_list_t *l, const char *due_since, bool due_only)
{
	jsonw_object(w);
	key_str(w, "due_since", due_since);
	jsonw_key(w, "indicators");
	jsonw_array(w);
	for (size_t i = 0; i < l->len; i++)
		if (!due_only || l->items[i].due)
			jsonout_indicator(w, &l->items[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_snapshots(jsonw_t *w, const snapshot_list_t *l)
{
	jsonw_object(w);
	jsonw_key(w, "snapshots");
	jsonw_array(w);
	for (size_t i = 0; i < l->len; i++)
		jsonout_snapshot(w, &l->items[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_history(jsonw_t *w, const history_list_t *h)
{
	jsonw_object(w);
	jsonw_key(w, "history");
	jsonw_array(w);
	for (size_t i = 0; i < h->len; i++)
		jsonout_history_entry(w, &h->items[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_guide_versions(jsonw_t *w, const catalog_versions_t *v)
{
	jsonw_object(w);
	jsonw_key(w, "versions");
	jsonw_array(w);
	for (size_t i = 0; i < v->len; i++)
		jsonout_guide_version(w, &v->items[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

/* --- perimeters ------------------------------------------------------------- */

void jsonout_perimeter(jsonw_t *w, const perimeter_t *p, const char *parent)
{
	jsonw_object(w);
	key_str(w, "name", p->name);
	key_str(w, "kind", p->kind);
	key_str(w, "parent", parent);
	key_num(w, "depth", (double)p->depth);
	key_str(w, "created_at", p->created_at);
	key_str(w, "archived_at", p->archived_at);
	jsonw_key(w, "guides");
	jsonw_array(w);
	for (size_t k = 0; k < p->nguides; k++) {
		jsonw_object(w);
		key_str(w, "id", p->guides[k]);
		if (p->scores) {
			const score_tally_t *t = &p->scores[k];
			key_percent(w, "score", t->num, t->den);
			key_num(w, "score_num", (double)t->num);
			key_num(w, "score_den", (double)t->den);
			key_percent(w, "completion", t->assessed, t->total);
		}
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_perimeters(jsonw_t *w, const perimeter_list_t *l)
{
	jsonw_object(w);
	jsonw_key(w, "perimeters");
	jsonw_array(w);
	for (size_t i = 0; i < l->len; i++) {
		const char *parent = NULL;
		for (size_t j = 0; j < i && !parent; j++)
			if (l->items[j].id == l->items[i].parent)
				parent = l->items[j].name;
		jsonout_perimeter(w, &l->items[i], parent);
	}
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

static void key_tenths(jsonw_t *w, const char *key, long tenths)
{
	jsonw_key(w, key);
	if (tenths < 0)
		jsonw_str(w, NULL);
	else
		jsonw_decimal(w, tenths, 1);
}

void jsonout_consolidation(jsonw_t *w, const consolidate_t *c)
{
	jsonw_object(w);
	key_str(w, "perimeter", c->perimeter);
	key_str(w, "guide", c->guide);
	key_tenths(w, "score", c->tenths);
	key_tenths(w, "min", c->min_tenths);
	key_tenths(w, "max", c->max_tenths);
	key_num(w, "perimeters", (double)c->perimeters);
	jsonw_key(w, "children");
	jsonw_array(w);
	for (size_t i = 0; i < c->nchildren; i++) {
		const consolidate_child_t *x = &c->children[i];
		jsonw_object(w);
		key_str(w, "name", x->name);
		key_str(w, "kind", x->kind);
		key_tenths(w, "score", x->tenths);
		key_bool(w, "consolidated", x->consolidated);
		key_num(w, "perimeters", (double)x->perimeters);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	jsonw_key(w, "items");
	jsonw_array(w);
	for (size_t i = 0; i < c->nitems; i++) {
		const consolidate_item_t *x = &c->items[i];
		jsonw_object(w);
		key_str(w, "id", x->idbp);
		key_str(w, "title", x->title);
		key_num(w, "perimeters", (double)x->counted);
		key_num(w, "not_done", (double)x->not_done);
		jsonw_key(w, "statuses");
		jsonw_object(w);
		for (size_t k = 0; k < c->profile->nstatuses; k++)
			key_num(w, status_name(c->profile, (status_t)k), (double)x->by_status[k]);
		jsonw_end(w, '}');
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

/* --- the RGESN declaration -------------------------------------------------- */

void jsonout_declaration(jsonw_t *w, const declaration_t *x)
{
	jsonw_object(w);
	jsonw_key(w, "service");
	jsonw_object(w);
	key_str(w, "nom", declaration_name(x));
	key_str(w, "date_evaluation", x->values[DECL_DATE_EVALUATION]);
	key_str(w, "entite_evaluation", x->values[DECL_ENTITE_EVALUATION]);
	key_str(w, "responsable_evaluation", x->values[DECL_RESPONSABLE_EVALUATION]);
	/* One page or user journey per line of the text. */
	jsonw_key(w, "echantillons");
	jsonw_array(w);
	const char *p = x->values[DECL_ECHANTILLONS];
	buf_t line = BUF_INIT;
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		size_t a = 0, b = n;
		while (a < b && strchr(" \t\r", p[a]))
			a++;
		while (b > a && strchr(" \t\r", p[b - 1]))
			b--;
		if (b > a) {
			buf_reset(&line);
			buf_put(&line, p + a, b - a);
			jsonw_str(w, buf_cstr(&line));
		}
		p += n + (p[n] == '\n');
	}
	buf_free(&line);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
	jsonw_key(w, "criteres");
	jsonw_array(w);
	for (size_t i = 0; i < x->ncriteria; i++) {
		const declaration_criterion_t *c = &x->criteria[i];
		const plan_item_t *it = c->item;
		/* The format has no justification of its own: without a
		 * declaration text, the assessment's comment stands for it. */
		const char *text = c->text[DECL_TEXTE_DECLARATION];
		jsonw_object(w);
		key_str(w, "id", it->idbp);
		key_str(w, "evaluation", declaration_evaluation(x->profile, it->status));
		key_str(w, "texte_declaration", text ? text : it->comment && *it->comment ? it->comment : NULL);
		key_str(w, "evolutions_potentielles", c->text[DECL_EVOLUTIONS_POTENTIELLES]);
		key_str(w, "actions_a_mener", c->text[DECL_ACTIONS_A_MENER]);
		key_str(w, "qui", declaration_who(c));
		key_str(w, "quand", it->due);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	key_percent(w, "score", x->score.overall.num, x->score.overall.den);
	jsonw_end(w, '}');
}

/* --- objective ------------------------------------------------------------- */

static void key_number_text(jsonw_t *w, const char *key, bool has, double v)
{
	jsonw_key(w, key);
	if (!has) {
		jsonw_str(w, NULL);
		return;
	}
	jsonw_decimal(w, (long long)llround(v * 100), 2);
}

void jsonout_objective(jsonw_t *w, const objective_t *o)
{
	jsonw_object(w);
	key_num(w, "id", (double)o->id);
	key_str(w, "name", o->name);
	key_str(w, "perimeter", o->perimeter);
	jsonw_key(w, "indicator");
	jsonw_object(w);
	key_str(w, "practice", o->idbp);
	key_num(w, "num", o->num);
	key_str(w, "name", o->indicator_name);
	key_str(w, "type", indicator_type_name(o->type));
	key_str(w, "unit", o->unit);
	key_bool(w, "footprint", o->footprint);
	jsonw_end(w, '}');
	key_str(w, "target", o->target);
	key_str(w, "deadline", o->deadline);
	key_str(w, "baseline", o->baseline);
	key_str(w, "baseline_period", o->baseline_period);
	key_str(w, "baseline_date", o->baseline_date);
	key_bool(w, "baseline_measured", o->baseline_measured);
	key_str(w, "latest", o->latest);
	key_str(w, "latest_period", o->latest_period);
	key_str(w, "state", objective_state_name(o->eval.state));
	key_number_text(w, "expected", o->eval.has_expected, o->eval.expected);
	key_number_text(w, "gap", o->eval.state == OBJ_LATE && o->eval.has_expected, o->eval.gap);
	key_number_text(w, "progress", true, o->eval.progress);
	key_means(w, o->budget, o->staff);
	key_bool(w, "archived", o->archived);
	key_num(w, "version", (double)o->version);
	jsonw_key(w, "measures");
	jsonw_array(w);
	for (size_t i = 0; i < o->nmeasures; i++)
		jsonout_measurement(w, &o->measures[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_objectives(jsonw_t *w, const objective_list_t *l)
{
	jsonw_object(w);
	jsonw_key(w, "objectives");
	jsonw_array(w);
	for (size_t i = 0; i < l->len; i++)
		jsonout_objective(w, &l->items[i]);
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

void jsonout_strategy_texts(jsonw_t *w, const char *perimeter, const char *const *texts)
{
	jsonw_object(w);
	key_str(w, "perimeter", perimeter);
	jsonw_key(w, "texts");
	jsonw_object(w);
	for (size_t i = 0; i < STRATEGY_NFIELDS; i++)
		key_str(w, strategy_fields[i].key, texts[i]);
	jsonw_end(w, '}');
	jsonw_end(w, '}');
}
