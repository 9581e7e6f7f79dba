/* Tests for steer/identity: an existing account found by e-mail then by its
 * (issuer, subject) link after an address change; provisioning refused
 * (existing only, domain or SIRET not listed) and allowed (as lecteur, no
 * password that verifies); an address whose account is linked to another
 * identity; the claims kept and cut; pending logins used once and
 * expiring; the session's ID token. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <time.h>

#include "steer/account.h"
#include "steer/identity.h"
#include "fixture.h"

static store_t *open_db(char **dir)
{
	*dir = fx_tmpdir();
	assert_non_null(*dir);
	assert_int_equal(account_init(), 0);
	store_t *s = fx_store(*dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	diag_list_free(&d);
	return s;
}

static void close_db(store_t *s, char *dir)
{
	store_rollback(s);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static const identity_rules_t existing = {IDENTITY_EXISTING, NULL, 0, NULL, 0};

static void test_existing_linked(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(account_add(s, "marie@agence.gouv.fr", ROLE_PILOTE, NULL, 0, "long enough pw", &d), STEER_OK);
	identity_claims_t c = {"https://idp", "sub-1", "Marie@Agence.gouv.fr", "Marie", "Curie", "13002526500013",
			       "DINUM"};
	identity_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t u;
	assert_int_equal(identity_login(s, &c, &existing, "id.tok.en", &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_OK);
	assert_string_equal(u.email, "marie@agence.gouv.fr");
	assert_int_equal(u.role, ROLE_PILOTE);
	char *idt = NULL;
	assert_int_equal(account_session_id_token(s, tok, &idt, &d), STEER_OK);
	assert_string_equal(idt, "id.tok.en");
	free(idt);
	bool found = false;
	account_t v;
	assert_int_equal(account_session(s, tok, &found, &v, &d), STEER_OK);
	assert_true(found);
	account_free(&v);
	identity_profile_t p;
	assert_int_equal(identity_profile(s, u.id, &p, &d), STEER_OK);
	assert_string_equal(p.given_name, "Marie");
	assert_string_equal(p.siret, "13002526500013");
	assert_string_equal(p.organizational_unit, "DINUM");
	identity_profile_free(&p);
	long long id = u.id;
	account_free(&u);
	/* The provider now gives another address: the link finds the account. */
	c.email = "m.curie@agence.gouv.fr";
	c.siret = NULL;
	assert_int_equal(identity_login(s, &c, &existing, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_OK);
	assert_int_equal(u.id, id);
	account_free(&u);
	assert_int_equal(identity_profile(s, id, &p, &d), STEER_OK);
	assert_null(p.siret);
	identity_profile_free(&p);
	/* Another identity with the same address is refused. */
	c.subject = "sub-2";
	c.email = "marie@agence.gouv.fr";
	assert_int_equal(identity_login(s, &c, &existing, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_LINKED_ELSEWHERE);
	/* A password login still works for a linked account. */
	login_result_t lr;
	assert_int_equal(account_login(s, "marie@agence.gouv.fr", "long enough pw", "::1", &lr, tok, &u, &d), STEER_OK);
	assert_int_equal(lr, LOGIN_OK);
	assert_int_equal(account_session_id_token(s, tok, &idt, &d), STEER_OK);
	assert_null(idt);
	account_free(&u);
	diag_list_free(&d);
	close_db(s, dir);
}

static void test_provisioning(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	identity_claims_t c = {"https://idp", "sub-9", "paul@mairie.fr", "Paul", NULL, "21750001600019", NULL};
	identity_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t u;
	assert_int_equal(identity_login(s, &c, &existing, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_NO_ACCOUNT);
	const char *domains[] = {"agence.gouv.fr"}, *sirets[] = {"11111111111111"};
	identity_rules_t lists = {IDENTITY_LISTS, domains, 1, sirets, 1};
	assert_int_equal(identity_login(s, &c, &lists, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_NOT_ALLOWED);
	size_t n = 0;
	assert_int_equal(account_count(s, &n, &d), STEER_OK);
	assert_int_equal(n, 0);
	/* By SIRET. */
	sirets[0] = "21750001600019";
	assert_int_equal(identity_login(s, &c, &lists, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_OK);
	assert_int_equal(u.role, ROLE_LECTEUR);
	account_free(&u);
	/* No password opens it. */
	login_result_t lr;
	assert_int_equal(account_login(s, "paul@mairie.fr", "", "::1", &lr, tok, &u, &d), STEER_OK);
	assert_int_equal(lr, LOGIN_BAD);
	assert_int_equal(account_login(s, "paul@mairie.fr", "!", "::1", &lr, tok, &u, &d), STEER_OK);
	assert_int_equal(lr, LOGIN_BAD);
	/* By domain, case ignored; a long name is cut. */
	char longname[600];
	memset(longname, 'e', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	identity_claims_t c2 = {"https://idp", "sub-10", "jean@AGENCE.gouv.fr", longname, NULL, NULL, NULL};
	assert_int_equal(identity_login(s, &c2, &lists, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_OK);
	identity_profile_t p;
	assert_int_equal(identity_profile(s, u.id, &p, &d), STEER_OK);
	assert_int_equal(strlen(p.given_name), IDENTITY_MAX_CLAIM);
	identity_profile_free(&p);
	account_free(&u);
	/* No usable address. */
	c2.email = "not an address";
	assert_int_equal(identity_login(s, &c2, &lists, NULL, &res, tok, &u, &d), STEER_REFUSED);
	assert_false(identity_domain_listed("a@b.fr@agence.gouv.fr.evil", domains, 1));
	diag_list_free(&d);
	close_db(s, dir);
}

static void test_pending(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	time_t t0 = store_now(s);
	assert_int_equal(identity_pending_add(s, "state-a", "nonce-a", "verif-a", "/pilotage/plan", &d), STEER_OK);
	assert_int_equal(identity_pending_add(s, "state-b", "nonce-b", "verif-b", NULL, &d), STEER_OK);
	bool found;
	char *nonce, *verifier, *next;
	assert_int_equal(identity_pending_take(s, "state-a", &found, &nonce, &verifier, &next, &d), STEER_OK);
	assert_true(found);
	assert_string_equal(nonce, "nonce-a");
	assert_string_equal(verifier, "verif-a");
	assert_string_equal(next, "/pilotage/plan");
	free(nonce);
	free(verifier);
	free(next);
	/* Used once. */
	assert_int_equal(identity_pending_take(s, "state-a", &found, &nonce, &verifier, &next, &d), STEER_OK);
	assert_false(found);
	assert_int_equal(identity_pending_take(s, "nope", &found, &nonce, &verifier, &next, &d), STEER_OK);
	assert_false(found);
	/* Expired at 10 minutes. */
	store_set_now(s, t0 + IDENTITY_PENDING_SECONDS);
	assert_int_equal(identity_pending_take(s, "state-b", &found, &nonce, &verifier, &next, &d), STEER_OK);
	assert_false(found);
	assert_null(nonce);
	diag_list_free(&d);
	close_db(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_existing_linked),
		cmocka_unit_test(test_provisioning),
		cmocka_unit_test(test_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
