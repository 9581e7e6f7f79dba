/* server: the HTTP server on libmicrohttpd: a thread pool over the cores,
 * whole requests handed to one handler function, strict framing (one
 * Content-Length, chunked or nothing, a Host), size and time limits decided
 * before a body is read, connections per address, security headers on every
 * response, and one log line per request (key=value, see web_log_fn),
 * each with a request id also sent back as X-Request-Id. Knows nothing of sobre's pages:
 * the app layer (web/app) does the routing. */
#ifndef SOBRE_SERVER_H
#define SOBRE_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"
#include "web/http.h"

/* No request body is ever larger than this, whatever the route says: the
 * largest form, an assessment with 50 evidence links, stays far below. */
#define WEB_MAX_BODY (1u << 20)
/* Bodies held in memory by all connections at once. Each request reserves
 * its whole allowance (its Content-Length, or its route's limit when sent
 * chunked) before a byte is read; past the budget it gets 503 at once, so
 * connections sending large bodies cannot take the process's memory. */
#define WEB_MAX_INFLIGHT (64u << 20)
/* Headers beyond this are refused by libmicrohttpd itself (431): the memory
 * a connection may use for its request line and headers. */
#define WEB_MAX_HEADERS (32u << 10)
/* Connections open at once from one client address (0: no limit); the
 * ones beyond are closed as they arrive, so that one client holding
 * connections open cannot keep everyone else out. Off by default behind
 * --trust-proxy, where every connection comes from the proxy. */
#define WEB_MAX_PER_ADDRESS 32
/* Connections open at once in all. */
#define WEB_MAX_CONNECTIONS 1000
/* The most server threads one may ask for (web_config_t.threads). */
#define WEB_MAX_THREADS 256
/* Seconds a client has to send a request's line and headers (on a new
 * connection, or after the previous answer on a kept-alive one), then its
 * body: a client trickling one header line at a time is cut off here
 * instead of holding the connection for as long as it likes. */
#define WEB_HEADER_TIMEOUT 10
#define WEB_BODY_TIMEOUT 30
/* The longest a handler may hold an answer back (web_response_t.delay_ms). */
#define WEB_MAX_DELAY_MS 10000

typedef struct web_request web_request_t;

struct web_request {
	const char *method;    /* "GET", "POST", ... */
	const char *path;      /* decoded and clean (http_clean_path) */
	const char *raw_path;  /* as sent */
	http_params_t query;
	http_params_t form;    /* url-encoded POST bodies */
	http_params_t cookies;
	const char *body;      /* raw body (any content type), NUL-terminated; "" when
				* the route took none (see web_admit_fn) */
	size_t body_len;
	char remote[64];       /* client address */
	char id[17];           /* request id: 16 hex digits, random (X-Request-Id) */
	void *conn;            /* for web_header */
};

/* A request header, or NULL. Borrowed for the time of the request. */
const char *web_header(const web_request_t *req, const char *name);

typedef struct {
	int status;            /* 200 unless set */
	const char *type;      /* content type; default text/html; charset=utf-8 */
	buf_t body;
	http_params_t headers; /* extra headers (Set-Cookie, Location...) */
	buf_t note;            /* the request's log line's err=: the cause of an
				* error the answer only summarises */
	const char *route;     /* the route's pattern, for the log line and the
				* metrics (static storage; NULL: "-"): a bounded
				* set of names, unlike paths */
	buf_t user;            /* who made the request (log line), if known */
	unsigned delay_ms;     /* hold the answer back this long (at most
				* WEB_MAX_DELAY_MS) without keeping a server thread:
				* slows password guessing on one account */
} web_response_t;

void web_set_header(web_response_t *res, const char *name, const char *value);
/* The policy of every response, but its style-src (make_response adds
 * 'self'). */
#define WEB_CSP                                                                                                   \
	"default-src 'self'; img-src 'self' data:; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; "  \
	"form-action 'self'"
/* For a page that must stand alone (the report, saved and mailed as one
 * file): the same policy, also allowing the first <style> element of html
 * (NUL-terminated) by the SHA-256 of its text, so that no other inline
 * style or script runs. */
void web_csp_inline_style(web_response_t *res, const char *html);

typedef void (*web_handler_fn)(void *ud, const web_request_t *req, web_response_t *res);
/* Called when a request's line and headers are in, before any of its body
 * is read, with req's body empty and its form not parsed: returns the
 * largest body this request may send (0: it takes none). The decision
 * comes from the method, the path and the session, so that only a signed-in
 * write (or the login form, with its cookie) makes the server hold a body in
 * memory. A body over the limit is answered 413 without being read; a body
 * where none is taken is not read either: the handler answers the request
 * as if it had none. Either way the connection is closed after the answer. */
typedef size_t (*web_admit_fn)(void *ud, const web_request_t *req);
/* One line without its newline. A request's line is, in this order (a
 * stable format: README, "Operations"):
 *   ts=2026-12-07T06:57:23.123Z level=info req=<16 hex> remote=<address>
 *   method=GET route=<pattern> path=<path> status=200 dur_ms=1.2 user=<email>
 *   [err=<cause>]
 * level is info below status 500, error from 500; a value that is empty or
 * holds a space, '"', '=' or '\\' is quoted, with '"' and '\\' escaped;
 * control bytes are written '?'. libmicrohttpd's own messages come as
 * "ts=... level=warn msg=...". */
typedef void (*web_log_fn)(void *ud, const char *line);
/* Called once per request answered, from the server thread that answered
 * it (so concurrently): its method, route (web_response_t.route, or "-"
 * when the server answered on its own), status and duration. */
typedef void (*web_observe_fn)(void *ud, const char *method, const char *route, int status, double seconds);

typedef struct {
	const char *bind; /* address to listen on, IPv4 or IPv6; default 127.0.0.1 */
	int port;         /* 0: any free port (see web_server_port) */
	int threads;      /* <= 0: one per core */
	web_log_fn log;   /* may be NULL */
	void *log_ud;
	/* A reverse proxy on this machine in front: for connections from the
	 * loopback address, the client is the last X-Forwarded-For entry (so
	 * that logs and per-address login limits see people, not the proxy). */
	bool trust_proxy;
	web_admit_fn admit; /* NULL: every request may send WEB_MAX_BODY */
	int max_per_address; /* connections per client address; < 0: the default
			      * (WEB_MAX_PER_ADDRESS, or none with trust_proxy); 0: none */
	web_observe_fn observe; /* may be NULL */
	void *observe_ud;
} web_config_t;

typedef struct web_server web_server_t;

/* Starts serving in background threads; handler and cfg->admit get ud.
 * Returns NULL with a diagnostic when the address cannot be used. Caller
 * stops and frees with web_server_stop. */
web_server_t *web_server_start(const web_config_t *cfg, web_handler_fn handler, void *ud, diag_list_t *d);
int web_server_port(const web_server_t *s);
void web_server_stop(web_server_t *s);

#endif
