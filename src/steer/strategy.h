/* strategy: the stratégie numérique responsable of the scope's perimeter
 * and its subtree, as the décret n° 2022-1084 lays it out: (1) the
 * programme de travail (actors, bilan of the footprint, actions already
 * engaged), (2) the objectives, (3) the measures and their means, (4) the
 * annual review of a year. Built from the database into a render/doc
 * document, written as an HTML page, an ODT or Markdown; and the texts
 * only a person can write (introduction, governance, the review's
 * commentary), the only writer of the strategy_text table. Which part
 * comes from where: docs/strategy.md. */
#ifndef SOBRE_STRATEGY_H
#define SOBRE_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>

#include "render/doc.h"
#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"

/* A text of the strategy is a Markdown page at most this long: a few
 * pages of prose; more is a document to link. */
#define STRATEGY_MAX_TEXT 50000
/* A table of the document (footprint indicators, actions engaged, the
 * plan) lists at most this many rows: the strategy of an organisation of
 * a thousand services would otherwise list 77,000 actions (20 MB of HTML)
 * that nobody reads at that level. The rest are counted, their means
 * summed, and each perimeter's own strategy lists them. */
#define STRATEGY_MAX_ROWS 500

typedef struct {
	const char *key;   /* "introduction", "gouvernance", "bilan" */
	const char *title; /* its French heading */
	const char *help;  /* what to write there, in French */
} strategy_field_t;

#define STRATEGY_NFIELDS 3
extern const strategy_field_t strategy_fields[STRATEGY_NFIELDS];
/* The field named key (case and accents aside), or NULL. */
const strategy_field_t *strategy_field(const char *key);

/* The scope's perimeter's texts, indexed like strategy_fields (NULL when
 * unset). The caller frees each. */
steer_rc strategy_texts(store_t *s, char *out[STRATEGY_NFIELDS], diag_list_t *d);
/* Sets field key of the scope's perimeter ("" or only white space clears
 * it); logged. Refuses an unknown field, invalid UTF-8, control
 * characters, more than STRATEGY_MAX_TEXT bytes. *changed (may be NULL):
 * whether it changed. */
steer_rc strategy_set(store_t *s, const char *key, const char *value, bool *changed, diag_list_t *d);

typedef enum { STRATEGY_HTML, STRATEGY_ODT, STRATEGY_MD } strategy_format_t;

/* The document of year (0: the current year) for the scope's perimeter
 * and its subtree. The scope is left as it was. Caller frees with
 * doc_free. */
steer_rc strategy_build(store_t *s, int year, doc_t **out, diag_list_t *d);
/* strategy_build written out: a whole printable HTML page, an ODT
 * package, or Markdown. */
steer_rc strategy_write(store_t *s, int year, strategy_format_t format, buf_t *out, diag_list_t *d);

#endif
