/* http: decoding and parsing of request parts. */
#include "web/http.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

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

int http_decode(const char *s, size_t n, bool plus_is_space, buf_t *out)
{
	size_t start = out->len;
	buf_grow(out, n);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int a = i + 1 < n ? hexval(s[i + 1]) : -1, b = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (a < 0 || b < 0)
				return -1;
			c = (char)(a * 16 + b);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		buf_putc(out, c);
	}
	if (!utf8_valid(out->ptr + start, out->len - start, NULL))
		return -1;
	return 0;
}

void http_params_add(http_params_t *p, const char *name, size_t nlen, const char *value, size_t vlen)
{
	p->items = xgrow(p->items, &p->cap, p->len + 1, sizeof *p->items);
	p->items[p->len].name = xstrndup(name, nlen);
	p->items[p->len].value = xstrndup(value, vlen);
	p->len++;
}

void http_params_add_text(http_params_t *p, const char *name, size_t nlen, const char *value, size_t vlen)
{
	size_t nn, vn;
	char *nname = utf8_nfc_new(name, nlen, &nn), *nvalue = utf8_nfc_new(value, vlen, &vn);
	http_params_add(p, nname ? nname : name, nname ? nn : nlen, nvalue ? nvalue : value, nvalue ? vn : vlen);
	free(nname);
	free(nvalue);
}

int http_parse_urlencoded(const char *s, size_t n, http_params_t *out)
{
	buf_t name = BUF_INIT, value = BUF_INIT;
	int rc = 0;
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			if (out->len >= HTTP_MAX_PARAMS) {
				rc = -1;
				break;
			}
			const char *eq = memchr(s + i, '=', end - i);
			size_t nl = eq ? (size_t)(eq - (s + i)) : end - i;
			buf_reset(&name);
			buf_reset(&value);
			if (http_decode(s + i, nl, true, &name) != 0 ||
			    (eq && http_decode(eq + 1, end - i - nl - 1, true, &value) != 0)) {
				rc = -1;
				break;
			}
			http_params_add_text(out, buf_cstr(&name), name.len, buf_cstr(&value), value.len);
		}
		i = end + 1;
	}
	buf_free(&name);
	buf_free(&value);
	return rc;
}

int http_parse_cookies(const char *s, size_t n, http_params_t *out)
{
	size_t i = 0;
	int skipped = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == ';'))
			i++;
		size_t end = i;
		while (end < n && s[end] != ';')
			end++;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			/* The whole pair, before trimming and unquoting move its ends. */
			bool bad = !eq;
			for (size_t k = i; k < end && !bad; k++)
				bad = (unsigned char)s[k] < 0x20 && s[k] != '\t';
			if (bad) {
				skipped++;
				i = end + 1;
				continue;
			}
			if (out->len >= HTTP_MAX_PARAMS)
				return -1;
			size_t nl = (size_t)(eq - (s + i)), vl = end - i - nl - 1;
			while (nl > 0 && s[i + nl - 1] == ' ')
				nl--;
			const char *v = eq + 1;
			while (vl > 0 && v[vl - 1] == ' ')
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			http_params_add(out, s + i, nl, v, vl);
		}
		i = end + 1;
	}
	return skipped;
}

bool http_forwarded_client(const char *xff, char *out, size_t cap)
{
	if (!xff)
		return false;
	const char *start = strrchr(xff, ',');
	start = start ? start + 1 : xff;
	while (*start == ' ' || *start == '\t')
		start++;
	size_t n = strlen(start);
	while (n && (start[n - 1] == ' ' || start[n - 1] == '\t'))
		n--;
	char addr[INET6_ADDRSTRLEN];
	if (n == 0 || n >= sizeof addr || n >= cap)
		return false;
	memcpy(addr, start, n);
	addr[n] = '\0';
	unsigned char bin[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1)
		return false;
	memcpy(out, addr, n + 1);
	return true;
}

bool http_media_type_is(const char *ct, const char *type)
{
	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	size_t n = strlen(type);
	for (size_t i = 0; i < n; i++) {
		char c = ct[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != type[i])
			return false;
	}
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t';
}

const char *http_param(const http_params_t *p, const char *name)
{
	for (size_t i = 0; i < p->len; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return p->items[i].value;
	return NULL;
}

void http_params_free(http_params_t *p)
{
	for (size_t i = 0; i < p->len; i++) {
		free(p->items[i].name);
		free(p->items[i].value);
	}
	free(p->items);
	p->items = NULL;
	p->len = p->cap = 0;
}

int http_clean_path(const char *raw, size_t n, bool decode, buf_t *out)
{
	buf_t dec = BUF_INIT;
	int rc = -1;
	if (n == 0 || raw[0] != '/')
		goto cleanup;
	if (decode) {
		if (http_decode(raw, n, false, &dec) != 0)
			goto cleanup;
	} else {
		if (memchr(raw, '\0', n) || !utf8_valid(raw, n, NULL))
			goto cleanup;
		buf_put(&dec, raw, n);
	}
	buf_reset(out);
	const char *p = dec.ptr, *end = dec.ptr + dec.len;
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		const char *seg = p;
		while (p < end && *p != '/')
			p++;
		size_t len = (size_t)(p - seg);
		if (len == 0)
			break;
		if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.') ||
		    memchr(seg, '\\', len))
			goto cleanup;
		buf_putc(out, '/');
		buf_put(out, seg, len);
	}
	/* A trailing slash is meaningful (folder URLs): keep one. */
	if (out->len == 0 || dec.ptr[dec.len - 1] == '/')
		buf_putc(out, '/');
	rc = 0;
cleanup:
	buf_free(&dec);
	return rc;
}

void http_encode(const char *s, size_t n, buf_t *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("-_.~", c))) {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}
