/* Tests for guide/mdurl: link destinations as markdown-it writes them
 * (percent-encoding, the text shown for a URL with its escapes decoded,
 * including the U+FFFD of escaped bytes that are not UTF-8), the schemes it
 * refuses, and the test for a URL of another host. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "guide/mdurl.h"
#include "util/buf.h"

#define FFFD "\xEF\xBF\xBD"

static void check_encode(const char *in, const char *want)
{
	buf_t out = BUF_INIT;
	mdurl_encode(&out, in, strlen(in));
	assert_string_equal(buf_cstr(&out), want);
	buf_free(&out);
}

static void check_decode(const char *in, const char *want)
{
	buf_t out = BUF_INIT;
	mdurl_decode_text(&out, in, strlen(in));
	assert_string_equal(buf_cstr(&out), want);
	buf_free(&out);
}

static void test_encode(void **state)
{
	(void)state;
	check_encode("/caf\xC3\xA9/a b%20c", "/caf%C3%A9/a%20b%20c");
	check_encode("https://ex.fr/a?b=1&c=d#e;f,g+h$i!j~k*l'm(n)o@p", "https://ex.fr/a?b=1&c=d#e;f,g+h$i!j~k*l'm(n)o@p");
	check_encode("a\"b<c>d\\e^f`g{h}i|j", "a%22b%3Cc%3Ed%5Ce%5Ef%60g%7Bh%7Di%7Cj");
	/* escapes already there are kept, a lone % is escaped */
	check_encode("%C3%a9 % %G1 a%2", "%C3%a9%20%25%20%25G1%20a%252");
	check_encode("\xF0\x9F\x98\x80", "%F0%9F%98%80");
	/* a byte that is not UTF-8: U+FFFD, as JavaScript read it */
	check_encode("a\xFF" "b\xC3", "a%EF%BF%BDb%EF%BF%BD");
}

static void test_decode_text(void **state)
{
	(void)state;
	check_decode("https://ex.fr/%C3%A9t%C3%A9", "https://ex.fr/\xC3\xA9t\xC3\xA9");
	check_decode("a%20b%41%e2%82%ac", "a bA\xE2\x82\xAC");
	/* the escapes of ;/?:@&=+$,# and % stay, in upper case */
	check_decode("%3b%2F%3F%3A%40%26%3D%2B%24%2C%23%25", "%3B%2F%3F%3A%40%26%3D%2B%24%2C%23%25");
	check_decode("% %G1 a%2 %", "% %G1 a%2 %");
	check_decode("%F0%9F%98%80", "\xF0\x9F\x98\x80");
	/* not UTF-8: one U+FFFD per escaped byte, what follows read afresh */
	check_decode("%C0%AF", FFFD FFFD);              /* overlong */
	check_decode("%E0%80%80", FFFD FFFD FFFD);      /* overlong */
	check_decode("%ED%A0%80", FFFD FFFD FFFD);      /* surrogate */
	check_decode("%F4%90%80%80", FFFD FFFD FFFD FFFD); /* beyond U+10FFFF */
	check_decode("%F5%80%80%80", FFFD FFFD FFFD FFFD);
	check_decode("%E2%82%41", FFFD FFFD "A");       /* cut short */
	check_decode("%E2%82", FFFD FFFD);
	check_decode("%E2%82x", FFFD FFFD "x");
	check_decode("%C3%A9%80", "\xC3\xA9" FFFD);
	check_decode("%e9t%C3%A9", FFFD "t\xC3\xA9");
}

static void test_valid(void **state)
{
	(void)state;
	static const char *const ok[] = {"https://ex.fr", "/a", "mailto:a@b.fr", "data:image/png;base64,AA",
					 "DATA:IMAGE/WEBP;x", "data:image/gif;", "data:image/jpeg;", "javascript", "#x", ""};
	static const char *const bad[] = {"javascript:alert(1)", " JavaScript:x", "\tvbscript:x", "file:///etc/passwd",
					  "data:text/html,x", "data:image/svg+xml,x", "data:"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!mdurl_valid(ok[i], strlen(ok[i])))
			fail_msg("refused \"%s\"", ok[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (mdurl_valid(bad[i], strlen(bad[i])))
			fail_msg("accepted \"%s\"", bad[i]);
}

static void test_remote(void **state)
{
	(void)state;
	static const char *const remote[] = {"https://h/p", "HTTP://h", "//h/p", "data:image/png;x", "ftp+x.y-z://h",
					     "mailto:a@b.fr", "x:"};
	static const char *const local[] = {"/a/p.png", "p.png", "../p.png", "?p", "#x", "a/b:c", "1http://x",
					    "%20//h", "/", ""};
	for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++)
		if (!mdurl_remote(remote[i], strlen(remote[i])))
			fail_msg("\"%s\" is remote", remote[i]);
	for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
		if (mdurl_remote(local[i], strlen(local[i])))
			fail_msg("\"%s\" is local", local[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode_text),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_remote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
