/* store_pg: the store's PostgreSQL backend (store_backend.h), the only code
 * of sobre that knows libpq: connecting (libpq's URI, its environment
 * variables, sobre's defaults for what neither sets), the checks of the
 * database (C locale, UTF8, a sobre schema or an empty one), installing
 * the baseline schema (store_pg_schema.c) once whatever the number of
 * servers starting, transactions with one writer at a time (an advisory
 * lock, as SQLite's BEGIN IMMEDIATE), statements prepared on the server
 * and their results read from memory, the mapping of SQLSTATEs to causes,
 * and reconnecting after the connection was lost.
 *
 * One connection per store_t, used by one thread at a time, as with
 * SQLite. A result is read whole into memory (PQexecPrepared) before its
 * first row is returned: the steer modules interleave statements (read a
 * row, run another statement, read the next row), which one connection
 * can only serve so. */
#include "steer/store_pg.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/store_backend.h"
#include "steer/store_pg_schema.h"
#include "steer/store_sql.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Defaults for what neither the URI nor libpq's environment sets. A server
 * that does not answer within this is reported, not waited for: the web
 * app's requests are bounded, and so is a reconnection at store_begin. */
#define STORE_PG_CONNECT_TIMEOUT_S 5
/* TCP keepalives: a connection whose peer vanished (a server or network
 * gone without a word) is found dead after idle + interval * count
 * seconds, not after the system's two hours. */
#define STORE_PG_KEEPALIVE_IDLE_S 30
#define STORE_PG_KEEPALIVE_INTERVAL_S 10
#define STORE_PG_KEEPALIVE_COUNT 3
/* Waiting for the writer's lock (or any lock): SQLite's busy timeout
 * (STORE_BUSY_TIMEOUT_MS), the same 5 s. */
#define STORE_PG_LOCK_TIMEOUT_MS 5000
/* A statement that runs longer than this is cancelled (sobre's take
 * milliseconds: one this slow is a runaway, holding a server thread), and
 * so is a session left idle this long inside a transaction (a client that
 * hangs holding the writers' lock would stop every write). */
#define STORE_PG_STATEMENT_TIMEOUT_MS 60000
#define STORE_PG_IDLE_TX_TIMEOUT_MS 60000

/* Type oids of pg_type.dat (server/catalog/pg_type_d.h is not a client
 * header): stable across versions, as the protocol depends on them. */
#define PG_BOOLOID 16
#define PG_BYTEAOID 17
#define PG_INT8OID 20
#define PG_FLOAT8OID 701

/* What a failing call returns; the failure itself is kept in the
 * connection (err_cause, err_msg) for pg_failure. */
#define PG_FAILED 1

#define STR_(x) #x
#define STR(x) STR_(x)

struct store_conn {
	PGconn *pg;
	/* Bumped by every reconnection: a statement prepared under another
	 * generation is prepared again (the server forgot it). */
	unsigned generation;
	unsigned long next_name; /* prepared statements' names: s1, s2... */
	bool tx_write;           /* the open transaction's kind */
	bool standby;            /* the server accepts only reads */
	long long changes;       /* rows of the last INSERT, UPDATE or DELETE */
	char *password;          /* the connection's, kept out of messages */
	/* The last failure, for pg_failure. */
	const char *err_cause;
	char *err_msg;
};

struct store_stmt {
	store_conn_t *c;
	char *sql;         /* with $n parameters */
	int nparams;
	char name[24];     /* the server's name for it, once prepared */
	unsigned prepared; /* the generation it was prepared in; 0: not yet */
	Oid *have;         /* the types it was prepared with */
	Oid *want;         /* the types of the values bound (0: any) */
	char **values;     /* bound values, text or binary; NULL for NULL */
	int *lengths, *formats;
	char (*num)[32];   /* text of bound numbers, pointed to by values */
	PGresult *res;     /* the buffered result while its rows are read */
	int row, nrows;
	unsigned char **blobs; /* bytea columns of the current row, decoded */
	size_t *blob_len;
	int ncols;
};

/* --- errors ------------------------------------------------------------ */

const char *store_pg_cause(const char *sqlstate)
{
	if (!sqlstate)
		return STORE_CAUSE_UNAVAILABLE;
	static const struct {
		const char *state, *cause;
	} map[] = {
		{"53100", STORE_CAUSE_FULL},     /* disk_full */
		{"25006", STORE_CAUSE_READONLY}, /* read_only_sql_transaction */
		{"55P03", STORE_CAUSE_BUSY},     /* lock_not_available: lock_timeout */
		{"57014", STORE_CAUSE_BUSY},     /* query_canceled: statement_timeout */
		{"40001", STORE_CAUSE_RETRY},    /* serialization_failure */
		{"40P01", STORE_CAUSE_RETRY},    /* deadlock_detected */
		{"53300", STORE_CAUSE_BUSY},     /* too_many_connections */
		{"XX001", STORE_CAUSE_CORRUPT},  /* data_corrupted */
		{"XX002", STORE_CAUSE_CORRUPT},  /* index_corrupted */
		{"57P01", STORE_CAUSE_UNAVAILABLE}, /* admin_shutdown, pg_terminate_backend */
		{"57P02", STORE_CAUSE_UNAVAILABLE}, /* crash_shutdown */
		{"57P03", STORE_CAUSE_UNAVAILABLE}, /* cannot_connect_now: starting up */
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(sqlstate, map[i].state) == 0)
			return map[i].cause;
	/* Class 08: connection exceptions. */
	if (strncmp(sqlstate, "08", 2) == 0)
		return STORE_CAUSE_UNAVAILABLE;
	return STORE_CAUSE_OTHER;
}

static bool cause_is(const char *cause, const char *which)
{
	return cause && strcmp(cause, which) == 0;
}

static const char *pg_cause_text(const char *cause)
{
	if (cause_is(cause, STORE_CAUSE_FULL))
		return "the database server's disk is full";
	if (cause_is(cause, STORE_CAUSE_BUSY))
		return "another sobre writer holds the lock";
	if (cause_is(cause, STORE_CAUSE_RETRY))
		return "the transaction conflicted with another one";
	if (cause_is(cause, STORE_CAUSE_CORRUPT))
		return "the database server reports damaged data";
	if (cause_is(cause, STORE_CAUSE_UNAVAILABLE))
		return "the database server cannot be reached";
	return "the database server accepts only reads (a standby, or default_transaction_read_only)";
}

static const char *pg_cause_hint(const char *cause)
{
	if (cause_is(cause, STORE_CAUSE_FULL))
		return "the PostgreSQL server's disk is full; free some space there and try again (nothing was written)";
	if (cause_is(cause, STORE_CAUSE_READONLY))
		return "name the primary server with --db; read commands (score, show, plan...) work on a standby";
	if (cause_is(cause, STORE_CAUSE_BUSY))
		return "another sobre command or server is writing to this database, or the server is overloaded; try "
		       "again";
	if (cause_is(cause, STORE_CAUSE_RETRY))
		return "nothing of it was kept: run the command again";
	if (cause_is(cause, STORE_CAUSE_CORRUPT))
		return "see the PostgreSQL server's log; restore the database from a backup (pg_dump, pg_basebackup)";
	if (cause_is(cause, STORE_CAUSE_UNAVAILABLE))
		return "check that PostgreSQL runs and accepts connections from here, then try again";
	return NULL;
}

/* msg without the connection's password, should libpq or the server ever
 * quote it, on one line. Caller frees. */
static char *scrub(const store_conn_t *c, const char *msg)
{
	buf_t b = BUF_INIT;
	const char *pw = c && c->password && *c->password ? c->password : NULL;
	const char *p = msg ? msg : "unknown error";
	for (;;) {
		const char *hit = pw ? strstr(p, pw) : NULL;
		if (!hit) {
			buf_puts(&b, p);
			break;
		}
		buf_put(&b, p, (size_t)(hit - p));
		buf_puts(&b, "***");
		p = hit + strlen(pw);
	}
	char *s = buf_detach(&b);
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	/* One line: libpq continues a message on a new line with a tab. */
	size_t w = 0;
	for (size_t r = 0; r < n; r++) {
		if (s[r] == '\n' || s[r] == '\t') {
			if (w > 0 && s[w - 1] != ' ')
				s[w++] = ' ';
			continue;
		}
		s[w++] = s[r];
	}
	s[w] = '\0';
	return s;
}

/* A message, formatted. Caller frees. */
__attribute__((format(printf, 1, 2))) static char *msgf(const char *fmt, ...)
{
	va_list ap;
	buf_t b = BUF_INIT;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

/* Keeps a failure in c for pg_failure; returns PG_FAILED. */
static int keep(store_conn_t *c, const char *cause, char *msg)
{
	free(c->err_msg);
	c->err_msg = msg;
	c->err_cause = cause;
	return PG_FAILED;
}

/* The cause of a failed result (NULL: none came back). A write refused in
 * a transaction opened for reading is the caller's mistake, not the
 * server's state, unless the server is a standby. */
static const char *result_cause(const store_conn_t *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return PQstatus(c->pg) == CONNECTION_BAD ? STORE_CAUSE_UNAVAILABLE : STORE_CAUSE_OTHER;
	const char *cause = store_pg_cause(state);
	if (cause_is(cause, STORE_CAUSE_READONLY) && strcmp(state, "25006") == 0 && !c->tx_write && !c->standby)
		return STORE_CAUSE_OTHER;
	return cause;
}

/* The message of a failed result: the server's, with its detail, or
 * libpq's when the server said nothing. Caller frees. */
static char *result_message(const store_conn_t *c, const PGresult *res)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!primary)
		return scrub(c, PQerrorMessage(c->pg));
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	buf_t b = BUF_INIT;
	buf_puts(&b, primary);
	if (detail)
		buf_printf(&b, " (%s)", detail);
	if (state && strcmp(state, "25006") == 0 && !c->tx_write && !c->standby)
		buf_puts(&b, " [internal error: a write in a transaction opened for reading]");
	char *msg = buf_detach(&b);
	char *s = scrub(c, msg);
	free(msg);
	return s;
}

/* Keeps the failure of res (which may be NULL) in c and frees res. */
static int keep_result(store_conn_t *c, PGresult *res)
{
	keep(c, result_cause(c, res), result_message(c, res));
	PQclear(res);
	return PG_FAILED;
}

/* Reports the failure kept in c, as what failed. */
static steer_rc report_kept(store_t *s, diag_list_t *d, const char *what)
{
	store_report(s, d, what, s->conn->err_cause, s->conn->err_msg ? s->conn->err_msg : "unknown error");
	return STEER_IO;
}

/* Runs sql (one or more statements, no parameters): 0, or PG_FAILED with
 * the failure kept. */
static int run(store_conn_t *c, const char *sql)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return keep_result(c, res);
	PQclear(res);
	return 0;
}

/* run, reporting a failure as what failed. */
static steer_rc exec(store_t *s, const char *sql, const char *what, diag_list_t *d)
{
	return run(s->conn, sql) ? report_kept(s, d, what) : STEER_OK;
}

/* The first value of a one-row query, malloc'd (NULL: SQL NULL or a
 * failure, kept in c; *ok says which). */
static char *query_value(store_conn_t *c, const char *sql, bool *ok)
{
	*ok = false;
	PGresult *res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		keep_result(c, res);
		return NULL;
	}
	*ok = true;
	char *v = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return v;
}

/* --- the connection ---------------------------------------------------- */

/* libpq prints the server's notices and warnings on stderr by default; a
 * ROLLBACK with nothing to roll back is not news. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The session's settings, after every connection and reconnection. */
static int configure(store_conn_t *c)
{
	PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
	return run(c, "SET lock_timeout = " STR(STORE_PG_LOCK_TIMEOUT_MS) "; SET statement_timeout = " STR(
			      STORE_PG_STATEMENT_TIMEOUT_MS) "; SET idle_in_transaction_session_timeout = " STR(
			      STORE_PG_IDLE_TX_TIMEOUT_MS) "; SET synchronous_commit = on");
}

/* Connects to the URI, sobre's defaults first so that the URI (and libpq's
 * environment variable, when set) wins. */
static PGconn *connect_uri(const char *uri)
{
	const char *keys[10], *values[10];
	size_t n = 0;
	if (!getenv("PGCONNECT_TIMEOUT")) {
		keys[n] = "connect_timeout";
		values[n++] = STR(STORE_PG_CONNECT_TIMEOUT_S);
	}
	if (!getenv("PGAPPNAME")) {
		keys[n] = "application_name";
		values[n++] = "sobre";
	}
	keys[n] = "keepalives_idle";
	values[n++] = STR(STORE_PG_KEEPALIVE_IDLE_S);
	keys[n] = "keepalives_interval";
	values[n++] = STR(STORE_PG_KEEPALIVE_INTERVAL_S);
	keys[n] = "keepalives_count";
	values[n++] = STR(STORE_PG_KEEPALIVE_COUNT);
	keys[n] = "dbname";
	values[n++] = uri;
	keys[n] = NULL;
	values[n] = NULL;
	return PQconnectdbParams(keys, values, 1);
}

/* What to do about a connection that failed with msg. */
static const char *connect_hint(const char *msg)
{
	if (strstr(msg, "does not exist") && strstr(msg, "database"))
		return "create it with: createdb -E UTF8 --locale=C -T template0 NAME (or name another with --db)";
	if (strstr(msg, "authentication failed") || strstr(msg, "password"))
		return "check the user and password: give the password in PGPASSWORD or a ~/.pgpass file (PGPASSFILE) "
		       "rather than in the URI";
	return pg_cause_hint(STORE_CAUSE_UNAVAILABLE);
}

/* The URI's syntax, checked before connecting: libpq's message. */
static steer_rc check_uri(store_t *s, diag_list_t *d)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(s->path, &err);
	if (!opts) {
		/* libpq may quote the part it could not read: the name (without
		 * the password) is given, not the message. */
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "cannot open the database: not a valid PostgreSQL URI");
		diag_hint(x, "write it as postgresql://USER@HOST:PORT/DATABASE?KEY=VALUE (libpq's syntax)");
		PQfreemem(err);
		return STEER_IO;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val)
			s->conn->password = xstrdup(o->val);
	PQconninfoFree(opts);
	return STEER_OK;
}

/* The database's locale and encoding, and whether it takes writes. */
static steer_rc check_database(store_t *s, int flags, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	/* datlocprovider exists from PostgreSQL 15 on; read through to_jsonb,
	 * older servers have libc's only ('c'). */
	PGresult *res = PQexec(c->pg, "SELECT d.datcollate, d.datctype, pg_encoding_to_char(d.encoding), "
				      "pg_is_in_recovery(), current_setting('default_transaction_read_only') = 'on', "
				      "coalesce(to_jsonb(d) ->> 'datlocprovider', 'c') "
				      "FROM pg_database d WHERE d.datname = current_database()");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		keep_result(c, res);
		return report_kept(s, d, "reading the database's settings");
	}
	const char *collate = PQgetvalue(res, 0, 0), *ctype = PQgetvalue(res, 0, 1), *enc = PQgetvalue(res, 0, 2);
	bool c_collate = strcmp(collate, "C") == 0 || strcmp(collate, "POSIX") == 0;
	bool c_ctype = strcmp(ctype, "C") == 0 || strcmp(ctype, "POSIX") == 0;
	/* An ICU database sorts by its ICU locale, whatever datcollate says. */
	bool libc = strcmp(PQgetvalue(res, 0, 5), "c") == 0;
	if (!c_collate || !c_ctype || !libc || strcmp(enc, "UTF8") != 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "cannot use this database: its encoding is %s and its locale %s (ctype %s%s); sobre "
				     "needs UTF8 and the C locale, so that text sorts and compares as with SQLite",
				     enc, collate, ctype, libc ? "" : ", provider ICU");
		diag_hint(x, "create a database for sobre with: createdb -E UTF8 --locale=C -T template0 sobre");
		PQclear(res);
		return STEER_IO;
	}
	c->standby = strcmp(PQgetvalue(res, 0, 3), "t") == 0 || strcmp(PQgetvalue(res, 0, 4), "t") == 0;
	PQclear(res);
	if (!c->standby)
		return STEER_OK;
	if (!(flags & STORE_READ)) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_READONLY, "cannot open %s for writing: %s",
				     s->name, pg_cause_text(STORE_CAUSE_READONLY));
		diag_hint(x, "%s", pg_cause_hint(STORE_CAUSE_READONLY));
		return STEER_IO;
	}
	s->ro_cause = STORE_CAUSE_READONLY;
	return STEER_OK;
}

/* What the connection's current schema holds: *version the sobre schema's
 * (0: none), *tables its count of tables and such. */
static steer_rc read_schema(store_t *s, long long *version, long long *tables, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	*version = 0;
	*tables = 0;
	PGresult *res = PQexec(c->pg, "SELECT current_schema(), (SELECT count(*) FROM pg_class k JOIN pg_namespace n "
				      "ON n.oid = k.relnamespace WHERE n.nspname = current_schema() AND k.relkind IN "
				      "('r', 'p', 'v', 'm', 'f')), to_regclass(quote_ident(current_schema()) || "
				      "'.sobre_schema') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		keep_result(c, res);
		return report_kept(s, d, "reading the schema");
	}
	if (PQgetisnull(res, 0, 0)) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "cannot open the database: no schema of its search_path exists");
		diag_hint(x, "create the schema, or name an existing one: ?options=-csearch_path%%3DSCHEMA in the URI");
		PQclear(res);
		return STEER_IO;
	}
	*tables = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	bool sobre = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	PQclear(res);
	if (!sobre)
		return STEER_OK;
	bool ok;
	char *v = query_value(c, "SELECT version FROM sobre_schema WHERE application = 'sobre'", &ok);
	if (!ok)
		return report_kept(s, d, "reading the schema version");
	*version = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (*version <= 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_CORRUPT,
				     "%s has a sobre_schema table without sobre's row", s->name);
		diag_hint(x, "name a sobre database with --db, or an empty schema for sobre init");
		return STEER_IO;
	}
	return STEER_OK;
}

/* The writers' lock (store_pg.h): the schema's, whatever the database. */
#define PG_LOCK_WRITERS "SELECT pg_advisory_xact_lock(" STR(STORE_PG_LOCK_KEY) ", " STORE_PG_LOCK_SCHEMA ")"

/* Installs the baseline in the empty schema, once: under the writer's
 * lock, the schema is read again, as another server may have installed it
 * meanwhile. */
static steer_rc install(store_t *s, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	if (exec(s, "BEGIN ISOLATION LEVEL READ COMMITTED; " PG_LOCK_WRITERS, "locking the database to create its schema",
		 d))
		goto fail;
	long long version, tables;
	if (read_schema(s, &version, &tables, d))
		goto fail;
	if (version == 0 && tables > 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "%s holds tables, but not a sobre database (they were created meanwhile)", s->name);
		diag_hint(x, "name an empty schema for sobre init");
		goto fail;
	}
	if (version == 0 && exec(s, store_pg_schema_sql(), "creating the schema", d))
		goto fail;
	if (exec(s, "COMMIT", "creating the schema", d))
		goto fail;
	return STEER_OK;
fail:
	PQclear(PQexec(c->pg, "ROLLBACK"));
	return STEER_IO;
}

static steer_rc pg_open(store_t *s, int flags, int version, diag_list_t *d)
{
	(void)version; /* one baseline: nothing older to stop at */
	store_conn_t *c = s->conn = xcalloc(1, sizeof *s->conn);
	c->generation = 1;
	if (check_uri(s, d))
		return STEER_IO;
	c->pg = connect_uri(s->path);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		char *msg = scrub(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_UNAVAILABLE,
				     "cannot connect to the database: %s", msg);
		diag_hint(x, "%s", connect_hint(msg));
		free(msg);
		return STEER_IO;
	}
	if (configure(c))
		return report_kept(s, d, "configuring the connection");
	if (check_database(s, flags, d))
		return STEER_IO;
	long long have, tables;
	if (read_schema(s, &have, &tables, d))
		return STEER_IO;
	if (have == 0 && tables > 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "%s holds tables, but not a sobre database", s->name);
		diag_hint(x, "name a sobre database with --db, or an empty schema (options=-csearch_path%%3DSCHEMA "
			     "in the URI) for sobre init");
		return STEER_IO;
	}
	if (have > STORE_SCHEMA_VERSION) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "the database has schema version %lld, written by a newer sobre (this one knows up to %d)",
				     have, STORE_SCHEMA_VERSION);
		diag_hint(x, "upgrade sobre; this version cannot safely write to it");
		return STEER_IO;
	}
	if (have > 0)
		return STEER_OK;
	if (!(flags & STORE_CREATE)) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
				     "cannot open the database: %s is not initialised (its schema is empty)", s->name);
		diag_hint(x, "create sobre's tables there with: sobre init --db URI");
		return STEER_IO;
	}
	if (s->ro_cause) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, s->ro_cause,
				     "cannot create the schema: %s", pg_cause_text(s->ro_cause));
		diag_hint(x, "%s", pg_cause_hint(s->ro_cause));
		return STEER_IO;
	}
	return install(s, d);
}

static void pg_close(store_t *s)
{
	store_conn_t *c = s->conn;
	if (!c)
		return;
	/* Closing the connection rolls an open transaction back. */
	PQfinish(c->pg);
	free(c->password);
	free(c->err_msg);
	free(c);
	s->conn = NULL;
}

/* After a connection found dead: PQreset (bounded by connect_timeout),
 * the session's settings again, and every statement to prepare again. */
static steer_rc reconnect(store_t *s, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	PQreset(c->pg);
	c->generation++;
	if (PQstatus(c->pg) != CONNECTION_OK) {
		keep(c, STORE_CAUSE_UNAVAILABLE, scrub(c, PQerrorMessage(c->pg)));
		return report_kept(s, d, "reconnecting to the database");
	}
	if (configure(c))
		return report_kept(s, d, "configuring the connection");
	return STEER_OK;
}

static int pg_init_multithread(void)
{
	return PQisthreadsafe() ? 0 : -1;
}

static int pg_schema_version(store_t *s)
{
	bool ok;
	char *v = query_value(s->conn, "SELECT version FROM sobre_schema WHERE application = 'sobre'", &ok);
	int n = ok && v ? (int)strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

static long long pg_size_bytes(store_t *s)
{
	bool ok;
	char *v = query_value(s->conn, "SELECT pg_database_size(current_database())", &ok);
	long long n = ok && v ? strtoll(v, NULL, 10) : -1;
	free(v);
	return n;
}

static steer_rc pg_backup(store_t *s, const char *dest, diag_list_t *d)
{
	(void)dest;
	diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, "pg-backup",
			     "sobre backup copies SQLite files; a PostgreSQL database is backed up with PostgreSQL's tools");
	diag_hint(x, "pg_dump -Fc -f sobre.dump DATABASE for a copy (pg_restore restores it), or pg_basebackup with WAL "
		     "archiving for point-in-time recovery");
	return STEER_REFUSED;
}

/* --- transactions ------------------------------------------------------ */

/* The writer's lock comes first: one sobre writer at a time, each seeing
 * all that was committed before it got the lock (READ COMMITTED takes a
 * snapshot per statement; REPEATABLE READ would take it with the lock's
 * statement, before the lock is granted). A reader gets one snapshot for
 * the whole transaction, and READ ONLY refuses a write by mistake. */
static const char begin_write[] = "BEGIN ISOLATION LEVEL READ COMMITTED; " PG_LOCK_WRITERS;
static const char begin_read[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

static steer_rc pg_begin(store_t *s, bool write, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	if (PQstatus(c->pg) == CONNECTION_BAD && reconnect(s, d))
		return STEER_IO;
	c->tx_write = write;
	if (!run(c, write ? begin_write : begin_read))
		return STEER_OK;
	/* A connection lost since the last use (the server restarted, an
	 * administrator ended it) shows only now: once more on a new one. */
	if (PQstatus(c->pg) != CONNECTION_BAD) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
		return report_kept(s, d, "starting a transaction");
	}
	if (reconnect(s, d))
		return STEER_IO;
	if (run(c, write ? begin_write : begin_read)) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
		return report_kept(s, d, "starting a transaction");
	}
	return STEER_OK;
}

static steer_rc pg_commit(store_t *s, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	PGresult *res = PQexec(c->pg, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		/* Lost during COMMIT, the transaction may or may not be there. */
		keep_result(c, res);
		return report_kept(s, d, "committing");
	}
	/* COMMIT of a transaction an error aborted rolls it back without an
	 * error of its own. */
	bool rolled_back = strcmp(PQcmdStatus(res), "ROLLBACK") == 0;
	PQclear(res);
	if (rolled_back) {
		keep(c, STORE_CAUSE_OTHER, xstrdup("the transaction was rolled back after an earlier error"));
		return report_kept(s, d, "committing");
	}
	return STEER_OK;
}

static bool pg_in_transaction(store_t *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->conn->pg);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static void pg_rollback(store_t *s)
{
	if (pg_in_transaction(s))
		PQclear(PQexec(s->conn->pg, "ROLLBACK"));
}

static steer_rc pg_data_version(store_t *s, unsigned long long *out, diag_list_t *d)
{
	/* In the transaction's snapshot: the version of the data it reads. */
	bool ok;
	char *v = query_value(s->conn, "SELECT v FROM sobre_data_version", &ok);
	if (!ok)
		return report_kept(s, d, "reading the data version");
	*out = v ? strtoull(v, NULL, 10) : 0;
	free(v);
	return STEER_OK;
}

static steer_rc pg_health(store_t *s, diag_list_t *d)
{
	store_conn_t *c = s->conn;
	if (PQstatus(c->pg) == CONNECTION_BAD && reconnect(s, d))
		return STEER_IO;
	bool ok;
	char *v = query_value(c, "SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on'",
			      &ok);
	if (!ok && PQstatus(c->pg) == CONNECTION_BAD && !reconnect(s, d))
		v = query_value(c, "SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = "
				   "'on'", &ok);
	if (!ok)
		return report_kept(s, d, "reading the database");
	bool ro = v && strcmp(v, "t") == 0;
	free(v);
	if (ro || s->ro_cause) {
		const char *cause = s->ro_cause ? s->ro_cause : STORE_CAUSE_READONLY;
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, cause, "%s accepts only reads (%s)", s->name,
				     pg_cause_text(cause));
		diag_hint(x, "%s", pg_cause_hint(cause));
		return STEER_IO;
	}
	c->tx_write = true;
	steer_rc rc = exec(s, "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = " STR(
				      STORE_HEALTH_BUSY_MS) "; " PG_LOCK_WRITERS,
			   "taking the write lock", d);
	pg_rollback(s);
	return rc;
}

static long long pg_changes(store_t *s)
{
	return s->conn->changes;
}

/* --- statements -------------------------------------------------------- */

static int pg_prepare(store_t *s, const char *sql, store_stmt_t **out)
{
	store_conn_t *c = s->conn;
	store_sql_info_t info;
	char *text = store_sql_pg_params(sql, &info);
	if (!text)
		return keep(c, STORE_CAUSE_OTHER,
			    msgf("cannot translate the statement for PostgreSQL: %s at byte %zu", info.err,
				      info.err_at));
	store_stmt_t *st = xcalloc(1, sizeof *st);
	st->c = c;
	st->sql = text;
	st->nparams = info.nparams;
	size_t n = (size_t)info.nparams ? (size_t)info.nparams : 1;
	st->have = xcalloc(n, sizeof *st->have);
	st->want = xcalloc(n, sizeof *st->want);
	st->values = xcalloc(n, sizeof *st->values);
	st->lengths = xcalloc(n, sizeof *st->lengths);
	st->formats = xcalloc(n, sizeof *st->formats);
	st->num = xcalloc(n, sizeof *st->num);
	st->row = -1;
	*out = st;
	return 0;
}

/* The current row's decoded blobs go. */
static void drop_blobs(store_stmt_t *st)
{
	for (int i = 0; i < st->ncols; i++) {
		PQfreemem(st->blobs[i]);
		st->blobs[i] = NULL;
	}
}

static void drop_result(store_stmt_t *st)
{
	drop_blobs(st);
	free(st->blobs);
	free(st->blob_len);
	st->blobs = NULL;
	st->blob_len = NULL;
	st->ncols = 0;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
}

/* Parameter idx's value goes (its type stays wanted until unbind). */
static void drop_value(store_stmt_t *st, int i)
{
	if (st->values[i] != st->num[i])
		free(st->values[i]);
	st->values[i] = NULL;
	st->lengths[i] = 0;
	st->formats[i] = 0;
}

static void pg_reset(store_stmt_t *st, bool unbind)
{
	drop_result(st);
	if (!unbind)
		return;
	for (int i = 0; i < st->nparams; i++) {
		drop_value(st, i);
		st->want[i] = 0;
	}
}

static void pg_finalize(store_stmt_t *st)
{
	if (!st)
		return;
	pg_reset(st, true);
	free(st->sql);
	free(st->have);
	free(st->want);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->num);
	free(st);
}

/* The slot of parameter idx, its old value gone; -1 (failure kept) when
 * the statement has no such parameter. */
static int slot(store_stmt_t *st, int idx)
{
	if (idx < 1 || idx > st->nparams) {
		keep(st->c, STORE_CAUSE_OTHER, msgf("no parameter %d in the statement (it has %d)", idx, st->nparams));
		return -1;
	}
	drop_value(st, idx - 1);
	return idx - 1;
}

static int pg_bind_text(store_stmt_t *st, int idx, const char *text)
{
	int i = slot(st, idx);
	if (i < 0)
		return PG_FAILED;
	st->values[i] = xstrdup(text);
	st->want[i] = 0; /* the server's guess from the statement: text fits any type's input */
	return 0;
}

static int pg_bind_int(store_stmt_t *st, int idx, long long v)
{
	int i = slot(st, idx);
	if (i < 0)
		return PG_FAILED;
	snprintf(st->num[i], sizeof st->num[i], "%lld", v);
	st->values[i] = st->num[i];
	st->want[i] = PG_INT8OID;
	return 0;
}

static int pg_bind_double(store_stmt_t *st, int idx, double v)
{
	int i = slot(st, idx);
	if (i < 0)
		return PG_FAILED;
	if (isnan(v))
		snprintf(st->num[i], sizeof st->num[i], "NaN");
	else if (isinf(v))
		snprintf(st->num[i], sizeof st->num[i], "%s", v > 0 ? "Infinity" : "-Infinity");
	else
		snprintf(st->num[i], sizeof st->num[i], "%.17g", v);
	st->values[i] = st->num[i];
	st->want[i] = PG_FLOAT8OID;
	return 0;
}

static int pg_bind_blob(store_stmt_t *st, int idx, const void *data, size_t len)
{
	int i = slot(st, idx);
	if (i < 0)
		return PG_FAILED;
	if (len > 0x7fffffff)
		return keep(st->c, STORE_CAUSE_OTHER, xstrdup("a blob larger than 2 GiB"));
	st->values[i] = xmalloc(len ? len : 1);
	if (len)
		memcpy(st->values[i], data, len);
	st->lengths[i] = (int)len;
	st->formats[i] = 1; /* binary: the bytes as they are */
	st->want[i] = PG_BYTEAOID;
	return 0;
}

static int pg_bind_null(store_stmt_t *st, int idx)
{
	int i = slot(st, idx);
	if (i < 0)
		return PG_FAILED;
	st->want[i] = 0; /* NULL fits whatever type the statement was prepared with */
	return 0;
}

/* Prepares st on the server, unless it is already, in this connection's
 * generation, with types the bound values fit. A bound value's type
 * differing from the prepared one (a parameter bound NULL first, int later)
 * prepares it again under a new name, with the types known so far. */
static int ensure_prepared(store_stmt_t *st)
{
	store_conn_t *c = st->c;
	bool fits = st->prepared == c->generation;
	for (int i = 0; fits && i < st->nparams; i++)
		if (st->want[i] && st->want[i] != st->have[i])
			fits = false;
	if (fits)
		return 0;
	bool same_gen = st->prepared == c->generation;
	for (int i = 0; i < st->nparams; i++)
		if (st->want[i] || !same_gen)
			st->have[i] = st->want[i];
	snprintf(st->name, sizeof st->name, "s%lu", ++c->next_name);
	PGresult *res = PQprepare(c->pg, st->name, st->sql, st->nparams, st->nparams ? st->have : NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		st->prepared = 0;
		return keep_result(c, res);
	}
	PQclear(res);
	st->prepared = c->generation;
	return 0;
}

/* Runs st, its result kept for the steps. */
static int execute(store_stmt_t *st)
{
	store_conn_t *c = st->c;
	if (ensure_prepared(st))
		return PG_FAILED;
	PGresult *res = PQexecPrepared(c->pg, st->name, st->nparams, (const char *const *)st->values, st->lengths,
				       st->formats, 0);
	ExecStatusType status = PQresultStatus(res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
		return keep_result(c, res);
	/* SQLite's changes(): rows an INSERT, UPDATE or DELETE touched, kept
	 * until the next one. */
	const char *cmd = PQcmdStatus(res);
	if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 || strncmp(cmd, "DELETE", 6) == 0 ||
	    strncmp(cmd, "MERGE", 5) == 0)
		c->changes = strtoll(PQcmdTuples(res), NULL, 10);
	st->res = res;
	st->nrows = status == PGRES_TUPLES_OK ? PQntuples(res) : 0;
	st->ncols = PQnfields(res);
	st->blobs = xcalloc(st->ncols ? (size_t)st->ncols : 1, sizeof *st->blobs);
	st->blob_len = xcalloc(st->ncols ? (size_t)st->ncols : 1, sizeof *st->blob_len);
	st->row = -1;
	return 0;
}

static bool pg_step(store_stmt_t *st, int *err)
{
	*err = 0;
	if (!st->res && (*err = execute(st)) != 0)
		return false;
	drop_blobs(st);
	if (st->row + 1 >= st->nrows) {
		st->row = st->nrows;
		return false;
	}
	st->row++;
	return true;
}

static bool pg_col_null(store_stmt_t *st, int col)
{
	return col < 0 || col >= st->ncols || PQgetisnull(st->res, st->row, col);
}

static const char *pg_col_text(store_stmt_t *st, int col)
{
	if (pg_col_null(st, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	/* SQLite has no booleans: a comparison reads 1 or 0. */
	if (PQftype(st->res, col) == PG_BOOLOID)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static long long pg_col_int(store_stmt_t *st, int col)
{
	const char *v = pg_col_text(st, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

static double pg_col_double(store_stmt_t *st, int col)
{
	const char *v = pg_col_text(st, col);
	return v ? strtod(v, NULL) : 0;
}

static const void *pg_col_blob(store_stmt_t *st, int col, size_t *len)
{
	*len = 0;
	if (pg_col_null(st, col))
		return NULL;
	if (PQftype(st->res, col) != PG_BYTEAOID) {
		*len = (size_t)PQgetlength(st->res, st->row, col);
		return pg_col_text(st, col);
	}
	if (!st->blobs[col]) {
		st->blobs[col] = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col),
						 &st->blob_len[col]);
		if (!st->blobs[col])
			return NULL;
	}
	*len = st->blob_len[col];
	return st->blobs[col];
}

static void pg_failure(store_t *s, int code, const char **cause, char **msg)
{
	(void)code;
	store_conn_t *c = s->conn;
	*cause = c->err_cause ? c->err_cause : STORE_CAUSE_OTHER;
	*msg = xstrdup(c->err_msg ? c->err_msg : "unknown error");
}

const store_ops_t store_pg_ops = {
	.dialect = STORE_DIALECT_PG,
	.init_multithread = pg_init_multithread,
	.open = pg_open,
	.close = pg_close,
	.schema_version = pg_schema_version,
	.health = pg_health,
	.size_bytes = pg_size_bytes,
	.backup = pg_backup,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.data_version = pg_data_version,
	.changes = pg_changes,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_blob = pg_col_blob,
	.col_null = pg_col_null,
	.failure = pg_failure,
	.cause_text = pg_cause_text,
	.cause_hint = pg_cause_hint,
};
