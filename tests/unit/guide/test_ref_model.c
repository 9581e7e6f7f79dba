/* Tests for guide/ref_model: slugs, the builder (themes found again by id,
 * items grouped theme by theme in source order, a repeated id left out and
 * reported at both places, the index of referentiel_find), list splitting,
 * and the checks of an id (REF_MAX_ID), a priority and a difficulty. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "guide/ref_model.h"

static void assert_slug(const char *text, const char *want)
{
	buf_t b = BUF_INIT;
	referentiel_slug(text, &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_slug(void **state)
{
	(void)state;
	assert_slug("Stratégie", "strategie");
	assert_slug("UX/UI", "ux-ui");
	assert_slug("  -- Œuvre d'art !! ", "oeuvre-d-art");
	assert_slug("Hébergement", "hebergement");
	assert_slug("Se\xCC\x81" "curite\xCC\x81" " 2", "securite-2"); /* decomposed accents */
	assert_slug("ÉNERGIE_et_eau", "energie-et-eau");
	assert_slug("", "");
	assert_slug("???", "");
	assert_slug(NULL, "");
	/* appended: what was there stays */
	buf_t b = BUF_INIT;
	buf_puts(&b, "x:");
	referentiel_slug("A B", &b);
	assert_string_equal(buf_cstr(&b), "x:a-b");
	buf_free(&b);
}

static void test_builder_groups_and_finds(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	ref_builder_t b;
	ref_build_start(&b, REF_RGESN_2024, "r.json", profile_builtin("rgesn-2024"), &d);
	bool existed;
	size_t s = ref_build_theme(&b, "strategie", "Stratégie", &existed);
	assert_false(existed);
	ref_build_item(&b, s, "1.1", "Un", NULL, 2, 3);
	size_t u = ref_build_theme(&b, "ux-ui", "UX/UI", &existed);
	assert_false(existed);
	ref_build_item(&b, u, "4.1", "Quatre", NULL, 5, 3);
	assert_int_equal(ref_build_theme(&b, "strategie", "autre titre", &existed), s);
	assert_true(existed);
	ref_item_t *it = ref_build_item(&b, s, "1.2", "Deux", NULL, 8, 3);
	ref_item_section(it, "objectif", "Objectif", "Du *Markdown*.");
	ref_item_split(&it->roles, &it->nroles, " Porteur de projet ,Développeur,, ", ",");
	ref_build_meta(&b, "rgesn", "Titre", NULL, "2024-01-01");
	referentiel_t *r = ref_build_finish(&b);
	assert_int_equal(d.len, 0);
	assert_string_equal(r->id, "rgesn");
	assert_string_equal(r->version, "");
	assert_string_equal(r->date, "2024-01-01");
	assert_string_equal(r->source, "r.json");
	assert_int_equal(r->nthemes, 2);
	assert_string_equal(r->themes[0].title, "Stratégie"); /* the first title stays */
	assert_int_equal(r->themes[0].first, 0);
	assert_int_equal(r->themes[0].count, 2);
	assert_int_equal(r->themes[1].first, 2);
	assert_int_equal(r->themes[1].count, 1);
	assert_string_equal(r->items[0].id, "1.1");
	assert_string_equal(r->items[1].id, "1.2");
	assert_string_equal(r->items[2].id, "4.1");
	assert_string_equal(r->items[1].file, "r.json");
	assert_int_equal(r->items[1].nroles, 2);
	assert_string_equal(r->items[1].roles[0], "Porteur de projet");
	assert_string_equal(r->items[1].roles[1], "Développeur");
	assert_int_equal(r->items[1].nsections, 1);
	assert_string_equal(r->items[1].sections[0].text, "Du *Markdown*.");
	assert_string_equal(r->items[0].priority, "");
	assert_ptr_equal(referentiel_find(r, "1.2"), &r->items[1]);
	assert_ptr_equal(referentiel_find(r, "4.1"), &r->items[2]);
	assert_null(referentiel_find(r, "4.2"));
	assert_null(referentiel_find(r, NULL));
	referentiel_free(r);
	referentiel_free(NULL);
}

static void test_builder_duplicates(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	ref_builder_t b;
	ref_build_start(&b, REF_CSV, "g.csv", profile_builtin("gbpnr"), &d);
	size_t t = ref_build_theme(&b, "a.", "Énergie", NULL);
	ref_build_item(&b, t, "a.1", "Premier", NULL, 2, 0);
	ref_build_item(&b, t, "a.2", "Deuxième", NULL, 3, 0);
	ref_build_item(&b, t, "a.1", "Copie", NULL, 9, 0);
	referentiel_t *r = ref_build_finish(&b);
	assert_int_equal(r->nitems, 2);
	assert_int_equal(r->themes[0].count, 2);
	assert_string_equal(referentiel_find(r, "a.1")->title, "Premier");
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "ref-duplicate-id");
	assert_int_equal(d.items[0].line, 9);
	assert_string_equal(d.items[0].msg, "duplicate id 'a.1': the first is at g.csv:2");
	referentiel_free(r);
	diag_list_free(&d);

	/* A guide's rules report duplicates: the builder only leaves them out. */
	ref_build_start(&b, REF_GBPNR_FOLDER, "guide", profile_builtin("gbpnr"), &d);
	b.check = false;
	t = ref_build_theme(&b, "a.", "Énergie", NULL);
	ref_build_item(&b, t, "a.1", "Premier", "g/a.md", 4, 7);
	ref_build_item(&b, t, "a.1", "Copie", "g/b.md", 4, 7);
	r = ref_build_finish(&b);
	assert_int_equal(r->nitems, 1);
	assert_string_equal(r->items[0].file, "g/a.md");
	assert_int_equal(d.len, 0);
	referentiel_free(r);

	/* Nothing at all: a valid, empty référentiel. */
	ref_build_start(&b, REF_RGESN_2024, "e.json", NULL, &d);
	r = ref_build_finish(&b);
	assert_int_equal(r->nitems, 0);
	assert_int_equal(r->nthemes, 0);
	assert_null(referentiel_find(r, "1.1"));
	referentiel_free(r);
}

static void test_split(void **state)
{
	(void)state;
	char **list = NULL;
	size_t n = 0;
	ref_item_split(&list, &n, "Direction du numérique\r\nServices généraux\n\n", "\n");
	ref_item_split(&list, &n, "", "\n");
	ref_item_split(&list, &n, NULL, "\n");
	ref_item_split(&list, &n, "a, b", "\n");
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "Direction du numérique");
	assert_string_equal(list[1], "Services généraux");
	assert_string_equal(list[2], "a, b");
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* REF_MAX_ID: 32 characters are an id, 33 are not; so is any character
 * that would need escaping in a URL or a shell. */
static void test_check_id(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	char id[REF_MAX_ID + 2];
	memset(id, '7', sizeof id - 1);
	id[REF_MAX_ID] = '\0';
	assert_true(ref_check_id(&d, "f", 1, 1, "x", id));
	id[REF_MAX_ID] = '7';
	id[REF_MAX_ID + 1] = '\0';
	assert_false(ref_check_id(&d, "f", 1, 1, "x", id));
	assert_true(ref_check_id(&d, "f", 1, 1, "x", "a.1"));
	assert_true(ref_check_id(&d, "f", 1, 1, "x", "RGESN_4-10"));
	assert_false(ref_check_id(&d, "f", 2, 5, "criterion #2 in the array", "4 .1"));
	assert_false(ref_check_id(&d, "f", 1, 1, "x", "4/1"));
	assert_false(ref_check_id(&d, "f", 1, 1, "x", "é.1"));
	assert_false(ref_check_id(&d, "f", 1, 1, "x", ""));
	assert_int_equal(d.len, 5);
	assert_string_equal(d.items[1].rule, "ref-bad-id");
	assert_string_equal(d.items[1].msg, "'4 .1' is not a usable id (criterion #2 in the array)");
	assert_int_equal(d.items[1].line, 2);
	assert_int_equal(d.items[1].col, 5);
	assert_non_null(strstr(d.items[1].hint, "32"));
	diag_list_free(&d);
}

static void test_check_values(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const profile_t *p = profile_builtin("rgesn-2024");
	assert_true(ref_check_priority(&d, p, "f", 1, 1, "c", "Prioritaire"));
	assert_true(ref_check_priority(&d, p, "f", 1, 1, "c", "recommande"));
	assert_true(ref_check_difficulty(&d, p, "f", 1, 1, "c", "FORT"));
	assert_int_equal(d.len, 0);
	assert_false(ref_check_priority(&d, p, "f", 3, 4, "criterion 5.1", "Urgent"));
	assert_false(ref_check_difficulty(&d, p, "f", 5, 6, "criterion 5.2", "Facile"));
	assert_int_equal(d.len, 2);
	assert_string_equal(d.items[0].rule, "ref-unknown-priority");
	assert_string_equal(d.items[0].msg, "the priority of criterion 5.1, 'Urgent', is not one of the profile's");
	assert_string_equal(d.items[0].hint, "write Prioritaire, Recommandé or Modéré (case and accents do not matter)");
	assert_string_equal(d.items[1].rule, "ref-unknown-difficulty");
	assert_string_equal(d.items[1].hint, "write Faible, Moyen or Fort (case and accents do not matter)");
	/* A profile without priorities accepts none. */
	assert_false(ref_check_priority(&d, profile_builtin("rgesn-2023"), "f", 1, 1, "c", "Prioritaire"));
	assert_string_equal(d.items[2].hint, "this profile has no priority values: leave it empty");
	diag_list_free(&d);
}

static void test_names(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	ref_section_key("Moyen de test", &b);
	assert_string_equal(buf_cstr(&b), "controle");
	buf_reset(&b);
	ref_section_key("mise en oeuvre", &b);
	assert_string_equal(buf_cstr(&b), "mise-en-oeuvre");
	buf_reset(&b);
	ref_section_key("Pour aller plus loin", &b);
	assert_string_equal(buf_cstr(&b), "pour-aller-plus-loin");
	buf_reset(&b);
	assert_string_equal(ref_default_id(profile_builtin("gbpnr"), &b), "gbpnr");
	assert_string_equal(ref_default_id(profile_builtin("rgesn-2023"), &b), "rgesn");
	assert_string_equal(ref_default_id(NULL, &b), "");
	profile_t own = {.id = "grille", .title = "Grille de l'Agence"};
	assert_string_equal(ref_default_id(&own, &b), "grille-de-l-agence");
	own.title = "";
	assert_string_equal(ref_default_id(&own, &b), "grille");
	buf_free(&b);
	assert_string_equal(referentiel_format_name(REF_RGESN_2024), "rgesn-2024 JSON");
	assert_string_equal(referentiel_format_name(REF_CSV), "CSV");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_builder_groups_and_finds),
		cmocka_unit_test(test_builder_duplicates),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_check_id),
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
