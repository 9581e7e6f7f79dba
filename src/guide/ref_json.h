/* ref_json: the référentiels that come as JSON, read from the value tree
 * of guide/yaml (every node with its file, line and column): the RGESN as
 * the DINUM site stores it (2024 edition: an array of {numero, thematique,
 * critere, difficulte, priorite, cible, metiers, objectif, miseEnOeuvre,
 * controle}; 2022-2023 edition: the same without difficulte, priorite,
 * cible and metiers), the envelope of the guide's own JSON export
 * ({title, version, updated_at, thematiques[{id, titre,
 * bonnesPratiques[{id, titre, priorite, difficulte, pilotes, indicateurs,
 * url}]}]}) and NumEcoDiag's RGESN v1 envelope ({title, version,
 * updated_at, criteres[{id, url, critere, thematique}]}). Fields not listed
 * are ignored: the DINUM adds some over time. */
#ifndef SOBRE_REF_JSON_H
#define SOBRE_REF_JSON_H

#include "guide/ref_model.h"
#include "guide/value.h"

/* The format a JSON tree has the shape of, or -1: an array of objects with
 * "numero" is the RGESN (2024 when any has "priorite", else 2022-2023; an
 * empty array counts as 2024), an object with "criteres" NumEcoDiag's, one
 * with "thematiques" the guide's export. */
int ref_json_shape(const value_t *root);

/* Reads root, of the builder's format, into the builder: each bad item is
 * reported (file:line:col, rule, hint) and left out. */
void ref_json_read(ref_builder_t *b, const value_t *root);

/* JSON's name of a kind of value: "an object", "an array", "null"... */
const char *ref_json_kind(val_kind_t k);

/* Turns the diagnostics yaml_parse appended from `from` on into JSON's
 * words: rule json-syntax, "invalid JSON", a hint about JSON's syntax. */
void ref_json_syntax_diags(diag_list_t *d, size_t from);

#endif
