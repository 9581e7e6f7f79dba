/* refsite: the website of a référentiel read from a file (the RGESN's JSON,
 * NumEcoDiag's, the guide's JSON export, CSV with its profile), as a list
 * of outputs each rendered on demand from the référentiel model and the
 * theme: a home page with the themes, a page per theme and per item (the
 * RGESN's criterion: its question, priority, difficulty, cible and métiers,
 * then its Markdown sections), the filterable list, the whole référentiel
 * on one page, its CSV and JSON (render/export_*), sitemap.xml, 404.html
 * and the theme's assets. Uses the same theme as the guide's site (the
 * ref-*.mustache templates over the shared layout, stylesheet and filter
 * script) and the same atomic writer (render/sitewrite). A guide folder's
 * site stays render/site's.
 *
 * URLs, every segment a lowercase ASCII slug:
 *   /                          home
 *   /thematiques/strategie/    a theme (a slug of its title; its id for the export envelope)
 *   /criteres/1-1/             an item (a slug of its id: "1.1" -> "1-1")
 *   /criteres/                 the filterable list
 *   /lecture/                  the whole référentiel on one page
 *   /rgesn-2024.csv, .json     the exports (a slug of the id and version)
 *   /sitemap.xml, /404.html, /assets/...
 * Two ids with one slug ("1.1" and "1-1") get "1-1" and "1-1-2", in the
 * référentiel's order; an id whose slug is empty gets "critere" (a theme
 * "thematique"), likewise made unique. */
#ifndef SOBRE_REFSITE_H
#define SOBRE_REFSITE_H

#include <stddef.h>

#include "guide/referentiel.h"
#include "render/sitewrite.h"
#include "render/theme.h"
#include "util/buf.h"
#include "util/diag.h"

/* Every page's side menu lists the themes up to this many, and only the
 * home and the list beyond: a menu of every theme on every page would make
 * the site's size items x themes (a CSV naming a theme per row, 10,000
 * rows: gigabytes). The RGESN has 9 themes, the GBPNR 9. */
#define REFSITE_MAX_SIDE_THEMES 40

typedef struct refsite refsite_t;

/* Borrows r and theme, which must outlive the site. base_url is the site's
 * absolute URL (for the sitemap and the exports' links). Caller frees with
 * refsite_free. */
refsite_t *refsite_new(const referentiel_t *r, const theme_t *theme, const char *base_url);
void refsite_free(refsite_t *s);

size_t refsite_count(const refsite_t *s);
/* Output i's file path relative to the site root ("criteres/1-1/index.html"). Borrowed. */
const char *refsite_path(const refsite_t *s, size_t i);

/* Renders output i into out. Thread-safe. Returns 0, or -1 with diagnostics
 * (a template the theme lacks, a runaway template). */
int refsite_render(const refsite_t *s, size_t i, buf_t *out, diag_list_t *diags);

/* Renders every item's sections once, then writes every output with
 * sitewrite (atomically, beside out_dir). threads <= 0 uses every core;
 * progress may be NULL. Returns 0, or -1 with diagnostics. */
int refsite_write(refsite_t *s, const char *out_dir, int threads, sitewrite_progress_fn progress, void *ud,
		  sitewrite_stats_t *stats, diag_list_t *diags);

#endif
