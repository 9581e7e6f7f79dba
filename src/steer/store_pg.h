/* store_pg: the store's PostgreSQL backend (store_pg.c), with libpq. The
 * rest of sobre reaches it through store.h (a "postgresql://" or
 * "postgres://" location), and store.c through its table of operations
 * (store_backend.h); this header only lets the unit tests check its
 * mapping of PostgreSQL's errors. */
#ifndef SOBRE_STORE_PG_H
#define SOBRE_STORE_PG_H

/* The pair of keys of the advisory lock every sobre writer takes first
 * (pg_advisory_xact_lock(STORE_PG_LOCK_KEY, STORE_PG_LOCK_SCHEMA)): "sobr"
 * as SQLite's application_id, and the oid of the schema of sobre's tables
 * (the first of the search_path), as SQL: installations in different
 * schemas of one database (an organisation each, the tests) neither wait
 * for each other's writes nor fail each other's health checks; advisory
 * locks are per database already. Another session holding it, with the
 * same search_path, keeps sobre from writing, as a test does. */
#define STORE_PG_LOCK_KEY 1936683634 /* 0x736f6272, in decimal for SQL */
#define STORE_PG_LOCK_SCHEMA "coalesce((SELECT oid::int FROM pg_namespace WHERE nspname = current_schema()), 0)"

/* The cause (STORE_CAUSE_*) for a SQLSTATE (five characters; NULL when
 * the failure has none: a connection lost or never made). */
const char *store_pg_cause(const char *sqlstate);

#endif
