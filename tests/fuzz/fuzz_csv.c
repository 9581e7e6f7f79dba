/* fuzz_csv: the CSV reader of assessment imports (steer/sheet), on arbitrary
 * bytes; a sheet it accepts is written back with its cell writer and read
 * again, as an export followed by an import would. */
#include <stddef.h>
#include <stdint.h>

#include "steer/sheet.h"
#include "util/buf.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag_list_t diags = DIAG_LIST_INIT;
	sheet_csv_t csv;
	if (sheet_csv_parse("fuzz.csv", (const char *)data, size, &csv, &diags)) {
		buf_t out = BUF_INIT;
		for (size_t r = 0; r < csv.len; r++) {
			for (size_t k = 0; k < csv.rows[r].ncells; k++) {
				if (k)
					buf_putc(&out, csv.sep);
				sheet_csv_cell(&out, csv.rows[r].cells[k], csv.sep);
			}
			buf_puts(&out, "\r\n");
		}
		sheet_csv_t again;
		if (sheet_csv_parse("again.csv", buf_cstr(&out), out.len, &again, &diags))
			sheet_csv_free(&again);
		buf_free(&out);
		sheet_csv_free(&csv);
	}
	diag_list_free(&diags);
	return 0;
}
