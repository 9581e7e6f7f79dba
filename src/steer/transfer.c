/* transfer: moving a database into a fresh one (see the header).
 *
 * One literal per statement and table (the statement cache is keyed by the
 * literal's address), in the SQL both engines accept. The copy inserts each
 * row with every column as stored, ids included, so that the target's
 * defaults and BEFORE INSERT triggers have nothing to fill: the
 * unsubscribe token is given (its trigger fires only on NULL), the row
 * versions too. The triggers that act on INSERT are:
 * - practice_status_known: the status must be one of the référentiel's,
 *   justified when it must be; the source's rows passed the same check, and
 *   referentiel_status is copied before practice.
 * - evidence_row_version_add: each evidence row adds 1 to its practice's
 *   row version, so those versions are set back to the source's after the
 *   evidence (an UPDATE of row_version alone fires no other trigger).
 * - the user's unsubscribe token (filled only when NULL) and PostgreSQL's
 *   data version (any write), which change nothing copied.
 * The assignment outbox fills only on UPDATE of a practice's pilot or owner,
 * which the copy never does. The immutable tables (history, snapshots,
 * guide copies) refuse UPDATE and DELETE only: the copy inserts.
 *
 * A fresh database holds the three weights and the root perimeter (id 1):
 * those rows are updated (ON CONFLICT DO UPDATE), the rest inserted.
 * Perimeters are copied parents first (a moved perimeter may have a parent
 * with a higher id). Every table is copied, login failures and pending
 * OpenID Connect logins included: both expire by themselves within
 * minutes, but skipping the failures would lift a lockout in progress, and
 * copying all keeps the check simple (every table equal). Sessions move:
 * nobody is logged out by the move. */
#include "steer/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steer/perimeter.h"
#include "steer/score.h"
#include "steer/snapshot.h"
#include "util/xalloc.h"

#define META_COLS "key, value"
#define WEIGHT_COLS "priority, weight"
#define REFERENTIEL_COLS "id, slug, profile, profile_yaml, created_at"
#define REFERENTIEL_STATUS_COLS "referentiel_id, name, position, justify"
#define GUIDE_VERSION_COLS "id, version, title, source, imported_at, imported_by, referentiel_id"
#define PRACTICE_COPY_COLS "id, version_id, idbp, seq, title, theme_id, theme_title, priority, difficulty, who, indicators, sections, applicability, always_applicable"
#define PILOT_COLS "id, name, origin"
#define PERIMETER_COLS "id, name, parent_id, kind, created_at, archived_at"
#define PERIMETER_GUIDE_COLS "perimeter_id, referentiel_id"
#define PRACTICE_COLS "id, perimeter_id, referentiel_id, idbp, copy_id, added_version, removed_version, status, pilot_id, owner, due, comment, updated_at, updated_by, row_version, reviewed_copy, budget, staff"
#define EVIDENCE_COLS "practice_id, url, added_at"
#define INDICATOR_COLS "id, practice_id, num, name, origin, type, unit, target, target_date, direction, archived_version, footprint"
#define MEASUREMENT_COLS "id, indicator_id, period, start, \"end\", value, source, comment, recorded_at, recorded_by"
#define HISTORY_COLS "id, at, actor, idbp, field, old, new, perimeter_id, referentiel_id"
#define SNAPSHOT_COLS "id, name, created_at, created_by, version_id, weights, score_num, score_den, assessed, total, perimeter_id, referentiel_id"
#define SNAPSHOT_ITEM_COLS "snapshot_id, perimeter_id, copy_id, status, pilot_id"
#define USER_COLS "id, email, role, pwhash, api_hash, created_at, api_expires_at, perimeter_id, given_name, family_name, siret, organizational_unit, oidc_issuer, oidc_subject, digest, unsubscribe_token"
#define USER_FUNCTION_COLS "user_id, name"
#define SESSION_COLS "token_hash, user_id, csrf, created_at, expires_at, id_token"
#define LOGIN_FAILURE_COLS "id, at, email, address"
#define DECLARATION_COLS "perimeter_id, referentiel_id, field, value"
#define DECLARATION_CRITERION_COLS "perimeter_id, referentiel_id, idbp, field, value"
#define OBJECTIVE_COLS "id, perimeter_id, name, indicator_id, target, deadline, baseline, baseline_period, budget, staff, created_at, created_by, archived_at, row_version"
#define STRATEGY_TEXT_COLS "perimeter_id, field, value"
#define SNAPSHOT_OBJECTIVE_COLS "snapshot_id, objective_id, state, value, period, expected"
#define OIDC_PENDING_COLS "state, nonce, verifier, next, expires_at"
#define REMINDER_SENT_COLS "user_id, period, sent_at"
#define ASSIGNMENT_COLS "id, practice_id, role, name, done_at"
#define ASSIGNMENT_SENT_COLS "assignment_id, user_id, sent_at"

/* The SQLite text of the identity statements: SQLite's rowids need nothing. */
#define NO_IDENTITY "SELECT 0"

static const transfer_table_t tables[] = {
	{"meta", META_COLS, "tt",
	 "SELECT " META_COLS " FROM meta ORDER BY key",
	 "INSERT INTO meta(" META_COLS ") VALUES (?, ?)",
	 "SELECT count(*) FROM meta", NULL},
	{"weight", WEIGHT_COLS, "ti",
	 "SELECT " WEIGHT_COLS " FROM weight ORDER BY priority",
	 "INSERT INTO weight(" WEIGHT_COLS ") VALUES (?, ?) ON CONFLICT (priority) DO UPDATE SET weight = excluded.weight",
	 "SELECT count(*) FROM weight", NULL},
	{"referentiel", REFERENTIEL_COLS, "itttt",
	 "SELECT " REFERENTIEL_COLS " FROM referentiel ORDER BY id",
	 "INSERT INTO referentiel(" REFERENTIEL_COLS ") VALUES (?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM referentiel", "SELECT setval(pg_get_serial_sequence('referentiel', 'id'), max(id)) FROM referentiel"},
	{"referentiel_status", REFERENTIEL_STATUS_COLS, "itii",
	 "SELECT " REFERENTIEL_STATUS_COLS " FROM referentiel_status ORDER BY referentiel_id, name",
	 "INSERT INTO referentiel_status(" REFERENTIEL_STATUS_COLS ") VALUES (?, ?, ?, ?)",
	 "SELECT count(*) FROM referentiel_status", NULL},
	{"guide_version", GUIDE_VERSION_COLS, "ittttti",
	 "SELECT " GUIDE_VERSION_COLS " FROM guide_version ORDER BY id",
	 "INSERT INTO guide_version(" GUIDE_VERSION_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM guide_version", "SELECT setval(pg_get_serial_sequence('guide_version', 'id'), max(id)) FROM guide_version"},
	{"practice_copy", PRACTICE_COPY_COLS, "iitittttttttti",
	 "SELECT " PRACTICE_COPY_COLS " FROM practice_copy ORDER BY id",
	 "INSERT INTO practice_copy(" PRACTICE_COPY_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM practice_copy", "SELECT setval(pg_get_serial_sequence('practice_copy', 'id'), max(id)) FROM practice_copy"},
	{"pilot", PILOT_COLS, "itt",
	 "SELECT " PILOT_COLS " FROM pilot ORDER BY id",
	 "INSERT INTO pilot(" PILOT_COLS ") VALUES (?, ?, ?)",
	 "SELECT count(*) FROM pilot", "SELECT setval(pg_get_serial_sequence('pilot', 'id'), max(id)) FROM pilot"},
	{"perimeter", PERIMETER_COLS, "itittt",
	 "WITH RECURSIVE tree(id, depth) AS (SELECT id, 0 FROM perimeter WHERE parent_id IS NULL "
	 "UNION ALL SELECT p.id, tree.depth + 1 FROM perimeter p JOIN tree ON p.parent_id = tree.id) "
	 "SELECT " PERIMETER_COLS " FROM perimeter JOIN tree USING (id) ORDER BY tree.depth, id",
	 "INSERT INTO perimeter(" PERIMETER_COLS ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
	 "name = excluded.name, kind = excluded.kind, created_at = excluded.created_at, archived_at = excluded.archived_at",
	 "SELECT count(*) FROM perimeter", "SELECT setval(pg_get_serial_sequence('perimeter', 'id'), max(id)) FROM perimeter"},
	{"perimeter_guide", PERIMETER_GUIDE_COLS, "ii",
	 "SELECT " PERIMETER_GUIDE_COLS " FROM perimeter_guide ORDER BY perimeter_id, referentiel_id",
	 "INSERT INTO perimeter_guide(" PERIMETER_GUIDE_COLS ") VALUES (?, ?)",
	 "SELECT count(*) FROM perimeter_guide", NULL},
	{"practice", PRACTICE_COLS, "iiitiiititttttiiii",
	 "SELECT " PRACTICE_COLS " FROM practice ORDER BY id",
	 "INSERT INTO practice(" PRACTICE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM practice", "SELECT setval(pg_get_serial_sequence('practice', 'id'), max(id)) FROM practice"},
	{"evidence", EVIDENCE_COLS, "itt",
	 "SELECT " EVIDENCE_COLS " FROM evidence ORDER BY practice_id, url",
	 "INSERT INTO evidence(" EVIDENCE_COLS ") VALUES (?, ?, ?)",
	 "SELECT count(*) FROM evidence", NULL},
	{"indicator", INDICATOR_COLS, "iiitttttttii",
	 "SELECT " INDICATOR_COLS " FROM indicator ORDER BY id",
	 "INSERT INTO indicator(" INDICATOR_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM indicator", "SELECT setval(pg_get_serial_sequence('indicator', 'id'), max(id)) FROM indicator"},
	{"measurement", MEASUREMENT_COLS, "iitttttttt",
	 "SELECT " MEASUREMENT_COLS " FROM measurement ORDER BY id",
	 "INSERT INTO measurement(" MEASUREMENT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM measurement", "SELECT setval(pg_get_serial_sequence('measurement', 'id'), max(id)) FROM measurement"},
	{"history", HISTORY_COLS, "ittttttii",
	 "SELECT " HISTORY_COLS " FROM history ORDER BY id",
	 "INSERT INTO history(" HISTORY_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM history", "SELECT setval(pg_get_serial_sequence('history', 'id'), max(id)) FROM history"},
	{"snapshot", SNAPSHOT_COLS, "itttitiiiiii",
	 "SELECT " SNAPSHOT_COLS " FROM snapshot ORDER BY id",
	 "INSERT INTO snapshot(" SNAPSHOT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM snapshot", "SELECT setval(pg_get_serial_sequence('snapshot', 'id'), max(id)) FROM snapshot"},
	{"snapshot_item", SNAPSHOT_ITEM_COLS, "iiiii",
	 "SELECT " SNAPSHOT_ITEM_COLS " FROM snapshot_item ORDER BY snapshot_id, perimeter_id, copy_id",
	 "INSERT INTO snapshot_item(" SNAPSHOT_ITEM_COLS ") VALUES (?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM snapshot_item", NULL},
	{"user", USER_COLS, "itttbtiittttttit",
	 "SELECT " USER_COLS " FROM \"user\" ORDER BY id",
	 "INSERT INTO \"user\"(" USER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM \"user\"", "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), max(id)) FROM \"user\""},
	{"user_function", USER_FUNCTION_COLS, "it",
	 "SELECT " USER_FUNCTION_COLS " FROM user_function ORDER BY user_id, name",
	 "INSERT INTO user_function(" USER_FUNCTION_COLS ") VALUES (?, ?)",
	 "SELECT count(*) FROM user_function", NULL},
	{"session", SESSION_COLS, "bitiit",
	 "SELECT " SESSION_COLS " FROM session ORDER BY token_hash",
	 "INSERT INTO session(" SESSION_COLS ") VALUES (?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM session", NULL},
	{"login_failure", LOGIN_FAILURE_COLS, "iitt",
	 "SELECT " LOGIN_FAILURE_COLS " FROM login_failure ORDER BY id",
	 "INSERT INTO login_failure(" LOGIN_FAILURE_COLS ") VALUES (?, ?, ?, ?)",
	 "SELECT count(*) FROM login_failure", "SELECT setval(pg_get_serial_sequence('login_failure', 'id'), max(id)) FROM login_failure"},
	{"declaration", DECLARATION_COLS, "iitt",
	 "SELECT " DECLARATION_COLS " FROM declaration ORDER BY perimeter_id, referentiel_id, field",
	 "INSERT INTO declaration(" DECLARATION_COLS ") VALUES (?, ?, ?, ?)",
	 "SELECT count(*) FROM declaration", NULL},
	{"declaration_criterion", DECLARATION_CRITERION_COLS, "iittt",
	 "SELECT " DECLARATION_CRITERION_COLS " FROM declaration_criterion ORDER BY perimeter_id, referentiel_id, idbp, field",
	 "INSERT INTO declaration_criterion(" DECLARATION_CRITERION_COLS ") VALUES (?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM declaration_criterion", NULL},
	{"objective", OBJECTIVE_COLS, "iitittttiittti",
	 "SELECT " OBJECTIVE_COLS " FROM objective ORDER BY id",
	 "INSERT INTO objective(" OBJECTIVE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM objective", "SELECT setval(pg_get_serial_sequence('objective', 'id'), max(id)) FROM objective"},
	{"strategy_text", STRATEGY_TEXT_COLS, "itt",
	 "SELECT " STRATEGY_TEXT_COLS " FROM strategy_text ORDER BY perimeter_id, field",
	 "INSERT INTO strategy_text(" STRATEGY_TEXT_COLS ") VALUES (?, ?, ?)",
	 "SELECT count(*) FROM strategy_text", NULL},
	{"snapshot_objective", SNAPSHOT_OBJECTIVE_COLS, "iitttt",
	 "SELECT " SNAPSHOT_OBJECTIVE_COLS " FROM snapshot_objective ORDER BY snapshot_id, objective_id",
	 "INSERT INTO snapshot_objective(" SNAPSHOT_OBJECTIVE_COLS ") VALUES (?, ?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM snapshot_objective", NULL},
	{"oidc_pending", OIDC_PENDING_COLS, "tttti",
	 "SELECT " OIDC_PENDING_COLS " FROM oidc_pending ORDER BY state",
	 "INSERT INTO oidc_pending(" OIDC_PENDING_COLS ") VALUES (?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM oidc_pending", NULL},
	{"reminder_sent", REMINDER_SENT_COLS, "itt",
	 "SELECT " REMINDER_SENT_COLS " FROM reminder_sent ORDER BY user_id, period",
	 "INSERT INTO reminder_sent(" REMINDER_SENT_COLS ") VALUES (?, ?, ?)",
	 "SELECT count(*) FROM reminder_sent", NULL},
	{"assignment", ASSIGNMENT_COLS, "iittt",
	 "SELECT " ASSIGNMENT_COLS " FROM assignment ORDER BY id",
	 "INSERT INTO assignment(" ASSIGNMENT_COLS ") VALUES (?, ?, ?, ?, ?)",
	 "SELECT count(*) FROM assignment", "SELECT setval(pg_get_serial_sequence('assignment', 'id'), max(id)) FROM assignment"},
	{"assignment_sent", ASSIGNMENT_SENT_COLS, "iit",
	 "SELECT " ASSIGNMENT_SENT_COLS " FROM assignment_sent ORDER BY assignment_id, user_id",
	 "INSERT INTO assignment_sent(" ASSIGNMENT_SENT_COLS ") VALUES (?, ?, ?)",
	 "SELECT count(*) FROM assignment_sent", NULL},

};

#define NTABLES (sizeof tables / sizeof *tables)

const transfer_table_t *transfer_tables(size_t *n)
{
	*n = NTABLES;
	return tables;
}

void transfer_summary_free(transfer_summary_t *x)
{
	free(x->rows);
	memset(x, 0, sizeof *x);
}

/* The rows a new database is made with: the weights and the root. */
static long long seeded(const transfer_table_t *t)
{
	if (strcmp(t->name, "weight") == 0)
		return STORE_NPRIORITIES;
	return strcmp(t->name, "perimeter") == 0 ? 1 : 0;
}

/* Refuses a target holding more than its creation made (the root being
 * the only perimeter is part of that), naming every table with rows. */
static steer_rc check_empty(store_t *to, diag_list_t *d)
{
	char held[1024] = "";
	size_t used = 0;
	steer_rc rc;
	for (size_t i = 0; i < NTABLES; i++) {
		long long n = 0;
		if ((rc = store_scalar(store_query(to, tables[i].count), 0, &n, d, "counting the target's rows")))
			return rc;
		if (strcmp(tables[i].name, "perimeter") == 0 && n == 1 &&
		    (rc = store_scalar(store_query(to, "SELECT count(*) FROM perimeter WHERE id = 1"), 0, &n, d,
				       "reading the target's perimeters")))
			return rc;
		if (n > seeded(&tables[i]) || (strcmp(tables[i].name, "perimeter") == 0 && n == 0 && seeded(&tables[i]))) {
			int w = snprintf(held + used, sizeof held - used, "%s%s (%lld)", used ? ", " : "", tables[i].name, n);
			if (w > 0 && (size_t)w < sizeof held - used)
				used += (size_t)w;
		}
	}
	if (!used)
		return STEER_OK;
	return store_refuse(d, "target-not-empty",
			    "migrate-db only writes into a database that holds nothing yet, not even `sobre init`'s rows: "
			    "give a new file, or an empty PostgreSQL database (drop and create it again)",
			    "%s already holds data: %s; nothing was written", store_name(to), held);
}

/* Binds column c of the source's current row to parameter c + 1. */
static void bind_column(store_query_t *ins, const store_query_t *sel, int c, char type)
{
	if (store_col_null(sel, c)) {
		store_bind_null(ins, c + 1);
	} else if (type == 'i') {
		store_bind_int(ins, c + 1, store_col_int(sel, c));
	} else if (type == 'b') {
		size_t len = 0;
		const void *p = store_col_blob(sel, c, &len);
		store_bind_blob(ins, c + 1, p ? p : "", len);
	} else {
		store_bind_text(ins, c + 1, store_col_text(sel, c));
	}
}

static steer_rc copy_table(store_t *from, store_t *to, const transfer_table_t *t, long long *rows, diag_list_t *d)
{
	int ncols = (int)strlen(t->types);
	store_query_t *sel = store_query(from, t->select);
	steer_rc rc = STEER_OK;
	*rows = 0;
	while (store_next(sel)) {
		store_query_t *ins = store_query(to, t->insert);
		for (int c = 0; c < ncols; c++)
			bind_column(ins, sel, c, t->types[c]);
		if ((rc = store_exec(ins, d, "writing a row into the target"))) {
			diag_add(d, DIAG_INFO, NULL, 0, 0, "transfer", "table %s, row %lld of the source", t->name,
				 *rows + 1);
			store_done(sel);
			return rc;
		}
		++*rows;
	}
	return store_end(sel, d, "reading the source");
}

/* The evidence trigger added 1 to each of its practice's row versions: the
 * source's are set back, which the web app's stale-edit check compares. */
static steer_rc restore_row_versions(store_t *from, store_t *to, diag_list_t *d)
{
	store_query_t *sel = store_query(
		from, "SELECT id, row_version FROM practice WHERE id IN (SELECT practice_id FROM evidence) ORDER BY id");
	while (store_next(sel)) {
		store_query_t *up = store_query(to, "UPDATE practice SET row_version = ? WHERE id = ?");
		store_bind_int(up, 1, store_col_int(sel, 1));
		store_bind_int(up, 2, store_col_int(sel, 0));
		steer_rc rc = store_exec(up, d, "restoring a practice's row version");
		if (rc) {
			store_done(sel);
			return rc;
		}
	}
	return store_end(sel, d, "reading the source's row versions");
}

static bool same_column(const store_query_t *a, const store_query_t *b, int c, char type)
{
	if (store_col_null(a, c) || store_col_null(b, c))
		return store_col_null(a, c) == store_col_null(b, c);
	if (type == 'b') {
		size_t la = 0, lb = 0;
		const void *pa = store_col_blob(a, c, &la), *pb = store_col_blob(b, c, &lb);
		return la == lb && (la == 0 || memcmp(pa, pb, la) == 0);
	}
	/* As text, integers included: a value that is not an integer where the
	 * schema says one (SQLite keeps it) would have been copied as 0. */
	return strcmp(store_col_text(a, c), store_col_text(b, c)) == 0;
}

/* Reads the table on both sides in the same order: the same number of
 * rows, each the same. *rows gets the target's count. */
static steer_rc compare_table(store_t *from, store_t *to, const transfer_table_t *t, long long *rows,
			      diag_list_t *d)
{
	int ncols = (int)strlen(t->types);
	store_query_t *a = store_query(from, t->select), *b = store_query(to, t->select);
	long long na = 0, nb = 0, differ = 0, first = 0;
	int first_col = 0;
	for (;;) {
		bool ra = store_next(a), rb = store_next(b);
		na += ra;
		nb += rb;
		if (!ra || !rb) {
			if (ra)
				store_done(a);
			if (rb)
				store_done(b);
			if (ra || rb) { /* count the rest of the longer side */
				store_query_t *rest = ra ? a : b;
				long long *n = ra ? &na : &nb;
				while (store_next(rest))
					++*n;
			}
			break;
		}
		for (int c = 0; c < ncols; c++)
			if (!same_column(a, b, c, t->types[c])) {
				if (!differ++) {
					first = na;
					first_col = c;
				}
				break;
			}
	}
	steer_rc rc = store_end(a, d, "reading the source");
	steer_rc rc2 = store_end(b, d, "reading the target");
	if (rc || rc2)
		return rc ? rc : rc2;
	*rows = nb;
	if (na != nb)
		return store_refuse(d, "transfer-mismatch", NULL, "table %s: %lld rows in the source, %lld in the target",
				    t->name, na, nb);
	if (differ) {
		char col[64];
		const char *s = t->columns;
		for (int c = 0; c < first_col && s; c++) {
			s = strchr(s, ',');
			s = s ? s + 2 : NULL;
		}
		size_t len = s ? strcspn(s, ",") : 0;
		snprintf(col, sizeof col, "%.*s", (int)len, s ? s : "?");
		return store_refuse(d, "transfer-mismatch", NULL,
				    "table %s: %lld rows differ between the source and the target (the first: row %lld, "
				    "column %s)",
				    t->name, differ, first, col);
	}
	return STEER_OK;
}

static bool same_tally(const score_tally_t *a, const score_tally_t *b)
{
	return a->num == b->num && a->den == b->den && a->total == b->total && a->applicable == b->applicable &&
	       a->assessed == b->assessed;
}

/* The score a snapshot's frozen practices give with its frozen weights. */
static steer_rc snapshot_score(store_t *s, const char *name, score_tally_t *out, diag_list_t *d)
{
	snapshot_state_t st;
	steer_rc rc = snapshot_load(s, name, &st, d);
	if (!rc) {
		score_item_t *items = snapshot_score_items(&st);
		score_t sc;
		score_items(items, st.len, st.info.profile, st.info.weights, SCORE_BY_NONE, &sc);
		*out = sc.overall;
		score_free(&sc);
		free(items);
	}
	snapshot_state_free(&st);
	return rc;
}

/* The snapshots of the scope: the same list, each with the same frozen
 * score and the same score recomputed from its practices. */
static steer_rc compare_snapshots(store_t *from, store_t *to, const char *where, size_t *compared, diag_list_t *d)
{
	snapshot_list_t la = {0}, lb = {0};
	steer_rc rc = snapshot_list(from, &la, d);
	if (!rc)
		rc = snapshot_list(to, &lb, d);
	if (!rc && la.len != lb.len)
		rc = store_refuse(d, "transfer-mismatch", NULL, "%s: %zu snapshots in the source, %zu in the target", where,
				  la.len, lb.len);
	for (size_t i = 0; !rc && i < la.len; i++) {
		const snapshot_info_t *a = &la.items[i], *b = &lb.items[i];
		score_tally_t ta, tb;
		if (strcmp(a->name, b->name) != 0 || a->num != b->num || a->den != b->den || a->assessed != b->assessed ||
		    a->total != b->total) {
			rc = store_refuse(d, "transfer-mismatch", NULL, "%s: snapshot '%s' differs in the target", where,
					  a->name);
			break;
		}
		if ((rc = snapshot_score(from, a->name, &ta, d)) || (rc = snapshot_score(to, b->name, &tb, d)))
			break;
		if (!same_tally(&ta, &tb))
			rc = store_refuse(d, "transfer-mismatch", NULL,
					  "%s: snapshot '%s' scores %llu/%llu in the source, %llu/%llu in the target", where,
					  a->name, (unsigned long long)ta.num, (unsigned long long)ta.den,
					  (unsigned long long)tb.num, (unsigned long long)tb.den);
		else
			++*compared;
	}
	snapshot_list_free(&la);
	snapshot_list_free(&lb);
	return rc;
}

/* Every (perimeter, référentiel) of the source: the same score on both
 * sides, by the formula `sobre score` uses, and the same snapshots. */
static steer_rc compare_scores(store_t *from, store_t *to, transfer_summary_t *out, diag_list_t *d)
{
	store_query_t *q = store_query(
		from, "SELECT g.perimeter_id, g.referentiel_id, p.name, r.slug FROM perimeter_guide g "
		      "JOIN perimeter p ON p.id = g.perimeter_id JOIN referentiel r ON r.id = g.referentiel_id "
		      "ORDER BY g.perimeter_id, g.referentiel_id");
	steer_rc rc = STEER_OK;
	while (!rc && store_next(q)) {
		long long pid = store_col_int(q, 0), rid = store_col_int(q, 1);
		char where[512];
		snprintf(where, sizeof where, "perimeter '%s', référentiel %s", store_col_text(q, 2), store_col_text(q, 3));
		score_t a = {0}, b = {0};
		if ((rc = perimeter_set_scope(from, pid, rid, d)) || (rc = perimeter_set_scope(to, pid, rid, d)) ||
		    (rc = score_compute(from, SCORE_BY_NONE, &a, d)) || (rc = score_compute(to, SCORE_BY_NONE, &b, d))) {
			score_free(&a);
			score_free(&b);
			break;
		}
		if (!same_tally(&a.overall, &b.overall))
			rc = store_refuse(d, "transfer-mismatch", NULL,
					  "%s: score %llu/%llu (%zu/%zu assessed) in the source, %llu/%llu (%zu/%zu) in the target",
					  where, (unsigned long long)a.overall.num, (unsigned long long)a.overall.den,
					  a.overall.assessed, a.overall.total, (unsigned long long)b.overall.num,
					  (unsigned long long)b.overall.den, b.overall.assessed, b.overall.total);
		score_free(&a);
		score_free(&b);
		if (!rc) {
			out->scopes++;
			rc = compare_snapshots(from, to, where, &out->snapshots, d);
		}
	}
	if (rc) {
		store_done(q);
		return rc;
	}
	return store_end(q, d, "reading the source's perimeters");
}

steer_rc transfer_move(store_t *from, store_t *to, transfer_summary_t *out, diag_list_t *d)
{
	steer_rc rc;
	memset(out, 0, sizeof *out);
	if ((rc = store_require_tx(from, d)) || (rc = store_require_tx(to, d)) || (rc = check_empty(to, d)))
		return rc;
	out->ntables = NTABLES;
	out->rows = xcalloc(NTABLES, sizeof *out->rows);
	for (size_t i = 0; i < NTABLES && !rc; i++) {
		rc = copy_table(from, to, &tables[i], &out->rows[i], d);
		if (!rc && strcmp(tables[i].name, "evidence") == 0)
			rc = restore_row_versions(from, to, d);
	}
	for (size_t i = 0; i < NTABLES && !rc; i++)
		if (tables[i].identity)
			rc = store_exec(store_query_alt(to, NO_IDENTITY, tables[i].identity), d,
					"moving an identity past the copied ids");
	/* Every difference of every table, then the scores. */
	steer_rc cmp = STEER_OK;
	for (size_t i = 0; i < NTABLES && !rc; i++) {
		long long n = 0;
		steer_rc r = compare_table(from, to, &tables[i], &n, d);
		if (r == STEER_IO)
			rc = r;
		else if (r && !cmp)
			cmp = r;
	}
	if (!rc)
		rc = cmp;
	if (!rc)
		rc = compare_scores(from, to, out, d);
	return rc;
}
