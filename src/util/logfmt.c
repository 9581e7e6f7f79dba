#include "util/logfmt.h"

#include <stdbool.h>
#include <string.h>

void logfmt_kv(buf_t *b, const char *key, const char *v, size_t max)
{
	size_t n = strlen(v);
	if (n > max) {
		n = max;
		while (n && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	bool quote = n == 0 || strcspn(v, " \"=\\") < n;
	buf_printf(b, " %s=", key);
	if (quote)
		buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f)
			c = '?';
		else if (quote && (c == '"' || c == '\\'))
			buf_putc(b, '\\');
		buf_putc(b, (char)c);
	}
	if (quote)
		buf_putc(b, '"');
}
