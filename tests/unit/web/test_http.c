/* Tests for web/http: percent-decoding, url-encoded forms and query strings,
 * cookies, safe paths and their limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/http.h"

static void test_decode(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	assert_int_equal(http_decode("a%20b+c", 7, true, &b), 0);
	assert_string_equal(buf_cstr(&b), "a b c");
	buf_reset(&b);
	assert_int_equal(http_decode("a+b", 3, false, &b), 0);
	assert_string_equal(buf_cstr(&b), "a+b");
	buf_reset(&b);
	assert_int_equal(http_decode("%C3%A9t%C3%A9", 13, false, &b), 0);
	assert_string_equal(buf_cstr(&b), "été");
	/* bad escapes, NUL and invalid UTF-8 are refused */
	const char *bad[] = {"%", "%4", "%zz", "a%00b", "%C3", "%FF"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_reset(&b);
		assert_int_equal(http_decode(bad[i], strlen(bad[i]), false, &b), -1);
	}
	buf_free(&b);
}

static void test_urlencoded(void **state)
{
	(void)state;
	http_params_t p = {0};
	const char *q = "priority=Prioritaire&who=Direction+des+achats&empty=&flag&&x=%26";
	assert_int_equal(http_parse_urlencoded(q, strlen(q), &p), 0);
	assert_int_equal(p.len, 5);
	assert_string_equal(http_param(&p, "priority"), "Prioritaire");
	assert_string_equal(http_param(&p, "who"), "Direction des achats");
	assert_string_equal(http_param(&p, "empty"), "");
	assert_string_equal(http_param(&p, "flag"), "");
	assert_string_equal(http_param(&p, "x"), "&");
	assert_null(http_param(&p, "nope"));
	http_params_free(&p);

	assert_int_equal(http_parse_urlencoded("a=%zz", 5, &p), -1);
	http_params_free(&p);

	/* what macOS may send: "e" + U+0301, percent-encoded; read as "é" */
	q = "pilot=Direction+ge%CC%81ne%CC%81rale&comment=De%CC%81ja%CC%80+fait&cle%CC%81=1";
	assert_int_equal(http_parse_urlencoded(q, strlen(q), &p), 0);
	assert_string_equal(http_param(&p, "pilot"), "Direction g\xC3\xA9n\xC3\xA9rale");
	assert_string_equal(http_param(&p, "comment"), "D\xC3\xA9j\xC3\xA0 fait");
	assert_string_equal(http_param(&p, "cl\xC3\xA9"), "1");
	http_params_free(&p);
	/* the query string's parameters, which libmicrohttpd decodes itself */
	http_params_add_text(&p, "who", 3, "ge\xCC\x81ne\xCC\x81ral", 11);
	assert_string_equal(http_param(&p, "who"), "g\xC3\xA9n\xC3\xA9ral");
	http_params_free(&p);
}

static void test_param_limit(void **state)
{
	(void)state;
	buf_t q = BUF_INIT;
	http_params_t p = {0};
	for (int i = 0; i < HTTP_MAX_PARAMS; i++)
		buf_printf(&q, "k%d=v&", i);
	assert_int_equal(http_parse_urlencoded(q.ptr, q.len, &p), 0);
	assert_int_equal(p.len, HTTP_MAX_PARAMS);
	http_params_free(&p);
	buf_printf(&q, "k%d=v&", HTTP_MAX_PARAMS);
	assert_int_equal(http_parse_urlencoded(q.ptr, q.len, &p), -1);
	assert_int_equal(p.len, HTTP_MAX_PARAMS);
	http_params_free(&p);
	buf_free(&q);
}

static void test_media_type(void **state)
{
	(void)state;
	const char *form = "application/x-www-form-urlencoded";
	assert_true(http_media_type_is(form, form));
	assert_true(http_media_type_is("Application/X-WWW-Form-Urlencoded", form));
	assert_true(http_media_type_is("application/x-www-form-urlencoded; charset=UTF-8", form));
	assert_true(http_media_type_is(" application/x-www-form-urlencoded ;charset=utf-8", form));
	assert_false(http_media_type_is("application/x-www-form-urlencodedXYZ", form));
	assert_false(http_media_type_is("application/x-www-form", form));
	assert_false(http_media_type_is("multipart/form-data; boundary=x", form));
	assert_false(http_media_type_is("", form));
	assert_false(http_media_type_is(NULL, form));
}

static void test_forwarded_client(void **state)
{
	(void)state;
	char a[64];
	assert_true(http_forwarded_client("203.0.113.7", a, sizeof a));
	assert_string_equal(a, "203.0.113.7");
	/* The last entry is the one the proxy appended; the first ones are the client's word. */
	assert_true(http_forwarded_client("1.2.3.4, 10.0.0.1,  203.0.113.9 ", a, sizeof a));
	assert_string_equal(a, "203.0.113.9");
	assert_true(http_forwarded_client("2001:db8::1", a, sizeof a));
	assert_string_equal(a, "2001:db8::1");
	static const char *const bad[] = {"", " ", "1.2.3.4,", "unknown", "203.0.113.7:8080", "[2001:db8::1]",
					  "1.2.3.4, evil\r\nX: y", "999.1.1.1"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(http_forwarded_client(bad[i], a, sizeof a));
	assert_false(http_forwarded_client(NULL, a, sizeof a));
	assert_false(http_forwarded_client("203.0.113.7", a, 8)); /* does not fit */
}

static void test_cookies(void **state)
{
	(void)state;
	http_params_t p = {0};
	const char *c = "sobre_session=abc123; theme=\"dark\";other=1";
	assert_int_equal(http_parse_cookies(c, strlen(c), &p), 0);
	assert_string_equal(http_param(&p, "sobre_session"), "abc123");
	assert_string_equal(http_param(&p, "theme"), "dark");
	assert_string_equal(http_param(&p, "other"), "1");
	http_params_free(&p);
	/* A malformed pair is skipped, and the cookies after it are kept. */
	assert_int_equal(http_parse_cookies("novalue", 7, &p), 1);
	assert_int_equal(p.len, 0);
	http_params_free(&p);
	const char *mixed = "other_app_flag; sobre_session=abc; x=b\x01; y=2";
	assert_int_equal(http_parse_cookies(mixed, strlen(mixed), &p), 2);
	assert_int_equal(p.len, 2);
	assert_string_equal(http_param(&p, "sobre_session"), "abc");
	assert_string_equal(http_param(&p, "y"), "2");
	assert_null(http_param(&p, "x"));
	http_params_free(&p);
	/* Also at the end of a quoted value or after spaces before '=', which
	 * the check once missed (fuzz regression cookie-control-byte-unchecked),
	 * NUL included. */
	const char *ctl[] = {"a=\"\x01\"", "a =\x01", "a  =  \"x\x1f\"", "a=\"\r\n\""};
	for (size_t i = 0; i < sizeof ctl / sizeof *ctl; i++) {
		assert_int_equal(http_parse_cookies(ctl[i], strlen(ctl[i]), &p), 1);
		assert_int_equal(p.len, 0);
		http_params_free(&p);
	}
	assert_int_equal(http_parse_cookies("a=\"\0\"", 5, &p), 1);
	assert_int_equal(p.len, 0);
	http_params_free(&p);
	const char *tabs = "a =\"x\ty\" ; b\t=1";
	assert_int_equal(http_parse_cookies(tabs, strlen(tabs), &p), 0);
	assert_string_equal(http_param(&p, "a"), "x\ty");
	assert_string_equal(http_param(&p, "b\t"), "1");
	http_params_free(&p);
}

static void test_clean_path(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	assert_int_equal(http_clean_path("/a//b/", 6, false, &b), 0);
	assert_string_equal(buf_cstr(&b), "/a/b/");
	assert_int_equal(http_clean_path("/a/b", 4, false, &b), 0);
	assert_string_equal(buf_cstr(&b), "/a/b");
	assert_int_equal(http_clean_path("/", 1, false, &b), 0);
	assert_string_equal(buf_cstr(&b), "/");
	assert_int_equal(http_clean_path("/pass%C3%A9/", 12, true, &b), 0);
	assert_string_equal(buf_cstr(&b), "/passé/");
	const char *bad[] = {"", "a/b", "/../etc/passwd", "/a/../b", "/a/./b", "/a\\b", "/%2e%2e/x"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(http_clean_path(bad[i], strlen(bad[i]), true, &b), -1);
	assert_int_equal(http_clean_path("/a\0b", 4, false, &b), -1);
	buf_free(&b);
}

static void test_encode(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	http_encode("Direction générale & co", strlen("Direction générale & co"), &b);
	assert_string_equal(buf_cstr(&b), "Direction%20g%C3%A9n%C3%A9rale%20%26%20co");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_urlencoded),
		cmocka_unit_test(test_param_limit),
		cmocka_unit_test(test_media_type),
		cmocka_unit_test(test_forwarded_client),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_clean_path),
		cmocka_unit_test(test_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
