/* csv: the one CSV reader (RFC 4180, ',' or ';', UTF-8 BOM, CRLF: what
 * French Excel writes), for every file sobre reads as CSV: assessment
 * sheets (steer/sheet) and référentiels (guide/ref_csv). Cells come out in
 * NFC. The caller gives the limits and the words its errors use, so that
 * each kind of file is refused in its own terms. */
#ifndef SOBRE_CSV_H
#define SOBRE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

typedef struct {
	char **cells;
	size_t ncells;
	int line; /* 1-based line where the record starts */
} csv_row_t;

typedef struct {
	csv_row_t *rows;
	size_t len;
	char sep;
} csv_t;

/* What a file of the caller's kind may hold, and how to say it is not one. */
typedef struct {
	size_t max_bytes, max_rows, max_columns; /* rows: the header included, blank lines not counted */
	const char *what; /* "an assessment sheet", in "more than 64 columns: not an assessment sheet" */
	const char *hint; /* the hint of those errors: what the file should be */
} csv_limits_t;

/* Parses CSV text (file names the source in diagnostics, rule "csv"). The
 * separator is the one, ',' or ';', that splits the first line into more
 * cells. Returns false with a diagnostic (line and column) on an
 * unterminated quote, text after a closing quote, invalid UTF-8 (with the
 * fix: save as "CSV UTF-8"), a NUL byte, or a limit exceeded; out is then
 * empty. Empty lines are skipped. Caller frees out with csv_free. */
/* Appends "more than 100,000 rows: not an assessment sheet": n grouped by
 * thousands, unit ("rows", "columns"), lim->what. */
void csv_limit_message(const csv_limits_t *lim, size_t n, const char *unit, buf_t *out);
bool csv_parse(const char *file, const char *src, size_t len, const csv_limits_t *lim, csv_t *out, diag_list_t *d);
void csv_free(csv_t *c);

#endif
