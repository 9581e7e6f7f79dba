/* pilotage: the top of the steering web app: its lifecycle (templates,
 * one database connection per server thread), the route table and the
 * dispatch of a request to its page or API handler. Each request gets the
 * calling thread's own store_t (opened on first use, closed by
 * pilotage_free), one transaction (BEGIN IMMEDIATE for POST), the user of
 * its session cookie or api token, a CSRF check before any write, and the
 * scope its address names (rq_scope), outside of which a user whose role
 * holds on one perimeter gets 403 on every route. Pages
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
#include <strings.h>
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
#include "web/oidc.h"
#include "web/pagecache.h"
#include "web/pilotage_internal.h"

/* Generated from themes/pilotage by scripts/embed.py. */
extern const theme_file_t pilotage_theme_files[];

/* What a server thread keeps from one request to the next: its database
 * connection and the page parts rendered from it (the cache's entries are
 * tagged with this connection's data version, so they stay with it). */
typedef struct {
	store_t *s;
	pagecache_t *cache;
} worker_t;

struct pilotage {
	char *db_path;
	rq_env_t env;         /* what every request reads: templates, cookies, site */
	mst_registry_t *reg;
	diag_list_t reg_diags;
	/* Every template, compiled at start: lookups while rendering then need
	 * no lock (the registry takes one per lookup). */
	struct {
		const char *name;
		const mst_t *t;
	} tpl[32];
	size_t ntpl;
	const char *css;      /* the site's sobre.css (embedded default theme) */
	size_t css_len;
	const char *icon;     /* the site's favicon.svg (embedded default theme) */
	size_t icon_len;
	const char *app_css;  /* pilotage.css */
	size_t app_css_len;
	pthread_key_t key;
	pthread_mutex_t lock;
	worker_t **workers;   /* every server thread's, freed at free */
	size_t nworkers, cap;
};

bool pilotage_owns(const char *path)
{
	return rq_in_app(path);
}

static const mst_t *tpl_lookup(const char *name, size_t len, void *ud)
{
	const pilotage_t *p = ud;
	for (size_t i = 0; i < p->ntpl; i++)
		if (strlen(p->tpl[i].name) == len && memcmp(p->tpl[i].name, name, len) == 0)
			return p->tpl[i].t;
	return NULL;
}

pilotage_t *pilotage_new(const pilotage_config_t *cfg, diag_list_t *d)
{
	pilotage_t *p = xcalloc(1, sizeof *p);
	p->db_path = xstrdup(cfg->db_path);
	p->env.secure = cfg->secure;
	p->env.site = cfg->site;
	p->env.oidc = cfg->oidc;
	p->env.oidc_name = cfg->oidc_name ? cfg->oidc_name : "";
	p->env.rules = cfg->rules;
	p->env.local_login = cfg->local_login;
	p->env.lookup = tpl_lookup;
	p->env.lookup_ud = p;
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
		} else if (strcmp(f->name, "favicon.svg") == 0) {
			p->icon = f->data;
			p->icon_len = f->size;
		}
	/* Compile every template now: a syntax error is a build bug, better
	 * seen at start than on some request. */
	static const char *const names[] = {"layout", "login", "error", "bars", "line", "scores", "dashboard", "dashboard_body",
					    "practices", "practices_body", "practice", "plan", "indicators", "snapshots", "admin",
					    "account", "referentiels", "consolidation", "declaration",
					    "declaration_criterion", "declaration_fields", "trajectory", "objectives",
					    "objective", "objective_fields", "strategy", "unsubscribe"};
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
	for (size_t i = 0; i < p->nworkers; i++) {
		store_close(p->workers[i]->s);
		pagecache_free(p->workers[i]->cache);
		free(p->workers[i]);
	}
	free(p->workers);
	mst_registry_free(p->reg);
	diag_list_free(&p->reg_diags);
	pthread_key_delete(p->key);
	pthread_mutex_destroy(&p->lock);
	free(p->db_path);
	free(p);
}

/* This thread's connection and cache, made on first use. SQLite
 * connections must not be shared between threads running at once; one per
 * server thread also keeps each one's statement cache warm. */
static worker_t *thread_worker(pilotage_t *p, diag_list_t *d)
{
	worker_t *w = pthread_getspecific(p->key);
	if (w)
		return w;
	store_t *s = NULL;
	/* Read-only when it must be: pages are still served, writes refused
	 * with the reason (rq_io_error). */
	if (store_open(p->db_path, STORE_READ, &s, d) != STEER_OK)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->s = s;
	w->cache = pagecache_new();
	pthread_mutex_lock(&p->lock);
	p->workers = xgrow(p->workers, &p->cap, p->nworkers + 1, sizeof *p->workers);
	p->workers[p->nworkers++] = w;
	pthread_mutex_unlock(&p->lock);
	pthread_setspecific(p->key, w);
	return w;
}

static store_t *thread_store(pilotage_t *p, diag_list_t *d)
{
	worker_t *w = thread_worker(p, d);
	return w ? w->s : NULL;
}


/* --- dispatch --------------------------------------------------------------- */

static void serve_static(const pilotage_t *p, rq_t *r, const char *name)
{
	const char *data = NULL;
	size_t len = 0;
	const char *type = "text/css; charset=utf-8";
	if (strcmp(name, "favicon.svg") == 0)
		data = p->icon, len = p->icon_len, type = "image/svg+xml";
	else if (strcmp(name, "sobre.css") == 0)
		data = p->css, len = p->css_len;
	else if (strcmp(name, "pilotage.css") == 0)
		data = p->app_css, len = p->app_css_len;
	else if (strcmp(name, "charts.css") == 0)
		data = chart_css(&len);
	if (!data) {
		rq_text(r, 404, "Page introuvable.");
		return;
	}
	r->res->type = type;
	web_set_header(r->res, "Cache-Control", "max-age=3600");
	buf_put(&r->res->body, data, len);
}

/* --- routes ------------------------------------------------------------------ */

static void rt_login(rq_t *r, const char *arg)
{
	if (r->post)
		do_login(r);
	else
		pg_login(r);
}

static void rt_logout(rq_t *r, const char *arg) { do_logout(r); }
static void rt_oidc_start(rq_t *r, const char *arg) { do_oidc_start(r); }
static void rt_oidc_return(rq_t *r, const char *arg) { do_oidc_return(r); }
static void rt_dashboard(rq_t *r, const char *arg) { pg_dashboard(r); }
static void rt_practices(rq_t *r, const char *arg) { pg_practices(r); }
static void rt_practice(rq_t *r, const char *arg) { pg_practice(r, arg, NULL); }
static void rt_assess(rq_t *r, const char *arg) { do_assess(r, arg); }
static void rt_measure(rq_t *r, const char *arg) { do_measure(r, arg); }
static void rt_plan(rq_t *r, const char *arg) { pg_plan(r); }
static void rt_consolidation(rq_t *r, const char *arg) { pg_consolidation(r); }
/* The first address of the plan's CSV, kept for bookmarks. */
static void rt_plan_csv(rq_t *r, const char *arg) { rq_redirect_scoped(r, "/pilotage/plan-action.csv", NULL, NULL); }
static void rt_download(rq_t *r, const char *arg) { pg_download(r, r->req->path + 10); }
static void rt_indicators(rq_t *r, const char *arg) { pg_indicators(r); }
static void rt_snapshots(rq_t *r, const char *arg) { pg_snapshots(r); }
static void rt_snapshot(rq_t *r, const char *arg) { do_snapshot(r); }
static void rt_report(rq_t *r, const char *arg) { pg_report(r); }
static void rt_declaration(rq_t *r, const char *arg) { pg_declaration(r); }
static void rt_declaration_save(rq_t *r, const char *arg) { do_declaration(r); }
static void rt_declaration_criterion(rq_t *r, const char *arg) { pg_declaration_criterion(r, arg); }
static void rt_declaration_criterion_save(rq_t *r, const char *arg) { do_declaration_criterion(r, arg); }
static void rt_declaration_file(rq_t *r, const char *arg) { pg_declaration_download(r, r->req->path + 10); }
static void rt_strategy(rq_t *r, const char *arg) { pg_strategy(r); }
static void rt_strategy_save(rq_t *r, const char *arg) { do_strategy(r); }
static void rt_strategy_file(rq_t *r, const char *arg) { pg_strategy_download(r, r->req->path + 10); }
static void rt_api_strategy(rq_t *r, const char *arg) { api_strategy(r); }
static void rt_account(rq_t *r, const char *arg) { pg_account(r, 200, NULL); }
static void rt_own_password(rq_t *r, const char *arg) { do_own_password(r); }
static void rt_own_token(rq_t *r, const char *arg) { do_own_token(r, false); }
static void rt_own_reminders(rq_t *r, const char *arg) { do_own_reminders(r); }
static void rt_unsubscribe(rq_t *r, const char *arg) { pg_unsubscribe(r, arg); }
static void rt_own_token_revoke(rq_t *r, const char *arg) { do_own_token(r, true); }
static void rt_admin(rq_t *r, const char *arg) { pg_admin(r, NULL); }
static void rt_add_user(rq_t *r, const char *arg) { do_add_user(r); }
static void rt_weights(rq_t *r, const char *arg) { do_weights(r); }
static void rt_remove_user(rq_t *r, const char *arg) { do_user_action(r, true); }
static void rt_reset_password(rq_t *r, const char *arg) { do_user_action(r, false); }
static void rt_upgrade(rq_t *r, const char *arg) { do_upgrade(r); }
static void rt_api_score(rq_t *r, const char *arg) { api_score(r); }
static void rt_api_practices(rq_t *r, const char *arg) { api_practices(r); }
static void rt_api_plan(rq_t *r, const char *arg) { api_plan(r); }
static void rt_api_consolidation(rq_t *r, const char *arg) { api_consolidation(r); }
static void rt_objectives(rq_t *r, const char *arg) { pg_objectives(r); }
static void rt_objective_add(rq_t *r, const char *arg) { do_objective_add(r); }
static void rt_api_objectives(rq_t *r, const char *arg) { api_objectives(r); }

enum {
	R_PUBLIC = 1, /* no session needed: the login form */
	/* About the user or the whole database, not a scope: any account
	 * reaches it (the handler checks the role), and a scope its address
	 * names but that cannot be resolved is ignored. */
	R_GLOBAL = 2,
	/* A GET that writes (the provider's callback opens a session): in a
	 * write transaction like a POST. */
	R_WRITE = 4,
	/* A public POST authorised by the secret in its path (the one-click
	 * unsubscribe, sent by mail clients without any cookie). */
	R_TOKEN = 8,
	/* Never run twice: it spends something outside the database (the
	 * provider's one-time code), so a transaction conflict is answered,
	 * not retried (see PILOTAGE_ATTEMPTS). */
	R_ONCE = 16,
};

/* Every page and endpoint under /pilotage: adding one is a row here and a
 * handler. A '*' stands for one path segment (a practice id), handed to the
 * handler. The pattern is also the route's name in the log and the
 * metrics (web_response_t.route): a bounded set, unlike paths. max_body is what a POST may send (web_admit_fn): a login form
 * needs a few hundred bytes, an assessment with its comment and 50
 * evidence links a few hundred kilobytes. */
static const struct route {
	const char *path;
	void (*fn)(rq_t *r, const char *arg);
	size_t max_body;
	unsigned flags;
	bool post;
} routes[] = {
	{"/pilotage/connexion", rt_login, 0, R_PUBLIC, false},
	{"/pilotage/connexion", rt_login, PILOTAGE_MAX_LOGIN_BODY, R_PUBLIC, true},
	{"/pilotage/connexion/oidc", rt_oidc_start, PILOTAGE_MAX_LOGIN_BODY, R_PUBLIC, true},
	{"/pilotage/oidc/retour", rt_oidc_return, 0, R_PUBLIC | R_WRITE | R_ONCE, false},
	{"/pilotage/deconnexion", rt_logout, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/", rt_dashboard, 0, 0, false},
	{"/pilotage/pratiques", rt_practices, 0, 0, false},
	{"/pilotage/pratiques/*", rt_practice, 0, 0, false},
	{"/pilotage/pratiques/*", rt_assess, PILOTAGE_MAX_ASSESS_BODY, 0, true},
	{"/pilotage/pratiques/*/mesure", rt_measure, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/pilotage/plan", rt_plan, 0, 0, false},
	{"/pilotage/consolidation", rt_consolidation, 0, 0, false},
	{"/pilotage/plan.csv", rt_plan_csv, 0, 0, false},
	{"/pilotage/plan-action.csv", rt_download, 0, 0, false},
	{"/pilotage/plan-action.xlsx", rt_download, 0, 0, false},
	{"/pilotage/evaluations.xlsx", rt_download, 0, 0, false},
	{"/pilotage/indicateurs", rt_indicators, 0, 0, false},
	{"/pilotage/instantanes", rt_snapshots, 0, 0, false},
	{"/pilotage/instantanes", rt_snapshot, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/pilotage/objectifs", rt_objectives, 0, 0, false},
	{"/pilotage/objectifs", rt_objective_add, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/pilotage/objectifs/*", pg_objective, 0, 0, false},
	{"/pilotage/objectifs/*", do_objective_set, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/pilotage/objectifs/*/archiver", do_objective_archive, PILOTAGE_MAX_FORM_BODY, 0, true},
	{"/pilotage/rapport", rt_report, 0, 0, false},
	{"/pilotage/declaration", rt_declaration, 0, 0, false},
	{"/pilotage/declaration", rt_declaration_save, PILOTAGE_MAX_DECLARATION_BODY, 0, true},
	{"/pilotage/declaration/criteres/*", rt_declaration_criterion, 0, 0, false},
	{"/pilotage/declaration/criteres/*", rt_declaration_criterion_save, PILOTAGE_MAX_DECLARATION_BODY, 0, true},
	{"/pilotage/declaration.html", rt_declaration_file, 0, 0, false},
	{"/pilotage/declaration.json", rt_declaration_file, 0, 0, false},
	{"/pilotage/declaration.xlsx", rt_declaration_file, 0, 0, false},
	{"/pilotage/strategie", rt_strategy, 0, 0, false},
	{"/pilotage/strategie", rt_strategy_save, PILOTAGE_MAX_STRATEGY_BODY, 0, true},
	{"/pilotage/strategie.odt", rt_strategy_file, 0, 0, false},
	{"/pilotage/strategie.html", rt_strategy_file, 0, 0, false},
	{"/pilotage/strategie.md", rt_strategy_file, 0, 0, false},
	{"/pilotage/compte", rt_account, 0, R_GLOBAL, false},
	{"/pilotage/compte/mot-de-passe", rt_own_password, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/compte/jeton", rt_own_token, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/compte/rappels", rt_own_reminders, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/desabonnement/*", rt_unsubscribe, 0, R_PUBLIC, false},
	{"/pilotage/desabonnement/*", rt_unsubscribe, PILOTAGE_MAX_FORM_BODY, R_PUBLIC | R_TOKEN, true},
	{"/pilotage/compte/jeton/revoquer", rt_own_token_revoke, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/administration", rt_admin, 0, R_GLOBAL, false},
	{"/pilotage/administration/utilisateurs", rt_add_user, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/administration/poids", rt_weights, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/administration/utilisateurs/supprimer", rt_remove_user, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/administration/utilisateurs/mot-de-passe", rt_reset_password, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/administration/guide", rt_upgrade, PILOTAGE_MAX_FORM_BODY, R_GLOBAL, true},
	{"/pilotage/api/score", rt_api_score, 0, 0, false},
	{"/pilotage/api/pratiques", rt_api_practices, 0, 0, false},
	{"/pilotage/api/plan", rt_api_plan, 0, 0, false},
	{"/pilotage/api/consolidation", rt_api_consolidation, 0, 0, false},
	{"/pilotage/api/objectifs", rt_api_objectives, 0, 0, false},
	{"/pilotage/api/strategie", rt_api_strategy, 0, 0, false},
	{"/pilotage/api/pratiques/*", api_practice, 0, 0, false},
	{"/pilotage/api/pratiques/*", api_assess, PILOTAGE_MAX_ASSESS_BODY, 0, true},
	{"/pilotage/api/pratiques/*/mesure", api_measure, PILOTAGE_MAX_FORM_BODY, 0, true},
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

static const struct route *route_find(const char *path, bool post, char arg[PILOTAGE_MAX_ID])
{
	arg[0] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
		if (routes[i].post == post && route_match(routes[i].path, path, arg))
			return &routes[i];
	return NULL;
}

/* A user outside the subtree its role holds on. A page of the default
 * scope (an address without perimetre, such as the one the login leads to)
 * takes it to the same page of its own perimeter; anything else is 403. */
static void refuse_scope(rq_t *r)
{
	if (!r->api && !r->post && !http_param(&r->req->query, "perimetre") && r->user.perimeter_name) {
		buf_t q = BUF_INIT;
		buf_puts(&q, "perimetre=");
		http_encode(r->user.perimeter_name, strlen(r->user.perimeter_name), &q);
		buf_t url = BUF_INIT;
		buf_printf(&url, "%s?%s", r->req->path, buf_cstr(&q));
		rq_redirect(r, buf_cstr(&url));
		buf_free(&url);
		buf_free(&q);
		return;
	}
	/* Its links lead back to the user's own pages, not to this scope. */
	buf_reset(&r->scope_query);
	buf_t msg = BUF_INIT;
	buf_printf(&msg, "Votre compte donne accès au périmètre « %s » et à ce qui en dépend, pas à celui-ci.",
		   r->user.perimeter_name ? r->user.perimeter_name : "");
	if (r->post)
		buf_puts(&msg, " Rien n'a été enregistré.");
	rq_forbidden(r, buf_cstr(&msg));
	buf_free(&msg);
}

static void route(rq_t *r)
{
	char arg[PILOTAGE_MAX_ID];
	const struct route *rt = route_find(r->req->path, r->post, arg);
	r->res->route = rt ? rt->path : "/pilotage/(unknown)";
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
	if (r->post && !rq_csrf_ok(r)) {
		rq_forbidden(r, "Jeton CSRF absent ou incorrect : rechargez la page et recommencez. Rien n'a été enregistré.");
		return;
	}
	if (!rq_scope(r, !rt || (rt->flags & R_GLOBAL)))
		return;
	if (rt && !(rt->flags & R_GLOBAL) && !account_may_read(&r->user)) {
		refuse_scope(r);
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
	const struct route *rt = route_find(req->path, true, arg);
	if (!rt)
		return 0;
	if (rt->flags & R_TOKEN)
		return rt->max_body;
	if (rt->flags & R_PUBLIC) {
		/* The login form comes from our login page, which set its cookie. */
		const char *tok = http_param(&req->cookies, RQ_LOGIN_COOKIE);
		return tok && strlen(tok) == 64 ? rt->max_body : 0;
	}
	rq_t r;
	memset(&r, 0, sizeof r);
	r.env = &p->env;
	r.req = req;
	r.api = strncmp(sub, "/api/", 5) == 0;
	r.s = thread_store(p, &r.d);
	size_t limit = 0;
	if (r.s && store_begin(r.s, false, &r.d) == STEER_OK) {
		store_set_scope(r.s, 1, 1);
		store_set_profile(r.s, NULL, NULL);
		store_set_now(r.s, time(NULL));
		if (rq_authenticate(&r) == STEER_OK && r.logged)
			limit = rt->max_body;
		store_rollback(r.s);
	}
	rq_end(&r);
	return limit;
}

/* Whether the request's failure is a lost race that running it again may
 * win (STORE_CAUSE_RETRY). */
static bool lost_race(const diag_list_t *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].rule && strcmp(d->items[i].rule, STORE_CAUSE_RETRY) == 0)
			return true;
	return false;
}

/* The response as it was before a handler ran (its route stays). */
static void response_reset(web_response_t *res)
{
	res->status = 200;
	res->type = NULL;
	buf_reset(&res->body);
	http_params_free(&res->headers);
	buf_reset(&res->note);
	buf_reset(&res->user);
	res->delay_ms = 0;
}

/* Runs the request in one transaction of this thread's store (a write
 * one when write): false when it lost a race with another transaction and
 * nothing was kept (the response then says so, should no attempt be
 * left). */
static bool handle_once(pilotage_t *p, rq_t *r, bool write)
{
	web_response_t *res = r->res;
	store_set_now(r->s, time(NULL));
	store_set_actor(r->s, "anonyme");
	/* The connection is this thread's for every request: the last one's
	 * scope must not leak into this one before rq_scope sets it. */
	store_set_scope(r->s, 1, 1);
	store_set_profile(r->s, NULL, NULL);
	if (store_begin(r->s, write && !store_readonly_cause(r->s), &r->d) != STEER_OK) {
		rq_io_error(r);
		return !lost_race(&r->d);
	}
	if (rq_authenticate(r) != STEER_OK)
		rq_io_error(r);
	else
		route(r);
	/* The login button and logout are forms that redirect to the
	 * provider, which form-action 'self' would stop. */
	bool own_csp = false;
	for (size_t i = 0; i < res->headers.len; i++)
		own_csp |= strcasecmp(res->headers.items[i].name, "Content-Security-Policy") == 0;
	if (p->env.oidc && !own_csp) {
		buf_t csp = BUF_INIT;
		buf_printf(&csp, "%s %s; style-src 'self'", WEB_CSP, oidc_origin(p->env.oidc));
		web_set_header(res, "Content-Security-Policy", buf_cstr(&csp));
		buf_free(&csp);
	}
	if (r->logged && r->user.email)
		buf_puts(&res->user, r->user.email);
	if (r->commit) {
		if (store_commit(r->s, &r->d) != STEER_OK) {
			store_rollback(r->s);
			http_params_free(&res->headers);
			rq_io_error(r);
		}
	} else {
		store_rollback(r->s);
	}
	return !lost_race(&r->d);
}

void pilotage_handle(void *ud, const web_request_t *req, web_response_t *res)
{
	pilotage_t *p = ud;
	rq_t r;
	memset(&r, 0, sizeof r);
	r.env = &p->env;
	r.req = req;
	r.res = res;
	res->route = "/pilotage/(unknown)";
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
		res->route = "/pilotage/static/*";
		serve_static(p, &r, sub + 8);
		return;
	}
	r.api = strncmp(sub, "/api/", 5) == 0 || strcmp(sub, "/api") == 0;
	worker_t *w = thread_worker(p, &r.d);
	r.s = w ? w->s : NULL;
	r.cache = w ? w->cache : NULL;
	if (!r.s) {
		rq_io_error(&r);
		rq_end(&r);
		return;
	}
	/* On a database opened read-only a POST reads like a GET until its
	 * first write, which fails with the reason: the login, roles and CSRF
	 * token are checked first, as always. */
	char arg[PILOTAGE_MAX_ID];
	const struct route *rt = route_find(req->path, r.post, arg);
	/* Named before the transaction starts: a database that cannot even
	 * begin one is still logged and counted against the route. */
	res->route = rt ? rt->path : "/pilotage/(unknown)";
	bool write = r.post || (rt && (rt->flags & R_WRITE));
	int retries = rt && (rt->flags & R_ONCE) ? 0 : PILOTAGE_ATTEMPTS - 1;
	while (!handle_once(p, &r, write) && retries-- > 0) {
		/* Lost a race with another transaction (PostgreSQL): nothing was
		 * kept; the request runs again from its start, after a short
		 * random pause so that the two do not meet again. */
		rq_end(&r);
		response_reset(res);
		memset(&r.user, 0, sizeof r.user);
		r.logged = r.bearer = r.commit = false;
		struct timespec ts = {0, (long)(1 + randombytes_uniform(PILOTAGE_RETRY_PAUSE_MS)) * 1000000L};
		nanosleep(&ts, NULL);
	}
	rq_end(&r);
}


steer_rc pilotage_health(pilotage_t *p, diag_list_t *d)
{
	store_t *s = thread_store(p, d);
	return s ? store_health(s, d) : STEER_IO;
}

steer_rc pilotage_stats(pilotage_t *p, long long *sessions, long long *db_bytes, diag_list_t *d)
{
	store_t *s = thread_store(p, d);
	*sessions = *db_bytes = -1;
	if (!s)
		return STEER_IO;
	*db_bytes = store_size_bytes(s);
	store_set_now(s, time(NULL));
	steer_rc rc = store_begin(s, false, d);
	if (!rc)
		rc = account_session_count(s, sessions, d);
	store_rollback(s);
	return rc;
}
