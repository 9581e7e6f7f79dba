/* Tests for guide/ref_json, on small texts: the shape of each JSON source,
 * each reader's fields (RGESN 2024 and 2022-2023, the guide's export,
 * NumEcoDiag's), extra fields ignored, bad items reported at their
 * position and left out, and yaml's syntax errors put in JSON's words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "guide/ref_json.h"
#include "guide/yaml.h"

static value_t *tree(const char *json)
{
	diag_list_t d = DIAG_LIST_INIT;
	value_t *v = yaml_parse("t.json", json, strlen(json), 0, &d);
	assert_non_null(v);
	assert_int_equal(d.len, 0);
	return v;
}

static int shape(const char *json)
{
	value_t *v = tree(json);
	int f = ref_json_shape(v);
	value_free(v);
	return f;
}

/* Reads json as format with its built-in profile; diagnostics go to d. */
static referentiel_t *read_json(referentiel_format_t format, const char *profile, const char *json, diag_list_t *d)
{
	value_t *v = tree(json);
	ref_builder_t b;
	ref_build_start(&b, format, "t.json", profile_builtin(profile), d);
	ref_json_read(&b, v);
	value_free(v);
	return ref_build_finish(&b);
}

static void test_shape(void **state)
{
	(void)state;
	assert_int_equal(shape("[{\"numero\": \"1.1\", \"priorite\": \"Modéré\"}]"), REF_RGESN_2024);
	assert_int_equal(shape("[{\"numero\": \"1.1\"}, {\"numero\": \"1.2\", \"priorite\": \"x\"}]"), REF_RGESN_2024);
	assert_int_equal(shape("[{\"numero\": \"1.1\", \"critere\": \"q\"}]"), REF_RGESN_2023);
	assert_int_equal(shape("[]"), REF_RGESN_2024);
	assert_int_equal(shape("[1, \"x\"]"), -1);
	assert_int_equal(shape("[{\"id\": \"1.1\"}]"), -1);
	assert_int_equal(shape("{\"title\": \"t\", \"criteres\": []}"), REF_NUMECODIAG);
	assert_int_equal(shape("{\"thematiques\": []}"), REF_EXPORT_JSON);
	assert_int_equal(shape("{\"questions\": []}"), -1);
	assert_int_equal(shape("\"texte\""), -1);
	assert_int_equal(ref_json_shape(NULL), -1);
}

static const char rgesn_2024[] =
	"[\n"
	"  {\"numero\": \"2.1\", \"thematique\": \"UX/UI\", \"critere\": \"Les vidéos attendent-elles un clic ?\",\n"
	"   \"difficulte\": \"Faible\", \"priorite\": \"Prioritaire\", \"cible\": \"N/A sans vidéo\",\n"
	"   \"metiers\": \"Designer , Développeur\", \"objectif\": \"Moins d'octets.\", \"miseEnOeuvre\": \"- désactiver\",\n"
	"   \"controle\": \"Ouvrir la page.\", \"ajout\": {\"futur\": true}},\n"
	"  {\"numero\": \"1.1\", \"thematique\": \"Stratégie\", \"critere\": \"Le service a-t-il une raison d'être ?\",\n"
	"   \"difficulte\": \"moyen\", \"priorite\": \"Modéré\", \"cible\": \"applicable a tous les services\",\n"
	"   \"metiers\": \"\", \"objectif\": \"\", \"miseEnOeuvre\": \"\", \"controle\": \"\"},\n"
	"  {\"numero\": \"2.2\", \"thematique\": \"UX / UI\", \"critere\": \"Le défilement est-il fini ?\",\n"
	"   \"difficulte\": \"Fort\", \"priorite\": \"Recommandé\", \"cible\": \"Applicable à tous les services\",\n"
	"   \"metiers\": \"Designer\", \"objectif\": \"o\", \"miseEnOeuvre\": \"m\", \"controle\": \"c\"}\n"
	"]\n";

static void test_rgesn_2024(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	referentiel_t *r = read_json(REF_RGESN_2024, "rgesn-2024", rgesn_2024, &d);
	assert_int_equal(d.len, 0);
	assert_string_equal(r->id, "rgesn");
	assert_string_equal(r->version, "2024");
	assert_string_equal(r->title, "Référentiel général d'écoconception de services numériques");
	/* themes in order of first appearance, "UX / UI" the same slug as "UX/UI" */
	assert_int_equal(r->nthemes, 2);
	assert_string_equal(r->themes[0].id, "ux-ui");
	assert_string_equal(r->themes[0].title, "UX/UI");
	assert_int_equal(r->themes[0].count, 2);
	assert_string_equal(r->themes[1].id, "strategie");
	assert_int_equal(r->nitems, 3);
	const ref_item_t *it = &r->items[0];
	assert_string_equal(it->id, "2.1");
	assert_string_equal(r->items[1].id, "2.2");
	assert_string_equal(r->items[2].id, "1.1");
	assert_string_equal(it->title, "Les vidéos attendent-elles un clic ?");
	assert_string_equal(it->priority, "Prioritaire");
	assert_string_equal(it->difficulty, "Faible");
	assert_int_equal(it->line, 2);
	assert_int_equal(it->col, 15);
	assert_int_equal(it->nsections, 3);
	assert_string_equal(it->sections[0].key, "objectif");
	assert_string_equal(it->sections[1].key, "mise-en-oeuvre");
	assert_string_equal(it->sections[1].title, "Mise en œuvre");
	assert_string_equal(it->sections[1].text, "- désactiver");
	assert_string_equal(it->sections[2].key, "controle");
	assert_string_equal(it->sections[2].title, "Moyen de test");
	assert_int_equal(it->nroles, 2);
	assert_string_equal(it->roles[0], "Designer");
	assert_string_equal(it->roles[1], "Développeur");
	assert_false(it->always_applicable);
	assert_string_equal(it->applicability, "N/A sans vidéo");
	/* cible compared folded: case and accents do not matter */
	assert_true(referentiel_find(r, "1.1")->always_applicable);
	assert_true(referentiel_find(r, "2.2")->always_applicable);
	assert_int_equal(referentiel_find(r, "1.1")->nroles, 0);
	referentiel_free(r);
}

static void test_rgesn_2023(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char json[] = "[{\"numero\": \"1.1\", \"thematique\": \"Stratégie\", \"critere\": \"Utile ?\",\n"
			    "  \"objectif\": \"o\", \"miseEnOeuvre\": \"m\", \"controle\": \"c\"}]";
	referentiel_t *r = read_json(REF_RGESN_2023, "rgesn-2023", json, &d);
	assert_int_equal(d.len, 0);
	assert_string_equal(r->version, "2023");
	assert_int_equal(r->nitems, 1);
	assert_string_equal(r->items[0].priority, "");
	assert_string_equal(r->items[0].difficulty, "");
	assert_string_equal(r->items[0].applicability, "");
	assert_false(r->items[0].always_applicable);
	assert_int_equal(r->items[0].nsections, 3);
	referentiel_free(r);
}

static void test_rgesn_bad_items(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char json[] =
		"[\n"
		"  {\"numero\": \"1.1\", \"thematique\": \"S\", \"critere\": \"q\", \"objectif\": \"o\", \"miseEnOeuvre\": \"m\"},\n"
		"  {\"numero\": 1.2, \"thematique\": \"S\", \"critere\": \"q\", \"objectif\": \"o\", \"miseEnOeuvre\": \"m\", \"controle\": \"c\"},\n"
		"  {\"numero\": \"1.3\", \"thematique\": \"\", \"critere\": null, \"objectif\": \"o\", \"miseEnOeuvre\": \"m\", \"controle\": \"c\"},\n"
		"  [],\n"
		"  {\"numero\": \"1.4\", \"thematique\": \"S\", \"critere\": \"q\", \"objectif\": \"o\", \"miseEnOeuvre\": \"m\", \"controle\": \"c\"}\n"
		"]";
	referentiel_t *r = read_json(REF_RGESN_2023, "rgesn-2023", json, &d);
	assert_int_equal(r->nitems, 1);
	assert_string_equal(r->items[0].id, "1.4");
	assert_int_equal(d.len, 5);
	assert_string_equal(d.items[0].rule, "ref-missing-field");
	assert_string_equal(d.items[0].msg, "criterion 1.1 has no \"controle\"");
	assert_int_equal(d.items[0].line, 2);
	assert_int_equal(d.items[0].col, 3);
	assert_string_equal(d.items[1].rule, "ref-wrong-type");
	assert_string_equal(d.items[1].msg, "\"numero\" of criterion #2 in the array must be a string, not a number");
	assert_int_equal(d.items[1].line, 3);
	assert_int_equal(d.items[1].col, 14);
	assert_string_equal(d.items[2].msg, "\"thematique\" of criterion 1.3 is empty");
	assert_string_equal(d.items[3].msg, "criterion 1.3 has no \"critere\"");
	assert_int_equal(d.items[3].col, 50); /* at the null */
	assert_string_equal(d.items[4].msg, "criterion #4 in the array must be an object, not an array");
	referentiel_free(r);
	diag_list_free(&d);

	referentiel_t *e = read_json(REF_RGESN_2024, "rgesn-2024", "[]", &d);
	assert_int_equal(e->nitems, 0);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "ref-empty");
	referentiel_free(e);
	diag_list_free(&d);
}

static const char export_json[] =
	"{\"title\": \"Guide\", \"version\": 2, \"updated_at\": \"2026-01-15\", \"url\": \"https://x.test/\",\n"
	" \"thematiques\": [\n"
	"  {\"id\": \"a.\", \"titre\": \"Énergie\", \"description\": \"<p>x</p>\", \"bonnesPratiques\": [\n"
	"    {\"id\": \"a.1\", \"titre\": \"Éteindre\", \"priorite\": \"Prioritaire\", \"difficulte\": \"Facile\",\n"
	"     \"pilotes\": [\"DSI\", \"Services généraux\"], \"indicateurs\": [\"Part (%)\"], \"url\": \"https://x.test/a1/\"},\n"
	"    {\"id\": \"a.2\", \"titre\": \"Veille\", \"priorite\": \"Recommandée\", \"difficulte\": \"Moyenne\",\n"
	"     \"pilotes\": [\"DSI\", 3], \"indicateurs\": []}]},\n"
	"  {\"id\": \"b.\", \"titre\": \"Achats\", \"bonnesPratiques\": [\n"
	"    {\"id\": \"b.1\", \"titre\": \"Reconditionné\", \"priorite\": \"Aller plus loin\", \"difficulte\": \"Difficile\"}]}]}";

static void test_export(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	referentiel_t *r = read_json(REF_EXPORT_JSON, "gbpnr", export_json, &d);
	assert_string_equal(r->id, "gbpnr");
	assert_string_equal(r->title, "Guide");
	assert_string_equal(r->version, "2"); /* a number as text */
	assert_string_equal(r->date, "2026-01-15");
	assert_int_equal(r->nthemes, 2);
	assert_string_equal(r->themes[0].id, "a.");
	assert_string_equal(r->themes[1].title, "Achats");
	assert_int_equal(r->nitems, 2);
	const ref_item_t *a1 = referentiel_find(r, "a.1");
	assert_non_null(a1);
	assert_int_equal(a1->nroles, 2);
	assert_string_equal(a1->roles[1], "Services généraux");
	assert_int_equal(a1->nindicators, 1);
	assert_string_equal(a1->url, "https://x.test/a1/");
	assert_int_equal(a1->nsections, 0);
	assert_string_equal(referentiel_find(r, "b.1")->url, "");
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "item 2 of \"pilotes\" of practice a.2 must be a string, not a number");
	assert_int_equal(d.items[0].line, 7);
	referentiel_free(r);
	diag_list_free(&d);
}

static void test_numecodiag(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char json[] = "{\"title\": \"RGESN\", \"version\": \"v1\", \"updated_at\": \"2022-11-29\", \"author\": {},\n"
			    " \"criteres\": [{\"id\": \"1.1\", \"url\": \"https://x.test/1.1/\", \"critere\": \"Utile ?\",\n"
			    "   \"thematique\": \"Stratégie\"}, {\"id\": \"4.1\", \"critere\": \"Bas débit ?\", \"thematique\": "
			    "\"UX/UI\"}]}";
	referentiel_t *r = read_json(REF_NUMECODIAG, "rgesn-2023", json, &d);
	assert_int_equal(d.len, 0);
	assert_string_equal(r->id, "rgesn");
	assert_string_equal(r->version, "v1");
	assert_int_equal(r->nitems, 2);
	assert_string_equal(r->items[0].url, "https://x.test/1.1/");
	assert_string_equal(r->items[1].url, "");
	assert_string_equal(r->themes[1].id, "ux-ui");
	referentiel_free(r);

	r = read_json(REF_NUMECODIAG, "rgesn-2023", "{\"criteres\": {}}", &d);
	assert_int_equal(r->nitems, 0);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "\"criteres\" of the file must be an array, not an object");
	referentiel_free(r);
	diag_list_free(&d);
}

static void test_syntax_words(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	diag_add(&d, DIAG_ERROR, "other", 1, 1, "yaml-syntax", "invalid YAML: before");
	size_t from = d.len;
	const char bad[] = "[\n {\"a\": 1 \"b\": 2}\n]";
	assert_null(yaml_parse("t.json", bad, sizeof bad - 1, 0, &d));
	const char dup[] = "{\"a\": 1, \"a\": 2}";
	assert_null(yaml_parse("t.json", dup, sizeof dup - 1, 0, &d));
	ref_json_syntax_diags(&d, from);
	assert_string_equal(d.items[0].rule, "yaml-syntax"); /* before from: untouched */
	assert_string_equal(d.items[1].rule, "json-syntax");
	assert_int_equal(d.items[1].line, 2);
	assert_string_equal(d.items[1].msg, "invalid JSON: missing comma in flow mapping");
	assert_non_null(strstr(d.items[1].hint, "JSON wants"));
	assert_string_equal(d.items[2].rule, "json-syntax");
	assert_string_equal(d.items[2].msg, "duplicate key 'a' in mapping");
	assert_string_equal(d.items[2].hint, "keep one of the two: an object has each key once");
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_rgesn_2024),
		cmocka_unit_test(test_rgesn_2023),
		cmocka_unit_test(test_rgesn_bad_items),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_numecodiag),
		cmocka_unit_test(test_syntax_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
