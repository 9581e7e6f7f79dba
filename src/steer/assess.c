/* assess: validating and saving assessments, reading them back. Input is
 * checked completely before the first write, so a refused change leaves
 * nothing to roll back in practice (the caller still rolls back). */
#include "steer/assess.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "steer/catalog.h"
#include "steer/input.h"
#include "util/suggest.h"
#include "util/xalloc.h"

static steer_rc refuse(diag_list_t *d, const char *rule, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static steer_rc refuse(diag_list_t *d, const char *rule, const char *hint, const char *fmt, ...)
{
	va_list ap;
	buf_t msg = BUF_INIT;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, rule, "%s", buf_cstr(&msg));
	if (hint)
		diag_hint(x, "%s", hint);
	buf_free(&msg);
	return STEER_REFUSED;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* "" and white space clear a field. */
static char *optional(const char *s)
{
	char *t = input_trim(s);
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}

/* The canonical pilot for typed input: a known one (folded match), or a
 * new custom one; refuses a likely typo unless custom is set. */
static steer_rc resolve_pilot(store_t *s, const char *typed, bool custom, char **out, diag_list_t *d)
{
	char **names = NULL;
	size_t n = 0;
	steer_rc rc;
	buf_t key = BUF_INIT;
	char **keys = NULL;
	*out = NULL;
	const char *why = input_text_problem(typed, INPUT_MAX_NAME, false);
	if (why)
		return refuse(d, "bad-pilot", NULL, "the pilot function %s", why);
	if ((rc = catalog_pilots(s, &names, &n, d)))
		goto cleanup;
	input_fold(typed, &key);
	keys = xcalloc(n + 1, sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		buf_t k = BUF_INIT;
		input_fold(names[i], &k);
		keys[i] = buf_detach(&k);
		if (!*out && strcmp(keys[i], buf_cstr(&key)) == 0)
			*out = xstrdup(names[i]);
	}
	if (*out || custom)
		goto cleanup;
	const char *best = suggest_closest(buf_cstr(&key), (const char *const *)keys, n);
	if (best) {
		buf_t hint = BUF_INIT;
		for (size_t i = 0; i < n; i++)
			if (keys[i] == best)
				buf_printf(&hint, "did you mean '%s'? (to create a new pilot function with this "
						  "name anyway: sobre assess ID --pilot P --custom-pilot)", names[i]);
		rc = refuse(d, "unknown-pilot", buf_cstr(&hint), "'%s' is not a known pilot function", typed);
		buf_free(&hint);
	}
cleanup:
	if (!rc && !*out)
		*out = input_trim(typed);
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		if (keys)
			free(keys[i]);
	}
	free(names);
	free(keys);
	buf_free(&key);
	return rc;
}

static steer_rc pilot_id(store_t *s, const char *name, long long *id, diag_list_t *d)
{
	*id = 0;
	if (!name)
		return STEER_OK;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO pilot(name, origin) VALUES (?, 'custom') "
					 "ON CONFLICT(name) DO UPDATE SET name = name RETURNING id");
	if (!st)
		return store_fail(s, d, "recording the pilot function");
	store_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, d, "recording the pilot function");
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STEER_OK;
}

typedef struct {
	char *status, *pilot, *owner, *due, *comment;
} fields_t;

static void fields_free(fields_t *f)
{
	free(f->status);
	free(f->pilot);
	free(f->owner);
	free(f->due);
	free(f->comment);
}

static steer_rc load_fields(store_t *s, long long pid, fields_t *f, diag_list_t *d)
{
	memset(f, 0, sizeof *f);
	sqlite3_stmt *st = store_stmt(s, "SELECT p.status, l.name, p.owner, p.due, p.comment FROM practice p "
					 "LEFT JOIN pilot l ON l.id = p.pilot_id WHERE p.id = ?");
	if (!st)
		return store_fail(s, d, "reading the assessment");
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, d, "reading the assessment");
	f->status = store_col_dup(st, 0);
	f->pilot = store_col_dup(st, 1);
	f->owner = store_col_dup(st, 2);
	f->due = store_col_dup(st, 3);
	f->comment = store_col_dup(st, 4);
	sqlite3_reset(st);
	return STEER_OK;
}

/* Validates every member of c into the new field values. */
/* Every field is checked even after one is refused, so that a form (or a
 * command line) shows all its problems at once; STEER_IO stops at once. */
static steer_rc validate(store_t *s, const assess_change_t *c, const fields_t *old, fields_t *nw, diag_list_t *d)
{
	steer_rc rc = STEER_OK;
	const char *why;
	bool status_ok = true;
	nw->status = xstrdup(old->status);
	nw->pilot = old->pilot ? xstrdup(old->pilot) : NULL;
	nw->owner = old->owner ? xstrdup(old->owner) : NULL;
	nw->due = old->due ? xstrdup(old->due) : NULL;
	nw->comment = old->comment ? xstrdup(old->comment) : NULL;
	if (c->status) {
		const char *sugg;
		int st = status_parse(c->status, &sugg);
		if (st < 0) {
			buf_t hint = BUF_INIT;
			if (sugg)
				buf_printf(&hint, "did you mean '%s'? ", sugg);
			buf_printf(&hint, "the statuses are: %s (accents and case optional)", status_list_text());
			rc = refuse(d, "bad-status", buf_cstr(&hint), "'%s' is not a status", c->status);
			buf_free(&hint);
			status_ok = false;
		} else {
			free(nw->status);
			nw->status = xstrdup(status_name((status_t)st));
		}
	}
	if (c->pilot) {
		free(nw->pilot);
		nw->pilot = NULL;
		char *t = optional(c->pilot);
		steer_rc r = t ? resolve_pilot(s, t, c->custom_pilot, &nw->pilot, d) : STEER_OK;
		free(t);
		if (r == STEER_IO)
			return r;
		if (r)
			rc = r;
	}
	if (c->owner) {
		free(nw->owner);
		nw->owner = optional(c->owner);
		if (nw->owner && (why = input_text_problem(nw->owner, INPUT_MAX_NAME, false)))
			rc = refuse(d, "bad-owner", NULL, "the owner %s", why);
		else if (nw->owner && strchr(nw->owner, '@') && !input_email(nw->owner))
			rc = refuse(d, "bad-owner", "give a name, or an e-mail address like prenom.nom@example.fr",
				    "'%s' is not a valid e-mail address", nw->owner);
	}
	if (c->due) {
		free(nw->due);
		nw->due = optional(c->due);
		char iso[11];
		if (nw->due && !input_date(nw->due, iso)) {
			rc = refuse(d, "bad-date", "write dates as YYYY-MM-DD (or DD/MM/YYYY), e.g. 2026-06-30",
				    "the due date '%s' is not a valid date", nw->due);
		} else if (nw->due) {
			free(nw->due);
			nw->due = xstrdup(iso);
		}
	}
	bool comment_ok = true;
	if (c->comment) {
		free(nw->comment);
		nw->comment = optional(c->comment);
		if (nw->comment && (why = input_text_problem(nw->comment, INPUT_MAX_TEXT, true))) {
			rc = refuse(d, "bad-comment", NULL, "the comment %s", why);
			comment_ok = false;
		}
	}
	if (status_ok && comment_ok && strcmp(nw->status, "non concernée") == 0 && !nw->comment)
		rc = refuse(d, "justification-required",
			    "say why the practice does not apply to the organisation, e.g. --comment \"pas de salle serveur\"",
			    c->comment && strcmp(old->status, "non concernée") == 0
				    ? "the comment of a practice marked 'non concernée' is its justification: it cannot be empty"
				    : "'non concernée' needs a justification in the comment");
	for (size_t i = 0; i < c->nadd; i++) {
		/* Said apart: input_url refuses a long link as it refuses a bad one. */
		if (strlen(c->add_evidence[i]) > INPUT_MAX_URL)
			rc = refuse(d, "bad-url", "link the document or page itself, not a search or tracking address",
				    "an evidence link is longer than %d bytes", INPUT_MAX_URL);
		else if (!input_url(c->add_evidence[i]))
			rc = refuse(d, "bad-url", "evidence is a link to a document or page: http://... or https://...",
				    "'%s' is not an http(s) URL", c->add_evidence[i]);
	}
	return rc;
}

static steer_rc evidence_changes(store_t *s, const catalog_ref_t *ref, const assess_change_t *c, size_t *changed,
				 diag_list_t *d)
{
	char at[21];
	store_timestamp(s, at);
	for (size_t i = 0; i < c->nremove; i++) {
		sqlite3_stmt *st = store_stmt(s, "DELETE FROM evidence WHERE practice_id = ? AND url = ?");
		if (!st)
			return store_fail(s, d, "removing evidence");
		sqlite3_bind_int64(st, 1, ref->id);
		store_bind_text(st, 2, c->remove_evidence[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			return store_fail(s, d, "removing evidence");
		if (sqlite3_changes(sqlite3_db_handle(st)) == 0)
			return refuse(d, "unknown-evidence", "see the links with: sobre show ID",
				      "practice %s has no evidence link '%s'", ref->idbp, c->remove_evidence[i]);
		(*changed)++;
		steer_rc rc = store_log(s, ref->idbp, "evidence", c->remove_evidence[i], NULL, d);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < c->nadd; i++) {
		sqlite3_stmt *st = store_stmt(s, "INSERT OR IGNORE INTO evidence(practice_id, url, added_at) VALUES (?, ?, ?)");
		if (!st)
			return store_fail(s, d, "adding evidence");
		sqlite3_bind_int64(st, 1, ref->id);
		store_bind_text(st, 2, c->add_evidence[i]);
		store_bind_text(st, 3, at);
		if (sqlite3_step(st) != SQLITE_DONE)
			return store_fail(s, d, "adding evidence");
		if (sqlite3_changes(sqlite3_db_handle(st)) == 0)
			continue;
		(*changed)++;
		steer_rc rc = store_log(s, ref->idbp, "evidence", NULL, c->add_evidence[i], d);
		if (rc)
			return rc;
	}
	if (c->nadd) {
		sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM evidence WHERE practice_id = ?");
		if (!st)
			return store_fail(s, d, "counting evidence");
		sqlite3_bind_int64(st, 1, ref->id);
		long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (n > ASSESS_MAX_EVIDENCE)
			return refuse(d, "too-much-evidence", "link one document that lists them instead",
				      "practice %s would have %lld evidence links; the limit is %d", ref->idbp, n,
				      ASSESS_MAX_EVIDENCE);
	}
	return STEER_OK;
}

steer_rc assess_set(store_t *s, const char *idbp, const assess_change_t *c, size_t *changed_out, diag_list_t *d)
{
	catalog_ref_t ref;
	fields_t old, nw;
	size_t changed = 0;
	steer_rc rc;
	memset(&old, 0, sizeof old);
	memset(&nw, 0, sizeof nw);
	if ((rc = store_require_tx(s, d)) || (rc = catalog_find(s, idbp, false, &ref, d)) ||
	    (rc = load_fields(s, ref.id, &old, d)) || (rc = validate(s, c, &old, &nw, d)))
		goto cleanup;
	static const char *const labels[5] = {"status", "pilot", "owner", "due", "comment"};
	const char *const olds[5] = {old.status, old.pilot, old.owner, old.due, old.comment};
	const char *const news[5] = {nw.status, nw.pilot, nw.owner, nw.due, nw.comment};
	for (int i = 0; i < 5; i++)
		if (!same(olds[i], news[i])) {
			changed++;
			if ((rc = store_log(s, ref.idbp, labels[i], olds[i], news[i], d)))
				goto cleanup;
		}
	if (changed) {
		long long pid;
		char at[21];
		if ((rc = pilot_id(s, nw.pilot, &pid, d)))
			goto cleanup;
		store_timestamp(s, at);
		sqlite3_stmt *st = store_stmt(s, "UPDATE practice SET status = ?, pilot_id = ?, owner = ?, due = ?, "
						 "comment = ?, updated_at = ?, updated_by = ? WHERE id = ?");
		if (st) {
			store_bind_text(st, 1, nw.status);
			if (pid)
				sqlite3_bind_int64(st, 2, pid);
			store_bind_text(st, 3, nw.owner);
			store_bind_text(st, 4, nw.due);
			store_bind_text(st, 5, nw.comment);
			store_bind_text(st, 6, at);
			store_bind_text(st, 7, store_actor(s));
			sqlite3_bind_int64(st, 8, ref.id);
		}
		if (!st || sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, d, "saving the assessment");
			goto cleanup;
		}
	}
	rc = evidence_changes(s, &ref, c, &changed, d);
cleanup:
	fields_free(&old);
	fields_free(&nw);
	if (changed_out)
		*changed_out = rc ? 0 : changed;
	return rc;
}

void history_list_free(history_list_t *l)
{
	for (size_t i = 0; i < l->len; i++) {
		history_entry_t *h = &l->items[i];
		free(h->at);
		free(h->actor);
		free(h->idbp);
		free(h->field);
		free(h->old_value);
		free(h->new_value);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

steer_rc assess_history(store_t *s, const char *idbp, size_t limit, history_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	catalog_ref_t ref;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)))
		return rc;
	if (idbp && (rc = catalog_find(s, idbp, true, &ref, d)))
		return rc;
	/* The last `limit` rows, returned oldest first. */
	sqlite3_stmt *st = idbp ? store_stmt(s, "SELECT * FROM (SELECT id, at, actor, idbp, field, old, new FROM history "
						"WHERE idbp = ? ORDER BY id DESC LIMIT ?) ORDER BY id")
				: store_stmt(s, "SELECT * FROM (SELECT id, at, actor, idbp, field, old, new FROM history "
						"ORDER BY id DESC LIMIT ?) ORDER BY id");
	if (!st)
		return store_fail(s, d, "reading the history");
	int k = 1;
	if (idbp)
		store_bind_text(st, k++, ref.idbp);
	sqlite3_bind_int64(st, k, limit ? (sqlite3_int64)limit : -1);
	size_t cap = 0;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		history_entry_t *h = &out->items[out->len++];
		h->at = store_col_dup(st, 1);
		h->actor = store_col_dup(st, 2);
		h->idbp = store_col_dup(st, 3);
		h->field = store_col_dup(st, 4);
		h->old_value = store_col_dup(st, 5);
		h->new_value = store_col_dup(st, 6);
	}
	if (r != SQLITE_DONE) {
		history_list_free(out);
		return store_fail(s, d, "reading the history");
	}
	return STEER_OK;
}

void assessment_free(assessment_t *a)
{
	free(a->idbp);
	free(a->title);
	free(a->theme_id);
	free(a->theme_title);
	free(a->priority);
	free(a->difficulty);
	for (size_t i = 0; i < a->nwho; i++)
		free(a->who[i]);
	free(a->who);
	free(a->guide_version);
	free(a->archived_in);
	free(a->pilot);
	free(a->owner);
	free(a->due);
	free(a->comment);
	free(a->updated_at);
	free(a->updated_by);
	for (size_t i = 0; i < a->nevidence; i++)
		free(a->evidence[i]);
	free(a->evidence);
	history_list_free(&a->history);
	memset(a, 0, sizeof *a);
}

steer_rc assess_get(store_t *s, const char *idbp, size_t history_limit, assessment_t *out, diag_list_t *d)
{
	catalog_ref_t ref;
	steer_rc rc;
	long long current;
	char today[11];
	memset(out, 0, sizeof *out);
	if ((rc = store_require_tx(s, d)) || (rc = catalog_find(s, idbp, true, &ref, d)) ||
	    (rc = store_require_version(s, &current, d)))
		return rc;
	sqlite3_stmt *st = store_stmt(
		s, "SELECT c.idbp, c.title, c.theme_id, c.theme_title, c.priority, c.difficulty, c.who, v.version, "
		   "p.added_version = ? AND p.added_version <> (SELECT min(id) FROM guide_version), rv.version, "
		   "p.status, l.name, p.owner, p.due, p.comment, p.updated_at, p.updated_by "
		   "FROM practice p JOIN practice_copy c ON c.id = p.copy_id JOIN guide_version v ON v.id = c.version_id "
		   "LEFT JOIN guide_version rv ON rv.id = p.removed_version LEFT JOIN pilot l ON l.id = p.pilot_id "
		   "WHERE p.id = ?");
	if (!st)
		return store_fail(s, d, "reading the practice");
	sqlite3_bind_int64(st, 1, current);
	sqlite3_bind_int64(st, 2, ref.id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return store_fail(s, d, "reading the practice");
	out->idbp = store_col_dup(st, 0);
	out->title = store_col_dup(st, 1);
	out->theme_id = store_col_dup(st, 2);
	out->theme_title = store_col_dup(st, 3);
	out->priority = store_col_dup(st, 4);
	out->difficulty = store_col_dup(st, 5);
	json_t *who = json_loads(store_col_text(st, 6), 0, NULL);
	out->who = xcalloc(json_array_size(who) + 1, sizeof *out->who);
	for (size_t i = 0; i < json_array_size(who); i++)
		if (json_string_value(json_array_get(who, i)))
			out->who[out->nwho++] = xstrdup(json_string_value(json_array_get(who, i)));
	json_decref(who);
	out->guide_version = store_col_dup(st, 7);
	out->is_new = sqlite3_column_int(st, 8) != 0;
	out->archived_in = store_col_dup(st, 9);
	out->archived = out->archived_in != NULL;
	int status = status_from_name(store_col_text(st, 10));
	out->status = status < 0 ? STATUS_NOT_ASSESSED : (status_t)status;
	out->pilot = store_col_dup(st, 11);
	out->owner = store_col_dup(st, 12);
	out->due = store_col_dup(st, 13);
	out->comment = store_col_dup(st, 14);
	out->updated_at = store_col_dup(st, 15);
	out->updated_by = store_col_dup(st, 16);
	sqlite3_reset(st);
	store_today(s, today);
	out->overdue = out->due && strcmp(out->due, today) < 0 && out->status != STATUS_DONE &&
		       out->status != STATUS_NOT_APPLICABLE;
	st = store_stmt(s, "SELECT url FROM evidence WHERE practice_id = ? ORDER BY added_at, url");
	if (!st) {
		assessment_free(out);
		return store_fail(s, d, "reading the evidence");
	}
	sqlite3_bind_int64(st, 1, ref.id);
	size_t cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		out->evidence = xgrow(out->evidence, &cap, out->nevidence + 1, sizeof *out->evidence);
		out->evidence[out->nevidence++] = store_col_dup(st, 0);
	}
	if ((rc = assess_history(s, ref.idbp, history_limit, &out->history, d)))
		assessment_free(out);
	return rc;
}
