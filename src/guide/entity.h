/* entity: HTML character references as markdown-it 13 decodes them in
 * Markdown text and link destinations: numeric ones (&#233; &#xE9;) and the
 * named ones of HTML 4 plus &apos;. */
#ifndef SOBRE_ENTITY_H
#define SOBRE_ENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Appends the UTF-8 text of the reference s[0..n) ("&name;", "&#123;" or
 * "&#x1F;", as md4c reports one) to out. A code point HTML forbids
 * (surrogates, noncharacters, most controls, beyond U+10FFFF) gives U+FFFD.
 * Returns false, out untouched, for an unknown name or a malformed
 * reference: markdown-it then keeps it as text. */
bool entity_decode(const char *s, size_t n, buf_t *out);

#endif
