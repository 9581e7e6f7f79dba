/* Tests for guide/yaml: core-schema typing of scalars, nesting with 1-based
 * positions (plus line_offset), anchors and aliases, the depth and alias-bomb
 * limits, duplicate keys, syntax errors, multiple documents and JSON input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guide/yaml.h"

static const char FILE_NAME[] = "doc.md";

static value_t *parse_off(const char *src, int line_offset, diag_list_t *d)
{
	return yaml_parse(FILE_NAME, src, strlen(src), line_offset, d);
}

/* Parses src, which must succeed without diagnostics. */
static value_t *parse_ok(const char *src)
{
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = parse_off(src, 0, &d);
	if (!v || d.len) {
		buf_t b = BUF_INIT;
		for (size_t i = 0; i < d.len; i++)
			diag_format_text(&d.items[i], &b);
		fail_msg("parse of \"%s\" failed: %s", src, buf_cstr(&b));
	}
	diag_list_free(&d);
	return v;
}

/* Parses src, which must fail with exactly one error of rule; returns that
 * diagnostic (owned by d). */
static const diag_t *parse_fail(const char *src, int line_offset, diag_list_t *d, const char *rule)
{
	value_t *v = parse_off(src, line_offset, d);
	if (v) {
		value_free(v);
		fail_msg("parse of \"%s\" should have failed", src);
	}
	assert_int_equal(d->len, 1);
	const diag_t *g = &d->items[0];
	assert_int_equal(g->sev, DIAG_ERROR);
	assert_string_equal(g->rule, rule);
	assert_string_equal(g->file, FILE_NAME);
	return g;
}

/* The scalar under key in a one-line "key: text" document. */
static value_t *scalar_of(const char *text)
{
	char src[128];
	snprintf(src, sizeof src, "k: %s\n", text);
	value_t *m = parse_ok(src);
	assert_int_equal(m->kind, VAL_MAP);
	value_t *v = value_map_take(m, "k");
	assert_non_null(v);
	value_free(m);
	return v;
}

static void assert_null_scalar(const char *text)
{
	value_t *v = scalar_of(text);
	if (v->kind != VAL_NULL)
		fail_msg("'%s' should be null, is a %s", text, value_kind_name(v->kind));
	value_free(v);
}

static void assert_bool_scalar(const char *text, bool want)
{
	value_t *v = scalar_of(text);
	if (v->kind != VAL_BOOL || v->u.b != want)
		fail_msg("'%s' should be the boolean %d", text, want);
	value_free(v);
}

static void assert_num_scalar(const char *text, double want)
{
	value_t *v = scalar_of(text);
	if (v->kind != VAL_NUMBER)
		fail_msg("'%s' should be a number, is a %s", text, value_kind_name(v->kind));
	if (!(v->u.num == want || (isnan(want) && isnan(v->u.num))))
		fail_msg("'%s' should be %g, is %g", text, want, v->u.num);
	value_free(v);
}

static void assert_str_scalar(const char *text, const char *want)
{
	value_t *v = scalar_of(text);
	if (v->kind != VAL_STRING)
		fail_msg("'%s' should be a string, is a %s", text, value_kind_name(v->kind));
	assert_string_equal(v->u.str.s, want);
	assert_int_equal(v->u.str.len, strlen(want));
	value_free(v);
}

static void assert_pos(const value_t *v, int line, int col)
{
	assert_non_null(v);
	if (v->line != line || v->col != col)
		fail_msg("%s at %d:%d, want %d:%d", value_kind_name(v->kind), v->line, v->col, line, col);
	assert_ptr_equal(v->file, FILE_NAME);
}

static void test_null_and_bool(void **state)
{
	(void)state;
	assert_null_scalar("null");
	assert_null_scalar("Null");
	assert_null_scalar("NULL");
	assert_null_scalar("~");
	assert_null_scalar("");
	assert_bool_scalar("true", true);
	assert_bool_scalar("True", true);
	assert_bool_scalar("TRUE", true);
	assert_bool_scalar("false", false);
	assert_bool_scalar("False", false);
	assert_bool_scalar("FALSE", false);
	/* YAML 1.1 booleans are strings in the core schema */
	assert_str_scalar("yes", "yes");
	assert_str_scalar("off", "off");
	assert_str_scalar("tRUE", "tRUE");
	assert_str_scalar("nULL", "nULL");
}

static void test_numbers(void **state)
{
	(void)state;
	assert_num_scalar("10", 10);
	assert_num_scalar("-3", -3);
	assert_num_scalar("+12", 12);
	assert_num_scalar("007", 7);
	assert_num_scalar("1.5", 1.5);
	assert_num_scalar(".5", 0.5);
	assert_num_scalar("1.", 1);
	assert_num_scalar("1e3", 1000);
	assert_num_scalar("1.5E-3", 0.0015);
	assert_num_scalar("-0", 0);
	assert_num_scalar("0x1F", 31);
	assert_num_scalar("0xff", 255);
	assert_num_scalar("0o17", 15);
	assert_num_scalar(".inf", INFINITY);
	assert_num_scalar(".Inf", INFINITY);
	assert_num_scalar("+.INF", INFINITY);
	assert_num_scalar("-.inf", -INFINITY);
	assert_num_scalar(".nan", NAN);
	assert_num_scalar(".NaN", NAN);
	/* numbers are parsed in a 64-byte buffer: 63 characters are a number,
	 * a longer plain scalar is a string */
	char digits[80];
	memset(digits, '1', 63);
	digits[63] = '\0';
	value_t *v = scalar_of(digits);
	assert_int_equal(v->kind, VAL_NUMBER);
	value_free(v);
	digits[63] = '1';
	digits[64] = '\0';
	assert_str_scalar(digits, digits);
}

static void test_strings(void **state)
{
	(void)state;
	assert_str_scalar("\"10\"", "10");
	assert_str_scalar("'10'", "10");
	assert_str_scalar("\"true\"", "true");
	assert_str_scalar("'~'", "~");
	assert_str_scalar("\"\"", "");
	assert_str_scalar("!!str 12", "12");
	assert_str_scalar("2023-06-01", "2023-06-01");
	assert_str_scalar("1.0.2", "1.0.2");
	assert_str_scalar("1e", "1e");
	assert_str_scalar(".", ".");
	assert_str_scalar("nan", "nan");
	assert_str_scalar("0x", "0x");
	assert_str_scalar("0x1g", "0x1g");
	assert_str_scalar("0o8", "0o8");
	assert_str_scalar("0o-1", "0o-1");
	assert_str_scalar("0XFF", "0XFF");
	assert_str_scalar("1_000", "1_000");
	assert_str_scalar("a.1", "a.1");
	assert_str_scalar("Recommandée", "Recommandée");
	assert_str_scalar("\"tab\\there\\n\"", "tab\there\n");
	assert_str_scalar("'it''s'", "it's");
	assert_str_scalar("plain text, with:colons", "plain text, with:colons");
}

static void test_block_scalars(void **state)
{
	(void)state;
	value_t *v = parse_ok("lit: |\n  one\n  two\nfold: >\n  three\n  four\n");
	assert_string_equal(value_str(value_get(v, "lit")), "one\ntwo\n");
	assert_string_equal(value_str(value_get(v, "fold")), "three four\n");
	value_free(v);
}

static void test_nested_positions(void **state)
{
	(void)state;
	const char *src = "title: Hello\n"
			  "who:\n"
			  "  - Dev\n"
			  "  - name: Ops\n"
			  "    n: [1, 2]\n"
			  "nav:\n"
			  "  order: 3\n";
	value_t *v = parse_ok(src);
	assert_int_equal(v->kind, VAL_MAP);
	assert_pos(v, 1, 1);
	assert_int_equal(v->u.map.len, 3);
	assert_string_equal(v->u.map.keys[0], "title");
	assert_string_equal(v->u.map.keys[1], "who");
	assert_string_equal(v->u.map.keys[2], "nav");
	assert_pos(value_get(v, "title"), 1, 8);
	const value_t *who = value_get(v, "who");
	assert_int_equal(who->kind, VAL_LIST);
	assert_int_equal(who->u.list.len, 2);
	assert_pos(who, 3, 3);
	assert_pos(who->u.list.items[0], 3, 5);
	assert_string_equal(value_str(who->u.list.items[0]), "Dev");
	const value_t *m = who->u.list.items[1];
	assert_int_equal(m->kind, VAL_MAP);
	assert_pos(m, 4, 5);
	assert_pos(value_get(m, "name"), 4, 11);
	const value_t *n = value_get(m, "n");
	assert_pos(n, 5, 8);
	assert_int_equal(n->u.list.len, 2);
	assert_pos(n->u.list.items[1], 5, 12);
	const value_t *o = value_get(value_get(v, "nav"), "order");
	assert_pos(o, 7, 10);
	assert_true(o->u.num == 3);
	value_free(v);
}

static void test_line_offset(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = parse_off("a: 1\nb:\n  - x\n", 1, &d);
	assert_non_null(v);
	assert_int_equal(d.len, 0);
	assert_pos(v, 2, 1);
	assert_pos(value_get(v, "a"), 2, 4);
	assert_pos(value_get(v, "b")->u.list.items[0], 4, 5);
	value_free(v);
	v = parse_off("a: 1\n", 10, &d);
	assert_pos(value_get(v, "a"), 11, 4);
	value_free(v);
	diag_list_free(&d);
}

/* Regression (src/guide/yaml.c, set_pos): an empty value ("key:" with nothing after
 * it, or a bare "-" list item) becomes a null with line 0, col 0, because
 * libfyaml gives its event no start mark. Rules that point at it (e.g.
 * missing-field for "title:") then print a diagnostic with no position.
 * Expected: the value's line (here 1 and 2) and a column > 0. */
static void test_empty_value_position(void **state)
{
	(void)state;
	value_t *v = parse_ok("a:\nb: 1\n");
	const value_t *a = value_get(v, "a");
	assert_int_equal(a->kind, VAL_NULL);
	assert_ptr_equal(a->file, FILE_NAME);
	int line = a->line, col = a->col;
	value_free(v);
	v = parse_ok("- x\n-\n- y\n");
	assert_int_equal(v->u.list.items[1]->kind, VAL_NULL);
	int item_line = v->u.list.items[1]->line;
	value_free(v);
	if (line != 1 || col <= 0)
		fail_msg("null of \"a:\" at %d:%d, want line 1 and a column", line, col);
	assert_int_equal(item_line, 2);
}

static void test_special_keys(void **state)
{
	(void)state;
	/* keys are the text of their scalar */
	value_t *v = parse_ok("1: one\ntrue: yes\n\"quoted key\": q\n~: nothing\n");
	assert_string_equal(value_str(value_get(v, "1")), "one");
	assert_string_equal(value_str(value_get(v, "true")), "yes");
	assert_string_equal(value_str(value_get(v, "quoted key")), "q");
	assert_string_equal(value_str(value_get(v, "")), "nothing");
	value_free(v);

	diag_list_t d = DIAG_LIST_INIT;
	parse_fail("? [a, b]\n: c\n", 0, &d, "yaml-syntax");
	diag_list_free(&d);
}

static void test_anchors_aliases(void **state)
{
	(void)state;
	value_t *v = parse_ok("base: &b\n  k: [1, 2]\n  s: text\ncopy: *b\nname: &n Alice\nagain: *n\n");
	const value_t *base = value_get(v, "base"), *copy = value_get(v, "copy");
	assert_int_equal(copy->kind, VAL_MAP);
	assert_ptr_not_equal(copy, base);
	assert_int_equal(copy->u.map.len, 2);
	assert_ptr_not_equal(value_get(copy, "k"), value_get(base, "k"));
	assert_int_equal(value_get(copy, "k")->u.list.len, 2);
	assert_true(value_get(copy, "k")->u.list.items[1]->u.num == 2);
	assert_string_equal(value_str(value_get(copy, "s")), "text");
	/* the copy sits where the alias is (its '*' or the name after it) */
	assert_int_equal(copy->line, 4);
	assert_in_range(copy->col, 7, 8);
	assert_string_equal(value_str(value_get(v, "again")), "Alice");
	assert_int_equal(value_get(v, "again")->line, 6);
	assert_in_range(value_get(v, "again")->col, 8, 9);
	value_free(v); /* copies are independent: no double free (ASan) */

	/* a redefined anchor: the latest definition wins */
	v = parse_ok("a: &x 1\nb: &x 2\nc: *x\n");
	assert_true(value_get(v, "c")->u.num == 2);
	value_free(v);

	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail("a: *nowhere\n", 0, &d, "yaml-syntax");
	assert_int_equal(g->line, 1);
	assert_in_range(g->col, 4, 5);
	diag_list_free(&d);
}

/* Exit status of a child whose result was wrong (ASan itself exits with 1). */
#define WRONG 3

/* Runs fn in a child process so that a crash (or an ASan report) fails only
 * this test; fn returns 0 when the behaviour is right, WRONG otherwise. */
static void assert_child_ok(int (*fn)(void), const char *what)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("%s: too slow (killed by its time limit)", what);
	if (!WIFEXITED(status))
		fail_msg("%s: crashed with signal %d", what, WTERMSIG(status));
	if (WEXITSTATUS(status) == WRONG)
		fail_msg("%s: wrong result", what);
	if (WEXITSTATUS(status) != 0)
		fail_msg("%s: child exited with %d (a sanitizer report?)", what, WEXITSTATUS(status));
}

/* The alias must give the key's text, or the parse must fail cleanly. */
static int alias_to_key_anchor(void)
{
	diag_list_t d = DIAG_LIST_INIT;
	const char *src = "&k a: 1\nb: *k\n";
	value_t *v = yaml_parse(FILE_NAME, src, strlen(src), 0, &d);
	int bad = v ? !(value_str(value_get(v, "b")) && strcmp(value_str(value_get(v, "b")), "a") == 0)
		    : d.len == 0;
	value_free(v);
	diag_list_free(&d);
	return bad ? WRONG : 0;
}

/* Regression (src/guide/yaml.c, handle/attach): an anchor on a mapping key ("&k a:
 * 1") is recorded by add_anchor, then attach() frees the key's value after
 * copying its text, leaving the anchor dangling; a later "*k" reads freed
 * memory in count_nodes() and value_copy() (ASan: heap-use-after-free at
 * yaml.c count_nodes). Expected: b is the string "a" (or a clean error). */
static void test_alias_to_key_anchor(void **state)
{
	(void)state;
	assert_child_ok(alias_to_key_anchor, "yaml_parse(\"&k a: 1\\nb: *k\")");
}

/* 40,000 distinct keys in one mapping, under both limits (about 520 KB). */
static int many_keys(void)
{
	buf_t b = BUF_INIT;
	for (int i = 0; i < 40000; i++)
		buf_printf(&b, "key%06d: 1\n", i);
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = yaml_parse(FILE_NAME, b.ptr, b.len, 0, &d);
	int ok = v && v->kind == VAL_MAP && v->u.map.len == 40000 && d.len == 0;
	/* every key reachable through the hash index, first and last included */
	ok = ok && value_get(v, "key000000") && value_get(v, "key039999") && !value_get(v, "key040000");
	value_free(v);
	diag_list_free(&d);
	buf_free(&b);
	return ok ? 0 : WRONG;
}

/* Regression: mappings used to cost O(n^2) (every key looked up by a scan);
 * big maps now have a hash index. The time it takes is measured by the
 * pathological-input benchmark, not here; this checks the result. */
static void test_many_keys(void **state)
{
	(void)state;
	assert_child_ok(many_keys, "yaml_parse of 40,000 keys");
}

/* Thousands of anchors: lookups go through a hash index that is rebuilt as
 * it grows; the latest definition must win across a rebuild, and anchored
 * mapping keys keep their node. Linear: 40,000 anchors and aliases parse in
 * well under a second (they took 6 s when each alias scanned every anchor). */
static void test_many_anchors(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "first: &a old\nl:\n");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "  - &n%d v%d\n", i, i);
	buf_puts(&b, "again: &a new\nk:\n");
	for (int i = 0; i < 20000; i += 997)
		buf_printf(&b, "  - *n%d\n", i);
	buf_puts(&b, "latest: *a\n&key anchored: 1\nkeyref: *key\n");
	clock_t t0 = clock();
	value_t *v = parse_ok(buf_cstr(&b));
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_string_equal(value_str(value_get(v, "latest")), "new");
	assert_string_equal(value_str(value_get(v, "keyref")), "anchored");
	const value_t *k = value_get(v, "k");
	assert_int_equal(k->u.list.len, 21);
	assert_string_equal(value_str(k->u.list.items[20]), "v19940");
	value_free(v);

	buf_reset(&b);
	buf_puts(&b, "l:\n");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "  - &a%d x\n", i);
	for (int i = 0; i < 20000; i++)
		buf_puts(&b, "  - *a0\n");
	t0 = clock();
	v = parse_ok(buf_cstr(&b));
	secs += (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(value_get(v, "l")->u.list.len, 40000);
	value_free(v);
	buf_free(&b);
	if (secs > 2.0)
		fail_msg("40,000 anchors and aliases took %.2f s", secs);
}

static void test_alias_bomb(void **state)
{
	(void)state;
	const char *src = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			  "h: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail(src, 0, &d, "yaml-limit");
	assert_true(g->line >= 1);
	assert_non_null(g->hint);
	diag_list_free(&d);

	/* a few aliases well under the limit are fine */
	value_t *v = parse_ok("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n");
	assert_int_equal(value_get(v, "c")->u.list.len, 2);
	value_free(v);
}

static void test_too_many_nodes(void **state)
{
	(void)state;
	/* no aliases, just more than YAML_MAX_NODES values */
	buf_t b = BUF_INIT;
	buf_putc(&b, '[');
	for (int i = 0; i <= YAML_MAX_NODES; i++)
		buf_puts(&b, i ? ",1" : "1");
	buf_putc(&b, ']');
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = yaml_parse(FILE_NAME, b.ptr, b.len, 0, &d);
	assert_null(v);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "yaml-limit");
	diag_list_free(&d);
	buf_free(&b);
}

/* n nested flow lists around a scalar. */
static char *nested(int n)
{
	char *s = malloc((size_t)n * 2 + 2);
	memset(s, '[', (size_t)n);
	s[n] = '1';
	memset(s + n + 1, ']', (size_t)n);
	s[2 * n + 1] = '\0';
	return s;
}

static void test_depth_limit(void **state)
{
	(void)state;
	char *ok = nested(YAML_MAX_DEPTH);
	value_t *v = parse_ok(ok);
	const value_t *w = v;
	for (int i = 0; i < YAML_MAX_DEPTH; i++) {
		assert_int_equal(w->kind, VAL_LIST);
		w = w->u.list.items[0];
	}
	assert_int_equal(w->kind, VAL_NUMBER);
	value_free(v);
	free(ok);

	char *deep = nested(YAML_MAX_DEPTH + 1);
	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail(deep, 0, &d, "yaml-limit");
	assert_int_equal(g->line, 1);
	assert_int_equal(g->col, YAML_MAX_DEPTH + 1);
	diag_list_free(&d);
	free(deep);

	/* block mappings, with the partial tree freed on failure (ASan) */
	buf_t b = BUF_INIT;
	for (int i = 0; i < YAML_MAX_DEPTH + 5; i++) {
		for (int k = 0; k < i; k++)
			buf_puts(&b, "  ");
		buf_puts(&b, "k:\n");
	}
	v = yaml_parse(FILE_NAME, b.ptr, b.len, 0, &d);
	assert_null(v);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "yaml-limit");
	assert_int_equal(d.items[0].line, YAML_MAX_DEPTH + 1);
	diag_list_free(&d);
	buf_free(&b);
}

static void test_duplicate_key(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail("a: 1\nb: 2\na: 3\n", 0, &d, "yaml-syntax");
	assert_int_equal(g->line, 3);
	assert_int_equal(g->col, 1);
	assert_non_null(strstr(g->msg, "'a'"));
	assert_non_null(g->hint);
	diag_list_free(&d);

	g = parse_fail("outer:\n  x: 1\n  x: 2\n", 1, &d, "yaml-syntax");
	assert_int_equal(g->line, 4); /* line 3 + offset 1 */
	assert_int_equal(g->col, 3);
	diag_list_free(&d);

	/* the same key in two different maps is fine */
	value_t *v = parse_ok("a: {x: 1}\nb: {x: 2}\n");
	value_free(v);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail("a: 1\nb: 'x'y\n", 0, &d, "yaml-syntax");
	assert_int_equal(g->line, 2);
	assert_int_equal(g->col, 7);
	assert_non_null(strstr(g->msg, "invalid YAML"));
	assert_non_null(g->hint);
	diag_list_free(&d);

	g = parse_fail("a: 1\nb: 'x'y\n", 1, &d, "yaml-syntax");
	assert_int_equal(g->line, 3);
	assert_int_equal(g->col, 7);
	diag_list_free(&d);

	g = parse_fail("\tkey: tab\n", 0, &d, "yaml-syntax");
	assert_int_equal(g->line, 1);
	assert_int_equal(g->col, 1);
	diag_list_free(&d);

	g = parse_fail("a: b: c\n", 0, &d, "yaml-syntax");
	assert_int_equal(g->line, 1);
	assert_int_equal(g->col, 5);
	diag_list_free(&d);

	g = parse_fail("list: [1, 2\n", 0, &d, "yaml-syntax");
	assert_true(g->line >= 1);
	assert_true(g->col >= 1);
	diag_list_free(&d);
}

static void test_multiple_documents(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail("a: 1\n---\nb: 2\n", 0, &d, "yaml-syntax");
	assert_int_equal(g->line, 2);
	assert_non_null(strstr(g->msg, "more than one"));
	diag_list_free(&d);

	/* one explicit document is fine */
	value_t *v = parse_ok("---\na: 1\n...\n");
	assert_true(value_get(v, "a")->u.num == 1);
	value_free(v);
}

/* YAML is Unicode: invalid UTF-8 is refused before libfyaml sees it, which
 * 0.7.12 needs: it loops forever on a directive followed by an invalid byte
 * (found by fuzz_mustache; _data files reach yaml_parse unchecked). The
 * parse runs in a child that an alarm kills, so a regression fails, not hangs. */
static void test_not_utf8(void **state)
{
	(void)state;
	static const char *const srcs[] = {"%\xff", "%YAML\xc3", "a: 1\nb: caf\xe9\n"};
	for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			alarm(5);
			diag_list_t d = DIAG_LIST_INIT;
			value_t *v = yaml_parse(FILE_NAME, srcs[i], strlen(srcs[i]), 0, &d);
			int ok = !v && d.len == 1 && strcmp(d.items[0].rule, "not-utf8") == 0;
			diag_list_free(&d);
			value_free(v);
			_exit(ok ? 0 : 1);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("input %zu: %s", i, WIFSIGNALED(status) ? "hung (killed by the alarm)" : "not refused as not-utf8");
	}
	diag_list_t d = DIAG_LIST_INIT;
	const diag_t *g = parse_fail("a: 1\nb: caf\xe9\n", 2, &d, "not-utf8");
	assert_int_equal(g->line, 4); /* line 2 + offset 2 */
	assert_int_equal(g->col, 7);
	assert_non_null(g->hint);
	diag_list_free(&d);
}

static void test_empty_input(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = yaml_parse(FILE_NAME, "", 0, 0, &d);
	assert_non_null(v);
	assert_int_equal(v->kind, VAL_NULL);
	assert_int_equal(d.len, 0);
	value_free(v);
	v = yaml_parse(FILE_NAME, "# just a comment\n\n", 18, 0, &d);
	assert_non_null(v);
	assert_int_equal(v->kind, VAL_NULL);
	assert_int_equal(d.len, 0);
	value_free(v);
	/* only len bytes are parsed */
	v = yaml_parse(FILE_NAME, "a: 1", 0, 0, &d);
	assert_int_equal(v->kind, VAL_NULL);
	value_free(v);
	diag_list_free(&d);
}

static void test_top_level_scalar_and_list(void **state)
{
	(void)state;
	value_t *v = parse_ok("42");
	assert_int_equal(v->kind, VAL_NUMBER);
	assert_pos(v, 1, 1);
	value_free(v);
	v = parse_ok("- a\n- 2\n");
	assert_int_equal(v->kind, VAL_LIST);
	assert_int_equal(v->u.list.len, 2);
	value_free(v);
}

static void test_json(void **state)
{
	(void)state;
	const char *src = "{\n"
			  "  \"metadata\": {\n"
			  "    \"title\": \"Guide \\u00e9co\",\n"
			  "    \"n\": 12.5,\n"
			  "    \"flags\": [true, false, null],\n"
			  "    \"empty\": {}\n"
			  "  }\n"
			  "}\n";
	value_t *v = parse_ok(src);
	const value_t *m = value_get(v, "metadata");
	assert_int_equal(m->kind, VAL_MAP);
	assert_string_equal(value_str(value_get(m, "title")), "Guide \xC3\xA9" "co");
	assert_true(value_get(m, "n")->u.num == 12.5);
	const value_t *f = value_get(m, "flags");
	assert_int_equal(f->u.list.len, 3);
	assert_int_equal(f->u.list.items[0]->kind, VAL_BOOL);
	assert_int_equal(f->u.list.items[2]->kind, VAL_NULL);
	assert_int_equal(value_get(m, "empty")->kind, VAL_MAP);
	assert_pos(value_get(m, "n"), 4, 10);
	value_free(v);
}

/* Strings are read in NFC (keys too, JSON escapes too); positions stay
 * those of the text as written. */
static void test_nfc_values(void **state)
{
	(void)state;
	value_t *v = scalar_of("Direction ge\xCC\x81ne\xCC\x81rale");
	assert_int_equal(v->kind, VAL_STRING);
	assert_string_equal(v->u.str.s, "Direction g\xC3\xA9n\xC3\xA9rale");
	assert_int_equal(v->u.str.len, strlen("Direction g\xC3\xA9n\xC3\xA9rale"));
	value_free(v);
	v = scalar_of("\"Recommande\xCC\x81" "e\"");
	assert_string_equal(v->u.str.s, "Recommand\xC3\xA9" "e");
	value_free(v);
	v = scalar_of("\"e\\u0301t\\u00e9\""); /* escapes decode to a decomposed é */
	assert_string_equal(v->u.str.s, "\xC3\xA9t\xC3\xA9");
	value_free(v);

	value_t *m = parse_ok("cle\xCC\x81: 1\n");
	assert_non_null(value_get(m, "cl\xC3\xA9"));
	value_free(m);
	m = parse_ok("{\"titre\": \"E\\u0301nergie\"}");
	assert_string_equal(value_str(value_get(m, "titre")), "\xC3\x89nergie");
	value_free(m);

	/* "e" + U+0301 is two columns as written (one in NFC): z stays at 9,
	 * where it is after the two letters of "ex" */
	m = parse_ok("k: [e\xCC\x81, z]\n");
	const value_t *k = value_get(m, "k");
	assert_string_equal(value_str(k->u.list.items[0]), "\xC3\xA9");
	value_t *x = parse_ok("k: [ex, z]\n");
	const value_t *kx = value_get(x, "k");
	assert_int_equal(k->u.list.items[1]->line, 1);
	assert_int_equal(k->u.list.items[1]->col, kx->u.list.items[1]->col);
	value_free(x);
	value_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfc_values),
		cmocka_unit_test(test_null_and_bool),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_block_scalars),
		cmocka_unit_test(test_nested_positions),
		cmocka_unit_test(test_line_offset),
		cmocka_unit_test(test_empty_value_position),
		cmocka_unit_test(test_special_keys),
		cmocka_unit_test(test_anchors_aliases),
		cmocka_unit_test(test_alias_to_key_anchor),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_many_anchors),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_too_many_nodes),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_multiple_documents),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_top_level_scalar_and_list),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
