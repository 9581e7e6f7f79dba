/* account: the web app's users (e-mail, role, the perimeter the role holds
 * on, pilot functions, Argon2id password hash), their sessions and api
 * tokens (random 256-bit secrets of which the database keeps only a BLAKE2b
 * hash), the login rate limit, and the rules of what a user may do in the
 * store's scope (account_may_*). Requires account_init() once (libsodium)
 * before any other call. */
#ifndef SOBRE_ACCOUNT_H
#define SOBRE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/store.h"
#include "util/diag.h"

typedef enum { ROLE_ADMIN, ROLE_PILOTE, ROLE_LECTEUR, ROLE_COUNT } account_role_t;

/* "admin", "pilote", "lecteur"; account_role_parse returns -1 if none. */
const char *account_role_name(account_role_t r);
int account_role_parse(const char *s);

/* Initialises libsodium; returns -1 when it cannot (no entropy source). */
int account_init(void);

/* A session or api token as the browser holds it: 64 hex digits. */
#define ACCOUNT_TOKEN_HEX 65
/* Generated passwords: 20 characters from a 56-letter alphabet (~116 bits). */
#define ACCOUNT_PASSWORD_LEN 20
/* Passwords shorter than this are refused; longer than the max too (the
 * hash's cost does not depend on it, but a pasted document is a mistake). */
#define ACCOUNT_MIN_PASSWORD 10
#define ACCOUNT_MAX_PASSWORD 1024
/* A session lasts this long after login. */
#define ACCOUNT_SESSION_SECONDS (12LL * 3600)
/* Failed logins allowed in the window for one account from one address,
 * then that address's attempts on that account are refused whatever the
 * password. Anyone can fail logins for any account, so failures counted
 * per account alone never refuse: they only hold every answer for that
 * account back (ACCOUNT_FAILURE_DELAY_MS doubling with each failure past
 * ACCOUNT_MAX_FAILURES, at most ACCOUNT_MAX_DELAY_MS), which slows a
 * guesser spread over many addresses while its owner still gets in. */
#define ACCOUNT_MAX_FAILURES 5
/* Failed logins allowed from one address for all accounts together (an
 * office behind one address mistypes too): then it is refused for all. */
#define ACCOUNT_MAX_ADDRESS_FAILURES 20
#define ACCOUNT_FAILURE_WINDOW (15LL * 60)
#define ACCOUNT_FAILURE_DELAY_MS 500u
#define ACCOUNT_MAX_DELAY_MS 8000u
/* Api tokens last this many days unless another duration is asked for, and
 * at most the maximum: a token forgotten in a script stops on its own. */
#define ACCOUNT_TOKEN_DAYS 90
#define ACCOUNT_MAX_TOKEN_DAYS 366

/* A fresh random 256-bit value as 64 hex digits (CSRF tokens). */
void account_random_hex(char out[ACCOUNT_TOKEN_HEX]);

/* A new user's unsubscribe token (user.unsubscribe_token): 192 random bits
 * as 48 hex digits. Every INSERT of a user binds one, so that no database
 * engine has to make it; SQLite's trigger still fills a row inserted
 * without (schema 8). */
#define ACCOUNT_UNSUBSCRIBE_HEX 49
void account_unsubscribe_token(char out[ACCOUNT_UNSUBSCRIBE_HEX]);

/* Writes a random password of ACCOUNT_PASSWORD_LEN characters. */
void account_generate_password(char out[ACCOUNT_PASSWORD_LEN + 1]);

typedef struct {
	long long id;
	char *email;
	account_role_t role;
	char **functions; /* pilot functions a pilote may edit */
	size_t nfunctions;
	char *created_at;
	/* The role holds on this perimeter and everything below it: 0 for the
	 * root, the whole organisation (user.perimeter_id NULL); its name, NULL
	 * for the root. */
	long long perimeter;
	char *perimeter_name;
	/* Whether the store's scope is that perimeter or below it, as
	 * account_locate last found. False until then, so that an account
	 * limited to a perimeter may do nothing before it is placed; not read
	 * for the root's accounts. */
	bool in_scope;
	char csrf[ACCOUNT_TOKEN_HEX]; /* the session's CSRF token ("" for api tokens) */
} account_t;

typedef struct {
	account_t *items;
	size_t len;
} account_list_t;

void account_free(account_t *a);
void account_list_free(account_list_t *l);

/* Adds a user whose role holds on the whole organisation. Refuses a bad
 * e-mail, a taken one, a short password, an unknown role, functions unknown
 * to the database (with "did you mean"). Logged in the history. */
steer_rc account_add(store_t *s, const char *email, account_role_t role, const char *const *functions,
		     size_t nfunctions, const char *password, diag_list_t *d);
/* The same, the role holding on the perimeter named perimeter and below it
 * (NULL or the root's name: everywhere). Refuses an unknown perimeter (with
 * "did you mean") and an archived one. */
steer_rc account_add_in(store_t *s, const char *email, account_role_t role, const char *perimeter,
			const char *const *functions, size_t nfunctions, const char *password, diag_list_t *d);
/* Changes a password, closes every session of that user and revokes their
 * api token: whoever held the old password may have made one. */
steer_rc account_passwd(store_t *s, const char *email, const char *password, diag_list_t *d);
/* Removes a user with their sessions. Refuses to remove the last admin of
 * the root (the only ones who manage accounts). */
steer_rc account_remove(store_t *s, const char *email, diag_list_t *d);
steer_rc account_list(store_t *s, account_list_t *out, diag_list_t *d);
steer_rc account_count(store_t *s, size_t *n, diag_list_t *d);
/* A new api token for the user (replacing the previous one), hex, shown
 * once, valid for days (1 to ACCOUNT_MAX_TOKEN_DAYS; 0: ACCOUNT_TOKEN_DAYS);
 * *expires (may be NULL) gets the instant it stops working. */
steer_rc account_new_api_token(store_t *s, const char *email, int days, char token[ACCOUNT_TOKEN_HEX],
			       long long *expires, diag_list_t *d);
/* Whether the user has an api token, and until when it works (*expires,
 * may be NULL; in the past for an expired one). */
steer_rc account_api_token_exists(store_t *s, const char *email, bool *exists, long long *expires, diag_list_t *d);
/* Removes the user's api token: scripts using it get 401. Logged when there
 * was one. */
steer_rc account_revoke_api_token(store_t *s, const char *email, diag_list_t *d);

typedef enum {
	LOGIN_OK,
	LOGIN_BAD,     /* unknown e-mail or wrong password (not told apart) */
	LOGIN_LIMITED, /* too many failures: refused without checking */
} login_result_t;

/* How long the answer to a login attempt on email must be held back, from
 * the failures on that account in the window (see ACCOUNT_MAX_FAILURES).
 * Asked before the attempt, so that a right and a wrong password wait
 * alike. */
steer_rc account_login_delay(store_t *s, const char *email, unsigned *ms, diag_list_t *d);

/* Checks the credentials (in constant time as far as the e-mail goes: an
 * unknown one costs a hash too), records a failure, or opens a session:
 * token (for the cookie) and out (with its CSRF token) are filled on
 * LOGIN_OK. LOGIN_LIMITED when this address failed too often for this
 * account, or for all. Needs a write transaction. */
steer_rc account_login(store_t *s, const char *email, const char *password, const char *address,
		       login_result_t *result, char token[ACCOUNT_TOKEN_HEX], account_t *out, diag_list_t *d);
/* Opens a session for user id without a password, for a login its
 * identity provider vouched for (steer/identity); id_token (may be NULL)
 * is kept with it for the provider's logout. token and out as for
 * account_login. Needs a write transaction. */
steer_rc account_open_session(store_t *s, long long id, const char *id_token, char token[ACCOUNT_TOKEN_HEX],
			      account_t *out, diag_list_t *d);
/* The ID token a live session was opened with (*id_token NULL when none:
 * a password login); the caller frees it. */
steer_rc account_session_id_token(store_t *s, const char *token, char **id_token, diag_list_t *d);
/* The user of a live session token; *found false when unknown or expired. */
steer_rc account_session(store_t *s, const char *token, bool *found, account_t *out, diag_list_t *d);
/* The user of an api token that has not expired. */
steer_rc account_by_api_token(store_t *s, const char *token, bool *found, account_t *out, diag_list_t *d);
/* The number of sessions still live at store_now (metrics). */
steer_rc account_session_count(store_t *s, long long *n, diag_list_t *d);
/* Deletes the session (logout). Unknown tokens are fine. */
steer_rc account_logout(store_t *s, const char *token, diag_list_t *d);

/* Places a in the store's scope: a->in_scope gets whether the scope's
 * perimeter is a's perimeter or below it (always true for the root's
 * accounts). Call it again after the scope changes. */
steer_rc account_locate(store_t *s, account_t *a, diag_list_t *d);

/* The rules below hold in the scope a was last placed in (account_locate).
 * A role holds on its perimeter and below: outside it, a user may do
 * nothing, not even read. */

/* Whether a may read the scope's pages: the root's accounts everywhere,
 * the others in their perimeter's subtree only. */
bool account_may_read(const account_t *a);

/* Whether a may edit a practice piloted by pilot (may be NULL), in the
 * scope: admins always, pilotes when pilot is one of their functions (case
 * and accents ignored), lecteurs never; no one outside their subtree. */
bool account_may_edit(const account_t *a, const char *pilot);

/* Whether a may set the pilot of a practice piloted by current (may be
 * NULL) to wanted (NULL: the pilot is not being set), in the scope: admins
 * always; a pilote only to one of its own functions (or to the current
 * pilot, unchanged), never to nothing, which would leave the practice to no
 * one but an admin; lecteurs never; no one outside their subtree. */
bool account_may_set_pilot(const account_t *a, const char *current, const char *wanted);

/* Whether a may take a snapshot of the scope: admins within their subtree. */
bool account_may_snapshot(const account_t *a);

/* Whether a may change what belongs to the whole database (accounts, the
 * score's weights, the guide's version): admins of the root only, whatever
 * the scope. */
bool account_may_administer(const account_t *a);

/* Constant-time equality of two NUL-terminated strings. */
bool account_equal(const char *a, const char *b);

#endif
