/* Tests for guide/guide: building the model from parsed pages (page kinds,
 * theme and sheet order, parents, orphans, URLs), {{ name }} expansion,
 * absolute and generated URLs, and loading folders including the real guide. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guide/guide.h"
#include "guide/yaml.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "testdata.h"

typedef struct {
	const char *path;
	const char *src;
} src_t;

/* Parses every source (all must be valid pages) and builds a guide with data
 * parsed from the JSON text data_json (NULL for none). */
static guide_t *build(const src_t *srcs, size_t n, const char *data_json)
{
	diag_list_t d = DIAG_LIST_INIT;
	page_t **pages = xcalloc(n + 1, sizeof *pages);
	for (size_t i = 0; i < n; i++) {
		pages[i] = page_parse(srcs[i].path, srcs[i].src, strlen(srcs[i].src), &d);
		if (!pages[i])
			fail_msg("page %s: %s", srcs[i].path, d.len ? d.items[0].msg : "?");
	}
	value_t *data = NULL;
	if (data_json) {
		data = yaml_parse("_data/test.json", data_json, strlen(data_json), 0, &d);
		assert_non_null(data);
	}
	guide_t *g = guide_from_pages(data, pages, n, &d);
	assert_non_null(g);
	assert_int_equal(d.len, 0);
	diag_list_free(&d);
	return g;
}

static size_t page_index(const guide_t *g, const char *path)
{
	for (size_t i = 0; i < g->npages; i++)
		if (strcmp(g->pages[i]->path, path) == 0)
			return i;
	fail_msg("no page %s", path);
	return 0;
}

static const char *url_of(const guide_t *g, const char *path)
{
	return g->pages[page_index(g, path)]->url;
}

static const char THEME_A[] = "---\ntitle: Theme A\ntags: guideBpNrThematique\nidThematique: a.\n"
			      "eleventyNavigation:\n  key: key-a\n  order: 10\n---\n";
static const char THEME_B[] = "---\ntitle: Theme B\ntags:\n  - other\n  - guideBpNrThematique\n"
			      "idThematique: b.\neleventyNavigation:\n  key: key-b\n  order: 20\n---\n";

static void test_classification(void **state)
{
	(void)state;
	const src_t s[] = {
		{"g/index.md", "---\ntitle: Home\n---\nWelcome\n"},
		{"g/b/index.md", THEME_B},
		{"g/a/index.md", THEME_A},
		{"g/a/s1.md", "---\ntype: bpnr\nidbp: a.1\neleventyNavigation:\n  parent: key-a\n  order: 1\n---\n"},
		{"g/plain.md", "No front matter at all.\n"},
		{"g/other.md", "---\ntype: publication\ntags: [x, y]\n---\n"},
		{"g/notag.md", "---\ntags: guideBpNrThematiqueX\n---\n"},
		/* type bpnr wins over the theme tag */
		{"g/both.md", "---\ntype: bpnr\ntags: guideBpNrThematique\nidbp: z.1\n---\n"},
	};
	guide_t *g = build(s, sizeof s / sizeof *s, NULL);
	assert_int_equal(g->npages, 8);
	/* pages are sorted by path */
	for (size_t i = 1; i < g->npages; i++)
		assert_true(strcmp(g->pages[i - 1]->path, g->pages[i]->path) < 0);
	assert_int_equal(g->kinds[page_index(g, "g/index.md")], PAGE_OTHER);
	assert_int_equal(g->kinds[page_index(g, "g/a/index.md")], PAGE_THEME);
	assert_int_equal(g->kinds[page_index(g, "g/b/index.md")], PAGE_THEME);
	assert_int_equal(g->kinds[page_index(g, "g/a/s1.md")], PAGE_SHEET);
	assert_int_equal(g->kinds[page_index(g, "g/plain.md")], PAGE_OTHER);
	assert_int_equal(g->kinds[page_index(g, "g/other.md")], PAGE_OTHER);
	assert_int_equal(g->kinds[page_index(g, "g/notag.md")], PAGE_OTHER);
	assert_int_equal(g->kinds[page_index(g, "g/both.md")], PAGE_SHEET);
	assert_int_equal(g->nthemes, 2);
	assert_int_equal(g->npractices, 1);
	assert_int_equal(g->norphans, 1);
	assert_string_equal(g->orphans[0]->id, "z.1");
	assert_string_equal(g->orphans[0]->parent, "");
	assert_null(g->orphans[0]->theme);

	const guide_theme_t *a = g->themes[0];
	assert_string_equal(a->id, "a.");
	assert_string_equal(a->key, "key-a");
	assert_string_equal(a->title, "Theme A");
	assert_true(a->order == 10);
	assert_string_equal(g->themes[1]->key, "key-b");
	assert_int_equal(g->nignored, 0);
	assert_non_null(g->data);
	assert_int_equal(g->data->kind, VAL_MAP);
	guide_free(g);
}

static void test_sheet_fields(void **state)
{
	(void)state;
	const src_t s[] = {
		{"a/index.md", THEME_A},
		{"a/s.md", "---\ntitle: Sheet\ntype: bpnr\nidbp: a.1\npriority: Prioritaire\ndifficulty: Facile\n"
			   "who:\n  - Dev\nindicators:\n  - Count\neleventyNavigation:\n  parent: key-a\n  order: 2.5\n---\n"},
		{"a/bare.md", "---\ntype: bpnr\neleventyNavigation:\n  parent: key-a\n---\n"},
	};
	guide_t *g = build(s, 3, NULL);
	assert_int_equal(g->npractices, 2);
	const guide_practice_t *p = g->practices[1];
	assert_string_equal(p->id, "a.1");
	assert_string_equal(p->title, "Sheet");
	assert_string_equal(p->priority, "Prioritaire");
	assert_string_equal(p->difficulty, "Facile");
	assert_int_equal(p->who->kind, VAL_LIST);
	assert_string_equal(value_str(p->who->u.list.items[0]), "Dev");
	assert_int_equal(p->indicators->kind, VAL_LIST);
	assert_string_equal(p->parent, "key-a");
	assert_true(p->order == 2.5);
	assert_ptr_equal(p->theme, g->themes[0]);
	assert_string_equal(p->page->path, "a/s.md");
	/* missing fields read as "" or NULL, a missing order as 0 (so it sorts first) */
	const guide_practice_t *b = g->practices[0];
	assert_string_equal(b->page->path, "a/bare.md");
	assert_string_equal(b->id, "");
	assert_string_equal(b->title, "");
	assert_string_equal(b->priority, "");
	assert_null(b->who);
	assert_null(b->indicators);
	assert_true(b->order == 0);
	guide_free(g);
}

/* Regression (src/guide/guide.c, guide_from_pages): guide.h documents
 * guide_practice_t.priority as "as written (trimmed)", but fm_str() returns
 * the string untouched, so a quoted value with blanks stays " Prioritaire ".
 * Expected "Prioritaire" (or the header corrected). */
static void test_priority_as_written(void **state)
{
	(void)state;
	const src_t s[] = {
		{"a/index.md", THEME_A},
		{"a/s.md", "---\ntype: bpnr\nidbp: a.1\npriority: \" Prioritaire \"\n"
			   "eleventyNavigation:\n  parent: key-a\n---\n"},
	};
	guide_t *g = build(s, 2, NULL);
	char got[32];
	snprintf(got, sizeof got, "%s", g->practices[0]->priority);
	guide_free(g);
	/* Kept as written, so that check reports the stray spaces. */
	assert_string_equal(got, " Prioritaire ");
}

static void test_theme_order(void **state)
{
	(void)state;
	/* by order, then date, then path */
	const src_t s[] = {
		{"t1/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: k1\n  order: 30\n---\n"},
		{"t2/index.md", "---\ntags: guideBpNrThematique\ndate: 2023-02-01\neleventyNavigation:\n  key: k2\n  order: 20\n---\n"},
		{"t3/index.md", "---\ntags: guideBpNrThematique\ndate: 2023-01-01\neleventyNavigation:\n  key: k3\n  order: 20\n---\n"},
		{"t4/index.md", "---\ntags: guideBpNrThematique\ndate: 2023-01-01\neleventyNavigation:\n  key: k4\n  order: 20\n---\n"},
		{"t0/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: k0\n  order: -5\n---\n"},
		{"t5/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: k5\n---\n"},
	};
	guide_t *g = build(s, sizeof s / sizeof *s, NULL);
	const char *want[] = {"k0", "k5", "k3", "k4", "k2", "k1"};
	assert_int_equal(g->nthemes, 6);
	for (size_t i = 0; i < g->nthemes; i++) {
		assert_string_equal(g->themes[i]->key, want[i]);
		assert_int_equal(g->themes[i]->index, i);
	}
	guide_free(g);
}

static void test_sheets_dealt_to_themes(void **state)
{
	(void)state;
	const src_t s[] = {
		{"a/index.md", THEME_A},
		{"b/index.md", THEME_B},
		{"a/x.md", "---\ntype: bpnr\nidbp: a.2\neleventyNavigation:\n  parent: key-a\n  order: 20\n---\n"},
		{"a/y.md", "---\ntype: bpnr\nidbp: a.1\neleventyNavigation:\n  parent: key-a\n  order: 10\n---\n"},
		{"a/z.md", "---\ntype: bpnr\nidbp: a.3\ndate: 2023-05-01\neleventyNavigation:\n  parent: key-a\n  order: 20\n---\n"},
		/* a sheet may live in another folder: its parent decides */
		{"elsewhere/w.md", "---\ntype: bpnr\nidbp: b.1\neleventyNavigation:\n  parent: key-b\n  order: 1\n---\n"},
		{"b/v.md", "---\ntype: bpnr\nidbp: b.2\neleventyNavigation:\n  parent: key-b\n  order: 2\n---\n"},
		{"b/orphan.md", "---\ntype: bpnr\nidbp: q.1\neleventyNavigation:\n  parent: key-q\n  order: 1\n---\n"},
		{"b/noparent.md", "---\ntype: bpnr\nidbp: q.2\n---\n"},
	};
	guide_t *g = build(s, sizeof s / sizeof *s, NULL);
	assert_int_equal(g->nthemes, 2);
	const guide_theme_t *a = g->themes[0], *b = g->themes[1];
	assert_int_equal(a->npractices, 3);
	/* order 10, then the two order-20 sheets: x (no date) before z (dated) */
	assert_string_equal(a->practices[0]->id, "a.1");
	assert_string_equal(a->practices[1]->id, "a.2");
	assert_string_equal(a->practices[2]->id, "a.3");
	assert_int_equal(b->npractices, 2);
	assert_string_equal(b->practices[0]->id, "b.1");
	assert_string_equal(b->practices[1]->id, "b.2");
	/* guide order is theme by theme; index counts within the theme */
	const char *want[] = {"a.1", "a.2", "a.3", "b.1", "b.2"};
	assert_int_equal(g->npractices, 5);
	for (size_t i = 0; i < g->npractices; i++) {
		assert_string_equal(g->practices[i]->id, want[i]);
		assert_int_equal(g->practices[i]->seq, i);
		assert_int_equal(g->practices[i]->index, i < 3 ? i : i - 3);
		assert_ptr_equal(g->practices[i]->theme, i < 3 ? a : b);
	}
	assert_int_equal(g->norphans, 2);
	assert_string_equal(g->orphans[0]->id, "q.2"); /* order 0 before order 1 */
	assert_string_equal(g->orphans[1]->id, "q.1");
	assert_string_equal(g->orphans[1]->parent, "key-q");
	guide_free(g);
}

static void test_duplicate_theme_keys(void **state)
{
	(void)state;
	/* on a shared key the sheet goes to the first such theme in navigation order */
	const src_t s[] = {
		{"t1/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: same\n  order: 30\n---\n"},
		{"t2/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: same\n  order: 10\n---\n"},
		{"t3/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: same\n  order: 20\n---\n"},
		{"t4/index.md", "---\ntags: guideBpNrThematique\neleventyNavigation:\n  key: other\n  order: 5\n---\n"},
		{"s1.md", "---\ntype: bpnr\nidbp: x.1\neleventyNavigation:\n  parent: same\n---\n"},
		{"s2.md", "---\ntype: bpnr\nidbp: x.2\neleventyNavigation:\n  parent: other\n---\n"},
	};
	guide_t *g = build(s, sizeof s / sizeof *s, NULL);
	assert_int_equal(g->nthemes, 4);
	assert_string_equal(g->themes[1]->page->path, "t2/index.md");
	assert_int_equal(g->themes[1]->npractices, 1);
	assert_string_equal(g->themes[1]->practices[0]->id, "x.1");
	assert_int_equal(g->themes[2]->npractices, 0);
	assert_int_equal(g->themes[3]->npractices, 0);
	assert_int_equal(g->themes[0]->npractices, 1);
	assert_string_equal(g->practices[0]->id, "x.2");
	assert_string_equal(g->practices[1]->id, "x.1");
	assert_int_equal(g->norphans, 0);
	guide_free(g);
}

static void test_permalinks(void **state)
{
	(void)state;
	const src_t s[] = {
		{"g/index.md", "---\ntitle: Home\n---\n"},
		{"g/sub/page.md", "---\ntitle: P\n---\n"},
		{"g/sub/index.md", "---\ntitle: S\n---\n"},
		{"g/p1.md", "---\npermalink: g/custom/\n---\n"},
		{"g/p2.md", "---\npermalink: /g/other/index.html\n---\n"},
		{"g/p3.md", "---\npermalink: g/file.html\n---\n"},
		{"g/p4.md", "---\npermalink: false\n---\n"},
		{"g/p5.md", "---\npermalink: \"\"\n---\n"},
		{"g/p6.md", "---\npermalink: true\n---\n"},
		{"g/p7.md", "---\npermalink: g//x/./y/../z/\n---\n"},
		{"g/p8.md", "---\npermalink: ../../g/up/\n---\n"},
		{"g/p9.md", "---\npermalink: //g/host/\n---\n"},
	};
	guide_t *g = build(s, sizeof s / sizeof *s, NULL);
	assert_string_equal(url_of(g, "g/index.md"), "/g/");
	assert_string_equal(url_of(g, "g/sub/page.md"), "/g/sub/page/");
	assert_string_equal(url_of(g, "g/sub/index.md"), "/g/sub/");
	assert_string_equal(url_of(g, "g/p1.md"), "/g/custom/");
	assert_string_equal(url_of(g, "g/p2.md"), "/g/other/");
	assert_string_equal(url_of(g, "g/p3.md"), "/g/file.html");
	assert_null(url_of(g, "g/p4.md"));
	assert_string_equal(url_of(g, "g/p5.md"), "/g/p5/");
	assert_string_equal(url_of(g, "g/p6.md"), "/g/p6/");
	/* resolved as a browser would: the URL names the file build writes,
	 * never one outside the site, never one on another host */
	assert_string_equal(url_of(g, "g/p7.md"), "/g/x/z/");
	assert_string_equal(url_of(g, "g/p8.md"), "/g/up/");
	assert_string_equal(url_of(g, "g/p9.md"), "/g/host/");
	/* the guide's URL space is the folder of its home page */
	assert_string_equal(g->base, "/g/");
	guide_free(g);
}

/* Regression (src/guide/guide.c, set_url): any permalink ending in "index.html" is
 * cut, not only a final "/index.html" path segment: "g/myindex.html" becomes
 * "/g/my" instead of "/g/myindex.html". */
static void test_permalink_index_suffix(void **state)
{
	(void)state;
	const src_t s[] = {
		{"g/p.md", "---\npermalink: g/myindex.html\n---\n"},
	};
	guide_t *g = build(s, 1, NULL);
	char got[64];
	snprintf(got, sizeof got, "%s", url_of(g, "g/p.md"));
	guide_free(g);
	assert_string_equal(got, "/g/myindex.html");
}

static void test_url_space(void **state)
{
	(void)state;
	/* no home page: the longest folder common to every URL */
	const src_t s1[] = {
		{"pub/guide/a/index.md", THEME_A},
		{"pub/guide/b/index.md", THEME_B},
		{"pub/guide/a/x.md", "x\n"},
	};
	guide_t *g = build(s1, 3, NULL);
	assert_string_equal(g->base, "/pub/guide/");
	guide_free(g);
	/* pages in different trees share only "/" */
	const src_t s2[] = {
		{"one/index.md", "a\n"},
		{"two/index.md", "b\n"},
	};
	g = build(s2, 2, NULL);
	assert_string_equal(g->base, "/");
	guide_free(g);
	/* no pages at all */
	g = guide_from_pages(NULL, xcalloc(1, sizeof(page_t *)), 0, NULL);
	assert_string_equal(g->base, "/");
	assert_int_equal(g->nthemes, 0);
	assert_int_equal(g->npractices, 0);
	assert_int_equal(g->norphans, 0);
	guide_free(g);
}

static const char DATA[] = "{\"metadata\": {\"url\": \"https://example.org/\", \"n\": 3,"
			   " \"guideBonnesPratiques\": {\"version\": \"v9\", \"title\": \"T\"}}}";

static void assert_expand(const guide_t *g, const char *src, const char *want)
{
	buf_t b = BUF_INIT;
	guide_expand(g, src, strlen(src), &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_expand(void **state)
{
	(void)state;
	const src_t s[] = {{"index.md", "x\n"}};
	guide_t *g = build(s, 1, DATA);
	assert_expand(g, "Version {{ metadata.guideBonnesPratiques.version }}.",
		      "Version v9.");
	assert_expand(g, "{{metadata.url}}x{{  metadata.n  }}", "https://example.org/x3");
	/* unknown names resolve to nothing, as in Nunjucks */
	assert_expand(g, "[{{ metadata.nope.deeper }}]", "[]");
	assert_expand(g, "[{{ nothing }}]", "[]");
	/* a map resolves to its text */
	assert_expand(g, "{{ metadata.guideBonnesPratiques }}", "[object Object]");
	/* what is not a plain name is left as is */
	assert_expand(g, "{{ metadata.url | upper }}", "{{ metadata.url | upper }}");
	assert_expand(g, "{{ }} and {{}}", "{{ }} and {{}}");
	assert_expand(g, "{% if x %}", "{% if x %}");
	assert_expand(g, "open {{ metadata.url", "open {{ metadata.url");
	assert_expand(g, "{{ metadata.url\n}}", "{{ metadata.url\n}}");
	assert_expand(g, "a { b } {", "a { b } {");
	assert_expand(g, "", "");
	assert_expand(g, "{{ x | y }} then {{ metadata.n }}", "{{ x | y }} then 3");
	/* several "{{" before one "}}", and lines without one (the search for
	 * "}}" is remembered from one "{{" to the next) */
	assert_expand(g, "{{{{ metadata.n }}", "{{3");
	assert_expand(g, "{{ {{ metadata.n }} {{ metadata.n }}", "{{ 3 3");
	assert_expand(g, "{{{{{{ x\n{{ metadata.n }}{{", "{{{{{{ x\n3{{");
	assert_expand(g, "{{ a b }}{{ metadata.n }}", "{{ a b }}3");
	/* and it stays linear: 200 KB of "{{" on one line */
	buf_t many = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_puts(&many, "{{");
	buf_puts(&many, " metadata.n }}");
	clock_t t0 = clock();
	buf_t got = BUF_INIT;
	guide_expand(g, many.ptr, many.len, &got);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(got.len, 200000 - 2 + 1);
	assert_int_equal(got.ptr[got.len - 1], '3');
	buf_free(&got);
	buf_free(&many);
	if (secs > 1.0)
		fail_msg("200 KB of '{{' took %.2f s", secs);
	/* only len bytes are read */
	buf_t b = BUF_INIT;
	guide_expand(g, "ab{{ metadata.n }}", 2, &b);
	assert_string_equal(buf_cstr(&b), "ab");
	buf_free(&b);

	assert_string_equal(guide_meta(g, "version"), "v9");
	assert_null(guide_meta(g, "missing"));
	assert_string_equal(guide_site_meta(g, "url"), "https://example.org/");
	assert_string_equal(guide_site_meta(g, "guideBonnesPratiques.title"), "T");
	assert_null(guide_site_meta(g, "n")); /* not a string */
	guide_free(g);
}

/* Bodies are rendered in NFC, {{ names }} resolved first; a body that
 * needs neither is rendered in place. */
static void test_render_source(void **state)
{
	(void)state;
	const src_t s[] = {{"index.md", "Caf\xC3\xA9\n"}, {"nfd.md", "Cafe\xCC\x81 {{ metadata.n }}\n"}};
	guide_t *g = build(s, 2, "{\"metadata\": {\"n\": 3, \"e\": \"cafe\"}}");
	buf_t b = BUF_INIT;
	assert_false(guide_render_source(g, "Caf\xC3\xA9", 5, &b));
	assert_int_equal(b.len, 0);
	assert_true(guide_render_source(g, "Cafe\xCC\x81", 6, &b));
	assert_string_equal(buf_cstr(&b), "Caf\xC3\xA9");
	buf_reset(&b);
	/* normalized after the expansion: the mark after {{ }} joins the value */
	assert_true(guide_render_source(g, "{{ metadata.e }}\xCC\x81", 18, &b));
	assert_string_equal(buf_cstr(&b), "caf\xC3\xA9");
	buf_reset(&b);
	guide_page_html(g, g->pages[page_index(g, "nfd.md")], &b);
	assert_string_equal(buf_cstr(&b), "<p>Caf\xC3\xA9 3</p>\n");
	buf_free(&b);
	guide_free(g);
}

static void assert_abs(const char *base, const char *path, const char *want)
{
	buf_t b = BUF_INIT;
	guide_absolute_url(base, path, &b);
	char got[256];
	snprintf(got, sizeof got, "%s", buf_cstr(&b));
	buf_free(&b);
	assert_string_equal(got, want);
}

static void test_absolute_url(void **state)
{
	(void)state;
	assert_abs("https://ex.org/", "/a/b/", "https://ex.org/a/b/");
	assert_abs("https://ex.org", "/a/b/", "https://ex.org/a/b/");
	assert_abs("https://ex.org//", "a/b/", "https://ex.org/a/b/");
	assert_abs("https://ex.org/", "/caf\xC3\xA9/", "https://ex.org/caf%C3%A9/");
	assert_abs("https://ex.org", "/a b\"<>`{}#?/", "https://ex.org/a%20b%22%3C%3E%60%7B%7D%23%3F/");
	/* what the path percent-encode set leaves alone */
	assert_abs("https://ex.org", "/a-b_c.d~e!$&'()*+,;=:@%25/", "https://ex.org/a-b_c.d~e!$&'()*+,;=:@%25/");
	assert_abs("", "/x/", "/x/");
	assert_abs("https://ex.org/base/", "/x/", "https://ex.org/base/x/");
}

/* Regression (src/guide/guide.c, guide_absolute_url): DEL (0x7F) is left as is,
 * although the WHATWG C0 control percent-encode set (part of the path set it
 * follows) includes every code point above U+007E. Expected "%7F". */
static void test_absolute_url_del(void **state)
{
	(void)state;
	assert_abs("https://ex.org", "/a\x7F/", "https://ex.org/a%7F/");
}

static void test_generated_url(void **state)
{
	(void)state;
	const src_t s[] = {{"pub/guide/index.md", "x\n"}, {"pub/guide/a.md", "y\n"}};
	guide_t *g = build(s, 2, DATA);
	assert_string_equal(g->base, "/pub/guide/");
	buf_t b = BUF_INIT;
	guide_generated_url(g, "list", &b);
	assert_string_equal(buf_cstr(&b), "/pub/guide/bonnes-pratiques/");
	buf_reset(&b);
	guide_generated_url(g, "reading", &b);
	assert_string_equal(buf_cstr(&b), "/pub/guide/lecture/");
	buf_reset(&b);
	guide_generated_url(g, "csv", &b);
	assert_string_equal(buf_cstr(&b),
			    "/pub/guide/guide-bonnes-pratiques-numerique-responsable-export-version-v9.csv");
	buf_reset(&b);
	guide_generated_url(g, "json", &b);
	assert_string_equal(buf_cstr(&b),
			    "/pub/guide/guide-bonnes-pratiques-numerique-responsable-export-version-v9.json");
	/* appends */
	guide_generated_url(g, "list", &b);
	assert_non_null(strstr(buf_cstr(&b), ".json/pub/guide/bonnes-pratiques/"));
	/* at the host's root */
	buf_reset(&b);
	guide_generated_url(g, "sitemap", &b);
	assert_string_equal(buf_cstr(&b), "/sitemap.xml");
	buf_reset(&b);
	guide_generated_url(g, "404", &b);
	assert_string_equal(buf_cstr(&b), "/404.html");
	buf_reset(&b);
	guide_generated_url(g, "assets", &b);
	assert_string_equal(buf_cstr(&b), "/assets/");
	buf_free(&b);
	guide_free(g);
}

static void test_nav_helper(void **state)
{
	(void)state;
	const src_t s[] = {{"a/index.md", THEME_A}, {"n.md", "---\neleventyNavigation: 3\n---\n"}};
	guide_t *g = build(s, 2, NULL);
	const page_t *p = g->pages[page_index(g, "a/index.md")];
	assert_string_equal(value_str(guide_nav(p, "key")), "key-a");
	assert_null(guide_nav(p, "parent"));
	assert_null(guide_nav(g->pages[page_index(g, "n.md")], "key"));
	guide_free(g);
}

static void test_load_missing(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load("/nonexistent/sobre/guide", &d);
	assert_null(g);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].sev, DIAG_ERROR);
	assert_string_equal(d.items[0].rule, "io-error");
	assert_string_equal(d.items[0].file, "/nonexistent/sobre/guide");
	assert_non_null(d.items[0].hint);
	diag_list_free(&d);
}

static void put(const char *root, const char *rel, const char *text)
{
	char *p = fs_join(root, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(fs_mkdirs(p), 0);
	*slash = '/';
	assert_int_equal(fs_write_atomic(p, text, strlen(text)), 0);
	free(p);
}

/* A file of size bytes that takes no disk space (a hole). */
static void put_sparse(const char *root, const char *rel, off_t size)
{
	put(root, rel, "");
	char *p = fs_join(root, rel);
	assert_int_equal(truncate(p, size), 0);
	free(p);
}

/* GUIDE_MAX_FILE: a page or data file over 16 MiB is refused from its size,
 * before it is read; one at the limit is read. */
static void test_load_file_too_large(void **state)
{
	(void)state;
	char root[] = "/tmp/sobre-test-guide-XXXXXX";
	assert_non_null(mkdtemp(root));
	put(root, "g/index.md", "---\ntitle: Home\n---\n");
	put_sparse(root, "g/huge.md", (off_t)GUIDE_MAX_FILE + 1);
	put_sparse(root, "_data/huge.json", (off_t)GUIDE_MAX_FILE + 1);
	put_sparse(root, "g/at-limit.md", (off_t)GUIDE_MAX_FILE);
	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load(root, &d);
	assert_non_null(g);
	diag_sort(&d);
	/* at-limit.md is read, and refused for what it holds (NUL bytes) */
	assert_int_equal(d.len, 3);
	assert_string_equal(d.items[0].file, "_data/huge.json");
	assert_string_equal(d.items[0].rule, "file-too-large");
	assert_string_equal(d.items[0].msg, "cannot read: larger than 16 MiB");
	assert_string_equal(d.items[1].file, "g/at-limit.md");
	assert_string_equal(d.items[1].rule, "binary-file");
	assert_string_equal(d.items[2].file, "g/huge.md");
	assert_string_equal(d.items[2].rule, "file-too-large");
	assert_int_equal(g->npages, 1);
	guide_free(g);
	diag_list_free(&d);
	assert_int_equal(fs_remove_tree(root), 0);
}

static void test_load_folder(void **state)
{
	(void)state;
	char root[] = "/tmp/sobre-test-guide-XXXXXX";
	assert_non_null(mkdtemp(root));
	put(root, "_data/metadata.json", "{\"guideBonnesPratiques\": {\"version\": \"v2\"}}");
	put(root, "_data/notes.txt", "ignored");
	put(root, "_data/broken.json", "{\"a\": ");
	put(root, "_includes/layout.md", "not a page\n");
	put(root, ".git/x.md", "hidden\n");
	put(root, "node_modules/m.md", "dependency\n");
	put(root, "g/index.md", "---\ntitle: Home\n---\n");
	put(root, "g/a/index.md", THEME_A);
	put(root, "g/a/s.md", "---\ntype: bpnr\nidbp: a.1\neleventyNavigation:\n  parent: key-a\n---\n");
	put(root, "g/a/bad.md", "---\ntitle: caf\xE9\n---\n");
	put(root, "g/a/empty.md", "");
	put(root, "g/layout.njk", "{{ content }}");
	put(root, "g/other.njk", "x");
	put(root, "g/readme.txt", "not markdown");

	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load(root, &d);
	assert_non_null(g);
	assert_string_equal(g->root, root);
	assert_int_equal(g->npages, 3); /* bad.md and empty.md are left out */
	assert_string_equal(g->pages[0]->path, "g/a/index.md");
	assert_string_equal(g->pages[1]->path, "g/a/s.md");
	assert_string_equal(g->pages[2]->path, "g/index.md");
	assert_int_equal(g->nignored, 2);
	assert_int_equal(g->nthemes, 1);
	assert_int_equal(g->npractices, 1);
	assert_string_equal(g->base, "/g/");
	assert_string_equal(guide_meta(g, "version"), "v2");
	assert_null(value_get(g->data, "broken"));
	assert_null(value_get(g->data, "notes"));
	/* data values point at their file name, kept by the guide */
	assert_string_equal(value_get(g->data, "metadata")->file, "_data/metadata.json");

	/* one diagnostic per bad file, reported with paths relative to the root */
	assert_int_equal(d.len, 3);
	diag_sort(&d);
	assert_string_equal(d.items[0].file, "_data/broken.json");
	assert_string_equal(d.items[0].rule, "yaml-syntax");
	assert_string_equal(d.items[1].file, "g/a/bad.md");
	assert_string_equal(d.items[1].rule, "not-utf8");
	assert_int_equal(d.items[1].line, 2);
	assert_string_equal(d.items[2].file, "g/a/empty.md");
	assert_string_equal(d.items[2].rule, "empty-file");
	diag_list_free(&d);
	guide_free(g);
	assert_int_equal(fs_remove_tree(root), 0);
}

static void test_load_many_files(void **state)
{
	(void)state;
	/* enough files for several loading threads; the result and the order of
	 * the diagnostics must not depend on scheduling */
	char root[] = "/tmp/sobre-test-guide-XXXXXX";
	assert_non_null(mkdtemp(root));
	char rel[64], text[160];
	for (int i = 0; i < 400; i++) {
		snprintf(rel, sizeof rel, "g/d%d/p%03d.md", i % 5, i);
		if (i % 7 == 3)
			snprintf(text, sizeof text, "---\ntitle: bad \xE9 %d\n---\n", i);
		else
			snprintf(text, sizeof text, "---\ntype: bpnr\nidbp: a.%d\neleventyNavigation:\n  parent: key-a\n"
				 "  order: %d\n---\nText %d\n", i, i, i);
		put(root, rel, text);
	}
	put(root, "g/index.md", THEME_A);
	for (int run = 0; run < 3; run++) {
		diag_list_t d = DIAG_LIST_INIT;
		guide_t *g = guide_load(root, &d);
		assert_non_null(g);
		assert_int_equal(d.len, 57); /* i % 7 == 3 for 57 values of i below 400 */
		for (size_t k = 1; k < d.len; k++)
			assert_true(strcmp(d.items[k - 1].file, d.items[k].file) < 0); /* file order */
		for (size_t k = 0; k < d.len; k++) {
			assert_string_equal(d.items[k].rule, "not-utf8");
			assert_int_equal(d.items[k].line, 2);
			assert_int_equal(d.items[k].col, 12);
		}
		assert_int_equal(g->npages, 400 - 57 + 1);
		assert_int_equal(g->nthemes, 1);
		assert_int_equal(g->npractices, 343);
		for (size_t k = 1; k < g->npractices; k++)
			assert_true(g->practices[k - 1]->order < g->practices[k]->order);
		guide_free(g);
		diag_list_free(&d);
	}
	assert_int_equal(fs_remove_tree(root), 0);
}

static void test_load_corpus(void **state)
{
	(void)state;
	char corpus[4096];
	testdata_need(testdata_path(corpus, sizeof corpus, "corpus/gbpnr-v1"));
	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load(corpus, &d);
	assert_non_null(g);
	assert_int_equal(d.len, 0);
	assert_int_equal(g->nthemes, 9);
	assert_int_equal(g->npractices, 59);
	assert_int_equal(g->norphans, 0);
	assert_string_equal(g->practices[0]->id, "a.1");
	assert_string_equal(g->practices[58]->id, "i.8");
	assert_string_equal(g->base, "/publications/bonnes-pratiques/");
	/* themes a. to i. in order, each sheet's id starting with its theme's */
	size_t total = 0;
	for (size_t t = 0; t < g->nthemes; t++) {
		const guide_theme_t *th = g->themes[t];
		char want[3] = {(char)('a' + t), '.', '\0'};
		assert_string_equal(th->id, want);
		assert_true(th->npractices > 0);
		for (size_t i = 0; i < th->npractices; i++) {
			assert_int_equal(strncmp(th->practices[i]->id, want, 2), 0);
			assert_int_equal(th->practices[i]->seq, total + i);
		}
		total += th->npractices;
	}
	assert_int_equal(total, 59);
	assert_non_null(guide_meta(g, "version"));
	guide_free(g);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_sheet_fields),
		cmocka_unit_test(test_priority_as_written),
		cmocka_unit_test(test_theme_order),
		cmocka_unit_test(test_sheets_dealt_to_themes),
		cmocka_unit_test(test_duplicate_theme_keys),
		cmocka_unit_test(test_permalinks),
		cmocka_unit_test(test_permalink_index_suffix),
		cmocka_unit_test(test_url_space),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_render_source),
		cmocka_unit_test(test_absolute_url),
		cmocka_unit_test(test_absolute_url_del),
		cmocka_unit_test(test_generated_url),
		cmocka_unit_test(test_nav_helper),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_file_too_large),
		cmocka_unit_test(test_load_folder),
		cmocka_unit_test(test_load_many_files),
		cmocka_unit_test(test_load_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
