/* store_backend: what the store's engine-neutral part (store.c) and its
 * backends share, private to src/steer/store*.c: the connection's context
 * (struct store), the statement cache's entries (struct store_query) and
 * the table of operations a backend implements (store_ops_t). store.c
 * owns the context, the cache (keyed by the SQL literal's address), the
 * state of each statement's reading, error reporting and transactions'
 * bookkeeping, and calls the backend for what knows the engine.
 * store_sqlite.c is the SQLite backend, store_pg.c the PostgreSQL one;
 * store_open picks one from the location. */
#ifndef SOBRE_STORE_BACKEND_H
#define SOBRE_STORE_BACKEND_H

#include "steer/store.h"

/* Distinct SQL texts used by the steer modules; a cache this size never
 * evicts in practice (the array is scanned linearly). */
#define STORE_MAX_STMTS 128

/* A backend's connection and prepared statement, opaque to store.c. */
typedef struct store_conn store_conn_t;
typedef struct store_stmt store_stmt_t;

/* Which text store_query_alt picks. */
typedef enum {
	STORE_DIALECT_SQLITE,
	STORE_DIALECT_PG,
} store_dialect_t;

/* What a backend implements. Calls that can fail on a statement return 0,
 * or the backend's own nonzero code of the failure, which store.c hands
 * back to failure() to get its cause and message; the other calls report
 * into d themselves (with store_report). Statements are used by one
 * connection, one thread at a time. */
typedef struct store_ops {
	store_dialect_t dialect;
	/* Process-wide, before any open: see store_init_multithread. */
	int (*init_multithread)(void);

	/* Opens s->path (s's context is set; s->conn is NULL): sets s->conn
	 * and, for a read-only fallback (STORE_READ), s->ro_cause; upgrades
	 * the schema to version. On failure it reports and may leave s->conn
	 * set: store.c then calls close. */
	steer_rc (*open)(store_t *s, int flags, int version, diag_list_t *d);
	/* Rolls back an open transaction and frees s->conn (which may be
	 * half-opened, or NULL). Every statement is finalized before. */
	void (*close)(store_t *s);
	int (*schema_version)(store_t *s);
	/* store_health once store.c has checked that no transaction is open. */
	steer_rc (*health)(store_t *s, diag_list_t *d);
	long long (*size_bytes)(store_t *s);
	steer_rc (*backup)(store_t *s, const char *dest, diag_list_t *d);

	/* Transactions. store.c checks beforehand that none is open (begin)
	 * and that a write one may be (s->ro_cause), and resets every cached
	 * statement before commit and rollback. commit reports its failure;
	 * store.c then rolls back. rollback is harmless without one. */
	steer_rc (*begin)(store_t *s, bool write, diag_list_t *d);
	steer_rc (*commit)(store_t *s, diag_list_t *d);
	void (*rollback)(store_t *s);
	bool (*in_transaction)(store_t *s);
	/* store_data_version once store.c has checked a transaction is open. */
	steer_rc (*data_version)(store_t *s, unsigned long long *out, diag_list_t *d);
	long long (*changes)(store_t *s);

	/* Statements. prepare sets *st (freed by finalize) or returns the
	 * code of its failure. reset rewinds a statement that may be on a
	 * row, at its end or failed, and with unbind clears its bindings. */
	int (*prepare)(store_t *s, const char *sql, store_stmt_t **st);
	void (*finalize)(store_stmt_t *st);
	void (*reset)(store_stmt_t *st, bool unbind);
	/* Parameters numbered from 1; text and blobs are copied. */
	int (*bind_text)(store_stmt_t *st, int idx, const char *text);
	int (*bind_int)(store_stmt_t *st, int idx, long long v);
	int (*bind_double)(store_stmt_t *st, int idx, double v);
	int (*bind_blob)(store_stmt_t *st, int idx, const void *data, size_t len);
	int (*bind_null)(store_stmt_t *st, int idx);
	/* true on a row; else *err is 0 at the end or the failure's code. */
	bool (*step)(store_stmt_t *st, int *err);
	/* The current row's columns, numbered from 0 (only called on a row):
	 * text and blobs borrowed until the next step or reset, NULL for SQL
	 * NULL. */
	const char *(*col_text)(store_stmt_t *st, int col);
	long long (*col_int)(store_stmt_t *st, int col);
	double (*col_double)(store_stmt_t *st, int col);
	const void *(*col_blob)(store_stmt_t *st, int col, size_t *len);
	bool (*col_null)(store_stmt_t *st, int col);

	/* Errors. failure: the cause (STORE_CAUSE_*) and the engine's message
	 * (malloc'd) of the failure whose code a call on s returned, read
	 * before anything else runs on the connection. cause_text: the
	 * cause in a few words ("the disk is full"); cause_hint: what to do
	 * about it, or NULL. Both for STORE_CAUSE_* values, worded for the
	 * engine. */
	void (*failure)(store_t *s, int code, const char **cause, char **msg);
	const char *(*cause_text)(const char *cause);
	const char *(*cause_hint)(const char *cause);
} store_ops_t;

/* A cached statement and where its reading stands. */
struct store_query {
	store_t *s;
	const store_ops_t *ops; /* s->ops, one load nearer */
	const char *sql;        /* the literal: the cache's key */
	store_stmt_t *st;       /* NULL for the store's failed query */
	enum {
		Q_READY,  /* reset, bindings being set */
		Q_ROW,    /* on a row: the statement holds a read snapshot */
		Q_DONE,   /* reset after the last row, store_done or the transaction's end */
		Q_FAILED, /* preparing, a bind or a step failed: store_end reports it */
	} state;
	/* A failure as the backend said it, kept for store_end: other
	 * statements may run in between and overwrite the connection's last
	 * error. */
	const char *cause;
	char *errmsg;
};

/* The connection and what every steer function works with. */
struct store {
	const store_ops_t *ops;
	store_conn_t *conn; /* the backend's */
	char *path;         /* the location as given: what reopens it */
	char *name;         /* the location for messages (store_location_name) */
	char *actor;
	time_t now;
	long long perimeter, referentiel; /* the scope: see store_set_scope */
	const profile_t *profile;         /* the scope's référentiel's */
	profile_t *owned_profile;         /* the same when read from the database */
	const char *ro_cause;             /* see store_readonly_cause */
	store_query_t stmts[STORE_MAX_STMTS];
	size_t nstmts;
	store_query_t failed; /* what store_query returns when it cannot prepare */
};

/* The backends. */
extern const store_ops_t store_sqlite_ops;
extern const store_ops_t store_pg_ops;

/* For backends: appends a failure of the database as a diagnostic about
 * what was being done ("saving the assessment"; message "WHAT failed:
 * MSG"), its rule the cause and its hint the backend's. A store opened
 * read-only refuses writes as read-only: the diagnostic then gives the
 * reason it was opened so (s->ro_cause), the one to act on. */
void store_report(store_t *s, diag_list_t *d, const char *what, const char *cause, const char *msg);

#endif
