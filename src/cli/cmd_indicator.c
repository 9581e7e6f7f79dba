/* cmd_indicator: `sobre indicator add|set` (custom indicators, editing a
 * type, unit, target or direction) and `sobre indicators` (the list, with
 * the ones due for a measurement). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "steer/input.h"
#include "steer/indicator.h"
#include "steer/jsonout.h"
#include "steer/store.h"

static const char usage[] =
	"sobre indicator add ID --name TEXT [--type yesno|percent|quantity|text] [--unit U] [--target V] "
	"[--target-date D] [--direction up|down] [--footprint oui|non] [--db FILE]\n"
	"       sobre indicator set ID N [--type T] [--unit U] [--target V] [--target-date D] [--direction up|down] "
	"[--footprint oui|non] [--name TEXT]";

int cmd_indicator(int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"type", required_argument, NULL, 't'},
		{"unit", required_argument, NULL, 'u'},
		{"target", required_argument, NULL, 'T'},
		{"target-date", required_argument, NULL, 'd'},
		{"direction", required_argument, NULL, 'r'},
		{"footprint", required_argument, NULL, 'F'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "set") && strcmp(argv[1], "--help") &&
			 strcmp(argv[1], "-h")))
		return cli_usage_error("indicator", usage, "give a subcommand: add or set");
	bool add = strcmp(argv[1], "add") == 0;
	indicator_spec_t spec;
	memset(&spec, 0, sizeof spec);
	const char *db = NULL;
	int c, rc;
	optind = 1;
	if (argv[1][0] != '-') {
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, "n:t:u:T:d:r:F:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': spec.name = optarg; break;
		case 't': spec.type = optarg; break;
		case 'u': spec.unit = optarg; break;
		case 'T': spec.target = optarg; break;
		case 'd': spec.target_date = optarg; break;
		case 'r': spec.direction = optarg; break;
		case 'F': spec.footprint = optarg; break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
			       "add: a custom indicator for practice ID; its type is inferred from the name\n"
			       "     unless --type is given.\n"
			       "set: changes indicator N of practice ID (numbers: sobre show ID). A new type\n"
			       "     re-checks the values already measured. Names of the guide's indicators\n"
			       "     follow the guide and cannot be changed.\n"
			       "  --type T         yesno, percent, quantity or text\n"
			       "  --target V       the value to reach (\"\" clears), --target-date YYYY-MM-DD\n"
			       "  --direction D    up (higher is better) or down (lower is better)\n"
			       "  --footprint B    oui: a figure of the environmental footprint, listed in the\n"
			       "                   strategy's bilan; non: not one; \"\": as its unit says (kgCO2e,\n"
			       "                   kWh, m3, équipements... are)\n", usage);
			return EXIT_OK;
		default:
			return cli_usage_error("indicator", usage, "unknown option");
		}
	}
	int num = 0;
	if (add) {
		if (argc - optind != 1)
			return cli_usage_error("indicator add", usage, "give one practice id");
		if (!spec.name)
			return cli_usage_error("indicator add", usage, "--name is required");
	} else {
		if (argc - optind != 2)
			return cli_usage_error("indicator set", usage, "give a practice id and an indicator number");
		long n;
		if (!input_whole(argv[optind + 1], 1, 100000, &n))
			return cli_usage_error("indicator set", usage, "'%s' is not an indicator number", argv[optind + 1]);
		num = (int)n;
		if (!spec.name && !spec.type && !spec.unit && !spec.target && !spec.target_date && !spec.direction &&
		    !spec.footprint)
			return cli_usage_error("indicator set", usage, "nothing to change");
	}
	const char *cmd = add ? "indicator add" : "indicator set";
	store_t *s;
	if ((rc = cli_steer_open(cmd, db, false, true, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	rc = add ? indicator_add(s, argv[optind], &spec, &num, &d) : indicator_edit(s, argv[optind], num, &spec, &d);
	indicator_list_t l;
	memset(&l, 0, sizeof l);
	if (!rc)
		rc = indicator_list(s, argv[optind], 0, &l, &d);
	rc = cli_steer_close(cmd, s, rc, &d);
	for (size_t i = 0; !rc && i < l.len; i++) {
		const indicator_t *x = &l.items[i];
		if (x->num != num)
			continue;
		printf("%s indicator %d %s: %s\n  type %s", x->idbp, num, add ? "added" : "updated", x->name,
		       indicator_type_name(x->type));
		if (x->unit && *x->unit)
			printf(", unit %s", x->unit);
		if (x->target)
			printf(", target %s", x->target);
		if (x->target_date)
			printf(" by %s", x->target_date);
		if (x->direction)
			printf(", %s is better", strcmp(x->direction, "up") == 0 ? "higher" : "lower");
		printf("\n");
	}
	indicator_list_free(&l);
	return rc;
}

static const char list_usage[] = "sobre indicators [--due] [--format table|json] [--db FILE]";

int cmd_indicators(int argc, char **argv)
{
	static const struct option opts[] = {
		{"due", no_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *format = "table";
	bool due_only = false;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "df:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': due_only = true; break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return cli_usage_error("indicators", list_usage, "unknown format '%s' (table or json)", optarg);
			format = optarg;
			break;
		case 'D': db = optarg; break;
		case 'h':
			printf("usage: %s\n\nLists the indicators of the current guide's practices with their last\n"
			       "value. Measurements are steered by calendar quarter: an indicator is due\n"
			       "when no measurement covers the last completed quarter or later.\n"
			       "  --due   only the indicators due\n", list_usage);
			return EXIT_OK;
		default:
			return cli_usage_error("indicators", list_usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("indicators", list_usage, "unexpected argument '%s'", argv[optind]);
	store_t *s;
	if ((rc = cli_steer_open("indicators", db, false, false, &s)))
		return rc;
	diag_list_t d = DIAG_LIST_INIT;
	indicator_list_t l;
	char today[11], since[11], quarter[11];
	store_today(s, today);
	indicator_due_since(today, since, quarter);
	rc = indicator_list(s, NULL, 1, &l, &d);
	rc = cli_steer_close("indicators", s, rc, &d);
	if (rc)
		return rc;
	buf_t out = BUF_INIT;
	size_t ndue = 0;
	for (size_t i = 0; i < l.len; i++)
		ndue += l.items[i].due;
	if (strcmp(format, "json") == 0) {
		jsonw_t w;
		jsonw_init(&w, &out);
		jsonout_indicators(&w, &l, quarter, due_only);
		buf_putc(&out, '\n');
	} else {
		cli_table_t t = {0};
		const char *head[] = {"id", "#", "type", "last", "value", "due", "name"};
		cli_table_row(&t, 7, head);
		for (size_t i = 0; i < l.len; i++) {
			const indicator_t *x = &l.items[i];
			if (due_only && !x->due)
				continue;
			char num[16];
			snprintf(num, sizeof num, "%d", x->num);
			/* Long guide wordings would make every row wrap: cut at 60 columns. */
			buf_t name = BUF_INIT;
			buf_puts(&name, x->name);
			if (cli_width(x->name) > 60) {
				size_t k = 0, cps = 0;
				while (x->name[k] && cps < 59) {
					k++;
					while ((x->name[k] & 0xc0) == 0x80)
						k++;
					cps++;
				}
				buf_truncate(&name, k);
				buf_puts(&name, "…");
			}
			const char *row[] = {x->idbp, num, indicator_type_name(x->type),
					     x->nmeasures ? x->measures[0].period : "—",
					     x->nmeasures ? x->measures[0].value : "—", x->due ? "due" : "", buf_cstr(&name)};
			cli_table_row(&t, 7, row);
			buf_free(&name);
		}
		cli_table_print(&t, 2, &out);
		cli_table_free(&t);
		buf_printf(&out, "%zu indicators, %zu due (no measurement covering %s or later)\n", l.len, ndue, quarter);
	}
	indicator_list_free(&l);
	fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_free(&out);
	return EXIT_OK;
}
