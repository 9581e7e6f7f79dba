/* diag: the one diagnostic type (severity, file, line, column, rule, message,
 * hint) and a list of them. Library code appends here instead of printing;
 * the CLI prints them gcc-style or as JSON. A list owns its diagnostics. */
#ifndef SOBRE_DIAG_H
#define SOBRE_DIAG_H

#include <stddef.h>

#include "util/buf.h"

typedef enum { DIAG_INFO, DIAG_WARNING, DIAG_ERROR } diag_sev_t;

typedef struct {
	diag_sev_t sev;
	char *file; /* may be NULL for diagnostics about no file */
	int line, col; /* 0 when unknown */
	char *rule; /* stable rule id, e.g. "value-not-in-set" */
	char *msg;
	char *hint; /* NULL when no fix is known */
	size_t seq; /* insertion order, for a stable sort */
} diag_t;

typedef struct {
	diag_t *items;
	size_t len, cap;
} diag_list_t;

#define DIAG_LIST_INIT {NULL, 0, 0}

/* Returns the new diagnostic so the caller may attach a hint. */
diag_t *diag_add(diag_list_t *l, diag_sev_t sev, const char *file, int line, int col,
		 const char *rule, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void diag_hint(diag_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a copy of d (with its hint) to l. */
void diag_copy(diag_list_t *l, const diag_t *d);
/* Appends copies of src's diagnostics to l, then empties src. */
void diag_move_all(diag_list_t *l, diag_list_t *src);
size_t diag_count(const diag_list_t *l, diag_sev_t sev);
/* Stable order: by file, then line, then column, then insertion order. */
void diag_sort(diag_list_t *l);
/* Warnings become errors (--strict). */
void diag_promote_warnings(diag_list_t *l);
void diag_list_free(diag_list_t *l);
const char *diag_sev_name(diag_sev_t sev);

/* gcc-style: "file:line:col: error: message [rule]" and an indented hint line. */
void diag_format_text(const diag_t *d, buf_t *out);
/* One JSON array of {file, line, column, severity, rule, message, hint}. */
void diag_format_json(const diag_list_t *l, buf_t *out);

#endif
