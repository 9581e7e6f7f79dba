/* Tests for guide/markdown: each markdown-it behaviour we reproduce, on inputs
 * written here, then the real guide: the 9 theme introductions against the old
 * site's JSON export, and every practice sheet against its rendered page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guide/markdown.h"
#include "util/buf.h"
#include "testdata.h"

/* In the test data (tests/testdata.h): the real guide's pages, and what the
 * old site made of them. */
#define CORPUS "corpus/gbpnr-v1/publications/bonnes-pratiques"
#define REFERENCE "corpus/gbpnr-v1-reference"

#define NBSP "\xC2\xA0"
#define LAQUO "\xC2\xAB" NBSP
#define RAQUO NBSP "\xC2\xBB"
#define APOS "\xE2\x80\x99"

static char *render_opts(const char *md, unsigned opts)
{
	buf_t out = BUF_INIT;
	assert_int_equal(md_render(md, strlen(md), opts, &out, NULL, NULL), 0);
	return buf_detach(&out);
}

static void check_opts(const char *md, unsigned opts, const char *want)
{
	char *got = render_opts(md, opts);
	if (strcmp(got, want)) {
		print_error("input:  %s\nwant:   %s\ngot:    %s\n", md, want, got);
		free(got);
		fail();
	}
	free(got);
}

static void check(const char *md, const char *want)
{
	check_opts(md, 0, want);
}

/* ---- typographer ---- */

static void test_quotes(void **state)
{
	(void)state;
	check("Il dit \"oui\".", "<p>Il dit " LAQUO "oui" RAQUO ".</p>\n");
	check("C'est l'heure.", "<p>C" APOS "est l" APOS "heure.</p>\n");
	/* single quotes pair as French single guillemets */
	check("un 'mot' ici", "<p>un \xE2\x80\xB9" NBSP "mot" NBSP "\xE2\x80\xBA ici</p>\n");
	/* nested, and across emphasis */
	check("\"a 'b' c\"", "<p>" LAQUO "a \xE2\x80\xB9" NBSP "b" NBSP "\xE2\x80\xBA c" RAQUO "</p>\n");
	check("\"*mis en avant*\"", "<p>" LAQUO "<em>mis en avant</em>" RAQUO "</p>\n");
	/* an unpaired quote stays straight (and escaped) */
	check("un \" seul", "<p>un &quot; seul</p>\n");
	/* inches after a digit */
	check("un écran 27\"\"", "<p>un écran 27&quot;&quot;</p>\n");
	/* not inside code, HTML or URLs */
	check("`\"x\"` <b title=\"t\">l'a</b>", "<p><code>&quot;x&quot;</code> <b title=\"t\">l" APOS "a</b></p>\n");
	/* existing guillemets and no-break spaces are left alone */
	check("\xC2\xAB" NBSP "déjà" NBSP "\xC2\xBB", "<p>\xC2\xAB" NBSP "déjà" NBSP "\xC2\xBB</p>\n");
}

static void test_replacements(void **state)
{
	(void)state;
	check("(c) (C) (tm) (TM) (r) (R)",
	      "<p>\xC2\xA9 \xC2\xA9 \xE2\x84\xA2 \xE2\x84\xA2 \xC2\xAE \xC2\xAE</p>\n");
	check("plus +- moins", "<p>plus \xC2\xB1 moins</p>\n");
	check("attendre... ou .. ou ....", "<p>attendre\xE2\x80\xA6 ou \xE2\x80\xA6 ou \xE2\x80\xA6</p>\n");
	check("quoi?.... non!....", "<p>quoi?.. non!..</p>\n");
	check("quoi???? non!!!!!", "<p>quoi??? non!!!</p>\n");
	check("a,, b,,, c", "<p>a, b, c</p>\n");
	check("de 10 -- 20, 10--20, x---y, --- z", "<p>de 10 \xE2\x80\x93 20, 10\xE2\x80\x93" "20, "
	      "x\xE2\x80\x94y, \xE2\x80\x94 z</p>\n");
	/* four dashes are left alone */
	check("a ---- b", "<p>a ---- b</p>\n");
	/* nothing inside code or autolinks */
	check("`(c) -- ...` <http://ex.fr/a--b>",
	      "<p><code>(c) -- ...</code> <a href=\"http://ex.fr/a--b\">http://ex.fr/a--b</a></p>\n");
	/* an escaped character is not part of the text around it */
	check("\\(c) a\\...", "<p>(c) a.\xE2\x80\xA6</p>\n");
}

static void test_notypo(void **state)
{
	(void)state;
	check_opts("\"x\" l'a -- (c)...", MD_OPT_NOTYPO, "<p>&quot;x&quot; l'a -- (c)...</p>\n");
}

/* ---- blocks ---- */

static void test_breaks(void **state)
{
	(void)state;
	check("une ligne\nla suivante", "<p>une ligne<br>\nla suivante</p>\n");
	check("dur  \nici", "<p>dur<br>\nici</p>\n");
	/* trailing no-break spaces go, as JavaScript's trim() takes them */
	check(NBSP "début et fin :" NBSP "\n\nsuite", "<p>début et fin :</p>\n<p>suite</p>\n");
}

static void test_lists(void **state)
{
	(void)state;
	check("- un\n- deux\n", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n");
	check("*\tavec tabulation\n", "<ul>\n<li>avec tabulation</li>\n</ul>\n");
	check("- a\n\n- b\n", "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n");
	check("- a\n  - b\n", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n");
	check("3. trois\n4. quatre\n", "<ol start=\"3\">\n<li>trois</li>\n<li>quatre</li>\n</ol>\n");
	check("1. un\n", "<ol>\n<li>un</li>\n</ol>\n");
	check("- \n", "<ul>\n<li></li>\n</ul>\n");
	/* a fence after a tight item's text: no newline between them */
	check("- a\n  ```\n  b\n  ```\n", "<ul>\n<li>a<pre><code>b\n</code></pre>\n</li>\n</ul>\n");
}

static void test_headings_quotes_code(void **state)
{
	(void)state;
	check("## Titre *doux*\n", "<h2>Titre <em>doux</em></h2>\n");
	check("Titre\n===\n", "<h1>Titre</h1>\n");
	check("> cité\n", "<blockquote>\n<p>cité</p>\n</blockquote>\n");
	check("---\n", "<hr>\n");
	check("```c\nif (a < b) \"x\";\n```\n",
	      "<pre><code class=\"language-c\">if (a &lt; b) &quot;x&quot;;\n</code></pre>\n");
	check("    retrait\n", "<pre><code>retrait\n</code></pre>\n");
	check("```\nsans fin", "<pre><code>sans fin</code></pre>\n");
}

static void test_tables(void **state)
{
	(void)state;
	check("| Nom | Prix |\n| :-- | --: |\n| pomme | 2 |\n| poire |\n",
	      "<table>\n<thead>\n<tr>\n<th style=\"text-align:left\">Nom</th>\n"
	      "<th style=\"text-align:right\">Prix</th>\n</tr>\n</thead>\n<tbody>\n"
	      "<tr>\n<td style=\"text-align:left\">pomme</td>\n<td style=\"text-align:right\">2</td>\n"
	      "</tr>\n<tr>\n<td style=\"text-align:left\">poire</td>\n"
	      "<td style=\"text-align:right\"></td>\n</tr>\n</tbody>\n</table>\n");
	check("| a | b |\n| --- | :-: |\n",
	      "<table>\n<thead>\n<tr>\n<th>a</th>\n<th style=\"text-align:center\">b</th>\n"
	      "</tr>\n</thead>\n</table>\n");
}

static void test_inline(void **state)
{
	(void)state;
	check("*em* **fort** ~~barré~~ ~simple~",
	      "<p><em>em</em> <strong>fort</strong> <s>barré</s> ~simple~</p>\n");
	check("[lien](/a/b \"Titre\") ![image *belle*](i.png)",
	      "<p><a href=\"/a/b\" title=\"Titre\">lien</a> <img src=\"i.png\" alt=\"image belle\"></p>\n");
	/* destinations are percent-encoded, existing escapes kept */
	check("[é](/café/a b%20c)", "<p>[é](/café/a b%20c)</p>\n");
	check("[é](</café/a b%20c>)", "<p><a href=\"/caf%C3%A9/a%20b%20c\">é</a></p>\n");
	/* script destinations are refused */
	check("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n");
}

static void test_escaping(void **state)
{
	(void)state;
	/* an opening single quote never closed stays straight */
	check("a < b & c > d \"e\" 'f", "<p>a &lt; b &amp; c &gt; d " LAQUO "e" RAQUO " 'f</p>\n");
	check("&amp; &copy; &eacute; &#233; &#x20AC; &inconnu;",
	      "<p>&amp; \xC2\xA9 é é \xE2\x82\xAC &amp;inconnu;</p>\n");
	check("\\*pas em\\* \\<b>", "<p>*pas em* &lt;b&gt;</p>\n");
}

static void test_raw_html(void **state)
{
	(void)state;
	check("<div class=\"x\">\n*brut*\n</div>\n\ntexte <span>en ligne</span>\n",
	      "<div class=\"x\">\n*brut*\n</div>\n<p>texte <span>en ligne</span></p>\n");
	/* md4c 0.4.8 misses <h2> as an HTML block start: we restore it */
	check("<h2 id=\"x\">L'intro</h2>\n\nsuite\n", "<h2 id=\"x\">L'intro</h2>\n<p>suite</p>\n");
	check("<!-- note -->\n", "<!-- note -->\n");
}

static void test_nohtml(void **state)
{
	(void)state;
	check_opts("<script>alert(1)</script>\n\na <b>gras</b>", MD_OPT_NOHTML,
		   "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>a &lt;b&gt;gras&lt;/b&gt;</p>\n");
	check_opts("<http://ex.fr>", MD_OPT_NOHTML, "<p><a href=\"http://ex.fr\">http://ex.fr</a></p>\n");
}

/* Comments typed in the web app: an image on another host would be fetched
 * with the page (the CSP blocks it, but the page should not ask): it becomes
 * a link to follow or not, its alt text as the link's text. Images of the
 * same host stay images. */
static void test_noremoteimg(void **state)
{
	(void)state;
	const unsigned web = MD_OPT_NOHTML | MD_OPT_NOREMOTEIMG;
	check_opts("![x](https://evil.example/p.png)", web, "<p><a href=\"https://evil.example/p.png\">x</a></p>\n");
	check_opts("![x](http://evil.example/p.png \"T\")", web,
		   "<p><a href=\"http://evil.example/p.png\" title=\"T\">x</a></p>\n");
	check_opts("![x](//evil.example/p.png)", web, "<p><a href=\"//evil.example/p.png\">x</a></p>\n");
	check_opts("![x](HTTPS://evil.example/p.png)", web, "<p><a href=\"HTTPS://evil.example/p.png\">x</a></p>\n");
	check_opts("![x](data:image/png;base64,AAAA)", web, "<p><a href=\"data:image/png;base64,AAAA\">x</a></p>\n");
	check_opts("![x](ftp+x.y-z://h/p.png)", web, "<p><a href=\"ftp+x.y-z://h/p.png\">x</a></p>\n");
	/* no alt text: the URL is the link's text, untouched by the typographer */
	check_opts("![](https://evil.example/a--b...png)", web,
		   "<p><a href=\"https://evil.example/a--b...png\">https://evil.example/a--b...png</a></p>\n");
	/* the alt text is escaped, and kept as written */
	check_opts("![a <b> & \"c\"](https://evil.example/p.png)", web,
		   "<p><a href=\"https://evil.example/p.png\">a &lt;b&gt; &amp; &quot;c&quot;</a></p>\n");
	/* inside a link: the text alone, since links do not nest */
	check_opts("[![x](https://evil.example/p.png)](https://ex.fr/)", web,
		   "<p><a href=\"https://ex.fr/\">x</a></p>\n");
	check_opts("[avant ![x](https://evil.example/p.png) après](/a) ![y](https://evil.example/q.png)", web,
		   "<p><a href=\"/a\">avant x après</a> <a href=\"https://evil.example/q.png\">y</a></p>\n");
	/* the same host: still an image */
	check_opts("![x](/assets/p.png) ![y](p.png) ![z](../p.png) ![w](?p) ![v](a/b:c.png)", web,
		   "<p><img src=\"/assets/p.png\" alt=\"x\"> <img src=\"p.png\" alt=\"y\"> "
		   "<img src=\"../p.png\" alt=\"z\"> <img src=\"?p\" alt=\"w\"> "
		   "<img src=\"a/b:c.png\" alt=\"v\"></p>\n");
	/* spaces or a backslash before "//" do not hide another host: encoded, they start a path */
	check_opts("![x](< //evil.example/p.png>) ![y](\\\\\\\\evil.example/p.png)", web,
		   "<p><img src=\"%20//evil.example/p.png\" alt=\"x\"> "
		   "<img src=\"%5C%5Cevil.example/p.png\" alt=\"y\"></p>\n");
	/* refused URLs stay text, as without the option */
	check_opts("![x](javascript:alert(1))", web, "<p>![x](javascript:alert(1))</p>\n");
	/* the guide's own pages keep their images, whatever the host */
	check("![x](https://ex.fr/p.png)", "<p><img src=\"https://ex.fr/p.png\" alt=\"x\"></p>\n");
}

static void test_linkify(void **state)
{
	(void)state;
	check("voir https://ex.fr/a?b=1. Et www.ex.fr, data.gouv.fr ou moi@ex.fr",
	      "<p>voir <a href=\"https://ex.fr/a?b=1\">https://ex.fr/a?b=1</a>. Et "
	      "<a href=\"http://www.ex.fr\">www.ex.fr</a>, <a href=\"http://data.gouv.fr\">data.gouv.fr</a> "
	      "ou <a href=\"mailto:moi@ex.fr\">moi@ex.fr</a></p>\n");
	/* balanced parentheses stay in, the closing one of the sentence does not */
	check("(https://ex.fr/a_(b))", "<p>(<a href=\"https://ex.fr/a_(b)\">https://ex.fr/a_(b)</a>)</p>\n");
	/* percent-escapes are shown decoded, non-ASCII is encoded in href */
	check("https://ex.fr/%C3%A9t%C3%A9 https://ex.fr/été",
	      "<p><a href=\"https://ex.fr/%C3%A9t%C3%A9\">https://ex.fr/été</a> "
	      "<a href=\"https://ex.fr/%C3%A9t%C3%A9\">https://ex.fr/été</a></p>\n");
	/* not inside links or code, not an unknown TLD */
	check("[https://a.fr](https://b.fr) `https://c.fr` fichier.txt",
	      "<p><a href=\"https://b.fr\">https://a.fr</a> <code>https://c.fr</code> fichier.txt</p>\n");
	check("<a href=\"/x\">www.ex.fr</a>", "<p><a href=\"/x\">www.ex.fr</a></p>\n");
}

typedef struct {
	char href[8][64];
	int line[8], col[8];
	bool image[8];
	int n;
} links_t;

static void collect(const md_link_t *l, void *ud)
{
	links_t *ls = ud;
	if (ls->n >= 8)
		return;
	snprintf(ls->href[ls->n], sizeof ls->href[0], "%.*s", (int)l->href_len, l->href);
	ls->line[ls->n] = l->line;
	ls->col[ls->n] = l->col;
	ls->image[ls->n] = l->image;
	ls->n++;
}

static void test_link_callback(void **state)
{
	(void)state;
	const char *md = "# Titre\n\nÉté [a](/x/y) et\n![i](img/p.png) puis https://ex.fr\n\n"
			 "- [b](<../z w>)\n- [c](/a\\_b)\n";
	links_t ls = {0};
	buf_t out = BUF_INIT;
	assert_int_equal(md_render(md, strlen(md), 0, &out, collect, &ls), 0);
	buf_free(&out);
	assert_int_equal(ls.n, 5);
	assert_string_equal(ls.href[0], "/x/y");
	assert_int_equal(ls.line[0], 3);
	assert_int_equal(ls.col[0], 9); /* columns count characters: É is one */
	assert_string_equal(ls.href[1], "img/p.png");
	assert_int_equal(ls.line[1], 4);
	assert_int_equal(ls.col[1], 6);
	assert_string_equal(ls.href[2], "https://ex.fr");
	assert_int_equal(ls.line[2], 4);
	assert_int_equal(ls.col[2], 22);
	assert_string_equal(ls.href[3], "../z w");
	assert_int_equal(ls.line[3], 6);
	assert_int_equal(ls.col[3], 8);
	/* md4c rewrote this destination (escape): the link text gives the place */
	assert_string_equal(ls.href[4], "/a_b");
	assert_int_equal(ls.line[4], 7);
	assert_int_equal(ls.col[4], 4);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ls.image[i], i == 1);
}

/* The src of <img> tags in raw HTML, inline or in a block, is reported as an
 * image, at its place, decoded; not in code, nor a tag without src. */
static void test_html_images(void **state)
{
	(void)state;
	const char *md = "Un <img alt=\"\" src=\"/a&amp;b.png\"> ici.\n\n<div>\n  <IMG SRC='/c.svg'><img alt=x>\n</div>\n\n"
			 "`<img src=\"/no.png\">`\n\n    <img src=\"/no.png\">\n";
	links_t ls = {0};
	buf_t out = BUF_INIT;
	assert_int_equal(md_render(md, strlen(md), 0, &out, collect, &ls), 0);
	buf_free(&out);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.href[0], "/a&b.png");
	assert_true(ls.image[0]);
	assert_int_equal(ls.line[0], 1);
	assert_int_equal(ls.col[0], 21);
	assert_string_equal(ls.href[1], "/c.svg");
	assert_true(ls.image[1]);
	assert_int_equal(ls.line[1], 4);
	assert_int_equal(ls.col[1], 13);
}

static double render_time(const char *unit, int reps)
{
	buf_t in = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < reps; i++)
		buf_puts(&in, unit);
	clock_t t0 = clock();
	assert_int_equal(md_render(in.ptr, in.len, 0, &out, NULL, NULL), 0);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	buf_free(&in);
	buf_free(&out);
	return secs;
}

/* Hostile inputs must stay linear (md4c bounds nesting itself): four times the
 * input may not cost much more than four times the time. A quadratic pass
 * (linkify-it rescanning each tail, one rewrite per quote) costs sixteen. */
static void test_pathological(void **state)
{
	(void)state;
	static const char *const units[] = {"\"", "'a ", "*a", "[a](b) ", "x.fr ", "a\"b\"", "--",
					    "> ", "- ", "<b>", "`", "\\*", "&amp;", "a@b.fr ",
					    "http://a.fr/ ", "www.a.fr?", ",a-a", "a.b.c",
					    /* single quotes opened, double quotes closing none of them */
					    "'a b\" "};
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		double t1 = render_time(units[u], 50000), t4 = render_time(units[u], 200000);
		if (t4 > 10 * t1 + 0.1) {
			print_error("unit \"%s\": %.3f s for 50000, %.3f s for 200000\n", units[u], t1, t4);
			fail();
		}
	}
}

/* md4c 0.4.8 pairs a '*' inside a link destination with one outside it
 * (mity/md4c#294): it then leaves a span it never entered, or enters one it
 * never leaves. Found by fuzz_markdown (tests/fuzz/regressions). The text
 * md4c swallows is lost, but every tag written is opened and closed. */
static void test_md4c_unbalanced_spans(void **state)
{
	(void)state;
	check("[](*)*", "<p><a href=\"*\"></a></p>\n");
	check("a [](*)* b *c*", "<p>a <a href=\"*\"></a> b <em>c</em></p>\n");
	check("*x [](*)* y*", "<p><em>x <a href=\"*\"></a>* y*</em></p>\n");
	check("- *x [](*)* y\n- z", "<ul>\n<li><em>x <a href=\"*\"></a>* y</em></li>\n<li>z</li>\n</ul>\n");
}

/* md4c 0.4.8 reads one byte past an input ending in "[](" (mity/md4c#167),
 * and what it finds there decides the sizes it reports (fuzz_markdown got a
 * 4 GiB allocation). md4c is not built with ASan, so the input is placed
 * right before a page that cannot be read: reading past it is a SIGSEGV. */
static void test_md4c_overread(void **state)
{
	(void)state;
	static const char *const inputs[] = {"[](", "a [b](", "![](", "\xA9##r[](r[]("};
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		size_t n = strlen(inputs[i]);
		char *src = map + page - n;
		memcpy(src, inputs[i], n);
		buf_t out = BUF_INIT;
		assert_int_equal(md_render(src, n, 0, &out, NULL, NULL), 0);
		assert_true(out.len < 100);
		buf_free(&out);
	}
	munmap(map, (size_t)page * 2);
}

/* md4c takes 32-bit sizes: a longer input is refused before anything is
 * read (sobre's own file limit, 16 MiB, keeps far below). */
static void test_size_limit(void **state)
{
	(void)state;
	buf_t out = BUF_INIT;
	buf_puts(&out, "kept");
	assert_int_equal(md_render("x", (size_t)UINT_MAX + 1, 0, &out, NULL, NULL), -1);
	assert_string_equal(buf_cstr(&out), "kept");
	buf_free(&out);
}

/* ---- corpus ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	buf_t b = BUF_INIT;
	char tmp[65536];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(&b, tmp, n);
	fclose(f);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

/* The body: everything after the front matter's closing "---" line. */
static const char *body_of(const char *doc)
{
	const char *p = doc;
	int seen = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n == 3 && !strncmp(p, "---", 3) && ++seen == 2)
			return eol ? eol + 1 : p + n;
		if (!eol)
			break;
		p = eol + 1;
	}
	return doc;
}

static char *front_value(const char *doc, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = doc; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1, *e = strchr(v, '\n');
			while (*v == ' ')
				v++;
			size_t n = e ? (size_t)(e - v) : strlen(v);
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\r'))
				n--;
			return strndup(v, n);
		}
	}
	return NULL;
}

/* Whitespace between tags does not count. */
static char *squeeze(const char *s)
{
	buf_t b = BUF_INIT;
	while (*s) {
		if (*s == '>') {
			const char *q = s + 1;
			while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r')
				q++;
			if (*q == '<') {
				buf_putc(&b, '>');
				s = q;
				continue;
			}
		}
		buf_putc(&b, *s++);
	}
	char *r = buf_detach(&b);
	/* and none at either end */
	size_t n = strlen(r);
	while (n && strchr(" \n\t\r", r[n - 1]))
		r[--n] = '\0';
	size_t k = strspn(r, " \n\t\r");
	memmove(r, r + k, n - k + 1);
	return r;
}

static void show_diff(const char *what, const char *want, const char *got)
{
	size_t i = 0;
	while (want[i] && want[i] == got[i])
		i++;
	size_t from = i > 120 ? i - 120 : 0;
	print_error("%s: first difference at byte %zu\n--- want\n+++ got\n-%.*s\n+%.*s\n", what, i,
		    (int)(i - from + 120), want + from, (int)(i - from + 120), got + from);
}

static void test_corpus_themes(void **state)
{
	(void)state;
	char corpus[1024], json[1024];
	testdata_need(testdata_path(corpus, sizeof corpus, CORPUS));
	testdata_need(testdata_path(json, sizeof json,
				    REFERENCE "/publications__bonnes-pratiques__guide-bonnes-pratiques-"
					      "numerique-responsable-export-version-v1.json"));
	json_error_t err;
	json_t *root = json_load_file(json, 0, &err);
	DIR *d = opendir(corpus);
	if (!root || !d)
		fail_msg("cannot read %s or %s", corpus, json);
	json_t *themes = json_object_get(root, "thematiques");
	int matched = 0, compared = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/index.md", corpus, e->d_name);
		char *doc = slurp(path, NULL);
		if (!doc)
			continue;
		char *id = front_value(doc, "idThematique");
		const char *want = NULL;
		for (size_t i = 0; id && i < json_array_size(themes); i++) {
			json_t *t = json_array_get(themes, i);
			if (!strcmp(json_string_value(json_object_get(t, "id")), id))
				want = json_string_value(json_object_get(t, "description"));
		}
		if (want) {
			const char *body = body_of(doc);
			buf_t out = BUF_INIT;
			assert_int_equal(md_render(body, strlen(body), 0, &out, NULL, NULL), 0);
			char *a = squeeze(want), *b = squeeze(buf_cstr(&out));
			compared++;
			if (!strcmp(a, b))
				matched++;
			else
				show_diff(e->d_name, a, b);
			free(a);
			free(b);
			buf_free(&out);
		}
		free(id);
		free(doc);
	}
	closedir(d);
	json_decref(root);
	print_message("theme introductions: %d/%d identical to markdown-it's\n", matched, compared);
	assert_int_equal(compared, 9);
	assert_int_equal(matched, compared);
}

/* Each practice sheet's body must appear, as we render it, in the page the old
 * site built for it. */
static void test_corpus_sheets(void **state)
{
	(void)state;
	char corpus[1024], site[1024], reference[1024];
	testdata_need(testdata_path(corpus, sizeof corpus, CORPUS));
	testdata_need(testdata_path(site, sizeof site, REFERENCE "/site"));
	testdata_path(reference, sizeof reference, REFERENCE);
	DIR *d = opendir(corpus);
	if (!d)
		fail_msg("cannot read %s", corpus);
	int matched = 0, compared = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char dir[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof dir, "%s/%s", corpus, e->d_name);
		DIR *sd = opendir(dir);
		if (!sd)
			continue;
		struct dirent *f;
		while ((f = readdir(sd))) {
			size_t fl = strlen(f->d_name);
			if (fl < 4 || strcmp(f->d_name + fl - 3, ".md"))
				continue;
			char md[8192], page[8192];
			snprintf(md, sizeof md, "%s/%s", dir, f->d_name);
			if (!strcmp(f->d_name, "index.md"))
				snprintf(page, sizeof page, "%s/site/publications/bonnes-pratiques/%s/index.html",
					 reference, e->d_name);
			else
				snprintf(page, sizeof page,
					 "%s/site/publications/bonnes-pratiques/%s/%.*s/index.html", reference,
					 e->d_name, (int)(fl - 3), f->d_name);
			char *doc = slurp(md, NULL), *html = slurp(page, NULL);
			if (doc && html) {
				const char *body = body_of(doc);
				buf_t out = BUF_INIT;
				assert_int_equal(md_render(body, strlen(body), 0, &out, NULL, NULL), 0);
				char *a = squeeze(html), *b = squeeze(buf_cstr(&out));
				compared++;
				if (strstr(a, b))
					matched++;
				else
					print_error("%s/%s: rendering not found in %s\n", e->d_name, f->d_name, page);
				free(a);
				free(b);
				buf_free(&out);
			}
			free(doc);
			free(html);
		}
		closedir(sd);
	}
	closedir(d);
	print_message("practice pages: %d/%d bodies found verbatim in the reference site\n", matched,
		      compared);
	assert_true(compared > 50);
	assert_int_equal(matched, compared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_replacements),
		cmocka_unit_test(test_notypo),
		cmocka_unit_test(test_breaks),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_headings_quotes_code),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_raw_html),
		cmocka_unit_test(test_nohtml),
		cmocka_unit_test(test_noremoteimg),
		cmocka_unit_test(test_linkify),
		cmocka_unit_test(test_link_callback),
		cmocka_unit_test(test_html_images),
		cmocka_unit_test(test_pathological),
		cmocka_unit_test(test_md4c_unbalanced_spans),
		cmocka_unit_test(test_md4c_overread),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_corpus_themes),
		cmocka_unit_test(test_corpus_sheets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
