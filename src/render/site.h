/* site: the guide's website as a list of outputs (pages, exports, sitemap,
 * assets), each rendered on demand from the guide model and the theme:
 * `sobre build` writes them all, atomically; `sobre serve` renders the one a
 * request asks for. URLs are those of the old Eleventy site. */
#ifndef SOBRE_SITE_H
#define SOBRE_SITE_H

#include <stdbool.h>
#include <stddef.h>

#include "guide/guide.h"
#include "render/sitewrite.h"
#include "render/theme.h"
#include "util/buf.h"
#include "util/diag.h"

typedef struct site site_t;



/* Borrows g (whose HTML cache site_write fills) and theme, which must outlive the site. base_url is the site's
 * absolute URL (for exports and the sitemap). Caller frees with site_free. */
site_t *site_new(guide_t *g, const theme_t *theme, const char *base_url);
void site_free(site_t *s);

size_t site_count(const site_t *s);
/* Output file path relative to the site root ("a/b/index.html"). Borrowed. */
const char *site_path(const site_t *s, size_t i);
/* The URL path the output is served at ("/a/b/"). Borrowed. */
const char *site_url(const site_t *s, size_t i);
/* Index of the output served at url_path ("/a/b/", "/a/b" or "/a/b/index.html"), or -1. */
long site_find(const site_t *s, const char *url_path);
/* Content type for an output, e.g. "text/html; charset=utf-8". */
const char *site_content_type(const site_t *s, size_t i);

/* Renders output i into out. Thread-safe. Returns 0, or -1 with diagnostics. */
int site_render(const site_t *s, size_t i, buf_t *out, diag_list_t *diags);

typedef sitewrite_progress_fn site_progress_fn;
typedef sitewrite_stats_t site_stats_t;

/* Renders every output into a temporary folder beside out_dir and swaps it in
 * only when all succeeded (render/sitewrite): a failed or interrupted build
 * leaves the previous site untouched. threads <= 0 uses every core. progress may be NULL.
 * Renders every page body once first, into the guide's HTML cache, unless
 * guide_adopt_html filled it already. */
int site_write(site_t *s, const char *out_dir, int threads, site_progress_fn progress, void *ud,
	       site_stats_t *stats, diag_list_t *diags);

#endif
