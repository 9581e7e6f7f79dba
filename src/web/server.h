/* server: the HTTP server on libmicrohttpd: a thread pool over the cores,
 * whole requests handed to one handler function, size limits, security
 * headers on every response, and one log line per request. Knows nothing of
 * sobre's pages: the app layer (web/app) does the routing. */
#ifndef SOBRE_SERVER_H
#define SOBRE_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"
#include "web/http.h"

/* A body larger than this is refused with 413: sobre's forms are small and
 * its largest upload, an assessment spreadsheet, stays far below. */
#define WEB_MAX_BODY (4u << 20)
/* Headers beyond this are refused by libmicrohttpd itself (431): the memory
 * a connection may use for its request line and headers. */
#define WEB_MAX_HEADERS (32u << 10)

typedef struct web_request web_request_t;

struct web_request {
	const char *method;    /* "GET", "POST", ... */
	const char *path;      /* decoded and clean (http_clean_path) */
	const char *raw_path;  /* as sent */
	http_params_t query;
	http_params_t form;    /* url-encoded POST bodies */
	http_params_t cookies;
	const char *body;      /* raw body (any content type), NUL-terminated */
	size_t body_len;
	char remote[64];       /* client address */
	void *conn;            /* for web_header */
};

/* A request header, or NULL. Borrowed for the time of the request. */
const char *web_header(const web_request_t *req, const char *name);

typedef struct {
	int status;            /* 200 unless set */
	const char *type;      /* content type; default text/html; charset=utf-8 */
	buf_t body;
	http_params_t headers; /* extra headers (Set-Cookie, Location...) */
	buf_t note;            /* appended to the request's log line: the cause of
				* an error the answer only summarises */
} web_response_t;

void web_set_header(web_response_t *res, const char *name, const char *value);

typedef void (*web_handler_fn)(void *ud, const web_request_t *req, web_response_t *res);
typedef void (*web_log_fn)(void *ud, const char *line);

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
} web_config_t;

typedef struct web_server web_server_t;

/* Starts serving in background threads. Returns NULL with a diagnostic when
 * the address cannot be used. Caller stops and frees with web_server_stop. */
web_server_t *web_server_start(const web_config_t *cfg, web_handler_fn handler, void *ud, diag_list_t *d);
int web_server_port(const web_server_t *s);
void web_server_stop(web_server_t *s);

#endif
