/* store_pg_schema: the steering database's schema on PostgreSQL at version
 * 8, as one text of DDL: the tables, constraints, indexes and triggers that
 * store_sqlite.c's migrations 1 to 8 leave in an SQLite file, and the rows
 * they seed (the weights, the root perimeter), written for PostgreSQL.
 * No PostgreSQL database of sobre ever had an earlier version, so this
 * baseline stands for the eight migrations there; each later version comes
 * as a pair of migrations, one per engine. Also owns what SQLite gives
 * without a table: the schema's owner and version (application_id and
 * user_version there: the one row of sobre_schema here) and the data version
 * (SQLITE_FCNTL_DATA_VERSION there: sobre_data_version here, which a trigger
 * on every table bumps in each transaction that writes).
 *
 * Running it (in one transaction, under the backend's lock) is the
 * PostgreSQL backend's business, not this module's. It creates everything
 * in the first schema of the connection's search_path. The database must
 * be UTF8 with LOCALE 'C' (createdb -E UTF8 --locale=C -T template0): byte
 * order and ASCII-only case folding, exactly SQLite's BINARY, NOCASE and
 * lower(); and the citext extension must be there or creatable (it is a
 * trusted extension since PostgreSQL 13). */
#ifndef SOBRE_STORE_PG_SCHEMA_H
#define SOBRE_STORE_PG_SCHEMA_H

/* The version the baseline creates (sobre_schema.version). It stays 8 when
 * STORE_SCHEMA_VERSION moves on: later versions are migrations from it. */
#define STORE_PG_BASELINE_VERSION 8

/* The baseline's DDL: statements separated by semicolons, for one
 * multi-statement execution (PQexec) in a transaction, in an empty schema.
 * Static text; never NULL. */
const char *store_pg_schema_sql(void);

#endif
