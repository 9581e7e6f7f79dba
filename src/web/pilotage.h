/* pilotage: the steering web app under /pilotage/: login and sessions,
 * server-rendered pages (dashboard, consolidation, practices, a practice
 * with its assessment and indicators, action plan, indicators, snapshots,
 * report, administration), each in the scope its address names, and the
 * JSON API under /pilotage/api/. One database
 * connection per server thread, one transaction per request. */
#ifndef SOBRE_PILOTAGE_H
#define SOBRE_PILOTAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "steer/identity.h"
#include "steer/store.h"
#include "util/diag.h"
#include "web/app.h"
#include "web/server.h"

typedef struct {
	const char *db_path;  /* an existing sobre database (schema upgraded on open) */
	bool secure;          /* the session cookie gets Secure (HTTPS proxy in front) */
	app_t *site;          /* the guide's site, for the practices' text; may be NULL */
	struct oidc *oidc;    /* logins through an OpenID Connect provider; may be NULL (borrowed) */
	const char *oidc_name; /* its button's name */
	identity_rules_t rules; /* who may come in through it */
	bool local_login;     /* password logins allowed */
} pilotage_config_t;

typedef struct pilotage pilotage_t;

/* Checks the database opens and compiles the templates. Returns NULL with
 * diagnostics otherwise. Caller frees with pilotage_free after the server
 * has stopped (it closes every thread's connection). */
pilotage_t *pilotage_new(const pilotage_config_t *cfg, diag_list_t *d);
void pilotage_free(pilotage_t *p);

/* The largest body each kind of POST may send (pilotage_admit): the login
 * form (an address and a password of at most 1,024 bytes, percent-encoded);
 * the other forms; an assessment (a 4,000-character comment and 50 evidence
 * links of 2,048 bytes, percent-encoded, in a form or in JSON); the RGESN
 * declaration's forms (at most four texts of 4,000 bytes and thirteen lines
 * of 200, every byte percent-encoded: 56 KB). */
#define PILOTAGE_MAX_LOGIN_BODY (4u << 10)
#define PILOTAGE_MAX_FORM_BODY (16u << 10)
#define PILOTAGE_MAX_ASSESS_BODY (512u << 10)
#define PILOTAGE_MAX_DECLARATION_BODY (64u << 10)
/* One text of the stratégie: STRATEGY_MAX_TEXT (50,000) bytes, each
 * percent-encoded (150,000), with its field's name. */
#define PILOTAGE_MAX_STRATEGY_BODY (160u << 10)
/* A practice id in a path, with its NUL. */
#define PILOTAGE_MAX_ID 64
/* A request whose transaction loses a race with another (PostgreSQL's
 * serialization failure or deadlock, STORE_CAUSE_RETRY) runs again, up to
 * this many times in all, after a random pause of 1 to
 * PILOTAGE_RETRY_PAUSE_MS milliseconds; then it is answered 503. */
#define PILOTAGE_ATTEMPTS 3
#define PILOTAGE_RETRY_PAUSE_MS 20

/* Whether path belongs to the app ("/pilotage" and below). */
bool pilotage_owns(const char *path);

/* How large a body req may send (a web_admit_fn for the paths pilotage_owns):
 * a POST to a write route with a live session or api token, or to the login
 * form with its cookie, gets the route's limit; anything else 0. */
size_t pilotage_admit(pilotage_t *p, const web_request_t *req);

/* A web_handler_fn for the paths pilotage_owns; ud is the pilotage_t. */
void pilotage_handle(void *ud, const web_request_t *req, web_response_t *res);

/* For GET /healthz (web/ops), on the calling thread's connection: the
 * database read, and its write lock taken and released (store_health).
 * STEER_OK, or STEER_IO with a diagnostic whose rule is the cause. */
steer_rc pilotage_health(pilotage_t *p, diag_list_t *d);
/* For GET /metrics: the sessions live now and the database's size in bytes
 * (-1 each when unknown). */
steer_rc pilotage_stats(pilotage_t *p, long long *sessions, long long *db_bytes, diag_list_t *d);

/* The lines of a textarea (a practice's evidence links), trimmed, empty
 * ones dropped; *n gets their number, s may be NULL. Caller frees with
 * pilotage_lines_free. Public for tests/fuzz/fuzz_http.c. */
char **pilotage_split_lines(const char *s, size_t *n);
void pilotage_lines_free(char **lines, size_t n);

#endif
