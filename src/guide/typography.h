/* typography: markdown-it 13's typographer as the old site configured it
 * (typographer: true, quotes: French guillemets with no-break spaces):
 * "replacements" ((c) (tm) (r), +-, ..., ?.. !.., ????, ,,, -- and ---) on
 * one text, and "smartquotes" over a block's inline content, where quotes
 * pair across emphasis but not across nesting levels: "mot" becomes
 * «\u00A0mot\u00A0», 'mot' ‹\u00A0mot\u00A0› and the apostrophe of l'été ’.
 * markdown.c decides which text gets them (not code, not URLs). */
#ifndef SOBRE_TYPOGRAPHY_H
#define SOBRE_TYPOGRAPHY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* The replacements on s[0..n), appended to out; returns false, out
 * untouched, when none applies (nearly always: the text then stays as it is
 * without a copy). */
bool typo_replace(const char *s, size_t n, buf_t *out);

/* One piece of a block's inline content, in order, as smartquotes sees it
 * (markdown-it's inline tokens). */
typedef enum {
	TYPO_TEXT,  /* text whose quotes are replaced */
	TYPO_OTHER, /* content only read around quotes: code, inline HTML, an
		       escaped character or entity, an image's alt text */
	TYPO_BREAK, /* a line break: a space to the quotes around it */
	TYPO_OPEN,  /* opening markup (em, strong, s, a): one level deeper */
	TYPO_CLOSE, /* closing markup: one level up */
} typo_kind_t;

typedef struct {
	typo_kind_t kind;
	const char *s; /* content of TEXT and OTHER */
	size_t len;
} typo_piece_t;

/* Scratch memory for typo_quotes, kept from one block to the next. */
typedef struct typo typo_t;

typo_t *typo_new(void);
void typo_free(typo_t *ty);

/* Called by typo_quotes for each TEXT piece whose quotes were replaced, in
 * order: text[0..len) is its new content, valid during the call only. */
typedef void (*typo_rewrite_fn)(size_t piece, const char *text, size_t len, void *ud);

/* Smartquotes over pieces[0..n): reads every piece, then calls rewrite; so
 * the callback may move the memory the pieces point into. Linear in the
 * pieces' length. */
void typo_quotes(typo_t *ty, const typo_piece_t *pieces, size_t n, typo_rewrite_fn rewrite, void *ud);

/* The whole typographer (replacements, then quotes) on plain text, e.g. a
 * title: appends s[0..n) typeset to out, not HTML-escaped. */
void typo_text(const char *s, size_t n, buf_t *out);

#endif
