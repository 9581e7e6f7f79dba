/* cmd_init: `sobre init` — creates the steering database (or upgrades an
 * existing one's schema) and records the organisation's name. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/perimeter.h"
#include "steer/store.h"
#include "util/xalloc.h"

static const char usage[] = "sobre init [--org NAME] [--db FILE]";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"org", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *org = NULL, *db = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nCreates the steering database (default ./%s): the referent's\n"
			       "assessments, indicators, plan, scores and snapshots. On an existing\n"
			       "database, upgrades its schema and changes the organisation's name.\n"
			       "  --org NAME   the organisation, shown in reports\n"
			       "  --db FILE    the database file, or a PostgreSQL URI whose schema is empty\n"
			       "               (every steering command takes it)\n"
			       "Next: sobre guide import DIR\n", usage, CLI_DEFAULT_DB);
			return EXIT_OK;
		default:
			return cli_usage_error("init", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("init", usage, "unexpected argument '%s'", argv[optind]);
	const char *why = org ? input_text_problem(org, INPUT_MAX_NAME, false) : NULL;
	if (why)
		return cli_usage_error("init", usage, "the organisation's name %s", why);
	store_t *s;
	int rc = cli_steer_open("init", db, true, true, &s);
	if (rc)
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	char *created = store_meta(s, "created_at"), *old_org = store_meta(s, "org");
	char now[21];
	store_timestamp(s, now);
	if (!created) {
		rc = store_set_meta(s, "created_at", now, &d);
		if (!rc)
			rc = perimeter_date_root(s, now, &d);
		if (!rc)
			rc = store_log_global(s, "database", NULL, "created", &d);
	}
	char *name = org ? input_trim(org) : NULL;
	if (!rc && name && (!old_org || strcmp(old_org, name) != 0)) {
		rc = perimeter_name_root(s, name, &d);
		if (!rc)
			rc = store_log_global(s, "organisation", old_org, name, &d);
	}
	char *where = xstrdup(store_name(s));
	int version = store_schema_version(s);
	rc = cli_steer_close("init", s, rc, &d);
	if (!rc) {
		if (created)
			printf("%s is already initialised (schema %d)%s%s\n", where, version, name ? "; organisation: " : "",
			       name ? name : "");
		else
			printf("initialised %s (schema %d)%s%s\nnext: sobre guide import DIR\n", where, version,
			       name ? " for " : "", name ? name : "");
	}
	free(where);
	free(name);
	free(created);
	free(old_org);
	return rc;
}
