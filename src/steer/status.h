/* status: the six assessment statuses of a practice, their canonical French
 * names, how typed input maps to them ("realisee" -> réalisée) and the
 * credit each earns in the score. The order of the enum is the order of
 * progress, used by snapshot diffs; its values are stored in snapshots and
 * must never be renumbered. */
#ifndef SOBRE_STATUS_H
#define SOBRE_STATUS_H

#include <stdbool.h>

typedef enum {
	STATUS_NOT_ASSESSED = 0, /* non évaluée (default) */
	STATUS_NOT_APPLICABLE = 1, /* non concernée: out of the score's denominator */
	STATUS_NOT_ENGAGED = 2,  /* non engagée */
	STATUS_PLANNED = 3,      /* planifiée */
	STATUS_IN_PROGRESS = 4,  /* en cours */
	STATUS_DONE = 5,         /* réalisée */
	STATUS_COUNT
} status_t;

/* The canonical name ("réalisée"); "?" for an out-of-range value. */
const char *status_name(status_t s);
/* The status whose canonical name is exactly name; -1 if none. */
int status_from_name(const char *name);
/* Typed input, any case, with or without accents, '-' or '_' for spaces:
 * returns the status, or -1 with *suggestion set to the closest canonical
 * name when there is a likely typo (else NULL). */
int status_parse(const char *input, const char **suggestion);
/* "non évaluée, non concernée, non engagée, planifiée, en cours, réalisée" */
const char *status_list_text(void);

/* Credit in half-units: réalisée 2, en cours 1, others 0. */
unsigned status_credit_half(status_t s);
/* Whether the practice counts in the score's denominator. */
bool status_applicable(status_t s);
/* Rank of progress for "moved up / down": non évaluée and non engagée 0,
 * planifiée 1, en cours 2, réalisée 3; non concernée -1 (no rank). */
int status_rank(status_t s);

#endif
