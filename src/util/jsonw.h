/* jsonw: a streaming JSON writer into a buf_t, for documents too large to
 * build as a tree first (exports of big guides). Output is pretty-printed
 * with two-space indentation, keys in the order written. */
#ifndef SOBRE_JSONW_H
#define SOBRE_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Appends s as a JSON string literal. Invalid UTF-8 becomes U+FFFD so the
 * output is always valid JSON. */
void jsonw_string(buf_t *out, const char *s, size_t len);

/* Indentation stops growing past this many levels, so that the output of a
 * deep document stays linear in its size (2 spaces per level on every line
 * would make it quadratic); deeper nesting is still written, valid. */
#define JSONW_MAX_DEPTH 32

typedef struct {
	buf_t *out;
	int depth;        /* nesting level, unbounded */
	bool first;       /* no member written yet in the innermost container */
	bool key_pending; /* a key was written; its value comes next */
} jsonw_t;

void jsonw_init(jsonw_t *w, buf_t *out);
void jsonw_object(jsonw_t *w); /* { */
void jsonw_array(jsonw_t *w);  /* [ */
void jsonw_end(jsonw_t *w, char close); /* } or ] */
/* The key of the next member of the current object. */
void jsonw_key(jsonw_t *w, const char *key);
void jsonw_str(jsonw_t *w, const char *s); /* NULL writes null */
void jsonw_num(jsonw_t *w, double n);
/* scaled / 10^places written with exactly `places` decimals (563, 1:
 * 56.3; -30, 1: -3.0; places 0 to 9), digit by digit from the integer: a
 * double cannot hold 56.3, and "%.17g" of the nearest one is
 * 56.299999999999997. */
void jsonw_decimal(jsonw_t *w, long long scaled, int places);
void jsonw_bool(jsonw_t *w, bool b);

#endif
