/* assess: validating and saving assessments, reading them back. Input is
 * checked completely before the first write, so a refused change leaves
 * nothing to roll back in practice (the caller still rolls back). */
#include "steer/assess.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "steer/catalog.h"
#include "steer/input.h"
#include "steer/practice.h"
#include "util/fold.h"
#include "util/suggest.h"
#include "util/xalloc.h"

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
		return store_refuse(d, "bad-pilot", NULL, "the pilot function %s", why);
	if ((rc = catalog_pilots(s, &names, &n, d)))
		goto cleanup;
	fold_key(typed, &key);
	keys = xcalloc(n + 1, sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		buf_t k = BUF_INIT;
		fold_key(names[i], &k);
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
		rc = store_refuse(d, "unknown-pilot", buf_cstr(&hint), "'%s' is not a known pilot function", typed);
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

/* The means are logged and compared in their canonical text
 * (input_hundredths_text) and written as whole hundredths. */
typedef struct {
	char *status, *pilot, *owner, *due, *comment, *budget, *staff;
} fields_t;

static void fields_free(fields_t *f)
{
	free(f->status);
	free(f->pilot);
	free(f->owner);
	free(f->due);
	free(f->comment);
	free(f->budget);
	free(f->staff);
}

static char *hundredths_dup(const store_query_t *q, int col)
{
	if (store_col_null(q, col))
		return NULL;
	buf_t b = BUF_INIT;
	input_hundredths_text(store_col_int(q, col), &b);
	return buf_detach(&b);
}

static steer_rc load_fields(store_t *s, long long pid, fields_t *f, diag_list_t *d)
{
	memset(f, 0, sizeof *f);
	store_query_t *q = store_query(s, "SELECT p.status, l.name, p.owner, p.due, p.comment, p.budget, p.staff "
					  "FROM practice p LEFT JOIN pilot l ON l.id = p.pilot_id WHERE p.id = ?");
	store_bind_int(q, 1, pid);
	bool found = store_next(q);
	if (found) {
		f->status = store_col_dup(q, 0);
		f->pilot = store_col_dup(q, 1);
		f->owner = store_col_dup(q, 2);
		f->due = store_col_dup(q, 3);
		f->comment = store_col_dup(q, 4);
		f->budget = hundredths_dup(q, 5);
		f->staff = hundredths_dup(q, 6);
	}
	steer_rc rc = store_end(q, d, "reading the assessment");
	if (!rc && !found) {
		diag_add(d, DIAG_ERROR, store_name(s), 0, 0, STORE_CAUSE_OTHER, "reading the assessment failed: no row");
		rc = STEER_IO;
	}
	return rc;
}

/* Refuses a change prepared against row version `expected` of the
 * practice unless it is still the current one, naming the last change of
 * its assessment. */
static steer_rc check_version(store_t *s, const practice_ref_t *ref, long long expected, diag_list_t *d)
{
	char *at = NULL, *actor = NULL;
	long long current;
	store_query_t *q = store_query(s, "SELECT row_version FROM practice WHERE id = ?");
	store_bind_int(q, 1, ref->id);
	steer_rc rc = store_scalar(q, -1, &current, d, "reading the assessment");
	if (rc || current == expected)
		return rc;
	/* The fields whose changes move the row version (its triggers). */
	q = store_query(s, "SELECT at, actor FROM history WHERE perimeter_id = ? AND referentiel_id = ? AND idbp = ? "
			   "AND field IN ('status', 'pilot', 'owner', 'due', 'comment', 'budget', 'staff', 'evidence') "
			   "ORDER BY id DESC LIMIT 1");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, ref->idbp);
	if (store_next(q)) {
		at = store_col_dup(q, 0);
		actor = store_col_dup(q, 1);
	}
	rc = store_end(q, d, "reading the history");
	if (!rc) {
		buf_t hint = BUF_INIT;
		buf_printf(&hint, "nothing was saved: read it again (sobre show %s) and redo the change on version %lld "
				  "(--if-version %lld)", ref->idbp, current, current);
		rc = store_refuse(d, ASSESS_STALE_RULE, buf_cstr(&hint), "practice %s is at version %lld, not %lld%s%s%s%s",
				  ref->idbp, current, expected, actor ? ": last changed by " : "", actor ? actor : "",
				  at ? " at " : "", at ? at : "");
		buf_free(&hint);
	}
	free(at);
	free(actor);
	return rc;
}

bool assess_is_stale(const diag_list_t *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].rule && strcmp(d->items[i].rule, ASSESS_STALE_RULE) == 0)
			return true;
	return false;
}

/* Validates every member of c into the new field values. */
/* Every field is checked even after one is refused, so that a form (or a
 * command line) shows all its problems at once; STEER_IO stops at once. */
/* Refuses "not applicable" on an item its référentiel says applies to
 * every service (the RGESN 2024's cible "Applicable à tous les services"). */
static steer_rc check_applicable(store_t *s, const practice_ref_t *ref, const char *status, diag_list_t *d)
{
	const profile_t *p = store_profile(s);
	int na = profile_not_applicable(p);
	if (na < 0 || strcmp(status, status_name(p, na)) != 0)
		return STEER_OK;
	long long always = 0;
	store_query_t *q = store_query(s, "SELECT always_applicable FROM practice_copy WHERE id = ?");
	store_bind_int(q, 1, ref->copy_id);
	steer_rc rc = store_scalar(q, 0, &always, d, "reading the item");
	if (!rc && always)
		rc = store_refuse(d, "always-applicable", "assess it: every service is expected to meet it",
				  "%s applies to every service: it cannot be '%s'", ref->idbp, status_name(p, na));
	return rc;
}

bool assess_means(const char *typed, bool money, char **field, diag_list_t *d)
{
	if (!typed)
		return true;
	free(*field);
	*field = optional(typed);
	if (!*field)
		return true;
	long long v;
	const char *why = money ? input_budget(*field, &v) : input_staff(*field, &v);
	if (why) {
		store_refuse(d, money ? "bad-budget" : "bad-staff",
			     money ? "give euros, e.g. 1500 or 12 500,50" : "give person-days, e.g. 3 or 2,5", "the %s '%s' %s",
			     money ? "budget" : "staff", *field, why);
		return false;
	}
	buf_t b = BUF_INIT;
	input_hundredths_text(v, &b);
	free(*field);
	*field = buf_detach(&b);
	return true;
}

static steer_rc validate(store_t *s, const practice_ref_t *ref, const assess_change_t *c, const fields_t *old,
			 fields_t *nw, diag_list_t *d)
{
	const profile_t *p = store_profile(s);
	int na = profile_not_applicable(p);
	const char *na_name = na >= 0 ? status_name(p, na) : "";
	bool justify = na >= 0 && p->statuses[na].justify;
	steer_rc rc = STEER_OK;
	const char *why;
	bool status_ok = true;
	nw->status = xstrdup(old->status);
	nw->pilot = old->pilot ? xstrdup(old->pilot) : NULL;
	nw->owner = old->owner ? xstrdup(old->owner) : NULL;
	nw->due = old->due ? xstrdup(old->due) : NULL;
	nw->comment = old->comment ? xstrdup(old->comment) : NULL;
	nw->budget = old->budget ? xstrdup(old->budget) : NULL;
	nw->staff = old->staff ? xstrdup(old->staff) : NULL;
	if (!assess_means(c->budget, true, &nw->budget, d))
		rc = STEER_REFUSED;
	if (!assess_means(c->staff, false, &nw->staff, d))
		rc = STEER_REFUSED;
	if (c->status) {
		const char *sugg;
		int st = status_parse(p, c->status, &sugg);
		if (st < 0) {
			buf_t hint = BUF_INIT;
			if (sugg)
				buf_printf(&hint, "did you mean '%s'? ", sugg);
			buf_puts(&hint, "the statuses are: ");
			status_list_text(p, &hint);
			buf_puts(&hint, " (accents and case optional)");
			rc = store_refuse(d, "bad-status", buf_cstr(&hint), "'%s' is not a status", c->status);
			buf_free(&hint);
			status_ok = false;
		} else {
			free(nw->status);
			nw->status = xstrdup(status_name(p, st));
			steer_rc r = check_applicable(s, ref, nw->status, d);
			if (r == STEER_IO)
				return r;
			if (r) {
				rc = r;
				status_ok = false;
			}
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
			rc = store_refuse(d, "bad-owner", NULL, "the owner %s", why);
		else if (nw->owner && strchr(nw->owner, '@') && !input_email(nw->owner))
			rc = store_refuse(d, "bad-owner", "give a name, or an e-mail address like prenom.nom@example.fr",
				    "'%s' is not a valid e-mail address", nw->owner);
	}
	if (c->due) {
		free(nw->due);
		nw->due = optional(c->due);
		char iso[11];
		if (nw->due && !input_date(nw->due, iso)) {
			rc = store_refuse(d, "bad-date", "write dates as YYYY-MM-DD (or DD/MM/YYYY), e.g. 2026-06-30",
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
			rc = store_refuse(d, "bad-comment", NULL, "the comment %s", why);
			comment_ok = false;
		}
	}
	if (status_ok && comment_ok && justify && strcmp(nw->status, na_name) == 0 && !nw->comment) {
		buf_t msg = BUF_INIT;
		if (c->comment && strcmp(old->status, na_name) == 0)
			buf_printf(&msg, "the comment of %s marked '%s' is its justification: it cannot be empty",
				   strcmp(p->id, "gbpnr") == 0 ? "a practice" : "an item", na_name);
		else
			buf_printf(&msg, "'%s' needs a justification in the comment", na_name);
		rc = store_refuse(d, "justification-required",
				  strcmp(p->id, "gbpnr") == 0
					  ? "say why the practice does not apply to the organisation, e.g. --comment \"pas de salle serveur\""
					  : "say why it does not apply, e.g. --comment \"pas de formulaire\"",
				  "%s", buf_cstr(&msg));
		buf_free(&msg);
	}
	for (size_t i = 0; i < c->nadd; i++) {
		/* Said apart: input_url refuses a long link as it refuses a bad one. */
		if (strlen(c->add_evidence[i]) > INPUT_MAX_URL)
			rc = store_refuse(d, "bad-url", "link the document or page itself, not a search or tracking address",
				    "an evidence link is longer than %d bytes", INPUT_MAX_URL);
		else if (!input_url(c->add_evidence[i]))
			rc = store_refuse(d, "bad-url", "evidence is a link to a document or page: http://... or https://...",
				    "'%s' is not an http(s) URL", c->add_evidence[i]);
	}
	return rc;
}

static steer_rc evidence_changes(store_t *s, const practice_ref_t *ref, const assess_change_t *c, size_t *changed,
				 diag_list_t *d)
{
	char at[21];
	steer_rc rc;
	store_timestamp(s, at);
	for (size_t i = 0; i < c->nremove; i++) {
		store_query_t *q = store_query(s, "DELETE FROM evidence WHERE practice_id = ? AND url = ?");
		store_bind_int(q, 1, ref->id);
		store_bind_text(q, 2, c->remove_evidence[i]);
		if ((rc = store_exec(q, d, "removing evidence")))
			return rc;
		if (store_changes(s) == 0)
			return store_refuse(d, "unknown-evidence", "see the links with: sobre show ID",
					    "practice %s has no evidence link '%s'", ref->idbp, c->remove_evidence[i]);
		(*changed)++;
		if ((rc = store_log(s, ref->idbp, "evidence", c->remove_evidence[i], NULL, d)))
			return rc;
	}
	for (size_t i = 0; i < c->nadd; i++) {
		store_query_t *q = store_query(s, "INSERT INTO evidence(practice_id, url, added_at) VALUES (?, ?, ?) "
						  "ON CONFLICT DO NOTHING");
		store_bind_int(q, 1, ref->id);
		store_bind_text(q, 2, c->add_evidence[i]);
		store_bind_text(q, 3, at);
		if ((rc = store_exec(q, d, "adding evidence")))
			return rc;
		if (store_changes(s) == 0)
			continue;
		(*changed)++;
		if ((rc = store_log(s, ref->idbp, "evidence", NULL, c->add_evidence[i], d)))
			return rc;
	}
	if (c->nadd) {
		long long n;
		store_query_t *q = store_query(s, "SELECT count(*) FROM evidence WHERE practice_id = ?");
		store_bind_int(q, 1, ref->id);
		if ((rc = store_scalar(q, 0, &n, d, "counting evidence")))
			return rc;
		if (n > ASSESS_MAX_EVIDENCE)
			return store_refuse(d, "too-much-evidence", "link one document that lists them instead",
					    "practice %s would have %lld evidence links; the limit is %d", ref->idbp, n,
					    ASSESS_MAX_EVIDENCE);
	}
	return STEER_OK;
}

steer_rc assess_set(store_t *s, const char *idbp, const assess_change_t *c, size_t *changed_out, diag_list_t *d)
{
	practice_ref_t ref;
	fields_t old, nw;
	size_t changed = 0;
	steer_rc rc;
	memset(&old, 0, sizeof old);
	memset(&nw, 0, sizeof nw);
	/* A stale change hears so before anything else, archived practice
	 * included, as the web form always did: the page it came from is what
	 * is out of date. */
	if ((rc = store_require_tx(s, d)) || (rc = practice_find(s, idbp, c->check_version, &ref, d)) ||
	    (c->check_version && (rc = check_version(s, &ref, c->if_version, d))) ||
	    (ref.archived && (rc = practice_find(s, idbp, false, &ref, d))) || (rc = load_fields(s, ref.id, &old, d)) ||
	    (rc = validate(s, &ref, c, &old, &nw, d)))
		goto cleanup;
	static const char *const labels[7] = {"status", "pilot", "owner", "due", "comment", "budget", "staff"};
	const char *const olds[7] = {old.status, old.pilot, old.owner, old.due, old.comment, old.budget, old.staff};
	const char *const news[7] = {nw.status, nw.pilot, nw.owner, nw.due, nw.comment, nw.budget, nw.staff};
	for (int i = 0; i < 7; i++)
		if (!same(olds[i], news[i])) {
			changed++;
			if ((rc = store_log(s, ref.idbp, labels[i], olds[i], news[i], d)))
				goto cleanup;
		}
	if (changed) {
		long long pid = 0;
		char at[21];
		if (nw.pilot && (rc = catalog_custom_pilot(s, nw.pilot, &pid, d)))
			goto cleanup;
		store_timestamp(s, at);
		store_query_t *q = store_query(s, "UPDATE practice SET status = ?, pilot_id = ?, owner = ?, due = ?, "
						  "comment = ?, updated_at = ?, updated_by = ?, budget = ?, staff = ? "
						  "WHERE id = ?");
		store_bind_text(q, 1, nw.status);
		if (pid)
			store_bind_int(q, 2, pid);
		store_bind_text(q, 3, nw.owner);
		store_bind_text(q, 4, nw.due);
		store_bind_text(q, 5, nw.comment);
		store_bind_text(q, 6, at);
		store_bind_text(q, 7, store_actor(s));
		store_bind_unset(q, 8, input_hundredths_of(nw.budget));
		store_bind_unset(q, 9, input_hundredths_of(nw.staff));
		store_bind_int(q, 10, ref.id);
		if ((rc = store_exec(q, d, "saving the assessment")))
			goto cleanup;
	}
	if ((rc = evidence_changes(s, &ref, c, &changed, d)))
		goto cleanup;
	/* Saved against its current wording: no longer "à revoir". */
	store_query_t *q = store_query(s, "UPDATE practice SET reviewed_copy = copy_id WHERE id = ? "
					  "AND reviewed_copy IS DISTINCT FROM copy_id");
	store_bind_int(q, 1, ref.id);
	rc = store_exec(q, d, "saving the assessment");
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
	practice_ref_t ref;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)))
		return rc;
	if (idbp && (rc = practice_find(s, idbp, true, &ref, d)))
		return rc;
	/* The last `limit` rows, returned oldest first. */
	/* A perimeter's history is its référentiel's lines; the root's also
	 * shows the lines about the whole database (accounts, perimeters). */
	store_query_t *q = idbp ? store_query(s, "SELECT * FROM (SELECT id, at, actor, idbp, field, old, new FROM history "
						 "WHERE perimeter_id = ? AND referentiel_id = ? AND idbp = ? "
						 "ORDER BY id DESC LIMIT ?) AS h ORDER BY id")
				: store_query(s, "SELECT * FROM (SELECT id, at, actor, idbp, field, old, new FROM history "
						 "WHERE (perimeter_id = ? AND referentiel_id = ?) OR (perimeter_id IS NULL AND ?1 = 1) "
						 "ORDER BY id DESC LIMIT ?) AS h ORDER BY id");
	store_bind_scope(q, 1);
	int k = 3;
	if (idbp)
		store_bind_text(q, k++, ref.idbp);
	/* No limit: the largest one, as PostgreSQL refuses SQLite's -1. */
	store_bind_int(q, k, limit ? (long long)limit : LLONG_MAX);
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		history_entry_t *h = &out->items[out->len++];
		h->at = store_col_dup(q, 1);
		h->actor = store_col_dup(q, 2);
		h->idbp = store_col_dup(q, 3);
		h->field = store_col_dup(q, 4);
		h->old_value = store_col_dup(q, 5);
		h->new_value = store_col_dup(q, 6);
	}
	if ((rc = store_end(q, d, "reading the history")))
		history_list_free(out);
	return rc;
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
	free(a->sections);
	free(a->applicability);
	free(a->reviewed_title);
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
	practice_ref_t ref;
	steer_rc rc;
	long long current;
	char today[11];
	memset(out, 0, sizeof *out);
	out->profile = store_profile(s);
	if ((rc = store_require_tx(s, d)) || (rc = practice_find(s, idbp, true, &ref, d)) ||
	    (rc = store_require_version(s, &current, d)))
		return rc;
	store_query_t *q = store_query(
		s, "SELECT c.idbp, c.title, c.theme_id, c.theme_title, c.priority, c.difficulty, c.who, v.version, "
		   "p.added_version = ? AND p.added_version <> (SELECT min(id) FROM guide_version WHERE referentiel_id = p.referentiel_id), rv.version, "
		   "p.status, l.name, p.owner, p.due, p.comment, p.updated_at, p.updated_by, p.row_version, "
		   "c.sections, c.applicability, c.always_applicable, rc.title, "
		   "rc.id IS NOT NULL AND rc.id <> c.id AND (rc.title <> c.title OR rc.sections <> c.sections), "
		   "coalesce(p.budget, -1), coalesce(p.staff, -1) "
		   "FROM practice p JOIN practice_copy c ON c.id = p.copy_id JOIN guide_version v ON v.id = c.version_id "
		   "LEFT JOIN guide_version rv ON rv.id = p.removed_version LEFT JOIN pilot l ON l.id = p.pilot_id "
		   "LEFT JOIN practice_copy rc ON rc.id = p.reviewed_copy "
		   "WHERE p.id = ?");
	store_bind_int(q, 1, current);
	store_bind_int(q, 2, ref.id);
	bool found = store_next(q);
	if (found) {
		out->idbp = store_col_dup(q, 0);
		out->title = store_col_dup(q, 1);
		out->theme_id = store_col_dup(q, 2);
		out->theme_title = store_col_dup(q, 3);
		out->priority = store_col_dup(q, 4);
		out->difficulty = store_col_dup(q, 5);
		json_t *who = json_loads(store_col_text(q, 6), 0, NULL);
		out->who = xcalloc(json_array_size(who) + 1, sizeof *out->who);
		for (size_t i = 0; i < json_array_size(who); i++)
			if (json_string_value(json_array_get(who, i)))
				out->who[out->nwho++] = xstrdup(json_string_value(json_array_get(who, i)));
		json_decref(who);
		out->guide_version = store_col_dup(q, 7);
		out->is_new = store_col_int(q, 8) != 0;
		out->archived_in = store_col_dup(q, 9);
		out->archived = out->archived_in != NULL;
		int status = status_from_name(out->profile, store_col_text(q, 10));
		out->status = status < 0 ? 0 : status;
		out->pilot = store_col_dup(q, 11);
		out->owner = store_col_dup(q, 12);
		out->due = store_col_dup(q, 13);
		out->comment = store_col_dup(q, 14);
		out->updated_at = store_col_dup(q, 15);
		out->updated_by = store_col_dup(q, 16);
		out->version = store_col_int(q, 17);
		out->sections = store_col_dup(q, 18);
		out->applicability = store_col_dup(q, 19);
		out->always_applicable = store_col_int(q, 20) != 0;
		out->review = store_col_int(q, 22) != 0;
		out->reviewed_title = out->review ? store_col_dup(q, 21) : NULL;
		out->budget = store_col_int(q, 23);
		out->staff = store_col_int(q, 24);
	}
	if ((rc = store_end(q, d, "reading the practice")) == STEER_OK && !found) {
		diag_add(d, DIAG_ERROR, store_name(s), 0, 0, STORE_CAUSE_OTHER, "reading the practice failed: no row");
		rc = STEER_IO;
	}
	if (rc) {
		assessment_free(out);
		return rc;
	}
	store_today(s, today);
	out->overdue = out->due && strcmp(out->due, today) < 0 && !status_done(out->profile, out->status) &&
		       status_applicable(out->profile, out->status);
	q = store_query(s, "SELECT url FROM evidence WHERE practice_id = ? ORDER BY added_at, url");
	store_bind_int(q, 1, ref.id);
	size_t cap = 0;
	while (store_next(q)) {
		out->evidence = xgrow(out->evidence, &cap, out->nevidence + 1, sizeof *out->evidence);
		out->evidence[out->nevidence++] = store_col_dup(q, 0);
	}
	if ((rc = store_end(q, d, "reading the evidence")) ||
	    (rc = assess_history(s, ref.idbp, history_limit, &out->history, d)))
		assessment_free(out);
	return rc;
}
