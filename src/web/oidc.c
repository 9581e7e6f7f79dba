/* oidc: the OpenID Connect relying party (see oidc.h). */
#include "web/oidc.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/httpc.h"
#include "util/jose.h"
#include "util/xalloc.h"

/* What discovery said, kept for the server's life. */
typedef struct {
	char *authorization, *token, *userinfo, *end_session, *jwks_uri;
	bool post_auth; /* client_secret_post (else client_secret_basic) */
} meta_t;

struct oidc {
	char *origin;
	char *issuer, *client_id, *client_secret, *scopes, *redirect_uri, *post_logout_uri;
	/* Discovery and the key set are fetched on first need, then shared by
	 * the server's threads under lock (verifying takes microseconds). */
	pthread_mutex_t lock;
	bool discovered;
	meta_t meta;
	jose_keyset_t *keys;
};

oidc_t *oidc_new(const oidc_config_t *cfg)
{
	oidc_t *o = xcalloc(1, sizeof *o);
	o->issuer = xstrdup(cfg->issuer);
	const char *host = strstr(cfg->issuer, "://");
	o->origin = xstrndup(cfg->issuer, host ? (size_t)(host + 3 - cfg->issuer) + strcspn(host + 3, "/?#")
					      : strlen(cfg->issuer));
	o->client_id = xstrdup(cfg->client_id);
	o->client_secret = xstrdup(cfg->client_secret ? cfg->client_secret : "");
	o->scopes = xstrdup(cfg->scopes);
	o->redirect_uri = xstrdup(cfg->redirect_uri);
	o->post_logout_uri = xstrdup(cfg->post_logout_uri);
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

const char *oidc_origin(const oidc_t *o)
{
	return o->origin;
}

static void meta_free(meta_t *m)
{
	free(m->authorization);
	free(m->token);
	free(m->userinfo);
	free(m->end_session);
	free(m->jwks_uri);
	memset(m, 0, sizeof *m);
}

void oidc_free(oidc_t *o)
{
	if (!o)
		return;
	meta_free(&o->meta);
	jose_keyset_free(o->keys);
	pthread_mutex_destroy(&o->lock);
	sodium_memzero(o->client_secret, strlen(o->client_secret));
	free(o->client_secret);
	free(o->issuer);
	free(o->origin);
	free(o->client_id);
	free(o->scopes);
	free(o->redirect_uri);
	free(o->post_logout_uri);
	free(o);
}

void oidc_identity_free(oidc_identity_t *id)
{
	if (!id)
		return;
	free(id->issuer);
	free(id->subject);
	free(id->email);
	free(id->given_name);
	free(id->family_name);
	free(id->siret);
	free(id->organizational_unit);
	free(id->id_token);
	free(id->next);
	memset(id, 0, sizeof *id);
}

identity_claims_t oidc_identity_claims(const oidc_identity_t *id)
{
	identity_claims_t c = {id->issuer, id->subject, id->email, id->given_name, id->family_name, id->siret,
			       id->organizational_unit};
	return c;
}

/* GET url as a JSON object; NULL with why filled otherwise. */
static json_t *get_json(const char *url, buf_t *why)
{
	httpc_response_t res = {0, BUF_INIT, NULL};
	json_t *j = NULL;
	if (httpc_get(url, "application/json", NULL, &res, why) == 0) {
		if (res.status != 200)
			buf_printf(why, "%s: HTTP status %ld", url, res.status);
		else if (!(j = json_loadb(buf_cstr(&res.body), res.body.len, 0, NULL)) ||
			 !json_is_object(j)) {
			buf_printf(why, "%s: not a JSON object", url);
			json_decref(j);
			j = NULL;
		}
	}
	httpc_response_free(&res);
	return j;
}

/* The key set, (re)fetched; called with the lock held. */
static int fetch_keys(oidc_t *o, buf_t *why)
{
	httpc_response_t res = {0, BUF_INIT, NULL};
	int rc = -1;
	if (httpc_get(o->meta.jwks_uri, "application/json, application/jwk-set+json", NULL, &res, why) == 0) {
		if (res.status != 200) {
			buf_printf(why, "%s: HTTP status %ld", o->meta.jwks_uri, res.status);
		} else {
			jose_keyset_t *ks = jose_keyset_parse(buf_cstr(&res.body), res.body.len, why);
			if (ks) {
				jose_keyset_free(o->keys);
				o->keys = ks;
				rc = 0;
			}
		}
	}
	httpc_response_free(&res);
	return rc;
}

static char *endpoint(json_t *doc, const char *name, bool required, buf_t *why)
{
	const char *v = json_string_value(json_object_get(doc, name));
	if (!v || !*v) {
		if (required)
			buf_printf(why, "the discovery document has no %s", name);
		return NULL;
	}
	if (!httpc_url_allowed(v)) {
		buf_printf(why, "the discovery document's %s is not https: %s", name, v);
		return NULL;
	}
	return xstrdup(v);
}

/* Discovery then the key set, once; called with the lock held. */
static int discover(oidc_t *o, buf_t *why)
{
	if (o->discovered)
		return 0;
	buf_t url = BUF_INIT;
	size_t n = strlen(o->issuer);
	buf_put(&url, o->issuer, n && o->issuer[n - 1] == '/' ? n - 1 : n);
	buf_puts(&url, "/.well-known/openid-configuration");
	json_t *doc = get_json(buf_cstr(&url), why);
	meta_t m;
	memset(&m, 0, sizeof m);
	int rc = -1;
	if (!doc)
		goto cleanup;
	/* The issuer must be the one configured, byte for byte (OpenID
	 * Connect Discovery 4.3): else tokens of another issuer would pass. */
	const char *iss = json_string_value(json_object_get(doc, "issuer"));
	if (!iss || strcmp(iss, o->issuer) != 0) {
		buf_printf(why, "the discovery document's issuer is '%s', not the configured '%s'", iss ? iss : "",
			   o->issuer);
		goto cleanup;
	}
	m.authorization = endpoint(doc, "authorization_endpoint", true, why);
	m.token = endpoint(doc, "token_endpoint", true, why);
	m.jwks_uri = endpoint(doc, "jwks_uri", true, why);
	m.userinfo = endpoint(doc, "userinfo_endpoint", false, why);
	m.end_session = endpoint(doc, "end_session_endpoint", false, why);
	if (!m.authorization || !m.token || !m.jwks_uri || why->len)
		goto cleanup;
	/* client_secret_post when the provider lists it (ProConnect takes it),
	 * else client_secret_basic, the default when nothing is listed. */
	json_t *methods = json_object_get(doc, "token_endpoint_auth_methods_supported");
	size_t i;
	json_t *v;
	json_array_foreach(methods, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), "client_secret_post") == 0)
			m.post_auth = true;
	}
	meta_free(&o->meta);
	o->meta = m;
	memset(&m, 0, sizeof m);
	if (fetch_keys(o, why))
		goto cleanup;
	o->discovered = true;
	rc = 0;
cleanup:
	meta_free(&m);
	json_decref(doc);
	buf_free(&url);
	return rc;
}

static void random_b64(buf_t *out)
{
	unsigned char r[OIDC_RANDOM_BYTES];
	randombytes_buf(r, sizeof r);
	jose_b64url_encode(r, sizeof r, out);
}

int oidc_start(oidc_t *o, store_t *s, const char *next, buf_t *url, char state_out[64], buf_t *why)
{
	pthread_mutex_lock(&o->lock);
	int rc = discover(o, why);
	char *authz = rc ? NULL : xstrdup(o->meta.authorization);
	pthread_mutex_unlock(&o->lock);
	if (rc)
		return -1;
	buf_t state = BUF_INIT, nonce = BUF_INIT, verifier = BUF_INIT, challenge = BUF_INIT;
	random_b64(&state);
	random_b64(&nonce);
	random_b64(&verifier);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)buf_cstr(&verifier), verifier.len);
	jose_b64url_encode(h, sizeof h, &challenge);
	diag_list_t d = DIAG_LIST_INIT;
	if (identity_pending_add(s, buf_cstr(&state), buf_cstr(&nonce), buf_cstr(&verifier), next, &d)) {
		buf_printf(why, "recording the pending login: %s", d.len ? d.items[0].msg : "database error");
		rc = -1;
		goto cleanup;
	}
	buf_puts(url, authz);
	buf_putc(url, strchr(authz, '?') ? '&' : '?');
	buf_puts(url, "response_type=code&client_id=");
	httpc_encode(o->client_id, url);
	buf_puts(url, "&redirect_uri=");
	httpc_encode(o->redirect_uri, url);
	buf_puts(url, "&scope=");
	httpc_encode(o->scopes, url);
	buf_printf(url, "&state=%s&nonce=%s&code_challenge=%s&code_challenge_method=S256", buf_cstr(&state),
		   buf_cstr(&nonce), buf_cstr(&challenge));
	snprintf(state_out, 64, "%s", buf_cstr(&state));
cleanup:
	diag_list_free(&d);
	free(authz);
	buf_free(&state);
	if (verifier.ptr)
		sodium_memzero(verifier.ptr, verifier.len);
	buf_free(&nonce);
	buf_free(&verifier);
	buf_free(&challenge);
	return rc;
}

/* Verifies a JWS from the provider, fetching the key set again once when
 * it names a key the cached set lacks (the provider rotated its keys). */
static bool verify_jwt(oidc_t *o, const char *jwt, json_t **claims, buf_t *why)
{
	pthread_mutex_lock(&o->lock);
	jose_rc rc = jose_verify(o->keys, jwt, strlen(jwt), claims, why);
	if (rc == JOSE_UNKNOWN_KID) {
		buf_t again = BUF_INIT;
		if (fetch_keys(o, &again) == 0) {
			buf_reset(why);
			rc = jose_verify(o->keys, jwt, strlen(jwt), claims, why);
		} else {
			buf_printf(why, "; fetching the key set again: %s", buf_cstr(&again));
		}
		buf_free(&again);
	}
	pthread_mutex_unlock(&o->lock);
	return rc == JOSE_OK;
}

/* aud names us; with several audiences, azp must be us (OpenID Connect
 * Core 3.1.3.7). */
static bool audience_ok(const oidc_t *o, json_t *claims, buf_t *why)
{
	json_t *aud = json_object_get(claims, "aud");
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	bool found = false;
	size_t n = 1;
	if (json_is_string(aud)) {
		found = strcmp(json_string_value(aud), o->client_id) == 0;
	} else if (json_is_array(aud)) {
		size_t i;
		json_t *v;
		n = json_array_size(aud);
		json_array_foreach(aud, i, v) {
			if (json_is_string(v) && strcmp(json_string_value(v), o->client_id) == 0)
				found = true;
		}
	}
	if (!found) {
		buf_puts(why, "the token's audience (aud) is not this client");
		return false;
	}
	if ((n > 1 || azp) && (!azp || strcmp(azp, o->client_id) != 0)) {
		buf_puts(why, "the token has several audiences and its azp is not this client");
		return false;
	}
	return true;
}

static bool id_token_ok(const oidc_t *o, json_t *c, const char *nonce, long long now, buf_t *why)
{
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *sub = json_string_value(json_object_get(c, "sub"));
	const char *tn = json_string_value(json_object_get(c, "nonce"));
	json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");
	if (!iss || strcmp(iss, o->issuer) != 0)
		buf_printf(why, "the ID token's issuer is '%s', not '%s'", iss ? iss : "", o->issuer);
	else if (!audience_ok(o, c, why))
		return false;
	else if (!sub || !*sub)
		buf_puts(why, "the ID token has no subject (sub)");
	else if (!json_is_number(exp) || json_number_value(exp) + OIDC_LEEWAY <= (double)now)
		buf_puts(why, "the ID token has expired (exp)");
	else if (!json_is_number(iat) || json_number_value(iat) > (double)(now + OIDC_LEEWAY))
		buf_puts(why, "the ID token is issued in the future (iat)");
	else if (!tn || !nonce || strcmp(tn, nonce) != 0)
		buf_puts(why, "the ID token's nonce is not the one this login sent");
	else
		return true;
	return false;
}

/* Exchanges the code; *tokens gets the token endpoint's JSON answer. */
static oidc_rc exchange(oidc_t *o, const meta_t *m, const char *code, const char *verifier, json_t **tokens,
			buf_t *why)
{
	buf_t form = BUF_INIT, user = BUF_INIT, pass = BUF_INIT;
	buf_puts(&form, "grant_type=authorization_code&code=");
	httpc_encode(code, &form);
	buf_puts(&form, "&redirect_uri=");
	httpc_encode(o->redirect_uri, &form);
	buf_puts(&form, "&code_verifier=");
	httpc_encode(verifier, &form);
	buf_puts(&form, "&client_id=");
	httpc_encode(o->client_id, &form);
	if (m->post_auth) {
		buf_puts(&form, "&client_secret=");
		httpc_encode(o->client_secret, &form);
	} else {
		/* RFC 6749 2.3.1: both form-encoded before Basic's base64. */
		httpc_encode(o->client_id, &user);
		httpc_encode(o->client_secret, &pass);
	}
	httpc_response_t res = {0, BUF_INIT, NULL};
	oidc_rc rc = OIDC_UNREACHABLE;
	*tokens = NULL;
	if (httpc_post_form(m->token, buf_cstr(&form), m->post_auth ? NULL : buf_cstr(&user), buf_cstr(&pass), &res,
			    why) == 0) {
		json_t *j = json_loadb(buf_cstr(&res.body), res.body.len, 0, NULL);
		rc = OIDC_REFUSED;
		if (res.status != 200) {
			const char *err = json_string_value(json_object_get(j, "error"));
			buf_printf(why, "the token endpoint answered HTTP %ld%s%s", res.status, err ? ": " : "",
				   err ? err : "");
			json_decref(j);
		} else if (!json_is_string(json_object_get(j, "id_token")) ||
			   !json_is_string(json_object_get(j, "access_token"))) {
			buf_puts(why, "the token endpoint's answer has no id_token or access_token");
			json_decref(j);
		} else {
			*tokens = j;
			rc = OIDC_OK;
		}
	}
	if (form.ptr)
		sodium_memzero(form.ptr, form.len);
	if (pass.ptr)
		sodium_memzero(pass.ptr, pass.len);
	httpc_response_free(&res);
	buf_free(&form);
	buf_free(&user);
	buf_free(&pass);
	return rc;
}

/* The userinfo, as JSON or as a JWT signed with the provider's keys. */
static oidc_rc userinfo(oidc_t *o, const meta_t *m, const char *access, const char *sub, json_t **out, buf_t *why)
{
	httpc_response_t res = {0, BUF_INIT, NULL};
	*out = NULL;
	if (httpc_get(m->userinfo, "application/json, application/jwt", access, &res, why)) {
		httpc_response_free(&res);
		return OIDC_UNREACHABLE;
	}
	oidc_rc rc = OIDC_REFUSED;
	json_t *j = NULL;
	if (res.status != 200) {
		buf_printf(why, "the userinfo endpoint answered HTTP %ld", res.status);
		goto cleanup;
	}
	if (res.content_type && strcmp(res.content_type, "application/jwt") == 0) {
		buf_t jwt = BUF_INIT;
		buf_put(&jwt, buf_cstr(&res.body), res.body.len);
		bool ok = verify_jwt(o, buf_cstr(&jwt), &j, why);
		buf_free(&jwt);
		if (!ok) {
			buf_puts(why, " (signed userinfo)");
			goto cleanup;
		}
		const char *iss = json_string_value(json_object_get(j, "iss"));
		if ((iss && strcmp(iss, o->issuer) != 0) || (json_object_get(j, "aud") && !audience_ok(o, j, why))) {
			buf_puts(why, " (signed userinfo: issuer or audience)");
			goto cleanup;
		}
	} else {
		j = json_loadb(buf_cstr(&res.body), res.body.len, 0, NULL);
		if (!json_is_object(j)) {
			buf_puts(why, "the userinfo is neither a JSON object nor a signed JWT");
			goto cleanup;
		}
	}
	const char *usub = json_string_value(json_object_get(j, "sub"));
	if (!usub || strcmp(usub, sub) != 0) {
		buf_puts(why, "the userinfo's subject is not the ID token's");
		goto cleanup;
	}
	*out = j;
	j = NULL;
	rc = OIDC_OK;
cleanup:
	json_decref(j);
	httpc_response_free(&res);
	return rc;
}

/* A string claim, from the userinfo first, else the ID token. */
static char *claim(json_t *ui, json_t *idt, const char *name)
{
	const char *v = json_string_value(json_object_get(ui, name));
	if (!v)
		v = json_string_value(json_object_get(idt, name));
	return v && *v ? xstrdup(v) : NULL;
}

static oidc_rc finish_claims(const oidc_t *o, json_t *ui, json_t *idt, oidc_identity_t *out, buf_t *why)
{
	json_t *ev = json_object_get(ui, "email_verified");
	if (!ev)
		ev = json_object_get(idt, "email_verified");
	out->email = claim(ui, idt, "email");
	if (!out->email) {
		buf_puts(why, "the provider gave no e-mail address (is the scope 'email' asked?)");
		return OIDC_REFUSED;
	}
	/* Some providers send "false" as a string. */
	if (json_is_false(ev) || (json_is_string(ev) && strcmp(json_string_value(ev), "false") == 0)) {
		buf_puts(why, "the provider says the e-mail address is not verified");
		return OIDC_REFUSED;
	}
	out->issuer = xstrdup(o->issuer);
	out->subject = claim(NULL, idt, "sub");
	out->given_name = claim(ui, idt, "given_name");
	out->family_name = claim(ui, idt, "usual_name");
	if (!out->family_name)
		out->family_name = claim(ui, idt, "family_name");
	out->siret = claim(ui, idt, "siret");
	out->organizational_unit = claim(ui, idt, "organizational_unit");
	return OIDC_OK;
}

oidc_rc oidc_finish(oidc_t *o, store_t *s, const char *state, const char *code, long long now, oidc_identity_t *out,
		    buf_t *why)
{
	memset(out, 0, sizeof *out);
	char *nonce = NULL, *verifier = NULL, *next = NULL;
	bool found = false;
	diag_list_t d = DIAG_LIST_INIT;
	json_t *tokens = NULL, *idt = NULL, *ui = NULL;
	meta_t m;
	memset(&m, 0, sizeof m);
	oidc_rc rc;
	if (identity_pending_take(s, state, &found, &nonce, &verifier, &next, &d)) {
		buf_printf(why, "reading the pending login: %s", d.len ? d.items[0].msg : "database error");
		rc = OIDC_IO;
		goto cleanup;
	}
	if (!found || !code || !*code) {
		buf_puts(why, !found ? "unknown, used or expired state" : "no code in the callback");
		rc = OIDC_BAD_STATE;
		goto cleanup;
	}
	pthread_mutex_lock(&o->lock);
	int drc = discover(o, why);
	if (!drc) {
		m.token = xstrdup(o->meta.token);
		m.userinfo = o->meta.userinfo ? xstrdup(o->meta.userinfo) : NULL;
		m.post_auth = o->meta.post_auth;
	}
	pthread_mutex_unlock(&o->lock);
	if (drc) {
		rc = OIDC_UNREACHABLE;
		goto cleanup;
	}
	if ((rc = exchange(o, &m, code, verifier, &tokens, why)))
		goto cleanup;
	const char *jwt = json_string_value(json_object_get(tokens, "id_token"));
	rc = OIDC_REFUSED;
	if (!verify_jwt(o, jwt, &idt, why)) {
		buf_puts(why, " (ID token)");
		goto cleanup;
	}
	if (!id_token_ok(o, idt, nonce, now, why))
		goto cleanup;
	if (m.userinfo &&
	    (rc = userinfo(o, &m, json_string_value(json_object_get(tokens, "access_token")),
			   json_string_value(json_object_get(idt, "sub")), &ui, why)))
		goto cleanup;
	if ((rc = finish_claims(o, ui, idt, out, why)))
		goto cleanup;
	out->id_token = xstrdup(jwt);
	out->next = next;
	next = NULL;
cleanup:
	if (rc)
		oidc_identity_free(out);
	meta_free(&m);
	json_decref(tokens);
	json_decref(idt);
	json_decref(ui);
	diag_list_free(&d);
	free(nonce);
	free(verifier);
	free(next);
	return rc;
}

bool oidc_logout_url(oidc_t *o, const char *id_token, buf_t *url)
{
	buf_t why = BUF_INIT;
	pthread_mutex_lock(&o->lock);
	bool ok = discover(o, &why) == 0 && o->meta.end_session;
	if (ok) {
		buf_puts(url, o->meta.end_session);
		buf_putc(url, strchr(o->meta.end_session, '?') ? '&' : '?');
		buf_puts(url, "id_token_hint=");
		httpc_encode(id_token, url);
		buf_puts(url, "&post_logout_redirect_uri=");
		httpc_encode(o->post_logout_uri, url);
		buf_puts(url, "&client_id=");
		httpc_encode(o->client_id, url);
	}
	pthread_mutex_unlock(&o->lock);
	buf_free(&why);
	return ok;
}
