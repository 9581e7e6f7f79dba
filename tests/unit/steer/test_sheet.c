/* Tests for steer/sheet: the CSV reader (separators, BOM, quotes, CRLF,
 * malformed input with positions), its limits (SHEET_MAX_BYTES, _ROWS,
 * _COLUMNS: at the limit accepted, one over refused with the position),
 * import errors reported row by row with nothing applied, duplicate ids
 * (case and spaces ignored, far apart in a big file), French headers,
 * missing columns and empty cells, and the export -> import round trip,
 * every value kept (the apostrophe rule), and NUL bytes refused; a
 * workbook's import through the same checks, each error at its cell. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "unit/zipfixture.h"
#include "steer/assess.h"
#include "steer/sheet.h"

static void test_csv_reader(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	csv_t c;
	const char excel[] = "\xef\xbb\xbfid;statut;commentaire\r\na.1;réalisée;\"dit \"\"oui\"\"; fin\r\nligne 2\"\r\n\r\n;;\r\na.2;;";
	assert_true(sheet_csv_parse("x.csv", excel, sizeof excel - 1, &c, &d));
	assert_int_equal(c.sep, ';');
	assert_int_equal(c.len, 3); /* blank lines skipped */
	assert_string_equal(c.rows[0].cells[0], "id"); /* BOM gone */
	assert_string_equal(c.rows[1].cells[2], "dit \"oui\"; fin\r\nligne 2");
	assert_int_equal(c.rows[1].line, 2);
	assert_int_equal(c.rows[2].line, 6);
	assert_int_equal(c.rows[2].ncells, 3);
	csv_free(&c);
	/* cells are read in NFC: a sheet saved on macOS may hold "e" + U+0301 */
	const char nfd[] = "id,pilot,comment\na.1,Direction ge\xCC\x81ne\xCC\x81rale,\"De\xCC\x81ja\xCC\x80\"\n";
	assert_true(sheet_csv_parse("n.csv", nfd, sizeof nfd - 1, &c, &d));
	assert_string_equal(c.rows[1].cells[1], "Direction g\xC3\xA9n\xC3\xA9rale");
	assert_string_equal(c.rows[1].cells[2], "D\xC3\xA9j\xC3\xA0");
	csv_free(&c);
	const char comma[] = "id,status\na.1,\"en cours\"\n";
	assert_true(sheet_csv_parse("y.csv", comma, sizeof comma - 1, &c, &d));
	assert_int_equal(c.sep, ',');
	assert_string_equal(c.rows[1].cells[1], "en cours");
	csv_free(&c);
	assert_int_equal(d.len, 0);

	const char open[] = "id,status\na.1,\"en cours\n";
	assert_false(sheet_csv_parse("z.csv", open, sizeof open - 1, &c, &d));
	assert_int_equal(d.items[0].line, 2);
	assert_int_equal(d.items[0].col, 5);
	const char after[] = "id,status\na.1,\"en\" cours\n";
	assert_false(sheet_csv_parse("z.csv", after, sizeof after - 1, &c, &d));
	assert_int_equal(d.items[1].line, 2);
	const char latin1[] = "id,status\na.1,r\xe9" "alis\xe9" "e\n";
	assert_false(sheet_csv_parse("z.csv", latin1, sizeof latin1 - 1, &c, &d));
	assert_non_null(strstr(d.items[2].hint, "UTF-8"));
	diag_list_free(&d);

	buf_t b = BUF_INIT;
	sheet_csv_cell(&b, "a,b", ',');
	sheet_csv_cell(&b, "a;b", ',');
	sheet_csv_cell(&b, "say \"hi\"", ';');
	sheet_csv_cell(&b, " padded", ';');
	assert_string_equal(buf_cstr(&b), "\"a,b\"a;b\"say \"\"hi\"\"\"\" padded\"");
	buf_free(&b);
}

/* One over each limit is refused with where and why, the limit itself is
 * read. */
static void test_csv_limits(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	csv_t c;
	buf_t b = BUF_INIT;

	/* SHEET_MAX_BYTES: one 32 MiB file, then one byte more. */
	buf_puts(&b, "id,comment\na.1,");
	while (b.len < SHEET_MAX_BYTES - 1)
		buf_putc(&b, 'x');
	buf_putc(&b, '\n');
	assert_int_equal(b.len, SHEET_MAX_BYTES);
	assert_true(sheet_csv_parse("big.csv", b.ptr, b.len, &c, &d));
	assert_int_equal(c.len, 2);
	assert_int_equal(strlen(c.rows[1].cells[1]), SHEET_MAX_BYTES - 16);
	csv_free(&c);
	buf_putc(&b, '\n');
	assert_false(sheet_csv_parse("big.csv", b.ptr, b.len, &c, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "the file is larger than 32 MB: not an assessment sheet");
	assert_string_equal(d.items[0].file, "big.csv");
	assert_non_null(strstr(d.items[0].hint, "sobre export-assessment"));
	assert_int_equal(c.len, 0);
	diag_list_free(&d);

	/* SHEET_MAX_ROWS, the header included; blank lines do not count. */
	buf_reset(&b);
	buf_puts(&b, "id\n\n");
	for (int i = 1; i < SHEET_MAX_ROWS; i++)
		buf_puts(&b, "a.1\n");
	assert_true(sheet_csv_parse("rows.csv", b.ptr, b.len, &c, &d));
	assert_int_equal(c.len, SHEET_MAX_ROWS);
	assert_int_equal(c.rows[SHEET_MAX_ROWS - 1].line, SHEET_MAX_ROWS + 1);
	csv_free(&c);
	buf_puts(&b, "a.2\n");
	assert_false(sheet_csv_parse("rows.csv", b.ptr, b.len, &c, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "more than 100,000 rows: not an assessment sheet");
	assert_int_equal(d.items[0].line, SHEET_MAX_ROWS + 2);
	assert_int_equal(d.items[0].col, 1);
	assert_non_null(d.items[0].hint);
	diag_list_free(&d);

	/* SHEET_MAX_COLUMNS: 64 cells in a row, then 65 (the error points at the
	 * 65th cell). */
	buf_reset(&b);
	buf_puts(&b, "id");
	for (int i = 2; i <= SHEET_MAX_COLUMNS; i++)
		buf_printf(&b, ",c%d", i);
	buf_puts(&b, "\na.1");
	for (int i = 2; i <= SHEET_MAX_COLUMNS; i++)
		buf_puts(&b, ",");
	buf_puts(&b, "\n");
	assert_true(sheet_csv_parse("cols.csv", b.ptr, b.len, &c, &d));
	assert_int_equal(c.rows[0].ncells, SHEET_MAX_COLUMNS);
	assert_int_equal(c.rows[1].ncells, SHEET_MAX_COLUMNS);
	csv_free(&c);
	size_t row2 = b.len;
	buf_puts(&b, "a.2");
	for (int i = 2; i <= SHEET_MAX_COLUMNS; i++)
		buf_puts(&b, ",x");
	size_t col = b.len - row2 + 2;
	buf_puts(&b, ",x\n");
	assert_false(sheet_csv_parse("cols.csv", b.ptr, b.len, &c, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "more than 64 columns: not an assessment sheet");
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, (int)col);
	diag_list_free(&d);
	buf_free(&b);
}

static steer_rc import_file(store_t *s, const char *file, const char *src, size_t len, diag_list_t *d,
			    sheet_import_t *res)
{
	steer_rc rc = store_begin(s, true, d);
	if (rc)
		return rc;
	rc = sheet_import(s, file, src, len, res, d);
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, d);
	return rc;
}

static steer_rc import(store_t *s, const char *csv, diag_list_t *d, sheet_import_t *res)
{
	return import_file(s, "in.csv", csv, strlen(csv), d, res);
}

static void test_import_errors(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	const char bad[] =
		"id,status,pilot,owner,due date,comment\n"
		"a.1,realisee,,,,\n"                /* 2: fine */
		"a.2,fini,,,,\n"                    /* 3: bad status */
		"c.7,planifiee,,,,\n"               /* 4: unknown practice */
		"a.1,en cours,,,,\n"                /* 5: duplicate */
		"b.1,planifiee,,,2026-02-30,\n"     /* 6: bad date */
		"b.1,non concernee,,,,\n"           /* 7: duplicate (b.1 again) */
		"a.2,planifiee,,\n"                 /* 8: 4 cells */
		"A.2,non concernee,,x@,,\n";        /* 9: duplicate of line 3, whatever the case */
	assert_int_equal(import(s, bad, &d, &res), STEER_REFUSED);
	char *m = fx_msgs(&d);
	assert_non_null(strstr(m, "3:'fini' is not a status"));
	assert_non_null(strstr(m, "4:no practice 'c.7' in the guide"));
	assert_non_null(strstr(m, "5:practice a.1 appears twice (first on line 2)"));
	assert_non_null(strstr(m, "6:the due date '2026-02-30' is not a valid date"));
	assert_non_null(strstr(m, "7:practice b.1 appears twice (first on line 6)"));
	assert_non_null(strstr(m, "9:practice A.2 appears twice (first on line 3)"));
	assert_non_null(strstr(m, "8:this row has 4 cells, the header has 6"));
	assert_non_null(strstr(m, "0:7 bad rows: nothing was imported"));
	assert_null(strstr(m, "\n2:"));
	for (size_t i = 0; i < d.len; i++)
		if (d.items[i].line > 0)
			assert_string_equal(d.items[i].file, "in.csv");
	free(m);
	diag_list_free(&d);
	/* Nothing was applied, not even the good row. */
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_NOT_ASSESSED);
	assessment_free(&a);
	store_rollback(s);

	const char noid[] = "statut,commentaire\nréalisée,x\n";
	assert_int_equal(import(s, noid, &d, &res), STEER_REFUSED);
	assert_non_null(strstr(d.items[0].msg, "no 'id' column"));
	diag_list_free(&d);
	assert_int_equal(import(s, "", &d, &res), STEER_REFUSED);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* Duplicates are found whatever the case and spaces around the id, and far
 * apart in a big file (a hash set: a scan per row was quadratic); a file
 * over a limit is refused before any row is applied. */
static void test_import_duplicates_and_limits(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	const char spaced[] = "id,status\n a.1 ,realisee\nb.1,planifiee\nA.1  ,en cours\n";
	assert_int_equal(import(s, spaced, &d, &res), STEER_REFUSED);
	char *m = fx_msgs(&d);
	assert_non_null(strstr(m, "4:practice A.1 appears twice (first on line 2)"));
	assert_non_null(strstr(m, "0:1 bad row: nothing was imported"));
	free(m);
	assert_string_equal(d.items[0].hint, "keep one row per practice");
	diag_list_free(&d);

	/* SHEET_MAX_ERRORS - 1 ids unknown to the guide, then the first one
	 * again: every bad row listed. */
	buf_t b = BUF_INIT;
	buf_puts(&b, "id,status\n");
	for (int i = 0; i < SHEET_MAX_ERRORS - 1; i++)
		buf_printf(&b, "x.%d,realisee\n", i);
	buf_puts(&b, "X.0,realisee\n");
	assert_int_equal(import(s, buf_cstr(&b), &d, &res), STEER_REFUSED);
	assert_int_equal(res.rows, SHEET_MAX_ERRORS);
	assert_int_equal(d.len, SHEET_MAX_ERRORS + 1);
	assert_string_equal(d.items[SHEET_MAX_ERRORS - 1].msg, "practice X.0 appears twice (first on line 2)");
	assert_int_equal(d.items[SHEET_MAX_ERRORS - 1].line, SHEET_MAX_ERRORS + 1);
	assert_string_equal(d.items[SHEET_MAX_ERRORS].msg, "100 bad rows: nothing was imported");
	diag_list_free(&d);
	/* One bad row more and the import stops there, the rest unread. */
	buf_puts(&b, "a.1,realisee\ny.1,realisee\n");
	assert_int_equal(import(s, buf_cstr(&b), &d, &res), STEER_REFUSED);
	assert_int_equal(res.rows, SHEET_MAX_ERRORS);
	assert_int_equal(d.len, SHEET_MAX_ERRORS + 1);
	assert_int_equal(d.items[SHEET_MAX_ERRORS].line, SHEET_MAX_ERRORS + 2);
	assert_string_equal(d.items[SHEET_MAX_ERRORS].msg,
			    "stopped after 100 bad rows, the rest of the file unread: nothing was imported");
	diag_list_free(&d);

	/* A good row, then a row over the column limit: nothing applied. */
	buf_reset(&b);
	buf_puts(&b, "id,status\na.1,realisee\nb.1");
	for (int i = 1; i <= SHEET_MAX_COLUMNS; i++)
		buf_puts(&b, ",x");
	buf_puts(&b, "\n");
	assert_int_equal(import(s, buf_cstr(&b), &d, &res), STEER_REFUSED);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].file, "in.csv");
	assert_int_equal(d.items[0].line, 3);
	assert_non_null(strstr(d.items[0].msg, "more than 64 columns"));
	diag_list_free(&d);
	buf_free(&b);
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_NOT_ASSESSED);
	assessment_free(&a);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_import_and_round_trip(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	const char fr[] = "\xef\xbb\xbfIdentifiant;Statut;Pilote;Responsable;Échéance;Commentaire;Notes\r\n"
			  "a.1;Réalisée;direction générale;Ana;30/06/2026;fait;x\r\n"
			  "b.1;non concernée;;;;pas d'achats;\r\n";
	assert_int_equal(import(s, fr, &d, &res), STEER_OK);
	assert_int_equal(res.rows, 2);
	assert_int_equal(res.changed, 2);
	assert_int_equal(d.len, 1); /* the Notes column: a warning */
	assert_int_equal(d.items[0].sev, DIAG_WARNING);
	diag_list_free(&d);
	/* Missing columns leave fields as they are; an empty cell clears. */
	const char partial[] = "id,owner\na.1,\n";
	assert_int_equal(import(s, partial, &d, &res), STEER_OK);
	assert_int_equal(res.fields, 1);
	assessment_t a;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_DONE);
	assert_string_equal(a.pilot, "Direction générale");
	assert_null(a.owner);
	assert_string_equal(a.due, "2026-06-30");
	assessment_free(&a);
	/* Export, then import the export: nothing changes. */
	buf_t csv = BUF_INIT, json = BUF_INIT, xlsx = BUF_INIT;
	assert_int_equal(sheet_export(s, SHEET_CSV, true, &csv, &d), STEER_OK);
	assert_int_equal(sheet_export(s, SHEET_JSON, false, &json, &d), STEER_OK);
	assert_int_equal(sheet_export(s, SHEET_XLSX, false, &xlsx, &d), STEER_OK);
	store_rollback(s);
	assert_non_null(strstr(buf_cstr(&csv), "id;title;theme;priority;difficulty;status;pilot;owner;due date;comment;budget;staff days\r\n"));
	assert_non_null(strstr(buf_cstr(&json), "\"status\": \"non concernée\""));
	assert_true(xlsx.len > 1000);
	assert_memory_equal(xlsx.ptr, "PK", 2);
	assert_int_equal(import(s, buf_cstr(&csv), &d, &res), STEER_OK);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.changed, 0);
	buf_free(&csv);
	buf_free(&json);
	buf_free(&xlsx);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* Cells a spreadsheet would run as formulas leave sobre behind an
 * apostrophe (Excel CSV and the plan), come back without it, and the plain
 * CSV for scripts keeps them as they are. */
static void test_formula_cells(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	const char in[] = "id;Statut;Responsable;Commentaire\r\n"
			  "a.1;en cours;-Ana;\"=HYPERLINK(\"\"http://x.example\"\")\"\r\n"
			  "a.2;planifiée;+33 1 23 45 67 89;'=typed with its apostrophe\r\n";
	assert_int_equal(import(s, in, &d, &res), STEER_OK);
	assert_int_equal(res.changed, 2);
	buf_t excel = BUF_INIT, plain = BUF_INIT, plan = BUF_INIT, plan_x = BUF_INIT;
	assessment_t a;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.2", 0, &a, &d), STEER_OK);
	assert_string_equal(a.comment, "=typed with its apostrophe");
	assessment_free(&a);
	assert_int_equal(sheet_export(s, SHEET_CSV, true, &excel, &d), STEER_OK);
	assert_int_equal(sheet_export(s, SHEET_CSV, false, &plain, &d), STEER_OK);
	assert_int_equal(sheet_export_plan(s, NULL, false, &plan, &d), STEER_OK);
	assert_int_equal(sheet_export_plan(s, NULL, true, &plan_x, &d), STEER_OK);
	store_rollback(s);
	assert_non_null(strstr(buf_cstr(&excel), ";'-Ana;;\"'=HYPERLINK(\"\"http://x.example\"\")\";;\r\n"));
	assert_non_null(strstr(buf_cstr(&excel), ";'+33 1 23 45 67 89;;'=typed with its apostrophe;;\r\n"));
	assert_non_null(strstr(buf_cstr(&plain), ",-Ana,,\"=HYPERLINK(\"\"http://x.example\"\")\",,\r\n"));
	assert_memory_equal(plan.ptr, "\xef\xbb\xbfrang;id;titre;thématique;priorité;difficulté;statut;pilote;"
				      "responsable;échéance;en retard;budget (€);jours-personne\r\n",
			    strlen("\xef\xbb\xbfrang;id;titre;thématique;priorité;difficulté;statut;pilote;"
				   "responsable;échéance;en retard;budget (€);jours-personne\r\n"));
	assert_non_null(strstr(buf_cstr(&plan), ";'-Ana;"));
	assert_true(plan_x.len > 1000);
	assert_memory_equal(plan_x.ptr, "PK", 2);
	/* The Excel CSV imports back to the same values. */
	assert_int_equal(import(s, buf_cstr(&excel), &d, &res), STEER_OK);
	assert_int_equal(res.changed, 0);
	buf_free(&excel);
	buf_free(&plain);
	buf_free(&plan);
	buf_free(&plan_x);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* Export then import changes no value, whatever it starts with: a value
 * that itself starts with an apostrophe keeps it through the plain CSV and
 * the CSV for Excel ('=1+1 used to come back as =1+1, '-- x as -- x). */
static void test_apostrophe_round_trip(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	static const struct {
		const char *id, *owner, *comment;
	} want[] = {
		{"a.1", "'=1+1", "'-- x"},
		{"a.2", "''", "'"},
		{"b.1", "-Ana", "'plain words'"},
	};
	enum { NWANT = sizeof want / sizeof *want };
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	for (size_t i = 0; i < NWANT; i++) {
		assess_change_t ch;
		memset(&ch, 0, sizeof ch);
		ch.owner = want[i].owner;
		ch.comment = want[i].comment;
		assert_int_equal(assess_set(s, want[i].id, &ch, NULL, &d), STEER_OK);
	}
	assert_int_equal(store_commit(s, &d), STEER_OK);
	for (int excel = 0; excel < 2; excel++) {
		buf_t csv = BUF_INIT;
		assert_int_equal(store_begin(s, false, &d), STEER_OK);
		assert_int_equal(sheet_export(s, SHEET_CSV, excel, &csv, &d), STEER_OK);
		store_rollback(s);
		/* One apostrophe more than the value has; the formula mark of
		 * -Ana in the file for Excel only. */
		assert_non_null(strstr(buf_cstr(&csv), excel ? ";''=1+1;;''-- x;;\r\n" : ",''=1+1,,''-- x,,\r\n"));
		assert_non_null(strstr(buf_cstr(&csv), excel ? ";''';;'';;\r\n" : ",''',,'',,\r\n"));
		assert_non_null(strstr(buf_cstr(&csv), excel ? ";'-Ana;;''plain words';;\r\n" : ",-Ana,,''plain words',,\r\n"));
		assert_int_equal(import(s, buf_cstr(&csv), &d, &res), STEER_OK);
		assert_int_equal(res.rows, 3);
		assert_int_equal(res.changed, 0);
		assert_int_equal(store_begin(s, false, &d), STEER_OK);
		for (size_t i = 0; i < NWANT; i++) {
			assessment_t a;
			assert_int_equal(assess_get(s, want[i].id, 0, &a, &d), STEER_OK);
			assert_string_equal(a.owner, want[i].owner);
			assert_string_equal(a.comment, want[i].comment);
			assessment_free(&a);
		}
		store_rollback(s);
		buf_free(&csv);
	}
	assert_int_equal(d.len, 0);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* The cell rule alone, on values chosen to break it: each written by the
 * export's cell writer in a sheet of its own, read back by the parser and
 * the import's sheet_import_value, is the same string (fuzz_csv checks the
 * same on arbitrary text). */
static void test_export_cell_import_value(void **state)
{
	(void)state;
	static const char *const values[] = {
		"", "'", "''", "'''", "'=1+1", "'-- x", "=1+1", "+33 1", "-", "@SUM(A1)", "\t=x", "\r=x", "\n=x",
		"'\t", "' ", " '", "\"'\"", "'\"", "a'b", "'a;b,c", "'\r\n'", "\xef\xbb\xbf'x", "plain",
	};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		for (int excel = 0; excel < 2; excel++) {
			char sep = excel ? ';' : ',';
			buf_t b = BUF_INIT;
			buf_printf(&b, "id%cvalue\r\na.1%c", sep, sep);
			sheet_export_cell(&b, values[i], sep, excel);
			buf_puts(&b, "\r\n");
			diag_list_t d = DIAG_LIST_INIT;
			csv_t c;
			assert_true(sheet_csv_parse("v.csv", b.ptr, b.len, &c, &d));
			assert_int_equal(c.len, 2);
			assert_int_equal(c.rows[1].ncells, 2);
			assert_string_equal(sheet_import_value(c.rows[1].cells[1]), values[i]);
			csv_free(&c);
			buf_free(&b);
		}
	}
	/* The mark itself: one apostrophe before a value starting with one
	 * (both files), or with a formula character (the file for Excel). */
	buf_t b = BUF_INIT;
	sheet_export_cell(&b, "'=1", ',', false);
	buf_putc(&b, '|');
	sheet_export_cell(&b, "=1", ',', false);
	buf_putc(&b, '|');
	sheet_export_cell(&b, "'=1", ';', true);
	buf_putc(&b, '|');
	sheet_export_cell(&b, "=1", ';', true);
	buf_putc(&b, '|');
	sheet_export_cell(&b, NULL, ';', true);
	buf_putc(&b, '|');
	sheet_export_cell(&b, "a'", ';', true);
	assert_string_equal(buf_cstr(&b), "''=1|=1|''=1|'=1||a'");
	buf_free(&b);
	assert_string_equal(sheet_import_value("''x"), "'x");
	assert_string_equal(sheet_import_value("'"), "");
	assert_string_equal(sheet_import_value("x'"), "x'");
	assert_null(sheet_import_value(NULL));
}

/* A NUL byte is refused where it is, like the control characters the
 * import refuses in every field, rather than cutting its cell short
 * (Jo\0e was imported as Jo); nothing is applied. */
static void test_nul_byte_refused(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	csv_t c;
	const char quoted[] = "id;owner\r\na.1;\"Ana\"\r\na.2;\"Jo\0e\"\r\n";
	assert_false(sheet_csv_parse("nul.csv", quoted, sizeof quoted - 1, &c, &d));
	assert_int_equal(c.len, 0);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].file, "nul.csv");
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, 8);
	assert_string_equal(d.items[0].msg, "this cell contains a NUL byte, a control character no cell may hold");
	assert_non_null(strstr(d.items[0].hint, "delete it"));
	diag_list_free(&d);

	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	sheet_import_t res;
	const char plain[] = "id,owner,comment\na.1,Ana,ok\na.2,Jo\0e,ok\n";
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(sheet_import(s, "in.csv", plain, sizeof plain - 1, &res, &d), STEER_REFUSED);
	store_rollback(s);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, 7);
	assert_int_equal(res.changed, 0);
	diag_list_free(&d);
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_null(a.owner);
	assessment_free(&a);
	assert_int_equal(assess_get(s, "a.2", 0, &a, &d), STEER_OK);
	assert_null(a.owner);
	assessment_free(&a);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

#define CELL(t) "<table:table-cell office:value-type=\"string\"><text:p>" t "</text:p></table:table-cell>"
#define GAP "<table:table-cell/>"
#define ROW(cells) "<table:table-row>" cells "</table:table-row>"

/* A workbook goes through the CSV's checks, each error at its cell: the
 * sheet's reference in the message, its row and column as line and column;
 * a cell under no column name is refused; the sheet Évaluation is read
 * before any other with an id column; an absent cell clears its field. */
static void test_import_workbook(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	sheet_import_t res;
	buf_t z = BUF_INIT;
	zfx_ods("<table:table table:name=\"Notes\">" ROW(CELL("remarque")) "</table:table>"
		"<table:table table:name=\"Feuille 1\">"
		ROW(CELL("id") CELL("statut") GAP CELL("commentaire") CELL("remarques"))
		ROW(CELL("a.1") CELL("réalisée") GAP CELL("ok"))
		ROW(CELL("a.2") CELL("fini"))
		ROW(CELL("c.7") CELL("planifiée"))
		ROW(CELL("a.1") CELL("en cours"))
		ROW(CELL("b.1") CELL("non concernée"))
		ROW(CELL("b.2") CELL("planifiée") CELL("x"))
		"</table:table>",
		&z);
	assert_int_equal(import_file(s, "in.ods", z.ptr, z.len, &d, &res), STEER_REFUSED);
	char *m = fx_msgs(&d);
	assert_non_null(strstr(m, "1:'Feuille 1'!E1: column 'remarques' is not an assessment column: ignored\n"));
	assert_non_null(strstr(m, "3:'Feuille 1'!B3: 'fini' is not a status\n"));
	assert_non_null(strstr(m, "4:'Feuille 1'!A4: no practice 'c.7' in the guide\n"));
	assert_non_null(strstr(m, "5:'Feuille 1'!A5: practice a.1 appears twice (first on row 2)\n"));
	assert_non_null(strstr(m, "6:'Feuille 1'!D6: 'non concernée' needs a justification in the comment\n"));
	assert_non_null(strstr(m, "7:'Feuille 1'!C7: this cell is under no column name (row 1 names the columns)\n"));
	assert_non_null(strstr(m, "0:5 bad rows: nothing was imported\n"));
	assert_string_equal(d.items[0].rule, "workbook");
	static const int cols[] = {5, 2, 1, 1, 4, 3};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(d.items[i].file, "in.ods");
		assert_int_equal(d.items[i].col, cols[i]);
	}
	free(m);
	diag_list_free(&d);
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_NOT_ASSESSED);
	assessment_free(&a);
	store_rollback(s);

	/* Évaluation first, though another sheet before it has an id column. */
	buf_reset(&z);
	zfx_ods("<table:table table:name=\"Autre\">" ROW(CELL("id") CELL("statut")) ROW(CELL("a.1") CELL("fini"))
		"</table:table><table:table table:name=\"Évaluation\">"
		ROW(CELL("id") CELL("status") CELL("comment"))
		ROW(CELL("a.1") CELL("en cours") CELL("Étude « lancée »"))
		ROW(CELL("a.2") CELL("planifiée")) "</table:table>",
		&z);
	assert_int_equal(import_file(s, "in.ods", z.ptr, z.len, &d, &res), STEER_OK);
	assert_int_equal(res.rows, 2);
	assert_int_equal(res.changed, 2);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_IN_PROGRESS);
	assert_string_equal(a.comment, "Étude « lancée »");
	assessment_free(&a);
	store_rollback(s);

	buf_reset(&z);
	zfx_ods("<table:table table:name=\"Notes\">" ROW(CELL("remarque")) "</table:table>", &z);
	assert_int_equal(import_file(s, "in.ods", z.ptr, z.len, &d, &res), STEER_REFUSED);
	assert_string_equal(d.items[0].msg, "no sheet of the workbook has an 'id' column in its first row (sheets: 'Notes')");
	diag_list_free(&d);
	buf_free(&z);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_reader),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_import_duplicates_and_limits),
		cmocka_unit_test(test_import_and_round_trip),
		cmocka_unit_test(test_formula_cells),
		cmocka_unit_test(test_apostrophe_round_trip),
		cmocka_unit_test(test_export_cell_import_value),
		cmocka_unit_test(test_nul_byte_refused),
		cmocka_unit_test(test_import_workbook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
