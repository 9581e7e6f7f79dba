/* strset: a set of byte strings, each kept with a number given when it was
 * added (a line, an index). Lookups and additions cost O(1) on average
 * whatever the keys: open addressing with linear probing, at most half
 * full, over a keyed hash (SipHash-2-4, libsodium's crypto_shorthash) with a
 * random key per set, so that keys crafted to share a slot (hash flooding)
 * cannot make a set of n keys cost n^2. Keys are copied. */
#ifndef SOBRE_STRSET_H
#define SOBRE_STRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strset strset_t;

/* A new empty set. Caller frees with strset_free. */
strset_t *strset_new(void);
/* Frees the set and its copies of the keys; NULL is fine. */
void strset_free(strset_t *s);

/* Adds key[0..len) (any bytes, NUL included; key not NULL) with value and
 * returns true; when the key is already there, changes nothing, returns
 * false and gives the value it was first added with in *first (may be NULL). */
bool strset_add(strset_t *s, const char *key, size_t len, size_t value, size_t *first);
/* Whether key[0..len) is in the set; its value in *value (may be NULL). */
bool strset_get(const strset_t *s, const char *key, size_t len, size_t *value);
/* The number of keys. */
size_t strset_len(const strset_t *s);

#endif
