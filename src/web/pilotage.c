/* pilotage: request handling of the steering web app. Each request gets the
 * calling thread's own store_t (opened on first use, closed by
 * pilotage_free), one transaction (BEGIN IMMEDIATE for POST), the user of
 * its session cookie or api token, and a CSRF check before any write. Pages
 * are Mustache templates from themes/pilotage (compiled into the binary);
 * every value goes through {{ }} escaping except the guide's own HTML and
 * comments rendered by md_render with raw HTML disabled and images of other
 * hosts as links. */
#include "web/pilotage.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guide/markdown.h"
#include "guide/value.h"
#include "render/chart.h"
#include "render/mustache.h"
#include "render/theme.h"
#include "steer/account.h"
#include "steer/assess.h"
#include "steer/catalog.h"
#include "steer/indicator.h"
#include "steer/input.h"
#include "steer/plan.h"
#include "steer/report.h"
#include "steer/score.h"
#include "steer/sheet.h"
#include "steer/snapshot.h"
#include "steer/store.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "web/pilotage_internal.h"

/* Generated from themes/pilotage by scripts/embed.py. */
extern const theme_file_t pilotage_theme_files[];

#define COOKIE "sobre_session"

struct pilotage {
	char *db_path;
	bool secure;
	app_t *site;
	mst_registry_t *reg;
	diag_list_t reg_diags;
	/* Every template, compiled at start: lookups while rendering then need
	 * no lock (the registry takes one per lookup). */
	struct {
		const char *name;
		const mst_t *t;
	} tpl[16];
	size_t ntpl;
	const char *css;      /* the site's sobre.css (embedded default theme) */
	size_t css_len;
	const char *app_css;  /* pilotage.css */
	size_t app_css_len;
	pthread_key_t key;
	pthread_mutex_t lock;
	store_t **stores;     /* every thread's connection, closed at free */
	size_t nstores, cap;
};

bool pilotage_owns(const char *path)
{
	return strncmp(path, "/pilotage", 9) == 0 && (path[9] == '\0' || path[9] == '/');
}

pilotage_t *pilotage_new(const pilotage_config_t *cfg, diag_list_t *d)
{
	pilotage_t *p = xcalloc(1, sizeof *p);
	p->db_path = xstrdup(cfg->db_path);
	p->secure = cfg->secure;
	p->site = cfg->site;
	pthread_mutex_init(&p->lock, NULL);
	pthread_key_create(&p->key, NULL);
	p->reg = mst_registry_new(&p->reg_diags);
	for (const theme_file_t *f = pilotage_theme_files; f->name; f++) {
		size_t n = strlen(f->name);
		if (n > 9 && strcmp(f->name + n - 9, ".mustache") == 0) {
			char *name = xstrndup(f->name, n - 9);
			mst_registry_add(p->reg, name, f->name, f->data, f->size);
			free(name);
		} else if (strcmp(f->name, "pilotage.css") == 0) {
			p->app_css = f->data;
			p->app_css_len = f->size;
		}
	}
	/* The dashboard draws the report's charts (bars, line). */
	chart_register(p->reg);
	for (const theme_file_t *f = theme_default_files; f->name; f++)
		if (strcmp(f->name, "sobre.css") == 0) {
			p->css = f->data;
			p->css_len = f->size;
		}
	/* Compile every template now: a syntax error is a build bug, better
	 * seen at start than on some request. */
	static const char *const names[] = {"layout", "login", "error", "bars", "line", "scores", "dashboard",
					    "practices", "practice", "plan", "indicators", "snapshots", "admin",
					    "account"};
	_Static_assert(sizeof names / sizeof *names <= sizeof p->tpl / sizeof *p->tpl, "pilotage_t.tpl too small");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const mst_t *t = mst_registry_get(p->reg, names[i], strlen(names[i]));
		if (!t)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, "serve", "web app template '%s' is missing or invalid",
				 names[i]);
		p->tpl[p->ntpl].name = names[i];
		p->tpl[p->ntpl++].t = t;
	}
	diag_move_all(d, &p->reg_diags);
	store_t *s = NULL;
	if (store_open(p->db_path, STORE_READ, &s, d) != STEER_OK || diag_count(d, DIAG_ERROR)) {
		store_close(s);
		pilotage_free(p);
		return NULL;
	}
	store_close(s);
	return p;
}

void pilotage_free(pilotage_t *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstores; i++)
		store_close(p->stores[i]);
	free(p->stores);
	mst_registry_free(p->reg);
	diag_list_free(&p->reg_diags);
	pthread_key_delete(p->key);
	pthread_mutex_destroy(&p->lock);
	free(p->db_path);
	free(p);
}

/* This thread's connection, opened on first use. SQLite connections must
 * not be shared between threads running at once; one per server thread
 * also keeps each one's statement cache warm. */
static store_t *thread_store(pilotage_t *p, diag_list_t *d)
{
	store_t *s = pthread_getspecific(p->key);
	if (s)
		return s;
	/* Read-only when it must be: pages are still served, writes refused
	 * with the reason (rq_io_error). */
	if (store_open(p->db_path, STORE_READ, &s, d) != STEER_OK)
		return NULL;
	pthread_mutex_lock(&p->lock);
	p->stores = xgrow(p->stores, &p->cap, p->nstores + 1, sizeof *p->stores);
	p->stores[p->nstores++] = s;
	pthread_mutex_unlock(&p->lock);
	pthread_setspecific(p->key, s);
	return s;
}

static const mst_t *tpl_lookup(const char *name, size_t len, void *ud)
{
	const pilotage_t *p = ud;
	for (size_t i = 0; i < p->ntpl; i++)
		if (strlen(p->tpl[i].name) == len && memcmp(p->tpl[i].name, name, len) == 0)
			return p->tpl[i].t;
	return NULL;
}

/* --- context helpers ------------------------------------------------------ */

void ctx_str(value_t *m, const char *key, const char *v)
{
	value_map_set(m, key, value_cstring(v ? v : ""));
}

void ctx_bool(value_t *m, const char *key, bool b)
{
	value_map_set(m, key, value_bool(b));
}

void ctx_num(value_t *m, const char *key, long long n)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%lld", n);
	ctx_str(m, key, tmp);
}

value_t *ctx_list(value_t *m, const char *key)
{
	value_t *l = value_list();
	value_map_set(m, key, l);
	return l;
}

value_t *ctx_push(value_t *list)
{
	value_t *m = value_map();
	value_list_push(list, m);
	return m;
}

/* "réalisée" -> "realisee", "en cours" -> "en-cours": a CSS class. */
void status_slug(status_t st, buf_t *out)
{
	buf_t k = BUF_INIT;
	input_fold(status_name(st), &k);
	for (const char *c = buf_cstr(&k); *c; c++)
		buf_putc(out, *c == ' ' ? '-' : *c);
	buf_free(&k);
}

/* "6 mars 2027": a date as French readers write it, in the server's time
 * zone. */
void pilotage_date_fr(time_t t, buf_t *out)
{
	static const char *const months[] = {"janvier", "février", "mars",	 "avril",   "mai",	"juin",
					     "juillet", "août",	   "septembre", "octobre", "novembre", "décembre"};
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return;
	buf_printf(out, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
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
	ctx_str(ctx, "guide_home", r->p->site ? app_home(r->p->site) : "/");
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
	const mst_t *t = tpl_lookup(name, strlen(name), r->p);
	buf_t out = BUF_INIT;
	diag_list_t d = DIAG_LIST_INIT;
	if (!t || mst_render(t, ctx, tpl_lookup, r->p, &out, &d) != 0) {
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

static void login_page(rq_t *r, int status, const char *email, const char *error);

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
		login_page(r, 503, http_param(&r->req->form, "email"), causes[k].login);
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

static void set_cookie(rq_t *r, const char *value, bool clear)
{
	char line[256];
	snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", COOKIE, value,
		 r->p->secure ? "; Secure" : "", clear ? "; Max-Age=0" : "");
	web_set_header(r->res, "Set-Cookie", line);
}

static steer_rc authenticate(rq_t *r)
{
	const char *auth = web_header(r->req, "Authorization");
	bool found = false;
	steer_rc rc = STEER_OK;
	if (r->api && auth && strncmp(auth, "Bearer ", 7) == 0) {
		rc = account_by_api_token(r->s, auth + 7, &found, &r->user, &r->d);
		r->bearer = found;
	} else {
		const char *tok = http_param(&r->req->cookies, COOKIE);
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
static bool csrf_ok(rq_t *r)
{
	if (r->bearer)
		return true;
	const char *t = r->api ? web_header(r->req, "X-CSRF-Token") : http_param(&r->req->form, "csrf");
	return t && r->user.csrf[0] && account_equal(t, r->user.csrf);
}

/* The login form has no session yet: its CSRF token is a random value in
 * both a cookie and the form (double submit), so another site cannot post
 * someone's browser into an account of its choosing. */
#define LOGIN_COOKIE "sobre_login"

static void login_page(rq_t *r, int status, const char *email, const char *error)
{
	char tok[ACCOUNT_TOKEN_HEX];
	char line[160];
	account_random_hex(tok);
	snprintf(line, sizeof line, "%s=%s; Path=/pilotage/connexion; HttpOnly; SameSite=Strict%s", LOGIN_COOKIE, tok,
		 r->p->secure ? "; Secure" : "");
	web_set_header(r->res, "Set-Cookie", line);
	value_t *ctx = value_map();
	ctx_str(ctx, "email", email);
	ctx_str(ctx, "error", error);
	ctx_str(ctx, "login_csrf", tok);
	rq_render(r, status, "login", ctx);
}

static void do_login(rq_t *r)
{
	const char *email = http_param(&r->req->form, "email");
	const char *pw = http_param(&r->req->form, "password");
	const char *form_tok = http_param(&r->req->form, "csrf"), *cookie_tok = http_param(&r->req->cookies, LOGIN_COOKIE);
	if (!form_tok || !cookie_tok || strlen(cookie_tok) != 64 || !account_equal(form_tok, cookie_tok)) {
		login_page(r, 403, email, "Le formulaire a expiré ou ne vient pas de ce site : réessayez.");
		return;
	}
	login_result_t res;
	char token[ACCOUNT_TOKEN_HEX];
	account_t u;
	unsigned delay = 0;
	if (account_login_delay(r->s, email ? email : "", &delay, &r->d) ||
	    account_login(r->s, email ? email : "", pw ? pw : "", r->req->remote, &res, token, &u, &r->d)) {
		rq_io_error(r);
		return;
	}
	r->commit = true; /* the failure count too: it must survive the answer */
	if (res == LOGIN_LIMITED) {
		login_page(r, 429, email,
			   "Trop de tentatives de connexion échouées depuis votre adresse : réessayez dans 15 minutes.");
		return;
	}
	/* Someone is guessing this account's password: every answer for it
	 * waits, the right one as long as the wrong ones, so that waiting
	 * tells nothing. */
	r->res->delay_ms = delay;
	if (res == LOGIN_BAD) {
		login_page(r, 401, email, "Adresse électronique ou mot de passe incorrect.");
		return;
	}
	account_free(&u);
	set_cookie(r, token, false);
	web_set_header(r->res, "Set-Cookie", LOGIN_COOKIE "=; Path=/pilotage/connexion; HttpOnly; SameSite=Strict; Max-Age=0");
	sodium_memzero(token, sizeof token);
	const char *next = http_param(&r->req->query, "suite");
	/* Only our own pages: never an open redirect to another site. */
	rq_redirect(r, next && pilotage_owns(next) && !strstr(next, "//") ? next : "/pilotage/");
}

static void do_logout(rq_t *r)
{
	const char *tok = http_param(&r->req->cookies, COOKIE);
	if (tok && account_logout(r->s, tok, &r->d)) {
		rq_io_error(r);
		return;
	}
	r->commit = true;
	set_cookie(r, "", true);
	rq_redirect(r, "/pilotage/connexion");
}

/* --- the user's own account --------------------------------------------------- */

/* "Mon compte": who the user is, and the form to change their password;
 * errs (taken, may be NULL) holds the form's error messages. */
static void pg_account(rq_t *r, int status, value_t *errs)
{
	value_t *ctx = errs ? errs : value_map();
	ctx_bool(ctx, "nav_account", true);
	ctx_str(ctx, "account_email", r->user.email);
	ctx_str(ctx, "account_role", account_role_name(r->user.role));
	buf_t f = BUF_INIT;
	for (size_t i = 0; i < r->user.nfunctions; i++)
		buf_printf(&f, "%s%s", i ? ", " : "", r->user.functions[i]);
	ctx_str(ctx, "account_functions", buf_cstr(&f));
	buf_free(&f);
	bool has_token = false;
	long long until = 0;
	if (account_api_token_exists(r->s, r->user.email, &has_token, &until, &r->d)) {
		value_free(ctx);
		rq_io_error(r);
		return;
	}
	ctx_bool(ctx, "has_token", has_token);
	if (has_token) {
		buf_t day = BUF_INIT;
		pilotage_date_fr((time_t)until, &day);
		ctx_str(ctx, "token_until", buf_cstr(&day));
		ctx_bool(ctx, "token_expired", until <= (long long)store_now(r->s));
		buf_free(&day);
	}
	rq_render(r, status, "account", ctx);
}

/* A whole number from 1 to max written with digits only. */
static bool small_count(const char *s, long max, long *out)
{
	long n = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > max)
			return false;
		n = n * 10 + (*s - '0');
	}
	*out = n;
	return n >= 1 && n <= max;
}

/* A new api token for scripts (shown once, on this answer to the POST), or
 * the current one revoked. Only from a signed-in browser: a script holding
 * a token cannot mint itself another. */
static void do_own_token(rq_t *r, bool revoke)
{
	if (r->bearer) {
		rq_forbidden(r, "Les jetons d'API se gèrent depuis le navigateur.");
		return;
	}
	char token[ACCOUNT_TOKEN_HEX];
	long days = ACCOUNT_TOKEN_DAYS;
	const char *days_s = http_param(&r->req->form, "jours");
	if (!revoke && days_s && !small_count(days_s, ACCOUNT_MAX_TOKEN_DAYS, &days)) {
		rq_error(r, 422, "Durée invalide", "Un jeton dure de 1 à 366 jours.");
		return;
	}
	steer_rc rc = revoke ? account_revoke_api_token(r->s, r->user.email, &r->d)
			     : account_new_api_token(r->s, r->user.email, (int)days, token, NULL, &r->d);
	if (rc) {
		rq_io_error(r);
		return;
	}
	r->commit = true;
	value_t *ctx = value_map();
	if (revoke) {
		ctx_str(ctx, "flash", "Jeton d'API révoqué : les scripts qui l'utilisaient sont refusés.");
	} else {
		ctx_str(ctx, "flash", "Nouveau jeton d'API créé ; l'ancien, s'il y en avait un, ne fonctionne plus.");
		ctx_str(ctx, "new_token", token);
		sodium_memzero(token, sizeof token);
	}
	pg_account(r, 200, ctx);
}

static void account_error(rq_t *r, int status, const char *field, const char *msg)
{
	value_t *errs = value_map();
	ctx_str(errs, field, msg);
	ctx_str(errs, "alert", "Le mot de passe n'a pas été changé.");
	pg_account(r, status, errs);
}

/* Changing one's own password: the current one is checked as a login is
 * (same failure count and limit, so a stolen session cannot be used to
 * guess it); every session of the user is closed, then a new one is opened
 * for this browser. */
static void do_own_password(rq_t *r)
{
	if (r->bearer) {
		rq_forbidden(r, "Le mot de passe se change depuis le navigateur, pas avec un jeton d'API.");
		return;
	}
	const char *cur = http_param(&r->req->form, "current"), *pw = http_param(&r->req->form, "new"),
		   *again = http_param(&r->req->form, "confirm");
	if (!pw || !again || strcmp(pw, again) != 0) {
		account_error(r, 422, "err_confirm", "Les deux saisies du nouveau mot de passe diffèrent.");
		return;
	}
	char *email = xstrdup(r->user.email);
	login_result_t res;
	char token[ACCOUNT_TOKEN_HEX];
	account_t u;
	diag_list_t d = DIAG_LIST_INIT;
	unsigned delay = 0;
	steer_rc rc = account_login_delay(r->s, email, &delay, &r->d);
	if (!rc)
		rc = account_login(r->s, email, cur ? cur : "", r->req->remote, &res, token, &u, &r->d);
	if (rc) {
		rq_io_error(r);
		goto cleanup;
	}
	r->commit = true; /* a failure must be counted even though nothing else changes */
	if (res != LOGIN_LIMITED)
		r->res->delay_ms = delay;
	if (res != LOGIN_OK) {
		account_error(r, res == LOGIN_LIMITED ? 429 : 422, "err_current",
			      res == LOGIN_LIMITED ? "Trop de tentatives échouées : réessayez dans 15 minutes."
						   : "Ce n'est pas votre mot de passe actuel.");
		goto cleanup;
	}
	account_free(&u);
	rc = account_passwd(r->s, email, pw, &d);
	if (rc == STEER_REFUSED) {
		const char *m = d.len ? d.items[0].msg : "";
		r->commit = false; /* drop the session the check opened */
		account_error(r, 422, "err_new",
			      strstr(m, "too short")  ? "Trop court : au moins 10 caractères."
			      : strstr(m, "too long") ? "Trop long : au plus 1 024 octets."
						  : "Le mot de passe ne doit contenir ni caractère de contrôle ni "
						    "texte mal encodé.");
		goto cleanup;
	}
	if (rc || account_login(r->s, email, pw, r->req->remote, &res, token, &u, &r->d) || res != LOGIN_OK) {
		r->commit = false;
		rq_io_error(r);
		goto cleanup;
	}
	account_free(&u);
	set_cookie(r, token, false);
	rq_redirect(r, "/pilotage/compte?ok=mot-de-passe");
cleanup:
	sodium_memzero(token, sizeof token);
	diag_list_free(&d);
	free(email);
}

/* --- dispatch --------------------------------------------------------------- */

static void serve_static(rq_t *r, const char *name)
{
	const char *data = NULL;
	size_t len = 0;
	if (strcmp(name, "sobre.css") == 0)
		data = r->p->css, len = r->p->css_len;
	else if (strcmp(name, "pilotage.css") == 0)
		data = r->p->app_css, len = r->p->app_css_len;
	else if (strcmp(name, "charts.css") == 0)
		data = chart_css(&len);
	if (!data) {
		rq_text(r, 404, "Page introuvable.");
		return;
	}
	r->res->type = "text/css; charset=utf-8";
	web_set_header(r->res, "Cache-Control", "max-age=3600");
	buf_put(&r->res->body, data, len);
}

/* --- routes ------------------------------------------------------------------ */

static void rt_login(rq_t *r, const char *arg)
{
	if (r->post)
		do_login(r);
	else if (r->logged)
		rq_redirect(r, "/pilotage/");
	else
		login_page(r, 200, "", NULL);
}

static void rt_logout(rq_t *r, const char *arg) { do_logout(r); }
static void rt_dashboard(rq_t *r, const char *arg) { pg_dashboard(r); }
static void rt_practices(rq_t *r, const char *arg) { pg_practices(r); }
static void rt_practice(rq_t *r, const char *arg) { pg_practice(r, arg, NULL); }
static void rt_assess(rq_t *r, const char *arg) { do_assess(r, arg); }
static void rt_measure(rq_t *r, const char *arg) { do_measure(r, arg); }
static void rt_plan(rq_t *r, const char *arg) { pg_plan(r); }
/* The first address of the plan's CSV, kept for bookmarks. */
static void rt_plan_csv(rq_t *r, const char *arg) { rq_redirect(r, "/pilotage/plan-action.csv"); }
static void rt_download(rq_t *r, const char *arg) { pg_download(r, r->req->path + 10); }
static void rt_indicators(rq_t *r, const char *arg) { pg_indicators(r); }
static void rt_snapshots(rq_t *r, const char *arg) { pg_snapshots(r); }
static void rt_snapshot(rq_t *r, const char *arg) { do_snapshot(r); }
static void rt_report(rq_t *r, const char *arg) { pg_report(r); }
static void rt_account(rq_t *r, const char *arg) { pg_account(r, 200, NULL); }
static void rt_own_password(rq_t *r, const char *arg) { do_own_password(r); }
static void rt_own_token(rq_t *r, const char *arg) { do_own_token(r, false); }
static void rt_own_token_revoke(rq_t *r, const char *arg) { do_own_token(r, true); }
static void rt_admin(rq_t *r, const char *arg) { pg_admin(r, NULL); }
static void rt_add_user(rq_t *r, const char *arg) { do_add_user(r); }
static void rt_weights(rq_t *r, const char *arg) { do_weights(r); }
static void rt_remove_user(rq_t *r, const char *arg) { do_user_action(r, true); }
static void rt_reset_password(rq_t *r, const char *arg) { do_user_action(r, false); }
static void rt_upgrade(rq_t *r, const char *arg) { do_upgrade(r); }
static void rt_api_score(rq_t *r, const char *arg) { api_score(r); }
static void rt_api_practices(rq_t *r, const char *arg) { api_practices(r); }

enum {
	R_PUBLIC = 1, /* no session needed: the login form */
};

/* Every page and endpoint under /pilotage: adding one is a row here and a
 * handler. A '*' stands for one path segment (a practice id), handed to the
 * handler. max_body is what a POST may send (web_admit_fn): a login form
 * needs a few hundred bytes, an assessment with its comment and 50
 * evidence links a few hundred kilobytes. */
static const struct route {
	const char *path;
	void (*fn)(rq_t *r, const char *arg);
	size_t max_body;
	unsigned flags;
	bool post;
} routes[] = {
	{"/connexion", rt_login, 0, R_PUBLIC, false},
	{"/connexion", rt_login, PILOTAGE_MAX_LOGIN_BODY, R_PUBLIC, true},
	{"/deconnexion", rt_logout, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/", rt_dashboard, 0, 0, false},
	{"/pratiques", rt_practices, 0, 0, false},
	{"/pratiques/*", rt_practice, 0, 0, false},
	{"/pratiques/*", rt_assess, PILOTAGE_MAX_ASSESS_BODY, 0, true},
	{"/pratiques/*/mesure", rt_measure, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/plan", rt_plan, 0, 0, false},
	{"/plan.csv", rt_plan_csv, 0, 0, false},
	{"/plan-action.csv", rt_download, 0, 0, false},
	{"/plan-action.xlsx", rt_download, 0, 0, false},
	{"/evaluations.xlsx", rt_download, 0, 0, false},
	{"/indicateurs", rt_indicators, 0, 0, false},
	{"/instantanes", rt_snapshots, 0, 0, false},
	{"/instantanes", rt_snapshot, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/rapport", rt_report, 0, 0, false},
	{"/compte", rt_account, 0, 0, false},
	{"/compte/mot-de-passe", rt_own_password, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/compte/jeton", rt_own_token, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/compte/jeton/revoquer", rt_own_token_revoke, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/administration", rt_admin, 0, 0, false},
	{"/administration/utilisateurs", rt_add_user, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/administration/poids", rt_weights, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/administration/utilisateurs/supprimer", rt_remove_user, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/administration/utilisateurs/mot-de-passe", rt_reset_password, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/administration/guide", rt_upgrade, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/api/score", rt_api_score, 0, 0, false},
	{"/api/pratiques", rt_api_practices, 0, 0, false},
	{"/api/pratiques/*", api_practice, 0, 0, false},
	{"/api/pratiques/*", api_assess, PILOTAGE_MAX_ASSESS_BODY, 0, true},
	{"/api/pratiques/*/mesure", api_measure, PILOTAGE_MAX_FORM_BODY, 0, true},
};

/* Whether path matches pattern; the segment a '*' stood for goes to arg. */
static bool route_match(const char *pattern, const char *path, char arg[PILOTAGE_MAX_ID])
{
	while (*pattern) {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= PILOTAGE_MAX_ID)
				return false;
			memcpy(arg, path, n);
			arg[n] = '\0';
			path += n;
			pattern++;
		} else if (*pattern++ != *path++) {
			return false;
		}
	}
	return *path == '\0';
}

static const struct route *route_find(const char *sub, bool post, char arg[PILOTAGE_MAX_ID])
{
	arg[0] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
		if (routes[i].post == post && route_match(routes[i].path, sub, arg))
			return &routes[i];
	return NULL;
}

static void route(rq_t *r, const char *sub)
{
	char arg[PILOTAGE_MAX_ID];
	const struct route *rt = route_find(*sub ? sub : "/", r->post, arg);
	if (rt && (rt->flags & R_PUBLIC)) {
		rt->fn(r, arg);
		return;
	}
	if (!r->logged) {
		if (r->api) {
			rq_error(r, 401, "Non connecté", "authentification requise (cookie de session ou jeton)");
			web_set_header(r->res, "WWW-Authenticate", "Bearer");
			return;
		}
		rq_redirect(r, "/pilotage/connexion");
		return;
	}
	if (r->post && !csrf_ok(r)) {
		rq_forbidden(r, "Jeton CSRF absent ou incorrect : rechargez la page et recommencez. Rien n'a été enregistré.");
		return;
	}
	if (!rt) {
		if (r->api)
			rq_error(r, 404, "", "point d'accès inconnu (voir docs/api.md)");
		else
			rq_error(r, 404, "Page introuvable", "Cette page n'existe pas.");
		return;
	}
	rt->fn(r, arg);
}

size_t pilotage_admit(pilotage_t *p, const web_request_t *req)
{
	if (strcmp(req->method, "POST") != 0 || !pilotage_owns(req->path))
		return 0;
	const char *sub = req->path + 9;
	char arg[PILOTAGE_MAX_ID];
	const struct route *rt = route_find(sub, true, arg);
	if (!rt)
		return 0;
	if (rt->flags & R_PUBLIC) {
		/* The login form comes from our login page, which set its cookie. */
		const char *tok = http_param(&req->cookies, LOGIN_COOKIE);
		return tok && strlen(tok) == 64 ? rt->max_body : 0;
	}
	rq_t r;
	memset(&r, 0, sizeof r);
	r.p = p;
	r.req = req;
	r.api = strncmp(sub, "/api/", 5) == 0;
	r.s = thread_store(p, &r.d);
	size_t limit = 0;
	if (r.s && store_begin(r.s, false, &r.d) == STEER_OK) {
		store_set_now(r.s, time(NULL));
		if (authenticate(&r) == STEER_OK && r.logged)
			limit = rt->max_body;
		store_rollback(r.s);
	}
	account_free(&r.user);
	diag_list_free(&r.d);
	return limit;
}

void pilotage_handle(void *ud, const web_request_t *req, web_response_t *res)
{
	pilotage_t *p = ud;
	rq_t r;
	memset(&r, 0, sizeof r);
	r.p = p;
	r.req = req;
	r.res = res;
	const char *sub = req->path + 9; /* after "/pilotage" */
	if (*sub == '\0') {
		rq_redirect(&r, "/pilotage/");
		return;
	}
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	r.post = strcmp(req->method, "POST") == 0;
	if (!get && !r.post) {
		web_set_header(res, "Allow", "GET, HEAD, POST");
		rq_text(&r, 405, "Méthode non autorisée.");
		return;
	}
	if (strncmp(sub, "/static/", 8) == 0) {
		serve_static(&r, sub + 8);
		return;
	}
	r.api = strncmp(sub, "/api/", 5) == 0 || strcmp(sub, "/api") == 0;
	r.s = thread_store(p, &r.d);
	if (!r.s) {
		rq_io_error(&r);
		diag_list_free(&r.d);
		return;
	}
	store_set_now(r.s, time(NULL));
	store_set_actor(r.s, "anonyme");
	/* On a database opened read-only a POST reads like a GET until its
	 * first write, which fails with the reason: the login, roles and CSRF
	 * token are checked first, as always. */
	if (store_begin(r.s, r.post && !store_readonly_cause(r.s), &r.d) != STEER_OK) {
		rq_io_error(&r);
		diag_list_free(&r.d);
		return;
	}
	if (authenticate(&r) != STEER_OK)
		rq_io_error(&r);
	else
		route(&r, sub);
	if (r.commit) {
		if (store_commit(r.s, &r.d) != STEER_OK) {
			store_rollback(r.s);
			http_params_free(&res->headers);
			rq_io_error(&r);
		}
	} else {
		store_rollback(r.s);
	}
	account_free(&r.user);
	diag_list_free(&r.d);
}

bool pilotage_guide_html(rq_t *r, const char *idbp, buf_t *html, buf_t *url)
{
	return r->p->site && app_practice_html(r->p->site, idbp, html, url);
}

const guide_t *pilotage_guide_hold(rq_t *r, void **hold)
{
	*hold = NULL;
	return r->p->site ? app_guide_hold(r->p->site, hold) : NULL;
}

void pilotage_guide_release(void *hold)
{
	if (hold)
		app_guide_release(hold);
}
