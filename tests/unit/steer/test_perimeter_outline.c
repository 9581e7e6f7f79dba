/* Tests for perimeter_outline, what the web app's perimeter switcher
 * offers: the whole active subtree up to a size, beyond it the tree
 * unfolded along the path to the current perimeter; within an account's
 * perimeter; depth first, children by name, archived ones left out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "steer/perimeter.h"
#include "fixture.h"

/* Ville > DSI > Web, RH; Ville > Culture > Musées; Ville > Ancien
 * (archived). */
static store_t *open_tree(char **dir)
{
	*dir = fx_tmpdir();
	assert_non_null(*dir);
	store_t *s = fx_store(*dir);
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(store_begin(s, true, &d), STEER_OK);
	assert_int_equal(perimeter_name_root(s, "Ville", &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "DSI", NULL, "direction", &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Web", "DSI", NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "RH", "DSI", NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Culture", NULL, "direction", &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Musées", "Culture", NULL, &d), STEER_OK);
	assert_int_equal(perimeter_add(s, "Ancien", NULL, NULL, &d), STEER_OK);
	assert_int_equal(perimeter_archive(s, "Ancien", &d), STEER_OK);
	diag_list_free(&d);
	return s;
}

static long long id_of(store_t *s, const char *name)
{
	diag_list_t d = DIAG_LIST_INIT;
	long long id;
	assert_int_equal(perimeter_find(s, name, &id, &d), STEER_OK);
	diag_list_free(&d);
	return id;
}

/* The outline as "name/depth name/depth ...". */
static void outline(store_t *s, const char *top, const char *at, size_t all, const char *want)
{
	diag_list_t d = DIAG_LIST_INIT;
	perimeter_list_t l;
	assert_int_equal(perimeter_outline(s, id_of(s, top), id_of(s, at), all, &l, &d), STEER_OK);
	buf_t got = BUF_INIT;
	for (size_t i = 0; i < l.len; i++)
		buf_printf(&got, "%s%s/%zu", i ? " " : "", l.items[i].name, l.items[i].depth);
	if (strcmp(buf_cstr(&got), want) != 0)
		fail_msg("outline of %s at %s (all %zu):\n  got  %s\n  want %s", top, at, all, buf_cstr(&got), want);
	buf_free(&got);
	perimeter_list_free(&l);
	diag_list_free(&d);
}

static void test_outline(void **state)
{
	(void)state;
	char *dir = NULL;
	store_t *s = open_tree(&dir);
	/* Small enough: everything active, wherever one stands. */
	outline(s, "Ville", "Ville", 50, "Ville/0 Culture/1 Musées/2 DSI/1 RH/2 Web/2");
	outline(s, "Ville", "Web", 6, "Ville/0 Culture/1 Musées/2 DSI/1 RH/2 Web/2");
	/* Larger than allowed: unfolded along the way to where one stands. */
	outline(s, "Ville", "Ville", 5, "Ville/0 Culture/1 DSI/1");
	outline(s, "Ville", "Web", 5, "Ville/0 Culture/1 DSI/1 RH/2 Web/2");
	outline(s, "Ville", "Culture", 5, "Ville/0 Culture/1 Musées/2 DSI/1");
	/* Within an account's perimeter, depth from there. */
	outline(s, "DSI", "Web", 50, "DSI/0 RH/1 Web/1");
	outline(s, "DSI", "DSI", 1, "DSI/0 RH/1 Web/1");
	/* Standing outside it: only its top. */
	outline(s, "DSI", "Musées", 1, "DSI/0");
	store_rollback(s);
	store_close(s);
	fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
