/* mdurl: ports of mdurl 1.0's encode and decode as markdown-it 13 calls them;
 * multi-byte characters go through util/utf8's decoder. */
#include "guide/mdurl.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

static const char hexdig[] = "0123456789ABCDEF";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte escaped as %XX at s[i], or -1. */
static int pct_at(const char *s, size_t n, size_t i)
{
	if (i + 2 >= n || s[i] != '%' || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
		return -1;
	return hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
}

static void put_pct(buf_t *out, unsigned char x)
{
	buf_putc(out, '%');
	buf_putc(out, hexdig[x >> 4]);
	buf_putc(out, hexdig[x & 15]);
}

void mdurl_encode(buf_t *out, const char *s, size_t n)
{
	static const char keep[] = ";/?:@&=+$,-_.!~*'()#";
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && pct_at(s, n, i) >= 0) {
			buf_put(out, s + i, 3);
			i += 3;
			continue;
		}
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c && strchr(keep, c))) {
			buf_putc(out, (char)c);
			i++;
			continue;
		}
		uint32_t cp;
		size_t adv = utf8_decode(s + i, n - i, &cp);
		const char *bytes = s + i;
		size_t nb = adv;
		if (cp == 0xFFFD && adv == 1 && c >= 0x80) {
			bytes = UTF8_REPLACEMENT;
			nb = 3;
		}
		for (size_t k = 0; k < nb; k++)
			put_pct(out, (unsigned char)bytes[k]);
		i += adv;
	}
}

void mdurl_decode_text(buf_t *out, const char *s, size_t n)
{
	static const char excl[] = ";/?:@&=+$,#%";
	size_t i = 0;
	while (i < n) {
		int b1 = pct_at(s, n, i);
		if (b1 < 0) {
			buf_putc(out, s[i++]);
			continue;
		}
		if (b1 < 0x80) {
			if (strchr(excl, b1))
				put_pct(out, (unsigned char)b1);
			else
				buf_putc(out, (char)b1);
			i += 3;
			continue;
		}
		/* mdurl decodes the longest valid sequence of escaped bytes, else
		 * one U+FFFD per byte: what util/utf8 does byte by byte. */
		char seq[4];
		size_t k = 0;
		for (int b; k < sizeof seq && (b = pct_at(s, n, i + 3 * k)) >= 0; k++)
			seq[k] = (char)b;
		uint32_t cp;
		size_t len = utf8_decode(seq, k, &cp);
		if (cp == 0xFFFD && len == 1)
			buf_puts(out, UTF8_REPLACEMENT);
		else
			buf_put(out, seq, len);
		i += 3 * len;
	}
}

bool mdurl_valid(const char *s, size_t n)
{
	static const char *const bad[] = {"vbscript:", "javascript:", "file:", "data:"};
	static const char *const good[] = {"data:image/gif;", "data:image/png;", "data:image/jpeg;", "data:image/webp;"};
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t l = strlen(bad[i]);
		if (n >= l && !strncasecmp(s, bad[i], l)) {
			for (size_t g = 0; g < sizeof good / sizeof good[0]; g++) {
				size_t gl = strlen(good[g]);
				if (n >= gl && !strncasecmp(s, good[g], gl))
					return true;
			}
			return false;
		}
	}
	return true;
}

bool mdurl_remote(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '/' && s[1] == '/')
		return true;
	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char ch = s[i];
		if (ch == ':')
			return true;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '+' ||
		      ch == '-' || ch == '.'))
			return false;
	}
	return false;
}
