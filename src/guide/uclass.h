/* uclass: the Unicode character classes markdown-it 13 and linkify-it 4 test
 * with regexps, answered the way JavaScript answered them (uc.micro's tables,
 * which markdown-it ships, and JavaScript's \s), so that the typographer and
 * linkify find what the old site found. Not Unicode's own classes: for those,
 * util/utf8 asks utf8proc. */
#ifndef SOBRE_UCLASS_H
#define SOBRE_UCLASS_H

#include <stdbool.h>
#include <stdint.h>

/* Unicode category P (uc.micro), BMP only: JavaScript regexps see an astral
 * character as two surrogates, never as P. */
bool uc_is_punct(uint32_t c);

/* markdown-it's isMdAsciiPunct: ASCII punctuation and symbols, !"#...~ . */
static inline bool uc_is_ascii_punct(uint32_t c)
{
	return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
	       (c >= 0x7B && c <= 0x7E);
}

/* markdown-it's isWhiteSpace (what smartquotes calls a space). */
static inline bool uc_is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

/* JavaScript's \s and trim(): uc_is_space and the line and paragraph
 * separators and U+FEFF. */
static inline bool uc_is_js_space(uint32_t c)
{
	return uc_is_space(c) || c == 0x2028 || c == 0x2029 || c == 0xFEFF;
}

/* uc.micro's Z and Cc, linkify-it's separators around and inside links. */
static inline bool uc_is_zcc(uint32_t c)
{
	return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Z, P or Cc: what linkify-it's src_ZPCc matches. Inline, with ASCII
 * answered without the table: linkify asks it about every character. */
static inline bool uc_is_zpcc(uint32_t c)
{
	if (c >= 0x80)
		return uc_is_zcc(c) || uc_is_punct(c);
	/* P in ASCII: the ASCII punctuation but the symbols $ + < = > ^ ` | ~ */
	return c <= 0x20 || c == 0x7F ||
	       (uc_is_ascii_punct(c) && c != '$' && c != '+' && c != '<' && c != '=' && c != '>' && c != '^' &&
		c != '`' && c != '|' && c != '~');
}

#endif
