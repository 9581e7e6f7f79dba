/* export_json: the guide as the official JSON export document (title, url,
 * description, version, updated_at, author, thematiques[...bonnesPratiques]). */
#ifndef SOBRE_EXPORT_JSON_H
#define SOBRE_EXPORT_JSON_H

#include "guide/guide.h"
#include "util/buf.h"

/* Appends the document to out. base_url is the site's absolute URL
 * (metadata.url unless overridden). */
void export_json(const guide_t *g, const char *base_url, buf_t *out);

#endif
