/* Tests for util/csv: the caller's limits and words (each kind of file is
 * refused in its own terms, large counts grouped by thousands), and the
 * reader's output emptied on any error. The tokenizer itself (separators,
 * BOM, quotes, CRLF, NFC, positions) is tested through its callers too:
 * tests/unit/steer/test_sheet.c and tests/unit/guide/test_ref_csv.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/csv.h"

static void test_limits_in_callers_words(void **state)
{
	(void)state;
	const csv_limits_t lim = {1u << 20, 3, 2, "a tiny grid", "keep it tiny"};
	diag_list_t d = DIAG_LIST_INIT;
	csv_t c;
	const char ok[] = "a;b\n1;2\n\n3;4\n";
	assert_true(csv_parse("t.csv", ok, sizeof ok - 1, &lim, &c, &d));
	assert_int_equal(c.len, 3);
	assert_int_equal(c.sep, ';');
	assert_int_equal(c.rows[2].line, 4);
	csv_free(&c);
	assert_int_equal(c.len, 0);

	const char rows[] = "a\n1\n2\n3\n";
	assert_false(csv_parse("t.csv", rows, sizeof rows - 1, &lim, &c, &d));
	assert_null(c.rows);
	assert_int_equal(c.len, 0);
	const char cols[] = "a,b,c\n";
	assert_false(csv_parse("t.csv", cols, sizeof cols - 1, &lim, &c, &d));
	assert_int_equal(d.len, 2);
	assert_string_equal(d.items[0].msg, "more than 3 rows: not a tiny grid");
	assert_int_equal(d.items[0].line, 4);
	assert_string_equal(d.items[0].hint, "keep it tiny");
	assert_string_equal(d.items[1].msg, "more than 2 columns: not a tiny grid");
	assert_int_equal(d.items[1].col, 5);
	assert_string_equal(d.items[1].rule, "csv");
	diag_list_free(&d);

	const csv_limits_t big = {2u << 20, 1234567, 1000, "a sheet", "h"};
	const char one[] = "a\n";
	assert_true(csv_parse("t.csv", one, sizeof one - 1, &big, &c, &d));
	csv_free(&c);
	const csv_limits_t small = {1, 1234567, 1000, "a sheet", "h"};
	assert_false(csv_parse("t.csv", one, sizeof one - 1, &small, &c, &d));
	assert_non_null(strstr(d.items[0].msg, "the file is larger than"));
	assert_non_null(strstr(d.items[0].msg, ": not a sheet"));
	diag_list_free(&d);
}

static void test_grouped_counts(void **state)
{
	(void)state;
	const csv_limits_t lim = {1u << 20, 1000, 1000, "x", "h"};
	diag_list_t d = DIAG_LIST_INIT;
	csv_t c;
	buf_t b = BUF_INIT;
	for (int i = 0; i <= 1000; i++)
		buf_puts(&b, "r\n");
	assert_false(csv_parse("t.csv", b.ptr, b.len, &lim, &c, &d));
	assert_string_equal(d.items[0].msg, "more than 1,000 rows: not x");
	buf_free(&b);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits_in_callers_words),
		cmocka_unit_test(test_grouped_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
