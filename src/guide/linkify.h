/* linkify: finds the bare links in a text the way markdown-it 13's linkify
 * (linkify-it 4.0.1 with its default options) finds them: http(s):, ftp:,
 * mailto: and protocol-relative //host links, and "fuzzy" ones, host names
 * (www.x.fr, data.gouv.fr) and e-mail addresses whose last label is a known
 * top-level domain. Not done: IPv4 e-mail hosts, punycode. This module only
 * finds them; markdown.c decides which text is searched and writes the
 * links. */
#ifndef SOBRE_LINKIFY_H
#define SOBRE_LINKIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef enum {
	LINKIFY_SCHEMA, /* written with its scheme (http://x, mailto:a@b, //x) */
	LINKIFY_FUZZY,	/* a host and maybe a path: "http://" goes before it */
	LINKIFY_EMAIL,	/* an e-mail address: "mailto:" goes before it */
} linkify_kind_t;

typedef struct {
	size_t start, end; /* the link's text: s[start, end) */
	linkify_kind_t kind;
	/* markdown-it's inline linkify rule (http:, https:, ftp: after anything
	 * but [a-z0-9.+-]) would have found it first: trailing '*' are left out
	 * of end, and a preceding escape does not matter. */
	bool inline_rule;
} linkify_match_t;

/* A scan of one text for its links, from left to right. The fields are the
 * scan's own: set them with linkify_init. */
typedef struct {
	const char *s;
	size_t n;
	size_t pos;	/* where the next search starts */
	size_t hint;	/* next place a fuzzy link may start (SIZE_MAX: none) */
	const char *at; /* next '@' at or after pos, or NULL */
	bool schemes;   /* s holds a ':' or "//": a scheme may be in it */
} linkify_t;

/* linkify-it's pretest() over a block's whole inline source, as markdown-it
 * runs it: false when s[0..n) holds no scheme, no '@' and no host-like
 * "www.", "localhost" or ".tld": then nothing in the block is linkified. */
bool linkify_pretest(const char *s, size_t n);

/* Starts a scan of s[0..n), which must stay unchanged until the scan ends. */
void linkify_init(linkify_t *lk, const char *s, size_t n);

/* The next link, leftmost first (linkify-it's match(): a link is searched for
 * in the text after the previous one, as if that text began there). Returns
 * false when there is none left. The whole scan is linear in n. */
bool linkify_next(linkify_t *lk, linkify_match_t *m);

/* Appends the URL of m, a match in s: its text, after "http://" for a fuzzy
 * link or "mailto:" for an e-mail address, not yet normalised (mdurl). */
void linkify_url(const char *s, const linkify_match_t *m, buf_t *out);

#endif
