/* backup: dated copies of the steering database in a folder, for `sobre
 * serve --backups DIR`: one file a day (sobre-YYYY-MM-DD.db, the local
 * date), written when missing, the newest `keep` kept. Only files named
 * that way are ever removed. */
#ifndef SOBRE_BACKUP_H
#define SOBRE_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "steer/store.h"
#include "util/diag.h"

#define BACKUP_MAX_KEEP 3650 /* ten years of days */

typedef struct {
	char path[4096]; /* the copy for the day of now */
	bool written;    /* false: it was already there */
	size_t removed;  /* older copies removed beyond keep */
} backup_result_t;

/* Makes dir (mkdir -p) and, unless it holds today's copy, copies db into it
 * (store_backup: consistent while the server writes, atomic); then removes
 * the oldest dated copies beyond keep (at least 1). */
steer_rc backup_daily(const char *db, const char *dir, time_t now, size_t keep, backup_result_t *res,
		      diag_list_t *d);

#endif
