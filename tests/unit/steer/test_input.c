/* Tests for the limits of steer/input, each at the limit (accepted) and one
 * over (refused): INPUT_MAX_NAME, INPUT_MAX_TEXT and INPUT_MAX_URL through
 * input_text_problem, INPUT_MAX_URL through input_url, INPUT_MAX_NUMBER
 * through input_number, the means' bounds through input_budget and
 * input_staff. The parsers themselves are tested in
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

static void expect_hundredths(const char *typed, bool money, long long want, const char *canon, const char *fr)
{
	long long v = -1;
	const char *why = money ? input_budget(typed, &v) : input_staff(typed, &v);
	assert_null(why);
	assert_int_equal(v, want);
	buf_t b = BUF_INIT;
	input_hundredths_text(v, &b);
	assert_string_equal(buf_cstr(&b), canon);
	buf_reset(&b);
	input_hundredths_fr(v, money, &b);
	assert_string_equal(buf_cstr(&b), fr);
	buf_free(&b);
}

/* Means: exact hundredths from French or dot decimals, a unit after, the
 * bounds at the limit and one over. */
static void test_means(void **state)
{
	(void)state;
	expect_hundredths("12 500,5", true, 1250050, "12500.5", "12\xe2\x80\xaf" "500,50");
	expect_hundredths("1500.05 \xe2\x82\xac", true, 150005, "1500.05", "1\xe2\x80\xaf" "500,05");
	expect_hundredths("0", true, 0, "0", "0,00");
	expect_hundredths("2,5 j", false, 250, "2.5", "2,5");
	expect_hundredths("3 jours", false, 300, "3", "3");
	expect_hundredths("0.25", false, 25, "0.25", "0,25");
	long long v;
	assert_non_null(input_budget("-3", &v));
	assert_non_null(input_budget("1,234", &v));
	assert_non_null(input_budget("douze", &v));
	assert_non_null(input_budget("", &v));
	assert_non_null(input_staff("2 h", &v));
	/* The bounds: a hundred billion euros, a million person-days. */
	assert_null(input_budget("100000000000", &v));
	assert_int_equal(v, INPUT_MAX_BUDGET_CENTS);
	assert_non_null(input_budget("100000000000,01", &v));
	assert_null(input_staff("1000000", &v));
	assert_int_equal(v, INPUT_MAX_STAFF_HUNDREDTHS);
	assert_non_null(input_staff("1000000.01", &v));
	assert_non_null(input_budget("99999999999999999999999", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_url_limit),
		cmocka_unit_test(test_number_limit),
		cmocka_unit_test(test_means),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
