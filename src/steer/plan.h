/* plan: the practices of the current guide with their assessment, as rows
 * for the action plan (applicable practices not yet réalisée, ordered
 * Prioritaire first, then Facile first — quick wins —, then by target
 * date, overdue ones flagged) and for exports and reports (every practice,
 * in guide order). */
#ifndef SOBRE_PLAN_H
#define SOBRE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/status.h"
#include "steer/store.h"
#include "util/diag.h"

typedef struct {
	char *idbp, *title, *theme_id, *theme_title, *priority, *difficulty;
	char *pilot, *owner, *due, *comment; /* NULL when unset */
	const profile_t *profile; /* its référentiel's, which names its status (borrowed) */
	status_t status;
	bool overdue;  /* due date before today, not réalisée */
	bool is_new;   /* added by the current guide version */
	bool review;   /* "à revoir": reworded by an upgrade since its assessment was last saved */
	size_t seq;    /* guide order */
	int priority_rank, difficulty_rank; /* in the profile's orders (-1, ndifficulties: none) */
	long long budget, staff; /* means: cents, hundredths of a person-day; -1 when unset */
} plan_item_t;

typedef struct {
	const profile_t *profile; /* the référentiel's (borrowed from the store) */
	plan_item_t *items;
	size_t len;
	size_t overdue;
} plan_t;

typedef enum {
	PLAN_ACTIONS, /* applicable and not réalisée, in action order */
	PLAN_ALL,     /* every current practice, in guide order */
} plan_kind_t;

/* pilot (may be NULL) keeps the practices of one pilot function, matched
 * regardless of case and accents; "-" keeps those without one. An unknown
 * pilot is refused with "did you mean". */
steer_rc plan_build(store_t *s, plan_kind_t kind, const char *pilot, plan_t *out, diag_list_t *d);
void plan_free(plan_t *p);

/* The means of a group of actions: sums over the actions that have them
 * (-1 when none has), and how many actions the group holds. */
typedef struct {
	const char *key;   /* theme_id, or pilot (NULL: without one); borrowed from the plan */
	const char *label; /* theme title, or pilot */
	long long budget, staff;
	size_t actions;
} plan_means_t;

typedef struct {
	plan_means_t all;
	plan_means_t *themes; /* in the plan's first-seen order of themes... */
	size_t nthemes;
	plan_means_t *pilots; /* ...and of pilots, the actions without one last */
	size_t npilots;
} plan_totals_t;

/* The means of p in all, by theme and by pilot (themes in guide order).
 * Borrows from p; free with plan_totals_free. */
void plan_totals(const plan_t *p, plan_totals_t *out);
void plan_totals_free(plan_totals_t *t);

/* Difficulty rank in the profile's order (the GBPNR: Facile 0, Moyenne 1,
 * Difficile 2), past the last for any other. */
int plan_difficulty_rank(const profile_t *p, const char *difficulty);

#endif
