/* consolidate: the subtree's scores and status distribution. */
#include "steer/consolidate.h"

#include <stdlib.h>
#include <string.h>

#include "util/strset.h"
#include "util/xalloc.h"

/* A perimeter of the subtree while it is being consolidated. */
typedef struct {
	long long id, parent;
	char *name, *kind;
	bool attached;
	size_t parent_ix;  /* index of the parent in the array; the root of the view: itself */
	score_tally_t own;
	double value;      /* percent; < 0: none */
	bool has_children, consolidated;
	size_t covers;
} node_t;

void consolidate_free(consolidate_t *c)
{
	for (size_t i = 0; i < c->nchildren; i++) {
		free(c->children[i].name);
		free(c->children[i].kind);
	}
	free(c->children);
	for (size_t i = 0; i < c->nitems; i++) {
		free(c->items[i].idbp);
		free(c->items[i].title);
		free(c->items[i].theme_id);
	}
	free(c->items);
	free(c->perimeter);
	free(c->guide);
	memset(c, 0, sizeof *c);
}

/* The subtree of the scope's perimeter, parents before children. */
static steer_rc load_tree(store_t *s, node_t **out, size_t *n, diag_list_t *d)
{
	store_query_t *q = store_query(
		s, "WITH RECURSIVE down(id, depth) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL SELECT c.id, down.depth + 1 FROM perimeter c "
		   "JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL AND down.depth < 64) "
		   "SELECT p.id, coalesce(p.parent_id, 0), p.name, p.kind, "
		   "EXISTS (SELECT 1 FROM perimeter_guide g WHERE g.perimeter_id = p.id AND g.referentiel_id = ?2) "
		   "FROM down JOIN perimeter p ON p.id = down.id ORDER BY down.depth, p.name");
	store_bind_scope(q, 1);
	size_t cap = 0;
	strset_t *ix = strset_new();
	while (store_next(q)) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		node_t *x = &(*out)[*n];
		memset(x, 0, sizeof *x);
		x->id = store_col_int(q, 0);
		x->parent = store_col_int(q, 1);
		x->name = store_col_dup(q, 2);
		x->kind = store_col_dup(q, 3);
		x->attached = store_col_int(q, 4) != 0;
		x->value = -1;
		size_t pix = *n;
		if (*n) /* parents come first: found */
			strset_get(ix, (const char *)&x->parent, sizeof x->parent, &pix);
		x->parent_ix = pix;
		strset_add(ix, (const char *)&x->id, sizeof x->id, *n, NULL);
		(*n)++;
	}
	strset_free(ix);
	return store_end(q, d, "reading the perimeters");
}

static int cmp_child(const void *a, const void *b)
{
	const consolidate_child_t *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static int cmp_item(const void *a, const void *b)
{
	const consolidate_item_t *x = a, *y = b;
	if (x->not_done != y->not_done)
		return x->not_done > y->not_done ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static long tenths_of(double percent)
{
	return percent < 0 ? -1 : (long)(percent * 10 + 0.5);
}

/* The copies of the items the subtree's assessments point to, keyed by
 * copy id: read once, instead of joining them to each of the (perimeters
 * x items) rows. */
typedef struct {
	strset_t *ix;      /* copy id -> index in copies */
	struct copy {
		int priority;
		size_t item;   /* index in out->items */
	} *copies;
	size_t n, cap;
} copies_t;

static steer_rc load_copies(store_t *s, copies_t *c, consolidate_t *out, diag_list_t *d)
{
	store_query_t *q = store_query(
		s, "SELECT c.id, c.idbp, c.title, c.theme_id, c.priority FROM practice_copy c WHERE c.id IN "
		   "(SELECT DISTINCT copy_id FROM practice WHERE referentiel_id = ? AND removed_version IS NULL) "
		   "ORDER BY c.version_id DESC, c.seq");
	store_bind_int(q, 1, store_referentiel(s));
	strset_t *by_idbp = strset_new();
	size_t cap = 0;
	while (store_next(q)) {
		long long id = store_col_int(q, 0);
		const char *idbp = store_col_text(q, 1);
		size_t it;
		/* Items are the latest version's; an older copy (a perimeter not
		 * brought up to date) counts under the same id. */
		if (!strset_get(by_idbp, idbp, strlen(idbp), &it)) {
			out->items = xgrow(out->items, &cap, out->nitems + 1, sizeof *out->items);
			it = out->nitems++;
			consolidate_item_t *x = &out->items[it];
			memset(x, 0, sizeof *x);
			x->seq = it;
			x->idbp = xstrdup(idbp);
			x->title = store_col_dup(q, 2);
			x->theme_id = store_col_dup(q, 3);
			strset_add(by_idbp, idbp, strlen(idbp), it, NULL);
		}
		c->copies = xgrow(c->copies, &c->cap, c->n + 1, sizeof *c->copies);
		c->copies[c->n].priority = score_priority(store_profile(s), store_col_text(q, 4));
		c->copies[c->n].item = it;
		strset_add(c->ix, (const char *)&id, sizeof id, c->n++, NULL);
	}
	strset_free(by_idbp);
	return store_end(q, d, "reading the items");
}

/* The rows of every assessment of the subtree: tallies per perimeter and
 * the distribution per item (below the view's root only). */
static steer_rc load_items(store_t *s, node_t *nodes, size_t n, const unsigned w[PROFILE_MAX_PRIORITIES],
			   consolidate_t *out, diag_list_t *d)
{
	const profile_t *prof = store_profile(s);
	copies_t c = {.ix = strset_new()};
	strset_t *pix = strset_new();
	for (size_t i = 0; i < n; i++)
		strset_add(pix, (const char *)&nodes[i].id, sizeof nodes[i].id, i, NULL);
	steer_rc rc = load_copies(s, &c, out, d);
	store_query_t *q = store_query(
		s, "WITH RECURSIVE down(id, depth) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL SELECT c.id, down.depth + 1 FROM perimeter c "
		   "JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL AND down.depth < 64) "
		   "SELECT p.perimeter_id, p.copy_id, p.status FROM practice p WHERE p.referentiel_id = ?2 "
		   "AND p.removed_version IS NULL AND p.perimeter_id IN (SELECT id FROM down)");
	store_bind_scope(q, 1);
	long long last_perimeter = 0;
	size_t k = 0;
	while (!rc && store_next(q)) {
		long long id = store_col_int(q, 0), copy = store_col_int(q, 1);
		size_t ci;
		if (id != last_perimeter && !strset_get(pix, (const char *)&id, sizeof id, &k))
			continue;
		last_perimeter = id;
		if (!strset_get(c.ix, (const char *)&copy, sizeof copy, &ci) || ci >= c.n)
			continue;
		int st = status_from_name(prof, store_col_text(q, 2)), pr = c.copies[ci].priority;
		status_t status = st < 0 ? 0 : st;
		score_tally_add(&nodes[k].own, prof, pr < 0 ? prof->default_weight : w[pr], status);
		if (k == 0)
			continue; /* the parent's own assessment is not one of "its services" */
		consolidate_item_t *x = &out->items[c.copies[ci].item];
		if ((size_t)status < PROFILE_MAX_STATUSES)
			x->by_status[status]++;
		x->counted++;
		if (status_done(prof, status))
			x->done++;
		else if (status_applicable(prof, status))
			x->not_done++;
	}
	if (!rc)
		rc = store_end(q, d, "reading the assessments");
	else
		store_done(q);
	strset_free(pix);
	strset_free(c.ix);
	free(c.copies);
	return rc;
}

/* Each perimeter's value, children before parents: the mean of its
 * children that have one, else its own score when it is assessed. */
static void values(node_t *nodes, size_t n)
{
	double *sum = xcalloc(n ? n : 1, sizeof *sum);
	size_t *count = xcalloc(n ? n : 1, sizeof *count);
	for (size_t i = n; i-- > 0;) {
		node_t *x = &nodes[i];
		if (count[i]) {
			x->value = sum[i] / (double)count[i];
			x->consolidated = true;
		} else if (x->attached && x->own.den) {
			x->value = (double)x->own.num * 100.0 / (double)x->own.den;
			x->covers = 1;
		} else if (x->attached) {
			x->covers = 1; /* assessed, nothing applicable: counted, no value */
		}
		if (i && x->value >= 0) {
			sum[x->parent_ix] += x->value;
			count[x->parent_ix]++;
		}
		if (i)
			nodes[x->parent_ix].covers += x->covers;
	}
	free(sum);
	free(count);
}

steer_rc consolidate(store_t *s, consolidate_t *out, diag_list_t *d)
{
	node_t *nodes = NULL;
	size_t n = 0;
	unsigned w[PROFILE_MAX_PRIORITIES];
	steer_rc rc;
	memset(out, 0, sizeof *out);
	out->profile = store_profile(s);
	out->tenths = out->min_tenths = out->max_tenths = -1;
	if ((rc = store_require_tx(s, d)) || (rc = score_weights(s, w, d)) || (rc = load_tree(s, &nodes, &n, d)) ||
	    (rc = load_items(s, nodes, n, w, out, d)))
		goto cleanup;
	store_query_t *q = store_query(s, "SELECT slug FROM referentiel WHERE id = ?");
	store_bind_int(q, 1, store_referentiel(s));
	out->guide = store_next(q) ? store_col_dup(q, 0) : xstrdup("");
	if ((rc = store_end(q, d, "reading the référentiel")) || !n)
		goto cleanup;
	values(nodes, n);
	out->perimeter = xstrdup(nodes[0].name);
	for (size_t i = 1; i < n; i++)
		out->perimeters += nodes[i].attached;
	double sum = 0, lo = 0, hi = 0;
	for (size_t i = 1; i < n; i++) {
		if (nodes[i].parent_ix != 0)
			continue;
		out->children = xrealloc(out->children, (out->nchildren + 1) * sizeof *out->children);
		consolidate_child_t *c = &out->children[out->nchildren++];
		c->name = xstrdup(nodes[i].name);
		c->kind = xstrdup(nodes[i].kind);
		c->assessed = nodes[i].covers > 0;
		c->consolidated = nodes[i].consolidated;
		c->own = nodes[i].own;
		c->tenths = tenths_of(nodes[i].value);
		c->perimeters = nodes[i].covers;
		if (nodes[i].value >= 0) {
			lo = out->valued && lo < nodes[i].value ? lo : nodes[i].value;
			hi = out->valued && hi > nodes[i].value ? hi : nodes[i].value;
			sum += nodes[i].value;
			out->valued++;
		}
	}
	if (out->valued) {
		out->tenths = tenths_of(sum / (double)out->valued);
		out->min_tenths = tenths_of(lo);
		out->max_tenths = tenths_of(hi);
	}
	if (out->nchildren > 1)
		qsort(out->children, out->nchildren, sizeof *out->children, cmp_child);
	/* Items no perimeter below has (the parent's own only) say nothing. */
	size_t kept = 0;
	for (size_t i = 0; i < out->nitems; i++) {
		if (out->items[i].counted) {
			out->items[kept++] = out->items[i];
			continue;
		}
		free(out->items[i].idbp);
		free(out->items[i].title);
		free(out->items[i].theme_id);
	}
	out->nitems = kept;
	if (out->nitems > 1)
		qsort(out->items, out->nitems, sizeof *out->items, cmp_item);
cleanup:
	for (size_t i = 0; i < n; i++) {
		free(nodes[i].name);
		free(nodes[i].kind);
	}
	free(nodes);
	if (rc)
		consolidate_free(out);
	return rc;
}
