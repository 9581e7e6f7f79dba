/* Tests for steer/snapshot: the weights frozen in a snapshot are the ones
 * read back (not today's), and a snapshot row whose weights text is not
 * what sobre writes (a database edited by hand, past the trigger that keeps
 * snapshots read-only) falls back to the default weights, not garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>


#include "fixture.h"
#include "steer/snapshot.h"

static void load_weights(store_t *s, const char *name, unsigned want0, unsigned want1, unsigned want2)
{
	diag_list_t d = DIAG_LIST_INIT;
	snapshot_state_t st;
	assert_int_equal(store_begin(s, false, &d), STEER_OK);
	assert_int_equal(snapshot_load(s, name, &st, &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	assert_int_equal(st.info.weights[0], want0);
	assert_int_equal(st.info.weights[1], want1);
	assert_int_equal(st.info.weights[2], want2);
	snapshot_state_free(&st);
	diag_list_free(&d);
}

static void set_weights_text(store_t *s, const char *text)
{
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_exec(store_query(s, "DROP TRIGGER IF EXISTS snapshot_no_update"), &d, "dropping"), STEER_OK);
	store_query_t *q = store_query(s, "UPDATE snapshot SET weights = ?");
	store_bind_text(q, 1, text);
	assert_int_equal(store_exec(q, &d, "updating"), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	diag_list_free(&d);
}

static void test_frozen_weights(void **state)
{
	(void)state;
	char *dir = fx_tmpdir();
	store_t *s = fx_store(dir);
	diag_list_t d = DIAG_LIST_INIT;
	const unsigned w[3] = {5, 2, 0}, later[3] = {1, 1, 1};
	snapshot_info_t info;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(store_set_weights(s, w, &d), STEER_OK);
	assert_int_equal(snapshot_create(s, "T1", &info, &d), STEER_OK);
	assert_int_equal(store_set_weights(s, later, &d), STEER_OK);
	assert_int_equal(store_commit(s, &d), STEER_OK);
	snapshot_info_free(&info);
	load_weights(s, "T1", 5, 2, 0);

	static const char *const bad[] = {"", "5,2", "5,2,0,1", "5;2;0", "5,2,x", "5,,0", "-5,2,0", " 5,2,0",
					  "5,2,101", "99999999999999999999,2,0"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		set_weights_text(s, bad[i]);
		load_weights(s, "T1", store_default_weights[0], store_default_weights[1], store_default_weights[2]);
	}
	set_weights_text(s, "100,0,7");
	load_weights(s, "T1", 100, 0, 7);

	store_close(s);
	fs_remove_tree(dir);
	free(dir);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frozen_weights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
