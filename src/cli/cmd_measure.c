/* cmd_measure: `sobre measure ID` — records one value of an indicator. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/indicator.h"
#include "steer/store.h"

static const char usage[] =
	"sobre measure ID [--indicator N | --name TEXT] --value V [--date D] [--source S] [--comment C] [--db FILE]";

int cmd_measure(int argc, char **argv)
{
	static const struct option opts[] = {
		{"indicator", required_argument, NULL, 'i'},
		{"name", required_argument, NULL, 'n'},
		{"value", required_argument, NULL, 'v'},
		{"date", required_argument, NULL, 't'},
		{"period", required_argument, NULL, 't'},
		{"source", required_argument, NULL, 's'},
		{"comment", required_argument, NULL, 'c'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	indicator_ref_t ref = {0, NULL};
	const char *value = NULL, *date = NULL, *source = NULL, *comment = NULL, *db = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:v:t:s:c:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': {
			long n;
			if (!input_whole(optarg, 1, 100000, &n))
				return cli_usage_error("measure", usage, "--indicator takes the indicator's number (sobre show ID lists them)");
			ref.num = (int)n;
			break;
		}
		case 'n': ref.name = optarg; break;
		case 'v': value = optarg; break;
		case 't': date = optarg; break;
		case 's': source = optarg; break;
		case 'c': comment = optarg; break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nRecords a value of one of practice ID's indicators.\n"
			       "  --indicator N   the indicator's number (sobre show ID lists them);\n"
			       "  --name TEXT     or words of its name; not needed when there is only one\n"
			       "  --value V       oui/non, a percentage (0-100), a number (12,5 or 12.5) or text\n"
			       "  --date D        the day or period measured (default: today): 2026-03-15,\n"
			       "                  a month 2026-03, a quarter 2026-T1 or a year 2026; a new value\n"
			       "                  for the same period replaces the old one (history keeps it)\n"
			       "  --source S      where the figure comes from\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("measure", usage, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("measure", usage, "give one practice id, e.g. a.1");
	if (!value)
		return cli_usage_error("measure", usage, "--value is required");
	if (ref.num && ref.name)
		return cli_usage_error("measure", usage, "give --indicator or --name, not both");
	store_t *s;
	if ((rc = cli_steer_open("measure", db, false, true, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	measure_result_t res;
	rc = indicator_measure(s, argv[optind], ref, value, date, source, comment, &res, &d);
	rc = cli_steer_close("measure", s, rc, &d);
	if (!rc) {
		if (res.old_value && strcmp(res.old_value, res.value) != 0)
			printf("%s indicator %d, %s: %s (replaces %s)\n", argv[optind], res.num, res.period, res.value,
			       res.old_value);
		else
			printf("%s indicator %d, %s: %s\n", argv[optind], res.num, res.period, res.value);
		printf("  %s\n", res.name);
	}
	measure_result_free(&res);
	return rc;
}
