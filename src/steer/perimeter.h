/* perimeter: the organisation's tree (the root, from `init --org`, then
 * directorates, établissements, services) and the référentiels each node
 * is assessed against. Owns the perimeter and referentiel tables: adding,
 * renaming, moving and archiving perimeters (never deleting: their data
 * stays), attaching a référentiel to one, and resolving the names a
 * command or a page gives (--perimeter, --guide) into the store's scope
 * (store_set_scope). Every change is in the history. */
#ifndef SOBRE_PERIMETER_H
#define SOBRE_PERIMETER_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/profile.h"
#include "steer/score.h"
#include "steer/store.h"

/* A tree this deep is a mistake (and the tree is walked recursively). */
#define PERIMETER_MAX_DEPTH 16

typedef struct {
	long long id, parent; /* parent 0 for the root */
	char *name, *kind, *created_at;
	char *archived_at;    /* NULL when active */
	size_t depth;         /* 0 for the root */
	char **guides;        /* slugs of the attached référentiels, sorted */
	size_t nguides;
	score_tally_t *scores; /* per guide, after perimeter_scores; else NULL */
} perimeter_t;

typedef struct {
	perimeter_t *items; /* the tree depth first, children by name */
	size_t len;
} perimeter_list_t;

/* The perimeter kinds, in the order of the tree. */
extern const char *const perimeter_kinds[4];

/* Resolves perimeter and guide names into the store's scope. perimeter:
 * NULL for the root. guide: a référentiel's slug, or NULL for the only one
 * attached to that perimeter (refused, listing the choices, when there
 * are several or none). Names match without regard to case; a typo gets a
 * suggestion. */
steer_rc perimeter_scope(store_t *s, const char *perimeter, const char *guide, diag_list_t *d);

/* store_set_scope and store_set_profile with the référentiel's profile. */
steer_rc perimeter_set_scope(store_t *s, long long perimeter, long long referentiel, diag_list_t *d);

/* The names of the store's scope: *perimeter the perimeter's, as the tree
 * spells it; *guide the référentiel's slug, NULL when there is none yet
 * (a database before its first import). The caller frees both. */
steer_rc perimeter_scope_names(store_t *s, char **perimeter, char **guide, diag_list_t *d);

/* The profile of the scope's référentiel: *out a built-in, or a profile
 * parsed from the database (then also in *owned, freed by the caller with
 * profile_free; else *owned is NULL). */
steer_rc perimeter_profile(store_t *s, const profile_t **out, profile_t **owned, diag_list_t *d);

/* kind NULL: "service". parent NULL: the root. */
steer_rc perimeter_add(store_t *s, const char *name, const char *parent, const char *kind, diag_list_t *d);
steer_rc perimeter_rename(store_t *s, const char *name, const char *new_name, diag_list_t *d);
/* Dates the root with the database's creation (`init`): the schema's
 * migration makes the root of a new database before init records it. */
steer_rc perimeter_date_root(store_t *s, const char *at, diag_list_t *d);
/* Names the root (and the organisation in the settings): `init --org`.
 * Not logged: the caller logs it as the organisation's name. */
steer_rc perimeter_name_root(store_t *s, const char *name, diag_list_t *d);
/* Refuses a move under the perimeter itself or one of its descendants. */
steer_rc perimeter_move(store_t *s, const char *name, const char *new_parent, diag_list_t *d);
/* Archives a perimeter and its subtree: kept with every assessment, out of
 * lists and consolidations. The root cannot be archived. */
steer_rc perimeter_archive(store_t *s, const char *name, diag_list_t *d);
/* Attaches the référentiel guide (a slug) to the perimeter and starts its
 * assessment there (catalog_attach). Attaching twice is refused. */
steer_rc perimeter_attach(store_t *s, const char *name, const char *guide, diag_list_t *d);

/* The tree (archived perimeters only when with_archived). */
steer_rc perimeter_list(store_t *s, bool with_archived, perimeter_list_t *out, diag_list_t *d);
void perimeter_list_free(perimeter_list_t *l);
/* What a perimeter switcher offers at perimeter at, within the subtree of
 * top (1: the whole tree): every active perimeter of it when there are at
 * most `all`; beyond, only the tree unfolded along the path from top to at
 * (each perimeter on the path with its children), so that the list grows
 * with the tree's breadth, not with its size. Depth first, children by
 * name; depth counted from top; only id, parent, name and depth filled. */
steer_rc perimeter_outline(store_t *s, long long top, long long at, size_t all, perimeter_list_t *out, diag_list_t *d);
/* Fills each perimeter's score for each of its référentiels (its own
 * assessment). The store's scope is left as it was. */
steer_rc perimeter_scores(store_t *s, perimeter_list_t *l, diag_list_t *d);
/* The id of the perimeter named name (active or not), or refuses. */
steer_rc perimeter_find(store_t *s, const char *name, long long *id, diag_list_t *d);
/* Refuses (naming it name) perimeter id when it is archived: the target of
 * a change, a new child, an account's perimeter. */
steer_rc perimeter_active(store_t *s, long long id, const char *name, diag_list_t *d);
/* Whether perimeter id is ancestor itself or below it. */
steer_rc perimeter_within(store_t *s, long long id, long long ancestor, bool *within, diag_list_t *d);

#endif
