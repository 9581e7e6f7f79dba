/* pilotage_oidc: the login through the OpenID Connect provider: the login
 * page's button (a POST with the login form's CSRF cookie) that sends the
 * browser to the provider, and the provider's callback, which opens a
 * session as a password login does. Every refusal is the login page with
 * the reason in French, and the log line's err= with the detail. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "steer/identity.h"
#include "web/oidc.h"
#include "web/pilotage_internal.h"

/* The state cookie lives as long as a pending login. */
#define OIDC_COOKIE_ATTRS "; Path=/pilotage/oidc; HttpOnly; SameSite=Lax; Max-Age=600"

static void refuse(rq_t *r, int status, const char *msg, const char *log)
{
	buf_printf(&r->res->note, "oidc: %s", log);
	rq_login_page(r, status, "", msg);
}

void do_oidc_start(rq_t *r)
{
	oidc_t *o = r->env->oidc;
	if (!o) {
		rq_error(r, 404, "Page introuvable", "Cette page n'existe pas.");
		return;
	}
	const char *form_tok = http_param(&r->req->form, "csrf"), *cookie_tok = http_param(&r->req->cookies, RQ_LOGIN_COOKIE);
	if (!form_tok || !cookie_tok || strlen(cookie_tok) != 64 || !account_equal(form_tok, cookie_tok)) {
		rq_login_page(r, 403, "", "Le formulaire a expiré ou ne vient pas de ce site : réessayez.");
		return;
	}
	const char *next = http_param(&r->req->form, "suite");
	if (!next || !rq_in_app(next) || strstr(next, "//"))
		next = "/pilotage/";
	buf_t url = BUF_INIT, why = BUF_INIT;
	char state[64];
	if (oidc_start(o, r->s, next, &url, state, &why)) {
		buf_t msg = BUF_INIT;
		buf_printf(&msg, "Le service d'identification %s ne répond pas : réessayez dans quelques minutes.",
			   r->env->oidc_name);
		refuse(r, 503, buf_cstr(&msg), buf_cstr(&why));
		buf_free(&msg);
	} else {
		r->commit = true;
		char line[160];
		snprintf(line, sizeof line, "%s=%s" OIDC_COOKIE_ATTRS "%s", RQ_OIDC_COOKIE, state,
			 r->env->secure ? "; Secure" : "");
		web_set_header(r->res, "Set-Cookie", line);
		rq_redirect(r, buf_cstr(&url));
	}
	buf_free(&url);
	buf_free(&why);
}

/* The login's end, once the provider vouched for id: the account, then
 * the session. */
static void open_session(rq_t *r, const oidc_identity_t *id)
{
	identity_claims_t c = oidc_identity_claims(id);
	identity_result_t res;
	char token[ACCOUNT_TOKEN_HEX];
	account_t u;
	diag_list_t d = DIAG_LIST_INIT;
	steer_rc rc = identity_login(r->s, &c, &r->env->rules, id->id_token, &res, token, &u, &d);
	if (rc == STEER_REFUSED) {
		refuse(r, 403, "Le service d'identification n'a pas donné d'adresse électronique utilisable.",
		       d.len ? d.items[0].msg : "refused");
		goto cleanup;
	}
	if (rc) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		goto cleanup;
	}
	buf_t log = BUF_INIT;
	buf_printf(&log, "%s (%s)", id->email, id->subject);
	switch (res) {
	case IDENTITY_NO_ACCOUNT:
		buf_puts(&log, ": no account for this address");
		refuse(r, 403, "Aucun compte n'existe pour votre adresse électronique : demandez-en un à "
			       "l'administrateur de l'application.", buf_cstr(&log));
		break;
	case IDENTITY_NOT_ALLOWED:
		buf_puts(&log, ": no account, domain and SIRET not allowed");
		refuse(r, 403, "Aucun compte n'existe pour votre adresse électronique, et ni son domaine ni votre "
			       "organisation ne sont autorisés à en créer un : demandez-en un à l'administrateur de "
			       "l'application.", buf_cstr(&log));
		break;
	case IDENTITY_LINKED_ELSEWHERE:
		buf_puts(&log, ": the address's account is linked to another identity");
		refuse(r, 403, "Le compte de cette adresse électronique est lié à une autre identité : contactez "
			       "l'administrateur de l'application.", buf_cstr(&log));
		break;
	case IDENTITY_OK:
		r->commit = true;
		account_free(&u);
		rq_session_cookie(r, token, false);
		web_set_header(r->res, "Set-Cookie", RQ_OIDC_COOKIE "=" OIDC_COOKIE_ATTRS "; Max-Age=0");
		rq_redirect(r, id->next && rq_in_app(id->next) && !strstr(id->next, "//") ? id->next : "/pilotage/");
		break;
	}
	buf_free(&log);
cleanup:
	sodium_memzero(token, sizeof token);
	diag_list_free(&d);
}

void do_oidc_return(rq_t *r)
{
	oidc_t *o = r->env->oidc;
	if (!o) {
		rq_error(r, 404, "Page introuvable", "Cette page n'existe pas.");
		return;
	}
	const char *state = http_param(&r->req->query, "state"), *code = http_param(&r->req->query, "code");
	const char *error = http_param(&r->req->query, "error");
	const char *cookie = http_param(&r->req->cookies, RQ_OIDC_COOKIE);
	/* The state must be the one this browser was given: a callback
	 * carried to another browser (login CSRF) goes nowhere. */
	if (!state || !cookie || !account_equal(state, cookie)) {
		refuse(r, 403, "La connexion a expiré ou n'a pas été commencée depuis ce navigateur : recommencez.",
		       "the callback's state is not this browser's");
		return;
	}
	oidc_identity_t id;
	buf_t why = BUF_INIT;
	oidc_rc rc = error ? OIDC_REFUSED : oidc_finish(o, r->s, state, code, (long long)store_now(r->s), &id, &why);
	if (error) {
		/* The pending login is spent all the same. */
		bool found;
		char *a = NULL, *b = NULL, *c = NULL;
		identity_pending_take(r->s, state, &found, &a, &b, &c, NULL);
		free(a);
		free(b);
		free(c);
		r->commit = true;
		buf_printf(&why, "the provider answered error=%s", error);
	}
	switch (rc) {
	case OIDC_OK: open_session(r, &id); break;
	case OIDC_BAD_STATE:
		r->commit = true;
		refuse(r, 403, "Cette connexion a déjà servi ou a expiré : recommencez.", buf_cstr(&why));
		break;
	case OIDC_REFUSED:
		r->commit = true;
		refuse(r, 403, "Le service d'identification n'a pas confirmé votre identité : recommencez, ou "
			       "contactez l'administrateur de l'application si cela persiste.", buf_cstr(&why));
		break;
	case OIDC_UNREACHABLE:
		r->commit = true;
		refuse(r, 503, "Le service d'identification ne répond pas : réessayez dans quelques minutes.",
		       buf_cstr(&why));
		break;
	case OIDC_IO: rq_io_error(r); break;
	}
	if (rc == OIDC_OK)
		oidc_identity_free(&id);
	buf_free(&why);
}
