/* parallel: a minimal work-sharing loop on POSIX threads. */
#include "util/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define PARALLEL_MAX_THREADS 8

typedef struct {
	size_t n;
	parallel_fn fn;
	void *ud;
	atomic_size_t next;
	atomic_bool stop;
} job_t;

static void *run(void *arg)
{
	job_t *j = arg;
	while (!atomic_load(&j->stop)) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		if (!j->fn(i, j->ud))
			atomic_store(&j->stop, true);
	}
	return NULL;
}

int parallel_threads(size_t n, size_t min_per_thread)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	if (cores > PARALLEL_MAX_THREADS)
		cores = PARALLEL_MAX_THREADS;
	size_t useful = min_per_thread ? n / min_per_thread + 1 : n;
	return (size_t)cores < useful ? (int)cores : (int)useful;
}

bool parallel_for(size_t n, int threads, parallel_fn fn, void *ud)
{
	job_t j = {.n = n, .fn = fn, .ud = ud};
	atomic_init(&j.next, 0);
	atomic_init(&j.stop, false);
	if (threads <= 0)
		threads = parallel_threads(n, 1);
	if (threads > PARALLEL_MAX_THREADS)
		threads = PARALLEL_MAX_THREADS;
	pthread_t tids[PARALLEL_MAX_THREADS];
	int started = 0;
	for (int t = 1; t < threads; t++)
		if (pthread_create(&tids[started], NULL, run, &j) == 0)
			started++;
	run(&j); /* the calling thread works too */
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	return !atomic_load(&j.stop);
}
