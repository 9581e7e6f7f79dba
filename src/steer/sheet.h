/* sheet: spreadsheets. Owns CSV writing, the limits of an assessment
 * sheet read by util/csv, the assessment round trip
 * (export as CSV or XLSX with the columns id, title, theme, priority,
 * difficulty, status, pilot, owner, due date, comment, or as JSON with the
 * objects of steer/jsonout; import of such a CSV, XLSX or ODS, all rows or
 * none) and the
 * action plan as CSV or XLSX, the RGESN declaration's grid as XLSX. Cells
 * that a spreadsheet would run as formulas are written as text. */
#ifndef SOBRE_SHEET_H
#define SOBRE_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/declaration.h"
#include "steer/store.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/diag.h"
#include "util/jsonw.h"

/* Imports are refused beyond these: an assessment sheet has one row per
 * practice (the largest guides have thousands), and a bigger file is the
 * wrong file. */
#define SHEET_MAX_BYTES (32u << 20)
#define SHEET_MAX_ROWS 100000
#define SHEET_MAX_COLUMNS 64
/* An import stops at this many bad rows: a file that bad is the wrong file
 * or needs one fix applied everywhere, and listing its every row would cost
 * a "did you mean" search per unknown id for nothing. */
#define SHEET_MAX_ERRORS 100

/* Appends one CSV cell, quoted when it holds sep, a quote, CR or LF, or
 * leading/trailing spaces. */
void sheet_csv_cell(buf_t *out, const char *s, char sep);

/* Appends one cell of a CSV export (s NULL: empty) so that the import gives
 * s back unchanged: a value starting with an apostrophe gets one more, and
 * with excel a formula-like one (= + - @, tab, CR first) gets one, so that
 * a spreadsheet shows it as text. sheet_import_value takes exactly one off;
 * sheet.c says why this rule. */
void sheet_export_cell(buf_t *out, const char *s, char sep, bool excel);
/* The value an import takes from a cell read by sheet_csv_parse: the cell
 * without its first character if that is an apostrophe. Borrowed: points
 * into cell. */
const char *sheet_import_value(const char *cell);

/* Parses CSV text as util/csv does, within the limits above (file names
 * the source in diagnostics). Caller frees out with csv_free. */
bool sheet_csv_parse(const char *file, const char *src, size_t len, csv_t *out, diag_list_t *d);

typedef enum { SHEET_CSV, SHEET_JSON, SHEET_XLSX } sheet_format_t;

/* The assessment of every practice of the current guide, in guide order.
 * CSV cells are written by sheet_export_cell; excel (CSV only): BOM, ';',
 * formula-like cells behind an apostrophe. JSON: {organisation,
 * guide_version, exported_at, practices: [assessment], plan} (docs/api.md).
 * XLSX is built in a temporary file (the library needs one), read back into
 * out and removed. */
steer_rc sheet_export(store_t *s, sheet_format_t format, bool excel, buf_t *out, diag_list_t *d);
/* The JSON export's practices: every practice of the current guide, in
 * guide order, as an array of assessments (jsonout_assessment), written
 * where w stands. The API's list of practices is this array. */
steer_rc sheet_assessments_json(store_t *s, jsonw_t *w, diag_list_t *d);
/* The action plan (plan_build's PLAN_ACTIONS for pilot, NULL: all) with
 * French headers, rank first, overdue flagged: CSV for French Excel, or
 * XLSX (overdue dates in red, filters, frozen header). */
steer_rc sheet_export_plan(store_t *s, const char *pilot, bool xlsx, buf_t *out, diag_list_t *d);

/* The RGESN declaration as the grid referents fill: a sheet "Critères"
 * with one row per criterion (id, thématique, critère, priorité,
 * évaluation, statut, justification, texte de déclaration, évolutions
 * potentielles, actions à mener, qui, quand; frozen header, filters), and
 * a sheet "Service" with the service's texts and the score. */
steer_rc sheet_declaration_xlsx(const declaration_t *x, buf_t *out, diag_list_t *d);

typedef struct {
	size_t rows;     /* data rows read */
	size_t changed;  /* practices whose assessment changed */
	size_t fields;   /* fields changed in all */
} sheet_import_t;

/* Applies a sheet of assessments: a CSV, or an XLSX or ODS workbook (told
 * apart by content: util/workbook), whose sheet "Évaluation" (the export's)
 * or else first sheet with an id column in its first row is read. Columns
 * are found by their header (the export's English names or French ones:
 * statut, pilote, responsable, échéance, commentaire; any case or accents);
 * id is required; a missing column leaves that field as it is, an empty
 * cell clears it; title, theme, priority and difficulty are for reading
 * only. A CSV cell's value is sheet_import_value's (one leading apostrophe
 * off); a workbook cell's is as the spreadsheet holds it, a date typed in
 * it as YYYY-MM-DD. Every row is checked first: any bad row refuses the
 * whole file, each reported with its line (CSV) or at its cell (workbook:
 * file:row:column, the message opening with Évaluation!F12). */
steer_rc sheet_import(store_t *s, const char *file, const char *src, size_t len, sheet_import_t *res,
		      diag_list_t *d);

#endif
