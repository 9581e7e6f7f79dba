/* Tests for render/theme: an override folder replaces built-in files by name,
 * and THEME_MAX_FILE refuses a file over 4 MiB from its size, before reading
 * it; a file at the limit is accepted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/theme.h"
#include "util/fs.h"

static void put(const char *root, const char *name, const char *text, off_t size)
{
	char *p = fs_join(root, name);
	assert_int_equal(fs_write_atomic(p, text, strlen(text)), 0);
	if (size >= 0)
		assert_int_equal(truncate(p, size), 0); /* a hole: no disk space */
	free(p);
}

static void test_override(void **state)
{
	(void)state;
	char root[] = "/tmp/sobre-test-theme-XXXXXX";
	assert_non_null(mkdtemp(root));
	put(root, "extra.mustache", "<p>{{x}}</p>", -1);
	put(root, "big.css", "", (off_t)THEME_MAX_FILE);
	diag_list_t d = DIAG_LIST_INIT;
	theme_t *t = theme_load(root, &d);
	assert_non_null(t);
	assert_int_equal(d.len, 0);
	assert_non_null(theme_template(t, "extra"));
	bool found = false;
	for (size_t i = 0; i < theme_asset_count(t); i++) {
		const theme_file_t *f = theme_asset(t, i);
		if (strcmp(f->name, "big.css") == 0) {
			found = true;
			assert_int_equal(f->size, THEME_MAX_FILE);
		}
	}
	assert_true(found);
	theme_free(t);
	assert_int_equal(fs_remove_tree(root), 0);
}

static void test_file_too_large(void **state)
{
	(void)state;
	char root[] = "/tmp/sobre-test-theme-XXXXXX";
	assert_non_null(mkdtemp(root));
	put(root, "video.css", "", (off_t)THEME_MAX_FILE + 1);
	diag_list_t d = DIAG_LIST_INIT;
	theme_t *t = theme_load(root, &d);
	assert_null(t);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].rule, "file-too-large");
	assert_string_equal(d.items[0].msg, "cannot read theme file: larger than 4 MiB");
	assert_non_null(strstr(d.items[0].file, "video.css"));
	diag_list_free(&d);
	assert_int_equal(fs_remove_tree(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_file_too_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
