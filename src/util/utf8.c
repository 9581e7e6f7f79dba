/* utf8: strict decoder (RFC 3629) used for validation, lengths and columns. */
#include "util/utf8.h"

#include <string.h>

size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (len < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = 0xFFFD;
	return 1;
}

bool utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

size_t utf8_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; n++) {
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
	}
	return n;
}

void utf8_line_col(const char *s, size_t len, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off;) {
		if (s[i] == '\n') {
			l++;
			c = 1;
			i++;
			continue;
		}
		uint32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		c++;
	}
	*line = l;
	*col = c;
}

static uint32_t fold(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		return cp + 0x20;
	return cp;
}

static bool match_at(const char *h, size_t hl, const char *n, size_t nl)
{
	size_t i = 0, j = 0;
	while (j < nl) {
		if (i >= hl)
			return false;
		uint32_t a, b;
		i += utf8_decode(h + i, hl - i, &a);
		j += utf8_decode(n + j, nl - j, &b);
		if (fold(a) != fold(b))
			return false;
	}
	return true;
}

bool utf8_contains_fold(const char *haystack, const char *needle)
{
	size_t hl = strlen(haystack), nl = strlen(needle);
	if (nl == 0)
		return true;
	for (size_t i = 0; i < hl;) {
		if (match_at(haystack + i, hl - i, needle, nl))
			return true;
		uint32_t cp;
		i += utf8_decode(haystack + i, hl - i, &cp);
	}
	return false;
}
