/* catalog: the guide as the steering database knows it. Owns the imported
 * copies of each guide version (practices with title, theme, priority,
 * difficulty, who and indicators), the import and the upgrade to a new
 * version (carrying assessments over by idbp, marking new practices,
 * archiving removed ones; the indicator module syncs each practice's guide
 * indicators), the comparison of two versions (a changelog), the list of the
 * versions imported, and the pilot functions (the guides' who values and custom ones). Finding one practice
 * is the practice module's. */
#ifndef SOBRE_CATALOG_H
#define SOBRE_CATALOG_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>

#include "guide/guide.h"
#include "guide/profile.h"
#include "guide/referentiel.h"
#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"

/* A practice as one version of a guide writes it (all strings owned). */
typedef struct {
	char *idbp, *title, *theme_id, *theme_title, *priority, *difficulty;
	char **who;
	size_t nwho;
	char **indicators;
	size_t nindicators;
	char *sections;         /* JSON array of {key, title, text} ("[]": none, the GBPNR's) */
	char *applicability;    /* the cible as written, "" when none */
	bool always_applicable; /* "not applicable" is refused on it */
} catalog_practice_t;

typedef struct {
	char *version; /* metadata.guideBonnesPratiques.version, "" when absent */
	char *title;
	catalog_practice_t *items; /* guide order */
	size_t len;
} catalog_t;

/* The practices of a loaded (and checked) guide. */
void catalog_from_guide(const guide_t *g, catalog_t *out);
/* The items of a référentiel read from any source (a GBPNR folder's are
 * catalog_from_guide's). */
void catalog_from_referentiel(const referentiel_t *r, catalog_t *out);
/* The copy stored for a guide version. */
steer_rc catalog_load(store_t *s, long long version_id, catalog_t *out, diag_list_t *d);
void catalog_free(catalog_t *c);

enum {
	CATALOG_TITLE = 1 << 0,
	CATALOG_THEME = 1 << 1,
	CATALOG_PRIORITY = 1 << 2,
	CATALOG_DIFFICULTY = 1 << 3,
	CATALOG_WHO = 1 << 4,
	CATALOG_INDICATORS = 1 << 5,
	CATALOG_SECTIONS = 1 << 6,      /* objectif, mise en œuvre, moyen de test... */
	CATALOG_APPLICABILITY = 1 << 7, /* the cible */
};

/* One line of a diff: added (old NULL), removed (new NULL) or changed
 * (changes: CATALOG_* bits). Pointers borrow from the two catalogs. */
typedef struct {
	const catalog_practice_t *old, *new_;
	unsigned changes;
} catalog_delta_t;

/* The practice a delta is about: the new one, or the removed one. */
static inline const catalog_practice_t *catalog_delta_practice(const catalog_delta_t *x)
{
	assert(x->old || x->new_); /* catalog_diff never makes an empty delta */
	return x->new_ ? x->new_ : x->old;
}

typedef struct {
	catalog_delta_t *items; /* added and changed in the new guide's order, then removed in the old one's */
	size_t len;
	size_t added, removed, changed, unchanged;
} catalog_diff_t;

void catalog_diff(const catalog_t *old_c, const catalog_t *new_c, catalog_diff_t *out);
void catalog_diff_free(catalog_diff_t *d);
/* The diff as a French Markdown changelog section (for the guide's
 * "journal des modifications" page); as JSON: jsonout_guide_diff. */
void catalog_diff_markdown(const catalog_t *old_c, const catalog_t *new_c, const catalog_diff_t *diff,
			   buf_t *out);

typedef struct {
	bool unchanged;         /* same content as the current version: nothing written */
	bool first;             /* the first guide imported into this database */
	long long version_id;
	catalog_t old_c, new_c; /* old_c is empty on a first import */
	catalog_diff_t diff;
	size_t carried;         /* assessments carried over (practices kept) */
	size_t restored;        /* archived practices back in the guide */
	size_t indicators_added, indicators_archived;
	const profile_t *profile;  /* the référentiel's */
	long long *perimeters;     /* assessed against it: where practices are tracked */
	size_t nperimeters;
} catalog_import_t;

/* Imports g (loaded and checked without errors by the caller) as a new
 * version of the référentiel slug (created with profile on its first
 * import; the scope is then the root and it): copies every practice, creates the trackable practices
 * and their indicators (types inferred), and on an upgrade carries every
 * assessment, indicator, measurement and history over by idbp, archives
 * what the new version removed, and logs each change. source names where the
 * guide came from (its folder). Refuses a guide without practices. */
steer_rc catalog_import(store_t *s, const guide_t *g, const char *slug, const profile_t *profile,
			const char *source, catalog_import_t *res, diag_list_t *d);
/* The same for a référentiel from any source. The profile may differ from
 * the one the référentiel was imported with (the RGESN 2022-2023 upgraded
 * to 2024) when its statuses keep their names and places: the new one
 * then scores it (weights, priorities); otherwise the upgrade is refused. */
steer_rc catalog_import_referentiel(store_t *s, const referentiel_t *r, const char *slug, const profile_t *profile,
				    const char *source, catalog_import_t *res, diag_list_t *d);
/* The référentiel with this slug: its id in *id, 0 when there is none and
 * profile is NULL; else created with that profile (its YAML kept when it
 * is not a built-in) and *created set. */
steer_rc catalog_referentiel(store_t *s, const char *slug, const profile_t *profile, long long *id,
			     bool *created, diag_list_t *d);

/* Starts the assessment of the scope's référentiel in perimeter_id (just
 * attached): its practices of the current version, not assessed, with
 * their guide indicators. Nothing is logged per practice. */
steer_rc catalog_attach(store_t *s, long long perimeter_id, const profile_t *profile, diag_list_t *d);
void catalog_import_free(catalog_import_t *res);

/* A guide version imported into the database (one `sobre guide import` of
 * a new content). Strings owned. */
typedef struct {
	char *version;     /* "" when the guide gave none */
	char *title, *source, *imported_at, *imported_by;
	size_t practices;  /* practices in that version's copy */
	bool current;      /* the latest of its référentiel: the one being steered */
	char *guide;       /* its référentiel's id ("gbpnr", "rgesn") */
} catalog_version_t;

typedef struct {
	catalog_version_t *items; /* référentiel by référentiel (the first imported first), oldest first */
	size_t len;
	size_t nguides;           /* référentiels */
} catalog_versions_t;

/* Every version imported of every référentiel, oldest first (none before
 * the first import: an empty list, not an error). */
steer_rc catalog_versions(store_t *s, catalog_versions_t *out, diag_list_t *d);
void catalog_versions_free(catalog_versions_t *v);

/* The pilot functions known to the database: every who value of the
 * imported guides, then custom ones, sorted. Caller frees each and the
 * array. */
steer_rc catalog_pilots(store_t *s, char ***names, size_t *n, diag_list_t *d);
/* The id of pilot function name, added as a custom one when it is new (an
 * assessment naming a pilot the guides do not know). */
steer_rc catalog_custom_pilot(store_t *s, const char *name, long long *id, diag_list_t *d);

#endif
