/* export_json: the guide as the official JSON export document (title, url,
 * description, version, updated_at, author, thematiques[...bonnesPratiques]),
 * and a référentiel as JSON that `sobre check` reads back: the RGESN in the
 * DINUM's own shape, any other in the shape of the guide's export. */
#ifndef SOBRE_EXPORT_JSON_H
#define SOBRE_EXPORT_JSON_H

#include "guide/guide.h"
#include "guide/referentiel.h"
#include "util/buf.h"

/* Appends the document to out. base_url is the site's absolute URL
 * (metadata.url unless overridden). */
void export_json(const guide_t *g, const char *base_url, buf_t *out);

/* Appends r as JSON to out. Read with the built-in RGESN profiles, it is the
 * array the DINUM publishes ({numero, thematique, critere, then difficulte,
 * priorite, cible, metiers for the 2024 edition, objectif, miseEnOeuvre,
 * controle}); any other is the guide's export envelope ({title, url,
 * version, updated_at, thematiques[{id, titre, bonnesPratiques[{id, titre,
 * priorite, difficulte, pilotes, indicateurs, url}]}]}), each item with
 * its cible and its sections [{id, titre, texte (Markdown)}] when it has
 * them. Every item also gets its url: urls[i] (r->nitems strings,
 * borrowed), or the source's when urls is NULL. base_url: the envelope's
 * url. */
void export_json_referentiel(const referentiel_t *r, const char *base_url, const char *const *urls, buf_t *out);

#endif
