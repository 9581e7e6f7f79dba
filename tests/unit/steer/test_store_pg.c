/* Tests of the PostgreSQL backend (steer/store_pg.c) against a real server:
 * the cluster of $SOBRE_TEST_PG (tests/pg/test_backend.sh starts one and
 * runs this binary; make check runs that). Without it every test is
 * skipped. Each test works in a schema of its own (t_<pid>_<n>, the URI's
 * options=-csearch_path), created here with libpq, as an administrator's
 * session also holds locks and ends the store's connection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "steer/store.h"
#include "steer/store_pg.h"
#include "util/buf.h"

static int counter;

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The administrator's session on the test database; skips without one. */
static PGconn *admin(void)
{
	const char *base = getenv("SOBRE_TEST_PG");
	if (!base || !*base) {
		print_message("SOBRE_TEST_PG unset: skipped (tests/pg/test_backend.sh runs these)\n");
		skip();
	}
	PGconn *c = PQconnectdb(base);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", base, PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

static void sql(PGconn *c, const char *text)
{
	PGresult *r = PQexec(c, text);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQerrorMessage(c));
	PQclear(r);
}

/* The one value of a query, as text (static buffer). */
static const char *value(PGconn *c, const char *text)
{
	static char out[256];
	PGresult *r = PQexec(c, text);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", text, PQerrorMessage(c));
	snprintf(out, sizeof out, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return out;
}

/* A new empty schema; *uri names it (extra appended to the query). */
static char *new_schema(PGconn *c, const char *extra, char **schema)
{
	char name[64], stmt[256];
	snprintf(name, sizeof name, "t_%ld_%d", (long)getpid(), ++counter);
	snprintf(stmt, sizeof stmt, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	sql(c, stmt);
	const char *base = getenv("SOBRE_TEST_PG");
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s%coptions=-csearch_path%%3D%s,public%s", base, strchr(base, '?') ? '&' : '?', name,
		   extra ? extra : "");
	if (schema)
		*schema = strdup(name);
	return buf_detach(&b);
}

static store_t *open_ok(const char *uri, int flags)
{
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	if (store_open(uri, flags, &s, &d) != STEER_OK)
		fail_msg("open %s: %s", uri, d.len ? d.items[0].msg : "?");
	diag_list_free(&d);
	return s;
}

/* The first diagnostic's message after a failed open. */
static void open_fails(const char *uri, int flags, const char *want)
{
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	assert_int_equal(store_open(uri, flags, &s, &d), STEER_IO);
	assert_null(s);
	assert_true(d.len >= 1);
	if (!strstr(d.items[0].msg, want))
		fail_msg("expected '%s' in: %s", want, d.items[0].msg);
	diag_list_free(&d);
}

/* Empty without STORE_CREATE: not initialised. With it: the baseline,
 * version 8, found again by the next open. Another's tables and a newer
 * version are refused. */
static void test_open_create(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *schema = NULL;
	char *uri = new_schema(c, NULL, &schema);
	open_fails(uri, 0, "is not initialised");
	store_t *s = open_ok(uri, STORE_CREATE);
	assert_int_equal(store_schema_version(s), 8);
	assert_true(store_size_bytes(s) > 0);
	store_close(s);
	s = open_ok(uri, 0);
	assert_int_equal(store_schema_version(s), 8);
	store_close(s);
	char stmt[256];
	snprintf(stmt, sizeof stmt, "SELECT count(*) FROM %s.weight", schema);
	assert_string_equal(value(c, stmt), "3");
	snprintf(stmt, sizeof stmt, "UPDATE %s.sobre_schema SET version = 9", schema);
	sql(c, stmt);
	open_fails(uri, STORE_CREATE, "written by a newer sobre");
	free(uri);
	free(schema);
	/* Someone else's tables. */
	uri = new_schema(c, NULL, &schema);
	snprintf(stmt, sizeof stmt, "CREATE TABLE %s.orders(id int)", schema);
	sql(c, stmt);
	open_fails(uri, STORE_CREATE, "holds tables, but not a sobre database");
	free(uri);
	free(schema);
	/* A search_path naming no schema that exists. */
	const char *base = getenv("SOBRE_TEST_PG");
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s%coptions=-csearch_path%%3Dnowhere_%ld", base, strchr(base, '?') ? '&' : '?', (long)getpid());
	open_fails(buf_cstr(&b), STORE_CREATE, "no schema of its search_path exists");
	buf_free(&b);
	PQfinish(c);
}

struct opener {
	const char *uri;
	steer_rc rc;
	char msg[256];
};

static void *open_thread(void *arg)
{
	struct opener *o = arg;
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	o->rc = store_open(o->uri, STORE_CREATE, &s, &d);
	if (d.len)
		snprintf(o->msg, sizeof o->msg, "%s", d.items[0].msg);
	store_close(s);
	diag_list_free(&d);
	return NULL;
}

/* Two servers starting at once on an empty schema: one installs the
 * baseline, the other waits for the lock, then finds it (were it
 * installed twice, the second CREATE TABLE would fail). */
static void test_two_openers(void **state)
{
	(void)state;
	PGconn *c = admin();
	for (int round = 0; round < 3; round++) {
		char *schema = NULL;
		char *uri = new_schema(c, NULL, &schema);
		struct opener o[2] = {{.uri = uri}, {.uri = uri}};
		pthread_t t[2];
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, open_thread, &o[i]), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		for (int i = 0; i < 2; i++)
			if (o[i].rc != STEER_OK)
				fail_msg("opener %d: %s", i, o[i].msg);
		char stmt[128];
		snprintf(stmt, sizeof stmt, "SELECT count(*) FROM %s.sobre_schema", schema);
		assert_string_equal(value(c, stmt), "1");
		free(uri);
		free(schema);
	}
	PQfinish(c);
}

/* A database whose locale is not C, or not UTF8, is refused with the
 * command that creates a right one. */
static void test_locale(void **state)
{
	(void)state;
	PGconn *c = admin();
	static const struct {
		const char *options, *want;
	} dbs[] = {
		{"ENCODING 'LATIN1' LOCALE 'C'", "its encoding is LATIN1"},
		{"ENCODING 'UTF8' LOCALE 'C.UTF-8'", "locale C.UTF-8"},
		{"ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'und'", "provider ICU"},
	};
	for (size_t i = 0; i < sizeof dbs / sizeof *dbs; i++) {
		char name[64], stmt[320];
		snprintf(name, sizeof name, "sobre_locale_%ld_%zu", (long)getpid(), i);
		snprintf(stmt, sizeof stmt, "DROP DATABASE IF EXISTS %s", name);
		sql(c, stmt);
		snprintf(stmt, sizeof stmt, "CREATE DATABASE %s %s TEMPLATE template0", name, dbs[i].options);
		PGresult *r = PQexec(c, stmt);
		bool made = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!made) {
			/* A locale the system lacks (C.UTF-8 needs glibc's), or a
			 * server without ICU or older than 15. */
			print_message("locale case skipped: %s: %s", stmt, PQerrorMessage(c));
			continue;
		}
		const char *db = PQdb(c);
		const char *base = getenv("SOBRE_TEST_PG");
		const char *at = strstr(base, db);
		assert_non_null(at);
		buf_t b = BUF_INIT;
		buf_put(&b, base, (size_t)(at - base));
		buf_puts(&b, name);
		buf_puts(&b, at + strlen(db));
		diag_list_t d = DIAG_LIST_INIT;
		store_t *s = NULL;
		assert_int_equal(store_open(buf_cstr(&b), STORE_CREATE, &s, &d), STEER_IO);
		assert_int_equal(d.len, 1);
		if (!strstr(d.items[0].msg, dbs[i].want))
			fail_msg("expected '%s' in: %s", dbs[i].want, d.items[0].msg);
		assert_non_null(strstr(d.items[0].hint, "createdb -E UTF8 --locale=C -T template0"));
		diag_list_free(&d);
		buf_free(&b);
		snprintf(stmt, sizeof stmt, "DROP DATABASE %s", name);
		sql(c, stmt);
	}
	PQfinish(c);
}

/* A fresh store in a fresh schema, with a table of every type. */
static store_t *typed_store(PGconn *c, char **schema)
{
	char *uri = new_schema(c, NULL, schema);
	store_t *s = open_ok(uri, STORE_CREATE);
	free(uri);
	char stmt[256];
	snprintf(stmt, sizeof stmt, "CREATE TABLE %s.t(i bigint, r float8, s text, b bytea, f boolean)", *schema);
	sql(c, stmt);
	return s;
}

/* Every bind and column type, ?N, NULLs, blobs with zero bytes, booleans
 * as 0/1, store_changes. */
static void test_query_types(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *schema = NULL;
	store_t *s = typed_store(c, &schema);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	static const unsigned char blob[] = {0, 1, 2, 0xff, 0, '\\', 'x'};
	for (int k = 0; k < 3; k++) {
		store_query_t *q = store_query(s, "INSERT INTO t(i, r, s, b, f) VALUES (?, ?, ?, ?, ?)");
		store_bind_int(q, 1, k == 2 ? -9007199254740993LL : k);
		store_bind_double(q, 2, k + 0.25);
		store_bind_text(q, 3, k == 1 ? NULL : "é'\"?$1");
		if (k == 1)
			store_bind_null(q, 4);
		else
			store_bind_blob(q, 4, blob, sizeof blob);
		store_bind_text(q, 5, k == 0 ? "true" : "false");
		assert_int_equal(store_exec(q, &d, "inserting"), STEER_OK);
		assert_int_equal(store_changes(s), 1);
	}
	store_query_t *q = store_query(s, "SELECT i, r, s, b, f, i > ?1, ?2 FROM t WHERE i = ?1 OR i >= ?1 + 1 ORDER BY i");
	store_bind_int(q, 1, 0);
	store_bind_text(q, 2, "two");
	assert_true(store_next(q));
	assert_int_equal(store_col_int(q, 0), 0);
	assert_true(store_col_double(q, 1) == 0.25);
	assert_string_equal(store_col_text(q, 2), "é'\"?$1");
	size_t len = 0;
	const void *p = store_col_blob(q, 3, &len);
	assert_int_equal(len, sizeof blob);
	assert_memory_equal(p, blob, sizeof blob);
	assert_int_equal(store_col_int(q, 4), 1);
	assert_string_equal(store_col_text(q, 4), "1");
	assert_int_equal(store_col_int(q, 5), 0);
	assert_string_equal(store_col_text(q, 6), "two");
	/* A statement run while another is on a row. */
	long long n = 0;
	assert_int_equal(store_scalar(store_query(s, "SELECT count(*) FROM t WHERE f"), -1, &n, &d, "counting"), STEER_OK);
	assert_int_equal(n, 1);
	assert_true(store_next(q));
	assert_int_equal(store_col_int(q, 0), 1);
	assert_true(store_col_null(q, 2));
	assert_null(store_col_text(q, 2));
	assert_true(store_col_null(q, 3));
	assert_null(store_col_blob(q, 3, &len));
	assert_int_equal(len, 0);
	assert_int_equal(store_col_int(q, 4), 0);
	assert_int_equal(store_col_int(q, 5), 1);
	assert_false(store_next(q));
	assert_int_equal(store_end(q, &d, "reading"), STEER_OK);
	/* Bound NULL first, then an int: prepared again with the type. */
	for (int k = 0; k < 2; k++) {
		q = store_query(s, "SELECT count(*) FROM t WHERE i = ? OR ? = 7");
		if (k == 0) {
			store_bind_null(q, 1);
			store_bind_null(q, 2);
		} else {
			store_bind_int(q, 1, -9007199254740993LL);
			store_bind_int(q, 2, 8);
		}
		assert_int_equal(store_scalar(q, -1, &n, &d, "counting"), STEER_OK);
		assert_int_equal(n, k == 0 ? 0 : 1);
	}
	q = store_query(s, "UPDATE t SET s = 'x' WHERE i >= 0");
	assert_int_equal(store_exec(q, &d, "updating"), STEER_OK);
	assert_int_equal(store_changes(s), 2);
	/* A SELECT leaves it as it was, as SQLite's changes() does. */
	assert_int_equal(store_scalar(store_query(s, "SELECT 1"), 0, &n, &d, "one"), STEER_OK);
	assert_int_equal(store_changes(s), 2);
	/* A parameter the statement does not have fails the query. */
	q = store_query(s, "SELECT ?");
	store_bind_int(q, 2, 1);
	assert_false(store_next(q));
	assert_int_equal(store_end(q, &d, "binding"), STEER_IO);
	assert_non_null(strstr(d.items[0].msg, "no parameter 2"));
	diag_list_free(&d);
	store_rollback(s);
	store_close(s);
	free(schema);
	PQfinish(c);
}

static unsigned long long version_now(store_t *s)
{
	diag_list_t d = DIAG_LIST_INIT;
	unsigned long long v = 0;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_data_version(s, &v, &d), STEER_OK);
	store_rollback(s);
	diag_list_free(&d);
	return v;
}

/* The data version moves with a committed write, by this connection or
 * another, and not with a read or a rollback. */
static void test_data_version(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *schema = NULL;
	char *uri = new_schema(c, NULL, &schema);
	store_t *s = open_ok(uri, STORE_CREATE), *other = open_ok(uri, 0);
	diag_list_t d = DIAG_LIST_INIT;
	unsigned long long v0 = version_now(s);
	assert_int_equal(version_now(s), v0);
	assert_int_equal(version_now(other), v0);
	/* A read. */
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	free(store_meta(s, "organisation"));
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_int_equal(version_now(s), v0);
	/* A rolled-back write. */
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_set_meta(s, "organisation", "A", &d), STEER_OK);
	unsigned long long inside = 0;
	assert_int_equal(store_data_version(s, &inside, &d), STEER_OK);
	assert_true(inside != v0);
	store_rollback(s);
	assert_int_equal(version_now(s), v0);
	/* A committed one, seen here and there; a reader's snapshot keeps
	 * its version until it ends. */
	assert_int_equal(store_begin(other, false, &d), STEER_OK);
	unsigned long long before = 0;
	assert_int_equal(store_data_version(other, &before, &d), STEER_OK);
	assert_int_equal(before, v0);
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_set_meta(s, "organisation", "A", &d), STEER_OK);
	assert_int_equal(store_set_meta(s, "contact", "B", &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_int_equal(store_data_version(other, &before, &d), STEER_OK);
	assert_int_equal(before, v0);
	store_rollback(other);
	unsigned long long v1 = version_now(s);
	assert_true(v1 != v0);
	assert_int_equal(version_now(other), v1);
	assert_int_equal(d.len, 0);
	store_close(s);
	store_close(other);
	free(uri);
	free(schema);
	PQfinish(c);
}

/* A write in a transaction opened for reading is refused (SQLite would
 * have upgraded it), as the caller's mistake; a refusal trigger's message
 * reaches the diagnostics; a COMMIT after an error says it rolled back. */
static void test_refusals(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *uri = new_schema(c, NULL, NULL);
	store_t *s = open_ok(uri, STORE_CREATE);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_set_meta(s, "organisation", "A", &d), STEER_IO);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].msg, "read-only transaction"));
	assert_non_null(strstr(d.items[0].msg, "a write in a transaction opened for reading"));
	assert_string_equal(d.items[0].rule, STORE_CAUSE_OTHER);
	store_rollback(s);
	diag_list_free(&d);
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_log_global(s, "organisation", NULL, "A", &d), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "UPDATE history SET actor = 'me'"), &d, "rewriting the history"),
			 STEER_IO);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "rewriting the history failed: the history is append-only");
	diag_list_free(&d);
	assert_int_equal(store_commit(s, &d), STEER_IO);
	assert_non_null(strstr(d.items[0].msg, "rolled back"));
	assert_false(store_in_transaction(s));
	diag_list_free(&d);
	/* A syntax error is reported at the step, and the store goes on. */
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "SELEC 1"), &d, "misspelling"), STEER_IO);
	assert_non_null(strstr(d.items[0].msg, "syntax error"));
	store_rollback(s);
	diag_list_free(&d);
	assert_true(version_now(s) > 0);
	store_close(s);
	free(uri);
	PQfinish(c);
}

struct writer {
	store_t *s;
	volatile int done;
	steer_rc rc;
};

static void *write_thread(void *arg)
{
	struct writer *w = arg;
	diag_list_t d = DIAG_LIST_INIT;
	w->rc = store_begin(w->s, true, &d);
	if (!w->rc)
		w->rc = store_set_meta(w->s, "organisation", "W", &d);
	if (!w->rc)
		w->rc = store_commit(w->s, &d);
	diag_list_free(&d);
	w->done = 1;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* One writer at a time: a session holding sobre's lock makes a writer
 * wait, and the health check (200 ms) says busy; released, the writer
 * proceeds. Readers do not wait, nor does sobre in another schema of the
 * database. Held too long, the writer gives up. */
static void test_writer_lock(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *schema = NULL;
	char *uri = new_schema(c, NULL, &schema), *uri2 = new_schema(c, NULL, NULL);
	store_t *s = open_ok(uri, STORE_CREATE), *reader = open_ok(uri, 0), *other = open_ok(uri2, STORE_CREATE);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_health(s, &d), STEER_OK);
	char stmt[256];
	snprintf(stmt, sizeof stmt, "SET search_path = %s", schema);
	sql(c, stmt);
	sql(c, "BEGIN");
	snprintf(stmt, sizeof stmt, "SELECT pg_advisory_xact_lock(%d, %s)", STORE_PG_LOCK_KEY, STORE_PG_LOCK_SCHEMA);
	sql(c, stmt);
	struct writer w = {.s = s};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_thread, &w), 0);
	assert_int_equal(store_health(reader, &d), STEER_IO);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_BUSY);
	diag_list_free(&d);
	/* Another installation, in another schema: its own lock. */
	assert_int_equal(store_health(other, &d), STEER_OK);
	assert_int_equal(store_begin(other, true, &d), STEER_OK);
	assert_int_equal(store_set_meta(other, "organisation", "X", &d), STEER_OK);
	assert_int_equal(store_commit(other, &d), STEER_OK);
	assert_int_equal(d.len, 0);
	assert_int_equal(store_begin(reader, false, &d), STEER_OK);
	free(store_meta(reader, "organisation"));
	store_rollback(reader);
	sleep_ms(300);
	assert_int_equal(w.done, 0);
	sql(c, "COMMIT");
	pthread_join(t, NULL);
	assert_int_equal(w.rc, STEER_OK);
	assert_int_equal(store_begin(reader, false, &d), STEER_OK);
	char *org = store_meta(reader, "organisation");
	assert_string_equal(org, "W");
	free(org);
	store_rollback(reader);
	assert_int_equal(d.len, 0);
	/* Held for longer than STORE_PG_LOCK_TIMEOUT_MS (5 s): the writer
	 * gives up, busy, after about that long. */
	sql(c, "BEGIN");
	sql(c, stmt);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_begin(s, true, &d), STEER_IO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (waited < 4.5)
		fail_msg("gave up after %.1f s, not 5", waited);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_BUSY);
	assert_non_null(strstr(d.items[0].msg, "lock timeout"));
	assert_false(store_in_transaction(s));
	diag_list_free(&d);
	sql(c, "COMMIT");
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	store_rollback(s);
	store_close(s);
	store_close(reader);
	store_close(other);
	free(uri);
	free(uri2);
	free(schema);
	PQfinish(c);
}

static long long backend_pid(store_t *s, diag_list_t *d)
{
	long long pid = 0;
	assert_int_equal(store_scalar(store_query(s, "SELECT pg_backend_pid()"), 0, &pid, d, "reading the pid"), STEER_OK);
	return pid;
}

static void terminate(PGconn *c, long long pid)
{
	char stmt[96];
	snprintf(stmt, sizeof stmt, "SELECT pg_terminate_backend(%lld, 5000)", pid);
	assert_string_equal(value(c, stmt), "t");
}

/* The store's connection ended by the server (an administrator, a
 * restart): between transactions, the next begin reconnects and the
 * cached statements work again; inside one, the failure is
 * db-unavailable, and the next begin reconnects; a reconnection the
 * server refuses is db-unavailable, and a later one works. */
static void test_reconnect(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *uri = new_schema(c, NULL, NULL);
	store_t *s = open_ok(uri, STORE_CREATE);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	long long pid = backend_pid(s, &d);
	store_rollback(s);
	terminate(c, pid);
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	long long pid2 = backend_pid(s, &d);
	assert_true(pid2 != pid);
	/* The new session has sobre's settings, as the first had. */
	/* (Statements are cached by their text's address: one literal each.) */
#define SETTING_MS(name) "SELECT (extract(epoch FROM current_setting('" name "')::interval) * 1000)::bigint"
	static const struct {
		const char *sql;
		long long ms;
	} settings[] = {
		{SETTING_MS("lock_timeout"), 5000},
		{SETTING_MS("statement_timeout"), 60000},
		{SETTING_MS("idle_in_transaction_session_timeout"), 60000},
	};
#undef SETTING_MS
	for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
		long long ms = -1;
		assert_int_equal(store_scalar(store_query(s, settings[i].sql), 0, &ms, &d, "reading a setting"), STEER_OK);
		if (ms != settings[i].ms)
			fail_msg("%s: %lld ms, expected %lld", settings[i].sql, ms, settings[i].ms);
	}
	assert_int_equal(store_set_meta(s, "organisation", "R", &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_int_equal(d.len, 0);
	/* Inside a transaction. */
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	terminate(c, pid2);
	long long n = 0;
	assert_int_equal(store_scalar(store_query(s, "SELECT pg_backend_pid()"), 0, &n, &d, "reading the pid"), STEER_IO);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_UNAVAILABLE);
	store_rollback(s);
	assert_false(store_in_transaction(s));
	diag_list_free(&d);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	char *org = store_meta(s, "organisation");
	assert_string_equal(org, "R");
	free(org);
	long long pid3 = backend_pid(s, &d);
	assert_true(pid3 != pid2);
	store_rollback(s);
	assert_int_equal(store_health(s, &d), STEER_OK);
	assert_int_equal(d.len, 0);
	/* The server refusing the new connection: db-unavailable, then a
	 * later begin connects. */
	const char *const keys[] = {"dbname", "dbname", NULL};
	const char *const values[] = {getenv("SOBRE_TEST_PG"), "postgres", NULL};
	PGconn *other = PQconnectdbParams(keys, values, 1); /* not from the database it closes */
	if (PQstatus(other) != CONNECTION_OK)
		fail_msg("cannot connect to postgres: %s", PQerrorMessage(other));
	char stmt[160];
	snprintf(stmt, sizeof stmt, "ALTER DATABASE %s ALLOW_CONNECTIONS false", PQdb(c));
	sql(other, stmt);
	terminate(c, pid3);
	steer_rc rc = store_begin(s, false, &d);
	snprintf(stmt, sizeof stmt, "ALTER DATABASE %s ALLOW_CONNECTIONS true", PQdb(c));
	sql(other, stmt);
	PQfinish(other);
	assert_int_equal(rc, STEER_IO);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_UNAVAILABLE);
	assert_non_null(strstr(d.items[0].msg, "reconnecting to the database failed"));
	assert_false(store_in_transaction(s));
	diag_list_free(&d);
	assert_int_equal(store_health(s, &d), STEER_OK);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	org = store_meta(s, "organisation");
	assert_string_equal(org, "R");
	free(org);
	store_rollback(s);
	assert_int_equal(d.len, 0);
	store_close(s);
	free(uri);
	PQfinish(c);
}

/* A server that takes only reads (default_transaction_read_only here, as
 * a hot standby): refused for writing, opened read-only with STORE_READ,
 * its writes then refused with that cause. */
static void test_read_only(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *schema = NULL;
	char *uri = new_schema(c, NULL, &schema);
	store_close(open_ok(uri, STORE_CREATE));
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s%%20-cdefault_transaction_read_only%%3Don", uri);
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	assert_int_equal(store_open(buf_cstr(&b), 0, &s, &d), STEER_IO);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_READONLY);
	assert_non_null(strstr(d.items[0].msg, "cannot open"));
	diag_list_free(&d);
	s = open_ok(buf_cstr(&b), STORE_READ);
	assert_string_equal(store_readonly_cause(s), STORE_CAUSE_READONLY);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	free(store_meta(s, "organisation"));
	store_rollback(s);
	assert_int_equal(store_begin(s, true, &d), STEER_IO);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_READONLY);
	diag_list_free(&d);
	assert_int_equal(store_health(s, &d), STEER_IO);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_READONLY);
	diag_list_free(&d);
	store_close(s);
	buf_free(&b);
	free(uri);
	free(schema);
	PQfinish(c);
}

/* A password in the URI stays out of every message (trust authentication
 * ignores it, so the store opens). */
static void test_redacted(void **state)
{
	(void)state;
	PGconn *c = admin();
	char *uri = new_schema(c, "&password=hunter2", NULL);
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	assert_int_equal(store_open(uri, 0, &s, &d), STEER_IO);
	assert_non_null(strstr(d.items[0].msg, "is not initialised"));
	assert_null(strstr(d.items[0].msg, "hunter2"));
	assert_null(strstr(d.items[0].file, "hunter2"));
	diag_list_free(&d);
	s = open_ok(uri, STORE_CREATE);
	assert_null(strstr(store_name(s), "hunter2"));
	assert_string_equal(store_path(s), uri);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "SELECT 'hunter2'::int"), &d, "converting"), STEER_IO);
	assert_null(strstr(d.items[0].file, "hunter2"));
	assert_null(strstr(d.items[0].msg, "hunter2"));
	store_rollback(s);
	diag_list_free(&d);
	assert_int_equal(store_backup(s, "/tmp/never-written", &d), STEER_REFUSED);
	assert_non_null(strstr(d.items[0].hint, "pg_dump -Fc"));
	assert_null(strstr(d.items[0].file, "hunter2"));
	diag_list_free(&d);
	store_close(s);
	free(uri);
	PQfinish(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_create), cmocka_unit_test(test_two_openers), cmocka_unit_test(test_locale),
		cmocka_unit_test(test_query_types), cmocka_unit_test(test_data_version), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_writer_lock), cmocka_unit_test(test_reconnect),   cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_redacted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
