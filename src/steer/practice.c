/* practice: looking a practice up by its id. Ids are compared in lower
 * case (ASCII, as SQLite's and PostgreSQL's lower() agree on for ids):
 * "A.1" is a.1. */
#include "steer/practice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/input.h"
#include "util/suggest.h"
#include "util/xalloc.h"

/* The refusal of an id that names no practice: the closest id of the
 * current guide as a hint. */
static steer_rc unknown(store_t *s, const char *want, diag_list_t *d)
{
	long long version;
	steer_rc rc = store_require_version(s, &version, d);
	if (rc)
		return rc;
	char **ids = NULL;
	size_t n = 0, cap = 0;
	store_query_t *q = store_query(s, "SELECT idbp FROM practice WHERE perimeter_id = ? AND referentiel_id = ? "
					  "AND removed_version IS NULL ORDER BY id");
	store_bind_scope(q, 1);
	while (store_next(q)) {
		ids = xgrow(ids, &cap, n + 1, sizeof *ids);
		ids[n++] = store_col_dup(q, 0);
	}
	/* Without the list, the refusal still stands: only its hint is lost. */
	store_end(q, NULL, NULL);
	diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown-practice", "no practice '%s' in the guide", want);
	const char *best = n ? suggest_closest(want, (const char *const *)ids, n) : NULL;
	if (best)
		diag_hint(x, "did you mean '%s'?", best);
	else if (n)
		diag_hint(x, "practice ids look like %s; list them with: sobre plan, or sobre export-assessment", ids[0]);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return STEER_REFUSED;
}

/* Reads the practice q finds (its columns: id, copy_id, removed_version,
 * idbp, the removing version's name) into ref; *found says whether it did. */
static steer_rc read_ref(store_query_t *q, practice_ref_t *ref, char **removed_in, bool *found, diag_list_t *d)
{
	*found = store_next(q);
	if (*found) {
		ref->id = store_col_int(q, 0);
		ref->copy_id = store_col_int(q, 1);
		ref->archived = !store_col_null(q, 2);
		snprintf(ref->idbp, sizeof ref->idbp, "%s", store_col_text(q, 3));
		*removed_in = store_col_dup(q, 4);
	}
	return store_end(q, d, "finding the practice");
}

steer_rc practice_find(store_t *s, const char *idbp, bool allow_archived, practice_ref_t *ref, diag_list_t *d)
{
	memset(ref, 0, sizeof *ref);
	char *want = input_trim(idbp ? idbp : "");
	char *removed_in = NULL;
	bool found;
	steer_rc rc;
	/* The id as the guide writes it first, through the index: an import of
	 * thousands of rows looks up every one. Then in any case, which reads
	 * every practice; the oldest first, should two differ only by case. */
	store_query_t *q = store_query(s, "SELECT p.id, p.copy_id, p.removed_version, p.idbp, v.version "
					  "FROM practice p LEFT JOIN guide_version v ON v.id = p.removed_version "
					  "WHERE p.perimeter_id = ? AND p.referentiel_id = ? AND p.idbp = ?");
	store_bind_scope(q, 1);
	store_bind_text(q, 3, want);
	if ((rc = read_ref(q, ref, &removed_in, &found, d)))
		goto cleanup;
	if (!found) {
		q = store_query(s, "SELECT p.id, p.copy_id, p.removed_version, p.idbp, v.version "
				   "FROM practice p LEFT JOIN guide_version v ON v.id = p.removed_version "
				   "WHERE p.perimeter_id = ? AND p.referentiel_id = ? AND lower(p.idbp) = lower(?) "
				   "ORDER BY p.id LIMIT 1");
		store_bind_scope(q, 1);
		store_bind_text(q, 3, want);
		if ((rc = read_ref(q, ref, &removed_in, &found, d)))
			goto cleanup;
	}
	if (!found) {
		rc = unknown(s, want, d);
	} else if (ref->archived && !allow_archived) {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "archived-practice",
				     "practice %s was removed from the guide in version %s: it is archived", ref->idbp,
				     removed_in ? removed_in : "?");
		diag_hint(x, "its assessment and history are kept (sobre show %s) but it can no longer change", ref->idbp);
		rc = STEER_REFUSED;
	}
cleanup:
	free(want);
	free(removed_in);
	return rc;
}
