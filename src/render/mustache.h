/* mustache: the template engine for site layouts and pages: the Mustache spec
 * with inheritance ({{<parent}}, {{$block}}) and dynamic partials ({{>*name}}),
 * no lambdas. Compiled once into an immutable mst_t, rendered from value_t. */
#ifndef SOBRE_MUSTACHE_H
#define SOBRE_MUSTACHE_H

#include <stddef.h>

#include "guide/value.h"
#include "util/buf.h"
#include "util/diag.h"

/* Hard limits (each names the blow-up it prevents in mustache.c). */
#define MST_MAX_SECTION_DEPTH 256          /* nested sections/parents/blocks in one template */
#define MST_MAX_PARTIAL_DEPTH 64           /* nested partial/parent expansions while rendering */
#define MST_MAX_RENDER_DEPTH 512           /* nested sections+partials+blocks while rendering */
#define MST_MAX_STEPS (1UL << 24)          /* template nodes visited by one mst_render */
#define MST_MAX_OUTPUT ((size_t)64 << 20)  /* bytes appended by one mst_render */

typedef struct mst mst_t;

/* Parse a template held in src[0..len) (need not be NUL-terminated; it is
 * copied). name is used in diagnostics, usually the file name. On a syntax
 * error returns NULL and appends one error with line:column to diags (may be
 * NULL): unclosed tag, unclosed section, closing tag without or with the
 * wrong opening tag, bad delimiter tag, empty or spaced tag name, nesting
 * deeper than MST_MAX_SECTION_DEPTH. Caller frees with mst_free. */
mst_t *mst_parse(const char *name, const char *src, size_t len, diag_list_t *diags);
void mst_free(mst_t *t);
const char *mst_name(const mst_t *t);

/* Resolves a partial or parent name (name[0..len), not NUL-terminated) to a
 * compiled template, or NULL when there is none (the tag then renders as
 * nothing, as the spec says). The result is borrowed: it must outlive the
 * mst_render call. Called concurrently when rendering from several threads. */
typedef const mst_t *(*mst_lookup_fn)(const char *name, size_t len, void *ud);

/* Render t with ctx (may be NULL) as the bottom of the context stack,
 * appending to out. lookup may be NULL (no partials). Returns 0, or -1 when a
 * limit above was hit (recursive partial, runaway template): then out is left
 * as it was and one error naming the tag is appended to diags (may be NULL).
 * Never prints. t is not modified, so one template may be rendered by several
 * threads at once, each with its own out and diags. Output is written once,
 * in order (indentation is inserted while writing, never by rescanning), so
 * the cost is linear in the output plus the node visits MST_MAX_STEPS caps. */
int mst_render(const mst_t *t, const value_t *ctx, mst_lookup_fn lookup, void *ud,
	       buf_t *out, diag_list_t *diags);

/* A registry maps names to template sources, compiled on first lookup. */
typedef struct mst_registry mst_registry_t;

/* Parse errors of lazily compiled templates are appended to diags (borrowed,
 * may be NULL; appends are made under the registry's lock). Caller frees with
 * mst_registry_free, after every render that uses it has returned. */
mst_registry_t *mst_registry_new(diag_list_t *diags);
void mst_registry_free(mst_registry_t *r);
/* Copies name, file and src. file names the source in diagnostics (NULL: use
 * name). A second add under the same name replaces the first. Not safe
 * concurrently with lookups: add every source before rendering starts. */
void mst_registry_add(mst_registry_t *r, const char *name, const char *file, const char *src,
		      size_t len);
/* The compiled template, parsing it on first use; NULL when the name is
 * unknown or its source has a syntax error (reported once). Borrowed: valid
 * until mst_registry_free. Safe to call from several threads. */
const mst_t *mst_registry_get(mst_registry_t *r, const char *name, size_t len);
/* An mst_lookup_fn over a registry: pass the registry as ud. */
const mst_t *mst_registry_lookup(const char *name, size_t len, void *registry);

#endif
