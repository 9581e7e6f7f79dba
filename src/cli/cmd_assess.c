/* cmd_assess: `sobre assess ID` — sets a practice's status, pilot function,
 * owner, due date, comment and evidence links, optionally only if nobody
 * changed them since a version read before (--if-version). */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/assess.h"
#include "steer/store.h"
#include "util/xalloc.h"

static const char usage[] =
	"sobre assess ID [--status S] [--pilot P [--custom-pilot]] [--owner O] [--due DATE] [--comment TEXT] "
	"[--budget EUROS] [--staff DAYS] [--evidence URL]... [--remove-evidence URL]... [--if-version N] [--db FILE]";

int cmd_assess(int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", required_argument, NULL, 's'},
		{"pilot", required_argument, NULL, 'p'},
		{"custom-pilot", no_argument, NULL, 'P'},
		{"owner", required_argument, NULL, 'o'},
		{"due", required_argument, NULL, 'u'},
		{"comment", required_argument, NULL, 'c'},
		{"budget", required_argument, NULL, 'b'},
		{"staff", required_argument, NULL, 'f'},
		{"evidence", required_argument, NULL, 'e'},
		{"remove-evidence", required_argument, NULL, 'E'},
		{"if-version", required_argument, NULL, 'V'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	assess_change_t ch;
	memset(&ch, 0, sizeof ch);
	const char *db = NULL;
	const char **add = xcalloc((size_t)argc + 1, sizeof *add), **del = xcalloc((size_t)argc + 1, sizeof *del);
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:p:Po:u:c:b:f:e:E:V:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': ch.status = optarg; break;
		case 'p': ch.pilot = optarg; break;
		case 'P': ch.custom_pilot = true; break;
		case 'o': ch.owner = optarg; break;
		case 'u': ch.due = optarg; break;
		case 'c': ch.comment = optarg; break;
		case 'b': ch.budget = optarg; break;
		case 'f': ch.staff = optarg; break;
		case 'e': add[ch.nadd++] = optarg; break;
		case 'E': del[ch.nremove++] = optarg; break;
		case 'V': {
			long v;
			if (!input_whole(optarg, 0, LONG_MAX, &v)) {
				free(add);
				free(del);
				return cli_usage_error("assess", usage, "--if-version takes the version read with sobre show ID --format json, a whole number");
			}
			ch.check_version = true;
			ch.if_version = v;
			break;
		}
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nAssesses practice ID (e.g. a.1). Only the options given change;\n"
			       "an empty value (--owner \"\") clears a field. Every change is kept in the history.\n"
			       "  --status S      non évaluée, non concernée, non engagée, planifiée, en cours,\n"
			       "                  réalisée (case and accents optional: realisee)\n"
			       "  --pilot P       the pilot function: one of the guide's (sobre show ID lists\n"
			       "                  them) or your own; --custom-pilot keeps one that looks like a typo\n"
			       "  --owner O       the person in charge: a name or an e-mail address\n"
			       "  --due DATE      target date, YYYY-MM-DD or DD/MM/YYYY\n"
			       "  --comment TEXT  notes; required for 'non concernée' (the justification)\n"
			       "  --budget EUROS  the action's budget in euros (12 500,50 or 12500.50)\n"
			       "  --staff DAYS    the action's staff time in person-days (2,5)\n"
			       "  --evidence URL  adds a link to a proof (http or https); repeatable\n"
			       "  --if-version N  change nothing unless the assessment is still at version N,\n"
			       "                  as read before with sobre show ID --format json (\"version\"):\n"
			       "                  a change saved meanwhile by someone else is refused\n"
			       "                  (stale-version, exit 1) instead of overwritten\n", usage);
			free(add);
			free(del);
			return EXIT_OK;
		default:
			free(add);
			free(del);
			return cli_usage_error("assess", usage, "unknown option");
		}
	}
	ch.add_evidence = add;
	ch.remove_evidence = del;
	if (argc - optind != 1) {
		free(add);
		free(del);
		return cli_usage_error("assess", usage, argc - optind ? "give one practice id" : "which practice? give its id, e.g. a.1");
	}
	if (!ch.status && !ch.pilot && !ch.owner && !ch.due && !ch.comment && !ch.budget && !ch.staff && !ch.nadd && !ch.nremove) {
		free(add);
		free(del);
		return cli_usage_error("assess", usage, "nothing to change: give --status, --pilot, --owner, --due, --comment, --budget, --staff or --evidence");
	}
	store_t *s;
	if ((rc = cli_steer_open("assess", db, false, true, &s))) {
		free(add);
		free(del);
		return rc;
	}
	diag_list_t d = DIAG_LIST_INIT;
	size_t changed = 0;
	assessment_t a;
	memset(&a, 0, sizeof a);
	rc = assess_set(s, argv[optind], &ch, &changed, &d);
	if (!rc)
		rc = assess_get(s, argv[optind], 1, &a, &d);
	rc = cli_steer_close("assess", s, rc, &d);
	if (!rc) {
		if (!changed)
			printf("%s: nothing changed (it already was so)\n", a.idbp);
		else
			printf("%s: %zu change%s saved\n", a.idbp, changed, changed > 1 ? "s" : "");
		printf("  %s — %s\n  status: %s", a.idbp, a.title, status_name(a.profile, a.status));
		if (a.pilot)
			printf(", pilot: %s", a.pilot);
		if (a.owner)
			printf(", owner: %s", a.owner);
		if (a.due)
			printf(", due %s%s", a.due, a.overdue ? " (overdue)" : "");
		printf("\n");
	}
	assessment_free(&a);
	free(add);
	free(del);
	return rc;
}
