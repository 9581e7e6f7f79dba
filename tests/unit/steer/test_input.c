/* Tests for the limits of steer/input, each at the limit (accepted) and one
 * over (refused): INPUT_MAX_NAME, INPUT_MAX_TEXT and INPUT_MAX_URL through
 * input_text_problem, INPUT_MAX_URL through input_url, INPUT_MAX_NUMBER
 * through input_number. The parsers themselves are tested in
 * test_indicator.c (test_input). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "steer/input.h"
#include "util/buf.h"

/* prefix, then c repeated up to n bytes in all. Caller frees. */
static char *filled(const char *prefix, char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	size_t p = strlen(prefix);
	assert_true(p <= n);
	memcpy(s, prefix, p);
	memset(s + p, c, n - p);
	s[n] = '\0';
	return s;
}

static void test_text_limits(void **state)
{
	(void)state;
	static const struct {
		size_t max;
		const char *why;
	} limits[] = {
		{INPUT_MAX_NAME, "is longer than 200 bytes"},
		{INPUT_MAX_TEXT, "is longer than 4000 bytes"},
		{INPUT_MAX_URL, "is longer than 2048 bytes"},
	};
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
		char *s = filled("", 'a', limits[i].max);
		assert_null(input_text_problem(s, limits[i].max, false));
		free(s);
		s = filled("", 'a', limits[i].max + 1);
		assert_string_equal(input_text_problem(s, limits[i].max, false), limits[i].why);
		assert_string_equal(input_text_problem(s, limits[i].max, true), limits[i].why);
		free(s);
	}
	/* Bytes, not characters: 100 é are 200 bytes, 101 are over. */
	buf_t b = BUF_INIT;
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "\xc3\xa9");
	assert_null(input_text_problem(buf_cstr(&b), INPUT_MAX_NAME, false));
	buf_puts(&b, "\xc3\xa9");
	assert_string_equal(input_text_problem(buf_cstr(&b), INPUT_MAX_NAME, false), "is longer than 200 bytes");
	buf_free(&b);
}

static void test_url_limit(void **state)
{
	(void)state;
	char *url = filled("https://example.org/", 'a', INPUT_MAX_URL);
	assert_true(input_url(url));
	free(url);
	url = filled("https://example.org/", 'a', INPUT_MAX_URL + 1);
	assert_false(input_url(url));
	free(url);
}

static void test_number_limit(void **state)
{
	(void)state;
	char canon[INPUT_NUMBER_CAP], wide[3 * INPUT_MAX_NUMBER];
	double v;
	/* 40 digits before the separator, in the canonical buffer the header
	 * asks for; 41 are refused whatever the buffer. */
	char *s = filled("", '7', INPUT_MAX_NUMBER);
	assert_true(input_number(s, canon, sizeof canon, &v));
	assert_string_equal(canon, s);
	free(s);
	s = filled("", '7', INPUT_MAX_NUMBER + 1);
	assert_false(input_number(s, wide, sizeof wide, &v));
	free(s);
	/* Leading zeros are digits too. */
	s = filled("", '0', INPUT_MAX_NUMBER);
	s[INPUT_MAX_NUMBER - 2] = '4';
	s[INPUT_MAX_NUMBER - 1] = '2';
	assert_true(input_number(s, canon, sizeof canon, &v));
	assert_string_equal(canon, "42");
	free(s);
	s = filled("0", '0', INPUT_MAX_NUMBER + 1);
	s[INPUT_MAX_NUMBER] = '1';
	assert_false(input_number(s, wide, sizeof wide, &v));
	free(s);
	/* 40 digits in all, both sides of the separator; 41 refused. */
	s = filled("0,", '3', INPUT_MAX_NUMBER + 1);
	assert_true(input_number(s, wide, sizeof wide, &v));
	assert_int_equal(strlen(wide), INPUT_MAX_NUMBER + 1);
	free(s);
	s = filled("0,", '3', INPUT_MAX_NUMBER + 2);
	assert_false(input_number(s, wide, sizeof wide, &v));
	free(s);
	/* The longest canonical form (sign, 40 digits, '.') fits the buffer
	 * INPUT_NUMBER_CAP sizes: what is stored can always be read back. */
	s = filled("-1", '5', INPUT_MAX_NUMBER + 2);
	s[21] = ',';
	assert_true(input_number(s, canon, sizeof canon, &v));
	assert_int_equal(strlen(canon), INPUT_NUMBER_CAP - 1);
	free(s);
	/* The text, spaces included, is at most 3 x 40 bytes. */
	s = filled("12", ' ', 3 * INPUT_MAX_NUMBER);
	assert_true(input_number(s, canon, sizeof canon, &v));
	assert_string_equal(canon, "12");
	free(s);
	s = filled("12", ' ', 3 * INPUT_MAX_NUMBER + 1);
	assert_false(input_number(s, canon, sizeof canon, &v));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_url_limit),
		cmocka_unit_test(test_number_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
