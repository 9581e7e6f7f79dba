/* server: libmicrohttpd glue. A request is gathered whole (headers, query,
 * the body its route admits) before the handler sees it, so handlers are
 * plain functions from request to response. A watcher thread enforces the
 * header and body deadlines and releases answers held back on purpose. */
#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/logfmt.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* A connection as the watcher thread sees it: the instant its current phase
 * must be over, or the instant a held answer is due. Guarded by
 * web_server.lock. */
typedef struct conn_track {
	struct conn_track *prev, *next;
	struct MHD_Connection *conn;
	int fd;
	long long deadline_ms; /* monotonic; 0: none (answering, or answer held) */
	long long resume_ms;   /* a held answer is due then; 0: none */
	bool cut;
} conn_track_t;

struct web_server {
	struct MHD_Daemon *daemon;
	web_handler_fn handler;
	web_admit_fn admit;
	void *ud;
	web_log_fn log;
	void *log_ud;
	web_observe_fn observe;
	void *observe_ud;
	int port;
	bool trust_proxy;
	atomic_size_t inflight; /* body bytes reserved by requests (WEB_MAX_INFLIGHT) */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	conn_track_t *conns;
	bool stopping;
	pthread_t watcher;
	char last_mhd[512];     /* libmicrohttpd's last message, and how often it */
	long long last_mhd_ms;  /* came again within a second */
	unsigned long mhd_repeats;
};

/* Per-request state, from its headers to its answer. */
typedef struct {
	web_request_t req;
	buf_t path;
	buf_t body;
	size_t limit;       /* body bytes this request may send */
	size_t reserved;    /* its share of web_server.inflight */
	bool too_large;
	bool answered;      /* queued before the body: the rest is not read */
	struct timespec start;
	struct MHD_Response *held; /* an answer waiting out its delay */
	int held_status;
	buf_t held_note;
	const char *route;  /* of the answer, for its log line */
	buf_t user;
} pending_t;

static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static conn_track_t *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* The phase the connection enters must end within ms (0: no limit). */
static void track_deadline(struct web_server *s, struct MHD_Connection *conn, long long ms)
{
	conn_track_t *t = track_of(conn);
	if (!t)
		return;
	pthread_mutex_lock(&s->lock);
	t->deadline_ms = ms ? mono_ms() + ms : 0;
	pthread_mutex_unlock(&s->lock);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct web_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_track_t *t = xcalloc(1, sizeof *t);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		t->conn = conn;
		t->fd = ci ? ci->connect_fd : -1;
		t->deadline_ms = mono_ms() + WEB_HEADER_TIMEOUT * 1000LL;
		pthread_mutex_lock(&s->lock);
		t->next = s->conns;
		if (s->conns)
			s->conns->prev = t;
		s->conns = t;
		pthread_mutex_unlock(&s->lock);
		*socket_context = t;
		return;
	}
	/* Closed: libmicrohttpd closes the socket only after this returns, so
	 * the watcher, which shuts sockets down under the lock, never touches
	 * a descriptor that was closed and reused. */
	conn_track_t *t = *socket_context;
	if (!t)
		return;
	pthread_mutex_lock(&s->lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		s->conns = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&s->lock);
	free(t);
	*socket_context = NULL;
}

/* Cuts off connections past their deadline (a client trickling headers or a
 * body) and resumes connections whose held answer is due. libmicrohttpd has
 * an idle timeout only, which a client sending a byte now and then never
 * reaches. */
static void *watcher_main(void *arg)
{
	struct web_server *s = arg;
	struct MHD_Connection *due[64];
	pthread_mutex_lock(&s->lock);
	for (;;) {
		long long now = mono_ms(), next = now + 1000;
		size_t ndue = 0;
		for (conn_track_t *t = s->conns; t; t = t->next) {
			if (t->resume_ms) {
				if ((t->resume_ms <= now || s->stopping) && ndue < sizeof due / sizeof *due) {
					t->resume_ms = 0;
					due[ndue++] = t->conn;
				} else if (t->resume_ms < next) {
					next = t->resume_ms;
				}
			} else if (t->deadline_ms && t->deadline_ms <= now && !t->cut && t->fd >= 0) {
				shutdown(t->fd, SHUT_RDWR);
				t->cut = true;
			}
		}
		if (ndue) {
			/* A suspended connection stays open until resumed, so these
			 * are valid without the lock, which libmicrohttpd's own
			 * locking must not meet. */
			pthread_mutex_unlock(&s->lock);
			for (size_t i = 0; i < ndue; i++)
				MHD_resume_connection(due[i]);
			pthread_mutex_lock(&s->lock);
			continue;
		}
		if (s->stopping)
			break;
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		long long wait = next - now;
		until.tv_sec += wait / 1000;
		until.tv_nsec += (wait % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->wake, &s->lock, &until);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

const char *web_header(const web_request_t *req, const char *name)
{
	return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

void web_csp_inline_style(web_response_t *res, const char *html)
{
	buf_t csp = BUF_INIT;
	buf_puts(&csp, WEB_CSP "; style-src 'self'");
	const char *open = strstr(html, "<style>");
	const char *close = open ? strstr(open, "</style>") : NULL;
	if (close) {
		unsigned char h[crypto_hash_sha256_BYTES];
		char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		crypto_hash_sha256(h, (const unsigned char *)open + 7, (unsigned long long)(close - open - 7));
		sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&csp, " 'sha256-%s'", b64);
	}
	web_set_header(res, "Content-Security-Policy", buf_cstr(&csp));
	buf_free(&csp);
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

/* What the headers say of the message's framing, in one pass. */
typedef struct {
	unsigned n_length, n_encoding;
	const char *length, *encoding, *host;
	const char *forwarded; /* the last X-Forwarded-For line */
} framing_t;

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	framing_t *f = cls;
	if (!value)
		value = "";
	if (strcasecmp(key, "Content-Length") == 0) {
		f->n_length++;
		f->length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->n_encoding++;
		f->encoding = value;
	} else if (strcasecmp(key, "Host") == 0) {
		f->host = value;
	} else if (strcasecmp(key, "X-Forwarded-For") == 0) {
		/* A proxy appends its own line (HAProxy's option forwardfor) or
		 * entry: what comes before is the client's to choose. */
		f->forwarded = value;
	}
	return MHD_YES;
}

/* "chunked", any case, with spaces around: the only transfer coding a
 * request may use here (a compressed body is of no use to any route). */
static bool only_chunked(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, "chunked", 7) != 0)
		return false;
	for (v += 7; *v; v++)
		if (*v != ' ' && *v != '\t')
			return false;
	return true;
}

/* A Content-Length value: digits only, at most 15 of them. */
static bool parse_length(const char *v, size_t *out)
{
	size_t n = 0, digits = 0;
	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v >= '0' && *v <= '9'; v++, digits++) {
		if (digits >= 15)
			return false;
		n = n * 10 + (size_t)(*v - '0');
	}
	while (*v == ' ' || *v == '\t')
		v++;
	*out = n;
	return digits > 0 && *v == '\0';
}

/* "ts=2026-12-07T06:57:23.123Z", the wall clock in UTC. */
static void put_ts(buf_t *b)
{
	struct timespec now;
	struct tm tm;
	char when[32];
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "ts=%s.%03ldZ", when, now.tv_nsec / 1000000);
}

/* The request is answered: its log line, and its count for the metrics. */
static void finish(struct web_server *s, const pending_t *p, const char *method, const char *path, int status,
		   const buf_t *note)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - p->start.tv_sec) * 1e3 + (double)(now.tv_nsec - p->start.tv_nsec) / 1e6;
	const char *route = p->route ? p->route : "-";
	if (s->observe)
		s->observe(s->observe_ud, method, route, status, ms / 1e3);
	if (!s->log)
		return;
	buf_t line = BUF_INIT;
	put_ts(&line);
	buf_puts(&line, status >= 500 ? " level=error" : " level=info");
	logfmt_kv(&line, "req", p->req.id, 16);
	logfmt_kv(&line, "remote", p->req.remote, sizeof p->req.remote);
	logfmt_kv(&line, "method", method, 32);
	logfmt_kv(&line, "route", route, 128);
	logfmt_kv(&line, "path", path, 200);
	buf_printf(&line, " status=%d dur_ms=%.1f", status, ms);
	logfmt_kv(&line, "user", p->user.len ? buf_cstr(&p->user) : "-", 256);
	if (note->len)
		logfmt_kv(&line, "err", buf_cstr(note), 400);
	s->log(s->log_ud, buf_cstr(&line));
	buf_free(&line);
}

/* The response for res; its body is handed to libmicrohttpd, which frees
 * it once sent, rather than copied (res->body is then empty). */
static struct MHD_Response *make_response(web_response_t *res, const char *id, bool close)
{
	struct MHD_Response *r;
	if (res->body.ptr) {
		r = MHD_create_response_from_buffer_with_free_callback(res->body.len, res->body.ptr, free);
		if (r)
			res->body = (buf_t)BUF_INIT;
	} else {
		r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return NULL;
	MHD_add_response_header(r, "Content-Type", res->type ? res->type : "text/html; charset=utf-8");
	/* Defence in depth on every response: nothing but our own resources,
	 * no framing, no type sniffing, no referrer leaking paths elsewhere. A
	 * page may set its own policy instead (web_csp_inline_style): two
	 * policies would both apply. */
	bool own_csp = false;
	for (size_t i = 0; i < res->headers.len; i++)
		own_csp |= strcasecmp(res->headers.items[i].name, "Content-Security-Policy") == 0;
	if (!own_csp)
		MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP "; style-src 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Request-Id", id);
	for (size_t i = 0; i < res->headers.len; i++)
		MHD_add_response_header(r, res->headers.items[i].name, res->headers.items[i].value);
	/* Answered without reading the body, or refused for its framing: what
	 * follows on the connection cannot be trusted to start a request. */
	if (close)
		MHD_add_response_header(r, "Connection", "close");
	return r;
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

/* Queues res (or holds it back for res->delay_ms, suspending the
 * connection so that no server thread waits) and logs it. */
static enum MHD_Result answer(struct web_server *s, struct MHD_Connection *conn, pending_t *p, const char *method,
			      const char *url, web_response_t *res, bool close)
{
	struct MHD_Response *r = make_response(res, p->req.id, close);
	if (!r)
		return MHD_NO;
	p->route = res->route;
	buf_reset(&p->user);
	if (res->user.len)
		buf_put(&p->user, res->user.ptr, res->user.len);
	if (res->delay_ms) {
		conn_track_t *t = track_of(conn);
		if (t) {
			p->held = r;
			p->held_status = res->status;
			buf_put(&p->held_note, res->note.ptr ? res->note.ptr : "", res->note.len);
			unsigned ms = res->delay_ms < WEB_MAX_DELAY_MS ? res->delay_ms : WEB_MAX_DELAY_MS;
			MHD_suspend_connection(conn);
			pthread_mutex_lock(&s->lock);
			t->deadline_ms = 0;
			t->resume_ms = mono_ms() + ms;
			pthread_cond_signal(&s->wake);
			pthread_mutex_unlock(&s->lock);
			return MHD_YES;
		}
	}
	track_deadline(s, conn, 0);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	finish(s, p, method, url, res->status, &res->note);
	return ok;
}

static enum MHD_Result answer_text(struct web_server *s, struct MHD_Connection *conn, pending_t *p,
				   const char *method, const char *url, int status, const char *text)
{
	web_response_t res;
	memset(&res, 0, sizeof res);
	res.status = status;
	res.type = "text/plain; charset=utf-8";
	buf_puts(&res.body, text);
	p->answered = true;
	enum MHD_Result ok = answer(s, conn, p, method, url, &res, true);
	buf_free(&res.body);
	return ok;
}

/* Runs the handler on the request as gathered, body included. */
static enum MHD_Result handle(struct web_server *s, struct MHD_Connection *conn, pending_t *p, const char *method,
			      const char *url, bool close)
{
	web_response_t res;
	memset(&res, 0, sizeof res);
	res.status = 200;
	web_request_t *req = &p->req;
	req->body = buf_cstr(&p->body);
	req->body_len = p->body.len;
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	if (p->too_large) {
		res.status = 413;
		res.type = "text/plain; charset=utf-8";
		buf_printf(&res.body, "Requête trop volumineuse (limite : %zu octets).\n", p->limit);
		close = true;
	} else if (http_media_type_is(ct, "application/x-www-form-urlencoded") &&
		   http_parse_urlencoded(req->body, req->body_len, &req->form) != 0) {
		res.status = 400;
		res.type = "text/plain; charset=utf-8";
		buf_puts(&res.body, "Formulaire invalide.\n");
	} else {
		s->handler(s->ud, req, &res);
	}
	enum MHD_Result ok = answer(s, conn, p, method, url, &res, close);
	buf_free(&res.body);
	buf_free(&res.note);
	buf_free(&res.user);
	http_params_free(&res.headers);
	return ok;
}

/* The request line and headers are in: check the framing, gather what the
 * handler needs, and decide, before reading a byte of it, whether the
 * body may come and how large it may be. */
static enum MHD_Result begin(struct web_server *s, struct MHD_Connection *conn, pending_t *p, const char *method,
			     const char *url, const char *version)
{
	framing_t f;
	memset(&f, 0, sizeof f);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &f);
	web_request_t *req = &p->req;
	req->method = method;
	req->raw_path = url;
	req->conn = conn;
	req->body = "";
	remote_of(conn, req->remote, sizeof req->remote);
	if (s->trust_proxy && (strcmp(req->remote, "127.0.0.1") == 0 || strcmp(req->remote, "::1") == 0 ||
			       strcmp(req->remote, "::ffff:127.0.0.1") == 0)) {
		char client[sizeof req->remote];
		if (http_forwarded_client(f.forwarded, client, sizeof client))
			memcpy(req->remote, client, strlen(client) + 1);
	}
	/* Framing a proxy in front might read differently from us is refused
	 * (request smuggling): a second Content-Length, a length beside a
	 * transfer coding, a coding other than chunked. */
	size_t length = 0;
	if (f.n_encoding && !only_chunked(f.encoding))
		return answer_text(s, conn, p, method, url, 501, "Transfer-Encoding non pris en charge.\n");
	if (f.n_length > 1 || (f.n_length && f.n_encoding) || (f.n_length && !parse_length(f.length, &length)))
		return answer_text(s, conn, p, method, url, 400, "Requête invalide : longueur du corps ambiguë.\n");
	if (!f.host && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
		return answer_text(s, conn, p, method, url, 400, "Requête invalide : en-tête Host absent.\n");
	query_t query = {&req->query, false};
	if (http_clean_path(url, strlen(url), false, &p->path) != 0 ||
	    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &query) < 0 || query.bad)
		return answer_text(s, conn, p, method, url, 400, "Requête invalide.\n");
	req->path = buf_cstr(&p->path);
	const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
	if (cookie) /* malformed pairs are skipped; past HTTP_MAX_PARAMS, the first ones are kept */
		(void)http_parse_cookies(cookie, strlen(cookie), &req->cookies);
	if (!length && !f.n_encoding)
		return MHD_YES; /* no body: the handler runs on the next call */
	size_t limit = s->admit ? s->admit(s->ud, req) : WEB_MAX_BODY;
	if (limit > WEB_MAX_BODY)
		limit = WEB_MAX_BODY;
	p->limit = limit;
	if (limit == 0) {
		p->answered = true;
		return handle(s, conn, p, method, url, true);
	}
	if (length > limit) {
		p->too_large = true;
		p->answered = true;
		return handle(s, conn, p, method, url, true);
	}
	size_t want = f.n_encoding ? limit : length;
	if (atomic_fetch_add(&s->inflight, want) + want > WEB_MAX_INFLIGHT) {
		atomic_fetch_sub(&s->inflight, want);
		return answer_text(s, conn, p, method, url, 503, "Serveur occupé : réessayez dans un instant.\n");
	}
	p->reserved = want;
	track_deadline(s, conn, WEB_BODY_TIMEOUT * 1000LL);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct web_server *s = cls;
	pending_t *p = *state;
	if (!p) {
		p = xcalloc(1, sizeof *p);
		clock_gettime(CLOCK_MONOTONIC, &p->start);
		unsigned char rnd[8];
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(p->req.id, sizeof p->req.id, rnd, sizeof rnd);
		*state = p;
		return begin(s, conn, p, method, url, version);
	}
	if (p->held) { /* resumed: the held answer is due */
		enum MHD_Result ok = MHD_queue_response(conn, (unsigned)p->held_status, p->held);
		MHD_destroy_response(p->held);
		p->held = NULL;
		track_deadline(s, conn, 0);
		finish(s, p, method, url, p->held_status, &p->held_note);
		return ok;
	}
	if (p->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (p->body.len + *upload_size > p->limit)
			p->too_large = true; /* chunked past the limit: answered 413 at the end */
		else
			buf_put(&p->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return handle(s, conn, p, method, url, p->too_large);
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode code)
{
	(void)code;
	struct web_server *s = cls;
	pending_t *p = *state;
	/* The next request on a kept-alive connection has the header timeout. */
	track_deadline(s, conn, WEB_HEADER_TIMEOUT * 1000LL);
	if (!p)
		return;
	atomic_fetch_sub(&s->inflight, p->reserved);
	if (p->held)
		MHD_destroy_response(p->held);
	buf_free(&p->held_note);
	buf_free(&p->user);
	buf_free(&p->body);
	buf_free(&p->path);
	http_params_free(&p->req.query);
	http_params_free(&p->req.form);
	http_params_free(&p->req.cookies);
	free(p);
	*state = NULL;
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
	/* A client opening thousands of connections makes as many "connection
	 * limit" messages: the same message within a second is counted, not
	 * written, so that it cannot flood the log. */
	long long now = mono_ms();
	unsigned long skipped = 0;
	pthread_mutex_lock(&s->lock);
	bool repeat = strcmp(line, s->last_mhd) == 0 && now - s->last_mhd_ms < 1000;
	if (repeat) {
		s->mhd_repeats++;
	} else {
		skipped = s->mhd_repeats;
		s->mhd_repeats = 0;
		snprintf(s->last_mhd, sizeof s->last_mhd, "%s", line);
		s->last_mhd_ms = now;
	}
	pthread_mutex_unlock(&s->lock);
	if (repeat)
		return;
	buf_t out = BUF_INIT;
	if (skipped) {
		char more[64];
		snprintf(more, sizeof more, "the previous message %lu more times", skipped);
		put_ts(&out);
		buf_puts(&out, " level=warn");
		logfmt_kv(&out, "msg", more, sizeof more);
		s->log(s->log_ud, buf_cstr(&out));
		buf_reset(&out);
	}
	put_ts(&out);
	buf_puts(&out, " level=warn");
	logfmt_kv(&out, "msg", line, sizeof line);
	s->log(s->log_ud, buf_cstr(&out));
	buf_free(&out);
}

web_server_t *web_server_start(const web_config_t *cfg, web_handler_fn handler, void *ud, diag_list_t *d)
{
	struct web_server *s = xcalloc(1, sizeof *s);
	s->handler = handler;
	s->ud = ud;
	s->log = cfg->log;
	s->log_ud = cfg->log_ud;
	s->observe = cfg->observe;
	s->observe_ud = cfg->observe_ud;
	s->trust_proxy = cfg->trust_proxy;
	s->admit = cfg->admit;
	atomic_init(&s->inflight, 0);
	const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	const struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
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
	unsigned per_address = cfg->max_per_address >= 0 ? (unsigned)cfg->max_per_address
			       : cfg->trust_proxy	 ? 0
							 : WEB_MAX_PER_ADDRESS;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	/* The logger first, so that libmicrohttpd reports nothing on its own. */
	s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
				     MHD_OPTION_SOCK_ADDR, sa,
				     MHD_OPTION_THREAD_POOL_SIZE, threads,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_MAX_HEADERS,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_MAX_CONNECTIONS,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
				     MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
				     MHD_OPTION_END);
	if (!s->daemon || pthread_create(&s->watcher, NULL, watcher_main, s) != 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, "serve", "cannot listen on %s port %d", bind, cfg->port);
		diag_hint(x, "the port may be in use: choose another with --port");
		if (s->daemon)
			MHD_stop_daemon(s->daemon);
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
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
	/* The watcher resumes every held answer on its way out: libmicrohttpd
	 * must not stop with a connection suspended. */
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->watcher, NULL);
	MHD_stop_daemon(s->daemon);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
