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

#endif
