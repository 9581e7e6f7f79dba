/* markdown: Markdown -> HTML, matching what markdown-it 13 produced for the old
 * Eleventy site (html, tables, strikethrough, linkify, breaks, French typographer).
 * md4c parses; this module owns the rendering: which text linkify
 * (guide/linkify) and the typographer (guide/typography) see, and the HTML. */
#ifndef SOBRE_MARKDOWN_H
#define SOBRE_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* A link or image destination met while rendering. href is the destination as
 * written (entities and escapes decoded, not percent-encoded; "http://" or
 * "mailto:" prepended for bare URLs found by linkify); it is only valid during
 * the callback. line/col (1-based, col in characters) locate the destination
 * in src, or the link text when md4c rewrote the destination; 0 when unknown.
 * image: the source of an image, a Markdown one or the src of an <img> tag
 * in raw HTML (a tag within one line of the source: a tag cut across lines
 * is not seen). */
typedef struct {
	const char *href;
	size_t href_len;
	int line;
	int col;
	bool image;
} md_link_t;

typedef void (*md_link_fn)(const md_link_t *link, void *ud);

enum {
	MD_OPT_NOHTML = 1, /* raw HTML is not recognised, so it comes out escaped:
			      for text typed by users in the web app */
	MD_OPT_NOTYPO = 2, /* no typographer (quotes, dashes, ellipsis, (c)...) */
	MD_OPT_NOLINKIFY = 4, /* bare URLs stay text: for passes that only want the
				 written links (check's broken-link rule) */
	MD_OPT_NOREMOTEIMG = 8, /* an image on another host (any scheme, data: too,
				   or "//host") becomes a link to it, its alt text
				   (else its URL) as the link's text, or that text
				   alone inside a link: for text typed by users in
				   the web app, whose page must not ask other hosts */
};

/* Renders src (UTF-8, not NUL-terminated) to HTML appended to out. on_link may
 * be NULL. Work and memory are linear in len. Returns 0, or -1 if md4c failed
 * or len does not fit md4c's 32-bit sizes (then out holds a partial result). */
int md_render(const char *src, size_t len, unsigned opts, buf_t *out,
	      md_link_fn on_link, void *ud);

#endif
