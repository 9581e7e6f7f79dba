/* store: the steering database. Owns the connection, the numbered schema
 * migrations, transactions, the cache of prepared statements and the query
 * API every other steer module reaches SQL through, backups; on top of that
 * API, the clock and the actor every change is attributed to, the
 * append-only history, settings (organisation, weights), and the refusal
 * diagnostic the steer modules share. store.c is the engine-neutral part;
 * a backend per engine implements the rest (store_backend.h):
 * store_sqlite.c, the only code that knows SQLite, for a file; store_pg.c,
 * the only code that knows libpq, for a postgresql:// location. Never
 * prints, never exits. A store_t
 * is one connection: use one per thread (or per request), never share one
 * between threads; the database's locking and the busy timeout arbitrate
 * between connections and processes. */
#ifndef SOBRE_STORE_H
#define SOBRE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "guide/profile.h"
#include "util/diag.h"

/* Every steer function returns one of these; they are also the CLI's exit
 * codes. On anything but STEER_OK, diags say what is wrong and how to fix it,
 * and the caller rolls the transaction back: nothing is half-written. */
typedef enum {
	STEER_OK = 0,
	STEER_REFUSED = 1, /* the input was refused (bad value, unknown practice...) */
	STEER_IO = 2,      /* the database failed: missing, corrupt, locked, disk full */
} steer_rc;

/* The latest schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 8

/* The priorities, in order; weights are indexed like this. */
#define STORE_NPRIORITIES 3
extern const char *const store_priorities[STORE_NPRIORITIES];
extern const unsigned store_default_weights[STORE_NPRIORITIES];
/* A weight above this would make a single practice outweigh a whole guide;
 * it also keeps every score sum far inside 64 bits. */
#define STORE_MAX_WEIGHT 100

typedef struct store store_t;

enum {
	STORE_CREATE = 1, /* create the file when missing (sobre init) */
	/* The caller may live with reading only (read commands, the web app):
	 * when the file, its folder or the disk refuses writes, open it
	 * read-only instead of failing (see store_readonly_cause). */
	STORE_READ = 2,
};

/* The cause of a database failure, as the rule of its diagnostic, so that
 * callers (the web app's error pages) tell the user what to do without
 * parsing English text. Each backend maps its engine's errors to these. */
#define STORE_CAUSE_FULL "db-full"         /* disk full (or quota exceeded) */
#define STORE_CAUSE_READONLY "db-readonly" /* file, folder or file system read-only */
#define STORE_CAUSE_BUSY "db-busy"         /* another connection holds the lock */
#define STORE_CAUSE_CORRUPT "db-corrupt"   /* damaged, or not a database */
#define STORE_CAUSE_UNAVAILABLE "db-unavailable" /* the database server cannot be reached */
/* The transaction lost a race with another one (PostgreSQL's serialization
 * failure or deadlock): nothing of it was kept, and running it again from
 * its start may well succeed. The web app does, a bounded number of times. */
#define STORE_CAUSE_RETRY "db-retry"
#define STORE_CAUSE_OTHER "store"          /* anything else */

/* For servers, before any database is opened: each connection will be used
 * by one thread at a time (no per-connection mutex) and SQLite keeps no
 * global memory statistics (a process-wide mutex on every allocation).
 * Returns 0, or -1 when SQLite was already initialised (harmless). */
int store_init_multithread(void);

/* Opens the database at path and upgrades its schema to
 * STORE_SCHEMA_VERSION (each migration in its own transaction). path is
 * an SQLite file, unless it is a PostgreSQL URI (libpq's:
 * "postgresql://" or "postgres://", case as written; libpq's environment
 * variables apply): the database must exist, UTF8 with the C locale; its
 * schema (the first of the search_path) must hold sobre's tables, or be
 * empty with STORE_CREATE (the tables are then created). A libpq
 * keyword/value string ("host=db dbname=sobre") is a file name like any
 * other: file names may hold '=' and spaces, and a URI says the same
 * ("postgresql://db/sobre?sslmode=require"). Without STORE_CREATE a
 * missing file is an error that says to run `sobre init`.
 * Refuses SQLite files that are not sobre databases and databases written by
 * a newer sobre. A database that cannot be written is refused (its cause as
 * the diagnostic's rule), unless STORE_READ: it is then opened read-only,
 * provided its schema is current. The caller frees *out with store_close. */
steer_rc store_open(const char *path, int flags, store_t **out, diag_list_t *d);
/* Same, migrating only up to version (tests of the migrations). */
steer_rc store_open_version(const char *path, int flags, int version, store_t **out, diag_list_t *d);
/* Rolls back an open transaction, then closes. Accepts NULL. */
void store_close(store_t *s);
int store_schema_version(store_t *s);
/* The location as given to store_open: what reopens the database. */
const char *store_path(const store_t *s);
/* The location as messages show it: store_location_name's. */
const char *store_name(const store_t *s);
/* Whether location names a PostgreSQL database (libpq's URI prefixes,
 * postgresql:// or postgres://) rather than an SQLite file. */
bool store_location_is_postgres(const char *location);
/* location without its secrets, for messages and logs: a PostgreSQL URI
 * without the password of its user part ("user:password@") and without
 * its password and sslpassword parameters (percent-encoded names
 * included); anything else as it is. Caller frees. */
char *store_location_name(const char *location);
/* NULL when the database was opened for writing; else, for a STORE_READ
 * store opened read-only, why (STORE_CAUSE_READONLY or STORE_CAUSE_FULL):
 * every write then fails with a diagnostic of that cause. */
const char *store_readonly_cause(const store_t *s);

/* For a health check (web/ops): a real read of the file, then the write
 * lock taken and released (BEGIN IMMEDIATE, ROLLBACK), waiting at most
 * STORE_HEALTH_BUSY_MS for it, so that a probe never hangs on a long
 * write. STEER_OK, or STEER_IO with a diagnostic whose rule is the cause
 * (STORE_CAUSE_*: read-only, full when opened so, busy, corrupt). No
 * transaction may be open; none is left open. */
#define STORE_HEALTH_BUSY_MS 200
steer_rc store_health(store_t *s, diag_list_t *d);
/* The database file's size in bytes (pages in use and free; on PostgreSQL
 * pg_database_size), or -1. */
long long store_size_bytes(store_t *s);

/* Who changes are attributed to (default "unknown") and the time used for
 * every date written or compared (default: time(NULL) at open). The CLI sets
 * them from $SOBRE_USER / the login name and $SOBRE_NOW; the web app from
 * the session and the request. Both are copied. */
void store_set_actor(store_t *s, const char *actor);
const char *store_actor(const store_t *s);
void store_set_now(store_t *s, time_t now);
/* The scope the steer functions work in: a perimeter (a node of the
 * organisation's tree; 1 is the root) and a référentiel it is assessed
 * against (database ids). Like the actor, it is the connection's: the CLI
 * sets it from --perimeter and --guide, the web app from the page's
 * address (steer/perimeter resolves names). Default: 1 and 1, the root's
 * first référentiel, which is what a database made before perimeters
 * holds. */
void store_set_scope(store_t *s, long long perimeter, long long referentiel);
/* The profile of the scope's référentiel (default: the GBPNR's), set with
 * the scope by steer/perimeter; owned (may be NULL): one read from the
 * database, freed by the store when replaced or closed. */
void store_set_profile(store_t *s, const profile_t *p, profile_t *owned);
const profile_t *store_profile(const store_t *s);
/* Gives the caller the profile the store owns (NULL for a built-in),
 * which store_profile keeps returning: for what outlives the store (the
 * CLI prints after it has committed and closed). The caller frees it. */
profile_t *store_take_profile(store_t *s);
long long store_perimeter(const store_t *s);
long long store_referentiel(const store_t *s);
time_t store_now(const store_t *s);
/* Today's date in local time, "YYYY-MM-DD". */
void store_today(const store_t *s, char out[11]);
/* The current instant in UTC, "YYYY-MM-DDTHH:MM:SSZ". */
void store_timestamp(const store_t *s, char out[21]);

/* One transaction per command (or web request). write takes the write lock
 * up front (BEGIN IMMEDIATE) so two writers never deadlock halfway; reads use
 * a deferred transaction for a consistent view. Every other steer function
 * requires an open transaction and returns STEER_IO without one. */
steer_rc store_begin(store_t *s, bool write, diag_list_t *d);
steer_rc store_commit(store_t *s, diag_list_t *d);
/* Harmless when no transaction is open. */
void store_rollback(store_t *s);
bool store_in_transaction(store_t *s);
/* A number that changes with every commit to the database, by this
 * connection or any other, other processes included: what was computed
 * from the transaction's snapshot stays true while it is unchanged (the web
 * app's web/pagecache). Requires a transaction, whose read snapshot it
 * starts when no statement has yet. */
steer_rc store_data_version(store_t *s, unsigned long long *out, diag_list_t *d);

/* Copies the whole database to dest with SQLite's online backup API: a
 * consistent copy while other connections (the web app) keep writing. It
 * is written to dest.tmp and renamed, so dest is never half-written. Must be
 * called outside a transaction. A PostgreSQL database is refused
 * (STEER_REFUSED), with pg_dump -Fc and pg_basebackup named. */
steer_rc store_backup(store_t *s, const char *dest, diag_list_t *d);

/* --- queries, for the steer modules ------------------------------------ */

/* One prepared statement of the connection, borrowed from its cache (valid
 * until store_close). Opaque: only store.c and the backends know what it
 * holds. */
typedef struct store_query store_query_t;

/* The statement for sql, a string literal: prepared once per connection and
 * cached by the literal's address (never pass a built string), then given
 * back reset, with its bindings cleared. Never NULL: when preparing fails,
 * the query is a failed one on which binds do nothing, store_next is false
 * and store_end, store_exec and store_scalar report the error, so a caller
 * checks once, at the end. Parameters are numbered from 1.
 *
 * A query is read with store_next until it returns false: it then has reset
 * the statement itself (what releases its read snapshot). Leaving earlier
 * (a break, an early return, a one-row read) takes store_done, or store_end,
 * which also says whether a step failed. The end of the transaction resets
 * every statement anyway, so a forgotten one cannot outlive it:
 *
 *     store_query_t *q = store_query(s, "SELECT name FROM pilot WHERE id = ?");
 *     store_bind_int(q, 1, id);
 *     while (store_next(q))
 *             use(store_col_text(q, 0));
 *     return store_end(q, d, "reading the pilots");
 */
store_query_t *store_query(store_t *s, const char *sql);
/* The same for the few statements whose text must differ per engine (a
 * PostgreSQL construct SQLite lacks, or the reverse): both are string
 * literals; the one of the connection's engine is prepared and cached by
 * its address, the other is never read. */
store_query_t *store_query_alt(store_t *s, const char *sqlite_sql, const char *pg_sql);
/* Binds text (NULL binds SQL NULL; the text is copied). */
void store_bind_text(store_query_t *q, int idx, const char *text);
void store_bind_int(store_query_t *q, int idx, long long v);
void store_bind_double(store_query_t *q, int idx, double v);
/* Binds len bytes (copied). */
void store_bind_blob(store_query_t *q, int idx, const void *data, size_t len);
void store_bind_null(store_query_t *q, int idx);
/* Binds v, or NULL when v is negative: the "-1 means unset" of optional
 * counts and amounts. */
void store_bind_unset(store_query_t *q, int idx, long long v);
/* Binds the scope's perimeter to idx and its référentiel to idx + 1. */
void store_bind_scope(store_query_t *q, int idx);
/* Steps to the next row: true on a row; false at the end or on a failure,
 * and the statement is then reset. */
bool store_next(store_query_t *q);
/* Stops reading before the end: resets the statement. Harmless when it is
 * already reset. */
void store_done(store_query_t *q);
/* Resets the statement like store_done; STEER_IO with a diagnostic about
 * what was being done ("reading the indicators"; its rule the cause,
 * STORE_CAUSE_*) when preparing, binding or a step failed, else STEER_OK. d
 * may be NULL when a failure does not matter (a cleanup). */
steer_rc store_end(store_query_t *q, diag_list_t *d, const char *what);
/* Runs a statement for its effect (INSERT, UPDATE, DELETE; a row it yields
 * is ignored), then store_end. */
steer_rc store_exec(store_query_t *q, diag_list_t *d, const char *what);
/* Runs a query yielding one integer (count(*), RETURNING id...): *v gets
 * the first column of the first row, or dflt without a row (or when it
 * fails); then store_end. */
steer_rc store_scalar(store_query_t *q, long long dflt, long long *v, diag_list_t *d, const char *what);

/* The current row's columns, numbered from 0. Text and blobs are borrowed
 * until the next step or reset: copy them before; NULL for SQL NULL (and
 * when there is no row). */
const char *store_col_text(const store_query_t *q, int col);
/* Column text as a malloc'd string (NULL for SQL NULL). Caller frees. */
char *store_col_dup(const store_query_t *q, int col);
long long store_col_int(const store_query_t *q, int col);
double store_col_double(const store_query_t *q, int col);
const void *store_col_blob(const store_query_t *q, int col, size_t *len);
bool store_col_null(const store_query_t *q, int col);

/* Rows changed by the last INSERT, UPDATE or DELETE of this connection. */
long long store_changes(store_t *s);

/* STEER_IO with a diagnostic unless a transaction is open. */
steer_rc store_require_tx(store_t *s, diag_list_t *d);

/* Appends a refusal of input (an error diagnostic without position: rule,
 * message, and hint unless NULL) and returns STEER_REFUSED, so that a steer
 * function refuses in one line: return store_refuse(d, "bad-date", ...). */
steer_rc store_refuse(diag_list_t *d, const char *rule, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Appends one history row: who (the actor), when (now), the scope
 * (store_set_scope), which practice (NULL for changes to the whole
 * référentiel: an import, weights, a snapshot), what field, old -> new
 * (NULL = none). The history table refuses UPDATE and DELETE (triggers). */
steer_rc store_log(store_t *s, const char *idbp, const char *field, const char *old_value,
		   const char *new_value, diag_list_t *d);
/* The same for changes outside any scope: accounts, the perimeters' tree. */
steer_rc store_log_global(store_t *s, const char *field, const char *old_value, const char *new_value,
			  diag_list_t *d);

/* --- settings --------------------------------------------------------- */

/* A setting ("org", "created_at"), or NULL. Caller frees. */
char *store_meta(store_t *s, const char *key);
steer_rc store_set_meta(store_t *s, const char *key, const char *value, diag_list_t *d);
/* Weights by priority (store_priorities order). */
steer_rc store_weights(store_t *s, unsigned w[STORE_NPRIORITIES], diag_list_t *d);
/* Logs the change in the history. Refuses weights above STORE_MAX_WEIGHT. */
steer_rc store_set_weights(store_t *s, const unsigned w[STORE_NPRIORITIES], diag_list_t *d);
/* Index of a priority in store_priorities, or -1. */
int store_priority_index(const char *priority);

/* The current guide version's id (the latest imported), or 0 when no guide
 * was imported yet; *version (when not NULL) gets its version string, which
 * the caller frees. */
steer_rc store_current_version(store_t *s, long long *id, char **version, diag_list_t *d);
/* Like store_current_version, but refuses (with the fix: sobre guide import)
 * when there is none. */
steer_rc store_require_version(store_t *s, long long *id, diag_list_t *d);

#endif
