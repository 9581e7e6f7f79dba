/* pilotage_strategy: the web app's page of the stratégie numérique
 * responsable of the scope's perimeter (steer/strategy): the document for
 * a year, its three downloads (ODT, HTML, Markdown), and the forms of the
 * texts only a person writes, one text per form. Admins of the perimeter
 * edit them; everyone with access reads. A refused text is shown again
 * with what was typed and the error; nothing of it is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/doc.h"
#include "steer/input.h"
#include "steer/strategy.h"
#include "util/xalloc.h"
#include "web/pilotage_internal.h"

/* The year asked for (?annee=YYYY), else 0 (this year); false with a 400
 * answer when it is not a year. */
static bool year_of(rq_t *r, int *year)
{
	const char *y = http_param(&r->req->query, "annee");
	long v = 0;
	*year = 0;
	if (!y || !*y)
		return true;
	if (!input_whole(y, 2000, 9999, &v)) {
		rq_error(r, 400, "Année invalide", "L'année s'écrit avec quatre chiffres, par exemple 2026.");
		return false;
	}
	*year = (int)v;
	return true;
}

static void url_ctx(rq_t *r, value_t *m, const char *key, const char *path, int year)
{
	buf_t u = BUF_INIT, q = BUF_INIT;
	if (year)
		buf_printf(&q, "annee=%d", year);
	rq_scoped_url(r, &u, path, year ? buf_cstr(&q) : NULL, NULL);
	ctx_str(m, key, buf_cstr(&u));
	buf_free(&u);
	buf_free(&q);
}

/* The page; refused (may be NULL): the field whose text was refused, with
 * the posted text and its error. */
static void strategy_page(rq_t *r, int status, int year, const strategy_field_t *refused, const char *posted,
			  const char *error)
{
	doc_t *doc = NULL;
	char *texts[STRATEGY_NFIELDS] = {0};
	if (strategy_build(r->s, year, &doc, &r->d) || strategy_texts(r->s, texts, &r->d)) {
		doc_free(doc);
		rq_io_error(r);
		return;
	}
	char today[11];
	store_today(r->s, today);
	int shown = year ? year : (int)strtol(today, NULL, 10);
	value_t *ctx = value_map();
	ctx_bool(ctx, "nav_strategy", true);
	buf_t b = BUF_INIT;
	doc_write_html(doc, &b);
	ctx_str(ctx, "document", buf_cstr(&b));
	buf_reset(&b);
	doc_free(doc);
	value_put_int(ctx, "year", shown);
	value_t *years = value_put_list(ctx, "years");
	for (int y = (int)strtol(today, NULL, 10); y >= (int)strtol(today, NULL, 10) - 3; y--) {
		value_t *m = value_push_map(years);
		value_put_int(m, "year", y);
		ctx_bool(m, "current", y == shown);
		url_ctx(r, m, "url", "/pilotage/strategie", y);
	}
	url_ctx(r, ctx, "odt_url", "/pilotage/strategie.odt", year);
	url_ctx(r, ctx, "html_url", "/pilotage/strategie.html", year);
	url_ctx(r, ctx, "md_url", "/pilotage/strategie.md", year);
	url_ctx(r, ctx, "action", "/pilotage/strategie", year);
	bool can_edit = account_may_edit(&r->user, NULL);
	ctx_bool(ctx, "can_edit", can_edit);
	value_t *fields = value_put_list(ctx, "fields");
	for (size_t i = 0; i < STRATEGY_NFIELDS; i++) {
		const strategy_field_t *f = &strategy_fields[i];
		value_t *m = value_push_map(fields);
		ctx_str(m, "key", f->key);
		ctx_str(m, "title", f->title);
		ctx_str(m, "help", f->help);
		ctx_str(m, "value", refused == f ? posted : texts[i]);
		ctx_str(m, "err", refused == f ? error : "");
		free(texts[i]);
	}
	buf_free(&b);
	rq_render(r, status, "strategy", ctx);
}

void pg_strategy(rq_t *r)
{
	int year;
	if (year_of(r, &year))
		strategy_page(r, 200, year, NULL, NULL, NULL);
}

void do_strategy(rq_t *r)
{
	int year;
	if (!year_of(r, &year))
		return;
	if (!account_may_edit(&r->user, NULL)) {
		rq_forbidden(r, "Seuls les administrateurs de ce périmètre modifient les textes de la stratégie. "
				"Rien n'a été enregistré.");
		return;
	}
	const char *key = http_param(&r->req->form, "champ");
	const char *text = http_param(&r->req->form, "texte");
	const strategy_field_t *f = key ? strategy_field(key) : NULL;
	if (!f || !text) {
		rq_error(r, 400, "Formulaire incomplet", "Ce formulaire ne dit pas quel texte enregistrer. Rien n'a été "
							 "enregistré.");
		return;
	}
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = strategy_set(r->s, f->key, text, NULL, &d);
	if (rc == STEER_IO) {
		diag_move_all(&d, &r->d);
		rq_io_error(r);
		return;
	}
	if (rc) {
		buf_t err = BUF_INIT;
		buf_printf(&err, "Texte non enregistré : %s (%d octets au plus, sans caractère de contrôle).",
			   strlen(text) > STRATEGY_MAX_TEXT ? "trop long" : "caractères interdits", STRATEGY_MAX_TEXT);
		diag_list_free(&d);
		/* strategy_set refuses before it writes: nothing to undo. */
		strategy_page(r, 422, year, f, text, buf_cstr(&err));
		buf_free(&err);
		return;
	}
	diag_list_free(&d);
	r->commit = true;
	buf_t q = BUF_INIT, frag = BUF_INIT;
	buf_puts(&q, "ok=strategie");
	if (year)
		buf_printf(&q, "&annee=%d", year);
	buf_printf(&frag, "texte-%s", f->key);
	rq_redirect_scoped(r, "/pilotage/strategie", buf_cstr(&q), buf_cstr(&frag));
	buf_free(&q);
	buf_free(&frag);
}

void pg_strategy_download(rq_t *r, const char *name)
{
	static const struct {
		const char *name, *type;
		strategy_format_t format;
	} files[] = {
		{"strategie.odt", "application/vnd.oasis.opendocument.text", STRATEGY_ODT},
		{"strategie.html", "text/html; charset=utf-8", STRATEGY_HTML},
		{"strategie.md", "text/markdown; charset=utf-8", STRATEGY_MD},
	};
	size_t k = 0;
	while (k < sizeof files / sizeof *files && strcmp(files[k].name, name) != 0)
		k++;
	int year;
	if (k == sizeof files / sizeof *files) {
		rq_error(r, 404, "Page introuvable", "Cette page n'existe pas.");
		return;
	}
	if (!year_of(r, &year))
		return;
	buf_t out = BUF_INIT;
	if (strategy_write(r->s, year, files[k].format, &out, &r->d)) {
		buf_free(&out);
		rq_io_error(r);
		return;
	}
	char today[11], disp[96];
	store_today(r->s, today);
	/* An attachment: a document to keep, edit and send; the page's inline
	 * stylesheet is one the app's Content-Security-Policy refuses. */
	snprintf(disp, sizeof disp, "attachment; filename=\"strategie-%d.%s\"",
		 year ? year : (int)strtol(today, NULL, 10), strchr(files[k].name, '.') + 1);
	r->res->type = files[k].type;
	web_set_header(r->res, "Content-Disposition", disp);
	web_set_header(r->res, "Cache-Control", "no-store");
	buf_put(&r->res->body, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
}
