/* perimeter: the tree of perimeters, the référentiels, and the scope. */
#include "steer/perimeter.h"

#include <stdlib.h>
#include <string.h>

#include "steer/catalog.h"
#include "steer/input.h"
#include "util/buf.h"
#include "util/suggest.h"
#include "util/xalloc.h"

const char *const perimeter_kinds[4] = {"organisation", "direction", "etablissement", "service"};

/* Every name in the column of q (active ones first), for a suggestion. */
static void hint_names(store_query_t *q, const char *want, diag_t *x, const char *what)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	while (store_next(q)) {
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = store_col_dup(q, 0);
	}
	store_end(q, NULL, NULL);
	const char *best = n ? suggest_closest(want, (const char *const *)names, n) : NULL;
	if (best) {
		diag_hint(x, "did you mean '%s'?", best);
	} else if (n) {
		buf_t all = BUF_INIT;
		for (size_t i = 0; i < n && i < 10; i++)
			buf_printf(&all, "%s'%s'", i ? ", " : "", names[i]);
		diag_hint(x, "%s: %s%s", what, buf_cstr(&all), n > 10 ? ", ..." : "");
		buf_free(&all);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

steer_rc perimeter_find(store_t *s, const char *name, long long *id, diag_list_t *d)
{
	*id = 0;
	store_query_t *q = store_query(s, "SELECT id FROM perimeter WHERE name = ?");
	store_bind_text(q, 1, name);
	steer_rc rc = store_scalar(q, 0, id, d, "finding the perimeter");
	if (rc || *id)
		return rc;
	diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown-perimeter", "no perimeter named '%s'", name);
	hint_names(store_query(s, "SELECT name FROM perimeter ORDER BY archived_at IS NOT NULL, name"), name, x,
		   "the perimeters are (sobre perimeter list)");
	return STEER_REFUSED;
}

/* The référentiel id of slug, 0 when none. */
static steer_rc referentiel_id(store_t *s, const char *slug, long long *id, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT id FROM referentiel WHERE lower(slug) = lower(?)");
	store_bind_text(q, 1, slug);
	return store_scalar(q, 0, id, d, "finding the référentiel");
}

steer_rc perimeter_set_scope(store_t *s, long long perimeter, long long referentiel, diag_list_t *d)
{
	const profile_t *p;
	profile_t *owned;
	store_set_scope(s, perimeter, referentiel);
	steer_rc rc = perimeter_profile(s, &p, &owned, d);
	if (!rc)
		store_set_profile(s, p, owned);
	return rc;
}

steer_rc perimeter_scope(store_t *s, const char *perimeter, const char *guide, diag_list_t *d)
{
	long long pid = 1, rid = 0, n = 0;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (perimeter && (rc = perimeter_find(s, perimeter, &pid, d))))
		return rc;
	if (guide) {
		if ((rc = referentiel_id(s, guide, &rid, d)))
			return rc;
		if (!rid) {
			diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown-guide", "no référentiel '%s' in this database",
					     guide);
			hint_names(store_query(s, "SELECT slug FROM referentiel ORDER BY id"), guide, x,
				   "the référentiels are (sobre guide list)");
			if (!x->hint)
				diag_hint(x, "import it first: sobre guide import SOURCE --as %s", guide);
			return STEER_REFUSED;
		}
		return perimeter_set_scope(s, pid, rid, d);
	}
	/* Its own référentiels; for a parent assessed against none, those of
	 * its subtree (what its consolidation and snapshots are about). The
	 * third column keeps the rows in that order: a UNION ALL has none of
	 * its own in PostgreSQL. */
	store_query_t *q = store_query(
		s, "WITH RECURSIVE down(id, k) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL SELECT c.id, down.k + 1 FROM perimeter c "
		   "JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL AND down.k < 64), "
		   "own AS (SELECT referentiel_id FROM perimeter_guide WHERE perimeter_id = ?1), "
		   "below AS (SELECT DISTINCT referentiel_id FROM perimeter_guide WHERE perimeter_id IN (SELECT id FROM down)) "
		   "SELECT count(*), min(referentiel_id), 0 FROM own "
		   "UNION ALL SELECT count(*), min(referentiel_id), 1 FROM below ORDER BY 3");
	store_bind_int(q, 1, pid);
	bool own = true;
	if (store_next(q)) {
		n = store_col_int(q, 0);
		rid = store_col_int(q, 1);
	}
	if (n == 0 && store_next(q)) {
		own = false;
		n = store_col_int(q, 0);
		rid = store_col_int(q, 1);
	}
	if ((rc = store_end(q, d, "reading the perimeter's référentiels")))
		return rc;
	if (n == 1 || (n == 0 && pid == 1)) {
		/* The root without a référentiel: a database before its first
		 * import, where commands say to import one. */
		return perimeter_set_scope(s, pid, n ? rid : 1, d);
	}
	diag_t *x;
	if (n == 0) {
		x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "no-guide", "perimeter '%s' is assessed against no référentiel",
			     perimeter);
		diag_hint(x, "attach one: sobre perimeter attach \"%s\" --guide ID", perimeter);
		return STEER_REFUSED;
	}
	x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "ambiguous-guide",
		     "perimeter '%s' is assessed against %lld référentiels: say which with --guide",
		     perimeter ? perimeter : "(root)", n);
	q = own ? store_query(s, "SELECT r.slug FROM perimeter_guide g JOIN referentiel r ON r.id = g.referentiel_id "
				 "WHERE g.perimeter_id = ? ORDER BY r.slug")
		: store_query(s, "SELECT DISTINCT r.slug FROM perimeter_guide g JOIN referentiel r ON r.id = g.referentiel_id "
				 "ORDER BY r.slug");
	if (own)
		store_bind_int(q, 1, pid);
	hint_names(q, "", x, "--guide");
	return STEER_REFUSED;
}

steer_rc perimeter_scope_names(store_t *s, char **perimeter, char **guide, diag_list_t *d)
{
	*perimeter = *guide = NULL;
	store_query_t *q = store_query(s, "SELECT p.name, (SELECT slug FROM referentiel WHERE id = ?2) FROM perimeter p "
					  "WHERE p.id = ?1");
	store_bind_scope(q, 1);
	if (store_next(q)) {
		*perimeter = store_col_dup(q, 0);
		*guide = store_col_dup(q, 1);
	}
	steer_rc rc = store_end(q, d, "reading the scope");
	if (!rc && !*perimeter)
		rc = store_refuse(d, "unknown-perimeter", NULL, "no perimeter %lld", store_perimeter(s));
	if (rc) {
		free(*perimeter);
		free(*guide);
		*perimeter = *guide = NULL;
	}
	return rc;
}

steer_rc perimeter_profile(store_t *s, const profile_t **out, profile_t **owned, diag_list_t *d)
{
	*out = NULL;
	*owned = NULL;
	char *id = NULL, *yaml = NULL;
	store_query_t *q = store_query(s, "SELECT profile, profile_yaml FROM referentiel WHERE id = ?");
	store_bind_int(q, 1, store_referentiel(s));
	if (store_next(q)) {
		id = store_col_dup(q, 0);
		yaml = store_col_dup(q, 1);
	}
	steer_rc rc = store_end(q, d, "reading the référentiel's profile");
	if (!rc && !id) /* nothing imported yet: what the first import will be */
		*out = profile_builtin("gbpnr");
	else if (!rc && !yaml)
		*out = profile_builtin(id);
	else if (!rc)
		*out = *owned = profile_parse("profile", yaml, strlen(yaml), d);
	if (!rc && !*out) {
		diag_t *x = diag_add(d, DIAG_ERROR, store_name(s), 0, 0, STORE_CAUSE_OTHER,
				     "the database's profile '%s' is unknown to this version of sobre", id);
		diag_hint(x, "use the sobre release that imported it, or a later one");
		rc = STEER_IO;
	}
	free(id);
	free(yaml);
	return rc;
}

static steer_rc check_name(const char *name, diag_list_t *d)
{
	const char *why = input_text_problem(name, INPUT_MAX_NAME, false);
	if (!why && !*name)
		why = "is empty";
	if (why)
		return store_refuse(d, "bad-perimeter-name", "a perimeter's name is one line, e.g. \"Direction des finances\"",
				    "the perimeter's name %s", why);
	return STEER_OK;
}

/* Refuses a name another perimeter has (case aside). */
static steer_rc name_free(store_t *s, const char *name, long long except, diag_list_t *d)
{
	long long other;
	store_query_t *q = store_query(s, "SELECT id FROM perimeter WHERE name = ? AND id <> ?");
	store_bind_text(q, 1, name);
	store_bind_int(q, 2, except);
	steer_rc rc = store_scalar(q, 0, &other, d, "reading the perimeters");
	if (!rc && other)
		rc = store_refuse(d, "perimeter-exists", "names are unique in the tree: choose another one, "
							 "e.g. with its town or its directorate",
				  "a perimeter named '%s' already exists", name);
	return rc;
}

steer_rc perimeter_active(store_t *s, long long id, const char *name, diag_list_t *d)
{
	long long archived;
	store_query_t *q = store_query(s, "SELECT archived_at IS NOT NULL FROM perimeter WHERE id = ?");
	store_bind_int(q, 1, id);
	steer_rc rc = store_scalar(q, 0, &archived, d, "reading the perimeter");
	if (!rc && archived)
		rc = store_refuse(d, "archived-perimeter", "its data is kept for history; add a new perimeter instead",
				  "perimeter '%s' is archived", name);
	return rc;
}

static steer_rc perimeter_depth(store_t *s, long long id, long long *depth, diag_list_t *d)
{
	store_query_t *q = store_query(s, "WITH RECURSIVE up(id, parent_id, n) AS (SELECT id, parent_id, 0 FROM "
					  "perimeter WHERE id = ? UNION ALL SELECT p.id, p.parent_id, up.n + 1 FROM "
					  "perimeter p JOIN up ON p.id = up.parent_id WHERE up.n < 64) SELECT max(n) FROM up");
	store_bind_int(q, 1, id);
	return store_scalar(q, 0, depth, d, "reading the tree");
}

steer_rc perimeter_add(store_t *s, const char *name, const char *parent, const char *kind, diag_list_t *d)
{
	long long pid = 1, depth = 0;
	steer_rc rc;
	char at[21];
	if (!kind)
		kind = "service";
	bool known = false;
	for (size_t i = 0; i < 4; i++)
		known |= strcmp(kind, perimeter_kinds[i]) == 0;
	if (!known || strcmp(kind, "organisation") == 0)
		return store_refuse(d, "bad-perimeter-kind", "a perimeter is a direction, an etablissement or a service",
				    "'%s' is not a perimeter kind%s", kind,
				    known ? " below the root (the organisation is the root)" : "");
	if ((rc = store_require_tx(s, d)) || (rc = check_name(name, d)) ||
	    (parent && (rc = perimeter_find(s, parent, &pid, d))) ||
	    (rc = perimeter_active(s, pid, parent ? parent : "", d)) ||
	    (rc = name_free(s, name, 0, d)) || (rc = perimeter_depth(s, pid, &depth, d)))
		return rc;
	if (depth + 1 >= PERIMETER_MAX_DEPTH)
		return store_refuse(d, "perimeter-too-deep", "group services under fewer levels",
				    "a perimeter under '%s' would be %lld levels deep; the limit is %d", parent,
				    depth + 1, PERIMETER_MAX_DEPTH - 1);
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "INSERT INTO perimeter(name, parent_id, kind, created_at) VALUES (?, ?, ?, ?)");
	store_bind_text(q, 1, name);
	store_bind_int(q, 2, pid);
	store_bind_text(q, 3, kind);
	store_bind_text(q, 4, at);
	if ((rc = store_exec(q, d, "adding the perimeter")))
		return rc;
	return store_log_global(s, "perimeter", NULL, name, d);
}

steer_rc perimeter_date_root(store_t *s, const char *at, diag_list_t *d)
{
	store_query_t *q = store_query(s, "UPDATE perimeter SET created_at = ? WHERE id = 1");
	store_bind_text(q, 1, at);
	return store_exec(q, d, "dating the organisation");
}

steer_rc perimeter_name_root(store_t *s, const char *name, diag_list_t *d)
{
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = check_name(name, d)) || (rc = name_free(s, name, 1, d)))
		return rc;
	store_query_t *q = store_query(s, "UPDATE perimeter SET name = ? WHERE id = 1");
	store_bind_text(q, 1, name);
	if ((rc = store_exec(q, d, "naming the organisation")))
		return rc;
	return store_set_meta(s, "org", name, d);
}

steer_rc perimeter_rename(store_t *s, const char *name, const char *new_name, diag_list_t *d)
{
	long long id;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = perimeter_find(s, name, &id, d)) || (rc = check_name(new_name, d)) ||
	    (rc = name_free(s, new_name, id, d)))
		return rc;
	store_query_t *q = store_query(s, "UPDATE perimeter SET name = ? WHERE id = ?");
	store_bind_text(q, 1, new_name);
	store_bind_int(q, 2, id);
	if ((rc = store_exec(q, d, "renaming the perimeter")))
		return rc;
	if (id == 1 && (rc = store_set_meta(s, "org", new_name, d)))
		return rc;
	return store_log_global(s, "perimeter name", name, new_name, d);
}

steer_rc perimeter_within(store_t *s, long long id, long long ancestor, bool *within, diag_list_t *d)
{
	long long n;
	store_query_t *q = store_query(s, "WITH RECURSIVE up(id, parent_id, k) AS (SELECT id, parent_id, 0 FROM "
					  "perimeter WHERE id = ? UNION ALL SELECT p.id, p.parent_id, up.k + 1 FROM "
					  "perimeter p JOIN up ON p.id = up.parent_id WHERE up.k < 64) "
					  "SELECT count(*) FROM up WHERE id = ?");
	store_bind_int(q, 1, id);
	store_bind_int(q, 2, ancestor);
	steer_rc rc = store_scalar(q, 0, &n, d, "reading the tree");
	*within = n > 0;
	return rc;
}

/* The depth of the deepest perimeter below id, relative to it. */
static steer_rc subtree_height(store_t *s, long long id, long long *h, diag_list_t *d)
{
	store_query_t *q = store_query(s, "WITH RECURSIVE down(id, k) AS (SELECT CAST(? AS BIGINT), 0 UNION ALL SELECT p.id, down.k + 1 "
					  "FROM perimeter p JOIN down ON p.parent_id = down.id WHERE down.k < 64) "
					  "SELECT max(k) FROM down");
	store_bind_int(q, 1, id);
	return store_scalar(q, 0, h, d, "reading the tree");
}

steer_rc perimeter_move(store_t *s, const char *name, const char *new_parent, diag_list_t *d)
{
	long long id, pid, depth, height;
	bool loop;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = perimeter_find(s, name, &id, d)) ||
	    (rc = perimeter_find(s, new_parent, &pid, d)) || (rc = perimeter_active(s, pid, new_parent, d)))
		return rc;
	if (id == 1)
		return store_refuse(d, "move-root", "the organisation stays at the root", "the root perimeter cannot move");
	if ((rc = perimeter_within(s, pid, id, &loop, d)))
		return rc;
	if (loop)
		return store_refuse(d, "perimeter-cycle", "move it under a perimeter outside its own subtree",
				    "'%s' is inside '%s': the tree would loop", new_parent, name);
	if ((rc = perimeter_depth(s, pid, &depth, d)) || (rc = subtree_height(s, id, &height, d)))
		return rc;
	if (depth + 1 + height >= PERIMETER_MAX_DEPTH)
		return store_refuse(d, "perimeter-too-deep", "group services under fewer levels",
				    "under '%s', '%s' and its subtree would be %lld levels deep; the limit is %d",
				    new_parent, name, depth + 1 + height, PERIMETER_MAX_DEPTH - 1);
	char *old = NULL;
	store_query_t *q = store_query(s, "SELECT p.name FROM perimeter c JOIN perimeter p ON p.id = c.parent_id "
					  "WHERE c.id = ?");
	store_bind_int(q, 1, id);
	if (store_next(q))
		old = store_col_dup(q, 0);
	if ((rc = store_end(q, d, "reading the tree")))
		goto cleanup;
	q = store_query(s, "UPDATE perimeter SET parent_id = ? WHERE id = ?");
	store_bind_int(q, 1, pid);
	store_bind_int(q, 2, id);
	if (!(rc = store_exec(q, d, "moving the perimeter"))) {
		buf_t a = BUF_INIT, b = BUF_INIT;
		buf_printf(&a, "%s under %s", name, old ? old : "?");
		buf_printf(&b, "%s under %s", name, new_parent);
		rc = store_log_global(s, "perimeter parent", buf_cstr(&a), buf_cstr(&b), d);
		buf_free(&a);
		buf_free(&b);
	}
cleanup:
	free(old);
	return rc;
}

steer_rc perimeter_archive(store_t *s, const char *name, diag_list_t *d)
{
	long long id;
	steer_rc rc;
	char at[21];
	if ((rc = store_require_tx(s, d)) || (rc = perimeter_find(s, name, &id, d)) ||
	    (rc = perimeter_active(s, id, name, d)))
		return rc;
	if (id == 1)
		return store_refuse(d, "archive-root", "archive its perimeters one by one, or keep the database as is",
				    "the root perimeter cannot be archived");
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "WITH RECURSIVE down(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT p.id FROM perimeter p "
					  "JOIN down ON p.parent_id = down.id) "
					  "UPDATE perimeter SET archived_at = ? WHERE id IN (SELECT id FROM down) AND archived_at IS NULL");
	store_bind_int(q, 1, id);
	store_bind_text(q, 2, at);
	if ((rc = store_exec(q, d, "archiving the perimeter")))
		return rc;
	return store_log_global(s, "perimeter", name, "archived", d);
}

steer_rc perimeter_attach(store_t *s, const char *name, const char *guide, diag_list_t *d)
{
	long long id, rid, n;
	const profile_t *profile;
	profile_t *owned = NULL;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = perimeter_find(s, name, &id, d)) ||
	    (rc = perimeter_active(s, id, name, d)) ||
	    (rc = perimeter_scope(s, NULL, guide, d)))
		return rc;
	rid = store_referentiel(s);
	store_query_t *q = store_query(s, "SELECT count(*) FROM perimeter_guide WHERE perimeter_id = ? AND referentiel_id = ?");
	store_bind_int(q, 1, id);
	store_bind_int(q, 2, rid);
	if ((rc = store_scalar(q, 0, &n, d, "reading the perimeter's référentiels")))
		return rc;
	if (n)
		return store_refuse(d, "already-attached", NULL, "perimeter '%s' is already assessed against '%s'", name,
				    guide);
	q = store_query(s, "INSERT INTO perimeter_guide(perimeter_id, referentiel_id) VALUES (?, ?)");
	store_bind_int(q, 1, id);
	store_bind_int(q, 2, rid);
	if ((rc = store_exec(q, d, "attaching the référentiel")) || (rc = perimeter_profile(s, &profile, &owned, d)))
		return rc;
	rc = catalog_attach(s, id, profile, d);
	profile_free(owned);
	if (!rc) {
		store_set_scope(s, id, rid);
		rc = store_log(s, NULL, "référentiel", NULL, guide, d);
	}
	return rc;
}

void perimeter_list_free(perimeter_list_t *l)
{
	for (size_t i = 0; i < l->len; i++) {
		perimeter_t *p = &l->items[i];
		free(p->name);
		free(p->kind);
		free(p->created_at);
		free(p->archived_at);
		for (size_t k = 0; k < p->nguides; k++)
			free(p->guides[k]);
		free(p->guides);
		free(p->scores);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

steer_rc perimeter_list(store_t *s, bool with_archived, perimeter_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	/* Depth first, children by name: the path of names sorts the tree.
	 * Its separator, \1, sorts below any character of a name. */
	/* The référentiels' slugs joined by U+0001, in order: SQLite's
	 * group_concat over an ordered subquery, PostgreSQL's string_agg. */
	store_query_t *q = store_query_alt(
		s,
		/* sqlcheck: sqlite-only (group-concat, char), see #16 */
		"WITH RECURSIVE t(id, depth, path) AS (SELECT id, 0, '' FROM perimeter WHERE id = 1 UNION ALL "
		"SELECT p.id, t.depth + 1, t.path || CAST(?2 AS TEXT) || lower(p.name) FROM perimeter p "
		"JOIN t ON p.parent_id = t.id WHERE t.depth < 64) "
		"SELECT p.id, coalesce(p.parent_id, 0), p.name, p.kind, p.created_at, p.archived_at, t.depth, "
		"(SELECT group_concat(slug, char(1)) FROM (SELECT r.slug FROM perimeter_guide g JOIN referentiel r "
		"ON r.id = g.referentiel_id WHERE g.perimeter_id = p.id ORDER BY r.slug) AS x) "
		"FROM t JOIN perimeter p ON p.id = t.id WHERE (?1 <> 0 OR p.archived_at IS NULL) ORDER BY t.path",
		"WITH RECURSIVE t(id, depth, path) AS (SELECT id, 0, CAST('' AS TEXT) FROM perimeter WHERE id = 1 UNION ALL "
		"SELECT p.id, t.depth + 1, t.path || CAST(?2 AS TEXT) || lower(p.name) FROM perimeter p "
		"JOIN t ON p.parent_id = t.id WHERE t.depth < 64) "
		"SELECT p.id, coalesce(p.parent_id, 0), p.name, p.kind, p.created_at, p.archived_at, t.depth, "
		"(SELECT string_agg(r.slug, CAST(?2 AS TEXT) ORDER BY r.slug) FROM perimeter_guide g JOIN referentiel r "
		"ON r.id = g.referentiel_id WHERE g.perimeter_id = p.id) "
		"FROM t JOIN perimeter p ON p.id = t.id WHERE (?1 <> 0 OR p.archived_at IS NULL) ORDER BY t.path");
	store_bind_int(q, 1, with_archived);
	store_bind_text(q, 2, "\1");
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		perimeter_t *p = &out->items[out->len++];
		memset(p, 0, sizeof *p);
		p->id = store_col_int(q, 0);
		p->parent = store_col_int(q, 1);
		p->name = store_col_dup(q, 2);
		p->kind = store_col_dup(q, 3);
		p->created_at = store_col_dup(q, 4);
		p->archived_at = store_col_dup(q, 5);
		p->depth = (size_t)store_col_int(q, 6);
		const char *g = store_col_text(q, 7);
		size_t gcap = 0;
		while (g && *g) {
			const char *e = strchr(g, '\1');
			size_t len = e ? (size_t)(e - g) : strlen(g);
			p->guides = xgrow(p->guides, &gcap, p->nguides + 1, sizeof *p->guides);
			p->guides[p->nguides++] = xstrndup(g, len);
			g += len + (e != NULL);
		}
	}
	if ((rc = store_end(q, d, "reading the perimeters")))
		perimeter_list_free(out);
	return rc;
}

steer_rc perimeter_outline(store_t *s, long long top, long long at, size_t all, perimeter_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	long long n;
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	/* Counted up to all + 1 only: on a large tree, the count stops early. */
	/* Counted no further than all + 1: SQLite stops the recursion with a
	 * LIMIT inside it, PostgreSQL (which refuses that) by reading no more
	 * rows of it than the outer LIMIT asks. */
	store_query_t *q = store_query_alt(
		s,
		/* sqlcheck: sqlite-only (recursive-limit), see #16 */
		"WITH RECURSIVE down(id, k) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL SELECT c.id, down.k + 1 "
		"FROM perimeter c JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL "
		"AND down.k < 64 LIMIT ?2) SELECT count(*) FROM down",
		"WITH RECURSIVE down(id, k) AS (SELECT CAST(?1 AS BIGINT), 0 UNION ALL SELECT c.id, down.k + 1 "
		"FROM perimeter c JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL "
		"AND down.k < 64) SELECT count(*) FROM (SELECT 1 FROM down LIMIT ?2) AS x");
	store_bind_int(q, 1, top);
	store_bind_int(q, 2, (long long)all + 1);
	if ((rc = store_scalar(q, 0, &n, d, "reading the tree")))
		return rc;
	q = store_query(s, "WITH RECURSIVE up(id, k) AS (SELECT CAST(?2 AS BIGINT), 0 UNION ALL SELECT p.parent_id, up.k + 1 FROM perimeter p "
			   "JOIN up ON p.id = up.id WHERE up.id <> ?1 AND p.parent_id IS NOT NULL AND up.k < 64), "
			   "t(id, parent, name, depth, path) AS (SELECT id, coalesce(parent_id, 0), name, 0, '' FROM perimeter "
			   "WHERE id = ?1 UNION ALL SELECT p.id, p.parent_id, p.name, t.depth + 1, t.path || CAST(?4 AS TEXT) || lower(p.name) "
			   "FROM perimeter p JOIN t ON p.parent_id = t.id WHERE p.archived_at IS NULL AND t.depth < 64 "
			   "AND (?3 <> 0 OR t.id IN (SELECT id FROM up))) "
			   "SELECT id, parent, name, depth FROM t ORDER BY path");
	store_bind_int(q, 1, top);
	store_bind_int(q, 2, at);
	store_bind_int(q, 3, n <= (long long)all);
	store_bind_text(q, 4, "\1"); /* as perimeter_list's */
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		perimeter_t *p = &out->items[out->len++];
		memset(p, 0, sizeof *p);
		p->id = store_col_int(q, 0);
		p->parent = store_col_int(q, 1);
		p->name = store_col_dup(q, 2);
		p->depth = (size_t)store_col_int(q, 3);
	}
	if ((rc = store_end(q, d, "reading the tree")))
		perimeter_list_free(out);
	return rc;
}

steer_rc perimeter_scores(store_t *s, perimeter_list_t *l, diag_list_t *d)
{
	long long sp = store_perimeter(s), sr = store_referentiel(s);
	steer_rc rc = STEER_OK;
	for (size_t i = 0; i < l->len && !rc; i++) {
		perimeter_t *p = &l->items[i];
		p->scores = xcalloc(p->nguides ? p->nguides : 1, sizeof *p->scores);
		for (size_t k = 0; k < p->nguides && !rc; k++) {
			long long rid;
			store_query_t *q = store_query(s, "SELECT id FROM referentiel WHERE slug = ?");
			store_bind_text(q, 1, p->guides[k]);
			if ((rc = store_scalar(q, 0, &rid, d, "reading the référentiels")))
				break;
			if ((rc = perimeter_set_scope(s, p->id, rid, d)))
				break;
			score_t sc;
			if (!(rc = score_compute(s, SCORE_BY_NONE, &sc, d))) {
				p->scores[k] = sc.overall;
				score_free(&sc);
			}
		}
	}
	steer_rc back = perimeter_set_scope(s, sp, sr, d);
	return rc ? rc : back;
}
