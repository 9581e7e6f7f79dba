/* store: what does not depend on the database engine, written against the
 * query API of store.h (store_sqlite.c implements it): dates, the history,
 * settings, weights, the current guide version, refusals. Its SQL is what
 * SQLite and PostgreSQL both accept. */
#include "steer/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

const char *const store_priorities[STORE_NPRIORITIES] = {"Prioritaire", "Recommandée", "Aller plus loin"};
const unsigned store_default_weights[STORE_NPRIORITIES] = {3, 2, 1};

void store_today(const store_t *s, char out[11])
{
	time_t now = store_now(s);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void store_timestamp(const store_t *s, char out[21])
{
	time_t now = store_now(s);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void store_bind_unset(store_query_t *q, int idx, long long v)
{
	if (v < 0)
		store_bind_null(q, idx);
	else
		store_bind_int(q, idx, v);
}

steer_rc store_refuse(diag_list_t *d, const char *rule, const char *hint, const char *fmt, ...)
{
	va_list ap;
	buf_t msg = BUF_INIT;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_t *x = diag_add(d, DIAG_ERROR, NULL, 0, 0, rule, "%s", buf_cstr(&msg));
	if (hint)
		diag_hint(x, "%s", hint);
	buf_free(&msg);
	return STEER_REFUSED;
}

static steer_rc log_line(store_t *s, bool scoped, const char *idbp, const char *field, const char *old_value,
			 const char *new_value, diag_list_t *d)
{
	char at[21];
	store_timestamp(s, at);
	store_query_t *q = store_query(s, "INSERT INTO history(at, actor, idbp, field, old, new, perimeter_id, "
					  "referentiel_id) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM referentiel WHERE id = ?))");
	store_bind_text(q, 1, at);
	store_bind_text(q, 2, store_actor(s));
	store_bind_text(q, 3, idbp);
	store_bind_text(q, 4, field);
	store_bind_text(q, 5, old_value);
	store_bind_text(q, 6, new_value);
	if (scoped) {
		store_bind_int(q, 7, store_perimeter(s));
		store_bind_int(q, 8, store_referentiel(s));
	}
	return store_exec(q, d, "recording the history");
}

steer_rc store_log(store_t *s, const char *idbp, const char *field, const char *old_value,
		   const char *new_value, diag_list_t *d)
{
	return log_line(s, true, idbp, field, old_value, new_value, d);
}

steer_rc store_log_global(store_t *s, const char *field, const char *old_value, const char *new_value,
			  diag_list_t *d)
{
	return log_line(s, false, NULL, field, old_value, new_value, d);
}

char *store_meta(store_t *s, const char *key)
{
	store_query_t *q = store_query(s, "SELECT value FROM meta WHERE key = ?");
	store_bind_text(q, 1, key);
	char *v = store_next(q) ? store_col_dup(q, 0) : NULL;
	store_done(q);
	return v;
}

steer_rc store_set_meta(store_t *s, const char *key, const char *value, diag_list_t *d)
{
	if (store_require_tx(s, d))
		return STEER_IO;
	store_query_t *q = store_query(s, "INSERT INTO meta(key, value) VALUES (?, ?) "
					  "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	store_bind_text(q, 1, key);
	store_bind_text(q, 2, value);
	return store_exec(q, d, "saving a setting");
}

int store_priority_index(const char *priority)
{
	for (int i = 0; i < STORE_NPRIORITIES; i++)
		if (priority && strcmp(priority, store_priorities[i]) == 0)
			return i;
	return -1;
}

steer_rc store_weights(store_t *s, unsigned w[STORE_NPRIORITIES], diag_list_t *d)
{
	for (int i = 0; i < STORE_NPRIORITIES; i++)
		w[i] = store_default_weights[i];
	store_query_t *q = store_query(s, "SELECT priority, weight FROM weight");
	while (store_next(q)) {
		int i = store_priority_index(store_col_text(q, 0));
		if (i >= 0)
			w[i] = (unsigned)store_col_int(q, 1);
	}
	return store_end(q, d, "reading the weights");
}

static void weights_text(const unsigned w[STORE_NPRIORITIES], char *out, size_t cap)
{
	snprintf(out, cap, "%s %u, %s %u, %s %u", store_priorities[0], w[0], store_priorities[1], w[1],
		 store_priorities[2], w[2]);
}

steer_rc store_set_weights(store_t *s, const unsigned w[STORE_NPRIORITIES], diag_list_t *d)
{
	if (store_require_tx(s, d))
		return STEER_IO;
	for (int i = 0; i < STORE_NPRIORITIES; i++)
		if (w[i] > STORE_MAX_WEIGHT) {
			char hint[64];
			snprintf(hint, sizeof hint, "weights are whole numbers from 0 to %d", STORE_MAX_WEIGHT);
			return store_refuse(d, "bad-weight", hint, "weight %u for %s is too large", w[i], store_priorities[i]);
		}
	unsigned old[STORE_NPRIORITIES];
	if (store_weights(s, old, d))
		return STEER_IO;
	if (memcmp(old, w, sizeof old) == 0)
		return STEER_OK;
	for (int i = 0; i < STORE_NPRIORITIES; i++) {
		store_query_t *q = store_query(s, "UPDATE weight SET weight = ? WHERE priority = ?");
		store_bind_int(q, 1, w[i]);
		store_bind_text(q, 2, store_priorities[i]);
		if (store_exec(q, d, "saving the weights"))
			return STEER_IO;
	}
	char a[96], b[96];
	weights_text(old, a, sizeof a);
	weights_text(w, b, sizeof b);
	return store_log(s, NULL, "weights", a, b, d);
}

steer_rc store_current_version(store_t *s, long long *id, char **version, diag_list_t *d)
{
	*id = 0;
	if (version)
		*version = NULL;
	store_query_t *q = store_query(s, "SELECT id, version FROM guide_version WHERE referentiel_id = ? "
					  "ORDER BY id DESC LIMIT 1");
	store_bind_int(q, 1, store_referentiel(s));
	if (store_next(q)) {
		*id = store_col_int(q, 0);
		if (version)
			*version = store_col_dup(q, 1);
	}
	steer_rc rc = store_end(q, d, "reading the guide version");
	if (rc && version) {
		free(*version);
		*version = NULL;
	}
	return rc;
}

steer_rc store_require_version(store_t *s, long long *id, diag_list_t *d)
{
	if (store_current_version(s, id, NULL, d))
		return STEER_IO;
	if (*id == 0) {
		diag_t *x = diag_add(d, DIAG_ERROR, store_path(s), 0, 0, "no-guide", "no guide has been imported into this database yet");
		diag_hint(x, "import one first: sobre guide import DIR");
		return STEER_REFUSED;
	}
	return STEER_OK;
}
