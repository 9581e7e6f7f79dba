/* pagectx: the small builders of page contexts that both websites share,
 * the guide's (render/site) and a référentiel's (render/refsite): strings,
 * URL paths percent-encoded for an href, links into a list page's filters,
 * ISO dates read in French, the DSFR tag colours. Pure: each appends to
 * the map or buffer it is given. */
#ifndef SOBRE_PAGECTX_H
#define SOBRE_PAGECTX_H

#include <stddef.h>

#include "guide/value.h"
#include "util/buf.h"

/* m[key] = a copy of s ("" for NULL). */
void pagectx_str(value_t *m, const char *key, const char *s);
/* The same without a copy: s (or "") must outlive m and every rendering of
 * it (the guide's strings, the site's, string literals). */
void pagectx_ref(value_t *m, const char *key, const char *s);
/* m[key] = b's text, taken (b is left empty). */
void pagectx_buf(value_t *m, const char *key, buf_t *b);
/* m[key] = path percent-encoded for an href ("/" for NULL). */
void pagectx_url(value_t *m, const char *key, const char *path);
/* m[key] = the list page at list_url filtered on param=val: the link a
 * priority, a difficulty or a pilot tag points to. */
void pagectx_filter_url(value_t *m, const char *key, const char *list_url, const char *param, const char *val);
/* That link appended to out, for a site that computes it once. */
void pagectx_encode_filter(const char *list_url, const char *param, const char *val, buf_t *out);
/* m[key] = {iso: "2023-06-01", fr: "01/06/2023"} when iso starts with a
 * YYYY-MM-DD date; nothing otherwise (NULL too). */
void pagectx_date(value_t *m, const char *key, const char *iso);

/* Appends s percent-encoded for a URL path in an href: non-ASCII and unsafe
 * bytes. */
void pagectx_encode_path(const char *s, buf_t *out);
/* Appends s encoded as a query-string component (%20 for spaces, which
 * every browser and the filter script read back the same). */
void pagectx_encode_query(const char *s, buf_t *out);

/* The DSFR tag colour of the value ranked rank in its set (0: the highest
 * priority, or the easiest): the old site's colours, so that the official
 * DSFR stylesheet can replace ours. "grey" past the third. */
const char *pagectx_dsfr_color(size_t rank);

#endif
