/* export_csv: the guide's practices as RFC 4180 CSV with the official export's
 * 8 columns, and a référentiel's items in the columns its profile maps, so
 * that `sobre check FILE --profile` reads them back; list cells hold one
 * item per line inside the quoted cell. */
#ifndef SOBRE_EXPORT_CSV_H
#define SOBRE_EXPORT_CSV_H

#include <stdbool.h>

#include "guide/guide.h"
#include "guide/referentiel.h"
#include "util/buf.h"

/* Appends the CSV to out. excel: UTF-8 BOM and ';' separator, which French
 * Excel expects. */
void export_csv(const guide_t *g, const char *base_url, bool excel, buf_t *out);

/* Appends r's items as CSV to out, one row per item in the référentiel's
 * order: the columns its profile's csv mapping names (id, title, theme,
 * priority, difficulty, roles, indicators, applicability, then the
 * sections; the GBPNR's give the official 8 columns), under the names it
 * gives them, then Url. A profile without a csv mapping gets the GBPNR's
 * names, Cible, and a column per section title. urls: each item's URL (r->nitems
 * strings, borrowed), NULL for the URL the source gave. */
void export_csv_referentiel(const referentiel_t *r, const char *const *urls, bool excel, buf_t *out);

#endif
