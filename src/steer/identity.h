/* identity: the accounts' side of a login through an OpenID Connect
 * provider: which account the provider's claims name (by the (issuer,
 * subject) link once made, else by e-mail, then linked), whether a new one
 * may be created (the provisioning rules: e-mail domains, SIRETs), the
 * claims kept on the account (names, SIRET, organisational unit), and the
 * pending logins (state, nonce, PKCE verifier) kept in the database until
 * the provider sends the user back. The protocol itself is web/oidc's. */
#ifndef SOBRE_IDENTITY_H
#define SOBRE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/account.h"
#include "steer/store.h"
#include "util/diag.h"

/* A pending login is used within this many seconds or not at all: the
 * time to type a password at the provider, not a day later. */
#define IDENTITY_PENDING_SECONDS (10LL * 60)
/* A claim kept on the account longer than this is not a name or a SIRET:
 * it is cut rather than stored whole. */
#define IDENTITY_MAX_CLAIM 256

/* What the provider said about the user (all borrowed; NULL when absent). */
typedef struct {
	const char *issuer, *subject, *email;
	const char *given_name, *family_name; /* family_name: usual_name when given, else family_name */
	const char *siret, *organizational_unit;
} identity_claims_t;

typedef enum {
	IDENTITY_EXISTING, /* only accounts that exist log in */
	IDENTITY_LISTS,    /* also new lecteurs, when the domain or the SIRET is listed */
} identity_provision_t;

typedef struct {
	identity_provision_t mode;
	const char *const *domains; /* e-mail domains (case ignored) */
	size_t ndomains;
	const char *const *sirets;
	size_t nsirets;
} identity_rules_t;

typedef enum {
	IDENTITY_OK,
	IDENTITY_NO_ACCOUNT,  /* no account for the address, and provisioning is off */
	IDENTITY_NOT_ALLOWED, /* no account, and neither domain nor SIRET is listed */
	IDENTITY_LINKED_ELSEWHERE, /* the address's account is linked to another identity */
} identity_result_t;

/* Finds or creates the account of c (c->issuer, c->subject and c->email
 * required), refreshes its claims, links it, and opens a session keeping
 * id_token: token and out as account_login's, on IDENTITY_OK. Creation
 * and linking are logged in the history. Needs a write transaction. */
steer_rc identity_login(store_t *s, const identity_claims_t *c, const identity_rules_t *rules, const char *id_token,
			identity_result_t *result, char token[ACCOUNT_TOKEN_HEX], account_t *out, diag_list_t *d);

/* Whether email's domain is in the list (case ignored). */
bool identity_domain_listed(const char *email, const char *const *domains, size_t n);

/* Records a pending login, and sweeps expired ones. */
steer_rc identity_pending_add(store_t *s, const char *state, const char *nonce, const char *verifier,
			      const char *next, diag_list_t *d);
/* Takes (deletes) the pending login of state: *found false when unknown,
 * already used or expired; else nonce, verifier and next are set (the
 * caller frees them). Needs a write transaction. */
steer_rc identity_pending_take(store_t *s, const char *state, bool *found, char **nonce, char **verifier,
			       char **next, diag_list_t *d);

/* What the account's provider last said, for "Mon compte" (each NULL when
 * unknown; the caller frees them with identity_profile_free). */
typedef struct {
	char *given_name, *family_name, *siret, *organizational_unit, *issuer;
} identity_profile_t;
steer_rc identity_profile(store_t *s, long long user_id, identity_profile_t *out, diag_list_t *d);
void identity_profile_free(identity_profile_t *p);

#endif
