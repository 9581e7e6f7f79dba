/* http: parsing what browsers send, independent of the server library:
 * percent-decoding, query strings and url-encoded forms, cookies, and URL
 * paths made safe to map onto files. Every function takes a buffer and a
 * length, bounds its work, and refuses malformed input instead of guessing. */
#ifndef SOBRE_HTTP_H
#define SOBRE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* More parameters than this in one query string, form or cookie header is
 * an attack (hash flooding, memory), not a form sobre serves. */
#define HTTP_MAX_PARAMS 256

typedef struct {
	char *name;
	char *value;
} http_param_t;

typedef struct {
	http_param_t *items;
	size_t len, cap;
} http_params_t;

/* Appends the percent-decoded s to out ('+' as space when plus_is_space).
 * Returns 0, or -1 for a bad escape, a NUL byte or invalid UTF-8. */
int http_decode(const char *s, size_t n, bool plus_is_space, buf_t *out);

/* Parses "a=1&b=x%20y" (query strings, application/x-www-form-urlencoded
 * bodies) into out, appending names and values in NFC. Returns 0, or -1
 * when malformed or over HTTP_MAX_PARAMS (out then holds what was parsed
 * before). */
int http_parse_urlencoded(const char *s, size_t n, http_params_t *out);

/* The client address a reverse proxy on this machine passes on: the last
 * entry of an X-Forwarded-For header (the one the proxy itself appended;
 * earlier ones come from the client and prove nothing), an IPv4 or IPv6
 * address, written to out. False when there is none or it is not an
 * address. */
bool http_forwarded_client(const char *xff, char *out, size_t cap);

/* Whether a Content-Type header value names the media type `type` (lower
 * case): compared without case, up to its parameters ("; charset=...").
 * "application/x-www-form-urlencodedXYZ" is not a form. */
bool http_media_type_is(const char *content_type, const char *type);

/* Parses a Cookie header ("a=1; b=2") into out, appending. A malformed pair
 * (no '=', a control byte other than tab) is skipped, not fatal: another
 * application on the same host may set cookies of its own, and one of them
 * must not hide the session cookie. Returns the number of pairs skipped, or
 * -1 over HTTP_MAX_PARAMS (out then holds what was parsed before). */
int http_parse_cookies(const char *s, size_t n, http_params_t *out);

/* The first value of name, or NULL. Borrowed. */
const char *http_param(const http_params_t *p, const char *name);
void http_params_add(http_params_t *p, const char *name, size_t nlen, const char *value, size_t vlen);
/* The same for text a person typed (form fields, query strings): name and
 * value are stored in NFC, so that a value typed decomposed ("e" + U+0301,
 * as macOS may send it) is the same as the composed one. */
void http_params_add_text(http_params_t *p, const char *name, size_t nlen, const char *value, size_t vlen);
void http_params_free(http_params_t *p);

/* Checks a URL path is safe to look up: starts with '/', valid UTF-8, no
 * NUL, no backslash, no "." or ".." segment; repeated slashes collapse.
 * decode: percent-decode it first (libmicrohttpd hands paths decoded
 * already: decoding twice would turn "%25" into something else).
 * Returns 0 with the clean path in out, or -1. */
int http_clean_path(const char *raw, size_t n, bool decode, buf_t *out);

/* Percent-encodes s for a query-string value. */
void http_encode(const char *s, size_t n, buf_t *out);

#endif
