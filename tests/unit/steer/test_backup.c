/* Tests for steer/backup: one copy a day, a second call the same day writes
 * nothing, rotation keeps the newest and removes only dated copies, each
 * copy is a whole database as private as the original, and a folder that cannot be made is an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <sys/stat.h>

#include "fixture.h"
#include "steer/backup.h"

static bool exists(const char *dir, const char *name)
{
	char *p = fs_join(dir, name);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

static long long query(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_TEXT
			    ? (strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0 ? 1 : 0)
			    : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_daily_and_rotation(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_close(fx_store(dir));
	char *db = fs_join(dir, "sobre.db"), *bdir = fs_join(dir, "copies/nested");
	diag_list_t d = DIAG_LIST_INIT;
	backup_result_t res;
	/* Noon UTC every day from 2026-01-01: the same local date from UTC-11 to UTC+11. */
	const time_t day0 = 1767268800;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(chmod(db, 0600), 0); /* the copy is as private as the database */
	assert_int_equal(backup_daily(db, bdir, day0, 30, &res, &d), STEER_OK);
	assert_true(res.written);
	struct stat st;
	assert_int_equal(stat(res.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(res.removed, 0);
	assert_non_null(strstr(res.path, "/copies/nested/sobre-2026-01-01.db"));
	assert_int_equal(query(res.path, "PRAGMA integrity_check"), 1);
	assert_int_equal(query(res.path, "SELECT count(*) FROM practice"), 3);
	/* The same day again: nothing written. */
	assert_int_equal(backup_daily(db, bdir, day0 + 3600, 30, &res, &d), STEER_OK);
	assert_false(res.written);
	/* Files that are not dated copies are never removed. */
	static const char *const others[] = {"notes.txt", "sobre-2020-01-01.db.tmp", "sobre-latest.db",
					     "sobre-2020-1-01.db"};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		char *p = fs_join(bdir, others[i]);
		assert_int_equal(fs_write_atomic(p, "x", 1), 0);
		free(p);
	}
	size_t removed = 0;
	for (int day = 1; day < 35; day++) {
		assert_int_equal(backup_daily(db, bdir, day0 + day * 86400, 30, &res, &d), STEER_OK);
		assert_true(res.written);
		removed += res.removed;
	}
	assert_int_equal(removed, 5); /* 35 days written, 30 kept */
	assert_false(exists(bdir, "sobre-2026-01-05.db"));
	assert_true(exists(bdir, "sobre-2026-01-06.db"));
	assert_true(exists(bdir, "sobre-2026-02-04.db"));
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		assert_true(exists(bdir, others[i]));
	/* keep 0 is read as 1: today's copy always stays. */
	assert_int_equal(backup_daily(db, bdir, day0 + 34 * 86400, 0, &res, &d), STEER_OK);
	assert_int_equal(res.removed, 29);
	assert_true(exists(bdir, "sobre-2026-02-04.db"));
	assert_int_equal(d.len, 0);
	free(bdir);

	/* A folder that cannot be made, a database that does not exist. */
	char *file = fs_join(dir, "a-file");
	assert_int_equal(fs_write_atomic(file, "x", 1), 0);
	bdir = fs_join(file, "copies");
	assert_int_equal(backup_daily(db, bdir, day0, 30, &res, &d), STEER_IO);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].msg, "cannot create the backup folder"));
	diag_list_free(&d);
	free(bdir);
	bdir = fs_join(dir, "copies2");
	char *missing = fs_join(dir, "missing.db");
	assert_int_not_equal(backup_daily(missing, bdir, day0, 30, &res, &d), STEER_OK);
	assert_true(d.len >= 1);
	assert_false(exists(bdir, "sobre-2026-01-01.db"));
	diag_list_free(&d);
	free(missing);
	free(bdir);
	free(file);
	free(db);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily_and_rotation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
