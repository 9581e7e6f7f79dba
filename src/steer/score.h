/* score: the one scoring formula (docs/scoring.md), in exact integer
 * arithmetic. Weight by priority (default Prioritaire 3, Recommandée 2,
 * Aller plus loin 1), credit by status in half-units (réalisée 2, en cours
 * 1, others 0); non concernée leaves the denominator:
 *     score = Σ weight × credit / Σ weight × 2   over applicable practices
 * overall and by theme, priority or pilot function; completion = assessed
 * practices / all practices. Rounded once, for display only. */
#ifndef SOBRE_SCORE_H
#define SOBRE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer/status.h"
#include "steer/store.h"
#include "util/buf.h"

typedef struct {
	uint64_t num, den;   /* score = num / den, both in half-units of weight */
	size_t total;        /* practices counted */
	size_t applicable;   /* not non concernée */
	size_t assessed;     /* not non évaluée */
	size_t by_status[STATUS_COUNT];
} score_tally_t;

void score_tally_add(score_tally_t *t, unsigned weight, status_t s);

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
	int priority;       /* index in store_priorities */
	const char *pilot;  /* NULL: none */
	status_t status;
} score_item_t;

typedef struct {
	char *key, *label;  /* theme: "a." and its title; priority and pilot: the name twice */
	score_tally_t t;
} score_group_t;

typedef struct {
	unsigned weights[STORE_NPRIORITIES];
	score_tally_t overall;
	score_by_t by;
	score_group_t *groups; /* themes in guide order, priorities in order, pilots sorted (none last) */
	size_t ngroups;
} score_t;

/* The formula over items (pure: used by the database functions, snapshots
 * and tests). */
void score_items(const score_item_t *items, size_t n, const unsigned weights[STORE_NPRIORITIES], score_by_t by,
		 score_t *out);
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
void score_items_free(score_items_t *x);

/* score_load + score_items with the database's weights. */
steer_rc score_compute(store_t *s, score_by_t by, score_t *out, diag_list_t *d);

/* The formula in French with these weights, as reports print it. */
void score_formula_fr(const unsigned weights[STORE_NPRIORITIES], buf_t *out);

#endif
