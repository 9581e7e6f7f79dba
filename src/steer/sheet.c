/* sheet: CSV reading and writing, and the assessment export and import. */
#include "steer/sheet.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "steer/assess.h"
#include "steer/input.h"
#include "steer/jsonout.h"
#include "steer/plan.h"
#include "util/csv.h"
#include "util/fold.h"
#include "util/fs.h"
#include "util/jsonw.h"
#include "util/strset.h"
#include "util/utf8.h"
#include "util/workbook.h"
#include "util/xalloc.h"

/* --- CSV -------------------------------------------------------------- */

void sheet_csv_cell(buf_t *out, const char *s, char sep)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		buf_put(out, s, n);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

/* The leading apostrophe, one rule for every export the import reads back.
 *
 * Spreadsheets take a cell typed with a leading ' as "text follows" and keep
 * the text without it. The files meant for Excel use that mark to write a
 * cell a spreadsheet would run as a formula (= + - @, or a tab or CR first:
 * "CSV injection", OWASP) as text. For export then import to give every
 * value back unchanged the mark must be unambiguous, so the import takes off
 * exactly one leading apostrophe whatever follows (as a spreadsheet does
 * with a typed 'x), and every CSV export, plain or for Excel, writes one
 * more before a value that itself starts with one: 'x becomes ''x. The
 * plain CSV does not mark formulas (it is for scripts), but it is imported
 * by the same rule, so it must double a leading apostrophe all the same.
 * (Taking one off only before a formula character cannot work: the value
 * '=1+1 would come back as =1+1.) */
static bool formula_like(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]);
}

void sheet_export_cell(buf_t *out, const char *s, char sep, bool excel)
{
	if (!s)
		s = "";
	if (s[0] != '\'' && !(excel && formula_like(s))) {
		sheet_csv_cell(out, s, sep);
		return;
	}
	buf_t t = BUF_INIT;
	buf_putc(&t, '\'');
	buf_puts(&t, s);
	sheet_csv_cell(out, buf_cstr(&t), sep);
	buf_free(&t);
}

const char *sheet_import_value(const char *cell)
{
	return cell && cell[0] == '\'' ? cell + 1 : cell;
}

/* The sheet's limits, and how a file past them is refused. */
static const char not_a_sheet_hint[] = "an assessment sheet has one row per practice and a few columns; start from "
				       "an export: sobre export-assessment --format csv -o evaluation.csv";
static const csv_limits_t sheet_limits = {SHEET_MAX_BYTES, SHEET_MAX_ROWS, SHEET_MAX_COLUMNS, "an assessment sheet",
					  not_a_sheet_hint};

bool sheet_csv_parse(const char *file, const char *src, size_t len, csv_t *out, diag_list_t *d)
{
	return csv_parse(file, src, len, &sheet_limits, out, d);
}

/* --- export ----------------------------------------------------------- */

enum { COL_ID, COL_TITLE, COL_THEME, COL_PRIORITY, COL_DIFFICULTY, COL_STATUS, COL_PILOT, COL_OWNER, COL_DUE,
       COL_COMMENT, COL_BUDGET, COL_STAFF, NCOLS };

/* The assessment's columns, one line each for the export and the import of
 * every format. */
typedef struct {
	const char *name;  /* the export's header */
	const char *names; /* the other headers the import knows, as fold_key gives them, '|' between */
	const char *rules; /* the rules of assess_set's refusals that are about this cell, ' ' around each */
	double width;      /* in the XLSX */
	int change;        /* offset of the assess_change_t member the import sets; -1: for reading only */
	bool wrap;         /* in the XLSX */
} column_t;

#define CHANGE(m) ((int)offsetof(assess_change_t, m))
static const column_t columns[NCOLS] = {
	[COL_ID] = {"id", "idbp|identifiant", " unknown-practice archived-practice ", 8, -1, false},
	[COL_TITLE] = {"title", "titre", "", 50, -1, true},
	[COL_THEME] = {"theme", "thematique", "", 30, -1, false},
	[COL_PRIORITY] = {"priority", "priorite", "", 14, -1, false},
	[COL_DIFFICULTY] = {"difficulty", "difficulte", "", 11, -1, false},
	[COL_STATUS] = {"status", "statut|etat", " bad-status always-applicable ", 14, CHANGE(status), false},
	[COL_PILOT] = {"pilot", "pilote|fonction pilote", " bad-pilot unknown-pilot ", 30, CHANGE(pilot), false},
	[COL_OWNER] = {"owner", "responsable|porteur", " bad-owner ", 24, CHANGE(owner), false},
	[COL_DUE] = {"due date", "due|echeance|date cible|target date", " bad-date ", 11, CHANGE(due), false},
	[COL_COMMENT] = {"comment", "commentaire|justification", " bad-comment justification-required ", 50,
			 CHANGE(comment), true},
	[COL_BUDGET] = {"budget", "budget (eur)|budget en euros|cout", " bad-budget ", 12, CHANGE(budget), false},
	[COL_STAFF] = {"staff days", "staff_days|staff|jours-personne|jours personne|jours|temps", " bad-staff ", 12,
		       CHANGE(staff), false},
};
#undef CHANGE

/* The export's sheet, the one the import of a workbook looks for first. */
static const char sheet_name[] = "Évaluation";

/* tmp: three buffers the cells of the theme and the means are written
 * into (the means canonical, as the import reads them back). */
static void cells_of(const plan_item_t *x, buf_t tmp[3], const char *cells[NCOLS])
{
	buf_t *theme = &tmp[0];
	for (int i = 0; i < 3; i++)
		buf_reset(&tmp[i]);
	buf_printf(theme, "%s %s", x->theme_id, x->theme_title);
	if (x->budget >= 0)
		input_hundredths_text(x->budget, &tmp[1]);
	if (x->staff >= 0)
		input_hundredths_text(x->staff, &tmp[2]);
	cells[COL_BUDGET] = x->budget >= 0 ? buf_cstr(&tmp[1]) : NULL;
	cells[COL_STAFF] = x->staff >= 0 ? buf_cstr(&tmp[2]) : NULL;
	cells[COL_ID] = x->idbp;
	cells[COL_TITLE] = x->title;
	cells[COL_THEME] = buf_cstr(theme);
	cells[COL_PRIORITY] = x->priority;
	cells[COL_DIFFICULTY] = x->difficulty;
	cells[COL_STATUS] = status_name(x->profile, x->status);
	cells[COL_PILOT] = x->pilot;
	cells[COL_OWNER] = x->owner;
	cells[COL_DUE] = x->due;
	cells[COL_COMMENT] = x->comment;
}

static void export_csv(const plan_t *p, bool excel, buf_t *out)
{
	char sep = excel ? ';' : ',';
	buf_t theme[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
	if (excel)
		buf_puts(out, "\xef\xbb\xbf");
	for (int c = 0; c < NCOLS; c++) {
		if (c)
			buf_putc(out, sep);
		buf_puts(out, columns[c].name);
	}
	buf_puts(out, "\r\n");
	for (size_t i = 0; i < p->len; i++) {
		const char *cells[NCOLS];
		cells_of(&p->items[i], theme, cells);
		for (int c = 0; c < NCOLS; c++) {
			if (c)
				buf_putc(out, sep);
			sheet_export_cell(out, cells[c], sep, excel);
		}
		buf_puts(out, "\r\n");
	}
	for (int k = 0; k < 3; k++)
		buf_free(&theme[k]);
}

/* Every practice of p (plan_build's PLAN_ALL) as an assessment
 * (jsonout_assessment), with the evidence links the rows lack. */
static steer_rc assessments_json(store_t *s, const plan_t *p, jsonw_t *w, diag_list_t *d)
{
	steer_rc rc = STEER_OK;
	jsonw_array(w);
	char **evidence = NULL;
	size_t nevidence = 0, cap = 0;
	for (size_t i = 0; i < p->len && !rc; i++) {
		const plan_item_t *x = &p->items[i];
		store_query_t *q = store_query(s, "SELECT e.url FROM evidence e JOIN practice p ON p.id = e.practice_id "
						  "WHERE p.perimeter_id = ? AND p.referentiel_id = ? AND p.idbp = ? "
						  "ORDER BY e.added_at, e.url");
		store_bind_scope(q, 1);
		store_bind_text(q, 3, x->idbp);
		while (store_next(q)) {
			evidence = xgrow(evidence, &cap, nevidence + 1, sizeof *evidence);
			evidence[nevidence++] = store_col_dup(q, 0);
		}
		/* A failed read stops the export rather than leave links out. */
		rc = store_end(q, d, "reading the evidence");
		jsonout_assessment_t a = {x, false, evidence, nevidence};
		jsonout_assessment(w, &a);
		for (size_t k = 0; k < nevidence; k++)
			free(evidence[k]);
		nevidence = 0;
	}
	free(evidence);
	jsonw_end(w, ']');
	return rc;
}

steer_rc sheet_assessments_json(store_t *s, jsonw_t *w, diag_list_t *d)
{
	plan_t p;
	steer_rc rc = plan_build(s, PLAN_ALL, NULL, &p, d);
	if (rc)
		return rc;
	rc = assessments_json(s, &p, w, d);
	plan_free(&p);
	return rc;
}

static steer_rc export_json(store_t *s, const plan_t *p, buf_t *out, diag_list_t *d)
{
	jsonw_t w;
	char at[21];
	char *org = store_meta(s, "org"), *version = NULL;
	long long vid;
	plan_t actions;
	memset(&actions, 0, sizeof actions);
	steer_rc rc = store_current_version(s, &vid, &version, d);
	store_timestamp(s, at);
	jsonw_init(&w, out);
	jsonw_object(&w);
	jsonw_key(&w, "organisation");
	jsonw_str(&w, org);
	jsonw_key(&w, "guide_version");
	jsonw_str(&w, version);
	jsonw_key(&w, "exported_at");
	jsonw_str(&w, at);
	if (!rc) {
		jsonw_key(&w, "practices");
		rc = assessments_json(s, p, &w, d);
	}
	if (!rc)
		rc = plan_build(s, PLAN_ACTIONS, NULL, &actions, d);
	if (!rc) {
		jsonw_key(&w, "plan");
		jsonout_plan(&w, &actions, 0);
	}
	jsonw_end(&w, '}');
	buf_putc(out, '\n');
	plan_free(&actions);
	free(org);
	free(version);
	return rc;
}

/* libxlsxwriter writes to a file: a workbook in a fresh temporary file,
 * then read back whole into out and removed. */
typedef struct {
	buf_t path;
	lxw_workbook *wb;
	lxw_format *bold, *wrap;
} xlsx_t;

static steer_rc xlsx_open(xlsx_t *x, diag_list_t *d)
{
	const char *tmpdir = getenv("TMPDIR");
	memset(x, 0, sizeof *x);
	buf_printf(&x->path, "%s/sobre-export-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(x->path.ptr);
	if (fd < 0) {
		diag_add(d, DIAG_ERROR, buf_cstr(&x->path), 0, 0, "io", "cannot create a temporary file for the XLSX: %s",
			 strerror(errno));
		buf_free(&x->path);
		return STEER_IO;
	}
	close(fd);
	x->wb = workbook_new(buf_cstr(&x->path));
	if (!x->wb) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "io", "cannot create the XLSX workbook");
		unlink(buf_cstr(&x->path));
		buf_free(&x->path);
		return STEER_IO;
	}
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	x->wrap = workbook_add_format(x->wb);
	format_set_text_wrap(x->wrap);
	format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
	return STEER_OK;
}

/* Closes the workbook (rc: how building it went) and reads it into out. */
static steer_rc xlsx_close(xlsx_t *x, steer_rc rc, buf_t *out, diag_list_t *d)
{
	lxw_error e = workbook_close(x->wb);
	if (!rc && e != LXW_NO_ERROR) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "io", "writing the XLSX failed: %s", lxw_strerror(e));
		rc = STEER_IO;
	}
	if (!rc) {
		int err = fs_read_file(buf_cstr(&x->path), SIZE_MAX, out);
		if (err) {
			diag_add(d, DIAG_ERROR, buf_cstr(&x->path), 0, 0, "io", "reading the XLSX back failed: %s",
				 strerror(err));
			rc = STEER_IO;
		}
	}
	unlink(buf_cstr(&x->path));
	buf_free(&x->path);
	return rc;
}

static steer_rc export_xlsx(const plan_t *p, buf_t *out, diag_list_t *d)
{
	xlsx_t x;
	buf_t theme[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
	steer_rc rc = xlsx_open(&x, d);
	if (rc)
		return rc;
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, sheet_name);
	if (!ws) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "io", "cannot create the XLSX worksheet");
		return xlsx_close(&x, STEER_IO, out, d);
	}
	for (int c = 0; c < NCOLS; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, columns[c].name, x.bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, columns[c].width, columns[c].wrap ? x.wrap : NULL);
	}
	for (size_t i = 0; i < p->len; i++) {
		const char *cells[NCOLS];
		cells_of(&p->items[i], theme, cells);
		for (int c = 0; c < NCOLS; c++)
			if (cells[c])
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, cells[c], NULL);
	}
	for (int k = 0; k < 3; k++)
		buf_free(&theme[k]);
	worksheet_freeze_panes(ws, 1, 1);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)p->len, NCOLS - 1);
	/* A drop-down of the statuses keeps the sheet importable as typed. */
	char *statuses[PROFILE_MAX_STATUSES + 1] = {NULL};
	for (size_t i = 0; i < p->profile->nstatuses; i++)
		statuses[i] = xstrdup(status_name(p->profile, (status_t)i));
	lxw_data_validation dv;
	memset(&dv, 0, sizeof dv);
	dv.validate = LXW_VALIDATION_TYPE_LIST;
	dv.value_list = statuses;
	if (p->len)
		worksheet_data_validation_range(ws, 1, COL_STATUS, (lxw_row_t)p->len, COL_STATUS, &dv);
	rc = xlsx_close(&x, STEER_OK, out, d);
	for (size_t i = 0; i < p->profile->nstatuses; i++)
		free(statuses[i]);
	return rc;
}

steer_rc sheet_export(store_t *s, sheet_format_t format, bool excel, buf_t *out, diag_list_t *d)
{
	plan_t p;
	steer_rc rc = plan_build(s, PLAN_ALL, NULL, &p, d);
	if (rc)
		return rc;
	switch (format) {
	case SHEET_CSV: export_csv(&p, excel, out); break;
	case SHEET_JSON: rc = export_json(s, &p, out, d); break;
	case SHEET_XLSX: rc = export_xlsx(&p, out, d); break;
	}
	plan_free(&p);
	return rc;
}

/* The action plan's columns, in French: the plan is handed to people who
 * read it in a spreadsheet, not imported back. */
static const char *const plan_columns[] = {"rang", "id", "titre", "thématique", "priorité", "difficulté",
					   "statut", "pilote", "responsable", "échéance", "en retard", "budget (€)",
					   "jours-personne"};
enum { PLAN_NCOLS = sizeof plan_columns / sizeof *plan_columns };

enum { PLAN_LATE = 10, PLAN_BUDGET = 11, PLAN_STAFF = 12 };

/* budget and staff: buffers for the means in French figures (the CSV is
 * for French Excel); the workbook writes them as numbers instead. */
static void plan_cells(const plan_item_t *x, char rank[24], size_t i, buf_t *budget, buf_t *staff,
		       const char *cells[PLAN_NCOLS])
{
	snprintf(rank, 24, "%zu", i + 1);
	buf_reset(budget);
	buf_reset(staff);
	if (x->budget >= 0)
		input_hundredths_fr(x->budget, true, budget);
	if (x->staff >= 0)
		input_hundredths_fr(x->staff, false, staff);
	const char *v[PLAN_NCOLS] = {rank,   x->idbp, x->title, x->theme_title, x->priority, x->difficulty,
				     status_name(x->profile, x->status), x->pilot, x->owner, x->due, x->overdue ? "oui" : "",
				     buf_cstr(budget), buf_cstr(staff)};
	memcpy(cells, v, sizeof v);
}

steer_rc sheet_export_plan(store_t *s, const char *pilot, bool xlsx, buf_t *out, diag_list_t *d)
{
	plan_t p;
	steer_rc rc = plan_build(s, PLAN_ACTIONS, pilot, &p, d);
	if (rc)
		return rc;
	char rank[24];
	const char *cells[PLAN_NCOLS];
	buf_t budget = BUF_INIT, staff = BUF_INIT;
	if (!xlsx) {
		buf_puts(out, "\xef\xbb\xbf"); /* what French Excel opens directly: BOM, ';', CRLF */
		for (size_t c = 0; c < PLAN_NCOLS; c++) {
			if (c)
				buf_putc(out, ';');
			buf_puts(out, plan_columns[c]);
		}
		buf_puts(out, "\r\n");
		for (size_t i = 0; i < p.len; i++) {
			plan_cells(&p.items[i], rank, i, &budget, &staff, cells);
			for (size_t c = 0; c < PLAN_NCOLS; c++) {
				if (c)
					buf_putc(out, ';');
				sheet_export_cell(out, cells[c], ';', true);
			}
			buf_puts(out, "\r\n");
		}
		plan_free(&p);
		buf_free(&budget);
		buf_free(&staff);
		return STEER_OK;
	}
	xlsx_t x;
	if ((rc = xlsx_open(&x, d))) {
		plan_free(&p);
		return rc;
	}
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "Plan d'action");
	if (!ws) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "io", "cannot create the XLSX worksheet");
		plan_free(&p);
		return xlsx_close(&x, STEER_IO, out, d);
	}
	lxw_format *late = workbook_add_format(x.wb);
	format_set_bold(late);
	format_set_font_color(late, 0x9C0006); /* dark red on light red: Excel's own "bad" style */
	format_set_bg_color(late, 0xFFC7CE);
	static const double widths[PLAN_NCOLS] = {6, 8, 50, 30, 14, 11, 12, 30, 24, 11, 10, 12, 14};
	lxw_format *euros = workbook_add_format(x.wb);
	format_set_num_format(euros, "#,##0.00 \"€\"");
	for (size_t c = 0; c < PLAN_NCOLS; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, plan_columns[c], x.bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], c == 2 ? x.wrap : NULL);
	}
	for (size_t i = 0; i < p.len; i++) {
		const plan_item_t *it = &p.items[i];
		plan_cells(it, rank, i, &budget, &staff, cells);
		worksheet_write_number(ws, (lxw_row_t)(i + 1), 0, (double)(i + 1), NULL);
		for (size_t c = 1; c < PLAN_BUDGET; c++)
			if (cells[c] && *cells[c])
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, cells[c],
						       c == PLAN_LATE || (c == 9 && it->overdue) ? late : NULL);
		if (it->budget >= 0)
			worksheet_write_number(ws, (lxw_row_t)(i + 1), PLAN_BUDGET, (double)it->budget / 100, euros);
		if (it->staff >= 0)
			worksheet_write_number(ws, (lxw_row_t)(i + 1), PLAN_STAFF, (double)it->staff / 100, NULL);
	}
	buf_free(&budget);
	buf_free(&staff);
	worksheet_freeze_panes(ws, 1, 3);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)p.len, PLAN_NCOLS - 1);
	plan_free(&p);
	return xlsx_close(&x, STEER_OK, out, d);
}

/* The declaration's grid, in French: it is handed to referents. */
static const char *const decl_columns[] = {"id", "thématique", "critère", "priorité", "évaluation", "statut",
					   "justification", "texte de déclaration", "évolutions potentielles",
					   "actions à mener", "qui", "quand"};
enum { DECL_NCOLS = sizeof decl_columns / sizeof *decl_columns };

/* The sheet "Service": each text of the service under its label, then the
 * score. */
static void declaration_service_sheet(const declaration_t *x, xlsx_t *w, lxw_worksheet *ws)
{
	worksheet_write_string(ws, 0, 0, "champ", w->bold);
	worksheet_write_string(ws, 0, 1, "valeur", w->bold);
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 1, 1, 90, w->wrap);
	lxw_row_t r = 1;
	worksheet_write_string(ws, r, 0, "Périmètre", NULL);
	worksheet_write_string(ws, r++, 1, x->perimeter ? x->perimeter : "", NULL);
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < DECL_NFIELDS; i++) {
		const char *v = i == DECL_NOM ? declaration_name(x) : x->values[i];
		if (v && declaration_fields[i].kind == DECL_PERCENT) {
			/* 75.5 as the French read it, as the score below. */
			for (const char *p = v; *p; p++)
				buf_putc(&b, *p == '.' ? ',' : *p);
			buf_puts(&b, " %");
			v = buf_cstr(&b);
		}
		worksheet_write_string(ws, r, 0, declaration_fields[i].label, NULL);
		if (v)
			worksheet_write_string(ws, r, 1, v, NULL);
		buf_reset(&b);
		r++;
	}
	score_format(x->score.overall.num, x->score.overall.den, ',', &b);
	if (x->score.overall.den)
		buf_puts(&b, " %");
	worksheet_write_string(ws, r, 0, "Score", NULL);
	worksheet_write_string(ws, r++, 1, buf_cstr(&b), NULL);
	buf_reset(&b);
	score_formula_fr(x->profile, x->weights, &b);
	worksheet_write_string(ws, r, 0, "Calcul du score", NULL);
	worksheet_write_string(ws, r, 1, buf_cstr(&b), NULL);
	buf_free(&b);
}

steer_rc sheet_declaration_xlsx(const declaration_t *x, buf_t *out, diag_list_t *d)
{
	xlsx_t w;
	steer_rc rc = xlsx_open(&w, d);
	if (rc)
		return rc;
	lxw_worksheet *ws = workbook_add_worksheet(w.wb, "Critères");
	lxw_worksheet *svc = workbook_add_worksheet(w.wb, "Service");
	if (!ws || !svc) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "io", "cannot create the XLSX worksheet");
		return xlsx_close(&w, STEER_IO, out, d);
	}
	static const double widths[DECL_NCOLS] = {7, 24, 50, 12, 15, 12, 40, 40, 40, 40, 24, 11};
	for (size_t c = 0; c < DECL_NCOLS; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, decl_columns[c], w.bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], c == 2 || c >= 6 ? w.wrap : NULL);
	}
	for (size_t i = 0; i < x->ncriteria; i++) {
		const declaration_criterion_t *c = &x->criteria[i];
		const plan_item_t *it = c->item;
		const char *cells[DECL_NCOLS] = {it->idbp, it->theme_title, it->title, it->priority,
						 declaration_evaluation(x->profile, it->status),
						 status_name(x->profile, it->status), it->comment,
						 c->text[DECL_TEXTE_DECLARATION], c->text[DECL_EVOLUTIONS_POTENTIELLES],
						 c->text[DECL_ACTIONS_A_MENER], declaration_who(c), it->due};
		for (size_t k = 0; k < DECL_NCOLS; k++)
			if (cells[k] && *cells[k])
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, cells[k], NULL);
	}
	worksheet_freeze_panes(ws, 1, 1);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)x->ncriteria, DECL_NCOLS - 1);
	declaration_service_sheet(x, &w, svc);
	return xlsx_close(&w, STEER_OK, out, d);
}

/* --- import ----------------------------------------------------------- */

/* The column a header names (any case or accents), -1 for none. */
static int column_of(const char *header)
{
	buf_t k = BUF_INIT;
	fold_key(header, &k);
	const char *key = buf_cstr(&k);
	size_t n = k.len;
	int col = -1;
	for (int c = 0; c < NCOLS && col < 0; c++) {
		if (strcmp(key, columns[c].name) == 0)
			col = c;
		for (const char *p = columns[c].names; *p && col < 0;) {
			size_t len = strcspn(p, "|");
			if (len == n && memcmp(p, key, n) == 0)
				col = c;
			p += len + (p[len] == '|');
		}
	}
	buf_free(&k);
	return col;
}

/* "id, title, ..., comment" */
static void column_list(buf_t *out)
{
	for (int c = 0; c < NCOLS; c++)
		buf_printf(out, "%s%s", c ? ", " : "", columns[c].name);
}

/* The import's view of the sheet it applies, CSV or a workbook's sheet:
 * the header, then the data rows one at a time, each cell under the
 * header's columns. Both go through the same checks; only where a
 * diagnostic points differs: a CSV's line, or a workbook's cell
 * (Évaluation!F12, at row 12, column 6). */
typedef struct {
	const char *file;
	const char *rule;                /* "csv" or "workbook" */
	const csv_t *csv;                /* one of these two */
	const workbook_sheet_t *sheet;
	size_t width;                    /* cells of the header */
	const char *head[SHEET_MAX_COLUMNS];
	int head_line;
	/* the row being read */
	const char *cells[SHEET_MAX_COLUMNS];
	size_t ncells;
	int line;
	int stray; /* workbook: the first cell under no column name, 0: none */
} table_t;

static size_t table_rows(const table_t *t)
{
	return t->csv ? t->csv->len - 1 : t->sheet->len - 1;
}

/* Reads data row r (0-based) into t. A CSV cell loses one leading
 * apostrophe (sheet_import_value); a workbook's is as the spreadsheet holds
 * it (a typed 'x is stored as x), and an absent cell is an empty one. */
static void table_row(table_t *t, size_t r)
{
	if (t->csv) {
		const csv_row_t *row = &t->csv->rows[r + 1];
		t->line = row->line;
		t->ncells = row->ncells < SHEET_MAX_COLUMNS ? row->ncells : SHEET_MAX_COLUMNS;
		for (size_t i = 0; i < t->ncells; i++)
			t->cells[i] = sheet_import_value(row->cells[i]);
		return;
	}
	const workbook_row_t *row = &t->sheet->rows[r + 1];
	t->line = row->row;
	t->ncells = t->width;
	t->stray = 0;
	for (size_t i = 0; i < t->width; i++)
		t->cells[i] = "";
	for (size_t i = 0; i < row->len; i++) {
		size_t c = (size_t)row->cells[i].col - 1;
		if (c < t->width && *t->head[c])
			t->cells[c] = row->cells[i].text;
		else if (!t->stray)
			t->stray = row->cells[i].col;
	}
}

/* A workbook's diagnostic points at the cell of header column hcol (-1:
 * the whole row): the message starts with the cell's reference
 * (Évaluation!F12, or Évaluation!12:12 for the row). */
static void point(const table_t *t, diag_t *x, int line, int hcol)
{
	free(x->file);
	x->file = xstrdup(t->file);
	x->line = line;
	if (!t->sheet)
		return;
	buf_t m = BUF_INIT;
	x->col = hcol + 1;
	workbook_ref(t->sheet->name, line, hcol + 1, &m);
	buf_printf(&m, ": %s", x->msg);
	free(x->msg);
	x->msg = buf_detach(&m);
}

/* An error about the row being read, at header column hcol (-1: the row). */
static diag_t *row_error(const table_t *t, diag_list_t *d, int hcol, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static diag_t *row_error(const table_t *t, diag_list_t *d, int hcol, const char *fmt, ...)
{
	buf_t m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	diag_t *x = diag_add(d, DIAG_ERROR, t->file, t->line, 0, t->rule, "%s", buf_cstr(&m));
	buf_free(&m);
	point(t, x, t->line, hcol);
	return x;
}

/* Points the diagnostics assess_set appended since `from` at the row, and
 * in a workbook at the cell their rule is about (columns[].rules). */
static void locate(const table_t *t, diag_list_t *d, size_t from, const int at[NCOLS])
{
	for (size_t i = from; i < d->len; i++) {
		diag_t *x = &d->items[i];
		if (x->line > 0)
			continue;
		int hcol = -1;
		for (int c = 0; c < NCOLS && hcol < 0 && x->rule; c++) {
			const char *r = strstr(columns[c].rules, x->rule);
			size_t n = strlen(x->rule);
			if (r && r[-1] == ' ' && r[n] == ' ')
				hcol = at[c];
		}
		point(t, x, t->line, hcol);
	}
}

/* Where each assessment column is in the header row (at[c], -1 when
 * absent); unknown columns are warned about and ignored (a workbook's
 * empty header cells are no columns). Returns the number of errors (a
 * column twice, no id). */
static size_t map_columns(const table_t *t, int at[NCOLS], diag_list_t *d)
{
	size_t errors = 0;
	buf_t list = BUF_INIT;
	column_list(&list);
	for (int c = 0; c < NCOLS; c++)
		at[c] = -1;
	for (size_t i = 0; i < t->width; i++) {
		int c = column_of(t->head[i]);
		if (c < 0 && t->sheet && !*t->head[i])
			continue;
		if (c < 0) {
			diag_t *x = diag_add(d, DIAG_WARNING, t->file, t->head_line, 0, t->rule,
					     "column '%s' is not an assessment column: ignored", t->head[i]);
			point(t, x, t->head_line, (int)i);
			diag_hint(x, "the columns are: %s", buf_cstr(&list));
		} else if (at[c] >= 0) {
			diag_t *x = diag_add(d, DIAG_ERROR, t->file, t->head_line, 0, t->rule,
					     "column '%s' appears twice (columns %d and %zu)", columns[c].name, at[c] + 1, i + 1);
			point(t, x, t->head_line, (int)i);
			errors++;
		} else {
			at[c] = (int)i;
		}
	}
	if (at[COL_ID] < 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, t->file, t->head_line, 0, t->rule, "the first line has no 'id' column");
		point(t, x, t->head_line, -1);
		diag_hint(x, "the first line names the columns: %s", buf_cstr(&list));
		errors++;
	}
	buf_free(&list);
	return errors;
}

/* Checks and applies the row being read: its id once in the file (seen:
 * each id's line), its cells through assess_set. Returns STEER_REFUSED for
 * a bad row (reported), STEER_IO to stop. */
static steer_rc import_row(store_t *s, const table_t *t, const int at[NCOLS], strset_t *seen, sheet_import_t *res,
			   diag_list_t *d)
{
	if (t->ncells != t->width) {
		row_error(t, d, -1, "this row has %zu cells, the header has %zu", t->ncells, t->width);
		return STEER_REFUSED;
	}
	if (t->stray) {
		/* The header's column i is the sheet's column i + 1. */
		diag_t *x = row_error(t, d, t->stray - 1, "this cell is under no column name (row %d names the columns)",
				      t->head_line);
		diag_hint(x, "empty it, or name its column in row %d (a column the import does not know is ignored)",
			  t->head_line);
		return STEER_REFUSED;
	}
	char *id = input_trim(t->cells[at[COL_ID]]);
	steer_rc rc = STEER_REFUSED;
	char *status = NULL;
	buf_t key = BUF_INIT;
	if (!*id) {
		row_error(t, d, at[COL_ID], "the id cell is empty");
		goto cleanup;
	}
	/* The line of each id's first row, to report duplicates: a hash set, as
	 * scanning the ids seen so far for every row made big imports quadratic
	 * (40,000 rows: 7 s). Ids are compared as practice_find does, ASCII case
	 * ignored, so the key is the trimmed id in lower case. */
	for (const char *p = id; *p; p++)
		buf_putc(&key, *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p);
	size_t first;
	if (!strset_add(seen, key.ptr, key.len, (size_t)t->line, &first)) {
		diag_t *x = row_error(t, d, at[COL_ID], "practice %s appears twice (first on %s %zu)", id,
				      t->sheet ? "row" : "line", first);
		diag_hint(x, "keep one row per practice");
		goto cleanup;
	}
	assess_change_t ch;
	memset(&ch, 0, sizeof ch);
	for (int c = 0; c < NCOLS; c++)
		if (columns[c].change >= 0 && at[c] >= 0)
			*(const char **)((char *)&ch + columns[c].change) = t->cells[at[c]];
	/* A spreadsheet cannot pass --custom-pilot: a pilot that is not a
	 * typo of a known one is accepted as custom; a near miss is refused. */
	if (ch.status) {
		status = input_trim(ch.status);
		ch.status = *status ? status : "non évaluée";
	}
	size_t before = d->len, changed = 0;
	rc = assess_set(s, id, &ch, &changed, d);
	locate(t, d, before, at);
	if (!rc) {
		res->changed += changed > 0;
		res->fields += changed;
	}
cleanup:
	buf_free(&key);
	free(status);
	free(id);
	return rc;
}

/* Whether a workbook sheet's first row names an id column. */
static bool has_id_column(const workbook_sheet_t *sh)
{
	for (size_t i = 0; sh->len && i < sh->rows[0].len; i++)
		if (column_of(sh->rows[0].cells[i].text) == COL_ID)
			return true;
	return false;
}

/* The sheet of a workbook to import: the export's (sheet_name), else the
 * first whose first row has an id column. */
static const workbook_sheet_t *pick_sheet(const workbook_t *w)
{
	for (size_t i = 0; i < w->len; i++)
		if (fold_equal(w->sheets[i].name, sheet_name) && has_id_column(&w->sheets[i]))
			return &w->sheets[i];
	for (size_t i = 0; i < w->len; i++)
		if (has_id_column(&w->sheets[i]))
			return &w->sheets[i];
	return NULL;
}

/* Reads src, a CSV or a workbook, into t (the header); false with
 * diagnostics when it is unreadable, empty, or has no sheet to import. */
static bool table_open(const char *file, const char *src, size_t len, csv_t *csv, workbook_t *wb, table_t *t,
		       diag_list_t *d)
{
	memset(t, 0, sizeof *t);
	t->file = file;
	static const char start_hint[] = "start from an export: sobre export-assessment --format csv -o evaluation.csv";
	if (!workbook_sniff(src, len)) {
		t->rule = "csv";
		if (!sheet_csv_parse(file, src, len, csv, d))
			return false;
		if (csv->len == 0) {
			diag_t *x = diag_add(d, DIAG_ERROR, file, 1, 0, "csv", "the file is empty");
			diag_hint(x, "%s", start_hint);
			return false;
		}
		t->csv = csv;
		t->head_line = csv->rows[0].line;
		t->width = csv->rows[0].ncells;
		for (size_t i = 0; i < t->width; i++)
			t->head[i] = csv->rows[0].cells[i];
		return true;
	}
	t->rule = "workbook";
	if (!workbook_parse(file, src, len, &sheet_limits, wb, d))
		return false;
	t->sheet = pick_sheet(wb);
	if (!t->sheet) {
		buf_t names = BUF_INIT;
		for (size_t i = 0; i < wb->len; i++)
			buf_printf(&names, "%s'%s'", i ? ", " : "", wb->sheets[i].name);
		diag_t *x = diag_add(d, DIAG_ERROR, file, 0, 0, "workbook",
				     "no sheet of the workbook has an 'id' column in its first row (sheets: %s)",
				     wb->len ? buf_cstr(&names) : "none");
		buf_free(&names);
		buf_t list = BUF_INIT;
		column_list(&list);
		diag_hint(x, "the first row names the columns: %s; %s", buf_cstr(&list),
			  "start from an export: sobre export-assessment --format xlsx -o evaluation.xlsx");
		buf_free(&list);
		return false;
	}
	const workbook_row_t *h = &t->sheet->rows[0];
	t->head_line = h->row;
	t->width = (size_t)h->cells[h->len - 1].col;
	for (size_t i = 0; i < t->width; i++)
		t->head[i] = "";
	for (size_t i = 0; i < h->len; i++)
		t->head[h->cells[i].col - 1] = h->cells[i].text;
	return true;
}

steer_rc sheet_import(store_t *s, const char *file, const char *src, size_t len, sheet_import_t *res,
		      diag_list_t *d)
{
	csv_t csv;
	workbook_t wb;
	table_t t;
	int at[NCOLS];
	steer_rc rc;
	long long version;
	memset(res, 0, sizeof *res);
	memset(&csv, 0, sizeof csv);
	memset(&wb, 0, sizeof wb);
	if ((rc = store_require_tx(s, d)) || (rc = store_require_version(s, &version, d)))
		return rc;
	if (!table_open(file, src, len, &csv, &wb, &t, d) || map_columns(&t, at, d)) {
		rc = STEER_REFUSED;
		goto cleanup;
	}
	strset_t *seen = strset_new();
	size_t errors = 0, n = table_rows(&t);
	int stopped = 0; /* the line where the import gave up, SHEET_MAX_ERRORS reached */
	for (size_t r = 0; r < n; r++) {
		table_row(&t, r);
		if (errors >= SHEET_MAX_ERRORS) {
			stopped = t.line;
			break;
		}
		res->rows++;
		steer_rc r2 = import_row(s, &t, at, seen, res, d);
		if (r2 == STEER_IO) {
			rc = STEER_IO;
			break;
		}
		errors += r2 != STEER_OK;
	}
	strset_free(seen);
	if (rc)
		goto cleanup;
	rc = STEER_REFUSED;
	if (stopped) {
		diag_t *x = diag_add(d, DIAG_ERROR, file, stopped, 0, t.rule,
				     "stopped after %d bad rows, the rest of the file unread: nothing was imported",
				     SHEET_MAX_ERRORS);
		diag_hint(x, "is it the right file? Fix the rows above and import it again to check the rest");
	} else if (errors) {
		diag_t *x = diag_add(d, DIAG_ERROR, file, 0, 0, t.rule, "%zu bad row%s: nothing was imported", errors,
				     errors > 1 ? "s" : "");
		diag_hint(x, "fix the rows above and import the file again");
	} else {
		rc = STEER_OK;
	}
cleanup:
	csv_free(&csv);
	workbook_free(&wb);
	return rc;
}
