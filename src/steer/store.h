/* store: the steering database (one SQLite file): opening, the numbered
 * schema migrations, transactions, the clock and the actor every change is
 * attributed to, the append-only history, settings (organisation, weights).
 * Owns the sqlite3 connection and its cached statements; other steer modules
 * reach SQL only through store_stmt. Never prints, never exits. A store_t is
 * one connection: use one per thread (or per request), never share one
 * between threads; SQLite's locking and the busy timeout arbitrate between
 * connections and processes. */
#ifndef SOBRE_STORE_H
#define SOBRE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/diag.h"

typedef struct sqlite3_stmt sqlite3_stmt;

/* Every steer function returns one of these; they are also the CLI's exit
 * codes. On anything but STEER_OK, diags say what is wrong and how to fix it,
 * and the caller rolls the transaction back: nothing is half-written. */
typedef enum {
	STEER_OK = 0,
	STEER_REFUSED = 1, /* the input was refused (bad value, unknown practice...) */
	STEER_IO = 2,      /* the database failed: missing, corrupt, locked, disk full */
} steer_rc;

/* The latest schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 4

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
 * parsing English text. */
#define STORE_CAUSE_FULL "db-full"         /* disk full (or quota exceeded) */
#define STORE_CAUSE_READONLY "db-readonly" /* file, folder or file system read-only */
#define STORE_CAUSE_BUSY "db-busy"         /* another connection holds the lock */
#define STORE_CAUSE_CORRUPT "db-corrupt"   /* damaged, or not a database */
#define STORE_CAUSE_OTHER "store"          /* anything else */
/* The cause for an SQLite (extended) result code and the errno of the
 * system call that failed (sqlite3_system_errno; 0 when unknown). */
const char *store_cause(int sqlite_code, int sys_errno);

/* For servers, before any database is opened: each connection will be used
 * by one thread at a time (no per-connection mutex) and SQLite keeps no
 * global memory statistics (a process-wide mutex on every allocation).
 * Returns 0, or -1 when SQLite was already initialised (harmless). */
int store_init_multithread(void);

/* Opens the database at path and upgrades its schema to
 * STORE_SCHEMA_VERSION (each migration in its own transaction). Without
 * STORE_CREATE a missing file is an error that says to run `sobre init`.
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
const char *store_path(const store_t *s);
/* NULL when the database was opened for writing; else, for a STORE_READ
 * store opened read-only, why (STORE_CAUSE_READONLY or STORE_CAUSE_FULL):
 * every write then fails with a diagnostic of that cause. */
const char *store_readonly_cause(const store_t *s);

/* Who changes are attributed to (default "unknown") and the time used for
 * every date written or compared (default: time(NULL) at open). The CLI sets
 * them from $SOBRE_USER / the login name and $SOBRE_NOW; the web app from
 * the session and the request. Both are copied. */
void store_set_actor(store_t *s, const char *actor);
const char *store_actor(const store_t *s);
void store_set_now(store_t *s, time_t now);
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

/* Copies the whole database to dest with SQLite's online backup API: a
 * consistent copy while other connections (the web app) keep writing. It
 * is written to dest.tmp and renamed, so dest is never half-written. Must be
 * called outside a transaction. */
steer_rc store_backup(store_t *s, const char *dest, diag_list_t *d);

/* --- for the steer modules ------------------------------------------- */

/* A prepared statement for sql (a string literal: it is cached by address),
 * reset and with its bindings cleared. Borrowed: valid until store_close. */
sqlite3_stmt *store_stmt(store_t *s, const char *sql);
/* Appends the connection's last error as a diagnostic about what was being
 * done ("saving the assessment"), its rule the cause (STORE_CAUSE_*) and
 * its hint what to do about it. */
void store_report(store_t *s, diag_list_t *d, const char *what);
/* store_report, then STEER_IO. Inline so that callers, and the static
 * analyzer, see that a failure never comes back as STEER_OK. */
static inline steer_rc store_fail(store_t *s, diag_list_t *d, const char *what)
{
	store_report(s, d, what);
	return STEER_IO;
}
/* STEER_IO with a diagnostic unless a transaction is open. */
steer_rc store_require_tx(store_t *s, diag_list_t *d);
/* sqlite3_bind_text that binds NULL for a NULL string. */
int store_bind_text(sqlite3_stmt *st, int idx, const char *text);
/* The rowid of the last INSERT on this connection. */
long long store_last_id(store_t *s);
/* Column text, or NULL; copy it before the next step. */
const char *store_col_text(sqlite3_stmt *st, int col);
/* Column text as a malloc'd string (NULL for SQL NULL). Caller frees. */
char *store_col_dup(sqlite3_stmt *st, int col);

/* Appends one history row: who (the actor), when (now), which practice (NULL
 * for database-wide changes), what field, old -> new (NULL = none). The
 * history table refuses UPDATE and DELETE (triggers). */
steer_rc store_log(store_t *s, const char *idbp, const char *field, const char *old_value,
		   const char *new_value, diag_list_t *d);

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
