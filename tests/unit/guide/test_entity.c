/* Tests for guide/entity: named references (the ends of the sorted table,
 * case, unknown names), numeric ones (decimal, hex, the code points HTML
 * forbids, too many digits) and malformed ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "guide/entity.h"
#include "util/buf.h"

#define FFFD "\xEF\xBF\xBD"

/* want NULL: not a reference entity_decode knows, out left alone. */
static void check(const char *in, const char *want)
{
	buf_t out = BUF_INIT;
	buf_puts(&out, "<");
	bool ok = entity_decode(in, strlen(in), &out);
	if (!want) {
		if (ok || out.len != 1)
			fail_msg("\"%s\" decoded as \"%s\"", in, buf_cstr(&out) + 1);
	} else if (!ok || strcmp(buf_cstr(&out) + 1, want)) {
		fail_msg("\"%s\": want \"%s\", got \"%s\"", in, want, ok ? buf_cstr(&out) + 1 : "(none)");
	}
	buf_free(&out);
}

static void test_named(void **state)
{
	(void)state;
	check("&amp;", "&");
	check("&lt;", "<");
	check("&quot;", "\"");
	check("&apos;", "'");
	check("&nbsp;", "\xC2\xA0");
	check("&eacute;", "\xC3\xA9");
	check("&Eacute;", "\xC3\x89");
	check("&laquo;", "\xC2\xAB");
	check("&raquo;", "\xC2\xBB");
	check("&rsquo;", "\xE2\x80\x99");
	check("&hellip;", "\xE2\x80\xA6");
	check("&euro;", "\xE2\x82\xAC");
	check("&oelig;", "\xC5\x93");
	/* the first and last names of the table: it is searched by bisection */
	check("&AElig;", "\xC3\x86");
	check("&zwnj;", "\xE2\x80\x8C");
	/* names are case-sensitive; HTML 5-only names are not known */
	check("&AMP;", NULL);
	check("&Amp;", NULL);
	check("&nope;", NULL);
	check("&NotEqualTilde;", NULL);
	check("&a;", NULL);
	check("&amp", NULL);
	check("amp;", NULL);
	check("&;", NULL);
}

static void test_numeric(void **state)
{
	(void)state;
	check("&#65;", "A");
	check("&#233;", "\xC3\xA9");
	check("&#xE9;", "\xC3\xA9");
	check("&#Xe9;", "\xC3\xA9");
	check("&#x1F600;", "\xF0\x9F\x98\x80");
	check("&#0000065;", "A");    /* 7 decimal digits */
	check("&#x00000E9;", NULL);  /* 7 hex digits: too many */
	check("&#12345678;", NULL);  /* 8 decimal digits */
	/* what HTML forbids becomes U+FFFD */
	check("&#0;", FFFD);
	check("&#8;", FFFD);
	check("&#x0B;", FFFD);
	check("&#127;", FFFD);
	check("&#x9F;", FFFD);
	check("&#xD800;", FFFD);
	check("&#xFDD0;", FFFD);
	check("&#xFFFE;", FFFD);
	check("&#x1FFFF;", FFFD);
	check("&#x110000;", FFFD);
	check("&#9;", "\t");
	check("&#xA0;", "\xC2\xA0");
	/* malformed */
	check("&#;", NULL);
	check("&#x;", NULL);
	check("&#12a;", NULL);
	check("&#xG1;", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_numeric),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
