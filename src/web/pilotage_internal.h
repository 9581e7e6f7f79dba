/* pilotage_internal: what the web app's files share (pilotage.c: requests,
 * sessions, rendering; pilotage_pages.c: the HTML pages and forms;
 * pilotage_api.c: the JSON API). Not for use outside src/web/pilotage*. */
#ifndef SOBRE_PILOTAGE_INTERNAL_H
#define SOBRE_PILOTAGE_INTERNAL_H

#include <stdbool.h>
#include <time.h>

#include "guide/guide.h"
#include "guide/value.h"
#include "steer/account.h"
#include "steer/assess.h"
#include "steer/status.h"
#include "steer/store.h"
#include "util/buf.h"
#include "util/diag.h"
#include "web/pilotage.h"
#include "web/server.h"

/* One request: borrowed request and response, this thread's store (in a
 * transaction for the whole request), the authenticated user. */
typedef struct {
	pilotage_t *p;
	const web_request_t *req;
	web_response_t *res;
	store_t *s;
	account_t user;
	bool logged;  /* a live session or api token */
	bool bearer;  /* authenticated by an api token */
	bool api;     /* under /pilotage/api/: JSON answers */
	bool post;
	bool commit;  /* set by a handler whose writes must be kept */
	diag_list_t d;
} rq_t;

/* Context building: strings are copied; NULL becomes "". */
void ctx_str(value_t *m, const char *key, const char *v);
void ctx_bool(value_t *m, const char *key, bool b);
void ctx_num(value_t *m, const char *key, long long n);
value_t *ctx_list(value_t *m, const char *key);
value_t *ctx_push(value_t *list);
void status_slug(status_t st, buf_t *out);
/* "6 mars 2027", in the server's time zone. */
void pilotage_date_fr(time_t t, buf_t *out);

/* Responses. rq_render takes ctx and adds the layout's values. */
void rq_render(rq_t *r, int status, const char *name, value_t *ctx);
void rq_text(rq_t *r, int status, const char *msg);
void rq_redirect(rq_t *r, const char *url);
void rq_error(rq_t *r, int status, const char *heading, const char *message);
void rq_forbidden(rq_t *r, const char *why);
/* 503 for a failed database operation, worded after the cause found in
 * r->d (a handler with its own diagnostics list moves it there first); the
 * SQLite error goes to the request's log line. */
void rq_io_error(rq_t *r);
/* Practice idbp with its last `history` changes (0: all) into *a (freed by
 * the caller with assessment_free, also on failure); when there is no such
 * practice (404) or the database fails (503), answers and returns false. */
bool rq_practice(rq_t *r, const char *idbp, size_t history, assessment_t *a);
/* A steer diagnostic in French, with its "did you mean". */
void rq_diag_fr(const diag_t *x, buf_t *out);

/* pilotage_pages.c */
void pg_dashboard(rq_t *r);
void pg_practices(rq_t *r);
/* A practice page; st (may be NULL) carries a refused form back. */
typedef struct practice_state practice_state_t;
void pg_practice(rq_t *r, const char *idbp, practice_state_t *st);
void do_assess(rq_t *r, const char *idbp);
void do_measure(rq_t *r, const char *idbp);
void pg_plan(rq_t *r);
void pg_download(rq_t *r, const char *name);
void pg_indicators(rq_t *r);
void pg_snapshots(rq_t *r);
void do_snapshot(rq_t *r);
void pg_report(rq_t *r);
void pg_admin(rq_t *r, value_t *extra);
void do_add_user(rq_t *r);
void do_weights(rq_t *r);
void do_upgrade(rq_t *r);
void do_user_action(rq_t *r, bool remove);
/* The guide text of a practice, from the site (false when unavailable). */
bool pilotage_guide_html(rq_t *r, const char *idbp, buf_t *html, buf_t *url);
/* The guide the site serves, held until released; NULL without a site. */
const guide_t *pilotage_guide_hold(rq_t *r, void **hold);
void pilotage_guide_release(void *hold);

/* pilotage_api.c: the JSON API (docs/api.md). */
void api_score(rq_t *r);
void api_practices(rq_t *r);
void api_practice(rq_t *r, const char *idbp);
void api_assess(rq_t *r, const char *idbp);
void api_measure(rq_t *r, const char *idbp);

#endif
