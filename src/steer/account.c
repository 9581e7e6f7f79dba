/* account: users, sessions, api tokens and the login rate limit on top of
 * the store (schema version 3). Secrets come from libsodium's
 * randombytes_buf; passwords are hashed with crypto_pwhash_str (Argon2id,
 * interactive limits); tokens are compared through their BLAKE2b hash. */
#include "steer/account.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "steer/catalog.h"
#include "steer/input.h"
#include "steer/perimeter.h"
#include "util/fold.h"
#include "util/suggest.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const char *const role_names[ROLE_COUNT] = {"admin", "pilote", "lecteur"};

const char *account_role_name(account_role_t r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int account_role_parse(const char *s)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (s && strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

int account_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void account_generate_password(char out[ACCOUNT_PASSWORD_LEN + 1])
{
	/* No 0/O, 1/l/I: the password is read off a terminal and typed. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i < ACCOUNT_PASSWORD_LEN; i++)
		out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
	out[ACCOUNT_PASSWORD_LEN] = '\0';
}

bool account_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	/* The length of a CSRF token is no secret; only the bytes need hiding. */
	return na == nb && sodium_memcmp(a, b, na) == 0;
}

/* A fresh 256-bit secret as hex, and its hash for the database. */
static void new_token(char hex[ACCOUNT_TOKEN_HEX], unsigned char hash[32])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, ACCOUNT_TOKEN_HEX, raw, sizeof raw);
	if (hash)
		crypto_generichash(hash, 32, (const unsigned char *)hex, 64, NULL, 0);
	sodium_memzero(raw, sizeof raw);
}

void account_random_hex(char out[ACCOUNT_TOKEN_HEX])
{
	new_token(out, NULL);
}

void account_unsubscribe_token(char out[ACCOUNT_UNSUBSCRIBE_HEX])
{
	unsigned char raw[(ACCOUNT_UNSUBSCRIBE_HEX - 1) / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, ACCOUNT_UNSUBSCRIBE_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

static bool hash_token(const char *hex, unsigned char hash[32])
{
	if (!hex || strlen(hex) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", hex[i]))
			return false;
	crypto_generichash(hash, 32, (const unsigned char *)hex, 64, NULL, 0);
	return true;
}

/* A login is an e-mail address; admin@localhost (no dot in the domain) is
 * accepted too since it is the default first admin. */
static bool valid_login(const char *email)
{
	if (!email || strlen(email) > INPUT_MAX_NAME || input_text_problem(email, INPUT_MAX_NAME, false))
		return false;
	if (input_email(email))
		return true;
	const char *at = strchr(email, '@');
	return at && at > email && at[1] && !strchr(at + 1, '@') && !strpbrk(email, " \t<>\"'");
}

#define STR_(x) #x
#define STR(x) STR_(x)

static steer_rc check_password(const char *pw, diag_list_t *d)
{
	/* The minimum counts characters, as users do ("éééééééééé" is 10); the
	 * maximum counts bytes, which is what hashing costs. */
	size_t n = pw ? strlen(pw) : 0;
	if (n > ACCOUNT_MAX_PASSWORD)
		return store_refuse(d, "user", NULL, "the password is too long (at most %s bytes)", STR(ACCOUNT_MAX_PASSWORD));
	if (n && input_text_problem(pw, ACCOUNT_MAX_PASSWORD, false))
		return store_refuse(d, "user", NULL, "the password is not UTF-8 text or holds control characters");
	if (utf8_length(pw ? pw : "", n) < ACCOUNT_MIN_PASSWORD)
		return store_refuse(d, "user", NULL, "the password is too short (at least %s characters)", STR(ACCOUNT_MIN_PASSWORD));
	return STEER_OK;
}

static steer_rc hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], diag_list_t *d)
{
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "user", "hashing the password failed (out of memory)");
		return STEER_IO;
	}
	return STEER_OK;
}

void account_free(account_t *a)
{
	if (!a)
		return;
	free(a->email);
	for (size_t i = 0; i < a->nfunctions; i++)
		free(a->functions[i]);
	free(a->functions);
	free(a->created_at);
	free(a->perimeter_name);
	memset(a, 0, sizeof *a);
}

void account_list_free(account_list_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		account_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

static steer_rc load_functions(store_t *s, account_t *a, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT name FROM user_function WHERE user_id = ? ORDER BY name");
	store_bind_int(q, 1, a->id);
	size_t cap = 0;
	while (store_next(q)) {
		a->functions = xgrow(a->functions, &cap, a->nfunctions + 1, sizeof *a->functions);
		a->functions[a->nfunctions++] = store_col_dup(q, 0);
	}
	return store_end(q, d, "reading the user's functions");
}

/* The columns fill_user reads, from user u LEFT JOIN perimeter p: a row's
 * perimeter is 0 and its name NULL for the root. */
#define USER_COLUMNS "u.id, u.email, u.role, u.created_at, coalesce(u.perimeter_id, 0), p.name"
#define USER_JOIN "\"user\" u LEFT JOIN perimeter p ON p.id = u.perimeter_id"

/* Fills a from a row starting with USER_COLUMNS. */
static void fill_user(const store_query_t *q, account_t *a)
{
	memset(a, 0, sizeof *a);
	a->id = store_col_int(q, 0);
	a->email = store_col_dup(q, 1);
	int r = account_role_parse(store_col_text(q, 2));
	a->role = r < 0 ? ROLE_LECTEUR : (account_role_t)r;
	a->created_at = store_col_dup(q, 3);
	a->perimeter = store_col_int(q, 4);
	a->perimeter_name = a->perimeter ? store_col_dup(q, 5) : NULL;
}

/* *id gets the user's id, 0 when there is none (e-mail compared as the
 * column's collation does: ASCII case ignored); *role (may be NULL) its
 * role, *root (may be NULL) whether it holds on the root. */
static steer_rc user_id(store_t *s, const char *email, long long *id, account_role_t *role, bool *root,
			diag_list_t *d)
{
	/* Without root, what schema 3 has too (test_account's migration). */
	store_query_t *q = root ? store_query(s, "SELECT id, role, perimeter_id IS NULL FROM \"user\" WHERE email = ?")
				: store_query(s, "SELECT id, role, 1 FROM \"user\" WHERE email = ?");
	store_bind_text(q, 1, email);
	*id = 0;
	if (store_next(q)) {
		*id = store_col_int(q, 0);
		if (role) {
			int r = account_role_parse(store_col_text(q, 1));
			*role = r < 0 ? ROLE_LECTEUR : (account_role_t)r;
		}
		if (root)
			*root = store_col_int(q, 2) != 0;
	}
	return store_end(q, d, "reading the user");
}

static steer_rc unknown_user(diag_list_t *d, const char *email)
{
	return store_refuse(d, "user", "see the users with: sobre user list", "no user '%s'", email);
}

steer_rc account_add(store_t *s, const char *email, account_role_t role, const char *const *functions,
		     size_t nfunctions, const char *password, diag_list_t *d)
{
	return account_add_in(s, email, role, NULL, functions, nfunctions, password, d);
}

steer_rc account_add_in(store_t *s, const char *email, account_role_t role, const char *perimeter,
			const char *const *functions, size_t nfunctions, const char *password, diag_list_t *d)
{
	char pwhash[crypto_pwhash_STRBYTES];
	char **pilots = NULL;
	size_t npilots = 0;
	long long pid = 1;
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	if (!valid_login(email))
		return store_refuse(d, "user", NULL, "'%s' is not an e-mail address", email ? email : "");
	if ((unsigned)role >= ROLE_COUNT)
		return store_refuse(d, "user", "roles: admin, pilote, lecteur", "unknown role");
	if ((rc = check_password(password, d)))
		return rc;
	if (perimeter && ((rc = perimeter_find(s, perimeter, &pid, d)) || (rc = perimeter_active(s, pid, perimeter, d))))
		return rc;
	long long existing;
	if ((rc = user_id(s, email, &existing, NULL, NULL, d)))
		return rc;
	if (existing > 0)
		return store_refuse(d, "user", "change its password with: sobre user passwd EMAIL", "user '%s' already exists",
			      email);
	if ((rc = catalog_pilots(s, &pilots, &npilots, d)))
		return rc;
	for (size_t i = 0; i < nfunctions; i++) {
		bool known = false;
		for (size_t j = 0; j < npilots && !known; j++)
			known = fold_equal(functions[i], pilots[j]);
		if (!known) {
			const char *near = suggest_closest(functions[i], (const char *const *)pilots, npilots);
			diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "user", "'%s' is not a pilot function of the guide",
					     functions[i]);
			if (near)
				diag_hint(x, "did you mean '%s'?", near);
			rc = STEER_REFUSED;
		}
	}
	if (rc)
		goto cleanup;
	if ((rc = hash_password(password, pwhash, d)))
		goto cleanup;
	char now[21], unsubscribe[ACCOUNT_UNSUBSCRIBE_HEX];
	store_timestamp(s, now);
	account_unsubscribe_token(unsubscribe);
	long long id;
	/* The root is NULL (the column's default): one spelling of
	 * "everywhere". */
	store_query_t *q = pid == 1 ? store_query(s, "INSERT INTO \"user\"(email, role, pwhash, created_at, unsubscribe_token) "
						     "VALUES (?, ?, ?, ?, ?) RETURNING id")
				    : store_query(s, "INSERT INTO \"user\"(email, role, pwhash, created_at, unsubscribe_token, "
						     "perimeter_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	store_bind_text(q, 1, email);
	store_bind_text(q, 2, account_role_name(role));
	store_bind_text(q, 3, pwhash);
	store_bind_text(q, 4, now);
	store_bind_text(q, 5, unsubscribe);
	if (pid != 1)
		store_bind_int(q, 6, pid);
	if ((rc = store_scalar(q, 0, &id, d, "adding the user")))
		goto cleanup;
	for (size_t i = 0; i < nfunctions; i++) {
		/* The guide's spelling, whatever was typed. */
		const char *name = functions[i];
		for (size_t j = 0; j < npilots; j++)
			if (fold_equal(functions[i], pilots[j]))
				name = pilots[j];
		/* A function given twice (in two spellings) is one. */
		q = store_query(s, "INSERT INTO user_function(user_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING");
		store_bind_int(q, 1, id);
		store_bind_text(q, 2, name);
		if ((rc = store_exec(q, d, "adding the user")))
			goto cleanup;
	}
	if (pid == 1) {
		rc = store_log_global(s, "user", NULL, email, d);
	} else {
		/* The perimeter as the tree spells it, whatever was typed. */
		q = store_query(s, "SELECT CAST(?1 AS TEXT) || ' in ' || name FROM perimeter WHERE id = ?2");
		store_bind_text(q, 1, email);
		store_bind_int(q, 2, pid);
		char *who = store_next(q) ? store_col_dup(q, 0) : NULL;
		if (!(rc = store_end(q, d, "reading the perimeter")))
			rc = store_log_global(s, "user", NULL, who, d);
		free(who);
	}
cleanup:
	sodium_memzero(pwhash, sizeof pwhash);
	for (size_t i = 0; i < npilots; i++)
		free(pilots[i]);
	free(pilots);
	return rc;
}

static steer_rc delete_sessions(store_t *s, long long id, diag_list_t *d)
{
	store_query_t *q = store_query(s, "DELETE FROM session WHERE user_id = ?");
	store_bind_int(q, 1, id);
	return store_exec(q, d, "closing the sessions");
}

steer_rc account_passwd(store_t *s, const char *email, const char *password, diag_list_t *d)
{
	char pwhash[crypto_pwhash_STRBYTES];
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	long long id;
	if ((rc = user_id(s, email, &id, NULL, NULL, d)))
		return rc;
	if (id <= 0)
		return unknown_user(d, email);
	if ((rc = check_password(password, d)) || (rc = hash_password(password, pwhash, d)))
		return rc;
	store_query_t *q = store_query(s, "UPDATE \"user\" SET pwhash = ? WHERE id = ?");
	store_bind_text(q, 1, pwhash);
	store_bind_int(q, 2, id);
	sodium_memzero(pwhash, sizeof pwhash);
	if ((rc = store_exec(q, d, "changing the password")) || (rc = delete_sessions(s, id, d)) ||
	    (rc = account_revoke_api_token(s, email, d)))
		return rc;
	return store_log_global(s, "user password", NULL, email, d);
}

steer_rc account_remove(store_t *s, const char *email, diag_list_t *d)
{
	account_role_t role = ROLE_LECTEUR;
	bool root = true;
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	long long id;
	if ((rc = user_id(s, email, &id, &role, &root, d)))
		return rc;
	if (id <= 0)
		return unknown_user(d, email);
	if (role == ROLE_ADMIN && root) {
		long long n;
		if ((rc = store_scalar(store_query(s, "SELECT count(*) FROM \"user\" WHERE role = 'admin' AND perimeter_id IS NULL"),
				       0, &n, d, "counting the admins")))
			return rc;
		if (n <= 1)
			return store_refuse(d, "user", "add another admin first", "'%s' is the last admin", email);
	}
	if ((rc = delete_sessions(s, id, d)))
		return rc;
	store_query_t *q = store_query(s, "DELETE FROM user_function WHERE user_id = ?");
	store_bind_int(q, 1, id);
	if ((rc = store_exec(q, d, "removing the user")))
		return rc;
	q = store_query(s, "DELETE FROM \"user\" WHERE id = ?");
	store_bind_int(q, 1, id);
	if ((rc = store_exec(q, d, "removing the user")))
		return rc;
	return store_log_global(s, "user", email, NULL, d);
}

steer_rc account_list(store_t *s, account_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	store_query_t *q = store_query(s, "SELECT " USER_COLUMNS " FROM " USER_JOIN " ORDER BY u.email");
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		fill_user(q, &out->items[out->len++]);
	}
	if ((rc = store_end(q, d, "reading the users")))
		return rc;
	for (size_t i = 0; i < out->len; i++)
		if ((rc = load_functions(s, &out->items[i], d)))
			return rc;
	return STEER_OK;
}

steer_rc account_count(store_t *s, size_t *n, diag_list_t *d)
{
	long long count;
	steer_rc rc = store_scalar(store_query(s, "SELECT count(*) FROM \"user\""), 0, &count, d, "counting the users");
	*n = (size_t)count;
	return rc;
}

steer_rc account_new_api_token(store_t *s, const char *email, int days, char token[ACCOUNT_TOKEN_HEX],
			       long long *expires, diag_list_t *d)
{
	unsigned char hash[32];
	token[0] = '\0';
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	if (days < 0 || days > ACCOUNT_MAX_TOKEN_DAYS)
		return store_refuse(d, "user", "a token lasts from 1 to " STR(ACCOUNT_MAX_TOKEN_DAYS) " days; make a new one when it ends",
			      "a token cannot last %s days", days < 0 ? "a negative number of" : "more than " STR(ACCOUNT_MAX_TOKEN_DAYS));
	long long id;
	if ((rc = user_id(s, email, &id, NULL, NULL, d)))
		return rc;
	if (id <= 0)
		return unknown_user(d, email);
	long long until = (long long)store_now(s) + (long long)(days ? days : ACCOUNT_TOKEN_DAYS) * 86400;
	new_token(token, hash);
	store_query_t *q = store_query(s, "UPDATE \"user\" SET api_hash = ?, api_expires_at = ? WHERE id = ?");
	store_bind_blob(q, 1, hash, sizeof hash);
	store_bind_int(q, 2, until);
	store_bind_int(q, 3, id);
	if (expires)
		*expires = until;
	if ((rc = store_exec(q, d, "saving the token")))
		return rc;
	return store_log_global(s, "user api token", NULL, email, d);
}

steer_rc account_api_token_exists(store_t *s, const char *email, bool *exists, long long *expires, diag_list_t *d)
{
	*exists = false;
	if (expires)
		*expires = 0;
	store_query_t *q = store_query(s, "SELECT api_hash IS NOT NULL, api_expires_at FROM \"user\" WHERE email = ?");
	store_bind_text(q, 1, email);
	bool found = store_next(q);
	if (found) {
		*exists = store_col_int(q, 0) != 0;
		if (expires)
			*expires = store_col_int(q, 1);
	}
	steer_rc rc = store_end(q, d, "reading the token");
	if (rc)
		return rc;
	return found ? STEER_OK : unknown_user(d, email);
}

steer_rc account_revoke_api_token(store_t *s, const char *email, diag_list_t *d)
{
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	long long id;
	if ((rc = user_id(s, email, &id, NULL, NULL, d)))
		return rc;
	if (id <= 0)
		return unknown_user(d, email);
	store_query_t *q = store_query(s, "UPDATE \"user\" SET api_hash = NULL, api_expires_at = NULL WHERE id = ? AND api_hash IS NOT NULL");
	store_bind_int(q, 1, id);
	if ((rc = store_exec(q, d, "removing the token")))
		return rc;
	if (store_changes(s) == 0)
		return STEER_OK; /* none to revoke: nothing to log */
	return store_log_global(s, "user api token", email, NULL, d);
}

/* *n gets the failures since `since` matching the query's keys (key2 may
 * be NULL for a query with one). */
static steer_rc count_failures(store_t *s, const char *sql, const char *key, const char *key2, long long since,
			       long long *n, diag_list_t *d)
{
	store_query_t *q = store_query(s, sql);
	store_bind_text(q, 1, key);
	if (key2)
		store_bind_text(q, 2, key2);
	store_bind_int(q, key2 ? 3 : 2, since);
	return store_scalar(q, 0, n, d, "reading the login failures");
}

/* A valid hash of a password nobody knows, verified when the e-mail is
 * unknown so that the answer takes as long as for a real account. */
static const char *dummy_hash(void)
{
	static char h[crypto_pwhash_STRBYTES];
	static int done;
	if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
		char tmp[crypto_pwhash_STRBYTES];
		char pw[ACCOUNT_PASSWORD_LEN + 1];
		account_generate_password(pw);
		if (crypto_pwhash_str(tmp, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0) {
			/* Two threads may compute it at once; both results are valid. */
			memcpy(h, tmp, sizeof h);
			__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
		}
	}
	return h;
}

steer_rc account_login_delay(store_t *s, const char *email, unsigned *ms, diag_list_t *d)
{
	*ms = 0;
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	long long since = (long long)store_now(s) - ACCOUNT_FAILURE_WINDOW;
	long long n;
	if ((rc = count_failures(s, "SELECT count(*) FROM login_failure WHERE email = ? AND at > ?", email ? email : "",
				 NULL, since, &n, d)))
		return rc;
	if (n < ACCOUNT_MAX_FAILURES)
		return STEER_OK;
	long long extra = n - ACCOUNT_MAX_FAILURES;
	unsigned long long delay = extra < 5 ? (unsigned long long)ACCOUNT_FAILURE_DELAY_MS << extra : ACCOUNT_MAX_DELAY_MS;
	*ms = delay < ACCOUNT_MAX_DELAY_MS ? (unsigned)delay : ACCOUNT_MAX_DELAY_MS;
	return STEER_OK;
}

steer_rc account_login(store_t *s, const char *email, const char *password, const char *address,
		       login_result_t *result, char token[ACCOUNT_TOKEN_HEX], account_t *out, diag_list_t *d)
{
	*result = LOGIN_BAD;
	memset(out, 0, sizeof *out);
	token[0] = '\0';
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	if (!email)
		email = "";
	if (!password)
		password = "";
	long long now = (long long)store_now(s);
	long long since = now - ACCOUNT_FAILURE_WINDOW;
	long long by_pair, by_addr;
	if ((rc = count_failures(s, "SELECT count(*) FROM login_failure WHERE email = ? AND address = ? AND at > ?", email,
				 address, since, &by_pair, d)) ||
	    (rc = count_failures(s, "SELECT count(*) FROM login_failure WHERE address = ? AND at > ?", address, NULL,
				 since, &by_addr, d)))
		return rc;
	if (by_pair >= ACCOUNT_MAX_FAILURES || by_addr >= ACCOUNT_MAX_ADDRESS_FAILURES) {
		*result = LOGIN_LIMITED;
		return STEER_OK;
	}
	store_query_t *q = store_query(s, "SELECT " USER_COLUMNS ", u.pwhash FROM " USER_JOIN " WHERE u.email = ?");
	store_bind_text(q, 1, email);
	char pwhash[crypto_pwhash_STRBYTES] = "";
	bool found = false;
	if (store_next(q)) {
		found = true;
		fill_user(q, out);
		const char *h = store_col_text(q, 6);
		if (h && strlen(h) < sizeof pwhash)
			memcpy(pwhash, h, strlen(h) + 1);
	}
	if ((rc = store_end(q, d, "reading the user"))) {
		account_free(out);
		sodium_memzero(pwhash, sizeof pwhash);
		return rc;
	}
	bool ok = strlen(password) <= ACCOUNT_MAX_PASSWORD &&
		  crypto_pwhash_str_verify(found ? pwhash : dummy_hash(), password, strlen(password)) == 0 && found;
	sodium_memzero(pwhash, sizeof pwhash);
	if (!ok) {
		account_free(out);
		q = store_query(s, "INSERT INTO login_failure(at, email, address) VALUES (?, ?, ?)");
		store_bind_int(q, 1, now);
		store_bind_text(q, 2, email);
		store_bind_text(q, 3, address);
		if ((rc = store_exec(q, d, "recording the login failure")))
			return rc;
		/* Keep the table small: only the window matters (and a failure to
		 * trim it can wait for the next attempt). */
		q = store_query(s, "DELETE FROM login_failure WHERE at < ?");
		store_bind_int(q, 1, since);
		store_exec(q, NULL, NULL);
		return STEER_OK;
	}
	if ((rc = load_functions(s, out, d)))
		goto fail;
	unsigned char hash[32];
	new_token(token, hash);
	new_token(out->csrf, NULL);
	q = store_query(s, "INSERT INTO session(token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
	store_bind_blob(q, 1, hash, sizeof hash);
	store_bind_int(q, 2, out->id);
	store_bind_text(q, 3, out->csrf);
	store_bind_int(q, 4, now);
	store_bind_int(q, 5, now + ACCOUNT_SESSION_SECONDS);
	if ((rc = store_exec(q, d, "opening the session")))
		goto fail;
	/* A success clears this address's failures on the account, not the
	 * others': a guesser elsewhere keeps what it has earned. Expired
	 * sessions go. Neither cleanup is worth refusing the login for. */
	q = store_query(s, "DELETE FROM login_failure WHERE email = ? AND address = ?");
	store_bind_text(q, 1, email);
	store_bind_text(q, 2, address);
	store_exec(q, NULL, NULL);
	q = store_query(s, "DELETE FROM session WHERE expires_at <= ?");
	store_bind_int(q, 1, now);
	store_exec(q, NULL, NULL);
	*result = LOGIN_OK;
	return STEER_OK;
fail:
	account_free(out);
	token[0] = '\0';
	return rc;
}

steer_rc account_open_session(store_t *s, long long id, const char *id_token, char token[ACCOUNT_TOKEN_HEX],
			      account_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	token[0] = '\0';
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	store_query_t *q = store_query(s, "SELECT " USER_COLUMNS " FROM " USER_JOIN " WHERE u.id = ?");
	store_bind_int(q, 1, id);
	bool found = store_next(q);
	if (found)
		fill_user(q, out);
	if ((rc = store_end(q, d, "reading the user")))
		goto fail;
	if (!found) {
		rc = store_refuse(d, "user", NULL, "no user with id %lld", id);
		goto fail;
	}
	if ((rc = load_functions(s, out, d)))
		goto fail;
	unsigned char hash[32];
	long long now = (long long)store_now(s);
	new_token(token, hash);
	new_token(out->csrf, NULL);
	q = store_query(s, "INSERT INTO session(token_hash, user_id, csrf, created_at, expires_at, id_token)"
			   " VALUES (?, ?, ?, ?, ?, ?)");
	store_bind_blob(q, 1, hash, sizeof hash);
	store_bind_int(q, 2, out->id);
	store_bind_text(q, 3, out->csrf);
	store_bind_int(q, 4, now);
	store_bind_int(q, 5, now + ACCOUNT_SESSION_SECONDS);
	if (id_token)
		store_bind_text(q, 6, id_token);
	else
		store_bind_null(q, 6);
	if ((rc = store_exec(q, d, "opening the session")))
		goto fail;
	q = store_query(s, "DELETE FROM session WHERE expires_at <= ?");
	store_bind_int(q, 1, now);
	store_exec(q, NULL, NULL);
	return STEER_OK;
fail:
	account_free(out);
	token[0] = '\0';
	return rc;
}

steer_rc account_session_id_token(store_t *s, const char *token, char **id_token, diag_list_t *d)
{
	*id_token = NULL;
	unsigned char hash[32];
	if (!token || !hash_token(token, hash))
		return STEER_OK;
	store_query_t *q = store_query(s, "SELECT id_token FROM session WHERE token_hash = ? AND expires_at > ?");
	store_bind_blob(q, 1, hash, sizeof hash);
	store_bind_int(q, 2, (long long)store_now(s));
	if (store_next(q) && !store_col_null(q, 0))
		*id_token = store_col_dup(q, 0);
	steer_rc rc = store_end(q, d, "reading the session");
	if (rc) {
		free(*id_token);
		*id_token = NULL;
	}
	return rc;
}

/* The user of a token; expiring: sql's second parameter is the clock. */
static steer_rc lookup(store_t *s, const char *sql, const char *token, bool expiring, bool *found, account_t *out,
		       diag_list_t *d)
{
	*found = false;
	memset(out, 0, sizeof *out);
	unsigned char hash[32];
	if (!hash_token(token, hash))
		return STEER_OK;
	store_query_t *q = store_query(s, sql);
	store_bind_blob(q, 1, hash, sizeof hash);
	if (expiring)
		store_bind_int(q, 2, (long long)store_now(s));
	if (store_next(q)) {
		fill_user(q, out);
		const char *csrf = store_col_text(q, 6);
		if (csrf && strlen(csrf) < sizeof out->csrf)
			memcpy(out->csrf, csrf, strlen(csrf) + 1);
		*found = true;
	}
	if (store_end(q, d, "reading the session")) {
		account_free(out);
		*found = false;
		return STEER_IO;
	}
	if (*found) {
		steer_rc rc = load_functions(s, out, d);
		if (rc) {
			account_free(out);
			*found = false;
			return rc;
		}
	}
	return STEER_OK;
}

steer_rc account_session(store_t *s, const char *token, bool *found, account_t *out, diag_list_t *d)
{
	return lookup(s,
		      "SELECT " USER_COLUMNS ", x.csrf FROM session x JOIN \"user\" u ON u.id = x.user_id"
		      " LEFT JOIN perimeter p ON p.id = u.perimeter_id WHERE x.token_hash = ? AND x.expires_at > ?",
		      token, true, found, out, d);
}

steer_rc account_by_api_token(store_t *s, const char *token, bool *found, account_t *out, diag_list_t *d)
{
	return lookup(s, "SELECT " USER_COLUMNS ", '' FROM " USER_JOIN " WHERE u.api_hash = ? AND u.api_expires_at > ?",
		      token, true, found, out, d);
}

steer_rc account_session_count(store_t *s, long long *n, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT count(*) FROM session WHERE expires_at > ?");
	store_bind_int(q, 1, store_now(s));
	return store_scalar(q, 0, n, d, "counting the sessions");
}

steer_rc account_logout(store_t *s, const char *token, diag_list_t *d)
{
	unsigned char hash[32];
	if (!hash_token(token, hash))
		return STEER_OK;
	store_query_t *q = store_query(s, "DELETE FROM session WHERE token_hash = ?");
	store_bind_blob(q, 1, hash, sizeof hash);
	return store_exec(q, d, "closing the session");
}

steer_rc account_locate(store_t *s, account_t *a, diag_list_t *d)
{
	a->in_scope = a->perimeter == 0;
	if (a->in_scope)
		return STEER_OK;
	return perimeter_within(s, store_perimeter(s), a->perimeter, &a->in_scope, d);
}

bool account_may_read(const account_t *a)
{
	return a->perimeter == 0 || a->in_scope;
}

bool account_may_edit(const account_t *a, const char *pilot)
{
	if (!account_may_read(a))
		return false;
	if (a->role == ROLE_ADMIN)
		return true;
	if (a->role != ROLE_PILOTE || !pilot || !*pilot)
		return false;
	for (size_t i = 0; i < a->nfunctions; i++)
		if (fold_equal(a->functions[i], pilot))
			return true;
	return false;
}

bool account_may_set_pilot(const account_t *a, const char *current, const char *wanted)
{
	if (!account_may_read(a))
		return false;
	if (a->role == ROLE_ADMIN || !wanted)
		return true;
	if (a->role != ROLE_PILOTE)
		return false;
	if (current && *current && fold_equal(current, wanted))
		return true;
	return account_may_edit(a, wanted);
}

bool account_may_snapshot(const account_t *a)
{
	return a->role == ROLE_ADMIN && account_may_read(a);
}

bool account_may_administer(const account_t *a)
{
	return a->role == ROLE_ADMIN && a->perimeter == 0;
}
