/* declaration: the texts of a service's RGESN declaration, reading the
 * whole declaration back, and its HTML page. The page is rendered from
 * themes/declaration (compiled in) with values formatted here (French
 * dates and percentages, texts typed in the app as Markdown with raw HTML
 * disabled and no image from another host); Mustache escapes every other
 * value. */
#include "steer/declaration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/markdown.h"
#include "guide/value.h"
#include "render/mustache.h"
#include "render/theme.h"
#include "steer/input.h"
#include "steer/perimeter.h"
#include "steer/practice.h"
#include "util/frdate.h"
#include "util/strset.h"
#include "util/suggest.h"
#include "util/xalloc.h"

/* Generated from themes/declaration by scripts/embed.py. */
extern const theme_file_t declaration_theme_files[];

#define NBSP "\xc2\xa0"

const declaration_field_t declaration_fields[DECL_NFIELDS] = {
	{"nom", "Nom du service", "the service's name (default: the perimeter's)", DECL_LINE, 0, 0},
	{"raison_etre", "Raison d’être du service", "why the service exists, for whom, what they need (Markdown)",
	 DECL_TEXT, 0, 0},
	{"date_evaluation", "Date de l’évaluation", "when the criteria were evaluated (YYYY-MM-DD)", DECL_DATE, 0, 0},
	{"date_mise_a_jour", "Date de mise à jour", "when the declaration was last brought up to date", DECL_DATE, 0,
	 0},
	{"entite_evaluation", "Entité ayant réalisé l’évaluation", "the team or firm that evaluated the service",
	 DECL_LINE, 0, 0},
	{"responsable_evaluation", "Responsable de l’évaluation", "the person who led the evaluation", DECL_LINE, 0,
	 0},
	{"referent", "Référent écoconception", "the service's eco-design referent", DECL_LINE, 0, 0},
	{"strategie", "Stratégie et objectifs", "the strategy and objectives to reduce or limit the impacts (Markdown)",
	 DECL_TEXT, 0, 0},
	{"budget_requetes", "Requêtes au plus par écran", "budget: at most this many requests per screen",
	 DECL_WHOLE, 1, 1000000},
	{"budget_poids", "Poids au plus par écran (Ko)", "budget: at most this many kilobytes per screen", DECL_WHOLE,
	 1, 100000000},
	{"echantillons", "Échantillon évalué (une page ou un parcours par ligne)",
	 "the pages or user journeys evaluated, one per line", DECL_TEXT, 0, 0},
	{"outils", "Outils utilisés", "the tools used to evaluate (Markdown)", DECL_TEXT, 0, 0},
	{"appareils", "Équipements pris en charge (type, ancienneté, versions)",
	 "the devices supported: kind, age or versions", DECL_TEXT, 0, 0},
	{"connexion", "Connexion minimale", "the slowest connection the service is usable on", DECL_LINE, 0, 0},
	{"largeur_ecran", "Largeur d’écran minimale (pixels)", "the narrowest screen supported, in pixels", DECL_WHOLE,
	 1, 100000},
	{"score_cible", "Score visé (%)", "the score aimed at, in percent (0 to 100, one decimal)", DECL_PERCENT, 0, 0},
	{"date_cible", "Date visée pour ce score", "when the target score should be reached", DECL_DATE, 0, 0},
};

const declaration_field_t declaration_criterion_fields[DECL_NCRITERION_FIELDS] = {
	{"texte_declaration", "Texte de déclaration", "what the declaration says of the criterion (Markdown)",
	 DECL_TEXT, 0, 0},
	{"evolutions_potentielles", "Évolutions potentielles", "evolutions considered (Markdown)", DECL_TEXT, 0, 0},
	{"actions_a_mener", "Actions à mener", "actions to carry out (Markdown)", DECL_TEXT, 0, 0},
};

static int field_index(const declaration_field_t *t, size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return (int)i;
	return -1;
}

int declaration_field(const char *key)
{
	return field_index(declaration_fields, DECL_NFIELDS, key);
}

int declaration_criterion_field(const char *key)
{
	return field_index(declaration_criterion_fields, DECL_NCRITERION_FIELDS, key);
}

bool declaration_supported(const profile_t *p)
{
	return p && p->id && strncmp(p->id, "rgesn-", 6) == 0;
}

steer_rc declaration_require(store_t *s, diag_list_t *d)
{
	long long version;
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)))
		return rc;
	if (declaration_supported(store_profile(s)))
		return STEER_OK;
	char *perimeter = NULL, *guide = NULL;
	if ((rc = perimeter_scope_names(s, &perimeter, &guide, d)))
		return rc;
	rc = store_refuse(d, "not-rgesn",
			  "a declaration is made for a service assessed against the RGESN: sobre perimeter attach NAME "
			  "--guide rgesn, then sobre declaration --perimeter NAME --guide rgesn",
			  "the référentiel %s of %s is not an RGESN: it has no eco-design declaration", guide ? guide : "?",
			  perimeter ? perimeter : "the perimeter");
	free(perimeter);
	free(guide);
	return rc;
}

const char *declaration_evaluation(const profile_t *p, status_t st)
{
	if (st == 0)
		return "À évaluer";
	if (status_not_applicable(p, st))
		return "Non applicable";
	return status_done(p, st) ? "Conforme" : "Non conforme";
}

/* --- the texts --------------------------------------------------------------- */

/* Refuses with the rule of the field's kind. */
static steer_rc refuse_value(const declaration_field_t *f, const char *why, diag_list_t *d)
{
	switch (f->kind) {
	case DECL_DATE:
		return store_refuse(d, "bad-date", "write dates as YYYY-MM-DD (or DD/MM/YYYY), e.g. 2026-06-30",
				    "%s is not a date", f->key);
	case DECL_WHOLE:
		return store_refuse(d, "bad-number", NULL, "%s takes a whole number from %ld to %ld", f->key, f->min,
				    f->max);
	case DECL_PERCENT:
		return store_refuse(d, "bad-score", "e.g. 75 or 82,5", "%s takes a percentage from 0 to 100 with at "
				    "most one decimal", f->key);
	default:
		return store_refuse(d, "bad-text", why && strstr(why, "line break") ? "keep it to one line" : NULL,
				    "%s %s", f->key, why ? why : "is not valid text");
	}
}

static steer_rc check_value(const declaration_field_t *f, const char *value, char **out, diag_list_t *d)
{
	*out = NULL;
	char *t = input_trim(value ? value : "");
	if (!*t) {
		free(t);
		return STEER_OK;
	}
	steer_rc rc = STEER_OK;
	char canon[INPUT_NUMBER_CAP];
	const char *why = NULL;
	switch (f->kind) {
	case DECL_LINE:
	case DECL_TEXT:
		if (f->kind == DECL_TEXT) {
			/* Browsers send CRLF in text areas: the database keeps LF. */
			char *w = t;
			for (const char *r = t; *r; r++)
				if (*r != '\r')
					*w++ = *r;
			*w = '\0';
		}
		why = input_text_problem(t, f->kind == DECL_LINE ? INPUT_MAX_NAME : INPUT_MAX_TEXT, f->kind == DECL_TEXT);
		if (why)
			rc = refuse_value(f, why, d);
		break;
	case DECL_DATE: {
		char date[11];
		if (input_date(t, date)) {
			free(t);
			t = xstrdup(date);
		} else {
			rc = refuse_value(f, NULL, d);
		}
		break;
	}
	case DECL_WHOLE: {
		long n;
		if (input_whole(t, f->min, f->max, &n)) {
			snprintf(canon, sizeof canon, "%ld", n);
			free(t);
			t = xstrdup(canon);
		} else {
			rc = refuse_value(f, NULL, d);
		}
		break;
	}
	case DECL_PERCENT: {
		double v;
		const char *dot = NULL;
		bool ok = input_number(t, canon, sizeof canon, &v) && v >= 0 && v <= 100;
		if (ok && (dot = strchr(canon, '.')) != NULL)
			ok = strlen(dot + 1) == 1;
		if (ok) {
			free(t);
			t = xstrdup(canon);
		} else {
			rc = refuse_value(f, NULL, d);
		}
		break;
	}
	}
	if (rc)
		free(t);
	else
		*out = t;
	return rc;
}

/* An unknown field's refusal, with the closest name. */
static steer_rc unknown_field(const declaration_field_t *t, size_t n, const char *key, diag_list_t *d)
{
	const char *names[DECL_NFIELDS];
	buf_t list = BUF_INIT, hint = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		names[i] = t[i].key;
		buf_printf(&list, "%s%s", i ? ", " : "", t[i].key);
	}
	const char *best = suggest_closest(key, names, n);
	if (best)
		buf_printf(&hint, "did you mean '%s'? ", best);
	buf_printf(&hint, "the fields are: %s", buf_cstr(&list));
	steer_rc rc = store_refuse(d, "unknown-field", buf_cstr(&hint), "'%s' is not a field of the declaration", key);
	buf_free(&list);
	buf_free(&hint);
	return rc;
}

steer_rc declaration_check(const declaration_field_t *f, const char *value, char **out, diag_list_t *d)
{
	return check_value(f, value, out, d);
}

steer_rc declaration_set(store_t *s, const char *key, const char *value, bool *changed, diag_list_t *d)
{
	steer_rc rc;
	char *canon = NULL, *old = NULL;
	if (changed)
		*changed = false;
	if ((rc = declaration_require(s, d)))
		return rc;
	int f = declaration_field(key);
	if (f < 0)
		return unknown_field(declaration_fields, DECL_NFIELDS, key ? key : "", d);
	if ((rc = check_value(&declaration_fields[f], value, &canon, d)))
		return rc;
	store_query_t *q = store_query(s, "SELECT value FROM declaration WHERE perimeter_id = ? AND referentiel_id = ? "
					  "AND field = ?");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, declaration_fields[f].key);
	if (store_next(q))
		old = store_col_dup(q, 0);
	if ((rc = store_end(q, d, "reading the declaration")))
		goto cleanup;
	if ((!old && !canon) || (old && canon && strcmp(old, canon) == 0))
		goto cleanup;
	if (canon) {
		q = store_query(s, "INSERT INTO declaration(perimeter_id, referentiel_id, field, value) VALUES (?, ?, ?, ?) "
				   "ON CONFLICT (perimeter_id, referentiel_id, field) DO UPDATE SET value = excluded.value");
		store_bind_text(q, 4, canon);
	} else {
		q = store_query(s, "DELETE FROM declaration WHERE perimeter_id = ? AND referentiel_id = ? AND field = ?");
	}
	store_bind_scope(q, 1);
	store_bind_text(q, 3, declaration_fields[f].key);
	buf_t what = BUF_INIT;
	buf_printf(&what, "declaration %s", declaration_fields[f].key);
	if (!(rc = store_exec(q, d, "writing the declaration")))
		rc = store_log(s, NULL, buf_cstr(&what), old, canon, d);
	buf_free(&what);
	if (!rc && changed)
		*changed = true;
cleanup:
	free(canon);
	free(old);
	return rc;
}

steer_rc declaration_set_criterion(store_t *s, const char *idbp, const char *key, const char *value, bool *changed,
				   diag_list_t *d)
{
	steer_rc rc;
	practice_ref_t ref;
	char *canon = NULL, *old = NULL;
	if (changed)
		*changed = false;
	if ((rc = declaration_require(s, d)))
		return rc;
	int f = declaration_criterion_field(key);
	if (f < 0)
		return unknown_field(declaration_criterion_fields, DECL_NCRITERION_FIELDS, key ? key : "", d);
	if ((rc = practice_find(s, idbp, false, &ref, d)) ||
	    (rc = check_value(&declaration_criterion_fields[f], value, &canon, d)))
		return rc;
	store_query_t *q = store_query(s, "SELECT value FROM declaration_criterion WHERE perimeter_id = ? AND "
					  "referentiel_id = ? AND idbp = ? AND field = ?");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, ref.idbp);
	store_bind_text(q, 4, declaration_criterion_fields[f].key);
	if (store_next(q))
		old = store_col_dup(q, 0);
	if ((rc = store_end(q, d, "reading the declaration")))
		goto cleanup;
	if ((!old && !canon) || (old && canon && strcmp(old, canon) == 0))
		goto cleanup;
	if (canon) {
		q = store_query(s, "INSERT INTO declaration_criterion(perimeter_id, referentiel_id, idbp, field, value) "
				   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (perimeter_id, referentiel_id, idbp, field) "
				   "DO UPDATE SET value = excluded.value");
		store_bind_text(q, 5, canon);
	} else {
		q = store_query(s, "DELETE FROM declaration_criterion WHERE perimeter_id = ? AND referentiel_id = ? AND "
				   "idbp = ? AND field = ?");
	}
	store_bind_scope(q, 1);
	store_bind_text(q, 3, ref.idbp);
	store_bind_text(q, 4, declaration_criterion_fields[f].key);
	buf_t what = BUF_INIT;
	buf_printf(&what, "declaration %s", declaration_criterion_fields[f].key);
	if (!(rc = store_exec(q, d, "writing the declaration")))
		rc = store_log(s, ref.idbp, buf_cstr(&what), old, canon, d);
	buf_free(&what);
	if (!rc && changed)
		*changed = true;
cleanup:
	free(canon);
	free(old);
	return rc;
}

/* --- reading it back ----------------------------------------------------------- */

void declaration_free(declaration_t *x)
{
	free(x->perimeter);
	free(x->guide);
	free(x->guide_title);
	free(x->guide_version);
	free(x->org);
	for (size_t i = 0; i < DECL_NFIELDS; i++)
		free(x->values[i]);
	for (size_t i = 0; i < x->ncriteria; i++)
		for (size_t k = 0; k < DECL_NCRITERION_FIELDS; k++)
			free(x->criteria[i].text[k]);
	free(x->criteria);
	free(x->actions);
	plan_free(&x->all);
	score_free(&x->score);
	memset(x, 0, sizeof *x);
}

const char *declaration_name(const declaration_t *x)
{
	return x->values[DECL_NOM] ? x->values[DECL_NOM] : x->perimeter;
}

const char *declaration_who(const declaration_criterion_t *c)
{
	const plan_item_t *x = c->item;
	if (x->owner && *x->owner)
		return x->owner;
	return x->pilot && *x->pilot ? x->pilot : NULL;
}

/* The service's texts and the criteria's into x (its criteria made). */
static steer_rc load_texts(store_t *s, declaration_t *x, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT field, value FROM declaration WHERE perimeter_id = ? AND "
					  "referentiel_id = ?");
	store_bind_scope(q, 1);
	while (store_next(q)) {
		int f = declaration_field(store_col_text(q, 0));
		if (f >= 0 && !x->values[f])
			x->values[f] = store_col_dup(q, 1);
	}
	steer_rc rc = store_end(q, d, "reading the declaration");
	if (rc)
		return rc;
	strset_t *ids = strset_new();
	for (size_t i = 0; i < x->ncriteria; i++) {
		const char *id = x->criteria[i].item->idbp;
		strset_add(ids, id, strlen(id), i, NULL);
	}
	q = store_query(s, "SELECT idbp, field, value FROM declaration_criterion WHERE perimeter_id = ? AND "
			   "referentiel_id = ?");
	store_bind_scope(q, 1);
	while (store_next(q)) {
		const char *id = store_col_text(q, 0);
		int f = declaration_criterion_field(store_col_text(q, 1));
		size_t i;
		/* An archived criterion's texts stay in the database, out of the declaration. */
		if (f >= 0 && id && strset_get(ids, id, strlen(id), &i) && !x->criteria[i].text[f])
			x->criteria[i].text[f] = store_col_dup(q, 2);
	}
	strset_free(ids);
	return store_end(q, d, "reading the declaration");
}

/* The improvements, in the plan's order. */
static steer_rc load_actions(store_t *s, declaration_t *x, diag_list_t *d)
{
	plan_t plan;
	steer_rc rc = plan_build(s, PLAN_ACTIONS, NULL, &plan, d);
	if (rc)
		return rc;
	strset_t *ids = strset_new();
	for (size_t i = 0; i < x->ncriteria; i++) {
		const char *id = x->criteria[i].item->idbp;
		strset_add(ids, id, strlen(id), i, NULL);
	}
	x->actions = xcalloc(plan.len + 1, sizeof *x->actions);
	for (size_t k = 0; k < plan.len; k++) {
		size_t i;
		const char *id = plan.items[k].idbp;
		if (strset_get(ids, id, strlen(id), &i) && x->criteria[i].action)
			x->actions[x->nactions++] = i;
	}
	strset_free(ids);
	plan_free(&plan);
	return STEER_OK;
}

steer_rc declaration_load(store_t *s, declaration_t *out, diag_list_t *d)
{
	steer_rc rc;
	long long version;
	memset(out, 0, sizeof *out);
	if ((rc = declaration_require(s, d)))
		return rc;
	out->profile = store_profile(s);
	store_today(s, out->today);
	out->org = store_meta(s, "org");
	if ((rc = perimeter_scope_names(s, &out->perimeter, &out->guide, d)) ||
	    (rc = store_current_version(s, &version, &out->guide_version, d)))
		goto fail;
	store_query_t *q = store_query(s, "SELECT title FROM guide_version WHERE id = ?");
	store_bind_int(q, 1, version);
	if (store_next(q))
		out->guide_title = store_col_dup(q, 0);
	if ((rc = store_end(q, d, "reading the guide version")) || (rc = plan_build(s, PLAN_ALL, NULL, &out->all, d)) ||
	    (rc = score_compute(s, SCORE_BY_NONE, &out->score, d)))
		goto fail;
	memcpy(out->weights, out->score.weights, sizeof out->weights);
	out->ncriteria = out->all.len;
	out->criteria = xcalloc(out->ncriteria + 1, sizeof *out->criteria);
	for (size_t i = 0; i < out->ncriteria; i++) {
		const plan_item_t *x = &out->all.items[i];
		declaration_criterion_t *c = &out->criteria[i];
		c->item = x;
		c->action = x->status != 0 && status_applicable(out->profile, x->status) &&
			    !status_done(out->profile, x->status);
	}
	if ((rc = load_texts(s, out, d)) || (rc = load_actions(s, out, d)))
		goto fail;
	return STEER_OK;
fail:
	declaration_free(out);
	return rc;
}

/* --- the page -------------------------------------------------------------------- */

static void put_str(value_t *m, const char *key, const char *s)
{
	value_map_set(m, key, s && *s ? value_cstring(s) : value_null());
}

static void put_buf(value_t *m, const char *key, buf_t *b)
{
	put_str(m, key, buf_cstr(b));
	buf_reset(b);
}

static void put_date(value_t *m, const char *key, const char *iso)
{
	buf_t b = BUF_INIT;
	frdate_date(iso, &b);
	put_buf(m, key, &b);
	buf_free(&b);
}

/* Text typed in the app, as HTML: Markdown without raw HTML, an image of
 * another host a link to it (the page asks no host anything). */
static void put_markdown(value_t *m, const char *key, const char *text)
{
	if (!text || !*text) {
		value_map_set(m, key, value_null());
		return;
	}
	buf_t b = BUF_INIT;
	md_render(text, strlen(text), MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG, &b, NULL, NULL);
	put_buf(m, key, &b);
	buf_free(&b);
}

/* The same for a criterion's short texts, shown after a label on its
 * line: a text of one paragraph without its <p> (most of them; the page
 * must stay light with a text on each of 78 criteria), else as blocks. */
static void put_inline(value_t *m, const char *key, const char *text)
{
	if (!text || !*text) {
		value_map_set(m, key, value_null());
		return;
	}
	buf_t b = BUF_INIT;
	md_render(text, strlen(text), MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG, &b, NULL, NULL);
	const char *h = buf_cstr(&b);
	size_t n = b.len;
	if (n > 8 && strncmp(h, "<p>", 3) == 0 && strcmp(h + n - 5, "</p>\n") == 0 && !strstr(h + 3, "<p>") &&
	    !strstr(h + 3, "</p>\n<")) {
		char *in = xstrndup(h + 3, n - 8);
		put_str(m, key, in);
		free(in);
	} else {
		put_str(m, key, h);
	}
	buf_free(&b);
}

/* "1 250" with a no-break space between thousands, as French writes it. */
static void put_whole(value_t *m, const char *key, const char *digits)
{
	if (!digits) {
		value_map_set(m, key, value_null());
		return;
	}
	buf_t b = BUF_INIT;
	size_t n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf_puts(&b, NBSP);
		buf_putc(&b, digits[i]);
	}
	put_buf(m, key, &b);
	buf_free(&b);
}

/* The service's texts, under their field names. */
static void texts_ctx(value_t *c, const declaration_t *x)
{
	static const int markdown[] = {DECL_RAISON_ETRE, DECL_STRATEGIE, DECL_OUTILS, DECL_APPAREILS};
	for (size_t i = 0; i < DECL_NFIELDS; i++) {
		const char *key = declaration_fields[i].key, *v = x->values[i];
		switch (declaration_fields[i].kind) {
		case DECL_DATE: put_date(c, key, v); break;
		case DECL_WHOLE: put_whole(c, key, v); break;
		default: put_str(c, key, v); break;
		}
	}
	for (size_t i = 0; i < sizeof markdown / sizeof *markdown; i++)
		put_markdown(c, declaration_fields[markdown[i]].key, x->values[markdown[i]]);
	put_str(c, "nom", declaration_name(x));
	/* One page or journey per line. */
	value_t *sample = value_put_list(c, "echantillons");
	const char *p = x->values[DECL_ECHANTILLONS];
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		char *t = input_trim(line);
		if (*t)
			put_str(value_push_map(sample), "line", t);
		free(t);
		free(line);
		p += n + (p[n] == '\n');
	}
	value_map_set(c, "has_echantillons", value_bool(sample->u.list.len > 0));
	value_map_set(c, "has_budget", value_bool(x->values[DECL_BUDGET_REQUETES] || x->values[DECL_BUDGET_POIDS]));
	value_map_set(c, "has_config", value_bool(x->values[DECL_APPAREILS] || x->values[DECL_CONNEXION] ||
						  x->values[DECL_LARGEUR_ECRAN]));
	value_map_set(c, "has_evaluator",
		      value_bool(x->values[DECL_ENTITE_EVALUATION] || x->values[DECL_RESPONSABLE_EVALUATION]));
	if (x->values[DECL_SCORE_CIBLE]) {
		buf_t b = BUF_INIT;
		for (const char *q = x->values[DECL_SCORE_CIBLE]; *q; q++)
			buf_putc(&b, *q == '.' ? ',' : *q);
		buf_puts(&b, NBSP "%");
		put_buf(c, "score_cible", &b);
		buf_free(&b);
	}
}

/* A criterion as the page lists it: its texts, and for an improvement its
 * actions, who and when. */
static void criterion_ctx(value_t *row, const declaration_t *x, const declaration_criterion_t *c, bool details)
{
	value_map_set(row, "details", value_bool(details));
	put_str(row, "idbp", c->item->idbp);
	put_str(row, "title", c->item->title);
	/* Reworded by an upgrade since its assessment was saved: published as
	 * assessed, but said (an upgrade hides nothing). */
	value_map_set(row, "review", value_bool(c->item->review));
	put_str(row, "status", status_name(x->profile, c->item->status));
	put_inline(row, "justification", c->item->comment);
	put_inline(row, "texte_declaration", c->text[DECL_TEXTE_DECLARATION]);
	put_inline(row, "evolutions_potentielles", c->text[DECL_EVOLUTIONS_POTENTIELLES]);
	put_inline(row, "actions_a_mener", c->text[DECL_ACTIONS_A_MENER]);
	put_str(row, "who", declaration_who(c));
	put_date(row, "due", c->item->due);
}

/* The criteria of one evaluation, as a list; *count gets how many (0: null). */
static value_t *group_ctx(const declaration_t *x, const char *evaluation, const char *id, const char *title,
			  size_t *count)
{
	value_t *g = value_map(), *rows = value_put_list(g, "rows");
	size_t n = 0;
	for (size_t i = 0; i < x->ncriteria; i++) {
		const declaration_criterion_t *c = &x->criteria[i];
		if (strcmp(declaration_evaluation(x->profile, c->item->status), evaluation) != 0)
			continue;
		criterion_ctx(value_push_map(rows), x, c, false);
		n++;
	}
	put_str(g, "id", id);
	put_str(g, "title", title);
	value_put_int(g, "count", (long long)n);
	value_map_set(g, "note", value_bool(false));
	*count = n;
	if (!n) {
		value_free(g);
		return value_null();
	}
	return g;
}

/* The improvements: the criteria not validated, in the plan's order. */
static value_t *actions_ctx(const declaration_t *x)
{
	value_t *rows = value_list();
	for (size_t k = 0; k < x->nactions; k++)
		criterion_ctx(value_push_map(rows), x, &x->criteria[x->actions[k]], true);
	return rows;
}

static value_t *declaration_ctx(const declaration_t *x)
{
	value_t *c = value_map();
	for (const theme_file_t *t = declaration_theme_files; t->name; t++)
		if (strcmp(t->name, "declaration.css") == 0)
			value_map_set(c, "css", value_string_ref(t->data, t->size));
	texts_ctx(c, x);
	put_str(c, "org", x->org);
	put_str(c, "perimeter", x->perimeter);
	put_str(c, "guide_title", x->guide_title);
	put_str(c, "guide_version", x->guide_version);
	put_date(c, "today", x->today);
	value_put_int(c, "criteria", (long long)x->ncriteria);
	buf_t b = BUF_INIT;
	const score_tally_t *t = &x->score.overall;
	score_format(t->num, t->den, ',', &b);
	if (t->den)
		buf_puts(&b, NBSP "%");
	value_map_set(c, "has_score", value_bool(t->den > 0));
	put_buf(c, "score", &b);
	score_formula_fr(x->profile, x->weights, &b);
	put_buf(c, "formula", &b);
	buf_free(&b);
	value_put_int(c, "applicable", (long long)t->applicable);
	value_put_int(c, "assessed", (long long)t->assessed);
	value_put_int(c, "total", (long long)t->total);
	/* The criteria not validated are the improvements (assessed,
	 * applicable, not validated): listed once, there. */
	static const struct {
		const char *evaluation, *id, *title;
	} groups[] = {
		{"Conforme", "conformes", "Critères conformes"},
		{"Non conforme", NULL, "Critères non conformes"},
		{"Non applicable", "non-applicables", "Critères non applicables"},
		{"À évaluer", "a-evaluer", "Critères à évaluer"},
	};
	value_t *counts = value_put_list(c, "counts"), *lists = value_put_list(c, "groups");
	for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
		size_t n = x->nactions;
		value_t *g;
		if (groups[i].id) {
			g = group_ctx(x, groups[i].evaluation, groups[i].id, groups[i].title, &n);
		} else {
			g = value_map();
			put_str(g, "title", groups[i].title);
			value_put_int(g, "count", (long long)n);
			value_map_set(g, "note", value_bool(true));
		}
		value_t *row = value_push_map(counts);
		put_str(row, "evaluation", groups[i].evaluation);
		value_put_int(row, "count", (long long)n);
		if (n)
			value_list_push(lists, g);
		else
			value_free(g);
	}
	value_map_set(c, "actions", actions_ctx(x));
	value_put_int(c, "nactions", (long long)x->nactions);
	value_map_set(c, "has_actions", value_bool(x->nactions > 0));
	return c;
}

steer_rc declaration_html(const declaration_t *x, buf_t *out, diag_list_t *d)
{
	mst_registry_t *reg = mst_registry_new(d);
	for (const theme_file_t *t = declaration_theme_files; t->name; t++) {
		size_t n = strlen(t->name);
		if (n > 9 && strcmp(t->name + n - 9, ".mustache") == 0) {
			char *name = xstrndup(t->name, n - 9);
			mst_registry_add(reg, name, t->name, t->data, t->size);
			free(name);
		}
	}
	value_t *ctx = declaration_ctx(x);
	const mst_t *page = mst_registry_get(reg, "declaration", 11);
	steer_rc rc = STEER_OK;
	if (!page || mst_render(page, ctx, mst_registry_lookup, reg, out, d) != 0) {
		if (!page)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, "declaration", "the declaration's template is missing or invalid");
		rc = STEER_IO;
	}
	value_free(ctx);
	mst_registry_free(reg);
	return rc;
}
