/* Tests for util/buf: growth, formatted appends (short and long), HTML
 * escaping, detach, truncate, reset, and the empty buffer's C string. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void test_empty_cstr(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	assert_non_null(buf_cstr(&b));
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	buf_free(&b);
	/* a zeroed buffer is valid too */
	buf_t z;
	memset(&z, 0, sizeof z);
	assert_string_equal(buf_cstr(&z), "");
	buf_truncate(&z, 10);
	buf_reset(&z);
	assert_string_equal(buf_cstr(&z), "");
	buf_free(&z);
}

static void test_put_empty_allocates_terminator(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_put(&b, "", 0);
	assert_non_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	buf_free(&b);
}

static void test_growth(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	for (int i = 0; i < 10000; i++) {
		buf_putc(&b, (char)('a' + i % 26));
		assert_true(b.cap > b.len);
		assert_int_equal(b.ptr[b.len], '\0');
	}
	assert_int_equal(b.len, 10000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(b.ptr[i], 'a' + i % 26);
	buf_free(&b);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_put_and_puts(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "abc");
	buf_put(&b, "defgh", 2);
	buf_putc(&b, '!');
	assert_string_equal(buf_cstr(&b), "abcde!");
	assert_int_equal(b.len, 6);
	/* embedded NUL bytes are kept, len counts them */
	buf_put(&b, "x\0y", 3);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.ptr + 6, "x\0y", 3);
	assert_int_equal(b.ptr[9], '\0');
	buf_free(&b);
}

static void test_grow_reserves(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_grow(&b, 1000);
	assert_true(b.cap >= 1001);
	assert_int_equal(b.len, 0);
	size_t cap = b.cap;
	buf_grow(&b, 10);
	assert_int_equal(b.cap, cap);
	buf_free(&b);
}

static void test_printf_short(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_printf(&b, "%d-%s-%c", 42, "x", 'y');
	buf_printf(&b, "|%05.1f", 3.14159);
	assert_string_equal(buf_cstr(&b), "42-x-y|003.1");
	assert_int_equal(b.len, strlen("42-x-y|003.1"));
	buf_free(&b);
}

static void test_printf_long(void **state)
{
	(void)state;
	/* longer than the 256-byte stack buffer, on an empty and a non-empty buffer */
	char big[5001];
	for (int i = 0; i < 5000; i++)
		big[i] = (char)('A' + i % 26);
	big[5000] = '\0';
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s", big);
	assert_int_equal(b.len, 5000);
	assert_string_equal(b.ptr, big);
	buf_printf(&b, "<%s>", big);
	assert_int_equal(b.len, 10002);
	assert_int_equal(b.ptr[5000], '<');
	assert_memory_equal(b.ptr + 5001, big, 5000);
	assert_int_equal(b.ptr[10001], '>');
	assert_int_equal(b.ptr[10002], '\0');
	assert_int_equal(strlen(b.ptr), b.len);
	buf_free(&b);
}

static void test_printf_boundary(void **state)
{
	(void)state;
	/* 255, 256 and 257 characters: both sides of the stack buffer */
	for (size_t n = 254; n <= 258; n++) {
		char *s = malloc(n + 1);
		memset(s, 'q', n);
		s[n] = '\0';
		buf_t b = BUF_INIT;
		buf_puts(&b, "pre");
		buf_printf(&b, "%s", s);
		assert_int_equal(b.len, n + 3);
		assert_int_equal(strlen(b.ptr), n + 3);
		assert_memory_equal(b.ptr + 3, s, n);
		buf_free(&b);
		free(s);
	}
}

static void test_put_html(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	const char *in = "<a href=\"x\">Tom & Jerry's</a>";
	buf_put_html(&b, in, strlen(in));
	assert_string_equal(buf_cstr(&b),
			    "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	buf_reset(&b);
	buf_put_html(&b, "plain é text", strlen("plain é text"));
	assert_string_equal(buf_cstr(&b), "plain é text");
	buf_reset(&b);
	/* only n bytes are read */
	buf_put_html(&b, "&&&", 2);
	assert_string_equal(buf_cstr(&b), "&amp;&amp;");
	buf_reset(&b);
	buf_put_html(&b, "", 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
}

static void test_detach(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "hello");
	char *s = buf_detach(&b);
	assert_string_equal(s, "hello");
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(buf_cstr(&b), "");
	free(s);
	/* detaching an empty buffer gives an owned empty string */
	char *e = buf_detach(&b);
	assert_non_null(e);
	assert_string_equal(e, "");
	free(e);
	/* the buffer is reusable afterwards */
	buf_puts(&b, "again");
	assert_string_equal(buf_cstr(&b), "again");
	buf_free(&b);
}

static void test_truncate_and_reset(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "abcdef");
	buf_truncate(&b, 3);
	assert_int_equal(b.len, 3);
	assert_string_equal(buf_cstr(&b), "abc");
	buf_truncate(&b, 10); /* longer: no change */
	assert_int_equal(b.len, 3);
	assert_string_equal(buf_cstr(&b), "abc");
	buf_truncate(&b, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_puts(&b, "xyz");
	size_t cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_cstr),
		cmocka_unit_test(test_put_empty_allocates_terminator),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_put_and_puts),
		cmocka_unit_test(test_grow_reserves),
		cmocka_unit_test(test_printf_short),
		cmocka_unit_test(test_printf_long),
		cmocka_unit_test(test_printf_boundary),
		cmocka_unit_test(test_put_html),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_truncate_and_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
