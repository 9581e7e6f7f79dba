/* mdurl: link destinations as markdown-it 13 writes them (mdurl's encode and
 * decode, markdown-it's normalizeLink, normalizeLinkText and validateLink),
 * and sobre's own test for a URL that asks another host. */
#ifndef SOBRE_MDURL_H
#define SOBRE_MDURL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* normalizeLink: appends s[0..n) to out with ASCII alphanumerics, the marks
 * ;/?:@&=+$,-_.!~*'()# and existing %XX kept, everything else
 * percent-encoded as UTF-8 (an invalid byte as U+FFFD, which is what
 * JavaScript read from the file). markdown-it also punycodes non-ASCII host
 * names; they are percent-encoded here. */
void mdurl_encode(buf_t *out, const char *s, size_t n);

/* normalizeLinkText: the text shown for an autolink or a linkified URL,
 * s[0..n) with its %XX escapes decoded, except those of ;/?:@&=+$,# and %
 * (kept as %XX, upper case); each byte of an escaped sequence that is not
 * valid UTF-8 becomes U+FFFD. Appends to out. */
void mdurl_decode_text(buf_t *out, const char *s, size_t n);

/* validateLink, on a URL as mdurl_encode leaves it: false for vbscript:,
 * javascript:, file: and data: (but data: images: gif, png, jpeg, webp). */
bool mdurl_valid(const char *s, size_t n);

/* Whether a URL, as mdurl_encode leaves it, makes the browser ask another
 * host: it has a scheme (http:, data:, anything) or starts with "//".
 * Spaces, controls and backslashes, which browsers strip or read as '/',
 * are percent-encoded by then and start no scheme. */
bool mdurl_remote(const char *s, size_t n);

#endif
