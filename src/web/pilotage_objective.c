/* pilotage_objective: the web app's pages of the strategy's objectives
 * (steer/objective): the list of the scope's perimeter and its subtree
 * with each one's state and trajectory chart, the form that adds one, the
 * form that changes one (with its row version: a stale edit is refused as
 * the practice form refuses it) and its archiving; the dashboard's
 * "Objectifs" block. Everyone with access reads; the admins of the
 * perimeter write, as for its declaration (account_may_edit with no
 * pilot). A refused form is shown again with what was typed and the error
 * next to its field; nothing of it is written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/objective.h"
#include "util/xalloc.h"
#include "web/pilotage_internal.h"

/* The form's fields, as named in the page and in the errors. */
enum { O_NAME, O_INDICATOR, O_TARGET, O_DEADLINE, O_BASELINE, O_PERIOD, O_BUDGET, O_STAFF, O_NFIELDS };
static const char *const ofield[O_NFIELDS] = {"name", "indicator", "target", "deadline",
					      "baseline", "baseline_period", "budget", "staff"};

/* A refused form: the HTTP status, its errors by field and above it. */
typedef struct {
	int status;
	buf_t err[O_NFIELDS];
	buf_t top;
} oform_t;

static void oform_free(oform_t *f)
{
	for (size_t i = 0; i < O_NFIELDS; i++)
		buf_free(&f->err[i]);
	buf_free(&f->top);
}

/* The small charts of the list and the dashboard. */
#define CHART_W 300
#define CHART_H 130

/* "2027-12-31" as "31/12/2027". */
static void date_fr(const char *iso, buf_t *out)
{
	if (iso && strlen(iso) == 10)
		buf_printf(out, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		buf_puts(out, iso ? iso : "—");
}

static void put(value_t *m, const char *key, buf_t *b)
{
	ctx_str(m, key, buf_cstr(b));
	buf_reset(b);
}

static const char *state_class(objective_state_t s)
{
	static const char *const classes[OBJ_NSTATES] = {"atteint", "trajectoire", "retard", "sans-mesure"};
	return s < OBJ_NSTATES ? classes[s] : "";
}

/* One objective's row: its figures in French, its state and its chart
 * (chart id: "obj-ID"). */
static void objective_ctx(rq_t *r, value_t *row, const objective_t *o)
{
	buf_t b = BUF_INIT;
	value_put_int(row, "id", o->id);
	ctx_str(row, "name", o->name);
	ctx_str(row, "perimeter", o->perimeter);
	bool own = r->perimeter && strcmp(o->perimeter, r->perimeter) == 0;
	ctx_bool(row, "own", own);
	buf_printf(&b, "%s#%d — %s", o->idbp, o->num, o->indicator_name);
	put(row, "indicator", &b);
	objective_value_fr(o, o->baseline, &b);
	put(row, "baseline", &b);
	if (o->baseline_date)
		date_fr(o->baseline_date, &b);
	put(row, "baseline_date", &b);
	objective_value_fr(o, o->latest, &b);
	put(row, "latest", &b);
	ctx_str(row, "latest_period", o->latest_period);
	objective_value_fr(o, o->target, &b);
	put(row, "target", &b);
	date_fr(o->deadline, &b);
	put(row, "deadline", &b);
	ctx_str(row, "deadline_iso", o->deadline);
	objective_state_fr(o, &b);
	put(row, "state", &b);
	ctx_str(row, "state_class", state_class(o->eval.state));
	rq_means_ctx(row, o->budget, o->staff);
	chart_trajectory_t t;
	chart_tpoint_t *pts = NULL;
	objective_chart(o, &t, &pts);
	buf_printf(&b, "obj-%lld", o->id);
	value_map_set(row, "chart", chart_trajectory(buf_cstr(&b), &t, CHART_W, CHART_H));
	free(pts);
	buf_reset(&b);
	/* An objective of a sub-perimeter is changed from its own page. */
	if (own) {
		buf_printf(&b, "/pilotage/objectifs/%lld", o->id);
		buf_t u = BUF_INIT;
		rq_scoped_url(r, &u, buf_cstr(&b), NULL, NULL);
		ctx_str(row, "edit_url", buf_cstr(&u));
		buf_free(&u);
	} else {
		buf_puts(&b, "perimetre=");
		http_encode(o->perimeter, strlen(o->perimeter), &b);
		buf_t u = BUF_INIT;
		buf_printf(&u, "/pilotage/objectifs?%s", buf_cstr(&b));
		ctx_str(row, "perimeter_url", buf_cstr(&u));
		buf_free(&u);
	}
	buf_free(&b);
}

/* Counts by state, for the list and the dashboard: states (name, class,
 * count), only the states some objective is in. */
static void counts_ctx(value_t *ctx, const objective_list_t *l)
{
	size_t counts[OBJ_NSTATES] = {0};
	for (size_t i = 0; i < l->len; i++)
		counts[l->items[i].eval.state]++;
	value_t *sts = value_put_list(ctx, "states");
	for (int s = 0; s < OBJ_NSTATES; s++) {
		if (!counts[s])
			continue;
		value_t *m = value_push_map(sts);
		ctx_str(m, "name", objective_state_name((objective_state_t)s));
		ctx_str(m, "class", state_class((objective_state_t)s));
		value_put_int(m, "count", (long long)counts[s]);
	}
	value_put_int(ctx, "count", (long long)l->len);
	ctx_bool(ctx, "has_objectives", l->len > 0);
}

/* The form's values: what was posted when it was refused, else o's
 * (NULL: the add form, empty), and the errors. */
static value_t *form_ctx(rq_t *r, const objective_t *o, const oform_t *f)
{
	value_t *form = value_map();
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < O_NFIELDS; i++) {
		if (f) {
			ctx_str(form, ofield[i], http_param(&r->req->form, ofield[i]));
		} else if (o) {
			const char *v = i == O_NAME ? o->name : i == O_TARGET ? o->target : i == O_DEADLINE ? o->deadline
				      : i == O_BASELINE && !o->baseline_measured ? o->baseline
				      : i == O_PERIOD && !o->baseline_measured ? o->baseline_period : NULL;
			if (i == O_BUDGET || i == O_STAFF)
				rq_means_typed(i == O_BUDGET ? o->budget : o->staff, &b);
			else if (v && (i == O_TARGET || i == O_BASELINE))
				for (const char *p = v; *p; p++)
					buf_putc(&b, *p == '.' ? ',' : *p);
			else
				buf_puts(&b, v ? v : "");
			put(form, ofield[i], &b);
		} else {
			ctx_str(form, ofield[i], "");
		}
		char key[32];
		snprintf(key, sizeof key, "err_%s", ofield[i]);
		ctx_str(form, key, f ? buf_cstr(&f->err[i]) : "");
	}
	buf_free(&b);
	if (f && f->top.len)
		ctx_str(form, "form_error", buf_cstr(&f->top));
	return form;
}

/* The indicators an objective may be set on: the scope's yes/no,
 * percentage and quantity ones, "a.1#1 — wording". */
static steer_rc indicators_ctx(rq_t *r, value_t *form)
{
	indicator_list_t inds;
	if (indicator_list(r->s, NULL, 1, &inds, &r->d))
		return STEER_IO;
	const char *chosen = value_str(value_get(form, "indicator"));
	value_t *list = value_put_list(form, "indicators");
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < inds.len; i++) {
		const indicator_t *x = &inds.items[i];
		if (x->type == IND_TEXT || x->archived)
			continue;
		value_t *m = value_push_map(list);
		buf_printf(&b, "%s#%d", x->idbp, x->num);
		ctx_bool(m, "selected", chosen && strcmp(chosen, buf_cstr(&b)) == 0);
		put(m, "value", &b);
		buf_printf(&b, "%s#%d — %s (%s%s%s)", x->idbp, x->num, x->name, indicator_type_label(x->type),
			   x->unit && *x->unit ? ", " : "", x->unit ? x->unit : "");
		put(m, "label", &b);
	}
	ctx_bool(form, "has_indicators", list->u.list.len > 0);
	buf_free(&b);
	indicator_list_free(&inds);
	return STEER_OK;
}

static void objectives_page(rq_t *r, const oform_t *f)
{
	objective_list_t l;
	if (objective_list(r->s, false, &l, &r->d)) {
		rq_io_error(r);
		return;
	}
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_objectives", true);
	ctx_str(ctx, "perimeter", r->perimeter);
	counts_ctx(ctx, &l);
	value_t *rows = value_put_list(ctx, "objectives");
	for (size_t i = 0; i < l.len; i++)
		objective_ctx(r, value_push_map(rows), &l.items[i]);
	objective_list_free(&l);
	bool can_edit = account_may_edit(&r->user, NULL);
	ctx_bool(ctx, "can_edit", can_edit);
	if (can_edit) {
		value_t *form = form_ctx(r, NULL, f);
		value_map_set(ctx, "form", form);
		if (indicators_ctx(r, form)) {
			value_free(ctx);
			rq_io_error(r);
			return;
		}
	}
	const char *ok = http_param(&r->req->query, "ok");
	ctx_bool(ctx, "ok_added", ok && strcmp(ok, "ajout") == 0);
	ctx_bool(ctx, "ok_archived", ok && strcmp(ok, "archive") == 0);
	rq_render(r, f ? f->status : 200, "objectives", ctx);
}

void pg_objectives(rq_t *r)
{
	objectives_page(r, NULL);
}

/* The French of a refused objective's diagnostic. */
static void refusal_fr(const diag_t *x, buf_t *out)
{
	static const struct {
		const char *rule, *fr;
	} msgs[] = {
		{"bad-name", "Donnez un nom à l'objectif, sur une ligne et sans caractère de contrôle."},
		{"objective-exists", "Un objectif de ce périmètre porte déjà ce nom."},
		{"bad-indicator", "Choisissez un indicateur dans la liste."},
		{"unknown-indicator", "Choisissez un indicateur dans la liste."},
		{"unknown-practice", "Choisissez un indicateur dans la liste."},
		{"text-indicator", "Cet indicateur est un texte libre : un objectif demande une valeur à atteindre "
				   "(oui/non, pourcentage ou quantité)."},
		{"bad-target", "Cible invalide pour cet indicateur."},
		{"bad-baseline", "Situation de départ invalide pour cet indicateur."},
		{"bad-period", "Période invalide : 2026, 2026-T1, 2026-03 ou une date."},
		{"bad-date", "Date invalide : écrire AAAA-MM-JJ (ou JJ/MM/AAAA)."},
		{"archived-objective", "Cet objectif est archivé : il ne change plus."},
		{"objective-incomplete", "Un objectif demande un nom, un indicateur, une cible et une échéance."},
	};
	const char *rule = x->rule ? x->rule : "", *msg = x->msg ? x->msg : "";
	if (strcmp(rule, "deadline-before-baseline") == 0) {
		/* "... not after the baseline's date, 2025-12-31 (...)" */
		const char *at = strstr(msg, "date, ");
		buf_puts(out, "L'échéance doit suivre la date de la situation de départ");
		if (at && strlen(at) >= 16) {
			char day[11];
			memcpy(day, at + 6, 10);
			day[10] = '\0';
			buf_puts(out, " (");
			date_fr(day, out);
			buf_putc(out, ')');
		}
		buf_puts(out, " : la trajectoire va de l'une à l'autre.");
		return;
	}
	if (strcmp(rule, "bad-budget") == 0 || strcmp(rule, "bad-staff") == 0) {
		rq_diag_fr(x, out);
		return;
	}
	const char *fr = NULL;
	for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++)
		if (strcmp(rule, msgs[i].rule) == 0)
			fr = msgs[i].fr;
	if (strcmp(rule, "bad-target") == 0 && strstr(msg, "needs a target"))
		fr = "Donnez une cible.";
	if (strcmp(rule, "bad-baseline") == 0 && strstr(msg, "without a baseline value"))
		fr = "Une période de départ demande la valeur mesurée alors.";
	buf_puts(out, fr ? fr : msg);
	if (strcmp(rule, "bad-target") == 0 || strcmp(rule, "bad-baseline") == 0) {
		/* What the indicator's type accepts, from the engine's reason. */
		static const struct {
			const char *key, *fr;
		} why[] = {
			{"yes/no", " Répondez oui ou non."},
			{"outside 0-100", " Un pourcentage est compris entre 0 et 100 (42 pour 42 %)."},
			{"percentage", " Donnez un pourcentage de 0 à 100, par exemple 42 ou 42,5."},
			{"number", " Donnez un nombre, par exemple 1250 ou 12,5."},
		};
		for (size_t i = 0; i < sizeof why / sizeof *why; i++)
			if (strstr(msg, why[i].key)) {
				buf_puts(out, why[i].fr);
				break;
			}
	}
}

static int field_of(const char *rule)
{
	static const struct {
		const char *rule;
		int field;
	} map[] = {
		{"bad-name", O_NAME}, {"objective-exists", O_NAME}, {"bad-indicator", O_INDICATOR},
		{"unknown-indicator", O_INDICATOR}, {"unknown-practice", O_INDICATOR}, {"text-indicator", O_INDICATOR}, {"bad-target", O_TARGET},
		{"bad-date", O_DEADLINE}, {"deadline-before-baseline", O_DEADLINE}, {"bad-baseline", O_BASELINE},
		{"bad-period", O_PERIOD}, {"bad-budget", O_BUDGET}, {"bad-staff", O_STAFF},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (rule && strcmp(rule, map[i].rule) == 0)
			return map[i].field;
	return -1;
}

/* d's refusals next to their fields (the others above the form). */
static void refusal_to_form(const diag_list_t *d, oform_t *f)
{
	for (size_t i = 0; i < d->len; i++) {
		int fi = field_of(d->items[i].rule);
		buf_t *target = fi >= 0 ? &f->err[fi] : &f->top;
		buf_t msg = BUF_INIT;
		refusal_fr(&d->items[i], &msg);
		if (!target->len || !strstr(buf_cstr(target), buf_cstr(&msg))) {
			if (target->len)
				buf_putc(target, ' ');
			buf_put(target, msg.ptr ? msg.ptr : "", msg.len);
		}
		buf_free(&msg);
	}
	if (!f->top.len)
		buf_puts(&f->top, "L'objectif n'a pas été enregistré : corrigez les champs signalés.");
}

/* The form's fields as a spec; an absent field stays as it is (NULL). */
static void spec_of(rq_t *r, objective_spec_t *spec, bool adding)
{
	const http_params_t *f = &r->req->form;
	memset(spec, 0, sizeof *spec);
	spec->name = http_param(f, "name");
	spec->target = http_param(f, "target");
	spec->deadline = http_param(f, "deadline");
	spec->baseline = http_param(f, "baseline");
	spec->baseline_period = http_param(f, "baseline_period");
	spec->budget = http_param(f, "budget");
	spec->staff = http_param(f, "staff");
	if (adding) {
		spec->indicator = http_param(f, "indicator");
		/* Empty fields of a new objective are its defaults. */
		if (spec->baseline && !*spec->baseline)
			spec->baseline = NULL;
		if (spec->baseline_period && !*spec->baseline_period)
			spec->baseline_period = NULL;
	}
}

static bool may_write(rq_t *r)
{
	if (account_may_edit(&r->user, NULL))
		return true;
	rq_forbidden(r, "Seuls les administrateurs de ce périmètre fixent ses objectifs. Rien n'a été enregistré.");
	return false;
}

void do_objective_add(rq_t *r)
{
	if (!may_write(r))
		return;
	objective_spec_t spec;
	spec_of(r, &spec, true);
	/* objective_add requires them: say which one is missing by its field. */
	const char *none = "";
	spec.name = spec.name ? spec.name : none;
	spec.indicator = spec.indicator ? spec.indicator : none;
	spec.target = spec.target ? spec.target : none;
	spec.deadline = spec.deadline ? spec.deadline : none;
	diag_list_t d = DIAG_LIST_INIT;
	long long id;
	steer_rc rc = objective_add(r->s, &spec, &id, &d);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
	} else if (rc) {
		oform_t f;
		memset(&f, 0, sizeof f);
		f.status = 422;
		refusal_to_form(&d, &f);
		objectives_page(r, &f);
		oform_free(&f);
	} else {
		r->commit = true;
		rq_redirect_scoped(r, "/pilotage/objectifs", "ok=ajout", NULL);
	}
	diag_list_free(&d);
}

/* The objective of the scope's own perimeter with the id the address
 * names, into *o; else answers (404, 503) and returns false. */
static bool find(rq_t *r, const char *arg, objective_t *o)
{
	memset(o, 0, sizeof *o);
	char *end = NULL;
	errno = 0;
	long long id = strtoll(arg, &end, 10);
	objective_list_t l;
	if (errno || end == arg || *end || id <= 0) {
		rq_error(r, 404, "Objectif introuvable", "Cet objectif n'existe pas.");
		return false;
	}
	if (objective_list(r->s, false, &l, &r->d)) {
		rq_io_error(r);
		return false;
	}
	bool found = false;
	for (size_t i = 0; i < l.len && !found; i++) {
		objective_t *x = &l.items[i];
		if (x->id == id && r->perimeter && strcmp(x->perimeter, r->perimeter) == 0) {
			*o = *x;
			/* Taken: the list's slot no longer owns it. */
			memmove(x, &l.items[l.len - 1], sizeof *x);
			l.len--;
			found = true;
		}
	}
	objective_list_free(&l);
	if (!found)
		rq_error(r, 404, "Objectif introuvable",
			 "Cet objectif n'existe pas dans ce périmètre, ou il est archivé.");
	return found;
}

static void objective_page(rq_t *r, const objective_t *o, const oform_t *f)
{
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_objectives", true);
	objective_ctx(r, ctx, o);
	value_put_int(ctx, "version", o->version);
	bool can_edit = account_may_edit(&r->user, NULL);
	ctx_bool(ctx, "can_edit", can_edit);
	if (can_edit)
		value_map_set(ctx, "form", form_ctx(r, o, f));
	value_t *ms = value_put_list(ctx, "measures");
	for (size_t i = o->nmeasures; i-- > 0;) {
		value_t *m = value_push_map(ms);
		buf_t b = BUF_INIT;
		ctx_str(m, "period", o->measures[i].period);
		objective_value_fr(o, o->measures[i].value, &b);
		put(m, "value", &b);
		buf_free(&b);
	}
	ctx_bool(ctx, "has_measures", o->nmeasures > 0);
	ctx_bool(ctx, "ok_saved", !f && http_param(&r->req->query, "ok"));
	rq_render(r, f ? f->status : 200, "objective", ctx);
}

void pg_objective(rq_t *r, const char *arg)
{
	objective_t o;
	if (find(r, arg, &o))
		objective_page(r, &o, NULL);
	objective_free(&o);
}

/* The version the form was read at, as the page wrote it: a missing or
 * differently written one matches none (-1). */
static long long form_version(rq_t *r)
{
	const char *v = http_param(&r->req->form, "version");
	char canon[32];
	errno = 0;
	long long n = v ? strtoll(v, NULL, 10) : -1;
	snprintf(canon, sizeof canon, "%lld", n);
	return !v || errno || strcmp(v, canon) != 0 ? -1 : n;
}

void do_objective_set(rq_t *r, const char *arg)
{
	objective_t o;
	if (!find(r, arg, &o) || !may_write(r)) {
		objective_free(&o);
		return;
	}
	objective_spec_t spec;
	spec_of(r, &spec, false);
	spec.check_version = true;
	spec.if_version = form_version(r);
	diag_list_t d = DIAG_LIST_INIT;
	size_t changed = 0;
	steer_rc rc = objective_set(r->s, o.name, &spec, &changed, &d);
	oform_t f;
	memset(&f, 0, sizeof f);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
	} else if (rc && d.len && d.items[0].rule && strcmp(d.items[0].rule, "stale-version") == 0) {
		f.status = 409;
		buf_puts(&f.top, "Cet objectif a été modifié depuis l'ouverture de votre formulaire : rien n'a été "
				 "enregistré. L'objectif actuel est affiché ci-dessus ; vos saisies sont conservées "
				 "ci-dessous, enregistrez-les à nouveau pour remplacer la version actuelle.");
		objective_page(r, &o, &f);
	} else if (rc) {
		f.status = 422;
		refusal_to_form(&d, &f);
		objective_page(r, &o, &f);
	} else {
		r->commit = true;
		buf_t path = BUF_INIT;
		buf_printf(&path, "/pilotage/objectifs/%lld", o.id);
		rq_redirect_scoped(r, buf_cstr(&path), "ok=objectif", NULL);
		buf_free(&path);
	}
	oform_free(&f);
	diag_list_free(&d);
	objective_free(&o);
}

void do_objective_archive(rq_t *r, const char *arg)
{
	objective_t o;
	if (!find(r, arg, &o) || !may_write(r)) {
		objective_free(&o);
		return;
	}
	const char *confirm = http_param(&r->req->form, "confirmer");
	if (!confirm || strcmp(confirm, "oui") != 0) {
		oform_t f;
		memset(&f, 0, sizeof f);
		f.status = 422;
		buf_puts(&f.top, "Cochez la case de confirmation pour archiver cet objectif. Rien n'a été enregistré.");
		objective_page(r, &o, &f);
		oform_free(&f);
		objective_free(&o);
		return;
	}
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = objective_archive(r->s, o.name, &d);
	if (rc) {
		diag_move_all(&r->d, &d);
		if (rc == STEER_IO)
			rq_io_error(r);
		else
			rq_error(r, 409, "Objectif non archivé", "Cet objectif est déjà archivé.");
	} else {
		r->commit = true;
		rq_redirect_scoped(r, "/pilotage/objectifs", "ok=archive", NULL);
	}
	diag_list_free(&d);
	objective_free(&o);
}

/* How many objectives the dashboard draws; the page has them all. */
#define DASHBOARD_OBJECTIVES 6

steer_rc pilotage_objectives_block(rq_t *r, value_t *ctx)
{
	objective_list_t l;
	steer_rc rc = objective_list(r->s, false, &l, &r->d);
	if (rc)
		return rc;
	value_t *b = value_map();
	counts_ctx(b, &l);
	value_t *rows = value_put_list(b, "shown");
	for (size_t i = 0; i < l.len && i < DASHBOARD_OBJECTIVES; i++)
		objective_ctx(r, value_push_map(rows), &l.items[i]);
	ctx_bool(b, "has_more", l.len > DASHBOARD_OBJECTIVES);
	value_put_int(b, "nmore", l.len > DASHBOARD_OBJECTIVES ? (long long)(l.len - DASHBOARD_OBJECTIVES) : 0);
	value_map_set(ctx, "objectives", b);
	objective_list_free(&l);
	return STEER_OK;
}
