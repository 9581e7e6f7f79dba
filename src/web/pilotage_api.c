/* pilotage_api: the JSON API under /pilotage/api/ (docs/api.md): the same
 * reads and writes as the pages, for scripts. Authenticated by the session
 * cookie (writes then need the X-CSRF-Token header) or by a user's api token
 * (Authorization: Bearer). Write bodies are JSON objects; refusals answer
 * 422 with the engine's diagnostics, stale versions 409. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "steer/assess.h"
#include "steer/indicator.h"
#include "steer/plan.h"
#include "steer/score.h"
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

static void score_groups(jsonw_t *w, const score_t *sc)
{
	buf_t v = BUF_INIT;
	jsonw_array(w);
	for (size_t i = 0; i < sc->ngroups; i++) {
		jsonw_object(w);
		jsonw_key(w, "key");
		jsonw_str(w, sc->groups[i].key);
		jsonw_key(w, "label");
		jsonw_str(w, sc->groups[i].label);
		long t = score_tenths(sc->groups[i].t.num, sc->groups[i].t.den);
		jsonw_key(w, "score");
		if (t < 0)
			jsonw_str(w, NULL);
		else
			jsonw_num(w, (double)t / 10);
		jsonw_key(w, "assessed");
		jsonw_num(w, (double)sc->groups[i].t.assessed);
		jsonw_key(w, "total");
		jsonw_num(w, (double)sc->groups[i].t.total);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	buf_free(&v);
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
	jsonw_init(&w, &out);
	jsonw_object(&w);
	long t = score_tenths(a.overall.num, a.overall.den);
	jsonw_key(&w, "score");
	if (t < 0)
		jsonw_str(&w, NULL);
	else
		jsonw_num(&w, (double)t / 10);
	jsonw_key(&w, "assessed");
	jsonw_num(&w, (double)a.overall.assessed);
	jsonw_key(&w, "total");
	jsonw_num(&w, (double)a.overall.total);
	jsonw_key(&w, "by_theme");
	score_groups(&w, &a);
	jsonw_key(&w, "by_priority");
	score_groups(&w, &b);
	jsonw_end(&w, '}');
	score_free(&a);
	score_free(&b);
	json_answer(r, 200, &out);
}

void api_practices(rq_t *r)
{
	plan_t plan;
	if (plan_build(r->s, PLAN_ALL, NULL, &plan, &r->d)) {
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonw_array(&w);
	for (size_t i = 0; i < plan.len; i++) {
		const plan_item_t *x = &plan.items[i];
		jsonw_object(&w);
		jsonw_key(&w, "id");
		jsonw_str(&w, x->idbp);
		jsonw_key(&w, "title");
		jsonw_str(&w, x->title);
		jsonw_key(&w, "theme");
		jsonw_str(&w, x->theme_id);
		jsonw_key(&w, "priority");
		jsonw_str(&w, x->priority);
		jsonw_key(&w, "difficulty");
		jsonw_str(&w, x->difficulty);
		jsonw_key(&w, "status");
		jsonw_str(&w, status_name(x->status));
		jsonw_key(&w, "pilot");
		jsonw_str(&w, x->pilot);
		jsonw_key(&w, "owner");
		jsonw_str(&w, x->owner);
		jsonw_key(&w, "due");
		jsonw_str(&w, x->due);
		jsonw_key(&w, "overdue");
		jsonw_bool(&w, x->overdue);
		jsonw_end(&w, '}');
	}
	jsonw_end(&w, ']');
	plan_free(&plan);
	json_answer(r, 200, &out);
}

void api_practice(rq_t *r, const char *idbp)
{
	assessment_t a;
	indicator_list_t inds;
	memset(&inds, 0, sizeof inds);
	if (!rq_practice(r, idbp, 0, &a))
		return;
	if (indicator_list(r->s, a.idbp, 12, &inds, &r->d)) {
		assessment_free(&a);
		rq_io_error(r);
		return;
	}
	buf_t out = BUF_INIT;
	jsonw_t w;
	jsonw_init(&w, &out);
	jsonw_object(&w);
	jsonw_key(&w, "id");
	jsonw_str(&w, a.idbp);
	jsonw_key(&w, "title");
	jsonw_str(&w, a.title);
	jsonw_key(&w, "theme");
	jsonw_str(&w, a.theme_id);
	jsonw_key(&w, "priority");
	jsonw_str(&w, a.priority);
	jsonw_key(&w, "difficulty");
	jsonw_str(&w, a.difficulty);
	jsonw_key(&w, "status");
	jsonw_str(&w, status_name(a.status));
	jsonw_key(&w, "pilot");
	jsonw_str(&w, a.pilot);
	jsonw_key(&w, "owner");
	jsonw_str(&w, a.owner);
	jsonw_key(&w, "due");
	jsonw_str(&w, a.due);
	jsonw_key(&w, "comment");
	jsonw_str(&w, a.comment);
	jsonw_key(&w, "evidence");
	jsonw_array(&w);
	for (size_t i = 0; i < a.nevidence; i++)
		jsonw_str(&w, a.evidence[i]);
	jsonw_end(&w, ']');
	jsonw_key(&w, "version");
	jsonw_num(&w, (double)a.version);
	jsonw_key(&w, "editable");
	jsonw_bool(&w, !a.archived && account_may_edit(&r->user, a.pilot));
	jsonw_key(&w, "indicators");
	jsonw_array(&w);
	for (size_t i = 0; i < inds.len; i++) {
		const indicator_t *x = &inds.items[i];
		jsonw_object(&w);
		jsonw_key(&w, "num");
		jsonw_num(&w, x->num);
		jsonw_key(&w, "name");
		jsonw_str(&w, x->name);
		jsonw_key(&w, "type");
		jsonw_str(&w, indicator_type_name(x->type));
		jsonw_key(&w, "unit");
		jsonw_str(&w, x->unit);
		jsonw_key(&w, "target");
		jsonw_str(&w, x->target);
		jsonw_key(&w, "due");
		jsonw_bool(&w, x->due);
		jsonw_key(&w, "measures");
		jsonw_array(&w);
		for (size_t j = 0; j < x->nmeasures; j++) {
			jsonw_object(&w);
			jsonw_key(&w, "period");
			jsonw_str(&w, x->measures[j].period);
			jsonw_key(&w, "value");
			jsonw_str(&w, x->measures[j].value);
			jsonw_key(&w, "recorded_by");
			jsonw_str(&w, x->measures[j].recorded_by);
			jsonw_end(&w, '}');
		}
		jsonw_end(&w, ']');
		jsonw_end(&w, '}');
	}
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
