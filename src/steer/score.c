/* score: tallies in integers, grouping, and loading the current practices. */
#include "steer/score.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void score_formula_fr(const unsigned w[STORE_NPRIORITIES], buf_t *out)
{
	buf_printf(out,
		   "score = Σ (poids × crédit) / Σ poids, sur les bonnes pratiques concernées ; "
		   "poids : Prioritaire %u, Recommandée %u, Aller plus loin %u ; "
		   "crédit : réalisée 1, en cours 1/2, planifiée, non engagée et non évaluée 0 ; "
		   "une bonne pratique « non concernée » sort du calcul. "
		   "Avancement = bonnes pratiques évaluées / toutes les bonnes pratiques.",
		   w[0], w[1], w[2]);
}

void score_tally_add(score_tally_t *t, unsigned weight, status_t s)
{
	t->total++;
	if ((unsigned)s < STATUS_COUNT)
		t->by_status[s]++;
	if (s != STATUS_NOT_ASSESSED)
		t->assessed++;
	if (!status_applicable(s))
		return;
	t->applicable++;
	t->num += (uint64_t)weight * status_credit_half(s);
	t->den += (uint64_t)weight * 2;
}

long score_tenths(uint64_t num, uint64_t den)
{
	if (den == 0)
		return -1;
	/* floor(num/den × 1000 + 1/2) without leaving the integers. */
	return (long)((num * 2000 + den) / (2 * den));
}

void score_format(uint64_t num, uint64_t den, char sep, buf_t *out)
{
	long t = score_tenths(num, den);
	if (t < 0)
		buf_puts(out, "—");
	else
		buf_printf(out, "%ld%c%ld", t / 10, sep, t % 10);
}

static score_group_t *group(score_t *sc, size_t *cap, const char *key, const char *label)
{
	/* Items come in guide order, so the group just used is the likely one. */
	if (sc->ngroups && strcmp(sc->groups[sc->ngroups - 1].key, key) == 0)
		return &sc->groups[sc->ngroups - 1];
	for (size_t i = 0; i < sc->ngroups; i++)
		if (strcmp(sc->groups[i].key, key) == 0)
			return &sc->groups[i];
	sc->groups = xgrow(sc->groups, cap, sc->ngroups + 1, sizeof *sc->groups);
	score_group_t *g = &sc->groups[sc->ngroups++];
	memset(g, 0, sizeof *g);
	g->key = xstrdup(key);
	g->label = xstrdup(label);
	return g;
}

static int cmp_pilot(const void *a, const void *b)
{
	const score_group_t *x = a, *y = b;
	bool nx = strcmp(x->key, SCORE_NO_PILOT) == 0, ny = strcmp(y->key, SCORE_NO_PILOT) == 0;
	if (nx != ny)
		return nx ? 1 : -1;
	return strcmp(x->key, y->key);
}

void score_items(const score_item_t *items, size_t n, const unsigned weights[STORE_NPRIORITIES], score_by_t by,
		 score_t *out)
{
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	memcpy(out->weights, weights, sizeof out->weights);
	out->by = by;
	if (by == SCORE_BY_PRIORITY)
		for (int i = 0; i < STORE_NPRIORITIES; i++)
			group(out, &cap, store_priorities[i], store_priorities[i]);
	for (size_t i = 0; i < n; i++) {
		const score_item_t *it = &items[i];
		unsigned w = it->priority >= 0 && it->priority < STORE_NPRIORITIES ? weights[it->priority] : 0;
		score_tally_add(&out->overall, w, it->status);
		score_group_t *g = NULL;
		switch (by) {
		case SCORE_BY_THEME: g = group(out, &cap, it->theme_id, it->theme_title); break;
		case SCORE_BY_PRIORITY:
			if (it->priority >= 0 && it->priority < STORE_NPRIORITIES)
				g = &out->groups[it->priority];
			break;
		case SCORE_BY_PILOT: {
			const char *p = it->pilot ? it->pilot : SCORE_NO_PILOT;
			g = group(out, &cap, p, p);
			break;
		}
		default: break;
		}
		if (g)
			score_tally_add(&g->t, w, it->status);
	}
	if (by == SCORE_BY_PILOT && out->ngroups > 1)
		qsort(out->groups, out->ngroups, sizeof *out->groups, cmp_pilot);
}

void score_free(score_t *sc)
{
	for (size_t i = 0; i < sc->ngroups; i++) {
		free(sc->groups[i].key);
		free(sc->groups[i].label);
	}
	free(sc->groups);
	memset(sc, 0, sizeof *sc);
}

/* Practices share a few theme titles and pilots: keep one copy of each
 * consecutive repeat, which is most of them in guide order. */
static const char *keep(score_items_t *x, const char *s, const char **last)
{
	if (!s)
		return NULL;
	if (*last && strcmp(*last, s) == 0)
		return *last;
	x->strings = xgrow(x->strings, &x->cap, x->nstrings + 1, sizeof *x->strings);
	x->strings[x->nstrings++] = xstrdup(s);
	*last = x->strings[x->nstrings - 1];
	return *last;
}

steer_rc score_load(store_t *s, score_items_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	store_query_t *q = store_query(s, "SELECT c.theme_id, c.theme_title, c.priority, l.name, p.status "
					  "FROM practice p JOIN practice_copy c ON c.id = p.copy_id "
					  "LEFT JOIN pilot l ON l.id = p.pilot_id WHERE p.perimeter_id = ? "
					  "AND p.referentiel_id = ? AND p.removed_version IS NULL ORDER BY c.seq");
	store_bind_scope(q, 1);
	size_t cap = 0;
	const char *lt = NULL, *ltt = NULL, *lp = NULL;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		score_item_t *it = &out->items[out->len++];
		it->theme_id = keep(out, store_col_text(q, 0), &lt);
		it->theme_title = keep(out, store_col_text(q, 1), &ltt);
		it->priority = store_priority_index(store_col_text(q, 2));
		it->pilot = keep(out, store_col_text(q, 3), &lp);
		int stt = status_from_name(store_col_text(q, 4));
		it->status = stt < 0 ? STATUS_NOT_ASSESSED : (status_t)stt;
	}
	if ((rc = store_end(q, d, "reading the assessments")))
		score_items_free(out);
	return rc;
}

void score_items_free(score_items_t *x)
{
	for (size_t i = 0; i < x->nstrings; i++)
		free(x->strings[i]);
	free(x->strings);
	free(x->items);
	memset(x, 0, sizeof *x);
}

steer_rc score_compute(store_t *s, score_by_t by, score_t *out, diag_list_t *d)
{
	score_items_t items;
	unsigned w[STORE_NPRIORITIES];
	steer_rc rc;
	memset(out, 0, sizeof *out);
	if ((rc = store_weights(s, w, d)) || (rc = score_load(s, &items, d)))
		return rc;
	score_items(items.items, items.len, w, by, out);
	score_items_free(&items);
	return STEER_OK;
}
