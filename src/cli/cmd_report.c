/* cmd_report: `sobre report` — the management report as one printable,
 * self-contained HTML page. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/report.h"
#include "steer/store.h"

static const char usage[] = "sobre report [-o report.html] [--top N] [--db FILE]";

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"top", required_argument, NULL, 't'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	report_options_t opt = REPORT_OPTIONS_DEFAULT;
	const char *db = NULL, *output = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 't': {
			long n;
			if (!input_whole(optarg, 1, 1000, &n))
				return cli_usage_error("report", usage, "--top takes a number of actions from 1 to 1000");
			opt.top_actions = (size_t)n;
			break;
		}
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nWrites the report for management, in French: organisation, date, guide\n"
			       "version, score and completion with the formula, scores by theme and by\n"
			       "priority (charts and tables), evolution across snapshots, the next actions\n"
			       "of the plan (--top N, default 10), overdue actions and indicator trends.\n"
			       "One HTML file with no external resource, printable (A4).\n"
			       "  -o FILE   write to FILE atomically (default: standard output)\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("report", usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("report", usage, "unexpected argument '%s'", argv[optind]);
	store_t *s;
	if ((rc = cli_steer_open("report", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	buf_t out = BUF_INIT;
	rc = report_html(s, &opt, &out, &d);
	rc = cli_steer_close("report", s, rc, &d);
	if (!rc)
		rc = cli_write_output("report", output, buf_cstr(&out), out.len);
	if (!rc && output && strcmp(output, "-") != 0)
		fprintf(stderr, "wrote %s\n", output);
	buf_free(&out);
	return rc;
}
