/* fuzz_frontmatter: arbitrary bytes as the pages of a guide: page_parse (front
 * matter split, UTF-8, YAML to values), then the model (guide_from_pages) and
 * every check rule, with options from the first byte as md4c's harness does.
 * Invariants: every string of the values read (keys included) is in NFC;
 * wherever yaml.c's fast path takes a text, its tree is libfyaml's. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/guide.h"
#include "guide/page.h"
#include "guide/rules.h"
#include "guide/yaml.h"
#include "render/export_csv.h"
#include "render/export_json.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/utf8.h"
#include "util/xalloc.h"
#include "value_same.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pages are separated by NUL bytes: page_parse refuses a NUL anyway, so the
 * separator costs no coverage, and a small guide reaches the rules that
 * compare pages (duplicate ids, unknown parents, broken links). */
#define MAX_PAGES 8

enum {
	OPT_DATA = 1,    /* the first segment is global data (YAML/JSON), not a page */
	OPT_RENDER = 2,  /* rules_check_render: full Markdown rendering kept as HTML */
	OPT_INDEX = 4,   /* pages are theme folders' index.md rather than sheets' files */
	OPT_EXPORT = 8,  /* then the JSON and CSV exports, as `export` would */
	OPT_FORMAT = 16, /* then every diagnostic formatted as text and JSON */
};

/* Page paths must be string literals or outlive the guide: values point at them. */
static const char *const page_paths[2][MAX_PAGES] = {
	{"guide/a/p0.md", "guide/a/p1.md", "guide/b/p2.md", "guide/b/p3.md", "guide/index.md",
	 "guide/c/p5.md", "guide/c/p6.md", "guide/p7.md"},
	{"guide/index.md", "guide/a/index.md", "guide/b/index.md", "guide/a/x.md", "guide/b/y.md",
	 "guide/c/index.md", "guide/c/z.md", "guide/a/b/c.md"},
};

static void check_nfc(const char *s, size_t n)
{
	size_t m;
	char *t = utf8_nfc_new(s, n, &m);
	if (t) {
		fprintf(stderr, "fuzz_frontmatter: a value read is not in NFC: '%.*s'\n", (int)n, s);
		abort();
	}
}

static void check_nfc_tree(const value_t *v)
{
	if (v->kind == VAL_STRING)
		check_nfc(v->u.str.s, v->u.str.len);
	for (size_t i = 0; v->kind == VAL_LIST && i < v->u.list.len; i++)
		check_nfc_tree(v->u.list.items[i]);
	for (size_t i = 0; v->kind == VAL_MAP && i < v->u.map.len; i++) {
		check_nfc(v->u.map.keys[i], strlen(v->u.map.keys[i]));
		check_nfc_tree(v->u.map.vals[i]);
	}
}

static void check_fast_at(const char *s, size_t n, int line_offset)
{
	value_t *fast = yaml_parse_fast("f.md", s, n, line_offset);
	if (!fast)
		return;
	diag_list_t d = DIAG_LIST_INIT;
	value_t *slow = yaml_parse_slow("f.md", s, n, line_offset, &d);
	char why[512] = "";
	if (!slow || d.len || !value_same(fast, slow, why, sizeof why)) {
		fprintf(stderr, "fuzz_frontmatter: the fast path and libfyaml differ on '%.*s': %s\n", (int)n, s,
			!slow ? "libfyaml refused it" : d.len ? d.items[0].msg : why);
		abort();
	}
	value_free(slow);
	value_free(fast);
	diag_list_free(&d);
}

/* The fast path is tried on the segment as it is and on what lies between an
 * opening "---" line and the next one, about as page_parse cuts a front
 * matter. */
static void check_fast(const char *s, size_t n)
{
	check_fast_at(s, n, 0);
	if (n < 4 || memcmp(s, "---\n", 4) != 0)
		return;
	size_t end = n;
	for (size_t i = 3; i + 4 <= n; i++)
		if (memcmp(s + i, "\n---", 4) == 0 && (i + 4 == n || s[i + 4] == '\n')) {
			end = i + 1;
			break;
		}
	check_fast_at(s + 4, end - 4, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned opts = data[0];
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	diag_list_t diags = DIAG_LIST_INIT;
	value_t *gdata = value_map();
	page_t **pages = xcalloc(MAX_PAGES, sizeof *pages);
	size_t npages = 0;
	int seg = 0;
	size_t pos = 0;
	for (;;) {
		const char *nul = memchr(src + pos, '\0', len - pos);
		size_t end = nul ? (size_t)(nul - src) : len;
		check_fast(src + pos, end - pos);
		if (seg == 0 && (opts & OPT_DATA)) {
			value_t *v = yaml_parse("_data/metadata.json", src + pos, end - pos, 0, &diags);
			if (v)
				value_map_set(gdata, "metadata", v);
		} else if (npages < MAX_PAGES) {
			page_t *p = page_parse(page_paths[(opts & OPT_INDEX) != 0][npages], src + pos,
					       end - pos, &diags);
			if (p)
				pages[npages++] = p;
		}
		seg++;
		if (!nul || npages == MAX_PAGES)
			break;
		pos = end + 1;
	}
	check_nfc_tree(gdata);
	for (size_t i = 0; i < npages; i++)
		check_nfc_tree(pages[i]->fm);
	guide_t *g = guide_from_pages(gdata, pages, npages, &diags);
	/* Theme assets, which page URLs must not collide with. */
	static const char *const assets[] = {"sobre.css", "filters.js"};
	if (opts & OPT_RENDER) {
		char **html = xcalloc(npages + 1, sizeof *html);
		size_t *html_len = xcalloc(npages + 1, sizeof *html_len);
		rules_check_render(g, assets, 2, &diags, html, html_len);
		guide_adopt_html(g, html, html_len);
	} else {
		rules_check(g, assets, 2, &diags);
	}
	buf_t out = BUF_INIT;
	if (opts & OPT_EXPORT) {
		const char *base = guide_site_meta(g, "url");
		export_json(g, base ? base : "https://example.org", &out);
		export_csv(g, base ? base : "https://example.org", (opts & 32) != 0, &out);
	}
	if (opts & OPT_FORMAT) {
		diag_sort(&diags);
		for (size_t i = 0; i < diags.len; i++)
			diag_format_text(&diags.items[i], &out);
		diag_format_json(&diags, &out);
	}
	buf_free(&out);
	guide_free(g);
	diag_list_free(&diags);
	return 0;
}
