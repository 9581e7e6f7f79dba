/* ops: the counters behind /metrics under one mutex (a request takes it
 * once, for a few additions: far below the cost of answering), copied out
 * before a scrape formats them; the database's figures are read on the
 * scraping thread's own connection, outside the lock. */
#include "web/ops.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xalloc.h"

/* Upper bounds in seconds: a cached page takes well under a millisecond, a
 * dashboard a few, a report or a workbook up to a second or more. */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof buckets / sizeof *buckets)

typedef struct {
	const char *route, *method; /* static storage (route table, literals) */
	int status;                 /* 0: "(other)" */
	unsigned long long n;
} series_t;

typedef struct {
	series_t series[OPS_MAX_SERIES + 1]; /* the last: the ones beyond */
	size_t nseries;
	bool overflow;
	unsigned long long bucket[NBUCKETS]; /* per bucket, not cumulative */
	unsigned long long count;
	double sum;
	unsigned long long reminders_sent, reminders_failed;
} counts_t;

struct ops {
	ops_config_t cfg;
	struct timespec start; /* monotonic */
	pthread_mutex_t lock;
	counts_t c;
};

ops_t *ops_new(const ops_config_t *cfg)
{
	ops_t *o = xcalloc(1, sizeof *o);
	o->cfg = *cfg;
	clock_gettime(CLOCK_MONOTONIC, &o->start);
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

void ops_free(ops_t *o)
{
	if (!o)
		return;
	pthread_mutex_destroy(&o->lock);
	free(o);
}

void ops_reminders(ops_t *o, unsigned long sent, unsigned long failed)
{
	pthread_mutex_lock(&o->lock);
	o->c.reminders_sent += sent;
	o->c.reminders_failed += failed;
	pthread_mutex_unlock(&o->lock);
}

bool ops_owns(const ops_t *o, const char *path)
{
	return strcmp(path, "/healthz") == 0 || (o->cfg.metrics && strcmp(path, "/metrics") == 0);
}

/* Methods a client may invent: only the ones served get their own label. */
static const char *method_label(const char *m)
{
	static const char *const known[] = {"GET", "HEAD", "POST"};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "(other)";
}

void ops_observe(void *ud, const char *method, const char *route, int status, double seconds)
{
	ops_t *o = ud;
	const char *m = method_label(method);
	size_t b = 0;
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	pthread_mutex_lock(&o->lock);
	counts_t *c = &o->c;
	series_t *s = NULL;
	for (size_t i = 0; i < c->nseries && !s; i++)
		if (c->series[i].status == status && c->series[i].method == m && strcmp(c->series[i].route, route) == 0)
			s = &c->series[i];
	if (!s && c->nseries < OPS_MAX_SERIES) {
		s = &c->series[c->nseries++];
		*s = (series_t){route, m, status, 0};
	} else if (!s) {
		s = &c->series[OPS_MAX_SERIES];
		*s = (series_t){"(other)", "(other)", 0, s->n};
		c->overflow = true;
	}
	s->n++;
	if (b < NBUCKETS)
		c->bucket[b]++;
	c->count++;
	c->sum += seconds;
	pthread_mutex_unlock(&o->lock);
}

/* A label value: '\', '"' and line feeds escaped, as the format asks. */
static void put_label(buf_t *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_putc(b, '\\');
		if (*v == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *v);
	}
}

static void put_help(buf_t *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void metrics(ops_t *o, web_response_t *res)
{
	counts_t *c = xmalloc(sizeof *c);
	pthread_mutex_lock(&o->lock);
	memcpy(c, &o->c, sizeof *c);
	pthread_mutex_unlock(&o->lock);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double up = (double)(now.tv_sec - o->start.tv_sec) + (double)(now.tv_nsec - o->start.tv_nsec) / 1e9;
	long long sessions = -1, bytes = -1;
	diag_list_t d = DIAG_LIST_INIT;
	if (o->cfg.pilotage && pilotage_stats(o->cfg.pilotage, &sessions, &bytes, &d) != STEER_OK && d.len)
		buf_printf(&res->note, "%s [%s]", d.items[0].msg, d.items[0].rule ? d.items[0].rule : STORE_CAUSE_OTHER);
	diag_list_free(&d);

	buf_t *b = &res->body;
	put_help(b, "sobre_http_requests_total", "counter",
		 "Requests answered, by route pattern, method and status code.");
	size_t n = c->nseries + (c->overflow ? 1 : 0);
	for (size_t i = 0; i < n; i++) {
		const series_t *s = i < c->nseries ? &c->series[i] : &c->series[OPS_MAX_SERIES];
		buf_puts(b, "sobre_http_requests_total{route=\"");
		put_label(b, s->route);
		buf_printf(b, "\",method=\"%s\",code=\"", s->method);
		if (s->status)
			buf_printf(b, "%d", s->status);
		else
			buf_puts(b, "(other)");
		buf_printf(b, "\"} %llu\n", s->n);
	}
	put_help(b, "sobre_http_request_duration_seconds", "histogram",
		 "Time from a request's first byte to its answer queued, in seconds.");
	unsigned long long cum = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		cum += c->bucket[i];
		buf_printf(b, "sobre_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i], cum);
	}
	buf_printf(b, "sobre_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", c->count);
	buf_printf(b, "sobre_http_request_duration_seconds_sum %.6f\n", c->sum);
	buf_printf(b, "sobre_http_request_duration_seconds_count %llu\n", c->count);
	if (sessions >= 0) {
		put_help(b, "sobre_sessions_active", "gauge", "Web app sessions not expired.");
		buf_printf(b, "sobre_sessions_active %lld\n", sessions);
	}
	if (bytes >= 0) {
		put_help(b, "sobre_database_size_bytes", "gauge", "Size of the database file (pages in use and free).");
		buf_printf(b, "sobre_database_size_bytes %lld\n", bytes);
	}
	put_help(b, "sobre_reminders_sent_total", "counter", "E-mail reminders handed to the mail server.");
	buf_printf(b, "sobre_reminders_sent_total %llu\n", c->reminders_sent);
	put_help(b, "sobre_reminders_failed_total", "counter", "E-mail reminders the mail server did not take (retried).");
	buf_printf(b, "sobre_reminders_failed_total %llu\n", c->reminders_failed);
	put_help(b, "sobre_uptime_seconds", "gauge", "Seconds since sobre serve started.");
	buf_printf(b, "sobre_uptime_seconds %.3f\n", up);
	put_help(b, "sobre_build_info", "gauge", "Always 1; the build's version as a label.");
	buf_puts(b, "sobre_build_info{version=\"");
	put_label(b, o->cfg.version ? o->cfg.version : "");
	buf_puts(b, "\"} 1\n");
	free(c);
	res->type = "text/plain; version=0.0.4; charset=utf-8";
}

/* The loopback address, in any of its spellings: the only clients that
 * may read /metrics (behind --trust-proxy, the forwarded client's). */
static bool loopback(const char *a)
{
	return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 || strncmp(a, "::ffff:127.", 11) == 0;
}

static void health(ops_t *o, web_response_t *res)
{
	diag_list_t d = DIAG_LIST_INIT;
	if (pilotage_health(o->cfg.pilotage, &d) == STEER_OK) {
		buf_puts(&res->body, "ok\n");
	} else {
		/* The cause only: the message names the file, which the log
		 * line keeps for the administrator. */
		const diag_t *x = d.len ? &d.items[0] : NULL;
		const char *cause = x && x->rule ? x->rule : STORE_CAUSE_OTHER;
		res->status = 503;
		buf_printf(&res->body, "%s\n", cause);
		if (x)
			buf_printf(&res->note, "%s [%s]", x->msg, cause);
	}
	diag_list_free(&d);
}

void ops_handle(ops_t *o, const web_request_t *req, web_response_t *res)
{
	bool metrics_path = strcmp(req->path, "/metrics") == 0;
	res->route = metrics_path ? "/metrics" : "/healthz";
	res->type = "text/plain; charset=utf-8";
	web_set_header(res, "Cache-Control", "no-store");
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		res->status = 405;
		web_set_header(res, "Allow", "GET, HEAD");
		buf_puts(&res->body, "Méthode non autorisée.\n");
		return;
	}
	if (!metrics_path) {
		health(o, res);
		return;
	}
	if (!loopback(req->remote)) {
		res->status = 403;
		buf_puts(&res->body, "Les métriques ne sont servies qu'à cette machine.\n");
		return;
	}
	metrics(o, res);
}
