/* oidc: the OpenID Connect relying party of the web app: the provider's
 * metadata and key set (discovered from the issuer, cached, the key set
 * fetched again once when a token names an unknown key), the authorization
 * request (code flow, PKCE S256, state and nonce from libsodium), and the
 * callback's work: the pending login taken from the database, the code
 * exchanged (client_secret_post or client_secret_basic), the ID token
 * verified (signature, iss, aud, azp, exp, iat, nonce), the userinfo read
 * as JSON or as a signed JWT; and the provider's logout URL. Which account
 * it leads to is steer/identity's. One oidc_t per server, shared by its
 * threads. */
#ifndef SOBRE_OIDC_H
#define SOBRE_OIDC_H

#include <stdbool.h>

#include "steer/identity.h"
#include "steer/store.h"
#include "util/buf.h"

/* Clocks differ: exp and iat are checked with this much slack (seconds). */
#define OIDC_LEEWAY 60
/* state, nonce and the PKCE verifier: random bytes, base64url (43
 * characters for 32 bytes, over the 32 the task asks and within PKCE's
 * 43 to 128). */
#define OIDC_RANDOM_BYTES 32

typedef struct {
	const char *issuer;        /* e.g. https://auth.agentconnect.gouv.fr/api/v2 */
	const char *client_id;
	const char *client_secret;
	const char *scopes;        /* space-separated, "openid" among them */
	const char *redirect_uri;  /* <base_url>/pilotage/oidc/retour */
	const char *post_logout_uri; /* <base_url>/pilotage/connexion */
} oidc_config_t;

typedef struct oidc oidc_t;

/* Copies cfg; fetches nothing yet (the provider may be down at start).
 * Caller frees with oidc_free. */
oidc_t *oidc_new(const oidc_config_t *cfg);
void oidc_free(oidc_t *o);

/* The issuer's origin (scheme://host[:port]): the pages' CSP lets forms
 * lead there (the login button and logout redirect to the provider). */
const char *oidc_origin(const oidc_t *o);

/* Starts a login: records a pending login in s (write transaction) with
 * next (the page to return to), and writes the provider's authorization URL
 * into url and the state into state (for the browser's cookie). -1 with why
 * when the provider cannot be reached or s cannot be written. */
int oidc_start(oidc_t *o, store_t *s, const char *next, buf_t *url, char state[64], buf_t *why);

/* What the provider vouched for, owned (oidc_identity_free). */
typedef struct {
	char *issuer, *subject, *email, *given_name, *family_name, *siret, *organizational_unit;
	char *id_token;
	char *next;
} oidc_identity_t;
void oidc_identity_free(oidc_identity_t *id);
/* The claims as steer/identity takes them (borrowed from id). */
identity_claims_t oidc_identity_claims(const oidc_identity_t *id);

typedef enum {
	OIDC_OK,
	OIDC_BAD_STATE,   /* unknown, used or expired state: nothing asked of the provider */
	OIDC_REFUSED,     /* the provider's answer or token does not hold: why says what */
	OIDC_UNREACHABLE, /* the provider did not answer usably */
	OIDC_IO,          /* the database */
} oidc_rc;

/* The callback: takes the pending login of state from s (write
 * transaction), exchanges code, checks the tokens and reads the userinfo.
 * On OIDC_OK out is filled. now: the clock for exp and iat. */
oidc_rc oidc_finish(oidc_t *o, store_t *s, const char *state, const char *code, long long now, oidc_identity_t *out,
		    buf_t *why);

/* The provider's logout URL for a session opened with id_token into url;
 * false (url untouched) when the provider has no end_session_endpoint or
 * cannot be reached. */
bool oidc_logout_url(oidc_t *o, const char *id_token, buf_t *url);

#endif
