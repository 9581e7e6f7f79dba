/* strategy: the document of the stratégie numérique responsable. */
#include "steer/strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"
#include "render/mustache.h"
#include "render/theme.h"
#include "steer/account.h"
#include "steer/assess.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/objective.h"
#include "steer/perimeter.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/snapshot.h"
#include "util/fold.h"
#include "util/frdate.h"
#include "util/xalloc.h"

/* Generated from themes/strategy by scripts/embed.py. */
extern const theme_file_t strategy_theme_files[];

#define NBSP "\xc2\xa0"
/* The objectives' charts, in pixels (the report's size). */
#define STRATEGY_CHART_WIDTH 340
#define STRATEGY_CHART_HEIGHT 140

const strategy_field_t strategy_fields[STRATEGY_NFIELDS] = {
	{"introduction", "Introduction",
	 "Le contexte et l'ambition : pourquoi l'organisation s'engage, ce que la stratégie couvre, pour quelle durée."},
	{"gouvernance", "Gouvernance",
	 "Qui pilote la démarche, quel comité la suit, à quelle fréquence, comment les directions et services y prennent part."},
	{"bilan", "Commentaire du bilan annuel",
	 "Ce que l'année a appris : les réussites, les difficultés, les priorités de l'année suivante."},
};

const strategy_field_t *strategy_field(const char *key)
{
	for (size_t i = 0; key && i < STRATEGY_NFIELDS; i++)
		if (fold_equal(key, strategy_fields[i].key))
			return &strategy_fields[i];
	return NULL;
}

steer_rc strategy_texts(store_t *s, char *out[STRATEGY_NFIELDS], diag_list_t *d)
{
	memset(out, 0, STRATEGY_NFIELDS * sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	store_query_t *q = store_query(s, "SELECT field, value FROM strategy_text WHERE perimeter_id = ?");
	store_bind_int(q, 1, store_perimeter(s));
	while (store_next(q))
		for (size_t i = 0; i < STRATEGY_NFIELDS; i++)
			if (strcmp(store_col_text(q, 0), strategy_fields[i].key) == 0 && !out[i])
				out[i] = store_col_dup(q, 1);
	if ((rc = store_end(q, d, "reading the strategy's texts")))
		for (size_t i = 0; i < STRATEGY_NFIELDS; i++) {
			free(out[i]);
			out[i] = NULL;
		}
	return rc;
}

steer_rc strategy_set(store_t *s, const char *key, const char *value, bool *changed, diag_list_t *d)
{
	const strategy_field_t *f = strategy_field(key);
	steer_rc rc;
	if (changed)
		*changed = false;
	if ((rc = store_require_tx(s, d)))
		return rc;
	if (!f)
		return store_refuse(d, "unknown-field", "the texts are: introduction, gouvernance, bilan",
				    "the strategy has no text '%s'", key);
	char *v = input_trim(value ? value : "");
	const char *why = strlen(v) > STRATEGY_MAX_TEXT ? "is too long" : input_text_problem(v, STRATEGY_MAX_TEXT, true);
	if (why) {
		rc = store_refuse(d, "bad-text", "link a longer document from the text instead",
				  "the text '%s' %s (at most %d bytes of UTF-8, no control characters)", f->key, why,
				  STRATEGY_MAX_TEXT);
		free(v);
		return rc;
	}
	char *texts[STRATEGY_NFIELDS];
	if ((rc = strategy_texts(s, texts, d))) {
		free(v);
		return rc;
	}
	size_t i = (size_t)(f - strategy_fields);
	const char *old = texts[i];
	bool same = (!old && !*v) || (old && strcmp(old, v) == 0);
	if (!same) {
		store_query_t *q;
		if (*v) {
			q = store_query(s, "INSERT INTO strategy_text(perimeter_id, field, value) VALUES (?, ?, ?) "
					   "ON CONFLICT(perimeter_id, field) DO UPDATE SET value = excluded.value");
			store_bind_int(q, 1, store_perimeter(s));
			store_bind_text(q, 2, f->key);
			store_bind_text(q, 3, v);
		} else {
			q = store_query(s, "DELETE FROM strategy_text WHERE perimeter_id = ? AND field = ?");
			store_bind_int(q, 1, store_perimeter(s));
			store_bind_text(q, 2, f->key);
		}
		buf_t field = BUF_INIT;
		buf_printf(&field, "strategy %s", f->key);
		if (!(rc = store_exec(q, d, "saving the strategy's text")))
			rc = store_log(s, NULL, buf_cstr(&field), old, *v ? v : NULL, d);
		buf_free(&field);
		if (!rc && changed)
			*changed = true;
	}
	for (size_t k = 0; k < STRATEGY_NFIELDS; k++)
		free(texts[k]);
	free(v);
	return rc;
}

/* --- the document -------------------------------------------------------- */

/* One perimeter of the subtree with one of its référentiels: the scopes
 * the document goes through. */
typedef struct {
	const perimeter_t *p;
	const char *guide;
} scope_t;

typedef struct {
	store_t *s;
	diag_list_t *d;
	doc_t *doc;
	int year;
	char today[11];
	long long home_perimeter, home_referentiel;
	perimeter_list_t perimeters;
	const perimeter_t **tree; /* the subtree, depth first */
	size_t ntree;
	scope_t *scopes;
	size_t nscopes;
	bool several_scopes; /* of more than one référentiel */
	char *texts[STRATEGY_NFIELDS];
	objective_list_t objectives;
} ctx_t;

static steer_rc enter(ctx_t *c, const scope_t *sc)
{
	return perimeter_scope(c->s, sc->p->name, sc->guide, c->d);
}

static steer_rc leave(ctx_t *c)
{
	return perimeter_set_scope(c->s, c->home_perimeter, c->home_referentiel, c->d);
}

static void cell(doc_t *doc, const char *text)
{
	doc_cell(doc);
	if (text && *text)
		doc_run(doc, DOC_PLAIN, text);
}

static void cell_buf(doc_t *doc, buf_t *b)
{
	cell(doc, buf_cstr(b));
	buf_reset(b);
}

/* The scope's name in tables: the perimeter, and its référentiel when
 * the subtree has several. */
static void scope_label(const ctx_t *c, const scope_t *sc, buf_t *out)
{
	buf_puts(out, sc->p->name);
	if (c->several_scopes)
		buf_printf(out, " (%s)", sc->guide);
}

static void put_money(buf_t *out, long long cents)
{
	if (cents < 0)
		return;
	input_hundredths_fr(cents, true, out);
	buf_puts(out, NBSP "€");
}

static void put_days(buf_t *out, long long hundredths)
{
	if (hundredths < 0)
		return;
	input_hundredths_fr(hundredths, false, out);
	buf_puts(out, NBSP "j");
}

/* A canonical value with its unit, French decimal comma. */
static void put_value(buf_t *out, const char *v, const char *unit, bool percent)
{
	if (!v) {
		buf_puts(out, "—");
		return;
	}
	for (const char *p = v; *p; p++)
		buf_putc(out, *p == '.' ? ',' : *p);
	if (percent)
		buf_puts(out, NBSP "%");
	else if (unit && *unit)
		buf_printf(out, NBSP "%s", unit);
}

static void missing_text(doc_t *doc, const strategy_field_t *f)
{
	doc_note(doc);
	doc_run(doc, DOC_EM, "À rédiger : ");
	doc_run(doc, DOC_EM, f->help);
	doc_run(doc, DOC_EM, " (page Stratégie de l'application, ou sobre strategy set ");
	doc_run(doc, DOC_EM, f->key);
	doc_run(doc, DOC_EM, " FICHIER.md).");
}

static void person_text(ctx_t *c, size_t field, int shift)
{
	if (c->texts[field])
		doc_markdown(c->doc, c->texts[field], strlen(c->texts[field]), shift);
	else
		missing_text(c->doc, &strategy_fields[field]);
}

/* The subtree and its (perimeter, référentiel) scopes. */
static steer_rc load_tree(ctx_t *c)
{
	steer_rc rc = perimeter_list(c->s, false, &c->perimeters, c->d);
	for (size_t i = 0; i < c->perimeters.len && !rc; i++) {
		const perimeter_t *p = &c->perimeters.items[i];
		bool within;
		if ((rc = perimeter_within(c->s, p->id, c->home_perimeter, &within, c->d)) || !within)
			continue;
		c->tree = xrealloc(c->tree, (c->ntree + 1) * sizeof *c->tree);
		c->tree[c->ntree++] = p;
		for (size_t k = 0; k < p->nguides; k++) {
			c->scopes = xrealloc(c->scopes, (c->nscopes + 1) * sizeof *c->scopes);
			c->scopes[c->nscopes].p = p;
			c->scopes[c->nscopes++].guide = p->guides[k];
		}
	}
	/* Tables name the référentiel only when the subtree has several. */
	for (size_t i = 1; i < c->nscopes; i++)
		c->several_scopes |= strcmp(c->scopes[i].guide, c->scopes[0].guide) != 0;
	return rc;
}

/* After a table cut at STRATEGY_MAX_ROWS: how many rows it left out. */
static void more_rows(ctx_t *c, size_t rows, const char *what)
{
	if (rows <= STRATEGY_MAX_ROWS)
		return;
	buf_t b = BUF_INIT;
	buf_printf(&b, "… et %zu autres %s, que la stratégie de chaque périmètre détaille "
		       "(sobre strategy --perimeter NOM, ou la page Stratégie de ce périmètre).",
		   rows - STRATEGY_MAX_ROWS, what);
	doc_note(c->doc);
	doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
	buf_free(&b);
}

static void actors_table(ctx_t *c)
{
	static const char *const head[] = {"Périmètre", "Type", "Rattaché à", "Référentiels"};
	doc_table(c->doc, "Les périmètres de la stratégie", 4, head, NULL);
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < c->ntree; i++) {
		const perimeter_t *p = c->tree[i];
		doc_row(c->doc);
		cell(c->doc, p->name);
		cell(c->doc, p->kind);
		const char *parent = "—";
		for (size_t k = 0; k < c->perimeters.len; k++)
			if (c->perimeters.items[k].id == p->parent)
				parent = c->perimeters.items[k].name;
		cell(c->doc, parent);
		for (size_t k = 0; k < p->nguides; k++)
			buf_printf(&b, "%s%s", k ? ", " : "", p->guides[k]);
		cell_buf(c->doc, &b);
	}
	doc_table_end(c->doc);
	buf_free(&b);
}

/* A pilot function with its actions and the people holding it. */
typedef struct {
	char *name;
	size_t actions;
	char **people;
	size_t npeople;
} pilot_row_t;

static void add_person(pilot_row_t *r, const char *who)
{
	for (size_t i = 0; i < r->npeople; i++)
		if (fold_equal(r->people[i], who))
			return;
	r->people = xrealloc(r->people, (r->npeople + 1) * sizeof *r->people);
	r->people[r->npeople++] = xstrdup(who);
}

static pilot_row_t *pilot_row(pilot_row_t **rows, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*rows)[i].name, name) == 0)
			return &(*rows)[i];
	*rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
	pilot_row_t *r = &(*rows)[(*n)++];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(name);
	return r;
}

static steer_rc pilots_table(ctx_t *c)
{
	pilot_row_t *rows = NULL;
	size_t n = 0;
	steer_rc rc = STEER_OK;
	for (size_t i = 0; i < c->nscopes && !rc; i++) {
		plan_t p;
		if ((rc = enter(c, &c->scopes[i])) || (rc = plan_build(c->s, PLAN_ALL, NULL, &p, c->d)))
			break;
		for (size_t k = 0; k < p.len; k++)
			if (p.items[k].pilot) {
				pilot_row_t *r = pilot_row(&rows, &n, p.items[k].pilot);
				r->actions++;
				if (p.items[k].owner)
					add_person(r, p.items[k].owner);
			}
		plan_free(&p);
	}
	account_list_t accounts = {0};
	if (!rc && !(rc = leave(c)) && !(rc = account_list(c->s, &accounts, c->d)))
		for (size_t i = 0; i < accounts.len; i++)
			for (size_t k = 0; k < accounts.items[i].nfunctions; k++)
				for (size_t j = 0; j < n; j++)
					if (fold_equal(rows[j].name, accounts.items[i].functions[k]))
						add_person(&rows[j], accounts.items[i].email);
	account_list_free(&accounts);
	if (!rc && n) {
		static const char *const head[] = {"Fonction pilote", "Items suivis", "Personnes"};
		static const doc_align_t align[] = {DOC_LEFT, DOC_RIGHT, DOC_LEFT};
		doc_table(c->doc, "Les fonctions pilotes et les personnes qui les tiennent", 3, head, align);
		buf_t b = BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			doc_row(c->doc);
			cell(c->doc, rows[i].name);
			buf_printf(&b, "%zu", rows[i].actions);
			cell_buf(c->doc, &b);
			for (size_t k = 0; k < rows[i].npeople; k++)
				buf_printf(&b, "%s%s", k ? ", " : "", rows[i].people[k]);
			if (!rows[i].npeople)
				buf_puts(&b, "—");
			cell_buf(c->doc, &b);
		}
		doc_table_end(c->doc);
		buf_free(&b);
	} else if (!rc) {
		doc_para(c->doc);
		doc_run(c->doc, DOC_PLAIN, "Aucune fonction pilote n'est encore désignée sur les items du référentiel.");
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		for (size_t k = 0; k < rows[i].npeople; k++)
			free(rows[i].people[k]);
		free(rows[i].people);
	}
	free(rows);
	return rc;
}

static steer_rc footprint_table(ctx_t *c)
{
	static const char *const head[] = {"Indicateur", "Périmètre", "Dernière valeur", "Période", "Source", "Relevé le"};
	static const doc_align_t align[] = {DOC_LEFT, DOC_LEFT, DOC_RIGHT, DOC_LEFT, DOC_LEFT, DOC_LEFT};
	size_t rows = 0;
	steer_rc rc = STEER_OK;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < c->nscopes && !rc; i++) {
		indicator_list_t l;
		if ((rc = enter(c, &c->scopes[i])) || (rc = indicator_list(c->s, NULL, 1, &l, c->d)))
			break;
		for (size_t k = 0; k < l.len; k++) {
			const indicator_t *x = &l.items[k];
			if (!x->footprint || rows++ >= STRATEGY_MAX_ROWS)
				continue;
			if (rows == 1)
				doc_table(c->doc, "Les indicateurs d'empreinte et leur dernière mesure", 6, head, align);
			const measurement_t *m = x->nmeasures ? &x->measures[0] : NULL;
			doc_row(c->doc);
			buf_printf(&b, "%s (%s#%d)", x->name, x->idbp, x->num);
			cell_buf(c->doc, &b);
			scope_label(c, &c->scopes[i], &b);
			cell_buf(c->doc, &b);
			if (m)
				put_value(&b, m->value, x->unit, x->type == IND_PERCENT);
			else
				buf_puts(&b, "non mesuré");
			cell_buf(c->doc, &b);
			cell(c->doc, m ? m->period : "—");
			cell(c->doc, m && m->source ? m->source : "—");
			if (m)
				frdate_date(m->recorded_at, &b);
			else
				buf_puts(&b, "—");
			cell_buf(c->doc, &b);
		}
		indicator_list_free(&l);
	}
	if (rows) {
		doc_table_end(c->doc);
		more_rows(c, rows, "indicateurs d'empreinte");
	} else if (!rc) {
		doc_para(c->doc);
		doc_run(c->doc, DOC_PLAIN, "Aucun indicateur d'empreinte n'est encore suivi. Un indicateur en compte "
					   "(kgCO2e, kWh, m3, équipements…) ou marqué comme tel (sobre indicator set ITEM N "
					   "--footprint oui) figure ici avec sa dernière mesure.");
	}
	buf_free(&b);
	return rc;
}

/* The item engaged: done, or at the rank just below done (en cours). */
static bool engaged(const plan_item_t *x)
{
	if (status_done(x->profile, x->status))
		return true;
	int top = -1;
	for (size_t i = 0; i < x->profile->nstatuses; i++)
		if (status_rank(x->profile, (status_t)i) > top)
			top = status_rank(x->profile, (status_t)i);
	int r = status_rank(x->profile, x->status);
	return r > 0 && r == top - 1;
}

static steer_rc engaged_table(ctx_t *c)
{
	static const char *const head[] = {"Item", "Action", "Périmètre", "Statut", "Preuves"};
	size_t rows = 0;
	steer_rc rc = STEER_OK;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < c->nscopes && !rc; i++) {
		plan_t p;
		if ((rc = enter(c, &c->scopes[i])) || (rc = plan_build(c->s, PLAN_ALL, NULL, &p, c->d)))
			break;
		for (size_t k = 0; k < p.len && !rc; k++) {
			const plan_item_t *x = &p.items[k];
			if (!engaged(x) || rows++ >= STRATEGY_MAX_ROWS)
				continue;
			assessment_t a;
			if ((rc = assess_get(c->s, x->idbp, 1, &a, c->d)))
				break;
			if (rows == 1)
				doc_table(c->doc, "Les actions réalisées ou en cours", 5, head, NULL);
			doc_row(c->doc);
			cell(c->doc, x->idbp);
			cell(c->doc, x->title);
			scope_label(c, &c->scopes[i], &b);
			cell_buf(c->doc, &b);
			cell(c->doc, status_name(x->profile, x->status));
			doc_cell(c->doc);
			for (size_t e = 0; e < a.nevidence; e++) {
				if (e)
					doc_run(c->doc, DOC_PLAIN, " ");
				buf_printf(&b, "preuve %zu", e + 1);
				doc_link(c->doc, a.evidence[e], buf_cstr(&b));
				buf_reset(&b);
			}
			if (!a.nevidence)
				doc_run(c->doc, DOC_PLAIN, "—");
			assessment_free(&a);
		}
		plan_free(&p);
	}
	if (rows) {
		doc_table_end(c->doc);
		more_rows(c, rows, "actions réalisées ou en cours");
	} else if (!rc) {
		doc_para(c->doc);
		doc_run(c->doc, DOC_PLAIN, "Aucune action n'est encore réalisée ni en cours.");
	}
	buf_free(&b);
	return rc;
}

static void baseline_cell(ctx_t *c, const objective_t *o, buf_t *b)
{
	if (o->baseline) {
		objective_value_fr(o, o->baseline, b);
		buf_printf(b, " (%s)", o->baseline_period ? o->baseline_period : o->baseline_date);
	} else {
		buf_puts(b, "première mesure à venir");
	}
	cell_buf(c->doc, b);
}

/* Each objective's trajectory chart, as a standalone SVG the three formats
 * take (an image of the ODT, inline in HTML, its alternative in Markdown). */
static void objective_charts(ctx_t *c, buf_t *b)
{
	for (size_t i = 0; i < c->objectives.len; i++) {
		const objective_t *o = &c->objectives.items[i];
		chart_trajectory_t t;
		chart_tpoint_t *pts = NULL;
		buf_t svg = BUF_INIT, id = BUF_INIT;
		objective_chart(o, &t, &pts);
		buf_printf(&id, "strategie-obj-%zu", i + 1);
		chart_trajectory_svg(buf_cstr(&id), &t, STRATEGY_CHART_WIDTH, STRATEGY_CHART_HEIGHT, &svg);
		buf_reset(b);
		buf_printf(b, "Trajectoire de l'objectif « %s » : ", o->name);
		if (o->baseline) {
			buf_puts(b, "de ");
			objective_value_fr(o, o->baseline, b);
			buf_puts(b, " le ");
			frdate_date(o->baseline_date, b);
			buf_puts(b, " à ");
		} else {
			buf_puts(b, "vers ");
		}
		objective_value_fr(o, o->target, b);
		buf_puts(b, " le ");
		frdate_date(o->deadline, b);
		buf_printf(b, " ; %zu mesure%s", o->nmeasures, o->nmeasures > 1 ? "s" : "");
		if (o->latest) {
			buf_puts(b, ", la dernière ");
			objective_value_fr(o, o->latest, b);
		}
		buf_puts(b, " ; ");
		objective_state_fr(o, b);
		buf_putc(b, '.');
		doc_note(c->doc);
		doc_run(c->doc, DOC_STRONG, o->name);
		doc_run(c->doc, DOC_PLAIN, " : mesures (points), trajectoire (tirets) et cible (losange).");
		/* 340 x 140 px at 96 dpi: 90 x 37 mm, the width of half a page. */
		doc_svg(c->doc, buf_cstr(&svg), svg.len, buf_cstr(b), STRATEGY_CHART_WIDTH * 25.4 / 96,
			STRATEGY_CHART_HEIGHT * 25.4 / 96);
		buf_reset(b);
		buf_free(&svg);
		buf_free(&id);
		free(pts);
	}
}

static void objectives_part(ctx_t *c)
{
	doc_heading(c->doc, 2, "objectifs", "2. Objectifs de réduction de l'empreinte");
	const objective_list_t *l = &c->objectives;
	if (!l->len) {
		doc_para(c->doc);
		doc_run(c->doc, DOC_PLAIN, "Aucun objectif n'est encore fixé. Un objectif porte sur un indicateur suivi : "
					   "une cible à une échéance, depuis une valeur de référence (sobre objective add).");
		return;
	}
	size_t counts[OBJ_NSTATES] = {0};
	for (size_t i = 0; i < l->len; i++)
		counts[l->items[i].eval.state]++;
	buf_t b = BUF_INIT;
	buf_printf(&b, "%zu objectif%s : ", l->len, l->len > 1 ? "s" : "");
	for (int st = 0; st < OBJ_NSTATES; st++)
		buf_printf(&b, "%s%zu %s", st ? ", " : "", counts[st], objective_state_name((objective_state_t)st));
	buf_puts(&b, ". La trajectoire va en ligne droite de la valeur de référence à la cible ; l'état se lit sur la "
		     "dernière mesure.");
	doc_para(c->doc);
	doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
	buf_reset(&b);
	static const char *const head[] = {"Objectif", "Indicateur", "Référence", "Cible", "Échéance", "Dernière mesure", "État"};
	doc_table(c->doc, "Les objectifs, leurs indicateurs et leur état", 7, head, NULL);
	for (size_t i = 0; i < l->len; i++) {
		const objective_t *o = &l->items[i];
		doc_row(c->doc);
		buf_puts(&b, o->name);
		if (strcmp(o->perimeter, c->tree[0]->name) != 0)
			buf_printf(&b, " (%s)", o->perimeter);
		cell_buf(c->doc, &b);
		buf_printf(&b, "%s (%s#%d)", o->indicator_name, o->idbp, o->num);
		cell_buf(c->doc, &b);
		baseline_cell(c, o, &b);
		objective_value_fr(o, o->target, &b);
		cell_buf(c->doc, &b);
		frdate_date(o->deadline, &b);
		cell_buf(c->doc, &b);
		if (o->latest) {
			objective_value_fr(o, o->latest, &b);
			buf_printf(&b, " (%s)", o->latest_period);
		} else {
			buf_puts(&b, "—");
		}
		cell_buf(c->doc, &b);
		objective_state_fr(o, &b);
		cell_buf(c->doc, &b);
	}
	doc_table_end(c->doc);
	objective_charts(c, &b);
	buf_free(&b);
}

/* Sums of means under a label (a theme, a pilot). */
typedef struct {
	char *label;
	size_t actions;
	long long budget, staff;
} sum_t;

static void sum_add(sum_t **v, size_t *n, const char *label, long long budget, long long staff)
{
	sum_t *x = NULL;
	for (size_t i = 0; i < *n && !x; i++)
		if (strcmp((*v)[i].label, label) == 0)
			x = &(*v)[i];
	if (!x) {
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		x = &(*v)[(*n)++];
		x->label = xstrdup(label);
		x->actions = 0;
		x->budget = x->staff = -1;
	}
	x->actions++;
	if (budget >= 0)
		x->budget = (x->budget < 0 ? 0 : x->budget) + budget;
	if (staff >= 0)
		x->staff = (x->staff < 0 ? 0 : x->staff) + staff;
}

/* actions: with the column of the number of actions summed. */
static void sums_table(ctx_t *c, const char *caption, const char *first, bool actions, sum_t *v, size_t n)
{
	static const doc_align_t align[] = {DOC_LEFT, DOC_RIGHT, DOC_RIGHT, DOC_RIGHT};
	const char *head[] = {first, "Actions", "Budget", "Jours-personne"};
	const char *head_short[] = {first, "Budget", "Jours-personne"};
	static const doc_align_t align_short[] = {DOC_LEFT, DOC_RIGHT, DOC_RIGHT};
	doc_table(c->doc, caption, actions ? 4 : 3, actions ? head : head_short, actions ? align : align_short);
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		doc_row(c->doc);
		cell(c->doc, v[i].label);
		if (actions) {
			buf_printf(&b, "%zu", v[i].actions);
			cell_buf(c->doc, &b);
		}
		put_money(&b, v[i].budget);
		cell_buf(c->doc, &b);
		put_days(&b, v[i].staff);
		cell_buf(c->doc, &b);
		free(v[i].label);
	}
	doc_table_end(c->doc);
	buf_free(&b);
	free(v);
}

/* One action of the plan table. */
static void plan_row(ctx_t *c, const scope_t *sc, const plan_item_t *x, buf_t *b)
{
	doc_row(c->doc);
	cell(c->doc, x->idbp);
	cell(c->doc, x->title);
	scope_label(c, sc, b);
	cell_buf(c->doc, b);
	cell(c->doc, x->pilot ? x->pilot : "—");
	cell(c->doc, x->owner ? x->owner : "—");
	if (x->due)
		frdate_date(x->due, b);
	else
		buf_puts(b, "—");
	if (x->overdue)
		buf_puts(b, " (en retard)");
	cell_buf(c->doc, b);
	put_money(b, x->budget);
	cell_buf(c->doc, b);
	put_days(b, x->staff);
	cell_buf(c->doc, b);
}

static steer_rc measures_part(ctx_t *c)
{
	doc_heading(c->doc, 2, "mesures", "3. Mesures et moyens");
	doc_para(c->doc);
	doc_run(c->doc, DOC_PLAIN, "Le plan d'action : les items applicables pas encore réalisés, les prioritaires "
				   "d'abord, puis les plus faciles, puis par échéance ; avec leurs responsables et leurs moyens.");
	static const char *const head[] = {"Item", "Action", "Périmètre", "Pilote", "Responsable", "Échéance", "Budget", "Jours"};
	static const doc_align_t align[] = {DOC_LEFT, DOC_LEFT, DOC_LEFT, DOC_LEFT, DOC_LEFT, DOC_LEFT, DOC_RIGHT, DOC_RIGHT};
	sum_t *themes = NULL, *pilots = NULL, *perims = NULL;
	size_t nthemes = 0, npilots = 0, nperims = 0, rows = 0;
	long long budget = -1, staff = -1;
	steer_rc rc = STEER_OK;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < c->nscopes && !rc; i++) {
		plan_t p;
		if ((rc = enter(c, &c->scopes[i])) || (rc = plan_build(c->s, PLAN_ACTIONS, NULL, &p, c->d)))
			break;
		for (size_t k = 0; k < p.len; k++) {
			const plan_item_t *x = &p.items[k];
			if (rows++ < STRATEGY_MAX_ROWS) {
				if (rows == 1)
					doc_table(c->doc, "Le plan d'action", 8, head, align);
				plan_row(c, &c->scopes[i], x, &b);
			}
			scope_label(c, &c->scopes[i], &b);
			sum_add(&perims, &nperims, buf_cstr(&b), x->budget, x->staff);
			buf_reset(&b);
			buf_printf(&b, "%s %s", x->theme_id, x->theme_title);
			if (c->several_scopes)
				buf_printf(&b, " (%s)", c->scopes[i].guide);
			sum_add(&themes, &nthemes, buf_cstr(&b), x->budget, x->staff);
			buf_reset(&b);
			sum_add(&pilots, &npilots, x->pilot ? x->pilot : "(sans pilote)", x->budget, x->staff);
			if (x->budget >= 0)
				budget = (budget < 0 ? 0 : budget) + x->budget;
			if (x->staff >= 0)
				staff = (staff < 0 ? 0 : staff) + x->staff;
		}
		plan_free(&p);
	}
	if (rows) {
		doc_table_end(c->doc);
		more_rows(c, rows, "actions du plan");
	} else if (!rc) {
		doc_para(c->doc);
		doc_run(c->doc, DOC_PLAIN, "Le plan d'action est vide : tous les items applicables sont réalisés.");
	}
	if (!rc && rows) {
		doc_heading(c->doc, 3, "moyens", "Les moyens");
		doc_para(c->doc);
		buf_printf(&b, "%zu action%s", rows, rows > 1 ? "s" : "");
		if (budget >= 0 || staff >= 0) {
			buf_puts(&b, " ; moyens prévus : ");
			put_money(&b, budget);
			buf_puts(&b, budget >= 0 && staff >= 0 ? " et " : "");
			put_days(&b, staff);
			buf_puts(&b, staff >= 0 ? " de travail (jours-personne)." : ".");
		} else {
			buf_puts(&b, " ; aucun moyen n'est encore chiffré (budget et jours-personne de chaque action).");
		}
		doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
		buf_reset(&b);
		if (nperims > 1) {
			sums_table(c, "Les moyens par périmètre", "Périmètre", true, perims, nperims);
			perims = NULL;
			nperims = 0;
		}
		sums_table(c, "Les moyens par thématique", "Thématique", true, themes, nthemes);
		sums_table(c, "Les moyens par fonction pilote", "Fonction pilote", true, pilots, npilots);
		themes = pilots = NULL;
		nthemes = npilots = 0;
	}
	size_t with_means = 0;
	for (size_t i = 0; i < c->objectives.len; i++)
		with_means += c->objectives.items[i].budget >= 0 || c->objectives.items[i].staff >= 0;
	if (!rc && with_means) {
		sum_t *objs = NULL;
		size_t nobjs = 0;
		for (size_t i = 0; i < c->objectives.len; i++) {
			const objective_t *o = &c->objectives.items[i];
			if (o->budget >= 0 || o->staff >= 0)
				sum_add(&objs, &nobjs, o->name, o->budget, o->staff);
		}
		sums_table(c, "Les moyens propres aux objectifs", "Objectif", false, objs, nobjs);
	}
	for (size_t i = 0; i < nthemes; i++)
		free(themes[i].label);
	for (size_t i = 0; i < npilots; i++)
		free(pilots[i].label);
	for (size_t i = 0; i < nperims; i++)
		free(perims[i].label);
	free(themes);
	free(pilots);
	free(perims);
	buf_free(&b);
	return rc;
}

static void score_text(uint64_t num, uint64_t den, buf_t *b)
{
	score_format(num, den, ',', b);
	if (den)
		buf_puts(b, NBSP "%");
}

/* The last snapshot of the home scope taken in year - 1, or NULL. */
static const snapshot_info_t *reference_snapshot(const ctx_t *c, const snapshot_list_t *l)
{
	char prefix[16];
	snprintf(prefix, sizeof prefix, "%04d-", c->year - 1);
	const snapshot_info_t *ref = NULL;
	for (size_t i = 0; i < l->len; i++)
		if (strncmp(l->items[i].created_at, prefix, 5) == 0)
			ref = &l->items[i];
	return ref;
}

static void review_objectives(ctx_t *c, const snapshot_info_t *ref, const objective_frozen_list_t *fr)
{
	static const char *const head[] = {"Objectif", "État alors", "Valeur alors", "État actuel", "Dernière valeur"};
	buf_t b = BUF_INIT;
	buf_printf(&b, "Les objectifs : à l'instantané « %s » et aujourd'hui", ref->name);
	doc_table(c->doc, buf_cstr(&b), 5, head, NULL);
	buf_reset(&b);
	for (size_t i = 0; i < c->objectives.len; i++) {
		const objective_t *o = &c->objectives.items[i];
		const objective_frozen_t *f = NULL;
		for (size_t k = 0; k < fr->len && !f; k++)
			if (fr->items[k].objective_id == o->id)
				f = &fr->items[k];
		doc_row(c->doc);
		cell(c->doc, o->name);
		cell(c->doc, f ? objective_state_name(f->state) : "fixé depuis");
		if (f && f->value) {
			objective_value_fr(o, f->value, &b);
			buf_printf(&b, " (%s)", f->period);
		} else {
			buf_puts(&b, "—");
		}
		cell_buf(c->doc, &b);
		objective_state_fr(o, &b);
		cell_buf(c->doc, &b);
		if (o->latest) {
			objective_value_fr(o, o->latest, &b);
			buf_printf(&b, " (%s)", o->latest_period);
		} else {
			buf_puts(&b, "—");
		}
		cell_buf(c->doc, &b);
	}
	doc_table_end(c->doc);
	buf_free(&b);
}

static void review_moves(ctx_t *c, const snapshot_diff_t *x, size_t *done)
{
	static const char *const head[] = {"Item", "Action", "Avant", "Maintenant"};
	size_t rows = 0;
	*done = 0;
	for (size_t i = 0; i < x->nmoves; i++) {
		const snapshot_move_t *m = &x->moves[i];
		if (m->kind != MOVE_UP && m->kind != MOVE_DOWN)
			continue;
		if (!rows++)
			doc_table(c->doc, "Les items dont le statut a changé", 4, head, NULL);
		doc_row(c->doc);
		cell(c->doc, m->b->idbp);
		cell(c->doc, m->b->title);
		cell(c->doc, status_name(x->a.info.profile, m->a->status));
		cell(c->doc, status_name(x->b.info.profile, m->b->status));
		*done += status_done(x->b.info.profile, m->b->status) && !status_done(x->a.info.profile, m->a->status);
	}
	if (rows)
		doc_table_end(c->doc);
	else {
		doc_para(c->doc);
		doc_run(c->doc, DOC_PLAIN, "Aucun item n'a changé de statut depuis.");
	}
}

/* The summary to paste into the report on sustainable development. */
static void review_summary(ctx_t *c, const snapshot_info_t *ref, const score_t *now, const snapshot_diff_t *x,
			   size_t done, size_t overdue)
{
	size_t counts[OBJ_NSTATES] = {0};
	for (size_t i = 0; i < c->objectives.len; i++)
		counts[c->objectives.items[i].eval.state]++;
	buf_t b = BUF_INIT;
	doc_heading(c->doc, 3, "synthese", "Synthèse pour le rapport sur la situation en matière de développement durable");
	doc_para(c->doc);
	buf_printf(&b, "En %d, la démarche numérique responsable de %s a suivi %zu items. ", c->year, c->tree[0]->name,
		   now->overall.total);
	if (ref) {
		buf_puts(&b, "Son score est passé de ");
		score_text(ref->num, ref->den, &b);
		buf_printf(&b, " (instantané « %s » du ", ref->name);
		frdate_date(ref->created_at, &b);
		buf_puts(&b, ") à ");
		score_text(now->overall.num, now->overall.den, &b);
		buf_printf(&b, " ; %zu item%s %s progressé, %zu %s reculé, et %zu action%s %s été menée%s à terme. ", x->up,
			   x->up > 1 ? "s" : "", x->up > 1 ? "ont" : "a", x->down, x->down > 1 ? "ont" : "a", done,
			   done > 1 ? "s" : "", done > 1 ? "ont" : "a", done > 1 ? "s" : "");
	} else {
		buf_puts(&b, "Son score est de ");
		score_text(now->overall.num, now->overall.den, &b);
		buf_puts(&b, ". ");
	}
	if (c->objectives.len)
		buf_printf(&b, "Sur %zu objectif%s de réduction de l'empreinte, %zu %s atteint%s et %zu dans la trajectoire ; "
			       "%zu %s en retard. ",
			   c->objectives.len, c->objectives.len > 1 ? "s" : "", counts[OBJ_REACHED],
			   counts[OBJ_REACHED] > 1 ? "sont" : "est", counts[OBJ_REACHED] > 1 ? "s" : "", counts[OBJ_ON_TRACK],
			   counts[OBJ_LATE], counts[OBJ_LATE] > 1 ? "sont" : "est");
	buf_printf(&b, "%zu action%s du plan %s en retard sur %s échéance.", overdue, overdue > 1 ? "s" : "",
		   overdue > 1 ? "sont" : "est", overdue > 1 ? "leur" : "son");
	doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
	buf_free(&b);
}

static steer_rc review_part(ctx_t *c)
{
	buf_t b = BUF_INIT;
	buf_printf(&b, "4. Bilan annuel %d", c->year);
	doc_heading(c->doc, 2, "bilan", buf_cstr(&b));
	buf_reset(&b);
	snapshot_list_t snaps = {0};
	snapshot_diff_t x;
	memset(&x, 0, sizeof x);
	score_t now;
	memset(&now, 0, sizeof now);
	objective_frozen_list_t fr = {0};
	plan_t plan;
	memset(&plan, 0, sizeof plan);
	steer_rc rc;
	if ((rc = leave(c)) || (rc = snapshot_list(c->s, &snaps, c->d)) ||
	    (rc = score_compute(c->s, SCORE_BY_NONE, &now, c->d)) || (rc = plan_build(c->s, PLAN_ACTIONS, NULL, &plan, c->d)))
		goto cleanup;
	const snapshot_info_t *ref = reference_snapshot(c, &snaps);
	size_t done = 0;
	doc_para(c->doc);
	if (ref) {
		buf_printf(&b, "Ce qui a changé depuis le dernier instantané de %d, « %s », pris le ", c->year - 1, ref->name);
		frdate_date(ref->created_at, &b);
		buf_puts(&b, " : score ");
		score_text(ref->num, ref->den, &b);
		buf_puts(&b, " alors, ");
		score_text(now.overall.num, now.overall.den, &b);
		buf_puts(&b, " aujourd'hui.");
		doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
		buf_reset(&b);
		if ((rc = snapshot_diff(c->s, ref->name, NULL, &x, c->d)) || (rc = objective_frozen(c->s, ref->id, &fr, c->d)))
			goto cleanup;
		review_moves(c, &x, &done);
		if (c->objectives.len)
			review_objectives(c, ref, &fr);
	} else {
		buf_printf(&b, "Aucun instantané n'a été pris en %d pour ce périmètre : le bilan donne l'état actuel. "
			       "Prendre un instantané en fin d'année (sobre snapshot create) fonde le bilan suivant.",
			   c->year - 1);
		doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
		buf_reset(&b);
	}
	if (plan.overdue) {
		static const char *const head[] = {"Item", "Action", "Pilote", "Échéance"};
		doc_table(c->doc, "Les actions en retard sur leur échéance", 4, head, NULL);
		for (size_t i = 0; i < plan.len; i++)
			if (plan.items[i].overdue) {
				doc_row(c->doc);
				cell(c->doc, plan.items[i].idbp);
				cell(c->doc, plan.items[i].title);
				cell(c->doc, plan.items[i].pilot ? plan.items[i].pilot : "—");
				frdate_date(plan.items[i].due, &b);
				cell_buf(c->doc, &b);
			}
		doc_table_end(c->doc);
	}
	review_summary(c, ref, &now, &x, done, plan.overdue);
	doc_heading(c->doc, 3, "commentaire", strategy_fields[2].title);
	person_text(c, 2, 3);
cleanup:
	snapshot_list_free(&snaps);
	if (x.a.info.name || x.b.info.name || x.nmoves)
		snapshot_diff_free(&x);
	score_free(&now);
	objective_frozen_free(&fr);
	plan_free(&plan);
	buf_free(&b);
	return rc;
}

static void title_part(ctx_t *c, const char *org)
{
	buf_t b = BUF_INIT;
	buf_printf(&b, "Stratégie numérique responsable — %s", c->tree[0]->name);
	doc_heading(c->doc, 1, "strategie", buf_cstr(&b));
	buf_reset(&b);
	doc_note(c->doc);
	buf_printf(&b, "Année %d · %s · document établi le ", c->year, org ? org : c->tree[0]->name);
	frdate_date(c->today, &b);
	buf_printf(&b, " à partir de la base de pilotage (%zu périmètre%s).", c->ntree, c->ntree > 1 ? "s" : "");
	doc_run(c->doc, DOC_PLAIN, buf_cstr(&b));
	doc_note(c->doc);
	doc_run(c->doc, DOC_PLAIN, "Contenu prévu par l'article 35 de la loi n° 2021-1485 (REEN) et le décret "
				   "n° 2022-1084 : programme de travail, objectifs, mesures et moyens, bilan annuel.");
	buf_free(&b);
	doc_heading(c->doc, 2, "introduction", strategy_fields[0].title);
	person_text(c, 0, 2);
}

static steer_rc build_parts(ctx_t *c)
{
	steer_rc rc;
	doc_heading(c->doc, 2, "programme", "1. Programme de travail");
	doc_heading(c->doc, 3, "acteurs", "1.1 État des lieux des acteurs");
	actors_table(c);
	if ((rc = pilots_table(c)))
		return rc;
	doc_heading(c->doc, 4, "gouvernance", strategy_fields[1].title);
	person_text(c, 1, 4);
	doc_heading(c->doc, 3, "empreinte", "1.2 Bilan de l'impact environnemental du numérique");
	if ((rc = footprint_table(c)))
		return rc;
	doc_heading(c->doc, 3, "engagees", "1.3 Synthèse des actions déjà engagées");
	if ((rc = engaged_table(c)) || (rc = leave(c)))
		return rc;
	objectives_part(c);
	if ((rc = measures_part(c)))
		return rc;
	return review_part(c);
}

steer_rc strategy_build(store_t *s, int year, doc_t **out, diag_list_t *d)
{
	ctx_t c;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.d = d;
	c.home_perimeter = store_perimeter(s);
	c.home_referentiel = store_referentiel(s);
	store_today(s, c.today);
	c.year = year > 0 ? year : (int)strtol(c.today, NULL, 10);
	*out = NULL;
	long long version;
	char *org = NULL;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)) || (rc = load_tree(&c)) ||
	    (rc = strategy_texts(s, c.texts, d)) || (rc = objective_list(s, false, &c.objectives, d)))
		goto cleanup;
	org = store_meta(s, "org");
	buf_t title = BUF_INIT;
	buf_printf(&title, "Stratégie numérique responsable %d — %s", c.year, c.tree[0]->name);
	c.doc = doc_new(buf_cstr(&title), "fr-FR");
	buf_free(&title);
	char at[21];
	store_timestamp(s, at);
	doc_set_meta(c.doc, "Stratégie numérique responsable (loi REEN, décret n° 2022-1084)", store_actor(s), at);
	title_part(&c, org);
	rc = build_parts(&c);
	steer_rc back = leave(&c);
	if (!rc)
		rc = back;
cleanup:
	if (rc) {
		doc_free(c.doc);
		c.doc = NULL;
	}
	*out = c.doc;
	free(org);
	for (size_t i = 0; i < STRATEGY_NFIELDS; i++)
		free(c.texts[i]);
	objective_list_free(&c.objectives);
	perimeter_list_free(&c.perimeters);
	free(c.tree);
	free(c.scopes);
	return rc;
}

/* The HTML page: themes/strategy's template around the document. */
static steer_rc write_page(const doc_t *doc, int year, const char *name, buf_t *out, diag_list_t *d)
{
	mst_registry_t *reg = mst_registry_new(d);
	value_t *ctx = value_map();
	for (const theme_file_t *t = strategy_theme_files; t->name; t++) {
		size_t n = strlen(t->name);
		if (n > 9 && strcmp(t->name + n - 9, ".mustache") == 0) {
			char *tn = xstrndup(t->name, n - 9);
			mst_registry_add(reg, tn, t->name, t->data, t->size);
			free(tn);
		} else if (strcmp(t->name, "strategy.css") == 0) {
			value_map_set(ctx, "css", value_string_ref(t->data, t->size));
		}
	}
	buf_t body = BUF_INIT, title = BUF_INIT;
	doc_write_html(doc, &body);
	buf_printf(&title, "Stratégie numérique responsable %d — %s", year, name);
	value_map_set(ctx, "body", value_string(buf_cstr(&body), body.len));
	value_map_set(ctx, "title", value_string(buf_cstr(&title), title.len));
	const mst_t *page = mst_registry_get(reg, "strategy", 8);
	steer_rc rc = STEER_OK;
	if (!page || mst_render(page, ctx, mst_registry_lookup, reg, out, d) != 0) {
		if (!page)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, "strategy", "the strategy's template is missing or invalid");
		rc = STEER_IO;
	}
	buf_free(&body);
	buf_free(&title);
	value_free(ctx);
	mst_registry_free(reg);
	return rc;
}

steer_rc strategy_write(store_t *s, int year, strategy_format_t format, buf_t *out, diag_list_t *d)
{
	doc_t *doc;
	steer_rc rc = strategy_build(s, year, &doc, d);
	if (rc)
		return rc;
	char *name = NULL, *guide = NULL;
	switch (format) {
	case STRATEGY_MD: doc_write_md(doc, out); break;
	case STRATEGY_ODT:
		if (!doc_write_odt(doc, out, d))
			rc = STEER_IO;
		break;
	default:
		if (!(rc = perimeter_scope_names(s, &name, &guide, d))) {
			char today[11];
			store_today(s, today);
			rc = write_page(doc, year > 0 ? year : (int)strtol(today, NULL, 10), name, out, d);
		}
		break;
	}
	free(name);
	free(guide);
	doc_free(doc);
	return rc;
}
