/* pilotage_internal: the pages and the API of the steering web app, for the
 * route table (pilotage.c): pilotage_lists.c (the dashboard and the
 * practices list, kept while the database is unchanged), pilotage_pages.c
 * (the other HTML pages and forms),
 * pilotage_declaration.c (the RGESN declaration), pilotage_objective.c
 * (the strategy's objectives), pilotage_account.c
 * (login, logout, Mon compte), pilotage_api.c (the JSON API). Each is built on web/request. Not for use outside src/web/pilotage*. */
#ifndef SOBRE_PILOTAGE_INTERNAL_H
#define SOBRE_PILOTAGE_INTERNAL_H

#include <stdbool.h>

#include "guide/value.h"
#include "steer/store.h"
#include "web/pilotage.h"
#include "web/request.h"

/* pilotage_lists.c */
void pg_dashboard(rq_t *r);
void pg_practices(rq_t *r);

/* pilotage_pages.c */
/* A practice page; st (may be NULL) carries a refused form back. */
typedef struct practice_state practice_state_t;
void pg_practice(rq_t *r, const char *idbp, practice_state_t *st);
void do_assess(rq_t *r, const char *idbp);
void do_measure(rq_t *r, const char *idbp);
void pg_plan(rq_t *r);

void pg_consolidation(rq_t *r);
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

/* pilotage_declaration.c: the RGESN declaration of the scope's service. */
void pg_declaration(rq_t *r);
void do_declaration(rq_t *r);
void pg_declaration_criterion(rq_t *r, const char *idbp);
void do_declaration_criterion(rq_t *r, const char *idbp);
/* declaration.html, .json or .xlsx */
void pg_declaration_download(rq_t *r, const char *name);

/* pilotage_strategy.c: the stratégie numérique responsable of the scope's
 * perimeter: the page, a text's form, the downloads (strategie.odt, .html,
 * .md). */
void pg_strategy(rq_t *r);
void do_strategy(rq_t *r);
void pg_strategy_download(rq_t *r, const char *name);
/* pilotage_objective.c: the strategy's objectives. */
void pg_objectives(rq_t *r);
void do_objective_add(rq_t *r);
void pg_objective(rq_t *r, const char *arg);
void do_objective_set(rq_t *r, const char *arg);
void do_objective_archive(rq_t *r, const char *arg);
/* The dashboard's "Objectifs" block into ctx's "objectives": counts by
 * state, the first few with their charts. */
steer_rc pilotage_objectives_block(rq_t *r, value_t *ctx);

/* pilotage_api.c: the JSON API (docs/api.md). */
void api_score(rq_t *r);
void api_practices(rq_t *r);
void api_plan(rq_t *r);
void api_consolidation(rq_t *r);
void api_objectives(rq_t *r);
void api_practice(rq_t *r, const char *idbp);
void api_assess(rq_t *r, const char *idbp);
void api_measure(rq_t *r, const char *idbp);
void api_strategy(rq_t *r);

/* pilotage_account.c */
void pg_login(rq_t *r);
void do_login(rq_t *r);
void do_logout(rq_t *r);
/* The login through the OpenID Connect provider: its button, its callback. */
void do_oidc_start(rq_t *r);
void do_oidc_return(rq_t *r);
/* "Mon compte"; errs (taken, may be NULL) holds the form's error messages. */
void pg_account(rq_t *r, int status, value_t *errs);
void do_own_token(rq_t *r, bool revoke);
void do_own_password(rq_t *r);
/* The reminders switch of "Mon compte", and the one-click unsubscribe
 * page (GET: a confirmation with a button; POST: done) whose token is in
 * the path. */
void do_own_reminders(rq_t *r);
void pg_unsubscribe(rq_t *r, const char *token);

#endif
