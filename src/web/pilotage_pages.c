/* pilotage_pages: the web app's HTML pages and forms. Each page reads
 * through the steer modules inside the request's transaction and builds a
 * value_t context for its template; each form validates through the steer
 * function that writes (its diagnostics mapped to the form's fields) and
 * redirects after success, so reloading never posts twice. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/markdown.h"
#include "render/chart.h"
#include "steer/assess.h"
#include "steer/catalog.h"
#include "steer/consolidate.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/perimeter.h"
#include "steer/plan.h"
#include "steer/report.h"
#include "steer/score.h"
#include "steer/sheet.h"
#include "steer/snapshot.h"
#include "util/frdate.h"
#include "util/xalloc.h"
#include "web/pilotage_internal.h"

/* --- one practice ------------------------------------------------------------- */

enum { F_STATUS, F_PILOT, F_OWNER, F_DUE, F_COMMENT, F_EVIDENCE, F_BUDGET, F_STAFF, F_COUNT };
static const char *const field_names[F_COUNT] = {"status", "pilot", "owner", "due", "comment", "evidence", "budget", "staff"};

struct practice_state {
	int status;                /* HTTP status of the page */
	bool keep_form;            /* show the posted assessment form values */
	buf_t err[F_COUNT];
	buf_t form_error;
	int m_num;                 /* the indicator whose measurement was refused, or 0 */
	buf_t m_err_value, m_err_period;
};

static void state_free(practice_state_t *st)
{
	for (int i = 0; i < F_COUNT; i++)
		buf_free(&st->err[i]);
	buf_free(&st->form_error);
	buf_free(&st->m_err_value);
	buf_free(&st->m_err_period);
}

static const char *form_or(rq_t *r, bool keep, const char *name, const char *current)
{
	const char *v = keep ? http_param(&r->req->form, name) : NULL;
	return keep ? (v ? v : "") : current;
}

/* One indicator of the practice page: its last measurements, the small
 * chart of its numeric ones, and its form (with what was typed when st
 * carries a refused measurement of it). */
static void indicator_row(rq_t *r, value_t *row, const indicator_t *x, const practice_state_t *st)
{
	value_put_int(row, "num", x->num);
	ctx_str(row, "name", x->name);
	ctx_str(row, "type", indicator_type_label(x->type));
	ctx_str(row, "unit", x->unit);
	ctx_str(row, "target", x->target);
	ctx_bool(row, "due", x->due && !x->archived);
	value_t *ms = value_put_list(row, "measures");
	/* The chart: numeric measurements, oldest left, scaled to the max. */
	double max = 0;
	size_t nnum = 0;
	for (size_t j = 0; j < x->nmeasures; j++) {
		double val;
		char canon[INPUT_NUMBER_CAP];
		value_t *m = value_push_map(ms);
		ctx_str(m, "period", x->measures[j].period);
		ctx_str(m, "value", x->measures[j].value);
		ctx_str(m, "by", x->measures[j].recorded_by);
		if (x->type != IND_TEXT && x->type != IND_YESNO &&
		    input_number(x->measures[j].value, canon, sizeof canon, &val)) {
			nnum++;
			if (val > max)
				max = val;
		}
	}
	buf_t pts = BUF_INIT;
	if (nnum >= 2 && nnum == x->nmeasures) {
		for (size_t j = 0; j < x->nmeasures; j++) {
			size_t k = x->nmeasures - 1 - j; /* oldest first */
			double val = 0;
			char canon[INPUT_NUMBER_CAP];
			input_number(x->measures[k].value, canon, sizeof canon, &val);
			long px = 5 + (long)(j * 290 / (x->nmeasures - 1));
			long py = 75 - (max > 0 ? (long)(val / max * 70) : 0);
			buf_printf(&pts, "%s%ld,%ld", j ? " " : "", px, py);
		}
	}
	ctx_bool(row, "has_chart", pts.len > 0);
	ctx_str(row, "points", buf_cstr(&pts));
	buf_free(&pts);
	ctx_bool(row, "has_measures", x->nmeasures > 0);
	bool mine = st && st->m_num == x->num;
	ctx_str(row, "m_value", mine ? http_param(&r->req->form, "value") : "");
	/* A yes/no indicator is answered from a list, not typed. */
	const char *typed = mine ? http_param(&r->req->form, "value") : NULL;
	ctx_bool(row, "yesno", x->type == IND_YESNO);
	ctx_bool(row, "m_oui", typed && strcmp(typed, "oui") == 0);
	ctx_bool(row, "m_non", typed && strcmp(typed, "non") == 0);
	ctx_str(row, "m_period", mine ? http_param(&r->req->form, "period") : "");
	ctx_str(row, "err_value", mine ? buf_cstr(&st->m_err_value) : "");
	ctx_str(row, "err_period", mine ? buf_cstr(&st->m_err_period) : "");
}

/* The référentiel's own text (the RGESN's objectif, mise en œuvre, moyen
 * de test): Markdown from an imported file, rendered like the comments,
 * without raw HTML or remote images. */
static void put_sections(value_t *ctx, const char *json)
{
	buf_t html = BUF_INIT;
	json_t *secs = json_loads(json ? json : "[]", 0, NULL);
	value_t *sl = value_put_list(ctx, "sections");
	for (size_t i = 0; json_is_array(secs) && i < json_array_size(secs); i++) {
		const json_t *x = json_array_get(secs, i);
		const char *text = json_string_value(json_object_get(x, "text"));
		value_t *o = value_push_map(sl);
		ctx_str(o, "title", json_string_value(json_object_get(x, "title")));
		buf_reset(&html);
		md_render(text ? text : "", text ? strlen(text) : 0, MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG, &html, NULL, NULL);
		ctx_str(o, "html", buf_cstr(&html));
	}
	ctx_bool(ctx, "has_sections", json_array_size(secs) > 0);
	json_decref(secs);
	buf_free(&html);
}

void pg_practice(rq_t *r, const char *idbp, practice_state_t *st)
{
	assessment_t a;
	indicator_list_t inds;
	char **pilots = NULL;
	size_t npilots = 0;
	memset(&a, 0, sizeof a);
	memset(&inds, 0, sizeof inds);
	if (!rq_practice(r, idbp, 50, &a))
		goto cleanup;
	if (indicator_list(r->s, a.idbp, 12, &inds, &r->d) || catalog_pilots(r->s, &pilots, &npilots, &r->d)) {
		rq_io_error(r);
		goto cleanup;
	}
	bool keep = st && st->keep_form;
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_practices", true);
	ctx_str(ctx, "idbp", a.idbp);
	ctx_str(ctx, "title", a.title);
	ctx_str(ctx, "theme_title", a.theme_title);
	ctx_str(ctx, "priority", a.priority);
	ctx_str(ctx, "difficulty", a.difficulty);
	ctx_bool(ctx, "archived", a.archived);
	ctx_bool(ctx, "review", a.review);
	ctx_str(ctx, "reviewed_title", a.reviewed_title);
	ctx_str(ctx, "applicability", a.applicability);
	ctx_str(ctx, "status", status_name(a.profile, a.status));
	buf_t tmp = BUF_INIT;
	put_sections(ctx, a.sections);
	status_slug(a.profile, a.status, &tmp);
	ctx_str(ctx, "status_class", buf_cstr(&tmp));
	ctx_bool(ctx, "overdue", a.overdue);
	ctx_instant(ctx, "updated_at", a.updated_at);
	ctx_str(ctx, "updated_by", a.updated_by);
	if (a.comment && *a.comment) {
		buf_reset(&tmp);
		/* Typed by users: raw HTML comes out as text, and an image on
		 * another host as a link, so that the page asks no other host. */
		md_render(a.comment, strlen(a.comment), MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG, &tmp, NULL, NULL);
		ctx_str(ctx, "comment_html", buf_cstr(&tmp));
	}
	rq_means_ctx(ctx, a.budget, a.staff);
	value_t *ev = value_put_list(ctx, "evidence");
	for (size_t i = 0; i < a.nevidence; i++)
		value_list_push(ev, value_cstring(a.evidence[i]));
	ctx_bool(ctx, "has_evidence", a.nevidence > 0);
	bool can_edit = !a.archived && account_may_edit(&r->user, a.pilot);
	ctx_bool(ctx, "can_edit", can_edit);
	value_put_int(ctx, "version", a.version);
	if (st && st->form_error.len)
		ctx_str(ctx, "form_error", buf_cstr(&st->form_error));

	/* The form: the posted values when it was refused, else the current. */
	value_t *form = value_map();
	const char *status_v = form_or(r, keep, "status", status_name(a.profile, a.status));
	value_t *sts = value_put_list(form, "statuses");
	for (size_t i = 0; i < a.profile->nstatuses; i++) {
		value_t *o = value_push_map(sts);
		ctx_str(o, "value", status_name(a.profile, (status_t)i));
		ctx_bool(o, "selected", strcmp(status_v, status_name(a.profile, (status_t)i)) == 0);
	}
	ctx_str(form, "pilot", form_or(r, keep, "pilot", a.pilot));
	ctx_str(form, "owner", form_or(r, keep, "owner", a.owner));
	ctx_str(form, "due", form_or(r, keep, "due", a.due));
	ctx_str(form, "comment", form_or(r, keep, "comment", a.comment));
	buf_reset(&tmp);
	for (size_t i = 0; i < a.nevidence; i++)
		buf_printf(&tmp, "%s%s", i ? "\n" : "", a.evidence[i]);
	ctx_str(form, "evidence", form_or(r, keep, "evidence", buf_cstr(&tmp)));
	buf_reset(&tmp);
	rq_means_typed(a.budget, &tmp);
	ctx_str(form, "budget", form_or(r, keep, "budget", buf_cstr(&tmp)));
	buf_reset(&tmp);
	rq_means_typed(a.staff, &tmp);
	ctx_str(form, "staff", form_or(r, keep, "staff", buf_cstr(&tmp)));
	for (int i = 0; i < F_COUNT; i++) {
		char key[32];
		snprintf(key, sizeof key, "err_%s", field_names[i]);
		ctx_str(form, key, st ? buf_cstr(&st->err[i]) : "");
	}
	value_t *pl = value_put_list(form, "pilots");
	for (size_t i = 0; i < npilots; i++)
		value_list_push(pl, value_cstring(pilots[i]));
	value_map_set(ctx, "form", form);

	value_t *il = value_put_list(ctx, "indicators");
	for (size_t i = 0; i < inds.len; i++)
		indicator_row(r, value_push_map(il), &inds.items[i], st);

	buf_t html = BUF_INIT, url = BUF_INIT;
	if (pilotage_guide_html(r, a.idbp, &html, &url)) {
		ctx_str(ctx, "guide_html", buf_cstr(&html));
		ctx_str(ctx, "guide_url", buf_cstr(&url));
	}
	buf_free(&html);
	buf_free(&url);

	value_t *hist = value_put_list(ctx, "history");
	/* Most recent first: what changed lately matters most. */
	for (size_t i = a.history.len; i-- > 0;) {
		const history_entry_t *h = &a.history.items[i];
		value_t *row = value_push_map(hist);
		ctx_instant(row, "at", h->at);
		ctx_str(row, "actor", h->actor);
		ctx_str(row, "field", h->field);
		ctx_str(row, "old", h->old_value);
		ctx_str(row, "new", h->new_value);
	}
	ctx_bool(ctx, "has_history", a.history.len > 0);
	buf_free(&tmp);
	rq_render(r, st ? st->status : 200, "practice", ctx);
cleanup:
	for (size_t i = 0; i < npilots; i++)
		free(pilots[i]);
	free(pilots);
	assessment_free(&a);
	indicator_list_free(&inds);
}

static int field_of_rule(const char *rule)
{
	static const struct {
		const char *rule;
		int field;
	} map[] = {
		{"bad-status", F_STATUS}, {"bad-pilot", F_PILOT}, {"unknown-pilot", F_PILOT},
		{"bad-owner", F_OWNER}, {"bad-date", F_DUE}, {"bad-comment", F_COMMENT},
		{"justification-required", F_COMMENT}, {"always-applicable", F_STATUS}, {"bad-url", F_EVIDENCE},
		{"unknown-evidence", F_EVIDENCE},
		{"too-much-evidence", F_EVIDENCE}, {"bad-budget", F_BUDGET}, {"bad-staff", F_STAFF},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (rule && strcmp(rule, map[i].rule) == 0)
			return map[i].field;
	return -1;
}

/* The evidence textarea's lines (declared in web/pilotage.h for the fuzz harness). */
char **pilotage_split_lines(const char *s, size_t *n)
{
	char **out = NULL;
	size_t cap = 0;
	*n = 0;
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char *line = xstrndup(s, len);
		char *t = input_trim(line);
		free(line);
		if (*t) {
			out = xgrow(out, &cap, *n + 1, sizeof *out);
			out[(*n)++] = t;
		} else {
			free(t);
		}
		s = e ? e + 1 : s + len;
	}
	return out;
}

void pilotage_lines_free(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* After a saved form: back to the practice page in its scope, with what
 * to say (query) and where (fragment, may be NULL). */
static void redirect_practice(rq_t *r, const char *idbp, const char *query, const char *fragment)
{
	buf_t path = BUF_INIT;
	buf_puts(&path, "/pilotage/pratiques/");
	http_encode(idbp, strlen(idbp), &path);
	rq_redirect_scoped(r, buf_cstr(&path), query, fragment);
	buf_free(&path);
}

/* What the evidence textarea changes: the lines not yet evidence (each
 * once) into add, the evidence no line keeps into del. The lists are a
 * practice's links, at most ASSESS_MAX_EVIDENCE of them: pairwise is fine. */
static void evidence_changes(const assessment_t *a, char **lines, size_t nlines, const char **add, size_t *nadd,
			     const char **del, size_t *ndel)
{
	for (size_t i = 0; i < nlines; i++) {
		bool have = false;
		for (size_t j = 0; j < a->nevidence && !have; j++)
			have = strcmp(lines[i], a->evidence[j]) == 0;
		bool dup = false;
		for (size_t j = 0; j < *nadd && !dup; j++)
			dup = strcmp(lines[i], add[j]) == 0;
		if (!have && !dup)
			add[(*nadd)++] = lines[i];
	}
	for (size_t j = 0; j < a->nevidence; j++) {
		bool kept = false;
		for (size_t i = 0; i < nlines && !kept; i++)
			kept = strcmp(lines[i], a->evidence[j]) == 0;
		if (!kept)
			del[(*ndel)++] = a->evidence[j];
	}
}

/* A refused assessment's diagnostics, in French, next to their fields (the
 * others above the form). */
static void refusal_to_fields(const diag_list_t *d, practice_state_t *st)
{
	for (size_t i = 0; i < d->len; i++) {
		int fi = field_of_rule(d->items[i].rule);
		buf_t *target = fi >= 0 ? &st->err[fi] : &st->form_error;
		buf_t msg = BUF_INIT;
		rq_diag_fr(&d->items[i], &msg);
		/* Every field is checked: two bad links give one message. */
		if (!target->len || !strstr(buf_cstr(target), buf_cstr(&msg))) {
			if (target->len)
				buf_putc(target, ' ');
			buf_put(target, msg.ptr ? msg.ptr : "", msg.len);
		}
		buf_free(&msg);
	}
}

void do_assess(rq_t *r, const char *idbp)
{
	assessment_t a;
	memset(&a, 0, sizeof a);
	practice_state_t st;
	memset(&st, 0, sizeof st);
	char **lines = NULL;
	const char **add = NULL, **del = NULL;
	size_t nlines = 0, nadd = 0, ndel = 0;
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc;
	if (!rq_practice(r, idbp, 1, &a))
		goto cleanup;
	const http_params_t *f = &r->req->form;
	const char *pilot = http_param(f, "pilot");
	if (!account_may_edit(&r->user, a.pilot)) {
		rq_forbidden(r, "Votre rôle ne permet pas de modifier cette pratique. Rien n'a été enregistré.");
		goto cleanup;
	}
	if (!account_may_set_pilot(&r->user, a.pilot, pilot)) {
		rq_forbidden(r, "Vous ne pouvez confier une pratique qu'à l'une de vos fonctions, et pas la laisser sans "
				"fonction pilote. Rien n'a été enregistré.");
		goto cleanup;
	}
	st.status = 422;
	st.keep_form = true;
	lines = pilotage_split_lines(http_param(f, "evidence"), &nlines);
	add = xcalloc(nlines + 1, sizeof *add);
	del = xcalloc(a.nevidence + 1, sizeof *del);
	evidence_changes(&a, lines, nlines, add, &nadd, del, &ndel);
	assess_change_t c;
	memset(&c, 0, sizeof c);
	c.status = http_param(f, "status");
	c.pilot = pilot ? pilot : "";
	c.owner = http_param(f, "owner");
	c.due = http_param(f, "due");
	c.comment = http_param(f, "comment");
	if (!c.owner)
		c.owner = "";
	if (!c.due)
		c.due = "";
	if (!c.comment)
		c.comment = "";
	/* Browsers send CRLF in textareas; the database keeps LF. */
	char *comment = xstrdup(c.comment), *w = comment;
	for (const char *p = c.comment; *p; p++)
		if (*p != '\r')
			*w++ = *p;
	*w = '\0';
	c.comment = comment;
	c.add_evidence = add;
	c.nadd = nadd;
	c.remove_evidence = del;
	c.nremove = ndel;
	/* Absent (an older form): unchanged; empty: cleared. */
	c.budget = http_param(f, "budget");
	c.staff = http_param(f, "staff");
	/* The version the form was read at, as the page wrote it: a missing or
	 * differently written one matches no version (-1 is none's). */
	const char *version = http_param(f, "version");
	char canon[32] = "";
	errno = 0;
	c.check_version = true;
	c.if_version = version ? strtoll(version, NULL, 10) : -1;
	snprintf(canon, sizeof canon, "%lld", c.if_version);
	if (!version || errno || strcmp(version, canon) != 0)
		c.if_version = -1;
	rc = assess_set(r->s, a.idbp, &c, NULL, &d);
	free(comment);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		goto cleanup;
	}
	if (rc == STEER_REFUSED && assess_is_stale(&d)) {
		st.status = 409;
		buf_t when = BUF_INIT;
		if (a.updated_at && !frdate_instant(a.updated_at, &when))
			buf_puts(&when, a.updated_at);
		buf_printf(&st.form_error,
			   "Cette pratique a été modifiée%s%s%s%s depuis l'ouverture de votre formulaire : rien n'a été "
			   "enregistré. L'évaluation actuelle est affichée ci-dessus ; vos saisies sont conservées "
			   "ci-dessous, enregistrez-les à nouveau pour remplacer la version actuelle.",
			   a.updated_by ? " par " : "", a.updated_by ? a.updated_by : "", a.updated_at ? " le " : "",
			   buf_cstr(&when));
		buf_free(&when);
		pg_practice(r, a.idbp, &st);
		goto cleanup;
	}
	if (rc) {
		refusal_to_fields(&d, &st);
		if (!st.form_error.len)
			buf_puts(&st.form_error, "L'évaluation n'a pas été enregistrée : corrigez les champs signalés.");
		/* Nothing of the refused change may stay: assess_set wrote nothing,
		 * and the transaction is rolled back anyway. */
		pg_practice(r, a.idbp, &st);
		goto cleanup;
	}
	r->commit = true;
	redirect_practice(r, a.idbp, "ok=evaluation", NULL);
cleanup:
	pilotage_lines_free(lines, nlines);
	free(add);
	free(del);
	state_free(&st);
	diag_list_free(&d);
	assessment_free(&a);
}

void do_measure(rq_t *r, const char *idbp)
{
	assessment_t a;
	memset(&a, 0, sizeof a);
	practice_state_t st;
	memset(&st, 0, sizeof st);
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc;
	if (!rq_practice(r, idbp, 1, &a))
		goto cleanup;
	if (!account_may_edit(&r->user, a.pilot)) {
		rq_forbidden(r, "Votre rôle ne permet pas de mesurer les indicateurs de cette pratique. Rien n'a été enregistré.");
		goto cleanup;
	}
	const http_params_t *f = &r->req->form;
	const char *num_s = http_param(f, "indicator"), *value = http_param(f, "value"),
		   *period = http_param(f, "period");
	char *end = NULL;
	long num = num_s ? strtol(num_s, &end, 10) : 0;
	if (!num_s || *end || num <= 0 || num > 100000) {
		rq_error(r, 400, "Requête invalide", "Indicateur manquant ou invalide.");
		goto cleanup;
	}
	indicator_ref_t ref = {(int)num, NULL};
	measure_result_t res;
	memset(&res, 0, sizeof res);
	rc = indicator_measure(r->s, a.idbp, ref, value ? value : "", period && *period ? period : NULL, NULL, NULL,
			       &res, &d);
	measure_result_free(&res);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		goto cleanup;
	}
	if (rc) {
		st.status = 422;
		st.m_num = (int)num;
		for (size_t i = 0; i < d.len; i++) {
			const char *rule = d.items[i].rule ? d.items[i].rule : "";
			buf_t *t = strstr(rule, "period") ? &st.m_err_period : &st.m_err_value;
			if (t->len)
				buf_putc(t, ' ');
			rq_diag_fr(&d.items[i], t);
		}
		buf_puts(&st.form_error, "");
		pg_practice(r, a.idbp, &st);
		goto cleanup;
	}
	r->commit = true;
	redirect_practice(r, a.idbp, "ok=mesure", "indicateurs");
cleanup:
	state_free(&st);
	diag_list_free(&d);
	assessment_free(&a);
}

/* --- consolidation --------------------------------------------------------------- */

/* A value in tenths of a percent as the pages write scores ("42,7"), or
 * "—" when there is none. */
static void tenths_fr(long t, buf_t *out)
{
	buf_reset(out);
	if (t < 0)
		buf_puts(out, "—");
	else
		buf_printf(out, "%ld,%ld", t / 10, t % 10);
}

/* A link to a child in the same référentiel: its own consolidation when its
 * value is its children's mean, else its dashboard. */
static void child_url(rq_t *r, const consolidate_child_t *x, buf_t *out)
{
	buf_reset(out);
	if (!x->assessed)
		return;
	buf_puts(out, x->consolidated ? "/pilotage/consolidation?perimetre=" : "/pilotage/?perimetre=");
	http_encode(x->name, strlen(x->name), out);
	if (r->guide) {
		buf_puts(out, "&referentiel=");
		http_encode(r->guide, strlen(r->guide), out);
	}
}

void pg_consolidation(rq_t *r)
{
	consolidate_t c;
	if (consolidate(r->s, &c, &r->d)) {
		rq_io_error(r);
		return;
	}
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_consolidation", true);
	ctx_str(ctx, "perimeter", c.perimeter);
	ctx_str(ctx, "guide", c.guide);
	buf_t v = BUF_INIT;
	ctx_bool(ctx, "has_value", c.valued > 0);
	tenths_fr(c.tenths, &v);
	ctx_str(ctx, "score", buf_cstr(&v));
	tenths_fr(c.min_tenths, &v);
	ctx_str(ctx, "min", buf_cstr(&v));
	tenths_fr(c.max_tenths, &v);
	ctx_str(ctx, "max", buf_cstr(&v));
	value_put_int(ctx, "valued", (long long)c.valued);
	value_put_int(ctx, "perimeters", (long long)c.perimeters);
	value_t *children = value_put_list(ctx, "children");
	for (size_t i = 0; i < c.nchildren; i++) {
		const consolidate_child_t *x = &c.children[i];
		value_t *row = value_push_map(children);
		ctx_str(row, "name", x->name);
		ctx_str(row, "kind", strcmp(x->kind, "etablissement") == 0 ? "établissement" : x->kind);
		tenths_fr(x->tenths, &v);
		ctx_str(row, "score", x->tenths < 0 ? "non évalué" : buf_cstr(&v));
		ctx_bool(row, "consolidated", x->consolidated);
		value_put_int(row, "perimeters", (long long)x->perimeters);
		child_url(r, x, &v);
		ctx_str(row, "url", buf_cstr(&v));
	}
	ctx_bool(ctx, "has_children", c.nchildren > 0);
	value_t *items = value_put_list(ctx, "items");
	for (size_t i = 0; i < c.nitems; i++) {
		const consolidate_item_t *x = &c.items[i];
		value_t *row = value_push_map(items);
		ctx_str(row, "idbp", x->idbp);
		ctx_str(row, "title", x->title);
		value_put_int(row, "done", (long long)x->done);
		value_put_int(row, "counted", (long long)x->counted);
		value_put_int(row, "not_done", (long long)x->not_done);
	}
	ctx_bool(ctx, "has_items", c.nitems > 0);
	buf_free(&v);
	consolidate_free(&c);
	rq_render(r, 200, "consolidation", ctx);
}

/* --- action plan ---------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return strcmp(x, y);
}

/* The plan's means (plan_means, when any action has some): means_tables,
 * by theme then by pilot (caption, head, rows: label, actions, budget_fr,
 * staff_fr), and means_all. */
static void plan_means_ctx(value_t *ctx, const plan_t *plan)
{
	plan_totals_t t;
	plan_totals(plan, &t);
	bool any = t.all.budget >= 0 || t.all.staff >= 0;
	ctx_bool(ctx, "plan_means", any);
	value_t *tables = value_put_list(ctx, "means_tables");
	for (int k = 0; any && k < 2; k++) {
		value_t *tab = value_push_map(tables);
		ctx_str(tab, "caption", k ? "Moyens par fonction pilote" : "Moyens par thématique");
		ctx_str(tab, "head", k ? "Fonction pilote" : "Thématique");
		value_t *rows = value_put_list(tab, "rows");
		size_t n = k ? t.npilots : t.nthemes;
		for (size_t i = 0; i < n; i++) {
			const plan_means_t *m = k ? &t.pilots[i] : &t.themes[i];
			value_t *row = value_push_map(rows);
			buf_t label = BUF_INIT;
			if (!k)
				buf_printf(&label, "%s %s", m->key, m->label);
			else
				buf_puts(&label, m->key ? m->key : "Sans fonction pilote");
			ctx_str(row, "label", buf_cstr(&label));
			buf_free(&label);
			value_put_int(row, "actions", (long long)m->actions);
			rq_means_ctx(row, m->budget, m->staff);
		}
	}
	value_t *all = value_map();
	value_put_int(all, "actions", (long long)t.all.actions);
	rq_means_ctx(all, t.all.budget, t.all.staff);
	value_map_set(ctx, "means_all", all);
	plan_totals_free(&t);
}

void pg_plan(rq_t *r)
{
	plan_t plan;
	if (plan_build(r->s, PLAN_ACTIONS, NULL, &plan, &r->d)) {
		rq_io_error(r);
		return;
	}
	/* Groups by pilot function, named in alphabetical order, those without
	 * one last; within a group the plan's order (priority, quick wins). */
	const char **names = xcalloc(plan.len + 1, sizeof *names);
	size_t nnames = 0;
	bool none = false;
	for (size_t i = 0; i < plan.len; i++) {
		const char *p = plan.items[i].pilot;
		if (!p || !*p) {
			none = true;
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < nnames && !dup; j++)
			dup = strcmp(names[j], p) == 0;
		if (!dup)
			names[nnames++] = p;
	}
	qsort(names, nnames, sizeof *names, cmp_str);
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_plan", true);
	value_put_int(ctx, "count", (long long)plan.len);
	value_put_int(ctx, "overdue", (long long)plan.overdue);
	value_t *groups = value_put_list(ctx, "groups");
	buf_t slug = BUF_INIT;
	for (size_t g = 0; g < nnames + (none ? 1 : 0); g++) {
		const char *name = g < nnames ? names[g] : NULL;
		value_t *grp = value_push_map(groups);
		ctx_str(grp, "name", name ? name : "Sans fonction pilote");
		value_t *rows = value_put_list(grp, "rows");
		for (size_t i = 0; i < plan.len; i++) {
			const plan_item_t *x = &plan.items[i];
			bool in = name ? (x->pilot && strcmp(x->pilot, name) == 0) : (!x->pilot || !*x->pilot);
			if (!in)
				continue;
			value_t *row = value_push_map(rows);
			ctx_str(row, "idbp", x->idbp);
			ctx_str(row, "title", x->title);
			ctx_str(row, "priority", x->priority);
			ctx_str(row, "difficulty", x->difficulty);
			ctx_str(row, "status", status_name(plan.profile, x->status));
			buf_reset(&slug);
			status_slug(plan.profile, x->status, &slug);
			ctx_str(row, "status_class", buf_cstr(&slug));
			ctx_str(row, "owner", x->owner);
			ctx_str(row, "due", x->due);
			ctx_bool(row, "overdue", x->overdue);
			ctx_bool(row, "quick_win", x->difficulty_rank == 0);
			rq_means_ctx(row, x->budget, x->staff);
		}
	}
	plan_means_ctx(ctx, &plan);
	buf_free(&slug);
	free(names);
	plan_free(&plan);
	rq_render(r, 200, "plan", ctx);
}

void pg_download(rq_t *r, const char *name)
{
	static const struct {
		const char *name, *type;
	} files[] = {
		{"evaluations.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"plan-action.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"plan-action.csv", "text/csv; charset=utf-8"},
	};
	size_t k = 0;
	while (k < sizeof files / sizeof *files && strcmp(files[k].name, name) != 0)
		k++;
	if (k == sizeof files / sizeof *files) {
		rq_error(r, 404, "Page introuvable", "Cette page n'existe pas.");
		return;
	}
	buf_t out = BUF_INIT;
	steer_rc rc = k == 0 ? sheet_export(r->s, SHEET_XLSX, false, &out, &r->d)
			     : sheet_export_plan(r->s, NULL, k == 1, &out, &r->d);
	if (rc) {
		buf_free(&out);
		rq_io_error(r);
		return;
	}
	char disp[96];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", files[k].name);
	r->res->type = files[k].type;
	web_set_header(r->res, "Content-Disposition", disp);
	buf_put(&r->res->body, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
}

/* --- indicators ------------------------------------------------------------------- */

void pg_indicators(rq_t *r)
{
	indicator_list_t inds;
	if (indicator_list(r->s, NULL, 2, &inds, &r->d)) {
		rq_io_error(r);
		return;
	}
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_indicators", true);
	value_t *rows = value_put_list(ctx, "rows");
	for (size_t i = 0; i < inds.len; i++) {
		const indicator_t *x = &inds.items[i];
		if (x->archived)
			continue;
		value_t *row = value_push_map(rows);
		ctx_str(row, "idbp", x->idbp);
		value_put_int(row, "num", x->num);
		ctx_str(row, "name", x->name);
		ctx_str(row, "unit", x->unit);
		ctx_str(row, "target", x->target);
		ctx_str(row, "last", x->nmeasures ? x->measures[0].value : "");
		ctx_str(row, "period", x->nmeasures ? x->measures[0].period : "");
		ctx_bool(row, "due", x->due);
		const char *trend = "";
		double a, b;
		char ca[INPUT_NUMBER_CAP], cb[INPUT_NUMBER_CAP];
		if (x->nmeasures >= 2 && x->type != IND_TEXT && x->type != IND_YESNO &&
		    input_number(x->measures[0].value, ca, sizeof ca, &a) &&
		    input_number(x->measures[1].value, cb, sizeof cb, &b))
			trend = a > b ? "en hausse" : a < b ? "en baisse" : "stable";
		ctx_str(row, "trend", trend);
	}
	indicator_list_free(&inds);
	rq_render(r, 200, "indicators", ctx);
}

/* --- snapshots --------------------------------------------------------------------- */

static void snapshots_page(rq_t *r, int status, const char *name_in, const char *error)
{
	snapshot_list_t l;
	if (snapshot_list(r->s, &l, &r->d)) {
		rq_io_error(r);
		return;
	}
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_snapshots", true);
	value_t *rows = value_put_list(ctx, "rows");
	buf_t v = BUF_INIT;
	for (size_t i = l.len; i-- > 0;) {
		const snapshot_info_t *x = &l.items[i];
		value_t *row = value_push_map(rows);
		buf_reset(&v);
		score_format(x->num, x->den, ',', &v);
		ctx_str(row, "name", x->name);
		ctx_instant(row, "created_at", x->created_at);
		ctx_str(row, "created_by", x->created_by);
		ctx_str(row, "score", buf_cstr(&v));
		value_put_int(row, "assessed", (long long)x->assessed);
		value_put_int(row, "total", (long long)x->total);
	}
	ctx_bool(ctx, "has_rows", l.len > 0);
	ctx_bool(ctx, "can_compare", l.len > 0);
	ctx_str(ctx, "name", name_in);
	ctx_str(ctx, "err_name", error);
	/* Comparison: ?a=NAME&b=NAME (b empty: now). */
	const char *qa = http_param(&r->req->query, "a"), *qb = http_param(&r->req->query, "b");
	value_t *opts = value_put_list(ctx, "options");
	for (size_t i = l.len; i-- > 0;) {
		value_t *o = value_push_map(opts);
		ctx_str(o, "value", l.items[i].name);
		ctx_bool(o, "sel_a", qa && strcmp(qa, l.items[i].name) == 0);
		ctx_bool(o, "sel_b", qb && strcmp(qb, l.items[i].name) == 0);
	}
	if (qa && *qa) {
		snapshot_diff_t df;
		diag_list_t dd = DIAG_LIST_INIT;
		if (snapshot_diff(r->s, qa, qb && *qb ? qb : NULL, &df, &dd) == STEER_OK) {
			value_t *cmp = value_map();
			ctx_str(cmp, "a", qa);
			ctx_str(cmp, "b", qb && *qb ? qb : "maintenant");
			buf_reset(&v);
			score_format(df.a.info.num, df.a.info.den, ',', &v);
			ctx_str(cmp, "score_a", buf_cstr(&v));
			buf_reset(&v);
			score_format(df.b.info.num, df.b.info.den, ',', &v);
			ctx_str(cmp, "score_b", buf_cstr(&v));
			value_put_int(cmp, "up", (long long)df.up);
			value_put_int(cmp, "down", (long long)df.down);
			value_t *mv = value_put_list(cmp, "moves");
			for (size_t i = 0; i < df.nmoves; i++) {
				const snapshot_move_t *m = &df.moves[i];
				const snapshot_item_t *it = m->b ? m->b : m->a;
				value_t *row = value_push_map(mv);
				ctx_str(row, "idbp", it->idbp);
				ctx_str(row, "title", it->title);
				ctx_str(row, "from", m->a ? status_name(df.b.info.profile, m->a->status) : "—");
				ctx_str(row, "to", m->b ? status_name(df.b.info.profile, m->b->status) : "—");
				ctx_str(row, "kind", m->kind == MOVE_UP ? "progrès" : m->kind == MOVE_DOWN ? "recul" : "autre");
			}
			ctx_bool(cmp, "has_moves", df.nmoves > 0);
			value_map_set(ctx, "compare", cmp);
			snapshot_diff_free(&df);
		} else {
			ctx_str(ctx, "compare_error", "Instantané inconnu.");
		}
		diag_list_free(&dd);
	}
	buf_free(&v);
	snapshot_list_free(&l);
	rq_render(r, status, "snapshots", ctx);
}

void pg_snapshots(rq_t *r)
{
	snapshots_page(r, 200, "", NULL);
}

void do_snapshot(rq_t *r)
{
	if (!account_may_snapshot(&r->user)) {
		rq_forbidden(r, "Seuls les administrateurs créent des instantanés. Rien n'a été enregistré.");
		return;
	}
	const char *name = http_param(&r->req->form, "name");
	char *t = input_trim(name ? name : "");
	diag_list_t d = DIAG_LIST_INIT;
	const char *problem = input_text_problem(t, INPUT_MAX_NAME, false);
	if (!*t || problem) {
		snapshots_page(r, 422, name, !*t ? "Donnez un nom à l'instantané (par exemple « T1 2026 »)."
						 : "Nom invalide (200 caractères au plus, sans caractère de contrôle).");
		goto cleanup;
	}
	steer_rc rc = snapshot_create(r->s, t, NULL, &d);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		goto cleanup;
	}
	if (rc) {
		snapshots_page(r, 422, name, "Ce nom est déjà pris par un autre instantané.");
		goto cleanup;
	}
	r->commit = true;
	rq_redirect_scoped(r, "/pilotage/instantanes", "ok=instantane", NULL);
cleanup:
	free(t);
	diag_list_free(&d);
}

/* --- report --------------------------------------------------------------------------- */

void pg_report(rq_t *r)
{
	report_options_t opt = REPORT_OPTIONS_DEFAULT;
	buf_t out = BUF_INIT;
	if (report_html(r->s, &opt, &out, &r->d)) {
		buf_free(&out);
		rq_io_error(r);
		return;
	}
	r->res->type = "text/html; charset=utf-8";
	web_set_header(r->res, "Cache-Control", "no-store");
	/* One file with its stylesheet inlined, to be saved or mailed: the
	 * app's policy allows that stylesheet by its hash. */
	web_csp_inline_style(r->res, buf_cstr(&out));
	buf_put(&r->res->body, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
}

/* --- administration ------------------------------------------------------------------- */

/* What importing the guide the site serves would change, against the
 * version in the database: the preview before an upgrade. */
static steer_rc upgrade_preview(rq_t *r, value_t *ctx)
{
	void *hold = NULL;
	const guide_t *g = pilotage_guide_hold(r, &hold);
	if (!g)
		return STEER_OK;
	catalog_t oldc, newc;
	catalog_diff_t diff;
	memset(&oldc, 0, sizeof oldc);
	memset(&diff, 0, sizeof diff);
	long long vid = 0;
	char *version = NULL;
	steer_rc rc = store_current_version(r->s, &vid, &version, &r->d);
	if (!rc && vid)
		rc = catalog_load(r->s, vid, &oldc, &r->d);
	if (rc) {
		free(version);
		catalog_free(&oldc);
		pilotage_guide_release(hold);
		return rc;
	}
	catalog_from_guide(g, &newc);
	catalog_diff(&oldc, &newc, &diff);
	value_t *up = value_map();
	ctx_str(up, "current", version);
	ctx_str(up, "next", newc.version);
	value_put_int(up, "added", (long long)diff.added);
	value_put_int(up, "removed", (long long)diff.removed);
	value_put_int(up, "changed", (long long)diff.changed);
	value_t *items = value_put_list(up, "items");
	for (size_t i = 0; i < diff.len; i++) {
		const catalog_delta_t *x = &diff.items[i];
		const catalog_practice_t *p = catalog_delta_practice(x);
		value_t *row = value_push_map(items);
		ctx_str(row, "idbp", p->idbp);
		ctx_str(row, "title", p->title);
		buf_t what = BUF_INIT;
		if (!x->old)
			buf_puts(&what, "ajoutée");
		else if (!x->new_)
			buf_puts(&what, "retirée (archivée, son évaluation est conservée)");
		else {
			static const struct {
				unsigned bit;
				const char *name;
			} bits[] = {{CATALOG_TITLE, "titre"}, {CATALOG_THEME, "thématique"}, {CATALOG_PRIORITY, "priorité"},
				    {CATALOG_DIFFICULTY, "difficulté"}, {CATALOG_WHO, "pilotes"},
				    {CATALOG_INDICATORS, "indicateurs"}};
			buf_puts(&what, "modifiée :");
			for (size_t k = 0; k < sizeof bits / sizeof *bits; k++)
				if (x->changes & bits[k].bit)
					buf_printf(&what, " %s", bits[k].name);
		}
		ctx_str(row, "what", buf_cstr(&what));
		buf_free(&what);
	}
	ctx_bool(up, "pending", diff.len > 0);
	value_map_set(ctx, "upgrade", up);
	free(version);
	catalog_diff_free(&diff);
	catalog_free(&oldc);
	catalog_free(&newc);
	pilotage_guide_release(hold);
	return STEER_OK;
}

void do_upgrade(rq_t *r)
{
	if (!account_may_administer(&r->user)) {
		rq_forbidden(r, "Seuls les administrateurs de l'organisation mettent à jour le guide. Rien n'a été "
				"enregistré.");
		return;
	}
	void *hold = NULL;
	const guide_t *g = pilotage_guide_hold(r, &hold);
	if (!g) {
		rq_error(r, 409, "Mise à jour impossible", "Aucun guide n'est servi par ce serveur.");
		return;
	}
	catalog_import_t res;
	memset(&res, 0, sizeof res);
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = catalog_import(r->s, g, "gbpnr", profile_builtin("gbpnr"), "sobre serve", &res, &d);
	bool unchanged = res.unchanged;
	catalog_import_free(&res);
	pilotage_guide_release(hold);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
	} else if (rc) {
		rq_error(r, 422, "Mise à jour refusée", d.len ? d.items[0].msg : "Le guide a été refusé.");
	} else {
		r->commit = !unchanged;
		rq_redirect_scoped(r, "/pilotage/administration", unchanged ? NULL : "ok=guide", NULL);
	}
	diag_list_free(&d);
}

void pg_admin(rq_t *r, value_t *extra)
{
	if (!account_may_administer(&r->user)) {
		value_free(extra);
		rq_forbidden(r, "L'administration est réservée aux administrateurs de l'organisation.");
		return;
	}
	account_list_t users;
	perimeter_list_t perims;
	unsigned w[STORE_NPRIORITIES];
	char **pilots = NULL;
	size_t npilots = 0;
	memset(&perims, 0, sizeof perims);
	if (account_list(r->s, &users, &r->d) || store_weights(r->s, w, &r->d) ||
	    catalog_pilots(r->s, &pilots, &npilots, &r->d) || perimeter_list(r->s, false, &perims, &r->d)) {
		value_free(extra);
		account_list_free(&users);
		perimeter_list_free(&perims);
		rq_io_error(r);
		goto cleanup;
	}
	value_t *ctx = extra ? extra : value_map();
	ctx_bool(ctx, "nav_admin", true);
	bool scoped = perims.len > 1;
	value_t *pv = value_put_list(ctx, "role_perimeters");
	buf_t label = BUF_INIT;
	for (size_t i = 0; i < perims.len; i++) {
		value_t *o = value_push_map(pv);
		buf_reset(&label);
		for (size_t k = 0; k < perims.items[i].depth; k++)
			buf_puts(&label, "\xc2\xa0\xc2\xa0");
		buf_puts(&label, perims.items[i].name);
		if (i == 0)
			buf_puts(&label, " (toute l'organisation)");
		ctx_str(o, "value", i ? perims.items[i].name : "");
		ctx_str(o, "label", buf_cstr(&label));
	}
	buf_free(&label);
	value_t *ul = value_put_list(ctx, "users");
	for (size_t i = 0; i < users.len; i++) {
		value_t *row = value_push_map(ul);
		ctx_str(row, "email", users.items[i].email);
		ctx_str(row, "role", account_role_name(users.items[i].role));
		if (users.items[i].perimeter_name) {
			ctx_str(row, "perimeter", users.items[i].perimeter_name);
			scoped = true;
		}
		buf_t f = BUF_INIT;
		for (size_t j = 0; j < users.items[i].nfunctions; j++)
			buf_printf(&f, "%s%s", j ? ", " : "", users.items[i].functions[j]);
		ctx_str(row, "functions", buf_cstr(&f));
		buf_free(&f);
		ctx_instant(row, "created_at", users.items[i].created_at);
	}
	value_t *wl = value_put_list(ctx, "weights");
	for (int i = 0; i < STORE_NPRIORITIES; i++) {
		value_t *row = value_push_map(wl);
		ctx_str(row, "priority", store_priorities[i]);
		value_put_int(row, "index", i);
		value_put_int(row, "weight", w[i]);
	}
	ctx_bool(ctx, "has_perimeters", scoped);
	value_t *pl = value_put_list(ctx, "pilots");
	for (size_t i = 0; i < npilots; i++)
		value_list_push(pl, value_cstring(pilots[i]));
	account_list_free(&users);
	perimeter_list_free(&perims);
	if (upgrade_preview(r, ctx)) {
		value_free(ctx);
		rq_io_error(r);
		goto cleanup;
	}
	rq_render(r, value_get(ctx, "status_code") ? 422 : 200, "admin", ctx);
cleanup:
	for (size_t i = 0; i < npilots; i++)
		free(pilots[i]);
	free(pilots);
}

void do_add_user(rq_t *r)
{
	if (!account_may_administer(&r->user)) {
		rq_forbidden(r, "Seuls les administrateurs de l'organisation gèrent les comptes. Rien n'a été enregistré.");
		return;
	}
	const http_params_t *f = &r->req->form;
	const char *email = http_param(f, "email"), *role_s = http_param(f, "role"),
		   *perimeter = http_param(f, "perimetre_role");
	const char *funcs[HTTP_MAX_PARAMS];
	size_t nf = 0;
	for (size_t i = 0; i < f->len && nf < HTTP_MAX_PARAMS; i++)
		if (strcmp(f->items[i].name, "function") == 0 && *f->items[i].value)
			funcs[nf++] = f->items[i].value;
	int role = account_role_parse(role_s);
	char pw[ACCOUNT_PASSWORD_LEN + 1];
	account_generate_password(pw);
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = role < 0 ? STEER_REFUSED
			       : account_add_in(r->s, email ? email : "", (account_role_t)role,
						perimeter && *perimeter ? perimeter : NULL, funcs, nf, pw, &d);
	value_t *ctx = value_map();
	ctx_str(ctx, "new_email", email);
	if (rc == STEER_IO) {
		value_free(ctx);
		diag_move_all(&r->d, &d);
		rq_io_error(r);
	} else if (rc) {
		buf_t msg = BUF_INIT;
		if (role < 0)
			buf_puts(&msg, "Choisissez un rôle.");
		for (size_t i = 0; i < d.len; i++) {
			const char *m = d.items[i].msg;
			if (strstr(m, "e-mail"))
				buf_puts(&msg, "Adresse électronique invalide. ");
			else if (strstr(m, "already exists"))
				buf_puts(&msg, "Cette adresse a déjà un compte. ");
			else if (strstr(m, "pilot function"))
				buf_puts(&msg, "Fonction pilote inconnue. ");
			else if (d.items[i].rule && strcmp(d.items[i].rule, "unknown-perimeter") == 0)
				buf_puts(&msg, "Périmètre inconnu. ");
			else if (d.items[i].rule && strcmp(d.items[i].rule, "archived-perimeter") == 0)
				buf_puts(&msg, "Ce périmètre est archivé. ");
			else
				buf_printf(&msg, "%s ", m);
		}
		ctx_str(ctx, "err_user", buf_cstr(&msg));
		ctx_bool(ctx, "status_code", true);
		buf_free(&msg);
		pg_admin(r, ctx);
	} else {
		r->commit = true;
		ctx_str(ctx, "flash", "Utilisateur ajouté.");
		ctx_str(ctx, "created_email", email);
		ctx_str(ctx, "created_password", pw);
		/* Shown once, on this answer to the POST, never stored in clear. */
		pg_admin(r, ctx);
	}
	memset(pw, 0, sizeof pw);
	diag_list_free(&d);
}

/* Removing an account, or giving it a new generated password (shown once
 * on this answer; its sessions are closed). */
void do_user_action(rq_t *r, bool remove)
{
	if (!account_may_administer(&r->user)) {
		rq_forbidden(r, "Seuls les administrateurs de l'organisation gèrent les comptes. Rien n'a été enregistré.");
		return;
	}
	const char *email = http_param(&r->req->form, "email");
	char pw[ACCOUNT_PASSWORD_LEN + 1];
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc;
	if (remove) {
		rc = account_remove(r->s, email ? email : "", &d);
	} else {
		account_generate_password(pw);
		rc = account_passwd(r->s, email ? email : "", pw, &d);
	}
	value_t *ctx = value_map();
	if (rc == STEER_IO) {
		value_free(ctx);
		diag_move_all(&r->d, &d);
		rq_io_error(r);
	} else if (rc) {
		ctx_str(ctx, "alert", d.len && strstr(d.items[0].msg, "last admin")
					      ? "Impossible de supprimer le dernier administrateur."
					      : "Compte inconnu : rien n'a été modifié.");
		ctx_bool(ctx, "status_code", true);
		pg_admin(r, ctx);
	} else {
		r->commit = true;
		if (remove) {
			ctx_str(ctx, "flash", "Compte supprimé.");
		} else {
			ctx_str(ctx, "flash", "Nouveau mot de passe créé ; les sessions de ce compte sont fermées et son jeton d'API révoqué.");
			ctx_str(ctx, "created_email", email);
			ctx_str(ctx, "created_password", pw);
		}
		pg_admin(r, ctx);
	}
	memset(pw, 0, sizeof pw);
	diag_list_free(&d);
}

void do_weights(rq_t *r)
{
	if (!account_may_administer(&r->user)) {
		rq_forbidden(r, "Seuls les administrateurs de l'organisation changent les poids. Rien n'a été enregistré.");
		return;
	}
	unsigned w[STORE_NPRIORITIES];
	for (int i = 0; i < STORE_NPRIORITIES; i++) {
		char key[16];
		snprintf(key, sizeof key, "w%d", i);
		const char *v = http_param(&r->req->form, key);
		char *end = NULL;
		long n = v && *v ? strtol(v, &end, 10) : -1;
		if (!v || !*v || *end || n < 0 || n > STORE_MAX_WEIGHT) {
			value_t *ctx = value_map();
			ctx_str(ctx, "err_weights", "Chaque poids est un nombre entier de 0 à 100.");
			ctx_bool(ctx, "status_code", true);
			pg_admin(r, ctx);
			return;
		}
		w[i] = (unsigned)n;
	}
	steer_rc rc = store_set_weights(r->s, w, &r->d);
	if (rc) {
		rq_io_error(r);
		return;
	}
	r->commit = true;
	rq_redirect_scoped(r, "/pilotage/administration", "ok=poids", NULL);
}
