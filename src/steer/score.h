/* score: the one scoring formula (docs/scoring.md), in exact integer
 * arithmetic, for every référentiel: its profile gives the weight of each
 * priority (the GBPNR's: Prioritaire 3, Recommandée 2, Aller plus loin 1,
 * changed per database with `sobre weights`) and the credit of each status
 * in 1/credit_den (the GBPNR: réalisée 2, en cours 1 in halves); the "not
 * applicable" status leaves the denominator:
 *     score = Σ weight × credit / Σ weight × credit_den   over applicable items
 * overall and by theme, priority or pilot function; completion = assessed
 * items / all items. Rounded once, for display only. */
#ifndef SOBRE_SCORE_H
#define SOBRE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer/status.h"
#include "steer/store.h"
#include "util/buf.h"

typedef struct {
	uint64_t num, den;   /* score = num / den, both in weight × credit units */
	size_t total;        /* items counted */
	size_t applicable;   /* not the "not applicable" status */
	size_t assessed;     /* not the "not assessed" status */
	size_t by_status[PROFILE_MAX_STATUSES]; /* by index in the profile */
} score_tally_t;

void score_tally_add(score_tally_t *t, const profile_t *p, unsigned weight, status_t s);

/* num/den as tenths of a percent, rounded half-up (2/3 -> 667); -1 when den
 * is 0 (nothing applicable: no score). */
long score_tenths(uint64_t num, uint64_t den);
/* "66.7" with decimal separator sep ('.' or ','), or "—" when den is 0.
 * Integer-only: identical on every platform. */
void score_format(uint64_t num, uint64_t den, char sep, buf_t *out);

typedef enum {
	SCORE_BY_NONE,
	SCORE_BY_THEME,
	SCORE_BY_PRIORITY,
	SCORE_BY_PILOT,
} score_by_t;

/* The label of the group of practices without a pilot function. */
#define SCORE_NO_PILOT "(sans pilote)"

/* One practice as the formula sees it. Strings are borrowed. */
typedef struct {
	const char *theme_id, *theme_title;
	int priority;       /* index in the profile's priorities; -1: none (its default weight) */
	const char *pilot;  /* NULL: none */
	status_t status;
} score_item_t;

typedef struct {
	char *key, *label;  /* theme: "a." and its title; priority and pilot: the name twice */
	score_tally_t t;
} score_group_t;

typedef struct {
	const profile_t *profile; /* borrowed */
	unsigned weights[PROFILE_MAX_PRIORITIES]; /* by the profile's priority, in 1/weight_den */
	score_tally_t overall;
	score_by_t by;
	score_group_t *groups; /* themes in guide order, priorities in order, pilots sorted (none last) */
	size_t ngroups;
} score_t;

/* The formula over items (pure: used by the database functions, snapshots
 * and tests). */
void score_items(const score_item_t *items, size_t n, const profile_t *p,
		 const unsigned weights[PROFILE_MAX_PRIORITIES], score_by_t by, score_t *out);
void score_free(score_t *sc);

/* The current practices of the database (archived ones excluded), in guide
 * order; strings are owned by *owner, freed with score_items_free. */
typedef struct {
	score_item_t *items;
	size_t len;
	char **strings;
	size_t nstrings, cap;
} score_items_t;
steer_rc score_load(store_t *s, score_items_t *out, diag_list_t *d);
/* The index of a stored priority in the profile's, or -1. */
int score_priority(const profile_t *p, const char *name);
void score_items_free(score_items_t *x);

/* The weights of the scope's référentiel: the GBPNR's from the database
 * (sobre weights), any other's from its profile. */
steer_rc score_weights(store_t *s, unsigned w[PROFILE_MAX_PRIORITIES], diag_list_t *d);

/* score_load + score_items with the scope's profile and weights. */
steer_rc score_compute(store_t *s, score_by_t by, score_t *out, diag_list_t *d);

/* The formula in French with these weights, as reports print it. */
void score_formula_fr(const profile_t *p, const unsigned weights[PROFILE_MAX_PRIORITIES], buf_t *out);
/* A weight in 1/weight_den as a decimal with separator sep ("1,25"). */
void score_weight_text(const profile_t *p, unsigned weight, char sep, buf_t *out);
/* A credit in 1/credit_den as a fraction of the full credit: "1", "1/2", "0". */
void score_credit_text(const profile_t *p, unsigned credit, buf_t *out);

#endif
