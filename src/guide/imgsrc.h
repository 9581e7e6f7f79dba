/* imgsrc: the images of a piece of HTML, as far as its tags go: each <img>
 * tag with its src and alt values, in the HTML Markdown renders or in the
 * raw HTML a page holds; and that HTML without the images a caller
 * refuses, each replaced by its alt text. Guide pages are trusted HTML:
 * this reads tags and quoted values, not a document (a tag cut by the end
 * of the text ends there). */
#ifndef SOBRE_IMGSRC_H
#define SOBRE_IMGSRC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct {
	size_t start, end;   /* the tag, s[start, end): '<' to '>' included */
	bool has_src;        /* a src attribute, maybe empty */
	size_t src, src_len; /* its value as written (entities not decoded) */
	size_t alt, alt_len; /* the alt attribute's value as written; 0, 0: none */
} imgsrc_tag_t;

/* The first <img> tag (any case) starting at or after from in s[0, n):
 * fills *tag and returns true, or returns false. */
bool imgsrc_next(const char *s, size_t n, size_t from, imgsrc_tag_t *tag);

/* An attribute value as the browser reads it: character references
 * decoded (those entity_decode knows; others stay as written), appended to
 * out. */
void imgsrc_value(const char *s, size_t n, buf_t *out);

/* keep(src, len, ud) says whether an image stays; src is its value
 * decoded (imgsrc_value), NUL-terminated, borrowed for the call. */
typedef bool (*imgsrc_keep_fn)(const char *src, size_t len, void *ud);

/* Appends html[0, n) to out, each <img> that keep refuses replaced by its
 * alt value (already escaped, as written in the attribute; '<' and '>' in
 * it escaped again). Returns the number of images dropped. */
size_t imgsrc_strip(const char *html, size_t n, imgsrc_keep_fn keep, void *ud, buf_t *out);

#endif
