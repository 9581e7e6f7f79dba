/* cmd_backup: `sobre backup FILE` — a consistent copy of the steering
 * database, safe while `sobre serve` is writing to it (SQLite online
 * backup), written atomically. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/store.h"

static const char usage[] = "sobre backup FILE [--db FILE]";

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nCopies the database to FILE, consistently, even while sobre serve writes to it.\n",
			       usage);
			return EXIT_OK;
		default:
			return cli_usage_error("backup", usage, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("backup", usage, "give one destination FILE");
	const char *dest = argv[optind];
	db = cli_db(db);
	if (strcmp(dest, db) == 0)
		return cli_usage_error("backup", usage, "the backup must be another file than the database");
	diag_list_t d = DIAG_LIST_INIT;
	store_t *s = NULL;
	/* A copy only reads: a database that cannot be written is copied too. */
	int rc = store_open(db, STORE_READ, &s, &d);
	if (!rc)
		rc = store_backup(s, dest, &d);
	store_close(s);
	cli_print_diags(stderr, &d);
	diag_list_free(&d);
	if (!rc)
		printf("%s: copy of %s written\n", dest, db);
	return rc;
}
