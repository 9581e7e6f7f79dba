/* export_csv: the guide's practices as RFC 4180 CSV with the official export's
 * 8 columns; list cells hold one item per line inside the quoted cell. */
#ifndef SOBRE_EXPORT_CSV_H
#define SOBRE_EXPORT_CSV_H

#include <stdbool.h>

#include "guide/guide.h"
#include "util/buf.h"

/* Appends the CSV to out. excel: UTF-8 BOM and ';' separator, which French
 * Excel expects. */
void export_csv(const guide_t *g, const char *base_url, bool excel, buf_t *out);

#endif
