/* practice: finding a tracked practice of the database by its id, typed in
 * any case, with "did you mean" when there is none: what every steer module
 * working on one practice starts with. It only reads the practice table,
 * whose rows catalog creates and archives and whose assessment assess
 * writes. */
#ifndef SOBRE_PRACTICE_H
#define SOBRE_PRACTICE_H

#include <stdbool.h>

#include "steer/store.h"
#include "util/diag.h"

/* A practice of the database. */
typedef struct {
	long long id;      /* practice.id */
	long long copy_id; /* its latest copy */
	char idbp[64];     /* canonical spelling */
	bool archived;
} practice_ref_t;

/* Finds practice idbp (written exactly so, else with another ASCII case;
 * surrounding white space ignored).
 * Refuses an unknown idbp with "did you mean" (unknown-practice), and
 * (unless allow_archived) a practice archived by a guide upgrade
 * (archived-practice). */
steer_rc practice_find(store_t *s, const char *idbp, bool allow_archived, practice_ref_t *ref, diag_list_t *d);

#endif
