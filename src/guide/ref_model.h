/* ref_model: the référentiel model as its readers build it, and the
 * model's own functions of referentiel.h (referentiel_free, _find, _slug,
 * _format_name), kept here so that referentiel.c (detection, loading) and
 * the readers (ref_json, ref_csv) share them without calling each other in
 * a circle. A builder adds themes (found again by id) and items in source
 * order, then ref_build_finish groups the items theme by theme, leaves out
 * a repeated id (reported at both places) and indexes the ids. Also the
 * checks every reader makes of one value (an id, a priority, a difficulty)
 * so that each is reported in the same words whatever the source. */
#ifndef SOBRE_REF_MODEL_H
#define SOBRE_REF_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/referentiel.h"

/* An id longer than this is not a criterion's number: ids go into URLs
 * and command lines (`sobre assess 4.1`). */
#define REF_MAX_ID 32

/* The RGESN's three Markdown sections: the key sobre gives each, the
 * heading it has on the site, and its field in the DINUM's JSON. */
typedef struct {
	const char *key, *title, *json;
} ref_section_def_t;
extern const ref_section_def_t ref_rgesn_sections[3];

/* What the RGESN writes in cible for a criterion that is never "not applicable". */
#define REF_ALWAYS_APPLICABLE "Applicable à tous les services"

typedef struct {
	referentiel_t *r;
	diag_list_t *d;
	bool check; /* report a repeated id (a guide's own rules report them already) */
	size_t themecap, itemcap;
	struct strset *theme_ids; /* theme id -> index: a file may name a theme per row */
} ref_builder_t;

/* Starts a référentiel read from source (the path, copied) with profile
 * (borrowed). Every item is reported against source unless given a file.
 * A started builder is always finished (ref_build_finish frees its own). */
void ref_build_start(ref_builder_t *b, referentiel_format_t format, const char *source, const profile_t *profile,
		     diag_list_t *d);
/* Sets the référentiel's id, title, version and date (NULL: left as
 * they are, "" at first). */
void ref_build_meta(ref_builder_t *b, const char *id, const char *title, const char *version, const char *date);
/* The index of the theme with that id, added (with title) when new;
 * *existed (may be NULL) says whether it was there already. */
size_t ref_build_theme(ref_builder_t *b, const char *id, const char *title, bool *existed);
/* Appends an item of theme (an index from ref_build_theme) and returns it
 * for the caller to fill (sections, priority... start empty). file NULL:
 * the source; else a string the référentiel owns (a guide page's path). */
ref_item_t *ref_build_item(ref_builder_t *b, size_t theme, const char *id, const char *title, const char *file,
			   int line, int col);
/* Groups the items theme by theme, source order kept within a theme,
 * leaves out the later of two items sharing an id (a ref-duplicate-id
 * error when b->check) and indexes the ids. Returns the référentiel. */
referentiel_t *ref_build_finish(ref_builder_t *b);

void ref_item_section(ref_item_t *it, const char *key, const char *title, const char *text);
/* Appends the parts of text between separators (any byte of seps), trimmed
 * of white space, empty ones skipped: "Porteur de projet, Développeur". */
void ref_item_split(char ***list, size_t *n, const char *text, const char *seps);
void ref_item_push(char ***list, size_t *n, const char *s);

/* The checks of one value, reported at file:line:col for the item named
 * by what ("criterion 4.1"); false when it is refused. An id is 1 to
 * REF_MAX_ID letters, digits, '.', '-' or '_' (rule ref-bad-id). A
 * priority or difficulty must be one of the profile's
 * (ref-unknown-priority, ref-unknown-difficulty: the hint lists them). */
bool ref_check_id(diag_list_t *d, const char *file, int line, int col, const char *what, const char *id);
bool ref_check_priority(diag_list_t *d, const profile_t *p, const char *file, int line, int col, const char *what,
			const char *value);
bool ref_check_difficulty(diag_list_t *d, const profile_t *p, const char *file, int line, int col,
			  const char *what, const char *value);

/* The key of a section titled title: the RGESN's own for its three
 * headings (any case, accents optional), else a slug of the title. */
void ref_section_key(const char *title, buf_t *out);
/* The id a référentiel is imported under by default: "gbpnr" and "rgesn"
 * for the built-in profiles' families, else a slug of the profile's title
 * (its id when it has none). */
const char *ref_default_id(const profile_t *p, buf_t *scratch);

#endif
