/* theme: the site's templates and assets: the default theme compiled into
 * the binary, each file overridable by a file of the same name in a theme
 * folder (--theme DIR). Templates are *.mustache (name without extension);
 * every other file is an asset copied to the site's /assets/ folder. */
#ifndef SOBRE_THEME_H
#define SOBRE_THEME_H

#include <stddef.h>

#include "render/mustache.h"
#include "util/diag.h"

/* A theme file is a template or a small asset; anything bigger is a mistake
 * (a video dropped in the folder), refused before it is read. */
#define THEME_MAX_FILE (4u << 20)

typedef struct {
	const char *name; /* file name, e.g. "sheet.mustache" or "sobre.css" */
	const char *data;
	size_t size;
} theme_file_t;

/* Generated at build time from themes/default/ (scripts/embed.py). */
extern const theme_file_t theme_default_files[];

typedef struct theme theme_t;

/* Loads the default theme, then the files of override_dir (may be NULL) over
 * it, and compiles every template. Returns NULL with diagnostics when a file
 * cannot be read or a template does not parse. Caller frees with theme_free. */
theme_t *theme_load(const char *override_dir, diag_list_t *diags);
void theme_free(theme_t *t);

/* A compiled template by name ("sheet"), or NULL. Borrowed. */
const mst_t *theme_template(const theme_t *t, const char *name);
/* Partial and parent lookup for mst_render; ud is the theme. */
const mst_t *theme_lookup(const char *name, size_t len, void *ud);

/* Assets (non-template files), in name order. */
size_t theme_asset_count(const theme_t *t);
const theme_file_t *theme_asset(const theme_t *t, size_t i);
/* The assets' names, for rules_check (which must not let a page take their
 * URLs): theme_asset_count(t) strings borrowed from t, NULL-terminated, in a
 * malloc'd array the caller frees (the array only). */
const char **theme_asset_names(const theme_t *t);

#endif
