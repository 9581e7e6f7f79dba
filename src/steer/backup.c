/* backup: the daily copy and its rotation. The date in the name is the
 * local one because that is the day the referent thinks in. */
#include "steer/backup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/xalloc.h"

/* "sobre-YYYY-MM-DD.db" exactly: the only names rotation may remove. */
static bool dated_name(const char *name)
{
	static const char shape[] = "sobre-####-##-##.db";
	if (strlen(name) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '#' ? name[i] < '0' || name[i] > '9' : name[i] != shape[i])
			return false;
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static steer_rc rotate(const char *dir, size_t keep, size_t *removed, diag_list_t *d)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		diag_add(d, DIAG_ERROR, dir, 0, 0, "backup", "cannot read the backup folder: %s", strerror(errno));
		return STEER_IO;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dh)))
		if (dated_name(e->d_name)) {
			names = xgrow(names, &cap, n + 1, sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	closedir(dh);
	/* Names sort by date: the oldest come first. */
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);
	steer_rc rc = STEER_OK;
	for (size_t i = 0; i + keep < n; i++) {
		char *path = fs_join(dir, names[i]);
		if (unlink(path) == 0) {
			(*removed)++;
		} else if (errno != ENOENT) {
			diag_add(d, DIAG_ERROR, path, 0, 0, "backup", "cannot remove an old backup: %s", strerror(errno));
			rc = STEER_IO;
		}
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

steer_rc backup_daily(const char *db, const char *dir, time_t now, size_t keep, backup_result_t *res,
		      diag_list_t *d)
{
	memset(res, 0, sizeof *res);
	if (keep < 1)
		keep = 1;
	int err = fs_mkdirs(dir);
	if (err) {
		diag_add(d, DIAG_ERROR, dir, 0, 0, "backup", "cannot create the backup folder: %s", strerror(err));
		return STEER_IO;
	}
	struct tm tm;
	char name[32];
	localtime_r(&now, &tm);
	strftime(name, sizeof name, "sobre-%Y-%m-%d.db", &tm);
	int len = snprintf(res->path, sizeof res->path, "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= sizeof res->path) {
		diag_add(d, DIAG_ERROR, dir, 0, 0, "backup", "the backup folder's path is too long");
		return STEER_IO;
	}
	struct stat st;
	if (stat(res->path, &st) != 0) {
		store_t *s = NULL;
		/* A copy only reads: a database that cannot be written is copied too. */
		steer_rc rc = store_open(db, STORE_READ, &s, d);
		if (!rc)
			rc = store_backup(s, res->path, d);
		store_close(s);
		if (rc)
			return rc;
		res->written = true;
	}
	return rotate(dir, keep, &res->removed, d);
}
