/* Tests for util/utf8: strict validation (overlongs, surrogates, truncation,
 * stray bytes) with the offset of the first bad byte, decoding, lengths,
 * line/column in code points, and case-folding substring search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/utf8.h"

/* Asserts s (of n bytes) is invalid with its first bad byte at off. */
static void assert_bad_at(const char *s, size_t n, size_t off)
{
	size_t bad = (size_t)-1;
	assert_false(utf8_valid(s, n, &bad));
	assert_int_equal(bad, off);
	/* bad may be NULL */
	assert_false(utf8_valid(s, n, NULL));
}

static void assert_good(const char *s, size_t n)
{
	size_t bad = 12345;
	assert_true(utf8_valid(s, n, &bad));
	assert_int_equal(bad, 12345); /* untouched on success */
}

static void test_valid(void **state)
{
	(void)state;
	assert_good("", 0);
	assert_good("plain ascii", 11);
	assert_good("caf\xC3\xA9", 5);                     /* é */
	assert_good("\xE2\x82\xAC", 3);                    /* € */
	assert_good("\xF0\x9F\x98\x80", 4);                /* U+1F600 */
	assert_good("\xF4\x8F\xBF\xBF", 4);                /* U+10FFFF, the last code point */
	assert_good("\xEF\xBF\xBD", 3);                    /* a real U+FFFD is fine */
	assert_good("\xED\x9F\xBF", 3);                    /* U+D7FF, just below the surrogates */
	assert_good("\xEE\x80\x80", 3);                    /* U+E000, just above */
	assert_good("a\0b", 3);                            /* NUL is valid UTF-8 */
	assert_good("\xC2\x80", 2);                        /* smallest 2-byte form */
	assert_good("\xE0\xA0\x80", 3);                    /* smallest 3-byte form */
	assert_good("\xF0\x90\x80\x80", 4);                /* smallest 4-byte form */
}

static void test_invalid(void **state)
{
	(void)state;
	assert_bad_at("\xFF", 1, 0);
	assert_bad_at("abc\xFF", 4, 3);
	assert_bad_at("ab\xFE" "cd", 5, 2);
	/* overlong forms */
	assert_bad_at("\xC0\x80", 2, 0);
	assert_bad_at("x\xC1\xBF", 3, 1);
	assert_bad_at("\xE0\x80\x80", 3, 0);
	assert_bad_at("\xE0\x9F\xBF", 3, 0);
	assert_bad_at("\xF0\x80\x80\x80", 4, 0);
	assert_bad_at("\xF0\x8F\xBF\xBF", 4, 0);
	/* surrogates */
	assert_bad_at("\xED\xA0\x80", 3, 0);
	assert_bad_at("ok\xED\xBF\xBF", 5, 2);
	/* beyond U+10FFFF */
	assert_bad_at("\xF4\x90\x80\x80", 4, 0);
	assert_bad_at("\xF5\x80\x80\x80", 4, 0);
	/* truncated sequences, at the end and before another character */
	assert_bad_at("ab\xC3", 3, 2);
	assert_bad_at("\xE2\x82", 2, 0);
	assert_bad_at("\xF0\x9F\x98", 3, 0);
	assert_bad_at("\xC3" "a", 2, 0);
	assert_bad_at("\xE2\x82" "a", 3, 0);
	/* lone continuation byte */
	assert_bad_at("\xC3\xA9\xA9", 3, 2);
	assert_bad_at("\x80", 1, 0);
	/* Latin-1 é */
	assert_bad_at("caf\xE9", 4, 3);
	/* len limits the check: the truncated sequence is outside it */
	assert_good("ab\xC3\xA9", 2);
	assert_bad_at("ab\xC3\xA9", 3, 2);
}

static void test_decode(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xC3\xA9z", 3, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* invalid: one byte consumed, replacement character */
	assert_int_equal(utf8_decode("\xFF", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 2, &cp), 1); /* len cuts the sequence */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length("", 0), 0);
	assert_int_equal(utf8_length("abc", 3), 3);
	const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"; /* a é € 😀 */
	assert_int_equal(utf8_length(s, strlen(s)), 4);
	assert_int_equal(utf8_length("\xFF\xFE", 2), 2);
	assert_int_equal(utf8_length("\xE2\x82", 2), 2);
	assert_int_equal(utf8_length("\xC3\xA9", 1), 1);
}

static void test_line_col(void **state)
{
	(void)state;
	const char *s = "ab\n\xC3\xA9t\xC3\xA9 x\n\nz";
	size_t len = strlen(s);
	int line = 0, col = 0;
	utf8_line_col(s, len, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	utf8_line_col(s, len, 2, &line, &col); /* the newline itself */
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	utf8_line_col(s, len, 3, &line, &col); /* é */
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	/* 'x' is byte 9 but the 5th character of its line (é t é space x) */
	size_t x = (size_t)(strchr(s, 'x') - s);
	assert_int_equal(x, 9);
	utf8_line_col(s, len, x, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 5);
	utf8_line_col(s, len, len - 1, &line, &col); /* z */
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
	/* an offset past the end is clamped to the end */
	utf8_line_col(s, len, len + 100, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 2);
	/* invalid bytes count as one column each */
	utf8_line_col("\xFF\xFFq", 3, 2, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	/* empty input */
	utf8_line_col("", 0, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
}

static void test_contains_fold(void **state)
{
	(void)state;
	assert_true(utf8_contains_fold("Hello World", "world"));
	assert_true(utf8_contains_fold("hello world", "WORLD"));
	assert_true(utf8_contains_fold("abc", ""));
	assert_true(utf8_contains_fold("", ""));
	assert_false(utf8_contains_fold("", "a"));
	assert_false(utf8_contains_fold("abc", "abcd"));
	assert_false(utf8_contains_fold("abc", "x"));
	/* É matches é and the other way round */
	assert_true(utf8_contains_fold("\xC3\x89nergie", "\xC3\xA9nergie"));
	assert_true(utf8_contains_fold("l'\xC3\xA9nergie", "\xC3\x89NERGIE"));
	assert_true(utf8_contains_fold("\xC3\x80 PROPOS", "\xC3\xA0 propos")); /* À / à */
	assert_true(utf8_contains_fold("GAR\xC3\x87ON", "gar\xC3\xA7on"));   /* Ç / ç */
	/* accents are not stripped: e does not match é */
	assert_false(utf8_contains_fold("\xC3\xA9t\xC3\xA9", "ete"));
	/* × (U+D7) is not a capital and ÷ (U+F7) not its lower case */
	assert_false(utf8_contains_fold("\xC3\x97", "\xC3\xB7"));
	/* the match may start after multi-byte characters */
	assert_true(utf8_contains_fold("\xE2\x82\xAC\xE2\x82\xAC fin", "FIN"));
	/* a match cut by the end of the haystack is no match */
	assert_false(utf8_contains_fold("ab\xC3\xA9", "\xC3\xA9\xC3\xA9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_line_col),
		cmocka_unit_test(test_contains_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
