/* pilotage_declaration: the web app's pages of the RGESN declaration of
 * the scope's service (steer/declaration): the declaration with the form
 * of the service's texts, one criterion's texts, and the three downloads.
 * Only a scope assessed against an RGESN has them (else 404). Admins of
 * the perimeter edit the service's texts; a criterion's texts are edited
 * by whoever may edit its assessment (account_may_edit). A refused form is
 * shown again with what was typed and the error next to each field;
 * nothing of it is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guide/markdown.h"
#include "steer/declaration.h"
#include "steer/input.h"
#include "steer/jsonout.h"
#include "steer/sheet.h"
#include "util/frdate.h"
#include "util/xalloc.h"
#include "web/pilotage_internal.h"

/* A refused form: its errors by field (the service's or a criterion's). */
typedef struct {
	buf_t err[DECL_NFIELDS];
} decl_form_t;

static void form_free(decl_form_t *f)
{
	for (size_t i = 0; i < DECL_NFIELDS; i++)
		buf_free(&f->err[i]);
}

/* Answers 404 and returns false unless the scope has a declaration. */
static bool has_declaration(rq_t *r)
{
	if (declaration_supported(store_profile(r->s)))
		return true;
	buf_t msg = BUF_INIT;
	buf_printf(&msg, "Une déclaration d'écoconception se rapporte au RGESN : ce périmètre est évalué selon le "
			 "référentiel « %s ». Choisissez un périmètre évalué selon le RGESN.",
		   r->guide ? r->guide : "?");
	rq_error(r, 404, "Pas de déclaration", buf_cstr(&msg));
	buf_free(&msg);
	return false;
}

/* Loads the declaration, or answers (503) and returns false. */
static bool load(rq_t *r, declaration_t *x)
{
	steer_rc rc = declaration_load(r->s, x, &r->d);
	if (rc == STEER_OK)
		return true;
	if (rc == STEER_IO)
		rq_io_error(r);
	else
		rq_error(r, 404, "Pas de déclaration", "Aucun référentiel n'est encore importé pour ce périmètre.");
	return false;
}

static void put_markdown(value_t *m, const char *key, const char *text)
{
	buf_t b = BUF_INIT;
	if (text && *text)
		md_render(text, strlen(text), MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG, &b, NULL, NULL);
	ctx_str(m, key, buf_cstr(&b));
	buf_free(&b);
}

/* "2026-03-01" as "1er mars 2026"; "" when unset. */
static void put_date(value_t *m, const char *key, const char *iso)
{
	buf_t b = BUF_INIT;
	if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-') {
		int y = input_digits(iso, 4), mo = input_digits(iso + 5, 2), d = input_digits(iso + 8, 2);
		if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1)
			buf_printf(&b, "%d%s %s %d", d, d == 1 ? "er" : "", frdate_month(mo - 1), y);
	}
	ctx_str(m, key, buf_cstr(&b));
	buf_free(&b);
}

/* The French of a value refused by declaration_check, for field f. */
static void refusal_fr(const declaration_field_t *f, const diag_list_t *d, buf_t *out)
{
	const char *rule = d->len && d->items[0].rule ? d->items[0].rule : "";
	const char *msg = d->len && d->items[0].msg ? d->items[0].msg : "";
	switch (f->kind) {
	case DECL_DATE: buf_puts(out, "Date invalide : écrire AAAA-MM-JJ (ou JJ/MM/AAAA)."); break;
	case DECL_WHOLE: buf_printf(out, "Nombre entier attendu, de %ld à %ld, sans espace.", f->min, f->max); break;
	case DECL_PERCENT: buf_puts(out, "Pourcentage attendu, de 0 à 100, une décimale au plus (75 ou 82,5)."); break;
	default:
		if (strcmp(rule, "bad-text") == 0 && strstr(msg, "line break"))
			buf_puts(out, "Une seule ligne, sans caractère de contrôle.");
		else if (strstr(msg, "longer"))
			buf_printf(out, "Texte trop long : %s octets au plus.", f->kind == DECL_LINE ? "200" : "4 000");
		else
			buf_puts(out, "Texte invalide (caractères de contrôle).");
		break;
	}
}

/* Checks every field of table t posted with the form; their errors in
 * form. Returns how many were refused. */
static size_t check_form(rq_t *r, const declaration_field_t *t, size_t n, decl_form_t *form)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = http_param(&r->req->form, t[i].key);
		char *canon = NULL;
		diag_list_t d = DIAG_LIST_INIT;
		if (v && declaration_check(&t[i], v, &canon, &d)) {
			refusal_fr(&t[i], &d, &form->err[i]);
			bad++;
		}
		free(canon);
		diag_list_free(&d);
	}
	return bad;
}

/* The form's fields of table t: each with its value (what was posted when
 * form holds a refusal, else current[i]) and its error. */
static value_t *fields_ctx(rq_t *r, const declaration_field_t *t, size_t n, char *const *current,
			   const decl_form_t *form)
{
	value_t *list = value_list();
	for (size_t i = 0; i < n; i++) {
		value_t *f = value_push_map(list);
		const char *v = form ? http_param(&r->req->form, t[i].key) : current[i];
		if (!form && v && t[i].kind == DECL_PERCENT) {
			/* The stored 82.5 as it is typed in French. */
			char *c = xstrdup(v), *dot = strchr(c, '.');
			if (dot)
				*dot = ',';
			ctx_str(f, "value", c);
			free(c);
		} else {
			ctx_str(f, "value", v);
		}
		ctx_str(f, "key", t[i].key);
		ctx_str(f, "label", t[i].label);
		ctx_bool(f, "text", t[i].kind == DECL_TEXT);
		ctx_bool(f, "date", t[i].kind == DECL_DATE);
		ctx_bool(f, "numeric", t[i].kind == DECL_WHOLE);
		ctx_bool(f, "decimal", t[i].kind == DECL_PERCENT);
		ctx_str(f, "err", form ? buf_cstr(&form->err[i]) : "");
	}
	return list;
}

static void url_ctx(rq_t *r, value_t *ctx, const char *key, const char *path)
{
	buf_t u = BUF_INIT;
	rq_scoped_url(r, &u, path, NULL, NULL);
	ctx_str(ctx, key, buf_cstr(&u));
	buf_free(&u);
}

static void declaration_page(rq_t *r, int status, const decl_form_t *form)
{
	declaration_t x;
	if (!load(r, &x))
		return;
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_declaration", true);
	ctx_str(ctx, "name", declaration_name(&x));
	ctx_str(ctx, "perimeter", x.perimeter);
	buf_t b = BUF_INIT;
	score_format(x.score.overall.num, x.score.overall.den, ',', &b);
	if (x.score.overall.den)
		buf_puts(&b, " %");
	ctx_str(ctx, "score", buf_cstr(&b));
	buf_reset(&b);
	score_formula_fr(x.profile, x.weights, &b);
	ctx_str(ctx, "formula", buf_cstr(&b));
	buf_free(&b);
	value_put_int(ctx, "assessed", (long long)x.score.overall.assessed);
	value_put_int(ctx, "total", (long long)x.score.overall.total);
	value_put_int(ctx, "nactions", (long long)x.nactions);
	url_ctx(r, ctx, "html_url", "/pilotage/declaration.html");
	url_ctx(r, ctx, "json_url", "/pilotage/declaration.json");
	url_ctx(r, ctx, "xlsx_url", "/pilotage/declaration.xlsx");
	bool can_edit = account_may_edit(&r->user, NULL);
	ctx_bool(ctx, "can_edit", can_edit);
	if (form)
		ctx_str(ctx, "form_error", "La déclaration n'a pas été enregistrée : corrigez les champs signalés.");
	value_map_set(ctx, "fields", fields_ctx(r, declaration_fields, DECL_NFIELDS, x.values, form));
	/* What a reader sees instead of the form: the texts that are set. */
	value_t *texts = value_put_list(ctx, "texts");
	ctx_bool(ctx, "has_texts", false);
	for (size_t i = 0; i < DECL_NFIELDS; i++) {
		if (!x.values[i])
			continue;
		value_t *t = value_push_map(texts);
		ctx_bool(ctx, "has_texts", true);
		ctx_str(t, "label", declaration_fields[i].label);
		ctx_str(t, "value", x.values[i]);
	}
	value_t *rows = value_put_list(ctx, "criteria");
	for (size_t i = 0; i < x.ncriteria; i++) {
		const declaration_criterion_t *c = &x.criteria[i];
		value_t *row = value_push_map(rows);
		ctx_str(row, "idbp", c->item->idbp);
		ctx_str(row, "title", c->item->title);
		ctx_str(row, "evaluation", declaration_evaluation(x.profile, c->item->status));
		ctx_str(row, "status", status_name(x.profile, c->item->status));
		put_markdown(row, "texte", c->text[DECL_TEXTE_DECLARATION]);
		put_markdown(row, "actions", c->text[DECL_ACTIONS_A_MENER]);
		ctx_str(row, "who", c->action ? declaration_who(c) : NULL);
		put_date(row, "due", c->action ? c->item->due : NULL);
	}
	declaration_free(&x);
	rq_render(r, status, "declaration", ctx);
}

void pg_declaration(rq_t *r)
{
	if (has_declaration(r))
		declaration_page(r, 200, NULL);
}

void do_declaration(rq_t *r)
{
	if (!has_declaration(r))
		return;
	if (!account_may_edit(&r->user, NULL)) {
		rq_forbidden(r, "Seuls les administrateurs de ce périmètre modifient les textes de la déclaration. "
				"Rien n'a été enregistré.");
		return;
	}
	decl_form_t form;
	memset(&form, 0, sizeof form);
	if (check_form(r, declaration_fields, DECL_NFIELDS, &form)) {
		declaration_page(r, 422, &form);
		form_free(&form);
		return;
	}
	form_free(&form);
	for (size_t i = 0; i < DECL_NFIELDS; i++) {
		const char *v = http_param(&r->req->form, declaration_fields[i].key);
		if (v && declaration_set(r->s, declaration_fields[i].key, v, NULL, &r->d)) {
			/* Checked above: only the database can fail here. */
			rq_io_error(r);
			return;
		}
	}
	r->commit = true;
	rq_redirect_scoped(r, "/pilotage/declaration", "ok=declaration", NULL);
}

/* --- one criterion ------------------------------------------------------------- */

/* The criterion idbp of x (exactly, else in another case), or NULL. */
static const declaration_criterion_t *find(const declaration_t *x, const char *idbp)
{
	for (size_t i = 0; i < x->ncriteria; i++)
		if (strcmp(x->criteria[i].item->idbp, idbp) == 0)
			return &x->criteria[i];
	for (size_t i = 0; i < x->ncriteria; i++)
		if (strcasecmp(x->criteria[i].item->idbp, idbp) == 0)
			return &x->criteria[i];
	return NULL;
}

static void criterion_page(rq_t *r, const char *idbp, int status, const decl_form_t *form)
{
	declaration_t x;
	if (!load(r, &x))
		return;
	const declaration_criterion_t *c = find(&x, idbp);
	if (!c) {
		declaration_free(&x);
		rq_error(r, 404, "Critère introuvable", "Ce critère n'existe pas dans ce référentiel.");
		return;
	}
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_declaration", true);
	ctx_str(ctx, "idbp", c->item->idbp);
	ctx_str(ctx, "title", c->item->title);
	ctx_str(ctx, "evaluation", declaration_evaluation(x.profile, c->item->status));
	ctx_str(ctx, "status", status_name(x.profile, c->item->status));
	put_markdown(ctx, "justification", c->item->comment);
	ctx_str(ctx, "who", declaration_who(c));
	put_date(ctx, "due", c->item->due);
	ctx_bool(ctx, "can_edit", account_may_edit(&r->user, c->item->pilot));
	if (form)
		ctx_str(ctx, "form_error", "Les textes n'ont pas été enregistrés : corrigez les champs signalés.");
	value_map_set(ctx, "fields", fields_ctx(r, declaration_criterion_fields, DECL_NCRITERION_FIELDS, c->text, form));
	declaration_free(&x);
	rq_render(r, status, "declaration_criterion", ctx);
}

void pg_declaration_criterion(rq_t *r, const char *idbp)
{
	if (has_declaration(r))
		criterion_page(r, idbp, 200, NULL);
}

void do_declaration_criterion(rq_t *r, const char *idbp)
{
	declaration_t x;
	if (!has_declaration(r) || !load(r, &x))
		return;
	const declaration_criterion_t *c = find(&x, idbp);
	bool may = c && account_may_edit(&r->user, c->item->pilot);
	char *id = c ? xstrdup(c->item->idbp) : NULL;
	declaration_free(&x);
	if (!id) {
		rq_error(r, 404, "Critère introuvable", "Ce critère n'existe pas dans ce référentiel.");
		return;
	}
	decl_form_t form;
	memset(&form, 0, sizeof form);
	if (!may) {
		rq_forbidden(r, "Votre rôle ne permet pas de modifier ce critère. Rien n'a été enregistré.");
	} else if (check_form(r, declaration_criterion_fields, DECL_NCRITERION_FIELDS, &form)) {
		criterion_page(r, id, 422, &form);
	} else {
		steer_rc rc = STEER_OK;
		for (size_t i = 0; i < DECL_NCRITERION_FIELDS && !rc; i++) {
			const char *v = http_param(&r->req->form, declaration_criterion_fields[i].key);
			if (v)
				rc = declaration_set_criterion(r->s, id, declaration_criterion_fields[i].key, v, NULL, &r->d);
		}
		if (rc) {
			rq_io_error(r);
		} else {
			r->commit = true;
			buf_t frag = BUF_INIT;
			buf_printf(&frag, "c-%s", id);
			rq_redirect_scoped(r, "/pilotage/declaration", "ok=declaration", buf_cstr(&frag));
			buf_free(&frag);
		}
	}
	form_free(&form);
	free(id);
}

/* --- downloads ------------------------------------------------------------------- */

void pg_declaration_download(rq_t *r, const char *name)
{
	static const struct {
		const char *name, *type;
	} files[] = {
		{"declaration.html", "text/html; charset=utf-8"},
		{"declaration.json", "application/json; charset=utf-8"},
		{"declaration.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	};
	size_t k = 0;
	while (k < sizeof files / sizeof *files && strcmp(files[k].name, name) != 0)
		k++;
	declaration_t x;
	if (k == sizeof files / sizeof *files) {
		rq_error(r, 404, "Page introuvable", "Cette page n'existe pas.");
		return;
	}
	if (!has_declaration(r) || !load(r, &x))
		return;
	buf_t out = BUF_INIT;
	steer_rc rc = STEER_OK;
	if (k == 0) {
		rc = declaration_html(&x, &out, &r->d);
	} else if (k == 1) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_declaration(&w, &x);
		buf_putc(&out, '\n');
	} else {
		rc = sheet_declaration_xlsx(&x, &out, &r->d);
	}
	declaration_free(&x);
	if (rc) {
		buf_free(&out);
		rq_io_error(r);
		return;
	}
	/* An attachment: the page is meant to be published elsewhere, and its
	 * inline stylesheet is one the app's Content-Security-Policy refuses. */
	char disp[96];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", files[k].name);
	r->res->type = files[k].type;
	web_set_header(r->res, "Content-Disposition", disp);
	web_set_header(r->res, "Cache-Control", "no-store");
	buf_put(&r->res->body, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
}
