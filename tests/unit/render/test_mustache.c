/* test_mustache: runs the official Mustache spec vectors (spec/mustache in
 * the test data, tests/testdata.h) against src/render/mustache.c, then our
 * own cases: syntax errors with positions, the hard limits, escaping and a
 * page layout built by inheritance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide/value.h"
#include "render/mustache.h"
#include "util/buf.h"
#include "util/diag.h"
#include "testdata.h"

/* The spec's data is JSON; ours is value_t. Numbers all become doubles. */
static value_t *value_from_json(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		value_t *m = value_map();
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v)
			value_map_set(m, k, value_from_json(v));
		return m;
	}
	case JSON_ARRAY: {
		value_t *l = value_list();
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
			value_list_push(l, value_from_json(v));
		return l;
	}
	case JSON_STRING:
		return value_string(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		return value_number((double)json_integer_value(j));
	case JSON_REAL:
		return value_number(json_real_value(j));
	case JSON_TRUE:
		return value_bool(true);
	case JSON_FALSE:
		return value_bool(false);
	case JSON_NULL:
		break;
	}
	return value_null();
}

/* C-style quoting so that failures show every newline and tab. */
static void print_quoted(const char *label, const char *s, size_t n)
{
	printf("    %-9s \"", label);
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		default: putchar(s[i]); break;
		}
	}
	puts("\"");
}

static void print_diags(const diag_list_t *dl)
{
	for (size_t i = 0; i < dl->len; i++) {
		buf_t b = BUF_INIT;
		diag_format_text(&dl->items[i], &b);
		printf("    %s\n", buf_cstr(&b));
		buf_free(&b);
	}
}

/* One spec case; prints the details and returns false when it fails. */
static bool run_case(const char *file, const json_t *tc)
{
	const char *name = json_string_value(json_object_get(tc, "name"));
	const json_t *jtpl = json_object_get(tc, "template");
	const json_t *jexp = json_object_get(tc, "expected");
	const json_t *jpartials = json_object_get(tc, "partials");
	diag_list_t diags = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	value_t *data = value_from_json(json_object_get(tc, "data"));
	mst_registry_t *reg = mst_registry_new(&diags);
	const char *pname;
	json_t *psrc;
	json_object_foreach((json_t *)jpartials, pname, psrc)
		mst_registry_add(reg, pname, NULL, json_string_value(psrc), json_string_length(psrc));

	bool ok = false;
	int rc = -2;
	mst_t *t = mst_parse(name, json_string_value(jtpl), json_string_length(jtpl), &diags);
	if (t)
		rc = mst_render(t, data, mst_registry_lookup, reg, &out, &diags);
	ok = rc == 0 && diags.len == 0 && out.len == json_string_length(jexp) &&
	     memcmp(buf_cstr(&out), json_string_value(jexp), out.len) == 0;
	if (!ok) {
		printf("  FAIL %s: \"%s\"%s\n", file, name,
		       !t ? " (parse error)" : rc ? " (render error)" : "");
		print_quoted("template:", json_string_value(jtpl), json_string_length(jtpl));
		json_object_foreach((json_t *)jpartials, pname, psrc) {
			char label[64];
			snprintf(label, sizeof label, "%s:", pname);
			print_quoted(label, json_string_value(psrc), json_string_length(psrc));
		}
		print_quoted("expected:", json_string_value(jexp), json_string_length(jexp));
		print_quoted("got:", buf_cstr(&out), out.len);
		print_diags(&diags);
	}
	mst_free(t);
	mst_registry_free(reg);
	value_free(data);
	buf_free(&out);
	diag_list_free(&diags);
	return ok;
}

static void run_spec(const char *module)
{
	char rel[64], path[4096];
	snprintf(rel, sizeof rel, "spec/mustache/%s.json", module);
	testdata_need(testdata_path(path, sizeof path, rel));
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!root)
		fail_msg("cannot load %s: %s", path, err.text);
	const json_t *tests = json_object_get(root, "tests");
	assert_non_null(tests);
	size_t passed = 0, total = json_array_size(tests);
	for (size_t i = 0; i < total; i++)
		passed += run_case(module, json_array_get(tests, i));
	printf("%s: %zu/%zu\n", module, passed, total);
	json_decref(root);
	assert_true(total > 0);
	assert_int_equal(passed, total);
}

static void test_spec_comments(void **state)
{
	run_spec("comments");
}

static void test_spec_delimiters(void **state)
{
	run_spec("delimiters");
}

static void test_spec_interpolation(void **state)
{
	run_spec("interpolation");
}

static void test_spec_inverted(void **state)
{
	run_spec("inverted");
}

static void test_spec_partials(void **state)
{
	run_spec("partials");
}

static void test_spec_sections(void **state)
{
	run_spec("sections");
}

static void test_spec_inheritance(void **state)
{
	run_spec("~inheritance");
}

static void test_spec_dynamic_names(void **state)
{
	run_spec("~dynamic-names");
}

static void test_spec_lambdas(void **state)
{
	printf("~lambdas: skipped: optional module; sobre's data tree holds no functions\n");
	skip();
}

/* ------------------------------------------------------------ own cases */

/* Render src (with partials given as name, source pairs, NULL-terminated)
 * against data; returns mst_render's result, -2 on a parse error. */
static int render_with(const char *src, const value_t *data, const char *const *partials,
		       buf_t *out, diag_list_t *diags)
{
	mst_registry_t *reg = mst_registry_new(diags);
	for (size_t i = 0; partials && partials[i]; i += 2)
		mst_registry_add(reg, partials[i], NULL, partials[i + 1], strlen(partials[i + 1]));
	int rc = -2;
	mst_t *t = mst_parse("test.mustache", src, strlen(src), diags);
	if (t)
		rc = mst_render(t, data, mst_registry_lookup, reg, out, diags);
	mst_free(t);
	mst_registry_free(reg);
	return rc;
}

static void expect_render(const char *src, const value_t *data, const char *const *partials,
			  const char *expected)
{
	buf_t out = BUF_INIT;
	diag_list_t diags = DIAG_LIST_INIT;
	int rc = render_with(src, data, partials, &out, &diags);
	if (rc != 0 || strcmp(buf_cstr(&out), expected) != 0) {
		print_quoted("template:", src, strlen(src));
		print_quoted("expected:", expected, strlen(expected));
		print_quoted("got:", buf_cstr(&out), out.len);
		print_diags(&diags);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(buf_cstr(&out), expected);
	assert_int_equal(diags.len, 0);
	buf_free(&out);
	diag_list_free(&diags);
}

static void expect_parse_error(const char *src, int line, int col, const char *msg_part)
{
	diag_list_t diags = DIAG_LIST_INIT;
	mst_t *t = mst_parse("page.mustache", src, strlen(src), &diags);
	if (t || diags.len != 1 || diags.items[0].line != line || diags.items[0].col != col ||
	    !strstr(diags.items[0].msg, msg_part)) {
		print_quoted("template:", src, strlen(src));
		printf("    expected %d:%d \"%s\"\n", line, col, msg_part);
		print_diags(&diags);
	}
	assert_null(t);
	assert_int_equal(diags.len, 1);
	assert_int_equal(diags.items[0].sev, DIAG_ERROR);
	assert_string_equal(diags.items[0].file, "page.mustache");
	assert_string_equal(diags.items[0].rule, "mustache-syntax");
	assert_int_equal(diags.items[0].line, line);
	assert_int_equal(diags.items[0].col, col);
	assert_non_null(strstr(diags.items[0].msg, msg_part));
	diag_list_free(&diags);
}

static void test_parse_errors(void **state)
{
	expect_parse_error("{{#a}}", 1, 1, "unclosed section '{{#a}}'");
	expect_parse_error("x\n  {{^a}}\n{{#b}}{{/b}}", 2, 3, "unclosed section '{{^a}}'");
	expect_parse_error("{{<layout}}{{$a}}x{{/a}}", 1, 1, "unclosed section '{{<layout}}'");
	expect_parse_error("x\n  {{#a}}\n{{/b}}", 3, 1, "'{{/b}}' does not match '{{#a}}' opened at 2:3");
	expect_parse_error("ok {{/a}}", 1, 4, "'{{/a}}' has no opening tag");
	expect_parse_error("ab {{name", 1, 4, "unclosed tag: '{{name' has no closing '}}'");
	expect_parse_error("{{{raw}}", 1, 1, "unclosed tag");
	expect_parse_error("{{=<% %>=}}\n<%a%>\n  <%b", 3, 3, "no closing '%>'");
	expect_parse_error("{{= x =}}", 1, 1, "bad delimiter tag");
	expect_parse_error("{{=<% %>}}", 1, 1, "no closing '=}}'");
	expect_parse_error("{{=a b c=}}", 1, 1, "bad delimiter tag");
	/* Columns count characters: "é" is two bytes but one column. */
	expect_parse_error("é {{}}", 1, 3, "empty tag name");
	expect_parse_error("{{#}}{{/}}", 1, 1, "empty tag name");
	expect_parse_error("{{first name}}", 1, 1, "white space");
}

/* With one-character delimiters, a sigil equal to the closing delimiter
 * starts the tag's name; it used to close the tag before its name (length
 * -1: a read past the template, found by fuzz_mustache). */
static void test_sigil_is_closing_delimiter(void **state)
{
	(void)state;
	value_t *data = value_map();
	value_map_set(data, "x", value_cstring("X"));
	static const char *const partials[] = {"x", "(partial)", NULL};
	expect_render("{{=% >=}}%>x>", data, partials, "(partial)");
	expect_render("{{=% >=}}%x>|%#x>s%/x>|%^x>i%/x>", data, partials, "X|s|");
	expect_render("{{=% !=}}%!x!|%x!", data, partials, "|X");
	expect_parse_error("{{=% >=}}%>>", 1, 10, "empty tag name");
	value_free(data);
}

/* items.0: lists take numeric keys of at most 9 digits (an index computed
 * from more could overflow); longer ones, and indexes past the end, name
 * nothing. */
static void test_list_index(void **state)
{
	(void)state;
	value_t *data = value_map();
	value_t *l = value_list();
	value_list_push(l, value_cstring("a"));
	value_list_push(l, value_cstring("b"));
	value_map_set(data, "l", l);
	expect_render("{{l.0}}{{l.1}}{{l.000000001}}|{{l.2}}|{{l.0000000001}}|{{l.99999999999999999999}}|{{l.x}}",
		      data, NULL, "abb||||");
	value_free(data);
}

static void test_nesting_limit(void **state)
{
	buf_t src = BUF_INIT;
	for (int i = 0; i < MST_MAX_SECTION_DEPTH; i++)
		buf_puts(&src, "{{#a}}");
	for (int i = 0; i < MST_MAX_SECTION_DEPTH; i++)
		buf_puts(&src, "{{/a}}");
	mst_t *t = mst_parse("deep", src.ptr, src.len, NULL);
	assert_non_null(t);
	mst_free(t);

	buf_reset(&src);
	for (int i = 0; i < 100000; i++)
		buf_puts(&src, "{{#a}}");
	diag_list_t diags = DIAG_LIST_INIT;
	t = mst_parse("deep", src.ptr, src.len, &diags);
	assert_null(t);
	assert_int_equal(diags.len, 1);
	assert_int_equal(diags.items[0].col, 6 * MST_MAX_SECTION_DEPTH + 1);
	assert_non_null(strstr(diags.items[0].msg, "nested deeper than 256"));
	diag_list_free(&diags);
	buf_free(&src);
}

static void expect_limit(const char *src, const value_t *data, const char *const *partials,
			 const char *msg_part)
{
	buf_t out = BUF_INIT;
	diag_list_t diags = DIAG_LIST_INIT;
	buf_puts(&out, "kept");
	int rc = render_with(src, data, partials, &out, &diags);
	if (rc != -1 || diags.len != 1 || !strstr(diags.items[0].msg, msg_part)) {
		print_quoted("template:", src, strlen(src));
		printf("    rc %d, expected -1 and \"%s\"\n", rc, msg_part);
		print_diags(&diags);
	}
	assert_int_equal(rc, -1);
	/* Failure leaves the output as it was. */
	assert_string_equal(buf_cstr(&out), "kept");
	assert_int_equal(diags.len, 1);
	assert_string_equal(diags.items[0].rule, "mustache-limit");
	assert_non_null(strstr(diags.items[0].msg, msg_part));
	buf_free(&out);
	diag_list_free(&diags);
}

static void test_recursion_limit(void **state)
{
	value_t *data = value_map();
	value_map_set(data, "t", value_bool(true));
	const char *self[] = {"self", "x{{>self}}", NULL};
	expect_limit("{{>self}}", data, self, "partials nested deeper than 64");
	const char *mutual[] = {"a", "{{>b}}", "b", "\n  {{>a}}\n", NULL};
	expect_limit("{{>a}}", data, mutual, "partials nested deeper than 64 at 'a'");
	const char *parent[] = {"layout", "{{<layout}}{{/layout}}", NULL};
	expect_limit("{{<layout}}{{$x}}y{{/x}}{{/layout}}", data, parent,
		     "partials nested deeper than 64");
	const char *dyn[] = {"node", "{{>*name}}", NULL};
	value_map_set(data, "name", value_cstring("node"));
	expect_limit("{{>*name}}", data, dyn, "partials nested deeper than 64");
	/* Sections inside a recursive partial: the C stack is bounded by the
	 * render depth before the partial depth is reached. */
	buf_t deep = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_puts(&deep, "{{#t}}");
	buf_puts(&deep, "{{>deep}}");
	for (int i = 0; i < 200; i++)
		buf_puts(&deep, "{{/t}}");
	const char *dp[] = {"deep", deep.ptr, NULL};
	expect_limit("{{>deep}}", data, dp, "templates nested deeper than 512");
	buf_free(&deep);
	value_free(data);

	/* Forty levels of data, each including the partial twice: within the
	 * depth limit, but 2^40 expansions that write nothing. */
	data = value_map();
	value_map_set(data, "c", value_bool(false));
	for (int i = 0; i < 40; i++) {
		value_t *up = value_map();
		value_map_set(up, "c", data);
		data = up;
	}
	const char *twice[] = {"x", "{{#c}}{{>x}}{{>x}}{{/c}}", NULL};
	expect_limit("{{>x}}", data, twice, "exceeded 16777216 steps");
	value_free(data);
}

static void test_step_budget(void **state)
{
	/* Seven sections over a 16-item list: 16^7 iterations, no output. */
	value_t *data = value_map();
	value_t *l = value_list();
	for (int i = 0; i < 16; i++)
		value_list_push(l, value_number(i));
	value_map_set(data, "l", l);
	expect_limit("{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
		     data, NULL, "steps");
	/* Two levels are fine: 256 iterations. */
	expect_render("{{#l}}{{#l}}{{/l}}{{/l}}.", data, NULL, ".");
	value_free(data);
}

static void test_output_limit(void **state)
{
	value_t *data = value_map();
	size_t n = (size_t)1 << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	value_map_set(data, "big", value_string(big, n));
	free(big);
	value_t *l = value_list();
	for (int i = 0; i < 80; i++)
		value_list_push(l, value_bool(true));
	value_map_set(data, "l", l);
	expect_limit("{{#l}}{{{big}}}{{/l}}", data, NULL, "output exceeded");
	value_free(data);
}

static void test_escaping(void **state)
{
	value_t *data = value_map();
	value_map_set(data, "x", value_cstring("<a href=\"/?a=1&b=2\">l'été</a>"));
	value_map_set(data, "n", value_number(1.5));
	value_map_set(data, "i", value_number(42));
	value_t *l = value_list();
	value_list_push(l, value_cstring("<b>"));
	value_list_push(l, value_number(2));
	value_map_set(data, "l", l);
	expect_render("{{x}}", data, NULL,
		      "&lt;a href=&quot;/?a=1&amp;b=2&quot;&gt;l&#39;été&lt;/a&gt;");
	expect_render("{{{x}}}|{{& x}}", data, NULL,
		      "<a href=\"/?a=1&b=2\">l'été</a>|<a href=\"/?a=1&b=2\">l'été</a>");
	expect_render("{{n}} {{i}} {{missing}}.", data, NULL, "1.5 42 .");
	expect_render("{{#l}}[{{.}}]{{/l}}", data, NULL, "[&lt;b&gt;][2]");
	/* Lists take numeric keys, as in JavaScript. */
	expect_render("{{l.0}}{{{l.0}}}{{l.1}}{{l.2}}", data, NULL, "&lt;b&gt;<b>2");
	/* With custom delimiters, the triple form follows them. */
	expect_render("{{=<% %>=}}<%{x}%>", data, NULL, "<a href=\"/?a=1&b=2\">l'été</a>");
	value_free(data);
}

static void test_indentation(void **state)
{
	value_t *data = value_map();
	value_map_set(data, "v", value_cstring("one\ntwo"));
	/* Blank lines of an indented partial get no trailing blanks; values
	 * are not re-indented. */
	const char *p[] = {"p", "a\n\n{{v}}\nb\n", NULL};
	expect_render("<div>\n  {{>p}}\n</div>\n", data, p, "<div>\n  a\n\n  one\ntwo\n  b\n</div>\n");
	/* An inline partial is pasted as is. */
	expect_render("<p>{{>p}}</p>", data, p, "<p>a\n\none\ntwo\nb\n</p>");
	value_free(data);
}

static const char *layout =
	"<!doctype html>\n"
	"<html lang=\"fr\">\n"
	"<head>\n"
	"  <title>{{$title}}Guide{{/title}}</title>\n"
	"</head>\n"
	"<body>\n"
	"  <main>\n"
	"    {{$content}}\n"
	"    <p>Vide.</p>\n"
	"    {{/content}}\n"
	"  </main>\n"
	"  {{>footer}}\n"
	"</body>\n"
	"</html>\n";

static void test_layout_inheritance(void **state)
{
	value_t *data = value_map();
	value_t *page = value_map();
	value_map_set(page, "title", value_cstring("Bonnes pratiques"));
	value_t *items = value_list();
	value_list_push(items, value_cstring("a & b"));
	value_list_push(items, value_cstring("c"));
	value_map_set(page, "items", items);
	value_map_set(data, "page", page);
	value_map_set(data, "version", value_cstring("2.1"));
	const char *partials[] = {"layout", layout,
				  "footer", "<footer>\n  v{{version}}\n</footer>\n", NULL};

	expect_render("{{<layout}}\n"
		      "{{$title}}{{page.title}} — Guide{{/title}}\n"
		      "{{$content}}\n"
		      "<h1>{{page.title}}</h1>\n"
		      "<ul>\n"
		      "  {{#page.items}}\n"
		      "  <li>{{.}}</li>\n"
		      "  {{/page.items}}\n"
		      "</ul>\n"
		      "{{/content}}\n"
		      "{{/layout}}\n",
		      data, partials,
		      "<!doctype html>\n"
		      "<html lang=\"fr\">\n"
		      "<head>\n"
		      "  <title>Bonnes pratiques — Guide</title>\n"
		      "</head>\n"
		      "<body>\n"
		      "  <main>\n"
		      "    <h1>Bonnes pratiques</h1>\n"
		      "    <ul>\n"
		      "      <li>a &amp; b</li>\n"
		      "      <li>c</li>\n"
		      "    </ul>\n"
		      "  </main>\n"
		      "  <footer>\n"
		      "    v2.1\n"
		      "  </footer>\n"
		      "</body>\n"
		      "</html>\n");

	/* Nothing overridden: the defaults, at their own indentation. */
	expect_render("{{<layout}}{{/layout}}\n", data, partials,
		      "<!doctype html>\n"
		      "<html lang=\"fr\">\n"
		      "<head>\n"
		      "  <title>Guide</title>\n"
		      "</head>\n"
		      "<body>\n"
		      "  <main>\n"
		      "    <p>Vide.</p>\n"
		      "  </main>\n"
		      "  <footer>\n"
		      "    v2.1\n"
		      "  </footer>\n"
		      "</body>\n"
		      "</html>\n");
	value_free(data);
}

static void test_block_indentation(void **state)
{
	/* The example of mustache/spec pull request 131: a block argument
	 * loses the indentation it was written with and takes the site's. */
	const char *parent[] = {"parent", "I say,\n  {{$block}}\n  Hi there!\n  {{/block}}", NULL};
	expect_render("{{<parent}}\n        {{$block}}\n        Hello\n        {{/block}}\n{{/parent}}",
		      NULL, parent, "I say,\n  Hello\n");
	expect_render("{{<parent}}{{/parent}}", NULL, parent, "I say,\n  Hi there!\n");
	/* Opening and closing tags alone on one line: later lines of the
	 * argument line up under the first. */
	const char *inline_site[] = {"parent", "<ul>\n  {{$items}}{{/items}}\n</ul>\n", NULL};
	expect_render("{{<parent}}{{$items}}\n<li>a</li>\n<li>b</li>{{/items}}{{/parent}}", NULL,
		      inline_site, "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
	/* A block inside an indented partial keeps the partial's indentation. */
	const char *nested[] = {"box", "<div>\n  {{$body}}\n  <p>default</p>\n  {{/body}}\n</div>\n",
				"page", "<main>\n  {{<box}}\n  {{$body}}\n  <p>one</p>\n  <p>two</p>\n  {{/body}}\n  {{/box}}\n</main>\n",
				NULL};
	expect_render("{{>page}}", NULL, nested,
		      "<main>\n  <div>\n    <p>one</p>\n    <p>two</p>\n  </div>\n</main>\n");
}

static void test_compile_once(void **state)
{
	/* One compiled template, many contexts; the template source may go. */
	char *src = strdup("{{#items}}{{name}};{{/items}}");
	mst_t *t = mst_parse("list", src, strlen(src), NULL);
	free(src);
	assert_non_null(t);
	assert_string_equal(mst_name(t), "list");
	for (int round = 0; round < 3; round++) {
		value_t *data = value_map();
		value_t *items = value_list();
		for (int i = 0; i <= round; i++) {
			value_t *it = value_map();
			value_map_set(it, "name", value_number(i));
			value_list_push(items, it);
		}
		value_map_set(data, "items", items);
		buf_t out = BUF_INIT;
		assert_int_equal(mst_render(t, data, NULL, NULL, &out, NULL), 0);
		const char *want[] = {"0;", "0;1;", "0;1;2;"};
		assert_string_equal(buf_cstr(&out), want[round]);
		buf_free(&out);
		value_free(data);
	}
	/* No context and no lookup: misses render as nothing. */
	buf_t out = BUF_INIT;
	const char *usrc = "a{{x}}{{>p}}{{#s}}no{{/s}}{{^s}}b{{/s}}";
	mst_t *u = mst_parse("u", usrc, strlen(usrc), NULL);
	assert_non_null(u);
	assert_int_equal(mst_render(u, NULL, NULL, NULL, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "ab");
	buf_free(&out);
	mst_free(u);
	mst_free(t);
}

static void test_registry(void **state)
{
	diag_list_t diags = DIAG_LIST_INIT;
	mst_registry_t *reg = mst_registry_new(&diags);
	mst_registry_add(reg, "bad", "theme/bad.mustache", "ok\n{{#x}}", 9);
	mst_registry_add(reg, "good", NULL, "old", 3);
	mst_registry_add(reg, "good", NULL, "good", 4);
	/* Enough names to make the table grow. */
	for (int i = 0; i < 200; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%d", i);
		mst_registry_add(reg, name, NULL, name, strlen(name));
	}
	assert_null(mst_registry_get(reg, "missing", 7));
	assert_null(mst_registry_get(reg, "bad", 3));
	assert_null(mst_registry_get(reg, "bad", 3));
	/* The syntax error is reported once, against the file name. */
	assert_int_equal(diags.len, 1);
	assert_string_equal(diags.items[0].file, "theme/bad.mustache");
	assert_int_equal(diags.items[0].line, 2);
	assert_int_equal(diags.items[0].col, 1);
	const mst_t *g = mst_registry_get(reg, "good", 4);
	assert_non_null(g);
	assert_ptr_equal(g, mst_registry_get(reg, "good", 4));
	buf_t out = BUF_INIT;
	assert_int_equal(mst_render(g, NULL, NULL, NULL, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "good");
	buf_reset(&out);
	const mst_t *p = mst_registry_get(reg, "p137", 4);
	assert_non_null(p);
	assert_int_equal(mst_render(p, NULL, NULL, NULL, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "p137");
	buf_free(&out);
	mst_registry_free(reg);
	diag_list_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_comments),
		cmocka_unit_test(test_spec_delimiters),
		cmocka_unit_test(test_spec_interpolation),
		cmocka_unit_test(test_spec_inverted),
		cmocka_unit_test(test_spec_partials),
		cmocka_unit_test(test_spec_sections),
		cmocka_unit_test(test_spec_inheritance),
		cmocka_unit_test(test_spec_dynamic_names),
		cmocka_unit_test(test_spec_lambdas),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_sigil_is_closing_delimiter),
		cmocka_unit_test(test_list_index),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_recursion_limit),
		cmocka_unit_test(test_step_budget),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_indentation),
		cmocka_unit_test(test_layout_inheritance),
		cmocka_unit_test(test_block_indentation),
		cmocka_unit_test(test_compile_once),
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
