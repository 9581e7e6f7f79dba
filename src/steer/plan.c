/* plan: loading practice rows and ordering the action plan. */
#include "steer/plan.h"

#include <stdlib.h>
#include <string.h>

#include "steer/catalog.h"
#include "steer/input.h"
#include "steer/score.h"
#include "util/fold.h"
#include "util/suggest.h"
#include "util/xalloc.h"

int plan_difficulty_rank(const profile_t *p, const char *difficulty)
{
	for (size_t i = 0; difficulty && i < p->ndifficulties; i++)
		if (strcmp(difficulty, p->difficulties[i]) == 0)
			return (int)i;
	int k = difficulty && *difficulty ? profile_difficulty_parse(p, difficulty) : -1;
	return k < 0 ? (int)p->ndifficulties : k;
}

static int cmp_action(const void *a, const void *b)
{
	const plan_item_t *x = a, *y = b;
	int px = x->priority_rank, py = y->priority_rank;
	if (px != py)
		return (px < 0 ? PROFILE_MAX_PRIORITIES : px) - (py < 0 ? PROFILE_MAX_PRIORITIES : py);
	if (x->difficulty_rank != y->difficulty_rank)
		return x->difficulty_rank - y->difficulty_rank;
	/* A target date first, the earliest first; none last. */
	if (!x->due != !y->due)
		return x->due ? -1 : 1;
	if (x->due && y->due) {
		int c = strcmp(x->due, y->due);
		if (c)
			return c;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void plan_free(plan_t *p)
{
	for (size_t i = 0; i < p->len; i++) {
		plan_item_t *x = &p->items[i];
		free(x->idbp);
		free(x->title);
		free(x->theme_id);
		free(x->theme_title);
		free(x->priority);
		free(x->difficulty);
		free(x->pilot);
		free(x->owner);
		free(x->due);
		free(x->comment);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* The known pilot matching typed (folded), or a refusal. "-": none. */
static steer_rc match_pilot(store_t *s, const char *typed, char **out, diag_list_t *d)
{
	char **names;
	size_t n;
	steer_rc rc = catalog_pilots(s, &names, &n, d);
	*out = NULL;
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !*out; i++)
		if (fold_equal(names[i], typed))
			*out = xstrdup(names[i]);
	if (!*out) {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown-pilot", "no pilot function '%s'", typed);
		const char *best = suggest_closest(typed, (const char *const *)names, n);
		if (best)
			diag_hint(x, "did you mean '%s'? ('-' selects the practices without a pilot)", best);
		else
			diag_hint(x, "the pilot functions are listed by: sobre score --by pilot ('-' selects the practices without one)");
		rc = STEER_REFUSED;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

steer_rc plan_build(store_t *s, plan_kind_t kind, const char *pilot, plan_t *out, diag_list_t *d)
{
	steer_rc rc;
	long long current;
	char today[11];
	char *want = NULL;
	bool none = pilot && strcmp(pilot, "-") == 0;
	memset(out, 0, sizeof *out);
	const profile_t *prof = out->profile = store_profile(s);
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &current, d)))
		return rc;
	if (pilot && !none && (rc = match_pilot(s, pilot, &want, d)))
		return rc;
	store_today(s, today);
	store_query_t *q = store_query(
		s, "SELECT c.idbp, c.title, c.theme_id, c.theme_title, c.priority, c.difficulty, l.name, p.owner, "
		   "p.due, p.comment, p.status, c.seq, "
		   "p.added_version = ? AND p.added_version <> (SELECT min(id) FROM guide_version WHERE referentiel_id = p.referentiel_id), "
		   "rc.id IS NOT NULL AND rc.id <> c.id AND (rc.title <> c.title OR rc.sections <> c.sections), "
		   "coalesce(p.budget, -1), coalesce(p.staff, -1) "
		   "FROM practice p JOIN practice_copy c ON c.id = p.copy_id LEFT JOIN pilot l ON l.id = p.pilot_id "
		   "LEFT JOIN practice_copy rc ON rc.id = p.reviewed_copy "
		   "WHERE p.perimeter_id = ? AND p.referentiel_id = ? AND p.removed_version IS NULL ORDER BY c.seq");
	store_bind_int(q, 1, current);
	store_bind_scope(q, 2);
	size_t cap = 0;
	while (store_next(q)) {
		int stt = status_from_name(prof, store_col_text(q, 10));
		status_t status = stt < 0 ? 0 : stt;
		const char *p = store_col_text(q, 6);
		bool open = !status_done(prof, status) && status_applicable(prof, status);
		if (kind == PLAN_ACTIONS && !open)
			continue;
		if ((none && p) || (want && (!p || strcmp(p, want) != 0)))
			continue;
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		plan_item_t *x = &out->items[out->len++];
		x->idbp = store_col_dup(q, 0);
		x->title = store_col_dup(q, 1);
		x->theme_id = store_col_dup(q, 2);
		x->theme_title = store_col_dup(q, 3);
		x->priority = store_col_dup(q, 4);
		x->difficulty = store_col_dup(q, 5);
		x->pilot = store_col_dup(q, 6);
		x->owner = store_col_dup(q, 7);
		x->due = store_col_dup(q, 8);
		x->comment = store_col_dup(q, 9);
		x->profile = prof;
		x->status = status;
		x->seq = (size_t)store_col_int(q, 11);
		x->is_new = store_col_int(q, 12) != 0;
		x->review = store_col_int(q, 13) != 0;
		x->budget = store_col_int(q, 14);
		x->staff = store_col_int(q, 15);
		x->overdue = x->due && strcmp(x->due, today) < 0 && open;
		x->priority_rank = score_priority(prof, x->priority);
		x->difficulty_rank = plan_difficulty_rank(prof, x->difficulty);
		out->overdue += x->overdue;
	}
	free(want);
	if ((rc = store_end(q, d, "reading the practices"))) {
		plan_free(out);
		return rc;
	}
	if (kind == PLAN_ACTIONS && out->len > 1)
		qsort(out->items, out->len, sizeof *out->items, cmp_action);
	return STEER_OK;
}

static void means_add(plan_means_t *m, const plan_item_t *x)
{
	m->actions++;
	if (x->budget >= 0)
		m->budget = (m->budget < 0 ? 0 : m->budget) + x->budget;
	if (x->staff >= 0)
		m->staff = (m->staff < 0 ? 0 : m->staff) + x->staff;
}

static plan_means_t *means_group(plan_means_t **v, size_t *n, const char *key, const char *label)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].key == key || ((*v)[i].key && key && strcmp((*v)[i].key, key) == 0))
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	plan_means_t *m = &(*v)[(*n)++];
	memset(m, 0, sizeof *m);
	m->key = key;
	m->label = label;
	m->budget = m->staff = -1;
	return m;
}

static int cmp_seq(const void *a, const void *b)
{
	const plan_item_t *const *x = a, *const *y = b;
	return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

void plan_totals(const plan_t *p, plan_totals_t *out)
{
	memset(out, 0, sizeof *out);
	out->all.budget = out->all.staff = -1;
	out->all.actions = 0;
	/* Themes in guide order whatever the plan's order. */
	const plan_item_t **by_seq = xcalloc(p->len + 1, sizeof *by_seq);
	for (size_t i = 0; i < p->len; i++)
		by_seq[i] = &p->items[i];
	qsort(by_seq, p->len, sizeof *by_seq, cmp_seq);
	for (size_t i = 0; i < p->len; i++) {
		const plan_item_t *x = by_seq[i];
		means_add(&out->all, x);
		means_add(means_group(&out->themes, &out->nthemes, x->theme_id, x->theme_title), x);
		if (x->pilot)
			means_add(means_group(&out->pilots, &out->npilots, x->pilot, x->pilot), x);
	}
	for (size_t i = 0; i < p->len; i++)
		if (!by_seq[i]->pilot)
			means_add(means_group(&out->pilots, &out->npilots, NULL, NULL), by_seq[i]);
	free(by_seq);
}

void plan_totals_free(plan_totals_t *t)
{
	free(t->themes);
	free(t->pilots);
	memset(t, 0, sizeof *t);
}
