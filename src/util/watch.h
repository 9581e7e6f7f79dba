/* watch: waiting for changes in folders (Linux inotify), for `build --watch`
 * and `serve --watch`. Reports the file that was saved, after a short quiet
 * period so that an editor's save sequence gives one event. */
#ifndef SOBRE_WATCH_H
#define SOBRE_WATCH_H

#include "util/buf.h"
#include "util/diag.h"

typedef struct watch watch_t;

/* Caller frees with watch_free. NULL with a diagnostic when inotify fails. */
watch_t *watch_new(diag_list_t *d);
void watch_free(watch_t *w);
/* Watches root and every folder below it that holds files (skipping
 * dot-folders, node_modules and _site). Call again to pick up new folders. */
void watch_tree(watch_t *w, const char *root);
/* Never watch this folder (the output of a build), nor report it being
 * created, renamed or removed; it need not exist yet. */
void watch_skip(watch_t *w, const char *dir);
/* Waits for a change (timeout_ms < 0: forever); describes it in what.
 * Returns 1 on a change, 0 on timeout, -1 on error or interruption. */
int watch_wait(watch_t *w, int timeout_ms, buf_t *what);
/* The inotify descriptor, for callers that poll several things. */
int watch_fd(const watch_t *w);

#endif
