/* Tests for steer/store_sql: SQLite's parameters rewritten as PostgreSQL's
 * $n, from a table of cases, then against SQLite itself: for statements
 * made at random from parameters, literals, quoted names and comments,
 * SQLite's own numbering of each parameter (read back from the values
 * bound) is the translation's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/store_sql.h"
#include "util/buf.h"

static void test_cases(void **state)
{
	(void)state;
	static const struct {
		const char *sql, *pg; /* pg NULL: refused */
		int nparams;          /* or, when refused, the offset */
	} cases[] = {
		{"", "", 0},
		{"SELECT 1", "SELECT 1", 0},
		{"SELECT ?", "SELECT $1", 1},
		/* SQLite's rule: a bare ? is the largest number so far + 1. */
		{"? ? ?1 ?", "$1 $2 $1 $3", 3},
		{"?2, ?", "$2, $3", 3},
		{"?3", "$3", 3},
		{"?1, ?1, ?", "$1, $1, $2", 2},
		{"?, ?5, ?, ?2, ?", "$1, $5, $6, $2, $7", 7},
		{"?001 = ?", "$1 = $2", 2},
		{"WHERE id = ?10", "WHERE id = $10", 10},
		{"?32766", "$32766", 32766},
		/* Quotes and comments are copied, ? and all. */
		{"a = '?' AND b = ?", "a = '?' AND b = $1", 1},
		{"a = 'it''s ?' || ?", "a = 'it''s ?' || $1", 1},
		{"\"col?\" = ? AND \"a\"\"?\" = ?", "\"col?\" = $1 AND \"a\"\"?\" = $2", 2},
		{"`x?` = ?", "`x?` = $1", 1},
		{"[x?] = ?", "[x?] = $1", 1},
		{"'?\?' || ?", "'?\?' || $1", 1}, /* '??' (no trigraph) */
		{"-- ? ?1\n?", "-- ? ?1\n$1", 1},
		{"? -- ?", "$1 -- ?", 1},
		{"/* ? */ ? /* ?3 */", "/* ? */ $1 /* ?3 */", 1},
		{"/*/ ? */ ?", "/*/ ? */ $1", 1},
		{"-- a\r\n?", "-- a\r\n$1", 1},
		{"x'3f' = ?", "x'3f' = $1", 1},
		/* Spaces where $n would run into a name or a number. */
		{"LIMIT?", "LIMIT $1", 1},
		{"x=?AND y=?", "x=$1 AND y=$2", 2},
		{"?1a", "$1 a", 1},
		{"1?", "1 $1", 1},
		{"é=?", "é=$1", 1},
		{"é?", "é $1", 1},
		{"(?)", "($1)", 1},
		/* Names and PostgreSQL's operators keep their $, :, @. */
		{"a$b = ?", "a$b = $1", 1},
		{"x::bigint = ?", "x::bigint = $1", 1},
		{"a @> ? AND b := 1", "a @> $1 AND b := 1", 1},
		{"x ? 'y'", "x $1 'y'", 1},
		/* Refused, at the offset of what is. */
		{"?0", NULL, 0},
		{"a = ?32767", NULL, 4},
		{"?99999999999999999999", NULL, 0},
		{"?32766, ?", NULL, 8},
		{"??", NULL, 1},
		{"? ?1?", NULL, 4},
		{"a = :name", NULL, 4},
		{"a = @name", NULL, 4},
		{"a = $name", NULL, 4},
		{"a = $1", NULL, 4},
		{"$$x$$", NULL, 0},
		{"a = :1", NULL, 4},
		{"a = 'open ?", NULL, 4},
		{"\"open", NULL, 0},
		{"[open", NULL, 0},
		{"? /* open", NULL, 2},
		{"/* a /* b */ ? */", NULL, 5},
		{"-- a\r?", NULL, 4},
		{"a = E'\\'' AND b = ?", NULL, 4},
		{"a = e'x'", NULL, 4},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		store_sql_info_t info;
		char *got = store_sql_pg_params(cases[i].sql, &info);
		if (cases[i].pg) {
			if (!got)
				fail_msg("%s: refused at %zu: %s", cases[i].sql, info.err_at, info.err);
			if (strcmp(got, cases[i].pg) != 0 || info.nparams != cases[i].nparams || info.err)
				fail_msg("%s: got \"%s\" (%d parameters), expected \"%s\" (%d)", cases[i].sql, got,
					 info.nparams, cases[i].pg, cases[i].nparams);
		} else {
			if (got)
				fail_msg("%s: accepted as \"%s\"", cases[i].sql, got);
			if (!info.err || info.err_at != (size_t)cases[i].nparams)
				fail_msg("%s: refused at %zu (%s), expected at %d", cases[i].sql, info.err_at,
					 info.err ? info.err : "no reason", cases[i].nparams);
		}
		free(got);
	}
}

/* SQLite refuses these too, at its default limit of parameters (a build
 * may raise it: Debian's takes 250,000): the translation accepts nothing
 * SQLite would not prepare for its parameters. */
static void test_refusals_agree(void **state)
{
	(void)state;
	static const char *const both[] = {"SELECT ?0", "SELECT ?32767", "SELECT ?32766, ?", "SELECT 'x",
					   "SELECT \"x", "SELECT [x", "SELECT ??"};
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, STORE_SQL_MAX_PARAM);
	for (size_t i = 0; i < sizeof both / sizeof *both; i++) {
		sqlite3_stmt *st = NULL;
		store_sql_info_t info;
		char *pg = store_sql_pg_params(both[i], &info);
		if (pg)
			fail_msg("%s: accepted as %s", both[i], pg);
		if (sqlite3_prepare_v2(db, both[i], -1, &st, NULL) == SQLITE_OK)
			fail_msg("%s: SQLite prepares it", both[i]);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/* A deterministic generator (xorshift), so that a failure replays. */
static unsigned long long rnd_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

/* Appends one column of a select list to sql: a parameter (*param set)
 * or something that holds a ? without being one. No $ anywhere, so that
 * every $ of the translation is a parameter. */
static void random_column(buf_t *sql, bool *param)
{
	static const char *const spaces[] = {" ", "", "\n", " /* ? ?1 */ ", " -- ? ?2\n", "/**/", "\t"};
	static const char *const others[] = {"'?'", "'a''?b'", "'?\?'", "1 AS \"c?\"", "2 AS [d?]", "3 AS `e?`",
					     "'' || '?1'", "x'3f'", "4", "'-- ?'", "'/* ? */'", "5 AS \"\"\"?\"\"\""};
	buf_puts(sql, spaces[rnd(sizeof spaces / sizeof *spaces)]);
	*param = rnd(3) != 0;
	if (!*param)
		buf_puts(sql, others[rnd(sizeof others / sizeof *others)]);
	else if (rnd(2))
		buf_putc(sql, '?');
	else
		buf_printf(sql, rnd(8) ? "?%u" : "?0%u", 1 + rnd(12));
	buf_puts(sql, spaces[rnd(sizeof spaces / sizeof *spaces)]);
}

/* Each parameter's number in the translation, in the order of the text. */
static size_t dollar_numbers(const char *pg, int *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = strchr(pg, '$'); p && n < cap; p = strchr(p + 1, '$'))
		out[n++] = atoi(p + 1);
	return n;
}

static void check_statement(sqlite3 *db, const char *sql, const bool *param, size_t ncols)
{
	store_sql_info_t info;
	char *pg = store_sql_pg_params(sql, &info);
	if (!pg)
		fail_msg("%s: refused at %zu: %s", sql, info.err_at, info.err);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: SQLite says %s", sql, sqlite3_errmsg(db));
	if (sqlite3_bind_parameter_count(st) != info.nparams)
		fail_msg("%s: %d parameters, SQLite counts %d", sql, info.nparams, sqlite3_bind_parameter_count(st));
	/* Parameter i gets the value i: each column then says the number SQLite
	 * gave to the parameter there. */
	for (int i = 1; i <= info.nparams; i++) {
		char name[16];
		snprintf(name, sizeof name, "?%d", i);
		int at = sqlite3_bind_parameter_index(st, name);
		const char *sqlite_name = sqlite3_bind_parameter_name(st, i);
		/* A ?N of the text is parameter N (its name as written: ?03 is
		 * 3's); a number only bare ?s took has no name. */
		if (at != 0 && at != i)
			fail_msg("%s: SQLite's ?%d is parameter %d", sql, i, at);
		if (sqlite_name && atoi(sqlite_name + 1) != i)
			fail_msg("%s: SQLite names parameter %d %s", sql, i, sqlite_name);
		sqlite3_bind_int(st, i, i);
	}
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: SQLite says %s", sql, sqlite3_errmsg(db));
	int numbers[64];
	size_t nd = dollar_numbers(pg, numbers, 64), k = 0;
	for (size_t c = 0; c < ncols; c++) {
		if (!param[c])
			continue;
		int sqlite_number = sqlite3_column_int(st, (int)c);
		if (k >= nd || numbers[k] != sqlite_number)
			fail_msg("%s -> %s: parameter %zu is ?%d for SQLite, $%d here", sql, pg, k + 1, sqlite_number,
				 k < nd ? numbers[k] : 0);
		k++;
	}
	if (k != nd)
		fail_msg("%s -> %s: %zu $ for %zu parameters", sql, pg, nd, k);
	sqlite3_finalize(st);
	free(pg);
}

static void test_against_sqlite(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (int round = 0; round < 3000; round++) {
		buf_t sql = BUF_INIT;
		bool param[16];
		size_t ncols = 1 + rnd(16);
		buf_puts(&sql, "SELECT ");
		for (size_t c = 0; c < ncols; c++) {
			if (c)
				buf_putc(&sql, ',');
			random_column(&sql, &param[c]);
		}
		check_statement(db, buf_cstr(&sql), param, ncols);
		buf_free(&sql);
	}
	/* Parameters outside a select list: their count, and every ?N where
	 * SQLite puts it. */
	static const char *const fixed[] = {
		"SELECT 1 WHERE 1 = ? AND 2 <> ?1 OR 'x?' = ? LIMIT ? OFFSET ?",
		"WITH RECURSIVE down(id) AS (SELECT ?1 UNION ALL SELECT id + 1 FROM down WHERE id < ?) SELECT count(*) FROM down",
		"SELECT CASE ? WHEN ?3 THEN ? ELSE ?2 END",
		"SELECT 1 FROM (SELECT ? AS a) AS h WHERE h.a IN (?, ?5, ?)",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		store_sql_info_t info;
		char *pg = store_sql_pg_params(fixed[i], &info);
		sqlite3_stmt *st = NULL;
		assert_non_null(pg);
		assert_int_equal(sqlite3_prepare_v2(db, fixed[i], -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_bind_parameter_count(st), info.nparams);
		for (int n = 1; n <= info.nparams; n++) {
			char name[16], dollar[16];
			snprintf(name, sizeof name, "?%d", n);
			snprintf(dollar, sizeof dollar, "$%d", n);
			/* Named in SQLite's text iff some ?N or bare ? took n there. */
			if (sqlite3_bind_parameter_index(st, name) == n)
				assert_non_null(strstr(pg, dollar));
		}
		sqlite3_finalize(st);
		free(pg);
	}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_refusals_agree),
		cmocka_unit_test(test_against_sqlite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
