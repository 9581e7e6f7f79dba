/* store: what does not depend on the database engine. The connection's
 * context (location, actor, clock, scope and its profile), the statement
 * cache keyed by the SQL literal's address and the state of each
 * statement's reading, transactions' bookkeeping, the reporting of the
 * database's failures; which backend a location names (store_backend.h:
 * store_sqlite.c for a file, store_pg.c for a PostgreSQL URI); and, written against the query API, dates,
 * the history, settings, weights, the current guide version, refusals. Its
 * SQL is what SQLite and PostgreSQL both accept. */
#include "steer/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/store_backend.h"
#include "util/buf.h"
#include "util/xalloc.h"

const char *const store_priorities[STORE_NPRIORITIES] = {"Prioritaire", "Recommandée", "Aller plus loin"};
const unsigned store_default_weights[STORE_NPRIORITIES] = {3, 2, 1};

/* --- the location ------------------------------------------------------ */

/* The length of libpq's URI prefix that location starts with, or 0. The
 * same two prefixes as libpq's (uri_prefix_length in fe-connect.c), case
 * included. A keyword/value string ("host=db dbname=sobre") is not
 * recognised: SQLite file names may hold '=' and spaces, and a URI says
 * the same ("postgresql://db/sobre", its keywords as ?key=value). */
static size_t pg_uri_prefix(const char *location)
{
	static const char *const prefixes[] = {"postgresql://", "postgres://"};
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(location, prefixes[i], n) == 0)
			return n;
	}
	return 0;
}

bool store_location_is_postgres(const char *location)
{
	return pg_uri_prefix(location) > 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether the URI parameter key of n bytes, percent-decoded as libpq
 * decodes it, names a secret. */
static bool secret_key(const char *key, size_t n)
{
	char name[16];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (c == '%' && i + 2 < n && hex_digit(key[i + 1]) >= 0 && hex_digit(key[i + 2]) >= 0) {
			c = (char)(hex_digit(key[i + 1]) * 16 + hex_digit(key[i + 2]));
			i += 2;
		}
		if (len == sizeof name - 1)
			return false;
		name[len++] = c;
	}
	name[len] = '\0';
	return strcmp(name, "password") == 0 || strcmp(name, "sslpassword") == 0;
}

char *store_location_name(const char *location)
{
	size_t pre = pg_uri_prefix(location);
	if (!pre)
		return xstrdup(location);
	buf_t b = BUF_INIT;
	buf_put(&b, location, pre);
	const char *p = location + pre;
	/* libpq's reading of "user[:password]@": the credentials end at the
	 * first '@' before any '/', the password at that '@'. */
	size_t auth = strcspn(p, "@/");
	if (p[auth] == '@') {
		size_t user = strcspn(p, ":@");
		buf_put(&b, p, user);
		p += auth;
	}
	size_t q = strcspn(p, "?");
	buf_put(&b, p, q);
	p += q;
	if (*p == '?') {
		/* key=value&...: the secret ones dropped. */
		p++;
		bool first = true;
		while (*p) {
			size_t n = strcspn(p, "&"), key = strcspn(p, "=&");
			if (n > 0 && !secret_key(p, key)) {
				buf_putc(&b, first ? '?' : '&');
				buf_put(&b, p, n);
				first = false;
			}
			p += n;
			if (*p == '&')
				p++;
		}
	}
	return buf_detach(&b);
}

/* --- the connection ---------------------------------------------------- */

steer_rc store_open_version(const char *path, int flags, int version, store_t **out, diag_list_t *d)
{
	*out = NULL;
	store_t *s = xcalloc(1, sizeof *s);
	s->ops = pg_uri_prefix(path) ? &store_pg_ops : &store_sqlite_ops;
	s->path = xstrdup(path);
	s->name = store_location_name(path);
	s->actor = xstrdup("unknown");
	s->now = time(NULL);
	s->perimeter = 1;
	s->referentiel = 1;
	s->profile = profile_builtin("gbpnr");
	steer_rc rc = s->ops->open(s, flags, version, d);
	if (rc) {
		store_close(s);
		return rc;
	}
	*out = s;
	return STEER_OK;
}

steer_rc store_open(const char *path, int flags, store_t **out, diag_list_t *d)
{
	return store_open_version(path, flags, STORE_SCHEMA_VERSION, out, d);
}

void store_close(store_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nstmts; i++) {
		s->ops->finalize(s->stmts[i].st);
		free(s->stmts[i].errmsg);
	}
	free(s->failed.errmsg);
	s->ops->close(s);
	free(s->path);
	free(s->name);
	free(s->actor);
	profile_free(s->owned_profile);
	free(s);
}

int store_init_multithread(void)
{
	int a = store_sqlite_ops.init_multithread();
	int b = store_pg_ops.init_multithread();
	return a || b ? -1 : 0;
}

int store_schema_version(store_t *s)
{
	return s->ops->schema_version(s);
}

const char *store_path(const store_t *s)
{
	return s->path;
}

const char *store_name(const store_t *s)
{
	return s->name;
}

const char *store_readonly_cause(const store_t *s)
{
	return s->ro_cause;
}

steer_rc store_health(store_t *s, diag_list_t *d)
{
	if (store_in_transaction(s)) {
		diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER, "a transaction is already open");
		return STEER_IO;
	}
	return s->ops->health(s, d);
}

long long store_size_bytes(store_t *s)
{
	return s->ops->size_bytes(s);
}

steer_rc store_backup(store_t *s, const char *dest, diag_list_t *d)
{
	return s->ops->backup(s, dest, d);
}

void store_report(store_t *s, diag_list_t *d, const char *what, const char *cause, const char *msg)
{
	/* A database opened read-only because the disk was full refuses writes
	 * as read-only: the first reason is the one to act on. */
	bool fallback = s->ro_cause && strcmp(cause, STORE_CAUSE_READONLY) == 0;
	if (fallback)
		cause = s->ro_cause;
	diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, cause, "%s failed: %s%s%s%s", what, msg,
			     fallback ? " (it was opened read-only: " : "", fallback ? s->ops->cause_text(cause) : "",
			     fallback ? ")" : "");
	const char *hint = s->ops->cause_hint(cause);
	if (hint)
		diag_hint(x, "%s", hint);
}

/* --- the context ------------------------------------------------------- */

void store_set_actor(store_t *s, const char *actor)
{
	free(s->actor);
	s->actor = xstrdup(actor && *actor ? actor : "unknown");
}

const char *store_actor(const store_t *s)
{
	return s->actor;
}

void store_set_scope(store_t *s, long long perimeter, long long referentiel)
{
	s->perimeter = perimeter;
	s->referentiel = referentiel;
}

void store_set_profile(store_t *s, const profile_t *p, profile_t *owned)
{
	if (s->owned_profile != owned)
		profile_free(s->owned_profile);
	s->owned_profile = owned;
	s->profile = p ? p : profile_builtin("gbpnr");
}

profile_t *store_take_profile(store_t *s)
{
	profile_t *p = s->owned_profile;
	s->owned_profile = NULL;
	return p;
}

const profile_t *store_profile(const store_t *s)
{
	return s->profile;
}

long long store_perimeter(const store_t *s)
{
	return s->perimeter;
}

long long store_referentiel(const store_t *s)
{
	return s->referentiel;
}

void store_set_now(store_t *s, time_t now)
{
	s->now = now;
}

time_t store_now(const store_t *s)
{
	return s->now;
}

/* --- transactions ------------------------------------------------------ */

steer_rc store_begin(store_t *s, bool write, diag_list_t *d)
{
	if (s->ops->in_transaction(s)) {
		diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER, "a transaction is already open");
		return STEER_IO;
	}
	if (write && s->ro_cause) {
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, s->ro_cause,
				     "cannot write to %s: it was opened read-only (%s)", s->name,
				     s->ops->cause_text(s->ro_cause));
		diag_hint(x, "%s", s->ops->cause_hint(s->ro_cause));
		return STEER_IO;
	}
	return s->ops->begin(s, write, d);
}

/* Resets every cached statement. A statement left on a row (a function
 * that reads one row and returns) keeps the connection's read snapshot open
 * past COMMIT or ROLLBACK: its next transactions would read the state from
 * before and could not write (SQLITE_BUSY_SNAPSHOT). The web app keeps one
 * connection per server thread for many requests, so each transaction's end
 * releases them all rather than relying on every caller to. */
static void reset_stmts(store_t *s)
{
	for (size_t i = 0; i < s->nstmts; i++)
		store_done(&s->stmts[i]);
}

steer_rc store_commit(store_t *s, diag_list_t *d)
{
	reset_stmts(s);
	if (s->ops->commit(s, d)) {
		store_rollback(s);
		return STEER_IO;
	}
	return STEER_OK;
}

void store_rollback(store_t *s)
{
	reset_stmts(s);
	s->ops->rollback(s);
}

bool store_in_transaction(store_t *s)
{
	return s->ops->in_transaction(s);
}

steer_rc store_data_version(store_t *s, unsigned long long *out, diag_list_t *d)
{
	*out = 0;
	if (store_require_tx(s, d))
		return STEER_IO;
	return s->ops->data_version(s, out, d);
}

steer_rc store_require_tx(store_t *s, diag_list_t *d)
{
	if (s->ops->in_transaction(s))
		return STEER_OK;
	diag_add(d, DIAG_ERROR, s->name, 0, 0, STORE_CAUSE_OTHER,
		 "internal error: steer function called outside a transaction");
	return STEER_IO;
}

long long store_changes(store_t *s)
{
	return s->ops->changes(s);
}

/* --- queries ----------------------------------------------------------- */

/* Keeps the failure whose backend code a call returned in q. */
static void query_failed(store_query_t *q, int code)
{
	q->state = Q_FAILED;
	free(q->errmsg);
	q->errmsg = NULL;
	q->s->ops->failure(q->s, code, &q->cause, &q->errmsg);
}

static store_query_t *ready(store_query_t *q)
{
	q->state = Q_READY;
	free(q->errmsg);
	q->errmsg = NULL;
	return q;
}

store_query_t *store_query(store_t *s, const char *sql)
{
	for (size_t i = 0; i < s->nstmts; i++)
		if (s->stmts[i].sql == sql) {
			store_query_t *q = &s->stmts[i];
			q->ops->reset(q->st, true);
			return ready(q);
		}
	store_query_t *failed = &s->failed;
	failed->s = s;
	failed->ops = s->ops;
	failed->sql = NULL;
	failed->st = NULL;
	if (s->nstmts == STORE_MAX_STMTS) {
		/* Unreachable with the fixed set of queries; a failure tests see
		 * beats finalizing and preparing again on every call. */
		free(failed->errmsg);
		failed->state = Q_FAILED;
		failed->cause = STORE_CAUSE_OTHER;
		failed->errmsg = xstrdup("more distinct statements than the cache holds (STORE_MAX_STMTS)");
		return failed;
	}
	store_stmt_t *st = NULL;
	int r = s->ops->prepare(s, sql, &st);
	if (r) {
		query_failed(failed, r);
		return failed;
	}
	store_query_t *q = &s->stmts[s->nstmts++];
	q->s = s;
	q->ops = s->ops;
	q->sql = sql;
	q->st = st;
	return ready(q);
}

store_query_t *store_query_alt(store_t *s, const char *sqlite_sql, const char *pg_sql)
{
	return store_query(s, s->ops->dialect == STORE_DIALECT_PG ? pg_sql : sqlite_sql);
}

/* A bind's result: a failure (out of memory, a bad index) fails the query. */
static void bound(store_query_t *q, int rc)
{
	if (rc)
		query_failed(q, rc);
}

void store_bind_text(store_query_t *q, int idx, const char *text)
{
	if (q->state != Q_READY)
		return;
	bound(q, text ? q->ops->bind_text(q->st, idx, text) : q->ops->bind_null(q->st, idx));
}

void store_bind_int(store_query_t *q, int idx, long long v)
{
	if (q->state == Q_READY)
		bound(q, q->ops->bind_int(q->st, idx, v));
}

void store_bind_double(store_query_t *q, int idx, double v)
{
	if (q->state == Q_READY)
		bound(q, q->ops->bind_double(q->st, idx, v));
}

void store_bind_blob(store_query_t *q, int idx, const void *data, size_t len)
{
	if (q->state == Q_READY)
		bound(q, q->ops->bind_blob(q->st, idx, data, len));
}

void store_bind_null(store_query_t *q, int idx)
{
	if (q->state == Q_READY)
		bound(q, q->ops->bind_null(q->st, idx));
}

void store_bind_unset(store_query_t *q, int idx, long long v)
{
	if (v < 0)
		store_bind_null(q, idx);
	else
		store_bind_int(q, idx, v);
}

void store_bind_scope(store_query_t *q, int idx)
{
	store_bind_int(q, idx, q->s->perimeter);
	store_bind_int(q, idx + 1, q->s->referentiel);
}

bool store_next(store_query_t *q)
{
	if (q->state != Q_READY && q->state != Q_ROW)
		return false;
	int err = 0;
	if (q->ops->step(q->st, &err)) {
		q->state = Q_ROW;
		return true;
	}
	if (err)
		query_failed(q, err);
	else
		q->state = Q_DONE;
	q->ops->reset(q->st, false);
	return false;
}

void store_done(store_query_t *q)
{
	if (q->state == Q_ROW)
		q->ops->reset(q->st, false);
	if (q->state != Q_FAILED)
		q->state = Q_DONE;
}

steer_rc store_end(store_query_t *q, diag_list_t *d, const char *what)
{
	store_done(q);
	if (q->state != Q_FAILED)
		return STEER_OK;
	if (d)
		store_report(q->s, d, what, q->cause, q->errmsg ? q->errmsg : "unknown error");
	return STEER_IO;
}

steer_rc store_exec(store_query_t *q, diag_list_t *d, const char *what)
{
	store_next(q);
	return store_end(q, d, what);
}

steer_rc store_scalar(store_query_t *q, long long dflt, long long *v, diag_list_t *d, const char *what)
{
	*v = store_next(q) ? q->ops->col_int(q->st, 0) : dflt;
	return store_end(q, d, what);
}

const char *store_col_text(const store_query_t *q, int col)
{
	return q->state == Q_ROW ? q->ops->col_text(q->st, col) : NULL;
}

char *store_col_dup(const store_query_t *q, int col)
{
	const char *t = store_col_text(q, col);
	return t ? xstrdup(t) : NULL;
}

long long store_col_int(const store_query_t *q, int col)
{
	return q->state == Q_ROW ? q->ops->col_int(q->st, col) : 0;
}

double store_col_double(const store_query_t *q, int col)
{
	return q->state == Q_ROW ? q->ops->col_double(q->st, col) : 0;
}

const void *store_col_blob(const store_query_t *q, int col, size_t *len)
{
	*len = 0;
	return q->state == Q_ROW ? q->ops->col_blob(q->st, col, len) : NULL;
}

bool store_col_null(const store_query_t *q, int col)
{
	return q->state != Q_ROW || q->ops->col_null(q->st, col);
}

/* --- on top of the query API ------------------------------------------- */

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
		diag_t *x = diag_add(d, DIAG_ERROR, s->name, 0, 0, "no-guide", "no guide has been imported into this database yet");
		diag_hint(x, "import one first: sobre guide import DIR");
		return STEER_REFUSED;
	}
	return STEER_OK;
}
