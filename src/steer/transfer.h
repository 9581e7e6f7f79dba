/* transfer: moves a whole steering database into another, fresh one (`sobre
 * migrate-db`: an SQLite file into a new file or, with its backend, a
 * PostgreSQL database). Owns the list of the tables and columns it copies,
 * which must be every table and column of the current schema (a unit test
 * compares it with a fresh database), the refusal of a target that already
 * holds data, the copy itself with every id kept, and the check that the
 * target then says what the source says: every row of every table, the
 * score of every perimeter and référentiel and of every snapshot. */
#ifndef SOBRE_TRANSFER_H
#define SOBRE_TRANSFER_H

#include <stddef.h>

#include "steer/store.h"
#include "util/diag.h"

/* One table of the schema as transfer copies it. */
typedef struct {
	const char *name;
	const char *columns;  /* as in the schema, comma-separated ("user" and "end" quoted) */
	const char *types;    /* one letter per column: i integer, t text, b blob */
	const char *select;   /* every row, in the order they are inserted and compared */
	const char *insert;   /* one row, the columns in the same order */
	const char *count;    /* SELECT count(*) */
	const char *identity; /* PostgreSQL: moves the id's identity past the copied ids; NULL: no id column */
} transfer_table_t;

/* The tables of STORE_SCHEMA_VERSION, parents before the tables that refer
 * to them. */
const transfer_table_t *transfer_tables(size_t *n);

/* What transfer_move copied and compared. */
typedef struct {
	long long *rows;  /* per table of transfer_tables, rows copied */
	size_t ntables;
	size_t scopes;    /* (perimeter, référentiel) pairs whose scores were compared */
	size_t snapshots; /* snapshots whose scores were compared */
} transfer_summary_t;

void transfer_summary_free(transfer_summary_t *x);

/* Copies from (an open read transaction) into to (an open write
 * transaction on a database that holds nothing but what its creation
 * made: otherwise STEER_REFUSED, naming the tables with rows), then
 * compares the two, still inside to's transaction: STEER_REFUSED with one
 * diagnostic per difference when they differ (the caller rolls back:
 * nothing is written), and the caller commits on STEER_OK. */
steer_rc transfer_move(store_t *from, store_t *to, transfer_summary_t *out, diag_list_t *d);

#endif
