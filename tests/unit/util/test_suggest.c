/* Tests for util/suggest: bounded edit distance over code points (case and
 * Unicode composition ignored) and the "did you mean" choice with its closeness threshold. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("kitten", "sitting", 10), 3);
	assert_int_equal(suggest_distance("sitting", "kitten", 10), 3);
	assert_int_equal(suggest_distance("", "", 3), 0);
	assert_int_equal(suggest_distance("", "abc", 5), 3);
	assert_int_equal(suggest_distance("abc", "", 5), 3);
	assert_int_equal(suggest_distance("same", "same", 0), 0);
	assert_int_equal(suggest_distance("flaw", "lawn", 5), 2);
	/* ASCII case is ignored */
	assert_int_equal(suggest_distance("ABC", "abc", 2), 0);
	assert_int_equal(suggest_distance("Prioritaire", "prioritaire", 2), 0);
	/* accented letters are one code point: é vs e is one substitution */
	assert_int_equal(suggest_distance("Recommand\xC3\xA9" "e", "Recommandee", 5), 1);
	assert_int_equal(suggest_distance("\xC3\xA9", "e", 5), 1);
	assert_int_equal(suggest_distance("\xE2\x82\xAC", "\xC2\xA3", 5), 1); /* € vs £ */
	/* non-ASCII case is folded too */
	assert_int_equal(suggest_distance("\xC3\x89", "\xC3\xA9", 5), 0);
	assert_int_equal(suggest_distance("\xC5\x92UVRE", "\xC5\x93uvre", 5), 0); /* Œ / œ */
	/* a decomposed é (e + U+0301) is no edit away from the composed one */
	assert_int_equal(suggest_distance("ge\xCC\x81ne\xCC\x81rale", "g\xC3\xA9n\xC3\xA9rale", 5), 0);
	assert_int_equal(suggest_distance("ge\xCC\x81ne\xCC\x81rale", "generale", 5), 2);
}

static void test_distance_capped(void **state)
{
	(void)state;
	/* results above the limit come back as limit + 1 */
	assert_int_equal(suggest_distance("abc", "xyzuvw", 2), 3);       /* by length alone */
	assert_int_equal(suggest_distance("abcdef", "ghijkl", 2), 3);    /* by the row minimum */
	assert_int_equal(suggest_distance("abcdef", "ghijkl", 6), 6);
	assert_int_equal(suggest_distance("abcdef", "ghijkl", 5), 6);
	assert_int_equal(suggest_distance("kitten", "sitting", 3), 3);
	assert_int_equal(suggest_distance("kitten", "sitting", 2), 3);
	assert_int_equal(suggest_distance("a", "b", 0), 1);
}

static void test_closest(void **state)
{
	(void)state;
	const char *prio[] = {"Prioritaire", "Recommandée", "Aller plus loin"};
	assert_string_equal(suggest_closest("Prioritair", prio, 3), "Prioritaire");
	assert_string_equal(suggest_closest("prioritaire", prio, 3), "Prioritaire"); /* case only */
	assert_string_equal(suggest_closest("Recommandee", prio, 3), prio[1]);
	assert_string_equal(suggest_closest("Aler plus loin", prio, 3), "Aller plus loin");
	/* returns the candidate itself (borrowed) */
	assert_ptr_equal(suggest_closest("Prioritair", prio, 3), prio[0]);
}

static void test_closest_none(void **state)
{
	(void)state;
	const char *diff[] = {"Facile", "Moyenne", "Difficile"};
	/* equal to a candidate: nothing to suggest */
	assert_null(suggest_closest("Facile", diff, 3));
	/* far from everything */
	assert_null(suggest_closest("Urgent", diff, 3));
	assert_null(suggest_closest("zzzzzzzzzzzz", diff, 3));
	/* no candidates */
	assert_null(suggest_closest("Facile", diff, 0));
	assert_null(suggest_closest("x", NULL, 0));
}

static void test_closest_threshold(void **state)
{
	(void)state;
	/* a 12-letter word allows 12/3 = 4 edits, not 5 */
	const char *four[] = {"abcdefghWXYZ"};
	const char *five[] = {"abcdefgVWXYZ"};
	assert_string_equal(suggest_closest("abcdefghijkl", four, 1), "abcdefghWXYZ");
	assert_null(suggest_closest("abcdefghijkl", five, 1));
	/* short words still allow 2 edits */
	const char *two[] = {"cat", "dog"};
	assert_string_equal(suggest_closest("cut", two, 2), "cat");
	assert_string_equal(suggest_closest("dig", two, 2), "dog");
	const char *three[] = {"xyz"};
	assert_null(suggest_closest("abc", three, 1));
	/* the length limit counts code points, not bytes: 6 letters with accents allow 2 */
	const char *acc[] = {"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"};
	assert_null(suggest_closest("eeeeee", acc, 1)); /* 6 substitutions */
}

static void test_closest_best_and_ties(void **state)
{
	(void)state;
	const char *c[] = {"theme-a", "theme-b", "thema-a"};
	/* the closest one wins; on a tie the first listed */
	assert_string_equal(suggest_closest("theme-c", c, 3), "theme-a");
	assert_string_equal(suggest_closest("thema-b", c, 3), "theme-b");
	const char *d[] = {"abcdefgh", "abcdefgx"};
	assert_string_equal(suggest_closest("abcdefgx1", d, 2), "abcdefgx");
	/* an exact duplicate is skipped but others still count */
	const char *e[] = {"house", "mouse"};
	assert_string_equal(suggest_closest("house", e, 2), "mouse");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_distance_capped),
		cmocka_unit_test(test_closest),
		cmocka_unit_test(test_closest_none),
		cmocka_unit_test(test_closest_threshold),
		cmocka_unit_test(test_closest_best_and_ties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
