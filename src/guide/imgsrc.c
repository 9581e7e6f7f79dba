/* imgsrc: <img> tags found in HTML, and HTML without some of them. */
#include "guide/imgsrc.h"

#include <string.h>
#include <strings.h>

#include "guide/entity.h"

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Reads the attributes of the tag whose name ends at i, up to its '>'. */
static void read_attrs(const char *s, size_t n, size_t i, imgsrc_tag_t *tag)
{
	while (i < n && s[i] != '>') {
		if (space(s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		size_t name = i;
		while (i < n && !space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
			i++;
		size_t name_len = i - name;
		while (i < n && space(s[i]))
			i++;
		size_t v = i, v_len = 0;
		if (i < n && s[i] == '=') {
			i++;
			while (i < n && space(s[i]))
				i++;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i++];
				v = i;
				while (i < n && s[i] != q)
					i++;
				v_len = i - v;
				if (i < n)
					i++;
			} else {
				v = i;
				while (i < n && !space(s[i]) && s[i] != '>')
					i++;
				v_len = i - v;
			}
		}
		if (name_len == 3 && strncasecmp(s + name, "src", 3) == 0 && !tag->has_src) {
			tag->has_src = true;
			tag->src = v;
			tag->src_len = v_len;
		} else if (name_len == 3 && strncasecmp(s + name, "alt", 3) == 0 && !tag->alt_len) {
			tag->alt = v;
			tag->alt_len = v_len;
		}
	}
	tag->end = i < n ? i + 1 : n;
}

bool imgsrc_next(const char *s, size_t n, size_t from, imgsrc_tag_t *tag)
{
	for (size_t i = from; i + 4 <= n; i++) {
		const char *lt = memchr(s + i, '<', n - i);
		if (!lt)
			return false;
		i = (size_t)(lt - s);
		if (i + 4 > n)
			return false;
		if (strncasecmp(s + i + 1, "img", 3) != 0 || (i + 4 < n && !space(s[i + 4]) && s[i + 4] != '/' &&
							       s[i + 4] != '>'))
			continue;
		memset(tag, 0, sizeof *tag);
		tag->start = i;
		read_attrs(s, n, i + 4, tag);
		return true;
	}
	return false;
}

void imgsrc_value(const char *s, size_t n, buf_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '&') {
			const char *semi = memchr(s + i, ';', n - i < 34 ? n - i : 34);
			if (semi && entity_decode(s + i, (size_t)(semi - (s + i)) + 1, out)) {
				i = (size_t)(semi - s);
				continue;
			}
		}
		buf_putc(out, s[i]);
	}
}

size_t imgsrc_strip(const char *html, size_t n, imgsrc_keep_fn keep, void *ud, buf_t *out)
{
	size_t dropped = 0, at = 0;
	imgsrc_tag_t tag;
	buf_t src = BUF_INIT;
	while (imgsrc_next(html, n, at, &tag)) {
		buf_reset(&src);
		imgsrc_value(html + tag.src, tag.src_len, &src);
		if (!tag.has_src || keep(buf_cstr(&src), src.len, ud)) {
			buf_put(out, html + at, tag.end - at);
		} else {
			buf_put(out, html + at, tag.start - at);
			for (size_t i = tag.alt; i < tag.alt + tag.alt_len; i++) {
				if (html[i] == '<')
					buf_puts(out, "&lt;");
				else if (html[i] == '>')
					buf_puts(out, "&gt;");
				else
					buf_putc(out, html[i]);
			}
			dropped++;
		}
		at = tag.end;
	}
	buf_put(out, html + at, n - at);
	buf_free(&src);
	return dropped;
}
