/* pilotage_api: the JSON API under /pilotage/api/ (docs/api.md): the same
 * reads and writes as the pages, for scripts. Authenticated by the session
 * cookie (writes then need the X-CSRF-Token header) or by a user's api token
 * (Authorization: Bearer). Write bodies are JSON objects; refusals answer
 * 422 with the engine's diagnostics, stale versions 409. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "steer/assess.h"
#include "steer/consolidate.h"
#include "steer/indicator.h"
#include "steer/jsonout.h"
#include "steer/perimeter.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/sheet.h"
#include "steer/strategy.h"
#include "util/jsonw.h"
#include "util/utf8.h"
#include "web/pilotage_internal.h"

static void json_answer(rq_t *r, int status, buf_t *b)
{
	r->res->status = status;
	r->res->type = "application/json; charset=utf-8";
	web_set_header(r->res, "Cache-Control", "no-store");
	buf_put(&r->res->body, b->ptr ? b->ptr : "", b->len);
	buf_putc(&r->res->body, '\n');
	buf_free(b);
}

void api_score(rq_t *r)
{
	score_t a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (score_compute(r->s, SCORE_BY_THEME, &a, &r->d) || score_compute(r->s, SCORE_BY_PRIORITY, &b, &r->d)) {
		score_free(&a);
		score_free(&b);
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	const score_t *scores[] = {&a, &b};
	jsonw_init(&w, &out);
	jsonout_score(&w, scores, 2);
	score_free(&a);
	score_free(&b);
	json_answer(r, 200, &out);
}

/* The same array as the JSON export's practices. */
void api_practices(rq_t *r)
{
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	if (sheet_assessments_json(r->s, &w, &r->d)) {
		buf_free(&out);
		rq_io_error(r);
		return;
	}
	json_answer(r, 200, &out);
}

/* The same document as sobre plan --format json and the JSON export's plan. */
void api_plan(rq_t *r)
{
	plan_t plan;
	if (plan_build(r->s, PLAN_ACTIONS, NULL, &plan, &r->d)) {
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonout_plan(&w, &plan, 0);
	plan_free(&plan);
	json_answer(r, 200, &out);
}

/* The same document as sobre consolidate --format json. */
void api_objectives(rq_t *r)
{
	objective_list_t l;
	if (objective_list(r->s, false, &l, &r->d)) {
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonout_objectives(&w, &l);
	objective_list_free(&l);
	json_answer(r, 200, &out);
}

void api_consolidation(rq_t *r)
{
	consolidate_t c;
	if (consolidate(r->s, &c, &r->d)) {
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonout_consolidation(&w, &c);
	consolidate_free(&c);
	json_answer(r, 200, &out);
}

/* An assessment (jsonout) and what the API adds: the row version, whether
 * the caller may write it, the indicators with their last measurements. */
void api_practice(rq_t *r, const char *idbp)
{
	assessment_t a;
	indicator_list_t inds;
	memset(&inds, 0, sizeof inds);
	if (!rq_practice(r, idbp, 0, &a))
		return;
	if (indicator_list(r->s, a.idbp, JSONOUT_MEASURES, &inds, &r->d)) {
		assessment_free(&a);
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	plan_item_t row;
	jsonout_assessment_t view;
	jsonout_assessment_of(&a, &row, &view);
	jsonw_init(&w, &out);
	jsonw_object(&w);
	jsonout_assessment_fields(&w, &view);
	jsonw_key(&w, "version");
	jsonw_num(&w, (double)a.version);
	jsonw_key(&w, "editable");
	jsonw_bool(&w, !a.archived && account_may_edit(&r->user, a.pilot));
	jsonw_key(&w, "indicators");
	jsonw_array(&w);
	for (size_t i = 0; i < inds.len; i++)
		jsonout_indicator(&w, &inds.items[i]);
	jsonw_end(&w, ']');
	jsonw_end(&w, '}');
	assessment_free(&a);
	indicator_list_free(&inds);
	json_answer(r, 200, &out);
}

static void refused(rq_t *r, int status, const diag_list_t *d, const char *msg)
{
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonw_object(&w);
	jsonw_key(&w, "error");
	jsonw_str(&w, msg);
	jsonw_key(&w, "problems");
	jsonw_array(&w);
	for (size_t i = 0; d && i < d->len; i++) {
		buf_t fr = BUF_INIT;
		rq_diag_fr(&d->items[i], &fr);
		jsonw_object(&w);
		jsonw_key(&w, "rule");
		jsonw_str(&w, d->items[i].rule);
		jsonw_key(&w, "message");
		jsonw_str(&w, buf_cstr(&fr));
		jsonw_end(&w, '}');
		buf_free(&fr);
	}
	jsonw_end(&w, ']');
	jsonw_end(&w, '}');
	json_answer(r, status, &out);
}

/* A string member of the body, or NULL when absent; a non-string makes
 * *bad true. */
static const char *member(json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/* The body's members, all at the top level, with their string values in
 * NFC as forms give them: after parsing, since \u escapes can spell a
 * decomposed letter too. */
static json_t *parse_body(rq_t *r)
{
	json_error_t err;
	json_t *o = json_loadb(r->req->body, r->req->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		rq_error(r, 400, "", "le corps de la requête doit être un objet JSON");
		return NULL;
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		size_t n;
		char *nfc = json_is_string(v) ? utf8_nfc_new(json_string_value(v), json_string_length(v), &n) : NULL;
		if (nfc)
			json_object_set_new(o, key, json_stringn_nocheck(nfc, n));
		free(nfc);
	}
	return o;
}

void api_assess(rq_t *r, const char *idbp)
{
	assessment_t a;
	diag_list_t d = DIAG_LIST_INIT;
	json_t *o = NULL;
	steer_rc rc;
	if (!rq_practice(r, idbp, 1, &a))
		return;
	if (!(o = parse_body(r)))
		goto cleanup;
	bool bad = false;
	assess_change_t c;
	memset(&c, 0, sizeof c);
	c.status = member(o, "status", &bad);
	c.pilot = member(o, "pilot", &bad);
	c.owner = member(o, "owner", &bad);
	c.due = member(o, "due", &bad);
	c.comment = member(o, "comment", &bad);
	json_t *ver = json_object_get(o, "version");
	if (bad || (ver && !json_is_integer(ver))) {
		rq_error(r, 400, "", "status, pilot, owner, due et comment sont des chaînes ; version un entier");
		goto cleanup;
	}
	if (!account_may_edit(&r->user, a.pilot) || !account_may_set_pilot(&r->user, a.pilot, c.pilot)) {
		rq_forbidden(r, "votre rôle ne permet pas de modifier cette pratique");
		goto cleanup;
	}
	c.check_version = ver != NULL;
	c.if_version = ver ? (long long)json_integer_value(ver) : 0;
	rc = assess_set(r->s, a.idbp, &c, NULL, &d);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		goto cleanup;
	}
	if (rc == STEER_REFUSED && assess_is_stale(&d)) {
		refused(r, 409, NULL, "la pratique a été modifiée depuis la version indiquée : relisez-la");
		goto cleanup;
	}
	if (rc) {
		refused(r, 422, &d, "évaluation refusée : rien n'a été enregistré");
		goto cleanup;
	}
	r->commit = true;
	api_practice(r, a.idbp);
cleanup:
	json_decref(o);
	diag_list_free(&d);
	assessment_free(&a);
}

void api_measure(rq_t *r, const char *idbp)
{
	assessment_t a;
	diag_list_t d = DIAG_LIST_INIT;
	json_t *o = NULL;
	steer_rc rc;
	if (!rq_practice(r, idbp, 1, &a))
		return;
	if (!(o = parse_body(r)))
		goto cleanup;
	bool bad = false;
	const char *value = member(o, "value", &bad), *period = member(o, "period", &bad);
	json_t *num = json_object_get(o, "indicator");
	if (bad || !value || !num || !json_is_integer(num) || json_integer_value(num) <= 0 ||
	    json_integer_value(num) > 100000) {
		rq_error(r, 400, "", "indicator (entier) et value (chaîne) sont requis ; period est une chaîne");
		goto cleanup;
	}
	if (!account_may_edit(&r->user, a.pilot)) {
		rq_forbidden(r, "votre rôle ne permet pas de mesurer les indicateurs de cette pratique");
		goto cleanup;
	}
	indicator_ref_t ref = {(int)json_integer_value(num), NULL};
	measure_result_t res;
	memset(&res, 0, sizeof res);
	rc = indicator_measure(r->s, a.idbp, ref, value, period, NULL, NULL, &res, &d);
	measure_result_free(&res);
	if (rc == STEER_IO) {
		diag_move_all(&r->d, &d);
		rq_io_error(r);
		goto cleanup;
	}
	if (rc) {
		refused(r, 422, &d, "mesure refusée : rien n'a été enregistré");
		goto cleanup;
	}
	r->commit = true;
	api_practice(r, a.idbp);
cleanup:
	json_decref(o);
	diag_list_free(&d);
	assessment_free(&a);
}

/* The strategy's texts of the scope's perimeter (docs/api.md). */
void api_strategy(rq_t *r)
{
	char *texts[STRATEGY_NFIELDS] = {0}, *perimeter = NULL, *guide = NULL;
	if (strategy_texts(r->s, texts, &r->d) || perimeter_scope_names(r->s, &perimeter, &guide, &r->d)) {
		for (size_t i = 0; i < STRATEGY_NFIELDS; i++)
			free(texts[i]);
		free(perimeter);
		free(guide);
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonout_strategy_texts(&w, perimeter, (const char *const *)texts);
	for (size_t i = 0; i < STRATEGY_NFIELDS; i++)
		free(texts[i]);
	free(perimeter);
	free(guide);
	json_answer(r, 200, &out);
}
