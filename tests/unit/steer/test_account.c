/* Tests for steer/account: adding users (validation, functions, last
 * admin), passwords (Argon2id verify, change closes sessions, length
 * limits at and past each bound), sessions
 * (token never stored, expiry, logout), api tokens, the login rate limit by
 * account and by address, the row version bumped on every assessment
 * change, and the edit rule by role and pilot function. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <time.h>

#include "steer/account.h"
#include "steer/assess.h"
#include "fixture.h"

static store_t *open_db(char **dir)
{
	*dir = fx_tmpdir();
	assert_non_null(*dir);
	assert_int_equal(account_init(), 0);
	return fx_store(*dir);
}

static void close_db(store_t *s, char *dir)
{
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void begin(store_t *s)
{
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	diag_list_free(&d);
}

static void test_add_validates(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	begin(s);
	const char *fn[] = {"direction generale"};
	assert_int_equal(account_add(s, "a@b.fr", ROLE_PILOTE, fn, 1, "long enough pw", &d), STEER_OK);
	assert_int_equal(account_add(s, "A@B.FR", ROLE_ADMIN, NULL, 0, "long enough pw", &d), STEER_REFUSED);
	assert_int_equal(account_add(s, "not an address", ROLE_ADMIN, NULL, 0, "long enough pw", &d), STEER_REFUSED);
	assert_int_equal(account_add(s, "c@b.fr", ROLE_ADMIN, NULL, 0, "short", &d), STEER_REFUSED);
	const char *nfd[] = {"DIRECTION GE\xCC\x81NE\xCC\x81RALE"};
	assert_int_equal(account_add(s, "e@b.fr", ROLE_PILOTE, nfd, 1, "long enough pw", &d), STEER_OK);
	const char *bad[] = {"Direction des achatz"};
	assert_int_equal(account_add(s, "d@b.fr", ROLE_PILOTE, bad, 1, "long enough pw", &d), STEER_REFUSED);
	assert_int_equal(account_add(s, "admin@localhost", ROLE_ADMIN, NULL, 0, "long enough pw", &d), STEER_OK);
	account_list_t l;
	assert_int_equal(account_list(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 3);
	assert_string_equal(l.items[0].email, "a@b.fr");
	assert_int_equal(l.items[0].nfunctions, 1);
	assert_string_equal(l.items[0].functions[0], "Direction générale"); /* the guide's spelling */
	assert_string_equal(l.items[2].email, "e@b.fr");
	assert_string_equal(l.items[2].functions[0], "Direction générale");
	account_list_free(&l);
	/* The last admin stays. */
	assert_int_equal(account_remove(s, "admin@localhost", &d), STEER_REFUSED);
	assert_int_equal(account_remove(s, "a@b.fr", &d), STEER_OK);
	assert_int_equal(account_remove(s, "a@b.fr", &d), STEER_REFUSED);
	store_rollback(s);
	diag_list_free(&d);
	close_db(s, dir);
}

static void test_login_session_logout(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	begin(s);
	assert_int_equal(account_add(s, "a@b.fr", ROLE_LECTEUR, NULL, 0, "correct horse", &d), STEER_OK);
	login_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t u;
	assert_int_equal(account_login(s, "a@b.fr", "wrong horse", "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_BAD);
	assert_int_equal(account_login(s, "nobody@b.fr", "correct horse", "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_BAD);
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	assert_int_equal(strlen(tok), 64);
	assert_int_equal(strlen(u.csrf), 64);
	assert_string_not_equal(tok, u.csrf);
	char csrf[ACCOUNT_TOKEN_HEX];
	memcpy(csrf, u.csrf, sizeof csrf);
	account_free(&u);
	/* The database holds a hash, not the token. */
	store_query_t *q = store_query(s, "SELECT count(*) FROM session WHERE token_hash = ? OR hex(token_hash) = upper(?)");
	store_bind_text(q, 1, tok);
	store_bind_text(q, 2, tok);
	long long n = -1;
	assert_int_equal(store_scalar(q, -1, &n, &d, "counting"), STEER_OK);
	assert_int_equal(n, 0);
	bool found;
	assert_int_equal(account_session(s, tok, &found, &u, &d), STEER_OK);
	assert_true(found);
	assert_string_equal(u.email, "a@b.fr");
	assert_true(account_equal(u.csrf, csrf));
	account_free(&u);
	assert_int_equal(account_session(s, "zz", &found, &u, &d), STEER_OK);
	assert_false(found);
	/* Expired after ACCOUNT_SESSION_SECONDS. */
	time_t now = store_now(s);
	store_set_now(s, now + ACCOUNT_SESSION_SECONDS + 1);
	assert_int_equal(account_session(s, tok, &found, &u, &d), STEER_OK);
	assert_false(found);
	store_set_now(s, now);
	assert_int_equal(account_logout(s, tok, &d), STEER_OK);
	assert_int_equal(account_session(s, tok, &found, &u, &d), STEER_OK);
	assert_false(found);
	/* A password change closes every session. */
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	account_free(&u);
	assert_int_equal(account_passwd(s, "a@b.fr", "battery staple", &d), STEER_OK);
	assert_int_equal(account_session(s, tok, &found, &u, &d), STEER_OK);
	assert_false(found);
	assert_int_equal(account_login(s, "a@b.fr", "battery staple", "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	/* Api tokens. */
	char api[ACCOUNT_TOKEN_HEX];
	long long until = 0;
	assert_int_equal(account_new_api_token(s, "a@b.fr", 0, api, &until, &d), STEER_OK);
	assert_int_equal(until, (long long)store_now(s) + ACCOUNT_TOKEN_DAYS * 86400LL);
	assert_int_equal(account_by_api_token(s, api, &found, &u, &d), STEER_OK);
	assert_true(found);
	assert_string_equal(u.csrf, "");
	account_free(&u);
	bool has = false;
	long long shown = 0;
	assert_int_equal(account_api_token_exists(s, "a@b.fr", &has, &shown, &d), STEER_OK);
	assert_true(has);
	assert_int_equal(shown, until);
	assert_int_equal(account_revoke_api_token(s, "a@b.fr", &d), STEER_OK);
	assert_int_equal(account_by_api_token(s, api, &found, &u, &d), STEER_OK);
	assert_false(found);
	assert_int_equal(account_api_token_exists(s, "a@b.fr", &has, NULL, &d), STEER_OK);
	assert_false(has);
	assert_int_equal(account_revoke_api_token(s, "a@b.fr", &d), STEER_OK); /* none left: fine */
	assert_int_equal(d.len, 0);
	assert_int_equal(account_revoke_api_token(s, "nobody@b.fr", &d), STEER_REFUSED);
	assert_int_equal(account_api_token_exists(s, "nobody@b.fr", &has, NULL, &d), STEER_REFUSED);
	assert_int_equal(d.len, 2);
	diag_list_free(&d);
	store_rollback(s);
	diag_list_free(&d);
	close_db(s, dir);
}

/* ACCOUNT_MIN_PASSWORD (characters) and ACCOUNT_MAX_PASSWORD (bytes): each bound
 * accepted, one byte past it refused with its message, for a new user and a
 * password change; a login with a longer password fails. */
static void test_password_limits(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	char pw[ACCOUNT_MAX_PASSWORD + 2];
	begin(s);
	memset(pw, 'p', ACCOUNT_MIN_PASSWORD - 1);
	pw[ACCOUNT_MIN_PASSWORD - 1] = '\0';
	assert_int_equal(account_add(s, "a@b.fr", ROLE_LECTEUR, NULL, 0, pw, &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "the password is too short (at least 10 characters)");
	diag_list_free(&d);
	memset(pw, 'p', ACCOUNT_MIN_PASSWORD);
	pw[ACCOUNT_MIN_PASSWORD] = '\0';
	assert_int_equal(account_add(s, "a@b.fr", ROLE_LECTEUR, NULL, 0, pw, &d), STEER_OK);
	memset(pw, 'q', ACCOUNT_MAX_PASSWORD + 1);
	pw[ACCOUNT_MAX_PASSWORD + 1] = '\0';
	assert_int_equal(account_add(s, "b@b.fr", ROLE_LECTEUR, NULL, 0, pw, &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "the password is too long (at most 1024 bytes)");
	diag_list_free(&d);
	assert_int_equal(account_passwd(s, "a@b.fr", pw, &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "the password is too long (at most 1024 bytes)");
	diag_list_free(&d);
	assert_int_equal(account_passwd(s, "a@b.fr", "ppppppppp", &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "the password is too short (at least 10 characters)");
	diag_list_free(&d);
	account_list_t l;
	assert_int_equal(account_list(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 1); /* b@b.fr was not added */
	account_list_free(&l);
	login_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t u;
	/* The 10-byte password still works: the refused changes changed nothing. */
	assert_int_equal(account_login(s, "a@b.fr", "pppppppppp", "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	pw[ACCOUNT_MAX_PASSWORD] = '\0'; /* 1024 bytes */
	assert_int_equal(account_passwd(s, "a@b.fr", pw, &d), STEER_OK);
	assert_int_equal(account_login(s, "a@b.fr", pw, "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	pw[ACCOUNT_MAX_PASSWORD] = 'q'; /* 1025 bytes, the first 1024 right */
	assert_int_equal(account_login(s, "a@b.fr", pw, "10.0.0.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_BAD);
	/* The minimum counts characters: nine two-byte letters are too few,
	 * ten are enough. */
	assert_int_equal(account_passwd(s, "a@b.fr", "ééééééééé", &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "the password is too short (at least 10 characters)");
	diag_list_free(&d);
	assert_int_equal(account_passwd(s, "a@b.fr", "éééééééééé", &d), STEER_OK);
	/* Control characters have their own message. */
	assert_int_equal(account_passwd(s, "a@b.fr", "line\nbreak pw", &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "the password is not UTF-8 text or holds control characters");
	store_rollback(s);
	diag_list_free(&d);
	close_db(s, dir);
}

/* A token stops at its expiry, lasts what was asked (1 to
 * ACCOUNT_MAX_TOKEN_DAYS days), and dies with a password change or reset:
 * whoever knew the old password may have made it (issue 10, finding 1). */
static void test_api_token_lifetime(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	begin(s);
	assert_int_equal(account_add(s, "a@b.fr", ROLE_PILOTE, NULL, 0, "correct horse", &d), STEER_OK);
	char api[ACCOUNT_TOKEN_HEX];
	bool found = false;
	account_t u;
	long long until = 0;
	time_t now = store_now(s);
	assert_int_equal(account_new_api_token(s, "a@b.fr", 1, api, &until, &d), STEER_OK);
	assert_int_equal(until, (long long)now + 86400);
	store_set_now(s, now + 86400 - 1);
	assert_int_equal(account_by_api_token(s, api, &found, &u, &d), STEER_OK);
	assert_true(found);
	account_free(&u);
	store_set_now(s, now + 86400);
	assert_int_equal(account_by_api_token(s, api, &found, &u, &d), STEER_OK);
	assert_false(found);
	store_set_now(s, now);
	/* The bounds. */
	assert_int_equal(account_new_api_token(s, "a@b.fr", ACCOUNT_MAX_TOKEN_DAYS, api, &until, &d), STEER_OK);
	assert_int_equal(until, (long long)now + ACCOUNT_MAX_TOKEN_DAYS * 86400LL);
	assert_int_equal(d.len, 0);
	assert_int_equal(account_new_api_token(s, "a@b.fr", ACCOUNT_MAX_TOKEN_DAYS + 1, api, &until, &d), STEER_REFUSED);
	assert_int_equal(account_new_api_token(s, "a@b.fr", -1, api, &until, &d), STEER_REFUSED);
	assert_int_equal(d.len, 2);
	assert_non_null(strstr(d.items[0].msg, "more than 366"));
	diag_list_free(&d);
	/* A password change, by the user or an admin, revokes it. */
	assert_int_equal(account_new_api_token(s, "a@b.fr", 0, api, NULL, &d), STEER_OK);
	assert_int_equal(account_by_api_token(s, api, &found, &u, &d), STEER_OK);
	assert_true(found);
	account_free(&u);
	assert_int_equal(account_passwd(s, "a@b.fr", "battery staple", &d), STEER_OK);
	assert_int_equal(account_by_api_token(s, api, &found, &u, &d), STEER_OK);
	assert_false(found);
	bool has = true;
	assert_int_equal(account_api_token_exists(s, "a@b.fr", &has, NULL, &d), STEER_OK);
	assert_false(has);
	assert_int_equal(d.len, 0);
	store_rollback(s);
	close_db(s, dir);
}

/* Migration 4: a token made before tokens expired keeps working for
 * ACCOUNT_TOKEN_DAYS after the upgrade, then stops. */
static void test_token_migration(void **state)
{
	(void)state;
	assert_int_equal(account_init(), 0);
	char *dir = fx_tmpdir();
	char *path = fs_join(dir, "v3.db");
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s;
	assert_int_equal(store_open_version(path, STORE_CREATE, 3, &s, &d), STEER_OK);
	begin(s);
	/* The account as a release of schema 3 wrote it (today's account_add
	 * writes today's schema). */
	const char *token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	unsigned char hash[32];
	crypto_generichash(hash, 32, (const unsigned char *)token, 64, NULL, 0);
	store_query_t *q = store_query(s, "INSERT INTO user(email, role, pwhash, created_at) "
					  "VALUES ('a@b.fr', 'lecteur', 'x', '2026-03-15T10:00:00Z')");
	assert_int_equal(store_exec(q, &d, "adding the account"), STEER_OK);
	q = store_query(s, "UPDATE user SET api_hash = ? WHERE email = 'a@b.fr'");
	store_bind_blob(q, 1, hash, sizeof hash);
	assert_int_equal(store_exec(q, &d, "setting the token"), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	store_close(s);
	assert_int_equal(store_open(path, 0, &s, &d), STEER_OK);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	time_t now = time(NULL);
	store_set_now(s, now);
	begin(s);
	bool found = false, has = false;
	long long until = 0;
	account_t u;
	assert_int_equal(account_by_api_token(s, token, &found, &u, &d), STEER_OK);
	assert_true(found);
	account_free(&u);
	assert_int_equal(account_api_token_exists(s, "a@b.fr", &has, &until, &d), STEER_OK);
	assert_true(has);
	assert_in_range(until, (long long)now + ACCOUNT_TOKEN_DAYS * 86400LL - 60, (long long)now + ACCOUNT_TOKEN_DAYS * 86400LL + 60);
	store_set_now(s, (time_t)until);
	assert_int_equal(account_by_api_token(s, token, &found, &u, &d), STEER_OK);
	assert_false(found);
	assert_int_equal(d.len, 0);
	store_rollback(s);
	store_close(s);
	fs_remove_tree(dir);
	free(path);
	free(dir);
}

/* Failures lock an (account, address) pair at ACCOUNT_MAX_FAILURES and an
 * address at ACCOUNT_MAX_ADDRESS_FAILURES; by account alone they only delay:
 * anyone can fail logins for anyone, and must not lock them out (issue 10,
 * finding 6). */
static void test_rate_limit(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	begin(s);
	assert_int_equal(account_add(s, "a@b.fr", ROLE_LECTEUR, NULL, 0, "correct horse", &d), STEER_OK);
	assert_int_equal(account_add(s, "b@b.fr", ROLE_LECTEUR, NULL, 0, "correct horse", &d), STEER_OK);
	login_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t u;
	unsigned delay = 1;
	/* One short of the limit, the right password still opens a session,
	 * without delay. */
	for (int i = 0; i < ACCOUNT_MAX_FAILURES - 1; i++) {
		assert_int_equal(account_login(s, "a@b.fr", "wrong", "10.0.1.1", &res, tok, &u, &d), STEER_OK);
		assert_int_equal(res, LOGIN_BAD);
	}
	assert_int_equal(account_login_delay(s, "a@b.fr", &delay, &d), STEER_OK);
	assert_int_equal(delay, 0);
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.9.9.8", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	/* The fifth failure from 10.0.1.1 locks that address out of that
	 * account, right password or not... */
	assert_int_equal(account_login(s, "a@b.fr", "wrong", "10.0.1.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_BAD);
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.0.1.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_LIMITED);
	/* ...but not out of another account... */
	assert_int_equal(account_login(s, "b@b.fr", "correct horse", "10.0.1.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	/* ...and the owner, from an address that has not failed, gets in, after
	 * a delay that grows with the account's failures. */
	assert_int_equal(account_login_delay(s, "a@b.fr", &delay, &d), STEER_OK);
	assert_int_equal(delay, ACCOUNT_FAILURE_DELAY_MS);
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.9.9.9", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	/* Failures spread over many addresses never lock the account. */
	for (int i = 0; i < 20; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.0.0.%d", i);
		assert_int_equal(account_login(s, "a@b.fr", "wrong", addr, &res, tok, &u, &d), STEER_OK);
		assert_int_equal(res, LOGIN_BAD);
	}
	assert_int_equal(account_login_delay(s, "a@b.fr", &delay, &d), STEER_OK);
	assert_int_equal(delay, ACCOUNT_MAX_DELAY_MS);
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.9.9.7", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	/* The delay doubles per failure past the limit: 6 failures, twice (a
	 * refused attempt is not a failure: the sixth from one address is not
	 * counted). */
	assert_int_equal(account_login_delay(s, "b@b.fr", &delay, &d), STEER_OK);
	assert_int_equal(delay, 0);
	for (int i = 0; i < ACCOUNT_MAX_FAILURES + 1; i++)
		account_login(s, "b@b.fr", "wrong", "10.3.3.3", &res, tok, &u, &d);
	assert_int_equal(res, LOGIN_LIMITED);
	account_login(s, "b@b.fr", "wrong", "10.3.3.4", &res, tok, &u, &d);
	assert_int_equal(res, LOGIN_BAD);
	assert_int_equal(account_login_delay(s, "b@b.fr", &delay, &d), STEER_OK);
	assert_int_equal(delay, 2 * ACCOUNT_FAILURE_DELAY_MS);
	/* An address failing for many accounts is locked for all, at its own
	 * limit. */
	for (int i = 0; i < ACCOUNT_MAX_ADDRESS_FAILURES - 1; i++) {
		char who[32];
		snprintf(who, sizeof who, "n%d@b.fr", i);
		account_login(s, who, "wrong", "10.1.1.1", &res, tok, &u, &d);
		assert_int_equal(res, LOGIN_BAD);
	}
	assert_int_equal(account_login(s, "b@b.fr", "correct horse", "10.1.1.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	account_login(s, "nobody@b.fr", "wrong", "10.1.1.1", &res, tok, &u, &d);
	assert_int_equal(account_login(s, "b@b.fr", "correct horse", "10.1.1.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_LIMITED);
	/* The window passes. */
	store_set_now(s, store_now(s) + ACCOUNT_FAILURE_WINDOW + 1);
	assert_int_equal(account_login(s, "a@b.fr", "correct horse", "10.0.1.1", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&u);
	assert_int_equal(account_login_delay(s, "a@b.fr", &delay, &d), STEER_OK);
	assert_int_equal(delay, 0);
	assert_int_equal(d.len, 0);
	store_rollback(s);
	diag_list_free(&d);
	close_db(s, dir);
}

static long long row_version(store_t *s, const char *idbp)
{
	diag_list_t d = DIAG_LIST_INIT;
	assessment_t a;
	assert_int_equal(assess_get(s, idbp, 1, &a, &d), STEER_OK);
	long long v = a.version;
	assessment_free(&a);
	diag_list_free(&d);
	return v;
}

static void test_row_version_and_edit_rule(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	begin(s);
	long long v0 = row_version(s, "a.1");
	assess_change_t c;
	memset(&c, 0, sizeof c);
	c.status = "en cours";
	assert_int_equal(assess_set(s, "a.1", &c, NULL, &d), STEER_OK);
	long long v1 = row_version(s, "a.1");
	assert_true(v1 > v0);
	const char *ev[] = {"https://example.org/preuve"};
	memset(&c, 0, sizeof c);
	c.add_evidence = ev;
	c.nadd = 1;
	assert_int_equal(assess_set(s, "a.1", &c, NULL, &d), STEER_OK);
	assert_true(row_version(s, "a.1") > v1);
	assert_int_equal(row_version(s, "a.2"), v0);
	store_rollback(s);

	account_t a;
	memset(&a, 0, sizeof a);
	char *fns[] = {"Direction générale"};
	a.functions = fns;
	a.nfunctions = 1;
	a.role = ROLE_PILOTE;
	assert_true(account_may_edit(&a, "direction generale"));
	/* decomposed (e + U+0301) or in capitals, it is the same function */
	assert_true(account_may_edit(&a, "Direction ge\xCC\x81ne\xCC\x81rale"));
	assert_true(account_may_edit(&a, "DIRECTION G\xC3\x89N\xC3\x89RALE"));
	assert_false(account_may_edit(&a, "Direction des achats"));
	assert_false(account_may_edit(&a, NULL));
	/* A pilote hands a practice only to one of its functions, never to
	 * nobody (issue 10, finding 7). */
	assert_true(account_may_set_pilot(&a, "Direction générale", NULL));
	assert_true(account_may_set_pilot(&a, "Direction générale", "DIRECTION GENERALE"));
	assert_false(account_may_set_pilot(&a, "Direction générale", ""));
	assert_false(account_may_set_pilot(&a, "Direction générale", "   "));
	assert_false(account_may_set_pilot(&a, "Direction générale", "Direction des achats"));
	assert_true(account_may_set_pilot(&a, "Direction des achats", "Direction des achats")); /* unchanged */
	a.role = ROLE_LECTEUR;
	assert_false(account_may_edit(&a, "Direction générale"));
	assert_false(account_may_set_pilot(&a, "Direction générale", "Direction générale"));
	a.role = ROLE_ADMIN;
	assert_true(account_may_edit(&a, NULL));
	assert_true(account_may_set_pilot(&a, "Direction générale", ""));
	assert_true(account_equal("abc", "abc"));
	assert_false(account_equal("abc", "abd"));
	assert_false(account_equal("abc", "abcd"));
	diag_list_free(&d);
	close_db(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_validates),
		cmocka_unit_test(test_login_session_logout),
		cmocka_unit_test(test_password_limits),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_api_token_lifetime),
		cmocka_unit_test(test_token_migration),
		cmocka_unit_test(test_row_version_and_edit_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
