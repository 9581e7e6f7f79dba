/* mime: composing an e-mail message (RFC 5322) as bytes, without I/O: a
 * multipart/alternative of a plain-text and an HTML part, both UTF-8 in
 * quoted-printable (RFC 2045), headers with non-ASCII text as RFC 2047
 * encoded words, long headers folded, CRLF line ends, no line longer than
 * MIME_MAX_LINE octets. Also the small pieces the tests check one by one
 * (encoded words, quoted-printable, addresses). */
#ifndef SOBRE_MIME_H
#define SOBRE_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"

/* RFC 5322's hard limit is 998 octets a line; quoted-printable keeps body
 * lines to 76 and folding keeps header lines near 78, far inside it. */
#define MIME_MAX_LINE 998
/* A subject, an address or a URL longer than this is a bug upstream (a
 * practice title is at most a few hundred bytes): refused rather than
 * folded into pages of header. */
#define MIME_MAX_HEADER 4096

typedef struct {
	const char *from;        /* "Name <addr@host>" or "addr@host"; the name may be UTF-8 */
	const char *to;          /* "addr@host" */
	const char *subject;     /* UTF-8 */
	time_t date;             /* the Date header (UTC) */
	const char *message_id;  /* without the angle brackets: "hex@host" */
	const char *unsubscribe; /* https URL for List-Unsubscribe (RFC 8058), or NULL */
	const char *text;        /* the plain-text part, UTF-8, "\n" line ends */
	const char *html;        /* the HTML part, UTF-8 */
} mime_message_t;

/* Appends the whole message to out. Returns false (out unchanged) when a
 * header field is missing, holds a line break or is longer than
 * MIME_MAX_HEADER, or when from or to is not an address. */
bool mime_compose(const mime_message_t *m, buf_t *out);

/* Appends the header field "name: value" to out, value as encoded words
 * when it is not printable ASCII, folded so that lines stay short, with
 * its CRLF. */
void mime_header(buf_t *out, const char *name, const char *value);
/* Appends s (len bytes) as quoted-printable, lines ("\n" or "\r\n")
 * ending in CRLF, soft breaks before 76 columns. */
void mime_qp(buf_t *out, const char *s, size_t len);
/* The bare address of "Name <addr>" or "addr" into out (replacing it);
 * false when there is none (no '@', spaces, control characters...). */
bool mime_address(const char *from, buf_t *out);

#endif
