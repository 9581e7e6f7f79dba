/* score: tallies in integers, grouping, and loading the current practices. */
#include "steer/score.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void score_weight_text(const profile_t *p, unsigned weight, char sep, buf_t *out)
{
	unsigned den = p->weight_den ? p->weight_den : 1;
	/* weight_den divides 1000 (profile.h): thousandths are exact. */
	unsigned long long th = (unsigned long long)weight * (1000u / den);
	buf_printf(out, "%llu", th / 1000);
	unsigned frac = (unsigned)(th % 1000);
	if (!frac)
		return;
	int places = 3;
	while (frac % 10 == 0) {
		frac /= 10;
		places--;
	}
	buf_printf(out, "%c%0*u", sep, places, frac);
}

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* A credit in 1/credit_den as a fraction in lowest terms: "1", "1/2", "0". */
void score_credit_text(const profile_t *p, unsigned credit, buf_t *out)
{
	unsigned a = credit, b = p->credit_den ? p->credit_den : 1, g = gcd(a, b);
	a /= g;
	b /= g;
	if (b == 1)
		buf_printf(out, "%u", a);
	else
		buf_printf(out, "%u/%u", a, b);
}

void score_formula_fr(const profile_t *p, const unsigned w[PROFILE_MAX_PRIORITIES], buf_t *out)
{
	bool guide = strcmp(p->id, "gbpnr") == 0;
	const char *one = guide ? "bonne pratique" : "critère", *many = guide ? "bonnes pratiques" : "critères";
	int na = profile_not_applicable(p);
	buf_printf(out, "score = Σ (poids × crédit) / Σ poids, sur les %s %s ; poids : ", many,
		   guide ? "concernées" : "applicables");
	for (size_t i = 0; i < p->npriorities; i++) {
		buf_printf(out, "%s%s ", i ? ", " : "", p->priorities[i].name);
		score_weight_text(p, w[i], ',', out);
	}
	if (!p->npriorities) {
		buf_puts(out, "chacun ");
		score_weight_text(p, p->default_weight, ',', out);
	}
	buf_puts(out, " ; crédit : ");
	/* Statuses in display order, those of equal credit named together. */
	status_t order[PROFILE_MAX_STATUSES];
	size_t n = status_display_order(p, order), shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (status_not_applicable(p, order[i]))
			continue;
		unsigned cr = status_credit(p, order[i]);
		size_t j = i + 1;
		while (j < n && !status_not_applicable(p, order[j]) && status_credit(p, order[j]) == cr)
			j++;
		buf_puts(out, shown++ ? ", " : "");
		for (size_t k = i; k < j; k++)
			buf_printf(out, "%s%s", k == i ? "" : k + 1 == j ? " et " : ", ", status_name(p, order[k]));
		buf_putc(out, ' ');
		score_credit_text(p, cr, out);
		i = j - 1;
	}
	if (na >= 0)
		buf_printf(out, " ; %s %s « %s » sort du calcul", guide ? "une" : "un", one, status_name(p, na));
	buf_printf(out, ". Avancement = %s évalué%s / tou%s les %s.", many, guide ? "es" : "s", guide ? "tes" : "s",
		   many);
}

void score_tally_add(score_tally_t *t, const profile_t *p, unsigned weight, status_t s)
{
	t->total++;
	if (s >= 0 && (size_t)s < p->nstatuses && s < PROFILE_MAX_STATUSES)
		t->by_status[s]++;
	if (s != 0) /* index 0 is the profile's "not assessed" */
		t->assessed++;
	if (!status_applicable(p, s))
		return;
	t->applicable++;
	t->num += (uint64_t)weight * status_credit(p, s);
	t->den += (uint64_t)weight * p->credit_den;
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

void score_items(const score_item_t *items, size_t n, const profile_t *p,
		 const unsigned weights[PROFILE_MAX_PRIORITIES], score_by_t by, score_t *out)
{
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	out->profile = p;
	memcpy(out->weights, weights, sizeof out->weights);
	out->by = by;
	int np = (int)p->npriorities;
	if (by == SCORE_BY_PRIORITY)
		for (int i = 0; i < np; i++)
			group(out, &cap, p->priorities[i].name, p->priorities[i].name);
	for (size_t i = 0; i < n; i++) {
		const score_item_t *it = &items[i];
		unsigned w = it->priority >= 0 && it->priority < np ? weights[it->priority] : p->default_weight;
		score_tally_add(&out->overall, p, w, it->status);
		score_group_t *g = NULL;
		switch (by) {
		case SCORE_BY_THEME: g = group(out, &cap, it->theme_id, it->theme_title); break;
		case SCORE_BY_PRIORITY:
			if (it->priority >= 0 && it->priority < np)
				g = &out->groups[it->priority];
			break;
		case SCORE_BY_PILOT: {
			const char *pl = it->pilot ? it->pilot : SCORE_NO_PILOT;
			g = group(out, &cap, pl, pl);
			break;
		}
		default: break;
		}
		if (g)
			score_tally_add(&g->t, p, w, it->status);
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

int score_priority(const profile_t *p, const char *name)
{
	/* Stored as the référentiel wrote it: exact first, the cheap case. */
	for (size_t i = 0; name && i < p->npriorities; i++)
		if (strcmp(name, p->priorities[i].name) == 0)
			return (int)i;
	return name && *name ? profile_priority_parse(p, name) : -1;
}

steer_rc score_load(store_t *s, score_items_t *out, diag_list_t *d)
{
	const profile_t *p = store_profile(s);
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
		it->priority = score_priority(p, store_col_text(q, 2));
		it->pilot = keep(out, store_col_text(q, 3), &lp);
		int stt = status_from_name(p, store_col_text(q, 4));
		it->status = stt < 0 ? 0 : stt;
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
	unsigned w[PROFILE_MAX_PRIORITIES];
	steer_rc rc;
	memset(out, 0, sizeof *out);
	if ((rc = score_weights(s, w, d)) || (rc = score_load(s, &items, d)))
		return rc;
	score_items(items.items, items.len, store_profile(s), w, by, out);
	score_items_free(&items);
	return STEER_OK;
}

steer_rc score_weights(store_t *s, unsigned w[PROFILE_MAX_PRIORITIES], diag_list_t *d)
{
	const profile_t *p = store_profile(s);
	memset(w, 0, PROFILE_MAX_PRIORITIES * sizeof *w);
	if (p == profile_builtin("gbpnr"))
		return store_weights(s, w, d);
	for (size_t i = 0; i < p->npriorities; i++)
		w[i] = p->priorities[i].weight;
	return STEER_OK;
}
