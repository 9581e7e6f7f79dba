/* fuzz_workbook: the XLSX and ODS reader of assessment imports
 * (util/workbook), on arbitrary bytes. The first byte says what the rest
 * is, so that mutations reach the XML rather than break a zip's checksums:
 * 0: a whole file (zip or not); 1: an ODS's content.xml; 2: an XLSX's first
 * sheet, 3: its shared strings, 4: its styles (the other parts fixed, a
 * date style and two strings among them), each zipped here without
 * compression. A workbook it accepts must hold what the header promises,
 * else abort: every cell non-empty valid UTF-8 without a NUL byte, placed
 * within the caller's rows and columns, rows and cells ascending, at most
 * WORKBOOK_MAX_CELLS cells. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/utf8.h"
#include "util/workbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                  \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "fuzz_workbook: line %d: invariant failed: %s\n", __LINE__, #cond); \
			abort();                                                                     \
		}                                                                                    \
	} while (0)

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

typedef struct {
	const char *name;
	const char *text;
	size_t len;
} part_t;

/* The fixed parts of an XLSX; the fuzzed one replaces its namesake. */
static const char *const xlsx_parts[][2] = {
	{"[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
	{"xl/_rels/workbook.xml.rels",
	 "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	 "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	 "<Relationship Id=\"rId2\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	 "<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/></Relationships>"},
	{"xl/workbook.xml", "<workbook " NS "><sheets><sheet name=\"Évaluation\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
	{"xl/worksheets/sheet1.xml",
	 "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>"},
	{"xl/sharedStrings.xml", "<sst " NS "><si><t>id</t></si><si><r><t>a.</t></r><r><t>1</t></r></si></sst>"},
	{"xl/styles.xml", "<styleSheet " NS "><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"},
};

/* The zip of parts, stored (no compression: the fuzzer's time goes to the
 * reader). */
static void zip_parts(const part_t *p, size_t n, buf_t *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		abort();
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!z)
		abort();
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, p[i].text, p[i].len, 0);
		zip_int64_t idx = zip_file_add(z, p[i].name, s, ZIP_FL_ENC_UTF_8);
		if (idx < 0 || zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0)
			abort();
	}
	if (zip_close(z) < 0 || zip_source_open(src) < 0)
		abort();
	char chunk[4096];
	zip_int64_t k;
	while ((k = zip_source_read(src, chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)k);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
}

static void check(const workbook_t *w, const csv_limits_t *lim)
{
	size_t cells = 0;
	for (size_t i = 0; i < w->len; i++) {
		const workbook_sheet_t *s = &w->sheets[i];
		CHECK(s->name);
		buf_t ref = BUF_INIT;
		workbook_ref(s->name, 1, 1, &ref);
		buf_free(&ref);
		for (size_t r = 0; r < s->len; r++) {
			const workbook_row_t *row = &s->rows[r];
			CHECK(row->len > 0);
			CHECK(row->row >= 1 && (size_t)row->row <= lim->max_rows);
			CHECK(r == 0 || row->row > s->rows[r - 1].row);
			for (size_t k = 0; k < row->len; k++) {
				const workbook_cell_t *c = &row->cells[k];
				size_t n = strlen(c->text), bad;
				CHECK(n > 0);
				CHECK(utf8_valid(c->text, n, &bad));
				CHECK(c->row == row->row);
				CHECK(c->col >= 1 && (size_t)c->col <= lim->max_columns);
				CHECK(k == 0 || c->col > row->cells[k - 1].col);
				cells++;
			}
		}
	}
	CHECK(cells <= WORKBOOK_MAX_CELLS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const csv_limits_t lim = {32u << 20, 100000, 64, "an assessment sheet", "start from an export"};
	int mode = data[0] % 5;
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	buf_t z = BUF_INIT;
	if (mode == 0) {
		buf_put(&z, rest, n);
	} else if (mode == 1) {
		const part_t p[] = {
			{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 46},
			{"content.xml", rest, n},
		};
		zip_parts(p, 2, &z);
	} else {
		static const char *const fuzzed[] = {NULL, NULL, "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
						     "xl/styles.xml"};
		part_t p[sizeof xlsx_parts / sizeof *xlsx_parts];
		for (size_t i = 0; i < sizeof p / sizeof *p; i++) {
			bool mine = strcmp(xlsx_parts[i][0], fuzzed[mode]) == 0;
			p[i] = (part_t){xlsx_parts[i][0], mine ? rest : xlsx_parts[i][1], mine ? n : strlen(xlsx_parts[i][1])};
		}
		zip_parts(p, sizeof p / sizeof *p, &z);
	}
	workbook_t w;
	diag_list_t d = DIAG_LIST_INIT;
	if (workbook_parse("fuzz.xlsx", z.ptr ? z.ptr : "", z.len, &lim, &w, &d)) {
		check(&w, &lim);
		workbook_free(&w);
	} else {
		CHECK(w.len == 0 && !w.sheets);
		CHECK(d.len > 0);
	}
	diag_list_free(&d);
	buf_free(&z);
	return 0;
}
