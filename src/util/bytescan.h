/* bytescan: finding the first byte of a small set in a byte string, sixteen
 * bytes at a time where the processor has SSE2 (every x86-64), one table
 * entry per byte elsewhere. The build's text passes (HTML escaping, the
 * typographer's and linkify's searches) look for a handful of ASCII bytes
 * that most texts hold few of; a byte-at-a-time loop was a tenth of the
 * 10,000-sheet build's instructions. No state, no allocation. */
#ifndef SOBRE_BYTESCAN_H
#define SOBRE_BYTESCAN_H

#include <stddef.h>

/* The most bytes a set may hold. */
#define BYTESCAN_MAX_SET 8

/* The index in s[0..n) of the first byte that is one of set[0..nset)
 * (1 <= nset <= BYTESCAN_MAX_SET; any bytes, NUL included), or n when
 * there is none. Reads no byte outside s[0..n). */
size_t bytescan_any(const char *s, size_t n, const char *set, size_t nset);

/* The same, one byte at a time: what bytescan_any does where SSE2 is
 * missing; public so that the tests compare both on every machine. */
size_t bytescan_any_bytewise(const char *s, size_t n, const char *set, size_t nset);

#endif
