/* Tests for steer/store and the modules over it: migrations (a database
 * created at v0, upgraded step by step, reopened), refusing files that are
 * not sobre databases or are too new, the append-only and immutable tables,
 * rollback of a refused change, assessments, measurements, snapshots, and a
 * guide upgrade that carries everything over. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <grp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "steer/assess.h"
#include "steer/indicator.h"
#include "steer/plan.h"
#include "steer/score.h"
#include "steer/snapshot.h"

static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_migrations(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	char *path = fs_join(dir, "m.db");
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s;
	/* v0: a blank file. */
	assert_int_equal(store_open_version(path, STORE_CREATE, 0, &s, &d), STEER_OK);
	assert_int_equal(store_schema_version(s), 0);
	store_close(s);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema"), 0);
	/* v1: the core tables, no snapshots yet; some data, written as a
	 * release of schema 1 wrote it (today's code writes today's schema:
	 * the committed release databases, tests/fixtures/, test the rest). */
	assert_int_equal(store_open_version(path, 0, 1, &s, &d), STEER_OK);
	assert_int_equal(store_schema_version(s), 1);
	store_close(s);
	assert_int_equal(
		raw_exec(path, "INSERT INTO guide_version VALUES (1, 'v1', 'Guide', 'v1', '2026-03-15T10:00:00Z', 't');"
			       "INSERT INTO practice_copy VALUES (1, 1, 'a.1', 0, 'Un', 'a.', 'A', 'Prioritaire', 'Facile', "
			       "'[]', '[]'), (2, 1, 'a.2', 1, 'Deux', 'a.', 'A', 'Recommandée', 'Facile', '[]', '[]');"
			       "INSERT INTO practice(id, idbp, copy_id, added_version, status, owner) VALUES "
			       "(1, 'a.1', 1, 1, 'réalisée', 'ana@example.fr'), (2, 'a.2', 2, 1, 'non évaluée', NULL);"
			       "INSERT INTO history(at, actor, idbp, field, old, new) VALUES "
			       "('2026-03-15T10:00:00Z', 't', 'a.1', 'status', 'non évaluée', 'réalisée')"),
		SQLITE_OK);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'snapshot'"), 0);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
	/* Latest: v2 adds snapshots, the data is still there. */
	assert_int_equal(store_open(path, 0, &s, &d), STEER_OK);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	assessment_t a;
	snapshot_info_t info;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_DONE);
	assert_string_equal(a.owner, "ana@example.fr");
	assessment_free(&a);
	assert_int_equal(snapshot_create(s, "T1 2026", &info, &d), STEER_OK);
	snapshot_info_free(&info);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	store_close(s);
	/* v5: the data is the root perimeter's GBPNR assessment. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM practice WHERE perimeter_id = 1 AND referentiel_id = 1"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM referentiel WHERE id = 1 AND slug = 'gbpnr'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM perimeter_guide WHERE perimeter_id = 1"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM history WHERE perimeter_id = 1 AND referentiel_id = 1"),
			 raw_int(path, "SELECT count(*) FROM history WHERE idbp IS NOT NULL OR field <> 'user'"));
	/* Reopening migrates nothing and finds everything. */
	assert_int_equal(store_open(path, 0, &s, &d), STEER_OK);
	snapshot_list_t l;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(snapshot_list(s, &l, &d), STEER_OK);
	assert_int_equal(l.len, 1);
	assert_string_equal(l.items[0].name, "T1 2026");
	snapshot_list_free(&l);
	store_close(s);
	assert_int_equal(d.len, 0);
	assert_int_equal(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	fs_remove_tree(dir);
	free(path);
	free(dir);
}

static void test_refusals(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	char *missing = fs_join(dir, "none.db"), *other = fs_join(dir, "other.db"), *text = fs_join(dir, "t.db"),
	     *newer = fs_join(dir, "newer.db");
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	assert_int_equal(store_open(missing, 0, &s, &d), STEER_IO);
	assert_null(s);
	assert_non_null(d.items[0].hint);
	assert_non_null(strstr(d.items[0].hint, "sobre init"));
	assert_int_equal(store_open(dir, STORE_CREATE, &s, &d), STEER_IO); /* a directory */
	assert_int_equal(raw_exec(other, "CREATE TABLE t(x)"), SQLITE_OK);
	assert_int_equal(store_open(other, 0, &s, &d), STEER_IO);
	assert_non_null(strstr(d.items[d.len - 1].msg, "not a sobre one"));
	fx_write(dir, "t.db", "this is not a database, just text that is long enough to have a header at least\n");
	assert_int_equal(store_open(text, 0, &s, &d), STEER_IO);
	assert_int_equal(store_open(newer, STORE_CREATE, &s, &d), STEER_OK);
	store_close(s);
	assert_int_equal(raw_exec(newer, "PRAGMA user_version = 99"), SQLITE_OK);
	assert_int_equal(store_open(newer, 0, &s, &d), STEER_IO);
	assert_non_null(strstr(d.items[d.len - 1].msg, "newer sobre"));
	diag_list_free(&d);
	fs_remove_tree(dir);
	free(missing);
	free(other);
	free(text);
	free(newer);
	free(dir);
}

static void test_append_only(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	snapshot_info_t info;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(snapshot_create(s, "S", &info, &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	snapshot_info_free(&info);
	store_close(s);
	char *path = fs_join(dir, "sobre.db");
	assert_true(raw_int(path, "SELECT count(*) FROM history") > 0);
	assert_int_not_equal(raw_exec(path, "UPDATE history SET actor = 'mallory'"), SQLITE_OK);
	assert_int_not_equal(raw_exec(path, "DELETE FROM history"), SQLITE_OK);
	assert_int_not_equal(raw_exec(path, "UPDATE snapshot SET score_num = 0"), SQLITE_OK);
	assert_int_not_equal(raw_exec(path, "DELETE FROM snapshot_item"), SQLITE_OK);
	assert_int_not_equal(raw_exec(path, "UPDATE practice_copy SET title = 'x'"), SQLITE_OK);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM history WHERE actor = 'mallory'"), 0);
	/* The schema refuses a non concernée without justification too. */
	assert_int_not_equal(raw_exec(path, "UPDATE practice SET status = 'non concernée', comment = NULL"), SQLITE_OK);
	assert_int_not_equal(raw_exec(path, "UPDATE practice SET status = 'fini'"), SQLITE_OK);
	fs_remove_tree(dir);
	free(path);
	free(dir);
}

static void test_refused_change_rolls_back(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	assess_change_t ok = {.status = "en cours", .pilot = "direction generale"};
	assess_change_t bad = {.status = "termine"};
	/* Outside a transaction nothing runs. */
	assert_int_equal(assess_set(s, "a.1", &ok, NULL, &d), STEER_IO);
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	size_t changed;
	assert_int_equal(assess_set(s, "a.1", &ok, &changed, &d), STEER_OK);
	assert_int_equal(changed, 2);
	assert_int_equal(assess_set(s, "a.2", &bad, NULL, &d), STEER_REFUSED);
	store_rollback(s);
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_NOT_ASSESSED);
	assert_null(a.pilot);
	for (size_t i = 0; i < a.history.len; i++)
		assert_string_not_equal(a.history.items[i].field, "status");
	assessment_free(&a);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_assess_rules(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assess_change_t nc = {.status = "Non concernée"};
	assert_int_equal(assess_set(s, "a.1", &nc, NULL, &d), STEER_REFUSED);
	nc.comment = "pas de parc";
	assert_int_equal(assess_set(s, "A.1", &nc, NULL, &d), STEER_OK); /* id in any case */
	assess_change_t clear = {.comment = ""};
	assert_int_equal(assess_set(s, "a.1", &clear, NULL, &d), STEER_REFUSED); /* the justification stays */
	assess_change_t typo = {.pilot = "Direction generalle"};
	assert_int_equal(assess_set(s, "a.2", &typo, NULL, &d), STEER_REFUSED);
	assert_non_null(strstr(d.items[d.len - 1].hint, "Direction générale"));
	typo.custom_pilot = true;
	assert_int_equal(assess_set(s, "a.2", &typo, NULL, &d), STEER_OK);
	assess_change_t custom = {.pilot = "Mission RSE"};
	assert_int_equal(assess_set(s, "b.1", &custom, NULL, &d), STEER_OK);
	assess_change_t bad[] = {
		{.due = "31/02/2026"},
		{.owner = "ana@"},
		{.owner = "line\nbreak"},
		{.status = "fait"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(assess_set(s, "a.2", &bad[i], NULL, &d), STEER_REFUSED);
	const char *urls[] = {"https://intranet.example.org/charte.pdf", "ftp://x"};
	assess_change_t ev = {.add_evidence = urls, .nadd = 1, .due = "30/06/2026"};
	size_t changed;
	assert_int_equal(assess_set(s, "a.2", &ev, &changed, &d), STEER_OK);
	assert_int_equal(changed, 2);
	assert_int_equal(assess_set(s, "a.2", &ev, &changed, &d), STEER_OK);
	assert_int_equal(changed, 0); /* nothing new */
	ev.add_evidence = urls + 1;
	assert_int_equal(assess_set(s, "a.2", &ev, NULL, &d), STEER_REFUSED);
	assess_change_t unknown = {.status = "realisee"};
	assert_int_equal(assess_set(s, "c.9", &unknown, NULL, &d), STEER_REFUSED);
	assessment_t a;
	assert_int_equal(assess_get(s, "a.2", 0, &a, &d), STEER_OK);
	assert_string_equal(a.due, "2026-06-30");
	assert_int_equal(a.nevidence, 1);
	assert_string_equal(a.pilot, "Direction generalle");
	assert_false(a.overdue);
	assessment_free(&a);
	plan_t p;
	assert_int_equal(plan_build(s, PLAN_ACTIONS, "mission rse", &p, &d), STEER_OK);
	assert_int_equal(p.len, 1);
	assert_string_equal(p.items[0].idbp, "b.1");
	plan_free(&p);
	assert_int_equal(plan_build(s, PLAN_ACTIONS, "-", &p, &d), STEER_OK);
	assert_int_equal(p.len, 0); /* a.1 is non concernée, the others have pilots */
	plan_free(&p);
	assert_int_equal(plan_build(s, PLAN_ACTIONS, "Mission RSF", &p, &d), STEER_REFUSED);
	store_rollback(s);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* STORE_MAX_WEIGHT: weights up to it are kept, one over is refused with its
 * message and the weights stay as they were. */
static void test_weight_limit(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	unsigned top[STORE_NPRIORITIES] = {STORE_MAX_WEIGHT, STORE_MAX_WEIGHT, 0};
	unsigned over[STORE_NPRIORITIES] = {1, STORE_MAX_WEIGHT + 1, 1};
	unsigned w[STORE_NPRIORITIES];
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_set_weights(s, top, &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_set_weights(s, over, &d), STEER_REFUSED);
	store_rollback(s);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "weight 101 for Recommandée is too large");
	assert_string_equal(d.items[0].hint, "weights are whole numbers from 0 to 100");
	diag_list_free(&d);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_weights(s, w, &d), STEER_OK);
	store_rollback(s);
	assert_memory_equal(w, top, sizeof w);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

static void test_measurements(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	measure_result_t r;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	/* a.2 has two indicators: say which. */
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){0, NULL}, "5", NULL, NULL, NULL, &r, &d),
			 STEER_REFUSED);
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){1, NULL}, "142", "2026-T1", NULL, NULL, &r, &d),
			 STEER_REFUSED);
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){0, "comités"}, "4", "2025-T4", "CR", NULL, &r, &d),
			 STEER_OK);
	assert_int_equal(r.num, 2);
	measure_result_free(&r);
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){0, "comites"}, "5", "2025-T4", NULL, NULL, &r, &d),
			 STEER_OK);
	assert_string_equal(r.old_value, "4"); /* same period: replaced */
	measure_result_free(&r);
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){1, NULL}, "42,5", "2026-02", NULL, NULL, &r, &d),
			 STEER_OK);
	assert_string_equal(r.value, "42.5");
	measure_result_free(&r);
	assert_int_equal(indicator_measure(s, "a.1", (indicator_ref_t){0, NULL}, "OUI", "2026-T3", NULL, NULL, &r, &d),
			 STEER_REFUSED); /* the future */
	int num;
	indicator_spec_t spec = {.name = "Consommation des serveurs (kWh)", .target = "1000", .direction = "down"};
	assert_int_equal(indicator_add(s, "a.1", &spec, &num, &d), STEER_OK);
	assert_int_equal(num, 2);
	indicator_spec_t retype = {.type = "yesno"};
	assert_int_equal(indicator_edit(s, "a.2", 2, &retype, &d), STEER_REFUSED); /* value 5 is not oui/non */
	indicator_list_t l;
	assert_int_equal(indicator_list(s, "a.2", 5, &l, &d), STEER_OK);
	assert_int_equal(l.len, 2);
	assert_int_equal(l.items[1].type, IND_QUANTITY);
	assert_int_equal(l.items[1].nmeasures, 1);
	assert_string_equal(l.items[1].measures[0].value, "5");
	assert_false(l.items[1].due); /* 2025-T4 covers the last quarter before 2026-03-15 */
	assert_false(l.items[0].due);
	indicator_list_free(&l);
	assert_int_equal(indicator_list(s, NULL, 1, &l, &d), STEER_OK);
	assert_int_equal(l.len, 5);
	assert_true(l.items[0].due);
	indicator_list_free(&l);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	diag_list_free(&d);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* Another connection saves a comment on a.1; s, in its next transactions,
 * reads it and can write: it kept no read snapshot from before. */
static void assert_sees_other(store_t *s, store_t *other, const char *comment)
{
	diag_list_t d = DIAG_LIST_INIT;
	assess_change_t c = {.comment = comment};
	assert_int_equal(store_begin(other, true, &d), STEER_OK);
	assert_int_equal(assess_set(other, "a.1", &c, NULL, &d), STEER_OK);
	assert_int_equal(store_commit(other, &d), STEER_OK);
	assessment_t a;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(assess_get(s, "a.1", 0, &a, &d), STEER_OK);
	assert_non_null(a.comment);
	assert_string_equal(a.comment, comment);
	assessment_free(&a);
	store_rollback(s);
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	store_rollback(s);
	assert_int_equal(d.len, 0);
	diag_list_free(&d);
}

/* The web app keeps one connection per server thread for many requests: a
 * transaction's end must release every statement, including those left on
 * a row by a function that read one row and returned (each below did). */
static void test_transaction_end_releases_reads(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir), *other = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_open(store_path(s), 0, &other, &d), STEER_OK);
	measure_result_t r;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	for (int i = 0; i < 2; i++) { /* the second replaces the first */
		assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){2, NULL}, i ? "5" : "4", "2025-T4", NULL,
						   NULL, &r, &d), STEER_OK);
		measure_result_free(&r);
	}
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_sees_other(s, other, "après une mesure remplacée");
	int num;
	indicator_spec_t spec = {.name = "Nombre de réunions"};
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(indicator_add(s, "a.1", &spec, &num, &d), STEER_OK);
	store_rollback(s);
	assert_sees_other(s, other, "après un indicateur annulé");
	indicator_spec_t retype = {.type = "yesno"};
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(indicator_edit(s, "a.2", 2, &retype, &d), STEER_REFUSED); /* 5 is not oui/non */
	store_rollback(s);
	assert_sees_other(s, other, "après un changement de type refusé");
	diag_list_free(&d);
	store_close(other);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* The data version: the same while nothing is committed, whatever is read
 * or rolled back; changed by a commit of this connection or of another,
 * seen by the other from its next transaction; refused outside one. */
static void test_data_version(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir), *other = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_open(store_path(s), 0, &other, &d), STEER_OK);
	unsigned long long v0, v, w0, w;
	assert_int_equal(store_data_version(s, &v0, &d), STEER_IO); /* no transaction */
	diag_list_free(&d);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_data_version(s, &v0, &d), STEER_OK);
	store_rollback(s);
	assert_int_equal(store_begin(other, false, &d), STEER_OK);
	assert_int_equal(store_data_version(other, &w0, &d), STEER_OK);
	store_rollback(other);
	/* Reads and a refused change leave it. */
	score_t sc;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(score_compute(s, SCORE_BY_THEME, &sc, &d), STEER_OK);
	score_free(&sc);
	assert_int_equal(store_data_version(s, &v, &d), STEER_OK);
	assert_true(v == v0);
	store_rollback(s);
	indicator_spec_t retype = {.type = "yesno"};
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	indicator_edit(s, "a.2", 2, &retype, &d);
	store_rollback(s);
	diag_list_free(&d);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_data_version(s, &v, &d), STEER_OK);
	assert_true(v == v0);
	store_rollback(s);
	/* A commit here: a new version here and there. */
	measure_result_t r;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){2, NULL}, "4", "2025-T4", NULL, NULL, &r, &d),
			 STEER_OK);
	measure_result_free(&r);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_data_version(s, &v, &d), STEER_OK);
	assert_true(v != v0);
	store_rollback(s);
	assert_int_equal(store_begin(other, false, &d), STEER_OK);
	assert_int_equal(store_data_version(other, &w, &d), STEER_OK);
	assert_true(w != w0);
	store_rollback(other);
	/* A commit there: a new version here. */
	v0 = v;
	assert_int_equal(store_begin(other, true, &d), STEER_OK);
	assert_int_equal(indicator_measure(other, "a.2", (indicator_ref_t){2, NULL}, "5", "2025-T4", NULL, NULL, &r, &d),
			 STEER_OK);
	measure_result_free(&r);
	assert_int_equal(store_commit(other, &d), STEER_OK);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_data_version(s, &v, &d), STEER_OK);
	assert_true(v != v0);
	store_rollback(s);
	diag_list_free(&d);
	store_close(other);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* The query API: every bind and column type, what a statement that cannot
 * be prepared, a step that fails and a bad bind report (once, at the end),
 * and that a read stopped early with store_done no longer holds the read
 * snapshot it had (a read that runs to the end releases it by itself). */
static void test_query_api(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir), *other = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "CREATE TEMP TABLE t(a, b, c, e, f, g)"), &d, "creating"), STEER_OK);
	store_query_t *q = store_query(s, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?) RETURNING rowid");
	store_bind_text(q, 1, "été");
	store_bind_int(q, 2, 1LL << 40);
	store_bind_double(q, 3, 2.5);
	store_bind_blob(q, 4, "x\0y", 3);
	store_bind_text(q, 5, NULL);
	store_bind_null(q, 6);
	long long id = 0;
	assert_int_equal(store_scalar(q, 0, &id, &d, "inserting"), STEER_OK);
	assert_true(id > 0);
	assert_int_equal(store_changes(s), 1);
	q = store_query(s, "SELECT a, b, c, e, f, g FROM t");
	assert_true(store_next(q));
	assert_string_equal(store_col_text(q, 0), "été");
	char *dup = store_col_dup(q, 0);
	assert_string_equal(dup, "été");
	free(dup);
	assert_true(store_col_int(q, 1) == 1LL << 40);
	assert_true(store_col_double(q, 2) == 2.5);
	size_t n;
	const char *blob = store_col_blob(q, 3, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(blob, "x\0y", 3);
	assert_true(store_col_null(q, 4) && store_col_null(q, 5) && !store_col_null(q, 0));
	assert_null(store_col_text(q, 4));
	assert_null(store_col_dup(q, 5));
	assert_false(store_next(q));
	assert_null(store_col_text(q, 0)); /* no row any more */
	assert_false(store_next(q));       /* and no new start */
	assert_int_equal(store_end(q, &d, "reading"), STEER_OK);
	assert_int_equal(d.len, 0);
	/* Cannot be prepared: binds are ignored, nothing is read, store_end
	 * says what and why. */
	q = store_query(s, "SELECT x FROM nowhere WHERE y = ?");
	store_bind_int(q, 1, 1);
	assert_false(store_next(q));
	assert_int_equal(store_end(q, &d, "reading nowhere"), STEER_IO);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_OTHER);
	assert_string_equal(d.items[0].msg, "reading nowhere failed: no such table: nowhere");
	diag_list_free(&d);
	/* A failing step, reported even after other statements ran. */
	q = store_query(s, "INSERT INTO weight(priority, weight) VALUES ('Prioritaire', 3)");
	assert_false(store_next(q));
	long long vid;
	assert_int_equal(store_current_version(s, &vid, NULL, &d), STEER_OK);
	assert_int_equal(store_end(q, &d, "adding a weight"), STEER_IO);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].msg, "adding a weight failed: UNIQUE constraint failed: weight.priority");
	diag_list_free(&d);
	/* A bind past the statement's parameters fails it. */
	q = store_query(s, "SELECT ?");
	store_bind_int(q, 2, 1);
	assert_int_equal(store_exec(q, &d, "selecting"), STEER_IO);
	assert_non_null(strstr(d.items[0].msg, "column index out of range"));
	diag_list_free(&d);
	/* d NULL: the failure is only returned. */
	assert_int_equal(store_end(store_query(s, "SELECT x FROM nowhere"), NULL, NULL), STEER_IO);
	store_rollback(s);

	/* Outside a transaction, a read left on a row would keep its snapshot:
	 * after store_done, the other connection's write shows. */
	assert_int_equal(store_open(store_path(s), 0, &other, &d), STEER_OK);
	q = store_query(s, "SELECT priority FROM weight");
	assert_true(store_next(q));
	store_done(q);
	assert_int_equal(store_begin(other, true, &d), STEER_OK);
	assert_int_equal(store_set_meta(other, "org", "Mairie de B", &d), STEER_OK);
	assert_int_equal(store_commit(other, &d), STEER_OK);
	char *org = store_meta(s, "org");
	assert_non_null(org); /* NULL: the old snapshot, from before the write */
	assert_string_equal(org, "Mairie de B");
	free(org);
	assert_int_equal(d.len, 0);
	diag_list_free(&d);
	store_close(other);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* Real SQLite failures on the store's own connection: PRAGMA
 * max_page_count makes the file "full" (SQLITE_FULL, as a full disk does)
 * and query_only makes it refuse writes (SQLITE_READONLY). Each diagnostic
 * carries its cause as its rule, with the matching hint. */
static void test_full_and_readonly_reported(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	/* The limit cannot go below the file's size: 1 means "as it is". */
	assert_int_equal(store_exec(store_query(s, "PRAGMA max_page_count = 1"), &d, "limiting"), STEER_OK);
	char *big = malloc(200000);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_set_meta(s, "filler", big, &d), STEER_IO);
	store_rollback(s);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_FULL);
	assert_non_null(strstr(d.items[0].msg, "saving a setting failed"));
	assert_non_null(strstr(d.items[0].hint, "disk is full"));
	diag_list_free(&d);
	assert_int_equal(store_exec(store_query(s, "PRAGMA max_page_count = 1000000"), &d, "limiting"), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "PRAGMA query_only = 1"), &d, "limiting"), STEER_OK);
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(store_set_meta(s, "org", "Mairie", &d), STEER_IO);
	store_rollback(s);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, STORE_CAUSE_READONLY);
	assert_non_null(strstr(d.items[0].hint, "write access"));
	diag_list_free(&d);
	free(big);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

/* What a user who may not write the database's folder gets; returns the
 * number of checks that failed (it may run in a child process). */
static int readonly_folder_checks(const char *path)
{
	int bad = 0;
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	/* A writer is refused with the cause, never "not a sobre database". */
	bad += store_open(path, 0, &s, &d) != STEER_IO || s != NULL;
	bad += d.len != 1 || strcmp(d.items[0].rule, STORE_CAUSE_READONLY) != 0 ||
	       strstr(d.items[0].msg, "not a sobre database") != NULL || strstr(d.items[0].msg, "read-only") == NULL;
	diag_list_free(&d);
	/* A reader gets the data, read-only. */
	bad += store_open(path, STORE_READ, &s, &d) != STEER_OK;
	if (s) {
		long long id = 0;
		bad += store_readonly_cause(s) == NULL || strcmp(store_readonly_cause(s), STORE_CAUSE_READONLY) != 0;
		bad += store_begin(s, false, &d) != STEER_OK || store_current_version(s, &id, NULL, &d) != STEER_OK ||
		       id == 0;
		bad += store_set_meta(s, "org", "Mairie", &d) != STEER_IO;
		store_rollback(s);
		bad += store_begin(s, true, &d) != STEER_IO;
		for (size_t i = 0; i < d.len; i++)
			bad += strcmp(d.items[i].rule, STORE_CAUSE_READONLY) != 0;
		store_close(s);
	}
	diag_list_free(&d);
	return bad;
}

/* A folder the user may not write: permission bits do not stop root, so as
 * root the checks run in a child that became nobody; otherwise the folder
 * is made read-only. Nothing is left beside the database. */
static void test_readonly_folder(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_close(fx_store(dir));
	char *path = fs_join(dir, "sobre.db");
	assert_int_equal(chmod(path, 0644), 0);
	if (geteuid() == 0) {
		assert_int_equal(chmod(dir, 0755), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
				_exit(100);
			int bad = readonly_folder_checks(path);
			_exit(bad > 99 ? 99 : bad);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	} else {
		assert_int_equal(chmod(dir, 0555), 0);
		int bad = readonly_folder_checks(path);
		chmod(dir, 0755);
		assert_int_equal(bad, 0);
	}
	char *wal = fs_join(dir, "sobre.db-wal"), *shm = fs_join(dir, "sobre.db-shm");
	struct stat st;
	assert_int_not_equal(stat(wal, &st), 0);
	assert_int_not_equal(stat(shm, &st), 0);
	free(wal);
	free(shm);
	free(path);
	fs_remove_tree(dir);
	free(dir);
}

/* v2 removes b.1, adds b.2, changes a.2's priority and rewords one of its
 * indicators: everything is carried over and old snapshots keep their score. */
static void test_guide_upgrade(void **state)
{
	(void)state;
	static const char *const v2[] = {
		"a.1|Prioritaire|Facile|Nommer un référent|Direction générale|Référent nommé : oui / non",
		"a.2|Prioritaire|Moyenne|Suivre les indicateurs|Direction générale;Direction du numérique|% des indicateurs suivis;Nombre de comités par an",
		"b.2|Prioritaire|Facile|Éteindre les écrans|Direction du numérique|Écrans éteints : oui / non",
	};
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	measure_result_t r;
	snapshot_info_t before;
	assess_change_t done = {.status = "réalisée"}, wip = {.status = "en cours"};
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(assess_set(s, "a.2", &done, NULL, &d), STEER_OK);
	assert_int_equal(assess_set(s, "b.1", &wip, NULL, &d), STEER_OK);
	assert_int_equal(indicator_measure(s, "a.2", (indicator_ref_t){2, NULL}, "3", "2026-T1", NULL, NULL, &r, &d), STEER_OK);
	measure_result_free(&r);
	assert_int_equal(snapshot_create(s, "avant", &before, &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	/* Weights 3, 2, 1: a.2 Recommandée réalisée 2×2, b.1 en cours 1×1, over (3+2+1)×2. */
	assert_int_equal(before.num, 5);
	assert_int_equal(before.den, 12);
	snapshot_info_free(&before);

	guide_t *g = fx_guide(dir, "v2", "v2", v2, 3);
	catalog_import_t res;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(catalog_import(s, g, "gbpnr", profile_builtin("gbpnr"), "v2", &res, &d), STEER_OK);
	assert_false(res.unchanged);
	assert_int_equal(res.diff.added, 1);
	assert_int_equal(res.diff.removed, 1);
	assert_int_equal(res.diff.changed, 1);
	assert_int_equal(res.carried, 2);
	assert_int_equal(res.indicators_added, 2);    /* the reworded one and b.2's */
	assert_int_equal(res.indicators_archived, 1); /* the old wording, with its measurement */
	catalog_import_free(&res);
	assert_int_equal(store_commit(s, &d), STEER_OK);

	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assessment_t a;
	assert_int_equal(assess_get(s, "a.2", 0, &a, &d), STEER_OK);
	assert_int_equal(a.status, STATUS_DONE);           /* carried over */
	assert_string_equal(a.priority, "Prioritaire");   /* the new copy */
	assert_string_equal(a.guide_version, "v2");
	bool logged = false;
	for (size_t i = 0; i < a.history.len; i++)
		logged |= strcmp(a.history.items[i].field, "guide priority") == 0;
	assert_true(logged);
	assessment_free(&a);
	assert_int_equal(assess_get(s, "b.1", 0, &a, &d), STEER_OK);
	assert_true(a.archived);
	assert_int_equal(a.status, STATUS_IN_PROGRESS);
	assessment_free(&a);
	assert_int_equal(assess_set(s, "b.1", &done, NULL, &d), STEER_REFUSED); /* archived */
	assert_int_equal(assess_get(s, "b.2", 0, &a, &d), STEER_OK);
	assert_true(a.is_new);
	assessment_free(&a);
	indicator_list_t l;
	assert_int_equal(indicator_list(s, "a.2", 5, &l, &d), STEER_OK);
	assert_int_equal(l.len, 3);
	assert_true(l.items[1].archived);
	assert_int_equal(l.items[1].nmeasures, 1); /* the measurement is kept */
	assert_int_equal(l.items[2].num, 3);
	indicator_list_free(&l);
	score_t sc;
	assert_int_equal(score_compute(s, SCORE_BY_NONE, &sc, &d), STEER_OK);
	assert_int_equal(sc.overall.total, 3); /* b.1 archived, out of the score */
	assert_int_equal(sc.overall.num, 6);   /* a.2 now Prioritaire: 3×2 */
	assert_int_equal(sc.overall.den, 18);
	score_free(&sc);
	snapshot_list_t sl;
	assert_int_equal(snapshot_list(s, &sl, &d), STEER_OK);
	assert_int_equal(sl.items[0].num, 5); /* unchanged */
	assert_int_equal(sl.items[0].den, 12);
	snapshot_list_free(&sl);
	snapshot_diff_t x;
	assert_int_equal(snapshot_diff(s, "avant", NULL, &x, &d), STEER_OK);
	assert_int_equal(x.nmoves, 2); /* b.2 added, b.1 removed */
	assert_int_equal(x.moves[0].kind, MOVE_ADDED);
	assert_int_equal(x.moves[1].kind, MOVE_REMOVED);
	snapshot_diff_free(&x);
	/* The same guide again: nothing to do. */
	assert_int_equal(catalog_import(s, g, "gbpnr", profile_builtin("gbpnr"), "v2", &res, &d), STEER_OK);
	assert_true(res.unchanged);
	catalog_import_free(&res);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	char *m = fx_msgs(&d);
	assert_string_equal(m, "0:practice b.1 was removed from the guide in version v2: it is archived\n");
	free(m);
	diag_list_free(&d);
	guide_free(g);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_append_only),
		cmocka_unit_test(test_refused_change_rolls_back),
		cmocka_unit_test(test_assess_rules),
		cmocka_unit_test(test_weight_limit),
		cmocka_unit_test(test_measurements),
		cmocka_unit_test(test_transaction_end_releases_reads),
		cmocka_unit_test(test_data_version),
		cmocka_unit_test(test_query_api),
		cmocka_unit_test(test_guide_upgrade),
		cmocka_unit_test(test_full_and_readonly_reported),
		cmocka_unit_test(test_readonly_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
