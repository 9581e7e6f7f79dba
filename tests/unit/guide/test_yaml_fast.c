/* Tests for yaml.c's fast path, differential: wherever yaml_parse_fast takes
 * a text, its tree must be libfyaml's (yaml_parse_slow) to the last line and
 * column. Inputs: hand-written texts it must take, texts it must leave to
 * libfyaml, every front matter of the real guide, and thousands of
 * mutations of front-matter-like texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/yaml.h"
#include "testdata.h"
#include "util/buf.h"
#include "util/fs.h"
#include "value_same.h"

#define CORPUS "corpus/gbpnr-v1/publications"

static const char FILE_NAME[] = "doc.md";

/* Readable form of a text for failure messages: newlines as \n, other
 * control bytes in hex. */
static const char *shown(const char *s, size_t n, buf_t *b)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			buf_puts(b, "\\n");
		else if (c < 0x20 || c == 0x7F)
			buf_printf(b, "\\x%02X", c);
		else
			buf_putc(b, (char)c);
	}
	return buf_cstr(b);
}

/* If the fast path takes src, libfyaml must read it without a diagnostic
 * and give the same tree. Returns whether the fast path took it. */
static bool same_if_taken(const char *src, size_t len, int line_offset)
{
	value_t *fast = yaml_parse_fast(FILE_NAME, src, len, line_offset);
	if (!fast)
		return false;
	diag_list_t d = DIAG_LIST_INIT;
	value_t *slow = yaml_parse_slow(FILE_NAME, src, len, line_offset, &d);
	char why[512] = "";
	bool ok = slow && d.len == 0 && value_same(fast, slow, why, sizeof why);
	if (!ok) {
		buf_t b = BUF_INIT;
		fail_msg("fast and slow paths differ on \"%s\" (line offset %d): %s", shown(src, len, &b),
			 line_offset, slow ? (d.len ? d.items[0].msg : why) : "libfyaml refused it");
	}
	diag_list_free(&d);
	value_free(slow);
	value_free(fast);
	return true;
}

/* Texts the fast path must take, each a construct of the subset. */
static const char *const taken[] = {
	/* a sheet's front matter */
	"layout: layouts/bonne-pratique/bonne-pratique.njk\n"
	"title: Regrouper et rationaliser les serveurs\n"
	"type: bpnr\n"
	"date: 2023-06-01\n"
	"idbp: h.4\n"
	"priority: Recommandée\n"
	"difficulty: Moyenne \n"
	"who:\n"
	"  - Direction du numérique\n"
	"  - Délégué au numérique responsable \n"
	"indicators:\n"
	"  - \"% des serveurs virtualisés : oui / non\"\n"
	"  - Water Usage Effectiveness (WUE)\"\n"
	"eleventyNavigation:\n"
	"  parent: bonnes-pratiques-salle-serveur\n"
	"  order: 40\n",
	/* core-schema typing of plain scalars, quoted ones left strings */
	"a: 10\nb: -3\nc: +12\nd: 1.5\ne: .5\nf: 1e3\ng: 0x1F\nh: 0o17\ni: .inf\nj: -.inf\nk: .NaN\n"
	"l: ~\nm: null\nn: True\no: false\np: 2023-06-01\nq: 1.0.2\nr: '10'\ns: \"true\"\nt: -0\n",
	/* text the plain rules allow: colons and hashes inside words, commas,
	 * quotes inside, apostrophes, non-ASCII, no-break spaces */
	"a: C# and F#\nb: a:b\nc: x, y (z) ?\nd: S'assurer d'un \"bon\" usage\ne: 100% x\n"
	"f: caf\xC3\xA9\xC2\xA0!\ng: e\xCC\x81t\xC3\xA9\nh: ...\ni: a - b\nj: -.5\nk: x-\n",
	/* quoted scalars: empty, with what plain ones refuse, decomposed
	 * accents (read in NFC), spaces after the closing quote */
	"a: \"\"\nb: ''\nc: \"x: y #z [a] {b} & * ! | >\"\nd: 'it\"s'\ne: \"e\xCC\x81\"   \n"
	"f: '  padded  '\ng: \"'\"\nh: '\"'\n",
	/* empty values: null at the key, before a sibling, a parent's sibling
	 * or the end */
	"a:\nb: 1\nc:\n  d:\ne:",
	"a:   \nb:\n",
	/* sequences: indented, at the key's indentation, of mappings, nested */
	"who:\n  - a\n  - b\nnext:\n- c\n- d\nlast: 1\n",
	"- name: Ops\n  n: 2\n- x\n-   y: 1\n    z:\n      - 3\n      - w: 4\n        v: 5\n",
	"a:\n  b:\n    c:\n      - d: 1\n        e:\n      - f\n",
	"- a:\n  - x\n  - y\n  b: 2\n- c\n",
	"a:\n -  x\n -  y\n",
	/* blank lines, lines of spaces, no final newline */
	"\n\na: b\n  \n\n  \nc:\n\n  - d\n    \n  - e\n\n",
	"a: 1",
	"a: \"q\"",
	/* keys */
	"_k: 1\nk-2: 2\nk_3: 3\nK: 4\nnan: 5\ninf: 6\nyes: 7\n",
	/* a top-level sequence */
	"- 1\n- two\n- 'three'\n",
};

static void test_taken(void **state)
{
	(void)state;
	static const int offsets[] = {0, 1, 7};
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
		for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++)
			if (!same_if_taken(taken[i], strlen(taken[i]), offsets[k]))
				fail_msg("the fast path did not take \"%s\"", shown(taken[i], strlen(taken[i]), &b));
	buf_free(&b);
}

/* The fast path's tree for a sheet, checked by hand rather than against
 * libfyaml, so that a change in both would not go unseen. */
static void test_taken_positions(void **state)
{
	(void)state;
	const char *src = "title: T\nwho:\n  - 'a'\n  - k: \"v\"\nn:\nnav:\n- x\n";
	value_t *v = yaml_parse_fast(FILE_NAME, src, strlen(src), 1);
	assert_non_null(v);
	assert_int_equal(v->kind, VAL_MAP);
	assert_int_equal(v->line, 2);
	assert_int_equal(v->col, 1);
	assert_ptr_equal(v->file, FILE_NAME);
	const value_t *t = value_get(v, "title"), *who = value_get(v, "who"), *n = value_get(v, "n");
	const value_t *nav = value_get(v, "nav");
	assert_int_equal(t->line, 2);
	assert_int_equal(t->col, 8);
	assert_int_equal(who->kind, VAL_LIST);
	assert_int_equal(who->line, 4);
	assert_int_equal(who->col, 3);
	/* a quoted scalar is placed after its quote */
	assert_int_equal(who->u.list.items[0]->col, 6);
	const value_t *m = who->u.list.items[1];
	assert_int_equal(m->kind, VAL_MAP);
	assert_int_equal(m->line, 5);
	assert_int_equal(m->col, 5);
	assert_int_equal(value_get(m, "k")->col, 9);
	/* an empty value is placed at its key */
	assert_int_equal(n->kind, VAL_NULL);
	assert_int_equal(n->line, 6);
	assert_int_equal(n->col, 1);
	assert_int_equal(nav->kind, VAL_LIST);
	assert_int_equal(nav->line, 8);
	assert_int_equal(nav->col, 1);
	value_free(v);
}

/* Texts the fast path must leave to libfyaml, valid YAML or not. */
static const char *const refused[] = {
	"",
	"\n  \n",
	"# comment\na: 1\n",
	"a: 1 # comment\n",
	"a: \"x\" # comment\n",
	"\ta: 1\n",
	"a:\t1\n",
	"a: 1\r\nb: 2\r\n",
	"---\na: 1\n",
	"a: 1\n...\n",
	"%YAML 1.2\n---\na: 1\n",
	"a: [1, 2]\n",
	"a: {b: 1}\n",
	"{a: 1}\n",
	"[1]\n",
	"a: &x 1\nb: *x\n",
	"a: !!str 1\n",
	"a: |\n  text\n",
	"a: >\n  text\n",
	"? a\n: 1\n",
	"\"a\": 1\n",
	"'a': 1\n",
	"1: one\n",
	"a b: 1\n",
	"a.b: 1\n",
	"null: 1\n",
	"True: 1\n",
	"a: 1\na: 2\n",
	"a: multi\n  line\n",
	"a: \"multi\n  line\"\n",
	"a: 'multi\n  line'\n",
	"a: \"esc\\tape\"\n",
	"a: 'it''s'\n",
	/* libfyaml 0.7.12 reads this as q''' */
	"a: 'q''''r'\n",
	"a: 'x'y\n",
	"a: b: c\n",
	"a: b:\n",
	"a: -x\n",
	"a: --\n",
	"a: :x\n",
	"a: ?x\n",
	"a: @x\n",
	"a: `x`\n",
	"a: ,x\n",
	"a: x]\n",
	"a: x}\n",
	"a:\n  text\n",
	"a: 1\n  b: 2\n",
	"  a: 1\n",
	"- \n- x\n",
	"-\n- x\n",
	"- - x\n",
	"a:\n  -\n  - y\n",
	"42\n",
	"plain\n",
	"a: 1\n- x\n",
	"- x\na: 1\n",
	"a: x\xC2\x85y\n",
	"a: x\xE2\x80\xA8y\n",
	"a: x\xE2\x80\xA9y\n",
	"a: \xEF\xBB\xBFx\n",
	"a: x\xEF\xBF\xBE\n",
	"a: x\x7F\n",
	"a: caf\xE9\n",
	"a: x\x01\n",
};

/* n mappings nested, one key each, around a scalar. */
static void nested_maps(buf_t *b, int n)
{
	buf_reset(b);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < i; k++)
			buf_puts(b, "  ");
		buf_puts(b, i == n - 1 ? "k: 1\n" : "k:\n");
	}
}

/* The fast path's own bounds (yaml.c, docs/limits.md): past them the text
 * goes to libfyaml, which gives the same tree. */
static void test_bounds(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	nested_maps(&b, YAML_FAST_MAX_DEPTH);
	assert_true(same_if_taken(b.ptr, b.len, 1));
	nested_maps(&b, YAML_FAST_MAX_DEPTH + 1);
	assert_false(same_if_taken(b.ptr, b.len, 1));
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = yaml_parse(FILE_NAME, b.ptr, b.len, 1, &d);
	assert_non_null(v);
	assert_int_equal(d.len, 0);
	value_free(v);

	buf_reset(&b);
	for (int i = 0; i < YAML_FAST_MAX_KEY - 1; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, ": v\n");
	assert_true(same_if_taken(b.ptr, b.len, 0));
	buf_reset(&b);
	for (int i = 0; i < YAML_FAST_MAX_KEY; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, ": v\n");
	assert_false(same_if_taken(b.ptr, b.len, 0));
	buf_free(&b);
}

static void test_refused(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const char *src = refused[i];
		size_t len = strlen(src);
		value_t *fast = yaml_parse_fast(FILE_NAME, src, len, 1);
		if (fast) {
			value_free(fast);
			fail_msg("the fast path took \"%s\"", shown(src, len, &b));
		}
		/* and yaml_parse then gives libfyaml's result, diagnostics included */
		diag_list_t d1 = DIAG_LIST_INIT, d2 = DIAG_LIST_INIT;
		value_t *got = yaml_parse(FILE_NAME, src, len, 1, &d1);
		value_t *want = yaml_parse_slow(FILE_NAME, src, len, 1, &d2);
		char why[512] = "";
		if ((got == NULL) != (want == NULL) || (got && !value_same(got, want, why, sizeof why)))
			fail_msg("yaml_parse and libfyaml differ on \"%s\": %s", shown(src, len, &b), why);
		assert_int_equal(d1.len, d2.len);
		for (size_t k = 0; k < d1.len; k++) {
			assert_string_equal(d1.items[k].rule, d2.items[k].rule);
			assert_string_equal(d1.items[k].msg, d2.items[k].msg);
			assert_int_equal(d1.items[k].line, d2.items[k].line);
			assert_int_equal(d1.items[k].col, d2.items[k].col);
		}
		value_free(got);
		value_free(want);
		diag_list_free(&d1);
		diag_list_free(&d2);
	}
	buf_free(&b);
}

static bool md_only(const char *rel, const char *name, bool is_dir, void *ud)
{
	(void)rel;
	(void)ud;
	size_t n = strlen(name);
	return is_dir || (n > 3 && strcmp(name + n - 3, ".md") == 0);
}

/* Every front matter of the real guide: the fast path must take each (it is
 * there to make them fast) and give libfyaml's tree. */
static void test_real_guide(void **state)
{
	(void)state;
	char root[1024];
	testdata_need(testdata_path(root, sizeof root, CORPUS));
	fs_list_t files = {0};
	char *failed = NULL;
	if (fs_list(root, md_only, NULL, &files, &failed) != 0)
		fail_msg("cannot list %s", failed ? failed : root);
	assert_true(files.len > 50);
	buf_t text = BUF_INIT, b = BUF_INIT;
	for (size_t i = 0; i < files.len; i++) {
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", root, files.paths[i]);
		assert_int_equal(fs_read_file(path, 1 << 20, &text), 0);
		const char *t = buf_cstr(&text);
		const char *close = strncmp(t, "---\n", 4) == 0 ? strstr(t + 3, "\n---\n") : NULL;
		if (!close)
			fail_msg("%s: no front matter", path);
		size_t len = (size_t)(close + 1 - (t + 4));
		if (!same_if_taken(t + 4, len, 1))
			fail_msg("%s: the fast path did not take its front matter \"%s\"", path,
				 shown(t + 4, len, &b));
	}
	buf_free(&text);
	buf_free(&b);
	fs_list_free(&files);
}

/* xorshift64: the same mutations on every run. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Pieces that mutations insert or put in place of a byte: YAML's
 * indicators, blanks, letters and digits, a few multi-byte characters. */
static const char *const pieces[] = {
	":", " ", "-", "#", "\"", "'", "\n", "\t", "&", "*", "!", "|", ">", "[", "]", "{", "}", "?", ",",
	"%", "@", "`", "\\", ".", "~", "\r", "a", "k", "Z", "_", "0", "1", "e", "x", "\xC3\xA9",
	"\xC2\xA0", "e\xCC\x81", "\xE2\x80\xA8", ": ", " #", "- ", "  ", "\n  ", "\n- ", "''", "---\n",
	"null", "true", "0x", ".5",
};

/* Seeds: front matters and the like, each taken by the fast path. */
static const char *const seeds[] = {
	"layout: layouts/x.njk\ntitle: Regrouper les serveurs \ndate: 2023-06-01\nidbp: h.4\n"
	"who:\n  - Direction du numérique\n  - Achats\nindicators:\n  - \"% des serveurs : oui / non\"\n"
	"  - 'l\"usage'\neleventyNavigation:\n  parent: bonnes-pratiques\n  order: 40\n",
	"a:\n- x\n- k: 1\n  j: \"2\"\nb:\nc: -1.5e3\n",
	"- a: b\n  c:\n    - d\n- e\n",
};

static void test_mutations(void **state)
{
	(void)state;
	uint64_t rnd = 0x5DEECE66DULL;
	int taken_n = 0, left = 0;
	buf_t m = BUF_INIT;
	for (int round = 0; round < 6000; round++) {
		const char *seed = seeds[next_rand(&rnd) % (sizeof seeds / sizeof seeds[0])];
		buf_reset(&m);
		buf_puts(&m, seed);
		int edits = 1 + (int)(next_rand(&rnd) % 3);
		for (int e = 0; e < edits; e++) {
			size_t at = m.len ? (size_t)(next_rand(&rnd) % m.len) : 0;
			const char *piece = pieces[next_rand(&rnd) % (sizeof pieces / sizeof pieces[0])];
			buf_t out = BUF_INIT;
			buf_put(&out, m.ptr, at);
			switch (next_rand(&rnd) % 3) {
			case 0: /* insert */
				buf_puts(&out, piece);
				buf_put(&out, m.ptr + at, m.len - at);
				break;
			case 1: /* delete one byte (which may cut a character in two) */
				if (at < m.len)
					buf_put(&out, m.ptr + at + 1, m.len - at - 1);
				break;
			default: /* replace one byte */
				buf_puts(&out, piece);
				if (at < m.len)
					buf_put(&out, m.ptr + at + 1, m.len - at - 1);
				break;
			}
			buf_free(&m);
			m = out;
		}
		if (same_if_taken(m.ptr ? m.ptr : "", m.len, (int)(next_rand(&rnd) % 3)))
			taken_n++;
		else
			left++;
	}
	buf_free(&m);
	/* Both sides must be well exercised, or the test proves little. */
	print_message("mutations: %d taken by the fast path, %d left to libfyaml\n", taken_n, left);
	assert_true(taken_n > 1000);
	assert_true(left > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken),   cmocka_unit_test(test_taken_positions),
		cmocka_unit_test(test_refused), cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_real_guide),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
