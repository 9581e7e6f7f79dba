/* rules: the checks `sobre check` runs over a loaded guide. Each rule has a
 * stable id (listed in README.md) used in diagnostics and golden tests. */
#ifndef SOBRE_RULES_H
#define SOBRE_RULES_H

#include "guide/guide.h"
#include "util/diag.h"

/* The allowed values of the enumerated sheet fields, in display order. */
extern const char *const rules_priorities[3];
extern const char *const rules_difficulties[3];

/* Appends every problem found in g to diags. */
void rules_check(const guide_t *g, diag_list_t *diags);

/* The same, rendering each page's Markdown completely (typography, bare
 * URLs, {{ names }} resolved) on the way, since the link check parses it
 * anyway: html[i] receives page i's HTML (malloc'd, caller frees) and
 * html_len[i] its length. For `build`, which needs that HTML next. */
void rules_check_render(const guide_t *g, diag_list_t *diags, char **html, size_t *html_len);

#endif
