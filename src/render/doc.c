/* doc: the document model (blocks and runs kept in two arrays, their texts
 * in one arena) and its HTML and Markdown writers; the ODT package is
 * doc_odt.c, reading a person's Markdown doc_markdown.c. Texts are cleaned
 * once, when appended, so that the three writers see the same characters
 * and none of them has to drop any. */
#include "render/doc.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/doc_internal.h"
#include "util/utf8.h"
#include "util/xalloc.h"

enum { WHERE_TOP, WHERE_LIST, WHERE_TABLE };

/* ---- Building ------------------------------------------------------------ */

/* Appends s[0..n) with what no format can carry taken out: invalid UTF-8
 * becomes U+FFFD; controls other than tab and line feed, and U+FFFE and
 * U+FFFF, are dropped (XML 1.0 forbids them); a carriage return ends a line
 * only when no line feed follows it. */
static void put_clean(buf_t *b, const char *s, size_t n)
{
	size_t i = 0, start = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		buf_put(b, s + start, i - start);
		if (c == '\t' || c == '\n') {
			buf_putc(b, (char)c);
			i++;
		} else if (c == '\r') {
			if (i + 1 == n || s[i + 1] != '\n')
				buf_putc(b, '\n');
			i++;
		} else if (c < 0x80) {
			i++;
		} else {
			uint32_t cp;
			size_t k = utf8_decode(s + i, n - i, &cp);
			if (k == 1)
				buf_puts(b, UTF8_REPLACEMENT);
			else if (cp != 0xFFFE && cp != 0xFFFF)
				buf_put(b, s + i, k);
			i += k;
		}
		start = i;
	}
	buf_put(b, s + start, n - start);
}

/* Stores a cleaned copy of s[0..n); returns its offset, *len its length. */
static size_t str_add(doc_t *d, const char *s, size_t n, size_t *len)
{
	size_t off = d->text.len;
	put_clean(&d->text, s, n);
	if (len)
		*len = d->text.len - off;
	buf_putc(&d->text, '\0');
	return off;
}

static size_t str_opt(doc_t *d, const char *s)
{
	return s ? str_add(d, s, strlen(s), NULL) : DOC_NONE;
}

doc_t *doc_new(const char *title, const char *lang)
{
	doc_t *d = xcalloc(1, sizeof *d);
	d->title = str_opt(d, title ? title : "");
	d->lang = str_opt(d, lang ? lang : "fr-FR");
	d->subject = d->author = d->date = DOC_NONE;
	d->target = DOC_NONE;
	d->where = WHERE_TOP;
	return d;
}

void doc_free(doc_t *doc)
{
	if (!doc)
		return;
	buf_free(&doc->text);
	free(doc->blk);
	free(doc->run);
	free(doc);
}

void doc_set_meta(doc_t *doc, const char *subject, const char *author, const char *date)
{
	if (subject)
		doc->subject = str_opt(doc, subject);
	if (author)
		doc->author = str_opt(doc, author);
	if (date)
		doc->date = str_opt(doc, date);
}

static doc_block_t *add_block(doc_t *d, doc_kind_t kind)
{
	if (d->nblk == d->cap_blk)
		d->blk = xgrow(d->blk, &d->cap_blk, d->nblk + 1, sizeof *d->blk);
	doc_block_t *b = &d->blk[d->nblk++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->str = b->svg = DOC_NONE;
	b->first = d->nrun;
	d->target = DOC_NONE;
	return b;
}

/* A run appended to the last block, whose runs are the last ones. A run of
 * the same style as the one before it, whose text ends the arena, is that
 * run made longer: md4c hands text over in many small pieces. */
static void push_run(doc_t *d, unsigned style, const char *url, const char *s, size_t n)
{
	doc_block_t *b = &d->blk[d->nblk - 1];
	if (!url && b->nruns) {
		doc_run_t *r = &d->run[d->nrun - 1];
		if (!r->link && r->style == style && r->off + r->len + 1 == d->text.len) {
			buf_truncate(&d->text, d->text.len - 1);
			put_clean(&d->text, s, n);
			r->len = d->text.len - r->off;
			buf_putc(&d->text, '\0');
			return;
		}
	}
	size_t mark = d->text.len;
	doc_run_t r = {style, url != NULL, 0, 0, DOC_NONE, 0};
	r.off = str_add(d, s, n, &r.len);
	if (url)
		r.url = str_add(d, url, strlen(url), &r.url_len);
	if (!r.len) {
		buf_truncate(&d->text, mark);
		return;
	}
	if (d->nrun == d->cap_run)
		d->run = xgrow(d->run, &d->cap_run, d->nrun + 1, sizeof *d->run);
	d->run[d->nrun++] = r;
	b->nruns++;
}

void doc_heading(doc_t *doc, int level, const char *id, const char *text)
{
	assert(doc->where == WHERE_TOP && level >= 1 && level <= 4);
	doc_block_t *b = add_block(doc, DOC_B_HEADING);
	b->level = level;
	if (id && *id)
		b->str = str_add(doc, id, strlen(id), &b->str_len);
	if (text)
		push_run(doc, DOC_PLAIN, NULL, text, strlen(text));
}

static void start_para(doc_t *doc, doc_kind_t kind)
{
	assert(doc->where == WHERE_TOP);
	add_block(doc, kind);
	doc->target = doc->nblk - 1;
}

void doc_para(doc_t *doc)
{
	start_para(doc, DOC_B_PARA);
}

void doc_note(doc_t *doc)
{
	start_para(doc, DOC_B_NOTE);
}

void doc_run(doc_t *doc, unsigned style, const char *text)
{
	assert(doc->target != DOC_NONE && doc->target == doc->nblk - 1);
	if (text && *text)
		push_run(doc, style & (DOC_STRONG | DOC_EM | DOC_CODE), NULL, text, strlen(text));
}

void doc_link(doc_t *doc, const char *url, const char *text)
{
	assert(doc->target != DOC_NONE && doc->target == doc->nblk - 1);
	if (!url)
		url = "";
	/* Browsers ignore the spaces around a destination: so does the check
	 * of its scheme. */
	while (*url == ' ' || *url == '\t' || *url == '\n')
		url++;
	size_t n = strlen(url);
	while (n && (url[n - 1] == ' ' || url[n - 1] == '\t' || url[n - 1] == '\n'))
		n--;
	char *u = xstrndup(url, n);
	if (!text || !*text)
		text = u;
	push_run(doc, DOC_PLAIN, u, text, strlen(text));
	free(u);
}

void doc_list(doc_t *doc, bool ordered)
{
	assert(doc->where == WHERE_TOP);
	add_block(doc, DOC_B_LIST)->level = ordered;
	doc->where = WHERE_LIST;
}

void doc_item(doc_t *doc)
{
	assert(doc->where == WHERE_LIST);
	add_block(doc, DOC_B_ITEM);
	doc->target = doc->nblk - 1;
}

void doc_list_end(doc_t *doc)
{
	assert(doc->where == WHERE_LIST);
	add_block(doc, DOC_B_LIST_END);
	doc->where = WHERE_TOP;
}

void doc_table(doc_t *doc, const char *caption, size_t ncols, const char *const *headers,
	       const doc_align_t *align)
{
	assert(doc->where == WHERE_TOP && ncols >= 1 && ncols <= DOC_MAX_COLUMNS && headers);
	doc_block_t *t = add_block(doc, DOC_B_TABLE);
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		t->align[i] = align ? align[i] : DOC_LEFT;
	if (caption && *caption)
		t->str = str_add(doc, caption, strlen(caption), &t->str_len);
	for (size_t i = 0; i < ncols; i++) {
		add_block(doc, DOC_B_HEAD);
		if (headers[i])
			push_run(doc, DOC_PLAIN, NULL, headers[i], strlen(headers[i]));
	}
	doc->where = WHERE_TABLE;
	doc->ncols = ncols;
	doc->cells = SIZE_MAX;
}

void doc_row(doc_t *doc)
{
	assert(doc->where == WHERE_TABLE);
	add_block(doc, DOC_B_ROW);
	doc->cells = 0;
}

void doc_cell(doc_t *doc)
{
	assert(doc->where == WHERE_TABLE && doc->cells < doc->ncols);
	add_block(doc, DOC_B_CELL);
	doc->target = doc->nblk - 1;
	doc->cells++;
}

void doc_table_end(doc_t *doc)
{
	assert(doc->where == WHERE_TABLE);
	add_block(doc, DOC_B_TABLE_END);
	doc->where = WHERE_TOP;
}

void doc_svg(doc_t *doc, const char *svg, size_t len, const char *alt, double width_mm, double height_mm)
{
	assert(doc->where == WHERE_TOP && svg && width_mm > 0 && height_mm > 0);
	doc_block_t *b = add_block(doc, DOC_B_SVG);
	/* The SVG is markup our own code made (render/chart): kept as it is. */
	b->svg = doc->text.len;
	b->svg_len = len;
	buf_put(&doc->text, svg, len);
	buf_putc(&doc->text, '\0');
	b->str = str_add(doc, alt ? alt : "", alt ? strlen(alt) : 0, &b->str_len);
	b->width = width_mm;
	b->height = height_mm;
	b->picture = ++doc->npictures;
}

static bool ascii_ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != b[i])
			return false;
	}
	return true;
}

bool doc_url_safe(const char *url, size_t len)
{
	if (!len)
		return false;
	size_t i = strcspn(url, ":/?#");
	if (i >= len || url[i] != ':')
		return true; /* relative: a path, a query or a fragment */
	return ascii_ieq(url, i, "http") || ascii_ieq(url, i, "https") || ascii_ieq(url, i, "mailto");
}

/* ---- HTML ---------------------------------------------------------------- */

/* Text with its line breaks as <br> (or spaces, br false). */
static void html_text(buf_t *o, const char *s, size_t n, bool br)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		buf_put_html(o, s + start, i - start);
		buf_puts(o, br ? "<br>" : " ");
		start = i + 1;
	}
	buf_put_html(o, s + start, n - start);
}

static void html_runs(const doc_t *d, const doc_block_t *b, buf_t *o, bool br)
{
	for (size_t i = b->first; i < b->first + b->nruns; i++) {
		const doc_run_t *r = &d->run[i];
		const char *s = doc_str(d, r->off);
		if (r->link && doc_url_safe(doc_str(d, r->url), r->url_len)) {
			buf_puts(o, "<a href=\"");
			buf_put_html(o, doc_str(d, r->url), r->url_len);
			buf_puts(o, "\">");
			html_text(o, s, r->len, br);
			buf_puts(o, "</a>");
			continue;
		}
		if (r->style & DOC_STRONG)
			buf_puts(o, "<strong>");
		if (r->style & DOC_EM)
			buf_puts(o, "<em>");
		if (r->style & DOC_CODE)
			buf_puts(o, "<code>");
		html_text(o, s, r->len, br);
		if (r->style & DOC_CODE)
			buf_puts(o, "</code>");
		if (r->style & DOC_EM)
			buf_puts(o, "</em>");
		if (r->style & DOC_STRONG)
			buf_puts(o, "</strong>");
	}
}

/* Length of the attribute at s (name, then = and a value, quoted or not),
 * *name_len the name's. */
static size_t attr_len(const char *s, size_t n, size_t *name_len)
{
	size_t i = 0;
	while (i < n && !strchr(" \t\r\n=/>", s[i]))
		i++;
	*name_len = i;
	size_t j = i;
	while (j < n && strchr(" \t\r\n", s[j]))
		j++;
	if (j >= n || s[j] != '=')
		return i;
	j++;
	while (j < n && strchr(" \t\r\n", s[j]))
		j++;
	if (j < n && (s[j] == '"' || s[j] == '\'')) {
		const char *q = memchr(s + j + 1, s[j], n - j - 1);
		return q ? (size_t)(q - s) + 1 : n;
	}
	while (j < n && !strchr(" \t\r\n>", s[j]))
		j++;
	return j;
}

/* The SVG inline, named by its alt text: its start tag's role and ARIA
 * naming attributes (a chart's aria-labelledby) give way to role="img" and
 * aria-label, so that it has one name, the one given here. What comes
 * before <svg (an XML declaration) has no place in HTML. */
static void html_svg(const doc_t *d, const doc_block_t *b, buf_t *o)
{
	const char *s = doc_str(d, b->svg), *end = s + b->svg_len;
	const char *p = s;
	while (p + 4 <= end && memcmp(p, "<svg", 4) != 0)
		p++;
	if (p + 4 > end)
		return;
	buf_puts(o, "<figure>\n<svg role=\"img\" aria-label=\"");
	buf_put_html(o, doc_str(d, b->str), b->str_len);
	buf_putc(o, '"');
	p += 4;
	for (;;) {
		const char *ws = p;
		while (p < end && strchr(" \t\r\n", *p))
			p++;
		if (p >= end || *p == '>' || *p == '/') {
			buf_put(o, ws, (size_t)(end - ws));
			break;
		}
		size_t nl, len = attr_len(p, (size_t)(end - p), &nl);
		if (!len) {
			buf_put(o, ws, (size_t)(end - ws));
			break;
		}
		bool drop = (nl == 4 && memcmp(p, "role", 4) == 0) ||
			    (nl == 10 && memcmp(p, "aria-label", 10) == 0) ||
			    (nl == 15 && memcmp(p, "aria-labelledby", 15) == 0) ||
			    (nl == 16 && memcmp(p, "aria-describedby", 16) == 0);
		if (!drop)
			buf_put(o, ws, (size_t)(p + len - ws));
		p += len;
	}
	if (o->len && o->ptr[o->len - 1] != '\n')
		buf_putc(o, '\n');
	buf_puts(o, "</figure>\n");
}

static void html_cells_end(buf_t *o, size_t from, size_t ncols, const doc_block_t *t)
{
	for (size_t c = from; c < ncols; c++)
		buf_puts(o, t->align[c] == DOC_RIGHT ? "<td class=\"n\"></td>" : "<td></td>");
	buf_puts(o, "</tr>\n");
}

/* What a table's cells are written against before the first table (never,
 * when the doc was built through doc.h). */
static const doc_block_t no_table;

void doc_write_html(const doc_t *doc, buf_t *out)
{
	const doc_block_t *table = &no_table;
	size_t col = 0;
	bool ordered = false, row_open = false;
	for (size_t i = 0; i < doc->nblk; i++) {
		const doc_block_t *b = &doc->blk[i];
		switch (b->kind) {
		case DOC_B_HEADING:
			buf_printf(out, "<h%d", b->level);
			if (b->str != DOC_NONE) {
				buf_puts(out, " id=\"");
				buf_put_html(out, doc_str(doc, b->str), b->str_len);
				buf_putc(out, '"');
			}
			buf_putc(out, '>');
			html_runs(doc, b, out, false);
			buf_printf(out, "</h%d>\n", b->level);
			break;
		case DOC_B_PARA:
		case DOC_B_NOTE:
			if (!b->nruns)
				break;
			buf_puts(out, b->kind == DOC_B_NOTE ? "<p class=\"note\">" : "<p>");
			html_runs(doc, b, out, true);
			buf_puts(out, "</p>\n");
			break;
		case DOC_B_LIST:
			ordered = b->level;
			buf_puts(out, ordered ? "<ol>\n" : "<ul>\n");
			break;
		case DOC_B_ITEM:
			buf_puts(out, "<li>");
			html_runs(doc, b, out, true);
			buf_puts(out, "</li>\n");
			break;
		case DOC_B_LIST_END:
			buf_puts(out, ordered ? "</ol>\n" : "</ul>\n");
			break;
		case DOC_B_TABLE:
			table = b;
			col = 0;
			buf_puts(out, "<table>\n");
			if (b->str != DOC_NONE) {
				buf_puts(out, "<caption>");
				html_text(out, doc_str(doc, b->str), b->str_len, false);
				buf_puts(out, "</caption>\n");
			}
			buf_puts(out, "<thead>\n<tr>");
			break;
		case DOC_B_HEAD:
			buf_puts(out, table->align[col] == DOC_RIGHT ? "<th scope=\"col\" class=\"n\">"
								     : "<th scope=\"col\">");
			html_runs(doc, b, out, false);
			buf_puts(out, "</th>");
			if (++col == table->ncols)
				buf_puts(out, "</tr>\n</thead>\n<tbody>\n");
			break;
		case DOC_B_ROW:
			if (row_open)
				html_cells_end(out, col, table->ncols, table);
			buf_puts(out, "<tr>");
			row_open = true;
			col = 0;
			break;
		case DOC_B_CELL:
			buf_puts(out, table->align[col] == DOC_RIGHT ? "<td class=\"n\">" : "<td>");
			html_runs(doc, b, out, true);
			buf_puts(out, "</td>");
			col++;
			break;
		case DOC_B_TABLE_END:
			if (row_open)
				html_cells_end(out, col, table->ncols, table);
			row_open = false;
			buf_puts(out, "</tbody>\n</table>\n");
			break;
		case DOC_B_SVG:
			html_svg(doc, b, out);
			break;
		}
	}
}

/* ---- Markdown ------------------------------------------------------------ */

typedef struct {
	buf_t *o;
	bool bol;	    /* at the start of a line: block markers are escaped */
	bool cell;	    /* in a table cell or a heading: line breaks as spaces */
	const char *indent; /* written after a line break (a list item's) */
} md_t;

static void md_break(md_t *m)
{
	if (m->cell) {
		buf_putc(m->o, ' ');
		return;
	}
	buf_puts(m->o, "\\\n");
	buf_puts(m->o, m->indent);
	m->bol = true;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Text escaped so that it reads back as the same text: the characters
 * that open inline markup anywhere, and those that start a block at the
 * start of a line. */
static void md_text(md_t *m, const char *s, size_t n)
{
	buf_t *o = m->o;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\n') {
			md_break(m);
			continue;
		}
		if (m->bol && (c == ' ' || c == '\t'))
			continue; /* indented text would read back as code */
		bool entity = c == '&' && i + 1 < n && (s[i + 1] == '#' || is_alnum(s[i + 1]));
		if (strchr("\\`*_[]<>#|~", c) || entity || (m->bol && (c == '-' || c == '+' || c == '='))) {
			buf_putc(o, '\\');
		} else if (m->bol && c >= '0' && c <= '9') {
			size_t j = i;
			while (j < n && s[j] >= '0' && s[j] <= '9')
				j++;
			buf_put(o, s + i, j - i);
			i = j - 1;
			if (j < n && (s[j] == '.' || s[j] == ')')) {
				buf_putc(o, '\\');
				buf_putc(o, s[j]);
				i = j;
			}
			m->bol = false;
			continue;
		}
		buf_putc(o, c);
		if (c != ' ' && c != '\t')
			m->bol = false;
	}
}

/* A code span per line, its fence one backtick longer than the longest run
 * of backticks in it. In a table cell, a pipe is written between two spans
 * as \|: GitHub reads an escaped pipe inside a code span as a pipe, md4c
 * (and others) as a backslash and a pipe; outside one, all agree. */
static void md_code(md_t *m, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n' && (s[i] != '|' || !m->cell))
			continue;
		const char *l = s + start;
		size_t ln = i - start, run = 0, longest = 0;
		for (size_t k = 0; k < ln; k++) {
			run = l[k] == '`' ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		if (ln) {
			bool pad = l[0] == '`' || l[ln - 1] == '`' || (l[0] == ' ' && l[ln - 1] == ' ');
			for (size_t k = 0; k <= longest; k++)
				buf_putc(m->o, '`');
			if (pad)
				buf_putc(m->o, ' ');
			buf_put(m->o, l, ln);
			if (pad)
				buf_putc(m->o, ' ');
			for (size_t k = 0; k <= longest; k++)
				buf_putc(m->o, '`');
			m->bol = false;
		}
		if (i < n && s[i] == '|')
			buf_puts(m->o, "\\|");
		else if (i < n)
			md_break(m);
		start = i + 1;
	}
}

/* A styled run: emphasis delimiters hug the text (spaces inside them would
 * keep them from being read as emphasis). */
static void md_styled(md_t *m, unsigned style, const char *s, size_t n)
{
	const char *mark = (style & DOC_STRONG) && (style & DOC_EM) ? "***"
			   : (style & DOC_STRONG)		  ? "**"
			   : (style & DOC_EM)			  ? "*"
								  : "";
	if (style & DOC_CODE && !*mark) {
		md_code(m, s, n);
		return;
	}
	size_t a = 0, z = n;
	while (a < n && strchr(" \t\n", s[a]))
		a++;
	while (z > a && strchr(" \t\n", s[z - 1]))
		z--;
	if (!*mark || a == z) {
		md_text(m, s, n);
		return;
	}
	md_text(m, s, a);
	buf_puts(m->o, mark);
	m->bol = false;
	if (style & DOC_CODE)
		md_code(m, s + a, z - a);
	else
		md_text(m, s + a, z - a);
	buf_puts(m->o, mark);
	md_text(m, s + z, n - z);
}

static void md_runs(const doc_t *d, const doc_block_t *b, md_t *m)
{
	for (size_t i = b->first; i < b->first + b->nruns; i++) {
		const doc_run_t *r = &d->run[i];
		const char *s = doc_str(d, r->off);
		if (!r->link || !doc_url_safe(doc_str(d, r->url), r->url_len)) {
			md_styled(m, r->style, s, r->len);
			continue;
		}
		buf_putc(m->o, '[');
		m->bol = false;
		md_text(m, s, r->len);
		buf_puts(m->o, "](<");
		const char *u = doc_str(d, r->url);
		for (size_t k = 0; k < r->url_len; k++) {
			if (strchr("<>\\|", u[k]))
				buf_putc(m->o, '\\');
			buf_putc(m->o, u[k]);
		}
		buf_puts(m->o, ">)");
	}
}

static void md_row_end(buf_t *o, size_t from, size_t ncols)
{
	for (size_t c = from; c < ncols; c++)
		buf_puts(o, "| ");
	buf_puts(o, "|\n");
}

void doc_write_md(const doc_t *doc, buf_t *out)
{
	const doc_block_t *table = &no_table;
	size_t col = 0, item = 0;
	bool ordered = false, row_open = false, first = true;
	/* Two lists in a row would read back as one: the second takes the
	 * other marker. */
	int last_list = -1, marker = 0;
	char indent[24];
	md_t m = {out, true, false, ""};
	for (size_t i = 0; i < doc->nblk; i++) {
		const doc_block_t *b = &doc->blk[i];
		bool starts = b->kind == DOC_B_HEADING || b->kind == DOC_B_LIST || b->kind == DOC_B_TABLE ||
			      b->kind == DOC_B_SVG || ((b->kind == DOC_B_PARA || b->kind == DOC_B_NOTE) && b->nruns);
		if (starts && !first)
			buf_putc(out, '\n');
		if (starts) {
			first = false;
			if (b->kind != DOC_B_LIST)
				last_list = -1;
		}
		m = (md_t){out, true, false, ""};
		switch (b->kind) {
		case DOC_B_HEADING:
			for (int l = 0; l < b->level; l++)
				buf_putc(out, '#');
			buf_putc(out, ' ');
			m.cell = true;
			m.bol = false;
			md_runs(doc, b, &m);
			buf_putc(out, '\n');
			break;
		case DOC_B_PARA:
		case DOC_B_NOTE:
			if (!b->nruns)
				break;
			md_runs(doc, b, &m);
			buf_putc(out, '\n');
			break;
		case DOC_B_LIST:
			ordered = b->level;
			marker = last_list == (int)ordered ? !marker : 0;
			item = 0;
			break;
		case DOC_B_ITEM:
			if (ordered) {
				int w = snprintf(indent, sizeof indent, "%zu%c ", ++item, marker ? ')' : '.');
				buf_puts(out, indent);
				memset(indent, ' ', (size_t)w);
			} else {
				buf_puts(out, marker ? "* " : "- ");
				strcpy(indent, "  ");
			}
			m.indent = indent;
			md_runs(doc, b, &m);
			buf_putc(out, '\n');
			break;
		case DOC_B_LIST_END:
			last_list = ordered;
			break;
		case DOC_B_TABLE:
			table = b;
			col = 0;
			if (b->str != DOC_NONE) {
				md_styled(&m, DOC_STRONG, doc_str(doc, b->str), b->str_len);
				buf_puts(out, "\n\n");
			}
			break;
		case DOC_B_HEAD:
			buf_puts(out, "| ");
			m.cell = true;
			m.bol = false;
			md_runs(doc, b, &m);
			buf_putc(out, ' ');
			if (++col == table->ncols) {
				buf_puts(out, "|\n");
				for (size_t c = 0; c < table->ncols; c++)
					buf_puts(out, table->align[c] == DOC_RIGHT ? "| ---: " : "| --- ");
				buf_puts(out, "|\n");
			}
			break;
		case DOC_B_ROW:
			if (row_open)
				md_row_end(out, col, table->ncols);
			row_open = true;
			col = 0;
			break;
		case DOC_B_CELL:
			buf_puts(out, "| ");
			m.cell = true;
			m.bol = false;
			md_runs(doc, b, &m);
			buf_putc(out, ' ');
			col++;
			break;
		case DOC_B_TABLE_END:
			if (row_open)
				md_row_end(out, col, table->ncols);
			row_open = false;
			break;
		case DOC_B_SVG:
			md_styled(&m, DOC_EM, doc_str(doc, b->str), b->str_len);
			buf_putc(out, '\n');
			break;
		}
	}
}
