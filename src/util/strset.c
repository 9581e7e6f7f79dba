/* strset: open addressing, linear probing, SipHash keyed per set. */
#include "util/strset.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

typedef struct {
	char *key; /* NULL: empty slot */
	size_t len;
	size_t value;
	uint64_t hash;
} slot_t;

struct strset {
	slot_t *slots;
	size_t cap; /* a power of two, 0 before the first key */
	size_t len;
	unsigned char seed[crypto_shorthash_KEYBYTES];
};

strset_t *strset_new(void)
{
	strset_t *s = xcalloc(1, sizeof *s);
	/* Without a source of randomness the seed stays zero: still linear on
	 * ordinary keys, only no longer safe from crafted ones. */
	if (sodium_init() >= 0)
		randombytes_buf(s->seed, sizeof s->seed);
	return s;
}

void strset_free(strset_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	free(s);
}

static uint64_t hash_of(const strset_t *s, const char *key, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	crypto_shorthash(out, (const unsigned char *)key, len, s->seed);
	memcpy(&h, out, sizeof h);
	return h;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find(const strset_t *s, const char *key, size_t len, uint64_t h)
{
	size_t mask = s->cap - 1, i = (size_t)h & mask;
	while (s->slots[i].key &&
	       !(s->slots[i].hash == h && s->slots[i].len == len && memcmp(s->slots[i].key, key, len) == 0))
		i = (i + 1) & mask;
	return i;
}

/* Doubles the table (16 slots at first), moving every key. */
static void grow(strset_t *s)
{
	slot_t *old = s->slots;
	size_t oldcap = s->cap;
	s->cap = oldcap ? oldcap * 2 : 16;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		size_t j = (size_t)old[i].hash & (s->cap - 1);
		while (s->slots[j].key)
			j = (j + 1) & (s->cap - 1);
		s->slots[j] = old[i];
	}
	free(old);
}

bool strset_add(strset_t *s, const char *key, size_t len, size_t value, size_t *first)
{
	if ((s->len + 1) * 2 > s->cap)
		grow(s);
	uint64_t h = hash_of(s, key, len);
	size_t i = find(s, key, len, h);
	if (s->slots[i].key) {
		if (first)
			*first = s->slots[i].value;
		return false;
	}
	char *copy = xmalloc(len + 1);
	memcpy(copy, key, len);
	copy[len] = '\0';
	s->slots[i] = (slot_t){copy, len, value, h};
	s->len++;
	return true;
}

bool strset_get(const strset_t *s, const char *key, size_t len, size_t *value)
{
	if (!s->len)
		return false;
	size_t i = find(s, key, len, hash_of(s, key, len));
	if (!s->slots[i].key)
		return false;
	if (value)
		*value = s->slots[i].value;
	return true;
}

size_t strset_len(const strset_t *s)
{
	return s->len;
}
