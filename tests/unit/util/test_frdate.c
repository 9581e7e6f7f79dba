/* Tests for util/frdate: French dates in Paris time, across both daylight
 * saving changes, past midnight, and refused inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/frdate.h"

static void expect(const char *iso, const char *want)
{
	buf_t b = BUF_INIT;
	assert_true(frdate_instant(iso, &b));
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_instants(void **state)
{
	(void)state;
	expect("2026-12-06T22:25:00Z", "6 décembre 2026 à 23 h 25");
	expect("2026-07-14T22:30:00Z", "15 juillet 2026 à 0 h 30");
	expect("2026-01-01T00:05:59Z", "1 janvier 2026 à 1 h 05");
	/* Summer time starts on the last Sunday of March at 01:00 UTC (29 March
	 * 2026) and ends on the last Sunday of October (25 October 2026). */
	expect("2026-03-29T00:59:59Z", "29 mars 2026 à 1 h 59");
	expect("2026-03-29T01:00:00Z", "29 mars 2026 à 3 h 00");
	expect("2026-10-25T00:59:00Z", "25 octobre 2026 à 2 h 59");
	expect("2026-10-25T01:00:00Z", "25 octobre 2026 à 2 h 00");
	expect("2027-03-28T01:00:00Z", "28 mars 2027 à 3 h 00");
}

static void test_refused(void **state)
{
	(void)state;
	const char *bad[] = {"hier", "", "2026-12-06T22:25:00", "2026-13-01T00:00:00Z", "2026-12-06 22:25:00Z",
			     "2026-12-06T24:00:00Z", "2026-12-06T22:25:00Zx", "1969-12-31T23:59:59Z"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_t b = BUF_INIT;
		assert_false(frdate_instant(bad[i], &b));
		assert_int_equal(b.len, 0);
		buf_free(&b);
	}
	buf_t b = BUF_INIT;
	assert_false(frdate_instant(NULL, &b));
	buf_free(&b);
}

/* A stored day, "YYYY-MM-DD", as the report and the declaration print it;
 * anything else as it is, a short text without reading past its end. */
static void test_dates(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"2026-03-01", "1er mars 2026"}, {"2026-12-15", "15 décembre 2026"},
		{"2026-01-05T09:00:00Z", "5 janvier 2026"}, {"2026-01-05X", "2026-01-05X"}, {"2026-13-01", "2026-13-01"},
		{"2026-", "2026-"}, {"2026-03-1", "2026-03-1"}, {"demain", "demain"}, {"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf_t b = BUF_INIT;
		frdate_date(cases[i][0], &b);
		assert_string_equal(buf_cstr(&b), cases[i][1]);
		buf_free(&b);
	}
	buf_t b = BUF_INIT;
	frdate_date(NULL, &b);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_days(void **state)
{
	(void)state;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2027 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 5;
	tm.tm_hour = 23; /* 23:30 UTC on 5 March is 00:30 on 6 March in Paris */
	tm.tm_min = 30;
	buf_t b = BUF_INIT;
	frdate_day(timegm(&tm), &b);
	assert_string_equal(buf_cstr(&b), "6 mars 2027");
	buf_free(&b);
	assert_int_equal(frdate_paris_offset(timegm(&tm)), 3600);
	tm.tm_mon = 6;
	assert_int_equal(frdate_paris_offset(timegm(&tm)), 7200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instants),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
