/* Tests for render/doc: the exact HTML and Markdown of a document holding
 * every kind of block and every character to escape; a person's Markdown
 * read into blocks; the ODT package opened again with libzip, its manifest
 * checked against its entries and every XML entry parsed by expat. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "render/doc.h"
#include "render/doc_internal.h"

static const char svg_text[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"b-t\" viewBox=\"0 0 100 40\""
	" width=\"100\" height=\"40\"><title id=\"b-t\">Barres</title>"
	"<rect x=\"0\" y=\"10\" width=\"42\" height=\"20\"/></svg>";

/* Every kind of block, and in texts every character one of the formats
 * has to escape. */
static doc_t *sample(void)
{
	doc_t *d = doc_new("Stratégie <2026>", "fr-FR");
	doc_set_meta(d, "Loi REEN & décret", "Direction \"DN\"", "2026-03-01T09:30:12Z");
	doc_heading(d, 1, "x\"1", "Titre <1> & \"q\" 'a'");
	doc_para(d);
	doc_run(d, DOC_PLAIN, "Spéciaux *a* _b_ [c] #d |e| `f` <g> &amp; h\\ ~i~ ");
	doc_run(d, DOC_STRONG, "gras ");
	doc_run(d, DOC_EM | DOC_STRONG, "les deux");
	doc_run(d, DOC_PLAIN, " ");
	doc_run(d, DOC_CODE, "a`b");
	doc_run(d, DOC_PLAIN, " ");
	doc_link(d, " https://example.org/?a=1&b=<2> ", "lien [x]");
	doc_run(d, DOC_PLAIN, " ");
	doc_link(d, "JavaScript:alert(1)", "piège");
	doc_run(d, DOC_PLAIN, "\n- ligne 2\x01");
	doc_para(d); /* empty: not written */
	doc_note(d);
	doc_run(d, DOC_EM, "Source");
	doc_run(d, DOC_PLAIN, " : relevé");
	doc_heading(d, 2, NULL, "Listes");
	doc_list(d, false);
	doc_item(d);
	doc_run(d, DOC_PLAIN, "un");
	doc_item(d);
	doc_run(d, DOC_PLAIN, "+ deux");
	doc_list_end(d);
	doc_list(d, false);
	doc_item(d);
	doc_link(d, "mailto:dn@example.org", NULL);
	doc_list_end(d);
	doc_list(d, true);
	doc_item(d);
	doc_run(d, DOC_PLAIN, "1. premier\nsuite");
	doc_list_end(d);
	static const char *const heads[] = {"Nom", "Score|%"};
	static const doc_align_t align[] = {DOC_LEFT, DOC_RIGHT};
	doc_table(d, "Scores <2026>", 2, heads, align);
	doc_row(d);
	doc_cell(d);
	doc_run(d, DOC_PLAIN, "a|b");
	doc_cell(d);
	doc_run(d, DOC_PLAIN, "41,7 %");
	doc_row(d);
	doc_cell(d);
	doc_run(d, DOC_CODE, "x|y");
	doc_table_end(d);
	doc_svg(d, svg_text, sizeof svg_text - 1, "Scores : a 42 %", 160, 64);
	return d;
}

static const char expected_html[] =
	"<h1 id=\"x&quot;1\">Titre &lt;1&gt; &amp; &quot;q&quot; &#39;a&#39;</h1>\n"
	"<p>Spéciaux *a* _b_ [c] #d |e| `f` &lt;g&gt; &amp;amp; h\\ ~i~ <strong>gras </strong>"
	"<strong><em>les deux</em></strong> <code>a`b</code> "
	"<a href=\"https://example.org/?a=1&amp;b=&lt;2&gt;\">lien [x]</a> piège<br>- ligne 2</p>\n"
	"<p class=\"note\"><em>Source</em> : relevé</p>\n"
	"<h2>Listes</h2>\n"
	"<ul>\n<li>un</li>\n<li>+ deux</li>\n</ul>\n"
	"<ul>\n<li><a href=\"mailto:dn@example.org\">mailto:dn@example.org</a></li>\n</ul>\n"
	"<ol>\n<li>1. premier<br>suite</li>\n</ol>\n"
	"<table>\n<caption>Scores &lt;2026&gt;</caption>\n"
	"<thead>\n<tr><th scope=\"col\">Nom</th><th scope=\"col\" class=\"n\">Score|%</th></tr>\n</thead>\n"
	"<tbody>\n<tr><td>a|b</td><td class=\"n\">41,7 %</td></tr>\n"
	"<tr><td><code>x|y</code></td><td class=\"n\"></td></tr>\n</tbody>\n</table>\n"
	"<figure>\n<svg role=\"img\" aria-label=\"Scores : a 42 %\" xmlns=\"http://www.w3.org/2000/svg\""
	" viewBox=\"0 0 100 40\" width=\"100\" height=\"40\"><title id=\"b-t\">Barres</title>"
	"<rect x=\"0\" y=\"10\" width=\"42\" height=\"20\"/></svg>\n</figure>\n";

static const char expected_md[] =
	"# Titre \\<1\\> & \"q\" 'a'\n"
	"\n"
	"Spéciaux \\*a\\* \\_b\\_ \\[c\\] \\#d \\|e\\| \\`f\\` \\<g\\> \\&amp; h\\\\ \\~i\\~ **gras** ***les deux*** "
	"``a`b`` [lien \\[x\\]](<https://example.org/?a=1&b=\\<2\\>>) piège\\\n"
	"\\- ligne 2\n"
	"\n"
	"*Source* : relevé\n"
	"\n"
	"## Listes\n"
	"\n"
	"- un\n"
	"- \\+ deux\n"
	"\n"
	"* [mailto:dn@example.org](<mailto:dn@example.org>)\n"
	"\n"
	"1. 1\\. premier\\\n"
	"   suite\n"
	"\n"
	"**Scores \\<2026\\>**\n"
	"\n"
	"| Nom | Score\\|% |\n"
	"| --- | ---: |\n"
	"| a\\|b | 41,7 % |\n"
	"| `x`\\|`y` | |\n"
	"\n"
	"*Scores : a 42 %*\n";

static void test_html(void **state)
{
	(void)state;
	doc_t *d = sample();
	buf_t out = BUF_INIT;
	doc_write_html(d, &out);
	assert_string_equal(buf_cstr(&out), expected_html);
	buf_free(&out);
	doc_free(d);
}

static void test_md(void **state)
{
	(void)state;
	doc_t *d = sample();
	buf_t out = BUF_INIT;
	doc_write_md(d, &out);
	assert_string_equal(buf_cstr(&out), expected_md);
	buf_free(&out);
	doc_free(d);
}

/* Markdown written, then read back by md4c: the same blocks and texts, with
 * every character that could start markup, inline or at a line's start. */
static void test_md_round_trip(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"# a", "## b #", "- c", "+ d", "* e", "1. f", "2) g", "===", "---", "> h", "```", "~~~", "<div>",
		"<!-- i -->", "&amp; &#35; & j", "\\k\\", "*l* _m_ **n**", "[o](p) ![q](r) <http://s>", "t | u",
		"`v` ``w``", "x\\", "| y |",
	};
	doc_t *d = doc_new("t", "fr-FR");
	doc_para(d);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		doc_run(d, DOC_PLAIN, lines[i]);
		doc_run(d, DOC_PLAIN, "\n");
	}
	doc_run(d, DOC_STRONG, "fin");
	doc_list(d, false);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		doc_item(d);
		doc_run(d, DOC_EM, lines[i]);
		doc_run(d, DOC_PLAIN, "\n");
		doc_run(d, DOC_CODE, lines[i]);
	}
	doc_list_end(d);
	doc_list(d, false);
	doc_item(d);
	doc_run(d, DOC_PLAIN, "une autre liste");
	doc_list_end(d);
	doc_list(d, true);
	for (size_t i = 0; i < 12; i++) {
		doc_item(d);
		doc_run(d, DOC_PLAIN, lines[i]);
		doc_run(d, DOC_PLAIN, "\n");
		doc_run(d, DOC_PLAIN, lines[i + 1]);
	}
	doc_list_end(d);
	static const char *const heads[] = {"a|b", "`c|d`"};
	doc_table(d, NULL, 2, heads, NULL);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		doc_row(d);
		doc_cell(d);
		doc_run(d, DOC_PLAIN, lines[i]);
		doc_cell(d);
		/* a pipe in code in a cell reads back outside the code (test_md) */
		doc_run(d, strchr(lines[i], '|') ? DOC_PLAIN : DOC_CODE, lines[i]);
	}
	doc_table_end(d);
	doc_heading(d, 2, NULL, "# titre ## | *x*");

	buf_t md = BUF_INIT, html = BUF_INIT, again = BUF_INIT;
	doc_write_md(d, &md);
	doc_write_html(d, &html);
	doc_t *back = doc_new("t", "fr-FR");
	doc_markdown(back, md.ptr, md.len, 0);
	doc_write_html(back, &again);
	assert_string_equal(buf_cstr(&again), buf_cstr(&html));
	buf_free(&md);
	buf_free(&html);
	buf_free(&again);
	doc_free(d);
	doc_free(back);
}

static void test_url_safe(void **state)
{
	(void)state;
	static const char *const safe[] = {"https://a.fr/", "HTTP://a.fr", "mailto:x@y.fr", "page.html#a:b",
					   "/pilotage/", "?q=a:b", "#top", "//cdn.example/x"};
	static const char *const unsafe[] = {"javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x",
					     "vbscript:x", "file:///etc/passwd", "ftp://a", ":x", ""};
	for (size_t i = 0; i < sizeof safe / sizeof *safe; i++)
		assert_true(doc_url_safe(safe[i], strlen(safe[i])));
	for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++)
		assert_false(doc_url_safe(unsafe[i], strlen(unsafe[i])));
	/* a tab or line feed inside the scheme, which browsers remove, is
	 * removed before the check */
	doc_t *d = doc_new("t", "fr-FR");
	doc_para(d);
	doc_link(d, "java\tscript:alert(1)", "a");
	doc_link(d, "\x01javascript:alert(1)", "b");
	buf_t out = BUF_INIT;
	doc_write_html(d, &out);
	assert_string_equal(buf_cstr(&out), "<p>ab</p>\n");
	buf_free(&out);
	doc_free(d);
}

/* Invalid UTF-8 becomes U+FFFD; controls, U+FFFE and U+FFFF go; CR LF and
 * a lone CR are line breaks. */
static void test_clean_text(void **state)
{
	(void)state;
	doc_t *d = doc_new("t", "fr-FR");
	doc_para(d);
	doc_run(d, DOC_PLAIN, "a\xff" "b\x1b[0m\xef\xbf\xbe" "c\r\nd\re\x7f");
	buf_t out = BUF_INIT;
	doc_write_html(d, &out);
	assert_string_equal(buf_cstr(&out), "<p>a\xef\xbf\xbd" "b[0mc<br>d<br>e</p>\n");
	buf_free(&out);
	doc_free(d);
}

static void markdown_html(const char *md, int shift, const char *expected)
{
	doc_t *d = doc_new("t", "fr-FR");
	doc_markdown(d, md, strlen(md), shift);
	buf_t out = BUF_INIT;
	doc_write_html(d, &out);
	assert_string_equal(buf_cstr(&out), expected);
	buf_free(&out);
	doc_free(d);
}

static void test_markdown(void **state)
{
	(void)state;
	markdown_html("# Titre *un*\n\n"
		      "Du *texte* **gras** `code` et [un lien](https://a.fr/?x=1&amp;y \"t\")\n"
		      "sur deux lignes,  \ncassée. &eacute; &#233; &nosuch;\n\n"
		      "[piège](javascript:alert(1)) ![une image](i.png) <b>html</b> <https://b.fr>\n\n"
		      "###### Très bas\n\n"
		      "- un\n- deux\n  - imbriqué\n\n  suite de deux\n\n"
		      "1. premier\n2. second\n\n"
		      "> Cité\n\n"
		      "<div>\nbloc HTML\n</div>\n\n"
		      "---\n\n"
		      "```c\nint a;\n\n  b();\n```\n\n"
		      "| A | B |\n|---|--:|\n| *1* | 2 |\n| 3 |\n",
		      1,
		      "<h2>Titre un</h2>\n"
		      "<p>Du <em>texte</em> <strong>gras</strong> <code>code</code> et "
		      "<a href=\"https://a.fr/?x=1&amp;y\">un lien</a> sur deux lignes,<br>cassée. é é &amp;nosuch;</p>\n"
		      "<p>piège une image html <a href=\"https://b.fr\">https://b.fr</a></p>\n"
		      "<h4>Très bas</h4>\n"
		      "<ul>\n<li>un</li>\n<li>deux</li>\n<li>imbriqué<br>suite de deux</li>\n</ul>\n"
		      "<ol>\n<li>premier</li>\n<li>second</li>\n</ol>\n"
		      "<p>Cité</p>\n"
		      "<p><code>int a;<br><br>  b();</code></p>\n"
		      "<table>\n<thead>\n<tr><th scope=\"col\">A</th><th scope=\"col\" class=\"n\">B</th></tr>\n"
		      "</thead>\n<tbody>\n<tr><td><em>1</em></td><td class=\"n\">2</td></tr>\n"
		      "<tr><td>3</td><td class=\"n\"></td></tr>\n</tbody>\n</table>\n");
	/* shift 0 keeps the levels; a loose list's second paragraph breaks the line */
	markdown_html("## Deux\n\n- a\n\n  b\n- c\n", 0,
		      "<h2>Deux</h2>\n<ul>\n<li>a<br>b</li>\n<li>c</li>\n</ul>\n");
	/* a heading or a table inside a list item: text of the item */
	markdown_html("- # Titre\n- | A | B |\n  |---|---|\n  | 1 | 2 |\n", 0,
		      "<ul>\n<li>Titre</li>\n<li>A | B<br>1 | 2</li>\n</ul>\n");
}

static void test_markdown_wide_table(void **state)
{
	(void)state;
	buf_t md = BUF_INIT, out = BUF_INIT;
	for (size_t cols = DOC_MAX_COLUMNS; cols <= DOC_MAX_COLUMNS + 1; cols++) {
		buf_reset(&md);
		for (int row = 0; row < 3; row++) {
			for (size_t c = 0; c < cols; c++)
				buf_printf(&md, row == 1 ? "|---" : "| %c%zu ", row ? 'v' : 'h', c);
			buf_puts(&md, "|\n");
		}
		doc_t *d = doc_new("t", "fr-FR");
		doc_markdown(d, md.ptr, md.len, 0);
		buf_reset(&out);
		doc_write_html(d, &out);
		const char *s = buf_cstr(&out);
		if (cols == DOC_MAX_COLUMNS) {
			assert_non_null(strstr(s, "<th scope=\"col\">h15</th></tr>"));
			assert_non_null(strstr(s, "<td>v15</td></tr>"));
		} else {
			assert_null(strstr(s, "<table>"));
			assert_non_null(strstr(s, "<p>h0 | h1 | "));
			assert_non_null(strstr(s, " | h16</p>\n<p>v0 | "));
			assert_non_null(strstr(s, " | v16</p>\n"));
		}
		doc_free(d);
	}
	buf_free(&md);
	buf_free(&out);
}

/* ---- ODT ----------------------------------------------------------------- */

static char *entry(zip_t *za, const char *name, size_t *len)
{
	zip_stat_t st;
	assert_int_equal(zip_stat(za, name, 0, &st), 0);
	zip_file_t *f = zip_fopen(za, name, 0);
	assert_non_null(f);
	char *data = malloc(st.size + 1);
	assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	data[st.size] = '\0';
	*len = st.size;
	return data;
}

typedef struct {
	char paths[16][64];
	size_t n;
} manifest_t;

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	manifest_t *m = ud;
	if (!m || strcmp(name, "manifest:file-entry") != 0)
		return;
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], "manifest:full-path") == 0 && m->n < 16)
			snprintf(m->paths[m->n++], sizeof m->paths[0], "%s", atts[i + 1]);
}

static void parse_xml(const char *data, size_t len, manifest_t *m)
{
	XML_Parser p = XML_ParserCreate(NULL);
	XML_SetUserData(p, m);
	XML_SetStartElementHandler(p, on_start);
	enum XML_Status st = XML_Parse(p, data, (int)len, 1);
	if (st != XML_STATUS_OK)
		fail_msg("not well-formed: %s at line %lu", XML_ErrorString(XML_GetErrorCode(p)),
			 (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
}

/* The package read back, its central directory checked against the local
 * headers. */
static zip_t *open_odt(const buf_t *odt)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(odt->ptr, odt->len, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	assert_non_null(za);
	return za;
}

static void test_odt(void **state)
{
	(void)state;
	doc_t *d = sample();
	buf_t odt = BUF_INIT, again = BUF_INIT;
	diag_list_t dl = DIAG_LIST_INIT;
	assert_true(doc_write_odt(d, &odt, &dl));
	assert_true(doc_write_odt(d, &again, &dl));
	assert_int_equal(dl.len, 0);
	assert_int_equal(odt.len, again.len);
	assert_memory_equal(odt.ptr, again.ptr, odt.len);
	/* readers sniff the type at this offset of the first local header */
	assert_memory_equal(odt.ptr + 30, "mimetypeapplication/vnd.oasis.opendocument.text", 47);

	zip_t *za = open_odt(&odt);
	assert_string_equal(zip_get_name(za, 0, 0), "mimetype");
	zip_stat_t st;
	assert_int_equal(zip_stat_index(za, 0, 0, &st), 0);
	assert_int_equal(st.comp_method, ZIP_CM_STORE);
	size_t len;
	char *s = entry(za, "mimetype", &len);
	assert_string_equal(s, "application/vnd.oasis.opendocument.text");
	free(s);

	/* the manifest lists every entry but itself and mimetype, and each exists */
	manifest_t m = {0};
	s = entry(za, "META-INF/manifest.xml", &len);
	parse_xml(s, len, &m);
	assert_non_null(strstr(s, "manifest:full-path=\"Pictures/1.svg\" manifest:media-type=\"image/svg+xml\""));
	free(s);
	assert_int_equal(m.n, 5);
	assert_string_equal(m.paths[0], "/");
	for (size_t i = 1; i < m.n; i++)
		assert_true(zip_name_locate(za, m.paths[i], 0) >= 0);
	assert_int_equal(zip_get_num_entries(za, 0), (zip_int64_t)m.n + 1); /* and mimetype */

	static const char *const xml[] = {"content.xml", "styles.xml", "meta.xml"};
	for (size_t i = 0; i < 3; i++) {
		s = entry(za, xml[i], &len);
		parse_xml(s, len, NULL);
		free(s);
	}
	s = entry(za, "content.xml", &len);
	static const char *const has[] = {
		"<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\"><text:bookmark text:name=\"x&quot;1\"/>"
		"Titre &lt;1&gt; &amp; &quot;q&quot; 'a'</text:h>",
		"<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">Listes</text:h>",
		"&lt;g&gt; &amp;amp; h\\ ~i~ <text:span text:style-name=\"T1\">gras </text:span>"
		"<text:span text:style-name=\"T3\">les deux</text:span> <text:span text:style-name=\"T4\">a`b</text:span>",
		"<text:a xlink:type=\"simple\" xlink:href=\"https://example.org/?a=1&amp;b=&lt;2&gt;\">lien [x]</text:a> "
		"piège<text:line-break/>- ligne 2</text:p>",
		"<text:p text:style-name=\"Note\">",
		"<text:list text:style-name=\"Numbering_20_123\">",
		"<text:p text:style-name=\"Table_20_Caption\">Scores &lt;2026&gt;</text:p>",
		"<table:table-header-rows><table:table-row>",
		"<text:p text:style-name=\"Table_20_Heading_20_Number\">Score|%</text:p>",
		"<text:p text:style-name=\"Table_20_Contents\">a|b</text:p>",
		"<text:p text:style-name=\"Table_20_Number\">41,7 %</text:p>",
		"svg:width=\"160.00mm\" svg:height=\"64.00mm\"",
		"<draw:image xlink:href=\"Pictures/1.svg\"",
		"<svg:title>Scores : a 42 %</svg:title><svg:desc>Scores : a 42 %</svg:desc>",
	};
	for (size_t i = 0; i < sizeof has / sizeof *has; i++)
		if (!strstr(s, has[i]))
			fail_msg("content.xml lacks %s", has[i]);
	assert_null(strstr(s, "javascript"));
	assert_null(strstr(s, "\x01"));
	free(s);
	s = entry(za, "styles.xml", &len);
	assert_non_null(strstr(s, "style:name=\"Heading_20_3\" style:display-name=\"Heading 3\""));
	assert_non_null(strstr(s, "style:default-outline-level=\"4\""));
	assert_non_null(strstr(s, "fo:page-width=\"21cm\" fo:page-height=\"29.7cm\""));
	assert_non_null(strstr(s, "fo:language=\"fr\" fo:country=\"FR\""));
	free(s);
	s = entry(za, "meta.xml", &len);
	assert_non_null(strstr(s, "<meta:generator>sobre</meta:generator><dc:title>Stratégie &lt;2026&gt;</dc:title>"
				  "<dc:subject>Loi REEN &amp; décret</dc:subject>"
				  "<meta:initial-creator>Direction &quot;DN&quot;</meta:initial-creator>"
				  "<meta:creation-date>2026-03-01T09:30:12Z</meta:creation-date>"));
	free(s);
	s = entry(za, "Pictures/1.svg", &len);
	assert_int_equal(len, sizeof svg_text - 1);
	assert_memory_equal(s, svg_text, len);
	free(s);
	zip_close(za);
	buf_free(&odt);
	buf_free(&again);
	diag_list_free(&dl);
	doc_free(d);
}

/* The entries' times are the document's date, written in MS-DOS form, not
 * the time of the run: bytes 10-13 of each local header. */
static void test_odt_times(void **state)
{
	(void)state;
	doc_t *d = doc_new("t", "fr-FR");
	buf_t a = BUF_INIT, b = BUF_INIT;
	diag_list_t dl = DIAG_LIST_INIT;
	doc_set_meta(d, NULL, NULL, "2026-03-01T09:30:12Z");
	assert_true(doc_write_odt(d, &a, &dl));
	const unsigned char *p = (const unsigned char *)a.ptr;
	unsigned tm = p[10] | p[11] << 8, dt = p[12] | p[13] << 8;
	assert_int_equal(tm, (9u << 11) | (30u << 5) | 6u);
	assert_int_equal(dt, (46u << 9) | (3u << 5) | 1u);
	/* no date, or one that is not one: 1980-01-01, and no creation date */
	doc_set_meta(d, NULL, NULL, "hier");
	assert_true(doc_write_odt(d, &b, &dl));
	p = (const unsigned char *)b.ptr;
	assert_int_equal(p[10] | p[11] << 8, 0);
	assert_int_equal(p[12] | p[13] << 8, (1u << 5) | 1u);
	assert_int_equal(dl.len, 0);
	buf_free(&a);
	buf_free(&b);
	diag_list_free(&dl);
	doc_free(d);
}

/* Long texts in many pieces: runs merge, nothing is quadratic (a few
 * hundred KB of Markdown, as a pasted document, read and written). */
static void test_large(void **state)
{
	(void)state;
	buf_t md = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < 20000; i++)
		buf_printf(&md, "Mot &eacute; *x* `c` [l](https://a.fr/%d)\n%s", i, i % 10 == 9 ? "\n" : "");
	doc_t *d = doc_new("t", "fr-FR");
	doc_markdown(d, md.ptr, md.len, 0);
	doc_write_html(d, &out);
	assert_true(out.len > md.len);
	buf_reset(&out);
	doc_write_md(d, &out);
	buf_reset(&out);
	diag_list_t dl = DIAG_LIST_INIT;
	assert_true(doc_write_odt(d, &out, &dl));
	zip_t *za = open_odt(&out);
	size_t len;
	char *s = entry(za, "content.xml", &len);
	parse_xml(s, len, NULL);
	assert_non_null(strstr(s, "<text:a xlink:type=\"simple\" xlink:href=\"https://a.fr/19999\">l</text:a>"));
	free(s);
	zip_close(za);
	buf_free(&md);
	buf_free(&out);
	diag_list_free(&dl);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_md_round_trip),
		cmocka_unit_test(test_url_safe),
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_wide_table),
		cmocka_unit_test(test_odt),
		cmocka_unit_test(test_odt_times),
		cmocka_unit_test(test_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
