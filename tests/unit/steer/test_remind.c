/* Tests for steer/remind: who gets what. On the fixture's guide (clock at
 * 2026-03-15): an overdue action, actions due tomorrow, within 7 and 30
 * days and later; the pilot through a user's functions, the owner through
 * their e-mail; nobody with nothing due; a claimed period not offered
 * again, a released one offered again; the opt-out; a perimeter outside a
 * user's role; the assignment outbox (one row per change, none for an
 * unchanged pilot) and its claims; the period keys; the texts (the French
 * headings, the links, a title with HTML escaped); and the unsubscribe
 * token every way of creating a user gives without SQLite's trigger. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "steer/account.h"
#include "steer/assess.h"
#include "steer/identity.h"
#include "steer/perimeter.h"
#include "steer/remind.h"
#include "fixture.h"

#define PW "long enough pw"

static void set(store_t *s, const char *idbp, const char *pilot, const char *owner, const char *due)
{
	diag_list_t d = DIAG_LIST_INIT;
	assess_change_t c;
	memset(&c, 0, sizeof c);
	c.pilot = pilot;
	c.owner = owner;
	c.due = due;
	c.status = "planifiée";
	assert_int_equal(assess_set(s, idbp, &c, NULL, &d), STEER_OK);
	diag_list_free(&d);
}

static store_t *setup_db(char **dir)
{
	*dir = fx_tmpdir();
	assert_int_equal(account_init(), 0);
	store_t *s = fx_store(*dir);
	diag_list_t d = DIAG_LIST_INIT;
	const char *dg[] = {"Direction générale"};
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(account_add(s, "dg@ville.fr", ROLE_PILOTE, dg, 1, PW, &d), STEER_OK);
	assert_int_equal(account_add(s, "bob@ville.fr", ROLE_PILOTE, NULL, 0, PW, &d), STEER_OK);
	assert_int_equal(account_add(s, "idle@ville.fr", ROLE_PILOTE, NULL, 0, PW, &d), STEER_OK);
	set(s, "a.1", "Direction générale", NULL, "2026-03-01"); /* overdue */
	set(s, "a.2", "Direction générale", "BOB@ville.fr", "2026-03-16"); /* tomorrow */
	set(s, "b.1", NULL, "bob@ville.fr", "2026-04-10");      /* within 30 days */
	assert_int_equal(store_commit(s, &d), STEER_OK);
	diag_list_free(&d);
	return s;
}

static const remind_digest_t *digest_of(const remind_digests_t *l, const char *email)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->items[i].email, email) == 0)
			return &l->items[i];
	return NULL;
}

static void test_who_gets_what(void **state)
{
	(void)state;
	char *dir;
	store_t *s = setup_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	remind_digests_t l;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(remind_digests(s, "weekly 2026-W11", &l, &d), STEER_OK);
	store_rollback(s);
	assert_int_equal(l.len, 2); /* idle@ has nothing due: no digest */
	assert_null(digest_of(&l, "idle@ville.fr"));
	const remind_digest_t *dg = digest_of(&l, "dg@ville.fr"), *bob = digest_of(&l, "bob@ville.fr");
	assert_non_null(dg);
	assert_non_null(bob);
	/* dg pilots a.1 (overdue) and a.2 (tomorrow), and their indicators
	 * wait for 2025-T4's values. */
	assert_int_equal(dg->items[0].kind, REMIND_OVERDUE);
	assert_string_equal(dg->items[0].idbp, "a.1");
	assert_string_equal(dg->items[0].path, "/pilotage/pratiques/a.1");
	assert_int_equal(dg->items[1].kind, REMIND_DUE_1);
	assert_string_equal(dg->items[1].idbp, "a.2");
	size_t inds = 0;
	for (size_t i = 0; i < dg->len; i++)
		if (dg->items[i].kind == REMIND_INDICATOR) {
			inds++;
			assert_non_null(strstr(dg->items[i].path, "#indicateurs"));
		}
	assert_int_equal(inds, 3);
	assert_string_equal(dg->quarter, "2025-T4");
	assert_int_equal(strlen(dg->token), 48);
	/* bob owns a.2 (e-mail in another case) and b.1 (within 30 days). */
	assert_int_equal(bob->items[0].kind, REMIND_DUE_1);
	assert_string_equal(bob->items[0].idbp, "a.2");
	assert_int_equal(bob->items[1].kind, REMIND_DUE_30);
	assert_string_equal(bob->items[1].idbp, "b.1");
	assert_string_not_equal(bob->token, dg->token);

	/* The texts. */
	remind_text_t t = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	remind_compose_digest(dg, "https://s.example.org", &t);
	assert_string_equal(buf_cstr(&t.subject), "Pilotage numérique responsable : 1 action en retard, 1 échéance "
						   "proche, 3 indicateurs à renseigner");
	assert_non_null(strstr(buf_cstr(&t.text), "Actions en retard (1)\n- a.1 Nommer un référent (échéance le 1er mars 2026)\n"
						  "  https://s.example.org/pilotage/pratiques/a.1\n"));
	assert_non_null(strstr(buf_cstr(&t.html), "<a href=\"https://s.example.org/pilotage/pratiques/a.1\">"));
	assert_non_null(strstr(buf_cstr(&t.unsubscribe), dg->token));
	remind_text_free(&t);

	/* Claimed: not offered again; released: offered again. */
	bool claimed = false;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(remind_claim_digest(s, dg->user_id, "weekly 2026-W11", &claimed, &d), STEER_OK);
	assert_true(claimed);
	assert_int_equal(remind_claim_digest(s, dg->user_id, "weekly 2026-W11", &claimed, &d), STEER_OK);
	assert_false(claimed);
	remind_digests_t again;
	assert_int_equal(remind_digests(s, "weekly 2026-W11", &again, &d), STEER_OK);
	assert_int_equal(again.len, 1);
	assert_string_equal(again.items[0].email, "bob@ville.fr");
	remind_digests_free(&again);
	assert_int_equal(remind_digests(s, "weekly 2026-W12", &again, &d), STEER_OK);
	assert_int_equal(again.len, 2);
	remind_digests_free(&again);
	assert_int_equal(remind_release_digest(s, dg->user_id, "weekly 2026-W11", &d), STEER_OK);
	assert_int_equal(remind_digests(s, "weekly 2026-W11", &again, &d), STEER_OK);
	assert_int_equal(again.len, 2);
	remind_digests_free(&again);
	/* Opted out: nothing. */
	assert_int_equal(remind_set_digest(s, "bob@ville.fr", false, &d), STEER_OK);
	assert_int_equal(remind_digests(s, "weekly 2026-W11", &again, &d), STEER_OK);
	assert_int_equal(again.len, 1);
	assert_string_equal(again.items[0].email, "dg@ville.fr");
	remind_digests_free(&again);
	/* The unsubscribe token finds its user, an unknown one no one. */
	bool found = true;
	char *who = NULL;
	assert_int_equal(remind_unsubscribe(s, "0123", true, &found, &who, &d), STEER_OK);
	assert_false(found);
	assert_null(who);
	assert_int_equal(remind_unsubscribe(s, dg->token, true, &found, &who, &d), STEER_OK);
	assert_true(found);
	assert_string_equal(who, "dg@ville.fr");
	free(who);
	assert_int_equal(remind_digests(s, "weekly 2026-W11", &again, &d), STEER_OK);
	assert_int_equal(again.len, 0);
	remind_digests_free(&again);
	store_rollback(s);
	remind_digests_free(&l);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_assignments(void **state)
{
	(void)state;
	char *dir;
	store_t *s = setup_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	remind_assignments_t l;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(remind_assignments(s, &l, &d), STEER_OK);
	/* a.1 and a.2 to dg (pilot), a.2 and b.1 to bob (owner, any case). */
	assert_int_equal(l.len, 4);
	assert_true(l.items[0].pilot);
	assert_string_equal(l.items[0].email, "dg@ville.fr");
	assert_string_equal(l.items[0].idbp, "a.1");
	assert_string_equal(l.items[0].path, "/pilotage/pratiques/a.1");
	remind_text_t t = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	remind_compose_assignment(&l.items[0], "https://s.example.org", &t);
	assert_string_equal(buf_cstr(&t.subject), "Vous êtes pilote de la pratique a.1");
	assert_non_null(strstr(buf_cstr(&t.text), "« Direction générale », qui est la vôtre"));
	remind_text_free(&t);
	bool claimed;
	assert_int_equal(remind_claim_assignment(s, l.items[0].assignment_id, l.items[0].user_id, &claimed, &d), STEER_OK);
	assert_true(claimed);
	/* The other three failed: kept for next time, the claimed one done. */
	long long failed[] = {l.items[1].assignment_id, l.items[2].assignment_id, l.items[3].assignment_id};
	assert_int_equal(remind_assignments_done(s, &l, failed, 3, &d), STEER_OK);
	remind_assignments_free(&l);
	assert_int_equal(remind_assignments(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 3);
	assert_int_equal(remind_assignments_done(s, &l, NULL, 0, &d), STEER_OK);
	remind_assignments_free(&l);
	assert_int_equal(remind_assignments(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 0);
	remind_assignments_free(&l);
	/* The same pilot saved again: no new assignment; a new owner: one. */
	set(s, "a.1", "Direction générale", NULL, "2026-03-01");
	set(s, "a.1", NULL, "bob@ville.fr", NULL);
	assert_int_equal(remind_assignments(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 1);
	assert_false(l.items[0].pilot);
	assert_string_equal(l.items[0].email, "bob@ville.fr");
	remind_assignments_free(&l);
	/* Opted out: not told. */
	assert_int_equal(remind_set_digest(s, "bob@ville.fr", false, &d), STEER_OK);
	assert_int_equal(remind_assignments(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 0);
	remind_assignments_free(&l);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_scope(void **state)
{
	(void)state;
	char *dir;
	store_t *s = setup_db(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	const char *dg[] = {"Direction générale"};
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Culture", NULL, NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Sport", NULL, NULL, &d), STEER_OK);
	assert_int_equal(perimeter_attach(s, "Culture", "gbpnr", &d), STEER_OK);
	assert_int_equal(perimeter_attach(s, "Sport", "gbpnr", &d), STEER_OK);
	assert_int_equal(account_add_in(s, "culture@ville.fr", ROLE_PILOTE, "Culture", dg, 1, PW, &d), STEER_OK);
	assert_int_equal(perimeter_scope(s, "Sport", NULL, &d), STEER_OK);
	set(s, "a.1", "Direction générale", NULL, "2026-03-02");
	assert_int_equal(perimeter_scope(s, "Culture", NULL, &d), STEER_OK);
	set(s, "a.1", "Direction générale", NULL, "2026-03-03");
	remind_digests_t l;
	assert_int_equal(remind_digests(s, "daily 2026-03-15", &l, &d), STEER_OK);
	const remind_digest_t *c = digest_of(&l, "culture@ville.fr"), *root = digest_of(&l, "dg@ville.fr");
	assert_non_null(c);
	assert_non_null(root);
	/* culture@ sees Culture's a.1 only; dg@ (the root) all three. */
	size_t overdue = 0;
	for (size_t i = 0; i < c->len; i++)
		if (c->items[i].kind == REMIND_OVERDUE) {
			overdue++;
			assert_string_equal(c->items[i].perimeter, "Culture");
			assert_string_equal(c->items[i].path, "/pilotage/pratiques/a.1?perimetre=Culture");
		}
	assert_int_equal(overdue, 1);
	overdue = 0;
	for (size_t i = 0; i < root->len; i++)
		overdue += root->items[i].kind == REMIND_OVERDUE;
	assert_int_equal(overdue, 3);
	remind_digests_free(&l);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_period_keys(void **state)
{
	(void)state;
	char k[32];
	setenv("TZ", "UTC", 1);
	tzset();
	remind_period_key(REMIND_WEEKLY, 1767182400, k); /* 2025-12-31: ISO week 1 of 2026 */
	assert_string_equal(k, "weekly 2026-W01");
	remind_period_key(REMIND_DAILY, 1767182400, k);
	assert_string_equal(k, "daily 2025-12-31");
	remind_period_key(REMIND_MONTHLY, 1767182400, k);
	assert_string_equal(k, "monthly 2025-12");
	assert_int_equal(remind_period_parse("weekly"), REMIND_WEEKLY);
	assert_int_equal(remind_period_parse("off"), REMIND_OFF);
	assert_int_equal(remind_period_parse("Weekly"), -1);
	assert_int_equal(remind_period_parse(NULL), -1);
}

/* The three INSERTs of a user bind the token themselves: a PostgreSQL
 * database has no such trigger. Here it is dropped first. */
static void test_token_without_trigger(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	assert_int_equal(account_init(), 0);
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "DROP TRIGGER user_unsubscribe_token"), &d, "test"), STEER_OK);
	assert_int_equal(perimeter_add(s, "DSI", NULL, NULL, &d), STEER_OK);
	assert_int_equal(account_add(s, "root@ville.fr", ROLE_ADMIN, NULL, 0, PW, &d), STEER_OK);
	assert_int_equal(account_add_in(s, "dsi@ville.fr", ROLE_PILOTE, "DSI", NULL, 0, PW, &d), STEER_OK);
	const char *domains[] = {"ville.fr"};
	const identity_rules_t lists = {IDENTITY_LISTS, domains, 1, NULL, 0};
	identity_claims_t c = {"https://idp", "sub-1", "oidc@ville.fr", NULL, NULL, NULL, NULL};
	identity_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t u;
	assert_int_equal(identity_login(s, &c, &lists, NULL, &res, tok, &u, &d), STEER_OK);
	assert_int_equal(res, IDENTITY_OK);
	account_free(&u);
	long long n = -1;
	assert_int_equal(store_scalar(store_query(s, "SELECT count(DISTINCT unsubscribe_token) FROM \"user\" "
						     "WHERE length(unsubscribe_token) = 48 AND unsubscribe_token NOT GLOB '*[^0-9a-f]*'"),
				      0, &n, &d, "test"),
			 STEER_OK);
	assert_int_equal(n, 3);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_who_gets_what),
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_period_keys),
		cmocka_unit_test(test_token_without_trigger),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
