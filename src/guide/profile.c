/* profile: the built-in profiles and matching typed names against a
 * profile. Its YAML form is in profile_yaml.c. */
#include "guide/profile.h"

#include <string.h>

#include "util/fold.h"
#include "util/suggest.h"

/* The GBPNR: today's statuses in the order snapshots store them
 * (steer/status.h), credit in halves, weights 3/2/1 (changed per database
 * with `sobre weights`). */
static const profile_t gbpnr = {
	.id = "gbpnr",
	.title = "Guide de bonnes pratiques numérique responsable",
	.statuses = {
		{.name = "non évaluée", .kind = PROFILE_NOT_ASSESSED, .rank = 0},
		{.name = "non concernée", .kind = PROFILE_NOT_APPLICABLE, .justify = true, .rank = -1},
		{.name = "non engagée", .kind = PROFILE_SCORED, .credit = 0, .rank = 0},
		{.name = "planifiée", .kind = PROFILE_SCORED, .credit = 0, .rank = 1},
		{.name = "en cours", .kind = PROFILE_SCORED, .credit = 1, .rank = 2},
		{.name = "réalisée", .kind = PROFILE_SCORED, .credit = 2, .rank = 3},
	},
	.nstatuses = 6,
	.priorities = {{"Prioritaire", 3}, {"Recommandée", 2}, {"Aller plus loin", 1}},
	.npriorities = 3,
	.difficulties = {"Facile", "Moyenne", "Difficile"},
	.ndifficulties = 3,
	.credit_den = 2,
	.weight_den = 1,
	.default_weight = 1,
	.csv = {
		.id = "Id", .title = "Titre", .theme = "Thématique", .priority = "Priorité",
		.difficulty = "Difficulté", .roles = "Exemples pilotes", .indicators = "Exemples indicateurs",
	},
};

/* The RGESN's statuses, as the 2024 declaration grid names them; the
 * grid's own words (conforme, non conforme) are accepted on input. */
#define RGESN_STATUSES                                                                                            \
	.statuses = {                                                                                             \
		{.name = "à évaluer", .kind = PROFILE_NOT_ASSESSED, .rank = 0},                                   \
		{.name = "validé", .synonyms = {"conforme"}, .nsynonyms = 1, .kind = PROFILE_SCORED,             \
		 .credit = 1, .rank = 2},                                                                         \
		{.name = "en cours", .kind = PROFILE_SCORED, .credit = 0, .rank = 1},                             \
		{.name = "non validé", .synonyms = {"non conforme"}, .nsynonyms = 1, .kind = PROFILE_SCORED,     \
		 .credit = 0, .rank = 0},                                                                         \
		{.name = "non applicable", .kind = PROFILE_NOT_APPLICABLE, .justify = true, .rank = -1},          \
	},                                                                                                        \
	.nstatuses = 5, .credit_den = 1

#define RGESN_CSV                                                                                                 \
	.csv = {                                                                                                  \
		.id = "Numéro", .theme = "Thématique", .title = "Critère", .priority = "Priorité",              \
		.difficulty = "Difficulté", .roles = "Métiers", .applicability = "Cible",                       \
		.sections = {"Objectif", "Mise en œuvre", "Moyen de test"},                                       \
		.section_titles = {"Objectif", "Mise en œuvre", "Moyen de test"}, .nsections = 3,                 \
	}

/* RGESN 2024: weights 1.5, 1.25 and 1, kept exact as quarters. */
static const profile_t rgesn_2024 = {
	.id = "rgesn-2024",
	.title = "Référentiel général d'écoconception de services numériques (2024)",
	RGESN_STATUSES,
	.priorities = {{"Prioritaire", 6}, {"Recommandé", 5}, {"Modéré", 4}},
	.npriorities = 3,
	.difficulties = {"Faible", "Moyen", "Fort"},
	.ndifficulties = 3,
	.weight_den = 4,
	.default_weight = 4,
	RGESN_CSV,
};

/* RGESN 2022-2023: no priorities, every criterion weighs 1. */
static const profile_t rgesn_2023 = {
	.id = "rgesn-2023",
	.title = "Référentiel général d'écoconception de services numériques (2022-2023)",
	RGESN_STATUSES,
	.weight_den = 1,
	.default_weight = 1,
	RGESN_CSV,
};

const profile_t *profile_builtin(const char *id)
{
	static const profile_t *const all[] = {&gbpnr, &rgesn_2024, &rgesn_2023};
	for (size_t i = 0; id && i < sizeof all / sizeof *all; i++)
		if (strcmp(all[i]->id, id) == 0)
			return all[i];
	return NULL;
}

/* Index of the name in names (folded comparison), or -1. */
static int match(const char *input, const char *const *names, size_t n)
{
	for (size_t i = 0; input && i < n; i++)
		if (fold_equal(input, names[i]))
			return (int)i;
	return -1;
}

int profile_status_parse(const profile_t *p, const char *input, const char **suggestion)
{
	if (suggestion)
		*suggestion = NULL;
	for (size_t i = 0; input && i < p->nstatuses; i++) {
		const profile_status_t *st = &p->statuses[i];
		if (fold_equal(input, st->name) || match(input, st->synonyms, st->nsynonyms) >= 0)
			return (int)i;
	}
	if (!suggestion || !input)
		return -1;
	/* Synonyms are candidates too ("non conforem" is a typo of the grid's
	 * "non conforme"), but the suggestion is always the canonical name. */
	buf_t key = BUF_INIT;
	fold_key(input, &key);
	if (key.len) {
		enum { MAX_NAMES = PROFILE_MAX_STATUSES * (PROFILE_MAX_SYNONYMS + 1) };
		buf_t keys[MAX_NAMES];
		const char *cands[MAX_NAMES];
		size_t owner[MAX_NAMES], n = 0;
		for (size_t i = 0; i < p->nstatuses; i++)
			for (size_t j = 0; j <= p->statuses[i].nsynonyms; j++) {
				keys[n] = (buf_t)BUF_INIT;
				fold_key(j ? p->statuses[i].synonyms[j - 1] : p->statuses[i].name, &keys[n]);
				cands[n] = buf_cstr(&keys[n]);
				owner[n++] = i;
			}
		const char *best = suggest_closest(buf_cstr(&key), cands, n);
		for (size_t i = 0; i < n; i++) {
			if (best && best == cands[i])
				*suggestion = p->statuses[owner[i]].name;
			buf_free(&keys[i]);
		}
	}
	buf_free(&key);
	return -1;
}

int profile_priority_parse(const profile_t *p, const char *name)
{
	for (size_t i = 0; name && i < p->npriorities; i++)
		if (fold_equal(name, p->priorities[i].name))
			return (int)i;
	return -1;
}

int profile_difficulty_parse(const profile_t *p, const char *name)
{
	return match(name, p->difficulties, p->ndifficulties);
}

void profile_status_list(const profile_t *p, buf_t *out)
{
	for (size_t i = 0; i < p->nstatuses; i++) {
		if (i)
			buf_puts(out, ", ");
		buf_puts(out, p->statuses[i].name);
	}
}

int profile_not_applicable(const profile_t *p)
{
	for (size_t i = 0; i < p->nstatuses; i++)
		if (p->statuses[i].kind == PROFILE_NOT_APPLICABLE)
			return (int)i;
	return -1;
}
