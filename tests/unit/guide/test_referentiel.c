/* Tests for guide/referentiel: detection of every source from files
 * (folder, .csv, the JSON shapes, and what is none of them), the refusals
 * before reading (REFERENTIEL_MAX_FILE, invalid UTF-8, a missing file),
 * loading each format, the GBPNR adapter over a loaded guide, and the real
 * RGESN 2024 file and GBPNR guide from the test data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guide/referentiel.h"
#include "util/fs.h"
#include "testdata.h"

static char root[] = "/tmp/sobre-test-ref-XXXXXX";

static const char *put(const char *rel, const char *text, size_t len)
{
	static char path[512];
	char *p = fs_join(root, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(fs_mkdirs(p), 0);
	*slash = '/';
	assert_int_equal(fs_write_atomic(p, text, len), 0);
	snprintf(path, sizeof path, "%s", p);
	free(p);
	return path;
}

static const char *puts_file(const char *rel, const char *text)
{
	return put(rel, text, strlen(text));
}

static int setup(void **state)
{
	(void)state;
	memcpy(root + strlen(root) - 6, "XXXXXX", 6);
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return fs_remove_tree(root);
}

static const char rgesn[] =
	"[\n"
	"  {\"numero\": \"1.1\", \"thematique\": \"Stratégie\", \"critere\": \"Utile ?\", \"difficulte\": \"Fort\",\n"
	"   \"priorite\": \"Prioritaire\", \"cible\": \"Applicable à tous les services\", \"metiers\": \"Porteur\",\n"
	"   \"objectif\": \"o\", \"miseEnOeuvre\": \"m\", \"controle\": \"c\"}\n"
	"]\n";

/* Detects path, expecting format (-1: refused with rule at line). */
static void assert_detect(const char *path, int format, const char *rule, int line)
{
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(referentiel_detect(path, &d), format);
	if (format >= 0) {
		assert_int_equal(d.len, 0);
	} else {
		assert_int_equal(d.len, 1);
		assert_string_equal(d.items[0].rule, rule);
		assert_string_equal(d.items[0].file, path);
		assert_int_equal(d.items[0].line, line);
	}
	diag_list_free(&d);
}

static void test_detect(void **state)
{
	(void)state;
	assert_detect(root, REF_GBPNR_FOLDER, NULL, 0);
	assert_detect(puts_file("r.json", rgesn), REF_RGESN_2024, NULL, 0);
	assert_detect(puts_file("r2023.json", "[{\"numero\": \"1.1\"}]"), REF_RGESN_2023, NULL, 0);
	assert_detect(puts_file("e.json", "{\"thematiques\": []}"), REF_EXPORT_JSON, NULL, 0);
	assert_detect(puts_file("n.json", "{\"criteres\": []}"), REF_NUMECODIAG, NULL, 0);
	/* .csv by its name, whatever it holds */
	assert_detect(puts_file("g.CSV", "[]"), REF_CSV, NULL, 0);
	/* JSON by its shape, whatever its name */
	assert_detect(puts_file("rgesn.txt", rgesn), REF_RGESN_2024, NULL, 0);
	assert_detect(puts_file("other.json", "\n{\"questions\": []}"), -1, "unknown-source", 2);
	assert_detect(puts_file("notes.txt", "quelques mots"), -1, "unknown-source", 1);
	assert_detect(puts_file("broken.json", "[\n  {\"a\": \"b\"\n"), -1, "json-syntax", 3);
	assert_detect(puts_file("blank.json", " \n\n"), -1, "ref-empty", 1);
	assert_detect(put("latin1.json", "[\"Strat\xe9gie\"]", 13), -1, "not-utf8", 1);
	char *missing = fs_join(root, "absent.json");
	assert_detect(missing, -1, "io-error", 0);
	free(missing);
}

/* REFERENTIEL_MAX_FILE: a file over 64 MiB is refused from its size, before
 * it is read; one at the limit is read (and refused for its NUL bytes). */
static void test_too_large(void **state)
{
	(void)state;
	const char *p = puts_file("huge.csv", "");
	assert_int_equal(truncate(p, (off_t)REFERENTIEL_MAX_FILE + 1), 0);
	diag_list_t d = DIAG_LIST_INIT;
	assert_null(referentiel_load(p, NULL, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "file-too-large");
	assert_string_equal(d.items[0].msg, "cannot read: larger than 64 MiB");
	diag_list_free(&d);
	assert_int_equal(truncate(p, (off_t)REFERENTIEL_MAX_FILE), 0);
	referentiel_t *r = referentiel_load(p, NULL, &d);
	assert_non_null(r);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "csv");
	assert_non_null(strstr(d.items[0].msg, "NUL byte"));
	referentiel_free(r);
	diag_list_free(&d);
	assert_int_equal(unlink(p), 0);
}

static void test_load_files(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char *p = puts_file("load/r.json", rgesn);
	referentiel_t *r = referentiel_load(p, NULL, &d);
	assert_int_equal(d.len, 0);
	assert_int_equal(r->format, REF_RGESN_2024);
	assert_string_equal(r->source, p);
	assert_string_equal(r->profile->id, "rgesn-2024");
	assert_null(r->guide);
	assert_int_equal(r->nitems, 1);
	assert_string_equal(r->items[0].file, p);
	assert_int_equal(r->items[0].line, 2);
	assert_true(r->items[0].always_applicable);
	referentiel_free(r);

	/* a profile given replaces the built-in */
	profile_t own = *profile_builtin("rgesn-2024");
	own.id = "grille";
	r = referentiel_load(p, &own, &d);
	assert_ptr_equal(r->profile, &own);
	referentiel_free(r);

	p = puts_file("load/n.json", "{\"criteres\": [{\"id\": \"1.1\", \"critere\": \"q\", \"thematique\": \"t\"}]}");
	r = referentiel_load(p, NULL, &d);
	assert_int_equal(r->format, REF_NUMECODIAG);
	assert_string_equal(r->profile->id, "rgesn-2023");
	referentiel_free(r);

	p = puts_file("load/g.csv", "Id,Titre,Thématique,Priorité,Difficulté\na.1,Un,Énergie,Prioritaire,Facile\n");
	r = referentiel_load(p, NULL, &d);
	assert_int_equal(r->format, REF_CSV);
	assert_string_equal(r->profile->id, "gbpnr");
	assert_string_equal(r->items[0].file, p);
	referentiel_free(r);
	assert_int_equal(d.len, 0);

	p = puts_file("load/x.json", "[{\"a\": 1}, 2]");
	assert_null(referentiel_load(p, NULL, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "unknown-source");
	diag_list_free(&d);
}

#define SHEET(id, title, prio, order)                                                                             \
	"---\ntitle: " title "\ntype: bpnr\nidbp: " id "\npriority: " prio "\ndifficulty: Facile\nwho:\n  - DSI\n  - Achats\n"  \
	"indicators:\n  - \"Part (%)\"\neleventyNavigation:\n  parent: energie\n  order: " order "\n---\nTexte.\n"

static void test_from_guide(void **state)
{
	(void)state;
	puts_file("guide/_data/metadata.json",
		  "{\"url\": \"https://x.test/\", \"guideBonnesPratiques\": {\"title\": \"Guide\", \"version\": \"v3\", "
		  "\"updatedAt\": \"2026-01-15\"}}");
	puts_file("guide/g/energie/index.md", "---\ntitle: Énergie\ntags: guideBpNrThematique\nidThematique: a.\neleventyNavigation:\n"
					       "  key: energie\n  order: 1\n---\nIntro.\n");
	puts_file("guide/g/energie/un.md", SHEET("a.1", "Un", "Prioritaire", "1"));
	puts_file("guide/g/energie/deux.md", SHEET("a.2", "Deux", "Recommandée", "2"));
	puts_file("guide/g/energie/copie.md", SHEET("a.1", "Copie", "Prioritaire", "3"));
	char *dir = fs_join(root, "guide");
	diag_list_t d = DIAG_LIST_INIT;
	guide_t *g = guide_load(dir, &d);
	assert_non_null(g);
	assert_int_equal(d.len, 0);
	referentiel_t *r = referentiel_from_guide(g, &d);
	assert_int_equal(d.len, 0); /* the duplicate is the guide's rules' to report */
	assert_ptr_equal(r->guide, g);
	assert_int_equal(r->format, REF_GBPNR_FOLDER);
	assert_string_equal(r->id, "gbpnr");
	assert_string_equal(r->title, "Guide");
	assert_string_equal(r->version, "v3");
	assert_string_equal(r->date, "2026-01-15");
	assert_string_equal(r->profile->id, "gbpnr");
	assert_int_equal(r->nthemes, 1);
	assert_string_equal(r->themes[0].id, "a.");
	assert_int_equal(r->nitems, 2);
	const ref_item_t *a1 = referentiel_find(r, "a.1");
	assert_string_equal(a1->title, "Un");
	assert_string_equal(a1->file, "g/energie/un.md");
	assert_int_equal(a1->line, 4);
	assert_int_equal(a1->nroles, 2);
	assert_string_equal(a1->roles[1], "Achats");
	assert_int_equal(a1->nindicators, 1);
	assert_string_equal(a1->url, "https://x.test/g/energie/un/");
	assert_int_equal(a1->nsections, 0);
	assert_false(a1->always_applicable);
	assert_string_equal(referentiel_find(r, "a.2")->priority, "Recommandée");
	referentiel_free(r); /* frees the guide too */

	r = referentiel_load(dir, NULL, &d);
	assert_non_null(r);
	assert_non_null(r->guide);
	assert_int_equal(r->nitems, 2);
	referentiel_free(r);
	free(dir);
	diag_list_free(&d);
}

/* The RGESN 2024 as the DINUM stores it: 78 criteria in 9 themes, each with
 * its three sections; the always-applicable ones counted from the file
 * itself (jansson), not from a figure written here. */
static void test_rgesn_corpus(void **state)
{
	(void)state;
	char path[4096];
	testdata_need(testdata_path(path, sizeof path, "corpus/rgesn-2024/referentiel-ecoconception.json"));
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	assert_non_null(doc);
	size_t always = 0;
	for (size_t i = 0; i < json_array_size(doc); i++) {
		const char *cible = json_string_value(json_object_get(json_array_get(doc, i), "cible"));
		always += cible && strcmp(cible, "Applicable à tous les services") == 0;
	}
	json_decref(doc);
	assert_true(always > 0);

	diag_list_t d = DIAG_LIST_INIT;
	referentiel_t *r = referentiel_load(path, NULL, &d);
	assert_non_null(r);
	assert_int_equal(d.len, 0);
	assert_int_equal(r->format, REF_RGESN_2024);
	assert_int_equal(r->nitems, 78);
	assert_int_equal(r->nthemes, 9);
	assert_string_equal(r->themes[0].id, "strategie");
	size_t counted = 0, seen = 0;
	for (size_t t = 0; t < r->nthemes; t++) {
		assert_int_equal(r->themes[t].first, seen);
		seen += r->themes[t].count;
	}
	assert_int_equal(seen, 78);
	for (size_t i = 0; i < r->nitems; i++) {
		const ref_item_t *it = &r->items[i];
		assert_int_equal(it->nsections, 3);
		assert_string_equal(it->sections[2].key, "controle");
		assert_true(*it->sections[0].text);
		assert_true(profile_priority_parse(r->profile, it->priority) >= 0);
		assert_true(profile_difficulty_parse(r->profile, it->difficulty) >= 0);
		assert_true(it->nroles > 0);
		assert_ptr_equal(referentiel_find(r, it->id), it);
		counted += it->always_applicable;
	}
	assert_int_equal(counted, always);
	referentiel_free(r);
}

static void test_gbpnr_corpus(void **state)
{
	(void)state;
	char path[4096];
	testdata_need(testdata_path(path, sizeof path, "corpus/gbpnr-v1"));
	diag_list_t d = DIAG_LIST_INIT;
	referentiel_t *r = referentiel_load(path, NULL, &d);
	assert_non_null(r);
	assert_int_equal(d.len, 0);
	assert_int_equal(r->nitems, 59);
	assert_int_equal(r->nthemes, 9);
	assert_string_equal(r->items[0].id, "a.1");
	assert_string_equal(r->items[58].id, "i.8");
	referentiel_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_from_guide),
		cmocka_unit_test(test_rgesn_corpus),
		cmocka_unit_test(test_gbpnr_corpus),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
