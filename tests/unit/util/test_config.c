/* Tests for util/config: the settings file (every value type, quoting and
 * escapes, comments), every error with its position, rule and hint, and the
 * limits at and over. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/config.h"
#include "util/xalloc.h"

static const config_key_t keys[] = {
	{"port", CONFIG_INT, 0, 65535, "8080", 'p'},
	{"bind", CONFIG_STRING, 0, 0, "127.0.0.1", 'b'},
	{"db", CONFIG_PATH, 0, 0, "sobre.db", 'D'},
	{"secure", CONFIG_BOOL, 0, 0, "false", 'S'},
	{"base_url", CONFIG_STRING, 0, 0, NULL, 'u'},
};
enum { NK = sizeof keys / sizeof keys[0] };

typedef struct {
	config_value_t v[NK];
	diag_list_t d;
	size_t errors;
} run_t;

static void parse(run_t *r, const char *src)
{
	memset(r, 0, sizeof *r);
	config_values_init(keys, NK, r->v);
	r->errors = config_parse("s.conf", src, strlen(src), keys, NK, r->v, &r->d);
}

static void done(run_t *r)
{
	config_values_free(r->v, NK);
	diag_list_free(&r->d);
}

/* The one error of r, at line:col with rule. */
static const diag_t *only_error(const run_t *r, int line, int col, const char *rule)
{
	assert_int_equal(r->errors, 1);
	assert_int_equal(r->d.len, 1);
	const diag_t *e = &r->d.items[0];
	assert_string_equal(e->file, "s.conf");
	assert_int_equal(e->line, line);
	assert_int_equal(e->col, col);
	assert_string_equal(e->rule, rule);
	assert_non_null(e->hint);
	return e;
}

static void test_defaults_kept(void **state)
{
	(void)state;
	run_t r;
	parse(&r, "");
	assert_int_equal(r.errors, 0);
	assert_string_equal(r.v[0].value, "8080");
	assert_int_equal(r.v[0].source, CONFIG_FROM_DEFAULT);
	assert_null(r.v[4].value);
	done(&r);
}

static void test_every_type(void **state)
{
	(void)state;
	run_t r;
	parse(&r, "# a comment\n\n  port = 0080\nbind=0.0.0.0\ndb =  /var/lib/sobre/sobre.db  \nsecure = YES\r\n"
		  "base_url = https://x.fr/#top # the # after a blank is a comment\n");
	assert_int_equal(r.errors, 0);
	assert_string_equal(r.v[0].value, "80");
	assert_int_equal(r.v[0].source, CONFIG_FROM_FILE);
	assert_int_equal(r.v[0].line, 3);
	assert_string_equal(r.v[1].value, "0.0.0.0");
	assert_string_equal(r.v[2].value, "/var/lib/sobre/sobre.db");
	assert_string_equal(r.v[3].value, "true");
	assert_int_equal(r.v[3].line, 6);
	assert_string_equal(r.v[4].value, "https://x.fr/#top");
	done(&r);
	static const char *const bools[][2] = {{"true", "true"}, {"on", "true"}, {"yes", "true"},
					       {"false", "false"}, {"Off", "false"}, {"no", "false"}};
	for (size_t i = 0; i < 6; i++) {
		char src[64];
		snprintf(src, sizeof src, "secure = %s", bools[i][0]); /* no final line break either */
		parse(&r, src);
		assert_int_equal(r.errors, 0);
		assert_string_equal(r.v[3].value, bools[i][1]);
		done(&r);
	}
}

static void test_quoting(void **state)
{
	(void)state;
	run_t r;
	parse(&r, "bind = \"\"\nbase_url = \"a \\\"b\\\" \\\\ # c\"   # comment\n");
	assert_int_equal(r.errors, 0);
	assert_string_equal(r.v[1].value, "");
	assert_string_equal(r.v[4].value, "a \"b\" \\ # c");
	done(&r);
	/* An empty unquoted value is an empty string, and not a path. */
	parse(&r, "bind =\n");
	assert_int_equal(r.errors, 0);
	assert_string_equal(r.v[1].value, "");
	done(&r);
	parse(&r, "db = \"\"\n");
	only_error(&r, 1, 6, "config-bad-value");
	done(&r);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	run_t r;
	parse(&r, "\n  Port = 1\n");
	only_error(&r, 2, 3, "config-syntax");
	done(&r);
	parse(&r, "port 1\n");
	assert_string_equal(only_error(&r, 1, 6, "config-syntax")->msg, "expected '=' after the key 'port'");
	done(&r);
	parse(&r, "bind = \"abc\n");
	assert_string_equal(only_error(&r, 1, 8, "config-syntax")->msg, "the quote is not closed");
	done(&r);
	parse(&r, "bind = \"a\\nb\"\n");
	assert_string_equal(only_error(&r, 1, 10, "config-syntax")->msg, "unknown escape in a quoted value");
	done(&r);
	parse(&r, "bind = \"a\" b\n");
	assert_string_equal(only_error(&r, 1, 12, "config-syntax")->msg, "text after the closing quote");
	done(&r);
	/* strlen would stop at the NUL: the length is given by hand. */
	memset(&r, 0, sizeof r);
	config_values_init(keys, NK, r.v);
	r.errors = config_parse("s.conf", "bind = a\0b\n", 11, keys, NK, r.v, &r.d);
	only_error(&r, 1, 9, "config-syntax");
	assert_string_equal(r.v[1].value, "127.0.0.1");
	done(&r);
}

static void test_key_errors(void **state)
{
	(void)state;
	run_t r;
	parse(&r, "prot = 1\n");
	const diag_t *e = only_error(&r, 1, 1, "config-unknown-key");
	assert_string_equal(e->msg, "unknown key 'prot'");
	assert_string_equal(e->hint, "did you mean 'port'?");
	done(&r);
	parse(&r, "zzzzzzzzzz = 1\n");
	assert_null(strstr(only_error(&r, 1, 1, "config-unknown-key")->hint, "did you mean"));
	done(&r);
	parse(&r, "port = 1\n# again\n port = 2\n");
	e = only_error(&r, 3, 2, "config-duplicate-key");
	assert_string_equal(e->hint, "it was first set on line 1; keep one of the two");
	assert_string_equal(r.v[0].value, "1"); /* the first one stays */
	done(&r);
	/* Even when the first one was wrong. */
	parse(&r, "port = x\nport = 2\n");
	assert_int_equal(r.errors, 2);
	assert_string_equal(r.d.items[1].rule, "config-duplicate-key");
	assert_int_equal(r.d.items[1].line, 2);
	assert_string_equal(r.v[0].value, "8080");
	done(&r);
	parse(&r, "trust-proxy = on\n");
	assert_string_equal(only_error(&r, 1, 6, "config-syntax")->hint, "keys join words with _ where the options have -");
	done(&r);
}

static void test_bad_values(void **state)
{
	(void)state;
	static const char *const bad[] = {"port = 65536", "port = -1", "port = 1e3", "port = 0x50", "port = +8",
					  "port = \"\"", "port = 1234567890123456789", "secure = 1", "secure = vrai"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run_t r;
		parse(&r, bad[i]);
		const diag_t *e = only_error(&r, 1, bad[i][0] == 'p' ? 8 : 10, "config-bad-value");
		assert_non_null(strstr(e->hint, bad[i][0] == 'p' ? "a whole number from 0 to 65535" : "true or false"));
		done(&r);
	}
	run_t r;
	parse(&r, "port = 65535\n");
	assert_int_equal(r.errors, 0);
	assert_string_equal(r.v[0].value, "65535");
	done(&r);
}

static void test_several_errors(void **state)
{
	(void)state;
	run_t r;
	parse(&r, "port = x\nbind = 0.0.0.0\nsecur = on\nbind = ::\n");
	assert_int_equal(r.errors, 3);
	assert_int_equal(r.d.items[0].line, 1);
	assert_int_equal(r.d.items[1].line, 3);
	assert_int_equal(r.d.items[2].line, 4);
	assert_string_equal(r.v[1].value, "0.0.0.0");
	done(&r);
}

static void test_line_limit(void **state)
{
	(void)state;
	char *src = xmalloc(CONFIG_MAX_LINE + 16);
	/* At the limit: "bind = " and a value filling the line. */
	memcpy(src, "bind = ", 7);
	memset(src + 7, 'a', CONFIG_MAX_LINE - 7);
	src[CONFIG_MAX_LINE] = '\0';
	run_t r;
	parse(&r, src);
	assert_int_equal(r.errors, 0);
	assert_int_equal(strlen(r.v[1].value), CONFIG_MAX_LINE - 7);
	done(&r);
	/* One over, on line 2. */
	src[0] = '\n';
	memcpy(src + 1, "bind = ", 7);
	memset(src + 8, 'a', CONFIG_MAX_LINE - 6);
	src[CONFIG_MAX_LINE + 2] = '\n';
	src[CONFIG_MAX_LINE + 3] = '\0';
	parse(&r, src);
	only_error(&r, 2, CONFIG_MAX_LINE + 1, "config-line-too-long");
	assert_string_equal(r.v[1].value, "127.0.0.1");
	done(&r);
	free(src);
}

static void test_file_limit(void **state)
{
	(void)state;
	/* At the limit: comment lines only. */
	char *src = xmalloc(CONFIG_MAX_FILE + 2);
	for (size_t i = 0; i < CONFIG_MAX_FILE + 1; i++)
		src[i] = i % 64 == 63 ? '\n' : '#';
	run_t r;
	memset(&r, 0, sizeof r);
	config_values_init(keys, NK, r.v);
	assert_int_equal(config_parse("s.conf", src, CONFIG_MAX_FILE, keys, NK, r.v, &r.d), 0);
	done(&r);
	memset(&r, 0, sizeof r);
	config_values_init(keys, NK, r.v);
	r.errors = config_parse("s.conf", src, CONFIG_MAX_FILE + 1, keys, NK, r.v, &r.d);
	only_error(&r, 0, 0, "config-too-large");
	done(&r);
	free(src);
}

static void test_check_value_and_source(void **state)
{
	(void)state;
	char *norm = NULL;
	buf_t why = BUF_INIT;
	assert_true(config_check_value(&keys[0], "0", &norm, &why));
	assert_string_equal(norm, "0");
	free(norm);
	assert_false(config_check_value(&keys[0], "", &norm, &why));
	assert_null(norm);
	assert_string_equal(buf_cstr(&why), "a whole number from 0 to 65535");
	config_value_t v = {NULL, CONFIG_FROM_DEFAULT, 0};
	config_set(&v, "1", CONFIG_FROM_ENV, 0);
	config_describe_source(&keys[4], &v, "s.conf", "SOBRE_", &why);
	assert_string_equal(buf_cstr(&why), "env SOBRE_BASE_URL");
	config_set(&v, "2", CONFIG_FROM_OPTION, 0);
	config_describe_source(&keys[4], &v, "s.conf", "SOBRE_", &why);
	assert_string_equal(buf_cstr(&why), "option --base-url");
	config_set(&v, "3", CONFIG_FROM_FILE, 7);
	config_describe_source(&keys[4], &v, "s.conf", "SOBRE_", &why);
	assert_string_equal(buf_cstr(&why), "s.conf:7");
	assert_string_equal(v.value, "3");
	config_values_free(&v, 1);
	buf_free(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_kept),
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_several_errors),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_check_value_and_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
