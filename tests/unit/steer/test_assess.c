/* Tests for the limits of steer/assess, each at the limit (accepted) and one
 * over (refused with its message, nothing kept once the caller rolls back):
 * ASSESS_MAX_EVIDENCE links per practice, INPUT_MAX_URL bytes per link; that
 * a change with several bad fields is refused with one diagnostic per field;
 * the refusal of a change made from a stale read (row version); and that
 * recording a pilot function already known gives its id and changes
 * nothing. The assessment rules themselves are tested in test_store.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "steer/assess.h"
#include "steer/catalog.h"
#include "steer/input.h"

static size_t evidence_of(store_t *s, const char *idbp)
{
	diag_list_t d = DIAG_LIST_INIT;
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, idbp, 0, &a, &d), STEER_OK);
	size_t n = a.nevidence;
	assessment_free(&a);
	store_rollback(s);
	diag_list_free(&d);
	return n;
}

/* Applies c to idbp in its own transaction, committed when accepted. */
static steer_rc apply(store_t *s, const char *idbp, const assess_change_t *c, diag_list_t *d)
{
	steer_rc rc = store_begin(s, true, d);
	if (!rc)
		rc = assess_set(s, idbp, c, NULL, d);
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, d);
	return rc;
}

static void test_evidence_limit(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	char urls[ASSESS_MAX_EVIDENCE + 2][64];
	const char *ptrs[ASSESS_MAX_EVIDENCE + 2];
	for (int i = 0; i < ASSESS_MAX_EVIDENCE + 2; i++) {
		snprintf(urls[i], sizeof urls[i], "https://intranet.example.org/preuve-%d.pdf", i);
		ptrs[i] = urls[i];
	}
	/* 51 at once: refused. */
	assess_change_t c = {.add_evidence = ptrs, .nadd = ASSESS_MAX_EVIDENCE + 1};
	assert_int_equal(apply(s, "a.1", &c, &d), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "too-much-evidence");
	assert_string_equal(d.items[0].msg, "practice a.1 would have 51 evidence links; the limit is 50");
	assert_non_null(d.items[0].hint);
	diag_list_free(&d);
	assert_int_equal(evidence_of(s, "a.1"), 0);
	/* 50: accepted. */
	c.nadd = ASSESS_MAX_EVIDENCE;
	assert_int_equal(apply(s, "a.1", &c, &d), STEER_OK);
	assert_int_equal(d.len, 0);
	assert_int_equal(evidence_of(s, "a.1"), ASSESS_MAX_EVIDENCE);
	/* Then one more: refused, the 50 stay as they were. */
	c.add_evidence = ptrs + ASSESS_MAX_EVIDENCE + 1;
	c.nadd = 1;
	assert_int_equal(apply(s, "a.1", &c, &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "practice a.1 would have 51 evidence links; the limit is 50");
	diag_list_free(&d);
	assert_int_equal(evidence_of(s, "a.1"), ASSESS_MAX_EVIDENCE);
	/* Removing one makes room for another. */
	assess_change_t swap = {
		.add_evidence = ptrs + ASSESS_MAX_EVIDENCE + 1, .nadd = 1, .remove_evidence = ptrs, .nremove = 1};
	assert_int_equal(apply(s, "a.1", &swap, &d), STEER_OK);
	assert_int_equal(evidence_of(s, "a.1"), ASSESS_MAX_EVIDENCE);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_evidence_url_limit(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	char url[INPUT_MAX_URL + 2];
	const char *ptr = url;
	snprintf(url, sizeof url, "https://intranet.example.org/");
	size_t n = strlen(url);
	memset(url + n, 'a', INPUT_MAX_URL - n);
	url[INPUT_MAX_URL] = '\0';
	assess_change_t c = {.add_evidence = &ptr, .nadd = 1};
	assert_int_equal(apply(s, "a.2", &c, &d), STEER_OK);
	assert_int_equal(evidence_of(s, "a.2"), 1);
	url[INPUT_MAX_URL] = 'b';
	url[INPUT_MAX_URL + 1] = '\0';
	assert_int_equal(apply(s, "a.2", &c, &d), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "bad-url");
	assert_string_equal(d.items[0].msg, "an evidence link is longer than 2048 bytes");
	assert_non_null(d.items[0].hint);
	assert_int_equal(evidence_of(s, "a.2"), 1);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_every_field_checked(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	const char *links[] = {"ftp://x.example.org/a", "https://ok.example.org/b", "pas un lien"};
	assess_change_t c = {.status = "finie", .owner = "alice@", .due = "31/02/2026", .comment = "ok",
			     .add_evidence = links, .nadd = 3};
	assert_int_equal(apply(s, "a.1", &c, &d), STEER_REFUSED);
	static const char *const rules[] = {"bad-status", "bad-owner", "bad-date", "bad-url", "bad-url"};
	assert_int_equal(d.len, sizeof rules / sizeof *rules);
	for (size_t i = 0; i < d.len; i++)
		assert_string_equal(d.items[i].rule, rules[i]);
	diag_list_free(&d);
	assert_int_equal(evidence_of(s, "a.1"), 0);
	/* 'non concernée' without a justification, and a bad date: both said. */
	assess_change_t c2 = {.status = "non concernee", .due = "demain"};
	assert_int_equal(apply(s, "a.1", &c2, &d), STEER_REFUSED);
	assert_int_equal(d.len, 2);
	assert_string_equal(d.items[0].rule, "bad-date");
	assert_string_equal(d.items[1].rule, "justification-required");
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static long long version_of(store_t *s, const char *idbp)
{
	diag_list_t d = DIAG_LIST_INIT;
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, idbp, 0, &a, &d), STEER_OK);
	long long v = a.version;
	assessment_free(&a);
	store_rollback(s);
	diag_list_free(&d);
	return v;
}

/* A change made against version N is refused once someone saved another
 * (the assessment or only its evidence), before anything else is checked,
 * naming who and when; against the current version it goes through, and
 * without check_version no version is compared. */
static void test_stale_version(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(version_of(s, "a.1"), 0);
	assess_change_t c = {.status = "planifiée", .check_version = true, .if_version = 0};
	assert_int_equal(apply(s, "a.1", &c, &d), STEER_OK);
	assert_int_equal(version_of(s, "a.1"), 1);
	/* Read at 0, saved after the change above: refused, its bad owner
	 * not even looked at, and nothing written. */
	store_set_now(s, 1773572400); /* an hour later */
	assess_change_t late = {.status = "en cours", .owner = "bad@", .check_version = true, .if_version = 0};
	assert_int_equal(apply(s, "a.1", &late, &d), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_true(assess_is_stale(&d));
	assert_string_equal(d.items[0].rule, ASSESS_STALE_RULE);
	assert_string_equal(d.items[0].msg, "practice a.1 is at version 1, not 0: last changed by test at 2026-03-15T10:00:00Z");
	assert_non_null(strstr(d.items[0].hint, "--if-version 1"));
	diag_list_free(&d);
	assert_int_equal(version_of(s, "a.1"), 1);
	/* Evidence moves the version too, and names its author. */
	store_set_actor(s, "paul");
	const char *ev[] = {"https://example.org/preuve"};
	assess_change_t add = {.add_evidence = ev, .nadd = 1, .check_version = true, .if_version = 1};
	assert_int_equal(apply(s, "a.1", &add, &d), STEER_OK);
	assert_int_equal(version_of(s, "a.1"), 2);
	late.owner = NULL;
	late.if_version = 1;
	assert_int_equal(apply(s, "a.1", &late, &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "practice a.1 is at version 2, not 1: last changed by paul at 2026-03-15T11:00:00Z");
	diag_list_free(&d);
	/* Any other value is stale too; the current one passes. */
	late.if_version = -1;
	assert_int_equal(apply(s, "a.1", &late, &d), STEER_REFUSED);
	assert_true(assess_is_stale(&d));
	diag_list_free(&d);
	late.if_version = 2;
	assert_int_equal(apply(s, "a.1", &late, &d), STEER_OK);
	assert_int_equal(version_of(s, "a.1"), 3);
	/* Without check_version, no comparison. */
	assess_change_t blind = {.status = "réalisée", .if_version = 0};
	assert_int_equal(apply(s, "a.1", &blind, &d), STEER_OK);
	assert_false(assess_is_stale(&d));
	/* A version never changed says so without naming anyone. */
	assess_change_t other = {.status = "réalisée", .check_version = true, .if_version = 7};
	assert_int_equal(apply(s, "b.1", &other, &d), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "practice b.1 is at version 0, not 7");
	diag_list_free(&d);
	/* Archived and stale: stale is said first, as the web form did. */
	static const char *const v2[] = {
		"a.1|Prioritaire|Facile|Nommer un référent|Direction générale|Référent nommé : oui / non",
		"a.2|Recommandée|Moyenne|Suivre les indicateurs|Direction générale;Direction du numérique|% des indicateurs suivis;Nombre de comités",
	};
	guide_t *g = fx_guide(dir, "v2", "v2", v2, 2);
	catalog_import_t res;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(catalog_import(s, g, "gbpnr", profile_builtin("gbpnr"), "v2", &res, &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	catalog_import_free(&res);
	guide_free(g);
	assert_int_equal(apply(s, "b.1", &other, &d), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, ASSESS_STALE_RULE);
	diag_list_free(&d);
	other.if_version = 0;
	assert_int_equal(apply(s, "b.1", &other, &d), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "archived-practice");
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* catalog_custom_pilot's upsert keeps the row it finds (its name, as
 * spelt there, and its origin). */
static void test_custom_pilot_known(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	long long first = 0, again = 0, guide = 0, n = -1;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(catalog_custom_pilot(s, "Mission RSE", &first, &d), STEER_OK);
	assert_int_equal(catalog_custom_pilot(s, "Mission RSE", &again, &d), STEER_OK);
	assert_true(first > 0);
	assert_int_equal(again, first);
	assert_int_equal(catalog_custom_pilot(s, "Direction générale", &guide, &d), STEER_OK);
	assert_true(guide > 0 && guide != first);
	assert_int_equal(store_scalar(store_query(s, "SELECT count(*) FROM pilot WHERE (name = 'Mission RSE' AND origin = "
						     "'custom') OR (name = 'Direction générale' AND origin = 'guide')"),
				      0, &n, &d, "test"),
			 STEER_OK);
	assert_int_equal(n, 2);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_checked),
		cmocka_unit_test(test_evidence_limit),
		cmocka_unit_test(test_evidence_url_limit),
		cmocka_unit_test(test_stale_version),
		cmocka_unit_test(test_custom_pilot_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
