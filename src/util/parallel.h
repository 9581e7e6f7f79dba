/* parallel: run fn(i) for i in [0, n) over a few threads pulling indexes from
 * a shared counter. Callers write only to per-index slots, so results never
 * depend on scheduling. */
#ifndef SOBRE_PARALLEL_H
#define SOBRE_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

/* fn returns false to stop the loop early (the other threads finish their
 * current item). threads <= 0 means one per core. Returns false if stopped. */
typedef bool (*parallel_fn)(size_t i, void *ud);
bool parallel_for(size_t n, int threads, parallel_fn fn, void *ud);

/* Threads to use for n items: one per core, at most 8, and fewer for small
 * jobs, where starting threads costs more than it saves. */
int parallel_threads(size_t n, size_t min_per_thread);

#endif
