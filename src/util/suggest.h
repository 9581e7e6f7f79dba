/* suggest: "did you mean" — the closest candidate to a misspelt word, by edit
 * distance over code points, ignoring case and Unicode composition. */
#ifndef SOBRE_SUGGEST_H
#define SOBRE_SUGGEST_H

#include <stddef.h>

/* Edit distance (Levenshtein) between two UTF-8 strings, capped at limit+1. */
size_t suggest_distance(const char *a, const char *b, size_t limit);
/* The candidate closest to word when close enough to be a likely typo
 * (distance <= max(2, length/3)) and not equal to it; NULL otherwise. Borrowed. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
