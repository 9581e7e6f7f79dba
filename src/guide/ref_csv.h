/* ref_csv: a référentiel as CSV with a header row, read by util/csv. Which
 * column holds what comes from a profile's csv mapping (profile.h); without
 * a profile only sobre's own export is read (`sobre export --format csv`,
 * plain or --excel: Id, Titre, Thématique, Priorité, Difficulté, Exemples
 * pilotes, Exemples indicateurs, Url; recognised by its first column, Id),
 * with the GBPNR profile. Columns are
 * matched by name (case and accents do not matter); other columns are
 * ignored. */
#ifndef SOBRE_REF_CSV_H
#define SOBRE_REF_CSV_H

#include "guide/ref_model.h"

/* A référentiel CSV is refused beyond these: a grid has one row per
 * criterion (the largest have a few thousand) and a few columns; a bigger
 * file is the wrong file. */
#define REF_CSV_MAX_ROWS 100000
#define REF_CSV_MAX_COLUMNS 256

/* Reads src (the file's text) into the builder with profile (NULL: the
 * file must be sobre's own export, read with the GBPNR profile, else a
 * csv-no-profile error). Sets the builder's profile. A required column
 * missing (id, title, theme; priority and difficulty when the profile has
 * such values) is a csv-missing-column error and nothing is read; a bad
 * row is reported at its line and left out. */
void ref_csv_read(ref_builder_t *b, const char *src, size_t len, const profile_t *profile);

#endif
