/* Tests for util/fs: whole-file reads and their errno results, the sorted
 * filtered listing, atomic writes, mkdir -p, rm -rf and path joining. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fs.h"

/* Each test works in its own fresh folder under /tmp. */
static int setup_tmp(void **state)
{
	char *dir = strdup("/tmp/sobre-test-fs-XXXXXX");
	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int teardown_tmp(void **state)
{
	char *dir = *state;
	int err = fs_remove_tree(dir);
	free(dir);
	return err ? -1 : 0;
}

static char *path_in(void **state, const char *rel)
{
	return fs_join((const char *)*state, rel);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void make_file(void **state, const char *rel, const char *text)
{
	char *p = path_in(state, rel);
	write_text(p, text);
	free(p);
}

static void make_dir(void **state, const char *rel)
{
	char *p = path_in(state, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Number of files in dir and its subfolders (read without fs_list). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = fs_join(dir, e->d_name);
		n += fs_is_dir(p) ? count_entries(p) : 1;
		free(p);
	}
	closedir(d);
	return n;
}

static void test_read_file(void **state)
{
	make_file(state, "a.txt", "hello\nworld\n");
	char *p = path_in(state, "a.txt");
	buf_t b = BUF_INIT;
	buf_puts(&b, "old contents are replaced");
	assert_int_equal(fs_read_file(p, 1000, &b), 0);
	assert_int_equal(b.len, 12);
	assert_string_equal(buf_cstr(&b), "hello\nworld\n");
	/* exactly max bytes is still fine */
	assert_int_equal(fs_read_file(p, 12, &b), 0);
	assert_int_equal(b.len, 12);
	buf_free(&b);
	free(p);
}

static void test_read_empty_file(void **state)
{
	make_file(state, "empty", "");
	char *p = path_in(state, "empty");
	buf_t b = BUF_INIT;
	buf_puts(&b, "junk");
	assert_int_equal(fs_read_file(p, 10, &b), 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
	free(p);
}

static void test_read_large_file(void **state)
{
	/* larger than the 64 KiB read chunk */
	size_t n = 300000;
	char *data = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 23);
	data[n] = '\0';
	make_file(state, "big", data);
	char *p = path_in(state, "big");
	buf_t b = BUF_INIT;
	assert_int_equal(fs_read_file(p, n, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.ptr, data, n);
	assert_int_equal(b.ptr[n], '\0');
	buf_free(&b);
	free(p);
	free(data);
}

static void test_read_errors(void **state)
{
	buf_t b = BUF_INIT;
	char *missing = path_in(state, "nope.md");
	assert_int_equal(fs_read_file(missing, 100, &b), ENOENT);
	free(missing);

	make_file(state, "big.md", "0123456789abcdef");
	char *big = path_in(state, "big.md");
	assert_int_equal(fs_read_file(big, 15, &b), EFBIG);
	free(big);

	make_dir(state, "sub");
	char *dir = path_in(state, "sub");
	assert_int_equal(fs_read_file(dir, 100, &b), EISDIR);
	free(dir);
	buf_free(&b);
}

static void test_read_too_big_unknown_size(void **state)
{
	(void)state;
	/* /proc files report size 0: the limit must hold while reading */
	buf_t b = BUF_INIT;
	if (!exists("/proc/self/status"))
		skip();
	assert_int_equal(fs_read_file("/proc/self/status", 10, &b), EFBIG);
	assert_int_equal(fs_read_file("/proc/self/status", 1 << 20, &b), 0);
	assert_true(b.len > 10);
	assert_int_equal(strlen(b.ptr), b.len);
	buf_free(&b);
}

static bool only_md(const char *rel, const char *name, bool is_dir, void *ud)
{
	int *calls = ud;
	(*calls)++;
	assert_non_null(rel);
	assert_non_null(name);
	/* name is the last component of rel */
	size_t rl = strlen(rel), nl = strlen(name);
	assert_true(rl >= nl);
	assert_string_equal(rel + rl - nl, name);
	if (is_dir)
		return name[0] != '_';
	return nl > 3 && strcmp(name + nl - 3, ".md") == 0;
}

static void test_list_sorted_and_filtered(void **state)
{
	make_dir(state, "b");
	make_dir(state, "b/c");
	make_dir(state, "_data");
	make_dir(state, "a-b");
	make_file(state, "z.md", "z");
	make_file(state, "B.md", "B");
	make_file(state, "a.md", "a");
	make_file(state, "a.txt", "t");
	make_file(state, "b/x.md", "x");
	make_file(state, "b/c/y.md", "y");
	make_file(state, "a-b/q.md", "q");
	make_file(state, "_data/m.md", "m");

	fs_list_t l = {0};
	char *failed = NULL;
	int calls = 0;
	assert_int_equal(fs_list((const char *)*state, only_md, &calls, &l, &failed), 0);
	assert_null(failed);
	assert_true(calls > 0);
	/* bytewise: 'B' < 'a' < "a-b/" ('-' < '.') < "a.md" ... */
	const char *want[] = {"B.md", "a-b/q.md", "a.md", "b/c/y.md", "b/x.md", "z.md"};
	assert_int_equal(l.len, sizeof want / sizeof *want);
	for (size_t i = 0; i < l.len; i++)
		assert_string_equal(l.paths[i], want[i]);
	fs_list_free(&l);
	assert_null(l.paths);
	assert_int_equal(l.len, 0);

	/* without a filter every regular file is listed */
	assert_int_equal(fs_list((const char *)*state, NULL, NULL, &l, &failed), 0);
	assert_int_equal(l.len, 8);
	assert_string_equal(l.paths[0], "B.md");
	assert_string_equal(l.paths[1], "_data/m.md");
	fs_list_free(&l);
}

static void test_list_errors(void **state)
{
	fs_list_t l = {0};
	char *failed = NULL;
	char *missing = path_in(state, "missing");
	assert_int_equal(fs_list(missing, NULL, NULL, &l, &failed), ENOENT);
	assert_non_null(failed);
	assert_string_equal(failed, missing);
	free(failed);
	free(missing);
	fs_list_free(&l);
}

/* The listing of an empty folder, run in a child (see below). */
static int list_empty(const char *root)
{
	char *empty = fs_join(root, "empty");
	if (mkdir(empty, 0755) != 0)
		return 100;
	fs_list_t l = {0};
	char *failed = NULL;
	int err = fs_list(empty, NULL, NULL, &l, &failed);
	int ok = err == 0 && l.len == 0 && failed == NULL;
	fs_list_free(&l);
	free(empty);
	return ok ? 0 : 3; /* ASan/UBSan exit with 1 */
}

/* Regression (src/util/fs.c, list_rec and fs_list): on an empty folder `names` (and
 * then `out->paths`) is NULL, and qsort(NULL, 0, ...) is undefined behaviour
 * (glibc declares the argument nonnull): UBSan stops with "null pointer
 * passed as argument 1" at fs.c:97, so any guide holding an empty folder
 * aborts under `make check`'s sanitizer pass. Expected: 0 and an empty list.
 * Run in a child so the abort fails only this test. */
static void test_list_empty_dir(void **state)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(list_empty((const char *)*state));
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("fs_list on an empty folder crashed (signal %d)", WTERMSIG(status));
	if (WEXITSTATUS(status) == 3)
		fail_msg("fs_list on an empty folder: wrong result");
	if (WEXITSTATUS(status) != 0)
		fail_msg("fs_list on an empty folder: child exited with %d (a sanitizer report?)",
			 WEXITSTATUS(status));
}

static void test_list_symlinks(void **state)
{
	make_file(state, "real.md", "r");
	char *target = path_in(state, "nowhere");
	char *dangling = path_in(state, "dangling.md");
	assert_int_equal(symlink(target, dangling), 0);
	free(target);
	free(dangling);

	fs_list_t l = {0};
	char *failed = NULL;
	assert_int_equal(fs_list((const char *)*state, NULL, NULL, &l, &failed), 0);
	assert_int_equal(l.len, 1); /* a dangling link is simply not listed */
	assert_string_equal(l.paths[0], "real.md");
	fs_list_free(&l);

	/* a link back to an ancestor is reported where it is, not followed */
	make_dir(state, "d");
	char *loop = path_in(state, "d/loop");
	assert_int_equal(symlink("..", loop), 0);
	assert_int_equal(fs_list((const char *)*state, NULL, NULL, &l, &failed), ELOOP);
	assert_non_null(failed);
	assert_string_equal(failed, loop);
	assert_true(l.len <= 1); /* nothing listed twice through the loop */
	free(failed);
	free(loop);
	fs_list_free(&l);
}

/* FS_MAX_DEPTH (64): a tree of real folders deeper than that stops there;
 * 64 levels are listed. */
static void test_list_depth_limit(void **state)
{
	buf_t rel = BUF_INIT;
	for (int i = 0; i < 66; i++) {
		buf_puts(&rel, i ? "/d" : "d");
		make_dir(state, buf_cstr(&rel));
	}
	buf_puts(&rel, "/deep.md");
	make_file(state, buf_cstr(&rel), "x");
	fs_list_t l = {0};
	char *failed = NULL;
	assert_int_equal(fs_list((const char *)*state, NULL, NULL, &l, &failed), ELOOP);
	assert_non_null(failed);
	free(failed);
	fs_list_free(&l);

	/* cut the tree to 64 levels, with the file at the bottom */
	buf_reset(&rel);
	for (int i = 0; i < 65; i++)
		buf_puts(&rel, i ? "/d" : "d");
	char *cut = path_in(state, buf_cstr(&rel));
	assert_int_equal(fs_remove_tree(cut), 0);
	free(cut);
	buf_truncate(&rel, rel.len - 2);
	buf_puts(&rel, "/deep.md");
	make_file(state, buf_cstr(&rel), "x");
	assert_int_equal(fs_list((const char *)*state, NULL, NULL, &l, &failed), 0);
	assert_int_equal(l.len, 1);
	assert_string_equal(l.paths[0], buf_cstr(&rel));
	fs_list_free(&l);
	buf_free(&rel);
}

static void test_is_dir(void **state)
{
	make_file(state, "f", "x");
	char *f = path_in(state, "f");
	assert_true(fs_is_dir((const char *)*state));
	assert_false(fs_is_dir(f));
	assert_false(fs_is_dir("/nonexistent/sobre/dir"));
	free(f);
}

static void test_write_atomic(void **state)
{
	char *p = path_in(state, "out.txt");
	assert_int_equal(fs_write_atomic(p, "first", 5), 0);
	buf_t b = BUF_INIT;
	assert_int_equal(fs_read_file(p, 100, &b), 0);
	assert_string_equal(buf_cstr(&b), "first");
	assert_int_equal(count_entries((const char *)*state), 1); /* no temporary file left */

	/* overwrite with shorter content, including a NUL byte */
	assert_int_equal(fs_write_atomic(p, "2\0x", 3), 0);
	assert_int_equal(fs_read_file(p, 100, &b), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "2\0x", 3);
	assert_int_equal(count_entries((const char *)*state), 1);

	/* empty content */
	assert_int_equal(fs_write_atomic(p, "", 0), 0);
	assert_int_equal(fs_read_file(p, 100, &b), 0);
	assert_int_equal(b.len, 0);

	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	buf_free(&b);
	free(p);
}

static void test_write_atomic_missing_dir(void **state)
{
	char *p = path_in(state, "no/such/dir/out.txt");
	assert_int_equal(fs_write_atomic(p, "x", 1), ENOENT);
	assert_false(exists(p));
	assert_int_equal(count_entries((const char *)*state), 0);
	free(p);
}

static void test_write_atomic_onto_dir(void **state)
{
	/* rename fails: the temporary file must be removed */
	make_dir(state, "target");
	make_file(state, "target/keep", "k");
	char *p = path_in(state, "target");
	assert_int_not_equal(fs_write_atomic(p, "x", 1), 0);
	assert_true(fs_is_dir(p));
	assert_int_equal(count_entries((const char *)*state), 1); /* only target/keep */
	free(p);
}

static void test_mkdirs(void **state)
{
	char *p = path_in(state, "a/b/c");
	assert_int_equal(fs_mkdirs(p), 0);
	assert_true(fs_is_dir(p));
	assert_int_equal(fs_mkdirs(p), 0); /* already there */
	free(p);

	p = path_in(state, "a/b/d/");
	assert_int_equal(fs_mkdirs(p), 0); /* trailing slash */
	assert_true(fs_is_dir(p));
	free(p);

	make_file(state, "file", "x");
	p = path_in(state, "file");
	assert_int_equal(fs_mkdirs(p), ENOTDIR);
	free(p);
	p = path_in(state, "file/sub");
	assert_int_equal(fs_mkdirs(p), ENOTDIR);
	free(p);

	assert_int_equal(fs_mkdirs("/"), 0);
}

/* Regression (src/util/fs.c, fs_mkdirs): for "" the loop starts at p + 1, one past
 * the string's NUL, and reads beyond the 1-byte allocation (ASan:
 * heap-buffer-overflow); without ASan it may mkdir() garbage names. Expected:
 * ENOENT like mkdir(""). Run in a child process inside the temporary folder
 * so a crash or stray directories cannot harm the rest of the suite. */
static void test_mkdirs_empty_path(void **state)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (chdir((const char *)*state) != 0)
			_exit(100);
		_exit(fs_mkdirs("") == ENOENT ? 0 : 3); /* ASan exits with 1 */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("BUG fs_mkdirs(\"\") crashed (signal %d)", WTERMSIG(status));
	if (WEXITSTATUS(status) == 3)
		fail_msg("BUG fs_mkdirs(\"\") did not return ENOENT");
	if (WEXITSTATUS(status) != 0)
		fail_msg("BUG fs_mkdirs(\"\"): child exited with %d (a sanitizer report?)", WEXITSTATUS(status));
}

static void test_remove_tree(void **state)
{
	make_dir(state, "t");
	make_dir(state, "t/u");
	make_dir(state, "t/u/v");
	make_file(state, "t/f", "1");
	make_file(state, "t/u/g", "2");
	make_file(state, "t/u/v/h", "3");
	/* a link to a folder outside is removed, not followed */
	make_dir(state, "outside");
	make_file(state, "outside/precious", "p");
	char *out = path_in(state, "outside");
	char *link = path_in(state, "t/u/link");
	assert_int_equal(symlink(out, link), 0);
	free(link);

	char *t = path_in(state, "t");
	assert_int_equal(fs_remove_tree(t), 0);
	assert_false(exists(t));
	char *precious = path_in(state, "outside/precious");
	assert_true(exists(precious));
	free(precious);

	/* missing: nothing to do */
	assert_int_equal(fs_remove_tree(t), 0);
	free(t);

	/* a plain file */
	char *f = path_in(state, "outside/precious");
	assert_int_equal(fs_remove_tree(f), 0);
	assert_false(exists(f));
	free(f);
	free(out);
}

static void test_join(void **state)
{
	(void)state;
	char *s = fs_join("a", "b");
	assert_string_equal(s, "a/b");
	free(s);
	s = fs_join("a/", "b");
	assert_string_equal(s, "a/b");
	free(s);
	s = fs_join("a///", "b/c.md");
	assert_string_equal(s, "a/b/c.md");
	free(s);
	s = fs_join("/abs/dir", "x");
	assert_string_equal(s, "/abs/dir/x");
	free(s);
	s = fs_join("../shared", "corpus");
	assert_string_equal(s, "../shared/corpus");
	free(s);
}

/* Regression (src/util/fs.c, fs_join): the root folder keeps its '/' and then gets
 * another, so fs_join("/", "x") is "//x" (a path POSIX leaves
 * implementation-defined); fs_join("", "x") is "/x", turning a relative
 * name into an absolute one. Expected "/x" and "x". */
static void test_join_edges(void **state)
{
	(void)state;
	char got[2][16];
	char *s = fs_join("/", "x");
	snprintf(got[0], sizeof got[0], "%s", s);
	free(s);
	s = fs_join("", "x");
	snprintf(got[1], sizeof got[1], "%s", s);
	free(s);
	assert_string_equal(got[0], "/x");
	assert_string_equal(got[1], "x");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_tmp, teardown_tmp)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_file),
		T(test_read_empty_file),
		T(test_read_large_file),
		T(test_read_errors),
		T(test_read_too_big_unknown_size),
		T(test_list_sorted_and_filtered),
		T(test_list_errors),
		T(test_list_empty_dir),
		T(test_list_symlinks),
		T(test_list_depth_limit),
		T(test_is_dir),
		T(test_write_atomic),
		T(test_write_atomic_missing_dir),
		T(test_write_atomic_onto_dir),
		T(test_mkdirs),
		T(test_mkdirs_empty_path),
		T(test_remove_tree),
		T(test_join),
		T(test_join_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
