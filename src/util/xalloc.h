/* xalloc: the out-of-memory policy, decided once.
 * Allocation failure aborts with a message: sobre's inputs are bounded (see
 * docs/limits.md), so running out of memory is an environment failure, not bad input. */
#ifndef SOBRE_XALLOC_H
#define SOBRE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` elements of `size` bytes; updates *cap. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
