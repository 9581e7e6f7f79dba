/* Tests for the scoped roles of steer/account: a role holds on its
 * perimeter and below (issue 12, §3). Accounts added on a perimeter by name
 * (unknown and archived ones refused, the root stored as "everywhere"),
 * read back by list, login and session; then, on a tree of three levels,
 * what each role may read, edit, snapshot and administer in every scope,
 * and the last admin of the root kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "steer/account.h"
#include "steer/perimeter.h"
#include "fixture.h"

#define PW "long enough pw"

/* Ville (the root) > DSI > Web, RH; Ville > Culture; Ville > Ancien
 * (archived). */
static store_t *open_tree(char **dir)
{
	*dir = fx_tmpdir();
	assert_non_null(*dir);
	assert_int_equal(account_init(), 0);
	store_t *s = fx_store(*dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(perimeter_name_root(s, "Ville", &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "DSI", NULL, "direction", &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Web", "DSI", NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "RH", "DSI", NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Culture", NULL, NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Ancien", NULL, NULL, &d), STEER_OK);
	assert_int_equal(perimeter_archive(s, "Ancien", &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	diag_list_free(&d);
	return s;
}

static void close_tree(store_t *s, char *dir)
{
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* Sets the store's scope to the perimeter named name. */
static void scope(store_t *s, const char *name)
{
	diag_list_t d = DIAG_LIST_INIT;
	long long id;
	assert_int_equal(perimeter_find(s, name, &id, &d), STEER_OK);
	store_set_scope(s, id, 1);
	diag_list_free(&d);
}

/* The account of email as its session gives it, placed in the scope of
 * perimeter name. */
static void session_in(store_t *s, const char *email, const char *name, account_t *a)
{
	diag_list_t d = DIAG_LIST_INIT;
	login_result_t res;
	char tok[ACCOUNT_TOKEN_HEX];
	account_t first;
	assert_int_equal(account_login(s, email, PW, "192.0.2.1", &res, tok, &first, &d), STEER_OK);
	assert_int_equal(res, LOGIN_OK);
	account_free(&first);
	bool found;
	assert_int_equal(account_session(s, tok, &found, a, &d), STEER_OK);
	assert_true(found);
	scope(s, name);
	assert_int_equal(account_locate(s, a, &d), STEER_OK);
	diag_list_free(&d);
}

static void test_add_on_a_perimeter(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_tree(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	const char *fn[] = {"Direction générale"};
	assert_int_equal(account_add_in(s, "web@b.fr", ROLE_PILOTE, "web", fn, 1, PW, &d), STEER_OK);
	assert_int_equal(account_add_in(s, "dsi@b.fr", ROLE_ADMIN, "DSI", NULL, 0, PW, &d), STEER_OK);
	/* The root named is the root: stored as everywhere, like no name. */
	assert_int_equal(account_add_in(s, "ville@b.fr", ROLE_LECTEUR, "Ville", NULL, 0, PW, &d), STEER_OK);
	assert_int_equal(d.len, 0);
	assert_int_equal(account_add_in(s, "x@b.fr", ROLE_LECTEUR, "Webb", NULL, 0, PW, &d), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "unknown-perimeter");
	assert_non_null(d.items[0].hint);
	assert_non_null(strstr(d.items[0].hint, "'Web'"));
	assert_int_equal(account_add_in(s, "y@b.fr", ROLE_LECTEUR, "Ancien", NULL, 0, PW, &d), STEER_REFUSED);
	assert_string_equal(d.items[1].rule, "archived-perimeter");
	account_list_t l;
	assert_int_equal(account_list(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 3);
	assert_string_equal(l.items[0].email, "dsi@b.fr");
	assert_string_equal(l.items[0].perimeter_name, "DSI");
	assert_true(l.items[0].perimeter > 1);
	assert_string_equal(l.items[1].email, "ville@b.fr");
	assert_int_equal(l.items[1].perimeter, 0);
	assert_null(l.items[1].perimeter_name);
	assert_string_equal(l.items[2].perimeter_name, "Web");
	account_list_free(&l);
	account_t a;
	session_in(s, "web@b.fr", "Web", &a);
	assert_string_equal(a.perimeter_name, "Web");
	assert_true(a.in_scope);
	account_free(&a);
	char tok[ACCOUNT_TOKEN_HEX];
	assert_int_equal(account_new_api_token(s, "dsi@b.fr", 0, tok, NULL, &d), STEER_OK);
	bool found;
	assert_int_equal(account_by_api_token(s, tok, &found, &a, &d), STEER_OK);
	assert_true(found);
	assert_string_equal(a.perimeter_name, "DSI");
	/* Not placed yet: a scoped account may do nothing. */
	assert_false(a.in_scope);
	assert_false(account_may_read(&a));
	assert_false(account_may_edit(&a, "Direction générale"));
	account_free(&a);
	store_rollback(s);
	diag_list_free(&d);
	close_tree(s, dir);
}

/* What one account may do in each scope: read, edit a practice of its
 * function, snapshot, administer. */
struct expect {
	const char *scope;
	bool read, edit, snapshot;
};

/* The account of email as account_list reads it (what a session reads
 * too: test_add_on_a_perimeter), without a password hash per scope. */
static void account_of(store_t *s, const char *email, account_list_t *l, account_t **a)
{
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(account_list(s, l, &d), STEER_OK);
	*a = NULL;
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->items[i].email, email) == 0)
			*a = &l->items[i];
	assert_non_null(*a);
	diag_list_free(&d);
}

static void check_rules(store_t *s, const char *email, const struct expect *e, size_t n, bool administer)
{
	account_list_t l;
	account_t *p;
	account_of(s, email, &l, &p);
	for (size_t i = 0; i < n; i++) {
		diag_list_t d = DIAG_LIST_INIT;
		account_t a = *p;
		scope(s, e[i].scope);
		assert_int_equal(account_locate(s, &a, &d), STEER_OK);
		diag_list_free(&d);
		const char *where = e[i].scope;
		if (account_may_read(&a) != e[i].read || account_may_edit(&a, "Direction générale") != e[i].edit ||
		    account_may_set_pilot(&a, "Direction générale", "Direction générale") != e[i].edit ||
		    account_may_snapshot(&a) != e[i].snapshot || account_may_administer(&a) != administer)
			fail_msg("%s in %s: read %d edit %d snapshot %d administer %d", email, where, account_may_read(&a),
				 account_may_edit(&a, "Direction générale"), account_may_snapshot(&a),
				 account_may_administer(&a));
	}
	account_list_free(&l);
}

static void test_rules_by_scope(void **state)
{
	(void)state;
	char *dir;
	store_t *s = open_tree(&dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	const char *fn[] = {"Direction générale"};
	assert_int_equal(account_add(s, "root@b.fr", ROLE_ADMIN, NULL, 0, PW, &d), STEER_OK);
	assert_int_equal(account_add_in(s, "dsi-admin@b.fr", ROLE_ADMIN, "DSI", NULL, 0, PW, &d), STEER_OK);
	assert_int_equal(account_add_in(s, "web-pilote@b.fr", ROLE_PILOTE, "Web", fn, 1, PW, &d), STEER_OK);
	assert_int_equal(account_add_in(s, "dsi-lecteur@b.fr", ROLE_LECTEUR, "DSI", NULL, 0, PW, &d), STEER_OK);
	assert_int_equal(account_add(s, "pilote@b.fr", ROLE_PILOTE, fn, 1, PW, &d), STEER_OK);

	/* An admin of the root administers everything. */
	static const struct expect root[] = {
		{"Ville", true, true, true}, {"DSI", true, true, true}, {"Web", true, true, true},
		{"Culture", true, true, true}, {"Ancien", true, true, true},
	};
	check_rules(s, "root@b.fr", root, sizeof root / sizeof *root, true);
	/* An admin of DSI: DSI and below, nothing above or beside, and not the
	 * accounts, weights or guide of the whole database. */
	static const struct expect dsi[] = {
		{"Ville", false, false, false}, {"DSI", true, true, true}, {"Web", true, true, true},
		{"RH", true, true, true}, {"Culture", false, false, false},
	};
	check_rules(s, "dsi-admin@b.fr", dsi, sizeof dsi / sizeof *dsi, false);
	/* A pilote of Web may not write RH, its sibling, nor read it. */
	static const struct expect web[] = {
		{"Ville", false, false, false}, {"DSI", false, false, false}, {"Web", true, true, false},
		{"RH", false, false, false}, {"Culture", false, false, false},
	};
	check_rules(s, "web-pilote@b.fr", web, sizeof web / sizeof *web, false);
	/* A lecteur of DSI reads its subtree only, and writes nothing. */
	static const struct expect lect[] = {
		{"Ville", false, false, false}, {"DSI", true, false, false}, {"RH", true, false, false},
		{"Culture", false, false, false},
	};
	check_rules(s, "dsi-lecteur@b.fr", lect, sizeof lect / sizeof *lect, false);
	/* A pilote of the root, as before perimeters: its functions anywhere. */
	static const struct expect all[] = {
		{"Ville", true, true, false}, {"RH", true, true, false}, {"Culture", true, true, false},
	};
	check_rules(s, "pilote@b.fr", all, sizeof all / sizeof *all, false);

	/* Placed in one scope, then moved: account_locate again decides. */
	account_t a;
	session_in(s, "web-pilote@b.fr", "Web", &a);
	assert_true(account_may_edit(&a, "Direction générale"));
	scope(s, "RH");
	assert_int_equal(account_locate(s, &a, &d), STEER_OK);
	assert_false(account_may_edit(&a, "Direction générale"));
	account_free(&a);

	/* The admins of the root are the ones who manage accounts: the last
	 * one stays, whatever admins of perimeters there are; those go. */
	assert_int_equal(account_remove(s, "root@b.fr", &d), STEER_REFUSED);
	assert_non_null(strstr(d.items[d.len - 1].msg, "last admin"));
	assert_int_equal(account_remove(s, "dsi-admin@b.fr", &d), STEER_OK);
	store_rollback(s);
	diag_list_free(&d);
	close_tree(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_on_a_perimeter),
		cmocka_unit_test(test_rules_by_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
