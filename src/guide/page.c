/* page: front-matter splitting, text normalisation and permalinks. */
#include "guide/page.h"

#include <stdlib.h>
#include <string.h>

#include "guide/yaml.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* BOM gone, CRLF and lone CR turned into LF: the model of a CRLF file is the same as LF. */
static char *normalise(const char *src, size_t len, size_t *outlen)
{
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
		src += 3;
		len -= 3;
	}
	char *out = xmalloc(len + 1);
	size_t o = 0;
	/* Copied line by line where lines end with CR. */
	for (size_t i = 0; i < len;) {
		const char *cr = memchr(src + i, '\r', len - i);
		size_t run = cr ? (size_t)(cr - src) - i : len - i;
		memcpy(out + o, src + i, run);
		o += run;
		i += run;
		if (!cr)
			break;
		out[o++] = '\n';
		i += i + 1 < len && src[i + 1] == '\n' ? 2 : 1;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* A delimiter line is "---" with optional trailing blanks. */
static bool is_delim(const char *line, size_t n)
{
	if (n < 3 || memcmp(line, "---", 3) != 0)
		return false;
	for (size_t i = 3; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	return true;
}

char *page_default_url(const char *path)
{
	buf_t u = BUF_INIT;
	size_t len = strlen(path);
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		len = (size_t)(dot - path);
	const char *base = slash ? slash + 1 : path;
	size_t baselen = len - (size_t)(base - path);
	buf_putc(&u, '/');
	if (baselen == 5 && memcmp(base, "index", 5) == 0) {
		buf_put(&u, path, (size_t)(base - path));
	} else {
		buf_put(&u, path, len);
		buf_putc(&u, '/');
	}
	/* File names written on macOS come decomposed; links typed in pages
	 * (and read in NFC) must find them. */
	size_t n;
	char *nfc = utf8_nfc_new(u.ptr, u.len, &n);
	if (nfc) {
		buf_free(&u);
		return nfc;
	}
	return buf_detach(&u);
}

/* Appends the segments of url to out as "/a/b", each "." and empty segment
 * dropped and each ".." taking back the segment before it, never below where
 * out started. Returns whether the path ends as a folder: with '/', "." or
 * "..", or with no segment at all. */
static bool resolve_path(const char *url, buf_t *out)
{
	size_t floor = out->len;
	bool dir = true;
	const char *s = url;
	for (;;) {
		const char *end = strchr(s, '/');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			size_t k = out->len;
			while (k > floor && out->ptr[k - 1] != '/')
				k--;
			buf_truncate(out, k > floor ? k - 1 : floor);
			dir = true;
		} else if (n == 0 || (n == 1 && s[0] == '.')) {
			dir = true;
		} else {
			buf_putc(out, '/');
			buf_put(out, s, n);
			dir = false;
		}
		if (!end)
			return dir;
		s = end + 1;
	}
}

char *page_permalink_url(const char *permalink)
{
	buf_t u = BUF_INIT;
	bool dir = resolve_path(permalink, &u);
	/* Eleventy writes "x/" as x/index.html and serves it at /x/. */
	static const char index[] = "/index.html";
	size_t n = sizeof index - 1;
	if (!dir && u.len >= n && memcmp(u.ptr + u.len - n, index, n) == 0) {
		buf_truncate(&u, u.len - n);
		dir = true;
	}
	if (dir || u.len == 0)
		buf_putc(&u, '/');
	return buf_detach(&u);
}

void page_output_path(const char *url, buf_t *out)
{
	size_t start = out->len;
	bool dir = resolve_path(url, out);
	if (dir)
		buf_puts(out, "/index.html");
	/* Relative to the site's folder: without the leading '/'. */
	memmove(out->ptr + start, out->ptr + start + 1, out->len - start - 1);
	buf_truncate(out, out->len - 1);
}

void page_free(page_t *p)
{
	if (!p)
		return;
	value_free(p->fm);
	free(p->text);
	free(p->url);
	free(p->path);
	free(p);
}

page_t *page_parse(const char *path, const char *src, size_t len, diag_list_t *diags)
{
	page_t *p = xcalloc(1, sizeof *p);
	p->path = xstrdup(path);
	/* Positions count from after the BOM, as editors show them. */
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
		src += 3;
		len -= 3;
	}
	const char *file = p->path;
	size_t bad;

	if (len == 0) {
		diag_t *d = diag_add(diags, DIAG_ERROR, file, 1, 1, "empty-file", "the file is empty");
		diag_hint(d, "write a front matter between two '---' lines, or delete the file");
		goto fail;
	}
	const char *nul = memchr(src, '\0', len);
	if (nul) {
		int line, col;
		utf8_line_col(src, len, (size_t)(nul - src), &line, &col);
		diag_t *d = diag_add(diags, DIAG_ERROR, file, line, col, "binary-file",
				     "the file contains a NUL byte: it is not a text file");
		diag_hint(d, "only Markdown text files belong in the guide; move binary files out or rename them");
		goto fail;
	}
	if (!utf8_valid(src, len, &bad)) {
		int line, col;
		utf8_line_col(src, len, bad, &line, &col);
		diag_t *d = diag_add(diags, DIAG_ERROR, file, line, col, "not-utf8",
				     "invalid UTF-8 byte 0x%02X", (unsigned char)src[bad]);
		diag_hint(d, "save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)");
		goto fail;
	}
	p->text = normalise(src, len, &p->text_len);

	const char *t = p->text;
	const char *eol = strchr(t, '\n');
	size_t first = eol ? (size_t)(eol - t) : p->text_len;
	if (!is_delim(t, first)) {
		/* No front matter: a plain Markdown page. */
		p->fm = value_map();
		p->body_off = 0;
		p->body_line = 1;
		return p;
	}
	size_t fm_start = eol ? first + 1 : p->text_len;
	size_t pos = fm_start;
	int line = 2;
	bool closed = false;
	size_t fm_end = 0;
	while (pos < p->text_len) {
		const char *nl = memchr(t + pos, '\n', p->text_len - pos);
		size_t n = nl ? (size_t)(nl - (t + pos)) : p->text_len - pos;
		if (pos + n - fm_start > PAGE_MAX_FRONTMATTER) {
			pos += n;
			break;
		}
		if (is_delim(t + pos, n)) {
			closed = true;
			fm_end = pos;
			p->body_off = nl ? pos + n + 1 : p->text_len;
			p->body_line = line + 1;
			break;
		}
		pos += n + 1;
		line++;
	}
	if (!closed && pos - fm_start > PAGE_MAX_FRONTMATTER) {
		diag_t *d = diag_add(diags, DIAG_ERROR, file, 1, 1, "frontmatter-too-large",
				     "front matter is larger than %u bytes", PAGE_MAX_FRONTMATTER);
		diag_hint(d, "a sheet's front matter holds a few fields; move long text into the Markdown body");
		goto fail;
	}
	if (!closed) {
		diag_t *d = diag_add(diags, DIAG_ERROR, file, 1, 1, "frontmatter-unclosed",
				     "front matter opened here is never closed");
		diag_hint(d, "add a line containing only '---' after the last field");
		goto fail;
	}
	value_t *fm = yaml_parse(file, t + fm_start, fm_end - fm_start, 1, diags);
	if (!fm)
		goto fail;
	if (fm->kind == VAL_NULL) {
		value_free(fm);
		fm = value_map();
	} else if (fm->kind != VAL_MAP) {
		diag_t *d = diag_add(diags, DIAG_ERROR, file, fm->line, fm->col, "wrong-type",
				     "front matter must be a mapping of fields, not a %s",
				     value_kind_name(fm->kind));
		diag_hint(d, "write one 'field: value' per line");
		value_free(fm);
		goto fail;
	}
	p->fm = fm;
	return p;
fail:
	page_free(p);
	return NULL;
}
