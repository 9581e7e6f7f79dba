/* Tests for util/workbook: small XLSX and ODS built here with libzip from
 * XML strings, as Excel and LibreOffice write them (shared strings with
 * rich-text runs, inline strings, cells and rows skipped, repeats, dates,
 * booleans, numbers as written), and what is refused: a damaged zip, a zip
 * that is no workbook, an OpenDocument text, a DOCTYPE, a zip bomb (by its
 * directory, and by a directory that lies), deep XML, the caller's row and
 * column limits at the cell's position. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "unit/zipfixture.h"
#include "util/workbook.h"

static const csv_limits_t lim = {32u << 20, 100000, 64, "a test sheet", "start from an export"};

#define CT "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELS_NS "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define REL_T "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* Two sheets whose parts are named against their order, as after Excel
 * moved a sheet. */
static const zfx_entry_t xlsx[] = {
	{"[Content_Types].xml", CT},
	{"xl/_rels/workbook.xml.rels",
	 "<Relationships " RELS_NS "><Relationship Id=\"rId7\" Type=\"" REL_T "worksheet\" Target=\"worksheets/sheet2.xml\"/>"
	 "<Relationship Id=\"rId8\" Type=\"" REL_T "worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/>"
	 "<Relationship Id=\"rId3\" Type=\"" REL_T "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	 "<Relationship Id=\"rId4\" Type=\"" REL_T "styles\" Target=\"styles.xml\"/></Relationships>"},
	{"xl/workbook.xml",
	 "<workbook " NS "><workbookPr/><sheets><sheet name=\"Évaluation\" sheetId=\"1\" r:id=\"rId7\"/>"
	 "<sheet name=\"Notes\" sheetId=\"2\" r:id=\"rId8\"/></sheets></workbook>"},
	{"xl/styles.xml",
	 "<styleSheet " NS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy;@\"/>"
	 "<numFmt numFmtId=\"165\" formatCode=\"&quot;day&quot; 0.00\"/></numFmts>"
	 "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
	 "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/><xf numFmtId=\"165\"/></cellXfs></styleSheet>"},
	{"xl/sharedStrings.xml",
	 "<sst " NS " count=\"4\" uniqueCount=\"4\"><si><t>id</t></si><si><t>statut</t></si>"
	 "<si><r><rPr><b/></rPr><t>en </t></r><r><t xml:space=\"preserve\">cours </t></r><rPh><t>ルビ</t></rPh></si>"
	 "<si><t>ligne 1_x000D_\nligne 2 _x005F_x0041_</t></si></sst>"},
	{"xl/worksheets/sheet2.xml",
	 "<worksheet " NS "><sheetData>"
	 "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
	 "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>a.1</t></is></c><c r=\"B3\"/>"
	 "<c r=\"C3\" t=\"s\"><v>2</v></c><c r=\"D3\" s=\"1\"><v>46203</v></c><c r=\"E3\" s=\"2\"><v>46203.5</v></c>"
	 "<c r=\"F3\"><v>0.1</v></c><c r=\"G3\" s=\"3\"><v>1.0000000001</v></c><c r=\"H3\" t=\"b\"><v>1</v></c>"
	 "<c r=\"I3\" t=\"str\"><f>A3</f><v>a.1</v></c><c r=\"J3\" t=\"e\"><v>#N/A</v></c><c r=\"AB3\" t=\"s\"><v>3</v></c></row>"
	 "<row><c t=\"b\"><v>0</v></c><c t=\"d\"><v>2026-01-02T00:00:00</v></c></row>"
	 "</sheetData></worksheet>"},
	{"xl/worksheets/sheet1.xml", "<worksheet " NS "><sheetData/></worksheet>"},
};

static void test_xlsx(void **state)
{
	(void)state;
	buf_t z = BUF_INIT;
	zfx_zip(xlsx, sizeof xlsx / sizeof *xlsx, &z);
	assert_true(workbook_sniff(z.ptr, z.len));
	workbook_t w;
	diag_list_t d = DIAG_LIST_INIT;
	assert_true(workbook_parse("t.xlsx", z.ptr, z.len, &lim, &w, &d));
	assert_int_equal(d.len, 0);
	assert_int_equal(w.format, WORKBOOK_XLSX);
	assert_int_equal(w.len, 2);
	assert_string_equal(w.sheets[0].name, "Évaluation");
	assert_string_equal(w.sheets[1].name, "Notes");
	assert_int_equal(w.sheets[1].len, 0);
	const workbook_sheet_t *s = &w.sheets[0];
	assert_int_equal(s->len, 3);
	assert_int_equal(s->rows[0].row, 1);
	assert_int_equal(s->rows[0].len, 2);
	assert_int_equal(s->rows[0].cells[1].col, 3);
	assert_string_equal(s->rows[0].cells[1].text, "statut");
	const workbook_row_t *r = &s->rows[1];
	assert_int_equal(r->row, 3);
	assert_int_equal(r->len, 10); /* B3 is empty: left out */
	static const struct {
		int col;
		const char *text;
	} want[] = {
		{1, "a.1"}, {3, "en cours "}, {4, "2026-06-30"}, {5, "2026-06-30 12:00:00"}, {6, "0.1"},
		{7, "1.0000000001"}, /* a number format that is no date: the number as written */
		{8, "TRUE"}, {9, "a.1"}, {10, "#N/A"}, {28, "ligne 1\r\nligne 2 _x0041_"},
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		assert_int_equal(r->cells[i].row, 3);
		assert_int_equal(r->cells[i].col, want[i].col);
		assert_string_equal(r->cells[i].text, want[i].text);
	}
	/* A row and cells without references follow the ones before. */
	assert_int_equal(s->rows[2].row, 4);
	assert_int_equal(s->rows[2].cells[0].col, 1);
	assert_string_equal(s->rows[2].cells[0].text, "FALSE");
	assert_string_equal(s->rows[2].cells[1].text, "2026-01-02");
	workbook_free(&w);
	assert_int_equal(w.len, 0);
	buf_free(&z);
}

/* A workbook of the 1904 date system counts days from 1904-01-01. */
static void test_xlsx_1904(void **state)
{
	(void)state;
	zfx_entry_t e[sizeof xlsx / sizeof *xlsx];
	memcpy(e, xlsx, sizeof e);
	e[2].text = "<workbook " NS "><workbookPr date1904=\"1\"/><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId8\"/>"
		    "</sheets></workbook>";
	e[6].text = "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"B2\" s=\"2\"><v>44741</v></c></row></sheetData></worksheet>";
	buf_t z = BUF_INIT;
	zfx_zip(e, sizeof e / sizeof *e, &z);
	workbook_t w;
	diag_list_t d = DIAG_LIST_INIT;
	assert_true(workbook_parse("t.xlsx", z.ptr, z.len, &lim, &w, &d));
	assert_int_equal(w.len, 1);
	assert_string_equal(w.sheets[0].rows[0].cells[0].text, "2026-06-30");
	workbook_free(&w);
	buf_free(&z);
}

static void test_ods(void **state)
{
	(void)state;
	buf_t z = BUF_INIT;
	zfx_ods("<table:table table:name=\"Évaluation\">"
		"<table:table-column table:number-columns-repeated=\"16384\"/>"
		"<table:table-row><table:table-cell office:value-type=\"string\" calcext:value-type=\"string\">"
		"<text:p>id</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"2\"/>"
		"<table:table-cell office:value-type=\"string\"><text:p>statut</text:p></table:table-cell>"
		"<table:table-cell table:number-columns-repeated=\"16380\"/></table:table-row>"
		"<table:table-row table:number-rows-repeated=\"2\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>"
		"<table:table-row><table:table-cell office:value-type=\"string\"><text:p>  a.1 </text:p></table:table-cell>"
		"<table:table-cell office:value-type=\"float\" office:value=\"0.1\" calcext:value-type=\"float\"><text:p>0,10</text:p></table:table-cell>"
		"<table:table-cell office:value-type=\"date\" office:date-value=\"2026-06-30\"><text:p>30/06/26</text:p></table:table-cell>"
		"<table:table-cell office:value-type=\"date\" office:date-value=\"2026-06-30T00:00:00\"/>"
		"<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\"><text:p>VRAI</text:p></table:table-cell>"
		"<table:table-cell table:number-columns-spanned=\"2\" office:value-type=\"string\"><text:p>un<text:s text:c=\"3\"/>deux<text:tab/>"
		"<text:span>trois</text:span></text:p><text:p>l2<text:line-break/>l3</text:p>"
		"<office:annotation><text:p>note</text:p></office:annotation></table:table-cell>"
		"<table:covered-table-cell/>"
		"<table:table-cell table:number-columns-repeated=\"2\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell>"
		"</table:table-row>"
		"<table:table-row table:number-rows-repeated=\"2\"><table:table-cell office:value-type=\"string\"><text:p>r</text:p>"
		"</table:table-cell></table:table-row>"
		"<table:table-row table:number-rows-repeated=\"1048560\"><table:table-cell table:number-columns-repeated=\"16384\"/>"
		"</table:table-row></table:table>"
		"<table:table table:name=\"Plan d'action\"><table:table-row><table:table-cell table:number-columns-repeated=\"3\"/>"
		"<table:table-cell office:value-type=\"currency\" office:value=\"12.5\"><text:p>12,50 €</text:p></table:table-cell>"
		"</table:table-row></table:table>",
		&z);
	workbook_t w;
	diag_list_t d = DIAG_LIST_INIT;
	assert_true(workbook_parse("t.ods", z.ptr, z.len, &lim, &w, &d));
	assert_int_equal(d.len, 0);
	assert_int_equal(w.format, WORKBOOK_ODS);
	assert_int_equal(w.len, 2);
	const workbook_sheet_t *s = &w.sheets[0];
	assert_string_equal(s->name, "Évaluation");
	assert_int_equal(s->len, 4);
	assert_int_equal(s->rows[0].len, 2);
	assert_int_equal(s->rows[0].cells[1].col, 4);
	const workbook_row_t *r = &s->rows[1];
	assert_int_equal(r->row, 4);
	static const char *const want[] = {"a.1 ", "0.1", "2026-06-30", "2026-06-30", "TRUE",
					   "un   deux\ttrois\nl2\nl3", "x", "x"};
	static const int cols[] = {1, 2, 3, 4, 5, 6, 8, 9};
	assert_int_equal(r->len, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(r->cells[i].col, cols[i]);
		assert_int_equal(r->cells[i].row, 4);
		assert_string_equal(r->cells[i].text, want[i]);
	}
	assert_int_equal(s->rows[2].row, 5);
	assert_int_equal(s->rows[3].row, 6);
	assert_string_equal(s->rows[3].cells[0].text, "r");
	assert_int_equal(s->rows[3].cells[0].row, 6);
	assert_string_equal(w.sheets[1].name, "Plan d'action");
	assert_int_equal(w.sheets[1].rows[0].cells[0].col, 4);
	assert_string_equal(w.sheets[1].rows[0].cells[0].text, "12.5");
	workbook_free(&w);
	buf_free(&z);
}

/* Parses z, expecting a refusal whose message holds what. */
static const diag_t *refused(const buf_t *z, const csv_limits_t *l, const char *what, diag_list_t *d)
{
	workbook_t w;
	diag_list_free(d);
	assert_false(workbook_parse("t.xlsx", z->ptr ? z->ptr : "", z->len, l, &w, d));
	assert_int_equal(w.len, 0);
	assert_null(w.sheets);
	assert_int_equal(d->len, 1);
	if (!strstr(d->items[0].msg, what))
		fail_msg("'%s' does not say '%s'", d->items[0].msg, what);
	assert_string_equal(d->items[0].rule, "workbook");
	assert_string_equal(d->items[0].file, "t.xlsx");
	return &d->items[0];
}

static void test_not_workbooks(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t z = BUF_INIT;
	assert_false(workbook_sniff("id,status\n", 10));
	refused(&z, &lim, "an empty file", &d);
	buf_puts(&z, "PK\3\4 not really a zip at all, only its first bytes");
	assert_true(workbook_sniff(z.ptr, z.len));
	refused(&z, &lim, "not a workbook: ", &d);
	/* a zip cut short */
	buf_reset(&z);
	zfx_zip(xlsx, sizeof xlsx / sizeof *xlsx, &z);
	buf_truncate(&z, z.len - 30);
	refused(&z, &lim, "not a workbook", &d);
	buf_reset(&z);
	const zfx_entry_t plain[] = {{"readme.txt", "hello"}};
	zfx_zip(plain, 1, &z);
	refused(&z, &lim, "neither an XLSX", &d);
	buf_reset(&z);
	const zfx_entry_t odt[] = {{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", "<x/>"}};
	zfx_zip(odt, 2, &z);
	refused(&z, &lim, "another kind (application/vnd.oasis.opendocument.text)", &d);
	/* an XLSX without the part its workbook names */
	buf_reset(&z);
	zfx_zip(xlsx, sizeof xlsx / sizeof *xlsx - 1, &z);
	refused(&z, &lim, "xl/worksheets/sheet1.xml is missing", &d);
	buf_reset(&z);
	zfx_ods("<table:table><table:table-row>", &z);
	const diag_t *x = refused(&z, &lim, "content.xml, line 1: ", &d);
	assert_non_null(strstr(x->msg, "damaged"));
	buf_free(&z);
	diag_list_free(&d);
}

static void test_doctype_refused(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t z = BUF_INIT;
	zfx_entry_t e[sizeof xlsx / sizeof *xlsx];
	memcpy(e, xlsx, sizeof e);
	/* Billion laughs, cut to its first step: refused for the DOCTYPE
	 * itself, whatever it declares. */
	e[4].text = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
		    "<sst " NS "><si><t>&b;</t></si></sst>";
	zfx_zip(e, sizeof e / sizeof *e, &z);
	refused(&z, &lim, "xl/sharedStrings.xml has a DOCTYPE", &d);
	buf_free(&z);
	diag_list_free(&d);
}

/* The bytes of a zip whose one entry, content.xml, inflates to more than
 * WORKBOOK_MAX_UNZIPPED: an element, then spaces. */
static zip_int64_t spaces(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	zip_uint64_t *left = ud;
	static const zip_uint64_t total = WORKBOOK_MAX_UNZIPPED + 4096;
	switch (cmd) {
	case ZIP_SOURCE_OPEN: *left = total; return 0;
	case ZIP_SOURCE_READ: {
		zip_uint64_t n = len < *left ? len : *left;
		memset(data, ' ', n);
		if (*left == total && n >= 3)
			memcpy(data, "<x>", 3);
		*left -= n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->size = total;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof *st;
	}
	case ZIP_SOURCE_CLOSE: return 0;
	case ZIP_SOURCE_ERROR: return 2 * sizeof(int);
	case ZIP_SOURCE_FREE: return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default: return -1;
	}
}

/* Sets the uncompressed size of every entry named name, in its local
 * header and in the directory, to size. */
static void lie_about_size(buf_t *z, const char *name, uint32_t size)
{
	size_t n = strlen(name);
	for (size_t i = 0; i + 46 + n <= z->len; i++) {
		unsigned char *p = (unsigned char *)z->ptr + i;
		size_t at;
		if (memcmp(p, "PK\3\4", 4) == 0 && memcmp(p + 30, name, n) == 0)
			at = 22;
		else if (memcmp(p, "PK\1\2", 4) == 0 && memcmp(p + 46, name, n) == 0)
			at = 24;
		else
			continue;
		for (int k = 0; k < 4; k++)
			p[at + k] = (unsigned char)(size >> (8 * k));
	}
}

static void test_zip_bomb(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	zip_t *zz = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	const char mime[] = "application/vnd.oasis.opendocument.spreadsheet";
	zip_file_add(zz, "mimetype", zip_source_buffer(zz, mime, sizeof mime - 1, 0), 0);
	zip_uint64_t left = 0;
	assert_true(zip_file_add(zz, "content.xml", zip_source_function(zz, spaces, &left), 0) >= 0);
	assert_int_equal(zip_close(zz), 0);
	buf_t z = BUF_INIT;
	char chunk[4096];
	zip_int64_t k;
	assert_int_equal(zip_source_open(src), 0);
	while ((k = zip_source_read(src, chunk, sizeof chunk)) > 0)
		buf_put(&z, chunk, (size_t)k);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	assert_true(z.len < (2u << 20)); /* a few hundred KB */
	/* The directory says so: refused before inflating a byte. */
	refused(&z, &lim, "content.xml inflates to more than 256 MB", &d);
	/* The directory lies: refused while inflating. */
	lie_about_size(&z, "content.xml", 1000);
	refused(&z, &lim, "content.xml inflates to more than 256 MB", &d);
	buf_free(&z);
	diag_list_free(&d);
}

static void test_limits(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t z = BUF_INIT;
	const csv_limits_t small = {32u << 20, 3, 4, "a tiny sheet", "keep it tiny"};
	/* An ODS repeats rows and columns: at the limit accepted, one over refused where it falls. */
	zfx_ods("<table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"3\">"
		"<table:table-cell table:number-columns-repeated=\"4\" office:value-type=\"string\"><text:p>x</text:p>"
		"</table:table-cell></table:table-row></table:table>",
		&z);
	workbook_t w;
	assert_true(workbook_parse("t.xlsx", z.ptr, z.len, &small, &w, &d));
	assert_int_equal(w.sheets[0].len, 3);
	assert_int_equal(w.sheets[0].rows[2].len, 4);
	workbook_free(&w);
	buf_reset(&z);
	zfx_ods("<table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"4\">"
		"<table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>",
		&z);
	const diag_t *x = refused(&z, &small, "S!A4: more than 3 rows: not a tiny sheet", &d);
	assert_int_equal(x->line, 4);
	assert_int_equal(x->col, 1);
	assert_string_equal(x->hint, "keep it tiny");
	buf_reset(&z);
	zfx_ods("<table:table table:name=\"S\"><table:table-row><table:table-cell table:number-columns-repeated=\"1000000\" "
		"office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>",
		&z);
	x = refused(&z, &small, "S!E1: more than 4 columns", &d);
	assert_int_equal(x->col, 5);
	/* A million cells in a few bytes: the workbook's own bound. */
	buf_reset(&z);
	zfx_ods("<table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"1000000\">"
		"<table:table-cell table:number-columns-repeated=\"60\" office:value-type=\"string\"><text:p>x</text:p>"
		"</table:table-cell></table:table-row></table:table>",
		&z);
	refused(&z, &lim, "more than 1000000 cells in the workbook", &d);
	/* An XLSX cell out of order, a cell past the columns. */
	zfx_entry_t e[sizeof xlsx / sizeof *xlsx];
	memcpy(e, xlsx, sizeof e);
	e[5].text = "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"C2\"><v>1</v></c><c r=\"B2\"><v>2</v></c></row></sheetData></worksheet>";
	buf_reset(&z);
	zfx_zip(e, sizeof e / sizeof *e, &z);
	x = refused(&z, &lim, "Évaluation!B2: this cell comes after Évaluation!C2: cells out of order", &d);
	assert_int_equal(x->line, 2);
	assert_int_equal(x->col, 2);
	e[5].text = "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"E2\"><v>1</v></c></row></sheetData></worksheet>";
	buf_reset(&z);
	zfx_zip(e, sizeof e / sizeof *e, &z);
	refused(&z, &small, "Évaluation!E2: more than 4 columns", &d);
	/* XML nested past WORKBOOK_MAX_DEPTH */
	buf_t deep = BUF_INIT;
	buf_printf(&deep, "<worksheet %s>", NS);
	for (int i = 0; i < WORKBOOK_MAX_DEPTH; i++)
		buf_puts(&deep, "<a>");
	e[5].text = buf_cstr(&deep);
	buf_reset(&z);
	zfx_zip(e, sizeof e / sizeof *e, &z);
	refused(&z, &lim, "deeper than 64 levels", &d);
	buf_free(&deep);
	/* a cell longer than Excel holds */
	buf_t big = BUF_INIT;
	buf_printf(&big, "<worksheet %s><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", NS);
	for (unsigned i = 0; i <= WORKBOOK_MAX_CELL; i++)
		buf_putc(&big, 'x');
	buf_puts(&big, "</t></is></c></row></sheetData></worksheet>");
	e[5].text = buf_cstr(&big);
	buf_reset(&z);
	zfx_zip(e, sizeof e / sizeof *e, &z);
	refused(&z, &lim, "Évaluation!A1: a cell holds more than 131068 bytes", &d);
	buf_free(&big);
	buf_free(&z);
	diag_list_free(&d);
}

static void test_ref(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	workbook_ref("Évaluation", 12, 6, &b);
	assert_string_equal(buf_cstr(&b), "Évaluation!F12");
	buf_reset(&b);
	workbook_ref("Plan d'action", 3, 27, &b);
	assert_string_equal(buf_cstr(&b), "'Plan d''action'!AA3");
	buf_reset(&b);
	workbook_ref("S", 1, 16384, &b);
	assert_string_equal(buf_cstr(&b), "S!XFD1");
	buf_reset(&b);
	workbook_ref("S", 7, 0, &b);
	assert_string_equal(buf_cstr(&b), "S!7:7");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx),         cmocka_unit_test(test_xlsx_1904), cmocka_unit_test(test_ods),
		cmocka_unit_test(test_not_workbooks), cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_zip_bomb),      cmocka_unit_test(test_limits),    cmocka_unit_test(test_ref),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
