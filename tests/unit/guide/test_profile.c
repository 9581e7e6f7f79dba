/* Tests for guide/profile: the built-in profiles (GBPNR, RGESN 2024 and
 * 2022-2023) and typed names matched against them; the YAML format
 * (profile_parse, profile_load, profile_format): exact decimals, default
 * ranks, quoting, the round trip of the built-ins and of the documented
 * example, the limits, and every mistake with its line:col and rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guide/profile.h"

static const char FILE_NAME[] = "grille.yaml";

/* The example of docs/referentiels.md, key for key. */
static const char EXAMPLE[] =
	"id: grille-interne\n"
	"title: Grille numérique responsable de la Ville\n"
	"statuses:\n"
	"  - {name: à faire, kind: not-assessed}\n"
	"  - {name: fait, credit: 1, synonyms: [ok, terminé]}\n"
	"  - {name: partiel, credit: 0.5}\n"
	"  - {name: pas commencé, credit: 0}\n"
	"  - {name: non concerné, kind: not-applicable, justify: true}\n"
	"priorities:\n"
	"  - {name: Haute, weight: 2}\n"
	"  - {name: Normale, weight: 1}\n"
	"  - {name: Basse, weight: 0.5}\n"
	"default-weight: 1\n"
	"difficulties: [Facile, Moyenne, Difficile]\n"
	"csv:\n"
	"  id: Réf\n"
	"  theme: Thème\n"
	"  title: Intitulé\n"
	"  priority: Priorité\n"
	"  difficulty: Difficulté\n"
	"  roles: Porteurs\n"
	"  indicators: Indicateurs\n"
	"  applicability: Champ\n"
	"  sections: [Description, {column: Preuve, title: Comment le vérifier}]\n";

static void print_diags(const diag_list_t *d, buf_t *out)
{
	for (size_t i = 0; i < d->len; i++)
		diag_format_text(&d->items[i], out);
}

/* src must parse without any diagnostic. */
static profile_t *parse_ok(const char *src)
{
	diag_list_t d = DIAG_LIST_INIT;
	profile_t *p = profile_parse(FILE_NAME, src, strlen(src), &d);
	if (!p || d.len) {
		buf_t b = BUF_INIT;
		print_diags(&d, &b);
		fail_msg("parse failed:\n%s\n%s", src, buf_cstr(&b));
	}
	diag_list_free(&d);
	return p;
}

/* src must be refused with an error of rule at line:col (among others
 * when the file has several mistakes); text, when given, is part of its
 * message or its hint. */
static void parse_bad(const char *src, int line, int col, const char *rule, const char *text)
{
	diag_list_t d = DIAG_LIST_INIT;
	profile_t *p = profile_parse(FILE_NAME, src, strlen(src), &d);
	buf_t all = BUF_INIT;
	print_diags(&d, &all);
	if (p)
		fail_msg("should have been refused (%s):\n%s", rule, src);
	const diag_t *hit = NULL;
	for (size_t i = 0; i < d.len && !hit; i++) {
		const diag_t *g = &d.items[i];
		if (strcmp(g->rule, rule) == 0 && g->line == line && g->col == col &&
		    (!text || strstr(g->msg, text) || (g->hint && strstr(g->hint, text))))
			hit = g;
	}
	if (!hit)
		fail_msg("no %s at %d:%d%s%s in:\n%s", rule, line, col, text ? " saying " : "", text ? text : "",
			 buf_cstr(&all));
	assert_int_equal(hit->sev, DIAG_ERROR);
	assert_string_equal(hit->file, FILE_NAME);
	buf_free(&all);
	diag_list_free(&d);
}

/* Field by field: what "the same profile" means for the round trip. */
static void assert_same(const profile_t *a, const profile_t *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->title, b->title);
	assert_int_equal(a->nstatuses, b->nstatuses);
	for (size_t i = 0; i < a->nstatuses; i++) {
		const profile_status_t *x = &a->statuses[i], *y = &b->statuses[i];
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->credit, y->credit);
		assert_int_equal(x->justify, y->justify);
		assert_int_equal(x->rank, y->rank);
		assert_int_equal(x->nsynonyms, y->nsynonyms);
		for (size_t j = 0; j < x->nsynonyms; j++)
			assert_string_equal(x->synonyms[j], y->synonyms[j]);
	}
	assert_int_equal(a->npriorities, b->npriorities);
	for (size_t i = 0; i < a->npriorities; i++) {
		assert_string_equal(a->priorities[i].name, b->priorities[i].name);
		assert_int_equal(a->priorities[i].weight, b->priorities[i].weight);
	}
	assert_int_equal(a->ndifficulties, b->ndifficulties);
	for (size_t i = 0; i < a->ndifficulties; i++)
		assert_string_equal(a->difficulties[i], b->difficulties[i]);
	assert_int_equal(a->credit_den, b->credit_den);
	assert_int_equal(a->weight_den, b->weight_den);
	assert_int_equal(a->default_weight, b->default_weight);
	const char *const ca[] = {a->csv.id, a->csv.theme, a->csv.title, a->csv.priority, a->csv.difficulty,
				  a->csv.roles, a->csv.indicators, a->csv.applicability};
	const char *const cb[] = {b->csv.id, b->csv.theme, b->csv.title, b->csv.priority, b->csv.difficulty,
				  b->csv.roles, b->csv.indicators, b->csv.applicability};
	for (size_t i = 0; i < sizeof ca / sizeof *ca; i++) {
		assert_int_equal(ca[i] == NULL, cb[i] == NULL);
		if (ca[i])
			assert_string_equal(ca[i], cb[i]);
	}
	assert_int_equal(a->csv.nsections, b->csv.nsections);
	for (size_t i = 0; i < a->csv.nsections; i++) {
		assert_string_equal(a->csv.sections[i], b->csv.sections[i]);
		assert_string_equal(a->csv.section_titles[i], b->csv.section_titles[i]);
	}
}

/* p written as YAML, read back: the same profile, and the same text when
 * written again. Returns the text (caller frees). */
static char *round_trip(const profile_t *p)
{
	buf_t y = BUF_INIT;
	profile_format(p, &y);
	profile_t *q = parse_ok(buf_cstr(&y));
	assert_same(p, q);
	buf_t again = BUF_INIT;
	profile_format(q, &again);
	assert_string_equal(buf_cstr(&y), buf_cstr(&again));
	buf_free(&again);
	profile_free(q);
	return buf_detach(&y);
}

/* ---- the built-ins ---- */

static void test_builtins(void **state)
{
	(void)state;
	const profile_t *g = profile_builtin("gbpnr"), *r = profile_builtin("rgesn-2024"),
			*o = profile_builtin("rgesn-2023");
	assert_non_null(g);
	assert_non_null(r);
	assert_non_null(o);
	assert_null(profile_builtin("rgesn"));
	assert_null(profile_builtin(NULL));
	assert_int_equal(profile_not_applicable(g), 1);
	assert_int_equal(profile_not_applicable(r), 4);
	buf_t b = BUF_INIT;
	profile_status_list(r, &b);
	assert_string_equal(buf_cstr(&b), "à évaluer, validé, en cours, non validé, non applicable");
	buf_free(&b);
	/* RGESN 2024: 1.5, 1.25 and 1 as quarters; 2023: every item weighs 1. */
	assert_int_equal(r->weight_den, 4);
	assert_int_equal(r->priorities[0].weight, 6);
	assert_int_equal(r->priorities[1].weight, 5);
	assert_int_equal(r->priorities[2].weight, 4);
	assert_int_equal(o->npriorities, 0);
	assert_int_equal(o->default_weight, o->weight_den);
}

static void test_status_input(void **state)
{
	(void)state;
	const profile_t *r = profile_builtin("rgesn-2024");
	const char *sugg = "unset";
	static const struct {
		const char *typed;
		int want;
	} rgesn[] = {
		{"validé", 1},        {"valide", 1},        {"VALIDÉ", 1},       {"Validé", 1},
		{"conforme", 1},      {"Conforme", 1},      {"non validé", 3},   {"non valide", 3},
		{"non conforme", 3},  {"Non-Conforme", 3},  {"non_conforme", 3}, {"à évaluer", 0},
		{"a evaluer", 0},     {"A ÉVALUER", 0},     {"en cours", 2},     {"En-Cours", 2},
		{"non applicable", 4}, {" Non  applicable ", 4},
	};
	for (size_t i = 0; i < sizeof rgesn / sizeof *rgesn; i++) {
		int got = profile_status_parse(r, rgesn[i].typed, &sugg);
		if (got != rgesn[i].want)
			fail_msg("'%s': status %d, expected %d", rgesn[i].typed, got, rgesn[i].want);
		assert_null(sugg);
	}
	/* A typo: the closest canonical name, never a synonym. */
	assert_int_equal(profile_status_parse(r, "valdé", &sugg), -1);
	assert_string_equal(sugg, "validé");
	/* A typo of a synonym suggests its status. */
	assert_int_equal(profile_status_parse(r, "non conforem", &sugg), -1);
	assert_string_equal(sugg, "non validé");
	assert_int_equal(profile_status_parse(r, "conforem", &sugg), -1);
	assert_string_equal(sugg, "validé");
	assert_int_equal(profile_status_parse(r, "réalisée", &sugg), -1);
	assert_null(sugg);
	assert_int_equal(profile_status_parse(r, NULL, &sugg), -1);
	assert_int_equal(profile_status_parse(r, "validé", NULL), 1);
	/* The GBPNR's words are its own: "conforme" means nothing there. */
	const profile_t *g = profile_builtin("gbpnr");
	assert_int_equal(profile_status_parse(g, "realisee", &sugg), 5);
	assert_int_equal(profile_status_parse(g, "Réalisée", &sugg), 5);
	assert_int_equal(profile_status_parse(g, "non concernee", &sugg), 1);
	assert_int_equal(profile_status_parse(g, "conforme", &sugg), -1);
	assert_int_equal(profile_status_parse(g, "realise", &sugg), -1);
	assert_string_equal(sugg, "réalisée");
}

static void test_priority_and_difficulty_input(void **state)
{
	(void)state;
	const profile_t *r = profile_builtin("rgesn-2024"), *g = profile_builtin("gbpnr");
	/* The RGESN writes "Recommandé", the GBPNR "Recommandée": each its own. */
	assert_int_equal(profile_priority_parse(r, "Recommandé"), 1);
	assert_int_equal(profile_priority_parse(r, "recommande"), 1);
	assert_int_equal(profile_priority_parse(r, "Recommandée"), -1);
	assert_int_equal(profile_priority_parse(g, "Recommandée"), 1);
	assert_int_equal(profile_priority_parse(g, "RECOMMANDEE"), 1);
	assert_int_equal(profile_priority_parse(g, "Recommandé"), -1);
	assert_int_equal(profile_priority_parse(r, "modéré"), 2);
	assert_int_equal(profile_priority_parse(g, "aller-plus-loin"), 2);
	assert_int_equal(profile_priority_parse(profile_builtin("rgesn-2023"), "Prioritaire"), -1);
	assert_int_equal(profile_priority_parse(r, NULL), -1);
	assert_int_equal(profile_difficulty_parse(r, "moyen"), 1);
	assert_int_equal(profile_difficulty_parse(r, "Moyenne"), -1);
	assert_int_equal(profile_difficulty_parse(g, "Moyenne"), 1);
	assert_int_equal(profile_difficulty_parse(g, "difficile"), 2);
}

/* ---- YAML: reading ---- */

static void test_example(void **state)
{
	(void)state;
	profile_t *p = parse_ok(EXAMPLE);
	assert_string_equal(p->id, "grille-interne");
	assert_string_equal(p->title, "Grille numérique responsable de la Ville");
	assert_int_equal(p->nstatuses, 5);
	assert_int_equal(p->statuses[0].kind, PROFILE_NOT_ASSESSED);
	assert_int_equal(p->statuses[4].kind, PROFILE_NOT_APPLICABLE);
	assert_true(p->statuses[4].justify);
	assert_false(p->statuses[1].justify);
	/* 1 and 0.5 in halves. */
	assert_int_equal(p->credit_den, 2);
	assert_int_equal(p->statuses[1].credit, 2);
	assert_int_equal(p->statuses[2].credit, 1);
	assert_int_equal(p->statuses[3].credit, 0);
	/* Ranks by credit: pas commencé 0 (no better than à faire), partiel 1, fait 2. */
	assert_int_equal(p->statuses[0].rank, 0);
	assert_int_equal(p->statuses[3].rank, 0);
	assert_int_equal(p->statuses[2].rank, 1);
	assert_int_equal(p->statuses[1].rank, 2);
	assert_int_equal(p->statuses[4].rank, -1);
	/* 2, 1, 0.5 and the default 1 in halves. */
	assert_int_equal(p->weight_den, 2);
	assert_int_equal(p->priorities[0].weight, 4);
	assert_int_equal(p->priorities[2].weight, 1);
	assert_int_equal(p->default_weight, 2);
	assert_int_equal(profile_status_parse(p, "Terminé", NULL), 1);
	assert_int_equal(profile_status_parse(p, "OK", NULL), 1);
	assert_int_equal(profile_status_parse(p, "non concerne", NULL), 4);
	assert_int_equal(profile_priority_parse(p, "haute"), 0);
	assert_int_equal(profile_difficulty_parse(p, "moyenne"), 1);
	assert_string_equal(p->csv.id, "Réf");
	assert_string_equal(p->csv.applicability, "Champ");
	assert_int_equal(p->csv.nsections, 2);
	assert_string_equal(p->csv.sections[0], "Description");
	assert_string_equal(p->csv.section_titles[0], "Description");
	assert_string_equal(p->csv.sections[1], "Preuve");
	assert_string_equal(p->csv.section_titles[1], "Comment le vérifier");
	free(round_trip(p));
	profile_free(p);
}

/* The smallest file: what is optional gets its default. */
static void test_minimal(void **state)
{
	(void)state;
	profile_t *p = parse_ok("id: g\ntitle: G\nstatuses:\n  - {name: à faire, kind: not-assessed}\n"
				"  - {name: fait, credit: 1}\n");
	assert_int_equal(p->npriorities, 0);
	assert_int_equal(p->ndifficulties, 0);
	assert_int_equal(p->credit_den, 1);
	assert_int_equal(p->weight_den, 1);
	assert_int_equal(p->default_weight, 1);
	assert_int_equal(p->statuses[1].rank, 1); /* its credit is above 0: progress over "à faire" */
	assert_int_equal(profile_not_applicable(p), -1);
	assert_null(p->csv.id);
	assert_int_equal(p->csv.nsections, 0);
	char *y = round_trip(p);
	assert_null(strstr(y, "csv"));
	assert_null(strstr(y, "priorities"));
	free(y);
	profile_free(p);
}

static void test_exact_decimals(void **state)
{
	(void)state;
	static const struct {
		const char *credits; /* of the second and third statuses */
		unsigned den, c1, c2;
	} cases[] = {
		{"1, 0.5", 2, 2, 1},     {"1, 0.25", 4, 4, 1},   {"1, 0.125", 8, 8, 1},
		{"1, 0.1", 10, 10, 1},   {"1, 0.001", 1000, 1000, 1}, {"0.75, 0.5", 4, 3, 2},
		{"1, 0.333", 1000, 1000, 333}, {"1, 1.000", 1, 1, 1}, {"0.2, 0", 5, 1, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char src[512];
		char a[16], b[16];
		sscanf(cases[i].credits, "%15[^,], %15s", a, b);
		snprintf(src, sizeof src,
			 "id: g\ntitle: G\nstatuses:\n  - {name: x, kind: not-assessed}\n"
			 "  - {name: a, credit: %s}\n  - {name: b, credit: %s}\n",
			 a, b);
		profile_t *p = parse_ok(src);
		if (p->credit_den != cases[i].den || p->statuses[1].credit != cases[i].c1 ||
		    p->statuses[2].credit != cases[i].c2)
			fail_msg("credits %s: %u/%u and %u/%u, expected %u/%u and %u/%u", cases[i].credits,
				 p->statuses[1].credit, p->credit_den, p->statuses[2].credit, p->credit_den, cases[i].c1,
				 cases[i].den, cases[i].c2, cases[i].den);
		free(round_trip(p));
		profile_free(p);
	}
	/* Weights: the RGESN's, then the largest and the finest allowed. */
	profile_t *p = parse_ok("id: g\ntitle: G\nstatuses: [{name: x, kind: not-assessed}, {name: y, credit: 1}]\n"
				"priorities: [{name: P, weight: 1.5}, {name: R, weight: 1.25}, {name: M, weight: 1}]\n");
	assert_int_equal(p->weight_den, 4);
	assert_int_equal(p->priorities[0].weight, 6);
	assert_int_equal(p->priorities[1].weight, 5);
	assert_int_equal(p->priorities[2].weight, 4);
	assert_int_equal(p->default_weight, 4);
	profile_free(p);
	p = parse_ok("id: g\ntitle: G\nstatuses: [{name: x, kind: not-assessed}, {name: y, credit: 1}]\n"
		     "priorities: [{name: P, weight: 100}, {name: R, weight: 0.001}, {name: Z, weight: 0}]\n"
		     "default-weight: 2.5\n");
	assert_int_equal(p->weight_den, 1000);
	assert_int_equal(p->priorities[0].weight, 100000);
	assert_int_equal(p->priorities[1].weight, 1);
	assert_int_equal(p->priorities[2].weight, 0);
	assert_int_equal(p->default_weight, 2500);
	char *y = round_trip(p);
	assert_non_null(strstr(y, "default-weight: 2.5\n"));
	assert_non_null(strstr(y, "weight: 0.001}"));
	free(y);
	profile_free(p);
}

static void test_explicit_ranks(void **state)
{
	(void)state;
	/* The RGESN's order: "en cours" (credit 0) is progress over "non validé". */
	profile_t *p = parse_ok("id: g\ntitle: G\nstatuses:\n  - {name: à évaluer, kind: not-assessed}\n"
				"  - {name: validé, credit: 1, rank: 2}\n  - {name: en cours, credit: 0, rank: 1}\n"
				"  - {name: non validé, credit: 0, rank: 0}\n");
	assert_int_equal(p->statuses[1].rank, 2);
	assert_int_equal(p->statuses[2].rank, 1);
	assert_int_equal(p->statuses[3].rank, 0);
	char *y = round_trip(p);
	assert_non_null(strstr(y, "rank: 1"));
	free(y);
	profile_free(p);
	/* Without ranks, equal credits rank in the order listed. */
	p = parse_ok("id: g\ntitle: G\nstatuses:\n  - {name: x, kind: not-assessed}\n"
		     "  - {name: a, credit: 0}\n  - {name: b, credit: 0}\n  - {name: c, credit: 1}\n");
	assert_int_equal(p->statuses[1].rank, 0);
	assert_int_equal(p->statuses[2].rank, 1);
	assert_int_equal(p->statuses[3].rank, 2);
	y = round_trip(p);
	assert_null(strstr(y, "rank"));
	free(y);
	profile_free(p);
}

static void test_builtins_round_trip(void **state)
{
	(void)state;
	static const char *const ids[] = {"gbpnr", "rgesn-2024", "rgesn-2023"};
	for (size_t i = 0; i < 3; i++) {
		char *y = round_trip(profile_builtin(ids[i]));
		assert_non_null(strstr(y, ids[i]));
		free(y);
	}
	char *y = round_trip(profile_builtin("gbpnr"));
	assert_non_null(strstr(y, "  - {name: en cours, credit: 0.5}\n"));
	assert_null(strstr(y, "rank"));
	free(y);
	y = round_trip(profile_builtin("rgesn-2024"));
	assert_non_null(strstr(y, "  - {name: validé, credit: 1, rank: 2, synonyms: [conforme]}\n"));
	assert_non_null(strstr(y, "  - {name: Recommandé, weight: 1.25}\n"));
	assert_non_null(strstr(y, "  sections: [Objectif, Mise en œuvre, Moyen de test]\n"));
	free(y);
}

/* Names YAML would read as something else are quoted, and come back. */
static void test_quoting(void **state)
{
	(void)state;
	static const char *const names[] = {
		"true", "No", "null", "1", "0.5", "- x", "a: b", "a #b", "[x]", "{x}", "x, y", "'x'", "\"x\"",
		"a\\b", "« Haute »", "l’état", "&x", "*x", "!x", "%x", "@x", "`x`", "?x", "|x", ">x", "~",
		"Éléments", "A  B",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		profile_t *p = parse_ok("id: g\ntitle: G\nstatuses: [{name: x0, kind: not-assessed}, {name: x1, credit: 1}]\n");
		p->statuses[1].name = names[i]; /* a name from elsewhere: static, not the arena's */
		p->title = names[i];
		buf_t y = BUF_INIT;
		profile_format(p, &y);
		diag_list_t d = DIAG_LIST_INIT;
		profile_t *q = profile_parse(FILE_NAME, y.ptr, y.len, &d);
		if (!q) {
			buf_t b = BUF_INIT;
			print_diags(&d, &b);
			fail_msg("'%s' did not come back:\n%s\n%s", names[i], buf_cstr(&y), buf_cstr(&b));
		}
		assert_string_equal(q->statuses[1].name, names[i]);
		assert_string_equal(q->title, names[i]);
		profile_free(q);
		diag_list_free(&d);
		buf_free(&y);
		profile_free(p);
	}
}

/* ---- YAML: mistakes, each where it is ---- */

#define HEAD "id: g\ntitle: G\n"
#define STATUSES "statuses:\n  - {name: à faire, kind: not-assessed}\n  - {name: fait, credit: 1}\n"

static void test_unknown_keys(void **state)
{
	(void)state;
	parse_bad(HEAD STATUSES "statuts: []\n", 6, 1, "profile-unknown-key", "did you mean 'statuses'?");
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: fait, credt: 1}\n", 5, 18,
		  "profile-unknown-key", "did you mean 'credit'?");
	parse_bad(HEAD STATUSES "priorities:\n  - {name: Haute, poids: 2}\n", 7, 19, "profile-unknown-key",
		  "the keys of a priority are: name, weight");
	parse_bad(HEAD STATUSES "csv:\n  id: Réf\n  title: Intitulé\n  themes: Thème\n", 9, 3, "profile-unknown-key",
		  "did you mean 'theme'?");
	parse_bad(HEAD STATUSES "csv: {id: a, title: b, sections: [{column: c, titre: d}]}\n", 6, 47,
		  "profile-unknown-key", "did you mean 'title'?");
	/* A quoted key is found too. */
	parse_bad(HEAD STATUSES "\"defaut-weight\": 1\n", 6, 1, "profile-unknown-key", "did you mean 'default-weight'?");
}

static void test_missing_keys(void **state)
{
	(void)state;
	parse_bad("title: G\n" STATUSES, 1, 1, "profile-missing-key", "add 'id:");
	parse_bad("id: g\n" STATUSES, 1, 1, "profile-missing-key", "add 'title:");
	parse_bad(HEAD, 1, 1, "profile-missing-key", "add 'statuses:'");
	parse_bad(HEAD "statuses:\n  - {kind: not-assessed}\n  - {name: fait, credit: 1}\n", 4, 5, "profile-missing-key",
		  "add 'name:");
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: fait}\n", 5, 5, "profile-missing-key",
		  "credit: 1");
	parse_bad(HEAD STATUSES "priorities: [{name: Haute}]\n", 6, 14, "profile-missing-key", "weight: 1");
	parse_bad(HEAD STATUSES "priorities: [{weight: 1}]\n", 6, 14, "profile-missing-key", "has no name");
	parse_bad(HEAD STATUSES "priorities: [{}]\n", 6, 14, "profile-missing-key", "a priority has no weight");
	parse_bad(HEAD STATUSES "csv: {id: Réf}\n", 6, 6, "profile-missing-key", "add 'title:");
	parse_bad(HEAD STATUSES "csv: {title: T, sections: [{title: x}]}\n", 6, 28, "profile-missing-key", "column:");
	/* Nothing at all, or not a mapping. */
	parse_bad("", 1, 1, "profile-wrong-type", "a profile is a mapping");
	parse_bad("- a\n- b\n", 1, 1, "profile-wrong-type", NULL);
}

static void test_status_kinds(void **state)
{
	(void)state;
	parse_bad(HEAD "statuses:\n  - {name: fait, credit: 1}\n", 4, 3, "profile-not-assessed-count",
		  "add '- {name: à faire, kind: not-assessed}'");
	parse_bad(HEAD STATUSES "  - {name: à voir, kind: not-assessed}\n", 6, 5, "profile-not-assessed-count", NULL);
	parse_bad(HEAD "statuses:\n  - {name: fait, credit: 1}\n  - {name: à faire, kind: not-assessed}\n", 5, 5,
		  "profile-not-assessed-first", "move it to the top");
	parse_bad(HEAD STATUSES "  - {name: hors champ, kind: not-applicable}\n  - {name: sans objet, kind: not-applicable}\n",
		  7, 5, "profile-not-applicable-count", "synonyms");
	parse_bad(HEAD STATUSES "  - {name: x, kind: not-asessed}\n", 6, 21, "profile-bad-kind",
		  "did you mean 'not-assessed'?");
	parse_bad(HEAD STATUSES "  - {name: x, kind: 3}\n", 6, 21, "profile-wrong-type", NULL);
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: a, credit: 0}\n", 4, 3,
		  "profile-no-credit", "credit: 1");
	/* Keys that mean nothing for that kind. */
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed, credit: 0}\n  - {name: a, credit: 1}\n", 4, 35,
		  "profile-key-not-allowed", "remove 'credit'");
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed, justify: true}\n  - {name: a, credit: 1}\n", 4,
		  35, "profile-key-not-allowed", NULL);
	parse_bad(HEAD STATUSES "  - {name: na, kind: not-applicable, credit: 0}\n", 6, 38, "profile-key-not-allowed",
		  "leaves the score");
	parse_bad(HEAD STATUSES "  - {name: na, kind: not-applicable, rank: 1}\n", 6, 38, "profile-key-not-allowed",
		  NULL);
}

static void test_ranks(void **state)
{
	(void)state;
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: a, credit: 1, rank: 1}\n"
		       "  - {name: b, credit: 0}\n",
		  6, 5, "profile-rank-partial", "or none");
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: a, credit: 1, rank: 0}\n"
		       "  - {name: b, credit: 0, rank: 1}\n",
		  5, 32, "profile-rank-order", NULL);
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: a, credit: 1, rank: 1.5}\n", 5, 32,
		  "profile-bad-number", "0, 1, 2");
	parse_bad(HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: a, credit: 1, rank: 13}\n", 5, 32,
		  "profile-out-of-range", NULL);
}

static void test_names(void **state)
{
	(void)state;
	/* Case and accents do not make two names. */
	parse_bad(HEAD STATUSES "  - {name: Fait, credit: 0.5}\n", 6, 12, "profile-duplicate-name", "(line 5)");
	parse_bad(HEAD STATUSES "  - {name: terminé, credit: 1}\n  - {name: x, credit: 0, synonyms: [Termine]}\n", 7, 37,
		  "profile-duplicate-name", NULL);
	parse_bad(HEAD STATUSES "  - {name: x, credit: 0, synonyms: [à-faire]}\n", 6, 37, "profile-duplicate-name", NULL);
	parse_bad(HEAD STATUSES "priorities: [{name: Haute, weight: 2}, {name: HAUTE, weight: 1}]\n", 6, 40,
		  "profile-duplicate-name", NULL);
	parse_bad(HEAD STATUSES "difficulties: [Facile, facile]\n", 6, 24, "profile-duplicate-name", NULL);
	/* A status may share a name with a priority: they are typed in different places. */
	profile_t *p = parse_ok(HEAD STATUSES "priorities: [{name: fait, weight: 1}]\n");
	profile_free(p);
	parse_bad(HEAD STATUSES "  - {name: \"--\", credit: 0}\n", 6, 13, "profile-bad-name", NULL);
	parse_bad(HEAD STATUSES "  - {name: \"a\\tb\", credit: 0}\n", 6, 13, "profile-bad-name", NULL);
	parse_bad(HEAD STATUSES "  - {name: 12, credit: 0}\n", 6, 12, "profile-wrong-type", "\"12\"");
	parse_bad(HEAD STATUSES "difficulties: [Facile, [x]]\n", 6, 24, "profile-wrong-type", NULL);
	parse_bad("id: g\ntitle: [G]\n" STATUSES, 2, 8, "profile-wrong-type", NULL);
	parse_bad(HEAD STATUSES "  - {name: x, credit: 0, synonyms: {a: b}}\n", 6, 36, "profile-wrong-type", NULL);
	/* One synonym may be written without a list. */
	p = parse_ok(HEAD STATUSES "  - {name: x, credit: 0, synonyms: pas fait}\n");
	assert_int_equal(profile_status_parse(p, "Pas fait", NULL), 2);
	profile_free(p);
}

static void test_ids(void **state)
{
	(void)state;
	parse_bad("id: Grille Interne\ntitle: G\n" STATUSES, 1, 5, "profile-bad-id", "'grille-interne'");
	parse_bad("id: grille--interne\ntitle: G\n" STATUSES, 1, 5, "profile-bad-id", "'grille-interne'");
	parse_bad("id: -grille\ntitle: G\n" STATUSES, 1, 5, "profile-bad-id", NULL);
	parse_bad("id: grille-\ntitle: G\n" STATUSES, 1, 5, "profile-bad-id", NULL);
	parse_bad("id: grille_interne\ntitle: G\n" STATUSES, 1, 5, "profile-bad-id", NULL);
	parse_bad("id: 2024\ntitle: G\n" STATUSES, 1, 5, "profile-wrong-type", "\"2024\"");
	profile_t *p = parse_ok("id: rgesn-2024-ville\ntitle: G\n" STATUSES);
	profile_free(p);
}

static void test_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *credit;
		int col;
		const char *rule, *hint;
	} cases[] = {
		{"1.5", 23, "profile-out-of-range", "from 0 to 1"},
		{"1.001", 23, "profile-out-of-range", NULL},
		{"-0.5", 23, "profile-bad-number", "give 0"},
		{"0.3333", 23, "profile-bad-number", "at most 3 decimals"},
		{"0.0001", 23, "profile-bad-number", NULL},
		{"1e-7", 23, "profile-bad-number", NULL},
		/* libfyaml places a quoted scalar after its opening quote. */
		{"\"0,5\"", 24, "profile-bad-number", "with a dot"},
		{"\"0.5\"", 24, "profile-wrong-type", "without quotes"},
		{".nan", 23, "profile-out-of-range", NULL},
		{".inf", 23, "profile-out-of-range", NULL},
		{"1e300", 23, "profile-out-of-range", NULL},
		{"true", 23, "profile-wrong-type", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char src[256];
		snprintf(src, sizeof src, HEAD STATUSES "  - {name: x, credit: %s}\n", cases[i].credit);
		parse_bad(src, 6, cases[i].col, cases[i].rule, cases[i].hint);
	}
	/* Between braces the comma ends the value: credit 0, then a key "5". */
	parse_bad(HEAD STATUSES "  - {name: x, credit: 0,5}\n", 6, 25, "profile-unknown-key", "decimal comma");
	parse_bad(HEAD STATUSES "  - name: x\n    credit: 0,5\n", 7, 13, "profile-bad-number", "with a dot");
	parse_bad(HEAD STATUSES "priorities: [{name: Haute, weight: 101}]\n", 6, 36, "profile-out-of-range",
		  "from 0 to 100");
	parse_bad(HEAD STATUSES "priorities: [{name: Haute, weight: 1.0005}]\n", 6, 36, "profile-bad-number", NULL);
	parse_bad(HEAD STATUSES "default-weight: -1\n", 6, 17, "profile-bad-number", NULL);
	parse_bad(HEAD STATUSES "  - {name: x, credit: 0, justify: oui}\n", 6, 35, "profile-wrong-type", "true or false");
}

/* The entry one past a count limit is refused where it is written. */
static void test_counts(void **state)
{
	(void)state;
	buf_t s = BUF_INIT;
	buf_puts(&s, HEAD "statuses:\n  - {name: s0, kind: not-assessed}\n");
	for (int i = 1; i < PROFILE_MAX_STATUSES; i++)
		buf_printf(&s, "  - {name: s%d, credit: 1}\n", i);
	profile_t *p = parse_ok(buf_cstr(&s));
	assert_int_equal(p->nstatuses, PROFILE_MAX_STATUSES);
	free(round_trip(p));
	profile_free(p);
	buf_puts(&s, "  - {name: s12, credit: 1}\n");
	parse_bad(buf_cstr(&s), 4 + PROFILE_MAX_STATUSES, 5, "profile-too-many", "at most 12 statuses");
	buf_free(&s);

	/* Synonyms, priorities, difficulties, sections: all on one line, each
	 * entry 4 columns wide ("a1, "), so the one too many is at
	 * 6:start + 4 × max. */
	static const struct {
		const char *open, *close, *item;
		size_t max;
		int start;
	} lists[] = {
		{"  - {name: x, credit: 0, synonyms: [", "]}\n", "a%d", PROFILE_MAX_SYNONYMS, 37},
		{"priorities: [", "]\n", "{name: p%d, weight: 1}", PROFILE_MAX_PRIORITIES, 14},
		{"difficulties: [", "]\n", "d%d", PROFILE_MAX_DIFFICULTIES, 16},
		{"csv: {id: i, title: t, sections: [", "]}\n", "c%d", PROFILE_MAX_SECTIONS, 35},
	};
	for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
		for (size_t n = lists[k].max; n <= lists[k].max + 1; n++) {
			buf_puts(&s, HEAD STATUSES);
			buf_puts(&s, lists[k].open);
			int col = 0;
			for (size_t i = 1; i <= n; i++) {
				if (i > 1)
					buf_puts(&s, ", ");
				if (i == lists[k].max + 1)
					col = (int)(s.len - strlen(HEAD STATUSES)) + 1;
				buf_printf(&s, lists[k].item, (int)i);
			}
			buf_puts(&s, lists[k].close);
			if (n == lists[k].max) {
				p = parse_ok(buf_cstr(&s));
				free(round_trip(p));
				profile_free(p);
			} else {
				parse_bad(buf_cstr(&s), 6, col, "profile-too-many", "at most");
			}
			buf_reset(&s);
		}
	}
	buf_free(&s);
}

/* name repeated to n bytes, as the second status's name. */
static void parse_name_of_size(const char *unit, size_t n, bool ok)
{
	buf_t s = BUF_INIT;
	buf_puts(&s, HEAD "statuses:\n  - {name: x, kind: not-assessed}\n  - {name: ");
	for (size_t i = 0; i < n; i += strlen(unit))
		buf_puts(&s, unit);
	buf_puts(&s, ", credit: 1}\n");
	if (ok)
		profile_free(parse_ok(buf_cstr(&s)));
	else
		parse_bad(buf_cstr(&s), 5, 12, "profile-bad-name", NULL);
	buf_free(&s);
}

static void test_name_and_id_limits(void **state)
{
	(void)state;
	parse_name_of_size("a", PROFILE_MAX_NAME, true);
	parse_name_of_size("é", PROFILE_MAX_NAME, true); /* 100 letters of 2 bytes */
	parse_name_of_size("a", PROFILE_MAX_NAME + 1, false);
	char src[512];
	char id[PROFILE_MAX_ID + 2];
	memset(id, 'a', sizeof id - 1);
	id[PROFILE_MAX_ID] = '\0';
	snprintf(src, sizeof src, "id: %s\ntitle: G\n" STATUSES, id);
	profile_free(parse_ok(src));
	id[PROFILE_MAX_ID] = 'a';
	id[PROFILE_MAX_ID + 1] = '\0';
	snprintf(src, sizeof src, "id: %s\ntitle: G\n" STATUSES, id);
	parse_bad(src, 1, 5, "profile-bad-name", NULL);
}

/* EXAMPLE padded with a comment to exactly size bytes. */
static char *padded(size_t size)
{
	size_t n = strlen(EXAMPLE);
	char *s = malloc(size + 1);
	assert_non_null(s);
	memcpy(s, EXAMPLE, n);
	s[n] = '#';
	memset(s + n + 1, 'x', size - n - 2);
	s[size - 1] = '\n';
	s[size] = '\0';
	return s;
}

static void test_size_limit(void **state)
{
	(void)state;
	char *s = padded(PROFILE_MAX_FILE);
	profile_free(parse_ok(s));
	free(s);
	s = padded(PROFILE_MAX_FILE + 1);
	parse_bad(s, 1, 1, "profile-too-large", NULL);
	free(s);
}

static void test_syntax_and_encoding(void **state)
{
	(void)state;
	diag_list_t d = DIAG_LIST_INIT;
	const char bad_yaml[] = HEAD "statuses: [{name: x\n";
	assert_null(profile_parse(FILE_NAME, bad_yaml, strlen(bad_yaml), &d));
	assert_true(d.len >= 1);
	assert_string_equal(d.items[0].rule, "yaml-syntax");
	diag_list_free(&d);
	const char latin1[] = HEAD "statuses:\n  - {name: \xe0 faire, kind: not-assessed}\n";
	assert_null(profile_parse(FILE_NAME, latin1, strlen(latin1), &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "not-utf8");
	assert_int_equal(d.items[0].line, 4);
	assert_int_equal(d.items[0].col, 12);
	diag_list_free(&d);
	/* Several mistakes: every one is reported, not just the first. */
	const char many[] = "id: G G\ntitle: G\nstatuses:\n  - {name: fait, credit: 2}\n  - {name: x, kind: nope}\n";
	assert_null(profile_parse(FILE_NAME, many, strlen(many), &d));
	const char *const rules[] = {"profile-bad-id", "profile-out-of-range", "profile-bad-kind",
				     "profile-not-assessed-count"};
	/* ...but not what follows from one: credit 2 is out of range, not "nothing earns". */
	for (size_t i = 0; i < d.len; i++)
		assert_string_not_equal(d.items[i].rule, "profile-no-credit");
	for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
		bool found = false;
		for (size_t i = 0; i < d.len; i++)
			found = found || strcmp(d.items[i].rule, rules[r]) == 0;
		if (!found)
			fail_msg("no %s among the %zu diagnostics", rules[r], d.len);
	}
	diag_list_free(&d);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_load(void **state)
{
	(void)state;
	char dir[] = "/tmp/sobre-profile-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], big[256], missing[256];
	snprintf(path, sizeof path, "%s/grille.yaml", dir);
	snprintf(big, sizeof big, "%s/big.yaml", dir);
	snprintf(missing, sizeof missing, "%s/none.yaml", dir);
	write_file(path, EXAMPLE, strlen(EXAMPLE));
	diag_list_t d = DIAG_LIST_INIT;
	profile_t *p = profile_load(path, &d);
	assert_non_null(p);
	assert_int_equal(d.len, 0);
	assert_string_equal(p->id, "grille-interne");
	profile_free(p);
	/* Over the limit: refused before reading (a sparse file). */
	int fd = open(big, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)PROFILE_MAX_FILE + 1), 0);
	close(fd);
	assert_null(profile_load(big, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "profile-too-large");
	assert_string_equal(d.items[0].file, big);
	diag_list_free(&d);
	assert_null(profile_load(missing, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "io-error");
	diag_list_free(&d);
	/* A mistake in a file names the file. */
	write_file(path, "id: g\n", 6);
	assert_null(profile_load(path, &d));
	assert_true(d.len >= 1);
	assert_string_equal(d.items[0].file, path);
	diag_list_free(&d);
	unlink(path);
	unlink(big);
	rmdir(dir);
}

/* The fenced block of docs/referentiels.md that starts with first, the
 * fence included ("```yaml\nid: ..."); its text without the fence (caller
 * frees). Read from the repository's root, like every unit test. */
static char *doc_block(const char *first)
{
	FILE *f = fopen("docs/referentiels.md", "rb");
	if (!f)
		fail_msg("cannot read docs/referentiels.md (run the tests from the repository's root)");
	buf_t doc = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&doc, chunk, n);
	fclose(f);
	const char *start = strstr(buf_cstr(&doc), first);
	if (!start)
		fail_msg("no block starting with '%s' in docs/referentiels.md", first);
	start = strchr(start, '\n') + 1;
	const char *end = strstr(start, "\n```\n");
	assert_non_null(end);
	char *block = strndup(start, (size_t)(end - start) + 1);
	buf_free(&doc);
	return block;
}

/* The documentation shows what the code does: its complete example is the
 * profile tested here, and its RGESN 2024 block is what profile_format
 * writes. */
static void test_docs(void **state)
{
	(void)state;
	char *block = doc_block("```yaml\n# Required: a short slug");
	profile_t *doc = parse_ok(block), *ex = parse_ok(EXAMPLE);
	assert_same(doc, ex);
	profile_free(doc);
	profile_free(ex);
	free(block);
	block = doc_block("```yaml\nid: rgesn-2024\n");
	buf_t y = BUF_INIT;
	profile_format(profile_builtin("rgesn-2024"), &y);
	assert_string_equal(block, buf_cstr(&y));
	buf_free(&y);
	free(block);
	/* The mistakes shown are the ones reported, in the CLI's order. */
	block = doc_block("```yaml\nid: Grille interne\n");
	char *shown = doc_block("```\ngrille.yaml:1:5:");
	diag_list_t d = DIAG_LIST_INIT;
	assert_null(profile_parse(FILE_NAME, block, strlen(block), &d));
	diag_sort(&d);
	print_diags(&d, &y);
	assert_string_equal(shown, buf_cstr(&y));
	diag_list_free(&d);
	buf_free(&y);
	free(shown);
	free(block);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_status_input),
		cmocka_unit_test(test_priority_and_difficulty_input),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_exact_decimals),
		cmocka_unit_test(test_explicit_ranks),
		cmocka_unit_test(test_builtins_round_trip),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_status_kinds),
		cmocka_unit_test(test_ranks),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_name_and_id_limits),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_syntax_and_encoding),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_docs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
