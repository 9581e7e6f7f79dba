/* catalog: imported guide copies, import and upgrade, version diffs, and
 * the pilot functions. An upgrade never deletes: a practice the new guide drops
 * is archived with its assessment, indicators and measurements, and comes
 * back as it was if a later version restores it. */
#include "steer/catalog.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/indicator.h"
#include "steer/input.h"
#include "util/xalloc.h"

static char *dup_trim(const char *s)
{
	return input_trim(s ? s : "");
}

static void strings_from_value(const value_t *v, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!v || v->kind != VAL_LIST)
		return;
	*out = xcalloc(v->u.list.len + 1, sizeof **out);
	for (size_t i = 0; i < v->u.list.len; i++) {
		const char *s = value_str(v->u.list.items[i]);
		if (s)
			(*out)[(*n)++] = dup_trim(s);
	}
}

void catalog_from_guide(const guide_t *g, catalog_t *out)
{
	memset(out, 0, sizeof *out);
	out->version = dup_trim(guide_meta(g, "version"));
	out->title = dup_trim(guide_meta(g, "title"));
	out->items = xcalloc(g->npractices + 1, sizeof *out->items);
	for (size_t i = 0; i < g->npractices; i++) {
		const guide_practice_t *p = g->practices[i];
		catalog_practice_t *c = &out->items[out->len++];
		c->idbp = dup_trim(p->id);
		c->title = dup_trim(p->title);
		c->theme_id = dup_trim(p->theme ? p->theme->id : "");
		c->theme_title = dup_trim(p->theme ? p->theme->title : "");
		c->priority = dup_trim(p->priority);
		c->difficulty = dup_trim(p->difficulty);
		strings_from_value(p->who, &c->who, &c->nwho);
		strings_from_value(p->indicators, &c->indicators, &c->nindicators);
	}
}

/* The sections as the database keeps them: a JSON array. */
static char *sections_json(const ref_item_t *it)
{
	json_t *a = json_array();
	for (size_t i = 0; i < it->nsections; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "key", it->sections[i].key, "title",
						   it->sections[i].title, "text", it->sections[i].text));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static char **dup_list(char *const *items, size_t n)
{
	char **out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(items[i]);
	return out;
}

void catalog_from_referentiel(const referentiel_t *r, catalog_t *out)
{
	if (r->guide) {
		catalog_from_guide(r->guide, out);
		return;
	}
	memset(out, 0, sizeof *out);
	out->version = dup_trim(r->version);
	out->title = dup_trim(r->title);
	out->items = xcalloc(r->nitems + 1, sizeof *out->items);
	for (size_t i = 0; i < r->nitems; i++) {
		const ref_item_t *it = &r->items[i];
		const ref_theme_t *th = &r->themes[it->theme];
		catalog_practice_t *c = &out->items[out->len++];
		c->idbp = dup_trim(it->id);
		c->title = dup_trim(it->title);
		c->theme_id = dup_trim(th->id);
		c->theme_title = dup_trim(th->title);
		c->priority = dup_trim(it->priority);
		c->difficulty = dup_trim(it->difficulty);
		c->who = dup_list(it->roles, it->nroles);
		c->nwho = it->nroles;
		c->indicators = dup_list(it->indicators, it->nindicators);
		c->nindicators = it->nindicators;
		c->sections = sections_json(it);
		c->applicability = xstrdup(it->applicability ? it->applicability : "");
		c->always_applicable = it->always_applicable;
	}
}

static void practice_free(catalog_practice_t *c)
{
	free(c->sections);
	free(c->applicability);
	free(c->idbp);
	free(c->title);
	free(c->theme_id);
	free(c->theme_title);
	free(c->priority);
	free(c->difficulty);
	for (size_t i = 0; i < c->nwho; i++)
		free(c->who[i]);
	free(c->who);
	for (size_t i = 0; i < c->nindicators; i++)
		free(c->indicators[i]);
	free(c->indicators);
}

void catalog_free(catalog_t *c)
{
	for (size_t i = 0; i < c->len; i++)
		practice_free(&c->items[i]);
	free(c->items);
	free(c->version);
	free(c->title);
	memset(c, 0, sizeof *c);
}

static char *strings_to_json(char **items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static void strings_from_json(const char *text, char ***out, size_t *n)
{
	json_t *a = json_loads(text ? text : "[]", 0, NULL);
	*out = NULL;
	*n = 0;
	if (json_is_array(a)) {
		*out = xcalloc(json_array_size(a) + 1, sizeof **out);
		for (size_t i = 0; i < json_array_size(a); i++) {
			const char *s = json_string_value(json_array_get(a, i));
			if (s)
				(*out)[(*n)++] = xstrdup(s);
		}
	}
	json_decref(a);
}

steer_rc catalog_load(store_t *s, long long version_id, catalog_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	store_query_t *q = store_query(s, "SELECT version, title FROM guide_version WHERE id = ?");
	store_bind_int(q, 1, version_id);
	if (store_next(q)) {
		out->version = store_col_dup(q, 0);
		out->title = store_col_dup(q, 1);
	}
	steer_rc rc = store_end(q, d, "reading the guide version");
	if (!out->version) {
		out->version = xstrdup("");
		out->title = xstrdup("");
	}
	if (rc) {
		catalog_free(out);
		return rc;
	}
	q = store_query(s, "SELECT idbp, title, theme_id, theme_title, priority, difficulty, who, indicators, "
			   "sections, applicability, always_applicable FROM practice_copy WHERE version_id = ? ORDER BY seq");
	store_bind_int(q, 1, version_id);
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		catalog_practice_t *c = &out->items[out->len++];
		c->idbp = store_col_dup(q, 0);
		c->title = store_col_dup(q, 1);
		c->theme_id = store_col_dup(q, 2);
		c->theme_title = store_col_dup(q, 3);
		c->priority = store_col_dup(q, 4);
		c->difficulty = store_col_dup(q, 5);
		strings_from_json(store_col_text(q, 6), &c->who, &c->nwho);
		strings_from_json(store_col_text(q, 7), &c->indicators, &c->nindicators);
		c->sections = store_col_dup(q, 8);
		c->applicability = store_col_dup(q, 9);
		c->always_applicable = store_col_int(q, 10) != 0;
	}
	if ((rc = store_end(q, d, "reading the guide copy")))
		catalog_free(out);
	return rc;
}

/* --- diff ------------------------------------------------------------- */

static bool lists_equal(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static unsigned changes_of(const catalog_practice_t *a, const catalog_practice_t *b)
{
	unsigned c = 0;
	if (strcmp(a->title, b->title))
		c |= CATALOG_TITLE;
	if (strcmp(a->theme_id, b->theme_id) || strcmp(a->theme_title, b->theme_title))
		c |= CATALOG_THEME;
	if (strcmp(a->priority, b->priority))
		c |= CATALOG_PRIORITY;
	if (strcmp(a->difficulty, b->difficulty))
		c |= CATALOG_DIFFICULTY;
	if (!lists_equal(a->who, a->nwho, b->who, b->nwho))
		c |= CATALOG_WHO;
	if (!lists_equal(a->indicators, a->nindicators, b->indicators, b->nindicators))
		c |= CATALOG_INDICATORS;
	if (strcmp(a->sections ? a->sections : "[]", b->sections ? b->sections : "[]"))
		c |= CATALOG_SECTIONS;
	if (strcmp(a->applicability ? a->applicability : "", b->applicability ? b->applicability : "") ||
	    a->always_applicable != b->always_applicable)
		c |= CATALOG_APPLICABILITY;
	return c;
}

static int cmp_by_idbp(const void *x, const void *y)
{
	const catalog_practice_t *a = *(const catalog_practice_t *const *)x, *b = *(const catalog_practice_t *const *)y;
	return strcmp(a->idbp, b->idbp);
}

/* Sorted pointers for lookups by idbp: a diff of two 10,000-practice
 * guides stays O(n log n). */
static const catalog_practice_t **sorted_index(const catalog_t *c)
{
	const catalog_practice_t **idx = xcalloc(c->len + 1, sizeof *idx);
	for (size_t i = 0; i < c->len; i++)
		idx[i] = &c->items[i];
	qsort(idx, c->len, sizeof *idx, cmp_by_idbp);
	return idx;
}

static const catalog_practice_t *lookup(const catalog_practice_t **idx, size_t n, const char *idbp)
{
	catalog_practice_t key = {.idbp = (char *)idbp};
	const catalog_practice_t *k = &key;
	const catalog_practice_t **hit = bsearch(&k, idx, n, sizeof *idx, cmp_by_idbp);
	return hit ? *hit : NULL;
}

void catalog_diff(const catalog_t *old_c, const catalog_t *new_c, catalog_diff_t *out)
{
	memset(out, 0, sizeof *out);
	out->items = xcalloc(old_c->len + new_c->len + 1, sizeof *out->items);
	const catalog_practice_t **oi = sorted_index(old_c), **ni = sorted_index(new_c);
	for (size_t i = 0; i < new_c->len; i++) {
		const catalog_practice_t *n = &new_c->items[i], *o = lookup(oi, old_c->len, n->idbp);
		if (!o) {
			out->items[out->len++] = (catalog_delta_t){NULL, n, 0};
			out->added++;
		} else {
			unsigned c = changes_of(o, n);
			if (c) {
				out->items[out->len++] = (catalog_delta_t){o, n, c};
				out->changed++;
			} else {
				out->unchanged++;
			}
		}
	}
	for (size_t i = 0; i < old_c->len; i++)
		if (!lookup(ni, new_c->len, old_c->items[i].idbp)) {
			out->items[out->len++] = (catalog_delta_t){&old_c->items[i], NULL, 0};
			out->removed++;
		}
	free(oi);
	free(ni);
}

void catalog_diff_free(catalog_diff_t *d)
{
	free(d->items);
	memset(d, 0, sizeof *d);
}

/* Markdown text: characters that would start emphasis, links or HTML are
 * escaped, so a title prints as written. */
static void md_text(buf_t *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>#|", *s))
			buf_putc(out, '\\');
		buf_putc(out, *s);
	}
}

static void md_quoted(buf_t *out, const char *s)
{
	buf_puts(out, "« ");
	md_text(out, s);
	buf_puts(out, " »");
}

static bool contains(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static void md_list_change(buf_t *out, const char *label, char **a, size_t na, char **b, size_t nb)
{
	buf_printf(out, "  - %s :", label);
	const char *sep = " ";
	for (size_t i = 0; i < nb; i++)
		if (!contains(a, na, b[i])) {
			buf_printf(out, "%sajout de ", sep);
			md_quoted(out, b[i]);
			sep = " ; ";
		}
	for (size_t i = 0; i < na; i++)
		if (!contains(b, nb, a[i])) {
			buf_printf(out, "%sretrait de ", sep);
			md_quoted(out, a[i]);
			sep = " ; ";
		}
	if (strcmp(sep, " ") == 0)
		buf_puts(out, " ordre modifié");
	buf_putc(out, '\n');
}

static void plural(buf_t *out, size_t n, const char *one, const char *many)
{
	buf_printf(out, "%zu %s", n, n > 1 ? many : one);
}

void catalog_diff_markdown(const catalog_t *old_c, const catalog_t *new_c, const catalog_diff_t *diff, buf_t *out)
{
	buf_puts(out, "## Version ");
	md_text(out, *new_c->version ? new_c->version : "(sans numéro)");
	buf_puts(out, "\n\nPar rapport à la version ");
	md_text(out, *old_c->version ? old_c->version : "(sans numéro)");
	buf_puts(out, " : ");
	if (!diff->added && !diff->removed && !diff->changed) {
		buf_puts(out, "aucune bonne pratique ajoutée, retirée ou modifiée.\n");
		return;
	}
	plural(out, diff->added, "bonne pratique ajoutée", "bonnes pratiques ajoutées");
	buf_puts(out, ", ");
	plural(out, diff->removed, "retirée", "retirées");
	buf_puts(out, ", ");
	plural(out, diff->changed, "modifiée", "modifiées");
	buf_puts(out, ".\n");
	static const char *const heads[3] = {"Bonnes pratiques ajoutées", "Bonnes pratiques retirées",
					     "Bonnes pratiques modifiées"};
	for (int kind = 0; kind < 3; kind++) {
		bool any = false;
		for (size_t i = 0; i < diff->len; i++) {
			const catalog_delta_t *x = &diff->items[i];
			int k = !x->old ? 0 : !x->new_ ? 1 : 2;
			if (k != kind)
				continue;
			if (!any)
				buf_printf(out, "\n### %s\n\n", heads[kind]);
			any = true;
			const catalog_practice_t *p = catalog_delta_practice(x);
			buf_puts(out, "- **");
			md_text(out, p->idbp);
			buf_puts(out, "** : ");
			md_text(out, p->title);
			if (kind == 0)
				buf_printf(out, " (%s, %s)", p->priority, p->difficulty);
			buf_putc(out, '\n');
			if (kind != 2)
				continue;
			if (x->changes & CATALOG_TITLE) {
				buf_puts(out, "  - titre : ");
				md_quoted(out, x->old->title);
				buf_puts(out, " → ");
				md_quoted(out, x->new_->title);
				buf_putc(out, '\n');
			}
			if (x->changes & CATALOG_THEME) {
				buf_puts(out, "  - thématique : ");
				md_text(out, x->old->theme_id);
				buf_puts(out, " ");
				md_text(out, x->old->theme_title);
				buf_puts(out, " → ");
				md_text(out, x->new_->theme_id);
				buf_puts(out, " ");
				md_text(out, x->new_->theme_title);
				buf_putc(out, '\n');
			}
			if (x->changes & CATALOG_PRIORITY)
				buf_printf(out, "  - priorité : %s → %s\n", x->old->priority, x->new_->priority);
			if (x->changes & CATALOG_DIFFICULTY)
				buf_printf(out, "  - difficulté : %s → %s\n", x->old->difficulty, x->new_->difficulty);
			if (x->changes & CATALOG_WHO)
				md_list_change(out, "pilotes", x->old->who, x->old->nwho, x->new_->who, x->new_->nwho);
			if (x->changes & CATALOG_INDICATORS)
				md_list_change(out, "indicateurs", x->old->indicators, x->old->nindicators,
					       x->new_->indicators, x->new_->nindicators);
		}
	}
	(void)new_c;
}

/* --- import ----------------------------------------------------------- */

static void join(buf_t *out, char **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, " | ");
		buf_puts(out, items[i]);
	}
}

static steer_rc log_changes(store_t *s, const catalog_delta_t *x, diag_list_t *d)
{
	steer_rc rc = STEER_OK;
	const catalog_practice_t *a = x->old, *b = x->new_;
	if (!rc && (x->changes & CATALOG_TITLE))
		rc = store_log(s, b->idbp, "guide title", a->title, b->title, d);
	if (!rc && (x->changes & CATALOG_THEME))
		rc = store_log(s, b->idbp, "guide theme", a->theme_id, b->theme_id, d);
	if (!rc && (x->changes & CATALOG_PRIORITY))
		rc = store_log(s, b->idbp, "guide priority", a->priority, b->priority, d);
	if (!rc && (x->changes & CATALOG_DIFFICULTY))
		rc = store_log(s, b->idbp, "guide difficulty", a->difficulty, b->difficulty, d);
	if (!rc && (x->changes & CATALOG_WHO)) {
		buf_t o = BUF_INIT, n = BUF_INIT;
		join(&o, a->who, a->nwho);
		join(&n, b->who, b->nwho);
		rc = store_log(s, b->idbp, "guide who", buf_cstr(&o), buf_cstr(&n), d);
		buf_free(&o);
		buf_free(&n);
	}
	return rc;
}

void catalog_import_free(catalog_import_t *res)
{
	catalog_diff_free(&res->diff);
	free(res->perimeters);
	catalog_free(&res->old_c);
	catalog_free(&res->new_c);
}

/* The tracked practice for p, created or brought to its new copy; *pid gets
 * its id. */
static steer_rc track(store_t *s, const catalog_practice_t *p, long long copy_id, catalog_import_t *res, long long *pid,
		      diag_list_t *d)
{
	bool was_removed = false;
	steer_rc rc;
	*pid = 0;
	store_query_t *q = store_query(s, "SELECT id, removed_version FROM practice "
					  "WHERE perimeter_id = ? AND referentiel_id = ? AND idbp = ?");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, p->idbp);
	if (store_next(q)) {
		*pid = store_col_int(q, 0);
		was_removed = !store_col_null(q, 1);
	}
	if ((rc = store_end(q, d, "reading the practices")))
		return rc;
	if (*pid) {
		q = store_query(s, "UPDATE practice SET copy_id = ?, removed_version = NULL WHERE id = ?");
		store_bind_int(q, 1, copy_id);
		store_bind_int(q, 2, *pid);
		if ((rc = store_exec(q, d, "updating a practice")))
			return rc;
		if (!was_removed) {
			res->carried++;
			return STEER_OK;
		}
		res->restored++;
		return store_log(s, p->idbp, "practice", "archived", "back in the guide", d);
	}
	q = store_query(s, "INSERT INTO practice(perimeter_id, referentiel_id, idbp, copy_id, added_version, status, "
			   "reviewed_copy) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, p->idbp);
	store_bind_int(q, 4, copy_id);
	store_bind_int(q, 5, res->version_id);
	store_bind_text(q, 6, res->profile->statuses[0].name);
	store_bind_int(q, 7, copy_id);
	if ((rc = store_scalar(q, 0, pid, d, "adding a practice")) || res->first)
		return rc;
	buf_t v = BUF_INIT;
	buf_printf(&v, "new in guide %s", res->new_c.version);
	rc = store_log(s, p->idbp, "practice", NULL, buf_cstr(&v), d);
	buf_free(&v);
	return rc;
}

/* Copies practice p (seq: its place in the guide) into the new version,
 * with its pilots, then tracks it and syncs its indicators in every
 * perimeter assessed against the référentiel. */
static steer_rc import_practice(store_t *s, const catalog_practice_t *p, size_t seq, catalog_import_t *res,
				diag_list_t *d)
{
	long long copy_id, pid;
	steer_rc rc;
	char *who = strings_to_json(p->who, p->nwho), *inds = strings_to_json(p->indicators, p->nindicators);
	store_query_t *q = store_query(s, "INSERT INTO practice_copy(version_id, idbp, seq, title, theme_id, theme_title, "
					  "priority, difficulty, who, indicators, sections, applicability, always_applicable) "
					  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	store_bind_text(q, 11, p->sections ? p->sections : "[]");
	store_bind_text(q, 12, p->applicability ? p->applicability : "");
	store_bind_int(q, 13, p->always_applicable);
	store_bind_int(q, 1, res->version_id);
	store_bind_text(q, 2, p->idbp);
	store_bind_int(q, 3, (long long)seq);
	store_bind_text(q, 4, p->title);
	store_bind_text(q, 5, p->theme_id);
	store_bind_text(q, 6, p->theme_title);
	store_bind_text(q, 7, p->priority);
	store_bind_text(q, 8, p->difficulty);
	store_bind_text(q, 9, who);
	store_bind_text(q, 10, inds);
	rc = store_scalar(q, 0, &copy_id, d, "copying the guide");
	free(who);
	free(inds);
	if (rc)
		return rc;
	for (size_t k = 0; k < p->nwho; k++) {
		q = store_query(s, "INSERT INTO pilot(name, origin) VALUES (?, 'guide') "
				   "ON CONFLICT(name) DO UPDATE SET origin = 'guide'");
		store_bind_text(q, 1, p->who[k]);
		if ((rc = store_exec(q, d, "recording the pilots")))
			return rc;
	}
	long long ref = store_referentiel(s);
	for (size_t i = 0; i < res->nperimeters && !rc; i++) {
		store_set_scope(s, res->perimeters[i], ref);
		if (!(rc = track(s, p, copy_id, res, &pid, d)))
			rc = indicator_sync_guide(s, pid, p->idbp, p->indicators, p->nindicators, res->version_id,
						  !res->first, &res->indicators_added, &res->indicators_archived, d);
	}
	return rc;
}

/* The perimeters assessed against the scope's référentiel, into res. The
 * first référentiel of a database is attached to the root on its first
 * import, so that `init`, `guide import`, `assess` work as they always
 * did; later ones wait for `perimeter attach`. */
static steer_rc attached_perimeters(store_t *s, catalog_import_t *res, diag_list_t *d)
{
	store_query_t *q = store_query(s, "INSERT INTO perimeter_guide(perimeter_id, referentiel_id) "
					  "SELECT 1, CAST(?1 AS BIGINT) WHERE NOT EXISTS (SELECT 1 FROM referentiel WHERE id < ?1)");
	store_bind_int(q, 1, store_referentiel(s));
	steer_rc rc = res->first ? store_exec(q, d, "attaching the référentiel") : STEER_OK;
	if (rc)
		return rc;
	q = store_query(s, "SELECT perimeter_id FROM perimeter_guide WHERE referentiel_id = ? ORDER BY perimeter_id");
	store_bind_int(q, 1, store_referentiel(s));
	size_t cap = 0;
	while (store_next(q)) {
		res->perimeters = xgrow(res->perimeters, &cap, res->nperimeters + 1, sizeof *res->perimeters);
		res->perimeters[res->nperimeters++] = store_col_int(q, 0);
	}
	return store_end(q, d, "reading the perimeters");
}

/* Records in every attached perimeter what the diff says of the practices
 * kept (wording changes) and removed (archived). */
static steer_rc record_diff(store_t *s, catalog_import_t *res, diag_list_t *d)
{
	steer_rc rc = STEER_OK;
	long long ref = store_referentiel(s);
	for (size_t k = 0; k < res->nperimeters && !rc; k++) {
		store_set_scope(s, res->perimeters[k], ref);
		for (size_t i = 0; i < res->diff.len && !rc; i++) {
			const catalog_delta_t *x = &res->diff.items[i];
			if (x->old && x->new_) {
				rc = log_changes(s, x, d);
				continue;
			}
			if (!x->old)
				continue;
			store_query_t *q = store_query(s, "UPDATE practice SET removed_version = ? WHERE perimeter_id = ? "
							  "AND referentiel_id = ? AND idbp = ? AND removed_version IS NULL");
			store_bind_int(q, 1, res->version_id);
			store_bind_scope(q, 2);
			store_bind_text(q, 4, x->old->idbp);
			if (!(rc = store_exec(q, d, "archiving a practice"))) {
				buf_t v = BUF_INIT;
				buf_printf(&v, "archived (removed from guide %s)", res->new_c.version);
				rc = store_log(s, x->old->idbp, "practice", "in the guide", buf_cstr(&v), d);
				buf_free(&v);
			}
		}
	}
	return rc;
}

/* The statuses of profile from index `from` on, as the database checks
 * assessments against them (referentiel_status). */
static steer_rc record_statuses(store_t *s, long long rid, const profile_t *profile, size_t from, diag_list_t *d)
{
	steer_rc rc = STEER_OK;
	for (size_t i = from; i < profile->nstatuses && !rc; i++) {
		store_query_t *q = store_query(s, "INSERT INTO referentiel_status(referentiel_id, name, position, justify) "
						  "VALUES (?, ?, ?, ?)");
		store_bind_int(q, 1, rid);
		store_bind_text(q, 2, profile->statuses[i].name);
		store_bind_int(q, 3, (long long)i);
		store_bind_int(q, 4, profile->statuses[i].justify);
		rc = store_exec(q, d, "recording the référentiel's statuses");
	}
	return rc;
}

/* The profile a référentiel is scored with becomes profile, when its
 * statuses keep their names and places (snapshots store the places). */
static steer_rc change_profile(store_t *s, long long rid, const profile_t *profile, diag_list_t *d)
{
	char *stored = NULL;
	store_query_t *q = store_query(s, "SELECT profile FROM referentiel WHERE id = ?");
	store_bind_int(q, 1, rid);
	if (store_next(q))
		stored = store_col_dup(q, 0);
	steer_rc rc = store_end(q, d, "reading the référentiel");
	bool builtin = profile_builtin(profile->id) == profile;
	if (rc || !stored || (builtin && strcmp(stored, profile->id) == 0)) {
		free(stored);
		return rc;
	}
	for (size_t i = 0; i < profile->nstatuses && !rc; i++) {
		long long pos = -1;
		q = store_query(s, "SELECT position FROM referentiel_status WHERE referentiel_id = ? AND name = ?");
		store_bind_int(q, 1, rid);
		store_bind_text(q, 2, profile->statuses[i].name);
		rc = store_scalar(q, -1, &pos, d, "reading the référentiel's statuses");
		if (!rc && pos != (long long)i)
			rc = store_refuse(d, "profile-mismatch",
					  "a new edition may add statuses after the others, never rename or reorder them",
					  "status '%s' of profile '%s' is not where the référentiel's profile '%s' has it",
					  profile->statuses[i].name, profile->id, stored);
	}
	long long known = 0;
	q = store_query(s, "SELECT count(*) FROM referentiel_status WHERE referentiel_id = ?");
	store_bind_int(q, 1, rid);
	if (!rc && !(rc = store_scalar(q, 0, &known, d, "reading the référentiel's statuses")) &&
	    known > (long long)profile->nstatuses)
		rc = store_refuse(d, "profile-mismatch", "keep every status the assessments may have",
				  "profile '%s' has %zu statuses, fewer than the référentiel's profile '%s' (%lld)",
				  profile->id, profile->nstatuses, stored, known);
	if (!rc)
		rc = record_statuses(s, rid, profile, (size_t)known, d);
	buf_t yaml = BUF_INIT;
	if (!rc && !builtin)
		profile_format(profile, &yaml);
	q = store_query(s, "UPDATE referentiel SET profile = ?, profile_yaml = ? WHERE id = ?");
	store_bind_text(q, 1, builtin ? profile->id : "custom");
	store_bind_text(q, 2, builtin ? NULL : buf_cstr(&yaml));
	store_bind_int(q, 3, rid);
	if (!rc && !(rc = store_exec(q, d, "changing the référentiel's profile")))
		rc = store_log(s, NULL, "profile", stored, builtin ? profile->id : "custom", d);
	buf_free(&yaml);
	free(stored);
	return rc;
}

static steer_rc import_catalog(store_t *s, const char *slug, const profile_t *profile, const char *source,
			       catalog_import_t *res, diag_list_t *d);

steer_rc catalog_import(store_t *s, const guide_t *g, const char *slug, const profile_t *profile,
			const char *source, catalog_import_t *res, diag_list_t *d)
{
	memset(res, 0, sizeof *res);
	catalog_from_guide(g, &res->new_c);
	return import_catalog(s, slug, profile, source, res, d);
}

steer_rc catalog_import_referentiel(store_t *s, const referentiel_t *r, const char *slug, const profile_t *profile,
				    const char *source, catalog_import_t *res, diag_list_t *d)
{
	memset(res, 0, sizeof *res);
	catalog_from_referentiel(r, &res->new_c);
	return import_catalog(s, slug, profile, source, res, d);
}

/* The import of res->new_c as the new version of référentiel slug. */
static steer_rc import_catalog(store_t *s, const char *slug, const profile_t *profile, const char *source,
			       catalog_import_t *res, diag_list_t *d)
{
	steer_rc rc;
	long long current, rid;
	bool created;
	char at[21];
	res->profile = profile;
	if ((rc = store_require_tx(s, d)) || (rc = catalog_referentiel(s, slug, profile, &rid, &created, d)))
		return rc;
	store_set_scope(s, 1, rid);
	store_set_profile(s, profile, NULL);
	if ((rc = store_current_version(s, &current, NULL, d)))
		return rc;
	if (res->new_c.len == 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, source, 0, 0, "empty-guide", "the guide has no practice sheets");
		diag_hint(x, "a practice sheet is a Markdown page with 'idbp', 'priority' and 'eleventyNavigation.parent'");
		return STEER_REFUSED;
	}
	if (!created && (rc = change_profile(s, rid, profile, d)))
		return rc;
	res->first = current == 0;
	if (current && (rc = catalog_load(s, current, &res->old_c, d)))
		return rc;
	if (!current) {
		res->old_c.version = xstrdup("");
		res->old_c.title = xstrdup("");
	}
	catalog_diff(&res->old_c, &res->new_c, &res->diff);
	if (current && !res->diff.added && !res->diff.removed && !res->diff.changed &&
	    strcmp(res->old_c.version, res->new_c.version) == 0 && strcmp(res->old_c.title, res->new_c.title) == 0) {
		res->unchanged = true;
		res->version_id = current;
		return STEER_OK;
	}
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "INSERT INTO guide_version(version, title, source, imported_at, imported_by, "
					  "referentiel_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	store_bind_int(q, 6, store_referentiel(s));
	store_bind_text(q, 1, res->new_c.version);
	store_bind_text(q, 2, res->new_c.title);
	store_bind_text(q, 3, source ? source : "");
	store_bind_text(q, 4, at);
	store_bind_text(q, 5, store_actor(s));
	if ((rc = store_scalar(q, 0, &res->version_id, d, "recording the guide version")))
		return rc;
	long long scope_perimeter = store_perimeter(s), ref = store_referentiel(s);
	rc = attached_perimeters(s, res, d);
	for (size_t i = 0; i < res->new_c.len && !rc; i++)
		rc = import_practice(s, &res->new_c.items[i], i, res, d);
	if (!rc)
		rc = record_diff(s, res, d);
	store_set_scope(s, scope_perimeter, ref);
	if (!rc) {
		buf_t v = BUF_INIT;
		buf_printf(&v, "%s (%zu practices, from %s)", res->new_c.version, res->new_c.len, source ? source : "?");
		rc = store_log(s, NULL, "guide version", res->first ? NULL : res->old_c.version, buf_cstr(&v), d);
		buf_free(&v);
	}
	return rc;
}

steer_rc catalog_attach(store_t *s, long long perimeter_id, const profile_t *profile, diag_list_t *d)
{
	catalog_import_t res;
	long long ref = store_referentiel(s), scope_perimeter = store_perimeter(s), pid;
	memset(&res, 0, sizeof res);
	res.profile = profile;
	res.first = true;
	steer_rc rc = store_require_version(s, &res.version_id, d);
	if (!rc)
		rc = catalog_load(s, res.version_id, &res.new_c, d);
	bool loaded = !rc; /* catalog_load frees what it read when it fails */
	store_set_scope(s, perimeter_id, ref);
	for (size_t i = 0; i < res.new_c.len && !rc; i++) {
		const catalog_practice_t *p = &res.new_c.items[i];
		long long copy_id;
		store_query_t *q = store_query(s, "SELECT id FROM practice_copy WHERE version_id = ? AND idbp = ?");
		store_bind_int(q, 1, res.version_id);
		store_bind_text(q, 2, p->idbp);
		if (!(rc = store_scalar(q, 0, &copy_id, d, "reading the guide")) &&
		    !(rc = track(s, p, copy_id, &res, &pid, d)))
			rc = indicator_sync_guide(s, pid, p->idbp, p->indicators, p->nindicators, res.version_id, false,
						  &res.indicators_added, &res.indicators_archived, d);
	}
	store_set_scope(s, scope_perimeter, ref);
	if (loaded)
		catalog_free(&res.new_c);
	return rc;
}

steer_rc catalog_referentiel(store_t *s, const char *slug, const profile_t *profile, long long *id,
			       bool *created, diag_list_t *d)
{
	*created = false;
	store_query_t *q = store_query(s, "SELECT id FROM referentiel WHERE lower(slug) = lower(?)");
	store_bind_text(q, 1, slug);
	steer_rc rc = store_scalar(q, 0, id, d, "finding the référentiel");
	if (rc || *id || !profile)
		return rc;
	char at[21];
	store_timestamp(s, at);
	bool builtin = profile_builtin(profile->id) == profile;
	buf_t yaml = BUF_INIT;
	if (!builtin)
		profile_format(profile, &yaml);
	q = store_query(s, "INSERT INTO referentiel(slug, profile, profile_yaml, created_at) "
					  "VALUES (?, ?, ?, ?) RETURNING id");
	store_bind_text(q, 1, slug);
	store_bind_text(q, 2, builtin ? profile->id : "custom");
	store_bind_text(q, 3, builtin ? NULL : buf_cstr(&yaml));
	store_bind_text(q, 4, at);
	rc = store_scalar(q, 0, id, d, "recording the référentiel");
	buf_free(&yaml);
	if (!rc)
		rc = record_statuses(s, *id, profile, 0, d);
	*created = !rc;
	return rc;
}

/* --- pilots ----------------------------------------------------------- */

steer_rc catalog_pilots(store_t *s, char ***names, size_t *n, diag_list_t *d)
{
	*names = NULL;
	*n = 0;
	size_t cap = 0;
	store_query_t *q = store_query(s, "SELECT name FROM pilot ORDER BY origin = 'custom', name");
	while (store_next(q)) {
		*names = xgrow(*names, &cap, *n + 1, sizeof **names);
		(*names)[(*n)++] = store_col_dup(q, 0);
	}
	return store_end(q, d, "reading the pilots");
}

steer_rc catalog_custom_pilot(store_t *s, const char *name, long long *id, diag_list_t *d)
{
	/* DO UPDATE rather than DO NOTHING: RETURNING then gives the id of a
	 * name already there too. pilot.name, the row's own: a bare name could
	 * also be excluded.name for PostgreSQL, which refuses it. */
	store_query_t *q = store_query(s, "INSERT INTO pilot(name, origin) VALUES (?, 'custom') "
					  "ON CONFLICT(name) DO UPDATE SET name = pilot.name RETURNING id");
	store_bind_text(q, 1, name);
	return store_scalar(q, 0, id, d, "recording the pilot function");
}

void catalog_versions_free(catalog_versions_t *v)
{
	for (size_t i = 0; i < v->len; i++) {
		catalog_version_t *x = &v->items[i];
		free(x->version);
		free(x->title);
		free(x->source);
		free(x->imported_at);
		free(x->imported_by);
		free(x->guide);
	}
	free(v->items);
	memset(v, 0, sizeof *v);
}

steer_rc catalog_versions(store_t *s, catalog_versions_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	/* Every référentiel's, the first imported first; the latest of each is
	 * its current one. */
	store_query_t *q = store_query(s, "SELECT v.version, v.title, v.source, v.imported_at, v.imported_by, "
					  "(SELECT count(*) FROM practice_copy c WHERE c.version_id = v.id), r.slug, "
					  "v.id = (SELECT max(id) FROM guide_version WHERE referentiel_id = r.id) "
					  "FROM guide_version v JOIN referentiel r ON r.id = v.referentiel_id ORDER BY r.id, v.id");
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		catalog_version_t *x = &out->items[out->len];
		x->version = store_col_dup(q, 0);
		x->title = store_col_dup(q, 1);
		x->source = store_col_dup(q, 2);
		x->imported_at = store_col_dup(q, 3);
		x->imported_by = store_col_dup(q, 4);
		x->practices = (size_t)store_col_int(q, 5);
		x->guide = store_col_dup(q, 6);
		x->current = store_col_int(q, 7) != 0;
		out->nguides += !out->len || strcmp(out->items[out->len - 1].guide, x->guide) != 0;
		out->len++;
	}
	if ((rc = store_end(q, d, "reading the guide versions")))
		catalog_versions_free(out);
	return rc;
}
