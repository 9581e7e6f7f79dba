/* store_sql: SQL text as the store's backends need it, without an engine:
 * the steer modules' statements, written with SQLite's parameters, given
 * PostgreSQL's. Pure functions of the text. */
#ifndef SOBRE_STORE_SQL_H
#define SOBRE_STORE_SQL_H

#include <stddef.h>

/* The largest parameter number: SQLite's default SQLITE_MAX_VARIABLE_NUMBER
 * (builds may raise it: Debian's is 250,000), below PostgreSQL's 65,535
 * (its protocol's count is 16 bits): a statement within it prepares on
 * both engines, whatever the build. */
#define STORE_SQL_MAX_PARAM 32766

/* What store_sql_pg_params found. */
typedef struct {
	int nparams;     /* the largest parameter number (0 without any) */
	size_t err_at;   /* on refusal: the byte offset in the text of what is refused */
	const char *err; /* on refusal: what, and why (a static string); else NULL */
} store_sql_info_t;

/* sql with its parameters written as PostgreSQL's $n, numbered as SQLite
 * numbers them: ?NNN is parameter NNN, and a bare ? the largest number
 * used so far + 1 (so "? ? ?1 ?" is "$1 $2 $1 $3"). Text between '…',
 * "…", `…` and […] (SQLite's quotes, '' "" `` escaping the quote) and in
 * -- and slash-star comments is copied as it is; a space is put between a
 * $n and a name or number it would otherwise run into ("LIMIT?" is "LIMIT
 * $1"). info->nparams is then what sqlite3_bind_parameter_count says.
 *
 * Refused, with info->err and info->err_at (NULL returned): what
 * PostgreSQL cannot take or would read otherwise: :name, @name and $name
 * parameters (and $1, and any $ outside a name: dollar quoting), ?0 and
 * numbers above STORE_SQL_MAX_PARAM, two parameters in a row ("??",
 * which no SQLite statement takes either), an unterminated quote or
 * comment, a comment inside a comment (PostgreSQL nests them, SQLite does
 * not), E'…' (PostgreSQL's backslash escapes). Caller frees the result. */
char *store_sql_pg_params(const char *sql, store_sql_info_t *info);

#endif
