/* server: libmicrohttpd glue. A request is gathered whole (headers, query,
 * body within WEB_MAX_BODY) before the handler sees it, so handlers are
 * plain functions from request to response. */
#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/utf8.h"
#include "util/xalloc.h"

struct web_server {
	struct MHD_Daemon *daemon;
	web_handler_fn handler;
	void *ud;
	web_log_fn log;
	void *log_ud;
	int port;
	bool trust_proxy;
};

/* Per-connection state while the body arrives. */
typedef struct {
	buf_t body;
	bool too_large;
	struct timespec start;
} pending_t;

const char *web_header(const web_request_t *req, const char *name)
{
	return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

void web_set_header(web_response_t *res, const char *name, const char *value)
{
	http_params_add(&res->headers, name, strlen(name), value, strlen(value));
}

/* Text a browser may send in a query string: UTF-8 without control bytes.
 * libmicrohttpd decodes query strings itself, so this holds them to what
 * http_parse_urlencoded demands of forms (a redirect target taken from the
 * query must not carry a line break into a header). */
static bool clean_text(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return utf8_valid(s, n, NULL);
}

typedef struct {
	http_params_t *q;
	bool bad; /* over HTTP_MAX_PARAMS, or not clean text */
} query_t;

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	query_t *q = cls;
	if (!value)
		value = "";
	if (q->q->len >= HTTP_MAX_PARAMS || !clean_text(key) || !clean_text(value)) {
		q->bad = true;
		return MHD_NO;
	}
	http_params_add_text(q->q, key, strlen(key), value, strlen(value));
	return MHD_YES;
}

static void log_line(struct web_server *s, const char *method, const char *path, int status,
		     const struct timespec *start, const char *remote)
{
	if (!s->log)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (now.tv_sec - start->tv_sec) * 1e3 + (now.tv_nsec - start->tv_nsec) / 1e6;
	char line[512];
	snprintf(line, sizeof line, "%s %s %.200s %d %.1f ms", remote, method, path, status, ms);
	/* One request, one line: control bytes from the URL are not written. */
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	s->log(s->log_ud, line);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, web_response_t *res)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(res->body.len, res->body.ptr ? res->body.ptr : "",
								 MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", res->type ? res->type : "text/html; charset=utf-8");
	/* Defence in depth on every response: nothing but our own resources,
	 * no framing, no type sniffing, no referrer leaking paths elsewhere. */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
				"frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	for (size_t i = 0; i < res->headers.len; i++)
		MHD_add_response_header(r, res->headers.items[i].name, res->headers.items[i].value);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static void remote_of(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "-");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **state)
{
	(void)version;
	struct web_server *s = cls;
	pending_t *p = *state;
	if (!p) {
		p = xcalloc(1, sizeof *p);
		clock_gettime(CLOCK_MONOTONIC, &p->start);
		*state = p;
		return MHD_YES;
	}
	if (*upload_size) {
		if (p->body.len + *upload_size > WEB_MAX_BODY)
			p->too_large = true; /* keep reading, answer 413 at the end */
		else
			buf_put(&p->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}

	web_request_t req;
	memset(&req, 0, sizeof req);
	web_response_t res;
	memset(&res, 0, sizeof res);
	res.status = 200;
	req.method = method;
	req.raw_path = url;
	req.conn = conn;
	remote_of(conn, req.remote, sizeof req.remote);
	if (s->trust_proxy && (strcmp(req.remote, "127.0.0.1") == 0 || strcmp(req.remote, "::1") == 0 ||
			       strcmp(req.remote, "::ffff:127.0.0.1") == 0)) {
		const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
		char client[sizeof req.remote];
		if (http_forwarded_client(xff, client, sizeof client))
			memcpy(req.remote, client, strlen(client) + 1);
	}
	query_t query = {&req.query, false};
	buf_t path = BUF_INIT;

	if (p->too_large) {
		res.status = 413;
		res.type = "text/plain; charset=utf-8";
		buf_printf(&res.body, "Requête trop volumineuse (limite : %u Mo).\n", WEB_MAX_BODY >> 20);
	} else if (http_clean_path(url, strlen(url), false, &path) != 0 ||
		   MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &query) < 0 || query.bad) {
		res.status = 400;
		res.type = "text/plain; charset=utf-8";
		buf_puts(&res.body, "Requête invalide.\n");
	} else {
		req.path = buf_cstr(&path);
		const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
		if (cookie) /* malformed pairs are skipped; past HTTP_MAX_PARAMS, the first ones are kept */
			(void)http_parse_cookies(cookie, strlen(cookie), &req.cookies);
		req.body = buf_cstr(&p->body);
		req.body_len = p->body.len;
		const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
		if (http_media_type_is(ct, "application/x-www-form-urlencoded") &&
		    http_parse_urlencoded(req.body, req.body_len, &req.form) != 0) {
			res.status = 400;
			res.type = "text/plain; charset=utf-8";
			buf_puts(&res.body, "Formulaire invalide.\n");
		} else {
			s->handler(s->ud, &req, &res);
		}
	}
	enum MHD_Result ok = send_response(conn, &res);
	log_line(s, method, url, res.status, &p->start, req.remote);
	buf_free(&path);
	buf_free(&res.body);
	http_params_free(&res.headers);
	http_params_free(&req.query);
	http_params_free(&req.form);
	http_params_free(&req.cookies);
	return ok;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)conn, (void)code;
	pending_t *p = *state;
	if (p) {
		buf_free(&p->body);
		free(p);
		*state = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct web_server *s = cls;
	if (!s->log)
		return;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	s->log(s->log_ud, line);
}

web_server_t *web_server_start(const web_config_t *cfg, web_handler_fn handler, void *ud, diag_list_t *d)
{
	struct web_server *s = xcalloc(1, sizeof *s);
	s->handler = handler;
	s->ud = ud;
	s->log = cfg->log;
	s->log_ud = cfg->log_ud;
	s->trust_proxy = cfg->trust_proxy;
	const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	const struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO;
	memset(&in4, 0, sizeof in4);
	memset(&in6, 0, sizeof in6);
	if (inet_pton(AF_INET, bind, &in4.sin_addr) == 1) {
		in4.sin_family = AF_INET;
		in4.sin_port = htons((uint16_t)cfg->port);
		sa = (const struct sockaddr *)&in4;
	} else if (inet_pton(AF_INET6, bind, &in6.sin6_addr) == 1) {
		in6.sin6_family = AF_INET6;
		in6.sin6_port = htons((uint16_t)cfg->port);
		sa = (const struct sockaddr *)&in6;
		flags |= MHD_USE_IPv6;
	} else {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "serve", "'%s' is not an IP address", bind);
		diag_hint(x, "use --bind 127.0.0.1 (this machine only) or --bind 0.0.0.0 (every interface)");
		free(s);
		return NULL;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : cores > 0 ? (unsigned)cores : 1;
	/* The logger first, so that libmicrohttpd reports nothing on its own. */
	s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
				     MHD_OPTION_SOCK_ADDR, sa,
				     MHD_OPTION_THREAD_POOL_SIZE, threads,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_MAX_HEADERS,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
				     MHD_OPTION_END);
	if (!s->daemon) {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "serve", "cannot listen on %s port %d", bind, cfg->port);
		diag_hint(x, "the port may be in use: choose another with --port");
		free(s);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : cfg->port;
	return s;
}

int web_server_port(const web_server_t *s)
{
	return s->port;
}

void web_server_stop(web_server_t *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
