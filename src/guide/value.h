/* value: the one data tree used for YAML front matter, _data files and template
 * contexts (null, bool, number, string, list, map), each node carrying the
 * file/line/column it came from. A tree owns all its nodes: free the root. */
#ifndef SOBRE_VALUE_H
#define SOBRE_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef enum {
	VAL_NULL,
	VAL_BOOL,
	VAL_NUMBER,
	VAL_STRING,
	VAL_LIST,
	VAL_MAP,
} val_kind_t;

typedef struct value value_t;

struct value {
	val_kind_t kind;
	int line, col;    /* 1-based source position; 0 for built values */
	const char *file; /* borrowed: the loader keeps file names alive */
	union {
		bool b;
		double num;
		struct {
			char *s; /* NUL-terminated, may contain NULs before len */
			size_t len;
			bool borrowed; /* s belongs to someone else (value_string_ref) */
		} str;
		struct {
			value_t **items;
			size_t len, cap;
		} list;
		struct {
			char **keys;
			value_t **vals;
			size_t len, cap;
			/* Hash index (slot -> position + 1) built once a map is large,
			 * so that building or reading a big mapping stays linear. */
			size_t *hidx;
			size_t hcap;
		} map;
	} u;
};

value_t *value_null(void);
value_t *value_bool(bool b);
value_t *value_number(double n);
value_t *value_string(const char *s, size_t len);
value_t *value_cstring(const char *s);
/* Takes ownership of s (malloc'd, NUL-terminated at len). */
value_t *value_string_own(char *s, size_t len);
/* Points at s without copying: s (NUL-terminated at len) must outlive the
 * value. For large texts lent to a template context. */
value_t *value_string_ref(const char *s, size_t len);
value_t *value_list(void);
value_t *value_map(void);
void value_free(value_t *v);
value_t *value_copy(const value_t *v);

/* Containers take ownership of the child. */
void value_list_push(value_t *list, value_t *item);
/* Replaces (and frees) a previous value under the same key. */
void value_map_set(value_t *map, const char *key, value_t *val);
value_t *value_map_take(value_t *map, const char *key);

/* Building a template context: a new list under key, returned borrowed; a
 * new map pushed on list, returned borrowed; n written as a decimal
 * string under key (templates print strings as they are). */
value_t *value_put_list(value_t *map, const char *key);
value_t *value_push_map(value_t *list);
void value_put_int(value_t *map, const char *key, long long n);

/* Borrowed lookups; NULL when absent or when v is not a map. */
const value_t *value_get(const value_t *map, const char *key);
const value_t *value_getn(const value_t *map, const char *key, size_t keylen);
/* Dotted path: "metadata.guideBonnesPratiques.version". */
const value_t *value_get_path(const value_t *root, const char *path, size_t len);
/* The string of a string value, or NULL. */
const char *value_str(const value_t *v);

/* Mustache truthiness: false, null, empty list and empty string are false. */
bool value_truthy(const value_t *v);
/* Scalar as text (numbers shortest round-trip, bools true/false, null empty). */
void value_to_text(const value_t *v, buf_t *out);
const char *value_kind_name(val_kind_t k);

#endif
