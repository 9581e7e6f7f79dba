/* Tests for guide/imgsrc: finding <img> tags (case, quoting, attributes
 * before src, look-alike tags, a tag cut by the end of the text) and
 * writing HTML without the images refused, their alt text left. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "guide/imgsrc.h"
#include "util/buf.h"

/* The src of the tags of html, "|"-separated, "-" for a tag without one. */
static void srcs(const char *html, const char *want)
{
	buf_t got = BUF_INIT;
	imgsrc_tag_t t;
	size_t n = strlen(html);
	for (size_t at = 0; imgsrc_next(html, n, at, &t); at = t.end) {
		if (got.len)
			buf_putc(&got, '|');
		if (t.has_src)
			buf_put(&got, html + t.src, t.src_len);
		else
			buf_putc(&got, '-');
		assert_true(t.start < t.end && t.end <= n);
	}
	if (strcmp(buf_cstr(&got), want))
		fail_msg("%s: want \"%s\", got \"%s\"", html, want, buf_cstr(&got));
	buf_free(&got);
}

static void test_find(void **state)
{
	(void)state;
	srcs("", "");
	srcs("<p>no image</p>", "");
	srcs("<img src=\"a.png\" alt=\"A\">", "a.png");
	srcs("<IMG SRC='b.png'>", "b.png");
	srcs("<img alt=\"x > y\" src=c.png>", "c.png");
	srcs("<img\tclass=\"w\"\nsrc = \"d.png\"/>", "d.png");
	srcs("<imgx src=\"no.png\"><image src=\"no.png\">", "");
	srcs("<img alt=\"\"><img src=\"\">", "-|");
	srcs("<p><img src=\"e.png\"> and <img src=\"f.png\"></p>", "e.png|f.png");
	srcs("<img src=\"g.png\" src=\"h.png\">", "g.png");
	srcs("text <img src=\"cut", "cut");
	srcs("<img", "-");
}

static bool keep_png(const char *src, size_t len, void *ud)
{
	(*(int *)ud)++;
	return len >= 4 && strcmp(src + len - 4, ".png") == 0;
}

static void strip(const char *html, const char *want, size_t dropped)
{
	buf_t out = BUF_INIT;
	int calls = 0;
	size_t n = imgsrc_strip(html, strlen(html), keep_png, &calls, &out);
	if (strcmp(buf_cstr(&out), want) || n != dropped)
		fail_msg("%s: want \"%s\" (%zu dropped), got \"%s\" (%zu)", html, want, dropped, buf_cstr(&out), n);
	buf_free(&out);
}

static void test_strip(void **state)
{
	(void)state;
	strip("<p>plain</p>", "<p>plain</p>", 0);
	strip("<p><img src=\"a.png\" alt=\"A\"></p>", "<p><img src=\"a.png\" alt=\"A\"></p>", 0);
	strip("<p><img src=\"a.webp\" alt=\"Une &quot;vue&quot;\"> !</p>", "<p>Une &quot;vue&quot; !</p>", 1);
	strip("<img alt='a<b' src=x.svg>", "a&lt;b", 1);
	strip("<img src=\"x.svg\"><img src=\"y.png\"><img src=\"z.gif\" alt=\"\">", "<img src=\"y.png\">", 2);
	/* a tag without src asks for nothing: kept */
	strip("<img alt=\"none\">", "<img alt=\"none\">", 0);
	/* the value as the browser reads it: references decoded before keep
	 * sees it */
	strip("<img src=\"a&#46;png\">", "<img src=\"a&#46;png\">", 0);
}

static void test_value(void **state)
{
	(void)state;
	buf_t out = BUF_INIT;
	const char *v = "/a&amp;b&eacute;&bogus;&#x41;&";
	imgsrc_value(v, strlen(v), &out);
	assert_string_equal(buf_cstr(&out), "/a&b\xC3\xA9&bogus;A&");
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
