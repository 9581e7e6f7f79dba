/* jsonout: the JSON of every steering object, one writer each, so that the
 * CLI's --format json, the JSON API (web/pilotage_api) and the assessment
 * export (sheet) give the same object the same fields: a practice (the
 * guide's item), an assessment, an indicator and its measurements, a plan
 * item and the plan, the score (overall and by group), a snapshot, a
 * snapshot diff, a history entry, an imported guide version, a guide diff,
 * an RGESN declaration; and the documents the CLI prints around them. The
 * field names are documented in docs/api.md ("Objects"): a field changes
 * here and there together. Each writer writes one JSON value where w stands (an array
 * element, or after a key); nothing here reads the database. */
#ifndef SOBRE_JSONOUT_H
#define SOBRE_JSONOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/assess.h"
#include "steer/catalog.h"
#include "steer/consolidate.h"
#include "steer/declaration.h"
#include "steer/indicator.h"
#include "steer/objective.h"
#include "steer/perimeter.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/snapshot.h"
#include "util/jsonw.h"

/* Measurements given per indicator where a practice is shown whole (sobre
 * show, GET /pilotage/api/pratiques/ID): a year of monthly values. */
#define JSONOUT_MEASURES 12

/* A practice as one version of a guide writes it (guide_version: that
 * version's name, may be NULL). */
void jsonout_practice(jsonw_t *w, const catalog_practice_t *p, const char *guide_version);

/* An assessment: a practice row of plan_build (its practice and
 * assessment) and what the row lacks. Every pointer is borrowed. */
typedef struct {
	const plan_item_t *item;
	bool archived;          /* removed from the guide by an upgrade */
	char *const *evidence;  /* links, in the order added */
	size_t nevidence;
} jsonout_assessment_t;

void jsonout_assessment(jsonw_t *w, const jsonout_assessment_t *a);
/* The members alone, inside an object the caller opened and closes: for
 * an object that extends the assessment (the API's practice adds version,
 * editable and indicators). */
void jsonout_assessment_fields(jsonw_t *w, const jsonout_assessment_t *a);
/* The view of a practice read by assess_get: *row gets pointers borrowed
 * from a, valid while a is. */
void jsonout_assessment_of(const assessment_t *a, plan_item_t *row, jsonout_assessment_t *out);

void jsonout_measurement(jsonw_t *w, const measurement_t *m);
/* With its measurements as loaded (most recent first). */
void jsonout_indicator(jsonw_t *w, const indicator_t *x);

/* rank: the item's place in the plan, from 1. */
void jsonout_plan_item(jsonw_t *w, const plan_item_t *x, size_t rank);
/* The plan: {actions: its first `limit` items (0: all), total, overdue,
 * means: the totals of every action's means (jsonout_plan_means)}. */
void jsonout_plan(jsonw_t *w, const plan_t *p, size_t limit);
/* {budget, staff_days, by_theme: [{theme, theme_title, actions, budget,
 * staff_days}], by_pilot: [{pilot, actions, budget, staff_days}]}. */
void jsonout_plan_means(jsonw_t *w, const plan_totals_t *t);

/* The score: the overall figures and the weights of scores[0], then one
 * by_theme / by_priority / by_pilot array per score grouped that way
 * (n may be 1 with SCORE_BY_NONE: the overall figures alone). */
void jsonout_score(jsonw_t *w, const score_t *const *scores, size_t n);
/* A group of practices (a theme, a priority, a pilot function). */
void jsonout_score_group(jsonw_t *w, const profile_t *p, const score_group_t *g);

void jsonout_snapshot(jsonw_t *w, const snapshot_info_t *x);
void jsonout_snapshot_diff(jsonw_t *w, const snapshot_diff_t *x);

void jsonout_history_entry(jsonw_t *w, const history_entry_t *e);

void jsonout_guide_version(jsonw_t *w, const catalog_version_t *v);
/* {from, to, added, removed, changed}: practices, the changed ones with
 * what changed. */
void jsonout_guide_diff(jsonw_t *w, const catalog_t *old_c, const catalog_t *new_c, const catalog_diff_t *diff);

/* --- the CLI's documents ------------------------------------------------ */

/* sobre show: {practice, assessment, indicators, history}. */
void jsonout_show(jsonw_t *w, const assessment_t *a, const indicator_list_t *inds);
/* sobre indicators: {due_since, indicators} (due_only: those due). */
void jsonout_indicators(jsonw_t *w, const indicator_list_t *l, const char *due_since, bool due_only);
/* sobre snapshot list: {snapshots}. */
void jsonout_snapshots(jsonw_t *w, const snapshot_list_t *l);
/* sobre history: {history}. */
void jsonout_history(jsonw_t *w, const history_list_t *h);
/* sobre guide list: {versions}. */
void jsonout_guide_versions(jsonw_t *w, const catalog_versions_t *v);
/* A perimeter of the tree, with its référentiels and (when computed) their scores. */
void jsonout_perimeter(jsonw_t *w, const perimeter_t *p, const char *parent);
/* A parent's consolidation: {perimeter, guide, score, min, max, children[], items[]}. */
void jsonout_consolidation(jsonw_t *w, const consolidate_t *c);
/* The tree: {"perimeters": [...]}, depth first. */
void jsonout_perimeters(jsonw_t *w, const perimeter_list_t *l);
/* The RGESN declaration in the format RGESN tools exchange: {service{nom,
 * date_evaluation, entite_evaluation, responsable_evaluation,
 * echantillons}, criteres[{id, evaluation, texte_declaration,
 * evolutions_potentielles, actions_a_mener, qui, quand}], score}. */
void jsonout_declaration(jsonw_t *w, const declaration_t *x);
/* An objective with its state and its measurements (oldest first). */
void jsonout_objective(jsonw_t *w, const objective_t *o);
/* {"objectives": [...]} */
void jsonout_objectives(jsonw_t *w, const objective_list_t *l);
/* The strategy's texts: {perimeter, texts: {introduction, gouvernance,
 * bilan}}, each null when unset; texts indexed like strategy_fields. */
void jsonout_strategy_texts(jsonw_t *w, const char *perimeter, const char *const *texts);

#endif
