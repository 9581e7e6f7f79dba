/* bytescan: see bytescan.h. */
#include "util/bytescan.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t bytescan_any_bytewise(const char *s, size_t n, const char *set, size_t nset)
{
	if (n < 32) {
		/* Too short to pay for the table. */
		for (size_t i = 0; i < n; i++)
			if (memchr(set, s[i], nset))
				return i;
		return n;
	}
	unsigned char in[256] = {0};
	for (size_t k = 0; k < nset; k++)
		in[(unsigned char)set[k]] = 1;
	for (size_t i = 0; i < n; i++)
		if (in[(unsigned char)s[i]])
			return i;
	return n;
}

size_t bytescan_any(const char *s, size_t n, const char *set, size_t nset)
{
#ifdef __SSE2__
	if (n >= 16 && nset >= 1 && nset <= BYTESCAN_MAX_SET) {
		__m128i pat[BYTESCAN_MAX_SET];
		for (size_t k = 0; k < nset; k++)
			pat[k] = _mm_set1_epi8(set[k]);
		size_t i = 0;
		for (;;) {
			/* The last block overlaps the one before rather than
			 * reading past the end: bytes seen twice hold no match. */
			if (i + 16 > n)
				i = n - 16;
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i m = _mm_cmpeq_epi8(x, pat[0]);
			for (size_t k = 1; k < nset; k++)
				m = _mm_or_si128(m, _mm_cmpeq_epi8(x, pat[k]));
			unsigned bits = (unsigned)_mm_movemask_epi8(m);
			if (bits)
				return i + (size_t)__builtin_ctz(bits);
			if (i + 16 >= n)
				return n;
			i += 16;
		}
	}
#endif
	return bytescan_any_bytewise(s, n, set, nset);
}
