/* utf8: the program's one UTF-8 codec: validation, with the position of the
 * first bad byte so diagnostics can point at it, decoding (forwards and
 * backwards) and encoding; Unicode normalization
 * (NFC) and case folding, by utf8proc, for text entering sobre and for
 * comparing names. */
#ifndef SOBRE_UTF8_H
#define SOBRE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates).
 * Otherwise *bad is the offset of the first invalid byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad);
/* U+FFFD REPLACEMENT CHARACTER, what an invalid byte decodes to. */
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Decode one code point at s (len > 0); returns bytes consumed (1 for an invalid byte, cp = 0xFFFD). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* utf8_decode with ASCII, most of any text, decoded inline: for the loops
 * that read every character of a text. */
static inline size_t utf8_next(const char *s, size_t len, uint32_t *cp)
{
	if ((unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	return utf8_decode(s, len, cp);
}
/* Decode the code point that ends at s + len (len > 0), for scans that look
 * at the character before a position; returns its length in bytes (1 and
 * cp = 0xFFFD when the bytes before s + len do not end a valid sequence). */
size_t utf8_decode_last(const char *s, size_t len, uint32_t *cp);
/* Appends the UTF-8 encoding of cp, a Unicode scalar value (not a surrogate,
 * at most 0x10FFFF), to out. */
void utf8_put(buf_t *out, uint32_t cp);
/* Number of code points in s (invalid bytes count as one each). */
size_t utf8_length(const char *s, size_t len);
/* 1-based line and column (in code points) of byte offset off in s. */
void utf8_line_col(const char *s, size_t len, size_t off, int *line, int *col);

/* Longest run of combining marks normalized: utf8proc puts a run in
 * canonical order by swapping neighbours, quadratic in its length (80,000
 * marks took 13 s). Real text has a few marks per letter; UAX #15's
 * stream-safe format allows 30. A longer run, and the letter it sits on,
 * is left as written. */
#define UTF8_MAX_MARKS 32

/* Unicode Normalization Form C: "e" + U+0301 (what macOS and some editors
 * write) becomes "é", so text that looks the same is the same bytes.
 * Returns s[0..n) in NFC as a new NUL-terminated string of *outlen bytes,
 * or NULL when s is to be used as it is: already in NFC (pure ASCII or
 * composed text costs one pass and no allocation) or not valid UTF-8 (left
 * for the caller's own validation to report). Caller frees. */
char *utf8_nfc_new(const char *s, size_t n, size_t *outlen);
/* A copy of the string s in NFC (as it is when not valid UTF-8). Caller frees. */
char *utf8_nfc_strdup(const char *s);
/* Appends s[0..n) in NFC to out (unchanged when not valid UTF-8). */
void utf8_nfc(const char *s, size_t n, buf_t *out);
/* Appends the comparison form of a name: NFC with full Unicode case
 * folding ("ÉNERGIE", "énergie" and "e" + U+0301 + "nergie" give the same
 * bytes). Accents are kept: "ete" and "été" stay different. */
void utf8_casefold(const char *s, size_t n, buf_t *out);
/* True for a combining mark (Unicode general category M: accents and the
 * like, which attach to the character before them). */
bool utf8_is_mark(uint32_t cp);
/* True when a and b have the same utf8_casefold form. */
bool utf8_equal_fold(const char *a, const char *b);

/* Case-insensitive substring search on the utf8_casefold forms, for
 * filters typed by people. */
bool utf8_contains_fold(const char *haystack, const char *needle);
#endif
