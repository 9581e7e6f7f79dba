/* profile: how a référentiel is assessed and scored. Owns its priority
 * values with their weights, its difficulty values in order, its status
 * vocabulary (which status means "not assessed", which "not applicable" and
 * whether that needs a justification, the credit of every other one, the
 * synonyms accepted on input) and the column names of its CSV form.
 * Built in: the GBPNR, the RGESN 2024 and the RGESN 2022-2023 edition; an
 * organisation's own grid reads one from a small YAML file
 * (docs/referentiels.md). A profile is immutable once made; built-ins are
 * static, loaded ones are freed with profile_free. */
#ifndef SOBRE_PROFILE_H
#define SOBRE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

/* Past these a profile file is refused: no grid has that many. */
#define PROFILE_MAX_STATUSES 12
#define PROFILE_MAX_PRIORITIES 8
#define PROFILE_MAX_DIFFICULTIES 8
#define PROFILE_MAX_SYNONYMS 8
#define PROFILE_MAX_SECTIONS 4
/* A profile is a page of YAML: a larger file is not one, and is refused
 * before it is read. */
#define PROFILE_MAX_FILE (64u << 10)
/* Bytes of a name (status, synonym, priority, difficulty, CSV column,
 * title) and of the id: names are typed, shown and stored on every item. */
#define PROFILE_MAX_NAME 200
#define PROFILE_MAX_ID 64
/* Largest weight of a priority (as in `sobre weights`): sums over the
 * largest référentiels stay far inside 64 bits at 1/1000 steps. */
#define PROFILE_MAX_WEIGHT 100

typedef enum {
	PROFILE_NOT_ASSESSED,   /* exactly one, the first: the default status */
	PROFILE_NOT_APPLICABLE, /* at most one: out of the score's denominator */
	PROFILE_SCORED,         /* counts with its credit */
} profile_kind_t;

typedef struct {
	const char *name;            /* canonical, as displayed and stored: "validé" */
	const char *synonyms[PROFILE_MAX_SYNONYMS]; /* also accepted on input: "conforme" */
	size_t nsynonyms;
	profile_kind_t kind;
	unsigned credit;             /* PROFILE_SCORED: in 1/credit_den of the item's weight */
	bool justify;                /* a comment is required to choose it */
	int rank;                    /* order of progress for "moved up/down"; -1: none (not applicable) */
} profile_status_t;

typedef struct {
	const char *name;            /* "Prioritaire" */
	unsigned weight;             /* in 1/weight_den */
} profile_priority_t;

/* Where each field of an item is read from in a CSV with a header row.
 * NULL: no such column. */
typedef struct {
	const char *id, *theme, *title, *priority, *difficulty, *roles, *indicators, *applicability;
	const char *sections[PROFILE_MAX_SECTIONS];       /* Markdown sections, in order... */
	const char *section_titles[PROFILE_MAX_SECTIONS]; /* ...and the heading each gets on the site */
	size_t nsections;
} profile_csv_t;

typedef struct profile {
	const char *id;              /* "gbpnr", "rgesn-2024", "rgesn-2023", or the file's */
	const char *title;
	profile_status_t statuses[PROFILE_MAX_STATUSES]; /* [0] is the not-assessed one; stored indexes */
	size_t nstatuses;
	profile_priority_t priorities[PROFILE_MAX_PRIORITIES]; /* highest first */
	size_t npriorities;
	const char *difficulties[PROFILE_MAX_DIFFICULTIES]; /* easiest first */
	size_t ndifficulties;
	unsigned credit_den;         /* GBPNR 2 (réalisée 2, en cours 1), RGESN 1 */
	unsigned weight_den;         /* GBPNR 1 (3, 2, 1), RGESN 4 (1.5, 1.25, 1 as 6, 5, 4) */
	unsigned default_weight;     /* an item without a priority (RGESN 2023: every one), in 1/weight_den */
	profile_csv_t csv;
	struct profile_arena *arena; /* NULL for built-ins: the strings of a loaded profile */
} profile_t;

/* A built-in profile by id ("gbpnr", "rgesn-2024", "rgesn-2023"), or NULL. */
const profile_t *profile_builtin(const char *id);

/* Reads a profile from YAML text (the format of docs/referentiels.md);
 * file names it in diagnostics (file:line:col, rule id, hint). NULL on any
 * error. profile_load reads a file. */
profile_t *profile_parse(const char *file, const char *src, size_t len, diag_list_t *d);
profile_t *profile_load(const char *path, diag_list_t *d);
void profile_free(profile_t *p);

/* The profile as YAML that profile_parse reads back to the same profile:
 * what the database keeps of each référentiel, so that scores keep their
 * meaning whatever later releases build in. */
void profile_format(const profile_t *p, buf_t *out);

/* The status named by typed input: its canonical name or a synonym, any
 * case, accents optional, '-' or '_' for spaces. -1 when none, with
 * *suggestion (may be NULL) set, when the input looks like a typo of a
 * name or synonym, to the canonical name of that status. */
int profile_status_parse(const profile_t *p, const char *input, const char **suggestion);
/* Index of the priority named name (same matching), or -1. */
int profile_priority_parse(const profile_t *p, const char *name);
int profile_difficulty_parse(const profile_t *p, const char *name);
/* "à évaluer, validé, en cours, non validé, non applicable" */
void profile_status_list(const profile_t *p, buf_t *out);
/* The index of the not-applicable status, or -1 when the profile has none. */
int profile_not_applicable(const profile_t *p);

#endif
