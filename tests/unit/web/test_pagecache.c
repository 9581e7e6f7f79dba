/* Tests for web/pagecache: a hit only under the same key and version, a
 * stale entry dropped, replacing, the least recently used going first when
 * the entries or the bytes run out, and data over the limit not kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pagecache.h"

static void test_hit_and_version(void **state)
{
	(void)state;
	pagecache_t *c = pagecache_new();
	size_t len = 0;
	assert_null(pagecache_get(c, "dashboard", 1, &len));
	pagecache_put(c, "dashboard", 1, "<h1>A</h1>", 10);
	const char *got = pagecache_get(c, "dashboard", 1, &len);
	assert_non_null(got);
	assert_int_equal(len, 10);
	assert_memory_equal(got, "<h1>A</h1>", 10);
	assert_int_equal(got[len], '\0');
	assert_null(pagecache_get(c, "dashboard\n2026-12-07", 1, &len)); /* another key */
	assert_null(pagecache_get(c, "dashboard", 2, &len));              /* another version: dropped */
	assert_null(pagecache_get(c, "dashboard", 1, &len));              /* ...even for the old one */
	pagecache_put(c, "dashboard", 2, "<h1>B</h1>", 10);
	pagecache_put(c, "dashboard", 3, "<h1>C</h1>!", 11); /* replaces */
	got = pagecache_get(c, "dashboard", 3, &len);
	assert_non_null(got);
	assert_int_equal(len, 11);
	assert_null(pagecache_get(c, "dashboard", 2, &len));
	pagecache_put(c, "empty", 3, "", 0);
	got = pagecache_get(c, "empty", 3, &len);
	assert_non_null(got);
	assert_int_equal(len, 0);
	pagecache_free(c);
	pagecache_free(NULL);
}

static void test_entries_bound(void **state)
{
	(void)state;
	pagecache_t *c = pagecache_new();
	char key[32];
	size_t len;
	for (int i = 0; i < PAGECACHE_MAX_ENTRIES; i++) {
		snprintf(key, sizeof key, "page %d", i);
		pagecache_put(c, key, 7, key, strlen(key));
	}
	/* page 0 used again: page 1 is now the least recently used. */
	assert_non_null(pagecache_get(c, "page 0", 7, &len));
	pagecache_put(c, "one more", 7, "x", 1);
	assert_null(pagecache_get(c, "page 1", 7, &len));
	assert_non_null(pagecache_get(c, "page 0", 7, &len));
	assert_non_null(pagecache_get(c, "page 2", 7, &len));
	assert_non_null(pagecache_get(c, "one more", 7, &len));
	snprintf(key, sizeof key, "page %d", PAGECACHE_MAX_ENTRIES - 1);
	assert_non_null(pagecache_get(c, key, 7, &len));
	pagecache_free(c);
}

static void test_bytes_bound(void **state)
{
	(void)state;
	pagecache_t *c = pagecache_new();
	size_t third = PAGECACHE_MAX_BYTES / 3, len;
	char *big = malloc(PAGECACHE_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, 'a', PAGECACHE_MAX_BYTES + 1);
	pagecache_put(c, "a", 1, big, third);
	pagecache_put(c, "b", 1, big, third);
	pagecache_put(c, "c", 1, big, third);
	assert_non_null(pagecache_get(c, "a", 1, &len));
	pagecache_put(c, "d", 1, big, third); /* b goes: a was used since */
	assert_null(pagecache_get(c, "b", 1, &len));
	assert_non_null(pagecache_get(c, "a", 1, &len));
	assert_non_null(pagecache_get(c, "c", 1, &len));
	assert_non_null(pagecache_get(c, "d", 1, &len));
	pagecache_put(c, "huge", 1, big, PAGECACHE_MAX_BYTES + 1); /* not kept, nothing lost */
	assert_null(pagecache_get(c, "huge", 1, &len));
	assert_non_null(pagecache_get(c, "a", 1, &len));
	pagecache_put(c, "all", 1, big, PAGECACHE_MAX_BYTES); /* the whole budget: the rest goes */
	assert_non_null(pagecache_get(c, "all", 1, &len));
	assert_int_equal(len, PAGECACHE_MAX_BYTES);
	assert_null(pagecache_get(c, "a", 1, &len));
	free(big);
	pagecache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_version),
		cmocka_unit_test(test_entries_bound),
		cmocka_unit_test(test_bytes_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
