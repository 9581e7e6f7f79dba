/* Tests for util/diag: adding diagnostics and hints, counting, the stable
 * sort, warning promotion, and the exact text and JSON output formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/diag.h"

static void test_add_and_hint(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	diag_t *d = diag_add(&l, DIAG_ERROR, "f.md", 3, 5, "some-rule", "bad %s %d", "thing", 7);
	assert_int_equal(l.len, 1);
	assert_int_equal(d->sev, DIAG_ERROR);
	assert_string_equal(d->file, "f.md");
	assert_int_equal(d->line, 3);
	assert_int_equal(d->col, 5);
	assert_string_equal(d->rule, "some-rule");
	assert_string_equal(d->msg, "bad thing 7");
	assert_null(d->hint);
	diag_hint(d, "try %s", "this");
	assert_string_equal(d->hint, "try this");
	diag_hint(d, "or %s", "that"); /* replaces the previous hint */
	assert_string_equal(d->hint, "or that");

	d = diag_add(&l, DIAG_INFO, NULL, 0, 0, NULL, "no file");
	assert_null(d->file);
	assert_string_equal(d->rule, "");
	assert_int_equal(d->seq, 1);
	diag_list_free(&l);
	assert_null(l.items);
	assert_int_equal(l.len, 0);
	diag_list_free(&l); /* twice is harmless */
}

static void test_add_copies_strings(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	char file[] = "a.md", rule[] = "r";
	diag_add(&l, DIAG_ERROR, file, 1, 1, rule, "m");
	file[0] = 'z';
	rule[0] = 'z';
	assert_string_equal(l.items[0].file, "a.md");
	assert_string_equal(l.items[0].rule, "r");
	diag_list_free(&l);
}

static void test_many_and_long(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	char longmsg[1000];
	memset(longmsg, 'm', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	for (int i = 0; i < 500; i++)
		diag_add(&l, DIAG_WARNING, "x.md", i, 1, "r", "%s", longmsg);
	assert_int_equal(l.len, 500);
	assert_string_equal(l.items[499].msg, longmsg);
	assert_int_equal(l.items[499].line, 499);
	diag_list_free(&l);
}

static void test_count_and_promote(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	diag_add(&l, DIAG_ERROR, "a", 1, 1, "r", "e1");
	diag_add(&l, DIAG_WARNING, "a", 1, 1, "r", "w1");
	diag_add(&l, DIAG_WARNING, "a", 1, 1, "r", "w2");
	diag_add(&l, DIAG_INFO, "a", 1, 1, "r", "i1");
	assert_int_equal(diag_count(&l, DIAG_ERROR), 1);
	assert_int_equal(diag_count(&l, DIAG_WARNING), 2);
	assert_int_equal(diag_count(&l, DIAG_INFO), 1);
	diag_promote_warnings(&l);
	assert_int_equal(diag_count(&l, DIAG_ERROR), 3);
	assert_int_equal(diag_count(&l, DIAG_WARNING), 0);
	assert_int_equal(diag_count(&l, DIAG_INFO), 1); /* infos stay infos */
	diag_list_free(&l);
	assert_int_equal(diag_count(&l, DIAG_ERROR), 0);
}

static void test_sort_stable(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	diag_add(&l, DIAG_ERROR, "b.md", 2, 1, "r", "b2");
	diag_add(&l, DIAG_ERROR, "a.md", 10, 1, "r", "a10");
	diag_add(&l, DIAG_ERROR, "a.md", 2, 9, "r", "a2c9");
	diag_add(&l, DIAG_ERROR, "a.md", 2, 3, "r", "first");
	diag_add(&l, DIAG_ERROR, NULL, 0, 0, "r", "nofile");
	diag_add(&l, DIAG_ERROR, "a.md", 2, 3, "r", "second");
	diag_add(&l, DIAG_ERROR, "a.md", 2, 3, "r", "third");
	diag_add(&l, DIAG_ERROR, "a.md", 0, 0, "r", "whole");
	/* many ties so that an unstable qsort would show */
	for (int i = 0; i < 40; i++)
		diag_add(&l, DIAG_WARNING, "c.md", 1, 1, "r", "tie%02d", i);
	diag_sort(&l);
	const char *want[] = {"nofile", "whole", "first", "second", "third", "a2c9", "a10", "b2"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_string_equal(l.items[i].msg, want[i]);
	for (int i = 0; i < 40; i++) {
		char m[32];
		snprintf(m, sizeof m, "tie%02d", i);
		assert_string_equal(l.items[8 + i].msg, m);
	}
	diag_list_free(&l);

	/* sorting an empty or single list is fine */
	diag_sort(&l);
	diag_add(&l, DIAG_ERROR, "z", 1, 1, "r", "only");
	diag_sort(&l);
	assert_string_equal(l.items[0].msg, "only");
	diag_list_free(&l);
}

static void test_sev_name(void **state)
{
	(void)state;
	assert_string_equal(diag_sev_name(DIAG_INFO), "info");
	assert_string_equal(diag_sev_name(DIAG_WARNING), "warning");
	assert_string_equal(diag_sev_name(DIAG_ERROR), "error");
}

static void fmt_text(diag_list_t *l, buf_t *out)
{
	buf_reset(out);
	for (size_t i = 0; i < l->len; i++)
		diag_format_text(&l->items[i], out);
}

static void test_format_text(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;

	diag_t *d = diag_add(&l, DIAG_ERROR, "f.md", 3, 5, "rule", "msg");
	diag_hint(d, "h");
	fmt_text(&l, &out);
	assert_string_equal(buf_cstr(&out), "f.md:3:5: error: msg [rule]\n  hint: h\n");
	diag_list_free(&l);

	diag_add(&l, DIAG_WARNING, "f.md", 3, 0, "r", "no column");
	fmt_text(&l, &out);
	assert_string_equal(buf_cstr(&out), "f.md:3: warning: no column [r]\n");
	diag_list_free(&l);

	diag_add(&l, DIAG_INFO, "dir/f.md", 0, 0, "r", "no line");
	fmt_text(&l, &out);
	assert_string_equal(buf_cstr(&out), "dir/f.md: info: no line [r]\n");
	diag_list_free(&l);

	diag_add(&l, DIAG_ERROR, NULL, 0, 0, "io", "no file");
	fmt_text(&l, &out);
	assert_string_equal(buf_cstr(&out), "sobre: error: no file [io]\n");
	diag_list_free(&l);

	diag_add(&l, DIAG_ERROR, "g.md", 1, 2, NULL, "no rule");
	fmt_text(&l, &out);
	assert_string_equal(buf_cstr(&out), "g.md:1:2: error: no rule\n");
	diag_list_free(&l);

	buf_free(&out);
}

static void test_format_json_empty(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	diag_format_json(&l, &out);
	json_error_t err;
	json_t *j = json_loads(buf_cstr(&out), 0, &err);
	assert_non_null(j);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	buf_free(&out);
}

static void test_format_json(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	diag_t *d = diag_add(&l, DIAG_ERROR, "dir/\"q\".md", 3, 5, "value-not-in-set",
			     "say \"hi\"\nback\\slash\ttab\rcr\x01\x1f end é");
	diag_hint(d, "did you mean 'x'?");
	diag_add(&l, DIAG_WARNING, NULL, 0, 0, "r2", "second");
	diag_format_json(&l, &out);

	json_error_t err;
	json_t *j = json_loads(buf_cstr(&out), 0, &err);
	if (!j)
		fail_msg("invalid JSON (%s at %d:%d): %s", err.text, err.line, err.column, buf_cstr(&out));
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 2);

	json_t *o = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(o, "file")), "dir/\"q\".md");
	assert_int_equal(json_integer_value(json_object_get(o, "line")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "column")), 5);
	assert_string_equal(json_string_value(json_object_get(o, "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(o, "rule")), "value-not-in-set");
	assert_string_equal(json_string_value(json_object_get(o, "message")),
			    "say \"hi\"\nback\\slash\ttab\rcr\x01\x1f end é");
	assert_string_equal(json_string_value(json_object_get(o, "hint")), "did you mean 'x'?");
	assert_int_equal(json_object_size(o), 7);

	o = json_array_get(j, 1);
	assert_true(json_is_null(json_object_get(o, "file")));
	assert_true(json_is_null(json_object_get(o, "hint")));
	assert_int_equal(json_integer_value(json_object_get(o, "line")), 0);
	assert_string_equal(json_string_value(json_object_get(o, "severity")), "warning");
	json_decref(j);

	/* control characters are escaped, never written raw */
	for (size_t i = 0; i < out.len; i++)
		assert_true((unsigned char)out.ptr[i] >= 0x20 || out.ptr[i] == '\n');
	assert_non_null(strstr(buf_cstr(&out), "\\u0001"));
	assert_non_null(strstr(buf_cstr(&out), "\\u001f"));

	diag_list_free(&l);
	buf_free(&out);
}

/* Regression (src/util/diag.c, json_str): bytes >= 0x80 are copied as they are, so
 * a file name (or message) that is not UTF-8, e.g. a Latin-1 "caf\xE9.md"
 * listed from disk, makes diag_format_json print invalid JSON that CI tools
 * (and jansson) reject. Expected: valid JSON, e.g. with U+FFFD or the byte
 * escaped. */
static void test_format_json_not_utf8(void **state)
{
	(void)state;
	diag_list_t l = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	diag_add(&l, DIAG_ERROR, "caf\xE9.md", 1, 1, "not-utf8", "invalid UTF-8 byte 0xE9");
	diag_format_json(&l, &out);
	json_error_t err;
	json_t *j = json_loads(buf_cstr(&out), 0, &err);
	int valid = j != NULL;
	json_decref(j);
	diag_list_free(&l);
	buf_free(&out);
	if (!valid)
		fail_msg("invalid JSON for a Latin-1 file name: %s", err.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_hint),
		cmocka_unit_test(test_add_copies_strings),
		cmocka_unit_test(test_many_and_long),
		cmocka_unit_test(test_count_and_promote),
		cmocka_unit_test(test_sort_stable),
		cmocka_unit_test(test_sev_name),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_format_json_empty),
		cmocka_unit_test(test_format_json),
		cmocka_unit_test(test_format_json_not_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
