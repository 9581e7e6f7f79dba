/* snapshot: named, dated, immutable freezes of every status and of the
 * score ("T1 2026"), and their comparison (score changes, practices that
 * moved up or down). A snapshot points at the imported guide copy and keeps
 * its weights, so a later guide upgrade or weight change never alters it. */
#ifndef SOBRE_SNAPSHOT_H
#define SOBRE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer/score.h"
#include "steer/status.h"
#include "steer/store.h"
#include "util/diag.h"

typedef struct {
	long long id;
	char *name, *created_at, *created_by, *guide_version;
	const profile_t *profile; /* the référentiel's (borrowed from the store) */
	unsigned weights[PROFILE_MAX_PRIORITIES];
	uint64_t num, den;       /* the score frozen at creation */
	size_t assessed, total;  /* completion */
} snapshot_info_t;

typedef struct {
	snapshot_info_t *items; /* oldest first */
	size_t len;
} snapshot_list_t;

/* Freezes the current statuses, pilots and score under name (unique, any
 * text up to 200 bytes). *out (may be NULL) gets the snapshot. */
steer_rc snapshot_create(store_t *s, const char *name, snapshot_info_t *out, diag_list_t *d);
steer_rc snapshot_list(store_t *s, snapshot_list_t *out, diag_list_t *d);
void snapshot_info_free(snapshot_info_t *x);
void snapshot_list_free(snapshot_list_t *l);

typedef struct {
	char *idbp, *title, *theme_id, *theme_title, *priority, *pilot;
	status_t status;
} snapshot_item_t;

/* A snapshot's practices, or the current state (name NULL: named "now"). */
typedef struct {
	snapshot_info_t info;
	snapshot_item_t *items; /* guide order */
	size_t len;
} snapshot_state_t;

/* name is matched exactly, then ignoring case and accents; an unknown name
 * is refused with "did you mean". */
steer_rc snapshot_load(store_t *s, const char *name, snapshot_state_t *out, diag_list_t *d);
void snapshot_state_free(snapshot_state_t *st);
/* The state's practices as the formula sees them (borrowing its strings);
 * caller frees the array. */
score_item_t *snapshot_score_items(const snapshot_state_t *st);

typedef enum {
	MOVE_UP,    /* progressed: non évaluée/non engagée < planifiée < en cours < réalisée */
	MOVE_DOWN,
	MOVE_OTHER, /* to or from non concernée, or between non évaluée and non engagée */
	MOVE_ADDED, /* only in the later state (new in the guide) */
	MOVE_REMOVED,
} move_kind_t;

typedef struct {
	const snapshot_item_t *a, *b; /* borrowed; a NULL when added, b NULL when removed */
	move_kind_t kind;
} snapshot_move_t;

typedef struct {
	snapshot_state_t a, b;
	score_t a_theme, b_theme, a_priority, b_priority; /* by theme and by priority */
	snapshot_move_t *moves; /* up, then down, then other, added, removed; guide order within */
	size_t nmoves;
	size_t up, down;
} snapshot_diff_t;

/* Compares snapshot a with snapshot b (NULL: the current state). */
steer_rc snapshot_diff(store_t *s, const char *a, const char *b, snapshot_diff_t *out, diag_list_t *d);
void snapshot_diff_free(snapshot_diff_t *x);

#endif
