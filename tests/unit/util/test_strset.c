/* Tests for util/strset: adding and finding keys, the first value kept for
 * a key added twice, keys that differ only by length or hold NUL bytes, the
 * empty key, growth through many keys, and freeing NULL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/strset.h"

static void test_add_and_get(void **state)
{
	(void)state;
	strset_t *s = strset_new();
	size_t v = 0;
	assert_int_equal(strset_len(s), 0);
	assert_false(strset_get(s, "a.1", 3, &v));
	assert_true(strset_add(s, "a.1", 3, 2, NULL));
	assert_true(strset_add(s, "a.2", 3, 3, NULL));
	assert_int_equal(strset_len(s), 2);
	assert_true(strset_get(s, "a.1", 3, &v));
	assert_int_equal(v, 2);
	assert_true(strset_get(s, "a.2", 3, NULL));
	/* Added again: refused, the first value is given back and kept. */
	v = 0;
	assert_false(strset_add(s, "a.1", 3, 5, &v));
	assert_int_equal(v, 2);
	assert_false(strset_add(s, "a.1", 3, 6, NULL));
	assert_true(strset_get(s, "a.1", 3, &v));
	assert_int_equal(v, 2);
	assert_int_equal(strset_len(s), 2);
	/* Keys are bytes: case matters, and the key is copied. */
	char key[] = "A.1";
	assert_true(strset_add(s, key, 3, 7, NULL));
	key[0] = 'B';
	assert_true(strset_get(s, "A.1", 3, &v));
	assert_int_equal(v, 7);
	assert_false(strset_get(s, "B.1", 3, NULL));
	strset_free(s);
	strset_free(NULL);
}

static void test_lengths_and_nul(void **state)
{
	(void)state;
	strset_t *s = strset_new();
	size_t v = 0;
	assert_true(strset_add(s, "", 0, 1, NULL));
	assert_false(strset_add(s, "", 0, 2, &v));
	assert_int_equal(v, 1);
	/* Prefixes are other keys; so are keys holding or ending with NUL. */
	assert_true(strset_add(s, "ab", 2, 2, NULL));
	assert_true(strset_add(s, "abc", 3, 3, NULL));
	assert_true(strset_add(s, "ab\0c", 4, 4, NULL));
	assert_true(strset_add(s, "ab\0", 3, 5, NULL));
	assert_true(strset_get(s, "ab\0c", 4, &v));
	assert_int_equal(v, 4);
	assert_true(strset_get(s, "ab\0", 3, &v));
	assert_int_equal(v, 5);
	assert_true(strset_get(s, "abcd", 2, &v)); /* the first 2 bytes: "ab" */
	assert_int_equal(v, 2);
	assert_false(strset_get(s, "a", 1, NULL));
	assert_int_equal(strset_len(s), 5);
	strset_free(s);
}

/* 200,000 keys: every one found with its value after the table has grown
 * many times, none found twice, absent keys not found. */
static void test_many(void **state)
{
	(void)state;
	enum { N = 200000 };
	strset_t *s = strset_new();
	char k[32];
	for (size_t i = 0; i < N; i++) {
		int n = snprintf(k, sizeof k, "x.%zu", i);
		assert_true(strset_add(s, k, (size_t)n, i, NULL));
	}
	assert_int_equal(strset_len(s), N);
	for (size_t i = 0; i < N; i++) {
		size_t v = SIZE_MAX, first = SIZE_MAX;
		int n = snprintf(k, sizeof k, "x.%zu", i);
		assert_true(strset_get(s, k, (size_t)n, &v));
		assert_int_equal(v, i);
		assert_false(strset_add(s, k, (size_t)n, 0, &first));
		assert_int_equal(first, i);
		n = snprintf(k, sizeof k, "y.%zu", i);
		assert_false(strset_get(s, k, (size_t)n, NULL));
	}
	assert_int_equal(strset_len(s), N);
	strset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_get),
		cmocka_unit_test(test_lengths_and_nul),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
