/* watch: inotify on every folder of a tree, with debouncing. */
#include "util/watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/xalloc.h"

typedef struct {
	int wd;
	char *path;
	char *real; /* its real path, NULL if it could not be resolved */
} watched_t;

struct watch {
	int fd;
	watched_t *w;
	size_t n, cap;
	char *skip; /* real path of a folder whose changes are ours */
};

watch_t *watch_new(diag_list_t *d)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, "watch", "cannot watch files: %s", strerror(errno));
		return NULL;
	}
	watch_t *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	return w;
}

void watch_free(watch_t *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->w[i].path);
		free(w->w[i].real);
	}
	free(w->w);
	free(w->skip);
	close(w->fd);
	free(w);
}

int watch_fd(const watch_t *w)
{
	return w->fd;
}

void watch_skip(watch_t *w, const char *dir)
{
	char real[PATH_MAX];
	char *path = NULL;
	if (realpath(dir, real)) {
		path = xstrdup(real);
	} else {
		/* Not written yet: its folder's real path and its name. */
		char *parent = xstrdup(dir);
		char *slash = strrchr(parent, '/');
		const char *name = slash ? dir + (slash - parent) + 1 : dir;
		if (slash)
			*slash = '\0';
		if (*name && realpath(slash ? (*parent ? parent : "/") : ".", real))
			path = fs_join(real, name);
		free(parent);
	}
	if (path) {
		free(w->skip);
		w->skip = path;
	}
}

/* Whether path is the skipped folder or lies below it. */
static bool skipped(const watch_t *w, const char *path)
{
	size_t n = w->skip ? strlen(w->skip) : 0;
	return n && strncmp(path, w->skip, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool filter(const char *rel, const char *name, bool is_dir, void *ud)
{
	(void)rel, (void)ud;
	if (!is_dir)
		return true;
	return name[0] != '.' && strcmp(name, "node_modules") != 0 && strcmp(name, "_site") != 0;
}

static void watch_dir(watch_t *w, const char *path)
{
	char real[PATH_MAX];
	bool resolved = realpath(path, real) != NULL;
	if (resolved && skipped(w, real))
		return;
	int wd = inotify_add_watch(w->fd, path, IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
							IN_MOVED_TO | IN_DELETE_SELF);
	if (wd < 0)
		return;
	for (size_t i = 0; i < w->n; i++)
		if (w->w[i].wd == wd)
			return;
	w->w = xgrow(w->w, &w->cap, w->n + 1, sizeof *w->w);
	w->w[w->n].wd = wd;
	w->w[w->n].path = xstrdup(path);
	w->w[w->n].real = resolved ? xstrdup(real) : NULL;
	w->n++;
}

void watch_tree(watch_t *w, const char *root)
{
	watch_dir(w, root);
	fs_list_t l = {0};
	char *failed = NULL;
	fs_list(root, filter, NULL, &l, &failed);
	free(failed);
	for (size_t i = 0; i < l.len; i++) {
		char *full = fs_join(root, l.paths[i]);
		char *slash = strrchr(full, '/');
		*slash = '\0';
		watch_dir(w, full);
		free(full);
	}
	fs_list_free(&l);
}

static const watched_t *watched(const watch_t *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->w[i].wd == wd)
			return &w->w[i];
	return NULL;
}

/* Whether an event is about something the tree walk leaves out: a folder it
 * skips by name, or the skipped folder itself. The build's own swap renames
 * its output in the guide's folder (DIR/_site by default); taking that for a
 * change rebuilt the site over and over. */
static bool ignored(const watch_t *w, const watched_t *in, const char *name)
{
	if (!filter(NULL, name, true, NULL))
		return true;
	if (!in || !in->real || !w->skip)
		return false;
	char *full = fs_join(in->real, name);
	bool r = skipped(w, full);
	free(full);
	return r;
}

int watch_wait(watch_t *w, int timeout_ms, buf_t *what)
{
	char evbuf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int timeout = timeout_ms;
	size_t seen = 0;
	for (;;) {
		struct pollfd pfd = {w->fd, POLLIN, 0};
		int r = poll(&pfd, 1, timeout);
		if (r < 0)
			return -1;
		if (r == 0)
			return seen ? 1 : 0;
		ssize_t len = read(w->fd, evbuf, sizeof evbuf);
		if (len < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (len <= 0)
			return -1;
		for (char *p = evbuf; p < evbuf + len;) {
			struct inotify_event *ev = (struct inotify_event *)(void *)p;
			p += sizeof *ev + ev->len;
			if (!ev->len || ev->name[0] == '.' || strstr(ev->name, ".sobre-tmp-") || strchr(ev->name, '~'))
				continue;
			const watched_t *in = watched(w, ev->wd);
			if (ignored(w, in, ev->name))
				continue;
			/* Editors and sed write a temporary file and rename it: name
			 * the file that was written or moved in place, not the temporary. */
			bool final = ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM);
			if (seen++ == 0 || final) {
				buf_reset(what);
				buf_printf(what, "%s/%s", in ? in->path : "?", ev->name);
			}
		}
		/* Quiet period: an editor's save is several events in a row. */
		if (seen)
			timeout = 200;
	}
}
