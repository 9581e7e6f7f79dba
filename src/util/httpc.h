/* httpc: the HTTP client (libcurl) the server uses to talk to an identity
 * provider: a GET, and a POST of an urlencoded form, each with a total
 * timeout, a size limit on the answer, TLS verification on, no redirect
 * followed, and plain http refused except to a loopback address. */
#ifndef SOBRE_HTTPC_H
#define SOBRE_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* A provider answers in well under a second; a login waits at most this
 * (seconds) for each exchange rather than holding a server thread. */
#define HTTPC_TIMEOUT 10
/* Discovery, key sets, tokens and userinfo are kilobytes; a larger answer
 * is not one of them and would be held in memory whole. */
#define HTTPC_MAX_BODY ((size_t)1024 * 1024)

typedef struct {
	long status;         /* the HTTP status, 0 when no answer */
	buf_t body;          /* at most HTTPC_MAX_BODY bytes */
	char *content_type;  /* without parameters, lower case; NULL when none; owned */
} httpc_response_t;

void httpc_response_free(httpc_response_t *r);

/* Initialises libcurl; once, before any thread uses httpc. Returns -1 when
 * it cannot. */
int httpc_global_init(void);

/* Whether url is https, or http to a loopback host (127.0.0.0/8, [::1],
 * localhost): the only URLs httpc fetches. */
bool httpc_url_allowed(const char *url);

/* GET url (Accept: accept, may be NULL; bearer, may be NULL: an OAuth
 * access token sent as Authorization: Bearer); or POST form (urlencoded text)
 * with basic_user/basic_pass as HTTP Basic credentials when basic_user is
 * not NULL. Returns 0 with out filled for any status, -1 with why filled
 * when there is no usable answer (refused URL, network, TLS, timeout, too
 * large). out is reset first; the caller frees it. */
int httpc_get(const char *url, const char *accept, const char *bearer, httpc_response_t *out, buf_t *why);
int httpc_post_form(const char *url, const char *form, const char *basic_user, const char *basic_pass,
		    httpc_response_t *out, buf_t *why);

/* Appends s percent-encoded for a form or query value (RFC 3986 unreserved
 * characters kept). */
void httpc_encode(const char *s, buf_t *out);

#endif
