/* request: the bottom of the steering web app. One request's state (rq_t:
 * the request and its answer, this thread's store in a transaction, the
 * user, the scope), the template context helpers, the answers every page
 * and the API give (a rendered page, a redirect, an error in French or
 * JSON, the database's failure with its cause), the session and api-token
 * authentication, the CSRF check, the scope named in the address
 * (?perimetre=NAME&referentiel=ID: resolved once, carried by every link,
 * form and redirect, and the layout's perimeter switcher), and the guide's
 * text of a practice.
 * Knows no page: pages (pilotage_pages.c, pilotage_account.c) and the API
 * (pilotage_api.c) are built on it, and the route table (pilotage.c) on
 * them. */
#ifndef SOBRE_REQUEST_H
#define SOBRE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "guide/guide.h"
#include "guide/value.h"
#include "render/mustache.h"
#include "steer/account.h"
#include "steer/assess.h"
#include "steer/identity.h"
#include "steer/status.h"
#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"
#include "web/app.h"
#include "web/server.h"

/* The session cookie, and the login form's own (double-submit CSRF). */
#define RQ_SESSION_COOKIE "sobre_session"
#define RQ_LOGIN_COOKIE "sobre_login"
/* The state of a login through the identity provider, for its callback:
 * the browser that started the login is the one that finishes it. */
#define RQ_OIDC_COOKIE "sobre_oidc"

/* What every request of one app shares, read-only: its templates (compiled
 * at start, so that a lookup takes no lock), whether cookies are Secure,
 * the guide's site (may be NULL). Owned by the app (pilotage.c). */
typedef struct {
	const mst_t *(*lookup)(const char *name, size_t len, void *ud);
	void *lookup_ud;
	bool secure;
	app_t *site;
	/* Logins through an OpenID Connect provider (NULL: none), the button's
	 * name, who may come in; local_login false: password logins refused. */
	struct oidc *oidc;
	const char *oidc_name;
	identity_rules_t rules;
	bool local_login;
} rq_env_t;

/* One request: borrowed request and response, this thread's store (in a
 * transaction for the whole request), the authenticated user. */
typedef struct {
	const rq_env_t *env;
	const web_request_t *req;
	web_response_t *res;
	store_t *s;
	account_t user;
	bool logged;  /* a live session or api token */
	bool bearer;  /* authenticated by an api token */
	bool api;     /* under /pilotage/api/: JSON answers */
	bool post;
	bool commit;  /* set by a handler whose writes must be kept */
	diag_list_t d;
	/* The scope, after rq_scope: the perimeter's name as the tree spells
	 * it, the référentiel's slug (NULL before any import), and the query
	 * every address of the page carries to stay in it ("perimetre=...&
	 * referentiel=...", percent-encoded: only the parameters the request
	 * named, so that the default scope's addresses are unchanged). */
	char *perimeter, *guide;
	buf_t scope_query;
	/* This server thread's rendered parts (NULL: none kept). */
	struct pagecache *cache;
} rq_t;

/* Frees what the request holds (user, diagnostics, scope). */
void rq_end(rq_t *r);

/* Context building: strings are copied; NULL becomes "". */
void ctx_str(value_t *m, const char *key, const char *v);
void ctx_bool(value_t *m, const char *key, bool b);
void status_slug(const profile_t *p, status_t st, buf_t *out);
/* An instant stored as "YYYY-MM-DDTHH:MM:SSZ": key gets it as is (for
 * <time datetime>), key_fr as French readers write it, in Paris time
 * ("6 décembre 2026 à 23 h 25"; the stored text when it is not an
 * instant). */
void ctx_instant(value_t *m, const char *key, const char *iso);

/* Means as a page shows them: budget_fr ("12 500,50 €"), staff_fr ("4,5
 * jours-personne"), both "" when unset, and has_means, into ctx. */
void rq_means_ctx(value_t *ctx, long long budget, long long staff);
/* Means as a form field holds them: "12500,5" (a decimal comma, no
 * grouping); nothing when unset (v < 0). */
void rq_means_typed(long long v, buf_t *out);

/* Responses. rq_render takes ctx and adds the layout's values: the user,
 * the scope's query (scope_q: "?..." or ""; scope_fields: hidden inputs
 * for GET forms) and the perimeter switcher. */
void rq_render(rq_t *r, int status, const char *name, value_t *ctx);
/* Renders template name with ctx (taken) as a part of a page, into out:
 * without the layout's values but the scope's (scope_q, scope_fields), so
 * that everything else the part shows comes from ctx and a caller keeping
 * it knows what it depends on. Returns 0, or -1 (a template bug). */
int rq_render_part(rq_t *r, const char *name, value_t *ctx, buf_t *out);
/* Makes a page's body into out: 0, -1 when a read failed (r->d says why),
 * -2 when its template did (a bug). */
typedef int (*rq_part_fn)(rq_t *r, buf_t *out);
/* Renders page name (a template that puts {{{body}}} in the layout) with
 * ctx (taken) and the body made by make, or kept from an earlier request of
 * this thread (web/pagecache) when it would be the same: same database
 * (store_data_version), day, scope, query string and extra, which names
 * what else of the user the body shows ("" when nothing). For the pages read
 * most, whose body costs far more than the layout. */
void rq_render_kept(rq_t *r, const char *name, value_t *ctx, rq_part_fn make, const char *extra);
void rq_text(rq_t *r, int status, const char *msg);
void rq_redirect(rq_t *r, const char *url);
/* path with query (may be NULL; not encoded here) and the scope's, then
 * #fragment (may be NULL), into out. */
void rq_scoped_url(const rq_t *r, buf_t *out, const char *path, const char *query, const char *fragment);
/* A redirect to rq_scoped_url: after a form, the user stays in its scope. */
void rq_redirect_scoped(rq_t *r, const char *path, const char *query, const char *fragment);
void rq_error(rq_t *r, int status, const char *heading, const char *message);
void rq_forbidden(rq_t *r, const char *why);
/* 503 for a failed database operation, worded after the cause found in
 * r->d (a handler with its own diagnostics list moves it there first); the
 * SQLite error goes to the request's log line. */
void rq_io_error(rq_t *r);
/* Practice idbp with its last `history` changes (0: all) into *a (freed by
 * the caller with assessment_free, also on failure); when there is no such
 * practice (404) or the database fails (503), answers and returns false. */
bool rq_practice(rq_t *r, const char *idbp, size_t history, assessment_t *a);
/* A steer diagnostic in French, with its "did you mean". */
void rq_diag_fr(const diag_t *x, buf_t *out);

/* Authentication: the user of the session cookie, or of the api token
 * (Authorization: Bearer) on the API; r->logged says whether there is one. */
steer_rc rq_authenticate(rq_t *r);
/* Resolves the scope the address names (?perimetre=NAME&referentiel=ID,
 * both optional: the root, and its only référentiel) into the store's, and
 * places the user in it (account_locate). When it cannot, answers (an
 * unknown perimeter or référentiel: 404 in French; a perimeter assessed
 * against several référentiels: 300 with a page to choose one; the
 * database's failure: 503) and returns false; lenient (pages that do not
 * depend on the scope: one's account, the administration) falls back to
 * the default scope instead. */
bool rq_scope(rq_t *r, bool lenient);

/* Whether a write carries the session's CSRF token (a form field, or the
 * X-CSRF-Token header on the API); api tokens need none. */
bool rq_csrf_ok(rq_t *r);
/* The login page, with a fresh login-form token in its cookie and the
 * form; email (may be NULL) is typed back, error (may be NULL) shown. */
void rq_login_page(rq_t *r, int status, const char *email, const char *error);
/* Whether path is the app's ("/pilotage" and below). */
bool rq_in_app(const char *path);
/* Sets the session cookie (clear: removes it). */
void rq_session_cookie(rq_t *r, const char *value, bool clear);

/* The guide text of a practice, from the site (false when unavailable). */
bool pilotage_guide_html(rq_t *r, const char *idbp, buf_t *html, buf_t *url);
/* The guide the site serves, held until released; NULL without a site. */
const guide_t *pilotage_guide_hold(rq_t *r, void **hold);
void pilotage_guide_release(void *hold);

#endif
