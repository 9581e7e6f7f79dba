/* yaml: YAML (and therefore JSON) text to a value tree, through libfyaml's
 * event parser so that positions, depth and alias expansion stay under our
 * control, or, for the simple block YAML of front matters, through a
 * hand-written reader that gives the same tree faster. Scalars are typed
 * with the YAML 1.2 core schema. */
#ifndef SOBRE_YAML_H
#define SOBRE_YAML_H

#include <stddef.h>

#include "guide/value.h"
#include "util/diag.h"

/* Deeper nesting is refused: it only serves to exhaust the stack of whatever walks the tree. */
#define YAML_MAX_DEPTH 64
/* Alias expansion (the "billion laughs" bomb) is cut off past this many nodes in one document. */
#define YAML_MAX_NODES 100000
/* Where the fast path for front matters (yaml.c) hands over to libfyaml,
 * which gives the same tree, only slower: nesting deeper than this (a front
 * matter nests two levels; under YAML_MAX_DEPTH, which libfyaml's path then
 * reports itself), keys of this many bytes or more (the key's buffer). */
#define YAML_FAST_MAX_DEPTH 16
#define YAML_FAST_MAX_KEY 128

/* Parses one YAML document. file names the source in diagnostics (borrowed:
 * it must outlive the tree, whose nodes point to it); line_offset is added to
 * every line (front matter starts below the opening "---"). An empty document
 * gives a null value. On error returns NULL with diagnostics appended.
 * Caller frees the result with value_free. */
value_t *yaml_parse(const char *file, const char *src, size_t len, int line_offset, diag_list_t *diags);

/* The two ways yaml_parse takes, declared for the tests that hold them to the
 * same tree. yaml_parse_fast reads only the simple block YAML of front
 * matters (see yaml.c) and returns NULL, having reported nothing, for any
 * other text; yaml_parse_slow is libfyaml's path, which reads all of YAML. */
value_t *yaml_parse_fast(const char *file, const char *src, size_t len, int line_offset);
value_t *yaml_parse_slow(const char *file, const char *src, size_t len, int line_offset, diag_list_t *diags);

#endif
