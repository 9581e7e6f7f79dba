/* referentiel: a référentiel as data, whatever its source: id, title,
 * version and date, its themes in order and its items (id, theme, title,
 * Markdown sections such as the RGESN's objectif / mise en œuvre / moyen de
 * test, priority, difficulty, roles, example indicators, applicability),
 * with the profile that assesses it. Owns the readers and their detection
 * from the source: the GBPNR Markdown folder (through guide_load), the
 * RGESN JSON as the DINUM site stores it (2024 edition, and the 2022-2023
 * one), the guide's official JSON export envelope, NumEcoDiag's RGESN v1
 * envelope, and CSV with a header row mapped by the profile. Every reader
 * reports bad input as `check` does: file:line:col, a rule id, a hint.
 * A référentiel owns all its strings; it is read-only once loaded. */
#ifndef SOBRE_REFERENTIEL_H
#define SOBRE_REFERENTIEL_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/guide.h"
#include "guide/profile.h"
#include "util/diag.h"

/* Larger sources are refused before being read. */
#define REFERENTIEL_MAX_FILE (64u << 20)
#define REFERENTIEL_MAX_SECTIONS 4

typedef enum {
	REF_GBPNR_FOLDER,  /* the guide's Markdown sources */
	REF_RGESN_2024,    /* array of {numero, thematique, critere, difficulte, priorite, cible, metiers, objectif, miseEnOeuvre, controle} */
	REF_RGESN_2023,    /* array of {numero, thematique, critere, objectif, miseEnOeuvre, controle} */
	REF_EXPORT_JSON,   /* {title, version, ..., thematiques[{..., bonnesPratiques[...]}]} (sobre export --format json) */
	REF_NUMECODIAG,    /* {title, version, updated_at, criteres[{id, url, critere, thematique}]} */
	REF_CSV,           /* header row, columns named by the profile's csv mapping */
} referentiel_format_t;

typedef struct {
	char *key;    /* "objectif", "mise-en-oeuvre", "controle" */
	char *title;  /* "Objectif", "Mise en œuvre", "Moyen de test" */
	char *text;   /* Markdown */
} ref_section_t;

typedef struct {
	char *id;          /* "4.1", "a.1" */
	size_t theme;      /* index in themes */
	char *title;       /* the practice's title, or the criterion's question */
	ref_section_t sections[REFERENTIEL_MAX_SECTIONS];
	size_t nsections;
	char *priority;    /* as written; "" when the source has none */
	char *difficulty;  /* as written; "" when none */
	char **roles;      /* GBPNR who, RGESN metiers split on commas */
	size_t nroles;
	char **indicators;
	size_t nindicators;
	bool always_applicable; /* RGESN 2024 cible "Applicable à tous les services": "not applicable" is refused */
	char *applicability;    /* the cible as written ("" when the source has none) */
	char *url;              /* the item's page on its source site, "" when unknown */
	const char *file;       /* where it was read, for diagnostics (owned by the référentiel) */
	int line, col;
} ref_item_t;

typedef struct {
	char *id;      /* "a." for the GBPNR; a slug of the title for the RGESN ("strategie") */
	char *title;
	size_t first, count; /* its items: items[first .. first + count) */
} ref_theme_t;

typedef struct referentiel {
	char *id;        /* default id for `guide import`: "gbpnr", "rgesn", else a slug of the title */
	char *title, *version, *date; /* "" when the source gives none */
	referentiel_format_t format;
	char *source;    /* the path read */
	const profile_t *profile; /* built in, or the one given to referentiel_load (borrowed) */
	ref_theme_t *themes;
	size_t nthemes;
	ref_item_t *items; /* theme by theme, in source order within a theme */
	size_t nitems;
	guide_t *guide;  /* REF_GBPNR_FOLDER: the loaded guide (owned), for the site and exports; else NULL */
	char *files_arena; /* internal */
	struct strset *index; /* internal: item ids to their index, for referentiel_find */
} referentiel_t;

/* Detects the format of path: a folder is the GBPNR, a .csv file CSV, a
 * JSON file by its shape. Returns -1 with a diagnostic (rule
 * "unknown-source" and what was expected) when nothing fits. */
int referentiel_detect(const char *path, diag_list_t *d);

/* Reads the référentiel at path. profile: the profile for CSV and for an
 * organisation's own grid (NULL: the built-in of the detected format;
 * required for CSV that is not sobre's own export). Items with errors are
 * reported in d and left out; returns NULL only when nothing can be read.
 * Errors in d mean the caller must not import or build it. */
referentiel_t *referentiel_load(const char *path, const profile_t *profile, diag_list_t *d);
/* A référentiel from a GBPNR guide already loaded (takes ownership of g). */
referentiel_t *referentiel_from_guide(guide_t *g, diag_list_t *d);
void referentiel_free(referentiel_t *r);

/* The item with that id, or NULL. */
const ref_item_t *referentiel_find(const referentiel_t *r, const char *id);
/* "rgesn-2024 JSON", for messages. */
const char *referentiel_format_name(referentiel_format_t f);
/* A slug of text: lowercase ASCII, accents dropped, runs of other
 * characters as one '-' ("Stratégie" -> "strategie"). */
void referentiel_slug(const char *text, buf_t *out);

#endif
