/* workbook: reads the cells of a spreadsheet workbook held in memory, an
 * XLSX (Office Open XML, what Excel saves) or an ODS (OpenDocument, what
 * LibreOffice saves), told apart by their content, not their name. The zip
 * container is libzip's, the XML expat's, read as a stream (no tree held).
 * Every cell comes out as UTF-8 text in NFC with its row and column: numbers
 * as the file writes them, dates as YYYY-MM-DD, booleans as TRUE or FALSE.
 * Knows nothing of what the cells mean: the caller gives the limits and the
 * words its errors use, as to util/csv. */
#ifndef SOBRE_WORKBOOK_H
#define SOBRE_WORKBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/csv.h"
#include "util/diag.h"

/* Beyond the caller's limits (csv_limits_t: the file's size, and the rows
 * and columns of each sheet, counted by position), a workbook is refused
 * past these. A few KB of zip can inflate to gigabytes ("zip bomb"): the
 * XML read is counted, from the zip's directory before reading an entry and
 * again while inflating it (the directory may lie). */
#define WORKBOOK_MAX_UNZIPPED (256u << 20)
/* An ODS repeats a cell or a row by a count (LibreOffice's own way to write
 * a filled range): a few bytes can stand for millions of cells. The cells
 * and the text held, repeats expanded, are bounded, as the shared strings
 * of an XLSX. */
#define WORKBOOK_MAX_CELLS 1000000
#define WORKBOOK_MAX_TEXT (64u << 20)
/* Excel holds at most 32,767 characters in a cell: 4 bytes each in UTF-8
 * (131,068 bytes). */
#define WORKBOOK_MAX_CELL 131068u
/* Elements nested deeper than this are no spreadsheet (a real one nests
 * under 15): the reader keeps a stack of this many. */
#define WORKBOOK_MAX_DEPTH 64
/* Sheets in one workbook. */
#define WORKBOOK_MAX_SHEETS 256

typedef enum { WORKBOOK_XLSX, WORKBOOK_ODS } workbook_format_t;

typedef struct {
	char *text; /* never empty: empty cells are left out */
	int row, col; /* 1-based, as the file places it (A1 is row 1, column 1) */
} workbook_cell_t;

typedef struct {
	workbook_cell_t *cells; /* by column, ascending */
	size_t len;
	int row;
} workbook_row_t;

typedef struct {
	char *name;
	workbook_row_t *rows; /* rows that hold a cell, ascending */
	size_t len;
} workbook_sheet_t;

typedef struct {
	workbook_format_t format;
	workbook_sheet_t *sheets; /* in the workbook's order */
	size_t len;
} workbook_t;

/* Whether src starts as a zip archive does: the one test of "workbook,
 * not CSV" (a CSV cannot start with the bytes PK\3\4). */
bool workbook_sniff(const char *src, size_t len);

/* Reads src (file names it in diagnostics, rule "workbook"). Returns false
 * with a diagnostic on a zip that is not an XLSX or ODS (an OpenDocument
 * text, a plain zip), a damaged zip or XML, a DOCTYPE (no entity is ever
 * declared in a workbook), or a limit exceeded (at the cell's row and
 * column when it is a cell's); out is then empty. Caller frees out with
 * workbook_free. */
bool workbook_parse(const char *file, const char *src, size_t len, const csv_limits_t *lim, workbook_t *out,
		    diag_list_t *d);
void workbook_free(workbook_t *w);

/* Appends the A1 reference of a cell with its sheet, as a spreadsheet's
 * formulas write it: Évaluation!F12, 'Plan d''action'!B2; col 0: the
 * whole row, Évaluation!12:12. */
void workbook_ref(const char *sheet, int row, int col, buf_t *out);

#endif
