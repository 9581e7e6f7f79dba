/* ref_csv: the header is mapped once to column indexes, then each row is
 * read through them. A header whose first column is Id is taken for
 * sobre's export. CSV gives no column position to a cell, so a row's
 * diagnostics point at its line. List cells: sobre's export writes one
 * value per line; a mapped grid may also separate roles with commas, as
 * the RGESN's metiers does. */
#include "guide/ref_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/fold.h"
#include "util/xalloc.h"

enum {
	COL_ID,
	COL_THEME,
	COL_TITLE,
	COL_PRIORITY,
	COL_DIFFICULTY,
	COL_ROLES,
	COL_INDICATORS,
	COL_APPLICABILITY,
	COL_URL,
	COL_SECTION, /* then one per section */
	NCOLS = COL_SECTION + PROFILE_MAX_SECTIONS,
};

typedef struct {
	ref_builder_t *b;
	const profile_t *p;
	const char *file;
	bool own;           /* sobre's own export, read without a profile given */
	const char *name[NCOLS]; /* the header each field is read from, NULL: none */
	int at[NCOLS];      /* its index in the header, -1: absent */
	const csv_row_t *head;
} cctx_t;

static const char url_column[] = "Url";
static const char export_columns[] =
	"Id, Titre, Thématique, Priorité, Difficulté, Exemples pilotes, Exemples indicateurs, Url";

static int column(const csv_row_t *head, const char *name)
{
	for (size_t i = 0; name && i < head->ncells; i++)
		if (fold_equal(head->cells[i], name))
			return (int)i;
	return -1;
}

static void names_of(cctx_t *c, const profile_t *p)
{
	const profile_csv_t *m = &p->csv;
	memset(c->name, 0, sizeof c->name);
	c->name[COL_ID] = m->id;
	c->name[COL_THEME] = m->theme;
	c->name[COL_TITLE] = m->title;
	c->name[COL_PRIORITY] = m->priority;
	c->name[COL_DIFFICULTY] = m->difficulty;
	c->name[COL_ROLES] = m->roles;
	c->name[COL_INDICATORS] = m->indicators;
	c->name[COL_APPLICABILITY] = m->applicability;
	c->name[COL_URL] = c->own ? url_column : NULL;
	for (size_t k = 0; k < m->nsections && k < PROFILE_MAX_SECTIONS; k++)
		c->name[COL_SECTION + k] = m->sections[k];
	for (int i = 0; i < NCOLS; i++)
		c->at[i] = column(c->head, c->name[i]);
}

/* sobre's CSV export starts with its Id column: a header that does is
 * read as one, so that a column missing from it is reported by name. */
static bool own_export(const csv_row_t *head)
{
	return head->ncells > 0 && fold_equal(head->cells[0], profile_builtin("gbpnr")->csv.id);
}

/* Every required column is there; the missing ones are reported. */
static bool required_columns(cctx_t *c)
{
	static const char *const role[] = {"the id", "the theme", "the title", "the priority", "the difficulty"};
	bool need[5] = {true, true, true, c->p->npriorities > 0, c->p->ndifficulties > 0};
	bool ok = true;
	for (int i = 0; i < 5; i++) {
		if (!need[i] || c->at[i] >= 0)
			continue;
		ok = false;
		diag_t *x;
		if (!c->name[i]) {
			x = diag_add(c->b->d, DIAG_ERROR, c->file, c->head->line, 0, "csv-missing-column",
				     "the profile '%s' names no column for %s", c->p->id, role[i]);
			diag_hint(x, "name it in the profile's csv: mapping (docs/referentiels.md)");
			continue;
		}
		x = diag_add(c->b->d, DIAG_ERROR, c->file, c->head->line, 0, "csv-missing-column",
			     "no column '%s' (%s) in the header", c->name[i], role[i]);
		buf_t cols = BUF_INIT;
		for (size_t k = 0; k < c->head->ncells; k++)
			buf_printf(&cols, "%s'%s'", k ? ", " : "", c->head->cells[k]);
		if (c->own)
			diag_hint(x, "the header has %s; sobre's export has the columns %s; for another grid, pass "
				     "--profile FILE (docs/referentiels.md)", buf_cstr(&cols), export_columns);
		else
			diag_hint(x, "the header has %s; rename a column to '%s', or map it in the csv: of profile '%s'",
				  buf_cstr(&cols), c->name[i], c->p->id);
		buf_free(&cols);
	}
	return ok;
}

static const char *cell(const cctx_t *c, const csv_row_t *row, int col)
{
	return c->at[col] >= 0 ? row->cells[c->at[col]] : "";
}

/* A required cell that is empty: reported, false. */
static bool filled(cctx_t *c, const csv_row_t *row, int col, const char *what)
{
	if (*cell(c, row, col))
		return true;
	diag_t *x = diag_add(c->b->d, DIAG_ERROR, c->file, row->line, 0, "ref-missing-field",
			     "%s has an empty '%s' cell", what, c->head->cells[c->at[col]]);
	diag_hint(x, "fill it in, or delete the row");
	return false;
}

static size_t theme_of(cctx_t *c, const char *id, const char *title)
{
	buf_t key = BUF_INIT;
	const char *dot = strchr(id, '.');
	/* The GBPNR's ids carry their theme's: "a.1" is in theme "a.". */
	if (c->own && dot && dot > id)
		buf_put(&key, id, (size_t)(dot - id) + 1);
	else
		referentiel_slug(title, &key);
	if (key.len == 0)
		buf_printf(&key, "theme-%zu", c->b->r->nthemes + 1);
	size_t t = ref_build_theme(c->b, buf_cstr(&key), title, NULL);
	buf_free(&key);
	return t;
}

static void fill(cctx_t *c, ref_item_t *it, const csv_row_t *row)
{
	free(it->priority);
	it->priority = xstrdup(cell(c, row, COL_PRIORITY));
	free(it->difficulty);
	it->difficulty = xstrdup(cell(c, row, COL_DIFFICULTY));
	free(it->applicability);
	it->applicability = xstrdup(cell(c, row, COL_APPLICABILITY));
	it->always_applicable = fold_equal(it->applicability, REF_ALWAYS_APPLICABLE);
	free(it->url);
	it->url = xstrdup(cell(c, row, COL_URL));
	ref_item_split(&it->roles, &it->nroles, cell(c, row, COL_ROLES), c->own ? "\n" : "\n,");
	ref_item_split(&it->indicators, &it->nindicators, cell(c, row, COL_INDICATORS), "\n");
	buf_t key = BUF_INIT;
	for (size_t k = 0; k < c->p->csv.nsections && k < PROFILE_MAX_SECTIONS; k++) {
		if (c->at[COL_SECTION + k] < 0)
			continue;
		const char *title = c->p->csv.section_titles[k] ? c->p->csv.section_titles[k] : c->p->csv.sections[k];
		buf_reset(&key);
		ref_section_key(title, &key);
		ref_item_section(it, buf_cstr(&key), title, cell(c, row, COL_SECTION + (int)k));
	}
	buf_free(&key);
}

static void read_row(cctx_t *c, const csv_row_t *row)
{
	diag_list_t *d = c->b->d;
	if (row->ncells != c->head->ncells) {
		diag_t *x = diag_add(d, DIAG_ERROR, c->file, row->line, 0, "csv", "this row has %zu cells, the header has %zu",
				     row->ncells, c->head->ncells);
		diag_hint(x, "a cell holding the separator, a quote or a line break is written in double quotes");
		return;
	}
	const char *id = cell(c, row, COL_ID);
	char what[REF_MAX_ID + 16] = "this row";
	bool ok = filled(c, row, COL_ID, what) && ref_check_id(d, c->file, row->line, 0, what, id);
	if (ok)
		snprintf(what, sizeof what, "row %s", id);
	ok = filled(c, row, COL_THEME, what) && ok;
	ok = filled(c, row, COL_TITLE, what) && ok;
	const char *prio = cell(c, row, COL_PRIORITY), *diff = cell(c, row, COL_DIFFICULTY);
	if (c->p->npriorities && !(filled(c, row, COL_PRIORITY, what) &&
				   ref_check_priority(d, c->p, c->file, row->line, 0, what, prio)))
		ok = false;
	if (c->p->ndifficulties && !(filled(c, row, COL_DIFFICULTY, what) &&
				     ref_check_difficulty(d, c->p, c->file, row->line, 0, what, diff)))
		ok = false;
	if (!ok)
		return;
	size_t t = theme_of(c, id, cell(c, row, COL_THEME));
	fill(c, ref_build_item(c->b, t, id, cell(c, row, COL_TITLE), NULL, row->line, 0), row);
}

static void no_profile(cctx_t *c)
{
	diag_t *x = diag_add(c->b->d, DIAG_ERROR, c->file, c->head->line, 0, "csv-no-profile",
			     "this CSV is not sobre's export: which column holds what must come from a profile");
	diag_hint(x, "pass --profile FILE, a profile whose csv: names the columns (docs/referentiels.md); sobre's "
		     "export has the columns %s", export_columns);
}

void ref_csv_read(ref_builder_t *b, const char *src, size_t len, const profile_t *profile)
{
	static const csv_limits_t limits = {
		REFERENTIEL_MAX_FILE, REF_CSV_MAX_ROWS, REF_CSV_MAX_COLUMNS, "a référentiel",
		"a référentiel in CSV has a header row naming its columns, then one row per criterion"};
	cctx_t c = {.b = b, .file = b->r->source};
	csv_t csv;
	if (!csv_parse(c.file, src, len, &limits, &csv, b->d))
		return;
	if (csv.len == 0) {
		diag_t *x = diag_add(b->d, DIAG_ERROR, c.file, 1, 0, "ref-empty", "the file is empty");
		diag_hint(x, "a référentiel in CSV has a header row naming its columns, then one row per criterion");
		goto cleanup;
	}
	c.head = &csv.rows[0];
	c.own = !profile && own_export(c.head);
	c.p = profile ? profile : c.own ? profile_builtin("gbpnr") : NULL;
	if (!c.p) {
		no_profile(&c);
		goto cleanup;
	}
	b->r->profile = c.p;
	buf_t scratch = BUF_INIT;
	ref_build_meta(b, ref_default_id(c.p, &scratch), c.own ? "" : c.p->title, NULL, NULL);
	buf_free(&scratch);
	names_of(&c, c.p);
	if (!required_columns(&c))
		goto cleanup;
	if (csv.len == 1) {
		diag_t *x = diag_add(b->d, DIAG_ERROR, c.file, c.head->line, 0, "ref-empty",
				     "the file has a header row and no item");
		diag_hint(x, "add one row per criterion below the header");
	}
	for (size_t r = 1; r < csv.len; r++)
		read_row(&c, &csv.rows[r]);
cleanup:
	csv_free(&csv);
}
