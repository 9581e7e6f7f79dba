/* fold: the one comparison key of what people type (statuses, priorities,
 * pilot functions, e-mail addresses...): case, accents, dashes and spacing
 * do not matter. Pure. */
#ifndef SOBRE_FOLD_H
#define SOBRE_FOLD_H

#include <stdbool.h>

#include "util/buf.h"

/* The comparison key of s, appended to out: case-folded (utf8_casefold:
 * NFC and Unicode case folding), accents removed (é -> e, œ -> oe),
 * typographic apostrophes as ', '-' and '_' as spaces, runs of white space
 * (including no-break spaces) as one space, trimmed. "Réalisée",
 * "realisee", " REALISÉE " and "Re" + U+0301 + "alise" + U+0301 + "e" have
 * the same key. */
void fold_key(const char *s, buf_t *out);
/* True when a and b have the same key. */
bool fold_equal(const char *a, const char *b);

#endif
