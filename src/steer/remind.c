/* remind: who gets which reminder, and its text (see remind.h). */
#include "steer/remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/indicator.h"
#include "steer/perimeter.h"
#include "steer/plan.h"
#include "steer/status.h"
#include "util/fold.h"
#include "util/frdate.h"
#include "util/strset.h"
#include "util/xalloc.h"

int remind_period_parse(const char *s)
{
	static const char *const names[] = {"off", "daily", "weekly", "monthly"};
	for (int i = 0; s && i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void remind_period_key(remind_period_t p, time_t now, char out[32])
{
	struct tm tm;
	localtime_r(&now, &tm);
	if (p == REMIND_DAILY)
		strftime(out, 32, "daily %Y-%m-%d", &tm);
	else if (p == REMIND_MONTHLY)
		strftime(out, 32, "monthly %Y-%m", &tm);
	else
		strftime(out, 32, "weekly %G-W%V", &tm);
}

/* iso + days, "YYYY-MM-DD" (computed at noon UTC: no DST edge). */
static void add_days(const char *iso, int days, char out[11])
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)strtol(iso, NULL, 10) - 1900;
	tm.tm_mon = (int)strtol(iso + 5, NULL, 10) - 1;
	tm.tm_mday = (int)strtol(iso + 8, NULL, 10) + days;
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Percent-encodes s for a query value (RFC 3986 unreserved kept). */
static void put_query_value(buf_t *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			buf_putc(out, (char)c);
		else
			buf_printf(out, "%%%02X", c);
	}
}

/* The web app's address of a practice's page in a scope, as its own links
 * write it: the perimeter unless the root, the référentiel when the
 * perimeter has several. */
static char *practice_path(const char *idbp, const char *perimeter, const char *slug, const char *fragment)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "/pilotage/pratiques/");
	put_query_value(&b, idbp);
	char sep = '?';
	if (perimeter) {
		buf_printf(&b, "%cperimetre=", sep);
		put_query_value(&b, perimeter);
		sep = '&';
	}
	if (slug) {
		buf_printf(&b, "%creferentiel=", sep);
		put_query_value(&b, slug);
	}
	if (fragment)
		buf_printf(&b, "#%s", fragment);
	return buf_detach(&b);
}

/* --- digests ------------------------------------------------------------ */

typedef struct {
	long long id, perimeter;
	char *email, *token;
	char **functions;
	size_t nfunctions;
	remind_item_t *items;
	size_t len, cap;
} person_t;

static void person_free(person_t *p)
{
	free(p->email);
	free(p->token);
	for (size_t i = 0; i < p->nfunctions; i++)
		free(p->functions[i]);
	free(p->functions);
}

static void item_free(remind_item_t *x)
{
	free(x->idbp);
	free(x->title);
	free(x->due);
	free(x->indicator);
	free(x->perimeter);
	free(x->path);
}

/* Whether the practice (pilot, owner) is p's. */
static bool concerns(const person_t *p, const char *pilot, const char *owner)
{
	for (size_t i = 0; pilot && i < p->nfunctions; i++)
		if (fold_equal(p->functions[i], pilot))
			return true;
	return owner && fold_equal(owner, p->email);
}

static void add_item(person_t *p, remind_kind_t kind, const plan_item_t *x, const char *indicator,
		     const char *perimeter, const char *slug)
{
	if (p->len == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->items = xrealloc(p->items, p->cap * sizeof *p->items);
	}
	remind_item_t *it = &p->items[p->len++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->idbp = xstrdup(x->idbp);
	it->title = xstrdup(x->title);
	it->due = x->due && kind != REMIND_INDICATOR ? xstrdup(x->due) : NULL;
	it->indicator = indicator ? xstrdup(indicator) : NULL;
	it->perimeter = perimeter ? xstrdup(perimeter) : NULL;
	it->path = practice_path(x->idbp, perimeter, slug, indicator ? "indicateurs" : NULL);
}

/* The users who may get the digest of period, with their functions. */
static steer_rc load_people(store_t *s, const char *period, person_t **out, size_t *n, diag_list_t *d)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	store_query_t *q = store_query(
		s, "SELECT id, email, unsubscribe_token, coalesce(perimeter_id, 1) FROM \"user\" WHERE digest = 1 "
		   "AND NOT EXISTS (SELECT 1 FROM reminder_sent r WHERE r.user_id = \"user\".id AND r.period = ?) ORDER BY id");
	store_bind_text(q, 1, period);
	while (store_next(q)) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		person_t *p = &(*out)[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = store_col_int(q, 0);
		p->email = store_col_dup(q, 1);
		p->token = store_col_dup(q, 2);
		p->perimeter = store_col_int(q, 3);
	}
	steer_rc rc = store_end(q, d, "reading the users");
	for (size_t i = 0; !rc && i < *n; i++) {
		person_t *p = &(*out)[i];
		size_t fcap = 0;
		q = store_query(s, "SELECT name FROM user_function WHERE user_id = ? ORDER BY name");
		store_bind_int(q, 1, p->id);
		while (store_next(q)) {
			p->functions = xgrow(p->functions, &fcap, p->nfunctions + 1, sizeof *p->functions);
			p->functions[p->nfunctions++] = store_col_dup(q, 0);
		}
		rc = store_end(q, d, "reading the users' functions");
	}
	return rc;
}

/* Adds what scope (perimeter pe, référentiel slug) holds for each person
 * whose role covers it. */
static steer_rc scan_scope(store_t *s, const perimeter_t *pe, const char *slug, bool several, person_t *people,
			   size_t n, const char *today, diag_list_t *d)
{
	const char *pname = pe->parent ? pe->name : NULL;
	steer_rc rc = perimeter_scope(s, pname, slug, d);
	plan_t plan;
	indicator_list_t inds = {0};
	bool *covers = xcalloc(n + 1, sizeof *covers);
	strset_t *by_idbp = strset_new();
	char in1[11], in7[11], in30[11];
	add_days(today, 1, in1);
	add_days(today, 7, in7);
	add_days(today, 30, in30);
	memset(&plan, 0, sizeof plan);
	if (rc || (rc = plan_build(s, PLAN_ALL, NULL, &plan, d)) || (rc = indicator_list(s, NULL, 0, &inds, d)))
		goto cleanup;
	for (size_t i = 0; !rc && i < n; i++)
		rc = perimeter_within(s, pe->id, people[i].perimeter, &covers[i], d);
	const char *gslug = several ? slug : NULL;
	/* PLAN_ALL is in guide order, which the digest keeps. */
	for (size_t k = 0; k < plan.len; k++) {
		const plan_item_t *x = &plan.items[k];
		strset_add(by_idbp, x->idbp, strlen(x->idbp), k, NULL);
		bool open = !status_done(plan.profile, x->status) && status_applicable(plan.profile, x->status);
		remind_kind_t kind = REMIND_NKINDS;
		if (x->overdue)
			kind = REMIND_OVERDUE;
		else if (open && x->due && strcmp(x->due, in1) <= 0)
			kind = REMIND_DUE_1;
		else if (open && x->due && strcmp(x->due, in7) <= 0)
			kind = REMIND_DUE_7;
		else if (open && x->due && strcmp(x->due, in30) <= 0)
			kind = REMIND_DUE_30;
		if (kind == REMIND_NKINDS)
			continue;
		for (size_t i = 0; i < n; i++)
			if (covers[i] && concerns(&people[i], x->pilot, x->owner))
				add_item(&people[i], kind, x, NULL, pname, gslug);
	}
	for (size_t k = 0; k < inds.len; k++) {
		const indicator_t *ind = &inds.items[k];
		size_t at;
		if (!ind->due || ind->archived || !strset_get(by_idbp, ind->idbp, strlen(ind->idbp), &at))
			continue;
		const plan_item_t *x = &plan.items[at];
		if (!status_applicable(plan.profile, x->status))
			continue;
		for (size_t i = 0; i < n; i++)
			if (covers[i] && concerns(&people[i], x->pilot, x->owner))
				add_item(&people[i], REMIND_INDICATOR, x, ind->name, pname, gslug);
	}
cleanup:
	strset_free(by_idbp);
	free(covers);
	plan_free(&plan);
	indicator_list_free(&inds);
	return rc;
}

/* Sorts by kind keeping the order of addition within a kind. */
static void sort_items(remind_item_t *v, size_t n)
{
	remind_item_t *tmp = xcalloc(n + 1, sizeof *tmp);
	size_t k = 0;
	for (int kind = 0; kind < REMIND_NKINDS; kind++)
		for (size_t i = 0; i < n; i++)
			if ((int)v[i].kind == kind)
				tmp[k++] = v[i];
	memcpy(v, tmp, n * sizeof *v);
	free(tmp);
}

steer_rc remind_digests(store_t *s, const char *period, remind_digests_t *out, diag_list_t *d)
{
	person_t *people = NULL;
	size_t n = 0;
	perimeter_list_t pl = {0};
	char today[11], since[11], quarter[11];
	memset(out, 0, sizeof *out);
	store_today(s, today);
	indicator_due_since(today, since, quarter);
	steer_rc rc = store_require_tx(s, d);
	if (rc || (rc = load_people(s, period, &people, &n, d)) || n == 0 ||
	    (rc = perimeter_list(s, false, &pl, d)))
		goto cleanup;
	for (size_t i = 0; !rc && i < pl.len; i++)
		for (size_t g = 0; !rc && g < pl.items[i].nguides; g++)
			rc = scan_scope(s, &pl.items[i], pl.items[i].guides[g], pl.items[i].nguides > 1, people, n, today,
					d);
	if (rc)
		goto cleanup;
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		person_t *p = &people[i];
		if (!p->len)
			continue;
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		remind_digest_t *g = &out->items[out->len++];
		memset(g, 0, sizeof *g);
		g->user_id = p->id;
		g->email = p->email;
		g->token = p->token;
		p->email = p->token = NULL;
		sort_items(p->items, p->len);
		g->items = p->items;
		g->len = p->len;
		p->items = NULL;
		p->len = 0;
		memcpy(g->quarter, quarter, sizeof quarter);
	}
cleanup:
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < people[i].len; k++)
			item_free(&people[i].items[k]);
		free(people[i].items);
		person_free(&people[i]);
	}
	free(people);
	perimeter_list_free(&pl);
	if (rc)
		remind_digests_free(out);
	return rc;
}

void remind_digests_free(remind_digests_t *l)
{
	for (size_t i = 0; i < l->len; i++) {
		remind_digest_t *g = &l->items[i];
		for (size_t k = 0; k < g->len; k++)
			item_free(&g->items[k]);
		free(g->items);
		free(g->email);
		free(g->token);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* --- assignments -------------------------------------------------------- */

static void assignment_free(remind_assignment_t *a)
{
	free(a->email);
	free(a->token);
	free(a->name);
	free(a->idbp);
	free(a->title);
	free(a->perimeter);
	free(a->path);
}

steer_rc remind_assignments(store_t *s, remind_assignments_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc || (rc = store_scalar(store_query(s, "SELECT coalesce(max(id), 0) FROM assignment"), 0, &out->last, d,
				     "reading the assignments")))
		return rc;
	size_t cap = 0;
	store_query_t *q = store_query(
		s, "SELECT a.id, u.id, u.email, u.unsubscribe_token, a.role = 'pilot', a.name, p.idbp, c.title, "
		   "CASE WHEN pe.parent_id IS NULL THEN NULL ELSE pe.name END, r.slug, "
		   "(SELECT count(*) FROM perimeter_guide g WHERE g.perimeter_id = p.perimeter_id) > 1, "
		   "p.perimeter_id, coalesce(u.perimeter_id, 1) "
		   "FROM assignment a JOIN practice p ON p.id = a.practice_id JOIN practice_copy c ON c.id = p.copy_id "
		   "JOIN perimeter pe ON pe.id = p.perimeter_id JOIN referentiel r ON r.id = p.referentiel_id "
		   "JOIN \"user\" u ON u.digest = 1 AND ((a.role = 'pilot' AND EXISTS (SELECT 1 FROM user_function f "
		   "  WHERE f.user_id = u.id AND f.name = a.name)) OR (a.role = 'owner' AND lower(u.email) = lower(trim(a.name)))) "
		   "WHERE a.done_at IS NULL AND a.id <= ? AND p.removed_version IS NULL AND NOT EXISTS "
		   "(SELECT 1 FROM assignment_sent t WHERE t.assignment_id = a.id AND t.user_id = u.id) "
		   "ORDER BY a.id, u.id");
	store_bind_int(q, 1, out->last);
	size_t scap = 2;
	long long *scopes = xcalloc(scap, sizeof *scopes); /* practice perimeter, user perimeter per row */
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		scopes = xgrow(scopes, &scap, 2 * out->len + 2, sizeof *scopes);
		remind_assignment_t *a = &out->items[out->len];
		a->assignment_id = store_col_int(q, 0);
		a->user_id = store_col_int(q, 1);
		a->email = store_col_dup(q, 2);
		a->token = store_col_dup(q, 3);
		a->pilot = store_col_int(q, 4) != 0;
		a->name = store_col_dup(q, 5);
		a->idbp = store_col_dup(q, 6);
		a->title = store_col_dup(q, 7);
		a->perimeter = store_col_dup(q, 8);
		a->path = practice_path(a->idbp, a->perimeter, store_col_int(q, 10) ? store_col_text(q, 9) : NULL, NULL);
		scopes[2 * out->len] = store_col_int(q, 11);
		scopes[2 * out->len + 1] = store_col_int(q, 12);
		out->len++;
	}
	rc = store_end(q, d, "reading the assignments");
	/* Only to people whose role covers the practice's perimeter. */
	remind_assignment_t *keep = xcalloc(out->len + 1, sizeof *keep);
	size_t k = 0;
	for (size_t i = 0; i < out->len; i++) {
		bool within = false;
		if (!rc)
			rc = perimeter_within(s, scopes[2 * i], scopes[2 * i + 1], &within, d);
		if (within)
			keep[k++] = out->items[i];
		else
			assignment_free(&out->items[i]);
	}
	free(out->items);
	out->items = keep;
	out->len = k;
	free(scopes);
	if (rc)
		remind_assignments_free(out);
	return rc;
}

void remind_assignments_free(remind_assignments_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		assignment_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

steer_rc remind_assignments_done(store_t *s, const remind_assignments_t *l, const long long *failed, size_t n,
				 diag_list_t *d)
{
	char at[21];
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "SELECT id FROM assignment WHERE done_at IS NULL AND id <= ? ORDER BY id");
	store_bind_int(q, 1, l->last);
	long long *ids = NULL;
	size_t len = 0, cap = 0;
	while (store_next(q)) {
		ids = xgrow(ids, &cap, len + 1, sizeof *ids);
		ids[len++] = store_col_int(q, 0);
	}
	steer_rc rc = store_end(q, d, "reading the assignments");
	for (size_t i = 0; !rc && i < len; i++) {
		bool skip = false;
		for (size_t k = 0; k < n && !skip; k++)
			skip = failed[k] == ids[i];
		if (skip)
			continue;
		q = store_query(s, "UPDATE assignment SET done_at = ? WHERE id = ?");
		store_bind_text(q, 1, at);
		store_bind_int(q, 2, ids[i]);
		rc = store_exec(q, d, "recording the assignments sent");
	}
	free(ids);
	return rc;
}

/* --- claims ------------------------------------------------------------- */

steer_rc remind_claim_digest(store_t *s, long long user, const char *period, bool *claimed, diag_list_t *d)
{
	char at[21];
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "INSERT INTO reminder_sent(user_id, period, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
	store_bind_int(q, 1, user);
	store_bind_text(q, 2, period);
	store_bind_text(q, 3, at);
	steer_rc rc = store_exec(q, d, "recording a reminder");
	*claimed = !rc && store_changes(s) == 1;
	return rc;
}

steer_rc remind_release_digest(store_t *s, long long user, const char *period, diag_list_t *d)
{
	store_query_t *q = store_query(s, "DELETE FROM reminder_sent WHERE user_id = ? AND period = ?");
	store_bind_int(q, 1, user);
	store_bind_text(q, 2, period);
	return store_exec(q, d, "giving a reminder back");
}

steer_rc remind_claim_assignment(store_t *s, long long assignment, long long user, bool *claimed, diag_list_t *d)
{
	char at[21];
	store_timestamp(s, at);
	store_query_t *q = store_query(
		s, "INSERT INTO assignment_sent(assignment_id, user_id, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
	store_bind_int(q, 1, assignment);
	store_bind_int(q, 2, user);
	store_bind_text(q, 3, at);
	steer_rc rc = store_exec(q, d, "recording an assignment message");
	*claimed = !rc && store_changes(s) == 1;
	return rc;
}

steer_rc remind_release_assignment(store_t *s, long long assignment, long long user, diag_list_t *d)
{
	store_query_t *q = store_query(s, "DELETE FROM assignment_sent WHERE assignment_id = ? AND user_id = ?");
	store_bind_int(q, 1, assignment);
	store_bind_int(q, 2, user);
	return store_exec(q, d, "giving an assignment message back");
}

/* --- opt-out ------------------------------------------------------------ */

steer_rc remind_get_digest(store_t *s, const char *email, bool *on, diag_list_t *d)
{
	long long v = 0;
	store_query_t *q = store_query(s, "SELECT digest FROM \"user\" WHERE email = ?");
	store_bind_text(q, 1, email);
	steer_rc rc = store_scalar(q, 0, &v, d, "reading the reminder setting");
	*on = v != 0;
	return rc;
}

steer_rc remind_set_digest(store_t *s, const char *email, bool on, diag_list_t *d)
{
	bool was = false;
	steer_rc rc = remind_get_digest(s, email, &was, d);
	if (rc || was == on)
		return rc;
	store_query_t *q = store_query(s, "UPDATE \"user\" SET digest = ? WHERE email = ?");
	store_bind_int(q, 1, on);
	store_bind_text(q, 2, email);
	if ((rc = store_exec(q, d, "saving the reminder setting")))
		return rc;
	buf_t field = BUF_INIT;
	buf_printf(&field, "reminders of %s", email);
	rc = store_log_global(s, buf_cstr(&field), was ? "on" : "off", on ? "on" : "off", d);
	buf_free(&field);
	return rc;
}

steer_rc remind_unsubscribe(store_t *s, const char *token, bool apply, bool *found, char **email, diag_list_t *d)
{
	char *who = NULL;
	*found = false;
	if (email)
		*email = NULL;
	store_query_t *q = store_query(s, "SELECT email FROM \"user\" WHERE unsubscribe_token = ?");
	store_bind_text(q, 1, token);
	if (store_next(q))
		who = store_col_dup(q, 0);
	steer_rc rc = store_end(q, d, "reading the users");
	if (!rc && who && apply)
		rc = remind_set_digest(s, who, false, d);
	*found = who != NULL;
	if (email && !rc)
		*email = who;
	else
		free(who);
	return rc;
}

/* --- texts -------------------------------------------------------------- */

void remind_text_free(remind_text_t *t)
{
	buf_free(&t->subject);
	buf_free(&t->text);
	buf_free(&t->html);
	buf_free(&t->unsubscribe);
}

static const char *const headings[REMIND_NKINDS] = {
	"Actions en retard",
	"Actions à échéance aujourd'hui ou demain",
	"Actions à échéance dans les 7 jours",
	"Actions à échéance dans les 30 jours",
	"Indicateurs en attente de la valeur du trimestre",
};

static void html_text(buf_t *out, const char *s)
{
	buf_put_html(out, s, strlen(s));
}

static void put_footer(buf_t *text, buf_t *html, const char *base, const char *unsub)
{
	buf_printf(text, "\n-- \nMessage automatique de sobre, le pilotage du numérique responsable.\n"
			 "Pour ne plus recevoir ces rappels : %s\n"
			 "ou sur la page « Mon compte » : %s/pilotage/compte\n", unsub, base);
	buf_puts(html, "<hr>\n<p style=\"font-size:small\">Message automatique de sobre, le pilotage du numérique "
		       "responsable.<br>\n<a href=\"");
	html_text(html, unsub);
	buf_puts(html, "\">Ne plus recevoir ces rappels</a> (ou sur la page <a href=\"");
	html_text(html, base);
	buf_puts(html, "/pilotage/compte\">Mon compte</a>).</p>\n</body>\n</html>\n");
}

static void put_head(buf_t *html, const char *title)
{
	buf_puts(html, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	html_text(html, title);
	buf_puts(html, "</title>\n</head>\n<body>\n");
}

static void unsubscribe_url(buf_t *out, const char *base, const char *token)
{
	buf_printf(out, "%s/pilotage/desabonnement/%s", base, token ? token : "");
}

void remind_compose_digest(const remind_digest_t *g, const char *base, remind_text_t *out)
{
	size_t count[REMIND_NKINDS] = {0};
	for (size_t i = 0; i < g->len; i++)
		count[g->items[i].kind]++;
	size_t due = count[REMIND_DUE_1] + count[REMIND_DUE_7] + count[REMIND_DUE_30];
	unsubscribe_url(&out->unsubscribe, base, g->token);
	buf_puts(&out->subject, "Pilotage numérique responsable :");
	const char *sep = " ";
	if (count[REMIND_OVERDUE]) {
		buf_printf(&out->subject, "%s%zu action%s en retard", sep, count[REMIND_OVERDUE],
			   count[REMIND_OVERDUE] > 1 ? "s" : "");
		sep = ", ";
	}
	if (due) {
		buf_printf(&out->subject, "%s%zu échéance%s proche%s", sep, due, due > 1 ? "s" : "", due > 1 ? "s" : "");
		sep = ", ";
	}
	if (count[REMIND_INDICATOR])
		buf_printf(&out->subject, "%s%zu indicateur%s à renseigner", sep, count[REMIND_INDICATOR],
			   count[REMIND_INDICATOR] > 1 ? "s" : "");
	put_head(&out->html, buf_cstr(&out->subject));
	buf_puts(&out->text, "Bonjour,\n\nVoici ce qui attend votre attention dans le pilotage du numérique "
			     "responsable.\n");
	buf_puts(&out->html, "<p>Bonjour,</p>\n<p>Voici ce qui attend votre attention dans le pilotage du numérique "
			     "responsable.</p>\n");
	size_t shown = 0;
	buf_t date = BUF_INIT;
	for (int kind = 0; kind < REMIND_NKINDS; kind++) {
		if (!count[kind])
			continue;
		const char *h = headings[kind];
		buf_printf(&out->text, "\n%s%s%s (%zu)\n", h, kind == REMIND_INDICATOR ? " " : "",
			   kind == REMIND_INDICATOR ? g->quarter : "", count[kind]);
		buf_printf(&out->html, "<h2>%s%s%s (%zu)</h2>\n<ul>\n", h, kind == REMIND_INDICATOR ? " " : "",
			   kind == REMIND_INDICATOR ? g->quarter : "", count[kind]);
		for (size_t i = 0; i < g->len; i++) {
			const remind_item_t *x = &g->items[i];
			if ((int)x->kind != kind || shown >= REMIND_MAX_ITEMS)
				continue;
			shown++;
			buf_printf(&out->text, "- %s %s", x->idbp, x->title);
			buf_puts(&out->html, "<li><a href=\"");
			html_text(&out->html, base);
			html_text(&out->html, x->path);
			buf_puts(&out->html, "\">");
			html_text(&out->html, x->idbp);
			buf_puts(&out->html, " ");
			html_text(&out->html, x->title);
			buf_puts(&out->html, "</a>");
			if (x->indicator) {
				buf_printf(&out->text, " : indicateur « %s »", x->indicator);
				buf_puts(&out->html, " : indicateur « ");
				html_text(&out->html, x->indicator);
				buf_puts(&out->html, " »");
			}
			if (x->due) {
				buf_reset(&date);
				frdate_date(x->due, &date);
				buf_printf(&out->text, " (échéance le %s)", buf_cstr(&date));
				buf_printf(&out->html, " (échéance le %s)", buf_cstr(&date));
			}
			if (x->perimeter) {
				buf_printf(&out->text, " [%s]", x->perimeter);
				buf_puts(&out->html, " [");
				html_text(&out->html, x->perimeter);
				buf_puts(&out->html, "]");
			}
			buf_printf(&out->text, "\n  %s%s\n", base, x->path);
			buf_puts(&out->html, "</li>\n");
		}
		buf_puts(&out->html, "</ul>\n");
	}
	if (shown < g->len) {
		buf_printf(&out->text, "\n… et %zu autres : %s/pilotage/plan\n", g->len - shown, base);
		buf_printf(&out->html, "<p>… et %zu autres : <a href=\"", g->len - shown);
		html_text(&out->html, base);
		buf_puts(&out->html, "/pilotage/plan\">le plan d'action</a>.</p>\n");
	}
	buf_free(&date);
	put_footer(&out->text, &out->html, base, buf_cstr(&out->unsubscribe));
}

void remind_compose_assignment(const remind_assignment_t *a, const char *base, remind_text_t *out)
{
	unsubscribe_url(&out->unsubscribe, base, a->token);
	const char *role = a->pilot ? "pilote" : "responsable";
	buf_printf(&out->subject, "Vous êtes %s de la pratique %s", role, a->idbp);
	put_head(&out->html, buf_cstr(&out->subject));
	buf_printf(&out->text, "Bonjour,\n\nLa pratique %s « %s »", a->idbp, a->title);
	buf_puts(&out->html, "<p>Bonjour,</p>\n<p>La pratique <a href=\"");
	html_text(&out->html, base);
	html_text(&out->html, a->path);
	buf_puts(&out->html, "\">");
	html_text(&out->html, a->idbp);
	buf_puts(&out->html, " « ");
	html_text(&out->html, a->title);
	buf_puts(&out->html, " »</a>");
	if (a->perimeter) {
		buf_printf(&out->text, " (périmètre %s)", a->perimeter);
		buf_puts(&out->html, " (périmètre ");
		html_text(&out->html, a->perimeter);
		buf_puts(&out->html, ")");
	}
	if (a->pilot) {
		buf_printf(&out->text, " est désormais pilotée par la fonction « %s », qui est la vôtre.\n", a->name);
		buf_puts(&out->html, " est désormais pilotée par la fonction « ");
		html_text(&out->html, a->name);
		buf_puts(&out->html, " », qui est la vôtre.</p>\n");
	} else {
		buf_puts(&out->text, " vous a été confiée : vous en êtes désormais responsable.\n");
		buf_puts(&out->html, " vous a été confiée : vous en êtes désormais responsable.</p>\n");
	}
	buf_printf(&out->text, "\nSa page : %s%s\n", base, a->path);
	buf_puts(&out->html, "<p><a href=\"");
	html_text(&out->html, base);
	html_text(&out->html, a->path);
	buf_puts(&out->html, "\">Ouvrir sa page</a></p>\n");
	put_footer(&out->text, &out->html, base, buf_cstr(&out->unsubscribe));
}
