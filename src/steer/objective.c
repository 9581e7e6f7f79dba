/* objective: objectives, their trajectory rule and their frozen states. */
#include "steer/objective.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/assess.h"
#include "steer/input.h"
#include "steer/practice.h"
#include "util/fold.h"
#include "util/xalloc.h"

static const char *const state_names[OBJ_NSTATES] = {"atteint", "dans la trajectoire", "en retard",
						     "sans mesure récente"};

const char *objective_state_name(objective_state_t s)
{
	return s < OBJ_NSTATES ? state_names[s] : "?";
}

int objective_state_parse(const char *name)
{
	for (int i = 0; name && i < OBJ_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

/* --- the rule ---------------------------------------------------------- */

/* Days since 1970-01-01 of a "YYYY-MM-DD" date (the proleptic Gregorian
 * calendar; H. Hinnant's days_from_civil). */
static long days_of(const char *date)
{
	long y = strtol(date, NULL, 10), m = strtol(date + 5, NULL, 10), dd = strtol(date + 8, NULL, 10);
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void objective_evaluate(const objective_input_t *in, objective_eval_t *out)
{
	memset(out, 0, sizeof *out);
	out->state = OBJ_NO_DATA;
	if (!in->latest)
		return;
	bool passed = strcmp(in->today, in->deadline) > 0;
	if (in->type == IND_YESNO) {
		if (strcmp(in->latest, in->target) == 0) {
			out->state = OBJ_REACHED;
			out->progress = 1;
		} else if (strcmp(in->latest_date, in->recent_since) >= 0) {
			out->state = passed ? OBJ_LATE : OBJ_ON_TRACK;
		}
		return;
	}
	double v = strtod(in->latest, NULL), t = strtod(in->target, NULL);
	double b = in->baseline ? strtod(in->baseline, NULL) : v;
	bool down = t < b || (t == b && in->direction && strcmp(in->direction, "down") == 0);
	if (down ? v <= t : v >= t) {
		out->state = OBJ_REACHED;
		out->progress = 1;
		return;
	}
	if (t != b) {
		double p = (v - b) / (t - b);
		out->progress = p < 0 ? 0 : p > 1 ? 1 : p;
	}
	if (strcmp(in->latest_date, in->recent_since) < 0 || !in->baseline)
		return;
	/* The trajectory at the measurement's date: flat before the baseline,
	 * the target from the deadline on (and once the deadline has passed,
	 * whatever the measurement's date: there is no time left). */
	long d0 = days_of(in->baseline_date), d1 = days_of(in->deadline), at = days_of(in->latest_date);
	double expected;
	if (passed || at >= d1)
		expected = t;
	else if (at <= d0 || d1 <= d0)
		expected = b;
	else
		expected = b + (t - b) * (double)(at - d0) / (double)(d1 - d0);
	/* Rounded as shown (two decimals), so that a value shown equal to the
	 * trajectory is on it. */
	expected = round(expected * 100) / 100;
	out->has_expected = true;
	out->expected = expected;
	double behind = down ? v - expected : expected - v;
	if (behind > 0.005) {
		out->state = OBJ_LATE;
		out->gap = round(behind * 100) / 100;
	} else {
		out->state = OBJ_ON_TRACK;
	}
}

void objective_number_text(double v, buf_t *out)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%.2f", round(v * 100) / 100);
	char *dot = strchr(tmp, '.');
	if (dot) {
		char *e = tmp + strlen(tmp) - 1;
		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0';
	}
	buf_puts(out, strcmp(tmp, "-0") == 0 ? "0" : tmp);
}

/* --- reading ----------------------------------------------------------- */

void objective_free(objective_t *o)
{
	free(o->name);
	free(o->perimeter);
	free(o->idbp);
	free(o->indicator_name);
	free(o->unit);
	free(o->target);
	free(o->deadline);
	free(o->baseline);
	free(o->baseline_period);
	free(o->baseline_date);
	free(o->latest);
	free(o->latest_period);
	free(o->latest_date);
	free(o->created_at);
	free(o->created_by);
	for (size_t i = 0; i < o->nmeasures; i++)
		measurement_free(&o->measures[i]);
	free(o->measures);
	memset(o, 0, sizeof *o);
}

void objective_list_free(objective_list_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		objective_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* The columns every read of an objective selects, in objective_read's
 * order. */
#define OBJECTIVE_COLUMNS                                                                                     \
	"o.id, o.name, pe.name, p.idbp, i.num, i.name, i.type, i.unit, i.direction, o.target, o.deadline, "  \
	"o.baseline, o.baseline_period, coalesce(o.budget, -1), coalesce(o.staff, -1), o.archived_at IS NOT NULL, " \
	"o.row_version, o.created_at, o.created_by, i.id, i.footprint, i.unit "
#define OBJECTIVE_FROM                                                                                        \
	"FROM objective o JOIN indicator i ON i.id = o.indicator_id JOIN practice p ON p.id = i.practice_id " \
	"JOIN perimeter pe ON pe.id = o.perimeter_id "

static void objective_read(const store_query_t *q, objective_t *o, long long *indicator_id)
{
	memset(o, 0, sizeof *o);
	o->id = store_col_int(q, 0);
	o->name = store_col_dup(q, 1);
	o->perimeter = store_col_dup(q, 2);
	o->idbp = store_col_dup(q, 3);
	o->num = (int)store_col_int(q, 4);
	o->indicator_name = store_col_dup(q, 5);
	int t = indicator_type_parse(store_col_text(q, 6));
	o->type = t < 0 ? IND_TEXT : (ind_type_t)t;
	o->unit = store_col_dup(q, 7);
	o->eval.state = OBJ_NO_DATA;
	/* 8 (direction) is read by evaluate_one. */
	o->target = store_col_dup(q, 9);
	o->deadline = store_col_dup(q, 10);
	o->baseline = store_col_dup(q, 11);
	o->baseline_period = store_col_dup(q, 12);
	o->budget = store_col_int(q, 13);
	o->staff = store_col_int(q, 14);
	o->archived = store_col_int(q, 15) != 0;
	o->version = store_col_int(q, 16);
	o->created_at = store_col_dup(q, 17);
	o->created_by = store_col_dup(q, 18);
	*indicator_id = store_col_int(q, 19);
	o->footprint = store_col_null(q, 20) ? indicator_footprint_unit(store_col_text(q, 21))
					     : store_col_int(q, 20) != 0;
}

/* The baseline's date: its period's last day when one was given, else
 * the objective's creation day. */
static void baseline_date_of(const char *period, const char *created_at, char out[11])
{
	input_period_t p;
	if (period && input_period(period, &p))
		memcpy(out, p.end, 11);
	else
		snprintf(out, 11, "%.10s", created_at ? created_at : "");
}

/* Loads the measurements of o's indicator and computes its state. */
/* today and since: the day and the due rule's first day (one reading of
 * the clock for the whole list). */
static steer_rc evaluate_one(store_t *s, objective_t *o, long long indicator_id, const char *direction,
			     const char *today, const char *since, diag_list_t *d)
{
	store_query_t *q = store_query(s, "SELECT period, start, \"end\", value, source, comment, recorded_at, recorded_by "
					  "FROM measurement WHERE indicator_id = ? ORDER BY \"end\", start");
	store_bind_int(q, 1, indicator_id);
	size_t cap = 0;
	while (store_next(q)) {
		o->measures = xgrow(o->measures, &cap, o->nmeasures + 1, sizeof *o->measures);
		measurement_read(q, 0, &o->measures[o->nmeasures++]);
	}
	steer_rc rc = store_end(q, d, "reading the measurements");
	if (rc)
		return rc;
	char bdate[11];
	if (o->baseline) {
		baseline_date_of(o->baseline_period, o->created_at, bdate);
		o->baseline_date = xstrdup(bdate);
	} else if (o->nmeasures) {
		o->baseline = xstrdup(o->measures[0].value);
		o->baseline_period = xstrdup(o->measures[0].period);
		o->baseline_date = xstrdup(o->measures[0].end);
		o->baseline_measured = true;
	}
	if (o->nmeasures) {
		const measurement_t *m = &o->measures[o->nmeasures - 1];
		o->latest = xstrdup(m->value);
		o->latest_period = xstrdup(m->period);
		o->latest_date = xstrdup(m->end);
	}
	objective_input_t in = {
		.type = o->type,
		.direction = direction,
		.baseline = o->baseline,
		.baseline_date = o->baseline_date,
		.target = o->target,
		.deadline = o->deadline,
		.latest = o->latest,
		.latest_date = o->latest_date,
		.today = today,
		.recent_since = since,
	};
	objective_evaluate(&in, &o->eval);
	return STEER_OK;
}

/* Reads the rows of q (OBJECTIVE_COLUMNS), each evaluated. */
static steer_rc read_rows(store_t *s, store_query_t *q, objective_list_t *out, diag_list_t *d)
{
	typedef struct {
		long long indicator_id;
		char *direction;
	} extra_t;
	extra_t *extra = NULL;
	size_t cap = 0, xcap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		extra = xgrow(extra, &xcap, out->len + 1, sizeof *extra);
		objective_read(q, &out->items[out->len], &extra[out->len].indicator_id);
		extra[out->len].direction = store_col_dup(q, 8);
		out->len++;
	}
	steer_rc rc = store_end(q, d, "reading the objectives");
	char today[11], since[11], label[11];
	store_today(s, today);
	indicator_due_since(today, since, label);
	/* Measurements are read once the objectives' query is done: one
	 * statement at a time. */
	for (size_t i = 0; i < out->len && !rc; i++)
		rc = evaluate_one(s, &out->items[i], extra[i].indicator_id, extra[i].direction, today, since, d);
	for (size_t i = 0; i < out->len; i++)
		free(extra[i].direction);
	free(extra);
	return rc;
}

steer_rc objective_list(store_t *s, bool archived, objective_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	store_query_t *q = store_query(
		s, "WITH RECURSIVE down(id) AS (SELECT CAST(?1 AS BIGINT) UNION ALL SELECT c.id FROM perimeter c JOIN down ON c.parent_id = down.id) "
		   "SELECT " OBJECTIVE_COLUMNS OBJECTIVE_FROM "WHERE o.perimeter_id IN (SELECT id FROM down) "
		   "AND (?2 <> 0 OR o.archived_at IS NULL) "
		   "ORDER BY o.perimeter_id <> ?1, pe.name, o.name");
	store_bind_int(q, 1, store_perimeter(s));
	store_bind_int(q, 2, archived);
	if ((rc = read_rows(s, q, out, d)))
		objective_list_free(out);
	return rc;
}

static steer_rc not_found(store_t *s, const char *name, diag_list_t *d)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	store_query_t *q = store_query(s, "SELECT name FROM objective WHERE perimeter_id = ? AND archived_at IS NULL "
					  "ORDER BY name");
	store_bind_int(q, 1, store_perimeter(s));
	while (store_next(q)) {
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = store_col_dup(q, 0);
	}
	steer_rc rc = store_end(q, d, "reading the objectives");
	if (!rc) {
		buf_t hint = BUF_INIT;
		if (n) {
			buf_puts(&hint, "the perimeter's objectives are: ");
			for (size_t i = 0; i < n; i++)
				buf_printf(&hint, "%s'%s'", i ? ", " : "", names[i]);
		} else {
			buf_puts(&hint, "this perimeter has no objective yet: sobre objective add NAME --indicator ID#N ...");
		}
		rc = store_refuse(d, "unknown-objective", buf_cstr(&hint), "no objective '%s' in this perimeter", name);
		buf_free(&hint);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The objective of the scope's perimeter whose name is name, case,
 * accents and dashes aside (util/fold), as people type names; *id 0: none.
 * name_taken keeps two such names out; should a database hold two all the
 * same, the first by name wins in every engine (the order SQLite reads
 * from its (perimeter_id, name) index anyway). */
static steer_rc find_by_name(store_t *s, const char *name, long long *id, char **found, diag_list_t *d)
{
	*id = 0;
	store_query_t *q = store_query(s, "SELECT id, name FROM objective WHERE perimeter_id = ? ORDER BY name");
	store_bind_int(q, 1, store_perimeter(s));
	while (store_next(q))
		if (!*id && fold_equal(store_col_text(q, 1), name)) {
			*id = store_col_int(q, 0);
			if (found)
				*found = store_col_dup(q, 1);
		}
	return store_end(q, d, "reading the objectives");
}

steer_rc objective_get(store_t *s, const char *name, objective_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	steer_rc rc = store_require_tx(s, d);
	if (rc)
		return rc;
	char *trimmed = input_trim(name);
	long long id;
	objective_list_t l = {0};
	if ((rc = find_by_name(s, trimmed, &id, NULL, d)))
		goto cleanup;
	store_query_t *q = store_query(s, "SELECT " OBJECTIVE_COLUMNS OBJECTIVE_FROM "WHERE o.id = ?");
	store_bind_int(q, 1, id);
	rc = read_rows(s, q, &l, d);
	if (!rc && !l.len)
		rc = not_found(s, trimmed, d);
	if (!rc) {
		*out = l.items[0];
		l.len = 0;
	}
cleanup:
	objective_list_free(&l);
	free(trimmed);
	return rc;
}

/* --- writing ----------------------------------------------------------- */

/* The indicator an objective names, "ID#N", in the scope. */
typedef struct {
	long long id;
	char idbp[64];
	int num;
	ind_type_t type;
	char *unit;
	long long first_measured; /* days of its first measurement's end, -1: none */
	char first_end[11];
} ind_ref_t;

static steer_rc find_indicator(store_t *s, const char *ref, ind_ref_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	out->first_measured = -1;
	const char *hash = strrchr(ref, '#');
	long num;
	if (!hash || hash == ref || !input_whole(hash + 1, 1, 100000, &num))
		return store_refuse(d, "bad-indicator", "name it as ITEM#N, e.g. a.1#2 for indicator 2 of a.1 (sobre show ITEM lists them)",
				    "'%s' does not name an indicator", ref);
	char *idbp = xstrndup(ref, (size_t)(hash - ref));
	practice_ref_t p;
	steer_rc rc = practice_find(s, idbp, false, &p, d);
	free(idbp);
	if (rc)
		return rc;
	store_query_t *q = store_query(s, "SELECT id, type, unit FROM indicator WHERE practice_id = ? AND num = ? "
					  "AND archived_version IS NULL");
	store_bind_int(q, 1, p.id);
	store_bind_int(q, 2, num);
	bool found = store_next(q);
	if (found) {
		out->id = store_col_int(q, 0);
		int t = indicator_type_parse(store_col_text(q, 1));
		out->type = t < 0 ? IND_TEXT : (ind_type_t)t;
		out->unit = store_col_dup(q, 2);
	}
	if ((rc = store_end(q, d, "reading the indicator")))
		return rc;
	if (!found)
		return store_refuse(d, "unknown-indicator", "sobre show ITEM lists its indicators and their numbers",
				    "%s has no current indicator %ld", p.idbp, num);
	snprintf(out->idbp, sizeof out->idbp, "%s", p.idbp);
	out->num = (int)num;
	q = store_query(s, "SELECT \"end\" FROM measurement WHERE indicator_id = ? ORDER BY \"end\", start LIMIT 1");
	store_bind_int(q, 1, out->id);
	if (store_next(q)) {
		snprintf(out->first_end, sizeof out->first_end, "%s", store_col_text(q, 0));
		out->first_measured = days_of(out->first_end);
	}
	return store_end(q, d, "reading the measurements");
}

/* An objective's fields as text, canonical: what is compared, logged and
 * written. */
typedef struct {
	char *name, *target, *deadline, *baseline, *baseline_period, *budget, *staff;
} ofields_t;

static void ofields_free(ofields_t *f)
{
	free(f->name);
	free(f->target);
	free(f->deadline);
	free(f->baseline);
	free(f->baseline_period);
	free(f->budget);
	free(f->staff);
}

static char *optional(const char *s)
{
	char *t = input_trim(s);
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}


/* Applies spec over f (the current fields, or zeroes when adding) and
 * checks the result against the indicator. */
static steer_rc apply_spec(const objective_spec_t *spec, const ind_ref_t *ind, const char *created_day, ofields_t *f,
			   diag_list_t *d)
{
	steer_rc rc = STEER_OK;
	const char *why;
	buf_t canon = BUF_INIT;
	if (spec->name) {
		free(f->name);
		f->name = optional(spec->name);
		if (!f->name)
			rc = store_refuse(d, "bad-name", "e.g. \"Réduire la consommation des serveurs\"", "an objective needs a name");
		else if ((why = input_text_problem(f->name, INPUT_MAX_NAME, false)))
			rc = store_refuse(d, "bad-name", NULL, "the objective's name %s", why);
	}
	if (ind->type == IND_TEXT)
		rc = store_refuse(d, "text-indicator",
				  "choose a yes/no, percentage or quantity indicator, or change its type (sobre indicator set ITEM N --type ...)",
				  "indicator %s#%d is free text: an objective needs a value to reach", ind->idbp, ind->num);
	if (spec->target) {
		free(f->target);
		f->target = optional(spec->target);
		if (!f->target)
			rc = store_refuse(d, "bad-target", NULL, "an objective needs a target (--target VALUE)");
		else if (ind->type != IND_TEXT && (why = indicator_check_value(ind->type, ind->unit, f->target, &canon)))
			rc = store_refuse(d, "bad-target", NULL, "the target '%s' %s (indicator %s#%d is %s)", f->target, why,
					  ind->idbp, ind->num, indicator_type_name(ind->type));
		else if (ind->type != IND_TEXT) {
			free(f->target);
			f->target = xstrdup(buf_cstr(&canon));
		}
	}
	if (spec->deadline) {
		char iso[11];
		free(f->deadline);
		f->deadline = optional(spec->deadline);
		if (!f->deadline || !input_date(f->deadline, iso)) {
			rc = store_refuse(d, "bad-date", "give it as YYYY-MM-DD or DD/MM/YYYY", "the deadline '%s' is not a date",
					  f->deadline ? f->deadline : "");
		} else {
			free(f->deadline);
			f->deadline = xstrdup(iso);
		}
	}
	if (spec->baseline) {
		free(f->baseline);
		f->baseline = optional(spec->baseline);
		if (f->baseline && ind->type != IND_TEXT &&
		    (why = indicator_check_value(ind->type, ind->unit, f->baseline, &canon))) {
			rc = store_refuse(d, "bad-baseline", NULL, "the baseline '%s' %s (indicator %s#%d is %s)", f->baseline,
					  why, ind->idbp, ind->num, indicator_type_name(ind->type));
		} else if (f->baseline) {
			free(f->baseline);
			f->baseline = xstrdup(buf_cstr(&canon));
		}
	}
	if (spec->baseline_period) {
		input_period_t per;
		free(f->baseline_period);
		f->baseline_period = optional(spec->baseline_period);
		if (f->baseline_period && !input_period(f->baseline_period, &per)) {
			rc = store_refuse(d, "bad-period", "a year (2025), a quarter (2025-T4), a month (2025-12) or a day",
					  "the baseline period '%s' is not a period", f->baseline_period);
		} else if (f->baseline_period) {
			free(f->baseline_period);
			f->baseline_period = xstrdup(per.text);
		}
	}
	if (f->baseline_period && !f->baseline)
		rc = store_refuse(d, "bad-baseline", "give the value measured then: --baseline VALUE",
				  "a baseline period without a baseline value");
	if (!assess_means(spec->budget, true, &f->budget, d))
		rc = STEER_REFUSED;
	if (!assess_means(spec->staff, false, &f->staff, d))
		rc = STEER_REFUSED;
	/* A yes/no objective has no trajectory: only its deadline counts. */
	if (!rc && f->deadline && ind->type != IND_YESNO) {
		/* The trajectory needs time: the deadline after the baseline. */
		char bdate[11] = "";
		const char *from = "the first measurement's end";
		if (f->baseline) {
			baseline_date_of(f->baseline_period, created_day, bdate);
			from = f->baseline_period ? "the end of the baseline period" : "the day the objective was added";
		} else if (ind->first_measured >= 0) {
			memcpy(bdate, ind->first_end, 11);
		}
		if (*bdate && strcmp(f->deadline, bdate) <= 0)
			rc = store_refuse(d, "deadline-before-baseline",
					  "the trajectory runs from the baseline to the deadline: give a later --by, or an earlier baseline",
					  "the deadline %s is not after the baseline's date, %s (%s)", f->deadline, bdate, from);
	}
	buf_free(&canon);
	return rc;
}


static steer_rc name_taken(store_t *s, const char *name, long long except, diag_list_t *d)
{
	long long id = 0;
	char *found = NULL;
	steer_rc rc = find_by_name(s, name, &id, &found, d);
	if (!rc && id && id != except)
		rc = store_refuse(d, "objective-exists", "give it another name, or change that one: sobre objective set NAME ...",
				  "this perimeter already has an objective '%s' (names are compared regardless of case and "
				  "accents; archived objectives keep theirs)", found);
	free(found);
	return rc;
}

steer_rc objective_add(store_t *s, const objective_spec_t *spec, long long *id, diag_list_t *d)
{
	ind_ref_t ind = {0};
	ofields_t f = {0};
	char at[21];
	steer_rc rc;
	if ((rc = store_require_tx(s, d)))
		return rc;
	if (!spec->name || !spec->indicator || !spec->target || !spec->deadline)
		return store_refuse(d, "objective-incomplete", "sobre objective add NAME --indicator ID#N --target VALUE --by DATE",
				    "an objective needs a name, an indicator, a target and a deadline");
	store_timestamp(s, at);
	if ((rc = find_indicator(s, spec->indicator, &ind, d)) || (rc = apply_spec(spec, &ind, at, &f, d)) ||
	    (rc = name_taken(s, f.name, 0, d)))
		goto cleanup;
	store_query_t *q = store_query(s, "INSERT INTO objective(perimeter_id, name, indicator_id, target, deadline, baseline, "
					  "baseline_period, budget, staff, created_at, created_by) "
					  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	store_bind_int(q, 1, store_perimeter(s));
	store_bind_text(q, 2, f.name);
	store_bind_int(q, 3, ind.id);
	store_bind_text(q, 4, f.target);
	store_bind_text(q, 5, f.deadline);
	store_bind_text(q, 6, f.baseline);
	store_bind_text(q, 7, f.baseline_period);
	store_bind_unset(q, 8, input_hundredths_of(f.budget));
	store_bind_unset(q, 9, input_hundredths_of(f.staff));
	store_bind_text(q, 10, at);
	store_bind_text(q, 11, store_actor(s));
	if ((rc = store_scalar(q, 0, id, d, "adding the objective")))
		goto cleanup;
	buf_t field = BUF_INIT, what = BUF_INIT;
	buf_printf(&field, "objective %s", f.name);
	buf_printf(&what, "%s#%d: %s by %s", ind.idbp, ind.num, f.target, f.deadline);
	if (f.baseline)
		buf_printf(&what, ", from %s (%s)", f.baseline, f.baseline_period ? f.baseline_period : "given");
	rc = store_log(s, NULL, buf_cstr(&field), NULL, buf_cstr(&what), d);
	buf_free(&field);
	buf_free(&what);
cleanup:
	free(ind.unit);
	ofields_free(&f);
	return rc;
}

/* The objective `name` of the scope's perimeter as fields, with its
 * indicator. */
static steer_rc load_for_change(store_t *s, const char *name, objective_t *o, ind_ref_t *ind, ofields_t *f,
				diag_list_t *d)
{
	steer_rc rc = objective_get(s, name, o, d);
	if (rc)
		return rc;
	buf_t b = BUF_INIT;
	memset(ind, 0, sizeof *ind);
	ind->first_measured = -1;
	snprintf(ind->idbp, sizeof ind->idbp, "%s", o->idbp);
	ind->num = o->num;
	ind->type = o->type;
	ind->unit = xstrdup(o->unit ? o->unit : "");
	if (o->nmeasures) {
		snprintf(ind->first_end, sizeof ind->first_end, "%s", o->measures[0].end);
		ind->first_measured = days_of(ind->first_end);
	}
	f->name = xstrdup(o->name);
	f->target = xstrdup(o->target);
	f->deadline = xstrdup(o->deadline);
	f->baseline = o->baseline_measured || !o->baseline ? NULL : xstrdup(o->baseline);
	f->baseline_period = o->baseline_measured || !o->baseline_period ? NULL : xstrdup(o->baseline_period);
	if (o->budget >= 0) {
		input_hundredths_text(o->budget, &b);
		f->budget = buf_detach(&b);
	}
	if (o->staff >= 0) {
		input_hundredths_text(o->staff, &b);
		f->staff = buf_detach(&b);
	}
	buf_free(&b);
	return STEER_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* A copy of f, to change while f keeps what was read. */
static void ofields_copy(const ofields_t *f, ofields_t *out)
{
	out->name = dup_or_null(f->name);
	out->target = dup_or_null(f->target);
	out->deadline = dup_or_null(f->deadline);
	out->baseline = dup_or_null(f->baseline);
	out->baseline_period = dup_or_null(f->baseline_period);
	out->budget = dup_or_null(f->budget);
	out->staff = dup_or_null(f->staff);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

steer_rc objective_set(store_t *s, const char *name, const objective_spec_t *spec, size_t *changed_out,
		       diag_list_t *d)
{
	objective_t o = {0};
	ind_ref_t ind = {0};
	ofields_t old = {0}, nw = {0};
	size_t changed = 0;
	steer_rc rc;
	/* Loaded once: a second load into o and ind would leak the first. */
	if ((rc = store_require_tx(s, d)) || (rc = load_for_change(s, name, &o, &ind, &old, d)))
		goto cleanup;
	ofields_copy(&old, &nw);
	if (spec->check_version && spec->if_version != o.version) {
		rc = store_refuse(d, "stale-version", "reload the objective and make the change again",
				  "objective '%s' was changed since it was read (version %lld, now %lld)", o.name,
				  spec->if_version, o.version);
		goto cleanup;
	}
	if (o.archived) {
		rc = store_refuse(d, "archived-objective", NULL, "objective '%s' is archived: it cannot change", o.name);
		goto cleanup;
	}
	if (spec->indicator) {
		rc = store_refuse(d, "objective-indicator", "archive it and add a new objective on the other indicator",
				  "an objective keeps its indicator (its trajectory and its frozen states are about it)");
		goto cleanup;
	}
	if ((rc = apply_spec(spec, &ind, o.created_at, &nw, d)) ||
	    (strcmp(old.name, nw.name) != 0 && (rc = name_taken(s, nw.name, o.id, d))))
		goto cleanup;
	static const char *const labels[] = {"name", "target", "deadline", "baseline", "baseline period", "budget", "staff"};
	const char *const olds[] = {old.name, old.target, old.deadline, old.baseline, old.baseline_period, old.budget, old.staff};
	const char *const news[] = {nw.name, nw.target, nw.deadline, nw.baseline, nw.baseline_period, nw.budget, nw.staff};
	buf_t field = BUF_INIT;
	for (size_t i = 0; i < sizeof labels / sizeof *labels && !rc; i++)
		if (!same(olds[i], news[i])) {
			changed++;
			buf_reset(&field);
			buf_printf(&field, "objective %s %s", old.name, labels[i]);
			rc = store_log(s, NULL, buf_cstr(&field), olds[i], news[i], d);
		}
	buf_free(&field);
	if (rc || !changed)
		goto cleanup;
	store_query_t *q = store_query(s, "UPDATE objective SET name = ?, target = ?, deadline = ?, baseline = ?, "
					  "baseline_period = ?, budget = ?, staff = ? WHERE id = ?");
	store_bind_text(q, 1, nw.name);
	store_bind_text(q, 2, nw.target);
	store_bind_text(q, 3, nw.deadline);
	store_bind_text(q, 4, nw.baseline);
	store_bind_text(q, 5, nw.baseline_period);
	store_bind_unset(q, 6, input_hundredths_of(nw.budget));
	store_bind_unset(q, 7, input_hundredths_of(nw.staff));
	store_bind_int(q, 8, o.id);
	rc = store_exec(q, d, "saving the objective");
cleanup:
	objective_free(&o);
	free(ind.unit);
	ofields_free(&old);
	ofields_free(&nw);
	if (changed_out)
		*changed_out = rc ? 0 : changed;
	return rc;
}

steer_rc objective_archive(store_t *s, const char *name, diag_list_t *d)
{
	objective_t o = {0};
	steer_rc rc;
	if ((rc = store_require_tx(s, d)) || (rc = objective_get(s, name, &o, d)))
		goto cleanup;
	if (o.archived) {
		rc = store_refuse(d, "archived-objective", NULL, "objective '%s' is already archived", o.name);
		goto cleanup;
	}
	char at[21];
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "UPDATE objective SET archived_at = ? WHERE id = ?");
	store_bind_text(q, 1, at);
	store_bind_int(q, 2, o.id);
	if (!(rc = store_exec(q, d, "archiving the objective"))) {
		buf_t field = BUF_INIT;
		buf_printf(&field, "objective %s", o.name);
		rc = store_log(s, NULL, buf_cstr(&field), "current", "archived", d);
		buf_free(&field);
	}
cleanup:
	objective_free(&o);
	return rc;
}

/* --- snapshots --------------------------------------------------------- */

/* A canonical value as the chart places it; false when it is none. */
static bool chart_value(ind_type_t type, const char *v, double *out)
{
	if (!v)
		return false;
	if (type == IND_YESNO) {
		*out = strcmp(v, "oui") == 0;
		return strcmp(v, "oui") == 0 || strcmp(v, "non") == 0;
	}
	char *end;
	*out = strtod(v, &end);
	return end != v && !*end;
}

void objective_chart(const objective_t *o, chart_trajectory_t *t, chart_tpoint_t **pts)
{
	memset(t, 0, sizeof *t);
	*pts = o->nmeasures ? xcalloc(o->nmeasures, sizeof **pts) : NULL;
	for (size_t i = 0; i < o->nmeasures; i++)
		if (chart_value(o->type, o->measures[i].value, &(*pts)[t->n].value))
			(*pts)[t->n++].date = o->measures[i].end;
	t->measures = *pts;
	/* A yes/no objective has no trajectory: it is reached or not. */
	if (o->type != IND_YESNO && o->baseline_date && chart_value(o->type, o->baseline, &t->baseline))
		t->baseline_date = o->baseline_date;
	t->deadline = o->deadline;
	chart_value(o->type, o->target, &t->target);
	t->yesno = o->type == IND_YESNO;
	t->unit = o->type == IND_PERCENT ? "%" : o->unit ? o->unit : "";
	t->title = o->name;
}

steer_rc objective_freeze(store_t *s, long long snapshot_id, diag_list_t *d)
{
	objective_list_t l;
	steer_rc rc = objective_list(s, false, &l, d);
	buf_t expected = BUF_INIT;
	for (size_t i = 0; i < l.len && !rc; i++) {
		const objective_t *o = &l.items[i];
		buf_reset(&expected);
		if (o->eval.has_expected)
			objective_number_text(o->eval.expected, &expected);
		store_query_t *q = store_query(s, "INSERT INTO snapshot_objective(snapshot_id, objective_id, state, value, "
						  "period, expected) VALUES (?, ?, ?, ?, ?, ?)");
		store_bind_int(q, 1, snapshot_id);
		store_bind_int(q, 2, o->id);
		store_bind_text(q, 3, objective_state_name(o->eval.state));
		store_bind_text(q, 4, o->latest);
		store_bind_text(q, 5, o->latest_period);
		store_bind_text(q, 6, o->eval.has_expected ? buf_cstr(&expected) : NULL);
		rc = store_exec(q, d, "freezing the objectives");
	}
	buf_free(&expected);
	objective_list_free(&l);
	return rc;
}

steer_rc objective_frozen(store_t *s, long long snapshot_id, objective_frozen_list_t *out, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	store_query_t *q = store_query(s, "SELECT objective_id, state, value, period, expected FROM snapshot_objective "
					  "WHERE snapshot_id = ? ORDER BY objective_id");
	store_bind_int(q, 1, snapshot_id);
	size_t cap = 0;
	while (store_next(q)) {
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof *out->items);
		objective_frozen_t *x = &out->items[out->len++];
		x->objective_id = store_col_int(q, 0);
		int st = objective_state_parse(store_col_text(q, 1));
		x->state = st < 0 ? OBJ_NO_DATA : (objective_state_t)st;
		x->value = store_col_dup(q, 2);
		x->period = store_col_dup(q, 3);
		x->expected = store_col_dup(q, 4);
	}
	steer_rc rc = store_end(q, d, "reading the frozen objectives");
	if (rc)
		objective_frozen_free(out);
	return rc;
}

void objective_frozen_free(objective_frozen_list_t *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->items[i].value);
		free(l->items[i].period);
		free(l->items[i].expected);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

void objective_value_fr(const objective_t *o, const char *canon, buf_t *out)
{
	if (!canon) {
		buf_puts(out, "\xe2\x80\x94");
		return;
	}
	for (const char *p = canon; *p; p++)
		buf_putc(out, *p == '.' && o->type != IND_YESNO ? ',' : *p);
	const char *unit = o->type == IND_PERCENT ? "%" : o->type == IND_YESNO ? "" : o->unit;
	if (unit && *unit)
		buf_printf(out, "\xc2\xa0%s", unit);
}

void objective_state_fr(const objective_t *o, buf_t *out)
{
	buf_puts(out, objective_state_name(o->eval.state));
	if (o->eval.state != OBJ_LATE || !o->eval.has_expected)
		return;
	buf_t n = BUF_INIT;
	objective_number_text(o->eval.gap, &n);
	buf_puts(out, " de ");
	for (const char *p = buf_cstr(&n); *p; p++)
		buf_putc(out, *p == '.' ? ',' : *p);
	if (o->type == IND_PERCENT)
		buf_puts(out, o->eval.gap > 1 ? "\xc2\xa0points" : "\xc2\xa0point");
	else if (o->unit && *o->unit)
		buf_printf(out, "\xc2\xa0%s", o->unit);
	buf_free(&n);
}
