/* Tests for steer/transfer: its tables and columns are exactly those of a
 * fresh database at the current schema (a migration adding a table or a
 * column fails here until transfer copies it), each insert has one
 * parameter per column; a move keeps what INSERT triggers would otherwise
 * fill (the unsubscribe token) and refuses a target that holds data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "fixture.h"
#include "steer/transfer.h"

static const transfer_table_t *find_table(const char *name)
{
	size_t n;
	const transfer_table_t *t = transfer_tables(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static void test_every_table_and_column(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_close(fx_store(dir));
	char *path = fs_join(dir, "sobre.db");
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *tabs = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
						"AND name NOT LIKE 'sqlite%' ORDER BY name", -1, &tabs, NULL),
			 SQLITE_OK);
	size_t seen = 0, n;
	transfer_tables(&n);
	while (sqlite3_step(tabs) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tabs, 0);
		const transfer_table_t *t = find_table(name);
		if (!t)
			fail_msg("table %s is not copied by steer/transfer", name);
		seen++;
		char sql[256], cols[2048] = "", types[64] = "";
		snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", name);
		sqlite3_stmt *info = NULL;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &info, NULL), SQLITE_OK);
		while (sqlite3_step(info) == SQLITE_ROW) {
			const char *col = (const char *)sqlite3_column_text(info, 1);
			const char *type = (const char *)sqlite3_column_text(info, 2);
			bool quoted = strcmp(col, "user") == 0 || strcmp(col, "end") == 0;
			size_t len = strlen(cols);
			snprintf(cols + len, sizeof cols - len, "%s%s%s%s", len ? ", " : "", quoted ? "\"" : "", col,
				 quoted ? "\"" : "");
			len = strlen(types);
			types[len] = strcmp(type, "INTEGER") == 0 ? 'i' : strcmp(type, "BLOB") == 0 ? 'b' : 't';
			types[len + 1] = '\0';
		}
		sqlite3_finalize(info);
		if (strcmp(cols, t->columns) != 0)
			fail_msg("table %s has columns (%s); steer/transfer copies (%s)", name, cols, t->columns);
		assert_string_equal(types, t->types);
		size_t params = 0;
		for (const char *p = t->insert; *p; p++)
			params += *p == '?';
		assert_int_equal(params, strlen(t->types));
		assert_non_null(strstr(t->select, t->columns));
		assert_non_null(strstr(t->insert, t->columns));
	}
	sqlite3_finalize(tabs);
	assert_int_equal(seen, n);
	sqlite3_close(db);
	free(path);
	fs_remove_tree(dir);
	free(dir);
}

static char *token(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT unsubscribe_token FROM user WHERE id = 7", -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_move_keeps_tokens_and_refuses_data(void **state)
{
	(void)state;
	char *dir = fx_tmpdir(), *src = fs_join(dir, "sobre.db"), *dst = fs_join(dir, "moved.db");
	store_close(fx_store(dir));
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(src, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO user(id, email, role, pwhash, created_at) "
					  "VALUES (7, 'a@example.org', 'admin', 'x', '2026-03-15T10:00:00Z')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	char *before = token(src);
	assert_non_null(before);

	diag_list_t d = DIAG_LIST_INIT;
	store_t *from = NULL, *to = NULL;
	transfer_summary_t sum;
	assert_int_equal(store_open(src, STORE_READ, &from, &d), STEER_OK);
	assert_int_equal(store_open(dst, STORE_CREATE, &to, &d), STEER_OK);
	assert_int_equal(store_begin(from, false, &d), STEER_OK);
	assert_int_equal(store_begin(to, true, &d), STEER_OK);
	assert_int_equal(transfer_move(from, to, &sum, &d), STEER_OK);
	assert_int_equal(store_commit(to, &d), STEER_OK);
	assert_int_equal(sum.scopes, 1);
	assert_int_equal(sum.rows[find_table("user") - find_table("meta")], 1);
	transfer_summary_free(&sum);
	char *after = token(dst);
	assert_string_equal(before, after); /* not a new one from the INSERT trigger */

	/* Again into the same target: refused, nothing written. */
	assert_int_equal(store_begin(to, true, &d), STEER_OK);
	assert_int_equal(transfer_move(from, to, &sum, &d), STEER_REFUSED);
	store_rollback(to);
	char *msgs = fx_msgs(&d);
	assert_non_null(strstr(msgs, "already holds data: "));
	assert_non_null(strstr(msgs, "user (1)"));
	transfer_summary_free(&sum);
	free(msgs);
	store_close(from);
	store_close(to);
	diag_list_free(&d);
	free(before);
	free(after);
	free(src);
	free(dst);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_and_column),
		cmocka_unit_test(test_move_keeps_tokens_and_refuses_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
