/* cmd_remind: `sobre remind` — the e-mail reminders sent now (or printed
 * with --dry-run): each person's digest of the period and the assignment
 * messages waiting, over SMTP as serve's settings say (the run itself is
 * cli/reminders.c, which serve also calls on schedule). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "steer/account.h"
#include "util/smtp.h"

static const char usage[] = "sobre remind [--dry-run] [--config FILE] [--db FILE] [--now DATE]";

static void print_help(void)
{
	printf("usage: %s\n\nSends the e-mail reminders now: each person's digest of the period (overdue actions,\n"
	       "actions due within 30, 7 and 1 days, indicators waiting for last quarter's value) and the\n"
	       "messages to people who became pilot or owner of a practice. Nothing is sent twice.\n"
	       "  --dry-run       print the messages instead; nothing is sent or recorded\n"
	       "  --config FILE   serve's settings file (default $SOBRE_CONFIG, else %s):\n"
	       "                  smtp_url, smtp_from, base_url... (docs/reminders.md)\n"
	       "  --db FILE       the database, a file or a PostgreSQL URI (default: the settings'\n"
	       "                  db, else ./sobre.db)\n"
	       "  --now DATE      the date to remind as of (YYYY-MM-DD; default today)\n",
	       usage, CLI_DEFAULT_CONFIG);
}

int cmd_remind(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'n'}, {"config", required_argument, NULL, 'c'},
		{"db", required_argument, NULL, 'D'}, {"now", required_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *db = NULL, *now = NULL;
	bool dry = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "nc:D:N:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry = true; break;
		case 'c': config = optarg; break;
		case 'D': db = optarg; break;
		case 'N': now = optarg; break;
		case 'h': print_help(); return EXIT_OK;
		default: return cli_usage_error("remind", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("remind", usage, "unexpected argument '%s'", argv[optind]);
	if (now)
		setenv("SOBRE_NOW", now, 1);
	config_value_t *vals = calloc(cli_serve_nkeys, sizeof *vals);
	const char *used = NULL;
	diag_list_t d = DIAG_LIST_INIT;
	size_t errors = cli_serve_settings(config, vals, &used, &d);
	cli_print_diags(stderr, &d);
	diag_list_free(&d);
	int rc = EXIT_OK;
	cli_remind_config_t cfg;
	memset(&cfg, 0, sizeof cfg);
	if (errors) {
		fprintf(stderr, "sobre remind: the settings have errors; fix them first (sobre config check)\n");
		rc = EXIT_USAGE;
	} else if ((rc = cli_remind_config("remind", cli_serve_keys, cli_serve_nkeys, vals, !dry, &cfg)) == EXIT_OK) {
		if (account_init() != 0) {
			fprintf(stderr, "sobre remind: libsodium cannot start (no source of randomness)\n");
			rc = EXIT_USAGE;
		} else {
			unsigned long sent, failed;
			smtp_global_init();
			rc = cli_remind_run("remind", &cfg, db ? db : cli_setting(cli_serve_keys, cli_serve_nkeys, vals, "db"), dry ? stdout : NULL, &sent, &failed, NULL);
			if (!dry)
				fprintf(stderr, "sobre remind: %lu message%s sent%s\n", sent, sent == 1 ? "" : "s",
					failed ? ", some failed (see above); they are retried next run" : "");
		}
	}
	cli_remind_config_free(&cfg);
	config_values_free(vals, cli_serve_nkeys);
	free(vals);
	return rc;
}
