/* consolidate: a parent perimeter's view of its subtree for one
 * référentiel: its children with their scores, the consolidated score
 * (the mean of the children's, with min and max) and, for every item, how
 * many assessed perimeters below have it at each status, sorted to show
 * first the items most often not done: where the referent should help,
 * train or share. docs/scoring.md states the rule. Reads only. */
#ifndef SOBRE_CONSOLIDATE_H
#define SOBRE_CONSOLIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "steer/score.h"
#include "steer/store.h"

typedef struct {
	char *name, *kind;
	bool assessed;      /* it, or a perimeter below it, is assessed against the référentiel */
	bool consolidated;  /* its value is the mean of its own children's (it has assessed children) */
	score_tally_t own;  /* its own assessment (empty when not attached) */
	long tenths;        /* its value in tenths of a percent; -1 when it has none */
	size_t perimeters;  /* assessed perimeters its value covers (1 for a leaf) */
} consolidate_child_t;

typedef struct {
	char *idbp, *title, *theme_id;
	size_t by_status[PROFILE_MAX_STATUSES]; /* by status index, across the assessed perimeters below the parent */
	size_t done;        /* with the full credit (réalisée, validé) */
	size_t not_done;    /* applicable and not done */
	size_t counted;     /* perimeters that have the item */
	size_t seq;         /* guide order */
} consolidate_item_t;

typedef struct {
	char *perimeter;    /* the parent's name */
	char *guide;        /* the référentiel's slug */
	const profile_t *profile; /* its profile (borrowed from the store) */
	consolidate_child_t *children; /* by name */
	size_t nchildren;
	long tenths, min_tenths, max_tenths; /* over the children with a value; -1 when none */
	size_t valued;      /* children with a value */
	size_t perimeters;  /* assessed perimeters in the subtree (below the parent) */
	consolidate_item_t *items; /* most often not done first, then guide order */
	size_t nitems;
} consolidate_t;

/* The consolidation of the scope's perimeter for the scope's référentiel
 * (archived perimeters left out). */
steer_rc consolidate(store_t *s, consolidate_t *out, diag_list_t *d);
void consolidate_free(consolidate_t *c);

#endif
