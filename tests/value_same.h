/* value_same: whether two value trees are the same to the last detail (kind,
 * text, number bits, file, line, column, key order), and where they first
 * differ, for the tests that hold yaml.c's fast path to libfyaml's.
 * Header-only, for tests and fuzz harnesses. */
#ifndef SOBRE_VALUE_SAME_H
#define SOBRE_VALUE_SAME_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "guide/value.h"

/* True when a and b are the same; otherwise why[0..size) says where (a path
 * such as "who[1]" and the two sides). */
static inline bool value_same(const value_t *a, const value_t *b, char *why, size_t size);

static inline bool value_same_at(const value_t *a, const value_t *b, char *path, size_t plen, size_t psize,
				 char *why, size_t size)
{
	const char *pa = plen ? path : "(root)";
	if (a->kind != b->kind) {
		snprintf(why, size, "%s: %s vs %s", pa, value_kind_name(a->kind), value_kind_name(b->kind));
		return false;
	}
	if (a->line != b->line || a->col != b->col) {
		snprintf(why, size, "%s: at %d:%d vs %d:%d", pa, a->line, a->col, b->line, b->col);
		return false;
	}
	if ((a->file == NULL) != (b->file == NULL) || (a->file && strcmp(a->file, b->file) != 0)) {
		snprintf(why, size, "%s: file %s vs %s", pa, a->file ? a->file : "(none)", b->file ? b->file : "(none)");
		return false;
	}
	switch (a->kind) {
	case VAL_NULL:
		return true;
	case VAL_BOOL:
		if (a->u.b == b->u.b)
			return true;
		snprintf(why, size, "%s: %d vs %d", pa, a->u.b, b->u.b);
		return false;
	case VAL_NUMBER:
		/* The bits: -0 is not 0, and a NaN is the same NaN. */
		if (memcmp(&a->u.num, &b->u.num, sizeof a->u.num) == 0)
			return true;
		snprintf(why, size, "%s: %.17g vs %.17g", pa, a->u.num, b->u.num);
		return false;
	case VAL_STRING:
		if (a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0)
			return true;
		snprintf(why, size, "%s: '%.*s' vs '%.*s'", pa, (int)a->u.str.len, a->u.str.s, (int)b->u.str.len,
			 b->u.str.s);
		return false;
	case VAL_LIST:
		if (a->u.list.len != b->u.list.len) {
			snprintf(why, size, "%s: %zu vs %zu items", pa, a->u.list.len, b->u.list.len);
			return false;
		}
		for (size_t i = 0; i < a->u.list.len; i++) {
			int n = snprintf(path + plen, psize - plen, "[%zu]", i);
			size_t sub = n < 0 || (size_t)n >= psize - plen ? psize - 1 : plen + (size_t)n;
			if (!value_same_at(a->u.list.items[i], b->u.list.items[i], path, sub, psize, why, size))
				return false;
			path[plen] = '\0';
		}
		return true;
	case VAL_MAP:
		if (a->u.map.len != b->u.map.len) {
			snprintf(why, size, "%s: %zu vs %zu keys", pa, a->u.map.len, b->u.map.len);
			return false;
		}
		for (size_t i = 0; i < a->u.map.len; i++) {
			if (strcmp(a->u.map.keys[i], b->u.map.keys[i]) != 0) {
				snprintf(why, size, "%s: key %zu is '%s' vs '%s'", pa, i, a->u.map.keys[i],
					 b->u.map.keys[i]);
				return false;
			}
			int n = snprintf(path + plen, psize - plen, "%s%s", plen ? "." : "", a->u.map.keys[i]);
			size_t sub = n < 0 || (size_t)n >= psize - plen ? psize - 1 : plen + (size_t)n;
			if (!value_same_at(a->u.map.vals[i], b->u.map.vals[i], path, sub, psize, why, size))
				return false;
			path[plen] = '\0';
		}
		return true;
	}
	snprintf(why, size, "%s: unknown kind", pa);
	return false;
}

static inline bool value_same(const value_t *a, const value_t *b, char *why, size_t size)
{
	char path[256] = "";
	return value_same_at(a, b, path, 0, sizeof path, why, size);
}

#endif
