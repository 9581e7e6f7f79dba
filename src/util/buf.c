/* buf: growable byte string with amortised doubling. */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytescan.h"
#include "util/xalloc.h"

void buf_grow(buf_t *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	/* cap > 0 only once ptr is allocated; checking both says so to the
	 * static analyser, which otherwise assumes a NULL ptr with room in it. */
	if (need <= b->cap && b->ptr)
		return;
	b->ptr = xgrow(b->ptr, &b->cap, need, 1);
}

void buf_put(buf_t *b, const char *s, size_t n)
{
	if (n == 0 && b->ptr)
		return;
	buf_grow(b, n);
	if (n)
		memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(buf_t *b, char c)
{
	buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_put(b, tmp, (size_t)n);
		return;
	}
	buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_put_html(buf_t *b, const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t j = i + bytescan_any(s + i, n - i, "&<>\"'", 5);
		buf_put(b, s + i, j - i);
		if (j == n)
			return;
		switch (s[j]) {
		case '&': buf_put(b, "&amp;", 5); break;
		case '<': buf_put(b, "&lt;", 4); break;
		case '>': buf_put(b, "&gt;", 4); break;
		case '"': buf_put(b, "&quot;", 6); break;
		default: buf_put(b, "&#39;", 5); break;
		}
		i = j + 1;
	}
}

void buf_truncate(buf_t *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

const char *buf_cstr(const buf_t *b)
{
	return b->ptr ? b->ptr : "";
}

char *buf_detach(buf_t *b)
{
	char *p = b->ptr ? b->ptr : xstrdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_reset(buf_t *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void buf_free(buf_t *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}
