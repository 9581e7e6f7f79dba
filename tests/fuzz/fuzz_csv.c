/* fuzz_csv: the CSV reader of assessment imports (steer/sheet), on arbitrary
 * bytes. A sheet it accepts is written back with its cell writer and read
 * again. Two invariants abort when broken. An accepted input holds no NUL
 * byte (one would cut its cell short). Export then import gives back every
 * value unchanged: each cell of an accepted sheet, and the whole input when
 * it is text a cell can hold (UTF-8 without a NUL byte), is written by the
 * export's cell writer in a sheet of its own, as the plain CSV and as the
 * CSV for Excel, read back by the parser and the import's
 * sheet_import_value, and compared. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/sheet.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROUND_TRIP_ROWS 1000

/* An invariant failed: abort, so that libFuzzer keeps the input and the
 * replay of make test fails on it. */
#define CHECK(cond)                                                                             \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "fuzz_csv: line %d: invariant failed: %s\n", __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

/* Writes values[0..n) as export_csv would, one row each behind an id, the
 * header first (it decides the separator the parser sees), and checks that
 * the import reads each of them back as it was, in NFC: the import
 * normalizes text as every entry does, and what sobre exports was stored
 * in NFC already. */
static void round_trip(const char *const *values, size_t n, bool excel)
{
	char sep = excel ? ';' : ',';
	buf_t out = BUF_INIT;
	if (excel)
		buf_puts(&out, "\xef\xbb\xbf");
	buf_printf(&out, "id%cvalue\r\n", sep);
	for (size_t i = 0; i < n; i++) {
		sheet_export_cell(&out, "a.1", sep, excel);
		buf_putc(&out, sep);
		sheet_export_cell(&out, values[i], sep, excel);
		buf_puts(&out, "\r\n");
	}
	diag_list_t diags = DIAG_LIST_INIT;
	csv_t back;
	CHECK(sheet_csv_parse("export.csv", buf_cstr(&out), out.len, &back, &diags));
	CHECK(back.len == n + 1);
	for (size_t i = 0; i < n; i++) {
		CHECK(back.rows[i + 1].ncells == 2);
		char *want = utf8_nfc_strdup(values[i]);
		CHECK(strcmp(sheet_import_value(back.rows[i + 1].cells[1]), want) == 0);
		free(want);
	}
	csv_free(&back);
	diag_list_free(&diags);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t bad;
	/* A replayed file may be larger than libFuzzer's inputs: written as one
	 * cell (quotes doubled) it must still fit an importable sheet. */
	if (size && size <= SHEET_MAX_BYTES / 4 && !memchr(text, '\0', size) && utf8_valid(text, size, &bad)) {
		char *whole = malloc(size + 1);
		if (!whole)
			abort();
		memcpy(whole, text, size);
		whole[size] = '\0';
		const char *const one[] = {whole};
		round_trip(one, 1, false);
		round_trip(one, 1, true);
		free(whole);
	}
	diag_list_t diags = DIAG_LIST_INIT;
	csv_t csv;
	if (sheet_csv_parse("fuzz.csv", text, size, &csv, &diags)) {
		CHECK(!memchr(text, '\0', size));
		buf_t out = BUF_INIT;
		size_t ncells = 0;
		for (size_t r = 0; r < csv.len; r++) {
			for (size_t k = 0; k < csv.rows[r].ncells; k++) {
				if (k)
					buf_putc(&out, csv.sep);
				sheet_csv_cell(&out, csv.rows[r].cells[k], csv.sep);
			}
			buf_puts(&out, "\r\n");
			ncells += csv.rows[r].ncells;
		}
		csv_t again;
		if (sheet_csv_parse("again.csv", buf_cstr(&out), out.len, &again, &diags))
			csv_free(&again);
		buf_free(&out);
		const char **cells = malloc((ncells ? ncells : 1) * sizeof *cells);
		if (!cells)
			abort();
		size_t n = 0;
		for (size_t r = 0; r < csv.len; r++)
			for (size_t k = 0; k < csv.rows[r].ncells; k++)
				cells[n++] = csv.rows[r].cells[k];
		/* In sheets of ROUND_TRIP_ROWS rows: a replayed file may hold more
		 * cells than a sheet may have rows. */
		for (size_t i = 0; i < n; i += ROUND_TRIP_ROWS) {
			size_t m = n - i < ROUND_TRIP_ROWS ? n - i : ROUND_TRIP_ROWS;
			round_trip(cells + i, m, false);
			round_trip(cells + i, m, true);
		}
		free(cells);
		csv_free(&csv);
	}
	diag_list_free(&diags);
	return 0;
}
