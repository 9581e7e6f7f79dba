/* pilotage_account: the pages of one's own account: the login form and its
 * answer, logout, and "Mon compte" (one's password, one's api token). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/account.h"
#include "steer/identity.h"
#include "steer/input.h"
#include "steer/remind.h"
#include "util/frdate.h"
#include "util/xalloc.h"
#include "web/oidc.h"
#include "web/pilotage_internal.h"

void pg_login(rq_t *r)
{
	if (r->logged)
		rq_redirect(r, "/pilotage/");
	else
		rq_login_page(r, 200, "", NULL);
}

void do_login(rq_t *r)
{
	const char *email = http_param(&r->req->form, "email");
	const char *pw = http_param(&r->req->form, "password");
	const char *form_tok = http_param(&r->req->form, "csrf"), *cookie_tok = http_param(&r->req->cookies, RQ_LOGIN_COOKIE);
	if (!form_tok || !cookie_tok || strlen(cookie_tok) != 64 || !account_equal(form_tok, cookie_tok)) {
		rq_login_page(r, 403, email, "Le formulaire a expiré ou ne vient pas de ce site : réessayez.");
		return;
	}
	if (!r->env->local_login) {
		buf_puts(&r->res->note, "password login refused: local_login is off");
		rq_login_page(r, 403, "", "La connexion par mot de passe est désactivée sur ce serveur.");
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
		rq_login_page(r, 429, email,
			   "Trop de tentatives de connexion échouées depuis votre adresse : réessayez dans 15 minutes.");
		return;
	}
	/* Someone is guessing this account's password: every answer for it
	 * waits, the right one as long as the wrong ones, so that waiting
	 * tells nothing. */
	r->res->delay_ms = delay;
	if (res == LOGIN_BAD) {
		rq_login_page(r, 401, email, "Adresse électronique ou mot de passe incorrect.");
		return;
	}
	account_free(&u);
	rq_session_cookie(r, token, false);
	web_set_header(r->res, "Set-Cookie", RQ_LOGIN_COOKIE "=; Path=/pilotage/connexion; HttpOnly; SameSite=Strict; Max-Age=0");
	sodium_memzero(token, sizeof token);
	const char *next = http_param(&r->req->query, "suite");
	/* Only our own pages: never an open redirect to another site. */
	rq_redirect(r, next && rq_in_app(next) && !strstr(next, "//") ? next : "/pilotage/");
}

void do_logout(rq_t *r)
{
	const char *tok = http_param(&r->req->cookies, RQ_SESSION_COOKIE);
	char *id_token = NULL;
	if (tok && r->env->oidc && account_session_id_token(r->s, tok, &id_token, &r->d)) {
		rq_io_error(r);
		return;
	}
	if (tok && account_logout(r->s, tok, &r->d)) {
		free(id_token);
		rq_io_error(r);
		return;
	}
	r->commit = true;
	rq_session_cookie(r, "", true);
	/* A session the provider opened is closed there too, else the next
	 * click on its button would log straight back in. */
	buf_t url = BUF_INIT;
	if (id_token && oidc_logout_url(r->env->oidc, id_token, &url))
		rq_redirect(r, buf_cstr(&url));
	else
		rq_redirect(r, "/pilotage/connexion");
	buf_free(&url);
	free(id_token);
}

/* --- the user's own account --------------------------------------------------- */

/* "Mon compte": who the user is, and the form to change their password;
 * errs (taken, may be NULL) holds the form's error messages. */
void pg_account(rq_t *r, int status, value_t *errs)
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
	/* What the identity provider last said (nothing for a password-only
	 * account). */
	identity_profile_t prof;
	if (identity_profile(r->s, r->user.id, &prof, &r->d)) {
		value_free(ctx);
		rq_io_error(r);
		return;
	}
	if (prof.given_name || prof.family_name) {
		buf_printf(&f, "%s%s%s", prof.given_name ? prof.given_name : "",
			   prof.given_name && prof.family_name ? " " : "", prof.family_name ? prof.family_name : "");
		ctx_str(ctx, "account_name", buf_cstr(&f));
		buf_free(&f);
	}
	if (prof.siret)
		ctx_str(ctx, "account_siret", prof.siret);
	if (prof.organizational_unit)
		ctx_str(ctx, "account_unit", prof.organizational_unit);
	identity_profile_free(&prof);
	bool has_token = false;
	long long until = 0;
	if (account_api_token_exists(r->s, r->user.email, &has_token, &until, &r->d)) {
		value_free(ctx);
		rq_io_error(r);
		return;
	}
	ctx_bool(ctx, "has_token", has_token);
	bool digest = true;
	if (remind_get_digest(r->s, r->user.email, &digest, &r->d)) {
		value_free(ctx);
		rq_io_error(r);
		return;
	}
	ctx_bool(ctx, "digest_on", digest);
	if (has_token) {
		buf_t day = BUF_INIT;
		frdate_day((time_t)until, &day);
		ctx_str(ctx, "token_until", buf_cstr(&day));
		ctx_bool(ctx, "token_expired", until <= (long long)store_now(r->s));
		buf_free(&day);
	}
	rq_render(r, status, "account", ctx);
}

/* A new api token for scripts (shown once, on this answer to the POST), or
 * the current one revoked. Only from a signed-in browser: a script holding
 * a token cannot mint itself another. */
void do_own_token(rq_t *r, bool revoke)
{
	if (r->bearer) {
		rq_forbidden(r, "Les jetons d'API se gèrent depuis le navigateur.");
		return;
	}
	char token[ACCOUNT_TOKEN_HEX];
	long days = ACCOUNT_TOKEN_DAYS;
	const char *days_s = http_param(&r->req->form, "jours");
	if (!revoke && days_s && !input_whole(days_s, 1, ACCOUNT_MAX_TOKEN_DAYS, &days)) {
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
void do_own_password(rq_t *r)
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
	rq_session_cookie(r, token, false);
	rq_redirect_scoped(r, "/pilotage/compte", "ok=mot-de-passe", NULL);
cleanup:
	sodium_memzero(token, sizeof token);
	diag_list_free(&d);
	free(email);
}

/* --- reminders ------------------------------------------------------------ */

void do_own_reminders(rq_t *r)
{
	const char *v = http_param(&r->req->form, "rappels");
	if (remind_set_digest(r->s, r->user.email, v && strcmp(v, "oui") == 0, &r->d)) {
		rq_io_error(r);
		return;
	}
	r->commit = true;
	rq_redirect_scoped(r, "/pilotage/compte", "ok=rappels", "rappels");
}

/* The token is the only credential: no session, no CSRF token (a mail
 * client posts "List-Unsubscribe=One-Click" on its own, RFC 8058). A GET
 * changes nothing, so that link scanners and prefetchers unsubscribe no
 * one; an unknown token is a 404 that tells nothing more. */
void pg_unsubscribe(rq_t *r, const char *token)
{
	bool found = false;
	char *email = NULL;
	if (remind_unsubscribe(r->s, token, r->post, &found, &email, &r->d)) {
		rq_io_error(r);
		return;
	}
	if (!found) {
		rq_error(r, 404, "Lien inconnu", "Ce lien de désabonnement n'est pas (ou plus) valable.");
		return;
	}
	r->commit = r->post;
	value_t *ctx = value_map();
	ctx_str(ctx, "email", email);
	ctx_str(ctx, "token", token);
	ctx_bool(ctx, "done", r->post);
	free(email);
	rq_render(r, 200, "unsubscribe", ctx);
}
