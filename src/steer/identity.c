/* identity: accounts behind an OpenID Connect login (see identity.h). */
#include "steer/identity.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/xalloc.h"

bool identity_domain_listed(const char *email, const char *const *domains, size_t n)
{
	const char *at = email ? strrchr(email, '@') : NULL;
	if (!at)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(at + 1, domains[i]) == 0)
			return true;
	return false;
}

static bool siret_listed(const char *siret, const char *const *sirets, size_t n)
{
	for (size_t i = 0; siret && i < n; i++)
		if (strcmp(siret, sirets[i]) == 0)
			return true;
	return false;
}

/* A claim as kept: NULL stays NULL, a long one is cut at a character
 * boundary below IDENTITY_MAX_CLAIM bytes. */
static void bind_claim(store_query_t *q, int idx, const char *v)
{
	if (!v || !*v) {
		store_bind_null(q, idx);
		return;
	}
	size_t n = strlen(v);
	if (n <= IDENTITY_MAX_CLAIM) {
		store_bind_text(q, idx, v);
		return;
	}
	n = IDENTITY_MAX_CLAIM;
	while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--;
	char *cut = xstrndup(v, n);
	store_bind_text(q, idx, cut);
	free(cut);
}

/* A plausible address: something@domain, no space or control character,
 * at most 254 bytes (what a mailbox can be). */
static bool plausible_email(const char *e)
{
	const char *at = strrchr(e, '@');
	if (!at || at == e || !at[1] || strlen(e) > 254 || !strchr(at, '.'))
		return false;
	for (const unsigned char *p = (const unsigned char *)e; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* *id of the account linked to (issuer, subject), else of the one with the
 * address (*linked_other: that one is linked to another identity). */
static steer_rc find(store_t *s, const identity_claims_t *c, long long *id, bool *linked_other, diag_list_t *d)
{
	*id = 0;
	*linked_other = false;
	store_query_t *q = store_query(s, "SELECT id FROM \"user\" WHERE oidc_issuer = ? AND oidc_subject = ?");
	store_bind_text(q, 1, c->issuer);
	store_bind_text(q, 2, c->subject);
	if (store_next(q))
		*id = store_col_int(q, 0);
	steer_rc rc = store_end(q, d, "reading the user");
	if (rc || *id)
		return rc;
	q = store_query(s, "SELECT id, oidc_issuer IS NOT NULL FROM \"user\" WHERE email = ?");
	store_bind_text(q, 1, c->email);
	if (store_next(q)) {
		*id = store_col_int(q, 0);
		*linked_other = store_col_int(q, 1) != 0;
	}
	return store_end(q, d, "reading the user");
}

steer_rc identity_login(store_t *s, const identity_claims_t *c, const identity_rules_t *rules, const char *id_token,
			identity_result_t *result, char token[ACCOUNT_TOKEN_HEX], account_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	token[0] = '\0';
	*result = IDENTITY_NO_ACCOUNT;
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	if (!c->issuer || !c->subject || !c->email || !plausible_email(c->email))
		return store_refuse(d, "oidc", NULL, "the provider gave no usable e-mail address");
	long long id = 0;
	bool linked_other = false;
	if ((rc = find(s, c, &id, &linked_other, d)))
		return rc;
	if (linked_other) {
		*result = IDENTITY_LINKED_ELSEWHERE;
		return STEER_OK;
	}
	buf_t what = BUF_INIT;
	store_query_t *q;
	if (!id) {
		if (rules->mode == IDENTITY_EXISTING)
			return STEER_OK;
		if (!identity_domain_listed(c->email, rules->domains, rules->ndomains) &&
		    !siret_listed(c->siret, rules->sirets, rules->nsirets)) {
			*result = IDENTITY_NOT_ALLOWED;
			return STEER_OK;
		}
		char now[21], unsubscribe[ACCOUNT_UNSUBSCRIBE_HEX];
		store_timestamp(s, now);
		account_unsubscribe_token(unsubscribe);
		/* '!': no password verifies; sobre user passwd can give one. */
		q = store_query(s, "INSERT INTO \"user\"(email, role, pwhash, created_at, unsubscribe_token) "
				   "VALUES (?, 'lecteur', '!', ?, ?) RETURNING id");
		store_bind_text(q, 1, c->email);
		store_bind_text(q, 2, now);
		store_bind_text(q, 3, unsubscribe);
		if ((rc = store_scalar(q, 0, &id, d, "adding the user")))
			goto cleanup;
		buf_printf(&what, "%s (lecteur, created at login through %s)", c->email, c->issuer);
		if ((rc = store_log_global(s, "user", NULL, buf_cstr(&what), d)))
			goto cleanup;
	}
	q = store_query(s, "SELECT oidc_issuer IS NULL FROM \"user\" WHERE id = ?");
	store_bind_int(q, 1, id);
	bool first_link = store_next(q) && store_col_int(q, 0) != 0;
	if ((rc = store_end(q, d, "reading the user")))
		goto cleanup;
	q = store_query(s, "UPDATE \"user\" SET oidc_issuer = ?, oidc_subject = ?, given_name = ?, family_name = ?,"
			   " siret = ?, organizational_unit = ? WHERE id = ?");
	store_bind_text(q, 1, c->issuer);
	store_bind_text(q, 2, c->subject);
	bind_claim(q, 3, c->given_name);
	bind_claim(q, 4, c->family_name);
	bind_claim(q, 5, c->siret);
	bind_claim(q, 6, c->organizational_unit);
	store_bind_int(q, 7, id);
	if ((rc = store_exec(q, d, "updating the user")))
		goto cleanup;
	if (first_link) {
		buf_reset(&what);
		buf_printf(&what, "%s linked to %s", c->email, c->issuer);
		if ((rc = store_log_global(s, "user-oidc", NULL, buf_cstr(&what), d)))
			goto cleanup;
	}
	if ((rc = account_open_session(s, id, id_token, token, out, d)))
		goto cleanup;
	*result = IDENTITY_OK;
cleanup:
	buf_free(&what);
	return rc;
}

steer_rc identity_pending_add(store_t *s, const char *state, const char *nonce, const char *verifier,
			      const char *next, diag_list_t *d)
{
	long long now = (long long)store_now(s);
	store_query_t *q = store_query(s, "DELETE FROM oidc_pending WHERE expires_at <= ?");
	store_bind_int(q, 1, now);
	store_exec(q, NULL, NULL);
	q = store_query(s, "INSERT INTO oidc_pending(state, nonce, verifier, next, expires_at) VALUES (?, ?, ?, ?, ?)");
	store_bind_text(q, 1, state);
	store_bind_text(q, 2, nonce);
	store_bind_text(q, 3, verifier);
	store_bind_text(q, 4, next ? next : "");
	store_bind_int(q, 5, now + IDENTITY_PENDING_SECONDS);
	return store_exec(q, d, "recording the pending login");
}

steer_rc identity_pending_take(store_t *s, const char *state, bool *found, char **nonce, char **verifier,
			       char **next, diag_list_t *d)
{
	*found = false;
	*nonce = *verifier = *next = NULL;
	store_query_t *q = store_query(s, "DELETE FROM oidc_pending WHERE state = ? RETURNING nonce, verifier, next, "
					  "expires_at");
	store_bind_text(q, 1, state ? state : "");
	if (store_next(q) && store_col_int(q, 3) > (long long)store_now(s)) {
		*found = true;
		*nonce = store_col_dup(q, 0);
		*verifier = store_col_dup(q, 1);
		*next = store_col_dup(q, 2);
	}
	steer_rc rc = store_end(q, d, "reading the pending login");
	if (rc) {
		*found = false;
		free(*nonce);
		free(*verifier);
		free(*next);
		*nonce = *verifier = *next = NULL;
	}
	return rc;
}

steer_rc identity_profile(store_t *s, long long user_id, identity_profile_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	store_query_t *q = store_query(s, "SELECT given_name, family_name, siret, organizational_unit, oidc_issuer"
					  " FROM \"user\" WHERE id = ?");
	store_bind_int(q, 1, user_id);
	if (store_next(q)) {
		out->given_name = store_col_null(q, 0) ? NULL : store_col_dup(q, 0);
		out->family_name = store_col_null(q, 1) ? NULL : store_col_dup(q, 1);
		out->siret = store_col_null(q, 2) ? NULL : store_col_dup(q, 2);
		out->organizational_unit = store_col_null(q, 3) ? NULL : store_col_dup(q, 3);
		out->issuer = store_col_null(q, 4) ? NULL : store_col_dup(q, 4);
	}
	return store_end(q, d, "reading the user");
}

void identity_profile_free(identity_profile_t *p)
{
	if (!p)
		return;
	free(p->given_name);
	free(p->family_name);
	free(p->siret);
	free(p->organizational_unit);
	free(p->issuer);
	memset(p, 0, sizeof *p);
}
