/* fs: POSIX implementation of reads, listings and atomic writes. */
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

/* Symbolic-link loops and absurd trees end here instead of in a stack overflow. */
#define FS_MAX_DEPTH 64

int fs_read_file(const char *path, size_t max, buf_t *out)
{
	int err = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		err = errno;
		goto cleanup;
	}
	if (S_ISDIR(st.st_mode)) {
		err = EISDIR;
		goto cleanup;
	}
	if (st.st_size > 0 && (size_t)st.st_size > max) {
		err = EFBIG;
		goto cleanup;
	}
	buf_reset(out);
	/* Room for one byte more than the file's size: a regular file that
	 * reads short of that at its stat size has been read whole, without
	 * the read that returns 0 (a guide's every file goes through here). */
	size_t size = st.st_size > 0 ? (size_t)st.st_size : 0;
	buf_grow(out, size ? size + 1 : 4096);
	for (;;) {
		if (out->cap - out->len - 1 == 0)
			buf_grow(out, 65536);
		size_t room = out->cap - out->len - 1;
		ssize_t n = read(fd, out->ptr + out->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto cleanup;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > max) {
			err = EFBIG;
			goto cleanup;
		}
		if (S_ISREG(st.st_mode) && size && out->len == size && (size_t)n < room)
			break;
	}
	out->ptr[out->len] = '\0';
cleanup:
	close(fd);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
	char *name;
	unsigned char type; /* d_type: DT_DIR, DT_REG, or DT_UNKNOWN/DT_LNK (then stat) */
} entry_t;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

/* The folders being listed, from the root down to the current one. */
typedef struct dirid {
	dev_t dev;
	ino_t ino;
	const struct dirid *up;
} dirid_t;

static int list_rec(const char *root, const char *rel, int depth, const dirid_t *up, fs_filter_fn filter,
		    void *ud, fs_list_t *out, char **failed)
{
	int err = 0;
	char *dirpath = *rel ? fs_join(root, rel) : xstrdup(root);
	DIR *d = NULL;
	entry_t *ents = NULL;
	size_t n = 0, cap = 0;
	struct stat dst;
	dirid_t self = {0, 0, up};

	if (depth > FS_MAX_DEPTH) {
		err = ELOOP;
		*failed = dirpath;
		dirpath = NULL;
		goto cleanup;
	}
	d = opendir(dirpath);
	if (!d) {
		err = errno;
		*failed = dirpath;
		dirpath = NULL;
		goto cleanup;
	}
	/* A link back to a folder being listed is a loop: reported at once,
	 * rather than followed FS_MAX_DEPTH times, listing the guide again
	 * at each level (thousands of duplicate pages in the report). */
	if (fstat(dirfd(d), &dst) == 0) {
		self.dev = dst.st_dev;
		self.ino = dst.st_ino;
		for (const dirid_t *a = up; a; a = a->up) {
			if (a->dev == self.dev && a->ino == self.ino) {
				err = ELOOP;
				*failed = dirpath;
				dirpath = NULL;
				goto cleanup;
			}
		}
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ents = xgrow(ents, &cap, n + 1, sizeof *ents);
		ents[n].name = xstrdup(e->d_name);
		ents[n].type = e->d_type; /* usually known: saves a stat per entry */
		n++;
	}
	/* Sorted so that output never depends on the directory's storage order. */
	if (n > 1)
		qsort(ents, n, sizeof *ents, cmp_entry);
	for (size_t i = 0; i < n && !err; i++) {
		char *child = *rel ? fs_join(rel, ents[i].name) : xstrdup(ents[i].name);
		bool is_dir = ents[i].type == DT_DIR, is_reg = ents[i].type == DT_REG;
		if (!is_dir && !is_reg) {
			char *full = fs_join(root, child);
			struct stat st;
			if (stat(full, &st) == 0) {
				is_dir = S_ISDIR(st.st_mode);
				is_reg = S_ISREG(st.st_mode);
			}
			free(full);
		}
		if (is_dir && (!filter || filter(child, ents[i].name, true, ud))) {
			err = list_rec(root, child, depth + 1, &self, filter, ud, out, failed);
		} else if (is_reg && (!filter || filter(child, ents[i].name, false, ud))) {
			out->paths = xgrow(out->paths, &out->cap, out->len + 1, sizeof *out->paths);
			out->paths[out->len++] = child;
			child = NULL;
		}
		/* A dangling link or a file that vanished is simply not listed. */
		free(child);
	}
cleanup:
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	free(dirpath);
	return err;
}

int fs_list(const char *root, fs_filter_fn filter, void *ud, fs_list_t *out, char **failed)
{
	*failed = NULL;
	int err = list_rec(root, "", 0, NULL, filter, ud, out, failed);
	if (!err && out->len > 1)
		qsort(out->paths, out->len, sizeof *out->paths, cmp_str);
	return err;
}

void fs_list_free(fs_list_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
	l->len = l->cap = 0;
}

bool fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_mkdirs(const char *path)
{
	if (!*path)
		return ENOENT;
	char *p = xstrdup(path);
	int err = 0;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				err = errno;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	if (!err && !fs_is_dir(path))
		err = ENOTDIR;
	free(p);
	return err;
}

int fs_write_atomic(const char *path, const char *data, size_t len)
{
	buf_t tmp = BUF_INIT;
	int err = 0, fd = -1;
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		err = errno;
		goto cleanup;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto cleanup;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
		fd = -1;
		err = errno;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp.ptr, path) != 0)
		err = errno;
cleanup:
	if (fd >= 0)
		close(fd);
	if (err && tmp.ptr)
		unlink(tmp.ptr);
	buf_free(&tmp);
	return err;
}

int fs_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? 0 : errno;
	DIR *d = opendir(path);
	if (!d)
		return errno;
	int err = 0;
	struct dirent *e;
	while (!err && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *child = fs_join(path, e->d_name);
		err = fs_remove_tree(child);
		free(child);
	}
	closedir(d);
	if (!err && rmdir(path) != 0)
		err = errno;
	return err;
}

char *fs_join(const char *a, const char *b)
{
	if (!*a)
		return xstrdup(b);
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	buf_t out = BUF_INIT;
	buf_put(&out, a, la);
	if (a[la - 1] != '/')
		buf_putc(&out, '/');
	buf_puts(&out, b);
	return buf_detach(&out);
}
