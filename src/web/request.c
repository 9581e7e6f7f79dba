/* request: see request.h. The answers are built here so that every page
 * and the API say the same things the same way: French pages through the
 * layout template, JSON errors on the API, the database's failure with its
 * cause, and the session cookie's flags. */
#include "web/request.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "steer/declaration.h"
#include "steer/input.h"
#include "steer/perimeter.h"
#include "util/fold.h"
#include "util/frdate.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "web/pagecache.h"

/* --- context helpers ------------------------------------------------------ */

void ctx_str(value_t *m, const char *key, const char *v)
{
	value_map_set(m, key, value_cstring(v ? v : ""));
}

void ctx_bool(value_t *m, const char *key, bool b)
{
	value_map_set(m, key, value_bool(b));
}

/* "réalisée" -> "realisee", "en cours" -> "en-cours": a CSS class. */
void status_slug(const profile_t *p, status_t st, buf_t *out)
{
	buf_t k = BUF_INIT;
	fold_key(status_name(p, st), &k);
	for (const char *c = buf_cstr(&k); *c; c++)
		buf_putc(out, *c == ' ' ? '-' : *c);
	buf_free(&k);
}

void rq_means_ctx(value_t *ctx, long long budget, long long staff)
{
	buf_t b = BUF_INIT;
	if (budget >= 0) {
		input_hundredths_fr(budget, true, &b);
		buf_puts(&b, "\xc2\xa0€");
	}
	ctx_str(ctx, "budget_fr", buf_cstr(&b));
	buf_reset(&b);
	if (staff >= 0) {
		input_hundredths_fr(staff, false, &b);
		buf_puts(&b, staff == 100 ? "\xc2\xa0jour-personne" : "\xc2\xa0jours-personne");
	}
	ctx_str(ctx, "staff_fr", buf_cstr(&b));
	ctx_bool(ctx, "has_means", budget >= 0 || staff >= 0);
	buf_free(&b);
}

void rq_means_typed(long long v, buf_t *out)
{
	if (v < 0)
		return;
	buf_t c = BUF_INIT;
	input_hundredths_text(v, &c);
	for (const char *p = buf_cstr(&c); *p; p++)
		buf_putc(out, *p == '.' ? ',' : *p);
	buf_free(&c);
}

void ctx_instant(value_t *m, const char *key, const char *iso)
{
	ctx_str(m, key, iso);
	buf_t fr = BUF_INIT;
	if (!iso || !frdate_instant(iso, &fr))
		buf_puts(&fr, iso ? iso : "");
	buf_t k = BUF_INIT;
	buf_printf(&k, "%s_fr", key);
	ctx_str(m, buf_cstr(&k), buf_cstr(&fr));
	buf_free(&k);
	buf_free(&fr);
}

/* --- responses ------------------------------------------------------------ */

void rq_text(rq_t *r, int status, const char *msg)
{
	r->res->status = status;
	r->res->type = "text/plain; charset=utf-8";
	buf_reset(&r->res->body);
	buf_puts(&r->res->body, msg);
	buf_putc(&r->res->body, '\n');
}

void rq_redirect(rq_t *r, const char *url)
{
	r->res->status = 303;
	web_set_header(r->res, "Location", url);
}

void rq_scoped_url(const rq_t *r, buf_t *out, const char *path, const char *query, const char *fragment)
{
	buf_puts(out, path);
	bool q = query && *query, sc = r->scope_query.len > 0;
	if (q || sc)
		buf_printf(out, "?%s%s%s", q ? query : "", q && sc ? "&" : "", sc ? buf_cstr(&r->scope_query) : "");
	if (fragment)
		buf_printf(out, "#%s", fragment);
}

void rq_redirect_scoped(rq_t *r, const char *path, const char *query, const char *fragment)
{
	buf_t url = BUF_INIT;
	rq_scoped_url(r, &url, path, query, fragment);
	rq_redirect(r, buf_cstr(&url));
	buf_free(&url);
}

void rq_end(rq_t *r)
{
	account_free(&r->user);
	diag_list_free(&r->d);
	free(r->perimeter);
	free(r->guide);
	r->perimeter = r->guide = NULL;
	buf_free(&r->scope_query);
}

/* --- the scope ------------------------------------------------------------- */

/* How deep the switcher indents a perimeter: two no-break spaces a level
 * (an <option> holds text only). */
#define RQ_INDENT "\xc2\xa0\xc2\xa0"
/* Up to this many perimeters, the switcher lists them all; beyond, a list
 * of every one would weigh on every page (a thousand services: 60 KB and
 * 12 ms a page), so it lists the tree unfolded along the way to the
 * current one (perimeter_outline). */
#define RQ_SWITCHER_ALL 50

/* The perimeter switcher of the layout: a GET form back to this page with
 * the active perimeters the user may see (its subtree), indented by depth;
 * and whether the current perimeter has some below it (the consolidation
 * is then offered). Left out when there is nothing to switch to, or when
 * the tree cannot be read (the page itself has read what it shows). */
static void switcher_ctx(rq_t *r, value_t *ctx)
{
	perimeter_list_t l;
	diag_list_t d = DIAG_LIST_INIT;
	long long at = store_perimeter(r->s);
	if (perimeter_outline(r->s, r->user.perimeter ? r->user.perimeter : 1, at, RQ_SWITCHER_ALL, &l, &d)) {
		diag_list_free(&d);
		return;
	}
	diag_list_free(&d);
	for (size_t i = 0; i + 1 < l.len; i++)
		if (l.items[i].id == at && l.items[i + 1].depth > l.items[i].depth)
			ctx_bool(ctx, "has_consolidation", true);
	if (l.len > 1) {
		value_t *sw = value_map();
		ctx_str(sw, "action", r->post ? "/pilotage/" : r->req->path);
		ctx_str(sw, "perimeter", r->perimeter);
		ctx_str(sw, "guide", r->guide);
		value_t *opts = value_put_list(sw, "options");
		buf_t label = BUF_INIT;
		for (size_t i = 0; i < l.len; i++) {
			value_t *o = value_push_map(opts);
			buf_reset(&label);
			for (size_t k = 0; k < l.items[i].depth; k++)
				buf_puts(&label, RQ_INDENT);
			buf_puts(&label, l.items[i].name);
			ctx_str(o, "value", l.items[i].name);
			ctx_str(o, "label", buf_cstr(&label));
			ctx_bool(o, "selected", l.items[i].id == at);
		}
		buf_free(&label);
		value_map_set(ctx, "switcher", sw);
	}
	perimeter_list_free(&l);
}

/* The scope's values of every page: the query its links carry, the hidden
 * inputs of its GET forms, the switcher. */
/* scope_q: "?" and the scope's query, or "". */
static void put_scope_q(const rq_t *r, value_t *ctx)
{
	buf_t q = BUF_INIT;
	if (r->scope_query.len)
		buf_printf(&q, "?%s", buf_cstr(&r->scope_query));
	ctx_str(ctx, "scope_q", buf_cstr(&q));
	buf_free(&q);
}

/* scope_q and scope_fields: what a page's addresses and GET forms carry
 * to stay in the scope; nothing else of the request. */
static void put_scope(const rq_t *r, value_t *ctx)
{
	put_scope_q(r, ctx);
	value_t *fields = value_put_list(ctx, "scope_fields");
	if (r->perimeter && http_param(&r->req->query, "perimetre") && *http_param(&r->req->query, "perimetre")) {
		value_t *f = value_push_map(fields);
		ctx_str(f, "name", "perimetre");
		ctx_str(f, "value", r->perimeter);
	}
	if (r->guide && http_param(&r->req->query, "referentiel") && *http_param(&r->req->query, "referentiel")) {
		value_t *f = value_push_map(fields);
		ctx_str(f, "name", "referentiel");
		ctx_str(f, "value", r->guide);
	}
}

static void scope_ctx(rq_t *r, value_t *ctx)
{
	put_scope(r, ctx);
	if (r->logged && r->perimeter)
		switcher_ctx(r, ctx);
}

int rq_render_part(rq_t *r, const char *name, value_t *ctx, buf_t *out)
{
	put_scope(r, ctx);
	const mst_t *t = r->env->lookup(name, strlen(name), r->env->lookup_ud);
	diag_list_t d = DIAG_LIST_INIT;
	int rc = t && mst_render(t, ctx, r->env->lookup, r->env->lookup_ud, out, &d) == 0 ? 0 : -1;
	diag_list_free(&d);
	value_free(ctx);
	return rc;
}

/* A key part: its length first, so that no value can pass for two. */
static void key_part(buf_t *key, const char *v)
{
	buf_printf(key, "%zu:%s\n", strlen(v), v);
}

void rq_render_kept(rq_t *r, const char *name, value_t *ctx, rq_part_fn make, const char *extra)
{
	buf_t key = BUF_INIT, body = BUF_INIT;
	char today[11];
	unsigned long long version = 0;
	store_today(r->s, today);
	buf_printf(&key, "%s\n%lld\n%lld\n", name, store_perimeter(r->s), store_referentiel(r->s));
	key_part(&key, today);
	key_part(&key, extra);
	key_part(&key, buf_cstr(&r->scope_query));
	for (size_t i = 0; i < r->req->query.len; i++) {
		key_part(&key, r->req->query.items[i].name);
		key_part(&key, r->req->query.items[i].value);
	}
	const char *kept = NULL;
	size_t len = 0;
	if (r->cache && store_data_version(r->s, &version, &r->d) == STEER_OK)
		kept = pagecache_get(r->cache, buf_cstr(&key), version, &len);
	if (!kept) {
		int rc = make(r, &body);
		if (rc) {
			value_free(ctx);
			if (rc == -1)
				rq_io_error(r);
			else
				rq_text(r, 500, "Erreur interne lors du rendu de la page.");
			goto cleanup;
		}
		/* Read after the body was made: its snapshot's version. */
		if (r->cache && store_data_version(r->s, &version, &r->d) == STEER_OK)
			pagecache_put(r->cache, buf_cstr(&key), version, body.ptr ? body.ptr : "", body.len);
		kept = body.ptr ? body.ptr : "";
		len = body.len;
	}
	/* Borrowed: the cache's copy stays until its next call, body until the
	 * end, both past the rendering. */
	value_map_set(ctx, "body", value_string_ref(kept, len));
	rq_render(r, 200, name, ctx);
cleanup:
	buf_free(&key);
	buf_free(&body);
}

/* Renders template name with ctx (taken), adding what the layout needs. */
void rq_render(rq_t *r, int status, const char *name, value_t *ctx)
{
	if (r->logged) {
		value_t *u = value_map();
		ctx_str(u, "email", r->user.email);
		ctx_str(u, "role", account_role_name(r->user.role));
		value_map_set(ctx, "user", u);
		ctx_str(ctx, "csrf", r->user.csrf);
		ctx_bool(ctx, "is_admin", account_may_administer(&r->user));
		ctx_bool(ctx, "can_snapshot", account_may_snapshot(&r->user));
		/* Only a service assessed against the RGESN has a declaration. */
		ctx_bool(ctx, "has_declaration", declaration_supported(store_profile(r->s)));
	}
	scope_ctx(r, ctx);
	ctx_str(ctx, "guide_home", r->env->site ? app_home(r->env->site) : "/");
	const char *ok = http_param(&r->req->query, "ok");
	if (ok && !value_get(ctx, "flash")) {
		static const struct {
			const char *code, *text;
		} flashes[] = {
			{"evaluation", "Évaluation enregistrée."},
			{"mesure", "Mesure enregistrée."},
			{"instantane", "Instantané créé."},
			{"declaration", "Déclaration enregistrée."},
			{"strategie", "Texte de la stratégie enregistré."},
			{"utilisateur", "Utilisateur ajouté : son mot de passe est affiché une seule fois ci-dessous."},
			{"poids", "Poids enregistrés."},
			{"guide", "Guide mis à jour : les évaluations ont été reportées."},
			{"rappels", "Préférence de rappels par e-mail enregistrée."},
			{"mot-de-passe", "Mot de passe changé ; vos autres sessions sont fermées et votre jeton d'API, "
					 "s'il y en avait un, est révoqué."},
		};
		for (size_t i = 0; i < sizeof flashes / sizeof *flashes; i++)
			if (strcmp(ok, flashes[i].code) == 0)
				ctx_str(ctx, "flash", flashes[i].text);
	}
	const mst_t *t = r->env->lookup(name, strlen(name), r->env->lookup_ud);
	buf_t out = BUF_INIT;
	diag_list_t d = DIAG_LIST_INIT;
	if (!t || mst_render(t, ctx, r->env->lookup, r->env->lookup_ud, &out, &d) != 0) {
		rq_text(r, 500, "Erreur interne lors du rendu de la page.");
	} else {
		r->res->status = status;
		r->res->type = "text/html; charset=utf-8";
		/* The page becomes the body as it is, not copied. */
		buf_free(&r->res->body);
		r->res->body = out;
		out = (buf_t)BUF_INIT;
	}
	web_set_header(r->res, "Cache-Control", "no-store");
	buf_free(&out);
	diag_list_free(&d);
	value_free(ctx);
}

void rq_error(rq_t *r, int status, const char *heading, const char *message)
{
	if (r->api) {
		buf_t b = BUF_INIT;
		jsonw_t w;
		jsonw_init(&w, &b);
		jsonw_object(&w);
		jsonw_key(&w, "error");
		jsonw_str(&w, message);
		jsonw_end(&w, '}');
		r->res->status = status;
		r->res->type = "application/json; charset=utf-8";
		buf_reset(&r->res->body);
		buf_put(&r->res->body, b.ptr ? b.ptr : "", b.len);
		buf_free(&b);
		return;
	}
	value_t *ctx = value_map();
	ctx_str(ctx, "heading", heading);
	ctx_str(ctx, "message", message);
	rq_render(r, status, "error", ctx);
}

void rq_forbidden(rq_t *r, const char *why)
{
	rq_error(r, 403, "Action non autorisée", why);
}

/* The diagnostic that says why the database failed: the first with one of
 * the store's causes (full, read-only, busy, damaged, unreachable), else the first error. */
static const diag_t *io_cause(const diag_list_t *d)
{
	const diag_t *first = NULL;
	for (size_t i = 0; i < d->len; i++) {
		const diag_t *x = &d->items[i];
		if (x->sev != DIAG_ERROR)
			continue;
		if (x->rule && strncmp(x->rule, "db-", 3) == 0)
			return x;
		if (!first)
			first = x;
	}
	return first;
}

/* A failed database operation, from the diagnostics in r->d: their cause
 * picks the words (what happened, what to do), and the SQLite error goes to
 * the request's log line, the one place where the administrator can read
 * it. A login gets its form back with the reason: it cannot open a session
 * (or count a failure) on a database that cannot be written. */
void rq_io_error(rq_t *r)
{
	static const struct {
		const char *cause, *heading, *message, *login;
		bool reads_ok; /* only writes are stopped: pages stay readable */
		/* the connection may have been lost during COMMIT: whether the
		 * write was saved is unknown */
		bool outcome_unknown;
	} causes[] = {
		{STORE_CAUSE_FULL, "Base de données indisponible : disque plein",
		 "Le disque qui contient la base de données est plein : rien ne peut y être enregistré. Prévenez "
		 "l'administrateur du serveur, qui doit libérer de la place.",
		 "La connexion est impossible : la base de données est pleine (disque plein) ; prévenez "
		 "l'administrateur.",
		 true, false},
		{STORE_CAUSE_READONLY, "Base de données indisponible : base en lecture seule",
		 "La base de données est en lecture seule (le serveur ne peut écrire ni dans son fichier ni dans son "
		 "dossier) : rien ne peut y être enregistré. Prévenez l'administrateur du serveur.",
		 "La connexion est impossible : la base de données est en lecture seule ; prévenez l'administrateur.",
		 true, false},
		{STORE_CAUSE_BUSY, "Base de données indisponible : base occupée",
		 "La base de données est occupée par une autre écriture qui dure. Réessayez dans un instant.",
		 "La connexion est impossible pour l'instant : la base de données est occupée ; réessayez dans un "
		 "instant.",
		 false, false},
		{STORE_CAUSE_RETRY, "Base de données indisponible : trop de modifications simultanées",
		 "D'autres modifications passaient en même temps sur les mêmes données. Réessayez dans un instant.",
		 "La connexion est impossible pour l'instant : la base de données est très sollicitée ; réessayez dans "
		 "un instant.",
		 false, false},
		{STORE_CAUSE_CORRUPT, "Base de données indisponible : base endommagée",
		 "La base de données est endommagée. Prévenez l'administrateur du serveur, qui la restaurera depuis "
		 "une sauvegarde.",
		 "La connexion est impossible : la base de données est endommagée ; prévenez l'administrateur.",
		 false, false},
		{STORE_CAUSE_UNAVAILABLE, "Base de données injoignable",
		 "Le serveur de base de données ne répond pas ou a coupé la connexion. Réessayez dans un instant ; si "
		 "cela dure, prévenez l'administrateur.",
		 "La connexion est impossible : le serveur de base de données ne répond pas ; réessayez, et prévenez "
		 "l'administrateur si cela dure.",
		 false, true},
		{NULL, "Base de données indisponible",
		 "La base de données n'a pas pu répondre (l'erreur est notée dans le journal du serveur). Réessayez "
		 "dans un instant ; si cela dure, prévenez l'administrateur.",
		 "La connexion est impossible : la base de données n'a pas pu répondre ; réessayez, et prévenez "
		 "l'administrateur si cela dure.",
		 false, false},
	};
	const diag_t *x = io_cause(&r->d);
	size_t k = 0;
	while (causes[k].cause && !(x && x->rule && strcmp(x->rule, causes[k].cause) == 0))
		k++;
	buf_reset(&r->res->note);
	if (x)
		buf_printf(&r->res->note, "%s [%s]", x->msg, x->rule ? x->rule : STORE_CAUSE_OTHER);
	if (r->post && !r->api && strcmp(r->req->path, "/pilotage/connexion") == 0) {
		rq_login_page(r, 503, http_param(&r->req->form, "email"), causes[k].login);
		return;
	}
	buf_t msg = BUF_INIT;
	buf_puts(&msg, causes[k].message);
	if (r->post && causes[k].outcome_unknown)
		buf_puts(&msg, " Vérifiez si votre modification a été enregistrée avant de la refaire.");
	else if (r->post)
		buf_puts(&msg, " Rien n'a été enregistré.");
	/* Said only when a write failed on an open connection: a page that
	 * could not even be read is no proof that the others can. */
	if (r->post && r->s && causes[k].reads_ok)
		buf_puts(&msg, " Les pages restent consultables.");
	rq_error(r, 503, causes[k].heading, buf_cstr(&msg));
	buf_free(&msg);
}

bool rq_practice(rq_t *r, const char *idbp, size_t history, assessment_t *a)
{
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = assess_get(r->s, idbp, history, a, &d);
	if (rc == STEER_IO)
		diag_move_all(&r->d, &d);
	diag_list_free(&d);
	if (rc == STEER_REFUSED)
		rq_error(r, 404, "Pratique introuvable",
			 r->api ? "aucune pratique n'a cet identifiant" : "Aucune pratique n'a cet identifiant.");
	else if (rc)
		rq_io_error(r);
	return rc == STEER_OK;
}

/* A diagnostic's suggestion, in French: " Vouliez-vous dire « X » ?". */
static void did_you_mean(const diag_t *x, buf_t *out)
{
	const char *dym = x->hint ? strstr(x->hint, "did you mean '") : NULL;
	if (dym) {
		dym += 14;
		const char *end = strchr(dym, '\'');
		if (end)
			buf_printf(out, " Vouliez-vous dire « %.*s » ?", (int)(end - dym), dym);
	}
}

/* The French message for a steer diagnostic, with its suggestion. */
void rq_diag_fr(const diag_t *x, buf_t *out)
{
	static const struct {
		const char *rule, *fr;
	} msgs[] = {
		{"bad-status", "Statut inconnu."},
		{"bad-pilot", "Fonction pilote invalide."},
		{"unknown-pilot", "Fonction pilote inconnue du guide."},
		{"bad-owner", "Responsable invalide : un nom ou une adresse électronique."},
		{"bad-date", "Date invalide : écrire AAAA-MM-JJ (ou JJ/MM/AAAA)."},
		{"bad-comment", "Commentaire invalide (trop long ou caractères de contrôle)."},
		{"justification-required", "« %s » demande une justification dans le commentaire."},
		{"always-applicable", "Ce critère s'applique à tous les services : il ne peut pas être « %s »."},
		{"bad-url", "Chaque preuve doit être un lien http:// ou https://."},
		{"too-much-evidence", "Trop de preuves : liez plutôt un document qui les rassemble."},
		{"bad-value", "Valeur invalide pour cet indicateur."},
		{"bad-period", "Période invalide : 2026, 2026-T1, 2026-03 ou une date."},
		{"future-period", "La période n'a pas encore commencé."},
		{"unknown-indicator", "Indicateur inconnu."},
		{"bad-budget", "Budget invalide : un montant positif en euros, deux décimales au plus (1500 ou 12 500,50)."},
		{"bad-staff", "Temps invalide : un nombre positif de jours-personne, deux décimales au plus (3 ou 2,5)."},
	};
	const char *fr = NULL;
	for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++)
		if (x->rule && strcmp(x->rule, msgs[i].rule) == 0)
			fr = msgs[i].fr;
	if (fr && strstr(fr, "%s")) {
		/* The status, as the message names it between quotes: the
		 * référentiel's own word (non concernée, non applicable). */
		const char *a = strchr(x->msg, '\''), *b = a ? strchr(a + 1, '\'') : NULL;
		const char *at = strstr(fr, "%s");
		buf_put(out, fr, (size_t)(at - fr));
		if (a && b)
			buf_put(out, a + 1, (size_t)(b - a - 1));
		buf_puts(out, at + 2);
	} else {
		buf_puts(out, fr ? fr : x->msg);
	}
	if (x->rule && strcmp(x->rule, "bad-value") == 0) {
		/* What the indicator's type accepts, from the engine's reason. */
		static const struct {
			const char *key, *fr;
		} why[] = {
			{"yes/no", " Répondez oui ou non."},
			{"outside 0-100", " Un pourcentage est compris entre 0 et 100 (42 pour 42 %)."},
			{"percentage", " Donnez un pourcentage de 0 à 100, par exemple 42 ou 42,5."},
			{"number", " Donnez un nombre, par exemple 1250 ou 12,5."},
			{"empty", " La valeur est vide."},
			{"longer", " La valeur est trop longue."},
		};
		for (size_t i = 0; i < sizeof why / sizeof *why; i++)
			if (strstr(x->msg, why[i].key)) {
				buf_puts(out, why[i].fr);
				break;
			}
	}
	did_you_mean(x, out);
}

/* --- authentication --------------------------------------------------------- */

void rq_session_cookie(rq_t *r, const char *value, bool clear)
{
	char line[256];
	snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", RQ_SESSION_COOKIE, value,
		 r->env->secure ? "; Secure" : "", clear ? "; Max-Age=0" : "");
	web_set_header(r->res, "Set-Cookie", line);
}

steer_rc rq_authenticate(rq_t *r)
{
	const char *auth = web_header(r->req, "Authorization");
	bool found = false;
	steer_rc rc = STEER_OK;
	if (r->api && auth && strncmp(auth, "Bearer ", 7) == 0) {
		rc = account_by_api_token(r->s, auth + 7, &found, &r->user, &r->d);
		r->bearer = found;
	} else {
		const char *tok = http_param(&r->req->cookies, RQ_SESSION_COOKIE);
		if (tok)
			rc = account_session(r->s, tok, &found, &r->user, &r->d);
	}
	r->logged = found;
	if (found)
		store_set_actor(r->s, r->user.email);
	return rc;
}

/* A perimeter assessed against several référentiels, named without one:
 * the page to choose (300), or the API's error listing them. Only within
 * the user's subtree: elsewhere, 403 as for any page there. */
static void choose_guide(rq_t *r, const char *name)
{
	perimeter_list_t l;
	memset(&l, 0, sizeof l);
	long long id = 1;
	diag_list_t d = DIAG_LIST_INIT;
	if ((name && perimeter_find(r->s, name, &id, &d)) || perimeter_list(r->s, true, &l, &d)) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		return;
	}
	store_set_scope(r->s, id, 1);
	if (account_locate(r->s, &r->user, &d)) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		perimeter_list_free(&l);
		return;
	}
	if (!account_may_read(&r->user)) {
		rq_forbidden(r, "Votre compte ne donne pas accès à ce périmètre.");
		perimeter_list_free(&l);
		return;
	}
	/* Its own référentiels; for a parent assessed against none, those of
	 * its subtree, as perimeter_scope counts them. */
	size_t at = 0;
	while (at < l.len && l.items[at].id != id)
		at++;
	char **slugs = NULL;
	size_t n = 0, cap = 0;
	size_t end = at + (at < l.len);
	while (end < l.len && !l.items[at].nguides && l.items[end].depth > l.items[at].depth)
		end++;
	for (size_t i = at; i < end; i++) {
		if (i > at && l.items[i].archived_at)
			continue;
		for (size_t k = 0; k < l.items[i].nguides; k++) {
			bool dup = false;
			for (size_t j = 0; j < n && !dup; j++)
				dup = strcmp(slugs[j], l.items[i].guides[k]) == 0;
			if (!dup) {
				slugs = xgrow(slugs, &cap, n + 1, sizeof *slugs);
				slugs[n++] = l.items[i].guides[k];
			}
		}
	}
	const char *pname = at < l.len ? l.items[at].name : (name ? name : "");
	buf_t msg = BUF_INIT;
	if (r->api) {
		buf_printf(&msg, "le périmètre « %s » est évalué selon plusieurs référentiels : précisez referentiel=", pname);
		for (size_t j = 0; j < n; j++)
			buf_printf(&msg, "%s%s", j ? " ou " : "", slugs[j]);
		rq_error(r, 400, "", buf_cstr(&msg));
	} else {
		value_t *ctx = value_map();
		ctx_str(ctx, "perimeter", pname);
		value_t *choices = value_put_list(ctx, "choices");
		buf_t q = BUF_INIT, enc = BUF_INIT;
		for (size_t j = 0; j < n; j++) {
			value_t *c = value_push_map(choices);
			buf_reset(&q);
			buf_reset(&enc);
			http_encode(pname, strlen(pname), &enc);
			buf_printf(&q, "%s?perimetre=%s&referentiel=", r->post ? "/pilotage/" : r->req->path, buf_cstr(&enc));
			http_encode(slugs[j], strlen(slugs[j]), &q);
			ctx_str(c, "slug", slugs[j]);
			ctx_str(c, "url", buf_cstr(&q));
		}
		buf_free(&q);
		buf_free(&enc);
		rq_render(r, 300, "referentiels", ctx);
	}
	buf_free(&msg);
	free(slugs);
	perimeter_list_free(&l);
	diag_list_free(&d);
}

/* Answers a scope perimeter_scope refused (d), in French. */
static void scope_refused(rq_t *r, const char *perimeter, const char *guide, const diag_list_t *d)
{
	const diag_t *x = d->len ? &d->items[0] : NULL;
	const char *rule = x && x->rule ? x->rule : "";
	if (strcmp(rule, "ambiguous-guide") == 0) {
		choose_guide(r, perimeter);
		return;
	}
	buf_t msg = BUF_INIT;
	const char *heading = "Périmètre introuvable";
	if (strcmp(rule, "unknown-perimeter") == 0) {
		buf_printf(&msg, "Aucun périmètre ne s'appelle « %s ».", perimeter ? perimeter : "");
	} else if (strcmp(rule, "unknown-guide") == 0) {
		heading = "Référentiel introuvable";
		buf_printf(&msg, "Aucun référentiel « %s » dans cette base.", guide ? guide : "");
	} else if (strcmp(rule, "no-guide") == 0) {
		heading = "Aucun référentiel";
		buf_printf(&msg, "Le périmètre « %s » n'est évalué selon aucun référentiel : un administrateur peut lui en "
				 "rattacher un.", perimeter ? perimeter : "");
	} else {
		buf_puts(&msg, "Ce périmètre ne peut pas être affiché.");
	}
	/* A suggestion names a perimeter: only for accounts of the whole
	 * organisation, which may see them all. */
	if (x && !r->user.perimeter)
		did_you_mean(x, &msg);
	if (r->post)
		buf_puts(&msg, " Rien n'a été enregistré.");
	rq_error(r, 404, heading, buf_cstr(&msg));
	buf_free(&msg);
}

bool rq_scope(rq_t *r, bool lenient)
{
	const char *p = http_param(&r->req->query, "perimetre"), *g = http_param(&r->req->query, "referentiel");
	if (p && !*p)
		p = NULL;
	if (g && !*g)
		g = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = perimeter_scope(r->s, p, g, &d);
	if (rc == STEER_REFUSED && lenient) {
		p = g = NULL;
		diag_list_free(&d);
		/* The root with several référentiels: any of them will do for
		 * pages that do not show one. */
		if ((rc = perimeter_scope(r->s, NULL, NULL, &d)) == STEER_REFUSED) {
			diag_list_free(&d);
			rc = perimeter_set_scope(r->s, 1, 1, &d);
		}
	}
	if (!rc)
		rc = perimeter_scope_names(r->s, &r->perimeter, &r->guide, &d);
	if (!rc && r->logged)
		rc = account_locate(r->s, &r->user, &d);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
	} else if (rc) {
		scope_refused(r, p, g, &d);
	}
	diag_list_free(&d);
	if (rc)
		return false;
	/* What the request named, as the database spells it. */
	if (p) {
		buf_puts(&r->scope_query, "perimetre=");
		http_encode(r->perimeter, strlen(r->perimeter), &r->scope_query);
	}
	if (g && r->guide) {
		buf_puts(&r->scope_query, p ? "&referentiel=" : "referentiel=");
		http_encode(r->guide, strlen(r->guide), &r->scope_query);
	}
	return true;
}

/* Every write but the login carries the session's CSRF token (a form field,
 * or the X-CSRF-Token header for the API); api tokens need none since no
 * browser sends them by itself. */
bool rq_csrf_ok(rq_t *r)
{
	if (r->bearer)
		return true;
	const char *t = r->api ? web_header(r->req, "X-CSRF-Token") : http_param(&r->req->form, "csrf");
	return t && r->user.csrf[0] && account_equal(t, r->user.csrf);
}

/* The login form has no session yet: its CSRF token is a random value in
 * both a cookie and the form (double submit), so another site cannot post
 * someone's browser into an account of its choosing. */
void rq_login_page(rq_t *r, int status, const char *email, const char *error)
{
	char tok[ACCOUNT_TOKEN_HEX];
	char line[160];
	account_random_hex(tok);
	snprintf(line, sizeof line, "%s=%s; Path=/pilotage/connexion; HttpOnly; SameSite=Strict%s", RQ_LOGIN_COOKIE, tok,
		 r->env->secure ? "; Secure" : "");
	web_set_header(r->res, "Set-Cookie", line);
	value_t *ctx = value_map();
	ctx_str(ctx, "email", email);
	ctx_str(ctx, "error", error);
	ctx_str(ctx, "login_csrf", tok);
	ctx_bool(ctx, "local_login", r->env->local_login);
	if (r->env->oidc)
		ctx_str(ctx, "oidc_name", r->env->oidc_name);
	const char *next = http_param(&r->req->query, "suite");
	if (next && rq_in_app(next))
		ctx_str(ctx, "suite", next);
	rq_render(r, status, "login", ctx);
}

bool rq_in_app(const char *path)
{
	return strncmp(path, "/pilotage", 9) == 0 && (path[9] == '\0' || path[9] == '/');
}

/* --- the guide's text --------------------------------------------------------- */

bool pilotage_guide_html(rq_t *r, const char *idbp, buf_t *html, buf_t *url)
{
	return r->env->site && app_practice_html(r->env->site, idbp, html, url);
}

const guide_t *pilotage_guide_hold(rq_t *r, void **hold)
{
	*hold = NULL;
	return r->env->site ? app_guide_hold(r->env->site, hold) : NULL;
}

void pilotage_guide_release(void *hold)
{
	if (hold)
		app_guide_release(hold);
}
