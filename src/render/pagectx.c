/* pagectx: moved out of site.c so that both sites encode and word the same
 * things the same way. */
#include "render/pagectx.h"

#include <stdio.h>
#include <string.h>

void pagectx_str(value_t *m, const char *key, const char *s)
{
	value_map_set(m, key, value_cstring(s ? s : ""));
}

void pagectx_ref(value_t *m, const char *key, const char *s)
{
	s = s ? s : "";
	value_map_set(m, key, value_string_ref(s, strlen(s)));
}

void pagectx_buf(value_t *m, const char *key, buf_t *b)
{
	size_t n = b->len;
	value_map_set(m, key, value_string_own(buf_detach(b), n));
}

/* The bytes a path keeps as they are: printable ASCII but for those that
 * would end or break a URL in an attribute (" < > ` { } # ? % \ ^ |);
 * every other byte, and all of 0x80-0xFF, is percent-encoded. */
static const unsigned char path_keeps[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
};

void pagectx_encode_path(const char *s, buf_t *out)
{
	static const char hex[] = "0123456789ABCDEF";
	/* Every URL of every page goes through here: runs of kept bytes are
	 * copied at once. */
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *run = p;
		while (*p < 0x80 && path_keeps[*p])
			p++;
		buf_put(out, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		buf_put(out, esc, 3);
		p++;
	}
}

void pagectx_encode_query(const char *s, buf_t *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-_.~", *p)) {
			buf_putc(out, (char)*p);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		}
	}
}

void pagectx_url(value_t *m, const char *key, const char *path)
{
	buf_t b = BUF_INIT;
	pagectx_encode_path(path ? path : "/", &b);
	pagectx_buf(m, key, &b);
}

void pagectx_encode_filter(const char *list_url, const char *param, const char *val, buf_t *out)
{
	pagectx_encode_path(list_url, out);
	buf_putc(out, '?');
	buf_puts(out, param);
	buf_putc(out, '=');
	pagectx_encode_query(val, out);
}

void pagectx_filter_url(value_t *m, const char *key, const char *list_url, const char *param, const char *val)
{
	buf_t b = BUF_INIT;
	pagectx_encode_filter(list_url, param, val, &b);
	pagectx_buf(m, key, &b);
}

void pagectx_date(value_t *m, const char *key, const char *iso)
{
	if (!iso || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-')
		return;
	value_t *d = value_map();
	char fr[11];
	snprintf(fr, sizeof fr, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	value_map_set(d, "iso", value_string(iso, 10));
	pagectx_str(d, "fr", fr);
	value_map_set(m, key, d);
}

const char *pagectx_dsfr_color(size_t rank)
{
	static const char *const colors[3] = {"green-emeraude", "brown-caramel", "purple-glycine"};
	return rank < 3 ? colors[rank] : "grey";
}
