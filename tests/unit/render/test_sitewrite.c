/* Tests for render/sitewrite: many files in many folders, written on
 * threads while one thread makes the folders, all land with their content;
 * a folder that cannot be made fails the write with its diagnostic and
 * leaves no output folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/sitewrite.h"
#include "util/fs.h"

typedef struct {
	size_t n;
	char **paths;
} fake_t;

static const char *fake_path(const void *site, size_t i)
{
	return ((const fake_t *)site)->paths[i];
}

static int fake_render(const void *site, size_t i, buf_t *out, diag_list_t *diags)
{
	(void)diags;
	buf_printf(out, "file %zu at %s\n", i, ((const fake_t *)site)->paths[i]);
	return 0;
}

static fake_t *fake_new(size_t n)
{
	fake_t *f = calloc(1, sizeof *f);
	f->n = n;
	f->paths = calloc(n, sizeof *f->paths);
	return f;
}

static void fake_free(fake_t *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->paths[i]);
	free(f->paths);
	free(f);
}

static void test_many_folders(void **state)
{
	(void)state;
	char root[] = "/tmp/sobre-test-sitewrite-XXXXXX";
	assert_non_null(mkdtemp(root));
	char *out = fs_join(root, "site");
	/* Deep folders before their parents in the write order: the folder
	 * maker must create missing parents too. */
	fake_t *f = fake_new(3000);
	char p[128];
	for (size_t i = 0; i < f->n; i++) {
		if (i % 3 == 0)
			snprintf(p, sizeof p, "t%zu/s%zu/deep/index.html", i % 40, i);
		else if (i % 3 == 1)
			snprintf(p, sizeof p, "t%zu/s%zu/index.html", i % 40, i);
		else
			snprintf(p, sizeof p, "t%zu/f%zu.html", i % 40, i);
		f->paths[i] = strdup(p);
	}
	sitewrite_src_t src = {f->n, f, fake_path, fake_render, NULL};
	diag_list_t d = DIAG_LIST_INIT;
	sitewrite_stats_t st = {0, 0};
	assert_int_equal(sitewrite(&src, out, 0, NULL, NULL, &st, &d), 0);
	assert_int_equal(d.len, 0);
	assert_int_equal(st.files, f->n);
	buf_t got = BUF_INIT, want = BUF_INIT;
	for (size_t i = 0; i < f->n; i++) {
		char *full = fs_join(out, f->paths[i]);
		buf_reset(&got);
		buf_reset(&want);
		assert_int_equal(fs_read_file(full, 1 << 20, &got), 0);
		fake_render(f, i, &want, NULL);
		assert_string_equal(buf_cstr(&got), buf_cstr(&want));
		free(full);
	}
	buf_free(&got);
	buf_free(&want);
	fake_free(f);
	fs_remove_tree(root);
	free(out);
}

static void test_folder_fails(void **state)
{
	(void)state;
	char root[] = "/tmp/sobre-test-sitewrite-XXXXXX";
	assert_non_null(mkdtemp(root));
	char *out = fs_join(root, "site");
	fake_t *f = fake_new(200);
	char longname[400];
	memset(longname, 'x', 300); /* over NAME_MAX: mkdir cannot make it */
	longname[300] = '\0';
	char p[512];
	for (size_t i = 0; i < f->n; i++) {
		if (i == 150)
			snprintf(p, sizeof p, "%s/index.html", longname);
		else
			snprintf(p, sizeof p, "t%zu/index.html", i);
		f->paths[i] = strdup(p);
	}
	sitewrite_src_t src = {f->n, f, fake_path, fake_render, NULL};
	diag_list_t d = DIAG_LIST_INIT;
	assert_int_equal(sitewrite(&src, out, 0, NULL, NULL, NULL, &d), -1);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].msg, "cannot create folder"));
	assert_false(fs_is_dir(out));
	diag_list_free(&d);
	fake_free(f);
	fs_remove_tree(root);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_folders),
		cmocka_unit_test(test_folder_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
