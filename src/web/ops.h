/* ops: what operators ask of a running `sobre serve`. GET /healthz: 200 "ok"
 * when the database can be read and its write lock taken, else 503 with the
 * cause (STORE_CAUSE_*). GET /metrics, only when turned on and only to
 * clients on this machine: Prometheus' text exposition format (requests by
 * route pattern, method and status, a latency histogram, live sessions, the
 * database's size, uptime, build). Counts requests as the server's
 * web_observe_fn, from every server thread at once. */
#ifndef SOBRE_OPS_H
#define SOBRE_OPS_H

#include <stdbool.h>

#include "web/pilotage.h"
#include "web/server.h"

/* Series (route, method, status) counted; the ones beyond are counted
 * together as route="(other)": route names are the route table's patterns
 * and statuses the few handlers use, but a mistake (a raw path as a route)
 * must not grow the memory and the scrape without end. */
#define OPS_MAX_SERIES 512

typedef struct {
	pilotage_t *pilotage; /* the database's health and figures */
	bool metrics;         /* serve --metrics: answer /metrics (else 404) */
	const char *version;  /* sobre_build_info's version label */
} ops_config_t;

typedef struct ops ops_t;

/* Caller frees with ops_free after the server has stopped. */
ops_t *ops_new(const ops_config_t *cfg);
void ops_free(ops_t *o);

/* Whether o answers path: /healthz, and /metrics when turned on. */
bool ops_owns(const ops_t *o, const char *path);
/* Answers a path ops_owns. */
void ops_handle(ops_t *o, const web_request_t *req, web_response_t *res);
/* Counts reminders sent and failed (sobre_reminders_*_total). */
void ops_reminders(ops_t *o, unsigned long sent, unsigned long failed);
/* A web_observe_fn; ud is the ops_t. */
void ops_observe(void *ud, const char *method, const char *route, int status, double seconds);

#endif
