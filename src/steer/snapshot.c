/* snapshot: creating, listing, loading and comparing snapshots. Items hold
 * integers only (copy, status code, pilot id); everything else is read
 * through the immutable guide copy. */
#include "steer/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/input.h"
#include "steer/objective.h"
#include "util/fold.h"
#include "util/suggest.h"
#include "util/xalloc.h"

/* A status name to its stored code (its index in the profile), in SQL. */
#define STATUS_CODE_SQL                                                                                        \
	"coalesce((SELECT rs.position FROM referentiel_status rs WHERE rs.referentiel_id = p.referentiel_id "   \
	"AND rs.name = p.status), 0)"

void snapshot_info_free(snapshot_info_t *x)
{
	free(x->name);
	free(x->created_at);
	free(x->created_by);
	free(x->guide_version);
	memset(x, 0, sizeof *x);
}

void snapshot_list_free(snapshot_list_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		snapshot_info_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* The weights frozen in a snapshot row ("3,2,1": one per priority of the
 * profile, in its order); the profile's own if the text is not that (no
 * database written by sobre holds anything else). */
static void parse_weights(const profile_t *prof, const char *text, unsigned w[PROFILE_MAX_PRIORITIES])
{
	unsigned v[PROFILE_MAX_PRIORITIES] = {0};
	size_t n = prof->npriorities;
	const char *p = text;
	memset(w, 0, PROFILE_MAX_PRIORITIES * sizeof *w);
	for (size_t i = 0; i < n; i++)
		w[i] = prof->priorities[i].weight;
	for (size_t i = 0; p && i < n; i++) {
		char *end;
		if (*p < '0' || *p > '9')
			return;
		unsigned long x = strtoul(p, &end, 10);
		if (x > (unsigned long)PROFILE_MAX_WEIGHT * (prof->weight_den ? prof->weight_den : 1) || *end != (i + 1 < n ? ',' : '\0'))
			return;
		v[i] = (unsigned)x;
		p = end + 1;
	}
	if (p && n)
		memcpy(w, v, sizeof v);
}

/* The weights as a snapshot row keeps them. */
static void format_weights(const profile_t *prof, const unsigned w[PROFILE_MAX_PRIORITIES], buf_t *out)
{
	for (size_t i = 0; i < prof->npriorities; i++)
		buf_printf(out, "%s%u", i ? "," : "", w[i]);
}

#define INFO_COLUMNS "s.id, s.name, s.created_at, s.created_by, v.version, s.weights, s.score_num, s.score_den, s.assessed, s.total"
#define INFO_FROM " FROM snapshot s JOIN guide_version v ON v.id = s.version_id"

static long long read_info(const store_query_t *q, const profile_t *prof, snapshot_info_t *x)
{
	x->profile = prof;
	x->name = store_col_dup(q, 1);
	x->created_at = store_col_dup(q, 2);
	x->created_by = store_col_dup(q, 3);
	x->guide_version = store_col_dup(q, 4);
	parse_weights(prof, store_col_text(q, 5), x->weights);
	x->num = (uint64_t)store_col_int(q, 6);
	x->den = (uint64_t)store_col_int(q, 7);
	x->assessed = (size_t)store_col_int(q, 8);
	x->total = (size_t)store_col_int(q, 9);
	x->id = store_col_int(q, 0);
	return x->id;
}

steer_rc snapshot_list(store_t *s, snapshot_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	store_query_t *q = store_query(s, "SELECT " INFO_COLUMNS INFO_FROM " WHERE s.perimeter_id = ? "
					  "AND s.referentiel_id = ? ORDER BY s.id");
	store_bind_scope(q, 1);
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		memset(&out->items[out->len], 0, sizeof *out->items);
		read_info(q, store_profile(s), &out->items[out->len++]);
	}
	if ((rc = store_end(q, d, "reading the snapshots")))
		snapshot_list_free(out);
	return rc;
}

/* The snapshot named exactly name: its id (0: none) and info. */
static steer_rc find_exact(store_t *s, const char *name, long long *id, snapshot_info_t *info, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT " INFO_COLUMNS INFO_FROM " WHERE s.perimeter_id = ? "
					  "AND s.referentiel_id = ? AND s.name = ?");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, name);
	*id = store_next(q) ? read_info(q, store_profile(s), info) : 0;
	steer_rc rc = store_end(q, d, "finding the snapshot");
	if (rc && *id) {
		snapshot_info_free(info);
		*id = 0;
	}
	return rc;
}

/* The snapshot named name: exact, else same folded key; 0 and a refusal
 * (with did you mean) when none. */
static long long find(store_t *s, const char *name, snapshot_info_t *info, diag_list_t *d, steer_rc *rc)
{
	snapshot_list_t l;
	long long id = 0;
	if ((*rc = find_exact(s, name, &id, info, d)) || id)
		return id;
	if ((*rc = snapshot_list(s, &l, d)))
		return 0;
	const char **names = xcalloc(l.len + 1, sizeof *names);
	for (size_t i = 0; i < l.len && !*rc; i++) {
		names[i] = l.items[i].name;
		if (!id && fold_equal(l.items[i].name, name))
			*rc = find_exact(s, l.items[i].name, &id, info, d);
	}
	if (!id && !*rc) {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown-snapshot", "no snapshot named '%s'", name);
		const char *best = suggest_closest(name, names, l.len);
		if (best)
			diag_hint(x, "did you mean '%s'?", best);
		else if (l.len)
			diag_hint(x, "list them with: sobre snapshot list");
		else
			diag_hint(x, "there is no snapshot yet; take one with: sobre snapshot create NAME");
		*rc = STEER_REFUSED;
	}
	free(names);
	snapshot_list_free(&l);
	return id;
}

steer_rc snapshot_create(store_t *s, const char *name, snapshot_info_t *out, diag_list_t *d)
{
	steer_rc rc;
	long long version;
	score_t sc;
	char at[21];
	buf_t weights = BUF_INIT;
	char *n = input_trim(name ? name : "");
	const char *why;
	if (out)
		memset(out, 0, sizeof *out);
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)))
		goto cleanup;
	if (!*n) {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "bad-name", "a snapshot needs a name");
		diag_hint(x, "name it after the period it closes, e.g. \"T1 2026\"");
		rc = STEER_REFUSED;
		goto cleanup;
	}
	if ((why = input_text_problem(n, INPUT_MAX_NAME, false))) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "bad-name", "the snapshot's name %s", why);
		rc = STEER_REFUSED;
		goto cleanup;
	}
	store_query_t *q = store_query(s, "SELECT created_at FROM snapshot WHERE name = ?");
	store_bind_text(q, 1, n);
	char *taken = store_next(q) ? store_col_dup(q, 0) : NULL;
	if ((rc = store_end(q, d, "creating the snapshot")) || taken) {
		if (taken)
			rc = store_refuse(d, "snapshot-exists", "snapshots are immutable: choose another name",
					  "a snapshot named '%s' already exists (taken %s)", n, taken);
		free(taken);
		goto cleanup;
	}
	if ((rc = score_compute(s, SCORE_BY_NONE, &sc, d)))
		goto cleanup;
	store_timestamp(s, at);
	format_weights(store_profile(s), sc.weights, &weights);
	long long id;
	q = store_query(s, "INSERT INTO snapshot(name, created_at, created_by, version_id, weights, score_num, "
			   "score_den, assessed, total, perimeter_id, referentiel_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			   "RETURNING id");
	store_bind_scope(q, 10);
	store_bind_text(q, 1, n);
	store_bind_text(q, 2, at);
	store_bind_text(q, 3, store_actor(s));
	store_bind_int(q, 4, version);
	store_bind_text(q, 5, buf_cstr(&weights));
	store_bind_int(q, 6, (long long)sc.overall.num);
	store_bind_int(q, 7, (long long)sc.overall.den);
	store_bind_int(q, 8, (long long)sc.overall.assessed);
	store_bind_int(q, 9, (long long)sc.overall.total);
	if ((rc = store_scalar(q, 0, &id, d, "creating the snapshot"))) {
		score_free(&sc);
		goto cleanup;
	}
	/* The whole subtree, so that its consolidation at that date can be
	 * read back (archived perimeters are not part of it any more). */
	q = store_query(s, "WITH RECURSIVE down(id) AS (SELECT CAST(?2 AS BIGINT) UNION ALL SELECT c.id FROM perimeter c "
			   "JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL) "
			   "INSERT INTO snapshot_item(snapshot_id, perimeter_id, copy_id, status, pilot_id) "
			   "SELECT CAST(?1 AS BIGINT), p.perimeter_id, p.copy_id, " STATUS_CODE_SQL ", p.pilot_id FROM practice p "
			   "WHERE p.perimeter_id IN (SELECT id FROM down) AND p.referentiel_id = ?3 AND p.removed_version IS NULL");
	store_bind_int(q, 1, id);
	store_bind_scope(q, 2);
	if ((rc = store_exec(q, d, "creating the snapshot")) || (rc = objective_freeze(s, id, d))) {
		score_free(&sc);
		goto cleanup;
	}
	buf_t v = BUF_INIT;
	score_format(sc.overall.num, sc.overall.den, '.', &v);
	buf_printf(&v, "%% score, %zu/%zu assessed", sc.overall.assessed, sc.overall.total);
	rc = store_log(s, NULL, "snapshot", NULL, n, d);
	if (!rc)
		rc = store_log(s, NULL, "snapshot score", n, buf_cstr(&v), d);
	buf_free(&v);
	if (!rc && out) {
		out->name = xstrdup(n);
		out->created_at = xstrdup(at);
		out->created_by = xstrdup(store_actor(s));
		char *ver = NULL;
		long long vid;
		store_current_version(s, &vid, &ver, d);
		out->guide_version = ver ? ver : xstrdup("");
		out->profile = store_profile(s);
		memcpy(out->weights, sc.weights, sizeof out->weights);
		out->num = sc.overall.num;
		out->den = sc.overall.den;
		out->assessed = sc.overall.assessed;
		out->total = sc.overall.total;
	}
	score_free(&sc);
cleanup:
	buf_free(&weights);
	free(n);
	return rc;
}

void snapshot_state_free(snapshot_state_t *st)
{
	for (size_t i = 0; i < st->len; i++) {
		snapshot_item_t *x = &st->items[i];
		free(x->idbp);
		free(x->title);
		free(x->theme_id);
		free(x->theme_title);
		free(x->priority);
		free(x->pilot);
	}
	free(st->items);
	snapshot_info_free(&st->info);
	memset(st, 0, sizeof *st);
}

steer_rc snapshot_load(store_t *s, const char *name, snapshot_state_t *out, diag_list_t *d)
{
	steer_rc rc;
	long long version, id = 0;
	memset(out, 0, sizeof *out);
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)))
		return rc;
	store_query_t *q;
	if (name) {
		id = find(s, name, &out->info, d, &rc);
		if (rc)
			return rc;
		q = store_query(s, "SELECT c.idbp, c.title, c.theme_id, c.theme_title, c.priority, l.name, i.status "
				   "FROM snapshot_item i JOIN practice_copy c ON c.id = i.copy_id "
				   "LEFT JOIN pilot l ON l.id = i.pilot_id WHERE i.snapshot_id = ? AND i.perimeter_id = ? "
				   "ORDER BY c.seq");
		store_bind_int(q, 1, id);
		store_bind_int(q, 2, store_perimeter(s));
	} else {
		char at[21];
		store_timestamp(s, at);
		out->info.name = xstrdup("now");
		out->info.created_at = xstrdup(at);
		out->info.created_by = xstrdup(store_actor(s));
		long long vid;
		if ((rc = store_current_version(s, &vid, &out->info.guide_version, d)) ||
		    (rc = score_weights(s, out->info.weights, d)))
			return rc;
		out->info.profile = store_profile(s);
		q = store_query(s, "SELECT c.idbp, c.title, c.theme_id, c.theme_title, c.priority, l.name, " STATUS_CODE_SQL
				   " FROM practice p JOIN practice_copy c ON c.id = p.copy_id "
				   "LEFT JOIN pilot l ON l.id = p.pilot_id WHERE p.perimeter_id = ? AND p.referentiel_id = ? "
				   "AND p.removed_version IS NULL ORDER BY c.seq");
		store_bind_scope(q, 1);
	}
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		snapshot_item_t *x = &out->items[out->len++];
		x->idbp = store_col_dup(q, 0);
		x->title = store_col_dup(q, 1);
		x->theme_id = store_col_dup(q, 2);
		x->theme_title = store_col_dup(q, 3);
		x->priority = store_col_dup(q, 4);
		x->pilot = store_col_dup(q, 5);
		long long code = store_col_int(q, 6);
		x->status = code >= 0 && (size_t)code < store_profile(s)->nstatuses ? (status_t)code : 0;
	}
	if ((rc = store_end(q, d, "reading the snapshot"))) {
		snapshot_state_free(out);
		return rc;
	}
	if (!name) {
		score_item_t *items = snapshot_score_items(out);
		score_t sc;
		score_items(items, out->len, out->info.profile, out->info.weights, SCORE_BY_NONE, &sc);
		out->info.num = sc.overall.num;
		out->info.den = sc.overall.den;
		out->info.assessed = sc.overall.assessed;
		out->info.total = sc.overall.total;
		score_free(&sc);
		free(items);
	}
	return STEER_OK;
}

score_item_t *snapshot_score_items(const snapshot_state_t *st)
{
	score_item_t *items = xcalloc(st->len + 1, sizeof *items);
	for (size_t i = 0; i < st->len; i++) {
		const snapshot_item_t *x = &st->items[i];
		items[i] = (score_item_t){x->theme_id, x->theme_title, score_priority(st->info.profile, x->priority),
					  x->pilot, x->status};
	}
	return items;
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp((*(const snapshot_item_t *const *)a)->idbp, (*(const snapshot_item_t *const *)b)->idbp);
}

static const snapshot_item_t **index_of(const snapshot_state_t *st)
{
	const snapshot_item_t **idx = xcalloc(st->len + 1, sizeof *idx);
	for (size_t i = 0; i < st->len; i++)
		idx[i] = &st->items[i];
	qsort(idx, st->len, sizeof *idx, cmp_item);
	return idx;
}

static const snapshot_item_t *find_item(const snapshot_item_t **idx, size_t n, const char *idbp)
{
	snapshot_item_t key = {.idbp = (char *)idbp};
	const snapshot_item_t *k = &key;
	const snapshot_item_t **hit = bsearch(&k, idx, n, sizeof *idx, cmp_item);
	return hit ? *hit : NULL;
}

static move_kind_t classify(const profile_t *p, status_t a, status_t b)
{
	int ra = status_rank(p, a), rb = status_rank(p, b);
	if (ra < 0 || rb < 0 || ra == rb)
		return MOVE_OTHER;
	return rb > ra ? MOVE_UP : MOVE_DOWN;
}

steer_rc snapshot_diff(store_t *s, const char *a, const char *b, snapshot_diff_t *out, diag_list_t *d)
{
	steer_rc rc;
	memset(out, 0, sizeof *out);
	if ((rc = snapshot_load(s, a, &out->a, d)) || (rc = snapshot_load(s, b, &out->b, d))) {
		snapshot_diff_free(out);
		return rc;
	}
	score_item_t *ia = snapshot_score_items(&out->a), *ib = snapshot_score_items(&out->b);
	score_items(ia, out->a.len, out->a.info.profile, out->a.info.weights, SCORE_BY_THEME, &out->a_theme);
	score_items(ib, out->b.len, out->b.info.profile, out->b.info.weights, SCORE_BY_THEME, &out->b_theme);
	score_items(ia, out->a.len, out->a.info.profile, out->a.info.weights, SCORE_BY_PRIORITY, &out->a_priority);
	score_items(ib, out->b.len, out->b.info.profile, out->b.info.weights, SCORE_BY_PRIORITY, &out->b_priority);
	free(ia);
	free(ib);
	const snapshot_item_t **xa = index_of(&out->a), **xb = index_of(&out->b);
	out->moves = xcalloc(out->a.len + out->b.len + 1, sizeof *out->moves);
	/* One pass per kind keeps guide order within each kind. */
	for (int kind = MOVE_UP; kind <= MOVE_ADDED; kind++)
		for (size_t i = 0; i < out->b.len; i++) {
			const snapshot_item_t *y = &out->b.items[i], *x = find_item(xa, out->a.len, y->idbp);
			int k = !x ? (int)MOVE_ADDED : x->status == y->status ? -1 : (int)classify(out->b.info.profile, x->status, y->status);
			if (k != kind)
				continue;
			out->moves[out->nmoves++] = (snapshot_move_t){x, y, (move_kind_t)k};
			out->up += k == MOVE_UP;
			out->down += k == MOVE_DOWN;
		}
	for (size_t i = 0; i < out->a.len; i++)
		if (!find_item(xb, out->b.len, out->a.items[i].idbp))
			out->moves[out->nmoves++] = (snapshot_move_t){&out->a.items[i], NULL, MOVE_REMOVED};
	free(xa);
	free(xb);
	return STEER_OK;
}

void snapshot_diff_free(snapshot_diff_t *x)
{
	snapshot_state_free(&x->a);
	snapshot_state_free(&x->b);
	score_free(&x->a_theme);
	score_free(&x->b_theme);
	score_free(&x->a_priority);
	score_free(&x->b_priority);
	free(x->moves);
	memset(x, 0, sizeof *x);
}
