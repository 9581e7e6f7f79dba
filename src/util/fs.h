/* fs: the file-system edge of the library: whole-file reads with a size
 * limit, a sorted recursive listing, and atomic writes (temp file + rename).
 * Errors come back as errno values; callers turn them into diagnostics. */
#ifndef SOBRE_FS_H
#define SOBRE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Reads path into out (replacing its contents). Returns 0, or an errno value;
 * EFBIG when the file is larger than max bytes. */
int fs_read_file(const char *path, size_t max, buf_t *out);

/* Decides whether a directory entry is listed (files) or descended into
 * (directories); name is the entry's own name, rel its path from the root. */
typedef bool (*fs_filter_fn)(const char *rel, const char *name, bool is_dir, void *ud);

typedef struct {
	char **paths; /* relative to the root, '/'-separated, sorted bytewise */
	size_t len, cap;
} fs_list_t;

/* Recursive listing of regular files under root. On an unreadable directory
 * it stops and returns the errno, with *failed set to the (malloc'd) path. */
int fs_list(const char *root, fs_filter_fn filter, void *ud, fs_list_t *out, char **failed);
void fs_list_free(fs_list_t *l);

bool fs_is_dir(const char *path);
/* mkdir -p. Returns 0 or an errno value. */
int fs_mkdirs(const char *path);
/* Writes data to path through a temporary file in the same directory and
 * rename(2), so readers see the old file or the new one, never half of it. */
int fs_write_atomic(const char *path, const char *data, size_t len);
/* rm -rf; returns 0 or an errno value. */
int fs_remove_tree(const char *path);
char *fs_join(const char *a, const char *b);

#endif
