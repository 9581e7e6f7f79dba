/* Tests for guide/value: constructors, map set/replace/take/lookup, dotted
 * paths, lists, deep copies, Mustache truthiness, and the text of scalars,
 * lists and maps (numbers printed as JavaScript prints them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/value.h"
#include "util/xalloc.h"

/* Deep structural equality, positions included. */
static bool value_equal(const value_t *a, const value_t *b)
{
	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->file != b->file)
		return false;
	switch (a->kind) {
	case VAL_NULL:
		return true;
	case VAL_BOOL:
		return a->u.b == b->u.b;
	case VAL_NUMBER:
		return a->u.num == b->u.num || (isnan(a->u.num) && isnan(b->u.num));
	case VAL_STRING:
		return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0 &&
		       a->u.str.s[a->u.str.len] == '\0' && b->u.str.s[b->u.str.len] == '\0';
	case VAL_LIST:
		if (a->u.list.len != b->u.list.len)
			return false;
		for (size_t i = 0; i < a->u.list.len; i++)
			if (!value_equal(a->u.list.items[i], b->u.list.items[i]))
				return false;
		return true;
	case VAL_MAP:
		if (a->u.map.len != b->u.map.len)
			return false;
		for (size_t i = 0; i < a->u.map.len; i++)
			if (strcmp(a->u.map.keys[i], b->u.map.keys[i]) != 0 ||
			    !value_equal(a->u.map.vals[i], b->u.map.vals[i]))
				return false;
		return true;
	}
	return false;
}

/* Text of v, compared with want. */
static void assert_text(const value_t *v, const char *want)
{
	buf_t b = BUF_INIT;
	value_to_text(v, &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void assert_num_text(double n, const char *want)
{
	value_t *v = value_number(n);
	buf_t b = BUF_INIT;
	value_to_text(v, &b);
	value_free(v);
	if (strcmp(buf_cstr(&b), want) != 0) {
		char got[64];
		snprintf(got, sizeof got, "%s", buf_cstr(&b));
		buf_free(&b);
		fail_msg("value_to_text(%.17g) is \"%s\", want \"%s\"", n, got, want);
	}
	buf_free(&b);
}

static void test_constructors(void **state)
{
	(void)state;
	value_t *v = value_null();
	assert_int_equal(v->kind, VAL_NULL);
	assert_int_equal(v->line, 0);
	assert_int_equal(v->col, 0);
	assert_null(v->file);
	value_free(v);

	v = value_bool(true);
	assert_int_equal(v->kind, VAL_BOOL);
	assert_true(v->u.b);
	value_free(v);

	v = value_number(-2.5);
	assert_int_equal(v->kind, VAL_NUMBER);
	assert_true(v->u.num == -2.5);
	value_free(v);

	v = value_cstring("caf\xC3\xA9");
	assert_int_equal(v->kind, VAL_STRING);
	assert_int_equal(v->u.str.len, 5);
	assert_string_equal(value_str(v), "caf\xC3\xA9");
	value_free(v);

	/* only len bytes are taken, and NUL-terminated */
	v = value_string("abcdef", 3);
	assert_int_equal(v->u.str.len, 3);
	assert_string_equal(v->u.str.s, "abc");
	value_free(v);

	/* embedded NUL bytes are kept */
	v = value_string("a\0b", 3);
	assert_int_equal(v->u.str.len, 3);
	assert_memory_equal(v->u.str.s, "a\0b", 4);
	value_free(v);

	char *own = xstrdup("owned");
	v = value_string_own(own, 5);
	assert_ptr_equal(v->u.str.s, own);
	value_free(v);

	v = value_list();
	assert_int_equal(v->kind, VAL_LIST);
	assert_int_equal(v->u.list.len, 0);
	value_free(v);

	v = value_map();
	assert_int_equal(v->kind, VAL_MAP);
	assert_int_equal(v->u.map.len, 0);
	value_free(v);

	value_free(NULL);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(value_kind_name(VAL_NULL), "null");
	assert_string_equal(value_kind_name(VAL_BOOL), "boolean");
	assert_string_equal(value_kind_name(VAL_NUMBER), "number");
	assert_string_equal(value_kind_name(VAL_STRING), "string");
	assert_string_equal(value_kind_name(VAL_LIST), "list");
	assert_string_equal(value_kind_name(VAL_MAP), "mapping");
}

static void test_value_str(void **state)
{
	(void)state;
	assert_null(value_str(NULL));
	value_t *n = value_number(1);
	assert_null(value_str(n));
	value_free(n);
}

static void test_map_set_get_replace(void **state)
{
	(void)state;
	value_t *m = value_map();
	value_map_set(m, "a", value_number(1));
	value_map_set(m, "b", value_cstring("two"));
	value_map_set(m, "c", value_bool(false));
	assert_int_equal(m->u.map.len, 3);
	assert_true(value_get(m, "a")->u.num == 1);
	assert_string_equal(value_str(value_get(m, "b")), "two");
	assert_null(value_get(m, "d"));
	assert_null(value_get(m, ""));

	/* replacing keeps the key's place and frees the old value (ASan checks) */
	value_map_set(m, "a", value_cstring("one"));
	assert_int_equal(m->u.map.len, 3);
	assert_string_equal(m->u.map.keys[0], "a");
	assert_string_equal(value_str(value_get(m, "a")), "one");

	/* the key is copied */
	char key[] = "dyn";
	value_map_set(m, key, value_null());
	key[0] = 'x';
	assert_non_null(value_get(m, "dyn"));
	assert_null(value_get(m, "xyn"));

	/* getn compares whole keys, not prefixes */
	assert_string_equal(value_str(value_getn(m, "bcd", 1)), "two");
	assert_null(value_getn(m, "dy", 2));
	assert_null(value_getn(m, "dynamo", 6));

	/* lookups on NULL and non-maps */
	assert_null(value_get(NULL, "a"));
	value_t *l = value_list();
	assert_null(value_get(l, "a"));
	value_free(l);
	value_free(m);
}

static void test_map_many(void **state)
{
	(void)state;
	value_t *m = value_map();
	char key[16];
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "k%d", i);
		value_map_set(m, key, value_number(i));
	}
	assert_int_equal(m->u.map.len, 300);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_true(value_get(m, key)->u.num == i);
		assert_string_equal(m->u.map.keys[i], key);
	}
	value_free(m);
}

/* A looked-up name may hold NUL bytes (a Mustache tag name is any bytes):
 * it must match no key, and comparing it must not read past a shorter key
 * (found by fuzz_mustache: ASan heap-buffer-overflow). Both the small maps'
 * scan and the large maps' hash index are checked. */
static void test_key_with_nul(void **state)
{
	(void)state;
	for (int n = 1; n <= 100; n += 99) {
		value_t *m = value_map();
		char key[16];
		for (int i = 0; i < n; i++) {
			snprintf(key, sizeof key, "%c", 'a' + i % 26);
			if (i >= 26)
				snprintf(key, sizeof key, "k%d", i);
			value_map_set(m, key, value_number(i));
		}
		assert_null(value_getn(m, "a\0bcdefgh", 10));
		assert_null(value_getn(m, "a\0", 2));
		assert_non_null(value_getn(m, "a", 1));
		assert_null(value_get_path(m, "a\0x.y", 5));
		value_free(m);
	}
}

static void test_map_take(void **state)
{
	(void)state;
	value_t *m = value_map();
	value_map_set(m, "a", value_number(1));
	value_map_set(m, "b", value_number(2));
	value_map_set(m, "c", value_number(3));
	value_t *b = value_map_take(m, "b");
	assert_non_null(b);
	assert_true(b->u.num == 2);
	value_free(b);
	assert_int_equal(m->u.map.len, 2);
	assert_string_equal(m->u.map.keys[0], "a");
	assert_string_equal(m->u.map.keys[1], "c");
	assert_null(value_get(m, "b"));
	assert_true(value_get(m, "c")->u.num == 3);
	assert_null(value_map_take(m, "b"));
	assert_null(value_map_take(m, "zz"));
	/* take the last, then add again */
	value_free(value_map_take(m, "c"));
	value_map_set(m, "d", value_number(4));
	assert_int_equal(m->u.map.len, 2);
	assert_string_equal(m->u.map.keys[1], "d");
	value_free(value_map_take(m, "a"));
	value_free(value_map_take(m, "d"));
	assert_int_equal(m->u.map.len, 0);
	value_free(m);
	value_t *l = value_list();
	assert_null(value_map_take(l, "a"));
	value_free(l);
}

/* Keys of other lengths and shared prefixes, before and after a take (the
 * lengths kept beside the keys move with them), small and hashed maps. */
static void test_map_prefixes_and_take(void **state)
{
	(void)state;
	for (int extra = 0; extra <= 40; extra += 40) {
		value_t *m = value_map();
		char key[16];
		for (int i = 0; i < extra; i++) {
			snprintf(key, sizeof key, "x%d", i);
			value_map_set(m, key, value_number(-i));
		}
		value_map_set(m, "a", value_number(1));
		value_map_set(m, "difficulty", value_number(2));
		value_map_set(m, "difficultyClass", value_number(3));
		value_map_set(m, "difficultyColor", value_number(4));
		value_map_set(m, "", value_number(5));
		assert_true(value_get(m, "difficultyColor")->u.num == 4);
		assert_true(value_get(m, "")->u.num == 5);
		assert_null(value_get(m, "difficultyC"));
		assert_null(value_get(m, "difficultyColors"));
		assert_null(value_getn(m, "difficultyClass", 14));
		value_free(value_map_take(m, "a"));
		assert_null(value_get(m, "a"));
		assert_true(value_get(m, "difficulty")->u.num == 2);
		assert_true(value_get(m, "difficultyClass")->u.num == 3);
		assert_true(value_get(m, "difficultyColor")->u.num == 4);
		value_free(value_map_take(m, "difficulty"));
		assert_null(value_get(m, "difficulty"));
		assert_true(value_get(m, "difficultyColor")->u.num == 4);
		assert_true(value_get(m, "")->u.num == 5);
		if (extra)
			assert_true(value_get(m, "x39")->u.num == -39);
		value_map_set(m, "difficultyColor", value_number(6)); /* replaced, not added */
		assert_true(value_get(m, "difficultyColor")->u.num == 6);
		assert_int_equal(m->u.map.len, (size_t)extra + 3);
		value_free(m);
	}
}

static void test_get_path(void **state)
{
	(void)state;
	value_t *root = value_map();
	value_t *meta = value_map();
	value_t *guide = value_map();
	value_map_set(guide, "version", value_cstring("1.0"));
	value_map_set(meta, "guideBonnesPratiques", guide);
	value_map_set(meta, "url", value_cstring("https://example.org"));
	value_t *list = value_list();
	value_list_push(list, value_number(1));
	value_map_set(meta, "items", list);
	value_map_set(root, "metadata", meta);

	const char *p = "metadata.guideBonnesPratiques.version";
	assert_string_equal(value_str(value_get_path(root, p, strlen(p))), "1.0");
	p = "metadata.url";
	assert_string_equal(value_str(value_get_path(root, p, strlen(p))), "https://example.org");
	p = "metadata";
	assert_ptr_equal(value_get_path(root, p, strlen(p)), meta);
	/* only len bytes of the path are read */
	p = "metadata.url.more";
	assert_string_equal(value_str(value_get_path(root, p, 12)), "https://example.org");
	p = "metadata.nope.version";
	assert_null(value_get_path(root, p, strlen(p)));
	p = "metadata.url.deeper";
	assert_null(value_get_path(root, p, strlen(p)));
	p = "metadata.items.0"; /* lists are not indexed */
	assert_null(value_get_path(root, p, strlen(p)));
	p = "metadata..url";
	assert_null(value_get_path(root, p, strlen(p)));
	assert_null(value_get_path(root, "", 0));
	assert_null(value_get_path(NULL, "a", 1));
	value_free(root);
}

static void test_list_push(void **state)
{
	(void)state;
	value_t *l = value_list();
	for (int i = 0; i < 1000; i++)
		value_list_push(l, value_number(i));
	assert_int_equal(l->u.list.len, 1000);
	assert_true(l->u.list.cap >= 1000);
	for (int i = 0; i < 1000; i++)
		assert_true(l->u.list.items[i]->u.num == i);
	value_free(l);
}

static void test_copy_deep(void **state)
{
	(void)state;
	static const char file[] = "x.md";
	value_t *root = value_map();
	root->file = file;
	root->line = 2;
	root->col = 1;
	value_t *s = value_string("a\0b", 3);
	s->file = file;
	s->line = 3;
	s->col = 7;
	value_map_set(root, "s", s);
	value_t *l = value_list();
	value_list_push(l, value_null());
	value_list_push(l, value_bool(true));
	value_list_push(l, value_number(1.25));
	value_list_push(l, value_number(NAN));
	value_t *inner = value_map();
	value_map_set(inner, "deep", value_cstring("er"));
	value_list_push(l, inner);
	value_map_set(root, "l", l);
	value_map_set(root, "empty", value_map());

	value_t *c = value_copy(root);
	assert_true(value_equal(root, c));
	assert_ptr_not_equal(c, root);
	assert_ptr_equal(c->file, file);
	assert_int_equal(c->line, 2);
	const value_t *cs = value_get(c, "s");
	assert_ptr_not_equal(cs, s);
	assert_ptr_not_equal(cs->u.str.s, s->u.str.s);
	assert_int_equal(cs->u.str.len, 3);
	assert_int_equal(cs->line, 3);
	assert_int_equal(cs->col, 7);

	/* changing the copy leaves the original alone */
	value_map_set(c, "s", value_cstring("changed"));
	value_t *cl = (value_t *)value_get(c, "l");
	value_list_push(cl, value_null());
	value_map_set((value_t *)cl->u.list.items[4], "deep", value_number(0));
	assert_false(value_equal(root, c));
	assert_int_equal(l->u.list.len, 5);
	assert_string_equal(value_str(value_get(inner, "deep")), "er");
	assert_int_equal(value_get(root, "s")->u.str.len, 3);
	value_free(c);
	value_free(root);
}

static void test_truthy(void **state)
{
	(void)state;
	struct {
		value_t *v;
		bool want;
	} t[] = {
		{value_null(), false},
		{value_bool(false), false},
		{value_bool(true), true},
		{value_number(0), true}, /* as documented: only false, null, empty list and "" are false */
		{value_number(-1), true},
		{value_cstring(""), false},
		{value_cstring("0"), true},
		{value_cstring("false"), true},
		{value_list(), false},
		{value_map(), true},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		if (value_truthy(t[i].v) != t[i].want)
			fail_msg("row %zu: truthy(%s) should be %d", i, value_kind_name(t[i].v->kind), t[i].want);
		value_free(t[i].v);
	}
	value_t *l = value_list();
	value_list_push(l, value_null());
	assert_true(value_truthy(l));
	value_free(l);
	assert_false(value_truthy(NULL));
}

static void test_text_numbers(void **state)
{
	(void)state;
	assert_num_text(0, "0");
	assert_num_text(-0.0, "0");
	assert_num_text(1, "1");
	assert_num_text(-1, "-1");
	assert_num_text(1.5, "1.5");
	assert_num_text(-1.5, "-1.5");
	assert_num_text(100, "100");
	assert_num_text(0.1, "0.1");
	assert_num_text(0.1 + 0.2, "0.30000000000000004");
	assert_num_text(1.0 / 3, "0.3333333333333333");
	assert_num_text(123456.789, "123456.789");
	assert_num_text(9007199254740992.0, "9007199254740992");
	assert_num_text(1e20, "100000000000000000000");
	assert_num_text(1e21, "1e+21");
	assert_num_text(1.5e300, "1.5e+300");
	assert_num_text(0.001, "0.001");
	assert_num_text(NAN, "NaN");
	assert_num_text(INFINITY, "Infinity");
	assert_num_text(-INFINITY, "-Infinity");
}

/* Regression (src/guide/value.c, value_to_text): numbers are said to print "as
 * JavaScript prints them", but small ones go through printf's %g, which
 * switches to exponent form below 1e-4 and pads the exponent to two digits.
 * JavaScript's String(n) gives "0.00001" for 1e-5 (%g: "1e-05") and "1e-7"
 * for 1e-7 (%g: "1e-07"). */
static void test_text_small_numbers(void **state)
{
	(void)state;
	assert_num_text(0.0001, "0.0001");
	assert_num_text(0.00001, "0.00001");
	assert_num_text(0.000001, "0.000001");
	assert_num_text(1e-7, "1e-7");
	assert_num_text(-2.5e-8, "-2.5e-8");
}

static void test_text_scalars(void **state)
{
	(void)state;
	value_t *v = value_null();
	assert_text(v, "");
	value_free(v);
	v = value_bool(true);
	assert_text(v, "true");
	value_free(v);
	v = value_bool(false);
	assert_text(v, "false");
	value_free(v);
	v = value_cstring("texte <brut> & \"non\" échappé");
	assert_text(v, "texte <brut> & \"non\" échappé");
	value_free(v);
	/* a NULL value appends nothing */
	buf_t b = BUF_INIT;
	buf_puts(&b, "x");
	value_to_text(NULL, &b);
	assert_string_equal(buf_cstr(&b), "x");
	/* text is appended, not replacing */
	v = value_number(2);
	value_to_text(v, &b);
	assert_string_equal(buf_cstr(&b), "x2");
	value_free(v);
	buf_free(&b);
}

static void test_text_list_and_map(void **state)
{
	(void)state;
	value_t *l = value_list();
	assert_text(l, "");
	value_list_push(l, value_cstring("a"));
	value_list_push(l, value_number(1.5));
	value_list_push(l, value_bool(true));
	value_list_push(l, value_null());
	value_t *inner = value_list();
	value_list_push(inner, value_number(2));
	value_list_push(inner, value_number(3));
	value_list_push(l, inner);
	value_list_push(l, value_map());
	/* like JavaScript's Array.prototype.toString */
	assert_text(l, "a,1.5,true,,2,3,[object Object]");
	value_free(l);

	value_t *m = value_map();
	assert_text(m, "[object Object]");
	value_map_set(m, "k", value_cstring("v"));
	assert_text(m, "[object Object]");
	value_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constructors),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_value_str),
		cmocka_unit_test(test_map_set_get_replace),
		cmocka_unit_test(test_map_many),
		cmocka_unit_test(test_key_with_nul),
		cmocka_unit_test(test_map_take),
		cmocka_unit_test(test_map_prefixes_and_take),
		cmocka_unit_test(test_get_path),
		cmocka_unit_test(test_list_push),
		cmocka_unit_test(test_copy_deep),
		cmocka_unit_test(test_truthy),
		cmocka_unit_test(test_text_numbers),
		cmocka_unit_test(test_text_small_numbers),
		cmocka_unit_test(test_text_scalars),
		cmocka_unit_test(test_text_list_and_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
