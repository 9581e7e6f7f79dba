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

#include "steer/input.h"
#include "util/fold.h"
#include "util/frdate.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

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

/* Renders template name with ctx (taken), adding what the layout needs. */
void rq_render(rq_t *r, int status, const char *name, value_t *ctx)
{
	if (r->logged) {
		value_t *u = value_map();
		ctx_str(u, "email", r->user.email);
		ctx_str(u, "role", account_role_name(r->user.role));
		value_map_set(ctx, "user", u);
		ctx_str(ctx, "csrf", r->user.csrf);
		ctx_bool(ctx, "is_admin", r->user.role == ROLE_ADMIN);
	}
	ctx_str(ctx, "guide_home", r->env->site ? app_home(r->env->site) : "/");
	const char *ok = http_param(&r->req->query, "ok");
	if (ok && !value_get(ctx, "flash")) {
		static const struct {
			const char *code, *text;
		} flashes[] = {
			{"evaluation", "Évaluation enregistrée."},
			{"mesure", "Mesure enregistrée."},
			{"instantane", "Instantané créé."},
			{"utilisateur", "Utilisateur ajouté : son mot de passe est affiché une seule fois ci-dessous."},
			{"poids", "Poids enregistrés."},
			{"guide", "Guide mis à jour : les évaluations ont été reportées."},
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
		buf_reset(&r->res->body);
		buf_put(&r->res->body, out.ptr ? out.ptr : "", out.len);
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
 * the store's causes (full, read-only, busy, damaged), else the first error. */
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
	} causes[] = {
		{STORE_CAUSE_FULL, "Base de données indisponible : disque plein",
		 "Le disque qui contient la base de données est plein : rien ne peut y être enregistré. Prévenez "
		 "l'administrateur du serveur, qui doit libérer de la place.",
		 "La connexion est impossible : la base de données est pleine (disque plein) ; prévenez "
		 "l'administrateur.",
		 true},
		{STORE_CAUSE_READONLY, "Base de données indisponible : base en lecture seule",
		 "La base de données est en lecture seule (le serveur ne peut écrire ni dans son fichier ni dans son "
		 "dossier) : rien ne peut y être enregistré. Prévenez l'administrateur du serveur.",
		 "La connexion est impossible : la base de données est en lecture seule ; prévenez l'administrateur.",
		 true},
		{STORE_CAUSE_BUSY, "Base de données indisponible : base occupée",
		 "La base de données est occupée par une autre écriture qui dure. Réessayez dans un instant.",
		 "La connexion est impossible pour l'instant : la base de données est occupée ; réessayez dans un "
		 "instant.",
		 false},
		{STORE_CAUSE_CORRUPT, "Base de données indisponible : base endommagée",
		 "La base de données est endommagée. Prévenez l'administrateur du serveur, qui la restaurera depuis "
		 "une sauvegarde.",
		 "La connexion est impossible : la base de données est endommagée ; prévenez l'administrateur.",
		 false},
		{NULL, "Base de données indisponible",
		 "La base de données n'a pas pu répondre (l'erreur est notée dans le journal du serveur). Réessayez "
		 "dans un instant ; si cela dure, prévenez l'administrateur.",
		 "La connexion est impossible : la base de données n'a pas pu répondre ; réessayez, et prévenez "
		 "l'administrateur si cela dure.",
		 false},
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
	if (r->post)
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
		{"justification-required", "« non concernée » demande une justification dans le commentaire."},
		{"bad-url", "Chaque preuve doit être un lien http:// ou https://."},
		{"too-much-evidence", "Trop de preuves : liez plutôt un document qui les rassemble."},
		{"bad-value", "Valeur invalide pour cet indicateur."},
		{"bad-period", "Période invalide : 2026, 2026-T1, 2026-03 ou une date."},
		{"future-period", "La période n'a pas encore commencé."},
		{"unknown-indicator", "Indicateur inconnu."},
	};
	const char *fr = NULL;
	for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++)
		if (x->rule && strcmp(x->rule, msgs[i].rule) == 0)
			fr = msgs[i].fr;
	buf_puts(out, fr ? fr : x->msg);
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
	const char *dym = x->hint ? strstr(x->hint, "did you mean '") : NULL;
	if (dym) {
		dym += 14;
		const char *end = strchr(dym, '\'');
		if (end)
			buf_printf(out, " Vouliez-vous dire « %.*s » ?", (int)(end - dym), dym);
	}
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
