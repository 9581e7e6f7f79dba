/* rules: the checks `sobre check` runs over a loaded guide. Each rule has a
 * stable id (listed in README.md) used in diagnostics and golden tests. */
#ifndef SOBRE_RULES_H
#define SOBRE_RULES_H

#include "guide/guide.h"
#include "util/diag.h"

/* A page body can hold millions of tags or links (16 MiB of "{%"), and each
 * diagnostic costs a few hundred bytes: past this many warnings of one rule
 * (template-syntax, unknown-variable, broken-link, broken-image) in one
 * page, the rest are counted in one last warning instead of listed. */
#define RULES_MAX_PAGE_WARNINGS 100

/* The allowed values of the enumerated sheet fields, in display order. */
extern const char *const rules_priorities[3];
extern const char *const rules_difficulties[3];

/* Appends every problem found in g to diags. assets names the files the
 * theme adds to the site's assets folder (theme_asset_names; NULL when
 * nassets is 0): a page whose URL would overwrite one is an error too. */
void rules_check(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags);

/* The same, rendering each page's Markdown completely (typography, bare
 * URLs, {{ names }} resolved) on the way, since the link check parses it
 * anyway: html[i] receives page i's HTML (malloc'd, caller frees) and
 * html_len[i] its length. For `build`, which needs that HTML next. */
void rules_check_render(const guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags, char **html,
			size_t *html_len);

/* rules_check_render for `build`, which writes the site from that HTML
 * alone: each page's source is freed (as guide_drop_sources does) as soon
 * as the page is checked, so that the sources and the bodies of a large
 * guide are never all in memory at once. */
void rules_check_build(guide_t *g, const char *const *assets, size_t nassets, diag_list_t *diags, char **html,
		       size_t *html_len);

#endif
