/* workbook: XLSX and ODS read through libzip and expat into sheets of
 * cells. One reader state (wb_t) walks the parts of either format with one
 * set of expat handlers; each part's elements are told apart by their local
 * name (XLSX: Excel's transitional and strict namespaces alike) or by
 * namespace and name (ODS, where LibreOffice repeats attributes under its
 * own calcext namespace). */
#include "util/workbook.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/utf8.h"
#include "util/xalloc.h"

/* expat joins an element's namespace and local name with this. */
#define NS_SEP ' '
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODS_MIME "application/vnd.oasis.opendocument.spreadsheet"
#define CHUNK (64u << 10)

typedef enum { PART_RELS, PART_BOOK, PART_STYLES, PART_STRINGS, PART_SHEET, PART_CONTENT } part_t;

/* The elements the reader acts on; every other one is E_OTHER. */
typedef enum {
	E_OTHER,
	E_REL, E_SHEET, E_BOOKPR, E_NUMFMT, E_CELLXFS, E_XF, E_SI, E_IS, E_R, E_T, E_ROW, E_C, E_V,
	E_TABLE, E_TROW, E_TCELL, E_P, E_S, E_TAB, E_BREAK, E_ANNOTATION,
} elem_t;

typedef struct {
	char *id, *type, *target;
} rel_t;

typedef struct {
	int id;
	bool date;
} numfmt_t;

typedef struct {
	const char *file;
	const csv_limits_t *lim;
	diag_list_t *d;
	workbook_t *out;
	zip_t *zip;
	XML_Parser p;
	const char *part_name;
	part_t part;
	bool failed;
	size_t unzipped, ncells, text; /* totals: XML inflated, cells and text held */
	unsigned char stack[WORKBOOK_MAX_DEPTH];
	int depth;
	buf_t *collect; /* where character data goes, NULL: nowhere */
	buf_t t, v;     /* a cell's text, an XLSX cell's <v> */
	/* XLSX */
	rel_t *rels;
	size_t nrels, relcap;
	char **sheet_rid; /* by sheet: its relationship id */
	bool date1904;
	numfmt_t *fmts;
	size_t nfmts, fmtcap;
	int *xfs; /* cellXfs: each style's number format */
	size_t nxfs, xfcap;
	buf_t sst;    /* shared strings, each NUL-terminated */
	size_t *sst_at;
	size_t nsst, sstcap;
	workbook_sheet_t *sheet; /* being read */
	long long row, col;      /* XLSX: the cell being read; ODS: the last row and column passed */
	char ctype[16];
	int cstyle;
	/* ODS */
	int table_depth, cell_depth, p_count, annotation;
	long long rows_repeat, cols_repeat;
	char *vtype, *value;
	bool space; /* the last character of the paragraph is a collapsed space */
	workbook_row_t pending; /* the ODS row being read, before its repeats */
	char *chunk;
} wb_t;

/* --- diagnostics ------------------------------------------------------- */

void workbook_ref(const char *sheet, int row, int col, buf_t *out)
{
	bool quote = !*sheet;
	for (const unsigned char *s = (const unsigned char *)sheet; *s && !quote; s++)
		quote = !(*s >= 0x80 || (*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
			  (*s >= 'a' && *s <= 'z') || *s == '_' || *s == '.');
	if (quote) {
		buf_putc(out, '\'');
		for (const char *s = sheet; *s; s++) {
			if (*s == '\'')
				buf_putc(out, '\'');
			buf_putc(out, *s);
		}
		buf_putc(out, '\'');
	} else {
		buf_puts(out, sheet);
	}
	buf_putc(out, '!');
	if (col <= 0) {
		buf_printf(out, "%d:%d", row, row);
		return;
	}
	char letters[8];
	int n = 0;
	for (int c = col; c > 0 && n < 7; c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	while (n)
		buf_putc(out, letters[--n]);
	buf_printf(out, "%d", row);
}

/* Refuses the workbook: a diagnostic (at the current sheet's cell when row
 * is not 0), and the parser stopped. */
static bool fail(wb_t *w, long long row, long long col, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static bool fail(wb_t *w, long long row, long long col, const char *hint, const char *fmt, ...)
{
	if (w->failed)
		return false;
	w->failed = true;
	buf_t msg = BUF_INIT;
	int line = row > 0 && row <= INT32_MAX ? (int)row : 0, column = col > 0 && col <= INT32_MAX ? (int)col : 0;
	if (line && w->sheet) {
		workbook_ref(w->sheet->name, line, column, &msg);
		buf_puts(&msg, ": ");
	}
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_t *x = diag_add(w->d, DIAG_ERROR, w->file, line, column, "workbook", "%s", buf_cstr(&msg));
	if (hint)
		diag_hint(x, "%s", hint);
	buf_free(&msg);
	if (w->p)
		XML_StopParser(w->p, XML_FALSE);
	return false;
}

static bool fail_limit(wb_t *w, long long row, long long col, size_t n, const char *unit)
{
	buf_t msg = BUF_INIT;
	csv_limit_message(w->lim, n, unit, &msg);
	fail(w, row, col, w->lim->hint, "%s", buf_cstr(&msg));
	buf_free(&msg);
	return false;
}

static const char damaged_hint[] = "open it in Excel or LibreOffice and save it again";

/* --- the cells --------------------------------------------------------- */

static void row_free(workbook_row_t *r)
{
	for (size_t i = 0; i < r->len; i++)
		free(r->cells[i].text);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

void workbook_free(workbook_t *w)
{
	for (size_t i = 0; i < w->len; i++) {
		for (size_t k = 0; k < w->sheets[i].len; k++)
			row_free(&w->sheets[i].rows[k]);
		free(w->sheets[i].rows);
		free(w->sheets[i].name);
	}
	free(w->sheets);
	memset(w, 0, sizeof *w);
}

static workbook_sheet_t *add_sheet(wb_t *w, const char *name)
{
	if (w->out->len >= WORKBOOK_MAX_SHEETS) {
		fail(w, 0, 0, w->lim->hint, "more than %d sheets: not %s", WORKBOOK_MAX_SHEETS, w->lim->what);
		return NULL;
	}
	if (strlen(name) > WORKBOOK_MAX_CELL) {
		fail(w, 0, 0, damaged_hint, "a sheet's name is longer than %u bytes", WORKBOOK_MAX_CELL);
		return NULL;
	}
	w->out->sheets = xrealloc(w->out->sheets, (w->out->len + 1) * sizeof *w->out->sheets);
	workbook_sheet_t *s = &w->out->sheets[w->out->len++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	return s;
}

/* Checks a cell's place and the totals before it is held. */
static bool admit(wb_t *w, long long row, long long col, size_t n)
{
	if (row > (long long)w->lim->max_rows)
		return fail_limit(w, row, col, w->lim->max_rows, "rows");
	if (col > (long long)w->lim->max_columns)
		return fail_limit(w, row, col, w->lim->max_columns, "columns");
	if (w->ncells >= WORKBOOK_MAX_CELLS)
		return fail(w, row, col, w->lim->hint, "more than %d cells in the workbook: not %s", WORKBOOK_MAX_CELLS,
			    w->lim->what);
	if (n > WORKBOOK_MAX_TEXT - w->text)
		return fail(w, row, col, w->lim->hint, "more than %u MB of text in the workbook: not %s",
			    WORKBOOK_MAX_TEXT >> 20, w->lim->what);
	w->ncells++;
	w->text += n;
	return true;
}

/* Appends the cell (text of n bytes, not empty) to row r. */
static void row_add(workbook_row_t *r, long long row, long long col, const char *text, size_t n)
{
	r->cells = xrealloc(r->cells, (r->len + 1) * sizeof *r->cells);
	workbook_cell_t *c = &r->cells[r->len++];
	size_t outlen;
	c->text = utf8_nfc_new(text, n, &outlen);
	if (!c->text)
		c->text = xstrndup(text, n);
	c->row = (int)row;
	c->col = (int)col;
}

/* Holds an XLSX cell: cells come in order, each after the one before. */
static bool sheet_add(wb_t *w, long long row, long long col, const char *text, size_t n)
{
	workbook_sheet_t *s = w->sheet;
	workbook_row_t *last = s->len ? &s->rows[s->len - 1] : NULL;
	if (last && (row < last->row || (row == last->row && col <= last->cells[last->len - 1].col))) {
		buf_t prev = BUF_INIT;
		workbook_ref(s->name, last->row, last->cells[last->len - 1].col, &prev);
		fail(w, row, col, damaged_hint, "this cell comes after %s: cells out of order", buf_cstr(&prev));
		buf_free(&prev);
		return false;
	}
	if (!admit(w, row, col, n))
		return false;
	if (!last || last->row != row) {
		s->rows = xrealloc(s->rows, (s->len + 1) * sizeof *s->rows);
		last = &s->rows[s->len++];
		memset(last, 0, sizeof *last);
		last->row = (int)row;
	}
	row_add(last, row, col, text, n);
	return true;
}

/* --- values ------------------------------------------------------------ */

/* The date of a day counted from 1970-01-01 (Howard Hinnant's
 * civil_from_days). */
static void civil(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

/* An Excel date (days since 1899-12-30, or 1904-01-01 in a workbook of the
 * 1904 system) as YYYY-MM-DD, with " HH:MM:SS" when it has a time. False
 * when v is no such date: it is then kept as written. Excel counts a
 * 29 February 1900 that never was (serial 60), so the days before it are
 * one off. */
static bool excel_date(const char *v, bool date1904, buf_t *out)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || *end || !isfinite(x) || x < (date1904 ? 0 : 1) || x >= 2958466 || (!date1904 && x >= 60 && x < 61))
		return false;
	double day = floor(x);
	long long secs = llround((x - day) * 86400);
	long long days = (long long)day + (secs >= 86400);
	secs %= 86400;
	days -= date1904 ? 24107 : days < 60 ? 25568 : 25569;
	long long y;
	unsigned m, d;
	civil(days, &y, &m, &d);
	buf_printf(out, "%04lld-%02u-%02u", y, m, d);
	if (secs)
		buf_printf(out, " %02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
	return true;
}

/* An ISO 8601 date-time as a date: "2026-06-30T00:00:00" is 2026-06-30, a
 * time other than midnight is kept after a space. */
static void iso_date(const char *v, buf_t *out)
{
	const char *t = strchr(v, 'T');
	if (!t) {
		buf_puts(out, v);
		return;
	}
	buf_put(out, v, (size_t)(t - v));
	if (strspn(t + 1, "0:.Z") != strlen(t + 1)) {
		buf_putc(out, ' ');
		buf_puts(out, t + 1);
	}
}

static bool builtin_date(int id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/* Whether an Excel number format shows a date: a day or a year outside
 * quoted text, escapes and [colour] or [h] brackets. */
static bool format_is_date(const char *f)
{
	for (; *f; f++) {
		if (*f == '"') {
			const char *q = strchr(f + 1, '"');
			if (!q)
				return false;
			f = q;
		} else if (*f == '[') {
			const char *q = strchr(f + 1, ']');
			if (!q)
				return false;
			f = q;
		} else if (*f == '\\' || *f == '_' || *f == '*') {
			if (!f[1])
				return false;
			f++;
		} else if (strchr("dDyY", *f)) {
			return true;
		}
	}
	return false;
}

static int cmp_fmt(const void *a, const void *b)
{
	const numfmt_t *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static bool style_is_date(const wb_t *w, int style)
{
	if (style < 0 || (size_t)style >= w->nxfs)
		return false;
	int id = w->xfs[style];
	numfmt_t key = {id, false};
	const numfmt_t *f = w->nfmts ? bsearch(&key, w->fmts, w->nfmts, sizeof *w->fmts, cmp_fmt) : NULL;
	return f ? f->date : builtin_date(id);
}

/* Excel's escapes of characters XML cannot hold: _x000D_ is a CR, _x005F_
 * a "_" (ECMA-376, ST_Xstring). */
static void unescape_x(const char *s, size_t n, buf_t *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned cp = 0;
		size_t k = 0;
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_') {
			for (k = 2; k < 6; k++) {
				char c = s[i + k];
				int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
									: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
				if (h < 0)
					break;
				cp = cp * 16 + (unsigned)h;
			}
		}
		if (k == 6 && cp && !(cp >= 0xD800 && cp <= 0xDFFF)) {
			utf8_put(out, cp);
			i += 6;
		} else {
			buf_putc(out, s[i]);
		}
	}
}

/* --- XML --------------------------------------------------------------- */

static const char *local_name(const char *name)
{
	const char *s = strrchr(name, NS_SEP);
	return s ? s + 1 : name;
}

static bool is(const char *name, const char *ns, const char *local)
{
	size_t n = strlen(ns);
	return strncmp(name, ns, n) == 0 && name[n] == NS_SEP && strcmp(name + n + 1, local) == 0;
}

/* An attribute's value by local name (ns NULL: in any namespace or none). */
static const char *attr(const XML_Char **atts, const char *ns, const char *local)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (ns ? is(atts[i], ns, local) : strcmp(local_name(atts[i]), local) == 0)
			return atts[i + 1];
	return NULL;
}

static elem_t kind_of(const wb_t *w, const char *name)
{
	if (w->part == PART_CONTENT) {
		static const struct {
			const char *ns, *name;
			elem_t e;
		} ods[] = {
			{NS_TABLE, "table", E_TABLE},
			{NS_TABLE, "table-row", E_TROW},
			{NS_TABLE, "table-cell", E_TCELL},
			{NS_TABLE, "covered-table-cell", E_TCELL},
			{NS_TEXT, "p", E_P},
			{NS_TEXT, "h", E_P},
			{NS_TEXT, "s", E_S},
			{NS_TEXT, "tab", E_TAB},
			{NS_TEXT, "line-break", E_BREAK},
			{NS_OFFICE, "annotation", E_ANNOTATION},
		};
		for (size_t i = 0; i < sizeof ods / sizeof *ods; i++)
			if (is(name, ods[i].ns, ods[i].name))
				return ods[i].e;
		return E_OTHER;
	}
	static const struct {
		const char *name;
		elem_t e;
	} xlsx[] = {
		{"Relationship", E_REL}, {"sheet", E_SHEET}, {"workbookPr", E_BOOKPR}, {"numFmt", E_NUMFMT},
		{"cellXfs", E_CELLXFS},  {"xf", E_XF},       {"si", E_SI},            {"is", E_IS},
		{"r", E_R},              {"t", E_T},         {"row", E_ROW},          {"c", E_C},
		{"v", E_V},
	};
	const char *l = local_name(name);
	for (size_t i = 0; i < sizeof xlsx / sizeof *xlsx; i++)
		if (strcmp(l, xlsx[i].name) == 0)
			return xlsx[i].e;
	return E_OTHER;
}

static elem_t parent(const wb_t *w, int up)
{
	return w->depth - 1 - up >= 0 ? (elem_t)w->stack[w->depth - 1 - up] : E_OTHER;
}

/* A style or format number; 0 when it is none. */
static int int_attr(const char *s)
{
	char *end;
	long n = s ? strtol(s, &end, 10) : 0;
	return s && !*end && n >= 0 && n <= INT32_MAX ? (int)n : 0;
}

/* A count attribute (rows or columns repeated): 1 when absent or bad. */
static long long count_attr(const XML_Char **atts, const char *ns, const char *name)
{
	const char *s = attr(atts, ns, name);
	if (!s)
		return 1;
	char *end;
	long long n = strtoll(s, &end, 10);
	return *end || n < 1 ? 1 : n > (1LL << 40) ? (1LL << 40) : n;
}

/* Reads an A1 reference ("F12"); false when it is none. */
static bool parse_ref(const char *s, long long *row, long long *col)
{
	long long c = 0, r = 0;
	const char *p = s;
	for (; *p >= 'A' && *p <= 'Z' && c < (1LL << 32); p++)
		c = c * 26 + (*p - 'A' + 1);
	if (p == s || *p < '1' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9' && r < (1LL << 32); p++)
		r = r * 10 + (*p - '0');
	if (*p)
		return false;
	*row = r;
	*col = c;
	return true;
}

/* A relationship's target, relative to xl/ or from the package's root
 * ("../" is not resolved: Excel and LibreOffice write plain targets). */
static char *part_path(const char *target)
{
	if (target[0] == '/')
		return xstrdup(target + 1);
	buf_t b = BUF_INIT;
	buf_puts(&b, "xl/");
	buf_puts(&b, strncmp(target, "./", 2) == 0 ? target + 2 : target);
	return buf_detach(&b);
}

static void xlsx_start(wb_t *w, elem_t e, const XML_Char **atts)
{
	const char *a;
	switch (e) {
	case E_REL:
		if (w->part == PART_RELS) {
			const char *id = attr(atts, NULL, "Id"), *type = attr(atts, NULL, "Type"),
				   *target = attr(atts, NULL, "Target"), *mode = attr(atts, NULL, "TargetMode");
			if (!id || !type || !target || (mode && strcmp(mode, "Internal") != 0))
				break;
			w->rels = xgrow(w->rels, &w->relcap, w->nrels + 1, sizeof *w->rels);
			rel_t *r = &w->rels[w->nrels++];
			r->id = xstrdup(id);
			r->type = xstrdup(type);
			r->target = part_path(target);
		}
		break;
	case E_SHEET:
		if (w->part == PART_BOOK) {
			const char *name = attr(atts, NULL, "name");
			/* The relationship id is r:id, in the relationships namespace. */
			const char *rid = NULL;
			for (size_t i = 0; atts[i]; i += 2)
				if (strcmp(local_name(atts[i]), "id") == 0 && strchr(atts[i], NS_SEP))
					rid = atts[i + 1];
			if (!name || !rid) {
				fail(w, 0, 0, damaged_hint, "xl/workbook.xml names a sheet without its name or part");
				break;
			}
			if (!add_sheet(w, name))
				break;
			w->sheet_rid = xrealloc(w->sheet_rid, w->out->len * sizeof *w->sheet_rid);
			w->sheet_rid[w->out->len - 1] = xstrdup(rid);
		}
		break;
	case E_BOOKPR:
		a = attr(atts, NULL, "date1904");
		w->date1904 = a && (strcmp(a, "1") == 0 || strcmp(a, "true") == 0);
		break;
	case E_NUMFMT:
		if (w->part == PART_STYLES) {
			const char *id = attr(atts, NULL, "numFmtId"), *code = attr(atts, NULL, "formatCode");
			if (!id || !code)
				break;
			if (w->nfmts >= WORKBOOK_MAX_CELLS) {
				fail(w, 0, 0, damaged_hint, "more than %d number formats", WORKBOOK_MAX_CELLS);
				break;
			}
			w->fmts = xgrow(w->fmts, &w->fmtcap, w->nfmts + 1, sizeof *w->fmts);
			w->fmts[w->nfmts].id = int_attr(id);
			w->fmts[w->nfmts++].date = format_is_date(code);
		}
		break;
	case E_XF:
		if (w->part == PART_STYLES && parent(w, 1) == E_CELLXFS) {
			if (w->nxfs >= WORKBOOK_MAX_CELLS) {
				fail(w, 0, 0, damaged_hint, "more than %d cell styles", WORKBOOK_MAX_CELLS);
				break;
			}
			a = attr(atts, NULL, "numFmtId");
			w->xfs = xgrow(w->xfs, &w->xfcap, w->nxfs + 1, sizeof *w->xfs);
			w->xfs[w->nxfs++] = int_attr(a);
		}
		break;
	case E_SI:
		if (w->part == PART_STRINGS)
			buf_reset(&w->t);
		break;
	case E_T:
		/* The text of a string or of its rich-text runs; not <rPh>'s (the
		 * phonetic reading Excel keeps beside Japanese text). */
		if (parent(w, 1) == E_SI || parent(w, 1) == E_IS ||
		    (parent(w, 1) == E_R && (parent(w, 2) == E_SI || parent(w, 2) == E_IS)))
			w->collect = &w->t;
		break;
	case E_ROW:
		if (w->part == PART_SHEET) {
			a = attr(atts, NULL, "r");
			char *end = NULL;
			long long r = a ? strtoll(a, &end, 10) : w->row + 1;
			if (a && (*end || r < 1))
				fail(w, 0, 0, damaged_hint, "row number '%s' in %s", a, w->part_name);
			w->row = r;
			w->col = 0;
		}
		break;
	case E_C:
		if (w->part == PART_SHEET) {
			a = attr(atts, NULL, "r");
			long long r = w->row, c = w->col + 1;
			if (a && !parse_ref(a, &r, &c)) {
				fail(w, 0, 0, damaged_hint, "cell reference '%s' in %s", a, w->part_name);
				break;
			}
			if (r < 1)
				r = 1;
			w->row = r;
			w->col = c;
			a = attr(atts, NULL, "t");
			snprintf(w->ctype, sizeof w->ctype, "%s", a ? a : "n");
			a = attr(atts, NULL, "s");
			w->cstyle = int_attr(a);
			buf_reset(&w->t);
			buf_reset(&w->v);
		}
		break;
	case E_V:
		if (parent(w, 1) == E_C)
			w->collect = &w->v;
		break;
	default: break;
	}
}

static void xlsx_cell_end(wb_t *w)
{
	const char *t = w->ctype, *v = buf_cstr(&w->v);
	buf_t val = BUF_INIT;
	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long long i = strtoull(v, &end, 10);
		if (!w->v.len || *end || i >= w->nsst) {
			fail(w, w->row, w->col, damaged_hint, "shared string '%s' does not exist", v);
			return;
		}
		buf_puts(&val, w->sst.ptr + w->sst_at[i]);
	} else if (strcmp(t, "inlineStr") == 0) {
		unescape_x(w->t.ptr ? w->t.ptr : "", w->t.len, &val);
	} else if (strcmp(t, "str") == 0) {
		unescape_x(v, w->v.len, &val);
	} else if (strcmp(t, "b") == 0) {
		buf_puts(&val, strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v);
	} else if (strcmp(t, "d") == 0) {
		iso_date(v, &val);
	} else if (strcmp(t, "n") != 0 || !style_is_date(w, w->cstyle) || !excel_date(v, w->date1904, &val)) {
		/* A number as written (Excel writes the shortest text that reads
		 * back as the same double), an error (#N/A) as shown. */
		buf_puts(&val, v);
	}
	if (val.len)
		sheet_add(w, w->row, w->col, val.ptr, val.len);
	buf_free(&val);
}

static void xlsx_end(wb_t *w, elem_t e)
{
	switch (e) {
	case E_T:
	case E_V: w->collect = NULL; break;
	case E_SI:
		if (w->part == PART_STRINGS) {
			if (w->nsst >= WORKBOOK_MAX_CELLS) {
				fail(w, 0, 0, w->lim->hint, "more than %d shared strings: not %s", WORKBOOK_MAX_CELLS,
				     w->lim->what);
				break;
			}
			w->sst_at = xgrow(w->sst_at, &w->sstcap, w->nsst + 1, sizeof *w->sst_at);
			w->sst_at[w->nsst++] = w->sst.len;
			unescape_x(w->t.ptr ? w->t.ptr : "", w->t.len, &w->sst);
			buf_putc(&w->sst, '\0');
			if (w->sst.len > WORKBOOK_MAX_TEXT)
				fail(w, 0, 0, w->lim->hint, "more than %u MB of text in the workbook: not %s",
				     WORKBOOK_MAX_TEXT >> 20, w->lim->what);
		}
		break;
	case E_C:
		if (w->part == PART_SHEET)
			xlsx_cell_end(w);
		break;
	default: break;
	}
}

/* ODS: the sheets are tables; a cell's text is its paragraphs, one a line. */
static void ods_start(wb_t *w, elem_t e, const XML_Char **atts)
{
	if (w->annotation) {
		w->annotation += e == E_ANNOTATION;
		return;
	}
	switch (e) {
	case E_TABLE:
		/* A table inside a cell (a drawing's) is no sheet. */
		if (w->cell_depth || w->table_depth++)
			break;
		const char *name = attr(atts, NS_TABLE, "name");
		w->sheet = add_sheet(w, name ? name : "");
		w->row = 0;
		break;
	case E_TROW:
		if (w->table_depth != 1 || w->cell_depth)
			break;
		w->rows_repeat = count_attr(atts, NS_TABLE, "number-rows-repeated");
		w->col = 0;
		row_free(&w->pending);
		break;
	case E_TCELL:
		if (w->table_depth != 1 || w->cell_depth++)
			break;
		w->cols_repeat = count_attr(atts, NS_TABLE, "number-columns-repeated");
		free(w->vtype);
		free(w->value);
		w->value = NULL;
		const char *type = attr(atts, NS_OFFICE, "value-type");
		w->vtype = xstrdup(type ? type : "");
		const char *value = NULL;
		if (strcmp(w->vtype, "float") == 0 || strcmp(w->vtype, "percentage") == 0 ||
		    strcmp(w->vtype, "currency") == 0)
			value = attr(atts, NS_OFFICE, "value");
		else if (strcmp(w->vtype, "date") == 0)
			value = attr(atts, NS_OFFICE, "date-value");
		else if (strcmp(w->vtype, "boolean") == 0)
			value = attr(atts, NS_OFFICE, "boolean-value");
		if (value) {
			buf_t b = BUF_INIT;
			if (strcmp(w->vtype, "date") == 0)
				iso_date(value, &b);
			else if (strcmp(w->vtype, "boolean") == 0)
				buf_puts(&b, strcmp(value, "true") == 0 ? "TRUE" : strcmp(value, "false") == 0 ? "FALSE" : value);
			else
				buf_puts(&b, value);
			w->value = buf_detach(&b);
		}
		buf_reset(&w->t);
		w->p_count = 0;
		break;
	case E_P:
		if (w->cell_depth != 1)
			break;
		if (w->p_count++)
			buf_putc(&w->t, '\n');
		w->space = true; /* leading white space is dropped */
		w->collect = &w->t;
		break;
	case E_S:
		if (w->collect) {
			long long n = count_attr(atts, NS_TEXT, "c");
			if (n > (long long)(WORKBOOK_MAX_CELL - w->t.len)) {
				fail(w, w->row + 1, w->col + 1, w->lim->hint, "a cell holds more than %u bytes: not %s",
				     WORKBOOK_MAX_CELL, w->lim->what);
				break;
			}
			for (long long i = 0; i < n; i++)
				buf_putc(&w->t, ' ');
			w->space = false;
		}
		break;
	case E_TAB:
	case E_BREAK:
		if (w->collect) {
			buf_putc(&w->t, e == E_TAB ? '\t' : '\n');
			w->space = false;
		}
		break;
	case E_ANNOTATION: w->annotation = 1; break;
	default: break;
	}
}

/* The cell just read, held in the pending row once per repeat; an empty
 * cell only moves the column, however many times it repeats. */
static void ods_cell_end(wb_t *w)
{
	const char *text = w->value ? w->value : buf_cstr(&w->t);
	size_t n = strlen(text);
	long long row = w->row + 1;
	if (!n) {
		w->col += w->cols_repeat;
		return;
	}
	for (long long k = 0; k < w->cols_repeat && !w->failed; k++) {
		long long col = ++w->col;
		if (!admit(w, row, col, n))
			return;
		row_add(&w->pending, row, col, text, n);
	}
}

/* The row just read, held once per repeat; an empty row only moves the
 * row number. */
static void ods_row_end(wb_t *w)
{
	workbook_sheet_t *s = w->sheet;
	if (!w->pending.len) {
		w->row += w->rows_repeat;
		return;
	}
	for (long long k = 0; k < w->rows_repeat && !w->failed; k++) {
		long long row = ++w->row;
		/* The first copy was counted cell by cell as it was read. */
		for (size_t i = 0; k && i < w->pending.len && !w->failed; i++)
			admit(w, row, w->pending.cells[i].col, strlen(w->pending.cells[i].text));
		if (w->failed)
			return;
		s->rows = xrealloc(s->rows, (s->len + 1) * sizeof *s->rows);
		workbook_row_t *r = &s->rows[s->len++];
		r->row = (int)row;
		r->len = w->pending.len;
		r->cells = xmalloc(r->len * sizeof *r->cells);
		for (size_t i = 0; i < r->len; i++) {
			r->cells[i].text = xstrdup(w->pending.cells[i].text);
			r->cells[i].row = (int)row;
			r->cells[i].col = w->pending.cells[i].col;
		}
	}
	row_free(&w->pending);
}

static void ods_end(wb_t *w, elem_t e)
{
	if (w->annotation) {
		w->annotation -= e == E_ANNOTATION;
		return;
	}
	switch (e) {
	case E_TABLE:
		if (!w->cell_depth && w->table_depth && !--w->table_depth)
			w->sheet = NULL;
		break;
	case E_TROW:
		if (w->table_depth == 1 && !w->cell_depth && w->sheet)
			ods_row_end(w);
		break;
	case E_TCELL:
		if (w->table_depth == 1 && w->cell_depth && !--w->cell_depth && w->sheet)
			ods_cell_end(w);
		break;
	case E_P:
		if (w->cell_depth == 1)
			w->collect = NULL;
		break;
	default: break;
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	wb_t *w = ud;
	if (w->failed)
		return;
	if (w->depth >= WORKBOOK_MAX_DEPTH) {
		fail(w, 0, 0, damaged_hint, "%s nests elements deeper than %d levels: not a workbook's XML", w->part_name,
		     WORKBOOK_MAX_DEPTH);
		return;
	}
	elem_t e = kind_of(w, name);
	w->stack[w->depth++] = (unsigned char)e;
	if (w->part == PART_CONTENT)
		ods_start(w, e, atts);
	else
		xlsx_start(w, e, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	wb_t *w = ud;
	if (w->failed || !w->depth)
		return;
	elem_t e = (elem_t)w->stack[--w->depth];
	(void)name;
	if (w->part == PART_CONTENT)
		ods_end(w, e);
	else
		xlsx_end(w, e);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	wb_t *w = ud;
	if (w->failed || !w->collect || len <= 0)
		return;
	if (w->collect->len + (size_t)len > WORKBOOK_MAX_CELL) {
		fail(w, w->part == PART_STRINGS ? 0 : w->row + (w->part == PART_CONTENT),
		     w->part == PART_STRINGS ? 0 : w->col + (w->part == PART_CONTENT), w->lim->hint,
		     "a cell holds more than %u bytes: not %s", WORKBOOK_MAX_CELL, w->lim->what);
		return;
	}
	if (w->part != PART_CONTENT) {
		buf_put(w->collect, s, (size_t)len);
		return;
	}
	/* ODF collapses white space in a paragraph as HTML does; text:s,
	 * text:tab and text:line-break write the spaces that count. */
	for (int i = 0; i < len; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (!w->space)
				buf_putc(w->collect, ' ');
			w->space = true;
		} else {
			buf_putc(w->collect, c);
			w->space = false;
		}
	}
}

/* A workbook declares no entity: a DOCTYPE is refused outright rather than
 * trusted to expat's limits on entity expansion. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	wb_t *w = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(w, 0, 0, damaged_hint, "%s has a DOCTYPE: a workbook's XML declares none", w->part_name);
}

/* --- the zip ----------------------------------------------------------- */

static bool too_big(wb_t *w)
{
	return fail(w, 0, 0, w->lim->hint, "%s inflates to more than %u MB: not %s", w->part_name,
		    WORKBOOK_MAX_UNZIPPED >> 20, w->lim->what);
}

static zip_file_t *open_entry(wb_t *w, const char *name, bool required)
{
	w->part_name = name;
	zip_int64_t idx = zip_name_locate(w->zip, name, 0);
	if (idx < 0) {
		if (required)
			fail(w, 0, 0, damaged_hint, "%s is missing: the workbook is damaged", name);
		return NULL;
	}
	zip_stat_t st;
	if (zip_stat_index(w->zip, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
	    st.size > WORKBOOK_MAX_UNZIPPED - w->unzipped) {
		too_big(w);
		return NULL;
	}
	zip_file_t *f = zip_fopen_index(w->zip, (zip_uint64_t)idx, 0);
	if (!f)
		fail(w, 0, 0, damaged_hint, "cannot read %s: %s", name, zip_strerror(w->zip));
	return f;
}

/* Reads at most cap bytes of f, counted; -1 on an error (reported). */
static zip_int64_t read_entry(wb_t *w, zip_file_t *f, char *to, size_t cap)
{
	zip_int64_t n = zip_fread(f, to, cap);
	if (n < 0) {
		fail(w, 0, 0, damaged_hint, "cannot read %s: %s: the workbook is damaged", w->part_name,
		     zip_file_strerror(f));
		return -1;
	}
	if ((zip_uint64_t)n > WORKBOOK_MAX_UNZIPPED - w->unzipped) {
		too_big(w);
		return -1;
	}
	w->unzipped += (size_t)n;
	return n;
}

/* Streams one XML part through the handlers; a missing optional part reads
 * as empty. */
static bool parse_part(wb_t *w, const char *name, part_t part, bool required)
{
	zip_file_t *f = open_entry(w, name, required);
	if (!f)
		return !w->failed;
	w->part = part;
	w->depth = 0;
	w->collect = NULL;
	w->p = XML_ParserCreateNS(NULL, NS_SEP);
	if (!w->p)
		abort(); /* expat's only failure here is memory: as xalloc */
	XML_SetUserData(w->p, w);
	XML_SetElementHandler(w->p, on_start, on_end);
	XML_SetCharacterDataHandler(w->p, on_text);
	XML_SetStartDoctypeDeclHandler(w->p, on_doctype);
	for (;;) {
		zip_int64_t n = read_entry(w, f, w->chunk, CHUNK);
		if (n < 0)
			break;
		if (XML_Parse(w->p, w->chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (!w->failed)
				fail(w, 0, 0, damaged_hint, "%s, line %lu: %s: the workbook is damaged", name,
				     (unsigned long)XML_GetCurrentLineNumber(w->p), XML_ErrorString(XML_GetErrorCode(w->p)));
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(w->p);
	w->p = NULL;
	zip_fclose(f);
	w->collect = NULL;
	return !w->failed;
}

static const rel_t *rel_by_id(const wb_t *w, const char *id)
{
	for (size_t i = 0; i < w->nrels; i++)
		if (strcmp(w->rels[i].id, id) == 0)
			return &w->rels[i];
	return NULL;
}

/* The first relationship whose type ends with suffix ("/styles"). */
static const rel_t *rel_by_type(const wb_t *w, const char *suffix)
{
	size_t k = strlen(suffix);
	for (size_t i = 0; i < w->nrels; i++) {
		size_t n = strlen(w->rels[i].type);
		if (n >= k && strcmp(w->rels[i].type + n - k, suffix) == 0)
			return &w->rels[i];
	}
	return NULL;
}

static bool read_xlsx(wb_t *w)
{
	if (!parse_part(w, "xl/_rels/workbook.xml.rels", PART_RELS, true) ||
	    !parse_part(w, "xl/workbook.xml", PART_BOOK, true))
		return false;
	const rel_t *styles = rel_by_type(w, "/styles"), *strings = rel_by_type(w, "/sharedStrings");
	if (styles && !parse_part(w, styles->target, PART_STYLES, false))
		return false;
	if (w->nfmts)
		qsort(w->fmts, w->nfmts, sizeof *w->fmts, cmp_fmt);
	if (strings && !parse_part(w, strings->target, PART_STRINGS, false))
		return false;
	for (size_t i = 0; i < w->out->len; i++) {
		const rel_t *r = rel_by_id(w, w->sheet_rid[i]);
		if (!r)
			return fail(w, 0, 0, damaged_hint, "sheet '%s' has no part in xl/_rels/workbook.xml.rels",
				    w->out->sheets[i].name);
		w->sheet = &w->out->sheets[i];
		w->row = w->col = 0;
		if (!parse_part(w, r->target, PART_SHEET, true))
			return false;
	}
	w->sheet = NULL;
	return true;
}

/* The first bytes of the mimetype entry, "" when there is none. */
static bool read_mimetype(wb_t *w, char mime[128])
{
	mime[0] = '\0';
	zip_file_t *f = open_entry(w, "mimetype", false);
	if (!f)
		return !w->failed;
	zip_int64_t n = read_entry(w, f, mime, 127);
	zip_fclose(f);
	if (n < 0)
		return false;
	mime[n] = '\0';
	return true;
}

bool workbook_sniff(const char *src, size_t len)
{
	return len >= 4 && src[0] == 'P' && src[1] == 'K' &&
	       ((src[2] == 3 && src[3] == 4) || (src[2] == 5 && src[3] == 6));
}

bool workbook_parse(const char *file, const char *src, size_t len, const csv_limits_t *lim, workbook_t *out,
		    diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	wb_t w;
	memset(&w, 0, sizeof w);
	w.file = file;
	w.lim = lim;
	w.d = d;
	w.out = out;
	if (len > lim->max_bytes) {
		diag_t *x = diag_add(d, DIAG_ERROR, file, 0, 0, "workbook", "the file is larger than %zu MB: not %s",
				     lim->max_bytes >> 20, lim->what);
		diag_hint(x, "%s", lim->hint);
		return false;
	}
	static const char not_workbook_hint[] = "save it from Excel as \"Classeur Excel (.xlsx)\" or from "
						"LibreOffice as \"Classeur ODF (.ods)\"";
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *zs = len ? zip_source_buffer_create(src, len, 0, &ze) : NULL;
	if (zs) {
		w.zip = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
		if (!w.zip)
			zip_source_free(zs);
	}
	if (!w.zip) {
		diag_t *x = diag_add(d, DIAG_ERROR, file, 0, 0, "workbook", "not a workbook: %s",
				     zs ? zip_error_strerror(&ze) : "an empty file");
		diag_hint(x, "%s", not_workbook_hint);
		zip_error_fini(&ze);
		return false;
	}
	zip_error_fini(&ze);
	w.chunk = xmalloc(CHUNK);
	char mime[128];
	bool ok = read_mimetype(&w, mime);
	if (ok && strcmp(mime, ODS_MIME) == 0) {
		out->format = WORKBOOK_ODS;
		ok = parse_part(&w, "content.xml", PART_CONTENT, true);
	} else if (ok && strncmp(mime, "application/vnd.oasis.opendocument.", 35) == 0) {
		ok = fail(&w, 0, 0, not_workbook_hint, "not a workbook: an OpenDocument file of another kind (%s)", mime);
	} else if (ok && zip_name_locate(w.zip, "[Content_Types].xml", 0) >= 0 &&
		   zip_name_locate(w.zip, "xl/workbook.xml", 0) >= 0) {
		out->format = WORKBOOK_XLSX;
		ok = read_xlsx(&w);
	} else if (ok) {
		ok = fail(&w, 0, 0, not_workbook_hint,
			  "not a workbook: a zip archive that is neither an XLSX (xl/workbook.xml) nor an ODS");
	}
	zip_discard(w.zip);
	for (size_t i = 0; i < w.nrels; i++) {
		free(w.rels[i].id);
		free(w.rels[i].type);
		free(w.rels[i].target);
	}
	free(w.rels);
	if (w.sheet_rid)
		for (size_t i = 0; i < out->len; i++)
			free(w.sheet_rid[i]);
	free(w.sheet_rid);
	free(w.fmts);
	free(w.xfs);
	free(w.sst_at);
	buf_free(&w.sst);
	buf_free(&w.t);
	buf_free(&w.v);
	free(w.vtype);
	free(w.value);
	row_free(&w.pending);
	free(w.chunk);
	if (!ok)
		workbook_free(out);
	return ok;
}
