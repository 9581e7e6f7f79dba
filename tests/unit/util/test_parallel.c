/* Tests for util/parallel: every index runs exactly once whatever the number
 * of threads asked for, PARALLEL_MAX_THREADS caps them, small jobs get fewer,
 * and a false return stops the loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdlib.h>

#include "util/parallel.h"

/* The cap is private to parallel.c; its value is the documented one. */
#define CAP 8

static bool mark(size_t i, void *ud)
{
	atomic_int *slots = ud;
	atomic_fetch_add(&slots[i], 1);
	return true;
}

static void test_every_index_once(void **state)
{
	(void)state;
	size_t n = 20000;
	atomic_int *slots = calloc(n, sizeof *slots);
	/* far more threads than the cap: clamped, not refused */
	assert_true(parallel_for(n, 1000, mark, slots));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(atomic_load(&slots[i]), 1);
	free(slots);
	assert_true(parallel_for(0, 0, mark, NULL));
}

static void test_thread_counts(void **state)
{
	(void)state;
	int t = parallel_threads(1000000, 1);
	assert_true(t >= 1 && t <= CAP);
	assert_int_equal(parallel_threads(10, 32), 1);
	assert_int_equal(parallel_threads(0, 32), 1);
	assert_true(parallel_threads(1000000, 0) <= CAP);
}

static bool stop_at_50(size_t i, void *ud)
{
	(void)ud;
	return i != 50;
}

static void test_stop(void **state)
{
	(void)state;
	assert_false(parallel_for(1000, 1, stop_at_50, NULL));
	assert_true(parallel_for(50, 4, stop_at_50, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_index_once),
		cmocka_unit_test(test_thread_counts),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
