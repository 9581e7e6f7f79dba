/* Tests for steer/score and steer/status: the formula on hand-computed
 * cases (weights, half credit, non concernée out of the denominator),
 * nothing applicable, an empty guide, half-up rounding at the boundaries,
 * grouping order, and status parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "steer/score.h"
#include "steer/status.h"

static const unsigned W[PROFILE_MAX_PRIORITIES] = {3, 2, 1};
#define GBPNR profile_builtin("gbpnr")

static void fmt(uint64_t num, uint64_t den, const char *want)
{
	buf_t b = BUF_INIT;
	score_format(num, den, '.', &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_rounding(void **state)
{
	(void)state;
	fmt(2, 3, "66.7");     /* 66.666... */
	fmt(1, 3, "33.3");
	fmt(1, 6, "16.7");
	fmt(5, 6, "83.3");
	fmt(1, 8, "12.5");     /* exact */
	fmt(1, 16, "6.3");     /* 6.25: half-up */
	fmt(3, 16, "18.8");    /* 18.75 */
	fmt(1, 2000, "0.1");   /* 0.05: the smallest half */
	fmt(1, 2001, "0.0");   /* just below it */
	fmt(0, 7, "0.0");
	fmt(7, 7, "100.0");
	fmt(0, 0, "—");        /* nothing applicable */
	assert_int_equal(score_tenths(0, 0), -1);
	assert_int_equal(score_tenths(999, 1000), 999);
	assert_int_equal(score_tenths(9995, 10000), 1000); /* 99.95 -> 100.0 */
	buf_t b = BUF_INIT;
	score_format(2, 3, ',', &b);
	assert_string_equal(buf_cstr(&b), "66,7");
	buf_free(&b);
}

/* Prioritaire réalisée (3×2), Recommandée en cours (2×1), Aller plus loin
 * planifiée (0), Prioritaire non concernée (out):
 * num = 6 + 2 = 8, den = (3 + 2 + 1) × 2 = 12 -> 66.7 %. */
static void test_hand_computed(void **state)
{
	(void)state;
	score_item_t items[] = {
		{"a.", "A", 0, "DG", STATUS_DONE},
		{"a.", "A", 1, "DSI", STATUS_IN_PROGRESS},
		{"b.", "B", 2, NULL, STATUS_PLANNED},
		{"b.", "B", 0, "DG", STATUS_NOT_APPLICABLE},
		{"b.", "B", 1, NULL, STATUS_NOT_ASSESSED},
	};
	score_t sc;
	score_items(items, 5, GBPNR, W, SCORE_BY_THEME, &sc);
	/* + Recommandée non évaluée: den += 4 -> 8/16 = 50 %. */
	assert_int_equal(sc.overall.num, 8);
	assert_int_equal(sc.overall.den, 16);
	assert_int_equal(score_tenths(sc.overall.num, sc.overall.den), 500);
	assert_int_equal(sc.overall.total, 5);
	assert_int_equal(sc.overall.applicable, 4);
	assert_int_equal(sc.overall.assessed, 4);
	assert_int_equal(sc.ngroups, 2);
	assert_string_equal(sc.groups[0].key, "a.");
	assert_int_equal(sc.groups[0].t.num, 8);  /* 3×2 + 2×1 */
	assert_int_equal(sc.groups[0].t.den, 10); /* (3 + 2) × 2 */
	assert_string_equal(sc.groups[1].key, "b.");
	assert_int_equal(sc.groups[1].t.num, 0);
	assert_int_equal(sc.groups[1].t.den, 6); /* (1 + 2) × 2, the non concernée out */
	score_free(&sc);

	/* Without the non évaluée one: exactly the 66.7 % of the comment. */
	score_items(items, 4, GBPNR, W, SCORE_BY_NONE, &sc);
	assert_int_equal(sc.overall.num, 8);
	assert_int_equal(sc.overall.den, 12);
	assert_int_equal(score_tenths(sc.overall.num, sc.overall.den), 667);
	assert_int_equal(sc.ngroups, 0);
	score_free(&sc);
}

static void test_by_priority_and_pilot(void **state)
{
	(void)state;
	score_item_t items[] = {
		{"a.", "A", 2, "Zeta", STATUS_DONE},
		{"a.", "A", 0, NULL, STATUS_IN_PROGRESS},
		{"a.", "A", 0, "Alpha", STATUS_DONE},
	};
	score_t sc;
	score_items(items, 3, GBPNR, W, SCORE_BY_PRIORITY, &sc);
	/* Every priority is listed, in order, even without practices. */
	assert_int_equal(sc.ngroups, 3);
	assert_string_equal(sc.groups[0].key, "Prioritaire");
	assert_int_equal(sc.groups[0].t.num, 3 + 6);
	assert_int_equal(sc.groups[0].t.den, 12);
	assert_string_equal(sc.groups[1].key, "Recommandée");
	assert_int_equal(sc.groups[1].t.den, 0);
	assert_int_equal(score_tenths(sc.groups[1].t.num, sc.groups[1].t.den), -1);
	assert_string_equal(sc.groups[2].key, "Aller plus loin");
	assert_int_equal(score_tenths(sc.groups[2].t.num, sc.groups[2].t.den), 1000);
	score_free(&sc);
	score_items(items, 3, GBPNR, W, SCORE_BY_PILOT, &sc);
	assert_int_equal(sc.ngroups, 3);
	assert_string_equal(sc.groups[0].key, "Alpha");
	assert_string_equal(sc.groups[1].key, "Zeta");
	assert_string_equal(sc.groups[2].key, SCORE_NO_PILOT); /* none last */
	score_free(&sc);
}

static void test_weights_override(void **state)
{
	(void)state;
	score_item_t items[] = {
		{"a.", "A", 0, NULL, STATUS_DONE},
		{"a.", "A", 2, NULL, STATUS_NOT_ENGAGED},
	};
	unsigned w[PROFILE_MAX_PRIORITIES] = {1, 1, 1};
	score_t sc;
	score_items(items, 2, GBPNR, w, SCORE_BY_NONE, &sc);
	assert_int_equal(score_tenths(sc.overall.num, sc.overall.den), 500);
	score_free(&sc);
	unsigned z[PROFILE_MAX_PRIORITIES] = {3, 2, 0}; /* Aller plus loin ignored */
	score_items(items, 2, GBPNR, z, SCORE_BY_NONE, &sc);
	assert_int_equal(score_tenths(sc.overall.num, sc.overall.den), 1000);
	score_free(&sc);
}

static void test_not_applicable_and_empty(void **state)
{
	(void)state;
	score_item_t items[] = {
		{"a.", "A", 0, NULL, STATUS_NOT_APPLICABLE},
		{"a.", "A", 1, NULL, STATUS_NOT_APPLICABLE},
	};
	score_t sc;
	score_items(items, 2, GBPNR, W, SCORE_BY_THEME, &sc);
	assert_int_equal(sc.overall.den, 0);
	assert_int_equal(sc.overall.applicable, 0);
	assert_int_equal(sc.overall.assessed, 2); /* non concernée is an assessment */
	assert_int_equal(score_tenths(sc.overall.num, sc.overall.den), -1);
	score_free(&sc);
	score_items(NULL, 0, GBPNR, W, SCORE_BY_THEME, &sc); /* empty guide */
	assert_int_equal(sc.overall.total, 0);
	assert_int_equal(sc.ngroups, 0);
	assert_int_equal(score_tenths(sc.overall.assessed, sc.overall.total), -1);
	score_free(&sc);
}

/* 10,000 practices at the largest weight stay exact (64-bit sums). */
static void test_large(void **state)
{
	(void)state;
	enum { N = 10000 };
	static score_item_t items[N];
	for (int i = 0; i < N; i++)
		items[i] = (score_item_t){"a.", "A", i % 3, NULL, i % 3 == 0 ? STATUS_DONE : STATUS_IN_PROGRESS};
	unsigned w[PROFILE_MAX_PRIORITIES] = {STORE_MAX_WEIGHT, STORE_MAX_WEIGHT, STORE_MAX_WEIGHT};
	score_t sc;
	score_items(items, N, GBPNR, w, SCORE_BY_NONE, &sc);
	/* 3334 réalisées ×2, 6666 en cours ×1, over 10000 × 2. */
	assert_int_equal(sc.overall.num, (uint64_t)STORE_MAX_WEIGHT * (3334 * 2 + 6666));
	assert_int_equal(sc.overall.den, (uint64_t)STORE_MAX_WEIGHT * 20000);
	assert_int_equal(score_tenths(sc.overall.num, sc.overall.den), 667); /* 66.67 */
	score_free(&sc);
}

static void test_status_parse(void **state)
{
	(void)state;
	const char *sugg;
	assert_int_equal(status_parse(GBPNR, "realisee", &sugg), STATUS_DONE);
	assert_int_equal(status_parse(GBPNR, "RÉALISÉE", &sugg), STATUS_DONE);
	assert_int_equal(status_parse(GBPNR, "  En Cours ", &sugg), STATUS_IN_PROGRESS);
	assert_int_equal(status_parse(GBPNR, "non-concernee", &sugg), STATUS_NOT_APPLICABLE);
	assert_int_equal(status_parse(GBPNR, "non_evaluee", &sugg), STATUS_NOT_ASSESSED);
	assert_int_equal(status_parse(GBPNR, "planifiée", &sugg), STATUS_PLANNED);
	assert_int_equal(status_parse(GBPNR, "realise", &sugg), -1);
	assert_non_null(sugg);
	assert_string_equal(sugg, "réalisée");
	assert_int_equal(status_parse(GBPNR, "xyzzy", &sugg), -1);
	assert_null(sugg);
	assert_int_equal(status_parse(GBPNR, "", &sugg), -1);
	for (int i = 0; i < 6; i++)
		assert_int_equal(status_from_name(GBPNR, status_name(GBPNR, (status_t)i)), i);
	assert_int_equal(status_credit(GBPNR, STATUS_DONE), 2);
	assert_int_equal(status_credit(GBPNR, STATUS_IN_PROGRESS), 1);
	assert_int_equal(status_credit(GBPNR, STATUS_PLANNED), 0);
	assert_false(status_applicable(GBPNR, STATUS_NOT_APPLICABLE));
	assert_true(status_done(GBPNR, STATUS_DONE));
	assert_false(status_done(GBPNR, STATUS_IN_PROGRESS));
	assert_true(status_rank(GBPNR, STATUS_DONE) > status_rank(GBPNR, STATUS_IN_PROGRESS));
	assert_int_equal(status_rank(GBPNR, STATUS_NOT_ENGAGED), status_rank(GBPNR, STATUS_NOT_ASSESSED));
	/* Every status of the GBPNR profile has the index the snapshots of
	 * earlier releases stored. */
	static const char *const names[6] = {"non évaluée", "non concernée", "non engagée", "planifiée", "en cours",
					     "réalisée"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(status_name(GBPNR, i), names[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_by_priority_and_pilot),
		cmocka_unit_test(test_weights_override),
		cmocka_unit_test(test_not_applicable_and_empty),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_status_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
