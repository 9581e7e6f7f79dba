/* indicator: trackable indicators and their measurements, the only writer
 * of the indicator and measurement tables. Owns the type inference from a
 * guide's wording (yes/no, percentage, quantity with unit, free text; no
 * database involved), value validation against the type, the guide
 * indicators of each practice kept in line with the imported guide, custom
 * indicators, edits, measurements by period and the "due" rule. See
 * docs/scoring.md for the period rule. */
#ifndef SOBRE_INDICATOR_H
#define SOBRE_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"

typedef enum {
	IND_YESNO,
	IND_PERCENT,
	IND_QUANTITY,
	IND_TEXT,
	IND_NTYPES
} ind_type_t;

/* Stored name: "yesno", "percent", "quantity", "text". */
const char *indicator_type_name(ind_type_t t);
/* French label for reports: "oui / non", "pourcentage", "quantité", "texte". */
const char *indicator_type_label(ind_type_t t);
/* A stored or typed type name (yesno, yes/no, oui/non, percent, %,
 * pourcentage, quantity, quantité, number, text, texte...); -1 if none. */
int indicator_type_parse(const char *s);

/* The type a guide's wording suggests, and its unit (appended to unit, may
 * stay empty): "... : oui / non" or "Existence de ..." -> yes/no; "% des ...",
 * "Taux ...", "Part de ... (%)" -> percentage; "Nombre ...", "Durée ...",
 * "... (en To)", "MWh ..." -> quantity; anything else -> free text. */
ind_type_t indicator_infer(const char *wording, buf_t *unit);

/* Whether a unit measures the environmental footprint, for an indicator
 * not tagged either way: greenhouse gases (kgCO2e, t CO2e, gCO2eq),
 * energy (Wh, kWh, MWh, GWh), water (m3, litres), equipment counts
 * (équipements, terminaux, postes, serveurs, appareils), mass (kg, t of
 * waste). Case, accents and spaces aside. */
bool indicator_footprint_unit(const char *unit);

/* Validates a value typed for an indicator of type t (unit: its unit, may be
 * ""): yes/no accepts oui/non/yes/no/true/false/1/0; a percentage is a number
 * from 0 to 100 (a trailing % is fine); a quantity is a number (French
 * decimal comma accepted, the unit may follow); text is non-empty. Returns
 * NULL and the canonical value in canon, or a message saying what is wrong. */
const char *indicator_check_value(ind_type_t t, const char *unit, const char *value, buf_t *canon);

/* What to set on an indicator; NULL members stay as they are (or take the
 * default when adding), "" clears an optional one. */
typedef struct {
	const char *name;        /* required to add */
	const char *type;        /* default: inferred from the name */
	const char *unit;
	const char *target;      /* validated against the type */
	const char *target_date; /* YYYY-MM-DD */
	const char *direction;   /* "up" (higher is better), "down", or "" */
	const char *footprint;   /* a footprint figure for the strategy: oui, non, or "" (the unit says) */
} indicator_spec_t;

/* Adds a custom indicator to practice idbp; *num gets its number. */
steer_rc indicator_add(store_t *s, const char *idbp, const indicator_spec_t *spec, int *num, diag_list_t *d);
/* Brings the guide indicators of a practice (practice_id, idbp) in line
 * with the wordings a new guide version gives it, for catalog_import: a
 * wording kept keeps its indicator, number and measurements (restoring it
 * if it was archived), a new wording adds one (type and unit inferred), a
 * wording gone archives its indicator in version_id; custom indicators are
 * left alone. Restorations and archivings are logged, additions only with
 * log (not on a first import) and then counted in *added; archivings are
 * counted in *archived. */
steer_rc indicator_sync_guide(store_t *s, long long practice_id, const char *idbp, char *const *wordings, size_t n,
			     long long version_id, bool log, size_t *added, size_t *archived, diag_list_t *d);
/* Edits indicator num of practice idbp. Changing the type re-validates
 * every measurement already recorded and refuses if one does not fit. */
steer_rc indicator_edit(store_t *s, const char *idbp, int num, const indicator_spec_t *spec, diag_list_t *d);

typedef struct {
	char *period, *start, *end, *value, *source, *comment, *recorded_at, *recorded_by;
} measurement_t;

/* Frees m's members. */
void measurement_free(measurement_t *m);
/* m from the 8 columns of q from col: period, start, end, value, source,
 * comment, recorded_at, recorded_by (the measurement table's order). */
void measurement_read(const store_query_t *q, int col, measurement_t *m);

typedef struct {
	char *idbp;
	char *practice_title;
	int num;
	char *name;
	ind_type_t type;
	char *unit, *target, *target_date, *direction; /* NULL when unset (unit: "") */
	bool custom;
	bool footprint;           /* a footprint figure: tagged so, or untagged with a footprint unit */
	bool archived;            /* no longer in the guide (or its practice archived) */
	measurement_t *measures;  /* most recent first, at most the limit asked */
	size_t nmeasures;
	bool due;                 /* no measurement covering the last completed quarter or later */
} indicator_t;

typedef struct {
	indicator_t *items;
	size_t len;
} indicator_list_t;

/* Indicators of practice idbp (NULL: of every practice of the current
 * guide, in guide order), each with its last `last` measurements, most
 * recent first. Archived ones are included only for one practice. */
steer_rc indicator_list(store_t *s, const char *idbp, size_t last, indicator_list_t *out, diag_list_t *d);
void indicator_list_free(indicator_list_t *l);

/* The current guide's indicators that have measurements, in guide order,
 * each with its last `last` measurements (most recent first), read in one
 * query (reports over thousands of practices). */
steer_rc indicator_measured(store_t *s, size_t last, indicator_list_t *out, diag_list_t *d);

/* Which indicator `sobre measure` names: by number, by name (a unique
 * case- and accent-insensitive substring), or the only one. */
typedef struct {
	int num;          /* > 0 to select by number */
	const char *name; /* else by name when not NULL */
} indicator_ref_t;

typedef struct {
	int num;
	char *name;
	char *period;
	char *value;     /* canonical */
	char *old_value; /* the value it replaced for that period, or NULL */
} measure_result_t;

/* Records value for the period (default: today) on the indicator want names.
 * A second value for the same period replaces the first (the history keeps
 * both). */
steer_rc indicator_measure(store_t *s, const char *idbp, indicator_ref_t want, const char *value,
			   const char *period, const char *source, const char *comment, measure_result_t *res,
			   diag_list_t *d);
void measure_result_free(measure_result_t *r);

/* The "due" rule: the last completed calendar quarter before today, whose
 * first day a measurement's period must reach. */
void indicator_due_since(const char *today, char since[11], char label[11]);

#endif
