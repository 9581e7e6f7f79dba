/* sitewrite: writing a static site to its folder atomically, whatever
 * renders its files (the guide's site, a référentiel's). Every file is
 * rendered on a few threads into a temporary folder beside the output,
 * which is swapped in only once complete: a failed or interrupted build
 * leaves the previous site as it was. Owns the .sobre-site marker (a
 * folder sobre did not write is never replaced), the lock that makes
 * builds beside one output take turns, and the removal of the temporary
 * folders that killed builds left. */
#ifndef SOBRE_SITEWRITE_H
#define SOBRE_SITEWRITE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

typedef void (*sitewrite_progress_fn)(size_t done, size_t total, void *ud);

typedef struct {
	size_t files;
	size_t bytes;
} sitewrite_stats_t;

/* A site's files, as its renderer gives them. */
typedef struct {
	size_t n;
	const void *site; /* passed back to path and render */
	/* File i's path relative to the site's root ("a/b/index.html"). */
	const char *(*path)(const void *site, size_t i);
	/* Renders file i into out; called from several threads at once.
	 * Returns 0, or -1 with diagnostics. */
	int (*render)(const void *site, size_t i, buf_t *out, diag_list_t *diags);
	/* The order to render them in: the big single files first, so that
	 * they overlap with the many small pages instead of finishing last,
	 * alone. n indexes; NULL: 0 to n-1. */
	const size_t *order;
} sitewrite_src_t;

/* Writes every file of src into a temporary folder beside out_dir and swaps
 * it in when all succeeded. threads <= 0 uses every core. progress may be
 * NULL; it is called from the calling thread only. stats (may be NULL) gets
 * the files and bytes written. Returns 0, or -1 with diagnostics (a file
 * that would not render or write, an output folder sobre did not write). */
int sitewrite(const sitewrite_src_t *src, const char *out_dir, int threads, sitewrite_progress_fn progress,
	      void *ud, sitewrite_stats_t *stats, diag_list_t *diags);

#endif
