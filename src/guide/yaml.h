/* yaml: YAML (and therefore JSON) text to a value tree, through libfyaml's
 * event parser so that positions, depth and alias expansion stay under our
 * control. Scalars are typed with the YAML 1.2 core schema. */
#ifndef SOBRE_YAML_H
#define SOBRE_YAML_H

#include <stddef.h>

#include "guide/value.h"
#include "util/diag.h"

/* Deeper nesting is refused: it only serves to exhaust the stack of whatever walks the tree. */
#define YAML_MAX_DEPTH 64
/* Alias expansion (the "billion laughs" bomb) is cut off past this many nodes in one document. */
#define YAML_MAX_NODES 100000

/* Parses one YAML document. file names the source in diagnostics (borrowed:
 * it must outlive the tree, whose nodes point to it); line_offset is added to
 * every line (front matter starts below the opening "---"). An empty document
 * gives a null value. On error returns NULL with diagnostics appended.
 * Caller frees the result with value_free. */
value_t *yaml_parse(const char *file, const char *src, size_t len, int line_offset, diag_list_t *diags);

#endif
