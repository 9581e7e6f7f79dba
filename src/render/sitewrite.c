/* sitewrite: the temporary folder, the parallel render-and-write, the swap.
 * Moved out of site.c unchanged so that every site sobre builds is written
 * the same way. */
#define _GNU_SOURCE /* renameat2 */
#include "render/sitewrite.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/parallel.h"
#include "util/xalloc.h"

/* Marks a folder as a site sobre wrote, so that a later build may replace it. */
#define SITE_MARKER ".sobre-site"

typedef struct {
	const sitewrite_src_t *src;
	const char *tmp;
	const size_t *order; /* files, heaviest first */
	atomic_size_t done;
	atomic_size_t bytes;
	diag_list_t *diags; /* one list per file */
	sitewrite_progress_fn progress;
	void *ud;
	pthread_t reporter; /* the thread that calls progress */
	/* Folders are made by one thread, in order, while the others render:
	 * made counts the files, in order, whose folder exists. */
	atomic_size_t made;
	atomic_bool failed; /* a folder could not be made */
	pthread_mutex_t lock;
	pthread_cond_t more;
	diag_list_t folder_diags;
} writejob_t;

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	size_t off = 0;
	int err = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0 && !err)
		err = errno;
	return err;
}

/* Makes every file's folder, in the order of the files, and tells the
 * writers waiting for one (about every 32 folders, and at the end). */
static bool make_folders(writejob_t *job)
{
	const sitewrite_src_t *src = job->src;
	bool ok = true;
	for (size_t k = 0; k < src->n && ok; k++) {
		char *full = fs_join(job->tmp, src->path(src->site, job->order[k]));
		char *sl = strrchr(full, '/');
		*sl = '\0';
		/* Most folders have an existing parent: one mkdir, not one per level. */
		int err = mkdir(full, 0755) == 0 || errno == EEXIST ? 0 : fs_mkdirs(full);
		if (err) {
			diag_add(&job->folder_diags, DIAG_ERROR, full, 0, 0, "io-error", "cannot create folder: %s",
				 strerror(err));
			atomic_store(&job->failed, true);
			ok = false;
		} else {
			atomic_store(&job->made, k + 1);
		}
		free(full);
		if (!ok || (k + 1) % 32 == 0 || k + 1 == src->n) {
			pthread_mutex_lock(&job->lock);
			pthread_cond_broadcast(&job->more);
			pthread_mutex_unlock(&job->lock);
		}
	}
	return ok;
}

/* Waits until the folder of the k-th file exists; false if it never will. */
static bool wait_folder(writejob_t *job, size_t k)
{
	if (atomic_load(&job->made) > k)
		return true;
	pthread_mutex_lock(&job->lock);
	while (atomic_load(&job->made) <= k && !atomic_load(&job->failed))
		pthread_cond_wait(&job->more, &job->lock);
	pthread_mutex_unlock(&job->lock);
	return atomic_load(&job->made) > k;
}

/* Item 0 makes the folders; item k + 1 renders the k-th file, then writes
 * it once its folder exists. */
static bool write_one(size_t item, void *ud)
{
	writejob_t *job = ud;
	if (item == 0)
		return make_folders(job);
	size_t k = item - 1;
	const sitewrite_src_t *src = job->src;
	size_t i = job->order[k];
	buf_t out = BUF_INIT;
	bool ok = src->render(src->site, i, &out, &job->diags[i]) == 0;
	if (ok && !wait_folder(job, k))
		ok = false;
	if (ok) {
		char *full = fs_join(job->tmp, src->path(src->site, i));
		int err = write_file(full, buf_cstr(&out), out.len);
		if (err) {
			diag_add(&job->diags[i], DIAG_ERROR, full, 0, 0, "io-error", "cannot write: %s", strerror(err));
			ok = false;
		}
		free(full);
	}
	if (ok) {
		atomic_fetch_add(&job->bytes, out.len);
		size_t done = atomic_fetch_add(&job->done, 1) + 1;
		/* Only the calling thread reports, about every 1%. */
		if (job->progress && pthread_equal(pthread_self(), job->reporter) && done % (src->n / 100 + 1) == 0)
			job->progress(done, src->n, job->ud);
	}
	buf_free(&out);
	return ok;
}

/* Removes the folders named prefix* in dir: temporary sites of builds
 * that were killed before their swap. Called under the lock below, when no
 * other build can be using one. */
static void remove_stale(const char *dir, const char *prefix)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	size_t n = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(dh)))
		if (strncmp(e->d_name, prefix, n) == 0 && strlen(e->d_name) > n) {
			char *path = fs_join(dir, e->d_name);
			if (fs_is_dir(path))
				fs_remove_tree(path);
			free(path);
		}
	closedir(dh);
}

static bool dir_is_empty(const char *path)
{
	fs_list_t l = {0};
	char *failed = NULL;
	int err = fs_list(path, NULL, NULL, &l, &failed);
	bool empty = !err && l.len == 0;
	fs_list_free(&l);
	free(failed);
	return empty;
}

/* The temporary folder's name beside out_dir (returned, the caller frees),
 * and the lock of the folder that holds it (*lock_fd, -1 when none could
 * be taken). One build at a time beside this output (an advisory lock on
 * the folder that holds it, released when the build ends, even by a kill):
 * what the output is can no longer change under us, and a temporary site
 * left there is a killed build's, and goes. */
static char *lock_beside(const char *out_dir, int *lock_fd)
{
	buf_t t = BUF_INIT;
	size_t ol = strlen(out_dir);
	while (ol > 1 && out_dir[ol - 1] == '/')
		ol--;
	buf_put(&t, out_dir, ol);
	buf_puts(&t, ".sobre-tmp-XXXXXX");
	char *tmp = buf_detach(&t);
	char *parent = xstrdup(tmp);
	char *slash = strrchr(parent, '/');
	const char *base = slash ? tmp + (slash - parent) + 1 : tmp;
	if (slash && slash != parent) {
		*slash = '\0';
		fs_mkdirs(parent);
	} else {
		free(parent);
		parent = xstrdup(slash ? "/" : ".");
	}
	*lock_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*lock_fd >= 0 && flock(*lock_fd, LOCK_EX) == 0) {
		char *prefix = xstrndup(base, strlen(base) - 6); /* without XXXXXX */
		remove_stale(parent, prefix);
		free(prefix);
	}
	free(parent);
	return tmp;
}

/* Renders and writes every file into tmp on threads, in src's order. */
static bool write_outputs(const sitewrite_src_t *src, const char *tmp, int threads, sitewrite_progress_fn progress,
			  void *ud, writejob_t *job, diag_list_t *diags)
{
	size_t *identity = NULL;
	if (!src->order) {
		identity = xcalloc(src->n + 1, sizeof *identity);
		for (size_t i = 0; i < src->n; i++)
			identity[i] = i;
	}
	job->src = src;
	job->tmp = tmp;
	job->order = src->order ? src->order : identity;
	job->diags = xcalloc(src->n + 1, sizeof *job->diags);
	job->progress = progress;
	job->ud = ud;
	job->reporter = pthread_self();
	atomic_init(&job->done, 0);
	atomic_init(&job->bytes, 0);
	atomic_init(&job->made, 0);
	atomic_init(&job->failed, false);
	pthread_mutex_init(&job->lock, NULL);
	pthread_cond_init(&job->more, NULL);
	job->folder_diags = (diag_list_t)DIAG_LIST_INIT;
	bool all = parallel_for(src->n + 1, threads, write_one, job);
	pthread_cond_destroy(&job->more);
	pthread_mutex_destroy(&job->lock);
	free(identity);
	if (progress)
		progress(atomic_load(&job->done), src->n, ud);
	diag_move_all(diags, &job->folder_diags);
	for (size_t i = 0; i < src->n; i++)
		diag_move_all(diags, &job->diags[i]);
	return all && atomic_load(&job->done) == src->n;
}

/* The swap: one rename when there is no previous site, an atomic exchange
 * otherwise; the old site then sits in tmp, for the caller to remove. */
static int swap_in(const char *tmp, const char *out_dir, bool exists, diag_list_t *diags)
{
	if (exists) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out_dir, RENAME_EXCHANGE) != 0) {
			diag_add(diags, DIAG_ERROR, out_dir, 0, 0, "io-error", "cannot swap the new site in: %s",
				 strerror(errno));
			return -1;
		}
	} else if (rename(tmp, out_dir) != 0) {
		diag_add(diags, DIAG_ERROR, out_dir, 0, 0, "io-error", "cannot move the new site in place: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int sitewrite(const sitewrite_src_t *src, const char *out_dir, int threads, sitewrite_progress_fn progress,
	      void *ud, sitewrite_stats_t *stats, diag_list_t *diags)
{
	int rc = -1, lock_fd = -1;
	char *marker = NULL;
	writejob_t job;
	memset(&job, 0, sizeof job);
	char *tmp = lock_beside(out_dir, &lock_fd);

	/* Replacing a folder sobre did not write could destroy someone's files. */
	char *old_marker = fs_join(out_dir, SITE_MARKER);
	bool exists = fs_is_dir(out_dir);
	if (exists && access(old_marker, F_OK) != 0 && !dir_is_empty(out_dir)) {
		diag_t *d = diag_add(diags, DIAG_ERROR, out_dir, 0, 0, "output-not-site",
				     "the output folder exists and was not written by sobre; refusing to replace it");
		diag_hint(d, "choose another folder with -o, or delete this one first");
		free(old_marker);
		free(tmp);
		if (lock_fd >= 0)
			close(lock_fd);
		return -1;
	}
	free(old_marker);
	if (!mkdtemp(tmp)) {
		diag_add(diags, DIAG_ERROR, out_dir, 0, 0, "io-error", "cannot create a folder beside the output: %s",
			 strerror(errno));
		free(tmp);
		if (lock_fd >= 0)
			close(lock_fd);
		return -1;
	}
	chmod(tmp, 0755);
	if (!write_outputs(src, tmp, threads, progress, ud, &job, diags))
		goto cleanup;
	marker = fs_join(tmp, SITE_MARKER);
	if (write_file(marker, "sobre\n", 6) != 0 || swap_in(tmp, out_dir, exists, diags) != 0)
		goto cleanup;
	if (stats) {
		stats->files = src->n;
		stats->bytes = atomic_load(&job.bytes);
	}
	rc = 0;
cleanup:
	fs_remove_tree(tmp);
	free(job.diags);
	free(marker);
	free(tmp);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}
