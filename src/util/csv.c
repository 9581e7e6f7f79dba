/* csv: a single forward pass over the text, one cell buffer reused, line
 * numbers counted forward from the previous row. */
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

static char detect_sep(const char *s, size_t len)
{
	size_t commas = 0, semis = 0;
	bool q = false;
	for (size_t i = 0; i < len && (q || (s[i] != '\n' && s[i] != '\r')); i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == ',')
			commas++;
		else if (!q && s[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

static void row_free(csv_row_t *row)
{
	for (size_t k = 0; k < row->ncells; k++)
		free(row->cells[k]);
	free(row->cells);
}

void csv_free(csv_t *c)
{
	for (size_t i = 0; i < c->len; i++)
		row_free(&c->rows[i]);
	free(c->rows);
	memset(c, 0, sizeof *c);
}

static bool csv_error(diag_list_t *d, const char *file, const char *src, size_t len, size_t off, const char *hint,
		      const char *msg)
{
	int line, col;
	utf8_line_col(src, len, off, &line, &col);
	diag_t *x = diag_add(d, DIAG_ERROR, file, line, col, "csv", "%s", msg);
	if (hint)
		diag_hint(x, "%s", hint);
	return false;
}

void csv_limit_message(const csv_limits_t *lim, size_t n, const char *unit, buf_t *out)
{
	char digits[32];
	int nd = snprintf(digits, sizeof digits, "%zu", n);
	buf_puts(out, "more than ");
	for (int i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			buf_putc(out, ',');
		buf_putc(out, digits[i]);
	}
	buf_printf(out, " %s: not %s", unit, lim->what);
}

static bool limit_error(diag_list_t *d, const char *file, const char *src, size_t len, size_t off,
			const csv_limits_t *lim, size_t n, const char *unit)
{
	buf_t msg = BUF_INIT;
	csv_limit_message(lim, n, unit, &msg);
	csv_error(d, file, src, len, off, lim->hint, buf_cstr(&msg));
	buf_free(&msg);
	return false;
}

/* The state of one parse: the text, where it stands, the cell being read. */
typedef struct {
	const char *file, *src;
	size_t len, i;
	const csv_limits_t *lim;
	diag_list_t *d;
	char sep;
	buf_t cell;
} reader_t;

/* Reads the cell at r->i into r->cell; false (with the diagnostic) on a
 * malformed quoted cell. */
static bool read_cell(reader_t *r)
{
	const char *src = r->src;
	buf_reset(&r->cell);
	buf_put(&r->cell, "", 0);
	if (r->i < r->len && src[r->i] == '"') {
		size_t open = r->i++;
		for (;;) {
			if (r->i >= r->len)
				return csv_error(r->d, r->file, src, r->len, open, "close it with another '\"'",
						 "this quoted cell is never closed");
			if (src[r->i] == '"' && r->i + 1 < r->len && src[r->i + 1] == '"') {
				buf_putc(&r->cell, '"');
				r->i += 2;
			} else if (src[r->i] == '"') {
				r->i++;
				break;
			} else {
				buf_putc(&r->cell, src[r->i++]);
			}
		}
		if (r->i < r->len && src[r->i] != r->sep && src[r->i] != '\n' && src[r->i] != '\r')
			return csv_error(r->d, r->file, src, r->len, r->i, "a quote inside a cell is written twice: \"\"",
					 "text after the closing quote of a cell");
	} else {
		while (r->i < r->len && src[r->i] != r->sep && src[r->i] != '\n' && src[r->i] != '\r')
			buf_putc(&r->cell, src[r->i++]);
	}
	return true;
}

/* Reads one record into row; false (with the diagnostic) on an error. */
static bool read_row(reader_t *r, csv_row_t *row)
{
	size_t cellcap = 0;
	for (;;) {
		size_t cstart = r->i;
		if (!read_cell(r))
			return false;
		if (row->ncells >= r->lim->max_columns)
			return limit_error(r->d, r->file, r->src, r->len, cstart, r->lim, r->lim->max_columns, "columns");
		row->cells = xgrow(row->cells, &cellcap, row->ncells + 1, sizeof *row->cells);
		/* In NFC: a spreadsheet saved on macOS may hold decomposed text. */
		row->cells[row->ncells++] = utf8_nfc_strdup(buf_cstr(&r->cell));
		if (r->i < r->len && r->src[r->i] == r->sep) {
			r->i++;
			continue;
		}
		break;
	}
	if (r->i < r->len && r->src[r->i] == '\r')
		r->i++;
	if (r->i < r->len && r->src[r->i] == '\n')
		r->i++;
	return true;
}

/* Refuses what no CSV reader should take: a file over the limit, invalid
 * UTF-8, a NUL byte. */
static bool admissible(const char *file, const char *src, size_t len, const csv_limits_t *lim, diag_list_t *d)
{
	size_t bad;
	if (len > lim->max_bytes) {
		diag_t *x = diag_add(d, DIAG_ERROR, file, 0, 0, "csv", "the file is larger than %zu MB: not %s",
				     lim->max_bytes >> 20, lim->what);
		diag_hint(x, "%s", lim->hint);
		return false;
	}
	if (!utf8_valid(src, len, &bad))
		return csv_error(d, file, src, len, bad,
				 "save the sheet as \"CSV UTF-8 (délimité par des virgules)\" in Excel, or as UTF-8 in LibreOffice",
				 "the file is not UTF-8 text (Excel's plain \"CSV\" is Windows-1252)");
	/* Cells are C strings, so a NUL byte would cut its cell short without a
	 * word (Jo\0e imported as Jo). It is refused here, where its position
	 * is known, as the import refuses the other control characters. */
	const char *nul = memchr(src, '\0', len);
	if (nul)
		return csv_error(d, file, src, len, (size_t)(nul - src),
				 "delete it; if the file came from a spreadsheet, save it again as \"CSV UTF-8 "
				 "(délimité par des virgules)\" in Excel, or as UTF-8 in LibreOffice",
				 "this cell contains a NUL byte, a control character no cell may hold");
	return true;
}

bool csv_parse(const char *file, const char *src, size_t len, const csv_limits_t *lim, csv_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	if (!admissible(file, src, len, lim, d))
		return false;
	reader_t r = {.file = file, .src = src, .len = len, .lim = lim, .d = d};
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		r.i = 3;
	r.sep = out->sep = detect_sep(src + r.i, len - r.i);
	size_t rowcap = 0;
	/* Line numbers counted forward from the previous row: recounting from
	 * the start of the file for each row made big imports quadratic. */
	size_t lpos = 0;
	int lcur = 1;
	bool ok = true;
	while (ok && r.i < len) {
		csv_row_t row = {NULL, 0, 0};
		size_t start = r.i;
		for (; lpos < r.i; lpos++)
			lcur += src[lpos] == '\n';
		row.line = lcur;
		ok = read_row(&r, &row);
		bool blank = true;
		for (size_t k = 0; k < row.ncells && blank; k++)
			blank = row.cells[k][0] == '\0';
		if (ok && !blank && out->len >= lim->max_rows)
			ok = limit_error(d, file, src, len, start, lim, lim->max_rows, "rows");
		if (!ok || blank) {
			row_free(&row);
			continue;
		}
		out->rows = xgrow(out->rows, &rowcap, out->len + 1, sizeof *out->rows);
		out->rows[out->len++] = row;
	}
	buf_free(&r.cell);
	if (!ok)
		csv_free(out);
	return ok;
}
