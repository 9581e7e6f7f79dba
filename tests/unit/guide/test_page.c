/* Tests for guide/page: front-matter splitting, BOM/CRLF normalisation, the
 * refusals (empty, binary, not UTF-8, unclosed, too large, not a mapping)
 * with their positions, body offsets and Eleventy's default URLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/page.h"

static page_t *parse_ok(const char *path, const char *src, size_t len)
{
	diag_list_t d = DIAG_LIST_INIT;
	page_t *p = page_parse(path, src, len, &d);
	if (!p || d.len)
		fail_msg("page_parse(%s) failed with %zu diagnostics (first: %s)", path, d.len,
			 d.len ? d.items[0].msg : "-");
	diag_list_free(&d);
	return p;
}

static page_t *parse_str(const char *src)
{
	return parse_ok("p.md", src, strlen(src));
}

/* page_parse must refuse src with one error of rule at line:col. */
static void assert_refused(const char *src, size_t len, const char *rule, int line, int col)
{
	diag_list_t d = DIAG_LIST_INIT;
	page_t *p = page_parse("dir/bad.md", src, len, &d);
	bool accepted = p != NULL;
	page_free(p);
	/* copy what is checked so that a failure leaks nothing (ASan) */
	size_t n = d.len;
	char got_rule[64] = "", got_file[64] = "";
	int got_line = 0, got_col = 0;
	bool hint = false;
	diag_sev_t sev = DIAG_INFO;
	if (n) {
		snprintf(got_rule, sizeof got_rule, "%s", d.items[0].rule);
		snprintf(got_file, sizeof got_file, "%s", d.items[0].file ? d.items[0].file : "");
		got_line = d.items[0].line;
		got_col = d.items[0].col;
		hint = d.items[0].hint != NULL;
		sev = d.items[0].sev;
	}
	diag_list_free(&d);
	if (accepted)
		fail_msg("page accepted, want %s", rule);
	assert_int_equal(n, 1);
	assert_int_equal(sev, DIAG_ERROR);
	assert_string_equal(got_rule, rule);
	assert_string_equal(got_file, "dir/bad.md");
	if (got_line != line || got_col != col)
		fail_msg("%s at %d:%d, want %d:%d", rule, got_line, got_col, line, col);
	assert_true(hint);
}

static const char *body(const page_t *p)
{
	return p->text + p->body_off;
}

static void test_no_front_matter(void **state)
{
	(void)state;
	page_t *p = parse_str("# Title\n\nSome text.\n");
	assert_non_null(p->fm);
	assert_int_equal(p->fm->kind, VAL_MAP);
	assert_int_equal(p->fm->u.map.len, 0);
	assert_int_equal(p->body_off, 0);
	assert_int_equal(p->body_line, 1);
	assert_string_equal(body(p), "# Title\n\nSome text.\n");
	assert_int_equal(p->text_len, strlen(p->text));
	assert_string_equal(p->path, "p.md");
	assert_null(p->url); /* set by the guide, not here */
	page_free(p);

	/* four dashes, or text after the dashes, are not a delimiter */
	p = parse_str("----\na: 1\n---\n");
	assert_int_equal(p->fm->u.map.len, 0);
	assert_int_equal(p->body_off, 0);
	page_free(p);
	p = parse_str("--- x\na: 1\n---\n");
	assert_int_equal(p->fm->u.map.len, 0);
	page_free(p);
	/* the front matter must start on the first line */
	p = parse_str("\n---\na: 1\n---\n");
	assert_int_equal(p->fm->u.map.len, 0);
	page_free(p);
}

static void test_front_matter(void **state)
{
	(void)state;
	const char *src = "---\ntitle: Hello\norder: 3\n---\nBody line\nsecond\n";
	page_t *p = parse_str(src);
	assert_int_equal(p->fm->kind, VAL_MAP);
	assert_int_equal(p->fm->u.map.len, 2);
	const value_t *t = value_get(p->fm, "title");
	assert_string_equal(value_str(t), "Hello");
	/* positions are lines of the file: the YAML starts on line 2 */
	assert_int_equal(t->line, 2);
	assert_int_equal(t->col, 8);
	assert_int_equal(value_get(p->fm, "order")->line, 3);
	/* values point to the page's own path string */
	assert_ptr_equal(t->file, p->path);
	assert_int_equal(p->body_line, 5);
	assert_int_equal(p->body_off, strlen("---\ntitle: Hello\norder: 3\n---\n"));
	assert_string_equal(body(p), "Body line\nsecond\n");
	assert_string_equal(p->text, src);
	assert_int_equal(p->text_len, strlen(src));
	page_free(p);
}

static void test_front_matter_edges(void **state)
{
	(void)state;
	/* empty front matter: an empty map */
	page_t *p = parse_str("---\n---\nbody\n");
	assert_int_equal(p->fm->kind, VAL_MAP);
	assert_int_equal(p->fm->u.map.len, 0);
	assert_int_equal(p->body_line, 3);
	assert_string_equal(body(p), "body\n");
	page_free(p);

	/* front matter of comments only */
	p = parse_str("---\n# nothing yet\n---\n");
	assert_int_equal(p->fm->kind, VAL_MAP);
	assert_int_equal(p->fm->u.map.len, 0);
	page_free(p);

	/* closing line at the end of the file, no newline: empty body */
	p = parse_str("---\na: 1\n---");
	assert_int_equal(p->body_off, p->text_len);
	assert_string_equal(body(p), "");
	assert_int_equal(p->body_line, 4);
	page_free(p);

	/* delimiters with trailing blanks */
	p = parse_str("--- \t\na: 1\n---  \nbody");
	assert_int_equal(p->fm->u.map.len, 1);
	assert_string_equal(body(p), "body");
	page_free(p);

	/* a later '---' in the body is just Markdown */
	p = parse_str("---\na: 1\n---\ntext\n---\nmore\n");
	assert_string_equal(body(p), "text\n---\nmore\n");
	page_free(p);
}

static void test_unclosed(void **state)
{
	(void)state;
	const char *src = "---\ntitle: x\nbody without end\n";
	assert_refused(src, strlen(src), "frontmatter-unclosed", 1, 1);
	assert_refused("---", 3, "frontmatter-unclosed", 1, 1);
	assert_refused("---\n", 4, "frontmatter-unclosed", 1, 1);
}

static void test_bom_crlf_identical(void **state)
{
	(void)state;
	const char *lf = "---\ntitle: \"Caf\xC3\xA9\"\nwho:\n  - A\n---\nLine one\n\nLine two\n";
	const char *crlf = "\xEF\xBB\xBF---\r\ntitle: \"Caf\xC3\xA9\"\r\nwho:\r\n  - A\r\n---\r\nLine one\r\n\r\nLine two\r\n";
	const char *cr = "---\rtitle: \"Caf\xC3\xA9\"\rwho:\r  - A\r---\rLine one\r\rLine two\r";
	page_t *a = parse_str(lf), *b = parse_str(crlf), *c = parse_str(cr);
	page_t *pages[] = {b, c};
	for (int i = 0; i < 2; i++) {
		page_t *x = pages[i];
		assert_int_equal(x->text_len, a->text_len);
		assert_string_equal(x->text, a->text);
		assert_int_equal(x->body_off, a->body_off);
		assert_int_equal(x->body_line, a->body_line);
		assert_string_equal(body(x), "Line one\n\nLine two\n");
		assert_int_equal(x->fm->u.map.len, 2);
		const value_t *t = value_get(x->fm, "title");
		assert_string_equal(value_str(t), "Caf\xC3\xA9");
		assert_int_equal(t->line, value_get(a->fm, "title")->line);
		assert_int_equal(t->col, value_get(a->fm, "title")->col);
		const value_t *w = value_get(x->fm, "who");
		assert_int_equal(w->u.list.len, 1);
		assert_string_equal(value_str(w->u.list.items[0]), "A");
		assert_int_equal(w->u.list.items[0]->line, 4);
	}
	page_free(a);
	page_free(b);
	page_free(c);

	/* BOM on a page without front matter */
	page_t *p = parse_str("\xEF\xBB\xBF# Hi\r\n");
	assert_string_equal(p->text, "# Hi\n");
	page_free(p);
}

static void test_empty_binary(void **state)
{
	(void)state;
	assert_refused("", 0, "empty-file", 1, 1);
	assert_refused("abc\0def", 7, "binary-file", 1, 4);
	assert_refused("---\ntitle: x\n---\nab\0", 20, "binary-file", 4, 3);
	/* a NUL wins over a bad UTF-8 byte */
	assert_refused("\xFF\0", 2, "binary-file", 1, 2);
}

static void test_not_utf8(void **state)
{
	(void)state;
	/* Latin-1 é (0xE9) on line 2, after "title: caf" */
	const char *src = "---\ntitle: caf\xE9\n---\n";
	assert_refused(src, strlen(src), "not-utf8", 2, 11);
	/* columns count characters, not bytes */
	src = "\xC3\xA9t\xC3\xA9 \xFF";
	assert_refused(src, strlen(src), "not-utf8", 1, 5);
	diag_list_t d = DIAG_LIST_INIT;
	src = "ok\n\x92quote";
	assert_null(page_parse("w.md", src, strlen(src), &d));
	assert_non_null(strstr(d.items[0].msg, "0x92"));
	diag_list_free(&d);
}

/* Regression (src/guide/page.c, page_parse): the line/column of a NUL or non-UTF-8
 * byte is computed on the raw bytes, so a UTF-8 BOM counts as one column of
 * the first line: "<BOM>ab<0xE9>" reports 1:4 where the byte is the 3rd
 * character an editor shows. Expected 1:3. */
static void test_not_utf8_after_bom(void **state)
{
	(void)state;
	const char *src = "\xEF\xBB\xBF" "ab\xE9";
	assert_refused(src, strlen(src), "not-utf8", 1, 3);
}

static void test_too_large(void **state)
{
	(void)state;
	/* many short lines, never closed within the limit */
	buf_t b = BUF_INIT;
	buf_puts(&b, "---\n");
	while (b.len < PAGE_MAX_FRONTMATTER + 100)
		buf_puts(&b, "k: v\n");
	buf_puts(&b, "---\nbody\n");
	assert_refused(b.ptr, b.len, "frontmatter-too-large", 1, 1);
	/* just under the limit is fine (a comment keeps the YAML small to parse) */
	buf_reset(&b);
	buf_puts(&b, "---\n");
	while (b.len < PAGE_MAX_FRONTMATTER - 100)
		buf_puts(&b, "# pad pad pad pad pad pad pad pad pad pad pad pad pad pad\n");
	buf_puts(&b, "a: 1\n---\n");
	page_t *p = parse_ok("ok.md", b.ptr, b.len);
	assert_int_equal(p->fm->u.map.len, 1);
	page_free(p);
	buf_free(&b);
}

/* Regression (src/guide/page.c, page_parse): the size limit is checked at the start
 * of each front-matter line, before the line is skipped, so a closed front
 * matter whose last line is huge passes: "---\na: <2 MiB of x>\n---\n" is
 * parsed although it is twice PAGE_MAX_FRONTMATTER. Expected:
 * frontmatter-too-large at 1:1. */
static void test_too_large_single_line(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "---\na: ");
	for (size_t i = 0; i < 2 * (size_t)PAGE_MAX_FRONTMATTER; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\n---\nbody\n");
	diag_list_t d = DIAG_LIST_INIT;
	page_t *p = page_parse("huge.md", b.ptr, b.len, &d);
	bool refused = p == NULL;
	page_free(p);
	bool right_rule = d.len == 1 && strcmp(d.items[0].rule, "frontmatter-too-large") == 0;
	size_t fm = b.len - 14;
	diag_list_free(&d);
	buf_free(&b);
	if (!refused)
		fail_msg("a %zu-byte front matter was accepted", fm);
	assert_true(right_rule);
}

static void test_not_a_map(void **state)
{
	(void)state;
	const char *src = "---\n- a\n- b\n---\nbody\n";
	assert_refused(src, strlen(src), "wrong-type", 2, 1);
	src = "---\njust a sentence\n---\n";
	assert_refused(src, strlen(src), "wrong-type", 2, 1);
	src = "---\n42\n---\n";
	assert_refused(src, strlen(src), "wrong-type", 2, 1);
	diag_list_t d = DIAG_LIST_INIT;
	src = "---\n[1]\n---\n";
	assert_null(page_parse("l.md", src, strlen(src), &d));
	assert_non_null(strstr(d.items[0].msg, "list"));
	diag_list_free(&d);
}

static void test_yaml_error_position(void **state)
{
	(void)state;
	/* YAML errors are reported on lines of the file */
	const char *src = "---\ntitle: ok\nbad: 'x'y\n---\n";
	assert_refused(src, strlen(src), "yaml-syntax", 3, 9);
	src = "---\na: 1\na: 2\n---\n";
	assert_refused(src, strlen(src), "yaml-syntax", 3, 1);
}

static void test_body_line_and_offset(void **state)
{
	(void)state;
	const char *src = "---\na: 1\nb:\n  - x\n  - y\n---\n\n## Heading\n";
	page_t *p = parse_str(src);
	assert_int_equal(p->body_line, 7);
	assert_string_equal(body(p), "\n## Heading\n");
	assert_int_equal(p->body_off, (size_t)(strstr(src, "\n\n##") - src) + 1);
	/* the body's first line in the file is body_line */
	int line = 1;
	for (size_t i = 0; i < p->body_off; i++)
		line += p->text[i] == '\n';
	assert_int_equal(line, p->body_line);
	page_free(p);
}

static void assert_url(const char *path, const char *want)
{
	char *u = page_default_url(path);
	if (strcmp(u, want) != 0) {
		char got[256];
		strncpy(got, u, sizeof got - 1);
		got[sizeof got - 1] = '\0';
		free(u);
		fail_msg("page_default_url(\"%s\") is \"%s\", want \"%s\"", path, got, want);
	}
	free(u);
}

static void test_default_url(void **state)
{
	(void)state;
	assert_url("a/b.md", "/a/b/");
	assert_url("a/index.md", "/a/");
	assert_url("index.md", "/");
	assert_url("page.md", "/page/");
	assert_url("a/b/c/fiche-1.md", "/a/b/c/fiche-1/");
	assert_url("a.b/c.md", "/a.b/c/");
	assert_url("a/b.c.md", "/a/b.c/");
	assert_url("a/myindex.md", "/a/myindex/");
	assert_url("a/index/b.md", "/a/index/b/");
	assert_url("publications/guide/index.md", "/publications/guide/");
	/* a file name written decomposed on macOS: its URL is in NFC, as are
	 * the links typed in pages */
	assert_url("e\xCC\x81nergie/mise-en-veille.md", "/\xC3\xA9nergie/mise-en-veille/");
	assert_url("a/cle\xCC\x81.md", "/a/cl\xC3\xA9/");
}

static void assert_permalink(const char *permalink, const char *want)
{
	char *u = page_permalink_url(permalink);
	char got[256];
	snprintf(got, sizeof got, "%s", u);
	free(u);
	if (strcmp(got, want) != 0)
		fail_msg("page_permalink_url(\"%s\") is \"%s\", want \"%s\"", permalink, got, want);
}

static void test_permalink_url(void **state)
{
	(void)state;
	assert_permalink("x/y/", "/x/y/");
	assert_permalink("/x/y/", "/x/y/");
	assert_permalink("x/y/index.html", "/x/y/");
	assert_permalink("index.html", "/");
	assert_permalink("/", "/");
	assert_permalink("x/file.html", "/x/file.html");
	assert_permalink("x/myindex.html", "/x/myindex.html");
	assert_permalink("x/y", "/x/y");
	/* one file, every spelling: as a browser resolves the path */
	assert_permalink("x//y/", "/x/y/");
	assert_permalink("x/./y/", "/x/y/");
	assert_permalink("x/z/../y/", "/x/y/");
	assert_permalink("x/y/.", "/x/y/");
	assert_permalink("x/y/z/..", "/x/y/");
	assert_permalink("x/./y/../y/index.html", "/x/y/");
	/* never above the root, so never outside the site's folder */
	assert_permalink("../../../etc/x/", "/etc/x/");
	assert_permalink("/..", "/");
	/* a leading "//" would be a link to another host */
	assert_permalink("//evil.example/x/", "/evil.example/x/");
	/* dots inside a name are no dot segments */
	assert_permalink("x/..y/.z/...", "/x/..y/.z/...");
}

static void assert_output(const char *url, const char *want)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "[");
	page_output_path(url, &b);
	char got[256];
	snprintf(got, sizeof got, "%s", buf_cstr(&b));
	buf_free(&b);
	if (strcmp(got + 1, want) != 0 || got[0] != '[')
		fail_msg("page_output_path(\"%s\") gives \"%s\", want \"[%s\"", url, got, want);
}

static void test_output_path(void **state)
{
	(void)state;
	assert_output("/", "index.html");
	assert_output("/x/y/", "x/y/index.html");
	assert_output("/x/y/index.html", "x/y/index.html");
	assert_output("/sitemap.xml", "sitemap.xml");
	assert_output("/x/y", "x/y");
	assert_output("x//y/./z/..", "x/y/index.html");
	assert_output("/../../x.csv", "x.csv");
	assert_output("/x/guide-version-/../../../y.json", "y.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_front_matter),
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_front_matter_edges),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_bom_crlf_identical),
		cmocka_unit_test(test_empty_binary),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_not_utf8_after_bom),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_too_large_single_line),
		cmocka_unit_test(test_not_a_map),
		cmocka_unit_test(test_yaml_error_position),
		cmocka_unit_test(test_body_line_and_offset),
		cmocka_unit_test(test_default_url),
		cmocka_unit_test(test_permalink_url),
		cmocka_unit_test(test_output_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
