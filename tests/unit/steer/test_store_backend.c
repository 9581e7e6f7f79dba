/* Tests for the store's split into an engine-neutral part and backends
 * (steer/store_backend.h): which backend a location names, the location as
 * messages show it (no password), store_query_alt's choice of text, and
 * the mapping of SQLite's errors and PostgreSQL's SQLSTATEs to causes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sqlite3.h>

#include "fixture.h"
#include "steer/store_backend.h"
#include "steer/store_pg.h"
#include "steer/store_sqlite.h"

/* The password of the user part and the password parameters go; the rest
 * stays as written, so that the operator recognises the location. */
static void test_location_name(void **state)
{
	(void)state;
	static const struct {
		const char *location, *name;
	} cases[] = {
		/* Files, whatever they hold. */
		{"sobre.db", "sobre.db"},
		{"/var/lib/sobre/sobre.db", "/var/lib/sobre/sobre.db"},
		{"a:b@c.db", "a:b@c.db"},
		{"host=db dbname=sobre password=secret", "host=db dbname=sobre password=secret"},
		{"Postgresql://u:secret@db/sobre", "Postgresql://u:secret@db/sobre"},
		{"file:postgresql://u:secret@db", "file:postgresql://u:secret@db"},
		/* URIs. */
		{"postgresql://", "postgresql://"},
		{"postgresql://db/sobre", "postgresql://db/sobre"},
		{"postgres://alice@db:5432/sobre", "postgres://alice@db:5432/sobre"},
		{"postgresql://alice:secret@db:5432/sobre", "postgresql://alice@db:5432/sobre"},
		{"postgres://alice:secret@db/sobre", "postgres://alice@db/sobre"},
		{"postgresql://:secret@db/sobre", "postgresql://@db/sobre"},
		{"postgresql://alice:@db", "postgresql://alice@db"},
		/* libpq ends the password at the first '@' before any '/': '?',
		 * ':' and '%' in it are the password's. */
		{"postgresql://alice:s?e:c%40r@db/sobre?sslmode=require", "postgresql://alice@db/sobre?sslmode=require"},
		/* No '@' before the first '/': no credentials; a later '@' is
		 * the database's or a parameter's. */
		{"postgresql://db/so@bre", "postgresql://db/so@bre"},
		{"postgresql://db/sobre?user=a@b", "postgresql://db/sobre?user=a@b"},
		{"postgresql://db,db2:5433/sobre?sslmode=verify-full", "postgresql://db,db2:5433/sobre?sslmode=verify-full"},
		{"postgresql://[::1]:5432/sobre", "postgresql://[::1]:5432/sobre"},
		/* Parameters. */
		{"postgresql://db/sobre?password=secret", "postgresql://db/sobre"},
		{"postgresql://db/sobre?password=secret&sslmode=require", "postgresql://db/sobre?sslmode=require"},
		{"postgresql://db/sobre?sslmode=require&password=secret", "postgresql://db/sobre?sslmode=require"},
		{"postgresql://db/sobre?a=1&password=x&b=2&sslpassword=y&c=3", "postgresql://db/sobre?a=1&b=2&c=3"},
		{"postgresql://db/sobre?pass%77ord=secret&user=u", "postgresql://db/sobre?user=u"},
		{"postgresql://db/sobre?%70assword=secret", "postgresql://db/sobre"},
		{"postgresql://db/sobre?passwordx=1&xpassword=2", "postgresql://db/sobre?passwordx=1&xpassword=2"},
		{"postgresql://u:p@db?password=q", "postgresql://u@db"},
		{"postgresql://db/sobre?", "postgresql://db/sobre"},
		{"postgresql://db/sobre?&&sslmode=disable&", "postgresql://db/sobre?sslmode=disable"},
		{"postgresql:///sobre?host=/run/postgresql&password=s", "postgresql:///sobre?host=/run/postgresql"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = store_location_name(cases[i].location);
		if (strcmp(got, cases[i].name) != 0)
			fail_msg("%s: got %s, expected %s", cases[i].location, got, cases[i].name);
		free(got);
	}
}

/* A PostgreSQL URI goes to libpq: here a port nothing listens on (1, on
 * the loopback), which fails at once with db-unavailable, its secrets
 * kept out of the diagnostic; a URI libpq cannot read is refused without
 * quoting it. Anything else is a file, as before. */
static void test_backend_choice(void **state)
{
	(void)state;
	static const char *const uris[] = {
		"postgresql://alice:secret@127.0.0.1:1/sobre?sslmode=disable&password=secret",
		"postgres://alice:secret@127.0.0.1:1/sobre",
		"postgresql://127.0.0.1:1?connect_timeout=2&password=secret",
	};
	for (size_t i = 0; i < sizeof uris / sizeof *uris; i++) {
		diag_list_t d = DIAG_LIST_INIT;
		store_t *s = NULL;
		assert_int_equal(store_open(uris[i], STORE_CREATE, &s, &d), STEER_IO);
		assert_null(s);
		assert_int_equal(d.len, 1);
		assert_string_equal(d.items[0].rule, STORE_CAUSE_UNAVAILABLE);
		assert_non_null(strstr(d.items[0].msg, "cannot connect to the database"));
		char *name = store_location_name(uris[i]);
		assert_string_equal(d.items[0].file, name);
		free(name);
		assert_null(strstr(d.items[0].file, "secret"));
		assert_null(strstr(d.items[0].msg, "secret"));
		assert_null(strstr(d.items[0].hint, "secret"));
		diag_list_free(&d);
	}
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	assert_int_equal(store_open("postgresql://alice:secret@db/sobre?%zz=1", 0, &s, &d), STEER_IO);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].msg, "not a valid PostgreSQL URI"));
	assert_null(strstr(d.items[0].msg, "secret"));
	assert_null(strstr(d.items[0].file, "secret"));
	diag_list_free(&d);
	char *dir = fx_tmpdir();
	char *path = fs_join(dir, "host=db dbname=sobre password=x");
	/* The file's name is the location as given, in store_path and
	 * store_name alike; a keyword string is a file name. */
	assert_int_equal(store_open(path, 0, &s, &d), STEER_IO);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].file, path);
	assert_non_null(strstr(d.items[0].msg, "no such file"));
	diag_list_free(&d);
	assert_int_equal(store_open(path, STORE_CREATE, &s, &d), STEER_OK);
	assert_string_equal(store_path(s), path);
	assert_string_equal(store_name(s), path);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	store_close(s);
	free(path);
	fs_remove_tree(dir);
	free(dir);
}

/* store_query_alt prepares the text of the connection's engine only,
 * cached by that literal. */
static void test_query_alt(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	/* A PostgreSQL text SQLite 3.40 cannot prepare (string_agg, chr, an
	 * ORDER BY among the arguments): were it read, the query would fail. */
	static const char sqlite_sql[] = "SELECT group_concat(priority, char(1)) FROM (SELECT priority FROM weight "
					 "ORDER BY priority)";
	static const char pg_sql[] = "SELECT string_agg(priority, chr(1) ORDER BY priority) FROM weight";
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	store_query_t *q = store_query_alt(s, sqlite_sql, pg_sql);
	assert_true(store_next(q));
	assert_string_equal(store_col_text(q, 0), "Aller plus loin\001Prioritaire\001Recommandée");
	assert_int_equal(store_end(q, &d, "joining"), STEER_OK);
	assert_ptr_equal(store_query_alt(s, sqlite_sql, pg_sql), q);
	assert_ptr_equal(store_query(s, sqlite_sql), q);
	store_done(q);
	/* The same connection taken for a PostgreSQL one picks the other
	 * text (both are SQLite's here, so that it runs). */
	static const char as_sqlite[] = "SELECT 'sqlite'", as_pg[] = "SELECT 'pg'";
	const store_ops_t *sqlite_ops = s->ops;
	store_ops_t pg = *sqlite_ops;
	pg.dialect = STORE_DIALECT_PG;
	s->ops = &pg;
	long long n = 0;
	assert_int_equal(store_scalar(store_query(s, "SELECT count(*) FROM weight"), 0, &n, &d, "counting"), STEER_OK);
	assert_int_equal(n, 3);
	q = store_query_alt(s, as_sqlite, as_pg);
	assert_true(store_next(q));
	assert_string_equal(store_col_text(q, 0), "pg");
	assert_int_equal(store_end(q, &d, "choosing"), STEER_OK);
	assert_ptr_equal(store_query(s, as_pg), q);
	s->ops = sqlite_ops;
	q = store_query_alt(s, as_sqlite, as_pg);
	assert_true(store_next(q));
	assert_string_equal(store_col_text(q, 0), "sqlite");
	assert_int_equal(store_end(q, &d, "choosing"), STEER_OK);
	assert_int_equal(d.len, 0);
	store_rollback(s);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* The web app words its error pages after these causes: each SQLite
 * failure a full disk or a read-only folder produces must map to the right
 * one, including the I/O errors whose errno alone tells. */
static void test_causes(void **state)
{
	(void)state;
	static const struct {
		int code, err;
		const char *cause;
	} cases[] = {
		{SQLITE_FULL, 0, STORE_CAUSE_FULL},
		{SQLITE_IOERR_WRITE, ENOSPC, STORE_CAUSE_FULL},
		{SQLITE_IOERR_SHMSIZE, ENOSPC, STORE_CAUSE_FULL},
		{SQLITE_IOERR_FSYNC, EDQUOT, STORE_CAUSE_FULL},
		{SQLITE_READONLY, 0, STORE_CAUSE_READONLY},
		{SQLITE_READONLY_DIRECTORY, 0, STORE_CAUSE_READONLY},
		{SQLITE_READONLY_CANTINIT, 0, STORE_CAUSE_READONLY},
		{SQLITE_CANTOPEN, EACCES, STORE_CAUSE_READONLY},
		{SQLITE_IOERR_WRITE, EROFS, STORE_CAUSE_READONLY},
		{SQLITE_BUSY, 0, STORE_CAUSE_BUSY},
		{SQLITE_BUSY_SNAPSHOT, 0, STORE_CAUSE_BUSY},
		{SQLITE_LOCKED, 0, STORE_CAUSE_BUSY},
		{SQLITE_CORRUPT, 0, STORE_CAUSE_CORRUPT},
		{SQLITE_NOTADB, 0, STORE_CAUSE_CORRUPT},
		{SQLITE_IOERR_READ, EIO, STORE_CAUSE_OTHER},
		{SQLITE_CANTOPEN, ENOENT, STORE_CAUSE_OTHER},
		{SQLITE_CONSTRAINT, ENOSPC, STORE_CAUSE_OTHER}, /* a stale errno says nothing */
		{SQLITE_ERROR, 0, STORE_CAUSE_OTHER},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = store_sqlite_cause(cases[i].code, cases[i].err);
		if (strcmp(got, cases[i].cause) != 0)
			fail_msg("code %d errno %d: %s, expected %s", cases[i].code, cases[i].err, got, cases[i].cause);
	}
}

/* The same for PostgreSQL's SQLSTATEs (plan for issue #16, section 4.4):
 * what the web app answers 503 to, busy or not, full, read-only, damaged,
 * unreachable. */
static void test_pg_causes(void **state)
{
	(void)state;
	static const struct {
		const char *state, *cause;
	} cases[] = {
		{"53100", STORE_CAUSE_FULL},        {"25006", STORE_CAUSE_READONLY},    {"55P03", STORE_CAUSE_BUSY},
		{"57014", STORE_CAUSE_BUSY},        {"40001", STORE_CAUSE_RETRY},       {"40P01", STORE_CAUSE_RETRY},
		{"53300", STORE_CAUSE_BUSY},        {"XX001", STORE_CAUSE_CORRUPT},     {"XX002", STORE_CAUSE_CORRUPT},
		{"08006", STORE_CAUSE_UNAVAILABLE}, {"08001", STORE_CAUSE_UNAVAILABLE}, {"57P01", STORE_CAUSE_UNAVAILABLE},
		{"23505", STORE_CAUSE_OTHER},       {"23001", STORE_CAUSE_OTHER},       {"42601", STORE_CAUSE_OTHER},
		{"53200", STORE_CAUSE_OTHER},       {"XX000", STORE_CAUSE_OTHER},       {NULL, STORE_CAUSE_UNAVAILABLE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = store_pg_cause(cases[i].state);
		if (strcmp(got, cases[i].cause) != 0)
			fail_msg("SQLSTATE %s: %s, expected %s", cases[i].state ? cases[i].state : "(none)", got,
				 cases[i].cause);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_location_name),
		cmocka_unit_test(test_backend_choice),
		cmocka_unit_test(test_query_alt),
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_pg_causes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
