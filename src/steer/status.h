/* status: an assessment's status, as its index in the statuses of the
 * référentiel's profile (guide/profile.h): its name, how typed input maps
 * to it ("realisee" -> réalisée, "conforme" -> validé), the credit it
 * earns in the score, whether it counts at all, and its rank of progress.
 * Index 0 is always the profile's "not assessed". Indexes are stored in
 * snapshots: a profile's statuses are never renumbered. The GBPNR's are
 * the STATUS_* values below, which the code names where the GBPNR's own
 * vocabulary is meant (its report, its tests). */
#ifndef SOBRE_STATUS_H
#define SOBRE_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/profile.h"
#include "util/buf.h"

typedef int status_t;

/* The GBPNR profile's statuses (profile_builtin("gbpnr")). */
enum {
	STATUS_NOT_ASSESSED = 0, /* non évaluée (default) */
	STATUS_NOT_APPLICABLE = 1, /* non concernée: out of the score's denominator */
	STATUS_NOT_ENGAGED = 2,  /* non engagée */
	STATUS_PLANNED = 3,      /* planifiée */
	STATUS_IN_PROGRESS = 4,  /* en cours */
	STATUS_DONE = 5,         /* réalisée */
};

/* The canonical name ("réalisée"); "?" for an index the profile lacks. */
const char *status_name(const profile_t *p, status_t s);
/* The status whose canonical name is exactly name; -1 if none. */
int status_from_name(const profile_t *p, const char *name);
/* Typed input: profile_status_parse (any case, accents optional,
 * synonyms), -1 with *suggestion when it looks like a typo. */
int status_parse(const profile_t *p, const char *input, const char **suggestion);
/* "non évaluée, non concernée, non engagée, planifiée, en cours, réalisée" */
void status_list_text(const profile_t *p, buf_t *out);
/* Credit in 1/credit_den of the item's weight (the GBPNR: réalisée 2, en
 * cours 1, others 0). */
unsigned status_credit(const profile_t *p, status_t s);
/* Whether the item counts in the score's denominator (not the "not
 * applicable" status). */
bool status_applicable(const profile_t *p, status_t s);
/* Whether it is the "not applicable" status, which needs a justification
 * and is refused on an item always applicable. */
bool status_not_applicable(const profile_t *p, status_t s);
/* Whether it earns the full credit: done, validated. */
bool status_done(const profile_t *p, status_t s);
/* Rank of progress for "moved up / down"; -1: no rank (not applicable). */
int status_rank(const profile_t *p, status_t s);
/* The statuses in the order tables show them: scored ones from the most
 * to the least progress, then not assessed, then not applicable. Returns
 * how many were written to order (at most PROFILE_MAX_STATUSES). */
size_t status_display_order(const profile_t *p, status_t order[PROFILE_MAX_STATUSES]);

#endif
