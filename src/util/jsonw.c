/* jsonw: escaping and layout (the same as jansson's JSON_INDENT(2)). */
#include "util/jsonw.h"

#include <string.h>

#include "util/utf8.h"

void jsonw_string(buf_t *out, const char *s, size_t len)
{
	buf_putc(out, '"');
	size_t start = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char tmp[8];
		size_t n = 1;
		if (c == '"')
			rep = "\\\"";
		else if (c == '\\')
			rep = "\\\\";
		else if (c == '\n')
			rep = "\\n";
		else if (c == '\r')
			rep = "\\r";
		else if (c == '\t')
			rep = "\\t";
		else if (c == '\b')
			rep = "\\b";
		else if (c == '\f')
			rep = "\\f";
		else if (c < 0x20) {
			static const char hex[] = "0123456789abcdef";
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hex[c >> 4];
			tmp[5] = hex[c & 15];
			tmp[6] = '\0';
			rep = tmp;
		} else if (c >= 0x80) {
			uint32_t cp;
			n = utf8_decode(s + i, len - i, &cp);
			if (cp == 0xFFFD && n == 1)
				rep = "\xEF\xBF\xBD";
		}
		if (rep) {
			buf_put(out, s + start, i - start);
			buf_puts(out, rep);
			start = i + n;
		}
		i += n;
	}
	buf_put(out, s + start, len - start);
	buf_putc(out, '"');
}

void jsonw_init(jsonw_t *w, buf_t *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
}

static void indent(jsonw_t *w)
{
	buf_putc(w->out, '\n');
	for (int i = 0; i < w->depth && i < JSONW_MAX_DEPTH; i++)
		buf_puts(w->out, "  ");
}

/* Before a value: a comma and a new line inside arrays; nothing after a key. */
static void before_value(jsonw_t *w)
{
	if (w->key_pending) {
		w->key_pending = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first)
		buf_putc(w->out, ',');
	w->first = false;
	indent(w);
}

/* One flag is enough, not one per level: a container being closed is a
 * member of its parent, so after any close the parent is never empty. (A
 * fixed array of flags stopped at JSONW_MAX_DEPTH levels and, past it, lost
 * commas: invalid JSON.) */
static void open_container(jsonw_t *w, char c)
{
	before_value(w);
	buf_putc(w->out, c);
	w->depth++;
	w->first = true;
}

void jsonw_object(jsonw_t *w)
{
	open_container(w, '{');
}

void jsonw_array(jsonw_t *w)
{
	open_container(w, '[');
}

void jsonw_end(jsonw_t *w, char close)
{
	bool empty = w->first;
	if (w->depth > 0)
		w->depth--;
	if (!empty)
		indent(w);
	buf_putc(w->out, close);
	w->first = false;
}

void jsonw_key(jsonw_t *w, const char *key)
{
	before_value(w);
	jsonw_string(w->out, key, strlen(key));
	buf_puts(w->out, ": ");
	w->key_pending = true;
}

void jsonw_str(jsonw_t *w, const char *s)
{
	before_value(w);
	if (s)
		jsonw_string(w->out, s, strlen(s));
	else
		buf_puts(w->out, "null");
}

void jsonw_num(jsonw_t *w, double n)
{
	before_value(w);
	buf_printf(w->out, "%.17g", n);
}

void jsonw_decimal(jsonw_t *w, long long scaled, int places)
{
	before_value(w);
	if (places < 0)
		places = 0;
	if (places > 9)
		places = 9;
	unsigned long long p = 1, mag = scaled < 0 ? 0ULL - (unsigned long long)scaled : (unsigned long long)scaled;
	for (int i = 0; i < places; i++)
		p *= 10;
	buf_printf(w->out, "%s%llu", scaled < 0 ? "-" : "", mag / p);
	if (places)
		buf_printf(w->out, ".%0*llu", places, mag % p);
}

void jsonw_bool(jsonw_t *w, bool b)
{
	before_value(w);
	buf_puts(w->out, b ? "true" : "false");
}
