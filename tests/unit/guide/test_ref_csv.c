/* Tests for guide/ref_csv, on small texts: sobre's own export (plain, and
 * for Excel: BOM and ';') read without a profile, a grid mapped by a
 * profile's csv (sections, roles split on commas, applicability, columns
 * matched folded, extra columns ignored), the errors (no profile, a
 * missing column, bad rows left out) and the limits REF_CSV_MAX_ROWS and
 * REF_CSV_MAX_COLUMNS. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "guide/ref_csv.h"

static referentiel_t *read_csv(const char *text, size_t len, const profile_t *p, diag_list_t *d)
{
	ref_builder_t b;
	ref_build_start(&b, REF_CSV, "t.csv", p, d);
	ref_csv_read(&b, text, len, p);
	return ref_build_finish(&b);
}

/* What `sobre export --format csv` writes: every cell quoted, CRLF. */
static const char export_plain[] =
	"\"Id\",\"Titre\",\"Thématique\",\"Priorité\",\"Difficulté\",\"Exemples pilotes\",\"Exemples indicateurs\","
	"\"Url\"\r\n"
	"\"a.1\",\"Éteindre, le soir\",\"Énergie\",\"Prioritaire\",\"Facile\",\"Direction du numérique\nServices, "
	"généraux\",\"Part (%)\",\"https://x.test/a1/\"\r\n"
	"\"b.1\",\"Reconditionné\",\"Achats\",\"Aller plus loin\",\"Difficile\",\"\",\"\",\"https://x.test/b1/\"\r\n"
	"\"a.2\",\"Veille\",\"Énergie\",\"Recommandée\",\"Moyenne\",\"DSI\",\"Oui / non\nNombre\",\"https://x.test/a2/\"\r\n";

static void check_export(const referentiel_t *r)
{
	assert_string_equal(r->id, "gbpnr");
	assert_string_equal(r->profile->id, "gbpnr");
	assert_int_equal(r->nthemes, 2);
	assert_string_equal(r->themes[0].id, "a.");
	assert_string_equal(r->themes[0].title, "Énergie");
	assert_string_equal(r->themes[1].id, "b.");
	assert_int_equal(r->nitems, 3);
	assert_string_equal(r->items[1].id, "a.2"); /* grouped by theme */
	const ref_item_t *a1 = &r->items[0];
	assert_string_equal(a1->title, "Éteindre, le soir");
	assert_string_equal(a1->priority, "Prioritaire");
	assert_string_equal(a1->difficulty, "Facile");
	/* one pilot per line, commas kept */
	assert_int_equal(a1->nroles, 2);
	assert_string_equal(a1->roles[1], "Services, généraux");
	assert_int_equal(a1->nindicators, 1);
	assert_string_equal(a1->url, "https://x.test/a1/");
	assert_int_equal(a1->line, 2);
	assert_int_equal(r->items[1].nindicators, 2);
	assert_int_equal(r->items[2].nroles, 0);
}

static void test_own_export(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	referentiel_t *r = read_csv(export_plain, sizeof export_plain - 1, NULL, &d);
	assert_int_equal(d.len, 0);
	check_export(r);
	referentiel_free(r);

	/* --excel: the same, behind a BOM and with ';' */
	buf_t excel = BUF_INIT;
	buf_puts(&excel, "\xEF\xBB\xBF");
	for (const char *p = export_plain; *p; p++) {
		bool sep = *p == ',' && p[-1] == '"' && p[1] == '"';
		buf_putc(&excel, sep ? ';' : *p);
	}
	r = read_csv(excel.ptr, excel.len, NULL, &d);
	assert_int_equal(d.len, 0);
	check_export(r);
	referentiel_free(r);
	buf_free(&excel);
}

static void test_mapped(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char text[] = "numero;Critère;Thématique;Priorité;Difficulté;Métiers;Cible;Objectif;Mise en oeuvre;"
			    "Moyen de test;Commentaire interne\n"
			    "1.1;Utile ?;Stratégie;Prioritaire;Fort;Porteur de projet, Développeur;Applicable à tous les "
			    "services;o;m;c;à revoir\n"
			    "4.1;Bas débit ?;UX/UI;Modéré;Faible;Designer;N/A sans écran;;;;\n";
	const profile_t *p = profile_builtin("rgesn-2024");
	referentiel_t *r = read_csv(text, sizeof text - 1, p, &d);
	assert_int_equal(d.len, 0);
	assert_ptr_equal(r->profile, p);
	assert_string_equal(r->id, "rgesn");
	assert_string_equal(r->title, p->title);
	assert_int_equal(r->nitems, 2);
	assert_string_equal(r->themes[1].id, "ux-ui");
	const ref_item_t *it = &r->items[0];
	assert_string_equal(it->title, "Utile ?");
	assert_int_equal(it->nroles, 2);
	assert_string_equal(it->roles[1], "Développeur");
	assert_true(it->always_applicable);
	assert_false(r->items[1].always_applicable);
	assert_string_equal(r->items[1].applicability, "N/A sans écran");
	assert_int_equal(it->nsections, 3);
	assert_string_equal(it->sections[1].key, "mise-en-oeuvre");
	assert_string_equal(it->sections[1].title, "Mise en œuvre");
	assert_string_equal(it->sections[2].key, "controle");
	assert_string_equal(it->sections[2].text, "c");
	assert_string_equal(it->url, "");
	referentiel_free(r);

	/* RGESN 2022-2023: no priority or difficulty column needed, an absent
	 * optional column leaves its field empty. */
	const char y2023[] = "Numéro,Thématique,Critère\n1.1,Stratégie,Utile ?\n";
	r = read_csv(y2023, sizeof y2023 - 1, profile_builtin("rgesn-2023"), &d);
	assert_int_equal(d.len, 0);
	assert_int_equal(r->nitems, 1);
	assert_int_equal(r->items[0].nsections, 0);
	referentiel_free(r);
}

static void test_errors(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char grid[] = "Numéro,Critère\n1.1,Utile ?\n";
	referentiel_t *r = read_csv(grid, sizeof grid - 1, NULL, &d);
	assert_int_equal(r->nitems, 0);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "csv-no-profile");
	assert_non_null(strstr(d.items[0].hint, "--profile FILE"));
	referentiel_free(r);
	diag_list_free(&d);

	/* the RGESN profile, a grid without its theme and priority columns */
	r = read_csv(grid, sizeof grid - 1, profile_builtin("rgesn-2024"), &d);
	assert_int_equal(r->nitems, 0);
	assert_int_equal(d.len, 3);
	assert_string_equal(d.items[0].rule, "csv-missing-column");
	assert_string_equal(d.items[0].msg, "no column 'Thématique' (the theme) in the header");
	assert_int_equal(d.items[0].line, 1);
	assert_string_equal(d.items[1].msg, "no column 'Priorité' (the priority) in the header");
	assert_string_equal(d.items[2].msg, "no column 'Difficulté' (the difficulty) in the header");
	referentiel_free(r);
	diag_list_free(&d);

	const char rows[] = "Id,Titre,Thématique,Priorité,Difficulté\n"
			    "a.1,Un,Énergie,Prioritaire,Facile\n"
			    "a 2,Deux,Énergie,Prioritaire,Facile\n"
			    "a.3,,Énergie,Urgente,Facile\n"
			    "a.4,Quatre\n"
			    "\n"
			    "a.5,Cinq,Énergie,prioritaire,FACILE\n";
	r = read_csv(rows, sizeof rows - 1, NULL, &d);
	assert_int_equal(r->nitems, 2);
	assert_string_equal(r->items[1].id, "a.5");
	assert_string_equal(r->items[1].priority, "prioritaire"); /* as written */
	assert_int_equal(d.len, 4);
	assert_string_equal(d.items[0].rule, "ref-bad-id");
	assert_int_equal(d.items[0].line, 3);
	assert_string_equal(d.items[1].rule, "ref-missing-field");
	assert_string_equal(d.items[1].msg, "row a.3 has an empty 'Titre' cell");
	assert_string_equal(d.items[2].rule, "ref-unknown-priority");
	assert_int_equal(d.items[2].line, 4);
	assert_string_equal(d.items[3].rule, "csv");
	assert_string_equal(d.items[3].msg, "this row has 2 cells, the header has 5");
	referentiel_free(r);
	diag_list_free(&d);

	r = read_csv("", 0, NULL, &d);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "ref-empty");
	referentiel_free(r);
	diag_list_free(&d);
	const char quote[] = "Id,Titre\n\"a.1,x\n";
	r = read_csv(quote, sizeof quote - 1, NULL, &d);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "csv");
	assert_int_equal(d.items[0].line, 2);
	referentiel_free(r);
	diag_list_free(&d);
}

/* An organisation's grid, its columns named by a profile read from YAML:
 * a section shown under another heading than its column's. */
static void test_profile_from_yaml(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char yaml[] = "id: grille\ntitle: Grille de l'Agence\nstatuses:\n  - {name: à voir, kind: not-assessed}\n"
			    "  - {name: fait, credit: 1}\ncsv:\n  id: Code\n  theme: Domaine\n  title: Exigence\n"
			    "  roles: Qui\n  sections: [Pourquoi, {column: Preuve, title: Comment le vérifier}]\n";
	profile_t *p = profile_parse("p.yaml", yaml, sizeof yaml - 1, &d);
	assert_non_null(p);
	const char text[] = "Code;Domaine;Exigence;Qui;Preuve;Pourquoi\n"
			    "AG-1;Postes;Écrans éteints;DSI, Achats;Une capture;Moins de watts\n";
	referentiel_t *r = read_csv(text, sizeof text - 1, p, &d);
	assert_int_equal(d.len, 0);
	assert_string_equal(r->id, "grille-de-l-agence");
	assert_string_equal(r->themes[0].id, "postes");
	const ref_item_t *it = &r->items[0];
	assert_string_equal(it->id, "AG-1");
	assert_int_equal(it->nroles, 2);
	assert_int_equal(it->nsections, 2);
	assert_string_equal(it->sections[0].key, "pourquoi");
	assert_string_equal(it->sections[0].text, "Moins de watts");
	assert_string_equal(it->sections[1].title, "Comment le vérifier");
	assert_string_equal(it->sections[1].key, "comment-le-verifier");
	assert_string_equal(it->sections[1].text, "Une capture");
	assert_string_equal(it->priority, "");
	referentiel_free(r);
	profile_free(p);
}

static bool has_rule(const diag_list_t *d, const char *rule)
{
	for (size_t i = 0; i < d->len; i++)
		if (strcmp(d->items[i].rule, rule) == 0)
			return true;
	return false;
}

/* One over each limit is refused with where and why; the limit itself is read. */
static void test_limits(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t b = BUF_INIT;
	buf_puts(&b, "Id,Titre,Thématique,Priorité,Difficulté\n");
	for (int i = 1; i < REF_CSV_MAX_ROWS; i++)
		buf_printf(&b, "a.%d,T,Énergie,Prioritaire,Facile\n", i);
	referentiel_t *r = read_csv(b.ptr, b.len, NULL, &d);
	assert_int_equal(d.len, 0);
	assert_int_equal(r->nitems, REF_CSV_MAX_ROWS - 1);
	referentiel_free(r);
	buf_puts(&b, "a.0,T,Énergie,Prioritaire,Facile\n");
	r = read_csv(b.ptr, b.len, NULL, &d);
	assert_int_equal(r->nitems, 0);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "more than 100,000 rows: not a référentiel");
	assert_int_equal(d.items[0].line, REF_CSV_MAX_ROWS + 1);
	referentiel_free(r);
	diag_list_free(&d);

	buf_reset(&b);
	buf_puts(&b, "Id");
	for (int i = 2; i <= REF_CSV_MAX_COLUMNS; i++)
		buf_printf(&b, ",c%d", i);
	buf_puts(&b, "\n");
	r = read_csv(b.ptr, b.len, NULL, &d);
	assert_false(has_rule(&d, "csv"));
	assert_true(has_rule(&d, "csv-missing-column"));
	referentiel_free(r);
	diag_list_free(&d);
	buf_truncate(&b, b.len - 1);
	buf_puts(&b, ",one-too-many\n");
	r = read_csv(b.ptr, b.len, NULL, &d);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "more than 256 columns: not a référentiel");
	referentiel_free(r);
	diag_list_free(&d);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_export),
		cmocka_unit_test(test_mapped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_profile_from_yaml),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
