/* store_pg: the store's PostgreSQL backend (store_pg.c), with libpq. The
 * rest of sobre reaches it through store.h (a "postgresql://" or
 * "postgres://" location), and store.c through its table of operations
 * (store_backend.h); this header only lets the unit tests check its
 * mapping of PostgreSQL's errors. */
#ifndef SOBRE_STORE_PG_H
#define SOBRE_STORE_PG_H

/* The pair of keys of the advisory lock every sobre writer takes first
 * (pg_advisory_xact_lock(STORE_PG_LOCK_KEY, STORE_PG_LOCK_WRITER)): "sobr"
 * as SQLite's application_id, and which of sobre's locks. Another session
 * holding it keeps sobre from writing, as a test does. */
#define STORE_PG_LOCK_KEY 1936683634 /* 0x736f6272, in decimal for SQL */
#define STORE_PG_LOCK_WRITER 1

/* The cause (STORE_CAUSE_*) for a SQLSTATE (five characters; NULL when
 * the failure has none: a connection lost or never made). */
const char *store_pg_cause(const char *sqlstate);

#endif
