/* utf8: validation and decoding of UTF-8 text, with the position of the
 * first bad byte so diagnostics can point at it. */
#ifndef SOBRE_UTF8_H
#define SOBRE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates).
 * Otherwise *bad is the offset of the first invalid byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad);
/* Decode one code point at s (len > 0); returns bytes consumed (1 for an invalid byte, cp = 0xFFFD). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Number of code points in s (invalid bytes count as one each). */
size_t utf8_length(const char *s, size_t len);
/* 1-based line and column (in code points) of byte offset off in s. */
void utf8_line_col(const char *s, size_t len, size_t off, int *line, int *col);

/* Case-insensitive substring search, folding ASCII and Latin-1 capitals
 * (É matches é), for filters typed by people. */
bool utf8_contains_fold(const char *haystack, const char *needle);
#endif
