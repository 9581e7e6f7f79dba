/* Tests for util/bytescan: the first byte of a set, found by the sixteen-
 * byte scan and by the byte-wise one, against a plain loop: every length
 * from 0 to 80 (short strings, whole blocks, the overlapping last block),
 * a match at every position, none at all, sets with NUL and bytes >= 0x80,
 * and the scan never reading outside s[0..n). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/bytescan.h"

static size_t naive(const char *s, size_t n, const char *set, size_t nset)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nset; k++)
			if (s[i] == set[k])
				return i;
	return n;
}

/* Each string sits at the end of its own allocation, so that ASan sees a
 * read past n. */
static void check(const char *src, size_t n, const char *set, size_t nset)
{
	char *s = malloc(n ? n : 1);
	assert_non_null(s);
	memcpy(s, src, n);
	size_t want = naive(s, n, set, nset);
	assert_int_equal(bytescan_any(s, n, set, nset), want);
	assert_int_equal(bytescan_any_bytewise(s, n, set, nset), want);
	free(s);
}

static void test_every_position(void **state)
{
	(void)state;
	char text[81];
	memset(text, 'a', sizeof text);
	for (size_t n = 0; n <= 80; n++) {
		check(text, n, "&<>\"", 4); /* none */
		for (size_t at = 0; at < n; at++) {
			text[at] = '>';
			check(text, n, "&<>\"", 4);
			/* A second match later changes nothing. */
			if (at + 3 < n) {
				text[at + 3] = '&';
				check(text, n, "&<>\"", 4);
				text[at + 3] = 'a';
			}
			text[at] = 'a';
		}
	}
}

static void test_odd_sets(void **state)
{
	(void)state;
	const char s[] = "d\xC3\xA9j\xC3\xA0 vu, mais\0pas ici: \xE2\x80\xA6 fin de la phrase assez longue";
	size_t n = sizeof s - 1;
	check(s, n, "\0", 1);
	check(s, n, "\xA9", 1);
	check(s, n, "\xE2:", 2);
	check(s, n, "zZ", 2);	     /* none */
	check(s, n, "+.,-?!xq", 8); /* the largest set */
	check(s, n, "e", 1);
	for (size_t off = 0; off < n; off++)
		check(s + off, n - off, ",:\0", 3);
}

static void test_random(void **state)
{
	(void)state;
	/* A fixed seed: the same cases on every run. */
	srand(15);
	char s[200], set[BYTESCAN_MAX_SET];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)rand() % sizeof s;
		/* Few distinct bytes, so that matches happen at any place. */
		for (size_t i = 0; i < n; i++)
			s[i] = (char)(rand() % 40 + (rand() % 8 == 0 ? 200 : 0));
		size_t nset = 1 + (size_t)rand() % BYTESCAN_MAX_SET;
		for (size_t k = 0; k < nset; k++)
			set[k] = (char)(rand() % 90 + 20);
		check(s, n, set, nset);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_position),
		cmocka_unit_test(test_odd_sets),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
