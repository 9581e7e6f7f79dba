/* Tests for util/jsonw: string escaping (controls, quotes, invalid UTF-8 as
 * U+FFFD), the jansson-compatible layout, and JSONW_MAX_DEPTH: deeper
 * nesting keeps valid JSON, only its indentation stops growing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "util/jsonw.h"

static void test_string(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	jsonw_string(&b, "a\"b\\c\n\t\x01\x7f", 9);
	assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\n\\t\\u0001\x7f\"");
	buf_reset(&b);
	/* invalid UTF-8 becomes U+FFFD, valid multibyte text stays */
	jsonw_string(&b, "caf\xe9 \xc3\xa9t\xc3\xa9", 10);
	assert_string_equal(buf_cstr(&b), "\"caf\xEF\xBF\xBD \xc3\xa9t\xc3\xa9\"");
	buf_reset(&b);
	/* an embedded NUL is escaped, not a terminator */
	jsonw_string(&b, "a\0b", 3);
	assert_string_equal(buf_cstr(&b), "\"a\\u0000b\"");
	buf_free(&b);
}

static void test_layout(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &b);
	jsonw_object(&w);
	jsonw_key(&w, "t");
	jsonw_str(&w, "x");
	jsonw_key(&w, "l");
	jsonw_array(&w);
	jsonw_num(&w, 1.5);
	jsonw_bool(&w, true);
	jsonw_str(&w, NULL);
	jsonw_end(&w, ']');
	jsonw_key(&w, "e");
	jsonw_array(&w);
	jsonw_end(&w, ']');
	jsonw_end(&w, '}');
	assert_string_equal(buf_cstr(&b), "{\n  \"t\": \"x\",\n  \"l\": [\n    1.5,\n    true,\n    null\n  ],\n"
					  "  \"e\": []\n}");
	buf_free(&b);
}

/* Decimals are written from integers: the shortest text of 563/10 as a
 * double is fine, but "%.17g" (jsonw_num) would print 56.299999999999997. */
static void test_decimal(void **state)
{
	(void)state;
	static const struct {
		long long v;
		int places;
		const char *want;
	} cases[] = {
		{563, 1, "56.3"},   {1000, 1, "100.0"}, {0, 1, "0.0"},     {5, 1, "0.5"},
		{-30, 1, "-3.0"},   {-5, 1, "-0.5"},    {7, 0, "7"},       {-7, 0, "-7"},
		{12345, 3, "12.345"}, {1, 9, "0.000000001"},
		{-9223372036854775807LL - 1, 1, "-922337203685477580.8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf_t b = BUF_INIT;
		jsonw_t w;
		jsonw_init(&w, &b);
		jsonw_array(&w);
		jsonw_decimal(&w, cases[i].v, cases[i].places);
		jsonw_end(&w, ']');
		buf_t want = BUF_INIT;
		buf_printf(&want, "[\n  %s\n]", cases[i].want);
		assert_string_equal(buf_cstr(&b), buf_cstr(&want));
		json_t *j = json_loadb(b.ptr, b.len, 0, NULL);
		assert_non_null(j);
		json_decref(j);
		buf_free(&b);
		buf_free(&want);
	}
}

/* Depth of nested arrays in a parsed document. */
static int depth_of(const json_t *j)
{
	int d = 0;
	while (json_is_array(j) && json_array_size(j)) {
		d++;
		j = json_array_get(j, json_array_size(j) - 1);
	}
	return d;
}

static void test_depth_limit(void **state)
{
	(void)state;
	/* Past JSONW_MAX_DEPTH levels indentation stops growing; the document
	 * must stay valid, every member and bracket in place. (It lost commas
	 * when the writer kept one flag per level in a fixed array.) */
	int levels = JSONW_MAX_DEPTH + 10;
	buf_t b = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &b);
	for (int i = 0; i < levels; i++) {
		jsonw_array(&w);
		jsonw_num(&w, i);
		jsonw_str(&w, "x");
	}
	jsonw_array(&w);
	jsonw_end(&w, ']');
	for (int i = 0; i < levels; i++) {
		jsonw_bool(&w, false);
		jsonw_end(&w, ']');
	}
	json_error_t err;
	json_t *j = json_loadb(b.ptr, b.len, 0, &err);
	if (!j)
		fail_msg("invalid JSON at %d:%d: %s", err.line, err.column, err.text);
	assert_int_equal(depth_of(j), 1); /* the last member of each level is false */
	const json_t *x = j;
	for (int i = 0; i < levels; i++) {
		assert_int_equal(json_array_size(x), 4);
		assert_true(json_number_value(json_array_get(x, 0)) == i);
		x = json_array_get(x, 2);
	}
	assert_int_equal(json_array_size(x), 0);
	json_decref(j);
	/* the deepest lines are indented JSONW_MAX_DEPTH levels, no more */
	const char *deepest = strstr(b.ptr, "[]");
	assert_non_null(deepest);
	size_t spaces = 0;
	while (deepest - spaces > b.ptr && deepest[-(ptrdiff_t)spaces - 1] == ' ')
		spaces++;
	assert_int_equal(spaces, 2 * JSONW_MAX_DEPTH);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_depth_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
