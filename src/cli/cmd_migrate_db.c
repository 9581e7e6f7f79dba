/* cmd_migrate_db: `sobre migrate-db --from FILE --to LOCATION` — moves an
 * installation's SQLite database into a new one (a file, or a PostgreSQL
 * database once that backend is built), refusing a target that holds data,
 * then checks that the target says what the source says before committing
 * (steer/transfer). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "steer/store.h"
#include "steer/transfer.h"

static const char usage[] = "sobre migrate-db --from FILE --to FILE|postgresql://…";

/* Removes the file store_open created for a move that did not commit
 * (with SQLite's companions, should any be left). */
static void remove_created(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		char p[4200];
		if ((size_t)snprintf(p, sizeof p, "%s%s", path, suffixes[i]) < sizeof p)
			(void)unlink(p);
	}
}

static void print_summary(const char *from, const char *to, const transfer_summary_t *x)
{
	size_t n;
	const transfer_table_t *t = transfer_tables(&n);
	long long total = 0;
	printf("%s -> %s\n", from, to);
	for (size_t i = 0; i < n && i < x->ntables; i++) {
		printf("  %-22s %8lld\n", t[i].name, x->rows[i]);
		total += x->rows[i];
	}
	printf("copied %lld rows in %zu tables; compared every row, the scores of %zu perimeter/référentiel "
	       "pair(s) and of %zu snapshot(s): identical\n",
	       total, x->ntables, x->scopes, x->snapshots);
}

int cmd_migrate_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'h':
			printf("usage: %s\n\nCopies every row of the SQLite database FILE (upgraded to the current schema\n"
			       "first, as any command would) into a new database: a file, or a PostgreSQL\n"
			       "database given by its URI. The target must hold nothing yet. The copy is one\n"
			       "transaction, checked before it commits: every row, and the score of every\n"
			       "perimeter, référentiel and snapshot, must be the same on both sides.\n"
			       "Stop sobre serve and the reminders before moving.\n",
			       usage);
			return EXIT_OK;
		default:
			return cli_usage_error("migrate-db", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("migrate-db", usage, "unexpected argument '%s'", argv[optind]);
	if (!from || !to || !*from || !*to)
		return cli_usage_error("migrate-db", usage, "give the source with --from and the target with --to");
	if (store_location_is_postgres(from))
		return cli_usage_error("migrate-db", usage, "the source must be an SQLite file, not a URI");
	struct stat sf, st;
	if (stat(from, &sf) != 0) {
		fprintf(stderr, "sobre migrate-db: cannot read the source %s: %s\n", from, strerror(errno));
		return STEER_IO;
	}
	bool target_existed = !store_location_is_postgres(to) && stat(to, &st) == 0;
	if (target_existed && st.st_dev == sf.st_dev && st.st_ino == sf.st_ino)
		return cli_usage_error("migrate-db", usage, "the target must be another database than the source");

	diag_list_t d = DIAG_LIST_INIT;
	store_t *src = NULL, *dst = NULL;
	transfer_summary_t sum = {0};
	bool created = false;
	/* Read-only when the file cannot be written (its schema must then be
	 * current); else upgraded in place first, as every command does. */
	int rc = store_open(from, STORE_READ, &src, &d);
	if (!rc) {
		rc = store_open(to, STORE_CREATE, &dst, &d);
		created = !rc && !store_location_is_postgres(to) && !target_existed;
	}
	if (!rc && !(rc = store_begin(src, false, &d)) && !(rc = store_begin(dst, true, &d)) &&
	    !(rc = transfer_move(src, dst, &sum, &d)))
		rc = store_commit(dst, &d);
	if (rc && dst)
		store_rollback(dst);
	store_close(src);
	store_close(dst);
	if (rc && created)
		remove_created(to);
	cli_steer_print("migrate-db", &d);
	/* A URI's password never shows. */
	char *name = store_location_name(to);
	if (rc)
		fprintf(stderr, "sobre migrate-db: nothing was written to %s\n", name);
	else
		print_summary(from, name, &sum);
	free(name);
	transfer_summary_free(&sum);
	diag_list_free(&d);
	return rc;
}
