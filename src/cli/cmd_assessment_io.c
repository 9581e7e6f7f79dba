/* cmd_assessment_io: `sobre export-assessment` and `sobre
 * import-assessment` — the round trip with spreadsheets. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/sheet.h"
#include "steer/store.h"
#include "util/fs.h"

static const char export_usage[] = "sobre export-assessment --format csv|json|xlsx [--excel] [-o FILE] [--db FILE]";
static const char import_usage[] = "sobre import-assessment FILE.csv|FILE.xlsx|FILE.ods [--db FILE]";

int cmd_export_assessment(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"excel", no_argument, NULL, 'x'},
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *output = NULL;
	int format = -1;
	bool excel = false;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:xo:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				format = SHEET_CSV;
			else if (strcmp(optarg, "json") == 0)
				format = SHEET_JSON;
			else if (strcmp(optarg, "xlsx") == 0)
				format = SHEET_XLSX;
			else
				return cli_usage_error("export-assessment", export_usage, "unknown format '%s' (csv, json or xlsx)", optarg);
			break;
		case 'x': excel = true; break;
		case 'o': output = optarg; break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nExports the assessment of every practice of the current guide, with the\n"
			       "columns id, title, theme, priority, difficulty, status, pilot, owner, due\n"
			       "date, comment (JSON adds the evidence links). Edit it in a spreadsheet and\n"
			       "bring it back with sobre import-assessment.\n"
			       "  --excel   CSV for French Excel: UTF-8 BOM, ';', cells starting with\n"
			       "            = + - @, a tab or CR written as text (behind an apostrophe)\n"
			       "  -o FILE   write to FILE atomically (required for xlsx on a terminal)\n", export_usage);
			return EXIT_OK;
		default:
			return cli_usage_error("export-assessment", export_usage, "unknown option");
		}
	}
	if (format < 0)
		return cli_usage_error("export-assessment", export_usage, "--format is required");
	if (excel && format != SHEET_CSV)
		return cli_usage_error("export-assessment", export_usage, "--excel applies to --format csv only");
	if (optind < argc)
		return cli_usage_error("export-assessment", export_usage, "unexpected argument '%s'", argv[optind]);
	if (format == SHEET_XLSX && (!output || strcmp(output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error("export-assessment", export_usage, "an XLSX file is binary: give -o FILE.xlsx");
	store_t *s;
	if ((rc = cli_steer_open("export-assessment", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	rc = sheet_export(s, (sheet_format_t)format, excel, &out, &d);
	rc = cli_steer_close("export-assessment", s, rc, &d);
	if (!rc)
		rc = cli_write_output("export-assessment", output, out.ptr ? out.ptr : "", out.len);
	buf_free(&out);
	return rc;
}

int cmd_import_assessment(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nApplies a spreadsheet of assessments: CSV (',' or ';', with or without a\n"
			       "BOM: what Excel and LibreOffice write), or a workbook saved by Excel\n"
			       "(.xlsx) or LibreOffice (.ods), told apart by content; of a workbook, the\n"
			       "sheet \"Évaluation\" (the export's) is read, else the first sheet with an\n"
			       "id column. The first line names the columns: id (required), status,\n"
			       "pilot, owner, due date, comment (French names work too: statut, pilote,\n"
			       "responsable, échéance, commentaire); title, theme, priority and\n"
			       "difficulty are ignored. A missing column leaves that field as it is; an\n"
			       "empty cell clears it. Every row is checked: if any is wrong, each bad\n"
			       "row is reported with its line (in a workbook, at its cell:\n"
			       "FILE:ROW:COLUMN: error: Évaluation!F12: ...) and nothing is imported.\n"
			       "One leading apostrophe is taken off every CSV cell, as spreadsheets do\n"
			       "(the export writes '=x for a formula-like =x): write ''x for a value 'x.\n"
			       "A date typed in a workbook cell is read as YYYY-MM-DD.\n", import_usage);
			return EXIT_OK;
		default:
			return cli_usage_error("import-assessment", import_usage, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("import-assessment", import_usage, "give one CSV, XLSX or ODS file");
	const char *file = argv[optind];
	buf_t src = BUF_INIT;
	/* The size is checked before reading: one byte over is refused here, as
	 * sheet_csv_parse would (it was read, then refused, with exit 1). */
	int err = fs_read_file(file, SHEET_MAX_BYTES, &src);
	if (err) {
		fprintf(stderr, "sobre import-assessment: cannot read %s: %s\n", file,
			err == EFBIG ? "larger than 32 MB, not an assessment sheet" : strerror(err));
		buf_free(&src);
		return EXIT_USAGE;
	}
	store_t *s;
	if ((rc = cli_steer_open("import-assessment", db, false, true, &s))) {
		buf_free(&src);
		return rc;
	}
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	rc = sheet_import(s, file, src.ptr ? src.ptr : "", src.len, &res, &d);
	rc = cli_steer_close("import-assessment", s, rc, &d);
	if (!rc)
		printf("%s: %zu rows read, %zu practices changed (%zu fields)\n", file, res.rows, res.changed, res.fields);
	buf_free(&src);
	return rc;
}
