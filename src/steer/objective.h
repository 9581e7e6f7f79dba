/* objective: the strategy's objectives, the only writer of the objective
 * table and of snapshot_objective. An objective is a target on one
 * indicator by a deadline, from a baseline (by default the indicator's
 * first measurement), per perimeter, with its own means; its state is
 * computed from the latest measurement against the linear trajectory from
 * the baseline to the target (objective_evaluate, a pure function: no
 * database). Archived, never deleted. A snapshot freezes every state.
 * Everything returned is owned by the caller (objective_list_free). The
 * rule is in docs/strategy.md. */
#ifndef SOBRE_OBJECTIVE_H
#define SOBRE_OBJECTIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "render/chart.h"
#include "steer/indicator.h"
#include "steer/store.h"
#include "util/diag.h"

typedef enum {
	OBJ_REACHED,  /* "atteint" */
	OBJ_ON_TRACK, /* "dans la trajectoire" */
	OBJ_LATE,     /* "en retard" */
	OBJ_NO_DATA,  /* "sans mesure récente" */
	OBJ_NSTATES
} objective_state_t;

/* The state's words, as the JSON, the CLI and the documents write them. */
const char *objective_state_name(objective_state_t s);
/* -1 when name is none of them. */
int objective_state_parse(const char *name);

/* What the rule needs. Values are canonical (indicator_check_value);
 * dates "YYYY-MM-DD". */
typedef struct {
	ind_type_t type;
	const char *direction;    /* the indicator's ("down": lower is better), for a target equal to the baseline */
	const char *baseline;     /* NULL: unknown (no measurement yet) */
	const char *baseline_date;
	const char *target;
	const char *deadline;
	const char *latest;       /* the latest measurement's value, NULL: none */
	const char *latest_date;  /* the last day of its period */
	const char *today;
	const char *recent_since; /* a measurement ending before this day is not recent (indicator_due_since) */
} objective_input_t;

typedef struct {
	objective_state_t state;
	bool has_expected;
	double expected; /* the trajectory's value at the latest measurement's date (the deadline's once passed) */
	double gap;      /* en retard: how far behind the trajectory, in the indicator's unit (> 0) */
	double progress; /* from baseline (0) to target (1), clamped; 1 when reached */
} objective_eval_t;

/* The rule: no measurement -> sans mesure récente; the target met (yes/no:
 * equal; else at or beyond it in the direction from baseline to target)
 * -> atteint; the latest measurement not recent -> sans mesure récente;
 * yes/no: en retard once the deadline has passed, else dans la
 * trajectoire; numbers: the trajectory's value at the latest measurement's
 * date (before the baseline: the baseline; after the deadline, or once the
 * deadline has passed: the target), behind it -> en retard, else dans la
 * trajectoire. */
void objective_evaluate(const objective_input_t *in, objective_eval_t *out);

/* A number of the rule in canonical text: at most two decimals, no
 * trailing zeros ("12.5", "-3"). */
void objective_number_text(double v, buf_t *out);

/* What to set; NULL members stay as they are (or take the default when
 * adding), "" clears an optional one. */
typedef struct {
	const char *name;      /* required to add; at most INPUT_MAX_NAME */
	const char *indicator; /* "ID#N": indicator N of item ID of the scope; required to add */
	const char *target;    /* required to add; checked against the indicator's type */
	const char *deadline;  /* required to add: YYYY-MM-DD or DD/MM/YYYY */
	const char *baseline;  /* a value; "" or NULL: the first measurement */
	const char *baseline_period; /* when the baseline was measured (a period); default: the objective's creation day */
	const char *budget;    /* euros (input_budget) */
	const char *staff;     /* person-days (input_staff) */
	bool check_version;    /* with objective_set: refuse unless still at if_version */
	long long if_version;
} objective_spec_t;

/* Adds an objective to the scope's perimeter, on an indicator of the
 * scope's référentiel. Refused: a name already used in the perimeter, an
 * unknown indicator, a text indicator (no trajectory), a target or a
 * baseline the indicator's type refuses, a deadline not after the
 * baseline, bad means. */
steer_rc objective_add(store_t *s, const objective_spec_t *spec, long long *id, diag_list_t *d);
/* Changes objective `name` of the scope's perimeter (not its indicator);
 * *changed gets the number of fields changed. Logged field by field. */
steer_rc objective_set(store_t *s, const char *name, const objective_spec_t *spec, size_t *changed, diag_list_t *d);
/* Archives it: it leaves the lists and the strategy, keeps its history
 * and its frozen states. */
steer_rc objective_archive(store_t *s, const char *name, diag_list_t *d);

typedef struct {
	long long id;
	char *name;
	char *perimeter; /* its perimeter's name */
	char *idbp;      /* its indicator: item and number */
	int num;
	char *indicator_name;
	ind_type_t type;
	char *unit;
	bool footprint;
	char *target, *deadline;
	char *baseline, *baseline_period, *baseline_date; /* NULL when unknown */
	bool baseline_measured;  /* the baseline is the first measurement */
	char *latest, *latest_period, *latest_date; /* NULL: no measurement */
	objective_eval_t eval;
	long long budget, staff; /* cents, hundredths of a person-day; -1: unset */
	bool archived;
	long long version;
	char *created_at, *created_by;
	measurement_t *measures; /* every measurement, oldest first (for the chart) */
	size_t nmeasures;
} objective_t;

typedef struct {
	objective_t *items;
	size_t len;
} objective_list_t;

/* The objectives of the scope's perimeter and its subtree (the scope's
 * own first, then by perimeter name), by name; archived ones only with
 * archived. */
steer_rc objective_list(store_t *s, bool archived, objective_list_t *out, diag_list_t *d);
/* One objective of the scope's perimeter, by name (any case). */
steer_rc objective_get(store_t *s, const char *name, objective_t *out, diag_list_t *d);
void objective_free(objective_t *o);
void objective_list_free(objective_list_t *l);

/* A canonical value of o's indicator as French readers write it: a
 * decimal comma, the unit after a no-break space (a percentage's "%");
 * "—" for NULL. */
void objective_value_fr(const objective_t *o, const char *canon, buf_t *out);
/* o's state in French with its gap: "en retard de 14,97 points",
 * "en retard de 50 kWh", "dans la trajectoire". */
void objective_state_fr(const objective_t *o, buf_t *out);

/* o's trajectory chart (render/chart): the measurements' values read from
 * their canonical text (yes/no: oui 1, non 0; no trajectory) into *pts (caller frees;
 * NULL when none), the rest borrowed from o: t holds while o and *pts do. */
void objective_chart(const objective_t *o, chart_trajectory_t *t, chart_tpoint_t **pts);

/* Freezes the state of every current objective of the scope's subtree in
 * snapshot snapshot_id (steer/snapshot calls it when it takes one). */
steer_rc objective_freeze(store_t *s, long long snapshot_id, diag_list_t *d);

/* A state frozen by a snapshot. */
typedef struct {
	long long objective_id;
	objective_state_t state;
	char *value, *period, *expected; /* NULL when none */
} objective_frozen_t;

typedef struct {
	objective_frozen_t *items;
	size_t len;
} objective_frozen_list_t;

steer_rc objective_frozen(store_t *s, long long snapshot_id, objective_frozen_list_t *out, diag_list_t *d);
void objective_frozen_free(objective_frozen_list_t *l);

#endif
